//! An empty or page-less docs folder is the same error for every command
//! (issue 15): exit 2 (the contract's "usage error or unreadable input") with
//! a message naming the folder. Before, `lint`, `dump`, `generate` and `check`
//! accepted an empty folder (exit 0, or a crate of nothing) while `diff`
//! refused it: a mistyped `--docs` passed a CI gate with nothing checked.
//! The build-script API's side is tested in `build_script.rs`.

mod support;

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use support::{docgen, docs_input};

/// Three folders with no page: empty, holding only other files and folders,
/// and holding a `.md` *folder* (not a page).
fn pageless_folders(tmp: &Path) -> Vec<PathBuf> {
    let empty = tmp.join("empty");
    fs::create_dir_all(&empty).expect("mkdir");
    let other = tmp.join("other");
    fs::create_dir_all(other.join("api/nested")).expect("mkdir");
    fs::write(other.join("docgen.toml"), "skip = []\n").expect("write");
    fs::write(other.join("api/readme.txt"), "# not a page\n").expect("write");
    let dir_named_md = tmp.join("dir-named-md");
    fs::create_dir_all(dir_named_md.join("page.md")).expect("mkdir");
    vec![empty, other, dir_named_md]
}

#[track_caller]
fn assert_no_pages_error(output: &Output, folder: &Path, command: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{command} on {}: stdout {} stderr {stderr}",
        folder.display(),
        String::from_utf8_lossy(&output.stdout)
    );
    let named = format!("docs folder `{}` holds no Markdown pages", folder.display());
    assert!(
        stderr.contains(&named),
        "{command}: `{named}` not in {stderr}"
    );
}

fn run(command: &str, docs: &Path, out: &Path) -> Output {
    let mut args: Vec<&OsStr> = vec![OsStr::new(command)];
    match command {
        "diff" => {
            args.push(docs.as_os_str());
            args.push(docs.as_os_str());
        }
        _ => {
            args.push(OsStr::new("--docs"));
            args.push(docs.as_os_str());
        }
    }
    if matches!(command, "generate" | "check") {
        args.push(OsStr::new("--out"));
        args.push(out.as_os_str());
    }
    docgen(&args)
}

#[test]
fn generate_refuses_an_empty_docs_folder_and_writes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for folder in pageless_folders(tmp.path()) {
        let out = tmp.path().join("out");
        assert_no_pages_error(&run("generate", &folder, &out), &folder, "generate");
        assert!(!out.exists(), "generate wrote {}", out.display());
    }
}

#[test]
fn check_refuses_an_empty_docs_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).expect("mkdir");
    for folder in pageless_folders(tmp.path()) {
        assert_no_pages_error(&run("check", &folder, &out), &folder, "check");
    }
}

#[test]
fn lint_refuses_an_empty_docs_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for folder in pageless_folders(tmp.path()) {
        assert_no_pages_error(&run("lint", &folder, tmp.path()), &folder, "lint");
    }
}

#[test]
fn dump_refuses_an_empty_docs_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for folder in pageless_folders(tmp.path()) {
        let output = run("dump", &folder, tmp.path());
        assert_no_pages_error(&output, &folder, "dump");
        assert!(output.stdout.is_empty(), "dump printed a model");
    }
}

#[test]
fn diff_refuses_an_empty_docs_folder_on_either_side() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for folder in pageless_folders(tmp.path()) {
        assert_no_pages_error(&run("diff", &folder, tmp.path()), &folder, "diff");
        for pair in [[&docs_input(), &folder], [&folder, &docs_input()]] {
            let output = docgen(&[OsStr::new("diff"), pair[0].as_os_str(), pair[1].as_os_str()]);
            assert_no_pages_error(&output, &folder, "diff");
        }
    }
}

/// A folder whose only `.md` entry cannot be read (a symbolic link docgen
/// does not follow) holds no page either; the error says what it saw.
#[cfg(unix)]
#[test]
fn a_folder_of_unreadable_pages_says_what_it_saw() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let docs = tmp.path().join("links");
    fs::create_dir_all(&docs).expect("mkdir");
    std::os::unix::fs::symlink(
        docs_input().join("api/devicemanagementscript-get.md"),
        docs.join("linked.md"),
    )
    .expect("symlink");
    let output = run("lint", &docs, tmp.path());
    assert_no_pages_error(&output, &docs, "lint");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`linked.md`"), "{stderr}");
}
