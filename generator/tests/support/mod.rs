//! Helpers shared by the generator's integration tests: where the inputs are,
//! copying a docs tree, reading a folder back, running the `docgen` binary.
//! Each test file declares `mod support;` and uses what it needs.

// Every test binary compiles this module and uses only some of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use walkdir::WalkDir;

/// The repository root (the workspace folder).
pub fn repo_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The small docs tree committed with the repository.
pub fn docs_input() -> PathBuf {
    repo_root().join("docs-input")
}

/// The lint fixtures: one docs folder per code under `tests/fixtures/lint`.
pub fn lint_fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lint"))
}

/// `../shared` beside the repository: the corpus and the metadata, which are
/// too large to commit.
pub fn shared() -> PathBuf {
    repo_root().join("../shared")
}

/// The docs corpus (`../shared/corpus/graph-docs-2021`, one folder per
/// version), or `None` with a notice naming the test that is skipped: the
/// corpus is not in the repository, and a checkout without it still tests.
pub fn corpus(skipped: &str) -> Option<PathBuf> {
    let path = shared().join("corpus/graph-docs-2021");
    if path.is_dir() {
        Some(path)
    } else {
        println!("notice: ../shared/corpus/graph-docs-2021 is absent; the {skipped} is skipped");
        None
    }
}

/// Copies the tree at `from` into `to` (created as needed), so a test can
/// change a docs folder without touching the committed one.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir` (symlinks not followed) with its content, by path
/// relative to `dir` with `/`: two calls compare equal when nothing changed.
pub fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
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
                .replace('\\', "/");
            (relative, fs::read(entry.path()).expect("read"))
        })
        .collect()
}

/// Runs the `docgen` binary of this build with `args`.
pub fn docgen<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docgen"))
        .args(args)
        .output()
        .expect("run docgen")
}

/// An endpoint as a key: `/users/{user-id}` → `/users/{}`, lowercased, without
/// a trailing slash, so a call written by hand finds the model's operation
/// whatever the parameter names and case.
pub fn endpoint(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c.to_ascii_lowercase()),
        }
    }
    out.trim_end_matches('/').to_string()
}
