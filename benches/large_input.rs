//! Large inputs, with the bounds this project sets (the README's "Large
//! inputs"): a 50 MB content file is refused with one clear error, and a
//! `content/` of 10,000 files builds; each within its time and memory bound,
//! on this machine. The peer for the big build is plain `mdbook build` of the
//! same Markdown (`MDBOOK`, as `bench/run` sets it), run in this process.
//!
//! `cargo bench --bench large_input` (`HANDBOOK_BIN` defaults to
//! target/release/handbook; build it first).

#[path = "support/measure.rs"]
mod measure;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The bounds: (seconds, MiB).
const REFUSE_50MB: (f64, f64) = (2.0, 256.0);
const BUILD_10K_FILES: (f64, f64) = (60.0, 2048.0);

fn bin() -> PathBuf {
    std::env::var_os("HANDBOOK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/handbook"))
}

fn within(what: &str, (s, mib): (f64, f64), (max_s, max_mib): (f64, f64)) {
    let ok = s <= max_s && mib <= max_mib;
    println!(
        "{what:<44} {s:>7.2} s {mib:>8.0} MiB   bound {max_s} s, {max_mib} MiB: {}",
        if ok { "within" } else { "OVER" }
    );
}

/// The minimal handbook with the shipped theme, in a temporary folder.
fn minimal() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        (repo.join("tests/fixtures/minimal"), dir.path().to_path_buf()),
        (repo.join("theme"), dir.path().join("theme")),
    ] {
        for e in walkdir::WalkDir::new(&from).into_iter().map(Result::unwrap) {
            let target = to.join(e.path().strip_prefix(&from).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(e.path(), &target).unwrap();
            }
        }
    }
    dir
}

fn main() {
    let bin = bin();
    assert!(bin.exists(), "build the release binary first: {}", bin.display());
    println!("machine: {} cores", std::thread::available_parallelism().map_or(1, |n| n.get()));

    // A 50 MB chapter file of well-formed YAML: refused before it is read.
    let dir = minimal();
    let file = dir.path().join("content/basics.yaml");
    let mut text = String::from("kind: qualities\nid: basics\ntitle: 基本作风\npart: part-one\nentries:\n");
    let mut i = 0;
    while text.len() < 50 * 1024 * 1024 {
        text += &format!(
            "  - id: e{i}\n    title: 第{i}条\n    text: [大事小事认真办，当日事情当日办，能办事情马上办，一切事情依法办。]\n"
        );
        i += 1;
    }
    std::fs::write(&file, &text).unwrap();
    let (s, mib, status) = measure::run(Command::new(&bin).args(["build", "--no-pdf", "--dir"]).arg(dir.path()));
    assert!(!status.success(), "a 50 MB content file is refused");
    let out = Command::new(&bin).args(["check", "--dir"]).arg(dir.path()).output().unwrap();
    println!("50 MB content file: {}", String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or_default());
    within("build refuses a 50 MB content file", (s, mib), REFUSE_50MB);

    // content/ of 10,000 files: the shipped handbook 834 times (12 files a copy).
    let big = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    handbook::scale::generate(repo, 834, big.path()).unwrap();
    let files = walkdir::WalkDir::new(big.path().join("content"))
        .into_iter()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_type().is_file()))
        .count();
    let md = big.path().join("md");
    let (s, mib, status) = measure::run(
        Command::new(&bin).args(["build", "--no-pdf", "--dir"]).arg(big.path()).arg("--emit-markdown").arg(&md),
    );
    assert!(status.success(), "the 10,000-file handbook builds");
    within(&format!("build of content/ with {files} files"), (s, mib), BUILD_10K_FILES);
    if let Some(mdbook) = std::env::var_os("MDBOOK").map(PathBuf::from).filter(|p| p.exists()) {
        let (ms, mmib, st) =
            measure::run(Command::new(mdbook).arg("build").arg(&md).arg("-d").arg(big.path().join("mdbook-site")));
        assert!(st.success(), "mdbook builds the emitted book");
        println!(
            "{:<44} {ms:>7.2} s {mmib:>8.0} MiB   ours / mdBook: {:.2}× the time",
            "peer: mdbook build of the same Markdown",
            s / ms
        );
    } else {
        println!("peer: MDBOOK not set (bench/run installs it), no ratio");
    }
}
