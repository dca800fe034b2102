//! Files named by `docgen.toml` stay inside the docs folder, and the files
//! docgen reads there (`docgen.toml`, the baseline) are small regular files
//! whose errors quote little of them (issue 16).

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use support::{copy_tree, lint_fixtures};

/// `<tmp>/docs` (a copy of the `formats` fixture, with `docgen.toml` holding
/// `config`) and `<tmp>` around it, which is outside the docs folder.
fn tree(config: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let docs = tmp.path().join("docs");
    copy_tree(&lint_fixtures().join("formats"), &docs);
    if let Some(config) = config {
        fs::write(docs.join("docgen.toml"), config).expect("write docgen.toml");
    }
    (tmp, docs)
}

/// `docgen lint --docs DOCS ARGS`, killed (and failed) after 60 s: a FIFO must
/// not make it wait for a writer.
fn lint(docs: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .arg("lint")
        .arg("--docs")
        .arg(docs)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run docgen");
    let pid = child.id();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(child.wait_with_output()));
    match receive.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.expect("output"),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("docgen lint {args:?} hangs");
        }
    }
}

#[track_caller]
fn assert_usage_error(output: &Output, says: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.contains(says), "`{says}` not in: {stderr}");
}

/// Every file under `dir`, symlinks not followed, with its content.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let kind = entry.file_type().expect("type");
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                found.push((entry.path(), fs::read(entry.path()).unwrap_or_default()));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_baseline_outside_the_docs_folder_is_refused() {
    for (config, says) in [
        ("baseline = \"../../outside.json\"\n", "`..`"),
        ("baseline = \"../outside.json\"\n", "`..`"),
        ("baseline = \"sub/../../outside.json\"\n", "`..`"),
        ("baseline = \"/tmp/docgen-outside.json\"\n", "absolute"),
        ("baseline = \"\"\n", "empty"),
    ] {
        let (tmp, docs) = tree(Some(config));
        let outside = files(tmp.path());
        let output = lint(&docs, &["--write-baseline"]);
        assert_usage_error(&output, says);
        assert_eq!(
            files(tmp.path()),
            outside,
            "{config}: something was written"
        );
        assert!(!Path::new("/tmp/docgen-outside.json").exists());
        // Reading is refused the same way.
        assert_usage_error(&lint(&docs, &[]), says);
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_baseline_is_neither_written_through_nor_read() {
    use std::os::unix::fs::symlink;
    // (docgen.toml, link inside the docs folder, what it points to)
    let cases: [(Option<&str>, &str, &str); 4] = [
        (Some("baseline = \"b.json\"\n"), "b.json", "outside.json"),
        (None, "lint-baseline.json", "outside.json"),
        (Some("baseline = \"dir/b.json\"\n"), "dir", "outside-dir"),
        (Some("baseline = \"zero.json\"\n"), "zero.json", "/dev/zero"),
    ];
    for (config, link, target) in cases {
        let (tmp, docs) = tree(config);
        fs::create_dir(tmp.path().join("outside-dir")).expect("mkdir");
        fs::write(tmp.path().join("outside.json"), "keep").expect("write");
        let target = tmp.path().join(target);
        symlink(&target, docs.join(link)).expect("symlink");
        let before = files(tmp.path());
        let output = lint(&docs, &["--write-baseline"]);
        assert_usage_error(&output, "symbolic link");
        assert_eq!(files(tmp.path()), before, "{link}: written through");
        if config.is_some() {
            assert_usage_error(&lint(&docs, &[]), "symbolic link");
        }
    }
}

#[cfg(unix)]
#[test]
fn config_and_baseline_must_be_small_regular_files() {
    use std::os::unix::fs::symlink;
    // docgen.toml as a link (to a valid config), a FIFO, a folder, too large.
    let (tmp, docs) = tree(None);
    fs::write(tmp.path().join("real.toml"), "").expect("write");
    symlink(tmp.path().join("real.toml"), docs.join("docgen.toml")).expect("symlink");
    assert_usage_error(&lint(&docs, &[]), "symbolic link");
    fs::remove_file(docs.join("docgen.toml")).expect("remove");
    symlink("/dev/zero", docs.join("docgen.toml")).expect("symlink");
    assert_usage_error(&lint(&docs, &[]), "symbolic link");
    fs::remove_file(docs.join("docgen.toml")).expect("remove");

    let status = Command::new("mkfifo")
        .arg(docs.join("docgen.toml"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    assert_usage_error(&lint(&docs, &[]), "not a regular file");
    fs::remove_file(docs.join("docgen.toml")).expect("remove");

    fs::create_dir(docs.join("docgen.toml")).expect("mkdir");
    assert_usage_error(&lint(&docs, &[]), "not a regular file");
    fs::remove_dir(docs.join("docgen.toml")).expect("remove");

    let big = fs::File::create(docs.join("docgen.toml")).expect("create");
    big.set_len(17 * 1024 * 1024).expect("sparse file");
    assert_usage_error(&lint(&docs, &[]), "larger than 16 MiB");
    fs::remove_file(docs.join("docgen.toml")).expect("remove");

    // The baseline: a FIFO, too large.
    fs::write(docs.join("docgen.toml"), "baseline = \"b.json\"\n").expect("write");
    let status = Command::new("mkfifo")
        .arg(docs.join("b.json"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    assert_usage_error(&lint(&docs, &[]), "not a regular file");
    assert_usage_error(&lint(&docs, &["--write-baseline"]), "not a regular file");
    fs::remove_file(docs.join("b.json")).expect("remove");
    let big = fs::File::create(docs.join("b.json")).expect("create");
    big.set_len(17 * 1024 * 1024).expect("sparse file");
    assert_usage_error(&lint(&docs, &[]), "larger than 16 MiB");
}

/// The longest run of `c` in `text`: how much of the long token was quoted.
fn longest_run(text: &str, c: char) -> usize {
    text.split(|other| other != c)
        .map(str::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn errors_quote_at_most_a_short_piece_of_the_file() {
    let long = "x".repeat(100_000);
    let configs = [
        format!("skip = [\"a\"]\nbroken = {long}\n"),
        format!("{long} = 1\n"),
        format!("[severity]\n{long} = \"deny\"\n"),
        format!("skip = [\"{long}[\"]\n"),
        format!("baseline = 3 {long}\n"),
    ];
    for config in &configs {
        let (_tmp, docs) = tree(Some(config));
        let output = lint(&docs, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}",
            &stderr[..stderr.len().min(300)]
        );
        assert!(
            stderr.len() < 1000 && longest_run(&stderr, 'x') <= 80,
            "too much of the file quoted ({} bytes): {}",
            stderr.len(),
            &stderr[..stderr.len().min(300)]
        );
    }
    let baselines = [
        format!("{{\"docgen_baseline\": \"{long}\", \"findings\": []}}"),
        format!("{{\"docgen_baseline\": 1, \"findings\": [], \"{long}\": 1}}"),
        format!("{{\"docgen_baseline\": 1, \"findings\": [{long}]}}"),
    ];
    for baseline in &baselines {
        let (_tmp, docs) = tree(Some("baseline = \"b.json\"\n"));
        fs::write(docs.join("b.json"), baseline).expect("write");
        let output = lint(&docs, &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}",
            &stderr[..stderr.len().min(300)]
        );
        assert!(
            stderr.len() < 1000 && longest_run(&stderr, 'x') <= 80,
            "too much of the file quoted ({} bytes): {}",
            stderr.len(),
            &stderr[..stderr.len().min(300)]
        );
    }
}
