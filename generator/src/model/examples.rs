//! Example request/response pairs of an API page, annotated or recognised by their first line.

use super::sections::Section;
use super::{Example, ExampleOutcome, ExampleRequest, ExampleResponse};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::parse::http_example::{self, Body};
use crate::parse::lenient_json::parse_lenient;
use crate::parse::{Block, CodeBlock, Page};
use serde_json::Value;

/// The host of the API the docs describe.
const SERVICE_HOST: &str = "https://graph.microsoft.com";

/// The part a code block plays in a page's examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExampleRole {
    /// An HTTP request of an example.
    Request,
    /// An HTTP response of an example.
    Response,
    /// Not an example (a syntax listing, a JSON representation, a snippet).
    NotExample,
}

/// The model's one rule for which code blocks are example requests and
/// responses: the annotation's `blockType` first, then the first line of an
/// `http` block. `docgen lint` asks this too, so the two never disagree.
pub fn example_role(code: &CodeBlock) -> ExampleRole {
    // `ignored` only tells the docs build not to test a block; an example it
    // marks is still an example, recognised by its first line like unannotated ones.
    if let Some(block_type) = code.annotation.as_ref().and_then(|a| a.block_type()) {
        match block_type.to_ascii_lowercase().as_str() {
            "request" => return ExampleRole::Request,
            "response" => return ExampleRole::Response,
            "ignored" => {}
            _ => return ExampleRole::NotExample,
        }
    }
    if !matches!(
        code.info.as_str(),
        "http" | "" | "https" | "msgraph-interactive"
    ) {
        return ExampleRole::NotExample;
    }
    if http_example::is_response_text(&code.text) {
        ExampleRole::Response
    } else if http_example::parse_request(&code.text).is_some() {
        ExampleRole::Request
    } else {
        ExampleRole::NotExample
    }
}

/// Every example pair of the page, in document order.
pub fn page_examples(
    page: &Page,
    sections: &[Section<'_>],
    http_request_lines: &[usize],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    let mut pending: Option<(String, ExampleRequest)> = None;
    // A request to another host (a change notification sent to the app, say) is
    // not a call of this API: it and the response that answers it are passed over.
    let mut answering_foreign = false;
    // A response right after a paired response answers the same request: an
    // error alternative ("if … fails, it returns") or the target of a redirect.
    let mut after_pair = false;
    let stem = super::types::file_stem(&page.file);
    // Unannotated blocks before the request section are syntax listings, not examples.
    let request_section_line = first_request_heading(page);
    for section in sections
        .iter()
        .filter(|s| !s.is(&["http request", "json representation"]))
    {
        for block in section.blocks {
            let Block::Code(code) = block else { continue };
            if code.annotation.is_none()
                && request_section_line.is_some_and(|line| code.line < line)
            {
                continue;
            }
            // A block of the HTTP request section is an example only where the page
            // annotates it as one (some pages document the request with their example).
            let annotated_request = code
                .annotation
                .as_ref()
                .and_then(|a| a.block_type())
                .is_some_and(|t| t.eq_ignore_ascii_case("request"));
            if http_request_lines.contains(&code.line) && !annotated_request {
                continue;
            }
            match example_role(code) {
                ExampleRole::NotExample => {}
                ExampleRole::Request => {
                    let Some(request) = request(page, code, diagnostics) else {
                        continue;
                    };
                    after_pair = false;
                    let origin = http_example::split_url(&request.url).origin;
                    answering_foreign =
                        !origin.is_empty() && !origin.eq_ignore_ascii_case(SERVICE_HOST);
                    if answering_foreign {
                        continue;
                    }
                    if let Some((name, unpaired)) = pending.take() {
                        diagnostics.push(Diagnostic::warning(
                            Code::ExampleUnpaired,
                            unpaired.location.clone(),
                            "request example has no response before the next request",
                        ));
                        examples.push(Example {
                            name,
                            request: Some(unpaired),
                            response: None,
                            outcome: ExampleOutcome::Pass,
                        });
                    }
                    let name = code
                        .annotation
                        .as_ref()
                        .and_then(|a| a.str_field("name"))
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("{stem}_{}", examples.len() + 1));
                    pending = Some((name, request));
                }
                ExampleRole::Response if std::mem::take(&mut answering_foreign) => {}
                ExampleRole::Response if pending.is_none() && after_pair => {}
                ExampleRole::Response => {
                    let response = response(page, code, diagnostics);
                    match pending.take() {
                        Some((name, request)) => {
                            after_pair = true;
                            examples.push(Example {
                                name,
                                request: Some(request),
                                response: Some(response),
                                outcome: ExampleOutcome::Pass,
                            })
                        }
                        None => {
                            diagnostics.push(Diagnostic::warning(
                                Code::ExampleUnpaired,
                                response.location.clone(),
                                "response example has no request before it",
                            ));
                            examples.push(Example {
                                name: format!("{stem}_{}", examples.len() + 1),
                                request: None,
                                response: Some(response),
                                outcome: ExampleOutcome::Pass,
                            });
                        }
                    }
                }
            }
        }
    }
    if let Some((name, request)) = pending {
        diagnostics.push(Diagnostic::warning(
            Code::ExampleUnpaired,
            request.location.clone(),
            "request example has no response after it",
        ));
        examples.push(Example {
            name,
            request: Some(request),
            response: None,
            outcome: ExampleOutcome::Pass,
        });
    }
    examples
}

fn request(
    page: &Page,
    code: &CodeBlock,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ExampleRequest> {
    let first_line = code.content_line()
        + code
            .text
            .lines()
            .take_while(|l| l.trim().is_empty())
            .count();
    let location = Location::new(&page.file, first_line);
    let Some(parsed) = http_example::parse_request(&code.text) else {
        diagnostics.push(Diagnostic::warning(
            Code::HttpLineInvalid,
            location,
            "request example does not start with `METHOD url`; it is skipped",
        ));
        return None;
    };
    if parsed.blank_line_before_headers {
        diagnostics.push(
            Diagnostic::warning(
                Code::ExampleBlankLineBeforeHeaders,
                Location::new(&page.file, first_line + 1),
                "blank line between the request line and the headers; in HTTP the headers would be read as body",
            )
            .with_suggestion("remove the blank line after the request line"),
        );
    }
    let url = http_example::split_url(&parsed.url);
    for parameter in parameters_without_value(url.query.as_deref()) {
        diagnostics.push(Diagnostic::warning(
            Code::ExampleQueryMalformed,
            location.clone(),
            format!(
                "query parameter `{parameter}` has no `=value`; a client sends `{parameter}=`, so the request cannot be rebuilt as written"
            ),
        ));
    }
    let (body, body_invalid) = match &parsed.body {
        Some(b) => json_body(&page.file, code, b, &parsed.headers, diagnostics),
        None => (None, false),
    };
    Some(ExampleRequest {
        method: parsed.method,
        url: parsed.url.clone(),
        path: url.path,
        query: url.query,
        path_values: Vec::new(),
        path_matches: false,
        path_documented: false,
        body_invalid,
        root: String::new(),
        body,
        location,
    })
}

fn response(page: &Page, code: &CodeBlock, diagnostics: &mut Vec<Diagnostic>) -> ExampleResponse {
    let parsed = http_example::parse_response(&code.text);
    let annotation = code.annotation.as_ref();
    let (body, body_invalid) = match &parsed.body {
        Some(b) => json_body(&page.file, code, b, &parsed.headers, diagnostics),
        None => (None, false),
    };
    ExampleResponse {
        status: parsed.status,
        body,
        body_invalid,
        truncated: annotation
            .and_then(|a| a.bool_field("truncated"))
            .unwrap_or(false),
        odata_type: annotation
            .and_then(|a| a.str_field("@odata.type"))
            .map(str::to_string),
        is_collection: annotation
            .and_then(|a| a.bool_field("isCollection"))
            .unwrap_or(false),
        location: Location::new(&page.file, code.content_line()),
    }
}

/// The parameters of a query string written without `=` (such as `$orderbydisplayName`,
/// a lost `=`).
pub(super) fn parameters_without_value(query: Option<&str>) -> impl Iterator<Item = &str> {
    super::query_pairs(query).filter(|pair| !pair.contains('='))
}

/// Line of the first heading that starts the request section ("HTTP request").
fn first_request_heading(page: &Page) -> Option<usize> {
    page.blocks.iter().find_map(|block| match block {
        Block::Heading(h) if h.text.to_ascii_lowercase().starts_with("http request") => {
            Some(h.line)
        }
        _ => None,
    })
}

/// Parses a JSON body leniently, reporting each repair; non-JSON bodies are skipped.
/// Returns the value and whether the body looked like JSON but did not parse.
fn json_body(
    file: &str,
    code: &CodeBlock,
    body: &Body,
    headers: &[(String, String)],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<Value>, bool) {
    let declared_json = headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("content-type") && value.to_ascii_lowercase().contains("json")
    });
    // `{Raw bytes of the file}` stands for content, it is not JSON.
    let trimmed = body.text.trim_start();
    let placeholder = trimmed.starts_with('{')
        && !body.text.contains(['"', ':'])
        && body.text.chars().any(char::is_alphabetic);
    if placeholder {
        return (None, false);
    }
    let looks_json = trimmed.starts_with(['{', '[']);
    if !looks_json && !declared_json {
        return (None, false);
    }
    let first_line = code.content_line() + body.line_offset;
    let parsed = parse_lenient(&body.text);
    if let Some(error) = &parsed.error {
        diagnostics.push(Diagnostic::error(
            Code::JsonInvalid,
            Location::new(file, first_line + error.line.saturating_sub(1))
                .with_column(error.column),
            format!("example body is not JSON: {}", error.message),
        ));
        return (None, true);
    }
    if let Some(first) = parsed.repairs.first() {
        let mut kinds: Vec<&str> = parsed.repairs.iter().map(|r| r.kind.describe()).collect();
        kinds.dedup();
        diagnostics.push(Diagnostic::warning(
            Code::JsonRepaired,
            Location::new(file, first_line + first.line.saturating_sub(1))
                .with_column(first.column),
            format!(
                "example body is not strict JSON; repaired: {}",
                kinds.join(", ")
            ),
        ));
    }
    (parsed.value, false)
}
