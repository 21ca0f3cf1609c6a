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
