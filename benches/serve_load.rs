//! Load script for `handbook serve` (`cargo bench --bench serve_load`), on
//! loopback, bounded (it stops by itself):
//!
//! 1. 10,000 mixed requests from 4 client threads, half of them malformed
//!    (`support/load_mix.rs`, shared with the bounded test in CI). Every
//!    request must get a status line, and the server must still serve
//!    afterwards. Prints requests/s and latency percentiles.
//! 2. While more slow and abusive clients than the server has connection
//!    slots drip their heads, hold idle connections or send endless bodies
//!    (`support/abusive.rs`, shared with the untimed test in CI), 500 real
//!    requests one after another: how many got 200, and their latency
//!    percentiles (target: all within 1 s).

#[path = "support/load_mix.rs"]
mod load_mix;

#[path = "support/abusive.rs"]
mod abusive;

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

    let clients = handbook::serve::MAX_CONNECTIONS + 200;
    let abusers = abusive::Abusers::start(addr, clients);
    std::thread::sleep(Duration::from_millis(500));
    let mut lat = Vec::new();
    let mut ok = 0;
    for i in 0..500 {
        let t = std::time::Instant::now();
        let status = load_mix::send(addr, &load_mix::request(2 * i));
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        ok += usize::from(status == Some(200));
    }
    let held = abusers.held();
    abusers.stop();
    lat.sort_by(f64::total_cmp);
    let p = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize];
    println!(
        "with {clients} slow clients ({held} connections held): {ok} of 500 real requests answered 200; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        p(0.5),
        p(0.99),
        p(1.0)
    );
    server.stop();
    assert_eq!(unanswered, 0, "every request gets an answer");
    assert_eq!(still, Some(200));
    assert_eq!(ok, 500, "every real request is served while the slow clients drip");
}
