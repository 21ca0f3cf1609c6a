//! Stage 3, render: model + templates → in-memory Markdown pages. Pure.
//!
//! Every page shape comes from a tera template in `theme/templates/`
//! (`<kind>.md.tera`), so a handbook changes its pages without touching Rust.
//! Autoescaping is on for every template with a Markdown-and-HTML escape
//! function: a template author cannot forget to escape content text.

pub mod view;

use crate::diagnostic::Diagnostic;
use crate::escape;
use crate::layout::{OutFile, PRACTICE, PROGRESS, QUIZ_DATA_DIR, REVIEW, TEMPLATES_DIR};
use crate::model::{Handbook, Sections};
use crate::quiz::{Bank, Item};
use rayon::prelude::*;
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

/// The whole book as mdBook will see it, with its chapter list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedBook {
    pub pages: Vec<Page>,
    /// The sidebar's chapter list as a script (`sidebar.js.tera`), loaded by
    /// every page: one copy for the site instead of one per page.
    pub sidebar_js: String,
    /// The chapter list as a page of its own (`toc.html.tera`), for browsers without scripts.
    pub toc_html: String,
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

/// The theme's templates, each escaped for what it writes: Markdown pages
/// (`.md.tera`) with the Markdown escaper, HTML pages (`.html.tera`) with
/// HTML's (a Markdown backslash would show there). Text templates
/// (`.txt.tera`, e.g. drill wording) produce plain text that is escaped later,
/// where it lands; script templates (`.js.tera`) use `json_script`.
pub struct Templates {
    markdown: tera::Tera,
    html: tera::Tera,
}

impl Templates {
    pub fn contains_template(&self, name: &str) -> bool {
        self.markdown.contains_template(name)
    }

    /// Renders `name` with the escaper its extension calls for.
    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, tera::Error> {
        if name.ends_with(".html.tera") { self.html.render(name, ctx) } else { self.markdown.render(name, ctx) }
    }
}

/// Sets up tera in one place: templates, autoescape, escape functions, filters.
pub fn templates(sources: &[(String, String)]) -> Result<Templates, Vec<Diagnostic>> {
    let markdown = engine(sources, ".md.tera", Some(escape::markdown_escape_fn))?;
    // Tera's default escape function is HTML's.
    let html = engine(sources, ".html.tera", None)?;
    Ok(Templates { markdown, html })
}

fn engine(
    sources: &[(String, String)],
    escaped: &'static str,
    escape_fn: Option<tera::EscapeFn>,
) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut t = tera::Tera::new();
    t.autoescape_on([escaped]);
    if let Some(f) = escape_fn {
        t.set_escape_fn(f);
    }
    // `{{ id | anchor }}` writes mdBook's heading attribute ` {#id}`; tera would
    // read a literal `{#` in a template as the start of a comment.
    // `{{ text | html }}`: for raw HTML blocks in a page, where Markdown escapes would show.
    t.register_filter("html", |s: &str, _: tera::Kwargs, _: &tera::State| {
        tera::Value::safe_string(&escape::html_in_markdown(s))
    });
    // `{{ value | json_script }}`: JSON that is safe inside a `<script>` element.
    t.register_filter("json_script", |v: &tera::Value, _: tera::Kwargs, _: &tera::State| {
        tera::Value::safe_string(&escape::json_script(v))
    });
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

/// A file the first page links to, e.g. a printed edition's PDF.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Download {
    /// `edition`, `word` (an edition as a Word document) or `exam`: the
    /// template words each its own way.
    pub kind: &'static str,
    pub title: String,
    /// An edition's subtitle, or an exam form's label (`A`, `B`, …).
    pub note: Option<String>,
    /// Relative to the site root.
    pub url: String,
}

const DRILL_TEMPLATE: &str = "drill.txt.tera";

/// Builds the question bank: authored questions, and drills worded by the
/// theme's `drill.txt.tera` (when the settings ask for drills).
pub fn bank(hb: &Handbook, secs: &Sections, tera: &Templates) -> Result<Bank, Vec<Diagnostic>> {
    let authored = crate::quiz::authored(hb, secs);
    let q = &hb.settings.quiz;
    if !q.drills {
        return Ok(Bank { authored, drills: vec![] });
    }
    need(
        tera,
        DRILL_TEMPLATE,
        "missing the drill wording template",
        "drills are on (`quiz: drills: true` in the settings): add the template, or turn drills off",
    )
    .map_err(|d| vec![d])?;
    let error = std::cell::RefCell::new(None);
    let phrase = |p: &crate::quiz::drills::Phrase| {
        let mut ctx = tera::Context::new();
        ctx.insert("drill", p);
        match tera.render(DRILL_TEMPLATE, &ctx) {
            Ok(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Err(e) => {
                error.borrow_mut().get_or_insert(template_error(DRILL_TEMPLATE, &e));
                None
            }
        }
    };
    let drills = crate::quiz::drills::drills(hb, secs, q.drills_per_chapter, q.seed, &phrase);
    match error.into_inner() {
        Some(d) => Err(vec![d]),
        None => Ok(Bank { authored, drills }),
    }
}

/// Renders every chapter of a validated handbook with its kind's template,
/// then the practice page when there are drills.
pub fn render(
    hb: &Handbook,
    secs: &Sections,
    tera: &Templates,
    bank: &Bank,
    downloads: &[Download],
) -> Result<RenderedBook, Vec<Diagnostic>> {
    let views = Views { hb, sections: secs };
    let mut pages = Vec::new();
    let mut diags = Vec::new();
    let mut quizzes: std::collections::HashMap<&str, Vec<&Item>> = Default::default();
    for q in &bank.authored {
        quizzes.entry(q.chapter.as_str()).or_default().push(q);
    }
    // Pages render independently (tera is shared read-only): on every core (a
    // page takes longer than starting a thread). The practice page comes last.
    let mut jobs: Vec<Option<(usize, &crate::model::Chapter)>> =
        hb.ordered().into_iter().enumerate().map(Some).collect();
    if !bank.drills.is_empty() {
        jobs.push(None);
    }
    let rendered: Vec<_> = jobs
        .par_iter()
        .map(|job| {
            let Some((i, ch)) = *job else { return practice(hb, tera, bank) };
            let name = format!("{}.md.tera", ch.kind());
            need(
                tera,
                &name,
                &format!("missing template `{name}`"),
                &format!("chapter `{}` is of kind `{}`; add {TEMPLATES_DIR}/{name}", ch.id(), ch.kind()),
            )?;
            let mut ctx = tera::Context::new();
            let mut chapter = views.chapter(ch);
            let items = quizzes.get(ch.id().as_str()).map_or(&[][..], Vec::as_slice);
            chapter.quiz = view::QuizView::new(&format!("quiz-{}", ch.id()), items);
            ctx.insert("chapter", &chapter);
            // The first page (also the site's index) offers the printed editions.
            ctx.insert("downloads", if i == 0 { downloads } else { &[] });
            match tera.render(&name, &ctx) {
                Ok(md) => {
                    Ok(Page { id: ch.id().value.clone(), title: ch.head().title.value.clone(), markdown: tidy(&md) })
                }
                Err(e) => Err(template_error(&name, &e)),
            }
        })
        .collect();
    for r in rendered {
        match r {
            Ok(p) => pages.push(p),
            // A broken template shared by several pages (an include) fails
            // each alike: say it once.
            Err(d) if diags.contains(&d) => {}
            Err(d) => diags.push(d),
        }
    }
    for (id, template) in [(REVIEW, "review.md.tera"), (PROGRESS, "progress.md.tera")] {
        match learn_page(tera, id, template) {
            Ok(p) => pages.push(p),
            Err(d) => diags.push(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let (sidebar_js, toc_html) = navigation(hb, tera, &pages, &quizzes).map_err(|d| vec![d])?;
    Ok(RenderedBook { pages, sidebar_js, toc_html })
}

/// The name readers' progress is kept under in the browser: the settings'
/// `id`, else one made from the chapters' ids (stable while they are).
pub fn identity(hb: &Handbook) -> String {
    use sha2::{Digest, Sha256};
    match &hb.settings.id {
        Some(id) => id.value.clone(),
        None => {
            let ids: Vec<&str> = hb.settings.chapters.iter().map(|c| c.as_str()).collect();
            let digest = Sha256::digest(ids.join("\n").as_bytes());
            format!("chapters-{}", digest[..6].iter().map(|b| format!("{b:02x}")).collect::<String>())
        }
    }
}

/// The review page or the progress page: a frame the page script
/// (`static/learn/learn.js`) fills in the browser. Its title is its
/// template's first `<h1>`; the pages are raw HTML, so the print page can
/// leave them out.
fn learn_page(tera: &Templates, id: &str, name: &str) -> Result<Page, Diagnostic> {
    need(
        tera,
        name,
        &format!("missing template `{name}`"),
        "copy it from the handbook tool's theme (`handbook init` writes it)",
    )?;
    let md = tidy(&tera.render(name, &tera::Context::new()).map_err(|e| template_error(name, &e))?);
    let title = md
        .split_once("<h1")
        .and_then(|(_, rest)| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split_once("</h1>"))
        .map(|(t, _)| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| id.to_string());
    Ok(Page { id: id.to_string(), title, markdown: md })
}

/// Each chapter's questions (its quiz and its drills) as a script the review
/// page loads when a question of that chapter is due: `quiz/data/<id>.js`,
/// calling `HandbookLearn.data({chapter, questions})`. JSON made safe for a script.
pub fn quiz_data(hb: &Handbook, bank: &Bank) -> Vec<OutFile> {
    let mut by_chapter: std::collections::HashMap<&str, Vec<&Item>> = Default::default();
    for q in bank.authored.iter().chain(&bank.drills) {
        by_chapter.entry(q.chapter.as_str()).or_default().push(q);
    }
    hb.ordered()
        .iter()
        .filter_map(|ch| {
            let items = by_chapter.get(ch.id().as_str())?;
            let quiz = view::QuizView::new(ch.id().as_str(), items)?;
            let data = serde_json::json!({ "chapter": ch.id().as_str(), "questions": quiz.questions });
            let script = format!("HandbookLearn.data({});\n", escape::json_script(&data));
            Some(OutFile { path: format!("{QUIZ_DATA_DIR}/{}.js", ch.id()), bytes: script.into_bytes() })
        })
        .collect()
}

/// The chapter list, rendered once for the whole site by `sidebar.js.tera` and
/// `toc.html.tera` (mdBook's own chapter list is copied into the data of every
/// page it renders, which makes a big book's build quadratic).
fn navigation(
    hb: &Handbook,
    tera: &Templates,
    pages: &[Page],
    quizzes: &std::collections::HashMap<&str, Vec<&Item>>,
) -> Result<(String, String), Diagnostic> {
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        id: &'a str,
        url: String,
        title: &'a str,
        /// How many questions its quiz has (the progress page's scores).
        questions: usize,
    }
    let entries: Vec<Entry> = pages
        .iter()
        .map(|p| Entry {
            id: &p.id,
            url: format!("{}.html", p.id),
            title: &p.title,
            questions: quizzes.get(p.id.as_str()).map_or(0, Vec::len),
        })
        .collect();
    // For the script every page loads: `[id, title, questions]`, the page
    // being `<id>.html` (a third of the bytes of the objects above, which
    // counts at thousands of chapters).
    let compact: Vec<(&str, &str, usize)> = entries.iter().map(|e| (e.id, e.title, e.questions)).collect();
    let mut ctx = tera::Context::new();
    ctx.insert("pages", &entries);
    ctx.insert("compact_pages", &compact);
    ctx.insert("handbook", &identity(hb));
    let mut out = Vec::new();
    for name in ["sidebar.js.tera", "toc.html.tera"] {
        need(
            tera,
            name,
            "missing the chapter list template",
            "every site needs its chapter list: copy the template from the handbook tool's theme",
        )?;
        out.push(tera.render(name, &ctx).map_err(|e| template_error(name, &e))?);
    }
    let toc = out.pop().unwrap_or_default();
    Ok((out.pop().unwrap_or_default(), toc))
}

/// The practice page: the drills, grouped by chapter. Its title is the settings'
/// `practice_title`, else the first heading the template writes.
fn practice(hb: &Handbook, tera: &Templates, bank: &Bank) -> Result<Page, Diagnostic> {
    let name = "practice.md.tera";
    need(
        tera,
        name,
        "missing the practice page template",
        "drills are on: add the template, or set `quiz: drills: false` in the settings",
    )?;
    let mut drills: std::collections::HashMap<&str, Vec<&Item>> = Default::default();
    for q in &bank.drills {
        drills.entry(q.chapter.as_str()).or_default().push(q);
    }
    let groups: Vec<view::PracticeGroup> = hb
        .ordered()
        .iter()
        .filter_map(|ch| {
            let items = drills.get(ch.id().as_str()).map_or(&[][..], Vec::as_slice);
            let quiz = view::QuizView::new(&format!("drills-{}", ch.id()), items)?;
            Some(view::PracticeGroup { chapter: ch.head().title.value.clone(), quiz })
        })
        .collect();
    let mut ctx = tera::Context::new();
    let title = hb.settings.quiz.practice_title.as_ref().map(|t| t.value.clone());
    ctx.insert("title", &title);
    ctx.insert("groups", &groups);
    let md = tera.render(name, &ctx).map_err(|e| template_error(name, &e))?;
    let md = tidy(&md);
    let title = title.or_else(|| {
        md.lines().find_map(|l| l.strip_prefix("# ")).map(|t| t.split(" {#").next().unwrap_or(t).trim().to_string())
    });
    Ok(Page { id: PRACTICE.to_string(), title: title.unwrap_or_else(|| PRACTICE.to_string()), markdown: md })
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

/// A template the theme must have, or the diagnostic that says so.
fn need(tera: &Templates, name: &str, message: &str, hint: &str) -> Result<(), Diagnostic> {
    if tera.contains_template(name) {
        return Ok(());
    }
    Err(Diagnostic::in_file(PathBuf::from(TEMPLATES_DIR).join(name), message).with_hint(hint))
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
            let pos = crate::model::Pos { line: span.start_line as u32, column: span.start_col as u32 + 1 };
            Diagnostic::at(file, pos, format!("template error: {message}"))
                .with_span(span.range.clone())
                .with_hint("fix the template; see the README's section on templates for the data each page gets")
        }
        None => Diagnostic::in_file(file, format!("template error: {e}"))
            .with_hint("fix the template; see the README's section on templates for the data each page gets"),
    }
}
