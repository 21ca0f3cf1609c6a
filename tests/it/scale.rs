//! A generated handbook 100× the shipped one: builds, checks, searches
//! correctly (each copy's planted phrase at rank 1), and the browser's
//! downloads per query stay bounded.

use crate::browser::run_query;
use crate::cdp::{Browser, chromium};
use crate::common::{repo, require, shipped};
use crate::queries::load_queries;
use handbook::pipeline;
use handbook::scale::planted_phrase;
use handbook::search::search_site;
use std::path::PathBuf;
use std::sync::OnceLock;

pub const FACTOR: usize = 100;

pub struct Scaled {
    pub root: PathBuf,
    pub out: PathBuf,
    /// The build's warnings, one line each.
    pub warnings: Vec<String>,
    _dir: tempfile::TempDir,
}

pub fn scaled() -> &'static Scaled {
    static S: OnceLock<Scaled> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("x100");
        handbook::scale::generate(&repo(), FACTOR, &root).unwrap();
        let out = root.join("book");
        // The 100× PDFs (thousands of pages) are not what these tests are about.
        let opts = handbook::pipeline::BuildOptions { out: out.clone(), no_pdf: true, ..Default::default() };
        let report = handbook::pipeline::build(&root, &opts);
        assert!(report.ok(), "the 100× handbook builds: {:?}", report.diagnostics.first());
        let warnings = report.diagnostics.iter().map(|d| d.short()).collect();
        Scaled { root, out, warnings, _dir: dir }
    })
}

#[test]
fn the_100x_handbook_checks_builds_and_finds_every_planted_phrase_first() {
    let s = scaled();
    let checked = pipeline::check(&s.root);
    assert!(checked.report.ok());
    assert_eq!(
        checked.report.value.as_ref().unwrap().pages.len(),
        6 * FACTOR + 3,
        "chapters, the practice, review and progress pages"
    );
    for k in 1..=FACTOR {
        let results = search_site(&s.out, &planted_phrase(k), 3).unwrap();
        assert_eq!(results[0].url, format!("overview-c{k}.html"), "planted phrase of copy {k}");
        assert!(results[0].snippet.marked("[", "]").contains(&format!("[{}]", planted_phrase(k))));
    }
    // mdBook renders the 601 pages in slices (src/site/batch.rs): every page is there, and
    // "previous"/"next" are right across the seams between slices.
    let ids: Vec<String> = checked.report.value.as_ref().unwrap().pages.iter().map(|p| p.id.clone()).collect();
    for (i, id) in ids.iter().enumerate() {
        let html = std::fs::read_to_string(s.out.join(format!("{id}.html"))).unwrap_or_else(|_| panic!("{id}.html"));
        let prev = i.checked_sub(1).map(|j| format!(r#"rel="prev" class="prev" href="{}.html""#, ids[j]));
        let next = ids.get(i + 1).map(|n| format!(r#"rel="next" class="next" href="{n}.html""#));
        assert_eq!(prev.is_some(), html.contains(r#"rel="prev""#), "{id}: has a previous link");
        assert_eq!(next.is_some(), html.contains(r#"rel="next""#), "{id}: has a next link");
        for link in prev.iter().chain(&next) {
            assert!(html.contains(link.as_str()), "{id}: {link}");
        }
    }
    let index = std::fs::read_to_string(s.out.join("index.html")).unwrap();
    assert!(index.contains(&planted_phrase(1)), "index.html is the first chapter");
    assert!(!s.out.join("print.html").exists(), "no print page for 603 pages");
    // …and the build says so, once.
    let w: Vec<&String> = s.warnings.iter().filter(|w| w.contains("print page (print.html) is left out")).collect();
    assert_eq!(w.len(), 1, "{:?}", s.warnings);
    assert!(w[0].starts_with("book.toml: ") && w[0].contains("603 pages"), "{}", w[0]);
    // The real queries still find their sections (in some copy).
    let top = search_site(&s.out, "挡小事", 1).unwrap();
    assert!(top[0].id.starts_with("da-shi-xiao-shi-c"), "{:?}", top[0].id);
}

#[test]
fn browser_downloads_per_query_stay_bounded_at_100x() {
    let bin = chromium();
    if !require(bin.is_some(), "Chromium (Debian package `chromium`)") {
        return;
    }
    let mut b = Browser::launch(&bin.unwrap());
    let mut page = b.page();
    let (small, big) = (&shipped().out, &scaled().out);
    let (mut worst_small, mut worst_big) = ((0, String::new()), (0, String::new()));
    let mut ms = Vec::new();
    for q in load_queries() {
        let a = run_query(&mut page, small, &q.q);
        let b = run_query(&mut page, big, &q.q);
        worst_small = worst_small.max((a.bytes, q.q.clone()));
        worst_big = worst_big.max((b.bytes, q.q.clone()));
        ms.push(b.ms);
    }
    for k in [1, 42, FACTOR] {
        let run = run_query(&mut page, big, &planted_phrase(k));
        assert_eq!(run.urls[0], format!("overview-c{k}.html"), "browser: planted phrase of copy {k}");
        ms.push(run.ms);
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "worst query bytes: shipped {} ({}), 100× {} ({}), ratio {:.2}; 100× query time p50 {:.1} ms, max {:.1} ms",
        worst_small.0,
        worst_small.1,
        worst_big.0,
        worst_big.1,
        worst_big.0 as f64 / worst_small.0 as f64,
        ms[ms.len() / 2],
        ms[ms.len() - 1]
    );
    assert!(worst_big.0 <= 2 * worst_small.0, "100× worst query {} bytes > 2 × {}", worst_big.0, worst_small.0);
}
