//! Stage 4, build: the only stage that writes the site.
//!
//! The rendered Markdown book goes into a staging folder beside the output,
//! mdBook (as a library, `mdbook-driver`) builds it there with the handbook's
//! own `theme/`, extra files are added after mdBook (its HTML renderer empties
//! its output folder), and only then is the staging output swapped into place.
//! A failure at any step leaves the previous output exactly as it was.

mod batch;
mod swap;

pub use batch::BATCH;

use crate::diagnostic::Diagnostic;
use crate::pipeline::Progress;
use crate::render::RenderedBook;
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem, Chapter, SectionNumber};
use mdbook_driver::config::Config;
use std::fs;
use std::path::{Path, PathBuf};

pub const BOOK_TOML: &str = "book.toml";
/// The chapter list script, added to mdBook's `additional-js` (first) so every page loads it.
const SIDEBAR_JS: &str = "sidebar.js";

/// A file the build adds to the site after mdBook has run (search data, PDFs…).
#[derive(Debug, Clone)]
pub struct ExtraFile {
    /// Path relative to the site root, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A job that writes files into a folder laid out like the site (its first
/// argument) while mdBook builds the pages, given the site being replaced (its
/// second) to link unchanged files from.
pub type Beside<'a> = &'a (dyn Fn(&Path, &Path) -> Result<(), Diagnostic> + Sync);

/// Builds the site for `book` into `out`, atomically.
///
/// `extra` files are written after mdBook (whose HTML renderer empties its
/// output folder). `beside` runs on a second thread while mdBook builds (the
/// search index and data); what it wrote is moved into the site before the
/// site is swapped into place.
///
/// `emit_markdown`, when set, also receives the exact Markdown book mdBook was
/// given (with `book.toml` and the theme), so peers like the `mdbook` CLI can
/// be run on the same text.
pub fn build(
    root: &Path,
    book: &RenderedBook,
    extra: &[ExtraFile],
    out: &Path,
    emit_markdown: Option<&Path>,
    beside: Beside<'_>,
    progress: Progress<'_>,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let out = absolute(out);
    let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());
    fs::create_dir_all(&parent).map_err(|e| io_error(&parent, "cannot create the output's parent folder", e))?;
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let result = build_in(root, book, extra, &staging, &out, emit_markdown, beside, progress);
    progress("clean up");
    let _ = fs::remove_dir_all(&staging);
    result
}

#[allow(clippy::too_many_arguments)]
fn build_in(
    root: &Path,
    book: &RenderedBook,
    extra: &[ExtraFile],
    staging: &Path,
    out: &Path,
    emit_markdown: Option<&Path>,
    beside: Beside<'_>,
    progress: Progress<'_>,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let _ = fs::remove_dir_all(staging);
    let src = staging.join("src");
    let site = staging.join("site");
    let side = staging.join("beside");
    fs::create_dir_all(&src).map_err(|e| io_error(&src, "cannot create the staging folder", e))?;
    fs::create_dir_all(&side).map_err(|e| io_error(&side, "cannot create the staging folder", e))?;
    let (warnings, toml_text) = std::thread::scope(|s| {
        let job = s.spawn(|| beside(&side, out));
        let pages = pages(root, book, extra, staging, &site, out, progress);
        progress("wait for search");
        let side = job.join().unwrap_or_else(|_| {
            Err(Diagnostic::error("", 0, 0, "the search index build panicked")
                .with_hint("this is a bug; please report it with the content that triggers it"))
        });
        let pages = pages?;
        side.map(|()| pages)
    })?;
    // What the second thread wrote joins the pages (one rename per top-level entry).
    for entry in fs::read_dir(&side).map_err(|e| io_error(&side, "cannot read the staging folder", e))? {
        let entry = entry.map_err(|e| io_error(&side, "cannot read the staging folder", e))?;
        let target = site.join(entry.file_name());
        if target.exists() {
            return Err(Diagnostic::error(&target, 0, 0, "the theme and the search data both write this path")
                .with_hint("remove it from the theme: the build writes it"));
        }
        fs::rename(entry.path(), &target).map_err(|e| io_error(&target, "cannot move into the site", e))?;
    }

    if let Some(dir) = emit_markdown {
        progress("emit Markdown");
        emit(root, &toml_text, book, dir)?;
    }
    progress("swap into place");
    swap::replace_dir(&site, out).map_err(|e| io_error(out, "cannot move the new site into place", e))?;
    Ok(warnings)
}

/// mdBook's part: the pages, and the extra files after them. Returns the
/// warnings and the `book.toml` text mdBook was configured from.
fn pages(
    root: &Path,
    book: &RenderedBook,
    extra: &[ExtraFile],
    staging: &Path,
    site: &Path,
    out: &Path,
    progress: Progress<'_>,
) -> Result<(Vec<Diagnostic>, String), Diagnostic> {
    // mdBook loads an empty book from disk; the pages are handed over in memory
    // (writing thousands of Markdown files only for mdBook to read them back cost seconds).
    write(&staging.join("src").join("SUMMARY.md"), b"# Summary\n")?;
    let (toml_text, config) = mdbook_config(root, book, staging, site)?;

    let renderer = batch::BatchedHtml::default();
    let mut warnings = Vec::new();
    if renderer.batched(book.pages.len()) && config.html_config().is_some_and(|h| h.print.enable) {
        warnings.push(
            Diagnostic::warning(
                BOOK_TOML,
                0,
                0,
                format!(
                    "the print page (print.html) is left out: {} pages are more than one page can usefully hold (at most {})",
                    book.pages.len(),
                    renderer.batch
                ),
            )
            .with_hint("print chosen chapters with `handbook print` (editions in content/handbook.yaml), or set `[output.html.print] enable = false`"),
        );
    }

    progress("mdBook");
    let mut md = MDBook::load_with_config(staging, config).map_err(|e| mdbook_error(&e))?;
    md.book = in_memory(book);
    md.with_renderer(renderer);
    md.build().map_err(|e| mdbook_error(&e))?;

    progress("write extra files");
    write(&site.join("toc.html"), book.toc_html.as_bytes())?;
    write_files(extra, site, out)?;
    Ok((warnings, toml_text))
}

/// Writes `files` into `dir`, on every core (it is kernel work). A file the
/// site being replaced (`previous`) already holds with exactly these bytes is
/// hard-linked from there instead: no new inode to allocate, none to free when
/// the old site goes, the costly part on ext4.
pub fn write_files(files: &[ExtraFile], dir: &Path, previous: &Path) -> Result<(), Diagnostic> {
    // Each folder is made once, not once per file.
    let mut folders: Vec<PathBuf> =
        files.iter().filter_map(|f| dir.join(&f.path).parent().map(Path::to_path_buf)).collect();
    folders.sort();
    folders.dedup();
    for p in &folders {
        fs::create_dir_all(p).map_err(|e| io_error(p, "cannot create folder", e))?;
    }
    for r in crate::parallel::map(files, files.len() >= 16, |f| {
        keep_or_write(&previous.join(&f.path), &dir.join(&f.path), &f.bytes)
    }) {
        r?;
    }
    Ok(())
}

/// mdBook's configuration for a build in `staging` into `site`: the handbook's
/// `book.toml`, with the theme and the chapter list script added. Returns the `book.toml` text too.
fn mdbook_config(
    root: &Path,
    book: &RenderedBook,
    staging: &Path,
    site: &Path,
) -> Result<(String, Config), Diagnostic> {
    let toml_text = fs::read_to_string(root.join(BOOK_TOML)).unwrap_or_default();
    let mut config: Config = toml_text.parse().map_err(|e: anyhow::Error| config_error(&e))?;
    config.book.src = staging.join("src");
    config.build.build_dir = site.to_path_buf();
    config.build.create_missing = false;
    let theme = absolute(&root.join("theme"));
    if theme.is_dir() && config.html_config().and_then(|h| h.theme).is_none() {
        config.set("output.html.theme", theme.to_string_lossy().as_ref()).map_err(|e| config_error(&e))?;
    }
    write(&staging.join(SIDEBAR_JS), book.sidebar_js.as_bytes())?;
    with_sidebar(&mut config)?;
    Ok((toml_text, config))
}

/// Whether [`update_pages`] can bring a site up to date: not while the print
/// page (every chapter on one page) is part of it.
pub fn can_update_pages(root: &Path, book: &RenderedBook) -> bool {
    let print = fs::read_to_string(root.join(BOOK_TOML))
        .ok()
        .and_then(|t| t.parse::<Config>().ok())
        .and_then(|c| c.html_config())
        .is_none_or(|h| h.print.enable);
    !print || batch::BatchedHtml::default().batched(book.pages.len())
}

/// Renders only the pages `pages` (indices into `book.pages`) through mdBook
/// into the existing site `out`, each page replaced atomically (for `serve`).
pub fn update_pages(root: &Path, book: &RenderedBook, pages: &[usize], out: &Path) -> Result<(), Diagnostic> {
    let out = absolute(out);
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());
    let staging = out.with_file_name(format!(".{name}.pages-{}", std::process::id()));
    let result = (|| {
        let _ = fs::remove_dir_all(&staging);
        let src = staging.join("src");
        fs::create_dir_all(&src).map_err(|e| io_error(&src, "cannot create the staging folder", e))?;
        write(&src.join("SUMMARY.md"), b"# Summary\n")?;
        let (_, config) = mdbook_config(root, book, &staging, &out)?;
        let mut md = MDBook::load_with_config(&staging, config).map_err(|e| mdbook_error(&e))?;
        md.book = in_memory(book);
        md.with_renderer(batch::BatchedHtml { only: Some(pages.to_vec()), ..Default::default() });
        md.build().map_err(|e| mdbook_error(&e))
    })();
    let _ = fs::remove_dir_all(&staging);
    result
}

/// Replaces one file of a live site: written beside it, then renamed over it.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.new-{}", std::process::id()));
    write(&tmp, bytes)?;
    fs::rename(&tmp, path).map_err(|e| io_error(path, "cannot replace file", e))
}

/// Replaces a folder of a live site by a new one (see [`swap::replace_dir`]).
pub fn replace_dir(new: &Path, target: &Path) -> Result<(), Diagnostic> {
    swap::replace_dir(new, target).map_err(|e| io_error(target, "cannot replace folder", e))
}

/// Writes the Markdown book as a standalone mdBook project: `book.toml`, `src/`, `theme/`.
fn emit(root: &Path, toml_text: &str, book: &RenderedBook, dir: &Path) -> Result<(), Diagnostic> {
    let _ = fs::remove_dir_all(dir);
    let src = dir.join("src");
    write(&src.join("SUMMARY.md"), book.summary().as_bytes())?;
    for page in &book.pages {
        write(&src.join(format!("{}.md", page.id)), page.markdown.as_bytes())?;
    }
    let mut config: Config = toml_text.parse().map_err(|e: anyhow::Error| config_error(&e))?;
    with_sidebar(&mut config)?;
    let toml = toml::to_string(&config).map_err(|e| config_error(&anyhow::Error::from(e)))?;
    write(&dir.join(BOOK_TOML), toml.as_bytes())?;
    write(&dir.join(SIDEBAR_JS), book.sidebar_js.as_bytes())?;
    let theme = root.join("theme");
    if theme.is_dir() {
        copy_dir(&theme, &dir.join("theme"))?;
    }
    Ok(())
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
fn with_sidebar(config: &mut Config) -> Result<(), Diagnostic> {
    let mut js = config.html_config().map(|h| h.additional_js).unwrap_or_default();
    js.insert(0, PathBuf::from(SIDEBAR_JS));
    config.set("output.html.additional-js", &js).map_err(|e| config_error(&e))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Diagnostic> {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
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
fn keep_or_write(previous: &Path, path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
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

fn write(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).map_err(|e| io_error(p, "cannot create folder", e))?;
    }
    fs::write(path, bytes).map_err(|e| io_error(path, "cannot write file", e))
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(path, 0, 0, format!("{what}: {e}"))
        .with_hint("check that the folder is writable and the disk is not full")
}

/// A `book.toml` problem, with the line and column the TOML parser reports.
fn config_error(e: &anyhow::Error) -> Diagnostic {
    let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    let detail = chain.last().cloned().unwrap_or_default();
    let (line, column) = toml_position(&detail).unwrap_or((0, 0));
    let message = detail
        .lines()
        .filter(|l| {
            !l.trim().is_empty()
                && !l.contains(" | ")
                && !l.trim_start().starts_with('|')
                && !l.starts_with("TOML parse error")
        })
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("; ");
    Diagnostic::error(BOOK_TOML, line, column, format!("invalid book.toml: {message}")).with_hint(
        "book.toml is mdBook's own configuration and mdBook 0.5 rejects unknown keys; the handbook's settings go in content/handbook.yaml",
    )
}

fn toml_position(s: &str) -> Option<(u32, u32)> {
    let rest = &s[s.find("at line ")? + 8..];
    let (line, rest) = rest.split_once(", column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.trim().parse().ok()?, column.parse().ok()?))
}

fn mdbook_error(e: &anyhow::Error) -> Diagnostic {
    let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
    let text = chain.join(": ");
    // Handlebars reports `Template error in "toc_js":2:1`; name the theme file instead.
    let located = text.split_once("Template error in \"").and_then(|(_, rest)| {
        let (name, rest) = rest.split_once('"')?;
        let file = match name {
            "index" => "index.hbs",
            "head" => "head.hbs",
            "header" => "header.hbs",
            "redirect" => "redirect.hbs",
            "toc_js" => "toc.js.hbs",
            "toc_html" => "toc.html.hbs",
            _ => return None,
        };
        let mut nums = rest.trim_start_matches(':').split(|c: char| !c.is_ascii_digit());
        let line = nums.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        let column = nums.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        Some((format!("theme/{file}"), line, column))
    });
    let message = chain
        .iter()
        .flat_map(|c| c.lines())
        .find(|l| l.contains("reason:") || l.contains("invalid") || l.contains("error"))
        .map(|l| l.trim().trim_start_matches("= reason:").trim().to_string())
        .unwrap_or_else(|| text.clone());
    match located {
        Some((file, line, column)) => Diagnostic::error(file, line, column, format!("theme template error: {message}"))
            .with_hint("theme templates use mdBook's documented template data (see the README); fix the template"),
        None => Diagnostic::error(BOOK_TOML, 0, 0, format!("mdBook failed: {text}"))
            .with_hint("check book.toml and the files in theme/"),
    }
}

#[cfg(test)]
mod tests {
    use super::toml_position;

    #[test]
    fn finds_toml_positions() {
        assert_eq!(toml_position("TOML parse error at line 3, column 1\n  |"), Some((3, 1)));
        assert_eq!(toml_position("no position"), None);
    }
}
