//! The API model: everything docgen knows about an API, merged across pages.
//!
//! Built once from parsed pages by `build`; every command (generate, check,
//! dump, lint, diff) reads this model and nothing else.

mod areas;
mod build;
mod conformance;
mod examples;
mod infer;
mod linked_names;
mod links;
mod namespaces;
mod naming;
mod operations;
mod page_kind;
mod path_shapes;
mod sections;
mod type_ref;
mod types;

pub(crate) use areas::FALLBACK_AREA;
pub use build::build_model;
pub(crate) use build::build_model_of;
pub(crate) use examples::{example_role, ExampleRole};
pub(crate) use links::{link_target, LinkTarget};
pub(crate) use naming::{addressed_resource, pieces, singular, verb};
pub use page_kind::PageKind;
pub use type_ref::{Primitive, TypeRef};

use crate::diagnostics::{Code, Diagnostic, Location};
use crate::parse::path_template::PathTemplate;
use serde::Serialize;
use serde_json::Value;

/// The merged API of one docs tree.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ApiModel {
    /// The service root examples are sent to, for example `https://graph.microsoft.com/beta`.
    pub service_root: String,
    /// Types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operations, sorted by name.
    pub operations: Vec<Operation>,
    /// What each page was and what it yielded, sorted by file.
    pub pages: Vec<PageSummary>,
    /// All diagnostics, sorted by location.
    pub diagnostics: Vec<Diagnostic>,
}

impl ApiModel {
    /// The type called `name`, found by [`type_key`] (case-insensitive).
    pub fn type_named(&self, name: &str) -> Option<&TypeDef> {
        let key = type_key(name);
        self.types
            .binary_search_by(|t| type_key(&t.name).cmp(&key))
            .ok()
            .and_then(|i| self.types.get(i))
    }
}

/// Type key → keys of every type derived from it, directly or not (sorted), for
/// the types that have any. Both the example checks and the emitter's `Any…`
/// enums read polymorphism from here, so the two agree.
pub(crate) fn descendants<'a>(
    types: impl IntoIterator<Item = &'a TypeDef>,
) -> std::collections::BTreeMap<String, Vec<String>> {
    use std::collections::{BTreeMap, BTreeSet};
    let bases: BTreeMap<String, Option<String>> = types
        .into_iter()
        .map(|t| (type_key(&t.name), t.base_type.as_deref().map(type_key)))
        .collect();
    let mut result: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (key, base) in &bases {
        let mut seen = BTreeSet::from([key.clone()]);
        let mut current = base.clone();
        while let Some(ancestor) = current {
            if !bases.contains_key(&ancestor) || !seen.insert(ancestor.clone()) {
                break;
            }
            result
                .entry(ancestor.clone())
                .or_default()
                .insert(key.clone());
            current = bases.get(&ancestor).cloned().flatten();
        }
    }
    result
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect()
}

/// The `name=value` pairs of an example's query string, as written (a stray `&`
/// adds nothing).
pub fn query_pairs(query: Option<&str>) -> impl Iterator<Item = &str> {
    query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|pair| !pair.is_empty())
}

/// The key types are identified by: the `doc_type_name`, lowercased, because
/// pages disagree on case (`deviceManagementScript` vs `devicemanagementscript`).
/// One simple name in two namespaces is two keys (`group`, `termstore.group`).
pub fn type_key(name: &str) -> String {
    doc_type_name(name).to_ascii_lowercase()
}

/// The name a type goes by in the model: its namespace-qualified name without
/// the service's own namespace, so that types of sub-namespaces keep theirs
/// (`#microsoft.graph.user` → `user`, `microsoft.graph.termStore.group` →
/// `termStore.group`). Applying it twice changes nothing.
pub(crate) fn doc_type_name(name: &str) -> &str {
    let name = name.trim().trim_start_matches('#');
    ["microsoft.graph.", "graph."]
        .iter()
        .find_map(|prefix| {
            name.get(..prefix.len())
                .filter(|head| head.eq_ignore_ascii_case(prefix))
                .map(|_| &name[prefix.len()..])
        })
        .unwrap_or(name)
}

/// The model name of a type called `simple` in `namespace`: qualified by the
/// sub-namespace when it is not the service's own (`termStore.group`).
pub(crate) fn name_in_namespace(namespace: &str, simple: &str) -> String {
    let qualified = format!("{}.{simple}", namespace.trim());
    doc_type_name(&qualified).to_string()
}

/// Whether a type is a JSON object or an enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeKind {
    /// An entity or complex type: a JSON object.
    Object,
    /// An enumeration: a string from a fixed set of members.
    Enum,
}

/// Where a type's definition came from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeOrigin {
    /// A resource page documents it.
    ResourcePage,
    /// An enumeration page documents it.
    EnumPage,
    /// A table of values on another page documents it.
    EnumTable,
    /// The request-body table of an API page documents it.
    RequestBodyTable,
    /// No page defines it; its properties were seen in examples.
    InferredFromExamples,
}

/// A type of the API (`model.types[]` in `docgen dump`); one entry per type, merged across pages.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// Name as the docs spell it (`deviceManagementScript`).
    pub name: String,
    /// Its namespace (`microsoft.graph`).
    pub namespace: String,
    /// Object or enum.
    pub kind: TypeKind,
    /// Where the definition came from, strongest first.
    pub origin: TypeOrigin,
    /// The base type's name without namespace (the annotation's `baseType`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_type: Option<String>,
    /// The annotation marks the type `abstract`: only derived types are sent.
    pub is_abstract: bool,
    /// The type is open: values may carry properties it does not document.
    pub is_open: bool,
    /// The annotation's `keyProperty`, usually `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_property: Option<String>,
    /// The page's description of the type (Markdown links kept); may be empty.
    pub description: String,
    /// Own properties (not inherited), in documented order.
    pub properties: Vec<Property>,
    /// The values of an enum, in documented order; empty for objects.
    pub members: Vec<EnumMember>,
    /// Every place that defines or extends the type; the first is the main one.
    pub sources: Vec<Location>,
}

impl TypeDef {
    /// `microsoft.graph.callRecords.session` for the model's `callRecords.session`.
    pub(crate) fn qualified_name(&self) -> String {
        let simple = self.name.rsplit('.').next().unwrap_or(&self.name);
        format!("{}.{simple}", self.namespace)
    }
}

/// A property of a type, or an action parameter: one table row.
#[derive(Debug, Clone, Serialize)]
pub struct Property {
    /// JSON name.
    pub name: String,
    /// The property's type.
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// The table's description cell; may be empty.
    pub description: String,
    /// From a Relationships table (navigation property).
    pub is_relationship: bool,
    /// The table row.
    pub source: Location,
}

/// One value of an enum.
#[derive(Debug, Clone, Serialize)]
pub struct EnumMember {
    /// The value as sent in JSON (`system`).
    pub name: String,
    /// The numeric value, when the page gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    /// The page's description; may be empty.
    pub description: String,
}

/// One endpoint of the API (`model.operations[]` in `docgen dump`): a method and a path.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Stable, unique snake_case name derived from the method and path.
    pub name: String,
    /// The page's title (`Get deviceManagementScript`).
    pub title: String,
    /// The page's description; may be empty.
    pub description: String,
    /// The HTTP method, upper case (`GET`).
    pub method: String,
    /// The documented path line.
    pub path: PathTemplate,
    /// The other path lines of the same section that reach the same operation
    /// through another route; each has its own request function.
    pub path_index: usize,
    /// The names of the path's parameters, in order.
    pub path_params: Vec<String>,
    /// The OData query options the page documents, lower case and sorted.
    pub query_options: Vec<String>,
    /// The rows of the Request headers table.
    pub headers: Vec<HeaderParam>,
    /// The page's permissions table, one entry per row, in the page's order.
    pub permissions: Vec<Permission>,
    /// What the request sends.
    pub body: RequestBody,
    /// The success status the Response section states; `200` when it states none.
    pub success_status: u16,
    /// What a successful response holds.
    pub response: ResponseShape,
    /// The page's examples that belong to this operation, in page order.
    pub examples: Vec<Example>,
    /// The path line on the page.
    pub source: Location,
    /// The API areas (cargo features) of every page that documents the
    /// operation, sorted: enabling any of them compiles it.
    pub areas: Vec<String>,
}

/// One row of a page's permissions table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Permission {
    /// `Delegated (work or school account)`, `Application`, ...
    pub kind: String,
    /// The scopes, least privileged first (a table ordered the other way is
    /// reversed), or what the page says instead (`Not supported.`).
    pub scopes: String,
}

/// One row of a page's Request headers table.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderParam {
    /// The header's name.
    pub name: String,
    /// The table's value or description cell.
    pub description: String,
}

/// What a request sends (`body` in `docgen dump`, by `kind`).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RequestBody {
    /// The request has no body.
    None,
    /// A JSON representation of a type.
    Type {
        /// The type sent.
        ty: TypeRef,
    },
    /// Action parameters, sent as one JSON object.
    Parameters {
        /// The parameters, in documented order.
        parameters: Vec<Property>,
    },
    /// Raw bytes (for example file content).
    Stream,
}

/// What a successful response holds (`response` in `docgen dump`, by `kind`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResponseShape {
    /// No body (for example `204 No Content`).
    None,
    /// One value of the type.
    Single {
        /// The type of the value.
        ty: TypeRef,
    },
    /// One page of a collection (`value` plus `@odata.nextLink`).
    Collection {
        /// The element type.
        ty: TypeRef,
    },
    /// Raw bytes (`/$value`, `GET .../content`, or a response the page calls a stream).
    Stream,
}

/// A documented request/response pair.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// The annotation's `name`, otherwise `<page file stem>_<n>`.
    pub name: String,
    /// The request; absent for a response with no request before it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<ExampleRequest>,
    /// The response; absent for a request with no response after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<ExampleResponse>,
    /// What docgen concluded about the example before running it.
    pub outcome: ExampleOutcome,
}

/// An example's outcome as a test of the generated SDK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ExampleOutcome {
    /// The example is consistent with the docs; the generated test must pass,
    /// and a failure there is a generator failure.
    #[default]
    Pass,
    /// The page contradicts itself; the diagnostic code says how.
    DocsProblem {
        /// The diagnostic that says how.
        code: Code,
        /// Whether the problem keeps the example from being a test of the SDK
        /// (for example a value of the wrong type); such examples get no test.
        blocks_test: bool,
    },
    /// The example documents JSON that the operation has no place for: a
    /// response body where the model has no response, or a request body where
    /// it takes none. Its JSON would never be compared, so docgen failed to read
    /// the page; `cause` says which part.
    GeneratorFailure {
        /// One of [`failure_causes`].
        cause: &'static str,
    },
}

/// Causes of [`ExampleOutcome::GeneratorFailure`].
pub mod failure_causes {
    /// The example responds with JSON; the operation's response is none.
    pub const RESPONSE_BODY_DROPPED: &str = "response-body-dropped";
    /// The example sends JSON; the operation takes no body.
    pub const REQUEST_BODY_DROPPED: &str = "request-body-dropped";
}

impl ExampleOutcome {
    /// Whether the generated crate gets a test for the example: not when a docs problem blocks it or docgen failed.
    pub fn is_testable(&self) -> bool {
        !matches!(
            self,
            ExampleOutcome::DocsProblem {
                blocks_test: true,
                ..
            } | ExampleOutcome::GeneratorFailure { .. }
        )
    }
}

/// The request half of an example.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleRequest {
    /// The method of the request line.
    pub method: String,
    /// The URL as written.
    pub url: String,
    /// The path as sent, without service root and query.
    pub path: String,
    /// The query string, without `?`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Values of the operation's path parameters taken from the example, in order.
    /// Empty when the example matches no documented path.
    pub path_values: Vec<String>,
    /// Whether the example's path matches the operation's documented path exactly.
    pub path_matches: bool,
    /// Whether the example reaches a documented path: exactly, or through `/me`
    /// standing for `/users/{id}`. When false, the example contradicts the page.
    pub path_documented: bool,
    /// The body looks like JSON but does not parse, even leniently.
    pub body_invalid: bool,
    /// What came before the documented path in the example (`/beta`, or an odd root).
    pub root: String,
    /// The body, parsed leniently; absent when there is none or it is not JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The request line.
    pub location: Location,
}

/// The response half of an example.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleResponse {
    /// The status of the `HTTP/1.1 200 OK` line, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The body, parsed leniently; absent when there is none or it is not JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The annotation says the body is shortened (`"truncated": true`).
    pub truncated: bool,
    /// The body looks like JSON but does not parse, even leniently.
    pub body_invalid: bool,
    /// The `@odata.type` the response annotation gives, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub odata_type: Option<String>,
    /// The annotation's `isCollection`.
    pub is_collection: bool,
    /// The first line of the response block.
    pub location: Location,
}

/// What a page was and what it yielded (`model.pages[]` in `docgen dump`).
#[derive(Debug, Clone, Serialize)]
pub struct PageSummary {
    /// The page's path relative to the docs folder.
    pub file: String,
    /// What the page documents (from the front matter, otherwise its headings).
    pub kind: PageKind,
    /// The API area the page belongs to: its `ms.prod`, in kebab-case.
    pub area: String,
    /// Operations the page yields.
    pub operations: usize,
    /// Types the page defines.
    pub types: usize,
    /// Why the page yielded nothing, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty_reason: Option<String>,
    /// API pages: whether the page has an `HTTP request` heading.
    pub has_http_section: bool,
    /// Resource pages: the named rows of its property and relationship tables.
    pub property_rows: usize,
    /// Resource pages: how many of those rows the page's type carries in the model.
    pub properties_carried: usize,
}

/// How much of a docs tree the model covers; the corpus test holds these to a bar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// API pages with an `HTTP request` heading.
    pub api_pages_with_http_section: usize,
    /// Of those, the pages that yield at least one operation.
    pub api_pages_with_operations: usize,
    /// Resource pages with at least one named property or relationship row.
    pub resource_pages_with_properties: usize,
    /// Of those, the pages whose type carries every row of the tables.
    pub resource_pages_complete: usize,
    /// Pages that yield nothing without a diagnostic saying why (must be 0).
    pub empty_pages_without_reason: usize,
}

impl ApiModel {
    /// How much of the docs tree the model covers.
    pub fn coverage(&self) -> Coverage {
        let mut coverage = Coverage::default();
        for page in &self.pages {
            if page.kind == PageKind::Api && page.has_http_section {
                coverage.api_pages_with_http_section += 1;
                coverage.api_pages_with_operations += usize::from(page.operations > 0);
            }
            if page.kind == PageKind::Resource && page.property_rows > 0 {
                coverage.resource_pages_with_properties += 1;
                coverage.resource_pages_complete +=
                    usize::from(page.properties_carried == page.property_rows);
            }
            let empty = page.operations == 0 && page.types == 0;
            let explained = self.diagnostics.iter().any(|d| {
                d.code == crate::diagnostics::Code::PageYieldsNothing
                    && d.location.file == page.file
            });
            coverage.empty_pages_without_reason += usize::from(empty && !explained);
        }
        coverage
    }
}
