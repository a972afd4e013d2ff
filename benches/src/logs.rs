//! The logs the benchmark reads: each one's pages as the raw floor fetches them, and its
//! entries through the crate's typed stream.

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::listings::Listing;
use cloudflare_audit_logs::{
    Client, Credentials, InsightsScope, RawEntry, Request, RetryPolicy, TimeBound,
};
use futures::TryStreamExt;

use super::Result;

pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
pub const ZONE: &str = "9a7806061c88ada191ed06f989cc3dac";
pub const ORGANIZATION: &str = "4f3bd1e9a7c24d0b8e5f6a7b8c9d0e1f";
pub const ISSUE: &str = "issue-7";
pub const IDP: &str = "okta-idp";
/// The v2 entry whose resource's history is read, and its `action.time`.
pub const ENTRY: &str = "2b6e0c1a-0000-4000-8000-000000000007";
pub const HISTORY_TIME: &str = "2026-01-01T12:00:00Z";

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

/// 2026-01-`day` as the v2 window's bound.
pub fn chrono_day(day: u32) -> TimeBound {
    format!("2026-01-{day:02}")
        .parse()
        .unwrap_or_else(|_| unreachable!("a valid date"))
}

/// The URL of page `page` (from 0) of a log, as the typed run asks for it.
pub fn page_url(base: &str, log: Log, page: usize, per_page: usize) -> String {
    let cursor = match page {
        0 => String::new(),
        _ => format!("&cursor=o{}", page * per_page),
    };
    let number = page + 1;
    let window = "since=2026-01-01&before=2026-01-02";
    match log {
        Log::Account => {
            format!("{base}/accounts/{ACCOUNT}/audit_logs?page={number}&per_page={per_page}")
        }
        Log::User => format!("{base}/user/audit_logs?page={number}&per_page={per_page}"),
        Log::Insights => format!(
            "{base}/zones/{ZONE}/security-center/insights/audit-log?per_page={per_page}{cursor}"
        ),
        Log::Insight => format!(
            "{base}/zones/{ZONE}/security-center/insights/{ISSUE}/audit-log?per_page={per_page}{cursor}"
        ),
        Log::V2 => {
            format!("{base}/accounts/{ACCOUNT}/logs/audit?{window}&limit={per_page}{cursor}")
        }
        Log::V2Organization => format!(
            "{base}/organizations/{ORGANIZATION}/logs/audit?{window}&limit={per_page}{cursor}"
        ),
        Log::History => format!(
            "{base}/accounts/{ACCOUNT}/logs/audit/{ENTRY}/history?{window}&limit={per_page}{cursor}"
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
    let (since, before) = (chrono_day(1), chrono_day(2));
    let scope = || InsightsScope::Zone(ZONE.into());
    let action_time: DateTime<Utc> = HISTORY_TIME.parse()?;
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
            let request = client.account_audit_log_history(ACCOUNT, ENTRY, action_time);
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
