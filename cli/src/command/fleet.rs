//! A many-source run: every source of a [`Plan`] exported concurrently through one client,
//! so under one rate budget, each into its own output with its own checkpoint. A source that
//! fails does not stop the others: it is reported, and in follow mode tried again at the next
//! poll.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::Client;

use crate::command::config::{Plan, Planned};
use crate::export::exporter;
use crate::export::settings::{Observer, Outcome, Settings, Shutdown};
use crate::state::{self, Destination, StateError};

/// What happened to each source, by name.
#[derive(Debug, Default)]
pub struct Report {
    pub sources: BTreeMap<String, SourceReport>,
}

/// One source's totals over the run.
#[derive(Clone, Debug, Default)]
pub struct SourceReport {
    pub written: u64,
    /// Entries received again and not written (already written before).
    pub skipped: u64,
    pub pages: u64,
    pub failures: u64,
    pub last_error: Option<String>,
    pub last_success: Option<DateTime<Utc>>,
}

impl Report {
    /// Whether any source failed (at least once).
    pub fn any_failed(&self) -> bool {
        self.sources.values().any(|s| s.failures > 0)
    }
}

/// Counters shared by the sources' tasks, and written as a Prometheus text file when asked.
#[derive(Clone, Default)]
pub struct Metrics {
    report: Arc<Mutex<Report>>,
    file: Option<PathBuf>,
    client: Option<Client>,
}

impl Metrics {
    /// Counters, also written to `file` (Prometheus text format) after every change.
    pub fn new(file: Option<PathBuf>, client: &Client) -> Metrics {
        Metrics {
            report: Arc::default(),
            file,
            client: Some(client.clone()),
        }
    }

    fn update(&self, name: &str, change: impl FnOnce(&mut SourceReport)) {
        if let Ok(mut report) = self.report.lock() {
            change(report.sources.entry(name.to_owned()).or_default());
        }
        self.write();
    }

    /// A copy of the counters.
    pub fn snapshot(&self) -> Report {
        let report = self
            .report
            .lock()
            .map(|r| r.sources.clone())
            .unwrap_or_default();
        Report { sources: report }
    }

    /// The counters in Prometheus' text format.
    pub fn prometheus(&self) -> String {
        let report = self.snapshot();
        let mut out = String::new();
        let mut family =
            |name: &str, kind: &str, help: &str, value: &dyn Fn(&SourceReport) -> Option<f64>| {
                out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
                for (source, r) in &report.sources {
                    if let Some(v) = value(r) {
                        let label = source.replace('\\', "\\\\").replace('"', "\\\"");
                        out.push_str(&format!("{name}{{source=\"{label}\"}} {v}\n"));
                    }
                }
            };
        family(
            "cloudflare_audit_export_entries_written_total",
            "counter",
            "Entries written.",
            &|r| Some(r.written as f64),
        );
        family(
            "cloudflare_audit_export_entries_skipped_total",
            "counter",
            "Entries received again and not written: written before, by an earlier page, \
             listing or run.",
            &|r| Some(r.skipped as f64),
        );
        family(
            "cloudflare_audit_export_pages_total",
            "counter",
            "Pages written and recorded.",
            &|r| Some(r.pages as f64),
        );
        family(
            "cloudflare_audit_export_failures_total",
            "counter",
            "Listings that ended with an error.",
            &|r| Some(r.failures as f64),
        );
        family(
            "cloudflare_audit_export_last_success_timestamp_seconds",
            "gauge",
            "When the source last finished a listing.",
            &|r| r.last_success.map(|t| t.timestamp() as f64),
        );
        if let Some(stats) = self.client.as_ref().map(Client::stats) {
            out.push_str(&format!(
                "# HELP cloudflare_audit_export_requests_total Requests sent, retries included.\n\
                 # TYPE cloudflare_audit_export_requests_total counter\n\
                 cloudflare_audit_export_requests_total {}\n\
                 # HELP cloudflare_audit_export_retries_total Requests sent again.\n\
                 # TYPE cloudflare_audit_export_retries_total counter\n\
                 cloudflare_audit_export_retries_total {}\n\
                 # HELP cloudflare_audit_export_retry_wait_seconds_total Time waited before retries.\n\
                 # TYPE cloudflare_audit_export_retry_wait_seconds_total counter\n\
                 cloudflare_audit_export_retry_wait_seconds_total {}\n",
                stats.requests,
                stats.retries,
                stats.retry_wait.as_secs_f64()
            ));
        }
        out
    }

    /// Writes the text file atomically (a temporary file renamed over it); a failure to write
    /// metrics never stops an export.
    fn write(&self) {
        let Some(path) = &self.file else { return };
        let mut temporary = path.clone().into_os_string();
        temporary.push(".tmp");
        if std::fs::write(&temporary, self.prometheus()).is_ok() {
            let _ = std::fs::rename(&temporary, path);
        }
    }
}

/// Counts one source's pages and polls, and shows them on its progress line (drawn only on
/// a terminal).
struct Counting {
    name: String,
    metrics: Metrics,
    line: indicatif::ProgressBar,
    pages: u64,
    written: u64,
}

impl Observer for Counting {
    fn page(&mut self, written: usize, skipped: usize) {
        self.metrics.update(&self.name, |r| {
            r.pages += 1;
            r.written += written as u64;
            r.skipped += skipped as u64;
        });
        self.pages += 1;
        self.written += written as u64;
        self.line
            .set_message(format!("{} pages, {} entries", self.pages, self.written));
    }

    fn idle(&mut self, wait: Duration) {
        self.metrics
            .update(&self.name, |r| r.last_success = Some(Utc::now()));
        self.line.set_message(format!(
            "{} pages, {} entries; caught up, next poll in {} s",
            self.pages,
            self.written,
            wait.as_secs()
        ));
    }

    fn warn(&mut self, message: &str) {
        crate::command::console::say("warning", &self.name, message);
    }
}

/// Runs every source of the plan until each is done (or, following, until shutdown), and
/// says what happened. `follow` keeps polling; `on_event` hears each source's outcome.
pub async fn run(
    client: &Client,
    plan: &Plan,
    follow: bool,
    shutdown: &Arc<Shutdown>,
    metrics: &Metrics,
    on_event: impl Fn(&str, &Result<Outcome, String>) + Send + Sync + 'static,
) -> Report {
    let on_event = Arc::new(on_event);
    let mut tasks = Vec::new();
    for planned in &plan.sources {
        let settings = Settings {
            per_page: plan.per_page,
            follow: follow.then_some(plan.interval),
            overlap: plan.overlap,
            checkpoint: Some(planned.checkpoint.clone()),
            lag: plan.lag,
            wait_for_lock: plan.wait_for_lock,
            reconcile: plan.reconcile,
        };
        let (client, planned, shutdown, metrics, on_event) = (
            client.clone(),
            planned.clone(),
            shutdown.clone(),
            metrics.clone(),
            on_event.clone(),
        );
        let interval = plan.interval;
        tasks.push(tokio::spawn(async move {
            loop {
                let outcome = one(&client, &planned, &settings, &shutdown, &metrics).await;
                on_event(&planned.name, &outcome);
                match &outcome {
                    Ok(_) => metrics.update(&planned.name, |r| r.last_success = Some(Utc::now())),
                    Err(e) => metrics.update(&planned.name, |r| {
                        r.failures += 1;
                        r.last_error = Some(e.clone());
                    }),
                }
                // Once, or stopped, or done: this source is finished. Following, a failed
                // source is tried again at the next poll; its checkpoint makes that safe.
                if !follow || shutdown.is_requested() || outcome.is_ok() {
                    return;
                }
                tokio::select! {
                    _ = tokio::time::sleep(interval) => {}
                    _ = shutdown.wait() => return,
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
    metrics.snapshot()
}

/// One export of one source, into its own file and checkpoint, both locked for the run.
async fn one(
    client: &Client,
    planned: &Planned,
    settings: &Settings,
    shutdown: &Arc<Shutdown>,
    metrics: &Metrics,
) -> Result<Outcome, String> {
    let destination = Destination {
        out: Some(planned.out.clone()),
        checkpoint: Some(planned.checkpoint.clone()),
        format: planned.format,
        wait_for_lock: settings.wait_for_lock,
        timestamps: planned.timestamps,
        lease: planned.lease,
        standby: settings.follow.is_some(),
    };
    // Held to the end of this function: its locks go with it.
    let mut opened = match state::open(&planned.source, &destination, shutdown).await {
        Ok(opened) => opened,
        Err(StateError::Interrupted) => {
            return Ok(Outcome {
                interrupted: true,
                ..Outcome::default()
            });
        }
        Err(e) => return Err(e.to_string()),
    };
    let mut counting = Counting {
        name: planned.name.clone(),
        metrics: metrics.clone(),
        line: crate::command::console::source_line(&planned.name),
        pages: 0,
        written: 0,
    };
    counting.line.set_message("starting");
    let outcome = exporter::run(
        client,
        &planned.source,
        settings,
        &mut opened.sink,
        std::mem::take(&mut opened.checkpoint),
        shutdown,
        &mut counting,
    )
    .await
    .map_err(|e| e.to_string());
    counting.line.finish_and_clear();
    outcome
}
