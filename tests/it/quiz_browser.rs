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

/// Runs axe-core (`source`, from [`axe_source`]) on the page as it is and
/// asserts it ran and found no violation of serious or critical impact
/// (each shown with its rule, help and first nodes).
pub fn assert_axe_clean(page: &mut Page<'_>, source: &str, what: &str) {
    page.eval(source);
    let result = page.eval(
        "axe.run(document).then(r => ({ passes: r.passes.length, all: r.violations.map(v => v.id + ':' + v.impact),
            serious: r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })) }))",
    );
    println!("axe on {what}: {} rules passed; violations: {}", result["passes"], result["all"]);
    assert!(result["passes"].as_u64().unwrap() > 10, "axe ran: {result}");
    assert_eq!(result["serious"], serde_json::json!([]), "{what}: serious or critical accessibility violations");
}

pub fn axe_source() -> Option<String> {
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
        assert_axe_clean(&mut page, axe.as_ref().unwrap(), p);
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

/// The quiz data a page carries for question `qid`.
fn data(page: &mut Page<'_>, qid: &str) -> Value {
    page.eval(&format!(
        "Array.from(document.querySelectorAll('script.quiz-data')).map(s => JSON.parse(s.textContent).questions).flat().find(q => q.id === '{qid}')"
    ))
}

fn submit(page: &mut Page<'_>, qid: &str) -> String {
    let sel = format!("li[data-qid=\"{qid}\"]");
    page.eval(&format!("document.querySelector('{sel} .quiz-submit').focus()"));
    page.press("Enter");
    page.wait_for(&format!("document.querySelector('{sel} .quiz-verdict')"));
    page.eval(&format!("document.querySelector('{sel} .quiz-verdict').textContent")).as_str().unwrap().to_string()
}

#[test]
fn every_question_type_is_answered_with_its_own_control() {
    let Some(mut b) = browser() else { return };
    let mut page = b.page();
    open(&mut page, &shipped().out.join("overview.html"));
    // Multiple choice: checkboxes; all the right ones and none else.
    let q = data(&mut page, "q-overview-2");
    let right: Vec<u64> = q["right"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let sel = "li[data-qid=\"q-overview-2\"]";
    assert_eq!(page.eval(&format!("document.querySelector('{sel} input').type")), "checkbox");
    page.eval(&format!("document.querySelector('{sel} input[value=\"{}\"]').click()", right[0]));
    assert!(submit(&mut page, "q-overview-2").starts_with("✗"), "a part of the right answers is wrong");
    page.eval("document.querySelector('.quiz-reset').click()");
    for r in &right {
        page.eval(&format!("document.querySelector('{sel} input[value=\"{r}\"]').click()"));
    }
    assert!(submit(&mut page, "q-overview-2").starts_with("✓"));
    // Fill-in: a text field; spaces, full-width forms and closing punctuation do not count.
    let sel = "li[data-qid=\"q-overview-3\"]";
    page.eval(&format!("document.querySelector('{sel} input[type=text]').focus()"));
    page.type_text(" 慢 ");
    assert!(submit(&mut page, "q-overview-3").starts_with("✗ 回答错误。正确答案：快"));
    page.eval(&format!("document.querySelector('{sel} .quiz-reset, .quiz-reset').click()"));
    page.eval(&format!("document.querySelector('{sel} input[type=text]').focus()"));
    page.type_text(" 快。");
    assert!(submit(&mut page, "q-overview-3").starts_with("✓"));
    // Matching: one select per left item, every right item offered.
    let q = data(&mut page, "q-overview-4");
    let pairs = q["pairs"].as_array().unwrap().clone();
    let sel = "li[data-qid=\"q-overview-4\"]";
    assert_eq!(page.eval(&format!("document.querySelectorAll('{sel} select').length")), pairs.len());
    for i in 0..pairs.len() {
        let wrong = &pairs[(i + 1) % pairs.len()][1];
        page.eval(&format!(
            "(s => {{ s.value = {wrong}; }})(document.querySelector('{sel} select[data-left=\"{i}\"]'))"
        ));
    }
    assert!(submit(&mut page, "q-overview-4").starts_with("✗"));
    page.eval("document.querySelector('.quiz-reset').click()");
    for (i, p) in pairs.iter().enumerate() {
        page.eval(&format!(
            "(s => {{ s.value = {}; }})(document.querySelector('{sel} select[data-left=\"{i}\"]'))",
            p[1]
        ));
    }
    assert!(submit(&mut page, "q-overview-4").starts_with("✓"));
}

#[test]
fn options_are_shuffled_on_every_attempt() {
    let Some(mut b) = browser() else { return };
    let mut page = b.page();
    open(&mut page, &shipped().out.join("overview.html"));
    let order =
        "Array.from(document.querySelectorAll('li[data-qid=\"q-overview-2\"] input')).map(i => i.value).join(',')";
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..8 {
        seen.insert(page.eval(order).as_str().unwrap().to_string());
        page.eval("document.querySelector('.quiz-reset').click()");
    }
    assert!(seen.len() >= 2, "the options came in one order in 8 attempts: {seen:?}");
    assert!(seen.iter().all(|o| o.split(',').count() == 4), "{seen:?}");
}

#[test]
fn the_practice_page_asks_the_drills() {
    let Some(mut b) = browser() else { return };
    let mut page = b.page();
    open(&mut page, &shipped().out.join("practice.html"));
    let groups = page.eval("document.querySelectorAll('section.quiz').length").as_u64().unwrap();
    assert!(groups >= 6, "one drill group per chapter: {groups}");
    let qid = page.eval("document.querySelector('.quiz-questions li').dataset.qid").as_str().unwrap().to_string();
    assert!(qid.starts_with("drill-"), "{qid}");
    let q = data(&mut page, &qid);
    let sel = format!("li[data-qid=\"{qid}\"]");
    match q["kind"].as_str().unwrap() {
        "single" => {
            page.eval(&format!("document.querySelector('{sel} input[value=\"{}\"]').click()", q["right"][0]));
        }
        _ => {
            page.eval(&format!("document.querySelector('{sel} input[type=text]').focus()"));
            page.type_text(q["accept"][0].as_str().unwrap());
        }
    }
    assert!(submit(&mut page, &qid).starts_with("✓"));
    let link = page.eval(&format!("document.querySelector('{sel} .quiz-refs a').getAttribute('href')"));
    assert!(link.as_str().unwrap().contains(".html#"), "a drill links to its section: {link}");
}

#[test]
fn quiz_js_loads_only_where_there_is_a_quiz() {
    let Some(mut b) = browser() else { return };
    let dir = fixture(None);
    std::fs::write(
        dir.path().join("content/quiz.yaml"),
        "kind: quiz\nchapter: basics\nquestions:\n  - id: q1\n    type: truefalse\n    prompt: 当日事情当日办。\n    correct: true\n    refs: [careful-daily]\n",
    )
    .unwrap();
    let settings = dir.path().join("content/handbook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}\nquiz:\n  drills: false\n")).unwrap();
    let out = dir.path().join("book");
    assert!(build(dir.path(), &out).ok());
    let mut page = b.page();
    let loads_quiz = |page: &mut Page<'_>, file: &str| {
        page.goto(&format!("file://{}", out.join(file).display()));
        std::thread::sleep(std::time::Duration::from_millis(300));
        page.requests().iter().filter(|r| r.ends_with("quiz/quiz.js")).count()
    };
    assert_eq!(loads_quiz(&mut page, "basics.html"), 1, "the page with a quiz loads the widget");
    let before = page.requests().iter().filter(|r| r.ends_with("quiz/quiz.js")).count();
    for other in ["sayings.html", "print.html"] {
        let n = loads_quiz(&mut page, other);
        assert_eq!(n, before, "{other} loads quiz.js");
    }
}

#[test]
fn the_print_page_breaks_per_chapter_without_navigation_or_answers() {
    let Some(mut b) = browser() else { return };
    let mut page = b.page();
    page.goto(&format!("file://{}", shipped().out.join("print.html").display()));
    page.wait_for("document.readyState === 'complete'");
    // As it prints: CSS print media.
    page.call("Emulation.setEmulatedMedia", serde_json::json!({ "media": "print" }));
    let r = page.eval(
        "(() => {
            // Laid out at all (an element inside a hidden one has no boxes).
            const shown = e => e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
            // The review and progress pages print nothing.
            const chapters = Array.from(document.querySelectorAll('main h1')).filter(shown);
            return {
                chapters: chapters.length,
                learn: Array.from(document.querySelectorAll('.learn-page')).filter(shown).length,
                // A chapter under a part breaks before the part's title instead.
                breaks: chapters.slice(1).filter(h => {
                    const brk = e => e && ['page', 'always'].includes(getComputedStyle(e).breakBefore);
                    const prev = h.previousElementSibling;
                    return brk(h) || (prev && prev.classList.contains('part-title') && brk(prev));
                }).length,
                sidebar: Array.from(document.querySelectorAll('.sidebar')).some(shown),
                menu: Array.from(document.querySelectorAll('.topbar, .search-toggle')).some(shown),
                nav: Array.from(document.querySelectorAll('.chapter-nav, nav')).some(shown),
                quiz_static: document.querySelectorAll('.quiz-static').length,
                widgets: document.querySelectorAll('.quiz-questions, .quiz-submit').length,
                text: document.body.innerText,
            };
        })()",
    );
    let chapters = r["chapters"].as_u64().unwrap();
    assert!(chapters >= 6, "{r}");
    assert_eq!(r["learn"], 0, "the review and progress pages do not print");
    assert_eq!(r["breaks"], chapters - 1, "a page break before every chapter but the first: {}", r["breaks"]);
    assert_eq!(
        (r["sidebar"].clone(), r["menu"].clone(), r["nav"].clone()),
        (Value::Bool(false), Value::Bool(false), Value::Bool(false)),
        "no navigation"
    );
    assert!(r["quiz_static"].as_u64().unwrap() >= 6, "the questions are printed");
    assert_eq!(r["widgets"], 0, "no quiz widget on the print page");
    let text = r["text"].as_str().unwrap();
    let bank = handbook::pipeline::check(&repo()).valid.unwrap().bank.authored;
    for q in bank.iter().filter(|q| q.explanation.is_some()) {
        assert!(
            !text.contains(q.explanation.as_ref().unwrap().as_str()),
            "the print page shows the explanation of {}",
            q.id
        );
    }
    assert!(!text.contains("回答正确") && !text.contains("正确答案"), "no answers");
}
