//! Snippets: the window of a section's text with the most query terms, and
//! where those terms are (mirrored by the browser's `snippet()` in search.js).

use super::fold::Fold;
use super::rank::{QueryTerm, prepare};
use super::tokenize::tokenize;
use serde::Serialize;

/// How many characters of text a snippet shows.
pub const WIDTH: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The excerpt, with "…" where it was cut.
    pub text: String,
    /// Marked ranges in `text`, as `[start, end)` character offsets, in order, disjoint.
    pub marks: Vec<(usize, usize)>,
}

impl Snippet {
    /// The excerpt with every marked range wrapped in `open` … `close`.
    pub fn marked(&self, open: &str, close: &str) -> String {
        let chars: Vec<char> = self.text.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        for &(s, e) in &self.marks {
            out.extend(&chars[at..s]);
            out.push_str(open);
            out.extend(&chars[s..e]);
            out.push_str(close);
            at = e;
        }
        out.extend(&chars[at..]);
        out
    }
}

/// Character ranges of `text` covered by any of `terms`, merged.
pub fn matches(text: &str, terms: &[QueryTerm], fold: &Fold) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = tokenize(&prepare(fold, text))
        .into_iter()
        .filter(|t| terms.iter().any(|q| !q.chars && q.text == t.text))
        .map(|t| (t.from, t.to))
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// The ask (by index) that shows why a result was found through its asks:
/// of those that share a word with the query, the one with the most
/// characters inside matched words (counted twice) and of the query's own
/// characters (once), the first of equals.
pub fn best_ask(asks: &[String], terms: &[QueryTerm], fold: &Fold) -> Option<usize> {
    let chars: std::collections::HashSet<&str> = terms.iter().filter(|t| t.chars).map(|t| t.text.as_str()).collect();
    let mut best = None;
    let mut most = 0;
    for (i, ask) in asks.iter().enumerate() {
        let words: usize = matches(ask, terms, fold).iter().map(|(s, e)| e - s).sum();
        let mut seen = std::collections::HashSet::new();
        let single =
            prepare(fold, ask).chars().filter(|c| chars.contains(c.to_string().as_str()) && seen.insert(*c)).count();
        // An ask that shares no word with the query does not say why (one
        // character in common is too little to show as the reason).
        let covered = if words == 0 { 0 } else { 2 * words + single };
        if covered > most {
            most = covered;
            best = Some(i);
        }
    }
    best
}

/// The near word (by index, best first) that shows why a result was found
/// for meaning: the first that shares a word with the query and came from a
/// sentence of the text (which the snippet then shows).
pub fn best_near(near: &[(String, Option<usize>)], terms: &[QueryTerm], fold: &Fold) -> Option<usize> {
    near.iter().position(|(w, at)| at.is_some() && !matches(w, terms, fold).is_empty())
}

/// The excerpt of `text` around its matches, or from the sentence at char
/// offset `at` (the sentence closest in meaning to the query) when given.
pub fn snippet(text: &str, terms: &[QueryTerm], fold: &Fold, at: Option<usize>) -> Snippet {
    let chars: Vec<char> = text.chars().collect();
    let ranges = matches(text, terms, fold);
    // The window starting a little before a match that covers the most matched characters.
    let mut start = 0;
    let mut best = 0;
    for &(s, _) in ranges.iter().filter(|_| at.is_none()) {
        let from = s.saturating_sub(10);
        let covered: usize = ranges.iter().filter(|(a, b)| *a >= from && *b <= from + WIDTH).map(|(a, b)| b - a).sum();
        if covered > best {
            best = covered;
            start = from;
        }
    }
    if let Some(at) = at {
        start = at.min(chars.len());
    }
    let end = (start + WIDTH).min(chars.len());
    let start = end.saturating_sub(WIDTH).min(start);
    let mut out = String::new();
    let lead = usize::from(start > 0);
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    let marks = ranges
        .into_iter()
        .filter(|(s, e)| *s >= start && *e <= end)
        .map(|(s, e)| (s - start + lead, e - start + lead))
        .collect();
    Snippet { text: out, marks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::rank::{RankConfig, expand};

    #[test]
    fn the_ask_with_the_most_matched_characters_shows() {
        let terms = expand("新来的怎么写报告", &RankConfig::new(vec![], vec![]));
        let asks = ["领导不在怎么办".to_string(), "报告交给谁".to_string(), "怎么写好报告".to_string()];
        assert_eq!(best_ask(&asks, &terms, &Fold::default()), Some(2), "怎么写 and 报告 beat either alone");
        assert_eq!(best_ask(&["领导不在家".to_string()], &terms, &Fold::default()), None, "nothing matched, no ask");
        assert_eq!(
            best_ask(&["来了新人".to_string()], &terms, &Fold::default()),
            None,
            "characters alone are no reason"
        );
    }

    #[test]
    fn marks_the_matched_words() {
        let terms = expand("挡小事", &RankConfig::new(vec![], vec![]));
        let s =
            snippet("特别重要的是，要千方百计替局领导挡小事，让领导能集中精力抓大事。", &terms, &Fold::default(), None);
        assert_eq!(s.marked("[", "]"), "特别重要的是，要千方百计替局领导[挡小事]，让领导能集中精力抓大事。");
    }

    #[test]
    fn long_texts_are_cut_around_the_match() {
        let text = format!("{}挡小事{}", "甲".repeat(200), "乙".repeat(200));
        let terms = expand("挡小事", &RankConfig::new(vec![], vec![]));
        let s = snippet(&text, &terms, &Fold::default(), None);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert_eq!(s.marks.len(), 1);
        assert!(s.marked("[", "]").contains("[挡小事]"));
    }

    #[test]
    fn a_result_found_for_meaning_shows_the_sentence_its_near_word_came_from() {
        let terms = expand("文稿怎么改", &RankConfig::new(vec![], vec![]));
        let near = [
            ("秘密".to_string(), Some(3)),
            ("文稿".to_string(), None),
            ("文稿".to_string(), Some(200)),
            ("稿子".to_string(), Some(5)),
        ];
        assert_eq!(best_near(&near, &terms, &Fold::default()), Some(2), "the best near word the query shares");
        assert_eq!(best_near(&near[..2], &terms, &Fold::default()), None, "none shared, or from no sentence");
        let text = format!("{}。起草稿件要反复推敲。{}", "甲".repeat(199), "乙".repeat(200));
        let s = snippet(&text, &terms, &Fold::default(), Some(200));
        assert!(s.text.starts_with("…起草稿件要反复推敲。"), "{}", s.text);
        // Near the end, the window keeps its width.
        let s = snippet("短句一。短句二。", &terms, &Fold::default(), Some(4));
        assert_eq!(s.text, "短句一。短句二。");
    }
}
