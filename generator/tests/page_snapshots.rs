//! One insta snapshot per page of `docs-input/`: the code emitted from that page.
//!
//! A change to the parser, the model or the emitter that alters generated code
//! shows up here as a reviewable diff, page by page.

use std::path::Path;

#[test]
fn emitted_code_per_page() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
    let model = docgen::model_for_tree(&docs).expect("docs-input is readable");
    let generated = docgen::emit::emit_crate(&model).expect("docs-input emits");
    assert!(!model.pages.is_empty(), "docs-input has pages");
    for page in &model.pages {
        let code = docgen::emit::page_code(&generated, &page.file);
        assert!(!code.is_empty(), "{} yields no code", page.file);
        let name = page.file.trim_end_matches(".md").replace('/', "__");
        insta::assert_snapshot!(name, code);
    }
}

#[test]
fn diagnostics_of_docs_input() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs-input");
    let model = docgen::model_for_tree(&docs).expect("docs-input is readable");
    let lines: Vec<String> = model.diagnostics.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!("docs_input_diagnostics", lines.join("\n"));
}
