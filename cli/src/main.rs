//! Exports Cloudflare audit logs as JSON Lines, CSV or OCSF events: once, on a schedule (with
//! a checkpoint), or following the logs as they grow; one source from flags, or many from a
//! config file under one rate budget.
//!
//! ```text
//! cloudflare-audit-export --demo                                  # no account needed
//! CLOUDFLARE_API_TOKEN=... cloudflare-audit-export --account ACCOUNT_ID
//! CLOUDFLARE_API_TOKEN=... cloudflare-audit-export --insights --zone ZONE_ID --format csv
//! cloudflare-audit-export --demo --log account --checkpoint state.json --out logs.jsonl
//! cloudflare-audit-export --demo --log insights --follow --interval 5s
//! CLOUDFLARE_API_TOKEN=... cloudflare-audit-export --config fleet.toml --metrics audit.prom
//! ```
//!
//! Credentials come from the environment (`CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` with
//! `CLOUDFLARE_API_KEY`), and `CLOUDFLARE_BASE_URL` may point elsewhere than the real API.
//! Exit codes: 0 done, 1 API or I/O error (with --config: some source failed), 2 bad flags,
//! 3 missing or rejected credentials, 130 interrupted (the checkpoint is saved).

use cloudflare_audit_logs_cli::{checkpoint, demo, exporter, sink};

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use cloudflare_audit_logs::{
    AccountAuditLogsV2Filters, AuditLogsFilters, Client, Credentials, Direction, FieldChanged,
    InsightsAuditLogFilters, InsightsScope, Order,
};
use exporter::{Observer, Settings, Shutdown, Source};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sink::{Format, Sink};

#[derive(Parser, Debug)]
#[command(
    name = "export",
    about = "Export Cloudflare audit logs as JSON Lines, CSV or OCSF events"
)]
struct Args {
    /// Run against a bundled local server with sample data (no credentials needed).
    #[arg(long)]
    demo: bool,
    /// Export every source of this TOML config file concurrently, under one rate budget
    /// (see the README's "Running it in production"); follows the logs unless --once.
    #[arg(long, conflicts_with_all = ["account", "zone", "organization", "insights", "user", "v2", "log", "out", "checkpoint"])]
    config: Option<PathBuf>,
    /// With --config: export what there is, then exit (for cron) instead of following.
    #[arg(long, requires = "config")]
    once: bool,
    /// With --config: keep a Prometheus text file of the counters here (entries, pages,
    /// failures and last success per source; requests, retries and waits).
    #[arg(long, requires = "config")]
    metrics: Option<PathBuf>,
    /// With --demo: which log (default: every log, one after the other).
    #[arg(long, value_enum, requires = "demo")]
    log: Option<DemoLog>,
    /// Export the Security Center insights audit log (of --account or --zone).
    #[arg(long)]
    insights: bool,
    /// Export the v1 audit log of the user the credentials belong to.
    #[arg(long, conflicts_with_all = ["insights", "account", "zone", "v2"])]
    user: bool,
    /// Export Audit Logs v2 (of --account or --organization); filter with the --v2-* flags.
    #[arg(long, conflicts_with = "insights")]
    v2: bool,
    /// The organization ID (Audit Logs v2 only).
    #[arg(long, requires = "v2", conflicts_with = "account")]
    organization: Option<String>,
    /// The account ID.
    #[arg(long, conflicts_with = "zone")]
    account: Option<String>,
    /// The zone ID (insights only).
    #[arg(long, requires = "insights")]
    zone: Option<String>,

    /// Only entries at or after this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = exporter::parse_time)]
    since: Option<cloudflare_audit_logs::TimeBound>,
    /// Only entries before this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long, value_parser = exporter::parse_time)]
    before: Option<cloudflare_audit_logs::TimeBound>,
    /// Account logs: only the entry with this ID.
    #[arg(long)]
    id: Option<String>,
    /// Account logs: only this action type (action.type).
    #[arg(long)]
    action_type: Option<String>,
    /// Account logs: only this actor IP address or CIDR range (actor.ip).
    #[arg(long)]
    actor_ip: Option<String>,
    /// Account logs: only this actor email (actor.email).
    #[arg(long)]
    actor_email: Option<String>,
    /// Account logs: only this zone name (zone.name).
    #[arg(long)]
    zone_name: Option<String>,
    /// Account logs: sort direction.
    #[arg(long, value_enum)]
    direction: Option<Sort>,
    /// Account logs: hide user-level entries.
    #[arg(long)]
    hide_user_logs: bool,
    /// Insights: only changes by this actor.
    #[arg(long)]
    changed_by: Option<String>,
    /// Insights: only changes to this field.
    #[arg(long, value_enum)]
    field_changed: Option<Field>,
    /// Insights: sort order.
    #[arg(long, value_enum)]
    order: Option<Sort>,
    /// Entries per page, 1 to 1000 (default 1000; 50 in the demo, to show several pages).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
    per_page: Option<u64>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Record progress here after each page; a rerun goes on from it.
    #[arg(long)]
    checkpoint: Option<PathBuf>,
    /// Keep polling for new entries until interrupted.
    #[arg(long)]
    follow: bool,
    /// How long to wait between polls in follow mode (e.g. 30s, 5m).
    #[arg(long, default_value = "60s", value_parser = exporter::parse_duration)]
    interval: Duration,
    /// How far before the latest entry each later poll starts, for late arrivals.
    #[arg(long, default_value = "5m", value_parser = exporter::parse_duration)]
    overlap: Duration,
    /// End each listing this long before now (`before = now - lag`), so that entries that
    /// reach the log late are read on a later poll (e.g. 2m; default 0s: up to now).
    #[arg(long, default_value = "0s", value_parser = exporter::parse_duration)]
    lag: Duration,
    /// No progress on standard error.
    #[arg(long, short)]
    quiet: bool,
    /// The --v2-* filter flags, by field name (added to the command line from the library's
    /// filter list, so every v2 filter and negation has one).
    #[arg(skip)]
    v2_filters: serde_json::Map<String, serde_json::Value>,
}

/// One flag per Audit Logs v2 filter and negation, from the library's own list of them:
/// `--v2-action-type create`, `--v2-not-action-type view`; each may repeat.
fn v2_flags() -> Vec<clap::Arg> {
    AccountAuditLogsV2Filters::FIELDS
        .iter()
        .filter(|(_, _, ty)| ty.starts_with("::std::vec::Vec"))
        .map(|(field, wire, _)| {
            let flag = match wire.strip_suffix(".not") {
                Some(base) => format!("v2-not-{}", base.replace('_', "-")),
                None => format!("v2-{}", field.replace('_', "-")),
            };
            let help = match wire.strip_suffix(".not") {
                Some(base) => {
                    format!("Audit Logs v2: leave out entries with this `{base}` (repeatable)")
                }
                None => format!("Audit Logs v2: keep entries with this `{wire}` (repeatable)"),
            };
            clap::Arg::new(format!("v2_{field}"))
                .long(flag)
                .value_name("VALUE")
                .action(clap::ArgAction::Append)
                .help(help)
                .help_heading("Audit Logs v2 filters")
        })
        .collect()
}

/// The values given to the --v2-* flags, as the filters' JSON form (integers as numbers).
fn v2_filter_values(
    matches: &clap::ArgMatches,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut map = serde_json::Map::new();
    for (field, wire, ty) in AccountAuditLogsV2Filters::FIELDS {
        let Ok(Some(values)) = matches.try_get_many::<String>(&format!("v2_{field}")) else {
            continue;
        };
        let values = values
            .map(|v| match ty.contains("i64") {
                true => v
                    .parse::<i64>()
                    .map(serde_json::Value::from)
                    .map_err(|_| format!("`{wire}` takes whole numbers, not {v:?}")),
                false => Ok(serde_json::Value::from(v.as_str())),
            })
            .collect::<Result<Vec<_>, _>>()?;
        map.insert((*field).to_owned(), serde_json::Value::Array(values));
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

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
enum DemoLog {
    Account,
    Insights,
    User,
    V2,
    V2Organization,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Sort {
    Asc,
    Desc,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Field {
    Status,
    UserClassification,
}

/// Progress on standard error: pages, entries, rate, retries and the time they waited.
struct Progress {
    bar: ProgressBar,
    client: Client,
    started: Instant,
    pages: u64,
    entries: u64,
}

impl Progress {
    fn new(client: &Client, label: &str, quiet: bool) -> Progress {
        let visible = !quiet && std::io::stderr().is_terminal();
        let bar = ProgressBar::with_draw_target(
            None,
            if visible {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix}: {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(label.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress {
            bar,
            client: client.clone(),
            started: Instant::now(),
            pages: 0,
            entries: 0,
        }
    }

    fn show(&self, note: &str) {
        let stats = self.client.stats();
        let rate = self.entries as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_message(format!(
            "{} pages, {} entries, {rate:.0}/s, {} retries ({:.1} s waited){note}",
            self.pages,
            self.entries,
            stats.retries,
            stats.retry_wait.as_secs_f64()
        ));
    }
}

impl Observer for Progress {
    fn page(&mut self, written: usize, _skipped: usize) {
        self.pages += 1;
        self.entries += written as u64;
        self.show("");
    }

    fn idle(&mut self, wait: Duration) {
        self.show(&format!(", caught up; next poll in {} s", wait.as_secs()));
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
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
fn sources(args: &Args) -> Result<Vec<Source>, String> {
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
        since: args.since.map(exporter::as_time),
        before: args.before.map(exporter::as_time),
    };
    let account_log = |id: &str| Source::Account {
        account_id: id.to_owned(),
        filters: account.clone(),
    };
    let insights_log = |scope: InsightsScope| Source::Insights {
        scope,
        filters: insights.clone(),
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
    if args.demo {
        let log = match (args.log, args.insights, args.user, args.v2) {
            (Some(log), ..) => Some(log),
            (None, true, ..) => Some(DemoLog::Insights),
            (None, _, true, _) => Some(DemoLog::User),
            (None, _, _, true) if args.organization.is_some() => Some(DemoLog::V2Organization),
            (None, _, _, true) => Some(DemoLog::V2),
            _ => None,
        };
        if log.is_none() && (args.checkpoint.is_some() || args.follow || args.format == Format::Csv)
        {
            return Err("--checkpoint, --follow and --format csv take one log: add --log account, insights, user, v2 or v2-organization".into());
        }
        let all = [
            DemoLog::Account,
            DemoLog::Insights,
            DemoLog::User,
            DemoLog::V2,
            DemoLog::V2Organization,
        ];
        return all
            .into_iter()
            .filter(|l| log.is_none_or(|wanted| wanted == *l))
            .map(|l| match l {
                DemoLog::Account => Ok(account_log(demo::ACCOUNT)),
                DemoLog::Insights => Ok(insights_log(InsightsScope::Zone(demo::ZONE.into()))),
                DemoLog::User => Ok(user_log()),
                DemoLog::V2 => v2_account(demo::ACCOUNT),
                DemoLog::V2Organization => v2_organization(demo::ORGANIZATION),
            })
            .collect();
    }
    if !args.v2 && !args.v2_filters.is_empty() {
        return Err("the --v2-* filters need --v2".into());
    }
    match (args.insights, args.user, args.v2, &args.account, &args.zone, &args.organization) {
        (false, false, false, Some(account), None, None) => Ok(vec![account_log(account)]),
        (true, false, false, Some(account), None, None) => Ok(vec![insights_log(InsightsScope::Account(account.clone()))]),
        (true, false, false, None, Some(zone), None) => Ok(vec![insights_log(InsightsScope::Zone(zone.clone()))]),
        (false, true, false, None, None, None) => Ok(vec![user_log()]),
        (false, false, true, Some(account), None, None) => Ok(vec![v2_account(account)?]),
        (false, false, true, None, None, Some(organization)) => Ok(vec![v2_organization(organization)?]),
        _ => Err("say what to export: --demo; --account ID; --insights with --account ID or --zone ID; --user; or --v2 with --account ID or --organization ID".into()),
    }
}

/// Exit code 3 for credentials, 1 for the rest.
fn failure(error: &(dyn std::error::Error + 'static)) -> ExitCode {
    let mut source = Some(error);
    while let Some(e) = source {
        if let Some(e) = e.downcast_ref::<cloudflare_audit_logs::Error>() {
            let refused = matches!(e.status().map(|s| s.as_u16()), Some(401 | 403));
            if refused || matches!(e, cloudflare_audit_logs::Error::Credentials(_)) {
                return ExitCode::from(3);
            }
        }
        source = e.source();
    }
    ExitCode::FAILURE
}

/// A line on standard error: as text on a terminal, else one JSON object (for log shippers).
fn say(level: &str, source: &str, message: &str) {
    if std::io::stderr().is_terminal() {
        eprintln!("{source}: {message}");
    } else {
        let line = serde_json::json!({
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "level": level,
            "source": source,
            "message": message,
        });
        eprintln!("{line}");
    }
}

/// Stops between pages on Ctrl-C or SIGTERM (as systemd sends), with checkpoints saved.
fn stop_on_signals(shutdown: &Arc<Shutdown>) {
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let Ok(mut term) = signal(SignalKind::terminate()) else {
                let _ = tokio::signal::ctrl_c().await;
                on_signal.request();
                return;
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        on_signal.request();
    });
}

/// The many-source run of a config file.
async fn run_config(args: &Args, path: &std::path::Path) -> ExitCode {
    let plan = match cloudflare_audit_logs_cli::config::load(path) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let demo = match args.demo {
        true => Some(demo::Demo::start(250, 230).await),
        false => None,
    };
    let mut builder = match &demo {
        Some(server) => Client::builder()
            .credentials(Credentials::api_token("demo-token"))
            .base_url(server.base_url()),
        None => match Credentials::from_env() {
            Ok(credentials) => {
                let mut builder = Client::builder().credentials(credentials);
                if let Some(url) = std::env::var(cloudflare_audit_logs::ENV_BASE_URL)
                    .ok()
                    .filter(|u| !u.is_empty())
                {
                    builder = builder.base_url(url);
                }
                builder
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(3);
            }
        },
    };
    if let Some(budget) = plan.budget {
        builder = builder.rate_limit(budget);
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return failure(&e);
        }
    };
    let shutdown = Arc::new(Shutdown::default());
    stop_on_signals(&shutdown);
    let metrics = cloudflare_audit_logs_cli::fleet::Metrics::new(args.metrics.clone(), &client);
    let report = cloudflare_audit_logs_cli::fleet::run(
        &client,
        &plan,
        !args.once,
        &shutdown,
        &metrics,
        |name, outcome| match outcome {
            Ok(o) => say(
                "info",
                name,
                &format!(
                    "{} entries written in {} pages{}",
                    o.written,
                    o.pages,
                    if o.interrupted {
                        "; interrupted, checkpoint saved"
                    } else {
                        ""
                    }
                ),
            ),
            Err(e) => say("error", name, &format!("failed: {e}")),
        },
    )
    .await;
    match (shutdown.is_requested(), report.any_failed()) {
        (true, _) => ExitCode::from(130),
        (false, true) => ExitCode::FAILURE,
        (false, false) => ExitCode::SUCCESS,
    }
}

async fn run(args: Args) -> ExitCode {
    if let Some(path) = args.config.clone() {
        return run_config(&args, &path).await;
    }
    let sources = match sources(&args) {
        Ok(sources) => sources,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let demo = match args.demo {
        true => Some(demo::Demo::start(250, 230).await),
        false => None,
    };
    let client = match &demo {
        Some(server) => Client::builder()
            .credentials(Credentials::api_token("demo-token"))
            .base_url(server.base_url())
            .build(),
        None => Client::from_env(),
    };
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return failure(&e);
        }
    };
    let mut sink = {
        let resume_len = match &args.checkpoint {
            Some(path) => match checkpoint::Checkpoint::load(path) {
                Ok(saved) => saved.map(|c| c.output_len),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            },
            None => None,
        };
        match &args.out {
            Some(path) => match Sink::file(path, args.format, resume_len) {
                Ok(sink) => sink,
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            },
            None => Sink::stdout(args.format),
        }
    };
    let shutdown = Arc::new(Shutdown::default());
    stop_on_signals(&shutdown);
    // In the demo, new entries arrive while following.
    let grower = match (&demo, args.follow) {
        (Some(server), true) => {
            let logs = server.appender();
            let every = args.interval / 2;
            Some(tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    logs.append(7, 3);
                }
            }))
        }
        _ => None,
    };
    let settings = Settings {
        per_page: args.per_page.unwrap_or(if args.demo { 50 } else { 1000 }),
        follow: args.follow.then_some(args.interval),
        overlap: args.overlap,
        checkpoint: args.checkpoint.clone(),
        lag: args.lag,
    };
    for source in &sources {
        let mut progress = Progress::new(&client, source.name(), args.quiet);
        let outcome = exporter::run(
            &client,
            source,
            &settings,
            &mut sink,
            &shutdown,
            &mut progress,
        )
        .await;
        drop(progress);
        match outcome {
            Ok(outcome) => {
                let message = format!(
                    "{} entries written{} in {} pages{}",
                    outcome.written,
                    if outcome.skipped > 0 {
                        format!(" ({} already written, skipped)", outcome.skipped)
                    } else {
                        String::new()
                    },
                    outcome.pages,
                    match (outcome.interrupted, args.checkpoint.is_some()) {
                        (true, true) => "; interrupted, checkpoint saved",
                        (true, false) => "; interrupted (no --checkpoint, so a rerun starts over)",
                        (false, _) => "",
                    }
                );
                say("info", source.name(), &message);
                if outcome.interrupted {
                    return ExitCode::from(130);
                }
            }
            Err(e) => {
                say("error", source.name(), &format!("error: {e}"));
                return failure(e.as_ref());
            }
        }
    }
    if let Some(grower) = grower {
        grower.abort();
    }
    ExitCode::SUCCESS
}

#[tokio::main]
async fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Args::command().args(v2_flags()).get_matches();
    let mut args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    args.v2_filters = match v2_filter_values(&matches) {
        Ok(values) => values,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    run(args).await
}
