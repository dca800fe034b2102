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

/// A place in a docs tree: a path relative to the tree root (with `/`) and a
/// 1-based line and column; with a length where the finder knows how far the
/// problem reaches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Location {
    /// The page's path relative to the docs folder, with `/`.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// How many characters from `column` the problem spans, when known: the
    /// caret line of `docgen lint` and SARIF's `endColumn` show it. Without it
    /// the rest of the line is meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length: Option<usize>,
}

impl Location {
    /// A location at the start of `line`.
    pub fn new(file: impl Into<String>, line: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column: 1,
            length: None,
        }
    }

    /// The same location at `column`.
    pub fn with_column(mut self, column: usize) -> Self {
        self.column = column;
        self
    }

    /// The same place, spanning `length` characters from its column.
    pub fn with_length(mut self, length: usize) -> Self {
        self.length = Some(length);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Where the problem is.
    pub location: Location,
    /// Stable code, for configuration and search (for example `example-path-mismatch`).
    pub code: Code,
    /// Note, warning or error, as the policy reports it.
    pub severity: Severity,
    /// What is wrong, for people.
    pub message: String,
    /// A mechanical fix, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

/// What diagnostics are sorted by, in this order.
type SortKey<'a> = (
    &'a str,
    usize,
    usize,
    Code,
    Severity,
    &'a str,
    Option<&'a str>,
    Option<usize>,
);

/// Diagnostics sort by file, line, column, code, severity, message and
/// suggestion, and only then by the length of their span: every output lists
/// them in this order, which is the order from before spans were part of the
/// location.
impl Ord for Diagnostic {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        fn key(d: &Diagnostic) -> SortKey<'_> {
            (
                d.location.file.as_str(),
                d.location.line,
                d.location.column,
                d.code,
                d.severity,
                d.message.as_str(),
                d.suggestion.as_deref(),
                d.location.length,
            )
        }
        key(self).cmp(&key(other))
    }
}

impl PartialOrd for Diagnostic {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Diagnostic {
    /// A diagnostic of `code` with the given severity.
    pub fn new(
        code: Code,
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

    /// A diagnostic of severity warning.
    pub fn warning(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, location, message)
    }

    /// A diagnostic of severity error.
    pub fn error(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, location, message)
    }

    /// A diagnostic of severity note.
    pub fn note(code: Code, location: Location, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Note, location, message)
    }

    /// The same diagnostic with a suggested fix.
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }
}

/// One line, `file:line:column: severity[code]: message (suggestion: ...)`, with
/// the file, message and suggestion passed through `visible`: they come from
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
pub(crate) fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text from the docs made safe to print on one line: every character of
/// [`is_unsafe_char`] is written as a visible escape, `\n`, `\r`, `\t`, or
/// `\u{1b}` (Rust's notation). Other text, backslashes included, is unchanged.
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
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
pub(crate) fn push_visible(out: &mut String, c: char) {
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

/// The kinds of problem a code is tagged with (SARIF's `properties.tags`): every
/// code has `documentation`, and one of these.
const SYNTAX: &[&str] = &["documentation", "syntax"];
const STRUCTURE: &[&str] = &["documentation", "structure"];
const EXAMPLES: &[&str] = &["documentation", "examples"];
const TYPES: &[&str] = &["documentation", "types"];
const LINKS: &[&str] = &["documentation", "links"];
const PERMISSIONS: &[&str] = &["documentation", "permissions"];
const METADATA: &[&str] = &["documentation", "metadata"];

/// Where the documentation of every code is: the README's table of diagnostic
/// codes (stable: the heading `## Diagnostic codes` gives the anchor). SARIF
/// rules point their `helpUri` here.
pub const HELP_URI: &str = "https://github.com/docgen/docgen/blob/main/README.md#diagnostic-codes";

/// Declares [`Code`] from one table, so that a code's name, meaning, fix, tags
/// and default severity are written once, side by side, and cannot drift apart.
macro_rules! codes {
    ($(
        $variant:ident = $name:literal {
            tags: $tags:ident,
            severity: $severity:expr,
            meaning: $meaning:literal,
            fix: $fix:literal,
        }
    )*) => {
        /// A stable diagnostic code. Written and read as its kebab-case
        /// [`name`](Code::name) (`link-broken`) everywhere: JSON, SARIF,
        /// `docgen.toml`, baselines and stamps.
        ///
        /// To add a code: add a row to the table in `diagnostics.rs` (name,
        /// tags, default severity, meaning, fix) and the same row to the README's
        /// "Diagnostic codes" table (`tests/readme_codes.rs` checks the two).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $(
                #[doc = $meaning]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in the catalog's order (the README's and SARIF's).
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable name, as users see and configure it.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One line: what the code means (lowercase, no final period).
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(Code::$variant => $meaning,)*
                }
            }

            /// How to fix the page, one or two sentences.
            pub const fn fix(self) -> &'static str {
                match self {
                    $(Code::$variant => $fix,)*
                }
            }

            /// The kind of problem: `documentation` and one of `syntax`,
            /// `structure`, `examples`, `types`, `links`, `permissions`, `metadata`.
            pub const fn tags(self) -> &'static [&'static str] {
                match self {
                    $(Code::$variant => $tags,)*
                }
            }

            /// The severity the code is always emitted with, for the codes that
            /// have a fixed one (the `docgen lint` checks and the metadata
            /// comparison); `None` where the emitting site chooses by case.
            /// `docgen.toml` can change any code's severity.
            pub const fn default_severity(self) -> Option<Severity> {
                match self {
                    $(Code::$variant => $severity,)*
                }
            }
        }
    };
}

codes! {
    ReadFailed = "read-failed" {
        tags: SYNTAX,
        severity: None,
        meaning: "the file could not be read",
        fix: "Make the file readable (permissions, a broken symbolic link) or remove it from the docs folder.",
    }
    InvalidUtf8 = "invalid-utf8" {
        tags: SYNTAX,
        severity: None,
        meaning: "the file is not valid UTF-8; invalid bytes were replaced",
        fix: "Save the page as UTF-8; the replaced bytes are shown as `�`.",
    }
    FrontMatterInvalid = "front-matter-invalid" {
        tags: SYNTAX,
        severity: None,
        meaning: "the YAML front matter does not parse",
        fix: "Fix the YAML between the `---` lines at the top of the page (quote values that hold `:`).",
    }
    AnnotationInvalid = "annotation-invalid" {
        tags: SYNTAX,
        severity: None,
        meaning: "a `<!-- { ... } -->` annotation is not JSON, even leniently",
        fix: "Write the `<!-- { ... } -->` annotation as JSON: quoted keys, `:` between key and value, `,` between members.",
    }
    AnnotationRepaired = "annotation-repaired" {
        tags: SYNTAX,
        severity: None,
        meaning: "an annotation needed a lenient repair (for example a trailing comma)",
        fix: "Write the annotation as strict JSON (the message says what was repaired, for example a trailing comma).",
    }
    CommentUnclosed = "comment-unclosed" {
        tags: SYNTAX,
        severity: None,
        meaning: "an HTML comment is never closed and swallows the rest of the page",
        fix: "Close the HTML comment with `-->`.",
    }
    FenceUnclosed = "fence-unclosed" {
        tags: SYNTAX,
        severity: None,
        meaning: "a code fence is never closed",
        fix: "Close the code block with a fence line like the one that opens it (```` ``` ````).",
    }
    TableMissingCells = "table-missing-cells" {
        tags: SYNTAX,
        severity: None,
        meaning: "a table row has fewer cells than the header",
        fix: "Give the row one cell per header column: leave a cell empty rather than out.",
    }
    JsonInvalid = "json-invalid" {
        tags: EXAMPLES,
        severity: None,
        meaning: "an example body is not JSON, even leniently",
        fix: "Make the example body JSON; mark a body that is not JSON on purpose with an annotation `\"blockType\": \"ignored\"`.",
    }
    JsonRepaired = "json-repaired" {
        tags: EXAMPLES,
        severity: None,
        meaning: "an example body needed lenient repairs to parse",
        fix: "Write the body as strict JSON: no trailing commas or comments; `...` only where the example is shortened on purpose.",
    }
    PageYieldsNothing = "page-yields-nothing" {
        tags: STRUCTURE,
        severity: None,
        meaning: "the page yields no operation and no type",
        fix: "Nothing to fix on a conceptual page; on an API or resource page, add the HTTP request section or the properties table.",
    }
    HttpSectionMissing = "http-section-missing" {
        tags: STRUCTURE,
        severity: None,
        meaning: "an API page has no HTTP request section",
        fix: "Add a `## HTTP request` section with the method and path in a code block.",
    }
    HttpLineInvalid = "http-line-invalid" {
        tags: STRUCTURE,
        severity: None,
        meaning: "a line of the HTTP request section is not `METHOD /path`",
        fix: "Write each line of the HTTP request block as `METHOD /path` (for example `GET /users/{id}`).",
    }
    StatusMissing = "status-missing" {
        tags: STRUCTURE,
        severity: None,
        meaning: "the Response section states no success status",
        fix: "State the success status in the Response section, for example `returns a 200 OK response code`.",
    }
    StatusContradictsExample = "status-contradicts-example" {
        tags: EXAMPLES,
        severity: None,
        meaning: "the example response status differs from the documented one",
        fix: "Make the example response's status line and the Response section's status the same.",
    }
    ExamplePathMismatch = "example-path-mismatch" {
        tags: EXAMPLES,
        severity: None,
        meaning: "an example's path matches no path of the HTTP request section",
        fix: "Change the example's path to one of the HTTP request section's paths, or add the path there.",
    }
    ExampleBaseUrl = "example-base-url" {
        tags: EXAMPLES,
        severity: None,
        meaning: "an example's base URL is not the documented service root",
        fix: "Use the documented service root (for example `https://graph.microsoft.com/v1.0`) in the example.",
    }
    ExampleMethodMismatch = "example-method-mismatch" {
        tags: EXAMPLES,
        severity: None,
        meaning: "an example's method differs from the documented one",
        fix: "Use the documented method in the example, or document the example's method.",
    }
    ExampleBlankLineBeforeHeaders = "example-blank-line-before-headers" {
        tags: EXAMPLES,
        severity: None,
        meaning: "a blank line separates an example's request line from its headers",
        fix: "Remove the blank line between the request line and its headers.",
    }
    ExampleQueryMalformed = "example-query-malformed" {
        tags: EXAMPLES,
        severity: None,
        meaning: "an example's query string holds a parameter without `=value`",
        fix: "Give every query parameter a value (`$top=5`, not `$top`).",
    }
    ExamplePropertyUnknown = "example-property-unknown" {
        tags: EXAMPLES,
        severity: None,
        meaning: "an example has a property the type's table does not list (kept, not typed)",
        fix: "Add the property to the type's properties table, or remove it from the example.",
    }
    ExampleEnumUnknown = "example-enum-unknown" {
        tags: EXAMPLES,
        severity: None,
        meaning: "an example has an enum value that is not a documented member (kept as Unknown)",
        fix: "Add the value to the enum's members, or use a documented member in the example.",
    }
    ResourceJsonMissingProperty = "resource-json-missing-property" {
        tags: TYPES,
        severity: None,
        meaning: "a property of a resource's table is missing from its JSON representation",
        fix: "Add the property to the resource's JSON representation, or remove it from the table.",
    }
    ExampleTypeMismatch = "example-type-mismatch" {
        tags: EXAMPLES,
        severity: None,
        meaning: "an example value contradicts the documented type of its property or body",
        fix: "Make the example's value fit the documented type, or correct the type in the table.",
    }
    ResponseShapeContradicts = "response-shape-contradicts" {
        tags: EXAMPLES,
        severity: None,
        meaning: "the example response is a collection where the Response section documents one object, or the reverse",
        fix: "Make the Response section and the example agree: one object, or a collection (`value: [...]`).",
    }
    ExampleUnpaired = "example-unpaired" {
        tags: EXAMPLES,
        severity: None,
        meaning: "a request example has no response, or the reverse",
        fix: "Give each request example its response (or the reverse), each with a `blockType` annotation.",
    }
    PermissionTodo = "permission-todo" {
        tags: PERMISSIONS,
        severity: None,
        meaning: "a permission cell is empty or says TODO",
        fix: "Fill in the permission cell, or write `Not supported.`.",
    }
    DescriptionEmpty = "description-empty" {
        tags: TYPES,
        severity: None,
        meaning: "a property or parameter has an empty description",
        fix: "Describe the property or parameter in its table's description cell.",
    }
    PropertyNameInvalid = "property-name-invalid" {
        tags: TYPES,
        severity: None,
        meaning: "a property table row's name is not a property name (for example a path); the row is skipped",
        fix: "Put the property's JSON name in the first cell of the row.",
    }
    EnumMemberInvalid = "enum-member-invalid" {
        tags: TYPES,
        severity: None,
        meaning: "an enum member's name is empty or not a name (`\"\"`, `r#x`); the row is skipped",
        fix: "Write the member's value as the service sends it, or remove the row.",
    }
    TypeNotDefined = "type-not-defined" {
        tags: TYPES,
        severity: None,
        meaning: "a referenced type has no page; it was inferred from examples or kept as JSON",
        fix: "Add a resource page for the type, or correct the type's name where it is referenced.",
    }
    TypeConflict = "type-conflict" {
        tags: TYPES,
        severity: None,
        meaning: "two pages define the same type or property differently",
        fix: "Make the pages that describe the type or property agree (the message names both places).",
    }
    BaseTypeNotDefined = "base-type-not-defined" {
        tags: TYPES,
        severity: None,
        meaning: "a base type has no page",
        fix: "Add a page for the base type, or correct `baseType` in the `resource` annotation.",
    }
    BaseTypeCycle = "base-type-cycle" {
        tags: TYPES,
        severity: None,
        meaning: "base types form a cycle",
        fix: "Correct the `baseType` annotations so that no type derives from itself.",
    }
    DuplicateOperation = "duplicate-operation" {
        tags: STRUCTURE,
        severity: None,
        meaning: "two pages document the same method and path",
        fix: "Document the method and path on one page; link to it from the other (the message names both).",
    }
    BodyUntyped = "body-untyped" {
        tags: TYPES,
        severity: None,
        meaning: "the examples show a JSON body but the page names no type for it; it is kept as untyped JSON",
        fix: "Name the body's type in the Request body or Response section (a link to its resource page), or list its properties in a table.",
    }
    LinkBroken = "link-broken" {
        tags: LINKS,
        severity: None,
        meaning: "a link points to a page that is not in the tree",
        fix: "Correct the link's path (relative to the page), or add the page it points to.",
    }
    ContentLengthMismatch = "content-length-mismatch" {
        tags: EXAMPLES,
        severity: Some(Severity::Warning),
        meaning: "an example's `Content-Length` header differs from the byte length of its body",
        fix: "Set `Content-Length` to the body's byte length (the suggestion gives it), or remove the header.",
    }
    AuthHeaderMissing = "auth-header-missing" {
        tags: PERMISSIONS,
        severity: Some(Severity::Warning),
        meaning: "an API page's Request headers section does not list `Authorization`",
        fix: "Add an `Authorization` row (`Bearer {token}. Required.`) to the Request headers table.",
    }
    AnchorMissing = "anchor-missing" {
        tags: LINKS,
        severity: Some(Severity::Warning),
        meaning: "a link's `#anchor` matches no heading or anchor of the page it points to",
        fix: "Point the link at an existing heading's anchor (the suggestion gives the nearest), or add the heading.",
    }
    ExampleNameDuplicate = "example-name-duplicate" {
        tags: EXAMPLES,
        severity: Some(Severity::Warning),
        meaning: "two request examples in the tree have the same annotation `name`",
        fix: "Give the request example a name no other request example in the tree uses.",
    }
    MetadataTypeUndocumented = "metadata-type-undocumented" {
        tags: METADATA,
        severity: Some(Severity::Note),
        meaning: "the service's CSDL metadata defines a type that no page documents (located in the metadata file)",
        fix: "Add a resource or enum page for the type, or leave it if the type is internal to the service.",
    }
    MetadataTypeGrowth = "metadata-type-growth" {
        tags: METADATA,
        severity: Some(Severity::Note),
        meaning: "a type with a page is not in the CSDL metadata: likely added to the API after the metadata was published",
        fix: "Nothing to fix if the type is new since the metadata; otherwise check the type's name against the service's.",
    }
    MetadataPropertyUndocumented = "metadata-property-undocumented" {
        tags: METADATA,
        severity: Some(Severity::Note),
        meaning: "a property the CSDL metadata gives a documented type is missing from its page",
        fix: "Add the property to the type's properties or relationships table.",
    }
    MetadataPropertyGrowth = "metadata-property-growth" {
        tags: METADATA,
        severity: Some(Severity::Note),
        meaning: "a documented property is not in the CSDL metadata's type or its bases: likely added after the metadata",
        fix: "Nothing to fix if the property is new since the metadata; otherwise check its name against the service's.",
    }
    MetadataPropertyTypeMismatch = "metadata-property-type-mismatch" {
        tags: METADATA,
        severity: Some(Severity::Warning),
        meaning: "a property's documented type is unrelated to its type in the CSDL metadata",
        fix: "Correct the property's type in the table to the one the service gives.",
    }
    MetadataPropertyTypeRelated = "metadata-property-type-related" {
        tags: METADATA,
        severity: Some(Severity::Note),
        meaning: "a property's documented type is a base or derived type of its type in the CSDL metadata",
        fix: "Check whether the property holds the base type or the derived one, and name that one.",
    }
    MetadataPropertyCollectionMismatch = "metadata-property-collection-mismatch" {
        tags: METADATA,
        severity: Some(Severity::Warning),
        meaning: "a property is a collection in the docs and single in the CSDL metadata, or the reverse",
        fix: "Add or remove `collection` in the property's type cell to match the service.",
    }
    MetadataMemberUndocumented = "metadata-member-undocumented" {
        tags: METADATA,
        severity: Some(Severity::Note),
        meaning: "an enum member of the CSDL metadata is missing from the enum's page",
        fix: "Add the member to the enum's table.",
    }
    MetadataMemberGrowth = "metadata-member-growth" {
        tags: METADATA,
        severity: Some(Severity::Note),
        meaning: "a documented enum member is not in the CSDL metadata: likely added after the metadata",
        fix: "Nothing to fix if the member is new since the metadata; otherwise check its spelling.",
    }
    MetadataBaseTypeMismatch = "metadata-base-type-mismatch" {
        tags: METADATA,
        severity: Some(Severity::Warning),
        meaning: "a type's documented base type differs from its base type in the CSDL metadata",
        fix: "Correct the type's base type (the annotation's `baseType`, or the \"Inherits from\" sentence).",
    }
    MetadataResponseMismatch = "metadata-response-mismatch" {
        tags: METADATA,
        severity: Some(Severity::Warning),
        meaning: "an operation's documented response (type, collection, body or none) contradicts what its path gives in the CSDL metadata",
        fix: "Correct the Response section (type, `collection of`, or no body) to what the service returns for the path.",
    }
    MetadataResponseRelated = "metadata-response-related" {
        tags: METADATA,
        severity: Some(Severity::Note),
        meaning: "an operation's documented response type is a base or derived type of the one its path gives in the CSDL metadata",
        fix: "Check whether the response is the base type or the derived one, and name that one.",
    }
    MetadataPathUnresolved = "metadata-path-unresolved" {
        tags: METADATA,
        severity: Some(Severity::Note),
        meaning: "an operation's path does not resolve in the CSDL metadata (API growth, or a path the service does not have)",
        fix: "Check the path against the service's entity sets and navigation properties; nothing to fix for a path added since the metadata.",
    }
}

impl Code {
    /// The code named `name`, exactly as [`Code::name`] spells it.
    pub(crate) fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.name() == name)
    }

    /// The code's position in [`Code::ALL`] (SARIF's `ruleIndex`).
    pub fn index(self) -> usize {
        // `ALL` lists the variants in declaration order.
        self as usize
    }

    /// The known code nearest to `name`, for "did you mean" in messages about
    /// misspelled codes: at most a third of the name's characters differ.
    pub(crate) fn closest(name: &str) -> Option<Code> {
        let wanted = name.trim().to_ascii_lowercase();
        let limit = (wanted.chars().count() / 3).max(1);
        Code::ALL
            .iter()
            .map(|code| (edit_distance(&wanted, code.name()), *code))
            .filter(|(distance, _)| *distance <= limit)
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, code)| code)
    }
}

/// Codes sort by name, as they did when they were strings: diagnostics are
/// sorted by location then code, and that order is visible in every output.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.name() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
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
    fn codes_are_listed_once_in_declaration_order() {
        for (index, code) in Code::ALL.iter().enumerate() {
            assert_eq!(code.index(), index, "{code}");
            assert_eq!(Code::from_name(code.name()), Some(*code));
            assert!(
                !code.fix().is_empty() && !code.fix().contains('|'),
                "{code}"
            );
            assert_eq!(code.tags().first(), Some(&"documentation"));
        }
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn codes_serialize_and_sort_as_their_names() {
        assert_eq!(
            serde_json::to_string(&Code::LinkBroken).ok().as_deref(),
            Some("\"link-broken\"")
        );
        assert!(Code::AnchorMissing < Code::ReadFailed);
        // Declared the other way round: the order is by name.
        assert!(Code::StatusContradictsExample < Code::StatusMissing);
        assert_eq!(Code::from_name("no-such-code"), None);
    }

    #[test]
    fn misspelled_codes_find_the_one_meant() {
        assert_eq!(Code::closest("link-brokn"), Some(Code::LinkBroken));
        assert_eq!(Code::closest("Permission-TODO"), Some(Code::PermissionTodo));
        assert_eq!(Code::closest("entirely-different"), None);
    }

    #[test]
    fn display_is_one_line() {
        let d = Diagnostic::warning(
            Code::LinkBroken,
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
