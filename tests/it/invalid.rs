//! Invalid-content fixtures: each `tests/fixtures/invalid/<case>/` overlays the
//! minimal handbook and lists, in `expected.txt`, the exact diagnostics
//! (`file:line:column: message`), optionally followed by `hint~ text` lines
//! that the preceding diagnostic's hint must contain.

use crate::common::{build, fixture, repo, snapshot};
use handbook::pipeline;

fn cases() -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> =
        std::fs::read_dir(repo().join("tests/fixtures/invalid")).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

#[test]
fn every_invalid_fixture_reports_exactly_its_expected_diagnostics() {
    let cases = cases();
    assert!(cases.len() >= 15, "at least 15 invalid fixtures, found {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(case.join("expected.txt"))
            .unwrap_or_else(|_| panic!("{name}: missing expected.txt"));
        let dir = fixture(Some(case));
        let report = pipeline::check(dir.path()).report;
        let got: Vec<String> = report.diagnostics.iter().map(|d| d.short()).collect();
        let want: Vec<&str> = expected.lines().filter(|l| !l.starts_with("hint~ ") && !l.is_empty()).collect();
        if got != want {
            failures.push(format!("{name}:\n  want {want:#?}\n  got  {got:#?}"));
            continue;
        }
        // Hints: `hint~ x` applies to the diagnostic on the line above it.
        let mut index = None;
        for line in expected.lines().filter(|l| !l.is_empty()) {
            match line.strip_prefix("hint~ ") {
                None => index = Some(index.map_or(0, |i| i + 1)),
                Some(h) => {
                    let d = &report.diagnostics[index.unwrap()];
                    if !d.hint.as_deref().unwrap_or("").contains(h) {
                        failures.push(format!(
                            "{name}: hint of `{}` is {:?}, want it to contain {h:?}",
                            d.short(),
                            d.hint
                        ));
                    }
                }
            }
        }
        assert!(!report.ok(), "{name}: an invalid handbook must not pass");
        assert!(report.diagnostics.iter().all(|d| d.hint.is_some()), "{name}: every diagnostic has a hint");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_failed_build_leaves_the_previous_site_byte_identical() {
    let dir = fixture(None);
    let out = dir.path().join("book");
    assert!(build(dir.path(), &out).ok());
    let before = snapshot(&out);
    assert!(before.keys().any(|p| p.ends_with("basics.html")));

    // Bad content, a broken page template, a broken mdBook template, a bad book.toml:
    // each fails a different stage, and none may touch the old site.
    let breakages: [(&str, &str); 4] = [
        ("content/basics.yaml", "kind: qualities\nid: basics\ntitle: \"\"\nentries: []\n"),
        ("theme/templates/qualities.md.tera", "{{ chapter.nope.deeper }}"),
        ("theme/index.hbs", "{{#if}}"),
        ("book.toml", "[book]\ntitle = \"x\"\nnot-a-key = 1\n"),
    ];
    for (file, text) in breakages {
        let path = dir.path().join(file);
        let original = std::fs::read(&path).unwrap();
        std::fs::write(&path, text).unwrap();
        let report = build(dir.path(), &out);
        assert!(!report.ok(), "breaking {file} must fail the build");
        assert_eq!(snapshot(&out), before, "breaking {file} changed the previous site");
        std::fs::write(&path, original).unwrap();
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

#[test]
fn book_toml_errors_point_at_line_and_column() {
    let dir = fixture(None);
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"x\"\nnot-a-key = 1\n").unwrap();
    let report = build(dir.path(), &dir.path().join("book"));
    let d = &report.diagnostics[0];
    assert_eq!((d.file.to_str().unwrap(), d.line, d.column), ("book.toml", 3, 1), "{d:?}");
    assert!(d.message.contains("not-a-key"), "{}", d.message);
}
