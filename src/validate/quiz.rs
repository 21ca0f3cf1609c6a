//! Quiz rules: every question has exactly the answer fields its type needs,
//! and they make sense (in range, one right answer where one is required, no
//! duplicate options, pairs that pair, a blank to fill).

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{BLANK, Handbook, Pos, QUESTION_TYPES, Question};
use serde_saphyr::Spanned;
use std::path::Path;

fn pos<T>(s: &Spanned<T>) -> Pos {
    Pos { line: s.referenced.line() as u32, column: s.referenced.column() as u32 }
}

/// `chapters_known`: every content file loaded, so a chapter a quiz names
/// that is not there is unknown (not in a file whose error is already shown).
pub fn check_quizzes(hb: &Handbook, chapters_known: bool, out: &mut Vec<Diagnostic>) {
    let chapters: std::collections::HashSet<&str> = hb.chapters.iter().map(|c| c.id().as_str()).collect();
    for qf in &hb.quizzes {
        let f = qf.file.as_path();
        let chapter = &qf.quiz.chapter;
        if chapters_known && !chapters.contains(chapter.as_str()) {
            let d = Diagnostic::at(f, chapter.pos, format!("unknown chapter `{chapter}`"));
            out.push(match did_you_mean(chapter.as_str(), hb.chapters.iter().map(|c| c.id().as_str())) {
                Some(m) => d.with_hint(format!("did you mean `{m}`? a quiz ends the page of the chapter it names")),
                None => d.with_hint("a quiz names the chapter whose page it ends"),
            });
        }
        for q in &qf.quiz.questions {
            check_question(f, q, out);
        }
    }
}

fn check_question(f: &Path, q: &Question, out: &mut Vec<Diagnostic>) {
    let kind = q.kind.as_str();
    if !QUESTION_TYPES.contains(&kind) {
        let d = Diagnostic::at(f, q.kind.pos, format!("unknown question type `{kind}`"));
        out.push(match did_you_mean(kind, QUESTION_TYPES.iter().copied()) {
            Some(m) => d.with_hint(format!("did you mean `{m}`? (types: {})", QUESTION_TYPES.join(", "))),
            None => d.with_hint(format!("types: {}", QUESTION_TYPES.join(", "))),
        });
        return;
    }
    if q.refs.is_empty() {
        out.push(
            Diagnostic::at(f, q.id.pos, format!("question `{}` has no refs", q.id))
                .with_hint("name the section(s) that teach the answer in `refs:`; the explanation links to them"),
        );
    }
    // Fields that do not apply to this type.
    let present: [(&str, bool, Option<Pos>); 6] = [
        ("options", !q.options.is_empty(), q.options.first().map(|t| t.pos)),
        ("answer", q.answer.is_some(), q.answer.as_ref().map(pos)),
        ("answers", q.answers.is_some(), q.answers.as_ref().and_then(|a| a.first()).map(pos)),
        ("correct", q.correct.is_some(), q.correct.as_ref().map(pos)),
        ("accept", !q.accept.is_empty(), q.accept.first().map(|t| t.pos)),
        ("pairs", !q.pairs.is_empty(), q.pairs.first().map(|p| p.left.pos)),
    ];
    let applies: &[&str] = match kind {
        "single" => &["options", "answer", "answers"],
        "multiple" => &["options", "answers", "answer"],
        "truefalse" => &["correct"],
        "fill" => &["accept"],
        _ => &["pairs"],
    };
    for (field, is, at) in present {
        if is && !applies.contains(&field) {
            out.push(
                Diagnostic::at(
                    f,
                    at.unwrap_or(q.id.pos),
                    format!("field `{field}` does not apply to a `{kind}` question"),
                )
                .with_hint(format!("a `{kind}` question takes {}", applies.join(", "))),
            );
        }
    }
    match kind {
        "single" | "multiple" => check_choice(f, q, kind == "single", out),
        "truefalse" => {
            if q.correct.is_none() {
                out.push(no_answer(f, q, "add `correct: true` or `correct: false`"));
            }
        }
        "fill" => {
            let blanks = q.prompt.as_str().matches(BLANK).count();
            if blanks != 1 {
                out.push(
                    Diagnostic::at(
                        f,
                        q.prompt.pos,
                        format!("a `fill` prompt needs one blank `{BLANK}`, this one has {blanks}"),
                    )
                    .with_hint(format!("write `{BLANK}` where the answer goes")),
                );
            }
            if q.accept.is_empty() {
                out.push(no_answer(f, q, "list the accepted answers in `accept:`"));
            }
            // A reader types one answer: `[及时，迅速]` accepts only the whole text.
            for a in &q.accept {
                if let Some(hint) = super::full_width_separator(&a.value) {
                    out.push(
                        Diagnostic::at(f, a.pos, format!("accepted answer `{}` holds a list separator", a.value))
                            .as_warning()
                            .with_hint(hint)
                            .with_hint("a reader who types one of them is marked wrong; if the separator belongs to the answer, ignore this"),
                    );
                }
            }
        }
        _ => check_pairs(f, q, out),
    }
}

fn no_answer(f: &Path, q: &Question, hint: &str) -> Diagnostic {
    Diagnostic::at(f, q.id.pos, format!("question `{}` has no right answer", q.id)).with_hint(hint.to_string())
}

fn check_choice(f: &Path, q: &Question, single: bool, out: &mut Vec<Diagnostic>) {
    if q.options.len() < 2 {
        out.push(
            Diagnostic::at(
                f,
                q.options.first().map_or(q.id.pos, |o| o.pos),
                format!("question `{}` has fewer than two options", q.id),
            )
            .with_hint(
                q.options
                    .first()
                    .and_then(|o| super::full_width_separator(&o.value))
                    .unwrap_or_else(|| "a choice needs at least two options".to_string()),
            ),
        );
    }
    for (i, o) in q.options.iter().enumerate() {
        if q.options[..i].iter().any(|p| p.value == o.value) {
            out.push(
                Diagnostic::at(f, o.pos, format!("duplicate option `{}`", o.value))
                    .with_hint("every option must be different, or two of them are the same answer"),
            );
        }
    }
    let mut answers: Vec<&Spanned<i64>> = q.answer.iter().collect();
    answers.extend(q.answers.iter().flatten());
    if answers.is_empty() {
        let field = if single { "answer: N" } else { "answers: [N, …]" };
        out.push(no_answer(f, q, &format!("add `{field}` (1 is the first option)")));
        return;
    }
    if single && answers.len() > 1 {
        out.push(
            Diagnostic::at(
                f,
                pos(answers[1]),
                format!("question `{}` has several right answers where one is required", q.id),
            )
            .with_hint("a `single` question has one `answer`; use `type: multiple` with `answers:` for several"),
        );
    }
    if !single && let Some(a) = &q.answer {
        out.push(
            Diagnostic::at(f, pos(a), "a `multiple` question lists its right answers in `answers:`")
                .with_hint("write `answers: [1, 3]`"),
        );
    }
    for (i, a) in answers.iter().enumerate() {
        if a.value < 1 || a.value as usize > q.options.len() {
            out.push(
                Diagnostic::at(f, pos(a), format!("answer {} is out of range", a.value))
                    .with_hint(format!("answers count options from 1; this question has {}", q.options.len())),
            );
        } else if answers[..i].iter().any(|b| b.value == a.value) {
            out.push(
                Diagnostic::at(f, pos(a), format!("answer {} is listed twice", a.value))
                    .with_hint("list each right option once"),
            );
        }
    }
}

fn check_pairs(f: &Path, q: &Question, out: &mut Vec<Diagnostic>) {
    if q.pairs.len() < 2 {
        out.push(
            Diagnostic::at(
                f,
                q.pairs.first().map_or(q.id.pos, |p| p.left.pos),
                format!("question `{}` needs at least two pairs", q.id),
            )
            .with_hint("a matching question pairs each `left` with one `right`"),
        );
    }
    for (i, p) in q.pairs.iter().enumerate() {
        for (side, text, other) in [
            ("left", &p.left, q.pairs[..i].iter().map(|x| &x.left).collect::<Vec<_>>()),
            ("right", &p.right, q.pairs[..i].iter().map(|x| &x.right).collect()),
        ] {
            if other.iter().any(|o| o.value == text.value) {
                out.push(
                    Diagnostic::at(
                        f,
                        text.pos,
                        format!("matching pairs do not pair: `{}` is the {side} of two pairs", text.value),
                    )
                    .with_hint("each left matches exactly one right and each right exactly one left"),
                );
            }
        }
    }
}
