//! The generated crate's example tests: every documented example, sent through
//! the generated request code and parsed back through the generated models.

use super::areas::{predicate_within, AreaSet};
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
    // (test, its operation's areas); the test says whether it reads a documented body
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
                tests.push((test, op.areas.iter().cloned().collect::<AreaSet>()));
            }
        }
    }
    if tests.is_empty() {
        return quote! {
            //! The docs hold no example that can be a test.
        };
    }
    // Each test runs when its operation's area is enabled; the helpers when any test runs.
    let test_areas: AreaSet = tests
        .iter()
        .flat_map(|(_, areas)| areas.iter().cloned())
        .collect();
    let body_areas: AreaSet = tests
        .iter()
        .filter(|(test, _)| test.reads_body)
        .flat_map(|(_, areas)| areas.iter().cloned())
        .collect();
    let file_cfg = match predicate_within(&test_areas, cx.areas.all()) {
        Some(predicate) => quote! { #![cfg(#predicate)] },
        None => TokenStream::new(),
    };
    let documented_helper = if body_areas.is_empty() {
        TokenStream::new()
    } else {
        let cfg = cx.areas.cfg_within(&body_areas, &test_areas);
        quote! {
            /// Reads a documented JSON body into the type the request function takes.
            #cfg
            fn documented<T: serde::de::DeserializeOwned>(json: &str) -> T {
                serde_json::from_str(json).expect("documented body fits the model")
            }
        }
    };
    let tests = tests.into_iter().map(|(test, areas)| {
        let cfg = cx.areas.cfg_within(&areas, &test_areas);
        let ExampleTest {
            doc, name, body, ..
        } = test;
        quote! {
            #doc
            #cfg
            #[test]
            fn #name() #body
        }
    });
    quote! {
        #file_cfg
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

        /// What one documented example says: the request it sends and the response it gets.
        struct Documented<'a> {
            method: &'a str,
            path: &'a str,
            query: Option<&'a str>,
            body: Option<&'a str>,
            /// `None` when the example documents no response to check.
            status: Option<u16>,
            response: Option<&'a str>,
        }

        /// Checks that `request` sends exactly the documented request, and that the
        /// documented response parses into the typed result and serializes back to the same JSON.
        fn check<R: serde::Serialize>(request: Request<R>, documented: Documented<'_>) {
            let sent = request.to_http(#crate_ident::SERVICE_ROOT).expect("request builds");
            assert_eq!(sent.method().as_str(), documented.method);
            // Graph ignores a trailing slash and the case of path segments.
            let sent_path = decoded(sent.uri().path());
            assert!(
                sent_path.trim_end_matches('/').eq_ignore_ascii_case(documented.path.trim_end_matches('/')),
                "path differs\n  generated:  {sent_path}\n  documented: {}",
                documented.path
            );
            assert_eq!(sent.uri().query().map(decoded).as_deref(), documented.query);
            if let Some(body) = documented.body {
                assert_same_json(sent.body(), body);
            }
            let Some(status) = documented.status else {
                return;
            };
            let response = http::Response::builder()
                .status(status)
                .body(documented.response.unwrap_or_default().as_bytes().to_vec())
                .expect("response builds");
            let parsed = request.parse_response(response).expect("documented response fits the model");
            if let Some(expected) = documented.response {
                assert_same_json(&serde_json::to_vec(&parsed).expect("serializes"), expected);
            }
        }

        #documented_helper

        #(#tests)*
    }
}

/// How many `#` a raw string literal of `text` needs: one more than the longest
/// run of `#` after a `"` in it, found in one pass. Trying 1, 2, 3… hashes
/// with a search of the whole text each was quadratic (`"` and 80,000 `#`: 16 s).
fn raw_string_hashes(text: &str) -> usize {
    let (mut longest, mut run, mut after_quote) = (0usize, 0usize, false);
    for byte in text.bytes() {
        match byte {
            b'"' => {
                after_quote = true;
                run = 0;
            }
            b'#' if after_quote => {
                run += 1;
                longest = longest.max(run);
            }
            _ => after_quote = false,
        }
    }
    longest + 1
}

fn raw_string(text: &str) -> TokenStream {
    let hashes = "#".repeat(raw_string_hashes(text));
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

/// One example test: its doc attribute, name and body.
struct ExampleTest {
    doc: TokenStream,
    name: proc_macro2::Ident,
    body: TokenStream,
    /// The test reads a documented request body with `documented`.
    reads_body: bool,
}

fn example_test(
    cx: &Context<'_>,
    op: &Operation,
    example: &Example,
    name: &str,
    crate_ident: &proc_macro2::Ident,
) -> Option<ExampleTest> {
    // Examples whose page contradicts itself are docs problems, reported by lint.
    if !example.outcome.is_testable() {
        return None;
    }
    let request = example.request.as_ref()?;
    let params = param_names(op);
    if request.path_values.len() != params.len() {
        // The example matches no documented path: a docs problem, reported by lint.
        return None;
    }
    // The call as users write it: by its place in the path tree.
    let function: Vec<proc_macro2::Ident> = match cx.call_paths.get(&op.name) {
        Some(path) => path
            .modules
            .iter()
            .chain(std::iter::once(&path.function))
            .map(|name| names::ident(name))
            .collect(),
        None => vec![names::ident(&op.name)],
    };
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
            request
                .path
                .get(request.root.len().min(request.path.len())..)
                .unwrap_or_default()
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
    // The documented query, as the pairs it holds (a stray `&` adds nothing).
    let pairs: Vec<String> = crate::model::query_pairs(request.query.as_deref())
        .map(percent_decode)
        .collect();
    let query_literal = if pairs.is_empty() {
        quote! { None }
    } else {
        let joined = pairs.join("&");
        quote! { Some(#joined) }
    };
    let with_query: Vec<TokenStream> = crate::model::query_pairs(request.query.as_deref())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(name);
            let value = percent_decode(value);
            quote! { .with_query(#name, #value) }
        })
        .collect();

    let (body_argument, unwrap_result, body_literal) = match (&op.body, &request.body) {
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
                    let ident = names::ident(&super::operations::body_struct_name(cx, op));
                    quote! { #crate_ident::operations::#ident }
                }
            };
            (
                quote! { &documented::<#ty>(BODY) },
                quote! { .expect("body serializes") },
                Some(text),
            )
        }
        (RequestBody::Type { .. } | RequestBody::Parameters { .. }, None) => (
            quote! { &Default::default() },
            quote! { .expect("body serializes") },
            None,
        ),
        (RequestBody::Stream, _) => (
            quote! { Vec::new() },
            quote! { .expect("body is set") },
            None,
        ),
        (RequestBody::None, _) => (quote! {}, quote! {}, None),
    };
    let (status, response_literal) = documented_response(op, example)?;
    let body_const = body_literal
        .as_ref()
        .map(|text| quote! { const BODY: &str = #text; })
        .unwrap_or_default();
    let body_field = if body_literal.is_some() {
        quote! { Some(BODY) }
    } else {
        quote! { None }
    };
    let response_const = response_literal
        .as_ref()
        .map(|text| quote! { const RESPONSE: &str = #text; })
        .unwrap_or_default();
    let response_field = if response_literal.is_some() {
        quote! { Some(RESPONSE) }
    } else {
        quote! { None }
    };
    let call = quote! { #crate_ident::operations::#(#function)::*(#(#values,)* #body_argument) #unwrap_result #(#with_query)* };
    // No line number: a prose edit above the example must not make the crate stale.
    let doc = format!(
        " `{}` in `{}`.",
        super::docs::doc_safe(&example.name),
        super::docs::doc_safe(&request.location.file),
    );
    Some(ExampleTest {
        doc: quote! { #[doc = #doc] },
        name: names::ident(name),
        reads_body: body_literal.is_some(),
        body: quote! {{
            #body_const
            #response_const
            check(
                #call,
                Documented {
                    method: #method,
                    path: #expected_path,
                    query: #query_literal,
                    body: #body_field,
                    status: #status,
                    response: #response_field,
                },
            );
        }},
    })
}

/// The documented response status (`None`: nothing to parse) and the body to
/// round-trip. `None` overall when the example documents a failure, not a success.
fn documented_response(
    op: &Operation,
    example: &Example,
) -> Option<(TokenStream, Option<TokenStream>)> {
    let Some(response) = example.response.as_ref() else {
        return Some((quote! { None }, None));
    };
    let code = response.status.unwrap_or(op.success_status);
    if !(200..300).contains(&code) {
        return None;
    }
    let status = Literal::u16_unsuffixed(code);
    Some(match (&op.response, &response.body) {
        (ResponseShape::Single { .. } | ResponseShape::Collection { .. }, Some(body)) => {
            (quote! { Some(#status) }, Some(raw_string(&pretty(body))))
        }
        // A JSON response without a documented body cannot be round-tripped.
        (ResponseShape::Single { .. } | ResponseShape::Collection { .. }, None) => {
            (quote! { None }, None)
        }
        // No content, or a stream: parse it, nothing to compare (a stray body is ignored).
        _ => (quote! { Some(#status) }, None),
    })
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
