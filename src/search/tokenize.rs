//! The one tokenization rule of search, shared by the index, the CLI query and
//! (mirrored line for line in `theme/search/search.js`) the browser query.
//!
//! Chinese has no spaces, and a dictionary segmenter gives different words for
//! the same characters in different contexts ("替局领导" → 替局/领导), so the
//! rule is CJK bigrams: every two adjacent Han characters are a term, which
//! needs no dictionary and is the same at index and query time; a Han
//! character standing alone is a unigram. Latin letters and digits form
//! lowercase words. Everything else separates.
//!
//! Before that, text is normalized one character for one (offsets stay
//! valid): full-width forms to ASCII, lowercase, Latin letters without their
//! accents (pinyin's tone marks: `bǐ gǎn zi` is `bi gan zi`), and a digit
//! standing alone beside a Han character to its Chinese numeral ([`numerals`]):
//! readers type `4办` and `5化` for 四办 and 五化.

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

/// Full-width ASCII to ASCII, a Latin letter with accents to the letter
/// (ü to `v`, as pinyin is written without an input method), ASCII to
/// lowercase; one char out per char in.
pub fn normalize_char(c: char) -> char {
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        0xC0..=0x24F | 0x1E00..=0x1EFF => unaccented(c),
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// The letter under a Latin letter's accents (its canonical decomposition's
/// first character, when that is ASCII), `v` for a u with a diaeresis;
/// anything else (æ, ø, ß) as it is.
fn unaccented(c: char) -> char {
    let mut parts = [None; 2];
    let mut n = 0;
    unicode_normalization::char::decompose_canonical(c, |p| {
        if n < 2 {
            parts[n] = Some(p);
        }
        n += 1;
    });
    match parts {
        [Some(base), Some(mark)] if base.is_ascii_alphabetic() => {
            if mark == '\u{308}' && base.eq_ignore_ascii_case(&'u') { 'v' } else { base }
        }
        _ => c,
    }
}

/// Each ASCII digit that stands alone (no letter, digit or point on either
/// side) beside a Han character becomes its Chinese numeral, in place: `4办`
/// is 四办, `第3条` 第三条. Frameworks are numbered in Chinese numerals and
/// readers often type digits; a longer number (`2026年`) stays as it is.
pub fn numerals(chars: &mut [char]) {
    const NUMERALS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let part_of_number = |c: char| c.is_ascii_alphanumeric() || c == '.';
    for i in 0..chars.len() {
        // `to_digit` knows ASCII digits only: a full-width one was made ASCII before.
        let Some(d) = chars[i].to_digit(10) else { continue };
        let (before, after) = (i.checked_sub(1).map(|j| chars[j]), chars.get(i + 1).copied());
        let apart = !before.is_some_and(part_of_number) && !after.is_some_and(part_of_number);
        if apart && (before.is_some_and(is_han) || after.is_some_and(is_han)) {
            chars[i] = NUMERALS[d as usize];
        }
    }
}

/// `text` normalized ([`normalize_char`], then `fold` if given) and its lone digits made numerals.
pub fn normalized(text: &str, fold: Option<&super::fold::Fold>) -> Vec<char> {
    let mut chars = Vec::new();
    normalize_into(text, fold, &mut chars);
    chars
}

/// [`normalized`] into `chars` (emptied first), for a caller that reuses its buffer.
pub fn normalize_into(text: &str, fold: Option<&super::fold::Fold>, chars: &mut Vec<char>) {
    chars.clear();
    match fold {
        Some(f) => chars.extend(text.chars().map(|c| f.char(normalize_char(c)))),
        None => chars.extend(text.chars().map(normalize_char)),
    }
    numerals(chars);
}

pub fn tokenize(text: &str) -> Vec<Tok> {
    let chars = normalized(text, None);
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
        assert_eq!(terms("6项制度 2026年"), ["六项", "项制", "制度", "2026", "年"]);
        assert_eq!(terms("ＧＤＰ增长 Excel表"), ["gdp", "增长", "excel", "表"]);
        assert_eq!(terms("，。"), Vec::<String>::new());
    }

    #[test]
    fn a_lone_digit_beside_han_is_its_numeral() {
        assert_eq!(terms("4办"), ["四办"]);
        assert_eq!(terms("0差错"), ["零差", "差错"]);
        assert_eq!(terms("第3条"), ["第三", "三条"]);
        assert_eq!(terms("共 5 化"), ["共", "5", "化"]);
        // Part of a longer number or word, or apart from any Han character: as typed.
        assert_eq!(terms("A4纸 12项 3.5天 5s 7"), ["a4", "纸", "12", "项", "3", "5", "天", "5s", "7"]);
    }

    #[test]
    fn accents_go_and_one_char_comes_out_per_char_in() {
        assert_eq!(terms("bǐ gǎn zi LǙSHĪ Nǚ café"), ["bi", "gan", "zi", "lvshi", "nv", "cafe"]);
        // Letters with no ASCII base stay as they are (and separate, as before).
        assert_eq!(normalize_char('ß'), 'ß');
        assert_eq!(normalize_char('æ'), 'æ');
        let text = "ǚ４办Ａ";
        assert_eq!(normalized(text, None).len(), text.chars().count());
    }

    #[test]
    fn offsets_are_char_offsets() {
        let t = tokenize("要替局领导挡小事");
        assert_eq!((t[3].text.as_str(), t[3].from, t[3].to), ("领导", 3, 5));
    }
}
