//! The stages strung together: what `handbook check` and `handbook build` do.

use crate::diagnostic::{Diagnostic, Sources, has_errors};
use crate::model::{Handbook, sections};
use crate::render::RenderedBook;
use crate::search::index::SearchIndex;
use crate::search::rank::RankConfig;
use crate::{load, render, search, site, validate};
use std::path::{Path, PathBuf};

/// What a command produced: its diagnostics (errors and warnings) and the
/// sources they point into.
#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
    /// The rendered book, when the content was valid.
    pub book: Option<RenderedBook>,
}

impl Report {
    pub fn ok(&self) -> bool {
        !has_errors(&self.diagnostics)
    }
}

/// What checking produced: the report, and what building goes on with.
pub struct Checked {
    pub report: Report,
    pub handbook: Option<Handbook>,
    /// The browser search code from the theme.
    pub search_js: Option<String>,
    /// The theme's static files, copied into the site.
    pub static_files: Vec<(String, Vec<u8>)>,
    /// The question bank (authored questions and drills), when the content is valid.
    pub bank: Option<render::Bank>,
}

/// Loads, validates and renders (in memory): everything but writing.
///
/// Semantic problems are all reported at once; a file that does not parse
/// contributes its first syntax or type error.
pub fn check(root: &Path) -> Checked {
    let loaded = load::load(root);
    let mut report = Report { diagnostics: loaded.diagnostics.clone(), sources: loaded.sources.clone(), book: None };
    let handbook = loaded.handbook();
    if let Some(hb) = &handbook {
        report.diagnostics.extend(validate::validate(hb, &loaded.gaps()));
    }
    let tera = match render::templates(&loaded.templates) {
        Ok(t) => Some(t),
        Err(d) => {
            report.diagnostics.extend(d);
            None
        }
    };
    let mut bank = None;
    if report.ok()
        && let (Some(hb), Some(tera)) = (&handbook, &tera)
    {
        match render::bank(hb, tera).and_then(|b| render::render(hb, tera, &b).map(|book| (b, book))) {
            Ok((b, book)) => {
                report.book = Some(book);
                bank = Some(b);
            }
            Err(d) => report.diagnostics.extend(d),
        }
    }
    Checked { report, handbook, search_js: loaded.search_js, static_files: loaded.static_files, bank }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder; relative paths are taken from the current directory.
    pub out: PathBuf,
    /// Also write the Markdown book mdBook was given, as a standalone mdBook project.
    pub emit_markdown: Option<PathBuf>,
}

/// Checks, renders, indexes and builds the site; the previous output stays
/// untouched on any error.
pub fn build(root: &Path, opts: &BuildOptions) -> Report {
    let Checked { mut report, handbook, search_js, static_files, .. } = check(root);
    let (Some(book), Some(hb)) = (report.book.as_ref().filter(|_| report.ok()), handbook) else {
        return report;
    };
    let result = (|| {
        let js = search_js.ok_or_else(|| {
            Diagnostic::error(load::SEARCH_JS, 0, 0, "missing the browser search code")
                .with_hint("the site's search needs theme/search/search.js; copy it from the handbook tool's theme")
        })?;
        let cfg = search_config(&hb);
        let weights = &hb.settings.search.weights;
        let idx = SearchIndex::build(&sections(&hb), |s| weights.of(s.kind))
            .map_err(|e| search_error("cannot build the search index", e))?;
        let mut extra =
            search::export::export(&idx, &cfg, &js).map_err(|e| search_error("cannot export the search data", e))?;
        // The theme's static files, but for those the export already wrote (search.js, with its data).
        for (path, bytes) in static_files {
            if !extra.iter().any(|f| f.path == path) {
                extra.push(site::ExtraFile { path, bytes });
            }
        }
        let persist = |site: &Path| {
            idx.persist(&site.join(search::INDEX_DIR)).map_err(|e| search_error("cannot write the search index", e))
        };
        site::build(root, book, &extra, &opts.out, opts.emit_markdown.as_deref(), &persist)
    })();
    if let Err(d) = result {
        report.diagnostics.push(d);
    }
    report
}

/// The ranking configuration of a handbook (synonyms and ignored words from the settings).
pub fn search_config(hb: &Handbook) -> RankConfig {
    let s = &hb.settings.search;
    let synonyms = s.synonyms.iter().map(|g| g.iter().map(|t| t.value.clone()).collect()).collect();
    RankConfig::new(synonyms, s.ignore.iter().map(|t| t.value.clone()).collect())
}

fn search_error(what: &str, e: tantivy::TantivyError) -> Diagnostic {
    Diagnostic::error(search::INDEX_DIR, 0, 0, format!("{what}: {e}"))
        .with_hint("this is a bug or a disk problem; please report it with the message")
}

/// The formats `handbook quiz export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuizFormat {
    Gift,
    MoodleXml,
}

/// The whole question bank (authored questions, then drills) in an LMS format.
pub fn export_quiz(root: &Path, format: QuizFormat) -> (Report, Option<String>) {
    let Checked { report, bank, .. } = check(root);
    let Some(bank) = bank.filter(|_| report.ok()) else {
        return (report, None);
    };
    let items: Vec<crate::quiz::Item> = bank.authored.into_iter().chain(bank.drills).collect();
    let text = match format {
        QuizFormat::Gift => crate::quiz::export::gift(&items),
        QuizFormat::MoodleXml => crate::quiz::export::moodle_xml(&items),
    };
    (report, Some(text))
}
