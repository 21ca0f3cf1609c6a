//! The binary as a user runs it: output to a reader that has gone away.

use crate::common::{fixture, shipped};
use std::process::{Command, Stdio};

/// Runs `handbook args` in `dir` with standard output a pipe whose reader
/// was closed before the first write (as `handbook schema | (exec 0<&-; sleep 1)`).
fn with_closed_stdout(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_pipe_is_a_clean_exit_for_every_command_that_writes_to_stdout() {
    let dir = fixture(None);
    let site = shipped().out.display().to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["schema"],
        vec!["quiz", "export", "--format", "gift"],
        vec!["quiz", "export", "--format", "moodle-xml"],
        vec!["check"],
        vec!["build", "--no-pdf"],
        vec!["search", "认真", "--site", &site],
        vec!["search", "认真", "--json", "--site", &site],
        vec!["search", "没有这样的词组合", "--site", &site],
        vec!["init", "new-handbook"],
        vec!["scale", "--factor", "2", "--out", "scaled"],
        vec!["--help"],
        vec!["--version"],
    ];
    for args in runs {
        let out = with_closed_stdout(dir.path(), &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "handbook {args:?}: {stderr}");
        assert!(stderr.is_empty(), "handbook {args:?} wrote to stderr: {stderr}");
    }
    // The control: with a reader, the same commands do write.
    let out = Command::new(env!("CARGO_BIN_EXE_handbook")).arg("schema").output().unwrap();
    assert!(out.stdout.starts_with(b"{"), "schema writes the JSON Schema");
}

#[test]
fn check_prints_paths_from_where_the_user_stands() {
    let dir = fixture(None);
    std::fs::write(dir.path().join("content/basics.yaml"), "kind: qualities\nid: basics\ntitel: x\n").unwrap();
    let parent = dir.path().parent().unwrap();
    let name = dir.path().file_name().unwrap().to_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["check", "--dir", name])
        .current_dir(parent)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains(&format!("--> {name}/content/basics.yaml:3:1")), "{stderr}");
    assert!(stderr.contains("3 | titel: x\n  | ^^^^^"), "{stderr}");
}
