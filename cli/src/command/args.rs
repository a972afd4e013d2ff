//! The command line: every flag (the v2 filter flags added from the library's list of
//! filters), and the sources a command line names.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use cloudflare_audit_logs::{
    AccountAuditLogsV2Filters, Direction, FieldChanged, FilterValue, Order,
};

use crate::command::units;
use crate::formats::sink::Format;
use crate::sources::logs::{Kind, LOGS};
use crate::sources::row::{Asked, Info, Owner, OwnerKind};
use crate::sources::source::{self, Source};

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

/// The filter flags given, by flag name, as their filters' JSON form (each log's row says
/// which it takes, and under which filter name).
fn flag_filters(args: &Args) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{Value, json};
    let sort = |sort: Option<Sort>| sort.map(|s| matches!(s, Sort::Asc));
    let text = |value: &Option<String>| value.clone().map(Value::from);
    let field = args.field_changed.map(|f| match f {
        Field::Status => FieldChanged::Status,
        Field::UserClassification => FieldChanged::UserClassification,
    });
    [
        ("since", args.since.map(|t| json!(t))),
        ("before", args.before.map(|t| json!(t))),
        (
            "direction",
            sort(args.direction)
                .map(|asc| json!(if asc { Direction::Asc } else { Direction::Desc })),
        ),
        (
            "order",
            sort(args.order).map(|asc| json!(if asc { Order::Asc } else { Order::Desc })),
        ),
        ("id", text(&args.id)),
        ("action_type", text(&args.action_type)),
        ("actor_ip", text(&args.actor_ip)),
        ("actor_email", text(&args.actor_email)),
        ("zone_name", text(&args.zone_name)),
        ("hide_user_logs", args.hide_user_logs.then_some(json!(true))),
        ("changed_by", text(&args.changed_by)),
        ("field_changed", field.map(|f| json!(f))),
        ("action_time", args.action_time.map(|t| json!(t))),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name.to_owned(), value?)))
    .collect()
}

/// What the flags ask of a log of `info`: the filter flags it takes, under its filter names,
/// and the options given (its row refuses the options it does not take).
fn asked(args: &Args, info: &Info, owner: Owner) -> Asked {
    let given = flag_filters(args);
    let mut filters: serde_json::Map<_, _> = info
        .flags
        .iter()
        .filter_map(|(flag, filter)| Some(((*filter).to_owned(), given.get(*flag)?.clone())))
        .collect();
    if info.v2_flags {
        filters.extend(args.v2_filters.clone());
    }
    let options = [
        ("issue", args.issue.iter().cloned().collect::<Vec<_>>()),
        ("idp", args.idp.clone()),
        ("entry", args.history.iter().cloned().collect()),
    ]
    .into_iter()
    .filter(|(_, values)| !values.is_empty())
    .map(|(name, values)| (name.to_owned(), values))
    .collect();
    Asked {
        owner,
        filters,
        options,
    }
}

/// The log the flags name (`--log`, or a shorthand such as `--insights`), with the flag that
/// named it; two different logs are refused.
fn named_log(args: &Args) -> Result<Option<(String, String)>, String> {
    let shorthands = [
        (args.insights, "insights"),
        (args.user, "user"),
        (args.v2 && args.history.is_none(), "v2"),
        (args.history.is_some(), "history"),
        (args.access, "access"),
        (args.scim, "scim"),
    ];
    let mut named: Vec<(String, String)> = shorthands
        .into_iter()
        .filter(|(given, _)| *given)
        .map(|(_, key)| (key.to_owned(), format!("--{key}")))
        .collect();
    if let Some(log) = &args.log {
        named.push((log.clone(), format!("--log {log}")));
    }
    named.dedup_by(|a, b| a.0 == b.0);
    match named.len() {
        0 | 1 => Ok(named.pop()),
        _ => Err(format!(
            "one log at a time: {}",
            named
                .iter()
                .map(|(_, flag)| flag.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The owner the flags name.
fn owner(args: &Args) -> Result<Owner, String> {
    match (&args.account, &args.zone, &args.organization) {
        (None, None, None) => Ok(Owner::Credentials),
        (Some(account), None, None) => Ok(Owner::Account(account.clone())),
        (None, Some(zone), None) => Ok(Owner::Zone(zone.clone())),
        (None, None, Some(organization)) => Ok(Owner::Organization(organization.clone())),
        _ => Err("give one owner: --account ID, --zone ID or --organization ID".into()),
    }
}

/// The logs to export, from the flags.
pub fn sources(args: &Args) -> Result<Vec<Source>, String> {
    let named = named_log(args)?;
    if args.demo {
        return demo_sources(args, named.map(|(key, _)| key));
    }
    let owner = owner(args)?;
    let (key, flag) = match (named, &owner) {
        (Some(named), _) => named,
        (None, Owner::Account(_)) => ("account".to_owned(), "--account".to_owned()),
        (None, _) => return Err(say_what_to_export()),
    };
    let rows = source::rows(&key)?;
    let Some(row) = rows.iter().find(|k| k.info.owners.contains(&owner.kind())) else {
        return Err(format!(
            "{flag} takes {}",
            source::owners_of(&key, OwnerKind::flag)
        ));
    };
    if !args.v2_filters.is_empty() && !row.info.v2_flags {
        return Err(format!(
            "the --v2-* filters need --v2; they do not apply to a {key}"
        ));
    }
    Ok(vec![source::make(&key, asked(args, row.info, owner))?])
}

/// What to say when the flags name no log: each log, with the owners it takes.
fn say_what_to_export() -> String {
    let logs: Vec<String> = source::keys()
        .into_iter()
        .map(|key| {
            format!(
                "--log {key} with {}",
                source::owners_of(key, OwnerKind::flag)
            )
        })
        .collect();
    format!(
        "say what to export: --demo; --account ID (its v1 log); or {} (shorthands: --insights, \
         --user, --v2, --access, --scim; --v2 --history ID --action-time T for a resource's \
         history; --issue ID for one insight; --idp ID for SCIM)",
        logs.join("; ")
    )
}

/// The demo's sources: every log of its tour one after the other, or the one named (of the
/// owner kind the flags name, when the log has several); the flags' filters and options
/// apply to each.
fn demo_sources(args: &Args, named: Option<String>) -> Result<Vec<Source>, String> {
    if named.is_none() && (args.checkpoint.is_some() || args.follow || args.format == Format::Csv) {
        return Err(format!(
            "--checkpoint, --follow and --format csv take one log: add --log {} (v2 with \
             --organization for an organization's)",
            source::keys().join(", ")
        ));
    }
    let kinds: Vec<&Kind> = match &named {
        None => LOGS.iter().filter(|k| k.info.in_demo_tour).collect(),
        Some(key) => {
            let rows = source::rows(key)?;
            let wanted = owner(args)?.kind();
            let row = rows.iter().find(|k| (k.demo)().owner.kind() == wanted);
            vec![row.copied().unwrap_or(rows[0])]
        }
    };
    kinds
        .into_iter()
        .map(|kind| {
            let mut demo = (kind.demo)();
            let flags = asked(args, kind.info, demo.owner.clone());
            demo.filters.extend(flags.filters);
            let own = flags
                .options
                .into_iter()
                .filter(|(name, _)| kind.info.options.contains(&name.as_str()));
            demo.options.extend(own);
            (kind.new)(demo)
        })
        .collect()
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
