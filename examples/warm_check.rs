//! `handbook check` repeated in one process, to tell the work itself from a
//! fresh process's first touches of code and memory (README, "Speed and
//! scale"): `cargo run --release --example warm_check [ROOT] [RUNS]`.

use std::time::Instant;

// The same allocator as the `handbook` binary.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = std::path::PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(400).max(1);
    let mut times = Vec::with_capacity(runs);
    let mut last = String::new();
    for _ in 0..runs {
        let watch = handbook::progress::Stopwatch::default();
        let start = Instant::now();
        let checked = handbook::pipeline::check_with_progress(&root, &|stage| watch.lap(stage));
        times.push(start.elapsed().as_secs_f64() * 1e3);
        assert!(checked.report.ok(), "the handbook at {} has errors: run `handbook check`", root.display());
        last = watch.table();
    }
    let first = times[0];
    times.sort_by(f64::total_cmp);
    println!("first check {first:.2} ms; median of {runs} {:.2} ms", times[runs / 2]);
    print!("last check's stages:\n{last}");
}
