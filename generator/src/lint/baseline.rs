//! The baseline: findings a docs tree already had when it was recorded, so that
//! `docgen lint` reports (and fails on) only new ones.
//!
//! A finding is identified by its fingerprint: code, file and message, not its
//! line or column, so editing a page above a known finding does not bring it back.
//! Locations that a message quotes (`at api/x.md:12:1`, `line 12`) are left out of
//! the fingerprint for the same reason. Identical fingerprints are counted: a page
//! with two identical known findings that gains a third reports one.

use super::config::{read_regular_file, shorten};
use crate::diagnostics::Diagnostic;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The layout version of the baseline file.
const VERSION: u32 = 1;

/// The file as written: every known finding, sorted, one entry per finding.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    docgen_baseline: u32,
    findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    code: String,
    file: String,
    message: String,
}

/// A loaded baseline: how many findings of each fingerprint it knows.
#[derive(Debug, Default)]
pub(crate) struct Baseline {
    known: BTreeMap<String, usize>,
}

/// The baseline cannot be read or written: a usage error (exit 2).
#[derive(Debug)]
pub struct BaselineError {
    /// The baseline file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "baseline `{}`: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for BaselineError {}

/// The fingerprint of a finding: code, file and message with quoted locations removed.
pub(crate) fn fingerprint(diagnostic: &Diagnostic) -> String {
    fingerprint_of(
        diagnostic.code.name(),
        &diagnostic.location.file,
        &diagnostic.message,
    )
}

fn fingerprint_of(code: &str, file: &str, message: &str) -> String {
    format!("{code}\u{1f}{file}\u{1f}{}", without_locations(message))
}

/// A message with the line and column numbers it quotes removed.
fn without_locations(message: &str) -> String {
    static PATTERNS: OnceLock<Option<(Regex, Regex)>> = OnceLock::new();
    let Some((file_location, line_word)) = PATTERNS
        .get_or_init(|| {
            Some((
                Regex::new(r"(\.md):\d+(?::\d+)?").ok()?,
                Regex::new(r"(?i)\b(lines?) \d+").ok()?,
            ))
        })
        .as_ref()
    else {
        return message.to_string();
    };
    let message = file_location.replace_all(message, "$1");
    line_word.replace_all(&message, "$1 _").into_owned()
}

/// The baseline `relative` (a path inside `docs` without `..`, see
/// [`super::config::inside_path`]) as a path that reaches no symbolic link on
/// the way from `docs`: every folder on the way is a real folder (or absent),
/// and the file itself is not a link.
fn resolve(docs: &Path, relative: &Path) -> Result<PathBuf, BaselineError> {
    let mut path = docs.to_path_buf();
    for component in relative.components() {
        match component {
            std::path::Component::Normal(part) => path.push(part),
            std::path::Component::CurDir => continue,
            _ => {
                return Err(BaselineError {
                    path: docs.join(relative),
                    message: "the path must stay inside the docs folder (no `..`, not absolute)"
                        .to_string(),
                })
            }
        }
        if std::fs::symlink_metadata(&path).is_ok_and(|meta| meta.file_type().is_symlink()) {
            return Err(BaselineError {
                path: docs.join(relative),
                message: format!(
                    "`{}` is a symbolic link; the baseline must be inside the docs folder",
                    path.display()
                ),
            });
        }
    }
    Ok(path)
}

/// A JSON error without more of the file than [`shorten`] lets through.
fn json_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let location = format!(" at line {} column {}", err.line(), err.column());
    let message = text.strip_suffix(&location).unwrap_or(&text);
    if err.line() == 0 {
        shorten(message)
    } else {
        format!("{}{location}", shorten(message))
    }
}

impl Baseline {
    /// Reads the baseline `relative` to the docs folder `docs`: a regular file
    /// inside it, reached without symbolic links, of at most
    /// [`super::config::MAX_FILE_BYTES`].
    pub fn load(docs: &Path, relative: &Path) -> Result<Baseline, BaselineError> {
        let path = resolve(docs, relative)?;
        let error = |message: String| BaselineError {
            path: path.clone(),
            message,
        };
        let text = match read_regular_file(&path) {
            Ok(Some(text)) => text,
            Ok(None) => {
                return Err(error(
                    "not found; create it with `docgen lint --write-baseline`".to_string(),
                ))
            }
            Err(message) => return Err(error(message)),
        };
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|err| error(format!("not a docgen baseline: {}", json_error(&err))))?;
        if file.docgen_baseline != VERSION {
            return Err(error(format!(
                "layout version {} is not the supported {VERSION}",
                file.docgen_baseline
            )));
        }
        let mut known = BTreeMap::new();
        for entry in file.findings {
            *known
                .entry(fingerprint_of(&entry.code, &entry.file, &entry.message))
                .or_default() += 1;
        }
        Ok(Baseline { known })
    }

    /// Writes the findings as the baseline `relative` to `docs` (sorted, so
    /// equal findings give equal bytes). The file is written beside its place
    /// and renamed over it: a symbolic link put there after the check is
    /// replaced, never written through. Returns the path and the count.
    pub fn write<'a>(
        docs: &Path,
        relative: &Path,
        findings: impl IntoIterator<Item = &'a Diagnostic>,
    ) -> Result<(PathBuf, usize), BaselineError> {
        let path = resolve(docs, relative)?;
        let path = path.as_path();
        let mut entries: Vec<Entry> = findings
            .into_iter()
            .map(|d| Entry {
                code: d.code.to_string(),
                file: d.location.file.clone(),
                message: d.message.clone(),
            })
            .collect();
        entries.sort();
        let count = entries.len();
        let file = BaselineFile {
            docgen_baseline: VERSION,
            findings: entries,
        };
        let error = |message: String| BaselineError {
            path: path.to_path_buf(),
            message,
        };
        match std::fs::symlink_metadata(path) {
            Ok(meta) if !meta.is_file() => {
                return Err(error("it is not a regular file".to_string()));
            }
            _ => {}
        }
        let mut json = serde_json::to_string_pretty(&file).map_err(|e| error(e.to_string()))?;
        json.push('\n');
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = path.with_file_name(format!(".{name}.{}.docgen-tmp", std::process::id()));
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .and_then(|mut out| {
                std::io::Write::write_all(&mut out, json.as_bytes())?;
                out.sync_all()
            })
            .and_then(|()| std::fs::rename(&temp, path));
        if let Err(err) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(error(format!("cannot write it: {err}")));
        }
        Ok((path.to_path_buf(), count))
    }

    /// Keeps the findings the baseline does not know. Returns how many it held
    /// back and how many known findings were not seen any more (fixed since).
    pub fn filter(&self, findings: &mut Vec<Diagnostic>) -> (usize, usize) {
        let mut left = self.known.clone();
        let before = findings.len();
        findings.retain(|finding| match left.get_mut(&fingerprint(finding)) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        });
        let fixed = left.values().sum();
        (before - findings.len(), fixed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_quoted_locations() {
        assert_eq!(
            without_locations("`a.b` is `String` here but `Int32` at resources/x.md:12:3"),
            "`a.b` is `String` here but `Int32` at resources/x.md"
        );
        assert_eq!(
            without_locations("`x` is listed again (first at line 40); this row is ignored"),
            "`x` is listed again (first at line _); this row is ignored"
        );
        assert_eq!(
            without_locations("table row has 2 cells, the header has 3"),
            "table row has 2 cells, the header has 3"
        );
    }
}
