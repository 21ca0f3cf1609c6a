//! `handbook serve`: build, serve on loopback, watch, rebuild, reload.
//!
//! A change to `content/`, `theme/` or `book.toml` rebuilds the site (the
//! build is atomic, so the last good site stays up when a change breaks the
//! content; an edit to content rewrites only the pages and search files it
//! changed, see [`pipeline::Incremental`]) and tells every open page over server-sent events: `reload`
//! after a good build, `diagnostics` (shown as an overlay) after a bad one.
//! `GET /api/search?q=…&limit=…` answers from the tantivy index with the CLI's
//! ranking.

mod http;

use crate::diagnostic::{Diagnostic, Style, render};
use crate::layout::{SEARCH_CONFIG, SEARCH_INDEX_DIR};
use crate::pipeline::{BuildOptions, Incremental, Rebuilt, Report};
use crate::progress::Stopwatch;
use crate::search::{self, index::SearchIndex, rank::RankConfig};
use http::{Request, Response};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

pub use http::percent_decode;

const LIVE_JS: &str = include_str!("live.js");
pub const MAX_LIMIT: usize = 50;
/// Connections served at once (a thread each), at most; fewer when the
/// process may not open two descriptors per connection ([`capacity`]). At the
/// limit, the connection that has been reading its request head the longest
/// is closed to make room: clients that drip or hold their heads cannot lock
/// out a real request, which sends its head at once. Only when every
/// connection is past its head does a new one get 503.
pub const MAX_CONNECTIONS: usize = 1024;
/// Live-reload event streams open at once (an open page holds one). They do
/// not count as connections; beyond this a new one gets 503, which a browser's
/// `EventSource` takes as final (it does not retry), so the pages already
/// open keep theirs.
pub const MAX_EVENT_STREAMS: usize = 64;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// The first port tried; the next free one is taken if it is in use.
    pub port: u16,
    pub out: PathBuf,
    /// How often the watcher looks at the files.
    pub poll: Duration,
}

struct Shared {
    root: PathBuf,
    builder: Mutex<Incremental>,
    site: PathBuf,
    search: RwLock<Option<(SearchIndex, RankConfig)>>,
    /// The diagnostics of the last build when it failed (empty when it worked).
    failing: Mutex<Vec<serde_json::Value>>,
    subscribers: Mutex<Vec<Sender<String>>>,
    stop: AtomicBool,
    connections: AtomicUsize,
    /// The connection limit for this process ([`capacity`]).
    limit: usize,
    /// Connections still reading their request head, oldest first: their id,
    /// and a handle to close them with when room is needed.
    heads: Mutex<std::collections::VecDeque<(u64, TcpStream)>>,
    streams: AtomicUsize,
    builds: AtomicUsize,
}

/// A running server.
pub struct Server {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Number of builds done so far (the first included).
    pub fn builds(&self) -> usize {
        self.shared.builds.load(Ordering::SeqCst)
    }

    pub fn stop(mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop, which blocks in accept().
        let _ = TcpStream::connect(self.addr);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Builds once, then serves and watches in background threads.
/// The first build's report is returned too (the server runs either way).
pub fn start(root: &Path, opts: &ServeOptions) -> std::io::Result<(Server, Report)> {
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        root: root.to_path_buf(),
        builder: Mutex::new(Incremental::new(
            root,
            BuildOptions { out: opts.out.clone(), no_pdf: true, ..Default::default() },
        )),
        site: opts.out.clone(),
        search: RwLock::new(None),
        failing: Mutex::new(Vec::new()),
        subscribers: Mutex::new(Vec::new()),
        stop: AtomicBool::new(false),
        connections: AtomicUsize::new(0),
        limit: capacity(),
        heads: Mutex::new(std::collections::VecDeque::new()),
        streams: AtomicUsize::new(0),
        builds: AtomicUsize::new(0),
    });
    // What the first build reads, taken before it: an edit made while it runs,
    // or before the watcher's thread first looks, is still seen as an edit.
    let before = fingerprint(root);
    let (first, ..) = rebuild(&shared, false);
    let s1 = shared.clone();
    let accept = std::thread::spawn(move || accept_loop(listener, s1));
    let s2 = shared.clone();
    let poll = opts.poll;
    let watch = std::thread::spawn(move || watch_loop(s2, poll, before));
    Ok((Server { addr, shared, threads: vec![accept, watch] }, first))
}

/// The ports tried, from the one asked for: it and the next 19, as far as
/// there are ports (`--port 65535` is tried too).
fn candidates(port: u16) -> std::ops::RangeInclusive<u16> {
    port..=port.saturating_add(19)
}

fn bind(ip: IpAddr, port: u16) -> std::io::Result<TcpListener> {
    let mut last = None;
    for p in candidates(port) {
        match TcpListener::bind((ip, p)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free port")))
}

/// Builds the site (only what changed when `content_only`); on success
/// reloads the search index. Returns the diagnostics, what was rebuilt, and
/// whether the pages were already told to reload (an incremental rebuild does
/// as soon as the pages are written, before search).
fn rebuild(shared: &Shared, content_only: bool) -> (Report, Rebuilt, bool) {
    // HANDBOOK_TIMINGS=1 prints each stage's time (for profiling rebuilds).
    let timings = std::env::var_os("HANDBOOK_TIMINGS").is_some();
    let clock = Stopwatch::default();
    let lap = |stage: &str| clock.lap(stage);
    let reloaded = std::cell::Cell::new(false);
    let pages_ready = || {
        shared.failing.lock().unwrap_or_else(|e| e.into_inner()).clear();
        broadcast(shared, "reload", "{}");
        reloaded.set(true);
    };
    let (report, rebuilt) =
        shared.builder.lock().unwrap_or_else(|e| e.into_inner()).rebuild(content_only, &lap, &pages_ready);
    if timings {
        eprint!("{}", clock.table());
    }
    shared.builds.fetch_add(1, Ordering::SeqCst);
    if report.ok() {
        let idx = SearchIndex::open(&shared.site.join(SEARCH_INDEX_DIR)).ok();
        let cfg = std::fs::read_to_string(shared.site.join(SEARCH_CONFIG))
            .ok()
            .and_then(|t| serde_json::from_str::<RankConfig>(&t).ok());
        *shared.search.write().unwrap_or_else(|e| e.into_inner()) = idx.zip(cfg);
        shared.failing.lock().unwrap_or_else(|e| e.into_inner()).clear();
    } else {
        let list: Vec<serde_json::Value> =
            report.diagnostics.iter().filter(|d| d.is_error()).map(|d| overlay_json(d, &report)).collect();
        *shared.failing.lock().unwrap_or_else(|e| e.into_inner()) = list;
    }
    (report, rebuilt, reloaded.get())
}

/// A diagnostic as the overlay shows it: where, what, every label and hint,
/// and the whole text as the terminal shows it.
fn overlay_json(d: &Diagnostic, report: &Report) -> serde_json::Value {
    let location = |l: &crate::diagnostic::Location| {
        serde_json::json!({
            "file": l.file.display().to_string(),
            "line": l.pos.map(|p| p.line), "column": l.pos.map(|p| p.column),
            "text": l.to_string(),
        })
    };
    let labels: Vec<serde_json::Value> = d
        .labels
        .iter()
        .map(|l| serde_json::json!({ "location": l.location.to_string(), "at": location(&l.location), "message": l.message }))
        .collect();
    serde_json::json!({
        "severity": d.severity,
        "location": d.location.as_ref().map(|l| l.to_string()),
        "at": d.location.as_ref().map(location),
        "message": d.message,
        "hints": d.hints,
        "labels": labels,
        "text": render(std::slice::from_ref(d), &report.sources, Style::default()),
    })
}

fn broadcast(shared: &Shared, event: &str, data: &str) {
    let msg = format!("event: {event}\ndata: {data}\n\n");
    shared.subscribers.lock().unwrap_or_else(|e| e.into_inner()).retain(|s| s.send(msg.clone()).is_ok());
}

/// Every watched file with its modification time and size.
type Fingerprint = Vec<(PathBuf, Option<SystemTime>, u64)>;

/// The files that matter (content/, theme/, book.toml) as they are now.
fn fingerprint(root: &Path) -> Fingerprint {
    let mut out = Vec::new();
    for dir in ["content", "theme"] {
        for e in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name().into_iter().filter_map(Result::ok) {
            if e.file_type().is_file()
                && let Ok(m) = e.metadata()
            {
                out.push((e.path().to_path_buf(), m.modified().ok(), m.len()));
            }
        }
    }
    if let Ok(m) = std::fs::metadata(root.join("book.toml")) {
        out.push((root.join("book.toml"), m.modified().ok(), m.len()));
    }
    out
}

/// Paths added, removed or changed between two fingerprints.
fn changed(a: &[(PathBuf, Option<SystemTime>, u64)], b: &[(PathBuf, Option<SystemTime>, u64)]) -> Vec<PathBuf> {
    let old: std::collections::HashMap<&PathBuf, _> = a.iter().map(|(p, t, n)| (p, (t, n))).collect();
    let new: std::collections::HashMap<&PathBuf, _> = b.iter().map(|(p, t, n)| (p, (t, n))).collect();
    let mut out: Vec<PathBuf> =
        b.iter().filter(|(p, t, n)| old.get(p) != Some(&(t, n))).map(|(p, ..)| p.clone()).collect();
    out.extend(a.iter().filter(|(p, ..)| !new.contains_key(p)).map(|(p, ..)| p.clone()));
    out
}

fn watch_loop(shared: Arc<Shared>, poll: Duration, mut last: Fingerprint) {
    while !shared.stop.load(Ordering::SeqCst) {
        // In short naps, so that stopping never waits for a long poll interval.
        let wake = Instant::now() + poll;
        while Instant::now() < wake && !shared.stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(50).min(wake.saturating_duration_since(Instant::now())));
        }
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let now = fingerprint(&shared.root);
        if now == last {
            continue;
        }
        // Debounce: wait until the files stop changing (an editor saving several files).
        let mut settled = now;
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let again = fingerprint(&shared.root);
            if again == settled {
                break;
            }
            settled = again;
        }
        let content = shared.root.join("content");
        let content_only = changed(&last, &settled).iter().all(|p| p.starts_with(&content));
        last = settled;
        let t = Instant::now();
        let (report, rebuilt, reloaded) = rebuild(&shared, content_only);
        let ok = report.ok();
        if ok {
            let what = match rebuilt {
                Rebuilt::Pages { pages, files } => format!("{pages} pages and {files} files rewritten"),
                Rebuilt::Full => "full build".into(),
                Rebuilt::Nothing => "nothing changed".into(),
            };
            eprintln!("rebuilt in {} ms ({what})", t.elapsed().as_millis());
            if !reloaded {
                broadcast(&shared, "reload", "{}");
            }
        } else {
            eprintln!(
                "build failed ({} errors); the last good site stays up",
                report.diagnostics.iter().filter(|d| d.is_error()).count()
            );
            let list = shared.failing.lock().unwrap_or_else(|e| e.into_inner()).clone();
            broadcast(&shared, "diagnostics", &serde_json::Value::Array(list).to_string());
        }
    }
}

/// How many connections this process can hold: [`MAX_CONNECTIONS`], or
/// fewer when its descriptor limit is low (each connection reading its head
/// uses two: the socket and the handle that can close it). The soft limit is
/// raised to the hard one first, as servers do.
#[cfg(unix)]
fn capacity() -> usize {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut lim = getrlimit(Resource::Nofile);
    if let (Some(cur), max) = (lim.current, lim.maximum)
        && max.is_none_or(|m| m > cur)
    {
        lim.current = Some(max.unwrap_or(u64::MAX).min(1 << 16));
        let _ = setrlimit(Resource::Nofile, lim);
    }
    let files = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
    // Room for the site's own files, the index, the watcher and the streams.
    let spare = files.saturating_sub(256 + 2 * MAX_EVENT_STREAMS as u64) / 2;
    MAX_CONNECTIONS.min(usize::try_from(spare).unwrap_or(usize::MAX)).max(8)
}

#[cfg(not(unix))]
fn capacity() -> usize {
    MAX_CONNECTIONS
}

fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let (linger, refused) = std::sync::mpsc::sync_channel::<TcpStream>(64);
    std::thread::spawn(move || {
        for s in refused {
            http::close(s);
        }
    });
    let mut next_id = 0u64;
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                if shared.stop.load(Ordering::SeqCst) {
                    break;
                }
                if shared.connections.load(Ordering::SeqCst) >= shared.limit && !make_room(&shared) {
                    let mut s = stream;
                    http::write_response(&mut s, &Response::error(503, "too many connections"), false);
                    // Closed on the lingering thread, so accepting never waits on it;
                    // when that is busy too, the socket is simply dropped.
                    let _ = linger.try_send(s);
                    continue;
                }
                let Ok(handle_to_close) = stream.try_clone() else { continue };
                next_id += 1;
                let id = next_id;
                shared.connections.fetch_add(1, Ordering::SeqCst);
                shared.heads.lock().unwrap_or_else(|e| e.into_inner()).push_back((id, handle_to_close));
                let sh = shared.clone();
                std::thread::spawn(move || {
                    if handle(stream, id, &sh) {
                        sh.connections.fetch_sub(1, Ordering::SeqCst);
                    }
                });
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Closes the connection that has been reading its request head the longest,
/// and takes its slot; `false` when every connection is past its head.
fn make_room(shared: &Shared) -> bool {
    let Some((_, oldest)) = shared.heads.lock().unwrap_or_else(|e| e.into_inner()).pop_front() else {
        return false;
    };
    let _ = oldest.shutdown(std::net::Shutdown::Both);
    shared.connections.fetch_sub(1, Ordering::SeqCst);
    true
}

/// Serves one connection; `true` if it still holds its connection slot when
/// done (one closed by [`make_room`] or turned into an event stream does not).
fn handle(mut stream: TcpStream, id: u64, shared: &Shared) -> bool {
    let read = http::read_request(&mut stream, http::HEAD_DEADLINE);
    // Its head is read (or failed): it can no longer be closed to make room.
    let mut heads = shared.heads.lock().unwrap_or_else(|e| e.into_inner());
    let Some(at) = heads.iter().position(|(i, _)| *i == id) else {
        // Closed by make_room, which took its slot.
        return false;
    };
    heads.remove(at);
    drop(heads);
    let (resp, head) = match read {
        Err(status) => (Response::error(status, "bad request"), false),
        Ok(req) if req.method != "GET" && req.method != "HEAD" => {
            let mut r = Response::error(405, "only GET and HEAD");
            r.extra_headers.push(("Allow".into(), "GET, HEAD".into()));
            (r, false)
        }
        Ok(req) if req.path == "/__handbook/events" && req.method == "GET" => {
            if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_EVENT_STREAMS {
                shared.streams.fetch_sub(1, Ordering::SeqCst);
                (Response::error(503, "too many live-reload streams"), false)
            } else {
                // A stream lives as long as its page: it leaves the connection pool.
                shared.connections.fetch_sub(1, Ordering::SeqCst);
                events(stream, shared);
                shared.streams.fetch_sub(1, Ordering::SeqCst);
                return false;
            }
        }
        Ok(req) => (route(&req, shared), req.method == "HEAD"),
    };
    http::write_response(&mut stream, &resp, head);
    http::close(stream);
    true
}

fn route(req: &Request, shared: &Shared) -> Response {
    match req.path.as_str() {
        "/__handbook/live.js" => Response::new(200, "text/javascript; charset=utf-8", LIVE_JS),
        "/api/search" => api_search(req, shared),
        path => match http::resolve(&shared.site, path) {
            Ok(file) => match std::fs::read(&file) {
                Ok(mut body) => {
                    let ct = http::content_type(&file);
                    if ct.starts_with("text/html") {
                        body = inject(body);
                    }
                    Response::new(200, ct, body)
                }
                Err(_) => Response::error(404, "not found"),
            },
            Err(404) => {
                // No site yet (the first build failed): a page that still
                // loads the live script, so the build's errors show.
                let body =
                    inject(std::fs::read(shared.site.join("404.html")).unwrap_or_else(|_| NO_SITE.as_bytes().to_vec()));
                Response::new(404, "text/html; charset=utf-8", body)
            }
            Err(status) => Response::error(status, "bad path"),
        },
    }
}

/// The page served while there is no site: the live script's overlay shows why.
const NO_SITE: &str = "<!doctype html><html lang=\"zh\"><meta charset=\"utf-8\"><title>尚无站点</title><meta name=\"handbook-no-site\" content=\"\">\n<body><p>站点还没有生成：构建没有通过，原因见终端。</p></body></html>\n";

/// Adds the live-reload script to a page.
fn inject(body: Vec<u8>) -> Vec<u8> {
    let tag = b"<script src=\"/__handbook/live.js\"></script>";
    match body.windows(7).rposition(|w| w == b"</body>") {
        Some(i) => [&body[..i], tag, &body[i..]].concat(),
        None => [&body[..], tag].concat(),
    }
}

fn api_search(req: &Request, shared: &Shared) -> Response {
    let Some(q) = http::query_param(&req.query, "q").map(|q| q.trim().to_string()).filter(|q| !q.is_empty()) else {
        // Present but not decodable is another mistake than absent or empty.
        let raw = req.query.split('&').find_map(|kv| kv.strip_prefix("q="));
        if raw.is_some_and(|raw| http::percent_decode(&raw.replace('+', " ")).is_none()) {
            return Response::error(400, "the query is not percent-encoded UTF-8 text: /api/search?q=%E7%AC%94…");
        }
        return Response::error(400, "missing query: /api/search?q=…");
    };
    let limit = match http::query_param(&req.query, "limit") {
        None => 10,
        Some(l) => match l.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => return Response::error(400, &format!("limit must be a number from 1 to {MAX_LIMIT}")),
        },
    };
    let guard = shared.search.read().unwrap_or_else(|e| e.into_inner());
    let Some((idx, cfg)) = guard.as_ref() else {
        return Response::error(503, "no search index yet (the site has not built)");
    };
    match search::search_index(idx, cfg, &q, limit) {
        Ok(results) => Response::json(200, &serde_json::json!({ "query": q, "results": results })),
        Err(e) => Response::error(500, &format!("search failed: {e}")),
    }
}

fn events(mut stream: TcpStream, shared: &Shared) {
    use std::io::Write;
    let (tx, rx): (Sender<String>, Receiver<String>) = channel();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    // A page opened while the content is broken shows the overlay at once.
    let failing = shared.failing.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let first = if failing.is_empty() {
        "event: ok\ndata: {}\n\n".to_string()
    } else {
        format!("event: diagnostics\ndata: {}\n\n", serde_json::Value::Array(failing))
    };
    if stream.write_all(first.as_bytes()).is_err() {
        return;
    }
    shared.subscribers.lock().unwrap_or_else(|e| e.into_inner()).push(tx);
    while !shared.stop.load(Ordering::SeqCst) {
        let msg = match rx.recv_timeout(Duration::from_millis(500)) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => break,
        };
        if stream.write_all(msg.as_bytes()).and_then(|_| stream.flush()).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::candidates;

    #[test]
    fn the_port_asked_for_and_the_next_19_are_tried_up_to_the_last_port() {
        assert_eq!(candidates(3000), 3000..=3019);
        assert_eq!(candidates(65535), 65535..=65535, "the last port is tried too");
        assert_eq!(candidates(65530).count(), 6);
    }
}
