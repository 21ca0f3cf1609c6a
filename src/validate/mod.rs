//! Stage 2, validate: pure checks over the loaded model, reporting every
//! problem at once. Each diagnostic points at the line of the offending value.

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{ChapterBody, Entry, Handbook, Id, Point, Sections, Text};
use std::collections::{HashMap, HashSet};
use std::path::Path;

mod quiz;

use crate::layout::RESERVED_PAGES;

/// What is known about content files that did not load (their own errors are
/// already reported): references into them must not be reported as broken too.
#[derive(Debug, Clone, Default)]
pub struct Gaps {
    /// `true` when every content file loaded; refs and the settings' chapter
    /// list are only checked then, since their targets may be in a broken file.
    pub complete: bool,
}

/// `secs` are the handbook's [`sections`](crate::model::sections), made once per build.
pub fn validate(hb: &Handbook, secs: &Sections, gaps: &Gaps) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_settings(hb, gaps, &mut out);
    check_ids(hb, &mut out);
    check_texts(hb, &mut out);
    check_asks(secs, &mut out);
    if gaps.complete {
        // A ref may point into a file that did not load; check refs once all files do.
        check_refs(secs, &mut out);
    }
    check_kinds(hb, secs, &mut out);
    quiz::check_quizzes(hb, gaps.complete, &mut out);
    check_editions(hb, &mut out);
    check_exams(hb, &mut out);
    if gaps.complete {
        check_quiz_refs(hb, secs, &mut out);
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

fn check_settings(hb: &Handbook, gaps: &Gaps, out: &mut Vec<Diagnostic>) {
    let file = &hb.settings_file;
    let chapter_ids: Vec<&str> = hb.chapters.iter().map(|c| c.id().as_str()).collect();
    let defined: HashSet<&str> = chapter_ids.iter().copied().collect();
    let listed: HashSet<&str> = hb.settings.chapters.iter().map(Id::as_str).collect();
    if let Some(id) = &hb.settings.id
        && !Id::is_url_safe(id.as_str())
    {
        out.push(
            Diagnostic::at(file, id.pos, format!("handbook id `{id}` is not lowercase letters, digits and hyphens"))
                .with_hint("e.g. `id: office-handbook-2024`: readers' progress is kept under it"),
        );
    }
    let mut seen: HashMap<&str, &Id> = HashMap::new();
    for id in &hb.settings.chapters {
        if let Some(first) = seen.insert(id.as_str(), id) {
            out.push(
                Diagnostic::at(file, id.pos, format!("chapter `{id}` is listed twice"))
                    .with_label(file, first.pos, "first listed here")
                    .with_hint("list each chapter once"),
            );
        } else if gaps.complete && !defined.contains(id.as_str()) {
            out.push(unknown(file, id, "chapter", chapter_ids.iter().copied()));
        }
    }
    // Ids run together by a full-width separator (`[a，b]`) are one unknown
    // chapter, reported above with the hint: not each a chapter left out too.
    let run_together: HashSet<&str> = listed
        .iter()
        .filter(|l| full_width_separator(l).is_some())
        .flat_map(|l| l.split(FULL_WIDTH_SEPARATORS))
        .map(str::trim)
        .collect();
    for ch in &hb.chapters {
        let id = ch.id();
        if !listed.contains(id.as_str()) && !run_together.contains(id.as_str()) {
            out.push(
                Diagnostic::at(&ch.file, id.pos, format!("chapter `{id}` is not listed in the settings")).with_hint(
                    format!("add `{id}` to `chapters:` in {} where it belongs in reading order", file.display()),
                ),
            );
        }
        if RESERVED_PAGES.contains(&id.as_str()) {
            out.push(
                Diagnostic::at(&ch.file, id.pos, format!("chapter id `{id}` is reserved"))
                    .with_hint(format!("the site writes {id}.html itself; pick another id")),
            );
        }
        if let Some(part) = &ch.head().part
            && hb.part(part).is_none()
        {
            let parts = hb.settings.parts.iter().map(|p| p.id.as_str());
            out.push(unknown(&ch.file, part, "part", parts));
        }
    }
}

fn unknown<'a>(file: &Path, id: &Id, what: &str, known: impl Iterator<Item = &'a str>) -> Diagnostic {
    let known: Vec<&str> = known.collect();
    let d = Diagnostic::at(file, id.pos, format!("unknown {what} `{id}`"));
    if let Some(hint) = full_width_separator(id.as_str()) {
        return d.with_hint(hint);
    }
    match did_you_mean(id.as_str(), known.iter().copied()) {
        Some(m) => d.with_hint(format!("did you mean `{m}`?")),
        None => d.with_hint(format!("no {what} has this id; check the spelling or define it")),
    }
}

/// What a Chinese input method types between list items.
const FULL_WIDTH_SEPARATORS: [char; 3] = ['，', '、', '；'];

/// A hint when `item`, one item of a list, holds the separator a Chinese
/// input method types (`[a，b]` is one item to YAML, not two).
pub(crate) fn full_width_separator(item: &str) -> Option<String> {
    let sep = item.chars().find(|c| FULL_WIDTH_SEPARATORS.contains(c))?;
    Some(format!(
        "`{sep}` is text to YAML, so `{item}` is one item: separate the items of a list with ASCII commas, `[a, b]` (switch the input method to English punctuation)"
    ))
}

/// Every id a handbook defines, with the file that defines it.
fn defined_ids(hb: &Handbook) -> Vec<(&Path, &Id)> {
    let mut ids: Vec<(&Path, &Id)> = hb.settings.parts.iter().map(|p| (hb.settings_file.as_path(), &p.id)).collect();
    for ch in &hb.chapters {
        let f = ch.file.as_path();
        ids.push((f, ch.id()));
        match &ch.body {
            ChapterBody::Overview(o) => {
                for fw in &o.frameworks {
                    ids.push((f, &fw.id));
                    for item in &fw.items {
                        ids.push((f, &item.id));
                        ids.extend(item.subitems.iter().map(|s| (f, &s.id)));
                    }
                }
            }
            ChapterBody::Qualities(c) => entry_ids(f, &c.entries, &mut ids),
            ChapterBody::Images(c) => entry_ids(f, &c.entries, &mut ids),
            ChapterBody::Relationships(c) => {
                for e in &c.entries {
                    ids.push((f, &e.id));
                    ids.extend(e.points.iter().map(|p| (f, &p.id)));
                }
            }
            ChapterBody::Transformations(c) => {
                for e in &c.entries {
                    ids.push((f, &e.id));
                    entry_ids(f, &e.measures, &mut ids);
                }
            }
            ChapterBody::Maxims(c) => ids.extend(c.entries.iter().map(|m| (f, &m.id))),
        }
    }
    for qf in &hb.quizzes {
        ids.extend(qf.quiz.questions.iter().map(|q| (qf.file.as_path(), &q.id)));
    }
    ids
}

fn entry_ids<'a>(f: &'a Path, es: &'a [Entry], ids: &mut Vec<(&'a Path, &'a Id)>) {
    for e in es {
        ids.push((f, &e.id));
        ids.extend(e.points.iter().map(|p| (f, &p.id)));
    }
}

fn check_ids(hb: &Handbook, out: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, (&Path, &Id)> = HashMap::new();
    for (file, id) in defined_ids(hb) {
        if !Id::is_url_safe(id.as_str()) {
            out.push(
                Diagnostic::at(file, id.pos, format!("id `{id}` is not URL-safe"))
                    .with_hint("ids appear in URLs and anchors: use lowercase ASCII letters and digits joined by single hyphens, e.g. `bi-gan-zi`"),
            );
        }
        if let Some((f0, id0)) = first.get(id.as_str()) {
            out.push(
                Diagnostic::at(file, id.pos, format!("duplicate id `{id}`"))
                    .with_label(*f0, id0.pos, "first defined here")
                    .with_hint("ids must be unique across all content files; rename one"),
            );
        } else {
            first.insert(id.as_str(), (file, id));
        }
    }
}

/// Every text field of the handbook with its field name, for the empty-text check.
fn texts(hb: &Handbook) -> Texts<'_> {
    let mut t: Texts<'_> = hb.settings.parts.iter().map(|p| (hb.settings_file.as_path(), "title", &p.title)).collect();
    for ch in &hb.chapters {
        let f = ch.file.as_path();
        let head = ch.head();
        t.push((f, "title", &head.title));
        t.extend(head.heading.iter().map(|x| (f, "heading", x)));
        t.extend(head.intro.iter().map(|x| (f, "intro", x)));
        match &ch.body {
            ChapterBody::Overview(o) => {
                for fw in &o.frameworks {
                    t.push((f, "name", &fw.name));
                    for item in &fw.items {
                        t.push((f, "text", &item.text));
                        t.extend(item.variants.iter().map(|x| (f, "variants", x)));
                        t.extend(item.subitems.iter().map(|s| (f, "text", &s.text)));
                    }
                }
            }
            ChapterBody::Qualities(c) => c.entries.iter().for_each(|e| entry_texts(f, e, &mut t)),
            ChapterBody::Images(c) => c.entries.iter().for_each(|e| entry_texts(f, e, &mut t)),
            ChapterBody::Relationships(c) => {
                for e in &c.entries {
                    t.push((f, "title", &e.title));
                    t.extend(e.poles.iter().map(|x| (f, "poles", x)));
                    t.extend(e.lead.iter().map(|x| (f, "lead", x)));
                    t.extend(e.text.iter().map(|x| (f, "text", x)));
                    e.points.iter().for_each(|p| point_texts(f, p, &mut t));
                }
            }
            ChapterBody::Transformations(c) => {
                for e in &c.entries {
                    t.push((f, "title", &e.title));
                    t.extend(e.heading.iter().map(|x| (f, "heading", x)));
                    t.extend(e.text.iter().map(|x| (f, "text", x)));
                    e.measures.iter().for_each(|m| entry_texts(f, m, &mut t));
                }
            }
            ChapterBody::Maxims(c) => {
                for m in &c.entries {
                    t.push((f, "text", &m.text));
                    t.extend(m.quote.iter().map(|x| (f, "quote", x)));
                }
            }
        }
    }
    for qf in &hb.quizzes {
        let f = qf.file.as_path();
        for q in &qf.quiz.questions {
            t.push((f, "prompt", &q.prompt));
            t.extend(q.options.iter().map(|x| (f, "options", x)));
            t.extend(q.accept.iter().map(|x| (f, "accept", x)));
            t.extend(q.pairs.iter().flat_map(|p| [(f, "left", &p.left), (f, "right", &p.right)]));
            t.extend(q.explanation.iter().map(|x| (f, "explanation", x)));
        }
    }
    t
}

type Texts<'a> = Vec<(&'a Path, &'static str, &'a Text)>;

fn point_texts<'a>(f: &'a Path, p: &'a Point, t: &mut Texts<'a>) {
    t.push((f, "title", &p.title));
    t.extend(p.lead.iter().map(|x| (f, "lead", x)));
    t.extend(p.text.iter().map(|x| (f, "text", x)));
}

fn entry_texts<'a>(f: &'a Path, e: &'a Entry, t: &mut Texts<'a>) {
    t.push((f, "title", &e.title));
    t.extend(e.lead.iter().map(|x| (f, "lead", x)));
    t.extend(e.text.iter().map(|x| (f, "text", x)));
    e.points.iter().for_each(|p| point_texts(f, p, t));
}

fn check_texts(hb: &Handbook, out: &mut Vec<Diagnostic>) {
    for (file, field, text) in texts(hb) {
        if text.value.trim().is_empty() {
            out.push(
                Diagnostic::at(file, text.pos, format!("empty text in `{field}`"))
                    .with_hint(format!("write the text, or remove `{field}` if it is optional")),
            );
        }
    }
}

/// An ask as compared with others and with its title: letters, digits and
/// Han characters only, lowercased ("怎么写报告？" and "怎么写报告" are one ask).
fn ask_key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Asks are search data that lead a reader's question to one section: an
/// empty one finds nothing, a repeated one ranks two sections for one
/// question, and one that is the title adds nothing the title does not.
fn check_asks(secs: &Sections, out: &mut Vec<Diagnostic>) {
    // Every ask of a big handbook is looked up here twice: a fast hasher.
    use rustc_hash::FxHashMap;
    let total = secs.iter().map(|s| s.asks.len()).sum();
    let mut elsewhere: FxHashMap<String, (&Path, &Text, &str)> =
        FxHashMap::with_capacity_and_hasher(total, Default::default());
    let mut here: FxHashMap<String, &Text> = FxHashMap::default();
    for s in secs.iter() {
        let title = ask_key(&s.title);
        here.clear();
        for ask in &s.asks {
            let key = ask_key(&ask.value);
            if key.is_empty() {
                out.push(
                    Diagnostic::at(&s.file, ask.pos, "an ask with no words")
                        .with_hint("write a question a reader would type, in their words, or remove the line"),
                );
                continue;
            }
            if let Some(first) = here.insert(key.clone(), ask) {
                out.push(
                    Diagnostic::at(&s.file, ask.pos, format!("`{}` asks “{}” twice", s.id, ask.value))
                        .with_label(&s.file, first.pos, "first asked here")
                        .with_hint("remove the repeated ask"),
                );
                continue;
            }
            if key == title {
                out.push(
                    Diagnostic::at(&s.file, ask.pos, format!("the ask “{}” only repeats the title", ask.value))
                        .as_warning()
                        .with_hint("the title is searched already; write the question as a reader would put it"),
                );
            }
            match elsewhere.get(&key) {
                Some((file, first, id)) if *id != s.id.as_str() => out.push(
                    Diagnostic::at(&s.file, ask.pos, format!("`{}` and `{id}` both ask “{}”", s.id, ask.value))
                        .as_warning()
                        .with_label(file, first.pos, format!("asked for `{id}` here"))
                        .with_hint("an ask should lead to the one section that answers it; keep it there, or make each more specific"),
                ),
                Some(_) => {}
                None => {
                    elsewhere.insert(key, (s.file.as_path(), ask, s.id.as_str()));
                }
            }
        }
    }
}

fn check_refs(secs: &Sections, out: &mut Vec<Diagnostic>) {
    for s in secs.iter() {
        for r in &s.refs {
            if secs.get(r.as_str()).is_none() {
                out.push(unknown(&s.file, r, "ref", secs.iter().map(|t| t.id.as_str())));
            } else if r.value == s.id.value {
                out.push(
                    Diagnostic::at(&s.file, r.pos, format!("`{r}` refers to itself"))
                        .with_hint("refs point to other sections that state or expand the same idea"),
                );
            }
        }
    }
}

/// What editions and exams share: a name that names files (URL-safe,
/// unique among its kind) and chapters that exist.
fn check_named(hb: &Handbook, what: &str, hint: &str, named: &[(&Id, &[Id])], out: &mut Vec<Diagnostic>) {
    let file = hb.settings_file.as_path();
    for (i, (name, chapters)) in named.iter().enumerate() {
        if !Id::is_url_safe(name.as_str()) {
            out.push(Diagnostic::at(file, name.pos, format!("{what} name `{name}` is not URL-safe")).with_hint(hint));
        }
        if named[..i].iter().any(|(x, _)| x.value == name.value) {
            out.push(
                Diagnostic::at(file, name.pos, format!("duplicate {what} `{name}`"))
                    .with_hint(format!("{what} names are unique")),
            );
        }
        for c in chapters.iter() {
            if !hb.chapters.iter().any(|ch| ch.id().value == c.value) {
                out.push(unknown(file, c, "chapter", hb.chapters.iter().map(|ch| ch.id().as_str())));
            }
        }
    }
}

fn check_editions(hb: &Handbook, out: &mut Vec<Diagnostic>) {
    let file = hb.settings_file.as_path();
    let eds = &hb.settings.print.editions;
    let named: Vec<(&Id, &[Id])> = eds.iter().map(|e| (&e.name, e.chapters.as_slice())).collect();
    let hint = "it names the PDF file: lowercase ASCII letters and digits joined by hyphens, e.g. `trainer`";
    check_named(hb, "edition", hint, &named, out);
    for e in eds {
        for (field, value, allowed) in [
            ("quizzes", &e.quizzes, &["none", "questions", "answers"][..]),
            ("paper", &e.paper, &["a4", "a5"][..]),
            ("layout", &e.layout, &["book", "card"][..]),
        ] {
            if let Some(v) = value
                && !allowed.contains(&v.as_str())
            {
                out.push(
                    Diagnostic::at(file, v.pos, format!("unknown {field} `{}`", v.value))
                        .with_hint(format!("{field}: one of {}", allowed.join(", "))),
                );
            }
        }
    }
}

fn check_exams(hb: &Handbook, out: &mut Vec<Diagnostic>) {
    let file = hb.settings_file.as_path();
    let exams = &hb.settings.print.exams;
    let named: Vec<(&Id, &[Id])> = exams.iter().map(|e| (&e.name, e.chapters.as_slice())).collect();
    let hint = "it names the PDF files: lowercase ASCII letters and digits joined by hyphens, e.g. `final`";
    check_named(hb, "exam", hint, &named, out);
    for e in exams {
        if let Some(v) = &e.from
            && !["authored", "drills", "both"].contains(&v.as_str())
        {
            out.push(
                Diagnostic::at(file, v.pos, format!("unknown from `{}`", v.value))
                    .with_hint("from: one of authored, drills, both"),
            );
        }
        if !(1..=26).contains(&e.forms) {
            out.push(
                Diagnostic::at(file, e.name.pos, format!("exam `{}` has {} forms", e.name, e.forms))
                    .with_hint("forms: 1 to 26 (A to Z)"),
            );
        }
        let asked: Vec<&str> = e.questions.each().into_iter().filter(|(_, n)| *n > 0).map(|(k, _)| k).collect();
        if asked.is_empty() {
            out.push(
                Diagnostic::at(file, e.name.pos, format!("exam `{}` asks no questions", e.name))
                    .with_hint("under `questions:`, say how many of each type, e.g. `single: 10`"),
            );
        }
        for k in asked.iter().filter(|k| e.points.get(k) == 0) {
            out.push(
                Diagnostic::at(file, e.name.pos, format!("exam `{}` asks `{k}` questions worth no points", e.name))
                    .with_hint(format!("under `points:`, give each `{k}` question its points, e.g. `{k}: 2`")),
            );
        }
    }
}

fn check_quiz_refs(hb: &Handbook, secs: &Sections, out: &mut Vec<Diagnostic>) {
    for qf in &hb.quizzes {
        for q in &qf.quiz.questions {
            for r in &q.refs {
                if secs.get(r.as_str()).is_none() {
                    out.push(unknown(&qf.file, r, "ref", secs.iter().map(|t| t.id.as_str())));
                }
            }
        }
    }
}

fn check_kinds(hb: &Handbook, secs: &Sections, out: &mut Vec<Diagnostic>) {
    for ch in &hb.chapters {
        match &ch.body {
            ChapterBody::Relationships(c) => {
                for e in &c.entries {
                    if e.poles.len() != 2 {
                        out.push(
                            Diagnostic::at(
                                &ch.file,
                                e.id.pos,
                                format!("relationship `{}` has {} poles", e.id, e.poles.len()),
                            )
                            .with_hint("a relationship balances exactly two poles, e.g. `poles: [大事, 小事]`"),
                        );
                    }
                }
            }
            ChapterBody::Maxims(c) => {
                for m in &c.entries {
                    if m.refs.is_empty() {
                        out.push(
                            Diagnostic::at(&ch.file, m.id.pos, format!("maxim `{}` has no refs", m.id))
                                .with_hint("name the section(s) where the text states this maxim in `refs:`"),
                        );
                    }
                    let Some(q) = &m.quote else { continue };
                    let targets: Vec<&crate::model::Section> =
                        m.refs.iter().filter_map(|r| secs.get(r.as_str())).collect();
                    if !targets.is_empty() && !targets.iter().any(|s| s.text.contains(q.as_str())) {
                        let names: Vec<&str> = targets.iter().map(|s| s.id.as_str()).collect();
                        out.push(
                            Diagnostic::at(
                                &ch.file,
                                q.pos,
                                format!("quote of maxim `{}` is not in the text it refers to", m.id),
                            )
                            .with_hint(format!(
                                "a quote repeats the source's own words exactly; copy it from the text of {}",
                                names.join(", ")
                            )),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

/// The exam papers' words: every `{name}` must be one its line can fill.
pub fn check_exam_words(words: &crate::model::ExamWords) -> Vec<Diagnostic> {
    let file = crate::layout::EXAM_WORDS;
    let mut out = Vec::new();
    for (line, allowed) in words.lines() {
        for name in line.unclosed() {
            out.push(
                Diagnostic::at(file, line.pos, format!("`{{{name}` has no closing brace: it prints as written"))
                    .with_hint(format!("write `{{{name}}}` to show the value, or leave the brace out"))
                    .as_warning(),
            );
        }
        for name in line.names() {
            if !allowed.contains(&name) {
                let d = Diagnostic::at(file, line.pos, format!("`{{{name}}}` is not a value this line can show"));
                out.push(match crate::diagnostic::did_you_mean(name, allowed.iter().copied()) {
                    Some(m) => d.with_hint(format!("did you mean `{{{m}}}`?")),
                    None if allowed.is_empty() => d.with_hint("this line takes no values: write it as plain text"),
                    None => d.with_hint(format!(
                        "values here: {}",
                        allowed.iter().map(|a| format!("{{{a}}}")).collect::<Vec<_>>().join(", ")
                    )),
                });
            }
        }
    }
    out
}
