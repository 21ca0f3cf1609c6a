//! The request mix of `handbook serve`'s load script, shared by the bench
//! (`benches/serve_load.rs`, 10,000 requests) and the bounded test in CI
//! (`tests/it/serve.rs`): half valid, half malformed (garbage, bad methods,
//! traversal, oversized headers, bad API arguments), all on loopback.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// Request `i` of the mix: even ones valid, odd ones malformed.
pub fn request(i: usize) -> Vec<u8> {
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

/// Sends one request; the status of the answer (`None`: no answer).
pub fn send(addr: SocketAddr, bytes: &[u8]) -> Option<u16> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let head = String::from_utf8_lossy(&out[..out.len().min(32)]).into_owned();
    head.split(' ').nth(1)?.parse().ok()
}

/// What a run gave: every request's latency (ms, sorted) and the count of each
/// status by whether the request was valid (`None`: no answer).
pub struct Run {
    pub latencies: Vec<f64>,
    pub statuses: BTreeMap<(bool, Option<u16>), usize>,
    pub seconds: f64,
}

/// Sends `total` requests of the mix from `threads` client threads; stops by itself.
pub fn run(addr: SocketAddr, total: usize, threads: usize) -> Run {
    let t0 = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut statuses = BTreeMap::new();
                for i in (t..total).step_by(threads) {
                    let s = Instant::now();
                    let status = send(addr, &request(i));
                    lat.push(s.elapsed().as_secs_f64() * 1000.0);
                    *statuses.entry((i % 2 == 0, status)).or_insert(0usize) += 1;
                }
                (lat, statuses)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut statuses = BTreeMap::new();
    for h in handles {
        let (l, s) = h.join().unwrap();
        latencies.extend(l);
        for (k, v) in s {
            *statuses.entry(k).or_insert(0) += v;
        }
    }
    latencies.sort_by(f64::total_cmp);
    Run { latencies, statuses, seconds: t0.elapsed().as_secs_f64() }
}
