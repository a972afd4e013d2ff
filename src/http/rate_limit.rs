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
    pub const fn cloudflare() -> Self {
        const REQUESTS: NonZeroU32 = match NonZeroU32::new(1200) {
            Some(n) => n,
            None => panic!("1200 is not zero"),
        };
        RateLimit {
            requests: REQUESTS,
            per: Duration::from_secs(300),
            burst: NonZeroU32::MIN,
        }
    }

    /// Lets up to `burst` requests go at once after a quiet spell (default 1). The window may
    /// then hold up to `burst - 1` requests more than the budget.
    ///
    /// ```
    /// use std::num::NonZeroU32;
    /// use cloudflare_audit_logs::RateLimit;
    ///
    /// let limit = RateLimit::cloudflare().burst(NonZeroU32::new(10).expect("not zero"));
    /// # let _ = limit;
    /// ```
    pub fn burst(mut self, burst: NonZeroU32) -> Self {
        self.burst = burst;
        self
    }

    /// The time between two evenly spread requests.
    pub fn interval(&self) -> Duration {
        self.per / self.requests.get()
    }

    pub(crate) fn limiter(&self) -> Result<Limiter, Error> {
        // `new` and `cloudflare` make sure the interval is not zero, which is all
        // `with_period` asks; should that ever change, it is an error, not another rate.
        let quota = Quota::with_period(self.interval())
            .ok_or_else(|| Error::Config("a rate limit needs a window of time".into()))?
            .allow_burst(self.burst);
        Ok(Limiter(Arc::new(DefaultDirectRateLimiter::direct(quota))))
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
