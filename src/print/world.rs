//! The Typst world of a print: two virtual files (the template and its data),
//! the fonts found on the system (and in `--font-path`), no packages, no network.

use crate::diagnostic::Diagnostic;
use std::path::PathBuf;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;

pub use crate::pipeline::FontOptions;

/// The fonts a print can use; at least one covers Chinese.
pub struct Fonts {
    store: FontStore,
    /// Families covering Chinese, for messages.
    pub cjk_families: Vec<String>,
}

/// Finds fonts, and fails with a clear message when none covers Chinese text.
pub fn find_fonts(opts: &FontOptions) -> Result<Fonts, Diagnostic> {
    let mut store = FontStore::new();
    if !opts.no_system {
        store.extend(typst_kit::fonts::system());
    }
    for p in &opts.paths {
        store.extend(typst_kit::fonts::scan(p));
    }
    let book = store.book();
    let mut cjk: Vec<String> = book
        .families()
        .filter_map(|(name, ids)| {
            let mut ids = ids;
            ids.any(|i| {
                book.info(i).is_some_and(|f| f.coverage.contains('中' as u32) && f.coverage.contains('办' as u32))
            })
            .then(|| name.to_string())
        })
        .collect();
    cjk.dedup();
    if cjk.is_empty() {
        let mut searched: Vec<String> = Vec::new();
        if !opts.no_system {
            searched.push(
                "the system's font folders (/usr/share/fonts, /usr/local/share/fonts, ~/.local/share/fonts, ~/.fonts)"
                    .into(),
            );
        }
        searched.extend(opts.paths.iter().map(|p| p.display().to_string()));
        let searched = if searched.is_empty() { "no folder".to_string() } else { searched.join(", ") };
        return Err(Diagnostic::error(super::TEMPLATE, 0, 0, format!("no font for Chinese text was found (searched {searched})"))
            .with_hint("install one (Debian/Ubuntu: `apt-get install fonts-noto-cjk`) or pass --font-path DIR with .otf/.ttf/.ttc files; no PDF was written"));
    }
    Ok(Fonts { store, cjk_families: cjk })
}

impl Fonts {
    pub fn find(opts: &FontOptions) -> Result<Fonts, Diagnostic> {
        find_fonts(opts)
    }
}

struct PrintWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a Fonts,
    main: Source,
    data: Bytes,
    data_id: FileId,
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a valid virtual path")).intern()
}

impl World for PrintWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(PathBuf::from(format!("{id:?}"))))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_string()))
        } else {
            Err(FileError::NotFound(PathBuf::from(format!("{id:?}"))))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }

    fn today(&self, _: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Reproducible output: the edition's date comes from the settings, not the clock.
        Datetime::from_ymd(2000, 1, 1)
    }
}

pub fn compile_pdf(template: &str, data: Vec<u8>, fonts: &Fonts) -> Result<Vec<u8>, Diagnostic> {
    let main = Source::new(file_id("/handbook.typ"), template.to_string());
    let world = PrintWorld {
        library: LazyHash::new(Library::default()),
        fonts,
        main,
        data: Bytes::new(data),
        data_id: file_id("/data.json"),
    };
    let doc = typst::compile::<typst_layout::PagedDocument>(&world).output.map_err(|errs| diag(&world, &errs))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|errs| diag(&world, &errs))
}

/// The first Typst error as a diagnostic pointing into the print template.
fn diag(world: &PrintWorld<'_>, errs: &[SourceDiagnostic]) -> Diagnostic {
    let Some(e) = errs.first() else {
        return Diagnostic::error(super::TEMPLATE, 0, 0, "typesetting failed");
    };
    let (line, column) = e
        .span
        .id()
        .filter(|id| *id == world.main.id())
        .and_then(|_| world.range(e.span))
        .map(|r| {
            let text = world.main.text();
            let before = &text[..r.start.min(text.len())];
            let line = before.matches('\n').count() as u32 + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            (line, column)
        })
        .unwrap_or((0, 0));
    let hint = e.hints.first().map(|h| h.v.to_string()).unwrap_or_else(|| "fix the print template (Typst)".into());
    Diagnostic::error(super::TEMPLATE, line, column, format!("print template error: {}", e.message)).with_hint(hint)
}
