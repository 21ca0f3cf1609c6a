//! The stages strung together: what `check`, `build`, `print` and `quiz
//! export` do. The only module that knows every stage; it owns the threads
//! and decides what is written where.

mod incremental;

pub use incremental::{Incremental, Rebuilt};

use crate::diagnostic::{Diagnostic, Result, Sources, has_errors};
use crate::layout::{OutFile, SEARCH_DIR};
use crate::model::{Handbook, SearchSettings, Sections, sections};
use crate::print::{FontOptions, Printer};
use crate::progress::{Progress, quiet};
use crate::quiz::Bank;
use crate::render::{Download, RenderedBook};
use crate::{load, print, render, search, site, validate};
use mdbook_driver::config::Config;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// What a command produced: its diagnostics (errors and warnings), the
/// sources they point into, and its value when it worked.
#[derive(Debug)]
pub struct Report<T = RenderedBook> {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
    /// The rendered book of `check` and `build`, the PDF of `print`…: `None` on errors.
    pub value: Option<T>,
}

impl<T> Default for Report<T> {
    fn default() -> Self {
        Report { diagnostics: Vec::new(), sources: Sources::new(), value: None }
    }
}

impl<T> From<Diagnostic> for Report<T> {
    /// The report of a command that failed before the pipeline ran.
    fn from(d: Diagnostic) -> Self {
        Report { diagnostics: vec![d], ..Report::default() }
    }
}

impl<T> Report<T> {
    pub fn ok(&self) -> bool {
        !has_errors(&self.diagnostics)
    }

    /// The same diagnostics with another value.
    fn map<U>(self, f: impl FnOnce(T) -> Option<U>) -> Report<U> {
        Report { diagnostics: self.diagnostics, sources: self.sources, value: self.value.and_then(f) }
    }

    fn fail(mut self, d: impl IntoIterator<Item = Diagnostic>) -> Self {
        self.diagnostics.extend(d);
        self.value = None;
        self
    }
}

/// What checking produced: the report, and what building goes on with.
pub struct Checked {
    pub report: Report,
    /// Everything else building needs, when the content is valid.
    pub valid: Option<Valid>,
}

/// A handbook that loaded and validated, with what the later stages need.
pub struct Valid {
    pub handbook: Handbook,
    /// The handbook's sections, made once for validation, rendering and the index.
    pub sections: Arc<Sections>,
    pub bank: Bank,
    /// The page templates, set up (to render again, e.g. with download links).
    pub tera: render::Templates,
    pub book_config: Config,
    /// The browser search code from the theme.
    pub search_js: Option<String>,
    /// The theme's static files, copied into the site.
    pub static_files: Vec<(String, Vec<u8>)>,
    /// The print layout from the theme.
    pub print_template: Option<String>,
    /// The exam layout from the theme.
    pub exam_template: Option<String>,
    /// The summary card's layout from the theme.
    pub card_template: Option<String>,
    /// The exam papers' words from the theme.
    pub exam_words: Option<crate::model::ExamWords>,
}

/// Exams that ask for more questions of a type than the bank can give, at
/// the exam's line in the settings, with the count there is.
fn exam_shortages(hb: &Handbook, bank: &Bank) -> Vec<Diagnostic> {
    hb.settings
        .print
        .exams
        .iter()
        .flat_map(|e| {
            crate::quiz::exam::shortages(bank, e).into_iter().map(move |(kind, asked, there)| {
                Diagnostic::at(
                    &hb.settings_file,
                    e.name.pos,
                    format!("exam `{}` asks for {asked} `{kind}` questions; the bank holds {there}", e.name),
                )
                .with_hint(format!(
                    "ask for at most {there}, write more `{kind}` questions in content/quiz/, or widen the exam's `chapters:` or `from:`"
                ))
            })
        })
        .collect()
}

/// Loads, validates and renders (in memory): everything but writing.
///
/// Semantic problems are all reported at once; a file that does not parse
/// contributes its first syntax or type error.
pub fn check(root: &Path) -> Checked {
    check_with_progress(root, &quiet)
}

/// [`check`], telling `progress` which stage starts.
pub fn check_with_progress(root: &Path, progress: Progress<'_>) -> Checked {
    check_cached(root, None, progress, &|_| {})
}

/// What checking tells a build as it goes, so that the build can start its
/// search index's work early.
enum Checking<'a> {
    /// The sections are made (not yet validated), with the handbook and the
    /// theme's browser search code.
    Sections(&'a Handbook, &'a Arc<Sections>, Option<&'a str>),
    /// Whether the content validated (before the question bank and rendering).
    Validated(bool),
}

type Hook<'a> = &'a dyn Fn(Checking<'_>);

/// [`check`], re-parsing only the content files `cache` (if any) does not
/// hold as they are now, telling `progress` which stage starts and `hook`
/// when the sections are made and whether they validated.
fn check_cached(root: &Path, cache: Option<&mut load::ParseCache>, progress: Progress<'_>, hook: Hook<'_>) -> Checked {
    progress("load");
    // A cache only where it is kept (`serve`): filling one copies every file's text and model.
    let mut loaded = match cache {
        Some(cache) => load::load_cached(root, cache),
        None => load::load(root),
    };
    let mut report: Report = Report {
        diagnostics: std::mem::take(&mut loaded.diagnostics),
        sources: std::mem::take(&mut loaded.sources),
        value: None,
    };
    let handbook = loaded.take_handbook();
    // Shared with the search index's thread, not copied.
    let secs = handbook.as_ref().map(|hb| Arc::new(sections(hb)));
    if let (Some(hb), Some(secs)) = (&handbook, &secs) {
        hook(Checking::Sections(hb, secs, loaded.search_js.as_deref()));
        progress("validate");
        report.diagnostics.extend(validate::validate(hb, secs, &validate::Gaps { complete: loaded.complete() }));
    }
    if let Some(words) = &loaded.exam_words {
        report.diagnostics.extend(validate::check_exam_words(words));
    }
    report.diagnostics.extend(loaded.search_js.as_deref().and_then(search::check_code));
    let tera = render::templates(&loaded.templates).map_err(|d| report.diagnostics.extend(d)).ok();
    let (Some(handbook), Some(secs), Some(tera), Some(book_config)) = (handbook, secs, tera, loaded.book_config) else {
        hook(Checking::Validated(false));
        return Checked { report, valid: None };
    };
    if !report.ok() {
        hook(Checking::Validated(false));
        return Checked { report, valid: None };
    }
    hook(Checking::Validated(true));
    progress("question bank");
    let rendered = render::bank(&handbook, &secs, &tera).and_then(|bank| {
        progress("render");
        render::render(&handbook, &secs, &tera, &bank, &[]).map(|book| (bank, book))
    });
    let short = rendered.as_ref().map_or_else(|_| Vec::new(), |(bank, _)| exam_shortages(&handbook, bank));
    match rendered {
        Ok(_) if !short.is_empty() => Checked { report: report.fail(short), valid: None },
        Ok((bank, book)) => {
            report.value = Some(book);
            let valid = Valid {
                handbook,
                sections: secs,
                bank,
                tera,
                book_config,
                search_js: loaded.search_js,
                static_files: loaded.static_files,
                print_template: loaded.print_template,
                exam_template: loaded.exam_template,
                card_template: loaded.card_template,
                exam_words: loaded.exam_words,
            };
            Checked { report, valid: Some(valid) }
        }
        Err(d) => Checked { report: report.fail(d), valid: None },
    }
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder; relative paths are taken from the current directory.
    pub out: PathBuf,
    /// Also write the Markdown book mdBook was given, as a standalone mdBook project.
    pub emit_markdown: Option<PathBuf>,
    /// Leave the printed editions out of the site (e.g. while editing).
    pub no_pdf: bool,
    /// Pages only: no search index or data (the HTML stage alone, to compare with plain mdBook).
    pub html_only: bool,
    pub fonts: FontOptions,
}

/// Checks, renders, indexes and builds the site; the previous output stays
/// untouched on any error.
pub fn build(root: &Path, opts: &BuildOptions) -> Report {
    build_with_progress(root, opts, &quiet)
}

/// [`build`], telling `progress` which stage starts (for a progress display).
pub fn build_with_progress(root: &Path, opts: &BuildOptions, progress: Progress<'_>) -> Report {
    // Whether the content validated, for the pace of the search thread's early work.
    const PENDING: u8 = 0;
    const VALID: u8 = 1;
    const INVALID: u8 = 2;
    let verdict = std::sync::atomic::AtomicU8::new(PENDING);
    std::thread::scope(|scope| {
        if !opts.html_only {
            // The semantic layer's table is decoded while the content loads,
            // on the core that would otherwise wait.
            scope.spawn(search::near::Table::get);
        }
        // The search index's work starts on a second thread as soon as the
        // sections are made, beside validation: the near words first, which
        // it gives up if the content does not validate; the index and the
        // browser's data once it has, beside the question bank, the pages and mdBook.
        // The verdict reaches that thread twice: `verdict`, read between two
        // slices of near words without waiting; and a channel it waits on
        // before the index, whose sender, dropped unsent (a panic while
        // validating), is a no rather than a wait that never ends.
        let early = std::sync::Mutex::new(None);
        let sender = std::sync::Mutex::new(None::<std::sync::mpsc::Sender<bool>>);
        let (early_ref, sender_ref, verdict) = (&early, &sender, &verdict);
        let hook = move |event: Checking<'_>| match event {
            Checking::Sections(hb, secs, js) if !opts.html_only => {
                // Only the settings' search block is copied; the sections are shared.
                let (settings, secs, js) = (hb.settings.search.clone(), secs.clone(), js.map(str::to_string));
                let (tx, rx) = std::sync::mpsc::channel();
                *sender_ref.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
                let job = scope.spawn(move || {
                    progress("index and export");
                    // On this thread alone while the main one validates (two
                    // cores, two threads), on every core once it has.
                    let pace = || match verdict.load(Ordering::Relaxed) {
                        PENDING => search::index::Pace::Alone,
                        VALID => search::index::Pace::Wide,
                        _ => search::index::Pace::Stop,
                    };
                    let made = search::Made::paced(&settings, &secs, &pace);
                    // No verdict (the sender gone) is a no.
                    let files = match (made, rx.recv()) {
                        (Some(made), Ok(true)) => made.files(js.as_deref()),
                        _ => Ok(Vec::new()),
                    };
                    progress(""); // this thread's last stage ends here, not when the build does
                    files
                });
                *early_ref.lock().unwrap_or_else(|e| e.into_inner()) = Some(job);
            }
            Checking::Sections(..) => {}
            Checking::Validated(ok) => {
                verdict.store(if ok { VALID } else { INVALID }, Ordering::Relaxed);
                if let Some(tx) = sender_ref.lock().unwrap_or_else(|e| e.into_inner()).take() {
                    let _ = tx.send(ok);
                }
            }
        };
        let checked = check_cached(root, None, progress, &hook);
        let (report, prepared) = prepare(checked, opts, progress);
        let Some(p) = prepared else { return report };
        let early = early.into_inner().unwrap_or_else(|e| e.into_inner());
        let search = || match early {
            // A panic there goes on here, where `write_site` reports it.
            Some(job) => job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => p.search(progress),
        };
        match write_site(root, opts, &p, search, progress) {
            Ok((warnings, _)) => {
                let mut report = report;
                report.diagnostics.extend(warnings);
                report.value = Some(p.book);
                report
            }
            Err(d) => report.fail([d]),
        }
    })
}

/// The pages and files of a site, in memory, before search: what `serve`
/// compares between builds.
pub struct Prepared {
    pub book: RenderedBook,
    /// Files added after mdBook, search data aside: the theme's static files, PDFs.
    pub extra: Vec<OutFile>,
    config: Config,
    /// What the search index and data are made from (`None` for `html_only`).
    search: Option<(SearchSettings, Arc<Sections>, Option<String>)>,
}

impl Prepared {
    /// The search index and data (kept apart from the pages so `serve` can show an edited page first).
    pub fn search(&self, progress: Progress<'_>) -> Result<Vec<OutFile>> {
        match &self.search {
            Some((settings, secs, js)) => search::site_files(settings, secs, js.as_deref(), progress),
            None => Ok(Vec::new()),
        }
    }
}

/// Typesets the printed editions and gathers the files of a checked handbook:
/// everything but search and writing.
fn prepare(checked: Checked, opts: &BuildOptions, progress: Progress<'_>) -> (Report, Option<Prepared>) {
    let Checked { mut report, valid } = checked;
    let Some(v) = valid else { return (report, None) };
    // The printed editions, when the settings want them in the site and they can be made;
    // if not, one warning, and the site is built without the download link.
    let mut pdfs = Vec::new();
    let print = &v.handbook.settings.print;
    if !opts.no_pdf && print.in_site && !(print.editions.is_empty() && print.exams.is_empty()) {
        progress("typeset PDFs");
        match site_pdfs(&v, &opts.fonts) {
            Ok((files, warnings)) => {
                pdfs = files;
                // The PDFs are a by-product of the site: their warnings in one line;
                // `handbook print` shows each, where a template author works.
                if !warnings.is_empty() {
                    report.diagnostics.push(
                        Diagnostic::in_file(
                            crate::layout::PRINT_TEMPLATE,
                            format!("Typst reported {} warnings while typesetting the PDFs", warnings.len()),
                        )
                        .as_warning()
                        .with_hint("`handbook print --edition NAME` shows each of them"),
                    );
                }
            }
            Err(why) => report.diagnostics.push(
                Diagnostic::error(format!("PDFs not built: {}", why.message))
                    .as_warning()
                    .with_hint("the site is built without the download links")
                    .with_hint(why.hints.join("; ")),
            ),
        }
    }
    // The book editions as Word documents too (no fonts or Typst needed), beside the PDFs.
    if !opts.no_pdf && print.in_site {
        for ed in print.editions.iter().filter(|e| e.layout() == "book") {
            match print::docx::edition_docx(&print::edition_data(&v.handbook, &v.bank, ed)) {
                Ok(bytes) => {
                    let note = ed.subtitle.as_ref().map(|s| s.value.clone());
                    let url = format!("pdf/{}.docx", ed.name);
                    pdfs.push((Download { kind: "word", title: ed.title.value.clone(), note, url }, bytes));
                }
                Err(d) => report.diagnostics.push(d.as_warning().with_hint("the site is built without this link")),
            }
        }
    }
    let downloads: Vec<Download> = pdfs.iter().map(|(d, _)| d.clone()).collect();
    let book = match report.value.take() {
        Some(book) if downloads.is_empty() => book,
        _ => match render::render(&v.handbook, &v.sections, &v.tera, &v.bank, &downloads) {
            Ok(b) => b,
            Err(d) => return (report.fail(d), None),
        },
    };
    let mut extra: Vec<OutFile> = pdfs.into_iter().map(|(d, bytes)| OutFile { path: d.url, bytes }).collect();
    // Each chapter's questions, for the review page.
    extra.extend(render::quiz_data(&v.handbook, &v.bank));
    // The theme's static files; its search folder is the export's input (search.js), which writes that folder.
    let search_dir = format!("{SEARCH_DIR}/");
    extra.extend(
        v.static_files
            .into_iter()
            .filter(|(path, _)| !path.starts_with(&search_dir))
            .map(|(path, bytes)| OutFile { path, bytes }),
    );
    let search = (!opts.html_only).then_some((v.handbook.settings.search, v.sections, v.search_js));
    (report, Some(Prepared { book, extra, config: v.book_config, search }))
}

/// Writes a prepared site into `opts.out`, atomically (the whole folder at
/// once): mdBook renders the pages on this thread while `search` makes the
/// search files on a second, which writes them beside. Returns the warnings
/// and the search files written.
fn write_site(
    root: &Path,
    opts: &BuildOptions,
    p: &Prepared,
    search: impl FnOnce() -> Result<Vec<OutFile>> + Send,
    progress: Progress<'_>,
) -> Result<(Vec<Diagnostic>, Vec<OutFile>)> {
    if let Some(dir) = &opts.emit_markdown {
        site::refuse_emit_target(root, &opts.out, dir)?;
    }
    let staging = site::Staging::new(root, &opts.out)?;
    let (pages, side) = std::thread::scope(|s| {
        let job = s.spawn(|| {
            let files = search()?;
            if !files.is_empty() {
                progress("write search files");
                staging.write_beside(&files)?;
            }
            progress("");
            Ok(files)
        });
        let pages = staging.render_pages(root, &p.config, &p.book, &p.extra, progress);
        progress("wait for search");
        let side = job.join().unwrap_or_else(|_| {
            Err(Diagnostic::error("the search index build panicked")
                .with_hint("this is a bug; please report it with the content that triggers it"))
        });
        (pages, side)
    });
    let warnings = pages?;
    let files = side?;
    if let Some(dir) = &opts.emit_markdown {
        progress("emit Markdown");
        staging.emit_markdown(root, &p.config, &p.book, dir)?;
    }
    progress("swap into place");
    staging.commit()?;
    Ok((warnings, files))
}

/// The site's PDFs: each edition's download link with its bytes.
type SitePdfs = Vec<(Download, Vec<u8>)>;

/// Every edition's PDF for the site, with Typst's warnings, or why they cannot be made.
fn site_pdfs(v: &Valid, fonts: &FontOptions) -> Result<(SitePdfs, Vec<Diagnostic>)> {
    let printer = Printer::new(fonts)?;
    let (mut out, mut warnings) = (Vec::new(), Vec::new());
    for ed in &v.handbook.settings.print.editions {
        let (path, template) = edition_template(v, ed)?;
        let data = print::edition_data(&v.handbook, &v.bank, ed);
        let mut typeset = printer.pdf(path, template, &data).map_err(|mut errs| errs.remove(0))?;
        warnings.append(&mut typeset.warnings);
        let note = ed.subtitle.as_ref().map(|s| s.value.clone());
        out.push((
            Download { kind: "edition", title: ed.title.value.clone(), note, url: print::site_path(ed) },
            typeset.pdf,
        ));
    }
    // The exam papers (not their keys: the site is for the trainees too).
    // With the theme's exam layout and words (an older theme may lack them).
    if let (Some(template), Some(_)) = (v.exam_template.as_deref(), &v.exam_words) {
        for e in &v.handbook.settings.print.exams {
            for (show, mut typeset) in
                exam_pdfs(v, &printer, template, e, e.seed, false).map_err(|mut errs| errs.remove(0))?
            {
                warnings.append(&mut typeset.warnings);
                let url = format!("pdf/{}-{show}.pdf", e.name);
                out.push((Download { kind: "exam", title: e.title.value.clone(), note: Some(show), url }, typeset.pdf));
            }
        }
    }
    Ok((out, warnings))
}

/// Typesets an exam's forms (and, with `key`, its answer key): (label or
/// `key`, typeset) in that order.
fn exam_pdfs(
    v: &Valid,
    printer: &Printer,
    template: &str,
    e: &crate::model::Exam,
    seed: u64,
    key: bool,
) -> Result<Vec<(String, print::Typeset)>, Vec<Diagnostic>> {
    let words = exam_words(v)?;
    let forms = crate::quiz::exam::papers(&v.bank, e, seed).ok_or_else(|| exam_shortages(&v.handbook, &v.bank))?;
    let mut shows: Vec<String> = forms.iter().map(|f| f.label.clone()).collect();
    if key {
        shows.push("key".into());
    }
    shows
        .into_iter()
        .map(|show| {
            let data = crate::quiz::exam::data(e, forms.clone(), &show, words);
            Ok((show, printer.pdf(crate::layout::EXAM_TEMPLATE, template, &data)?))
        })
        .collect()
}

/// The layout an edition is typeset with: the book's, or the card's.
fn edition_template<'v>(v: &'v Valid, ed: &crate::model::Edition) -> Result<(&'static str, &'v str)> {
    let (path, template) = match ed.layout() {
        "card" => (crate::layout::CARD_TEMPLATE, &v.card_template),
        _ => (crate::layout::PRINT_TEMPLATE, &v.print_template),
    };
    let template = template.as_deref().ok_or_else(|| {
        Diagnostic::in_file(path, "missing the print template").with_hint("copy it from the handbook tool's theme")
    })?;
    Ok((path, template))
}

/// A printed edition as the CLI writes it: its name and its file (PDF or Word).
pub struct Printed {
    pub edition: String,
    pub pdf: Vec<u8>,
}

/// Typesets one edition (`handbook print`).
pub fn print(root: &Path, edition: Option<&str>, fonts: &FontOptions) -> Report<Printed> {
    let Checked { report, valid } = check(root);
    let Some(v) = valid else { return report.map(|_| None) };
    let mut report = report.map(|_| None);
    let printed = (|| {
        let ed = print::find_edition(&v.handbook, edition).map_err(|d| vec![d])?;
        let (path, template) = edition_template(&v, ed).map_err(|d| vec![d])?;
        let printer = Printer::new(fonts).map_err(|d| vec![d])?;
        let typeset = printer.pdf(path, template, &print::edition_data(&v.handbook, &v.bank, ed))?;
        Ok::<_, Vec<Diagnostic>>((ed.name.value.clone(), typeset))
    })();
    match printed {
        Ok((edition, mut typeset)) => {
            typeset.warnings.dedup_by(|a, b| a.message == b.message && a.location == b.location);
            report.diagnostics.extend(typeset.warnings);
            report.value = Some(Printed { edition, pdf: typeset.pdf });
            report
        }
        Err(d) => report.fail(d),
    }
}

/// The exams `handbook exam` writes: the one named, or every one.
fn chosen_exams<'v>(v: &'v Valid, name: Option<&str>) -> Result<Vec<&'v crate::model::Exam>, Vec<Diagnostic>> {
    let exams = &v.handbook.settings.print.exams;
    match name {
        Some(n) => {
            let found = exams.iter().find(|e| e.name.as_str() == n).ok_or_else(|| {
                let names: Vec<&str> = exams.iter().map(|e| e.name.as_str()).collect();
                let d = Diagnostic::in_file(&v.handbook.settings_file, format!("no exam named `{n}`"));
                vec![match crate::diagnostic::did_you_mean(n, names.iter().copied()) {
                    Some(m) => d.with_hint(format!("did you mean `{m}`?")),
                    None if names.is_empty() => d.with_hint("add one under `print: exams:` in the settings"),
                    None => d.with_hint(format!("exams: {}", names.join(", "))),
                }]
            })?;
            Ok(vec![found])
        }
        None if exams.is_empty() => Err(vec![
            Diagnostic::in_file(&v.handbook.settings_file, "the settings define no exam")
                .with_hint("add one under `print: exams:` (see the README, \"Exam papers\")"),
        ]),
        None => Ok(exams.iter().collect()),
    }
}

/// The theme's exam words, which every paper needs.
fn exam_words(v: &Valid) -> Result<&crate::model::ExamWords, Vec<Diagnostic>> {
    v.exam_words.as_ref().ok_or_else(|| {
        vec![
            Diagnostic::in_file(crate::layout::EXAM_WORDS, "missing the exam papers' words")
                .with_hint("copy theme/print/exam.yaml from the handbook tool's theme (`handbook init` writes it)"),
        ]
    })
}

/// What `handbook exam` writes, in order: (file name, bytes).
pub type Papers = Vec<(String, Vec<u8>)>;

/// Exam papers as `handbook exam` writes them: (file name, PDF), every form
/// of every exam asked for, then its key.
pub fn exam(root: &Path, name: Option<&str>, seed: Option<u64>, fonts: &FontOptions) -> Report<Papers> {
    let Checked { report, valid } = check(root);
    let Some(v) = valid else { return report.map(|_| None) };
    let mut report = report.map(|_| None);
    let written = (|| {
        let chosen = chosen_exams(&v, name)?;
        let template = v.exam_template.as_deref().ok_or_else(|| {
            vec![
                Diagnostic::in_file(crate::layout::EXAM_TEMPLATE, "missing the exam template")
                    .with_hint("copy theme/print/exam.typ from the handbook tool's theme (`handbook init` writes it)"),
            ]
        })?;
        let printer = Printer::new(fonts).map_err(|d| vec![d])?;
        let mut files = Vec::new();
        let mut warnings = Vec::new();
        for e in chosen {
            for (show, typeset) in exam_pdfs(&v, &printer, template, e, seed.unwrap_or(e.seed), true)? {
                warnings.extend(typeset.warnings);
                files.push((format!("{}-{show}.pdf", e.name), typeset.pdf));
            }
        }
        Ok::<_, Vec<Diagnostic>>((files, warnings))
    })();
    match written {
        Ok((files, mut warnings)) => {
            warnings.dedup_by(|a, b| a.message == b.message && a.location == b.location);
            report.diagnostics.extend(warnings);
            report.value = Some(files);
            report
        }
        Err(d) => report.fail(d),
    }
}

/// Exam papers as Word documents (`handbook exam --format docx`): every
/// form (`<name>-A.docx`, …; no answers), then the key. No fonts or Typst needed.
pub fn exam_docx(root: &Path, name: Option<&str>, seed: Option<u64>) -> Report<Papers> {
    let Checked { report, valid } = check(root);
    let Some(v) = valid else { return report.map(|_| None) };
    let report = report.map(|_| None);
    let written = (|| {
        let words = exam_words(&v)?;
        let mut files = Vec::new();
        for e in chosen_exams(&v, name)? {
            let forms = crate::quiz::exam::papers(&v.bank, e, seed.unwrap_or(e.seed))
                .ok_or_else(|| exam_shortages(&v.handbook, &v.bank))?;
            let shows = forms.iter().map(|f| f.label.clone()).chain(["key".to_string()]);
            for show in shows.collect::<Vec<_>>() {
                let data = crate::quiz::exam::data(e, forms.clone(), &show, words);
                files.push((format!("{}-{show}.docx", e.name), print::docx::exam_docx(&data).map_err(|d| vec![d])?));
            }
        }
        Ok::<_, Vec<Diagnostic>>(files)
    })();
    match written {
        Ok(files) => Report { value: Some(files), ..report },
        Err(d) => report.fail(d),
    }
}

/// An edition as a Word document (`handbook print --format docx`): no fonts
/// or Typst needed.
pub fn print_docx(root: &Path, edition: Option<&str>) -> Report<Printed> {
    let Checked { report, valid } = check(root);
    let Some(v) = valid else { return report.map(|_| None) };
    let report = report.map(|_| None);
    let docx = print::find_edition(&v.handbook, edition).and_then(|ed| {
        let bytes = print::docx::edition_docx(&print::edition_data(&v.handbook, &v.bank, ed))?;
        Ok(Printed { edition: ed.name.value.clone(), pdf: bytes })
    });
    match docx {
        Ok(p) => Report { value: Some(p), ..report },
        Err(d) => report.fail([d]),
    }
}

/// The formats `handbook quiz export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuizFormat {
    /// Moodle GIFT.
    Gift,
    /// Moodle XML.
    MoodleXml,
}

/// The whole question bank (authored questions, then drills) in an LMS format.
pub fn export_quiz(root: &Path, format: QuizFormat) -> Report<String> {
    let Checked { report, valid } = check(root);
    report.map(|_| {
        let bank = valid?.bank;
        let items: Vec<crate::quiz::Item> = bank.authored.into_iter().chain(bank.drills).collect();
        Some(match format {
            QuizFormat::Gift => crate::quiz::export::gift(&items),
            QuizFormat::MoodleXml => crate::quiz::export::moodle_xml(&items),
        })
    })
}

/// What `handbook search --eval` found: every question's outcome, and the totals.
pub struct Evaluation {
    pub outcomes: Vec<search::eval::Outcome>,
    pub summary: search::eval::Summary,
    /// The sections whose asks would help, most missed questions first.
    pub wanted: Vec<search::eval::Wanted>,
}

/// Asks the built site's search every question of the questions files
/// `files` (a folder stands for the YAML files in it, as several readers'
/// exported search records are kept) and says which find no answer first: a
/// warning at the question, with the section an ask would help (`handbook
/// search --eval`). A question that names no answer (a search whose reader
/// opened nothing) is not scored; a warning says what came first. Files are
/// named in diagnostics relative to `root` when they lie inside it.
pub fn eval(root: &Path, site: &Path, files: &[PathBuf]) -> Report<Evaluation> {
    use search::eval::{LOOK_AT, Outcome, Question, Summary};
    let Checked { report, valid } = check(root);
    let Some(v) = valid else { return report.map(|_| None) };
    let mut report = report.map(|_| None);
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let rel = |p: &Path| abs(p).strip_prefix(abs(root)).map(Path::to_path_buf).unwrap_or_else(|_| abs(p));
    let (paths, mut problems) = load::yaml_files_of(files, &rel);
    let secs = &v.sections;
    let mut asked: Vec<(PathBuf, Vec<Question>)> = Vec::new();
    for path in &paths {
        let rel = rel(path);
        let (text, parsed) = load::yaml_file::<Vec<Question>>(path, &rel);
        if let Some(text) = text {
            report.sources.insert(rel.clone(), text);
        }
        match parsed {
            Ok(questions) => {
                problems.extend(search::eval::check(&questions, secs, &rel));
                asked.push((rel, questions));
            }
            Err(d) => {
                problems.push(d.with_hint("a questions file is a list: `- { q: 怎样写好材料, answers: [bi-gan-zi] }`"))
            }
        }
    }
    if !problems.is_empty() {
        return report.fail(problems);
    }
    let (idx, cfg) = match search::open_site(site) {
        Ok(x) => x,
        Err(d) => return report.fail([d]),
    };
    let mut outcomes = Vec::new();
    for (rel, questions) in &asked {
        for q in questions {
            let results = match search::search_index(&idx, &cfg, &q.q.value, LOOK_AT) {
                Ok(r) => r,
                Err(e) => return report.fail([search::failed(site, e)]),
            };
            let outcome = Outcome::of(q, results);
            if q.answers.is_empty() {
                report.diagnostics.push(search::eval::unanswered(rel, q, &outcome));
            } else if outcome.rank != Some(1) {
                report.diagnostics.push(search::eval::miss(rel, q, &outcome, secs));
            }
            outcomes.push(outcome);
        }
    }
    let summary = Summary::of(outcomes.iter().filter(|o| !o.answers.is_empty()).map(|o| o.rank));
    let wanted = search::eval::wanted(&outcomes, secs);
    report.value = Some(Evaluation { outcomes, summary, wanted });
    report
}
