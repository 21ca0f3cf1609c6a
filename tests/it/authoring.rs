//! `handbook init` and `handbook schema`.

use crate::common::{repo, require};
use handbook::pipeline::{self, BuildOptions};
use std::process::Command;

#[test]
fn init_scaffolds_a_handbook_that_checks_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("x");
    let files = handbook::init::init(&root).unwrap();
    assert!(files.iter().any(|f| f.ends_with("content/quiz/01-overview.yaml")));
    let checked = pipeline::check(&root);
    assert!(checked.report.ok(), "{:?}", checked.report.diagnostics);
    let kinds: Vec<&str> = checked.valid.as_ref().unwrap().handbook.chapters.iter().map(|c| c.kind()).collect();
    for k in ["overview", "qualities", "images", "relationships", "transformations", "maxims"] {
        assert!(kinds.contains(&k), "init has an example of `{k}`");
    }
    assert!(!checked.valid.unwrap().handbook.quizzes.is_empty(), "init has a quiz");
    // With or without a Chinese font on the machine: a font problem is only a warning in `build`.
    let report = pipeline::build(&root, &BuildOptions { out: root.join("book"), ..Default::default() });
    assert!(report.ok(), "{:?}", report.diagnostics);
    assert!(root.join("book/index.html").exists());
    // A second init into the same folder refuses to overwrite it.
    assert!(handbook::init::init(&root).is_err());
    // Every content file points YAML editors at the schema.
    for f in files.iter().filter(|f| f.starts_with("content") && f.extension().is_some_and(|e| e == "yaml")) {
        let text = std::fs::read_to_string(root.join(f)).unwrap();
        assert!(text.starts_with("# yaml-language-server: $schema="), "{}", f.display());
    }
}

#[test]
fn the_shipped_theme_is_what_init_writes() {
    let mut on_disk: Vec<String> = walkdir::WalkDir::new(repo().join("theme"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(repo().join("theme")).unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = handbook::init::THEME.iter().map(|(p, _)| p.to_string()).collect();
    embedded.sort();
    assert_eq!(embedded, on_disk, "src/init/mod.rs must list every file of theme/");
}

#[test]
fn the_committed_schema_is_the_generated_one() {
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("content/handbook.schema.json")).unwrap()).unwrap();
    assert_eq!(
        committed,
        handbook::model::content_schema(),
        "run `handbook schema --out content/handbook.schema.json`"
    );
}

#[test]
fn the_schema_validates_the_content_and_rejects_a_typo() {
    let has = Command::new("python3").args(["-c", "import jsonschema"]).output().is_ok_and(|o| o.status.success());
    if !require(has, "python3 with jsonschema (pip install jsonschema)") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let schema = tmp.path().join("schema.json");
    std::fs::write(&schema, serde_json::to_string(&handbook::model::content_schema()).unwrap()).unwrap();
    let mut docs = Vec::new();
    for e in walkdir::WalkDir::new(repo().join("content")).into_iter().filter_map(Result::ok) {
        if e.path().extension().is_some_and(|x| x == "yaml") {
            let v: serde_json::Value = serde_saphyr::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap();
            let out = tmp.path().join(format!("{}.json", docs.len()));
            std::fs::write(&out, serde_json::to_string(&v).unwrap()).unwrap();
            docs.push((e.path().to_path_buf(), out));
        }
    }
    assert!(docs.len() >= 13);
    // A copy of a chapter with a typo'd key.
    let images = std::fs::read_to_string(repo().join("content/03-images.yaml")).unwrap();
    let mut bad: serde_json::Value = serde_saphyr::from_str(&images).unwrap();
    let entry = bad["entries"][0].as_object_mut().unwrap();
    let title = entry.remove("title").unwrap();
    entry.insert("titel".into(), title);
    let bad_path = tmp.path().join("typo.json");
    std::fs::write(&bad_path, serde_json::to_string(&bad).unwrap()).unwrap();

    let out = Command::new("python3")
        .arg(repo().join("tests/tools/validate_schema.py"))
        .arg(&schema)
        .args(docs.iter().map(|(_, j)| j))
        .arg(&bad_path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for (src, json) in &docs {
        assert!(text.contains(&format!("{}: ok", json.display())), "{} does not validate:\n{text}", src.display());
    }
    let typo = text.lines().find(|l| l.starts_with(&bad_path.display().to_string())).unwrap();
    assert!(typo.contains("invalid") && typo.contains("titel"), "{typo}");
}

#[test]
fn progress_shows_on_a_terminal_and_stays_quiet_when_piped() {
    let dir = crate::common::fixture(None);
    let bin = env!("CARGO_BIN_EXE_handbook");
    let piped = Command::new(bin).args(["build", "--dir"]).arg(dir.path()).output().unwrap();
    assert!(piped.status.success());
    assert_eq!(String::from_utf8_lossy(&piped.stderr), "", "nothing on a piped stderr");
    // On a terminal (a pty from util-linux `script`), the stages show.
    let has_script = Command::new("script").arg("--version").output().is_ok_and(|o| o.status.success());
    if !require(has_script, "util-linux `script` (for a pseudo-terminal)") {
        return;
    }
    let cmd = format!("{bin} build --dir {}", dir.path().display());
    let tty = Command::new("script").args(["-qec", &cmd, "/dev/null"]).output().unwrap();
    let out = String::from_utf8_lossy(&tty.stdout);
    assert!(out.contains("validate") && out.contains("mdBook"), "{out}");
}

/// Readers' progress is kept under the handbook's identity: the settings'
/// `id` (which `init` makes at random, so two new handbooks with the same
/// title never share it), else one made from the chapters' ids.
#[test]
fn each_handbook_keeps_readers_progress_under_its_own_identity() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    handbook::init::init(&a).unwrap();
    handbook::init::init(&b).unwrap();
    let id = |root: &std::path::Path| {
        let v = pipeline::check(root).valid.expect("init's handbook checks");
        (v.handbook.settings.id.clone().map(|i| i.value), handbook::render::identity(&v.handbook))
    };
    let (ida, idb) = (id(&a), id(&b));
    assert!(ida.0.as_deref().is_some_and(|i| i.starts_with("handbook-")), "{ida:?}");
    assert_eq!(ida.0.as_deref(), Some(ida.1.as_str()), "the settings' id is the identity");
    assert_ne!(ida.1, idb.1, "two new handbooks, the same title: two identities");
    // The identity reaches every page's site script.
    let report = pipeline::build(&a, &BuildOptions { out: a.join("book"), ..Default::default() });
    assert!(report.ok(), "{:?}", report.diagnostics);
    let sidebar = std::fs::read_dir(a.join("book"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("sidebar-"))
        .unwrap();
    assert!(std::fs::read_to_string(sidebar).unwrap().contains(&format!("id: \"{}\"", ida.1)));
    // Without an id, the chapters' ids stand in: stable across edits to the text, not across handbooks' chapters.
    let settings = a.join("content/handbook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    let line = text.lines().find(|l| l.starts_with("id: ")).unwrap().to_string();
    std::fs::write(&settings, text.replace(&format!("{line}\n"), "")).unwrap();
    let derived = id(&a);
    assert_eq!(derived.0, None);
    assert!(derived.1.starts_with("chapters-"), "{derived:?}");
    // An id that is not lowercase letters, digits and hyphens is an error at its line.
    std::fs::write(&settings, text.replace(&line, "id: My Handbook")).unwrap();
    let checked = pipeline::check(&a);
    let e = checked.report.diagnostics.iter().find(|d| d.is_error()).expect("an error");
    let at = text.lines().position(|l| l == line).unwrap() as u32 + 1;
    assert_eq!((e.pos().map(|p| p.line), e.message.contains("handbook id `My Handbook`")), (Some(at), true), "{e:?}");
}
