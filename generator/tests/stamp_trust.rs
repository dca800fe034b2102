//! The stamp never lies (issue 16, item 9): `generate` skips work only when
//! the output is what a full run would write, and a skipped run reports
//! exactly what a full run would.
//!
//! - A same-size edit of a generated file, or of a page, whose old
//!   modification time was put back, is caught: the stamp also records each
//!   file's change time (`ctime`), which cannot be put back. (Before, the edit
//!   of a generated file made `generate` say "up to date" while `check` said
//!   stale, and the page edit left the output stale.)
//! - A stamp whose report was edited (`999999 pages`, an invented diagnostic)
//!   does not match its seal, and the run is a full one that reports what the
//!   pages say. (Before, the no-op run printed the forged report.)

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};
use support::{copy_tree, docs_input};

const STAMP: &str = ".docgen-stamp";

fn run(command: &str, docs: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docgen"))
        .arg(command)
        .arg("--docs")
        .arg(docs)
        .arg("--out")
        .arg(out)
        .env("RAYON_NUM_THREADS", "2")
        .output()
        .expect("run docgen")
}

fn generate(docs: &Path, out: &Path) -> (String, String) {
    let output = run("generate", docs, out);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

fn checks_clean(docs: &Path, out: &Path) -> bool {
    run("check", docs, out).status.success()
}

fn is_no_op(stdout: &str) -> bool {
    stdout.contains("up to date, wrote nothing")
}

/// `docgen: N pages, … notes)`: the summary line up to the `;`.
fn counts(stdout: &str) -> String {
    stdout
        .lines()
        .find(|line| line.starts_with("docgen: "))
        .and_then(|line| line.split(';').next())
        .unwrap_or_default()
        .to_string()
}

fn set_modified(path: &Path, time: SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(time)
        .expect("set the modification time");
}

/// Replaces `text` by `same_size` once in the file at `path`, keeping its
/// size and putting its modification time back.
fn edit_keeping_size_and_time(path: &Path, text: &str, same_size: &str) {
    assert_eq!(text.len(), same_size.len());
    let modified = fs::metadata(path)
        .and_then(|meta| meta.modified())
        .expect("modification time");
    let original = fs::read_to_string(path).expect("read");
    assert!(
        original.contains(text),
        "`{text}` not in {}",
        path.display()
    );
    let edited = original.replacen(text, same_size, 1);
    fs::write(path, &edited).expect("edit");
    set_modified(path, modified);
    let after = fs::metadata(path).expect("metadata");
    assert_eq!(after.len(), original.len() as u64);
    assert_eq!(after.modified().expect("time"), modified);
}

#[test]
fn a_generated_file_edited_with_its_old_time_put_back_is_regenerated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    generate(&docs_input(), &out);
    let lib = out.join("src/lib.rs");
    let written = fs::read(&lib).expect("read lib.rs");
    // Make sure the edit is not within the stamp's own clock tick, where
    // files are read anyway.
    std::thread::sleep(Duration::from_millis(50));

    edit_keeping_size_and_time(&lib, "docgen", "DOCGEN");
    assert!(!checks_clean(&docs_input(), &out), "check sees the edit");
    let (stdout, _) = generate(&docs_input(), &out);
    assert!(!is_no_op(&stdout), "generate must see it too: {stdout}");
    assert!(stdout.contains("wrote 1 files"), "{stdout}");
    assert_eq!(fs::read(&lib).expect("read lib.rs"), written);
    assert!(checks_clean(&docs_input(), &out));
    assert!(is_no_op(&generate(&docs_input(), &out).0));
}

#[test]
fn a_page_edited_with_its_old_time_put_back_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    let out = dir.path().join("out");
    copy_tree(&docs_input(), &docs);
    // An old page: the stamp trusts it by size and time on the next run.
    let page = docs.join("resources/devicehealthscript.md");
    set_modified(&page, SystemTime::now() - Duration::from_secs(3600));
    generate(&docs, &out);
    assert!(checks_clean(&docs, &out));

    edit_keeping_size_and_time(&page, "|displayName|", "|displayNAME|");
    assert!(!checks_clean(&docs, &out), "the edit changes the crate");
    let (stdout, _) = generate(&docs, &out);
    assert!(!is_no_op(&stdout), "generate must read the page: {stdout}");
    assert!(checks_clean(&docs, &out), "generate and check agree");
}

#[test]
fn a_forged_stamp_report_means_a_full_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (first, first_err) = generate(&docs_input(), &out);
    let (second, second_err) = generate(&docs_input(), &out);
    assert!(is_no_op(&second), "{second}");
    assert_eq!(counts(&second), counts(&first), "a no-op reports the same");
    assert_eq!(second_err, first_err);

    let stamp_path = out.join(STAMP);
    let text = fs::read_to_string(&stamp_path).expect("stamp");
    let mut stamp: serde_json::Value = serde_json::from_str(&text).expect("stamp is JSON");
    stamp["pages"] = serde_json::json!(999999);
    let invented = serde_json::json!({
        "file": "api/invented.md",
        "line": 1,
        "column": 1,
        "code": "read-failed",
        "severity": "error",
        "message": "an invented diagnostic",
    });
    match stamp["diagnostics"].as_array_mut() {
        Some(diagnostics) => diagnostics.push(invented),
        None => panic!("the stamp has no diagnostics list: {text}"),
    }
    fs::write(&stamp_path, stamp.to_string()).expect("forge the stamp");

    let (forged, forged_err) = generate(&docs_input(), &out);
    assert!(!forged.contains("999999"), "{forged}");
    assert!(!forged_err.contains("invented"), "{forged_err}");
    assert_eq!(counts(&forged), counts(&first), "what a full run reports");
    assert_eq!(forged_err, first_err);
    assert!(
        !is_no_op(&forged),
        "a stamp that does not validate: {forged}"
    );
    // The full run wrote a good stamp again.
    assert!(is_no_op(&generate(&docs_input(), &out).0));
}
