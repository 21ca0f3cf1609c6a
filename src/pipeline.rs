//! The stages strung together: what `handbook check` and `handbook build` do.

use crate::diagnostic::{Diagnostic, Sources, has_errors};
use crate::model::Handbook;
use crate::render::RenderedBook;
use crate::{load, render, site, validate};
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

/// Loads, validates and renders (in memory): everything but writing.
///
/// Semantic problems are all reported at once; a file that does not parse
/// contributes its first syntax or type error.
pub fn check(root: &Path) -> (Report, Option<Handbook>) {
    let loaded = load::load(root);
    let mut report = Report {
        diagnostics: loaded.diagnostics.clone(),
        sources: loaded.sources.clone(),
        book: None,
    };
    let handbook = loaded.handbook();
    if let Some(hb) = &handbook {
        report
            .diagnostics
            .extend(validate::validate(hb, &loaded.gaps()));
    }
    let tera = match render::templates(&loaded.templates) {
        Ok(t) => Some(t),
        Err(d) => {
            report.diagnostics.extend(d);
            None
        }
    };
    if report.ok()
        && let (Some(hb), Some(tera)) = (&handbook, &tera)
    {
        match render::render(hb, tera) {
            Ok(book) => report.book = Some(book),
            Err(d) => report.diagnostics.extend(d),
        }
    }
    (report, handbook)
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder; relative paths are taken from the current directory.
    pub out: PathBuf,
    /// Also write the Markdown book mdBook was given, as a standalone mdBook project.
    pub emit_markdown: Option<PathBuf>,
}

/// Checks, renders and builds the site; the previous output stays untouched on any error.
pub fn build(root: &Path, opts: &BuildOptions) -> Report {
    let (mut report, _hb) = check(root);
    let Some(book) = report.book.as_ref().filter(|_| report.ok()) else {
        return report;
    };
    if let Err(d) = site::build(root, book, &[], &opts.out, opts.emit_markdown.as_deref()) {
        report.diagnostics.push(d);
    }
    report
}
