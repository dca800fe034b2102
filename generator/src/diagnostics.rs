//! Diagnostics: what docgen found wrong in the docs, located by file, line and column.
//!
//! Every problem with input is reported here instead of panicking or aborting, so
//! one bad page never hides what the rest of the tree yields.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;

/// How much a diagnostic matters to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the generated code is as documented.
    Note,
    /// The docs contradict themselves or are incomplete; docgen chose a reading.
    Warning,
    /// The docs are broken in a way that makes part of a page unusable.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// A place in a docs tree: a path relative to the tree root (with `/`) and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<String>, line: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column: 1,
        }
    }

    pub fn with_column(mut self, column: usize) -> Self {
        self.column = column;
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub location: Location,
    /// Stable code, for configuration and search (for example `example-path-mismatch`).
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// A mechanical fix, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            location,
            code,
            severity,
            message: message.into(),
            suggestion: None,
        }
    }

    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, location, message)
    }

    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, location, message)
    }

    pub fn note(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Note, location, message)
    }

    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }
}

/// One line, `file:line:column: severity[code]: message (suggestion: ...)`, with
/// the file, message and suggestion passed through [`visible`]: they come from
/// the docs, and a line break or escape sequence in them must not forge another
/// line or drive the terminal.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let location = &self.location;
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            visible(&location.file),
            location.line,
            location.column,
            self.severity,
            self.code,
            visible(&self.message)
        )?;
        if let Some(suggestion) = &self.suggestion {
            write!(f, " (suggestion: {})", visible(suggestion))?;
        }
        Ok(())
    }
}

/// Whether `c` must not be written as it is to a terminal or a log: control
/// characters (C0, DEL, C1; the tab too), Unicode line and paragraph
/// separators, and the bidirectional formatting characters that can make a
/// line read differently from what it holds.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text from the docs made safe to print on one line: every character of
/// [`is_unsafe_char`] is written as a visible escape, `\n`, `\r`, `\t`, or
/// `\u{1b}` (Rust's notation). Other text, backslashes included, is unchanged.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out`, escaped when [`is_unsafe_char`].
pub fn push_visible(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe_char(c) => {
            use fmt::Write as _;
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_escapes_controls_only() {
        assert_eq!(visible("plain `text` \\n é"), "plain `text` \\n é");
        assert_eq!(
            visible("a\nb\r\tc\u{1b}[2J\u{7}\u{9b}\u{7f}\u{202e}\u{2028}"),
            "a\\nb\\r\\tc\\u{1b}[2J\\u{7}\\u{9b}\\u{7f}\\u{202e}\\u{2028}"
        );
    }

    #[test]
    fn display_is_one_line() {
        let d = Diagnostic::warning(
            codes::LINK_BROKEN,
            Location::new("api/a\nb.md", 3),
            "x\n::error file=y::z",
        )
        .with_suggestion("\u{1b}[31m");
        assert_eq!(
            d.to_string(),
            "api/a\\nb.md:3:1: warning[link-broken]: x\\n::error file=y::z (suggestion: \\u{1b}[31m)"
        );
    }
}

/// The stable diagnostic codes, with their meaning. Kept in one place so the README
/// table and the code cannot drift apart.
pub mod codes {
    pub const READ_FAILED: &str = "read-failed";
    pub const INVALID_UTF8: &str = "invalid-utf8";
    pub const FRONT_MATTER_INVALID: &str = "front-matter-invalid";
    pub const ANNOTATION_INVALID: &str = "annotation-invalid";
    pub const ANNOTATION_REPAIRED: &str = "annotation-repaired";
    pub const COMMENT_UNCLOSED: &str = "comment-unclosed";
    pub const FENCE_UNCLOSED: &str = "fence-unclosed";
    pub const TABLE_MISSING_CELLS: &str = "table-missing-cells";
    pub const JSON_INVALID: &str = "json-invalid";
    pub const JSON_REPAIRED: &str = "json-repaired";
    pub const PAGE_EMPTY: &str = "page-yields-nothing";
    pub const HTTP_SECTION_MISSING: &str = "http-section-missing";
    pub const HTTP_LINE_INVALID: &str = "http-line-invalid";
    pub const STATUS_MISSING: &str = "status-missing";
    pub const STATUS_CONTRADICTS: &str = "status-contradicts-example";
    pub const EXAMPLE_PATH_MISMATCH: &str = "example-path-mismatch";
    pub const EXAMPLE_BASE_URL: &str = "example-base-url";
    pub const EXAMPLE_METHOD_MISMATCH: &str = "example-method-mismatch";
    pub const EXAMPLE_BLANK_LINE_BEFORE_HEADERS: &str = "example-blank-line-before-headers";
    pub const EXAMPLE_QUERY_MALFORMED: &str = "example-query-malformed";
    pub const EXAMPLE_UNPAIRED: &str = "example-unpaired";
    pub const EXAMPLE_TYPE_MISMATCH: &str = "example-type-mismatch";
    pub const EXAMPLE_PROPERTY_UNKNOWN: &str = "example-property-unknown";
    pub const EXAMPLE_ENUM_UNKNOWN: &str = "example-enum-unknown";
    pub const RESOURCE_JSON_MISSING_PROPERTY: &str = "resource-json-missing-property";
    pub const RESPONSE_SHAPE_CONTRADICTS: &str = "response-shape-contradicts";
    pub const PERMISSION_TODO: &str = "permission-todo";
    pub const DESCRIPTION_EMPTY: &str = "description-empty";
    pub const PROPERTY_NAME_INVALID: &str = "property-name-invalid";
    pub const ENUM_MEMBER_INVALID: &str = "enum-member-invalid";
    pub const TYPE_NOT_DEFINED: &str = "type-not-defined";
    pub const TYPE_CONFLICT: &str = "type-conflict";
    pub const BASE_TYPE_NOT_DEFINED: &str = "base-type-not-defined";
    pub const BASE_TYPE_CYCLE: &str = "base-type-cycle";
    pub const DUPLICATE_OPERATION: &str = "duplicate-operation";
    pub const BODY_UNTYPED: &str = "body-untyped";
    pub const LINK_BROKEN: &str = "link-broken";
    // Found by `docgen lint` (generator/src/lint/checks.rs) on the pages themselves.
    pub const CONTENT_LENGTH_MISMATCH: &str = "content-length-mismatch";
    pub const AUTH_HEADER_MISSING: &str = "auth-header-missing";
    pub const ANCHOR_MISSING: &str = "anchor-missing";
    pub const EXAMPLE_NAME_DUPLICATE: &str = "example-name-duplicate";
    // Found by `docgen lint --metadata` (generator/src/metadata/) against the service's CSDL.
    pub const METADATA_TYPE_UNDOCUMENTED: &str = "metadata-type-undocumented";
    pub const METADATA_TYPE_GROWTH: &str = "metadata-type-growth";
    pub const METADATA_PROPERTY_UNDOCUMENTED: &str = "metadata-property-undocumented";
    pub const METADATA_PROPERTY_GROWTH: &str = "metadata-property-growth";
    pub const METADATA_PROPERTY_TYPE_MISMATCH: &str = "metadata-property-type-mismatch";
    pub const METADATA_PROPERTY_TYPE_RELATED: &str = "metadata-property-type-related";
    pub const METADATA_PROPERTY_COLLECTION_MISMATCH: &str = "metadata-property-collection-mismatch";
    pub const METADATA_MEMBER_UNDOCUMENTED: &str = "metadata-member-undocumented";
    pub const METADATA_MEMBER_GROWTH: &str = "metadata-member-growth";
    pub const METADATA_BASE_TYPE_MISMATCH: &str = "metadata-base-type-mismatch";
    pub const METADATA_RESPONSE_MISMATCH: &str = "metadata-response-mismatch";
    pub const METADATA_RESPONSE_RELATED: &str = "metadata-response-related";
    pub const METADATA_PATH_UNRESOLVED: &str = "metadata-path-unresolved";

    /// Every code with its default severity and one-line meaning, in a stable order.
    pub const CATALOG: &[(&str, &str)] = &[
        (READ_FAILED, "the file could not be read"),
        (
            INVALID_UTF8,
            "the file is not valid UTF-8; invalid bytes were replaced",
        ),
        (FRONT_MATTER_INVALID, "the YAML front matter does not parse"),
        (
            ANNOTATION_INVALID,
            "a `<!-- { ... } -->` annotation is not JSON, even leniently",
        ),
        (
            ANNOTATION_REPAIRED,
            "an annotation needed a lenient repair (for example a trailing comma)",
        ),
        (
            COMMENT_UNCLOSED,
            "an HTML comment is never closed and swallows the rest of the page",
        ),
        (FENCE_UNCLOSED, "a code fence is never closed"),
        (
            TABLE_MISSING_CELLS,
            "a table row has fewer cells than the header",
        ),
        (JSON_INVALID, "an example body is not JSON, even leniently"),
        (
            JSON_REPAIRED,
            "an example body needed lenient repairs to parse",
        ),
        (PAGE_EMPTY, "the page yields no operation and no type"),
        (
            HTTP_SECTION_MISSING,
            "an API page has no HTTP request section",
        ),
        (
            HTTP_LINE_INVALID,
            "a line of the HTTP request section is not `METHOD /path`",
        ),
        (
            STATUS_MISSING,
            "the Response section states no success status",
        ),
        (
            STATUS_CONTRADICTS,
            "the example response status differs from the documented one",
        ),
        (
            EXAMPLE_PATH_MISMATCH,
            "an example's path matches no path of the HTTP request section",
        ),
        (
            EXAMPLE_BASE_URL,
            "an example's base URL is not the documented service root",
        ),
        (
            EXAMPLE_METHOD_MISMATCH,
            "an example's method differs from the documented one",
        ),
        (
            EXAMPLE_BLANK_LINE_BEFORE_HEADERS,
            "a blank line separates an example's request line from its headers",
        ),
        (
            EXAMPLE_QUERY_MALFORMED,
            "an example's query string holds a parameter without `=value`",
        ),
        (
            EXAMPLE_PROPERTY_UNKNOWN,
            "an example has a property the type's table does not list (kept, not typed)",
        ),
        (
            EXAMPLE_ENUM_UNKNOWN,
            "an example has an enum value that is not a documented member (kept as Unknown)",
        ),
        (
            RESOURCE_JSON_MISSING_PROPERTY,
            "a property of a resource's table is missing from its JSON representation",
        ),
        (
            EXAMPLE_TYPE_MISMATCH,
            "an example value contradicts the documented type of its property or body",
        ),
        (
            RESPONSE_SHAPE_CONTRADICTS,
            "the example response is a collection where the Response section documents one object, or the reverse",
        ),
        (
            EXAMPLE_UNPAIRED,
            "a request example has no response, or the reverse",
        ),
        (PERMISSION_TODO, "a permission cell is empty or says TODO"),
        (
            DESCRIPTION_EMPTY,
            "a property or parameter has an empty description",
        ),
        (
            PROPERTY_NAME_INVALID,
            "a property table row's name is not a property name (for example a path); the row is skipped",
        ),
        (
            ENUM_MEMBER_INVALID,
            "an enum member's name is empty or not a name (`\"\"`, `r#x`); the row is skipped",
        ),
        (
            TYPE_NOT_DEFINED,
            "a referenced type has no page; it was inferred from examples or kept as JSON",
        ),
        (
            TYPE_CONFLICT,
            "two pages define the same type or property differently",
        ),
        (BASE_TYPE_NOT_DEFINED, "a base type has no page"),
        (BASE_TYPE_CYCLE, "base types form a cycle"),
        (
            DUPLICATE_OPERATION,
            "two pages document the same method and path",
        ),
        (
            BODY_UNTYPED,
            "the examples show a JSON body but the page names no type for it; it is kept as untyped JSON",
        ),
        (
            LINK_BROKEN,
            "a link points to a page that is not in the tree",
        ),
        (
            CONTENT_LENGTH_MISMATCH,
            "an example's `Content-Length` header differs from the byte length of its body",
        ),
        (
            AUTH_HEADER_MISSING,
            "an API page's Request headers section does not list `Authorization`",
        ),
        (
            ANCHOR_MISSING,
            "a link's `#anchor` matches no heading or anchor of the page it points to",
        ),
        (
            EXAMPLE_NAME_DUPLICATE,
            "two request examples in the tree have the same annotation `name`",
        ),
        (
            METADATA_TYPE_UNDOCUMENTED,
            "the service's CSDL metadata defines a type that no page documents (located in the metadata file)",
        ),
        (
            METADATA_TYPE_GROWTH,
            "a type with a page is not in the CSDL metadata: likely added to the API after the metadata was published",
        ),
        (
            METADATA_PROPERTY_UNDOCUMENTED,
            "a property the CSDL metadata gives a documented type is missing from its page",
        ),
        (
            METADATA_PROPERTY_GROWTH,
            "a documented property is not in the CSDL metadata's type or its bases: likely added after the metadata",
        ),
        (
            METADATA_PROPERTY_TYPE_MISMATCH,
            "a property's documented type is unrelated to its type in the CSDL metadata",
        ),
        (
            METADATA_PROPERTY_TYPE_RELATED,
            "a property's documented type is a base or derived type of its type in the CSDL metadata",
        ),
        (
            METADATA_PROPERTY_COLLECTION_MISMATCH,
            "a property is a collection in the docs and single in the CSDL metadata, or the reverse",
        ),
        (
            METADATA_MEMBER_UNDOCUMENTED,
            "an enum member of the CSDL metadata is missing from the enum's page",
        ),
        (
            METADATA_MEMBER_GROWTH,
            "a documented enum member is not in the CSDL metadata: likely added after the metadata",
        ),
        (
            METADATA_BASE_TYPE_MISMATCH,
            "a type's documented base type differs from its base type in the CSDL metadata",
        ),
        (
            METADATA_RESPONSE_MISMATCH,
            "an operation's documented response (type, collection, body or none) contradicts what its path gives in the CSDL metadata",
        ),
        (
            METADATA_RESPONSE_RELATED,
            "an operation's documented response type is a base or derived type of the one its path gives in the CSDL metadata",
        ),
        (
            METADATA_PATH_UNRESOLVED,
            "an operation's path does not resolve in the CSDL metadata (API growth, or a path the service does not have)",
        ),
    ];

    /// The severity a code is emitted with, for the codes that always have the
    /// same one (the `docgen lint` checks). `docgen.toml` can change it per code.
    pub const DEFAULT_SEVERITIES: &[(&str, super::Severity)] = &[
        (CONTENT_LENGTH_MISMATCH, super::Severity::Warning),
        (AUTH_HEADER_MISSING, super::Severity::Warning),
        (ANCHOR_MISSING, super::Severity::Warning),
        (EXAMPLE_NAME_DUPLICATE, super::Severity::Warning),
        (METADATA_TYPE_UNDOCUMENTED, super::Severity::Note),
        (METADATA_TYPE_GROWTH, super::Severity::Note),
        (METADATA_PROPERTY_UNDOCUMENTED, super::Severity::Note),
        (METADATA_PROPERTY_GROWTH, super::Severity::Note),
        (METADATA_PROPERTY_TYPE_MISMATCH, super::Severity::Warning),
        (METADATA_PROPERTY_TYPE_RELATED, super::Severity::Note),
        (
            METADATA_PROPERTY_COLLECTION_MISMATCH,
            super::Severity::Warning,
        ),
        (METADATA_MEMBER_UNDOCUMENTED, super::Severity::Note),
        (METADATA_MEMBER_GROWTH, super::Severity::Note),
        (METADATA_BASE_TYPE_MISMATCH, super::Severity::Warning),
        (METADATA_RESPONSE_MISMATCH, super::Severity::Warning),
        (METADATA_RESPONSE_RELATED, super::Severity::Note),
        (METADATA_PATH_UNRESOLVED, super::Severity::Note),
    ];

    /// The default severity of `code`, when it has a fixed one.
    pub fn default_severity(code: &str) -> Option<super::Severity> {
        DEFAULT_SEVERITIES
            .iter()
            .find(|(known, _)| *known == code)
            .map(|(_, severity)| *severity)
    }
}
