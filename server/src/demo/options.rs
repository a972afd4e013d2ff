//! [`Options`]: what a demo server holds and how it answers: how many entries each log
//! holds, a latency before each answer, the injected faults, fields no schema names yet, and
//! answers kept for long runs.

use std::time::Duration;

use crate::demo::access::{ACCESS_EVENTS, SCIM_UPDATES};
use crate::demo::data::{IDPS, INSIGHTS, Shape};
use crate::demo::v2::RESOURCES;

/// How a [`crate::demo::Demo`] is started. [`Options::new`] is the demo the export command
/// runs; each setter changes one thing.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use cloudflare_audit_logs_server::demo::{Demo, Options};
/// use std::time::Duration;
///
/// // A quiet server for a benchmark: 100,000 entries in every log, 50 ms per answer.
/// let options = Options::new(100_000, 100_000)
///     .every_log(100_000)
///     .latency(Duration::from_millis(50))
///     .faults(false)
///     .extra_fields(false)
///     .keep_answers(true);
/// let server = Demo::with(options).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Options {
    pub(crate) account: usize,
    pub(crate) insights: usize,
    pub(crate) v2: usize,
    pub(crate) access: usize,
    pub(crate) scim: usize,
    pub(crate) latency: Duration,
    pub(crate) faults: bool,
    pub(crate) extra_fields: bool,
    pub(crate) keep_answers: bool,
    pub(crate) any_account: bool,
    pub(crate) one_subject: bool,
    pub(crate) pace: usize,
}

impl Options {
    /// The demo: `account` entries in the v1 logs and Audit Logs v2, `insights` in the
    /// insights log, [`ACCESS_EVENTS`] and [`SCIM_UPDATES`] in the Access logs; the injected
    /// faults and the fields no schema names yet on; no latency; only the demo's IDs answered.
    pub fn new(account: usize, insights: usize) -> Options {
        Options {
            account,
            insights,
            v2: account,
            access: ACCESS_EVENTS,
            scim: SCIM_UPDATES,
            latency: Duration::ZERO,
            faults: true,
            extra_fields: true,
            keep_answers: false,
            any_account: false,
            one_subject: false,
            pace: 1,
        }
    }

    /// `entries` entries in every log.
    pub fn every_log(mut self, entries: usize) -> Options {
        (self.account, self.insights, self.v2) = (entries, entries, entries);
        (self.access, self.scim) = (entries, entries);
        self
    }

    /// Waits `latency` before each answer.
    pub fn latency(mut self, latency: Duration) -> Options {
        self.latency = latency;
        self
    }

    /// Whether the second page of the account log (a 503 page), of the insights log (a 429
    /// with `Retry-After: 1`) and of the account's Audit Logs v2 (a 502) each fail once.
    pub fn faults(mut self, on: bool) -> Options {
        self.faults = on;
        self
    }

    /// Whether entries carry `x_added` ([`crate::demo::FUTURE_FIELD`]), a field no schema
    /// names yet.
    pub fn extra_fields(mut self, on: bool) -> Options {
        self.extra_fields = on;
        self
    }

    /// Whether each entry's text, and each page of consecutive entries, is kept once rendered
    /// (neither changes; entries only arrive), so that a page asked again costs the server a
    /// lookup: for the long runs of a benchmark. It holds every entry read (about 600 bytes
    /// each) and every such page, so it is for logs that fit in memory twice.
    pub fn keep_answers(mut self, on: bool) -> Options {
        self.keep_answers = on;
        self
    }

    /// Whether every Audit Logs v2 entry changes one resource, every insights entry is of one
    /// insight (`insight-0`) and every SCIM update comes from one identity provider
    /// (`okta-demo`), so that a resource's history, an insight's log and a provider's updates
    /// hold every entry (rather than [`crate::demo::v2::RESOURCES`] resources and
    /// [`crate::demo::INSIGHTS`] insights and both [`crate::demo::IDPS`] in turn).
    pub fn one_subject(mut self, on: bool) -> Options {
        self.one_subject = on;
        self
    }

    /// `entries` entries in a row share each of the demo's times (1, the demo's pace: an
    /// entry every minute or two), so that long logs fit in the days before now: a million
    /// entries at 100 take 2 weeks. Entries after now are not served by the v1 logs, as a
    /// client asks for entries `before` now.
    pub fn entries_per_time(mut self, entries: usize) -> Options {
        self.pace = entries.max(1);
        self
    }

    /// The `action.time` of Audit Logs v2 entry `i` on a server started with these options.
    pub fn v2_time(&self, i: usize) -> chrono::DateTime<chrono::Utc> {
        self.shape().at(crate::demo::v2::v2_time, i)
    }

    /// How the entries are laid out.
    pub(crate) fn shape(&self) -> Shape {
        let one = self.one_subject;
        Shape {
            resources: if one { 1 } else { RESOURCES },
            issues: if one { 1 } else { INSIGHTS },
            idps: if one { 1 } else { IDPS.len() },
            pace: self.pace,
        }
    }

    /// Whether the v1 account log answers for every account ID with the demo account's
    /// entries (many sources against one server).
    pub fn any_account(mut self, on: bool) -> Options {
        self.any_account = on;
        self
    }
}
