//! [`Client`] and its [`ClientBuilder`].

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::transport::{DEFAULT_USER_AGENT, Transport};
use crate::{
    AccountAuditLogs, Credentials, Error, InsightsAuditLog, RateLimit, RetryPolicy, Scope,
    generated,
};

/// Cloudflare's API root.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";
/// The environment variable that overrides the API root in [`Client::from_env`].
pub const ENV_BASE_URL: &str = "CLOUDFLARE_BASE_URL";
/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, from sending the request to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default largest response body read (a full page of 1000 entries is about 1 MB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// A client for Cloudflare's audit logs.
///
/// Cheap to clone (the state is shared behind an [`Arc`]); clones share connections. Streams
/// own a clone, so they can be stored, returned or moved to another task.
///
/// ```no_run
/// use cloudflare_audit_logs::{Client, Credentials};
///
/// # fn main() -> Result<(), cloudflare_audit_logs::Error> {
/// let client = Client::builder()
///     .credentials(Credentials::api_token("..."))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    generated: Arc<generated::Client>,
}

impl Client {
    /// Starts configuring a client. Nothing is read from the environment.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: credentials as [`Credentials::from_env`] reads them,
    /// and the API root from `CLOUDFLARE_BASE_URL` when it is set.
    pub fn from_env() -> Result<Client, Error> {
        let mut builder = Client::builder().credentials(Credentials::from_env()?);
        if let Some(url) = std::env::var(ENV_BASE_URL).ok().filter(|u| !u.is_empty()) {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The account audit logs of `account_id`, with page-number pagination.
    pub fn account_audit_logs(&self, account_id: impl Into<String>) -> AccountAuditLogs {
        AccountAuditLogs::new(self.clone(), account_id.into())
    }

    /// The Security Center insights audit log of an account or a zone, with cursor pagination.
    pub fn insights_audit_log(&self, scope: Scope) -> InsightsAuditLog {
        InsightsAuditLog::new(self.clone(), scope)
    }

    /// The generated client, for anything this wrapper does not cover. Its calls go through
    /// the same credentials and execution seam.
    pub fn generated(&self) -> &generated::Client {
        &self.generated
    }

    /// What this client (with all its clones) has done so far: requests, retries, and the
    /// time spent waiting before retries.
    pub fn stats(&self) -> crate::ClientStats {
        progenitor_client::ClientInfo::inner(&*self.generated).stats()
    }

    /// The API root requests go to.
    pub fn base_url(&self) -> &str {
        progenitor_client::ClientInfo::baseurl(&*self.generated)
    }
}

/// Configures a [`Client`]. Every setting has a default except the credentials.
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    base_url: Option<String>,
    http_client: Option<reqwest::Client>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    max_response_bytes: Option<usize>,
}

impl ClientBuilder {
    /// The credentials to send. Required.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The API root, such as a local test server's `http://127.0.0.1:8080/client/v4`.
    /// Defaults to [`DEFAULT_BASE_URL`].
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends requests with this `reqwest::Client` (for a proxy, a private CA or mTLS). Its
    /// own timeouts and TLS settings then apply; [`timeout`](Self::timeout) and
    /// [`connect_timeout`](Self::connect_timeout) are not used.
    ///
    /// Start from [`http_client_builder`](crate::http_client_builder): it carries this crate's
    /// TLS set-up (reqwest's own builder needs a process-wide rustls provider).
    ///
    /// ```
    /// use cloudflare_audit_logs::{Client, Credentials, http_client_builder};
    ///
    /// let http = http_client_builder()?.pool_max_idle_per_host(4).build()?;
    /// let client = Client::builder()
    ///     .credentials(Credentials::api_token("..."))
    ///     .http_client(http)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Replaces the `User-Agent` header (default: `cloudflare-audit-logs/<version> (rust)`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Time allowed for one attempt including reading the body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`]; turn retries off
    /// with [`RetryPolicy::none`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Paces requests client-side (default: no pacing). [`RateLimit::cloudflare`] keeps under
    /// Cloudflare's budget of 1200 requests per five minutes. Clones share the budget.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// The largest response body the client reads (default 64 MiB); a larger one ends the
    /// call with [`Error::ResponseTooLarge`] instead of filling memory.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Builds the client. Fails without credentials, with a value that cannot be a header,
    /// or with an API root that is not an `http(s)` URL.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials.ok_or(crate::CredentialsError::Missing)?;
        let auth = credentials.headers()?;
        let base_url = normalize_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let user_agent =
            HeaderValue::from_str(self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT))
                .map_err(|_| Error::Config("the user agent cannot be sent as a header".into()))?;
        let http = match self.http_client {
            Some(client) => client,
            None => http_client(
                self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            )?,
        };
        let limiter = self.rate_limit.map(|limit| limit.limiter());
        let max_body = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        let transport = Transport::new(auth, user_agent, self.retry, limiter, max_body);
        Ok(Client {
            generated: Arc::new(generated::Client::new_with_client(
                &base_url, http, transport,
            )),
        })
    }
}

fn normalize_base_url(url: &str) -> Result<String, Error> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::Config(format!("base URL {url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
        return Err(Error::Config(format!(
            "base URL {url:?} is not an http(s) URL"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL {url:?} must not have a query or fragment"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// A `reqwest::ClientBuilder` with this crate's TLS set-up (rustls with the ring provider and
/// the platform's certificate verifier) and its default timeouts, to customize and hand to
/// [`ClientBuilder::http_client`].
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    with_tls(
        reqwest::Client::builder()
            .timeout(DEFAULT_TIMEOUT)
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .tcp_nodelay(true),
    )
}

fn http_client(timeout: Duration, connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    http_client_builder()?
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

/// rustls with the ring provider, chosen per client: nothing process-wide is installed, and
/// certificates are checked by the operating system's verifier.
#[cfg(feature = "rustls")]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::Config(format!("cannot set up TLS: {e}")))?
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(config))
}

#[cfg(not(feature = "rustls"))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}
