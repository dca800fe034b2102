//! `docgen lint`: documentation problems with stable codes, file, line and column.
//!
//! The findings are the model's diagnostics plus the page-level checks of
//! [`checks`], both from one [`Analysis`] of the tree (read and parsed once).
//! The docs folder's policy ([`crate::policy`], `docgen.toml`) can change a
//! code's severity, skip pages and name a [`baseline`] of known findings;
//! [`render`] prints what is left as text, JSON lines, GitHub workflow commands
//! or SARIF.

pub mod baseline;
#[doc(hidden)]
pub mod checks;
pub mod render;

/// `docgen.toml`, which lint was the first to read; it belongs to the policy
/// every command applies.
pub use crate::policy::config;

use crate::analysis::Analysis;
use crate::diagnostics::{Diagnostic, Severity};
use crate::metadata::MetadataError;
use crate::parse::Page;
use crate::policy::Policy;
use crate::scope::Scope;
use crate::source::{self, SourceError, SourceFile};
use baseline::{Baseline, BaselineError};
use config::ConfigError;
use std::fmt;
use std::path::{Path, PathBuf};

/// The name `--write-baseline` uses when `docgen.toml` names no baseline.
pub const DEFAULT_BASELINE: &str = "lint-baseline.json";

/// One page as the checks see it: parsed, with its text for exact columns.
pub struct LintPage<'a> {
    /// Path relative to the docs folder, with `/`.
    pub file: &'a str,
    /// The page's text.
    pub text: &'a str,
    /// The parsed page.
    pub page: &'a Page,
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
    /// The file name findings are located in.
    pub name: String,
    /// Where it was read from.
    pub path: PathBuf,
}

/// Findings counted by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity note.
    pub notes: usize,
}

impl Counts {
    /// Counts one finding of `severity`.
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
    }

    /// All findings counted.
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
    /// What is reported, after the policy and the baseline; sorted by file,
    /// line, column and code. A finding's location carries, where the check
    /// knows it, how many characters the problem spans (for the caret line).
    pub findings: Vec<Diagnostic>,
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
    /// The baseline file.
    pub path: PathBuf,
    /// How many findings it holds.
    pub count: usize,
    /// Whether `docgen.toml` names it (otherwise it is not read back yet).
    pub configured: bool,
}

impl LintReport {
    /// How many reported findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
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
    /// The docs folder cannot be read.
    Docs(SourceError),
    /// `docgen.toml` cannot be used.
    Config(ConfigError),
    /// The baseline cannot be read or written.
    Baseline(BaselineError),
    /// The `--metadata` file cannot be read or parsed.
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
    // The docs folder first: a folder that cannot be read is the error to show;
    // then `docgen.toml` and the metadata, before the (longer) analysis.
    let tree = source::read_tree(docs).map_err(LintError::Docs)?;
    let policy = Policy::load(docs).map_err(LintError::Config)?;
    let csdl = load_metadata(options)?;
    let analysis = Analysis::of_read_tree(tree, &crate::analysis::tree_name(docs));
    finish(analysis, docs, &policy, csdl, options)
}

/// Lints a tree already analysed (by a caller that needs the analysis for
/// more than lint), with the docs folder's `docgen.toml` applied.
pub fn lint_analysis(
    analysis: Analysis,
    docs: &Path,
    options: &LintOptions,
) -> Result<LintReport, LintError> {
    let policy = Policy::load(docs).map_err(LintError::Config)?;
    let csdl = load_metadata(options)?;
    finish(analysis, docs, &policy, csdl, options)
}

/// The CSDL metadata `--metadata` names, read, with where it was read from.
fn load_metadata(
    options: &LintOptions,
) -> Result<Option<(crate::metadata::Csdl, &PathBuf)>, LintError> {
    match &options.metadata {
        Some(path) => Ok(Some((
            crate::metadata::load(path).map_err(LintError::Metadata)?,
            path,
        ))),
        None => Ok(None),
    }
}

/// The findings of an analysis (model, page checks, metadata), with the policy
/// and baseline applied and the command line's scope and severity floor.
fn finish(
    analysis: Analysis,
    docs: &Path,
    policy: &Policy,
    csdl: Option<(crate::metadata::Csdl, &PathBuf)>,
    options: &LintOptions,
) -> Result<LintReport, LintError> {
    let Analysis {
        sources,
        pages,
        model,
        ..
    } = analysis;
    let metadata_findings = match &csdl {
        Some((csdl, _)) => crate::metadata::compare(&model, csdl).findings,
        None => Vec::new(),
    };
    let mut findings: Vec<Diagnostic> = model.diagnostics;
    findings.extend(checks::run(&lint_pages(&sources, &pages)));
    drop(pages);
    findings.extend(metadata_findings);
    let mut sources = sources;
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
    let config = &policy.config;
    let mut findings = policy.apply(findings);

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
            Baseline::write(docs, &relative, findings.iter()).map_err(LintError::Baseline)?;
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
    findings.retain(|d| {
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

/// The pages as the checks see them: each parsed page with its text.
fn lint_pages<'a>(sources: &'a [SourceFile], pages: &'a [Page]) -> Vec<LintPage<'a>> {
    sources
        .iter()
        .zip(pages)
        .map(|(file, page)| LintPage {
            file: &file.relative,
            text: &file.text,
            page,
        })
        .collect()
}
