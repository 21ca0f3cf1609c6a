//! The question bank: authored quizzes and drills generated from the
//! structured lists, in one shape that the page widget, the practice page and
//! the LMS exports share.

pub mod drills;
pub mod exam;
pub mod export;

use crate::model::{Handbook, Question, Sections};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Single,
    Multiple,
    Truefalse,
    Fill,
    Matching,
}

/// The question bank: the authored questions and the drills, in reading order.
#[derive(Debug, Clone, Default)]
pub struct Bank {
    pub authored: Vec<Item>,
    pub drills: Vec<Item>,
}

/// A link from a question to a section that teaches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub url: String,
    pub title: String,
}

/// One question, authored or generated, with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: String,
    /// The chapter it belongs to.
    pub chapter: String,
    pub kind: Kind,
    pub prompt: String,
    /// Choices (single, multiple).
    pub options: Vec<String>,
    /// 0-based indexes of the right options (single: one; multiple: one or more).
    pub right: Vec<usize>,
    /// The answer of a true/false question.
    pub correct: Option<bool>,
    /// Accepted answers of a fill-in question.
    pub accept: Vec<String>,
    /// (left, right) pairs of a matching question.
    pub pairs: Vec<(String, String)>,
    pub explanation: Option<String>,
    pub refs: Vec<Link>,
    /// Generated from the structured lists (not authored).
    pub drill: bool,
}

impl Item {
    /// A hash of what the question asks and accepts (not its id, explanation
    /// or links): a reader's review schedule treats a question whose hash
    /// changed in a new build as new. 16 hex digits of SHA-256.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let asked = serde_json::json!([
            self.kind,
            self.prompt,
            self.options,
            self.right,
            self.correct,
            self.accept,
            self.pairs
        ]);
        let digest = Sha256::digest(asked.to_string().as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The right answer in words, for answer keys and feedback.
    pub fn answer_text(&self) -> String {
        match self.kind {
            Kind::Single | Kind::Multiple => {
                self.right.iter().filter_map(|&i| self.options.get(i)).cloned().collect::<Vec<_>>().join("；")
            }
            Kind::Truefalse => if self.correct == Some(true) { "正确" } else { "错误" }.to_string(),
            Kind::Fill => self.accept.first().cloned().unwrap_or_default(),
            Kind::Matching => self.pairs.iter().map(|(l, r)| format!("{l}—{r}")).collect::<Vec<_>>().join("；"),
        }
    }
}

pub fn links(secs: &Sections, refs: &[crate::model::Id]) -> Vec<Link> {
    refs.iter()
        .filter_map(|r| secs.get(r.as_str()))
        .map(|s| Link { url: s.url.clone(), title: s.breadcrumb.join(" › ") })
        .collect()
}

/// An authored question as an [`Item`] (the handbook is valid).
pub fn item(q: &Question, chapter: &str, secs: &Sections) -> Item {
    let kind = match q.kind.as_str() {
        "multiple" => Kind::Multiple,
        "truefalse" => Kind::Truefalse,
        "fill" => Kind::Fill,
        "matching" => Kind::Matching,
        _ => Kind::Single,
    };
    let mut right: Vec<usize> = q.answer.iter().map(|a| a.value as usize - 1).collect();
    right.extend(q.answers.iter().flatten().map(|a| a.value as usize - 1));
    Item {
        id: q.id.value.clone(),
        chapter: chapter.to_string(),
        kind,
        prompt: q.prompt.value.clone(),
        options: q.options.iter().map(|t| t.value.clone()).collect(),
        right,
        correct: q.correct.as_ref().map(|c| c.value),
        accept: q.accept.iter().map(|t| t.value.clone()).collect(),
        pairs: q.pairs.iter().map(|p| (p.left.value.clone(), p.right.value.clone())).collect(),
        explanation: q.explanation.as_ref().map(|t| t.value.clone()),
        refs: links(secs, &q.refs),
        drill: false,
    }
}

/// The authored questions of every chapter, in reading order.
pub fn authored(hb: &Handbook, secs: &Sections) -> Vec<Item> {
    let mut by_chapter: std::collections::HashMap<&str, Vec<&crate::model::QuizFile>> = Default::default();
    for qf in &hb.quizzes {
        by_chapter.entry(qf.quiz.chapter.as_str()).or_default().push(qf);
    }
    let mut out = Vec::new();
    for ch in hb.ordered() {
        for qf in by_chapter.get(ch.id().as_str()).into_iter().flatten() {
            out.extend(qf.quiz.questions.iter().map(|q| item(q, ch.id().as_str(), secs)));
        }
    }
    out
}
