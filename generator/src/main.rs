//! The `docgen` command line. It only parses arguments, calls the library and maps
//! the outcome to an exit code; everything worth testing lives in the library.
//!
//! Exit codes (the product contract): 0 success, 1 the check found something the
//! user must act on, 2 usage error or unreadable input. clap exits 2 on its own
//! usage errors; every other failure goes through [`Failure`].

use clap::{Args, Parser, Subcommand, ValueEnum};
use docgen::emit::{self, GeneratedCrate};
use docgen::output::{self, CheckReport, StaleFile, StaleReason, WriteSummary};
use docgen::{stamp, ApiModel, Diagnostic, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "docgen",
    version,
    about = "Turns Microsoft Graph-style API documentation pages into a Rust SDK and keeps the two in step."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the SDK crate for a docs tree into --out.
    Generate(PipelineArgs),
    /// Regenerate in memory and compare with --out; exit 1 naming each stale file.
    Check(PipelineArgs),
    /// Print the API model (types, operations, examples, diagnostics) to stdout.
    Dump(DumpArgs),
    /// Report documentation problems with stable codes, file, line and column.
    Lint(LintArgs),
    /// Semantic API changes between two docs trees, each marked breaking or additive; exit 1 when any is breaking.
    Diff(DiffArgs),
}

/// Where the docs are; shared by every command.
#[derive(Args)]
struct DocsArgs {
    /// Folder of Markdown doc pages, searched recursively.
    #[arg(long, value_name = "DIR", default_value = "docs-input")]
    docs: PathBuf,
}

/// Arguments of the commands that run the whole pipeline (generate, check).
#[derive(Args)]
struct PipelineArgs {
    #[command(flatten)]
    docs: DocsArgs,
    /// Folder of the generated crate.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
    /// Also write a JSON summary (counts, pages that yielded nothing, time per stage) to FILE.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// generate: do not print diagnostics. check: print nothing when up to date.
    #[arg(long, short)]
    quiet: bool,
}

/// Arguments of `lint`.
#[derive(Args)]
struct LintArgs {
    #[command(flatten)]
    docs: DocsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Human)]
    format: LintFormat,
    /// Record the current findings as the baseline (docgen.toml's `baseline`, or
    /// lint-baseline.json in the docs folder) instead of reporting them.
    #[arg(long)]
    write_baseline: bool,
    /// Also compare the docs with the service's CSDL metadata (`$metadata` XML):
    /// types, properties, enum members, base types, and operation responses by path.
    #[arg(long, value_name = "FILE")]
    metadata: Option<PathBuf>,
    /// Report only the findings of the changed pages listed in FILE (`-`: stdin),
    /// one path per line, relative to the current directory, the repository root
    /// or the docs folder.
    #[arg(long, value_name = "FILE|-", conflicts_with_all = ["changed_since", "write_baseline"])]
    changed_files: Option<PathBuf>,
    /// Report only the findings of the pages `git diff --name-only GIT_REF` lists.
    #[arg(long, value_name = "GIT_REF", conflicts_with = "write_baseline")]
    changed_since: Option<String>,
    /// Report only findings of this severity or above.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    min_severity: Option<MinSeverity>,
    /// Exit 1 when more than N warnings are reported.
    #[arg(long, value_name = "N")]
    max_warnings: Option<usize>,
}

/// `--min-severity`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MinSeverity {
    Note,
    Warning,
    Error,
}

/// The formats `lint` writes (see `docgen::lint::render`).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LintFormat {
    /// rustc-style: the source line with a caret under the problem.
    Human,
    /// One JSON object per line per finding.
    Json,
    /// GitHub Actions workflow commands (::error / ::warning / ::notice).
    Github,
    /// A SARIF 2.1.0 log.
    Sarif,
}

/// `docgen lint`: findings to stdout, a summary to stderr; exit 1 when an
/// error-severity finding is left after docgen.toml, the baseline and the
/// scope, or more warnings than --max-warnings.
fn lint(args: &LintArgs) -> Result<ExitCode, Failure> {
    use docgen::lint::{self, render};
    use docgen::scope::Scope;
    let docs = &args.docs.docs;
    let cwd = std::env::current_dir()
        .map_err(|err| Failure(format!("cannot read the current directory: {err}")))?;
    let scope = match (&args.changed_files, &args.changed_since) {
        (Some(list), _) => Some(Scope::read_list(list, docs, &cwd)?),
        (None, Some(git_ref)) => Some(Scope::changed_since(docs, git_ref)?),
        (None, None) => None,
    };
    let options = lint::LintOptions {
        write_baseline: args.write_baseline,
        metadata: args.metadata.clone(),
        scope,
        min_severity: args.min_severity.map(|min| match min {
            MinSeverity::Note => Severity::Note,
            MinSeverity::Warning => Severity::Warning,
            MinSeverity::Error => Severity::Error,
        }),
    };
    let report = lint::lint(docs, &options)?;
    if let Some(written) = &report.baseline_written {
        eprintln!(
            "docgen lint: wrote {} finding(s) to {}",
            written.count,
            written.path.display()
        );
        if !written.configured {
            eprintln!(
                "docgen lint: add `baseline = \"{}\"` to {} to use it",
                lint::DEFAULT_BASELINE,
                docs.join(lint::config::FILE_NAME).display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let format = match args.format {
        LintFormat::Human => render::Format::Human,
        LintFormat::Json => render::Format::Json,
        LintFormat::Github => render::Format::Github,
        LintFormat::Sarif => render::Format::Sarif,
    };
    let color = args.format == LintFormat::Human
        && std::io::IsTerminal::is_terminal(&io::stdout())
        && std::env::var_os("NO_COLOR").is_none();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let options = render::RenderOptions {
        docs,
        cwd: &cwd,
        color,
    };
    match render::render(&report, format, options, &mut out).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        Err(err) => return Err(Failure(format!("cannot write to stdout: {err}"))),
    }
    eprintln!("{}", render::summary(&report));
    let warnings = report.count(Severity::Warning);
    let too_many_warnings = args.max_warnings.is_some_and(|max| warnings > max);
    if let (true, Some(max)) = (too_many_warnings, args.max_warnings) {
        eprintln!("docgen lint: {warnings} warnings reported, more than --max-warnings {max}");
    }
    Ok(if report.has_errors() || too_many_warnings {
        ExitCode::from(EXIT_ACT)
    } else {
        ExitCode::SUCCESS
    })
}

/// Arguments of `dump`.
#[derive(Args)]
struct DumpArgs {
    #[command(flatten)]
    docs: DocsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DumpFormat::Json)]
    format: DumpFormat,
}

/// The formats `dump` writes. New formats are new variants, each with its own
/// writer in [`dump`]; the JSON form is the documented, versioned one.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DumpFormat {
    /// Pretty-printed JSON: `{docgen_version, schema_version, model}`.
    Json,
}

/// A failure that ends the run with exit code 2 and `error: …` on stderr.
struct Failure(String);

impl<E: fmt::Display> From<E> for Failure {
    fn from(err: E) -> Self {
        Failure(err.to_string())
    }
}

const EXIT_ACT: u8 = 1;
const EXIT_FAILURE: u8 = 2;

/// The most threads docgen's pool runs, whatever `RAYON_NUM_THREADS` asks:
/// four per core, and at least 64.
fn thread_cap() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.saturating_mul(4).max(64)
}

/// Builds rayon's global pool with `RAYON_NUM_THREADS` threads (rayon's own
/// default when it is unset, empty, 0 or not a number), but no more than
/// [`thread_cap`]: `RAYON_NUM_THREADS=100000` must not spawn 100,000 threads.
fn configure_threads() {
    let requested = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|&n| n > 0);
    let threads = match requested {
        Some(n) => n.min(thread_cap()),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    // Fails only when a pool was built already: that one stays.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
}

fn main() -> ExitCode {
    configure_threads();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Generate(args) => generate(args),
        Command::Check(args) => check(args),
        Command::Dump(args) => dump(args),
        Command::Lint(args) => lint(args),
        Command::Diff(args) => diff(args),
    };
    result.unwrap_or_else(|Failure(message)| {
        eprintln!("error: {message}");
        ExitCode::from(EXIT_FAILURE)
    })
}

fn generate(args: &PipelineArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    check_report_path(args, None)?;
    let stamp_path = args.out.join(stamp::STAMP_FILE);
    let previous = stamp::read(&stamp_path);
    // Hashed before the pages are read for the build: a page changed in between
    // gives a key that matches no later run, so the next run is a full one.
    let known_docs = previous
        .as_ref()
        .map(|s| s.known_docs(&args.docs.docs))
        .unwrap_or_default();
    let inputs = stamp::scan_inputs_with(&args.docs.docs, &known_docs)?;
    let key = input_key(&inputs, &args.docs.docs);
    // `--report` needs the model, so it always runs the whole pipeline.
    if args.report.is_none() {
        if let Some(cached) = previous
            .as_ref()
            .and_then(|stamp| up_to_date(&args.out, stamp, &key))
        {
            if !args.quiet {
                print_diagnostics(&cached.diagnostics);
            }
            say(format_args!(
                "{}; up to date, wrote nothing in {:.2} s",
                counts_summary(
                    cached.pages,
                    cached.operations,
                    cached.types,
                    &cached.diagnostics
                ),
                started.elapsed().as_secs_f64()
            ));
            return Ok(ExitCode::SUCCESS);
        }
    }
    // Only inside a real output folder: through a symbolic link it would delete
    // outside it, and `write_crate` refuses such a folder anyway.
    let real_dir = std::fs::symlink_metadata(&args.out).is_ok_and(|meta| meta.is_dir());
    if real_dir {
        stamp::remove(&stamp_path).map_err(|err| {
            Failure(format!(
                "cannot remove the stale stamp `{}`: {err}",
                stamp_path.display()
            ))
        })?;
    }
    // The code of files whose token trees did not change since the last run
    // is taken from that run's output instead of being formatted again.
    let formatter = stamp::formatter_fingerprint();
    let cache = match &previous {
        Some(stamp) if real_dir => stamp.format_cache(&args.out, &formatter),
        _ => emit::FormatCache::default(),
    };
    let mut built = build(&args.docs.docs, &cache)?;
    drop(cache);
    check_report_path(args, Some(&built.generated))?;
    if !args.quiet {
        print_diagnostics(&built.model.diagnostics);
    }
    let stage = Instant::now();
    let known = previous
        .as_ref()
        .map(|s| s.files.clone())
        .unwrap_or_default();
    let summary = output::write_crate_knowing(&args.out, &built.generated, &known)?;
    for path in &summary.kept {
        eprintln!(
            "warning: kept `{path}` in {}: {} lists it, but docgen did not write it as it is \
             (no docgen header, not the content docgen wrote); not deleted, no longer listed",
            display_dir(&args.out),
            output::MANIFEST
        );
    }
    let stamp = stamp::Stamp::new(key, output::output_hash(&built.generated), &built.model)
        .with_files(output::known_files(&args.out, &built.generated))
        .with_docs(&args.docs.docs, inputs.known())
        .with_formatted(formatter, std::mem::take(&mut built.token_hashes));
    if let Err(err) = stamp::write(&stamp_path, &stamp) {
        eprintln!(
            "warning: cannot write `{}` ({err}); the next run will regenerate everything",
            stamp_path.display()
        );
    }
    let timings = Timings {
        write: Some(millis(stage.elapsed())),
        total: millis(started.elapsed()),
        ..built.timings
    };
    if let Some(path) = &args.report {
        let mut report = Report::new("generate", args, &built, timings);
        report.write = Some(&summary);
        report.save(path)?;
    }
    say(format_args!(
        "{}; {} in {:.2} s",
        model_summary(&built.model),
        write_summary(&summary),
        started.elapsed().as_secs_f64()
    ));
    // The process ends here: freeing the model and the crate node by node
    // costs about 5% of a run on the corpus (perf), for memory the system
    // takes back at once on exit.
    std::mem::forget(built);
    Ok(ExitCode::SUCCESS)
}

/// `--report FILE` may not name a file inside the docs tree, nor one docgen
/// manages in `--out` (the manifest, the stamp, a file the manifest lists or,
/// once the crate is built, a file it generates): writing the report there
/// would destroy a page or the output. Paths are compared after resolving
/// `..` and symbolic links (the report's own included, when it exists).
fn check_report_path(
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

/// The hash of everything that shapes `generate`'s output (see `docgen::stamp`).
fn input_key(inputs: &stamp::Inputs, docs: &Path) -> String {
    let tree_name = docgen::tree_name(docs);
    inputs.key(&[
        b"generate",
        stamp::executable_fingerprint().as_bytes(),
        tree_name.as_bytes(),
    ])
}

/// What the last run reported, when its inputs were `key` and its output is
/// still on disk exactly as it wrote it.
struct Cached {
    pages: usize,
    operations: usize,
    types: usize,
    diagnostics: Vec<Diagnostic>,
}

fn up_to_date(out: &Path, stamp: &stamp::Stamp, key: &str) -> Option<Cached> {
    if stamp.inputs != key {
        return None;
    }
    if output::output_hash_on_disk(out, &stamp.files, stamp.written_ns)? != stamp.outputs {
        return None;
    }
    Some(Cached {
        pages: stamp.pages,
        operations: stamp.operations,
        types: stamp.types,
        diagnostics: stamp.diagnostics()?,
    })
}

fn check(args: &PipelineArgs) -> Result<ExitCode, Failure> {
    let started = Instant::now();
    // A file is not a crate folder: a usage error, not a stale crate.
    if std::fs::metadata(&args.out).is_ok_and(|meta| !meta.is_dir()) {
        return Err(Failure(format!(
            "`{}` is not a directory; --out names the generated crate's folder",
            args.out.display()
        )));
    }
    check_report_path(args, None)?;
    let built = build(&args.docs.docs, &emit::FormatCache::default())?;
    check_report_path(args, Some(&built.generated))?;
    let stage = Instant::now();
    let result = output::check_crate(&args.out, &built.generated);
    let timings = Timings {
        compare: Some(millis(stage.elapsed())),
        total: millis(started.elapsed()),
        ..built.timings
    };
    if let Some(path) = &args.report {
        let mut report = Report::new("check", args, &built, timings);
        report.check = Some(&result);
        report.save(path)?;
    }
    let out = display_dir(&args.out);
    for stale in &result.stale {
        say(format_args!("stale: {}", stale_line(&out, stale)));
    }
    if result.is_clean() {
        if !args.quiet {
            say(format_args!("docgen check: {out}/ is up to date"));
        }
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "docgen check: {} stale file(s); run `docgen generate` to update {out}/",
        result.stale.len()
    );
    Ok(ExitCode::from(EXIT_ACT))
}

/// The version of the `dump` JSON layout. Bump it when a field is renamed or removed
/// or its meaning changes; adding a field does not bump it.
const DUMP_SCHEMA_VERSION: u32 = 1;

/// What `docgen dump --format json` prints: the model, wrapped with the versions
/// consumers need to notice a change of layout.
#[derive(Serialize)]
struct Dump<'a> {
    docgen_version: &'static str,
    schema_version: u32,
    model: &'a ApiModel,
}

fn dump(args: &DumpArgs) -> Result<ExitCode, Failure> {
    let model = docgen::model_for_tree(&args.docs.docs)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = match args.format {
        DumpFormat::Json => write_dump_json(&mut out, &model),
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // The reader went away (`docgen dump | head`): nothing left to do.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(err) => Err(Failure(format!("cannot write to stdout: {err}"))),
    }
}

/// Pretty-printed JSON with a trailing newline. The model is sorted and example
/// bodies keep their documented key order, so equal docs give equal bytes.
fn write_dump_json(out: &mut impl Write, model: &ApiModel) -> io::Result<()> {
    let dump = Dump {
        docgen_version: env!("CARGO_PKG_VERSION"),
        schema_version: DUMP_SCHEMA_VERSION,
        model,
    };
    serde_json::to_writer_pretty(&mut *out, &dump)?;
    out.write_all(b"\n")
}

/// The model and the generated crate, built in memory, with the time each took.
struct Built {
    model: ApiModel,
    generated: GeneratedCrate,
    /// Hash of the token tree of every formatted file, for the next run's cache.
    token_hashes: emit::TokenHashes,
    formatting: Formatting,
    timings: Timings,
}

/// How many Rust files were formatted, and how many of them took their code
/// from the previous run instead (their token trees were unchanged).
#[derive(Serialize, Default, Clone, Copy)]
struct Formatting {
    files: usize,
    reused: usize,
}

fn build(docs: &Path, cache: &emit::FormatCache) -> Result<Built, Failure> {
    let stage = Instant::now();
    let model = docgen::model_for_tree(docs)?;
    let read_parse_model = stage.elapsed();
    let stage = Instant::now();
    let emitted = emit::emit_crate_reusing(&model, cache)?;
    let timings = Timings {
        read_parse_model: millis(read_parse_model),
        emit: millis(stage.elapsed()),
        ..Timings::default()
    };
    Ok(Built {
        model,
        generated: emitted.generated,
        formatting: Formatting {
            files: emitted.token_hashes.len(),
            reused: emitted.reused,
        },
        token_hashes: emitted.token_hashes,
        timings,
    })
}

/// Prints one line to stdout. A closed pipe (`docgen check | head -1`) is not an
/// error worth a panic, so write failures are ignored.
fn say(line: fmt::Arguments<'_>) {
    let _ = writeln!(io::stdout().lock(), "{line}");
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

fn model_summary(model: &ApiModel) -> String {
    counts_summary(
        model.pages.len(),
        model.operations.len(),
        model.types.len(),
        &model.diagnostics,
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

/// `generated/src/models/x.rs (differs; from resources/x.md)`.
fn stale_line(out: &str, stale: &StaleFile) -> String {
    let why = match (stale.reason, stale.pages.is_empty()) {
        (StaleReason::Extra, _) => "extra; no longer generated".to_string(),
        (reason, true) => reason.to_string(),
        (reason, false) => format!("{reason}; from {}", page_list(&stale.pages)),
    };
    format!("{out}/{} ({why})", stale.path)
}

/// Names a few pages and counts the rest: files such as `Cargo.toml` come from
/// every page, and the full list is in the `--report` file.
fn page_list(pages: &[String]) -> String {
    const SHOWN: usize = 3;
    if pages.len() <= SHOWN + 1 {
        return pages.join(", ");
    }
    let shown: Vec<&str> = pages.iter().take(SHOWN).map(String::as_str).collect();
    format!(
        "{} and {} more pages",
        shown.join(", "),
        pages.len() - SHOWN
    )
}

/// The output folder as the user wrote it, without a trailing separator.
fn display_dir(dir: &Path) -> String {
    let shown = dir.display().to_string();
    match shown.trim_end_matches(['/', '\\']) {
        "" => shown,
        trimmed => trimmed.to_string(),
    }
}

fn millis(duration: Duration) -> f64 {
    // Microsecond resolution: enough to compare runs, stable to read.
    duration.as_micros() as f64 / 1000.0
}

/// Time per stage in milliseconds; the last stage is `write` or `compare`.
#[derive(Serialize, Default, Clone, Copy)]
struct Timings {
    read_parse_model: f64,
    emit: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    write: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    compare: Option<f64>,
    total: f64,
}

/// The `--report` file: what a run saw and did, for dashboards and CI artifacts.
#[derive(Serialize)]
struct Report<'a> {
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
    write: Option<&'a WriteSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<&'a CheckReport>,
    formatting: Formatting,
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
                    *counts.docs_problem_by_code.entry(code).or_default() += 1;
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
struct DiagnosticCounts {
    total: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    by_code: BTreeMap<&'static str, usize>,
}

impl DiagnosticCounts {
    fn of(diagnostics: &[Diagnostic]) -> DiagnosticCounts {
        let mut counts = DiagnosticCounts::default();
        for diagnostic in diagnostics {
            counts.total += 1;
            match diagnostic.severity {
                Severity::Error => counts.errors += 1,
                Severity::Warning => counts.warnings += 1,
                Severity::Note => counts.notes += 1,
            }
            *counts.by_code.entry(diagnostic.code).or_default() += 1;
        }
        counts
    }
}

impl<'a> Report<'a> {
    fn new(
        command: &'static str,
        args: &PipelineArgs,
        built: &'a Built,
        timings: Timings,
    ) -> Report<'a> {
        let model = &built.model;
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
            formatting: built.formatting,
            timings_ms: timings,
        }
    }

    fn save(&self, path: &Path) -> Result<(), Failure> {
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

/// Arguments of `diff`.
#[derive(Args)]
struct DiffArgs {
    /// The docs tree before the change.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The docs tree after the change.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Name the cargo feature (area) of the generated crate each change is in.
    #[arg(long)]
    areas: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// One `breaking:` or `additive:` line per change, grouped, with file:line.
    Human,
    /// A JSON array of `{kind, breaking, item, detail, old?, new?, location}`.
    Json,
    /// Sections per category, breaking first, for a pull-request comment or changelog.
    Markdown,
}

/// `docgen diff OLD NEW`: exit 1 when a change is breaking, 0 otherwise.
fn diff(args: &DiffArgs) -> Result<ExitCode, Failure> {
    let (old, new) = docgen::diff::models_for_trees(&args.old, &args.new)?;
    for (dir, model) in [(&args.old, &old), (&args.new, &new)] {
        if model.pages.is_empty() {
            return Err(Failure(format!(
                "docs folder `{}` holds no Markdown pages",
                dir.display()
            )));
        }
    }
    let mut changes = docgen::diff::diff(&old, &new);
    if args.areas {
        docgen::diff::with_areas(&mut changes, &old, &new);
    }
    let (old_dir, new_dir) = (display_dir(&args.old), display_dir(&args.new));
    let trees = docgen::diff::Trees {
        old: &old_dir,
        new: &new_dir,
    };
    let text = match args.format {
        DiffFormat::Human => docgen::diff::render_human(&changes, trees),
        DiffFormat::Json => docgen::diff::render_json(&changes),
        DiffFormat::Markdown => docgen::diff::render_markdown(&changes, trees),
    };
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`docgen diff … | head`) still gets the exit code.
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        Err(err) => return Err(Failure(format!("cannot write to stdout: {err}"))),
    }
    let (breaking, _) = docgen::diff::counts(&changes);
    Ok(if breaking > 0 {
        ExitCode::from(EXIT_ACT)
    } else {
        ExitCode::SUCCESS
    })
}
