//! The built site: pages, self-containment, emitted Markdown.

use crate::common::{fixture, shipped};
use handbook::pipeline::{self, BuildOptions};

#[test]
fn shipped_handbook_builds_every_page() {
    let site = shipped();
    assert_eq!(
        site.chapters,
        [
            "overview",
            "qualities",
            "images",
            "relationships",
            "transformations",
            "maxims",
            "practice",
            "review",
            "progress"
        ]
    );
    for page in site.chapters.iter().map(|c| format!("{c}.html")).chain(["index.html".into(), "print.html".into()]) {
        let html = std::fs::read_to_string(site.out.join(&page)).unwrap_or_else(|_| panic!("{page} missing"));
        assert!(html.contains(r#"<html lang="zh-CN""#), "{page}: lang");
        assert!(html.contains(r#"<nav id="sidebar" class="sidebar" aria-label="目录">"#), "{page}: sidebar");
        assert!(
            html.contains(r#"<div id="sidebar-chapters"></div>"#) && html.contains("src=\"sidebar-"),
            "{page}: sidebar list from sidebar.js"
        );
        assert!(
            !html.contains(r#"["images","四种形象",9]"#) && !html.contains(r#"<a href="images.html">四种形象</a>"#),
            "{page}: the chapter list is not copied into every page"
        );
    }
    // The chapter list lives once, in sidebar-<hash>.js, as data set as text (not parsed as HTML).
    let sidebar = std::fs::read_dir(&site.out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("sidebar-"))
        .expect("sidebar.js");
    let js = std::fs::read_to_string(sidebar).unwrap();
    assert!(js.contains(r#"["images","四种形象",9]"#), "{js}");
    assert!(js.contains("textContent") && !js.contains("innerHTML"));
    // Without scripts, toc.html lists every chapter.
    let toc = std::fs::read_to_string(site.out.join("toc.html")).unwrap();
    for c in &site.chapters {
        assert!(toc.contains(&format!(r#"<a href="{c}.html">"#)), "toc.html links {c}");
    }
    // mdBook's elasticlunr search is off: it cannot index Chinese (mdBook #1081).
    assert!(!site.out.join("searchindex.js").exists());
    assert!(!site.out.join("searchindex.json").exists());
}

#[test]
fn entries_and_points_have_stable_anchors() {
    let html = std::fs::read_to_string(shipped().out.join("images.html")).unwrap();
    for id in ["bi-gan-zi", "qin-xue-xi", "huo-dian-nao", "lao-huang-niu", "qin-wu-yuan", "tui-qin"] {
        assert!(html.contains(&format!(r#"id="{id}""#)), "anchor #{id}");
    }
    let t = std::fs::read_to_string(shipped().out.join("transformations.html")).unwrap();
    for id in ["guan-li-ke-xue-hua", "qiang-hua-zhi-ze", "ming-que-fen-gong", "liang-hua-kao-he", "kao-shi-ze-ren"] {
        assert!(t.contains(&format!(r#"id="{id}""#)), "anchor #{id}");
    }
}

/// Every `src`/`href` in the site stays inside it: no scheme, no host, no absolute path.
#[test]
fn the_site_references_nothing_outside_its_folder() {
    let out = &shipped().out;
    let mut offenders = Vec::new();
    for entry in walkdir::WalkDir::new(out).into_iter().filter_map(Result::ok) {
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "css" | "js") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for needle in ["src=\"", "href=\"", "url("] {
            for (i, _) in text.match_indices(needle) {
                let value: String = text[i + needle.len()..].chars().take_while(|c| !matches!(c, '"' | ')')).collect();
                let value = value.trim_matches(['\'', ' ']);
                let external = value.contains("://") || value.starts_with("//") || value.starts_with('/');
                if external {
                    offenders.push(format!("{}: {needle}{value}", path.strip_prefix(out).unwrap().display()));
                }
                if value.contains("javascript:") {
                    offenders.push(format!("{}: javascript URL", path.display()));
                }
            }
        }
        for needle in ["@import", "http://", "https://"] {
            if ext != "html" && text.contains(needle) {
                offenders.push(format!("{}: {needle}", path.strip_prefix(out).unwrap().display()));
            }
        }
    }
    assert!(offenders.is_empty(), "references outside the site:\n{}", offenders.join("\n"));
}

#[test]
fn emit_markdown_writes_a_standalone_mdbook_project() {
    let dir = fixture(None);
    let md = dir.path().join("md");
    let report = pipeline::build(
        dir.path(),
        &BuildOptions { out: dir.path().join("book"), emit_markdown: Some(md.clone()), ..Default::default() },
    );
    assert!(report.ok(), "{:?}", report.diagnostics);
    let summary = std::fs::read_to_string(md.join("src/SUMMARY.md")).unwrap();
    assert!(summary.contains("- [基本作风](basics.md)"), "{summary}");
    let basics = std::fs::read_to_string(md.join("src/basics.md")).unwrap();
    assert!(basics.contains("## 认真 {#careful}"), "{basics}");
    // The handbook's book.toml, plus the chapter list script every page loads.
    let toml: mdbook_driver::config::Config = std::fs::read_to_string(md.join("book.toml")).unwrap().parse().unwrap();
    assert_eq!(toml.book.title.as_deref(), Some("测试手册"));
    let html = toml.html_config().unwrap();
    assert!(!html.smart_punctuation && html.no_section_label);
    assert_eq!(html.additional_js, [std::path::PathBuf::from("sidebar.js")]);
    assert!(std::fs::read_to_string(md.join("sidebar.js")).unwrap().contains("基本作风"));
    assert!(md.join("theme/index.hbs").exists());
    // Standalone: mdBook (the library its CLI runs) builds it with nothing
    // else, and its pages carry the same chapter text as the handbook's.
    let mut config = toml.clone();
    config.build.build_dir = dir.path().join("by-mdbook");
    // Every chapter the summary lists must be there (mdBook would make it empty).
    config.build.create_missing = false;
    let book = mdbook_driver::MDBook::load_with_config(&md, config).expect("mdBook loads the emitted project");
    book.build().expect("mdBook builds the emitted project");
    let by_mdbook = std::fs::read_to_string(dir.path().join("by-mdbook/basics.html")).unwrap();
    let ours = std::fs::read_to_string(dir.path().join("book/basics.html")).unwrap();
    assert_eq!(crate::common::article_text(&by_mdbook), crate::common::article_text(&ours));
    // mdBook names the script after its content, as in the handbook's own site.
    let script = by_mdbook
        .split("src=\"sidebar-")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the page loads the chapter list script");
    let js = std::fs::read_to_string(dir.path().join(format!("by-mdbook/sidebar-{script}"))).unwrap();
    assert!(js.contains("基本作风"), "the chapter list script lists the chapters");
}

/// Extra CSS and scripts that `book.toml` names from the handbook's root
/// reach the site (and the emitted project) at those paths, and every page
/// loads them from there.
#[test]
fn extra_css_and_scripts_from_book_toml_are_in_the_site() {
    let dir = fixture(None);
    let toml = dir.path().join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = text.replace(
        "[output.html]\n",
        "[output.html]\nadditional-css = [\"theme/office.css\"]\nadditional-js = [\"extra/office.js\"]\n",
    );
    std::fs::write(&toml, text).unwrap();
    std::fs::write(dir.path().join("theme/office.css"), "body { color: #123456 }\n").unwrap();
    std::fs::create_dir(dir.path().join("extra")).unwrap();
    std::fs::write(dir.path().join("extra/office.js"), "window.officeExtra = 1;\n").unwrap();
    let (out, md) = (dir.path().join("book"), dir.path().join("md"));
    let report = pipeline::build(
        dir.path(),
        &BuildOptions { out: out.clone(), emit_markdown: Some(md.clone()), ..Default::default() },
    );
    assert!(report.ok(), "{:?}", report.diagnostics);
    let page = std::fs::read_to_string(out.join("basics.html")).unwrap();
    for (prefix, content) in [("theme/office-", "#123456"), ("extra/office-", "officeExtra")] {
        let name =
            page.split(prefix).nth(1).and_then(|r| r.split('"').next()).unwrap_or_else(|| panic!("{prefix} in {page}"));
        let file = std::fs::read_to_string(out.join(format!("{prefix}{name}"))).unwrap();
        assert!(file.contains(content), "{prefix}{name}: {file}");
    }
    assert!(md.join("theme/office.css").is_file() && md.join("extra/office.js").is_file());
}

/// The same content gives the same site, byte for byte (the search index's
/// segment files included), whether built into a fresh folder or over the
/// previous site (whose unchanged files are linked, not rewritten).
#[test]
fn two_builds_of_the_same_content_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let build = |out: &std::path::Path| {
        let opts = BuildOptions { out: out.to_path_buf(), no_pdf: true, ..BuildOptions::default() };
        let report = pipeline::build(&crate::common::repo(), &opts);
        assert!(report.ok(), "{:?}", report.diagnostics);
        crate::common::snapshot(out)
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let first = build(&a);
    let again = build(&a);
    let elsewhere = build(&b);
    assert!(first.keys().any(|p| p.starts_with("search/tantivy") && p.extension().is_some_and(|e| e == "store")));
    assert_eq!(first, again, "rebuilt over itself");
    assert_eq!(first, elsewhere, "built into another folder");
    // And the index opens and answers.
    let hits = handbook::search::search_site(&a, "挡小事", 3).unwrap();
    assert!(!hits.is_empty());
}
