//! Stage 4, site: writing the site, in narrow steps the pipeline strings together.
//!
//! A [`Staging`] folder beside the output receives the pages (mdBook as a
//! library, `mdbook-driver`, with the handbook's own `theme/`), the files the
//! build adds after mdBook (its HTML renderer empties its output folder), and
//! in a folder of its own whatever another thread writes meanwhile (the search
//! data); [`Staging::commit`] then swaps the whole site into place. A failure
//! at any step leaves the previous output exactly as it was, and dropping the
//! staging folder removes it.

mod batch;
mod swap;

pub use batch::BATCH;

use crate::diagnostic::{Diagnostic, Result};
use crate::layout::{BOOK_TOML, CONTENT_DIR, OutFile, THEME_DIR};
use crate::progress::Progress;
use crate::render::RenderedBook;
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_driver::config::Config;
use rayon::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// The chapter list script, added to mdBook's `additional-js` (first) so every page loads it.
const SIDEBAR_JS: &str = "sidebar.js";

/// Removes what builds of `name` that were killed left beside it: the
/// staging, pages and swap folders (`.{name}.staging-PID`, `.pages-`,
/// `.new-`, `.old-`) of processes that no longer run. A running build's are
/// left alone (on platforms where that cannot be told, nothing is removed).
fn remove_abandoned(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.filter_map(std::result::Result::ok) {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&format!(".{name}.")) else { continue };
        let pid = ["staging-", "pages-", "new-", "old-"]
            .iter()
            .find_map(|kind| rest.strip_prefix(kind))
            .and_then(|p| p.split(['-', '.']).next())
            .and_then(|p| p.parse::<i32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id() as i32
            && !running(pid)
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn running(pid: i32) -> bool {
    // "No such process" is the one answer that says it is gone (not ours: EPERM).
    rustix::process::Pid::from_raw(pid)
        .is_none_or(|p| !matches!(rustix::process::test_kill_process(p), Err(rustix::io::Errno::SRCH)))
}

#[cfg(not(unix))]
fn running(_pid: i32) -> bool {
    true
}

/// A site being built beside its output folder.
pub struct Staging {
    dir: PathBuf,
    /// The output folder (absolute) the site will replace.
    out: PathBuf,
}

impl Staging {
    /// Makes an empty staging folder beside `out`, the site of the handbook at `root`.
    pub fn new(root: &Path, out: &Path) -> Result<Staging> {
        check_output(root, out)?;
        // A link to a folder (a shared drive's, say) is built through: the
        // site replaces the folder it points to, beside which it is staged.
        let linked = fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink());
        let out = if linked { fs::canonicalize(out).unwrap_or_else(|_| absolute(out)) } else { absolute(out) };
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());
        fs::create_dir_all(&parent).map_err(|e| io_error(&parent, "cannot create the output's parent folder", e))?;
        remove_abandoned(&parent, &name);
        let staging = Staging { dir: parent.join(format!(".{name}.staging-{}", std::process::id())), out };
        let _ = fs::remove_dir_all(&staging.dir);
        for d in [staging.dir.join("src"), staging.beside()] {
            fs::create_dir_all(&d).map_err(|e| io_error(&d, "cannot create the staging folder", e))?;
        }
        Ok(staging)
    }

    /// The site's own folder in the staging area.
    fn site(&self) -> PathBuf {
        self.dir.join("site")
    }

    /// Where files written beside mdBook go until [`Staging::commit`].
    fn beside(&self) -> PathBuf {
        self.dir.join("beside")
    }

    /// mdBook's part: renders the pages, then writes `extra` and the chapter
    /// list page into the site. Returns the warnings (a big book's print page).
    pub fn render_pages(
        &self,
        root: &Path,
        config: &Config,
        book: &RenderedBook,
        extra: &[OutFile],
        progress: Progress<'_>,
    ) -> Result<Vec<Diagnostic>> {
        // mdBook loads an empty book from disk; the pages are handed over in
        // memory (writing them only for mdBook to read them back is wasted work).
        write(&self.dir.join("src").join("SUMMARY.md"), b"# Summary\n")?;
        let config = mdbook_config(root, config, book, &self.dir, &self.site())?;
        let renderer = batch::BatchedHtml::default();
        let mut warnings = Vec::new();
        if renderer.batched(book.pages.len()) && config.html_config().is_some_and(|h| h.print.enable) {
            warnings.push(
                Diagnostic::in_file(
                    BOOK_TOML,
                    format!(
                        "the print page (print.html) is left out: {} pages are more than one page can usefully hold (at most {})",
                        book.pages.len(),
                        renderer.batch
                    ),
                )
                .as_warning()
                .with_hint("print chosen chapters with `handbook print` (editions in content/handbook.yaml)")
                .with_hint("or set `[output.html.print] enable = false`"),
            );
        }
        progress("mdBook");
        let mut md = MDBook::load_with_config(&self.dir, config).map_err(|e| mdbook_error(&e))?;
        md.book = in_memory(book);
        md.with_renderer(renderer);
        md.build().map_err(|e| mdbook_error(&e))?;

        progress("write extra files");
        write(&self.site().join("toc.html"), book.toc_html.as_bytes())?;
        write_files(extra, &self.site(), &self.out)?;
        Ok(warnings)
    }

    /// Writes files into the site from another thread while mdBook renders
    /// (they join the site at [`Staging::commit`]).
    pub fn write_beside(&self, files: &[OutFile]) -> Result<()> {
        write_files(files, &self.beside(), &self.out)
    }

    /// Writes the Markdown book mdBook was given as a standalone mdBook
    /// project: `book.toml`, `src/`, `theme/`, the chapter list script.
    pub fn emit_markdown(&self, root: &Path, config: &Config, book: &RenderedBook, dir: &Path) -> Result<()> {
        let _ = fs::remove_dir_all(dir);
        let src = dir.join("src");
        write(&src.join("SUMMARY.md"), book.summary().as_bytes())?;
        for page in &book.pages {
            write(&src.join(format!("{}.md", page.id)), page.markdown.as_bytes())?;
        }
        let mut config = config.clone();
        copy_additional(root, &config, dir)?;
        with_sidebar(&mut config)?;
        let toml = toml::to_string(&config)
            .map_err(|e| Diagnostic::in_file(dir.join(BOOK_TOML), format!("cannot write book.toml: {e}")))?;
        write(&dir.join(BOOK_TOML), toml.as_bytes())?;
        write(&dir.join(SIDEBAR_JS), book.sidebar_js.as_bytes())?;
        let theme = root.join(THEME_DIR);
        if theme.is_dir() {
            copy_dir(&theme, &dir.join(THEME_DIR))?;
        }
        Ok(())
    }

    /// Moves what was written beside mdBook into the site and swaps the site
    /// into place of the output folder.
    pub fn commit(self) -> Result<()> {
        let (site, side) = (self.site(), self.beside());
        for entry in fs::read_dir(&side).map_err(|e| io_error(&side, "cannot read the staging folder", e))? {
            let entry = entry.map_err(|e| io_error(&side, "cannot read the staging folder", e))?;
            let target = site.join(entry.file_name());
            if target.exists() {
                return Err(Diagnostic::in_file(&target, "the theme and the search data both write this path")
                    .with_hint("remove it from the theme: the build writes it"));
            }
            fs::rename(entry.path(), &target).map_err(|e| io_error(&target, "cannot move into the site", e))?;
        }
        swap::replace_dir(&site, &self.out).map_err(|e| io_error(&self.out, "cannot move the new site into place", e))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Writes `files` into `dir`, on every core (it is kernel work). A file the
/// site being replaced (`previous`) already holds with exactly these bytes is
/// hard-linked from there instead: no new inode to allocate, none to free when
/// the old site goes, the costly part on ext4.
pub fn write_files(files: &[OutFile], dir: &Path, previous: &Path) -> Result<()> {
    // Each folder is made once, not once per file.
    let mut folders: Vec<PathBuf> =
        files.iter().filter_map(|f| dir.join(&f.path).parent().map(Path::to_path_buf)).collect();
    folders.sort();
    folders.dedup();
    for p in &folders {
        fs::create_dir_all(p).map_err(|e| io_error(p, "cannot create folder", e))?;
    }
    let write = |f: &OutFile| keep_or_write(&previous.join(&f.path), &dir.join(&f.path), &f.bytes);
    if files.len() >= 16 { files.par_iter().try_for_each(write) } else { files.iter().try_for_each(write) }
}

/// mdBook's configuration for a build in `staging` into `site`: the
/// handbook's `book.toml`, with the theme and the chapter list script added.
fn mdbook_config(root: &Path, config: &Config, book: &RenderedBook, staging: &Path, site: &Path) -> Result<Config> {
    let mut config = config.clone();
    config.book.src = staging.join("src");
    config.build.build_dir = site.to_path_buf();
    config.build.create_missing = false;
    let theme = absolute(&root.join(THEME_DIR));
    // `load` allows no other theme folder: `theme = "theme"` is the same one.
    if theme.is_dir() {
        config.set("output.html.theme", theme.to_string_lossy().as_ref()).map_err(|e| config_error(&e))?;
    }
    write(&staging.join(SIDEBAR_JS), book.sidebar_js.as_bytes())?;
    copy_additional(root, &config, staging)?;
    with_sidebar(&mut config)?;
    Ok(config)
}

/// Copies the extra CSS and scripts `book.toml` names (paths from the
/// handbook's root, checked by `load`) to the same paths under `to`, the
/// folder mdBook is run in, which reads them from there.
fn copy_additional(root: &Path, config: &Config, to: &Path) -> Result<()> {
    let Some(html) = config.html_config() else { return Ok(()) };
    for rel in html.additional_css.iter().chain(&html.additional_js) {
        let target = to.join(rel);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| io_error(dir, "cannot create folder", e))?;
        }
        fs::copy(root.join(rel), &target).map_err(|e| io_error(&root.join(rel), "cannot copy file", e))?;
    }
    Ok(())
}

/// Whether [`update_pages`] can bring a site up to date: not while the print
/// page (every chapter on one page) is part of it.
pub fn can_update_pages(config: &Config, book: &RenderedBook) -> bool {
    let print = config.html_config().is_none_or(|h| h.print.enable);
    !print || batch::BatchedHtml::default().batched(book.pages.len())
}

/// Renders only the pages `pages` (indices into `book.pages`) through mdBook
/// into the existing site `out`, each page replaced atomically (for `serve`).
pub fn update_pages(root: &Path, config: &Config, book: &RenderedBook, pages: &[usize], out: &Path) -> Result<()> {
    let out = absolute(out);
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());
    let staging = out.with_file_name(format!(".{name}.pages-{}", std::process::id()));
    let result = (|| {
        let _ = fs::remove_dir_all(&staging);
        let src = staging.join("src");
        fs::create_dir_all(&src).map_err(|e| io_error(&src, "cannot create the staging folder", e))?;
        write(&src.join("SUMMARY.md"), b"# Summary\n")?;
        let config = mdbook_config(root, config, book, &staging, &out)?;
        let mut md = MDBook::load_with_config(&staging, config).map_err(|e| mdbook_error(&e))?;
        md.book = in_memory(book);
        md.with_renderer(batch::BatchedHtml { only: Some(pages.to_vec()), ..Default::default() });
        md.build().map_err(|e| mdbook_error(&e))
    })();
    let _ = fs::remove_dir_all(&staging);
    result
}

/// Replaces one file of a live site: written beside it, then renamed over it.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_whole(&[(path, bytes)]).map_err(|(path, e)| io_error(&path, "cannot replace file", e))
}

/// Writes each file beside its name (making its folder), and only once all
/// are written renames them into place: a write that fails part way (a full
/// disk) leaves the previous files as they were, never a truncated one, nor
/// an exam's new form beside an old key; what it wrote beside them goes. By
/// hand rather than with `tempfile`, whose files are private to their owner
/// (0600), which a PDF on a shared drive must not be. The error comes with
/// the path it is about.
pub fn write_whole(files: &[(&Path, &[u8])]) -> std::result::Result<(), (PathBuf, std::io::Error)> {
    let part = |path: &Path| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        path.with_file_name(format!(".{name}.new-{}", std::process::id()))
    };
    let write = |path: &Path, bytes: &[u8]| {
        if path.is_dir() {
            // The error a plain write gives, for the caller to explain.
            return fs::write(path, bytes);
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        fs::write(part(path), bytes)
    };
    let failed = files
        .iter()
        .find_map(|&(path, bytes)| write(path, bytes).err().map(|e| (path, e)))
        .or_else(|| files.iter().find_map(|&(path, _)| fs::rename(part(path), path).err().map(|e| (path, e))));
    let Some((path, e)) = failed else { return Ok(()) };
    for (path, _) in files {
        let _ = fs::remove_file(part(path));
    }
    Err((path.to_path_buf(), e))
}

/// Replaces a folder of a live site by a new one (see [`swap::replace_dir`]).
pub fn replace_dir(new: &Path, target: &Path) -> Result<()> {
    swap::replace_dir(new, target).map_err(|e| io_error(target, "cannot replace folder", e))
}

/// The pages as mdBook's book: numbered chapters in order, as mdBook loads `SUMMARY.md`'s list.
fn in_memory(book: &RenderedBook) -> Book {
    let items = book
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut ch = Chapter::new(&p.title, p.markdown.clone(), format!("{}.md", p.id), vec![]);
            ch.number = Some(SectionNumber::new(vec![i as u32 + 1]));
            BookItem::Chapter(ch)
        })
        .collect();
    Book::new_with_items(items)
}

/// Adds the chapter list script to mdBook's `additional-js`, first.
fn with_sidebar(config: &mut Config) -> Result<()> {
    let mut js = config.html_config().map(|h| h.additional_js).unwrap_or_default();
    js.insert(0, PathBuf::from(SIDEBAR_JS));
    config.set("output.html.additional-js", &js).map_err(|e| config_error(&e))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(from).to_path_buf();
            Diagnostic::in_file(path, format!("cannot read the theme: {e}")).with_hint("check the theme folder")
        })?;
        let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).map_err(|e| io_error(&target, "cannot create folder", e))?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target).map_err(|e| io_error(&target, "cannot copy file", e))?;
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` (whose folder exists), or hard-links `previous`
/// there when it already holds exactly these bytes.
fn keep_or_write(previous: &Path, path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Read;
    let same = fs::File::open(previous).is_ok_and(|f| {
        // One byte more than expected tells a longer file apart without reading it all.
        let mut old = Vec::with_capacity(bytes.len() + 1);
        f.take(bytes.len() as u64 + 1).read_to_end(&mut old).is_ok() && old == bytes
    });
    if same && fs::hard_link(previous, path).is_ok() {
        return Ok(());
    }
    fs::write(path, bytes).map_err(|e| io_error(path, "cannot write file", e))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).map_err(|e| io_error(p, "cannot create folder", e))?;
    }
    fs::write(path, bytes).map_err(|e| io_error(path, "cannot write file", e))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// `path` made absolute with its links and `..` resolved, as far as it
/// exists; the part that does not exist yet is appended as written, its `..`
/// taken lexically.
fn resolved(path: &Path) -> PathBuf {
    let path = absolute(path);
    let mut missing = Vec::new();
    let mut base = path.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(base) {
            let mut out = real;
            for c in missing.into_iter().rev() {
                match c {
                    std::path::Component::ParentDir => {
                        out.pop();
                    }
                    std::path::Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return out;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(up), Some(last)) => {
                missing.push(last);
                base = up;
            }
            _ => return path,
        }
    }
}

/// The output folder must not hold the handbook (the build replaces it whole,
/// sources and all) nor lie inside a folder the build reads (each build
/// would read the last one's site, and `serve` would rebuild for ever).
/// Whether the site of the handbook at `root` may be built into `out`: not
/// around the sources, not inside what the build reads, and not over a file
/// or a folder of other files. `serve` asks before it starts.
pub fn check_output(root: &Path, out: &Path) -> Result<()> {
    refuse_around_sources(root, out, "the output folder", "the default `book`")?;
    refuse_to_replace(out)
}

/// `what` names the folder, `such` is an example of a good one.
fn refuse_around_sources(root: &Path, out: &Path, what: &str, such: &str) -> Result<()> {
    let (root, target) = (resolved(root), resolved(out));
    if root.starts_with(&target) {
        return Err(Diagnostic::in_file(out, format!("{what} holds the handbook itself")).with_hint(format!(
            "the build replaces {what} whole, and with it {BOOK_TOML}, {CONTENT_DIR}/ and {THEME_DIR}/: \
             pass a folder outside them, such as {such}"
        )));
    }
    for dir in [CONTENT_DIR, THEME_DIR] {
        if target.starts_with(root.join(dir)) {
            return Err(Diagnostic::in_file(out, format!("{what} is inside {dir}/, which the build reads")).with_hint(
                format!("each build would take in the last one's output; pass a folder beside {dir}/, such as {such}"),
            ));
        }
    }
    Ok(())
}

/// `--emit-markdown DIR` replaces `DIR` whole, so it is held to what the
/// output folder is, and must not overlap the output either (the previous
/// site would be gone before the new one is in place). An emitted project
/// has its `book.toml` and `src/SUMMARY.md`.
pub fn refuse_emit_target(root: &Path, out: &Path, dir: &Path) -> Result<()> {
    refuse_around_sources(root, dir, "the Markdown folder", "`markdown`")?;
    let (site, target) = (resolved(out), resolved(dir));
    if site.starts_with(&target) || target.starts_with(&site) {
        return Err(Diagnostic::in_file(dir, "the Markdown folder overlaps the site's output folder")
            .with_hint("pass --emit-markdown a folder of its own, beside the site"));
    }
    let Ok(meta) = fs::symlink_metadata(dir) else { return Ok(()) };
    let empty = meta.is_dir() && fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false);
    let emitted = dir.join(BOOK_TOML).is_file() && dir.join("src/SUMMARY.md").is_file();
    if !meta.is_dir() || !(empty || emitted) {
        return Err(Diagnostic::in_file(dir, "the Markdown folder has other files in it").with_hint(
            "--emit-markdown replaces its folder whole: pass an empty or new folder, or one it wrote before",
        ));
    }
    Ok(())
}

/// The build replaces the output folder whole: never a file, and never a
/// folder with files in it that is not a site (a mistyped `--out` must not
/// wipe someone's documents). A site has its `index.html` and what mdBook
/// (`.nojekyll`) or the search (its configuration) writes beside it: an
/// intranet folder with an `index.html` of its own is not one.
fn refuse_to_replace(out: &Path) -> Result<()> {
    // Through a link: what counts is the folder it points to.
    let Ok(meta) = fs::metadata(out) else {
        return match fs::read_link(out) {
            Ok(to) => Err(Diagnostic::in_file(
                out,
                format!("the output path is a link to `{}`, which does not exist", to.display()),
            )
            .with_hint("make the folder it points to (a shared drive may not be connected), or remove the link")),
            Err(_) => Ok(()),
        };
    };
    if !meta.is_dir() {
        return Err(Diagnostic::in_file(out, "the output path is a file, not a folder")
            .with_hint("pass another --out, or move the file away; the site is a folder the build replaces whole"));
    }
    let empty = fs::read_dir(out).map(|mut d| d.next().is_none()).unwrap_or(false);
    let site = out.join("index.html").is_file()
        && (out.join(".nojekyll").is_file() || out.join(crate::layout::SEARCH_CONFIG).is_file());
    if !empty && !site {
        return Err(Diagnostic::in_file(out, "the output folder has files in it and is not a site")
            .with_hint("the build replaces the output folder whole: pass an empty or new folder with --out"));
    }
    Ok(())
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::in_file(path, format!("{what}: {e}"))
        .with_hint("check that the folder is writable and the disk is not full")
}

/// A setting the build adds to mdBook's configuration could not be set (the
/// loaded `book.toml` holds a value of another shape at that key).
fn config_error(e: &anyhow::Error) -> Diagnostic {
    Diagnostic::in_file(BOOK_TOML, format!("cannot configure mdBook: {e:#}"))
        .with_hint("`output.html.theme` and `output.html.additional-js` must be a path and a list of paths")
}

/// An mdBook failure. A theme template error is located from handlebars' own
/// error data (template name, line, column): mdBook registers each theme file
/// `theme/<name>.hbs` under its name with `.` written as `_` (`toc.js.hbs` is `toc_js`).
fn mdbook_error(e: &anyhow::Error) -> Diagnostic {
    // Handlebars' two error types carry the same data: template, line, column, reason.
    let located = e.chain().find_map(|cause| {
        if let Some(t) = cause.downcast_ref::<handlebars::TemplateError>() {
            return Some((t.name().cloned(), t.pos(), t.reason().to_string()));
        }
        let r = cause.downcast_ref::<handlebars::RenderError>()?;
        Some((r.template_name.clone(), r.line_no.zip(r.column_no), r.reason().to_string()))
    });
    let Some((name, pos, reason)) = located else {
        return Diagnostic::error(format!("mdBook failed: {e:#}")).with_hint("check book.toml and the files in theme/");
    };
    let message = format!("theme template error: {reason}");
    let file = name.map(|n| PathBuf::from(THEME_DIR).join(format!("{}.hbs", n.replace('_', "."))));
    let d = match (file, pos) {
        (Some(f), Some((line, column))) => {
            Diagnostic::at(f, crate::model::Pos { line: line as u32, column: column.max(1) as u32 }, message)
        }
        (Some(f), None) => Diagnostic::in_file(f, message),
        _ => Diagnostic::error(message),
    };
    d.with_hint(TEMPLATE_HINT)
}

const TEMPLATE_HINT: &str = "theme templates use mdBook's documented template data (see the README); fix the template";
