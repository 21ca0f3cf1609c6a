//! Stage 6, print: an edition of the handbook as a PDF, typeset by Typst used
//! as a library (behind the default `pdf` feature; without it, [`Printer::new`]
//! says so).
//!
//! The layout is a Typst file in the theme (`theme/print/handbook.typ`) that a
//! trainer can edit; it reads the edition's content from a virtual
//! `data.json`. Content never becomes Typst markup (it arrives as JSON strings
//! and is placed as text), so nothing in it needs escaping for Typst. Pure:
//! returns PDF bytes; only the CLI and the build write files.

pub mod docx;
#[cfg(feature = "pdf")]
mod world;

use crate::diagnostic::{Diagnostic, Result};
use crate::model::{Edition, Handbook};
use crate::quiz::Bank;
use crate::render::view::{ChapterView, Views};
use serde::Serialize;
use std::path::PathBuf;

/// Where to look for fonts when typesetting PDFs.
#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// Extra folders, searched recursively (`--font-path`).
    pub paths: Vec<PathBuf>,
    /// Leave out the system's fonts (for tests of the missing-font error).
    pub no_system: bool,
}

/// A typeset edition and what Typst warned about on the way.
pub struct Typeset {
    pub pdf: Vec<u8>,
    pub warnings: Vec<Diagnostic>,
}

/// Typesets editions with the fonts it found (at least one covers Chinese).
pub struct Printer {
    #[cfg(feature = "pdf")]
    fonts: world::Fonts,
}

impl Printer {
    /// Finds the fonts, or says why no PDF can be made (no font for Chinese,
    /// or a build without the `pdf` feature).
    pub fn new(fonts: &FontOptions) -> Result<Printer> {
        #[cfg(feature = "pdf")]
        return Ok(Printer { fonts: world::find_fonts(fonts)? });
        #[cfg(not(feature = "pdf"))]
        {
            let _ = fonts;
            Err(Diagnostic::error("this handbook tool was built without PDF support")
                .with_hint("build it with the default features (`cargo build --release`) to print"))
        }
    }

    /// Typesets an edition or an exam paper: a Typst template of the theme
    /// over its data (`/data.json`). Every error and warning Typst reports
    /// comes back.
    pub fn pdf(&self, path: &str, template: &str, data: &impl Serialize) -> Result<Typeset, Vec<Diagnostic>> {
        let serialize = |e: serde_json::Error| vec![Diagnostic::error(format!("cannot serialize the data: {e}"))];
        let mut value = serde_json::to_value(data).map_err(serialize)?;
        #[cfg(feature = "pdf")]
        {
            // The font families at hand (lowercase), so the layout can ask for
            // only the ones this machine has.
            value["fonts"] = serde_json::json!(self.fonts.families());
            let json = serde_json::to_vec(&value).map_err(serialize)?;
            world::compile_pdf(path, template, json, &self.fonts)
        }
        #[cfg(not(feature = "pdf"))]
        {
            let _ = (path, template, &mut value);
            Err(vec![Diagnostic::error("this handbook tool was built without PDF support")])
        }
    }
}

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

/// The edition called `name`, or a diagnostic listing the ones there are.
pub fn find_edition<'a>(hb: &'a Handbook, name: Option<&str>) -> Result<&'a Edition> {
    let eds = &hb.settings.print.editions;
    let names: Vec<&str> = eds.iter().map(|e| e.name.as_str()).collect();
    match name {
        None => eds.first().ok_or_else(|| {
            Diagnostic::in_file(hb.settings_file.clone(), "no printed editions are configured")
                .with_hint("add `print: editions:` to the settings (see the README)")
        }),
        Some(n) => eds.iter().find(|e| e.name.value == n).ok_or_else(|| {
            let d = Diagnostic::in_file(hb.settings_file.clone(), format!("no edition `{n}`"));
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
