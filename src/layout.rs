//! A handbook's layout, agreed on by every stage: where its files are, where
//! the build puts things in the site, the page ids the build reserves, and the
//! shape of a file the build adds to the site.

/// mdBook's own configuration, at the root.
pub const BOOK_TOML: &str = "book.toml";
/// The folder, under the root, that holds the content files.
pub const CONTENT_DIR: &str = "content";
/// The theme: mdBook's templates and CSS, the page templates, static files, the print layout.
pub const THEME_DIR: &str = "theme";
/// The folder, under the root, that holds the page templates.
pub const TEMPLATES_DIR: &str = "theme/templates";
/// Files under this folder are copied into the site at the same relative path.
pub const STATIC_DIR: &str = "theme/static";
/// The browser's search code, under the root.
pub const SEARCH_JS: &str = "theme/static/search/search.js";
/// The print layout (Typst), under the root.
pub const PRINT_TEMPLATE: &str = "theme/print/handbook.typ";
/// The summary card's layout (Typst): an edition with `layout: card`.
pub const CARD_TEMPLATE: &str = "theme/print/card.typ";
/// The exam papers' and answer key's layout (Typst).
pub const EXAM_TEMPLATE: &str = "theme/print/exam.typ";
/// The exam papers' words, for the PDF and Word papers alike (YAML).
pub const EXAM_WORDS: &str = "theme/print/exam.yaml";

/// The practice page (drills from the handbook's lists).
pub const PRACTICE: &str = "practice";
/// The review page (今日复习): questions due again, from every chapter.
pub const REVIEW: &str = "review";
/// The reading progress page (学习进度), with export and import.
pub const PROGRESS: &str = "progress";
/// Each chapter's questions (authored and drills) for the review page, one
/// script a chapter, loaded on demand: `quiz/data/<chapter>.js`.
pub const QUIZ_DATA_DIR: &str = "quiz/data";
/// Page ids the site already uses (mdBook's pages and the build's own): no
/// chapter may take one.
pub const RESERVED_PAGES: &[&str] =
    &["index", "print", "404", "toc", "search", "searchindex", PRACTICE, REVIEW, PROGRESS];

/// Where the search files live inside the site.
pub const SEARCH_DIR: &str = "search";
/// The tantivy index `handbook search` reads, inside the site.
pub const SEARCH_INDEX_DIR: &str = "search/tantivy";
/// The ranking configuration the index was built with, inside the site.
pub const SEARCH_CONFIG: &str = "search/config.json";

/// A file the build adds to the site beside mdBook's pages (search data,
/// static files, PDFs…), made in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    /// Path relative to the site root, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}
