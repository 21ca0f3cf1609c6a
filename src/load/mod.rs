//! Stage 1, load: the only stage that reads the handbook's files.
//!
//! Reads `book.toml`, every YAML file under `content/` and the page templates
//! under `theme/templates/`, and turns YAML into the typed model. Each file is
//! read in two steps: its `kind:` field first, then the whole file as exactly
//! that kind, so that errors keep their line and column (untagged enums would
//! reduce them to "did not match any variant").

use crate::diagnostic::{Diagnostic, Sources, did_you_mean};
use crate::model::{Chapter, ChapterBody, Handbook, KINDS, Pos, Settings};
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

/// Content text worth parsing on more than one core (YAML parses at some 30 KB/ms).
const PARALLEL_BYTES: usize = 16 * 1024;

/// Reads the handbook rooted at `root`. Never fails: every problem becomes a diagnostic.
pub fn load(root: &Path) -> Loaded {
    load_with(root, None)
}

/// Parsed content files by path, with the text they were parsed from: `serve`
/// keeps one so that an edit re-parses only the files whose text changed.
#[derive(Default)]
pub struct ParseCache(std::collections::HashMap<PathBuf, (String, Result<Parsed, Diagnostic>)>);

/// [`load`], re-parsing only files whose text is not in `cache` as it is now.
pub fn load_cached(root: &Path, cache: &mut ParseCache) -> Loaded {
    load_with(root, Some(cache))
}

fn load_with(root: &Path, mut cache: Option<&mut ParseCache>) -> Loaded {
    let mut loaded = Loaded::default();
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        loaded.diagnostics.push(
            Diagnostic::error(CONTENT_DIR, 0, 0, format!("no `{CONTENT_DIR}/` folder in {}", root.display()))
                .with_hint("run the command from the handbook's root, or pass --dir ROOT (`handbook init DIR` makes a new one)"),
        );
        return loaded;
    }
    let files: Vec<(PathBuf, std::io::Result<String>)> = yaml_files(&content)
        .into_iter()
        .map(|path| (path.strip_prefix(root).unwrap_or(&path).to_path_buf(), std::fs::read_to_string(&path)))
        .collect();
    // Parsing is most of loading, and files parse independently: on every core
    // once there is more text than one core parses in about half a millisecond.
    let bytes: usize = files.iter().map(|(_, t)| t.as_ref().map_or(0, String::len)).sum();
    let fresh =
        |rel: &PathBuf, text: &String| cache.as_ref().and_then(|c| c.0.get(rel)).is_some_and(|(t, _)| t == text);
    let parsed = crate::parallel::map(&files, bytes >= PARALLEL_BYTES, |(rel, text)| match text {
        Ok(t) if !fresh(rel, t) => Some(parse_file(rel, t)),
        _ => None,
    });
    let mut seen = std::collections::HashSet::new();
    for ((rel, text), parsed) in files.into_iter().zip(parsed) {
        match text {
            Ok(text) => {
                let p = match (parsed, cache.as_deref_mut()) {
                    (Some(p), Some(c)) => {
                        c.0.insert(rel.clone(), (text.clone(), p.clone()));
                        p
                    }
                    (Some(p), None) => p,
                    (None, c) => c.expect("only a cache holds files not parsed now").0[&rel].1.clone(),
                };
                add(&mut loaded, &rel, p);
                seen.insert(rel.clone());
                loaded.sources.insert(rel, text);
            }
            Err(e) => loaded.diagnostics.push(
                Diagnostic::error(rel, 0, 0, format!("cannot read file: {e}"))
                    .with_hint("content files must be UTF-8 text"),
            ),
        }
    }
    if let Some(c) = cache {
        c.0.retain(|rel, _| seen.contains(rel));
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

/// What one content file holds, parsed on its own.
#[derive(Clone)]
pub enum Parsed {
    /// The settings, with the position of their `kind:` (for the "second settings file" error).
    Settings(Settings, Pos),
    Quiz(crate::model::Quiz),
    Chapter(ChapterBody),
}

/// Parses one content file: `kind:` first, then the whole file as that kind. Pure.
pub fn parse_file(rel: &Path, text: &str) -> Result<Parsed, Diagnostic> {
    #[derive(Deserialize)]
    struct Probe {
        kind: Option<Spanned<String>>,
    }
    let (kind, pos) = match block_kind(text) {
        Some(k) => k,
        // Not written as a plain top-level `kind: word` line (JSON, say): ask the YAML parser.
        None => match serde_saphyr::from_str::<Probe>(text) {
            Ok(Probe { kind: Some(k) }) => {
                let pos = Pos { line: k.referenced.line() as u32, column: k.referenced.column() as u32 };
                (k.value, pos)
            }
            Ok(Probe { kind: None }) => {
                return Err(Diagnostic::error(rel, 1, 1, "missing field `kind`")
                    .with_hint(format!("every content file starts with `kind:`, one of: {}", KINDS.join(", "))));
            }
            Err(e) => return Err(yaml_error(rel, &e)),
        },
    };
    match kind.as_str() {
        "handbook" => parse::<Settings>(rel, text).map(|s| Parsed::Settings(s, pos)),
        "quiz" => parse(rel, text).map(Parsed::Quiz),
        "overview" => parse(rel, text).map(|c| Parsed::Chapter(ChapterBody::Overview(c))),
        "qualities" => parse(rel, text).map(|c| Parsed::Chapter(ChapterBody::Qualities(c))),
        "images" => parse(rel, text).map(|c| Parsed::Chapter(ChapterBody::Images(c))),
        "relationships" => parse(rel, text).map(|c| Parsed::Chapter(ChapterBody::Relationships(c))),
        "transformations" => parse(rel, text).map(|c| Parsed::Chapter(ChapterBody::Transformations(c))),
        "maxims" => parse(rel, text).map(|c| Parsed::Chapter(ChapterBody::Maxims(c))),
        other => {
            let d = Diagnostic::at(rel, pos, format!("unknown kind `{other}`"));
            Err(d.with_hint(match did_you_mean(other, KINDS.iter().copied()) {
                Some(k) => format!("did you mean `{k}`? (kinds: {})", KINDS.join(", ")),
                None => format!("kinds: {}", KINDS.join(", ")),
            }))
        }
    }
}

/// The kind of a file that states it on a top-level line `kind: word`, with
/// the word's position: found without parsing the file twice (parsing is
/// most of loading a big handbook). Anything else is left to the YAML parser.
fn block_kind(text: &str) -> Option<(String, Pos)> {
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix("kind:") else { continue };
        let value = rest.split(" #").next().unwrap_or("").trim();
        let word = value.trim_matches(|c| c == '"' || c == '\'');
        if word.is_empty() || !word.bytes().all(|b| b.is_ascii_lowercase()) || word.len() + 2 < value.len() {
            return None;
        }
        let column = line.len() - line[5..].trim_start().len() + 1;
        return Some((word.to_string(), Pos { line: n as u32 + 1, column: column as u32 }));
    }
    None
}

/// Adds one parsed file to what is loaded, in file order.
pub fn add(loaded: &mut Loaded, rel: &Path, parsed: Result<Parsed, Diagnostic>) {
    match parsed {
        Ok(Parsed::Settings(s, pos)) => {
            if let Some((first, _)) = &loaded.settings {
                loaded.diagnostics.push(
                    Diagnostic::at(rel, pos, "a second settings file")
                        .with_hint(format!("`kind: handbook` is already in {}; keep one", first.display())),
                );
            } else {
                loaded.settings = Some((rel.to_path_buf(), s));
            }
        }
        Ok(Parsed::Quiz(quiz)) => loaded.quizzes.push(crate::model::QuizFile { file: rel.to_path_buf(), quiz }),
        Ok(Parsed::Chapter(body)) => loaded.chapters.push(chapter(rel, body)),
        Err(d) => {
            loaded.unparsed.push(rel.to_path_buf());
            loaded.diagnostics.push(d);
        }
    }
}

fn chapter(rel: &Path, body: ChapterBody) -> Chapter {
    Chapter { file: rel.to_path_buf(), body }
}

fn parse<T: DeserializeOwned>(rel: &Path, text: &str) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|e| {
        // A typed parse stops at the first value of the wrong type; a syntax
        // error further down is the real problem then (it explains the value).
        #[derive(Deserialize)]
        struct Anything {}
        match serde_saphyr::from_str::<Anything>(text) {
            Err(syntax) => yaml_error(rel, &syntax),
            Ok(_) => yaml_error(rel, &e),
        }
    })
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
    fn kind_lines_are_read_without_parsing() {
        assert_eq!(
            block_kind("# c\nkind: images\nid: x").map(|(k, p)| (k, p.line, p.column)),
            Some(("images".into(), 2, 7))
        );
        assert_eq!(block_kind("kind:   'quiz'  # note").map(|(k, p)| (k, p.column)), Some(("quiz".into(), 9)));
        // Not a plain word, or not at the top level: the YAML parser decides.
        assert!(block_kind("kind: [a, b]").is_none());
        assert!(block_kind("  kind: images").is_none());
        assert!(block_kind("{\"kind\": \"images\"}").is_none());
    }

    #[test]
    fn kind_is_read_before_the_body() {
        let mut l = Loaded::default();
        add(&mut l, Path::new("c.yaml"), parse_file(Path::new("c.yaml"), "kind: imagse\nid: x\n"));
        assert_eq!(l.diagnostics[0].short(), "c.yaml:1:7: unknown kind `imagse`");
        assert!(l.diagnostics[0].hint.as_ref().unwrap().contains("did you mean `images`?"));
    }
}
