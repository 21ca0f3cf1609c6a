//! A printed edition as a Word document (`.docx`), for trainers who adapt it
//! in Word or WPS. Pure: the edition's data in, the file's bytes out.
//!
//! Word's built-in heading styles (`heading 1`–`3`, with outline levels) carry
//! the structure, so the navigation pane and the table of contents work; the
//! contents is a TOC field over them (filled in here, and updated by Word);
//! the footer holds the page number; East Asian text is set in 宋体 (body) and
//! 黑体 (headings). Content is text: docx-rs writes it as XML text, and the
//! characters XML 1.0 cannot carry are left out. Like the book layout, the
//! document prints the chapters' text; the quizzes stay in the PDF.
//!
//! Exam papers ([`exam_docx`]) print the lines [`crate::quiz::exam::data`]
//! made from the theme's words, as the PDF does: a form holds its questions
//! and options in its order and no answers; the key is a file of its own.

use super::EditionData;
use crate::diagnostic::Diagnostic;
use crate::quiz::exam::{ExamData, Question};
use crate::render::view::{ChapterView, EntryView};
use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, InstrText, InstrToC, PageNum, Paragraph, Run, RunFonts, Style,
    StyleType, Tab, TabValueType,
};

const BODY_FONT: &str = "宋体";
const HEADING_FONT: &str = "黑体";
/// Latin text beside the Chinese.
const LATIN_FONT: &str = "Times New Roman";

/// Text as XML 1.0 can carry it (no C0 controls but tab and line breaks).
fn text(s: &str) -> String {
    s.chars().filter(|&c| c >= ' ' || matches!(c, '\t' | '\n' | '\r')).collect::<String>().replace(['\n', '\r'], " ")
}

/// A body paragraph. Its style is named: docx-rs's Normal is not marked the
/// default, and a reader would find no style for an unstyled paragraph.
fn para(s: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text(s))).style("Normal")
}

fn heading(level: usize, s: &str) -> Paragraph {
    para(s).style(&format!("Heading{level}"))
}

/// A lead in bold, running on into the first paragraph of its text.
fn lead_par(lead: Option<&str>, texts: &[String]) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = texts.iter().map(|t| para(t)).collect();
    if let Some(l) = lead {
        let bold = Run::new().add_text(text(l)).bold();
        match texts.first() {
            Some(t) => out[0] = Paragraph::new().style("Normal").add_run(bold).add_run(Run::new().add_text(text(t))),
            None => out.push(Paragraph::new().style("Normal").add_run(bold)),
        }
    }
    out
}

fn entry_body(e: &EntryView) -> Vec<Paragraph> {
    let mut out = lead_par(e.lead.as_deref(), &e.text);
    for p in &e.points {
        out.extend(lead_par(p.lead.as_deref(), &p.text));
    }
    out
}

fn chapter(ch: &ChapterView) -> Vec<Paragraph> {
    let mut out = Vec::new();
    if let Some(part) = &ch.part {
        out.push(para(part).page_break_before(true));
    }
    let title = heading(1, ch.heading.as_deref().unwrap_or(&ch.title));
    out.push(if ch.part.is_some() { title } else { title.page_break_before(true) });
    out.extend(ch.intro.iter().map(|p| para(p)));
    for f in &ch.frameworks {
        out.push(heading(3, &f.name));
        if f.nested {
            for it in &f.items {
                let subs = it.subitems.join("、");
                out.push(
                    Paragraph::new()
                        .style("Normal")
                        .add_run(Run::new().add_text(text(&it.text)).bold())
                        .add_run(Run::new().add_text(text(&format!("：{subs}")))),
                );
            }
        } else if !f.items.is_empty() {
            out.push(para(&f.items.iter().map(|i| i.text.as_str()).collect::<Vec<_>>().join("、")));
        }
    }
    for e in &ch.entries {
        out.push(heading(2, e.heading.as_deref().unwrap_or(&e.title)));
        if !e.poles.is_empty() {
            out.push(para(&e.poles.join(" ⇄ ")));
        }
        out.extend(entry_body(e));
        for m in &e.measures {
            out.push(heading(3, &m.title));
            out.extend(entry_body(m));
        }
    }
    for m in &ch.maxims {
        out.push(heading(2, &m.text));
        if let Some(q) = &m.quote {
            out.push(para(q));
        }
    }
    out
}

/// The table of contents: a TOC field over headings 1–2, its result filled
/// in with the chapters' and sections' titles (Word updates the page numbers
/// when it opens the file, which asks to; LibreOffice shows the titles as
/// they are). Each field character in a run of its own, as Word writes them.
fn toc(chapters: &[ChapterView]) -> Vec<Paragraph> {
    let mut entries: Vec<(usize, String)> = Vec::new();
    for ch in chapters {
        entries.push((1, ch.heading.clone().unwrap_or_else(|| ch.title.clone())));
        entries.extend(ch.entries.iter().map(|e| (2, e.heading.clone().unwrap_or_else(|| e.title.clone()))));
    }
    let last = entries.len().saturating_sub(1);
    entries
        .into_iter()
        .enumerate()
        .map(|(i, (level, title))| {
            let mut p = Paragraph::new().style(&format!("TOC{level}"));
            if i == 0 {
                p = p
                    .add_run(Run::new().add_field_char(FieldCharType::Begin, true))
                    .add_run(
                        Run::new()
                            .add_instr_text(InstrText::TOC(InstrToC::new().heading_styles_range(1, 2).hyperlink())),
                    )
                    .add_run(Run::new().add_field_char(FieldCharType::Separate, false));
            }
            p = p.add_run(Run::new().add_text(text(&title)));
            if i == last {
                p = p.add_run(Run::new().add_field_char(FieldCharType::End, false));
            }
            p
        })
        .collect()
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii(LATIN_FONT).hi_ansi(LATIN_FONT)
}

/// A document with the styles every file here uses: 宋体 body, headings
/// 1–3 in 黑体 with outline levels, the contents' levels, a title.
fn styled() -> Docx {
    let mut doc = Docx::new().default_fonts(fonts(BODY_FONT)).default_size(21);
    for (level, size) in [(1usize, 32usize), (2, 28), (3, 24)] {
        doc = doc.add_style(
            Style::new(format!("Heading{level}"), StyleType::Paragraph)
                .name(format!("heading {level}"))
                .based_on("Normal")
                .next("Normal")
                .outline_lvl(level - 1)
                .bold()
                .size(size)
                .fonts(fonts(HEADING_FONT)),
        );
    }
    for level in [1usize, 2] {
        doc = doc.add_style(
            Style::new(format!("TOC{level}"), StyleType::Paragraph)
                .name(format!("toc {level}"))
                .based_on("Normal")
                .indent(Some(((level - 1) * 420) as i32), None, None, None),
        );
    }
    doc.add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .bold()
            .size(48)
            .fonts(fonts(HEADING_FONT)),
    )
}

/// The footer: the page number between `before` and `after`.
fn page_footer(before: &str, after: &str) -> Footer {
    let mut p = Paragraph::new().align(AlignmentType::Center);
    if !before.is_empty() {
        p = p.add_run(Run::new().add_text(text(before)));
    }
    p = p.add_page_num(PageNum::new());
    if !after.is_empty() {
        p = p.add_run(Run::new().add_text(text(after)));
    }
    Footer::new().add_paragraph(p)
}

/// The document's font table: 宋体 and 黑体 with their Latin names
/// (`altName`), Chinese charset and PANOSE class, so a reader without a font
/// of that name substitutes a Chinese serif or sans (docx-rs's own table
/// lists only Latin fonts).
const FONT_TABLE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/>"#,
    r#"<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>"#,
    r#"<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/>"#,
    r#"<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>"#,
    r#"<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/>"#,
    r#"<w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>"#,
    r#"</w:fonts>"#
);

fn pack(doc: Docx) -> Result<Vec<u8>, Diagnostic> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut xml = doc.build();
    xml.font_table = FONT_TABLE.as_bytes().to_vec();
    xml.pack(&mut out).map_err(|e| Diagnostic::error(format!("cannot write the Word document: {e}")))?;
    Ok(out.into_inner())
}

/// The edition as a `.docx` file.
pub fn edition_docx(data: &EditionData) -> Result<Vec<u8>, Diagnostic> {
    let ed = &data.edition;
    let mut doc = styled();
    doc = doc.add_paragraph(para(&ed.title).style("Title").align(AlignmentType::Center));
    for line in [&ed.subtitle, &ed.organisation, &ed.date].into_iter().flatten() {
        doc = doc.add_paragraph(para(line).align(AlignmentType::Center));
    }
    let body: Vec<Paragraph> = data.chapters.iter().flat_map(chapter).collect();
    for p in toc(&data.chapters) {
        doc = doc.add_paragraph(p);
    }
    for p in body {
        doc = doc.add_paragraph(p);
    }
    pack(doc.footer(page_footer("", "")))
}

/// A line to write on: underlined full-width spaces.
fn blank(width: usize) -> Run {
    Run::new().add_text("\u{3000}".repeat(width)).underline("single")
}

/// An indented paragraph of a question's options or columns.
fn indented(p: Paragraph) -> Paragraph {
    p.style("Normal").indent(Some(420), None, None, None)
}

/// One question as a form prints it: its number and prompt (each `____` a
/// line to write on), then its options or its two columns.
fn exam_question(kind: &str, q: &Question, truefalse_blank: &str) -> Vec<Paragraph> {
    let mut p = Paragraph::new().style("Normal").add_run(Run::new().add_text(format!("{}. ", q.number)));
    for (i, piece) in q.prompt.split("____").enumerate() {
        if i > 0 {
            p = p.add_run(blank(6));
        }
        if !piece.is_empty() {
            p = p.add_run(Run::new().add_text(text(piece)));
        }
    }
    if kind == "truefalse" {
        p = p.add_run(Run::new().add_text(text(truefalse_blank)));
    }
    let mut out = vec![p.keep_next(true)];
    out.extend(q.option_lines.iter().map(|o| indented(para(o))));
    // Matching: a left and a right item a line, the right at a tab stop.
    let rows = q.left_lines.len().max(q.right_lines.len());
    for i in 0..rows {
        let mut row = Paragraph::new().add_tab(Tab::new().val(TabValueType::Left).pos(4620));
        if let Some(l) = q.left_lines.get(i) {
            row = row.add_run(Run::new().add_text(text(l)));
        }
        if let Some(r) = q.right_lines.get(i) {
            row = row.add_run(Run::new().add_tab().add_text(text(r)));
        }
        out.push(indented(row));
    }
    out
}

/// One form of an exam (`data.show` is its label), or the key of every form
/// (`key`), as a `.docx` file. A form holds no answers.
pub fn exam_docx(data: &ExamData) -> Result<Vec<u8>, Diagnostic> {
    let mut doc = styled();
    let centered = |s: &str| para(s).align(AlignmentType::Center);
    if data.show == "key" {
        doc = doc.add_paragraph(centered(&data.key_title).style("Title"));
        for form in &data.forms {
            doc = doc.add_paragraph(heading(1, &form.key_heading));
            for s in &form.sections {
                doc = doc.add_paragraph(heading(2, &s.heading));
                for q in &s.questions {
                    doc = doc.add_paragraph(para(&format!("{}. {}", q.number, q.answer_line)).keep_next(true));
                    for line in [&q.explanation_line, &q.source_line].into_iter().flatten() {
                        doc = doc.add_paragraph(indented(para(line)));
                    }
                }
            }
        }
    } else if let Some(form) = data.forms.iter().find(|f| f.label == data.show) {
        doc = doc.add_paragraph(centered(&data.title).style("Title"));
        doc = doc.add_paragraph(centered(&form.heading));
        let header: Vec<&str> = data.minutes_line.iter().chain([&data.total_line]).map(String::as_str).collect();
        doc = doc.add_paragraph(centered(&header.join("\u{3000}\u{3000}")));
        let mut blanks = Paragraph::new().style("Normal").align(AlignmentType::Center);
        for (i, b) in data.blanks.iter().enumerate() {
            if i > 0 {
                blanks = blanks.add_run(Run::new().add_text("\u{3000}\u{3000}"));
            }
            blanks = blanks.add_run(Run::new().add_text(text(b))).add_run(blank(6));
        }
        doc = doc.add_paragraph(blanks);
        for s in &form.sections {
            doc = doc.add_paragraph(heading(1, &s.heading));
            for q in &s.questions {
                for p in exam_question(s.kind, q, &data.truefalse_blank) {
                    doc = doc.add_paragraph(p);
                }
            }
        }
    }
    pack(doc.footer(page_footer(&data.page[0], &data.page[1])))
}
