//! The execution seam: the one place every request of the generated client passes through.
//!
//! The generated code calls the [`ClientHooks`] of its `Client`, whose inner value is a
//! [`Transport`]. Here the crate adds its headers (credentials, `User-Agent`), drops the
//! generator's `api-version` header, reads the whole body before the generated code decodes it,
//! and records the exchange (status, headers, raw body, attempts) so that errors keep all of it.

use std::cell::RefCell;
use std::future::Future;

use bytes::Bytes;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, USER_AGENT};

use crate::Error;
use crate::envelope::Envelope;
use crate::generated::{self, types::ErrorEnvelope};

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

/// What the execution seam needs to know; the inner value of the generated client.
#[derive(Clone, Debug)]
pub struct Transport {
    headers: HeaderMap,
}

impl Transport {
    pub(crate) fn new(auth: HeaderMap, user_agent: HeaderValue) -> Self {
        let mut headers = auth;
        headers.insert(USER_AGENT, user_agent);
        Transport { headers }
    }
}

/// What the transport saw of one call: the last response and how many attempts it took.
#[derive(Debug, Default)]
pub(crate) struct Exchange {
    pub(crate) status: Option<StatusCode>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) attempts: u32,
}

tokio::task_local! {
    static EXCHANGE: RefCell<Exchange>;
}

fn record(update: impl FnOnce(&mut Exchange)) {
    // Outside `call` (a caller driving the generated client directly) there is nothing to
    // record into, and nothing needs it.
    let _ = EXCHANGE.try_with(|cell| update(&mut cell.borrow_mut()));
}

/// Runs one generated call and maps its outcome into this crate's [`Error`]: an error
/// status, an undecodable body and a `success: false` envelope all become errors that keep
/// the status, the `cf-ray` header and the raw body.
pub(crate) async fn call<T: Envelope>(
    request: impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<ErrorEnvelope>>>,
) -> Result<T, Error> {
    EXCHANGE
        .scope(RefCell::new(Exchange::default()), async move {
            let outcome = request.await;
            let exchange = EXCHANGE.with(|cell| cell.take());
            let response = outcome.map_err(|e| crate::error::from_generated(e, &exchange))?;
            let status = response.status();
            let mut body = response.into_inner();
            if body.succeeded() {
                Ok(body)
            } else {
                let errors = body.take_errors();
                Err(crate::error::api_error(
                    status,
                    &exchange.headers,
                    errors,
                    exchange.body,
                ))
            }
        })
        .await
}

impl ClientHooks<Transport> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        headers.remove(GENERATOR_VERSION_HEADER);
        for (name, value) in &self.inner().headers {
            headers.insert(name, value.clone());
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        record(|exchange| exchange.attempts += 1);
        let response = self.client().execute(request).await?;
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        record(|exchange| {
            exchange.status = Some(status);
            exchange.headers = headers.clone();
            exchange.body = body.clone();
        });
        Ok(rebuild(status, version, headers, body))
    }
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
