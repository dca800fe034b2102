//! The baseline: findings a docs tree already had when it was recorded, so that
//! `docgen lint` reports (and fails on) only new ones.
//!
//! A finding is identified by its fingerprint: code, file and message, not its
//! line or column, so editing a page above a known finding does not bring it back.
//! Locations that a message quotes (`at api/x.md:12:1`, `line 12`) are left out of
//! the fingerprint for the same reason. Identical fingerprints are counted: a page
//! with two identical known findings that gains a third reports one.

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
pub struct Baseline {
    known: BTreeMap<String, usize>,
}

/// The baseline cannot be read or written: a usage error (exit 2).
#[derive(Debug)]
pub struct BaselineError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "baseline `{}`: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for BaselineError {}

/// The fingerprint of a finding: code, file and message with quoted locations removed.
pub fn fingerprint(diagnostic: &Diagnostic) -> String {
    fingerprint_of(
        diagnostic.code,
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

impl Baseline {
    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let error = |message: String| BaselineError {
            path: path.to_path_buf(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|err| {
            error(if err.kind() == std::io::ErrorKind::NotFound {
                "not found; create it with `docgen lint --write-baseline`".to_string()
            } else {
                format!("cannot read it: {err}")
            })
        })?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|err| error(format!("not a docgen baseline: {err}")))?;
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

    /// Writes the findings as a baseline (sorted, so equal findings give equal bytes).
    pub fn write<'a>(
        path: &Path,
        findings: impl IntoIterator<Item = &'a Diagnostic>,
    ) -> Result<usize, BaselineError> {
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
        let mut json = serde_json::to_string_pretty(&file).map_err(|e| error(e.to_string()))?;
        json.push('\n');
        std::fs::write(path, json).map_err(|err| error(format!("cannot write it: {err}")))?;
        Ok(count)
    }

    /// Keeps the findings the baseline does not know. Returns how many it held
    /// back and how many known findings were not seen any more (fixed since).
    pub fn filter(&self, findings: &mut Vec<super::Finding>) -> (usize, usize) {
        let mut left = self.known.clone();
        let before = findings.len();
        findings.retain(
            |finding| match left.get_mut(&fingerprint(&finding.diagnostic)) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            },
        );
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
