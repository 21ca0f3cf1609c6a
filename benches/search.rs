//! Search benchmarks (`cargo bench --bench search`): index build time and
//! in-process query latency on the shipped handbook and a 100× one, against a
//! plain tantivy query over the same index as the peer run in the same
//! process; and, when Chromium is installed, in-browser query time.
//!
//! A plain harness (no criterion): medians and percentiles of wall time.

#[path = "../tests/it/cdp.rs"]
#[allow(dead_code)]
mod cdp;

use handbook::model::sections;
use handbook::pipeline::{self, BuildOptions};
use handbook::search::index::SearchIndex;
use handbook::search::rank;
use handbook::search::tokenize::tokenize;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

#[derive(Deserialize)]
struct Q {
    q: String,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    percentile(&v, 0.5)
}

/// The peer: one tantivy BooleanQuery of every bigram in both fields (title boosted), top 10.
fn plain_tantivy(idx: &SearchIndex, q: &str) -> usize {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for t in tokenize(q) {
        for (f, boost) in [(idx.fields.title, 3.0), (idx.fields.body, 1.0)] {
            let tq = TermQuery::new(tantivy::Term::from_field_text(f, &t.text), IndexRecordOption::WithFreqs);
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(tq), boost))));
        }
    }
    let query = BooleanQuery::new(clauses);
    idx.searcher.search(&query, &TopDocs::with_limit(10).order_by_score()).map(|v| v.len()).unwrap_or(0)
}

fn bench_size(name: &str, root: &Path, queries: &[Q]) {
    let checked = pipeline::check(root);
    let hb = checked.valid.expect("handbook is valid").handbook;
    let secs = sections(&hb);
    let cfg = handbook::search::config(&hb.settings.search, &secs);
    let weights = hb.settings.search.weights.clone();
    let builds: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let idx = SearchIndex::build(
                &secs,
                |s| weights.of(s.kind),
                handbook::search::rank::RankConfig::new(vec![], vec![]).near_words,
            )
            .unwrap();
            std::hint::black_box(idx.num_docs());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    let idx = SearchIndex::build(
        &secs,
        |s| weights.of(s.kind),
        handbook::search::rank::RankConfig::new(vec![], vec![]).near_words,
    )
    .unwrap();
    let rounds = if secs.len() > 5000 { 3 } else { 20 };
    let mut ours = Vec::new();
    let mut peer = Vec::new();
    for _ in 0..rounds {
        for q in queries {
            let t = Instant::now();
            std::hint::black_box(handbook::search::search_index(&idx, &cfg, &q.q, 10).unwrap());
            ours.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            std::hint::black_box(plain_tantivy(&idx, &q.q));
            peer.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    ours.sort_by(f64::total_cmp);
    peer.sort_by(f64::total_cmp);
    let (o50, o99, p50, p99) =
        (percentile(&ours, 0.5), percentile(&ours, 0.99), percentile(&peer, 0.5), percentile(&peer, 0.99));
    println!(
        "| {name} | {} | {:.1} | {o50:.3} | {o99:.3} | {p50:.3} | {p99:.3} | {:.2} |",
        secs.len(),
        median(builds),
        o50 / p50
    );
    let _ = rank::TOP_K;
}

fn browser_times(name: &str, site: &Path, queries: &[Q]) {
    let Some(bin) = cdp::chromium() else {
        println!("(in-browser timing skipped: no Chromium)");
        return;
    };
    let mut b = cdp::Browser::launch(&bin);
    let mut page = b.page();
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for q in queries {
        page.goto(&format!("file://{}", site.join("index.html").display()));
        page.press("s");
        page.wait_for(
            "window.HandbookSearch && window.HandbookSearch.search && document.activeElement.id === 'search-input'",
        );
        let lit = serde_json::to_string(&q.q).unwrap();
        let t = page.eval(&format!(
            "(async () => {{ const t0 = performance.now(); await HandbookSearch.search({lit}, 10); const t1 = performance.now();
               await HandbookSearch.search({lit}, 10); return [t1 - t0, performance.now() - t1]; }})()"
        ));
        cold.push(t[0].as_f64().unwrap());
        warm.push(t[1].as_f64().unwrap());
    }
    cold.sort_by(f64::total_cmp);
    warm.sort_by(f64::total_cmp);
    println!(
        "| {name} | {:.1} | {:.1} | {:.2} | {:.2} |",
        percentile(&cold, 0.5),
        percentile(&cold, 1.0),
        percentile(&warm, 0.5),
        percentile(&warm, 1.0)
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let queries: Vec<Q> =
        serde_saphyr::from_str(&std::fs::read_to_string(repo.join("tests/search/queries.yaml")).unwrap()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("x100");
    handbook::scale::generate(&repo, 100, &big).unwrap();

    println!(
        "In-process search ({} queries; peer: one plain tantivy BooleanQuery of the same bigrams, top 10)\n",
        queries.len()
    );
    println!(
        "| handbook | sections | index build ms (median of 5) | query p50 ms | query p99 ms | peer p50 ms | peer p99 ms | p50 ratio |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    bench_size("shipped", &repo, &queries);
    bench_size("100×", &big, &queries);

    println!(
        "\nIn-browser query (headless Chromium, file://; cold = first query of a fresh page, data loading included)\n"
    );
    println!("| handbook | cold p50 ms | cold max ms | warm p50 ms | warm max ms |");
    println!("|---|---|---|---|---|");
    for (name, root) in [("shipped", repo.clone()), ("100×", big.clone())] {
        let out = tmp.path().join(format!("site-{}", name.len()));
        let r = pipeline::build(&root, &BuildOptions { out: out.clone(), no_pdf: true, ..Default::default() });
        assert!(r.ok());
        browser_times(name, &out, &queries);
    }
}
