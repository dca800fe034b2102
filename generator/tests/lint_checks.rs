//! The page checks `docgen lint` adds: the cases each must report, and the
//! near misses it must not (the corpus has many of both).

use docgen::lint::{lint, LintOptions};
use docgen::Diagnostic;
use std::fs;

/// Lints a tree made of `(path, text)` pages and returns the findings of `code`.
fn lint_pages(pages: &[(&str, &str)], code: &str) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in pages {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, text).expect("write page");
    }
    lint(dir.path(), &LintOptions::default())
        .expect("lint")
        .findings
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

fn at(findings: &[Diagnostic]) -> Vec<(String, usize, usize)> {
    findings
        .iter()
        .map(|f| {
            let l = &f.location;
            (l.file.clone(), l.line, l.column)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// content-length-mismatch

/// An API page whose only example is `block` (the text of an `http` fence),
/// preceded by `before` (an annotation or a sentence).
fn example_page(before: &str, block: &str) -> String {
    format!(
        "---\ndoc_type: apiPageType\n---\n# Create widget\n\n## HTTP request\n```http\nPOST /widgets\n```\n\n## Example\n\n### Request\n{before}\n```http\n{block}```\n"
    )
}

const CL: &str = "content-length-mismatch";

#[test]
fn content_length_wrong_is_reported_at_the_value_with_the_right_length() {
    let page = example_page(
        "",
        "POST https://graph.microsoft.com/v1.0/widgets\nContent-type: application/json\nContent-length: 211\n\n{\n  \"displayName\": \"Blue\"\n}\n",
    );
    let found = lint_pages(&[("api/w.md", &page)], CL);
    // Fence at line 15; `Content-length` is the third line of the block.
    assert_eq!(at(&found), vec![("api/w.md".to_string(), 18, 17)]);
    let d = &found[0];
    assert_eq!(
        d.message,
        "`Content-Length` is 211, but the request body below is 27 bytes"
    );
    assert_eq!(d.suggestion.as_deref(), Some("Content-Length: 27"));
    assert_eq!(found[0].location.length, Some(3));
}

#[test]
fn content_length_accepts_crlf_minified_and_final_newline_counts() {
    let body = "{\n  \"displayName\": \"Blue\"\n}";
    // As written (+1 for a final line break), with CRLF (+2), minified (+1, +2).
    for length in [27, 28, 29, 31, 22, 23, 24] {
        let page = example_page(
            "",
            &format!("POST https://graph.microsoft.com/v1.0/widgets\nContent-Length: {length}\n\n{body}\n\n"),
        );
        assert!(
            lint_pages(&[("api/w.md", &page)], CL).is_empty(),
            "Content-Length {length} is a fair count of the body"
        );
    }
}

#[test]
fn content_length_is_not_checked_where_the_body_is_not_shown_whole() {
    let response = "HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: 999\n\n{\n  \"id\": \"1\"\n}\n";
    let cases = [
        // The annotation says the body is shortened (as a string, too).
        (
            "<!-- { \"blockType\": \"response\", \"truncated\": true } -->".to_string(),
            response.to_string(),
        ),
        (
            "<!-- { \"blockType\": \"response\", \"truncated\": \"true\" } -->".to_string(),
            response.to_string(),
        ),
        // The text before it says so.
        (
            "Note: The response object shown here might be shortened for readability.\n".to_string(),
            response.to_string(),
        ),
        // Not JSON: shortened with `...`, or a placeholder.
        (
            String::new(),
            "HTTP/1.1 200 OK\nContent-Length: 999\n\n{\n  \"id\": \"1\",\n  ...\n}\n".to_string(),
        ),
        (
            String::new(),
            "PUT https://graph.microsoft.com/v1.0/me/drive/items/1/content\nContent-Length: 999\n\n<the bytes of the file>\n".to_string(),
        ),
        // No body at all, or a length that is not a number.
        (
            String::new(),
            "HTTP/1.1 200 OK\nContent-Length: 999\n".to_string(),
        ),
        (
            String::new(),
            "HTTP/1.1 200 OK\nContent-Length: {length}\n\n{\"id\": \"1\"}\n".to_string(),
        ),
        // Not an example. (An `ignored` block is still one, as the model
        // reads it: see the test of `ignored` below.)
        (
            "<!-- { \"blockType\": \"snippet\" } -->".to_string(),
            response.to_string(),
        ),
    ];
    for (before, block) in cases {
        let page = example_page(&before, &block);
        assert!(
            lint_pages(&[("api/w.md", &page)], CL).is_empty(),
            "reported:\n{page}"
        );
    }
}

#[test]
fn content_length_counts_utf8_bytes() {
    // "é" is two bytes: the body is 17 bytes, 16 characters.
    let page = example_page(
        "",
        "HTTP/1.1 200 OK\nContent-Length: 10\n\n{\"name\": \"café\"}\n",
    );
    let found = lint_pages(&[("api/w.md", &page)], CL);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].suggestion.as_deref(), Some("Content-Length: 17"));
}

// ---------------------------------------------------------------------------
// auth-header-missing

const AUTH: &str = "auth-header-missing";

fn headers_page(headers_section: &str) -> String {
    format!(
        "---\ndoc_type: apiPageType\n---\n# Get widget\n\n## HTTP request\n```http\nGET /widgets/{{id}}\n```\n\n{headers_section}\n## Request body\nDo not supply a request body for this method.\n"
    )
}

#[test]
fn auth_header_missing_from_the_table_or_the_section() {
    let page = headers_page(
        "## Request headers\n|Name|Description|\n|:--|:--|\n|Accept|application/json|\n",
    );
    assert_eq!(
        at(&lint_pages(&[("api/w.md", &page)], AUTH)),
        vec![("api/w.md".to_string(), 12, 1)]
    );
    let page = headers_page("## Request headers\nNone.\n");
    assert_eq!(
        at(&lint_pages(&[("api/w.md", &page)], AUTH)),
        vec![("api/w.md".to_string(), 11, 1)]
    );
}

#[test]
fn auth_header_near_misses() {
    let quiet = [
        // Listed, in any case, with or without code marks.
        headers_page("## Request headers\n|Header|Value|\n|:--|:--|\n|Authorization|Bearer {token}. Required.|\n"),
        headers_page("## Request headers\n| Name | Value |\n|:--|:--|\n| `authorization` | Bearer {token} |\n"),
        // A table of optional headers only.
        headers_page("## Optional request headers\n|Name|Description|\n|:--|:--|\n|Prefer|return=minimal|\n"),
        // No headers section at all.
        headers_page(""),
        // A section that says something else than "none".
        headers_page("## Request headers\nSee the general headers.\n"),
    ];
    for page in &quiet {
        assert!(
            lint_pages(&[("api/w.md", page)], AUTH).is_empty(),
            "reported:\n{page}"
        );
    }
    // Not an API page.
    let resource = "---\ndoc_type: resourcePageType\n---\n# widget resource type\n\n## Properties\n|Property|Type|Description|\n|:--|:--|:--|\n|id|String|Id.|\n\n## Request headers\n|Name|Value|\n|:--|:--|\n|Accept|json|\n";
    assert!(lint_pages(&[("resources/w.md", resource)], AUTH).is_empty());
}

// ---------------------------------------------------------------------------
// anchor-missing

const ANCHOR: &str = "anchor-missing";

#[test]
fn anchors_that_exist_in_any_usual_form() {
    let page = "# Title\n\n## Example 1: Get the user's manager\n\n### Request\n\n### Request\n\n<a name=\"objectcache\"></a>\n\n## <a name=\"delta\"></a>Track changes: delta query\n\n\
See [a](#example-1-get-the-users-manager), [b](#request-1), [c](#objectcache), [d](#delta),\n\
[e](#track-changes-delta-query), [f](#Example-1-Get-the-users-manager), [g](#tab/http),\n\
[h](other.md#step-2---upload), [i](other.md#step-2-upload), [j](missing.md#x), [k](https://example.com/#x),\n\
[l](/graph/overview#x), [m](#%64elta) and [n](other.md?view=x#step-2---upload).\n";
    let other = "# Other\n\n## Step 2 - upload\n";
    assert!(at(&lint_pages(
        &[("api/p.md", page), ("api/other.md", other)],
        ANCHOR
    ))
    .is_empty());
}

#[test]
fn anchors_that_do_not_exist_are_reported_at_the_fragment() {
    let page = "# Title\n\n## Permissions\n\nSee [the permissions](#permision) and [the other](../resources/other.md#nothing-here).\n";
    let other = "# Other\n\n## Properties\n";
    let found = lint_pages(&[("api/p.md", page), ("resources/other.md", other)], ANCHOR);
    assert_eq!(
        at(&found),
        vec![
            ("api/p.md".to_string(), 5, 23),
            ("api/p.md".to_string(), 5, 72),
        ]
    );
    assert_eq!(found[0].suggestion.as_deref(), Some("#permissions"));
    assert_eq!(found[0].location.length, Some(10));
    assert_eq!(
        found[1].message,
        "link to `../resources/other.md#nothing-here`, but `resources/other.md` has no heading or anchor of that name"
    );
    assert_eq!(found[1].suggestion, None);
}

#[test]
fn anchors_in_tables_and_lists_are_checked() {
    let page = "# Title\n\n## Values\n\n- item with [a link](#valuez)\n\n|Name|Description|\n|:--|:--|\n|x|See [values](#value).|\n";
    assert_eq!(
        at(&lint_pages(&[("api/p.md", page)], ANCHOR)),
        vec![
            ("api/p.md".to_string(), 5, 22),
            ("api/p.md".to_string(), 9, 17)
        ]
    );
}

// ---------------------------------------------------------------------------
// example-name-duplicate

const NAME: &str = "example-name-duplicate";

fn named_request(name: &str) -> String {
    format!("<!-- {{\n  \"blockType\": \"request\",\n  \"name\": \"{name}\"\n}} -->\n```http\nGET https://graph.microsoft.com/v1.0/me\n```\n")
}

#[test]
fn request_names_used_twice() {
    let a = format!("# A\n\n{}", named_request("get_me"));
    let b = format!(
        "# B\n\n{}\n{}\n{}",
        named_request("get_me"),
        named_request("get_you"),
        named_request("get_you")
    );
    let found = lint_pages(&[("api/a.md", &a), ("api/b.md", &b)], NAME);
    assert_eq!(
        at(&found),
        vec![
            ("api/b.md".to_string(), 5, 12),
            ("api/b.md".to_string(), 21, 12)
        ]
    );
    assert_eq!(
        found[0].message,
        "request example name `get_me` is already used by a request in `api/a.md`"
    );
    assert_eq!(
        found[1].message,
        "request example name `get_you` is already used by an earlier request on this page"
    );
}

#[test]
fn response_names_and_other_trees_do_not_count() {
    let response = "<!-- {\n  \"blockType\": \"response\",\n  \"name\": \"get_me\"\n} -->\n```http\nHTTP/1.1 204 No Content\n```\n";
    let a = format!("# A\n\n{}\n{response}", named_request("get_me"));
    assert!(lint_pages(&[("api/a.md", &a)], NAME).is_empty());
}

#[test]
fn checks_never_panic_on_odd_pages() {
    let odd = [
        "",
        "\u{feff}",
        "[x](#",
        "[x](#%)",
        "[x](../../../../a.md#b)",
        "<a name=",
        "<a id='x",
        "```http\nPOST /x\nContent-Length: 1\n",
        "<!-- { \"blockType\": \"request\", \"name\": 5 } -->\n```http\nGET /x\n```\n",
        "## Request headers\n|\n",
        "# é\n\n[é](#é)\n",
    ];
    for text in odd {
        let _ = lint_pages(&[("api/odd.md", text)], ANCHOR);
    }
}

/// A response the page annotates `ignored` (the docs build does not test it) is
/// still an example to the model; lint used to decide roles with its own copy
/// of the model's rule, which skipped `ignored` blocks, so the two disagreed on
/// the same page: the model paired the response, lint never checked it.
#[test]
fn content_length_is_checked_in_examples_annotated_ignored_as_the_model_reads_them() {
    let page = "---\ndoc_type: apiPageType\n---\n# Create widget\n\n## HTTP request\n```http\nPOST /widgets\n```\n\n## Example\n\n### Request\n<!-- { \"blockType\": \"request\", \"name\": \"create_widget\" } -->\n```http\nPOST https://graph.microsoft.com/v1.0/widgets\nContent-type: application/json\n\n{\n  \"displayName\": \"Blue\"\n}\n```\n\n### Response\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nHTTP/1.1 201 Created\nContent-type: application/json\nContent-length: 99\n\n{\n  \"id\": \"1\"\n}\n```\n";
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("api")).expect("mkdir");
    fs::write(dir.path().join("api/w.md"), page).expect("write page");
    // The model reads the `ignored` block (fence at line 27) as the response.
    let model = docgen::model_for_tree(dir.path()).expect("model");
    let responses: Vec<usize> = model
        .operations
        .iter()
        .flat_map(|op| &op.examples)
        .filter_map(|example| example.response.as_ref())
        .map(|response| response.location.line)
        .collect();
    assert_eq!(responses, vec![27]);
    // So lint checks it too: `Content-length` is the block's third line.
    let found = lint_pages(&[("api/w.md", page)], CL);
    assert_eq!(at(&found), vec![("api/w.md".to_string(), 29, 17)]);
    assert_eq!(
        found[0].message,
        "`Content-Length` is 99, but the response body below is 15 bytes"
    );
}
