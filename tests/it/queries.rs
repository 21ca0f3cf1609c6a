//! The committed search query set (`tests/search/queries.yaml`) and its rules.

use crate::common::repo;
use handbook::model::sections;
use handbook::pipeline;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Query {
    pub q: String,
    pub category: String,
    pub answers: Vec<String>,
}

pub fn load_queries() -> Vec<Query> {
    let text = std::fs::read_to_string(repo().join("tests/search/queries.yaml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn trigrams(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    c.windows(3).map(|w| w.iter().collect()).collect()
}

#[test]
fn the_query_set_is_well_formed() {
    let queries = load_queries();
    let hb = pipeline::check(&repo()).valid.unwrap().handbook;
    let secs = sections(&hb);
    let count = |c: &str| queries.iter().filter(|q| q.category == c).count();
    let (terms, paraphrases, heldout) = (count("term"), count("paraphrase"), count("heldout"));
    assert!(terms + paraphrases >= 40 && paraphrases >= 15, "{terms} terms, {paraphrases} paraphrases");
    assert_eq!(terms + paraphrases + heldout, queries.len(), "categories are term, paraphrase or heldout");
    let mut problems = Vec::new();
    for q in &queries {
        for a in &q.answers {
            let Some(s) = secs.iter().find(|s| s.id.as_str() == a) else {
                problems.push(format!("{}: unknown answer `{a}`", q.q));
                continue;
            };
            if q.category != "term" {
                let answer = format!("{}\n{}", s.title, s.text);
                for t in trigrams(&q.q) {
                    if answer.contains(&t) {
                        problems.push(format!("{}: shares `{t}` with `{a}`", q.q));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// One query of the sets under `tests/search/sets/`.
#[derive(Debug, Deserialize)]
pub struct SetQuery {
    pub q: String,
    pub answers: Vec<String>,
}

/// A query set by name: `dev`, `test`, `test2`, `keywords` or `terms`.
pub fn load_set(name: &str) -> Vec<SetQuery> {
    let text = std::fs::read_to_string(repo().join(format!("tests/search/sets/{name}.yaml"))).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn grams(s: &str, n: usize) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    c.windows(n).map(|w| w.iter().collect()).collect()
}

/// The rules of the question sets (the set files' headers say them): checked
/// on the sets' text against the content, never on a ranking.
#[test]
fn the_question_sets_keep_their_rules() {
    let hb = pipeline::check(&repo()).valid.unwrap().handbook;
    let secs = sections(&hb);
    let chapters: std::collections::BTreeSet<&str> = hb.settings.chapters.iter().map(|c| c.as_str()).collect();
    let all_text: String = secs.iter().map(|s| format!("{}\n{}\n", s.title, s.text)).collect();
    let earlier: Vec<String> = load_queries().into_iter().map(|q| q.q).collect();
    let mut problems = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (name, min) in [("dev", 60), ("test", 40), ("test2", 40), ("keywords", 20), ("terms", 30)] {
        let set = load_set(name);
        if set.len() < min {
            problems.push(format!("{name}: {} queries, at least {min}", set.len()));
        }
        let (mut no_pair, mut covered) = (0, std::collections::BTreeSet::new());
        for q in &set {
            if !seen.insert(q.q.clone()) || earlier.contains(&q.q) {
                problems.push(format!("{name}: `{}` is not fresh", q.q));
            }
            let mut texts = Vec::new();
            for a in &q.answers {
                match secs.iter().find(|s| s.id.as_str() == a) {
                    Some(s) => {
                        covered.insert(s.chapter.clone());
                        texts.push(format!("{}\n{}", s.title, s.text));
                    }
                    None => problems.push(format!("{name}: `{}`: unknown answer `{a}`", q.q)),
                }
            }
            match name {
                "dev" | "test" | "test2" => {
                    for t in grams(&q.q, 3) {
                        if texts.iter().any(|x| x.contains(&t)) {
                            problems.push(format!("{name}: `{}` shares `{t}` with an answer", q.q));
                        }
                    }
                    if !grams(&q.q, 2).iter().any(|t| texts.iter().any(|x| x.contains(t.as_str()))) {
                        no_pair += 1;
                    }
                }
                "keywords" => {
                    let n = q.q.chars().count();
                    if !(2..=6).contains(&n) || all_text.contains(&q.q) {
                        problems
                            .push(format!("keywords: `{}` is not a 2-6 character phrasing absent from the text", q.q));
                    }
                }
                _ => {
                    if !texts.iter().any(|x| x.contains(&q.q)) {
                        problems.push(format!("terms: `{}` stands in none of its answers", q.q));
                    }
                }
            }
        }
        if matches!(name, "dev" | "test" | "test2") {
            if no_pair * 2 < set.len() {
                problems
                    .push(format!("{name}: {no_pair} of {} share no 2-character string (at least half)", set.len()));
            }
            let missing: Vec<&&str> = chapters.iter().filter(|c| !covered.contains(**c)).collect();
            if !missing.is_empty() {
                problems.push(format!("{name}: no question on {missing:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
