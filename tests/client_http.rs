//! The generated async client over real HTTP.
//!
//! Each test starts an HTTP server on 127.0.0.1 (port 0) that answers from a
//! table of canned replies and records every request it receives, then drives
//! `graph_sdk::client` against it: the documented examples of `docs-input/`
//! (each documented request must arrive as documented, each documented
//! response must come back typed and equal), paging over `@odata.nextLink`,
//! retries honouring `Retry-After`, typed errors, the auth hook, OData query
//! options and raw requests. Every test is bounded by a timeout and sends
//! traffic only to 127.0.0.1.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use docgen::parse::path_template::PathPart;
use futures_util::{StreamExt, TryStreamExt};
use graph_sdk::client::{Client, RetryPolicy, StaticToken};
use graph_sdk::models::{
    AnyDeviceManagementScript, DeviceManagementScript, GroupPolicyConfigurationAssignment,
};
use graph_sdk::operations;
use graph_sdk::operations::device_management::device_management_scripts as scripts;
use graph_sdk::runtime::{Error, ODataQuery, Page, Request};
use http_body_util::{BodyExt, Full};
use serde_json::{json, Value};

const TOKEN: &str = "e2e-test-token";
/// The most connections one test server accepts.
const MAX_CONNECTIONS: usize = 200;

// === The test server ===

/// A reply the server gives.
#[derive(Debug, Clone)]
struct Canned {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Canned {
    fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(body).expect("JSON serializes"),
        }
    }

    fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request the server received, with path and query percent-decoded.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn authorization(&self) -> Option<&str> {
        self.headers
            .get(http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
    }
}

/// Replies for one method, path and query. The replies are given in order;
/// the last one repeats.
struct Route {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    replies: VecDeque<Canned>,
}

#[derive(Default)]
struct State {
    routes: Vec<Route>,
    received: Vec<Received>,
}

impl State {
    fn reply_for(&mut self, request: &Received) -> Canned {
        let route = self.routes.iter_mut().find(|route| {
            route.method == request.method
                && route.path.eq_ignore_ascii_case(&request.path)
                && route.query == request.query
        });
        match route {
            Some(route) if route.replies.len() > 1 => {
                route.replies.pop_front().expect("more than one reply")
            }
            Some(route) => route.replies[0].clone(),
            None => Canned::json(
                404,
                &json!({"error": {"code": "NoRoute", "message": format!(
                    "the test server has no reply for {} {}", request.method, request.path
                )}}),
            ),
        }
    }
}

struct TestServer {
    /// `http://127.0.0.1:PORT`
    origin: String,
    state: Arc<Mutex<State>>,
}

impl TestServer {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let origin = format!("http://{}", listener.local_addr().expect("bound address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        // Ends with the test's runtime, or after MAX_CONNECTIONS connections.
        tokio::spawn(async move {
            for _ in 0..MAX_CONNECTIONS {
                let Ok((stream, _)) = listener.accept().await else {
                    break;
                };
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        handle(Arc::clone(&state), request)
                    });
                    // A connection the client drops mid-way is not the test's concern.
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Self { origin, state }
    }

    /// The server's URL for `path_and_query`.
    fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.origin)
    }

    /// Answers `method path?query` (compared decoded) with `replies`.
    fn route(&self, method: &str, path: &str, query: Option<&str>, replies: Vec<Canned>) {
        assert!(!replies.is_empty(), "a route needs a reply");
        self.state.lock().expect("state lock").routes.push(Route {
            method: method.to_owned(),
            path: decoded(path),
            query: query.map(query_pairs).unwrap_or_default(),
            replies: replies.into(),
        });
    }

    fn received(&self) -> Vec<Received> {
        self.state.lock().expect("state lock").received.clone()
    }

    /// A client of this server with base URL `{origin}{root}` and the test token.
    fn client(&self, root: &str) -> Client {
        self.client_with(root, RetryPolicy::default())
    }

    fn client_with(&self, root: &str, retry: RetryPolicy) -> Client {
        Client::builder()
            .base_url(self.url(root))
            .token_provider(StaticToken::new(TOKEN))
            .retry_policy(retry)
            .timeout(Some(Duration::from_secs(10)))
            .build()
            .expect("client builds")
    }
}

async fn handle(
    state: Arc<Mutex<State>>,
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
    };
    let reply = {
        let mut state = state.lock().expect("state lock");
        let reply = state.reply_for(&received);
        state.received.push(received);
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

fn decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// `a=1&b=x%20y` → `[("a", "1"), ("b", "x y")]`.
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

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// Runs a test body with a time limit.
async fn within_limit<F: Future>(body: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("the test finished within 60 s")
}

/// JSON equality where numbers compare by value (`1` equals `1.0`).
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, v)| y.get(key).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

fn assert_same_json(actual: &Value, expected: &Value, what: &str) {
    assert!(
        same_json(actual, expected),
        "{what}: JSON differs\n  got:        {actual}\n  documented: {expected}"
    );
}

// === The documented examples ===

/// The typed OData options for a documented query string.
fn odata_query(query: &str) -> ODataQuery {
    let mut options = ODataQuery::new();
    for (name, value) in query_pairs(query) {
        options = match name.to_ascii_lowercase().as_str() {
            "$select" => options.select(value.split(',')),
            "$expand" => options.expand(value.split(',')),
            "$filter" => options.filter(value),
            "$search" => options.search(value),
            "$orderby" => options.order_by(value),
            "$top" => options.top(value.parse().expect("numeric $top")),
            "$skip" => options.skip(value.parse().expect("numeric $skip")),
            "$count" => options.count(value == "true"),
            other => panic!("the test does not know the query option {other}"),
        };
    }
    options
}

/// Sends the typed request and returns its typed result as JSON.
async fn send_as_json<R: serde::Serialize>(
    client: &Client,
    request: Request<R>,
) -> Result<Value, Error> {
    let result = client.send(&request).await?;
    Ok(serde_json::to_value(&result).expect("result serializes"))
}

/// The documented request body as the type the request function takes.
fn documented_body<T: serde::de::DeserializeOwned>(body: Option<&Value>) -> T {
    serde_json::from_value(body.cloned().unwrap_or_else(|| json!({})))
        .expect("documented body fits the model")
}

/// Calls the generated function for `operation` with the example's path
/// values, body and query options.
async fn call_documented(
    client: &Client,
    operation: &str,
    example: &docgen::model::ExampleRequest,
) -> Result<Value, Error> {
    let ids = &example.path_values;
    let body = example.body.as_ref();
    let options = odata_query(example.query.as_deref().unwrap_or(""));
    match operation {
        "assign" => {
            let request = scripts::assign(&ids[0], &documented_body(body))?;
            send_as_json(client, request.with_odata_query(&options)).await
        }
        "create_assignments" => {
            let body: GroupPolicyConfigurationAssignment = documented_body(body);
            let request =
                operations::device_management::group_policy_configurations::assignments::create(
                    &ids[0], &body,
                )?;
            send_as_json(client, request.with_odata_query(&options)).await
        }
        "create_assignments_ref" => {
            let request = scripts::assignments::create_ref(&ids[0], &documented_body(body))?;
            send_as_json(client, request.with_odata_query(&options)).await
        }
        "create_device_management_scripts_group_assignments_ref" => {
            let request = scripts::group_assignments::create_ref(&ids[0], &documented_body(body))?;
            send_as_json(client, request.with_odata_query(&options)).await
        }
        "create_identity_certificate_group_assignments_ref" => {
            let request = operations::device_management::device_configurations::identity_certificate::group_assignments::create_ref(
                &ids[0],
                &documented_body(body),
            )?;
            send_as_json(client, request.with_odata_query(&options)).await
        }
        "delete_group_assignments" => {
            let request = scripts::group_assignments::delete(&ids[0], &ids[1]);
            send_as_json(client, request.with_odata_query(&options)).await
        }
        "get_device_management_scripts" => {
            let request = scripts::get(&ids[0]);
            send_as_json(client, request.with_odata_query(&options)).await
        }
        "list_device_management_scripts" => {
            let request = scripts::list();
            send_as_json(client, request.with_odata_query(&options)).await
        }
        "list_group_assignments" => {
            let request = scripts::group_assignments::list(&ids[0]);
            send_as_json(client, request.with_odata_query(&options)).await
        }
        "update_device_management_scripts" => {
            let body: DeviceManagementScript = documented_body(body);
            let request = scripts::update(&ids[0], &body)?;
            send_as_json(client, request.with_odata_query(&options)).await
        }
        other => panic!("tests/client_http.rs has no call for the operation {other}; add one"),
    }
}

/// The path (decoded) the client sends the example's request to: the
/// example's path if it matches the documented path line, else the root and
/// documented path with the example's path values; `None` if the example
/// gives no value for some path parameter.
fn expected_path(
    operation: &docgen::model::Operation,
    example: &docgen::model::ExampleRequest,
) -> Option<String> {
    if example.path_matches {
        return Some(example.path.clone());
    }
    if example.root.is_empty() {
        return None; // the example's path matches nothing documented
    }
    let mut values = example.path_values.iter();
    let mut path = example.root.clone();
    for part in &operation.path.parts {
        match part {
            PathPart::Literal { text } => path.push_str(text),
            PathPart::Param { .. } => path.push_str(values.next()?),
        }
    }
    values.next().is_none().then_some(path)
}

#[tokio::test]
async fn every_documented_example_goes_over_http_as_documented() {
    within_limit(async {
        let model = docgen::model_for_tree(&docgen_e2e::docs_input()).expect("docs readable");
        let server = TestServer::start().await;

        let mut cases = Vec::new();
        for operation in &model.operations {
            for example in &operation.examples {
                let (Some(request), Some(response)) = (&example.request, &example.response) else {
                    continue;
                };
                // Where the client must send the example's request: its own
                // path when that matches the documented path line; otherwise
                // (e.g. the example leaves out a documented `/$ref`) the
                // documented path filled with the example's values.
                let Some(expected_path) = expected_path(operation, request) else {
                    continue;
                };
                let status = response.status.unwrap_or(operation.success_status);
                let reply = match &response.body {
                    Some(body) => Canned::json(status, body),
                    None => Canned::empty(status),
                };
                server.route(
                    &request.method,
                    &expected_path,
                    request.query.as_deref(),
                    vec![reply],
                );
                cases.push((operation, example, request, response, expected_path));
            }
        }
        let exact = cases.iter().filter(|case| case.2.path_matches).count();
        assert!(
            exact >= 7 && cases.len() >= 10,
            "docs-input/ has 10 examples with a request and a response, 7 of them on \
             the documented path; found {} and {exact}",
            cases.len()
        );

        for (operation, example, request, response, expected_path) in cases {
            let name = &example.name;
            // The base URL is the server plus the example's own root (`/beta`
            // for most), so the path arrives exactly as documented.
            let client = server.client(&request.root);
            let before = server.received().len();
            let result = call_documented(&client, &operation.name, request)
                .await
                .unwrap_or_else(|err| panic!("{name}: {err}"));

            let received = server.received();
            assert_eq!(received.len(), before + 1, "{name}: one request arrives");
            let arrived = &received[before];
            assert_eq!(arrived.method, request.method, "{name}: method");
            assert!(
                arrived.path.eq_ignore_ascii_case(&expected_path),
                "{name}: path\n  arrived:    {}\n  documented: {expected_path}",
                arrived.path,
            );
            let documented_query = request.query.as_deref().map(query_pairs);
            assert_eq!(
                arrived.query,
                documented_query.unwrap_or_default(),
                "{name}: query"
            );
            match &request.body {
                Some(body) => {
                    let sent: Value =
                        serde_json::from_slice(&arrived.body).expect("the client sent JSON");
                    assert_same_json(&sent, body, &format!("{name}: request body"));
                }
                None => assert!(arrived.body.is_empty(), "{name}: no request body"),
            }
            assert_eq!(
                arrived.authorization(),
                Some(format!("Bearer {TOKEN}").as_str()),
                "{name}: token"
            );

            match &response.body {
                Some(body) => assert_same_json(&result, body, &format!("{name}: response")),
                None => assert_eq!(result, Value::Null, "{name}: no response body"),
            }
        }
    })
    .await;
}

// === Paging, retries, errors, auth, query options, raw requests ===

const SCRIPTS_PATH: &str = "/beta/deviceManagement/deviceManagementScripts";

fn script(id: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.deviceManagementScript",
        "id": id,
        "displayName": format!("Script {id}"),
    })
}

fn script_id(script: &AnyDeviceManagementScript) -> String {
    let value = serde_json::to_value(script).expect("serializes");
    value["id"].as_str().expect("has an id").to_owned()
}

/// Routes a collection of scripts over three pages linked by
/// `@odata.nextLink` to `next_origin` (the server itself, or another one).
fn route_three_pages(server: &TestServer, first_query: Option<&str>, next_origin: &str) {
    let page = |ids: &[&str], next: Option<&str>| {
        let mut body = json!({
            "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagementScripts",
            "value": ids.iter().map(|id| script(id)).collect::<Vec<_>>(),
        });
        if let Some(next) = next {
            body["@odata.nextLink"] = json!(format!("{next_origin}{SCRIPTS_PATH}?{next}"));
        }
        vec![Canned::json(200, &body)]
    };
    server.route(
        "GET",
        SCRIPTS_PATH,
        first_query,
        page(&["1", "2"], Some("$skiptoken=page%202")),
    );
    server.route(
        "GET",
        SCRIPTS_PATH,
        Some("$skiptoken=page%202"),
        page(&["3", "4"], Some("$skiptoken=page%203")),
    );
    server.route(
        "GET",
        SCRIPTS_PATH,
        Some("$skiptoken=page%203"),
        page(&["5"], None),
    );
}

#[tokio::test]
async fn a_collection_over_three_pages_is_collected_in_order() {
    within_limit(async {
        let server = TestServer::start().await;
        route_three_pages(&server, None, &server.origin);
        let client = server.client("/beta");

        let all = client
            .collect_all(scripts::list())
            .await
            .expect("all pages");
        let ids: Vec<String> = all.iter().map(script_id).collect();
        assert_eq!(ids, ["1", "2", "3", "4", "5"]);

        let received = server.received();
        assert_eq!(received.len(), 3, "one request per page");
        let queries: Vec<_> = received.iter().map(|r| r.query.clone()).collect();
        assert_eq!(
            queries,
            [
                Vec::new(),
                pairs(&[("$skiptoken", "page 2")]),
                pairs(&[("$skiptoken", "page 3")])
            ]
        );
        assert!(received
            .iter()
            .all(|r| r.authorization() == Some(&format!("Bearer {TOKEN}"))));

        // The page stream yields the pages themselves, in order.
        let sizes: Vec<usize> = client
            .pages(scripts::list())
            .map_ok(|page: Page<_>| page.value.len())
            .try_collect()
            .await
            .expect("all pages");
        assert_eq!(sizes, [2, 2, 1]);

        // Pages are fetched lazily: two items need only the first page.
        let before = server.received().len();
        let first_two: Vec<_> = client.items(scripts::list()).take(2).collect().await;
        assert_eq!(first_two.len(), 2);
        assert!(first_two.iter().all(Result::is_ok));
        assert_eq!(server.received().len(), before + 1);
    })
    .await;
}

#[tokio::test]
async fn odata_query_options_arrive_on_the_first_page_and_the_next_link_is_followed_as_given() {
    within_limit(async {
        let server = TestServer::start().await;
        let first_query = "$select=id,displayName&$filter=displayName eq 'Script 1'\
                           &$orderby=displayName desc&$top=2&$count=true";
        route_three_pages(&server, Some(first_query), &server.origin);
        let client = server.client("/beta");

        let options = ODataQuery::new()
            .top(2)
            .select(["id", "displayName"])
            .filter("displayName eq 'Script 1'")
            .order_by("displayName desc")
            .count(true);
        let request = scripts::list().with_odata_query(&options);
        let items = client.collect_all(request).await.expect("all pages");
        assert_eq!(items.len(), 5);

        let received = server.received();
        assert_eq!(received.len(), 3);
        assert_eq!(
            received[0].query,
            pairs(&[
                ("$select", "id,displayName"),
                ("$filter", "displayName eq 'Script 1'"),
                ("$orderby", "displayName desc"),
                ("$top", "2"),
                ("$count", "true"),
            ])
        );
        // The next links already carry the service's state; nothing is added.
        assert_eq!(received[1].query, pairs(&[("$skiptoken", "page 2")]));
    })
    .await;
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_once_and_succeeds() {
    within_limit(async {
        let server = TestServer::start().await;
        let path = format!("{SCRIPTS_PATH}/throttled");
        let throttled = json!({"error": {"code": "TooManyRequests", "message": "Slow down."}});
        server.route(
            "GET",
            &path,
            None,
            vec![
                Canned::json(429, &throttled).header("Retry-After", "1"),
                Canned::json(200, &script("throttled")),
            ],
        );
        let client = server.client("/beta");

        let started = Instant::now();
        let result = client
            .send(&scripts::get("throttled"))
            .await
            .expect("succeeds after one retry");
        let waited = started.elapsed();

        assert_eq!(script_id(&result), "throttled");
        let received = server.received();
        assert_eq!(received.len(), 2, "exactly one retry");
        assert!(received.iter().all(|r| r.path == path));
        assert!(
            waited >= Duration::from_secs(1),
            "waited {waited:?}, Retry-After asked for 1 s"
        );
    })
    .await;
}

#[tokio::test]
async fn retries_are_bounded_in_count_and_wait() {
    within_limit(async {
        let server = TestServer::start().await;
        let unavailable = format!("{SCRIPTS_PATH}/unavailable");
        server.route("GET", &unavailable, None, vec![Canned::empty(503)]);
        let patient = format!("{SCRIPTS_PATH}/patient");
        server.route(
            "GET",
            &patient,
            None,
            vec![Canned::empty(504).header("Retry-After", "3600")],
        );
        let policy = RetryPolicy::default()
            .with_max_retries(2)
            .with_base_delay(Duration::from_millis(10))
            .with_max_wait(Duration::from_secs(5));
        let client = server.client_with("/beta", policy);

        let err = client
            .send(&scripts::get("unavailable"))
            .await
            .expect_err("503 every time");
        assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(server.received().len(), 3, "the request and two retries");

        // Retry-After longer than the policy allows: the 504 is returned at once.
        let started = Instant::now();
        let err = client
            .send(&scripts::get("patient"))
            .await
            .expect_err("504");
        assert_eq!(err.status(), Some(http::StatusCode::GATEWAY_TIMEOUT));
        assert_eq!(server.received().len(), 4, "no retry");
        assert!(started.elapsed() < Duration::from_secs(5));
    })
    .await;
}

#[tokio::test]
async fn a_404_with_a_graph_error_body_is_a_typed_error() {
    within_limit(async {
        let server = TestServer::start().await;
        let body = json!({"error": {
            "code": "ResourceNotFound",
            "message": "deviceManagementScript 'missing' was not found.",
            "innerError": {"date": "2024-01-01T00:00:00", "request-id": "req-404"}
        }});
        server.route(
            "DELETE",
            &format!("{SCRIPTS_PATH}/missing/groupAssignments/g1"),
            None,
            vec![Canned::json(404, &body).header("request-id", "req-404")],
        );
        let client = server.client("/beta");

        let err = client
            .send(&scripts::group_assignments::delete("missing", "g1"))
            .await
            .expect_err("404");
        let Error::Status(api) = &err else {
            panic!("expected Error::Status, got {err:?}");
        };
        assert_eq!(api.status, http::StatusCode::NOT_FOUND);
        let detail = api.error.as_ref().expect("the Graph error body is parsed");
        assert_eq!(detail.code, "ResourceNotFound");
        assert_eq!(
            detail.message,
            "deviceManagementScript 'missing' was not found."
        );
        assert!(detail.inner_error.is_some());
        assert_eq!(api.request_id.as_deref(), Some("req-404"));
        assert_eq!(server.received().len(), 1, "a 404 is not retried");
    })
    .await;
}

#[tokio::test]
async fn the_auth_hook_is_asked_every_attempt_and_the_token_stays_on_the_base_origin() {
    within_limit(async {
        let server = TestServer::start().await;
        let elsewhere = TestServer::start().await;
        // The first page is on `server`; its next link points to `elsewhere`.
        route_three_pages(&server, None, &elsewhere.origin);
        route_three_pages(&elsewhere, None, &elsewhere.origin);

        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let client = Client::builder()
            .base_url(server.url("/beta"))
            .token_provider(move || {
                let call = counter.fetch_add(1, Ordering::SeqCst) + 1;
                async move { Ok(format!("token-{call}")) }
            })
            .timeout(Some(Duration::from_secs(10)))
            .build()
            .expect("client builds");

        let items = client
            .collect_all(scripts::list())
            .await
            .expect("all pages");
        assert_eq!(items.len(), 5);

        let here = server.received();
        assert_eq!(here.len(), 1);
        assert_eq!(here[0].authorization(), Some("Bearer token-1"));
        let there = elsewhere.received();
        assert_eq!(there.len(), 2, "pages 2 and 3 come from the other origin");
        assert!(
            there.iter().all(|r| r.authorization().is_none()),
            "the token is not sent to another origin"
        );
        assert_eq!(calls.load(Ordering::SeqCst), 1);

        // A failing provider stops the call before anything is sent.
        let failing = Client::builder()
            .base_url(server.url("/beta"))
            .token_provider(|| async { Err(Error::Auth("no credentials".into())) })
            .build()
            .expect("client builds");
        let err = failing
            .send(&scripts::list())
            .await
            .expect_err("auth fails");
        assert!(matches!(err, Error::Auth(_)), "{err:?}");
        assert_eq!(server.received().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn raw_requests_go_through_auth_and_retries() {
    within_limit(async {
        let server = TestServer::start().await;
        server.route(
            "POST",
            "/beta/$batch",
            None,
            vec![
                Canned::empty(503).header("Retry-After", "0"),
                Canned::json(200, &json!({"responses": []})),
            ],
        );
        let client = server.client("/beta");

        let request = http::Request::builder()
            .method(http::Method::POST)
            .uri(server.url("/beta/$batch"))
            .header("content-type", "application/json")
            .body(br#"{"requests":[]}"#.to_vec())
            .expect("request builds");
        let response = client.send_raw(request).await.expect("sent");
        assert_eq!(response.status(), http::StatusCode::OK);
        let body: Value = serde_json::from_slice(response.body()).expect("JSON");
        assert_eq!(body, json!({"responses": []}));

        let received = server.received();
        assert_eq!(received.len(), 2, "retried once");
        for arrived in &received {
            assert_eq!(arrived.body, br#"{"requests":[]}"#);
            assert_eq!(
                arrived.authorization(),
                Some(format!("Bearer {TOKEN}").as_str())
            );
        }

        // A raw request that brings its own Authorization keeps it, and a
        // non-2xx status is returned as a response, not an error.
        let request = http::Request::builder()
            .uri(server.url("/beta/nothing-here"))
            .header("authorization", "Basic dXNlcjpwYXNz")
            .body(Vec::new())
            .expect("request builds");
        let response = client.send_raw(request).await.expect("sent");
        assert_eq!(response.status(), http::StatusCode::NOT_FOUND);
        let last = server.received().pop().expect("arrived");
        assert_eq!(last.authorization(), Some("Basic dXNlcjpwYXNz"));
    })
    .await;
}

#[tokio::test]
async fn a_server_that_is_not_there_is_a_transport_error() {
    within_limit(async {
        // Bind and release a port so that nothing listens on it.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let origin = format!("http://{}", listener.local_addr().expect("address"));
        drop(listener);

        let client = Client::builder()
            .base_url(format!("{origin}/beta"))
            .token_provider(StaticToken::new(TOKEN))
            .timeout(Some(Duration::from_secs(10)))
            .build()
            .expect("client builds");
        let err = client
            .send(&scripts::get("x"))
            .await
            .expect_err("nothing listens");
        assert!(matches!(err, Error::Transport(_)), "{err:?}");
        assert_eq!(err.status(), None);
    })
    .await;
}
