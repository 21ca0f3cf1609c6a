//! Rebuilds for `serve`: parsed files are kept between builds, and after an
//! edit to content only, when the chapter list is unchanged, only the pages
//! and files whose bytes changed are written (each file replaced atomically),
//! pages first, search data after; anything else gets a full, atomic build.

use super::{BuildOptions, Report, check_cached, prepare, write_site};
use crate::diagnostic::Result;
use crate::layout::{OutFile, SEARCH_INDEX_DIR};
use crate::load::ParseCache;
use crate::progress::Progress;
use crate::render::RenderedBook;
use crate::site;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Incremental {
    root: PathBuf,
    opts: BuildOptions,
    cache: ParseCache,
    /// The last build's pages, and a hash of each extra file by path.
    last: Option<(RenderedBook, HashMap<String, u64>)>,
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebuilt {
    /// The whole site was built and swapped in.
    Full,
    /// Only these many pages and files were written.
    Pages { pages: usize, files: usize },
    /// Nothing was written (errors).
    Nothing,
}

impl Incremental {
    pub fn new(root: &Path, opts: BuildOptions) -> Incremental {
        Incremental { root: root.to_path_buf(), opts, cache: ParseCache::default(), last: None }
    }

    /// Rebuilds; `content_only` says that only files under `content/` changed
    /// since the last build. `pages_ready` is called when an incremental
    /// rebuild has written the pages and goes on with search.
    pub fn rebuild(&mut self, content_only: bool, progress: Progress<'_>, pages_ready: &dyn Fn()) -> (Report, Rebuilt) {
        let checked = check_cached(&self.root, Some(&mut self.cache), progress, &|_| {});
        let (mut report, prepared) = prepare(checked, &self.opts, progress);
        let Some(p) = prepared else {
            return (report, Rebuilt::Nothing);
        };
        let same_list = |old: &RenderedBook| {
            old.sidebar_js == p.book.sidebar_js
                && old.pages.len() == p.book.pages.len()
                && old.pages.iter().zip(&p.book.pages).all(|(a, b)| a.id == b.id && a.title == b.title)
        };
        let mut hashes: HashMap<String, u64> = p.extra.iter().map(|f| (f.path.clone(), hash(&f.bytes))).collect();
        let incremental = match &self.last {
            Some((old, old_hashes))
                if content_only
                    && same_list(old)
                    && self.opts.out.is_dir()
                    && site::can_update_pages(&p.config, &p.book) =>
            {
                let changed = |f: &&OutFile, h: &HashMap<String, u64>| old_hashes.get(&f.path) != h.get(&f.path);
                let pages: Vec<usize> =
                    (0..p.book.pages.len()).filter(|&i| old.pages[i].markdown != p.book.pages[i].markdown).collect();
                progress("write changed pages and files");
                let files: Vec<&OutFile> = p.extra.iter().filter(|f| changed(f, &hashes)).collect();
                let written = (|| {
                    if !pages.is_empty() {
                        site::update_pages(&self.root, &p.config, &p.book, &pages, &self.opts.out)?;
                    }
                    self.replace(&files)?;
                    pages_ready();
                    let search = p.search(progress)?;
                    hashes.extend(search.iter().map(|f| (f.path.clone(), hash(&f.bytes))));
                    progress("write changed search files");
                    // The index's files name its segments: they change together, as one folder.
                    let index_dir = format!("{SEARCH_INDEX_DIR}/");
                    let (index, data): (Vec<&OutFile>, Vec<&OutFile>) =
                        search.iter().partition(|f| f.path.starts_with(&index_dir));
                    let changed_search: Vec<&OutFile> = data.into_iter().filter(|f| changed(f, &hashes)).collect();
                    self.replace(&changed_search)?;
                    let dir = self.opts.out.join(SEARCH_INDEX_DIR);
                    let fresh = dir.with_file_name(format!("tantivy.new-{}", std::process::id()));
                    let _ = std::fs::remove_dir_all(&fresh);
                    let index: Vec<OutFile> = index
                        .into_iter()
                        .map(|f| OutFile { path: f.path[index_dir.len()..].to_string(), bytes: f.bytes.clone() })
                        .collect();
                    site::write_files(&index, &fresh, &dir)?;
                    site::replace_dir(&fresh, &dir)?;
                    Ok(Rebuilt::Pages { pages: pages.len(), files: files.len() + changed_search.len() })
                })();
                Some(written)
            }
            _ => None,
        };
        let result = match incremental {
            Some(r) => r,
            None => {
                write_site(&self.root, &self.opts, &p, || p.search(progress), progress).map(|(warnings, search)| {
                    report.diagnostics.extend(warnings);
                    hashes.extend(search.iter().map(|f| (f.path.clone(), hash(&f.bytes))));
                    Rebuilt::Full
                })
            }
        };
        match result {
            Ok(r) if report.ok() => {
                self.last = Some((p.book, hashes));
                (report, r)
            }
            Ok(_) => (report, Rebuilt::Nothing),
            Err(d) => {
                // The site may be partly updated: the next rebuild is a full one.
                self.last = None;
                report.diagnostics.push(d);
                (report, Rebuilt::Nothing)
            }
        }
    }

    /// Replaces files of the live site, each atomically.
    fn replace(&self, files: &[&OutFile]) -> Result<()> {
        for f in files {
            site::replace_file(&self.opts.out.join(&f.path), &f.bytes)?;
        }
        Ok(())
    }
}

/// A content hash, to tell changed files apart without keeping their bytes.
fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}
