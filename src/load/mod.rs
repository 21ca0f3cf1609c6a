//! Stage 1, load: the only stage that reads the handbook's files.
//!
//! Reads `book.toml`, every YAML file under `content/` and the page templates
//! under `theme/templates/`, and turns YAML into the typed model. Each file is
//! read in two steps: its `kind:` field first, then the whole file as exactly
//! that kind, so that errors keep their line and column (untagged enums would
//! reduce them to "did not match any variant").

use crate::diagnostic::{Diagnostic, Sources, did_you_mean};
use crate::model::{Chapter, ChapterBody, Handbook, KINDS, Settings};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_saphyr::Spanned;
use std::path::{Path, PathBuf};

/// The folder, under the root, that holds the content files.
pub const CONTENT_DIR: &str = "content";
/// The browser's search code, under the root.
pub const SEARCH_JS: &str = "theme/static/search/search.js";
/// The print layout (Typst), under the root.
pub const PRINT_TEMPLATE: &str = "theme/print/handbook.typ";
/// Files under this folder are copied into the site at the same relative path.
pub const STATIC_DIR: &str = "theme/static";
/// The folder, under the root, that holds the page templates.
pub const TEMPLATES_DIR: &str = "theme/templates";

/// Everything the later stages need, read from disk once.
#[derive(Debug, Default)]
pub struct Loaded {
    /// `None` when no settings file could be read; the chapters that did load are kept
    /// in `chapters` so validation can still report their problems.
    pub settings: Option<(PathBuf, Settings)>,
    pub chapters: Vec<Chapter>,
    pub quizzes: Vec<crate::model::QuizFile>,
    /// File texts by path relative to the root, for diagnostics' snippets.
    pub sources: Sources,
    /// `(name, source)` of every template, name relative to `theme/templates/`.
    pub templates: Vec<(String, String)>,
    /// The browser search code, `theme/static/search/search.js`.
    pub search_js: Option<String>,
    /// Every file under `theme/static/`: (path relative to it, `/`-separated; bytes).
    pub static_files: Vec<(String, Vec<u8>)>,
    /// The print layout, `theme/print/handbook.typ`.
    pub print_template: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that did not parse: validation must not report refs into them as broken.
    pub unparsed: Vec<PathBuf>,
}

impl Loaded {
    /// The handbook, when its settings loaded; problems are in `diagnostics`.
    pub fn handbook(&self) -> Option<Handbook> {
        let (file, settings) = self.settings.clone()?;
        Some(Handbook { settings, settings_file: file, chapters: self.chapters.clone(), quizzes: self.quizzes.clone() })
    }

    /// What validation needs to know about files that did not load.
    pub fn gaps(&self) -> crate::validate::Gaps {
        crate::validate::Gaps { complete: self.unparsed.is_empty() }
    }
}

/// Reads the handbook rooted at `root`. Never fails: every problem becomes a diagnostic.
pub fn load(root: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        loaded.diagnostics.push(
            Diagnostic::error(CONTENT_DIR, 0, 0, format!("no `{CONTENT_DIR}/` folder in {}", root.display()))
                .with_hint("run the command from the handbook's root, or pass --dir ROOT (`handbook init DIR` makes a new one)"),
        );
        return loaded;
    }
    for path in yaml_files(&content) {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                load_file(&mut loaded, &rel, &text);
                loaded.sources.insert(rel, text);
            }
            Err(e) => loaded.diagnostics.push(
                Diagnostic::error(rel, 0, 0, format!("cannot read file: {e}"))
                    .with_hint("content files must be UTF-8 text"),
            ),
        }
    }
    if loaded.settings.is_none() && !loaded.diagnostics.iter().any(|d| d.is_error()) {
        loaded.diagnostics.push(
            Diagnostic::error(CONTENT_DIR, 0, 0, "no settings file: no content file has `kind: handbook`")
                .with_hint("add content/handbook.yaml with `kind: handbook` and the list of chapter ids"),
        );
    }
    load_templates(root, &mut loaded);
    loaded.search_js = std::fs::read_to_string(root.join(SEARCH_JS)).ok();
    loaded.print_template = std::fs::read_to_string(root.join(PRINT_TEMPLATE)).ok();
    let dir = root.join(STATIC_DIR);
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file()
            && let Ok(bytes) = std::fs::read(entry.path())
        {
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            loaded.static_files.push((rel, bytes));
        }
    }
    loaded
}

/// `*.yaml` and `*.yml` files below `dir`, in file-name order (deterministic output).
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect()
}

fn load_file(loaded: &mut Loaded, rel: &Path, text: &str) {
    #[derive(Deserialize)]
    struct Probe {
        kind: Option<Spanned<String>>,
    }
    loaded.unparsed.push(rel.to_path_buf());
    let kind = match serde_saphyr::from_str::<Probe>(text) {
        Ok(Probe { kind: Some(k) }) => k,
        Ok(Probe { kind: None }) => {
            loaded.diagnostics.push(
                Diagnostic::error(rel, 1, 1, "missing field `kind`")
                    .with_hint(format!("every content file starts with `kind:`, one of: {}", KINDS.join(", "))),
            );
            return;
        }
        Err(e) => {
            loaded.diagnostics.push(yaml_error(rel, &e));
            return;
        }
    };
    let parsed = match kind.value.as_str() {
        "handbook" => parse::<Settings>(rel, text).map(|s| {
            if let Some((first, _)) = &loaded.settings {
                loaded.diagnostics.push(
                    Diagnostic::error(
                        rel,
                        kind.referenced.line() as u32,
                        kind.referenced.column() as u32,
                        "a second settings file",
                    )
                    .with_hint(format!("`kind: handbook` is already in {}; keep one", first.display())),
                );
            } else {
                loaded.settings = Some((rel.to_path_buf(), s));
            }
        }),
        "quiz" => {
            parse(rel, text).map(|quiz| loaded.quizzes.push(crate::model::QuizFile { file: rel.to_path_buf(), quiz }))
        }
        "overview" => parse(rel, text).map(|c| loaded.chapters.push(chapter(rel, ChapterBody::Overview(c)))),
        "qualities" => parse(rel, text).map(|c| loaded.chapters.push(chapter(rel, ChapterBody::Qualities(c)))),
        "images" => parse(rel, text).map(|c| loaded.chapters.push(chapter(rel, ChapterBody::Images(c)))),
        "relationships" => parse(rel, text).map(|c| loaded.chapters.push(chapter(rel, ChapterBody::Relationships(c)))),
        "transformations" => {
            parse(rel, text).map(|c| loaded.chapters.push(chapter(rel, ChapterBody::Transformations(c))))
        }
        "maxims" => parse(rel, text).map(|c| loaded.chapters.push(chapter(rel, ChapterBody::Maxims(c)))),
        other => {
            let mut d = Diagnostic::error(
                rel,
                kind.referenced.line() as u32,
                kind.referenced.column() as u32,
                format!("unknown kind `{other}`"),
            );
            d = d.with_hint(match did_you_mean(other, KINDS.iter().copied()) {
                Some(k) => format!("did you mean `{k}`? (kinds: {})", KINDS.join(", ")),
                None => format!("kinds: {}", KINDS.join(", ")),
            });
            Err(d)
        }
    };
    match parsed {
        Ok(()) => {
            loaded.unparsed.pop();
        }
        Err(d) => loaded.diagnostics.push(d),
    }
}

fn chapter(rel: &Path, body: ChapterBody) -> Chapter {
    Chapter { file: rel.to_path_buf(), body }
}

fn parse<T: DeserializeOwned>(rel: &Path, text: &str) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|e| yaml_error(rel, &e))
}

/// Turns a YAML library error into a diagnostic with our own wording and hint.
fn yaml_error(rel: &Path, e: &serde_saphyr::Error) -> Diagnostic {
    let (line, column) = e.location().map(|l| (l.line() as u32, l.column() as u32)).unwrap_or((0, 0));
    let raw = e.without_snippet().to_string();
    let msg = raw.strip_suffix(&format!(" at line {line}, column {column}")).unwrap_or(&raw).trim().to_string();
    let (message, hint) = explain(&msg);
    let d = Diagnostic::error(rel, line, column, message);
    match hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Rewords the YAML library's messages and adds a hint where we can say more.
fn explain(msg: &str) -> (String, Option<String>) {
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some((field, tail)) = rest.split_once('`')
    {
        let expected: Vec<&str> = tail
            .trim_start_matches(", expected one of ")
            .trim_start_matches(", expected ")
            .split(", ")
            .map(|s| s.trim_matches('`'))
            .filter(|s| !s.is_empty() && !s.starts_with("there are no fields"))
            .collect();
        let hint = match did_you_mean(field, expected.iter().copied()) {
            Some(m) => format!("did you mean `{m}`? (fields here: {})", expected.join(", ")),
            None if expected.is_empty() => "this mapping takes no fields".to_string(),
            None => format!("fields here: {}", expected.join(", ")),
        };
        return (format!("unknown field `{field}`"), Some(hint));
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        return (
            format!("missing field `{field}`"),
            Some(format!("add `{field}:` to this mapping (see the README's schema tables)")),
        );
    }
    if let Some(rest) = msg.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest);
        return (
            format!("duplicate key `{key}`"),
            Some("a key may appear only once in a mapping; merge the two values".to_string()),
        );
    }
    if msg.starts_with("invalid ") || msg.starts_with("expected ") || msg.starts_with("invalid type") {
        let what = match msg {
            "expected sequence start" => "expected a list".to_string(),
            "expected mapping start" => "expected a mapping (`key: value` lines)".to_string(),
            "expected string scalar" => "expected a text".to_string(),
            other => other.to_string(),
        };
        return (
            format!("wrong type: {what}"),
            Some(
                "check the value against the README's schema tables (text, list of texts, id, list of ids)".to_string(),
            ),
        );
    }
    (msg.to_string(), Some("this is not valid YAML; check indentation and quoting near here".to_string()))
}

fn load_templates(root: &Path, loaded: &mut Loaded) {
    let dir = root.join(TEMPLATES_DIR);
    if !dir.is_dir() {
        loaded.diagnostics.push(
            Diagnostic::error(TEMPLATES_DIR, 0, 0, format!("no `{TEMPLATES_DIR}/` folder")).with_hint(
                "the page templates (one `<kind>.md.tera` per kind) live there; `handbook init` writes a set",
            ),
        );
        return;
    }
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().and_then(|e| e.to_str()) != Some("tera") {
            continue;
        }
        let name = path.strip_prefix(&dir).unwrap_or(path).to_string_lossy().replace('\\', "/");
        match std::fs::read_to_string(path) {
            Ok(src) => loaded.templates.push((name, src)),
            Err(e) => loaded.diagnostics.push(Diagnostic::error(
                path.strip_prefix(root).unwrap_or(path),
                0,
                0,
                format!("cannot read template: {e}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_gets_did_you_mean() {
        let (m, h) = explain("unknown field `titel`, expected one of kind, id, title, heading");
        assert_eq!(m, "unknown field `titel`");
        assert!(h.unwrap().starts_with("did you mean `title`?"));
    }

    #[test]
    fn kind_is_read_before_the_body() {
        let mut l = Loaded::default();
        load_file(&mut l, Path::new("c.yaml"), "kind: imagse\nid: x\n");
        assert_eq!(l.diagnostics[0].short(), "c.yaml:1:7: unknown kind `imagse`");
        assert!(l.diagnostics[0].hint.as_ref().unwrap().contains("did you mean `images`?"));
    }
}
