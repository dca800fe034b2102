//! Request functions: one per documented path, grouped in one file per API page.

use super::context::Context;
use super::docs::{clean, doc_attrs, paragraphs};
use super::names::{self, Scope};
use crate::model::{type_key, Operation, RequestBody, ResponseShape};
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
        // OData sends a primitive result as `{"value": …}`.
        ResponseShape::Single { ty } if ty.is_odata_value() => {
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
pub fn body_struct_name(op: &Operation) -> String {
    format!("{}Body", names::type_name(&op.name))
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
            let name = names::ident(&body_struct_name(op));
            uses.nullable = !parameters.is_empty();
            let mut scope = Scope::with_reserved(&["additional_properties"]);
            let fields = parameters.iter().map(|p| {
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
                let rename = if names::serde_camel_case(&field.to_string()) == *json {
                    TokenStream::new()
                } else {
                    quote! { rename = #json, }
                };
                quote! {
                    #doc
                    #[serde(#rename skip_serializing_if = "Nullable::is_absent")]
                    pub #field: Nullable<#ty>,
                }
            });
            let doc = format!(
                " Parameters of [`{}`], sent as the JSON request body.",
                op.name
            );
            body_item = quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(rename_all = "camelCase", default)]
                pub struct #name {
                    #(#fields)*
                    /// Parameters the docs do not list, sent as given.
                    #[serde(flatten)]
                    pub additional_properties: serde_json::Map<String, serde_json::Value>,
                }
            };
            (
                quote! { body: &#name, },
                quote! { .with_json_body(body) },
                true,
            )
        }
    };
    let doc = operation_doc(op);
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

fn operation_doc(op: &Operation) -> TokenStream {
    let title = clean(&op.title);
    let title = if title.is_empty() {
        op.name.clone()
    } else {
        title
    };
    let mut http_line = format!("`{} {}`", op.method, op.path.raw);
    if !op.query_options.is_empty() {
        let options: Vec<String> = op.query_options.iter().map(|o| format!("`{o}`")).collect();
        http_line.push_str(&format!(
            "\n\nDocumented query options: {}.",
            options.join(", ")
        ));
    }
    let source = format!(
        "Documented in `{}`, line {}.",
        op.source.file, op.source.line
    );
    doc_attrs(&paragraphs(&[
        title,
        clean(&op.description),
        http_line,
        source,
    ]))
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
