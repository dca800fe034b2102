//! Operations from API pages: the HTTP request section, headers, body and response.

use super::examples::page_examples;
use super::sections::{self, Section};
use super::type_ref::{Primitive, TypeRef};
use super::types::{description, section_tables, table_properties};
use super::{Example, HeaderParam, Operation, Permission, RequestBody, ResponseShape};
use crate::diagnostics::{Code, Diagnostic, Location};
use crate::parse::http_example::request_line;
use crate::parse::path_template::PathTemplate;
use crate::parse::{status, Block, CodeBlock, Page};
use regex::Regex;
use std::sync::OnceLock;

/// Operations of one API page, unnamed (names are given once all pages are known).
/// Each path line of the HTTP request section gives one operation. The flag
/// says their response is only what an example's annotation names.
pub fn page_operations(
    page: &Page,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Operation>, Vec<Example>, bool) {
    let all_sections = sections::sections(page);
    let blocks = http_request_blocks(page, &all_sections, diagnostics);
    let path_lines = path_lines(&page.file, &blocks, diagnostics);
    if path_lines.is_empty() {
        diagnostics.push(Diagnostic::error(
            Code::HttpSectionMissing,
            Location::new(&page.file, 1),
            "API page has no `HTTP request` section with a `METHOD /path` line, so it yields no operation",
        ));
        return (Vec::new(), Vec::new(), false);
    }
    let (title, title_line) = sections::title(page)
        .map(|(t, l)| (t.to_string(), l))
        .or_else(|| page.front_matter.title.clone().map(|t| (t, 1)))
        .unwrap_or_default();
    let description = description(page);
    let query_options = query_options(&all_sections, &path_lines);
    let headers = headers(&all_sections);
    let (documented_status, response, from_annotation) = response(page, diagnostics);
    let body = request_body(page, &all_sections, &response, diagnostics);
    let skip: Vec<usize> = blocks.iter().map(|b| b.line).collect();
    let examples = page_examples(page, &all_sections, &skip, diagnostics);
    let response = match response {
        ResponseShape::None if documented_status != Some(204) => {
            untyped_response(&examples, &page.file, diagnostics).unwrap_or(ResponseShape::None)
        }
        shape => shape,
    };
    let body = match body {
        RequestBody::None if !says_no_body(&all_sections) => {
            parameters_section_body(page, &all_sections, &examples, diagnostics)
                .unwrap_or(RequestBody::None)
        }
        body => body,
    };
    let body = match body {
        RequestBody::None if !says_no_body(&all_sections) => {
            let creates = path_lines.first().map(|(method, path, _)| {
                (method == "POST").then(|| super::singular(&super::addressed_resource(path)))
            });
            untyped_body(
                &examples,
                &response,
                creates.flatten().as_deref(),
                &page.file,
                diagnostics,
            )
            .unwrap_or(RequestBody::None)
        }
        body => body,
    };
    // A page that states no status answers with its examples' success status.
    let success_status = documented_status
        .or_else(|| {
            examples
                .iter()
                .filter_map(|e| e.response.as_ref()?.status)
                .find(|s| (200..300).contains(s))
        })
        .unwrap_or(200);
    let permissions = permissions(page, &all_sections, diagnostics);

    let untyped_many = matches!(&response, ResponseShape::Collection { .. });
    let operations = path_lines
        .into_iter()
        .enumerate()
        .map(|(index, (method, path, line))| {
            let path_params = path
                .params()
                .filter_map(|p| match p {
                    crate::parse::path_template::PathPart::Param { name, .. } => Some(name.clone()),
                    _ => None,
                })
                .collect();
            // Reading `/$value` or `/content` gives the bytes. Writing a
            // `$value` answers with no body where the page says none
            // (`PUT /me/photo/$value`, `DELETE …/overridesPages/$value`), and
            // otherwise with the raw value again, never JSON
            // (`PUT /trustFramework/policies/{id}/$value` answers XML).
            let value = path.raw.ends_with("/$value");
            let reads = method == "GET";
            let response = if (reads && (value || path.raw.ends_with("/content")))
                || (value && !matches!(response, ResponseShape::None))
            {
                ResponseShape::Stream
            } else {
                match &response {
                    // `GET /me/onlineMeetings?$filter=…` on a page about one
                    // meeting: `$filter` applies only to collections, so this
                    // path line answers with many.
                    ResponseShape::Single { ty } if method == "GET" && filters(&path) => {
                        ResponseShape::Collection { ty: ty.element() }
                    }
                    shape => shape.clone(),
                }
            };
            let response = match response {
                ResponseShape::Single { ty } | ResponseShape::Collection { ty }
                    if ty.primitive == Some(Primitive::Json) =>
                {
                    skipped_annotation_of(page, &path).unwrap_or(if untyped_many {
                        ResponseShape::Collection { ty }
                    } else {
                        ResponseShape::Single { ty }
                    })
                }
                shape => shape,
            };
            Operation {
                name: String::new(),
                title: title.clone(),
                description: description.clone(),
                method,
                path,
                path_index: index,
                path_params,
                query_options: query_options.clone(),
                headers: headers.clone(),
                permissions: permissions.clone(),
                body: body.clone(),
                success_status,
                response,
                examples: Vec::new(),
                source: Location::new(&page.file, if line > 0 { line } else { title_line }),
                areas: Vec::new(),
            }
        })
        .collect();
    (operations, examples, from_annotation)
}

/// The type an example response names in an annotation the docs' checker
/// skips (`"blockType": "ignored"`), for a path line whose response the page
/// leaves untyped — only where it is the resource the path line addresses
/// (`device` for `GET /me/devices`), since skipped annotations are often
/// copied from another page (channel-post-tabs.md annotates its tab `team`).
/// Many only where the annotation says so, the body holds a `value` array
/// and the path does not end in a key.
fn skipped_annotation_of(page: &Page, path: &PathTemplate) -> Option<ResponseShape> {
    let addressed = super::singular(&super::addressed_resource(path));
    page.blocks.iter().find_map(|block| {
        let Block::Code(code) = block else {
            return None;
        };
        let annotation = code.annotation.as_ref()?;
        let skipped = annotation
            .block_type()
            .is_some_and(|t| t.eq_ignore_ascii_case("ignored"));
        if !skipped || !code.text.trim_start().starts_with("HTTP/") {
            return None;
        }
        let ty = TypeRef::from_text(annotation.str_field("@odata.type")?, None)?;
        if ty.primitive.is_some() || super::type_key(&ty.element().name) != addressed {
            return None;
        }
        // Many where the annotation says so and the body shows a `value` array.
        let value_array = code.text.split_once("\"value\"").is_some_and(|(_, after)| {
            after
                .trim_start()
                .strip_prefix(':')
                .is_some_and(|rest| rest.trim_start().starts_with('['))
        });
        let many = (annotation.bool_field("isCollection").unwrap_or(false) || ty.collection)
            && value_array
            && !path.ends_in_key();
        Some(if many {
            ResponseShape::Collection { ty: ty.element() }
        } else {
            ResponseShape::Single { ty: ty.element() }
        })
    })
}

/// Whether a path line's query string filters (`?$filter=…`), which OData
/// allows only on collections.
fn filters(path: &PathTemplate) -> bool {
    // Top-level only: `$expand=x($filter=…)` filters what is expanded.
    path.query.as_deref().is_some_and(|q| {
        q.split('&')
            .any(|option| option.trim().to_ascii_lowercase().starts_with("$filter="))
    })
}

/// The code blocks that document the request: those under every heading named
/// "HTTP request" (at any level; some pages have one per variant). Pages without
/// such a heading get the `METHOD /path` blocks before their examples, reported.
pub fn http_request_blocks<'p>(
    page: &'p Page,
    all_sections: &[Section<'p>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<&'p CodeBlock> {
    let mut blocks = Vec::new();
    let mut level: Option<u8> = None;
    for block in &page.blocks {
        match block {
            Block::Heading(h) => {
                if h.text.to_ascii_lowercase().starts_with("http request") {
                    level = Some(h.level);
                } else if level.is_some_and(|l| h.level <= l) && !sections::is_tab_heading(&h.text)
                {
                    level = None;
                }
            }
            // An annotated example with headers or a body under an "HTTP request"
            // sub-heading is an example; one that is only request lines documents
            // the request (and is an example too).
            Block::Code(code)
                if level.is_some() && (!is_example_block(code) || only_request_lines(code)) =>
            {
                blocks.push(code)
            }
            _ => {}
        }
    }
    if !blocks.is_empty() {
        return blocks;
    }
    // Fallback: request-line blocks before the Request/Response/Example sections.
    for section in all_sections {
        if section.is(&["example", "response", "request body"]) {
            break;
        }
        for block in section.blocks {
            let Block::Code(code) = block else { continue };
            let is_example = code
                .annotation
                .as_ref()
                .and_then(|a| a.block_type())
                .is_some_and(|t| t == "request" || t == "response");
            let all_paths = code
                .text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .all(|l| request_line(l).is_some_and(|(_, target)| !target.contains("://")));
            if !is_example && all_paths && !code.text.trim().is_empty() {
                diagnostics.push(Diagnostic::warning(
                    Code::HttpSectionMissing,
                    Location::new(&page.file, code.line),
                    "request lines are not under an `HTTP request` heading; they are read as the HTTP request section",
                ));
                blocks.push(code);
            }
        }
    }
    blocks
}

/// `resizedRange(deltaRows={n}, deltaColumns={n})`: spaces between function
/// arguments are layout, not part of the URL; `content[?includeIDs=true]`: a
/// bracketed part is optional syntax, not part of the path.
fn without_spaces_in_arguments(path: &str) -> String {
    let path = without_optional_parts(path);
    let mut depth = 0usize;
    path.chars()
        .filter(|&c| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            !(depth > 0 && c.is_whitespace())
        })
        .collect()
}

fn is_example_block(code: &CodeBlock) -> bool {
    code.annotation
        .as_ref()
        .and_then(|a| a.block_type())
        .is_some_and(|t| t.eq_ignore_ascii_case("request") || t.eq_ignore_ascii_case("response"))
}

fn only_request_lines(code: &CodeBlock) -> bool {
    code.text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .all(|l| request_line(l).is_some())
}

/// Drops `[...]` parts, which syntax listings use for optional pieces.
fn without_optional_parts(path: &str) -> String {
    let mut depth = 0usize;
    path.chars()
        .filter(|&c| match c {
            '[' => {
                depth += 1;
                false
            }
            ']' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// The path without a leading `/v1.0` or `/beta` segment, when it has one: the
/// service root (`https://graph.microsoft.com/v1.0`) already ends in the version,
/// so `GET /v1.0/sites/{id}` is the endpoint `/sites/{id}`.
fn without_version_segment(path: &str) -> Option<&str> {
    ["/v1.0/", "/beta/"].iter().find_map(|version| {
        let head = path.get(..version.len())?;
        head.eq_ignore_ascii_case(version)
            .then(|| &path[version.len() - 1..])
    })
}

/// The path with identifier segments (GUIDs, 32-digit hex ids) written as
/// parameters named after the segment before them (`/cases/4c8f…` →
/// `/cases/{cases-id}`); `None` when it has none. Some pages copy an example's
/// URL into the HTTP request section.
fn with_ids_as_parameters(path: &str) -> Option<String> {
    let is_id = |segment: &str| {
        let hex = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit());
        let groups: Vec<&str> = segment.split('-').collect();
        let guid = groups.len() == 5
            && groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && groups.iter().all(|g| hex(g));
        guid || (segment.len() == 32 && hex(segment))
    };
    let (path_only, query) = match path.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path, None),
    };
    let segments: Vec<&str> = path_only.split('/').collect();
    if !segments.iter().any(|s| is_id(s)) {
        return None;
    }
    let mut out: Vec<String> = Vec::with_capacity(segments.len());
    for (index, segment) in segments.iter().enumerate() {
        if is_id(segment) {
            let owner = index
                .checked_sub(1)
                .and_then(|i| segments.get(i))
                .filter(|s| !s.is_empty() && !s.contains('{'))
                .copied()
                .unwrap_or("item");
            out.push(format!("{{{owner}-id}}"));
        } else {
            out.push(segment.to_string());
        }
    }
    let templated = out.join("/");
    Some(match query {
        Some(q) => format!("{templated}?{q}"),
        None => templated,
    })
}

/// Why a documented path cannot be a request function's path, if it cannot: a
/// `.` or `..` segment (a client or proxy resolves it to another resource:
/// `/widgets/../../etc/passwd`), or percent-encoding (`%C3%A9`, `%2F`, `%00`),
/// which the generated code would encode again and whose decoded form may hold
/// a `/` or a NUL. No page of the corpus does either.
fn unsendable_path(path: &str) -> Option<String> {
    if let Some(segment) = path.split('/').find(|s| *s == "." || *s == "..") {
        return Some(format!(
            "has a `{segment}` segment, which would address another resource"
        ));
    }
    if let Some(at) = path.find('%') {
        let encoded: String = path[at..].chars().take(3).collect();
        return Some(format!(
            "holds percent-encoding (`{encoded}`); write the character itself or a `{{parameter}}`"
        ));
    }
    None
}

/// `METHOD /path` lines of the HTTP request blocks.
fn path_lines(
    file: &str,
    blocks: &[&CodeBlock],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, PathTemplate, usize)> {
    let mut lines = Vec::new();
    for code in blocks {
        for (offset, line) in code.text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("//") {
                continue;
            }
            let line_number = code.content_line() + offset;
            if crate::parse::http_example::glued_method(
                trimmed.split_whitespace().next().unwrap_or(""),
            )
            .is_some()
            {
                diagnostics.push(Diagnostic::warning(
                    Code::HttpLineInvalid,
                    Location::new(file, line_number),
                    format!("`{trimmed}` has no space between the method and the path"),
                ));
            }
            match request_line(trimmed) {
                Some((method, mut target)) => {
                    if let Some(at) = target.find('#') {
                        // A fragment is never sent to the service; the generated
                        // call and its example test would disagree about it.
                        target.truncate(at);
                        diagnostics.push(Diagnostic::warning(
                            Code::HttpLineInvalid,
                            Location::new(file, line_number),
                            format!(
                                "`{trimmed}` has a `#` fragment, which is not sent to the service; the path is read as `{target}`"
                            ),
                        ));
                    }
                    let split = crate::parse::http_example::split_url(&target);
                    if let Some(why) = unsendable_path(&split.path) {
                        diagnostics.push(Diagnostic::warning(
                            Code::HttpLineInvalid,
                            Location::new(file, line_number),
                            format!("`{trimmed}` {why}; it is skipped"),
                        ));
                        continue;
                    }
                    let mut path = match split.query {
                        Some(q) => format!("{}?{}", split.path, q),
                        None => split.path,
                    };
                    if !path.starts_with('/') {
                        // `GET policies/x`: a path written without its leading slash.
                        path.insert(0, '/');
                    }
                    if let Some(rest) = without_version_segment(&path) {
                        diagnostics.push(Diagnostic::warning(
                            Code::HttpLineInvalid,
                            Location::new(file, line_number),
                            format!(
                                "`{trimmed}` starts with the API version, which the service root already ends in; the path is read as `{rest}`"
                            ),
                        ));
                        path = rest.to_string();
                    }
                    if let Some(templated) = with_ids_as_parameters(&path) {
                        diagnostics.push(Diagnostic::warning(
                            Code::HttpLineInvalid,
                            Location::new(file, line_number),
                            format!(
                                "`{trimmed}` holds an example's identifiers, not parameters; the path is read as `{templated}`"
                            ),
                        ));
                        path = templated;
                    }
                    if path.contains("/$/") {
                        // `/workbook/tables/$/add`: a stray segment.
                        let repaired = path.replace("/$/", "/");
                        diagnostics.push(Diagnostic::warning(
                            Code::HttpLineInvalid,
                            Location::new(file, line_number),
                            format!("`{trimmed}` has an empty `$` segment; the path is read as `{repaired}`"),
                        ));
                        path = repaired;
                    }
                    let template = PathTemplate::parse(&without_spaces_in_arguments(&path));
                    if template.is_plausible() {
                        lines.push((method, template, line_number));
                    } else {
                        diagnostics.push(Diagnostic::warning(
                            Code::HttpLineInvalid,
                            Location::new(file, line_number),
                            format!("`{trimmed}` does not give a URL path; it is skipped"),
                        ));
                    }
                }
                None => diagnostics.push(Diagnostic::warning(
                    Code::HttpLineInvalid,
                    Location::new(file, line_number),
                    format!("`{trimmed}` is not a `METHOD /path` line; it is skipped"),
                )),
            }
        }
    }
    lines
}

fn query_options(
    all_sections: &[Section<'_>],
    paths: &[(String, PathTemplate, usize)],
) -> Vec<String> {
    static OPTION: OnceLock<Option<Regex>> = OnceLock::new();
    let Some(regex) = OPTION
        .get_or_init(|| {
            Regex::new(
                r"(?i)\$(select|filter|expand|orderby|top|skip|count|search|format|skiptoken)\b",
            )
            .ok()
        })
        .as_ref()
    else {
        return Vec::new();
    };
    let mut found = std::collections::BTreeSet::new();
    let mut scan = |text: &str| {
        for capture in regex.captures_iter(text) {
            if let Some(m) = capture.get(1) {
                found.insert(format!("${}", m.as_str().to_ascii_lowercase()));
            }
        }
    };
    for section in all_sections
        .iter()
        .filter(|s| s.is(&["optional query parameters", "query parameters"]))
    {
        for block in section.blocks {
            match block {
                Block::Paragraph(p) => scan(&p.text),
                Block::Table(t) => t
                    .rows
                    .iter()
                    .flat_map(|(_, r)| r)
                    .for_each(|c| scan(&c.text)),
                _ => {}
            }
        }
    }
    for (_, path, _) in paths {
        if let Some(query) = &path.query {
            scan(query);
        }
    }
    found.into_iter().collect()
}

fn headers(all_sections: &[Section<'_>]) -> Vec<HeaderParam> {
    let Some(section) = all_sections.iter().find(|s| s.is(&["request header"])) else {
        return Vec::new();
    };
    let mut headers = Vec::new();
    for table in section_tables(section) {
        let Some(name_column) = table.column(&["name", "header", "request header"]) else {
            continue;
        };
        let value_column = table.column(&["value", "description"]);
        for (_, row) in &table.rows {
            let Some(name) = row.get(name_column).map(|c| c.text.trim().to_string()) else {
                continue;
            };
            if name.is_empty() {
                continue;
            }
            headers.push(HeaderParam {
                name,
                description: value_column
                    .and_then(|c| row.get(c))
                    .map(|c| c.text.clone())
                    .unwrap_or_default(),
            });
        }
    }
    headers
}

/// The paragraphs under the page's Response heading, sub-headings included: the
/// `## Response` section, or a `### Response` heading at another level (some
/// pages nest it, some name it `Response for getting the photo`).
fn response_paragraphs(page: &Page) -> Option<(usize, Vec<&crate::parse::Paragraph>)> {
    let mut found: Option<(u8, usize)> = None;
    let mut paragraphs = Vec::new();
    for block in &page.blocks {
        match block {
            Block::Heading(h) if found.is_none() && is_response_heading(&h.text) => {
                found = Some((h.level, h.line));
            }
            Block::Heading(h) if found.is_some_and(|(level, _)| h.level <= level) => break,
            Block::Paragraph(p) if found.is_some() => paragraphs.push(p),
            _ => {}
        }
    }
    found.map(|(_, line)| (line, paragraphs))
}

fn is_response_heading(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower == "response" || lower.starts_with("response for ") || lower == "responses"
}

/// Success status (when the page states one) and response shape. The shape is
/// read from what the Response section says, in this order: the sentence with
/// the success status, then its other paragraphs (links, inline or by
/// reference, and **bold** type names; then primitives such as `a String`,
/// `true`, `String collection`; then streams); else from the response
/// examples' annotation (`@odata.type` or `@type`, with `isCollection`); else,
/// when an example response shows a JSON body, that body as untyped JSON.
/// The flag says the shape is only the examples' annotation's (the first
/// annotated response of the page, which may belong to one path line).
fn response(page: &Page, diagnostics: &mut Vec<Diagnostic>) -> (Option<u16>, ResponseShape, bool) {
    let file = page.file.as_str();
    let Some((line, paragraphs)) = response_paragraphs(page) else {
        diagnostics.push(Diagnostic::warning(
            Code::StatusMissing,
            Location::new(file, 1),
            "page has no Response section; the success status is taken from the examples, else 200",
        ));
        let annotated = annotated_response(page);
        let from_annotation = annotated.is_some();
        return (
            None,
            annotated.unwrap_or(ResponseShape::None),
            from_annotation,
        );
    };
    let status = status::documented_status(paragraphs.iter().map(|p| p.text.as_str()));
    if status.is_none() {
        diagnostics.push(Diagnostic::warning(
            Code::StatusMissing,
            Location::new(file, line),
            "the Response section states no success status; it is taken from the examples, else 200",
        ));
    }
    if status == Some(204) || accepted_with_location(status, &paragraphs) {
        return (status, ResponseShape::None, false);
    }
    // `302 Found` to a preauthenticated download URL (reports): following the
    // redirect gives the content.
    if status == Some(302) {
        return (status, ResponseShape::Stream, false);
    }
    let first = paragraphs
        .iter()
        .position(|p| status::success_status(&p.text).is_some())
        .unwrap_or(0);
    // A note ("**Note:** The only property that works for sorting is
    // **createdDateTime**") speaks of something else than the body's type.
    let ordered: Vec<&crate::parse::Paragraph> = paragraphs
        .get(first)
        .into_iter()
        .chain(
            paragraphs
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != first)
                .map(|(_, p)| p),
        )
        .copied()
        .filter(|p| !is_note(p))
        .collect();
    // "It does not return anything in the response body": the page says so.
    let says_no_body = ordered.iter().any(|p| {
        let lower = p.text.to_ascii_lowercase();
        [
            "does not return anything",
            "no response body",
            "not return a response body",
            "empty response body",
        ]
        .iter()
        .any(|phrase| lower.contains(phrase))
    });
    if says_no_body || ordered.iter().any(|p| says_requested_instance(&p.text)) {
        return (status, ResponseShape::None, false);
    }
    // Other paragraphs name the body only where they speak of it (not the
    // parameters an error message is about).
    let speaks_of_body = |index: usize, p: &crate::parse::Paragraph| {
        let lower = p.text.to_ascii_lowercase();
        index == 0 || lower.contains("response body") || lower.contains("returns")
    };
    let shape = ordered
        .iter()
        .enumerate()
        .filter(|(index, p)| speaks_of_body(*index, p))
        .find_map(|(_, p)| named_response(p))
        .or_else(|| ordered.iter().find_map(|p| primitive_response(&p.text)))
        .or_else(|| {
            ordered.iter().find_map(|p| {
                let lower = p.text.to_ascii_lowercase();
                (lower.contains("stream") || lower.contains("binary"))
                    .then_some(ResponseShape::Stream)
            })
        });
    match shape {
        Some(shape) => (status, shape, false),
        None => match annotated_response(page) {
            Some(shape) => (status, shape, true),
            None => (status, ResponseShape::None, false),
        },
    }
}

/// "The response body includes an object representing the requested resource
/// instance, expanded with the matching [singleValueLegacyExtendedProperty](…)
/// object": the body is what the path addresses; the linked type is only
/// expanded into it.
fn says_requested_instance(text: &str) -> bool {
    text.to_ascii_lowercase()
        .contains("representing the requested resource instance")
}

/// Whether a page says its body is what each path line addresses ("an object
/// representing the requested resource instance"), which the page itself
/// cannot name: it documents one path line per kind of resource.
pub(super) fn answers_with_addressed_resource(page: &Page) -> bool {
    response_paragraphs(page)
        .is_some_and(|(_, paragraphs)| paragraphs.iter().any(|p| says_requested_instance(&p.text)))
}

/// `202 Accepted` with "a `Location` header, which contains the location of
/// the [teamsAsyncOperation](…)": the type named is where the header points,
/// not a body, unless a paragraph speaks of the response body.
fn accepted_with_location(status: Option<u16>, paragraphs: &[&crate::parse::Paragraph]) -> bool {
    let lower: Vec<String> = paragraphs
        .iter()
        .map(|p| p.text.to_ascii_lowercase())
        .collect();
    status == Some(202)
        && lower.iter().any(|text| text.contains("header"))
        && !lower
            .iter()
            .any(|text| text.contains("response body") || text.contains("in the body"))
}

/// Whether a paragraph is a note or a warning aside (`**Note:** …`, `> Important: …`).
fn is_note(paragraph: &crate::parse::Paragraph) -> bool {
    let lower = paragraph.text.trim_start().to_ascii_lowercase();
    [
        "note:",
        "note :",
        "important:",
        "caution:",
        "warning:",
        "tip:",
    ]
    .iter()
    .any(|marker| lower.starts_with(marker))
}

/// The type a paragraph names by a link to a page of the tree or in **bold**,
/// and whether it says there are many.
fn named_response(paragraph: &crate::parse::Paragraph) -> Option<ResponseShape> {
    let lower = paragraph.text.to_ascii_lowercase();
    let linked = paragraph
        .links
        .iter()
        .filter(|l| {
            !l.dest.starts_with("http") && !l.dest.starts_with('#') && !l.dest.starts_with('/')
        })
        .filter(|l| !object_of_for(&paragraph.markdown, &l.text))
        .find_map(|l| {
            let text = l.text.trim();
            // "[Drive resource][drive-resource]": the words around the name are
            // not part of it; the page linked to names the type when the text
            // is not one name.
            let name = text
                .strip_suffix(" resource")
                .or_else(|| text.strip_suffix(" object"))
                .unwrap_or(text);
            let stem = crate::parse::links::page_dest(&l.dest).and_then(|dest| {
                Some(
                    dest.rsplit('/')
                        .next()?
                        .trim_end_matches(".md")
                        .to_ascii_lowercase(),
                )
            });
            let (name, plural) = if name.contains(char::is_whitespace) {
                (stem?, false)
            } else {
                (
                    name.to_string(),
                    stem.is_some_and(|s| names_plural_of(name, &s)),
                )
            };
            TypeRef::from_text(&name, Some(&name)).map(|ty| (ty, name, plural))
        });
    let bold = || {
        static BOLD: OnceLock<Option<Regex>> = OnceLock::new();
        let regex = BOLD
            .get_or_init(|| Regex::new(r"\*\*([A-Za-z][A-Za-z0-9_.]*)\*\*").ok())
            .as_ref()?;
        let markdown = &paragraph.markdown;
        regex.captures_iter(markdown).find_map(|c| {
            let whole = c.get(0)?;
            let name = c.get(1)?.as_str();
            // A bold word names the body where it is a thing's name ("the
            // updated **chat** object", "a collection of **x**", "a **x** in
            // the response body"), not where it
            // is said in passing ("a new sharing link is created for the
            // **driveItem** or `200 OK` if …").
            let before = markdown[..whole.start()].trim_end().to_ascii_lowercase();
            let after = markdown[whole.end()..].trim_start().to_ascii_lowercase();
            let names_a_thing = [
                "object",
                "resource",
                "collection",
                "entity",
                "entities",
                "item",
                "in the response",
                "in the body",
            ]
            .iter()
            .any(|word| after.starts_with(word))
                || ["collection of", "list of", "array of", "set of"]
                    .iter()
                    .any(|phrase| before.ends_with(phrase));
            if !names_a_thing {
                return None;
            }
            // Bold words that are not type names: statuses, keywords.
            if matches!(
                name.to_ascii_lowercase().as_str(),
                "note" | "important" | "ok" | "not"
            ) {
                return None;
            }
            TypeRef::from_text(name, Some(name)).map(|ty| (ty, name.to_string(), false))
        })
    };
    let (ty, name, plural) = linked.or_else(bold)?;
    let lower_name = name.to_ascii_lowercase();
    // A plural link text says many, unless the sentence calls it one
    // ("the requested [authenticationContextClassReferences](…) object").
    let plural = plural && !says_one(&lower, &lower_name);
    let collection = ty.collection || plural || says_collection(&lower, &lower_name);
    Some(match ty {
        ty if ty.primitive == Some(Primitive::Stream) => ResponseShape::Stream,
        ty if collection => ResponseShape::Collection { ty: ty.element() },
        ty => ResponseShape::Single { ty },
    })
}

/// Whether the link with `text` is the object of "for" ("a SAS URL for the
/// [educationSynchronizationProfile](…)"): the thing the body belongs to, not
/// the body.
fn object_of_for(markdown: &str, text: &str) -> bool {
    let Some(at) = markdown.find(&format!("[{text}]")) else {
        return false;
    };
    let before = markdown[..at].trim_end().to_ascii_lowercase();
    let words: Vec<&str> = before.split_whitespace().rev().take(2).collect();
    match words.as_slice() {
        ["for", ..] => true,
        [article, "for"] => matches!(*article, "the" | "a" | "an"),
        _ => false,
    }
}

/// Whether link text is the plural of the type its page is about:
/// "[identityProviders](../resources/identityprovider.md)", "[tabs](teamstab.md)"
/// (the page's name holds the singular, not the text itself).
fn names_plural_of(text: &str, page_stem: &str) -> bool {
    let text = text.to_ascii_lowercase();
    let one = super::singular(&text);
    one != text && one.len() > 1 && page_stem.contains(&one) && !page_stem.contains(&text)
}

/// Whether the word right after the type's name is a singular noun ("… object").
fn says_one(sentence: &str, name: &str) -> bool {
    let Some(at) = sentence.find(name) else {
        return false;
    };
    let after = sentence[at + name.len()..].trim_start();
    let word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
    matches!(word.as_str(), "object" | "resource" | "entity" | "item")
}

/// A primitive result: "a String in the response body", "`true` if …",
/// "a Boolean", "a String collection", "an Int32".
fn primitive_response(text: &str) -> Option<ResponseShape> {
    static PRIMITIVE: OnceLock<Option<Regex>> = OnceLock::new();
    let regex = PRIMITIVE
        .get_or_init(|| {
            Regex::new(r"\b(?:an?|the|returns)\s+`?(String|Boolean|Int32|Int64|Double|DateTimeOffset|Guid|boolean|string|integer|number)`?(\s+collection)?\b|\b(true|false)\b")
                .ok()
        })
        .as_ref()?;
    let lower = text.to_ascii_lowercase();
    if !lower.contains("response") && !lower.contains("return") {
        return None;
    }
    let captures = regex.captures(text)?;
    let primitive = match captures.get(1).map(|m| m.as_str()) {
        Some("boolean" | "Boolean") | None => Primitive::Boolean,
        Some("string" | "String") => Primitive::String,
        Some("integer" | "Int32") => Primitive::Int32,
        Some("Int64") => Primitive::Int64,
        Some("number" | "Double") => Primitive::Double,
        Some("DateTimeOffset") => Primitive::DateTimeOffset,
        Some("Guid") => Primitive::Guid,
        Some(_) => return None,
    };
    let ty = TypeRef::primitive(primitive, false);
    Some(if captures.get(2).is_some() {
        ResponseShape::Collection { ty }
    } else {
        ResponseShape::Single { ty }
    })
}

/// The response the examples' annotations give (`"@odata.type": "microsoft.graph.drive"`,
/// `"@type"`, `"isCollection": true`).
fn annotated_response(page: &Page) -> Option<ResponseShape> {
    let responses = || {
        page.blocks.iter().filter_map(|b| match b {
            Block::Code(code)
                if code
                    .annotation
                    .as_ref()
                    .and_then(|a| a.block_type())
                    .is_some_and(|t| t.eq_ignore_ascii_case("response")) =>
            {
                Some(code)
            }
            _ => None,
        })
    };
    responses().find_map(|code| {
        let annotation = code.annotation.as_ref()?;
        let name = annotation
            .str_field("@odata.type")
            .or_else(|| annotation.str_field("@type"))?;
        let ty = TypeRef::from_text(name, None)?;
        // `"isCollection": true`, or `"@odata.type": "Collection(microsoft.graph.listItem)"`.
        let collection = annotation.bool_field("isCollection").unwrap_or(false) || ty.collection;
        Some(if collection {
            ResponseShape::Collection { ty: ty.element() }
        } else {
            ResponseShape::Single { ty }
        })
    })
}

/// Whether a sentence says the response holds many of the type it links:
/// "a collection of [x] objects", "a list of [x]", "the requested [x] objects",
/// "[x] collection" — judged by the words right around the type's name, so
/// "an [accessPackage] containing a collection of [y]" is one accessPackage.
fn says_collection(sentence: &str, name: &str) -> bool {
    let Some(at) = sentence.find(name) else {
        return sentence.contains("collection of") || sentence.contains("list of");
    };
    let before = sentence[..at].trim_end();
    let after = sentence[at + name.len()..].trim_start();
    [
        "collection of",
        "list of",
        "array of",
        "set of",
        "collection of the",
        "list of the",
    ]
    .iter()
    .any(|marker| before.ends_with(marker))
        || ["objects", "collection", "resources", "entities", "items"]
            .iter()
            .any(|marker| after.starts_with(marker))
}

/// A response the page names no type for, though its examples respond with a
/// JSON object: untyped JSON (a collection page when the object holds a
/// `value` array), reported; an object that only wraps a string or a Boolean
/// in `value` is that primitive.
fn untyped_response(
    examples: &[Example],
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ResponseShape> {
    let (body, location) = examples.iter().find_map(|e| {
        let response = e.response.as_ref()?;
        let success = response.status.is_none_or(|s| (200..300).contains(&s));
        let body = response
            .body
            .as_ref()
            .filter(|b| success && b.is_object())?;
        Some((body, &response.location))
    })?;
    // `{"value": "base-64 chart image string"}`: OData's wrapper of one
    // primitive value (annotations such as `@odata.context` aside).
    let mut members = body
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| !name.starts_with('@'));
    if let (Some((name, value)), None) = (members.next(), members.next()) {
        let primitive = match value {
            serde_json::Value::String(_) => Some(Primitive::String),
            serde_json::Value::Bool(_) => Some(Primitive::Boolean),
            _ => None,
        };
        if let Some(primitive) = primitive.filter(|_| name == "value") {
            return Some(ResponseShape::Single {
                ty: TypeRef::primitive(primitive, false),
            });
        }
    }
    diagnostics.push(Diagnostic::warning(
        Code::BodyUntyped,
        Location::new(file, location.line),
        "the example responds with JSON, but the Response section names no type; the response is untyped JSON",
    ));
    let ty = TypeRef::primitive(Primitive::Json, false);
    Some(if body.get("value").is_some_and(|v| v.is_array()) {
        ResponseShape::Collection { ty }
    } else {
        ResponseShape::Single { ty }
    })
}

/// A request body the page names no type or parameters for, though its
/// examples send JSON (an object, or an array such as a OneNote patch). A JSON
/// object posted to a collection of the type the operation answers with is one
/// of them (`POST /subscriptions` sends the `subscription` it creates; `creates`
/// is the singular of the collection posted to); anything else is untyped
/// JSON. Either way it is reported.
fn untyped_body(
    examples: &[Example],
    response: &ResponseShape,
    creates: Option<&str>,
    file: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RequestBody> {
    let (body, location) = examples.iter().find_map(|e| {
        let request = e.request.as_ref()?;
        request
            .body
            .as_ref()
            .filter(|b| b.is_object() || b.is_array())
            .map(|b| (b, &request.location))
    })?;
    let answered = match response {
        ResponseShape::Single { ty }
            if ty.primitive.is_none()
                && body.is_object()
                && creates.is_some_and(|c| c == super::type_key(&ty.name)) =>
        {
            Some(ty)
        }
        _ => None,
    };
    let (ty, message) = match answered {
        Some(ty) => (
            ty.clone(),
            format!("the example sends JSON, but the Request body section names no type or parameters; the body is read as the `{}` the operation answers with", ty.name),
        ),
        None => (
            TypeRef::primitive(Primitive::Json, false),
            "the example sends JSON, but the Request body section names no type or parameters; the body is untyped JSON".to_string(),
        ),
    };
    diagnostics.push(Diagnostic::warning(
        Code::BodyUntyped,
        Location::new(file, location.line),
        message,
    ));
    Some(RequestBody::Type { ty })
}

/// The parameters of a page whose Request body section is not where its
/// table is: driveitem-createuploadsession.md nests `### Request body` under
/// `## Create an upload session` and lists `item` and `deferCommit` under
/// `## Parameters`. A table of a section named "Parameters" (not query, path
/// or function parameters) is the body when it has a row for every property
/// the example sends.
fn parameters_section_body(
    page: &Page,
    all_sections: &[Section<'_>],
    examples: &[Example],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RequestBody> {
    let sent = examples.iter().find_map(|e| {
        e.request
            .as_ref()?
            .body
            .as_ref()?
            .as_object()
            .filter(|o| !o.is_empty())
    })?;
    let mut scratch = Vec::new();
    let parameters = all_sections
        .iter()
        .filter(|s| {
            let name = s.name.trim().to_ascii_lowercase();
            matches!(
                name.as_str(),
                "parameters" | "request parameters" | "body parameters" | "request body parameters"
            )
        })
        .flat_map(|s| section_tables(s).collect::<Vec<_>>())
        .map(|table| table_properties(&page.file, table, false, &mut scratch))
        .find(|parameters| {
            sent.keys()
                .filter(|k| !k.starts_with('@'))
                .all(|key| parameters.iter().any(|p| p.name.eq_ignore_ascii_case(key)))
        })?;
    diagnostics.extend(scratch);
    Some(RequestBody::Parameters { parameters })
}

/// Whether the Request body section says not to send one.
fn says_no_body(all_sections: &[Section<'_>]) -> bool {
    all_sections
        .iter()
        .filter(|s| s.is(&["request body"]))
        .flat_map(|s| s.blocks)
        .any(|b| match b {
            Block::Paragraph(p) => {
                let text = p.text.to_ascii_lowercase();
                text.contains("do not supply")
                    || text.contains("don't supply")
                    || text.contains("not supply a request body")
            }
            _ => false,
        })
}

/// The request body: a type, action parameters, or nothing.
fn request_body(
    page: &Page,
    all_sections: &[Section<'_>],
    response: &ResponseShape,
    diagnostics: &mut Vec<Diagnostic>,
) -> RequestBody {
    let Some(section) = all_sections.iter().find(|s| s.is(&["request body"])) else {
        return RequestBody::None;
    };
    let text: String = section
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.text.to_ascii_lowercase()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut parameters: Vec<super::Property> = Vec::new();
    for table in section_tables(section) {
        for parameter in table_properties(&page.file, table, false, diagnostics) {
            // Some pages list a parameter twice (often with different cases of one row).
            if let Some(first) = parameters.iter().find(|p| p.name == parameter.name) {
                diagnostics.push(Diagnostic::warning(
                    Code::TypeConflict,
                    parameter.source.clone(),
                    format!(
                        "`{}` is listed again (first at line {}); this row is ignored",
                        parameter.name, first.source.line
                    ),
                ));
                continue;
            }
            parameters.push(parameter);
        }
    }
    let says_parameters = text.contains("parameter");
    let linked_type = section.blocks.iter().find_map(|b| match b {
        Block::Paragraph(p) if p.text.to_ascii_lowercase().contains("representation") => p
            .links
            .iter()
            .filter(|l| !l.dest.starts_with("http") && !l.dest.starts_with('#'))
            .find_map(|l| TypeRef::from_text(&l.text, Some(l.text.trim()))),
        _ => None,
    });
    let named_type = || {
        // "supply a JSON representation for the deviceManagementScriptAssignment object."
        static OBJECT: OnceLock<Option<Regex>> = OnceLock::new();
        let regex = OBJECT
            .get_or_init(|| Regex::new(r"(?i)representation (?:for|of) (?:the|a|an) \[?([A-Za-z][A-Za-z0-9_.]*)\]? object").ok())
            .as_ref()?;
        section.blocks.iter().find_map(|b| match b {
            Block::Paragraph(p) => regex
                .captures(&p.text)
                .and_then(|c| c.get(1))
                .map(|m| TypeRef::named(m.as_str(), false)),
            _ => None,
        })
    };
    if says_no_body(all_sections) {
        return RequestBody::None;
    }
    if says_parameters && !parameters.is_empty() {
        return RequestBody::Parameters { parameters };
    }
    if let Some(ty) = linked_type.or_else(named_type) {
        return RequestBody::Type { ty };
    }
    if !parameters.is_empty() {
        // Update pages list the writable properties of the resource they return.
        // Create pages list the properties of the resource they link and return
        // ("the properties of the [group](…) resource to specify when you create").
        if let ResponseShape::Single { ty } = response {
            let links_it = section.blocks.iter().any(|b| match b {
                Block::Paragraph(p) => p.links.iter().any(|l| {
                    TypeRef::from_text(&l.text, Some(l.text.trim())).is_some_and(|linked| {
                        super::type_key(&linked.name) == super::type_key(&ty.name)
                    })
                }),
                _ => false,
            });
            if text.contains("update")
                || text.contains("values for relevant fields")
                || (links_it && text.contains("propert"))
            {
                return RequestBody::Type { ty: ty.clone() };
            }
        }
        return RequestBody::Parameters { parameters };
    }
    if ["binary", "stream", "contents of the file", "zip"]
        .iter()
        .any(|word| text.contains(word))
    {
        return RequestBody::Stream;
    }
    RequestBody::None
}

/// The permissions table of the page, row by row as written (the Graph docs
/// order scopes from least to most privileged); cells that are empty or say
/// TODO are reported.
fn permissions(
    page: &Page,
    all_sections: &[Section<'_>],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Permission> {
    let mut found = Vec::new();
    for section in all_sections.iter().filter(|s| s.is(&["permissions"])) {
        for table in section_tables(section) {
            let Some(column) = table.column(&[
                "permissions (from least to most privileged)",
                "permissions (from most to least privileged)",
                "permissions",
            ]) else {
                continue;
            };
            let kind_column = table.column(&["permission type", "type"]);
            let most_first = table
                .header
                .get(column)
                .is_some_and(|cell| cell.text.to_ascii_lowercase().contains("most to least"));
            for (line, row) in &table.rows {
                let Some(cell) = row.get(column) else {
                    continue;
                };
                let text = cell.text.trim();
                let kind = kind_column
                    .and_then(|k| row.get(k))
                    .map(|c| c.text.trim().to_string())
                    .unwrap_or_default();
                let todo = text.to_ascii_uppercase().contains("TODO");
                let documented = !text.is_empty() && !todo;
                if documented && !kind.is_empty() {
                    // Kept least privileged first whatever order the table uses.
                    let scopes = if most_first {
                        let mut scopes: Vec<&str> = text.split(',').map(str::trim).collect();
                        scopes.reverse();
                        scopes.join(", ")
                    } else {
                        text.to_string()
                    };
                    found.push(Permission { kind, scopes });
                }
                if !documented {
                    diagnostics.push(Diagnostic::warning(
                        Code::PermissionTodo,
                        Location::new(&page.file, *line),
                        if text.is_empty() {
                            "permission cell is empty".to_string()
                        } else {
                            format!("permission scopes are not documented: `{text}`")
                        },
                    ));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::says_collection;

    #[test]
    fn plural_link_text() {
        use super::names_plural_of;
        assert!(names_plural_of("identityProviders", "identityprovider"));
        assert!(names_plural_of("tabs", "teamstab"));
        assert!(!names_plural_of("settings", "settings"));
        assert!(!names_plural_of("shared", "insights-shared"));
        assert!(!names_plural_of("user", "user"));
        let filtered =
            |p: &str| super::filters(&crate::parse::path_template::PathTemplate::parse(p));
        assert!(filtered(
            "/me/onlineMeetings?$filter=JoinWebUrl%20eq%20'{x}'"
        ));
        assert!(!filtered(
            "/me/outlook/tasks/{id}?$expand=singleValueExtendedProperties($filter=id eq '{id}')"
        ));
        assert!(super::says_one(
            "the requested authenticationcontextclassreferences object in the response body.",
            "authenticationcontextclassreferences"
        ));
        assert!(!super::says_one("a collection of tabs objects", "tabs"));
    }

    #[test]
    fn collection_sentences() {
        let says =
            |s: &str, n: &str| says_collection(&s.to_ascii_lowercase(), &n.to_ascii_lowercase());
        assert!(says(
            "returns a 200 OK response code and a collection of user objects in the response body.",
            "user"
        ));
        assert!(says(
            "returns a 200 OK response code and a list of teamsApp objects in the response body.",
            "teamsApp"
        ));
        assert!(says("returns a 200 OK response code and the requested session objects in the response body.", "session"));
        assert!(!says(
            "returns a 200 OK response code and a chat object in the response body.",
            "chat"
        ));
        assert!(!says(
            "returns a 200 OK response code and an accessPackage containing a collection of accessPackageResourceRoleScope objects",
            "accessPackage"
        ));
        assert!(!says(
            "returns a 200 OK response code and a deviceManagementConfigurationChoiceSettingCollectionDefinition object",
            "deviceManagementConfigurationChoiceSettingCollectionDefinition"
        ));
    }
}
