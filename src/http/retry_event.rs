//! [`RetryEvent`]: what a client tells a caller's hook ([`ClientBuilder::on_retry`]) before it
//! waits to send a request again, so that a program can log retries and their waits without a
//! tracing subscriber.
//!
//! [`ClientBuilder::on_retry`]: crate::ClientBuilder::on_retry

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

/// A request about to be sent again.
///
/// ```
/// use cloudflare_audit_logs::{Client, Credentials};
///
/// let client = Client::builder()
///     .credentials(Credentials::api_token("..."))
///     .on_retry(|retry| {
///         eprintln!(
///             "{} {}: attempt {} got {}; waiting {:?}",
///             retry.operation(),
///             retry.path(),
///             retry.attempt(),
///             retry.reason(),
///             retry.wait()
///         )
///     })
///     .build()?;
/// # Ok::<(), cloudflare_audit_logs::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RetryEvent {
    pub(crate) operation: &'static str,
    pub(crate) path: String,
    pub(crate) attempt: u32,
    pub(crate) status: Option<StatusCode>,
    pub(crate) error: Option<String>,
    pub(crate) wait: Duration,
}

impl RetryEvent {
    /// The spec's operation ID, such as `account_audit_logs`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The request's path (no query: filters stay out of logs).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The attempt that failed, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The status of the answer that is retried (429, 5xx, …); `None` when the request
    /// failed without one (a reset, a timeout: see [`error`](Self::error)).
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// What failed when there was no status: the transport's error, as text.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The status or the error, as text.
    pub fn reason(&self) -> String {
        match (&self.status, &self.error) {
            (Some(status), _) => format!("HTTP {}", status.as_u16()),
            (None, Some(error)) => error.clone(),
            (None, None) => "a failure".into(),
        }
    }

    /// How long the client waits before the next attempt (what the server asked for, or the
    /// policy's backoff).
    pub fn wait(&self) -> Duration {
        self.wait
    }
}

/// The caller's hook, shared by all clones of a client.
#[derive(Clone)]
pub(crate) struct RetryHook(pub(crate) Arc<dyn Fn(&RetryEvent) + Send + Sync>);

impl fmt::Debug for RetryHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RetryHook")
    }
}
