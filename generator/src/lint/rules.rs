//! What `docgen lint` tells a reader about each code beyond its one-line
//! meaning (`codes::CATALOG`): how to fix it, and tags to group codes by. The
//! SARIF log's rules carry both (`help`, `properties.tags`), and the README's
//! table of diagnostic codes shows the fix; `tests/readme_codes.rs` keeps the
//! three equal.

use crate::diagnostics::codes;

/// Where each rule's `helpUri` points: the README's table of diagnostic codes
/// (stable: the heading `## Diagnostic codes` gives the anchor).
pub const HELP_URI: &str = "https://github.com/docgen/docgen/blob/main/README.md#diagnostic-codes";

/// The fix and tags of one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    /// How to fix the page, one or two sentences.
    pub fix: &'static str,
    /// The kind of problem: `syntax`, `structure`, `examples`, `types`,
    /// `links`, `permissions`, `metadata`; every rule also has `documentation`.
    pub tags: &'static [&'static str],
}

const fn rule(code: &'static str, tags: &'static [&'static str], fix: &'static str) -> Rule {
    Rule { code, fix, tags }
}

const SYNTAX: &[&str] = &["documentation", "syntax"];
const STRUCTURE: &[&str] = &["documentation", "structure"];
const EXAMPLES: &[&str] = &["documentation", "examples"];
const TYPES: &[&str] = &["documentation", "types"];
const LINKS: &[&str] = &["documentation", "links"];
const PERMISSIONS: &[&str] = &["documentation", "permissions"];
const METADATA: &[&str] = &["documentation", "metadata"];

/// One rule per code of the catalog, in its order.
pub const RULES: &[Rule] = &[
    rule(codes::READ_FAILED, SYNTAX, "Make the file readable (permissions, a broken symbolic link) or remove it from the docs folder."),
    rule(codes::INVALID_UTF8, SYNTAX, "Save the page as UTF-8; the replaced bytes are shown as `�`."),
    rule(codes::FRONT_MATTER_INVALID, SYNTAX, "Fix the YAML between the `---` lines at the top of the page (quote values that hold `:`)."),
    rule(codes::ANNOTATION_INVALID, SYNTAX, "Write the `<!-- { ... } -->` annotation as JSON: quoted keys, `:` between key and value, `,` between members."),
    rule(codes::ANNOTATION_REPAIRED, SYNTAX, "Write the annotation as strict JSON (the message says what was repaired, for example a trailing comma)."),
    rule(codes::COMMENT_UNCLOSED, SYNTAX, "Close the HTML comment with `-->`."),
    rule(codes::FENCE_UNCLOSED, SYNTAX, "Close the code block with a fence line like the one that opens it (```` ``` ````)."),
    rule(codes::TABLE_MISSING_CELLS, SYNTAX, "Give the row one cell per header column: leave a cell empty rather than out."),
    rule(codes::JSON_INVALID, EXAMPLES, "Make the example body JSON; mark a body that is not JSON on purpose with an annotation `\"blockType\": \"ignored\"`."),
    rule(codes::JSON_REPAIRED, EXAMPLES, "Write the body as strict JSON: no trailing commas or comments; `...` only where the example is shortened on purpose."),
    rule(codes::PAGE_EMPTY, STRUCTURE, "Nothing to fix on a conceptual page; on an API or resource page, add the HTTP request section or the properties table."),
    rule(codes::HTTP_SECTION_MISSING, STRUCTURE, "Add a `## HTTP request` section with the method and path in a code block."),
    rule(codes::HTTP_LINE_INVALID, STRUCTURE, "Write each line of the HTTP request block as `METHOD /path` (for example `GET /users/{id}`)."),
    rule(codes::STATUS_MISSING, STRUCTURE, "State the success status in the Response section, for example `returns a 200 OK response code`."),
    rule(codes::STATUS_CONTRADICTS, EXAMPLES, "Make the example response's status line and the Response section's status the same."),
    rule(codes::EXAMPLE_PATH_MISMATCH, EXAMPLES, "Change the example's path to one of the HTTP request section's paths, or add the path there."),
    rule(codes::EXAMPLE_BASE_URL, EXAMPLES, "Use the documented service root (for example `https://graph.microsoft.com/v1.0`) in the example."),
    rule(codes::EXAMPLE_METHOD_MISMATCH, EXAMPLES, "Use the documented method in the example, or document the example's method."),
    rule(codes::EXAMPLE_BLANK_LINE_BEFORE_HEADERS, EXAMPLES, "Remove the blank line between the request line and its headers."),
    rule(codes::EXAMPLE_QUERY_MALFORMED, EXAMPLES, "Give every query parameter a value (`$top=5`, not `$top`)."),
    rule(codes::EXAMPLE_PROPERTY_UNKNOWN, EXAMPLES, "Add the property to the type's properties table, or remove it from the example."),
    rule(codes::EXAMPLE_ENUM_UNKNOWN, EXAMPLES, "Add the value to the enum's members, or use a documented member in the example."),
    rule(codes::RESOURCE_JSON_MISSING_PROPERTY, TYPES, "Add the property to the resource's JSON representation, or remove it from the table."),
    rule(codes::EXAMPLE_TYPE_MISMATCH, EXAMPLES, "Make the example's value fit the documented type, or correct the type in the table."),
    rule(codes::RESPONSE_SHAPE_CONTRADICTS, EXAMPLES, "Make the Response section and the example agree: one object, or a collection (`value: [...]`)."),
    rule(codes::EXAMPLE_UNPAIRED, EXAMPLES, "Give each request example its response (or the reverse), each with a `blockType` annotation."),
    rule(codes::PERMISSION_TODO, PERMISSIONS, "Fill in the permission cell, or write `Not supported.`."),
    rule(codes::DESCRIPTION_EMPTY, TYPES, "Describe the property or parameter in its table's description cell."),
    rule(codes::PROPERTY_NAME_INVALID, TYPES, "Put the property's JSON name in the first cell of the row."),
    rule(codes::ENUM_MEMBER_INVALID, TYPES, "Write the member's value as the service sends it, or remove the row."),
    rule(codes::TYPE_NOT_DEFINED, TYPES, "Add a resource page for the type, or correct the type's name where it is referenced."),
    rule(codes::TYPE_CONFLICT, TYPES, "Make the pages that describe the type or property agree (the message names both places)."),
    rule(codes::BASE_TYPE_NOT_DEFINED, TYPES, "Add a page for the base type, or correct `baseType` in the `resource` annotation."),
    rule(codes::BASE_TYPE_CYCLE, TYPES, "Correct the `baseType` annotations so that no type derives from itself."),
    rule(codes::DUPLICATE_OPERATION, STRUCTURE, "Document the method and path on one page; link to it from the other (the message names both)."),
    rule(codes::BODY_UNTYPED, TYPES, "Name the body's type in the Request body or Response section (a link to its resource page), or list its properties in a table."),
    rule(codes::LINK_BROKEN, LINKS, "Correct the link's path (relative to the page), or add the page it points to."),
    rule(codes::CONTENT_LENGTH_MISMATCH, EXAMPLES, "Set `Content-Length` to the body's byte length (the suggestion gives it), or remove the header."),
    rule(codes::AUTH_HEADER_MISSING, PERMISSIONS, "Add an `Authorization` row (`Bearer {token}. Required.`) to the Request headers table."),
    rule(codes::ANCHOR_MISSING, LINKS, "Point the link at an existing heading's anchor (the suggestion gives the nearest), or add the heading."),
    rule(codes::EXAMPLE_NAME_DUPLICATE, EXAMPLES, "Give the request example a name no other request example in the tree uses."),
    rule(codes::METADATA_TYPE_UNDOCUMENTED, METADATA, "Add a resource or enum page for the type, or leave it if the type is internal to the service."),
    rule(codes::METADATA_TYPE_GROWTH, METADATA, "Nothing to fix if the type is new since the metadata; otherwise check the type's name against the service's."),
    rule(codes::METADATA_PROPERTY_UNDOCUMENTED, METADATA, "Add the property to the type's properties or relationships table."),
    rule(codes::METADATA_PROPERTY_GROWTH, METADATA, "Nothing to fix if the property is new since the metadata; otherwise check its name against the service's."),
    rule(codes::METADATA_PROPERTY_TYPE_MISMATCH, METADATA, "Correct the property's type in the table to the one the service gives."),
    rule(codes::METADATA_PROPERTY_TYPE_RELATED, METADATA, "Check whether the property holds the base type or the derived one, and name that one."),
    rule(codes::METADATA_PROPERTY_COLLECTION_MISMATCH, METADATA, "Add or remove `collection` in the property's type cell to match the service."),
    rule(codes::METADATA_MEMBER_UNDOCUMENTED, METADATA, "Add the member to the enum's table."),
    rule(codes::METADATA_MEMBER_GROWTH, METADATA, "Nothing to fix if the member is new since the metadata; otherwise check its spelling."),
    rule(codes::METADATA_BASE_TYPE_MISMATCH, METADATA, "Correct the type's base type (the annotation's `baseType`, or the \"Inherits from\" sentence)."),
    rule(codes::METADATA_RESPONSE_MISMATCH, METADATA, "Correct the Response section (type, `collection of`, or no body) to what the service returns for the path."),
    rule(codes::METADATA_RESPONSE_RELATED, METADATA, "Check whether the response is the base type or the derived one, and name that one."),
    rule(codes::METADATA_PATH_UNRESOLVED, METADATA, "Check the path against the service's entity sets and navigation properties; nothing to fix for a path added since the metadata."),
];

/// The rule of `code`, when it has one.
pub fn rule_of(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_per_code_in_catalog_order() {
        let rules: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let catalog: Vec<&str> = codes::CATALOG.iter().map(|(code, _)| *code).collect();
        assert_eq!(rules, catalog);
        for rule in RULES {
            assert!(
                !rule.fix.is_empty() && !rule.fix.contains('|'),
                "{}",
                rule.code
            );
            assert_eq!(rule.tags.first(), Some(&"documentation"));
        }
    }
}
