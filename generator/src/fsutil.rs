//! The bottom layer: hashing bytes and writing a file atomically. Every module
//! that hashes or writes docgen's own files (`source`, `stamp`, `output`,
//! `incremental`, the emitter's format cache) uses these and nothing above
//! them, so none of those modules needs another for a primitive.
//!
//! The hashes use std's `DefaultHasher` (SipHash-1-3 with fixed keys). Its
//! algorithm may change between Rust releases; that only makes the first run
//! after such a toolchain upgrade a full one (see `crate::stamp`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::hash::{DefaultHasher, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

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

/// A file as a run saw it: size, modification time and change time (for the
/// quick check, as in git's index) and the hash of its content. The change
/// time is what catches an edit whose modification time was put back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownFile {
    pub len: u64,
    pub modified_ns: u64,
    /// [`changed_ns`]; 0 (never trusted) in stamps from before it was recorded.
    #[serde(default)]
    pub changed_ns: u64,
    pub hash: u64,
}

impl KnownFile {
    /// Whether a file with `metadata` is, by size and times, the one recorded
    /// (and so may count as its recorded hash without being read). An unknown
    /// time (0) never matches.
    pub fn unchanged(&self, metadata: &fs::Metadata) -> bool {
        let modified = modified_ns(metadata);
        let changed = changed_ns(metadata);
        modified != 0
            && changed != 0
            && metadata.len() == self.len
            && modified == self.modified_ns
            && changed == self.changed_ns
    }
}

/// Files by path relative to their folder (`/`-separated).
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

/// Status change time (`ctime`) in nanoseconds since the Unix epoch: set by
/// the kernel to now whenever a file's content or metadata changes, its
/// modification time included, so unlike that time it cannot be put back.
/// 0 where the platform has none (which never matches: the file is read).
pub fn changed_ns(metadata: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let secs = u64::try_from(metadata.ctime()).unwrap_or_default();
        let nanos = u64::try_from(metadata.ctime_nsec()).unwrap_or_default();
        secs.saturating_mul(1_000_000_000).saturating_add(nanos)
    }
    #[cfg(not(unix))]
    {
        let _ = metadata;
        0
    }
}

/// Now, in nanoseconds since the Unix epoch (0 when the clock is before it).
pub fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| u64::try_from(d.as_nanos()).ok())
        .unwrap_or_default()
}

/// A failed atomic write, naming the file it failed on (the temporary file
/// or the target).
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl From<WriteError> for io::Error {
    fn from(err: WriteError) -> Self {
        err.source
    }
}

/// How temporary files end: `.{name}.{pid}-{attempt}.docgen-tmp`, next to `name`.
pub const TEMP_SUFFIX: &str = ".docgen-tmp";

/// Writes `content` to a new temporary file next to `target`, then renames it
/// over `target`, so a reader (or a crash) sees the old file or the new one,
/// never half of each. The data is not fsynced: everything docgen writes can be
/// regenerated, and syncing every file would make large runs slow.
pub fn write_atomic(target: &Path, content: &[u8]) -> Result<(), WriteError> {
    let (file, temp) = create_temp(target)?;
    let result = write_and_close(file, content).and_then(|()| fs::rename(&temp, target));
    result.map_err(|source| {
        // Best effort: the temporary file is ours, and the error below is what matters.
        let _ = fs::remove_file(&temp);
        WriteError {
            path: target.to_path_buf(),
            source,
        }
    })
}

pub fn write_and_close(mut file: fs::File, content: &[u8]) -> io::Result<()> {
    file.write_all(content)?;
    file.flush()
}

/// Creates a temporary file that did not exist before (`create_new`), so a
/// leftover from a crashed run, or anything else, is never overwritten.
pub fn create_temp(target: &Path) -> Result<(fs::File, PathBuf), WriteError> {
    let name = target
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pid = std::process::id();
    let mut last_error = None;
    for attempt in 0..100 {
        let temp = target.with_file_name(format!(".{name}.{pid}-{attempt}{TEMP_SUFFIX}"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(file) => return Ok((file, temp)),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => last_error = Some(err),
            Err(source) => return Err(WriteError { path: temp, source }),
        }
    }
    let source = last_error.unwrap_or_else(|| io::Error::other("no temporary file name was free"));
    Err(WriteError {
        path: target.to_path_buf(),
        source,
    })
}
