//! The quiz widget in a real headless Chromium, from `file://`.

use crate::cdp::{Browser, Page, chromium};
use crate::common::{build, fixture, repo, require, shipped};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn browser() -> Option<Browser> {
    let bin = chromium();
    require(bin.is_some(), "Chromium (Debian package `chromium`)").then(|| Browser::launch(&bin.unwrap()))
}

fn open(page: &mut Page<'_>, file: &Path) {
    page.goto(&format!("file://{}", file.display()));
    page.wait_for("document.querySelector('.quiz-questions li')");
}

/// Picks option `value` of question `qid` with the keyboard (focus + Space),
/// then submits with Enter on the button, and returns the feedback.
fn answer(page: &mut Page<'_>, qid: &str, value: &str) -> Value {
    let sel = format!("li[data-qid=\"{qid}\"]");
    page.eval(&format!("document.querySelector('{sel} input[value=\"{value}\"]').focus()"));
    page.press(" ");
    assert_eq!(
        page.eval(&format!("document.querySelector('{sel} input[value=\"{value}\"]').checked")),
        Value::Bool(true)
    );
    page.eval(&format!("document.querySelector('{sel} .quiz-submit').focus()"));
    page.press("Enter");
    page.wait_for(&format!("document.querySelector('{sel} .quiz-verdict')"));
    page.eval(&format!(
        "(() => {{ const li = document.querySelector('{sel}'); return {{
            verdict: li.querySelector('.quiz-verdict').textContent,
            explanation: (li.querySelector('.quiz-explanation') || {{}}).textContent || null,
            links: Array.from(li.querySelectorAll('.quiz-refs a')).map(a => a.getAttribute('href')),
            live: li.querySelector('.quiz-feedback').getAttribute('aria-live') }}; }})()"
    ))
}

/// Reloads the page and waits for the new document: a marker set on the old
/// one must be gone, and the quiz must be drawn again.
fn reload(page: &mut Page<'_>) {
    page.eval("window.__old_document = true; location.reload()");
    page.wait_for(
        "window.__old_document === undefined && document.querySelector('.quiz-questions li') && document.querySelector('.quiz-score').textContent",
    );
}

#[test]
fn quiz_gives_feedback_keeps_progress_and_retries_the_wrong_ones() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    open(&mut page, &site.join("images.html"));
    assert_eq!(page.eval("getComputedStyle(document.querySelector('.quiz-static')).display"), "none");

    // q-images-2: the right option is the third (value 2).
    let wrong = answer(&mut page, "q-images-2", "0");
    assert!(wrong["verdict"].as_str().unwrap().starts_with("✗ 回答错误。正确答案：4点"), "{wrong}");
    assert!(wrong["explanation"].as_str().unwrap().contains("应该做到4点"), "{wrong}");
    assert_eq!(wrong["links"][0], "images.html#bi-gan-zi");
    assert_eq!(wrong["live"], "polite");
    let right = answer(&mut page, "q-images-2", "2");
    assert!(right["verdict"].as_str().unwrap().starts_with("✓ 回答正确"), "{right}");
    // q-images-5 (true/false, true): answer it wrong.
    let tf = answer(&mut page, "q-images-5", "false");
    assert!(tf["verdict"].as_str().unwrap().starts_with("✗"), "{tf}");

    // Reload: progress is kept (localStorage, from file://). The marker is
    // gone only once the new document is there.
    reload(&mut page);
    let state = page.eval(
        "(() => ({ score: document.querySelector('.quiz-score').textContent,
            two: document.querySelector('li[data-qid=\"q-images-2\"]').className,
            five: document.querySelector('li[data-qid=\"q-images-5\"]').className }))()",
    );
    assert!(state["score"].as_str().unwrap().contains("已答 2 题，答对 1 题"), "{state}");
    assert!(state["two"].as_str().unwrap().contains("quiz-right"), "{state}");
    assert!(state["five"].as_str().unwrap().contains("quiz-wrong"), "{state}");

    // "Retry the wrong ones" shows only those, reset and ready to answer.
    page.eval("document.querySelector('.quiz-retry').click()");
    let visible = page.eval("Array.from(document.querySelectorAll('.quiz-questions li')).filter(li => !li.hidden).map(li => li.dataset.qid)");
    assert_eq!(visible, serde_json::json!(["q-images-5"]));
    assert_eq!(page.eval("document.querySelector('li[data-qid=\"q-images-5\"] input:checked')"), Value::Null);
    let again = answer(&mut page, "q-images-5", "true");
    assert!(again["verdict"].as_str().unwrap().starts_with("✓"), "{again}");

    page.eval("document.querySelector('.quiz-reset').click()");
    assert!(page.eval("document.querySelector('.quiz-score').textContent").as_str().unwrap().contains("已答 0 题"));
    // The reset is kept too: after another reload nothing is answered.
    reload(&mut page);
    assert!(page.eval("document.querySelector('.quiz-score').textContent").as_str().unwrap().contains("已答 0 题"));
    assert_eq!(
        page.eval("document.querySelectorAll('.quiz-questions li.quiz-right, .quiz-questions li.quiz-wrong').length"),
        0
    );
    if let Some(dir) = std::env::var_os("HANDBOOK_SCREENSHOTS") {
        answer(&mut page, "q-images-2", "1");
        page.eval("document.querySelector('li[data-qid=\"q-images-2\"]').scrollIntoView()");
        page.screenshot(&PathBuf::from(dir).join("quiz.png"));
    }
}

fn axe_source() -> Option<String> {
    let candidates = [
        std::env::var_os("HANDBOOK_AXE").map(PathBuf::from),
        Some(repo().join(".ci/node/node_modules/axe-core/axe.min.js")),
        Some(repo().join("node_modules/axe-core/axe.min.js")),
    ];
    candidates.into_iter().flatten().find(|p| p.exists()).and_then(|p| std::fs::read_to_string(p).ok())
}

#[test]
fn axe_finds_no_serious_violations_on_a_chapter_page_with_its_quiz() {
    let axe = axe_source();
    if !require(axe.is_some(), "axe-core (npm install --prefix .ci/node axe-core)") {
        return;
    }
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    for p in ["images.html", "practice.html"] {
        open(&mut page, &site.join(p));
        page.eval(axe.as_ref().unwrap());
        let result = page.eval(
            "axe.run(document).then(r => ({ passes: r.passes.length, all: r.violations.map(v => v.id + ':' + v.impact),
                serious: r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })) }))",
        );
        println!("axe on {p}: {} rules passed; violations: {}", result["passes"], result["all"]);
        assert!(result["passes"].as_u64().unwrap() > 10, "axe ran: {result}");
        assert_eq!(result["serious"], serde_json::json!([]), "{p}: serious or critical accessibility violations");
    }
}

#[test]
fn a_hostile_question_renders_inert_and_still_works() {
    let Some(mut b) = browser() else { return };
    let dir = fixture(None);
    // A different payload in each field, so each can be told apart wherever it shows.
    let payload = |field: &str| format!("</script><script>window.__pwned = '{field}'</script><b>{field}</b>");
    let (prompt, option, explanation) = (payload("prompt"), payload("option"), payload("explanation"));
    std::fs::write(
        dir.path().join("content/quiz.yaml"),
        format!(
            "kind: quiz\nchapter: basics\nquestions:\n  - id: q-hostile\n    type: single\n    prompt: \"{prompt}\"\n    options: [\"<i>一</i>\", \"{option}\"]\n    answer: 2\n    explanation: \"{explanation}\"\n    refs: [careful]\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("book");
    assert!(build(dir.path(), &out).ok());
    let html = std::fs::read_to_string(out.join("basics.html")).unwrap();
    assert!(!html.contains("<script>window.__pwned"), "the page source carries the text escaped");
    let mut page = b.page();
    open(&mut page, &out.join("basics.html"));
    assert_eq!(page.eval("window.__pwned === undefined"), Value::Bool(true), "no injected script ran");
    let sel = "li[data-qid=\"q-hostile\"]";
    let legend = page.eval(&format!("document.querySelector('{sel} legend').textContent"));
    assert!(legend.as_str().unwrap().ends_with(&prompt), "{legend}");
    let labels =
        page.eval(&format!("Array.from(document.querySelectorAll('{sel} label')).map(l => l.textContent.trim())"));
    assert!(labels.as_array().unwrap().iter().any(|l| l.as_str().unwrap().ends_with(&option)), "{labels}");
    assert_eq!(
        page.eval(&format!("document.querySelectorAll('{sel} b, {sel} i').length")),
        0,
        "no markup from content"
    );
    // The explanation is not on the page before the answer.
    assert!(!page.eval("document.body.textContent").as_str().unwrap().contains(&explanation));
    let fb = answer(&mut page, "q-hostile", "1");
    assert!(fb["verdict"].as_str().unwrap().starts_with("✓"), "{fb}");
    assert_eq!(fb["explanation"], explanation.as_str());
    assert_eq!(page.eval("window.__pwned === undefined"), Value::Bool(true));
    // The print page, as the browser renders it: the question and its
    // options, not the explanation; still no script from the content.
    let print = std::fs::read_to_string(out.join("print.html")).unwrap();
    assert!(!print.contains("<script>window.__pwned"), "escaped there too");
    page.goto(&format!("file://{}", out.join("print.html").display()));
    page.wait_for("document.readyState === 'complete'");
    let text = page.eval("document.body.innerText").as_str().unwrap().to_string();
    assert!(text.contains(&prompt), "the print page shows the prompt");
    assert!(text.contains(&option), "the print page shows the options");
    assert!(!text.contains("explanation"), "the print page shows no answer: {text}");
    assert_eq!(page.eval("window.__pwned === undefined"), Value::Bool(true));
}
