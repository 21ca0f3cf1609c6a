//! Load script for `handbook serve` (`cargo bench --bench serve_load`):
//! 10,000 mixed requests from 4 client threads on loopback, half of them
//! malformed (garbage, bad methods, traversal, oversized headers, bad API
//! arguments). Every request must get a status line, and the server must
//! still serve afterwards. Bounded: it stops by itself. Prints requests/s and
//! latency percentiles.

use handbook::serve::{ServeOptions, start};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

const TOTAL: usize = 10_000;
const THREADS: usize = 4;

fn request(i: usize) -> Vec<u8> {
    let valid: [&str; 5] = [
        "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /images.html HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/search?q=%E6%8C%A1%E5%B0%8F%E4%BA%8B&limit=5 HTTP/1.1\r\n\r\n",
        "HEAD /search/search.js HTTP/1.1\r\n\r\n",
        "GET /api/search?q=%E7%AC%94%E6%9D%86%E5%AD%90 HTTP/1.1\r\n\r\n",
    ];
    let bad: [&[u8]; 8] = [
        b"\x00\xff\xfe garbage\r\n\r\n",
        b"POST / HTTP/1.1\r\n\r\n",
        b"GET /../Cargo.toml HTTP/1.1\r\n\r\n",
        b"GET /%2e%2e%2fCargo.toml HTTP/1.1\r\n\r\n",
        b"GET /api/search?limit=999 HTTP/1.1\r\n\r\n",
        b"GET /%zz HTTP/1.1\r\n\r\n",
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9\r\n\r\n",
    ];
    if i.is_multiple_of(2) {
        valid[(i / 2) % valid.len()].as_bytes().to_vec()
    } else if i % 97 == 1 {
        format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000)).into_bytes()
    } else {
        bad[(i / 2) % bad.len()].to_vec()
    }
}

fn send(addr: SocketAddr, bytes: &[u8]) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let head = String::from_utf8_lossy(&out[..out.len().min(32)]).into_owned();
    head.split(' ').nth(1)?.parse().ok()
}

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
    let t0 = Instant::now();
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut statuses = std::collections::BTreeMap::new();
                for i in (t..TOTAL).step_by(THREADS) {
                    let s = Instant::now();
                    let status = send(addr, &request(i));
                    lat.push(s.elapsed().as_secs_f64() * 1000.0);
                    *statuses.entry(status).or_insert(0usize) += 1;
                }
                (lat, statuses)
            })
        })
        .collect();
    let mut lat = Vec::new();
    let mut statuses = std::collections::BTreeMap::new();
    for h in handles {
        let (l, s) = h.join().unwrap();
        lat.extend(l);
        for (k, v) in s {
            *statuses.entry(k).or_insert(0) += v;
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    lat.sort_by(f64::total_cmp);
    let p = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize];
    println!(
        "{TOTAL} requests (half malformed) from {THREADS} threads in {secs:.2} s: {:.0} requests/s",
        TOTAL as f64 / secs
    );
    println!("latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", p(0.5), p(0.99), p(1.0));
    println!("statuses: {statuses:?}");
    let unanswered = statuses.get(&None).copied().unwrap_or(0);
    let still = send(addr, b"GET / HTTP/1.1\r\n\r\n");
    println!("unanswered: {unanswered}; still serving afterwards: {}", still == Some(200));
    server.stop();
    assert_eq!(unanswered, 0, "every request gets an answer");
    assert_eq!(still, Some(200));
}
