//! `docgen generate` and `docgen check`: run the pipeline through
//! [`docgen::incremental`] and present what it did.

use super::report::{self, millis, DiagnosticCounts, Report, Timings};
use super::{display_dir, say, DocsArgs, Failure, EXIT_ACT};
use clap::Args;
use docgen::blame::Blame;
use docgen::emit::EmitOptions;
use docgen::incremental::{self, State};
use docgen::output::{self, StaleFile, StaleReason, WriteSummary};
use docgen::policy::Policy;
use docgen::{ApiModel, Diagnostic};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Arguments of the commands that run the whole pipeline (generate, check).
#[derive(Args)]
pub struct PipelineArgs {
    #[command(flatten)]
    pub docs: DocsArgs,
    /// Folder of the generated crate.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    pub out: PathBuf,
    /// Also write a JSON summary (counts, pages that yielded nothing, time per stage) to FILE.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// generate: do not print diagnostics. check: print nothing when up to date.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `docgen generate`: writes the crate, or nothing when it is up to date.
pub fn generate(args: &PipelineArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    report::check_report_path(args, None)?;
    let policy = load_policy(args)?;
    let salt: [&[u8]; 1] = [b"generate"];
    let request = incremental::Request {
        docs: &args.docs.docs,
        out: &args.out,
        salt: &salt,
        // `--report` needs the model, so it always runs the whole pipeline.
        always_build: args.report.is_some(),
        options: &EmitOptions::crate_layout(),
        waiting: &say_waiting,
    };
    let pending = match incremental::start(&request)?.state {
        State::UpToDate(cached) => {
            let diagnostics = policy.apply(cached.diagnostics);
            if !args.quiet {
                print_diagnostics(&diagnostics);
            }
            say(format_args!(
                "{}; up to date, wrote nothing in {:.2} s",
                counts_summary(cached.pages, cached.operations, cached.types, &diagnostics),
                started.elapsed().as_secs_f64()
            ));
            return Ok(ExitCode::SUCCESS);
        }
        State::Stale(pending) => pending,
    };
    report::check_report_path(args, Some(&pending.generated))?;
    let diagnostics = policy.apply(pending.model.diagnostics.clone());
    if !args.quiet {
        print_diagnostics(&diagnostics);
    }
    let written = pending.write()?;
    let summary = &written.summary;
    for path in &summary.kept {
        eprintln!(
            "warning: kept `{path}` in {}: {} lists it, but docgen did not write it as it is \
             (no docgen header, not the content docgen wrote); not deleted, no longer listed",
            display_dir(&args.out),
            output::MANIFEST
        );
    }
    if let Some((path, err)) = &written.stamp_error {
        eprintln!(
            "warning: cannot write `{}` ({err}); the next run will regenerate everything",
            path.display()
        );
    }
    let timings = Timings {
        read_parse_model: millis(written.stages.read_parse_model),
        emit: millis(written.stages.emit),
        write: Some(millis(written.stages.last)),
        compare: None,
        total: millis(started.elapsed()),
    };
    if let Some(path) = &args.report {
        let mut report = Report::new(
            "generate",
            args,
            &written.model,
            written.formatting,
            timings,
        );
        report.write = Some(summary);
        report.save(path)?;
    }
    say(format_args!(
        "{}; {} in {:.2} s",
        model_summary(&written.model, &diagnostics),
        write_summary(summary),
        started.elapsed().as_secs_f64()
    ));
    // The process ends here: freeing the model and the crate node by node
    // costs about 5% of a run on the corpus (perf), for memory the system
    // takes back at once on exit.
    std::mem::forget(written);
    Ok(ExitCode::SUCCESS)
}

/// `docgen check`: exit 1 naming each stale file.
pub fn check(args: &PipelineArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    // A file is not a crate folder: a usage error, not a stale crate.
    if std::fs::metadata(&args.out).is_ok_and(|meta| !meta.is_dir()) {
        return Err(Failure(format!(
            "`{}` is not a directory; --out names the generated crate's folder",
            args.out.display()
        )));
    }
    report::check_report_path(args, None)?;
    let checked = incremental::check(
        &args.docs.docs,
        &args.out,
        &EmitOptions::crate_layout(),
        &say_waiting,
    )?;
    report::check_report_path(args, Some(&checked.generated))?;
    let result = &checked.report;
    let timings = Timings {
        read_parse_model: millis(checked.stages.read_parse_model),
        emit: millis(checked.stages.emit),
        write: None,
        compare: Some(millis(checked.stages.last)),
        total: millis(started.elapsed()),
    };
    if let Some(path) = &args.report {
        let mut report = Report::new("check", args, &checked.model, checked.formatting, timings);
        report.check = Some(result);
        report.changed_pages = Some(&checked.blame.changed);
        report.save(path)?;
    }
    let out = display_dir(&args.out);
    let blame = &checked.blame;
    for stale in &result.stale {
        say(format_args!("stale: {}", stale_line(&out, stale, blame)));
    }
    if result.is_clean() {
        if !args.quiet {
            say(format_args!("docgen check: {out}/ is up to date"));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !blame.recorded {
        eprintln!(
            "docgen check: {out}/ has no {} record (written by an older docgen): each file names \
             the pages it comes from, not only those that changed",
            docgen::blame::PAGES_FILE
        );
    }
    let changed = if blame.changed.is_empty() {
        String::new()
    } else {
        let pages: Vec<String> = blame
            .changed
            .iter()
            .map(|c| format!("{} ({})", c.page.escape_debug(), c.change))
            .collect();
        format!(
            " after {} changed page(s): {}",
            blame.changed.len(),
            pages.join(", ")
        )
    };
    eprintln!(
        "docgen check: {} stale file(s){changed}; run `docgen generate` to update {out}/",
        result.stale.len()
    );
    Ok(ExitCode::from(EXIT_ACT))
}

/// Before waiting for another run that holds the output folder's lock.
fn say_waiting(out: &std::path::Path) {
    eprintln!(
        "docgen: waiting for another docgen run to finish with `{}` (it holds {})",
        display_dir(out).escape_debug(),
        output::LOCK_FILE
    );
}

/// Diagnostics go to stderr, one per line in their `file:line:col: severity[code]:
/// message` form, buffered because a large tree has thousands.
fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let mut err = io::BufWriter::new(io::stderr().lock());
    for diagnostic in diagnostics {
        if writeln!(err, "{diagnostic}").is_err() {
            return;
        }
    }
    let _ = err.flush();
}

/// `docgen.toml`'s policy, the one `lint` and the build-script API apply:
/// the diagnostics printed and counted are the ones it reports.
fn load_policy(args: &PipelineArgs) -> Result<Policy, Failure> {
    Policy::load(&args.docs.docs).map_err(|err| Failure(err.to_string()))
}

fn model_summary(model: &ApiModel, diagnostics: &[Diagnostic]) -> String {
    counts_summary(
        model.pages.len(),
        model.operations.len(),
        model.types.len(),
        diagnostics,
    )
}

fn counts_summary(
    pages: usize,
    operations: usize,
    types: usize,
    diagnostics: &[Diagnostic],
) -> String {
    let counts = DiagnosticCounts::of(diagnostics);
    format!(
        "docgen: {pages} pages, {operations} operations, {types} types, {} diagnostics ({} errors, {} warnings, {} notes)",
        counts.total,
        counts.errors,
        counts.warnings,
        counts.notes
    )
}

fn write_summary(summary: &WriteSummary) -> String {
    format!(
        "wrote {} files, {} unchanged, {} deleted",
        summary.written.len(),
        summary.unchanged,
        summary.deleted.len()
    )
}

/// `generated/src/models/x.rs (differs; from resources/x.md (edited))`: the
/// file and every page that made it stale, in full; how each page changed
/// when the output folder's record says.
fn stale_line(out: &str, stale: &StaleFile, blame: &Blame) -> String {
    let reason = match stale.reason {
        StaleReason::Extra => "extra; no longer generated".to_string(),
        reason => reason.to_string(),
    };
    let why = if stale.path == docgen::blame::PAGES_FILE {
        format!("{reason}; the record of the pages' hashes, written by `docgen generate`")
    } else if stale.pages.is_empty() {
        format!("{reason}; no doc page changed it: edited by hand, or written by another docgen")
    } else {
        let pages: Vec<String> = stale
            .pages
            .iter()
            .map(|page| match blame.change_of(page) {
                Some(change) => format!("{} ({change})", page.escape_debug()),
                None => page.escape_debug().to_string(),
            })
            .collect();
        let through = if blame.indirect.contains(&stale.path) {
            "through the model (its own pages are unchanged); "
        } else {
            ""
        };
        format!("{reason}; {through}from {}", pages.join(", "))
    };
    format!("{out}/{} ({why})", stale.path)
}
