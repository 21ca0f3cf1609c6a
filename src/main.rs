//! The `handbook` command: parse arguments, run one command (one function
//! each), print its diagnostics in one place ([`finish`]), write its output
//! through one helper ([`Output`]), exit non-zero on errors.

use clap::{Args, Parser, Subcommand, ValueEnum};
use handbook::diagnostic::{Diagnostic, Style, render};
use handbook::pipeline::{self, BuildOptions, QuizFormat, Report};
use handbook::print::FontOptions;
use handbook::progress::Stopwatch;
use handbook::search::SearchResult;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "handbook", version, about = "Build a searchable, offline handbook site from structured YAML")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The handbook every command but `init` works on.
#[derive(Args)]
struct Root {
    /// The handbook's root (holds book.toml, content/ and theme/).
    #[arg(long = "dir", value_name = "ROOT", default_value = ".")]
    dir: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Load and validate the content and book.toml; print every problem with file:line:column.
    Check {
        #[command(flatten)]
        root: Root,
    },
    /// Check, render and build the site (atomically replacing the output folder).
    Build(BuildArgs),
    /// Typeset a printed edition as a PDF (Typst; needs a font for Chinese).
    Print {
        #[command(flatten)]
        root: Root,
        /// The edition, as named in the settings [default: the first].
        #[arg(long)]
        edition: Option<String>,
        /// The file to write [default: ROOT/<edition>.pdf, or .docx].
        #[arg(long)]
        out: Option<PathBuf>,
        /// A PDF (Typst), or a Word document to adapt in Word or WPS.
        #[arg(long, value_enum, default_value_t = PrintFormat::Pdf)]
        format: PrintFormat,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Typeset exam papers (every form) and their answer key, as PDFs or Word documents
    Exam {
        #[command(flatten)]
        root: Root,
        /// The exam, as named in the settings [default: every exam].
        #[arg(long)]
        name: Option<String>,
        /// Draw and order with this seed instead of the exam's own.
        #[arg(long)]
        seed: Option<u64>,
        /// The folder to write `<name>-A.pdf`, … and `<name>-key.pdf` into [default: ROOT].
        #[arg(long)]
        out: Option<PathBuf>,
        /// PDFs (Typst), or Word documents to adapt in Word or WPS.
        #[arg(long, value_enum, default_value_t = PrintFormat::Pdf)]
        format: PrintFormat,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Search the built site's index (run `build` first).
    Search {
        #[command(flatten)]
        root: Root,
        /// What to look for, e.g. 挡小事.
        #[arg(required_unless_present = "eval")]
        query: Option<String>,
        /// Instead of one query, ask every question of FILE (YAML: `- { q: …,
        /// answers: [id, …] }`, as the progress page exports search records)
        /// and warn at each one whose first result is not an answer, naming
        /// the section an ask would help. Repeatable; a folder stands for its
        /// `.yaml` files.
        #[arg(long, value_name = "FILE", conflicts_with = "query")]
        eval: Vec<PathBuf>,
        /// The built site to search [default: ROOT/book].
        #[arg(long)]
        site: Option<PathBuf>,
        /// How many results to show (at least 1).
        #[arg(long, default_value_t = 10, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=10_000))]
        limit: usize,
        /// Print the results as JSON (documented in the README).
        #[arg(long)]
        json: bool,
    },
    /// Build, serve on 127.0.0.1, rebuild on every change and reload open pages.
    Serve {
        #[command(flatten)]
        root: Root,
        /// The site folder [default: ROOT/book].
        #[arg(long)]
        out: Option<PathBuf>,
        /// The port to try first (the next free one is used if it is taken).
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// The address to listen on; anything but loopback is reachable from other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Write a new handbook (an example of every kind, a quiz, the theme) into DIR.
    Init {
        /// A new or empty folder.
        dir: PathBuf,
    },
    /// Print the JSON Schema of the content files (for YAML editors).
    Schema {
        /// Write to this file [default: standard output].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Question bank tools.
    Quiz {
        #[command(subcommand)]
        action: QuizCommand,
    },
    /// Write a synthetic handbook N times the size of this one (for tests and benchmarks).
    #[command(hide = true)]
    Scale {
        #[command(flatten)]
        root: Root,
        /// How many copies.
        #[arg(long)]
        factor: usize,
        /// Where to write the new handbook (a new folder).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    root: Root,
    /// The site folder [default: ROOT/book].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the rendered Markdown book (an mdBook project) to this folder.
    #[arg(long, value_name = "DIR")]
    emit_markdown: Option<PathBuf>,
    /// Leave the printed editions (PDFs) out of the site.
    #[arg(long)]
    no_pdf: bool,
    /// Print how long each stage took (to stderr).
    #[arg(long)]
    timings: bool,
    /// Pages only, without search (the HTML stage alone, for benchmarks).
    #[arg(long, hide = true)]
    html_only: bool,
    #[command(flatten)]
    fonts: FontArgs,
}

#[derive(Args)]
struct FontArgs {
    /// A folder with more fonts (.otf, .ttf, .ttc), searched recursively; may repeat.
    #[arg(long, value_name = "DIR")]
    font_path: Vec<PathBuf>,
    /// Do not use the system's fonts (only --font-path).
    #[arg(long, hide = true)]
    no_system_fonts: bool,
}

impl FontArgs {
    fn options(self) -> FontOptions {
        FontOptions { paths: self.font_path, no_system: self.no_system_fonts }
    }
}

#[derive(Subcommand)]
enum QuizCommand {
    /// Write the question bank (authored questions and drills) for an LMS.
    Export {
        #[command(flatten)]
        root: Root,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Write to this file [default: standard output].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    /// Moodle GIFT.
    Gift,
    /// Moodle XML.
    MoodleXml,
}

/// YAML parsing, templates and mdBook's HTML tree all allocate small objects
/// by the million; mimalloc serves them faster than glibc's allocator (see
/// the README's bench notes).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { root } => check(&root.dir),
        Command::Build(args) => build(args),
        Command::Print { root, edition, out, format, fonts } => {
            print(&root.dir, edition.as_deref(), out, format, fonts)
        }
        Command::Exam { root, name, seed, out, format, fonts } => {
            exam(&root.dir, name.as_deref(), seed, out, format, fonts)
        }
        Command::Search { root, query, eval, site, limit, json } => {
            let site = site.unwrap_or_else(|| root.dir.join("book"));
            match (eval.is_empty(), query) {
                (false, _) => search_eval(&root.dir, &site, &eval, json),
                (true, Some(query)) => search(&site, &query, limit, json),
                // clap requires one of the two.
                (true, None) => ExitCode::FAILURE,
            }
        }
        Command::Serve { root, out, port, bind, open } => serve(root.dir, out, port, bind, open),
        Command::Init { dir } => init(&dir),
        Command::Schema { out } => schema(out.as_deref()),
        Command::Quiz { action: QuizCommand::Export { root, format, out } } => quiz_export(&root.dir, format, out),
        Command::Scale { root, factor, out } => scale(&root.dir, factor, &out),
    }
}

fn check(root: &Path) -> ExitCode {
    let report = pipeline::check(root).report;
    let n = report.value.as_ref().map_or(0, |b| b.pages.len());
    finish(&report, root, &format!("checked {}: {n} pages, no errors", root.display()))
}

fn build(args: BuildArgs) -> ExitCode {
    let root = args.root.dir;
    let out = args.out.unwrap_or_else(|| root.join("book"));
    let opts = BuildOptions {
        out: out.clone(),
        emit_markdown: args.emit_markdown,
        no_pdf: args.no_pdf,
        html_only: args.html_only,
        fonts: args.fonts.options(),
    };
    let bar = progress();
    let clock = Stopwatch::default();
    let report = pipeline::build_with_progress(&root, &opts, &|stage| {
        clock.lap(stage);
        bar.set_message(stage.to_string());
    });
    bar.finish_and_clear();
    if args.timings {
        eprint!("{}", clock.table());
    }
    let index = std::path::absolute(out.join("index.html")).unwrap_or_else(|_| out.join("index.html"));
    finish(&report, &root, &format!("built {} — open {}", out.display(), file_url(&index)))
}

/// A `file://` address a terminal can turn into a link and a browser opens:
/// spaces, `#`, `%`, `?` and the like in a folder's name are escaped, as is
/// every byte outside ASCII.
fn file_url(path: &Path) -> String {
    const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'[')
        .add(b']')
        .add(b'^')
        .add(b'|')
        .add(b'\\');
    let text = path.to_string_lossy();
    format!("file://{}", percent_encoding::utf8_percent_encode(&text, PATH))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PrintFormat {
    Pdf,
    Docx,
}

fn print(root: &Path, edition: Option<&str>, out: Option<PathBuf>, format: PrintFormat, fonts: FontArgs) -> ExitCode {
    let bar = progress();
    bar.set_message("typesetting");
    let report = match format {
        PrintFormat::Pdf => pipeline::print(root, edition, &fonts.options()),
        PrintFormat::Docx => pipeline::print_docx(root, edition),
    };
    bar.finish_and_clear();
    let Some(printed) = &report.value else { return finish(&report, root, "") };
    let ext = if format == PrintFormat::Docx { "docx" } else { "pdf" };
    let out = out.unwrap_or_else(|| root.join(format!("{}.{ext}", printed.edition)));
    match Output::File(&out).write(&printed.pdf) {
        Ok(()) => finish(&report, root, &format!("wrote {} ({} KB)", out.display(), printed.pdf.len() / 1024)),
        Err(code) => code,
    }
}

fn exam(
    root: &Path,
    name: Option<&str>,
    seed: Option<u64>,
    out: Option<PathBuf>,
    format: PrintFormat,
    fonts: FontArgs,
) -> ExitCode {
    let bar = progress();
    bar.set_message("typesetting");
    let report = match format {
        PrintFormat::Pdf => pipeline::exam(root, name, seed, &fonts.options()),
        PrintFormat::Docx => pipeline::exam_docx(root, name, seed),
    };
    bar.finish_and_clear();
    let Some(files) = &report.value else { return finish(&report, root, "") };
    let dir = out.unwrap_or_else(|| root.to_path_buf());
    if let Err(e) = std::fs::create_dir_all(&dir) {
        let d = Diagnostic::in_file(&dir, format!("cannot create the folder: {e}"));
        let d = if dir.exists() && !dir.is_dir() {
            d.with_hint("--out names the folder the papers and the key go into, and this is a file: pass a folder")
        } else {
            d.with_hint("check that the folder's parent is writable")
        };
        return finish(&Report::<()>::from(d), root, "");
    }
    let paths: Vec<PathBuf> = files.iter().map(|(file, _)| dir.join(file)).collect();
    let all: Vec<(&Path, &[u8])> = paths.iter().zip(files).map(|(p, (_, pdf))| (p.as_path(), pdf.as_slice())).collect();
    if let Err(code) = write_files(&all) {
        return code;
    }
    let wrote: Vec<String> =
        all.iter().map(|(path, pdf)| format!("{} ({} KB)", path.display(), pdf.len() / 1024)).collect();
    finish(&report, root, &format!("wrote {}", wrote.join(", ")))
}

fn search(site: &Path, query: &str, limit: usize, json: bool) -> ExitCode {
    // As the `serve` API answers it (400): nothing to look for is a mistake, not a miss.
    if query.trim().is_empty() {
        let d =
            Diagnostic::error("the query is empty").with_hint("give the words to look for: `handbook search 挡小事`");
        return finish(&Report::<()>::from(d), Path::new(""), "");
    }
    let results = match handbook::search::search_site(site, query, limit) {
        Ok(r) => r,
        Err(d) => return finish(&Report::<()>::from(d), Path::new(""), ""),
    };
    let max = handbook::search::rank::MAX_QUERY_CHARS;
    if query.chars().count() > max {
        eprintln!("note: the query is long; only its first {max} characters are searched");
    }
    let text = if json {
        let out = serde_json::json!({ "query": query, "results": results });
        serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
    } else {
        results_text(query, &results, std::io::stdout().is_terminal())
    };
    Output::Stdout.write(text.as_bytes()).err().unwrap_or(ExitCode::SUCCESS)
}

fn search_eval(root: &Path, site: &Path, files: &[PathBuf], json: bool) -> ExitCode {
    let report = pipeline::eval(root, site, files);
    let Some(e) = &report.value else { return finish(&report, root, "") };
    print_diagnostics(&report.diagnostics, &report.sources, root);
    let s = &e.summary;
    // Questions that name no answer are listed above, not scored.
    let unanswered = e.outcomes.iter().filter(|o| o.answers.is_empty()).count();
    let text = if json {
        let out = serde_json::json!({
            "questions": s.questions, "first": s.first, "top3": s.top3,
            "hit1": s.hit1(), "hit3": s.hit3(), "mrr": s.mrr, "unanswered": unanswered,
            "wanted": e.wanted, "outcomes": e.outcomes,
        });
        serde_json::to_string_pretty(&out).unwrap_or_default() + "\n"
    } else {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let scored = format!(
            "{} question{}: an answer first for {} ({:.2}), among the first three for {} ({:.2}); MRR {:.3}",
            s.questions,
            plural(s.questions),
            s.first,
            s.hit1(),
            s.top3,
            s.hit3(),
            s.mrr
        );
        let totals = match (s.questions, unanswered) {
            (_, 0) => scored + "\n",
            (0, n) => format!("{n} question{}, none with an answer (not scored)\n", plural(n)),
            (_, n) => format!("{scored}; {n} more without an answer (not scored)\n"),
        };
        // Where asks would help most: a trainer with many readers' records starts there.
        let wanted: String =
            e.wanted.iter().map(|w| format!("  {:>3}  {} (`{}`)\n", w.questions, w.title, w.id)).collect();
        if wanted.is_empty() {
            totals
        } else {
            format!("{totals}asks would help these sections (questions whose answer was not first):\n{wanted}")
        }
    };
    Output::Stdout.write(text.as_bytes()).err().unwrap_or(ExitCode::SUCCESS)
}

/// Said after "nothing found" for a query of letters alone (as the browser
/// does): most likely pinyin typed part way, and pinyin finds titles only.
const PINYIN_TIP: &str = "按拼音搜索时，请输入标题的完整拼音或每个字的首字母。";

/// A query of Latin letters and spaces alone (full-width and accented letters too).
fn pinyin_like(query: &str) -> bool {
    let norm: String = query.chars().map(handbook::search::tokenize::normalize_char).collect();
    norm.chars().all(|c| c.is_ascii_lowercase() || c == ' ') && norm.chars().any(|c| c.is_ascii_lowercase())
}

/// Ranked results as `handbook search` prints them; matched words in bold
/// red on a terminal, between « » elsewhere.
fn results_text(query: &str, results: &[SearchResult], terminal: bool) -> String {
    // Content text and the query are shown, never obeyed: `safe` makes
    // control characters and bidi overrides visible (one for one, so the
    // snippet's marks still fit), whether or not stdout is a terminal now.
    let safe = |s: &str| handbook::escape::terminal(s).into_owned();
    if results.is_empty() {
        let tip = if pinyin_like(query) { PINYIN_TIP } else { "" };
        return format!("没有找到与“{}”相关的内容。{tip}\n", safe(query));
    }
    let (open, close) = if terminal { ("\x1b[1;31m", "\x1b[0m") } else { ("«", "»") };
    let mut text = String::new();
    for r in results {
        text += &format!("{}. {}  ({})\n   {}\n", r.rank, safe(&r.title), safe(&r.breadcrumb), safe(&r.url));
        if let Some(ask) = &r.ask {
            text += &format!("   匹配问题：{}\n", safe(ask));
        }
        if let Some(near) = &r.near {
            text += &format!("   意思相近：{}\n", safe(near));
        }
        let excerpt = safe(&r.snippet.text).replace('\n', " ");
        let snippet = handbook::search::snippet::Snippet { text: excerpt, ..r.snippet.clone() };
        text += &format!("   {}\n\n", snippet.marked(open, close));
    }
    text
}

/// Ctrl-C or SIGTERM asks `serve` to stop.
static STOP: std::sync::LazyLock<std::sync::Arc<std::sync::atomic::AtomicBool>> =
    std::sync::LazyLock::new(Default::default);

fn serve(root: PathBuf, out: Option<PathBuf>, port: u16, bind: std::net::IpAddr, open: bool) -> ExitCode {
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, STOP.clone()) {
            eprintln!("warning: Ctrl-C will not stop the server cleanly: {e}");
        }
    }
    // A root with no content is a mistyped --dir, not content to fix while serving.
    if !root.join(handbook::layout::CONTENT_DIR).is_dir() {
        return finish(&pipeline::check(&root).report, &root, "");
    }
    let opts = handbook::serve::ServeOptions {
        bind,
        port,
        out: out.unwrap_or_else(|| root.join("book")),
        poll: std::time::Duration::from_millis(100),
    };
    // An output folder no build may write is a mistake in the command, not in the content.
    if let Err(d) = handbook::site::check_output(&root, &opts.out) {
        return finish(&Report::<()>::from(d), &root, "");
    }
    let (server, first) = match handbook::serve::start(&root, &opts) {
        Ok(s) => s,
        Err(e) => {
            let d = Diagnostic::error(format!("cannot listen on {bind}:{port}: {e}"))
                .with_hint("pass another --port, or stop the program that holds these ports");
            return finish(&Report::<()>::from(d), &root, "");
        }
    };
    print_diagnostics(&first.diagnostics, &first.sources, &root);
    if !bind.is_loopback() {
        eprintln!("warning: listening on {} — the site is reachable from other machines", server.addr);
    }
    let url = format!("http://{}/", server.addr);
    if let Err(code) = Output::Stdout
        .write(format!("serving {url} (watching content/, theme/ and book.toml; Ctrl-C stops)\n").as_bytes())
    {
        server.stop();
        return code;
    }
    if open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    while !STOP.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    server.stop();
    Output::Stdout.write(b"stopped\n").err().unwrap_or(ExitCode::SUCCESS)
}

fn init(dir: &Path) -> ExitCode {
    match handbook::init::init(dir) {
        Ok(files) => say(&format!(
            "wrote a new handbook to {} ({} files); next: handbook build --dir {}",
            dir.display(),
            files.len(),
            dir.display()
        )),
        Err(d) => finish(&Report::<()>::from(d), Path::new(""), ""),
    }
}

fn schema(out: Option<&Path>) -> ExitCode {
    let text = serde_json::to_string_pretty(&handbook::model::content_schema()).unwrap_or_default() + "\n";
    let target = out.map_or(Output::Stdout, Output::File);
    match target.write(text.as_bytes()) {
        Ok(()) => out.map_or(ExitCode::SUCCESS, |p| say(&format!("wrote {}", p.display()))),
        Err(code) => code,
    }
}

fn quiz_export(root: &Path, format: ExportFormat, out: Option<PathBuf>) -> ExitCode {
    let format = match format {
        ExportFormat::Gift => QuizFormat::Gift,
        ExportFormat::MoodleXml => QuizFormat::MoodleXml,
    };
    let report = pipeline::export_quiz(root, format);
    let Some(text) = &report.value else { return finish(&report, root, "") };
    let target = out.as_deref().map_or(Output::Stdout, Output::File);
    match target.write(text.as_bytes()) {
        Ok(()) => {
            let done = out.map(|p| format!("wrote {}", p.display())).unwrap_or_default();
            finish(&report, root, &done)
        }
        Err(code) => code,
    }
}

fn scale(root: &Path, factor: usize, out: &Path) -> ExitCode {
    // Copies of a handbook with errors would repeat each error `factor` times.
    let report = pipeline::check(root).report;
    if !report.ok() {
        return finish(&report, root, "");
    }
    match handbook::scale::generate(root, factor, out) {
        Ok(n) => say(&format!("wrote {n} content files ({factor}×) to {}", out.display())),
        Err(d) => finish(&Report::<()>::from(d), Path::new(""), ""),
    }
}

/// Where a command's output goes.
#[derive(Clone, Copy)]
enum Output<'a> {
    Stdout,
    File(&'a Path),
}

impl Output<'_> {
    /// Writes all of `bytes`. A reader that closed the pipe (`| head`) ends
    /// the command quietly with status 0; any other failure is reported here
    /// and ends it with status 1.
    fn write(self, bytes: &[u8]) -> Result<(), ExitCode> {
        let result = match self {
            Output::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
            Output::File(path) => return write_files(&[(path, bytes)]),
        };
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
            Err(e) => {
                let d = Diagnostic::error(format!("cannot write to standard output: {e}"))
                    .with_hint("check that the folder is writable and the disk is not full");
                print_diagnostics(&[d], &Default::default(), Path::new(""));
                Err(ExitCode::FAILURE)
            }
        }
    }
}

/// [`handbook::site::write_whole`], with a failure reported here, ending the
/// command with status 1.
fn write_files(files: &[(&Path, &[u8])]) -> Result<(), ExitCode> {
    let Err((path, e)) = handbook::site::write_whole(files) else { return Ok(()) };
    let path = path.as_path();
    let d = Diagnostic::in_file(path, format!("cannot write file: {e}"));
    let d = if path.is_dir() {
        d.with_hint("--out names the file to write, and this is a folder: add a file name to it")
    } else {
        d.with_hint("check that the folder is writable and the disk is not full")
    };
    print_diagnostics(&[d], &Default::default(), Path::new(""));
    Err(ExitCode::FAILURE)
}

/// A one-line message on standard output, then success.
fn say(line: &str) -> ExitCode {
    Output::Stdout.write(format!("{line}\n").as_bytes()).err().unwrap_or(ExitCode::SUCCESS)
}

/// A spinner with the current stage on a terminal; nothing when stderr is piped.
fn progress() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {elapsed:>3} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

/// The one place diagnostics are printed (to stderr, in colour on a terminal).
fn print_diagnostics(diags: &[Diagnostic], sources: &handbook::diagnostic::Sources, root: &Path) {
    let root = (root != Path::new(".") && !root.as_os_str().is_empty()).then_some(root);
    let text = render(diags, sources, Style { color: std::io::stderr().is_terminal(), root, brief: true });
    if !text.is_empty() {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

/// Prints a command's diagnostics, then `done` when it worked; the exit code.
fn finish<T>(report: &Report<T>, root: &Path, done: &str) -> ExitCode {
    print_diagnostics(&report.diagnostics, &report.sources, root);
    if !report.ok() {
        return ExitCode::FAILURE;
    }
    if done.is_empty() { ExitCode::SUCCESS } else { say(done) }
}
