//! Hostile and broken input (issue 7): docgen never panics, never writes outside
//! the output folder, never loses the user's files, and gives the same bytes
//! every time.
//!
//! Most broken-input cases share ONE docs tree ([`hostile_tree`]) and so ONE
//! `cargo check` of the generated crate, to keep CI time low.

use docgen::diagnostics::Code;
use docgen::emit::GeneratedCrate;
use docgen::output::{check_crate, write_crate, OutputError, StaleReason, MANIFEST};
use docgen::ApiModel;
use docgen_e2e::{cargo_check, cargo_doctest, docgen_bin, docs_input, list_files};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Docs trees and pages
// ---------------------------------------------------------------------------

/// A docs tree in a temporary folder: `<tmp>/docs`, so that `<tmp>` holds files
/// that are outside the tree (for links and symlinks that try to escape it).
struct Docs {
    tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Docs {
    fn new() -> Docs {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("docs");
        fs::create_dir(&root).expect("create docs folder");
        Docs { tmp, root }
    }

    fn root(&self) -> &Path {
        &self.root
    }

    /// The folder around the tree: not part of it.
    fn outside(&self) -> &Path {
        self.tmp.path()
    }

    fn write(&self, relative: impl AsRef<Path>, content: impl AsRef<[u8]>) {
        let path = self.root.join(relative);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("create folder");
        fs::write(&path, content).expect("write page");
    }
}

/// A JSON string literal (for names that hold quotes or backslashes).
fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("string serializes")
}

/// A table cell: `|` would end the cell and a line break the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A resource page for `name` (its `@odata.type` is `microsoft.graph.<name>`),
/// with a properties table of `(name, type, description)` rows.
fn resource_page(
    name: &str,
    description: &str,
    rows: &[(&str, &str, &str)],
    extra: &str,
) -> String {
    let mut page = format!(
        "---\ntitle: {title}\ndescription: \"A resource.\"\ndoc_type: resourcePageType\n---\n\n\
         # {heading} resource type\n\nNamespace: microsoft.graph\n\n{description}\n\n\
         ## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n",
        title = json_string(&format!("{name} resource type")),
        heading = name.replace('\n', " "),
    );
    for (property, ty, text) in rows {
        page.push_str(&format!(
            "|{}|{}|{}|\n",
            cell(property),
            cell(ty),
            cell(text)
        ));
    }
    page.push_str(&format!(
        "\n## Relationships\nNone.\n\n## JSON representation\n<!-- {{\n  \"blockType\": \"resource\",\n  \"keyProperty\": \"id\",\n  \"@odata.type\": {odata}{extra}\n}}\n-->\n```json\n{{\n  \"id\": \"String\"\n}}\n```\n",
        odata = json_string(&format!("microsoft.graph.{name}")),
    ));
    page
}

/// An API page: `GET path` returning a `ty` object, with an example pair whose
/// response body is `body`.
fn api_page(title: &str, description: &str, path: &str, ty: &str, body: &str) -> String {
    let example_path = path.replace("{", "").replace("}", "");
    format!(
        "---\ntitle: {title_json}\ndoc_type: apiPageType\n---\n\n# {title}\n\nNamespace: microsoft.graph\n\n\
         {description}\n\n## HTTP request\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nGET {path}\n```\n\n\
         ## Request headers\n|Header|Value|\n|:---|:---|\n|Authorization|Bearer {{token}}. Required.|\n\n\
         ## Request body\nDo not supply a request body for this method.\n\n\
         ## Response\nIf successful, this method returns a `200 OK` response code and a [{ty}](../resources/{ty}.md) object in the response body.\n\n\
         ## Example\n### Request\n<!-- {{\n  \"blockType\": \"request\",\n  \"name\": \"example\"\n}}\n-->\n```http\nGET https://graph.microsoft.com/beta{example_path}\n```\n\n\
         ### Response\n<!-- {{\n  \"blockType\": \"response\",\n  \"truncated\": true,\n  \"@odata.type\": \"microsoft.graph.{ty}\"\n}}\n-->\n```http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}\n```\n",
        title_json = json_string(title),
    )
}

/// An action page: `POST path` with a parameters table of `(name, type)` rows,
/// and an example pair whose request body is `body`.
fn action_page(title: &str, paths: &[&str], parameters: &[(&str, &str)], body: &str) -> String {
    let mut table = String::from("|Parameter|Type|Description|\n|:---|:---|:---|\n");
    for (name, ty) in parameters {
        table.push_str(&format!(
            "|{}|{}|{}|\n",
            cell(name),
            cell(ty),
            cell(HOSTILE_TEXT)
        ));
    }
    let lines: Vec<String> = paths.iter().map(|p| format!("POST {p}")).collect();
    let example_path = paths[0].replace("{", "").replace("}", "");
    format!(
        "---\ntitle: {title_json}\ndoc_type: apiPageType\n---\n\n# {title}\n\nNamespace: microsoft.graph\n\n\
         {HOSTILE_TEXT}\n\n## HTTP request\n```http\n{lines}\n```\n\n\
         ## Request headers\n|Header|Value|\n|:---|:---|\n|Authorization|Bearer {{token}}. Required.|\n\n\
         ## Request body\nIn the request body, supply the parameters.\n\n{table}\n\
         ## Response\nIf successful, this action returns a `204 No Content` response code.\n\n\
         ## Example\n### Request\n<!-- {{\n  \"blockType\": \"request\",\n  \"name\": \"hostile */ \\\"# action\"\n}}\n-->\n\
         ```http\nPOST https://graph.microsoft.com/beta{example_path}\nContent-type: application/json\n\n{body}\n```\n\n\
         ### Response\n<!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 204 No Content\n```\n",
        title_json = json_string(title),
        lines = lines.join("\n"),
    )
}

/// An enum page with `(member, value)` rows.
fn enum_page(name: &str, members: &[(&str, &str)]) -> String {
    let mut page = format!(
        "---\ntitle: {title}\ndoc_type: enumPageType\n---\n\n# {name} enum type\n\n\
         Namespace: microsoft.graph\n\n{HOSTILE_TEXT}\n\n## Members\n|Member|Value|Description|\n|:---|:---|:---|\n",
        title = json_string(&format!("{name} enum type")),
    );
    for (member, value) in members {
        page.push_str(&format!(
            "|{}|{}|{}|\n",
            cell(member),
            cell(value),
            cell(HOSTILE_TEXT)
        ));
    }
    page
}

/// 1-based line of the first line of `text` that contains `marker`.
fn line_of(text: &str, marker: &str) -> usize {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` is in the page"));
    text[..at].matches('\n').count() + 1
}

/// Deterministic pseudo-random bytes (xorshift), so a failure can be replayed.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

fn has_diagnostic(model: &ApiModel, code: Code, file: &str, line: usize) -> bool {
    model
        .diagnostics
        .iter()
        .any(|d| d.code == code && d.location.file == file && d.location.line == line)
}

#[track_caller]
fn assert_diagnostic(model: &ApiModel, code: Code, file: &str, line: usize) {
    assert!(
        has_diagnostic(model, code, file, line),
        "expected {code} at {file}:{line}; the file's diagnostics:\n{}",
        model
            .diagnostics
            .iter()
            .filter(|d| d.location.file == file)
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[track_caller]
fn assert_operation(model: &ApiModel, file: &str) {
    assert!(
        model.operations.iter().any(|op| op.source.file == file),
        "{file} yields no operation; pages: {:?}",
        model.pages.iter().find(|p| p.file == file)
    );
}

#[track_caller]
fn assert_type<'m>(model: &'m ApiModel, name: &str) -> &'m docgen::model::TypeDef {
    model
        .type_named(name)
        .unwrap_or_else(|| panic!("type `{name}` is missing"))
}

fn generate(docs: &Path) -> (ApiModel, GeneratedCrate) {
    let model = docgen::model_for_tree(docs).expect("docs tree is readable");
    let generated = docgen::emit::emit_crate(&model).expect("the crate emits");
    (model, generated)
}

/// Runs the docgen binary; a panic (exit 101) fails the test whatever the command.
fn docgen(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let output = Command::new(docgen_bin())
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .expect("docgen runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("panicked") && output.status.code() != Some(101),
        "docgen {args:?} panicked:\n{stderr}"
    );
    output
}

/// With `DOCGEN_KEEP_TEMP=1`, keeps temporary folders of a failing test for a look.
fn keep_for_inspection<const N: usize>(dirs: [tempfile::TempDir; N]) {
    if std::env::var_os("DOCGEN_KEEP_TEMP").is_some() {
        for dir in dirs {
            eprintln!("kept {}", dir.keep().display());
        }
    }
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

// ---------------------------------------------------------------------------
// 1. Broken and hostile pages: one tree, one cargo check
// ---------------------------------------------------------------------------

const GOOD_TYPE: &str = "goodThing";
const GOOD_API: &str = "api/goodthing-get.md";

/// Names that are Rust keywords, start with a digit, hold punctuation or
/// non-ASCII letters, or collide after case conversion.
const HOSTILE_PROPERTIES: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "fn",
    "async",
    "r",
    "1stPlace",
    "9",
    "a-b.c",
    "a_b_c",
    "naïve",
    "größe",
    "displayName",
    "DisplayName",
    "display_name",
    "value",
    "additionalProperties",
    "@odata.type",
    "$count",
];

/// Descriptions that try to break out of doc comments, strings or HTML.
const HOSTILE_TEXT: &str = "Ends a comment */ opens one /* and a raw string \"# \"## ` `` ```; \
     <script>alert(1)</script> <!-- --> &amp; \\ \\\\ {{}} #[doc] \u{7}\u{1b}[31m\u{0}\u{b}\u{c} \
     https://example.com/x?a=1&b=2 <https://example.com> [link](javascript:alert(1))";

/// Builds the hostile tree; returns it with the pages' texts, for line numbers.
fn hostile_tree() -> (Docs, BTreeMap<&'static str, String>) {
    let docs = Docs::new();
    let mut pages: BTreeMap<&'static str, String> = BTreeMap::new();
    // Writes a page and keeps its text, for line numbers.
    let page = |pages: &mut BTreeMap<&'static str, String>, file: &'static str, text: String| {
        docs.write(file, &text);
        pages.insert(file, text);
    };

    // Good pages, to show the run goes on.
    page(
        &mut pages,
        "resources/goodthing.md",
        resource_page(
            GOOD_TYPE,
            "A good thing.",
            &[
                ("id", "String", "The identifier."),
                ("displayName", "String", "The name."),
            ],
            "",
        ),
    );
    page(
        &mut pages,
        GOOD_API,
        api_page(
            "Get goodThing",
            "Read a good thing.",
            "/goodThings/{goodThingId}",
            GOOD_TYPE,
            "{\n  \"id\": \"1\",\n  \"displayName\": \"x\"\n}",
        ),
    );

    // BOM and CRLF: the lines still count as in an editor.
    let crlf = resource_page(
        "crlfThing",
        "Lines end with CRLF.",
        &[("id", "String", "The identifier."), ("short", "String", "")],
        "",
    )
    .replace("|short|String||", "|short|String|")
    .replace('\n', "\r\n");
    docs.write(
        "resources/crlfthing.md",
        [b"\xef\xbb\xbf".as_slice(), crlf.as_bytes()].concat(),
    );
    pages.insert("resources/crlfthing.md", crlf.replace("\r\n", "\n"));

    // Lone CRs (old Mac line ends) are line ends too.
    let lone_cr = resource_page(
        "loneCrThing",
        "Lines end with CR.",
        &[("id", "String", "The identifier."), ("short", "String", "")],
        "",
    )
    .replace("|short|String||", "|short|String|");
    docs.write("resources/lonecrthing.md", lone_cr.replace('\n', "\r"));
    pages.insert("resources/lonecrthing.md", lone_cr);

    // Invalid UTF-8 in a description; the page still yields its type.
    let latin = resource_page(
        "latinThing",
        "Caf\u{fffd} cr\u{fffd}me.",
        &[("id", "String", "The identifier.")],
        "",
    );
    docs.write(
        "resources/latinthing.md",
        latin
            .replace("Caf\u{fffd} cr\u{fffd}me.", "Caf\u{1}\u{2} cr\u{3}me.")
            .into_bytes()
            .into_iter()
            .map(|b| match b {
                1 => 0xe9,
                2 => 0xff,
                3 => 0xe8,
                b => b,
            })
            .collect::<Vec<u8>>(),
    );
    pages.insert("resources/latinthing.md", latin);

    // Empty and binary files with a .md name.
    page(&mut pages, "resources/empty.md", String::new());
    docs.write("api/binary.md", noise(64 * 1024, 0x5eed));

    // A 10 MB page: a type, then ten megabytes of remarks.
    let mut huge = resource_page(
        "hugeThing",
        "A type on a very long page.",
        &[("id", "String", "The identifier.")],
        "",
    );
    huge.push_str("\n## Remarks\n\n");
    let paragraph =
        "Some *remarks* with `code`, a [link](../resources/goodthing.md) and <b>HTML</b>.\n\n";
    while huge.len() < 10 * 1024 * 1024 {
        huge.push_str(paragraph);
    }
    page(&mut pages, "resources/hugething.md", huge);

    // A table of 10,000 rows, in a section docgen reads but does not emit.
    let mut big_table = resource_page(
        "bigTableThing",
        "A type whose page has a very long table.",
        &[("id", "String", "The identifier.")],
        "",
    );
    big_table.push_str("\n## Methods\n|Method|Return type|Description|\n|:---|:---|:---|\n");
    for row in 0..10_000 {
        big_table.push_str(&format!(
            "|[Get {row}](../api/goodthing-get.md)|[goodThing](goodthing.md)|Row {row}.|\n"
        ));
    }
    page(&mut pages, "resources/bigtablething.md", big_table);

    // JSON nested 10,000 deep in an example body.
    let deep_body = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    page(
        &mut pages,
        "api/deepthing-get.md",
        api_page(
            "Get deepThing",
            "Its example nests JSON very deep.",
            "/deepThings/{deepThingId}",
            GOOD_TYPE,
            &deep_body,
        ),
    );

    // An annotation that is not JSON.
    page(
        &mut pages,
        "api/badannotation-get.md",
        api_page(
            "Get badAnnotation",
            "Its request annotation is broken.",
            "/badAnnotations/{badAnnotationId}",
            GOOD_TYPE,
            "{}",
        )
        .replacen(
            "<!-- {\n  \"blockType\": \"request\",",
            "<!-- {\n  \"blockType\": : request,,, {[",
            1,
        ),
    );

    // A comment that is never closed: it swallows the rest of the page.
    let unclosed_comment = api_page(
        "Get unclosedComment",
        "A comment is never closed.",
        "/unclosedComments/{unclosedCommentId}",
        GOOD_TYPE,
        "{}",
    );
    let cut = unclosed_comment.find("## Example").expect("has examples");
    page(
        &mut pages,
        "api/unclosedcomment-get.md",
        format!(
            "{}<!-- {{ \"blockType\": \"request\"\n\n{}",
            &unclosed_comment[..cut],
            unclosed_comment[cut..].replace("-->", "")
        ),
    );

    // A fence that is never closed.
    let unclosed_fence = api_page(
        "Get unclosedFence",
        "The last fence is never closed.",
        "/unclosedFences/{unclosedFenceId}",
        GOOD_TYPE,
        "{\n  \"id\": \"1\"\n}",
    );
    let unclosed_fence = unclosed_fence
        .strip_suffix("```\n")
        .expect("ends with a fence")
        .to_string();
    page(&mut pages, "api/unclosedfence-get.md", unclosed_fence);

    // Two pages define the same type differently.
    page(
        &mut pages,
        "resources/conflictthing.md",
        resource_page(
            "conflictThing",
            "One definition.",
            &[("size", "Int32", "A number.")],
            "",
        ),
    );
    page(
        &mut pages,
        "resources/conflictthing-again.md",
        resource_page(
            "conflictThing",
            "Another definition.",
            &[("size", "String", "Text.")],
            "",
        ),
    );

    // A cycle in base types: a → b → a.
    page(
        &mut pages,
        "resources/cyclea.md",
        resource_page(
            "cycleA",
            "Derives from cycleB.",
            &[("a", "String", "A.")],
            ",\n  \"baseType\": \"microsoft.graph.cycleB\"",
        ),
    );
    page(
        &mut pages,
        "resources/cycleb.md",
        resource_page(
            "cycleB",
            "Derives from cycleA.",
            &[("b", "String", "B.")],
            ",\n  \"baseType\": \"microsoft.graph.cycleA\"",
        ),
    );

    // Type and property names that are keywords, start with a digit, hold
    // punctuation or non-ASCII letters, or collide after case conversion.
    let rows: Vec<(&str, &str, &str)> = HOSTILE_PROPERTIES
        .iter()
        .map(|name| (*name, "String", HOSTILE_TEXT))
        .collect();
    for (file, name) in HOSTILE_TYPES {
        page(
            &mut pages,
            file,
            resource_page(name, HOSTILE_TEXT, &rows, ""),
        );
    }

    // Punctuation and keywords in operation pages' names, titles and paths.
    page(
        &mut pages,
        "api/get user's (beta) !@#$%^&.md",
        api_page(
            "Get */ \"# `thing` <b>",
            HOSTILE_TEXT,
            "/types/{type}/selves/{self}/crates/{crate}/naïve/{1st}",
            "type",
            "{\n  \"id\": \"\\\"# \\\"## */ <script>\",\n  \"x\\\"#\": 1,\n  \"bell\": \"\u{7}\",\n}",
        ),
    );
    page(
        &mut pages,
        "api/get-thing.md",
        api_page("Get thing", "Dash.", "/things/{id}", GOOD_TYPE, "{}"),
    );
    page(
        &mut pages,
        "api/get_thing.md",
        api_page(
            "Get thing",
            "Underscore.",
            "/things/{id}/other",
            GOOD_TYPE,
            "{}",
        ),
    );
    // Pages whose names are keywords that cannot be raw identifiers.
    for (file, path) in [
        ("api/self.md", "/selves/{id}"),
        ("api/crate.md", "/crates/{id}"),
        ("api/super.md", "/supers/{id}"),
    ] {
        page(
            &mut pages,
            file,
            api_page("Get", "Keyword page.", path, "String", "{}"),
        );
    }
    page(
        &mut pages,
        "api/...md",
        api_page("Dots", "Only dots.", "/dots", GOOD_TYPE, "{}"),
    );

    // An action whose parameters and path parameters collide with each other
    // and with the request function's own names, and an enum with hostile members.
    page(
        &mut pages,
        "api/hostile-action.md",
        action_page(
            "doIt */ \"# action",
            &[
                "/things/{body}/items/{id}/sub/{id}/doIt",
                "/things/{request}/assign",
                "/things/{self}/move",
            ],
            &[
                ("self", "String"),
                ("type", "String"),
                ("body", "String"),
                ("request", "String"),
                ("additionalProperties", "String"),
                ("additional_properties", "String"),
                ("thing", "[goodThing](../resources/goodthing.md)"),
                ("naïve", "Int32"),
                ("1st", "Boolean"),
            ],
            "{\n  \"self\": \"*/ \\\"# \\\"## \u{7}\",\n  \"type\": \"x\",\n  \"naïve\": 1,\n  \"1st\": true,\n  \"thing\": {\"id\": \"1\"},\n}",
        ),
    );
    page(
        &mut pages,
        "resources/hostileenum.md",
        enum_page("hostileEnum", HOSTILE_MEMBERS),
    );

    // One name, an object on one page and an enum on another.
    page(
        &mut pages,
        "resources/kindconflict.md",
        resource_page("kindConflict", "An object.", &[("id", "String", "x")], ""),
    );
    page(
        &mut pages,
        "resources/kindconflict-enum.md",
        enum_page("kindConflict", &[("a", "0"), ("b", "1")]),
    );

    // Links that climb out of the tree: never read.
    fs::write(
        docs.outside().join("secret.md"),
        resource_page(
            "secretThing",
            "Outside the tree.",
            &[("id", "String", "x")],
            "",
        ),
    )
    .expect("write outside page");
    page(
        &mut pages,
        "resources/escaper.md",
        resource_page(
            "escaperThing",
            "See [passwd](../../../etc/passwd) and [passwd page](../../../etc/passwd.md) \
             and [the secret](../../secret.md).",
            &[("id", "String", "See [x](../../secret.md).")],
            "",
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(
            docs.outside().join("secret.md"),
            docs.root().join("resources/linked-secret.md"),
        )
        .expect("symlink");
        symlink(docs.outside(), docs.root().join("api/linked-folder")).expect("symlink");
        // Reading either would never end.
        symlink("/dev/zero", docs.root().join("api/zero.md")).expect("symlink");
        let _ = Command::new("mkfifo")
            .arg(docs.root().join("api/fifo.md"))
            .status();
    }

    (docs, pages)
}

/// Enum members that are keywords, digits, punctuation, non-ASCII, collide
/// after case conversion, or hold values out of range.
const HOSTILE_MEMBERS: &[(&str, &str)] = &[
    ("unknown", "0"),
    ("Unknown", "1"),
    ("type", "2"),
    ("self", "3"),
    ("Self", "4"),
    ("1", "5"),
    ("-", "6"),
    ("naïve", "7"),
    ("x", "8"),
    ("X", "9"),
    ("unknownFutureValue", "10"),
    ("日本語", "11"),
    ("value", "99999999999999999999"),
    ("neg", "-5"),
];

/// Types whose names are keywords, start with a digit, hold punctuation or
/// non-ASCII letters, collide after case conversion, or are names the generated
/// code uses itself (file, name).
const HOSTILE_TYPES: &[(&str, &str)] = &[
    ("resources/self.md", "self"),
    ("resources/self-upper.md", "Self"),
    ("resources/crate.md", "crate"),
    ("resources/super.md", "super"),
    ("resources/string.md", "String"),
    ("resources/option.md", "Option"),
    ("resources/serialize.md", "Serialize"),
    ("resources/deserialize.md", "Deserialize"),
    ("resources/result.md", "Result"),
    ("resources/type.md", "type"),
    ("resources/fn.md", "fn"),
    ("resources/match.md", "match"),
    ("resources/value-type.md", "Value"),
    ("resources/request-type.md", "Request"),
    ("resources/vec.md", "Vec"),
    ("resources/box.md", "box"),
    ("resources/serde.md", "serde"),
    ("resources/std.md", "std"),
    ("resources/runtime.md", "runtime"),
    ("resources/user.md", "user"),
    ("resources/user-upper.md", "User"),
    ("resources/foobar.md", "fooBar"),
    ("resources/foo_bar.md", "foo_bar"),
    ("resources/3dmodel.md", "3dModel"),
    ("resources/punctuation.md", "weird-name!\"#*/`"),
    ("resources/grosse.md", "größe"),
    ("resources/nihongo.md", "日本語"),
];

#[test]
fn broken_and_hostile_pages_are_diagnosed_and_the_crate_still_compiles() {
    let started = Instant::now();
    let (docs, pages) = hostile_tree();
    let (model, generated) = generate(docs.root());
    let modelled = started.elapsed();

    // The good pages yield what they document.
    let good = assert_type(&model, GOOD_TYPE);
    assert_eq!(good.properties.len(), 2);
    assert_operation(&model, GOOD_API);

    // BOM and CRLF: the type is read, and lines count as in an editor.
    let crlf = &pages["resources/crlfthing.md"];
    assert_eq!(assert_type(&model, "crlfThing").properties.len(), 2);
    assert_diagnostic(
        &model,
        Code::TableMissingCells,
        "resources/crlfthing.md",
        line_of(crlf, "|short|"),
    );
    let lone_cr = &pages["resources/lonecrthing.md"];
    assert_eq!(assert_type(&model, "loneCrThing").properties.len(), 2);
    assert_diagnostic(
        &model,
        Code::TableMissingCells,
        "resources/lonecrthing.md",
        line_of(lone_cr, "|short|"),
    );

    // Invalid UTF-8: reported at the first bad byte's line, the rest still read.
    let latin = &pages["resources/latinthing.md"];
    assert_diagnostic(
        &model,
        Code::InvalidUtf8,
        "resources/latinthing.md",
        line_of(latin, "Caf\u{fffd}"),
    );
    assert!(assert_type(&model, "latinThing")
        .description
        .contains("Caf\u{fffd}"));

    // Empty and binary pages yield nothing, and say why.
    assert_diagnostic(&model, Code::PageYieldsNothing, "resources/empty.md", 1);
    let binary = noise(64 * 1024, 0x5eed);
    let valid = match std::str::from_utf8(&binary) {
        Ok(_) => panic!("the noise is valid UTF-8"),
        Err(err) => &binary[..err.valid_up_to()],
    };
    let breaks = valid
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && valid.get(i + 1) != Some(&b'\n')))
        .count();
    assert_diagnostic(&model, Code::InvalidUtf8, "api/binary.md", breaks + 1);
    assert_diagnostic(&model, Code::PageYieldsNothing, "api/binary.md", 1);

    // Large pages are read whole.
    assert_type(&model, "hugeThing");
    assert_type(&model, "bigTableThing");

    // JSON nested 10,000 deep: an error at the body, the operation stands.
    let deep = &pages["api/deepthing-get.md"];
    assert_diagnostic(
        &model,
        Code::JsonInvalid,
        "api/deepthing-get.md",
        line_of(deep, "[[[["),
    );
    assert_operation(&model, "api/deepthing-get.md");

    // An annotation that is not JSON.
    let bad = &pages["api/badannotation-get.md"];
    assert_diagnostic(
        &model,
        Code::AnnotationInvalid,
        "api/badannotation-get.md",
        line_of(bad, "\"blockType\": : request"),
    );
    assert_operation(&model, "api/badannotation-get.md");

    // An unclosed comment and an unclosed fence.
    let comment = &pages["api/unclosedcomment-get.md"];
    assert_diagnostic(
        &model,
        Code::CommentUnclosed,
        "api/unclosedcomment-get.md",
        line_of(comment, "<!-- { \"blockType\": \"request\"\n"),
    );
    assert_operation(&model, "api/unclosedcomment-get.md");
    let fence = &pages["api/unclosedfence-get.md"];
    let last_fence = fence.rfind("```http").expect("has a fence");
    assert_diagnostic(
        &model,
        Code::FenceUnclosed,
        "api/unclosedfence-get.md",
        fence[..last_fence].matches('\n').count() + 1,
    );
    assert_operation(&model, "api/unclosedfence-get.md");

    // Two definitions of one type: merged, the contradiction reported at the row.
    // (Pages are read in path order: `conflictthing-again.md` comes first.)
    let second = &pages["resources/conflictthing.md"];
    assert_diagnostic(
        &model,
        Code::TypeConflict,
        "resources/conflictthing.md",
        line_of(second, "|size|"),
    );
    assert_eq!(assert_type(&model, "conflictThing").properties.len(), 1);

    // A base type cycle is reported, and both types are still emitted.
    assert!(
        model
            .diagnostics
            .iter()
            .any(|d| d.code == Code::BaseTypeCycle
                && d.location.file.starts_with("resources/cycle")
                && d.location.line > 0),
        "no base-type-cycle diagnostic"
    );
    assert_type(&model, "cycleA");
    assert_type(&model, "cycleB");

    // Hostile names: every type is there, with every property it documents.
    for (_, name) in HOSTILE_TYPES {
        let def = assert_type(&model, name);
        for property in HOSTILE_PROPERTIES {
            assert!(
                def.properties.iter().any(|p| p.name == *property),
                "{name}.{property} is missing"
            );
        }
    }
    assert_operation(&model, "api/get user's (beta) !@#$%^&.md");
    let action_operations = model
        .operations
        .iter()
        .filter(|op| op.source.file == "api/hostile-action.md")
        .count();
    assert_eq!(action_operations, 3);
    assert_eq!(
        assert_type(&model, "hostileEnum").members.len(),
        HOSTILE_MEMBERS.len()
    );
    let enum_page = &pages["resources/kindconflict-enum.md"];
    assert_diagnostic(
        &model,
        Code::TypeConflict,
        "resources/kindconflict-enum.md",
        line_of(enum_page, "# kindConflict enum type"),
    );
    assert_operation(&model, "api/get-thing.md");
    assert_operation(&model, "api/get_thing.md");
    assert_operation(&model, "api/...md");
    for file in ["api/self.md", "api/crate.md", "api/super.md"] {
        assert_operation(&model, file);
    }

    // Links out of the tree are broken links, and nothing outside was read.
    let escaper = &pages["resources/escaper.md"];
    assert_diagnostic(
        &model,
        Code::LinkBroken,
        "resources/escaper.md",
        line_of(escaper, "See [passwd]"),
    );
    assert!(
        model.type_named("secretThing").is_none(),
        "read outside the tree"
    );
    assert!(model.pages.iter().all(|p| !p.file.contains("linked")));
    #[cfg(unix)]
    {
        assert_diagnostic(&model, Code::ReadFailed, "resources/linked-secret.md", 1);
        assert_diagnostic(&model, Code::ReadFailed, "api/linked-folder", 1);
        assert_diagnostic(&model, Code::ReadFailed, "api/zero.md", 1);
    }

    // Every generated path is tame, and the crate compiles without warnings.
    for path in generated.files.keys() {
        assert!(
            path.split('/').all(|part| !part.is_empty()
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))),
            "untamed generated path `{path}`"
        );
    }
    let out = tempfile::tempdir().expect("temp dir");
    write_crate(out.path(), &generated).expect("the crate is written");
    let emitted = started.elapsed();
    if let Err(err) = cargo_check(out.path()) {
        keep_for_inspection([docs.tmp, out]);
        panic!("{err}");
    }
    println!(
        "hostile tree: model {modelled:?}, emit+write {:?}, cargo check {:?}",
        emitted - modelled,
        started.elapsed() - emitted
    );

    // The command line neither panics on the tree nor calls it unreadable.
    let out_dir = out.path().join("cli");
    for args in [
        vec!["generate", "--quiet", "--out", path_arg(&out_dir)],
        vec!["check", "--quiet", "--out", path_arg(&out_dir)],
        vec!["dump"],
        vec!["lint", "--format", "json"],
    ] {
        let mut args = args;
        args.extend(["--docs", path_arg(docs.root())]);
        let output = docgen(&args, &[]);
        assert_ne!(output.status.code(), Some(2), "docgen {args:?}");
    }
}

/// A tree of types only, named like what generated code uses itself: no
/// operation, so no example test either, and the crate still compiles.
#[test]
fn a_tree_of_types_only_compiles() {
    let docs = Docs::new();
    for (file, name) in HOSTILE_TYPES.iter().take(9) {
        docs.write(
            file,
            resource_page(
                name,
                HOSTILE_TEXT,
                &[
                    ("id", "String", "x"),
                    ("names", "String collection", "x"),
                    ("other", &format!("[{name}]({name}.md)"), "x"),
                ],
                "",
            ),
        );
    }
    let (model, generated) = generate(docs.root());
    assert!(model.operations.is_empty());
    let out = tempfile::tempdir().expect("temp dir");
    write_crate(out.path(), &generated).expect("the crate is written");
    if let Err(err) = cargo_check(out.path()) {
        keep_for_inspection([docs.tmp, out]);
        panic!("{err}");
    }
}

// ---------------------------------------------------------------------------
// 2. Nothing escapes the output folder
// ---------------------------------------------------------------------------

/// `docgen generate --quiet --docs DOCS --out OUT`.
fn cli_generate(docs: &Path, out: &Path) -> Output {
    docgen(
        &[
            "generate",
            "--quiet",
            "--docs",
            path_arg(docs),
            "--out",
            path_arg(out),
        ],
        &[],
    )
}

/// `docgen check --quiet --docs DOCS --out OUT`.
fn cli_check(docs: &Path, out: &Path) -> Output {
    docgen(
        &[
            "check",
            "--quiet",
            "--docs",
            path_arg(docs),
            "--out",
            path_arg(out),
        ],
        &[],
    )
}

#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_in_the_output_folder_is_refused_and_its_target_untouched() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().expect("temp dir");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(outside.join("models")).expect("create folder");
    fs::write(outside.join("lib.rs"), "outside").expect("write");
    fs::write(outside.join("models/a.rs"), "outside").expect("write");
    fs::write(outside.join(MANIFEST), "# not docgen's\nlib.rs\n").expect("write");
    let before = list_files(&outside);

    // Each case replaces one path of a complete generation with a link out.
    let cases = [
        ("src", outside.clone()),
        ("src/models", outside.join("models")),
        ("src/lib.rs", outside.join("lib.rs")),
        (MANIFEST, outside.join(MANIFEST)),
    ];
    for (index, (inside, target)) in cases.iter().enumerate() {
        let out = tmp.path().join(format!("out{index}"));
        assert_exit(&cli_generate(&docs_input(), &out), 0);
        let link = out.join(inside);
        if link.is_dir() {
            fs::remove_dir_all(&link).expect("remove folder");
        } else {
            fs::remove_file(&link).expect("remove file");
        }
        symlink(target, &link).expect("symlink");
        let output = cli_generate(&docs_input(), &out);
        assert_exit(&output, 2);
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("symbolic link"),
            "{inside}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(list_files(&outside), before, "{inside}: outside changed");
        // `check` calls the link stale instead of reading through it.
        assert_exit(&cli_check(&docs_input(), &out), 1);
    }

    // The output folder itself is a link, with or without a trailing slash.
    let linked_out = tmp.path().join("linked-out");
    symlink(&outside, &linked_out).expect("symlink");
    for out in [
        linked_out.clone(),
        PathBuf::from(format!("{}/", linked_out.display())),
    ] {
        assert_exit(&cli_generate(&docs_input(), &out), 2);
    }
    let (_, generated) = generate(&docs_input());
    assert!(matches!(
        write_crate(&linked_out, &generated),
        Err(OutputError::Symlink { .. })
    ));
    assert_eq!(list_files(&outside), before);
}

#[test]
fn names_from_doc_text_never_leave_the_output_folder() {
    let docs = Docs::new();
    // Page names, type names, property names and paths that try to climb out.
    for (file, name) in [
        ("resources/evil.md", "../../evil"),
        ("resources/absolute.md", "/etc/evil"),
        ("resources/backslash.md", "..\\..\\evil"),
        ("resources/drive.md", "C:evil"),
        ("resources/dots.md", ".."),
    ] {
        docs.write(
            file,
            resource_page(
                name,
                "Climbs [out](../../../etc/passwd).",
                &[
                    ("id", "String", "x"),
                    ("../../x", "String", "x"),
                    ("/abs", "String", "x"),
                ],
                "",
            ),
        );
    }
    let climbing = api_page(
        "Get ../../evil",
        "Climbs.",
        "/../../evil/{id}/..",
        "evil",
        "{}",
    );
    for file in [
        "api/..%2F..%2Fevil.md",
        "api/....md",
        "api/-rf.md",
        "api/C:evil.md",
        "api/ev il\tname.md",
        "api/\u{202e}evil.md",
    ] {
        docs.write(file, &climbing);
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"api/\xff\xfe evil.md");
        docs.write(name, &climbing);
    }
    let out = docs.outside().join("deep/er/out");
    assert_exit(&cli_generate(docs.root(), &out), 0);

    // Everything around the tree is the tree itself or the output folder.
    for path in list_files(docs.outside()).keys() {
        assert!(
            path.starts_with("docs/") || path.starts_with("deep/er/out/"),
            "written outside the output folder: {path}"
        );
    }
    let written = list_files(&out);
    assert!(written.keys().any(|p| p.starts_with("src/operations/")));
    for path in written.keys() {
        assert!(
            path.split('/').all(|part| part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))),
            "untamed output path `{path}`"
        );
    }
    assert_exit(&cli_check(docs.root(), &out), 0);
}

// ---------------------------------------------------------------------------
// 3. Nothing of the user's is lost
// ---------------------------------------------------------------------------

/// Copies the committed docs into a fresh tree.
fn docs_input_copy() -> Docs {
    let docs = Docs::new();
    for (path, content) in list_files(&docs_input()) {
        docs.write(path, content);
    }
    docs
}

#[test]
fn user_files_in_the_output_folder_are_never_touched() {
    let docs = docs_input_copy();
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let user_files = [
        ("notes.md", "my notes"),
        (".gitignore", "/target\n"),
        (
            "src/handwritten.rs",
            "// @generated by docgen\n// but not listed: still mine\n",
        ),
        ("src/models/extra.rs", "pub struct Mine;"),
        ("tests/mine.rs", "#[test]\nfn mine() {}\n"),
    ];
    // The user's files come after the first run: docgen writes only into a
    // folder that is new, empty or already its own (issue 16).
    assert_exit(&cli_generate(docs.root(), &out), 0);
    for (path, content) in user_files {
        let target = out.join(path);
        fs::create_dir_all(target.parent().expect("parent")).expect("create folder");
        fs::write(&target, content).expect("write user file");
    }
    let stamp = |path: &str| {
        fs::metadata(out.join(path))
            .and_then(|m| m.modified())
            .expect("user file exists")
    };
    let stamps: Vec<_> = user_files.iter().map(|(path, _)| stamp(path)).collect();

    assert_exit(&cli_generate(docs.root(), &out), 0);
    // A docs change, and a page removed: files are rewritten and deleted.
    let page = docs
        .root()
        .join("resources/deviceconfigurationgroupassignment.md");
    let text = fs::read_to_string(&page).expect("read page");
    fs::write(
        &page,
        text.replace("|excludeGroup|Boolean|", "|excludeGroup|String|"),
    )
    .expect("write");
    fs::remove_file(
        docs.root()
            .join("api/devicemanagementscriptgroupassignment-delete.md"),
    )
    .expect("remove page");
    assert_exit(&cli_generate(docs.root(), &out), 0);

    for ((path, content), before) in user_files.iter().zip(&stamps) {
        assert_eq!(
            fs::read_to_string(out.join(path)).ok().as_deref(),
            Some(*content),
            "{path}"
        );
        assert_eq!(stamp(path), *before, "{path} was rewritten");
    }
    assert_exit(&cli_check(docs.root(), &out), 0);

    // A user file where docgen wants to write is refused, and nothing changes.
    let fresh = tmp.path().join("fresh");
    fs::create_dir_all(fresh.join("src")).expect("create folder");
    fs::write(fresh.join("src/lib.rs"), "mine").expect("write");
    let before = list_files(&fresh);
    assert_exit(&cli_generate(docs.root(), &fresh), 2);
    assert_eq!(list_files(&fresh), before);
}

#[test]
fn deleting_a_page_deletes_exactly_its_generated_files() {
    let docs = docs_input_copy();
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    assert_exit(&cli_generate(docs.root(), &out), 0);
    fs::write(out.join("src/operations/mine.rs"), "mine").expect("write user file");
    let before = list_files(&out);

    let page = "api/devicemanagementscriptgroupassignment-delete.md";
    let (_, generated) = generate(docs.root());
    let own: BTreeSet<String> = generated
        .sources
        .iter()
        .filter(|(_, pages)| pages.as_slice() == [page.to_string()])
        .map(|(path, _)| path.clone())
        .collect();
    assert!(!own.is_empty(), "{page} generates files of its own");

    fs::remove_file(docs.root().join(page)).expect("remove page");
    assert_exit(&cli_generate(docs.root(), &out), 0);
    let after = list_files(&out);
    let deleted: BTreeSet<String> = before
        .keys()
        .filter(|path| !after.contains_key(*path))
        .cloned()
        .collect();
    assert_eq!(deleted, own);
    let added: Vec<&String> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert!(added.is_empty(), "new files: {added:?}");
    assert_exit(&cli_check(docs.root(), &out), 0);
}

#[test]
fn a_tampered_manifest_deletes_no_file_of_the_users() {
    let docs = docs_input_copy();
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    assert_exit(&cli_generate(docs.root(), &out), 0);
    // The user's files, then listed in the manifest as if docgen wrote them.
    let user_files = [
        ("notes.md", "my notes\n"),
        ("src/handwritten.rs", "pub fn mine() {}\n"),
        (
            "src/models/extra.rs",
            "// generated by hand, not by docgen\n",
        ),
        ("tests/mine.rs", "#[test]\nfn mine() {}\n"),
    ];
    let mut manifest = fs::read_to_string(out.join(MANIFEST)).expect("manifest");
    for (path, content) in user_files {
        fs::create_dir_all(out.join(path).parent().expect("parent")).expect("mkdir");
        fs::write(out.join(path), content).expect("write");
        manifest.push_str(&format!("{path}\n"));
    }
    fs::write(out.join(MANIFEST), manifest).expect("tamper with the manifest");

    // A page removed: its own files go, the user's stay and are named.
    let page = "api/devicemanagementscriptgroupassignment-delete.md";
    let (_, generated) = generate(docs.root());
    let own: Vec<String> = generated
        .sources
        .iter()
        .filter(|(_, pages)| pages.as_slice() == [page.to_string()])
        .map(|(path, _)| path.clone())
        .collect();
    assert!(!own.is_empty());
    fs::remove_file(docs.root().join(page)).expect("remove page");
    let output = docgen(
        &[
            "generate",
            "--docs",
            path_arg(docs.root()),
            "--out",
            path_arg(&out),
        ],
        &[],
    );
    assert_exit(&output, 0);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for (path, content) in user_files {
        assert_eq!(
            fs::read_to_string(out.join(path)).ok().as_deref(),
            Some(content),
            "{path} was deleted"
        );
        assert!(
            stderr.contains(&format!("kept `{path}`")),
            "{path}: {stderr}"
        );
    }
    for path in &own {
        assert!(!out.join(path).exists(), "{path} was not deleted");
    }
    // The new manifest no longer lists them: they are the user's again.
    assert_exit(&cli_check(docs.root(), &out), 0);
}

/// Two docs trees with many pages, for the interrupted write: two synthetic
/// trees of 3,000 pages (the newer one with 300 more), the same on every
/// machine and cheap enough for CI (the real corpus took minutes here).
fn big_trees() -> (PathBuf, PathBuf, Option<(Docs, Docs)>) {
    let synthetic = |version: &str| {
        let docs = Docs::new();
        for index in 0..3_000 {
            docs.write(
                format!("resources/thing{index}.md"),
                resource_page(
                    &format!("thing{index}"),
                    &format!("Thing {index}, {version}."),
                    &[
                        ("id", "String", "The identifier."),
                        ("displayName", "String", version),
                    ],
                    "",
                ),
            );
        }
        // Pages only the newer tree has, so that it adds files too.
        if version == "new" {
            for index in 0..300 {
                docs.write(
                    format!("resources/newthing{index}.md"),
                    resource_page(
                        &format!("newThing{index}"),
                        "New.",
                        &[("id", "String", "x")],
                        "",
                    ),
                );
            }
        }
        docs
    };
    let (old, new) = (synthetic("old"), synthetic("new"));
    (
        old.root().to_path_buf(),
        new.root().to_path_buf(),
        Some((old, new)),
    )
}

#[cfg(unix)]
#[test]
fn a_run_killed_while_writing_leaves_the_previous_output_whole() {
    let (old_docs, new_docs, _synthetic) = big_trees();
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| generate(&old_docs).1);
        let new = generate(&new_docs).1;
        (old.join().expect("old generation"), new)
    });
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    write_crate(&out, &old).expect("previous generation is written");
    let manifest = out.join(MANIFEST);
    let before = list_files(&out);

    // Kill the run in the middle of its write phase: once the temporary file
    // of the file halfway through the files it changes (staged in path order)
    // is there.
    let changing: Vec<&String> = new
        .files
        .iter()
        .filter(|(path, content)| old.files.get(*path) != Some(*content))
        .map(|(path, _)| path)
        .collect();
    assert!(changing.len() > 100, "the two trees differ in few files");
    let probe = out.join(changing[changing.len() / 2]);
    let mut child = Command::new(docgen_bin())
        .args([
            "generate",
            "--quiet",
            "--docs",
            path_arg(&new_docs),
            "--out",
        ])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("docgen starts");
    let name = probe
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let probe_temp = probe.with_file_name(format!(".{name}.{}-0.docgen-tmp", child.id()));
    let started = Instant::now();
    while !probe_temp.exists() {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "docgen never staged {}",
            probe.display()
        );
        std::thread::sleep(Duration::from_micros(200));
    }
    let killed_mid_write = child.try_wait().expect("wait").is_none();
    child.kill().expect("kill");
    child.wait().expect("reap");
    assert!(
        killed_mid_write,
        "docgen finished before it could be killed; nothing was tested"
    );

    // The previous output is whole: every file, the manifest included, is as
    // it was; the run left only temporary files.
    let disk = list_files(&out);
    let mut temporary = 0;
    for (path, content) in &disk {
        if path.ends_with(".docgen-tmp") {
            temporary += 1;
            continue;
        }
        assert_eq!(
            Some(content),
            before.get(path),
            "{path} changed although the run was killed before renaming"
        );
    }
    assert_eq!(disk.len() - temporary, before.len(), "a file went missing");
    assert!(temporary > 0, "the run had staged nothing");
    println!(
        "killed while staging after {:?}: {} files as before, {temporary} temporary files",
        started.elapsed(),
        before.len()
    );
    // `check` answers for the new docs: the previous output is stale (exit 1),
    // and exactly the files that the new generation changes are named.
    assert_exit(&cli_check(&new_docs, &out), 1);
    let report = check_crate(&out, &new);
    let mut expected: BTreeSet<String> = changing.iter().map(|p| p.to_string()).collect();
    expected.extend(
        old.files
            .keys()
            .filter(|path| !new.files.contains_key(*path))
            .cloned(),
    );
    let stale: BTreeSet<String> = report
        .stale
        .iter()
        .filter(|s| s.path != MANIFEST)
        .map(|s| s.path.clone())
        .collect();
    assert_eq!(stale, expected);
    for file in &report.stale {
        let reason = match file.path.as_str() {
            MANIFEST => continue,
            path if !new.files.contains_key(path) => StaleReason::Extra,
            path if before.contains_key(path) => StaleReason::Differs,
            _ => StaleReason::Missing,
        };
        assert_eq!(file.reason, reason, "{}", file.path);
    }
    // For the old docs, nothing is stale: the previous output is intact.
    assert_exit(&cli_check(&old_docs, &out), 0);
    let manifest_after_kill = fs::read(&manifest).expect("manifest");

    // The next run completes, cleans up, and leaves nothing stale.
    write_crate(&out, &new).expect("the next run completes");
    assert!(check_crate(&out, &new).is_clean());
    let final_manifest = fs::read(&manifest).expect("manifest");
    assert_eq!(
        report.stale.iter().any(|s| s.path == MANIFEST),
        manifest_after_kill != final_manifest
    );
    let leftovers: Vec<String> = list_files(&out)
        .into_keys()
        .filter(|p| p.ends_with(".docgen-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

// ---------------------------------------------------------------------------
// 4. Determinism
// ---------------------------------------------------------------------------

/// The pages of a varied tree: the committed docs plus hostile ones.
fn varied_pages() -> Vec<(String, Vec<u8>)> {
    let mut pages: Vec<(String, Vec<u8>)> = list_files(&docs_input()).into_iter().collect();
    let rows: Vec<(&str, &str, &str)> = HOSTILE_PROPERTIES
        .iter()
        .map(|name| (*name, "String", HOSTILE_TEXT))
        .collect();
    for (file, name) in HOSTILE_TYPES {
        pages.push((
            file.to_string(),
            resource_page(name, HOSTILE_TEXT, &rows, "").into_bytes(),
        ));
    }
    pages.push((
        "resources/hostileenum.md".into(),
        enum_page("hostileEnum", HOSTILE_MEMBERS).into_bytes(),
    ));
    pages.push(("api/binary.md".into(), noise(4096, 7)));
    pages
}

fn model_json(model: &ApiModel) -> String {
    serde_json::to_string(model).expect("the model serializes")
}

#[test]
fn output_is_byte_identical_across_runs_input_order_and_threads() {
    let pages = varied_pages();
    let forward = Docs::new();
    for (path, content) in &pages {
        forward.write(path, content);
    }
    // The same pages, created in the opposite order (folders too).
    let backward = Docs::new();
    for (path, content) in pages.iter().rev() {
        backward.write(path, content);
    }

    let (model, generated) = generate(forward.root());
    let json = model_json(&model);
    for _ in 0..2 {
        let (again_model, again) = generate(forward.root());
        assert!(again == generated, "a second run differs");
        assert_eq!(model_json(&again_model), json);
    }
    let (reversed_model, reversed) = generate(backward.root());
    assert!(reversed == generated, "input order changes the output");
    assert_eq!(model_json(&reversed_model), json);

    // The model builder sorts pages itself, whatever order they come in.
    let mut parsed: Vec<docgen::parse::Page> = pages
        .iter()
        .map(|(path, content)| docgen::parse::parse_page(path, &String::from_utf8_lossy(content)))
        .collect();
    let sorted = model_json(&docgen::model::build_model(parsed.clone(), "docs"));
    parsed.reverse();
    assert_eq!(
        model_json(&docgen::model::build_model(parsed, "docs")),
        sorted
    );

    // The command line, three runs with 1, 2 and 8 rayon threads (reading,
    // parsing and emitting run on rayon's pool).
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut outputs = Vec::new();
    for threads in ["1", "2", "8"] {
        let out = tmp.path().join(format!("out-{threads}"));
        let output = docgen(
            &[
                "generate",
                "--quiet",
                "--docs",
                path_arg(forward.root()),
                "--out",
                path_arg(&out),
            ],
            &[("RAYON_NUM_THREADS", threads)],
        );
        assert_exit(&output, 0);
        let mut files = list_files(&out);
        // The no-op stamp is a cache of this machine's run (file times, the
        // executable's path), not output; the manifest and the crate are.
        files.remove(".docgen-stamp");
        outputs.push(files);
    }
    assert!(
        outputs.windows(2).all(|pair| pair[0] == pair[1]),
        "runs differ"
    );
    let on_disk: BTreeMap<String, Vec<u8>> = outputs.remove(0);
    for (path, content) in &generated.files {
        assert_eq!(
            on_disk.get(path).map(Vec::as_slice),
            Some(content.as_bytes()),
            "{path}"
        );
    }
    let dump = |docs: &Path| docgen(&["dump", "--docs", path_arg(docs)], &[]).stdout;
    let dumped = dump(forward.root());
    assert_eq!(dump(forward.root()), dumped);
    assert!(
        dump(backward.root()) == dumped,
        "dump depends on input order"
    );
}

// ---------------------------------------------------------------------------
// 5. Page text never runs as code
// ---------------------------------------------------------------------------

/// Rust code that leaves a marker file named `name` in `markers` when it runs.
fn marker_code(markers: &Path, name: &str) -> String {
    format!(
        "std::fs::write(\"{}/{name}\", \"ran\").unwrap();",
        markers.display()
    )
}

/// A resource page whose description comes from the front matter only (there
/// is no paragraph under the title).
fn front_matter_page(name: &str, description: &str) -> String {
    format!(
        "---\ntitle: {title}\ndescription: {description}\ndoc_type: resourcePageType\n---\n\n\
         # {name} resource type\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n\
         |id|String|The identifier.|\n\n## JSON representation\n<!-- {{\n  \"blockType\": \"resource\",\n  \
         \"keyProperty\": \"id\",\n  \"@odata.type\": \"microsoft.graph.{name}\"\n}}\n-->\n```json\n{{\n  \"id\": \"String\"\n}}\n```\n",
        title = json_string(&format!("{name} resource type")),
        description = json_string(description),
    )
}

/// Every way page text has been found to become a doctest: fences of either
/// kind with any info string, indented code after a blank line (spaces or a
/// tab), code in list items and block quotes, `<pre>`, in type, property,
/// enum-member and operation descriptions, the front matter's description, and
/// a page's file name. Each writes its own marker file when it runs; text that
/// is not Rust (`GET /users?$top=5`, the file name) would make the doctest run fail.
fn code_in_page_text(docs: &Docs, markers: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut code = |name: &str| {
        names.push(name.to_string());
        marker_code(markers, name)
    };
    let rows: Vec<(String, String)> = vec![
        (
            "tildeFence".into(),
            format!("The name.<br><br>~~~<br>{}<br>~~~", code("tilde")),
        ),
        (
            "tildeRust".into(),
            format!("The name.<br><br>~~~rust<br>{}<br>~~~", code("tilde-rust")),
        ),
        (
            "tildeNoRun".into(),
            format!(
                "The name.<br><br>~~~no_run<br>{}<br>~~~",
                code("tilde-no-run")
            ),
        ),
        (
            "tildeUnclosed".into(),
            format!(
                "The name.<br><br>~~~~ should_panic<br>{}",
                code("tilde-unclosed")
            ),
        ),
        (
            "backtickFence".into(),
            format!("The name.<br><br>```<br>{}<br>```", code("backtick-cell")),
        ),
        (
            "indented".into(),
            format!("Use it like this:<br><br>    {}", code("indented")),
        ),
        (
            "indentedTab".into(),
            format!("Use it like this:<br><br>\t{}", code("indented-tab")),
        ),
        (
            "ordinaryText".into(),
            "Use it like this:<br><br>    GET /users?$top=5".into(),
        ),
        (
            "listItem".into(),
            format!("A list:<br><br>-     {}", code("list-item")),
        ),
        (
            "orderedItem".into(),
            format!("A list:<br><br>1.     {}", code("ordered-item")),
        ),
        (
            "listFence".into(),
            format!("A list:<br><br>- ~~~<br>  {}<br>  ~~~", code("list-fence")),
        ),
        (
            "quoteFence".into(),
            format!(
                "A quote:<br><br>> ~~~<br>> {}<br>> ~~~",
                code("quote-fence")
            ),
        ),
        (
            "pre".into(),
            format!("Pre:<br><br><pre><br>    {}<br></pre>", code("pre")),
        ),
        (
            "codeTag".into(),
            format!("Code: <code>{}</code>", code("code-tag")),
        ),
        (
            "inlineCode".into(),
            format!("Inline `{}` stays inline.", code("inline-code")),
        ),
    ];
    let type_code = code("type-description");
    let rows: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(name, text)| (name.as_str(), "String", text.as_str()))
        .collect();
    docs.write(
        "resources/codething.md",
        resource_page(
            "codeThing",
            &format!("A thing.<br><br>~~~<br>{type_code}<br>~~~"),
            &rows,
            "",
        ),
    );
    let member_code = code("enum-member");
    let mut members = enum_page("codeEnum", &[("plain", "0"), ("fenced", "1")]);
    members = members.replace(
        &format!("|fenced|1|{}|", cell(HOSTILE_TEXT)),
        &format!("|fenced|1|A member.<br><br>~~~<br>{member_code}<br>~~~|"),
    );
    docs.write("resources/codeenum.md", members);
    docs.write(
        "resources/frontfence.md",
        front_matter_page(
            "frontFence",
            &format!("A thing.\n\n```\n{}\n```", code("front-backtick")),
        ),
    );
    docs.write(
        "resources/frontrust.md",
        front_matter_page(
            "frontRust",
            &format!("A thing.\n\n```rust\n{}\n```", code("front-backtick-rust")),
        ),
    );
    docs.write(
        "resources/frontindented.md",
        front_matter_page(
            "frontIndented",
            &format!("A thing.\n\n    {}", code("front-indented")),
        ),
    );
    docs.write(
        "api/codething-get.md",
        api_page(
            "Get codeThing",
            &format!("Read it.<br><br>~~~<br>{}<br>~~~", code("operation")),
            "/codeThings/{codeThingId}",
            "codeThing",
            "{\n  \"id\": \"1\"\n}",
        ),
    );
    // A file name with line breaks: the page's module doc names it. (A file
    // name cannot hold `/`, so no marker: as a doctest it would fail to compile.)
    #[cfg(unix)]
    {
        docs.write(
            "api/get\n\n    not rust.md",
            api_page(
                "Get pageName",
                "Read it.",
                "/pageNames/{pageNameId}",
                "codeThing",
                "{}",
            ),
        );
    }
    names
}

#[test]
fn page_text_never_runs_as_code() {
    let docs = Docs::new();
    let markers = docs.outside().join("markers");
    fs::create_dir(&markers).expect("create markers folder");
    let vectors = code_in_page_text(&docs, &markers);
    let (model, generated) = generate(docs.root());
    assert_type(&model, "codeThing");
    assert_type(&model, "frontFence");
    assert_operation(&model, "api/codething-get.md");
    let out = tempfile::tempdir().expect("temp dir");
    write_crate(out.path(), &generated).expect("the crate is written");

    let ran = cargo_doctest(out.path());
    let left: Vec<String> = list_files(&markers).into_keys().collect();
    let doctests = match ran {
        Ok(doctests) => doctests,
        Err(err) => {
            keep_for_inspection([docs.tmp, out]);
            panic!("page text ran ({left:?}) or failed as a doctest:\n{err}");
        }
    };
    assert!(
        left.is_empty(),
        "page text ran as code: {left:?} (of {vectors:?})"
    );
    // The only doctests are the runtime's own examples, copied from the
    // docgen-runtime crate: none comes from a page.
    let from_pages: Vec<&String> = doctests
        .iter()
        .filter(|name| !name.starts_with("src/runtime.rs - "))
        .collect();
    assert!(
        from_pages.is_empty(),
        "doctests from page text: {from_pages:#?}"
    );
    assert!(
        !doctests.is_empty(),
        "the runtime's own doctests were not run: is the check blind?"
    );
}
