//! The one tokenization rule of search, shared by the index, the CLI query and
//! (mirrored line for line in `theme/search/search.js`) the browser query.
//!
//! Chinese has no spaces, and a dictionary segmenter gives different words for
//! the same characters in different contexts ("替局领导" → 替局/领导), so the
//! rule is CJK bigrams: every two adjacent Han characters are a term, which
//! needs no dictionary and is the same at index and query time; a Han
//! character standing alone is a unigram. Latin letters and digits form
//! lowercase words. Everything else separates.

/// A term with its character offsets in the normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub text: String,
    /// Char offsets into the normalized text (which has as many chars as the input).
    pub from: usize,
    pub to: usize,
}

/// Han ideographs (not CJK punctuation).
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3007)
}

/// Full-width ASCII to ASCII, ASCII to lowercase; one char out per char in.
pub fn normalize_char(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

pub fn tokenize(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().map(normalize_char).collect();
    let mut out = Vec::new();
    spans(&chars, |from, to| out.push(Tok { text: chars[from..to].iter().collect(), from, to }));
    out
}

/// The rule itself, over normalized characters: each term as its char range,
/// in order. [`tokenize`] and the index's term walks
/// ([`super::index::each_term`]) share it.
pub fn spans(chars: &[char], mut term: impl FnMut(usize, usize)) {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_han(c) {
            let start = i;
            while i < chars.len() && is_han(chars[i]) {
                i += 1;
            }
            if i - start == 1 {
                term(start, i);
            } else {
                for j in start..i - 1 {
                    term(j, j + 2);
                }
            }
        } else if c.is_ascii_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                i += 1;
            }
            term(start, i);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn bigrams_unigrams_and_words() {
        assert_eq!(terms("挡小事"), ["挡小", "小事"]);
        assert_eq!(terms("“宽”（眼界宽）"), ["宽", "眼界", "界宽"]);
        assert_eq!(terms("6项制度"), ["6", "项制", "制度"]);
        assert_eq!(terms("ＧＤＰ增长 Excel表"), ["gdp", "增长", "excel", "表"]);
        assert_eq!(terms("，。"), Vec::<String>::new());
    }

    #[test]
    fn offsets_are_char_offsets() {
        let t = tokenize("要替局领导挡小事");
        assert_eq!((t[3].text.as_str(), t[3].from, t[3].to), ("领导", 3, 5));
    }
}
