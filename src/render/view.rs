//! Template views: what page templates see. Kept apart from the domain types
//! so the content schema and the template contract can change independently.

use crate::model::{ChapterBody, Entry, Handbook, Id, Point, Relationship, Sections, Text, Transformation};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ChapterView {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    /// The source's heading line, when the chapter has one.
    pub heading: Option<String>,
    /// The title of the part this chapter belongs to.
    pub part: Option<String>,
    pub intro: Vec<String>,
    /// Overview only.
    pub frameworks: Vec<FrameworkView>,
    /// Qualities, images, relationships, transformations.
    pub entries: Vec<EntryView>,
    /// Maxims only.
    pub maxims: Vec<MaximView>,
    /// The chapter's authored quiz, if it has one.
    pub quiz: Option<QuizView>,
}

/// A quiz as the page widget gets it (answers included: checking happens in the page).
#[derive(Debug, Serialize)]
pub struct QuizView {
    pub id: String,
    pub questions: Vec<QuestionView>,
}

#[derive(Debug, Serialize)]
pub struct QuestionView {
    #[serde(flatten)]
    pub item: crate::quiz::Item,
    /// Right sides of a matching question in a fixed order that gives nothing away.
    pub rights_sorted: Vec<String>,
    /// The right answer in words.
    pub answer_text: String,
    /// [`crate::quiz::Item::content_hash`]: the review schedule's check that it is the same question.
    pub hash: String,
}

impl QuizView {
    pub fn new(id: &str, items: &[&crate::quiz::Item]) -> Option<QuizView> {
        if items.is_empty() {
            return None;
        }
        let questions = items
            .iter()
            .map(|i| {
                let mut rights_sorted: Vec<String> = i.pairs.iter().map(|(_, r)| r.clone()).collect();
                rights_sorted.sort();
                QuestionView { item: (*i).clone(), rights_sorted, answer_text: i.answer_text(), hash: i.content_hash() }
            })
            .collect();
        Some(QuizView { id: id.to_string(), questions })
    }
}

/// A chapter's drills on the practice page.
#[derive(Debug, Serialize)]
pub struct PracticeGroup {
    pub chapter: String,
    pub quiz: QuizView,
}

#[derive(Debug, Serialize)]
pub struct EntryView {
    pub id: String,
    pub title: String,
    pub heading: Option<String>,
    pub lead: Option<String>,
    pub text: Vec<String>,
    /// Relationships only: the two poles.
    pub poles: Vec<String>,
    /// Points of an entry (leaves, rendered as anchored paragraphs).
    pub points: Vec<EntryView>,
    /// Measures of a transformation (entries with points of their own).
    pub measures: Vec<EntryView>,
    pub refs: Vec<LinkView>,
}

#[derive(Debug, Serialize)]
pub struct FrameworkView {
    pub id: String,
    pub name: String,
    pub items: Vec<ItemView>,
    /// Whether any item has sub-items (templates list those one per line).
    pub nested: bool,
    pub refs: Vec<LinkView>,
}

#[derive(Debug, Serialize)]
pub struct ItemView {
    pub id: String,
    pub text: String,
    pub variants: Vec<String>,
    pub subitems: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct MaximView {
    pub id: String,
    pub text: String,
    pub quote: Option<String>,
    pub refs: Vec<LinkView>,
}

/// A link to a section: its URL relative to the site root and how to label it.
#[derive(Debug, Serialize)]
pub struct LinkView {
    pub url: String,
    pub title: String,
    /// “chapter › entry › point”.
    pub breadcrumb: String,
}

pub struct Views<'a> {
    pub hb: &'a Handbook,
    pub sections: &'a Sections,
}

fn s(t: &Text) -> String {
    t.value.clone()
}

fn texts(t: &[Text]) -> Vec<String> {
    t.iter().map(s).collect()
}

impl Views<'_> {
    fn links(&self, refs: &[Id]) -> Vec<LinkView> {
        refs.iter()
            .filter_map(|r| self.sections.get(r.as_str()))
            .map(|s| LinkView { url: s.url.clone(), title: s.title.clone(), breadcrumb: s.breadcrumb.join(" › ") })
            .collect()
    }

    fn point(&self, p: &Point) -> EntryView {
        EntryView {
            id: p.id.value.clone(),
            title: s(&p.title),
            heading: None,
            lead: p.lead.as_ref().map(s),
            text: texts(&p.text),
            poles: vec![],
            points: vec![],
            measures: vec![],
            refs: self.links(&p.refs),
        }
    }

    fn entry(&self, e: &Entry) -> EntryView {
        EntryView {
            points: e.points.iter().map(|p| self.point(p)).collect(),
            ..self.point(&Point {
                id: e.id.clone(),
                title: e.title.clone(),
                lead: e.lead.clone(),
                text: e.text.clone(),
                asks: vec![],
                refs: e.refs.clone(),
            })
        }
    }

    fn relationship(&self, e: &Relationship) -> EntryView {
        EntryView {
            id: e.id.value.clone(),
            title: s(&e.title),
            heading: None,
            lead: e.lead.as_ref().map(s),
            text: texts(&e.text),
            poles: texts(&e.poles),
            points: e.points.iter().map(|p| self.point(p)).collect(),
            measures: vec![],
            refs: self.links(&e.refs),
        }
    }

    fn transformation(&self, e: &Transformation) -> EntryView {
        EntryView {
            id: e.id.value.clone(),
            title: s(&e.title),
            heading: e.heading.as_ref().map(s),
            lead: None,
            text: texts(&e.text),
            poles: vec![],
            points: vec![],
            measures: e.measures.iter().map(|m| self.entry(m)).collect(),
            refs: self.links(&e.refs),
        }
    }

    pub fn chapter(&self, ch: &crate::model::Chapter) -> ChapterView {
        let head = ch.head();
        let mut v = ChapterView {
            id: head.id.value.clone(),
            kind: ch.kind(),
            title: s(&head.title),
            heading: head.heading.as_ref().map(s),
            part: head.part.as_ref().and_then(|p| self.hb.part(p)).map(|p| s(&p.title)),
            intro: texts(&head.intro),
            frameworks: vec![],
            entries: vec![],
            maxims: vec![],
            quiz: None,
        };
        match &ch.body {
            ChapterBody::Overview(o) => {
                v.frameworks = o
                    .frameworks
                    .iter()
                    .map(|f| FrameworkView {
                        id: f.id.value.clone(),
                        name: s(&f.name),
                        items: f
                            .items
                            .iter()
                            .map(|i| ItemView {
                                id: i.id.value.clone(),
                                text: s(&i.text),
                                variants: texts(&i.variants),
                                subitems: i.subitems.iter().map(|l| s(&l.text)).collect(),
                            })
                            .collect(),
                        nested: f.items.iter().any(|i| !i.subitems.is_empty()),
                        refs: self.links(&f.refs),
                    })
                    .collect()
            }
            ChapterBody::Qualities(c) => v.entries = c.entries.iter().map(|e| self.entry(e)).collect(),
            ChapterBody::Images(c) => v.entries = c.entries.iter().map(|e| self.entry(e)).collect(),
            ChapterBody::Relationships(c) => v.entries = c.entries.iter().map(|e| self.relationship(e)).collect(),
            ChapterBody::Transformations(c) => v.entries = c.entries.iter().map(|e| self.transformation(e)).collect(),
            ChapterBody::Maxims(c) => {
                v.maxims = c
                    .entries
                    .iter()
                    .map(|m| MaximView {
                        id: m.id.value.clone(),
                        text: s(&m.text),
                        quote: m.quote.as_ref().map(s),
                        refs: self.links(&m.refs),
                    })
                    .collect()
            }
        }
        v
    }
}
