//! Exam papers: real PDFs read back with poppler's `pdftotext`, and the draw
//! itself checked against the question bank.

use crate::common::{fixture, repo, require};
use handbook::model::Exam;
use handbook::pipeline;
use handbook::print::FontOptions;
use handbook::quiz::exam::{Form, papers};
use std::collections::BTreeSet;
use std::process::Command;

fn tools_and_fonts() -> bool {
    let poppler = Command::new("pdftotext").arg("-v").output().is_ok();
    let fonts = handbook::print::Printer::new(&FontOptions::default()).is_ok();
    require(poppler, "poppler-utils (pdftotext)") && require(fonts, "a font for Chinese text (Debian fonts-noto-cjk)")
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = Command::new("pdftotext").arg(&p).arg("-").output().unwrap();
    // A page break reads as a line break.
    String::from_utf8(out.stdout).unwrap().replace('\x0c', "\n")
}

fn shipped_exam() -> (handbook::pipeline::Valid, Exam) {
    let v = pipeline::check(&repo()).valid.expect("the shipped handbook is valid");
    let e = v.handbook.settings.print.exams.first().expect("the shipped settings have an exam").clone();
    (v, e)
}

fn ids(form: &Form) -> Vec<&str> {
    form.sections.iter().flat_map(|s| s.questions.iter().map(|q| q.id.as_str())).collect()
}

/// What the theme calls each type (the section headings' words).
const KINDS: [(&str, &str); 5] = [
    ("single", "单项选择题"),
    ("multiple", "多项选择题"),
    ("truefalse", "判断题"),
    ("fill", "填空题"),
    ("matching", "连线题"),
];

#[test]
fn each_form_shows_the_configured_sections_and_points_that_add_up() {
    if !tools_and_fonts() {
        return;
    }
    let (_, exam) = shipped_exam();
    let report = pipeline::exam(&repo(), None, None, &FontOptions::default());
    assert!(report.ok(), "{:?}", report.diagnostics);
    let files = report.value.unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, ["final-A.pdf", "final-B.pdf", "final-key.pdf"]);
    let total: u32 = exam.questions.each().iter().map(|(k, n)| n * exam.points.get(k)).sum();
    for (name, pdf) in &files[..2] {
        let text = pdf_text(pdf);
        assert!(text.contains(&format!("满分：{total} 分")), "{name}: the stated total");
        assert!(text.contains("姓名") && text.contains("部门") && text.contains("得分"), "{name}: the header");
        let mut sum = 0;
        let mut number = 0;
        for (kind, n) in exam.questions.each().into_iter().filter(|(_, n)| *n > 0) {
            let word = KINDS.iter().find(|k| k.0 == kind).unwrap().1;
            let points = exam.points.get(kind);
            let heading = format!("{word}（每题 {points} 分，共 {} 分）", points * n);
            assert!(text.contains(&heading), "{name}: no section heading {heading:?}");
            sum += points * n;
            // The section's questions are numbered on through the paper, once each.
            for _ in 0..n {
                number += 1;
                assert_eq!(
                    text.lines().filter(|l| l.starts_with(&format!("{number}. "))).count(),
                    1,
                    "{name}: question {number}"
                );
            }
        }
        assert_eq!(sum, total, "{name}: the sections' points add up to the total");
        assert!(
            !text.lines().any(|l| l.starts_with(&format!("{}. ", number + 1))),
            "{name}: no question beyond {number}"
        );
        assert!(!text.contains("答案"), "{name}: a paper shows no answers");
    }
}

#[test]
fn the_key_answers_every_question_of_every_form_as_the_bank_does() {
    if !tools_and_fonts() {
        return;
    }
    let (v, exam) = shipped_exam();
    let forms = papers(&v.bank, &exam, exam.seed).unwrap();
    let report = pipeline::exam(&repo(), None, None, &FontOptions::default());
    let key = pdf_text(&report.value.unwrap()[2].1);
    let items = v.bank.authored.iter().chain(&v.bank.drills);
    let by_id: std::collections::HashMap<&str, &handbook::quiz::Item> = items.map(|i| (i.id.as_str(), i)).collect();
    let letters = |v: &[usize]| v.iter().map(|&i| char::from(b'A' + i as u8)).collect::<String>();
    for form in &forms {
        let part = &key[key.find(&format!("{}卷", form.label)).expect("the key has a part for each form")..];
        // A long URL wraps, and pdftotext joins a word broken at a hyphen
        // without it: look for it without line breaks and hyphens.
        let plain = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>();
        let joined = plain(part);
        for s in &form.sections {
            for q in &s.questions {
                let item = by_id[q.id.as_str()];
                // The form's lettered answer points at the bank's right options.
                let right: BTreeSet<&str> = item.right.iter().map(|&i| item.options[i].as_str()).collect();
                let shown: BTreeSet<&str> = q.answer.options.iter().map(|&i| q.options[i].as_str()).collect();
                assert_eq!(right, shown, "{}: the key's options are the bank's", q.id);
                for (i, &j) in q.answer.pairs.iter().enumerate() {
                    assert_eq!(item.pairs[i].1, q.rights[j], "{}: pair {i}", q.id);
                }
                let answer = match s.kind {
                    "single" | "multiple" => letters(&q.answer.options),
                    "truefalse" => if item.correct == Some(true) { "正确" } else { "错误" }.to_string(),
                    "fill" => item.accept[0].clone(),
                    _ => format!("（1）—{}", letters(&q.answer.pairs[..1])),
                };
                let line = format!("{}. 答案：{answer}", q.number);
                assert!(part.contains(&line), "form {}: the key lacks {line:?}", form.label);
                let source = item.refs.first().expect("a question has a source");
                assert!(joined.contains(&plain(&source.url)), "form {}: {} without its source URL", form.label, q.id);
            }
        }
    }
}

#[test]
fn forms_hold_the_same_questions_in_another_order_and_one_seed_gives_the_same_bytes() {
    let (v, exam) = shipped_exam();
    let forms = papers(&v.bank, &exam, exam.seed).unwrap();
    assert_eq!(forms.len(), 2);
    let (a, b) = (ids(&forms[0]), ids(&forms[1]));
    assert_eq!(a.iter().collect::<BTreeSet<_>>(), b.iter().collect::<BTreeSet<_>>(), "the same questions");
    assert_ne!(a, b, "in another order");
    assert_eq!(a.iter().collect::<BTreeSet<_>>().len(), a.len(), "no question twice");
    // A drill and an authored question with the same answer about the same section are never both drawn.
    let items: Vec<&handbook::quiz::Item> = v.bank.authored.iter().chain(&v.bank.drills).collect();
    let drawn: Vec<&&handbook::quiz::Item> = a.iter().map(|id| items.iter().find(|i| i.id == *id).unwrap()).collect();
    for x in drawn.iter().filter(|i| i.drill) {
        for y in drawn.iter().filter(|i| !i.drill) {
            let same_section = x.refs.iter().any(|r| y.refs.iter().any(|s| s.url == r.url));
            assert!(!(same_section && x.answer_text() == y.answer_text()), "{} and {} ask the same", x.id, y.id);
        }
    }
    assert_eq!(papers(&v.bank, &exam, exam.seed), Some(forms.clone()), "the same seed, the same papers");
    assert_ne!(papers(&v.bank, &exam, exam.seed + 1), Some(forms), "another seed, another draw");
    if !tools_and_fonts() {
        return;
    }
    let one = pipeline::exam(&repo(), None, Some(7), &FontOptions::default()).value.unwrap();
    let two = pipeline::exam(&repo(), None, Some(7), &FontOptions::default()).value.unwrap();
    assert!(one == two, "two runs with one seed are byte-identical");
}

#[test]
fn an_exam_asking_more_than_the_bank_holds_fails_check_at_its_line() {
    let dir = fixture(None);
    let settings = dir.path().join("content/handbook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let exam = "print:\n  exams:\n    - name: big\n      title: 测试\n      questions: { fill: 40, single: 1 }\n      points: { fill: 2 }\n";
    std::fs::write(&settings, format!("{text}{exam}")).unwrap();
    let checked = pipeline::check(dir.path());
    let line = text.lines().count() as u32 + 3;
    let messages: Vec<String> = checked
        .report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}:{} {}", d.pos().map_or(0, |p| p.line), d.file().unwrap().display(), d.message))
        .collect();
    // Points for every type asked (a validation error, before the bank is drawn).
    assert!(messages.iter().any(|m| m.contains("`single` questions worth no points")), "{messages:?}");
    std::fs::write(&settings, format!("{text}{}", exam.replace(", single: 1 }", " }"))).unwrap();
    let checked = pipeline::check(dir.path());
    let errors: Vec<_> = checked.report.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = errors[0];
    assert_eq!(e.file(), Some(std::path::Path::new("content/handbook.yaml")));
    assert_eq!(e.pos().map(|p| p.line), Some(line), "at the exam's line");
    // The minimal handbook has few fill-in questions (drills only): the count there is is said.
    assert!(e.message.contains("asks for 40 `fill` questions; the bank holds "), "{}", e.message);
    assert!(e.hints.iter().any(|h| h.contains("at most")), "{:?}", e.hints);
}
