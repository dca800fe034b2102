//! `docgen lint --metadata`: every metadata code fires on `fixtures/metadata`
//! at the expected place, in every output format; bad metadata is a usage error.

use docgen::diagnostics::Code;
use docgen::lint::{lint, LintOptions};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/metadata"
    ))
}

/// Runs `docgen lint ARGS` in the fixture folder.
fn docgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docgen"))
        .arg("lint")
        .args(args)
        .current_dir(fixture())
        .output()
        .expect("run docgen")
}

/// Every metadata code, with the file and line its finding is expected at.
const CASES: &[(&str, &str, usize)] = &[
    ("metadata-type-undocumented", "metadata.xml", 20),
    ("metadata-type-growth", "resources/gadget.md", 7),
    ("metadata-property-undocumented", "resources/widget.md", 7),
    ("metadata-property-growth", "resources/widget.md", 20),
    ("metadata-property-type-mismatch", "resources/widget.md", 18),
    (
        "metadata-property-collection-mismatch",
        "resources/widget.md",
        19,
    ),
    ("metadata-member-undocumented", "resources/widget.md", 22),
    ("metadata-member-growth", "resources/widget.md", 22),
    ("metadata-base-type-mismatch", "resources/widget.md", 7),
    ("metadata-response-mismatch", "api/widget-list.md", 22),
    ("metadata-response-related", "api/thing-get.md", 22),
    ("metadata-path-unresolved", "api/widget-parts.md", 22),
];

/// Codes of the catalog that need a fixture of their own to fire and are
/// covered by unit tests instead.
const UNIT_TESTED: &[&str] = &["metadata-property-type-related"];

#[test]
fn each_metadata_code_fires_where_expected() {
    let options = LintOptions {
        metadata: Some(fixture().join("metadata.xml")),
        ..LintOptions::default()
    };
    let report = lint(&fixture().join("docs"), &options).expect("lint runs");
    let found: Vec<(&str, String, usize)> = report
        .findings
        .iter()
        .map(|d| (d.code.name(), d.location.file.clone(), d.location.line))
        .collect();
    for (code, file, line) in CASES {
        assert!(
            found.contains(&(*code, file.to_string(), *line)),
            "{code} expected at {file}:{line}; found {:?}",
            found.iter().filter(|f| f.0 == *code).collect::<Vec<_>>()
        );
    }
    // `GET /widgets/{id}` agrees with the metadata: nothing about it.
    assert!(!found
        .iter()
        .any(|f| f.1 == "api/widget-get.md" && f.0.starts_with("metadata-")));
    // Every metadata code of the catalog is covered here or by a unit test.
    for code in Code::ALL
        .iter()
        .map(|c| c.name())
        .filter(|c| c.starts_with("metadata-"))
    {
        assert!(
            CASES.iter().any(|(c, _, _)| *c == code) || UNIT_TESTED.contains(&code),
            "{code} has no case"
        );
    }
    // Without --metadata, none of them.
    let plain = lint(&fixture().join("docs"), &LintOptions::default()).expect("lint runs");
    assert!(!plain
        .findings
        .iter()
        .any(|f| f.code.name().starts_with("metadata-")));
}

#[test]
fn every_format_points_into_the_metadata_file_as_given() {
    let json = docgen(&[
        "--docs",
        "docs",
        "--metadata",
        "metadata.xml",
        "--format",
        "json",
    ]);
    assert_eq!(
        json.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let text = String::from_utf8(json.stdout).expect("UTF-8");
    let sprocket: Value = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("sprocket"))
        })
        .expect("a finding about sprocket");
    assert_eq!(sprocket["path"], "metadata.xml");
    assert_eq!(sprocket["line"], 20);
    let page = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|f| f["code"] == "metadata-type-growth")
        .expect("a growth finding");
    assert_eq!(page["path"], "docs/resources/gadget.md");

    let github = docgen(&[
        "--docs",
        "docs",
        "--metadata",
        "metadata.xml",
        "--format",
        "github",
    ]);
    let text = String::from_utf8(github.stdout).expect("UTF-8");
    assert!(
        text.contains(
            "::notice file=metadata.xml,line=20,col=1,title=metadata-type-undocumented::"
        ),
        "{text}"
    );

    let sarif = docgen(&[
        "--docs",
        "docs",
        "--metadata",
        "metadata.xml",
        "--format",
        "sarif",
    ]);
    let log: Value = serde_json::from_slice(&sarif.stdout).expect("SARIF is JSON");
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"metadata.xml"));

    let human = docgen(&["--docs", "docs", "--metadata", "metadata.xml"]);
    let text = String::from_utf8(human.stdout).expect("UTF-8");
    assert!(text.contains("--> metadata.xml:20:"), "{text}");
    assert!(
        text.contains("<EntityType Name=\"sprocket\""),
        "the XML line is shown: {text}"
    );
}

#[test]
fn docgen_toml_severities_apply_to_metadata_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = dir.path().join("docs");
    std::fs::create_dir_all(docs.join("api")).expect("mkdir");
    std::fs::create_dir_all(docs.join("resources")).expect("mkdir");
    for page in [
        "api/widget-list.md",
        "resources/widget.md",
        "resources/gadget.md",
    ] {
        std::fs::copy(fixture().join("docs").join(page), docs.join(page)).expect("copy");
    }
    std::fs::write(
        docs.join("docgen.toml"),
        "[severity]\nmetadata-response-mismatch = \"deny\"\nmetadata-type-undocumented = \"allow\"\n",
    )
    .expect("write");
    let output = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .args(["lint", "--format", "json", "--docs"])
        .arg(&docs)
        .arg("--metadata")
        .arg(fixture().join("metadata.xml"))
        .output()
        .expect("run docgen");
    assert_eq!(
        output.status.code(),
        Some(1),
        "a denied finding fails the run"
    );
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        text.contains("\"code\":\"metadata-response-mismatch\",\"severity\":\"error\""),
        "{text}"
    );
    assert!(!text.contains("metadata-type-undocumented"), "{text}");
}

#[test]
fn bad_metadata_is_a_usage_error_with_a_position() {
    let broken = docgen(&["--docs", "docs", "--metadata", "broken.xml"]);
    assert_eq!(broken.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.starts_with("error: invalid metadata `broken.xml`"),
        "{stderr}"
    );
    assert!(stderr.contains(" at 4:"), "names the line: {stderr}");

    let missing = docgen(&["--docs", "docs", "--metadata", "nope.xml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.xml"));
}
