//! [`Logs`]: what a running demo server holds, shared by its routes.

use std::collections::HashSet;

use crate::demo::data::Shape;
use crate::demo::pages::Rendered;

/// The logs as they stand; they grow with [`crate::demo::Demo::append`].
#[derive(Debug)]
pub(crate) struct Logs {
    pub(crate) account: usize,
    pub(crate) insights: usize,
    pub(crate) v2: usize,
    pub(crate) access: usize,
    pub(crate) scim: usize,
    pub(crate) shape: Shape,
    pub(crate) rendered: Rendered,
    /// Requests that fail once before they succeed (an injected 503, 502 and 429).
    pub(crate) fail_once: HashSet<String>,
    /// When each request of the log endpoints arrived.
    pub(crate) requests: Vec<std::time::Instant>,
}
