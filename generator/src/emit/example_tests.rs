//! The generated crate's example tests: every documented example, sent through
//! the generated request code and parsed back through the generated models.

use super::context::Context;
use super::names::{self, Scope};
use super::operations::param_names;
use crate::model::{Example, Operation, RequestBody, ResponseShape};
use crate::parse::path_template::PathPart;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The whole `tests/examples.rs` file body.
pub fn examples_file(cx: &Context<'_>, crate_ident: &proc_macro2::Ident) -> TokenStream {
    let mut scope = Scope::default();
    let mut tests = Vec::new();
    for op in &cx.model.operations {
        for (index, example) in op.examples.iter().enumerate() {
            let wanted = names::snake_name(&example.name);
            let wanted = if wanted == "value" {
                format!("{}_{}", op.name, index + 1)
            } else {
                wanted
            };
            let (name, _) = scope.claim(&wanted, "_");
            if let Some(test) = example_test(cx, op, example, &name, crate_ident) {
                tests.push(test);
            }
        }
    }
    quote! {
        use #crate_ident::runtime::Request;

        /// Asserts two JSON texts hold the same value; numbers compare by value, so `1` equals `1.0`.
        fn assert_same_json(actual: &[u8], expected: &str) {
            let actual: serde_json::Value = serde_json::from_slice(actual).expect("generated code wrote JSON");
            let expected: serde_json::Value = serde_json::from_str(expected).expect("documented JSON");
            assert!(same_json(&actual, &expected), "JSON differs\n  generated:  {actual}\n  documented: {expected}");
        }

        fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
            use serde_json::Value;
            match (a, b) {
                (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
                (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
                (Value::Object(x), Value::Object(y)) => {
                    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
                }
                _ => a == b,
            }
        }

        fn decoded(text: &str) -> String {
            percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
        }

        /// Sends `request` to the service root and checks the method, path and query.
        fn assert_request<R>(request: &Request<R>, method: &str, path: &str, query: Option<&str>) -> http::Request<Vec<u8>> {
            let sent = request.to_http(#crate_ident::SERVICE_ROOT).expect("request builds");
            assert_eq!(sent.method().as_str(), method);
            let sent_path = decoded(sent.uri().path());
            assert!(sent_path.eq_ignore_ascii_case(path), "path differs\n  generated:  {sent_path}\n  documented: {path}");
            assert_eq!(sent.uri().query().map(decoded).as_deref(), query);
            sent
        }

        #(#tests)*
    }
}

fn raw_string(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
        .parse::<TokenStream>()
        .unwrap_or_else(|_| {
            let literal = Literal::string(text);
            quote! { #literal }
        })
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn example_test(
    cx: &Context<'_>,
    op: &Operation,
    example: &Example,
    name: &str,
    crate_ident: &proc_macro2::Ident,
) -> Option<TokenStream> {
    let request = example.request.as_ref()?;
    let params = param_names(op);
    if request.path_values.len() != params.len() {
        // The example matches no documented path: a docs problem, reported by lint.
        return None;
    }
    let function = names::ident(&op.name);
    let values = request.path_values.iter().map(|v| Literal::string(v));
    let service_path = cx
        .model
        .service_root
        .split("://")
        .nth(1)
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or_default();
    let expected_path = if request.path_matches {
        format!(
            "{service_path}{}",
            &request.path[request.root.len().min(request.path.len())..]
        )
    } else {
        // The example's path differs from the documented one (diagnosed); the code
        // follows the documented path, filled with the example's values.
        let mut path = service_path.clone();
        let mut values = request.path_values.iter();
        for part in &op.path.parts {
            match part {
                PathPart::Literal { text } => path.push_str(text),
                PathPart::Param { .. } => {
                    path.push_str(values.next().map(String::as_str).unwrap_or(""))
                }
            }
        }
        path
    };
    let method = &op.method;
    let query_literal = match &request.query {
        Some(q) => {
            let decoded = percent_decode(q);
            quote! { Some(#decoded) }
        }
        None => quote! { None },
    };
    let with_query: Vec<TokenStream> = request
        .query
        .iter()
        .flat_map(|q| q.split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name);
            let value = percent_decode(value);
            quote! { .with_query(#name, #value) }
        })
        .collect();

    let (body_setup, body_argument, unwrap_result, body_check) = match (&op.body, &request.body) {
        (RequestBody::Type { .. } | RequestBody::Parameters { .. }, Some(body)) => {
            let text = raw_string(&pretty(body));
            let ty = match &op.body {
                RequestBody::Type { ty } if ty.primitive.is_none() => {
                    let element = qualify(cx.named_type(&ty.name, false), crate_ident);
                    if ty.collection {
                        quote! { Vec<#element> }
                    } else {
                        element
                    }
                }
                RequestBody::Type { ty } => cx.rust_type(ty),
                _ => {
                    let ident = names::ident(&super::operations::body_struct_name(op));
                    quote! { #crate_ident::operations::#ident }
                }
            };
            (
                quote! {
                    let documented_body = #text;
                    let body: #ty = serde_json::from_str(documented_body).expect("documented body fits the model");
                },
                quote! { &body },
                quote! { .expect("body serializes") },
                quote! { assert_same_json(sent.body(), documented_body); },
            )
        }
        (RequestBody::Type { .. } | RequestBody::Parameters { .. }, None) => (
            quote! { let body = Default::default(); },
            quote! { &body },
            quote! { .expect("body serializes") },
            quote! {},
        ),
        (RequestBody::Stream, _) => (
            quote! {},
            quote! { Vec::new() },
            quote! { .expect("body is set") },
            quote! {},
        ),
        (RequestBody::None, _) => (quote! {}, quote! {}, quote! {}, quote! {}),
    };
    let response_check = response_check(op, example);
    let sent_binding = if body_check.is_empty() {
        quote! { _sent }
    } else {
        quote! { sent }
    };
    let call = quote! { #crate_ident::operations::#function(#(#values,)* #body_argument) #unwrap_result #(#with_query)* };
    let doc = format!(
        " `{}` at {}:{}.",
        example.name, request.location.file, request.location.line
    );
    let test = names::ident(name);
    Some(quote! {
        #[doc = #doc]
        #[test]
        fn #test() {
            #body_setup
            let request = #call;
            let #sent_binding = assert_request(&request, #method, #expected_path, #query_literal);
            #body_check
            #response_check
        }
    })
}

/// Parses the documented response and checks it serializes back to the same JSON.
fn response_check(op: &Operation, example: &Example) -> TokenStream {
    let Some(response) = &example.response else {
        return TokenStream::new();
    };
    let code = response.status.unwrap_or(op.success_status);
    if !(200..300).contains(&code) {
        return TokenStream::new();
    }
    let status = Literal::u16_unsuffixed(code);
    match (&op.response, &response.body) {
        (ResponseShape::Single { .. } | ResponseShape::Collection { .. }, Some(body)) => {
            let text = raw_string(&pretty(body));
            quote! {
                let documented_response = #text;
                let response = http::Response::builder()
                    .status(#status)
                    .body(documented_response.as_bytes().to_vec())
                    .expect("response builds");
                let parsed = request.parse_response(response).expect("documented response fits the model");
                assert_same_json(&serde_json::to_vec(&parsed).expect("serializes"), documented_response);
            }
        }
        (ResponseShape::None, None) => quote! {
            let response = http::Response::builder().status(#status).body(Vec::new()).expect("response builds");
            request.parse_response(response).expect("empty response parses");
        },
        _ => TokenStream::new(),
    }
}

/// `Foo` → `crate_name::models::Foo` for use outside the crate.
fn qualify(ty: TokenStream, crate_ident: &proc_macro2::Ident) -> TokenStream {
    let text = ty.to_string();
    if text.starts_with("serde_json") {
        return ty;
    }
    quote! { #crate_ident::models::#ty }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(text.get(i + 1..i + 3).unwrap_or(""), 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
