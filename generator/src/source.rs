//! Reading a docs tree: every `.md` file under a folder, sorted, as text;
//! one walk that also hashes what it reads for the no-op fast path.

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::fsutil::{self, KnownFiles};
use rayon::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One page's text, with its path relative to the tree root (always `/`-separated).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the docs folder, `/`-separated.
    pub relative: String,
    /// The page's text.
    pub text: String,
}

/// A docs tree as read: its pages and what could not be read.
#[derive(Debug, Default)]
pub struct Tree {
    /// Sorted by relative path, so output never depends on directory order.
    pub files: Vec<SourceFile>,
    /// What could not be read (links, FIFOs, invalid UTF-8), as diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

/// The docs folder itself cannot be read, or holds no page: a usage error
/// (exit 2) for every command and the build-script API alike.
#[derive(Debug)]
pub struct SourceError {
    /// The folder given.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
    /// Which kind of problem it is.
    pub kind: SourceErrorKind,
}

/// What is wrong with a docs folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceErrorKind {
    /// It does not exist, is not a folder, or cannot be listed.
    Unreadable,
    /// It holds no Markdown page docgen can read (`*.md`, searched
    /// recursively): an empty folder or a mistyped path, never a valid tree.
    NoPages,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SourceErrorKind::Unreadable => write!(
                f,
                "cannot read docs folder `{}`: {}",
                self.path.display(),
                self.message
            ),
            SourceErrorKind::NoPages => write!(
                f,
                "docs folder `{}` holds no Markdown pages ({}); check the path given as the docs folder",
                self.path.display(),
                self.message
            ),
        }
    }
}

impl std::error::Error for SourceError {}

/// `Ok` when `root` is a directory (links followed: the docs folder itself may
/// be one); the error names it otherwise.
pub(crate) fn ensure_docs_dir(root: &Path) -> Result<(), SourceError> {
    let metadata = std::fs::metadata(root).map_err(|e| SourceError {
        path: root.to_path_buf(),
        message: e.to_string(),
        kind: SourceErrorKind::Unreadable,
    })?;
    if metadata.is_dir() {
        Ok(())
    } else {
        Err(SourceError {
            path: root.to_path_buf(),
            message: "not a directory".into(),
            kind: SourceErrorKind::Unreadable,
        })
    }
}

/// Reads every Markdown page under `root`. Unreadable files become diagnostics;
/// symbolic links are not followed, so reading never leaves the tree.
pub fn read_tree(root: &Path) -> Result<Tree, SourceError> {
    Ok(walk(root, None)?.into_tree())
}

/// Finds every page under `root` and hashes it: the one walk of a docs tree
/// a run makes. A page whose size and modification time are those `known`
/// records (see `crate::stamp`) is not read: it counts as its known hash.
/// Every other page is read once, and [`Scan::into_tree`] hands those bytes
/// to the parser, so what is hashed is what is parsed.
pub(crate) fn scan(root: &Path, known: &KnownFiles) -> Result<Scan, SourceError> {
    walk(root, Some(known))
}

/// One walk of a docs tree (see [`scan`]).
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// What the walk found, in walk order (sorted by file name).
    entries: Vec<Entry>,
    /// When the walk started, in ns since the Unix epoch.
    pub scanned_ns: u64,
}

/// One page the walk found.
#[derive(Debug)]
pub(crate) struct ScannedPage {
    /// Relative to the docs folder, `/`-separated.
    pub relative: String,
    path: PathBuf,
    /// Size in bytes.
    pub len: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub modified_ns: u64,
    /// Change time (`fsutil::changed_ns`).
    pub changed_ns: u64,
    /// The hash of its bytes (0 when the walk was not asked to hash).
    pub hash: u64,
    /// Its bytes, when the walk read them.
    bytes: Option<Vec<u8>>,
}

/// What the walk found: a page, or an entry it could not read.
#[derive(Debug)]
enum Entry {
    Page(ScannedPage),
    Problem(Diagnostic),
}

impl Scan {
    /// The pages, sorted by relative path.
    pub fn pages(&self) -> impl Iterator<Item = &ScannedPage> {
        self.entries.iter().filter_map(|entry| match entry {
            Entry::Page(page) => Some(page),
            Entry::Problem(_) => None,
        })
    }

    /// What could not be read, one line each (`file: message`), in walk order.
    pub fn problems(&self) -> impl Iterator<Item = String> + '_ {
        self.entries.iter().filter_map(|entry| match entry {
            Entry::Problem(d) => Some(format!("{}: {}", d.location.file, d.message)),
            Entry::Page(_) => None,
        })
    }

    /// The pages as text, reading those the walk did not read; problems as
    /// diagnostics, in walk order.
    pub(crate) fn into_tree(self) -> Tree {
        let read: Vec<(Option<SourceFile>, Option<Diagnostic>)> =
            self.entries.into_par_iter().map(decode_entry).collect();
        let mut tree = Tree::default();
        for (file, diagnostic) in read {
            tree.files.extend(file);
            tree.diagnostics.extend(diagnostic);
        }
        tree.files.sort_by(|a, b| a.relative.cmp(&b.relative));
        tree
    }
}

/// Walks `root`; with `known`, reads and hashes the pages it cannot trust.
fn walk(root: &Path, known: Option<&KnownFiles>) -> Result<Scan, SourceError> {
    let scanned_ns = fsutil::now_ns();
    ensure_docs_dir(root)?;
    // Walk first (cheap, and in a fixed order), then read the pages in
    // parallel; results are merged in walk order.
    let mut found = Vec::new();
    for entry in WalkDir::new(root).follow_links(false).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let relative = err
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(relative_name)
                    .unwrap_or_default();
                found.push(Found::Problem(Diagnostic::error(
                    Code::ReadFailed,
                    Location::new(relative, 1),
                    format!("cannot read: {err}"),
                )));
                continue;
            }
        };
        let path = entry.path();
        let is_page = path.extension().and_then(|e| e.to_str()) == Some("md");
        if entry.path_is_symlink() && entry.depth() > 0 {
            // A link could lead out of the tree (or loop); say so rather than
            // silently skipping what looks like a page or a folder of pages.
            if is_page || std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
                let relative = path
                    .strip_prefix(root)
                    .map(relative_name)
                    .unwrap_or_default();
                found.push(Found::Problem(Diagnostic::warning(
                    Code::ReadFailed,
                    Location::new(relative, 1),
                    "symbolic link not followed: docgen reads only files inside the docs folder",
                )));
            }
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        if !is_page {
            continue;
        }
        let relative = path
            .strip_prefix(root)
            .map(relative_name)
            .unwrap_or_default();
        // Only regular files: reading a FIFO or a device named `.md` could block
        // or never end.
        if !entry.file_type().is_file() {
            found.push(Found::Problem(Diagnostic::warning(
                Code::ReadFailed,
                Location::new(relative, 1),
                "not a regular file; not read",
            )));
            continue;
        }
        // Without following links: walkdir's entries are not links here.
        let metadata = entry.metadata().ok();
        found.push(Found::Page(relative, entry.into_path(), metadata));
    }
    ensure_some_page(root, &found)?;
    let entries: Vec<Entry> = found
        .into_par_iter()
        .map(|found| hash_page(found, known))
        .collect();
    Ok(Scan {
        entries,
        scanned_ns,
    })
}

/// An empty or page-less docs folder is an error, the same for every command
/// and the build-script API: a mistyped `--docs` must not pass a CI gate with
/// nothing checked. The error says what the walk saw instead of pages.
fn ensure_some_page(root: &Path, found: &[Found]) -> Result<(), SourceError> {
    if found.iter().any(|f| matches!(f, Found::Page(..))) {
        return Ok(());
    }
    let problems: Vec<&Diagnostic> = found
        .iter()
        .filter_map(|f| match f {
            Found::Problem(d) => Some(d),
            Found::Page(..) => None,
        })
        .collect();
    let message = match problems.as_slice() {
        [] => "no `.md` file under it, searched recursively".to_string(),
        [first, ..] => format!(
            "{} entr{} could not be read, first `{}`: {}",
            problems.len(),
            if problems.len() == 1 { "y" } else { "ies" },
            first.location.file.escape_debug(),
            first.message
        ),
    };
    Err(SourceError {
        path: root.to_path_buf(),
        message,
        kind: SourceErrorKind::NoPages,
    })
}

/// What the walk found, before the page is read.
enum Found {
    Page(String, PathBuf, Option<std::fs::Metadata>),
    Problem(Diagnostic),
}

/// A found page, with its hash: the known one when its size and time are
/// unchanged, else that of its bytes, which are kept for the parser. Without
/// `known` nothing is hashed and the page is read later.
fn hash_page(found: Found, known: Option<&KnownFiles>) -> Entry {
    let (relative, path, metadata) = match found {
        Found::Page(relative, path, metadata) => (relative, path, metadata),
        Found::Problem(diagnostic) => return Entry::Problem(diagnostic),
    };
    let (len, modified, changed) = metadata.as_ref().map_or((0, 0, 0), |m| {
        (m.len(), fsutil::modified_ns(m), fsutil::changed_ns(m))
    });
    let mut page = ScannedPage {
        relative,
        path,
        len,
        modified_ns: modified,
        changed_ns: changed,
        hash: 0,
        bytes: None,
    };
    let Some(known) = known else {
        return Entry::Page(page);
    };
    if let Some(previous) = known.get(&page.relative) {
        // Size and both times: a same-size edit whose modification time was
        // put back still has a new change time, and is read.
        let trusted = metadata.as_ref().is_some_and(|m| previous.unchanged(m));
        if trusted {
            page.hash = previous.hash;
            return Entry::Page(page);
        }
    }
    match std::fs::read(&page.path) {
        Ok(bytes) => {
            page.hash = fsutil::hash_bytes(&bytes);
            page.len = bytes.len() as u64;
            page.bytes = Some(bytes);
            Entry::Page(page)
        }
        Err(err) => Entry::Problem(Diagnostic::error(
            Code::ReadFailed,
            Location::new(page.relative, 1),
            format!("cannot read: {err}"),
        )),
    }
}

/// One entry as the parser takes it: a page's text (lossily decoded when it is
/// not UTF-8, read now when the walk did not) and the diagnostic that explains
/// a problem, if any.
fn decode_entry(entry: Entry) -> (Option<SourceFile>, Option<Diagnostic>) {
    let page = match entry {
        Entry::Page(page) => page,
        Entry::Problem(diagnostic) => return (None, Some(diagnostic)),
    };
    let relative = page.relative;
    let bytes = match page.bytes {
        Some(bytes) => bytes,
        None => match std::fs::read(&page.path) {
            Ok(bytes) => bytes,
            Err(err) => {
                return (
                    None,
                    Some(Diagnostic::error(
                        Code::ReadFailed,
                        Location::new(relative, 1),
                        format!("cannot read: {err}"),
                    )),
                )
            }
        },
    };
    let (text, diagnostic) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(err) => {
            // Located at the first invalid byte, as an editor counts lines.
            let valid = err.as_bytes().get(..err.utf8_error().valid_up_to());
            let line = valid.map_or(1, |before| {
                let text = String::from_utf8_lossy(before);
                crate::parse::line_index::LineIndex::new(&text).line(text.len())
            });
            (
                String::from_utf8_lossy(err.as_bytes()).into_owned(),
                Some(Diagnostic::error(
                    Code::InvalidUtf8,
                    Location::new(&relative, line),
                    "file is not valid UTF-8; invalid bytes are replaced with U+FFFD",
                )),
            )
        }
    };
    let file = SourceFile {
        relative,
        text: normalize(text),
    };
    (Some(file), diagnostic)
}

/// A path as docgen names files: its components joined with `/`.
pub(crate) fn relative_name(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Drops a byte-order mark and turns CRLF and lone CR (old Mac line ends) into LF,
/// so lines count the same everywhere: Markdown and editors take a lone CR as a
/// line end too.
fn normalize(text: String) -> String {
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_reported_not_followed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("docs");
        std::fs::create_dir_all(docs.join("api")).unwrap();
        std::fs::write(dir.path().join("outside.md"), "# outside").unwrap();
        std::fs::write(docs.join("api/inside.md"), "# inside").unwrap();
        symlink(dir.path().join("outside.md"), docs.join("api/link.md")).unwrap();
        symlink(dir.path(), docs.join("folder")).unwrap();
        symlink(dir.path().join("outside.md"), docs.join("not-a-page.txt")).unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(docs.join("api/fifo.md"))
            .status()
            .is_ok_and(|s| s.success());
        let tree = read_tree(&docs).unwrap();
        let files: Vec<&str> = tree.files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(files, ["api/inside.md"]);
        let reported: Vec<(&str, Code)> = tree
            .diagnostics
            .iter()
            .map(|d| (d.location.file.as_str(), d.code))
            .collect();
        let mut expected = vec![("api/link.md", Code::ReadFailed)];
        if fifo {
            expected.insert(0, ("api/fifo.md", Code::ReadFailed));
        }
        expected.push(("folder", Code::ReadFailed));
        assert_eq!(reported, expected);
    }

    #[test]
    fn normalize_drops_the_bom_and_unifies_line_ends() {
        assert_eq!(normalize("\u{feff}a\r\nb\rc\nd".into()), "a\nb\nc\nd");
        assert_eq!(normalize("plain\n".into()), "plain\n");
    }
}
