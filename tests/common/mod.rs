//! Helpers shared by the end-to-end tests in `tests/`: where the workspace, the
//! docs input, the generated crate and the real corpus are.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The docs tree the committed SDK is generated from.
pub fn docs_input() -> PathBuf {
    workspace_root().join("docs-input")
}

/// The committed generated crate.
pub fn generated_dir() -> PathBuf {
    workspace_root().join("generated")
}

/// The real corpus, when this machine has it (`../shared/corpus/graph-docs-2021`).
/// Tests that need it print a notice and skip when it is absent.
pub fn corpus() -> Option<PathBuf> {
    let path = workspace_root().join("../shared/corpus/graph-docs-2021");
    path.is_dir().then_some(path)
}

/// Whether `path` is inside `root` (both canonicalised).
pub fn is_inside(path: &Path, root: &Path) -> bool {
    match (path.canonicalize(), root.canonicalize()) {
        (Ok(path), Ok(root)) => path.starts_with(root),
        _ => false,
    }
}

/// The `docgen` binary, built once per test process with `cargo build -p docgen`
/// (the root package's tests cannot use `CARGO_BIN_EXE_docgen`: the binary belongs
/// to the `docgen` package). Same profile and target folder as the tests, so when
/// `cargo test --workspace` has built it already this only checks it is fresh.
pub fn docgen_bin() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let output = std::process::Command::new(env!("CARGO"))
            .args(["build", "-p", "docgen", "--bin", "docgen"])
            .arg("--message-format=json-render-diagnostics")
            .current_dir(workspace_root())
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "cargo build -p docgen failed");
        let stdout = String::from_utf8_lossy(&output.stdout);
        stdout
            .lines()
            .filter(|line| line.contains("\"compiler-artifact\""))
            .find_map(|line| {
                let (_, rest) = line.split_once("\"executable\":\"")?;
                let (path, _) = rest.split_once('"')?;
                path.ends_with("docgen").then(|| PathBuf::from(path))
            })
            .expect("cargo reports the docgen executable")
    })
    .clone()
}

/// `cargo check --all-targets` of a generated crate with warnings denied. All
/// calls share one target folder (`target/hostile-check`), so only the crate
/// itself is rebuilt, and the workspace's `Cargo.lock` is copied in so that the
/// dependencies are the versions already built (and no index update is needed).
pub fn cargo_check(crate_dir: &Path) -> Result<(), String> {
    let lock = workspace_root().join("Cargo.lock");
    std::fs::copy(&lock, crate_dir.join("Cargo.lock"))
        .map_err(|err| format!("copy {}: {err}", lock.display()))?;
    let output = std::process::Command::new(env!("CARGO"))
        .args(["check", "--all-targets", "--quiet"])
        .current_dir(crate_dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/hostile-check"),
        )
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .map_err(|err| format!("cargo does not run: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo check of {} failed:\n{}",
            crate_dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Every regular file under `dir` (symlinks not followed) with its content, by
/// path relative to `dir` with `/`.
pub fn list_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, found: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                walk(root, &path, found);
            } else if kind.is_file() {
                let relative = path
                    .strip_prefix(root)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                found.insert(relative, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut found = std::collections::BTreeMap::new();
    walk(dir, dir, &mut found);
    found
}

/// `cargo test --doc` of a generated crate (default features, offline), sharing
/// `target/hostile-check` with [`cargo_check`] so the dependencies are built once.
/// Returns the doctests that rustdoc ran or compiled, as it names them
/// (`src/runtime.rs - runtime::ODataQuery (line 745)`, `… - compile` for
/// `no_run`), or the output when the run failed.
pub fn cargo_doctest(crate_dir: &Path) -> Result<Vec<String>, String> {
    let lock = workspace_root().join("Cargo.lock");
    std::fs::copy(&lock, crate_dir.join("Cargo.lock"))
        .map_err(|err| format!("copy {}: {err}", lock.display()))?;
    let output = std::process::Command::new(env!("CARGO"))
        .args(["test", "--doc", "--offline", "--quiet"])
        .current_dir(crate_dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/hostile-check"),
        )
        .output()
        .map_err(|err| format!("cargo does not run: {err}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "cargo test --doc of {} failed:\n{stdout}\n{}",
            crate_dir.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    // `--quiet` prints dots; the names come from a second, listing run.
    let listed = std::process::Command::new(env!("CARGO"))
        .args(["test", "--doc", "--offline", "--quiet", "--", "--list"])
        .current_dir(crate_dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/hostile-check"),
        )
        .output()
        .map_err(|err| format!("cargo does not run: {err}"))?;
    Ok(String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}
