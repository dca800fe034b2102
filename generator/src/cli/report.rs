//! The `--report` file of `generate` and `check`: what a run saw and did, and
//! where it may be written.

use super::generate::PipelineArgs;
use super::Failure;
use docgen::blame::ChangedPage;
use docgen::emit::GeneratedCrate;
use docgen::incremental::Formatting;
use docgen::output::{self, CheckReport, WriteSummary};
use docgen::{ApiModel, Diagnostic, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `--report FILE` may not name a file inside the docs tree, nor one docgen
/// manages in `--out` (the manifest, the stamp, a file the manifest lists or,
/// once the crate is built, a file it generates): writing the report there
/// would destroy a page or the output. Paths are compared after resolving
/// `..` and symbolic links (the report's own included, when it exists).
pub fn check_report_path(
    args: &PipelineArgs,
    generated: Option<&GeneratedCrate>,
) -> Result<(), Failure> {
    let Some(report) = &args.report else {
        return Ok(());
    };
    let refuse = |why: String| {
        Failure(format!(
            "refusing to write the --report file `{}`: {why}",
            report.display()
        ))
    };
    let is_link = std::fs::symlink_metadata(report).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && std::fs::metadata(report).is_err() {
        // Writing would create the link's target, wherever it points.
        return Err(refuse("it is a symbolic link to nothing".to_string()));
    }
    let Some(resolved) = resolve_path(report) else {
        return Ok(());
    };
    if let Some(docs) = resolve_path(&args.docs.docs) {
        if resolved.starts_with(&docs) {
            return Err(refuse("it is inside the docs folder".to_string()));
        }
    }
    let Some(out) = resolve_path(&args.out) else {
        return Ok(());
    };
    let Ok(inside) = resolved.strip_prefix(&out) else {
        return Ok(());
    };
    let relative = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let generated_here = generated.is_some_and(|g| g.files.contains_key(&relative));
    if relative.is_empty() || generated_here || output::managed_files(&args.out).contains(&relative)
    {
        return Err(refuse(format!(
            "docgen manages that file in `{}`",
            args.out.display()
        )));
    }
    Ok(())
}

/// `path` made absolute with `..`, `.` and symbolic links resolved as far as
/// it exists (the rest appended as written); `None` when the current folder
/// cannot be read.
fn resolve_path(path: &Path) -> Option<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    // The longest existing prefix is canonicalised; what follows it is added
    // with `..` applied by hand (it does not exist, so it holds no links).
    let mut rest = Vec::new();
    let mut existing = absolute.as_path();
    let base = loop {
        if let Ok(canonical) = existing.canonicalize() {
            break canonical;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            (Some(parent), None) => {
                // Ends in `..`: resolve the parent first.
                rest.push(std::ffi::OsString::from(".."));
                existing = parent;
            }
            _ => return None,
        }
    };
    let mut resolved = base;
    for part in rest.iter().rev() {
        if part == ".." {
            resolved.pop();
        } else {
            resolved.push(part);
        }
    }
    Some(resolved)
}

pub fn millis(duration: Duration) -> f64 {
    // Microsecond resolution: enough to compare runs, stable to read.
    duration.as_micros() as f64 / 1000.0
}

/// Time per stage in milliseconds; the last stage is `write` or `compare`.
#[derive(Serialize, Default, Clone, Copy)]
pub struct Timings {
    pub read_parse_model: f64,
    pub emit: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compare: Option<f64>,
    pub total: f64,
}

/// The `--report` file: what a run saw and did, for dashboards and CI artifacts.
#[derive(Serialize)]
pub struct Report<'a> {
    docgen_version: &'static str,
    command: &'static str,
    docs: String,
    out: String,
    pages: PageCounts<'a>,
    coverage: docgen::model::Coverage,
    operations: usize,
    types: usize,
    properties: usize,
    examples: ExampleCounts,
    diagnostics: DiagnosticCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write: Option<&'a WriteSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<&'a CheckReport>,
    /// `check`: the pages that changed since the crate on disk was generated
    /// (each stale file's `pages` are those of them that made it stale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_pages: Option<&'a [ChangedPage]>,
    formatting: FormattingCounts,
    timings_ms: Timings,
}

/// Examples by outcome: `pass` examples are run as tests of the generated crate
/// (a failing one is a generator failure); docs problems by the code that
/// explains them; generator failures (JSON the model has no place for) by cause.
#[derive(Serialize)]
struct ExampleCounts {
    total: usize,
    pass: usize,
    docs_problem: usize,
    docs_problem_by_code: BTreeMap<&'static str, usize>,
    generator_failure: usize,
    generator_failure_by_cause: BTreeMap<&'static str, usize>,
}

impl ExampleCounts {
    fn of(model: &docgen::ApiModel) -> ExampleCounts {
        let mut counts = ExampleCounts {
            total: 0,
            pass: 0,
            docs_problem: 0,
            docs_problem_by_code: BTreeMap::new(),
            generator_failure: 0,
            generator_failure_by_cause: BTreeMap::new(),
        };
        for example in model.operations.iter().flat_map(|op| &op.examples) {
            counts.total += 1;
            match &example.outcome {
                docgen::model::ExampleOutcome::Pass => counts.pass += 1,
                docgen::model::ExampleOutcome::DocsProblem { code, .. } => {
                    counts.docs_problem += 1;
                    *counts.docs_problem_by_code.entry(code.name()).or_default() += 1;
                }
                docgen::model::ExampleOutcome::GeneratorFailure { cause } => {
                    counts.generator_failure += 1;
                    *counts.generator_failure_by_cause.entry(cause).or_default() += 1;
                }
            }
        }
        counts
    }
}

#[derive(Serialize)]
struct PageCounts<'a> {
    total: usize,
    by_kind: BTreeMap<String, usize>,
    /// Pages that yielded no operation and no type, with the model's reason.
    yielded_nothing: Vec<EmptyPage<'a>>,
}

#[derive(Serialize)]
struct EmptyPage<'a> {
    file: &'a str,
    kind: String,
    reason: Option<&'a str>,
}

#[derive(Serialize, Default)]
pub struct DiagnosticCounts {
    pub total: usize,
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    by_code: BTreeMap<&'static str, usize>,
}

impl DiagnosticCounts {
    pub fn of(diagnostics: &[Diagnostic]) -> DiagnosticCounts {
        let mut counts = DiagnosticCounts::default();
        for diagnostic in diagnostics {
            counts.total += 1;
            match diagnostic.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Note => counts.notes += 1,
            }
            *counts.by_code.entry(diagnostic.code.name()).or_default() += 1;
        }
        counts
    }
}

impl<'a> Report<'a> {
    pub fn new(
        command: &'static str,
        args: &PipelineArgs,
        model: &'a ApiModel,
        formatting: Formatting,
        timings: Timings,
    ) -> Report<'a> {
        Report {
            docgen_version: env!("CARGO_PKG_VERSION"),
            command,
            docs: args.docs.docs.display().to_string(),
            out: args.out.display().to_string(),
            pages: PageCounts::of(model),
            coverage: model.coverage(),
            operations: model.operations.len(),
            types: model.types.len(),
            properties: model.types.iter().map(|t| t.properties.len()).sum(),
            examples: ExampleCounts::of(model),
            diagnostics: DiagnosticCounts::of(&model.diagnostics),
            write: None,
            check: None,
            changed_pages: None,
            formatting: FormattingCounts {
                files: formatting.files,
                reused: formatting.reused,
            },
            timings_ms: timings,
        }
    }

    pub fn save(&self, path: &Path) -> Result<(), Failure> {
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        std::fs::write(path, json)
            .map_err(|err| Failure(format!("cannot write report `{}`: {err}", path.display())))
    }
}

impl<'a> PageCounts<'a> {
    fn of(model: &'a ApiModel) -> PageCounts<'a> {
        let mut by_kind = BTreeMap::new();
        let mut yielded_nothing = Vec::new();
        for page in &model.pages {
            let kind = kind_name(&page.kind);
            *by_kind.entry(kind.clone()).or_default() += 1;
            if page.operations == 0 && page.types == 0 {
                yielded_nothing.push(EmptyPage {
                    file: &page.file,
                    kind,
                    reason: page.empty_reason.as_deref(),
                });
            }
        }
        PageCounts {
            total: model.pages.len(),
            by_kind,
            yielded_nothing,
        }
    }
}

/// A page kind's JSON name (`api`, `resource`, …), taken from its serde form so
/// the report and `dump` always agree.
fn kind_name(kind: &impl Serialize) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(name)) => name,
        _ => "unknown".to_string(),
    }
}

/// How many Rust files were formatted, and how many of them took their code
/// from the previous run instead (their token trees were unchanged).
#[derive(Serialize, Default, Clone, Copy)]
struct FormattingCounts {
    files: usize,
    reused: usize,
}
