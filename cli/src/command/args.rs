//! The command line: every flag (the v2 filter flags added from the library's list of
//! filters), and the sources a command line names.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use cloudflare_audit_logs::{
    AccessAuthenticationLogsFilters, AccessScimUpdateLogsFilters, AccountAuditLogsV2Filters,
    AuditLogHistoryFilters, AuditLogsFilters, Direction, FieldChanged, FilterValue,
    InsightsAuditLogFilters, InsightsScope, Order,
};

use crate::command::units;
use crate::demo::{self, v2 as demo_v2};
use crate::formats::sink::Format;
use crate::sources::logs::Log;
use crate::sources::source::{Source, V2Owner};

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
    /// With --demo: which log (default: every log, one after the other; a resource's
    /// history only when asked for).
    #[arg(long, value_enum, requires = "demo")]
    pub log: Option<Log>,
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
    #[arg(long, requires_all = ["v2", "action_time"])]
    pub history: Option<String>,
    /// With --history: the entry's `action.time` (RFC 3339).
    #[arg(long, requires = "history", value_parser = units::parse_instant)]
    pub action_time: Option<chrono::DateTime<chrono::Utc>>,
    /// With --insights: the audit log of this one insight (its issue ID).
    #[arg(long, requires = "insights")]
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
    #[arg(long, requires = "scim")]
    pub idp: Vec<String>,
    /// The organization ID (Audit Logs v2 only; with --demo, picks its organization).
    #[arg(long, conflicts_with = "account")]
    pub organization: Option<String>,
    /// The account ID.
    #[arg(long, conflicts_with = "zone")]
    pub account: Option<String>,
    /// The zone ID (insights only).
    #[arg(long, requires = "insights")]
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
    /// --config, the file's [budget] when this flag is not given.
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

/// The v2 filters of the flags (`F` refuses a filter its log does not have, by name).
fn v2_filters<F: serde::de::DeserializeOwned>(args: &Args) -> Result<F, String> {
    let mut map = args.v2_filters.clone();
    let mut set = |key: &str, value: serde_json::Value| {
        map.insert(key.to_owned(), value);
    };
    if let Some(since) = args.since {
        set("since", serde_json::json!(since));
    }
    if let Some(before) = args.before {
        set("before", serde_json::json!(before));
    }
    if let Some(direction) = sort_direction(args.direction) {
        set("direction", serde_json::json!(direction));
    }
    serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|e| format!("Audit Logs v2 filters: {e}"))
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

fn sort_direction(sort: Option<Sort>) -> Option<Direction> {
    sort.map(|s| match s {
        Sort::Asc => Direction::Asc,
        Sort::Desc => Direction::Desc,
    })
}

fn sort_order(sort: Option<Sort>) -> Option<Order> {
    sort.map(|s| match s {
        Sort::Asc => Order::Asc,
        Sort::Desc => Order::Desc,
    })
}

/// The logs to export, from the flags.
pub fn sources(args: &Args) -> Result<Vec<Source>, String> {
    let account = AuditLogsFilters {
        id: args.id.clone(),
        action_type: args.action_type.clone(),
        actor_ip: args.actor_ip.clone(),
        actor_email: args.actor_email.clone(),
        zone_name: args.zone_name.clone(),
        direction: sort_direction(args.direction),
        hide_user_logs: args.hide_user_logs.then_some(true),
        since: args.since,
        before: args.before,
        ..Default::default()
    };
    let insights = InsightsAuditLogFilters {
        changed_by: args.changed_by.clone(),
        field_changed: args.field_changed.map(|f| match f {
            Field::Status => FieldChanged::Status,
            Field::UserClassification => FieldChanged::UserClassification,
        }),
        order: sort_order(args.order),
        since: args.since,
        before: args.before,
    };
    let account_log = |id: &str| Source::Account {
        account_id: id.to_owned(),
        filters: account.clone(),
    };
    let insights_log = |scope: InsightsScope| Source::Insights {
        scope,
        issue: args.issue.clone(),
        filters: insights.clone(),
    };
    let access_log = |id: &str| Source::Access {
        account_id: id.to_owned(),
        filters: AccessAuthenticationLogsFilters {
            direction: sort_order(args.direction),
            since: args.since,
            until: args.before,
            ..Default::default()
        },
    };
    let scim_log = |id: &str, idps: Vec<String>| Source::Scim {
        account_id: id.to_owned(),
        filters: AccessScimUpdateLogsFilters {
            idp_id: Some(idps),
            direction: sort_order(args.direction),
            since: args.since,
            until: args.before,
            ..Default::default()
        },
    };
    let v2_account = |id: &str| -> Result<Source, String> {
        Ok(Source::V2Account {
            account_id: id.to_owned(),
            filters: v2_filters(args)?,
        })
    };
    let v2_organization = |id: &str| -> Result<Source, String> {
        Ok(Source::V2Organization {
            organization_id: id.to_owned(),
            filters: v2_filters(args)?,
        })
    };
    let user_log = || Source::User {
        filters: account.clone(),
    };
    let history = |owner: V2Owner, entry_id: &str, time| Source::History {
        owner,
        entry_id: entry_id.to_owned(),
        filters: AuditLogHistoryFilters {
            action_time: Some(time),
            since: args.since,
            before: args.before,
            direction: sort_direction(args.direction),
        },
    };
    if args.demo {
        let log = match (args.log, args.insights, args.user, args.v2) {
            (Some(log), ..) => Some(log),
            (None, true, ..) => Some(Log::Insights),
            (None, _, true, _) => Some(Log::User),
            (None, _, _, true) => Some(Log::V2),
            _ if args.access => Some(Log::Access),
            _ if args.scim => Some(Log::Scim),
            _ => None,
        };
        if log.is_none() && (args.checkpoint.is_some() || args.follow || args.format == Format::Csv)
        {
            return Err("--checkpoint, --follow and --format csv take one log: add --log account, insights, user, v2 (with --organization for an organization's), history, access or scim".into());
        }
        let organization = args.organization.is_some();
        // Every log of the demo, in this order; v2 of the account and of the organization.
        let all = [
            (Log::Account, false),
            (Log::Insights, false),
            (Log::User, false),
            (Log::V2, false),
            (Log::V2, true),
            (Log::Access, false),
            (Log::Scim, false),
            (Log::History, false),
        ];
        return all
            .into_iter()
            .filter(|(l, of_organization)| match log {
                // A resource's history only when asked for.
                None => *l != Log::History,
                Some(Log::V2) => *l == Log::V2 && *of_organization == organization,
                Some(wanted) => wanted == *l,
            })
            .map(|(l, of_organization)| match l {
                Log::Account => Ok(account_log(demo::ACCOUNT)),
                Log::Insights => Ok(insights_log(InsightsScope::Zone(demo::ZONE.into()))),
                Log::User => Ok(user_log()),
                Log::V2 if of_organization => v2_organization(demo::ORGANIZATION),
                Log::V2 => v2_account(demo::ACCOUNT),
                Log::History => Ok(history(
                    V2Owner::Account(demo::ACCOUNT.into()),
                    &demo_v2::entry_id(demo_v2::HISTORY_ENTRY),
                    demo_v2::v2_time(demo_v2::HISTORY_ENTRY),
                )),
                Log::Access => Ok(access_log(demo::ACCOUNT)),
                Log::Scim => Ok(scim_log(
                    demo::ACCOUNT,
                    match args.idp.is_empty() {
                        true => demo::IDPS.iter().map(|s| s.to_string()).collect(),
                        false => args.idp.clone(),
                    },
                )),
            })
            .collect();
    }
    if !args.v2 && !args.v2_filters.is_empty() {
        return Err("the --v2-* filters need --v2".into());
    }
    if let (Some(entry), Some(time)) = (&args.history, args.action_time) {
        if !args.v2_filters.is_empty() {
            return Err("the --v2-* filters do not apply to a history".into());
        }
        return match (&args.account, &args.organization) {
            (Some(account), None) => Ok(vec![history(
                V2Owner::Account(account.clone()),
                entry,
                time,
            )]),
            (None, Some(organization)) => Ok(vec![history(
                V2Owner::Organization(organization.clone()),
                entry,
                time,
            )]),
            _ => Err("--history takes --account ID or --organization ID".into()),
        };
    }
    match (args.access, args.scim, &args.account, &args.idp.is_empty()) {
        (true, _, Some(account), _) => return Ok(vec![access_log(account)]),
        (_, true, Some(account), false) => return Ok(vec![scim_log(account, args.idp.clone())]),
        (false, false, ..) => {}
        _ => {
            return Err(
                "--access takes --account ID; --scim takes --account ID and --idp ID".into(),
            );
        }
    }
    match (args.insights, args.user, args.v2, &args.account, &args.zone, &args.organization) {
        (false, false, false, Some(account), None, None) => Ok(vec![account_log(account)]),
        (true, false, false, Some(account), None, None) => Ok(vec![insights_log(InsightsScope::Account(account.clone()))]),
        (true, false, false, None, Some(zone), None) => Ok(vec![insights_log(InsightsScope::Zone(zone.clone()))]),
        (false, true, false, None, None, None) => Ok(vec![user_log()]),
        (false, false, true, Some(account), None, None) => Ok(vec![v2_account(account)?]),
        (false, false, true, None, None, Some(organization)) => Ok(vec![v2_organization(organization)?]),
        _ => Err("say what to export: --demo; --account ID; --insights with --account ID or --zone ID (and --issue ID for one insight); --user; --v2 with --account ID or --organization ID (and --history ID --action-time T for a resource's history); --access or --scim --idp ID with --account ID".into()),
    }
}
