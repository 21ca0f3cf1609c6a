//! A small, defensive HTTP/1.1 server for `handbook serve`: GET and HEAD only,
//! one request per connection, bounded request size, no path outside the site.
//! Every malformed input gets a status code, never a panic.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

/// Longest request line plus headers we read.
const MAX_HEAD: usize = 16 * 1024;

#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The path, percent-decoded, starting with `/`.
    pub path: String,
    /// The raw query string (after `?`), not decoded.
    pub query: String,
}

pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub extra_headers: Vec<(String, String)>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response { status, content_type: content_type.to_string(), body: body.into(), extra_headers: vec![] }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Response {
        Response::new(status, "application/json; charset=utf-8", serde_json::to_vec(value).unwrap_or_default())
    }

    pub fn error(status: u16, message: &str) -> Response {
        Response::json(status, &serde_json::json!({ "error": message, "status": status }))
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// How long a client has to send its whole request head, however it drips
/// it: a deadline for the head, not a timeout per read (a client sending a
/// byte every few seconds would never hit the latter).
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);

/// The stream, read with whatever is left of a deadline as each read's timeout.
struct Deadline<'a> {
    stream: &'a TcpStream,
    until: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        (&*self.stream).read(buf)
    }
}

/// Reads one request head, which must arrive whole within `deadline`.
/// `Err(status)` for input that is not a request we serve (408 when the
/// deadline passed first).
pub fn read_request(stream: &mut TcpStream, deadline: Duration) -> Result<Request, u16> {
    let until = Instant::now() + deadline;
    let failed = |e: std::io::Error| {
        if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) { 408u16 } else { 400 }
    };
    let mut reader = BufReader::new(Deadline { stream, until }.take(MAX_HEAD as u64 + 1));
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).map_err(failed)?;
    if line.len() > MAX_HEAD {
        return Err(431);
    }
    let line = String::from_utf8(line).map_err(|_| 400u16)?;
    let mut parts = line.trim_end().split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(400);
    };
    if parts.next().is_some() || !version.starts_with("HTTP/1.") || method.is_empty() {
        return Err(400);
    }
    // Headers: read and drop (bounded), until the blank line.
    let mut total = line.len();
    loop {
        let mut h = Vec::new();
        let n = reader.read_until(b'\n', &mut h).map_err(failed)?;
        total += n;
        if total > MAX_HEAD {
            return Err(431);
        }
        if n == 0 || h == b"\r\n" || h == b"\n" {
            break;
        }
    }
    if !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(400);
    }
    // Only origin-form targets: "/path?query".
    if !target.starts_with('/') {
        return Err(400);
    }
    let (raw_path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = percent_decode(raw_path).ok_or(400u16)?;
    Ok(Request { method: method.to_string(), path, query: query.to_string() })
}

/// Decodes `%XX`; `None` for a bad escape, invalid UTF-8 or a NUL.
pub fn percent_decode(s: &str) -> Option<String> {
    // Stricter than the decoder, which passes a malformed `%` through as text:
    // a request that hides anything is refused whole.
    let well_formed =
        s.split('%').skip(1).all(|rest| rest.len() >= 2 && rest.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit));
    let s = percent_encoding::percent_decode_str(s).decode_utf8().ok()?;
    (well_formed && !s.contains('\0')).then(|| s.into_owned())
}

/// Query parameter `key`, decoded (`+` as space).
pub fn query_param(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == key).then(|| percent_decode(&v.replace('+', " "))).flatten()
    })
}

/// The file under `root` that `path` names, or the status to answer.
///
/// `..`, backslashes and other tricks are refused (400); a path that resolves
/// outside the root through a symlink is not found (404).
pub fn resolve(root: &Path, path: &str) -> Result<PathBuf, u16> {
    if path.contains('\\') {
        return Err(400);
    }
    let mut rel = PathBuf::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => return Err(400),
            s => {
                let p = Path::new(s);
                if p.components().count() != 1 || !matches!(p.components().next(), Some(Component::Normal(_))) {
                    return Err(400);
                }
                rel.push(s);
            }
        }
    }
    let root = root.canonicalize().map_err(|_| 404u16)?;
    let mut full = root.join(&rel);
    if full.is_dir() {
        full.push("index.html");
    }
    let full = full.canonicalize().map_err(|_| 404u16)?;
    if !full.starts_with(&root) || !full.is_file() {
        return Err(404);
    }
    Ok(full)
}

pub fn write_response(stream: &mut TcpStream, resp: &Response, head_only: bool) {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        resp.body.len()
    );
    for (k, v) in &resp.extra_headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    if !head_only {
        let _ = stream.write_all(&resp.body);
    }
    let _ = stream.flush();
}

/// How long, at most, a closed connection's remaining input is read and dropped.
const LINGER: Duration = Duration::from_millis(500);
/// Input read and dropped after an answer, at most.
const LINGER_BYTES: usize = 64 * 1024;

/// Ends a connection after its answer ("lingering close"): no more writes
/// (the client sees the end of the answer), then whatever the client still
/// sends is read and dropped for a moment. Closing a socket with unread
/// input makes the kernel send a reset, which can destroy the answer before
/// the client has read it (a request refused before it was read in full).
pub fn close(stream: TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let deadline = std::time::Instant::now() + LINGER;
    let (mut buf, mut total) = ([0u8; 4096], 0);
    while std::time::Instant::now() < deadline && total < LINGER_BYTES {
        match (&stream).read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_and_resolution_refuse_escapes() {
        assert_eq!(percent_decode("/a%20b"), Some("/a b".into()));
        assert_eq!(percent_decode("/%2e%2e/"), Some("/../".into()));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%00"), None);
        let t = tempfile::tempdir().unwrap();
        std::fs::write(t.path().join("index.html"), "x").unwrap();
        assert!(resolve(t.path(), "/").is_ok());
        assert_eq!(resolve(t.path(), "/../etc/passwd"), Err(400));
        assert_eq!(resolve(t.path(), "/a/../../x"), Err(400));
        assert_eq!(resolve(t.path(), "/..\\x"), Err(400));
        assert_eq!(resolve(t.path(), "/etc/passwd"), Err(404));
        assert_eq!(query_param("q=%E6%8C%A1&limit=3", "q"), Some("挡".into()));
    }

    /// Property (proptest, 256 cases in CI): no request path, however it is
    /// built from traversal, encodings, separators and odd characters,
    /// resolves to a file outside the site, and the decoder never panics.
    #[test]
    fn no_request_path_resolves_outside_the_site() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let t = tempfile::tempdir().unwrap();
        let site = t.path().join("site");
        std::fs::create_dir_all(site.join("sub")).unwrap();
        std::fs::write(site.join("index.html"), "x").unwrap();
        std::fs::write(site.join("sub/a.html"), "x").unwrap();
        std::fs::write(t.path().join("secret.txt"), "outside").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(t.path().join("secret.txt"), site.join("link.txt")).unwrap();
        let root = site.canonicalize().unwrap();
        let segment = prop::sample::select(vec![
            "..",
            ".",
            "",
            "sub",
            "a.html",
            "index.html",
            "secret.txt",
            "link.txt",
            "%2e%2e",
            "%2E%2e",
            "%2f",
            "%5c",
            "..%2f",
            "%00",
            "\\",
            "..\\",
            "～",
            "%e2%80%ae",
            "a b",
            "%",
            "%zz",
            "//",
            "C:",
            "~",
        ]);
        let mut runner = TestRunner::new(Config { cases: 256, failure_persistence: None, ..Config::default() });
        runner
            .run(&prop::collection::vec(segment, 0..8), |segs| {
                let raw = format!("/{}", segs.join("/"));
                if let Some(path) = percent_decode(&raw)
                    && let Ok(file) = resolve(&site, &path)
                {
                    prop_assert!(file.starts_with(&root), "{raw} resolved to {}", file.display());
                }
                Ok(())
            })
            .unwrap();
    }

    /// The deadline is for the whole head: a client that sends a header line
    /// every 50 ms (each read well within any per-read timeout) is cut off.
    #[test]
    fn a_dripped_head_meets_its_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let drip = std::thread::spawn(move || {
            let mut c = TcpStream::connect(addr).unwrap();
            let _ = c.write_all(b"GET / HTTP/1.1\r\n");
            for _ in 0..40 {
                std::thread::sleep(Duration::from_millis(50));
                if c.write_all(b"X-Drip: 1\r\n").is_err() {
                    break;
                }
            }
        });
        let (mut s, _) = listener.accept().unwrap();
        assert_eq!(read_request(&mut s, Duration::from_millis(300)).map(|r| r.path), Err(408));
        drop(s);
        drip.join().unwrap();
        // A head sent at once is read well within it.
        let send = std::thread::spawn(move || {
            let mut c = TcpStream::connect(addr).unwrap();
            c.write_all(b"GET /a%20b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            c
        });
        let (mut s, _) = listener.accept().unwrap();
        assert_eq!(read_request(&mut s, Duration::from_secs(5)).map(|r| r.path), Ok("/a b".to_string()));
        drop(send.join().unwrap());
    }
}
