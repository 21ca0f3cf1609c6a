//! `handbook init DIR`: a new handbook that passes `check` and builds at once.
//!
//! The scaffold is one short example of every content kind and a quiz (with
//! comments that teach the schema), the JSON Schema for YAML editors, and a
//! copy of this tool's theme. All are compiled into the binary.

use crate::diagnostic::{Diagnostic, Result};
use std::path::{Path, PathBuf};

macro_rules! files {
    ($base:literal: $($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $base, "/", $path)) as &[u8])),*]
    };
}

/// The example handbook: book.toml and content/.
pub const SKELETON: &[(&str, &[u8])] = files!("src/init/skeleton":
    "book.toml",
    "content/01-overview.yaml",
    "content/02-qualities.yaml",
    "content/03-images.yaml",
    "content/04-relationships.yaml",
    "content/05-transformations.yaml",
    "content/06-maxims.yaml",
    "content/handbook.yaml",
    "content/quiz/01-overview.yaml",
);

/// The theme, as shipped (a test checks that it lists every file of `theme/`).
pub const THEME: &[(&str, &[u8])] = files!("theme":
    "ayu-highlight.css",
    "book.js",
    "clipboard.min.js",
    "css/chrome.css",
    "css/general.css",
    "css/print.css",
    "css/variables.css",
    "favicon.svg",
    "fonts/fonts.css",
    "highlight.css",
    "highlight.js",
    "index.hbs",
    "print/handbook.typ",
    "print/exam.typ",
    "print/exam.yaml",
    "print/card.typ",
    "static/learn/learn.js",
    "static/quiz/quiz.js",
    "static/search/search.js",
    "templates/_chapter_head.md.tera",
    "templates/_quiz.md.tera",
    "templates/_text.md.tera",
    "templates/drill.txt.tera",
    "templates/images.md.tera",
    "templates/maxims.md.tera",
    "templates/overview.md.tera",
    "templates/practice.md.tera",
    "templates/progress.md.tera",
    "templates/qualities.md.tera",
    "templates/relationships.md.tera",
    "templates/review.md.tera",
    "templates/sidebar.js.tera",
    "templates/toc.html.tera",
    "templates/transformations.md.tera",
    "toc.html.hbs",
    "toc.js.hbs",
    "tomorrow-night.css",
);

/// A random number (std's hash keys are random per process), for the new
/// handbook's id: two handbooks made by `init` never share readers' progress.
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.finish()
}

/// Writes a new handbook into `dir` (which must not exist or be empty).
/// Returns the files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let failed = |path: &Path, e: std::io::Error| {
        Diagnostic::in_file(path, format!("cannot write the new handbook: {e}"))
            .with_hint("pass a new or empty folder that can be written")
    };
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| failed(dir, e))?.next().is_some() {
        return Err(Diagnostic::in_file(dir, "the folder is not empty")
            .with_hint("init writes a new handbook into an empty or new folder; it never overwrites"));
    }
    let schema = serde_json::to_vec_pretty(&crate::model::content_schema()).unwrap_or_default();
    let mut written = Vec::new();
    let id = format!("handbook-{:012x}", random() & 0xffff_ffff_ffff);
    let files = SKELETON
        .iter()
        .map(|(p, b)| {
            let bytes = if *p == "content/handbook.yaml" {
                String::from_utf8_lossy(b).replace("id: new-handbook", &format!("id: {id}")).into_bytes()
            } else {
                b.to_vec()
            };
            (PathBuf::from(p), bytes)
        })
        .chain(THEME.iter().map(|(p, b)| (Path::new("theme").join(p), b.to_vec())))
        .chain(std::iter::once((PathBuf::from("content/handbook.schema.json"), schema)));
    for (rel, bytes) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| failed(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| failed(&path, e))?;
        written.push(rel);
    }
    Ok(written)
}
