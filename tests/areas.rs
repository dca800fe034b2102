//! Cargo features per API area: the crate generated from `docs-input/` built with
//! any one area alone compiles (library and example tests) with warnings denied,
//! and has that area's operations, not another area's.

use std::path::Path;
use std::process::{Command, Output};

/// `cargo check` in the generated crate with warnings denied, sharing one target
/// folder across runs so that only the first one builds the dependencies.
fn cargo_check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            docgen_e2e::workspace_root().join("target/areas-check"),
        )
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn one_area_compiles_alone_without_another_areas_operations() {
    let model = docgen::model_for_tree(&docgen_e2e::docs_input()).expect("docs-input reads");
    let generated = docgen::emit::emit_crate(&model).expect("docs-input emits");
    let out = tempfile::tempdir().expect("temp dir");
    docgen::output::write_crate(out.path(), &generated).expect("crate is written");

    // The area with the most operations, one of its operations, and an operation of another area.
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for op in &model.operations {
        for area in &op.areas {
            *counts.entry(area.as_str()).or_default() += 1;
        }
    }
    let (area, _) = counts
        .iter()
        .max_by_key(|(_, n)| **n)
        .expect("docs-input has operations");
    let own = model
        .operations
        .iter()
        .find(|op| op.areas.iter().any(|a| a == area))
        .expect("the area has an operation");
    let foreign = model
        .operations
        .iter()
        .find(|op| !op.areas.iter().any(|a| a == area))
        .expect("docs-input has operations in a second area");

    let manifest = &generated.files["Cargo.toml"];
    assert!(manifest.contains("default = [\"full\"]"), "{manifest}");
    assert!(
        manifest.contains(&format!("\n{area} = []\n")),
        "the area `{area}` is a feature: {manifest}"
    );
    assert!(
        manifest.contains(&format!("\n{} = []\n", foreign.areas[0])),
        "{manifest}"
    );

    // The library and its example tests, with each area alone (docs-input has a
    // few small ones: one with no operation, whose types are only used by others).
    let areas: std::collections::BTreeSet<&str> =
        model.pages.iter().map(|p| p.area.as_str()).collect();
    assert!(
        areas.len() >= 3,
        "docs-input has areas to tell apart: {areas:?}"
    );
    for each in &areas {
        let output = cargo_check(
            out.path(),
            &["--all-targets", "--no-default-features", "--features", each],
        );
        assert!(
            output.status.success(),
            "with only `{each}`, the crate does not build with warnings denied:\n{}",
            stderr(&output)
        );
    }
    let alone = ["--no-default-features", "--features", area];
    // No area at all: the runtime alone.
    let output = cargo_check(out.path(), &["--lib", "--no-default-features"]);
    assert!(
        output.status.success(),
        "without areas, the crate does not build with warnings denied:\n{}",
        stderr(&output)
    );

    // A program calling one operation: the area's own compiles, another area's does not.
    let call_paths = docgen::emit::call_paths(&model);
    let probe = |op: &docgen::model::Operation| {
        let call = call_paths.get(&op.name).unwrap_or(&op.name);
        let code = format!("fn main() {{\n    let _ = graph_sdk::operations::{call};\n}}\n");
        std::fs::create_dir_all(out.path().join("examples")).expect("examples folder");
        std::fs::write(out.path().join("examples/probe.rs"), code).expect("probe written");
        cargo_check(out.path(), &[&["--example", "probe"][..], &alone].concat())
    };
    let output = probe(own);
    assert!(
        output.status.success(),
        "`{}` of area `{area}` is missing with the feature `{area}`:\n{}",
        own.name,
        stderr(&output)
    );
    let output = probe(foreign);
    assert!(
        !output.status.success(),
        "`{}` of area `{}` compiles with only the feature `{area}`",
        foreign.name,
        foreign.areas[0]
    );
    // The call is missing where its path is: the function, or a module on
    // the way to it, configured out.
    let foreign_call = call_paths.get(&foreign.name).unwrap_or(&foreign.name);
    let said = stderr(&output);
    assert!(
        foreign_call
            .split("::")
            .any(|segment| said.contains(&format!("`{segment}`")))
            && said.contains("configured out"),
        "the build fails for another reason than the missing `{foreign_call}`:\n{said}"
    );
}
