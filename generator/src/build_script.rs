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
//! `client.rs` with [`Builder::client`]). The emitter's output is adapted so that
//! it can be `include!`d, without changing the emitter:
//!
//! - `mod x;` declarations resolve relative to the *including* file, which is the
//!   user's `src/`, so every one becomes an inline module that includes its file
//!   through `env!("OUT_DIR")`:
//!   `mod x { #![doc = "…"] include!(concat!(env!("OUT_DIR"), "/docgen/models/x.rs")); }`.
//!   No absolute path is written into any file, so moving the target directory
//!   does not break the build.
//! - An included file may not start with inner attributes, so a file's leading
//!   `//!` doc comments and `#![…]` attributes move into that inline module (the
//!   lines are blanked, so line numbers in compiler errors still match the
//!   file). `sdk.rs`'s own crate-level ones (the crate docs,
//!   `#![forbid(unsafe_code)]`) would apply to the user's crate and are turned
//!   into plain comments.
//! - The generated code names its own items as `crate::runtime::…`. That is right
//!   when `sdk.rs` is included at the root of the user's crate; when it is
//!   included inside a module, say so with [`Builder::module_path`]
//!   (`"crate::graph"`), and every `crate::` path is rewritten to it.
//! - Items behind the generated crate's cargo feature `client` are kept
//!   (unconditionally) with [`Builder::client`]`(true)` and dropped otherwise,
//!   so the user's crate needs no feature of that name. Items behind any other
//!   single feature (`#[cfg(feature = "name")]`, such as a per-area feature)
//!   are kept unconditionally: the included SDK is the whole SDK.
//! - The runtime's own `#[cfg(test)]` unit tests are left out: they test docgen,
//!   not the user's crate.
//!
//! The user's crate must depend on what the generated code uses: `serde` (with
//! the `derive` feature), `serde_json`, `http` and `percent-encoding`; with
//! [`Builder::client`] also `reqwest` (`rustls-tls`), `tokio` (`sync`, `time`),
//! `futures-util` (`alloc`) and `bytes`, as in the generated crate's `Cargo.toml`.
//!
//! # Reruns and the no-op cache
//!
//! `generate` prints `cargo:rerun-if-changed` for the docs folder, every folder
//! under it (so an added page reruns the build script) and every page. When cargo
//! reruns the script but nothing that shapes the output changed, nothing is parsed
//! and nothing is written: the inputs are hashed (docgen's version, the running
//! build script executable's size and modification time, so a rebuilt docgen
//! regenerates, the options that change the output, the docs folder's name, and
//! every page's relative path and bytes) and compared with the hash stored in
//! `OUT_DIR/docgen/.docgen-stamp` by the last successful run, and the files in
//! `OUT_DIR/docgen/` must still be as that run wrote them (see [`crate::stamp`],
//! which `docgen generate` uses too). The stamp also keeps the counts and
//! diagnostics, so a cached run reports the same.
//!
//! # Diagnostics
//!
//! Diagnostics at or above [`Builder::fail_on`] (default: errors) make `generate`
//! return [`Error::Diagnostics`], whose `Display` lists each one as
//! `docs/path.md:line:column: error[code]: message`; cargo prints it when
//! `build.rs` returns the error from `main`. Warnings are printed as
//! `cargo:warning=…` lines only with [`Builder::print_warnings`].

use crate::diagnostics::{Diagnostic, Location, Severity};
use crate::emit::{self, EmitError, FormatCache, GeneratedCrate};
use crate::output::{self, OutputError};
use crate::source::SourceError;
use crate::stamp;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The folder under `OUT_DIR` that `generate` writes into.
pub const INCLUDE_DIR: &str = "docgen";
/// The file to `include!`: `concat!(env!("OUT_DIR"), "/docgen/sdk.rs")`.
pub const ENTRY_FILE: &str = "sdk.rs";
/// The formatted code of the last run, in `OUT_DIR/docgen/` beside the stamp
/// (see [`FormatCache`]); not part of the output.
pub const FORMAT_CACHE_FILE: &str = ".docgen-format-cache";

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

    /// Print warning and error diagnostics as `cargo:warning=` lines. Default: off.
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

    /// Print `cargo:rerun-if-changed` (and, with [`Builder::print_warnings`],
    /// `cargo:warning`) lines. Turn off to call `generate` outside a build
    /// script (tests, benchmarks). Default: on.
    pub fn cargo_directives(mut self, on: bool) -> Self {
        self.cargo_directives = on;
        self
    }

    /// Generates the SDK into `OUT_DIR/docgen/`, or does nothing when the inputs
    /// are those of the last successful run.
    pub fn generate(&self) -> Result<Summary, Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::OutDirUnset)?,
        };
        validate_module_path(&self.module_path)?;
        let include_dir = out_dir.join(INCLUDE_DIR);
        let entry = include_dir.join(ENTRY_FILE);

        let stamp_path = include_dir.join(stamp::STAMP_FILE);
        let previous = stamp::read(&stamp_path);
        let known_docs = previous
            .as_ref()
            .map(|s| s.known_docs(&self.docs_dir))
            .unwrap_or_default();
        let inputs = stamp::scan_inputs_with(&self.docs_dir, &known_docs).map_err(Error::Source)?;
        if self.cargo_directives {
            print_rerun_lines(&self.docs_dir, &inputs);
        }
        let key = self.cache_key(&inputs);
        let cached = previous
            .filter(|stamp| stamp.inputs == key)
            .filter(|stamp| {
                output::output_hash_on_disk(&include_dir, &stamp.files, stamp.written_ns).as_ref()
                    == Some(&stamp.outputs)
            })
            .and_then(|stamp| {
                Some((
                    stamp.pages,
                    stamp.operations,
                    stamp.types,
                    stamp.diagnostics()?,
                ))
            });
        let summary = match cached {
            Some((pages, operations, types, diagnostics)) => Summary {
                include_file: entry,
                pages,
                operations,
                types,
                diagnostics,
                up_to_date: true,
                written: Vec::new(),
                deleted: Vec::new(),
                formatted_reused: 0,
            },
            None => {
                stamp::remove(&stamp_path).map_err(|source| Error::Io {
                    path: stamp_path.clone(),
                    source,
                })?;
                let model = crate::model_for_tree(&self.docs_dir).map_err(Error::Source)?;
                // The files written are rewritten from the emitted code, so the
                // formatted code the next run may reuse is kept in a file of its own.
                let cache_path = include_dir.join(FORMAT_CACHE_FILE);
                let formatter = stamp::formatter_fingerprint();
                let cache = FormatCache::load(&cache_path, &formatter);
                let emitted = emit::emit_crate_reusing(&one_area(model.clone()), &cache)
                    .map_err(Error::Emit)?;
                drop(cache);
                let included = include_form(&emitted.generated, &self.module_path, self.client)?;
                let written =
                    output::write_crate(&include_dir, &included).map_err(Error::Output)?;
                // Best effort: without the cache the next run only formats everything.
                let _ = FormatCache::save(
                    &cache_path,
                    &formatter,
                    &emitted.generated,
                    &emitted.token_hashes,
                );
                let stamp = stamp::Stamp::new(key, output::output_hash(&included), &model)
                    .with_files(output::known_files(&include_dir, &included))
                    .with_docs(&self.docs_dir, inputs.known());
                stamp::write(&stamp_path, &stamp).map_err(|source| Error::Io {
                    path: stamp_path.clone(),
                    source,
                })?;
                Summary {
                    include_file: entry,
                    pages: model.pages.len(),
                    operations: model.operations.len(),
                    types: model.types.len(),
                    diagnostics: model.diagnostics,
                    up_to_date: false,
                    written: written.written,
                    deleted: written.deleted,
                    formatted_reused: emitted.reused,
                }
            }
        };

        if self.print_warnings && self.cargo_directives {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            for diagnostic in &summary.diagnostics {
                if diagnostic.severity >= Severity::Warning {
                    let line = render_diagnostic(&self.docs_dir, diagnostic).replace('\n', " ");
                    let _ = writeln!(out, "cargo:warning={line}");
                }
            }
            let _ = out.flush();
        }
        if let Some(threshold) = self.fail_on {
            let failing: Vec<Diagnostic> = summary
                .diagnostics
                .iter()
                .filter(|d| d.severity >= threshold)
                .cloned()
                .collect();
            if !failing.is_empty() {
                return Err(Error::Diagnostics {
                    docs_dir: self.docs_dir.clone(),
                    diagnostics: failing,
                });
            }
        }
        Ok(summary)
    }

    fn cache_key(&self, inputs: &stamp::Inputs) -> String {
        let tree_name = crate::tree_name(&self.docs_dir);
        inputs.key(&[
            b"build-script",
            stamp::executable_fingerprint().as_bytes(),
            self.module_path.as_bytes(),
            &[u8::from(self.client)],
            tree_name.as_bytes(),
        ])
    }
}

/// What one [`Builder::generate`] did.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The file to `include!`: `OUT_DIR/docgen/sdk.rs`.
    pub include_file: PathBuf,
    pub pages: usize,
    pub operations: usize,
    pub types: usize,
    /// Every diagnostic of the docs tree, sorted by location (from the stamp when
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
    /// Diagnostics at or above [`Builder::fail_on`]; the crate was still written.
    Diagnostics {
        docs_dir: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
    /// Emitted code does not parse (a docgen bug).
    Emit(EmitError),
    /// The emitted crate has a shape this module cannot turn into an includable
    /// form (a docgen bug).
    Include(String),
    /// Writing `OUT_DIR/docgen/` failed.
    Output(OutputError),
    Io {
        path: PathBuf,
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
            Error::Include(message) => write!(
                f,
                "internal error: cannot make the generated crate includable: {message}"
            ),
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

fn print_rerun_lines(root: &Path, inputs: &stamp::Inputs) {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let _ = writeln!(out, "cargo:rerun-if-changed={}", root.display());
    let relatives = inputs
        .dirs
        .iter()
        .chain(inputs.pages.iter().map(|p| &p.relative));
    for relative in relatives {
        let _ = writeln!(
            out,
            "cargo:rerun-if-changed={}",
            root.join(relative).display()
        );
    }
    let _ = out.flush();
}

// ---------------------------------------------------------------------------
// The include form of the generated crate.

/// The model with every page and operation in one API area, so the emitted code
/// has no area features: the user's crate does not have the generated crate's
/// cargo features, and a build script compiles the whole SDK.
fn one_area(mut model: crate::model::ApiModel) -> crate::model::ApiModel {
    const AREA: &str = "all";
    for page in &mut model.pages {
        page.area = AREA.to_string();
    }
    for op in &mut model.operations {
        op.areas = vec![AREA.to_string()];
    }
    model
}

/// Turns the emitted crate into the files of `OUT_DIR/docgen/` (see the module
/// docs): paths without `src/`, `src/lib.rs` as `sdk.rs`, `mod x;` as inline
/// modules that include their file, inner attributes moved out of included
/// files, `crate::` rewritten to `module_path`, `client` kept or dropped, unit
/// tests dropped. Only files reachable from `sdk.rs` are kept.
pub fn include_form(
    generated: &GeneratedCrate,
    module_path: &str,
    client: bool,
) -> Result<GeneratedCrate, Error> {
    validate_module_path(module_path)?;
    const ROOT: &str = "src/lib.rs";
    if !generated.files.contains_key(ROOT) {
        return Err(Error::Include(format!("the crate has no `{ROOT}`")));
    }

    // Pass 1: per file, drop test modules and feature-gated items, and take out
    // the leading inner attributes.
    let mut bodies: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut inner: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (path, text) in &generated.files {
        if !path.starts_with("src/") || !path.ends_with(".rs") {
            continue;
        }
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        drop_test_modules(&mut lines);
        apply_client_feature(path, &mut lines, client)?;
        text_doc_examples(&mut lines);
        let attrs = take_inner_attributes(&mut lines, path == ROOT);
        inner.insert(path, attrs);
        bodies.insert(path, lines);
    }

    // Pass 2: from the root, rewrite `mod x;` into inline modules; keep what is reached.
    let mut result = GeneratedCrate::default();
    let mut queue = VecDeque::from([ROOT.to_string()]);
    let mut seen = BTreeSet::from([ROOT.to_string()]);
    while let Some(path) = queue.pop_front() {
        let lines = bodies
            .get(path.as_str())
            .ok_or_else(|| Error::Include(format!("`{path}` is not a generated Rust file")))?;
        let mut text = String::new();
        for line in lines {
            match mod_declaration(line) {
                Some(decl) => {
                    let child = child_file(&path, decl.name, &bodies).ok_or_else(|| {
                        Error::Include(format!(
                            "`{}` in `{path}` has no generated file",
                            line.trim()
                        ))
                    })?;
                    let attrs = inner.get(child.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                    let mut attr_text = String::new();
                    for attr in attrs {
                        attr_text.push_str(attr);
                        attr_text.push(' ');
                    }
                    text.push_str(&format!(
                        "{}{}mod {} {{ {attr_text}include!(concat!(env!(\"OUT_DIR\"), \"/{INCLUDE_DIR}/{}\")); }}",
                        decl.indent,
                        decl.visibility,
                        decl.ident,
                        out_path(&child)
                    ));
                    if seen.insert(child.clone()) {
                        queue.push_back(child);
                    }
                }
                None => text.push_str(line),
            }
            text.push('\n');
        }
        if module_path != "crate" {
            text = rewrite_crate_paths(&text, module_path);
        }
        text = rewrite_crate_name(&text, module_path);
        let out = out_path(&path);
        let sources = generated.sources.get(&path).cloned().unwrap_or_default();
        result.files.insert(out.clone(), text);
        result.sources.insert(out, sources);
    }
    Ok(result)
}

/// `src/lib.rs` → `sdk.rs`, `src/models/x.rs` → `models/x.rs`.
fn out_path(path: &str) -> String {
    if path == "src/lib.rs" {
        ENTRY_FILE.to_string()
    } else {
        path.strip_prefix("src/").unwrap_or(path).to_string()
    }
}

/// The file a `mod name;` in `parent` loads: `<dir>/name.rs` or `<dir>/name/mod.rs`,
/// where `<dir>` is the parent's folder for `lib.rs` and `mod.rs`, and the
/// parent's path without `.rs` otherwise.
fn child_file(parent: &str, name: &str, files: &BTreeMap<&str, Vec<String>>) -> Option<String> {
    let dir = match parent.rsplit_once('/') {
        Some((dir, "lib.rs" | "mod.rs")) => dir.to_string(),
        _ => parent.trim_end_matches(".rs").to_string(),
    };
    [format!("{dir}/{name}.rs"), format!("{dir}/{name}/mod.rs")]
        .into_iter()
        .find(|candidate| files.contains_key(candidate.as_str()))
}

struct ModDeclaration<'a> {
    indent: &'a str,
    visibility: &'a str,
    /// As written (`r#type`).
    ident: &'a str,
    /// Without `r#` (the file name).
    name: &'a str,
}

fn mod_declaration(line: &str) -> Option<ModDeclaration<'_>> {
    // Most lines are not declarations; the regex is only for the few that may be.
    if !line.contains("mod ") || !line.trim_end().ends_with(';') {
        return None;
    }
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        Regex::new(
            r"^(\s*)((?:pub(?:\([^)]*\))?\s+)?)mod\s+((?:r#)?([A-Za-z_][A-Za-z0-9_]*))\s*;\s*$",
        )
        .expect("valid pattern")
    });
    let captures = pattern.captures(line)?;
    let get = |i: usize| captures.get(i).map_or("", |m| m.as_str());
    Some(ModDeclaration {
        indent: get(1),
        visibility: get(2),
        ident: get(3),
        name: get(4),
    })
}

/// Blanks the file's leading inner attributes (`//!` docs, `#![…]`) and returns
/// them as one-line attributes for the including module. For the root, which has
/// no including module here, they are kept as plain comments instead.
fn take_inner_attributes(lines: &mut [String], root: bool) -> Vec<String> {
    let mut attrs = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index].trim_start();
        if let Some(doc) = line.strip_prefix("//!") {
            attrs.push(format!("#![doc = {doc:?}]"));
            lines[index] = if root {
                format!("//{doc}")
            } else {
                String::new()
            };
            index += 1;
        } else if line.starts_with("#![") {
            // One attribute, possibly over several lines: up to the balancing `]`.
            let start = index;
            let mut depth = 0i32;
            let mut joined = String::new();
            loop {
                let text = lines[index].trim();
                depth += text.matches('[').count() as i32 - text.matches(']').count() as i32;
                if !joined.is_empty() {
                    joined.push(' ');
                }
                joined.push_str(text);
                index += 1;
                if depth <= 0 || index >= lines.len() {
                    break;
                }
            }
            attrs.push(joined);
            for line in &mut lines[start..index] {
                *line = if root {
                    format!("// {line}")
                } else {
                    String::new()
                };
            }
        } else if line.is_empty() || line.starts_with("//") {
            index += 1;
        } else {
            break;
        }
    }
    attrs
}

/// Blanks `#[cfg(test)] mod name { … }` items (the runtime's own unit tests).
fn drop_test_modules(lines: &mut [String]) {
    let mut index = 0;
    while index + 1 < lines.len() {
        if lines[index].trim() == "#[cfg(test)]" {
            if let Some(end) = item_end(lines, index + 1) {
                if lines[index + 1].trim_start().starts_with("mod ")
                    || lines[index + 1].trim_start().starts_with("pub mod ")
                {
                    for line in &mut lines[index..=end] {
                        line.clear();
                    }
                    index = end + 1;
                    continue;
                }
            }
        }
        index += 1;
    }
}

/// The last line of the item starting at `start`: the line itself when it ends
/// with `;`, otherwise the first later line that is the item's indentation
/// followed by `}` (the emitter's output is formatted, so blocks close that way).
fn item_end(lines: &[String], start: usize) -> Option<usize> {
    let first = lines.get(start)?;
    let trimmed = first.trim_end();
    if trimmed.ends_with(';') {
        return Some(start);
    }
    if !trimmed.ends_with('{') {
        return None;
    }
    let indent = &first[..first.len() - first.trim_start().len()];
    let close = format!("{indent}}}");
    (start + 1..lines.len()).find(|&i| lines[i].trim_end() == close)
}

/// `#[cfg(feature = "client")]`: with the client the attribute goes (the item
/// stays, unconditionally); without it the item goes too. `#[cfg(feature =
/// "other")]`: the attribute goes, the item stays. Any other test of a cargo
/// feature (`any(…)`, `not(…)`, `cfg_attr`) would be an unknown `cfg` in the
/// user's crate that docgen cannot decide: refused.
fn apply_client_feature(path: &str, lines: &mut [String], client: bool) -> Result<(), Error> {
    let mut index = 0;
    while index < lines.len() {
        let trimmed = lines[index].trim();
        if trimmed == "#[cfg(feature = \"client\")]" {
            if client {
                lines[index].clear();
            } else {
                let end = item_end(lines, index + 1).ok_or_else(|| {
                    Error::Include(format!(
                        "{path}:{}: cannot find the end of the item behind `{trimmed}`",
                        index + 1
                    ))
                })?;
                for line in &mut lines[index..=end] {
                    line.clear();
                }
                index = end;
            }
        } else if single_feature(trimmed).is_some() {
            lines[index].clear();
        } else if trimmed.starts_with("#") && trimmed.contains("feature =") {
            return Err(Error::Include(format!(
                "{path}:{}: `{trimmed}` tests a cargo feature of the generated crate",
                index + 1
            )));
        }
        index += 1;
    }
    Ok(())
}

/// `name` for a line that is exactly `#[cfg(feature = "name")]`.
fn single_feature(line: &str) -> Option<&str> {
    let name = line
        .strip_prefix("#[cfg(feature = \"")?
        .strip_suffix("\")]")?;
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    plain.then_some(name)
}

/// Rust code blocks in doc comments become `text` blocks: as doc tests of the
/// user's crate they would have to name it, and docgen does not know how the
/// user's crate is named or where it includes the SDK.
fn text_doc_examples(lines: &mut [String]) {
    let mut in_block = false;
    for line in lines {
        let trimmed = line.trim_start();
        let Some(doc) = trimmed
            .strip_prefix("///")
            .or_else(|| trimmed.strip_prefix("//!"))
        else {
            continue;
        };
        let Some(info) = doc.trim_start().strip_prefix("```") else {
            continue;
        };
        if in_block {
            in_block = false;
            continue;
        }
        in_block = true;
        let is_rust = info.split(',').map(str::trim).all(|attr| {
            matches!(
                attr,
                "" | "rust" | "no_run" | "should_panic" | "compile_fail" | "test_harness"
            ) || attr.starts_with("edition")
        });
        if is_rust {
            let fence_at = line.len() - doc.trim_start().len();
            line.truncate(fence_at);
            line.push_str("```text");
        }
    }
}

/// The generated crate's own name in docs and examples (`graph_sdk::x`) →
/// `<module_path>::x`.
fn rewrite_crate_name(text: &str, module_path: &str) -> String {
    if !text.contains(&emit::CRATE_NAME.replace('-', "_")) {
        return text.to_string();
    }
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        let name = regex::escape(&emit::CRATE_NAME.replace('-', "_"));
        Regex::new(&format!(r"(^|[^A-Za-z0-9_$])({name})(\s*)::")).expect("valid pattern")
    });
    pattern
        .replace_all(text, |captures: &regex::Captures<'_>| {
            format!("{}{module_path}{}::", &captures[1], &captures[3])
        })
        .into_owned()
}

/// `crate::x` → `<module_path>::x`, outside of `$crate`.
fn rewrite_crate_paths(text: &str, module_path: &str) -> String {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN
        .get_or_init(|| Regex::new(r"(^|[^A-Za-z0-9_$])crate(\s*)::").expect("valid pattern"));
    pattern
        .replace_all(text, |captures: &regex::Captures<'_>| {
            format!("{}{module_path}{}::", &captures[1], &captures[2])
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
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
    fn rewrites_crate_paths_but_not_dollar_crate() {
        let text = "use crate::runtime::Request;\nlet x = $crate::y; f(crate\n    ::runtime::g);\npub(crate) fn h() {}\n";
        assert_eq!(
            rewrite_crate_paths(text, "crate::graph"),
            "use crate::graph::runtime::Request;\nlet x = $crate::y; f(crate::graph\n    ::runtime::g);\npub(crate) fn h() {}\n"
        );
    }

    #[test]
    fn rust_doc_examples_become_text() {
        let mut lines: Vec<String> = [
            "/// ```",
            "/// use graph_sdk::x;",
            "/// ```",
            "    /// ```text",
            "    /// ```",
            "//! ```no_run",
            "//! ```",
            "fn f() {}",
        ]
        .map(String::from)
        .to_vec();
        text_doc_examples(&mut lines);
        assert_eq!(lines[0], "/// ```text");
        assert_eq!(lines[2], "/// ```");
        assert_eq!(lines[3], "    /// ```text");
        assert_eq!(lines[5], "//! ```text");
        assert_eq!(
            rewrite_crate_name(&lines[1], "crate::graph"),
            "/// use crate::graph::x;"
        );
    }

    #[test]
    fn features_other_than_client_keep_their_items() {
        let text = "#[cfg(feature = \"client\")]\npub mod client;\n#[cfg(feature = \"users\")]\nmod user;\npub use user::*;\n";
        let lines = || text.lines().map(String::from).collect::<Vec<_>>();
        let mut without = lines();
        apply_client_feature("src/lib.rs", &mut without, false).expect("applies");
        assert_eq!(without, ["", "", "", "mod user;", "pub use user::*;"]);
        let mut with = lines();
        apply_client_feature("src/lib.rs", &mut with, true).expect("applies");
        assert_eq!(
            with,
            ["", "pub mod client;", "", "mod user;", "pub use user::*;"]
        );

        for undecidable in [
            "#[cfg(any(feature = \"a\", feature = \"b\"))]",
            "#[cfg(not(feature = \"a\"))]",
            "#[cfg_attr(feature = \"a\", derive(Debug))]",
        ] {
            let mut lines = vec![undecidable.to_string(), "mod a;".to_string()];
            let err = apply_client_feature("src/lib.rs", &mut lines, true).expect_err(undecidable);
            assert!(err.to_string().contains("src/lib.rs:1:"), "{err}");
        }
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
    fn inner_attributes_move_out_and_keep_line_numbers() {
        let mut lines: Vec<String> = [
            "// @generated by docgen",
            "",
            "//! Docs with \"quotes\".",
            "#![allow(",
            "    dead_code",
            ")]",
            "use x::y;",
            "//! not leading",
        ]
        .map(String::from)
        .to_vec();
        let attrs = take_inner_attributes(&mut lines, false);
        assert_eq!(
            attrs,
            [
                "#![doc = \" Docs with \\\"quotes\\\".\"]",
                "#![allow( dead_code )]"
            ]
        );
        assert_eq!(lines.len(), 8);
        assert_eq!(lines[2], "");
        assert_eq!(lines[6], "use x::y;");
        assert_eq!(lines[7], "//! not leading");
    }

    #[test]
    fn include_form_of_docs_input() {
        let model = crate::model_for_tree(&docs_input()).expect("docs-input reads");
        let generated = emit::emit_crate(&one_area(model)).expect("emits");
        for client in [false, true] {
            let included = include_form(&generated, "crate::graph", client).expect("includable");
            let sdk = &included.files[ENTRY_FILE];
            assert!(sdk.contains(
                "pub mod models { #![doc = \" Typed models of the API's resources, complex types and enums.\"] include!(concat!(env!(\"OUT_DIR\"), \"/docgen/models/mod.rs\")); }"
            ));
            assert_eq!(included.files.contains_key("client.rs"), client);
            assert_eq!(sdk.contains("mod client"), client);
            for (path, text) in &included.files {
                assert!(!path.starts_with("src/") && !path.starts_with("tests/"));
                for (number, line) in text.lines().enumerate() {
                    let trimmed = line.trim_start();
                    let at = format!("{path}:{}: {line}", number + 1);
                    assert!(mod_declaration(line).is_none(), "{at}");
                    assert!(!trimmed.starts_with("#[cfg(feature"), "{at}");
                    assert!(!trimmed.starts_with("#[cfg(test)]"), "{at}");
                    assert!(!line.contains("graph_sdk"), "{at}");
                    if let Some(fence) = trimmed.strip_prefix("/// ```") {
                        assert!(["", "text"].contains(&fence), "{at}");
                    }
                }
                // No inner attribute before the first item of an included file.
                let is_plain_comment = |l: &str| l.starts_with("//") && !l.starts_with("//!");
                let first_code = text
                    .lines()
                    .map(str::trim_start)
                    .find(|l| !l.is_empty() && !is_plain_comment(l));
                assert!(
                    first_code.is_some_and(|l| !l.starts_with("#![") && !l.starts_with("//!")),
                    "{path} starts with an inner attribute"
                );
                assert!(!text.contains("crate::runtime") || text.contains("crate::graph::runtime"));
            }
            // Line numbers of included files match the emitted files.
            let emitted = &generated.files["src/runtime.rs"];
            let included_runtime = &included.files["runtime.rs"];
            let line_of = |text: &str| {
                text.lines()
                    .position(|l| l.starts_with("pub fn encode_path_segment"))
            };
            assert_eq!(line_of(emitted), line_of(included_runtime));
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

        // A damaged cache is ignored, never an error.
        fs::write(out.path().join("docgen").join(FORMAT_CACHE_FILE), "{").expect("damage");
        fs::write(&page, text).expect("undo the edit");
        let third = builder(&docs_root, out.path()).generate().expect("third");
        assert_eq!(third.formatted_reused, 0);
    }

    #[test]
    fn missing_docs_folder_is_an_error() {
        let out = tempfile::tempdir().expect("tempdir");
        let err = builder(&out.path().join("nope"), out.path())
            .generate()
            .expect_err("no docs");
        assert!(matches!(err, Error::Source(_)));
    }
}
