//! Reading a docs tree: every `.md` file under a folder, sorted, as text.

use crate::diagnostics::{Code, Diagnostic, Location};
use rayon::prelude::*;
use std::fmt;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One page's text, with its path relative to the tree root (always `/`-separated).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub relative: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Tree {
    /// Sorted by relative path, so output never depends on directory order.
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The docs folder itself cannot be read: a usage error (exit 2).
#[derive(Debug)]
pub struct SourceError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot read docs folder `{}`: {}",
            self.path.display(),
            self.message
        )
    }
}

impl std::error::Error for SourceError {}

/// `Ok` when `root` is a directory (links followed: the docs folder itself may
/// be one); the error names it otherwise.
pub fn ensure_docs_dir(root: &Path) -> Result<(), SourceError> {
    let metadata = std::fs::metadata(root).map_err(|e| SourceError {
        path: root.to_path_buf(),
        message: e.to_string(),
    })?;
    if metadata.is_dir() {
        Ok(())
    } else {
        Err(SourceError {
            path: root.to_path_buf(),
            message: "not a directory".into(),
        })
    }
}

/// Reads every Markdown page under `root`. Unreadable files become diagnostics;
/// symbolic links are not followed, so reading never leaves the tree.
pub fn read_tree(root: &Path) -> Result<Tree, SourceError> {
    ensure_docs_dir(root)?;
    // Walk first (cheap, and in a fixed order), then read and decode the pages
    // in parallel; results are merged in walk order.
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
        if !is_page || entry.file_type().is_dir() {
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
        found.push(Found::Page(relative, entry.into_path()));
    }
    let read: Vec<(Option<SourceFile>, Option<Diagnostic>)> =
        found.into_par_iter().map(read_page).collect();
    let mut tree = Tree::default();
    for (file, diagnostic) in read {
        tree.files.extend(file);
        tree.diagnostics.extend(diagnostic);
    }
    tree.files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok(tree)
}

/// What the walk found: a page to read, or an entry it could not read.
enum Found {
    Page(String, PathBuf),
    Problem(Diagnostic),
}

/// Reads one page: its text (lossily decoded when it is not UTF-8) and the
/// diagnostic that explains a problem, if any.
fn read_page(found: Found) -> (Option<SourceFile>, Option<Diagnostic>) {
    let (relative, path) = match found {
        Found::Page(relative, path) => (relative, path),
        Found::Problem(diagnostic) => return (None, Some(diagnostic)),
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
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
        Err(err) => (
            None,
            Some(Diagnostic::error(
                Code::ReadFailed,
                Location::new(relative, 1),
                format!("cannot read: {err}"),
            )),
        ),
    }
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
