//! Everything about one HTTP exchange with Cloudflare: the execution seam every request
//! passes through (headers, credentials, retries, the request budget, timeouts, the body
//! limit), the checks of what the caller gives, the envelope of an answer, and the secrets kept
//! out of what errors show.

pub(crate) mod call;
pub(crate) mod credentials;
pub(crate) mod envelope;
pub(crate) mod exchange;
pub(crate) mod rate_limit;
pub(crate) mod redact;
pub(crate) mod retry;
pub(crate) mod retry_event;
pub(crate) mod tls;
pub(crate) mod transport;
pub(crate) mod validate;
