//! What the execution seam saw of one call (status, headers, raw body, attempts), and how
//! that exchange turns into this crate's [`Error`] whichever way the generated code failed.

use std::cell::RefCell;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::error::{ApiError, DecodeError, RateLimited, TransportError, snippet};
use crate::generated::types::{ErrorEnvelope, ResponseMessage};
use crate::http::redact::Secrets;
use crate::http::retry::server_wait;
use crate::{Error, TimeoutKind};

/// What the transport saw of one call: the last response and how many attempts it took.
#[derive(Debug, Default)]
pub(crate) struct Exchange {
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) attempts: u32,
    /// The server asked for a longer wait than the retry policy allows, so it was not retried.
    pub(crate) wait_refused: Option<Duration>,
    /// The body grew past this many bytes, so reading stopped.
    pub(crate) oversized: Option<usize>,
    /// The last attempt timed out: which timeout, and its limit.
    pub(crate) timeout: Option<(TimeoutKind, Duration)>,
    /// The client's secrets: whatever an error keeps of the answer is shown without them.
    pub(crate) secrets: Secrets,
    /// The caller reads a success body itself (raw entries): the generated code is handed a
    /// bare `{"success":true}` instead of it, so that it decodes nothing.
    pub(crate) raw_only: bool,
}

tokio::task_local! {
    pub(crate) static EXCHANGE: RefCell<Exchange>;
}

/// Updates the exchange of the call under way.
pub(crate) fn record(update: impl FnOnce(&mut Exchange)) {
    // Outside `call::call` (a caller driving the generated client directly) there is
    // nothing to record into, and nothing needs it.
    let _ = EXCHANGE.try_with(|cell| update(&mut cell.borrow_mut()));
}

impl Exchange {
    /// An error answer with the status and `errors[]` given and the rest from the exchange;
    /// a 3xx becomes [`Error::Redirect`] and a 429 [`Error::RateLimited`].
    /// A success body that does not decode, shown as an undecodable generated call is.
    pub(crate) fn decode_error(&self, status: StatusCode, source: serde_json::Error) -> Error {
        Error::Decode(Box::new(DecodeError {
            status,
            cf_ray: cf_ray(&self.headers).map(|ray| self.secrets.text(ray)),
            snippet: snippet(&self.secrets.bytes(&self.body)),
            source: self.secrets.serde_error(source),
        }))
    }

    pub(crate) fn api_error(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        errors: Vec<ResponseMessage>,
    ) -> Error {
        if status.is_redirection() {
            return Error::Redirect {
                status,
                location: headers.get(reqwest::header::LOCATION).map(|v| {
                    let location = redacted_location(&String::from_utf8_lossy(v.as_bytes()));
                    self.secrets.text(location)
                }),
            };
        }
        let errors = errors
            .into_iter()
            .map(|mut e| {
                e.message = self.secrets.text(e.message);
                e.documentation_url = e.documentation_url.map(|u| self.secrets.text(u));
                if let Some(source) = e.source.as_mut() {
                    source.pointer = source.pointer.take().map(|p| self.secrets.text(p));
                }
                e
            })
            .collect();
        let api = ApiError {
            status,
            errors,
            cf_ray: cf_ray(headers).map(|ray| self.secrets.text(ray)),
            body: self.secrets.bytes(&self.body),
            attempts: self.attempts.max(1),
        };
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Error::RateLimited(Box::new(RateLimited {
                api,
                retry_after: self
                    .wait_refused
                    .or_else(|| server_wait(headers, SystemTime::now())),
                refused_wait: self.wait_refused.is_some(),
            }));
        }
        Error::Api(Box::new(api))
    }

    /// Turns a failure of a generated call into an [`Error`], keeping the status, headers
    /// and raw body on every path.
    pub(crate) fn to_error(&self, error: progenitor_client::Error<ErrorEnvelope>) -> Error {
        use progenitor_client::Error as G;
        let attempts = self.attempts.max(1);
        match error {
            G::InvalidRequest(message) => Error::InvalidInput(message),
            G::CommunicationError(source) | G::ResponseBodyError(source) => match self.timeout {
                Some((kind, limit)) if source.is_timeout() => Error::Timeout {
                    kind,
                    limit,
                    attempts,
                },
                _ => Error::Transport {
                    source: TransportError(source),
                    attempts,
                },
            },
            G::ErrorResponse(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                let errors = response.into_inner().errors.unwrap_or_default();
                self.api_error(status, &headers, errors)
            }
            G::InvalidResponsePayload(body, source) => match self.status {
                // An error status whose body is not an envelope (an HTML page from a proxy).
                Some(status) if !status.is_success() => {
                    self.api_error(status, &self.headers, Vec::new())
                }
                status => Error::Decode(Box::new(DecodeError {
                    status: status.unwrap_or(StatusCode::OK),
                    cf_ray: cf_ray(&self.headers).map(|ray| self.secrets.text(ray)),
                    snippet: snippet(&self.secrets.bytes(&body)),
                    source: self.secrets.serde_error(source),
                })),
            },
            G::UnexpectedResponse(response) => {
                let errors = envelope_errors(&self.body);
                self.api_error(response.status(), response.headers(), errors)
            }
            // Left: `InvalidUpgrade` (no operation upgrades) and `Custom` (our hooks return
            // none). Neither can come from this crate's calls.
            other => Error::Unexpected(self.secrets.text(other.to_string())),
        }
    }
}

fn cf_ray(headers: &HeaderMap) -> Option<String> {
    headers
        .get("cf-ray")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A `Location` as an error may show it: without a user name or password.
fn redacted_location(location: &str) -> String {
    match reqwest::Url::parse(location) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Ok(url) => url.to_string(),
        // Relative: no user name can hide in it, but keep it to one line.
        Err(_) => snippet(location.as_bytes()),
    }
}

/// Cloudflare's `errors[]` from a body that may or may not be an envelope.
fn envelope_errors(body: &[u8]) -> Vec<ResponseMessage> {
    serde_json::from_slice::<ErrorEnvelope>(body)
        .ok()
        .and_then(|envelope| envelope.errors)
        .unwrap_or_default()
}
