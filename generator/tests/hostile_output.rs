//! Page names, messages and page lines are input: newlines and control or escape
//! characters in them must not reach `docgen lint`'s output (or `generate`'s
//! diagnostics on stderr) as they are. No forged diagnostic line, no line that
//! starts a GitHub workflow command, no terminal escape sequence.

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use support::{copy_tree, lint_fixtures};

/// What an attacker writes into a page: a line break followed by a forged
/// workflow command and a forged rustc-style line, plus terminal escapes.
const FORGED: &str = "x\\n::error file=forged.md,line=1::forged\\r\\nerror[forged]: forged\\u001b[2J\\u001b]0;title\\u0007\\u009b31m";

/// The `formats` fixture with hostile content: a request example name (quoted by
/// `example-name-duplicate`), a page line holding raw escapes (shown under
/// `anchor-missing`), and a page whose file name holds a line break and an escape.
fn hostile_docs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_tree(&lint_fixtures().join("formats"), dir.path());
    let get = dir.path().join("api/widget-get.md");
    let text = fs::read_to_string(&get).expect("page");
    let text = text.replace(
        "\"name\": \"get_widget\"",
        &format!("\"name\": \"{FORGED}\""),
    );
    fs::write(&get, &text).expect("write page");

    let post = dir.path().join("api/widget-post.md");
    let text = fs::read_to_string(&post).expect("page");
    let text = text
        .replace(
            "\"name\": : \"create_widget\"",
            &format!("\"name\": \"{FORGED}\""),
        )
        .replace(
            "See [Permissions](#permision).",
            "See [Permissions](#permision). \u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}1m\r::error file=a.md::b",
        );
    fs::write(&post, &text).expect("write page");

    // A second copy of the post page under a hostile name: findings are
    // reported at it (content-length-mismatch) and name it (duplicate-operation).
    let evil = dir
        .path()
        .join("api/evil\n::error file=forged.md::forged\u{1b}[31m.md");
    fs::write(&evil, &text).expect("write hostile page");
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docgen"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run docgen")
}

/// No terminal control character other than the line feed, and no line that a
/// reader (a terminal, GitHub's log parser) could take for something docgen did
/// not mean to write.
fn assert_inert(what: &str, text: &str) {
    assert_no_controls(what, text, |c| c.is_control());
    assert_no_forged_lines(what, text);
}

/// JSON is escaped by serde_json, which leaves C1 controls and DEL as they are
/// (valid in a JSON string, inert in a UTF-8 terminal); C0 controls must not pass.
fn assert_inert_json(what: &str, text: &str) {
    assert_no_controls(what, text, |c| c.is_ascii_control());
    assert_no_forged_lines(what, text);
}

fn assert_no_controls(what: &str, text: &str, is_control: impl Fn(char) -> bool) {
    for c in text.chars() {
        assert!(
            c == '\n' || !is_control(c),
            "{what}: raw control character {c:?} in\n{text}"
        );
    }
}

fn assert_no_forged_lines(what: &str, text: &str) {
    for line in text.lines() {
        assert!(
            !line.trim_start().starts_with("::error file=forged.md"),
            "{what}: forged workflow command `{line}`"
        );
        assert!(
            !line.starts_with("error[forged]"),
            "{what}: forged diagnostic line `{line}`"
        );
    }
}

#[test]
fn human_output_is_escaped() {
    let dir = hostile_docs();
    let output = run(dir.path(), &["lint", "--docs", "."]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("example-name-duplicate"), "{text}");
    assert!(text.contains("evil"), "{text}");
    assert_inert("human", &text);
    assert_inert("human stderr", &String::from_utf8_lossy(&output.stderr));
    // Shown visibly rather than dropped.
    assert!(text.contains("\\u{1b}[2J"), "{text}");
    assert!(text.contains("\\n::error file=forged.md"), "{text}");
}

#[test]
fn github_output_is_escaped() {
    let dir = hostile_docs();
    let output = run(dir.path(), &["lint", "--docs", ".", "--format", "github"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_inert("github", &text);
    let json = run(dir.path(), &["lint", "--docs", ".", "--format", "json"]);
    let findings = String::from_utf8_lossy(&json.stdout).lines().count();
    assert!(findings > 0);
    // One command per finding, each a whole line.
    assert_eq!(text.lines().count(), findings, "{text}");
    for line in text.lines() {
        assert!(
            ["::error file=", "::warning file=", "::notice file="]
                .iter()
                .any(|p| line.starts_with(p)),
            "{line}"
        );
        // Properties end at the first `::`: the file property holds no raw `:` or `,`.
        let (properties, _) = line[2..].split_once("::").expect("a workflow command");
        let file = properties
            .split_once(" file=")
            .map(|(_, rest)| rest)
            .and_then(|rest| rest.split(",line=").next())
            .expect("file property");
        assert!(!file.contains(':') && !file.contains(','), "{file}");
    }
    assert!(text.contains("%0A::error file=forged.md"), "{text}");
}

#[test]
fn json_output_is_escaped() {
    let dir = hostile_docs();
    let output = run(dir.path(), &["lint", "--docs", ".", "--format", "json"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_inert_json("json", &text);
    let mut names = 0;
    for line in text.lines() {
        let finding: Value = serde_json::from_str(line).expect("one JSON object per line");
        if finding["message"]
            .as_str()
            .is_some_and(|m| m.contains("\n::error file=forged.md"))
        {
            names += 1;
        }
    }
    assert!(
        names > 0,
        "the message keeps its text, escaped by JSON: {text}"
    );
}

#[test]
fn sarif_output_is_escaped() {
    let dir = hostile_docs();
    let output = run(dir.path(), &["lint", "--docs", ".", "--format", "sarif"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_inert_json("sarif", &text);
    let _: Value = serde_json::from_str(&text).expect("SARIF is JSON");
}

#[test]
fn generate_diagnostics_are_escaped() {
    let dir = hostile_docs();
    let out = tempfile::tempdir().expect("temp dir");
    let out_arg = out.path().join("generated");
    let output = run(
        dir.path(),
        &[
            "generate",
            "--docs",
            ".",
            "--out",
            out_arg.to_str().expect("UTF-8 temp path"),
        ],
    );
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("evil"), "{text}");
    assert_inert("generate stderr", &text);
    assert!(text.contains("evil\\n::error file=forged.md"), "{text}");
}
