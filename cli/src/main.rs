//! Exports Cloudflare audit logs as JSON Lines, CSV, OCSF events or Logpush records, to a
//! file or an object store: once, on a schedule (with a checkpoint), or following the logs as
//! they grow; one source from flags, or many from a config file under one rate budget.
//!
//! ```text
//! cloudflare-audit-export --demo                                  # no account needed
//! CLOUDFLARE_API_TOKEN=... cloudflare-audit-export --account ACCOUNT_ID
//! CLOUDFLARE_API_TOKEN=... cloudflare-audit-export --insights --zone ZONE_ID --format csv
//! cloudflare-audit-export --demo --log account --checkpoint state.json --out logs.jsonl
//! cloudflare-audit-export --demo --log insights --follow --interval 5s
//! cloudflare-audit-export --demo --log account --format logpush \
//!     --out 's3://audit/account/{DATE}/' --checkpoint s3://audit/state/account.json
//! CLOUDFLARE_API_TOKEN=... cloudflare-audit-export --config fleet.toml --metrics audit.prom
//! ```
//!
//! Credentials come from the environment (`CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` with
//! `CLOUDFLARE_API_KEY`), and `CLOUDFLARE_BASE_URL` may point elsewhere than the real API.
//! Requests keep to Cloudflare's budget (1200 per 5 minutes) unless `--budget` says otherwise.
//! Outputs and checkpoints are checked before anything is written and locked for the run.
//! Exit codes: 0 done, 1 API or I/O error, or files held by another export or not fitting the
//! checkpoint (with --config: some source failed), 2 bad flags, 3 missing or rejected
//! credentials, 130 interrupted (the checkpoint is saved).

use cloudflare_audit_logs_cli::state::{self, Destination, StateError};
use cloudflare_audit_logs_cli::{checkpoint, console, demo, exporter, units};

use std::process::ExitCode;
use std::sync::Arc;

use cloudflare_audit_logs::{Client, ClientBuilder, Credentials, RateLimit};
use cloudflare_audit_logs_cli::args::{self, Args};
use cloudflare_audit_logs_cli::flag_sources;
use exporter::{Settings, Shutdown};

/// The client both modes use: the demo server's, or the environment's (credentials and
/// `CLOUDFLARE_BASE_URL`); paced by `--budget`, else the config's budget, else Cloudflare's
/// published one (the demo is not paced unless asked); retries said on standard error.
fn client(
    args: &Args,
    demo: Option<&demo::Demo>,
    configured: Option<Option<RateLimit>>,
) -> Result<Client, cloudflare_audit_logs::Error> {
    let builder = match demo {
        Some(server) => Client::builder()
            .credentials(Credentials::api_token("demo-token"))
            .base_url(server.base_url()),
        None => ClientBuilder::from_env()?,
    };
    let budget = args
        .budget
        .map(|b| b.0)
        .or(configured)
        .unwrap_or(match demo {
            Some(_) => None,
            None => Some(RateLimit::cloudflare()),
        });
    let builder = match budget {
        Some(limit) => builder.rate_limit(limit),
        None => builder,
    };
    match demo {
        // The demo's server fails once on purpose with a 503, a 502 and a 429.
        Some(_) => builder.on_retry(console::retrying_in_demo).build(),
        None => builder.on_retry(console::retrying).build(),
    }
}

/// The many-source run of a config file.
async fn run_config(args: &Args, path: &std::path::Path) -> ExitCode {
    let mut plan = match cloudflare_audit_logs_cli::config::load(path) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    plan.wait_for_lock = args.wait_for_lock;
    if let Some(every) = args.reconcile_every {
        plan.reconcile = Some(cloudflare_audit_logs_cli::exporter::Reconcile {
            every,
            window: args.reconcile_window,
        });
    }
    let demo = match start_demo(args.demo).await {
        Ok(demo) => demo,
        Err(code) => return code,
    };
    let client = match client(args, demo.as_ref(), plan.budget) {
        Ok(client) => client,
        Err(e) => return console::client_failed(&e),
    };
    let shutdown = Arc::new(Shutdown::default());
    console::stop_on_signals(&shutdown);
    let metrics = cloudflare_audit_logs_cli::fleet::Metrics::new(args.metrics.clone(), &client);
    // A progress line a source, on a terminal.
    console::init_progress(args.quiet);
    let report = cloudflare_audit_logs_cli::fleet::run(
        &client,
        &plan,
        !args.once,
        &shutdown,
        &metrics,
        |name, outcome| match outcome {
            Ok(o) => console::say(
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
            Err(e) => console::say("error", name, &format!("failed: {e}")),
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
    let sources = match flag_sources::sources(&args) {
        Ok(sources) => sources,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let demo = match start_demo(args.demo).await {
        Ok(demo) => demo,
        Err(code) => return code,
    };
    let client = match client(&args, demo.as_ref(), None) {
        Ok(client) => client,
        Err(e) => return console::client_failed(&e),
    };
    let shutdown = Arc::new(Shutdown::default());
    console::stop_on_signals(&shutdown);
    // Every check of the checkpoint and the output before anything is written; several
    // sources (the demo's) share one output and take no checkpoint.
    let destination = Destination {
        out: args.out.clone(),
        checkpoint: args.checkpoint.clone(),
        format: args.format,
        wait_for_lock: args.wait_for_lock,
        timestamps: args.timestamps,
        lease: args.lease,
        standby: args.follow,
    };
    let mut opened = match state::open(&sources[0], &destination, &shutdown).await {
        Ok(opened) => opened,
        Err(StateError::Interrupted) => return ExitCode::from(130),
        Err(e) => {
            console::say("error", sources[0].name(), &format!("error: {e}"));
            return ExitCode::FAILURE;
        }
    };
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
        per_page: args.per_page.unwrap_or(match args.demo {
            true => units::defaults::DEMO_PER_PAGE,
            false => units::defaults::PER_PAGE,
        }),
        follow: args.follow.then_some(args.interval),
        overlap: args.overlap,
        checkpoint: args.checkpoint.clone(),
        lag: args.lag,
        wait_for_lock: args.wait_for_lock,
        reconcile: args.reconcile_every.map(|every| {
            cloudflare_audit_logs_cli::exporter::Reconcile {
                every,
                window: args.reconcile_window,
            }
        }),
    };
    for (i, source) in sources.iter().enumerate() {
        let state = match i {
            0 => std::mem::take(&mut opened.checkpoint),
            _ => checkpoint::Checkpoint::new(source.fingerprint()),
        };
        let mut progress = console::Progress::new(&client, source.name(), args.quiet);
        let outcome = exporter::run(
            &client,
            source,
            &settings,
            &mut opened.sink,
            state,
            &shutdown,
            &mut progress,
        )
        .await;
        drop(progress);
        match outcome {
            Ok(outcome) => {
                let message = format!(
                    "{} entries written{}{}{} in {} pages{}",
                    outcome.written,
                    if outcome.revised > 0 {
                        format!(
                            " ({} of them changed versions of earlier ones)",
                            outcome.revised
                        )
                    } else {
                        String::new()
                    },
                    if outcome.skipped > 0 {
                        format!(" ({} already written, skipped)", outcome.skipped)
                    } else {
                        String::new()
                    },
                    [
                        (
                            outcome.late,
                            "late: reached the log after a listing had passed them"
                        ),
                        (outcome.future, "dated beyond now"),
                    ]
                    .iter()
                    .filter(|(n, _)| *n > 0)
                    .map(|(n, what)| format!(" ({n} {what})"))
                    .collect::<String>(),
                    outcome.pages,
                    match (outcome.interrupted, args.checkpoint.is_some()) {
                        (true, true) => "; interrupted, checkpoint saved",
                        (true, false) => "; interrupted (no --checkpoint, so a rerun starts over)",
                        (false, _) => "",
                    }
                );
                console::say("info", source.name(), &message);
                if outcome.interrupted {
                    return ExitCode::from(130);
                }
            }
            Err(e) => {
                console::say("error", source.name(), &format!("error: {e}"));
                return console::failure(e.as_ref());
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
    let args = args::parse_from(std::env::args_os()).unwrap_or_else(|e| e.exit());
    run(args).await
}

/// The bundled demo server when `--demo` asks for it; its error told, as an exit code.
async fn start_demo(wanted: bool) -> Result<Option<demo::Demo>, ExitCode> {
    if !wanted {
        return Ok(None);
    }
    match demo::Demo::start(250, 230).await {
        Ok(demo) => Ok(Some(demo)),
        Err(e) => {
            eprintln!("error: the demo server could not start on a loopback port: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}
