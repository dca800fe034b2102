//! `docgen.toml` at the root of a docs tree: how each code is reported, which
//! pages are skipped, and where lint's baseline of known findings is. Read
//! here, applied by [`super::Policy`].
//!
//! ```toml
//! skip = ["api/legacy/", "resources/*-old.md"]
//! baseline = "lint-baseline.json"
//!
//! [severity]
//! content-length-mismatch = "allow"   # not reported
//! link-broken = "deny"                # reported as an error (exit 1)
//! permission-todo = "warn"            # reported as a warning
//! ```

use crate::diagnostics::{Code, Severity};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The configuration file's name, looked for in the docs folder.
pub const FILE_NAME: &str = "docgen.toml";

/// The largest `docgen.toml` or baseline docgen reads (16 MiB).
pub(crate) const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// How many characters of a file's text an error message quotes at most.
const QUOTE_CHARS: usize = 80;

/// What `docgen.toml` may hold. Unknown keys are errors, so a typo is not
/// silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    severity: BTreeMap<String, Level>,
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    baseline: Option<String>,
}

/// What the `[severity]` table sets a code to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported as a warning.
    Warn,
    /// Reported as an error: `docgen lint` exits 1.
    Deny,
}

/// The lint configuration of one docs tree.
#[derive(Debug, Default)]
pub struct Config {
    severity: BTreeMap<Code, Level>,
    skip: Option<GlobSet>,
    /// The baseline file, resolved against the docs folder.
    pub baseline: Option<PathBuf>,
    /// The baseline as `docgen.toml` names it: relative, without `..`.
    pub baseline_relative: Option<PathBuf>,
    /// Where the configuration was read from, when there was a file.
    pub source: Option<PathBuf>,
}

/// `docgen.toml` cannot be used: a usage error (exit 2).
#[derive(Debug)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads `docgen.toml` from the docs folder; the default when there is none.
    ///
    /// The file must be a regular file (not a symbolic link, FIFO or device)
    /// of at most `MAX_FILE_BYTES`.
    pub fn load(docs: &Path) -> Result<Config, ConfigError> {
        let path = docs.join(FILE_NAME);
        let text = match read_regular_file(&path) {
            Ok(Some(text)) => text,
            Ok(None) => return Ok(Config::default()),
            Err(message) => return Err(ConfigError { path, message }),
        };
        let mut config = Config::parse(&text, docs).map_err(|message| ConfigError {
            path: path.clone(),
            message,
        })?;
        config.source = Some(path);
        Ok(config)
    }

    /// Parses the text of a `docgen.toml`; relative paths are against `docs`.
    pub fn parse(text: &str, docs: &Path) -> Result<Config, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|err| toml_error(text, &err))?;
        let mut severity = BTreeMap::new();
        for (name, level) in raw.severity {
            let Some(code) = Code::from_name(&name) else {
                return Err(unknown_code(&name));
            };
            severity.insert(code, level);
        }
        let baseline_relative = match raw.baseline {
            Some(file) => Some(
                inside_path(&file)
                    .map_err(|reason| format!("baseline `{}`: {reason}", shorten(&file)))?,
            ),
            None => None,
        };
        let skip = if raw.skip.is_empty() {
            None
        } else {
            Some(skip_set(&raw.skip)?)
        };
        Ok(Config {
            severity,
            skip,
            baseline: baseline_relative.as_ref().map(|file| docs.join(file)),
            baseline_relative,
            source: None,
        })
    }

    /// Whether findings in `file` (relative to the docs folder, with `/`) are skipped.
    pub fn skips(&self, file: &str) -> bool {
        self.skip.as_ref().is_some_and(|set| set.is_match(file))
    }

    /// The severity a finding of `code` is reported with, or `None` when the
    /// configuration allows it (drops it).
    pub fn severity(&self, code: Code, found: Severity) -> Option<Severity> {
        match self.severity.get(&code) {
            None => Some(found),
            Some(Level::Allow) => None,
            Some(Level::Warn) => Some(Severity::Warning),
            Some(Level::Deny) => Some(Severity::Error),
        }
    }
}

/// The error for a `[severity]` key that names no code, with the code it most
/// likely meant.
fn unknown_code(name: &str) -> String {
    let meant = match Code::closest(name) {
        Some(code) => format!("; did you mean `{code}`?"),
        None => String::new(),
    };
    format!(
        "[severity]: unknown code `{}`{meant} (the codes are listed in the README's \"Diagnostic codes\" table)",
        shorten(name)
    )
}

/// `skip` patterns as one glob set. Patterns are globs over the path relative to
/// the docs folder (`*` stays within a folder, `**` crosses folders); a pattern
/// ending in `/`, or one without glob characters, also covers everything under it.
fn skip_set(patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let trimmed = pattern.trim().trim_start_matches("./");
        if trimmed.is_empty() {
            return Err("skip: empty pattern".to_string());
        }
        let mut globs = Vec::new();
        if let Some(folder) = trimmed.strip_suffix('/') {
            globs.push(format!("{folder}/**"));
        } else {
            globs.push(trimmed.to_string());
            if !trimmed.contains(['*', '?', '[', '{']) {
                globs.push(format!("{trimmed}/**"));
            }
        }
        for glob in globs {
            let glob = GlobBuilder::new(&glob)
                .literal_separator(true)
                .build()
                .map_err(|err| {
                    format!(
                        "skip: bad pattern `{}`: {}",
                        shorten(pattern),
                        shorten(&err.to_string())
                    )
                })?;
            builder.add(glob);
        }
    }
    builder
        .build()
        .map_err(|err| format!("skip: bad patterns: {}", shorten(&err.to_string())))
}

/// A path from `docgen.toml` as a path inside the docs folder: relative, with
/// no `..` (and no root or drive). Symbolic links are checked where the file
/// is used (see `baseline`).
pub(crate) fn inside_path(file: &str) -> Result<PathBuf, String> {
    if file.trim().is_empty() {
        return Err("the path is empty".to_string());
    }
    let path = Path::new(file);
    let mut inside = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => inside.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                return Err(
                    "the path has a `..` component; it must stay inside the docs folder"
                        .to_string(),
                )
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(
                    "the path is absolute; it must be relative to the docs folder".to_string(),
                )
            }
        }
    }
    if inside.as_os_str().is_empty() {
        return Err("the path names the docs folder itself".to_string());
    }
    Ok(inside)
}

/// The text of the file at `path`, or `None` when there is
/// nothing there. Only a regular file is read, never through a symbolic link,
/// and at most [`MAX_FILE_BYTES`]: a FIFO, a device such as `/dev/zero` or a
/// huge file can neither hang docgen nor exhaust its memory. The file type is
/// checked before opening (a FIFO is never opened) and again on the open file.
pub(crate) fn read_regular_file(path: &Path) -> Result<Option<String>, String> {
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(format!("cannot read it: {err}")),
    };
    check_regular(&metadata)?;
    let file = std::fs::File::open(path).map_err(|err| format!("cannot read it: {err}"))?;
    // Replaced between the two looks: check what was opened.
    let opened = file
        .metadata()
        .map_err(|err| format!("cannot read it: {err}"))?;
    check_regular(&opened)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read it: {err}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| "it is not valid UTF-8".to_string())
}

fn check_regular(metadata: &std::fs::Metadata) -> Result<(), String> {
    if metadata.file_type().is_symlink() {
        Err(
            "it is a symbolic link; docgen reads it only as a regular file in the docs folder"
                .to_string(),
        )
    } else if !metadata.is_file() {
        Err("it is not a regular file".to_string())
    } else if metadata.len() > MAX_FILE_BYTES {
        Err(too_large())
    } else {
        Ok(())
    }
}

fn too_large() -> String {
    format!("it is larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024))
}

/// `text` cut to [`QUOTE_CHARS`] characters per line (and a few lines), so an
/// error never repeats more of a file than the piece at fault.
pub(crate) fn shorten(text: &str) -> String {
    let mut lines: Vec<String> = text
        .lines()
        .take(8)
        .map(|line| {
            if line.chars().count() > QUOTE_CHARS {
                let cut: String = line.chars().take(QUOTE_CHARS).collect();
                format!("{cut}…")
            } else {
                line.to_string()
            }
        })
        .collect();
    if text.lines().count() > 8 {
        lines.push("…".to_string());
    }
    lines.join("\n")
}

/// A TOML error: where, what, and at most [`QUOTE_CHARS`] characters of the
/// line around the place.
fn toml_error(text: &str, err: &toml::de::Error) -> String {
    let message = shorten(err.message().trim());
    let Some(span) = err.span() else {
        return message;
    };
    let at = span.start.min(text.len());
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    let line_text = text[line_start..].lines().next().unwrap_or("");
    // A window of the line that holds the place.
    let skip = (column - 1).saturating_sub(QUOTE_CHARS / 2);
    let window: String = line_text.chars().skip(skip).take(QUOTE_CHARS).collect();
    let more_before = if skip > 0 { "…" } else { "" };
    let more_after = if line_text.chars().count() > skip + QUOTE_CHARS {
        "…"
    } else {
        ""
    };
    format!(
        "TOML error at line {line}, column {column}: {message}\n  | {more_before}{window}{more_after}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("docs"))
    }

    #[test]
    fn empty_file_is_the_default() {
        let config = parse("").expect("valid");
        assert!(config.baseline.is_none());
        assert!(!config.skips("api/x.md"));
        assert_eq!(
            config.severity(Code::LinkBroken, Severity::Warning),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn severity_levels() {
        let config = parse(
            "[severity]\nlink-broken = \"deny\"\npermission-todo = \"allow\"\nfence-unclosed = \"warn\"\n",
        )
        .expect("valid");
        assert_eq!(
            config.severity(Code::LinkBroken, Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(
            config.severity(Code::PermissionTodo, Severity::Warning),
            None
        );
        assert_eq!(
            config.severity(Code::FenceUnclosed, Severity::Error),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn skip_globs_and_prefixes() {
        let config =
            parse("skip = [\"api/legacy/\", \"resources/*-old.md\", \"beta\"]").expect("valid");
        assert!(config.skips("api/legacy/x.md"));
        assert!(config.skips("api/legacy/deep/x.md"));
        assert!(!config.skips("api/legacyx.md"));
        assert!(config.skips("resources/user-old.md"));
        assert!(!config.skips("resources/deep/user-old.md"));
        assert!(config.skips("beta/api/x.md"));
        assert!(!config.skips("api/x.md"));
    }

    #[test]
    fn errors_are_clear() {
        assert!(parse("[severity]\nno-such-code = \"deny\"\n")
            .unwrap_err()
            .contains("unknown code `no-such-code`"));
        assert!(parse("[severity]\nlink-broken = \"loud\"\n").is_err());
        // A misspelled code names the one it most likely meant.
        assert!(parse("[severity]\nlink-brokn = \"deny\"\n")
            .unwrap_err()
            .contains("unknown code `link-brokn`; did you mean `link-broken`?"));
        assert!(parse("skipp = []\n").unwrap_err().contains("skipp"));
        assert!(parse("skip = [\"a[\"]\n").is_err());
        assert!(parse("this is not toml").is_err());
    }

    #[test]
    fn baseline_is_relative_to_the_docs_folder() {
        let config = parse("baseline = \"lint-baseline.json\"").expect("valid");
        assert_eq!(
            config.baseline,
            Some(Path::new("docs").join("lint-baseline.json"))
        );
    }

    #[test]
    fn baseline_paths_stay_inside_the_docs_folder() {
        assert_eq!(
            inside_path("./sub/b.json"),
            Ok(PathBuf::from("sub").join("b.json"))
        );
        for bad in ["../b.json", "a/../../b.json", "/etc/b.json", "", " ", "."] {
            assert!(inside_path(bad).is_err(), "{bad}");
            assert!(parse(&format!("baseline = {bad:?}")).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_quote_short_pieces() {
        let long = "y".repeat(500);
        let err = parse(&format!("skip = [\"a\"]\nbroken = {long}\n")).unwrap_err();
        assert!(
            err.starts_with("TOML error at line 2, column 10: "),
            "{err}"
        );
        assert!(err.len() < 300, "{err}");
        assert_eq!(shorten("short"), "short");
        assert_eq!(shorten(&long).chars().count(), QUOTE_CHARS + 1);
    }
}
