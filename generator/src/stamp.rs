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
//! Both the generated files and the pages are trusted by size, modification
//! time *and change time* (`ctime`): the kernel sets the change time to now
//! at every write and every `touch`, so an edit whose modification time was
//! put back is still seen (where a platform has no change time, every
//! generated file and page is read).
//!
//! What a skipped run reports (counts and diagnostics) comes from the stamp,
//! so the stamp seals it: a hash over the input key, the output hash and the
//! whole report ([`Stamp::sealed`]). A stamp edited by hand (`999999 pages`,
//! an invented diagnostic) no longer matches its seal and means a full run,
//! which reports what the pages say. The seal is not a secret: it catches
//! edits, damage and stamps from elsewhere, not someone who recomputes it
//! (who could as well write the generated files; and a stamp from another
//! machine or build never matches the input key, which holds the running
//! executable's path, size and modification time).
//!
//! Any mismatch, a missing or damaged stamp, or a file edited by hand means a
//! full run (which repairs the file): the stamp can make a run slower, never
//! wrong, short of a 64-bit hash collision.
//!
//! The pages are found and hashed by `crate::source::scan`, the one walk of
//! the docs tree, and the hashes come from `crate::fsutil`. The protocol that
//! uses the stamp (when to trust it, remove it, write it) is
//! [`crate::incremental`]'s.

use crate::diagnostics::{Code, Diagnostic, Location, Severity};
use crate::fsutil::{self, FieldHasher, KnownFile, KnownFiles};
use crate::model::ApiModel;
use crate::source::Scan;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

pub use crate::output::STAMP_FILE;
/// Bump when the stamp's layout or the meaning of its hashes changes.
const STAMP_VERSION: u32 = 1;

/// Pages modified this recently before a scan are never trusted by size and
/// time on the next run (2 s: more than any file system's timestamp tick).
pub const RECENT_NS: u64 = 2_000_000_000;

/// The hash of the inputs a scan found, with `salt` (docgen's version, options
/// that change the output) hashed first: the pages' paths and hashes, and what
/// could not be read, so that a fix is noticed.
pub(crate) fn input_key(scan: &Scan, salt: &[&[u8]]) -> String {
    let mut hasher = FieldHasher::default();
    hasher.field(format!("docgen-stamp/{STAMP_VERSION}").as_bytes());
    hasher.field(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.u64(salt.len() as u64);
    for part in salt {
        hasher.field(part);
    }
    let problems: Vec<String> = scan.problems().collect();
    hasher.u64(problems.len() as u64);
    for problem in &problems {
        hasher.field(problem.as_bytes());
    }
    let mut pages = 0;
    for page in scan.pages() {
        hasher.field(page.relative.as_bytes()).u64(page.hash);
        pages += 1;
    }
    format!("{:016x}-{pages}", hasher.finish())
}

/// The pages as the next scan may trust them: recently modified ones (see
/// [`RECENT_NS`]) with no time, so they are read again.
pub(crate) fn known_pages(scan: &Scan) -> KnownFiles {
    let recent = scan.scanned_ns.saturating_sub(RECENT_NS);
    scan.pages()
        .map(|page| {
            let modified_ns = if page.modified_ns < recent {
                page.modified_ns
            } else {
                0
            };
            let known = KnownFile {
                len: page.len,
                modified_ns,
                changed_ns: page.changed_ns,
                hash: page.hash,
            };
            (page.relative.clone(), known)
        })
        .collect()
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

/// What a full run stored: the hashes and what it reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stamp {
    docgen_stamp: u32,
    /// `input_key` of the run.
    pub inputs: String,
    /// The hash of the output as written (see `crate::output::output_hash`).
    pub outputs: String,
    pub pages: usize,
    pub operations: usize,
    pub types: usize,
    diagnostics: Vec<StoredDiagnostic>,
    /// The hash that binds the report above to the input key and the output
    /// hash (see [`Stamp::sealed`]).
    #[serde(default)]
    seal: String,
    /// The generated files' sizes, times and hashes.
    #[serde(default)]
    pub files: KnownFiles,
    /// The pages' sizes, times and hashes (see `known_pages`), and the docs
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
    pub formatted: BTreeMap<String, u64>,
    /// When the stamp file was last modified (ns), set by [`read`]: files not
    /// older than this are read, not trusted by size and time.
    #[serde(skip)]
    pub written_ns: u64,
    /// The stamp file as [`read`] found it (size, modification and change
    /// times), to tell whether another run has replaced it since.
    #[serde(skip)]
    seen: Option<FileState>,
}

/// Size, modification time and change time of a file.
type FileState = (u64, u64, u64);

fn file_state(metadata: &fs::Metadata) -> FileState {
    (
        metadata.len(),
        fsutil::modified_ns(metadata),
        fsutil::changed_ns(metadata),
    )
}

impl Stamp {
    pub fn new(inputs: String, outputs: String, model: &ApiModel) -> Stamp {
        let mut stamp = Stamp {
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
            formatted: BTreeMap::new(),
            written_ns: 0,
            seen: None,
            seal: String::new(),
        };
        stamp.seal = stamp.compute_seal();
        stamp
    }

    /// The hash of the layout version, the input key, the output hash and the
    /// report (counts and every diagnostic, field by field).
    fn compute_seal(&self) -> String {
        let mut hasher = FieldHasher::default();
        hasher
            .field(b"docgen-stamp-seal")
            .u64(u64::from(self.docgen_stamp))
            .field(self.inputs.as_bytes())
            .field(self.outputs.as_bytes())
            .u64(self.pages as u64)
            .u64(self.operations as u64)
            .u64(self.types as u64)
            .u64(self.diagnostics.len() as u64);
        for d in &self.diagnostics {
            hasher
                .field(d.file.as_bytes())
                .u64(d.line as u64)
                .u64(d.column as u64)
                .field(d.code.as_bytes())
                .field(d.severity.as_bytes())
                .field(d.message.as_bytes());
            match &d.suggestion {
                Some(suggestion) => hasher.u64(1).field(suggestion.as_bytes()),
                None => hasher.u64(0),
            };
        }
        format!("{:016x}", hasher.finish())
    }

    /// Whether the report the stamp holds is the one the run that wrote it
    /// made for its inputs and output: the seal matches. A stamp that does
    /// not is not used (a full run reports instead).
    pub fn sealed(&self) -> bool {
        self.docgen_stamp == STAMP_VERSION && self.seal == self.compute_seal()
    }

    /// The stamp with the generated files' sizes, times and hashes.
    pub fn with_files(mut self, files: KnownFiles) -> Stamp {
        self.files = files;
        self
    }

    /// The stamp with the pages' sizes, times and hashes, from [`known_pages`],
    /// for the docs folder `root`.
    pub fn with_docs(mut self, root: &Path, docs: KnownFiles) -> Stamp {
        self.docs_root = docs_root(root);
        self.docs = docs;
        self
    }

    /// The stamp with the token hashes of the files `formatter` formatted.
    pub fn with_formatted(mut self, formatter: String, formatted: BTreeMap<String, u64>) -> Stamp {
        self.formatter = formatter;
        self.formatted = formatted;
        self
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
    stamp.written_ns = fsutil::modified_ns(&metadata);
    stamp.seen = Some(file_state(&metadata));
    Some(stamp)
}

/// `previous` (what [`read`] found at `path` earlier) when the file is still
/// the one it read, else the stamp read again: a run that waited for the
/// output folder's lock sees the stamp the run before it wrote.
pub fn reread_if_replaced(path: &Path, previous: Option<Stamp>) -> Option<Stamp> {
    let now = fs::symlink_metadata(path)
        .ok()
        .map(|meta| file_state(&meta));
    match previous {
        Some(stamp) if now.is_some() && stamp.seen == now => Some(stamp),
        None if now.is_none() => None,
        _ => read(path),
    }
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
    Ok(fsutil::write_atomic(path, &to_bytes(stamp)?)?)
}

/// The stamp file's content.
pub fn to_bytes(stamp: &Stamp) -> io::Result<Vec<u8>> {
    let mut text = serde_json::to_vec(stamp).map_err(io::Error::other)?;
    text.push(b'\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source;

    fn scan_inputs(docs: &Path) -> Result<Scan, source::SourceError> {
        source::scan(docs, &KnownFiles::new())
    }

    #[test]
    fn keys_change_with_any_page_path_or_byte_and_with_the_salt() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("v1.0");
        fs::create_dir_all(docs.join("api")).unwrap();
        fs::write(docs.join("api/a.md"), "# A\n").unwrap();
        fs::write(docs.join("notes.txt"), "not a page").unwrap();
        let key = || input_key(&scan_inputs(&docs).unwrap(), &[b"x"]);
        let first = key();
        assert_eq!(key(), first, "same inputs, same key");
        assert_ne!(input_key(&scan_inputs(&docs).unwrap(), &[b"y"]), first);

        fs::write(docs.join("notes.txt"), "still not a page").unwrap();
        assert_eq!(key(), first, "only pages count");

        fs::write(docs.join("api/a.md"), "# B\n").unwrap();
        let changed = key();
        assert_ne!(changed, first);

        fs::rename(docs.join("api/a.md"), docs.join("api/b.md")).unwrap();
        assert_ne!(key(), changed, "a renamed page is a change");

        let inputs = scan_inputs(&docs).unwrap();
        assert_eq!(inputs.pages().count(), 1);
        assert!(scan_inputs(&docs.join("missing")).is_err());
    }

    /// The walk's problems are part of the key: a link added to the tree is a
    /// warning the next run must report, not a run the stamp vouches for.
    /// (Before the one walk, the scan for the key skipped links silently.)
    #[cfg(unix)]
    #[test]
    fn a_link_added_to_the_tree_changes_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("v1.0");
        fs::create_dir_all(&docs).unwrap();
        fs::write(docs.join("a.md"), "# A\n").unwrap();
        fs::write(dir.path().join("outside.md"), "# outside\n").unwrap();
        let before = input_key(&scan_inputs(&docs).unwrap(), &[]);
        std::os::unix::fs::symlink(dir.path().join("outside.md"), docs.join("b.md")).unwrap();
        let scan = scan_inputs(&docs).unwrap();
        assert_eq!(scan.pages().count(), 1, "the link is not a page");
        assert_ne!(input_key(&scan, &[]), before);
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
        let known = known_pages(&first);
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
        let trusted = source::scan(&docs, &made_up).unwrap();
        let hash = |scan: &Scan| scan.pages().next().map(|p| p.hash);
        assert_eq!(hash(&trusted), hash(&first).map(|h| h ^ 1));

        // Same size, new time: read.
        fs::write(&page, "# B\n").unwrap();
        set_time(30);
        let changed = source::scan(&docs, &known).unwrap();
        assert_ne!(input_key(&changed, &[]), input_key(&first, &[]));
        assert_eq!(hash(&changed), Some(fsutil::hash_bytes(b"# B\n")));

        // A page modified just now is recorded with no time: always read.
        fs::write(&page, "# C\n").unwrap();
        let recent = known_pages(&scan_inputs(&docs).unwrap());
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
                changed_ns: 1,
                hash: 2,
            },
        )]);
        let other = dir.path().join("other");
        fs::create_dir(&other).unwrap();
        let stamp = stamp.with_docs(dir.path(), docs.clone());
        assert_eq!(stamp.known_docs(dir.path()), docs);
        assert!(stamp.known_docs(&other).is_empty());

        // The report is sealed to the key and the output: an edit of any part
        // of it, or a stamp without a seal, does not validate.
        let stamp = read(&path).unwrap();
        assert!(stamp.sealed());
        let mut forged = stamp.clone();
        forged.pages = 999_999;
        assert!(!forged.sealed());
        let mut forged = stamp.clone();
        forged.diagnostics[0].message.push_str(" (invented)");
        assert!(!forged.sealed());
        let mut forged = stamp.clone();
        forged.inputs = "other".into();
        assert!(!forged.sealed());
        let mut unsealed = stamp.clone();
        unsealed.seal.clear();
        assert!(!unsealed.sealed());

        fs::write(&path, "{ not json").unwrap();
        assert!(read(&path).is_none());
        remove(&path).unwrap();
        remove(&path).unwrap();
        assert!(!path.exists());
    }
}
