//! A printed edition as a Word document (`.docx`), for trainers who adapt it
//! in Word or WPS. Pure: the edition's data in, the file's bytes out.
//!
//! Word's built-in heading styles (`heading 1`–`3`, with outline levels) carry
//! the structure, so the navigation pane and the table of contents work; the
//! contents is a TOC field over them (filled in here, and updated by Word);
//! the footer holds the page number; East Asian text is set in 宋体 (body) and
//! 黑体 (headings). Content is text: docx-rs writes it as XML text, and the
//! characters XML 1.0 cannot carry are left out. Like the book layout, the
//! document prints the chapters' text; the quizzes stay in the PDF, whose
//! wording comes from the theme.

use super::EditionData;
use crate::diagnostic::Diagnostic;
use crate::render::view::{ChapterView, EntryView};
use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, InstrText, InstrToC, PageNum, Paragraph, Run, RunFonts, Style,
    StyleType,
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

/// The edition as a `.docx` file.
pub fn edition_docx(data: &EditionData) -> Result<Vec<u8>, Diagnostic> {
    let ed = &data.edition;
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
    doc = doc.add_style(
        Style::new("Title", StyleType::Paragraph)
            .name("Title")
            .based_on("Normal")
            .bold()
            .size(48)
            .fonts(fonts(HEADING_FONT)),
    );
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
    doc = doc.footer(
        Footer::new().add_paragraph(Paragraph::new().add_page_num(PageNum::new()).align(AlignmentType::Center)),
    );
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| Diagnostic::error(format!("cannot write the Word document: {e}")))?;
    Ok(out.into_inner())
}
