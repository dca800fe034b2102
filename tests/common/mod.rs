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
