//! `docgen lint` through the real binary: the output formats (snapshotted on
//! `fixtures/lint/formats`), `docgen.toml`, the baseline, and the exit codes.

mod support;

use docgen::diagnostics::{Code, HELP_URI};
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use support::{copy_tree, lint_fixtures};

/// Runs `docgen lint ARGS` in `dir`.
fn docgen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docgen"))
        .arg("lint")
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run docgen")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `docgen lint --docs formats --format FORMAT`, run from the fixtures folder so
/// that paths in the output are short and the same on every machine.
fn formats(format: &str) -> Output {
    docgen_in(&lint_fixtures(), &["--docs", "formats", "--format", format])
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

// ---------------------------------------------------------------------------
// formats

#[test]
fn human_format() {
    let output = formats("human");
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    insta::assert_snapshot!("lint_human", stdout(&output));
    assert_eq!(
        stderr(&output).trim(),
        "docgen lint: 1 error, 2 warnings, 1 note"
    );
}

#[test]
fn json_format() {
    let output = formats("json");
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    insta::assert_snapshot!("lint_json", text);
    for line in text.lines() {
        let finding: Value = serde_json::from_str(line).expect("one JSON object per line");
        for field in ["code", "severity", "file", "line", "column", "message"] {
            assert!(finding.get(field).is_some(), "`{field}` in {line}");
        }
    }
}

#[test]
fn github_format() {
    let output = formats("github");
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    insta::assert_snapshot!("lint_github", text);
    assert!(text.lines().all(|l| l.starts_with("::error file=")
        || l.starts_with("::warning file=")
        || l.starts_with("::notice file=")));
}

#[test]
fn sarif_format() {
    let output = formats("sarif");
    assert_eq!(code(&output), 1);
    let mut log: Value = serde_json::from_str(&stdout(&output)).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "docgen");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    // One rule per code of the catalog, in its order, and results point at theirs.
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let catalog: Vec<&str> = Code::ALL.iter().map(|code| code.name()).collect();
    assert_eq!(ids, catalog);
    for (rule, code) in rules.iter().zip(Code::ALL) {
        let meaning = code.meaning();
        assert_eq!(rule["shortDescription"]["text"], meaning);
        let fix = code.fix();
        let full = rule["fullDescription"]["text"]
            .as_str()
            .expect("fullDescription");
        assert!(
            full.to_lowercase().starts_with(&meaning.to_lowercase()),
            "{full}"
        );
        for form in ["text", "markdown"] {
            let help = rule["help"][form].as_str().expect("help");
            assert!(help.contains(fix), "{code}: {help}");
            assert!(help.contains(HELP_URI), "{help}");
        }
        assert_eq!(
            rule["helpUri"],
            "https://github.com/docgen/docgen/blob/main/README.md#diagnostic-codes"
        );
        let tags = rule["properties"]["tags"].as_array().expect("tags");
        assert!(tags.iter().any(|t| t == "documentation"), "{code}");
        let level = code.default_severity().map(|s| s.to_string());
        assert_eq!(
            rule["defaultConfiguration"]["level"].as_str(),
            level.as_deref(),
            "{code}"
        );
    }
    let base = runs[0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("%SRCROOT%");
    assert!(
        base.starts_with("file:///") && base.ends_with("/"),
        "{base}"
    );
    let mut fingerprints = std::collections::BTreeSet::new();
    for result in runs[0]["results"].as_array().expect("results") {
        let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uriBaseId"], "%SRCROOT%");
        assert!(location["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("formats/")));
        let hash = result["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .expect("primaryLocationLineHash");
        let (hex, n) = hash.split_once(':').expect("hash:N");
        assert!(
            u64::from_str_radix(hex, 16).is_ok() && n.parse::<u32>().is_ok(),
            "{hash}"
        );
        assert!(
            fingerprints.insert(format!(
                "{} {}",
                result["ruleId"], result["partialFingerprints"]
            )),
            "fingerprints are unique per result"
        );
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(result["ruleId"], rules[index]["id"]);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().expect("level")));
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().is_some_and(|l| l >= 1));
        assert!(region["startColumn"].as_u64().is_some_and(|c| c >= 1));
    }

    // The snapshot leaves out what changes whenever a code is added to the
    // catalog (checked above): the rules and the rule indexes.
    let run = &mut log["runs"][0];
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = Value::from("file:///[fixtures]/");
    run["tool"]["driver"]["version"] = Value::from("[version]");
    run["tool"]["driver"]["rules"] = Value::from("[one rule per code of the catalog]");
    for result in run["results"].as_array_mut().expect("results") {
        result["ruleIndex"] = Value::from("[index in the catalog]");
    }
    let text = serde_json::to_string_pretty(&log).expect("JSON");
    insta::assert_snapshot!("lint_sarif", text);
}

// ---------------------------------------------------------------------------
// configuration

/// A writable copy of the `formats` fixture with `docgen.toml` holding `config`.
fn configured(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&lint_fixtures().join("formats"), dir.path());
    if let Some(config) = config {
        fs::write(dir.path().join("docgen.toml"), config).expect("write docgen.toml");
    }
    dir
}

/// `(code, severity, file)` of each finding of `docgen lint --format json` in `dir`.
fn lint_json(dir: &Path, extra: &[&str]) -> (i32, Vec<(String, String, String)>) {
    let mut args = vec!["--docs", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let output = docgen_in(dir, &args);
    let findings = stdout(&output)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("JSON line");
            let field = |name: &str| v[name].as_str().expect(name).to_string();
            (field("code"), field("severity"), field("file"))
        })
        .collect();
    (code(&output), findings)
}

fn severity_of(findings: &[(String, String, String)], code: &str) -> Option<String> {
    findings
        .iter()
        .find(|(c, _, _)| c == code)
        .map(|(_, s, _)| s.clone())
}

#[test]
fn without_config_the_defaults_apply() {
    let dir = configured(None);
    let (exit, findings) = lint_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(findings.len(), 4);
    assert_eq!(
        severity_of(&findings, "annotation-invalid").as_deref(),
        Some("error")
    );
}

#[test]
fn severity_allow_warn_and_deny() {
    let dir = configured(Some(
        "[severity]\nannotation-invalid = \"warn\"\ncontent-length-mismatch = \"allow\"\n",
    ));
    let (exit, findings) = lint_json(dir.path(), &[]);
    assert_eq!(exit, 0, "the only error was made a warning");
    assert_eq!(
        severity_of(&findings, "annotation-invalid").as_deref(),
        Some("warning")
    );
    assert_eq!(severity_of(&findings, "content-length-mismatch"), None);

    let dir = configured(Some(
        "[severity]\nannotation-invalid = \"allow\"\ndescription-empty = \"deny\"\n",
    ));
    let (exit, findings) = lint_json(dir.path(), &[]);
    assert_eq!(exit, 1, "a note made an error fails the run");
    assert_eq!(
        severity_of(&findings, "description-empty").as_deref(),
        Some("error")
    );
    assert_eq!(severity_of(&findings, "annotation-invalid"), None);
}

#[test]
fn skip_patterns() {
    let dir = configured(Some("skip = [\"resources/\"]\n"));
    let (_, findings) = lint_json(dir.path(), &[]);
    assert!(!findings.is_empty());
    assert!(findings
        .iter()
        .all(|(_, _, file)| !file.starts_with("resources/")));

    let dir = configured(Some("skip = [\"api/*-post.md\"]\n"));
    let (exit, findings) = lint_json(dir.path(), &[]);
    assert_eq!(exit, 0);
    let files: Vec<&str> = findings.iter().map(|(_, _, f)| f.as_str()).collect();
    assert_eq!(files, vec!["resources/widget.md"]);
}

#[test]
fn invalid_config_is_a_usage_error() {
    for (config, says) in [
        ("[severity\n", "docgen.toml"),
        (
            "[severity]\nno-such-code = \"deny\"\n",
            "unknown code `no-such-code`",
        ),
        ("[severity]\nlink-broken = \"loud\"\n", "docgen.toml"),
        ("skipp = [\"x\"]\n", "skipp"),
        ("skip = [\"a[\"]\n", "bad pattern"),
        ("baseline = 3\n", "docgen.toml"),
    ] {
        let dir = configured(Some(config));
        let output = docgen_in(dir.path(), &["--docs", "."]);
        assert_eq!(code(&output), 2, "{config}");
        assert!(output.stdout.is_empty());
        let err = stderr(&output);
        assert!(err.starts_with("error: invalid `"), "{err}");
        assert!(err.contains(says), "`{says}` in {err}");
    }
}

// ---------------------------------------------------------------------------
// baseline

#[test]
fn baseline_round_trip() {
    let dir = configured(Some("baseline = \"lint-baseline.json\"\n"));
    let docs = dir.path();

    // A configured baseline that does not exist yet is a usage error.
    let output = docgen_in(docs, &["--docs", "."]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("--write-baseline"),
        "{}",
        stderr(&output)
    );

    let output = docgen_in(docs, &["--docs", ".", "--write-baseline"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("wrote 4 finding(s)"),
        "{}",
        stderr(&output)
    );
    let written = fs::read_to_string(docs.join("lint-baseline.json")).expect("baseline written");
    let baseline: Value = serde_json::from_str(&written).expect("baseline is JSON");
    assert_eq!(baseline["findings"].as_array().map(Vec::len), Some(4));

    // Every finding is known: nothing is reported and the error does not fail.
    let output = docgen_in(docs, &["--docs", "."]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    assert!(stderr(&output).contains("4 known findings held back by the baseline"));

    // Lines added above the findings move them; they stay known.
    let page = docs.join("api/widget-post.md");
    let text = fs::read_to_string(&page).expect("page");
    let moved = text.replacen(
        "Namespace: microsoft.graph\n",
        "Namespace: microsoft.graph\n\nA new paragraph.\n\nAnd another one.\n",
        1,
    );
    fs::write(&page, &moved).expect("edit page");
    let (exit, findings) = lint_json(docs, &[]);
    assert_eq!((exit, findings.len()), (0, 0));

    // A new problem is reported, alone; a fixed one is counted as gone.
    let changed = moved
        .replace("Content-Length: 99", "Content-Length: 27")
        .replacen(
            "## Permissions\n",
            "## Permissions\n\nSee [the body](#request-bodyy).\n",
            1,
        );
    fs::write(&page, changed).expect("edit page");
    let output = docgen_in(docs, &["--docs", ".", "--format", "json"]);
    assert_eq!(code(&output), 0);
    let new: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["code"], "anchor-missing");
    assert!(stderr(&output).contains("1 finding in the baseline no longer found"));
}

#[test]
fn write_baseline_without_config_uses_the_default_name() {
    let dir = configured(None);
    let output = docgen_in(dir.path(), &["--docs", ".", "--write-baseline"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(dir.path().join("lint-baseline.json").is_file());
    assert!(
        stderr(&output).contains("add `baseline = \"lint-baseline.json\"`"),
        "{}",
        stderr(&output)
    );
    // Without `baseline = ...` in docgen.toml it is not read back.
    let (exit, findings) = lint_json(dir.path(), &[]);
    assert_eq!((exit, findings.len()), (1, 4));
}

#[test]
fn baseline_that_is_not_a_baseline_is_a_usage_error() {
    let dir = configured(Some("baseline = \"lint-baseline.json\"\n"));
    fs::write(dir.path().join("lint-baseline.json"), "{\"findings\": 3}").expect("write");
    let output = docgen_in(dir.path(), &["--docs", "."]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("not a docgen baseline"),
        "{}",
        stderr(&output)
    );
}

// ---------------------------------------------------------------------------
// exit codes

#[test]
fn warnings_alone_exit_zero() {
    let output = docgen_in(
        &lint_fixtures(),
        &[
            "--docs",
            "content-length-mismatch/fires",
            "--format",
            "github",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("::warning file=content-length-mismatch/fires/api/widget-post.md,line=47,col=17,title=content-length-mismatch::"));
}

#[test]
fn unreadable_docs_folder_is_a_usage_error() {
    let output = docgen_in(&lint_fixtures(), &["--docs", "no-such-folder"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("cannot read docs folder"));
    let output = docgen_in(&lint_fixtures(), &["--docs", "formats", "--format", "xml"]);
    assert_eq!(code(&output), 2);
}

// ---------------------------------------------------------------------------
// scope: --changed-files, --changed-since, --min-severity, --max-warnings

/// `docgen lint ARGS` in `dir` with `stdin` piped in.
fn docgen_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .arg("lint")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run docgen");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("docgen output")
}

/// `(code, file)` of each JSON line.
fn codes_and_files(output: &Output) -> Vec<(String, String)> {
    stdout(output)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("JSON line");
            let field = |name: &str| v[name].as_str().expect(name).to_string();
            (field("code"), field("file"))
        })
        .collect()
}

#[test]
fn changed_files_relative_to_the_repository_or_the_docs_folder() {
    let dir = lint_fixtures();
    // Relative to the current directory (the repository root in CI).
    let list = tempfile::NamedTempFile::new().expect("temp file");
    fs::write(list.path(), "formats/resources/widget.md\nREADME.md\n").expect("write list");
    let list_arg = list.path().to_str().expect("UTF-8 temp path");
    let output = docgen_in(
        &dir,
        &[
            "--docs",
            "formats",
            "--format",
            "json",
            "--changed-files",
            list_arg,
        ],
    );
    assert_eq!(code(&output), 0, "the error is outside the change");
    assert_eq!(
        codes_and_files(&output),
        vec![("description-empty".into(), "resources/widget.md".into())]
    );
    assert!(
        stderr(&output)
            .contains("3 findings outside the change not shown (1 error, 2 warnings, 0 notes)"),
        "{}",
        stderr(&output)
    );

    // Relative to the docs folder, from stdin, with CRLF line ends.
    let output = docgen_with_stdin(
        &dir,
        &[
            "--docs",
            "formats",
            "--format",
            "json",
            "--changed-files",
            "-",
        ],
        "api/widget-post.md\r\n",
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let files: Vec<String> = codes_and_files(&output)
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    assert_eq!(files, vec!["api/widget-post.md"; 3]);
}

#[test]
fn changed_files_keep_findings_that_name_a_changed_page() {
    // The finding is on api/widget-get.md; it names the changed page.
    let output = docgen_with_stdin(
        &lint_fixtures(),
        &[
            "--docs",
            "duplicate-operation/fires",
            "--format",
            "json",
            "--changed-files",
            "-",
        ],
        "duplicate-operation/fires/api/widget-get-again.md\n",
    );
    assert_eq!(
        codes_and_files(&output),
        vec![("duplicate-operation".into(), "api/widget-get.md".into())]
    );
    // A page that links to the changed (here: deleted) page.
    let output = docgen_with_stdin(
        &lint_fixtures(),
        &["--docs", "link-broken/fires", "--changed-files", "-"],
        "api/widget-read.md\n",
    );
    let text = stdout(&output);
    assert!(text.contains("link-broken"), "{text}");
    assert!(
        text.contains("0 findings on changed pages, 1 on other pages naming a changed page"),
        "{text}"
    );
}

#[test]
fn changed_since_reads_git() {
    let dir = configured(None);
    let docs = dir.path();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(docs)
            .output()
            .expect("run git");
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "docs"]);
    let page = docs.join("resources/widget.md");
    let text = fs::read_to_string(&page).expect("page");
    fs::write(&page, format!("{text}\nA new line.\n")).expect("edit page");

    let output = docgen_in(
        docs,
        &["--docs", ".", "--format", "json", "--changed-since", "HEAD"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        codes_and_files(&output),
        vec![("description-empty".into(), "resources/widget.md".into())]
    );

    // From a parent folder, with the docs in a subfolder of the repository.
    let parent = docs.parent().expect("parent");
    let name = docs.file_name().and_then(|n| n.to_str()).expect("name");
    let output = docgen_in(
        parent,
        &[
            "--docs",
            name,
            "--format",
            "json",
            "--changed-since",
            "HEAD",
        ],
    );
    assert_eq!(codes_and_files(&output).len(), 1, "{}", stderr(&output));

    // An unknown ref, a ref git would read as an option, no repository: exit 2.
    for (args, says) in [
        (vec!["--changed-since", "no-such-ref"], "no-such-ref"),
        (vec!["--changed-since=--output=x"], "cannot start with `-`"),
    ] {
        let mut all = vec!["--docs", "."];
        all.extend(args);
        let output = docgen_in(docs, &all);
        assert_eq!(code(&output), 2, "{all:?}");
        assert!(output.stdout.is_empty());
        let err = stderr(&output);
        assert!(err.starts_with("error: --changed-since"), "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert!(!docs.join("x").exists());
    let not_a_repo = configured(None);
    let output = docgen_in(
        not_a_repo.path(),
        &["--docs", ".", "--changed-since", "HEAD"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("git diff --name-only"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn scope_flags_are_usage_errors_with_write_baseline() {
    let output = docgen_in(
        &lint_fixtures(),
        &[
            "--docs",
            "formats",
            "--changed-since",
            "HEAD",
            "--changed-files",
            "-",
        ],
    );
    assert_eq!(code(&output), 2);
    let output = docgen_in(
        &lint_fixtures(),
        &[
            "--docs",
            "formats",
            "--changed-since",
            "HEAD",
            "--write-baseline",
        ],
    );
    assert_eq!(code(&output), 2);
    let output = docgen_in(
        &lint_fixtures(),
        &["--docs", "formats", "--changed-files", "/no/such/list"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("cannot read --changed-files"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn min_severity_and_max_warnings() {
    let dir = lint_fixtures();
    let output = docgen_in(
        &dir,
        &[
            "--docs",
            "formats",
            "--format",
            "json",
            "--min-severity",
            "warning",
        ],
    );
    let codes: Vec<String> = codes_and_files(&output)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(
        codes,
        vec![
            "anchor-missing",
            "annotation-invalid",
            "content-length-mismatch"
        ]
    );
    assert!(stderr(&output)
        .contains("1 finding below --min-severity not shown (0 errors, 0 warnings, 1 note)"));
    let output = docgen_in(
        &dir,
        &[
            "--docs",
            "formats",
            "--format",
            "json",
            "--min-severity",
            "error",
        ],
    );
    assert_eq!(codes_and_files(&output).len(), 1);
    assert_eq!(code(&output), 1);

    // content-length-mismatch/fires has warnings only: exit 0 unless more than N.
    let fires = [
        "--docs",
        "content-length-mismatch/fires",
        "--format",
        "json",
    ];
    let warnings = codes_and_files(&docgen_in(&dir, &fires)).len();
    assert!(warnings >= 1);
    let with_max = |max: usize| {
        let max = max.to_string();
        let mut args = fires.to_vec();
        args.extend(["--max-warnings", max.as_str()]);
        docgen_in(&dir, &args)
    };
    assert_eq!(code(&with_max(warnings)), 0);
    let output = with_max(warnings - 1);
    assert_eq!(code(&output), 1);
    assert!(stderr(&output).contains(&format!("more than --max-warnings {}", warnings - 1)));
    // Warnings held back by --min-severity are not reported, so do not count.
    let mut args = fires.to_vec();
    args.extend(["--max-warnings", "0", "--min-severity", "error"]);
    assert_eq!(code(&docgen_in(&dir, &args)), 0);
}

#[test]
fn errors_come_first() {
    let human = stdout(&formats("human"));
    assert!(
        human.starts_with("docgen lint: 1 error, 2 warnings, 1 note in 2 files\n"),
        "{human}"
    );
    let first = human.find("\nerror[").expect("an error");
    let warning = human.find("\nwarning[").expect("a warning");
    let note = human.find("\nnote[").expect("a note");
    assert!(first < warning && warning < note, "{human}");

    let github = stdout(&formats("github"));
    let kinds: Vec<&str> = github
        .lines()
        .filter_map(|l| l.strip_prefix("::")?.split(' ').next())
        .collect();
    assert_eq!(kinds, vec!["error", "warning", "warning", "notice"]);
}

#[test]
fn changed_files_relative_to_the_repository_root_from_a_subfolder() {
    // repo/.git, repo/docs (the docs), repo/tools (the current directory).
    let repo = tempfile::tempdir().expect("temp dir");
    fs::create_dir(repo.path().join(".git")).expect("mkdir .git");
    copy_tree(&lint_fixtures().join("formats"), &repo.path().join("docs"));
    let tools = repo.path().join("tools");
    fs::create_dir(&tools).expect("mkdir tools");
    let output = docgen_with_stdin(
        &tools,
        &[
            "--docs",
            "../docs",
            "--format",
            "json",
            "--changed-files",
            "-",
        ],
        "docs/resources/widget.md\n",
    );
    assert_eq!(
        codes_and_files(&output),
        vec![("description-empty".into(), "resources/widget.md".into())],
        "{}",
        stderr(&output)
    );
}

/// The `artifactLocation.uri` of each SARIF result and the `%SRCROOT%` URI.
fn sarif_paths(output: &Output) -> (Vec<String>, String) {
    let log: Value = serde_json::from_str(&stdout(output)).expect("SARIF is JSON");
    let run = &log["runs"][0];
    let uris = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let location = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(location["uriBaseId"], "%SRCROOT%");
            location["uri"].as_str().expect("uri").to_string()
        })
        .collect();
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("base")
        .to_string();
    (uris, base)
}

#[test]
fn sarif_paths_are_relative_however_docs_is_given() {
    let fixtures = lint_fixtures().canonicalize().expect("fixtures");
    let formats = fixtures.join("formats");
    let absolute = formats.to_str().expect("UTF-8 path");
    let expected: Vec<&str> = vec![
        "formats/api/widget-post.md",
        "formats/api/widget-post.md",
        "formats/api/widget-post.md",
        "formats/resources/widget.md",
    ];
    // Inside the current directory, relative or absolute: relative to it.
    for docs in ["formats", "./formats/", absolute] {
        let output = docgen_in(&fixtures, &["--docs", docs, "--format", "sarif"]);
        let (uris, base) = sarif_paths(&output);
        assert_eq!(uris, expected, "--docs {docs}");
        assert!(base.ends_with("/fixtures/lint/"), "{base}");
        let github = stdout(&docgen_in(
            &fixtures,
            &["--docs", docs, "--format", "github"],
        ));
        assert!(
            github.lines().all(|l| l.contains(" file=formats/")),
            "{github}"
        );
    }
    // Outside it (`../formats`, or absolute): relative to the docs folder.
    let api = formats.join("api");
    for docs in ["../../formats", absolute] {
        let output = docgen_in(
            &api.join("..").join("resources"),
            &["--docs", docs, "--format", "sarif"],
        );
        let (uris, base) = sarif_paths(&output);
        assert_eq!(
            uris,
            vec![
                "api/widget-post.md",
                "api/widget-post.md",
                "api/widget-post.md",
                "resources/widget.md"
            ],
            "--docs {docs}"
        );
        assert!(base.ends_with("/fixtures/lint/formats/"), "{base}");
    }
}
