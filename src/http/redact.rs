//! The client's own secrets, kept out of everything it shows of a server's answer: a server
//! (or a proxy) that echoes the token it received, in an error message, a body or a
//! `Location`, must not make an error print it.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, HeaderMap};

/// What stands where a secret stood.
pub(crate) const REDACTED: &str = "[redacted]";

/// The secret values a client sends: its API token or its Global API key.
#[derive(Clone, Default)]
pub(crate) struct Secrets(Arc<[Box<[u8]>]>);

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} redacted)", self.0.len())
    }
}

impl Secrets {
    /// The values of the sensitive headers among `headers` (an `Authorization: Bearer`
    /// header's token without the scheme, so the token is found however it is echoed).
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let secrets: Vec<Box<[u8]>> = headers
            .iter()
            .filter(|(_, value)| value.is_sensitive())
            .map(|(name, value)| {
                let bytes = value.as_bytes();
                let bytes = match name == AUTHORIZATION {
                    true => bytes.strip_prefix(b"Bearer ").unwrap_or(bytes),
                    false => bytes,
                };
                Box::<[u8]>::from(bytes)
            })
            .filter(|secret| !secret.is_empty())
            .collect();
        Secrets(secrets.into())
    }

    fn find(&self, haystack: &[u8]) -> Option<(usize, usize)> {
        self.0
            .iter()
            .filter_map(|secret| {
                haystack
                    .windows(secret.len())
                    .position(|w| w == &secret[..])
                    .map(|at| (at, secret.len()))
            })
            .min()
    }

    /// `body` with every secret replaced by `[redacted]` (the same bytes when none is in it).
    pub(crate) fn bytes(&self, body: &Bytes) -> Bytes {
        if self.find(body).is_none() {
            return body.clone();
        }
        let mut out = Vec::with_capacity(body.len());
        let mut rest = &body[..];
        while let Some((at, len)) = self.find(rest) {
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(REDACTED.as_bytes());
            rest = &rest[at + len..];
        }
        out.extend_from_slice(rest);
        Bytes::from(out)
    }

    /// `text` with every secret replaced by `[redacted]`.
    pub(crate) fn text(&self, text: String) -> String {
        if self.find(text.as_bytes()).is_none() {
            return text;
        }
        let redacted = self.bytes(&Bytes::from(text));
        String::from_utf8_lossy(&redacted).into_owned()
    }

    /// A decoding error whose message quotes a secret (serde quotes the value it could not
    /// take) becomes one with the same message, redacted.
    pub(crate) fn serde_error(&self, error: serde_json::Error) -> serde_json::Error {
        let text = error.to_string();
        if self.find(text.as_bytes()).is_none() {
            return error;
        }
        <serde_json::Error as serde::de::Error>::custom(self.text(text))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn secrets() -> Secrets {
        let mut headers = HeaderMap::new();
        let mut token = HeaderValue::from_static("Bearer tok-123");
        token.set_sensitive(true);
        headers.insert(AUTHORIZATION, token);
        let mut key = HeaderValue::from_static("key-456");
        key.set_sensitive(true);
        headers.insert("x-auth-key", key);
        headers.insert("x-auth-email", HeaderValue::from_static("me@example.com"));
        Secrets::from_headers(&headers)
    }

    #[test]
    fn every_occurrence_of_every_secret_goes() {
        let s = secrets();
        assert_eq!(
            s.text("for Bearer tok-123 and key-456, tok-123tok-123.".into()),
            "for Bearer [redacted] and [redacted], [redacted][redacted]."
        );
        // What is not sensitive stays.
        assert_eq!(s.text("me@example.com".into()), "me@example.com");
        let body = Bytes::from_static(b"nothing here");
        assert_eq!(s.bytes(&body), body);
    }

    #[test]
    fn a_decoding_error_quoting_a_secret_is_redacted() {
        let error = serde_json::from_str::<u8>("\"tok-123\"").unwrap_err();
        assert!(error.to_string().contains("tok-123"));
        let redacted = secrets().serde_error(error);
        assert!(!redacted.to_string().contains("tok-123"), "{redacted}");
        assert!(redacted.to_string().contains(REDACTED));
    }
}
