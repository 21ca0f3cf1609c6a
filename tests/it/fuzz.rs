//! Property tests on stable Rust (proptest): inputs a user or a client could
//! send, generated and mutated, must never panic or hang, and must end in a
//! located diagnostic or a success. Each test runs [`CASES`] cases in CI.

use crate::common::{copy_dir, repo, shipped};
use handbook::search::{rank::RankConfig, search_index};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Cases per property in CI (proptest's default is 256).
pub const CASES: u32 = 256;

/// A content file mutated as an editor's slip or a bad copy would: a span
/// deleted, a span repeated, a character inserted (indentation, a colon, a
/// quote, a bracket, a tab, a control character, a CJK character, a
/// full-width or no-break space), two lines swapped.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Repeat(usize, usize),
    Insert(usize, char),
    Swap(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let ch = prop::sample::select(vec![
        ' ', ':', '"', '\'', '[', ']', '{', '}', '-', '#', '\t', '\u{0}', '\u{1b}', '办', '\n', '&', '*', '|', '>',
        // Spaces of more than one byte: a Chinese input method's, and Word's no-break space.
        '\u{3000}', '\u{a0}',
    ]);
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 1usize..80).prop_map(|(a, n)| Mutation::Repeat(a, n)),
        (any::<usize>(), ch).prop_map(|(a, c)| Mutation::Insert(a, c)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |a: usize| a % chars.len().max(1);
    match *m {
        Mutation::Delete(a, n) => {
            let a = at(a);
            chars[..a].iter().chain(&chars[(a + n).min(chars.len())..]).collect()
        }
        Mutation::Repeat(a, n) => {
            let a = at(a);
            let b = (a + n).min(chars.len());
            chars[..b].iter().chain(&chars[a..]).collect()
        }
        Mutation::Insert(a, c) => {
            let a = at(a);
            chars[..a].iter().chain(std::iter::once(&c)).chain(&chars[a..]).collect()
        }
        Mutation::Swap(a, b) => {
            let mut lines: Vec<&str> = text.lines().collect();
            let n = lines.len().max(1);
            lines.swap(a % n, b % n);
            lines.join("\n") + "\n"
        }
    }
}

/// A copy of the shipped handbook (content, theme, book.toml) in a temporary folder.
fn shipped_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &tmp.path().join("content"));
    copy_dir(&repo().join("theme"), &tmp.path().join("theme"));
    std::fs::copy(repo().join("book.toml"), tmp.path().join("book.toml")).unwrap();
    tmp
}

/// The loader on mutated content files: never a panic or a hang; either the
/// handbook checks, or every error names a file (with a line and column when
/// it is a syntax error).
#[test]
fn mutated_content_is_checked_or_refused_with_a_location() {
    let tmp = shipped_copy();
    let files: Vec<String> = ["01-overview", "03-images", "05-transformations", "06-maxims", "handbook"]
        .iter()
        .map(|f| format!("content/{f}.yaml"))
        .chain(
            std::fs::read_dir(repo().join("content/quiz"))
                .unwrap()
                .filter_map(Result::ok)
                .map(|e| format!("content/quiz/{}", e.file_name().to_string_lossy())),
        )
        .collect();
    let originals: Vec<String> = files.iter().map(|f| std::fs::read_to_string(repo().join(f)).unwrap()).collect();
    let mut runner = TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
    let (refused, checked) = (std::cell::Cell::new(0usize), std::cell::Cell::new(0usize));
    runner
        .run(&(0..files.len(), prop::collection::vec(mutation(), 1..4)), |(f, ms)| {
            let text = ms.iter().fold(originals[f].clone(), |t, m| apply(&t, m));
            let path = tmp.path().join(&files[f]);
            std::fs::write(&path, &text).unwrap();
            let result = std::panic::catch_unwind(|| handbook::pipeline::check(tmp.path()));
            std::fs::write(&path, &originals[f]).unwrap();
            let checked_now = result.map_err(|_| TestCaseError::fail(format!("panic on {}", files[f])))?;
            let errors: Vec<_> = checked_now.report.diagnostics.iter().filter(|d| d.is_error()).collect();
            if errors.is_empty() {
                checked.set(checked.get() + 1);
            } else {
                refused.set(refused.get() + 1);
                for e in errors {
                    prop_assert!(e.location.is_some(), "an error with no file: {} ({})", e.message, files[f]);
                }
            }
            Ok(())
        })
        .unwrap();
    let (refused, checked) = (refused.get(), checked.get());
    println!("loader: {CASES} mutated handbooks, {refused} refused with located errors, {checked} still valid");
    assert!(refused > CASES as usize / 4, "the mutations break the content often enough to test: {refused}");
}

/// The search query path: any string (of which the first
/// `MAX_QUERY_CHARS` characters are searched) ranks without a panic, on the
/// shipped index, with the shipped configuration.
#[test]
fn any_query_up_to_the_limit_ranks_without_a_panic() {
    let site = &shipped().out;
    let idx = handbook::search::index::SearchIndex::open(&site.join("search/tantivy")).unwrap();
    let cfg: RankConfig = serde_json::from_slice(&std::fs::read(site.join("search/config.json")).unwrap()).unwrap();
    let mut runner = TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
    // Any Unicode, and a bias towards what a search box gets: Han, pinyin, punctuation, full-width forms.
    let text = prop_oneof![".{0,200}", "[\\u4e00-\\u9fff a-zA-Z0-9，。？！、（）ａ-ｚ　]{0,200}", "[bgzi ]{0,40}",];
    runner
        .run(&text, |q| {
            let results = search_index(&idx, &cfg, &q, 10).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(results.len() <= 10);
            Ok(())
        })
        .unwrap();
    println!("query path: {CASES} queries ranked");
}

/// What mdBook's Markdown makes of `text` once [`handbook::escape::markdown`]
/// escaped it: the text of its events, and any event that is not a paragraph
/// or text (a link, emphasis, HTML…) by name.
fn through_mdbook(text: &str) -> (String, Vec<String>) {
    use mdbook_markdown::pulldown_cmark::{Event, Tag, TagEnd};
    let escaped = handbook::escape::markdown(text);
    let (mut out, mut other) = (String::new(), Vec::new());
    for e in mdbook_markdown::new_cmark_parser(&escaped, &mdbook_markdown::MarkdownOptions::default()) {
        match e {
            Event::Text(t) => out.push_str(&t),
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            e => other.push(format!("{e:?}")),
        }
    }
    (out, other)
}

/// The documented normalisation of a text value on a page: a text is one
/// paragraph (line breaks and tabs become spaces, carriage returns go), NUL
/// becomes U+FFFD (CommonMark's rule), and the paragraph's trailing spaces
/// go (Markdown's rule); a text's first character, if it is whitespace,
/// stays as one space.
fn normalized(text: &str) -> String {
    let t: String = text
        .chars()
        .filter(|&c| c != '\r')
        .map(|c| match c {
            '\n' | '\t' => ' ',
            '\0' => '\u{FFFD}',
            c => c,
        })
        .collect();
    // The escaper keeps a text's first character as a space when it is
    // whitespace (as `&#32;`, so that nothing after it starts a block);
    // Markdown drops the paragraph's trailing spaces.
    match t.strip_prefix(' ') {
        Some(rest) => format!(" {}", rest.trim_end_matches(' ')),
        None => t.trim_end_matches(' ').to_string(),
    }
}

/// The Markdown escaper against mdBook's own parser, with mdBook's options
/// (smart punctuation, tables, footnotes, strikethrough, task lists, heading
/// attributes, definition lists, GFM): any text comes out as the same literal
/// text after the normalisation, and as nothing but text.
#[test]
fn escaped_text_comes_out_of_mdbooks_parser_as_itself() {
    let mut runner = TestRunner::new(Config { cases: CASES, failure_persistence: None, ..Config::default() });
    // Markdown's and HTML's special characters, line starts, entities and smart punctuation, among ordinary text.
    let piece = prop_oneof![
        prop::sample::select(vec![
            "*",
            "_",
            "`",
            "~",
            "[",
            "]",
            "(",
            ")",
            "<",
            ">",
            "&",
            "\"",
            "'",
            "#",
            "!",
            "|",
            ":",
            "-",
            "+",
            "=",
            "\\",
            "{",
            "}",
            "$",
            "^",
            ".",
            "1.",
            "2)",
            "--",
            "---",
            "...",
            "&amp;",
            "&#32;",
            "<b>",
            "[^1]",
            "[x]",
            "> ",
            "    ",
            "\n",
            "\n\n",
            "\t",
            "\r\n",
            "http://a.b",
            "javascript:x",
            "![i](u)",
            "笔杆子",
            "“",
            "”",
            "　",
        ])
        .prop_map(str::to_string),
        "[a-z0-9 \\u4e00-\\u9fa5]{1,6}",
    ];
    runner
        .run(&prop::collection::vec(piece, 1..12), |pieces| {
            let text = pieces.concat();
            let (out, other) = through_mdbook(&text);
            prop_assert!(other.is_empty(), "{text:?} made {other:?}");
            prop_assert_eq!(out, normalized(&text), "{:?} → {:?}", text, handbook::escape::markdown(&text));
            Ok(())
        })
        .unwrap();
    println!("markdown escaper: {CASES} texts through mdBook's parser");
}

/// Walk errors under `content/` and `theme/` are errors with their path, not
/// entries silently left out: a symbolic link loop, and a link to nothing (an
/// entry that cannot be read, even by root).
#[cfg(unix)]
#[test]
fn walk_errors_are_diagnostics_with_the_path() {
    let tmp = shipped_copy();
    assert!(handbook::pipeline::check(tmp.path()).valid.is_some(), "the copy is valid before the links");
    std::os::unix::fs::symlink(tmp.path().join("content"), tmp.path().join("content/loop")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("nowhere.yaml"), tmp.path().join("theme/templates/gone.md.tera"))
        .unwrap();
    let checked = handbook::pipeline::check(tmp.path());
    assert!(checked.valid.is_none());
    let errors: Vec<String> = checked
        .report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.location.as_ref().map(|l| l.to_string()).unwrap_or_default(), d.message))
        .collect();
    assert!(errors.iter().any(|e| e.contains("content/loop") && e.contains("symbolic link loop")), "{errors:#?}");
    assert!(
        errors.iter().any(|e| e.contains("theme/templates/gone.md.tera") && e.contains("cannot read it")),
        "{errors:#?}"
    );
}
