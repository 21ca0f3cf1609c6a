//! Stage 5, search: Chinese search that ranks alike in the CLI, the `serve`
//! API and the browser.
//!
//! - [`tokenize`]: the one tokenization rule (CJK bigrams, Latin words).
//! - [`index`]: the tantivy index, one document per section, built in memory.
//! - [`near`]: the semantic layer, words near each section's own in meaning,
//!   from a table derived from a pretrained model (indexed as a field).
//! - [`rank`]: the ranking function over per-term BM25 lists.
//! - [`export`]: those lists, sharded by term, as classic `<script>` files the
//!   browser loads on demand (works from `file://`).
//! - [`snippet`]: excerpts with the matched words marked.
//! - [`eval`]: questions with known answers, asked of the ranking (`search --eval`).
//!
//! In the site: `search/tantivy/` holds the index (read by `handbook search`),
//! `search/config.json` the ranking configuration it was built with, and
//! `search/*.js`, `search/s/`, `search/d/` the browser's code and data.

pub mod eval;
pub mod export;
pub mod fold;
pub mod index;
pub mod near;
pub mod pinyin;
pub mod rank;
pub mod snippet;
pub mod tokenize;

use crate::diagnostic::{Diagnostic, Result};
use crate::layout::{OutFile, SEARCH_CONFIG, SEARCH_INDEX_DIR, SEARCH_JS};
use crate::model::{SearchSettings, Sections};
use crate::progress::Progress;
use index::SearchIndex;
use rank::RankConfig;
use serde::Serialize;
use std::path::Path;

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
    /// The ask it was found through, when its asks gave most of its score
    /// (shown as "匹配问题"): why a result whose text shares few words with the query is there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ask: Option<String>,
    /// The near word it was found for (shown as "意思相近"), when its near
    /// words gave most of its score: the snippet is then the sentence that word came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<String>,
}

/// Answers a query from the index in a built site.
pub fn search_site(site: &Path, query: &str, limit: usize) -> Result<Vec<SearchResult>> {
    let (idx, cfg) = open_site(site)?;
    search_index(&idx, &cfg, query, limit).map_err(|e| failed(site, e))
}

/// The index in a built site and the ranking configuration it was built with.
pub fn open_site(site: &Path) -> Result<(SearchIndex, RankConfig)> {
    let missing = |what: &str| {
        Diagnostic::in_file(site.join(what), format!("no search index in {}", site.display()))
            .with_hint("run `handbook build` first (or pass --site to the built folder)")
    };
    let cfg_text = std::fs::read_to_string(site.join(SEARCH_CONFIG)).map_err(|_| missing(SEARCH_CONFIG))?;
    let cfg: RankConfig = serde_json::from_str(&cfg_text).map_err(|e| {
        Diagnostic::in_file(site.join(SEARCH_CONFIG), format!("unreadable search configuration: {e}"))
            .with_hint("rebuild the site with this version of handbook")
    })?;
    let idx = SearchIndex::open(&site.join(SEARCH_INDEX_DIR)).map_err(|_| missing(SEARCH_INDEX_DIR))?;
    Ok((idx, cfg))
}

/// A search of a site's index that failed after the index opened.
pub fn failed(site: &Path, e: tantivy::TantivyError) -> Diagnostic {
    Diagnostic::in_file(site.join(SEARCH_INDEX_DIR), format!("search failed: {e}"))
        .with_hint("rebuild the site; if it fails again, please report it with the query")
}

/// The ranking configuration of a handbook: synonyms and ignored words from
/// the settings, and the fold table its vocabulary needs.
pub fn config(s: &SearchSettings, secs: &Sections) -> RankConfig {
    let synonyms = s.synonyms.iter().map(|g| g.iter().map(|t| t.value.clone()).collect()).collect();
    let mut cfg = RankConfig::new(synonyms, s.ignore.iter().map(|t| t.value.clone()).collect());
    let full = fold::Fold::full();
    let mut chars = std::collections::HashSet::new();
    for sec in secs.iter() {
        let asks = sec.asks.iter().map(|a| a.as_str());
        for text in [sec.title.as_str(), sec.text.as_str()].into_iter().chain(asks) {
            chars.extend(text.chars().filter(|&c| tokenize::is_han(c)).map(|c| full.char(c)));
        }
    }
    cfg.fold = fold::Fold::for_vocabulary(chars);
    cfg
}

/// The search part of a site: the tantivy index's files and the browser's
/// code and data, made in memory from the validated content. `search_js` is
/// the theme's browser search code.
pub fn site_files(
    settings: &SearchSettings,
    secs: &Sections,
    search_js: Option<&str>,
    progress: Progress<'_>,
) -> Result<Vec<OutFile>> {
    progress("index and export");
    let made = Made::paced(settings, secs, &|| index::Pace::Wide).unwrap_or_else(|| unreachable!("never stopped"));
    made.files(search_js)
}

/// What the index and the browser's data are made from: the ranking
/// configuration and each section's weights and near words. Making it (the
/// near words, mostly) needs only the sections, so a build starts it before
/// they have validated, and gives it up if they do not.
pub struct Made<'a> {
    cfg: RankConfig,
    src: index::Indexed<'a>,
}

impl<'a> Made<'a> {
    /// Made at the pace `pace` says ([`index::Indexed::paced`]); `None` if it says stop.
    pub fn paced(
        settings: &SearchSettings,
        secs: &'a Sections,
        pace: &(dyn Fn() -> index::Pace + Sync),
    ) -> Option<Made<'a>> {
        let weights = &settings.weights;
        let cfg = config(settings, secs);
        let weights = secs.iter().map(|s| u64::from(weights.of(s.kind))).collect();
        let src = index::Indexed::paced(secs, weights, cfg.near_words, pace)?;
        Some(Made { cfg, src })
    }

    /// The index's files and the browser's code and data.
    pub fn files(&self, search_js: Option<&str>) -> Result<Vec<OutFile>> {
        let js = search_js.ok_or_else(|| {
            Diagnostic::in_file(SEARCH_JS, "missing the browser search code")
                .with_hint("the site's search needs it; copy it from the handbook tool's theme")
        })?;
        if let Some(d) = check_code(js) {
            return Err(d);
        }
        let Made { cfg, src } = self;
        // The index (one thread: tantivy's writer) and the browser's data (the
        // other cores) are made from the same values, side by side.
        let (index, mut files) =
            rayon::join(|| SearchIndex::build_from(src).and_then(|idx| idx.files()), || export::export(src, cfg, js));
        let index = index.map_err(|e| bug("cannot build the search index", e))?;
        files.extend(
            index.into_iter().map(|(name, bytes)| OutFile { path: format!("{SEARCH_INDEX_DIR}/{name}"), bytes }),
        );
        Ok(files)
    }
}

/// The theme's browser search code, if it cannot read the data this version
/// writes: a theme copied from an older version reads lists in another form,
/// and its search would rank garbage rather than fail.
pub fn check_code(search_js: &str) -> Option<Diagnostic> {
    (!search_js.contains(export::DATA_FORMAT)).then(|| {
        Diagnostic::in_file(SEARCH_JS, "the browser search code reads an older form of the search data").with_hint(
            format!(
                "copy theme/static/search/search.js from a handbook that `handbook init` writes (it declares `{}`), then redo any changes made to it",
                export::DATA_FORMAT
            ),
        )
    })
}

fn bug(what: &str, e: tantivy::TantivyError) -> Diagnostic {
    Diagnostic::error(format!("{what}: {e}"))
        .with_hint("this is a bug or a disk problem; please report it with the message")
}

/// Ranks, then reads the stored sections of the first `limit` hits.
pub fn search_index(
    idx: &SearchIndex,
    cfg: &RankConfig,
    query: &str,
    limit: usize,
) -> tantivy::Result<Vec<SearchResult>> {
    let (terms, hits) = rank::search(idx, cfg, query)?;
    let fold = cfg.folder();
    let mut out = Vec::new();
    for (i, hit) in hits.iter().take(limit).enumerate() {
        let doc = idx.doc_by_order(hit.order)?;
        let near = if hit.via_near { snippet::best_near(&doc.near, &terms, &fold) } else { None };
        out.push(SearchResult {
            rank: i + 1,
            id: doc.id.clone(),
            title: doc.title.clone(),
            breadcrumb: doc.breadcrumb.clone(),
            url: doc.url.clone(),
            score: hit.score,
            snippet: snippet::snippet(&doc.text, &terms, &fold, near.and_then(|i| doc.near[i].1)),
            ask: if hit.via_ask {
                snippet::best_ask(&doc.asks, &terms, &fold).map(|i| doc.asks[i].clone())
            } else {
                None
            },
            near: near.map(|i| doc.near[i].0.clone()),
        });
    }
    Ok(out)
}
