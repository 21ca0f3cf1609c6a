//! The `handbook` command: parse arguments, run one command, print its
//! diagnostics in one place, exit non-zero on errors.

use clap::{Parser, Subcommand};
use handbook::diagnostic::render_all;
use handbook::pipeline::{self, BuildOptions, Report};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "handbook",
    version,
    about = "Build a searchable, offline handbook site from structured YAML"
)]
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (report, done) = match cli.command {
        Command::Check { dir } => {
            let (report, _) = pipeline::check(&dir);
            let n = report.book.as_ref().map_or(0, |b| b.pages.len());
            (
                report,
                format!("checked {}: {n} chapters, no errors", dir.display()),
            )
        }
        Command::Build {
            dir,
            out,
            emit_markdown,
        } => {
            let out = out.unwrap_or_else(|| dir.join("book"));
            let report = pipeline::build(
                &dir,
                &BuildOptions {
                    out: out.clone(),
                    emit_markdown,
                },
            );
            let index = std::path::absolute(out.join("index.html"))
                .unwrap_or_else(|_| out.join("index.html"));
            (
                report,
                format!("built {} — open file://{}", out.display(), index.display()),
            )
        }
    };
    finish(&report, &done)
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
