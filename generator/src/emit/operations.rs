//! Request functions: one per documented path, grouped in one file per API page.

use super::context::Context;
use super::derives::struct_derives;
use super::docs::{clean, doc_attrs, paragraphs};
use super::json_impls::{object_impls, JsonField};
use super::names::{self, Scope};
use crate::model::{type_key, Operation, RequestBody, ResponseShape, TypeKind};
use crate::parse::path_template::PathPart;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// What a request function's code needs from the models module.
#[derive(Default)]
pub struct Uses {
    pub models: BTreeSet<String>,
    pub page: bool,
    pub nullable: bool,
    /// Body structs already written in this file (one per action).
    pub bodies: BTreeSet<String>,
}

/// The Rust names of an operation's path parameters, in path order. A
/// parameter the page calls `{id}` is named after the segment it keys
/// (`/users/{id}/messages/{id}` → `user_id`, `message_id`); function arguments
/// (`range(address='{address}')`) and specific names (`{item-path}`) keep theirs.
pub fn param_names(op: &Operation) -> Vec<String> {
    let mut scope = Scope::with_reserved(&["body"]);
    let mut before = "";
    let mut params = Vec::new();
    for part in &op.path.parts {
        match part {
            PathPart::Literal { text } => before = text,
            PathPart::Param { name, .. } => {
                let own = names::snake_name(name);
                let argument = before.trim_end_matches('\'').ends_with('=');
                let keyed = before
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .filter(|segment| {
                        before.ends_with('/')
                            && segment.chars().all(|c| c.is_ascii_alphanumeric())
                            && segment.chars().any(|c| c.is_ascii_alphabetic())
                    });
                let wanted = match keyed {
                    Some(segment) if !argument && (own == "id" || own.starts_with("id_")) => {
                        format!("{}_id", crate::model::singular(&names::snake_name(segment)))
                    }
                    _ => own,
                };
                params.push(scope.claim(&wanted, "_").0);
            }
        }
    }
    params
}

/// The Rust type a successful response parses into.
pub fn response_type(cx: &Context<'_>, op: &Operation, uses: &mut Uses) -> TokenStream {
    match &op.response {
        ResponseShape::None => quote! { () },
        ResponseShape::Stream => quote! { Vec<u8> },
        // OData sends a primitive or enum result as `{"value": …}`.
        ResponseShape::Single { ty }
            if ty.is_odata_value_with(|name| {
                cx.type_def(name)
                    .is_some_and(|def| def.kind == TypeKind::Enum)
            }) =>
        {
            note_use(cx, &ty.name, ty.primitive.is_none(), false, uses);
            let value = cx.rust_type(ty);
            let root = &cx.root;
            quote! { #root::runtime::ODataValue<#value> }
        }
        ResponseShape::Single { ty } => {
            note_use(cx, &ty.name, ty.primitive.is_none(), true, uses);
            cx.rust_type(ty)
        }
        ResponseShape::Collection { ty } => {
            note_use(cx, &ty.name, ty.primitive.is_none(), true, uses);
            uses.page = true;
            let element = cx.rust_type(&ty.element());
            quote! { Page<#element> }
        }
    }
}

fn note_use(cx: &Context<'_>, name: &str, named: bool, polymorphic: bool, uses: &mut Uses) {
    if !named {
        return;
    }
    let key = type_key(name);
    let rust = if polymorphic {
        cx.polymorphic.get(&key).or_else(|| cx.type_names.get(&key))
    } else {
        cx.type_names.get(&key)
    };
    if let Some(rust) = rust {
        uses.models.insert(rust.clone());
    }
}

/// Name of the body struct generated for an action's parameters.
pub fn body_struct_name(cx: &Context<'_>, op: &Operation) -> String {
    cx.body_structs
        .get(&op.name)
        .map(|body| body.name.clone())
        .unwrap_or_else(|| format!("{}Body", names::type_name(&op.name)))
}

/// The items for one operation: its parameters struct (for actions) and its function.
pub fn operation_items(cx: &Context<'_>, op: &Operation, uses: &mut Uses) -> TokenStream {
    let function = names::ident(&op.name);
    let params = param_names(op);
    let param_idents: Vec<_> = params.iter().map(|p| names::ident(p)).collect();
    let response = response_type(cx, op, uses);
    let root = &cx.root;
    let parse = match &op.response {
        ResponseShape::None => quote! { #root::runtime::parse_empty },
        ResponseShape::Stream => quote! { #root::runtime::parse_bytes },
        _ => quote! { #root::runtime::parse_json },
    };
    // The model only holds the methods the parser knows (all `http::Method`
    // constants); anything else still becomes a valid identifier, never a panic.
    let method = names::ident(&op.method);
    let status = proc_macro2::Literal::u16_unsuffixed(op.success_status);
    let path = path_expression(op, &param_idents, root);

    let mut body_item = TokenStream::new();
    let (body_param, body_call, returns_result) = match &op.body {
        RequestBody::None => (TokenStream::new(), TokenStream::new(), false),
        RequestBody::Stream => (
            quote! { body: Vec<u8>, },
            quote! { .with_body(body, "application/octet-stream") },
            true,
        ),
        RequestBody::Type { ty } => {
            note_use(cx, &ty.name, ty.primitive.is_none(), false, uses);
            let ty = match ty.primitive {
                Some(_) => cx.rust_type(ty),
                None => {
                    let element = cx.named_type(&ty.name, false);
                    if ty.collection {
                        quote! { Vec<#element> }
                    } else {
                        element
                    }
                }
            };
            (
                quote! { body: &#ty, },
                quote! { .with_json_body(body) },
                true,
            )
        }
        RequestBody::Parameters { parameters } => {
            let struct_name = body_struct_name(cx, op);
            let name = names::ident(&struct_name);
            let first_use = uses.bodies.insert(struct_name);
            uses.nullable |= !parameters.is_empty();
            let mut scope = Scope::with_reserved(&["additional_properties"]);
            let mut json_fields = Vec::new();
            let fields: Vec<TokenStream> = parameters
                .iter()
                .map(|p| {
                    if p.ty.primitive.is_none() {
                        note_use(cx, &p.ty.name, true, true, uses);
                    }
                    let field = names::ident(&scope.claim(&names::snake_name(&p.name), "_").0);
                    let json = &p.name;
                    let ty = cx.field_type(&p.ty);
                    let description = clean(&p.description);
                    let doc = doc_attrs(if description.is_empty() {
                        ""
                    } else {
                        &description
                    });
                    let doc = if description.is_empty() {
                        let text = format!(" The `{}` parameter.", super::docs::doc_safe(json));
                        quote! { #[doc = #text] }
                    } else {
                        doc
                    };
                    json_fields.push(JsonField {
                        field: field.clone(),
                        json_name: json.clone(),
                        cfg: TokenStream::new(),
                        shape: cx.field_shape(&p.ty),
                    });
                    quote! {
                        #doc
                        pub #field: Nullable<#ty>,
                    }
                })
                .collect();
            let takers: Vec<String> = cx
                .body_structs
                .get(&op.name)
                .map(|body| body.operations.clone())
                .unwrap_or_else(|| vec![op.name.clone()])
                .iter()
                .map(|name| format!("[`{name}`]"))
                .collect();
            let doc = format!(
                " Parameters of {}, sent as the JSON request body.",
                takers.join(", ")
            );
            body_item = if !first_use {
                TokenStream::new()
            } else {
                let impls = object_impls(&cx.root, &name, &json_fields);
                let (derive, std_impls) = struct_derives(&cx.root, &name, &json_fields);
                quote! {
                    #[doc = #doc]
                    #derive
                    pub struct #name {
                        #(#fields)*
                        /// Parameters the docs do not list, sent as given.
                        pub additional_properties: serde_json::Map<String, serde_json::Value>,
                    }

                    #std_impls
                    #impls
                }
            };
            (
                quote! { body: &#name, },
                quote! { .with_json_body(body) },
                true,
            )
        }
    };
    let doc = operation_doc(cx, op);
    let options = &op.query_options;
    let documented_options = if options.is_empty() {
        TokenStream::new()
    } else {
        quote! { .with_documented_query_options(&[#(#options),*]) }
    };
    let request = quote! {
        Request::new(http::Method::#method, #path, #status, #parse) #documented_options
    };
    let function_item = if returns_result {
        quote! {
            #doc
            pub fn #function(#(#param_idents: &str,)* #body_param) -> Result<Request<#response>, #root::runtime::Error> {
                #request #body_call
            }
        }
    } else {
        quote! {
            #doc
            pub fn #function(#(#param_idents: &str),*) -> Request<#response> {
                #request
            }
        }
    };
    quote! { #body_item #function_item }
}

/// `format!("/users/{}/messages", encode_path_segment(id))`, or a string literal
/// when the path has no parameters.
fn path_expression(
    op: &Operation,
    params: &[proc_macro2::Ident],
    root: &super::context::RootPath,
) -> TokenStream {
    let mut template = String::new();
    let mut arguments = Vec::new();
    let mut next = params.iter();
    for part in &op.path.parts {
        match part {
            PathPart::Literal { text } => {
                template.push_str(&text.replace('{', "{{").replace('}', "}}"))
            }
            PathPart::Param { keeps_slashes, .. } => {
                template.push_str("{}");
                if let Some(ident) = next.next() {
                    arguments.push(if *keeps_slashes {
                        quote! { #root::runtime::encode_path(#ident) }
                    } else {
                        quote! { #root::runtime::encode_path_segment(#ident) }
                    });
                }
            }
        }
    }
    if arguments.is_empty() {
        let literal = template.replace("{{", "{").replace("}}", "}");
        quote! { #literal }
    } else {
        quote! { format!(#template, #(#arguments),*) }
    }
}

fn operation_doc(cx: &Context<'_>, op: &Operation) -> TokenStream {
    let title = clean(&op.title);
    let title = if title.is_empty() {
        op.name.clone()
    } else {
        title
    };
    let mut parts = vec![
        title,
        clean(&op.description),
        format!("`{} {}`", op.method, op.path.raw),
    ];
    if !op.permissions.is_empty() {
        let rows: Vec<String> = op
            .permissions
            .iter()
            .map(|p| format!("- {}: {}", one_line(&p.kind), one_line(&p.scopes)))
            .collect();
        parts.push(format!(
            "# Permissions\n\nFrom the page, least to most privileged:\n\n{}",
            rows.join("\n")
        ));
    }
    // The runtime sets these two on every request; the others are the caller's.
    let headers: Vec<_> = op
        .headers
        .iter()
        .filter(|h| {
            !["authorization", "content-type"]
                .contains(&h.name.trim().to_ascii_lowercase().as_str())
        })
        .collect();
    if !headers.is_empty() {
        let rows: Vec<String> = headers
            .iter()
            .map(|h| {
                let description = one_line(&clean(&h.description));
                if description.is_empty() {
                    format!("- `{}`", one_line(&h.name))
                } else {
                    format!("- `{}`: {description}", one_line(&h.name))
                }
            })
            .collect();
        parts.push(format!("# Headers\n\n{}", rows.join("\n")));
    }
    if !op.query_options.is_empty() {
        let options: Vec<String> = op.query_options.iter().map(|o| format!("`{o}`")).collect();
        parts.push(format!(
            "# Query options\n\nDocumented for this call: {}.",
            options.join(", ")
        ));
    }
    if let Some(example) = example_call(cx, op) {
        parts.push(example);
    }
    parts.push(source_line(cx, &op.source.file));
    let doc = doc_attrs(&paragraphs(&parts));
    let aliases = path_aliases(op);
    if aliases.is_empty() {
        doc
    } else {
        quote! { #doc #[doc(alias(#(#aliases),*))] }
    }
}

/// "# Example": the call as the page's first example makes it, with the
/// example's path values. The crate's `tests/examples.rs` compiles and runs
/// the same call against the documented response, so it is shown inline
/// rather than as a doctest (one more compiled unit per operation).
fn example_call(cx: &Context<'_>, op: &Operation) -> Option<String> {
    let params = param_names(op);
    let (example, request) = op.examples.iter().find_map(|example| {
        let request = example.request.as_ref()?;
        (request.path_values.len() == params.len()).then_some((example, request))
    })?;
    let path = cx
        .call_paths
        .get(&op.name)
        .map(|path| path.joined())
        .unwrap_or_else(|| op.name.clone());
    let mut arguments: Vec<String> = request
        .path_values
        .iter()
        .map(|value| format!("{value:?}"))
        .collect();
    if !matches!(op.body, RequestBody::None) {
        arguments.push(if matches!(op.body, RequestBody::Stream) {
            "bytes".to_string()
        } else {
            "&body".to_string()
        });
    }
    let call = format!("operations::{path}({})", arguments.join(", "));
    // Inside one code span: a backtick or a line break would end it.
    if call.contains('`') || call.chars().any(char::is_control) {
        return None;
    }
    let name = one_line(&clean(&example.name));
    Some(format!(
        "# Example\n\nThe page's example {}is this call, run against its documented response by the crate's `tests/examples.rs`:\n\n`{call}`",
        if name.is_empty() { String::new() } else { format!("*{name}* ") }
    ))
}

/// `#[doc(alias)]` values that find the call by its HTTP line in rustdoc's
/// search: `GET /users/{id}` and the bare path. rustdoc refuses quotes,
/// control characters and surrounding spaces in an alias, so those are left out.
fn path_aliases(op: &Operation) -> Vec<String> {
    let path: String = op
        .path
        .raw
        .chars()
        .filter(|c| {
            !matches!(c, '"' | '\'')
                && !c.is_control()
                && !super::docs::is_text_direction_codepoint(*c)
        })
        .collect();
    let path = path.trim().to_string();
    if path.is_empty() {
        return Vec::new();
    }
    vec![format!("{} {path}", op.method), path]
}

/// Page text meant for one line of a list.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "Source: the page", linked to its public copy where the tree is the Graph docs.
fn source_line(cx: &Context<'_>, file: &str) -> String {
    format!("Source: {}.", page_link(cx, file))
}

/// A page's file name in code font, linked to its public copy where there is one.
pub fn page_link(cx: &Context<'_>, file: &str) -> String {
    let shown = super::docs::doc_safe(file).replace('`', "");
    match public_page_url(&cx.model.service_root, file) {
        Some(url) => format!("[`{shown}`]({url})"),
        None => format!("`{shown}`"),
    }
}

/// The page's address on learn.microsoft.com, derived from its file name the way
/// the Graph docs publish `api/` and `resources/` pages; `None` for other trees.
fn public_page_url(service_root: &str, file: &str) -> Option<String> {
    let view = match service_root.strip_prefix("https://graph.microsoft.com/")? {
        "v1.0" => "graph-rest-1.0",
        "beta" => "graph-rest-beta",
        _ => return None,
    };
    let stem = file.strip_suffix(".md")?;
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    let page = match stem.split('/').collect::<Vec<_>>().as_slice() {
        ["api", name] if plain(name) => name.to_string(),
        ["resources", name] if plain(name) => format!("resources/{name}"),
        _ => return None,
    };
    Some(format!(
        "https://learn.microsoft.com/graph/api/{}?view={view}",
        page.to_ascii_lowercase()
    ))
}

/// The `use` lines of an operations file.
pub fn operation_imports(cx: &Context<'_>, uses: &Uses) -> TokenStream {
    let root = &cx.root;
    let models: Vec<_> = uses.models.iter().map(|m| names::ident(m)).collect();
    let models = if models.is_empty() {
        TokenStream::new()
    } else {
        quote! { use #root::models::{#(#models),*}; }
    };
    let mut runtime = Vec::new();
    if uses.nullable {
        runtime.push(names::ident("Nullable"));
    }
    if uses.page {
        runtime.push(names::ident("Page"));
    }
    runtime.push(names::ident("Request"));
    quote! { #models use #root::runtime::{#(#runtime),*}; }
}
