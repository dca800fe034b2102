//! `docgen lint`: documentation problems with stable codes.

use super::{DocsArgs, Failure, EXIT_ACT};
use clap::{Args, ValueEnum};
use docgen::Severity;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `lint`.
#[derive(Args)]
pub struct LintArgs {
    #[command(flatten)]
    pub docs: DocsArgs,
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
pub fn lint(args: &LintArgs) -> Result<ExitCode, Failure> {
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
