//! [`RetryPolicy`]: when and how long to wait before sending a failed request again.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How failed requests are retried.
///
/// Retried: connection failures, timeouts, resets and bodies cut short, and the statuses 408,
/// 409, 429 and 5xx. Not retried: other 4xx (a bad request or a refused token does not get
/// better) and bodies that arrive whole but do not decode.
///
/// The wait before a retry is what the server asks for (`retry-after-ms`, then `Retry-After`
/// in seconds or as an HTTP date) when it asks, else exponential backoff from
/// [`base_delay`](Self::base_delay) up to [`max_delay`](Self::max_delay), with jitter. A server
/// that asks for longer than [`max_retry_after`](Self::max_retry_after) is not waited for: the
/// call fails at once with [`Error::RateLimited`](crate::Error::RateLimited), carrying the wait.
///
/// The defaults (5 retries, 1 s doubling to at most 30 s, server waits up to 60 s) ride out a
/// minute-long outage or a full rate-limit window, which unattended exports meet; the official
/// SDKs' 2 quick retries are known to run out within two seconds under a 429.
///
/// ```
/// use std::time::Duration;
/// use cloudflare_audit_logs::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(10)
///     .max_delay(Duration::from_secs(60))
///     .max_retry_after(Duration::from_secs(300));
/// let strict = RetryPolicy::none();
/// assert_eq!(strict.retries(), 0);
/// assert_eq!(patient.retries(), 10);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry: every failure is returned as it happens.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// How many times a request may be sent again after its first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The first backoff wait; each further retry doubles it.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff wait.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest wait a server may ask for (`Retry-After`) and still be waited for.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// How many retries the policy allows.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The backoff before retry number `retry` (0 for the first): `base * 2^retry`, capped,
    /// less up to a quarter at random so that clients do not retry in step.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        let full = self.base_delay.saturating_mul(factor).min(self.max_delay);
        full.mul_f64(1.0 - 0.25 * unit_random())
    }

    /// What to do about a response with a retryable status: wait this long, or give up
    /// because the server asks for longer than the policy allows.
    pub(crate) fn wait_for(&self, headers: &HeaderMap, retry: u32) -> Wait {
        match server_wait(headers, SystemTime::now()) {
            Some(wait) if wait > self.max_retry_after => Wait::TooLong(wait),
            Some(wait) => Wait::For(wait),
            None => Wait::For(self.backoff(retry)),
        }
    }
}

/// The decision for one retryable response.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Sleep this long, then retry.
    For(Duration),
    /// The server asks for this long, more than allowed.
    TooLong(Duration),
}

/// Whether a status is worth another attempt.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// The wait a server asks for: `retry-after-ms`, or `Retry-After` as seconds or an HTTP date.
/// A date in the past means no wait.
pub(crate) fn server_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    // A negative, infinite or enormous number is no usable wait (and must not panic).
    let seconds = |value: f64| Duration::try_from_secs_f64(value).ok();
    if let Some(wait) = text("retry-after-ms")
        .and_then(|v| v.parse::<f64>().ok())
        .and_then(|ms| seconds(ms / 1000.0))
    {
        return Some(wait);
    }
    let value = text("retry-after")?;
    if let Ok(number) = value.parse::<f64>() {
        return seconds(number);
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(date);
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in [0, 1), random enough for jitter, from the standard library's hasher keys.
fn unit_random() -> f64 {
    use std::hash::{BuildHasher, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let bits = RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed));
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn server_waits_in_every_form() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 21 Oct 2015 07:28:00 UTC
        let wait = |pairs: &[(&'static str, &str)]| server_wait(&headers(pairs), now);
        assert_eq!(wait(&[("retry-after", "2")]), Some(Duration::from_secs(2)));
        assert_eq!(
            wait(&[("retry-after", "0.5")]),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            wait(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            wait(&[("retry-after", "Wed, 21 Oct 2015 07:28:30 GMT")]),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            wait(&[("retry-after", "Wed, 21 Oct 2015 07:27:00 GMT")]),
            Some(Duration::ZERO)
        );
        assert_eq!(wait(&[("retry-after", "soon")]), None);
        assert_eq!(wait(&[("retry-after", "-3")]), None);
        assert_eq!(wait(&[("retry-after", "1e400")]), None);
        assert_eq!(wait(&[("retry-after", "1e300")]), None);
        assert_eq!(
            wait(&[("retry-after-ms", "NaN"), ("retry-after", "1")]),
            Some(Duration::from_secs(1))
        );
        assert_eq!(wait(&[]), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
        let policy = RetryPolicy::default()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(1000));
        for (retry, full) in [
            (0, 100),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1000),
            (40, 1000),
        ] {
            for _ in 0..50 {
                let d = policy.backoff(retry).as_secs_f64() * 1000.0;
                assert!(
                    d <= full as f64 && d >= full as f64 * 0.75 - 1e-6,
                    "{retry}: {d}"
                );
            }
        }
    }

    #[test]
    fn a_wait_beyond_the_cap_is_reported_not_taken() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(60));
        assert_eq!(
            policy.wait_for(&headers(&[("retry-after", "61")]), 0),
            Wait::TooLong(Duration::from_secs(61))
        );
        assert_eq!(
            policy.wait_for(&headers(&[("retry-after", "60")]), 0),
            Wait::For(Duration::from_secs(60))
        );
    }
}
