//! The logs the benchmark reads: each one's pages as the raw floor fetches them, and its
//! entries through the crate's typed stream.

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::listings::Listing;
use cloudflare_audit_logs::{
    Client, Credentials, InsightsScope, RawEntry, Request, RetryPolicy, TimeBound,
};
use futures::TryStreamExt;

use super::Result;

pub use cloudflare_audit_logs_server::demo::{ACCOUNT, ORGANIZATION, ZONE};
use cloudflare_audit_logs_server::demo::{IDPS, Options, cursors, v2 as demo_v2};

/// How the benchmark's server is started (latency and kept answers aside): quiet (no faults,
/// no fields no schema names), `entries` in every log, one resource, insight and identity
/// provider (so the history, insight and SCIM logs hold every entry), any account ID
/// answered, and 100 entries a time so that a million fit in the weeks before now.
pub fn server_options(entries: usize) -> Options {
    Options::new(entries, entries)
        .every_log(entries)
        .faults(false)
        .extra_fields(false)
        .one_subject(true)
        .any_account(true)
        .entries_per_time(100)
}

/// The insight whose log is read: the server holds one ([`Options::one_subject`]).
///
/// [`Options::one_subject`]: cloudflare_audit_logs_server::demo::Options::one_subject
pub const ISSUE: &str = "insight-0";
/// The identity provider whose SCIM updates are read (the server's only one).
pub const IDP: &str = IDPS[0];
/// The v2 window every v2 run reads: the server's entries start on 2026-11-01, and a
/// million of them end before 2029.
pub const SINCE: &str = "2026-11-01";
pub const BEFORE: &str = "2029-01-01";

/// The v2 entry whose resource's history is read (on the server, every v2 entry changes
/// that resource).
pub fn entry() -> String {
    demo_v2::entry_id(demo_v2::HISTORY_ENTRY)
}

/// That entry's `action.time` on the benchmark's server.
pub fn history_time() -> DateTime<Utc> {
    server_options(0).v2_time(demo_v2::HISTORY_ENTRY)
}

/// Which listing a run reads.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Log {
    /// The account audit logs (v1): numbered pages, 4 in flight by default.
    Account,
    /// The user audit logs (v1): numbered pages, the account log's entries.
    User,
    /// A zone's insights log: `result_info.cursor`.
    Insights,
    /// One insight's log: the insights log's cursor and entries.
    Insight,
    /// An account's Audit Logs v2: `result_info.cursors.after`.
    V2,
    /// An organization's Audit Logs v2.
    V2Organization,
    /// The history of the resource an account's v2 entry changed.
    History,
    /// An account's Access authentication logs: numbered pages, one ahead.
    Access,
    /// An account's Access SCIM update logs: numbered pages, one ahead.
    Scim,
}

impl Log {
    /// Every log, in the order the tables list them.
    pub const ALL: [Log; 9] = [
        Log::Account,
        Log::User,
        Log::Insights,
        Log::Insight,
        Log::V2,
        Log::V2Organization,
        Log::History,
        Log::Access,
        Log::Scim,
    ];

    /// The name the subcommands take and the tables print.
    pub fn name(self) -> &'static str {
        match self {
            Log::Account => "account",
            Log::User => "user",
            Log::Insights => "insights",
            Log::Insight => "insight",
            Log::V2 => "v2",
            Log::V2Organization => "v2-organization",
            Log::History => "history",
            Log::Access => "access",
            Log::Scim => "scim",
        }
    }

    /// The log of that name.
    pub fn named(name: &str) -> Result<Log> {
        Log::ALL
            .into_iter()
            .find(|log| log.name() == name)
            .ok_or_else(|| format!("no log {name:?}; one of account, user, insights, insight, v2, v2-organization, history, access, scim").into())
    }

    /// Whether its pages are numbered (several may be in flight) rather than cursors.
    pub fn numbered(self) -> bool {
        matches!(self, Log::Account | Log::User | Log::Access | Log::Scim)
    }
}

pub fn client(base: &str) -> Result<Client> {
    Ok(Client::builder()
        .credentials(Credentials::api_token("bench"))
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .build()?)
}

/// The v2 window's bounds ([`SINCE`], [`BEFORE`]).
pub fn window() -> (TimeBound, TimeBound) {
    let day = |text: &str| {
        text.parse()
            .unwrap_or_else(|_| unreachable!("a valid date"))
    };
    (day(SINCE), day(BEFORE))
}

/// The URL of page `page` (from 0) of a log, as the typed run asks for it.
pub fn page_url(base: &str, log: Log, page: usize, per_page: usize) -> String {
    let cursor = |prefix: &str| match page {
        0 => String::new(),
        _ => format!("&cursor={prefix}{}", page * per_page),
    };
    let number = page + 1;
    let window = format!("since={SINCE}&before={BEFORE}");
    let (insights, insight) = (cursor(cursors::INSIGHTS), cursor(cursors::INSIGHT));
    let (v2, history) = (cursor(cursors::V2), cursor(cursors::HISTORY));
    let action_time = history_time().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let entry = entry();
    match log {
        Log::Account => {
            format!("{base}/accounts/{ACCOUNT}/audit_logs?page={number}&per_page={per_page}")
        }
        Log::User => format!("{base}/user/audit_logs?page={number}&per_page={per_page}"),
        Log::Insights => format!(
            "{base}/zones/{ZONE}/security-center/insights/audit-log?per_page={per_page}{insights}"
        ),
        Log::Insight => format!(
            "{base}/zones/{ZONE}/security-center/insights/{ISSUE}/audit-log?per_page={per_page}{insight}"
        ),
        Log::V2 => {
            format!("{base}/accounts/{ACCOUNT}/logs/audit?{window}&limit={per_page}{v2}")
        }
        Log::V2Organization => {
            format!("{base}/organizations/{ORGANIZATION}/logs/audit?{window}&limit={per_page}{v2}")
        }
        Log::History => format!(
            "{base}/accounts/{ACCOUNT}/logs/audit/{entry}/history?action_time={action_time}&{window}&limit={per_page}{history}"
        ),
        Log::Access => format!(
            "{base}/accounts/{ACCOUNT}/access/logs/access_requests?page={number}&per_page={per_page}"
        ),
        Log::Scim => format!(
            "{base}/accounts/{ACCOUNT}/access/logs/scim/updates?idp_id={IDP}&page={number}&per_page={per_page}"
        ),
    }
}

/// The pages of a log, kept in memory (to time their decoding alone).
pub async fn fetch_raw(
    base: &str,
    log: Log,
    entries: usize,
    per_page: usize,
) -> Result<Vec<bytes::Bytes>> {
    let http = cloudflare_audit_logs::http_client_builder()?.build()?;
    let mut out = Vec::new();
    for page in 0..entries.div_ceil(per_page) {
        let url = page_url(base, log, page, per_page);
        out.push(http.get(url).send().await?.bytes().await?);
    }
    Ok(out)
}

/// The raw floor: the pages the typed run reads, fetched one after another on one
/// connection into bytes, each dropped at once.
pub async fn floor(base: &str, log: Log, entries: usize, per_page: usize) -> Result<usize> {
    let http = cloudflare_audit_logs::http_client_builder()?.build()?;
    let mut bytes = 0;
    for page in 0..entries.div_ceil(per_page) {
        let url = page_url(base, log, page, per_page);
        bytes += http.get(url).send().await?.bytes().await?.len();
    }
    Ok(bytes)
}

/// What a run reads of each entry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Read {
    /// The typed entry (`stream`); the run counts them.
    Typed,
    /// The raw entry (`stream_raw`); the run adds up their bytes.
    Raw,
}

/// Every entry of one request, as `read` says.
async fn run<L: Listing>(request: Request<L>, read: Read) -> Result<usize> {
    Ok(match read {
        Read::Typed => {
            let entries = request.stream();
            entries.try_fold(0, |n, _| async move { Ok(n + 1) }).await?
        }
        Read::Raw => {
            let entries = request.stream_raw();
            let bytes = |n, e: RawEntry| async move { Ok(n + e.as_bytes().len()) };
            entries.try_fold(0, bytes).await?
        }
    })
}

/// Every entry of a log through the crate's typed stream; `concurrency` is the pages in flight
/// of a v1 log (the other numbered logs are paged one ahead).
pub async fn typed(base: &str, log: Log, per_page: usize, concurrency: usize) -> Result<usize> {
    read(base, log, per_page, concurrency, Read::Typed).await
}

/// Every entry of a log, read as `read` says (see [`typed`]).
pub async fn read(
    base: &str,
    log: Log,
    per_page: usize,
    concurrency: usize,
    read: Read,
) -> Result<usize> {
    let client = client(base)?;
    let size = per_page as u64;
    let (since, before) = window();
    let scope = || InsightsScope::Zone(ZONE.into());
    let action_time = history_time();
    match log {
        Log::Account => {
            let request = client.account_audit_logs(ACCOUNT).per_page(size);
            run(request.concurrency(concurrency), read).await
        }
        Log::User => {
            let request = client.user_audit_logs().per_page(size);
            run(request.concurrency(concurrency), read).await
        }
        Log::Insights => run(client.insights_audit_log(scope()).per_page(size), read).await,
        Log::Insight => {
            run(
                client.insight_audit_log(scope(), ISSUE).per_page(size),
                read,
            )
            .await
        }
        Log::V2 => {
            let request = client.account_audit_logs_v2(ACCOUNT, since, before);
            run(request.limit(size), read).await
        }
        Log::V2Organization => {
            let request = client.organization_audit_logs_v2(ORGANIZATION, since, before);
            run(request.limit(size), read).await
        }
        Log::History => {
            let request = client.account_audit_log_history(ACCOUNT, entry(), action_time);
            run(request.since(since).before(before).limit(size), read).await
        }
        Log::Access => {
            run(
                client.access_authentication_logs(ACCOUNT).per_page(size),
                read,
            )
            .await
        }
        Log::Scim => {
            let request = client.access_scim_update_logs(ACCOUNT, IDP).per_page(size);
            run(request, read).await
        }
    }
}
