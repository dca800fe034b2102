//! The HTTP example parsers (request and response blocks, request lines, URLs,
//! path templates, status sentences): never panic.
#![no_main]
use docgen::parse::{http_example, path_template::PathTemplate, status};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Some(request) = http_example::parse_request(text) {
        let url = http_example::split_url(&request.url);
        let template = PathTemplate::parse(&request.url);
        let _ = template.is_plausible();
        let _ = template.literal_segments();
        let _ = template.params().count();
        let _ = template.match_path(&url.path);
    }
    let _ = http_example::parse_response(text);
    let _ = http_example::is_response_text(text);
    for line in text.lines() {
        let _ = http_example::request_line(line);
        let _ = http_example::glued_method(line);
        let _ = http_example::split_url(line);
    }
    let _ = status::success_status(text);
    let _ = status::statuses(text).count();
    let _ = status::documented_status([text]);
});
