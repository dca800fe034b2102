//! `docgen lint`: documentation problems with stable codes, file, line and column.
//!
//! The findings are the model's diagnostics plus the page-level checks of
//! [`checks`]. The docs folder's `docgen.toml` ([`config`]) can change a code's
//! severity, skip pages and name a [`baseline`] of known findings; [`render`]
//! prints what is left as text, JSON lines, GitHub workflow commands or SARIF.

pub mod baseline;
pub mod checks;
pub mod config;
pub mod render;

use crate::diagnostics::{Diagnostic, Severity};
use crate::parse::Page;
use crate::source::{self, SourceError, SourceFile};
use baseline::{Baseline, BaselineError};
use config::{Config, ConfigError};
use std::fmt;
use std::path::{Path, PathBuf};

/// The name `--write-baseline` uses when `docgen.toml` names no baseline.
pub const DEFAULT_BASELINE: &str = "lint-baseline.json";

/// One page as the checks see it: parsed, with its text for exact columns.
pub struct LintPage<'a> {
    /// Path relative to the docs folder, with `/`.
    pub file: &'a str,
    pub text: &'a str,
    pub page: &'a Page,
}

/// One finding: a diagnostic and, when the check knows it, how many characters
/// from the diagnostic's column the problem spans (for the caret line).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    pub width: Option<usize>,
}

impl Finding {
    pub fn new(diagnostic: Diagnostic) -> Finding {
        Finding {
            diagnostic,
            width: None,
        }
    }

    pub fn with_span(diagnostic: Diagnostic, width: usize) -> Finding {
        Finding {
            diagnostic,
            width: Some(width),
        }
    }
}

/// What the command line asks of a lint run.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// Record the findings as the baseline instead of reporting them.
    pub write_baseline: bool,
}

/// The outcome of a lint run.
#[derive(Debug)]
pub struct LintReport {
    /// What is reported, after the configuration and the baseline; sorted by
    /// file, line, column and code.
    pub findings: Vec<Finding>,
    /// The pages read, for showing source lines.
    pub sources: Vec<SourceFile>,
    /// Findings the baseline held back.
    pub known: usize,
    /// Findings the baseline lists that were not found any more.
    pub fixed: usize,
    /// What `--write-baseline` wrote.
    pub baseline_written: Option<WrittenBaseline>,
}

/// The baseline `--write-baseline` wrote.
#[derive(Debug)]
pub struct WrittenBaseline {
    pub path: PathBuf,
    /// How many findings it holds.
    pub count: usize,
    /// Whether `docgen.toml` names it (otherwise it is not read back yet).
    pub configured: bool,
}

impl LintReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diagnostic.severity == severity)
            .count()
    }

    /// Whether any reported finding is an error (the run exits 1).
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// The text of a page, when it was read.
    pub fn source(&self, file: &str) -> Option<&str> {
        self.sources
            .binary_search_by(|s| s.relative.as_str().cmp(file))
            .ok()
            .map(|i| self.sources[i].text.as_str())
    }
}

/// A lint run that cannot start or finish: a usage error (exit 2).
#[derive(Debug)]
pub enum LintError {
    Docs(SourceError),
    Config(ConfigError),
    Baseline(BaselineError),
}

impl fmt::Display for LintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LintError::Docs(err) => err.fmt(f),
            LintError::Config(err) => err.fmt(f),
            LintError::Baseline(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for LintError {}

/// Lints a docs tree: the model's diagnostics and the page checks, with the
/// tree's `docgen.toml` applied.
pub fn lint(docs: &Path, options: &LintOptions) -> Result<LintReport, LintError> {
    // The docs folder first: a folder that cannot be read is the error to show.
    let tree = source::read_tree(docs).map_err(LintError::Docs)?;
    let config = Config::load(docs).map_err(LintError::Config)?;
    let model = crate::model_for_tree(docs).map_err(LintError::Docs)?;
    let pages: Vec<Page> = crate::parse_pages(&tree.files);
    let lint_pages: Vec<LintPage<'_>> = tree
        .files
        .iter()
        .zip(&pages)
        .map(|(file, page)| LintPage {
            file: &file.relative,
            text: &file.text,
            page,
        })
        .collect();

    let mut findings: Vec<Finding> = model.diagnostics.into_iter().map(Finding::new).collect();
    findings.extend(checks::run(&lint_pages));
    let mut findings = apply_config(findings, &config);

    let mut report = LintReport {
        findings: Vec::new(),
        sources: tree.files,
        known: 0,
        fixed: 0,
        baseline_written: None,
    };
    if options.write_baseline {
        let relative = config
            .baseline_relative
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_BASELINE));
        let (path, count) =
            Baseline::write(docs, &relative, findings.iter().map(|f| &f.diagnostic))
                .map_err(LintError::Baseline)?;
        report.baseline_written = Some(WrittenBaseline {
            path,
            count,
            configured: config.baseline.is_some(),
        });
        return Ok(report);
    }
    if let Some(relative) = &config.baseline_relative {
        let baseline = Baseline::load(docs, relative).map_err(LintError::Baseline)?;
        let (known, fixed) = baseline.filter(&mut findings);
        report.known = known;
        report.fixed = fixed;
    }
    report.findings = findings;
    Ok(report)
}

/// Drops skipped pages and allowed codes, sets configured severities, sorts.
fn apply_config(findings: Vec<Finding>, config: &Config) -> Vec<Finding> {
    let mut kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| !config.skips(&f.diagnostic.location.file))
        .filter_map(|mut f| {
            f.diagnostic.severity = config.severity(f.diagnostic.code, f.diagnostic.severity)?;
            Some(f)
        })
        .collect();
    kept.sort();
    kept.dedup_by(|a, b| a.diagnostic == b.diagnostic);
    kept
}
