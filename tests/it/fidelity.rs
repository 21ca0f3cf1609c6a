//! Content fidelity: every piece of the source essay appears, in order, in the
//! visible text of its own chapter page.
//!
//! The source is read from `../shared/seed/` (CI has it). Its last line is a
//! web-page leftover and is dropped; a line break is "stray" (joined) unless the
//! line ends a sentence or is a heading. Pieces end after every 。！？； and at
//! every line end. ASCII punctuation inside Chinese text may take its full-width
//! form, so both sides are compared with it mapped to full width.

use crate::common::{article_text, article_text_nodes, repo, require, shipped};
use handbook::model::SectionKind;
use handbook::model::is_cjk;
use handbook::pipeline;

const SEED: &str = "../shared/seed/000_c11b6c6c4891f629.txt";

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ',' => '，',
            ';' => '；',
            ':' => '：',
            '?' => '？',
            '!' => '！',
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

fn is_heading(line: &str) -> bool {
    let numerals = "一二三四五六七八九十";
    let mut chars = line.chars();
    let first = chars.next();
    match first {
        Some('(') | Some('（') => {
            let inner: String = chars.clone().take_while(|c| numerals.contains(*c)).collect();
            !inner.is_empty() && matches!(chars.nth(inner.chars().count()), Some(')') | Some('）'))
        }
        Some(c) if numerals.contains(c) => {
            let rest: String = line.chars().skip_while(|c| numerals.contains(*c)).take(1).collect();
            rest == "、"
        }
        _ => false,
    }
}

/// The source's logical lines: leftover dropped, stray breaks joined, full-width punctuation.
pub fn source_lines(raw: &str) -> Vec<String> {
    let mut lines: Vec<&str> = raw.lines().collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines.pop(); // the web-page leftover
    let mut out: Vec<String> = Vec::new();
    let mut buf = String::new();
    for line in lines {
        let line = line.trim_end_matches('\r');
        buf.push_str(line);
        let ends = buf.ends_with(['。', '！', '？', '；', '!', '?', ';']);
        if ends || is_heading(&buf) {
            out.push(full_width(&buf));
            buf.clear();
        }
    }
    if !buf.is_empty() {
        out.push(full_width(&buf));
    }
    out
}

pub fn pieces(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        let mut cur = String::new();
        for c in line.chars() {
            cur.push(c);
            if matches!(c, '。' | '！' | '？' | '；') {
                out.push(std::mem::take(&mut cur));
            }
        }
        if !cur.trim().is_empty() {
            out.push(cur);
        }
    }
    out.into_iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect()
}

#[test]
fn heading_and_stray_break_rules() {
    assert!(is_heading("一、内强素质"));
    assert!(is_heading("(一)着力锤炼"));
    assert!(is_heading("（五）运行要高效化"));
    assert!(!is_heading("一要发扬"));
    let lines = source_lines("甲乙,丙\n丁。\n(一)标题\n戊己?\n剩余\n");
    assert_eq!(lines, ["甲乙，丙丁。", "（一）标题", "戊己？"]);
    assert_eq!(pieces(&lines), ["甲乙，丙丁。", "（一）标题", "戊己？"]);
}

#[test]
fn every_source_piece_is_on_its_chapter_page_in_order() {
    let seed = crate::common::repo().join(SEED);
    if !require(seed.exists(), &format!("the source text {SEED}")) {
        return;
    }
    let raw = std::fs::read_to_string(&seed).unwrap();
    let pieces = pieces(&source_lines(&raw));
    assert!(pieces.len() > 200, "the splitter found only {} pieces", pieces.len());

    let site = shipped();
    let pages: Vec<(String, String)> = site
        .chapters
        .iter()
        .map(|id| {
            let html = std::fs::read_to_string(site.out.join(format!("{id}.html"))).unwrap();
            (id.clone(), full_width(&article_text(&html)))
        })
        .collect();

    let (mut page, mut offset) = (0usize, 0usize);
    let mut missing = Vec::new();
    for piece in &pieces {
        let mut found = None;
        for (p, (_, text)) in pages.iter().enumerate().skip(page) {
            let from = if p == page { offset } else { 0 };
            if let Some(i) = text[from..].find(piece.as_str()) {
                found = Some((p, from + i + piece.len()));
                break;
            }
        }
        match found {
            Some((p, end)) => (page, offset) = (p, end),
            None => missing.push(format!("[{}] {piece}", pages[page].0)),
        }
    }
    let found = pieces.len() - missing.len();
    println!(
        "fidelity: {found}/{} source pieces found in order ({:.1} %)",
        pieces.len(),
        100.0 * found as f64 / pieces.len() as f64
    );
    assert!(missing.is_empty(), "{} pieces missing or out of order:\n{}", missing.len(), missing.join("\n"));
}

#[test]
fn no_whitespace_between_chinese_characters_on_chapter_pages() {
    let site = shipped();
    for id in &site.chapters {
        let html = std::fs::read_to_string(site.out.join(format!("{id}.html"))).unwrap();
        for node in article_text_nodes(&html) {
            let chars: Vec<char> = node.chars().collect();
            for w in chars.windows(3) {
                assert!(
                    !(is_cjk(w[0]) && w[1].is_whitespace() && is_cjk(w[2])),
                    "{id}.html: whitespace between Chinese characters in {node:?}"
                );
            }
        }
    }
}

/// Asks are search data, not the handbook's text: every entry and point of
/// the shipped handbook has at least three, and none of them appears on any
/// page of the site (chapter pages, the print page, the first page); the
/// browser's search data is the one place they live.
#[test]
fn asks_are_search_data_never_page_text() {
    let hb = pipeline::check(&repo()).valid.unwrap().handbook;
    let secs = handbook::model::sections(&hb);
    let thin: Vec<&str> = secs
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Entry | SectionKind::Point) && s.asks.len() < 3)
        .map(|s| s.id.as_str())
        .collect();
    assert!(thin.is_empty(), "entries and points with fewer than 3 asks: {thin:?}");
    let site = &shipped().out;
    let pages: Vec<(String, String)> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| (e.path().display().to_string(), std::fs::read_to_string(e.path()).unwrap()))
        .collect();
    assert!(pages.len() > 5, "the site's pages were read");
    let mut asks = 0;
    for s in secs.iter() {
        for ask in &s.asks {
            asks += 1;
            for (path, html) in &pages {
                assert!(!html.contains(ask.as_str()), "the ask “{}” of `{}` is shown in {path}", ask.value, s.id);
            }
        }
    }
    let owners = secs.iter().filter(|s| matches!(s.kind, SectionKind::Entry | SectionKind::Point)).count();
    assert!(owners > 50 && asks >= 3 * owners, "{asks} asks checked for {owners} entries and points");
    // The control: the search data does carry them.
    let docs: String = walkdir::WalkDir::new(site.join("search/d"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    let first = secs.iter().flat_map(|s| &s.asks).next().unwrap();
    assert!(docs.contains(first.as_str()), "the browser's search data carries the asks");
}
