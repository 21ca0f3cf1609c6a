//! The scorer of the query sets under `tests/search/sets/`: hit@1, hit@3 and
//! MRR per set, for the CLI's ranking as shipped and as shipped without the
//! settings' whole `search:` block (synonyms, ignored words, weights).
//!
//! `cargo run --release --example score_sets [--misses]`
//!
//! Only aggregates are printed for the held-out `test` set, ever; `--misses`
//! lists the dev set's misses (the set tuning may look at).

use handbook::pipeline::{BuildOptions, build};
use handbook::search::search_site;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Query {
    q: String,
    answers: Vec<String>,
}

const SETS: [&str; 4] = ["dev", "test", "keywords", "terms"];

fn load(repo: &Path, name: &str) -> Vec<Query> {
    let text = std::fs::read_to_string(repo.join(format!("tests/search/sets/{name}.yaml"))).expect("the set exists");
    serde_saphyr::from_str(&text).expect("the set parses")
}

/// The handbook at `repo` copied to `dir`, with the settings' top-level
/// `search:` block taken out when `plain`.
fn copy(repo: &Path, dir: &Path, plain: bool) {
    for e in walkdir::WalkDir::new(repo.join("content")).into_iter().chain(walkdir::WalkDir::new(repo.join("theme"))) {
        let e = e.expect("readable");
        let to = dir.join(e.path().strip_prefix(repo).expect("inside"));
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).expect("writable");
        } else {
            std::fs::copy(e.path(), &to).expect("writable");
        }
    }
    std::fs::copy(repo.join("book.toml"), dir.join("book.toml")).expect("writable");
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

fn main() {
    let misses = std::env::args().any(|a| a == "--misses");
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("a temp folder");
    println!("| ranking | set | queries | hit@1 | hit@3 | MRR |\n|---|---|---|---|---|---|");
    for (ranking, plain) in [("as shipped", false), ("without the `search:` block", true)] {
        let root = tmp.path().join(if plain { "plain" } else { "shipped" });
        copy(&repo, &root, plain);
        let site = root.join("book");
        let report = build(&root, &BuildOptions { out: site.clone(), no_pdf: true, ..Default::default() });
        assert!(report.ok(), "the handbook builds: {:?}", report.diagnostics.first());
        for set in SETS {
            let queries = load(&repo, set);
            let (mut h1, mut h3, mut mrr) = (0.0, 0.0, 0.0);
            for q in &queries {
                let ids: Vec<String> =
                    search_site(&site, &q.q, 10).expect("search works").into_iter().map(|r| r.id).collect();
                let rank = ids.iter().position(|id| q.answers.contains(id)).map(|p| p + 1);
                if let Some(r) = rank {
                    h1 += f64::from(u8::from(r == 1));
                    h3 += f64::from(u8::from(r <= 3));
                    mrr += 1.0 / r as f64;
                }
                if misses && set == "dev" && !plain && rank != Some(1) {
                    eprintln!("dev miss: {} → {rank:?} (first: {:?})", q.q, ids.first());
                }
            }
            let n = queries.len() as f64;
            println!("| {ranking} | {set} | {} | {:.2} | {:.2} | {:.3} |", queries.len(), h1 / n, h3 / n, mrr / n);
        }
    }
}
