//! The policy of a docs tree: what `docgen.toml` says about diagnostics (a
//! severity per code, pages to skip, a baseline), applied in one place.
//!
//! Every command that reports diagnostics applies the same [`Policy`], so a
//! page skipped for `lint` is skipped for `generate`, `check` and the
//! build-script API alike, and a code set to `deny` fails all of them.

pub mod config;

use crate::diagnostics::{Code, Diagnostic, Severity};
use config::{Config, ConfigError};
use std::path::Path;

/// `docgen.toml`'s rules for diagnostics, ready to apply.
#[derive(Debug, Default)]
pub struct Policy {
    /// The configuration the policy comes from (the default when the docs
    /// folder has no `docgen.toml`).
    pub config: Config,
}

impl Policy {
    /// The policy of the docs folder `docs`: its `docgen.toml`, or the default
    /// (report everything as found) when there is none.
    pub fn load(docs: &Path) -> Result<Policy, ConfigError> {
        Config::load(docs).map(Policy::from_config)
    }

    /// The policy a configuration gives.
    pub(crate) fn from_config(config: Config) -> Policy {
        Policy { config }
    }

    /// Whether diagnostics in `file` (relative to the docs folder) are dropped.
    pub fn skips(&self, file: &str) -> bool {
        self.config.skips(file)
    }

    /// The severity a diagnostic of `code` found at `found` is reported with;
    /// `None` when `docgen.toml` allows the code (drops it).
    pub fn severity(&self, code: Code, found: Severity) -> Option<Severity> {
        self.config.severity(code, found)
    }

    /// One diagnostic as the policy reports it: `None` when its page is
    /// skipped or its code allowed, else with the configured severity.
    pub(crate) fn apply_one(&self, mut diagnostic: Diagnostic) -> Option<Diagnostic> {
        if self.skips(&diagnostic.location.file) {
            return None;
        }
        diagnostic.severity = self.severity(diagnostic.code, diagnostic.severity)?;
        Some(diagnostic)
    }

    /// The diagnostics the policy reports, sorted (file, line, column, code)
    /// and without repeats: skipped pages and allowed codes dropped,
    /// configured severities set.
    pub fn apply(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut kept: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter_map(|d| self.apply_one(d))
            .collect();
        kept.sort();
        kept.dedup();
        kept
    }

    /// Whether any diagnostic the policy reports is at least `severity` (for
    /// a caller that fails on errors, or on warnings too).
    pub fn fails(&self, diagnostics: &[Diagnostic], severity: Severity) -> bool {
        diagnostics
            .iter()
            .filter(|d| !self.skips(&d.location.file))
            .filter_map(|d| self.severity(d.code, d.severity))
            .any(|found| found >= severity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;

    fn policy(toml: &str) -> Policy {
        match Config::parse(toml, Path::new("docs")) {
            Ok(config) => Policy::from_config(config),
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn skips_allows_and_sets_severities_then_sorts() {
        let policy = policy(
            "skip = [\"api/legacy/\"]\n[severity]\nlink-broken = \"deny\"\npermission-todo = \"allow\"\n",
        );
        let found = vec![
            Diagnostic::warning(Code::LinkBroken, Location::new("b.md", 2), "x"),
            Diagnostic::warning(Code::PermissionTodo, Location::new("a.md", 1), "y"),
            Diagnostic::error(
                Code::FenceUnclosed,
                Location::new("api/legacy/c.md", 1),
                "z",
            ),
            Diagnostic::note(Code::JsonRepaired, Location::new("a.md", 9), "w"),
            Diagnostic::note(Code::JsonRepaired, Location::new("a.md", 9), "w"),
        ];
        let kept: Vec<(String, Code, Severity)> = policy
            .apply(found.clone())
            .into_iter()
            .map(|d| (d.location.file, d.code, d.severity))
            .collect();
        assert_eq!(
            kept,
            vec![
                ("a.md".to_string(), Code::JsonRepaired, Severity::Note),
                ("b.md".to_string(), Code::LinkBroken, Severity::Error),
            ]
        );
        assert!(policy.fails(&found, Severity::Error));
        assert!(!Policy::default().fails(&found[..2], Severity::Error));
    }
}
