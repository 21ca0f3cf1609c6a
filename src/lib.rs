//! `handbook` turns a structured YAML handbook into a searchable, offline
//! mdBook site, and into printed editions.
//!
//! The code is a pipeline; each stage is a module, in order:
//!
//! 1. [`load`] — the only stage that reads the handbook: `book.toml`,
//!    `content/*.yaml` (with line/column spans) and the theme's templates and
//!    static files.
//! 2. [`validate`] — pure checks over the model; reports every problem at once.
//! 3. [`render`] — pure: model + tera templates → Markdown pages.
//! 4. [`site`] — writes: mdBook via `mdbook-driver` into a staging folder,
//!    swapped into place atomically.
//! 5. [`search`] — the tantivy index and the browser's export of it (pure:
//!    files in memory).
//! 6. [`print`] — printed editions as PDF (pure: bytes in memory); [`quiz`]'s
//!    exports to LMS formats.
//!
//! [`pipeline`] alone strings the stages together and owns the threads; the
//! front ends (the CLI, [`serve`], [`init`], [`scale`]) call it. Every module
//! sits in one layer of [`LAYERS`] and uses only modules of its own or a
//! lower layer (a test checks it, and that no two modules use each other).

/// The layers, lowest first: a module uses only modules of its own layer or
/// below, never one above, and no two modules use each other.
pub const LAYERS: &[(&str, &[&str])] = &[
    ("ground", &["model", "diagnostic", "layout", "progress", "escape"]),
    ("reading", &["load", "quiz"]),
    ("checking", &["validate"]),
    ("rendering", &["render"]),
    ("outputs", &["site", "search", "print"]),
    ("orchestration", &["pipeline"]),
    ("front ends", &["serve", "init", "scale", "main"]),
];

pub mod diagnostic;
pub mod escape;
pub mod init;
pub mod layout;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod print;
pub mod progress;
pub mod quiz;
pub mod render;
pub mod scale;
pub mod search;
pub mod serve;
pub mod site;
pub mod validate;
