//! The execution seam: the one place every request of the generated client passes through.
//!
//! The generated code calls the [`ClientHooks`] of its `Client`, whose inner value is a
//! [`Transport`]. Here the crate adds its headers (credentials, `User-Agent`), drops the
//! generator's `api-version` header, reads the whole body before the generated code decodes it,
//! and records the exchange (status, headers, raw body, attempts) so that errors keep all of it.

use crate::http::exchange::{EXCHANGE, record};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{StatusCode, Url};

use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::TimeoutKind;
use crate::generated;
use crate::http::rate_limit::Limiter;
use crate::http::redact::Secrets;
use crate::http::retry::{RetryPolicy, Wait, is_retryable_status};
use crate::http::retry_event::{RetryEvent, RetryHook};
use crate::http::validate;

/// The `User-Agent` this crate sends unless told otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!(
    env!("CARGO_PKG_NAME"),
    "/",
    env!("CARGO_PKG_VERSION"),
    " (rust)"
);

/// The header progenitor adds to every request, carrying the spec's `info.version`. The
/// spec's version describes our document, not a Cloudflare API version, so it is not sent.
const GENERATOR_VERSION_HEADER: &str = "api-version";

/// The client's settings for sending requests (credentials, retries, pacing, limits), which
/// every call of the generated client ([`raw::Client`](crate::generated::Client)) reads: what
/// [`ClientInfo::inner`](crate::generated::ClientInfo::inner) returns. It has no public methods;
/// configure it through [`ClientBuilder`](crate::ClientBuilder), read its counters through
/// [`Client::stats`](crate::Client::stats).
#[derive(Clone, Debug)]
pub struct Transport {
    headers: HeaderMap,
    retry: RetryPolicy,
    limiter: Option<Limiter>,
    max_body: usize,
    /// The API root, which every request's URL is checked against.
    base: Url,
    timeouts: Timeouts,
    counters: Arc<Counters>,
    /// The credentials' secret values, replaced in whatever an error shows of an answer.
    secrets: Secrets,
    on_retry: Option<RetryHook>,
}

/// The time limits a client enforces.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    pub(crate) connect: Duration,
    pub(crate) request: Duration,
    pub(crate) idle: Duration,
    pub(crate) run: Option<Duration>,
}

/// Everything [`Transport::new`] takes.
pub(crate) struct Settings {
    pub(crate) auth: HeaderMap,
    pub(crate) user_agent: HeaderValue,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Option<Limiter>,
    pub(crate) max_body: usize,
    pub(crate) base: Url,
    pub(crate) timeouts: Timeouts,
    pub(crate) on_retry: Option<RetryHook>,
}

/// Running totals, shared by all clones of a client.
#[derive(Debug, Default)]
struct Counters {
    attempts: AtomicU64,
    retries: AtomicU64,
    waited_micros: AtomicU64,
}

/// What a client has done so far (all its clones together): for progress reports and
/// metrics.
///
/// ```
/// use cloudflare_audit_logs::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::api_token("...")).build()?;
/// let stats = client.stats();
/// assert_eq!((stats.requests, stats.retries), (0, 0));
/// # Ok::<(), cloudflare_audit_logs::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientStats {
    /// Requests sent, retries included.
    pub requests: u64,
    /// Retries among them.
    pub retries: u64,
    /// Time spent waiting before retries.
    pub retry_wait: Duration,
}

impl Transport {
    pub(crate) fn new(settings: Settings) -> Self {
        let secrets = Secrets::from_headers(&settings.auth);
        let mut headers = settings.auth;
        headers.insert(USER_AGENT, settings.user_agent);
        Transport {
            headers,
            retry: settings.retry,
            limiter: settings.limiter,
            max_body: settings.max_body,
            base: settings.base,
            timeouts: settings.timeouts,
            counters: Arc::default(),
            secrets,
            on_retry: settings.on_retry,
        }
    }

    /// The deadline of a whole run, if the client has one.
    pub(crate) fn run_timeout(&self) -> Option<Duration> {
        self.timeouts.run
    }

    /// Which timeout a timed-out attempt ran into, from how long it ran.
    fn timeout_fired(&self, error: &reqwest::Error, elapsed: Duration) -> (TimeoutKind, Duration) {
        let t = &self.timeouts;
        if error.is_connect() {
            (TimeoutKind::Connect, t.connect)
        } else if elapsed >= t.request {
            (TimeoutKind::Request, t.request)
        } else {
            (TimeoutKind::Idle, t.idle)
        }
    }

    /// Tells the caller's hook that attempt `retry + 1` failed and another follows.
    fn retried(
        &self,
        info: &OperationInfo,
        path: String,
        retry: u32,
        status: Option<StatusCode>,
        error: Option<String>,
        wait: Duration,
    ) {
        if let Some(RetryHook(hook)) = &self.on_retry {
            hook(&RetryEvent {
                operation: info.operation_id,
                path,
                attempt: retry + 1,
                status,
                error,
                wait,
            });
        }
    }

    /// A snapshot of the totals.
    /// The credentials' secret values, for redacting what an error shows.
    pub(crate) fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    pub(crate) fn stats(&self) -> ClientStats {
        let c = &self.counters;
        ClientStats {
            requests: c.attempts.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            retry_wait: Duration::from_micros(c.waited_micros.load(Ordering::Relaxed)),
        }
    }
}

impl ClientHooks<Transport> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // The second line of defence behind the identifier checks: whatever a value held, the
        // request goes to its operation's path under the API root, or nowhere.
        validate::check_destination(
            &self.inner().base,
            request.url(),
            info.operation_id,
            generated::OPERATION_PATHS,
        )
        .map_err(progenitor_client::Error::InvalidRequest)?;
        let headers = request.headers_mut();
        headers.remove(GENERATOR_VERSION_HEADER);
        for (name, value) in &self.inner().headers {
            headers.insert(name, value.clone());
        }
        Ok(())
    }

    /// Sends the request, retrying what the [`RetryPolicy`] says is worth it, within the
    /// client's [`RateLimit`](crate::RateLimit). The body is read here, so a connection that
    /// breaks mid-body is retried like one that breaks before the status.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let transport = self.inner();
        let policy = transport.retry;
        let mut request = request;
        let mut retry = 0;
        record(|exchange| exchange.secrets = transport.secrets.clone());
        loop {
            // GET requests have no body, so a copy for the next attempt always exists.
            let spare = (retry < policy.retries())
                .then(|| request.try_clone())
                .flatten();
            if let Some(limiter) = &transport.limiter {
                limiter.ready().await;
            }
            record(|exchange| exchange.attempts += 1);
            transport.counters.attempts.fetch_add(1, Ordering::Relaxed);
            let span = tracing::debug_span!(
                "cloudflare_request",
                operation = info.operation_id,
                attempt = retry + 1,
                path = request.url().path(),
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
                cf_ray = tracing::field::Empty,
            );
            let started = Instant::now();
            let path = request.url().path().to_owned();
            let outcome = send(self.client(), request, transport.max_body)
                .instrument(span.clone())
                .await;
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            let (wait, next) = match outcome {
                Ok(answer) => {
                    span.record("status", answer.status.as_u16());
                    if let Some(ray) = answer.headers.get("cf-ray").and_then(|v| v.to_str().ok()) {
                        span.record("cf_ray", ray);
                    }
                    record(|exchange| {
                        exchange.status = Some(answer.status);
                        exchange.headers = answer.headers.clone();
                        exchange.body = answer.body.clone();
                        exchange.oversized = answer.oversized.then_some(transport.max_body);
                        exchange.timeout = None;
                    });
                    // An oversized body is the server's answer, not a passing fault.
                    if answer.oversized || !is_retryable_status(answer.status) {
                        let raw_only = EXCHANGE
                            .try_with(|cell| cell.borrow().raw_only)
                            .unwrap_or(false);
                        if raw_only && answer.status.is_success() && !answer.oversized {
                            // The caller decodes the body it was kept for (`call_page`).
                            let bare = Bytes::from_static(br#"{"success":true}"#);
                            return Ok(rebuild(
                                answer.status,
                                answer.version,
                                answer.headers,
                                bare,
                            ));
                        }
                        return Ok(answer.into_response());
                    }
                    let wait = match policy.wait_for(&answer.headers, retry) {
                        Wait::For(wait) => wait,
                        Wait::TooLong(wait) => {
                            record(|exchange| exchange.wait_refused = Some(wait));
                            return Ok(answer.into_response());
                        }
                    };
                    let Some(next) = spare else {
                        return Ok(answer.into_response());
                    };
                    let _entered = span.enter();
                    let (status, wait_ms) = (answer.status.as_u16(), wait.as_millis() as u64);
                    tracing::info!(status, wait_ms, "retrying");
                    transport.retried(info, path, retry, Some(answer.status), None, wait);
                    (wait, next)
                }
                Err(error) => {
                    let timeout = error
                        .is_timeout()
                        .then(|| transport.timeout_fired(&error, started.elapsed()));
                    record(|exchange| exchange.timeout = timeout);
                    let Some(next) = spare.filter(|_| is_transient(&error)) else {
                        return Err(error);
                    };
                    let wait = policy.backoff(retry);
                    let _entered = span.enter();
                    tracing::info!(%error, wait_ms = wait.as_millis() as u64, "retrying");
                    let text = transport.secrets.text(error.to_string());
                    transport.retried(info, path, retry, None, Some(text), wait);
                    (wait, next)
                }
            };
            let counters = &transport.counters;
            counters.retries.fetch_add(1, Ordering::Relaxed);
            let micros = u64::try_from(wait.as_micros()).unwrap_or(u64::MAX);
            counters.waited_micros.fetch_add(micros, Ordering::Relaxed);
            tokio::time::sleep(wait).await;
            request = next;
            retry += 1;
        }
    }
}

/// A whole response: status, headers and the body read to its end (or to the size limit).
struct Answer {
    status: StatusCode,
    version: reqwest::Version,
    headers: HeaderMap,
    body: Bytes,
    /// Reading stopped at the size limit; `body` is empty.
    oversized: bool,
}

impl Answer {
    fn into_response(self) -> reqwest::Response {
        rebuild(self.status, self.version, self.headers, self.body)
    }
}

/// Sends one attempt and reads its body to the end, or until it passes `limit` bytes.
async fn send(
    client: &reqwest::Client,
    request: reqwest::Request,
    limit: usize,
) -> reqwest::Result<Answer> {
    let mut response = client.execute(request).await?;
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let declared = response
        .content_length()
        .and_then(|n| usize::try_from(n).ok());
    let mut answer = Answer {
        status,
        version,
        headers,
        body: Bytes::new(),
        oversized: declared.is_some_and(|n| n > limit),
    };
    if answer.oversized {
        return Ok(answer);
    }
    let mut body = bytes::BytesMut::with_capacity(declared.unwrap_or(0));
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            answer.oversized = true;
            return Ok(answer);
        }
        body.extend_from_slice(&chunk);
    }
    answer.body = body.freeze();
    Ok(answer)
}

/// Whether a transport failure may go away on its own: anything but a request that could not
/// be built or redirects that went wrong.
fn is_transient(error: &reqwest::Error) -> bool {
    // A bad URL, a redirect, or TLS (a certificate refused, https to a plain-HTTP server):
    // waiting heals none of them.
    !(error.is_builder() || error.is_redirect() || crate::http::tls::is_tls(error))
}

/// A response again, from its buffered parts, for the generated code to decode.
fn rebuild(
    status: StatusCode,
    version: reqwest::Version,
    headers: HeaderMap,
    body: Bytes,
) -> reqwest::Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    *response.version_mut() = version;
    *response.headers_mut() = headers;
    reqwest::Response::from(response)
}
