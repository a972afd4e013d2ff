//! [`ClientBuilder`]: every setting of a [`Client`], the checks of the base URL, and the TLS
//! set-up.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::http::transport::{DEFAULT_USER_AGENT, Settings, Timeouts, Transport};
use crate::http::validate;
use crate::{Client, Credentials, Error, RateLimit, RetryPolicy, generated};

pub use crate::generated::DEFAULT_BASE_URL;
/// The environment variable that overrides the API root in [`Client::from_env`].
pub const ENV_BASE_URL: &str = "CLOUDFLARE_BASE_URL";
/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, from sending the request to the last byte of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time the server may stay silent (no byte) before an attempt is given up.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default largest response body read (a full page of 1000 entries is about 1 MB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Configures a [`Client`]. Every setting has a default except the credentials.
///
/// What the builder refuses, before any request: a base URL that is not `https://` (plain
/// `http://` only to a loopback address such as a local test server, or with
/// [`danger_allow_plain_http`](Self::danger_allow_plain_http)), a base URL holding a user
/// name, password, query or fragment, and credentials that cannot be Cloudflare's.
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    base_url: Option<String>,
    http_client: Option<reqwest::ClientBuilder>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    run_timeout: Option<Duration>,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    max_response_bytes: Option<usize>,
    allow_plain_http: bool,
    no_proxy: bool,
    on_retry: Option<crate::http::retry_event::RetryHook>,
}

impl ClientBuilder {
    /// A builder set from the environment, for settings to be added before
    /// [`build`](Self::build): credentials as [`Credentials::from_env`] reads them, and the
    /// API root from `CLOUDFLARE_BASE_URL` when it is set.
    ///
    /// ```no_run
    /// use cloudflare_audit_logs::{ClientBuilder, RateLimit};
    ///
    /// let client = ClientBuilder::from_env()?
    ///     .rate_limit(RateLimit::cloudflare())
    ///     .build()?;
    /// # Ok::<(), cloudflare_audit_logs::Error>(())
    /// ```
    pub fn from_env() -> Result<ClientBuilder, Error> {
        let mut builder = Client::builder().credentials(Credentials::from_env()?);
        if let Some(url) = std::env::var(ENV_BASE_URL).ok().filter(|u| !u.is_empty()) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// The credentials to send. Required.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The API root, such as a local test server's `http://127.0.0.1:8080/client/v4`.
    /// Defaults to [`DEFAULT_BASE_URL`]. It must be `https://`, or `http://` to a loopback
    /// address (`127.0.0.0/8`, `[::1]`, `localhost`), and hold no user name or password.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends plain `http://` to a base URL that is not a loopback address, so credentials
    /// cross the network readable by anyone on the path. Only for a trusted network you
    /// control, such as a test host; off by default.
    pub fn danger_allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Builds the HTTP client from this `reqwest::ClientBuilder` (for a proxy, a private CA
    /// or mTLS). Start from [`http_client_builder`](crate::http_client_builder): it carries
    /// this crate's TLS set-up (reqwest's own builder needs a process-wide rustls provider).
    ///
    /// This builder's settings still apply on top of it: the timeouts
    /// ([`timeout`](Self::timeout), [`connect_timeout`](Self::connect_timeout),
    /// [`read_timeout`](Self::read_timeout), each at its default unless set), redirects are
    /// never followed and no `Referer` is sent, whatever the given builder says.
    ///
    /// ```
    /// use cloudflare_audit_logs::{Client, Credentials, http_client_builder};
    ///
    /// let client = Client::builder()
    ///     .credentials(Credentials::api_token("..."))
    ///     .http_client(http_client_builder()?.pool_max_idle_per_host(4))
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http_client = Some(builder);
        self
    }

    /// Ignores the proxy settings of the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY` and `NO_PROXY`, which are honoured by default).
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
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

    /// Time the server may stay silent, waiting for the head or between two pieces of the
    /// body, before the attempt is given up (default [`DEFAULT_READ_TIMEOUT`], 30 s). A
    /// server that sends a byte now and then is stopped by [`timeout`](Self::timeout).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// A deadline for each run of pages (a `pages()` or `stream()`), counted from its start:
    /// when it passes, the run ends with [`Error::Timeout`] of kind
    /// [`TimeoutKind::Run`](crate::TimeoutKind::Run). Default: none, since an export of
    /// millions of entries may rightly take hours. Each attempt is bounded by the other
    /// timeouts in any case.
    pub fn run_timeout(mut self, timeout: Duration) -> Self {
        self.run_timeout = Some(timeout);
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

    /// Calls `hook` before every retry, with the status or error and the wait (see
    /// [`RetryEvent`](crate::RetryEvent)). It runs on the task that sends the request, so it
    /// should return quickly (log a line, count). Retries are also traced (`retrying` events).
    pub fn on_retry(mut self, hook: impl Fn(&crate::RetryEvent) + Send + Sync + 'static) -> Self {
        self.on_retry = Some(crate::http::retry_event::RetryHook(Arc::new(hook)));
        self
    }

    /// The largest response body the client reads (default 64 MiB); a larger one ends the
    /// call with [`Error::ResponseTooLarge`] instead of filling memory.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Builds the client. Fails without credentials, with credentials that cannot be
    /// Cloudflare's, or with a base URL this builder refuses (see [`ClientBuilder`]).
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials.ok_or(crate::CredentialsError::NotGiven)?;
        let auth = credentials.headers()?;
        let base_url = check_base_url(
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            self.allow_plain_http,
            cfg!(feature = "rustls") || self.http_client.is_some(),
        )?;
        let user_agent =
            HeaderValue::from_str(self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT))
                .map_err(|_| Error::Config("the user agent cannot be sent as a header".into()))?;
        let timeouts = Timeouts {
            connect: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            request: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            idle: self.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT),
            run: self.run_timeout,
        };
        let http = match self.http_client {
            Some(builder) => builder,
            None => with_tls(reqwest::Client::builder().tcp_nodelay(true))?,
        };
        let mut http = http
            .timeout(timeouts.request)
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.idle)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false);
        if self.no_proxy {
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let transport = Transport::new(Settings {
            auth,
            user_agent,
            retry: self.retry,
            limiter: self.rate_limit.map(|limit| limit.limiter()).transpose()?,
            max_body: self
                .max_response_bytes
                .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
            base: base_url.clone(),
            timeouts,
            on_retry: self.on_retry,
        });
        let root = base_url.as_str().trim_end_matches('/');
        Ok(Client {
            generated: Arc::new(generated::Client::new_with_client(root, http, transport)),
        })
    }
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The base URL is shown only by its origin: a user name or password in it is refused
        // by `build`, and must not be printed before that either.
        let base_url = self
            .base_url
            .as_deref()
            .map(|url| match reqwest::Url::parse(url) {
                Ok(parsed) => format!("{}{}", validate::origin(&parsed), parsed.path()),
                Err(_) => "<not a URL>".into(),
            });
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("base_url", &base_url)
            .field(
                "http_client",
                &self.http_client.as_ref().map(|_| "<custom>"),
            )
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("run_timeout", &self.run_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_plain_http", &self.allow_plain_http)
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// Checks the API root. No message quotes the URL whole: a user name, password or query in it
/// may be a secret.
fn check_base_url(url: &str, allow_plain_http: bool, has_tls: bool) -> Result<reqwest::Url, Error> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::Config(format!("the base URL is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
        return Err(Error::Config(format!(
            "the base URL must be an https URL, not a {} URL",
            parsed.scheme()
        )));
    }
    let shown = format!("{}{}", validate::origin(&parsed), parsed.path());
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config(format!(
            "the base URL {shown} must not hold a user name or password; pass credentials with \
             ClientBuilder::credentials"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "the base URL {shown} must not have a query or fragment"
        )));
    }
    if parsed.scheme() == "http" && !allow_plain_http && !is_loopback(&parsed) {
        return Err(Error::Config(format!(
            "refusing to send credentials in clear to {shown}: use https, plain http only to a \
             loopback address, or ClientBuilder::danger_allow_plain_http"
        )));
    }
    if parsed.scheme() == "https" && !has_tls {
        return Err(Error::Config(format!(
            "the base URL {shown} needs TLS, which this build lacks: enable the `rustls` \
             feature, or hand in an HTTP client with TLS through ClientBuilder::http_client"
        )));
    }
    Ok(parsed)
}

/// Whether the URL's host is this machine: `localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A `reqwest::ClientBuilder` with this crate's TLS set-up (rustls with the ring provider and
/// the platform's certificate verifier), to customize and hand to
/// [`ClientBuilder::http_client`]. Redirects are off and no `Referer` is sent (the client
/// enforces both anyway).
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    with_tls(
        reqwest::Client::builder()
            .timeout(DEFAULT_TIMEOUT)
            .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
            .read_timeout(DEFAULT_READ_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .tcp_nodelay(true),
    )
}

/// rustls with the ring provider, chosen per client: nothing process-wide is installed, and
/// certificates are checked by the operating system's verifier.
#[cfg(feature = "rustls")]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    // rustls 0.23.48 deprecates ring's provider for lacking post-quantum key exchange; the
    // other provider (aws-lc-rs) needs a C toolchain to build. ring stays the choice, and
    // the allowance keeps a dependent's build free of the warning whichever 0.23 it gets.
    #[allow(deprecated)]
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::check_base_url;

    #[test]
    fn https_needs_tls_in_the_build_or_the_callers_client() {
        let url = "https://api.cloudflare.com/client/v4";
        let error = check_base_url(url, false, false).unwrap_err().to_string();
        assert!(error.contains("needs TLS"), "{error}");
        assert!(check_base_url(url, false, true).is_ok());
        // Plain http to this machine needs no TLS.
        assert!(check_base_url("http://127.0.0.1:9/client/v4", false, false).is_ok());
    }
}
