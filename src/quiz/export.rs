//! The question bank for an LMS: Moodle GIFT and Moodle XML. Pure: they return
//! text, the CLI writes it.

use super::{Item, Kind};

/// Escapes GIFT's special characters `~ = # { } :` (and the backslash itself).
pub fn gift_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '~' | '=' | '#' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
}

fn feedback(q: &Item) -> String {
    let mut f = q.explanation.clone().unwrap_or_default();
    for r in &q.refs {
        if !f.is_empty() {
            f.push(' ');
        }
        f.push_str(&format!("（见：{}）", r.title));
    }
    f
}

pub fn gift(items: &[Item]) -> String {
    let mut out = String::from("// handbook question bank (Moodle GIFT)\n\n");
    let mut category = String::new();
    for q in items {
        if q.chapter != category {
            category = q.chapter.clone();
            out.push_str(&format!("$CATEGORY: $course$/handbook/{}\n\n", gift_escape(&category)));
        }
        let prompt = gift_escape(&q.prompt);
        let answers = match q.kind {
            Kind::Single => q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| format!("{}{}", if q.right.contains(&i) { "=" } else { "~" }, gift_escape(o)))
                .collect::<Vec<_>>()
                .join(" "),
            Kind::Multiple => q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| format!("~%{}%{}", weight(fraction(q, i)), gift_escape(o)))
                .collect::<Vec<_>>()
                .join(" "),
            Kind::Truefalse => if q.correct == Some(true) { "T" } else { "F" }.to_string(),
            Kind::Fill => q.accept.iter().map(|a| format!("={}", gift_escape(a))).collect::<Vec<_>>().join(" "),
            Kind::Matching => q
                .pairs
                .iter()
                .map(|(l, r)| format!("={} -> {}", gift_escape(l), gift_escape(r)))
                .collect::<Vec<_>>()
                .join(" "),
        };
        let fb = feedback(q);
        let general = if fb.is_empty() { String::new() } else { format!(" ####{}", gift_escape(&fb)) };
        out.push_str(&format!("::{}:: {prompt} {{{answers}{general}}}\n\n", gift_escape(&q.id)));
    }
    out
}

/// Option `i`'s grade in percent: single choice 100 or 0; multiple choice
/// splits +100 among the right options and −100 among the wrong ones.
fn fraction(q: &Item, i: usize) -> f64 {
    let right = q.right.contains(&i);
    if q.kind == Kind::Single {
        return if right { 100.0 } else { 0.0 };
    }
    if right {
        100.0 / q.right.len().max(1) as f64
    } else {
        -100.0 / q.options.len().saturating_sub(q.right.len()).max(1) as f64
    }
}

/// Moodle accepts fractions such as 33.33333; keep five decimals, drop trailing zeros.
fn weight(w: f64) -> String {
    let s = format!("{w:.5}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Escapes text for XML: the HTML escapes (valid XML too), without the
/// control characters XML 1.0 forbids.
pub fn xml_escape(s: &str) -> String {
    let allowed: String = s.chars().filter(|&c| c as u32 >= 0x20 || matches!(c, '\n' | '\t' | '\r')).collect();
    crate::escape::html(&allowed)
}

fn text(tag: &str, s: &str) -> String {
    format!("<{tag} format=\"plain_text\"><text>{}</text></{tag}>", xml_escape(s))
}

pub fn moodle_xml(items: &[Item]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut category = String::new();
    for q in items {
        if q.chapter != category {
            category = q.chapter.clone();
            out.push_str(&format!(
                "  <question type=\"category\"><category><text>$course$/handbook/{}</text></category></question>\n",
                xml_escape(&category)
            ));
        }
        let kind = match q.kind {
            Kind::Single | Kind::Multiple => "multichoice",
            Kind::Truefalse => "truefalse",
            Kind::Fill => "shortanswer",
            Kind::Matching => "matching",
        };
        out.push_str(&format!("  <question type=\"{kind}\">\n"));
        out.push_str(&format!("    <name><text>{}</text></name>\n", xml_escape(&q.id)));
        out.push_str(&format!("    {}\n", text("questiontext", &q.prompt)));
        out.push_str(&format!("    {}\n", text("generalfeedback", &feedback(q))));
        match q.kind {
            Kind::Single | Kind::Multiple => {
                let single = q.kind == Kind::Single;
                out.push_str(&format!("    <single>{single}</single>\n    <shuffleanswers>true</shuffleanswers>\n"));
                for (i, o) in q.options.iter().enumerate() {
                    let w = fraction(q, i);
                    out.push_str(&format!(
                        "    <answer fraction=\"{}\"><text>{}</text></answer>\n",
                        weight(w),
                        xml_escape(o)
                    ));
                }
            }
            Kind::Truefalse => {
                let t = q.correct == Some(true);
                out.push_str(&format!(
                    "    <answer fraction=\"{}\"><text>true</text></answer>\n",
                    if t { 100 } else { 0 }
                ));
                out.push_str(&format!(
                    "    <answer fraction=\"{}\"><text>false</text></answer>\n",
                    if t { 0 } else { 100 }
                ));
            }
            Kind::Fill => {
                for a in &q.accept {
                    out.push_str(&format!("    <answer fraction=\"100\"><text>{}</text></answer>\n", xml_escape(a)));
                }
            }
            Kind::Matching => {
                out.push_str("    <shuffleanswers>true</shuffleanswers>\n");
                for (l, r) in &q.pairs {
                    out.push_str(&format!(
                        "    <subquestion format=\"plain_text\"><text>{}</text><answer><text>{}</text></answer></subquestion>\n",
                        xml_escape(l),
                        xml_escape(r)
                    ));
                }
            }
        }
        out.push_str("  </question>\n");
    }
    out.push_str("</quiz>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gift_specials_are_escaped() {
        assert_eq!(gift_escape("a~b=c#d{e}f:g\\h"), "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h");
    }

    #[test]
    fn weights_are_moodle_fractions() {
        assert_eq!(weight(100.0 / 3.0), "33.33333");
        assert_eq!(weight(50.0), "50");
        assert_eq!(weight(-100.0), "-100");
    }
}
