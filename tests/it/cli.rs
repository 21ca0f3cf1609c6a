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

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_handbook")).args(args).current_dir(dir).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn build_check_and_search_as_a_user_runs_them() {
    let dir = fixture(None);
    let (code, out, err) = run(dir.path(), &["check"]);
    assert_eq!((code, err.as_str()), (0, ""), "{err}");
    assert!(out.starts_with("checked .: ") && out.contains("no errors"), "{out}");
    let (code, out, err) = run(dir.path(), &["build", "--no-pdf", "--timings"]);
    assert_eq!(code, 0, "{err}");
    let index = dir.path().join("book/index.html").canonicalize().unwrap();
    assert_eq!(out.trim(), format!("built ./book — open file://{}", index.display()));
    for stage in ["load", "validate", "render", "mdBook", "∥ index", "swap into place", "total"] {
        assert!(err.lines().any(|l| l.starts_with(&format!("timing {stage} "))), "no `{stage}` timing in:\n{err}");
    }
    // A folder whose name has a space, `#` and `%`: the address is escaped, and leads to the page.
    let (code, out, err) = run(dir.path(), &["build", "--no-pdf", "--out", "新 书#1%"]);
    assert_eq!(code, 0, "{err}");
    let url = out.trim().rsplit(" open ").next().unwrap();
    assert!(url.starts_with("file:///") && !url.contains([' ', '#', '新']), "{url}");
    let path = percent_encoding::percent_decode_str(&url["file://".len()..]).decode_utf8().unwrap();
    assert_eq!(
        std::path::Path::new(&*path).canonicalize().unwrap(),
        dir.path().join("新 书#1%/index.html").canonicalize().unwrap()
    );
    // Plain results: rank, title, breadcrumb, URL, the snippet with « » around the matched words.
    let (code, out, _) = run(dir.path(), &["search", "当日事情"]);
    assert_eq!(code, 0);
    let first: Vec<&str> = out.lines().take(3).collect();
    assert!(first[0].starts_with("1. 当日事  (基本作风 › 认真 › 当日事)"), "{out}");
    assert_eq!(first[1].trim(), "basics.html#careful-daily");
    assert!(first[2].contains("«当日事情"), "{out}");
    // No results asked for is a usage mistake, not "nothing found".
    let (code, _, err) = run(dir.path(), &["search", "当日事情", "--limit", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--limit") && err.contains("1..=10000"), "{err}");
    // JSON: the documented fields, scores descending, marks inside the text on the query's words.
    let (code, out, _) = run(dir.path(), &["search", "当日事情", "--json", "--limit", "3"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["query"], "当日事情");
    let results = v["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.len() <= 3, "{out}");
    let mut last = u64::MAX;
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["rank"], i + 1);
        for f in ["id", "title", "breadcrumb", "url"] {
            assert!(r[f].as_str().is_some_and(|s| !s.is_empty()), "{f}: {r}");
        }
        let score = r["score"].as_u64().unwrap();
        assert!(score <= last, "scores descend: {out}");
        last = score;
        let text: Vec<char> = r["snippet"]["text"].as_str().unwrap().chars().collect();
        for m in r["snippet"]["marks"].as_array().unwrap() {
            let (a, b) = (m[0].as_u64().unwrap() as usize, m[1].as_u64().unwrap() as usize);
            assert!(a < b && b <= text.len(), "{m} in {} chars", text.len());
            let marked: String = text[a..b].iter().collect();
            assert!("当日事情".contains(&marked) || marked.contains("当日"), "marked `{marked}`");
        }
    }
    assert!(!results[0]["snippet"]["marks"].as_array().unwrap().is_empty());
    // Nothing found: said in Chinese, still success.
    let (code, out, _) = run(dir.path(), &["search", "qqqzzz"]);
    assert_eq!(
        (code, out.trim()),
        (0, "没有找到与“qqqzzz”相关的内容。按拼音搜索时，请输入标题的完整拼音或每个字的首字母。")
    );
    // Letters alone get the pinyin tip (they may be pinyin typed part way); other text does not.
    let (code, out, _) = run(dir.path(), &["search", "㐀㐁"]);
    assert_eq!((code, out.trim()), (0, "没有找到与“㐀㐁”相关的内容。"));
    // A missing site: a located error and exit 1.
    let (code, _, err) = run(dir.path(), &["search", "x", "--site", "nowhere"]);
    assert_eq!(code, 1);
    assert!(err.contains("no search index in nowhere") && err.contains("run `handbook build` first"), "{err}");
    // Nothing to look for: an error with the way to ask, as the `serve` API answers 400.
    for blank in ["", " 　"] {
        let (code, out, err) = run(dir.path(), &["search", blank, "--json"]);
        assert_eq!((code, out.as_str()), (1, ""), "{blank:?}");
        assert!(err.contains("the query is empty") && err.contains("handbook search 挡小事"), "{err}");
    }
}

#[test]
fn search_eval_warns_at_each_question_whose_first_result_is_no_answer() {
    let dir = fixture(None);
    let (code, _, err) = run(dir.path(), &["build", "--no-pdf"]);
    assert_eq!(code, 0, "{err}");
    // 当日事情 finds 当日事 first, then the saying 当日事当日办, then 迅速:
    // answered first by careful-daily, third by quick.
    let file = dir.path().join("questions.yaml");
    std::fs::write(&file, "- { q: 当日事情, answers: [careful-daily] }\n- q: 当日事情\n  answers: [quick]\n").unwrap();
    let (code, out, err) = run(dir.path(), &["search", "--eval", "questions.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "2 questions: an answer first for 1 (0.50), among the first three for 2 (1.00); MRR 0.667\n\
         asks would help these sections (questions whose answer was not first):\n    1  迅速 (`quick`)\n"
    );
    // One warning, at the second question, naming what came first and the answer's section.
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(
        err.contains("「当日事情」: the first result is 当日事 (`careful-daily`); its first answer comes at 3"),
        "{err}"
    );
    assert!(err.contains("--> questions.yaml:2:6"), "{err}");
    assert!(err.contains("content/basics.yaml:18:") && err.contains("an answer: 迅速"), "{err}");
    assert!(err.contains("to the `asks:` of `quick`"), "{err}");
    // JSON: the totals and every question's outcome.
    let (code, out, _) = run(dir.path(), &["search", "--eval", "questions.yaml", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["questions"].as_u64(), v["first"].as_u64(), v["hit1"].as_f64()), (Some(2), Some(1), Some(0.5)));
    assert_eq!((v["outcomes"][0]["rank"].as_u64(), v["outcomes"][1]["rank"].as_u64()), (Some(1), Some(3)));
    assert_eq!(v["outcomes"][1]["first"]["id"], "careful-daily");
    // A wrong id is an error at its place, with the id meant; nothing is searched.
    std::fs::write(&file, "- q: 当日事情\n  answers: [careful-dialy]\n").unwrap();
    let (code, out, err) = run(dir.path(), &["search", "--eval", "questions.yaml"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("no section has the id `careful-dialy`") && err.contains("--> questions.yaml:2:13"), "{err}");
    assert!(err.contains("did you mean `careful-daily`?"), "{err}");
    // A file that is not a list of questions: located, with the fields it takes.
    std::fs::write(&file, "- { question: 当日事情, answers: [careful-daily] }\n").unwrap();
    let (code, _, err) = run(dir.path(), &["search", "--eval", "questions.yaml"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown field `question`") && err.contains("questions.yaml:1:"), "{err}");
    // One question where a list is wanted: located, with the file's shape.
    std::fs::write(&file, "q: 当日事情\nanswers: [careful-daily]\n").unwrap();
    let (code, _, err) = run(dir.path(), &["search", "--eval", "questions.yaml"]);
    assert_eq!(code, 1);
    assert!(err.contains("questions.yaml:1:1") && err.contains("a questions file is a list"), "{err}");
    // Both a query and a file: refused before anything runs.
    let (code, _, err) = run(dir.path(), &["search", "当日事情", "--eval", "questions.yaml"]);
    assert_eq!(code, 2, "{err}");
}

/// Readers' exported search records, kept in a folder: every file read, a
/// question without answers (a search that opened nothing) listed with what
/// came first but not scored, and every file's problems at once.
#[test]
fn search_eval_reads_a_folder_of_search_records_and_lists_the_unanswered() {
    let dir = fixture(None);
    let (code, _, err) = run(dir.path(), &["build", "--no-pdf"]);
    assert_eq!(code, 0, "{err}");
    let records = dir.path().join("records");
    std::fs::create_dir(&records).unwrap();
    std::fs::write(
        records.join("a.yaml"),
        "- { q: \"当日事情\", answers: [\"careful-daily\"] }  # 打开了第 1 条结果\n- { q: \"当日事情\", answers: [\"quick\"] }\n",
    )
    .unwrap();
    std::fs::write(
        records.join("b.yaml"),
        "- { q: \"当日事情\", answers: [\"quick\"] }\n- { q: \"当日\", answers: [] }\n- { q: \"当日事情\", answers: [\"today\"] }\n",
    )
    .unwrap();
    std::fs::write(records.join("notes.txt"), "not a questions file").unwrap();
    let (code, out, err) = run(dir.path(), &["search", "--eval", "records"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "4 questions: an answer first for 1 (0.25), among the first three for 4 (1.00); MRR 0.542; 1 more without an answer (not scored)\n\
         asks would help these sections (questions whose answer was not first):\n    2  迅速 (`quick`)\n    1  当日事当日办 (`today`)\n"
    );
    assert_eq!(err.matches("warning:").count(), 4, "{err}");
    assert!(err.contains("--> records/a.yaml:2:8") && err.contains("--> records/b.yaml:1:8"), "{err}");
    assert!(
        err.contains("「当日」 names no answer (not scored); the first result is 当日事 (`careful-daily`)"),
        "{err}"
    );
    assert!(err.contains("--> records/b.yaml:2:8"), "{err}");
    // The same files named one by one: the same totals.
    let (code, again, _) = run(dir.path(), &["search", "--eval", "records/a.yaml", "--eval", "records/b.yaml"]);
    assert_eq!((code, again), (0, out));
    // JSON: the unanswered counted apart; sections as many questions missed in the handbook's order.
    let (code, out, _) = run(dir.path(), &["search", "--eval", "records/b.yaml", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["questions"].as_u64(), v["unanswered"].as_u64()), (Some(2), Some(1)));
    assert_eq!(
        v["wanted"],
        serde_json::json!([{ "id": "quick", "title": "迅速", "questions": 1 }, { "id": "today", "title": "当日事当日办", "questions": 1 }])
    );
    // Only questions that name no answer: counted, none scored.
    std::fs::write(records.join("b.yaml"), "- { q: \"当日\", answers: [] }\n").unwrap();
    let (code, out, _) = run(dir.path(), &["search", "--eval", "records/b.yaml"]);
    assert_eq!((code, out.as_str()), (0, "1 question, none with an answer (not scored)\n"));
    // A wrong id in one file and a broken other: both reported, nothing searched.
    std::fs::write(records.join("a.yaml"), "- { q: 当日事情, answers: [careful-dialy] }\n").unwrap();
    std::fs::write(records.join("b.yaml"), "- { q: 当日, answers: [quick }\n").unwrap();
    let (code, out, err) = run(dir.path(), &["search", "--eval", "records"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(err.contains("no section has the id `careful-dialy`") && err.contains("records/a.yaml:1:"), "{err}");
    assert!(err.contains("records/b.yaml:1:"), "{err}");
    // A folder with no questions files: said so.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, _, err) = run(dir.path(), &["search", "--eval", "empty"]);
    assert_eq!(code, 1);
    assert!(err.contains("the folder holds no questions files") && err.contains("--> empty"), "{err}");
}

#[test]
fn scale_refuses_what_it_cannot_copy_and_writes_nothing() {
    let dir = fixture(None);
    let empty = tempfile::tempdir().unwrap();
    // No handbook where it runs: the check's own error, and no folder made.
    let (code, _, err) = run(empty.path(), &["scale", "--factor", "2", "--out", "x"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no `content/` folder"), "{err}");
    assert!(!empty.path().join("x").exists());
    // A folder that holds something: refused, untouched.
    std::fs::create_dir(dir.path().join("full")).unwrap();
    std::fs::write(dir.path().join("full/keep.txt"), "mine").unwrap();
    let (code, _, err) = run(dir.path(), &["scale", "--factor", "2", "--out", "full"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the folder is not empty") && err.contains("--> full"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path().join("full")).unwrap().count(), 1);
    // No copies asked for.
    let (code, _, err) = run(dir.path(), &["scale", "--factor", "0", "--out", "y"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the factor must be 1 or more"), "{err}");
    // Too many: refused before anything is written, not a disk filled.
    let (code, _, err) = run(dir.path(), &["scale", "--factor", "100000000", "--out", "y"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the factor must be at most 10000"), "{err}");
    assert!(!dir.path().join("y").exists());
    // Content with an error: reported at its place, not copied.
    std::fs::write(dir.path().join("content/basics.yaml"), "kind: qualities\nid: basics\ntitel: x\n").unwrap();
    let (code, _, err) = run(dir.path(), &["scale", "--factor", "2", "--out", "z"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("content/basics.yaml:3:1") && err.contains("unknown field `titel`"), "{err}");
    assert!(!dir.path().join("z").exists());
}

#[test]
fn html_only_builds_the_pages_without_search() {
    let dir = fixture(None);
    let (code, _, err) = run(dir.path(), &["build", "--no-pdf", "--html-only", "--out", "pages"]);
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("pages/basics.html").exists());
    assert!(!dir.path().join("pages/search").exists(), "no search data with --html-only");
}

#[test]
fn schema_and_quiz_export_write_files_or_stdout() {
    let dir = fixture(None);
    let (code, out, _) = run(dir.path(), &["schema", "--out", "schema.json"]);
    assert_eq!((code, out.trim()), (0, "wrote schema.json"));
    let committed = std::fs::read_to_string(crate::common::repo().join("content/handbook.schema.json")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("schema.json")).unwrap(), committed);
    let (_, stdout, _) = run(dir.path(), &["schema"]);
    assert_eq!(stdout, committed, "stdout and --out agree");
    // A folder given where a file is meant: said so.
    let (code, _, err) = run(dir.path(), &["schema", "--out", "content"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--> content") && err.contains("this is a folder"), "{err}");
    std::fs::write(
        dir.path().join("content/quiz.yaml"),
        "kind: quiz\nchapter: basics\nquestions:\n  - id: q1\n    type: truefalse\n    prompt: 当日事情当日办。\n    correct: true\n    refs: [careful-daily]\n",
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["quiz", "export", "--format", "moodle-xml", "--out", "bank.xml"]);
    assert_eq!((code, out.trim()), (0, "wrote bank.xml"), "{err}");
    assert!(std::fs::read_to_string(dir.path().join("bank.xml")).unwrap().contains("<question type=\"truefalse\">"));
    let (code, gift, _) = run(dir.path(), &["quiz", "export", "--format", "gift"]);
    assert_eq!(code, 0);
    assert!(gift.contains("::q1:: 当日事情当日办。 {T"), "{gift}");
    // A format that does not exist: clap names the ones that do.
    let (code, _, err) = run(dir.path(), &["quiz", "export", "--format", "csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("gift") && err.contains("moodle-xml"), "{err}");
}

/// Starts `handbook serve` and returns it with the address it printed.
fn serve_bin(
    dir: &std::path::Path,
    args: &[&str],
) -> (std::process::Child, String, std::io::BufReader<std::process::ChildStdout>) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .env("HANDBOOK_TIMINGS", "1")
        .arg("serve")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    (child, line, out)
}

/// Ctrl-C's signal: the server stops, says so, and exits 0.
fn stop(mut child: std::process::Child, mut out: std::io::BufReader<std::process::ChildStdout>) -> String {
    use std::io::Read;
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "serve exits cleanly on Ctrl-C");
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    // (A test that reads stderr while the server runs has taken it already.)
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut err).unwrap();
    }
    assert!(rest.contains("stopped"), "{rest}");
    err
}

#[test]
fn serve_takes_the_next_free_port_and_stops_on_ctrl_c() {
    let dir = fixture(None);
    // Hold a port: serve must take the next free one and say which.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let (mut child, line, out) = serve_bin(dir.path(), &["--port", &port.to_string()]);
    // stderr as it comes: the rebuild's report is the sign that it finished
    // (its page is written before its search data).
    let err = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let (err, mut stderr) = (err.clone(), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            use std::io::Read;
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                err.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let url = line.split_whitespace().nth(1).unwrap_or("").to_string();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(&format!(":{port}/")), "{line}");
    let (status, body) = {
        let addr: std::net::SocketAddr = url.trim_start_matches("http://").trim_end_matches('/').parse().unwrap();
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        use std::io::{Read, Write};
        s.write_all(b"GET /basics.html HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut r = String::new();
        s.read_to_string(&mut r).unwrap();
        (r.split(' ').nth(1).unwrap_or("").to_string(), r)
    };
    assert_eq!(status, "200", "{body}");
    // An edit is rebuilt; with HANDBOOK_TIMINGS=1 each stage's time is printed.
    let file = dir.path().join("content/basics.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("大事小事认真办。", "大事小事都认真办。")).unwrap();
    let site = dir.path().join("book/basics.html");
    let t = std::time::Instant::now();
    while !(std::fs::read_to_string(&site).unwrap().contains("都认真办") && err.lock().unwrap().contains("rebuilt in"))
        && t.elapsed().as_secs() < 10
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    stop(child, out);
    reader.join().unwrap();
    let err = err.lock().unwrap().clone();
    assert!(!err.contains("warning: listening on"), "loopback: no warning: {err}");
    assert!(err.contains("rebuilt in ") && err.lines().any(|l| l.starts_with("timing load")), "{err}");
    drop(held);
}

#[test]
fn serve_warns_when_told_to_listen_beyond_loopback() {
    let dir = fixture(None);
    let (child, line, out) = serve_bin(dir.path(), &["--bind", "0.0.0.0", "--port", "0"]);
    assert!(line.starts_with("serving http://0.0.0.0:"), "{line}");
    let err = stop(child, out);
    assert!(err.contains("warning: listening on 0.0.0.0:") && err.contains("reachable from other machines"), "{err}");
}

/// `serve` with a mistake in the command itself (a `--dir` with no content,
/// an `--out` inside `content/` or over a folder of other files) exits with
/// the error at once, rather than serving nothing until Ctrl-C.
#[test]
fn serve_with_a_wrong_folder_stops_with_the_error() {
    let dir = fixture(None);
    std::fs::create_dir(dir.path().join("documents")).unwrap();
    std::fs::write(dir.path().join("documents/notes.txt"), "mine").unwrap();
    for (args, why) in [
        (&["--dir", "hanbook"][..], "no `content/` folder"),
        (&["--out", "content/site"][..], "inside content/"),
        (&["--out", "documents"][..], "is not a site"),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_handbook"))
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let t = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() && t.elapsed() < std::time::Duration::from_secs(20) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = child.kill();
        let o = child.wait_with_output().unwrap();
        let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.status.code(), Some(1), "{args:?}: it exits at once: {out}{err}");
        assert!(out.is_empty() && err.contains(why) && err.contains("hint:"), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read_to_string(dir.path().join("documents/notes.txt")).unwrap(), "mine");
    assert!(!dir.path().join("content/site").exists());
}
