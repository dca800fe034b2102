//! A type with 10,000 properties and an enum with 10,000 members: the crate
//! generated from them compiles (issue 16). Before, the derived `PartialEq`
//! of the struct, one `&&` chain, overflowed rustc's stack under `cargo check`.

use docgen_e2e::{cargo_check, docgen_bin};
use std::fmt::Write as _;
use std::fs;
use std::process::Command;

const SIZE: usize = 10_000;

fn resource_page() -> String {
    let mut rows = String::new();
    for i in 0..SIZE {
        let ty = if i % 2 == 0 {
            "String"
        } else {
            "[hugeKind](hugekind.md)"
        };
        let _ = writeln!(rows, "|prop{i}|{ty}|Property {i}.|");
    }
    format!(
        r#"---
title: "hugeThing resource type"
description: "A type with very many properties."
doc_type: resourcePageType
---

# hugeThing resource type

Namespace: microsoft.graph

A huge thing.

## Properties
|Property|Type|Description|
|:---|:---|:---|
{rows}
## JSON representation
<!-- {{
  "blockType": "resource",
  "@odata.type": "microsoft.graph.hugeThing"
}}
-->
``` json
{{
  "prop0": "String"
}}
```
"#
    )
}

fn enum_page() -> String {
    let mut rows = String::new();
    for i in 0..SIZE {
        let _ = writeln!(rows, "|member{i}|Member {i}.|");
    }
    format!(
        r#"---
title: "hugeKind enum type"
description: "Very many kinds."
doc_type: enumPageType
---

# hugeKind enum type

Namespace: microsoft.graph

|Member|Description|
|:---|:---|
{rows}"#
    )
}

#[test]
fn a_type_with_ten_thousand_properties_compiles() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let docs = tmp.path().join("docs");
    let out = tmp.path().join("out");
    fs::create_dir_all(docs.join("resources")).expect("docs folder");
    fs::write(docs.join("resources/hugething.md"), resource_page()).expect("page");
    fs::write(docs.join("resources/hugekind.md"), enum_page()).expect("page");

    let output = Command::new(docgen_bin())
        .arg("generate")
        .arg("--docs")
        .arg(&docs)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("docgen runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(out.join("src/lib.rs").is_file(), "{stderr}");
    let model = fs::read_to_string(out.join("src/models/huge_thing.rs")).expect("model file");
    assert_eq!(
        model.matches("\n    pub prop").count(),
        SIZE,
        "every row is a field"
    );
    let kinds = fs::read_to_string(out.join("src/models/huge_kind.rs")).expect("enum file");
    assert_eq!(
        kinds.matches("=> \"member").count(),
        SIZE,
        "every member is spelled"
    );
    if let Err(err) = cargo_check(&out) {
        panic!("{err}");
    }
}
