//! Stage 6b, print: an edition of the handbook as a PDF, typeset by Typst used
//! as a library.
//!
//! The layout is a Typst file in the theme (`theme/print/handbook.typ`) that a
//! trainer can edit; it reads the edition's content from a virtual
//! `data.json`. Content never becomes Typst markup (it arrives as JSON strings
//! and is placed as text), so nothing in it needs escaping for Typst. Pure:
//! returns PDF bytes; only the CLI and the build write files.

mod world;

use crate::diagnostic::Diagnostic;
use crate::model::{Edition, Handbook};
use crate::render::Bank;
use crate::render::view::{ChapterView, Views};
use serde::Serialize;
use std::path::{Path, PathBuf};
pub use world::{FontOptions, Fonts};

/// The print template, under the root.
pub const TEMPLATE: &str = "theme/print/handbook.typ";

#[derive(Debug, Serialize)]
pub struct EditionData {
    pub edition: EditionView,
    pub chapters: Vec<ChapterView>,
    /// The answer key, when the edition has one.
    pub answers: Vec<AnswerGroup>,
}

#[derive(Debug, Serialize)]
pub struct EditionView {
    pub name: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub organisation: Option<String>,
    pub date: Option<String>,
    pub paper: String,
    /// `none`, `questions` or `answers`.
    pub quizzes: String,
}

#[derive(Debug, Serialize)]
pub struct AnswerGroup {
    pub chapter: String,
    pub items: Vec<AnswerItem>,
}

#[derive(Debug, Serialize)]
pub struct AnswerItem {
    pub number: usize,
    pub prompt: String,
    pub answer: String,
    pub explanation: Option<String>,
}

/// What an edition prints: its chapters (with their quizzes as the edition
/// says) and, for `quizzes: answers`, the answer key.
pub fn edition_data(hb: &Handbook, bank: &Bank, edition: &Edition) -> EditionData {
    let secs = crate::model::sections(hb);
    let views = Views { hb, sections: &secs };
    let chapters: Vec<&crate::model::Chapter> = if edition.chapters.is_empty() {
        hb.ordered()
    } else {
        edition.chapters.iter().filter_map(|id| hb.chapters.iter().find(|c| c.id().value == id.value)).collect()
    };
    let with_quiz = edition.quizzes() != "none";
    let mut answers = Vec::new();
    let mut out = Vec::new();
    for ch in chapters {
        let mut view = views.chapter(ch);
        let items: Vec<&crate::quiz::Item> = bank.authored.iter().filter(|q| q.chapter == ch.id().value).collect();
        if with_quiz {
            view.quiz = crate::render::view::QuizView::new(&format!("quiz-{}", ch.id()), &items);
        }
        if edition.quizzes() == "answers" && !items.is_empty() {
            answers.push(AnswerGroup {
                chapter: ch.head().title.value.clone(),
                items: items
                    .iter()
                    .enumerate()
                    .map(|(i, q)| AnswerItem {
                        number: i + 1,
                        prompt: q.prompt.clone(),
                        answer: q.answer_text(),
                        explanation: q.explanation.clone(),
                    })
                    .collect(),
            });
        }
        out.push(view);
    }
    let t = |x: &Option<crate::model::Text>| x.as_ref().map(|t| t.value.clone());
    EditionData {
        edition: EditionView {
            name: edition.name.value.clone(),
            title: edition.title.value.clone(),
            subtitle: t(&edition.subtitle),
            organisation: t(&edition.organisation),
            date: t(&edition.date),
            paper: edition.paper().to_string(),
            quizzes: edition.quizzes().to_string(),
        },
        chapters: out,
        answers,
    }
}

/// Typesets an edition: the theme's Typst template over the edition's data.
pub fn pdf(template: &str, data: &EditionData, fonts: &Fonts) -> Result<Vec<u8>, Diagnostic> {
    let json = serde_json::to_vec(data)
        .map_err(|e| Diagnostic::error(TEMPLATE, 0, 0, format!("cannot serialize the edition: {e}")))?;
    world::compile_pdf(template, json, fonts)
}

/// The edition called `name`, or a diagnostic listing the ones there are.
pub fn find_edition<'a>(hb: &'a Handbook, name: Option<&str>) -> Result<&'a Edition, Diagnostic> {
    let eds = &hb.settings.print.editions;
    let names: Vec<&str> = eds.iter().map(|e| e.name.as_str()).collect();
    match name {
        None => eds.first().ok_or_else(|| {
            Diagnostic::error(hb.settings_file.clone(), 0, 0, "no printed editions are configured")
                .with_hint("add `print: editions:` to the settings (see the README)")
        }),
        Some(n) => eds.iter().find(|e| e.name.value == n).ok_or_else(|| {
            let d = Diagnostic::error(hb.settings_file.clone(), 0, 0, format!("no edition `{n}`"));
            match crate::diagnostic::did_you_mean(n, names.iter().copied()) {
                Some(m) => d.with_hint(format!("did you mean `{m}`? (editions: {})", names.join(", "))),
                None => d.with_hint(format!("editions: {}", names.join(", "))),
            }
        }),
    }
}

/// Where the site keeps an edition's PDF.
pub fn site_path(edition: &Edition) -> String {
    format!("pdf/{}.pdf", edition.name)
}

/// The default output file of `handbook print`.
pub fn default_out(root: &Path, edition: &Edition) -> PathBuf {
    root.join(format!("{}.pdf", edition.name))
}
