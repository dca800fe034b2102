//! `examples/graph-demo` against a mock Graph built from the docs' examples.
//!
//! Generates the v1.0 SDK from the corpus into `target/graph-demo/sdk` (the
//! path the demo's manifest names; unchanged files are not rewritten, so a
//! second run reuses the build in `target/graph-demo/build`), starts an HTTP
//! server on 127.0.0.1 whose answers are the documented example responses of
//! the operations the demo calls, matched by method and path template through
//! the model, plus scripted answers for what the docs do not show (a 404, a
//! 429, the file behind a download redirect), then runs the demo against it
//! and checks that every task printed the values of the docs' examples.
//!
//! Skips with a printed notice where `../shared/corpus` is absent.

use std::collections::{BTreeSet, VecDeque};
use std::convert::Infallible;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use docgen::model::{ApiModel, Operation};
use docgen::parse::path_template::PathPart;
use http_body_util::{BodyExt, Full};
use serde_json::{json, Value};

/// The demo's calls, as `docgen::emit::call_paths` names them: the mock
/// answers these operations from their documented examples.
const DEMO_CALLS: &[&str] = &[
    "me::get",
    "users::list",
    "me::messages::list",
    "me::send_mail",
    "me::events::create",
    "me::drive::items::children::list",
    "me::drive::items::content::get",
    "users::get",
];

/// What the scripted download serves.
const FILE_BYTES: &[u8] = b"The file the mock drive serves after the documented redirect.\n";

// === The mock ===

/// One reply.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).expect("JSON serializes"),
        }
    }
}

/// A request the mock received (path and query decoded).
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: http::HeaderMap,
    body: Vec<u8>,
    at: Instant,
}

/// An operation the mock answers from the docs.
struct Documented<'a> {
    operation: &'a Operation,
    /// Examples whose request reaches the documented path, with a response.
    examples: Vec<&'a docgen::model::Example>,
}

struct Mock<'a> {
    origin: String,
    documented: Vec<Documented<'a>>,
    /// Scripted replies by method and path, tried first, in order; the last
    /// one repeats. `None` is the documented answer.
    scripted: Vec<(String, String, VecDeque<Option<Reply>>)>,
}

impl Mock<'_> {
    fn reply(&mut self, request: &Received) -> Reply {
        if let Some((_, _, replies)) = self
            .scripted
            .iter_mut()
            .find(|(method, path, _)| *method == request.method && *path == request.path)
        {
            let next = if replies.len() > 1 {
                replies.pop_front().flatten()
            } else {
                replies.front().cloned().flatten()
            };
            if let Some(reply) = next {
                return reply;
            }
        }
        if request.path.starts_with("/download/") {
            return Reply {
                status: 200,
                headers: vec![("content-type".into(), "application/octet-stream".into())],
                body: FILE_BYTES.to_vec(),
            };
        }
        let Some(path) = request.path.strip_prefix("/v1.0") else {
            return not_routed(request);
        };
        let Some(documented) = self.documented.iter().find(|d| {
            d.operation.method == request.method && matches_template(&d.operation.path.parts, path)
        }) else {
            return not_routed(request);
        };
        documented_reply(documented, request, &self.origin)
    }
}

fn not_routed(request: &Received) -> Reply {
    Reply::json(
        501,
        &json!({"error": {"code": "NotInMock", "message": format!(
            "the mock has no documented answer for {} {}", request.method, request.path
        )}}),
    )
}

/// Whether `path` fits the template: literals equal (ignoring ASCII case, as
/// Graph does), each parameter one non-empty segment.
fn matches_template(parts: &[PathPart], path: &str) -> bool {
    let mut rest = path;
    for part in parts {
        match part {
            PathPart::Literal { text } => {
                let Some(head) = rest.get(..text.len()) else {
                    return false;
                };
                if !head.eq_ignore_ascii_case(text) {
                    return false;
                }
                rest = &rest[text.len()..];
            }
            PathPart::Param { .. } => {
                let end = rest.find('/').unwrap_or(rest.len());
                if end == 0 {
                    return false;
                }
                rest = &rest[end..];
            }
        }
    }
    rest.is_empty()
}

/// Query pairs without the paging token, sorted: the options as a set.
fn options(query: &[(String, String)]) -> BTreeSet<(String, String)> {
    query
        .iter()
        .filter(|(name, _)| name != "$skiptoken")
        .cloned()
        .collect()
}

/// The documented answer: the example whose query is the request's, as
/// documented; otherwise, for a collection, every item the operation's
/// examples document (each once), `$top` per page linked by
/// `@odata.nextLink`; otherwise the first example. A documented redirect
/// goes to the mock's own `/download/...`.
fn documented_reply(documented: &Documented, request: &Received, origin: &str) -> Reply {
    let operation = documented.operation;
    let wanted = options(&request.query);
    let exact = documented.examples.iter().find(|example| {
        let query = example_query(example);
        !wanted.is_empty() && options(&query) == wanted
    });
    let example = exact
        .or_else(|| {
            documented
                .examples
                .iter()
                .find(|e| example_query(e).is_empty())
        })
        .or_else(|| documented.examples.first())
        .copied();
    let status = example
        .and_then(|e| e.response.as_ref()?.status)
        .unwrap_or(operation.success_status);
    if (300..400).contains(&status) {
        let mut reply = Reply::json(status, &json!({}));
        reply.body.clear();
        reply.headers = vec![(
            "location".into(),
            format!("{origin}/download{}", request.path),
        )];
        return reply;
    }
    let body = example.and_then(|e| e.response.as_ref()?.body.clone());
    let is_page = body
        .as_ref()
        .is_some_and(|b| b.get("value").is_some_and(Value::is_array));
    match body {
        Some(body) if is_page && exact.is_none() => {
            let items = documented_items(documented);
            let top = query_value(&request.query, "$top")
                .and_then(|top| top.parse().ok())
                .unwrap_or(items.len().max(1));
            let skip: usize = query_value(&request.query, "$skiptoken")
                .and_then(|skip| skip.parse().ok())
                .unwrap_or(0);
            let mut page = json!({"value": items.iter().skip(skip).take(top).collect::<Vec<_>>()});
            if skip + top < items.len() {
                let mut next: Vec<String> = request
                    .query
                    .iter()
                    .filter(|(name, _)| name != "$skiptoken")
                    .map(|(name, value)| format!("{name}={}", encode(value)))
                    .collect();
                next.push(format!("$skiptoken={}", skip + top));
                page["@odata.nextLink"] =
                    json!(format!("{origin}{}?{}", request.path, next.join("&")));
            }
            if let Some(context) = body.get("@odata.context") {
                page["@odata.context"] = context.clone();
            }
            Reply::json(status, &page)
        }
        Some(body) => Reply::json(status, &body),
        None => Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        },
    }
}

/// Every item of the operation's documented collection responses, each once,
/// in the order of the page.
fn documented_items(documented: &Documented) -> Vec<Value> {
    let mut items: Vec<Value> = Vec::new();
    for example in &documented.examples {
        let values = example
            .response
            .as_ref()
            .and_then(|r| r.body.as_ref()?.get("value")?.as_array().cloned())
            .unwrap_or_default();
        for item in values {
            // One user is one item, whatever properties an example selects.
            let key = |item: &Value| match item.get("id") {
                Some(id) => id.to_string(),
                None => format!("{}|{}", item["displayName"], item["mail"]),
            };
            if !items.iter().any(|known| key(known) == key(&item)) {
                items.push(item);
            }
        }
    }
    items
}

fn example_query(example: &docgen::model::Example) -> Vec<(String, String)> {
    example
        .request
        .as_ref()
        .and_then(|r| r.query.as_deref())
        .map(query_pairs)
        .unwrap_or_default()
}

fn query_value<'q>(query: &'q [(String, String)], name: &str) -> Option<&'q str> {
    query
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decoded(name), decoded(value))
        })
        .collect()
}

type Shared = Arc<Mutex<(Mock<'static>, Vec<Received>)>>;

async fn handle(
    state: Shared,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    let received = Received {
        method: parts.method.to_string(),
        path: decoded(parts.uri.path()),
        query: parts.uri.query().map(query_pairs).unwrap_or_default(),
        headers: parts.headers,
        body,
        at: Instant::now(),
    };
    let reply = {
        let mut state = state.lock().expect("mock lock");
        let reply = state.0.reply(&received);
        state.1.push(received);
        reply
    };
    let mut response = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() = http::StatusCode::from_u16(reply.status).expect("valid status");
    for (name, value) in &reply.headers {
        response.headers_mut().append(
            http::HeaderName::from_bytes(name.as_bytes()).expect("valid header name"),
            http::HeaderValue::from_str(value).expect("valid header value"),
        );
    }
    Ok(response)
}

/// Serves `state` on `listener` from a thread of its own (the test thread
/// blocks on cargo and the demo), until the test process ends.
fn serve(listener: std::net::TcpListener, state: Shared) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            while let Ok((stream, _)) = listener.accept().await {
                let state = Arc::clone(&state);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        handle(Arc::clone(&state), request)
                    });
                    // A connection the client drops is not the test's concern.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
}

// === The test ===

/// The documented request body of `operation`'s first example that has one.
fn documented_request_body(operation: &Operation) -> Value {
    operation
        .examples
        .iter()
        .find_map(|e| e.request.as_ref()?.body.clone())
        .expect("the operation documents a request body")
}

/// The first documented response body of `operation` (as the mock answers
/// a request without query options).
fn documented_response(documented: &Documented) -> Value {
    let body = |e: &&&docgen::model::Example| e.response.as_ref().is_some_and(|r| r.body.is_some());
    let examples = &documented.examples;
    examples
        .iter()
        .filter(body)
        .find(|e| example_query(e).is_empty())
        .or_else(|| examples.iter().find(body))
        .and_then(|e| e.response.as_ref()?.body.clone())
        .expect("a documented response body")
}

/// JSON equality where the docs' string `"false"`/`"true"` equals the typed
/// boolean the SDK sends (user-sendmail.md documents `"saveToSentItems": "false"`),
/// and strings compare ignoring ASCII case: Graph reads enum members so, and
/// the docs write `"Text"` where the SDK sends the member's name, `"text"`.
fn same_json(sent: &Value, documented: &Value) -> bool {
    match (sent, documented) {
        (Value::Bool(b), Value::String(s)) => s == &b.to_string(),
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, v)| y.get(key).is_some_and(|w| same_json(v, w)))
        }
        _ => sent == documented,
    }
}

fn str_at<'v>(value: &'v Value, key: &str) -> &'v str {
    value.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// What the demo calls a user: display name, else mail, else id.
fn label(user: &Value) -> &str {
    [
        str_at(user, "displayName"),
        str_at(user, "mail"),
        str_at(user, "id"),
    ]
    .into_iter()
    .find(|text| !text.is_empty())
    .unwrap_or_default()
}

/// The lines of the statement starting with `start` in the demo's source, up
/// to the end of the struct it builds (`    };`).
fn rust_lines(source: &str, start: &str) -> usize {
    let from = source
        .lines()
        .position(|line| line.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("the demo has `{start}`"));
    let to = source.lines().skip(from).position(|line| line == "    };");
    to.expect("the struct ends with `    };`") + 1
}

/// Builds the demo with the workspace's cargo, offline, in its own shared
/// target folder, and returns the executable.
fn build_demo(root: &Path) -> std::path::PathBuf {
    let target = root.join("target/graph-demo/build");
    let output = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(root.join("examples/graph-demo/Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the demo does not build:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target
        .join("debug")
        .join(format!("graph-demo{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn the_demo_does_ten_graph_tasks_against_the_docs_examples() {
    let Some(corpus) = docgen_e2e::corpus() else {
        println!("notice: ../shared/corpus/graph-docs-2021 is absent; the demo test is skipped");
        return;
    };
    let started = Instant::now();
    let root = docgen_e2e::workspace_root();
    // Leaked: the mock borrows the model from a thread that outlives the test body.
    let model: &'static ApiModel = Box::leak(Box::new(
        docgen::model_for_tree(&corpus.join("v1.0")).expect("corpus v1.0 reads"),
    ));
    let generated = docgen::emit::emit_crate(model).expect("corpus v1.0 emits");
    docgen::output::write_crate(&root.join("target/graph-demo/sdk"), &generated)
        .expect("the SDK is written");
    println!("generated in {:?}", started.elapsed());

    // The operations behind the demo's calls.
    let call_paths = docgen::emit::call_paths(model);
    let operation = |call: &str| -> &'static Operation {
        let name = call_paths
            .iter()
            .find(|(_, path)| path.as_str() == call)
            .map(|(name, _)| name)
            .unwrap_or_else(|| panic!("no operation is called `{call}`"));
        model
            .operations
            .iter()
            .find(|op| &op.name == name)
            .expect("named operation")
    };
    let documented: Vec<Documented<'static>> = DEMO_CALLS
        .iter()
        .map(|call| {
            let operation = operation(call);
            let examples = operation
                .examples
                .iter()
                .filter(|e| e.response.is_some())
                .filter(|e| e.request.as_ref().is_some_and(|r| r.path_matches))
                .collect();
            Documented {
                operation,
                examples,
            }
        })
        .collect();
    let by_call = |call: &str| {
        let index = DEMO_CALLS
            .iter()
            .position(|c| *c == call)
            .expect("a demo call");
        &documented[index]
    };

    // What the docs document, to compare the demo's output with.
    let me = documented_response(by_call("me::get"));
    let users = documented_items(by_call("users::list"));
    let messages = documented_response(by_call("me::messages::list"));
    let event = documented_response(by_call("me::events::create"));
    let children = documented_items(by_call("me::drive::items::children::list"));
    let user = documented_response(by_call("users::get"));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.set_nonblocking(true).expect("non-blocking");
    let origin = format!("http://{}", listener.local_addr().expect("address"));
    let error = |status: u16, code: &str, message: &str| {
        let mut reply = Reply::json(
            status,
            &json!({"error": {"code": code, "message": message,
                "innerError": {"request-id": "demo-request", "date": "2021-01-01T00:00:00"}}}),
        );
        reply
            .headers
            .push(("request-id".into(), "demo-request".into()));
        reply
    };
    let mut throttled = error(429, "TooManyRequests", "Too many requests.");
    throttled.headers.push(("retry-after".into(), "1".into()));
    let scripted = vec![
        (
            "GET".to_owned(),
            "/v1.0/users/no-such-user@contoso.com".to_owned(),
            VecDeque::from([Some(error(
                404,
                "Request_ResourceNotFound",
                "Resource 'no-such-user@contoso.com' does not exist.",
            ))]),
        ),
        (
            "GET".to_owned(),
            "/v1.0/users/busy@contoso.com".to_owned(),
            VecDeque::from([Some(throttled), None]),
        ),
    ];
    let state: Shared = Arc::new(Mutex::new((
        Mock {
            origin: origin.clone(),
            documented,
            scripted,
        },
        Vec::new(),
    )));
    serve(listener, Arc::clone(&state));

    let built = Instant::now();
    let demo = build_demo(&root);
    println!("demo built in {:?}", built.elapsed());
    let output = Command::new(&demo)
        .arg(format!("{origin}/v1.0"))
        .env("GRAPH_TOKEN", "demo-token")
        .output()
        .expect("the demo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the demo failed:\n{stdout}\n{stderr}"
    );
    let line = |task: &str| -> &str {
        stdout
            .lines()
            .find(|line| line.starts_with(&format!("{task} ")))
            .unwrap_or_else(|| panic!("task {task} printed nothing:\n{stdout}"))
    };
    let received = state.lock().expect("mock lock").1.clone();
    let arrived = |method: &str, path: &str| -> Vec<&Received> {
        received
            .iter()
            .filter(|r| r.method == method && r.path.eq_ignore_ascii_case(path))
            .collect()
    };

    // 1. GET /me
    assert_eq!(
        line("1"),
        format!(
            "1 me: {} <{}>",
            str_at(&me, "displayName"),
            str_at(&me, "mail")
        )
    );
    // 2. Every documented user, `$top` (2) per page, over all pages.
    let names: Vec<&str> = users.iter().map(label).collect();
    let pages = users.len().div_ceil(2);
    assert!(pages > 1, "the docs document users for more than one page");
    assert_eq!(
        line("2"),
        format!(
            "2 users: {} on {pages} pages: {}",
            users.len(),
            names.join(", ")
        )
    );
    let listed = arrived("GET", "/v1.0/users");
    assert!(listed[0].query.contains(&("$top".into(), "2".into())));
    assert!(listed[0].query.iter().any(|(n, _)| n == "$select"));
    assert!(listed[0].query.iter().any(|(n, _)| n == "$filter"));
    // 3. The first messages: subject and sender of the documented response.
    let first = &messages["value"][0];
    assert!(stdout.contains(&format!(
        "3 message: {} (from {})",
        str_at(first, "subject"),
        str_at(&first["sender"]["emailAddress"], "name")
    )));
    // 4. sendMail: the body arrives as the docs' example documents it.
    let sent = arrived("POST", "/v1.0/me/sendMail");
    assert_eq!(sent.len(), 1, "{stdout}");
    let sent_body: Value = serde_json::from_slice(&sent[0].body).expect("JSON body");
    let documented_mail = documented_request_body(operation("me::send_mail"));
    assert!(
        same_json(&sent_body, &documented_mail),
        "sendMail body\n  sent:       {sent_body}\n  documented: {documented_mail}"
    );
    assert!(line("4").starts_with("4 sendMail: sent"));
    // The typed bodies are at most as long as the JSON they send, as the docs
    // print it (one member or bracket per line, as `to_string_pretty`).
    let source = std::fs::read_to_string(root.join("examples/graph-demo/src/main.rs"))
        .expect("the demo's source");
    let json_lines = |value: &Value| {
        serde_json::to_string_pretty(value)
            .expect("JSON prints")
            .lines()
            .count()
    };
    for (what, rust, json) in [
        (
            "sendMail",
            rust_lines(&source, "let mail = SendMailBody {"),
            json_lines(&documented_mail),
        ),
        (
            "create event",
            // With the time zone the body names twice.
            rust_lines(&source, "let tz = "),
            json_lines(&documented_request_body(operation("me::events::create"))),
        ),
    ] {
        println!("{what} body: {rust} lines of Rust, {json} lines of JSON");
        assert!(
            rust <= json,
            "{what}: {rust} lines of Rust for {json} of JSON"
        );
    }
    // 5. The event: the body as documented, the documented response printed.
    let created = arrived("POST", "/v1.0/me/events");
    assert_eq!(created.len(), 1);
    let event_body: Value = serde_json::from_slice(&created[0].body).expect("JSON body");
    let documented_event = documented_request_body(operation("me::events::create"));
    assert!(
        same_json(&event_body, &documented_event),
        "event body\n  sent:       {event_body}\n  documented: {documented_event}"
    );
    assert_eq!(
        line("5"),
        format!(
            "5 event: {} \"{}\" id {}",
            str_at(&event["start"], "dateTime"),
            str_at(&event, "subject"),
            str_at(&event, "id")
        )
    );
    // 6. and 7. The folder's documented children; the first one downloaded.
    let child_names: Vec<&str> = children.iter().map(|c| str_at(c, "name")).collect();
    assert_eq!(line("6"), format!("6 children: {}", child_names.join(", ")));
    assert_eq!(
        line("7"),
        format!(
            "7 download: {} ({} bytes)",
            child_names[0],
            FILE_BYTES.len()
        )
    );
    // 8. The 404 as a typed error with its Graph code.
    assert_eq!(line("8"), "8 not found: HTTP 404 Request_ResourceNotFound");
    // 9. The 429 retried after the second `Retry-After` asked for.
    let busy = arrived("GET", "/v1.0/users/busy@contoso.com");
    assert_eq!(busy.len(), 2, "one retry after the 429");
    assert!(busy[1].at.duration_since(busy[0].at) >= Duration::from_secs(1));
    assert!(line("9").starts_with("9 throttled, then answered after"));
    assert!(line("9").ends_with(&format!(": {}", str_at(&user, "displayName"))));
    // 10. $count with ConsistencyLevel: the documented count and users.
    let counted: Vec<&Received> = listed
        .iter()
        .copied()
        .filter(|r| r.query.iter().any(|(n, _)| n == "$count"))
        .collect();
    assert_eq!(counted.len(), 1);
    assert_eq!(
        counted[0]
            .headers
            .get("consistencylevel")
            .map(|v| v.as_bytes()),
        Some(&b"eventual"[..])
    );
    let count_example = operation("users::list")
        .examples
        .iter()
        .find(|e| options(&example_query(e)) == options(&counted[0].query))
        .and_then(|e| e.response.as_ref()?.body.clone())
        .expect("the demo's $count query is a documented example");
    let counted_names: Vec<&str> = count_example["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|u| str_at(u, "displayName"))
        .collect();
    assert_eq!(
        line("10"),
        format!(
            "10 count: {} users with a mail ending in a@contoso.com: {}",
            count_example["@odata.count"],
            counted_names.join(", ")
        )
    );
    // Every request to the API carried the token (the download's redirect
    // target is outside `/v1.0`).
    let bearer = http::HeaderValue::from_static("Bearer demo-token");
    for request in received.iter().filter(|r| r.path.starts_with("/v1.0")) {
        assert_eq!(
            request.headers.get("authorization"),
            Some(&bearer),
            "{} {}",
            request.method,
            request.path
        );
    }
    println!("the demo test took {:?}", started.elapsed());
}
