//! The Typst world of a print: two virtual files (the template and its data),
//! the fonts found on the system (and in `--font-path`), no packages, no network.

use super::{FontOptions, Typeset};
use crate::diagnostic::Diagnostic;
use crate::model::Pos;
use std::path::PathBuf;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;

/// The fonts a print can use; at least one covers Chinese.
pub struct Fonts {
    store: FontStore,
}

impl Fonts {
    /// Every family's name, lowercase, as Typst matches them.
    pub fn families(&self) -> Vec<String> {
        self.store.book().families().map(|(name, _)| name.to_lowercase()).collect()
    }
}

/// Finds fonts, and fails with a clear message when none covers Chinese text.
pub fn find_fonts(opts: &FontOptions) -> crate::diagnostic::Result<Fonts> {
    let mut store = FontStore::new();
    if !opts.no_system {
        store.extend(typst_kit::fonts::system());
    }
    for p in &opts.paths {
        store.extend(typst_kit::fonts::scan(p));
    }
    let book = store.book();
    let covers_chinese = book.families().any(|(_, mut ids)| {
        ids.any(|i| book.info(i).is_some_and(|f| f.coverage.contains('中' as u32) && f.coverage.contains('办' as u32)))
    });
    if !covers_chinese {
        let mut searched: Vec<String> = Vec::new();
        if !opts.no_system {
            searched.push(
                "the system's font folders (/usr/share/fonts, /usr/local/share/fonts, ~/.local/share/fonts, ~/.fonts)"
                    .into(),
            );
        }
        searched.extend(opts.paths.iter().map(|p| p.display().to_string()));
        let searched = if searched.is_empty() { "no folder".to_string() } else { searched.join(", ") };
        return Err(Diagnostic::error(format!("no font for Chinese text was found (searched {searched})"))
            .with_hint("install one (Debian/Ubuntu: `apt-get install fonts-noto-cjk`)")
            .with_hint("or pass --font-path DIR with .otf/.ttf/.ttc files; no PDF was written"));
    }
    Ok(Fonts { store })
}

struct PrintWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a Fonts,
    main: Source,
    /// The template's path in the handbook, for diagnostics.
    path: &'a str,
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

/// Compiles `template` (the theme's file at `path`, for diagnostics) over `data`.
pub fn compile_pdf(path: &str, template: &str, data: Vec<u8>, fonts: &Fonts) -> Result<Typeset, Vec<Diagnostic>> {
    let main = Source::new(file_id("/handbook.typ"), template.to_string());
    let world = PrintWorld {
        library: LazyHash::new(Library::default()),
        fonts,
        main,
        path,
        data: Bytes::new(data),
        data_id: file_id("/data.json"),
    };
    let compiled = typst::compile::<typst_layout::PagedDocument>(&world);
    let mut warnings: Vec<Diagnostic> = compiled.warnings.iter().map(|w| diag(&world, w)).collect();
    let fail = |warnings: &mut Vec<Diagnostic>, errs: &[SourceDiagnostic]| {
        let mut all: Vec<Diagnostic> = errs.iter().map(|e| diag(&world, e)).collect();
        all.append(warnings);
        all
    };
    let doc = compiled.output.map_err(|errs| fail(&mut warnings, &errs))?;
    let pdf = typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|errs| fail(&mut warnings, &errs));
    drop(doc);
    // Typst memoizes across compilations, for a watcher's next run; one
    // process here typesets several documents once each, and would keep every
    // one's layout in those caches until it ends.
    typst::comemo::evict(0);
    Ok(Typeset { pdf: pdf?, warnings })
}

/// A Typst error or warning as a diagnostic: located in the print template
/// when its span is there, with every hint, and the call trace as labels.
fn diag(world: &PrintWorld<'_>, e: &SourceDiagnostic) -> Diagnostic {
    let in_main = |span: typst::syntax::DiagSpan| {
        span.id().filter(|id| *id == world.main.id()).and_then(|_| world.range(span)).map(|r| {
            let pos = Pos::at_offset(world.main.text(), r.start);
            (pos, r)
        })
    };
    let message = format!("print template: {}", e.message);
    let mut d = match in_main(e.span) {
        Some((pos, r)) => Diagnostic::at(world.path, pos, message).with_span(r),
        None => Diagnostic::in_file(world.path, message),
    };
    if e.severity == typst::diag::Severity::Warning {
        d = d.as_warning();
    }
    for t in &e.trace {
        if let Some((pos, _)) = in_main(t.span.into()) {
            d = d.with_label(world.path, pos, t.v.to_string());
        }
    }
    for h in &e.hints {
        d = d.with_hint(h.v.to_string());
    }
    if d.hints.is_empty() && d.is_error() {
        d = d.with_hint("fix the print template (Typst)");
    }
    d
}
