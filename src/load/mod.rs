//! Stage 1, load: the only stage that reads the handbook's files.
//!
//! Reads `book.toml`, every YAML file under `content/`, the page templates
//! under `theme/templates/`, the print layouts and the exam papers' words,
//! the theme's static files, and turns YAML into
//! the typed model. Each file is read in two steps: its `kind:` field first,
//! then the whole file as exactly that kind, so that errors keep their line
//! and column (untagged enums would reduce them to "did not match any
//! variant"). Library errors become diagnostics from their own data:
//! serde-saphyr's error variants and locations, toml's spans.

use crate::diagnostic::{Diagnostic, Sources, did_you_mean};
use crate::layout::{
    BOOK_TOML, CARD_TEMPLATE, CONTENT_DIR, EXAM_TEMPLATE, EXAM_WORDS, PRINT_TEMPLATE, SEARCH_JS, STATIC_DIR,
    TEMPLATES_DIR, THEME_DIR,
};
use crate::model::{Chapter, ChapterBody, Handbook, KINDS, Pos, Settings};
use mdbook_driver::config::Config;
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_saphyr::Spanned;
use std::path::{Path, PathBuf};

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
    /// The exam papers' layout, `theme/print/exam.typ`.
    pub exam_template: Option<String>,
    /// The summary card's layout, `theme/print/card.typ`.
    pub card_template: Option<String>,
    /// The exam papers' words, `theme/print/exam.yaml` (`None` without one, or when it does not parse).
    pub exam_words: Option<crate::model::ExamWords>,
    /// mdBook's configuration from `book.toml` (mdBook's defaults when there is
    /// none); `None` when it does not parse.
    pub book_config: Option<Config>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files that did not parse: validation must not report refs into them as broken.
    pub unparsed: Vec<PathBuf>,
}

impl Loaded {
    /// The handbook, when its settings loaded (problems are in
    /// `diagnostics`), taken out rather than copied: a big handbook's model
    /// is hundreds of megabytes.
    pub fn take_handbook(&mut self) -> Option<Handbook> {
        let (file, settings) = self.settings.take()?;
        let (chapters, quizzes) = (std::mem::take(&mut self.chapters), std::mem::take(&mut self.quizzes));
        Some(Handbook { settings, settings_file: file, chapters, quizzes })
    }

    /// Whether every content file parsed (refs into a broken file are not checked).
    pub fn complete(&self) -> bool {
        self.unparsed.is_empty()
    }
}

/// Content text worth parsing on more than one core (below it, starting the
/// threads costs more than they save; measured in the README's bench notes).
const PARALLEL_BYTES: usize = 16 * 1024;

/// The largest content file read. A chapter file is one page; the shipped
/// handbook's largest is 30 KB, and one page of megabytes would not load well
/// in a browser either. Many files may make a big handbook.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

fn too_large(rel: &Path, what: String) -> Diagnostic {
    Diagnostic::in_file(rel, format!("this content file is too large ({what})"))
        .with_hint(format!(
            "a content file is one chapter page and may be at most {} MB (250,000 YAML values): split it into several chapter files",
            MAX_FILE_BYTES / 1024 / 1024
        ))
}

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
            Diagnostic::in_file(CONTENT_DIR, format!("no `{CONTENT_DIR}/` folder in {}", root.display())).with_hint(
                "run the command from the handbook's root, or pass --dir ROOT (`handbook init DIR` makes a new one)",
            ),
        );
        return loaded;
    }
    // Sizes first: a huge file is refused without being read, and the total
    // says whether reading and parsing are worth spreading over the cores.
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut bytes = 0;
    for path in yaml_files(root, &content, &mut loaded.diagnostics) {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        if size > MAX_FILE_BYTES {
            add(&mut loaded, &rel, Err(too_large(&rel, format!("{:.1} MB", size as f64 / 1e6))));
        } else {
            bytes += size;
            files.push((path, rel));
        }
    }
    // Parsing is most of loading, and files read and parse independently: on
    // every core once there is enough text, one file a task so one big file
    // does not hold up the rest.
    let fresh =
        |rel: &PathBuf, text: &String| cache.as_ref().and_then(|c| c.0.get(rel)).is_some_and(|(t, _)| t == text);
    type Done = (PathBuf, Result<String, Diagnostic>, Option<Result<Parsed, Diagnostic>>);
    let work = |(path, rel): &(PathBuf, PathBuf)| -> Done {
        let text = read_text(path, rel);
        let parsed = match &text {
            Ok(t) if !fresh(rel, t) => Some(parse_file(rel, t)),
            _ => None,
        };
        (rel.clone(), text, parsed)
    };
    let done: Vec<Done> = if bytes >= PARALLEL_BYTES as u64 {
        files.par_iter().with_max_len(1).map(work).collect()
    } else {
        files.iter().map(work).collect()
    };
    let mut seen = std::collections::HashSet::new();
    for (rel, text, parsed) in done {
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
            // Its ids are unknown: references to them are not reported too.
            Err(d) => add(&mut loaded, &rel, Err(d)),
        }
    }
    if let Some(c) = cache {
        c.0.retain(|rel, _| seen.contains(rel));
    }
    if loaded.settings.is_none() && !loaded.diagnostics.iter().any(|d| d.is_error()) {
        loaded.diagnostics.push(
            Diagnostic::in_file(CONTENT_DIR, "no settings file: no content file has `kind: handbook`")
                .with_hint("add content/handbook.yaml with `kind: handbook` and the list of chapter ids"),
        );
    }
    load_book_toml(root, &mut loaded);
    load_templates(root, &mut loaded);
    loaded.search_js = std::fs::read_to_string(root.join(SEARCH_JS)).ok();
    // Kept in the sources too, for the snippets of Typst's errors and warnings.
    for (path, slot) in [
        (PRINT_TEMPLATE, &mut loaded.print_template),
        (EXAM_TEMPLATE, &mut loaded.exam_template),
        (CARD_TEMPLATE, &mut loaded.card_template),
    ] {
        *slot = std::fs::read_to_string(root.join(path)).ok();
        if let Some(t) = slot {
            loaded.sources.insert(PathBuf::from(path), t.clone());
        }
    }
    if let Ok(text) = std::fs::read_to_string(root.join(EXAM_WORDS)) {
        match self::parse::<crate::model::ExamWords>(Path::new(EXAM_WORDS), &text) {
            Ok(words) => loaded.exam_words = Some(words),
            Err(d) => loaded.diagnostics.push(d),
        }
        loaded.sources.insert(PathBuf::from(EXAM_WORDS), text);
    }
    let dir = root.join(STATIC_DIR);
    if dir.is_dir() {
        for entry in walk(root, &dir, &mut loaded.diagnostics) {
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            match std::fs::read(entry.path()) {
                Ok(bytes) => loaded.static_files.push((rel, bytes)),
                Err(e) => loaded.diagnostics.push(unreadable(root, entry.path(), &e.to_string())),
            }
        }
    }
    loaded
}

/// Every entry below `dir`, in file-name order (deterministic output),
/// following symbolic links (a linked file or folder counts as what it links
/// to). An entry that cannot be read, or a link that loops, is an error
/// with its path, never silently left out.
fn walk(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<walkdir::DirEntry> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        match entry {
            Ok(e) => out.push(e),
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let d = match e.loop_ancestor() {
                    Some(up) => Diagnostic::in_file(
                        path.strip_prefix(root).unwrap_or(&path),
                        format!("a symbolic link loop: it leads back to {}", up.display()),
                    )
                    .with_hint("remove the link, or point it at something outside its own folder"),
                    None => unreadable(root, &path, &e.io_error().map_or_else(|| e.to_string(), |io| io.to_string())),
                };
                diagnostics.push(d);
            }
        }
    }
    out
}

fn unreadable(root: &Path, path: &Path, why: &str) -> Diagnostic {
    Diagnostic::in_file(path.strip_prefix(root).unwrap_or(path), format!("cannot read it: {why}"))
        .with_hint("check that the file or folder exists and that you may read it")
}

/// The files `paths` name, a folder standing for the YAML files below it,
/// and the problems met reading the folders, a folder with none among them
/// (`handbook search --eval FOLDER`, where several readers' exported search
/// records are kept). `rel` names a path in diagnostics.
pub fn yaml_files_of(paths: &[PathBuf], rel: &dyn Fn(&Path) -> PathBuf) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if !p.is_dir() {
            files.push(p.clone());
            continue;
        }
        let found = yaml_files(Path::new(""), p, &mut problems);
        if found.is_empty() {
            problems.push(
                Diagnostic::in_file(rel(p), "the folder holds no questions files")
                    .with_hint("questions files end in `.yaml` (the search records the progress page exports)"),
            );
        }
        files.extend(found);
    }
    (files, problems)
}

/// `*.yaml` and `*.yml` files below `dir`, in file-name order (deterministic output).
fn yaml_files(root: &Path, dir: &Path, diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    walk(root, dir, diagnostics)
        .into_iter()
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
    explain_folded(rel, text, parse_kind(rel, text))
}

/// `parsed`, unless an item folded into the text above it ([`folded_item`])
/// comes first: it is the mistake to fix, whether the file parsed (into the
/// wrong text) or failed further on because of it (a list that became a text).
fn explain_folded<T>(rel: &Path, text: &str, parsed: Result<T, Diagnostic>) -> Result<T, Diagnostic> {
    let line = |d: &Diagnostic| d.location.as_ref().and_then(|l| l.pos).map_or(0, |p| p.line);
    match (folded_item(rel, text), parsed) {
        (Some((folded, _)), Ok(_)) => Err(folded),
        (Some((folded, from)), Err(e)) if line(&e) >= from => Err(folded),
        (_, parsed) => parsed,
    }
}

fn parse_kind(rel: &Path, text: &str) -> Result<Parsed, Diagnostic> {
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
                return Err(Diagnostic::at(rel, crate::model::Pos { line: 1, column: 1 }, "missing field `kind`")
                    .with_hint(format!("every content file starts with `kind:`, one of: {}", KINDS.join(", "))));
            }
            Err(e) => return Err(yaml_error(rel, text, &e)),
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

/// A line that looks like a list item of its own but that YAML reads as more
/// of the text above it: a plain (unquoted) text goes on over every line
/// indented deeper than its key or its item's dash, so an item indented one
/// step too far (`- 第一段` then `  - 第二段`) becomes `第一段 - 第二段`,
/// without any error from the parser. Block (`|`, `>`) and quoted texts are
/// left alone: there a dash is the author's text.
///
/// Returns the diagnostic and the line the text starts on: an error the
/// parser reports from there on may be this mistake's consequence.
fn folded_item(rel: &Path, text: &str) -> Option<(Diagnostic, u32)> {
    // While a plain text is open: how deep a line must be indented to go on
    // with it, the line it started on, and whether it was a key's value.
    let mut open: Option<(usize, usize, bool)> = None;
    // While a block, quoted or flow value is open: how deep its lines are indented.
    let mut inside: Option<usize> = None;
    let mut offset = 0;
    for (n, line) in text.split('\n').enumerate() {
        let start = offset;
        offset += line.len() + 1;
        let line = line.trim_end_matches('\r');
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if body.trim().is_empty() {
            continue; // a blank line keeps a plain text open (it folds to a line break)
        }
        if body.starts_with('\t') {
            // A tab in the indentation: not YAML, which the parser says.
            (open, inside) = (None, None);
            continue;
        }
        match inside {
            Some(deeper_than) if indent > deeper_than => continue,
            _ => inside = None,
        }
        if body.starts_with('#') {
            open = None; // a comment line ends a plain text, and holds no key
            continue;
        }
        if let Some((deeper_than, from, after_key)) = open {
            if indent > deeper_than {
                if body == "-" || body.starts_with("- ") {
                    let pos = Pos { line: n as u32 + 1, column: indent as u32 + 1 };
                    let (message, hint) = if after_key {
                        (
                            format!("this line is read as more of the text on line {}, not as a list item", from + 1),
                            "YAML goes on with a text over every line indented deeper than its key: for a list, put nothing after the colon and each item on its own line; to keep the dash in the text, quote the text",
                        )
                    } else {
                        (
                            format!(
                                "this line is read as more of the item on line {}, not as an item of its own",
                                from + 1
                            ),
                            "YAML goes on with a text over every line indented deeper than its dash: put this `-` under the `-` on that line to make it the next item; to keep the dash in the text, quote the text",
                        )
                    };
                    let d = Diagnostic::at(rel, pos, message).with_span(start + indent..start + line.len());
                    return Some((d.with_hint(hint), from as u32 + 1));
                }
                continue;
            }
            open = None;
        }
        // What this line holds: after any `- ` item marks, a `key: value` or a bare value.
        let (mut rest, mut column, mut dash) = (body, indent, None);
        while rest == "-" || rest.starts_with("- ") {
            dash = Some(column);
            let after = rest[1..].trim_start_matches(' ');
            column += rest.len() - after.len();
            rest = after;
        }
        let quoted_or_flow = |v: &str| v.starts_with(['"', '\'', '[', '{']);
        let (value, deeper_than, after_key) = match rest.find(": ").map(|i| (i, &rest[..i])) {
            Some((i, key)) if !key.is_empty() && !quoted_or_flow(key) && !key.contains(" #") => {
                (rest[i + 1..].trim_start_matches(' '), column, true)
            }
            _ => match dash {
                Some(d) => (rest, d, false),
                None => continue, // a line of a text opened elsewhere, a document marker, …
            },
        };
        let at = start + (line.len() - value.len());
        if let Some(d) = dropped_anchor(rel, text, value, at) {
            return Some((d, n as u32 + 1));
        }
        for (from, to) in flow_items(value) {
            if let Some(d) = dropped_anchor(rel, text, &value[from..to], at + from) {
                return Some((d, n as u32 + 1));
            }
        }
        if let Some(d) = dropped_comment(rel, text, value, at) {
            return Some((d, n as u32 + 1));
        }
        if value.starts_with(['|', '>', '"', '\'', '[', '{']) {
            inside = Some(deeper_than);
        } else if !value.is_empty() && !value.starts_with(['&', '*', '!', '#', '%', '@', '`']) && !value.contains(" #")
        {
            open = Some((deeper_than, n, after_key));
        }
    }
    None
}

/// A text that starts with `&` (`- &和 要认真`): YAML reads `&和` as an
/// anchor, a name for the value that an alias (`*和`) can repeat, and drops
/// it from the text, without an error. Flagged when no alias in the file
/// uses it, that is, when it cannot be meant as one. `at` is the value's byte offset.
fn dropped_anchor(rel: &Path, text: &str, value: &str, at: usize) -> Option<Diagnostic> {
    let anchored = value.strip_prefix('&')?;
    let name_len = anchored.find([' ', '\t', ',', '[', ']', '{', '}']).unwrap_or(anchored.len());
    let (name, rest) = anchored.split_at(name_len);
    let rest = rest.trim_start_matches(' ');
    if name.is_empty() || rest.is_empty() || rest.starts_with('#') || text.contains(&format!("*{name}")) {
        return None;
    }
    Some(
        Diagnostic::at(
            rel,
            Pos::at_offset(text, at),
            format!("`&{name}` at the start of a text is read as a YAML anchor and left out of it"),
        )
        .with_span(at..at + 1 + name.len())
        .with_hint(format!(
            "YAML keeps only `{}` here: put the whole text in quotes to keep the `&`: {}",
            brief_text(rest),
            yaml_quoted(&format!("&{name} {}", brief_text(rest)))
        )),
    )
}

/// The byte ranges of the plain items of a flow value on one line
/// (`[&重点 问题, 二]`, `{ text: &x 认真 }`): each item or mapping value,
/// from its first character to the `,`, `]` or `}` that ends it. Quoted
/// items are passed over; a value that is not a flow one has none.
fn flow_items(value: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if !value.starts_with(['[', '{']) {
        return out;
    }
    let (mut depth, mut quote, mut item) = (0usize, None::<char>, None::<usize>);
    let mut chars = value.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '[' | '{' | ',' => {
                if let Some(from) = item.take() {
                    out.push((from, i));
                }
                depth += usize::from(c != ',');
                item = Some(i + 1);
            }
            ']' | '}' => {
                if let Some(from) = item.take() {
                    out.push((from, i));
                }
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            ':' if chars.peek().is_some_and(|&(_, n)| n == ' ') => {
                // A mapping's value starts after its key's colon.
                item = Some(i + 1);
            }
            '"' | '\'' if item.is_some_and(|from| value[from..i].trim().is_empty()) => quote = Some(c),
            '#' if value[..i].ends_with(' ') => break,
            _ => {}
        }
    }
    out.into_iter()
        .map(|(from, to)| (from + value[from..to].len() - value[from..to].trim_start().len(), to))
        .filter(|&(from, to)| from < to)
        .collect()
}

/// A plain text with ` #` and a character right after it (`按 #照办公室…`,
/// `见 #3`): YAML reads the rest of the line as a comment and leaves it out
/// of the text, without an error. A comment is written `# ` (a space after
/// the `#`), so one without is taken for text and flagged. `at` is the value's byte offset.
fn dropped_comment(rel: &Path, text: &str, value: &str, at: usize) -> Option<Diagnostic> {
    if value.starts_with(['"', '\'', '[', '{', '|', '>', '#']) {
        return None;
    }
    let cut = value.match_indices(" #").map(|(i, _)| i).find(|&i| {
        let after = &value[i + 2..];
        after.chars().next().is_some_and(|c| !c.is_whitespace() && c != '#')
    })?;
    let (kept, dropped) = (value[..cut].trim_end(), value[cut..].trim());
    if kept.is_empty() {
        return None;
    }
    let offset = at + cut + 1;
    Some(
        Diagnostic::at(rel, Pos::at_offset(text, offset), format!("`{}` is read as a YAML comment and left out of the text", brief_text(dropped)))
            .with_span(offset..at + value.trim_end().len())
            .with_hint(format!(
                "YAML keeps only `{}` here: put the whole text in quotes to keep the `#`: {}; for a comment, put a space after the `#`",
                brief_text(kept),
                yaml_quoted(&format!("{kept} {dropped}"))
            )),
    )
}

/// `s` as a double-quoted YAML text.
fn yaml_quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Why the value on `line` is not the text it looks like, when it starts
/// with a character that means something else to YAML (`*重点*`, `@所有人`,
/// `[注] 正文`, `|竖线`), with the fix: quoting it. For a syntax error there.
fn indicator_hint(text: &str, line: usize) -> Option<String> {
    let body = text.lines().nth(line.checked_sub(1)?)?.trim_start_matches(' ');
    let mut value = body;
    while value.starts_with("- ") {
        value = value[2..].trim_start_matches(' ');
    }
    if let Some((key, v)) = value.split_once(": ")
        && is_key(key)
    {
        value = v.trim_start_matches(' ');
    }
    let mut chars = value.chars();
    let first = chars.next()?;
    let second = chars.next();
    // After a closed `[…]` or `{…}`, more text: not a list or mapping meant as one.
    let closed_then_text = |close: char| {
        value.find(close).is_some_and(|i| {
            let after = value[i + 1..].trim();
            !after.is_empty() && !after.starts_with('#') && !after.starts_with(',')
        })
    };
    let why = match first {
        '*' => "a value that starts with `*` is read as a YAML alias (a reference to a value marked `&`)",
        '@' | '`' => "YAML does not allow `@` or a backtick at the start of a value",
        '%' => "YAML does not allow `%` at the start of a value",
        '|' | '>' if second.is_some_and(|c| !matches!(c, '-' | '+' | ' ' | '0'..='9')) => {
            "a value that starts with `|` or `>` is read as the mark of a block text, whose lines come below it"
        }
        // `"引"号`: the quotes hold the value; the rest is left over.
        '"' | '\'' if value[1..].contains(first) && closed_then_text_after_quote(value, first) => {
            let single = format!("'{}'", brief_text(value).replace('\'', "''"));
            return Some(format!(
                "a value that starts with a quote ends at the closing quote, and YAML allows nothing after it: put the whole text in the other kind of quotes, {}",
                if first == '"' { single } else { yaml_quoted(&brief_text(value)) }
            ));
        }
        '[' if closed_then_text(']') => "a value that starts with `[` is read as a list",
        '{' if closed_then_text('}') => "a value that starts with `{` is read as a mapping",
        _ => return None,
    };
    Some(format!("{why}: put the whole text in quotes: {}", yaml_quoted(&brief_text(value))))
}

/// [`indicator_hint`] for a value inside brackets (`{ lead: *一是*, … }`),
/// at the position the parser gives: the value runs to the next `,`, `]` or `}`.
fn indicator_in_flow(here: &str) -> Option<String> {
    let value = here.split([',', ']', '}']).next()?.trim_end();
    let why = match value.chars().next()? {
        '*' => "a value that starts with `*` is read as a YAML alias (a reference to a value marked `&`)",
        '@' | '`' => "YAML does not allow `@` or a backtick at the start of a value",
        _ => return None,
    };
    Some(format!("{why}: put the text in quotes: {}", yaml_quoted(&brief_text(value))))
}

/// Whether more text follows the quote that closes a value opened by `quote`.
fn closed_then_text_after_quote(value: &str, quote: char) -> bool {
    value[1..].find(quote).is_some_and(|i| {
        let after = value[1 + i + 1..].trim();
        !after.is_empty() && !after.starts_with('#') && !after.starts_with(quote)
    })
}

/// The first 20 characters of a text, for a hint that writes it out.
fn brief_text(s: &str) -> String {
    let s = s.split(" #").next().unwrap_or(s).trim_end();
    let mut out: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        out.push('…');
    }
    out
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

/// A YAML file's text (content or questions); bytes that are not UTF-8 are reported where the
/// first one is (a file saved as GBK by an editor, say).
fn read_text(path: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::in_file(rel, format!("cannot read file: {e}"))
            .with_hint("check that the file exists and is readable by this user")
    })?;
    // Windows editors' "Unicode" is UTF-16, which starts with a byte-order mark.
    if let Some(order) = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some("little-endian"),
        Some([0xFE, 0xFF]) => Some("big-endian"),
        _ => None,
    } {
        return Err(Diagnostic::at(
            rel,
            Pos { line: 1, column: 1 },
            format!("UTF-16 text ({order}, by its byte-order mark), not UTF-8"),
        )
        .with_hint(
            "the handbook's YAML files are UTF-8: save the file again with the encoding UTF-8 (an editor's \"Unicode\" is UTF-16)",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The valid prefix is UTF-8 by definition.
        let before = std::str::from_utf8(valid).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let byte = e.as_bytes()[valid.len()];
        Diagnostic::at(
            rel,
            Pos { line: line as u32, column: column as u32 },
            format!("not UTF-8 text: byte 0x{byte:02X} here is not part of a UTF-8 character"),
        )
        .with_hint(
            "the handbook's YAML files are UTF-8: save the file again with the encoding UTF-8 (an editor may have saved it as GBK)",
        )
    })
}

/// A YAML file that is not content (a list of questions for
/// `handbook search --eval`), read and parsed with the same diagnostics: its
/// text when it could be read (for the diagnostics' snippets), and its value.
/// `rel` is how diagnostics name it.
pub fn yaml_file<T: DeserializeOwned>(path: &Path, rel: &Path) -> (Option<String>, Result<T, Diagnostic>) {
    let text = match read_text(path, rel) {
        Ok(t) => t,
        Err(d) => return (None, Err(d)),
    };
    // Any YAML value is a shape such a file may have (it need not be a mapping).
    let value = explain_folded(rel, &text, parse_as::<T, serde::de::IgnoredAny>(rel, &text));
    (Some(text), value)
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

/// A content file: always a mapping.
fn parse<T: DeserializeOwned>(rel: &Path, text: &str) -> Result<T, Diagnostic> {
    #[derive(Deserialize)]
    struct Mapping {}
    parse_as::<T, Mapping>(rel, text)
}

/// `text` as a `T`. A typed parse stops at the first value of the wrong type;
/// a syntax error further down is the real problem then (it explains the
/// value): so on failure the text is parsed again as the file's shape `S`, and
/// that error, if any, is the one reported.
fn parse_as<T: DeserializeOwned, S: DeserializeOwned>(rel: &Path, text: &str) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|e| match serde_saphyr::from_str::<S>(text) {
        Err(syntax) => yaml_error(rel, text, &syntax),
        Ok(_) => yaml_error(rel, text, &e),
    })
}

/// A YAML library error as a diagnostic, from the error's own variant and
/// location, with our wording and hints.
fn yaml_error(rel: &Path, text: &str, e: &serde_saphyr::Error) -> Diagnostic {
    use serde_saphyr::{DefaultMessageFormatter, Error as E, MessageFormatter};
    let e = e.without_snippet();
    let located = |loc: Option<serde_saphyr::Location>, message: String| {
        let pos = loc.filter(|l| l.line() > 0).map(|l| Pos { line: l.line() as u32, column: l.column() as u32 });
        let d = match pos {
            Some(p) => Diagnostic::at(rel, p, message),
            None => Diagnostic::in_file(rel, message),
        };
        let span = loc.and_then(|l| {
            Some(l.span().byte_offset()? as usize..(l.span().byte_offset()? + l.span().byte_len()?) as usize)
        });
        match span {
            Some(s) if pos.is_some() && !s.is_empty() => d.with_span(s),
            _ => d,
        }
    };
    match e {
        E::AliasError { error, .. } => yaml_error(rel, text, error),
        // The parser's resource budget (values, depth, aliases…): a size
        // problem, not a syntax one.
        E::Budget { breach, .. } => too_large(rel, budget_breach(breach)),
        E::SerdeUnknownField { field, expected, location } => {
            let d = located(Some(*location), format!("unknown field `{field}`"));
            match did_you_mean(field, expected.iter().copied()) {
                Some(m) => d.with_hint(format!("did you mean `{m}`?")),
                None => d,
            }
            .with_hint(if expected.is_empty() {
                "this mapping takes no fields".to_string()
            } else {
                format!("fields here: {}", expected.join(", "))
            })
        }
        E::SerdeMissingField { field, location } => located(Some(*location), format!("missing field `{field}`"))
            .with_hint(format!("add `{field}:` to this mapping (see the README's schema tables)")),
        E::DuplicateMappingKey { key, location } => {
            let key = key.as_deref().map_or(String::new(), |k| format!(" `{k}`"));
            located(Some(*location), format!("duplicate key{key}"))
                .with_hint("a key may appear only once in a mapping; merge the two values")
        }
        E::SerdeInvalidType { unexpected, expected, location }
        | E::SerdeInvalidValue { unexpected, expected, location } => {
            // The library's wrapper that keeps a value's position names itself.
            let expected = if expected.contains("span-aware") { "a single value" } else { expected.as_str() };
            match tag_on(text, location) {
                // What the tag made of the value (`!!binary`: bytes, read as numbers) means nothing to an author.
                Some(tag) => located(Some(*location), format!("wrong type: the YAML tag `{tag}` changes what this value is"))
                    .with_hint(tag_hint(tag)),
                None => located(Some(*location), format!("wrong type: expected {expected}, found {unexpected}"))
                    .with_hint(TYPE_HINT),
            }
        }
        // A list or a mapping where one value goes (`answer: [2]`): the
        // parser says "string scalar" for a number as well as a text.
        E::Unexpected { expected: "string scalar", location }
            if matches!(text_at(text, location).chars().next(), Some('[' | '{' | '-')) =>
        {
            let here = text_at(text, location);
            let found = if here.starts_with('{') { "a mapping" } else { "a list" };
            let d = located(Some(*location), format!("wrong type: expected one value, found {found}"));
            let key = key_before(text, location);
            let one = here.strip_prefix('[').and_then(|r| r.trim_end().strip_suffix(']')).map(str::trim);
            match (key, one) {
                (_, _) if here.starts_with('{') && here.contains(": ") => d.with_hint(COLON_IN_TEXT_HINT),
                (Some(key), Some(item)) if !item.is_empty() && !item.contains(',') => {
                    d.with_hint(format!("`{key}` takes one value, not a list: write `{key}: {item}`"))
                }
                (Some(key), _) => d.with_hint(format!(
                    "`{key}` takes one value, not a list (the README's schema tables say which fields take lists)"
                )),
                (None, _) => d.with_hint(TYPE_HINT),
            }
        }
        // `.inf`, `.nan`, `1e999`: YAML's spellings of numbers no handbook field holds.
        E::NonFiniteFloat { value, location } => {
            located(Some(*location), format!("`{value}` is YAML's spelling of an infinite or undefined number"))
                .with_hint(format!("write a number with digits (`2`), or quote it if it is text: \"{value}\""))
        }
        E::Unexpected { expected, location } => located(
            Some(*location),
            format!(
                "wrong type: expected {}",
                match *expected {
                    "sequence start" => "a list",
                    "mapping start" => "a mapping (`key: value` lines)",
                    "string scalar" => "a text",
                    other => other,
                }
            ),
        )
        .with_hint({
            let here = text_at(text, location);
            match here.chars().next() {
                // A Chinese input method types these for [ ] and { }, and ： for `:`.
                Some('【' | '［' | '〔' | '｛') => {
                    "full-width brackets are text to YAML: write a list as `[a, b]` with ASCII brackets (switch the input method to English punctuation)".to_string()
                }
                _ if full_width_colon(here).is_some() => {
                    "a full-width colon `：` makes `key：value` one text to YAML: type the ASCII colon `:` followed by a space (switch the input method to English punctuation)".to_string()
                }
                _ if dash_without_space(here) => dash_hint(here),
                _ if *expected == "string scalar" && here.contains(": ") => COLON_IN_TEXT_HINT.to_string(),
                _ if *expected == "sequence start" && block_text_above(text, location.line() as usize).is_some() => {
                    let (key, mark) = block_text_above(text, location.line() as usize).unwrap_or_default();
                    format!("`{mark}` after `{key}:` makes the lines below it one text: remove the `{mark}` to make them a list")
                }
                // One text where a list is wanted (`text: 一段话`): a list of one.
                Some(c) if *expected == "sequence start" && !matches!(c, '{' | '[' | '-') => {
                    "a list, even of one item: each item on its own line after the key, starting with `- ` (the README's schema tables say what an item holds)".to_string()
                }
                _ => TYPE_HINT.to_string(),
            }
        }),
        // `title:` with nothing after it is YAML's null, not an empty text.
        E::NullIntoString { location } => located(Some(*location), "no value here: expected a text".to_string())
            .with_hint("write the text after the colon (a key with nothing after it is empty), or remove the line if the field is optional"),
        // The library's own sentence names its API; a content file is one document.
        E::MultipleDocuments { location, .. } => {
            located(Some(*location), "a second YAML document starts here, after a `---` line".to_string())
                .with_hint("a YAML file of the handbook is one document: remove the `---` line, or move what follows it into a file of its own")
        }
        E::SerdeUnknownVariant { variant, expected, location } => {
            located(Some(*location), format!("unknown value `{variant}`"))
                .with_hint(format!("one of: {}", expected.join(", ")))
        }
        E::InvalidScalar { ty, location } => match number_words(ty) {
            Some((what, hint)) => {
                let d = located(Some(*location), format!("wrong type: expected {what}")).with_hint(hint);
                // A trainer's habit: options named by letter.
                let here = text_at(text, location).trim_end_matches([' ', ',', ']']);
                match here.chars().next().filter(|c| c.is_ascii_alphabetic() && here.len() == 1) {
                    Some(letter) => d.with_hint(format!(
                        "if `{letter}` names an option, write its number: options count from 1 (A is 1, B is 2, …)"
                    )),
                    None => d,
                }
            }
            None => located(Some(*location), format!("wrong type: expected {ty}")).with_hint(TYPE_HINT),
        },
        other => {
            // A syntax error: the library's own sentence (without its location
            // suffix, which the formatter leaves to the renderer).
            // The library's text may hold control characters (it says so): not for a terminal.
            let message: String = DefaultMessageFormatter
                .format_message(other)
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            // The parser's nesting limit: valid YAML, but no handbook needs it.
            if message == "recursion limit exceeded" {
                return located(
                    other.location(),
                    "nested too deeply: more lists and mappings inside one another than a content file may have"
                        .to_string(),
                )
                .with_hint("a chapter needs a few levels; look for brackets opened and never closed near here");
            }
            if let Some((pos, span, message, hint)) =
                other.location().and_then(|l| full_width(text, l.line() as usize))
            {
                return Diagnostic::at(rel, pos, message).with_span(span).with_hint(hint);
            }
            if let Some((pos, what)) = other.location().and_then(|l| wide_space_indent(text, l.line() as usize)) {
                return Diagnostic::at(rel, pos, format!("{what} in the indentation"))
                    .with_hint("indent with ordinary spaces: YAML reads a full-width space (a Chinese input method's) or a no-break space (pasted from Word or a web page) as text");
            }
            // One after a value (`refs: [a]　`): the parser stops at it.
            if let Some(l) = other.location()
                && let Some(c) = text_at(text, &l).chars().next().filter(|&c| c.is_whitespace() && !matches!(c, ' ' | '\t' | '\n' | '\r'))
            {
                return located(Some(l), format!("{} here, which YAML reads as text", space_name(c)))
                    .with_hint("delete it, or type an ordinary space (a full-width space comes from a Chinese input method, a no-break space from Word or a web page)");
            }
            if let Some(pos) = other.location().and_then(|l| tab_indent(text, l.line() as usize)) {
                return Diagnostic::at(rel, pos, format!("a tab in the indentation ({message})"))
                    .with_hint("indent with spaces: YAML does not allow tabs for indentation");
            }
            let line = other.location().and_then(|l| text.lines().nth((l.line() as usize).checked_sub(1)?));
            if let Some(line) = line.filter(|l| dash_without_space(l.trim_start_matches(' '))) {
                let indent = line.len() - line.trim_start_matches(' ').len();
                let (n, at) = other.location().map_or((0, 0), |l| (l.line() as u32, indent as u32 + 1));
                return Diagnostic::at(rel, Pos { line: n, column: at }, "a list item with no space after its dash")
                    .with_hint(dash_hint(line.trim_start_matches(' ')));
            }
            if let Some((pos, key, value, key_line)) =
                other.location().and_then(|l| value_then_items(text, l.line() as usize))
            {
                let hint = if value.starts_with(['[', '{']) {
                    format!("when the items follow on their own lines, put nothing after `{key}:`; or write them all inside the brackets, `{key}: [a, b]`")
                } else {
                    format!("when the items follow on their own lines, put nothing after `{key}:` (the text after it can be the first item: `- {}`)", &value[1..value.len() - 1])
                };
                return Diagnostic::at(rel, pos, format!("a list item below `{key}`, which has a value already (`{value}`, line {key_line})"))
                    .with_hint(hint);
            }
            if let Some((pos, open, n)) = other.location().and_then(|l| unclosed_flow(text, l.line() as usize)) {
                let close = if open == '[' { ']' } else { '}' };
                return Diagnostic::at(rel, pos, format!("the `{open}` on line {n} is not closed"))
                    .with_hint(format!("end the list with `{close}` on that line (`options: [甲, 乙]`); to keep `{open}` as a character, put the whole text in quotes"));
            }
            if let Some((pos, key, written)) = other.location().and_then(|l| colon_without_space(text, l.line() as usize)) {
                return Diagnostic::at(rel, pos, format!("no space after the colon of `{key}:`"))
                    .with_hint(format!("YAML needs a space after a key's colon: `{written}`"));
            }
            if let Some((pos, key, item_line, first, column)) =
                other.location().and_then(|l| key_at_dashes(text, l.line() as usize))
            {
                return Diagnostic::at(rel, pos, format!("the key `{key}` stands where the dashes of the list above are (line {item_line})"))
                    .with_hint(format!("line it up with the key `{first}` (column {column}), whose mapping it belongs to"));
            }
            if let Some((pos, key)) = other.location().and_then(|l| item_among_keys(text, l.line() as usize)) {
                return Diagnostic::at(rel, pos, format!("a list item at the same depth as the key `{key}` above it"))
                    .with_hint("a list belongs to a key: the key on its own line (`text:`), its items below it, each indented further than the key");
            }
            let hint = other.location().and_then(|l| misaligned(text, l.line() as usize));
            // A second `: ` on a line whose key lines up (one out of line is told above).
            if hint.is_none() && message.starts_with("mapping values are not allowed") {
                return located(other.location(), "a colon and a space inside a text".to_string())
                    .with_hint(COLON_IN_TEXT_HINT);
            }
            // Two of the library's sentences in an author's words.
            let message = if message.starts_with("invalid trailing content after") {
                "more text after the closing quote of a quoted value".to_string()
            } else if message == "alias references unknown anchor" {
                "a YAML alias (`*name`) that refers to no value marked `&name`".to_string()
            } else {
                message
            };
            let pairs = if message.starts_with("unclosed quote") {
                Some("a text that opens with a quote ends at the same quote, on this line or a later one: close it, or, to keep a quote mark as a character, put the text in the other kind of quotes or type “ ”")
            } else if message.starts_with("unclosed bracket") || message.starts_with("misplaced bracket")
                || message.starts_with("mismatched bracket")
            {
                Some("`[ ]` and `{ }` hold a list or a mapping and must pair up: close the one opened, or, to keep a bracket as a character, put the whole text in quotes or type 【】")
            } else {
                None
            };
            let hint = hint
                .or(pairs.map(str::to_string))
                .or_else(|| other.location().and_then(|l| indicator_hint(text, l.line() as usize)))
                .or_else(|| other.location().and_then(|l| indicator_in_flow(text_at(text, &l))))
                .or_else(|| other.location().and_then(|l| tag_on(text, &l)).map(tag_hint))
                .unwrap_or_else(|| "this is not valid YAML; check indentation and quoting near here".into());
            located(other.location(), message).with_hint(hint)
        }
    }
}

/// A list item is a dash, a space, then the item: without the space YAML
/// reads `-不会` as text, and the list as one text or a syntax error. The
/// hint shows `line` (from its dash) written right.
fn dash_hint(line: &str) -> String {
    let item: String = line[1..].chars().take(20).collect();
    format!("write a dash and a space before each list item: `- {item}`")
}

/// Whether a line (without its indentation) starts like a list item whose
/// dash has no space after it (`-不会…`); not a negative number or `---`.
fn dash_without_space(line: &str) -> bool {
    let mut chars = line.chars();
    chars.next() == Some('-') && chars.next().is_some_and(|c| !c.is_whitespace() && c != '-' && !c.is_ascii_digit())
}

/// What the parser's budget ran out of, in words.
fn budget_breach(b: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    match b {
        B::Nodes { nodes } => format!("more than {} YAML values", nodes - 1),
        B::Events { events } => format!("more than {} YAML events", events - 1),
        B::Depth { depth } => format!("nested {depth} levels deep"),
        B::ScalarBytes { total_scalar_bytes } => format!("{:.1} MB of text", *total_scalar_bytes as f64 / 1e6),
        other => format!("{other:?}"),
    }
}

/// A scalar type in an author's words (the parser names Rust's types: `u32`),
/// with how to write one.
fn number_words(ty: &str) -> Option<(&'static str, &'static str)> {
    const UNSIGNED: &str = "write digits alone, without quotes, a sign or a decimal point: `2`";
    Some(match ty {
        "u8" => ("a whole number from 0 to 255", UNSIGNED),
        "u16" => ("a whole number from 0 to 65535", UNSIGNED),
        "u32" => ("a whole number from 0 to 4294967295", UNSIGNED),
        "u64" | "usize" | "u128" => ("a whole number, 0 or more", UNSIGNED),
        "i8" | "i16" | "i32" | "i64" | "isize" | "i128" => {
            ("a whole number", "write digits alone, without quotes or a decimal point: `-2`, `2`")
        }
        "f32" | "f64" => ("a number", "write it without quotes: `2.5`"),
        "bool" | "boolean" => ("true or false", "write `true` or `false`, without quotes"),
        _ => return None,
    })
}

/// An ASCII colon and a space inside a text (`注意: …`) make YAML read a key and its value.
const COLON_IN_TEXT_HINT: &str = "`: ` inside a text makes YAML read `key: value`: put the whole text in quotes (\"注意: …\"), or type the full-width colon `：`";
const TYPE_HINT: &str = "check the value against the README's schema tables (text, list of texts, id, list of ids)";

/// The position of a tab in the indentation of the line a syntax error
/// names or the line after it (the parser may stop at the end of the line
/// before the tab): the place to fix, rather than where the parser gave up.
/// Full-width punctuation where YAML needs ASCII, on the line of a syntax
/// error or the line before it (a Chinese input method types ： for `:`
/// and — or － for `-`): where it is (position and byte span), what is
/// wrong, and the hint.
fn full_width(text: &str, line: usize) -> Option<(Pos, std::ops::Range<usize>, String, String)> {
    let switch = "(switch the input method to English punctuation)";
    let mut start = 0;
    let lines = text.split_inclusive('\n').map(|l| {
        let at = start;
        start += l.len();
        (at, l.trim_end_matches(['\n', '\r']))
    });
    lines.enumerate().skip(line.saturating_sub(2)).take(2).find_map(|(n, (offset, l))| {
        let body = l.trim_start_matches(' ');
        let found = |byte: usize, c: char| {
            let pos = Pos { line: n as u32 + 1, column: l[..byte].chars().count() as u32 + 1 };
            (pos, offset + byte..offset + byte + c.len_utf8())
        };
        // A list item marked with a dash that is not `-`.
        if let Some(dash) = body.chars().next().filter(|c| matches!(c, '—' | '－' | '–'))
            && body[dash.len_utf8()..].starts_with([' ', '\u{3000}'])
        {
            let (pos, span) = found(l.len() - body.len(), dash);
            return Some((
                pos,
                span,
                format!("a list item marked with `{dash}`: YAML marks a list item with the ASCII hyphen `-`"),
                format!("type `-` followed by a space {switch}"),
            ));
        }
        // A key followed by a full-width colon: `title：…`.
        let key = body.strip_prefix("- ").unwrap_or(body);
        full_width_colon(key).map(|end| {
            let (pos, span) = found(l.len() - key.len() + end, '：');
            (
                pos,
                span,
                format!("a full-width colon `：` after `{}`: YAML needs the ASCII colon `:`", &key[..end]),
                format!("type `:` followed by a space {switch}"),
            )
        })
    })
}

/// Where a key at the start of line `line` stands against the key of the
/// line above it (blank and comment lines skipped), when they differ and the
/// line above does not open a block for it: the usual cause of a YAML syntax
/// error in a hand-edited file.
fn misaligned(text: &str, line: usize) -> Option<String> {
    // The column (from 1) where a line's key starts, after its indentation and any `- `.
    let key_at = |l: &str| -> Option<(usize, String)> {
        let item = after_dash(l);
        let (key, _) = item.split_once(':')?;
        is_key(key).then(|| (l.len() - item.len() + 1, key.to_string()))
    };
    let lines: Vec<&str> = text.lines().collect();
    let (here, _) = key_at(lines.get(line.checked_sub(1)?)?)?;
    let above = lines[..line - 1].iter().enumerate().rev().find(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    })?;
    let (there, key) = key_at(above.1)?;
    // A key that opens a block (`entries:`) has its children further in.
    let opens = above.1.trim_end().ends_with(':');
    (here != there && !opens).then(|| {
        format!(
            "this key starts at column {here}, the key `{key}` on line {} above at column {there}: the keys of one mapping start at the same column (indent with spaces to line them up)",
            above.0 + 1
        )
    })
}

/// The line before `line` that is neither blank nor a comment: its number (from 1) and text.
fn line_above(text: &str, line: usize) -> Option<(usize, &str)> {
    let lines: Vec<&str> = text.lines().take(line.checked_sub(1)?).collect();
    lines
        .iter()
        .enumerate()
        .rev()
        .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| (i + 1, *l))
}

/// The key and block indicator (`|`, `>-`…) of the line above `line`, when
/// it opens a block text: its lines are one text even when they start with `- `.
fn block_text_above(text: &str, line: usize) -> Option<(String, String)> {
    let (_, above) = line_above(text, line)?;
    let (key, value) = above.trim_start_matches([' ', '-']).split_once(": ")?;
    let mark = value.split(" #").next()?.trim();
    (mark.starts_with(['|', '>']) && mark.len() <= 3).then(|| (key.trim().to_string(), mark.to_string()))
}

/// A value in brackets (`options: [甲, 乙`) left open on `line` or the line
/// before it, where the parser stumbles on the next key: the bracket's
/// position, the bracket and its line.
fn unclosed_flow(text: &str, line: usize) -> Option<(Pos, char, usize)> {
    [line.saturating_sub(1), line].into_iter().filter(|&n| n > 0).find_map(|n| {
        let l = text.lines().nth(n - 1)?.trim_end_matches('\r');
        let mut value = after_dash(l);
        if let Some((key, v)) = value.split_once(": ")
            && is_key(key)
        {
            value = v.trim_start_matches(' ');
        }
        let open = value.chars().next().filter(|c| matches!(c, '[' | '{'))?;
        // Depth outside quotes, to the end of the line (a comment ends it).
        let (mut depth, mut quote) = (0i32, None);
        for c in value.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '[' | '{') => depth += 1,
                (None, ']' | '}') => depth -= 1,
                (None, '#') => break,
                _ => {}
            }
        }
        let column = l[..l.len() - value.len()].chars().count() as u32 + 1;
        (depth > 0 && quote.is_none()).then_some((Pos { line: n as u32, column }, open, n))
    })
}

/// A key with no space after its colon (`title:认真`), on `line` or the
/// line before it: YAML reads `title:认真` as one text where a key was
/// expected. The colon's position, the key and the line written right.
fn colon_without_space(text: &str, line: usize) -> Option<(Pos, String, String)> {
    [line, line.saturating_sub(1)].into_iter().filter(|&n| n > 0).find_map(|n| {
        let l = text.lines().nth(n - 1)?.trim_end_matches('\r');
        let rest = after_dash(l);
        let (key, after) = rest.split_once(':')?;
        let next = after.chars().next()?;
        let key_ok = is_key(key);
        // `a:b` in a URL or a time (`8:30`) stays as it is: only a key's colon followed by its value.
        if !key_ok || next.is_whitespace() || next == ':' || next == '/' || key.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let column = l.len() - rest.len() + key.len();
        let column = l[..column].chars().count() as u32 + 1;
        let value: String = after.chars().take(20).collect();
        Some((Pos { line: n as u32, column }, key.to_string(), format!("{key}: {value}")))
    })
}

/// A key on `line` (not an item) that starts at the column of the dashes
/// of the list it follows (`  - id: a` … then `  points:`): it belongs to the
/// item, one step in, and YAML wants another item there. The key's position
/// and name, the item's line, its first key and that key's column.
fn key_at_dashes(text: &str, line: usize) -> Option<(Pos, String, usize, String, usize)> {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?.trim_end_matches('\r');
    let body = here.trim_start_matches(' ');
    let key = body.split_once(':')?.0;
    if body.starts_with('-') || !is_key(key) {
        return None;
    }
    let column = indent(here);
    // The nearest line above at this depth or less: the item whose dash is here.
    let (n, item) = lines[..line - 1].iter().enumerate().rev().find(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#') && indent(l) <= column
    })?;
    let rest = item.trim_start_matches(' ').strip_prefix("- ")?;
    if indent(item) != column {
        return None;
    }
    let first_at = indent(item) + 2 + (rest.len() - rest.trim_start_matches(' ').len());
    let at = Pos { line: line as u32, column: column as u32 + 1 };
    match rest.trim_start_matches(' ').split_once(':').map(|(k, _)| k).filter(|k| is_key(k)) {
        // An item that is a mapping: the key is one of its own.
        Some(first) => Some((at, key.to_string(), n + 1, first.to_string(), first_at + 1)),
        // An item that is a text: the key belongs beside the list's own key.
        None => lines[..n]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && indent(l) < column)
            .and_then(|owner| {
                let rest = after_dash(owner);
                let owner_key = rest.split_once(':')?.0;
                is_key(owner_key)
                    .then(|| (at, key.to_string(), n + 1, owner_key.to_string(), owner.len() - rest.len() + 1))
            }),
    }
}

/// A list item on `line` whose dash stands where the keys of the mapping
/// above it start (`title: 勤奋` then `- 多写` under the `t`): YAML reads it
/// as neither a key nor an item of any list. The dash and that key.
fn item_among_keys(text: &str, line: usize) -> Option<(Pos, String)> {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let item = text.lines().nth(line.checked_sub(1)?)?.trim_end_matches('\r');
    if !item.trim_start_matches(' ').starts_with("- ") {
        return None;
    }
    let (_, above) = line_above(text, line)?;
    // The key's column: after the dash of an item that opens the mapping (`- id: a`).
    let rest = after_dash(above);
    let key_at = above.len() - rest.len();
    let (key, value) = rest.split_once(':')?;
    let key_ok = is_key(key);
    // `key:` alone may take a list at its own depth: that is YAML.
    let valued = !value.trim().is_empty() && !value.trim_start().starts_with('#');
    (key_ok && valued && indent(item) == key_at)
        .then(|| (Pos { line: line as u32, column: indent(item) as u32 + 1 }, key.to_string()))
}

/// A list item (on `line` or the line after it) indented under a key whose
/// line already holds a value YAML does not go on with (`asks: []`, a quoted
/// text): the parser only says it "did not find expected key". The item's
/// dash, the key, its value and the key's line.
fn value_then_items(text: &str, line: usize) -> Option<(Pos, String, String, usize)> {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    [line, line + 1].into_iter().find_map(|n| {
        let item = text.lines().nth(n.checked_sub(1)?)?;
        if !item.trim_start_matches(' ').starts_with("- ") {
            return None;
        }
        let (k, above) = line_above(text, n)?;
        let (key, value) = above.trim_start_matches(' ').trim_start_matches("- ").split_once(": ")?;
        let value = value.split(" #").next()?.trim();
        let closed = |open: char, close: char| value.starts_with(open) && value.ends_with(close) && value.len() >= 2;
        let whole = closed('[', ']') || closed('{', '}') || closed('"', '"') || closed('\'', '\'');
        let key_ok = is_key(key);
        (whole && key_ok && indent(item) > indent(above)).then(|| {
            let at = Pos { line: n as u32, column: indent(item) as u32 + 1 };
            (at, key.to_string(), value.to_string(), k)
        })
    })
}

/// Where `s` has a key followed by a full-width colon (`title：…`): the
/// colon's byte offset.
fn full_width_colon(s: &str) -> Option<usize> {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    (end > 0 && s[end..].starts_with('：')).then_some(end)
}

/// The key whose value is at a location: on the location's own line
/// (`answer: [2]`), or, for a list that starts on a line of its own, the
/// `key:` line above it.
fn key_before<'t>(text: &'t str, location: &serde_saphyr::Location) -> Option<&'t str> {
    let n = location.line() as usize;
    let line = text.lines().nth(n.checked_sub(1)?)?;
    let line = if text_at(text, location).starts_with('-') { line_above(text, n)?.1 } else { line };
    let key = after_dash(line).split(':').next()?.trim();
    is_key(key).then_some(key)
}

/// A line without its indentation and a list item's `- `: where its key or value starts.
fn after_dash(line: &str) -> &str {
    let body = line.trim_start_matches(' ');
    body.strip_prefix("- ").map_or(body, |r| r.trim_start_matches(' '))
}

/// Whether `k` is written like a key of the handbook's files (`title`,
/// `drills_per_chapter`): the text checks around YAML errors read lines by it.
fn is_key(k: &str) -> bool {
    k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The YAML tag (`!!binary`, `!!str`, `!custom`) on the line of a location,
/// if any: the handbook reads plain texts, numbers and lists, and a tag only
/// changes what the parser makes of a value.
fn tag_on<'t>(text: &'t str, location: &serde_saphyr::Location) -> Option<&'t str> {
    let line = text.lines().nth((location.line() as usize).checked_sub(1)?)?;
    line.split([' ', '[', ',']).find(|w| w.starts_with('!') && w.len() > 1)
}

fn tag_hint(tag: &str) -> String {
    format!(
        "remove the YAML tag `{tag}`: content values are plain texts, numbers, true or false, and lists (if the `!` is part of a text, put the whole text in quotes)"
    )
}

/// The source text from a location to the end of its line.
fn text_at<'t>(text: &'t str, location: &serde_saphyr::Location) -> &'t str {
    let line = text.lines().nth((location.line() as usize).saturating_sub(1)).unwrap_or_default();
    let skip: usize = line.chars().take((location.column() as usize).saturating_sub(1)).map(char::len_utf8).sum();
    &line[skip.min(line.len())..]
}

/// The first space YAML does not count as indentation (U+3000, U+00A0, …)
/// at the start of the line a syntax error names, the line before it (the
/// parser may only stumble on the next line) or the line after it, with what
/// it is in words.
fn wide_space_indent(text: &str, line: usize) -> Option<(Pos, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let here = line.checked_sub(1)?;
    let before = lines[..here.min(lines.len())].iter().rposition(|l| !l.trim().is_empty());
    [Some(here), before, Some(here + 1)].into_iter().flatten().find_map(|n| {
        let l = lines.get(n)?;
        let (column, c) =
            l.chars().enumerate().take_while(|(_, c)| c.is_whitespace()).find(|(_, c)| !matches!(c, ' ' | '\t'))?;
        Some((Pos { line: n as u32 + 1, column: column as u32 + 1 }, space_name(c)))
    })
}

/// A space YAML does not count as one, in words.
fn space_name(c: char) -> String {
    match c {
        '\u{3000}' => "a full-width space".to_string(),
        '\u{a0}' | '\u{202f}' => "a no-break space".to_string(),
        other => format!("a space YAML does not count (U+{:04X})", u32::from(other)),
    }
}

fn tab_indent(text: &str, line: usize) -> Option<Pos> {
    text.lines().enumerate().skip(line.saturating_sub(1)).take(2).find_map(|(n, l)| {
        let indent = &l[..l.len() - l.trim_start_matches([' ', '\t']).len()];
        let column = indent.find('\t')?;
        Some(Pos { line: n as u32 + 1, column: column as u32 + 1 })
    })
}

/// `book.toml`: parsed as mdBook parses it, so that `check` reports what
/// `build` would fail on, at its line and column (from toml's span).
fn load_book_toml(root: &Path, loaded: &mut Loaded) {
    let text = match std::fs::read_to_string(root.join(BOOK_TOML)) {
        Ok(t) => t,
        // No book.toml: mdBook's defaults, as `mdbook build` does.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            loaded.book_config = Some(Config::default());
            return;
        }
        Err(e) => {
            loaded.diagnostics.push(
                Diagnostic::in_file(BOOK_TOML, format!("cannot read file: {e}"))
                    .with_hint("book.toml must be UTF-8 text"),
            );
            return;
        }
    };
    // mdBook checks `[output.html]` only when it renders: check it now, with its position.
    #[derive(Deserialize)]
    struct WithHtml {
        #[serde(default, rename = "output")]
        _output: Outputs,
    }
    #[derive(Deserialize, Default)]
    struct Outputs {
        #[serde(default, rename = "html")]
        _html: Option<mdbook_driver::config::HtmlConfig>,
    }
    let parsed = toml::from_str::<Config>(&text).and_then(|c| toml::from_str::<WithHtml>(&text).map(|_| c));
    match parsed {
        Ok(c) => {
            loaded.diagnostics.extend(outside_mdbook_html(root, &text));
            loaded.book_config = Some(c);
        }
        Err(e) => loaded.diagnostics.push(toml_error(&text, &e, text.parse::<toml::Table>().is_err())),
    }
    loaded.sources.insert(PathBuf::from(BOOK_TOML), text);
}

/// What `book.toml` may ask of mdBook that the handbook does not do, found
/// with its position before any page is built (mdBook would fail late,
/// without one): a preprocessor or a renderer other than mdBook's own (they
/// run programs, which the handbook does not), and extra CSS or scripts that
/// are web addresses (the site makes no request outside its folder) or files
/// that are not there.
fn outside_mdbook_html(root: &Path, text: &str) -> Vec<Diagnostic> {
    use serde::de::IgnoredAny;
    use std::collections::BTreeMap;
    use toml::Spanned;
    #[derive(Deserialize, Default)]
    struct Book {
        #[serde(default)]
        preprocessor: BTreeMap<Spanned<String>, IgnoredAny>,
        #[serde(default)]
        output: BTreeMap<Spanned<String>, IgnoredAny>,
    }
    // Read again for the HTML renderer's files, with their positions.
    #[derive(Deserialize, Default)]
    struct Files {
        #[serde(default)]
        output: Outputs,
        #[serde(default)]
        build: Build,
    }
    #[derive(Deserialize, Default)]
    #[serde(rename_all = "kebab-case")]
    struct Build {
        build_dir: Option<Spanned<String>>,
    }
    #[derive(Deserialize, Default)]
    struct Outputs {
        #[serde(default)]
        html: Html,
    }
    #[derive(Deserialize, Default)]
    #[serde(rename_all = "kebab-case")]
    struct Html {
        theme: Option<Spanned<String>>,
        #[serde(rename = "input-404")]
        input_404: Option<Spanned<String>>,
        #[serde(default)]
        additional_css: Vec<Spanned<String>>,
        #[serde(default)]
        additional_js: Vec<Spanned<String>>,
    }
    let Ok(book) = toml::from_str::<Book>(text) else { return Vec::new() };
    let at = |span: std::ops::Range<usize>, message: String| {
        Diagnostic::at(BOOK_TOML, Pos::at_offset(text, span.start), message).with_span(span)
    };
    let mut out = Vec::new();
    // mdBook's own preprocessors, which it runs anyway.
    for name in book.preprocessor.keys().filter(|k| !matches!(k.get_ref().as_str(), "links" | "index")) {
        out.push(
            at(name.span(), format!("the preprocessor `{}` is not run by the handbook", name.get_ref()))
                .with_hint("the handbook writes the pages' Markdown itself and builds them with mdBook's HTML renderer alone; remove this table"),
        );
    }
    for name in book.output.keys().filter(|k| k.get_ref() != "html") {
        out.push(
            at(name.span(), format!("the renderer `{}` is not run by the handbook", name.get_ref()))
                .with_hint("the handbook builds the site with mdBook's HTML renderer alone (printed editions: `handbook print`); remove this table"),
        );
    }
    if let Ok(Files { output: Outputs { html }, build }) = toml::from_str::<Files>(text) {
        if let Some(page) = &html.input_404 {
            out.push(
                at(page.span(), format!("`input-404` names `{}`, a Markdown file of mdBook's source, which the handbook does not have", page.get_ref()))
                    .with_hint("the handbook writes every page itself, and the site's 404 page is mdBook's own, in the book's language: remove this line"),
            );
        }
        if let Some(dir) =
            build.build_dir.as_ref().filter(|d| d.get_ref().trim_start_matches("./").trim_end_matches('/') != "book")
        {
            out.push(
                at(dir.span(), format!("`build-dir` is not used: the site goes to `book/`, not `{}`", dir.get_ref()))
                    .with_hint("choose the site's folder with `handbook build --out DIR` (or `serve --out DIR`); remove this line")
                    .as_warning(),
            );
        }
        if let Some(theme) =
            html.theme.as_ref().filter(|t| t.get_ref().trim_start_matches("./").trim_end_matches('/') != THEME_DIR)
        {
            out.push(
                at(theme.span(), format!("the theme is the `{THEME_DIR}/` folder, not `{}`", theme.get_ref()))
                    .with_hint(format!("mdBook's theme files, the page templates and the print templates live together in `{THEME_DIR}/`: remove this line")),
            );
        }
        for file in html.additional_css.iter().chain(&html.additional_js) {
            let path = file.get_ref();
            if path.contains("://") || path.starts_with("//") {
                out.push(
                    at(file.span(), format!("`{path}` is a web address"))
                        .with_hint("the site makes no request outside its own folder (it must work offline and from file://): save the file in the handbook's folder and name its path"),
                );
            } else if Path::new(path).is_absolute()
                || Path::new(path).components().any(|c| matches!(c, std::path::Component::ParentDir))
            {
                out.push(
                    at(file.span(), format!("`{path}` is outside the handbook's folder"))
                        .with_hint("mdBook puts the file at the same path inside the site: save it in the handbook's folder (theme/, say) and name it from there"),
                );
            } else if !root.join(path).is_file() {
                out.push(
                    at(file.span(), format!("no file `{path}`"))
                        .with_hint("extra CSS and scripts are paths from the handbook's root, where book.toml is"),
                );
            }
        }
    }
    // In the file's order, as they are read.
    out.sort_by_key(|d| d.location.as_ref().and_then(|l| l.pos).map(|p| (p.line, p.column)));
    out
}

/// A `book.toml` problem at the position of toml's span; `syntax` when the
/// text is not TOML at all (then mdBook's keys are not the point).
fn toml_error(text: &str, e: &toml::de::Error, syntax: bool) -> Diagnostic {
    let message = format!("invalid book.toml: {}", e.message().trim());
    let d = match e.span() {
        Some(span) => Diagnostic::at(BOOK_TOML, Pos::at_offset(text, span.start), message).with_span(span),
        None => Diagnostic::in_file(BOOK_TOML, message),
    };
    if syntax {
        d.with_hint("this is not valid TOML: check the brackets, quotes and `key = value` lines near here")
    } else if e.message().contains("unknown field") {
        d.with_hint("book.toml is mdBook's own configuration and mdBook 0.5 rejects unknown keys")
            .with_hint("the handbook's own settings go in content/handbook.yaml")
    } else {
        d.with_hint("mdBook's configuration documentation gives each key's type (quote a text: `title = \"…\"`)")
    }
}

fn load_templates(root: &Path, loaded: &mut Loaded) {
    let dir = root.join(TEMPLATES_DIR);
    if !dir.is_dir() {
        loaded.diagnostics.push(
            Diagnostic::in_file(TEMPLATES_DIR, format!("no `{TEMPLATES_DIR}/` folder")).with_hint(
                "the page templates (one `<kind>.md.tera` per kind) live there; `handbook init` writes a set",
            ),
        );
        return;
    }
    for entry in walk(root, &dir, &mut loaded.diagnostics) {
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().and_then(|e| e.to_str()) != Some("tera") {
            continue;
        }
        let name = path.strip_prefix(&dir).unwrap_or(path).to_string_lossy().replace('\\', "/");
        match std::fs::read_to_string(path) {
            Ok(src) => {
                // Kept for the snippets of template errors.
                loaded.sources.insert(PathBuf::from(TEMPLATES_DIR).join(&name), src.clone());
                loaded.templates.push((name, src));
            }
            Err(e) => loaded.diagnostics.push(Diagnostic::in_file(
                path.strip_prefix(root).unwrap_or(path),
                format!("cannot read template: {e}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_gets_did_you_mean_from_the_error_data() {
        let d = parse_file(Path::new("c.yaml"), "kind: qualities\nid: a\ntitel: x\n").err().unwrap();
        assert_eq!(d.short(), "c.yaml:3:1: unknown field `titel`");
        assert_eq!(d.hints[0], "did you mean `title`?");
        assert!(d.hints[1].starts_with("fields here: "), "{:?}", d.hints);
    }

    #[test]
    fn a_tab_in_the_indentation_is_found_on_its_own_line() {
        let text = "kind: qualities\nentries:\n  - id: a\n  \t title: x\n";
        assert_eq!(tab_indent(text, 3), Some(Pos { line: 4, column: 3 }));
        assert_eq!(tab_indent(text, 4), Some(Pos { line: 4, column: 3 }));
        assert_eq!(tab_indent(text, 1), None);
        let d = parse_file(Path::new("c.yaml"), text).err().unwrap();
        assert_eq!(d.pos(), Some(Pos { line: 4, column: 3 }), "{d:?}");
        assert!(d.hints[0].starts_with("indent with spaces"), "{d:?}");
    }

    #[test]
    fn an_item_indented_too_far_is_found_where_yaml_folds_it() {
        let at = |text: &str| {
            folded_item(Path::new("c.yaml"), text).map(|(d, _)| {
                let l = d.location.unwrap();
                (l.pos.unwrap().line, l.pos.unwrap().column, d.message)
            })
        };
        // The second item one step too deep: YAML reads `怎样 - 不会`.
        let (line, column, message) = at("asks:\n  - 怎样\n    - 不会\n").unwrap();
        assert_eq!((line, column), (3, 5));
        assert!(message.contains("more of the item on line 2"), "{message}");
        // After a key's text, and inside an item's mapping; CRLF line ends; a wrapped line between.
        let (line, _, message) = at("lead: 一是多写。\r\n  - 多写\r\n").unwrap();
        assert_eq!(line, 2);
        assert!(message.contains("more of the text on line 1"), "{message}");
        assert_eq!(at("- id: a\n  title: 写\n    接着写\n\n    - 不会\n").map(|a| a.0), Some(5));
        // What YAML reads as the author meant: items at one depth, a wrapped
        // text, a nested list under a key, block and quoted texts holding dashes.
        for fine in [
            "asks:\n  - 怎样\n  - 不会\n",
            "text:\n  - 第一段很长，\n    接着写完。\n  - 第二段\n",
            "- id: a\n  asks:\n    - 怎样\n",
            "text: |\n  - 一\n    - 二\n",
            "text: >\n  一\n    - 二\n",
            "- \"一\n    - 二\"\n",
            "refs: [a,\n    - b]\n",
            "title: 写 # note\n",
            "text:\n  - 第一段\n  # 注意: 下面\n    - 子项\n",
        ] {
            assert_eq!(at(fine), None, "{fine}");
        }
    }

    /// Where the line checks flag `text`, as (line, column).
    fn flagged_at(text: &str) -> Option<(u32, u32)> {
        folded_item(Path::new("c.yaml"), text).map(|(d, _)| {
            let p = d.location.unwrap().pos.unwrap();
            (p.line, p.column)
        })
    }

    #[test]
    fn a_text_starting_with_an_ampersand_is_found_unless_an_alias_uses_it() {
        let at = flagged_at;
        assert_eq!(at("intro:\n  - &和 要认真\n"), Some((2, 5)));
        assert_eq!(at("title: &t 认真 # 注\n"), Some((1, 8)));
        // In a flow list or mapping on one line.
        assert_eq!(at("asks: [&重点 问题, 二]\n"), Some((1, 8)));
        assert_eq!(at("asks: [一, \"二, 三\", &重点 问题]\n"), Some((1, 19)));
        assert_eq!(at("- { id: a, text: &和 要认真 }\n"), Some((1, 18)));
        for fine in [
            // An anchor an alias repeats; on a list; in a text's middle; in block and quoted texts.
            "title: &t 认真\nlead: *t\n",
            "asks: &a\n  - 怎样\nmore: *a\n",
            "text:\n  - 甲 & 乙\n",
            "text: |\n  &和 要认真\n",
            "text: \"&和 要认真\"\n",
            "asks: [一, \"&和 要认真\", 'a, &b c']\n",
            "asks: &a [一, 二]\nmore: *a\n",
            "refs: [&r a, *r]\n",
            "asks: [一 & 二] # [&x y]\n",
        ] {
            assert_eq!(at(fine), None, "{fine}");
        }
    }

    #[test]
    fn a_text_cut_by_a_hash_without_a_space_is_found() {
        let at = flagged_at;
        assert_eq!(at("quote: 按 #照办公室办\n"), Some((1, 10)));
        assert_eq!(at("items:\n  - id: q-over #view-9\n"), Some((2, 16)));
        assert_eq!(at("text:\n  - 见 #3 条\n"), Some((2, 7)));
        for fine in [
            // Comments as YAML writes them, and a `#` YAML keeps.
            "title: 写 # note\n",
            "title: 写 #\n",
            "title: 写 ## 注\n",
            "title: 写#3\n",
            "title: \"按 #照办\"\n",
            "asks: [一 #二]\n",
            "text: |\n  按 #照办\n",
            "# 注 #释\n",
        ] {
            assert_eq!(at(fine), None, "{fine}");
        }
    }

    #[test]
    fn a_text_starting_with_a_yaml_character_gets_the_quoting_hint() {
        let hint = |line: &str| indicator_hint(line, 1);
        for (line, quoted) in [
            ("- *重点* 要认真", "\"*重点* 要认真\""),
            ("quote: @所有人", "\"@所有人\""),
            ("  - [注] 正文", "\"[注] 正文\""),
            ("text: |竖线", "\"|竖线\""),
            ("prompt: \"大事\"要办", "'\"大事\"要办'"),
        ] {
            let h = hint(line).unwrap_or_else(|| panic!("{line}"));
            assert!(h.ends_with(quoted), "{line}: {h}");
        }
        // Lists, mappings and block marks written as YAML means them.
        for fine in ["refs: [a, b]", "- {a: 1}", "text: |-", "text: >2", "refs: [a, b] # 注", "title: 认真"] {
            assert_eq!(hint(fine), None, "{fine}");
        }
    }

    #[test]
    fn a_key_at_the_depth_of_its_lists_dashes_is_named() {
        let at =
            |text: &str, line| key_at_dashes(text, line).map(|(p, key, n, first, col)| (p.column, key, n, first, col));
        let text = "entries:\n  - id: a\n    asks:\n      - 怎样\n  points:\n";
        assert_eq!(at(text, 5), Some((3, "points".into(), 2, "id".into(), 5)));
        // After a list of texts: beside the list's own key.
        let texts = "entries:\n  - id: a\n    asks:\n      - 怎样\n      points:\n";
        assert_eq!(at(texts, 5), Some((7, "points".into(), 4, "asks".into(), 5)));
        // A key of the outer mapping, an item, a key under its item.
        assert_eq!(at("entries:\n  - id: a\nkind: x\n", 3), None);
        assert_eq!(at("entries:\n  - id: a\n  - id: b\n", 3), None);
        assert_eq!(at("entries:\n  - id: a\n    title: t\n", 3), None);
    }

    #[test]
    fn a_bracket_left_open_is_found_on_its_line() {
        let at = |text: &str, line| unclosed_flow(text, line).map(|(p, open, n)| (p.line, p.column, open, n));
        assert_eq!(at("options: [甲, 乙\nanswer: 1\n", 2), Some((1, 10, '[', 1)));
        assert_eq!(at("- { id: a, title: 甲\n- b\n", 1), Some((1, 3, '{', 1)));
        for fine in ["options: [甲, 乙]\n", "text: \"[甲\"\n", "options: [甲, 乙] # [注\n", "text: 甲[乙\n"] {
            assert_eq!(at(fine, 1), None, "{fine}");
        }
    }

    #[test]
    fn a_key_without_a_space_after_its_colon_is_named() {
        let at = |text: &str, line| colon_without_space(text, line).map(|(p, key, w)| (p.line, p.column, key, w));
        assert_eq!(at("id: a\ntitle:认真\n", 2), Some((2, 6, "title".into(), "title: 认真".into())));
        assert_eq!(at("- id:a\n  title: b\n", 2), Some((1, 5, "id".into(), "id: a".into())));
        for fine in ["title: 认真\n", "time: 8:30\n", "url: http://a\n", "title: 认真:好\n", "8:30\n"] {
            assert_eq!(at(fine, 1), None, "{fine}");
        }
    }

    #[test]
    fn a_list_item_among_the_keys_of_a_mapping_is_named() {
        let at = |text: &str, line| item_among_keys(text, line).map(|(p, key)| (p.line, p.column, key));
        assert_eq!(at("- id: a\n  title: 勤奋\n  - 多写\n", 3), Some((3, 3, "title".into())));
        assert_eq!(at("- id: a\n  - 多写\n", 2), Some((2, 3, "id".into())));
        assert_eq!(at("title: 勤奋\r\n- 多写\r\n", 2), Some((2, 1, "title".into())));
        // YAML's own form (a list at its key's depth), a deeper item, a text line.
        assert_eq!(at("options:\n- 认真\n", 2), None);
        assert_eq!(at("options: # 选项\n- 认真\n", 2), None);
        assert_eq!(at("text:\n  - 多写\n", 2), None);
        assert_eq!(at("title: 勤奋\n多写\n", 2), None);
    }

    #[test]
    fn a_dash_with_no_space_is_told_apart_from_numbers_and_markers() {
        for item in ["-不会", "-a", "-【"] {
            assert!(dash_without_space(item), "{item}");
        }
        for not in ["- 不会", "-", "-5", "---", "--", "不会", "-\t"] {
            assert!(!dash_without_space(not), "{not}");
        }
        assert_eq!(dash_hint("-今天的活"), "write a dash and a space before each list item: `- 今天的活`");
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
        assert!(l.diagnostics[0].hints[0].contains("did you mean `images`?"));
    }
}
