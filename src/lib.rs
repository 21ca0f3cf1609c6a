//! `handbook` turns a structured YAML handbook into a searchable, offline
//! mdBook site.
//!
//! The code is a pipeline; each stage is a module, in order:
//!
//! 1. [`load`] — the only stage that reads content: `content/*.yaml` (with
//!    line/column spans) and `theme/templates/`.
//! 2. [`validate`] — pure checks over the model; reports every problem at once.
//! 3. [`render`] — pure: model + tera templates → Markdown pages.
//! 4. [`site`] — the only stage that writes: mdBook via `mdbook-driver` into a
//!    staging folder, swapped into place atomically.
//! 5. [`search`] — index (tantivy, one document per section) and export (the
//!    same ranking data as static scripts for the browser).
//!
//! [`diagnostic`] holds the one error type every stage returns, as data.
//! [`pipeline`] strings the stages together for the CLI and the tests.

pub mod diagnostic;
pub mod init;
pub mod load;
pub mod model;
pub mod parallel;
pub mod pipeline;
#[cfg(feature = "pdf")]
pub mod print;
pub mod quiz;
pub mod render;
pub mod scale;
pub mod search;
pub mod serve;
pub mod site;
pub mod validate;
