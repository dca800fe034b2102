//! The output formats of `docgen lint`.
//!
//! - `human`: rustc-style, the source line with a caret under the problem.
//! - `json`: one JSON object per line per finding.
//! - `github`: GitHub Actions workflow commands (`::warning file=...::message`).
//! - `sarif`: one SARIF 2.1.0 log, for code-scanning tools.
//!
//! Paths shown by `human`, `github` and `sarif` are the docs folder joined with
//! the page's path, so they open from the current directory (and match the
//! repository's paths in CI when `--docs` is relative to the repository root).
//! `json` gives both: `file` relative to the docs folder (as in `docgen dump` and
//! the baseline) and that `path`. Columns count characters, from 1.

use super::baseline::fingerprint;
use super::{Counts, LintReport};
use crate::diagnostics::{
    is_unsafe_char, push_visible, visible, Code, Diagnostic, Severity, HELP_URI,
};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-style text with snippets, for people.
    Human,
    /// One JSON document.
    Json,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// How to render: where the docs folder is (for paths) and whether to colour.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    /// The docs folder as given.
    pub docs: &'a Path,
    /// The current directory, absolute: `github` and `sarif` paths are relative
    /// to it when the docs folder is inside it (see [`source_root`]).
    pub cwd: &'a Path,
    /// ANSI colours in `human` output.
    pub color: bool,
}

/// Where `github` and `sarif` paths start (SARIF's `%SRCROOT%`): the current
/// directory when the docs folder is inside it (in CI, the repository root),
/// so paths are the repository's however `--docs` was written (relative,
/// `./x`, absolute); otherwise the docs folder itself (`--docs ../elsewhere`),
/// so paths never climb out with `..`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRoot {
    /// The folder, absolute.
    pub dir: std::path::PathBuf,
    /// The docs folder relative to it, with `/` and a trailing `/`, or empty.
    pub prefix: String,
}

/// The [`SourceRoot`] for `docs` seen from `cwd`.
pub fn source_root(docs: &Path, cwd: &Path) -> SourceRoot {
    let docs = cwd.join(docs);
    let docs = docs
        .canonicalize()
        .unwrap_or_else(|_| crate::scope::normalize_lexically(&docs));
    let cwd = cwd
        .canonicalize()
        .unwrap_or_else(|_| crate::scope::normalize_lexically(cwd));
    match docs.strip_prefix(&cwd) {
        Ok(inside) => {
            let mut prefix = String::new();
            for part in inside.components() {
                prefix.push_str(&part.as_os_str().to_string_lossy());
                prefix.push('/');
            }
            SourceRoot { dir: cwd, prefix }
        }
        Err(_) => SourceRoot {
            dir: docs,
            prefix: String::new(),
        },
    }
}

/// Writes the report's findings in `format`.
pub fn render(
    report: &LintReport,
    format: Format,
    options: RenderOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human(report, options, out),
        Format::Json => json_lines(report, options, out),
        Format::Github => github(report, options, out),
        Format::Sarif => sarif(report, options, out),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `1 error, 2 warnings, 0 notes`.
fn counts_text(counts: &Counts) -> String {
    format!(
        "{}, {}, {}",
        plural(counts.errors, "error"),
        plural(counts.warnings, "warning"),
        plural(counts.notes, "note")
    )
}

/// What the scope and `--min-severity` left out, one clause each.
fn left_out(report: &LintReport) -> Vec<String> {
    let mut clauses = Vec::new();
    if let Some(scope) = &report.scope {
        clauses.push(format!(
            "{} outside the change not shown ({})",
            plural(scope.outside.total(), "finding"),
            counts_text(&scope.outside)
        ));
    }
    let below = &report.below_min_severity;
    if below.total() > 0 {
        clauses.push(format!(
            "{} below --min-severity not shown ({})",
            plural(below.total(), "finding"),
            counts_text(below)
        ));
    }
    clauses
}

fn reported_counts(report: &LintReport) -> Counts {
    let mut counts = Counts::default();
    for finding in &report.findings {
        counts.add(finding.severity);
    }
    counts
}

/// `docgen lint: 1 error, 2 warnings, 0 notes`, with what the scope, the
/// minimum severity and the baseline left out.
pub fn summary(report: &LintReport) -> String {
    let mut line = format!("docgen lint: {}", counts_text(&reported_counts(report)));
    for clause in left_out(report) {
        line.push_str("; ");
        line.push_str(&clause);
    }
    if report.known > 0 {
        line.push_str(&format!(
            "; {} held back by the baseline",
            plural(report.known, "known finding")
        ));
    }
    if report.fixed > 0 {
        line.push_str(&format!(
            "; {} in the baseline no longer found (rewrite it with --write-baseline)",
            plural(report.fixed, "finding")
        ));
        // Named, so that whoever fixed them can see it was what they meant; a
        // long list is cut, the file itself lists them all.
        const NAMED: usize = 20;
        for entry in report.fixed_findings.iter().take(NAMED) {
            line.push_str(&format!(
                "\n  fixed: {}: {} [{}]",
                escape_control(&entry.file),
                escape_control(&entry.message),
                entry.code
            ));
        }
        if report.fixed_findings.len() > NAMED {
            line.push_str(&format!(
                "\n  … and {} more fixed",
                report.fixed_findings.len() - NAMED
            ));
        }
    }
    line
}

/// Control characters as `\u{..}`: a page name or message must not start a
/// new line or move the terminal's cursor.
fn escape_control(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The path of a finding's file as reachable from the current directory: the
/// metadata file as given on the command line, a page under the docs folder.
fn finding_path(report: &LintReport, docs: &Path, file: &str) -> String {
    match &report.metadata {
        Some(metadata) if metadata.name == file => {
            metadata.path.to_string_lossy().replace('\\', "/")
        }
        _ => display_path(docs, file),
    }
}

/// A finding's file relative to the source root: the page under the docs
/// folder, or the metadata file as given on the command line.
fn rooted_path(report: &LintReport, root: &SourceRoot, file: &str) -> String {
    match &report.metadata {
        Some(metadata) if metadata.name == file => {
            metadata.path.to_string_lossy().replace('\\', "/")
        }
        _ => format!("{}{file}", root.prefix),
    }
}

/// The page's path as reachable from the current directory.
pub(crate) fn display_path(docs: &Path, file: &str) -> String {
    let docs = docs.to_string_lossy().replace('\\', "/");
    let docs = docs.trim_end_matches('/');
    match docs {
        "" | "." => file.to_string(),
        docs => format!("{}/{file}", docs.strip_prefix("./").unwrap_or(docs)),
    }
}

// ---------------------------------------------------------------------------
// human

/// The findings worst first: errors, then warnings, then notes; each severity
/// in file, line, column and code order.
fn worst_first(report: &LintReport) -> Vec<&Diagnostic> {
    let mut findings: Vec<&Diagnostic> = report.findings.iter().collect();
    // Stable: the report is already in file order.
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

/// The summary `human` starts with: counts by severity and by code, the five
/// files with the most findings, and what the scope left out.
fn human_summary(report: &LintReport, docs: &Path) -> String {
    let mut by_code: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    let mut by_file: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &report.findings {
        *by_code.entry((d.severity, d.code.name())).or_default() += 1;
        *by_file.entry(d.location.file.as_str()).or_default() += 1;
    }
    let counts = reported_counts(report);
    let mut text = format!(
        "docgen lint: {} in {}\n",
        counts_text(&counts),
        plural(by_file.len(), "file")
    );
    for (severity, label) in [
        (Severity::Error, "errors"),
        (Severity::Warning, "warnings"),
        (Severity::Note, "notes"),
    ] {
        let mut codes: Vec<(&str, usize)> = by_code
            .iter()
            .filter(|((s, _), _)| *s == severity)
            .map(|((_, code), n)| (*code, *n))
            .collect();
        if codes.is_empty() {
            continue;
        }
        codes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = codes.iter().map(|(c, n)| format!("{c} {n}")).collect();
        text.push_str(&format!("  {label}: {}\n", list.join(", ")));
    }
    let mut files: Vec<(&str, usize)> = by_file.into_iter().collect();
    files.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if !files.is_empty() {
        let top: Vec<String> = files
            .iter()
            .take(5)
            .map(|(file, n)| format!("{} {n}", visible(&display_path(docs, file))))
            .collect();
        text.push_str(&format!("  top files: {}\n", top.join(", ")));
    }
    if let Some(scope) = &report.scope {
        text.push_str(&format!(
            "  scope: {} changed; {} on changed pages, {} on other pages naming a changed page\n",
            plural(scope.listed, "path"),
            plural(scope.on_changed_pages, "finding"),
            scope.naming_changed_pages
        ));
    }
    for clause in left_out(report) {
        text.push_str(&format!("  {clause}\n"));
    }
    text
}

fn human(report: &LintReport, options: RenderOptions<'_>, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    if !report.findings.is_empty() || report.scope.is_some() {
        writeln!(out, "{}", human_summary(report, options.docs))?;
    }
    for finding in worst_first(report) {
        let path = finding_path(report, options.docs, &finding.location.file);
        let text = report.source(&finding.location.file);
        writeln!(out, "{}\n", human_one(&renderer, finding, &path, text))?;
    }
    Ok(())
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// One finding, rustc-style.
fn human_one(
    renderer: &Renderer,
    diagnostic: &Diagnostic,
    path: &str,
    text: Option<&str>,
) -> String {
    let location = &diagnostic.location;
    // Everything shown comes from the docs: made visible, so that no line break
    // or escape sequence in it reaches the terminal.
    let message = visible(&diagnostic.message);
    let path = visible(path);
    let title = level(diagnostic.severity)
        .primary_title(message.as_ref())
        .id(diagnostic.code.name());
    let line = text.and_then(|text| text.split('\n').nth(location.line.checked_sub(1)?));
    let group = match line {
        Some(line) => {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let span = byte_span(line, location.column, location.length);
            let (line, span) = visible_line(line, span);
            title.element(
                Snippet::source(line)
                    .line_start(location.line)
                    .path(path.as_ref())
                    .annotation(AnnotationKind::Primary.span(span)),
            )
        }
        None => title.element(
            Origin::path(path.as_ref())
                .line(location.line)
                .char_column(location.column),
        ),
    };
    let mut groups = vec![group];
    if let Some(suggestion) = &diagnostic.suggestion {
        groups.push(Group::with_title(
            Level::HELP.secondary_title(format!("suggestion: {}", visible(suggestion))),
        ));
    }
    renderer.render(&groups)
}

/// A page line as shown under a finding: unsafe characters made visible (tabs
/// kept, the renderer expands them), with `span`, a byte range of `line`, moved
/// onto the escaped text.
fn visible_line(line: &str, span: std::ops::Range<usize>) -> (String, std::ops::Range<usize>) {
    let mut out = String::with_capacity(line.len());
    let (mut start, mut end) = (None, None);
    for (at, c) in line.char_indices() {
        if at == span.start {
            start = Some(out.len());
        }
        if at == span.end {
            end = Some(out.len());
        }
        if c == '\t' {
            out.push(c);
        } else {
            push_visible(&mut out, c);
        }
    }
    let len = out.len();
    let start = start.unwrap_or(len);
    (out, start..end.unwrap_or(len).max(start))
}

/// The byte range to underline in `line`: `width` characters from the 1-based
/// character `column`; without a width, the rest of the line from the column
/// (the whole line, trimmed, for column 1).
fn byte_span(line: &str, column: usize, width: Option<usize>) -> std::ops::Range<usize> {
    let byte_at = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(at, _)| at)
    };
    let trimmed_end = line.trim_end().len();
    let leading = line.len() - line.trim_start().len();
    let start = if column <= 1 {
        leading
    } else {
        byte_at(column - 1).min(trimmed_end)
    };
    let end = match width {
        Some(width) => byte_at(line[..start].chars().count() + width),
        None => trimmed_end,
    };
    start..end.max(start)
}

// ---------------------------------------------------------------------------
// json

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: Severity,
    file: &'a str,
    path: String,
    line: usize,
    column: usize,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    suggestion: Option<&'a str>,
}

fn json_lines(
    report: &LintReport,
    options: RenderOptions<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    for d in &report.findings {
        let line = JsonFinding {
            code: d.code.name(),
            severity: d.severity,
            file: &d.location.file,
            path: finding_path(report, options.docs, &d.location.file),
            line: d.location.line,
            column: d.location.column,
            message: &d.message,
            suggestion: d.suggestion.as_deref(),
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// github

/// Errors first, then warnings, then notes: GitHub shows only the first few
/// annotations of each kind per step, and the errors are what fails the run.
fn github(report: &LintReport, options: RenderOptions<'_>, out: &mut dyn Write) -> io::Result<()> {
    let root = source_root(options.docs, options.cwd);
    for d in worst_first(report) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut message = d.message.clone();
        if let Some(suggestion) = &d.suggestion {
            message.push_str(&format!(" (suggestion: {suggestion})"));
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&rooted_path(report, &root, &d.location.file)),
            d.location.line,
            d.location.column,
            escape_property(d.code.name()),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Workflow command data: `%`, CR and LF escaped as GitHub reads them back
/// (`%25`, `%0D`, `%0A`); other control characters made visible (`\u{1b}`), as
/// GitHub's log would otherwise pass escape sequences to the reader.
fn escape_data(text: &str) -> String {
    escape_workflow(text, false)
}

/// Workflow command properties: also `:` (`%3A`) and `,` (`%2C`).
fn escape_property(text: &str) -> String {
    escape_workflow(text, true)
}

fn escape_workflow(text: &str, property: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_unsafe_char(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// sarif

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<SarifRun<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool<'a>,
    /// `%SRCROOT%`: the folder result paths are relative to.
    original_uri_base_ids: BTreeMap<&'static str, SarifBase>,
    /// Columns count Unicode characters, as docgen's do.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct SarifBase {
    uri: String,
}

#[derive(Serialize)]
struct SarifTool<'a> {
    driver: SarifDriver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver<'a> {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<SarifRule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    id: &'a str,
    short_description: SarifText<'a>,
    full_description: SarifText<'a>,
    help: SarifHelp,
    help_uri: &'static str,
    properties: SarifRuleProperties,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_configuration: Option<SarifConfiguration>,
}

#[derive(Serialize)]
struct SarifHelp {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct SarifRuleProperties {
    tags: &'static [&'static str],
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct SarifText<'a> {
    text: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: SarifText<'a>,
    locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysicalLocation {
    artifact_location: SarifArtifactLocation,
    region: SarifRegion,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    /// Exclusive; only when the finding knows its span.
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

const SRCROOT: &str = "%SRCROOT%";

/// `an example's path ...` as a sentence: `An example's path ....`
fn sentence(meaning: &str) -> String {
    let mut chars = meaning.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

fn sarif_rule(code: Code) -> SarifRule<'static> {
    let id = code.name();
    let meaning = code.meaning();
    let fix = code.fix();
    SarifRule {
        id,
        short_description: SarifText {
            text: std::borrow::Cow::Borrowed(meaning),
        },
        full_description: SarifText {
            text: sentence(meaning).into(),
        },
        help: SarifHelp {
            text: format!("{}\n\nFix: {fix}\n\nSee {}", sentence(meaning), HELP_URI),
            markdown: format!(
                "**`{id}`**: {}\n\n**Fix:** {fix}\n\nSee [Diagnostic codes]({}).",
                sentence(meaning),
                HELP_URI
            ),
        },
        help_uri: HELP_URI,
        properties: SarifRuleProperties { tags: code.tags() },
        default_configuration: code.default_severity().map(|severity| SarifConfiguration {
            level: sarif_level(severity),
        }),
    }
}

fn sarif(report: &LintReport, options: RenderOptions<'_>, out: &mut dyn Write) -> io::Result<()> {
    let root = source_root(options.docs, options.cwd);
    let rules = Code::ALL.iter().map(|code| sarif_rule(*code)).collect();
    // Each page's line hashes, computed once per page.
    let mut line_hashes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let results = report
        .findings
        .iter()
        .map(|finding| {
            let file = finding.location.file.as_str();
            let hashes = line_hashes
                .entry(file)
                .or_insert_with(|| report.source(file).map(line_hashes_of).unwrap_or_default());
            let mut result = sarif_result(report, finding, &root);
            let line = finding.location.line.max(1);
            if let Some(hash) = hashes.get(line - 1) {
                result
                    .partial_fingerprints
                    .insert("primaryLocationLineHash", hash.clone());
            }
            // The Nth identical docgen fingerprint gets `:N`, as GitHub numbers
            // identical line hashes: no two results share their fingerprints.
            let docgen = format!("{:016x}", fnv1a(fingerprint(finding).as_bytes()));
            let n = seen.entry(docgen.clone()).or_default();
            *n += 1;
            result
                .partial_fingerprints
                .insert("docgenFingerprint/v1", format!("{docgen}:{n}"));
            result
        })
        .collect();
    let log = SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: vec![SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "docgen",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: HELP_URI,
                    rules,
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                SarifBase {
                    uri: file_uri(&root.dir),
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn sarif_result<'a>(report: &LintReport, d: &'a Diagnostic, root: &SourceRoot) -> SarifResult<'a> {
    let text = match &d.suggestion {
        Some(suggestion) => format!("{} (suggestion: {suggestion})", d.message).into(),
        None => std::borrow::Cow::Borrowed(d.message.as_str()),
    };
    SarifResult {
        rule_id: d.code.name(),
        rule_index: Some(d.code.index()),
        level: sarif_level(d.severity),
        message: SarifText { text },
        locations: vec![SarifLocation {
            physical_location: SarifPhysicalLocation {
                artifact_location: SarifArtifactLocation {
                    uri: uri_path(&rooted_path(report, root, &d.location.file)),
                    uri_base_id: SRCROOT,
                },
                region: SarifRegion {
                    start_line: d.location.line.max(1),
                    start_column: d.location.column.max(1),
                    end_column: d
                        .location
                        .length
                        .filter(|w| *w > 0)
                        .map(|w| d.location.column.max(1) + w),
                },
            },
        }],
        partial_fingerprints: BTreeMap::new(),
    }
}

/// An absolute folder as a `file:` URI ending in `/`, as `originalUriBaseIds`
/// wants it.
fn file_uri(dir: &Path) -> String {
    let mut path = dir.to_string_lossy().replace('\\', "/");
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    format!("file://{}", uri_path(&path))
}

/// GitHub's `primaryLocationLineHash` for every line of `text` (index 0 is
/// line 1), computed as github/codeql-action's `fingerprints.ts` does when it
/// uploads SARIF: a rolling hash (base 37, 64 bits, wrapping) over the 100
/// characters (UTF-16 code units) from the line's first one, spaces and tabs
/// skipped, CR and CRLF read as LF, the end of the text marked by 65535 and
/// padded with zeros; written in hex with `:N` for the Nth line of the file
/// with that hash, so every line's value is unique.
fn line_hashes_of(text: &str) -> Vec<String> {
    const BLOCK: usize = 100;
    const MOD: u64 = 37;
    const SPACE: u64 = b' ' as u64;
    const TAB: u64 = b'\t' as u64;
    const LF: u64 = b'\n' as u64;
    const CR: u64 = b'\r' as u64;
    const EOF: u64 = 65535;

    struct State {
        first_mod: u64,
        window: [u64; BLOCK],
        line_numbers: [Option<usize>; BLOCK],
        hash: u64,
        index: usize,
        line_number: usize,
        line_start: bool,
        prev_cr: bool,
        counts: std::collections::HashMap<u64, usize>,
        out: Vec<(usize, String)>,
    }

    impl State {
        fn output(&mut self) {
            let n = self.counts.entry(self.hash).or_default();
            *n += 1;
            if let Some(line) = self.line_numbers[self.index] {
                self.out.push((line, format!("{:x}:{n}", self.hash)));
            }
            self.line_numbers[self.index] = None;
        }

        fn update(&mut self, current: u64) {
            let begin = self.window[self.index];
            self.window[self.index] = current;
            self.hash = MOD
                .wrapping_mul(self.hash)
                .wrapping_add(current)
                .wrapping_sub(self.first_mod.wrapping_mul(begin));
            self.index = (self.index + 1) % BLOCK;
        }

        fn process(&mut self, mut current: u64) {
            if current == SPACE || current == TAB || (self.prev_cr && current == LF) {
                self.prev_cr = false;
                return;
            }
            if current == CR {
                current = LF;
                self.prev_cr = true;
            } else {
                self.prev_cr = false;
            }
            if self.line_numbers[self.index].is_some() {
                self.output();
            }
            if self.line_start {
                self.line_start = false;
                self.line_number += 1;
                self.line_numbers[self.index] = Some(self.line_number);
            }
            if current == LF {
                self.line_start = true;
            }
            self.update(current);
        }
    }

    let mut state = State {
        first_mod: (0..BLOCK).fold(1u64, |m, _| m.wrapping_mul(MOD)),
        window: [0; BLOCK],
        line_numbers: [None; BLOCK],
        hash: 0,
        index: 0,
        line_number: 0,
        line_start: true,
        prev_cr: false,
        counts: std::collections::HashMap::new(),
        out: Vec::new(),
    };
    for unit in text.encode_utf16() {
        state.process(u64::from(unit));
    }
    state.process(EOF);
    for _ in 0..BLOCK {
        if state.line_numbers[state.index].is_some() {
            state.output();
        }
        state.update(0);
    }
    // Lines are output in order, 1, 2, ...
    state.out.sort_by_key(|(line, _)| *line);
    state.out.into_iter().map(|(_, hash)| hash).collect()
}

/// A relative path as a URI reference: bytes outside the unreserved set and `/`
/// are percent-encoded.
fn uri_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// FNV-1a, 64 bits: a stable hash for fingerprints (the std hasher is not stable
/// across releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!(byte_span("  | a | b |  ", 1, None), 2..11);
        assert_eq!(byte_span("Content-Length: 12", 17, Some(2)), 16..18);
        assert_eq!(byte_span("Content-Length: 12", 17, None), 16..18);
        assert_eq!(byte_span("é: 12", 4, Some(2)), 4..6);
        assert_eq!(byte_span("short", 40, Some(3)), 5..5);
        assert_eq!(byte_span("", 1, None), 0..0);
    }

    #[test]
    fn paths() {
        assert_eq!(
            display_path(Path::new("docs-input"), "api/x.md"),
            "docs-input/api/x.md"
        );
        assert_eq!(
            display_path(Path::new("./docs/"), "api/x.md"),
            "docs/api/x.md"
        );
        assert_eq!(display_path(Path::new("."), "api/x.md"), "api/x.md");
        assert_eq!(uri_path("../a b/c%.md"), "../a%20b/c%25.md");
    }

    #[test]
    fn workflow_command_escapes() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(
            escape_data("a\r\n::error x\u{1b}[2J"),
            "a%0D%0A::error x\\u{1b}[2J"
        );
    }

    /// Expected values from a BigInt port of codeql-action's `hash()` run in
    /// node (`src/fingerprints.ts`, github/codeql-action).
    #[test]
    fn line_hashes_match_codeql_action() {
        assert_eq!(
            line_hashes_of("hello\n  world\nhello\n"),
            vec![
                "6d7b7f5f5556dc5:1",
                "ea86664d537b73d3:1",
                "5e536e90a7094d15:1",
                "c129715d7a2bc9a3:1"
            ]
        );
        assert_eq!(
            line_hashes_of("a\n\nb\n\n\n"),
            vec![
                "880f8c82f82ef668:1",
                "938dc08ca072a889:1",
                "5b5cae4d3171c963:1",
                "5b5d4caf73a13177:1",
                "3c5bef55b72b93c9:1",
                "c129715d7a2bc9a3:1"
            ]
        );
        let long = format!("é 😀 x\n{}\nend", "long line ".repeat(30));
        assert_eq!(
            line_hashes_of(&long),
            vec![
                "6b14c029acf0c8b3:1",
                "fd83ca1040149500:1",
                "43b6461eda086fe2:1"
            ]
        );
        assert_eq!(line_hashes_of(""), vec!["c129715d7a2bc9a3:1"]);
        let same = line_hashes_of(&"x\n".repeat(60));
        assert_eq!(same[0], "c0fe7b2700d6c254:1");
        assert_eq!(same[2], "c0fe7b2700d6c254:3");
    }

    #[test]
    fn source_roots() {
        let dir = tempfile_dir();
        let docs = dir.join("docs");
        let _ = std::fs::create_dir_all(&docs);
        let root = source_root(Path::new("docs"), &dir);
        assert_eq!(root.prefix, "docs/");
        let root = source_root(&docs, &dir);
        assert_eq!(root.prefix, "docs/");
        let root = source_root(Path::new("../docs"), &dir.join("docs"));
        assert_eq!(root.prefix, "");
        let root = source_root(Path::new("."), &docs);
        assert_eq!(root.prefix, "");
        let root = source_root(Path::new("../docs"), &dir.join("tools"));
        assert_eq!(
            (root.prefix.as_str(), root.dir.ends_with("docs")),
            ("", true)
        );
        assert_eq!(file_uri(Path::new("/a b/c")), "file:///a%20b/c/");
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("docgen-render-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    }

    #[test]
    fn visible_lines_keep_the_span() {
        let line = "a\u{1b}[2J bc";
        let span = byte_span(line, 7, Some(2));
        assert_eq!(&line[span.clone()], "bc");
        let (shown, span) = visible_line(line, span);
        assert_eq!(shown, "a\\u{1b}[2J bc");
        assert_eq!(&shown[span], "bc");
        let (shown, span) = visible_line("x\ty", 0..3);
        assert_eq!((shown.as_str(), span), ("x\ty", 0..3));
    }
}
