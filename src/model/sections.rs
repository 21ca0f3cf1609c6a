//! The one flat view of every addressable section of a handbook.
//!
//! Produced once from the model and shared by validation (ids, refs, quotes),
//! the site's anchors, search and the print edition, so that they can never
//! disagree about what `page.html#anchor` means.

use super::{ChapterBody, Entry, Handbook, Id, Point, Text};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Chapter,
    Framework,
    Entry,
    Point,
    Maxim,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub id: Id,
    pub kind: SectionKind,
    /// The content file that defines it, relative to the handbook root.
    pub file: PathBuf,
    /// The chapter (page) it lives on.
    pub chapter: String,
    /// `chapter.html` for a chapter, `chapter.html#id` for anything inside it.
    pub url: String,
    /// Titles from the chapter down to this section, this one last.
    pub breadcrumb: Vec<String>,
    pub title: String,
    /// Its own text (paragraphs joined by newlines), without its children.
    pub text: String,
    /// Ids it refers to, as written.
    pub refs: Vec<Id>,
    /// Questions it answers, in readers' words (search data, not text).
    pub asks: Vec<Text>,
}

/// The sections in reading order, with a lookup by id: refs, quotes and
/// drills look sections up by id all the time, and a linear scan per lookup
/// made a 1000× handbook quadratic.
#[derive(Debug, Clone, Default)]
pub struct Sections {
    list: Vec<Section>,
    /// Id → index of its first definition (duplicates are reported by validation).
    by_id: HashMap<String, usize>,
}

impl Sections {
    /// The section an id names (its first definition).
    pub fn get(&self, id: &str) -> Option<&Section> {
        self.by_id.get(id).map(|&i| &self.list[i])
    }
}

impl std::ops::Deref for Sections {
    type Target = [Section];

    fn deref(&self) -> &[Section] {
        &self.list
    }
}

/// Every section in reading order (chapters in `settings.chapters` order, then
/// any chapter the settings forgot, so that its ids are still checked).
pub fn sections(hb: &Handbook) -> Sections {
    let mut chapters = hb.ordered();
    let listed: HashSet<*const super::Chapter> = chapters.iter().map(|c| *c as *const _).collect();
    chapters.extend(hb.chapters.iter().filter(|c| !listed.contains(&(*c as *const _))));
    let mut b = Builder::default();
    for ch in chapters {
        let head = ch.head();
        b.page = head.id.value.clone();
        b.file = ch.file.clone();
        let mut text: Vec<&Text> = Vec::new();
        if let Some(part) = head.part.as_ref().and_then(|p| hb.part(p)) {
            text.push(&part.title);
        }
        text.extend(head.heading.iter());
        text.extend(head.intro.iter());
        b.push(&head.id, SectionKind::Chapter, &[], &head.title, join(text), &[], &head.asks);
        let crumbs = [head.title.value.clone()];

        match &ch.body {
            ChapterBody::Overview(o) => {
                for f in &o.frameworks {
                    let items: Vec<String> = f
                        .items
                        .iter()
                        .map(|item| {
                            let mut line = item.text.value.clone();
                            for v in &item.variants {
                                line.push('／');
                                line.push_str(&v.value);
                            }
                            if !item.subitems.is_empty() {
                                let subs: Vec<&str> = item.subitems.iter().map(|s| s.text.as_str()).collect();
                                line.push_str(&format!("（{}）", subs.join("、")));
                            }
                            line
                        })
                        .collect();
                    b.push(&f.id, SectionKind::Framework, &crumbs, &f.name, items.join("、"), &f.refs, &f.asks);
                }
            }
            ChapterBody::Qualities(q) => b.entries(&crumbs, &q.entries),
            ChapterBody::Images(q) => b.entries(&crumbs, &q.entries),
            ChapterBody::Relationships(r) => {
                for e in &r.entries {
                    let text = join(e.lead.iter().chain(&e.text));
                    b.push(&e.id, SectionKind::Entry, &crumbs, &e.title, text, &e.refs, &e.asks);
                    b.points(&[crumbs[0].clone(), e.title.value.clone()], &e.points);
                }
            }
            ChapterBody::Transformations(t) => {
                for e in &t.entries {
                    let text = join(e.heading.iter().chain(&e.text));
                    b.push(&e.id, SectionKind::Entry, &crumbs, &e.title, text, &e.refs, &e.asks);
                    b.entries(&[crumbs[0].clone(), e.title.value.clone()], &e.measures);
                }
            }
            ChapterBody::Maxims(m) => {
                for e in &m.entries {
                    let text = join(e.quote.iter());
                    b.push(&e.id, SectionKind::Maxim, &crumbs, &e.text, text, &e.refs, &e.asks);
                }
            }
        }
    }
    let mut by_id = HashMap::with_capacity(b.out.len());
    for (i, s) in b.out.iter().enumerate() {
        by_id.entry(s.id.value.clone()).or_insert(i);
    }
    Sections { list: b.out, by_id }
}

#[derive(Default)]
struct Builder {
    out: Vec<Section>,
    page: String,
    file: PathBuf,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        id: &Id,
        kind: SectionKind,
        crumbs: &[String],
        title: &Text,
        text: String,
        refs: &[Id],
        asks: &[Text],
    ) {
        let url = if kind == SectionKind::Chapter {
            format!("{}.html", self.page)
        } else {
            format!("{}.html#{}", self.page, id.value)
        };
        let mut breadcrumb = crumbs.to_vec();
        breadcrumb.push(title.value.clone());
        self.out.push(Section {
            id: id.clone(),
            kind,
            file: self.file.clone(),
            chapter: self.page.clone(),
            url,
            breadcrumb,
            title: title.value.clone(),
            text,
            refs: refs.to_vec(),
            asks: asks.to_vec(),
        });
    }

    fn entries(&mut self, crumbs: &[String], entries: &[Entry]) {
        for e in entries {
            let text = join(e.lead.iter().chain(&e.text));
            self.push(&e.id, SectionKind::Entry, crumbs, &e.title, text, &e.refs, &e.asks);
            let mut sub = crumbs.to_vec();
            sub.push(e.title.value.clone());
            self.points(&sub, &e.points);
        }
    }

    fn points(&mut self, crumbs: &[String], points: &[Point]) {
        for p in points {
            let text = join(p.lead.iter().chain(&p.text));
            self.push(&p.id, SectionKind::Point, crumbs, &p.title, text, &p.refs, &p.asks);
        }
    }
}

fn join<'a>(texts: impl IntoIterator<Item = &'a Text>) -> String {
    texts.into_iter().map(|t| t.as_str()).collect::<Vec<_>>().join("\n")
}
