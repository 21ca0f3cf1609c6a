//! Escaping for the contexts content text lands in (shared by the page
//! templates and the exports).
//!
//! Plain text from YAML is data, not markup: in the Markdown that mdBook
//! renders it must neither start a construct (emphasis, strikethrough, links,
//! lists, headings, tables) nor inject HTML. The Markdown escaper is this
//! project's own (no crate escapes for CommonMark-then-HTML); HTML escaping is
//! tera's.

use std::borrow::Cow;
use std::io::{self, Write};

/// Escapes plain text for Markdown that is then rendered to HTML.
///
/// HTML-special characters become entities (which Markdown decodes back to the
/// same characters, then the HTML renderer escapes again). Characters that open
/// an inline Markdown construct anywhere in a line are backslash-escaped;
/// characters that only matter at the start of a line (`-`, `+`, `=`, `:`,
/// a number followed by `.` or `)`) are escaped there, and a `-` or `.`
/// followed by another (which smart punctuation would turn into a dash or an
/// ellipsis) anywhere. Line breaks become spaces: a text value is one paragraph.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut at_line_start = true;
    let mut chars = s.chars().peekable();
    let mut digits = String::new();
    while let Some(c) = chars.next() {
        if at_line_start && c.is_ascii_digit() {
            digits.push(c);
            if let Some(&n) = chars.peek() {
                if n.is_ascii_digit() {
                    continue;
                }
                out.push_str(&digits);
                digits.clear();
                if n == '.' || n == ')' {
                    chars.next();
                    out.push('\\');
                    out.push(n);
                }
            } else {
                out.push_str(&digits);
                digits.clear();
            }
            at_line_start = false;
            continue;
        }
        if let Some(e) = entity(c) {
            out.push_str(e);
            at_line_start = false;
            continue;
        }
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '{' | '}' | '#' | '!' | '$' | '^' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' | ':' if at_line_start => {
                out.push('\\');
                out.push(c);
            }
            // mdBook's smart punctuation turns `--` and `...` into dashes and an ellipsis.
            '-' | '.' if chars.peek() == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            // Dropped without ending the line start: `\r-` must not make a list.
            '\r' => continue,
            // Whitespace first would be dropped by Markdown and leave what
            // follows at the start of the line (`\n-` a list item, four
            // spaces a code block): it is kept as an entity.
            ' ' | '\n' | '\t' if at_line_start => out.push_str("&#32;"),
            '\n' | '\t' => out.push(' '),
            _ => out.push(c),
        }
        at_line_start = false;
    }
    out
}

/// The HTML entity for a character that HTML (and XML) must not carry raw.
fn entity(c: char) -> Option<&'static str> {
    Some(match c {
        '&' => "&amp;",
        '<' => "&lt;",
        '>' => "&gt;",
        '"' => "&quot;",
        '\'' => "&#39;",
        _ => return None,
    })
}

/// Escapes text for HTML and XML (element content and quoted attribute
/// values): tera's escaper, the same five entities as [`markdown`] writes.
pub fn html(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 8);
    // Writing into a Vec cannot fail, and the escaper only replaces ASCII bytes.
    let _ = tera::escape_html(s, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Escapes text for raw HTML inside the Markdown mdBook renders (an HTML
/// block, where Markdown escapes would show): HTML's five entities, braces
/// as entities too (mdBook expands `{{#include …}}` and its kin before it
/// parses anything, raw HTML included), and line breaks as spaces (a blank
/// line would end the HTML block and start Markdown).
pub fn html_in_markdown(s: &str) -> String {
    html(&s.replace('\r', "").replace('\n', " ")).replace('{', "&#123;").replace('}', "&#125;")
}

/// JSON for the inside of a `<script>` element: `<`, `>` and `&` are written as
/// `\u003c`, `\u003e`, `\u0026`, so neither `</script>` nor `<!--` can appear,
/// and the second brace of `{{` as `\u007b`.
///
/// Keys come out sorted (through `serde_json::Value`): template values arrive
/// as tera maps, whose order changes from run to run, and a build must write
/// the same bytes every time.
pub fn json_script(v: &impl serde::Serialize) -> String {
    serde_json::to_value(v)
        .and_then(|v| serde_json::to_string(&v))
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
        // In a page's Markdown, mdBook would expand `{{#include …}}`; compact
        // JSON has `{{` only inside strings.
        .replace("{{", "{\\u007b")
}

/// Text for a terminal: control characters (C0 but line break and tab, DEL,
/// C1) become visible symbols and bidirectional overrides become U+FFFD, so
/// that content can neither move the cursor, recolour or retitle the
/// terminal, nor reorder what it shows. One character for one, so character
/// offsets into the text (a snippet's marks) stay valid.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| terminal_char(c) == c) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(terminal_char).collect())
}

fn terminal_char(c: char) -> char {
    match c {
        '\n' | '\t' => c,
        // Control Pictures: U+2400 + the code (␛ for ESC).
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\x7f' => '\u{2421}',
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
        _ => c,
    }
}

/// The escape function tera uses for every `{{ value }}` in a page template.
pub fn markdown_escape_fn(input: &str, output: &mut dyn Write) -> io::Result<()> {
    output.write_all(markdown(input).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::{markdown, terminal};

    #[test]
    fn terminal_text_shows_controls_one_for_one() {
        let hostile = "a\x1b[31mb\x07\r\u{9b}2J\u{202e}c\x7f\n\td";
        let safe = terminal(hostile);
        assert_eq!(safe, "a\u{241b}[31mb\u{2407}\u{240d}\u{fffd}2J\u{fffd}c\u{2421}\n\td");
        assert_eq!(safe.chars().count(), hostile.chars().count(), "offsets into the text stay valid");
        assert!(matches!(terminal("认真办事"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn tilde_does_not_strike_through() {
        assert_eq!(markdown("3~5天"), "3\\~5天");
    }

    #[test]
    fn link_syntax_stays_text() {
        assert_eq!(markdown("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
    }

    #[test]
    fn html_becomes_entities() {
        assert_eq!(markdown("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(markdown("a & \"b\""), "a &amp; &quot;b&quot;");
    }

    #[test]
    fn line_start_constructs_are_neutralised() {
        assert_eq!(markdown("- 项"), "\\- 项");
        assert_eq!(markdown("# 标题"), "\\# 标题");
        assert_eq!(markdown("12. 条"), "12\\. 条");
        assert_eq!(markdown("2020年"), "2020年");
        assert_eq!(markdown("长-环经济带"), "长-环经济带");
        assert_eq!(markdown("第一行\n- 第二行"), "第一行 - 第二行");
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let j = super::json_script(&"</script><script>alert(1)</script> & <!--");
        assert!(!j.contains('<') && !j.contains('>') && !j.contains('&'), "{j}");
        let back: String = serde_json::from_str(&j).unwrap();
        assert_eq!(back, "</script><script>alert(1)</script> & <!--");
    }

    #[test]
    fn html_escapes_the_five_characters_as_markdown_does() {
        let s = "<a href=\"x\" title='y'>&</a> 笔杆子";
        assert_eq!(super::html(s), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt; 笔杆子");
        assert_eq!(super::html(s), markdown(s).replace('\\', ""));
    }

    #[test]
    fn cjk_text_is_untouched() {
        let s = "办公室里无小事，“两不”、“两多”。";
        assert_eq!(markdown(s), s);
    }
}
