//! One generation, start to finish: the protocol `docgen generate` and the
//! build-script API share, written once.
//!
//! 1. Read the stamp of the last run ([`crate::stamp`]) and walk the docs tree
//!    once (`crate::source::scan`), hashing every page it cannot trust by
//!    size and time.
//! 2. Take the output folder's lock (one run at a time, see
//!    `crate::outdir`; the stamp is read again if the run before replaced
//!    it). Hash the inputs into a key; when the key is the stamp's, the
//!    stamp's seal holds and the output on disk is as the stamp records, the
//!    run is up to date: nothing is parsed or written ([`State::UpToDate`]).
//! 3. Otherwise remove the stamp (so an interrupted run never leaves one that
//!    vouches for half-written output), build the model from the pages the
//!    walk read, and emit the crate, reusing the formatted code of files whose
//!    token trees did not change ([`State::Stale`]).
//! 4. [`Pending::write`]: write the crate ([`crate::output`]'s plan-then-apply
//!    protocol), then a new stamp that records the output and which token
//!    tree each Rust file was formatted from; then release the lock.
//!
//! Between 3 and 4 the caller may look at the model and the crate (print
//! diagnostics, refuse a `--report` path) before anything is written.
//! Presenting what happened is the caller's job; this module prints nothing.

use crate::blame::{self, Blame, PAGES_FILE};
use crate::emit::format_cache::formatted_code;
use crate::emit::{
    self, EmitError, EmitOptions, Emitted, FormatCache, GeneratedCrate, Layout, TokenHashes,
};
use crate::fsutil::{self, KnownFiles};
use crate::model::ApiModel;
use crate::outdir::{self, OutDir};
use crate::output::{self, CheckReport, OutputError, WriteSummary};
use crate::source::{self, Scan, SourceError};
use crate::stamp::{self, Stamp};
use crate::Diagnostic;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to generate, and from what.
pub struct Request<'a> {
    /// The docs folder.
    pub docs: &'a Path,
    /// The folder the crate is written into (holds the manifest and the stamp).
    pub out: &'a Path,
    /// Who asks (`generate`, `build-script`): hashed into the key with
    /// docgen's version and executable, the emit options and the pages.
    pub salt: &'a [&'a [u8]],
    /// Build even when the output is up to date (`--report` needs the model).
    pub always_build: bool,
    /// The layout and contents of the emitted crate.
    pub options: &'a EmitOptions,
    /// Called (with the output folder) before waiting for another run that
    /// holds the folder's lock ([`output::LOCK_FILE`]): one run at a time.
    pub waiting: &'a dyn Fn(&Path),
}

/// The run, after the walk: up to date, or built and not yet written.
pub struct Started {
    /// Up to date, or built and waiting to be written.
    pub state: State,
}

/// Whether the run has anything to write.
pub enum State {
    /// The inputs are the last run's and its output is on disk as written.
    UpToDate(Cached),
    /// Built in memory; [`Pending::write`] puts it on disk.
    Stale(Box<Pending>),
}

/// What the last run reported, when its inputs were this run's and its output
/// is still on disk exactly as it wrote it.
#[derive(Debug, Clone)]
pub struct Cached {
    /// Pages in the docs tree.
    pub pages: usize,
    /// Operations in the model.
    pub operations: usize,
    /// Types in the model.
    pub types: usize,
    /// Every diagnostic, as the policy reports it.
    pub diagnostics: Vec<Diagnostic>,
}

/// How many Rust files were formatted, and how many of them took their code
/// from the previous run instead (their token trees were unchanged).
#[derive(Debug, Default, Clone, Copy)]
pub struct Formatting {
    /// Rust files formatted.
    pub files: usize,
    /// Of those, files whose code came from the previous run.
    pub reused: usize,
}

/// Time per stage.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stages {
    /// Reading, parsing and building the model.
    pub read_parse_model: Duration,
    /// Building and formatting the crate.
    pub emit: Duration,
    /// Writing the crate and the stamp, or comparing with disk.
    pub last: Duration,
}

/// A built crate, not yet written.
pub struct Pending {
    /// The model the crate was built from.
    pub model: ApiModel,
    /// The crate, in memory.
    pub generated: GeneratedCrate,
    /// How much formatting was reused.
    pub formatting: Formatting,
    /// Time per stage.
    pub stages: Stages,
    /// The output folder, opened and locked until the stamp is written.
    out_dir: OutDir,
    docs: PathBuf,
    key: String,
    known_pages: KnownFiles,
    previous_files: KnownFiles,
    formatter: String,
    token_hashes: TokenHashes,
}

/// A crate written by [`Pending::write`].
pub struct Written {
    /// The model the crate was built from.
    pub model: ApiModel,
    /// The crate as written.
    pub generated: GeneratedCrate,
    /// How much formatting was reused.
    pub formatting: Formatting,
    /// Time per stage.
    pub stages: Stages,
    /// What was written and deleted.
    pub summary: WriteSummary,
    /// The new stamp could not be written: the next run regenerates everything.
    pub stamp_error: Option<(PathBuf, io::Error)>,
}

/// Why a run failed.
#[derive(Debug)]
pub enum Error {
    /// The docs folder cannot be read.
    Source(SourceError),
    /// The stamp of the last run is there and cannot be removed.
    RemoveStamp {
        /// The stamp file.
        path: PathBuf,
        /// Why it cannot be removed.
        source: io::Error,
    },
    /// Emitted code does not parse (a docgen bug).
    Emit(EmitError),
    /// Writing the output failed.
    Output(OutputError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Source(err) => write!(f, "{err}"),
            Error::RemoveStamp { path, source } => write!(
                f,
                "cannot remove the stale stamp `{}`: {source}",
                path.display()
            ),
            Error::Emit(err) => write!(f, "{err}"),
            Error::Output(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for Error {}

/// Steps 1–3 of the protocol (see the module docs).
pub fn start(request: &Request<'_>) -> Result<Started, Error> {
    let started = Instant::now();
    let stamp_path = request.out.join(stamp::STAMP_FILE);
    let previous = stamp::read(&stamp_path);
    let known_docs = previous
        .as_ref()
        .map(|s| s.known_docs(request.docs))
        .unwrap_or_default();
    let scan = source::scan(request.docs, &known_docs).map_err(Error::Source)?;
    let key = input_key(&scan, request);
    // One run at a time: from here to the new stamp, this run holds the
    // output folder's lock. The stamp is read again if a run that held the
    // lock meanwhile replaced it.
    let out_dir = output::open_for_writing(request.out, request.waiting).map_err(Error::Output)?;
    let previous = stamp::reread_if_replaced(&stamp_path, previous);
    if !request.always_build {
        if let Some(cached) = previous
            .as_ref()
            .and_then(|stamp| up_to_date(request.out, stamp, &key))
        {
            return Ok(Started {
                state: State::UpToDate(cached),
            });
        }
    }
    // Through the folder's handle: never through a link out of it.
    outdir::remove_file(out_dir.root(), stamp::STAMP_FILE).map_err(|source| {
        Error::RemoveStamp {
            path: stamp_path.clone(),
            source,
        }
    })?;
    // The code of files whose token trees did not change since the last run
    // is taken from that run's output instead of being formatted again.
    let formatter = stamp::formatter_fingerprint();
    let cache = match &previous {
        Some(stamp) => cache_from_output(stamp, request.out, &formatter),
        _ => FormatCache::default(),
    };
    let known_pages = stamp::known_pages(&scan);
    let tree = scan.into_tree();
    let record = (request.options.layout == Layout::Crate).then(|| {
        blame::record(
            page_hashes(&tree.files)
                .iter()
                .map(|(p, h)| (p.as_str(), *h)),
        )
    });
    let pages = crate::parse_pages(&tree.files);
    let model = crate::model_for_pages(pages, tree.diagnostics, &crate::tree_name(request.docs));
    let read_parse_model = started.elapsed();
    let stage = Instant::now();
    let emitted = emit::emit_crate_with(&model, request.options, &cache).map_err(Error::Emit)?;
    drop(cache);
    let emit = stage.elapsed();
    let Emitted {
        mut generated,
        token_hashes,
        reused,
    } = emitted;
    if let Some(record) = record {
        add_file(&mut generated, PAGES_FILE, record);
    }
    let pending = Pending {
        model,
        generated,
        formatting: Formatting {
            files: token_hashes.len(),
            reused,
        },
        stages: Stages {
            read_parse_model,
            emit,
            last: Duration::ZERO,
        },
        out_dir,
        docs: request.docs.to_path_buf(),
        key,
        known_pages,
        previous_files: previous.map(|stamp| stamp.files).unwrap_or_default(),
        formatter,
        token_hashes,
    };
    Ok(Started {
        state: State::Stale(Box::new(pending)),
    })
}

impl Pending {
    /// Step 4: writes the crate, then the stamp that vouches for it.
    pub fn write(self) -> Result<Written, Error> {
        let stage = Instant::now();
        let out = self.out_dir.path();
        let summary = output::write_crate_in(&self.out_dir, &self.generated, &self.previous_files)
            .map_err(Error::Output)?;
        let stamp = Stamp::new(self.key, output::output_hash(&self.generated), &self.model)
            .with_files(output::known_files(out, &self.generated))
            .with_docs(&self.docs, self.known_pages)
            .with_formatted(self.formatter, self.token_hashes);
        let stamp_path = out.join(stamp::STAMP_FILE);
        let stamp_error = stamp::to_bytes(&stamp)
            .and_then(|bytes| outdir::write_atomic(self.out_dir.root(), stamp::STAMP_FILE, &bytes))
            .err()
            .map(|err| (stamp_path, err));
        // The lock is released here, with the stamp written.
        drop(self.out_dir);
        Ok(Written {
            model: self.model,
            generated: self.generated,
            formatting: self.formatting,
            stages: Stages {
                last: stage.elapsed(),
                ..self.stages
            },
            summary,
            stamp_error,
        })
    }
}

/// The hash of everything that shapes the output: docgen's executable, the
/// emit options, the request's salt, the docs folder's name and the pages.
fn input_key(scan: &Scan, request: &Request<'_>) -> String {
    let exe = stamp::executable_fingerprint();
    let options = format!("{:?}", request.options);
    let tree_name = crate::tree_name(request.docs);
    let mut salt: Vec<&[u8]> = vec![exe.as_bytes(), options.as_bytes()];
    salt.extend_from_slice(request.salt);
    salt.push(tree_name.as_bytes());
    stamp::input_key(scan, &salt)
}

fn up_to_date(out: &Path, stamp: &Stamp, key: &str) -> Option<Cached> {
    // The report comes from the stamp: only from one whose seal holds.
    if stamp.inputs != key || !stamp.sealed() {
        return None;
    }
    if output::output_hash_on_disk(out, &stamp.files, stamp.written_ns)? != stamp.outputs {
        return None;
    }
    Some(Cached {
        pages: stamp.pages,
        operations: stamp.operations,
        types: stamp.types,
        diagnostics: stamp.diagnostics()?,
    })
}

/// The formatted code of the files in `out` that are still as the stamp's run
/// wrote them (content hash as recorded), when `formatter` formatted them.
/// Anything else is left out, never an error: the file is then formatted as
/// on a first run.
fn cache_from_output(stamp: &Stamp, out: &Path, formatter: &str) -> FormatCache {
    if stamp.formatter != formatter {
        return FormatCache::default();
    }
    let found: Vec<(String, u64, String)> = stamp
        .formatted
        .par_iter()
        .filter_map(|(path, &tokens)| {
            let known = stamp.files.get(path)?;
            let bytes = output::read_generated(out, path)?;
            if fsutil::hash_bytes(&bytes) != known.hash {
                return None;
            }
            let text = String::from_utf8(bytes).ok()?;
            let code = formatted_code(&text)?.to_string();
            Some((path.clone(), tokens, code))
        })
        .collect();
    let mut cache = FormatCache::default();
    for (path, tokens, code) in found {
        cache.insert(path, tokens, code);
    }
    cache
}

/// `docgen check`: the crate built in memory and compared with `out`; nothing
/// is written and no stamp is read.
pub struct Checked {
    /// The model the crate was built from.
    pub model: ApiModel,
    /// The crate, in memory.
    pub generated: GeneratedCrate,
    /// How much formatting was reused (none: check uses no cache).
    pub formatting: Formatting,
    /// Time per stage.
    pub stages: Stages,
    /// How the crate on disk differs from it. Each stale file's `pages` are
    /// the pages [`Checked::blame`] blames for it.
    pub report: CheckReport,
    /// Which pages changed since the crate on disk was generated, and which
    /// of them made each stale file stale (see [`crate::blame`]).
    pub blame: Blame,
}

/// Builds the crate for `docs` in memory (one walk, no cache) and compares it
/// with `out`, blaming each stale file on the pages that made it stale. The
/// comparison holds a shared lock on the output folder (when it has a lock
/// file): it waits for a run that is writing there, calling `waiting` first,
/// and compares with the output that run finished.
pub fn check(
    docs: &Path,
    out: &Path,
    options: &EmitOptions,
    waiting: &dyn Fn(&Path),
) -> Result<Checked, Error> {
    let started = Instant::now();
    let analysis = crate::Analysis::of_tree(docs).map_err(Error::Source)?;
    let pages = page_hashes(&analysis.sources);
    let model = analysis.into_model();
    let read_parse_model = started.elapsed();
    let stage = Instant::now();
    let emitted =
        emit::emit_crate_with(&model, options, &FormatCache::default()).map_err(Error::Emit)?;
    let emit = stage.elapsed();
    let stage = Instant::now();
    let mut generated = emitted.generated;
    // The record on disk is what `check` blames by; its content is not
    // compared (a prose-only edit leaves `check` green), only that it is
    // there when the manifest lists it. An output folder written without one
    // (an older docgen, the library's `write_crate`) is not stale for that:
    // its files are blamed on the pages they come from.
    let lock = output::open_for_reading(out, waiting);
    let on_disk = output::read_generated(out, PAGES_FILE).and_then(|b| String::from_utf8(b).ok());
    let recorded = on_disk.as_deref().and_then(blame::parse_record);
    let expected_here = on_disk.is_some() || output::managed_files(out).contains(PAGES_FILE);
    if options.layout == Layout::Crate && expected_here {
        let expected = match (on_disk, &recorded) {
            (Some(text), Some(_)) => text,
            _ => blame::record(pages.iter().map(|(p, h)| (p.as_str(), *h))),
        };
        add_file(&mut generated, PAGES_FILE, expected);
    }
    let mut report = output::check_crate(out, &generated);
    let page_free = page_free_files(&report, &generated, options);
    let blame = blame::blame(&blame::Inputs {
        out,
        report: &report,
        generated: &generated,
        pages: &pages,
        recorded: recorded.as_ref(),
        page_free: &page_free,
    });
    drop(lock);
    for stale in &mut report.stale {
        stale.pages = blame.files.get(&stale.path).cloned().unwrap_or_default();
    }
    Ok(Checked {
        model,
        formatting: Formatting {
            files: emitted.token_hashes.len(),
            reused: emitted.reused,
        },
        generated,
        stages: Stages {
            read_parse_model,
            emit,
            last: stage.elapsed(),
        },
        report,
        blame,
    })
}

/// Every page's relative path and [`blame::page_hash`].
fn page_hashes(files: &[source::SourceFile]) -> BTreeMap<String, u64> {
    files
        .iter()
        .map(|file| (file.relative.clone(), blame::page_hash(&file.text)))
        .collect()
}

/// Adds a file that is not emitted from the model (no source pages).
fn add_file(generated: &mut GeneratedCrate, path: &str, text: String) {
    generated.files.insert(path.to_string(), text);
    generated.sources.insert(path.to_string(), Vec::new());
}

/// The stale files no page shapes: generated exactly the same for a tree
/// without pages (the runtime, `rustfmt.toml`). Only asked when a stale file
/// names no page of its own.
fn page_free_files(
    report: &CheckReport,
    generated: &GeneratedCrate,
    options: &EmitOptions,
) -> BTreeSet<String> {
    let unsourced = report.stale.iter().any(|stale| {
        generated
            .sources
            .get(&stale.path)
            .is_some_and(Vec::is_empty)
    });
    if !unsourced {
        return BTreeSet::new();
    }
    let Ok(empty) = emit::emit_crate_with(&ApiModel::default(), options, &FormatCache::default())
    else {
        return BTreeSet::new();
    };
    empty
        .generated
        .files
        .into_iter()
        .filter(|(path, text)| generated.files.get(path) == Some(text))
        .map(|(path, _)| path)
        .collect()
}
