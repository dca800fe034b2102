//! An async client that sends the operations' requests (cargo feature
//! `client`).
//!
//! The operations build sans-IO [`Request`]s; a [`Client`] sends them with
//! [reqwest](https://docs.rs/reqwest) and parses the replies. Every call goes
//! through one pipeline:
//!
//! * **Base URL**: paths are joined to [`crate::SERVICE_ROOT`] unless
//!   [`ClientBuilder::base_url`] says otherwise.
//! * **Auth**: a [`TokenProvider`] is asked for a token before every attempt,
//!   and the token goes out as `Authorization: Bearer <token>` (the scheme is
//!   [`ClientBuilder::auth_scheme`]). It is only sent to the base URL's
//!   origin, so an `@odata.nextLink` or raw request that points elsewhere
//!   does not leak it. [`ClientCredentials`] (an app as itself) and
//!   [`DeviceCode`] (a user signing in on another device) are providers for
//!   the OAuth 2.0 flows, with a token cache renewed before expiry.
//! * **Retries**: responses with status 429, 503 or 504 are retried as the
//!   [`RetryPolicy`] allows, waiting as long as their `Retry-After` header
//!   asks ([`Client::with_retry_policy`] changes it per request). A reply
//!   still throttled when the policy gives up keeps its
//!   `Retry-After` on the error ([`Error::retry_after`]).
//! * **Paging**: [`Client::pages`], [`Client::items`] and
//!   [`Client::collect_all`] follow `@odata.nextLink` from page to page;
//!   the streams are `Unpin`.
//! * **Delta queries**: [`Client::delta`] reads one round and keeps its
//!   `@odata.deltaLink`, from which the next round resumes.
//! * **Downloads**: [`Client::download`] streams a body in chunks instead of
//!   reading it into memory.
//! * **Large uploads**: [`Client::upload`] sends a file through an upload
//!   session ([`UploadSession`]) in ranged chunks; [`Client::resume_upload`]
//!   goes on after an interruption.
//! * **Batches**: a [`Batch`](crate::runtime::Batch) of up to 20 requests is
//!   one request to [`Client::send`]; each answer reads typed.
//! * **Raw requests**: [`Client::send_raw`] sends any `http::Request` through
//!   the same pipeline and returns the `http::Response` as it is.
//!
//! Errors are the runtime's [`Error`]: [`Error::Status`] for a non-2xx reply
//! (with the Graph error code and message), [`Error::Transport`] when the
//! request could not be sent or read, [`Error::Auth`] when no token could be
//! had.
//!
//! ```no_run
//! use graph_sdk::client::{Client, StaticToken};
//! use graph_sdk::runtime::{parse_json, ODataQuery, Page, Request};
//!
//! # async fn run() -> Result<(), graph_sdk::runtime::Error> {
//! let client = Client::new(StaticToken::new("eyJ0eXAiOi..."))?;
//!
//! // Any operation's request works the same way; this one is written out.
//! let request: Request<Page<serde_json::Value>> =
//!     Request::new(http::Method::GET, "/users", 200, parse_json)
//!         .with_odata_query(&ODataQuery::new().select(["id", "displayName"]).top(100));
//! let users = client.collect_all(request).await?;
//! println!("{} users", users.len());
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;

use crate::runtime::{retry_after, ApiError, Error, Page, Request, UploadSession, UploadStatus};

// === Auth ===

/// A boxed future that can be sent between threads, as
/// [`TokenProvider::token`] returns it.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The auth hook: supplies the access token the client sends.
///
/// The client asks for a token before every attempt of every request
/// (retries and later pages included), so a provider that caches its token
/// and renews it shortly before it expires never has a request fail on a
/// stale token. Failures should be reported as [`Error::Auth`].
///
/// [`StaticToken`] is a fixed token. Any closure returning a future of
/// `Result<String, Error>` is a provider too:
///
/// ```
/// use graph_sdk::client::TokenProvider;
/// use graph_sdk::runtime::Error;
///
/// fn from_environment() -> impl TokenProvider {
///     || async {
///         std::env::var("GRAPH_TOKEN").map_err(|err| Error::Auth(Box::new(err)))
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync {
    /// Returns the access token to send with the next attempt.
    fn token(&self) -> BoxFuture<'_, Result<String, Error>>;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<String, Error>> + Send + 'static,
{
    fn token(&self) -> BoxFuture<'_, Result<String, Error>> {
        Box::pin(self())
    }
}

/// A token provider that always returns the same token, for example one
/// obtained by a script or a test.
#[derive(Clone)]
pub struct StaticToken(String);

impl StaticToken {
    /// Wraps `token`: the access token itself, without the `Bearer ` prefix.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }
}

// Written by hand so that the token never ends up in a log.
impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(..)")
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<String, Error>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}

// === Credentials ===

/// The OAuth 2.0 client credentials flow: an app signs in as itself with its
/// client id and secret, and the token is cached and renewed before it
/// expires. A [`TokenProvider`], so it plugs into [`ClientBuilder::token_provider`].
///
/// Tokens come from `{authority}/{tenant}/oauth2/v2.0/token` (the Microsoft
/// identity platform's endpoint; [`ClientCredentials::authority`] points it
/// at a national cloud or a test server) for the scope
/// `https://graph.microsoft.com/.default` unless
/// [`ClientCredentials::scope`] says otherwise.
///
/// A cached token is used until [`ClientCredentials::refresh_margin`]
/// (default 5 minutes) before it expires, so no request goes out with a
/// token about to lapse. Two requests that find the token stale at the same
/// moment may both fetch a new one; the later one is kept.
pub struct ClientCredentials {
    platform: IdentityPlatform,
    client_secret: String,
    cache: std::sync::Mutex<Option<CachedToken>>,
}

/// What every credential flow asks the identity platform with: where, for
/// which app and scope, and how early it renews a token.
struct IdentityPlatform {
    authority: String,
    tenant: String,
    client_id: String,
    scope: String,
    refresh_margin: Duration,
    http: reqwest::Client,
}

impl IdentityPlatform {
    fn new(tenant: String, client_id: String, scope: &str) -> Self {
        Self {
            authority: "https://login.microsoftonline.com".to_owned(),
            tenant,
            client_id,
            scope: scope.to_owned(),
            refresh_margin: Duration::from_secs(5 * 60),
            http: reqwest::Client::new(),
        }
    }

    fn set_authority(&mut self, authority: String) {
        self.authority = authority.trim_end_matches('/').to_owned();
    }

    /// The URL of the OAuth 2.0 endpoint `name` (`token`, `devicecode`).
    fn endpoint(&self, name: &str) -> String {
        format!("{}/{}/oauth2/v2.0/{name}", self.authority, self.tenant)
    }

    /// The fields a `Debug` of a flow shows (never a secret or a token).
    fn debug_fields(&self, debug: &mut fmt::DebugStruct<'_, '_>) {
        debug
            .field("authority", &self.authority)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .field("refresh_margin", &self.refresh_margin);
    }
}

/// A token and when to stop using it.
struct CachedToken {
    token: String,
    renew_at: std::time::Instant,
}

/// The token endpoint's answer.
#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Seconds; absent from some servers' replies, then the token is not cached.
    #[serde(default)]
    expires_in: Option<u64>,
    /// Sent to user flows when `offline_access` was asked for.
    #[serde(default)]
    refresh_token: Option<String>,
}

impl ClientCredentials {
    /// Credentials of the app `client_id` with `client_secret` in `tenant`
    /// (a tenant id or domain).
    pub fn new(
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            platform: IdentityPlatform::new(
                tenant.into(),
                client_id.into(),
                "https://graph.microsoft.com/.default",
            ),
            client_secret: client_secret.into(),
            cache: std::sync::Mutex::new(None),
        }
    }

    /// Sets the authority host (default `https://login.microsoftonline.com`).
    pub fn authority(mut self, authority: impl Into<String>) -> Self {
        self.platform.set_authority(authority.into());
        self
    }

    /// Sets the scope asked for (default `https://graph.microsoft.com/.default`).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.platform.scope = scope.into();
        self
    }

    /// Sets how long before its expiry a cached token is renewed (default 5 min).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.platform.refresh_margin = margin;
        self
    }

    /// The cached token, if it is not yet due for renewal. A poisoned lock
    /// (a panic elsewhere) only means there is no cache.
    fn cached(&self) -> Option<String> {
        let cache = self.cache.lock().ok()?;
        let cached = cache.as_ref()?;
        (std::time::Instant::now() < cached.renew_at).then(|| cached.token.clone())
    }

    async fn fetch(&self) -> Result<String, Error> {
        let platform = &self.platform;
        let url = platform.endpoint("token");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", &platform.client_id),
            ("client_secret", &self.client_secret),
            ("scope", &platform.scope),
        ];
        let token: TokenResponse = post_form(&platform.http, &url, &form)
            .await?
            .map_err(|refusal| Error::Auth(refusal.to_string().into()))?;
        if let (Some(seconds), Ok(mut cache)) = (token.expires_in, self.cache.lock()) {
            *cache = Some(CachedToken {
                token: token.access_token.clone(),
                renew_at: renew_at(seconds, platform.refresh_margin),
            });
        }
        Ok(token.access_token)
    }
}

/// When to renew a token that lives `expires_in` seconds: `margin` before.
/// Capped at a day: `expires_in` comes off the network, and an absurd one
/// must neither overflow the clock nor pin a token.
fn renew_at(expires_in: u64, margin: Duration) -> std::time::Instant {
    let lifetime = Duration::from_secs(expires_in.min(24 * 60 * 60)).saturating_sub(margin);
    std::time::Instant::now() + lifetime
}

/// An error answer of the identity platform: `error` (such as
/// `authorization_pending`) and `error_description`.
#[derive(Debug, Default)]
struct Refusal {
    url: String,
    status: http::StatusCode,
    error: String,
    description: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} answered HTTP {}: {}: {}",
            self.url, self.status, self.error, self.description
        )
    }
}

/// Posts `form` to an identity platform endpoint: `Ok(Ok(T))` for a 2xx
/// JSON answer, `Ok(Err(refusal))` for an error answer the flow may handle
/// (a pending device code), `Err` when it could not be sent or read.
async fn post_form<T: DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
) -> Result<Result<T, Refusal>, Error> {
    let body = form
        .iter()
        .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, NON_ALPHANUMERIC)))
        .collect::<Vec<_>>()
        .join("&");
    let response = http
        .post(url)
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(body)
        .send()
        .await
        .map_err(|err| Error::Auth(Box::new(err)))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|err| Error::Auth(Box::new(err)))?;
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map(Ok)
            .map_err(|err| Error::Auth(Box::new(err)));
    }
    let json = serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_default();
    let text = |key: &str| {
        json.get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Ok(Err(Refusal {
        url: url.to_owned(),
        status,
        error: text("error"),
        description: text("error_description"),
    }))
}

// Written by hand so that the secret and the token never end up in a log.
impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("ClientCredentials");
        self.platform.debug_fields(&mut debug);
        debug.finish_non_exhaustive()
    }
}

impl TokenProvider for ClientCredentials {
    fn token(&self) -> BoxFuture<'_, Result<String, Error>> {
        Box::pin(async move {
            match self.cached() {
                Some(token) => Ok(token),
                None => self.fetch().await,
            }
        })
    }
}

/// What to show the user in the device code flow: go to
/// `verification_uri` and enter `user_code` (`message` says both, in the
/// user's language).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct DeviceCodePrompt {
    /// The code the user enters.
    pub user_code: String,
    /// Where the user enters it, such as `https://microsoft.com/devicelogin`.
    pub verification_uri: String,
    /// A sentence that tells the user what to do.
    #[serde(default)]
    pub message: String,
}

/// The devicecode endpoint's answer.
#[derive(serde::Deserialize)]
struct DeviceCodeGrant {
    device_code: String,
    #[serde(flatten)]
    prompt: DeviceCodePrompt,
    /// Seconds the code stays valid.
    #[serde(default = "default_device_code_lifetime")]
    expires_in: u64,
    /// Seconds between two polls of the token endpoint.
    #[serde(default = "default_poll_interval")]
    interval: u64,
}

fn default_device_code_lifetime() -> u64 {
    900
}

fn default_poll_interval() -> u64 {
    5
}

/// The OAuth 2.0 device authorization grant: a user signs in on another
/// device (a phone, a browser elsewhere) while the program waits, for tools
/// that run where no browser can open. A [`TokenProvider`].
///
/// On the first request it asks `{authority}/{tenant}/oauth2/v2.0/devicecode`
/// for a code, hands the [`DeviceCodePrompt`] to the `prompt` callback, and
/// polls the token endpoint until the user has signed in (or the code
/// expires: [`Error::Auth`]). The token is cached and, shortly before it
/// expires ([`DeviceCode::refresh_margin`]), renewed with the refresh token
/// without asking the user again; only if that fails is the user asked anew.
/// Requests that need a token while a sign-in is under way wait for it
/// rather than starting a second one.
pub struct DeviceCode {
    platform: IdentityPlatform,
    prompt: Box<dyn Fn(&DeviceCodePrompt) + Send + Sync>,
    /// Held across the whole sign-in, so there is one at a time.
    cache: tokio::sync::Mutex<Option<UserToken>>,
}

/// A user's token, with what renews it.
struct UserToken {
    token: String,
    refresh_token: Option<String>,
    renew_at: std::time::Instant,
}

impl DeviceCode {
    /// The flow for the public client app `client_id` in `tenant` (a tenant
    /// id or domain, or `organizations` / `common`), showing the prompt with
    /// `prompt`, for the scope `https://graph.microsoft.com/.default
    /// offline_access` (`offline_access` brings the refresh token).
    pub fn new(
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        prompt: impl Fn(&DeviceCodePrompt) + Send + Sync + 'static,
    ) -> Self {
        Self {
            platform: IdentityPlatform::new(
                tenant.into(),
                client_id.into(),
                "https://graph.microsoft.com/.default offline_access",
            ),
            prompt: Box::new(prompt),
            cache: tokio::sync::Mutex::new(None),
        }
    }

    /// Sets the authority host (default `https://login.microsoftonline.com`).
    pub fn authority(mut self, authority: impl Into<String>) -> Self {
        self.platform.set_authority(authority.into());
        self
    }

    /// Sets the scopes asked for, separated by spaces.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.platform.scope = scope.into();
        self
    }

    /// Sets how long before its expiry a token is renewed (default 5 min).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.platform.refresh_margin = margin;
        self
    }

    /// Renews with the refresh token; `None` if the service refuses it.
    async fn refresh(&self, refresh_token: &str) -> Result<Option<TokenResponse>, Error> {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", self.platform.client_id.as_str()),
            ("refresh_token", refresh_token),
            ("scope", self.platform.scope.as_str()),
        ];
        Ok(
            post_form(&self.platform.http, &self.platform.endpoint("token"), &form)
                .await?
                .ok(),
        )
    }

    /// Asks the user to sign in and waits until they have.
    async fn sign_in(&self) -> Result<TokenResponse, Error> {
        let form = [
            ("client_id", self.platform.client_id.as_str()),
            ("scope", self.platform.scope.as_str()),
        ];
        let grant: DeviceCodeGrant = post_form(
            &self.platform.http,
            &self.platform.endpoint("devicecode"),
            &form,
        )
        .await?
        .map_err(|refusal| Error::Auth(refusal.to_string().into()))?;
        (self.prompt)(&grant.prompt);
        let give_up = renew_at(grant.expires_in, Duration::ZERO);
        let mut interval = Duration::from_secs(grant.interval.min(60));
        let form = [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", self.platform.client_id.as_str()),
            ("device_code", grant.device_code.as_str()),
        ];
        loop {
            tokio::time::sleep(interval).await;
            match post_form(&self.platform.http, &self.platform.endpoint("token"), &form).await? {
                Ok(token) => return Ok(token),
                Err(refusal) if refusal.error == "authorization_pending" => {}
                // The service asks to poll 5 s less often (RFC 8628, 3.5).
                Err(refusal) if refusal.error == "slow_down" => {
                    interval += Duration::from_secs(5);
                }
                Err(refusal) => return Err(Error::Auth(refusal.to_string().into())),
            }
            if std::time::Instant::now() >= give_up {
                return Err(Error::Auth("the device code expired before sign-in".into()));
            }
        }
    }
}

// Written by hand: the prompt callback has no Debug, the tokens must not.
impl fmt::Debug for DeviceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("DeviceCode");
        self.platform.debug_fields(&mut debug);
        debug.finish_non_exhaustive()
    }
}

impl TokenProvider for DeviceCode {
    fn token(&self) -> BoxFuture<'_, Result<String, Error>> {
        Box::pin(async move {
            let mut cache = self.cache.lock().await;
            let refresh_token = match cache.as_ref() {
                Some(cached) if std::time::Instant::now() < cached.renew_at => {
                    return Ok(cached.token.clone());
                }
                Some(cached) => cached.refresh_token.clone(),
                None => None,
            };
            let renewed = match refresh_token {
                Some(refresh_token) => self.refresh(&refresh_token).await?,
                None => None,
            };
            let token = match renewed {
                Some(token) => token,
                None => self.sign_in().await?,
            };
            *cache = Some(UserToken {
                token: token.access_token.clone(),
                // Without a lifetime, renew at the next request.
                renew_at: renew_at(token.expires_in.unwrap_or(0), self.platform.refresh_margin),
                refresh_token: token.refresh_token,
            });
            Ok(token.access_token)
        })
    }
}

// === Retries ===

/// When and how long the client waits before sending a request again.
///
/// A response with status 429 (Too Many Requests), 503 (Service
/// Unavailable) or 504 (Gateway Timeout) is retried at most
/// [`max_retries`](RetryPolicy::max_retries) times. The wait is the
/// response's `Retry-After` header (in seconds) when it has one; if that is
/// longer than [`max_wait`](RetryPolicy::max_wait), the client does not wait
/// but returns the response (as [`Error::Status`] from a typed call).
/// Without the header the wait doubles with every retry, starting at
/// [`base_delay`](RetryPolicy::base_delay) and never exceeding `max_wait`.
/// Errors of the transport itself are not retried.
///
/// The default is 3 retries, a 1 s base delay and at most 60 s per wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every response is returned as it arrives.
    pub fn none() -> Self {
        Self::default().with_max_retries(0)
    }

    /// Sets how many times one request may be sent again.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the first wait when the response has no `Retry-After` header.
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// Sets the longest the client waits before one retry.
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// How many times one request may be sent again.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The first wait when the response has no `Retry-After` header.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest the client waits before one retry.
    pub fn max_wait(&self) -> Duration {
        self.max_wait
    }

    /// How long to wait before sending again a request that got `response`
    /// after `retries` retries, or `None` to return the response.
    fn delay(&self, retries: u32, response: &http::Response<Vec<u8>>) -> Option<Duration> {
        let retryable = matches!(
            response.status(),
            http::StatusCode::TOO_MANY_REQUESTS
                | http::StatusCode::SERVICE_UNAVAILABLE
                | http::StatusCode::GATEWAY_TIMEOUT
        );
        if !retryable || retries >= self.max_retries {
            return None;
        }
        match retry_after(response.headers()) {
            Some(asked) if asked > self.max_wait => None,
            Some(asked) => Some(asked),
            None => {
                let factor = 2u32.checked_pow(retries).unwrap_or(u32::MAX);
                let backoff = self.base_delay.checked_mul(factor).unwrap_or(self.max_wait);
                Some(backoff.min(self.max_wait))
            }
        }
    }
}

// === Client ===

/// Sends requests to the API; see the [module documentation](self).
///
/// Cloning is cheap and shares the connection pool, so one client can serve
/// a whole program. Build one with [`Client::new`] or [`Client::builder`].
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    origin: Origin,
    token_provider: Option<Arc<dyn TokenProvider>>,
    auth_scheme: String,
    retry: RetryPolicy,
    timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("has_token_provider", &self.token_provider.is_some())
            .field("auth_scheme", &self.auth_scheme)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for [`crate::SERVICE_ROOT`] that authenticates with
    /// `token_provider` and otherwise uses the defaults of
    /// [`ClientBuilder`].
    ///
    /// Fails with [`Error::Transport`] if the HTTP client cannot be set up
    /// (for example its TLS backend).
    pub fn new(token_provider: impl TokenProvider + 'static) -> Result<Self, Error> {
        Self::builder().token_provider(token_provider).build()
    }

    /// A builder with every setting at its default.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL request paths are joined to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// The same client with another retry policy, for one request or a few:
    /// `client.with_retry_policy(RetryPolicy::none()).send(&request)`.
    /// Cheap: the connection pool and the token provider are shared.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        Client {
            retry: policy,
            ..self.clone()
        }
    }

    /// Sends `request` and parses the reply into its typed result.
    ///
    /// A non-2xx reply (after retries) is [`Error::Status`] with the
    /// service's error code, message and request id.
    pub async fn send<R>(&self, request: &Request<R>) -> Result<R, Error> {
        let response = self.send_raw(request.to_http(&self.base_url)?).await?;
        request.parse_response(response)
    }

    /// Sends the pages of a collection one after another, following each
    /// page's `@odata.nextLink` until a page has none.
    ///
    /// The stream ends after the first error. Nothing is sent until the
    /// stream is polled, and the next page is only asked for when the
    /// stream is polled again. It is boxed, so it is `Unpin`: `.next()`
    /// works on it without pinning.
    pub fn pages<'a, T: Send + 'a>(
        &'a self,
        request: Request<Page<T>>,
    ) -> BoxStream<'a, Result<Page<T>, Error>> {
        self.page_stream(request, Cursor::First).boxed()
    }

    /// The items of every page of a collection, in order; see
    /// [`Client::pages`].
    pub fn items<'a, T: Send + 'a>(
        &'a self,
        request: Request<Page<T>>,
    ) -> BoxStream<'a, Result<T, Error>> {
        self.page_stream(request, Cursor::First)
            .map_ok(|page| stream::iter(page.value).map(Ok))
            .try_flatten()
            .boxed()
    }

    /// Reads every page of a collection and returns all items, in order.
    ///
    /// Use [`Client::items`] instead to process a large collection without
    /// holding it in memory, or to stop early.
    pub async fn collect_all<T>(&self, request: Request<Page<T>>) -> Result<Vec<T>, Error> {
        let (items, _) = self.read_all(&request, Cursor::First).await?;
        Ok(items)
    }

    /// Runs one round of a delta query: reads every page, from `request`
    /// (the first round) or from the `@odata.deltaLink` of the previous
    /// round (`resume_from`), and returns the changed items with the delta
    /// link for the next round.
    ///
    /// `request` is the operation's delta request (such as `GET
    /// /users/delta`); on a resumed round only its headers are sent, since
    /// the delta link carries the path and the state.
    pub async fn delta<T>(
        &self,
        request: Request<Page<T>>,
        resume_from: Option<&str>,
    ) -> Result<DeltaRound<T>, Error> {
        let cursor = match resume_from {
            Some(link) => Cursor::NextLink(link.to_owned()),
            None => Cursor::First,
        };
        let (items, delta_link) = self.read_all(&request, cursor).await?;
        Ok(DeltaRound { items, delta_link })
    }

    /// The items of every page from `cursor` on, and the delta link of the
    /// last page that has one (only the last page of a delta round does).
    ///
    /// A loop rather than `page_stream`: the stream's machinery is compiled
    /// once per item type into the caller's crate.
    async fn read_all<T>(
        &self,
        request: &Request<Page<T>>,
        mut cursor: Cursor,
    ) -> Result<(Vec<T>, Option<String>), Error> {
        let mut items = Vec::new();
        let mut delta_link = None;
        loop {
            let mut page = self.fetch_page(request, &cursor).await?;
            items.append(&mut page.value);
            if page.delta_link.is_some() {
                delta_link = page.delta_link;
            }
            match page.next_link {
                Some(link) => cursor = Cursor::NextLink(link),
                None => return Ok((items, delta_link)),
            }
        }
    }

    /// The page at `cursor`: its request built and sent, its reply read.
    async fn fetch_page<T>(
        &self,
        request: &Request<Page<T>>,
        cursor: &Cursor,
    ) -> Result<Page<T>, Error> {
        let http_request = match cursor {
            Cursor::First => request.to_http(&self.base_url)?,
            Cursor::NextLink(link) => request.to_http_next_link(link)?,
        };
        request.parse_response(self.send_raw(http_request).await?)
    }

    /// The pages from `cursor` on; [`Client::pages`] boxes it.
    fn page_stream<'a, T: 'a>(
        &'a self,
        request: Request<Page<T>>,
        cursor: Cursor,
    ) -> impl Stream<Item = Result<Page<T>, Error>> + 'a {
        stream::try_unfold(
            (request, Some(cursor)),
            move |(request, cursor)| async move {
                let Some(cursor) = cursor else {
                    return Ok(None);
                };
                let page = self.fetch_page(&request, &cursor).await?;
                let next = page.next_link.clone().map(Cursor::NextLink);
                Ok(Some((page, (request, next))))
            },
        )
    }

    /// Sends `request` and returns its body as a stream of chunks as they
    /// arrive, for files too large to hold in memory (`GET
    /// /drives/{id}/items/{id}/content` and the like).
    ///
    /// Auth and retries are as for [`Client::send`], and the redirect Graph
    /// answers a download with is followed (the token is not sent to the
    /// other origin). A non-2xx reply is read whole and returned as
    /// [`Error::Status`]; `request`'s parse function is not used.
    pub async fn download<R>(&self, request: &Request<R>) -> Result<Download, Error> {
        let http_request = request.to_http(&self.base_url)?;
        let mut retries = 0;
        let response = loop {
            let response = self.send_streaming(&http_request, Token::ToOrigin).await?;
            if response.status().is_success() {
                break response;
            }
            let response = read_whole(response).await?;
            match self.retry.delay(retries, &response) {
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    retries += 1;
                }
                None => return Err(Error::Status(Box::new(ApiError::from_response(response)))),
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = stream::try_unfold(response, |mut response| async move {
            match response.chunk().await {
                Ok(Some(chunk)) => Ok(Some((chunk, response))),
                Ok(None) => Ok(None),
                Err(err) => Err(Error::Transport(Box::new(err))),
            }
        })
        .boxed();
        Ok(Download {
            status,
            headers,
            body,
        })
    }

    /// Sends any request through the client's pipeline (auth, timeout,
    /// retries) and returns the final response as it is, whatever its
    /// status: the escape hatch for calls the operations do not cover.
    ///
    /// The URL must be absolute. The token is added as the `Authorization`
    /// header if the request has none and goes to the base URL's origin
    /// (same scheme, host and port).
    pub async fn send_raw(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        self.send_with_retries(request, Token::ToOrigin).await
    }

    /// Uploads a file through `session` chunk by chunk and returns the item
    /// the service created (typically a `driveItem`).
    ///
    /// `source` hands out the file's bytes a chunk at a time (a `&[u8]` is
    /// one; implement [`UploadSource`] to read from a file or a stream
    /// without holding the whole file in memory). Each chunk is retried as
    /// the [`RetryPolicy`] allows, and the service's `nextExpectedRanges`
    /// decides where the next chunk starts. No token is sent: the upload URL
    /// is pre-authenticated. If the upload stops on an error,
    /// [`Client::resume_upload`] goes on where the service left off.
    pub async fn upload<T: DeserializeOwned>(
        &self,
        session: &UploadSession,
        source: impl UploadSource,
    ) -> Result<T, Error> {
        self.upload_from(session, source, 0).await
    }

    /// Asks the service which bytes of `session` it still expects and
    /// uploads them from `source`; see [`Client::upload`].
    pub async fn resume_upload<T: DeserializeOwned>(
        &self,
        session: &UploadSession,
        source: impl UploadSource,
    ) -> Result<T, Error> {
        let status = self
            .send_with_retries(session.status_request()?, Token::Never)
            .await?;
        match session.parse_response(status)? {
            UploadStatus::Complete(item) => Ok(item),
            UploadStatus::InProgress { next_offset } => {
                self.upload_from(session, source, next_offset.unwrap_or(0))
                    .await
            }
        }
    }

    async fn upload_from<T: DeserializeOwned>(
        &self,
        session: &UploadSession,
        mut source: impl UploadSource,
        mut offset: u64,
    ) -> Result<T, Error> {
        let size = session.total_size();
        // A service that keeps asking for the same bytes must not keep us
        // here forever: every chunk twice, and some, is plenty.
        let chunks = size / session.chunk_size() + 1;
        for _ in 0..chunks.saturating_mul(2).saturating_add(8) {
            let range = session.chunk_range(offset);
            if range.is_empty() {
                return Err(Error::InvalidRequest(format!(
                    "the service expects bytes from {offset} on, past the end ({size})"
                )));
            }
            let chunk = source.read_range(range.clone()).await?;
            let length = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
            if length != range.end - range.start {
                return Err(Error::InvalidRequest(format!(
                    "the upload source gave {length} bytes for {range:?}"
                )));
            }
            let request = session.chunk_request(offset, chunk)?;
            let response = self.send_with_retries(request, Token::Never).await?;
            match session.parse_response(response)? {
                UploadStatus::Complete(item) => return Ok(item),
                UploadStatus::InProgress { next_offset } => {
                    offset = next_offset.unwrap_or(range.end);
                }
            }
        }
        Err(Error::InvalidRequest(format!(
            "the upload did not complete after every chunk was sent twice (at {offset} of {size})"
        )))
    }

    /// Sends `request` until it succeeds or the retry policy gives up.
    async fn send_with_retries(
        &self,
        request: http::Request<Vec<u8>>,
        token: Token,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let mut retries = 0;
        loop {
            let response = read_whole(self.send_streaming(&request, token).await?).await?;
            match self.retry.delay(retries, &response) {
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    retries += 1;
                }
                None => return Ok(response),
            }
        }
    }

    /// One attempt: authenticates and sends; the body is left to be read.
    async fn send_streaming(
        &self,
        request: &http::Request<Vec<u8>>,
        token: Token,
    ) -> Result<reqwest::Response, Error> {
        let mut outgoing = reqwest::Request::try_from(request.clone()).map_err(|err| {
            Error::InvalidRequest(format!("cannot send to {}: {err}", request.uri()))
        })?;
        let wants_token = token == Token::ToOrigin
            && !outgoing.headers().contains_key(http::header::AUTHORIZATION)
            && Origin::of(request.uri()).as_ref() == Some(&self.origin);
        if let (true, Some(provider)) = (wants_token, &self.token_provider) {
            let token = provider.token().await?;
            let mut value = http::HeaderValue::try_from(format!("{} {token}", self.auth_scheme))
                .map_err(|_| {
                    Error::Auth("the token is not a valid Authorization header value".into())
                })?;
            value.set_sensitive(true);
            outgoing
                .headers_mut()
                .insert(http::header::AUTHORIZATION, value);
        }
        if let Some(timeout) = self.timeout {
            *outgoing.timeout_mut() = Some(timeout);
        }
        self.http
            .execute(outgoing)
            .await
            .map_err(|err| Error::Transport(Box::new(err)))
    }
}

/// Reads a response's whole body.
async fn read_whole(response: reqwest::Response) -> Result<http::Response<Vec<u8>>, Error> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|err| Error::Transport(Box::new(err)))?;
    let mut reply = http::Response::new(body.to_vec());
    *reply.status_mut() = status;
    *reply.version_mut() = version;
    *reply.headers_mut() = headers;
    Ok(reply)
}

/// One round of a delta query; see [`Client::delta`].
#[derive(Debug, Clone, PartialEq)]
pub struct DeltaRound<T> {
    /// The items created, changed or (with `@removed`) deleted since the
    /// previous round; everything on the first round.
    pub items: Vec<T>,
    /// The `@odata.deltaLink` to pass as `resume_from` to the next round;
    /// `None` if the service sent none (then the round cannot be resumed).
    pub delta_link: Option<String>,
}

/// A response whose body is read as it arrives; see [`Client::download`].
///
/// It is a `Stream` of the body's chunks (`Unpin`, so `.next()` works
/// directly); a failure while reading is [`Error::Transport`].
pub struct Download {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: BoxStream<'static, Result<Bytes, Error>>,
}

impl Download {
    /// The status of the response (a 2xx).
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// The response headers, such as `Content-Type`.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// The body's length from `Content-Length`, if the service sent it.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(http::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.body.poll_next_unpin(cx)
    }
}

/// Where the bytes of a [`Client::upload`] come from: any byte range of the
/// file, on demand, so that only one chunk is in memory at a time.
///
/// A `&[u8]` is a source. For a file, read the range from it (seek, then
/// read exactly `range.end - range.start` bytes); a range may be asked for
/// again when an upload resumes. Failures should be [`Error::Transport`] or
/// [`Error::InvalidRequest`].
pub trait UploadSource: Send {
    /// The bytes of `range` (end exclusive), exactly that many.
    fn read_range(&mut self, range: std::ops::Range<u64>) -> BoxFuture<'_, Result<Vec<u8>, Error>>;
}

// So a source can be lent to an upload and looked at afterwards.
impl<S: UploadSource + ?Sized> UploadSource for &mut S {
    fn read_range(&mut self, range: std::ops::Range<u64>) -> BoxFuture<'_, Result<Vec<u8>, Error>> {
        (**self).read_range(range)
    }
}

impl UploadSource for &[u8] {
    fn read_range(&mut self, range: std::ops::Range<u64>) -> BoxFuture<'_, Result<Vec<u8>, Error>> {
        let bytes = usize::try_from(range.start)
            .ok()
            .zip(usize::try_from(range.end).ok())
            .and_then(|(start, end)| self.get(start..end))
            .map(<[u8]>::to_vec)
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "bytes {range:?} are past the end of the data ({} bytes)",
                    self.len()
                ))
            });
        Box::pin(async move { bytes })
    }
}

/// Whether a request gets the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// If it goes to the base URL's origin and has no `Authorization` yet.
    ToOrigin,
    /// Never: upload URLs are pre-authenticated and refuse a token.
    Never,
}

/// Where [`Client::pages`] goes next.
enum Cursor {
    /// The collection's own URL.
    First,
    /// A page's `@odata.nextLink`, or the `@odata.deltaLink` a delta round
    /// resumes from.
    NextLink(String),
}

/// The scheme, host and port of a URL, to decide where the token may go.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    fn of(uri: &http::Uri) -> Option<Self> {
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => Some(80),
            "https" => Some(443),
            _ => None,
        };
        Some(Self {
            host: uri.host()?.to_ascii_lowercase(),
            port: uri.port_u16().or(default_port),
            scheme,
        })
    }
}

// === Builder ===

/// Settings for a [`Client`]; start with [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    token_provider: Option<Arc<dyn TokenProvider>>,
    auth_scheme: String,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: crate::SERVICE_ROOT.to_owned(),
            token_provider: None,
            auth_scheme: "Bearer".to_owned(),
            retry: RetryPolicy::default(),
            timeout: Some(Duration::from_secs(100)),
            http: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("has_token_provider", &self.token_provider.is_some())
            .field("auth_scheme", &self.auth_scheme)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("has_http_client", &self.http.is_some())
            .finish()
    }
}

impl ClientBuilder {
    /// Sets the URL request paths are joined to, such as
    /// `https://graph.microsoft.com/v1.0` (default: [`crate::SERVICE_ROOT`]).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Sets the auth hook. Without one, requests are sent without an
    /// `Authorization` header.
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.token_provider = Some(Arc::new(provider));
        self
    }

    /// Sets the scheme written before the token in the `Authorization`
    /// header (default `Bearer`).
    pub fn auth_scheme(mut self, scheme: impl Into<String>) -> Self {
        self.auth_scheme = scheme.into();
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets how long one attempt may take, from sending to the end of the
    /// body (default 100 s); `None` waits as long as the connection lives.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends through a reqwest client set up by the caller, for example
    /// with a proxy or extra root certificates, instead of a default one.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::InvalidRequest`] if the base URL is not an
    /// absolute `http` or `https` URL, and with [`Error::Transport`] if the
    /// default HTTP client cannot be set up.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let origin = http::Uri::try_from(base_url.as_str())
            .ok()
            .as_ref()
            .and_then(Origin::of)
            .filter(|origin| origin.scheme == "http" || origin.scheme == "https")
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "base URL {base_url:?} is not an absolute http or https URL"
                ))
            })?;
        let http = match self.http {
            Some(client) => client,
            None => reqwest::Client::builder()
                .user_agent(concat!(
                    env!("CARGO_PKG_NAME"),
                    "/",
                    env!("CARGO_PKG_VERSION")
                ))
                .build()
                .map_err(|err| Error::Transport(Box::new(err)))?,
        };
        Ok(Client {
            http,
            base_url,
            origin,
            token_provider: self.token_provider,
            auth_scheme: self.auth_scheme,
            retry: self.retry,
            timeout: self.timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, retry_after: Option<&str>) -> http::Response<Vec<u8>> {
        let mut builder = http::Response::builder().status(status);
        if let Some(value) = retry_after {
            builder = builder.header("Retry-After", value);
        }
        builder.body(Vec::new()).expect("valid response")
    }

    #[test]
    fn only_throttling_and_unavailable_statuses_are_retried() {
        let policy = RetryPolicy::default();
        for status in [429, 503, 504] {
            assert!(
                policy.delay(0, &response(status, None)).is_some(),
                "{status}"
            );
        }
        for status in [200, 400, 401, 404, 500, 502] {
            assert_eq!(policy.delay(0, &response(status, None)), None, "{status}");
        }
    }

    #[test]
    fn retry_after_seconds_are_honoured_up_to_the_max_wait() {
        let policy = RetryPolicy::default().with_max_wait(Duration::from_secs(10));
        let wait = |value| policy.delay(0, &response(429, Some(value)));
        assert_eq!(wait("2"), Some(Duration::from_secs(2)));
        assert_eq!(wait(" 0 "), Some(Duration::ZERO));
        assert_eq!(wait("10"), Some(Duration::from_secs(10)));
        assert_eq!(wait("11"), None, "longer than allowed: give up");
        // The HTTP-date form falls back to the backoff.
        assert_eq!(
            wait("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn backoff_doubles_is_capped_and_the_count_is_bounded() {
        let policy = RetryPolicy::default()
            .with_max_retries(40)
            .with_base_delay(Duration::from_millis(100))
            .with_max_wait(Duration::from_secs(1));
        let waits: Vec<_> = (0..6)
            .map(|retries| policy.delay(retries, &response(503, None)))
            .collect();
        let millis = |ms| Some(Duration::from_millis(ms));
        assert_eq!(
            waits,
            [
                millis(100),
                millis(200),
                millis(400),
                millis(800),
                millis(1000),
                millis(1000)
            ]
        );
        assert_eq!(
            policy.delay(39, &response(503, None)),
            Some(Duration::from_secs(1))
        );
        assert_eq!(policy.delay(40, &response(503, None)), None);
        assert_eq!(
            RetryPolicy::none().delay(0, &response(429, Some("1"))),
            None
        );
        assert_eq!(RetryPolicy::none().max_retries(), 0);
    }

    #[test]
    fn origins_compare_scheme_host_and_effective_port() {
        let origin = |url: &str| Origin::of(&http::Uri::try_from(url).expect("valid URI"));
        assert_eq!(
            origin("https://Graph.Microsoft.com/beta"),
            origin("https://graph.microsoft.com:443/v1.0/me?$top=1")
        );
        assert_ne!(
            origin("https://graph.microsoft.com/beta"),
            origin("http://graph.microsoft.com/beta")
        );
        assert_ne!(
            origin("http://127.0.0.1:8080/beta"),
            origin("http://127.0.0.1:8081/beta")
        );
        assert_eq!(origin("/beta/me"), None);
    }

    #[test]
    fn the_builder_checks_the_base_url() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9/beta/")
            .build()
            .expect("valid base URL");
        assert_eq!(client.base_url(), "http://127.0.0.1:9/beta");
        assert!(format!("{client:?}").contains("has_token_provider: false"));
        for bad in ["/beta", "not a url", "ftp://example.test/beta"] {
            assert!(
                matches!(
                    Client::builder().base_url(bad).build(),
                    Err(Error::InvalidRequest(_))
                ),
                "{bad}"
            );
        }
        assert_eq!(
            format!("{:?}", StaticToken::new("secret")),
            "StaticToken(..)"
        );
    }
}
