#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = docgen::parse::parse_page("api/fuzz.md", text);
});
