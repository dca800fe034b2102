//! Generating the SDK from a build script (`build.rs`) instead of committing it.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), docgen::build_script::Error> {
//!     docgen::build_script::Builder::new("docs")
//!         .module_path("crate::graph")
//!         .generate()?;
//!     Ok(())
//! }
//! ```
//!
//! ```text
//! // src/lib.rs
//! pub mod graph {
//!     include!(concat!(env!("OUT_DIR"), "/docgen/sdk.rs"));
//! }
//! ```
//!
//! # What is written
//!
//! [`Builder::generate`] runs the whole pipeline (read → parse → model → emit) and
//! writes the generated crate's `src/` tree into `OUT_DIR/docgen/`: `sdk.rs` (the
//! crate root, from `src/lib.rs`), `models/`, `operations/`, `runtime.rs` (and
//! `client.rs` with [`Builder::client`]). The emitter builds them in its
//! include layout ([`EmitOptions::include_layout`]); every file is plain
//! formatter output:
//!
//! - `mod x;` declarations would resolve relative to the *including* file, which
//!   is the user's `src/`, so every module is an inline one that includes its
//!   file through `env!("OUT_DIR")`:
//!   `mod x { include!(concat!(env!("OUT_DIR"), "/docgen/models/x.rs")); }`.
//!   No absolute path is written into any file, so moving the target directory
//!   does not break the build.
//! - An included file may not start with inner attributes, so a file's `//!`
//!   docs are the inline module's. `sdk.rs` has no crate-level docs or
//!   attributes: they would apply to the user's crate.
//! - The generated code names its own items from the root it is included at:
//!   `crate::runtime::…` when `sdk.rs` is included at the root of the user's
//!   crate; when it is included inside a module, say so with
//!   [`Builder::module_path`] (`"crate::graph"`), and the code and the docs'
//!   links name `crate::graph::runtime::…`.
//! - The async client is included with [`Builder::client`]`(true)` and left
//!   out otherwise, so the user's crate needs no feature of that name; there
//!   are no per-area features: the included SDK is the whole SDK.
//! - The runtime's own `#[cfg(test)]` unit tests are left out: they test docgen,
//!   not the user's crate; Rust code blocks in the docs are `text` blocks (as
//!   doc tests of the user's crate they would have to name it).
//!
//! The user's crate must depend on what the generated code uses: `serde` (with
//! the `derive` feature), `serde_json`, `http` and `percent-encoding`; with
//! [`Builder::client`] also `reqwest` (`rustls-tls` or `native-tls`), `tokio` (`sync`, `time`),
//! `futures-util` (`alloc`) and `bytes`, as in the generated crate's `Cargo.toml`.
//!
//! # Reruns and the no-op cache
//!
//! `generate` prints one `cargo:rerun-if-changed` line, for the docs folder:
//! cargo scans a folder's whole tree and compares the newest modification time
//! under it (cargo-util's `mtime_recursive`; the Cargo Book: "If the path points
//! to a directory, it will scan the entire directory for any modifications"), so
//! an edited, added or deleted page and a changed `docgen.toml` all rerun the
//! script, without one line per page. When cargo reruns the script but nothing that shapes the output changed, nothing is parsed
//! and nothing is written: the inputs are hashed (docgen's version, the running
//! build script executable's size and modification time, so a rebuilt docgen
//! regenerates, the options that change the output, the docs folder's name, and
//! every page's relative path and bytes) and compared with the hash stored in
//! `OUT_DIR/docgen/.docgen-stamp` by the last successful run, and the files in
//! `OUT_DIR/docgen/` must still be as that run wrote them (see
//! [`crate::incremental`], which runs `docgen generate` too). The stamp also keeps the counts and
//! diagnostics, so a cached run reports the same.
//!
//! # Diagnostics
//!
//! Diagnostics at or above [`Builder::fail_on`] (default: errors) make `generate`
//! return [`Error::Diagnostics`], whose `Display` lists each one as
//! `docs/path.md:line:column: error[code]: message`; cargo prints it when
//! `build.rs` returns the error from `main`. They are also the first lines the
//! script prints, each as `cargo::error=…` (cargo 1.84 and later show them as
//! errors at the top of the failure;
//! with an older cargo, found by `$CARGO --version`, they are
//! `cargo:warning=error: …` lines), before any warning and before the
//! `rerun-if-changed` line. With [`Builder::print_warnings`], the warnings
//! follow as a count and the first five `cargo:warning=…` lines, not one line
//! each. `docgen.toml` in the docs folder decides severities and skips, as for
//! every command.

use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::emit::{EmitError, EmitOptions};
use crate::incremental::{self, State};
use crate::output::OutputError;
use crate::policy::config::ConfigError;
use crate::policy::Policy;
use crate::source::SourceError;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The folder under `OUT_DIR` that `generate` writes into.
pub const INCLUDE_DIR: &str = "docgen";
/// The file to `include!`: `concat!(env!("OUT_DIR"), "/docgen/sdk.rs")`.
pub const ENTRY_FILE: &str = "sdk.rs";

/// Configures and runs one generation for a build script.
#[derive(Debug, Clone)]
pub struct Builder {
    docs_dir: PathBuf,
    out_dir: Option<PathBuf>,
    module_path: String,
    client: bool,
    print_warnings: bool,
    fail_on: Option<Severity>,
    cargo_directives: bool,
}

impl Builder {
    /// A builder for the docs tree at `docs_dir` (relative paths are relative to
    /// the build script's working directory, the package root).
    pub fn new(docs_dir: impl Into<PathBuf>) -> Self {
        Builder {
            docs_dir: docs_dir.into(),
            out_dir: None,
            module_path: "crate".to_string(),
            client: false,
            print_warnings: false,
            fail_on: Some(Severity::Error),
            cargo_directives: true,
        }
    }

    /// Where to write; the files go to `<dir>/docgen/`. Default: `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The path of the module that includes `sdk.rs`: `"crate"` (the default)
    /// when it is included at the crate root, `"crate::graph"` for
    /// `pub mod graph { include!(…); }`.
    pub fn module_path(mut self, path: impl Into<String>) -> Self {
        self.module_path = path.into();
        self
    }

    /// Include the async client (module `client`); the crate then also needs
    /// `reqwest`, `tokio`, `futures-util` and `bytes`. Default: off.
    pub fn client(mut self, on: bool) -> Self {
        self.client = on;
        self
    }

    /// Also print the warnings (and errors that do not fail the build) as
    /// `cargo:warning=` lines: their count and the first few, not thousands
    /// of lines. Default: off.
    pub fn print_warnings(mut self, on: bool) -> Self {
        self.print_warnings = on;
        self
    }

    /// The severity from which diagnostics fail the build; `None` never fails on
    /// diagnostics. The crate is written either way. Default: `Some(Severity::Error)`.
    pub fn fail_on(mut self, severity: Option<Severity>) -> Self {
        self.fail_on = severity;
        self
    }

    /// Print cargo directives: `cargo::error=` for failing diagnostics,
    /// `cargo:warning=` with [`Builder::print_warnings`], and
    /// `cargo:rerun-if-changed`. Turn off to call `generate` outside a build
    /// script (tests, benchmarks). Default: on.
    pub fn cargo_directives(mut self, on: bool) -> Self {
        self.cargo_directives = on;
        self
    }

    /// Generates the SDK into `OUT_DIR/docgen/`, or does nothing when the inputs
    /// are those of the last successful run.
    ///
    /// With [`Builder::cargo_directives`] (the default) it prints, in this
    /// order: each failing diagnostic as a `cargo::error=` line (cargo ≥ 1.84;
    /// `cargo:warning=` with an older cargo), then, with
    /// [`Builder::print_warnings`], the count of the other warnings and the
    /// first few of them, then one `cargo:rerun-if-changed` line for the docs
    /// folder (cargo scans a folder's whole tree for changes).
    pub fn generate(&self) -> Result<Summary, Error> {
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        let result = self.generate_to(&mut out, CargoErrors::detect);
        let _ = out.flush();
        result
    }

    /// [`Builder::generate`], with the cargo directives written to `directives`
    /// and `cargo_errors` asked (only when diagnostics fail the build) whether
    /// cargo understands `cargo::error=`.
    fn generate_to(
        &self,
        directives: &mut dyn Write,
        cargo_errors: impl FnOnce() -> CargoErrors,
    ) -> Result<Summary, Error> {
        let result = self.run();
        let failing: Vec<Diagnostic> = match (&result, self.fail_on) {
            (Ok(summary), Some(threshold)) => summary
                .diagnostics
                .iter()
                .filter(|d| d.severity >= threshold)
                .cloned()
                .collect(),
            _ => Vec::new(),
        };
        if self.cargo_directives {
            // A run that failed before any diagnostics (the docs folder
            // cannot be read) still watches the folder, so fixing it reruns.
            let lines = match &result {
                Ok(summary) => {
                    let errors = (!failing.is_empty()).then(cargo_errors);
                    self.directive_lines(&summary.diagnostics, &failing, errors)
                }
                Err(_) => self.directive_lines(&[], &[], None),
            };
            for line in lines {
                if writeln!(directives, "{line}").is_err() {
                    break;
                }
            }
        }
        let summary = result?;
        if !failing.is_empty() {
            return Err(Error::Diagnostics {
                docs_dir: self.docs_dir.clone(),
                diagnostics: failing,
            });
        }
        Ok(summary)
    }

    /// The cargo directives of a run, failing diagnostics first: each as
    /// `cargo::error=` (or `cargo:warning=` for an older cargo), then the
    /// warnings summarised (with [`Builder::print_warnings`]), then the one
    /// `rerun-if-changed` line.
    fn directive_lines(
        &self,
        diagnostics: &[Diagnostic],
        failing: &[Diagnostic],
        cargo_errors: Option<CargoErrors>,
    ) -> Vec<String> {
        let mut lines = Vec::new();
        let error_prefix = match cargo_errors {
            Some(CargoErrors::Supported) | None => "cargo::error=",
            Some(CargoErrors::Unsupported) => "cargo:warning=error: ",
        };
        for diagnostic in failing.iter().take(MAX_ERROR_LINES) {
            lines.push(format!(
                "{error_prefix}{}",
                one_line(&render_diagnostic(&self.docs_dir, diagnostic))
            ));
        }
        if failing.len() > MAX_ERROR_LINES {
            lines.push(format!(
                "{error_prefix}docgen: {} more failing diagnostic(s), listed in the build script's error below",
                failing.len() - MAX_ERROR_LINES
            ));
        }
        if self.print_warnings {
            // Warnings, and errors when `fail_on` lets them pass: what does not
            // fail the build but should be seen.
            let passing = |d: &&Diagnostic| self.fail_on.is_none_or(|t| d.severity < t);
            let warnings: Vec<&Diagnostic> = diagnostics
                .iter()
                .filter(|d| d.severity >= Severity::Warning)
                .filter(passing)
                .collect();
            if !warnings.is_empty() {
                let shown = warnings.len().min(SHOWN_WARNINGS);
                lines.push(format!(
                    "cargo:warning=docgen: {} warning(s) in the docs at `{}`{}; `docgen lint --docs {}` lists them all",
                    warnings.len(),
                    self.docs_dir.display(),
                    if shown < warnings.len() {
                        format!(", the first {shown} below")
                    } else {
                        String::new()
                    },
                    self.docs_dir.display()
                ));
                for diagnostic in warnings.iter().take(shown) {
                    lines.push(format!(
                        "cargo:warning={}",
                        one_line(&render_diagnostic(&self.docs_dir, diagnostic))
                    ));
                }
            }
        }
        // One line for the folder: cargo compares the newest modification
        // time of everything under it (pages, `docgen.toml`, the baseline,
        // sub-folders, so an added or deleted page too).
        lines.push(format!(
            "cargo:rerun-if-changed={}",
            self.docs_dir.display()
        ));
        lines
    }

    /// The generation itself, with `docgen.toml` applied to the diagnostics;
    /// prints nothing and fails on no diagnostic.
    fn run(&self) -> Result<Summary, Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::OutDirUnset)?,
        };
        validate_module_path(&self.module_path)?;
        let include_dir = out_dir.join(INCLUDE_DIR);
        let entry = include_dir.join(ENTRY_FILE);

        // The options (module path, client) are part of the key with the
        // emit options.
        let salt: [&[u8]; 1] = [b"build-script"];
        let options = EmitOptions::include_layout(&self.module_path, INCLUDE_DIR, self.client);
        let request = incremental::Request {
            docs: &self.docs_dir,
            out: &include_dir,
            salt: &salt,
            always_build: false,
            options: &options,
            waiting: &|out: &Path| {
                let message = format!(
                    "docgen: waiting for another build to finish with `{}` (it holds {})",
                    out.display().to_string().escape_debug(),
                    crate::output::LOCK_FILE
                );
                if self.cargo_directives {
                    println!("cargo:warning={message}");
                } else {
                    eprintln!("{message}");
                }
            },
        };
        // `docgen.toml` is read first: a bad one fails before any work.
        let policy = Policy::load(&self.docs_dir).map_err(Error::Config)?;
        let started = incremental::start(&request).map_err(Error::from)?;
        let summary = match started.state {
            State::UpToDate(cached) => Summary {
                include_file: entry,
                pages: cached.pages,
                operations: cached.operations,
                types: cached.types,
                diagnostics: cached.diagnostics,
                up_to_date: true,
                written: Vec::new(),
                deleted: Vec::new(),
                formatted_reused: 0,
            },
            State::Stale(pending) => {
                let written = pending.write().map_err(Error::from)?;
                if let Some((path, source)) = written.stamp_error {
                    return Err(Error::Io { path, source });
                }
                let model = written.model;
                Summary {
                    include_file: entry,
                    pages: model.pages.len(),
                    operations: model.operations.len(),
                    types: model.types.len(),
                    diagnostics: model.diagnostics,
                    up_to_date: false,
                    written: written.summary.written,
                    deleted: written.summary.deleted,
                    formatted_reused: written.formatting.reused,
                }
            }
        };

        // The same policy as `lint`: skipped pages and allowed codes drop out,
        // a code set to `deny` fails the build.
        let mut summary = summary;
        summary.diagnostics = policy.apply(std::mem::take(&mut summary.diagnostics));
        Ok(summary)
    }
}

/// At most this many `cargo::error=` lines; the rest are counted (the
/// returned error lists them all).
const MAX_ERROR_LINES: usize = 50;
/// With [`Builder::print_warnings`], the warnings shown after their count.
const SHOWN_WARNINGS: usize = 5;

/// Whether the cargo running the build script understands `cargo::error=`
/// (cargo 1.84 and later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CargoErrors {
    Supported,
    Unsupported,
}

impl CargoErrors {
    /// Asks the cargo that runs the build script (`$CARGO --version`); an
    /// older or unknown cargo gets `cargo:warning=` lines, which every cargo
    /// shows.
    fn detect() -> CargoErrors {
        let Some(cargo) = std::env::var_os("CARGO") else {
            return CargoErrors::Unsupported;
        };
        let version = std::process::Command::new(cargo)
            .arg("--version")
            .output()
            .ok()
            .and_then(|output| String::from_utf8(output.stdout).ok());
        match version.as_deref().and_then(cargo_minor_version) {
            Some(minor) if minor >= 84 => CargoErrors::Supported,
            _ => CargoErrors::Unsupported,
        }
    }
}

/// The minor version of `cargo 1.95.0 (f2d3ce0bd 2026-03-21)`.
fn cargo_minor_version(version: &str) -> Option<u32> {
    let number = version.strip_prefix("cargo ")?.split_whitespace().next()?;
    let mut parts = number.split('.');
    if parts.next()? != "1" {
        return None;
    }
    parts.next()?.parse().ok()
}

/// A diagnostic as one directive line: cargo reads a directive to the end of
/// its line, so a line break in a message would end it.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// What one [`Builder::generate`] did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The file to `include!`: `OUT_DIR/docgen/sdk.rs`.
    pub include_file: PathBuf,
    /// Pages in the docs tree.
    pub pages: usize,
    /// Operations in the model.
    pub operations: usize,
    /// Types in the model.
    pub types: usize,
    /// Every diagnostic of the docs tree as `docgen.toml` reports it, sorted by
    /// location (from the stamp when
    /// [`Summary::up_to_date`]).
    pub diagnostics: Vec<Diagnostic>,
    /// The inputs were those of the last run: nothing was parsed or written.
    pub up_to_date: bool,
    /// Files written (relative to `OUT_DIR/docgen/`), sorted.
    pub written: Vec<String>,
    /// Files of an earlier run that are no longer generated and were deleted.
    pub deleted: Vec<String>,
    /// Rust files whose formatted code came from the last run's cache (their
    /// token trees were unchanged); 0 when [`Summary::up_to_date`].
    pub formatted_reused: usize,
}

/// Why [`Builder::generate`] failed.
///
/// `Debug` prints the same as `Display`, so `fn main() -> Result<(), Error>` in
/// `build.rs` shows readable diagnostics.
pub enum Error {
    /// Neither [`Builder::out_dir`] nor the `OUT_DIR` environment variable is set.
    OutDirUnset,
    /// An option has a value `generate` cannot use.
    InvalidOption(String),
    /// The docs folder cannot be read.
    Source(SourceError),
    /// The docs folder's `docgen.toml` cannot be used.
    Config(ConfigError),
    /// Diagnostics at or above [`Builder::fail_on`]; the crate was still written.
    Diagnostics {
        /// The docs folder the diagnostics' paths are relative to.
        docs_dir: PathBuf,
        /// The diagnostics, sorted by location.
        diagnostics: Vec<Diagnostic>,
    },
    /// Emitted code does not parse (a docgen bug).
    Emit(EmitError),
    /// Writing `OUT_DIR/docgen/` failed.
    Output(OutputError),
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

impl Error {
    /// The failing diagnostics, for [`Error::Diagnostics`]; empty otherwise.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Diagnostics { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::OutDirUnset => f.write_str(
                "OUT_DIR is not set: call generate() from a build script or set Builder::out_dir",
            ),
            Error::InvalidOption(message) => write!(f, "docgen build script: {message}"),
            Error::Source(err) => write!(f, "{err}"),
            Error::Config(err) => write!(f, "{err}"),
            Error::Diagnostics {
                docs_dir,
                diagnostics,
            } => {
                write!(
                    f,
                    "docgen: {} problem(s) in the docs at `{}`:",
                    diagnostics.len(),
                    docs_dir.display()
                )?;
                for diagnostic in diagnostics {
                    write!(f, "\n{}", render_diagnostic(docs_dir, diagnostic))?;
                }
                Ok(())
            }
            Error::Emit(err) => write!(f, "{err}"),
            Error::Output(err) => write!(f, "{err}"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Source(err) => Some(err),
            Error::Emit(err) => Some(err),
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `docs/file:line:column: severity[code]: message`, with the docs folder as given.
fn render_diagnostic(docs_dir: &Path, diagnostic: &Diagnostic) -> String {
    let location = Location {
        file: docs_dir
            .join(&diagnostic.location.file)
            .display()
            .to_string(),
        ..diagnostic.location.clone()
    };
    Diagnostic {
        location,
        ..diagnostic.clone()
    }
    .to_string()
}

fn validate_module_path(path: &str) -> Result<(), Error> {
    let mut segments = path.split("::");
    let valid = segments.next() == Some("crate")
        && segments.all(|s| {
            let s = s.strip_prefix("r#").unwrap_or(s);
            !s.is_empty()
                && !s.starts_with(|c: char| c.is_ascii_digit())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidOption(format!(
            "module_path `{path}` is not a path like `crate` or `crate::graph`"
        )))
    }
}

impl From<incremental::Error> for Error {
    fn from(err: incremental::Error) -> Self {
        match err {
            incremental::Error::Source(err) => Error::Source(err),
            incremental::Error::RemoveStamp { path, source } => Error::Io { path, source },
            incremental::Error::Emit(err) => Error::Emit(err),
            incremental::Error::Output(err) => Error::Output(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output;
    use std::collections::BTreeMap;
    use std::fs;
    use walkdir::WalkDir;

    fn docs_input() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input")
    }

    /// A copy of `docs-input/` in `dir/beta`, for tests that edit pages.
    fn copy_of_docs_input(dir: &Path) -> PathBuf {
        let docs_root = dir.join("beta");
        for entry in WalkDir::new(docs_input()) {
            let entry = entry.expect("walk");
            let relative = entry.path().strip_prefix(docs_input()).expect("inside");
            let target = docs_root.join(relative);
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).expect("mkdir");
            } else {
                fs::copy(entry.path(), &target).expect("copy");
            }
        }
        docs_root
    }

    fn builder(docs: &Path, out: &Path) -> Builder {
        Builder::new(docs).out_dir(out).cargo_directives(false)
    }

    #[test]
    fn module_paths_are_validated() {
        assert!(validate_module_path("crate").is_ok());
        assert!(validate_module_path("crate::graph::v1").is_ok());
        assert!(validate_module_path("graph").is_err());
        assert!(validate_module_path("crate::").is_err());
        assert!(validate_module_path("crate::a b").is_err());
    }

    #[test]
    fn include_layout_of_docs_input() {
        let model = crate::model_for_tree(&docs_input()).expect("docs-input reads");
        let crate_form = crate::emit::emit_crate(&model).expect("emits");
        for client in [false, true] {
            let options = EmitOptions::include_layout("crate::graph", INCLUDE_DIR, client);
            let cache = crate::emit::FormatCache::default();
            let included = crate::emit::emit_crate_with(&model, &options, &cache)
                .expect("emits")
                .generated;
            let sdk = &included.files[ENTRY_FILE];
            assert!(
                sdk.contains(
                    "pub mod models {\n    //! Typed models of the API's resources, complex types and enums.\n    include!(concat!(env!(\"OUT_DIR\"), \"/docgen/models/mod.rs\"));\n}"
                ),
                "{sdk}"
            );
            assert_eq!(included.files.contains_key("client.rs"), client);
            assert_eq!(sdk.contains("mod client"), client);
            // The same modules as the crate, without `src/`, tests or manifests.
            let expected: Vec<String> = crate_form
                .files
                .keys()
                .filter_map(|path| path.strip_prefix("src/"))
                .filter(|path| client || *path != "client.rs")
                .map(|path| match path {
                    "lib.rs" => ENTRY_FILE.to_string(),
                    other => other.to_string(),
                })
                .collect();
            let mut expected = expected;
            expected.sort();
            assert_eq!(included.files.keys().cloned().collect::<Vec<_>>(), expected);
            for (path, text) in &included.files {
                let code = crate::emit::format_cache::formatted_code(text).expect("header");
                // Plain formatter output: it parses and prints back the same.
                let syntax = syn::parse_file(code).expect("parses");
                assert_eq!(prettyplease::unparse(&syntax), code, "{path}");
                assert!(syntax.attrs.is_empty(), "{path} has inner attributes");
                for (number, line) in text.lines().enumerate() {
                    let trimmed = line.trim_start();
                    let at = format!("{path}:{}: {line}", number + 1);
                    assert!(!trimmed.starts_with("#[cfg(feature"), "{at}");
                    assert!(!trimmed.starts_with("#[cfg(test)]"), "{at}");
                    assert!(!line.contains("graph_sdk"), "{at}");
                    if let Some(fence) = trimmed.strip_prefix("/// ```") {
                        assert!(["", "text"].contains(&fence), "{at}");
                    }
                }
                assert!(!text.contains("crate::runtime") || text.contains("crate::graph::runtime"));
            }
        }
    }

    #[test]
    fn second_run_is_a_no_op_and_a_change_regenerates() {
        let docs = tempfile::tempdir().expect("tempdir");
        let docs_root = copy_of_docs_input(docs.path());
        let out = tempfile::tempdir().expect("tempdir");

        let first = builder(&docs_root, out.path()).generate().expect("first");
        assert!(!first.up_to_date);
        assert!(first.written.contains(&ENTRY_FILE.to_string()));
        assert!(first.operations > 0 && first.types > 0);
        assert!(out.path().join("docgen/sdk.rs").is_file());

        let second = builder(&docs_root, out.path()).generate().expect("second");
        assert!(second.up_to_date);
        assert!(second.written.is_empty());
        assert_eq!(
            (second.pages, second.operations, second.types),
            (first.pages, first.operations, first.types)
        );
        assert_eq!(second.diagnostics, first.diagnostics);

        // An included file changed behind docgen's back is rewritten.
        let models = out.path().join("docgen/models/mod.rs");
        let original = fs::read_to_string(&models).expect("models/mod.rs");
        fs::write(&models, "// edited\n").expect("edit");
        let repaired = builder(&docs_root, out.path()).generate().expect("repair");
        assert!(!repaired.up_to_date);
        assert_eq!(repaired.written, ["models/mod.rs"]);
        assert_eq!(
            fs::read_to_string(&models).expect("models/mod.rs"),
            original
        );
        assert!(
            builder(&docs_root, out.path())
                .generate()
                .expect("again")
                .up_to_date
        );

        // Other options, other output.
        let other = builder(&docs_root, out.path())
            .module_path("crate::graph")
            .generate()
            .expect("module path");
        assert!(!other.up_to_date);
        assert!(!other.written.is_empty());

        // A new page regenerates; a page that fails the build is reported with its location.
        fs::write(
            docs_root.join("api/broken.md"),
            "# Broken\n\n```http\nGET /x\n",
        )
        .expect("write page");
        let result = builder(&docs_root, out.path())
            .module_path("crate::graph")
            .fail_on(Some(Severity::Warning))
            .generate();
        let err = result.expect_err("warnings fail");
        assert!(!err.diagnostics().is_empty());
        let text = err.to_string();
        assert!(text.contains("problem(s) in the docs"), "{text}");
        let broken = format!("{}:", docs_root.join("api/broken.md").display());
        assert!(text.contains(&broken), "{text}");

        // The failure is remembered: the cached run fails the same way.
        let again = builder(&docs_root, out.path())
            .module_path("crate::graph")
            .fail_on(Some(Severity::Warning))
            .generate()
            .expect_err("still fails");
        assert_eq!(again.diagnostics(), err.diagnostics());
    }

    /// `docgen.toml` is one policy: a page it skips does not fail the build, a
    /// code it denies does (before, the build script ignored the file).
    #[test]
    fn the_build_script_applies_docgen_toml() {
        let docs = tempfile::tempdir().expect("tempdir");
        let docs_root = copy_of_docs_input(docs.path());
        let out = tempfile::tempdir().expect("tempdir");
        fs::write(
            docs_root.join("api/broken.md"),
            "# Broken\n\n```http\nGET /x\n",
        )
        .expect("write page");
        let failing = builder(&docs_root, out.path())
            .fail_on(Some(Severity::Warning))
            .generate()
            .expect_err("warnings fail");
        assert!(failing
            .diagnostics()
            .iter()
            .any(|d| d.location.file == "api/broken.md"));

        fs::write(
            docs_root.join("docgen.toml"),
            "skip = [\"api/broken.md\"]\n",
        )
        .expect("config");
        let skipped = builder(&docs_root, out.path())
            .fail_on(Some(Severity::Warning))
            .generate();
        if let Err(err) = &skipped {
            assert!(
                err.diagnostics()
                    .iter()
                    .all(|d| d.location.file != "api/broken.md"),
                "{err}"
            );
        }

        // A note the docs-input tree has, denied: the build fails on it.
        let first = builder(&docs_root, out.path())
            .fail_on(None)
            .generate()
            .expect("runs");
        let Some(note) = first
            .diagnostics
            .iter()
            .find(|d| d.severity == Severity::Note)
        else {
            return;
        };
        fs::write(
            docs_root.join("docgen.toml"),
            format!("[severity]\n{} = \"deny\"\n", note.code.name()),
        )
        .expect("config");
        let denied = builder(&docs_root, out.path())
            .generate()
            .expect_err("a denied code fails");
        assert!(denied.diagnostics().iter().any(|d| d.code == note.code));
    }

    #[test]
    fn a_run_after_a_page_change_reuses_formatted_code_and_writes_what_a_first_run_writes() {
        let docs = tempfile::tempdir().expect("tempdir");
        let docs_root = copy_of_docs_input(docs.path());
        let out = tempfile::tempdir().expect("tempdir");
        let first = builder(&docs_root, out.path()).generate().expect("first");
        assert_eq!(first.formatted_reused, 0);

        let page = docs_root.join("api/devicemanagementscript-get.md");
        let text = fs::read_to_string(&page).expect("page");
        let documented = "Read the properties and relationships of a [deviceManagementScript]";
        assert!(text.contains(documented), "the page the test edits");
        let edited = text.replace(
            documented,
            "Fetch the properties and relationships of a [deviceManagementScript]",
        );
        fs::write(&page, edited).expect("edit");
        let second = builder(&docs_root, out.path()).generate().expect("second");
        assert!(!second.up_to_date);
        assert!(second.formatted_reused > 10, "{}", second.formatted_reused);
        assert_eq!(second.written, ["operations/devicemanagementscript_get.rs"]);

        let fresh = tempfile::tempdir().expect("tempdir");
        builder(&docs_root, fresh.path()).generate().expect("fresh");
        let files = |dir: &Path| -> BTreeMap<String, String> {
            let manifest =
                fs::read_to_string(dir.join("docgen").join(output::MANIFEST)).expect("manifest");
            manifest
                .lines()
                .filter(|line| !line.starts_with('#') && !line.is_empty())
                .map(|path| {
                    let text = fs::read_to_string(dir.join("docgen").join(path)).expect("file");
                    (path.to_string(), text)
                })
                .collect()
        };
        let reused = files(out.path());
        assert!(reused.len() > 10);
        assert_eq!(reused, files(fresh.path()));

        // A file edited behind docgen's back is formatted again, never reused.
        let mut edited = fs::read_to_string(out.path().join("docgen/models/mod.rs")).expect("read");
        edited.push_str("// edited\n");
        fs::write(out.path().join("docgen/models/mod.rs"), edited).expect("damage");
        fs::write(&page, text).expect("undo the edit");
        let third = builder(&docs_root, out.path()).generate().expect("third");
        assert_eq!(third.formatted_reused, second.formatted_reused - 1);
    }

    #[test]
    fn missing_docs_folder_is_an_error() {
        let out = tempfile::tempdir().expect("tempdir");
        let err = builder(&out.path().join("nope"), out.path())
            .generate()
            .expect_err("no docs");
        assert!(matches!(err, Error::Source(_)));
    }

    /// An empty or page-less docs folder fails the build as it fails every
    /// command (issue 15): before, the build script wrote an SDK of nothing.
    #[test]
    fn empty_docs_folder_is_an_error() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let docs = tmp.path().join("docs");
        fs::create_dir_all(docs.join("api")).expect("mkdir");
        fs::write(docs.join("docgen.toml"), "skip = []\n").expect("config");
        let out = tmp.path().join("out");
        let err = builder(&docs, &out)
            .generate()
            .expect_err("no pages, no SDK");
        assert!(
            matches!(&err, Error::Source(source) if source.kind == crate::source::SourceErrorKind::NoPages),
            "{err}"
        );
        let text = err.to_string();
        let named = format!("docs folder `{}` holds no Markdown pages", docs.display());
        assert!(text.contains(&named), "{text}");
        assert!(!out.join(INCLUDE_DIR).join(ENTRY_FILE).exists());
    }

    /// A copy of docs-input with a page that fails the build (invalid UTF-8:
    /// an error whatever the policy) beside the tree's warnings.
    fn broken_tree(dir: &Path) -> PathBuf {
        let docs_root = copy_of_docs_input(dir);
        fs::write(
            docs_root.join("api/broken.md"),
            b"# Broken\n\nInvalid \xff byte.\n".as_slice(),
        )
        .expect("write page");
        docs_root
    }

    /// What `generate` prints, as lines, and its result.
    fn directives(builder: &Builder, cargo: CargoErrors) -> (Vec<String>, Result<Summary, Error>) {
        let mut out = Vec::new();
        let result = builder.generate_to(&mut out, || cargo);
        let text = String::from_utf8(out).expect("UTF-8 directives");
        (text.lines().map(str::to_string).collect(), result)
    }

    /// A build that fails prints its failing diagnostics first, each as
    /// `cargo::error=`, then the warnings as a count and the first five, then
    /// one `rerun-if-changed` line for the docs folder. Before, one
    /// `rerun-if-changed` line per folder and page came first (420 on the
    /// corpus), every warning had its own line, and no `cargo::error=`.
    #[test]
    fn a_failing_build_prints_its_errors_first_as_cargo_errors() {
        let docs = tempfile::tempdir().expect("tempdir");
        let docs_root = broken_tree(docs.path());
        let out = tempfile::tempdir().expect("tempdir");
        let builder = Builder::new(&docs_root)
            .out_dir(out.path())
            .print_warnings(true);
        let (lines, result) = directives(&builder, CargoErrors::Supported);
        let err = result.expect_err("an error fails the build");
        let failing = err.diagnostics().len();
        assert!(failing >= 1);
        let broken = docs_root.join("api/broken.md").display().to_string();
        // The errors first, one line each, naming the page.
        assert!(lines.len() > failing, "{lines:#?}");
        for line in &lines[..failing] {
            assert!(line.starts_with("cargo::error="), "{lines:#?}");
        }
        assert!(lines[0].contains(&broken), "{lines:#?}");
        assert!(lines[0].contains("error[invalid-utf8]"), "{lines:#?}");
        // Then the warnings, summarised: the count, then at most five.
        let warnings = builder
            .clone()
            .cargo_directives(false)
            .fail_on(None)
            .generate()
            .expect("runs")
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        assert!(
            warnings > SHOWN_WARNINGS,
            "the tree has warnings to summarise"
        );
        let summary = &lines[failing];
        assert!(
            summary.starts_with(&format!(
                "cargo:warning=docgen: {warnings} warning(s) in the docs"
            )),
            "{summary}"
        );
        let shown = &lines[failing + 1..lines.len() - 1];
        assert_eq!(shown.len(), SHOWN_WARNINGS, "{lines:#?}");
        assert!(shown.iter().all(|l| l.starts_with("cargo:warning=")));
        // Last, one line for the folder: cargo scans its whole tree.
        assert_eq!(
            lines.last().map(String::as_str),
            Some(format!("cargo:rerun-if-changed={}", docs_root.display()).as_str())
        );
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.contains("rerun-if-changed"))
                .count(),
            1
        );
        assert!(lines.iter().all(|l| !l.contains('\n')));
        assert_eq!(lines.len(), failing + 1 + SHOWN_WARNINGS + 1);
    }

    /// Before cargo 1.84 there is no `cargo::error=`: the errors are
    /// `cargo:warning=error: …` lines, still first.
    #[test]
    fn an_older_cargo_gets_the_errors_as_warnings() {
        let docs = tempfile::tempdir().expect("tempdir");
        let docs_root = broken_tree(docs.path());
        let out = tempfile::tempdir().expect("tempdir");
        let builder = Builder::new(&docs_root).out_dir(out.path());
        let (lines, result) = directives(&builder, CargoErrors::Unsupported);
        assert!(result.is_err());
        assert!(lines[0].starts_with("cargo:warning=error: "), "{lines:#?}");
        assert!(lines.iter().all(|l| !l.starts_with("cargo::error=")));
        // Without print_warnings: the errors and the rerun line only.
        assert_eq!(lines.len(), builder_failing(&builder) + 1, "{lines:#?}");
        assert_eq!(
            cargo_minor_version("cargo 1.95.0 (f2d3ce0bd 2026-03-21)"),
            Some(95)
        );
        assert_eq!(cargo_minor_version("cargo 1.83.0"), Some(83));
        assert_eq!(cargo_minor_version("not cargo"), None);
    }

    fn builder_failing(builder: &Builder) -> usize {
        builder
            .clone()
            .cargo_directives(false)
            .generate()
            .err()
            .map_or(0, |err| err.diagnostics().len())
    }

    /// A build that passes prints only the rerun line (and, with
    /// print_warnings, the summarised warnings); the cached run the same.
    #[test]
    fn a_passing_build_prints_one_rerun_line() {
        let docs = tempfile::tempdir().expect("tempdir");
        let docs_root = copy_of_docs_input(docs.path());
        let out = tempfile::tempdir().expect("tempdir");
        let builder = Builder::new(&docs_root).out_dir(out.path());
        for _ in 0..2 {
            let (lines, result) = directives(&builder, CargoErrors::Supported);
            result.expect("docs-input builds");
            assert_eq!(
                lines,
                [format!("cargo:rerun-if-changed={}", docs_root.display())]
            );
        }
        // A missing docs folder: still watched, so creating it reruns.
        let missing = docs.path().join("missing");
        let (lines, result) = directives(
            &Builder::new(&missing).out_dir(out.path()),
            CargoErrors::Supported,
        );
        assert!(result.is_err());
        assert_eq!(
            lines,
            [format!("cargo:rerun-if-changed={}", missing.display())]
        );
    }
}
