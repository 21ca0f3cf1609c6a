//! Questions with known answers, asked of the search: how many find an answer
//! first, and which do not, with the section an ask would fix.
//!
//! Asks close the gap between readers' words and the handbook's only as far
//! as an author knows how readers ask; the questions new staff really typed,
//! kept in a file with the sections that answer them, say where the asks fall
//! short. `handbook search --eval FILE` runs them through the ranking
//! `handbook search` uses, and the project's scorer measures its own query
//! sets with [`Summary`] too.

use super::SearchResult;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{Id, Sections, Text};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One question of a questions file: `{ q: …, answers: [id, …] }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The question as a reader typed it.
    pub q: Text,
    /// Every section that answers it.
    pub answers: Vec<Id>,
}

/// How many results a question is judged on.
pub const LOOK_AT: usize = 10;

/// What the search did with one question.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub q: String,
    pub answers: Vec<String>,
    /// Rank of its first answer among the first [`LOOK_AT`] results, from 1.
    pub rank: Option<usize>,
    /// That answer's id.
    pub found: Option<String>,
    /// The first result, if anything was found.
    pub first: Option<SearchResult>,
}

impl Outcome {
    /// Judges `results` (best first) against the question's answers.
    pub fn of(question: &Question, results: Vec<SearchResult>) -> Outcome {
        let answers: Vec<String> = question.answers.iter().map(|a| a.value.clone()).collect();
        let at = results.iter().take(LOOK_AT).position(|r| answers.contains(&r.id));
        let found = at.map(|p| results[p].id.clone());
        Outcome {
            q: question.q.value.clone(),
            answers,
            rank: at.map(|p| p + 1),
            found,
            first: results.into_iter().next(),
        }
    }
}

/// The totals of a list of questions: answered first, answered in the first
/// three, and the mean reciprocal rank (over the first [`LOOK_AT`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Summary {
    pub questions: usize,
    pub first: usize,
    pub top3: usize,
    pub mrr: f64,
}

impl Summary {
    pub fn of(ranks: impl IntoIterator<Item = Option<usize>>) -> Summary {
        let mut s = Summary::default();
        for rank in ranks {
            s.questions += 1;
            if let Some(r) = rank.filter(|&r| r <= LOOK_AT) {
                s.first += usize::from(r == 1);
                s.top3 += usize::from(r <= 3);
                s.mrr += 1.0 / r as f64;
            }
        }
        if s.questions > 0 {
            s.mrr /= s.questions as f64;
        }
        s
    }

    /// hit@1: the share of questions whose first result is an answer.
    pub fn hit1(&self) -> f64 {
        self.first as f64 / self.questions.max(1) as f64
    }

    /// hit@3: the share with an answer among the first three.
    pub fn hit3(&self) -> f64 {
        self.top3 as f64 / self.questions.max(1) as f64
    }
}

/// Every problem of a questions file `rel` at once: none, an empty question,
/// an answer that is no section's id. A question without answers is no
/// problem: it is a search whose reader opened nothing, shown by [`unanswered`].
pub fn check(questions: &[Question], secs: &Sections, rel: &Path) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    if questions.is_empty() {
        problems.push(
            Diagnostic::in_file(rel, "no questions")
                .with_hint("list questions as `- { q: 怎样写好材料, answers: [bi-gan-zi] }`, one per line"),
        );
    }
    for q in questions {
        if q.q.value.trim().is_empty() {
            problems.push(
                Diagnostic::at(rel, q.q.pos, "empty question").with_hint("write the question as a reader typed it"),
            );
        }
        for a in q.answers.iter().filter(|a| secs.get(a.as_str()).is_none()) {
            let d = Diagnostic::at(rel, a.pos, format!("no section has the id `{a}`"));
            problems.push(match did_you_mean(a.as_str(), secs.iter().map(|s| s.id.as_str())) {
                Some(m) => d.with_hint(format!("did you mean `{m}`?")),
                None => d.with_hint("answers are section ids, as in the content files' `id:` fields"),
            });
        }
    }
    problems
}

/// The warning for a question whose first result is not an answer: what came
/// first, where its answer came, and that answer's section, where an ask would go.
pub fn miss(rel: &Path, q: &Question, o: &Outcome, secs: &Sections) -> Diagnostic {
    let first = match &o.first {
        None => "nothing was found".to_string(),
        Some(r) => {
            let via = r.ask.as_ref().map(|a| format!(", found through its ask 「{a}」")).unwrap_or_default();
            format!("the first result is {} (`{}`){via}", r.title, r.id)
        }
    };
    let answer = match o.rank {
        Some(r) => format!("its first answer comes at {r}"),
        None => format!("no answer is among the first {LOOK_AT}"),
    };
    // The answer that ranked best, or the first listed: where an ask would help.
    let best = o.found.as_deref().or(q.answers.first().map(|a| a.as_str()));
    let mut d = Diagnostic::at(rel, q.q.pos, format!("「{}」: {first}; {answer}", q.q.value)).as_warning();
    if let Some(s) = best.and_then(|a| secs.get(a)) {
        d = d.with_label(&s.file, s.id.pos, format!("an answer: {}", s.title)).with_hint(format!(
            "if readers ask it this way, add the question, or one like it, to the `asks:` of `{}`",
            s.id
        ));
    }
    d
}

/// A section that answers questions the search missed (its answer not
/// first): where asks would help most, with how many such questions.
#[derive(Debug, Clone, Serialize)]
pub struct Wanted {
    pub id: String,
    pub title: String,
    pub questions: usize,
}

/// The sections whose asks would help, most missed questions first (then in
/// the handbook's order): for each miss, the answer that ranked best, or the
/// first listed, as [`miss`] names it.
pub fn wanted(outcomes: &[Outcome], secs: &Sections) -> Vec<Wanted> {
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for o in outcomes.iter().filter(|o| !o.answers.is_empty() && o.rank != Some(1)) {
        let best = o.found.as_deref().unwrap_or(&o.answers[0]);
        *counts.entry(best).or_default() += 1;
    }
    let mut out: Vec<(usize, Wanted)> = secs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            counts
                .get(s.id.as_str())
                .map(|&n| (i, Wanted { id: s.id.value.clone(), title: s.title.clone(), questions: n }))
        })
        .collect();
    out.sort_by(|(i, a), (j, b)| b.questions.cmp(&a.questions).then(i.cmp(j)));
    out.into_iter().map(|(_, w)| w).collect()
}

/// The warning for a question that names no answer (a search whose reader
/// opened no result, in exported search records): what the search finds
/// first, for whoever decides which section answers it, if any does.
pub fn unanswered(rel: &Path, q: &Question, o: &Outcome) -> Diagnostic {
    let first = match &o.first {
        None => "nothing is found".to_string(),
        Some(r) => {
            let via = r.ask.as_ref().map(|a| format!(", through its ask 「{a}」")).unwrap_or_default();
            format!("the first result is {} (`{}`){via}", r.title, r.id)
        }
    };
    Diagnostic::at(rel, q.q.pos, format!("「{}」 names no answer (not scored); {first}", q.q.value))
        .as_warning()
        .with_hint(
            "list the sections that answer it in `answers:`; if none does, the handbook leaves this question open",
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_first_top_three_and_reciprocal_ranks() {
        let s = Summary::of([Some(1), Some(3), Some(4), None, Some(11)]);
        assert_eq!((s.questions, s.first, s.top3), (5, 1, 2));
        assert!((s.mrr - (1.0 + 1.0 / 3.0 + 0.25) / 5.0).abs() < 1e-12, "{s:?}");
        assert_eq!((s.hit1(), s.hit3()), (0.2, 0.4));
        assert_eq!(Summary::of([]).hit1(), 0.0);
    }
}
