//! Shared helpers: fixture handbooks in temp folders, the shipped site built once.

use handbook::pipeline::{self, BuildOptions, Report};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_map(Result::ok) {
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The minimal valid handbook with the shipped theme, plus `overlay` copied over it.
pub fn fixture(overlay: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/fixtures/minimal"), dir.path());
    copy_dir(&repo().join("theme"), &dir.path().join("theme"));
    if let Some(o) = overlay {
        copy_dir(o, dir.path());
    }
    dir
}

pub fn build(root: &Path, out: &Path) -> Report {
    pipeline::build(root, &BuildOptions { out: out.to_path_buf(), ..Default::default() })
}

/// The shipped handbook, built once per test run.
pub struct Shipped {
    pub out: PathBuf,
    /// Chapter ids in reading order.
    pub chapters: Vec<String>,
    _dir: tempfile::TempDir,
}

pub fn shipped() -> &'static Shipped {
    static SITE: OnceLock<Shipped> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("book");
        let report = build(&repo(), &out);
        assert!(report.ok(), "the shipped handbook must build: {:#?}", report.diagnostics);
        let chapters = report.value.unwrap().pages.into_iter().map(|p| p.id).collect();
        Shipped { out, chapters, _dir: dir }
    })
}

/// Every file of a folder with its bytes, for byte-identical comparisons.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// The text nodes of the page's `<article>` (the chapter content), entities decoded.
pub fn article_text_nodes(html: &str) -> Vec<String> {
    let start = html.find("<article").expect("page has an <article>");
    let end = html.rfind("</article>").expect("page has </article>");
    let body = &html[start..end];
    let mut nodes = Vec::new();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if !text.is_empty() {
            nodes.push(decode_entities(text));
        }
        match rest[lt..].find('>') {
            Some(gt) => rest = &rest[lt + gt + 1..],
            None => break,
        }
    }
    nodes
}

/// The visible text of the article: text nodes concatenated (tags removed).
pub fn article_text(html: &str) -> String {
    article_text_nodes(html).concat()
}

pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ if ent.starts_with("#x") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Skips (returns false) with a printed reason on a developer machine; fails under CI.
pub fn require(available: bool, what: &str) -> bool {
    if available {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is required when CI=true");
    }
    eprintln!("SKIPPED: {what} is not available on this machine");
    false
}

/// What python-docx (PyPI) reads from a .docx (tests/tools/docx_paragraphs.py).
pub fn read_docx(path: &Path) -> Option<serde_json::Value> {
    let has =
        std::process::Command::new("python3").args(["-c", "import docx"]).output().is_ok_and(|o| o.status.success());
    if !require(has, "python3 with python-docx (pip install python-docx)") {
        return None;
    }
    let out = std::process::Command::new("python3")
        .arg(repo().join("tests/tools/docx_paragraphs.py"))
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}
