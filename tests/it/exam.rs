//! Exam papers: real PDFs read back with poppler's `pdftotext`, and the draw
//! itself checked against the question bank.

use crate::common::{fixture, read_docx, repo, require};
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

#[test]
fn each_form_shows_the_configured_sections_and_points_that_add_up() {
    if !tools_and_fonts() {
        return;
    }
    let (v, exam) = shipped_exam();
    let words = v.exam_words.as_ref().expect("the theme has the exam's words");
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
            let word = &words.kinds.get(kind).value;
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

/// The paragraphs' texts of a Word file (python-docx), `None` when skipped.
fn docx_text(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Option<Vec<String>> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let doc = read_docx(&path)?;
    Some(doc["paragraphs"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap().to_string()).collect())
}

/// `pieces` found in `text` one after another, each after the last.
fn in_order(text: &str, pieces: &[String]) -> Result<(), String> {
    let mut at = 0;
    for p in pieces {
        match text[at..].find(p.as_str()) {
            Some(i) => at += i + p.len(),
            None => return Err(format!("{p:?} is missing or out of order")),
        }
    }
    Ok(())
}

#[test]
fn word_papers_hold_each_forms_questions_in_its_order_and_the_key_holds_the_answers() {
    let (v, exam) = shipped_exam();
    let forms = papers(&v.bank, &exam, exam.seed).unwrap();
    let report = pipeline::exam_docx(&repo(), None, None);
    assert!(report.ok(), "{:?}", report.diagnostics);
    let files = report.value.unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(names, ["final-A.docx", "final-B.docx", "final-key.docx"]);
    let dir = tempfile::tempdir().unwrap();
    let Some(key) = docx_text(dir.path(), &files[2].0, &files[2].1) else { return };
    let key = key.join("\n");
    let words = v.exam_words.as_ref().unwrap();
    for (form, (name, bytes)) in forms.iter().zip(&files) {
        let paragraphs = docx_text(dir.path(), name, bytes).unwrap();
        let text = paragraphs.join("\n");
        // Every prompt (its text around the blanks) and option, in the form's order.
        let mut pieces = Vec::new();
        for s in &form.sections {
            pieces.push(format!("{}（每题 {} 分", words.kinds.get(s.kind).value, s.points));
            for q in &s.questions {
                pieces.push(format!("{}. ", q.number));
                pieces.extend(q.prompt.split("____").filter(|p| !p.is_empty()).map(String::from));
                pieces.extend(q.options.iter().cloned());
                for (l, r) in q.lefts.iter().zip(&q.rights) {
                    pieces.extend([l.clone(), r.clone()]);
                }
            }
        }
        if let Err(e) = in_order(&text, &pieces) {
            panic!("{name}: {e}");
        }
        // No answers: no answer line, explanation or source of any question.
        for s in &form.sections {
            for q in &s.questions {
                let item = v.bank.authored.iter().chain(&v.bank.drills).find(|i| i.id == q.id).unwrap();
                if let Some(x) = &item.explanation {
                    assert!(!text.contains(x.as_str()), "{name}: the explanation of {}", q.id);
                }
                for a in &item.accept {
                    assert!(!text.contains(&format!("：{a}")), "{name}: the answer of {}", q.id);
                }
                let source = &item.refs[0].url;
                assert!(!text.contains(source.as_str()), "{name}: the source of {}", q.id);
            }
        }
        assert!(!text.contains("答案"), "{name}: no answer lines");
        // The key: this form's part holds every question's answer, in order, as the PDF's key words it.
        let part = &key[key.find(&format!("\n{} 卷\n", form.label)).expect("a part per form")..];
        let lines: Vec<String> = form
            .sections
            .iter()
            .flat_map(|s| s.questions.iter())
            .map(|q| {
                let item = v.bank.authored.iter().chain(&v.bank.drills).find(|i| i.id == q.id).unwrap();
                let letters: String = q.answer.options.iter().map(|&i| char::from(b'A' + i as u8)).collect();
                let answer = match item.kind {
                    handbook::quiz::Kind::Single | handbook::quiz::Kind::Multiple => letters,
                    handbook::quiz::Kind::Truefalse => if item.correct == Some(true) { "正确" } else { "错误" }.into(),
                    handbook::quiz::Kind::Fill => item.accept.join(" / "),
                    handbook::quiz::Kind::Matching => q
                        .answer
                        .pairs
                        .iter()
                        .enumerate()
                        .map(|(i, &j)| format!("（{}）—{}", i + 1, char::from(b'A' + j as u8)))
                        .collect::<Vec<_>>()
                        .join("；"),
                };
                format!("{}. 答案：{answer}", q.number)
            })
            .collect();
        if let Err(e) = in_order(part, &lines) {
            panic!("the key, form {}: {e}", form.label);
        }
    }
}

#[test]
fn the_papers_words_are_the_themes_in_pdf_and_word_alike() {
    // A handbook `init` makes: its theme, its exam.
    let dir = tempfile::tempdir().unwrap();
    let root = &dir.path().join("hb");
    handbook::init::init(root).unwrap();
    let words = root.join("theme/print/exam.yaml");
    let text = std::fs::read_to_string(&words).unwrap();
    // A name a line cannot fill is reported at its line, with the names it can.
    let bad = text.replace("section: \"{numeral}、{kind}", "section: \"{numeral}、{kinds}");
    std::fs::write(&words, &bad).unwrap();
    let checked = pipeline::check(root);
    let errors: Vec<_> = checked.report.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let line = bad.lines().position(|l| l.starts_with("section:")).unwrap() as u32 + 1;
    assert_eq!(errors[0].file(), Some(std::path::Path::new("theme/print/exam.yaml")));
    assert_eq!(errors[0].pos().map(|p| (p.line, p.column)), Some((line, 10)));
    assert!(errors[0].message.contains("`{kinds}`"), "{}", errors[0].message);
    assert!(errors[0].hints.iter().any(|h| h.contains("`{kind}`")), "{:?}", errors[0].hints);
    // A name left open prints as written: a warning at its line, which still checks.
    let open = text.replace("{points} 分，", "{points 分，");
    assert_ne!(open, text, "the section line has {{points}} to break");
    std::fs::write(&words, &open).unwrap();
    let checked = pipeline::check(root);
    assert!(checked.report.ok(), "{:?}", checked.report.diagnostics);
    let warnings: Vec<_> = checked.report.diagnostics.iter().filter(|d| d.message.contains("`{points`")).collect();
    assert_eq!(warnings.len(), 1, "{:?}", checked.report.diagnostics);
    assert_eq!(warnings[0].pos().map(|p| p.line), Some(line));
    assert!(warnings[0].hints.iter().any(|h| h.contains("`{points}`")), "{:?}", warnings[0].hints);
    // An office's own words reach both kinds of paper.
    let own = text
        .replace("  single: 单项选择题", "  single: 选一选")
        .replace(
            "section: \"{numeral}、{kind}（每题 {points} 分，共 {total} 分）\"",
            "section: \"第{numeral}部分 {kind}（{total}分）\"",
        )
        .replace("key_form: \"{label} 卷\"", "key_form: \"{label}卷答案\"");
    std::fs::write(&words, own).unwrap();
    let new = pipeline::check(root).valid.unwrap();
    let exam = new.handbook.settings.print.exams[0].clone();
    let forms = papers(&new.bank, &exam, exam.seed).unwrap();
    let single =
        forms[0].sections.iter().find(|s| s.kind == "single").expect("the init exam asks single-choice questions");
    let heading = format!("第一部分 选一选（{}分）", single.points as usize * single.questions.len());
    let report = pipeline::exam_docx(root, None, None);
    assert!(report.ok(), "{:?}", report.diagnostics);
    let files = report.value.unwrap();
    let out = tempfile::tempdir().unwrap();
    if let Some(paragraphs) = docx_text(out.path(), &files[0].0, &files[0].1) {
        assert!(paragraphs.contains(&heading), "the Word paper: {paragraphs:?}");
        let key = docx_text(out.path(), "key.docx", &files.last().unwrap().1).unwrap();
        assert!(key.contains(&"A卷答案".to_string()), "the Word key: {key:?}");
    }
    if !tools_and_fonts() {
        return;
    }
    let report = pipeline::exam(root, None, None, &FontOptions::default());
    assert!(report.ok(), "{:?}", report.diagnostics);
    let files = report.value.unwrap();
    // Typst sets a little space between Chinese and digits, which pdftotext reads as a space.
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert!(squash(&pdf_text(&files[0].1)).contains(&squash(&heading)), "the PDF paper");
    assert!(squash(&pdf_text(&files.last().unwrap().1)).contains("A卷答案"), "the PDF key");
}
