//! mdBook's HTML renderer, run over a big book in batches.
//!
//! mdBook's renderer copies the whole chapter list into the template data of
//! every page it renders, so one render of N chapters costs N² (a 6,000-page
//! handbook spent over a minute there). This renderer hands mdBook's own
//! `HtmlHandlebars` consecutive slices of the book instead, on every core,
//! each slice with its neighbouring chapters so that "previous" and "next"
//! stay right at the seams, and keeps each page from the slice that owns it.
//! A book that fits in one slice is rendered exactly as mdBook renders it.
//!
//! The print page (the whole book on one page) only exists for a book that
//! fits in one slice: it would be the quadratic render again, and a page of
//! thousands of chapters is no use to print. [`BatchedHtml::plan`] says so
//! before the build, so the build can warn.

use anyhow::{Context, Result};
use mdbook_driver::book::{Book, BookItem};
use mdbook_html::HtmlHandlebars;
use mdbook_renderer::{RenderContext, Renderer};
use rayon::prelude::*;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Chapters per slice: big enough that mdBook's fixed cost per render (theme,
/// static files) is spread thin, small enough that the per-page copy of the
/// chapter list stays cheap. (Measured on the 1000× handbook: see the README.)
pub const BATCH: usize = 250;

/// The HTML renderer the site is built with (registered under mdBook's name
/// `html`, replacing mdBook's own, which it calls).
pub struct BatchedHtml {
    pub batch: usize,
    /// Render only these chapters (indices into the book), each with its
    /// neighbours, into a site that already has everything else (`serve`'s
    /// incremental rebuilds).
    pub only: Option<Vec<usize>>,
}

impl Default for BatchedHtml {
    fn default() -> Self {
        BatchedHtml { batch: BATCH, only: None }
    }
}

impl BatchedHtml {
    /// Whether a book of `chapters` chapters is rendered in slices (and so without the print page).
    pub fn batched(&self, chapters: usize) -> bool {
        chapters > self.batch
    }
}

impl Renderer for BatchedHtml {
    fn name(&self) -> &str {
        "html"
    }

    fn render(&self, ctx: &RenderContext) -> Result<()> {
        let items = &ctx.book.items;
        if !self.batched(items.len()) && self.only.is_none() {
            return HtmlHandlebars::new().render(ctx);
        }
        let mut config = ctx.config.clone();
        config.set("output.html.print.enable", false)?;
        let dest = &ctx.destination;
        fs::create_dir_all(dest)?;
        let slices: Vec<(usize, usize)> = match &self.only {
            Some(only) => only.iter().filter(|&&i| i < items.len()).map(|&i| (i, i + 1)).collect(),
            None => (0..items.len()).step_by(self.batch).map(|s| (s, (s + self.batch).min(items.len()))).collect(),
        };
        let assets = self.only.is_none();
        // Slices render on every core, one slice per task; the first error stops the rest.
        slices
            .par_iter()
            .enumerate()
            .with_max_len(1)
            .try_for_each(|(k, &(start, end))| render_slice(ctx, &config, k, start, end, assets && k == 0))
    }
}

/// Renders chapters `start..end` (with one neighbour on each side) into a
/// folder of its own, then moves the slice's own pages into the destination;
/// with `assets`, also everything else mdBook wrote (assets, 404.html); the
/// slice with the first chapter also moves index.html.
fn render_slice(
    ctx: &RenderContext,
    config: &mdbook_driver::config::Config,
    k: usize,
    start: usize,
    end: usize,
    assets: bool,
) -> Result<()> {
    let items = &ctx.book.items;
    let from = start.saturating_sub(1);
    let to = (end + 1).min(items.len());
    let book = Book::new_with_items(items[from..to].to_vec());
    let dir = slice_dir(&ctx.destination, k);
    let mut sub = RenderContext::new(ctx.root.clone(), book, config.clone(), dir.clone());
    sub.chapter_titles = ctx.chapter_titles.clone();
    HtmlHandlebars::new().render(&sub).with_context(|| format!("rendering chapters {}–{}", start + 1, end))?;

    let pages = |range: std::ops::Range<usize>| -> HashSet<PathBuf> {
        items[range]
            .iter()
            .filter_map(|i| match i {
                BookItem::Chapter(ch) => ch.path.as_ref().map(|p| p.with_extension("html")),
                _ => None,
            })
            .collect()
    };
    let own = pages(start..end);
    let neighbours = pages(from..to);
    for entry in walkdir::WalkDir::new(&dir).min_depth(1).contents_first(true) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(&dir)?.to_path_buf();
        let keep = own.contains(&rel)
            || (assets && !neighbours.contains(&rel))
            || (start == 0 && rel.as_os_str() == "index.html");
        if entry.file_type().is_dir() || !keep {
            continue;
        }
        let target = ctx.destination.join(&rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(entry.path(), &target)?;
    }
    fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Where slice `k` renders: beside the destination, since mdBook empties the folder it renders into.
fn slice_dir(dest: &Path, k: usize) -> PathBuf {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dest.with_file_name(format!("{name}.slice-{k}"))
}
