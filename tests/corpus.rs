//! The real workload: both versions of `graph-docs-2021` generate a crate that
//! builds with warnings denied, whose every checkable documented example passes as
//! a test (`cargo test`), that `cargo doc` documents without warnings, and the
//! model covers the pages; v1.0 also builds with one API area (`outlook`) alone.
//!
//! Skips with a printed notice where `../shared/corpus` is absent.

use docgen_e2e::corpus;
use std::path::Path;
use std::process::Command;

/// Share of pages that must yield what they document.
const COVERAGE_BAR: f64 = 0.99;

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// `cargo` in the generated crate at `dir`, building into `target`: without
/// incremental state (each run builds a freshly generated crate in a new
/// folder, so it is never reused) and without debug info (nothing here is
/// debugged, and writing it was a good part of building the crate and its
/// thousands of example tests).
fn cargo(dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_PROFILE_TEST_DEBUG", "0");
    command
}

fn check_version(corpus: &Path, version: &str) {
    let docs = corpus.join(version);
    let model = docgen::model_for_tree(&docs).expect("corpus version is readable");
    let coverage = model.coverage();
    println!("{version}: {coverage:?}");

    let api = ratio(
        coverage.api_pages_with_operations,
        coverage.api_pages_with_http_section,
    );
    assert!(
        api >= COVERAGE_BAR,
        "{version}: only {api:.4} of API pages with an HTTP request section yield an operation"
    );
    let resources = ratio(
        coverage.resource_pages_complete,
        coverage.resource_pages_with_properties,
    );
    assert!(
        resources >= COVERAGE_BAR,
        "{version}: only {resources:.4} of resource pages with a properties table yield a type carrying every row"
    );
    assert_eq!(
        coverage.empty_pages_without_reason, 0,
        "{version}: pages yield nothing without a diagnostic"
    );
    assert!(
        coverage.api_pages_with_http_section > 1000,
        "{version}: the corpus looks truncated"
    );

    // Honest conformance: an example whose JSON the model has no place for is
    // docgen's failure to read its page, never a pass.
    let failures: Vec<String> = model
        .operations
        .iter()
        .flat_map(|op| op.examples.iter().map(move |e| (op, e)))
        .filter_map(|(op, example)| match &example.outcome {
            docgen::model::ExampleOutcome::GeneratorFailure { cause } => Some(format!(
                "{} {} ({}): {cause}",
                op.method, op.path.raw, op.source
            )),
            _ => None,
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{version}: {} examples are generator failures:\n{}",
        failures.len(),
        failures.join("\n")
    );

    let generated = docgen::emit::emit_crate(&model).expect("corpus emits");
    let out = tempfile::tempdir().expect("temp dir");
    docgen::output::write_crate(out.path(), &generated).expect("crate is written");

    // One target folder for every run, so repeated runs only check the SDK itself.
    let target = docgen_e2e::workspace_root().join("target/corpus-check");
    // Builds the crate and its example tests with warnings denied, and runs every
    // example that is not a docs problem: a failure here is a generator failure.
    // Each phase's wall time is printed: this test is most of CI's time.
    let phase = std::time::Instant::now();
    let status = cargo(out.path(), &target)
        .args(["test", "--quiet"])
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "{version}: the generated crate does not build with warnings denied, or an example test fails"
    );
    println!(
        "{version}: cargo test of the generated crate {:.1} s",
        phase.elapsed().as_secs_f64()
    );

    // One API area alone (cargo features per area): the library and the area's
    // example tests build with warnings denied.
    if version == "v1.0" {
        let phase = std::time::Instant::now();
        let status = cargo(out.path(), &target)
            .args(["check", "--all-targets", "--quiet", "--no-default-features"])
            .args(["--features", "outlook"])
            .env("RUSTFLAGS", "-D warnings")
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "{version}: the area `outlook` alone does not build with warnings denied"
        );
        // Every other area alone: a relationship field is compiled only with
        // the area of the type it holds, and its import and JSON lines with it.
        let manifest = &generated.files["Cargo.toml"];
        let full = manifest
            .split("\nfull = [")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .expect("the manifest lists the `full` feature");
        let areas: Vec<&str> = full
            .split(',')
            .map(|a| a.trim().trim_matches('"'))
            .filter(|a| !a.is_empty())
            .collect();
        assert!(areas.len() > 20, "{version}: areas {areas:?}");
        let failing: Vec<&str> = areas
            .iter()
            .copied()
            .filter(|area| {
                !cargo(out.path(), &target)
                    .args(["check", "--lib", "--quiet", "--no-default-features"])
                    .args(["--features", area])
                    .env("RUSTFLAGS", "-D warnings")
                    .status()
                    .expect("cargo runs")
                    .success()
            })
            .collect();
        assert!(
            failing.is_empty(),
            "{version}: these areas alone do not build with warnings denied: {failing:?}"
        );
        println!(
            "{version}: {} areas checked alone {:.1} s",
            areas.len() + 1,
            phase.elapsed().as_secs_f64()
        );
    }

    let phase = std::time::Instant::now();
    let status = cargo(out.path(), &target)
        .args(["doc", "--no-deps", "--quiet"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "{version}: `cargo doc` warns on the generated crate"
    );
    println!(
        "{version}: cargo doc {:.1} s",
        phase.elapsed().as_secs_f64()
    );
}

#[test]
fn corpus_generates_compiling_sdks_with_full_coverage() {
    let Some(corpus) = corpus() else {
        println!("notice: ../shared/corpus/graph-docs-2021 is absent; the corpus test is skipped");
        return;
    };
    for version in ["v1.0", "beta"] {
        check_version(&corpus, version);
    }
}
