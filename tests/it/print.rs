//! Printed editions: real PDFs, checked with poppler's pdftotext and pdffonts.

use crate::common::{build, fixture, read_docx, repo, require, shipped};
use crate::fidelity::{pieces, source_lines};
use handbook::pipeline;
use handbook::print::FontOptions;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn tools_and_fonts() -> bool {
    let poppler = Command::new("pdftotext").arg("-v").output().is_ok();
    let fonts = handbook::print::Printer::new(&FontOptions::default()).is_ok();
    require(poppler, "poppler-utils (pdftotext, pdffonts)")
        && require(fonts, "a font for Chinese text (Debian fonts-noto-cjk)")
}

struct Pdfs {
    trainer: PathBuf,
    trainee: PathBuf,
    _dir: tempfile::TempDir,
}

fn pdfs() -> &'static Pdfs {
    static P: OnceLock<Pdfs> = OnceLock::new();
    P.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for ed in ["trainer", "trainee"] {
            let report = pipeline::print(&repo(), Some(ed), &FontOptions::default());
            assert!(report.ok(), "{:?}", report.diagnostics);
            let bytes = report.value.expect("a PDF").pdf;
            let p = dir.path().join(format!("{ed}.pdf"));
            std::fs::write(&p, bytes).unwrap();
            paths.push(p);
        }
        Pdfs { trainer: paths[0].clone(), trainee: paths[1].clone(), _dir: dir }
    })
}

fn text(pdf: &Path, layout: bool) -> String {
    let mut c = Command::new("pdftotext");
    if layout {
        c.arg("-layout");
    }
    let out = c.arg(pdf).arg("-").output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The pages' body text: the running header (right-aligned, so indented in
/// `-layout` output) and the page number are dropped.
fn body_pages(pdf: &Path) -> Vec<String> {
    text(pdf, true)
        .split('\u{c}')
        .map(|page| {
            let mut lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).collect();
            if lines.first().is_some_and(|l| l.len() - l.trim_start().len() >= 30) {
                lines.remove(0);
            }
            if lines.last().is_some_and(|l| l.trim().chars().all(|c| c.is_ascii_digit())) {
                lines.pop();
            }
            lines.join("\n")
        })
        .collect()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_trainer_edition_carries_every_piece_of_the_source() {
    let seed = repo().join("../shared/seed/000_c11b6c6c4891f629.txt");
    if !require(seed.exists(), "the source text") || !tools_and_fonts() {
        return;
    }
    assert_every_piece(&seed, &squash(&body_pages(&pdfs().trainer).concat()), "the PDF");
}

/// Every piece of the source (split as the fidelity test does) stands in
/// `all` (squashed), in order.
fn assert_every_piece(seed: &Path, all: &str, what: &str) {
    let ps = pieces(&source_lines(&std::fs::read_to_string(seed).unwrap()));
    let (mut at, mut missing) = (0, Vec::new());
    for p in &ps {
        match all[at..].find(&squash(p)) {
            Some(i) => at += i + squash(p).len(),
            None => missing.push(p.clone()),
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} pieces missing or out of order in {what}:\n{}",
        missing.len(),
        ps.len(),
        missing.join("\n")
    );
}

#[test]
fn only_the_trainer_edition_has_the_answers() {
    if !tools_and_fonts() {
        return;
    }
    let bank = pipeline::check(&repo()).valid.unwrap().bank;
    let (trainer, trainee) = (squash(&text(&pdfs().trainer, false)), squash(&text(&pdfs().trainee, false)));
    assert!(trainer.contains("附录：答案与解析"));
    for q in &bank.authored {
        let key = squash(&format!("答案：{}", q.answer_text()));
        assert!(trainer.contains(&key), "trainer edition lacks {key}");
        assert!(!trainee.contains(&key), "trainee edition shows {key}");
        if let Some(e) = &q.explanation {
            assert!(trainer.contains(&squash(e)), "trainer edition lacks the explanation of {}", q.id);
        }
    }
    // Both print the questions.
    for q in &bank.authored {
        assert!(trainee.contains(&squash(&q.prompt)), "trainee edition lacks question {}", q.id);
    }
}

#[test]
fn a_cjk_font_is_embedded() {
    if !tools_and_fonts() {
        return;
    }
    let out = Command::new("pdffonts").arg(&pdfs().trainer).output().unwrap();
    let list = String::from_utf8_lossy(&out.stdout);
    let fonts = pdffonts(&list);
    assert!(fonts.iter().any(|f| f.name.contains("CJK") && f.embedded && f.subset), "{list}");
    assert!(fonts.iter().all(|f| f.embedded), "every font is embedded: {list}");
    // The reader's own control: the columns are told apart.
    let made_up = "name type encoding emb sub uni object ID\n---- ---- ---- --- --- --- ---------\nX+NotoSerifCJKsc CID Type 0C Identity-H no yes yes 7 0\n";
    assert_eq!(pdffonts(made_up).iter().map(|f| (f.embedded, f.subset)).collect::<Vec<_>>(), [(false, true)]);
}

struct PdfFont {
    name: String,
    embedded: bool,
    subset: bool,
}

/// `pdffonts`' table: the `emb` and `sub` columns, counted from the right
/// (the type column holds spaces): `… emb sub uni object ID`.
fn pdffonts(list: &str) -> Vec<PdfFont> {
    list.lines()
        .skip(2)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let n = cols.len();
            (n >= 6).then(|| PdfFont {
                name: cols[0].to_string(),
                embedded: cols[n - 5] == "yes",
                subset: cols[n - 4] == "yes",
            })
        })
        .collect()
}

#[test]
fn the_contents_page_numbers_match_where_chapters_start() {
    if !tools_and_fonts() {
        return;
    }
    let pages: Vec<String> = text(&pdfs().trainer, false).split('\u{c}').map(str::to_string).collect();
    let hb = pipeline::check(&repo()).valid.unwrap().handbook;
    let mut checked = 0;
    for ch in hb.ordered() {
        let head = ch.head();
        let heading = head.heading.as_ref().unwrap_or(&head.title).value.clone();
        // The contents line: "heading . . . . N" (pdftotext puts a word joiner before N).
        let line = pages[1..4]
            .iter()
            .flat_map(|p| p.lines())
            .find(|l| l.starts_with(&format!("{heading} ")))
            .unwrap_or_else(|| panic!("no contents line for {heading}"));
        let n: usize = line.rsplit(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap();
        let page = &pages[n - 1];
        let first_lines: Vec<&str> = page.lines().filter(|l| !l.trim().is_empty()).take(3).collect();
        assert!(first_lines.iter().any(|l| l.trim() == heading), "page {n} does not start {heading}: {first_lines:?}");
        checked += 1;
    }
    assert_eq!(checked, 6);
}

#[test]
fn no_line_starts_with_closing_punctuation() {
    if !tools_and_fonts() {
        return;
    }
    for pdf in [&pdfs().trainer, &pdfs().trainee] {
        for line in text(pdf, true).lines() {
            let t = line.trim_start();
            assert!(
                !t.starts_with(['，', '。', '、', '；', '：', '？', '！', '）', '」', '』', '”']),
                "line starts with closing punctuation: {t}"
            );
        }
    }
}

#[test]
fn a_missing_font_is_a_clear_error_and_no_pdf() {
    let empty = tempfile::tempdir().unwrap();
    let opts = FontOptions { paths: vec![empty.path().to_path_buf()], no_system: true };
    let report = pipeline::print(&repo(), Some("trainer"), &opts);
    assert!(report.value.is_none(), "no PDF without a Chinese font");
    let d = &report.diagnostics[0];
    assert!(d.message.contains("no font for Chinese text was found"), "{d:?}");
    assert!(d.message.contains(&empty.path().display().to_string()), "says what was searched: {d:?}");
    assert!(d.hints.iter().any(|h| h.contains("fonts-noto-cjk")), "{d:?}");
}

#[test]
fn the_site_offers_the_pdfs_or_says_why_not() {
    if !tools_and_fonts() {
        return;
    }
    let out = &shipped().out;
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("下载："), "the first page links the editions");
    for ed in ["trainer", "trainee"] {
        let p = out.join(format!("pdf/{ed}.pdf"));
        assert!(std::fs::read(&p).unwrap().starts_with(b"%PDF"), "{}", p.display());
        assert!(index.contains(&format!("href=\"pdf/{ed}.pdf\"")));
    }
    // The book editions as Word documents (not the card).
    for ed in ["trainer", "trainee"] {
        assert!(std::fs::read(out.join(format!("pdf/{ed}.docx"))).unwrap().starts_with(b"PK"), "{ed}.docx");
        assert!(index.contains(&format!("href=\"pdf/{ed}.docx\"")), "{ed}.docx is linked");
    }
    assert!(!out.join("pdf/card.docx").exists());
    // The exam papers too, each form; never the key (the site is the trainees' too).
    for form in ["final-A", "final-B"] {
        assert!(std::fs::read(out.join(format!("pdf/{form}.pdf"))).unwrap().starts_with(b"%PDF"));
        assert!(index.contains(&format!("href=\"pdf/{form}.pdf\"")), "{form} is linked");
    }
    assert!(!out.join("pdf/final-key.pdf").exists() && !index.contains("final-key"), "no key in the site");
    // Only the first page links them, once per edition.
    let first = std::fs::read_to_string(out.join(format!("{}.html", shipped().chapters[0]))).unwrap();
    assert_eq!(first.matches("href=\"pdf/trainer.pdf\"").count(), 1);
    for ch in &shipped().chapters[1..] {
        let page = std::fs::read_to_string(out.join(format!("{ch}.html"))).unwrap();
        assert!(!page.contains("下载：") && !page.contains("pdf/trainer.pdf"), "{ch}.html links the PDFs");
    }

    // Without a font: one warning, a site, no link.
    let dir = fixture(None);
    let settings = dir.path().join("content/handbook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}print:\n  editions:\n    - name: all\n      title: 全书\n")).unwrap();
    std::fs::create_dir_all(dir.path().join("theme/print")).unwrap();
    let opts = pipeline::BuildOptions {
        out: dir.path().join("book"),
        fonts: FontOptions { paths: vec![], no_system: true },
        ..Default::default()
    };
    let report = pipeline::build(dir.path(), &opts);
    assert!(report.ok(), "{:?}", report.diagnostics);
    let warnings: Vec<_> = report.diagnostics.iter().filter(|d| !d.is_error()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.starts_with("PDFs not built: no font for Chinese text"), "{:?}", warnings[0]);
    let index = std::fs::read_to_string(dir.path().join("book/index.html")).unwrap();
    assert!(!index.contains(".pdf\""), "no PDF link");
    // The Word edition needs no font: it is there, and linked.
    assert!(index.contains("href=\"pdf/all.docx\""), "the Word edition is linked");
    let pdfs: Vec<_> =
        std::fs::read_dir(dir.path().join("book/pdf")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(pdfs, ["all.docx"], "only the Word edition");
    let _ = build;
}

#[test]
fn every_typst_error_and_warning_is_reported_in_the_template() {
    if !tools_and_fonts() {
        return;
    }
    let valid = pipeline::check(&repo()).valid.unwrap();
    let template = std::fs::read_to_string(repo().join("theme/print/handbook.typ")).unwrap();
    let data = handbook::print::edition_data(&valid.handbook, &valid.bank, &valid.handbook.settings.print.editions[0]);
    let printer = handbook::print::Printer::new(&FontOptions::default()).unwrap();
    // The shipped layout asks only for installed fonts: no warning.
    assert!(printer.pdf("theme/print/handbook.typ", &template, &data).unwrap().warnings.is_empty());
    // A warning (a font nobody has) comes back beside the PDF, located.
    let warned = printer
        .pdf("theme/print/handbook.typ", &format!("{template}\n#text(font: \"no-such-family\")[x]\n"), &data)
        .unwrap();
    let lines = template.lines().count() as u32;
    let w = &warned.warnings[0];
    assert!(w.message.contains("no-such-family"), "{w:?}");
    assert_eq!(w.pos().map(|p| p.line), Some(lines + 2), "{w:?}");
    // Two syntax errors: both, each at its line.
    let errors = match printer.pdf(
        "theme/print/handbook.typ",
        &format!("{template}\n#let a = (1 +)\n#let b = (2 +)\n"),
        &data,
    ) {
        Err(e) => e,
        Ok(_) => panic!("a broken template typesets nothing"),
    };
    let at: Vec<u32> = errors.iter().filter(|d| d.is_error()).filter_map(|d| d.pos().map(|p| p.line)).collect();
    assert_eq!(at, [lines + 2, lines + 3], "{errors:?}");
}

#[test]
fn the_cover_the_running_header_and_the_page_numbers() {
    if !tools_and_fonts() {
        return;
    }
    let hb = pipeline::check(&repo()).valid.unwrap().handbook;
    let ed = hb.settings.print.editions.iter().find(|e| e.name.value == "trainer").unwrap();
    let pages: Vec<String> = text(&pdfs().trainer, true).split('\u{c}').map(str::to_string).collect();
    let lines = |p: &str| p.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect::<Vec<_>>();
    // The cover: title, subtitle, organisation; no page number.
    let cover: Vec<String> = lines(&pages[0]).iter().map(|l| l.trim().to_string()).collect();
    assert_eq!(cover[0], ed.title.value);
    assert_eq!(cover[1], ed.subtitle.as_ref().unwrap().value);
    assert!(cover.contains(&ed.organisation.as_ref().unwrap().value), "{cover:?}");
    assert!(!cover.iter().any(|l| l.parse::<u32>().is_ok()), "no number on the cover: {cover:?}");
    // Every later page: its number at the foot; after the contents, a page where no
    // chapter starts carries the current chapter's heading at the top (right-aligned).
    let headings: Vec<String> =
        hb.ordered().iter().map(|c| c.head().heading.as_ref().unwrap_or(&c.head().title).value.clone()).collect();
    let parts: Vec<String> = hb.settings.parts.iter().map(|p| p.title.value.clone()).collect();
    let mut current: Option<String> = None;
    let (mut headers, mut starts) = (0, 0);
    for (i, page) in pages.iter().enumerate().skip(1).filter(|(_, p)| !p.trim().is_empty()) {
        let ls = lines(page);
        assert_eq!(ls.last().unwrap().trim(), (i + 1).to_string(), "page {}: its number at the foot", i + 1);
        if ls.iter().any(|l| squash(l) == "目录") {
            continue; // the contents
        }
        let top = &ls[0];
        if top.starts_with(' ') {
            headers += 1;
            assert_eq!(Some(top.trim().to_string()), current, "page {}: the running header", i + 1);
        } else {
            // A level-1 heading starts here (no header above it): a chapter,
            // under its part's title, or another (the answer key).
            let (t0, t1) = (ls[0].trim().to_string(), ls.get(1).map(|l| l.trim().to_string()).unwrap_or_default());
            if headings.contains(&t0) {
                starts += 1;
                current = Some(t0);
            } else if headings.contains(&t1) && parts.contains(&t0) {
                starts += 1;
                current = Some(t1);
            } else {
                current = Some(t0);
            }
        }
    }
    assert_eq!(starts, headings.len(), "every chapter's start page was seen");
    assert!(headers >= 10, "{headers} pages with a running header");
}

#[test]
fn content_is_never_read_as_typst_markup() {
    if !tools_and_fonts() {
        return;
    }
    let dir = fixture(None);
    // Typst markup, code and math in the content: it must come out as these characters.
    let hostile = "#set page(fill: red) *粗* _斜_ $x^2$ @ref <lab> = 标题 `code` \\\\ #pagebreak()";
    let file = dir.path().join("content/basics.yaml");
    let text_before = std::fs::read_to_string(&file).unwrap();
    // A double-quoted YAML string (backslash and quote escaped for YAML).
    let quoted = format!("\"大事小事认真办。{}\"", hostile.replace('\\', "\\\\").replace('"', "\\\""));
    std::fs::write(&file, text_before.replace("大事小事认真办。", &quoted)).unwrap();
    let settings = dir.path().join("content/handbook.yaml");
    let s = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        format!("{s}print:\n  editions:\n    - name: all\n      title: \"{}\"\n", hostile.replace('\\', "\\\\")),
    )
    .unwrap();
    let report = pipeline::print(dir.path(), Some("all"), &FontOptions::default());
    assert!(report.ok(), "{:?}", report.diagnostics);
    let pdf = dir.path().join("all.pdf");
    std::fs::write(&pdf, report.value.unwrap().pdf).unwrap();
    let t = squash(&text(&pdf, false));
    let want = squash(hostile);
    assert!(t.matches(&want).count() >= 2, "the title and the text carry the markup as text:\n{t}");
}

/// The smallest font size on a PDF's pages: poppler's word boxes are as
/// tall as their font size (the edition's 10.5 pt body reads 10.50).
fn smallest_text(pdf: &Path) -> f64 {
    let out = Command::new("pdftotext").arg("-bbox").arg(pdf).arg("-").output().unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let attr = |w: &str, name: &str| -> f64 {
        let at = w.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        w[at..at + w[at..].find('"').unwrap()].parse().unwrap()
    };
    html.split("<word ").skip(1).map(|w| attr(w, "yMax") - attr(w, "yMin")).fold(f64::INFINITY, f64::min)
}

#[test]
fn the_summary_card_holds_every_list_on_the_pages_it_promises() {
    if !tools_and_fonts() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "theme"] {
        crate::common::copy_dir(&repo().join(part), &dir.path().join(part));
    }
    std::fs::copy(repo().join("book.toml"), dir.path().join("book.toml")).unwrap();
    let settings = dir.path().join("content/handbook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    // The shipped card on A4, and the same card on A5.
    let card = "      layout: card\n      quizzes: none\n";
    assert!(text.contains(card), "the shipped card edition");
    let a5 = format!("{card}    - name: card-a5\n      title: 要点卡\n      paper: a5\n{card}");
    std::fs::write(&settings, text.replacen(card, &a5, 1)).unwrap();
    let v = pipeline::check(dir.path()).valid.expect("valid with the A5 card");
    let card = v.handbook.settings.print.editions.iter().find(|e| e.name.as_str() == "card").unwrap();
    let data = handbook::print::edition_data(&v.handbook, &v.bank, card);
    // Every list of the content: frameworks with items and sub-items,
    // entries with points or measures (and poles), maxims.
    let mut wanted: Vec<String> = Vec::new();
    for ch in &data.chapters {
        wanted.push(ch.title.clone());
        for f in &ch.frameworks {
            wanted.push(f.name.clone());
            for i in &f.items {
                wanted.push(i.text.clone());
                wanted.extend(i.subitems.iter().cloned());
            }
        }
        for e in &ch.entries {
            wanted.push(e.title.clone());
            wanted.extend(e.poles.iter().cloned());
            wanted.extend(e.points.iter().map(|p| p.title.clone()));
            wanted.extend(e.measures.iter().map(|m| m.title.clone()));
        }
        wanted.extend(ch.maxims.iter().map(|m| m.text.clone()));
    }
    assert!(wanted.len() > 100, "the shipped lists: {}", wanted.len());
    for (edition, pages_at_most, smallest) in [("card", 2, 9.0), ("card-a5", 4, 8.0)] {
        let report = pipeline::print(dir.path(), Some(edition), &FontOptions::default());
        assert!(report.ok(), "{:?}", report.diagnostics);
        let pdf = dir.path().join(format!("{edition}.pdf"));
        std::fs::write(&pdf, report.value.unwrap().pdf).unwrap();
        let squashed: String = text_of(&pdf).chars().filter(|c| !c.is_whitespace()).collect();
        for w in &wanted {
            let w: String = w.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(squashed.contains(&w), "{edition}: {w:?} is not on the card");
        }
        let pages = text_of(&pdf).matches('\u{c}').count();
        assert!((1..=pages_at_most).contains(&pages), "{edition}: {pages} pages (promised: at most {pages_at_most})");
        let small = smallest_text(&pdf);
        assert!(small >= smallest - 0.01, "{edition}: text as small as {small} pt (at least {smallest})");
        println!("{edition}: {pages} page(s), {} lists' texts, smallest text {small} pt", wanted.len());
    }
}

/// The text in the order Typst wrote it (column after column).
fn text_of(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg("-raw").arg(pdf).arg("-").output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_trainer_edition_as_word_carries_the_source_with_real_headings() {
    let seed = repo().join("../shared/seed/000_c11b6c6c4891f629.txt");
    if !require(seed.exists(), "the source text") {
        return;
    }
    let report = pipeline::print_docx(&repo(), Some("trainer"));
    assert!(report.ok(), "{:?}", report.diagnostics);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trainer.docx");
    std::fs::write(&path, report.value.unwrap().pdf).unwrap();
    let Some(doc) = read_docx(&path) else { return };
    let paragraphs = doc["paragraphs"].as_array().unwrap();
    // Every piece of the source, in order, from the paragraphs' text.
    let all = squash(&paragraphs.iter().map(|p| p["text"].as_str().unwrap()).collect::<Vec<_>>().join("\n"));
    assert_every_piece(&seed, &all, "the Word edition's paragraphs");
    // Chapters are Word's built-in Heading 1 with outline level 0; sections Heading 2 and 3.
    let v = pipeline::check(&repo()).valid.unwrap();
    let titles: Vec<String> = v
        .handbook
        .ordered()
        .iter()
        .map(|c| {
            let h = c.head();
            h.heading.as_ref().map_or(h.title.value.clone(), |t| t.value.clone())
        })
        .collect();
    let h1: Vec<&str> =
        paragraphs.iter().filter(|p| p["style"] == "Heading 1").map(|p| p["text"].as_str().unwrap()).collect();
    assert_eq!(h1, titles, "one Heading 1 per chapter, in order");
    for (style, level) in [("Heading 1", 0), ("Heading 2", 1), ("Heading 3", 2)] {
        let ps: Vec<&serde_json::Value> = paragraphs.iter().filter(|p| p["style"] == style).collect();
        assert!(!ps.is_empty(), "{style} is used");
        assert!(
            ps.iter().all(|p| p["builtin"] == true && p["outline"] == level),
            "{style}: built-in, outline level {level}"
        );
    }
    assert_eq!(doc["toc"], true, "a TOC field");
    assert_eq!(doc["footer_page_field"], true, "page numbers in the footer");
    assert_eq!(doc["east_asia"]["Heading 1"], "黑体");
    assert_eq!(doc["east_asia"]["(defaults)"], "宋体", "the body's East Asian font");
    // Their fallbacks: the font table gives each its Latin name and the Chinese charset.
    for (name, alt) in [("宋体", "SimSun"), ("黑体", "SimHei")] {
        let font = doc["font_table"].as_array().unwrap().iter().find(|f| f["name"] == name);
        let font = font.unwrap_or_else(|| panic!("{name} is in the font table: {}", doc["font_table"]));
        assert_eq!((font["alt"].as_str(), font["charset"].as_str()), (Some(alt), Some("86")), "{name}");
    }
    // No stray spaces in Chinese: no space between two Han characters in any paragraph.
    for p in paragraphs {
        let t: Vec<char> = p["text"].as_str().unwrap().chars().collect();
        for w in t.windows(3) {
            assert!(
                !(w[1] == ' ' && handbook::model::is_cjk(w[0]) && handbook::model::is_cjk(w[2])),
                "a space between Chinese characters in {:?}",
                p["text"]
            );
        }
    }
}

#[test]
fn libreoffice_renders_the_word_edition_with_its_contents_and_all_its_text() {
    let seed = repo().join("../shared/seed/000_c11b6c6c4891f629.txt");
    let soffice = Command::new("soffice").arg("--version").output().is_ok_and(|o| o.status.success());
    if !require(soffice, "LibreOffice (Debian libreoffice-writer-nogui)") || !tools_and_fonts() || !seed.exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("trainer.docx");
    std::fs::write(&docx, pipeline::print_docx(&repo(), Some("trainer")).value.unwrap().pdf).unwrap();
    let profile = dir.path().join("profile");
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .unwrap();
    let pdf = dir.path().join("trainer.pdf");
    assert!(pdf.exists(), "LibreOffice converted it: {}", String::from_utf8_lossy(&out.stderr));
    let pages = body_pages(&pdf);
    // The contents, before the first chapter: every chapter's title, in order.
    let v = pipeline::check(&repo()).valid.unwrap();
    let titles: Vec<String> = v
        .handbook
        .ordered()
        .iter()
        .map(|c| c.head().heading.as_ref().map_or(c.head().title.value.clone(), |t| t.value.clone()))
        .collect();
    let all = squash(&pages.concat());
    let body_starts =
        all.find(&squash(&v.handbook.ordered()[0].head().intro[0].value)).expect("the first chapter's text");
    let contents = &all[..body_starts];
    let mut at = 0;
    for t in &titles {
        let i = contents[at..].find(&squash(t)).unwrap_or_else(|| panic!("{t} is not in the contents"));
        at += i + squash(t).len();
    }
    // And every piece of the source, in order.
    assert_every_piece(&seed, &all, "LibreOffice's rendering");
}
