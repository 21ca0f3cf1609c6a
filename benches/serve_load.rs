//! Load script for `handbook serve` (`cargo bench --bench serve_load`):
//! 10,000 mixed requests from 4 client threads on loopback, half of them
//! malformed (`support/load_mix.rs`, shared with the bounded test in CI).
//! Every request must get a status line, and the server must still serve
//! afterwards. Bounded: it stops by itself. Prints requests/s and latency
//! percentiles.

#[path = "support/load_mix.rs"]
mod load_mix;

use handbook::serve::{ServeOptions, start};
use std::time::Duration;

const TOTAL: usize = 10_000;
const THREADS: usize = 4;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let repo = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let opts = ServeOptions {
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        out: tmp.path().join("book"),
        poll: Duration::from_secs(3600),
    };
    let (server, _) = start(&repo, &opts).unwrap();
    let addr = server.addr;
    let run = load_mix::run(addr, TOTAL, THREADS);
    let lat = &run.latencies;
    let p = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize];
    println!(
        "{TOTAL} requests (half malformed) from {THREADS} threads in {:.2} s: {:.0} requests/s",
        run.seconds,
        TOTAL as f64 / run.seconds
    );
    println!("latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", p(0.5), p(0.99), p(1.0));
    println!("statuses (valid?, status): {:?}", run.statuses);
    let unanswered: usize = run.statuses.iter().filter(|((_, s), _)| s.is_none()).map(|(_, n)| n).sum();
    let still = load_mix::send(addr, b"GET / HTTP/1.1\r\n\r\n");
    println!("unanswered: {unanswered}; still serving afterwards: {}", still == Some(200));
    server.stop();
    assert_eq!(unanswered, 0, "every request gets an answer");
    assert_eq!(still, Some(200));
}
