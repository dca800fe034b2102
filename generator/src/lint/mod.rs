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
pub mod rules;

use crate::diagnostics::{Diagnostic, Severity};
use crate::metadata::MetadataError;
use crate::parse::Page;
use crate::scope::Scope;
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
    /// The service's CSDL metadata to compare the docs with (`--metadata`).
    pub metadata: Option<PathBuf>,
    /// Report only the findings a change concerns (`--changed-files`,
    /// `--changed-since`); the others are counted.
    pub scope: Option<Scope>,
    /// Report only findings of this severity or above (`--min-severity`); the
    /// others are counted.
    pub min_severity: Option<Severity>,
}

/// The metadata file a lint run compared the docs with: findings located in it
/// name it by `name` (its file name); `path` is where it was read from.
#[derive(Debug, Clone)]
pub struct MetadataFile {
    pub name: String,
    pub path: PathBuf,
}

/// Findings counted by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.notes
    }
}

/// What the scope left out of a report.
#[derive(Debug, Clone, Default)]
pub struct ScopeSummary {
    /// How many paths the change lists.
    pub listed: usize,
    /// Reported findings on a changed page.
    pub on_changed_pages: usize,
    /// Reported findings on other pages whose message names a changed page.
    pub naming_changed_pages: usize,
    /// Findings outside the change, not reported.
    pub outside: Counts,
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
    /// Those findings, named (sorted).
    pub fixed_findings: Vec<baseline::Entry>,
    /// What `--write-baseline` wrote.
    pub baseline_written: Option<WrittenBaseline>,
    /// The metadata file, with `--metadata`.
    pub metadata: Option<MetadataFile>,
    /// With a scope: what it kept and what it left out.
    pub scope: Option<ScopeSummary>,
    /// Findings in scope below `--min-severity`, not reported.
    pub below_min_severity: Counts,
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
    Metadata(MetadataError),
}

impl fmt::Display for LintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LintError::Docs(err) => err.fmt(f),
            LintError::Config(err) => err.fmt(f),
            LintError::Baseline(err) => err.fmt(f),
            LintError::Metadata(err) => err.fmt(f),
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
    let csdl = match &options.metadata {
        Some(path) => Some((
            crate::metadata::load(path).map_err(LintError::Metadata)?,
            path,
        )),
        None => None,
    };
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

    let metadata_findings = match &csdl {
        Some((csdl, _)) => crate::metadata::compare(&model, csdl).findings,
        None => Vec::new(),
    };
    let mut findings: Vec<Finding> = model.diagnostics.into_iter().map(Finding::new).collect();
    findings.extend(checks::run(&lint_pages));
    drop(lint_pages);
    findings.extend(metadata_findings.into_iter().map(Finding::new));
    let mut sources = tree.files;
    let mut metadata = None;
    if let Some((csdl, path)) = &csdl {
        // The metadata's lines are shown under its findings like a page's.
        if let Ok(text) = std::fs::read_to_string(path) {
            let at = sources.partition_point(|s| s.relative < csdl.file);
            sources.insert(
                at,
                SourceFile {
                    relative: csdl.file.clone(),
                    text,
                },
            );
        }
        metadata = Some(MetadataFile {
            name: csdl.file.clone(),
            path: path.to_path_buf(),
        });
    }
    let mut findings = apply_config(findings, &config);

    let mut report = LintReport {
        findings: Vec::new(),
        sources,
        known: 0,
        fixed: 0,
        fixed_findings: Vec::new(),
        baseline_written: None,
        metadata,
        scope: None,
        below_min_severity: Counts::default(),
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
        report.fixed = fixed.len();
        report.fixed_findings = fixed;
    }
    // After the baseline, so that its counts are about the whole tree.
    let mut scope = options.scope.as_ref().map(|scope| ScopeSummary {
        listed: scope.listed(),
        ..ScopeSummary::default()
    });
    let below = &mut report.below_min_severity;
    findings.retain(|f| {
        let d = &f.diagnostic;
        let mut naming = false;
        if let (Some(changed), Some(summary)) = (&options.scope, &mut scope) {
            if !changed.contains(&d.location.file) {
                naming = changed.is_named_in(&d.location.file, &d.message);
                if !naming {
                    summary.outside.add(d.severity);
                    return false;
                }
            }
        }
        if options.min_severity.is_some_and(|min| d.severity < min) {
            below.add(d.severity);
            return false;
        }
        if let Some(summary) = &mut scope {
            if naming {
                summary.naming_changed_pages += 1;
            } else {
                summary.on_changed_pages += 1;
            }
        }
        true
    });
    report.scope = scope;
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
