//! What the command says on standard error: log lines (JSON when standard error is not a
//! terminal, for log shippers), progress, retries, and the exit code an error maps to; and
//! the signals that stop it between pages.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudflare_audit_logs::{Client, RetryEvent};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::export::settings::{Observer, Shutdown};

/// Exit code 3 for credentials, 2 for bad input (a malformed ID, an unusable base URL), 1 for
/// the rest.
pub fn failure(error: &(dyn std::error::Error + 'static)) -> ExitCode {
    let mut source = Some(error);
    while let Some(e) = source {
        if let Some(e) = e.downcast_ref::<cloudflare_audit_logs::Error>() {
            let refused = matches!(e.status().map(|s| s.as_u16()), Some(401 | 403));
            if refused || matches!(e, cloudflare_audit_logs::Error::Credentials(_)) {
                return ExitCode::from(3);
            }
            // Bad input: a malformed identifier, an unusable base URL.
            if matches!(
                e,
                cloudflare_audit_logs::Error::InvalidInput(_)
                    | cloudflare_audit_logs::Error::Config(_)
            ) {
                return ExitCode::from(2);
            }
        }
        source = e.source();
    }
    ExitCode::FAILURE
}

/// Says why the client could not be made, with what a user of the command can do about it,
/// and returns the exit code.
pub fn client_failed(error: &cloudflare_audit_logs::Error) -> ExitCode {
    eprintln!("error: {error}");
    if let cloudflare_audit_logs::Error::Config(message) = error
        && message.contains("in clear")
    {
        eprintln!(
            "  for this command: set CLOUDFLARE_BASE_URL to an https URL (plain http only to a \
             loopback address such as 127.0.0.1)"
        );
    }
    failure(error)
}

/// Every progress line of the process (one a source), drawn on standard error when it is a
/// terminal and the run is not `--quiet`; nothing otherwise, so logs stay one JSON object a
/// line.
static BARS: std::sync::OnceLock<MultiProgress> = std::sync::OnceLock::new();

/// Sets where progress goes, once, before the first source starts.
pub fn init_progress(quiet: bool) {
    BARS.get_or_init(|| {
        let target = match !quiet && std::io::stderr().is_terminal() {
            true => ProgressDrawTarget::stderr(),
            false => ProgressDrawTarget::hidden(),
        };
        MultiProgress::with_draw_target(target)
    });
}

/// A progress line for one source, `label: message`, spinning while it runs.
pub fn source_line(label: &str) -> ProgressBar {
    init_progress(true);
    let bar = BARS.get().map_or_else(ProgressBar::hidden, |bars| {
        bars.add(ProgressBar::new_spinner())
    });
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix}: {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_prefix(label.to_owned());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A line on standard error: as text on a terminal, else one JSON object (for log shippers).
/// Progress lines are lifted while it prints and drawn again below it, so none is left
/// behind.
pub fn say(level: &str, source: &str, message: &str) {
    match BARS.get() {
        Some(bars) => bars.suspend(|| print_line(level, source, message)),
        None => print_line(level, source, message),
    }
}

fn print_line(level: &str, source: &str, message: &str) {
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
pub fn stop_on_signals(shutdown: &Arc<Shutdown>) {
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

/// Says that a request is retried, at warning level: the status or error, the attempt and
/// the wait (the client's [`ClientBuilder::on_retry`](cloudflare_audit_logs::ClientBuilder::on_retry)).
pub fn retrying(retry: &RetryEvent) {
    say("warning", "retry", &retry_message(retry));
}

/// [`retrying`] against the demo's server, whose failures are its own doing: they say so.
pub fn retrying_in_demo(retry: &RetryEvent) {
    let message = retry_message(retry) + " (a failure simulated by the demo)";
    say("warning", "retry", &message);
}

fn retry_message(retry: &RetryEvent) -> String {
    format!(
        "{} {}: attempt {} got {}; retrying in {:.1} s",
        retry.operation(),
        retry.path(),
        retry.attempt(),
        retry.reason(),
        retry.wait().as_secs_f64()
    )
}

/// Progress on standard error: pages, entries, rate, retries and the time they waited.
pub struct Progress {
    bar: ProgressBar,
    client: Client,
    started: Instant,
    pages: u64,
    entries: u64,
}

impl Progress {
    pub fn new(client: &Client, label: &str, quiet: bool) -> Progress {
        init_progress(quiet);
        let bar = source_line(label);
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

    fn warn(&mut self, message: &str) {
        // Above the progress line, which is drawn again below it.
        say("warning", &self.bar.prefix(), message);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
