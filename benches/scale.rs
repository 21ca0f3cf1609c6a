//! Speed and scale, side by side with the tools users would otherwise run
//! (`bench/run` installs them and runs this): for handbooks 1×, 10×, 100× and
//! 1000× the shipped one, median-of-N wall time and peak memory of
//! `handbook build` (full, and the HTML stage alone), plain `mdbook build` of
//! the same Markdown and theme (mdBook 0.5 CLI, search off), and Pagefind
//! indexing that mdBook site; in-process query latency; the bytes a browser
//! downloads for the worst query, ours and Pagefind's; in-browser query time;
//! and the time from saving an edit to the reloaded page in `serve` at 100×.
//!
//! Environment: `MDBOOK`, `PAGEFIND` (binaries; a peer without one is left
//! out), `HANDBOOK_BIN` (default target/release/handbook), `BENCH_SIZES`
//! (default `1,10,100,1000`), `BENCH_RUNS` (default 5).

#[path = "../tests/it/cdp.rs"]
#[allow(dead_code)]
mod cdp;
#[path = "support/measure.rs"]
mod measure;

use handbook::model::sections;
use handbook::pipeline;
use handbook::search::index::SearchIndex;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Deserialize)]
struct Q {
    q: String,
}

/// Wall time (s) and peak resident memory (MiB) of one run of `cmd`, which must succeed.
fn measure(cmd: &mut Command) -> (f64, f64) {
    let (wall, mib, status) = measure::run(cmd);
    assert!(status.success(), "{cmd:?} failed: {status}");
    (wall, mib)
}

/// Writes out what earlier runs left dirty, so that no run pays for the kernel
/// flushing its predecessor's output (a 1000× site is 1.5 GiB).
fn settle() {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
}

/// Median wall time and the largest peak memory over `runs` runs.
fn median_of(runs: usize, mut make: impl FnMut() -> Command) -> (f64, f64) {
    let mut walls = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..runs {
        settle();
        let (w, m) = measure(&mut make());
        walls.push(w);
        peak = peak.max(m);
    }
    walls.sort_by(f64::total_cmp);
    (walls[walls.len() / 2], peak)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name).map(PathBuf::from).filter(|p| p.exists())
}

struct Row {
    name: String,
    pages: usize,
    full: (f64, f64),
    html: (f64, f64),
    mdbook: Option<(f64, f64)>,
    pagefind: Option<(f64, f64)>,
    query: (f64, f64),
    bytes: Option<(u64, String)>,
    pf_bytes: Option<(u64, String)>,
    /// Typed (debounced, lists preloaded) p50 and max, then cold p50 and max.
    browser_ms: Option<(f64, f64, f64, f64)>,
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = env_path("HANDBOOK_BIN").unwrap_or_else(|| repo.join("target/release/handbook"));
    assert!(bin.exists(), "build the release binary first: cargo build --release");
    let mdbook = env_path("MDBOOK");
    let pagefind = env_path("PAGEFIND");
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "1,10,100,1000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let queries: Vec<Q> =
        serde_saphyr::from_str(&std::fs::read_to_string(repo.join("tests/search/queries.yaml")).unwrap()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let chromium = cdp::chromium();
    // Launched when first needed: its start-up burns both cores for a second or
    // two, which must not overlap the first size's build timings.
    let mut browser: Option<cdp::Browser> = None;

    let mut rows = Vec::new();
    for &n in &sizes {
        let root = if n == 1 {
            repo.clone()
        } else {
            let r = tmp.path().join(format!("x{n}"));
            handbook::scale::generate(&repo, n, &r).unwrap();
            r
        };
        let site = tmp.path().join(format!("site-{n}"));
        let html = tmp.path().join(format!("html-{n}"));
        let md = tmp.path().join(format!("md-{n}"));
        let build = |out: &Path, extra: &[&str]| {
            let mut c = Command::new(&bin);
            c.arg("build").arg("--dir").arg(&root).arg("--no-pdf").arg("--out").arg(out).args(extra);
            c
        };
        eprintln!("{n}×: handbook build");
        let full = median_of(runs, || build(&site, &[]));
        let html_stage = median_of(runs, || build(&html, &["--html-only"]));
        measure(&mut build(&site, &["--emit-markdown", md.to_str().unwrap()]));
        let pages = std::fs::read_dir(md.join("src")).unwrap().count() - 1;

        let md_site = tmp.path().join(format!("mdbook-{n}"));
        let mdbook_t = mdbook.as_ref().map(|m| {
            eprintln!("{n}×: mdbook build");
            median_of(runs, || {
                let mut c = Command::new(m);
                c.arg("build").arg(&md).arg("--dest-dir").arg(&md_site);
                c
            })
        });
        let pagefind_t = match (&pagefind, mdbook_t) {
            (Some(p), Some(_)) => {
                eprintln!("{n}×: pagefind");
                Some(median_of(runs, || {
                    let mut c = Command::new(p);
                    c.arg("--site").arg(&md_site);
                    c
                }))
            }
            _ => None,
        };

        eprintln!("{n}×: in-process queries");
        let query = in_process(&root, &queries);
        let (mut bytes, mut pf_bytes, mut browser_ms) = (None, None, None);
        if let Some(path) = &chromium {
            let b = browser.get_or_insert_with(|| cdp::Browser::launch(path));
            eprintln!("{n}×: in the browser");
            settle();
            let mut page = b.page();
            // Every file from disk: no query finds another's files in Chromium's memory cache.
            page.call("Network.setCacheDisabled", serde_json::json!({ "cacheDisabled": true }));
            let mut worst = (0, String::new());
            let (mut ms, mut cold) = (Vec::new(), Vec::new());
            for q in &queries {
                let (b, t, phases) = our_query(&mut page, &site, &q.q);
                let c = cold_query(&mut page, &site, &q.q);
                if std::env::var_os("BENCH_VERBOSE").is_some() {
                    eprintln!("  {:>7} B  typed {t:>5.1} ms  cold {c:>5.1} ms  {}  {phases}", b, q.q);
                }
                worst = worst.max((b, q.q.clone()));
                ms.push(t);
                cold.push(c);
            }
            ms.sort_by(f64::total_cmp);
            cold.sort_by(f64::total_cmp);
            bytes = Some(worst);
            browser_ms =
                Some((percentile(&ms, 0.5), percentile(&ms, 1.0), percentile(&cold, 0.5), percentile(&cold, 1.0)));
            if pagefind_t.is_some() {
                pf_bytes = Some(pagefind_worst(&mut page, &md_site, &queries));
            }
        }
        eprintln!("{n}×: done");
        rows.push(Row {
            name: if n == 1 { "shipped".into() } else { format!("{n}×") },
            pages,
            full,
            html: html_stage,
            mdbook: mdbook_t,
            pagefind: pagefind_t,
            query,
            bytes,
            pf_bytes,
            browser_ms,
        });
        // Partial results survive a later failure.
        print_tables(&rows, runs, None);
        if n != 1 && n != 100 {
            let _ = std::fs::remove_dir_all(&root);
        }
        for d in [&html, &md_site, &md] {
            let _ = std::fs::remove_dir_all(d);
        }
        if n != 100 {
            let _ = std::fs::remove_dir_all(&site);
        }
    }

    let serve = if sizes.contains(&100) {
        chromium.as_ref().map(|path| {
            serve_edit(browser.get_or_insert_with(|| cdp::Browser::launch(path)), &bin, &tmp.path().join("x100"))
        })
    } else {
        None
    };
    print_tables(&rows, runs, serve);
}

/// Query latency p50/p99 (ms) of the CLI's ranking over an index built in process.
fn in_process(root: &Path, queries: &[Q]) -> (f64, f64) {
    let checked = pipeline::check(root);
    let hb = checked.valid.expect("handbook is valid").handbook;
    let secs = sections(&hb);
    let cfg = handbook::search::config(&hb.settings.search, &secs);
    let weights = hb.settings.search.weights.clone();
    let idx = SearchIndex::build(
        &secs,
        |s| weights.of(s.kind),
        handbook::search::rank::RankConfig::new(vec![], vec![]).near_words,
    )
    .unwrap();
    let mut t = Vec::new();
    for _ in 0..5 {
        for q in queries {
            let s = Instant::now();
            std::hint::black_box(handbook::search::search_index(&idx, &cfg, &q.q, 10).unwrap());
            t.push(s.elapsed().as_secs_f64() * 1e3);
        }
    }
    t.sort_by(f64::total_cmp);
    (percentile(&t, 0.5), percentile(&t, 0.99))
}

/// Bytes of search files (code and data) one query downloads from a fresh page, and its time in the page.
/// One query typed into a fresh page's search box as an input method commits
/// it (one `input` event): the bytes of the search files it downloaded, the
/// time from the debounced query to the results shown (its lists were preloaded
/// while the debounce waited), and where that time went.
fn our_query(page: &mut cdp::Page<'_>, site: &Path, q: &str) -> (u64, f64, String) {
    // Everything under search/ the page loads counts, the code too (loaded when the page is idle).
    let before = page.requests().len();
    page.goto(&format!("file://{}", site.join("index.html").display()));
    page.press("s");
    page.wait_for("document.activeElement && document.activeElement.id === 'search-input'");
    // A person takes longer to start typing than the code takes to load.
    page.wait_for("window.HandbookSearch && window.HandbookSearch.preload");
    page.type_text(q);
    page.wait_for("document.documentElement.getAttribute('data-search-done')");
    let ms = page.eval("window.HandbookSearch.lastQueryMs").as_f64().unwrap_or(f64::NAN);
    // Where the time went: the lists' files, the shown sections' files, how many files.
    let phases = page.eval("JSON.stringify(window.HandbookSearch.lastPhases)").as_str().unwrap_or_default().to_string();
    let search = site.join("search");
    let mut files: Vec<PathBuf> = page.requests()[before..]
        .iter()
        .filter_map(|u| u.strip_prefix("file://").map(|p| PathBuf::from(p.split(['?', '#']).next().unwrap_or(p))))
        .map(|p| handbook::serve::percent_decode(&p.to_string_lossy()).map_or(p, PathBuf::from))
        .filter(|p| p.starts_with(&search))
        .collect();
    files.sort();
    files.dedup();
    (files.iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum(), ms, phases)
}

/// One query with nothing preloaded: a fresh page, the search code loaded,
/// then `HandbookSearch.search` from scratch (both rounds of file loads,
/// ranking and snippets), in ms.
fn cold_query(page: &mut cdp::Page<'_>, site: &Path, q: &str) -> f64 {
    page.goto(&format!("file://{}", site.join("index.html").display()));
    page.press("s");
    page.wait_for("window.HandbookSearch && window.HandbookSearch.search && window.HandbookSearch.preload");
    let q = serde_json::to_string(q).unwrap();
    page.eval(&format!(
        "(async () => {{ const t = performance.now(); await HandbookSearch.search({q}, 10); return performance.now() - t; }})()"
    ))
    .as_f64()
    .unwrap_or(f64::NAN)
}

/// Pagefind's worst query: bytes under /pagefind/ fetched to show the top 10
/// results (its code, WASM, index chunks and fragments), served over HTTP (Pagefind needs fetch).
fn pagefind_worst(page: &mut cdp::Page<'_>, site: &Path, queries: &[Q]) -> (u64, String) {
    let port = free_port();
    let mut server = Command::new("python3")
        .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
        .arg(site)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 -m http.server");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "http.server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut worst = (0, String::new());
    let mut answered = 0;
    for q in queries {
        page.goto(&format!("{base}/index.html"));
        let before = page.requests().len();
        let lit = serde_json::to_string(&q.q).unwrap();
        let shown = page.eval(&format!(
            "Promise.race([new Promise(r => setTimeout(() => r(-1), 20000)), (async () => {{
               const pf = await import('/pagefind/pagefind.js'); const s = await pf.search({lit});
               const d = await Promise.all(s.results.slice(0, 10).map(r => r.data())); return d.length; }})()])"
        ));
        let mut files: Vec<String> = page.requests()[before..]
            .iter()
            .filter_map(|u| u.strip_prefix(&base).map(str::to_string))
            .filter(|p| p.starts_with("/pagefind/"))
            .collect();
        files.sort();
        files.dedup();
        let bytes = files
            .iter()
            .map(|p| std::fs::metadata(site.join(p.trim_start_matches('/'))).map(|m| m.len()).unwrap_or(0))
            .sum();
        worst = worst.max((bytes, q.q.clone()));
        answered += usize::from(shown.as_i64().unwrap_or(0) > 0);
    }
    eprintln!("  Pagefind showed results for {answered} of {} queries", queries.len());
    let _ = server.kill();
    let _ = server.wait();
    worst
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `serve` on the 100× handbook: save an edit to one chapter file, time until
/// the open page shows it (watcher, rebuild, live reload, page load). Median of 5.
fn serve_edit(b: &mut cdp::Browser, bin: &Path, root: &Path) -> (f64, f64) {
    let port = free_port();
    let mut server = Command::new(bin)
        .arg("serve")
        .arg("--dir")
        .arg(root)
        .args(["--port", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("handbook serve");
    let deadline = Instant::now() + Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "serve did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut page = b.page();
    page.goto(&format!("http://127.0.0.1:{port}/images-c50.html"));
    let file = root.join("content/03-images-c50.yaml");
    let original = std::fs::read_to_string(&file).unwrap();
    let mut times = Vec::new();
    for k in 0..5 {
        std::thread::sleep(Duration::from_millis(1500));
        page.wait_for("document.readyState === 'complete'");
        let marker = format!("编辑标记{k}");
        let edited = original.replacen("勤学习", &format!("勤学习{marker}"), 1);
        let t = Instant::now();
        std::fs::write(&file, edited).unwrap();
        page.wait_for(&format!("document.body && document.body.textContent.includes('{marker}')"));
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    std::fs::write(&file, original).unwrap();
    let _ = server.kill();
    let _ = server.wait();
    times.sort_by(f64::total_cmp);
    (percentile(&times, 0.5), percentile(&times, 1.0))
}

fn print_tables(rows: &[Row], runs: usize, serve: Option<(f64, f64)>) {
    let s = |v: Option<(f64, f64)>| v.map_or("–".into(), |(w, m)| format!("{w:.3} s / {m:.0} MiB"));
    println!("\nBuild: median of {runs} wall time / peak memory (PDFs off)\n");
    println!(
        "| handbook | pages | handbook full | handbook HTML stage | mdbook build | pagefind | HTML ÷ mdbook | full ÷ (mdbook + pagefind) |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in rows {
        let ratio1 = r.mdbook.map_or("–".into(), |m| format!("{:.3}", r.html.0 / m.0));
        let ratio2 = match (r.mdbook, r.pagefind) {
            (Some(m), Some(p)) => format!("{:.3}", r.full.0 / (m.0 + p.0)),
            _ => "–".into(),
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {ratio1} | {ratio2} |",
            r.name,
            r.pages,
            s(Some(r.full)),
            s(Some(r.html)),
            s(r.mdbook),
            s(r.pagefind)
        );
    }
    println!(
        "\nSearch: in-process query latency; bytes the browser downloads for the worst of the test queries (code and data); in-browser query time on a fresh page from file:// — typed: from the debounced query to the results shown, its lists preloaded during the 80 ms debounce; cold: `HandbookSearch.search` with nothing loaded but the code\n"
    );
    println!(
        "| handbook | query p50 ms | query p99 ms | worst query bytes (query) | Pagefind worst bytes (query) | ours ÷ Pagefind | browser typed p50 / max ms | browser cold p50 / max ms |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in rows {
        let b = |v: &Option<(u64, String)>| v.as_ref().map_or("–".into(), |(b, q)| format!("{b} ({q})"));
        let ratio = match (&r.bytes, &r.pf_bytes) {
            (Some(a), Some(p)) if p.0 > 0 => format!("{:.2}", a.0 as f64 / p.0 as f64),
            _ => "–".into(),
        };
        let (typed, cold) = r.browser_ms.map_or(("–".into(), "–".into()), |(a, b, c, d)| {
            (format!("{a:.1} / {b:.1}"), format!("{c:.1} / {d:.1}"))
        });
        println!(
            "| {} | {:.3} | {:.3} | {} | {} | {ratio} | {typed} | {cold} |",
            r.name,
            r.query.0,
            r.query.1,
            b(&r.bytes),
            b(&r.pf_bytes)
        );
    }
    if let Some((p50, max)) = serve {
        println!(
            "\nServe, 100× handbook: saving a one-file edit → the open page shows it: median {p50:.0} ms, max {max:.0} ms (5 edits)"
        );
    }
}
