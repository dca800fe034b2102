//! The commands of the `docgen` binary, one module each; each parses its
//! arguments, calls the library and presents the outcome.

pub mod diff;
pub mod dump;
pub mod generate;
pub mod lint;
mod report;

use clap::Args;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where the docs are; shared by every command.
#[derive(Args)]
pub struct DocsArgs {
    /// Folder of Markdown doc pages, searched recursively.
    #[arg(long, value_name = "DIR", default_value = "docs-input")]
    pub docs: PathBuf,
}

/// A failure that ends the run with exit code 2 and `error: …` on stderr.
pub struct Failure(pub String);

impl<E: fmt::Display> From<E> for Failure {
    fn from(err: E) -> Self {
        Failure(err.to_string())
    }
}

/// Exit code: the check found something the user must act on.
pub const EXIT_ACT: u8 = 1;
/// Exit code: usage error or unreadable input.
pub const EXIT_FAILURE: u8 = 2;

/// Prints one line to stdout. A closed pipe (`docgen check | head -1`) is not an
/// error worth a panic, so write failures are ignored.
pub fn say(line: fmt::Arguments<'_>) {
    let _ = writeln!(io::stdout().lock(), "{line}");
}

/// The output folder as the user wrote it, without a trailing separator.
pub fn display_dir(dir: &Path) -> String {
    let shown = dir.display().to_string();
    match shown.trim_end_matches(['/', '\\']) {
        "" => shown,
        trimmed => trimmed.to_string(),
    }
}
