//! The stages strung together: what `handbook check` and `handbook build` do.

use crate::diagnostic::{Diagnostic, Sources, has_errors};
use crate::model::{Handbook, Sections, sections};
use crate::render::RenderedBook;
use crate::search::index::SearchIndex;
use crate::search::rank::RankConfig;
use crate::{load, render, search, site, validate};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Told the name of each stage as it starts; called from more than one thread
/// (the search index is built beside the pages), so an empty name ends the
/// calling thread's last stage.
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// Times the stages reported to a [`Progress`], per thread (`build --timings`,
/// `HANDBOOK_TIMINGS=1 handbook serve`).
#[derive(Default)]
pub struct Stopwatch {
    laps: std::sync::Mutex<Vec<(std::thread::ThreadId, String, std::time::Instant)>>,
}

impl Stopwatch {
    pub fn lap(&self, stage: &str) {
        let lap = (std::thread::current().id(), stage.to_string(), std::time::Instant::now());
        self.laps.lock().unwrap_or_else(|e| e.into_inner()).push(lap);
    }

    /// One line per stage in the order they started (`timing stage  12.3 ms`;
    /// a stage of another thread than the first is marked `∥`), then the total.
    pub fn table(&self) -> String {
        let end = std::time::Instant::now();
        let laps = self.laps.lock().unwrap_or_else(|e| e.into_inner());
        let Some((main, _, first)) = laps.first() else { return String::new() };
        let mut out = String::new();
        for (i, (thread, stage, start)) in laps.iter().enumerate() {
            if stage.is_empty() {
                continue;
            }
            let stop = laps[i + 1..].iter().find(|l| l.0 == *thread).map_or(end, |l| l.2);
            let stage = if thread == main { stage.clone() } else { format!("∥ {stage}") };
            out += &format!("timing {stage:<26} {:>10.1} ms\n", (stop - *start).as_secs_f64() * 1e3);
        }
        out += &format!("timing {:<26} {:>10.1} ms\n", "total", (end - *first).as_secs_f64() * 1e3);
        out
    }
}

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
    /// The print layout from the theme.
    pub print_template: Option<String>,
    /// The page templates, set up (to render again, e.g. with download links).
    pub tera: Option<tera::Tera>,
    /// The handbook's sections, made once for validation, rendering and the index.
    pub sections: Option<Sections>,
}

/// Loads, validates and renders (in memory): everything but writing.
///
/// Semantic problems are all reported at once; a file that does not parse
/// contributes its first syntax or type error.
pub fn check(root: &Path) -> Checked {
    check_with_progress(root, &|_| {})
}

/// [`check`], telling `progress` which stage starts.
pub fn check_with_progress(root: &Path, progress: Progress<'_>) -> Checked {
    check_cached(root, &mut load::ParseCache::default(), progress)
}

/// [`check`], re-parsing only the content files `cache` does not hold as they are now.
pub fn check_cached(root: &Path, cache: &mut load::ParseCache, progress: Progress<'_>) -> Checked {
    check_inner(root, cache, progress, &|_, _, _| {})
}

/// [`check_cached`], calling `valid` as soon as the content has validated
/// (before the question bank and rendering), so a build can start its search
/// index then.
fn check_inner(
    root: &Path,
    cache: &mut load::ParseCache,
    progress: Progress<'_>,
    valid: &dyn Fn(&Handbook, &Sections, Option<&str>),
) -> Checked {
    progress("load");
    let loaded = load::load_cached(root, cache);
    let mut report = Report { diagnostics: loaded.diagnostics.clone(), sources: loaded.sources.clone(), book: None };
    let handbook = loaded.handbook();
    let secs = handbook.as_ref().map(sections);
    if let (Some(hb), Some(secs)) = (&handbook, &secs) {
        progress("validate");
        report.diagnostics.extend(validate::validate(hb, secs, &loaded.gaps()));
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
        && let (Some(hb), Some(tera), Some(secs)) = (&handbook, &tera, &secs)
    {
        valid(hb, secs, loaded.search_js.as_deref());
        progress("question bank");
        match render::bank(hb, secs, tera).and_then(|b| {
            progress("render");
            render::render(hb, secs, tera, &b, &[]).map(|book| (b, book))
        }) {
            Ok((b, book)) => {
                report.book = Some(book);
                bank = Some(b);
            }
            Err(d) => report.diagnostics.extend(d),
        }
    }
    Checked {
        report,
        handbook,
        search_js: loaded.search_js,
        static_files: loaded.static_files,
        bank,
        print_template: loaded.print_template,
        tera,
        sections: secs,
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

/// Where to look for fonts when typesetting PDFs.
#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// Extra folders, searched recursively (`--font-path`).
    pub paths: Vec<PathBuf>,
    /// Leave out the system's fonts (for tests of the missing-font error).
    pub no_system: bool,
}

/// Checks, renders, indexes and builds the site; the previous output stays
/// untouched on any error.
pub fn build(root: &Path, opts: &BuildOptions) -> Report {
    build_with_progress(root, opts, &|_| {})
}

/// [`build`], telling `progress` which stage starts (for a progress display).
pub fn build_with_progress(root: &Path, opts: &BuildOptions, progress: Progress<'_>) -> Report {
    std::thread::scope(|scope| {
        // The search index needs only the validated content: it is built on a
        // second thread from then on, beside the question bank, the pages and mdBook.
        let early = std::sync::Mutex::new(None);
        let start = |hb: &Handbook, secs: &Sections, js: Option<&str>| {
            if !opts.html_only {
                let (hb, secs, js) = (hb.clone(), secs.clone(), js.map(str::to_string));
                let job = scope.spawn(move || {
                    let files = search_files(&hb, &secs, js.as_deref(), progress);
                    progress(""); // this thread's last stage ends here, not when the build does
                    files
                });
                *early.lock().unwrap_or_else(|e| e.into_inner()) = Some(job);
            }
        };
        let checked = check_inner(root, &mut load::ParseCache::default(), progress, &start);
        let (mut report, prepared) = prepare(checked, opts, progress);
        let Some(p) = prepared else { return report };
        write_site(root, opts, &p, early.into_inner().unwrap_or_else(|e| e.into_inner()), &mut report, progress);
        report.book = Some(p.book);
        report
    })
}

/// The pages and files of a site, in memory, before search: what `serve`
/// compares between builds.
pub struct Prepared {
    pub book: RenderedBook,
    /// Files added after mdBook, search data aside: the theme's static files, PDFs.
    pub extra: Vec<site::ExtraFile>,
    /// What the search index and data are made from (`None` for `html_only`).
    search: Option<(Handbook, Sections, Option<String>)>,
}

/// The search part of a site: the browser's data files and the tantivy index's files.
#[derive(Default)]
pub struct SearchFiles {
    pub files: Vec<site::ExtraFile>,
}

impl Prepared {
    /// Indexes and exports (kept apart from the pages so `serve` can show an edited page first).
    pub fn search(&self, progress: Progress<'_>) -> Result<SearchFiles, Diagnostic> {
        match &self.search {
            Some((hb, secs, js)) => search_files(hb, secs, js.as_deref(), progress),
            None => Ok(SearchFiles::default()),
        }
    }
}

/// The search index and the browser's data, as files of the site.
fn search_files(
    hb: &Handbook,
    secs: &Sections,
    js: Option<&str>,
    progress: Progress<'_>,
) -> Result<SearchFiles, Diagnostic> {
    let js = js.ok_or_else(|| {
        Diagnostic::error(load::SEARCH_JS, 0, 0, "missing the browser search code")
            .with_hint("the site's search needs theme/search/search.js; copy it from the handbook tool's theme")
    })?;
    progress("index");
    let weights = &hb.settings.search.weights;
    let idx = SearchIndex::build(secs, |s| weights.of(s.kind))
        .map_err(|e| search_error("cannot build the search index", e))?;
    progress("export search data");
    let mut files = search::export::export(&idx, &search_config(hb), js)
        .map_err(|e| search_error("cannot export the search data", e))?;
    files.extend(
        idx.files()
            .map_err(|e| search_error("cannot write the search index", e))?
            .into_iter()
            .map(|(name, bytes)| site::ExtraFile { path: format!("{}/{name}", search::INDEX_DIR), bytes }),
    );
    Ok(SearchFiles { files })
}

/// Typesets the printed editions and gathers the files of a checked handbook:
/// everything but search and writing.
fn prepare(checked: Checked, opts: &BuildOptions, progress: Progress<'_>) -> (Report, Option<Prepared>) {
    let Checked { mut report, handbook, search_js, static_files, bank, print_template, tera, sections: secs } = checked;
    let (Some(_), Some(hb), Some(bank), Some(tera), Some(secs)) =
        (report.book.as_ref().filter(|_| report.ok()), handbook, bank, tera, secs)
    else {
        return (report, None);
    };
    // The printed editions, when the settings want them in the site and they can be made;
    // if not, one warning, and the site is built without the download link.
    let mut pdfs = Vec::new();
    if !opts.no_pdf && hb.settings.print.in_site && !hb.settings.print.editions.is_empty() {
        progress("typeset PDFs");
        match site_pdfs(&hb, &bank, print_template.as_deref(), &opts.fonts) {
            Ok(files) => pdfs = files,
            Err(reason) => report.diagnostics.push(Diagnostic::warning("", 0, 0, format!("PDFs not built: {reason}"))),
        }
    }
    let downloads: Vec<render::Download> = pdfs.iter().map(|(d, _)| d.clone()).collect();
    let book = if downloads.is_empty() {
        report.book.take().expect("checked above")
    } else {
        match render::render(&hb, &secs, &tera, &bank, &downloads) {
            Ok(b) => b,
            Err(d) => {
                report.diagnostics.extend(d);
                return (report, None);
            }
        }
    };
    let mut extra: Vec<site::ExtraFile> =
        pdfs.into_iter().map(|(d, bytes)| site::ExtraFile { path: d.url, bytes }).collect();
    // The theme's static files; its search folder is the export's input (search.js), which writes that folder.
    let search_dir = format!("{}/", search::SITE_DIR);
    extra.extend(
        static_files
            .into_iter()
            .filter(|(path, _)| !path.starts_with(&search_dir))
            .map(|(path, bytes)| site::ExtraFile { path, bytes }),
    );
    let search = (!opts.html_only).then_some((hb, secs, search_js));
    (report, Some(Prepared { book, extra, search }))
}

/// Writes a prepared site into `opts.out`, atomically (the whole folder at
/// once); the search index and data are made on a second thread while mdBook
/// builds the pages.
fn write_site(
    root: &Path,
    opts: &BuildOptions,
    p: &Prepared,
    early: Option<std::thread::ScopedJoinHandle<'_, Result<SearchFiles, Diagnostic>>>,
    report: &mut Report,
    progress: Progress<'_>,
) -> Vec<site::ExtraFile> {
    let made = std::sync::Mutex::new(Vec::new());
    let early = std::sync::Mutex::new(early);
    let beside = |dir: &Path, previous: &Path| {
        if p.search.is_none() {
            return Ok(());
        }
        // The job started at validation, if any; else the search is made here.
        let search = match early.lock().unwrap_or_else(|e| e.into_inner()).take() {
            // A panic there goes on here, where `site::build` reports it.
            Some(job) => job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            None => p.search(progress),
        };
        let result = search.and_then(|s| {
            progress("write search files");
            site::write_files(&s.files, dir, previous)?;
            *made.lock().unwrap_or_else(|e| e.into_inner()) = s.files;
            Ok(())
        });
        progress("");
        result
    };
    match site::build(root, &p.book, &p.extra, &opts.out, opts.emit_markdown.as_deref(), &beside, progress) {
        Ok(warnings) => report.diagnostics.extend(warnings),
        Err(d) => report.diagnostics.push(d),
    }
    made.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Rebuilds for `serve`: parsed files are kept between builds, and after an
/// edit to content only, when the chapter list is unchanged, only the pages
/// and files whose bytes changed are written (each file replaced atomically),
/// pages first, search data after; anything else gets a full, atomic build.
pub struct Incremental {
    root: PathBuf,
    opts: BuildOptions,
    cache: load::ParseCache,
    /// The last build's pages, and a hash of each extra file by path.
    last: Option<(RenderedBook, HashMap<String, u64>)>,
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebuilt {
    /// The whole site was built and swapped in.
    Full,
    /// Only these many pages and files were written.
    Pages { pages: usize, files: usize },
    /// Nothing was written (errors).
    Nothing,
}

impl Incremental {
    pub fn new(root: &Path, opts: BuildOptions) -> Incremental {
        Incremental { root: root.to_path_buf(), opts, cache: load::ParseCache::default(), last: None }
    }

    /// Rebuilds; `content_only` says that only files under `content/` changed
    /// since the last build. `pages_ready` is called when an incremental
    /// rebuild has written the pages and goes on with search.
    pub fn rebuild(&mut self, content_only: bool, progress: Progress<'_>, pages_ready: &dyn Fn()) -> (Report, Rebuilt) {
        let checked = check_cached(&self.root, &mut self.cache, progress);
        let (mut report, prepared) = prepare(checked, &self.opts, progress);
        let Some(p) = prepared else {
            return (report, Rebuilt::Nothing);
        };
        let same_list = |old: &RenderedBook| {
            old.sidebar_js == p.book.sidebar_js
                && old.pages.len() == p.book.pages.len()
                && old.pages.iter().zip(&p.book.pages).all(|(a, b)| a.id == b.id && a.title == b.title)
        };
        let mut hashes: HashMap<String, u64> = p.extra.iter().map(|f| (f.path.clone(), hash(&f.bytes))).collect();
        let result = match &self.last {
            Some((old, old_hashes))
                if content_only
                    && same_list(old)
                    && self.opts.out.is_dir()
                    && site::can_update_pages(&self.root, &p.book) =>
            {
                let changed =
                    |f: &&site::ExtraFile, h: &HashMap<String, u64>| old_hashes.get(&f.path) != h.get(&f.path);
                let pages: Vec<usize> =
                    (0..p.book.pages.len()).filter(|&i| old.pages[i].markdown != p.book.pages[i].markdown).collect();
                progress("write changed pages and files");
                let files: Vec<&site::ExtraFile> = p.extra.iter().filter(|f| changed(f, &hashes)).collect();
                (|| {
                    if !pages.is_empty() {
                        site::update_pages(&self.root, &p.book, &pages, &self.opts.out)?;
                    }
                    self.replace(&files)?;
                    pages_ready();
                    let search = p.search(progress)?;
                    hashes.extend(search.files.iter().map(|f| (f.path.clone(), hash(&f.bytes))));
                    progress("write changed search files");
                    // The index's files name its segments: they change together, as one folder.
                    let index_dir = format!("{}/", search::INDEX_DIR);
                    let (index, data): (Vec<&site::ExtraFile>, Vec<&site::ExtraFile>) =
                        search.files.iter().partition(|f| f.path.starts_with(&index_dir));
                    let changed_search: Vec<&site::ExtraFile> =
                        data.into_iter().filter(|f| changed(f, &hashes)).collect();
                    self.replace(&changed_search)?;
                    let dir = self.opts.out.join(search::INDEX_DIR);
                    let fresh = dir.with_file_name(format!("tantivy.new-{}", std::process::id()));
                    let _ = std::fs::remove_dir_all(&fresh);
                    let index: Vec<site::ExtraFile> = index
                        .into_iter()
                        .map(|f| site::ExtraFile {
                            path: f.path[index_dir.len()..].to_string(),
                            bytes: f.bytes.clone(),
                        })
                        .collect();
                    site::write_files(&index, &fresh, &dir)?;
                    site::replace_dir(&fresh, &dir)?;
                    Ok(Rebuilt::Pages { pages: pages.len(), files: files.len() + changed_search.len() })
                })()
            }
            _ => {
                let search = write_site(&self.root, &self.opts, &p, None, &mut report, progress);
                hashes.extend(search.iter().map(|f| (f.path.clone(), hash(&f.bytes))));
                Ok(Rebuilt::Full)
            }
        };
        match result {
            Ok(r) if report.ok() => {
                self.last = Some((p.book, hashes));
                (report, r)
            }
            Ok(_) => (report, Rebuilt::Nothing),
            Err(d) => {
                // The site is partly updated: the next rebuild is a full one.
                self.last = None;
                report.diagnostics.push(d);
                (report, Rebuilt::Nothing)
            }
        }
    }

    /// Replaces files of the live site, each atomically.
    fn replace(&self, files: &[&site::ExtraFile]) -> Result<(), Diagnostic> {
        for f in files {
            site::replace_file(&self.opts.out.join(&f.path), &f.bytes)?;
        }
        Ok(())
    }
}

/// A content hash, to tell changed files apart without keeping their bytes.
fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Every edition's PDF for the site, or why they cannot be made.
#[cfg(feature = "pdf")]
fn site_pdfs(
    hb: &Handbook,
    bank: &render::Bank,
    template: Option<&str>,
    fonts: &FontOptions,
) -> Result<Vec<(render::Download, Vec<u8>)>, String> {
    let template = template.ok_or_else(|| format!("{} is missing", load::PRINT_TEMPLATE))?;
    let fonts =
        crate::print::Fonts::find(fonts).map_err(|d| format!("{} ({})", d.message, d.hint.unwrap_or_default()))?;
    let mut out = Vec::new();
    for ed in &hb.settings.print.editions {
        let data = crate::print::edition_data(hb, bank, ed);
        let bytes = crate::print::pdf(template, &data, &fonts).map_err(|d| d.short())?;
        let title = match &ed.subtitle {
            Some(s) => format!("{}（{}）", ed.title.value, s.value),
            None => ed.title.value.clone(),
        };
        out.push((render::Download { title, url: crate::print::site_path(ed) }, bytes));
    }
    Ok(out)
}

#[cfg(not(feature = "pdf"))]
fn site_pdfs(
    _: &Handbook,
    _: &render::Bank,
    _: Option<&str>,
    _: &FontOptions,
) -> Result<Vec<(render::Download, Vec<u8>)>, String> {
    Err("this handbook was built without the `pdf` feature".into())
}

/// Typesets one edition (`handbook print`): the diagnostics, and the edition's
/// name with its PDF when it worked.
pub fn print(root: &Path, edition: Option<&str>, fonts: &FontOptions) -> (Report, Option<(String, Vec<u8>)>) {
    let Checked { mut report, handbook, bank, print_template, .. } = check(root);
    let (Some(hb), Some(bank)) = (handbook.filter(|_| report.ok()), bank) else {
        return (report, None);
    };
    match print_one(&hb, &bank, print_template.as_deref(), edition, fonts) {
        Ok(r) => (report, Some(r)),
        Err(d) => {
            report.diagnostics.push(d);
            (report, None)
        }
    }
}

#[cfg(feature = "pdf")]
fn print_one(
    hb: &Handbook,
    bank: &render::Bank,
    template: Option<&str>,
    edition: Option<&str>,
    fonts: &FontOptions,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let ed = crate::print::find_edition(hb, edition)?;
    let template = template.ok_or_else(|| {
        Diagnostic::error(load::PRINT_TEMPLATE, 0, 0, "missing the print template")
            .with_hint("the PDF layout is theme/print/handbook.typ; copy it from the handbook tool's theme")
    })?;
    let fonts = crate::print::Fonts::find(fonts)?;
    let data = crate::print::edition_data(hb, bank, ed);
    Ok((ed.name.value.clone(), crate::print::pdf(template, &data, &fonts)?))
}

#[cfg(not(feature = "pdf"))]
fn print_one(
    hb: &Handbook,
    _: &render::Bank,
    _: Option<&str>,
    _: Option<&str>,
    _: &FontOptions,
) -> Result<(String, Vec<u8>), Diagnostic> {
    Err(Diagnostic::error(hb.settings_file.clone(), 0, 0, "this handbook was built without PDF support")
        .with_hint("build it with the default features (`cargo build --release`) to print"))
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
