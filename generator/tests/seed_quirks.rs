//! Every quirk of the five seed pages is handled and reported with code, file and line.

use docgen::diagnostics::Code;
use std::path::Path;

fn model() -> docgen::ApiModel {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
    docgen::model_for_tree(&docs).expect("docs-input is readable")
}

fn has(model: &docgen::ApiModel, code: Code, file: &str, line: usize) -> bool {
    model
        .diagnostics
        .iter()
        .any(|d| d.code == code && d.location.file == file && d.location.line == line)
}

const SEED_000: &str = "api/devicemanagementscript-post-groupassignments.md";
const SEED_001: &str = "api/devicemanagementscript-post-assignments.md";
const SEED_002: &str = "api/identitycertificate-post-groupassignments.md";
const SEED_003: &str = "api/devicemanagementscript-assign.md";
const SEED_004: &str = "api/grouppolicyconfiguration-post-assignments.md";

#[test]
fn ref_in_http_section_but_not_in_example() {
    let model = model();
    assert!(has(&model, Code::ExamplePathMismatch, SEED_000, 65));
    assert!(has(&model, Code::ExamplePathMismatch, SEED_001, 63));
    assert!(has(&model, Code::ExamplePathMismatch, SEED_002, 64));
}

#[test]
fn odd_base_urls() {
    let model = model();
    for (file, line) in [
        (SEED_001, 63),
        (SEED_002, 64),
        (SEED_003, 63),
        (SEED_004, 66),
    ] {
        assert!(
            has(&model, Code::ExampleBaseUrl, file, line),
            "{file}:{line}"
        );
    }
    assert!(!model
        .diagnostics
        .iter()
        .any(|d| d.code == Code::ExampleBaseUrl && d.location.file == SEED_000));
}

#[test]
fn blank_line_between_request_line_and_headers() {
    let model = model();
    assert!(has(
        &model,
        Code::ExampleBlankLineBeforeHeaders,
        SEED_003,
        64
    ));
    // The body after the headers is still read.
    let assign = model
        .operations
        .iter()
        .find(|op| op.source.file == SEED_003)
        .expect("assign operation");
    let body = assign.examples[0]
        .request
        .as_ref()
        .and_then(|r| r.body.as_ref());
    assert!(body.is_some_and(|b| b.get("deviceManagementScriptGroupAssignments").is_some()));
}

#[test]
fn todo_permission_scopes() {
    let model = model();
    for file in [SEED_000, SEED_001, SEED_002, SEED_003, SEED_004] {
        let count = model
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::PermissionTodo && d.location.file == file)
            .count();
        assert_eq!(count, 2, "{file}");
    }
}

#[test]
fn empty_description_cells() {
    let model = model();
    assert!(has(&model, Code::DescriptionEmpty, SEED_000, 48));
    assert!(has(&model, Code::DescriptionEmpty, SEED_003, 45));
    assert!(has(&model, Code::DescriptionEmpty, SEED_003, 46));
}

#[test]
fn links_to_missing_resource_pages_and_inferred_type() {
    let model = model();
    assert!(has(&model, Code::LinkBroken, SEED_001, 46));
    assert!(has(&model, Code::LinkBroken, SEED_003, 45));
    assert!(has(&model, Code::LinkBroken, SEED_004, 49));
    let target = model
        .type_named("deviceAndAppManagementAssignmentTarget")
        .expect("the target type is inferred from the examples");
    assert_eq!(
        target.origin,
        docgen::model::TypeOrigin::InferredFromExamples
    );
    assert!(model
        .diagnostics
        .iter()
        .any(|d| d.code == Code::TypeNotDefined
            && d.message.contains("deviceAndAppManagementAssignmentTarget")));
}

#[test]
fn same_title_gets_distinct_operation_names() {
    let model = model();
    let names: Vec<&str> = model
        .operations
        .iter()
        .filter(|op| op.title == "Add groupAssignments")
        .map(|op| op.name.as_str())
        .collect();
    assert_eq!(names.len(), 2);
    assert_ne!(names[0], names[1]);
}
