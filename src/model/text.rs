//! Spanned scalar types shared by every kind: ids and plain text.
//!
//! They deserialize through `serde_saphyr::Spanned` so that semantic checks
//! (duplicate ids, broken refs, empty text) can point at the offending value,
//! not just at the file.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_saphyr::Spanned;

/// A 1-based line/column position in a content file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub(crate) fn of<T>(s: &Spanned<T>) -> Self {
        Pos { line: s.referenced.line() as u32, column: s.referenced.column() as u32 }
    }

    /// The line and column (in characters) of a byte offset in `text`.
    pub fn at_offset(text: &str, offset: usize) -> Pos {
        let before = &text[..text.floor_char_boundary(offset.min(text.len()))];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos { line: before.matches('\n').count() as u32 + 1, column: before[line_start..].chars().count() as u32 + 1 }
    }
}

/// A stable identifier used in URLs, anchors and cross-references.
///
/// Validation (not deserialization) enforces the URL-safe shape, so that a bad
/// id is reported together with every other problem instead of aborting the file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id {
    pub value: String,
    pub pos: Pos,
}

impl Id {
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// `true` when the id is lowercase ASCII letters and digits joined by single hyphens.
    pub fn is_url_safe(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 64
            && s.split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.value)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<String>::deserialize(d)?;
        Ok(Id { pos: Pos::of(&s), value: s.value })
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

/// Plain text from the content: never Markdown, always escaped where it lands.
///
/// On load, whitespace between two CJK characters is removed: YAML folds a
/// wrapped plain scalar's line break into a space, which Chinese never wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub pos: Pos,
}

impl Text {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<String>::deserialize(d)?;
        Ok(Text { pos: Pos::of(&s), value: normalize_text(&s.value) })
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

/// Is `c` a character of Chinese/Japanese/Korean text, including its full-width punctuation?
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // kana
        | 0x3100..=0x312F    // bopomofo
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFF00..=0xFFEF    // full-width forms
        | 0x20000..=0x2FA1F) // extensions B–F
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Trims the text and drops whitespace runs that sit between two CJK characters.
pub fn normalize_text(s: &str) -> String {
    let s = s.trim();
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = out.chars().next_back();
            let after = chars.get(i).copied();
            let between_cjk = matches!((before, after), (Some(b), Some(a)) if is_cjk(b) && is_cjk(a));
            if !between_cjk {
                // Keep a single space (or the newline itself, for multi-paragraph safety).
                out.extend(&chars[start..i.min(start + 1)]);
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

impl schemars::JsonSchema for Id {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Id".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
            "description": "A stable id: lowercase ASCII letters and digits joined by single hyphens, unique across all content files."
        })
    }
}

impl schemars::JsonSchema for Text {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "minLength": 1,
            "description": "Plain text (never Markdown); whitespace between two Chinese characters is removed on load."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_cjk_but_keeps_latin_spaces() {
        assert_eq!(normalize_text("办公室是\n  一个部门"), "办公室是一个部门");
        assert_eq!(normalize_text("  a  b "), "a b");
        assert_eq!(normalize_text("统计 GDP 数据"), "统计 GDP 数据");
        assert_eq!(normalize_text("“两不”， “两多”"), "“两不”，“两多”");
    }

    #[test]
    fn url_safe_ids() {
        assert!(Id::is_url_safe("bi-gan-zi"));
        assert!(Id::is_url_safe("q1"));
        assert!(!Id::is_url_safe("Bi"));
        assert!(!Id::is_url_safe("a--b"));
        assert!(!Id::is_url_safe("-a"));
        assert!(!Id::is_url_safe("笔杆子"));
        assert!(!Id::is_url_safe("a b"));
        assert!(!Id::is_url_safe(""));
    }
}
