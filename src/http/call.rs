//! One generated call, run through the execution seam ([`crate::http::transport`]) with a record
//! of what the seam saw, and its outcome as this crate's [`Error`]: the typed body ([`call`]),
//! or a page read for its raw entries ([`call_page`]).

use std::cell::RefCell;
use std::future::Future;

use progenitor_client::ResponseValue;

use crate::Error;
use crate::generated::types::ErrorEnvelope;
use crate::http::envelope::Envelope;
use crate::http::exchange::{EXCHANGE, Exchange};

/// A generated call of an operation whose success body is `T`.
pub type Call<T> = Result<ResponseValue<T>, progenitor_client::Error<ErrorEnvelope>>;

/// Runs one generated call with `exchange` as what the seam records of it, and hands its
/// answer, with what the seam saw, to `read`; an oversized body or a failed call is an error
/// first.
async fn exchange<T, R>(
    exchange: Exchange,
    request: impl Future<Output = Call<T>>,
    read: impl FnOnce(Exchange, ResponseValue<T>) -> Result<R, Error>,
) -> Result<R, Error> {
    EXCHANGE
        .scope(RefCell::new(exchange), async move {
            let outcome = request.await;
            let exchange = EXCHANGE.with(|cell| cell.take());
            if let Some(limit) = exchange.oversized {
                return Err(Error::ResponseTooLarge {
                    limit,
                    status: exchange.status.unwrap_or_default(),
                });
            }
            let response = outcome.map_err(|e| exchange.to_error(e))?;
            // Where the next page starts, for the walker to send its request while this page
            // is read (a guess the read confirms or overrules). The walker's task was woken
            // on this thread, where it waits for this task to yield: the yield lets the
            // request leave before the page is read.
            if exchange.raw_only
                && response.status().is_success()
                && crate::paging::peek::offer(&exchange.body)
            {
                tokio::task::yield_now().await;
            }
            read(exchange, response)
        })
        .await
}

/// Runs one generated call and maps its outcome into this crate's [`Error`]: an error
/// status, an undecodable body and a `success: false` envelope all become errors that keep
/// the status, the `cf-ray` header and the raw body.
pub(crate) async fn call<T: Envelope>(request: impl Future<Output = Call<T>>) -> Result<T, Error> {
    exchange(Exchange::default(), request, |exchange, response| {
        let status = response.status();
        let mut body = response.into_inner();
        if body.succeeded() {
            Ok(body)
        } else {
            let errors = body.take_errors();
            Err(exchange.api_error(status, &exchange.headers, errors))
        }
    })
    .await
}

/// A success page read without decoding its entries: its `result_info`, and each entry of
/// its `result` as the bytes the server sent, with its ID and time. The generated call
/// decodes nothing of the body (see [`Exchange::raw_only`]); an error status, a
/// `success: false` and an undecodable body are the same errors as [`call`]'s.
pub(crate) async fn call_page<P: crate::http::envelope::PageParts>(
    request: impl Future<Output = Call<P>>,
) -> Result<(Option<P::Info>, Vec<crate::RawEntry>), Error> {
    let raw_only = Exchange {
        raw_only: true,
        ..Exchange::default()
    };
    let (page, status, exchange) = exchange(raw_only, request, |exchange, response| {
        let status = response.status();
        let page = crate::model::raw_entry::read_page::<P::Info>(&exchange.body)
            .map_err(|source| exchange.decode_error(status, source))?;
        if !P::raw_succeeded(page.success) {
            return Err(exchange.api_error(status, &exchange.headers, page.errors));
        }
        Ok((page, status, exchange))
    })
    .await?;
    // The page is split: where the next one starts is known, so the walker's next request
    // leaves now, before each entry's ID and time are read (unless it left on a guess
    // already, see `exchange`).
    if let Some(info) = &page.result_info_text
        && crate::paging::peek::offer_info(info.clone())
    {
        tokio::task::yield_now().await;
    }
    let mut entries = Vec::with_capacity(page.entries.len());
    for entry in page.entries {
        entries.push(
            crate::model::raw_entry::read_page_entry(entry, P::ENTRY)
                .map_err(|source| exchange.decode_error(status, source))?,
        );
    }
    Ok((page.result_info, entries))
}
