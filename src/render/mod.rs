//! Stage 3, render: model + templates → in-memory Markdown pages. Pure.
//!
//! Every page shape comes from a tera template in `theme/templates/`
//! (`<kind>.md.tera`), so a handbook changes its pages without touching Rust.
//! Autoescaping is on for every template with a Markdown-and-HTML escape
//! function: a template author cannot forget to escape content text.

pub mod escape;
pub mod view;

use crate::diagnostic::Diagnostic;
use crate::load::TEMPLATES_DIR;
use crate::model::{Handbook, sections};
use std::path::PathBuf;
use view::Views;

/// One rendered chapter page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The chapter id; the page is `<id>.md` in the book and `<id>.html` on the site.
    pub id: String,
    pub title: String,
    pub markdown: String,
}

/// The whole book as mdBook will see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBook {
    pub pages: Vec<Page>,
}

impl RenderedBook {
    /// mdBook's `SUMMARY.md` for these pages.
    pub fn summary(&self) -> String {
        let mut s = String::from("# Summary\n\n");
        for p in &self.pages {
            s.push_str(&format!("- [{}]({}.md)\n", escape::markdown(&p.title), p.id));
        }
        s
    }
}

/// Sets up tera in one place: templates, autoescape, escape function.
pub fn templates(sources: &[(String, String)]) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut t = tera::Tera::new();
    t.autoescape_on([".tera"]);
    t.set_escape_fn(escape::markdown_escape_fn);
    // `{{ id | anchor }}` writes mdBook's heading attribute ` {#id}`; tera would
    // read a literal `{#` in a template as the start of a comment.
    t.register_filter("anchor", |id: &str, _: tera::Kwargs, _: &tera::State| {
        if crate::model::Id::is_url_safe(id) {
            tera::Value::safe_string(&format!("{{#{id}}}"))
        } else {
            tera::Value::from(String::new())
        }
    });
    // One batch, so that includes resolve whatever the file order; tera stops at
    // the first broken template, which is the one worth fixing first.
    t.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| vec![template_error("", &e)])?;
    Ok(t)
}

/// Renders every chapter of a validated handbook with its kind's template.
pub fn render(hb: &Handbook, tera: &tera::Tera) -> Result<RenderedBook, Vec<Diagnostic>> {
    let secs = sections(hb);
    let views = Views { hb, sections: &secs };
    let mut pages = Vec::new();
    let mut diags = Vec::new();
    for ch in hb.ordered() {
        let name = format!("{}.md.tera", ch.kind());
        if !tera.contains_template(&name) {
            diags.push(
                Diagnostic::error(PathBuf::from(TEMPLATES_DIR).join(&name), 0, 0, format!("missing template `{name}`"))
                    .with_hint(format!("chapter `{}` is of kind `{}`; add {TEMPLATES_DIR}/{name}", ch.id(), ch.kind())),
            );
            continue;
        }
        let mut ctx = tera::Context::new();
        ctx.insert("chapter", &views.chapter(ch));
        match tera.render(&name, &ctx) {
            Ok(md) => pages.push(Page {
                id: ch.id().value.clone(),
                title: ch.head().title.value.clone(),
                markdown: tidy(&md),
            }),
            Err(e) => diags.push(template_error(&name, &e)),
        }
    }
    if diags.is_empty() { Ok(RenderedBook { pages }) } else { Err(diags) }
}

/// Collapses the blank lines template control flow leaves behind.
fn tidy(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut blank = 0;
    for line in md.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim_start_matches('\n').to_string()
}

/// A template error as a diagnostic pointing into `theme/templates/`.
fn template_error(name: &str, e: &tera::Error) -> Diagnostic {
    let file = PathBuf::from(TEMPLATES_DIR).join(name);
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    match report {
        Some(r) => {
            let span = r.span();
            let file = if r.filename().is_empty() { file } else { PathBuf::from(TEMPLATES_DIR).join(r.filename()) };
            // Some messages carry a rendered report after the first line; keep the sentence.
            let message = r.message().lines().next().unwrap_or("").trim_start_matches("error: ");
            Diagnostic::error(
                file,
                span.start_line as u32,
                span.start_col as u32 + 1,
                format!("template error: {message}"),
            )
            .with_hint("fix the template; see the README's section on templates for the data each page gets")
        }
        None => Diagnostic::error(file, 0, 0, format!("template error: {e}"))
            .with_hint("fix the template; see the README's section on templates for the data each page gets"),
    }
}
