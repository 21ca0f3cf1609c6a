//! The question bank: counts, drills (deterministic, unambiguous) and the LMS
//! exports checked by independent parsers.

use crate::common::{repo, require};
use handbook::pipeline::{self, QuizFormat};
use handbook::quiz::{Item, Kind};

fn bank() -> (Vec<Item>, Vec<Item>) {
    let b = pipeline::check(&repo()).valid.expect("the shipped handbook is valid").bank;
    (b.authored, b.drills)
}

#[test]
fn every_chapter_has_at_least_eight_authored_questions() {
    let (authored, drills) = bank();
    let chapters = ["overview", "qualities", "images", "relationships", "transformations", "maxims"];
    let mut table = String::from(
        "| chapter | authored | single | multiple | truefalse | fill | matching | drills |\n|---|---|---|---|---|---|---|---|\n",
    );
    for c in chapters {
        let mine: Vec<&Item> = authored.iter().filter(|q| q.chapter == c).collect();
        let n = |k: Kind| mine.iter().filter(|q| q.kind == k).count();
        table.push_str(&format!(
            "| {c} | {} | {} | {} | {} | {} | {} | {} |\n",
            mine.len(),
            n(Kind::Single),
            n(Kind::Multiple),
            n(Kind::Truefalse),
            n(Kind::Fill),
            n(Kind::Matching),
            drills.iter().filter(|q| q.chapter == c).count()
        ));
        assert!(mine.len() >= 8, "{c} has {} questions", mine.len());
        assert!(mine.iter().all(|q| !q.refs.is_empty()), "{c}: every question links to its section");
    }
    println!("{table}");
    assert!(authored.len() >= 48);
    for k in [Kind::Single, Kind::Multiple, Kind::Truefalse, Kind::Fill, Kind::Matching] {
        assert!(authored.iter().any(|q| q.kind == k), "no {k:?} question");
    }
}

#[test]
fn drills_are_deterministic_and_have_one_right_answer() {
    let (_, a) = bank();
    let (_, b) = bank();
    assert_eq!(a, b, "the same seed gives the same drills");
    assert!(a.len() >= 20, "{} drills", a.len());
    for d in &a {
        match d.kind {
            Kind::Single => {
                assert_eq!(d.right.len(), 1, "{}", d.id);
                let mut o = d.options.clone();
                o.sort();
                o.dedup();
                assert_eq!(o.len(), d.options.len(), "{}: distinct options", d.id);
            }
            Kind::Fill => {
                assert!(d.prompt.matches(handbook::model::BLANK).count() == 1, "{}: one blank", d.id);
                assert!(!d.accept.is_empty());
            }
            _ => panic!("{}: drills are single choice or fill-in", d.id),
        }
        assert!(!d.refs.is_empty(), "{}: a drill links to its section", d.id);
    }
    // Both readings of a repeated list item are accepted: 督查督办 / 督查落实.
    if let Some(d) = a.iter().find(|d| d.accept.contains(&"督查督办".to_string())) {
        assert!(d.accept.contains(&"督查落实".to_string()), "{d:?}");
    }
}

#[test]
fn drills_follow_the_settings() {
    let dir = crate::common::fixture(None);
    crate::common::copy_dir(&repo().join("content"), &dir.path().join("content"));
    for f in ["basics.yaml", "sayings.yaml"] {
        std::fs::remove_file(dir.path().join("content").join(f)).unwrap();
    }
    let settings = dir.path().join("content/handbook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}\nquiz:\n  drills_per_chapter: 2\n  seed: 7\n")).unwrap();
    let b = pipeline::check(dir.path()).valid.unwrap().bank;
    assert!(b.drills.len() <= 12 && !b.drills.is_empty(), "{}", b.drills.len());
    std::fs::write(&settings, format!("{text}\nquiz:\n  drills: false\n")).unwrap();
    let checked = pipeline::check(dir.path());
    assert!(checked.valid.unwrap().bank.drills.is_empty());
    assert!(!checked.report.value.unwrap().pages.iter().any(|p| p.id == "practice"), "no practice page without drills");
}

#[test]
fn lms_exports_parse_with_independent_parsers() {
    let has = std::process::Command::new("python3")
        .args(["-c", "import pygiftparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !require(has, "python3 with pygiftparser (pip install pygiftparser)") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (authored, drills) = bank();
    let all: Vec<Item> = authored.into_iter().chain(drills).collect();
    std::fs::write(tmp.path().join("bank.json"), serde_json::to_string(&all).unwrap()).unwrap();
    for (f, name) in [(QuizFormat::Gift, "bank.gift"), (QuizFormat::MoodleXml, "bank.xml")] {
        let report = pipeline::export_quiz(&repo(), f);
        assert!(report.ok());
        std::fs::write(tmp.path().join(name), report.value.unwrap()).unwrap();
    }
    let out = std::process::Command::new("python3")
        .arg(repo().join("tests/tools/check_quiz_export.py"))
        .args(["bank.json", "bank.gift", "bank.xml"].map(|f| tmp.path().join(f)))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}");
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn gift_escapes_special_characters_and_still_parses() {
    let item = Item {
        id: "q-special".into(),
        chapter: "x".into(),
        kind: Kind::Single,
        prompt: "1+1=2? {a:b} ~x #y \\z".into(),
        options: vec!["=对".into(), "~错{}".into()],
        right: vec![0],
        correct: None,
        accept: vec![],
        pairs: vec![],
        explanation: Some("说明：#1".into()),
        refs: vec![],
        drill: false,
    };
    let g = handbook::quiz::export::gift(std::slice::from_ref(&item));
    assert!(g.contains("1+1\\=2? \\{a\\:b\\} \\~x \\#y \\\\z"), "{g}");
    assert!(g.contains("{=\\=对 ~\\~错\\{\\}"), "{g}");
}
