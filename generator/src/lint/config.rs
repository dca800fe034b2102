//! `docgen.toml` at the root of a docs tree: how `docgen lint` treats each code,
//! which pages it skips, and where the baseline of known findings is.
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

use crate::diagnostics::{codes, Severity};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The configuration file's name, looked for in the docs folder.
pub const FILE_NAME: &str = "docgen.toml";

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
    severity: BTreeMap<String, Level>,
    skip: Option<GlobSet>,
    /// The baseline file, resolved against the docs folder.
    pub baseline: Option<PathBuf>,
    /// Where the configuration was read from, when there was a file.
    pub source: Option<PathBuf>,
}

/// `docgen.toml` cannot be used: a usage error (exit 2).
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
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
    pub fn load(docs: &Path) -> Result<Config, ConfigError> {
        let path = docs.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(err) => {
                return Err(ConfigError {
                    path,
                    message: format!("cannot read it: {err}"),
                })
            }
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
        let raw: RawConfig = toml::from_str(text).map_err(|err| err.to_string())?;
        for code in raw.severity.keys() {
            if !codes::CATALOG.iter().any(|(known, _)| known == code) {
                return Err(format!(
                    "[severity]: unknown code `{code}` (the codes are listed in the README's \"Diagnostic codes\" table)"
                ));
            }
        }
        let skip = if raw.skip.is_empty() {
            None
        } else {
            Some(skip_set(&raw.skip)?)
        };
        Ok(Config {
            severity: raw.severity,
            skip,
            baseline: raw.baseline.map(|file| docs.join(file)),
            source: None,
        })
    }

    /// Whether findings in `file` (relative to the docs folder, with `/`) are skipped.
    pub fn skips(&self, file: &str) -> bool {
        self.skip.as_ref().is_some_and(|set| set.is_match(file))
    }

    /// The severity a finding of `code` is reported with, or `None` when the
    /// configuration allows it (drops it).
    pub fn severity(&self, code: &str, found: Severity) -> Option<Severity> {
        match self.severity.get(code) {
            None => Some(found),
            Some(Level::Allow) => None,
            Some(Level::Warn) => Some(Severity::Warning),
            Some(Level::Deny) => Some(Severity::Error),
        }
    }
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
                .map_err(|err| format!("skip: bad pattern `{pattern}`: {err}"))?;
            builder.add(glob);
        }
    }
    builder
        .build()
        .map_err(|err| format!("skip: bad patterns: {err}"))
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
            config.severity("link-broken", Severity::Warning),
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
            config.severity("link-broken", Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(config.severity("permission-todo", Severity::Warning), None);
        assert_eq!(
            config.severity("fence-unclosed", Severity::Error),
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
}
