//! Stages 5 and 6, index and export: Chinese search that ranks alike in the
//! CLI and the browser.
//!
//! - [`tokenize`]: the one tokenization rule (CJK bigrams, Latin words).
//! - [`index`]: the tantivy index, one document per section, built in memory.
//! - [`rank`]: the ranking function over per-term BM25 lists.
//! - [`export`]: those lists, sharded by term, as classic `<script>` files the
//!   browser loads on demand (works from `file://`).
//! - [`snippet`]: excerpts with the matched words marked.
//!
//! In the site: `search/tantivy/` holds the index (read by `handbook search`),
//! `search/config.json` the ranking configuration it was built with, and
//! `search/*.js`, `search/s/`, `search/d/` the browser's code and data.

pub mod export;
pub mod index;
pub mod rank;
pub mod snippet;
pub mod tokenize;

use crate::diagnostic::Diagnostic;
use index::SearchIndex;
use rank::RankConfig;
use serde::Serialize;
use std::path::Path;

/// Where the search files live inside the site.
pub const SITE_DIR: &str = "search";
pub const INDEX_DIR: &str = "search/tantivy";
pub const CONFIG_FILE: &str = "search/config.json";

/// One result, as `handbook search` prints it and `--json` documents it.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub rank: usize,
    pub id: String,
    pub title: String,
    pub breadcrumb: String,
    pub url: String,
    pub score: u64,
    pub snippet: snippet::Snippet,
}

/// Answers a query from the index in a built site.
pub fn search_site(site: &Path, query: &str, limit: usize) -> Result<Vec<SearchResult>, Diagnostic> {
    let missing = |what: &str| {
        Diagnostic::error(site.join(what), 0, 0, format!("no search index in {}", site.display()))
            .with_hint("run `handbook build` first (or pass --site to the built folder)")
    };
    let cfg_text = std::fs::read_to_string(site.join(CONFIG_FILE)).map_err(|_| missing(CONFIG_FILE))?;
    let cfg: RankConfig = serde_json::from_str(&cfg_text).map_err(|e| {
        Diagnostic::error(site.join(CONFIG_FILE), 0, 0, format!("unreadable search configuration: {e}"))
            .with_hint("rebuild the site with this version of handbook")
    })?;
    let idx = SearchIndex::open(&site.join(INDEX_DIR)).map_err(|_| missing(INDEX_DIR))?;
    search_index(&idx, &cfg, query, limit)
        .map_err(|e| Diagnostic::error(site.join(INDEX_DIR), 0, 0, format!("search failed: {e}")))
}

/// Ranks, then reads the stored sections of the first `limit` hits.
pub fn search_index(
    idx: &SearchIndex,
    cfg: &RankConfig,
    query: &str,
    limit: usize,
) -> tantivy::Result<Vec<SearchResult>> {
    let (terms, hits) = rank::search(idx, cfg, query)?;
    let mut out = Vec::new();
    for (i, hit) in hits.iter().take(limit).enumerate() {
        let doc = idx.doc_by_order(hit.order)?;
        out.push(SearchResult {
            rank: i + 1,
            id: doc.id.clone(),
            title: doc.title.clone(),
            breadcrumb: doc.breadcrumb.clone(),
            url: doc.url.clone(),
            score: hit.score,
            snippet: snippet::snippet(&doc.text, &terms),
        });
    }
    Ok(out)
}
