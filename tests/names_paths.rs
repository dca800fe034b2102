//! Names and paths from odd pages (issue 16, item 10): case-colliding page
//! names, a page name too long for a file name, `..`, a fragment and
//! percent-encoding in documented paths, and enum members and property rows
//! that cannot be kept as written. Each is reported (code, file, line) and
//! handled, and the crate compiles under `-D warnings`.

use docgen::diagnostics::Code;
use docgen::ApiModel;
use docgen_e2e::{cargo_check, docgen_bin};
use std::fs;
use std::path::Path;
use std::process::Command;

const WIDGET: &str = r#"---
title: "widget resource type"
description: "A widget."
doc_type: resourcePageType
---

# widget resource type

Namespace: microsoft.graph

A widget.

## Properties
|Property|Type|Description|
|:---|:---|:---|
|id|String|The id.|
|name|String|The name.|
|name|String|The name again.|
|a b|String|A spaced name.|
|kind|[widgetKind](widgetkind.md)|The kind.|

## JSON representation
<!-- {
  "blockType": "resource",
  "keyProperty": "id",
  "@odata.type": "microsoft.graph.widget"
}
-->
``` json
{
  "id": "String",
  "name": "String",
  "a": "String",
  "kind": "String"
}
```
"#;

const WIDGET_KIND: &str = r#"---
title: "widgetKind enum type"
description: "Kinds."
doc_type: enumPageType
---

# widgetKind enum type

Namespace: microsoft.graph

|Member|Description|
|:---|:---|
|small|Small.|
|small|Small again.|
|""|Empty.|
|r#x|Raw.|
|large|Large.|
"#;

/// An API page whose HTTP request section documents `path` (line 16) and
/// whose example requests `example` (line 30).
fn api_page(path: &str, example: &str) -> String {
    format!(
        r#"---
title: "Get widget"
description: "Get widget."
doc_type: apiPageType
---

# Get widget

Namespace: microsoft.graph

Get widget.

## HTTP request

``` http
GET {path}
```

## Response
If successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object in the response body.

## Example

### Request
<!-- {{
  "blockType": "request",
  "name": "{name}"
}}-->
```http
GET https://graph.microsoft.com/v1.0{example}
```

### Response
<!-- {{
  "blockType": "response",
  "@odata.type": "microsoft.graph.widget"
}} -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{{
  "id": "1"
}}
```
"#,
        name = example.replace(['/', '%', '#', '.'], "_"),
    )
}

fn long_name() -> String {
    format!("{}.md", "a".repeat(240))
}

/// The tree, written at test time: `self.md` and `Self.md` cannot both be
/// checked out on a case-insensitive file system, nor a 243-byte name on some.
fn write_tree(docs: &Path) {
    let write = |relative: &str, text: &str| {
        let path = docs.join(relative);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write page");
    };
    write("resources/widget.md", WIDGET);
    write("resources/widgetkind.md", WIDGET_KIND);
    write(
        "api/self.md",
        &api_page("/widgets/{id}/self", "/widgets/1/self"),
    );
    write(
        "api/Self.md",
        &api_page("/gadgets/{id}/Self", "/gadgets/1/Self"),
    );
    write(
        &format!("api/{}", long_name()),
        &api_page("/widgets/{id}/long", "/widgets/1/long"),
    );
    write(
        "api/passwd.md",
        &api_page("/widgets/../../etc/passwd", "/widgets/../../etc/passwd"),
    );
    write(
        "api/frag.md",
        &api_page("/widgets/{id}/frag#section", "/widgets/1/frag"),
    );
    write(
        "api/pct.md",
        &api_page("/widgets/%C3%A9/x%2Fy/z%00", "/widgets/%C3%A9/x%2Fy/z%00"),
    );
}

#[track_caller]
fn assert_diagnostic(model: &ApiModel, code: Code, file: &str, line: usize, says: &str) {
    assert!(
        model.diagnostics.iter().any(|d| d.code == code
            && d.location.file == file
            && d.location.line == line
            && d.message.contains(says)),
        "expected {code} at {file}:{line} saying `{says}`; the file's diagnostics:\n{}",
        model
            .diagnostics
            .iter()
            .filter(|d| d.location.file == file)
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn odd_names_and_paths_are_reported_and_handled_and_the_crate_compiles() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let docs = tmp.path().join("docs");
    let out = tmp.path().join("out");
    write_tree(&docs);
    let model = docgen::model_for_tree(&docs).expect("tree reads");

    // Paths: `..` and percent-encoding skip the line; a fragment is cut off.
    assert_diagnostic(
        &model,
        Code::HttpLineInvalid,
        "api/passwd.md",
        16,
        "`..` segment",
    );
    assert_diagnostic(
        &model,
        Code::HttpLineInvalid,
        "api/pct.md",
        16,
        "percent-encoding",
    );
    assert_diagnostic(
        &model,
        Code::HttpLineInvalid,
        "api/frag.md",
        16,
        "`#` fragment",
    );
    let paths: Vec<&str> = model
        .operations
        .iter()
        .map(|op| op.path.raw.as_str())
        .collect();
    assert!(paths.contains(&"/widgets/{id}/frag"), "{paths:?}");
    assert!(
        paths
            .iter()
            .all(|p| !p.contains("..") && !p.contains('%') && !p.contains('#')),
        "{paths:?}"
    );
    assert!(model.operations.iter().all(|op| op.name != "get_passwd"));

    // Enum members and property rows: each dropped or changed row is said.
    let file = "resources/widgetkind.md";
    assert_diagnostic(
        &model,
        Code::TypeConflict,
        file,
        14,
        "member `small` is listed again",
    );
    assert_diagnostic(&model, Code::EnumMemberInvalid, file, 15, "`\"\"`");
    assert_diagnostic(&model, Code::EnumMemberInvalid, file, 16, "`r#x`");
    let file = "resources/widget.md";
    assert_diagnostic(
        &model,
        Code::TypeConflict,
        file,
        18,
        "`name` is listed again",
    );
    assert_diagnostic(&model, Code::PropertyNameInvalid, file, 19, "read as `a`");
    let widget = model.type_named("widget").expect("widget");
    let names: Vec<&str> = widget.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["id", "name", "a", "kind"]);

    // Long and case-colliding page names: the run succeeds and the modules are
    // valid snake case with short file names.
    let output = Command::new(docgen_bin())
        .args(["generate", "--docs"])
        .arg(&docs)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("docgen runs");
    assert!(
        output.status.code() == Some(0) || output.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        out.join("src/lib.rs").is_file(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let modules: Vec<String> = fs::read_dir(out.join("src/operations"))
        .expect("operations folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        modules.iter().all(|m| m.len() <= 110 && !m.contains("__")),
        "{modules:?}"
    );
    assert!(modules.contains(&"self_2.rs".to_string()), "{modules:?}");
    if let Err(err) = cargo_check(&out) {
        panic!("{err}");
    }
}
