//! The lenient JSON reader (example bodies, annotations): never panics, and
//! what it reports is located inside the text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let parsed = docgen::parse::lenient_json::parse_lenient(text);
    let lines = text.lines().count().max(1);
    if let Some(error) = &parsed.error {
        assert!(error.line >= 1 && error.line <= lines + 1, "{error:?}");
    }
    for repair in &parsed.repairs {
        assert!(repair.line >= 1 && repair.line <= lines + 1, "{repair:?}");
    }
    // Annotations go through the same reader, inside a comment.
    let _ = docgen::parse::annotation::parse_comment(&format!("<!-- {text} -->"));
});
