//! The whole pipeline on one page: bytes → page → model → lint checks → emitted
//! crate. Never panics, the emitter never fails, and every emitted Rust file
//! parses with `syn`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks where the page lives, which decides how it is read.
    let (file, bytes) = match data.split_first() {
        Some((b, rest)) if b % 2 == 0 => ("api/fuzz-get.md", rest),
        Some((_, rest)) => ("resources/fuzz.md", rest),
        None => ("api/fuzz-get.md", data),
    };
    let text = String::from_utf8_lossy(bytes);
    let page = docgen::parse::parse_page(file, &text);
    let findings = docgen::lint::checks::run(&[docgen::lint::LintPage {
        file,
        text: &text,
        page: &page,
    }]);
    drop(findings);
    let model = docgen::model::build_model(vec![page], "fuzz");
    let _ = model.coverage();
    let generated = match docgen::emit::emit_crate(&model) {
        Ok(generated) => generated,
        Err(err) => panic!("the emitter failed: {err:?}"),
    };
    for (path, content) in &generated.files {
        assert!(
            !path.contains("..") && !path.starts_with('/'),
            "untamed path {path}"
        );
        if path.ends_with(".rs") {
            if let Err(err) = syn::parse_file(content) {
                panic!("{path} does not parse: {err}\n{content}");
            }
        }
    }
});
