//! `docgen dump`: the API model as JSON, run through the real binary.

mod support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Command, Stdio};
use support::{docgen, docs_input, repo_root};

/// `docgen dump --docs docs-input [extra]`, which must succeed quietly.
fn dump(extra: &[&str]) -> Vec<u8> {
    let docs = docs_input();
    let mut args = vec!["dump", "--docs", docs.to_str().expect("UTF-8 path")];
    args.extend_from_slice(extra);
    let output = docgen(&args);
    assert!(
        output.status.success(),
        "docgen dump failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "docgen dump wrote to stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn parse(stdout: &[u8]) -> Value {
    serde_json::from_slice(stdout).expect("dump output is JSON")
}

fn array<'a>(value: &'a Value, field: &str) -> &'a Vec<Value> {
    value[field]
        .as_array()
        .unwrap_or_else(|| panic!("`{field}` is an array"))
}

#[test]
fn dump_prints_the_model_with_versions() {
    let dump = parse(&dump(&[]));
    assert_eq!(dump["schema_version"], 1);
    assert_eq!(dump["docgen_version"], env!("CARGO_PKG_VERSION"));
    let model = &dump["model"];
    assert!(model["service_root"]
        .as_str()
        .is_some_and(|root| root.starts_with("https://")));

    let script = array(model, "types")
        .iter()
        .find(|t| t["name"] == "deviceManagementScript")
        .expect("type deviceManagementScript");
    assert_eq!(script["kind"], "object");
    let run_as = array(script, "properties")
        .iter()
        .find(|p| p["name"] == "runAsAccount")
        .expect("property runAsAccount");
    assert_eq!(run_as["type"]["name"], "runAsAccountType");
    assert_eq!(run_as["type"]["collection"], false);
    assert!(
        run_as["type"].get("primitive").is_none(),
        "runAsAccountType is not a primitive: {}",
        run_as["type"]
    );

    let operations = array(model, "operations");
    assert!(!operations.is_empty());
    let mut names = BTreeSet::new();
    for op in operations {
        let name = op["name"].as_str().expect("operation name");
        assert!(names.insert(name), "operation name `{name}` is not unique");
    }
    let sorted: Vec<&str> = operations
        .iter()
        .filter_map(|op| op["name"].as_str())
        .collect();
    assert!(
        sorted.windows(2).all(|w| w[0] < w[1]),
        "operations are sorted by name"
    );

    assert!(!array(model, "pages").is_empty());
    for diagnostic in array(model, "diagnostics") {
        let location = &diagnostic["location"];
        assert!(
            location["file"].as_str().is_some_and(|f| !f.is_empty()),
            "diagnostic without a file: {diagnostic}"
        );
        assert!(
            location["line"].as_u64().is_some_and(|line| line >= 1),
            "diagnostic without a line: {diagnostic}"
        );
        assert!(diagnostic["code"].as_str().is_some_and(|c| !c.is_empty()));
    }
}

#[test]
fn dump_is_byte_identical_across_runs() {
    let first = dump(&[]);
    let second = dump(&["--format", "json"]);
    assert!(
        first == second,
        "two runs of docgen dump differ (the second with an explicit --format json)"
    );
    assert!(first.ends_with(b"}\n"), "pretty JSON ending in a newline");
    assert!(!first.ends_with(b"\n\n"));
    assert!(
        first.starts_with(b"{\n  \""),
        "pretty-printed with two-space indentation"
    );
}

#[test]
fn unreadable_docs_folder_exits_2() {
    let output = docgen(&["dump", "--docs", "/nonexistent/docgen-docs"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: "), "stderr: {stderr}");
}

#[test]
fn unknown_format_is_a_usage_error() {
    let docs = docs_input();
    let output = docgen(&[
        "dump",
        "--docs",
        docs.to_str().expect("UTF-8 path"),
        "--format",
        "yaml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[test]
fn closed_stdout_is_not_a_failure() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .args(["dump", "--docs"])
        .arg(docs_input())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run docgen");
    // Read a little, as `head -c 16` would, then hang up.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut start = [0u8; 16];
    stdout.read_exact(&mut start).expect("the dump starts");
    drop(stdout);
    let output = child.wait_with_output().expect("docgen ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
}

/// Every field name `dump` writes is documented in docs/dump.md,
/// so the schema there cannot silently fall behind the model.
#[test]
fn readme_documents_every_field_of_the_dump() {
    let readme = std::fs::read_to_string(repo_root().join("docs/dump.md")).expect("docs/dump.md");
    let section = readme
        .split("## The API model (docgen dump)")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has a section `## The API model (docgen dump)`");
    let mut fields = BTreeSet::new();
    collect_fields(&parse(&dump(&[])), &mut fields);
    let missing: Vec<&String> = fields
        .iter()
        .filter(|field| !section.contains(&format!("`{field}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "fields of `docgen dump` not documented in the README: {missing:?}"
    );
}

/// Object keys anywhere in the dump, except inside example bodies (those are the
/// documentation's JSON, not docgen's schema).
fn collect_fields(value: &Value, fields: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            let is_example_part = map.contains_key("location")
                && (map.contains_key("truncated") || map.contains_key("path_matches"));
            for (key, child) in map {
                fields.insert(key.clone());
                if !(is_example_part && key == "body") {
                    collect_fields(child, fields);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_fields(item, fields)),
        _ => {}
    }
}
