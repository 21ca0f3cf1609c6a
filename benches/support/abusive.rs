//! Slow and abusive clients for `handbook serve`, shared by the load script
//! (`benches/serve_load.rs`) and the untimed test in CI (`tests/it/serve.rs`):
//! clients that drip their request head a header line at a time, connect and
//! send nothing, or send a head with an endless body; each one closed by the
//! server comes back, as an abusive client would. All on loopback; they stop
//! when [`Abusers::stop`] is called.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

pub struct Abusers {
    stop: Arc<AtomicBool>,
    held: Arc<AtomicUsize>,
    driver: std::thread::JoinHandle<()>,
}

/// Client `i`: `i % 3` = 0 drips header lines, 1 sends nothing, 2 drips an endless body.
fn open(addr: SocketAddr, i: usize) -> Option<TcpStream> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_nonblocking(true).ok()?;
    match i % 3 {
        0 => s.write_all(b"GET /index.html HTTP/1.1\r\n").ok()?,
        2 => s.write_all(b"GET /index.html HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n").ok()?,
        _ => {}
    }
    Some(s)
}

/// A write went through, or only the socket's buffer is full.
fn still_open(r: std::io::Result<()>) -> bool {
    match r {
        Ok(()) => true,
        Err(e) => e.kind() == std::io::ErrorKind::WouldBlock,
    }
}

impl Abusers {
    /// Opens `clients` abusive connections, returns once they are open, and
    /// keeps them at it (a line or a byte each every 200 ms) on a thread.
    pub fn start(addr: SocketAddr, clients: usize) -> Abusers {
        let (stop, held) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
        let (ready, opened) = std::sync::mpsc::channel();
        let driver = {
            let (stop, held) = (stop.clone(), held.clone());
            std::thread::spawn(move || {
                let mut conns: Vec<Option<TcpStream>> = (0..clients).map(|i| open(addr, i)).collect();
                let _ = ready.send(());
                while !stop.load(Ordering::SeqCst) {
                    let mut alive = 0;
                    for (i, c) in conns.iter_mut().enumerate() {
                        let ok = match c {
                            Some(s) if i % 3 == 0 => still_open(s.write_all(b"X-Drip: 1\r\n")),
                            Some(s) if i % 3 == 2 => still_open(s.write_all(b"x")),
                            // Idle: open while a peek finds nothing yet.
                            Some(s) => s.peek(&mut [0u8; 1]).is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock),
                            None => false,
                        };
                        if !ok {
                            *c = open(addr, i);
                        }
                        alive += usize::from(c.is_some());
                    }
                    held.store(alive, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(200));
                }
            })
        };
        let _ = opened.recv();
        Abusers { stop, held, driver }
    }

    /// How many connections the clients held at their last round.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }

    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.driver.join();
    }
}
