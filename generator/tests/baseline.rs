//! The lint baseline at the scale of a real docs repository (issue 15, item 4):
//! fixed findings are named, a finding that summarises a set of items does not
//! re-fire when one is added, the file does not churn when lines move, and a
//! renamed page keeps its known findings.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/baseline")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A copy of the fixture with its baseline written and configured.
fn baselined() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixture(), dir.path());
    fs::write(
        dir.path().join("docgen.toml"),
        "baseline = \"lint-baseline.json\"\n",
    )
    .expect("docgen.toml");
    let output = lint(dir.path(), &["--write-baseline"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    dir
}

fn lint(docs: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docgen"))
        .args(["lint", "--docs"])
        .arg(docs)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .expect("run docgen")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn reported(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read page");
    assert!(text.contains(from), "`{from}` in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("write page");
}

const PAGE: &str = "api/widget-get.md";

#[test]
fn fixed_findings_are_named() {
    let dir = baselined();
    edit(
        &dir.path().join(PAGE),
        "  \"colour\": \"red\",\n  \"size\": 3\n",
        "  \"name\": \"red\"\n",
    );
    let output = lint(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    assert!(reported(&output).is_empty(), "{:?}", reported(&output));
    let err = stderr(&output);
    assert!(
        err.contains("1 finding in the baseline no longer found"),
        "{err}"
    );
    assert!(
        err.contains("fixed: api/widget-get.md: response body at `colour`: `colour` is not a documented property of `widget` [example-property-unknown]"),
        "{err}"
    );
}

#[test]
fn a_finding_about_a_set_does_not_refire_when_an_item_is_added() {
    let dir = baselined();
    // Added last, then added first (the message then names another item).
    edit(
        &dir.path().join(PAGE),
        "  \"size\": 3\n",
        "  \"size\": 3,\n  \"weight\": 5\n",
    );
    let output = lint(dir.path(), &[]);
    assert!(reported(&output).is_empty(), "{:?}", reported(&output));
    edit(
        &dir.path().join(PAGE),
        "  \"id\": \"1\",\n",
        "  \"id\": \"1\",\n  \"age\": 2,\n",
    );
    let output = lint(dir.path(), &[]);
    assert!(reported(&output).is_empty(), "{:?}", reported(&output));
    assert!(
        !stderr(&output).contains("no longer found"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_file_is_not_rewritten_when_lines_move() {
    let dir = baselined();
    let path = dir.path().join("lint-baseline.json");
    let before = fs::read(&path).expect("baseline");
    let modified = fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    // Let a rewrite show in the modification time, whatever its resolution.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    edit(
        &dir.path().join(PAGE),
        "Get widget.\n\n## HTTP",
        "Get widget.\n\nA new paragraph.\n\nAnd another.\n\n## HTTP",
    );
    let output = lint(dir.path(), &["--write-baseline"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(fs::read(&path).expect("baseline"), before);
    assert_eq!(
        fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime"),
        modified,
        "the baseline was rewritten with the same findings"
    );
}

#[test]
fn a_renamed_page_keeps_its_known_findings() {
    let dir = baselined();
    fs::rename(dir.path().join(PAGE), dir.path().join("api/widget-read.md")).expect("rename");
    let output = lint(dir.path(), &[]);
    assert!(reported(&output).is_empty(), "{:?}", reported(&output));
    assert!(
        !stderr(&output).contains("no longer found"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_copied_page_does_not_take_the_known_findings_of_a_page_still_there() {
    let dir = baselined();
    fs::copy(dir.path().join(PAGE), dir.path().join("api/widget-read.md")).expect("copy");
    let output = lint(dir.path(), &[]);
    let findings = reported(&output);
    // The copy's own finding is new; the original's stays known.
    let unknown: Vec<&String> = findings
        .iter()
        .filter(|f| f.contains("example-property-unknown"))
        .collect();
    assert_eq!(unknown.len(), 1, "{findings:?}");
    assert!(unknown[0].contains("api/widget-read.md"), "{findings:?}");
}
