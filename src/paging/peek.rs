//! A page's `result_info` found before the page is read: a cheap look at the body that lets
//! the walker send the request for a cursor listing's next page at once, while the page is
//! still being read (split into entries, each entry's ID and time read out).
//!
//! The look is a guess, never trusted: the full read of the page says where the next page
//! starts, and a request sent on a guess it contradicts is dropped (its answer unread) and
//! the server's position followed. A guess is only made when the body holds the key
//! `"result_info"` exactly once; a body where it also appears inside an entry (a v2 entry's
//! `resource.response` may hold a whole API answer) gets no guess and waits for the full read.

use std::cell::Cell;
use std::future::Future;

use bytes::Bytes;
use futures::channel::oneshot;
use serde::Deserialize;
use serde_json::value::RawValue;

const KEY: &[u8] = b"\"result_info\"";

tokio::task_local! {
    static PEEK: Cell<Option<oneshot::Sender<Bytes>>>;
}

/// `fetch`, able to hand the walker its page's `result_info` early (see [`offer`]), and
/// where that comes.
pub(crate) fn scoped<F: Future>(fetch: F) -> (impl Future<Output = F::Output>, Early) {
    let (sender, receiver) = oneshot::channel();
    (PEEK.scope(Cell::new(Some(sender)), fetch), Early(receiver))
}

/// Where a fetch's early `result_info` arrives; it never does when the body gave no guess.
#[derive(Debug)]
pub(crate) struct Early(pub(crate) oneshot::Receiver<Bytes>);

/// Hands the walker the text of `body`'s `result_info` object, when the fetch under way was
/// started by [`scoped`] and the body holds one that can be found without reading the rest;
/// whether it did.
pub(crate) fn offer(body: &Bytes) -> bool {
    PEEK.try_with(|cell| {
        let Some(sender) = cell.take() else {
            return false;
        };
        match result_info(body) {
            Some(info) => sender.send(info).is_ok(),
            // No guess: the page's own read may hand it over (`offer_info`).
            None => {
                cell.set(Some(sender));
                false
            }
        }
    })
    .unwrap_or(false)
}

/// Hands the walker `info`, a page's `result_info` text read with the page, when the fetch
/// under way was started by [`scoped`] and has not handed one over yet; whether it did.
pub(crate) fn offer_info(info: Bytes) -> bool {
    PEEK.try_with(|cell| match cell.take() {
        Some(sender) if info.starts_with(b"{") => sender.send(info).is_ok(),
        other => {
            cell.set(other);
            false
        }
    })
    .unwrap_or(false)
}

/// The `result_info` object of `body`, found by its key when the key occurs exactly once.
pub(crate) fn result_info(body: &Bytes) -> Option<Bytes> {
    let mut found = memchr::memmem::find_iter(body, KEY);
    let at = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let rest = body[at + KEY.len()..]
        .trim_ascii_start()
        .strip_prefix(b":")?;
    let mut value = serde_json::Deserializer::from_slice(rest);
    let object = <&RawValue>::deserialize(&mut value).ok()?;
    let text = object.get();
    text.starts_with('{')
        .then(|| body.slice_ref(text.as_bytes()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn info(body: &str) -> Option<String> {
        result_info(&Bytes::copy_from_slice(body.as_bytes()))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    #[test]
    fn finds_result_info_before_or_after_the_entries() {
        assert_eq!(
            info(r#"{"result":[{"id":"a"}],"result_info" : {"cursor":"c2"},"success":true}"#)
                .as_deref(),
            Some(r#"{"cursor":"c2"}"#)
        );
        assert_eq!(
            info(r#"{"result_info":{"cursors":{"after":"x"}},"result":[]}"#).as_deref(),
            Some(r#"{"cursors":{"after":"x"}}"#)
        );
    }

    #[test]
    fn no_guess_when_the_key_is_ambiguous_missing_or_not_an_object() {
        // An entry holding an API answer of its own.
        let nested = r#"{"result":[{"resource":{"response":{"result_info":{"cursor":"evil"}}}}],"result_info":{"cursor":"c2"}}"#;
        assert_eq!(info(nested), None);
        assert_eq!(info(r#"{"result":[],"success":true}"#), None);
        assert_eq!(info(r#"{"result_info":null,"result":[]}"#), None);
        assert_eq!(info(r#"{"result_info":{"cursor":"#), None);
        // Inside a string the key's quotes are escaped, so it is not found there.
        assert_eq!(
            info(r#"{"result":[{"note":"\"result_info\""}],"result_info":{"cursor":"c"}}"#)
                .as_deref(),
            Some(r#"{"cursor":"c"}"#)
        );
    }
}
