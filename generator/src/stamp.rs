//! The no-op fast path: a run over unchanged docs, with its output still as
//! written, writes nothing and parses nothing.
//!
//! A full run stores a stamp ([`STAMP_FILE`]) beside the manifest: a hash of
//! everything that shapes the output (the *inputs*: docgen's version, the
//! running executable, the docs folder's name and every page's path and bytes),
//! a hash of the output as written (the manifest and every file it lists), and
//! what the run reported (counts and diagnostics). The next run hashes the
//! inputs and the output on disk; when both match the stamp, the output is
//! exactly what a full run would write, and the run reports from the stamp.
//!
//! Hashing the output means reading it, which costs about as much as reading
//! the docs. So the stamp also records each generated file's size and
//! modification time, and a file whose size and time are unchanged counts as
//! its recorded hash without being read, as in git's index: only when its time
//! is older than the stamp's own, since a file changed within the same clock
//! tick as the stamp was written could keep both; such a file is read.
//! Pages are treated the same way: the stamp records each page's size, time and
//! hash, and a page whose size and time are unchanged is not read again. A page
//! modified less than [`RECENT_NS`] before the scan is recorded with no time,
//! so it is always read: it might still change within the same clock tick.
//! Any mismatch, a missing or damaged stamp, or a file edited by hand means a
//! full run (which repairs the file): the stamp can make a run slower, never
//! wrong, short of a 64-bit hash collision.
//!
//! The hashes use std's `DefaultHasher` (SipHash-1-3 with fixed keys). Its
//! algorithm may change between Rust releases; that only makes the first run
//! after such a toolchain upgrade a full one.

use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::emit::format_cache::formatted_code;
use crate::emit::{FormatCache, TokenHashes};
use crate::model::ApiModel;
use crate::source::{relative_name, SourceError};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use walkdir::WalkDir;

/// The stamp in the output folder, next to [`crate::output::MANIFEST`]. Not listed
/// in the manifest and not compared by `docgen check`: it holds machine-specific
/// data (the executable's fingerprint), so it is not meant to be committed.
pub const STAMP_FILE: &str = ".docgen-stamp";
/// Bump when the stamp's layout or the meaning of its hashes changes.
const STAMP_VERSION: u32 = 1;

/// A 64-bit hash over length-prefixed fields, so that `("ab", "c")` and
/// `("a", "bc")` differ.
#[derive(Default)]
pub struct FieldHasher(DefaultHasher);

impl FieldHasher {
    pub fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write_usize(bytes.len());
        self.0.write(bytes);
        self
    }

    /// Bytes without a length prefix, for callers that end a field themselves.
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write(bytes);
        self
    }

    pub fn u64(&mut self, value: u64) -> &mut Self {
        self.0.write_u64(value);
        self
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// The hash of one byte string.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    FieldHasher::default().field(bytes).finish()
}

/// One page found by [`scan_inputs`]: its path relative to the docs folder,
/// the hash of its bytes, its size and modification time.
#[derive(Debug, Clone)]
pub struct InputPage {
    pub relative: String,
    pub hash: u64,
    pub len: u64,
    pub modified_ns: u64,
}

/// Pages modified this recently before a scan are never trusted by size and
/// time on the next run (2 s: more than any file system's timestamp tick).
pub const RECENT_NS: u64 = 2_000_000_000;

/// The pages of a docs tree, found as [`crate::source::read_tree`] finds them
/// (recursive, `.md` regular files, symbolic links not followed), hashed.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Sorted by relative path.
    pub pages: Vec<InputPage>,
    /// Folders under the docs folder (relative, sorted), for `rerun-if-changed`.
    pub dirs: Vec<String>,
    /// Entries that could not be read; part of the key, so a fix is noticed.
    pub problems: Vec<String>,
    /// When the scan started, in ns since the Unix epoch.
    pub scanned_ns: u64,
}

impl Inputs {
    /// The inputs' hash, with `salt` (docgen's version, options that change the
    /// output) hashed first.
    pub fn key(&self, salt: &[&[u8]]) -> String {
        let mut hasher = FieldHasher::default();
        hasher.field(format!("docgen-stamp/{STAMP_VERSION}").as_bytes());
        hasher.field(env!("CARGO_PKG_VERSION").as_bytes());
        hasher.u64(salt.len() as u64);
        for part in salt {
            hasher.field(part);
        }
        hasher.u64(self.problems.len() as u64);
        for problem in &self.problems {
            hasher.field(problem.as_bytes());
        }
        for page in &self.pages {
            hasher.field(page.relative.as_bytes()).u64(page.hash);
        }
        format!("{:016x}-{}", hasher.finish(), self.pages.len())
    }

    /// The pages as the next scan may trust them: recently modified ones (see
    /// [`RECENT_NS`]) with no time, so they are read again.
    pub fn known(&self) -> KnownFiles {
        let recent = self.scanned_ns.saturating_sub(RECENT_NS);
        self.pages
            .iter()
            .map(|page| {
                let modified_ns = if page.modified_ns < recent {
                    page.modified_ns
                } else {
                    0
                };
                let known = KnownFile {
                    len: page.len,
                    modified_ns,
                    hash: page.hash,
                };
                (page.relative.clone(), known)
            })
            .collect()
    }
}

/// Finds and hashes every page under `root`; pages are read in parallel.
pub fn scan_inputs(root: &Path) -> Result<Inputs, SourceError> {
    scan_inputs_with(root, &KnownFiles::new())
}

/// [`scan_inputs`], taking the hash of a page from `known` (a previous
/// [`Inputs::known`]) without reading it when its size and time are unchanged.
pub fn scan_inputs_with(root: &Path, known: &KnownFiles) -> Result<Inputs, SourceError> {
    let scanned_ns = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| u64::try_from(d.as_nanos()).ok())
        .unwrap_or_default();
    crate::source::ensure_docs_dir(root)?;
    let mut inputs = Inputs {
        scanned_ns,
        ..Inputs::default()
    };
    let mut found: Vec<(String, PathBuf, Option<fs::Metadata>)> = Vec::new();
    for entry in WalkDir::new(root).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                inputs.problems.push(err.to_string());
                continue;
            }
        };
        let relative = entry
            .path()
            .strip_prefix(root)
            .map(relative_name)
            .unwrap_or_default();
        if entry.file_type().is_dir() {
            if entry.depth() > 0 {
                inputs.dirs.push(relative);
            }
            continue;
        }
        let is_page = entry.file_type().is_file()
            && entry.path().extension().and_then(|e| e.to_str()) == Some("md");
        if is_page {
            // Without following links: walkdir's entries are not links here.
            let metadata = entry.metadata().ok();
            found.push((relative, entry.into_path(), metadata));
        }
    }
    let hashed: Vec<Result<InputPage, String>> = found
        .into_par_iter()
        .map(|(relative, path, metadata)| {
            let (len, modified) = metadata
                .as_ref()
                .map_or((0, 0), |m| (m.len(), modified_ns(m)));
            if let Some(previous) = known.get(&relative) {
                if modified != 0 && previous.modified_ns == modified && previous.len == len {
                    return Ok(InputPage {
                        relative,
                        hash: previous.hash,
                        len,
                        modified_ns: modified,
                    });
                }
            }
            match fs::read(&path) {
                Ok(bytes) => Ok(InputPage {
                    relative,
                    hash: hash_bytes(&bytes),
                    len: bytes.len() as u64,
                    modified_ns: modified,
                }),
                Err(err) => Err(format!("{relative}: {err}")),
            }
        })
        .collect();
    for page in hashed {
        match page {
            Ok(page) => inputs.pages.push(page),
            Err(problem) => inputs.problems.push(problem),
        }
    }
    inputs.pages.sort_by(|a, b| a.relative.cmp(&b.relative));
    inputs.dirs.sort();
    Ok(inputs)
}

/// Path, size and modification time of the running executable: a docgen that
/// was rebuilt (say, with a changed emitter but the same version number) must
/// not reuse the output of the old one. Reading the whole executable would cost
/// more than the rest of a no-op run.
pub fn executable_fingerprint() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return "exe:unknown".to_string();
    };
    let Ok(metadata) = fs::metadata(&exe) else {
        return format!("exe:{}", exe.display());
    };
    let modified = metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("exe:{}:{}:{modified}", exe.display(), metadata.len())
}

/// What formatted code depends on besides its tokens: docgen's version and
/// executable (prettyplease and the emitter's post-processing are built in).
pub fn formatter_fingerprint() -> String {
    format!(
        "docgen {} {}",
        env!("CARGO_PKG_VERSION"),
        executable_fingerprint()
    )
}

/// A generated file as a full run left it: size and modification time (for
/// the quick check) and the hash of its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownFile {
    pub len: u64,
    pub modified_ns: u64,
    pub hash: u64,
}

/// Generated files by path relative to the output folder.
pub type KnownFiles = BTreeMap<String, KnownFile>;

/// Modification time in nanoseconds since the Unix epoch (0 when unknown,
/// which never matches a real time).
pub fn modified_ns(metadata: &fs::Metadata) -> u64 {
    metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| u64::try_from(d.as_nanos()).ok())
        .unwrap_or_default()
}

/// What a full run stored: the hashes and what it reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stamp {
    docgen_stamp: u32,
    /// [`Inputs::key`] of the run.
    pub inputs: String,
    /// The hash of the output as written (see [`crate::output::output_hash`]).
    pub outputs: String,
    pub pages: usize,
    pub operations: usize,
    pub types: usize,
    diagnostics: Vec<StoredDiagnostic>,
    /// The generated files' sizes, times and hashes.
    #[serde(default)]
    pub files: KnownFiles,
    /// The pages' sizes, times and hashes (see [`Inputs::known`]), and the docs
    /// folder they are in (see [`docs_root`]).
    #[serde(default)]
    pub docs: KnownFiles,
    #[serde(default)]
    pub docs_root: String,
    /// The docgen that formatted the code (see [`formatter_fingerprint`]), and
    /// for each Rust file the hash of the token tree it formatted: the next
    /// full run reuses the code of files whose tokens are unchanged.
    #[serde(default)]
    pub formatter: String,
    #[serde(default)]
    pub formatted: TokenHashes,
    /// When the stamp file was last modified (ns), set by [`read`]: files not
    /// older than this are read, not trusted by size and time.
    #[serde(skip)]
    pub written_ns: u64,
}

impl Stamp {
    pub fn new(inputs: String, outputs: String, model: &ApiModel) -> Stamp {
        Stamp {
            docgen_stamp: STAMP_VERSION,
            inputs,
            outputs,
            pages: model.pages.len(),
            operations: model.operations.len(),
            types: model.types.len(),
            diagnostics: model
                .diagnostics
                .iter()
                .map(StoredDiagnostic::from)
                .collect(),
            files: KnownFiles::new(),
            docs: KnownFiles::new(),
            docs_root: String::new(),
            formatter: String::new(),
            formatted: TokenHashes::new(),
            written_ns: 0,
        }
    }

    /// The stamp with the generated files' sizes, times and hashes.
    pub fn with_files(mut self, files: KnownFiles) -> Stamp {
        self.files = files;
        self
    }

    /// The stamp with the pages' sizes, times and hashes, from [`Inputs::known`],
    /// for the docs folder `root`.
    pub fn with_docs(mut self, root: &Path, docs: KnownFiles) -> Stamp {
        self.docs_root = docs_root(root);
        self.docs = docs;
        self
    }

    /// The stamp with the token hashes of the files `formatter` formatted.
    pub fn with_formatted(mut self, formatter: String, formatted: TokenHashes) -> Stamp {
        self.formatter = formatter;
        self.formatted = formatted;
        self
    }

    /// The formatted code of the files in `out` that are still as this stamp's
    /// run wrote them (content hash as recorded), when `formatter` formatted
    /// them: a run over changed docs takes their code instead of formatting
    /// their token trees again. Anything else is left out, never an error: the
    /// file is then formatted as on a first run.
    pub fn format_cache(&self, out: &Path, formatter: &str) -> FormatCache {
        if self.formatter != formatter {
            return FormatCache::default();
        }
        let found: Vec<(String, u64, String)> = self
            .formatted
            .par_iter()
            .filter_map(|(path, &tokens)| {
                let known = self.files.get(path)?;
                let bytes = crate::output::read_generated(out, path)?;
                if hash_bytes(&bytes) != known.hash {
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

    /// The pages the stamp knows, when they are of the docs folder `root`: the
    /// same relative path with the same size and time in another folder may
    /// hold other bytes.
    pub fn known_docs(&self, root: &Path) -> KnownFiles {
        if self.docs_root == docs_root(root) {
            self.docs.clone()
        } else {
            KnownFiles::new()
        }
    }

    /// The diagnostics of the run, or `None` when the stamp is of another layout
    /// or names a code this docgen does not know (the stamp is then not used).
    pub fn diagnostics(&self) -> Option<Vec<Diagnostic>> {
        if self.docgen_stamp != STAMP_VERSION {
            return None;
        }
        self.diagnostics
            .iter()
            .map(StoredDiagnostic::to_diagnostic)
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredDiagnostic {
    file: String,
    line: usize,
    column: usize,
    code: String,
    /// `note`, `warning` or `error`.
    severity: String,
    message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    suggestion: Option<String>,
}

impl From<&Diagnostic> for StoredDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        StoredDiagnostic {
            file: d.location.file.clone(),
            line: d.location.line,
            column: d.location.column,
            code: d.code.to_string(),
            severity: d.severity.to_string(),
            message: d.message.clone(),
            suggestion: d.suggestion.clone(),
        }
    }
}

impl StoredDiagnostic {
    fn to_diagnostic(&self) -> Option<Diagnostic> {
        let code = Code::from_name(&self.code)?;
        let severity = match self.severity.as_str() {
            "note" => Severity::Note,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        };
        Some(Diagnostic {
            location: Location::new(self.file.clone(), self.line).with_column(self.column),
            code,
            severity,
            message: self.message.clone(),
            suggestion: self.suggestion.clone(),
        })
    }
}

/// The docs folder as an absolute path without links, as far as it resolves.
pub fn docs_root(root: &Path) -> String {
    fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// The stamp at `path`, if there is a readable one. A symbolic link is not followed.
pub fn read(path: &Path) -> Option<Stamp> {
    let metadata = fs::symlink_metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    let bytes = fs::read(path).ok()?;
    let mut stamp: Stamp = serde_json::from_slice(&bytes).ok()?;
    stamp.written_ns = modified_ns(&metadata);
    Some(stamp)
}

/// Removes the stamp at `path` (before a full run writes anything), so an
/// interrupted run never leaves a stamp that vouches for half-written output.
pub fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}

/// Writes the stamp through a temporary file and a rename.
pub fn write(path: &Path, stamp: &Stamp) -> io::Result<()> {
    let mut text = serde_json::to_vec(stamp).map_err(io::Error::other)?;
    text.push(b'\n');
    crate::output::write_file_atomic(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_any_page_path_or_byte_and_with_the_salt() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("v1.0");
        fs::create_dir_all(docs.join("api")).unwrap();
        fs::write(docs.join("api/a.md"), "# A\n").unwrap();
        fs::write(docs.join("notes.txt"), "not a page").unwrap();
        let key = || scan_inputs(&docs).unwrap().key(&[b"x"]);
        let first = key();
        assert_eq!(key(), first, "same inputs, same key");
        assert_ne!(scan_inputs(&docs).unwrap().key(&[b"y"]), first);

        fs::write(docs.join("notes.txt"), "still not a page").unwrap();
        assert_eq!(key(), first, "only pages count");

        fs::write(docs.join("api/a.md"), "# B\n").unwrap();
        let changed = key();
        assert_ne!(changed, first);

        fs::rename(docs.join("api/a.md"), docs.join("api/b.md")).unwrap();
        assert_ne!(key(), changed, "a renamed page is a change");

        let inputs = scan_inputs(&docs).unwrap();
        assert_eq!(inputs.dirs, ["api"]);
        assert_eq!(inputs.pages.len(), 1);
        assert!(scan_inputs(&docs.join("missing")).is_err());
    }

    #[test]
    fn unchanged_old_pages_are_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("v1.0");
        fs::create_dir_all(&docs).unwrap();
        let page = docs.join("a.md");
        fs::write(&page, "# A\n").unwrap();
        let set_time = |secs_ago: u64| {
            let time = std::time::SystemTime::now() - std::time::Duration::from_secs(secs_ago);
            fs::File::options()
                .write(true)
                .open(&page)
                .unwrap()
                .set_modified(time)
                .unwrap();
        };
        set_time(60);
        let first = scan_inputs(&docs).unwrap();
        let known = first.known();
        assert_ne!(
            known["a.md"].modified_ns, 0,
            "an old page is recorded with its time"
        );

        // A known hash is taken for a page whose size and time are unchanged:
        // shown here with a made-up hash, which a read would not give.
        let mut made_up = known.clone();
        if let Some(file) = made_up.get_mut("a.md") {
            file.hash ^= 1;
        }
        let trusted = scan_inputs_with(&docs, &made_up).unwrap();
        assert_eq!(trusted.pages[0].hash, first.pages[0].hash ^ 1);

        // Same size, new time: read.
        fs::write(&page, "# B\n").unwrap();
        set_time(30);
        let changed = scan_inputs_with(&docs, &known).unwrap();
        assert_ne!(changed.key(&[]), first.key(&[]));
        assert_eq!(changed.pages[0].hash, hash_bytes(b"# B\n"));

        // A page modified just now is recorded with no time: always read.
        fs::write(&page, "# C\n").unwrap();
        let recent = scan_inputs(&docs).unwrap().known();
        assert_eq!(recent["a.md"].modified_ns, 0);
    }

    #[test]
    fn stamps_round_trip_with_their_diagnostics() {
        let dir = tempfile::tempdir().unwrap();
        let mut model = ApiModel::default();
        model.diagnostics.push(
            Diagnostic::error(
                Code::ReadFailed,
                Location::new("api/a.md", 3).with_column(7),
                "cannot read",
            )
            .with_suggestion("fix it"),
        );
        let path = dir.path().join(STAMP_FILE);
        write(&path, &Stamp::new("in".into(), "out".into(), &model)).unwrap();
        let stamp = read(&path).unwrap();
        assert_eq!(
            (stamp.inputs.as_str(), stamp.outputs.as_str()),
            ("in", "out")
        );
        assert_eq!(stamp.diagnostics(), Some(model.diagnostics));

        // Known pages count only for the docs folder they were recorded for.
        let docs = KnownFiles::from([(
            "a.md".to_string(),
            KnownFile {
                len: 4,
                modified_ns: 1,
                hash: 2,
            },
        )]);
        let other = dir.path().join("other");
        fs::create_dir(&other).unwrap();
        let stamp = stamp.with_docs(dir.path(), docs.clone());
        assert_eq!(stamp.known_docs(dir.path()), docs);
        assert!(stamp.known_docs(&other).is_empty());

        fs::write(&path, "{ not json").unwrap();
        assert!(read(&path).is_none());
        remove(&path).unwrap();
        remove(&path).unwrap();
        assert!(!path.exists());
    }
}
