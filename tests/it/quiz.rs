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
    // The shipped settings make that drill; without it this proves nothing.
    let d = a
        .iter()
        .find(|d| d.accept.first().is_some_and(|x| x == "督查督办"))
        .expect("the shipped settings make the drill on 四个作用 that blanks 督查督办");
    assert!(d.accept.contains(&"督查落实".to_string()), "{d:?}");
}

/// A copy of the shipped content whose settings end with `quiz` (YAML);
/// returns the folder and the settings file with the text it had before.
fn shipped_with_quiz(quiz: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = crate::common::fixture(None);
    crate::common::copy_dir(&repo().join("content"), &dir.path().join("content"));
    for f in ["basics.yaml", "sayings.yaml"] {
        std::fs::remove_file(dir.path().join("content").join(f)).unwrap();
    }
    let settings = dir.path().join("content/handbook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}\nquiz:\n{quiz}")).unwrap();
    (dir, settings, text)
}

/// Every drill the shipped content can make (a limit above any chapter's
/// count), with the handbook's sections.
fn all_drills() -> (Vec<Item>, std::sync::Arc<handbook::model::Sections>) {
    let (dir, ..) = shipped_with_quiz("  drills_per_chapter: 1000\n");
    let v = pipeline::check(dir.path()).valid.expect("valid");
    (v.bank.drills, v.sections)
}

/// The README's ambiguity rules, checked on every drill the content yields.
#[test]
fn no_drill_is_ambiguous_by_the_readme_rules() {
    let (drills, secs) = all_drills();
    // Everything a list (a section and its children) says.
    let said = |title: &str, chapter: &str| -> String {
        secs.iter()
            .filter(|s| s.chapter == chapter && s.breadcrumb.iter().any(|b| b == title))
            .map(|s| format!("{}\n{}", s.title, s.text))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let chapter_text = |chapter: &str| -> String {
        secs.iter().filter(|s| s.chapter == chapter).map(|s| s.text.as_str()).collect::<Vec<_>>().join("\n")
    };
    let (mut members, mut fills) = (0, 0);
    for d in &drills {
        match d.kind {
            Kind::Single => {
                members += 1;
                // The shipped wording quotes the item: “腿勤”属于…
                let item = d.prompt.split('“').nth(1).and_then(|r| r.split('”').next()).expect("a quoted item");
                let answer = &d.options[d.right[0]];
                // The source's own words: the item stands verbatim in its chapter.
                assert!(
                    said("", &d.chapter).contains(item) || chapter_text(&d.chapter).contains(item),
                    "{}: `{item}` ({answer}) is not the source's",
                    d.id
                );
                for (i, o) in d.options.iter().enumerate().filter(|(i, _)| *i != d.right[0]) {
                    // No distractor says the item too (it would be a second right answer).
                    assert!(!said(o, &d.chapter).contains(item), "{}: option {i} `{o}` also says `{item}`", d.id);
                }
                // The item is an item of one list only.
                let lists_with: Vec<&str> = secs
                    .iter()
                    .filter(|s| s.title == item)
                    .filter_map(|s| s.breadcrumb.iter().rev().nth(1).map(String::as_str))
                    .collect();
                assert!(lists_with.len() <= 1, "{}: `{item}` is an item of {lists_with:?}", d.id);
            }
            Kind::Fill => {
                fills += 1;
                // The blank is not also shown, and the answer stands in the source.
                let answer = &d.accept[0];
                assert!(!d.prompt.contains(answer.as_str()), "{}: the answer is shown: {}", d.id, d.prompt);
                let url = &d.refs[0].url;
                let sec = secs.iter().find(|s| &s.url == url).expect("the drill links a section");
                let text = format!("{}\n{}", said(&sec.title, &sec.chapter), chapter_text(&sec.chapter));
                assert!(
                    d.accept.iter().any(|a| text.contains(a.as_str())),
                    "{}: `{answer}` is not in {}",
                    d.id,
                    sec.title
                );
            }
            _ => panic!("{}: drills are single choice or fill-in", d.id),
        }
    }
    assert!(members >= 20 && fills >= 20, "{members} member and {fills} fill drills checked");
}

#[test]
fn drills_follow_the_settings() {
    let (dir, settings, text) = shipped_with_quiz("  drills_per_chapter: 2\n  seed: 7\n");
    let b = pipeline::check(dir.path()).valid.unwrap().bank;
    // Per chapter, not in all: every chapter with drills has at most two, and
    // chapters with more candidates reach two.
    let mut per: std::collections::BTreeMap<&str, usize> = Default::default();
    for d in &b.drills {
        *per.entry(d.chapter.as_str()).or_default() += 1;
    }
    assert!(per.values().all(|&n| n <= 2), "{per:?}");
    assert!(per.values().filter(|&&n| n == 2).count() >= 4, "{per:?}");
    std::fs::write(&settings, format!("{text}\nquiz:\n  drills: false\n")).unwrap();
    let checked = pipeline::check(dir.path());
    assert!(checked.valid.unwrap().bank.drills.is_empty());
    assert!(!checked.report.value.unwrap().pages.iter().any(|p| p.id == "practice"), "no practice page without drills");
}

#[test]
fn lms_exports_parse_with_independent_parsers() {
    let (authored, drills) = bank();
    let all: Vec<Item> = authored.into_iter().chain(drills).collect();
    // The CLI's export is the library's.
    for (f, export) in [
        (QuizFormat::Gift, handbook::quiz::export::gift as fn(&[Item]) -> String),
        (QuizFormat::MoodleXml, handbook::quiz::export::moodle_xml),
    ] {
        let report = pipeline::export_quiz(&repo(), f);
        assert!(report.ok());
        assert_eq!(report.value.unwrap(), export(&all));
    }
    let Some((ok, out)) = parse_exports(&all) else { return };
    println!("{out}");
    assert!(ok, "{out}");
    assert!(out.contains(&format!("checked {} questions: 0 problems", all.len())), "{out}");
}

/// Runs the independent parsers (tests/tools/check_quiz_export.py) over
/// `items` exported as GIFT and Moodle XML; the checker's output.
fn parse_exports(items: &[Item]) -> Option<(bool, String)> {
    let has = std::process::Command::new("python3")
        .args(["-c", "import pygiftparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !require(has, "python3 with pygiftparser (pip install pygiftparser)") {
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bank.json"), serde_json::to_string(items).unwrap()).unwrap();
    std::fs::write(tmp.path().join("bank.gift"), handbook::quiz::export::gift(items)).unwrap();
    std::fs::write(tmp.path().join("bank.xml"), handbook::quiz::export::moodle_xml(items)).unwrap();
    let out = std::process::Command::new("python3")
        .arg(repo().join("tests/tools/check_quiz_export.py"))
        .args(["bank.json", "bank.gift", "bank.xml"].map(|f| tmp.path().join(f)))
        .output()
        .unwrap();
    Some((
        out.status.success(),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    ))
}

#[test]
fn gift_escapes_special_characters_and_still_parses() {
    // Every GIFT special character (~ = # { } : \) and XML's (< & ") in every
    // field of every question type. pygiftparser ends an answer block at an
    // escaped `\}` (its pattern `.*?[^\\]?}` makes the guard optional), so a
    // closing brace stands in the prompts only there; its escape inside an
    // answer is checked on the text, and Moodle XML carries it through Python's parser.
    let nasty = |s: &str| format!("{s} 1+1=2? {{a:b ~x #y \\z <b>&amp;\"");
    let base = Item {
        id: String::new(),
        chapter: "x".into(),
        kind: Kind::Single,
        prompt: format!("{} }}", nasty("问")),
        options: vec![],
        right: vec![],
        correct: None,
        accept: vec![],
        pairs: vec![],
        explanation: Some(nasty("说明")),
        refs: vec![],
        drill: false,
    };
    let items = vec![
        Item { id: "q-single".into(), options: vec![nasty("对"), nasty("错")], right: vec![0], ..base.clone() },
        Item {
            id: "q-multiple".into(),
            kind: Kind::Multiple,
            options: vec![nasty("甲"), nasty("乙"), nasty("丙")],
            right: vec![0, 2],
            ..base.clone()
        },
        Item { id: "q-truefalse".into(), kind: Kind::Truefalse, correct: Some(false), ..base.clone() },
        Item {
            id: "q-fill".into(),
            kind: Kind::Fill,
            prompt: format!("{} ____", nasty("填")),
            accept: vec![nasty("答"), "又=答".into()],
            ..base.clone()
        },
        Item {
            id: "q-matching".into(),
            kind: Kind::Matching,
            pairs: vec![(nasty("左一"), nasty("右一")), (nasty("左二"), nasty("右二")), ("左三".into(), "右三".into())],
            ..base.clone()
        },
    ];
    let g = handbook::quiz::export::gift(&items[..1]);
    assert!(g.contains("1+1\\=2? \\{a\\:b \\~x \\#y \\\\z <b>&amp;\" \\}"), "{g}");
    let braces = Item { options: vec!["{对}".into(), "错".into()], ..items[0].clone() };
    let g = handbook::quiz::export::gift(&[braces]);
    assert!(g.contains("{=\\{对\\} ~错"), "a closing brace in an answer is escaped: {g}");
    let Some((ok, out)) = parse_exports(&items) else { return };
    println!("{out}");
    assert!(ok, "{out}");
    assert!(out.contains("checked 5 questions: 0 problems"), "{out}");
}

/// The README's three rules, each made to bite on content written for it.
#[test]
fn the_ambiguity_rules_drop_what_they_say() {
    let dir = crate::common::fixture(None);
    let point = |id: &str, title: &str, text: &str| {
        format!("      - id: {id}\n        title: {title}\n        text: [{text}]\n")
    };
    let entry = |id: &str, title: &str, text: &str, points: &str| {
        format!("  - id: {id}\n    title: {title}\n    text: [{text}]\n    points:\n{points}")
    };
    let crafted = [
        "kind: qualities\nid: crafted\ntitle: 五方\nentries:\n".to_string(),
        entry(
            "jia",
            "甲方",
            "甲方之言。",
            &(point("chun", "春风", "春风化雨。") + &point("xia", "夏雨", "夏雨滋润。")),
        ),
        // 乙方 says 春风 too: it must never be a wrong option for 春风.
        entry("yi", "乙方", "乙方也讲春风。", &point("qiu", "秋实", "秋实累累。")),
        // 夏雨 is an item of two lists: no "which list" question about it.
        entry(
            "bing",
            "丙方",
            "丙方之言。",
            &(point("dong", "冬雪", "冬雪纷飞。") + &point("xia2", "夏雨", "夏雨又来。")),
        ),
        entry("ding", "丁方", "丁方之言。", &point("chen", "晨光", "晨光熹微。")),
        // 暮色 is not in its own text (a title written for navigation): 戊方's list is not used.
        entry("wu", "戊方", "戊方之言。", &point("mu", "暮色", "天色渐晚。")),
    ]
    .concat();
    std::fs::write(dir.path().join("content/crafted.yaml"), crafted).unwrap();
    let settings = dir.path().join("content/handbook.yaml");
    let text = std::fs::read_to_string(&settings)
        .unwrap()
        .replace("chapters: [basics, sayings]", "chapters: [basics, sayings, crafted]");
    std::fs::write(&settings, format!("{text}\nquiz:\n  drills_per_chapter: 1000\n")).unwrap();
    let checked = pipeline::check(dir.path());
    assert!(checked.report.ok(), "{:?}", checked.report.diagnostics);
    let drills: Vec<Item> = checked.valid.unwrap().bank.drills.into_iter().filter(|d| d.chapter == "crafted").collect();
    let member = |item: &str| drills.iter().find(|d| d.kind == Kind::Single && d.prompt.contains(&format!("“{item}”")));
    // The control: a plain item gets its question, with its list right.
    let chun = member("春风").expect("a question on 春风");
    assert_eq!(chun.options[chun.right[0]], "甲方");
    assert!(member("冬雪").is_some() && member("秋实").is_some(), "{drills:#?}");
    // Rule 1: an answer in two lists.
    assert!(member("夏雨").is_none(), "夏雨 stands in two lists: {drills:#?}");
    // Rule 2: a distractor whose own text says the answer.
    assert!(!chun.options.contains(&"乙方".to_string()), "乙方 says 春风 too: {:?}", chun.options);
    // Rule 3: a list whose items are not the source's own words.
    assert!(member("暮色").is_none(), "{drills:#?}");
    assert!(drills.iter().all(|d| !d.options.contains(&"戊方".to_string())), "{drills:#?}");
}
