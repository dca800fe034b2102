//! `docgen generate` through the real binary: byte-identical output for any
//! number of threads.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use walkdir::WalkDir;

fn docs_input() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input")
}

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

/// Every file under `dir` (relative path → bytes).
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
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

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut outputs = Vec::new();
    for threads in [1, 2, 3, 8] {
        let out = dir.path().join(format!("out-{threads}"));
        generate(&docs_input(), &out, threads, &["-q"]);
        let files = contents(&out);
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
