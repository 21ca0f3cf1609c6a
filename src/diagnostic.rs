//! Diagnostics are data: every stage returns them, and only [`render`] turns
//! them into text (the CLI and `serve` print that text, each in one place).
//!
//! A diagnostic has a severity, an optional location (file, and where known a
//! line/column and a byte span), a message, any number of hints and any number
//! of secondary labels ("first defined here"). Problems that come from a
//! library are built from that library's own error data (see `load` for YAML
//! and `book.toml`, `site` for mdBook's templates, `print` for Typst), never
//! from its message text.

use crate::escape::terminal;
use crate::model::Pos;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The crate's one result type: a value, or the diagnostic that stopped it.
/// Stages that report many problems at once return `Vec<Diagnostic>` beside
/// their value instead.
pub type Result<T, E = Diagnostic> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a diagnostic or a label points: a file, and where known a position
/// and a byte span in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Relative to the handbook root, e.g. `content/images.yaml`.
    pub file: PathBuf,
    /// 1-based line and column (columns count characters); `None` for the whole file.
    pub pos: Option<Pos>,
    /// Byte range in the file, when the source of the problem gave one.
    pub span: Option<Range<usize>>,
}

impl std::fmt::Display for Location {
    /// `file:line:column`, or the file alone.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}", self.file.display(), p.line, p.column),
            None => write!(f, "{}", self.file.display()),
        }
    }
}

/// A secondary place a diagnostic refers to, with what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub location: Location,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// `None` for a problem of the whole run (e.g. "PDFs not built").
    pub location: Option<Location>,
    pub message: String,
    pub hints: Vec<String>,
    pub labels: Vec<Label>,
}

impl Diagnostic {
    /// An error of the whole run, at no file.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, location: None, message: message.into(), hints: vec![], labels: vec![] }
    }

    /// An error about a file as a whole.
    pub fn in_file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic { location: Some(Location { file: file.into(), pos: None, span: None }), ..Self::error(message) }
    }

    /// An error at a line and column of a file.
    pub fn at(file: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            location: Some(Location { file: file.into(), pos: Some(pos), span: None }),
            ..Self::error(message)
        }
    }

    /// The same diagnostic as a warning.
    pub fn as_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Adds the byte span the problem covers (its location must be set).
    pub fn with_span(mut self, span: Range<usize>) -> Self {
        if let Some(l) = &mut self.location {
            l.span = Some(span);
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Adds a secondary place, e.g. where a duplicate was first defined.
    pub fn with_label(mut self, file: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        let location = Location { file: file.into(), pos: Some(pos), span: None };
        self.labels.push(Label { location, message: message.into() });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn file(&self) -> Option<&Path> {
        self.location.as_ref().map(|l| l.file.as_path())
    }

    pub fn pos(&self) -> Option<Pos> {
        self.location.as_ref().and_then(|l| l.pos)
    }

    /// The one-line form used by tests and logs: `file:line:col: message`.
    pub fn short(&self) -> String {
        match &self.location {
            Some(l) => format!("{l}: {}", self.message),
            None => self.message.clone(),
        }
    }

    /// Order for reports: by file and position, run-wide problems first.
    pub fn sort_key(&self) -> (Option<&Path>, Option<Pos>) {
        (self.file(), self.pos())
    }
}

/// The texts of the files diagnostics may point into, for snippets.
pub type Sources = BTreeMap<PathBuf, String>;

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// How [`render`] writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style<'a> {
    /// ANSI colours (for a terminal).
    pub color: bool,
    /// Shown before each file name, so that paths work from where the user
    /// stands (`--dir ROOT`); empty for the root itself.
    pub root: Option<&'a Path>,
    /// Long messages and hints lose their middle ([`brief`]): for a
    /// terminal, which a pasted paragraph would fill. `serve`'s overlay
    /// scrolls, and shows them whole.
    pub brief: bool,
}

/// Renders diagnostics the way compilers do: header, location, a snippet with
/// the span underlined, labels and hints; then a count of the errors.
pub fn render(diags: &[Diagnostic], sources: &Sources, style: Style<'_>) -> String {
    use annotate_snippets::Renderer;
    let renderer = if style.color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in diags {
        out += &renderer.render(&[group(d, sources, style)]);
        out += "\n\n";
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        out += &format!("error: {errors} problem{} found", s(errors));
        if warnings > 0 {
            out += &format!(" ({warnings} warning{})", s(warnings));
        }
        out.push('\n');
    }
    out
}

/// One diagnostic as an annotate-snippets group: the primary snippet (with the
/// labels in the same file), one snippet per other file a label points into,
/// then the hints.
fn group<'a>(d: &'a Diagnostic, sources: &'a Sources, style: Style<'_>) -> annotate_snippets::Group<'a> {
    let root = style.root;
    use annotate_snippets::{AnnotationKind, Group, Level, Origin, Snippet};
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    // Content reaches messages, hints, labels and paths: nothing of it may
    // drive the terminal (annotate-snippets makes C0 controls in a snippet's
    // source visible itself; `for_terminal` does the rest of the source).
    let shown = |file: &Path| match root {
        Some(r) => terminal(&r.join(file).display().to_string()).into_owned(),
        None => terminal(&file.display().to_string()).into_owned(),
    };
    let shown_text = |s: &'a str| -> Cow<'a, str> {
        match if style.brief { brief(s) } else { Cow::Borrowed(s) } {
            Cow::Borrowed(b) => terminal(b),
            Cow::Owned(o) => Cow::Owned(terminal(&o).into_owned()),
        }
    };
    let mut group = Group::with_title(level.primary_title(shown_text(&d.message)));
    let mut places: Vec<(&Location, Option<&str>)> = Vec::new();
    if let Some(l) = &d.location {
        places.push((l, None));
    }
    places.extend(d.labels.iter().map(|l| (&l.location, Some(l.message.as_str()))));
    let mut files: Vec<&Path> = Vec::new();
    for (l, _) in &places {
        if !files.contains(&l.file.as_path()) {
            files.push(&l.file);
        }
    }
    for file in files {
        let here: Vec<&(&Location, Option<&str>)> = places.iter().filter(|(l, _)| l.file == file).collect();
        let source = sources.get(file);
        let spans: Vec<_> = here
            .iter()
            .map(|(l, m)| (source.and_then(|s| span(s, l).map(|r| for_terminal(s).1(r))), m.map(shown_text)))
            .collect();
        match source {
            Some(src) if spans.iter().any(|(s, _)| s.is_some()) => {
                let mut snippet = Snippet::source(for_terminal(src).0).path(shown(file)).fold(true);
                for (s, m) in spans {
                    let Some(s) = s else { continue };
                    snippet = snippet.annotation(match m {
                        None => AnnotationKind::Primary.span(s),
                        Some(m) => AnnotationKind::Context.span(s).label(m),
                    });
                }
                group = group.element(snippet);
            }
            _ => {
                for (l, m) in here {
                    let mut origin = Origin::path(shown(&l.file));
                    if let Some(p) = l.pos {
                        origin = origin.line(p.line as usize).char_column(p.column as usize);
                    }
                    group = group.element(origin);
                    if let Some(m) = m {
                        group = group.element(Level::NOTE.message(shown_text(m)));
                    }
                }
            }
        }
    }
    for h in &d.hints {
        group = group.element(Level::HELP.with_name("hint").message(shown_text(h)));
    }
    group
}

/// `text`, with its middle left out when it is longer than
/// [`BRIEF_CHARS`] characters: messages quote what a file holds (`unknown
/// kind `…``), and a pasted paragraph or a runaway line would otherwise fill
/// the screen and hide the message. The start says what is wrong and the end
/// closes the quote; the snippet still shows the place. (Cutting the quoted
/// value alone would need its bounds, and a value may hold backticks.)
fn brief(text: &str) -> Cow<'_, str> {
    let n = text.chars().count();
    if n <= BRIEF_CHARS {
        return Cow::Borrowed(text);
    }
    let head: String = text.chars().take(BRIEF_CHARS - BRIEF_TAIL).collect();
    let tail: String = text.chars().skip(n - BRIEF_TAIL).collect();
    Cow::Owned(format!("{head} … ({} characters left out) … {tail}", n - BRIEF_CHARS))
}

/// How much of a message or hint is shown, and how much of that is its end.
const BRIEF_CHARS: usize = 400;
const BRIEF_TAIL: usize = 60;

/// A source for a snippet, and the map of its byte offsets: C1 controls
/// (which annotate-snippets passes through) become U+FFFD, one byte longer.
fn for_terminal(src: &str) -> (Cow<'_, str>, impl Fn(Range<usize>) -> Range<usize> + '_) {
    let c1 = |c: char| ('\u{80}'..='\u{9f}').contains(&c);
    let shifted = move |at: usize| at + src[..at].chars().filter(|&c| c1(c)).count();
    let clean = if src.chars().any(c1) {
        Cow::Owned(src.chars().map(|c| if c1(c) { '\u{fffd}' } else { c }).collect())
    } else {
        Cow::Borrowed(src)
    };
    (clean, move |r: Range<usize>| shifted(r.start)..shifted(r.end))
}

/// The byte range a location covers in `src`: its own span, or the token that
/// starts at its position (a YAML key, a quoted string, or a run of non-blank
/// characters), or one character where the token is empty.
fn span(src: &str, l: &Location) -> Option<Range<usize>> {
    if let Some(s) = &l.span
        && s.end <= src.len()
        && src.is_char_boundary(s.start)
        && src.is_char_boundary(s.end)
    {
        return Some(s.clone());
    }
    let p = l.pos?;
    let line_start = src.split_inclusive('\n').take(p.line.checked_sub(1)? as usize).map(str::len).sum::<usize>();
    let line = src[line_start..].split('\n').next()?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let col = p.column.max(1) as usize - 1;
    let start = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
    let rest = &line[start..];
    let len = match rest.chars().next() {
        None => 0,
        Some(q @ ('"' | '\'')) => rest[1..].find(q).map_or(rest.len(), |i| i + 2),
        Some(first) => {
            // A flow list's item (`[a, b]`) ends at its separator; a token is
            // at least its first character (a full-width space is whitespace
            // too, and more than one byte).
            let word = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
                .unwrap_or(rest.len())
                .max(first.len_utf8());
            let key = rest[..word].strip_suffix(':').map_or(word, str::len);
            rest.find(": ").map_or(key, |k| k.min(key))
        }
    };
    let start = line_start + start;
    if len == 0 {
        // At the end of a line: point at the line break itself.
        let next = src[start..].chars().next().map_or(0, char::len_utf8);
        return Some(start..start + next);
    }
    Some(start..start + len)
}

/// The closest candidate by edit distance, for "did you mean" hints.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(did_you_mean("titel", ["title", "text", "id"]), Some("title"));
        assert_eq!(did_you_mean("imagse", ["images", "maxims"]), Some("images"));
        assert_eq!(did_you_mean("zzz", ["title", "text"]), None);
    }

    #[test]
    fn renders_snippet_label_and_every_hint() {
        let mut sources = Sources::new();
        sources.insert("c.yaml".into(), "kind: x\nid: a\n  titel: 标题\nid: a\n".into());
        let d = Diagnostic::at("c.yaml", Pos { line: 3, column: 3 }, "unknown field `titel`")
            .with_hint("did you mean `title`?")
            .with_hint("fields here: id, title")
            .with_label("c.yaml", Pos { line: 2, column: 5 }, "first defined here");
        let text = render(&[d], &sources, Style::default());
        assert!(text.contains("--> c.yaml:3:3"), "{text}");
        assert!(text.contains("3 |   titel: 标题\n  |   ^^^^^"), "{text}");
        assert!(text.contains("- first defined here"), "{text}");
        assert!(text.contains("= hint: did you mean `title`?"), "{text}");
        assert!(text.contains("= hint: fields here: id, title"), "{text}");
        assert!(text.ends_with("error: 1 problem found\n"), "{text}");
    }

    #[test]
    fn long_messages_lose_their_middle_in_what_is_shown() {
        let long = "办".repeat(5000);
        let d = Diagnostic::error(format!("unknown kind `{long}`")).with_hint(format!("not `{long}`"));
        let text = render(std::slice::from_ref(&d), &Sources::new(), Style { brief: true, ..Style::default() });
        let head = format!("error: unknown kind `{}", "办".repeat(BRIEF_CHARS - BRIEF_TAIL - 14));
        let tail = format!("{}`\n", "办".repeat(BRIEF_TAIL - 1));
        assert!(text.contains(&format!("{head} … (4615 characters left out) … {tail}")), "{text}");
        assert!(text.contains("hint: not `办") && text.chars().count() < 1200, "{text}");
        // Whole where the reader can scroll (serve's overlay).
        assert!(render(&[d], &Sources::new(), Style::default()).chars().count() > 10_000);
        // A message of ordinary length is left whole, backticks and all.
        let short = format!("duplicate option `{}`", "a`b".repeat(100));
        assert_eq!(brief(&short), short);
    }

    #[test]
    fn a_location_without_its_source_shows_its_own_line_and_column() {
        let d = Diagnostic::at("theme/index.hbs", Pos { line: 2, column: 5 }, "template error");
        let text = render(&[d], &Sources::new(), Style::default());
        assert!(text.contains("--> theme/index.hbs:2:5"), "{text}");
    }

    /// The text [`span`] covers for a position of `src` without a span of its own.
    fn token_at(src: &str, line: u32, column: u32) -> Option<&str> {
        let l = Location { file: "f".into(), pos: Some(Pos { line, column }), span: None };
        span(src, &l).map(|r| &src[r])
    }

    #[test]
    fn spans_cover_the_token_at_the_position() {
        let src = "a: \"x y\" # c\nkey: 笔杆子 z\nrefs: [b, c]\n";
        let at = |line, column| token_at(src, line, column);
        assert_eq!(at(1, 1), Some("a"));
        assert_eq!(at(1, 4), Some("\"x y\""));
        assert_eq!(at(2, 6), Some("笔杆子"));
        assert_eq!(at(2, 1), Some("key"));
        assert_eq!(at(1, 13), Some("\n"));
        assert_eq!(at(3, 8), Some("b"));
        assert_eq!(at(3, 11), Some("c"));
        // A full-width space and a no-break space (pasted from Word) are
        // whitespace of more than one byte: the token is that character.
        let wide = "asks:\n\u{3000}\u{3000}- 怎样\n\u{a0}- 不会\n";
        for (line, column, token) in [(2, 1, "\u{3000}"), (3, 1, "\u{a0}"), (2, 3, "-")] {
            assert_eq!(token_at(wide, line, column), Some(token));
        }
    }
}
