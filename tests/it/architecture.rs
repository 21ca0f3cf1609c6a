//! The pipeline's direction: every module sits in one layer of
//! `handbook::LAYERS` and uses only modules of its own layer or below; no two
//! modules use each other; the README's diagram is the same table.

use crate::common::repo;
use handbook::LAYERS;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The top-level module a source file belongs to (`src/search/rank.rs` → `search`).
fn module_of(rel: &Path) -> String {
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// The top-level modules a file's code names through `crate::…` (in `use`
/// trees with braces too), comments left out.
fn uses(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let line = line.split("//").next().unwrap_or("");
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                // `use crate::{a, b::c, d}`: every first name in the group.
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if !name.is_empty() {
                        out.insert(name);
                    }
                }
            } else {
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
            rest = after;
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo().join("src");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in walkdir::WalkDir::new(&src).into_iter().map(Result::unwrap) {
        if e.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let from = module_of(e.path().strip_prefix(&src).unwrap());
        if from == "lib" {
            continue;
        }
        let code = std::fs::read_to_string(e.path()).unwrap();
        let to = edges.entry(from.clone()).or_default();
        to.extend(uses(&code).into_iter().filter(|m| *m != from));
    }
    // The binary names the library as `handbook::…`.
    let main = std::fs::read_to_string(src.join("main.rs")).unwrap();
    let names: BTreeSet<String> = main
        .split("handbook::")
        .skip(1)
        .map(|s| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect())
        .filter(|s: &String| !s.is_empty())
        .collect();
    edges.entry("main".into()).or_default().extend(names);
    edges
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

#[test]
fn every_module_uses_only_its_own_layer_or_below_and_no_two_use_each_other() {
    let edges = graph();
    let mut problems = Vec::new();
    for (from, tos) in &edges {
        let Some(lf) = layer_of(from) else {
            problems.push(format!("`{from}` is in no layer of handbook::LAYERS"));
            continue;
        };
        for to in tos {
            match layer_of(to) {
                None => problems.push(format!("`{from}` uses `{to}`, which is in no layer")),
                Some(lt) if lt > lf => problems
                    .push(format!("`{from}` ({}) uses `{to}` of a higher layer ({})", LAYERS[lf].0, LAYERS[lt].0)),
                _ => {}
            }
            if edges.get(to).is_some_and(|back| back.contains(from)) && from < to {
                problems.push(format!("`{from}` and `{to}` use each other"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The test sees the real graph: the pipeline uses every stage.
    for stage in ["load", "validate", "render", "site", "search", "print"] {
        assert!(edges["pipeline"].contains(stage), "pipeline uses {stage}: {:?}", edges["pipeline"]);
    }
}

#[test]
fn the_checker_finds_upward_and_mutual_uses() {
    assert_eq!(
        uses("use crate::{load, render::view::X};\nlet x = crate::site::y(); // crate::serve\n"),
        ["load", "render", "site"].map(String::from).into()
    );
    assert!(layer_of("validate") > layer_of("load"));
}

#[test]
fn every_top_level_module_is_in_a_layer_and_the_readme_shows_the_table() {
    let src = repo().join("src");
    for e in std::fs::read_dir(&src).unwrap() {
        let name = module_of(Path::new(&e.unwrap().file_name()));
        if name != "lib" {
            assert!(layer_of(&name).is_some(), "src/{name} is in no layer of handbook::LAYERS");
        }
    }
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let diagram: Vec<String> = readme
        .lines()
        .skip_while(|l| !l.starts_with("<!-- layers -->"))
        .skip(1)
        .take_while(|l| !l.starts_with("<!-- /layers -->"))
        .filter(|l| l.contains('│'))
        .map(str::to_string)
        .collect();
    let want: Vec<String> =
        LAYERS.iter().rev().map(|(name, mods)| format!("{name:<14}│ {}", mods.join(", "))).collect();
    assert_eq!(
        diagram, want,
        "the README's layer diagram (between <!-- layers --> markers) is handbook::LAYERS, top layer first"
    );
}
