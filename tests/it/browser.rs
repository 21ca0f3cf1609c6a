//! The in-browser search in a real headless Chromium, from `file://`.

use crate::cdp::{Browser, Page, chromium};
use crate::common::{require, shipped};
use crate::queries::{Query, load_queries};
use crate::search::{Scores, score};
use handbook::search::search_site;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn browser() -> Option<Browser> {
    let bin = chromium();
    require(bin.is_some(), "Chromium (Debian package `chromium`)").then(|| Browser::launch(&bin.unwrap()))
}

pub fn file_url(p: &Path) -> String {
    format!("file://{}", p.display())
}

/// The site path of a `file://` URL, without query or fragment.
fn url_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("file://")?;
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    Some(PathBuf::from(percent_encoding::percent_decode_str(&rest[..end]).decode_utf8_lossy().into_owned()))
}

/// Fails on any request that is not a file inside `site` (about:/data: excepted).
/// The requests that leave the site folder (anything but a file inside it).
pub fn outside(requests: &[String], site: &Path) -> Vec<String> {
    let site = site.canonicalize().unwrap();
    requests
        .iter()
        .filter(|r| !r.starts_with("data:") && !r.starts_with("about:"))
        .filter(|r| !url_path(r).and_then(|p| p.canonicalize().ok()).is_some_and(|p| p.starts_with(&site)))
        .cloned()
        .collect()
}

fn assert_inside(requests: &[String], site: &Path) {
    // The control: the page itself was seen, so requests are being captured.
    assert!(requests.iter().any(|r| r.ends_with(".html")), "no page request captured: {requests:?}");
    let out = outside(requests, site);
    assert!(out.is_empty(), "requests outside the site folder: {out:?}");
}

/// What one query did in a fresh page: the ranked URLs, the bytes search
/// downloaded, and how long the query took in the page.
pub struct BrowserRun {
    pub urls: Vec<String>,
    pub bytes: u64,
    pub files: usize,
    pub ms: f64,
}

/// Opens `site/index.html`, presses `s`, types `q`, waits for the results.
pub fn run_query(page: &mut Page<'_>, site: &Path, q: &str) -> BrowserRun {
    let start = page.requests().len();
    page.goto(&file_url(&site.join("index.html")));
    page.press("s");
    page.wait_for("document.activeElement && document.activeElement.id === 'search-input'");
    page.type_text(q);
    page.wait_for("document.documentElement.getAttribute('data-search-done') || document.documentElement.getAttribute('data-search-error')");
    let error = page.eval("document.documentElement.getAttribute('data-search-error')");
    assert!(error.is_null(), "search failed in the browser: {error}");
    let urls: Vec<String> = page
        .eval("Array.from(document.querySelectorAll('#search-results [role=option]')).map(o => o.dataset.href)")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| strip_highlight(v.as_str().unwrap()))
        .collect();
    let ms = page.eval("window.HandbookSearch.lastQueryMs").as_f64().unwrap_or(f64::NAN);
    let requests = page.requests();
    assert_inside(&requests[start..], site);
    let search_dir = site.join("search");
    let mut files: Vec<PathBuf> =
        requests[start..].iter().filter_map(|r| url_path(r)).filter(|p| p.starts_with(&search_dir)).collect();
    files.sort();
    files.dedup();
    let bytes = files.iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum();
    // The control for the byte counts: the search code itself was seen loading.
    assert!(
        files.iter().any(|p| p.ends_with("search.js")),
        "{q}: search.js not among the captured requests: {files:?}"
    );
    BrowserRun { urls, bytes, files: files.len(), ms }
}

/// Opens the page's search box with `s`, types `q` and waits for its results.
pub fn search_for(page: &mut Page<'_>, q: &str) {
    page.press("s");
    page.wait_for("document.activeElement && document.activeElement.id === 'search-input'");
    page.eval("document.documentElement.removeAttribute('data-search-done')");
    page.type_text(q);
    page.wait_for("document.documentElement.getAttribute('data-search-done')");
}

/// The first page with the search code loaded, for `HandbookSearch.search` calls.
fn open_search(page: &mut Page<'_>, site: &Path) {
    page.goto(&file_url(&site.join("index.html")));
    page.press("s");
    page.wait_for("window.HandbookSearch && typeof window.HandbookSearch.search === 'function'");
}

fn strip_highlight(href: &str) -> String {
    match (href.find('?'), href.find('#')) {
        (Some(q), Some(h)) => format!("{}{}", &href[..q], &href[h..]),
        (Some(q), None) => href[..q].to_string(),
        _ => href.to_string(),
    }
}

#[test]
fn browser_ranks_like_the_cli_from_file_urls() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let queries = load_queries();
    let mut page = b.page();
    let mut mismatches = Vec::new();
    let mut runs: Vec<(&Query, BrowserRun)> = Vec::new();
    for q in &queries {
        let run = run_query(&mut page, site, &q.q);
        let cli: Vec<String> = search_site(site, &q.q, 10).unwrap().into_iter().map(|r| r.url).collect();
        let n = 3.min(cli.len());
        if run.urls.len() < n || run.urls[..n] != cli[..n] {
            mismatches.push(format!("{}: browser {:?} ≠ CLI {:?}", q.q, &run.urls[..run.urls.len().min(3)], &cli[..n]));
        }
        runs.push((q, run));
    }
    // The scorer's table for the browser, beside the CLI's.
    let mut table = String::from("| ranking | category | queries | hit@1 | hit@3 | MRR |\n|---|---|---|---|---|---|\n");
    for cat in ["term", "paraphrase", "heldout"] {
        let qs: Vec<&Query> = queries.iter().filter(|q| q.category == cat).collect();
        let ranked = |q: &Query| -> Vec<String> {
            let run = &runs.iter().find(|(r, _)| std::ptr::eq(*r, q)).unwrap().1;
            run.urls.iter().map(|u| u.rsplit('#').next().unwrap_or(u).trim_end_matches(".html").to_string()).collect()
        };
        let (s, _): (Scores, _) = score(&qs, ranked);
        table.push_str(&format!("| browser | {cat} | {} | {:.2} | {:.2} | {:.3} |\n", s.n, s.hit1, s.hit3, s.mrr));
    }
    let worst = runs.iter().max_by_key(|(_, r)| r.bytes).unwrap();
    let mut ms: Vec<f64> = runs.iter().map(|(_, r)| r.ms).collect();
    ms.sort_by(f64::total_cmp);
    println!("{table}");
    println!(
        "worst query: {} — {} bytes in {} files; query time p50 {:.1} ms, max {:.1} ms",
        worst.0.q,
        worst.1.bytes,
        worst.1.files,
        ms[ms.len() / 2],
        ms[ms.len() - 1]
    );
    assert!(mismatches.is_empty(), "browser top 3 differs from the CLI:\n{}", mismatches.join("\n"));
    assert!(worst.1.bytes <= 75_000, "worst query downloads {} bytes (target ≤ 75 KB)", worst.1.bytes);
}

/// A link that carries a query (`?q=`, or mdBook's `?search=`) opens the
/// page with the search panel showing that query's results, the CLI's first
/// three first, from a chapter page as from the first page.
#[test]
fn a_link_with_a_query_opens_its_results() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    for (file, param, q) in [("index.html", "q", "新人不会写报告怎么办"), ("images.html", "search", "bgz")] {
        let encoded: String = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string();
        page.goto(&format!("{}?{param}={encoded}", file_url(&site.join(file))));
        page.wait_for("document.documentElement.getAttribute('data-search-done') || document.documentElement.getAttribute('data-search-error')");
        let shown = page.eval(
            "({ open: !document.getElementById('search-panel').hidden, value: document.getElementById('search-input').value,
                urls: Array.from(document.querySelectorAll('#search-results [role=option]')).map(o => o.dataset.href) })",
        );
        assert_eq!(shown["open"], true, "{file}?{param}=: {shown}");
        assert_eq!(shown["value"], q, "{file}?{param}=: {shown}");
        let urls: Vec<String> =
            shown["urls"].as_array().unwrap().iter().map(|u| strip_highlight(u.as_str().unwrap())).collect();
        let cli: Vec<String> = search_site(site, q, 3).unwrap().into_iter().map(|r| r.url).collect();
        assert!(!cli.is_empty() && urls.len() >= cli.len(), "{q}: {urls:?} / {cli:?}");
        // Result links are relative to the page they are shown on.
        assert_eq!(urls[..cli.len()], cli[..], "{file}: {q}");
    }
    // A pasted passage: only its first characters are searched, alike, and the panel says so.
    let q = "当今社会知识更新很快，办公室人员如果不注意学习、积累和提高，就很难写好材料。要坚持学理论，学经济，学业务，不断提高理论和业务水平，提高分析问题、解决问题能力，为写材料打下良好的基础。";
    assert!(q.chars().count() > handbook::search::rank::MAX_QUERY_CHARS);
    let encoded: String = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string();
    page.goto(&format!("{}?q={encoded}", file_url(&site.join("index.html"))));
    page.wait_for("document.documentElement.getAttribute('data-search-done') || document.documentElement.getAttribute('data-search-error')");
    let shown = page.eval(
        "({ status: document.getElementById('search-status').textContent,
            urls: Array.from(document.querySelectorAll('#search-results [role=option]')).map(o => o.dataset.href) })",
    );
    let urls: Vec<String> =
        shown["urls"].as_array().unwrap().iter().map(|u| strip_highlight(u.as_str().unwrap())).collect();
    let cli: Vec<String> = search_site(site, q, 10).unwrap().into_iter().map(|r| r.url).collect();
    assert_eq!(urls, cli, "a long query");
    assert!(shown["status"].as_str().unwrap().contains("只按前 64 个字搜索"), "{shown}");
}

#[test]
fn keyboard_search_opens_the_section_and_marks_the_words() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    page.goto(&file_url(&site.join("images.html")));
    assert_eq!(page.eval("document.getElementById('search-panel').hidden"), Value::Bool(true));
    page.press("/");
    page.wait_for("document.activeElement.id === 'search-input'");
    page.type_text("挡小事");
    page.wait_for("document.documentElement.getAttribute('data-search-done')");
    let first = page.eval(
        "(() => { const li = document.querySelector('#search-results li'); return {
            title: li.querySelector('.search-result-title').textContent,
            crumb: li.querySelector('.search-result-breadcrumb').textContent,
            marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent) }; })()",
    );
    assert_eq!(first["title"], "大事和小事", "{first}");
    assert_eq!(first["crumb"], "四个关系 › 大事和小事", "{first}");
    assert!(first["marks"].as_array().unwrap().iter().any(|m| m == "挡小事"), "{first}");
    assert!(page.eval("document.getElementById('search-status').textContent").as_str().unwrap().contains("找到"));

    page.press("ArrowDown");
    assert_eq!(page.eval("document.querySelector('#search-results li').getAttribute('aria-selected')"), "true");
    page.press("Enter");
    page.wait_for("location.pathname.endsWith('relationships.html') && document.readyState === 'complete'");
    assert_eq!(page.eval("location.hash"), "#da-shi-xiao-shi");
    let marks = page
        .eval("Array.from(document.querySelectorAll('mark.search-hit')).map(m => [m.textContent, !!m.closest('p')])");
    let marks = marks.as_array().unwrap();
    assert!(marks.iter().any(|m| m[0] == "挡小事"), "marks: {marks:?}");
    // Only the target section is marked: 小事 also occurs in the next sections, unmarked.
    let outside = page.eval(
        "(() => { const next = document.getElementById('zhu-dong-bei-dong'); let n = next, c = 0;
            while (n) { c += n.querySelectorAll ? n.querySelectorAll('mark.search-hit').length : 0; n = n.nextElementSibling; }
            return c; })()",
    );
    assert_eq!(outside, 0);
    if let Some(dir) = std::env::var_os("HANDBOOK_SCREENSHOTS") {
        page.screenshot(&PathBuf::from(dir).join("search-target.png"));
    }

    page.press("s");
    page.wait_for("!document.getElementById('search-panel').hidden");
    page.press("Escape");
    assert_eq!(page.eval("document.getElementById('search-panel').hidden"), Value::Bool(true));
    assert_inside(&page.requests(), site);
}

#[test]
fn search_results_screenshot_and_empty_state() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    let run = run_query(&mut page, site, "新人不会写报告怎么办");
    assert!(!run.urls.is_empty());
    if let Some(dir) = std::env::var_os("HANDBOOK_SCREENSHOTS") {
        page.screenshot(&PathBuf::from(dir).join("search-results.png"));
    }
    page.eval("document.getElementById('search-input').value = ''");
    // Nothing shares a word or a character with this.
    page.type_text("zzzz㐀㐁qqq");
    page.wait_for("document.getElementById('search-status').textContent.includes('没有找到')");
    assert!(!page.eval("document.getElementById('search-status').textContent").as_str().unwrap().contains("拼音"));
    // Pinyin typed part way finds nothing yet: the reader is told how pinyin is searched, as by the CLI.
    page.eval("document.getElementById('search-input').value = ''");
    page.type_text("biga");
    page.wait_for("document.getElementById('search-status').textContent.includes('没有找到与“biga”')");
    let status = page.eval("document.getElementById('search-status').textContent");
    let cli = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["search", "biga", "--site"])
        .arg(site)
        .output()
        .unwrap();
    assert_eq!(status.as_str().unwrap(), String::from_utf8(cli.stdout).unwrap().trim());
}

/// On a phone the top bar stays one line: every tool and button shown
/// whole, none wrapped, nothing wider than the screen; the book's title gives
/// way (cut short, then hidden on the narrowest screens). Short table cells
/// and labels do not break between their characters.
#[test]
fn the_top_bar_and_the_learning_pages_fit_a_phone() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    // A search kept as one long word (a pasted address), for the progress page's list.
    page.goto(&file_url(&site.join("images.html")));
    search_for(&mut page, &format!("https://intranet.example/{}", "a".repeat(120)));
    for width in [320, 360, 390, 430] {
        page.call(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({ "width": width, "height": 700, "deviceScaleFactor": 1, "mobile": true }),
        );
        page.goto(&file_url(&site.join("images.html")));
        let bar = page.eval(
            "(() => { const bar = document.querySelector('.topbar');
              const parts = [...bar.querySelectorAll('.icon-button, .tool')].map(e => {
                const b = e.getBoundingClientRect();
                // One line: as tall as a line of its text, with its whole width inside the screen.
                const line = parseFloat(getComputedStyle(e).lineHeight) || b.height;
                return { text: e.textContent.trim(), oneLine: e.getClientRects().length === 1 && b.height < line * 1.6 + 16, inside: b.left >= 0 && b.right <= innerWidth };
              });
              return { scroll: document.documentElement.scrollWidth, parts }; })()",
        );
        assert!(bar["scroll"].as_f64().unwrap() <= f64::from(width), "{width}px: the page scrolls sideways: {bar}");
        let parts = bar["parts"].as_array().unwrap();
        assert!(parts.len() >= 4, "{width}px: {bar}");
        for p in parts {
            assert!(p["oneLine"].as_bool().unwrap() && p["inside"].as_bool().unwrap(), "{width}px: {p} in {bar}");
        }
        // The progress table's short cells and a fill-in question's label keep
        // their words on one line; the page itself never scrolls sideways, not
        // for a long search in the list of searches either.
        for (file, selector) in [("progress.html", ".progress-read"), ("practice.html", ".quiz-fill")] {
            page.goto(&file_url(&site.join(file)));
            page.eval("document.querySelectorAll('details').forEach(d => d.open = true)");
            let lines = page.wait_for(&format!(
                "(() => {{ const e = document.querySelector('{selector}'); if (!e) return null;
                   const r = document.createRange(); r.selectNodeContents(e.firstChild);
                   const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
                   return {{ lines: tops.size, scroll: document.documentElement.scrollWidth }}; }})()"
            ));
            assert_eq!(lines["lines"], 1, "{width}px, {file}: {selector} wraps: {lines}");
            if file == "progress.html" {
                let kept = page.eval("document.querySelector('.progress-search-list li').textContent");
                assert!(kept.as_str().unwrap().starts_with("https://intranet.example/aaa"), "{kept}");
            }
            assert!(lines["scroll"].as_f64().unwrap() <= f64::from(width), "{width}px, {file}: {lines}");
        }
    }
}

/// A result found for meaning shows, in the results list, the near word the
/// query shares ("意思相近：…", labelled as search data) and the sentence it
/// came from, as the CLI does. The query is the first of the dev and keyword
/// sets with such a result in its top 10.
#[test]
fn a_result_found_for_meaning_shows_its_word_and_sentence() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let queries: Vec<String> =
        ["dev", "keywords"].iter().flat_map(|n| crate::queries::load_set(n)).map(|q| q.q).collect();
    let (q, cli) = queries
        .iter()
        .find_map(|q| {
            let results = search_site(site, q, 10).unwrap();
            results.into_iter().find(|r| r.near.is_some()).map(|r| (q.clone(), r))
        })
        .expect("some query of the sets finds a section for meaning");
    let near = cli.near.clone().unwrap();
    // The snippet opens on a sentence of the section's text (the one the word came from).
    let valid = handbook::pipeline::check(&crate::common::repo()).valid.unwrap();
    let text = valid.sections.iter().find(|s| s.id.as_str() == cli.id).unwrap().text.clone();
    let opening = cli.snippet.text.trim_start_matches('…').trim_end_matches('…');
    let at = text.find(opening).expect("the snippet is the section's text");
    assert!(
        at == 0 || text[..at].ends_with(['。', '！', '？', '；', '\n']),
        "{q}: the snippet does not open a sentence: {opening}"
    );
    let mut page = b.page();
    let run = run_query(&mut page, site, &q);
    let i = run.urls.iter().position(|u| u == &cli.url).expect("the browser shows that result too");
    let shown = page.eval(&format!(
        "(o => [o.querySelector('.search-result-ask') && o.querySelector('.search-result-ask').textContent, o.querySelector('.search-result-snippet').textContent])(document.getElementById('search-result-{i}'))"
    ));
    assert_eq!(shown[0].as_str(), Some(format!("意思相近：{near}").as_str()), "{q}");
    assert_eq!(shown[1].as_str(), Some(cli.snippet.text.as_str()), "{q}");
    if let Some(dir) = std::env::var_os("HANDBOOK_SCREENSHOTS") {
        page.eval(&format!("document.getElementById('search-result-{i}').scrollIntoView({{block: 'center'}})"));
        page.screenshot(&PathBuf::from(dir).join("search-meaning.png"));
    }
}

/// The term filter as the browser decodes it (`atob`, its own hash over
/// UTF-16): a term in no section loads no shard, and every indexed term of a
/// sample loads its shard.
#[test]
fn the_term_filter_skips_absent_terms_and_never_an_indexed_one() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    let shards_loaded = |page: &mut Page<'_>, q: &str| -> usize {
        let run = run_query(page, site, q);
        let _ = run;
        // The shard files of this query only (run_query opened a fresh page).
        let reqs = page.requests();
        let from = reqs.iter().rposition(|r| r.ends_with("index.html")).unwrap_or(0);
        reqs[from..].iter().filter(|r| ["/search/s/", "/search/u/", "/search/l/"].iter().any(|d| r.contains(d))).count()
    };
    // Present: the control that shard loads are seen at all.
    assert!(shards_loaded(&mut page, "挡小事") >= 1, "an indexed term's shard is loaded");
    // Absent (Latin words in no section): the filter rules them out.
    assert_eq!(shards_loaded(&mut page, "qqqq"), 0, "a term in no section loads no shard");
    assert_eq!(shards_loaded(&mut page, "zzxq wvvk"), 0);
    // Every indexed term of a sample (from the exported shards themselves) passes.
    let mut terms: Vec<String> = Vec::new();
    for e in std::fs::read_dir(site.join("search/s")).unwrap().chain(std::fs::read_dir(site.join("search/u")).unwrap())
    {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let json = &text[text.find(',').unwrap() + 1..text.rfind(");").unwrap()];
        let lists: serde_json::Map<String, Value> = serde_json::from_str(json).unwrap();
        terms.extend(lists.keys().filter_map(|k| k.split_once(':')).map(|(_, t)| t.to_string()));
    }
    // Not a term the query side strips (an ignored word such as 如何): it is never looked up.
    let cfg: handbook::search::rank::RankConfig =
        serde_json::from_slice(&std::fs::read(site.join("search/config.json")).unwrap()).unwrap();
    terms.retain(|t| handbook::search::rank::expand(t, &cfg).iter().any(|q| &q.text == t));
    terms.sort();
    terms.dedup();
    assert!(terms.len() > 1000, "{} terms", terms.len());
    let step = terms.len() / 40;
    let mut skipped = Vec::new();
    for t in terms.iter().step_by(step) {
        if shards_loaded(&mut page, t) == 0 {
            skipped.push(t.clone());
        }
    }
    assert!(skipped.is_empty(), "the browser skipped the shards of indexed terms: {skipped:?}");
}

/// The outside-request check sees a request that leaves the site: an image
/// from another folder and one from the network, made on a site page.
#[test]
fn a_request_outside_the_site_is_caught() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    page.goto(&file_url(&site.join("index.html")));
    page.wait_for("document.readyState === 'complete'");
    page.eval("new Image().src = 'file:///etc/hostname'; new Image().src = 'http://192.0.2.1/x.png'");
    page.wait_for("performance.getEntriesByType('resource').length > 0");
    std::thread::sleep(std::time::Duration::from_millis(200));
    let out = outside(&page.requests(), site);
    assert!(out.iter().any(|r| r == "file:///etc/hostname"), "{out:?}");
    assert!(out.iter().any(|r| r.starts_with("http://192.0.2.1/")), "{out:?}");
}

/// axe-core with the results panel open and a result selected: no serious or
/// critical violation (an option holds no link); a click opens the result.
#[test]
fn the_open_results_panel_passes_axe_and_a_click_opens_a_result() {
    let axe = crate::quiz_browser::axe_source();
    if !require(axe.is_some(), "axe-core (npm install --prefix .ci/node axe-core)") {
        return;
    }
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    let run = run_query(&mut page, site, "挡小事");
    assert!(!run.urls.is_empty());
    page.press("ArrowDown");
    crate::quiz_browser::assert_axe_clean(&mut page, axe.as_ref().unwrap(), "the page with the results open");
    page.eval("document.querySelector('#search-results [role=option]').click()");
    page.wait_for("location.pathname.endsWith('relationships.html') && document.readyState === 'complete'");
    assert_eq!(page.eval("location.hash"), "#da-shi-xiao-shi");
}

/// A result as the ranking's comparisons see it: URL, matched ask, near word, snippet.
pub type Why = (String, Option<String>, Option<String>, String);

/// The page's expression for the first ten results of `q`, as [`Why`]s.
pub fn why_expr(q: &str) -> String {
    format!(
        "window.HandbookSearch.search({}, 10).then(r => r.results.map(x => [x.url, x.ask || null, x.near || null, x.snippet.text]))",
        serde_json::to_string(q).unwrap()
    )
}

/// The CLI's first ten results of `q` on `site`, as [`Why`]s.
pub fn cli_why(site: &Path, q: &str) -> Vec<Why> {
    search_site(site, q, 10).unwrap().into_iter().map(|r| (r.url, r.ask, r.near, r.snippet.text)).collect()
}

/// Where `engine`'s first three differ from the CLI's, what to print.
pub fn top3_differs(engine: &str, what: &str, got: &[Why], cli: &[Why]) -> Option<String> {
    let n = 3.min(cli.len());
    (got.len() < n || got[..n] != cli[..n])
        .then(|| format!("{what}: {engine} {:?} ≠ CLI {:?}", &got[..got.len().min(3)], &cli[..n]))
}

/// A named set of queries, each with the ids of the sections that answer it.
pub type Set = (String, Vec<(String, Vec<String>)>);

/// The fresh sets, the older set, and the forms generated from every title of
/// the shipped handbook (pinyin, initials, traditional, tone marks, digits).
pub fn every_set() -> Vec<Set> {
    let valid = handbook::pipeline::check(&crate::common::repo()).valid.unwrap();
    let titles: Vec<(String, String, Vec<String>)> = valid
        .sections
        .iter()
        .map(|s| (s.id.to_string(), s.title.clone(), s.refs.iter().map(|r| r.to_string()).collect()))
        .collect();
    let mut sets: Vec<Set> = ["dev", "test", "test2", "keywords", "terms"]
        .iter()
        .map(|n| (n.to_string(), crate::queries::load_set(n).into_iter().map(|q| (q.q, q.answers)).collect()))
        .collect();
    sets.push(("older set".into(), load_queries().into_iter().map(|q| (q.q, q.answers)).collect()));
    for (kind, forms) in crate::forms::forms(&titles) {
        sets.push((kind.to_string(), forms.into_iter().map(|f| (f.q, f.answers)).collect()));
    }
    sets
}

/// Every query of every set (the fresh sets, the older set, and the pinyin,
/// initials and traditional forms of every title) ranks alike in the browser
/// and the CLI: the same top 3, found for the same reason (the same matched
/// ask or near word, the same snippet or closest sentence), with no request leaving the site. Prints the
/// browser's hit@1 / hit@3 / MRR per set (the README's browser rows).
#[test]
fn every_set_ranks_alike_in_the_browser_and_the_cli() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let sets = every_set();
    let mut page = b.page();
    open_search(&mut page, site);
    let mut mismatches = Vec::new();
    let mut table = String::from("| ranking | set | queries | hit@1 | hit@3 | MRR |\n|---|---|---|---|---|---|\n");
    let mut total = 0;
    let code = std::fs::metadata(site.join("search/search.js")).unwrap().len();
    let mut worst = (0, String::new());
    for (name, queries) in &sets {
        let (mut h1, mut h3, mut mrr) = (0.0, 0.0, 0.0);
        for (q, answers) in queries {
            let browser: Vec<Why> = serde_json::from_value(page.eval(&why_expr(q))).unwrap();
            // Bytes from opening search to these results: the code and every file the query needed.
            let files: Vec<String> = serde_json::from_value(page.eval("window.HandbookSearch.lastFiles")).unwrap();
            let bytes =
                code + files.iter().map(|f| std::fs::metadata(site.join("search").join(f)).unwrap().len()).sum::<u64>();
            if bytes > worst.0 {
                worst = (bytes, format!("{name}: {q} ({} files)", files.len()));
            }
            mismatches.extend(top3_differs("browser", &format!("{name}: {q}"), &browser, &cli_why(site, q)));
            let ids: Vec<&str> =
                browser.iter().map(|(u, ..)| u.rsplit('#').next().unwrap_or(u).trim_end_matches(".html")).collect();
            if let Some(r) = ids.iter().position(|id| answers.iter().any(|a| a == id)).map(|p| p + 1) {
                h1 += f64::from(u8::from(r == 1));
                h3 += f64::from(u8::from(r <= 3));
                mrr += 1.0 / r as f64;
            }
            total += 1;
        }
        let k = queries.len() as f64;
        table.push_str(&format!(
            "| browser | {name} | {} | {:.2} | {:.2} | {:.3} |\n",
            queries.len(),
            h1 / k,
            h3 / k,
            mrr / k
        ));
    }
    println!("{table}");
    println!("worst query: {} — {} bytes", worst.1, worst.0);
    assert!(total > 400, "every set was run: {total} queries");
    assert!(worst.0 <= 75_000, "the worst query downloads {} bytes (target ≤ 75 KB): {}", worst.0, worst.1);
    assert_inside(&page.requests(), site);
    assert!(mismatches.is_empty(), "{} of {total} differ:\n{}", mismatches.len(), mismatches.join("\n"));
}

/// The reader who types pinyin (with tone marks too) or traditional
/// characters finds the section first, and one who types a digit for a
/// title's numeral (`4办`) too, in the browser as in the CLI (the API answers
/// like the CLI: serve.rs).
#[test]
fn pinyin_and_traditional_queries_find_the_section_first() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    open_search(&mut page, site);
    for q in ["biganzi", "bgz", "筆桿子", "BiGanZi", "ｂｇｚ", "bi gan zi", "bǐ gǎn zi"] {
        let cli = search_site(site, q, 3).unwrap();
        assert_eq!(cli.first().map(|r| r.id.as_str()), Some("bi-gan-zi"), "CLI: {q}");
        let expr = format!(
            "window.HandbookSearch.search({}, 3).then(r => r.results.map(x => x.url))",
            serde_json::to_string(q).unwrap()
        );
        let first = page.eval(&expr)[0].as_str().unwrap_or_default().to_string();
        assert_eq!(first, "images.html#bi-gan-zi", "browser: {q}");
    }
    for (q, id) in [("4办", "si-ban"), ("5化", "transformations"), ("1个中心", "yi-ge-zhong-xin")] {
        let cli = search_site(site, q, 3).unwrap();
        assert_eq!(cli.first().map(|r| r.id.as_str()), Some(id), "CLI: {q}");
        let expr = format!(
            "window.HandbookSearch.search({}, 3).then(r => r.results.map(x => x.url))",
            serde_json::to_string(q).unwrap()
        );
        assert_eq!(page.eval(&expr)[0].as_str(), Some(cli[0].url.as_str()), "browser: {q}");
    }
}

/// The fuzzed query path, in the browser too: a fixed random sample of
/// strings (pieces of the handbook's own text with noise around them, any
/// Unicode, pinyin-like letters, full-width forms) ranks the same ten
/// results in the same order in the browser as in the CLI.
#[test]
fn a_random_sample_of_queries_ranks_alike_in_browser_and_cli() {
    use proptest::strategy::{Strategy, ValueTree};
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let text: Vec<char> = std::fs::read_dir(crate::common::repo().join("content"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.unwrap().path()).ok())
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_ascii())
        .collect();
    let passage = text.clone();
    let piece = (0..text.len() - 12, 1..12usize).prop_map(move |(at, n)| text[at..at + n].iter().collect::<String>());
    // A pasted passage, longer than what is searched of a query.
    let long =
        (0..passage.len() - 200, 40..200usize).prop_map(move |(at, n)| passage[at..at + n].iter().collect::<String>());
    let noise = || proptest::string::string_regex("[\\u4e00-\\u9fff a-z0-9，。？、（）ａ-ｚ　āǎìǒüǚÉ.]{0,6}").unwrap();
    let query = proptest::prop_oneof![
        3 => (noise(), piece, noise()).prop_map(|(a, p, c)| format!("{a}{p}{c}")),
        1 => proptest::string::string_regex(".{0,40}").unwrap(),
        1 => proptest::string::string_regex("[bcdfghjklmnpqrstwxyz aeiou]{1,20}").unwrap(),
        1 => long,
    ];
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let sample: Vec<String> = (0..100).map(|_| query.new_tree(&mut runner).unwrap().current()).collect();
    let mut page = b.page();
    open_search(&mut page, site);
    let (mut with_results, mut differ) = (0, vec![]);
    for q in &sample {
        let expr = format!(
            "window.HandbookSearch.search({}, 10).then(r => r.results.map(x => x.url))",
            serde_json::to_string(q).unwrap()
        );
        let browser: Vec<String> = serde_json::from_value(page.eval(&expr)).unwrap();
        let cli: Vec<String> = search_site(site, q, 10).unwrap().into_iter().map(|r| r.url).collect();
        with_results += usize::from(!cli.is_empty());
        if browser != cli {
            differ.push(format!("{q:?}: browser {browser:?} ≠ CLI {cli:?}"));
        }
    }
    println!("random queries: {} compared, {with_results} with results", sample.len());
    assert!(with_results >= sample.len() / 2, "the sample finds something often enough to compare: {with_results}");
    assert!(differ.is_empty(), "{} of {} differ:\n{}", differ.len(), sample.len(), differ.join("\n"));
}

/// Queries that put every character a search box may get through the
/// normalization: ASCII, Latin letters with accents (pinyin's tone marks),
/// CJK punctuation, full-width forms, each beside a Han character and a
/// letter; and digits alone, inside numbers, words and decimals, beside Han.
pub fn normalization_probes() -> Vec<String> {
    let ranges = [0x20..=0x7E, 0xA0..=0x24F, 0x1E00..=0x1EFF, 0x3000..=0x303F, 0xFF01..=0xFF5E];
    let mut probes: Vec<String> =
        ranges.into_iter().flatten().filter_map(char::from_u32).map(|c| format!("办{c}办 {c}a{c}")).collect();
    probes.extend(
        ["4办", "办4", "第3条", "a4办", "4.5办", "12办", "４办", "办 4 办", "0差错", "ǚ4办", "2026年 5化"]
            .map(String::from),
    );
    probes
}

/// The expression that expands every probe in the page: each term's text, weight and group.
pub fn expand_expr(probes: &[String]) -> String {
    format!(
        "{}.map(q => window.HandbookSearch.expand(q).map(t => [t.text, t.weight, t.group]))",
        serde_json::to_string(probes).unwrap()
    )
}

/// What the CLI's expansion makes of each probe, in the same form, and where the page's differs.
pub fn expansions_differ(site: &Path, probes: &[String], page: Value) -> Vec<String> {
    let cfg: handbook::search::rank::RankConfig =
        serde_json::from_slice(&std::fs::read(site.join("search/config.json")).unwrap()).unwrap();
    let page: Vec<Vec<(String, u64, usize)>> = serde_json::from_value(page).unwrap();
    assert_eq!(page.len(), probes.len(), "every probe expanded");
    probes
        .iter()
        .zip(page)
        .filter_map(|(q, got)| {
            let cli: Vec<(String, u64, usize)> =
                handbook::search::rank::expand(q, &cfg).into_iter().map(|t| (t.text, t.weight, t.group)).collect();
            (got != cli).then(|| format!("{q:?}: page {got:?} ≠ CLI {cli:?}"))
        })
        .collect()
}

/// The query's normalization is the CLI's for every probe: the same terms
/// (accents dropped, ü as v, full-width made ASCII, lone digits beside Han
/// as numerals), weights and groups.
#[test]
fn every_character_a_search_box_gets_is_normalized_as_in_the_cli() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    open_search(&mut page, site);
    let probes = normalization_probes();
    let differ = expansions_differ(site, &probes, page.eval(&expand_expr(&probes)));
    println!("normalization: {} probes compared", probes.len());
    assert!(differ.is_empty(), "{} of {} differ:\n{}", differ.len(), probes.len(), differ.join("\n"));
}
