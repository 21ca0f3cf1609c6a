//! Diagnostics are data: every stage returns them, and only [`render_all`]
//! turns them into text (the CLI prints that text in one place).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Relative to the handbook root, e.g. `content/images.yaml`.
    pub file: PathBuf,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: u32,
    /// 1-based; 0 when unknown.
    pub column: u32,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, line: u32, column: u32, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, file: file.into(), line, column, message: message.into(), hint: None }
    }

    pub fn warning(file: impl Into<PathBuf>, line: u32, column: u32, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, line, column, message) }
    }

    pub fn at(file: &Path, pos: crate::model::Pos, message: impl Into<String>) -> Self {
        Diagnostic::error(file, pos.line, pos.column, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` (or less, when line or column is unknown).
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (0, _) => format!("{file}"),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }

    /// The one-line form used by tests and by `--format short`: `file:line:col: message`.
    pub fn short(&self) -> String {
        format!("{}: {}", self.location(), self.message)
    }
}

/// The texts of the files diagnostics may point into, for snippets.
pub type Sources = BTreeMap<PathBuf, String>;

pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(Diagnostic::is_error)
}

/// Renders diagnostics the way compilers do: header, location, snippet with caret, hint.
pub fn render_all(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diags {
        render_one(&mut out, d, sources);
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors > 0 {
        let _ = writeln!(
            out,
            "error: {errors} problem{} found{}",
            if errors == 1 { "" } else { "s" },
            if warnings > 0 {
                format!(" ({warnings} warning{})", if warnings == 1 { "" } else { "s" })
            } else {
                String::new()
            }
        );
    }
    out
}

fn render_one(out: &mut String, d: &Diagnostic, sources: &Sources) {
    let label = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "{label}: {}", d.message);
    if d.file.as_os_str().is_empty() {
        // A message about the whole run (e.g. "PDFs not built: …"): one line.
        return;
    }
    let _ = writeln!(out, "  --> {}", d.location());
    if let Some(line) =
        (d.line > 0).then(|| sources.get(&d.file)).flatten().and_then(|src| src.lines().nth(d.line as usize - 1))
    {
        let num = d.line.to_string();
        let pad = " ".repeat(num.len());
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{num} | {line}");
        if d.column > 0 {
            // Columns count characters; wide (CJK) characters take two terminal cells.
            let width: usize =
                line.chars().take(d.column as usize - 1).map(|c| if crate::model::is_cjk(c) { 2 } else { 1 }).sum();
            let _ = writeln!(out, "{pad} | {}^", " ".repeat(width));
        }
    }
    if let Some(h) = &d.hint {
        let _ = writeln!(out, "  = hint: {h}");
    }
    out.push('\n');
}

/// The closest candidate by edit distance, for "did you mean" hints.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance where swapping two neighbours counts once (`titel` → `title` is 1).
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
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
    fn renders_snippet_with_caret_under_the_column() {
        let mut sources = Sources::new();
        sources.insert("c.yaml".into(), "kind: x\n  titel: 标题\n".into());
        let d = Diagnostic::error("c.yaml", 2, 3, "unknown field `titel`").with_hint("did you mean `title`?");
        let text = render_all(&[d], &sources);
        assert!(text.contains("  --> c.yaml:2:3\n"), "{text}");
        assert!(text.contains("2 |   titel: 标题\n  |   ^\n"), "{text}");
        assert!(text.contains("= hint: did you mean `title`?"), "{text}");
    }
}
