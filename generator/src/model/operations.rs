//! Operations from API pages: the HTTP request section, headers, body and response.

use super::examples::page_examples;
use super::sections::{self, Section};
use super::type_ref::{Primitive, TypeRef};
use super::types::{description, section_tables, table_properties};
use super::{Example, HeaderParam, Operation, RequestBody, ResponseShape};
use crate::diagnostics::{codes, Diagnostic, Location};
use crate::parse::http_example::request_line;
use crate::parse::path_template::PathTemplate;
use crate::parse::{status, Block, CodeBlock, Page};
use regex::Regex;
use std::sync::OnceLock;

/// Operations of one API page, unnamed (names are given once all pages are known).
/// Each path line of the HTTP request section gives one operation.
pub fn page_operations(
    page: &Page,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Operation>, Vec<Example>) {
    let all_sections = sections::sections(page);
    let blocks = http_request_blocks(page, &all_sections, diagnostics);
    let path_lines = path_lines(&page.file, &blocks, diagnostics);
    if path_lines.is_empty() {
        diagnostics.push(Diagnostic::error(
            codes::HTTP_SECTION_MISSING,
            Location::new(&page.file, 1),
            "API page has no `HTTP request` section with a `METHOD /path` line, so it yields no operation",
        ));
        return (Vec::new(), Vec::new());
    }
    let (title, title_line) = sections::title(page)
        .map(|(t, l)| (t.to_string(), l))
        .or_else(|| page.front_matter.title.clone().map(|t| (t, 1)))
        .unwrap_or_default();
    let description = description(page);
    let query_options = query_options(&all_sections, &path_lines);
    let headers = headers(&all_sections);
    let (documented_status, response) = response(page, diagnostics);
    let body = request_body(page, &all_sections, &response, diagnostics);
    let skip: Vec<usize> = blocks.iter().map(|b| b.line).collect();
    let examples = page_examples(page, &all_sections, &skip, diagnostics);
    // A page that states no status answers with its examples' success status.
    let success_status = documented_status
        .or_else(|| {
            examples
                .iter()
                .filter_map(|e| e.response.as_ref()?.status)
                .find(|s| (200..300).contains(s))
        })
        .unwrap_or(200);
    permissions(page, &all_sections, diagnostics);

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
            let response = if path.raw.ends_with("/$value")
                || path.raw.ends_with("/content") && method == "GET"
            {
                ResponseShape::Stream
            } else {
                response.clone()
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
                body: body.clone(),
                success_status,
                response,
                examples: Vec::new(),
                source: Location::new(&page.file, if line > 0 { line } else { title_line }),
                area: String::new(),
            }
        })
        .collect();
    (operations, examples)
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
                    codes::HTTP_SECTION_MISSING,
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
                    codes::HTTP_LINE_INVALID,
                    Location::new(file, line_number),
                    format!("`{trimmed}` has no space between the method and the path"),
                ));
            }
            match request_line(trimmed) {
                Some((method, target)) => {
                    let split = crate::parse::http_example::split_url(&target);
                    let mut path = match split.query {
                        Some(q) => format!("{}?{}", split.path, q),
                        None => split.path,
                    };
                    if !path.starts_with('/') {
                        // `GET policies/x`: a path written without its leading slash.
                        path.insert(0, '/');
                    }
                    let template = PathTemplate::parse(&without_spaces_in_arguments(&path));
                    if template.is_plausible() {
                        lines.push((method, template, line_number));
                    } else {
                        diagnostics.push(Diagnostic::warning(
                            codes::HTTP_LINE_INVALID,
                            Location::new(file, line_number),
                            format!("`{trimmed}` does not give a URL path; it is skipped"),
                        ));
                    }
                }
                None => diagnostics.push(Diagnostic::warning(
                    codes::HTTP_LINE_INVALID,
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

/// The paragraphs under the page's Response heading: the `## Response` section,
/// or a `### Response` heading at another level (some pages nest it).
fn response_paragraphs(page: &Page) -> Option<(usize, Vec<&crate::parse::Paragraph>)> {
    let mut found: Option<(u8, usize)> = None;
    let mut paragraphs = Vec::new();
    for block in &page.blocks {
        match block {
            Block::Heading(h) if found.is_none() && h.text.eq_ignore_ascii_case("response") => {
                found = Some((h.level, h.line));
            }
            Block::Heading(h) if found.is_some_and(|(level, _)| h.level <= level) => break,
            Block::Paragraph(p) if found.is_some() => paragraphs.push(p),
            _ => {}
        }
    }
    found.map(|(_, line)| (line, paragraphs))
}

/// Success status (when the page states one) and response shape from the
/// Response section's text.
fn response(page: &Page, diagnostics: &mut Vec<Diagnostic>) -> (Option<u16>, ResponseShape) {
    let file = page.file.as_str();
    let Some((line, paragraphs)) = response_paragraphs(page) else {
        diagnostics.push(Diagnostic::warning(
            codes::STATUS_MISSING,
            Location::new(file, 1),
            "page has no Response section; the success status is taken from the examples, else 200",
        ));
        return (None, ResponseShape::None);
    };
    let status = status::documented_status(paragraphs.iter().map(|p| p.text.as_str()));
    if status.is_none() {
        diagnostics.push(Diagnostic::warning(
            codes::STATUS_MISSING,
            Location::new(file, line),
            "the Response section states no success status; it is taken from the examples, else 200",
        ));
    }
    if status == Some(204) {
        return (status, ResponseShape::None);
    }
    let Some(sentence) = paragraphs
        .iter()
        .find(|p| status::success_status(&p.text).is_some())
        .or(paragraphs.first())
    else {
        return (status, ResponseShape::None);
    };
    let lower = sentence.text.to_ascii_lowercase();
    let link_type = sentence
        .links
        .iter()
        .filter(|l| {
            !l.dest.starts_with("http") && !l.dest.starts_with('#') && !l.dest.starts_with("/")
        })
        .find_map(|l| TypeRef::from_text(&l.text, Some(l.text.trim())));
    let collection = link_type
        .as_ref()
        .is_some_and(|ty| ty.collection || says_collection(&lower, &ty.name.to_ascii_lowercase()));
    let shape = match link_type {
        Some(ty) if ty.primitive == Some(Primitive::Stream) => ResponseShape::Stream,
        Some(ty) if collection => ResponseShape::Collection { ty: ty.element() },
        Some(ty) => ResponseShape::Single { ty },
        None if lower.contains("stream") || lower.contains("binary content") => {
            ResponseShape::Stream
        }
        None => ResponseShape::None,
    };
    (status, shape)
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
                    codes::TYPE_CONFLICT,
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
    if text.contains("do not supply")
        || text.contains("don't supply")
        || text.contains("not supply a request body")
    {
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
        if let ResponseShape::Single { ty } = response {
            if text.contains("update") || text.contains("values for relevant fields") {
                return RequestBody::Type { ty: ty.clone() };
            }
        }
        return RequestBody::Parameters { parameters };
    }
    if text.contains("binary") || text.contains("stream") || text.contains("contents of the file") {
        return RequestBody::Stream;
    }
    RequestBody::None
}

/// Permission cells that are empty or say TODO.
fn permissions(page: &Page, all_sections: &[Section<'_>], diagnostics: &mut Vec<Diagnostic>) {
    for section in all_sections.iter().filter(|s| s.is(&["permissions"])) {
        for table in section_tables(section) {
            let Some(column) = table.column(&[
                "permissions (from least to most privileged)",
                "permissions (from most to least privileged)",
                "permissions",
            ]) else {
                continue;
            };
            for (line, row) in &table.rows {
                let Some(cell) = row.get(column) else {
                    continue;
                };
                let text = cell.text.trim();
                if text.is_empty() || text.to_ascii_uppercase().contains("TODO") {
                    diagnostics.push(Diagnostic::warning(
                        codes::PERMISSION_TODO,
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
}

#[cfg(test)]
mod tests {
    use super::says_collection;

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
