//! The export loop: a listing written entry by entry with a checkpoint after every page; in
//! follow mode, one listing after another from the high-water mark.
//!
//! Whether `since` is inclusive is not promised for the account audit logs ("newer than")
//! and is inclusive for the insights log ("at or after"). Either way each later listing
//! starts `overlap` before the latest entry written, and entries already written (by ID) are
//! skipped: late arrivals and entries sharing the boundary time are neither lost nor
//! repeated. There is no "+1 second" trick, which would lose entries.

use std::error::Error;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cloudflare_audit_logs::listings::Listing;
use cloudflare_audit_logs::{Client, Pages, RawEntry, Request};
use futures::TryStreamExt;
use tokio::sync::Notify;

use crate::checkpoint::{Admitted, Checkpoint};
use crate::records::Record;
use crate::sink::Sink;

use crate::logs::Log;
pub use crate::source::{Source, V2_RETENTION_DAYS, V2Owner};
use crate::window::{finish_listing, v2_hint, v2_window, windowed};

/// How to run.
#[derive(Clone, Debug)]
pub struct Settings {
    pub per_page: u64,
    /// Poll again this long after catching up; `None` exports once.
    pub follow: Option<Duration>,
    /// How far before the high-water mark a later listing starts.
    pub overlap: Duration,
    pub checkpoint: Option<PathBuf>,
    /// How far behind now each listing ends (`before = now - lag`), so that entries that
    /// reach the log late are read on a later poll instead of being skipped. Zero: up to now.
    pub lag: Duration,
    /// Wait for another process's lock on the output or checkpoint instead of failing.
    pub wait_for_lock: bool,
}

impl Settings {
    /// One export of everything there is: no follow mode, no lag.
    pub fn once(per_page: u64, checkpoint: Option<PathBuf>) -> Settings {
        Settings {
            per_page,
            follow: None,
            overlap: crate::units::defaults::overlap(),
            checkpoint,
            lag: Duration::ZERO,
            wait_for_lock: false,
        }
    }
}

/// A shutdown request (Ctrl-C), seen between pages.
#[derive(Default)]
pub struct Shutdown {
    requested: AtomicBool,
    notify: Notify,
}

impl Shutdown {
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Waits until a shutdown is requested.
    pub async fn wait(&self) {
        let notified = self.notify.notified();
        if !self.is_requested() {
            notified.await;
        }
    }
}

/// Told about progress.
pub trait Observer: Send {
    /// A page was recorded: `written` of its entries were written, `skipped` were written
    /// before (the overlap of a later listing, or a rerun).
    fn page(&mut self, _written: usize, _skipped: usize) {}
    /// Caught up; waiting this long before the next poll.
    fn idle(&mut self, _wait: Duration) {}
}

/// Nothing to report to.
pub struct Quiet;
impl Observer for Quiet {}

/// What a run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub pages: u64,
    pub written: u64,
    pub skipped: u64,
    /// Entries written again because they came back with other content (counted in
    /// `written` too).
    pub revised: u64,
    pub interrupted: bool,
}

pub(crate) type BoxError = Box<dyn Error + Send + Sync>;

/// Runs the export from `state` (the checkpoint [`state::open`](crate::state::open) loaded
/// and checked) until it is done, or, following, until shutdown.
pub async fn run(
    client: &Client,
    source: &Source,
    settings: &Settings,
    sink: &mut Sink,
    state: Checkpoint,
    shutdown: &Arc<Shutdown>,
    observer: &mut dyn Observer,
) -> Result<Outcome, BoxError> {
    if state.source != source.fingerprint() {
        return Err(format!(
            "the checkpoint belongs to another export ({}); use another file or the same filters",
            state.source
        )
        .into());
    }
    sink.set_origin(source.origin());
    let mut export = Export {
        sink,
        state,
        settings,
        overlap: chrono::Duration::from_std(settings.overlap)?,
        shutdown,
        observer,
        outcome: Outcome::default(),
    };
    let outcome = export.run(client, source).await;
    crate::delivery::release(export.sink).await;
    outcome
}

impl Export<'_> {
    /// Listings until done, or, following, until shutdown.
    async fn run(&mut self, client: &Client, source: &Source) -> Result<Outcome, BoxError> {
        loop {
            let done = match self.listing(client, source).await {
                Err(e) if matches!(source.log(), Log::V2 | Log::History) => {
                    Err(v2_hint(e, &self.state))
                }
                done => done,
            }?;
            if !done {
                self.outcome.interrupted = true;
                return Ok(std::mem::take(&mut self.outcome));
            }
            // The listing is complete (its last page's checkpoint already says so).
            finish_listing(&mut self.state, self.overlap);
            crate::delivery::save(self.sink, &mut self.state, self.settings).await?;
            let Some(interval) = self.settings.follow else {
                return Ok(std::mem::take(&mut self.outcome));
            };
            self.observer.idle(interval);
            if crate::delivery::idle(self.sink, interval, self.shutdown).await? {
                self.outcome.interrupted = true;
                return Ok(std::mem::take(&mut self.outcome));
            }
        }
    }
}

/// One export under way: where it writes, what it has done, and how it runs.
struct Export<'a> {
    sink: &'a mut Sink,
    state: Checkpoint,
    settings: &'a Settings,
    overlap: chrono::Duration,
    shutdown: &'a Arc<Shutdown>,
    observer: &'a mut dyn Observer,
    outcome: Outcome,
}

impl Export<'_> {
    /// Runs one listing of `source` to its end; false when shutdown stopped it first. Each
    /// log only names its request; the rest is [`Export::drain`], the same for every log.
    async fn listing(&mut self, client: &Client, source: &Source) -> Result<bool, BoxError> {
        match source {
            Source::Account {
                account_id,
                filters,
            } => {
                let request = client.account_audit_logs(account_id.as_str());
                self.drain(request, filters).await
            }
            Source::User { filters } => self.drain(client.user_audit_logs(), filters).await,
            Source::Insights {
                scope,
                issue,
                filters,
            } => {
                let request = match issue {
                    Some(issue) => client.insight_audit_log(scope.clone(), issue.as_str()),
                    None => client.insights_audit_log(scope.clone()),
                };
                self.drain(request, filters).await
            }
            Source::Access {
                account_id,
                filters,
            } => {
                let request = client.access_authentication_logs(account_id.as_str());
                self.drain(request, filters).await
            }
            Source::Scim {
                account_id,
                filters,
            } => {
                // The identity providers are in the filters, which replace the request's.
                let first = filters.idp_id.iter().flatten().next().cloned();
                let request =
                    client.access_scim_update_logs(account_id.as_str(), first.unwrap_or_default());
                self.drain(request, filters).await
            }
            Source::V2Account {
                account_id,
                filters,
            } => {
                // The window `drain` sets too (pinned in the checkpoint, so the same bounds).
                let (since, before) = v2_window(filters, &mut self.state, self.settings.lag);
                let request = client.account_audit_logs_v2(account_id.as_str(), since, before);
                self.drain(request, filters).await
            }
            Source::V2Organization {
                organization_id,
                filters,
            } => {
                let (since, before) = v2_window(filters, &mut self.state, self.settings.lag);
                let id = organization_id.as_str();
                let request = client.organization_audit_logs_v2(id, since, before);
                self.drain(request, filters).await
            }
            Source::History {
                owner,
                entry_id,
                filters,
            } => {
                // The filters hold the entry's time (checked when the source was made); they
                // replace the request's, with the window `drain` sets.
                let time = filters
                    .action_time
                    .ok_or("a history needs its entry's time")?;
                let request = match owner {
                    V2Owner::Account(id) => {
                        client.account_audit_log_history(id.as_str(), entry_id.as_str(), time)
                    }
                    V2Owner::Organization(id) => {
                        client.organization_audit_log_history(id.as_str(), entry_id.as_str(), time)
                    }
                };
                self.drain(request, filters).await
            }
        }
    }

    /// Writes every page of one listing, made from `request` with the window of the
    /// listing under way, a checkpoint after each page.
    async fn drain<L: Listing>(
        &mut self,
        request: Request<L>,
        filters: &L::Filters,
    ) -> Result<bool, BoxError>
    where
        L::Entry: Record + serde::de::DeserializeOwned,
    {
        let filters = windowed(filters, &mut self.state, self.settings.lag)?;
        let mut request = request.filters(filters).page_size(self.settings.per_page);
        if let Some(token) = self.state.resume.clone() {
            request = request.resume(token);
        }
        let mut pages: Pages<RawEntry, L::Info> = request.pages_raw();
        loop {
            if self.shutdown.is_requested() {
                return Ok(false);
            }
            let page = loop {
                // A checkpoint in a store keeps its lease while the page is on its way.
                let renew_at = crate::delivery::renewal_due(self.sink);
                tokio::select! {
                    page = pages.try_next() => break page?,
                    _ = self.shutdown.wait() => return Ok(false),
                    _ = crate::delivery::sleep_until(renew_at) => {
                        crate::delivery::renew(self.sink).await?;
                    }
                }
            };
            let Some(page) = page else { return Ok(true) };
            // A batch is written from the position before its page (see `delivery`).
            let before = self.sink.is_batches().then(|| self.state.clone());
            let mut span = crate::delivery::Span::default();
            let (mut written, mut skipped) = (0, 0);
            for entry in &page.entries {
                // An entry with no ID (a SCIM update) is known by its content.
                let digest = entry
                    .id()
                    .is_none()
                    .then(|| crate::checkpoint::content_id(entry.as_bytes()));
                let id = entry.id().or(digest.as_deref());
                match self.state.admit(id, entry.time(), entry.as_bytes()) {
                    Admitted::Repeat => skipped += 1,
                    admitted => {
                        self.sink.write::<L, L::Entry>(entry)?;
                        span.add(entry.time());
                        written += 1;
                        if admitted == Admitted::Revised {
                            self.outcome.revised += 1;
                        }
                    }
                }
            }
            self.outcome.written += written as u64;
            self.outcome.skipped += skipped as u64;
            // Data first, then the checkpoint that points past it.
            let state = &mut self.state;
            state.resume = page.next;
            state.prune(self.overlap);
            let last = state.resume.is_none();
            if last {
                // The same checkpoint that records the last page says where the next listing
                // starts: a stop or a crash from here on cannot make a rerun list this one
                // again.
                finish_listing(state, self.overlap);
            }
            crate::delivery::commit(self.sink, before, state, span, self.settings).await?;
            self.outcome.pages += 1;
            self.observer.page(written, skipped);
            if last {
                return Ok(true);
            }
        }
    }
}
