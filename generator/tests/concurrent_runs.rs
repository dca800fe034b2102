//! One run at a time per output folder (issue 16): two `docgen generate` runs
//! of different docs trees started together on one folder, twenty times. After
//! each pair the folder is one tree's crate exactly (its `check` passes, and
//! the manifest lists every file there), and the next run recovers on its own.
//!
//! The issue saw interleaved runs leave generated files the manifest did not
//! list while `check` said up to date. On this protocol (plan, then apply,
//! stamp removed first) the race did not reproduce here: 20 pairs passed with
//! trees of 18 and 72 pages and again with 720; the test keeps it that way.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use walkdir::WalkDir;

fn docs_input() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input")
}

fn docgen(args: &[&str], docs: &Path, out: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docgen"));
    command
        .args(args)
        .arg("--docs")
        .arg(docs)
        .arg("--out")
        .arg(out)
        .env("RAYON_NUM_THREADS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn start_generate(docs: &Path, out: &Path) -> Child {
    docgen(&["generate", "--quiet"], docs, out)
        .spawn()
        .expect("start docgen")
}

fn checks_clean(docs: &Path, out: &Path) -> bool {
    docgen(&["check", "--quiet"], docs, out)
        .status()
        .expect("run docgen check")
        .success()
}

/// Files under `dir`, relative, without docgen's own bookkeeping files.
fn files(dir: &Path) -> BTreeSet<String> {
    WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(dir).ok()?;
            Some(relative.to_string_lossy().replace('\\', "/"))
        })
        .filter(|name| !name.starts_with(".docgen-"))
        .collect()
}

fn manifest(dir: &Path) -> BTreeSet<String> {
    fs::read_to_string(dir.join(".docgen-manifest"))
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(str::to_string)
        .collect()
}

/// `docs-input`, and a second tree whose pages are copied under other names
/// (so its crate has other files), several times over to widen the window
/// in which two runs overlap.
fn trees(root: &Path) -> (PathBuf, PathBuf) {
    let first = root.join("first");
    let second = root.join("second");
    for entry in WalkDir::new(docs_input())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
    {
        let relative = entry
            .path()
            .strip_prefix(docs_input())
            .expect("inside docs-input");
        let text = fs::read(entry.path()).expect("read page");
        let target = first.join(relative);
        fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        fs::write(&target, &text).expect("write page");
        let name = relative
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for copy in 0..4 {
            let target = second
                .join(relative.parent().expect("parent"))
                .join(format!("copy{copy}-{name}"));
            fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
            fs::write(&target, &text).expect("write page");
        }
    }
    (first, second)
}

#[test]
fn two_runs_on_one_folder_leave_one_crate() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (first, second) = trees(tmp.path());
    let mut problems = Vec::new();
    for round in 0..20 {
        let out = tmp.path().join(format!("out{round}"));
        // Alternate which starts first: either may finish last.
        let (a, b) = if round % 2 == 0 {
            (&first, &second)
        } else {
            (&second, &first)
        };
        let mut runs = [start_generate(a, &out), start_generate(b, &out)];
        for run in &mut runs {
            let status = run.wait().expect("wait for docgen");
            if !status.success() {
                problems.push(format!("round {round}: a run failed: {status}"));
            }
        }
        let clean: Vec<&PathBuf> = [&first, &second]
            .into_iter()
            .filter(|docs| checks_clean(docs, &out))
            .collect();
        if clean.len() != 1 {
            problems.push(format!(
                "round {round}: {} trees check clean against the folder",
                clean.len()
            ));
        }
        let unlisted: Vec<String> = files(&out).difference(&manifest(&out)).cloned().collect();
        if !unlisted.is_empty() {
            problems.push(format!(
                "round {round}: {} files the manifest does not list, e.g. {}",
                unlisted.len(),
                unlisted[0]
            ));
        }
        // Whatever happened, the next run recovers.
        let next = docgen(&["generate", "--quiet"], &first, &out)
            .output()
            .expect("run docgen");
        if !next.status.success() || !checks_clean(&first, &out) {
            problems.push(format!(
                "round {round}: the next run did not recover: {}",
                String::from_utf8_lossy(&next.stderr)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
