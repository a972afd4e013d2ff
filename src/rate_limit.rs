//! [`RateLimit`]: an optional client-side pace for requests, shared by all clones of a client.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota};

use crate::Error;

/// A budget of requests over a window, spent evenly: with `RateLimit::new(1200, 5 min)` the
/// client sends at most one request every 250 ms, so no five-minute window ever holds more
/// than 1200. Retries count too. All clones of a client share one budget.
///
/// Cloudflare allows 1200 requests per five minutes per user across the whole API;
/// [`RateLimit::cloudflare`] is that budget. Lower it when other programs share the token.
///
/// ```
/// use std::time::Duration;
/// use cloudflare_audit_logs::{Client, Credentials, RateLimit};
///
/// let client = Client::builder()
///     .credentials(Credentials::api_token("..."))
///     .rate_limit(RateLimit::new(600, Duration::from_secs(300))?)
///     .build()?;
/// # Ok::<(), cloudflare_audit_logs::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    requests: NonZeroU32,
    per: Duration,
    burst: NonZeroU32,
}

impl RateLimit {
    /// At most `requests` requests per `per`, spread evenly.
    pub fn new(requests: u32, per: Duration) -> Result<Self, Error> {
        let requests = NonZeroU32::new(requests)
            .ok_or_else(|| Error::Config("a rate limit needs at least one request".into()))?;
        if per.is_zero() || per / requests.get() == Duration::ZERO {
            return Err(Error::Config("a rate limit needs a window of time".into()));
        }
        Ok(RateLimit {
            requests,
            per,
            burst: NonZeroU32::MIN,
        })
    }

    /// Cloudflare's documented budget: 1200 requests per five minutes.
    pub fn cloudflare() -> Self {
        RateLimit {
            requests: NonZeroU32::new(1200).unwrap_or(NonZeroU32::MIN),
            per: Duration::from_secs(300),
            burst: NonZeroU32::MIN,
        }
    }

    /// Lets up to `burst` requests go at once after a quiet spell (default 1). The window may
    /// then hold up to `burst - 1` requests more than the budget.
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        self
    }

    /// The time between two evenly spread requests.
    pub fn interval(&self) -> Duration {
        self.per / self.requests.get()
    }

    pub(crate) fn limiter(&self) -> Limiter {
        // `new` makes sure the interval is not zero, which is all `with_period` asks.
        let quota = Quota::with_period(self.interval())
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(self.burst);
        Limiter(Arc::new(DefaultDirectRateLimiter::direct(quota)))
    }
}

/// The shared limiter behind a client.
#[derive(Clone)]
pub(crate) struct Limiter(Arc<DefaultDirectRateLimiter>);

impl Limiter {
    /// Waits until the budget allows one more request.
    pub(crate) async fn ready(&self) {
        self.0.until_ready().await;
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Limiter")
    }
}
