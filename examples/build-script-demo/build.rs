//! Generates the SDK for the workspace's `docs-input/` into `OUT_DIR/docgen/`.
//! cargo reruns this when a page is added, removed or changed; a rerun over
//! unchanged pages writes nothing.

fn main() -> Result<(), docgen::build_script::Error> {
    docgen::build_script::Builder::new("../../docs-input")
        // `src/lib.rs` includes the SDK inside `pub mod graph { … }`.
        .module_path("crate::graph")
        .generate()?;
    Ok(())
}
