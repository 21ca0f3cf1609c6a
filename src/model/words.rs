//! The exam papers' words (`theme/print/exam.yaml`): what each question type
//! is called, and every line a paper or its key prints around the questions.
//! They are the theme's, not the code's, so an office words its papers its
//! own way; the PDF layout and the Word papers print the same lines.

use super::Pos;
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

/// A line of the words file, kept as written (no trimming: a full-width
/// space may be the point), with where it is. `{name}` stands for a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub value: String,
    pub pos: Pos,
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<String>::deserialize(d)?;
        Ok(Pattern { pos: Pos::of(&s), value: s.value })
    }
}

impl Pattern {
    /// The names in braces: `{name}` with a name of ASCII lowercase letters
    /// and underscores. Other braces are text.
    pub fn names(&self) -> Vec<&str> {
        self.pieces().filter_map(|p| p.err()).collect()
    }

    /// What follows a `{` that looks like the start of a name but is not
    /// closed (`{points 分`): printed as written, which is seldom what the
    /// author meant.
    pub fn unclosed(&self) -> Vec<&str> {
        let s = self.value.as_str();
        s.match_indices('{')
            .filter_map(|(open, _)| {
                let after = &s[open + 1..];
                let len = after.bytes().take_while(|b| b.is_ascii_lowercase() || *b == b'_').count();
                (len > 0 && after.as_bytes().get(len) != Some(&b'}')).then(|| &after[..len])
            })
            .collect()
    }

    /// The pattern with each `{name}` replaced by its value in `values`
    /// (names not there are left as written; `check` reports them).
    pub fn fill(&self, values: &[(&str, &str)]) -> String {
        let mut out = String::with_capacity(self.value.len());
        for piece in self.pieces() {
            match piece {
                Ok(text) => out.push_str(text),
                Err(name) => match values.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&format!("{{{name}}}")),
                },
            }
        }
        out
    }

    /// Text (`Ok`) and names (`Err`, without their braces) in order.
    fn pieces(&self) -> impl Iterator<Item = Result<&str, &str>> {
        let s = self.value.as_str();
        let mut rest = s;
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            // The next `{name}`, if any.
            let mut from = 0;
            while let Some(open) = rest[from..].find('{').map(|i| i + from) {
                let after = &rest[open + 1..];
                let len = after.bytes().take_while(|b| b.is_ascii_lowercase() || *b == b'_').count();
                if len > 0 && after.as_bytes().get(len) == Some(&b'}') {
                    if open > 0 {
                        let text = &rest[..open];
                        rest = &rest[open..];
                        return Some(Ok(text));
                    }
                    rest = &after[len + 1..];
                    return Some(Err(&after[..len]));
                }
                from = open + 1;
            }
            let text = rest;
            rest = "";
            Some(Ok(text))
        })
    }
}

/// The name of each question type in its section heading.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindWords {
    pub single: Pattern,
    pub multiple: Pattern,
    pub truefalse: Pattern,
    pub fill: Pattern,
    pub matching: Pattern,
}

impl KindWords {
    pub fn get(&self, kind: &str) -> &Pattern {
        match kind {
            "single" => &self.single,
            "multiple" => &self.multiple,
            "truefalse" => &self.truefalse,
            "fill" => &self.fill,
            _ => &self.matching,
        }
    }
}

/// `theme/print/exam.yaml`; the file documents each line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExamWords {
    pub kinds: KindWords,
    pub numerals: Vec<Pattern>,
    pub section: Pattern,
    pub form: Pattern,
    pub minutes: Pattern,
    pub total: Pattern,
    pub blanks: Vec<Pattern>,
    pub option: Pattern,
    pub left: Pattern,
    pub truefalse_blank: Pattern,
    pub key_title: Pattern,
    pub key_form: Pattern,
    pub answer: Pattern,
    pub correct: Pattern,
    pub wrong: Pattern,
    pub pair: Pattern,
    pub pairs_joiner: Pattern,
    pub accept_joiner: Pattern,
    pub explanation: Pattern,
    pub source: Pattern,
    pub page: Pattern,
}

impl ExamWords {
    /// Every line with the names it may use.
    pub fn lines(&self) -> Vec<(&Pattern, &'static [&'static str])> {
        let k = &self.kinds;
        let mut out: Vec<(&Pattern, &'static [&'static str])> = vec![
            (&k.single, &[]),
            (&k.multiple, &[]),
            (&k.truefalse, &[]),
            (&k.fill, &[]),
            (&k.matching, &[]),
            (&self.section, &["numeral", "kind", "points", "total"]),
            (&self.form, &["label"]),
            (&self.minutes, &["minutes"]),
            (&self.total, &["total"]),
            (&self.option, &["letter", "text"]),
            (&self.left, &["number", "text"]),
            (&self.truefalse_blank, &[]),
            (&self.key_title, &["title"]),
            (&self.key_form, &["label"]),
            (&self.answer, &["answer"]),
            (&self.correct, &[]),
            (&self.wrong, &[]),
            (&self.pair, &["number", "letter"]),
            (&self.pairs_joiner, &[]),
            (&self.accept_joiner, &[]),
            (&self.explanation, &["text"]),
            (&self.source, &["title", "url"]),
            (&self.page, &["page"]),
        ];
        out.extend(self.numerals.iter().chain(&self.blanks).map(|p| (p, &[] as &[&str])));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Pattern {
        Pattern { value: s.into(), pos: Pos { line: 1, column: 1 } }
    }

    #[test]
    fn fills_names_and_keeps_other_braces() {
        let line = p("{numeral}、{kind}（每题 {points} 分）{not a name}{}{X}");
        assert_eq!(line.names(), ["numeral", "kind", "points"]);
        assert_eq!(
            line.fill(&[("numeral", "一"), ("kind", "{points}"), ("points", "2")]),
            "一、{points}（每题 2 分）{not a name}{}{X}",
            "a value is never read as a pattern"
        );
        assert_eq!(p("{a}{b}").fill(&[("a", "1")]), "1{b}", "a name without a value stays as written");
        assert_eq!(p("").fill(&[]), "");
        assert_eq!(p("{").names(), Vec::<&str>::new());
    }

    #[test]
    fn an_unclosed_name_is_found_and_other_braces_are_not() {
        assert_eq!(p("（每题 {points 分，共 {total} 分）{total").unclosed(), ["points", "total"]);
        assert!(p("{total}{}{ X}{中}{").unclosed().is_empty());
    }
}
