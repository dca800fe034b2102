//! `docgen diff OLD NEW`: semantic API changes between two docs trees.

use super::{display_dir, Failure, EXIT_ACT};
use clap::{Args, ValueEnum};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `diff`.
#[derive(Args)]
pub struct DiffArgs {
    /// The docs tree before the change.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The docs tree after the change.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Name the cargo feature (area) of the generated crate each change is in.
    #[arg(long)]
    areas: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// One `breaking:` or `additive:` line per change, grouped, with file:line.
    Human,
    /// A JSON array of `{kind, breaking, item, detail, old?, new?, location}`.
    Json,
    /// Sections per category, breaking first, for a pull-request comment or changelog.
    Markdown,
}

/// `docgen diff OLD NEW`: exit 1 when a change is breaking, 0 otherwise.
pub fn diff(args: &DiffArgs) -> Result<ExitCode, Failure> {
    // An empty or page-less tree is an error of the walk, as for every command.
    let (old, new) = docgen::diff::models_for_trees(&args.old, &args.new)?;
    let mut changes = docgen::diff::diff(&old, &new);
    if args.areas {
        docgen::diff::with_areas(&mut changes, &old, &new);
    }
    let (old_dir, new_dir) = (display_dir(&args.old), display_dir(&args.new));
    let trees = docgen::diff::Trees {
        old: &old_dir,
        new: &new_dir,
    };
    let text = match args.format {
        DiffFormat::Human => docgen::diff::render_human(&changes, trees),
        DiffFormat::Json => docgen::diff::render_json(&changes),
        DiffFormat::Markdown => docgen::diff::render_markdown(&changes, trees),
    };
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`docgen diff … | head`) still gets the exit code.
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        Err(err) => return Err(Failure(format!("cannot write to stdout: {err}"))),
    }
    let (breaking, _) = docgen::diff::counts(&changes);
    Ok(if breaking > 0 {
        ExitCode::from(EXIT_ACT)
    } else {
        ExitCode::SUCCESS
    })
}
