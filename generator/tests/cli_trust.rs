//! The command line and the output folder (issue 16): `--report` never
//! overwrites a file docgen manages or a page, `generate` writes only into a
//! folder that is absent, empty or docgen's own, `check --out FILE` is a usage
//! error, and `RAYON_NUM_THREADS` cannot make docgen spawn thousands of threads.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use support::{contents, copy_tree, docgen, docs_input};
use walkdir::WalkDir;

#[track_caller]
fn assert_exit(output: &Output, code: i32, says: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    assert!(stderr.contains(says), "`{says}` not in: {stderr}");
}

/// `<tmp>/docs` (a copy of docs-input) and `<tmp>/out` generated from it.
fn generated() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let docs = tmp.path().join("docs");
    let out = tmp.path().join("out");
    copy_tree(&docs_input(), &docs);
    let word = |s: &'static str| Path::new(s);
    let output = docgen(&[
        word("generate"),
        word("--quiet"),
        word("--docs"),
        &docs,
        word("--out"),
        &out,
    ]);
    assert_exit(&output, 0, "");
    (tmp, docs, out)
}

#[test]
fn a_report_never_overwrites_a_managed_file_or_a_page() {
    let (tmp, docs, out) = generated();
    let word = |s: &'static str| Path::new(s);
    #[cfg(unix)]
    std::os::unix::fs::symlink(out.join("src/lib.rs"), tmp.path().join("link.json"))
        .expect("symlink");
    let mut targets = vec![
        out.join(".docgen-manifest"),
        out.join(".docgen-stamp"),
        out.join(".docgen-lock"),
        out.join("src/lib.rs"),
        out.join("Cargo.toml"),
        out.join("src/../src/lib.rs"),
        docs.join("api/devicemanagementscript-assign.md"),
        docs.join("report.json"),
        docs.join("api/new-report.json"),
        tmp.path().join("docs/../docs/resources/x.json"),
    ];
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        docs.join("api/new-page.md"),
        tmp.path().join("dangling.json"),
    )
    .expect("symlink");
    if cfg!(unix) {
        targets.push(tmp.path().join("link.json"));
        targets.push(tmp.path().join("dangling.json"));
    }
    let before = (contents(&docs), contents(&out));
    for target in &targets {
        for command in ["generate", "check"] {
            let output = docgen(&[
                word(command),
                word("--quiet"),
                word("--docs"),
                &docs,
                word("--out"),
                &out,
                word("--report"),
                target,
            ]);
            assert_exit(&output, 2, "--report");
            assert!(
                (contents(&docs), contents(&out)) == before,
                "{command} --report {}: files changed",
                target.display()
            );
        }
    }
    // A report anywhere else, in the output folder too, is written.
    for report in [tmp.path().join("report.json"), out.join("report.json")] {
        let output = docgen(&[
            word("generate"),
            word("--quiet"),
            word("--docs"),
            &docs,
            word("--out"),
            &out,
            word("--report"),
            &report,
        ]);
        assert_exit(&output, 0, "");
        assert!(report.is_file());
    }
}

#[test]
fn generate_writes_only_into_an_absent_empty_or_own_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let word = |s: &'static str| Path::new(s);
    let generate = |out: &Path| {
        docgen(&[
            word("generate"),
            word("--quiet"),
            word("--docs"),
            &docs_input(),
            word("--out"),
            out,
        ])
    };
    // A home folder, a project: not docgen's.
    let home = tmp.path().join("home");
    fs::create_dir_all(home.join(".ssh")).expect("mkdir");
    fs::write(home.join(".bashrc"), "export A=1\n").expect("write");
    fs::write(home.join(".ssh/config"), "Host x\n").expect("write");
    let project = tmp.path().join("project");
    fs::create_dir_all(project.join("src")).expect("mkdir");
    fs::write(project.join("README.md"), "mine\n").expect("write");
    let names = |dir: &Path| -> Vec<String> {
        WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .map(|entry| entry.path().display().to_string())
            .collect()
    };
    for foreign in [&home, &project] {
        let before = (contents(foreign), names(foreign));
        let output = generate(foreign);
        assert_exit(&output, 2, "not empty");
        assert!(
            (contents(foreign), names(foreign)) == before,
            "{}",
            foreign.display()
        );
    }
    // Absent, empty, and docgen's own (user files added since are kept).
    let absent = tmp.path().join("absent/deeper");
    assert_exit(&generate(&absent), 0, "");
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).expect("mkdir");
    assert_exit(&generate(&empty), 0, "");
    fs::write(empty.join("notes.md"), "mine").expect("write");
    assert_exit(&generate(&empty), 0, "");
    assert_eq!(
        fs::read_to_string(empty.join("notes.md")).ok().as_deref(),
        Some("mine")
    );
}

#[test]
fn check_of_a_file_instead_of_a_folder_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("file");
    fs::write(&file, "x").expect("write");
    let word = |s: &'static str| Path::new(s);
    let output = docgen(&[
        word("check"),
        word("--docs"),
        &docs_input(),
        word("--out"),
        &file,
    ]);
    assert_exit(&output, 2, "not a directory");
}

/// The most threads `docgen` ran at once, from `/proc` (Linux).
#[cfg(target_os = "linux")]
#[test]
fn rayon_num_threads_is_bounded() {
    let child = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .args(["dump", "--docs"])
        .arg(docs_input())
        .env("RAYON_NUM_THREADS", "100000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run docgen");
    let status = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut child = child;
    let mut most = 0;
    let started = std::time::Instant::now();
    let exit = loop {
        if let Some(threads) = fs::read_to_string(&status).ok().and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse::<usize>().ok())
        }) {
            most = most.max(threads);
        }
        if most > 1_000 || started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("docgen ran {most} threads at once");
        }
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    };
    assert!(exit.success(), "{exit}");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(most <= (cores * 4).max(64) + 1, "{most} threads");
}
