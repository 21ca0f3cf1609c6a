//! The `handbook` command: parse arguments, run one command, print its
//! diagnostics in one place, exit non-zero on errors.

use clap::{Parser, Subcommand};
use handbook::diagnostic::render_all;
use handbook::pipeline::{self, BuildOptions, Report};
use handbook::search::SearchResult;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "handbook", version, about = "Build a searchable, offline handbook site from structured YAML")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load and validate the content; print every problem with file:line:column.
    Check {
        /// The handbook's root (holds book.toml, content/ and theme/).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
    /// Check, render and build the site (atomically replacing the output folder).
    Build {
        /// The handbook's root (holds book.toml, content/ and theme/).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
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
    },
    /// Typeset a printed edition as a PDF (Typst; needs a font for Chinese).
    Print {
        /// The edition, as named in the settings [default: the first].
        #[arg(long)]
        edition: Option<String>,
        /// The PDF to write [default: ROOT/<edition>.pdf].
        #[arg(long)]
        out: Option<PathBuf>,
        /// The handbook's root (holds book.toml, content/ and theme/).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Search the built site's index (run `build` first).
    Search {
        /// What to look for, e.g. 挡小事.
        query: String,
        /// The handbook's root (holds book.toml, content/ and theme/).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// The built site to search [default: ROOT/book].
        #[arg(long)]
        site: Option<PathBuf>,
        /// How many results to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print the results as JSON (documented in the README).
        #[arg(long)]
        json: bool,
    },
    /// Build, serve on 127.0.0.1, rebuild on every change and reload open pages.
    Serve {
        /// The handbook's root (holds book.toml, content/ and theme/).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
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
        /// The handbook to copy.
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// How many copies.
        #[arg(long)]
        factor: usize,
        /// Where to write the new handbook (a new folder).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(clap::Args)]
struct FontArgs {
    /// A folder with more fonts (.otf, .ttf, .ttc), searched recursively; may repeat.
    #[arg(long, value_name = "DIR")]
    font_path: Vec<PathBuf>,
    /// Do not use the system's fonts (only --font-path).
    #[arg(long, hide = true)]
    no_system_fonts: bool,
}

impl FontArgs {
    fn options(self) -> pipeline::FontOptions {
        pipeline::FontOptions { paths: self.font_path, no_system: self.no_system_fonts }
    }
}

#[derive(Subcommand)]
enum QuizCommand {
    /// Write the question bank (authored questions and drills) for an LMS.
    Export {
        /// `gift` (Moodle GIFT) or `moodle-xml` (Moodle XML).
        #[arg(long, value_parser = ["gift", "moodle-xml"])]
        format: String,
        /// The handbook's root (holds book.toml, content/ and theme/).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
        /// Write to this file [default: standard output].
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// YAML parsing, templates and mdBook's HTML tree all allocate small objects by
/// the million; glibc's allocator spent a third of the render stage in itself.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { dir } => {
            let report = pipeline::check(&dir).report;
            let n = report.book.as_ref().map_or(0, |b| b.pages.len());
            finish(&report, &format!("checked {}: {n} pages, no errors", dir.display()))
        }
        Command::Build { dir, out, emit_markdown, no_pdf, timings, html_only, fonts } => {
            let out = out.unwrap_or_else(|| dir.join("book"));
            let opts = BuildOptions { out: out.clone(), emit_markdown, no_pdf, html_only, fonts: fonts.options() };
            let bar = progress();
            let clock = pipeline::Stopwatch::default();
            let report = pipeline::build_with_progress(&dir, &opts, &|stage| {
                clock.lap(stage);
                bar.set_message(stage.to_string());
            });
            bar.finish_and_clear();
            if timings {
                eprint!("{}", clock.table());
            }
            let index = std::path::absolute(out.join("index.html")).unwrap_or_else(|_| out.join("index.html"));
            finish(&report, &format!("built {} — open file://{}", out.display(), index.display()))
        }
        Command::Search { query, dir, site, limit, json } => {
            let site = site.unwrap_or_else(|| dir.join("book"));
            match handbook::search::search_site(&site, &query, limit) {
                Ok(results) => {
                    print_results(&query, &results, json);
                    ExitCode::SUCCESS
                }
                Err(d) => finish(&Report { diagnostics: vec![d], ..Report::default() }, ""),
            }
        }
        Command::Init { dir } => match handbook::init::init(&dir) {
            Ok(files) => {
                println!(
                    "wrote a new handbook to {} ({} files); next: handbook build --dir {}",
                    dir.display(),
                    files.len(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Schema { out } => {
            let text = serde_json::to_string_pretty(&handbook::model::content_schema()).unwrap_or_default() + "\n";
            match out {
                None => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Some(p) => match std::fs::write(&p, text) {
                    Ok(()) => {
                        println!("wrote {}", p.display());
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: cannot write {}: {e}", p.display());
                        ExitCode::FAILURE
                    }
                },
            }
        }
        Command::Serve { dir, out, port, bind, open } => serve(dir, out, port, bind, open),
        Command::Print { edition, out, dir, fonts } => {
            let bar = progress();
            bar.set_message("typesetting");
            let (report, pdf) = pipeline::print(&dir, edition.as_deref(), &fonts.options());
            bar.finish_and_clear();
            let Some((name, bytes)) = pdf else { return finish(&report, "") };
            let out = out.unwrap_or_else(|| dir.join(format!("{name}.pdf")));
            match std::fs::write(&out, &bytes) {
                Ok(()) => finish(&report, &format!("wrote {} ({} KB)", out.display(), bytes.len() / 1024)),
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Quiz { action: QuizCommand::Export { format, dir, out } } => {
            let format = if format == "gift" { pipeline::QuizFormat::Gift } else { pipeline::QuizFormat::MoodleXml };
            let (report, text) = pipeline::export_quiz(&dir, format);
            let Some(text) = text else { return finish(&report, "") };
            match out {
                None => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Some(path) => match std::fs::write(&path, text) {
                    Ok(()) => finish(&report, &format!("wrote {}", path.display())),
                    Err(e) => {
                        eprintln!("error: cannot write {}: {e}", path.display());
                        ExitCode::FAILURE
                    }
                },
            }
        }
        Command::Scale { dir, factor, out } => match handbook::scale::generate(&dir, factor, &out) {
            Ok(n) => {
                println!("wrote {n} content files ({factor}×) to {}", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write the scaled handbook: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, std::sync::atomic::Ordering::SeqCst);
}

fn serve(dir: PathBuf, out: Option<PathBuf>, port: u16, bind: std::net::IpAddr, open: bool) -> ExitCode {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    let opts = handbook::serve::ServeOptions {
        bind,
        port,
        out: out.unwrap_or_else(|| dir.join("book")),
        poll: std::time::Duration::from_millis(100),
    };
    let (server, first) = match handbook::serve::start(&dir, &opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen on {bind}:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let text = render_all(&first, &pipeline::check(&dir).report.sources);
    if !text.is_empty() {
        eprint!("{text}");
    }
    let url = format!("http://{}/", server.addr);
    if !bind.is_loopback() {
        eprintln!("warning: listening on {} — the site is reachable from other machines", server.addr);
    }
    println!("serving {url} (watching content/, theme/ and book.toml; Ctrl-C stops)");
    if open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    while !STOP.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    server.stop();
    println!("stopped");
    ExitCode::SUCCESS
}

/// A spinner with the current stage on a terminal; nothing when stderr is piped.
fn progress() -> indicatif::ProgressBar {
    use std::io::IsTerminal;
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

/// The one place diagnostics are printed.
fn finish(report: &Report, done: &str) -> ExitCode {
    let text = render_all(&report.diagnostics, &report.sources);
    if !text.is_empty() {
        eprint!("{text}");
    }
    if report.ok() {
        println!("{done}");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_results(query: &str, results: &[SearchResult], json: bool) {
    use std::io::{IsTerminal, Write};
    let mut text = String::new();
    if json {
        let out = serde_json::json!({ "query": query, "results": results });
        text = serde_json::to_string_pretty(&out).unwrap_or_default() + "\n";
    } else if results.is_empty() {
        text = format!("没有找到与“{query}”相关的内容。\n");
    } else {
        let (open, close) = if std::io::stdout().is_terminal() { ("\x1b[1;31m", "\x1b[0m") } else { ("«", "»") };
        for r in results {
            text += &format!(
                "{}. {}  ({})\n   {}\n   {}\n\n",
                r.rank,
                r.title,
                r.breadcrumb,
                r.url,
                r.snippet.marked(open, close)
            );
        }
    }
    // A reader that stops early (`| head`) closes the pipe: not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
