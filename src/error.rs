//! [`Error`]: every way a call can fail, with what you need to act on it.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::CredentialsError;
use crate::generated::types::ResponseMessage;
use crate::http::retry::is_retryable_status;

/// How many bytes of a body an error message quotes.
const SNIPPET_LEN: usize = 300;

/// Every failure of this crate.
///
/// It is `Send + Sync + 'static`, holds no open connection, and never contains a credential.
/// [`Error::status`], [`Error::cf_ray`] and [`Error::is_retryable`] answer the usual questions
/// without matching on variants.
///
/// ```no_run
/// use cloudflare_audit_logs::{Client, Error};
///
/// # async fn run(client: Client) {
/// match client.account_audit_logs("023e105f4ecef8ad9ca31a8372d0c353").send().await {
///     Ok(page) => println!("{} entries", page.entries.len()),
///     Err(Error::RateLimited(limited)) => eprintln!("try again in {:?}", limited.retry_after()),
///     Err(e) if e.status().is_some_and(|s| s == 403) => {
///         eprintln!("the token lacks Account Settings Read: {e}")
///     }
///     Err(e) => eprintln!("failed (cf-ray {:?}): {e}", e.cf_ray()),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller asked for something the API cannot take; no request was sent.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Credentials were missing, ambiguous or unusable.
    #[error(transparent)]
    Credentials(#[from] CredentialsError),
    /// The client could not be built from its configuration.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// Cloudflare answered with an error: an HTTP error status, or `success: false`.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// Cloudflare kept answering 429 until the retries ran out, or asked for a longer wait
    /// than the [`RetryPolicy`](crate::RetryPolicy) allows.
    #[error(transparent)]
    RateLimited(Box<RateLimited>),
    /// The response did not have the shape the spec promises.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The request did not complete: connection refused or reset, a body cut short.
    #[error("request failed after {attempts} attempt(s): {source}")]
    Transport {
        /// What went wrong underneath.
        #[source]
        source: TransportError,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The response body was larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("the HTTP {status} response is larger than {limit} bytes; it was not read")]
    ResponseTooLarge {
        /// The limit.
        limit: usize,
        /// The response's status.
        status: StatusCode,
    },
    /// The server's pagination would have repeated or skipped entries, or the run reached
    /// the caller's page limit, so iteration stopped.
    #[error("pagination stopped: {0}")]
    Pagination(PaginationError),
    /// The Tokio runtime shut down while a page was being fetched.
    #[error("the runtime shut down while a page was being fetched")]
    RuntimeShutdown,
    /// Something this crate does not expect happened in the generated code; the words are
    /// the generator's. Please report it.
    #[error("unexpected failure in the generated client: {0}")]
    Unexpected(String),
    /// A timeout fired: which one, and its limit.
    #[error("timed out: {kind} passed its limit of {:.1} s{}", limit.as_secs_f64(), attempts_suffix(*attempts))]
    Timeout {
        /// Which timeout fired.
        kind: TimeoutKind,
        /// The limit it enforces.
        limit: Duration,
        /// How many times the request was sent (0 for a run's deadline).
        attempts: u32,
    },
    /// The server answered with a redirect. The Cloudflare API does not redirect, and this
    /// client never follows one: credentials are not sent anywhere but the API root.
    #[error("the server answered HTTP {status} with a redirect to {}; redirects are not followed", location.as_deref().unwrap_or("nowhere"))]
    Redirect {
        /// The 3xx status.
        status: StatusCode,
        /// The `Location` it named (without any user name or password), if it named one.
        location: Option<String>,
    },
}

/// Why a run stopped paginating (see [`Error::Pagination`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaginationError {
    /// The server pointed back to a page (a cursor, a page number) this run already fetched;
    /// following it would loop.
    #[error("the server pointed back to a page this run already fetched")]
    RepeatedPosition,
    /// More pages follow, but the run reached the caller's `max_pages`.
    #[error("more pages follow, but the run stops at its limit of {max} pages (max_pages)")]
    PageLimit {
        /// The limit.
        max: u64,
    },
    /// A page past the last one the server counts held entries.
    #[error("page {page} holds entries but the server counts only {total} pages")]
    PastLastPage {
        /// The page that held entries.
        page: u64,
        /// How many pages the server said there are.
        total: u64,
    },
    /// Page after page brought only entries the run had already yielded (or none), though
    /// each pointed to a further page: the server is not advancing. See
    /// `max_pages_without_progress` on each request type.
    #[error(
        "the last {pages} pages brought no entry this run had not already yielded; the server \
         is not advancing, so the run stops instead of paging forever"
    )]
    NoProgress {
        /// Pages in a row without a new entry.
        pages: u32,
    },
    /// Page numbers passed `u64::MAX`.
    #[error("page numbers ran out of range")]
    PageNumbersExhausted,
}

/// A request that did not complete: the connection failed, was reset, or the body was cut
/// short. Its [`source`](std::error::Error::source) is the HTTP client's own error.
#[derive(Debug)]
pub struct TransportError(pub(crate) reqwest::Error);

impl TransportError {
    /// Whether the connection could not be opened.
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }

    /// Whether the failure came while reading the response body.
    pub fn is_body(&self) -> bool {
        self.0.is_body() || self.0.is_decode()
    }
}

impl TransportError {
    /// Whether TLS failed (a certificate refused, or `https` to a server that speaks plain
    /// HTTP): waiting does not heal it, so it is not retried.
    pub fn is_tls(&self) -> bool {
        crate::http::tls::is_tls(&self.0)
    }
}

/// The HTTP client's message, then each cause under it that says more (`connection
/// refused`, a DNS failure, a certificate's problem), so that the cause is in the message.
impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.to_string();
        f.write_str(&shown)?;
        let mut source = std::error::Error::source(&self.0);
        while let Some(e) = source {
            let text = e.to_string();
            if !shown.contains(&text) {
                write!(f, ": {text}")?;
                shown.push_str(&text);
            }
            source = e.source();
        }
        if self.is_tls() {
            f.write_str(
                " (TLS failed: check that the URL's scheme is what the server speaks, and its \
                 certificate; this is not retried)",
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Which timeout ended a call or a run (see [`Error::Timeout`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Opening the connection ([`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout)).
    Connect,
    /// No byte came from the server for this long
    /// ([`ClientBuilder::read_timeout`](crate::ClientBuilder::read_timeout)).
    Idle,
    /// One attempt, from sending the request to the last byte of the body
    /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    Request,
    /// A whole run of pages ([`ClientBuilder::run_timeout`](crate::ClientBuilder::run_timeout)).
    Run,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connecting (connect timeout)",
            TimeoutKind::Idle => "waiting for the server's next byte (read timeout)",
            TimeoutKind::Request => "one attempt (request timeout)",
            TimeoutKind::Run => "the run (run timeout)",
        })
    }
}

fn attempts_suffix(attempts: u32) -> String {
    match attempts {
        0 | 1 => String::new(),
        n => format!(", after {n} attempts"),
    }
}

impl Error {
    /// The HTTP status of the response this error came from, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::RateLimited(limited) => Some(limited.api.status),
            Error::Decode(decode) => Some(decode.status),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Transport { source, .. } => source.0.status(),
            Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `cf-ray` header of the response, to quote to Cloudflare support.
    pub fn cf_ray(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.cf_ray(),
            Error::RateLimited(limited) => limited.api.cf_ray(),
            Error::Decode(decode) => decode.cf_ray(),
            _ => None,
        }
    }

    /// Whether sending the same request again may succeed (rate limits, server errors,
    /// timeouts and broken connections; not a TLS failure, which waiting does not heal).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => is_retryable_status(api.status),
            Error::RateLimited(_) => true,
            Error::Transport { source, .. } => !source.is_tls(),
            Error::Timeout { kind, .. } => *kind != TimeoutKind::Run,
            _ => false,
        }
    }

    /// The API error details, when Cloudflare answered with an error.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::RateLimited(limited) => Some(&limited.api),
            _ => None,
        }
    }

    /// How long the server asked to wait before the next request, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited(limited) => limited.retry_after,
            _ => None,
        }
    }
}

/// A 429 that retrying did not get past.
#[derive(Debug)]
pub struct RateLimited {
    pub(crate) api: ApiError,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) refused_wait: bool,
}

impl RateLimited {
    /// How long the server asked to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The 429 answer itself.
    pub fn api(&self) -> &ApiError {
        &self.api
    }
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rate limited: ")?;
        match self.retry_after {
            Some(wait) if self.refused_wait => write!(
                f,
                "the server asks to wait {:.1} s, longer than the retry policy allows; ",
                wait.as_secs_f64()
            )?,
            Some(wait) => write!(f, "the server asks to wait {:.1} s; ", wait.as_secs_f64())?,
            None => {}
        }
        self.api.fmt(f)
    }
}

impl std::error::Error for RateLimited {}

/// An error answer from Cloudflare.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) errors: Vec<ResponseMessage>,
    pub(crate) cf_ray: Option<String>,
    pub(crate) body: Bytes,
    pub(crate) attempts: u32,
}

impl ApiError {
    /// The HTTP status (200 when a successful status carried `success: false`).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Cloudflare's `errors[]`: codes and messages. Empty when the body was not an envelope
    /// (for example, a proxy's HTML error page).
    pub fn errors(&self) -> &[ResponseMessage] {
        &self.errors
    }

    /// The `cf-ray` header, if the response had one.
    pub fn cf_ray(&self) -> Option<&str> {
        self.cf_ray.as_deref()
    }

    /// The raw response body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// How many times the request was sent (more than 1 when retries ran out).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cloudflare API error: HTTP {}", self.status)?;
        if self.errors.is_empty() {
            let snippet = snippet(&self.body);
            if !snippet.is_empty() {
                write!(f, ": {snippet}")?;
            }
        }
        for (i, e) in self.errors.iter().enumerate() {
            let sep = if i == 0 { ": " } else { "; " };
            write!(f, "{sep}[{}] {}", e.code, e.message)?;
        }
        if let Some(ray) = &self.cf_ray {
            write!(f, " (cf-ray {ray})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A response whose body does not decode.
#[derive(Debug)]
pub struct DecodeError {
    pub(crate) status: StatusCode,
    pub(crate) cf_ray: Option<String>,
    pub(crate) snippet: String,
    pub(crate) source: serde_json::Error,
}

impl DecodeError {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The start of the body, as text.
    pub fn snippet(&self) -> &str {
        &self.snippet
    }

    /// The `cf-ray` header, if the response had one.
    pub fn cf_ray(&self) -> Option<&str> {
        self.cf_ray.as_deref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the HTTP {} response: {}; body starts with: {}",
            self.status, self.source, self.snippet
        )
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The start of a body as one line of text.
pub(crate) fn snippet(body: &[u8]) -> String {
    let cut = &body[..body.len().min(SNIPPET_LEN)];
    let mut text: String = String::from_utf8_lossy(cut)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if body.len() > SNIPPET_LEN {
        text.push('…');
    }
    text.trim().to_owned()
}
