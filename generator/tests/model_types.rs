//! How the model names and fills types from what pages write: link text that
//! is display text, and the table headers the corpus uses.

use docgen::model::{ApiModel, ResponseShape};
use std::fs;

fn model_of(pages: &[(&str, &str)]) -> ApiModel {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in pages {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, text).expect("write page");
    }
    docgen::model_for_tree(dir.path()).expect("model")
}

const NAMED_ITEM: &str = "---\ndoc_type: resourcePageType\n---\n# workbookNamedItem resource type\n\nA named item.\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n| name | String | The name. |\n\n## Relationships\n\n| Relationship name | Type | Description |\n|:--|:--|:--|\n| worksheet | [workbookWorksheet](workbookworksheet.md) | The sheet. |\n\n## JSON representation\n\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.workbookNamedItem\" } -->\n```json\n{ \"name\": \"String\" }\n```\n";

const WORKSHEET: &str = "---\ndoc_type: resourcePageType\n---\n# workbookWorksheet resource type\n\nA sheet.\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n| id | String | The id. |\n\n<!-- { \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.workbookWorksheet\" } -->\n```json\n{ \"id\": \"String\" }\n```\n";

fn add_page(link: &str) -> String {
    format!("---\ndoc_type: apiPageType\n---\n# Add named item\n\n## HTTP request\n```http\nPOST /me/drive/items/{{id}}/workbook/names/add\n```\n\n## Response\n\nIf successful, this method returns a `200 OK` response code and {link} object in the response body.\n")
}

fn response_type(model: &ApiModel) -> Option<String> {
    model.operations.iter().find_map(|op| match &op.response {
        ResponseShape::Single { ty } => Some(ty.name.clone()),
        _ => None,
    })
}

fn type_not_defined(model: &ApiModel) -> Vec<String> {
    model
        .diagnostics
        .iter()
        .filter(|d| d.code == "type-not-defined")
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn link_text_that_names_no_type_is_read_from_the_linked_page() {
    let page = add_page("[NamedItem](../resources/workbooknameditem.md)");
    let model = model_of(&[
        ("api/nameditem-add.md", &page),
        ("resources/workbooknameditem.md", NAMED_ITEM),
        ("resources/workbookworksheet.md", WORKSHEET),
    ]);
    assert_eq!(response_type(&model).as_deref(), Some("workbookNamedItem"));
    assert_eq!(type_not_defined(&model), Vec::<String>::new());
}

#[test]
fn link_text_that_names_a_type_or_another_thing_is_kept() {
    // The text names a type of the tree: it wins over where the link leads.
    let page = add_page("[workbookWorksheet](../resources/workbooknameditem.md)");
    let model = model_of(&[
        ("api/nameditem-add.md", &page),
        ("resources/workbooknameditem.md", NAMED_ITEM),
        ("resources/workbookworksheet.md", WORKSHEET),
    ]);
    assert_eq!(response_type(&model).as_deref(), Some("workbookWorksheet"));

    // A text that is not part of the linked page's type name is not renamed.
    let page = add_page("[PostalAddress](../resources/workbooknameditem.md)");
    let model = model_of(&[
        ("api/nameditem-add.md", &page),
        ("resources/workbooknameditem.md", NAMED_ITEM),
        ("resources/workbookworksheet.md", WORKSHEET),
    ]);
    assert_eq!(response_type(&model).as_deref(), Some("PostalAddress"));
    assert_eq!(type_not_defined(&model).len(), 1);
}

#[test]
fn relationship_name_tables_give_properties() {
    let model = model_of(&[
        ("resources/workbooknameditem.md", NAMED_ITEM),
        ("resources/workbookworksheet.md", WORKSHEET),
    ]);
    let named = model
        .types
        .iter()
        .find(|t| t.name == "workbookNamedItem")
        .expect("type");
    let names: Vec<&str> = named.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["name", "worksheet"]);
}

/// A resource page for `name`, derived from `base` when given, with one property.
fn resource(name: &str, base: Option<&str>, property: (&str, &str)) -> String {
    let base = base
        .map(|b| format!(", \"baseType\": \"microsoft.graph.{b}\""))
        .unwrap_or_default();
    let (prop, ty) = property;
    format!("---\ndoc_type: resourcePageType\n---\n# {name} resource type\n\nA setting.\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n| {prop} | {ty} | The value. |\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\"{base} }} -->\n```json\n{{ \"{prop}\": \"x\" }}\n```\n")
}

/// A create page for `POST /settings` whose body and response are `name`.
fn create_page(name: &str) -> String {
    format!("---\ndoc_type: apiPageType\n---\n# Create {name}\n\n## HTTP request\n```http\nPOST /settings\n```\n\n## Request body\n\nIn the request body, supply a JSON representation for the [{name}](../resources/{name}.md) object.\n\n## Response\n\nIf successful, this method returns a `201 Created` response code and a [{name}](../resources/{name}.md) object in the response body.\n")
}

#[test]
fn one_endpoint_created_per_derived_type_takes_the_common_base_as_body() {
    let model = model_of(&[
        (
            "resources/setting.md",
            &resource("setting", None, ("id", "String")),
        ),
        (
            "resources/booleanSetting.md",
            &resource("booleanSetting", Some("setting"), ("value", "Boolean")),
        ),
        (
            "resources/listSetting.md",
            &resource(
                "listSetting",
                Some("setting"),
                ("value", "String collection"),
            ),
        ),
        (
            "api/booleansetting-create.md",
            &create_page("booleanSetting"),
        ),
        ("api/listsetting-create.md", &create_page("listSetting")),
    ]);
    let bodies: Vec<String> = model
        .operations
        .iter()
        .map(|op| match &op.body {
            docgen::model::RequestBody::Type { ty } => ty.name.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(bodies, ["setting"], "one operation, the base as its body");
}

fn resource_page(namespace: &str, name: &str, property: (&str, &str)) -> String {
    format!("---\ndoc_type: resourcePageType\n---\n# {name} resource type\n\nNamespace: {namespace}\n\nA {name}.\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n| {} | {} | A property. |\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"{namespace}.{name}\" }} -->\n```json\n{{ \"{}\": \"String\" }}\n```\n", property.0, property.1, property.0)
}

/// Beta's `group` once carried `termStore.group`'s properties: one simple name
/// in two namespaces is two types, and a sub-namespace's pages name their own
/// types by the simple name.
#[test]
fn one_simple_name_in_two_namespaces_is_two_types() {
    let model = model_of(&[
        (
            "resources/group.md",
            &resource_page("microsoft.graph", "group", ("mailNickname", "String")),
        ),
        (
            "resources/termstore-group.md",
            &resource_page("microsoft.graph.termStore", "group", ("displayName", "String")),
        ),
        (
            "resources/termstore-set.md",
            &resource_page(
                "microsoft.graph.termStore",
                "set",
                ("parentGroup", "[group](termstore-group.md)"),
            ),
        ),
        (
            "api/termstore-group-get.md",
            "---\ndoc_type: apiPageType\n---\n# Get group\n\n## HTTP request\n```http\nGET /termStore/groups/{group-id}\n```\n\n## Response\n\nIf successful, this method returns a `200 OK` response code and a [group](../resources/termstore-group.md) object in the response body.\n",
        ),
    ]);
    let names: Vec<&str> = model.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["group", "termStore.group", "termStore.set"]);
    let properties = |name: &str| -> Vec<&str> {
        let def = model.types.iter().find(|t| t.name == name).expect("type");
        def.properties.iter().map(|p| p.name.as_str()).collect()
    };
    assert_eq!(properties("group"), ["mailNickname"]);
    assert_eq!(properties("termStore.group"), ["displayName"]);
    let set = model
        .types
        .iter()
        .find(|t| t.name == "termStore.set")
        .expect("set");
    assert_eq!(set.properties[0].ty.name, "termStore.group");
    assert_eq!(response_type(&model).as_deref(), Some("termStore.group"));
}
