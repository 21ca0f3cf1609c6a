//! The evidence behind the tokenizer choice: the committed query set ranked by
//! plain tantivy queries over CJK bigrams, jieba (search mode), jieba with a
//! user dictionary of the handbook's own titles, and bigrams + jieba — then
//! by the shipped ranking (bigrams + coverage + the handbook's synonyms).
//!
//! `cargo run --release --example tokenizer_eval --features jieba-eval`

use handbook::model::{Section, sections};
use handbook::pipeline;
use handbook::search::index::{BigramTokenizer, SearchIndex};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Instant;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{Index, TantivyDocument};
use tantivy_jieba::JiebaTokenizer;

#[derive(Deserialize)]
struct Q {
    q: String,
    category: String,
    answers: Vec<String>,
}

struct Variant {
    name: &'static str,
    /// Tokenizer names of the (title, body) field pairs queried.
    fields: Vec<(&'static str, &'static str)>,
}

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let queries: Vec<Q> =
        serde_saphyr::from_str(&std::fs::read_to_string(repo.join("tests/search/queries.yaml")).unwrap()).unwrap();
    let hb = pipeline::check(&repo).valid.expect("the shipped handbook is valid").handbook;
    let secs = sections(&hb);

    let t = Instant::now();
    let plain = jieba_rs::Jieba::new();
    let dict_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut user = jieba_rs::Jieba::new();
    for s in secs.iter() {
        user.add_word(&s.title, None, None);
    }

    let (index, schema) = build(&secs, plain, user);
    let searcher = index.reader().unwrap().searcher();
    let id = schema.get_field("id").unwrap();
    let variants = [
        Variant { name: "CJK bigrams", fields: vec![("bi", "bi")] },
        Variant { name: "jieba (search mode)", fields: vec![("jb", "jb")] },
        Variant { name: "jieba + title dictionary", fields: vec![("ju", "ju")] },
        Variant { name: "bigrams + jieba", fields: vec![("bi", "bi"), ("jb", "jb")] },
    ];
    println!("jieba default dictionary load: {dict_ms:.0} ms\n");
    println!("| ranking | category | queries | hit@1 | hit@3 | MRR |\n|---|---|---|---|---|---|");
    for v in &variants {
        let rank = |q: &str| -> Vec<String> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (t, b) in &v.fields {
                for (field, boost) in [(format!("title_{t}"), 3.0), (format!("body_{b}"), 1.0)] {
                    let f = schema.get_field(&field).unwrap();
                    let mut analyzer = index.tokenizer_for_field(f).unwrap();
                    let mut stream = analyzer.token_stream(q);
                    while stream.advance() {
                        let term = tantivy::Term::from_field_text(f, &stream.token().text);
                        let tq = TermQuery::new(term, IndexRecordOption::WithFreqs);
                        clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(tq), boost))));
                    }
                }
            }
            let top = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(10).order_by_score()).unwrap();
            top.into_iter()
                .map(|(_, a)| {
                    let d: TantivyDocument = searcher.doc(a).unwrap();
                    d.get_first(id).and_then(|v| v.as_str()).unwrap_or_default().to_string()
                })
                .collect()
        };
        table(v.name, &queries, rank);
    }
    let cfg = handbook::search::config(&hb.settings.search, &secs);
    let weights = hb.settings.search.weights.clone();
    let shipped = SearchIndex::build(
        &secs,
        |s| weights.of(s.kind),
        handbook::search::rank::RankConfig::new(vec![], vec![]).near_words,
    )
    .unwrap();
    table("shipped ranking (bigrams + coverage + synonyms)", &queries, |q| {
        handbook::search::search_index(&shipped, &cfg, q, 10).unwrap().into_iter().map(|r| r.id).collect()
    });
}

fn table(name: &str, queries: &[Q], rank: impl Fn(&str) -> Vec<String>) {
    for cat in ["term", "paraphrase", "heldout"] {
        let qs: Vec<&Q> = queries.iter().filter(|q| q.category == cat).collect();
        let (mut h1, mut h3, mut mrr) = (0.0, 0.0, 0.0);
        for q in &qs {
            if let Some(p) = rank(&q.q).iter().position(|id| q.answers.contains(id)) {
                h1 += f64::from(u8::from(p == 0));
                h3 += f64::from(u8::from(p < 3));
                mrr += 1.0 / (p + 1) as f64;
            }
        }
        let n = qs.len() as f64;
        println!("| {name} | {cat} | {} | {:.2} | {:.2} | {:.3} |", qs.len(), h1 / n, h3 / n, mrr / n);
    }
}

fn build(secs: &[Section], plain: jieba_rs::Jieba, user: jieba_rs::Jieba) -> (Index, Schema) {
    let mut b = Schema::builder();
    let opts = |tok: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(tok).set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    b.add_text_field("id", STRING | STORED);
    for t in ["bi", "jb", "ju"] {
        b.add_text_field(&format!("title_{t}"), opts(t));
        b.add_text_field(&format!("body_{t}"), opts(t));
    }
    let schema = b.build();
    let index = Index::create_in_ram(schema.clone());
    index.tokenizers().register("bi", TextAnalyzer::from(BigramTokenizer::default()));
    let mut jb = JiebaTokenizer::with_jieba(plain);
    jb.set_search_mode(true);
    index.tokenizers().register("jb", TextAnalyzer::from(jb));
    let mut ju = JiebaTokenizer::with_jieba(user);
    ju.set_search_mode(true);
    index.tokenizers().register("ju", TextAnalyzer::from(ju));
    let mut w = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000).unwrap();
    for s in secs {
        let mut d = TantivyDocument::default();
        d.add_text(schema.get_field("id").unwrap(), s.id.as_str());
        for t in ["bi", "jb", "ju"] {
            d.add_text(schema.get_field(&format!("title_{t}")).unwrap(), &s.title);
            d.add_text(schema.get_field(&format!("body_{t}")).unwrap(), &s.text);
        }
        w.add_document(d).unwrap();
    }
    w.commit().unwrap();
    (index, schema)
}
