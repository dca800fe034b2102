//! `docgen generate` through the real binary: byte-identical output for any
//! number of threads, and the no-op second run (which must neither write nor
//! skip wrongly).

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::SystemTime;
use support::{contents, copy_tree, docs_input};
use walkdir::WalkDir;

const STAMP: &str = docgen::stamp::STAMP_FILE;

/// `docgen generate --docs DOCS --out OUT [extra]` with `RAYON_NUM_THREADS=threads`;
/// it must succeed. Returns (stdout, stderr).
fn generate(docs: &Path, out: &Path, threads: usize, extra: &[&str]) -> (String, String) {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .arg("generate")
        .arg("--docs")
        .arg(docs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .output()
        .expect("run docgen");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "docgen generate failed ({}): {stdout}\n{stderr}",
        output.status
    );
    (stdout, stderr)
}

/// The generated files under `dir`: everything but the stamp, which records
/// file times and so changes whenever a file is rewritten.
fn crate_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = contents(dir);
    files.remove(STAMP);
    files
}

/// Asserts two file sets are equal, naming the paths that differ.
fn assert_same(
    actual: &BTreeMap<String, Vec<u8>>,
    expected: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    let differing: Vec<&String> = actual
        .keys()
        .chain(expected.keys())
        .filter(|path| actual.get(*path) != expected.get(*path))
        .collect();
    assert!(differing.is_empty(), "{what}: {differing:?} differ");
}

/// Every file under `dir` with its modification time.
fn mtimes(dir: &Path) -> BTreeMap<String, SystemTime> {
    WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.expect("walk"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            let modified = entry.metadata().expect("stat").modified().expect("mtime");
            (relative, modified)
        })
        .collect()
}

fn is_no_op(stdout: &str) -> bool {
    stdout.contains("up to date, wrote nothing")
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut outputs = Vec::new();
    for threads in [1, 2, 3, 8] {
        let out = dir.path().join(format!("out-{threads}"));
        let (stdout, _) = generate(&docs_input(), &out, threads, &["-q"]);
        assert!(!is_no_op(&stdout), "a first run is a full run: {stdout}");
        let mut files = contents(&out);
        // The stamp names the executable, not the output; everything else must match.
        assert!(files.remove(STAMP).is_some(), "a full run writes the stamp");
        outputs.push((threads, files));
    }
    let (_, single) = &outputs[0];
    assert!(single.len() > 10, "{:?}", single.keys());
    assert!(single.contains_key("src/lib.rs"));
    for (threads, files) in &outputs[1..] {
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            single.keys().collect::<Vec<_>>(),
            "{threads} threads"
        );
        for (path, bytes) in files {
            assert!(
                single[path] == *bytes,
                "{path} differs between 1 and {threads} threads"
            );
        }
    }
}

#[test]
fn in_process_thread_pools_give_the_same_crate() {
    let emit_with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        pool.install(|| {
            let model = docgen::model_for_tree(&docs_input()).expect("docs-input reads");
            let generated = docgen::emit::emit_crate(&model).expect("emits");
            (
                serde_json::to_string(&model).expect("model serializes"),
                generated,
            )
        })
    };
    let single = emit_with(1);
    for threads in [2, 4, 7] {
        let parallel = emit_with(threads);
        assert!(
            single.0 == parallel.0,
            "model differs with {threads} threads"
        );
        assert!(
            single.1 == parallel.1,
            "crate differs with {threads} threads"
        );
    }
}

#[test]
fn a_second_run_over_unchanged_docs_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    copy_tree(&docs_input(), &docs);
    let out = dir.path().join("out");

    let (first, first_diagnostics) = generate(&docs, &out, 2, &[]);
    assert!(!is_no_op(&first), "{first}");
    assert!(out.join(STAMP).is_file());
    let written = contents(&out);
    let before = mtimes(&out);

    let (second, second_diagnostics) = generate(&docs, &out, 2, &[]);
    assert!(is_no_op(&second), "{second}");
    assert_eq!(mtimes(&out), before, "a no-op run touches no file");
    assert_same(&contents(&out), &written, "a no-op run");
    // It reports what the full run reported.
    assert_eq!(second_diagnostics, first_diagnostics);
    let counts = |line: &str| line.split(';').next().unwrap_or_default().to_string();
    assert_eq!(counts(&second), counts(&first));
    assert!(counts(&first).contains("pages"), "{first}");
}

#[test]
fn a_generated_file_edited_by_hand_is_regenerated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    generate(&docs_input(), &out, 2, &["-q"]);
    let written = crate_files(&out);

    let lib = out.join("src/lib.rs");
    let original = fs::read_to_string(&lib).expect("read lib.rs");
    fs::write(&lib, format!("{original}// edited by hand\n")).expect("edit");
    let (stdout, _) = generate(&docs_input(), &out, 2, &["-q"]);
    assert!(!is_no_op(&stdout), "{stdout}");
    assert!(stdout.contains("wrote 1 files"), "{stdout}");
    assert_same(&crate_files(&out), &written, "the edit is undone");

    // An edit that keeps the size.
    let same_length = original.replacen("docgen", "DOCGEN", 1);
    assert_eq!(same_length.len(), original.len());
    assert_ne!(same_length, original);
    fs::write(&lib, &same_length).expect("edit");
    let (stdout, _) = generate(&docs_input(), &out, 2, &["-q"]);
    assert!(!is_no_op(&stdout), "{stdout}");
    assert_same(&crate_files(&out), &written, "the edit is undone");

    // The same for a file that was deleted, and for the manifest.
    fs::remove_file(out.join("Cargo.toml")).expect("delete");
    let (stdout, _) = generate(&docs_input(), &out, 2, &["-q"]);
    assert!(!is_no_op(&stdout), "{stdout}");
    assert_same(&crate_files(&out), &written, "repaired");

    let manifest = out.join(docgen::output::MANIFEST);
    let text = fs::read_to_string(&manifest).expect("manifest");
    fs::write(&manifest, format!("{text}# a note\n")).expect("edit manifest");
    let (stdout, _) = generate(&docs_input(), &out, 2, &["-q"]);
    assert!(!is_no_op(&stdout), "{stdout}");
    assert_same(&crate_files(&out), &written, "repaired");

    let (stdout, _) = generate(&docs_input(), &out, 2, &["-q"]);
    assert!(
        is_no_op(&stdout),
        "repaired, the next run is a no-op again: {stdout}"
    );
}

#[test]
fn a_changed_added_or_removed_page_is_a_full_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    copy_tree(&docs_input(), &docs);
    let out = dir.path().join("out");
    generate(&docs, &out, 2, &["-q"]);

    // A page whose change shows in the output.
    let page = docs.join("api/devicemanagementscript-get.md");
    let text = fs::read_to_string(&page).expect("page");
    let documented = "Read the properties and relationships of a [deviceManagementScript]";
    assert!(text.contains(documented), "the page the test edits");
    let edited = "Read all the properties and relationships of a [deviceManagementScript]";
    fs::write(&page, text.replace(documented, edited)).expect("edit page");
    let (stdout, _) = generate(&docs, &out, 2, &["-q"]);
    assert!(!is_no_op(&stdout), "{stdout}");
    let generated = contents(&out);
    assert!(
        generated
            .values()
            .any(|bytes| String::from_utf8_lossy(bytes).contains("Read all the properties")),
        "the change reached the output"
    );
    assert!(is_no_op(&generate(&docs, &out, 2, &["-q"]).0));

    // A change that does not alter the code still needs a full run to know
    // that; it rewrites only the record of the pages' hashes (`check` blames
    // by it).
    let before = crate_files(&out);
    fs::write(
        &page,
        format!("{}\n", fs::read_to_string(&page).expect("page")),
    )
    .expect("edit");
    let (stdout, _) = generate(&docs, &out, 2, &["-q"]);
    assert!(!is_no_op(&stdout), "{stdout}");
    assert!(stdout.contains("wrote 1 files"), "{stdout}");
    let after = crate_files(&out);
    let rewritten: Vec<&String> = after
        .iter()
        .filter(|(path, bytes)| before.get(*path) != Some(*bytes))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(rewritten, [docgen::blame::PAGES_FILE]);

    // An added page, then a renamed one.
    fs::write(docs.join("api/new-page.md"), "# New page\n").expect("add page");
    assert!(!is_no_op(&generate(&docs, &out, 2, &["-q"]).0));
    assert!(is_no_op(&generate(&docs, &out, 2, &["-q"]).0));
    fs::rename(docs.join("api/new-page.md"), docs.join("api/renamed.md")).expect("rename");
    assert!(!is_no_op(&generate(&docs, &out, 2, &["-q"]).0));
    assert!(is_no_op(&generate(&docs, &out, 2, &["-q"]).0));
}

#[test]
fn a_damaged_stamp_or_report_means_a_full_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    generate(&docs_input(), &out, 2, &["-q"]);
    let stamp = out.join(STAMP);

    fs::write(&stamp, "not json").expect("damage");
    assert!(!is_no_op(&generate(&docs_input(), &out, 2, &["-q"]).0));
    assert!(is_no_op(&generate(&docs_input(), &out, 2, &["-q"]).0));

    let text = fs::read_to_string(&stamp).expect("stamp");
    let value: serde_json::Value = serde_json::from_str(&text).expect("stamp is JSON");
    let inputs = value["inputs"].as_str().expect("inputs hash");
    fs::write(&stamp, text.replace(inputs, "0000000000000000-1")).expect("tamper");
    assert!(!is_no_op(&generate(&docs_input(), &out, 2, &["-q"]).0));

    // `--report` needs the model: always a full run, with the report written.
    let report = dir.path().join("report.json");
    let (stdout, _) = generate(
        &docs_input(),
        &out,
        2,
        &["-q", "--report", report.to_str().expect("UTF-8 path")],
    );
    assert!(!is_no_op(&stdout), "{stdout}");
    assert!(report.is_file());
    assert!(is_no_op(&generate(&docs_input(), &out, 2, &["-q"]).0));
}

#[cfg(unix)]
#[test]
fn an_output_folder_behind_a_symlink_is_refused_and_its_stamp_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let real = dir.path().join("real");
    generate(&docs_input(), &real, 2, &["-q"]);
    let stamp = fs::read(real.join(STAMP)).expect("stamp");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    // Another docs tree, so the stamp does not match and the run is a full one.
    let docs = dir.path().join("docs");
    copy_tree(&docs_input(), &docs);
    fs::write(docs.join("api/extra.md"), "# Extra\n").expect("add page");
    let output = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .args(["generate", "-q", "--docs"])
        .arg(&docs)
        .arg("--out")
        .arg(&link)
        .output()
        .expect("run docgen");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(fs::read(real.join(STAMP)).expect("stamp"), stamp);
}

/// `formatting` of a `--report` file: (files formatted from tokens, of them reused).
fn formatting(report: &Path) -> (u64, u64) {
    let text = fs::read_to_string(report).expect("report");
    let value: serde_json::Value = serde_json::from_str(&text).expect("report is JSON");
    let files = value["formatting"]["files"]
        .as_u64()
        .expect("formatting.files");
    let reused = value["formatting"]["reused"]
        .as_u64()
        .expect("formatting.reused");
    (files, reused)
}

#[test]
fn a_run_after_a_page_change_reuses_unchanged_code_and_writes_what_a_first_run_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    copy_tree(&docs_input(), &docs);
    let out = dir.path().join("out");
    let report = dir.path().join("report.json");
    let report_arg = ["-q", "--report", report.to_str().expect("UTF-8 path")];
    generate(&docs, &out, 2, &report_arg);
    let (files, reused) = formatting(&report);
    assert!(files > 10, "{files} files formatted");
    assert_eq!(reused, 0, "a first run has nothing to reuse");

    // A description the generated code carries: only its file is formatted again.
    let page = docs.join("api/devicemanagementscript-get.md");
    let text = fs::read_to_string(&page).expect("page");
    let documented = "Read the properties and relationships of a [deviceManagementScript]";
    assert!(text.contains(documented), "the page the test edits");
    fs::write(
        &page,
        text.replace(
            documented,
            "Fetch the properties and relationships of a [deviceManagementScript]",
        ),
    )
    .expect("edit page");
    // And a generated file edited by hand: its code must not be reused.
    let edited = out.join("src/models/device_management_script.rs");
    let original = fs::read_to_string(&edited).expect("generated model");
    fs::write(&edited, original.replace("pub struct", "pub(crate) struct")).expect("edit");

    generate(&docs, &out, 2, &report_arg);
    let (files_again, reused) = formatting(&report);
    assert_eq!(files_again, files);
    assert_eq!(
        reused,
        files - 2,
        "all but the changed page's file and the edited file are reused"
    );
    let fresh = dir.path().join("fresh");
    generate(&docs, &fresh, 2, &["-q"]);
    assert_same(&crate_files(&out), &crate_files(&fresh), "reused output");
    assert!(String::from_utf8_lossy(
        &crate_files(&out)["src/operations/devicemanagementscript_get.rs"]
    )
    .contains("Fetch the properties"));

    // Code formatted by another docgen (another executable) is never reused.
    let stamp = out.join(STAMP);
    let text = fs::read_to_string(&stamp).expect("stamp");
    let value: serde_json::Value = serde_json::from_str(&text).expect("stamp is JSON");
    let formatter = value["formatter"].as_str().expect("formatter");
    fs::write(
        &stamp,
        text.replace(formatter, "docgen 0.0.0 exe:elsewhere"),
    )
    .expect("tamper");
    generate(&docs, &out, 2, &report_arg);
    assert_eq!(formatting(&report), (files, 0));
    assert_same(&crate_files(&out), &crate_files(&fresh), "formatted anew");
}

/// A prose-only edit that moves every line of a page (blank lines after its
/// title) leaves `check` green: generated code holds no page line numbers.
/// Before, operation docs and example tests named `file, line N`, and the same
/// edit made `check` fail (issue 15).
#[test]
fn an_edit_that_only_moves_lines_leaves_check_green() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let docs = tmp.path().join("docs");
    support::copy_tree(&support::docs_input(), &docs);
    for page in [
        "api/devicemanagementscript-get.md",
        "resources/devicemanagementscript.md",
    ] {
        let path = docs.join(page);
        let text = std::fs::read_to_string(&path).expect("read page");
        let title_end = text
            .find("\n# ")
            .and_then(|at| text[at + 1..].find('\n').map(|n| at + 1 + n));
        let at = title_end.expect("the page has a title");
        let moved = format!("{}\n\n\n\n{}", &text[..at], &text[at..]);
        std::fs::write(&path, moved).expect("write page");
    }
    let committed = support::repo_root().join("generated");
    let output = support::docgen(&[
        std::ffi::OsStr::new("check"),
        std::ffi::OsStr::new("--docs"),
        docs.as_os_str(),
        std::ffi::OsStr::new("--out"),
        committed.as_os_str(),
    ]);
    assert!(
        output.status.success(),
        "check after a line-moving edit: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
