//! Drills generated from the structured lists themselves: "which image does
//! 腿勤 belong to?", "fill in: 大事小事认真办、____、…". Deterministic for a
//! seed, distractors drawn from sibling lists, and never ambiguous: a
//! candidate whose answer occurs in more than one list, or whose distractor is
//! also true somewhere in the text, is dropped. The wording comes from the
//! theme's `drill.txt.tera`, so no language is built in here.

use super::{Item, Kind, links};
use crate::model::{ChapterBody, Entry, Handbook, Id, Sections};
use serde::Serialize;
use std::collections::HashMap;

/// A list of the content: an owner (an entry, a framework …) and its items.
#[derive(Debug, Clone)]
struct List {
    chapter: String,
    /// The section the list belongs to (for refs), and its title.
    owner: Id,
    title: String,
    /// Everything the owner says, children included: a distractor is "true"
    /// for an item when this contains the item.
    text: String,
    items: Vec<ListItem>,
    /// Where items without a section of their own must stand verbatim.
    source: String,
}

#[derive(Debug, Clone)]
struct ListItem {
    text: String,
    variants: Vec<String>,
    section: Option<Id>,
}

/// What a drill's wording template gets.
#[derive(Debug, Clone, Serialize)]
pub struct Phrase {
    /// `member`: which of `items` (titles of lists in the family `name`) does `item` belong to;
    /// `fill`: the list `name` with a blank in `items`;
    /// `complete`: `items` is a maxim's text with its last clause blank.
    pub kind: &'static str,
    pub chapter: String,
    pub item: String,
    pub name: String,
    pub items: Vec<String>,
}

/// Families: sibling lists a `member` question chooses among.
struct Lists {
    /// (what the family is called, its lists)
    families: Vec<(String, Vec<List>)>,
    /// Ordered lists a `fill` question blanks one item of.
    ordered: Vec<List>,
}

fn entry_list(chapter: &str, e: &Entry, secs: &Sections) -> List {
    List {
        chapter: chapter.to_string(),
        owner: e.id.clone(),
        title: e.title.value.clone(),
        text: full_text(secs, &e.id, e.points.iter().map(|p| &p.id)),
        source: String::new(),
        items: e
            .points
            .iter()
            .map(|p| ListItem { text: p.title.value.clone(), variants: vec![], section: Some(p.id.clone()) })
            .collect(),
    }
}

fn full_text<'a>(secs: &Sections, owner: &'a Id, children: impl Iterator<Item = &'a Id>) -> String {
    std::iter::once(owner)
        .chain(children)
        .filter_map(|id| secs.get(id.as_str()))
        .map(|s| format!("{}\n{}", s.title, s.text))
        .collect::<Vec<_>>()
        .join("\n")
}

fn lists(hb: &Handbook, secs: &Sections) -> Lists {
    let mut families = Vec::new();
    let mut ordered = Vec::new();
    for ch in hb.ordered() {
        let cid = ch.id().value.clone();
        let head = ch.head();
        let chapter_text = secs.get(head.id.as_str()).map(|s| s.text.clone()).unwrap_or_default();
        let chapter_list = |items: Vec<(String, Id)>| List {
            chapter: cid.clone(),
            owner: head.id.clone(),
            title: head.title.value.clone(),
            text: String::new(),
            source: String::new(),
            items: items.into_iter().map(|(t, id)| ListItem { text: t, variants: vec![], section: Some(id) }).collect(),
        };
        match &ch.body {
            ChapterBody::Overview(o) => {
                for f in &o.frameworks {
                    let items = f
                        .items
                        .iter()
                        .map(|i| ListItem {
                            text: i.text.value.clone(),
                            variants: i.variants.iter().map(|v| v.value.clone()).collect(),
                            section: None,
                        })
                        .collect();
                    ordered.push(List {
                        chapter: cid.clone(),
                        owner: f.id.clone(),
                        title: f.name.value.clone(),
                        text: String::new(),
                        source: chapter_text.clone(),
                        items,
                    });
                    let nested: Vec<List> = f
                        .items
                        .iter()
                        .filter(|i| !i.subitems.is_empty())
                        .map(|i| List {
                            chapter: cid.clone(),
                            owner: f.id.clone(),
                            title: i.text.value.clone(),
                            text: i.subitems.iter().map(|s| s.text.value.as_str()).collect::<Vec<_>>().join("、"),
                            source: chapter_text.clone(),
                            items: i
                                .subitems
                                .iter()
                                .map(|s| ListItem { text: s.text.value.clone(), variants: vec![], section: None })
                                .collect(),
                        })
                        .collect();
                    families.push((f.name.value.clone(), nested));
                }
            }
            ChapterBody::Qualities(_) | ChapterBody::Images(_) => {
                let es = match &ch.body {
                    ChapterBody::Qualities(c) => &c.entries,
                    ChapterBody::Images(c) => &c.entries,
                    _ => unreachable!(),
                };

                ordered.push(chapter_list(es.iter().map(|e| (e.title.value.clone(), e.id.clone())).collect()));
                families.push((
                    head.title.value.clone(),
                    es.iter().filter(|e| !e.points.is_empty()).map(|e| entry_list(&cid, e, secs)).collect(),
                ));
                ordered.extend(es.iter().map(|e| entry_list(&cid, e, secs)));
            }
            ChapterBody::Relationships(c) => {
                ordered.push(chapter_list(c.entries.iter().map(|e| (e.title.value.clone(), e.id.clone())).collect()));
                let as_entries: Vec<Entry> = c
                    .entries
                    .iter()
                    .map(|r| Entry {
                        id: r.id.clone(),
                        title: r.title.clone(),
                        lead: r.lead.clone(),
                        text: r.text.clone(),
                        points: r.points.clone(),
                        asks: r.asks.clone(),
                        refs: r.refs.clone(),
                    })
                    .collect();
                families.push((
                    head.title.value.clone(),
                    as_entries.iter().filter(|e| !e.points.is_empty()).map(|e| entry_list(&cid, e, secs)).collect(),
                ));
                ordered.extend(as_entries.iter().map(|e| entry_list(&cid, e, secs)));
            }
            ChapterBody::Transformations(c) => {
                ordered.push(chapter_list(c.entries.iter().map(|e| (e.title.value.clone(), e.id.clone())).collect()));
                families.push((
                    head.title.value.clone(),
                    c.entries
                        .iter()
                        .map(|t| List {
                            chapter: cid.clone(),
                            owner: t.id.clone(),
                            title: t.title.value.clone(),
                            text: full_text(
                                secs,
                                &t.id,
                                t.measures
                                    .iter()
                                    .flat_map(|m| std::iter::once(&m.id).chain(m.points.iter().map(|p| &p.id))),
                            ),
                            source: String::new(),
                            items: t
                                .measures
                                .iter()
                                .map(|m| ListItem {
                                    text: m.title.value.clone(),
                                    variants: vec![],
                                    section: Some(m.id.clone()),
                                })
                                .collect(),
                        })
                        .collect(),
                ));
                for t in &c.entries {
                    families.push((
                        t.title.value.clone(),
                        t.measures.iter().filter(|m| !m.points.is_empty()).map(|m| entry_list(&cid, m, secs)).collect(),
                    ));
                    ordered.extend(t.measures.iter().map(|m| entry_list(&cid, m, secs)));
                }
            }
            ChapterBody::Maxims(_) => {}
        }
    }
    // Drills test the source's own words: every item of a list must stand
    // verbatim in its section's text (or, without a section, in `source`);
    // a short title written for navigation does not qualify.
    let verbatim = |l: &List| {
        l.items.iter().all(|i| match &i.section {
            Some(id) => secs.get(id.as_str()).is_some_and(|s| s.text.contains(&i.text)),
            None => l.source.contains(&i.text),
        })
    };
    for (_, f) in &mut families {
        f.retain(|l| verbatim(l));
    }
    families.retain(|(_, f)| f.len() >= 3);
    ordered.retain(|l| l.items.len() >= 3 && verbatim(l));
    Lists { families, ordered }
}

/// A small deterministic generator (splitmix64): drills and exam papers must
/// not change between builds.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64, salt: &str) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
        for b in salt.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(crate) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Generates up to `per_chapter` drills for every chapter. `phrase` words a
/// drill's prompt (the theme's template); it returns `None` to skip one.
pub fn drills(
    hb: &Handbook,
    secs: &Sections,
    per_chapter: usize,
    seed: u64,
    phrase: &dyn Fn(&Phrase) -> Option<String>,
) -> Vec<Item> {
    let lists = lists(hb, secs);
    let mut titles: HashMap<&str, String> = HashMap::new();
    for c in &hb.chapters {
        titles.entry(c.id().as_str()).or_insert_with(|| c.head().title.value.clone());
    }
    let mut candidates: Vec<Item> = Vec::new();
    // Item text → the lists (owner id, title) it stands in, over the whole handbook.
    let mut owners: HashMap<&str, std::collections::BTreeSet<(&str, &str)>> = Default::default();
    for l in lists.families.iter().flat_map(|(_, f)| f).chain(&lists.ordered) {
        for i in &l.items {
            owners.entry(i.text.as_str()).or_default().insert((l.owner.as_str(), l.title.as_str()));
        }
    }

    // "Which of these does X belong to?"
    for (family_name, family) in &lists.families {
        for (li, list) in family.iter().enumerate() {
            for it in &list.items {
                // The answer must be in exactly one list of the whole handbook (counting each list once).
                let lists_with = owners.get(it.text.as_str()).map_or(0, |o| o.len());
                if lists_with != 1 {
                    continue;
                }
                let distractors: Vec<&List> = family
                    .iter()
                    .enumerate()
                    .filter(|(i, l)| {
                        *i != li && !l.text.contains(&it.text) && !l.items.iter().any(|x| x.text == it.text)
                    })
                    .map(|(_, l)| l)
                    .collect();
                if distractors.len() < 2 {
                    continue;
                }
                let mut options: Vec<String> = std::iter::once(list.title.clone())
                    .chain(distractors.iter().take(3).map(|l| l.title.clone()))
                    .collect();
                let mut rng = Rng::new(seed, &format!("{}{}", list.owner, it.text));
                rng.shuffle(&mut options);
                let right = options.iter().position(|o| *o == list.title).unwrap_or(0);
                let p = Phrase {
                    kind: "member",
                    chapter: titles.get(list.chapter.as_str()).cloned().unwrap_or_default(),
                    item: it.text.clone(),
                    name: family_name.clone(),
                    items: options.clone(),
                };
                let Some(prompt) = phrase(&p) else { continue };
                let refs = it.section.as_ref().map_or_else(
                    || links(secs, std::slice::from_ref(&list.owner)),
                    |s| links(secs, std::slice::from_ref(s)),
                );
                candidates.push(Item {
                    id: String::new(),
                    chapter: list.chapter.clone(),
                    kind: Kind::Single,
                    prompt,
                    options,
                    right: vec![right],
                    correct: None,
                    accept: vec![],
                    pairs: vec![],
                    explanation: None,
                    refs,
                    drill: true,
                });
            }
        }
    }

    // "Fill in the list: A、____、C".
    for list in &lists.ordered {
        for (i, it) in list.items.iter().enumerate() {
            if list.items.iter().filter(|x| x.text == it.text).count() != 1 {
                continue;
            }
            let shown: Vec<String> = list
                .items
                .iter()
                .enumerate()
                .map(|(j, x)| if j == i { crate::model::BLANK.to_string() } else { x.text.clone() })
                .collect();
            let p = Phrase {
                kind: "fill",
                chapter: titles.get(list.chapter.as_str()).cloned().unwrap_or_default(),
                item: it.text.clone(),
                name: list.title.clone(),
                items: shown,
            };
            let Some(prompt) = phrase(&p) else { continue };
            candidates.push(Item {
                id: String::new(),
                chapter: list.chapter.clone(),
                kind: Kind::Fill,
                prompt,
                options: vec![],
                right: vec![],
                correct: None,
                accept: std::iter::once(it.text.clone()).chain(it.variants.iter().cloned()).collect(),
                pairs: vec![],
                explanation: None,
                refs: links(secs, std::slice::from_ref(it.section.as_ref().unwrap_or(&list.owner))),
                drill: true,
            });
        }
    }

    // "Complete the maxim: 当好领航员，____" (its last clause).
    for ch in hb.ordered() {
        let ChapterBody::Maxims(m) = &ch.body else { continue };
        for e in &m.entries {
            let text = e.text.as_str();
            let Some((head, tail)) = text.rsplit_once('，') else { continue };
            if head.is_empty()
                || tail.is_empty()
                || m.entries.iter().filter(|x| x.text.value.starts_with(&format!("{head}，"))).count() != 1
            {
                continue;
            }
            let p = Phrase {
                kind: "complete",
                chapter: ch.head().title.value.clone(),
                item: tail.to_string(),
                name: ch.head().title.value.clone(),
                items: vec![format!("{head}，"), crate::model::BLANK.to_string()],
            };
            let Some(prompt) = phrase(&p) else { continue };
            candidates.push(Item {
                id: String::new(),
                chapter: ch.id().value.clone(),
                kind: Kind::Fill,
                prompt,
                options: vec![],
                right: vec![],
                correct: None,
                accept: vec![tail.to_string()],
                pairs: vec![],
                explanation: None,
                refs: links(secs, &e.refs),
                drill: true,
            });
        }
    }

    // Per chapter, a seeded choice.
    let mut by_chapter: HashMap<String, Vec<Item>> = HashMap::new();
    for c in candidates {
        by_chapter.entry(c.chapter.clone()).or_default().push(c);
    }
    let mut out = Vec::new();
    for ch in hb.ordered() {
        let cid = ch.id().as_str();
        let mut mine: Vec<Item> = by_chapter.remove(cid).unwrap_or_default();
        Rng::new(seed, cid).shuffle(&mut mine);
        mine.truncate(per_chapter);
        for (n, mut d) in mine.into_iter().enumerate() {
            d.id = format!("drill-{cid}-{}", n + 1);
            out.push(d);
        }
    }
    out
}
