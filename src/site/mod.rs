//! Stage 4, build: the only stage that writes the site.
//!
//! The rendered Markdown book goes into a staging folder beside the output,
//! mdBook (as a library, `mdbook-driver`) builds it there with the handbook's
//! own `theme/`, extra files are added after mdBook (its HTML renderer empties
//! its output folder), and only then is the staging output swapped into place.
//! A failure at any step leaves the previous output exactly as it was.

mod swap;

use crate::diagnostic::Diagnostic;
use crate::render::RenderedBook;
use mdbook_driver::MDBook;
use mdbook_driver::config::Config;
use std::fs;
use std::path::{Path, PathBuf};

pub const BOOK_TOML: &str = "book.toml";

/// A file the build adds to the site after mdBook has run (search data, PDFs…).
#[derive(Debug, Clone)]
pub struct ExtraFile {
    /// Path relative to the site root, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Builds the site for `book` into `out`, atomically.
///
/// `extra` files are written after mdBook (whose HTML renderer empties its
/// output folder), then `finish` may write more into the new site folder
/// (the search index) before it is swapped into place.
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
    finish: &dyn Fn(&Path) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let out = absolute(out);
    let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "book".into());
    fs::create_dir_all(&parent).map_err(|e| io_error(&parent, "cannot create the output's parent folder", e))?;
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let result = build_in(root, book, extra, &staging, &out, emit_markdown, finish);
    let _ = fs::remove_dir_all(&staging);
    result
}

fn build_in(
    root: &Path,
    book: &RenderedBook,
    extra: &[ExtraFile],
    staging: &Path,
    out: &Path,
    emit_markdown: Option<&Path>,
    finish: &dyn Fn(&Path) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let _ = fs::remove_dir_all(staging);
    let src = staging.join("src");
    let site = staging.join("site");
    fs::create_dir_all(&src).map_err(|e| io_error(&src, "cannot create the staging folder", e))?;
    write(&src.join("SUMMARY.md"), book.summary().as_bytes())?;
    for page in &book.pages {
        write(&src.join(format!("{}.md", page.id)), page.markdown.as_bytes())?;
    }

    let toml_path = root.join(BOOK_TOML);
    let toml_text = fs::read_to_string(&toml_path).unwrap_or_default();
    let mut config: Config = toml_text.parse().map_err(|e: anyhow::Error| config_error(&e))?;
    config.book.src = src.clone();
    config.build.build_dir = site.clone();
    config.build.create_missing = false;
    let theme = absolute(&root.join("theme"));
    if theme.is_dir() && config.html_config().and_then(|h| h.theme).is_none() {
        config.set("output.html.theme", theme.to_string_lossy().as_ref()).map_err(|e| config_error(&e))?;
    }

    let md = MDBook::load_with_config(staging, config).map_err(|e| mdbook_error(&e))?;
    md.build().map_err(|e| mdbook_error(&e))?;

    for f in extra {
        write(&site.join(&f.path), &f.bytes)?;
    }
    finish(&site)?;

    if let Some(dir) = emit_markdown {
        emit(root, &toml_text, &src, dir)?;
    }
    swap::replace_dir(&site, out).map_err(|e| io_error(out, "cannot move the new site into place", e))
}

/// Writes the Markdown book as a standalone mdBook project: `book.toml`, `src/`, `theme/`.
fn emit(root: &Path, toml_text: &str, src: &Path, dir: &Path) -> Result<(), Diagnostic> {
    let _ = fs::remove_dir_all(dir);
    copy_dir(src, &dir.join("src"))?;
    write(&dir.join(BOOK_TOML), toml_text.as_bytes())?;
    let theme = root.join("theme");
    if theme.is_dir() {
        copy_dir(&theme, &dir.join("theme"))?;
    }
    Ok(())
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
