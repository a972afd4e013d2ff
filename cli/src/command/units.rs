//! The values people type: times, durations and rate budgets, read the same way from flags
//! and from the config file.

use std::time::Duration;

use cloudflare_audit_logs::{RateLimit, TimeBound};

/// Reads `--since`/`--before`: RFC 3339, or a date (midnight UTC where a time is needed).
pub fn parse_time(text: &str) -> Result<TimeBound, String> {
    text.parse::<TimeBound>().map_err(|e| {
        format!("{text:?} is neither an RFC 3339 date-time nor a YYYY-MM-DD date: {e}")
    })
}

/// Reads a moment as RFC 3339 writes it (an entry's `action.time`), in UTC.
pub fn parse_instant(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|e| format!("{text:?} is not an RFC 3339 date-time: {e}"))
}

/// Reads a duration such as `500ms`, `30s`, `5m` or `1h`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 30s or 5m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" | "" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        _ => Err(format!("{text:?}: the unit must be ms, s, m or h")),
    }
}

/// Reads a rate budget: `REQUESTS/DURATION` (`1200/5m`, Cloudflare's), or `none` for no
/// pacing at all (`None`).
pub fn parse_budget(text: &str) -> Result<Option<RateLimit>, String> {
    if text == "none" {
        return Ok(None);
    }
    let (requests, per) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not a budget such as 1200/5m, or none"))?;
    let requests: u32 = requests
        .parse()
        .map_err(|_| format!("{text:?}: {requests:?} is not a number of requests"))?;
    RateLimit::new(requests, parse_duration(per)?)
        .map(Some)
        .map_err(|e| format!("{text:?}: {e}"))
}

/// The defaults of flags and config alike, as they are typed.
pub mod defaults {
    /// Entries per page (Cloudflare's largest page).
    pub const PER_PAGE: u64 = 1000;
    /// Entries per page in the demo, so that it shows several pages.
    pub const DEMO_PER_PAGE: u64 = 50;
    /// Follow mode: the time between polls.
    pub const INTERVAL: &str = "60s";
    /// How far before the latest entry each later listing starts.
    pub const OVERLAP: &str = "5m";
    /// How far behind now each listing ends.
    pub const LAG: &str = "0s";
    /// How long a checkpoint in an object store is held at a time, renewed with each write.
    pub const LEASE: &str = "30s";
    /// Follow mode with `--reconcile-every`: how far back a reconciling listing reads.
    pub const RECONCILE_WINDOW: &str = "24h";

    /// [`OVERLAP`] as a duration.
    pub fn overlap() -> std::time::Duration {
        // A constant of this module; the test below reads every one.
        super::parse_duration(OVERLAP).unwrap_or(std::time::Duration::from_secs(300))
    }
}

/// A budget as `--budget` takes it: `None` for `none`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget(pub Option<RateLimit>);

/// The budget the command keeps to unless told otherwise: Cloudflare's published one, 1200
/// requests per five minutes per user.
pub const DEFAULT_BUDGET: &str = "1200/5m";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_read_as_what_they_say() {
        for text in [
            defaults::INTERVAL,
            defaults::OVERLAP,
            defaults::LAG,
            defaults::RECONCILE_WINDOW,
        ] {
            assert!(parse_duration(text).is_ok(), "{text}");
        }
        assert_eq!(defaults::overlap(), Duration::from_secs(300));
        assert_eq!(
            parse_budget(DEFAULT_BUDGET),
            Ok(Some(RateLimit::cloudflare()))
        );
    }

    #[test]
    fn budgets_read_as_requests_over_a_window_or_none() {
        assert_eq!(parse_budget("none"), Ok(None));
        assert_eq!(
            parse_budget(DEFAULT_BUDGET),
            Ok(Some(RateLimit::cloudflare()))
        );
        let limit = parse_budget("1000/5m").unwrap().unwrap();
        assert_eq!(limit.interval(), Duration::from_millis(300));
        for bad in ["1000", "0/5m", "x/5m", "10/5 min", "10/0s"] {
            assert!(parse_budget(bad).is_err(), "{bad}");
        }
    }
}
