//! The scorer of the query sets: hit@1, hit@3 and MRR per set, for each
//! ranking the README's table lists. The CLI's ranking is measured here; the
//! browser's equals it query by query (`tests/it/browser.rs` checks every
//! set's top 3, and prints its own table with `--nocapture`).
//!
//! `cargo run --release --example score_sets [--misses]`
//!
//! Sets: `tests/search/sets/{dev,test,keywords,terms}.yaml` (written before
//! any tuning or asks), `test2.yaml` (a second held-out set, written later), the older 42 terms of `tests/search/queries.yaml`,
//! and the pinyin, initials and traditional forms of every title of the
//! shipped handbook and of `handbook init`'s, generated here.
//!
//! Rankings:
//! - bigram BM25 alone: titles and text, no asks, no pinyin, no near words,
//!   no `search:` block;
//! - + asks: the same with the asks, their characters and the pinyin;
//! - + semantic layer: the same with the near words ([`handbook::search::near`]);
//! - as shipped;
//! - as shipped without the settings' whole `search:` block.
//!
//! Only aggregates are printed for the held-out sets (`test`, `test2`), ever; `--misses`
//! lists the dev set's misses as shipped (the set tuning may look at).

#[path = "../tests/search/forms.rs"]
mod forms;

use handbook::pipeline::{BuildOptions, build, check};
use handbook::search::eval::{LOOK_AT, Summary};
use handbook::search::index::SearchIndex;
use handbook::search::rank::RankConfig;
use handbook::search::search_index;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Query {
    q: String,
    answers: Vec<String>,
    #[serde(default)]
    category: String,
}

/// `test` is the first held-out set, whose questions were once printed with
/// their first results; `test2` the second, unseen.
const SETS: [&str; 5] = ["dev", "test", "test2", "keywords", "terms"];

fn load(path: &Path) -> Vec<Query> {
    let text = std::fs::read_to_string(path).expect("the set exists");
    serde_saphyr::from_str(&text).expect("the set parses")
}

/// The handbook at `from` copied to `dir`, with the settings' top-level
/// `search:` block taken out when `plain`.
fn copy(from: &Path, dir: &Path, plain: bool) {
    for e in walkdir::WalkDir::new(from.join("content")).into_iter().chain(walkdir::WalkDir::new(from.join("theme"))) {
        let e = e.expect("readable");
        let to = dir.join(e.path().strip_prefix(from).expect("inside"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("writable");
        } else {
            std::fs::copy(e.path(), &to).expect("writable");
        }
    }
    std::fs::copy(from.join("book.toml"), dir.join("book.toml")).expect("writable");
    if plain {
        let settings = dir.join("content/handbook.yaml");
        let text = std::fs::read_to_string(&settings).expect("readable");
        let mut out = String::new();
        let mut skipping = false;
        for line in text.lines() {
            let top = line.chars().next().is_some_and(|c| !c.is_whitespace() && c != '#');
            if top {
                skipping = line.starts_with("search:");
            }
            if !skipping {
                out += line;
                out.push('\n');
            }
        }
        std::fs::write(&settings, out).expect("writable");
    }
}

/// A built site's index and its ranking configuration.
struct Site {
    idx: SearchIndex,
    cfg: RankConfig,
    titles: Vec<(String, String, Vec<String>)>,
}

fn site(root: &Path) -> Site {
    let out = root.join("book");
    let report = build(root, &BuildOptions { out: out.clone(), no_pdf: true, ..Default::default() });
    assert!(report.ok(), "the handbook builds: {:?}", report.diagnostics.first());
    let cfg = serde_json::from_slice(&std::fs::read(out.join("search/config.json")).expect("built")).expect("parses");
    let valid = check(root).valid.expect("valid");
    let titles = valid
        .sections
        .iter()
        .map(|s| (s.id.to_string(), s.title.clone(), s.refs.iter().map(|r| r.to_string()).collect()))
        .collect();
    Site { idx: SearchIndex::open(&out.join("search/tantivy")).expect("opens"), cfg, titles }
}

/// hit@1, hit@3, MRR (over the top 10), counted as `handbook search --eval` counts them.
fn score(site: &Site, cfg: &RankConfig, queries: &[Query], misses: Option<&str>) -> (f64, f64, f64) {
    let ranks = queries.iter().map(|q| {
        let ids: Vec<String> =
            search_index(&site.idx, cfg, &q.q, LOOK_AT).expect("search works").into_iter().map(|r| r.id).collect();
        let rank = ids.iter().position(|id| q.answers.contains(id)).map(|p| p + 1);
        if let Some(set) = misses
            && rank != Some(1)
        {
            eprintln!("{set} miss: {} → {rank:?} (first: {:?})", q.q, ids.first());
        }
        rank
    });
    let s = Summary::of(ranks);
    (s.hit1(), s.hit3(), s.mrr)
}

fn main() {
    let show_misses = std::env::args().any(|a| a == "--misses");
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("a temp folder");
    let (shipped_root, plain_root, init_root) =
        (tmp.path().join("shipped"), tmp.path().join("plain"), tmp.path().join("init"));
    copy(&repo, &shipped_root, false);
    copy(&repo, &plain_root, true);
    handbook::init::init(&init_root).expect("init writes its handbook");
    let (shipped, plain, init) = (site(&shipped_root), site(&plain_root), site(&init_root));

    let mut sets: Vec<(String, Vec<Query>)> =
        SETS.iter().map(|s| (s.to_string(), load(&repo.join(format!("tests/search/sets/{s}.yaml"))))).collect();
    let old: Vec<Query> =
        load(&repo.join("tests/search/queries.yaml")).into_iter().filter(|q| q.category == "term").collect();
    sets.push(("terms (older 42)".into(), old));
    for (kind, forms) in forms::forms(&shipped.titles) {
        let queries = forms.into_iter().map(|f| Query { q: f.q, answers: f.answers, category: String::new() });
        sets.push((kind.to_string(), queries.collect()));
    }

    let bm25 = RankConfig {
        asks_weight: 0,
        pinyin_weight: 0,
        ask_chars_weight: 0,
        near_weight: 0,
        fold: String::new(),
        ..plain.cfg.clone()
    };
    let asks = RankConfig { near_weight: 0, ..plain.cfg.clone() };
    let rankings: [(&str, &Site, &RankConfig); 5] = [
        ("bigram BM25 alone", &plain, &bm25),
        ("+ asks", &plain, &asks),
        ("+ semantic layer", &plain, &plain.cfg),
        ("as shipped", &shipped, &shipped.cfg),
        ("as shipped without the `search:` block", &plain, &plain.cfg),
    ];
    println!("| ranking | set | queries | hit@1 | hit@3 | MRR |\n|---|---|---|---|---|---|");
    for (name, site, cfg) in rankings {
        for (set, queries) in &sets {
            let misses = (show_misses && name == "as shipped" && !set.starts_with("test")).then_some(set.as_str());
            let (h1, h3, mrr) = score(site, cfg, queries, misses);
            println!("| {name} | {set} | {} | {h1:.2} | {h3:.2} | {mrr:.3} |", queries.len());
        }
    }
    // The `init` handbook's titles, on its own site as `init` builds it.
    for (kind, forms) in forms::forms(&init.titles) {
        let queries: Vec<Query> =
            forms.into_iter().map(|f| Query { q: f.q, answers: f.answers, category: String::new() }).collect();
        let (h1, h3, mrr) = score(&init, &init.cfg, &queries, show_misses.then_some("init"));
        println!("| as shipped (`init` handbook) | {kind} | {} | {h1:.2} | {h3:.2} | {mrr:.3} |", queries.len());
    }
}
