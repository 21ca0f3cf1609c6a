//! Review schedule, reading progress and progress files in a real headless
//! Chromium, from `file://`. The clock and the time zone are set from outside
//! the page, as a test harness would: a script the browser runs before each
//! document's own (`Page.addScriptToEvaluateOnNewDocument`) fixes `Date`, and
//! the protocol's time-zone override sets the zone. Nothing in the shipped
//! code knows about either.

use crate::browser::search_for;
use crate::cdp::{Browser, Page, chromium};
use crate::common::{build, copy_dir, repo, require, shipped};
use serde_json::{Value, json};
use std::path::Path;

fn browser() -> Option<Browser> {
    let bin = chromium();
    require(bin.is_some(), "Chromium (Debian package `chromium`)").then(|| Browser::launch(&bin.unwrap()))
}

/// A page in Beijing time whose clock reads `iso` (e.g. `2026-03-02T23:30:00+08:00`).
struct Clock {
    script: Option<String>,
}

impl Clock {
    /// Beijing time on `page`, reading `iso` from its next document on.
    fn at(page: &mut Page<'_>, iso: &str) -> Clock {
        page.call("Emulation.setTimezoneOverride", json!({ "timezoneId": "Asia/Shanghai" }));
        let mut clock = Clock { script: None };
        clock.set(page, iso);
        clock
    }

    /// From the next document on, `Date.now()` and `new Date()` start at `iso`.
    fn set(&mut self, page: &mut Page<'_>, iso: &str) {
        let ms = chrono_free_ms(iso);
        if let Some(id) = self.script.take() {
            page.call("Page.removeScriptToEvaluateOnNewDocument", json!({ "identifier": id }));
        }
        let source = format!(
            "(() => {{ const Real = Date, start = Real.now(), base = {ms};
                const now = () => base + (Real.now() - start);
                class Fixed extends Real {{ constructor(...a) {{ if (a.length) super(...a); else super(now()); }}
                    static now() {{ return now(); }} }}
                window.Date = Fixed; }})();"
        );
        let r = page.call("Page.addScriptToEvaluateOnNewDocument", json!({ "source": source }));
        self.script = Some(r["identifier"].as_str().unwrap().to_string());
    }
}

/// Milliseconds since the epoch of an ISO time with a `+HH:MM` offset, by hand
/// (days from civil, so the test needs no date crate).
fn chrono_free_ms(iso: &str) -> i64 {
    let n = |s: &str| s.parse::<i64>().unwrap();
    let (y, m, d) = (n(&iso[0..4]), n(&iso[5..7]), n(&iso[8..10]));
    let (hh, mm, ss) = (n(&iso[11..13]), n(&iso[14..16]), n(&iso[17..19]));
    let sign = if &iso[19..20] == "-" { -1 } else { 1 };
    let offset = sign * (n(&iso[20..22]) * 60 + n(&iso[23..25]));
    let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    ((days * 86_400 + hh * 3600 + mm * 60 + ss) - offset * 60) * 1000
}

fn open(page: &mut Page<'_>, file: &Path, ready: &str) {
    page.goto(&format!("file://{}", file.display()));
    page.wait_for(ready);
}

/// Answers question `qid` with option `value` (a radio or checkbox) and submits.
fn answer(page: &mut Page<'_>, qid: &str, value: &str) {
    let sel = format!("li[data-qid=\"{qid}\"]");
    page.eval(&format!("document.querySelector('{sel} input[value=\"{value}\"]').click()"));
    page.eval(&format!("document.querySelector('{sel} .quiz-submit').click()"));
    page.wait_for(&format!("document.querySelector('{sel} .quiz-verdict')"));
}

/// What the schedule holds for the site (`handbook.learn:<id>`).
fn kept(page: &mut Page<'_>) -> Value {
    page.eval(
        "(() => { const k = Object.keys(localStorage).find(k => k.startsWith('handbook.learn:'));
            return k ? JSON.parse(localStorage.getItem(k)) : null; })()",
    )
}

/// With `HANDBOOK_SCREENSHOTS=DIR`, saves what the page looks like (for a person to look at).
fn screenshot(page: &mut Page<'_>, name: &str) {
    if let Some(dir) = std::env::var_os("HANDBOOK_SCREENSHOTS") {
        page.screenshot(&Path::new(&dir).join(name));
    }
}

fn header_count(page: &mut Page<'_>) -> String {
    page.eval("(() => { const c = document.querySelector('.review-link .review-count'); return c.hidden ? '' : c.textContent; })()")
        .as_str()
        .unwrap()
        .to_string()
}

const QUIZ_READY: &str = "document.querySelector('.quiz-questions li')";
const REVIEW_READY: &str = "document.querySelector('.review-status') && !document.querySelector('.review-status').textContent.startsWith('正在载入')";

#[test]
fn a_missed_question_comes_back_the_next_local_day_and_right_answers_space_out() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    // 23:30 in Beijing: 15:30 UTC, the same UTC day as the 00:10 below.
    let mut clock = Clock::at(&mut page, "2026-03-02T23:30:00+08:00");
    open(&mut page, &site.join("images.html"), QUIZ_READY);
    answer(&mut page, "q-images-2", "0");
    let e = &kept(&mut page)["q"]["q-images-2"];
    assert_eq!((e["b"].clone(), e["d"].clone(), e["ok"].clone()), (json!(0), json!("2026-03-03"), json!(false)), "{e}");
    assert_eq!(header_count(&mut page), "", "not due today");
    open(&mut page, &site.join("review.html"), REVIEW_READY);
    let status = page.eval("document.querySelector('.review-status').textContent");
    assert!(status.as_str().unwrap().contains("今天没有需要复习的题目。下一次复习在 2026-03-03，共 1 题"), "{status}");

    // Forty minutes later it is the next day in Beijing (not yet in UTC): due.
    clock.set(&mut page, "2026-03-03T00:10:00+08:00");
    open(&mut page, &site.join("images.html"), QUIZ_READY);
    assert_eq!(header_count(&mut page), "1", "the header counts it");
    assert_eq!(page.eval("document.querySelector('.review-link').getAttribute('aria-label')"), "今日复习：1 题待复习");
    open(&mut page, &site.join("review.html"), REVIEW_READY);
    let asked =
        page.eval("Array.from(document.querySelectorAll('.review-questions li[data-qid]')).map(li => li.dataset.qid)");
    assert_eq!(asked, json!(["q-images-2"]));
    // Asked with the same widget, its options there to choose from, its chapter named.
    let options = page.eval(
        "Array.from(document.querySelectorAll('li[data-qid=\"q-images-2\"] .quiz-option')).map(l => l.textContent).sort()",
    );
    assert_eq!(options, json!(["2点", "3点", "4点", "5点"]));
    assert_eq!(page.eval("document.querySelector('.review-from').textContent"), "出自：四种形象");
    answer(&mut page, "q-images-2", "2");
    page.wait_for("document.querySelector('.review-status').textContent === '今天的复习已经完成。'");
    assert_eq!(header_count(&mut page), "", "answered: none left");
    let e = &kept(&mut page)["q"]["q-images-2"];
    assert_eq!((e["b"].clone(), e["d"].clone()), (json!(1), json!("2026-03-04")), "right once: a day later");

    // Right answers space out: 1 day, then 2, then 4.
    for (now, due, next_box, next_due) in [
        ("2026-03-04T09:00:00+08:00", true, 2, "2026-03-06"),
        ("2026-03-05T09:00:00+08:00", false, 2, "2026-03-06"),
        ("2026-03-06T20:00:00+08:00", true, 3, "2026-03-10"),
        ("2026-03-09T09:00:00+08:00", false, 3, "2026-03-10"),
    ] {
        clock.set(&mut page, now);
        open(&mut page, &site.join("review.html"), REVIEW_READY);
        let shown = page.eval("document.querySelectorAll('.review-questions li[data-qid]').length");
        assert_eq!(shown, json!(if due { 1 } else { 0 }), "{now}");
        assert_eq!(header_count(&mut page), if due { "1" } else { "" }, "{now}");
        if due {
            answer(&mut page, "q-images-2", "2");
        }
        let e = &kept(&mut page)["q"]["q-images-2"];
        assert_eq!((e["b"].clone(), e["d"].clone()), (json!(next_box), json!(next_due)), "{now}");
    }
    // A wrong answer starts it again: due the next day.
    clock.set(&mut page, "2026-03-10T08:00:00+08:00");
    open(&mut page, &site.join("review.html"), REVIEW_READY);
    answer(&mut page, "q-images-2", "1");
    let e = &kept(&mut page)["q"]["q-images-2"];
    assert_eq!((e["b"].clone(), e["d"].clone()), (json!(0), json!("2026-03-11")));
}

/// A copy of the shipped handbook, built into `<tmp>/book`.
fn built_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &tmp.path().join("content"));
    copy_dir(&repo().join("theme"), &tmp.path().join("theme"));
    std::fs::copy(repo().join("book.toml"), tmp.path().join("book.toml")).unwrap();
    let report = build(tmp.path(), &tmp.path().join("book"));
    assert!(report.ok(), "{:?}", report.diagnostics);
    tmp
}

#[test]
fn a_rebuilt_handbook_keeps_the_schedule_of_the_questions_it_kept() {
    let Some(mut b) = browser() else { return };
    let dir = built_copy();
    let site = dir.path().join("book");
    let mut page = b.page();
    let mut clock = Clock::at(&mut page, "2026-04-01T10:00:00+08:00");
    open(&mut page, &site.join("images.html"), QUIZ_READY);
    // Four wrong answers: all due tomorrow.
    answer(&mut page, "q-images-2", "0");
    answer(&mut page, "q-images-5", "false");
    answer(&mut page, "q-images-6", "1");
    answer(&mut page, "q-images-3", "4");
    let before = kept(&mut page);
    assert_eq!(before["q"].as_object().unwrap().len(), 4);

    // A new build: q-images-5's statement changed, q-images-6 removed.
    let quiz = dir.path().join("content/quiz/03-images.yaml");
    let text = std::fs::read_to_string(&quiz).unwrap();
    let changed =
        text.replace("prompt: 原文说：“老黄牛”精神的实质就是干。", "prompt: 原文说：“老黄牛”精神的实质就是实干。");
    let start = changed.find("  - id: q-images-6").unwrap();
    let end = changed[start + 4..].find("  - id: ").map_or(changed.len(), |i| start + 4 + i);
    std::fs::write(&quiz, format!("{}{}", &changed[..start], &changed[end..])).unwrap();
    let report = build(dir.path(), &site);
    assert!(report.ok(), "{:?}", report.diagnostics);

    clock.set(&mut page, "2026-04-02T10:00:00+08:00");
    open(&mut page, &site.join("images.html"), QUIZ_READY);
    assert_eq!(header_count(&mut page), "4", "the header reads only the schedule");
    // On its page too, the changed question is new: not shown as answered; the others are.
    let answered = page.eval("Array.from(document.querySelectorAll('li.quiz-wrong')).map(li => li.dataset.qid).sort()");
    assert_eq!(answered, json!(["q-images-2", "q-images-3"]));
    open(&mut page, &site.join("review.html"), REVIEW_READY);
    let asked = page.eval(
        "Array.from(document.querySelectorAll('.review-questions li[data-qid]')).map(li => li.dataset.qid).sort()",
    );
    assert_eq!(asked, json!(["q-images-2", "q-images-3"]), "the changed one is new, the removed one gone");
    let after = kept(&mut page);
    let ids: Vec<&String> = after["q"].as_object().unwrap().keys().collect();
    assert_eq!(ids.len(), 2, "{after}");
    for id in ["q-images-2", "q-images-3"] {
        assert_eq!(after["q"][id], before["q"][id], "{id} keeps its schedule");
    }
    assert_eq!(header_count(&mut page), "2");
    assert!(
        page.requests().iter().all(|u| u.starts_with("file://") || u.starts_with("data:") || u.starts_with("blob:"))
    );
}

#[test]
fn reaching_a_chapters_end_marks_it_read_and_the_first_page_goes_on_where_the_reader_was() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    Clock::at(&mut page, "2026-05-01T09:00:00+08:00");
    open(&mut page, &site.join("images.html"), "document.querySelector('#sidebar-chapters a')");
    let read = "document.querySelector('#sidebar-chapters a[href$=\"images.html\"]').closest('li').classList.contains('chapter-read')";
    assert_eq!(page.eval(read), json!(false), "not read on arrival");
    // The middle of the chapter: its section is the place to go on from.
    page.eval("document.getElementById('lao-huang-niu').scrollIntoView({ block: 'start' })");
    page.wait_for("(JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('handbook.learn:'))) || '{}').last || {}).u === 'images.html#lao-huang-niu'");
    assert_eq!(page.eval(read), json!(false), "the middle is not the end");
    page.eval("window.scrollTo(0, document.body.scrollHeight)");
    page.wait_for(read);
    let mark = page.eval("document.querySelector('#sidebar-chapters li.chapter-read a').textContent");
    assert!(mark.as_str().unwrap().ends_with("✓（已读）"), "{mark}");
    // Scrolling to the end moved the place on: back to the middle, then to the first page.
    page.eval("document.getElementById('lao-huang-niu').scrollIntoView({ block: 'start' })");
    page.wait_for("JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('handbook.learn:')))).last.u === 'images.html#lao-huang-niu'");

    // Other pages mark it in their sidebar; the progress page says so.
    open(&mut page, &site.join("progress.html"), "document.querySelector('.progress-table tbody tr')");
    let row = page.eval(
        "Array.from(document.querySelectorAll('.progress-table tbody tr')).map(tr => Array.from(tr.children).map(c => c.textContent))
            .find(r => r[0] === '四种形象')",
    );
    assert_eq!(row, json!(["四种形象", "已读", "未答", "—", "2026-05-01"]));
    assert_eq!(page.eval(read), json!(true));

    open(&mut page, &site.join("index.html"), "document.querySelector('.continue-reading a')");
    screenshot(&mut page, "continue-reading.png");
    let link = page.eval("document.querySelector('.continue-reading a').textContent");
    assert_eq!(link, "继续阅读：四种形象 › 老黄牛");
    page.eval("document.querySelector('.continue-reading a').click()");
    page.wait_for("location.pathname.endsWith('images.html') && document.readyState === 'complete'");
    assert_eq!(page.eval("location.hash"), "#lao-huang-niu");
    // The print page carries none of it.
    open(&mut page, &site.join("print.html"), "document.readyState === 'complete'");
    let print = page.eval(
        "({ notice: !!document.querySelector('.continue-reading, .learn-notice'),
            learn: Array.from(document.querySelectorAll('.learn-page')).every(s => getComputedStyle(s).display === 'none') })",
    );
    assert_eq!(print, json!({ "notice": false, "learn": true }));
}

/// Exports the progress on the progress page, with the keyboard, and returns the file's text.
fn export(page: &mut Page<'_>, site: &Path) -> String {
    open(page, &site.join("progress.html"), "document.querySelector('.progress-export')");
    // The download itself is the browser's; the file is read from the link.
    page.eval("document.querySelector('.progress-download').click = () => {}; document.querySelector('.progress-export').focus()");
    page.press("Enter");
    page.wait_for("!document.querySelector('.progress-download').hidden");
    page.eval("fetch(document.querySelector('.progress-download').href).then(r => r.text())")
        .as_str()
        .unwrap()
        .to_string()
}

/// Imports `text` through the progress page's file input; returns its message.
fn import(page: &mut Page<'_>, site: &Path, text: &str) -> String {
    open(page, &site.join("progress.html"), "document.querySelector('.progress-import input')");
    let text = serde_json::to_string(text).unwrap();
    page.eval(&format!(
        "(() => {{ const input = document.querySelector('.progress-import input'), dt = new DataTransfer();
            dt.items.add(new File([{text}], 'progress.json', {{ type: 'application/json' }}));
            input.files = dt.files; input.dispatchEvent(new Event('change')); }})()"
    ));
    page.wait_for("document.querySelector('.progress-status').textContent").as_str().unwrap().to_string()
}

#[test]
fn progress_moves_by_file_and_bad_files_are_refused() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    Clock::at(&mut page, "2026-06-01T09:00:00+08:00");
    open(&mut page, &site.join("images.html"), QUIZ_READY);
    answer(&mut page, "q-images-2", "2");
    answer(&mut page, "q-images-5", "false");
    page.eval("window.scrollTo(0, document.body.scrollHeight)");
    page.wait_for("document.querySelector('#sidebar-chapters li.chapter-read')");
    let before = kept(&mut page);
    let file = export(&mut page, site);
    let parsed: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(parsed["format"], "handbook-progress");
    assert_eq!(parsed["version"], 1);
    assert_eq!(parsed["handbook"], "office-handbook-tjj", "the file names its handbook");
    assert_eq!(parsed["progress"], before);

    // Another browser: storage cleared, the file imported.
    page.eval("localStorage.clear()");
    let message = import(&mut page, site, &file);
    assert_eq!(message, "已导入：2 道题的记录，1 章的进度。");
    assert_eq!(kept(&mut page), before, "the same schedule and progress");
    open(&mut page, &site.join("images.html"), "document.querySelector('li[data-qid=\"q-images-5\"].quiz-wrong')");
    assert!(
        page.eval("document.querySelector('#sidebar-chapters li.chapter-read a[href$=\"images.html\"]')").is_object()
    );

    // Merging: per question the later answer wins, best scores the higher, read marks add up.
    let mut other = parsed.clone();
    let q2 = &mut other["progress"]["q"]["q-images-2"];
    q2["t"] = json!(q2["t"].as_i64().unwrap() + 1000);
    q2["ok"] = json!(false);
    q2["b"] = json!(0);
    let q5 = &mut other["progress"]["q"]["q-images-5"];
    q5["t"] = json!(q5["t"].as_i64().unwrap() - 1000);
    q5["ok"] = json!(true);
    other["progress"]["ch"] = json!({ "images": { "bp": 10 }, "maxims": { "r": 5, "bp": 90, "p": 90, "st": 5 } });
    let message = import(&mut page, site, &other.to_string());
    assert!(message.starts_with("已导入"), "{message}");
    let merged = kept(&mut page);
    assert_eq!(merged["q"]["q-images-2"], other["progress"]["q"]["q-images-2"], "the later answer wins");
    assert_eq!(merged["q"]["q-images-5"], before["q"]["q-images-5"], "the earlier one loses");
    assert_eq!(merged["ch"]["images"]["bp"], before["ch"]["images"]["bp"], "the higher best score");
    assert!(merged["ch"]["images"]["r"].is_number() && merged["ch"]["maxims"]["r"].is_number(), "read marks add up");
    assert_eq!(merged["ch"]["maxims"]["bp"], 90);

    // Refused, each with its reason, and nothing changed.
    let mut foreign = parsed.clone();
    foreign["handbook"] = json!("another-handbook");
    foreign["title"] = json!("另一本手册<script>");
    let mut broken = parsed.clone();
    broken["progress"]["q"]["q-images-2"]["b"] = json!(9);
    let mut evil = parsed.clone();
    evil["progress"]["last"] = json!({ "u": "javascript:alert(1)", "t": "x", "at": 1 });
    for (text, says) in [
        ("{ not json", "无法导入：这不是进度文件（内容不是 JSON）。"),
        ("[1, 2]", "无法导入：这不是本手册的进度文件。"),
        (&foreign.to_string(), "无法导入：这是《另一本手册<script>》的进度文件，不是这本手册的。"),
        (&broken.to_string(), "无法导入：进度文件已损坏（复习级别不正确）。"),
        (&evil.to_string(), "无法导入：进度文件已损坏（阅读位置不正确）。"),
    ] {
        assert_eq!(import(&mut page, site, text), says);
        assert_eq!(kept(&mut page), merged, "a refused file changes nothing");
    }
    assert_eq!(page.dialogs(), 0);

    // A reset asks first, then clears everything.
    open(&mut page, &site.join("progress.html"), "document.querySelector('.progress-reset')");
    page.eval("document.querySelector('.progress-reset').focus()");
    page.press("Enter");
    assert_eq!(page.eval("document.querySelector('.progress-confirm').hidden"), json!(false));
    assert_eq!(page.eval("document.activeElement.className"), "progress-reset-no", "the safe choice has the focus");
    page.press("Enter");
    assert_eq!(page.eval("document.querySelector('.progress-confirm').hidden"), json!(true));
    assert_eq!(kept(&mut page), merged, "cancelled: nothing cleared");
    page.eval(
        "document.querySelector('.progress-reset').click(); document.querySelector('.progress-reset-yes').click()",
    );
    assert_eq!(kept(&mut page), Value::Null);
    assert_eq!(
        page.eval("Object.keys(localStorage).filter(k => k.startsWith('handbook.quiz:office-handbook-tjj:')).length"),
        0
    );
}

#[test]
fn disabled_storage_shows_a_notice_and_the_pages_still_work() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });" }),
    );
    open(&mut page, &site.join("images.html"), QUIZ_READY);
    answer(&mut page, "q-images-2", "2");
    let notice = page.eval("document.querySelector('.learn-notice').textContent");
    assert!(notice.as_str().unwrap().contains("不会保存"), "{notice}");
    for p in ["review.html", "progress.html"] {
        open(&mut page, &site.join(p), "document.querySelector('.learn-notice')");
        assert!(page.eval("document.querySelector('.learn-body').textContent.length > 0").as_bool().unwrap(), "{p}");
    }
    // Searching still finds and opens a result; only the search is not kept.
    search_for(&mut page, "笔杆子");
    page.press("Enter");
    page.wait_for("location.hash === '#bi-gan-zi' && document.readyState === 'complete'");
    // Full storage: reading works, writing throws (QuotaExceededError): the
    // visit cannot be kept, so the notice shows; answering still works.
    let mut page = b.page();
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };" }),
    );
    open(&mut page, &site.join("images.html"), QUIZ_READY);
    answer(&mut page, "q-images-2", "2");
    assert!(
        page.eval("document.querySelector('li[data-qid=\"q-images-2\"] .quiz-verdict').textContent")
            .as_str()
            .unwrap()
            .starts_with("✓")
    );
    assert!(page.eval("document.querySelector('.learn-notice').textContent").as_str().unwrap().contains("存储已满"));
}

#[test]
fn the_review_and_progress_pages_pass_axe() {
    let axe = crate::quiz_browser::axe_source();
    if !require(axe.is_some(), "axe-core (npm install --prefix .ci/node axe-core)") {
        return;
    }
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    let mut clock = Clock::at(&mut page, "2026-07-01T09:00:00+08:00");
    open(&mut page, &site.join("images.html"), QUIZ_READY);
    for (q, v) in [("q-images-2", "0"), ("q-images-5", "false"), ("q-images-6", "1")] {
        answer(&mut page, q, v);
    }
    clock.set(&mut page, "2026-07-02T09:00:00+08:00");
    open(&mut page, &site.join("review.html"), "document.querySelectorAll('.review-questions li').length === 3");
    answer(&mut page, "q-images-2", "2");
    answer(&mut page, "q-images-5", "false");
    let run =
        |page: &mut Page<'_>, what: &str| crate::quiz_browser::assert_axe_clean(page, axe.as_ref().unwrap(), what);
    run(&mut page, "the review page with questions due and feedback shown");
    screenshot(&mut page, "review.png");
    // A second day's score, for the chart.
    clock.set(&mut page, "2026-07-03T09:00:00+08:00");
    open(&mut page, &site.join("images.html"), QUIZ_READY);
    answer(&mut page, "q-images-6", "0");
    // A search whose result is opened, for the search records.
    search_for(&mut page, "笔杆子");
    page.press("Enter");
    page.wait_for("location.hash === '#bi-gan-zi' && document.readyState === 'complete'");
    open(&mut page, &site.join("progress.html"), "document.querySelector('.progress-chart svg')");
    page.eval("document.querySelector('.progress-search-list').open = true");
    run(&mut page, "the progress page with data");
    screenshot(&mut page, "progress.png");
    page.eval("document.querySelector('.progress-chart').scrollIntoView()");
    screenshot(&mut page, "progress-chart.png");
    page.eval("document.querySelector('.progress-searches').scrollIntoView()");
    screenshot(&mut page, "progress-searches.png");
}

/// The review and progress pages' ids are the site's own, like the practice page's.
#[test]
fn the_learning_pages_ids_are_reserved() {
    for id in ["review", "progress"] {
        let dir = crate::common::fixture(None);
        let c = dir.path().join("content");
        let settings = std::fs::read_to_string(c.join("handbook.yaml")).unwrap();
        std::fs::write(c.join("handbook.yaml"), settings.replace("[basics, sayings]", &format!("[basics, {id}]")))
            .unwrap();
        let sayings = std::fs::read_to_string(c.join("sayings.yaml")).unwrap();
        std::fs::write(c.join("sayings.yaml"), sayings.replace("id: sayings", &format!("id: {id}"))).unwrap();
        let checked = handbook::pipeline::check(dir.path());
        let errors: Vec<String> =
            checked.report.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.message.clone()).collect();
        assert_eq!(errors, [format!("chapter id `{id}` is reserved")]);
    }
}

/// `handbook search --eval FILE --json` on the shipped handbook's site `site`.
fn eval_json(site: &Path, file: &Path) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["search", "--json", "--eval"])
        .arg(file)
        .arg("--dir")
        .arg(repo())
        .arg("--site")
        .arg(site)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn searches_are_kept_and_exported_as_a_questions_file_that_search_eval_reads() {
    let Some(mut b) = browser() else { return };
    let site = &shipped().out;
    let mut page = b.page();
    Clock::at(&mut page, "2026-06-01T09:00:00+08:00");
    page.goto(&format!("file://{}", site.join("index.html").display()));
    page.eval("localStorage.clear()");
    let done = "document.documentElement.getAttribute('data-search-done')";
    // A search that came with a link (a handout's words, not the reader's),
    // left without opening anything: not kept.
    page.goto(&format!("file://{}?q=%E5%8B%A4%E5%8A%A1%E5%91%98", site.join("index.html").display()));
    page.wait_for(done);
    page.goto(&format!("file://{}", site.join("index.html").display()));
    // A search whose second result is opened with the mouse (the search box
    // loses the focus first); the words typed on the way to it are not kept.
    search_for(&mut page, "领导交代");
    page.eval("document.documentElement.removeAttribute('data-search-done')");
    page.type_text("的事");
    page.wait_for(done);
    let second = page.eval("document.querySelectorAll('#search-results [role=option]')[1].dataset.section");
    let second = second.as_str().expect("a second result").to_string();
    let at = page.eval(
        "(() => { const r = document.querySelectorAll('#search-results [role=option]')[1].getBoundingClientRect();
            return [r.left + 20, r.top + 10]; })()",
    );
    for kind in ["mousePressed", "mouseReleased"] {
        page.call(
            "Input.dispatchMouseEvent",
            json!({ "type": kind, "x": at[0], "y": at[1], "button": "left", "clickCount": 1 }),
        );
    }
    page.wait_for(&format!("location.hash === '#{second}' && document.readyState === 'complete'"));

    // One whose first result is opened with the keyboard.
    search_for(&mut page, "笔杆子");
    page.press("ArrowDown");
    page.press("Enter");
    page.wait_for("location.hash === '#bi-gan-zi' && document.readyState === 'complete'");

    // The same search again, left without opening anything: the opening is kept.
    search_for(&mut page, "笔杆子");
    page.eval("document.getElementById('search-input').blur(); document.getElementById('search-input').value = ''");

    // A search that opens nothing, in characters that YAML, JSON and a
    // comment line treat specially; left by going to another page.
    let tricky = "引号\"与\\斜杠 #井号: 冒号 {括号}, [方括号] \u{85}换行\u{2028}分段\u{7f}末";
    search_for(&mut page, tricky);
    page.goto(&format!("file://{}", site.join("progress.html").display()));
    page.wait_for("document.querySelector('.progress-search-count')");
    assert_eq!(
        page.eval("document.querySelector('.progress-search-count').textContent"),
        json!("本机保存了 3 次搜索，其中 2 次打开了结果。")
    );
    let listed =
        page.eval("Array.from(document.querySelectorAll('.progress-search-list li')).map(li => li.textContent)");
    assert_eq!(
        listed,
        json!([
            format!("{tricky}（没有打开结果），2026-06-01"),
            "笔杆子（打开了第 1 条结果），2026-06-01".to_string(),
            "领导交代的事（打开了第 2 条结果），2026-06-01".to_string()
        ])
    );

    // The export: a questions file whose opened search names the opened section.
    page.eval("document.querySelector('.progress-search-download').click = () => {}");
    page.eval("document.querySelector('.progress-search-export').click()");
    page.wait_for("!document.querySelector('.progress-search-download').hidden");
    let text = page.eval("fetch(document.querySelector('.progress-search-download').href).then(r => r.text())");
    let text = text.as_str().unwrap().to_string();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("searches.yaml");
    std::fs::write(&file, &text).unwrap();
    let v = eval_json(site, &file);
    assert_eq!((v["questions"].clone(), v["unanswered"].clone()), (json!(2), json!(1)), "{text}");
    let o = &v["outcomes"];
    assert_eq!((o[0]["q"].clone(), o[0]["answers"].clone()), (json!("领导交代的事"), json!([second])));
    assert_eq!(o[0]["rank"], 2, "the CLI ranks the opened section where the browser showed it");
    assert_eq!(
        (o[1]["q"].clone(), o[1]["answers"].clone(), o[1]["rank"].clone()),
        (json!("笔杆子"), json!(["bi-gan-zi"]), json!(1))
    );
    // The search that opened nothing names no answer; YAML reads back exactly
    // what was typed, and `--eval` takes it (its line breaks joined as in
    // every text of the handbook).
    let words = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!((o[2]["answers"].clone(), o[2]["rank"].clone()), (json!([]), Value::Null));
    assert_eq!(words(o[2]["q"].as_str().unwrap()), words(tricky), "{text}");
    let read: Vec<std::collections::BTreeMap<String, Value>> = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(read.len(), 3, "{text}");
    assert_eq!(read[2]["q"], json!(tricky), "{text}");

    // Cleared on its own, and with the rest of the progress.
    page.eval("document.querySelector('.progress-search-clear').click()");
    assert_eq!(page.eval("document.querySelector('.progress-search-count').textContent"), json!("还没有搜索记录。"));
    assert_eq!(page.eval("localStorage.getItem('handbook.searches:office-handbook-tjj')"), Value::Null);
}
