//! Content is data, not markup: hostile text comes out inert.

use crate::common::{article_text, build, fixture};

const HOSTILE: &[&str] = &[
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "[点我](javascript:alert(3))",
    "<img src=x onerror=alert(4)>",
    "3~5天 ~~删除~~",
    "**粗体** _斜体_ `代码`",
];

fn hostile_fixture() -> tempfile::TempDir {
    let dir = fixture(None);
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let all = HOSTILE.iter().map(|h| q(h)).collect::<Vec<_>>();
    let basics = format!(
        "kind: qualities\nid: basics\ntitle: {t}\npart: part-one\nheading: {h}\nintro:\n  - {i}\nentries:\n  - id: careful\n    title: {et}\n    lead: {l}\n    text:\n{texts}    points:\n      - id: careful-daily\n        title: {pt}\n        text:\n          - 当日事情当日办。\n",
        t = q("基本<script>alert(5)</script>"),
        h = all[2],
        i = all[0],
        et = all[1],
        l = all[3],
        pt = all[4],
        texts = all.iter().map(|s| format!("      - {s}\n")).collect::<String>(),
    );
    std::fs::write(dir.path().join("content/basics.yaml"), basics).unwrap();
    std::fs::write(
        dir.path().join("content/handbook.yaml"),
        format!("kind: handbook\nchapters: [basics, sayings]\nparts:\n  - id: part-one\n    title: {}\n", all[0]),
    )
    .unwrap();
    dir
}

#[test]
fn hostile_text_renders_inert_and_verbatim() {
    let dir = hostile_fixture();
    let out = dir.path().join("book");
    let report = build(dir.path(), &out);
    assert!(report.ok(), "{:?}", report.diagnostics);
    for page in ["basics.html", "sayings.html", "index.html", "print.html"] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let lower = html.to_lowercase();
        for bad in ["<script>alert", "<script>alert(2)", "href=\"javascript:", "<img", "<del>", "<s>", "<em>", "<code>"]
        {
            assert!(!lower.contains(bad), "{page} contains {bad:?}");
        }
        if page == "sayings.html" {
            continue;
        }
        let text = article_text(&html);
        for h in HOSTILE {
            assert!(text.contains(h), "{page}: {h:?} does not read verbatim in:\n{text}");
        }
    }
    // The chapter title lands in <title>, the sidebar and the SUMMARY: escaped everywhere.
    let html = std::fs::read_to_string(out.join("basics.html")).unwrap();
    assert!(html.contains("基本&lt;script&gt;alert(5)&lt;/script&gt;"), "title escaped in the sidebar and <title>");
}
