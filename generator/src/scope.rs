//! The pages a change touched, so that a command can report on them alone:
//! `--changed-files FILE|-` (a list of paths) and `--changed-since GIT_REF`
//! (`git diff --name-only`). `docgen lint` uses it; any command that reports
//! per page can (`check` later).
//!
//! A [`Scope`] holds paths relative to the docs folder, with `/`. A finding is
//! in it when it is on a changed page, or when its message names a changed page
//! ([`Scope::concerns`]): `duplicate-operation` on an unchanged page that says
//! "also documented at api/changed.md:12:1", or `link-broken` on a page that
//! links to a page the change deleted. That is how far a change reaches into
//! other pages' findings without rebuilding the model twice.

use crate::diagnostics::visible;
use std::collections::BTreeSet;
use std::fmt;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// The changed pages, relative to the docs folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pages: BTreeSet<String>,
    /// How many paths were given (lines of the list, or names git printed).
    listed: usize,
}

/// A scope that cannot be built: a usage error (exit 2).
#[derive(Debug)]
pub enum ScopeError {
    /// The list file (or stdin) cannot be read.
    List {
        /// The list file, or stdin.
        source: String,
        /// Why it cannot be read.
        error: io::Error,
    },
    /// `git` cannot be run.
    GitMissing(io::Error),
    /// A ref that git would read as an option.
    BadRef(String),
    /// `git diff` failed: not a repository, an unknown ref.
    Git {
        /// The ref given to `--changed-since`.
        git_ref: String,
        /// The docs folder git ran in.
        docs: PathBuf,
        /// What git printed.
        stderr: String,
    },
}

impl fmt::Display for ScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScopeError::List { source, error } => {
                write!(
                    f,
                    "cannot read --changed-files {}: {error}",
                    visible(source)
                )
            }
            ScopeError::GitMissing(error) => {
                write!(f, "--changed-since needs git, which cannot be run: {error}")
            }
            ScopeError::BadRef(git_ref) => write!(
                f,
                "--changed-since `{}`: a git ref cannot start with `-`",
                visible(git_ref)
            ),
            ScopeError::Git {
                git_ref,
                docs,
                stderr,
            } => write!(
                f,
                "--changed-since `{}`: `git diff --name-only` failed in {}: {}",
                visible(git_ref),
                visible(&docs.to_string_lossy()),
                visible(stderr.trim())
            ),
        }
    }
}

impl std::error::Error for ScopeError {}

impl Scope {
    /// A scope from a list of paths, one per line. Each path may be relative to
    /// `cwd` (the repository root, as `git diff --name-only` prints them from
    /// there) or to the docs folder; both readings are kept. Blank lines are
    /// ignored; a trailing `\r` is dropped.
    pub(crate) fn from_list(text: &str, docs: &Path, cwd: &Path) -> Scope {
        let roots = DocsRoots::new(docs, cwd);
        let mut scope = Scope::default();
        for line in text.lines() {
            let line = line.strip_suffix('\r').unwrap_or(line).trim();
            if line.is_empty() {
                continue;
            }
            scope.listed += 1;
            for page in roots.readings(Path::new(line)) {
                scope.pages.insert(page);
            }
        }
        scope
    }

    /// `--changed-files FILE`, or `-` for stdin.
    pub fn read_list(source: &Path, docs: &Path, cwd: &Path) -> Result<Scope, ScopeError> {
        let mut text = String::new();
        let read = if source == Path::new("-") {
            io::stdin().lock().read_to_string(&mut text).map(|_| ())
        } else {
            std::fs::read(source).map(|bytes| text = String::from_utf8_lossy(&bytes).into_owned())
        };
        read.map_err(|error| ScopeError::List {
            source: source.to_string_lossy().into_owned(),
            error,
        })?;
        Ok(Scope::from_list(&text, docs, cwd))
    }

    /// `--changed-since GIT_REF`: the files `git diff --name-only GIT_REF` lists
    /// in the docs folder's repository (the working tree against the ref, so
    /// uncommitted edits count; untracked files do not). `A...B` gives what a
    /// branch changed since it left `A`.
    pub fn changed_since(docs: &Path, git_ref: &str) -> Result<Scope, ScopeError> {
        if git_ref.starts_with('-') || git_ref.is_empty() {
            return Err(ScopeError::BadRef(git_ref.to_string()));
        }
        // `--relative`: names relative to the docs folder, changes outside it left
        // out; `-z` and `core.quotePath=false`: names exactly as stored.
        let output = Command::new("git")
            .arg("-C")
            .arg(docs)
            .args([
                "-c",
                "core.quotePath=false",
                "diff",
                "--name-only",
                "--relative",
                "--no-renames",
                "-z",
                git_ref,
                "--",
            ])
            .output()
            .map_err(ScopeError::GitMissing)?;
        if !output.status.success() {
            return Err(ScopeError::Git {
                git_ref: git_ref.to_string(),
                docs: docs.to_path_buf(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            });
        }
        let mut scope = Scope::default();
        for name in output.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            scope.listed += 1;
            if let Some(page) = normalize_relative(Path::new(&*String::from_utf8_lossy(name))) {
                scope.pages.insert(page);
            }
        }
        Ok(scope)
    }

    /// How many paths the list or git gave.
    pub fn listed(&self) -> usize {
        self.listed
    }

    /// Whether `file` (relative to the docs folder) is a changed page.
    pub fn contains(&self, file: &str) -> bool {
        self.pages.contains(file)
    }

    /// Whether a finding on `file` with `message` belongs to the change: it is
    /// on a changed page, or its message names one (a path relative to the docs
    /// folder, as messages quote locations, or a link relative to `file`).
    pub fn concerns(&self, file: &str, message: &str) -> bool {
        self.contains(file) || self.is_named_in(file, message)
    }

    /// Whether `message`, of a finding on `file`, names a changed page.
    pub(crate) fn is_named_in(&self, file: &str, message: &str) -> bool {
        let dir = Path::new(file).parent().unwrap_or(Path::new(""));
        message
            .split(|c: char| c.is_whitespace() || matches!(c, '`' | '\'' | '"' | '(' | ')'))
            .filter_map(page_name)
            .any(|path| {
                let path = Path::new(path);
                normalize_relative(path).is_some_and(|p| self.contains(&p))
                    || normalize_relative(&dir.join(path)).is_some_and(|p| self.contains(&p))
            })
    }
}

/// The page a token of a message names: up to `.md`, when that ends a name
/// (`api/x.md:12:1`, `x.md#anchor`, but not `x.mdx`).
fn page_name(token: &str) -> Option<&str> {
    token.match_indices(".md").find_map(|(at, _)| {
        let end = at + 3;
        let next = token[end..].chars().next();
        (!next.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')).then(|| &token[..end])
    })
}

/// The docs folder as absolute paths, to read listed paths against.
struct DocsRoots {
    /// Folders a listed path may be relative to: the current directory, and
    /// the root of the git repository holding the docs folder (the nearest
    /// folder above it with a `.git`), where `git diff --name-only` names start.
    bases: Vec<PathBuf>,
    /// `cwd.join(docs)`, with `.` and `..` resolved lexically.
    lexical: PathBuf,
    /// The same with symbolic links resolved, when the folder exists.
    canonical: Option<PathBuf>,
}

impl DocsRoots {
    fn new(docs: &Path, cwd: &Path) -> DocsRoots {
        let canonical = cwd.join(docs).canonicalize().ok();
        let mut bases = vec![cwd.to_path_buf()];
        if let Some(root) = canonical
            .as_deref()
            .and_then(|docs| docs.ancestors().find(|dir| dir.join(".git").exists()))
        {
            bases.push(root.to_path_buf());
        }
        DocsRoots {
            bases,
            lexical: normalize_lexically(&cwd.join(docs)),
            canonical,
        }
    }

    /// The docs-relative pages a listed path can mean: relative to the current
    /// directory or the repository root (or absolute) and inside the docs
    /// folder; relative to the docs folder.
    fn readings(&self, listed: &Path) -> Vec<String> {
        let mut pages = Vec::new();
        let mut roots = vec![self.lexical.as_path()];
        roots.extend(self.canonical.as_deref());
        for base in &self.bases {
            let absolute = normalize_lexically(&base.join(listed));
            // The listed file's folder with its links resolved (the file itself
            // may have been deleted by the change).
            let resolved = absolute
                .parent()
                .and_then(|dir| dir.canonicalize().ok())
                .zip(absolute.file_name())
                .map(|(dir, name)| dir.join(name));
            for candidate in std::iter::once(&absolute).chain(resolved.as_ref()) {
                for root in &roots {
                    if let Ok(inside) = candidate.strip_prefix(root) {
                        pages.extend(normalize_relative(inside));
                    }
                }
            }
        }
        if !listed.is_absolute() {
            pages.extend(normalize_relative(listed));
        }
        pages.sort();
        pages.dedup();
        pages
    }
}

/// `path` with `.` and `..` resolved without touching the file system.
pub(crate) fn normalize_lexically(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(component);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A relative path as a docs-relative page name (`api/x.md`): `/`-separated,
/// `.` and `..` resolved; `None` when it is absolute, empty or leaves the folder.
fn normalize_relative(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(part) => {
                // Lists written on Windows use `\`.
                for piece in part.to_string_lossy().split('\\') {
                    match piece {
                        "" | "." => {}
                        ".." => {
                            parts.pop()?;
                        }
                        piece => parts.push(piece.to_string()),
                    }
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names() {
        assert_eq!(
            normalize_relative(Path::new("./api/../api/x.md")).as_deref(),
            Some("api/x.md")
        );
        assert_eq!(
            normalize_relative(Path::new("api\\x.md")).as_deref(),
            Some("api/x.md")
        );
        assert_eq!(normalize_relative(Path::new("../x.md")), None);
        assert_eq!(normalize_relative(Path::new("/x.md")), None);
        assert_eq!(normalize_relative(Path::new("")), None);
    }

    #[test]
    fn lists_relative_to_the_repository_or_the_docs_folder() {
        let cwd = Path::new("/repo");
        let scope = Scope::from_list(
            "docs/api/a.md\r\n\napi/b.md\n./docs/resources/../resources/c.md\n/repo/docs/api/d.md\n/elsewhere/e.md\nREADME.md\n",
            Path::new("docs"),
            cwd,
        );
        assert_eq!(scope.listed(), 6);
        for page in ["api/a.md", "api/b.md", "resources/c.md", "api/d.md"] {
            assert!(scope.contains(page), "{page}: {scope:?}");
        }
        assert!(!scope.contains("e.md"));
        // A docs folder given as `../docs` from a subfolder.
        let scope = Scope::from_list(
            "../docs/api/a.md",
            Path::new("../docs"),
            Path::new("/repo/tools"),
        );
        assert!(scope.contains("api/a.md"), "{scope:?}");
        // Docs given as the current directory: names as they are.
        let scope = Scope::from_list("api/a.md", Path::new("."), cwd);
        assert!(scope.contains("api/a.md"));
    }

    #[test]
    fn messages_that_name_a_changed_page() {
        let scope = Scope::from_list("api/changed.md\n", Path::new("."), Path::new("/r"));
        assert!(scope.concerns("api/changed.md", "anything"));
        assert!(scope.concerns(
            "api/other.md",
            "`GET /x` is also documented at api/changed.md:34:1; the two are one operation"
        ));
        assert!(scope.concerns(
            "resources/r.md",
            "link to `../api/changed.md`, which is not in the docs tree"
        ));
        assert!(scope.concerns(
            "api/other.md",
            "link to `changed.md#anchor`, but `api/changed.md` has no heading"
        ));
        assert!(!scope.concerns("api/other.md", "also documented at api/changed.mdx:1:1"));
        assert!(!scope.concerns("api/other.md", "also documented at api/unchanged.md:1:1"));
    }
}
