//! `handbook serve` against a real server on a loopback port.

use crate::cdp::{Browser, chromium};
use crate::common::{fixture, require};
use handbook::serve::{ServeOptions, Server, start};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::Duration;

fn serve(root: &Path) -> Server {
    let (server, first) = serve_as_it_is(root);
    assert!(first.ok(), "{:?}", first.diagnostics);
    server
}

/// The server on `root` whatever its first build gives, with that build's report.
fn serve_as_it_is(root: &Path) -> (Server, handbook::pipeline::Report) {
    let opts = ServeOptions {
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        out: root.join("book"),
        poll: Duration::from_millis(50),
    };
    start(root, &opts).unwrap()
}

/// The minimal handbook with `from` replaced by `to` in its `basics.yaml`:
/// the folder, that file's path and its good text.
fn broken(from: &str, to: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = fixture(None);
    let file = dir.path().join("content/basics.yaml");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replace(from, to)).unwrap();
    (dir, file, good)
}

/// Sends raw bytes (HTTP client libraries normalise `..` away) and returns (status, body).
fn raw(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    // The server closes the connection after every answer: reading to the end
    // finishes (a connection kept open would run into the timeout and fail).
    s.read_to_end(&mut out).expect("the server closes the connection after its answer");
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    raw(addr, format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
}

/// An open server-sent events stream.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(addr: SocketAddr) -> Events {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(b"GET /__handbook/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        Events(BufReader::new(s))
    }

    /// The next event's (name, data), skipping pings.
    fn next(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        loop {
            let mut line = String::new();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "event stream closed");
            let line = line.trim_end();
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d.to_string();
            } else if line.is_empty() && !name.is_empty() {
                return (name, data);
            }
        }
    }
}

#[test]
fn serves_rebuilds_reloads_and_shows_errors_until_fixed() {
    let dir = fixture(None);
    let server = serve(dir.path());
    let addr = server.addr;
    let (status, body) = get(addr, "/basics.html");
    assert_eq!(status, 200);
    assert!(body.contains("大事小事认真办") && body.contains("/__handbook/live.js"));

    let mut events = Events::open(addr);
    while events.next().0 != "ok" {}
    let file = dir.path().join("content/basics.yaml");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replace("大事小事认真办。", "大事小事都要认真办。")).unwrap();
    assert_eq!(events.next().0, "reload");
    assert!(get(addr, "/basics.html").1.contains("大事小事都要认真办。"));

    // A broken edit: the diagnostics go to the pages, the last good site stays.
    std::fs::write(&file, good.replace("title: 认真", "titel: 认真")).unwrap();
    let (name, data) = events.next();
    assert_eq!(name, "diagnostics");
    let list: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(list[0]["location"], "content/basics.yaml:9:5", "{list}");
    assert_eq!(list[0]["message"], "unknown field `titel`");
    // Every hint of the diagnostic travels with it.
    assert_eq!(list[0]["hints"][0], "did you mean `title`?", "{list}");
    assert!(list[0]["hints"][1].as_str().unwrap().starts_with("fields here: "), "{list}");
    assert!(list[0]["text"].as_str().unwrap().contains("= hint: fields here: "), "{list}");
    let (status, body) = get(addr, "/basics.html");
    assert_eq!(status, 200);
    assert!(body.contains("大事小事都要认真办。"), "the last good page is still served");
    // A page opened now gets the overlay at once.
    let mut late = Events::open(addr);
    assert_eq!(late.next().0, "diagnostics");

    std::fs::write(&file, &good).unwrap();
    assert_eq!(events.next().0, "reload");
    assert!(get(addr, "/basics.html").1.contains("大事小事认真办。"));
    assert!(server.builds() >= 4);
    server.stop();
}

/// The API of `serve` on the shipped handbook: pinyin and traditional
/// queries find 笔杆子 first, and a question found through an ask says so.
#[test]
fn the_api_finds_pinyin_traditional_and_asks_like_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "theme"] {
        crate::common::copy_dir(&crate::common::repo().join(part), &dir.path().join(part));
    }
    std::fs::copy(crate::common::repo().join("book.toml"), dir.path().join("book.toml")).unwrap();
    let server = serve(dir.path());
    for q in ["biganzi", "bgz", "bǐ gǎn zi", "筆桿子", "不会写材料怎么办"] {
        let (status, body) = get(server.addr, &format!("/api/search?q={}&limit=5", handbook_encode(q)));
        assert_eq!(status, 200, "{body}");
        let api: serde_json::Value = serde_json::from_str(&body).unwrap();
        let cli = handbook::search::search_site(&dir.path().join("book"), q, 5).unwrap();
        assert_eq!(api["results"][0]["id"], "bi-gan-zi", "{q}: {body}");
        for (a, c) in api["results"].as_array().unwrap().iter().zip(&cli) {
            assert_eq!((a["id"].as_str(), a["ask"].as_str()), (Some(c.id.as_str()), c.ask.as_deref()), "{q}");
        }
    }
    let (_, body) = get(server.addr, &format!("/api/search?q={}&limit=1", handbook_encode("不会写材料怎么办")));
    assert!(body.contains("\"ask\""), "a result found through an ask carries it: {body}");
    server.stop();
}

#[test]
fn the_search_api_answers_like_the_cli() {
    let dir = fixture(None);
    let server = serve(dir.path());
    // A pasted passage too: its first characters are searched, as in the CLI and the browser.
    let long = "当日事情当日办，认真".repeat(30);
    for q in ["认真", "当日事情", "格言", long.as_str()] {
        let (status, body) = get(server.addr, &format!("/api/search?q={}&limit=5", handbook_encode(q)));
        assert_eq!(status, 200, "{body}");
        let api: serde_json::Value = serde_json::from_str(&body).unwrap();
        let cli = handbook::search::search_site(&dir.path().join("book"), q, 5).unwrap();
        let api_ids: Vec<&str> = api["results"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
        let cli_ids: Vec<&str> = cli.iter().map(|r| r.id.as_str()).collect();
        assert!(!cli_ids.is_empty(), "{q} finds something");
        assert_eq!(api_ids, cli_ids, "{q}");
        // Scores and snippets too, not only the order.
        for (a, c) in api["results"].as_array().unwrap().iter().zip(&cli) {
            assert_eq!(a["score"], c.score, "{q}");
            assert_eq!(a["snippet"]["text"], c.snippet.text.as_str(), "{q}");
        }
    }
    for (path, why) in [
        ("/api/search", "missing q"),
        ("/api/search?q=", "empty q"),
        ("/api/search?q=a&limit=0", "limit 0"),
        ("/api/search?q=a&limit=51", "limit too big"),
        ("/api/search?q=a&limit=x", "limit not a number"),
    ] {
        let (status, body) = get(server.addr, path);
        assert_eq!(status, 400, "{why}: {body}");
        let e: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(e["status"], 400);
        assert!(e["error"].as_str().unwrap().starts_with("missing query") == why.ends_with(" q"), "{why}: {body}");
    }
    // A query that is there but cannot be decoded says so, not "missing".
    for (path, why) in
        [("/api/search?q=%ZZ", "bad escape"), ("/api/search?q=%E7%AC", "cut UTF-8"), ("/api/search?q=%00", "NUL")]
    {
        let (status, body) = get(server.addr, path);
        assert_eq!(status, 400, "{why}: {body}");
        let e: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(e["error"].as_str().unwrap().contains("not percent-encoded UTF-8"), "{why}: {body}");
    }
    server.stop();
}

fn handbook_encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[test]
fn nothing_outside_the_site_is_served() {
    let dir = fixture(None);
    std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET").unwrap();
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), dir.path().join("link-target")).unwrap();
    let server = serve(dir.path());
    // A symlink inside the site pointing out of it.
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), dir.path().join("book/escape.txt")).unwrap();
    let attempts: &[&[u8]] = &[
        b"GET /../secret.txt HTTP/1.1\r\n\r\n",
        b"GET /%2e%2e/secret.txt HTTP/1.1\r\n\r\n",
        b"GET /%2e%2e%2fsecret.txt HTTP/1.1\r\n\r\n",
        b"GET /..%5csecret.txt HTTP/1.1\r\n\r\n",
        b"GET /%2E%2E%5Csecret.txt HTTP/1.1\r\n\r\n",
        b"GET /css/../../secret.txt HTTP/1.1\r\n\r\n",
        b"GET //etc/passwd HTTP/1.1\r\n\r\n",
        b"GET /etc/passwd HTTP/1.1\r\n\r\n",
        b"GET http://localhost/../secret.txt HTTP/1.1\r\n\r\n",
        b"GET C:\\secret.txt HTTP/1.1\r\n\r\n",
        b"GET /escape.txt HTTP/1.1\r\n\r\n",
        b"GET /%00 HTTP/1.1\r\n\r\n",
        b"GET /%zz HTTP/1.1\r\n\r\n",
    ];
    for a in attempts {
        let (status, body) = raw(server.addr, a);
        assert!(matches!(status, 400 | 404), "{} → {status}", String::from_utf8_lossy(a));
        assert!(!body.contains("TOP-SECRET") && !body.contains("root:"), "{}", String::from_utf8_lossy(a));
    }
    for m in ["POST", "PUT", "DELETE", "OPTIONS"] {
        assert_eq!(raw(server.addr, format!("{m} / HTTP/1.1\r\n\r\n").as_bytes()).0, 405, "{m}");
    }
    for junk in [&b"\x00\x01\x02\r\n\r\n"[..], b"GET\r\n\r\n", b"GET / FTP/1.0\r\n\r\n", b"\r\n\r\n"] {
        assert_eq!(raw(server.addr, junk).0, 400, "{junk:?}");
    }
    let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
    assert_eq!(raw(server.addr, huge.as_bytes()).0, 431);
    assert_eq!(get(server.addr, "/no-such-page.html").0, 404);
    assert_eq!(get(server.addr, "/").0, 200, "still serving");
    let (status, _) = raw(server.addr, b"HEAD / HTTP/1.1\r\n\r\n");
    assert_eq!(status, 200);
    server.stop();
}

#[test]
fn before_the_first_good_build_the_overlay_shows_and_the_fix_brings_the_site() {
    let bin = chromium();
    if !require(bin.is_some(), "Chromium (Debian package `chromium`)") {
        return;
    }
    let (dir, file, good) = broken("title: 认真", "title: [认真");
    let (server, first) = serve_as_it_is(dir.path());
    assert!(!first.ok(), "the first build fails");
    let mut b = Browser::launch(&bin.unwrap());
    let mut page = b.page();
    page.goto(&format!("http://{}/", server.addr));
    let text = page.wait_for("(document.getElementById('handbook-overlay') || {}).textContent");
    let text = text.as_str().unwrap();
    assert!(text.contains("站点还没有生成") && text.contains("content/basics.yaml:"), "{text}");
    std::fs::write(&file, good).unwrap();
    let shown = page.wait_until(
        "!document.getElementById('handbook-overlay') && !!document.getElementById('search-toggle')",
        Duration::from_secs(10),
    );
    assert!(shown.is_some(), "the fixed site was not on the page within 10 s");
    server.stop();
}

#[test]
fn the_overlay_appears_and_disappears_in_a_browser() {
    let bin = chromium();
    if !require(bin.is_some(), "Chromium (Debian package `chromium`)") {
        return;
    }
    let dir = fixture(None);
    let server = serve(dir.path());
    let mut b = Browser::launch(&bin.unwrap());
    let mut page = b.page();
    page.goto(&format!("http://{}/basics.html", server.addr));
    page.wait_for("window.HandbookLive && window.HandbookLive.connected()");
    // The in-browser search works over http as it does from file://.
    page.press("s");
    page.wait_for("document.activeElement && document.activeElement.id === 'search-input'");
    page.type_text("当日事情");
    page.wait_for("document.documentElement.getAttribute('data-search-done')");
    let first = page.eval("document.querySelector('#search-results [role=option]').dataset.href");
    assert!(first.as_str().unwrap().contains("#careful-daily"), "{first}");
    page.press("Escape");
    let file = dir.path().join("content/basics.yaml");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replace("title: 认真", "title: [认真")).unwrap();
    let text = page.wait_for("(document.getElementById('handbook-overlay') || {}).textContent");
    let text = text.as_str().unwrap();
    assert!(text.contains("content/basics.yaml:"), "{text}");
    assert!(text.contains("内容有错误"), "{text}");
    // A diagnostic with two hints and a label shows all three.
    std::fs::write(&file, good.replace("title: 认真", "titel: 认真")).unwrap();
    let text = page.wait_for(
        "(t => t.includes('titel') && t)((document.getElementById('handbook-overlay') || {}).textContent || '')",
    );
    let text = text.as_str().unwrap();
    assert!(text.contains("提示：did you mean `title`?"), "{text}");
    assert!(text.contains("提示：fields here: "), "{text}");
    std::fs::write(&file, good.replace("- id: quick", "- id: careful")).unwrap();
    let text = page.wait_for(
        "(t => t.includes('duplicate id') && t)((document.getElementById('handbook-overlay') || {}).textContent || '')",
    );
    assert!(text.as_str().unwrap().contains("：first defined here"), "{text}");
    std::fs::write(&file, good.replace("大事小事认真办。", "大事小事一律认真办。")).unwrap();
    // The fix is on the open page soon after it is saved: within 3 s (polling
    // every 50 ms, a debounce, a rebuild of this small handbook, a reload).
    let shown = page.wait_until(
        "!document.getElementById('handbook-overlay') && document.body.textContent.includes('大事小事一律认真办。')",
        Duration::from_secs(3),
    );
    assert!(shown.is_some(), "the fix was not on the page within 3 s");
    server.stop();
}

/// Every file of a site with its inode and modification time: a file that
/// was written (in place or replaced by a rename) shows a change.
fn stamps(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, (u64, std::time::SystemTime)> {
    use std::os::unix::fs::MetadataExt;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), (m.ino(), m.modified().unwrap()))
        })
        .collect()
}

#[test]
fn an_edit_to_content_rewrites_only_the_pages_it_changed() {
    use handbook::pipeline::{BuildOptions, Incremental, Rebuilt};
    let dir = fixture(None);
    let root = dir.path();
    // Without the print page (which holds every chapter), single pages can be rewritten.
    let toml = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(root.join("book.toml"), format!("{toml}\n[output.html.print]\nenable = false\n")).unwrap();
    let out = root.join("book");
    let mut b = Incremental::new(root, BuildOptions { out: out.clone(), no_pdf: true, ..Default::default() });
    let (report, what) = b.rebuild(false, &|_| {}, &|| {});
    assert!(report.ok(), "{:?}", report.diagnostics);
    assert_eq!(what, Rebuilt::Full);
    let before = stamps(&out);
    // Timestamps must be able to tell a rewrite apart.
    std::thread::sleep(Duration::from_millis(20));

    let file = root.join("content/basics.yaml");
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replace("大事小事认真办。", "大事小事都要认真办。")).unwrap();
    // The pages are written (and open pages told) before the search data.
    let page_when_ready = std::cell::RefCell::new(String::new());
    let ready = || *page_when_ready.borrow_mut() = std::fs::read_to_string(out.join("basics.html")).unwrap();
    let (report, what) = b.rebuild(true, &|_| {}, &ready);
    assert!(report.ok());
    assert!(page_when_ready.borrow().contains("大事小事都要认真办。"), "pages_ready came after the page was written");
    assert!(matches!(what, Rebuilt::Pages { pages: 1, .. }), "one page: {what:?}");
    assert!(std::fs::read_to_string(out.join("basics.html")).unwrap().contains("大事小事都要认真办。"));
    // Every file: only the edited page and search data were written; the
    // other pages, the theme's files and mdBook's assets were left as they were.
    let after = stamps(&out);
    for p in before.keys().filter(|p| !p.starts_with("search/tantivy")) {
        assert!(after.contains_key(p), "{} is gone after a one-page edit", p.display());
    }
    let rewritten: Vec<&std::path::PathBuf> =
        after.iter().filter(|(p, s)| before.get(*p) != Some(*s)).map(|(p, _)| p).collect();
    assert!(rewritten.contains(&&std::path::PathBuf::from("basics.html")), "{rewritten:?}");
    // basics is the first chapter, whose page is also the site's index.html.
    for p in &rewritten {
        let edited = p.ends_with("basics.html") || p.ends_with("index.html");
        assert!(edited || p.starts_with("search"), "{} was rewritten by a one-page edit", p.display());
    }
    assert!(!rewritten.iter().any(|p| p.ends_with("sayings.html")), "the other chapter's page stays");
    let pages_and_assets = after.keys().filter(|p| !p.starts_with("search")).count();
    assert!(pages_and_assets > 15, "the check saw the whole site: {pages_and_assets} files");
    // The search data follows the edit.
    let hits = handbook::search::search_site(&out, "都要认真办", 1).unwrap();
    assert!(hits[0].url.starts_with("basics.html"), "{:?}", hits[0].url);

    // A new chapter title changes the chapter list on every page: a full build.
    let title = good.lines().find(|l| l.starts_with("title: ")).unwrap();
    std::fs::write(&file, good.replacen(title, &format!("{title}（修订）"), 1)).unwrap();
    assert_eq!(b.rebuild(true, &|_| {}, &|| {}).1, Rebuilt::Full);
}

#[test]
fn a_theme_edit_while_serving_rebuilds_every_page_with_it() {
    let dir = fixture(None);
    // Without the print page, a content edit would rewrite single pages: a
    // theme edit must still rebuild them all.
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(dir.path().join("book.toml"), format!("{toml}\n[output.html.print]\nenable = false\n")).unwrap();
    let server = serve(dir.path());
    let out = dir.path().join("book");
    let mut events = Events::open(server.addr);
    assert_eq!(events.next().0, "ok");
    let before = stamps(&out);
    std::thread::sleep(Duration::from_millis(20));
    // A real edit under theme/: the site's stylesheet carries it, and every
    // page was written again (the whole site is swapped in).
    let css = dir.path().join("theme/css/general.css");
    let mut text = std::fs::read_to_string(&css).unwrap();
    text.push_str("\n.theme-edit-marker { color: rebeccapurple; }\n");
    std::fs::write(&css, text).unwrap();
    assert_eq!(events.next().0, "reload");
    // mdBook names the stylesheet after its content: a new name, with the rule in it.
    let general: Vec<_> = std::fs::read_dir(out.join("css"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("general"))
        .collect();
    assert_eq!(general.len(), 1, "{general:?}");
    assert!(std::fs::read_to_string(&general[0]).unwrap().contains(".theme-edit-marker"));
    let after = stamps(&out);
    let pages: Vec<_> = before.keys().filter(|p| p.extension().is_some_and(|e| e == "html")).collect();
    assert!(pages.len() >= 4, "{pages:?}");
    for p in pages {
        assert_ne!(before[p], after[p], "{} was not rebuilt after a theme edit", p.display());
    }
    // book.toml is watched too.
    let toml = dir.path().join("book.toml");
    let t = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, t.replace("title = \"", "title = \"改 ")).unwrap();
    assert_eq!(events.next().0, "reload");
    assert!(get(server.addr, "/basics.html").1.contains("<title>"), "still served");
    assert!(
        std::fs::read_to_string(out.join("basics.html")).unwrap().contains("改 "),
        "the new book title is on the pages"
    );
    server.stop();
}

#[test]
fn the_api_answers_503_and_pages_show_the_overlay_before_the_first_good_build() {
    let (dir, file, good) = broken("title: 认真", "titel: 认真");
    let (server, first) = serve_as_it_is(dir.path());
    assert!(!first.ok(), "the first build fails");
    let (status, body) = get(server.addr, "/api/search?q=%E8%AE%A4%E7%9C%9F");
    assert_eq!(status, 503, "{body}");
    let e: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["status"], 503);
    // With no site yet, a page still loads the live script, whose overlay shows the errors.
    let (status, page) = get(server.addr, "/");
    assert_eq!(status, 404);
    assert!(
        page.contains("<script src=\"/__handbook/live.js\"></script>") && page.contains("站点还没有生成"),
        "{page}"
    );
    // Once the content is fixed, the API answers.
    let mut events = Events::open(server.addr);
    assert_eq!(events.next().0, "diagnostics");
    std::fs::write(&file, good).unwrap();
    assert_eq!(events.next().0, "reload");
    assert_eq!(get(server.addr, "/api/search?q=%E8%AE%A4%E7%9C%9F").0, 200);
    server.stop();
}

/// Clients that drip their request heads a line at a time, connect and send
/// nothing, or send a head with an endless body, more of them than the
/// server has connection slots: while they hold on (and reconnect when
/// closed), every real request gets 200, never 503. Untimed: what it checks
/// is the answers, not their speed (the load script measures that).
#[test]
fn dripping_idle_and_endless_clients_never_lock_out_real_requests() {
    let dir = fixture(None);
    let server = serve(dir.path());
    let addr = server.addr;
    // Beyond the server's limit, so that making room is exercised too.
    let abusers = abusive::Abusers::start(addr, handbook::serve::MAX_CONNECTIONS + 200);
    std::thread::sleep(Duration::from_millis(500));
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..60 {
        let (status, _) =
            if i % 3 == 0 { get(addr, "/api/search?q=%E8%AE%A4%E7%9C%9F") } else { get(addr, "/basics.html") };
        *statuses.entry(status).or_insert(0) += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let holding = abusers.held();
    abusers.stop();
    assert!(holding >= 500, "the abusive clients held {holding} connections");
    assert_eq!(statuses, [(200, 60)].into(), "real requests while {holding} clients dripped");
    server.stop();
}

/// Live-reload streams have their own cap: past it a new stream gets 503
/// (which a browser's EventSource does not retry), and pages still load.
#[test]
fn event_streams_beyond_their_cap_get_503_and_pages_still_load() {
    let dir = fixture(None);
    let server = serve(dir.path());
    let streams: Vec<Events> = (0..handbook::serve::MAX_EVENT_STREAMS)
        .map(|_| {
            let mut e = Events::open(server.addr);
            // Its first event: the stream is open on the server's side.
            e.next();
            e
        })
        .collect();
    let (status, _) = get(server.addr, "/__handbook/events");
    assert_eq!(status, 503, "stream {} is over the cap", handbook::serve::MAX_EVENT_STREAMS + 1);
    assert_eq!(get(server.addr, "/basics.html").0, 200, "pages load while the streams are open");
    drop(streams);
    server.stop();
}

#[path = "../../benches/support/load_mix.rs"]
mod load_mix;

#[path = "../../benches/support/abusive.rs"]
mod abusive;

/// The load script's assertions, bounded for CI: 1,000 requests of the same
/// mix (half malformed) from 4 threads; every one answered, the valid ones
/// with 200, the malformed ones with a 4xx, and the server still serves.
#[test]
fn the_load_mix_is_answered_in_full() {
    // The shipped handbook (whose pages the mix asks for), built outside the repository.
    let tmp = tempfile::tempdir().unwrap();
    let opts = ServeOptions {
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        out: tmp.path().join("book"),
        poll: Duration::from_secs(3600),
    };
    let (server, first) = start(&crate::common::repo(), &opts).unwrap();
    assert!(first.ok());
    let run = load_mix::run(server.addr, 1_000, 4);
    for ((valid, status), n) in &run.statuses {
        match (valid, status) {
            (true, Some(200)) => {}
            (false, Some(s)) if (400..500).contains(s) => {}
            other => panic!("{n} requests answered {other:?}: {:?}", run.statuses),
        }
    }
    assert_eq!(run.statuses.values().sum::<usize>(), 1_000);
    assert_eq!(run.latencies.len(), 1_000);
    println!(
        "1,000 requests in {:.2} s; latency p50 {:.2} ms, max {:.2} ms (figures, not a target: see the bench)",
        run.seconds, run.latencies[500], run.latencies[999]
    );
    assert_eq!(load_mix::send(server.addr, b"GET / HTTP/1.1\r\n\r\n"), Some(200), "still serving");
    server.stop();
}
