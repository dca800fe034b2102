//! The page-level checks `docgen lint` adds to the model's diagnostics.
//!
//! Each check reads the pages the analysis parsed (and their text, for exact
//! columns) and reports only what the model does not already report. What the
//! model decides about a page (which code blocks are examples, where a link
//! leads) is asked of the model, never decided again here, so that lint and
//! the model cannot read one page two ways. Every check is tuned for
//! precision: when a page could be read two ways, it is not reported.

use super::LintPage;
use crate::diagnostics::{edit_distance, Code, Diagnostic, Location, Severity};
use crate::model::{example_role, link_target, ExampleRole, LinkTarget, PageKind};
use crate::parse::http_example::{self, Body};
use crate::parse::{Block, CodeBlock, Table};
use std::collections::{BTreeMap, BTreeSet};

/// Runs every check over the tree's pages.
pub fn run(pages: &[LintPage<'_>]) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let anchors = AnchorIndex::new(pages);
    for page in pages {
        content_length(page, &mut findings);
        auth_header(page, &mut findings);
        anchor_links(page, &anchors, &mut findings);
    }
    example_names(pages, &mut findings);
    findings
}

/// A diagnostic of one of the lint codes, at the code's default severity.
fn finding(code: Code, location: Location, message: String) -> Diagnostic {
    let severity = code.default_severity().unwrap_or(Severity::Warning);
    Diagnostic::new(code, severity, location, message)
}

/// The 1-based character column of byte offset `at` in `line`.
fn char_column(line: &str, at: usize) -> usize {
    line.get(..at)
        .map_or(1, |before| before.chars().count() + 1)
}

/// Line `number` (1-based) of a page's text.
fn source_line(text: &str, number: usize) -> &str {
    text.split('\n').nth(number.saturating_sub(1)).unwrap_or("")
}

// ---------------------------------------------------------------------------
// content-length-mismatch

/// `Content-Length` headers that do not match the body written under them.
///
/// The body is counted as written in the page (UTF-8 bytes, lines joined by `\n`,
/// without trailing blank lines). To stay precise, a header is accepted when it
/// matches any reasonable way of counting that body (with `\r\n` line ends, with a
/// final line break, or minified), and bodies that are not strict JSON (placeholders,
/// binary content, bodies shortened with `...`), that the annotation marks as
/// truncated, or that the text since the last heading calls shortened are not checked.
fn content_length(page: &LintPage<'_>, findings: &mut Vec<Diagnostic>) {
    // Whether the text since the last heading says examples are shortened.
    let mut prose_says_shortened = false;
    for block in &page.page.blocks {
        let code = match block {
            Block::Heading(_) => {
                prose_says_shortened = false;
                continue;
            }
            Block::Paragraph(paragraph) => {
                prose_says_shortened |= says_shortened(&paragraph.text);
                continue;
            }
            Block::Table(_) => continue,
            Block::Code(code) => code,
        };
        // The model's reading of the block: an example is checked wherever
        // the model would read it as one (`ignored` blocks included).
        let is_request = match example_role(code) {
            ExampleRole::Request => true,
            ExampleRole::Response => false,
            ExampleRole::NotExample => continue,
        };
        let truncated = code
            .annotation
            .as_ref()
            .and_then(|a| a.bool_field("truncated"))
            .unwrap_or(false);
        if truncated || prose_says_shortened {
            continue;
        }
        let (headers, body) = if is_request {
            match http_example::parse_request(&code.text) {
                Some(request) => (request.headers, request.body),
                None => continue,
            }
        } else {
            let response = http_example::parse_response(&code.text);
            (response.headers, response.body)
        };
        let Some((_, declared)) = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        else {
            continue;
        };
        let Ok(declared) = declared.trim().parse::<usize>() else {
            continue;
        };
        // No body shown: the page does not claim what the body is.
        let Some(body) = body else { continue };
        let Some(lengths) = body_lengths(&body) else {
            continue;
        };
        if lengths.accepted.contains(&declared) {
            continue;
        }
        let Some((line, column, width)) = header_position(page, code, "content-length") else {
            continue;
        };
        let diagnostic = finding(
            Code::ContentLengthMismatch,
            Location::new(page.file, line)
                .with_column(column)
                .with_length(width),
            format!(
                "`Content-Length` is {declared}, but the {} body below is {} bytes",
                if is_request { "request" } else { "response" },
                lengths.as_written
            ),
        )
        .with_suggestion(format!("Content-Length: {}", lengths.as_written));
        findings.push(diagnostic);
    }
}

/// "The response object shown here might be shortened for readability."
fn says_shortened(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    ["shortened", "truncated", "brevity"]
        .iter()
        .any(|word| text.contains(word))
}

struct BodyLengths {
    /// Bytes of the body as written, lines joined by `\n`, no trailing newline.
    as_written: usize,
    /// Every count a writer could reasonably have meant.
    accepted: BTreeSet<usize>,
}

/// The lengths of a body that is strict JSON; `None` for any other body.
fn body_lengths(body: &Body) -> Option<BodyLengths> {
    let text = body.text.trim_end();
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let as_written = text.len();
    let line_breaks = text.matches('\n').count();
    let crlf = as_written + line_breaks;
    let mut accepted = BTreeSet::from([as_written, as_written + 1, crlf, crlf + 2]);
    if let Ok(minified) = serde_json::to_string(&value) {
        // Minified, alone or with a final line break.
        accepted.extend([minified.len(), minified.len() + 1, minified.len() + 2]);
    }
    Some(BodyLengths {
        as_written,
        accepted,
    })
}

/// Line, column and width of the value of header `name` in a code block, taken
/// from the page's text so the column is exact even for indented blocks.
fn header_position(
    page: &LintPage<'_>,
    code: &CodeBlock,
    name: &str,
) -> Option<(usize, usize, usize)> {
    let first = code.content_line();
    for (offset, block_line) in code.text.lines().enumerate() {
        let Some((header, _)) = block_line.split_once(':') else {
            continue;
        };
        if !header.trim().eq_ignore_ascii_case(name) {
            continue;
        }
        let line = first + offset;
        let text = source_line(page.text, line);
        let colon = text.find(':')?;
        let after = &text[colon + 1..];
        let value = after.trim();
        let start = colon + 1 + (after.len() - after.trim_start().len());
        return Some((line, char_column(text, start), value.chars().count().max(1)));
    }
    None
}

// ---------------------------------------------------------------------------
// auth-header-missing

/// API pages whose Request headers section does not list `Authorization`: a
/// table of headers without that row, or a section that says there are none.
/// Sections of optional headers (`Optional request headers`) are not checked.
fn auth_header(page: &LintPage<'_>, findings: &mut Vec<Diagnostic>) {
    if PageKind::of(page.page) != PageKind::Api {
        return;
    }
    let blocks = &page.page.blocks;
    for (index, block) in blocks.iter().enumerate() {
        let Block::Heading(heading) = block else {
            continue;
        };
        if !heading
            .text
            .trim()
            .to_ascii_lowercase()
            .starts_with("request header")
        {
            continue;
        }
        let section: Vec<&Block> = blocks[index + 1..]
            .iter()
            .take_while(|b| !matches!(b, Block::Heading(h) if h.level <= heading.level))
            .collect();
        let tables: Vec<&Table> = section
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        let (line, what) = match tables.first() {
            Some(table) => {
                if tables.iter().any(|t| lists_authorization(t)) {
                    continue;
                }
                (
                    table.line,
                    "the Request headers table does not list `Authorization`",
                )
            }
            None => {
                let says_none = section.iter().any(|b| {
                    matches!(b, Block::Paragraph(p) if p.text.trim().trim_end_matches('.').eq_ignore_ascii_case("none"))
                });
                if !says_none {
                    continue;
                }
                (
                    heading.line,
                    "the Request headers section lists no headers, not even `Authorization`",
                )
            }
        };
        let diagnostic = finding(
            Code::AuthHeaderMissing,
            Location::new(page.file, line),
            what.to_string(),
        )
        .with_suggestion("add the row `| Authorization | Bearer {token}. Required. |`");
        findings.push(diagnostic);
    }
}

/// Whether a table has a row for the `Authorization` header, in its name column
/// (or anywhere in the row, for tables without a recognisable name column).
fn lists_authorization(table: &Table) -> bool {
    let names = |text: &str| {
        text.trim()
            .trim_matches('`')
            .to_ascii_lowercase()
            .starts_with("authorization")
    };
    let column = table.column(&["name", "header", "request header", "header name"]);
    table.rows.iter().any(|(_, row)| match column {
        Some(column) => row.get(column).is_some_and(|cell| names(&cell.text)),
        None => row.iter().any(|cell| names(&cell.text)),
    })
}

// ---------------------------------------------------------------------------
// anchor-missing

/// Every page's anchors (heading slugs and explicit `<a name>`/`<a id>`), by
/// lowercased file path.
struct AnchorIndex {
    pages: BTreeMap<String, BTreeSet<String>>,
}

impl AnchorIndex {
    fn new(pages: &[LintPage<'_>]) -> AnchorIndex {
        let pages = pages
            .iter()
            .map(|page| (page.file.to_ascii_lowercase(), page_anchors(page)))
            .collect();
        AnchorIndex { pages }
    }

    fn anchors_of(&self, file: &str) -> Option<&BTreeSet<String>> {
        self.pages.get(&file.to_ascii_lowercase())
    }
}

/// The anchors a page defines: GitHub-style slugs of its headings (with `-1`,
/// `-2`, … for repeated headings), the same slugs with runs of `-` collapsed (the
/// form some renderers use), and explicit HTML anchors.
fn page_anchors(page: &LintPage<'_>) -> BTreeSet<String> {
    let mut anchors = BTreeSet::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for block in &page.page.blocks {
        let Block::Heading(heading) = block else {
            continue;
        };
        let base = slug(&heading.text);
        let count = seen.entry(base.clone()).or_insert(0);
        let slug = if *count == 0 {
            base.clone()
        } else {
            format!("{base}-{count}")
        };
        *count += 1;
        anchors.insert(collapse_hyphens(&slug));
        anchors.insert(slug);
    }
    for name in html_anchors(page.text) {
        anchors.insert(name.to_lowercase());
    }
    anchors
}

/// GitHub's heading slug: lowercase, spaces to `-`, punctuation other than `-`
/// and `_` dropped.
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

fn collapse_hyphens(slug: &str) -> String {
    let mut out = String::with_capacity(slug.len());
    for c in slug.chars() {
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    out.trim_matches('-').to_string()
}

/// `name` and `id` values of `<a ...>` tags anywhere in the text.
fn html_anchors(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<a ") {
        let start = from + at;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &text[start..end];
        for attribute in ["name=", "id="] {
            if let Some(value) = attribute_value(tag, attribute) {
                names.push(value);
            }
        }
        from = end.max(start + 3);
    }
    names
}

fn attribute_value(tag: &str, attribute: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    loop {
        let at = from + lower[from..].find(attribute)?;
        let boundary = at == 0 || lower[..at].ends_with(char::is_whitespace);
        from = at + attribute.len();
        if !boundary {
            continue;
        }
        let rest = &tag[from..];
        let quote = rest.chars().next()?;
        let value = if quote == '"' || quote == '\'' {
            rest[1..].split(quote).next()?
        } else {
            rest.split(|c: char| c.is_whitespace() || c == '>').next()?
        };
        return Some(value.to_string());
    }
}

/// Links to `#anchor` (this page) and `page.md#anchor` (another page of the tree)
/// whose anchor the target page does not define. Links to pages outside the tree
/// are `link-broken`'s business; tab links (`#tab/...`) are not anchors.
fn anchor_links(page: &LintPage<'_>, index: &AnchorIndex, findings: &mut Vec<Diagnostic>) {
    // The parser recorded every link with its place (no second parse here),
    // and the model says where each leads.
    for link in &page.page.links {
        let Some((target, fragment)) = link.dest.split_once('#') else {
            continue;
        };
        let anchor = percent_decode(fragment).to_lowercase();
        if anchor.is_empty() || anchor.starts_with("tab/") {
            continue;
        }
        let target_file = match link_target(page.file, &link.dest) {
            LinkTarget::SamePage => page.file.to_string(),
            LinkTarget::Page {
                file: Some(file), ..
            } => file,
            LinkTarget::Page { file: None, .. } | LinkTarget::Elsewhere => continue,
        };
        let Some(anchors) = index.anchors_of(&target_file) else {
            continue;
        };
        if anchors.contains(&anchor) || anchors.contains(&collapse_hyphens(&anchor)) {
            continue;
        }
        // Locate `#fragment` inside the link's source for an exact column.
        let link_start = link.span.start;
        let link_source = page.text.get(link.span.clone()).unwrap_or("");
        let needle = format!("#{fragment}");
        let (at, width) = match link_source.rfind(&needle) {
            Some(at) => (link_start + at, needle.chars().count()),
            None => (link_start, link_source.chars().count()),
        };
        let line_start = page.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line = page.text[..line_start].matches('\n').count() + 1;
        let line_text = source_line(page.text, line);
        let column = char_column(line_text, at - line_start);
        let width = width.min(line_text.chars().count().saturating_sub(column - 1).max(1));
        let message = if target.is_empty() {
            format!("link to `#{fragment}`, but no heading or anchor on this page has that name")
        } else {
            format!("link to `{target}#{fragment}`, but `{target_file}` has no heading or anchor of that name")
        };
        let mut diagnostic = finding(
            Code::AnchorMissing,
            Location::new(page.file, line)
                .with_column(column)
                .with_length(width),
            message,
        );
        if let Some(near) = closest_anchor(&anchor, anchors) {
            diagnostic = diagnostic.with_suggestion(format!("#{near}"));
        }
        findings.push(diagnostic);
    }
}

/// The anchor the link most likely meant, as a suggestion: the one nearest by
/// edit distance (at most 2 edits), else the one that extends or shortens it;
/// `None` when there is no single obvious one.
fn closest_anchor(wanted: &str, anchors: &BTreeSet<String>) -> Option<String> {
    let single = |candidates: Vec<&String>| match candidates.as_slice() {
        [only] => Some((*only).clone()),
        _ => None,
    };
    let mut best: Option<usize> = None;
    let mut nearest = Vec::new();
    for anchor in anchors {
        let distance = edit_distance(wanted, anchor);
        if distance > 2 || best.is_some_and(|b| distance > b) {
            continue;
        }
        if best != Some(distance) {
            nearest.clear();
            best = Some(distance);
        }
        nearest.push(anchor);
    }
    if !nearest.is_empty() {
        return single(nearest);
    }
    single(
        anchors
            .iter()
            .filter(|a| a.len() > 3 && (a.starts_with(wanted) || wanted.starts_with(a.as_str())))
            .collect(),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------
// example-name-duplicate

/// Request annotations whose `name` an earlier request (in file order) already
/// uses. Reported at the later one, naming the page of the first.
fn example_names(pages: &[LintPage<'_>], findings: &mut Vec<Diagnostic>) {
    let mut first_use: BTreeMap<&str, &str> = BTreeMap::new();
    for page in pages {
        for block in &page.page.blocks {
            let Block::Code(code) = block else { continue };
            let Some(annotation) = &code.annotation else {
                continue;
            };
            let is_request = annotation
                .block_type()
                .is_some_and(|t| t.eq_ignore_ascii_case("request"));
            let Some(name) = annotation.str_field("name").filter(|_| is_request) else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            let Some(first) = first_use.get(name) else {
                first_use.insert(name, page.file);
                continue;
            };
            let (line, column, width) = name_position(page.text, code, name);
            let where_first = if *first == page.file {
                "an earlier request on this page".to_string()
            } else {
                format!("a request in `{first}`")
            };
            let diagnostic = finding(
                Code::ExampleNameDuplicate,
                Location::new(page.file, line)
                    .with_column(column)
                    .with_length(width),
                format!("request example name `{name}` is already used by {where_first}"),
            );
            findings.push(diagnostic);
        }
    }
}

/// Where the annotation of `code` spells `name`: the line holding `"name"`
/// between the annotation's first line and the fence.
fn name_position(text: &str, code: &CodeBlock, name: &str) -> (usize, usize, usize) {
    let first = code.annotation_line.unwrap_or(code.line);
    for line in first..code.line.max(first + 1) {
        let line_text = source_line(text, line);
        let Some(key) = line_text.find("\"name\"") else {
            continue;
        };
        if let Some(at) = line_text[key..].find(name).map(|i| key + i) {
            return (line, char_column(line_text, at), name.chars().count());
        }
    }
    (first, 1, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_github() {
        assert_eq!(slug("HTTP request"), "http-request");
        assert_eq!(
            slug("Example 1: Get the user's manager"),
            "example-1-get-the-users-manager"
        );
        assert_eq!(slug("calendarRoleType values"), "calendarroletype-values");
        assert_eq!(slug("Step 2 - upload_bytes"), "step-2---upload_bytes");
        assert_eq!(collapse_hyphens("step-2---upload"), "step-2-upload");
    }

    #[test]
    fn html_anchor_names() {
        assert_eq!(
            html_anchors("x <a name=\"delta\"></a> <A id='Other'>y</a> <a href=\"#z\">"),
            vec!["delta".to_string(), "Other".to_string()]
        );
    }

    #[test]
    fn suggestions_pick_the_one_near_anchor() {
        let anchors: BTreeSet<String> = ["permissions", "http-request", "example-2-get-a-widget"]
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(
            closest_anchor("permision", &anchors).as_deref(),
            Some("permissions")
        );
        assert_eq!(
            closest_anchor("example-2", &anchors).as_deref(),
            Some("example-2-get-a-widget")
        );
        assert_eq!(closest_anchor("nothing-like-it", &anchors), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn lengths_accept_every_reasonable_count() {
        let body = Body {
            text: "{\n  \"a\": 1\n}\n\n".into(),
            line_offset: 0,
        };
        let lengths = body_lengths(&body).expect("JSON body");
        assert_eq!(lengths.as_written, 12);
        assert!(lengths.accepted.contains(&12)); // as written
        assert!(lengths.accepted.contains(&14)); // CRLF
        assert!(lengths.accepted.contains(&7)); // {"a":1}
        assert!(body_lengths(&Body {
            text: "{ ... }".into(),
            line_offset: 0
        })
        .is_none());
    }
}
