//! The command line: every flag (the v2 filter flags added from the library's list of
//! filters). The sources it names are made in [`flag_sources`](crate::flag_sources).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use cloudflare_audit_logs::{AccountAuditLogsV2Filters, FilterValue};

use crate::command::units;
use crate::formats::sink::Format;
use crate::sources::source;

#[derive(Parser, Debug)]
#[command(name = "cloudflare-audit-export", version, about = crate::command::help::ABOUT)]
#[command(after_help = crate::command::help::SHORT, after_long_help = crate::command::help::LONG)]
pub struct Args {
    /// Run against a bundled local server with sample data (no credentials needed).
    #[arg(long)]
    pub demo: bool,
    /// Export every source of this TOML config file concurrently, under one rate budget
    /// (see guides/exporter.md, "Running it in production"); follows the logs unless --once.
    #[arg(long, conflicts_with_all = ["account", "zone", "organization", "insights", "user", "v2", "log", "out", "checkpoint"])]
    pub config: Option<PathBuf>,
    /// With --config: export what there is, then exit (for cron) instead of following.
    #[arg(long, requires = "config")]
    pub once: bool,
    /// With --config: keep a Prometheus text file of the counters here (entries, pages,
    /// failures and last success per source; requests, retries and waits).
    #[arg(long, requires = "config")]
    pub metrics: Option<PathBuf>,
    /// Which log (with the owner it takes; the shorthands below name one too). With --demo,
    /// by default every log one after the other (a resource's history only when asked for).
    #[arg(long, value_parser = source::log_values())]
    pub log: Option<String>,
    /// Export the Security Center insights audit log (of --account or --zone).
    #[arg(long)]
    pub insights: bool,
    /// Export the v1 audit log of the user the credentials belong to.
    #[arg(long, conflicts_with_all = ["insights", "account", "zone", "v2"])]
    pub user: bool,
    /// Export Audit Logs v2 (of --account or --organization); filter with the --v2-* flags.
    #[arg(long, conflicts_with = "insights")]
    pub v2: bool,
    /// With --v2: the history of the resource this v2 entry changed (the entry's ID), with
    /// --action-time; --since/--before are the window to look in.
    #[arg(long, requires = "action_time")]
    pub history: Option<String>,
    /// With --history: the entry's `action.time` (RFC 3339).
    #[arg(long, requires = "history", value_parser = units::parse_instant)]
    pub action_time: Option<chrono::DateTime<chrono::Utc>>,
    /// With --insights: the audit log of this one insight (its issue ID).
    #[arg(long)]
    pub issue: Option<String>,
    /// Export the Access authentication logs of --account (every login to an Access
    /// application, allowed or not).
    #[arg(long, conflicts_with_all = ["insights", "user", "v2", "scim"])]
    pub access: bool,
    /// Export the Access SCIM update logs of --account, for the identity providers of --idp.
    #[arg(long, conflicts_with_all = ["insights", "user", "v2"])]
    pub scim: bool,
    /// With --scim: an identity provider (with SCIM enabled) whose updates to export
    /// (repeatable; the demo has its own).
    #[arg(long)]
    pub idp: Vec<String>,
    /// The organization ID (Audit Logs v2 only; with --demo, picks its organization).
    #[arg(long, conflicts_with = "account")]
    pub organization: Option<String>,
    /// The account ID.
    #[arg(long, conflicts_with = "zone")]
    pub account: Option<String>,
    /// The zone ID (insights only).
    #[arg(long)]
    pub zone: Option<String>,

    /// Only entries at or after this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = units::parse_time)]
    pub since: Option<cloudflare_audit_logs::TimeBound>,
    /// Only entries before this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = units::parse_time)]
    pub before: Option<cloudflare_audit_logs::TimeBound>,
    /// Account logs: only the entry with this ID.
    #[arg(long)]
    pub id: Option<String>,
    /// Account logs: only this action type (action.type).
    #[arg(long)]
    pub action_type: Option<String>,
    /// Account logs: only this actor IP address or CIDR range (actor.ip).
    #[arg(long)]
    pub actor_ip: Option<String>,
    /// Account logs: only this actor email (actor.email).
    #[arg(long)]
    pub actor_email: Option<String>,
    /// Account logs: only this zone name (zone.name).
    #[arg(long)]
    pub zone_name: Option<String>,
    /// Account logs: sort direction.
    #[arg(long, value_enum)]
    pub direction: Option<Sort>,
    /// Account logs: hide user-level entries.
    #[arg(long)]
    pub hide_user_logs: bool,
    /// Insights: only changes by this actor.
    #[arg(long)]
    pub changed_by: Option<String>,
    /// Insights: only changes to this field.
    #[arg(long, value_enum)]
    pub field_changed: Option<Field>,
    /// Insights: sort order.
    #[arg(long, value_enum)]
    pub order: Option<Sort>,
    /// Entries per page, 1 to 1000 (default 1000; 50 in the demo, to show several pages).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub per_page: Option<u64>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Logpush records (`--format logpush`): how their time is written, as Logpush's
    /// `timestamp_format` (nanoseconds, seconds, or the RFC 3339 text sent).
    #[arg(long, value_enum, default_value_t = crate::formats::logpush::Timestamps::Unixnano)]
    pub timestamps: crate::formats::logpush::Timestamps,
    /// Write to this file instead of standard output; or to an object store as gzip NDJSON
    /// batches laid out as Logpush's (`s3://BUCKET/PREFIX/`, `gs://`, `az://`, `file://`;
    /// a literal {DATE} becomes each batch's day). A store output needs --checkpoint.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Record progress here after each page; a rerun goes on from it. An object store URL
    /// (`s3://BUCKET/KEY`) keeps it in the store, shared by replicas under a lease.
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// A checkpoint in an object store: how long this process holds the source between
    /// writes (renewed with each checkpoint); another replica takes over once it runs out.
    /// 5s to 1h; replicas' clocks must agree to well within it.
    #[arg(long, default_value = units::defaults::LEASE, value_parser = crate::destinations::lease::parse_lease)]
    pub lease: Duration,
    /// Keep polling for new entries until interrupted.
    #[arg(long)]
    pub follow: bool,
    /// How long to wait between polls in follow mode (e.g. 30s, 5m).
    #[arg(long, default_value = units::defaults::INTERVAL, value_parser = units::parse_duration)]
    pub interval: Duration,
    /// Follow mode: this often (e.g. 1h), read the last --reconcile-window again, for entries
    /// that reached the log later than --overlap allows for; they are written and counted as
    /// late. Off unless given. Each reconciliation costs the requests of that window.
    #[arg(long, value_parser = units::parse_duration)]
    pub reconcile_every: Option<Duration>,
    /// How far back a reconciliation reads (the checkpoint remembers the entries of this
    /// window, so keep it to what the log holds in a few thousand entries or so).
    #[arg(long, default_value = units::defaults::RECONCILE_WINDOW, value_parser = units::parse_duration)]
    pub reconcile_window: Duration,
    /// How far before the latest entry each later poll starts, for late arrivals.
    #[arg(long, default_value = units::defaults::OVERLAP, value_parser = units::parse_duration)]
    pub overlap: Duration,
    /// End each listing this long before now (`before = now - lag`), so that entries that
    /// reach the log late are read on a later poll (e.g. 2m; default 0s: up to now).
    #[arg(long, default_value = units::defaults::LAG, value_parser = units::parse_duration)]
    pub lag: Duration,
    /// No progress on standard error.
    #[arg(long, short)]
    pub quiet: bool,
    /// Keep to this many requests per window across the whole run (retries count), or
    /// `none`. Default: Cloudflare's published budget, 1200/5m (the demo: none); with
    /// --config, the file's `[budget]` when this flag is not given.
    #[arg(long, value_parser = |s: &str| units::parse_budget(s).map(units::Budget))]
    pub budget: Option<units::Budget>,
    /// When another export holds the output or checkpoint, wait for it instead of failing.
    #[arg(long)]
    pub wait_for_lock: bool,
    /// The --v2-* filter flags, by field name (added to the command line from the library's
    /// filter list, so every v2 filter and negation has one).
    #[arg(skip)]
    pub v2_filters: serde_json::Map<String, serde_json::Value>,
}

/// The command line `args` (the program's name first), with every flag: the derived ones
/// and those added from the library's lists ([`v2_flags`]).
pub fn parse_from<I, T>(args: I) -> Result<Args, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::{CommandFactory, FromArgMatches};
    let mut command = Args::command().args(v2_flags());
    let matches = command.try_get_matches_from_mut(args)?;
    let mut args = Args::from_arg_matches(&matches)?;
    args.v2_filters = v2_filter_values(&matches)
        .map_err(|message| command.error(clap::error::ErrorKind::ValueValidation, message))?;
    Ok(args)
}

/// One flag per Audit Logs v2 filter and negation, from the library's own list of them:
/// `--v2-action-type create`, `--v2-not-action-type view`; each may repeat.
pub fn v2_flags() -> Vec<clap::Arg> {
    AccountAuditLogsV2Filters::FIELDS
        .iter()
        .filter(|field| field.repeated)
        .map(|field| {
            let subject = field.subject();
            let help = match field.negation() {
                true => {
                    format!("Audit Logs v2: leave out entries with this `{subject}` (repeatable)")
                }
                false => format!("Audit Logs v2: keep entries with this `{subject}` (repeatable)"),
            };
            // The filter's one name, as a flag: `not_actor_context` is `--v2-not-actor-context`.
            let flag = format!("v2-{}", field.name.replace('_', "-"));
            clap::Arg::new(format!("v2_{}", field.name))
                .long(flag)
                .value_name("VALUE")
                .action(clap::ArgAction::Append)
                .help(help)
                .help_heading("Audit Logs v2 filters")
        })
        .collect()
}

/// The values given to the --v2-* flags, as the filters' JSON form (numbers as numbers).
pub fn v2_filter_values(
    matches: &clap::ArgMatches,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut map = serde_json::Map::new();
    for field in AccountAuditLogsV2Filters::FIELDS {
        let Ok(Some(values)) = matches.try_get_many::<String>(&format!("v2_{}", field.name)) else {
            continue;
        };
        let values = values
            .map(|v| match field.value {
                FilterValue::Integer => v
                    .parse::<i64>()
                    .map(serde_json::Value::from)
                    .map_err(|_| format!("`{}` takes whole numbers, not {v:?}", field.wire)),
                _ => Ok(serde_json::Value::from(v.as_str())),
            })
            .collect::<Result<Vec<_>, _>>()?;
        map.insert(field.name.to_owned(), serde_json::Value::Array(values));
    }
    Ok(map)
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Sort {
    Asc,
    Desc,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Field {
    Status,
    UserClassification,
}
