//! The `docgen` command line. It only parses arguments, calls the library and maps
//! the outcome to an exit code; everything worth testing lives in the library.
//!
//! Exit codes (the product contract): 0 success, 1 the check found something the
//! user must act on, 2 usage error or unreadable input. clap exits 2 on its own
//! usage errors; every other failure goes through [`Failure`].

mod cli;

use clap::{Parser, Subcommand};
use cli::diff::{diff, DiffArgs};
use cli::dump::{dump, DumpArgs};
use cli::generate::{check, generate, PipelineArgs};
use cli::lint::{lint, LintArgs};
use cli::{Failure, EXIT_FAILURE};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "docgen",
    version,
    about = "Turns Microsoft Graph-style API documentation pages into a Rust SDK and keeps the two in step."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the SDK crate for a docs tree into --out.
    Generate(PipelineArgs),
    /// Regenerate in memory and compare with --out; exit 1 naming each stale file.
    Check(PipelineArgs),
    /// Print the API model (types, operations, examples, diagnostics) to stdout.
    Dump(DumpArgs),
    /// Report documentation problems with stable codes, file, line and column.
    Lint(LintArgs),
    /// Semantic API changes between two docs trees, each marked breaking or additive; exit 1 when any is breaking.
    Diff(DiffArgs),
}

/// The most threads docgen's pool runs, whatever `RAYON_NUM_THREADS` asks:
/// four per core, and at least 64.
fn thread_cap() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.saturating_mul(4).max(64)
}

/// Builds rayon's global pool with `RAYON_NUM_THREADS` threads (rayon's own
/// default when it is unset, empty, 0 or not a number), but no more than
/// [`thread_cap`]: `RAYON_NUM_THREADS=100000` must not spawn 100,000 threads.
fn configure_threads() {
    let requested = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|&n| n > 0);
    let threads = match requested {
        Some(n) => n.min(thread_cap()),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    // Fails only when a pool was built already: that one stays.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
}

fn main() -> ExitCode {
    configure_threads();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate(args) => generate(args),
        Command::Check(args) => check(args),
        Command::Dump(args) => dump(args),
        Command::Lint(args) => lint(args),
        Command::Diff(args) => diff(args),
    };
    result.unwrap_or_else(|Failure(message)| {
        eprintln!("error: {message}");
        ExitCode::from(EXIT_FAILURE)
    })
}
