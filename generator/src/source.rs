//! Reading a docs tree: every `.md` file under a folder, sorted, as text.

use crate::diagnostics::{codes, Diagnostic, Location};
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

/// Reads every Markdown page under `root`. Unreadable files become diagnostics;
/// symbolic links are not followed, so reading never leaves the tree.
pub fn read_tree(root: &Path) -> Result<Tree, SourceError> {
    let metadata = std::fs::metadata(root).map_err(|e| SourceError {
        path: root.to_path_buf(),
        message: e.to_string(),
    })?;
    if !metadata.is_dir() {
        return Err(SourceError {
            path: root.to_path_buf(),
            message: "not a directory".into(),
        });
    }
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
                    codes::READ_FAILED,
                    Location::new(relative, 1),
                    format!("cannot read: {err}"),
                )));
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let relative = path
            .strip_prefix(root)
            .map(relative_name)
            .unwrap_or_default();
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
                Err(err) => (
                    String::from_utf8_lossy(err.as_bytes()).into_owned(),
                    Some(Diagnostic::error(
                        codes::INVALID_UTF8,
                        Location::new(&relative, 1),
                        "file is not valid UTF-8; invalid bytes are replaced with U+FFFD",
                    )),
                ),
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
                codes::READ_FAILED,
                Location::new(relative, 1),
                format!("cannot read: {err}"),
            )),
        ),
    }
}

fn relative_name(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Drops a byte-order mark and turns CRLF into LF, so lines count the same everywhere.
fn normalize(text: String) -> String {
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}
