//! Exam papers from the question bank: a seeded draw of the configured number
//! of questions of each type, laid out in forms (the same questions in
//! another order, options shuffled), with one key for every form. Pure: the
//! same bank, exam and seed give the same papers. The wording (section
//! names, the header's lines, the key's labels) is the theme's
//! (`theme/print/exam.yaml`): [`data`] fills it in, so the PDF layout and the
//! Word papers print the same lines.

use super::{Bank, Item, Kind, Link, drills::Rng};
use crate::model::{Exam, ExamWords};
use serde::Serialize;

/// What the exam template gets: the exam, every form, and which one to show
/// (a form's label, or `key` for the answer key of all forms).
#[derive(Debug, Clone, Serialize)]
pub struct ExamData {
    pub name: String,
    pub title: String,
    pub minutes: Option<u32>,
    pub total: u32,
    pub forms: Vec<Form>,
    pub show: String,
    /// The theme's lines, filled in: the key's title, the header's lines
    /// (duration, total) and the blanks to fill, the true/false mark, and
    /// the footer's words before and after the page number.
    pub key_title: String,
    pub minutes_line: Option<String>,
    pub total_line: String,
    pub blanks: Vec<String>,
    pub truefalse_blank: String,
    pub page: [String; 2],
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Form {
    /// `A`, `B`, …
    pub label: String,
    pub sections: Vec<Section>,
    /// Under the paper's title, and over the form's part of the key (the theme's words).
    pub heading: String,
    pub key_heading: String,
}

/// The questions of one type, with their points.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Section {
    /// `single`, `multiple`, `truefalse`, `fill` or `matching`.
    pub kind: &'static str,
    pub points: u32,
    pub questions: Vec<Question>,
    /// Its heading in the theme's words.
    pub heading: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Question {
    /// Numbered through the paper, from 1.
    pub number: usize,
    /// The bank's id: the same question in every form.
    pub id: String,
    pub prompt: String,
    /// Choices in this form's order (single, multiple).
    pub options: Vec<String>,
    /// Matching: the left column, and the right one in this form's order.
    pub lefts: Vec<String>,
    pub rights: Vec<String>,
    pub answer: Answer,
    pub explanation: Option<String>,
    /// The section that teaches it: breadcrumb and site URL.
    pub source: Option<Link>,
    /// The lines the theme's words make of it: the options (`A. …`), the
    /// matching columns, and the key's answer, explanation and source.
    pub option_lines: Vec<String>,
    pub left_lines: Vec<String>,
    pub right_lines: Vec<String>,
    pub answer_line: String,
    pub explanation_line: Option<String>,
    pub source_line: Option<String>,
}

/// The right answer, as data for the key.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Answer {
    /// Single, multiple: the right options' positions in this form (0-based).
    pub options: Vec<usize>,
    /// True/false.
    pub correct: Option<bool>,
    /// Fill-in: the accepted answers.
    pub accept: Vec<String>,
    /// Matching: for each left (in order), the position of its right in `rights`.
    pub pairs: Vec<usize>,
}

/// The bank's questions an exam may draw, by type: authored and/or drills
/// from its chapters. A drill whose answer and section are an authored
/// question's is left out (the paper would ask the same thing twice).
pub fn pool<'a>(bank: &'a Bank, exam: &Exam) -> Vec<(&'static str, Vec<&'a Item>)> {
    let from = exam.from();
    let in_chapters = |q: &&Item| exam.chapters.is_empty() || exam.chapters.iter().any(|c| c.value == q.chapter);
    let authored: Vec<&Item> =
        if from == "drills" { vec![] } else { bank.authored.iter().filter(in_chapters).collect() };
    // Each authored question's (answer, section) pairs, looked up once per
    // drill (comparing every drill with every question is quadratic in a big bank).
    let asked: std::collections::HashSet<(String, &str)> = authored
        .iter()
        .flat_map(|a| {
            let answer = a.answer_text();
            a.refs.iter().map(move |r| (answer.clone(), r.url.as_str()))
        })
        .collect();
    let drills = bank.drills.iter().filter(in_chapters).filter(|d| {
        from != "authored" && {
            let answer = d.answer_text();
            !d.refs.iter().any(|r| asked.contains(&(answer.clone(), r.url.as_str())))
        }
    });
    let all: Vec<&Item> = authored.iter().copied().chain(drills).collect();
    exam.questions.each().map(|(k, _)| (k, all.iter().copied().filter(|q| kind_name(q.kind) == k).collect())).to_vec()
}

pub fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Single => "single",
        Kind::Multiple => "multiple",
        Kind::Truefalse => "truefalse",
        Kind::Fill => "fill",
        Kind::Matching => "matching",
    }
}

/// The types an exam asks more of than the bank holds: (type, asked, available).
pub fn shortages(bank: &Bank, exam: &Exam) -> Vec<(&'static str, u32, usize)> {
    pool(bank, exam)
        .into_iter()
        .filter_map(|(k, qs)| (exam.questions.get(k) as usize > qs.len()).then(|| (k, exam.questions.get(k), qs.len())))
        .collect()
}

/// Draws the exam's questions with `seed` and lays out every form. `None`
/// when the bank holds too few (see [`shortages`]).
pub fn papers(bank: &Bank, exam: &Exam, seed: u64) -> Option<Vec<Form>> {
    let name = exam.name.as_str();
    let mut drawn: Vec<(&'static str, Vec<&Item>)> = Vec::new();
    for (k, mut qs) in pool(bank, exam) {
        let n = exam.questions.get(k) as usize;
        if n > qs.len() {
            return None;
        }
        Rng::new(seed, &format!("exam {name} {k}")).shuffle(&mut qs);
        qs.truncate(n);
        if n > 0 {
            drawn.push((k, qs));
        }
    }
    let mut orders: Vec<Vec<Vec<&Item>>> = Vec::new();
    for f in 0..exam.forms as usize {
        // Each form its own order; a form that came out as an earlier one's is drawn again.
        let mut order: Vec<Vec<&Item>> = drawn.iter().map(|(_, qs)| qs.clone()).collect();
        for attempt in 0..32 {
            for (s, (k, _)) in order.iter_mut().zip(&drawn) {
                Rng::new(seed, &format!("exam {name} {k} form {f} {attempt}")).shuffle(s);
            }
            if !orders.contains(&order) {
                break;
            }
        }
        orders.push(order);
    }
    let forms = orders
        .into_iter()
        .enumerate()
        .map(|(f, order)| {
            let mut number = 0;
            let sections = order
                .into_iter()
                .zip(&drawn)
                .map(|(qs, (k, _))| Section {
                    heading: String::new(),
                    kind: k,
                    points: exam.points.get(k),
                    questions: qs
                        .into_iter()
                        .map(|q| {
                            number += 1;
                            question(q, number, Rng::new(seed, &format!("exam {name} {} form {f}", q.id)))
                        })
                        .collect(),
                })
                .collect();
            Form {
                label: char::from(b'A' + f as u8).to_string(),
                sections,
                heading: String::new(),
                key_heading: String::new(),
            }
        })
        .collect();
    Some(forms)
}

/// One question as a form prints it: options and rights in a shuffled order, the answer mapped to it.
fn question(q: &Item, number: usize, mut rng: Rng) -> Question {
    let mut order: Vec<usize> = (0..q.options.len()).collect();
    rng.shuffle(&mut order);
    let options = order.iter().map(|&i| q.options[i].clone()).collect();
    let mut right: Vec<usize> = q.right.iter().filter_map(|r| order.iter().position(|i| i == r)).collect();
    right.sort_unstable();
    let mut rights: Vec<usize> = (0..q.pairs.len()).collect();
    rng.shuffle(&mut rights);
    Question {
        number,
        id: q.id.clone(),
        prompt: q.prompt.clone(),
        options,
        lefts: q.pairs.iter().map(|p| p.0.clone()).collect(),
        rights: rights.iter().map(|&i| q.pairs[i].1.clone()).collect(),
        answer: Answer {
            options: right,
            correct: q.correct,
            accept: q.accept.clone(),
            pairs: (0..q.pairs.len()).map(|i| rights.iter().position(|&r| r == i).unwrap_or(0)).collect(),
        },
        explanation: q.explanation.clone(),
        source: q.refs.first().cloned(),
        option_lines: Vec::new(),
        left_lines: Vec::new(),
        right_lines: Vec::new(),
        answer_line: String::new(),
        explanation_line: None,
        source_line: None,
    }
}

/// A, B, … Z, then numbers (validation allows far fewer options).
fn letter(i: usize) -> String {
    if i < 26 { char::from(b'A' + i as u8).to_string() } else { (i + 1).to_string() }
}

/// Fills in the theme's words for every form, section and question.
fn word(forms: &mut [Form], w: &ExamWords) {
    for form in forms {
        form.heading = w.form.fill(&[("label", &form.label)]);
        form.key_heading = w.key_form.fill(&[("label", &form.label)]);
        for (i, s) in form.sections.iter_mut().enumerate() {
            let numeral = w.numerals.get(i).map_or_else(|| (i + 1).to_string(), |n| n.value.clone());
            let total = (s.points as usize * s.questions.len()).to_string();
            s.heading = w.section.fill(&[
                ("numeral", &numeral),
                ("kind", &w.kinds.get(s.kind).value),
                ("points", &s.points.to_string()),
                ("total", &total),
            ]);
            for q in &mut s.questions {
                let lettered = |items: &[String], pattern: &crate::model::Pattern| -> Vec<String> {
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, t)| pattern.fill(&[("letter", &letter(i)), ("text", t)]))
                        .collect()
                };
                q.option_lines = lettered(&q.options, &w.option);
                q.right_lines = lettered(&q.rights, &w.option);
                q.left_lines = q
                    .lefts
                    .iter()
                    .enumerate()
                    .map(|(i, t)| w.left.fill(&[("number", &(i + 1).to_string()), ("text", t)]))
                    .collect();
                let a = &q.answer;
                let answer = match s.kind {
                    "single" | "multiple" => a.options.iter().map(|&i| letter(i)).collect::<String>(),
                    "truefalse" => if a.correct == Some(true) { &w.correct } else { &w.wrong }.value.clone(),
                    "fill" => a.accept.join(&w.accept_joiner.value),
                    _ => a
                        .pairs
                        .iter()
                        .enumerate()
                        .map(|(i, &j)| w.pair.fill(&[("number", &(i + 1).to_string()), ("letter", &letter(j))]))
                        .collect::<Vec<_>>()
                        .join(&w.pairs_joiner.value),
                };
                q.answer_line = w.answer.fill(&[("answer", &answer)]);
                q.explanation_line = q.explanation.as_ref().map(|t| w.explanation.fill(&[("text", t)]));
                q.source_line = q.source.as_ref().map(|l| w.source.fill(&[("title", &l.title), ("url", &l.url)]));
            }
        }
    }
}

/// The template's data for one exam: the forms, the total, which to show,
/// and the theme's words filled in.
pub fn data(exam: &Exam, mut forms: Vec<Form>, show: &str, w: &ExamWords) -> ExamData {
    let total: u32 = exam.questions.each().iter().map(|(k, n)| n * exam.points.get(k)).sum();
    word(&mut forms, w);
    let title = exam.title.value.clone();
    let (before, after) = w.page.value.split_once("{page}").unwrap_or((&w.page.value, ""));
    ExamData {
        name: exam.name.value.clone(),
        key_title: w.key_title.fill(&[("title", &title)]),
        title,
        minutes: exam.minutes,
        minutes_line: exam.minutes.map(|m| w.minutes.fill(&[("minutes", &m.to_string())])),
        total_line: w.total.fill(&[("total", &total.to_string())]),
        total,
        forms,
        show: show.to_string(),
        blanks: w.blanks.iter().map(|b| b.value.clone()).collect(),
        truefalse_blank: w.truefalse_blank.value.clone(),
        page: [before.to_string(), after.to_string()],
    }
}
