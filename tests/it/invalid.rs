//! Invalid-content fixtures: each `tests/fixtures/invalid/<case>/` overlays
//! the minimal handbook, and `handbook check`'s real stderr for it is a
//! snapshot in `tests/snapshots/` (`INSTA_UPDATE=always cargo test invalid`
//! rewrites them; read every changed one before committing it).

use crate::common::{build, copy_dir, fixture, repo, snapshot};
use handbook::pipeline;
use std::path::Path;
use std::process::Command;

/// Runs the binary as a user would, from the handbook's root.
pub fn handbook(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_handbook")).args(args).current_dir(root).output().unwrap()
}

#[test]
fn every_invalid_fixture_fails_check_with_its_snapshot() {
    let mut cases: Vec<_> =
        std::fs::read_dir(repo().join("tests/fixtures/invalid")).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 15, "at least 15 invalid fixtures, found {}", cases.len());
    let mut failed = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let dir = fixture(Some(case));
        let out = handbook(dir.path(), &["check"]);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}: check must fail\n{stderr}");
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout when check fails");
        // Every case is compared (and, when blessing, written) before the test fails.
        let compared = std::panic::catch_unwind(|| {
            insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true, description => format!("handbook check, tests/fixtures/invalid/{name}") }, {
                insta::assert_snapshot!(format!("invalid-{name}"), stderr);
            });
        });
        if compared.is_err() {
            failed.push(name);
        }
    }
    assert!(failed.is_empty(), "stderr differs from its snapshot: {failed:?}");
}

#[test]
fn every_invalid_fixture_gives_located_diagnostics_with_hints() {
    for case in std::fs::read_dir(repo().join("tests/fixtures/invalid")).unwrap() {
        let case = case.unwrap().path();
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let dir = fixture(Some(&case));
        let report = pipeline::check(dir.path()).report;
        assert!(!report.ok(), "{name}: an invalid handbook must not pass");
        for d in &report.diagnostics {
            assert!(!d.hints.is_empty(), "{name}: every diagnostic has a hint: {d:?}");
            let l = d.location.as_ref().unwrap_or_else(|| panic!("{name}: every diagnostic has a file: {d:?}"));
            assert!(dir.path().join(&l.file).exists(), "{name}: {} is a file of the handbook", l.file.display());
        }
    }
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
fn check_reads_book_toml_and_points_at_line_and_column() {
    let dir = fixture(None);
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"x\"\nnot-a-key = 1\n").unwrap();
    let report = pipeline::check(dir.path()).report;
    assert!(!report.ok(), "a broken book.toml fails `check`, not only `build`");
    let d = &report.diagnostics[0];
    assert_eq!(d.short().split(": ").next(), Some("book.toml:3:1"), "{d:?}");
    assert!(d.message.contains("not-a-key"), "{}", d.message);
    // An unknown key under [output.html] too: mdBook itself only looks when it renders.
    std::fs::write(dir.path().join("book.toml"), "[book]\ntitle = \"x\"\n\n[output.html]\nno-such = true\n").unwrap();
    let out = handbook(dir.path(), &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--> book.toml:5:1"), "{stderr}");
    assert!(stderr.contains("5 | no-such = true"), "{stderr}");
    assert!(stderr.contains("rejects unknown keys"), "{stderr}");
    // Each kind of problem gets its own hint: broken TOML is not about mdBook's keys.
    for (text, at, hint) in [
        ("[book\ntitle = \"x\"\n", "book.toml:1:6", "not valid TOML"),
        ("[book]\ntitle = 3\n", "book.toml:2:9", "each key's type"),
    ] {
        std::fs::write(dir.path().join("book.toml"), text).unwrap();
        let report = pipeline::check(dir.path()).report;
        let d = &report.diagnostics[0];
        assert_eq!(d.short().split(": ").next(), Some(at), "{d:?}");
        assert!(d.hints.iter().any(|h| h.contains(hint)), "{text:?}: {:?}", d.hints);
        assert!(!d.hints.iter().any(|h| h.contains("unknown keys")), "{text:?}: {:?}", d.hints);
    }
}

#[test]
fn a_tab_is_reported_at_its_own_line_and_column() {
    let dir = fixture(None);
    let path = dir.path().join("content/basics.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    // Indent the third line with a tab instead of spaces.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.iter().position(|l| l.starts_with("  ")).expect("an indented line");
    lines[n] = format!("\t{}", lines[n].trim_start());
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let out = handbook(dir.path(), &["check"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("--> content/basics.yaml:{}:1", n + 1)), "{stderr}");
    assert!(stderr.contains("= hint: indent with spaces"), "{stderr}");
}

/// In the child only: every write beyond `bytes` fails with EFBIG, as on a
/// full disk (SIGXFSZ ignored, so the command can report it).
#[cfg(unix)]
fn limit_file_size(c: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    unsafe {
        c.pre_exec(move || {
            let lim = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
        });
    }
}

/// Builds stopped from outside at points spread over a whole build (SIGKILL):
/// the site folder is afterwards the previous site or the new one, byte for
/// byte, never a mix, and the next build succeeds. Builds whose writes fail
/// (a file size limit: EFBIG) fail with an error that names the path, and
/// leave the previous site as it was; so do builds into a path where a file
/// stands in place of a folder.
#[cfg(unix)]
#[test]
fn a_build_killed_or_failing_to_write_leaves_a_whole_site() {
    let bin = env!("CARGO_BIN_EXE_handbook");
    let dir = fixture(None);
    let out = dir.path().join("book");
    let run = |limit_kb: Option<u64>| {
        let mut c = std::process::Command::new(bin);
        c.args(["build", "--no-pdf", "--dir"]).arg(dir.path()).arg("--out").arg(&out);
        c.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
        if let Some(kb) = limit_kb {
            limit_file_size(&mut c, kb * 1024);
        }
        c
    };
    assert!(run(None).status().unwrap().success());
    let old = snapshot(&out);
    // The new site: the same handbook with one text changed, built elsewhere for reference.
    let basics = dir.path().join("content/basics.yaml");
    let text = std::fs::read_to_string(&basics).unwrap();
    let changed = text.replacen("title: ", "title: 新", 1);
    assert_ne!(changed, text);
    std::fs::write(&basics, &changed).unwrap();
    let reference = dir.path().join("reference");
    assert!(
        handbook::pipeline::build(
            dir.path(),
            &handbook::pipeline::BuildOptions { out: reference.clone(), no_pdf: true, ..Default::default() }
        )
        .ok()
    );
    let new = snapshot(&reference);
    assert_ne!(old, new);
    // Time a build, then kill builds at points spread over that time.
    let t = std::time::Instant::now();
    assert!(run(None).status().unwrap().success());
    let full = t.elapsed();
    std::fs::write(&basics, &text).unwrap();
    assert!(run(None).status().unwrap().success());
    assert_eq!(snapshot(&out), old);
    std::fs::write(&basics, &changed).unwrap();
    let mut outcomes = std::collections::BTreeMap::new();
    for i in 0..12u32 {
        let mut child = run(None).spawn().unwrap();
        std::thread::sleep(full * i / 10);
        let _ = child.kill();
        let _ = child.wait();
        let now = snapshot(&out);
        let which = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            "mixed"
        };
        *outcomes.entry(which).or_insert(0) += 1;
        assert!(which != "mixed", "a build killed after {:?} left a mix of the two sites", full * i / 10);
        // Back to the old site for the next round.
        std::fs::write(&basics, &text).unwrap();
        assert!(run(None).status().unwrap().success(), "the build after a killed one succeeds");
        assert_eq!(snapshot(&out), old);
        std::fs::write(&basics, &changed).unwrap();
    }
    println!("killed builds left: {outcomes:?}");
    // Writes that fail: each limit cuts the build off at a different file.
    for kb in [0, 1, 4] {
        let o = run(Some(kb)).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "a build whose writes fail at {kb} KB does not succeed");
        assert!(err.contains("error") && err.contains(dir.path().to_str().unwrap()), "it names the path: {err}");
        assert_eq!(snapshot(&out), old, "a build whose writes fail at {kb} KB touched the site");
        println!("writes failing at {kb} KB: {}", err.lines().next().unwrap_or_default());
    }
    assert!(run(None).status().unwrap().success());
    assert_eq!(snapshot(&out), new, "and the next build writes the new site");
    // A file where a folder must go: the site folder's parent, or the site
    // folder itself. The build fails naming it, and the file stays as it was.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "a file").unwrap();
    for target in [blocked.join("book"), blocked.clone()] {
        let o = std::process::Command::new(bin)
            .args(["build", "--no-pdf", "--dir"])
            .arg(dir.path())
            .arg("--out")
            .arg(&target)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "building into {} does not succeed", target.display());
        assert!(err.contains(blocked.to_str().unwrap()), "it names the path: {err}");
        assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "a file");
        println!("a file where a folder must go: {}", err.lines().next().unwrap_or_default());
    }
    std::fs::remove_file(&blocked).unwrap();
    assert_eq!(snapshot(&out), new);
    // Nor does a build replace a folder of someone's files that is not a site.
    let documents = dir.path().join("documents");
    std::fs::create_dir(&documents).unwrap();
    std::fs::write(documents.join("notes.txt"), "mine").unwrap();
    let o = std::process::Command::new(bin)
        .args(["build", "--no-pdf", "--dir"])
        .arg(dir.path())
        .arg("--out")
        .arg(&documents)
        .output()
        .unwrap();
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("is not a site"));
    assert_eq!(std::fs::read_to_string(documents.join("notes.txt")).unwrap(), "mine");
    // What the killed builds left beside the site is gone after a build.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".book."))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// A content file over the size limit is refused before it is read, and one
/// with more values than the parser's budget is refused by it: both say the
/// file is too large and how to split it, and nothing else is reported.
#[test]
fn a_content_file_too_large_is_one_clear_error() {
    let entry = |i: usize| format!("  - id: e{i}\n    title: 第{i}条\n    text: [大事小事认真办。]\n");
    for (what, entries) in [("MB", 170_000), ("YAML values", 90_000)] {
        let dir = fixture(None);
        let mut text = String::from("kind: qualities\nid: basics\ntitle: 基本作风\npart: part-one\nentries:\n");
        text.extend((0..entries).map(entry));
        if what == "MB" {
            assert!(text.len() as u64 > handbook::load::MAX_FILE_BYTES);
        } else {
            assert!((text.len() as u64) < handbook::load::MAX_FILE_BYTES);
        }
        std::fs::write(dir.path().join("content/basics.yaml"), text).unwrap();
        let checked = handbook::pipeline::check(dir.path());
        let errors: Vec<_> = checked.report.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{what}: one error, no cascade: {errors:#?}");
        let e = errors[0];
        assert_eq!(e.file(), Some(std::path::Path::new("content/basics.yaml")));
        assert!(e.message.contains("too large") && e.message.contains(what), "{}", e.message);
        assert!(e.hints.iter().any(|h| h.contains("split it")), "{:?}", e.hints);
    }
}

#[test]
fn a_template_the_site_needs_is_reported_missing_at_its_path() {
    for name in ["review.md.tera", "sidebar.js.tera", "qualities.md.tera"] {
        let dir = fixture(None);
        std::fs::remove_file(dir.path().join("theme/templates").join(name)).unwrap();
        let report = pipeline::check(dir.path()).report;
        assert!(!report.ok(), "{name}: check fails");
        let d = report.diagnostics.iter().find(|d| d.is_error()).unwrap();
        assert_eq!(d.file(), Some(Path::new("theme/templates").join(name).as_path()), "{d:?}");
        assert!(d.message.starts_with("missing"), "{d:?}");
        assert!(!d.hints.is_empty(), "{d:?}");
    }
}

/// `--out` pointed at the folder that holds the handbook (an intranet folder
/// with an `index.html` of its own, or `..`), or into `content/` or `theme/`,
/// which the build reads (each build would take in the last site, and `serve`
/// would rebuild for ever): refused, and nothing is touched. The same for
/// `--emit-markdown`.
#[test]
fn a_build_never_replaces_the_handbook_nor_writes_into_what_it_reads() {
    let portal = tempfile::tempdir().unwrap();
    std::fs::write(portal.path().join("index.html"), "<p>our intranet</p>").unwrap();
    std::fs::write(portal.path().join("notes.txt"), "mine").unwrap();
    let root = portal.path().join("handbook");
    copy_dir(fixture(None).path(), &root);
    // `build --no-pdf FLAG value` from the handbook's root: refused for `why`, touching nothing.
    let refused = |flag: &str, value: &str, why: &str| {
        let before = snapshot(portal.path());
        let o = Command::new(env!("CARGO_BIN_EXE_handbook"))
            .args(["build", "--no-pdf", flag, value])
            .current_dir(&root)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{flag} {value}: {err}");
        assert!(err.contains(why) && err.contains("hint:"), "{flag} {value}: {err}");
        assert!(snapshot(portal.path()) == before, "{flag} {value} touched the files");
    };
    let cases: [(&str, &str); 7] = [
        ("..", "holds the handbook itself"),
        (".", "holds the handbook itself"),
        (portal.path().to_str().unwrap(), "holds the handbook itself"),
        ("content/site", "inside content/"),
        ("theme/static/site", "inside theme/"),
        ("theme", "inside theme/"),
        ("book/../content", "inside content/"),
    ];
    for (out, why) in cases {
        refused("--out", out, why);
    }
    // `--emit-markdown` replaces its folder whole too: held to the same, and
    // it must not overlap the site (the old one would be gone before the new
    // one is in place), nor replace a folder of other files.
    let docs = portal.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("plan.txt"), "mine").unwrap();
    for (dir, why) in [
        ("..", "holds the handbook itself"),
        ("content/md", "inside content/"),
        ("book", "overlaps the site's output folder"),
        ("book/md", "overlaps the site's output folder"),
        ("../docs", "has other files in it"),
    ] {
        refused("--emit-markdown", dir, why);
    }
    // A folder with an `index.html` that this tool did not write is not a site.
    let o = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["build", "--no-pdf", "--dir"])
        .arg(&root)
        .arg("--out")
        .arg(portal.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
    // And beside them the build goes ahead, and again over its own site.
    for _ in 0..2 {
        let o = Command::new(env!("CARGO_BIN_EXE_handbook"))
            .args(["build", "--no-pdf", "--out", "site", "--emit-markdown", "md"])
            .current_dir(&root)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(root.join("site/index.html").is_file() && root.join("md/src/SUMMARY.md").is_file());
}

/// `exam` writes its forms and their key together or not at all: when the
/// key cannot be written (here: a file-size limit between the forms' size and
/// the key's), the forms of the previous run stay too, so a paper never
/// meets another run's key.
#[cfg(unix)]
#[test]
fn an_exam_whose_key_fails_to_write_leaves_the_previous_forms() {
    let out = tempfile::tempdir().unwrap();
    let run = |seed: &str, limit: Option<u64>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_handbook"));
        c.args(["exam", "--format", "docx", "--seed", seed, "--out"]).arg(out.path()).current_dir(repo());
        if let Some(bytes) = limit {
            limit_file_size(&mut c, bytes);
        }
        c.output().unwrap()
    };
    assert!(run("1", None).status.success());
    let before = snapshot(out.path());
    let size = |suffix: &str| -> Vec<u64> {
        before.iter().filter(|(p, _)| p.to_string_lossy().ends_with(suffix)).map(|(_, b)| b.len() as u64).collect()
    };
    let forms = size("-A.docx").into_iter().chain(size("-B.docx")).max().unwrap();
    let key = size("-key.docx").into_iter().max().unwrap();
    assert!(key > forms + 1024, "the key ({key} B) is bigger than the forms ({forms} B), so a limit can fall between");
    let cut = run("2", Some((forms + key) / 2));
    let err = String::from_utf8_lossy(&cut.stderr);
    assert_eq!(cut.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot write file") && err.contains("-key.docx"), "{err}");
    assert!(snapshot(out.path()) == before, "the previous forms and key stay, and nothing is left beside them");
    assert!(run("2", None).status.success());
    assert!(snapshot(out.path()) != before, "another seed writes other forms");
    // `--out` at a file: the folder cannot be made, and the hint says why.
    let file = out.path().join("final-key.docx");
    let kept = std::fs::read(&file).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["exam", "--format", "docx", "--out"])
        .arg(&file)
        .current_dir(repo())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code() == Some(1) && err.contains("this is a file"), "{err}");
    assert!(std::fs::read(&file).unwrap() == kept);
}

/// A file command (`print`, `quiz export`, `schema`) whose write fails part
/// way (here: every write beyond 8 KB fails, as on a full disk) reports it and
/// leaves the previous file whole, with no partial file beside it.
#[cfg(unix)]
#[test]
fn a_file_write_failing_part_way_leaves_the_previous_file() {
    let out = tempfile::tempdir().unwrap();
    for (args, file) in [
        (&["print", "--format", "docx", "--out"][..], "handbook.docx"),
        (&["quiz", "export", "--format", "moodle-xml", "--out"][..], "bank.xml"),
        (&["schema", "--out"][..], "schema.json"),
    ] {
        let target = out.path().join("new folder").join(file);
        let run = |limit: bool| {
            let mut c = Command::new(env!("CARGO_BIN_EXE_handbook"));
            c.args(args).arg(&target).current_dir(repo());
            if limit {
                limit_file_size(&mut c, 8 * 1024);
            }
            c.output().unwrap()
        };
        let first = run(false);
        assert!(first.status.success(), "{args:?}: {}", String::from_utf8_lossy(&first.stderr));
        let whole = std::fs::read(&target).unwrap();
        assert!(whole.len() > 8 * 1024, "{args:?}: the file is big enough for the limit to cut it");
        let cut = run(true);
        let err = String::from_utf8_lossy(&cut.stderr);
        assert_eq!(cut.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("cannot write file") && err.contains(file), "{args:?}: {err}");
        assert!(std::fs::read(&target).unwrap() == whole, "{args:?}: the previous file is whole");
        let beside: Vec<_> = std::fs::read_dir(target.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(beside.is_empty(), "{args:?}: nothing left beside it: {beside:?}");
    }
}

/// `book` as a link to a folder elsewhere (a shared drive's): the build goes
/// through it, replacing the folder it points to and keeping the link, with
/// nothing left beside either; a link to nothing (a drive not connected) is
/// an error that says so.
#[cfg(unix)]
#[test]
fn a_linked_output_folder_is_built_through() {
    let dir = fixture(None);
    let share = tempfile::tempdir().unwrap();
    let target = share.path().join("handbook-site");
    std::fs::create_dir(&target).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("book")).unwrap();
    for _ in 0..2 {
        let o = handbook(dir.path(), &["build", "--no-pdf"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(std::fs::symlink_metadata(dir.path().join("book")).unwrap().file_type().is_symlink(), "the link stays");
    assert!(target.join("index.html").is_file(), "the site is where the link points");
    let beside: Vec<_> = std::fs::read_dir(share.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(beside, ["handbook-site"], "nothing left beside the site");
    std::fs::remove_dir_all(&target).unwrap();
    let o = handbook(dir.path(), &["build", "--no-pdf"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code() == Some(1) && err.contains("which does not exist") && err.contains("hint:"), "{err}");
}
