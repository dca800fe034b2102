//! Property test (issue 7): whatever the model holds — names that are keywords,
//! start with digits, hold punctuation, non-ASCII letters or control characters,
//! collide after case conversion; descriptions that try to end comments or raw
//! strings; base-type cycles; references to types that do not exist; hostile
//! JSON in examples — the emitter succeeds, every emitted Rust file parses with
//! `syn`, and every emitted path stays inside the crate.
//!
//! The models are built directly, not from pages, so they reach shapes the
//! page parser would never produce.

use docgen::diagnostics::Location;
use docgen::model::{
    ApiModel, EnumMember, Example, ExampleOutcome, ExampleRequest, ExampleResponse, HeaderParam,
    Operation, Primitive, Property, RequestBody, ResponseShape, TypeDef, TypeKind, TypeOrigin,
    TypeRef,
};
use docgen::parse::path_template::PathTemplate;
use proptest::prelude::*;
use serde_json::Value;

/// Names the emitter must treat with care.
const SPECIAL_NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "_",
    "r#type",
    "fn",
    "async",
    "await",
    "gen",
    "try",
    "match",
    "mod",
    "String",
    "Option",
    "Vec",
    "Box",
    "Value",
    "Map",
    "Page",
    "Request",
    "Error",
    "Nullable",
    "serde",
    "std",
    "core",
    "runtime",
    "models",
    "operations",
    "additionalProperties",
    "additional_properties",
    "body",
    "request",
    "id",
    "@odata.type",
    "$count",
    "unknownFutureValue",
    "Any",
    "AnyThing",
    "lib",
    "..",
    "../../evil",
    "/etc/passwd",
    "C:evil",
    "",
    " ",
    "1",
    "3dModel",
    "naïve",
    "größe",
    "日本語",
    "display_name",
    "displayName",
    "DisplayName",
];

/// Text that tries to break out of doc comments, strings, attributes or HTML.
const FRAGMENTS: &[&str] = &[
    "*/",
    "/*",
    "\"#",
    "\"##",
    "r#\"",
    "`",
    "```",
    "```rust\nfn main() { panic!() }\n```",
    "<script>alert(1)</script>",
    "<!--",
    "-->",
    "\\",
    "\\\\",
    "{}",
    "{{",
    "#[doc]",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\r",
    "\n",
    "\r\n",
    "\u{2028}",
    "\u{202e}",
    "\u{feff}",
    "//! inner",
    "/// outer",
    "https://example.com/x?a=1&b=2",
    "[link](javascript:alert(1))",
    "[x]",
    "# Heading",
    "    indented code",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z][a-zA-Z0-9]{0,10}",
        3 => prop::sample::select(SPECIAL_NAMES).prop_map(String::from),
        1 => "[0-9][a-zA-Z0-9_]{0,6}",
        1 => "[a-zA-Z0-9_.@$#/\\\\ -]{0,10}",
        1 => "\\PC{0,8}",
        1 => ".{0,8}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            2 => prop::sample::select(FRAGMENTS).prop_map(String::from),
            1 => "(?s).{0,12}",
            1 => "[a-zA-Z ]{0,20}",
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn primitive() -> impl Strategy<Value = Primitive> {
    prop::sample::select(vec![
        Primitive::String,
        Primitive::Boolean,
        Primitive::Byte,
        Primitive::SByte,
        Primitive::Int16,
        Primitive::Int32,
        Primitive::Int64,
        Primitive::Single,
        Primitive::Double,
        Primitive::Decimal,
        Primitive::DateTimeOffset,
        Primitive::Date,
        Primitive::TimeOfDay,
        Primitive::Duration,
        Primitive::Guid,
        Primitive::Binary,
        Primitive::Stream,
        Primitive::Json,
    ])
}

/// A type reference before the model's type names are known.
#[derive(Debug, Clone)]
enum RefChoice {
    Primitive(Primitive),
    /// The n-th type of the model (modulo their number).
    Type(usize),
    /// A name no type has, most likely.
    Unknown(String),
}

fn ref_choice() -> impl Strategy<Value = (RefChoice, bool)> {
    (
        prop_oneof![
            2 => primitive().prop_map(RefChoice::Primitive),
            2 => any::<usize>().prop_map(RefChoice::Type),
            1 => name().prop_map(RefChoice::Unknown),
        ],
        any::<bool>(),
    )
}

fn resolve(choice: &(RefChoice, bool), names: &[String]) -> TypeRef {
    let (choice, collection) = choice;
    match choice {
        RefChoice::Primitive(p) => TypeRef::primitive(*p, *collection),
        RefChoice::Type(_) if names.is_empty() => TypeRef::named("missing", *collection),
        RefChoice::Type(n) => TypeRef::named(&names[n % names.len()], *collection),
        RefChoice::Unknown(name) => TypeRef::named(name, *collection),
    }
}

#[derive(Debug, Clone)]
struct PropertySeed {
    name: String,
    ty: (RefChoice, bool),
    description: String,
    is_relationship: bool,
}

fn property_seed() -> impl Strategy<Value = PropertySeed> {
    (name(), ref_choice(), text(), any::<bool>()).prop_map(
        |(name, ty, description, is_relationship)| PropertySeed {
            name,
            ty,
            description,
            is_relationship,
        },
    )
}

fn property(seed: &PropertySeed, names: &[String]) -> Property {
    Property {
        name: seed.name.clone(),
        ty: resolve(&seed.ty, names),
        description: seed.description.clone(),
        is_relationship: seed.is_relationship,
        source: Location::new("resources/page.md", 3),
    }
}

#[derive(Debug, Clone)]
struct TypeSeed {
    name: String,
    is_enum: bool,
    base: Option<(RefChoice, bool)>,
    is_abstract: bool,
    is_open: bool,
    key_property: Option<String>,
    description: String,
    properties: Vec<PropertySeed>,
    members: Vec<(String, Option<i64>, String)>,
}

fn type_seed() -> impl Strategy<Value = TypeSeed> {
    (
        (
            name(),
            any::<bool>(),
            prop::option::of(ref_choice()),
            any::<bool>(),
            any::<bool>(),
            prop::option::of(name()),
        ),
        text(),
        prop::collection::vec(property_seed(), 0..6),
        prop::collection::vec((name(), any::<Option<i64>>(), text()), 0..6),
    )
        .prop_map(
            |(
                (name, is_enum, base, is_abstract, is_open, key_property),
                description,
                properties,
                members,
            )| TypeSeed {
                name,
                is_enum,
                base,
                is_abstract,
                is_open,
                key_property,
                description,
                properties,
                members,
            },
        )
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((name(), inner), 0..4)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
struct OperationSeed {
    name: String,
    title: String,
    description: String,
    method: String,
    path: String,
    path_index: usize,
    query_options: Vec<String>,
    headers: Vec<(String, String)>,
    body: (u8, (RefChoice, bool), Vec<PropertySeed>),
    success_status: u16,
    response: (u8, (RefChoice, bool)),
    examples: Vec<ExampleSeed>,
}

/// An example: name, URL path, request body, response body, truncated.
type ExampleSeed = (String, String, Option<Value>, Option<Value>, bool);

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(
            prop_oneof![
                name(),
                name().prop_map(|n| format!("{{{n}}}")),
                (name(), name()).prop_map(|(a, b)| format!("{a}(id='{{{b}}}')")),
            ],
            0..5,
        )
        .prop_map(|segments| format!("/{}", segments.join("/"))),
        1 => ".{0,30}",
    ]
}

fn operation_seed() -> impl Strategy<Value = OperationSeed> {
    (
        (
            name(),
            text(),
            text(),
            prop_oneof![
                prop::sample::select(vec!["GET", "POST", "PATCH", "PUT", "DELETE"])
                    .prop_map(String::from),
                name(),
            ],
            path(),
            0usize..3,
        ),
        (
            prop::collection::vec(name(), 0..3),
            prop::collection::vec((name(), text()), 0..3),
            (
                0u8..4,
                ref_choice(),
                prop::collection::vec(property_seed(), 0..5),
            ),
            prop_oneof![
                prop::sample::select(vec![200u16, 201, 202, 204]),
                any::<u16>()
            ],
            (0u8..4, ref_choice()),
            prop::collection::vec(
                (
                    text(),
                    path(),
                    prop::option::of(json_value()),
                    prop::option::of(json_value()),
                    any::<bool>(),
                ),
                0..3,
            ),
        ),
    )
        .prop_map(
            |(
                (name, title, description, method, path, path_index),
                (query_options, headers, body, success_status, response, examples),
            )| OperationSeed {
                name,
                title,
                description,
                method,
                path,
                path_index,
                query_options,
                headers,
                body,
                success_status,
                response,
                examples,
            },
        )
}

fn operation(seed: &OperationSeed, names: &[String]) -> Operation {
    let path = PathTemplate::parse(&seed.path);
    let path_params: Vec<String> = path
        .params()
        .filter_map(|part| match part {
            docgen::parse::path_template::PathPart::Param { name, .. } => Some(name.clone()),
            _ => None,
        })
        .collect();
    let body = match seed.body.0 {
        0 => RequestBody::None,
        1 => RequestBody::Type {
            ty: resolve(&seed.body.1, names),
        },
        2 => RequestBody::Parameters {
            parameters: seed.body.2.iter().map(|p| property(p, names)).collect(),
        },
        _ => RequestBody::Stream,
    };
    let response = match seed.response.0 {
        0 => ResponseShape::None,
        1 => ResponseShape::Single {
            ty: resolve(&seed.response.1, names),
        },
        2 => ResponseShape::Collection {
            ty: resolve(&seed.response.1, names),
        },
        _ => ResponseShape::Stream,
    };
    let examples = seed
        .examples
        .iter()
        .map(
            |(name, url, request_body, response_body, truncated)| Example {
                name: name.clone(),
                request: Some(ExampleRequest {
                    method: seed.method.clone(),
                    url: format!("https://graph.microsoft.com/v1.0{url}"),
                    path: url.clone(),
                    query: None,
                    path_values: path_params.iter().map(|p| format!("{p}-value")).collect(),
                    path_matches: true,
                    path_documented: true,
                    body_invalid: false,
                    root: "https://graph.microsoft.com/v1.0".into(),
                    body: request_body.clone(),
                    location: Location::new("api/page.md", 20),
                }),
                response: Some(ExampleResponse {
                    status: Some(seed.success_status),
                    body: response_body.clone(),
                    truncated: *truncated,
                    body_invalid: false,
                    odata_type: names.first().map(|n| format!("microsoft.graph.{n}")),
                    is_collection: seed.response.0 == 2,
                    location: Location::new("api/page.md", 30),
                }),
                outcome: ExampleOutcome::Pass,
            },
        )
        .collect();
    Operation {
        name: seed.name.clone(),
        title: seed.title.clone(),
        description: seed.description.clone(),
        method: seed.method.clone(),
        path,
        path_index: seed.path_index,
        path_params,
        query_options: seed.query_options.clone(),
        headers: seed
            .headers
            .iter()
            .map(|(name, description)| HeaderParam {
                name: name.clone(),
                description: description.clone(),
            })
            .collect(),
        permissions: Vec::new(),
        body,
        success_status: seed.success_status,
        response,
        examples,
        source: Location::new(format!("api/{}.md", seed.name), 1),
        // Two areas, so that some items carry `#[cfg(feature = …)]` gates.
        areas: vec![if seed.path_index.is_multiple_of(2) {
            "mail"
        } else {
            "calendar"
        }
        .into()],
    }
}

fn model() -> impl Strategy<Value = ApiModel> {
    (
        prop::collection::vec(type_seed(), 0..8),
        prop::collection::vec(operation_seed(), 0..4),
        text(),
    )
        .prop_map(|(type_seeds, operation_seeds, service_root)| {
            let names: Vec<String> = type_seeds.iter().map(|t| t.name.clone()).collect();
            let mut types: Vec<TypeDef> = type_seeds
                .iter()
                .map(|seed| TypeDef {
                    name: seed.name.clone(),
                    namespace: "microsoft.graph".into(),
                    kind: if seed.is_enum {
                        TypeKind::Enum
                    } else {
                        TypeKind::Object
                    },
                    origin: if seed.is_enum {
                        TypeOrigin::EnumPage
                    } else {
                        TypeOrigin::ResourcePage
                    },
                    base_type: seed
                        .base
                        .as_ref()
                        .filter(|_| !seed.is_enum)
                        .map(|b| resolve(b, &names).name),
                    is_abstract: seed.is_abstract,
                    is_open: seed.is_open,
                    key_property: seed.key_property.clone(),
                    description: seed.description.clone(),
                    properties: if seed.is_enum {
                        Vec::new()
                    } else {
                        seed.properties
                            .iter()
                            .map(|p| property(p, &names))
                            .collect()
                    },
                    members: if seed.is_enum {
                        seed.members
                            .iter()
                            .map(|(name, value, description)| EnumMember {
                                name: name.clone(),
                                value: *value,
                                description: description.clone(),
                            })
                            .collect()
                    } else {
                        Vec::new()
                    },
                    sources: vec![Location::new(format!("resources/{}.md", seed.name), 1)],
                })
                .collect();
            // As the model builder leaves them: sorted and unique by key.
            types.sort_by_key(|t| docgen::model::type_key(&t.name));
            types.dedup_by_key(|t| docgen::model::type_key(&t.name));
            ApiModel {
                service_root,
                types,
                operations: operation_seeds
                    .iter()
                    .map(|seed| operation(seed, &names))
                    .collect(),
                pages: Vec::new(),
                diagnostics: Vec::new(),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn emitted_code_always_parses(model in model()) {
        let generated = match docgen::emit::emit_crate(&model) {
            Ok(generated) => generated,
            Err(err) => return Err(TestCaseError::fail(format!("the emitter failed: {err}"))),
        };
        for (path, content) in &generated.files {
            prop_assert!(
                path.split('/').all(|part| !part.is_empty()
                    && part != ".."
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))),
                "untamed path `{}`",
                path
            );
            if path.ends_with(".rs") {
                if let Err(err) = syn::parse_file(content) {
                    return Err(TestCaseError::fail(format!(
                        "{path} does not parse: {err}\n{content}"
                    )));
                }
            }
        }
    }
}
