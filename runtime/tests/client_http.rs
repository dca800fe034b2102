//! The client over real HTTP: a small server on 127.0.0.1 answers canned
//! replies, and the tests check what the client sent and made of the answers.
//!
//! These test the runtime alone, with hand-written requests; the tests that
//! send the generated operations' documented examples are the workspace
//! root's `tests/client_http.rs`.

use std::collections::{BTreeMap, VecDeque};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use docgen_runtime::client::{
    BoxFuture, Client, ClientCredentials, DeviceCode, DeviceCodePrompt, RetryPolicy, StaticToken,
    UploadSource,
};
use docgen_runtime::runtime::{
    parse_bytes, parse_empty, parse_json, Batch, Error, ODataQuery, Page, Request, UploadSession,
    UPLOAD_CHUNK_UNIT,
};
use futures_util::{StreamExt, TryStreamExt};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use serde_json::{json, Value};

const TOKEN: &str = "test-token";

/// A canned reply: status, headers, and the body in the chunks it is sent in.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    chunks: Vec<Bytes>,
}

impl Reply {
    fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            chunks: vec![Bytes::from(body.to_string())],
        }
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    /// Path and query, as sent.
    target: String,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

#[derive(Default)]
struct State {
    /// `METHOD path?query` → replies, in order; the last one repeats.
    routes: BTreeMap<String, VecDeque<Reply>>,
    received: Vec<Received>,
}

struct Server {
    origin: String,
    state: Arc<Mutex<State>>,
}

impl Server {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let origin = format!("http://{}", listener.local_addr().expect("bound address"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
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

    fn url(&self, target: &str) -> String {
        format!("{}{target}", self.origin)
    }

    fn route(&self, method: &str, target: &str, replies: Vec<Reply>) {
        self.state
            .lock()
            .expect("state lock")
            .routes
            .insert(format!("{method} {target}"), replies.into());
    }

    fn received(&self) -> Vec<Received> {
        self.state.lock().expect("state lock").received.clone()
    }

    fn client(&self, retry: RetryPolicy) -> Client {
        Client::builder()
            .base_url(self.url("/v1.0"))
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
) -> Result<hyper::Response<BoxBody<Bytes, Infallible>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    let target = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let reply = {
        let mut state = state.lock().expect("state lock");
        state.received.push(Received {
            method: parts.method.to_string(),
            target: target.clone(),
            headers: parts.headers.clone(),
            body,
        });
        let key = format!("{} {target}", parts.method);
        match state.routes.get_mut(&key) {
            Some(replies) if replies.len() > 1 => replies.pop_front(),
            Some(replies) => replies.front().cloned(),
            None => None,
        }
    };
    let reply = reply.unwrap_or_else(|| {
        Reply::json(
            404,
            &json!({"error": {"code": "NoRoute", "message": target}}),
        )
    });
    let mut response = hyper::Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        response = response.header(name, value);
    }
    let body = if reply.chunks.len() == 1 {
        Full::new(reply.chunks[0].clone()).boxed()
    } else {
        let frames = reply
            .chunks
            .into_iter()
            .map(|chunk| Ok::<_, Infallible>(hyper::body::Frame::data(chunk)));
        BodyExt::boxed(StreamBody::new(futures_util::stream::iter(frames)))
    };
    Ok(response.body(body).expect("valid response"))
}

fn list(path: &str) -> Request<Page<Value>> {
    Request::new(http::Method::GET, path, 200, parse_json)
}

/// Three pages linked by `@odata.nextLink`, the last one with a delta link.
fn route_pages(server: &Server, first: &str) {
    server.route(
        "GET",
        first,
        vec![Reply::json(
            200,
            &json!({"value": [1, 2], "@odata.nextLink": server.url("/v1.0/next?$skiptoken=a")}),
        )],
    );
    server.route(
        "GET",
        "/v1.0/next?$skiptoken=a",
        vec![Reply::json(
            200,
            &json!({"value": [3], "@odata.nextLink": server.url("/v1.0/next?$skiptoken=b")}),
        )],
    );
    server.route(
        "GET",
        "/v1.0/next?$skiptoken=b",
        vec![Reply::json(
            200,
            &json!({"value": [4], "@odata.deltaLink": server.url("/v1.0/users/delta?$deltatoken=d1")}),
        )],
    );
}

#[tokio::test]
async fn paging_streams_are_unpin_so_next_works_without_pin() {
    let server = Server::start().await;
    route_pages(&server, "/v1.0/users");
    let client = server.client(RetryPolicy::none());

    let mut pages = client.pages(list("/users"));
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.expect("page").value.len());
    }
    assert_eq!(sizes, [2, 1, 1]);

    let mut items = client.items(list("/users"));
    assert_eq!(items.next().await.and_then(Result::ok), Some(json!(1)));
    let rest: Vec<Value> = items.try_collect().await.expect("items");
    assert_eq!(rest, [json!(2), json!(3), json!(4)]);
}

#[tokio::test]
async fn a_delta_round_keeps_the_delta_link_and_the_next_round_resumes_from_it() {
    let server = Server::start().await;
    route_pages(&server, "/v1.0/users/delta");
    server.route(
        "GET",
        "/v1.0/users/delta?$deltatoken=d1",
        vec![Reply::json(
            200,
            &json!({"value": [{"id": "5", "@removed": {"reason": "deleted"}}],
                    "@odata.deltaLink": server.url("/v1.0/users/delta?$deltatoken=d2")}),
        )],
    );
    let client = server.client(RetryPolicy::none());
    let request = list("/users/delta")
        .with_header("Prefer", "return=minimal")
        .expect("valid header");

    let first = client.delta(request.clone(), None).await.expect("round 1");
    assert_eq!(first.items, [json!(1), json!(2), json!(3), json!(4)]);
    let link = first.delta_link.expect("a delta link");
    assert_eq!(link, server.url("/v1.0/users/delta?$deltatoken=d1"));

    let second = client.delta(request, Some(&link)).await.expect("round 2");
    assert_eq!(second.items.len(), 1);
    assert_eq!(
        second.delta_link.as_deref(),
        Some(server.url("/v1.0/users/delta?$deltatoken=d2").as_str())
    );
    let resumed = server.received().pop().expect("a request");
    assert_eq!(
        (resumed.method.as_str(), resumed.target.as_str()),
        ("GET", "/v1.0/users/delta?$deltatoken=d1")
    );
    assert_eq!(resumed.headers["prefer"], "return=minimal");
    assert_eq!(resumed.headers["authorization"], format!("Bearer {TOKEN}"));
}

#[tokio::test]
async fn a_throttled_call_that_is_not_retried_keeps_retry_after_on_the_error() {
    let server = Server::start().await;
    server.route(
        "GET",
        "/v1.0/me",
        vec![Reply::json(
            429,
            &json!({"error": {"code": "TooManyRequests", "message": "Slow down."}}),
        )
        .header("Retry-After", "120")
        .header("request-id", "r-429")],
    );
    // Asked to wait longer than the policy allows: the client gives up at once.
    let client = server.client(RetryPolicy::default().with_max_wait(Duration::from_secs(5)));
    let request = Request::new(http::Method::GET, "/me", 200, parse_json::<Value>);
    let err = client.send(&request).await.expect_err("429");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(err.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
    let Error::Status(api) = &err else {
        panic!("expected Error::Status, got {err:?}");
    };
    assert_eq!(api.code(), Some("TooManyRequests"));
    assert_eq!(api.request_id.as_deref(), Some("r-429"));
    assert_eq!(server.received().len(), 1, "not retried");
}

#[tokio::test]
async fn standard_options_go_on_any_get_and_count_asks_for_eventual_consistency() {
    let server = Server::start().await;
    let target = "/v1.0/me/messages?$select=subject&$top=2&$count=true";
    server.route("GET", target, vec![Reply::json(200, &json!({"value": []}))]);
    let client = server.client(RetryPolicy::none());
    // The page of `GET /me/messages` documents only `$filter` and `$orderby`.
    let request = list("/me/messages")
        .with_documented_query_options(&["$filter", "$orderby"])
        .try_with_odata_query(&ODataQuery::new().select(["subject"]).top(2).count(true))
        .expect("a GET accepts the standard options");
    let page = client.send(&request).await.expect("page");
    assert!(page.value.is_empty());
    let sent = server.received().pop().expect("a request");
    assert_eq!(sent.target, target);
    assert_eq!(sent.headers["consistencylevel"], "eventual");
}

#[tokio::test]
async fn a_download_streams_the_body_chunk_by_chunk() {
    let server = Server::start().await;
    // 64 chunks of 16 KiB, each a different byte, sent chunked.
    let chunks: Vec<Bytes> = (0..64u8).map(|i| Bytes::from(vec![i; 16 * 1024])).collect();
    let whole: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
    server.route(
        "GET",
        "/v1.0/me/drive/items/1/content",
        vec![Reply {
            status: 200,
            headers: vec![("content-type".into(), "application/octet-stream".into())],
            chunks,
        }],
    );
    let client = server.client(RetryPolicy::none());
    let request = Request::new(
        http::Method::GET,
        "/me/drive/items/1/content",
        200,
        parse_bytes,
    );
    let mut download = client.download(&request).await.expect("download");
    assert_eq!(download.status(), http::StatusCode::OK);
    assert_eq!(
        download.headers()["content-type"],
        "application/octet-stream"
    );
    let mut received = Vec::new();
    let mut pieces = 0;
    while let Some(chunk) = download.next().await {
        received.extend_from_slice(&chunk.expect("chunk"));
        pieces += 1;
    }
    assert!(pieces > 1, "the body arrived as one piece");
    assert!(received == whole, "the bytes differ");

    let missing = Request::new(
        http::Method::GET,
        "/me/drive/items/2/content",
        200,
        parse_bytes,
    );
    match client.download(&missing).await {
        Err(Error::Status(api)) => assert_eq!(api.code(), Some("NoRoute")),
        other => panic!("expected a typed 404, got {other:?}"),
    }
}

/// The reply to an upload chunk that asks for the bytes from `next` on.
fn expecting(next: u64) -> Reply {
    Reply::json(
        202,
        &json!({"expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": [format!("{next}-")]}),
    )
}

#[tokio::test]
async fn a_large_file_goes_up_in_ranged_chunks_without_the_token() {
    let server = Server::start().await;
    let unit = UPLOAD_CHUNK_UNIT;
    server.route(
        "PUT",
        "/upload/s1?sig=x",
        vec![
            expecting(unit),
            expecting(2 * unit),
            expecting(3 * unit),
            Reply::json(201, &json!({"id": "file-1", "size": 1_000_000})),
        ],
    );
    let client = server.client(RetryPolicy::none());
    let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let session =
        UploadSession::new(server.url("/upload/s1?sig=x"), 1_000_000).with_chunk_size(unit);
    let item: Value = client
        .upload(&session, data.as_slice())
        .await
        .expect("uploaded");
    assert_eq!(item["id"], "file-1");

    let puts = server.received();
    let ranges: Vec<&str> = puts
        .iter()
        .map(|put| put.headers["content-range"].to_str().unwrap_or("?"))
        .collect();
    assert_eq!(
        ranges,
        [
            "bytes 0-327679/1000000",
            "bytes 327680-655359/1000000",
            "bytes 655360-983039/1000000",
            "bytes 983040-999999/1000000"
        ]
    );
    let sent: Vec<u8> = puts
        .iter()
        .flat_map(|put| put.body.iter().copied())
        .collect();
    assert!(sent == data, "the chunks do not add up to the file");
    assert!(
        puts.iter()
            .all(|put| !put.headers.contains_key("authorization")),
        "the pre-authenticated upload URL got the token"
    );

    // A source one byte short fails on the last chunk, before sending it.
    server.route(
        "PUT",
        "/upload/short",
        vec![expecting(unit), expecting(2 * unit), expecting(3 * unit)],
    );
    let session = UploadSession::new(server.url("/upload/short"), 1_000_000).with_chunk_size(unit);
    let short = client.upload::<Value>(&session, &data[1..]).await;
    assert!(matches!(short, Err(Error::InvalidRequest(_))), "{short:?}");
    assert_eq!(server.received().len(), puts.len() + 3);
}

#[tokio::test]
async fn an_interrupted_upload_resumes_where_the_service_left_off() {
    let server = Server::start().await;
    let unit = UPLOAD_CHUNK_UNIT;
    server.route(
        "GET",
        "/upload/s2",
        vec![Reply::json(
            200,
            &json!({"nextExpectedRanges": [format!("{}-", 2 * unit)]}),
        )],
    );
    server.route(
        "PUT",
        "/upload/s2",
        vec![
            expecting(3 * unit),
            Reply::json(200, &json!({"id": "file-2"})),
        ],
    );
    let client = server.client(RetryPolicy::none());
    let data = vec![7u8; 1_000_000];
    let session = UploadSession::new(server.url("/upload/s2"), 1_000_000).with_chunk_size(unit);
    let item: Value = client
        .resume_upload(&session, data.as_slice())
        .await
        .expect("resumed");
    assert_eq!(item["id"], "file-2");
    let received = server.received();
    let asked: Vec<String> = received
        .iter()
        .map(|r| {
            let range = r.headers.get("content-range").and_then(|v| v.to_str().ok());
            format!("{} {}", r.method, range.unwrap_or("-"))
        })
        .collect();
    assert_eq!(
        asked,
        [
            "GET -",
            "PUT bytes 655360-983039/1000000",
            "PUT bytes 983040-999999/1000000"
        ]
    );
}

#[tokio::test]
async fn a_batch_goes_as_one_request_and_each_answer_reads_typed() {
    let server = Server::start().await;
    server.route(
        "POST",
        "/v1.0/$batch",
        vec![Reply::json(
            200,
            &json!({"responses": [
                {"id": "delete", "status": 204, "headers": {}},
                {"id": "me", "status": 200, "headers": {"content-type": "application/json"},
                 "body": {"displayName": "Ada"}},
                {"id": "missing", "status": 404,
                 "body": {"error": {"code": "Request_ResourceNotFound", "message": "No."}}}
            ]}),
        )],
    );
    let client = server.client(RetryPolicy::none());
    let me = Request::new(http::Method::GET, "/me", 200, parse_json::<Value>);
    let missing = Request::new(http::Method::GET, "/users/nobody", 200, parse_json::<Value>);
    let delete = Request::new(http::Method::DELETE, "/me/events/1", 204, parse_empty);
    let mut batch = Batch::new();
    batch
        .add("me", &me)
        .and_then(|b| b.add("missing", &missing))
        .and_then(|b| b.add_after("delete", &delete, &["me"]))
        .expect("fits");
    let reply = client
        .send(&batch.to_request().expect("builds"))
        .await
        .expect("batch sent");
    assert_eq!(
        reply.result("me", &me).ok(),
        Some(json!({"displayName": "Ada"}))
    );
    assert!(reply.result("delete", &delete).is_ok());
    match reply.result("missing", &missing) {
        Err(Error::Status(api)) => assert_eq!(api.code(), Some("Request_ResourceNotFound")),
        other => panic!("expected a typed 404, got {other:?}"),
    }
    let sent = server.received().pop().expect("a request");
    let body: Value = serde_json::from_slice(&sent.body).expect("JSON body");
    assert_eq!(body["requests"].as_array().map(Vec::len), Some(3));
    assert_eq!(body["requests"][2]["dependsOn"], json!(["me"]));
    assert_eq!(sent.headers["authorization"], format!("Bearer {TOKEN}"));
}

#[tokio::test]
async fn client_credentials_are_cached_and_renewed_before_expiry() {
    let server = Server::start().await;
    let token_path = "/tenant-1/oauth2/v2.0/token";
    server.route(
        "POST",
        token_path,
        vec![
            // Renewed at once: it lives less than the refresh margin.
            Reply::json(
                200,
                &json!({"access_token": "short", "expires_in": 60, "token_type": "Bearer"}),
            ),
            Reply::json(
                200,
                &json!({"access_token": "long", "expires_in": 3600, "token_type": "Bearer"}),
            ),
        ],
    );
    server.route(
        "GET",
        "/v1.0/me",
        vec![Reply::json(200, &json!({"id": "1"}))],
    );
    let credentials = ClientCredentials::new("tenant-1", "app-id", "s3cret&=")
        .authority(server.url("/"))
        .refresh_margin(Duration::from_secs(300));
    assert!(!format!("{credentials:?}").contains("s3cret"));
    let client = Client::builder()
        .base_url(server.url("/v1.0"))
        .token_provider(credentials)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    let me = Request::new(http::Method::GET, "/me", 200, parse_json::<Value>);
    for _ in 0..3 {
        client.send(&me).await.expect("sent");
    }
    let received = server.received();
    let seen: Vec<String> = received
        .iter()
        .map(|r| {
            let auth = r.headers.get("authorization").and_then(|v| v.to_str().ok());
            format!("{} {} {}", r.method, r.target, auth.unwrap_or("-"))
        })
        .collect();
    assert_eq!(
        seen,
        [
            format!("POST {token_path} -"),
            "GET /v1.0/me Bearer short".to_owned(),
            format!("POST {token_path} -"),
            "GET /v1.0/me Bearer long".to_owned(),
            "GET /v1.0/me Bearer long".to_owned(),
        ]
    );
    let form = String::from_utf8_lossy(&received[0].body).into_owned();
    assert_eq!(
        form,
        "grant_type=client%5Fcredentials&client_id=app%2Did&client_secret=s3cret%26%3D\
         &scope=https%3A%2F%2Fgraph%2Emicrosoft%2Ecom%2F%2Edefault"
    );
}

#[tokio::test]
async fn a_refused_client_secret_is_an_auth_error() {
    let server = Server::start().await;
    server.route(
        "POST",
        "/t/oauth2/v2.0/token",
        vec![Reply::json(
            401,
            &json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret."}),
        )],
    );
    let client = Client::builder()
        .base_url(server.url("/v1.0"))
        .token_provider(ClientCredentials::new("t", "app", "wrong").authority(server.url("")))
        .build()
        .expect("client builds");
    let me = Request::new(http::Method::GET, "/me", 200, parse_json::<Value>);
    match client.send(&me).await {
        Err(Error::Auth(reason)) => {
            assert!(reason.to_string().contains("invalid_client"), "{reason}")
        }
        other => panic!("expected an auth error, got {other:?}"),
    }
    assert_eq!(server.received().len(), 1, "the API was not called");
}

#[tokio::test]
async fn the_retry_policy_can_change_for_one_request() {
    let server = Server::start().await;
    let throttled =
        Reply::json(429, &json!({"error": {"code": "TooManyRequests"}})).header("Retry-After", "0");
    server.route(
        "GET",
        "/v1.0/me",
        vec![
            throttled.clone(),
            throttled,
            Reply::json(200, &json!({"id": "1"})),
        ],
    );
    let client = server.client(RetryPolicy::default());
    let me = Request::new(http::Method::GET, "/me", 200, parse_json::<Value>);

    let once = client
        .with_retry_policy(RetryPolicy::none())
        .send(&me)
        .await;
    assert_eq!(
        once.err().and_then(|e| e.retry_after()),
        Some(Duration::ZERO)
    );
    assert_eq!(server.received().len(), 1);
    assert_eq!(
        client.retry_policy(),
        RetryPolicy::default(),
        "the client is unchanged"
    );

    let retried = client.send(&me).await.expect("retried until it succeeds");
    assert_eq!(retried["id"], "1");
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn the_device_code_flow_prompts_once_polls_until_signed_in_then_refreshes() {
    let server = Server::start().await;
    server.route(
        "POST",
        "/organizations/oauth2/v2.0/devicecode",
        vec![Reply::json(
            200,
            &json!({"device_code": "dc-1", "user_code": "ABCD-EFGH",
                    "verification_uri": "https://microsoft.com/devicelogin",
                    "expires_in": 900, "interval": 0,
                    "message": "To sign in, enter ABCD-EFGH at https://microsoft.com/devicelogin"}),
        )],
    );
    server.route(
        "POST",
        "/organizations/oauth2/v2.0/token",
        vec![
            Reply::json(
                400,
                &json!({"error": "authorization_pending", "error_description": "Not yet."}),
            ),
            // Lives less than the refresh margin: renewed on the next request.
            Reply::json(
                200,
                &json!({"access_token": "u1", "refresh_token": "r1", "expires_in": 60}),
            ),
            Reply::json(
                200,
                &json!({"access_token": "u2", "refresh_token": "r2", "expires_in": 3600}),
            ),
        ],
    );
    server.route(
        "GET",
        "/v1.0/me",
        vec![Reply::json(200, &json!({"id": "1"}))],
    );
    let prompts: Arc<Mutex<Vec<DeviceCodePrompt>>> = Arc::default();
    let shown = Arc::clone(&prompts);
    let flow = DeviceCode::new("organizations", "public-app", move |prompt| {
        shown.lock().expect("prompt lock").push(prompt.clone());
    })
    .authority(server.url(""));
    let client = Client::builder()
        .base_url(server.url("/v1.0"))
        .token_provider(flow)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds");
    let me = Request::new(http::Method::GET, "/me", 200, parse_json::<Value>);
    for _ in 0..3 {
        client.send(&me).await.expect("sent");
    }

    let prompts = prompts.lock().expect("prompt lock").clone();
    assert_eq!(prompts.len(), 1, "the user is asked once");
    assert_eq!(prompts[0].user_code, "ABCD-EFGH");
    let received = server.received();
    let seen: Vec<String> = received
        .iter()
        .map(|r| match r.headers.get("authorization") {
            Some(auth) => format!("{} {}", r.target, auth.to_str().unwrap_or("?")),
            None => {
                let form = String::from_utf8_lossy(&r.body).into_owned();
                let grant = form.split('&').next().unwrap_or_default().to_owned();
                format!("{} {grant}", r.target)
            }
        })
        .collect();
    let token = "/organizations/oauth2/v2.0/token";
    assert_eq!(
        seen,
        [
            "/organizations/oauth2/v2.0/devicecode client_id=public%2Dapp".to_owned(),
            format!(
                "{token} grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant%2Dtype%3Adevice%5Fcode"
            ),
            format!(
                "{token} grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant%2Dtype%3Adevice%5Fcode"
            ),
            "/v1.0/me Bearer u1".to_owned(),
            format!("{token} grant_type=refresh%5Ftoken"),
            "/v1.0/me Bearer u2".to_owned(),
            "/v1.0/me Bearer u2".to_owned(),
        ]
    );
    let refresh = String::from_utf8_lossy(&received[4].body).into_owned();
    assert!(refresh.contains("refresh_token=r1"), "{refresh}");
}

/// A file that is never in memory whole: each byte is its offset mod 251.
struct Generated {
    reads: Vec<std::ops::Range<u64>>,
}

impl UploadSource for Generated {
    fn read_range(&mut self, range: std::ops::Range<u64>) -> BoxFuture<'_, Result<Vec<u8>, Error>> {
        self.reads.push(range.clone());
        let bytes = range.map(|offset| (offset % 251) as u8).collect();
        Box::pin(async move { Ok(bytes) })
    }
}

#[tokio::test]
async fn an_upload_reads_its_source_one_chunk_at_a_time() {
    let server = Server::start().await;
    let unit = UPLOAD_CHUNK_UNIT;
    server.route(
        "PUT",
        "/upload/s3",
        vec![expecting(unit), Reply::json(201, &json!({"id": "file-3"}))],
    );
    let client = server.client(RetryPolicy::none());
    let session = UploadSession::new(server.url("/upload/s3"), unit + 10).with_chunk_size(unit);
    let mut source = Generated { reads: Vec::new() };
    let item: Value = client
        .upload(&session, &mut source)
        .await
        .expect("uploaded");
    assert_eq!(item["id"], "file-3");
    assert_eq!(source.reads, [0..unit, unit..unit + 10]);
    let last = server.received().pop().expect("a request");
    assert_eq!(
        last.body,
        (unit..unit + 10)
            .map(|o| (o % 251) as u8)
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_download_follows_the_redirect_without_the_token() {
    // Graph answers `/content` with a 302 to a pre-authenticated URL elsewhere.
    let api = Server::start().await;
    let storage = Server::start().await;
    api.route(
        "GET",
        "/v1.0/me/drive/items/1/content",
        vec![Reply {
            status: 302,
            headers: vec![("location".into(), storage.url("/blob/1?sig=x"))],
            chunks: vec![Bytes::new()],
        }],
    );
    storage.route(
        "GET",
        "/blob/1?sig=x",
        vec![Reply {
            status: 200,
            headers: Vec::new(),
            chunks: vec![Bytes::from_static(b"file bytes")],
        }],
    );
    let client = api.client(RetryPolicy::none());
    let request = Request::new(
        http::Method::GET,
        "/me/drive/items/1/content",
        200,
        parse_bytes,
    );
    let body: Vec<Bytes> = client
        .download(&request)
        .await
        .expect("download")
        .try_collect()
        .await
        .expect("body");
    assert_eq!(body.concat(), b"file bytes");
    assert_eq!(
        api.received()[0].headers["authorization"],
        format!("Bearer {TOKEN}")
    );
    let fetched = storage.received();
    assert_eq!(fetched.len(), 1);
    assert!(
        !fetched[0].headers.contains_key("authorization"),
        "the token went to another origin"
    );
}
