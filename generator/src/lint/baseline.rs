//! The baseline: findings a docs tree already had when it was recorded, so that
//! `docgen lint` reports (and fails on) only new ones.
//!
//! A finding is identified by its fingerprint: code, file and message, not its
//! line or column, so editing a page above a known finding does not bring it back.
//! Locations that a message quotes (`at api/x.md:12:1`, `line 12`) are left out of
//! the fingerprint for the same reason. Identical fingerprints are counted: a page
//! with two identical known findings that gains a third reports one.
//!
//! A finding that stands for a set of items (an example's mismatches: "`a` is
//! not a documented property of `x` (and 3 more)") is known as a whole: its
//! fingerprint is the code, the page and what the set is about (`response body`),
//! never the count nor the first item, which both change when one item is added.
//!
//! A renamed page keeps its known findings: a finding the first pass does not
//! match is matched by code and message to a known finding of a page that no
//! longer exists, when its own page is one the baseline does not name (a page
//! that is new to the baseline). Matching by code and message rather than by
//! page content means a rename that also edits the page still follows; the
//! price is that a page deleted while an unrelated new page has the very same
//! finding counts that finding as known, which is the same finding anyway.
//!
//! The file holds the messages as they are fingerprinted (quoted locations
//! blanked, "(and N more)" dropped) and is rewritten only when its bytes would
//! change, so moving lines in a page does not churn it.

use super::config::{read_regular_file, shorten};
use crate::diagnostics::{Code, Diagnostic};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
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

/// One known finding as the file records it; also how a fixed one is named.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The finding's code (`link-broken`).
    pub code: String,
    /// The page, relative to the docs folder.
    pub file: String,
    /// The message, with quoted line numbers blanked and no "(and N more)".
    pub message: String,
}

impl Entry {
    fn fingerprint(&self) -> String {
        fingerprint_of(&self.code, &self.file, &self.message)
    }
}

/// A loaded baseline: the findings it knows, by fingerprint.
#[derive(Debug, Default)]
pub struct Baseline {
    /// The docs folder, to tell pages that are gone (renamed) from pages that are there.
    docs: PathBuf,
    known: BTreeMap<String, Vec<Entry>>,
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
    format!("{code}\u{1f}{file}\u{1f}{}", stable_message(code, message))
}

/// Code and message without the page: what a finding of a renamed page keeps.
fn fingerprint_without_file(code: &str, message: &str) -> String {
    format!("{code}\u{1f}{}", stable_message(code, message))
}

/// The codes whose message summarises a set of items: the first one and
/// "(and N more)". Their fingerprint is what the set is about.
const SET_CODES: &[&str] = &[
    Code::ExampleTypeMismatch.name(),
    Code::ExamplePropertyUnknown.name(),
    Code::ExampleEnumUnknown.name(),
];

/// The part of a message a fingerprint keeps: no quoted locations, no
/// "(and N more)"; for a set of items, only the text before the first item
/// (`response body at `value[0].name`: …` → `response body`).
fn stable_message(code: &str, message: &str) -> String {
    let message = without_more(&without_locations(message));
    if SET_CODES.contains(&code) {
        let end = [message.find(" at `"), message.find(": ")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(message.len());
        return message[..end].to_string();
    }
    message
}

/// The message as the file records it: quoted locations blanked, no count.
fn recorded_message(message: &str) -> String {
    without_more(&without_locations(message))
}

/// A message without its " (and N more)" count.
fn without_more(message: &str) -> String {
    static MORE: OnceLock<Option<Regex>> = OnceLock::new();
    match MORE
        .get_or_init(|| Regex::new(r" ?\(and \d+ more\)").ok())
        .as_ref()
    {
        Some(more) => more.replace_all(message, "").into_owned(),
        None => message.to_string(),
    }
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
    /// `MAX_FILE_BYTES` (16 MiB, as `docgen.toml`).
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
        let mut known: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
        for entry in file.findings {
            known.entry(entry.fingerprint()).or_default().push(entry);
        }
        Ok(Baseline {
            docs: docs.to_path_buf(),
            known,
        })
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
                message: recorded_message(&d.message),
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
        // The same findings: leave the file (and its modification time) alone.
        if read_regular_file(path).ok().flatten().as_deref() == Some(json.as_str()) {
            return Ok((path.to_path_buf(), count));
        }
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
    /// back and the known findings not seen any more (fixed since), sorted.
    pub fn filter(&self, findings: &mut Vec<Diagnostic>) -> (usize, Vec<Entry>) {
        let mut left = self.known.clone();
        let before = findings.len();
        findings.retain(|finding| match left.get_mut(&fingerprint(finding)) {
            Some(entries) if !entries.is_empty() => {
                entries.pop();
                false
            }
            _ => true,
        });
        // Second pass: a page renamed. Known findings of pages that are gone,
        // by code and message; only findings of pages the baseline does not name
        // may claim them, so a page that is still there never takes over another
        // page's findings.
        let named: BTreeSet<&str> = self
            .known
            .values()
            .flatten()
            .map(|entry| entry.file.as_str())
            .collect();
        let mut gone: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
        let mut exists: BTreeMap<&str, bool> = BTreeMap::new();
        for (key, entries) in &left {
            for (index, entry) in entries.iter().enumerate() {
                let present = *exists
                    .entry(entry.file.as_str())
                    .or_insert_with(|| self.docs.join(&entry.file).exists());
                if !present {
                    gone.entry(fingerprint_without_file(&entry.code, &entry.message))
                        .or_default()
                        .push((key.clone(), index));
                }
            }
        }
        let mut claimed: BTreeSet<(String, usize)> = BTreeSet::new();
        if !gone.is_empty() {
            findings.retain(|finding| {
                let d = finding;
                if named.contains(d.location.file.as_str()) {
                    return true;
                }
                let key = fingerprint_without_file(d.code.name(), &d.message);
                match gone.get_mut(&key).and_then(Vec::pop) {
                    Some(slot) => {
                        claimed.insert(slot);
                        false
                    }
                    None => true,
                }
            });
        }
        let mut fixed: Vec<Entry> = left
            .into_iter()
            .flat_map(|(key, entries)| {
                entries
                    .into_iter()
                    .enumerate()
                    .map(move |(index, entry)| ((key.clone(), index), entry))
            })
            .filter(|(slot, _)| !claimed.contains(slot))
            .map(|(_, entry)| entry)
            .collect();
        fixed.sort();
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

    #[test]
    fn recorded_and_fingerprinted_messages_are_stable() {
        // What the file records: no line numbers, no count.
        assert_eq!(
            recorded_message("`x` is listed again (first at line 58); this row is ignored"),
            "`x` is listed again (first at line _); this row is ignored"
        );
        assert_eq!(
            recorded_message(
                "response body at `a`: `a` is not a documented property of `w` (and 3 more)"
            ),
            "response body at `a`: `a` is not a documented property of `w`"
        );
        // A set is fingerprinted by what it is about, whatever its first item.
        let code = Code::ExamplePropertyUnknown.name();
        assert_eq!(
            fingerprint_of(
                code,
                "p.md",
                "response body at `a`: `a` is not … (and 3 more)"
            ),
            fingerprint_of(code, "p.md", "response body at `b`: `b` is not …")
        );
        assert_ne!(
            fingerprint_of(code, "p.md", "response body at `a`: x"),
            fingerprint_of(code, "p.md", "request body at `a`: x")
        );
    }
}
