//! The hostile-content corpus: every free-text field of every content kind
//! carries one payload aimed at every context text can land in (HTML text
//! and attributes, Markdown, JavaScript strings, JSON in `<script>`, URLs,
//! the search data and its highlighted snippet, the quiz widget, the
//! live-reload overlay, the terminal, Typst, GIFT, Moodle XML). The handbook
//! stays valid, so it builds; then each field is driven into view where it
//! lands, in a real browser: its page, its search result and the page that
//! result opens, its question answered, its error in the overlay. Each time,
//! no script may have run (a canary, and every dialog), the text must read
//! literally, the page's element-and-attribute skeleton must equal the same
//! build with benign text, and no request may leave the site.

use crate::browser::{browser, file_url, outside, run_query};
use crate::cdp::Page;
use crate::common::fixture;
use handbook::pipeline::{self, BuildOptions};
use serde_json::Value;
use std::path::Path;

/// The payload: one line (a fill-in answer is typed into a one-line input).
/// `__hx()` is the canary the harness defines; `alert` is caught as well.
const PAYLOAD: &str = concat!(
    "<script>__hx()</script></script><script>__hx()</script><img src=x onerror=__hx()>",
    "\"><svg onload=__hx()>' onmouseover='__hx()' x=';alert(1);//`${__hx()}`\u{2028}\u{2029}",
    "[链接](javascript:__hx()) ![图](data:text/html,<script>__hx()</script>) <https://example.com/x> ",
    "<a href=\"javascript:__hx()\">点</a> **粗** _斜_ ~~删~~ <u>下</u> | 表 | 格 | ",
    "{{#include /etc/passwd}} {{ x }} {% x %} {# x #} ",
    "#read(\"/etc/passwd\") #eval(\"1\") $x^2$ @ref <lab> // /* ]] ",
    "]]> <!-- --> <![CDATA[x]]> <!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]> &e; &amp; &#60; ",
    "~ = # { } : \\ \\n \u{1b}[31m红\u{1b}]0;标题\u{7} \u{9b}2J \u{202e}反转\u{202c} \u{200b}零宽 -- ... 完",
);

/// Appended to paragraphs (intro and text), which take line breaks: every
/// line-start construct of Markdown.
const LINES: &str =
    "\n# 标题\n- 列表\n+ 列表\n1. 编号\n> 引用\n    代码\n```\n|a|b|\n|-|-|\n***\n=== \n[x]: javascript:__hx()\n末";

/// Where a field's text lands, beyond the page it is on.
#[derive(Clone, Copy, PartialEq)]
enum Reach {
    /// The article of its chapter page (and `print.html`).
    Page,
    /// A chapter title: `<title>`, the sidebar, `toc.html`, the heading.
    Title,
    /// Found by searching for its marker; the result opened.
    Search,
    /// A reader's question: found by its marker, shown as "匹配问题".
    Ask,
    /// The quiz widget: shown, answered, its feedback read.
    Quiz,
    /// The practice page (drills made from it).
    Practice,
    /// A settings text that shows on the first page (part titles, downloads).
    First,
    /// Search metadata: typed as a query.
    Query,
    /// The LMS exports (GIFT, Moodle XML).
    Export,
    /// The printed edition (Typst).
    Pdf,
    /// The exam papers and their key (Typst).
    Exam,
    /// The summary card (Typst): the lists alone.
    Card,
    /// The printed edition as a Word document.
    Word,
}
use Reach::*;

/// Every free-text field: its key in the template below, the page it is on,
/// and where else it lands.
const FIELDS: &[(&str, &str, &[Reach])] = &[
    ("part.title", "overview", &[Page, First, Pdf, Word]),
    ("search.synonym", "", &[Query]),
    ("search.ignore", "", &[Query]),
    ("quiz.practice_title", "practice", &[Title]),
    ("edition.title", "", &[Pdf, Word]),
    ("edition.subtitle", "", &[Pdf, Word]),
    ("edition.organisation", "", &[Pdf, Word]),
    ("edition.date", "", &[Pdf, Word]),
    ("exam.title", "", &[Exam]),
    ("overview.title", "overview", &[Title, Search, Card]),
    ("overview.heading", "overview", &[Page, Pdf, Word]),
    ("overview.intro", "overview", &[Page, Search, Pdf, Word]),
    ("overview.ask", "overview", &[Ask]),
    ("framework.name", "overview", &[Page, Search, Practice, Pdf, Card, Word]),
    ("framework.ask", "overview", &[Ask]),
    ("framework.item1", "overview", &[Page, Search, Practice, Pdf, Card, Word]),
    ("framework.item2", "overview", &[Page, Practice, Pdf, Card, Word]),
    ("framework.item3", "overview", &[Page, Practice, Pdf, Card, Word]),
    ("framework.variant", "overview", &[Page]),
    ("framework.subitem", "overview", &[Page, Pdf, Card, Word]),
    ("qualities.title", "qualities", &[Title, Search, Pdf, Card, Word]),
    ("qualities.intro", "qualities", &[Page, Search, Pdf, Word]),
    ("entry.title", "qualities", &[Page, Search, Quiz, Pdf, Card, Word]),
    ("entry.lead", "qualities", &[Page, Search, Pdf, Word]),
    ("entry.text", "qualities", &[Page, Search, Pdf, Word]),
    ("entry.ask", "qualities", &[Ask]),
    ("point.title", "qualities", &[Search, Card]),
    ("point.lead", "qualities", &[Page, Search, Pdf, Word]),
    ("point.text", "qualities", &[Page, Search, Pdf, Word]),
    ("point.ask", "qualities", &[Ask]),
    ("images.title", "images", &[Title, Search, Pdf, Card, Word]),
    ("image.title", "images", &[Page, Search, Pdf, Card, Word]),
    ("image.text", "images", &[Page, Search, Pdf, Word]),
    ("relationships.title", "relationships", &[Title, Search, Pdf, Card, Word]),
    ("relationship.title", "relationships", &[Page, Search, Pdf, Card, Word]),
    ("relationship.pole1", "relationships", &[Page, Pdf, Card, Word]),
    ("relationship.pole2", "relationships", &[Page, Pdf, Card, Word]),
    ("relationship.text", "relationships", &[Page, Search, Pdf, Word]),
    ("transformations.title", "transformations", &[Title, Search, Pdf, Card, Word]),
    ("transformation.title", "transformations", &[Search, Card]),
    ("transformation.heading", "transformations", &[Page, Pdf, Word]),
    ("transformation.text", "transformations", &[Page, Search, Pdf, Word]),
    ("measure.title", "transformations", &[Page, Search, Pdf, Card, Word]),
    ("measure.lead", "transformations", &[Page, Search, Pdf, Word]),
    ("measure.text", "transformations", &[Page, Search, Pdf, Word]),
    ("maxims.title", "maxims", &[Title, Search, Pdf, Card, Word]),
    ("maxim.text", "maxims", &[Page, Search, Pdf, Card, Word]),
    ("maxim.quote", "maxims", &[Page, Pdf, Word]),
    ("maxim.ask", "maxims", &[Ask]),
    ("single.prompt", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("single.option1", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("single.option2", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("single.explanation", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("multiple.prompt", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("multiple.option1", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("multiple.option2", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("truefalse.prompt", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("truefalse.explanation", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("fill.prompt", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("fill.accept", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("matching.prompt", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("matching.left1", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("matching.right1", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("matching.left2", "qualities", &[Quiz, Export, Pdf, Exam]),
    ("matching.right2", "qualities", &[Quiz, Export, Pdf, Exam]),
];

const SETTINGS: &str = r#"kind: handbook
chapters: [overview, qualities, images, relationships, transformations, maxims]
parts:
  - id: part-one
    title: «part.title»
search:
  ignore: [请问, «search.ignore»]
  synonyms:
    - [«search.synonym», 关照]
quiz:
  practice_title: «quiz.practice_title»
  drills: true
  drills_per_chapter: 8
print:
  editions:
    - name: trainer
      title: «edition.title»
      subtitle: «edition.subtitle»
      organisation: «edition.organisation»
      date: «edition.date»
      quizzes: answers
    - name: card
      title: 要点卡
      layout: card
      quizzes: none
  exams:
    - name: final
      title: «exam.title»
      questions: { single: 1, multiple: 1, truefalse: 1, fill: 1, matching: 1 }
      points: { single: 2, multiple: 2, truefalse: 2, fill: 2, matching: 2 }
      from: authored
"#;

const CHAPTERS: &[(&str, &str)] = &[
    (
        "overview",
        r#"kind: overview
id: overview
title: «overview.title»
part: part-one
heading: «overview.heading»
intro: [«overview.intro», «framework.items»]
asks: [«overview.ask»]
frameworks:
  - id: fw
    name: «framework.name»
    asks: [«framework.ask»]
    items:
      - { id: fw-1, text: «framework.item1», variants: [«framework.variant»] }
      - { id: fw-2, text: «framework.item2», subitems: [{ id: fw-2-a, text: «framework.subitem» }] }
      - { id: fw-3, text: «framework.item3» }
"#,
    ),
    (
        "qualities",
        r#"kind: qualities
id: qualities
title: «qualities.title»
intro: [«qualities.intro»]
entries:
  - id: entry
    title: «entry.title»
    lead: «entry.lead»
    text: [«entry.text»]
    asks: [«entry.ask»]
    points:
      - id: point
        title: «point.title»
        lead: «point.lead»
        text: [«point.text»]
        asks: [«point.ask»]
  - id: other
    title: 关照
    text: [关照同事。]
"#,
    ),
    (
        "images",
        r#"kind: images
id: images
title: «images.title»
entries:
  - id: image
    title: «image.title»
    text: [«image.text»]
"#,
    ),
    (
        "relationships",
        r#"kind: relationships
id: relationships
title: «relationships.title»
entries:
  - id: relationship
    title: «relationship.title»
    poles: [«relationship.pole1», «relationship.pole2»]
    text: [«relationship.text», «maxim.quote»]
"#,
    ),
    (
        "transformations",
        r#"kind: transformations
id: transformations
title: «transformations.title»
entries:
  - id: transformation
    title: «transformation.title»
    heading: «transformation.heading»
    text: [«transformation.text»]
    measures:
      - id: measure
        title: «measure.title»
        lead: «measure.lead»
        text: [«measure.text»]
"#,
    ),
    (
        "maxims",
        r#"kind: maxims
id: maxims
title: «maxims.title»
entries:
  - id: maxim
    text: «maxim.text»
    quote: «maxim.quote»
    refs: [relationship]
    asks: [«maxim.ask»]
"#,
    ),
];

const QUIZ: &str = r#"kind: quiz
chapter: qualities
questions:
  - id: q-single
    type: single
    prompt: «single.prompt»
    options: [«single.option1», «single.option2»]
    answer: 2
    explanation: «single.explanation»
    refs: [entry]
  - id: q-multiple
    type: multiple
    prompt: «multiple.prompt»
    options: [«multiple.option1», «multiple.option2», 第三项]
    answers: [1, 2]
    refs: [entry]
  - id: q-truefalse
    type: truefalse
    prompt: «truefalse.prompt»
    correct: true
    explanation: «truefalse.explanation»
    refs: [entry]
  - id: q-fill
    type: fill
    prompt: «fill.prompt»
    accept: [«fill.accept»]
    refs: [entry]
  - id: q-matching
    type: matching
    prompt: «matching.prompt»
    pairs:
      - { left: «matching.left1», right: «matching.right1» }
      - { left: «matching.left2», right: «matching.right2» }
    refs: [entry]
"#;

/// A field's marker: a word of its own, to search for and to find it by.
fn marker(key: &str) -> String {
    let i = FIELDS.iter().position(|f| f.0 == key).unwrap_or_else(|| panic!("no field {key}"));
    format!("hx{i:02}q")
}

fn is_paragraph(key: &str) -> bool {
    key.ends_with(".text") || key.ends_with(".intro")
}

/// A field's text in the hostile (or benign) handbook.
fn text(key: &str, hostile: bool) -> String {
    let m = marker(key);
    let body = match (hostile, is_paragraph(key)) {
        (false, _) => "良性的文字".to_string(),
        (true, false) => PAYLOAD.to_string(),
        (true, true) => format!("{PAYLOAD}{LINES}"),
    };
    let t = format!("{m} {body}");
    if key == "fill.prompt" { format!("{t} ____") } else { t }
}

/// How a text reads once shown: the documented normalisations (the loader
/// trims and collapses whitespace runs; a text value is one paragraph, so
/// line breaks and tabs read as spaces).
fn shown(s: &str) -> String {
    handbook::model::normalize_text(s).replace('\r', "").replace(['\n', '\t'], " ")
}

/// Fills the template's `«key»` slots with YAML strings.
fn fill(template: &str, hostile: bool) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('«') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('»').unwrap() + open;
        let key = &rest[open + '«'.len_utf8()..close];
        // The framework's items also stand in the intro, as the source
        // states a list before it names it (drills need them verbatim).
        let value = match key {
            "framework.items" => {
                ["framework.item1", "framework.item2", "framework.item3"].map(|k| text(k, hostile)).join("、")
            }
            _ => text(key, hostile),
        };
        out.push_str(&yaml_string(&value));
        rest = &rest[close + '»'.len_utf8()..];
    }
    out + rest
}

/// A double-quoted YAML string (JSON's, with the C1 controls YAML does not
/// take raw escaped too).
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap()
        .chars()
        .map(|c| {
            if ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{2028}' || c == '\u{2029}' {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn write_handbook(root: &Path, hostile: bool) {
    let content = root.join("content");
    for f in std::fs::read_dir(&content).unwrap() {
        let p = f.unwrap().path();
        if p.is_file() {
            std::fs::remove_file(p).unwrap();
        }
    }
    std::fs::create_dir_all(content.join("quiz")).unwrap();
    std::fs::write(content.join("handbook.yaml"), fill(SETTINGS, hostile)).unwrap();
    for (name, t) in CHAPTERS {
        std::fs::write(content.join(format!("{name}.yaml")), fill(t, hostile)).unwrap();
    }
    std::fs::write(content.join("quiz/qualities.yaml"), fill(QUIZ, hostile)).unwrap();
}

struct Built {
    dir: tempfile::TempDir,
    site: std::path::PathBuf,
}

fn built(hostile: bool) -> Built {
    let dir = fixture(None);
    write_handbook(dir.path(), hostile);
    let site = dir.path().join("book");
    let report = pipeline::build(dir.path(), &BuildOptions { out: site.clone(), ..Default::default() });
    assert!(
        report.ok(),
        "a valid handbook with {} text builds: {:#?}",
        ["benign", "hostile"][hostile as usize],
        report.diagnostics
    );
    Built { dir, site }
}

#[test]
fn every_field_of_every_kind_is_valid_with_the_payload() {
    // The template uses every field the corpus lists, and nothing else.
    let all: String = [SETTINGS, QUIZ].into_iter().chain(CHAPTERS.iter().map(|c| c.1)).collect();
    for (key, _, _) in FIELDS {
        assert!(all.contains(&format!("«{key}»")), "{key} is not in the handbook template");
    }
    assert_eq!(all.matches('«').count(), FIELDS.len() + 2, "one slot per field, the quote's again, and the items'");
    // And the payload carries every character class the contexts care about.
    for needle in [
        "<script>",
        "\"",
        "'",
        "`",
        "](javascript:",
        "data:",
        "{{#include",
        "#read(",
        "]]>",
        "<!ENTITY",
        "~",
        "=",
        "{",
        "}",
        "\u{1b}",
        "\u{9b}",
        "\u{202e}",
        "\u{2028}",
    ] {
        assert!(PAYLOAD.contains(needle), "the payload lacks {needle:?}");
    }
}

/// Defines the canary before any page script runs: the payload calls
/// `__hx()`, and `alert` and its kin count too (so no dialog blocks the page).
const CANARY: &str = "(() => { const hit = () => { window.__hx_ran = (window.__hx_ran || 0) + 1; }; \
    window.__hx = hit; window.alert = window.confirm = window.prompt = hit; })();";

/// What a page shows: its element-and-attribute skeleton, its text (title,
/// body, the overlay), and whether any payload script ran.
#[derive(Debug)]
struct Seen {
    skeleton: String,
    text: String,
    ran: bool,
    /// The page scrolls sideways (a long text widened it).
    wide: bool,
}

fn look(page: &mut Page<'_>) -> Seen {
    let v = page.eval(
        // Search data shards load as scripts; how many depends on the data's size.
        "({ skeleton: Array.from(document.querySelectorAll('*')) \
            .filter(e => !(e.tagName === 'SCRIPT' && /\\/search\\/[a-z]\\//.test(e.src))).map(e => e.tagName + '[' + \
            Array.from(e.attributes).map(a => a.name).sort().join(' ') + ']').join('\\n'), \
           text: document.title + '\\n' + document.body.textContent, ran: !!window.__hx_ran, \
           wide: document.documentElement.scrollWidth > document.documentElement.clientWidth + 1 })",
    );
    Seen {
        skeleton: v["skeleton"].as_str().unwrap().to_string(),
        text: v["text"].as_str().unwrap().to_string(),
        ran: v["ran"].as_bool().unwrap(),
        wide: v["wide"].as_bool().unwrap(),
    }
}

/// One step of the corpus: the same action on the hostile and the benign
/// build, and the checks every step makes.
struct Run<'a, 'b> {
    page: &'a mut Page<'b>,
    hostile: &'a Path,
    benign: &'a Path,
    cases: std::collections::BTreeSet<(String, &'static str)>,
}

impl Run<'_, '_> {
    /// Runs `action` on both sites; checks no script ran, no dialog opened,
    /// no request left the site, and the skeletons are equal (unless the
    /// step's text changes what is listed); returns what the hostile page
    /// shows, and leaves it open.
    fn both(&mut self, what: &str, same_shape: bool, action: &dyn Fn(&mut Page<'_>, &Path)) -> Seen {
        let mut seen = Vec::new();
        // The hostile build last, so that the page is left showing it.
        for site in [self.benign, self.hostile] {
            let (requests, dialogs) = (self.page.requests().len(), self.page.dialogs());
            action(self.page, site);
            let s = look(self.page);
            assert!(!s.ran, "{what}: a payload script ran");
            assert!(!s.wide, "{what}: the page is wider than the window (a long text widened it)");
            assert_eq!(self.page.dialogs(), dialogs, "{what}: a dialog opened");
            let out = outside(&self.page.requests()[requests..], site);
            assert!(out.is_empty(), "{what}: requests left the site: {out:?}");
            seen.push(s);
        }
        let hostile = seen.pop().unwrap();
        let benign = seen.pop().unwrap();
        if same_shape && hostile.skeleton != benign.skeleton {
            let (h, b): (Vec<&str>, Vec<&str>) =
                (hostile.skeleton.lines().collect(), benign.skeleton.lines().collect());
            let at = h.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(h.len().min(b.len()));
            panic!(
                "{what}: the hostile page's elements differ from the benign one's at element {at}:\n  hostile {:?}\n  benign  {:?}",
                &h[at.saturating_sub(2)..(at + 3).min(h.len())],
                &b[at.saturating_sub(2)..(at + 3).min(b.len())]
            );
        }
        hostile
    }

    /// Asserts `key`'s text reads literally in `seen`, and counts the case.
    fn reads(&mut self, key: &str, context: &'static str, seen: &str) {
        if let Err(e) = literal(&shown(&text(key, true)), seen) {
            panic!("{key} ({context}) does not read literally: {e}");
        }
        self.cases.insert((key.to_string(), context));
    }
}

/// Opens a page and waits until it settles: the search code is fetched once
/// the page is idle, which adds an element.
/// Whether `seen` carries `want` literally; where it stops doing so if not.
/// A line break in a text node reads as the space it is shown as.
fn literal(want: &str, seen: &str) -> Result<(), String> {
    let (want, seen) = (&want.replace('\n', " "), &seen.replace('\n', " "));
    if seen.contains(want) {
        return Ok(());
    }
    let cut = want
        .char_indices()
        .map(|(i, _)| i)
        .chain([want.len()])
        .take_while(|&i| seen.contains(&want[..i]))
        .last()
        .unwrap_or(0);
    let at = seen.find(&want[..cut]).unwrap_or(0) + cut;
    let shows: String = seen[at..].chars().take(30).collect();
    let wants: String = want[cut..].chars().take(30).collect();
    let before: String = want[..cut].chars().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
    Err(format!("after {before:?}\n  it shows    {shows:?}\n  the text is {wants:?}"))
}

fn goto(page: &mut Page<'_>, site: &Path, file: &str) {
    page.goto(&file_url(&site.join(file)));
    settle(page);
}

fn settle(page: &mut Page<'_>) {
    page.wait_for(
        "document.readyState === 'complete' && (window.HandbookSearchBase || !document.querySelector('script[data-root]'))",
    );
}

fn fields_with(r: Reach) -> impl Iterator<Item = &'static str> {
    FIELDS.iter().filter(move |f| f.2.contains(&r)).map(|f| f.0)
}

/// The question's feedback after choosing `pick` (option indexes, `true` /
/// `false`, or text for a fill-in) and submitting.
fn answer(page: &mut Page<'_>, site: &Path, qid: &str, pick: &str) {
    // Both sites share file://'s one origin and one identity: the answer the
    // other site kept for an earlier question is of a different question
    // (another hash), shown on one site and dropped on the other. Each step
    // starts with no kept answers, so both pages show the same questions.
    page.eval(
        "(() => { try { Object.keys(localStorage).filter(k => k.startsWith('handbook.quiz:')) \
           .forEach(k => localStorage.removeItem(k)); } catch (e) {} })()",
    );
    goto(page, site, "qualities.html");
    page.wait_for("document.querySelector('.quiz-questions li')");
    let li = format!("document.querySelector('li[data-qid=\"{qid}\"]')");
    match qid {
        "q-fill" => {
            page.eval(&format!("{li}.querySelector('input').focus()"));
            page.type_text(pick);
        }
        "q-matching" => {
            // Every left gets the first right in list order: at most one is right.
            page.eval(&format!(
                "{li}.querySelectorAll('select').forEach(s => {{ s.selectedIndex = 1; s.dispatchEvent(new Event('change')); }})"
            ));
        }
        _ => {
            for v in pick.split(',') {
                page.eval(&format!("{li}.querySelector('input[value=\"{v}\"]').click()"));
            }
        }
    }
    page.eval(&format!("{li}.querySelector('.quiz-submit').click()"));
    page.wait_for(&format!("{li}.querySelector('.quiz-verdict')"));
}

#[test]
fn hostile_text_in_every_field_stays_text_in_the_browser() {
    let Some(mut b) = browser() else { return };
    let (hostile, benign) = (built(true), built(false));
    let mut page = b.page();
    page.call("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": CANARY }));
    let mut run = Run { page: &mut page, hostile: &hostile.site, benign: &benign.site, cases: Default::default() };

    // Every page, as it loads: its fields, its title, the sidebar and parts.
    let mut pages: Vec<&str> = FIELDS.iter().map(|f| f.1).filter(|p| !p.is_empty()).collect();
    pages.sort_unstable();
    pages.dedup();
    for p in pages {
        let file = format!("{p}.html");
        let seen = run.both(&file, true, &|page, site| {
            goto(page, site, &file);
            page.wait_for("document.querySelector('#sidebar-chapters a')");
        });
        for (key, on, reach) in FIELDS {
            if *on != p {
                continue;
            }
            if reach.contains(&Page) {
                run.reads(key, "page", &seen.text);
            }
            if reach.contains(&Title) {
                run.reads(key, "title, heading and sidebar", &seen.text);
                let title = seen.text.split('\n').next().unwrap();
                // `document.title` collapses whitespace, and Chromium reads C0 controls as spaces.
                let as_title = |s: &str| {
                    let spaced: String = s.chars().map(|c| if c < ' ' { ' ' } else { c }).collect();
                    spaced.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
                };
                if let Err(e) = literal(&as_title(&shown(&text(key, true))), &as_title(title)) {
                    panic!("{key}: <title> does not read literally: {e}");
                }
            }
            if reach.contains(&Quiz)
                && key.contains('.')
                && !key.ends_with("explanation")
                && *key != "fill.accept"
                && *key != "entry.title"
            {
                run.reads(key, "quiz widget", &seen.text);
            }
        }
    }
    // The first page offers the printed editions; the chapter list page and
    // the print page carry every title and every text.
    let first = run.both("index.html", true, &|page, site| goto(page, site, "index.html"));
    run.reads("part.title", "first page", &first.text);
    let toc = run.both("toc.html", true, &|page, site| goto(page, site, "toc.html"));
    for key in fields_with(Title).filter(|k| *k != "quiz.practice_title") {
        run.reads(key, "toc.html", &toc.text);
    }
    let print = run.both("print.html", true, &|page, site| goto(page, site, "print.html"));
    for key in fields_with(Page) {
        run.reads(key, "print.html", &print.text);
    }
    if std::fs::metadata(hostile.site.join("pdf/trainer.pdf")).is_ok() {
        // The editions' titles and subtitles, and the exam's title (a link per form).
        for key in ["edition.title", "edition.subtitle", "exam.title"] {
            run.reads(key, "download link", &first.text);
        }
    }
    let practice = run.both("practice.html", true, &|page, site| {
        goto(page, site, "practice.html");
        page.wait_for("document.querySelector('.quiz-questions li')");
    });
    // The practice page's title, and the framework's drills: its name and
    // its items (a fill-in blanks one).
    run.reads("quiz.practice_title", "practice page title", &practice.text);
    let items = fields_with(Practice).filter(|k| k.starts_with("framework.item"));
    let shown_items: Vec<&str> = items.filter(|k| practice.text.contains(&shown(&text(k, true)))).collect();
    assert!(shown_items.len() >= 2, "the fill-in drill shows at least two of the three items: {shown_items:?}");
    for key in ["framework.name"].into_iter().chain(shown_items) {
        run.reads(key, "practice drills", &practice.text);
    }

    // Search: each field found by its marker, its result read, then opened.
    for key in fields_with(Search).chain(fields_with(Ask)) {
        let m = marker(key);
        let want = shown(&text(key, true));
        let results = run.both(&format!("search {key}"), true, &|page, site| {
            run_query(page, site, &m);
        });
        let first = run.page.eval(
            "(li => li && { title: li.querySelector('.search-result-title').textContent, \
               snippet: li.querySelector('.search-result-snippet').textContent, \
               ask: (li.querySelector('.search-result-ask') || {}).textContent || null })\
             (document.querySelector('#search-results [role=option]'))",
        );
        assert!(!first.is_null(), "{key}: no result for its marker; the page shows:\n{}", results.text);
        if FIELDS.iter().any(|f| f.0 == key && f.2.contains(&Ask)) {
            assert_eq!(first["ask"], Value::from(format!("匹配问题：{want}")), "{key}");
            run.cases.insert((key.to_string(), "search result: matched question"));
        } else if first["title"].as_str().unwrap().contains(&m) {
            let title = first["title"].as_str().unwrap().trim();
            if let Err(e) = literal(&want, title).and(literal(title, &want)) {
                panic!("{key}: the result's title does not read literally: {e}");
            }
            run.cases.insert((key.to_string(), "search result: title"));
        } else {
            // The snippet: from the marker on, literally the field's text (cut with "…").
            let snippet = first["snippet"].as_str().unwrap();
            let from = snippet.find(&m).unwrap_or_else(|| panic!("{key}: marker not in the snippet {snippet:?}"));
            let piece = snippet[from..].trim_end_matches('…');
            assert!(
                want.starts_with(piece) && piece.len() > m.len() + 20,
                "{key}: snippet {piece:?} is not the text {want:?}"
            );
            run.cases.insert((key.to_string(), "search result: highlighted snippet"));
        }
        let opened = run.both(&format!("open {key}"), true, &|page, site| {
            run_query(page, site, &m);
            page.press("Enter");
            page.wait_for("location.search.includes('highlight') && document.querySelector('#sidebar-chapters a')");
            settle(page);
        });
        // A field the page shows reads literally there, marks and all.
        if FIELDS.iter().any(|f| f.0 == key && (f.2.contains(&Page) || f.2.contains(&Title))) {
            run.reads(key, "the page a result opens (highlighted)", &opened.text);
        }
    }
    // Search metadata, typed as queries (the results differ in number, so
    // only the checks that hold for any page).
    for key in fields_with(Query) {
        let q = text(key, true);
        run.both(&format!("query {key}"), false, &|page, site| {
            run_query(page, site, &q);
        });
        let typed = run.page.eval("document.getElementById('search-input').value");
        assert_eq!(typed.as_str().unwrap(), q, "{key}: the query box holds the query as typed");
        run.cases.insert((key.to_string(), "search data and query box"));
    }
    // (The hostile group member's words are found in every hostile text, so
    // the marks differ.)
    let synonym = run.both("synonym", false, &|page, site| {
        run_query(page, site, "关照");
    });
    assert!(synonym.text.contains("相关内容"), "a query through the hostile group lists results: {}", synonym.text);
    run.cases.insert(("search.synonym".into(), "query expanded through it"));

    // The quiz: every question answered wrongly, so its feedback shows the
    // right answer, the explanation and the referenced section's title; the
    // fill-in also answered right by typing the payload.
    for (qid, pick, keys) in [
        ("q-single", "0", &["single.option2", "single.explanation", "entry.title"][..]),
        ("q-multiple", "2", &["multiple.option1", "multiple.option2"][..]),
        ("q-truefalse", "false", &["truefalse.explanation"][..]),
        ("q-fill", "错", &["fill.accept"][..]),
        ("q-matching", "", &["matching.right1", "matching.right2"][..]),
    ] {
        let seen = run.both(&format!("answer {qid}"), true, &|page, site| answer(page, site, qid, pick));
        for key in keys {
            run.reads(key, "quiz feedback", &seen.text);
        }
    }
    let accept = text("fill.accept", true);
    let right = run.both("fill typed right", false, &|page, site| {
        let typed = if site == hostile.site { accept.clone() } else { text("fill.accept", false) };
        answer(page, site, "q-fill", &typed);
    });
    assert!(right.text.contains("✓ 回答正确"), "the typed payload is the accepted answer");
    run.cases.insert(("fill.accept".into(), "typed answer"));

    // The review page (今日复习) two days on: every question answered is due,
    // asked again from its chapter's question data (a script of JSON).
    let review = run.both("review page", true, &|page, site| {
        for (qid, pick) in
            [("q-single", "0"), ("q-multiple", "2"), ("q-truefalse", "false"), ("q-fill", "错"), ("q-matching", "")]
        {
            answer(page, site, qid, pick);
        }
        let later = page.call(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": "(() => { const Real = Date, shift = 2 * 86400000;
                class Later extends Real { constructor(...a) { if (a.length) super(...a); else super(Real.now() + shift); }
                    static now() { return Real.now() + shift; } }
                window.Date = Later; })();" }),
        );
        goto(page, site, "review.html");
        page.wait_for("document.querySelectorAll('.review-questions li[data-qid]').length === 5");
        page.call("Page.removeScriptToEvaluateOnNewDocument", serde_json::json!({ "identifier": later["identifier"] }));
    });
    for key in fields_with(Quiz)
        .filter(|k| k.contains('.') && !k.ends_with("explanation") && *k != "fill.accept" && *k != "entry.title")
    {
        run.reads(key, "review page", &review.text);
    }

    let cases = run.cases.len();
    let contexts: std::collections::BTreeSet<_> = run.cases.iter().map(|c| c.1).collect();
    println!("hostile corpus in the browser: {cases} cases ({} fields, {} contexts)", FIELDS.len(), contexts.len());
    assert!(cases >= 100, "{cases} cases");
    drop(hostile.dir);
    drop(benign.dir);
}

/// Breakages that put a field's text into a diagnostic's message: the
/// file, what to replace with what (as YAML), and the field shown.
fn breakages(hostile: bool) -> Vec<(&'static str, String, String, &'static str)> {
    let y = |k: &str| yaml_string(&text(k, hostile));
    vec![
        ("content/quiz/qualities.yaml", y("single.option2"), y("single.option1"), "single.option1"),
        (
            "content/qualities.yaml",
            format!("asks: [{}]", y("entry.ask")),
            format!("asks: [{0}, {0}]", y("entry.ask")),
            "entry.ask",
        ),
        (
            "content/quiz/qualities.yaml",
            format!("left: {}", y("matching.left2")),
            format!("left: {}", y("matching.left1")),
            "matching.left1",
        ),
    ]
}

fn serve(root: &Path) -> handbook::serve::Server {
    let opts = handbook::serve::ServeOptions {
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        out: root.join("book"),
        poll: std::time::Duration::from_millis(50),
    };
    let (server, first) = handbook::serve::start(root, &opts).unwrap();
    assert!(first.ok(), "{:?}", first.diagnostics);
    server
}

#[test]
fn hostile_text_in_the_overlay_stays_text() {
    let Some(mut b) = browser() else { return };
    let mut page = b.page();
    page.call("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({ "source": CANARY }));
    let mut shown_cases = 0;
    let mut seen: Vec<Vec<Seen>> = vec![];
    for hostile in [false, true] {
        let dir = fixture(None);
        write_handbook(dir.path(), hostile);
        let server = serve(dir.path());
        let origin = format!("http://{}", server.addr);
        let mut here = vec![];
        for (file, from, to, key) in breakages(hostile) {
            let requests = page.requests().len();
            page.goto(&format!("{origin}/qualities.html"));
            page.wait_for("window.HandbookLive && window.HandbookLive.connected()");
            let path = dir.path().join(file);
            let good = std::fs::read_to_string(&path).unwrap();
            assert!(good.contains(&from), "{key}: the breakage must apply");
            std::fs::write(&path, good.replacen(&from, &to, 1)).unwrap();
            let m = marker(key);
            page.wait_for(&format!(
                "((document.getElementById('handbook-overlay') || {{}}).textContent || '').includes('{m}')"
            ));
            let s = look(&mut page);
            assert!(!s.ran, "{key}: a payload script ran in the overlay");
            let overlay = page.eval("document.getElementById('handbook-overlay').textContent");
            if hostile {
                if let Err(e) = literal(&shown(&text(key, true)), overlay.as_str().unwrap()) {
                    panic!("{key} does not read literally in the overlay: {e}");
                }
                shown_cases += 1;
            }
            let left: Vec<String> =
                page.requests()[requests..].iter().filter(|r| !r.starts_with(&origin)).cloned().collect();
            assert!(left.is_empty(), "{key}: requests left the site: {left:?}");
            std::fs::write(&path, good).unwrap();
            page.wait_for("!document.getElementById('handbook-overlay')");
            here.push(s);
        }
        // Leave the page before its server stops (it would reconnect).
        page.goto("about:blank#closed");
        server.stop();
        seen.push(here);
    }
    for (i, (b, h)) in seen[0].iter().zip(&seen[1]).enumerate() {
        assert_eq!(h.skeleton, b.skeleton, "breakage {i}: the overlay's elements differ from the benign one's");
    }
    assert_eq!(shown_cases, 3);
}

/// No raw control character, C1 control or bidi override in terminal output.
fn terminal_safe(out: &[u8]) -> Result<(), String> {
    let text = String::from_utf8_lossy(out);
    match text.chars().find(|&c| {
        (c < ' ' && c != '\n')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }) {
        Some(c) => Err(format!("{c:?} reaches the terminal in:\n{text}")),
        None => Ok(()),
    }
}

#[test]
fn hostile_text_reaches_the_terminal_only_as_visible_symbols() {
    let bin = env!("CARGO_BIN_EXE_handbook");
    let dir = fixture(None);
    write_handbook(dir.path(), true);
    let report =
        pipeline::build(dir.path(), &BuildOptions { out: dir.path().join("book"), no_pdf: true, ..Default::default() });
    assert!(report.ok(), "{:?}", report.diagnostics);
    // `search`: every searchable field's result, printed.
    let mut cases = 0;
    for key in fields_with(Search).chain(fields_with(Ask)) {
        let out = std::process::Command::new(bin)
            .args(["search", "--dir"])
            .arg(dir.path())
            .arg(marker(key))
            .output()
            .unwrap();
        assert!(out.status.success(), "{key}: {}", String::from_utf8_lossy(&out.stderr));
        if let Err(e) = terminal_safe(&out.stdout) {
            panic!("handbook search, {key}: {e}");
        }
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(&marker(key)), "{key}: not found by `handbook search`:\n{stdout}");
        // The escape sequence is there, made visible.
        assert!(stdout.contains("\u{241b}[31m") || !stdout.contains("[31m"), "{key}: {stdout}");
        cases += 1;
    }
    // `check`: each breakage's diagnostic, its message and its snippet.
    for (file, from, to, key) in breakages(true) {
        let path = dir.path().join(file);
        let good = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, good.replacen(&from, &to, 1)).unwrap();
        let out = std::process::Command::new(bin).args(["check", "--dir"]).arg(dir.path()).output().unwrap();
        assert!(!out.status.success(), "{key}: the breakage is an error");
        if let Err(e) = terminal_safe(&out.stderr) {
            panic!("handbook check, {key}: {e}");
        }
        assert!(String::from_utf8_lossy(&out.stderr).contains(&marker(key)), "{key}: the message shows the text");
        std::fs::write(&path, good).unwrap();
        cases += 1;
    }
    // A raw escape byte in a content file is a YAML error whose snippet shows it.
    let path = dir.path().join("content/images.yaml");
    let good = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, good.replacen("title: ", "title: \u{1b}[2J\u{9b}31m\u{202e}", 1)).unwrap();
    let out = std::process::Command::new(bin).args(["check", "--dir"]).arg(dir.path()).output().unwrap();
    assert!(!out.status.success());
    terminal_safe(&out.stderr).unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("content/images.yaml:"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("hostile corpus in the terminal: {} cases", cases + 1);
}

#[test]
fn hostile_text_keeps_the_exports_well_formed_and_literal() {
    let dir = fixture(None);
    write_handbook(dir.path(), true);
    let checked = pipeline::check(dir.path());
    let bank = checked.valid.expect("the hostile handbook is valid").bank;
    let items: Vec<handbook::quiz::Item> = bank.authored.into_iter().chain(bank.drills).collect();
    assert!(items.len() >= 6, "authored questions and drills: {}", items.len());
    // Moodle XML: well-formed, and every text reads back as itself, less the
    // control characters XML 1.0 cannot carry (the documented normalisation).
    let xml = handbook::quiz::export::moodle_xml(&items);
    let texts = xml_texts(&xml);
    let xml_form = |s: &str| s.chars().filter(|&c| c >= ' ' || matches!(c, '\t' | '\n' | '\r')).collect::<String>();
    let mut cases = 0;
    for (key, _, reach) in FIELDS {
        if !reach.contains(&Export) {
            continue;
        }
        let want = xml_form(&shown(&text(key, true)));
        assert!(texts.iter().any(|t| t.contains(&want)), "{key} does not read literally in Moodle XML");
        cases += 1;
    }
    // GIFT: every field stands escaped. (pygiftparser, which the quiz tests
    // read GIFT back with, ends an answer at an escaped `}`; the payload has one.)
    let gift = handbook::quiz::export::gift(&items);
    for (key, _, reach) in FIELDS {
        if reach.contains(&Export) {
            let escaped = handbook::quiz::export::gift_escape(&shown(&text(key, true)));
            assert!(gift.contains(&escaped), "{key}: not in the GIFT file as escaped text");
            cases += 1;
        }
    }
    println!("hostile corpus in the exports: {cases} cases");
}

/// The text content of every element of an XML document (entities and
/// CDATA resolved by quick-xml); panics if it is not well-formed.
fn xml_texts(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = vec![String::new()];
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("Moodle XML is not well-formed: {e}")) {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Text(t) => out.last_mut().unwrap().push_str(&t.decode().unwrap()),
            quick_xml::events::Event::GeneralRef(r) => {
                let name = r.decode().unwrap();
                let c = match name.as_ref() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    n => r.resolve_char_ref().ok().flatten().unwrap_or_else(|| panic!("unknown entity {n}")),
                };
                out.last_mut().unwrap().push(c);
            }
            quick_xml::events::Event::CData(t) => out.last_mut().unwrap().push_str(&String::from_utf8_lossy(&t)),
            quick_xml::events::Event::End(_) => out.push(String::new()),
            quick_xml::events::Event::DocType(_) => panic!("Moodle XML has a DOCTYPE"),
            _ => {}
        }
    }
    out
}

/// The edition and the exam papers as Word documents, read back by
/// python-docx: every field each holds reads literally (less the control
/// characters XML 1.0 cannot carry, line breaks as spaces), and the files
/// are valid.
#[test]
fn hostile_text_in_word_documents_stays_text() {
    let dir = fixture(None);
    write_handbook(dir.path(), true);
    let paragraphs = |bytes: Vec<u8>, name: &str| -> Option<String> {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let doc = crate::common::read_docx(&path)?;
        let all: Vec<&str> =
            doc["paragraphs"].as_array().unwrap().iter().map(|p| p["text"].as_str().unwrap()).collect();
        Some(all.join("\n"))
    };
    let report = pipeline::print_docx(dir.path(), Some("trainer"));
    assert!(report.ok(), "{:?}", report.diagnostics);
    let Some(edition) = paragraphs(report.value.unwrap().pdf, "trainer.docx") else { return };
    let report = pipeline::exam_docx(dir.path(), None, None);
    assert!(report.ok(), "{:?}", report.diagnostics);
    let files = report.value.unwrap();
    assert_eq!(
        files.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["final-A.docx", "final-B.docx", "final-key.docx"]
    );
    let papers: Vec<String> = files.into_iter().filter_map(|(name, bytes)| paragraphs(bytes, &name)).collect();
    let papers = papers.join("\n");
    let xml_form = |s: &str| s.chars().filter(|&c| c >= ' ' || c == '\t').collect::<String>();
    let mut cases = 0;
    for (reach, all, what) in [(Word, &edition, "the Word edition"), (Exam, &papers, "the Word exam papers")] {
        for key in fields_with(reach) {
            let mut want = xml_form(&shown(&text(key, true)));
            if reach == Exam {
                // A fill-in's blank is a line to write on: underlined full-width spaces.
                want = want.replace("____", &"\u{3000}".repeat(6));
            }
            if let Err(e) = literal(&want, all) {
                panic!("{key} does not read literally in {what}: {e}");
            }
            cases += 1;
        }
    }
    println!("hostile corpus in Word documents: {cases} cases");
}

#[cfg(feature = "pdf")]
#[test]
fn hostile_text_prints_literally() {
    let has_tools = std::process::Command::new("pdftotext").arg("-v").output().is_ok();
    let fonts = handbook::print::Printer::new(&Default::default()).is_ok();
    if !crate::common::require(has_tools && fonts, "pdftotext and a font for Chinese (poppler-utils, fonts-noto-cjk)") {
        return;
    }
    let dir = fixture(None);
    write_handbook(dir.path(), true);
    let pdf = dir.path().join("trainer.pdf");
    run_handbook(dir.path(), &["print"], &pdf);
    let (mut cases, mut failures) = literal_in_pdfs(&[pdf], Pdf);
    // The summary card.
    let card = dir.path().join("card.pdf");
    run_handbook(dir.path(), &["print", "--edition", "card"], &card);
    let (n, f) = literal_in_pdfs(&[card], Card);
    cases += n;
    failures.extend(f);
    // The exam papers and their key.
    let exams = dir.path().join("exams");
    run_handbook(dir.path(), &["exam"], &exams);
    let papers: Vec<_> = ["final-A.pdf", "final-B.pdf", "final-key.pdf"].map(|f| exams.join(f)).to_vec();
    let (n, f) = literal_in_pdfs(&papers, Exam);
    cases += n;
    failures.extend(f);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("hostile corpus in print: {cases} cases");
}

/// Runs `handbook ARGS --dir DIR --out OUT`, which must succeed.
#[cfg(feature = "pdf")]
fn run_handbook(dir: &Path, args: &[&str], out: &Path) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(args)
        .arg("--dir")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "handbook {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// Whether every field that reaches `reach` reads literally in the PDFs (up
/// to its control characters, which a PDF does not show): the count of those
/// that do, and what went wrong for the others.
#[cfg(feature = "pdf")]
fn literal_in_pdfs(pdfs: &[std::path::PathBuf], reach: Reach) -> (usize, Vec<String>) {
    // pdftotext breaks lines where Typst did: compare without whitespace.
    // A text may run from one page to the next, across the page footer
    // (last on a page) and the running header (the chapter's heading, some
    // lines first on the next page): each page, and each page run on into
    // the next with 0 to 8 of its first lines left out, is a place to look.
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut places: Vec<String> = Vec::new();
    for pdf in pdfs {
        let printed = std::process::Command::new("pdftotext").arg("-raw").arg(pdf).arg("-").output().unwrap().stdout;
        let printed = String::from_utf8_lossy(&printed);
        let pages: Vec<Vec<&str>> = printed
            .split('\x0c')
            .map(|p| {
                let mut lines: Vec<&str> = p.lines().filter(|l| !l.trim().is_empty()).collect();
                // The footer: a short line with the page number.
                if lines.last().is_some_and(|l| l.chars().count() <= 12 && l.chars().any(|c| c.is_ascii_digit())) {
                    lines.pop();
                }
                lines
            })
            .collect();
        places.extend(pages.iter().map(|p| squash(&p.concat())));
        for w in pages.windows(2) {
            for skip in 0..=8.min(w[1].len()) {
                places.push(squash(&(w[0].concat() + &w[1][skip..].concat())));
            }
        }
    }
    let printed = places.join("\u{0}");
    let (mut cases, mut failures) = (0, vec![]);
    for key in fields_with(reach) {
        let t = shown(&text(key, true));
        let want = squash(&t[..t.find('\u{1b}').unwrap_or(t.len())]);
        match literal(&want, &printed) {
            Ok(()) => cases += 1,
            Err(e) => failures.push(format!("{key} does not print literally: {e}")),
        }
    }
    (cases, failures)
}
