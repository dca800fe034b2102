//! `docgen lint`, one small docs tree per code: `fixtures/lint/<code>/fires` must
//! report the code at the expected place, `fixtures/lint/<code>/clean` (the same
//! pages without the problem) must not report it at all.

use docgen::diagnostics::Code;
use docgen::lint::{lint, LintOptions};
use std::path::PathBuf;

/// Every code `docgen lint` reports, with where its `fires` tree reports it.
const CASES: &[(&str, &str, usize)] = &[
    ("invalid-utf8", "api/widget-get.md", 3),
    ("front-matter-invalid", "api/widget-get.md", 2),
    ("annotation-invalid", "api/widget-get.md", 41),
    ("annotation-repaired", "api/widget-get.md", 39),
    ("comment-unclosed", "api/widget-get.md", 64),
    ("fence-unclosed", "api/widget-get.md", 54),
    ("table-missing-cells", "resources/widget.md", 17),
    ("json-invalid", "api/widget-get.md", 59),
    ("json-repaired", "api/widget-get.md", 60),
    ("page-yields-nothing", "concepts/overview.md", 1),
    ("http-section-missing", "api/widget-delete.md", 1),
    ("http-line-invalid", "api/widget-get.md", 23),
    ("status-missing", "api/widget-get.md", 33),
    ("status-contradicts-example", "api/widget-get.md", 55),
    ("example-path-mismatch", "api/widget-get.md", 45),
    ("example-base-url", "api/widget-get.md", 45),
    ("example-method-mismatch", "api/widget-get.md", 45),
    ("example-blank-line-before-headers", "api/widget-get.md", 46),
    ("example-query-malformed", "api/widget-get.md", 45),
    ("example-type-mismatch", "api/widget-get.md", 55),
    ("example-property-unknown", "api/widget-get.md", 55),
    ("example-enum-unknown", "api/widget-get.md", 55),
    ("resource-json-missing-property", "resources/widget.md", 18),
    ("response-shape-contradicts", "api/widget-get.md", 55),
    ("example-unpaired", "api/widget-get.md", 45),
    ("permission-todo", "api/widget-get.md", 17),
    ("description-empty", "resources/widget.md", 17),
    ("property-name-invalid", "resources/widget.md", 18),
    ("enum-member-invalid", "resources/widgetkind.md", 16),
    ("type-not-defined", "resources/widget.md", 18),
    ("type-conflict", "resources/widget.md", 17),
    ("base-type-not-defined", "resources/widget.md", 7),
    ("base-type-cycle", "resources/thing.md", 7),
    ("duplicate-operation", "api/widget-get.md", 22),
    ("body-untyped", "api/widget-get.md", 54),
    ("link-broken", "resources/widget.md", 11),
    ("content-length-mismatch", "api/widget-post.md", 47),
    ("auth-header-missing", "api/widget-get.md", 26),
    ("anchor-missing", "api/widget-get.md", 11),
    ("example-name-duplicate", "api/widget-post.md", 41),
];

/// Codes without a fixture, and why.
const NO_FIXTURE: &[(&str, &str)] = &[
    (
        "read-failed",
        "needs a file the reader cannot open; permissions do not stop root, where CI runs",
    ),
    ("metadata-type-undocumented", METADATA),
    ("metadata-type-growth", METADATA),
    ("metadata-property-undocumented", METADATA),
    ("metadata-property-growth", METADATA),
    ("metadata-property-type-mismatch", METADATA),
    ("metadata-property-type-related", METADATA),
    ("metadata-property-collection-mismatch", METADATA),
    ("metadata-member-undocumented", METADATA),
    ("metadata-member-growth", METADATA),
    ("metadata-base-type-mismatch", METADATA),
    ("metadata-response-mismatch", METADATA),
    ("metadata-response-related", METADATA),
    ("metadata-path-unresolved", METADATA),
];

/// Why the `--metadata` codes have no fixture here.
const METADATA: &str = "needs --metadata; tests/lint_metadata.rs covers it on fixtures/metadata";

fn fixture(code: &str, kind: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lint"))
        .join(code)
        .join(kind)
}

/// `(code, file, line)` of every finding of a fixture tree.
fn findings(code: &str, kind: &str) -> Vec<(&'static str, String, usize)> {
    let report = lint(&fixture(code, kind), &LintOptions::default())
        .unwrap_or_else(|err| panic!("lint {code}/{kind}: {err}"));
    report
        .findings
        .iter()
        .map(|d| (d.code.name(), d.location.file.clone(), d.location.line))
        .collect()
}

#[test]
fn each_code_fires_on_its_fixture_at_the_expected_line() {
    let mut failures = Vec::new();
    for (code, file, line) in CASES {
        let found = findings(code, "fires");
        let expected = (*code, file.to_string(), *line);
        if !found.contains(&expected) {
            let of_code: Vec<_> = found.iter().filter(|f| f.0 == *code).collect();
            failures.push(format!(
                "{code}: expected at {file}:{line}, found {of_code:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_code_fires_on_its_clean_fixture() {
    let mut failures = Vec::new();
    for (code, _, _) in CASES {
        let found: Vec<_> = findings(code, "clean")
            .into_iter()
            .filter(|f| f.0 == *code)
            .collect();
        if !found.is_empty() {
            failures.push(format!("{code}: clean fixture reports {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_catalog_code_has_a_fixture_or_a_reason() {
    for code in Code::ALL.iter().map(|c| c.name()) {
        let covered = CASES.iter().any(|(c, _, _)| *c == code);
        let excused = NO_FIXTURE.iter().any(|(c, _)| *c == code);
        assert!(
            covered || excused,
            "code `{code}` has no fixture under tests/fixtures/lint/{code}/"
        );
        assert!(
            !(covered && excused),
            "`{code}` has a fixture and a reason not to"
        );
    }
}
