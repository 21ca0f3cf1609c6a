//! The site in a second browser engine (Firefox, over Marionette), from
//! `file://`: the Chromium tests' promises that depend on the engine.

use crate::browser::{
    Why, cli_why, every_set, expand_expr, expansions_differ, file_url, normalization_probes, outside, top3_differs,
    why_expr,
};
use crate::common::{require, shipped};
use crate::marionette::{Firefox, firefox};
use serde_json::json;

fn browser() -> Option<Firefox> {
    let bin = firefox();
    require(bin.is_some(), "Firefox (Debian package `firefox-esr`)").then(|| Firefox::launch(&bin.unwrap()))
}

/// Opens the site's search from a link that carries a query (笔杆子), as a
/// handout would, and waits for its results.
fn open_search(ff: &mut Firefox, site: &std::path::Path) {
    ff.goto(&format!("{}?q=%E7%AC%94%E6%9D%86%E5%AD%90", file_url(&site.join("index.html"))));
    ff.wait_for("document.querySelector('#search-results [role=option]')");
}

/// Every query of every set ranks alike in Firefox and the CLI: the same top
/// 3, found for the same reason (ask, near word, snippet), and every file the
/// page loads (scripts, styles, icons, images) is inside the site. Firefox
/// opens the search from a link that carries the query, as a handout would.
#[test]
fn every_set_ranks_alike_in_firefox_and_the_cli() {
    let Some(mut ff) = browser() else { return };
    let site = &shipped().out;
    open_search(&mut ff, site);
    let (mut total, mut differ) = (0, Vec::new());
    for (name, queries) in every_set() {
        for (q, _) in queries {
            let firefox: Vec<Why> =
                serde_json::from_value(ff.eval(&why_expr(&q))).unwrap_or_else(|e| panic!("{name}: {q}: {e}"));
            differ.extend(top3_differs("Firefox", &format!("{name}: {q}"), &firefox, &cli_why(site, &q)));
            total += 1;
        }
    }
    // What the page loaded: its scripts (the search's shards among them, kept
    // in the page), styles, icons and images (Firefox keeps no timing entries for files).
    let loaded: Vec<String> = serde_json::from_value(ff.eval(
        "Array.from(document.querySelectorAll('script[src], link[href], img[src], iframe[src], source[src]')).map(e => e.src || e.href)",
    ))
    .unwrap();
    println!("Firefox: {total} queries compared with the CLI, {} files loaded", loaded.len());
    assert!(
        loaded.iter().filter(|f| f.contains("/search/s/")).count() > 50,
        "the search loaded its shards: {loaded:?}"
    );
    assert_eq!(outside(&loaded, site), Vec::<String>::new(), "no request leaves the site");
    assert!(total > 400, "every set was run: {total} queries");
    assert!(differ.is_empty(), "{} of {total} differ:\n{}", differ.len(), differ.join("\n"));
}

/// A question answered on a chapter's page is kept for review on another
/// page of the site opened from `file://` (Firefox gives each local file an
/// origin of its own for most purposes, not for storage).
#[test]
fn a_question_answered_on_one_page_is_due_for_review_on_another_in_firefox() {
    let Some(mut ff) = browser() else { return };
    let site = &shipped().out;
    ff.goto(&file_url(&site.join("images.html")));
    ff.wait_for("document.querySelector('.quiz-questions li')");
    let q = "li[data-qid=\"q-images-2\"]";
    ff.eval(&format!("document.querySelector('{q} input[value=\"0\"]').click()"));
    ff.eval(&format!("document.querySelector('{q} .quiz-submit').click()"));
    ff.wait_for(&format!("document.querySelector('{q} .quiz-verdict')"));
    ff.goto(&file_url(&site.join("review.html")));
    ff.wait_for(
        "document.querySelector('.review-status') && !document.querySelector('.review-status').textContent.startsWith('正在载入')",
    );
    let kept = ff.eval(
        "(() => { const k = Object.keys(localStorage).find(k => k.startsWith('handbook.learn:'));
            return k ? JSON.parse(localStorage.getItem(k)).q['q-images-2'].ok : null; })()",
    );
    assert_eq!(kept, json!(false), "the wrong answer is kept where the review page reads it");
    // Due tomorrow ("共 1 题"), or now if the day turned between the two pages ("还有 1 题").
    let status = ff.eval("document.querySelector('.review-status').textContent");
    let status = status.as_str().unwrap_or_default();
    assert!(status.contains("共 1 题") || status.contains("还有 1 题"), "the review page counts it: {status}");
}

/// Firefox's normalization of a query is the CLI's for every probe (its
/// `normalize('NFD')` and regular expressions against Rust's tables).
#[test]
fn every_character_a_search_box_gets_is_normalized_as_in_the_cli_in_firefox() {
    let Some(mut ff) = browser() else { return };
    let site = &shipped().out;
    open_search(&mut ff, site);
    let probes = normalization_probes();
    let differ = expansions_differ(site, &probes, ff.eval(&expand_expr(&probes)));
    assert!(differ.is_empty(), "{} of {} differ:\n{}", differ.len(), probes.len(), differ.join("\n"));
}

/// A search whose result is opened with a real click (the search box loses
/// the focus before the click, and the page is left after it, in Firefox's
/// order) is kept with the section and rank opened, and the progress page
/// counts it.
#[test]
fn a_search_opened_with_a_click_is_kept_in_firefox() {
    let Some(mut ff) = browser() else { return };
    let site = &shipped().out;
    ff.goto(&file_url(&site.join("index.html")));
    ff.eval("localStorage.clear()");
    open_search(&mut ff, site);
    let found = ff.call("WebDriver:FindElement", json!({ "using": "css selector", "value": "#search-result-1" }));
    let element = found["value"].as_object().and_then(|o| o.values().next()).cloned().expect("the second result");
    let section = ff.eval("document.getElementById('search-result-1').dataset.section");
    ff.call("WebDriver:ElementClick", json!({ "id": element }));
    ff.wait_for(&format!("location.hash === '#{}'", section.as_str().unwrap()));
    ff.goto(&file_url(&site.join("progress.html")));
    ff.wait_for("document.querySelector('.progress-search-count')");
    assert_eq!(
        ff.eval("document.querySelector('.progress-search-count').textContent"),
        json!("本机保存了 1 次搜索，其中 1 次打开了结果。")
    );
    let listed = ff.eval("document.querySelector('.progress-search-list li').textContent");
    assert!(listed.as_str().unwrap().starts_with("笔杆子（打开了第 2 条结果），"), "{listed}");
}
