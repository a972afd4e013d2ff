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
    /// Follow mode: now and then, a listing that reads a longer window again, for entries
    /// that reached the log later than the overlap allows for (`None`: never).
    pub reconcile: Option<Reconcile>,
}

/// How often a following export reads a longer window again, and how long a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reconcile {
    pub every: Duration,
    pub window: Duration,
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
            reconcile: None,
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
    /// Something the operator should know, though the export goes on.
    fn warn(&mut self, _message: &str) {}
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
    /// Entries dated beyond now (see [`is_future`](crate::checkpoint::is_future)): written,
    /// but not taken as the high-water mark.
    pub future: u64,
    /// Entries that reached the log after a listing had passed their time (found by a later
    /// listing's overlap or a reconciling listing): written.
    pub late: u64,
    pub interrupted: bool,
}

/// How a listing ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    /// Its last page is recorded.
    Complete,
    /// Shutdown stopped it first.
    Interrupted,
    /// It goes on from a position the checkpoint now holds, in a listing of its own.
    Restart,
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
            let flow = match self.listing(client, source).await {
                Err(e) if matches!(source.log(), Log::V2 | Log::History) => {
                    Err(v2_hint(e, &self.state))
                }
                flow => flow,
            }?;
            match flow {
                Flow::Restart => continue,
                Flow::Interrupted => {
                    self.outcome.interrupted = true;
                    return Ok(std::mem::take(&mut self.outcome));
                }
                Flow::Complete => {}
            }
            // The listing is complete, and its checkpoint says where the next one starts.
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

    /// Where the next listing starts: `overlap` before the high-water mark, or, when a
    /// reconciliation is due, the reconciliation's window before it.
    fn finish_listing(&mut self) {
        let now = chrono::Utc::now();
        let back = match self.settings.reconcile {
            Some(r) if self.state.cycle_since.is_some() => {
                let every = chrono::Duration::from_std(r.every).unwrap_or(chrono::Duration::MAX);
                let due = self.state.reconciled_at.is_none_or(|at| now - at >= every);
                let window = chrono::Duration::from_std(r.window).unwrap_or(self.overlap);
                if due {
                    self.state.reconciled_at = Some(now);
                    window.max(self.overlap)
                } else {
                    self.overlap
                }
            }
            Some(_) => {
                // The first listing read everything there was: the next reconciliation is a
                // period later.
                self.state.reconciled_at.get_or_insert(now);
                self.overlap
            }
            None => self.overlap,
        };
        finish_listing(&mut self.state, back);
    }

    /// How far before the high-water mark the checkpoint remembers entries: the overlap, or
    /// a reconciliation's window when that is longer.
    fn memory(&self) -> chrono::Duration {
        let window = self
            .settings
            .reconcile
            .and_then(|r| chrono::Duration::from_std(r.window).ok())
            .unwrap_or_default();
        window.max(self.overlap)
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
    /// Runs one listing of `source` to its end, or until shutdown or a restart. Each log
    /// only names its request; the rest is [`Export::drain`], the same for every log.
    async fn listing(&mut self, client: &Client, source: &Source) -> Result<Flow, BoxError> {
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
    ) -> Result<Flow, BoxError>
    where
        L::Entry: Record + serde::de::DeserializeOwned,
    {
        let filters = windowed(filters, &mut self.state, self.settings.lag)?;
        let mut request = request.filters(filters).page_size(self.settings.per_page);
        if let Some(token) = self.state.resume.clone() {
            request = request.resume(token);
        }
        // Entries older than this reached the log after an earlier listing had passed them.
        let late_floor = self.state.high_water.map(|hw| hw - self.overlap);
        let mut pages: Pages<RawEntry, L::Info> = request.pages_raw();
        loop {
            if self.shutdown.is_requested() {
                return Ok(Flow::Interrupted);
            }
            let page = loop {
                // A checkpoint in a store keeps its lease while the page is on its way.
                let renew_at = crate::delivery::renewal_due(self.sink);
                tokio::select! {
                    page = pages.try_next() => break page,
                    _ = self.shutdown.wait() => return Ok(Flow::Interrupted),
                    _ = crate::delivery::sleep_until(renew_at) => {
                        crate::delivery::renew(self.sink).await?;
                    }
                }
            };
            let page = match page {
                Ok(page) => page,
                Err(e) => return self.expired_cursor(e),
            };
            let Some(page) = page else {
                self.finish_listing();
                return Ok(Flow::Complete);
            };
            // A batch is written from the position before its page, and a file's page is
            // announced from it (see `delivery`).
            let keep_before = self.sink.is_batches() || self.settings.checkpoint.is_some();
            let before = keep_before.then(|| self.state.clone());
            let mut span = crate::delivery::Span::default();
            let (mut written, mut skipped) = (0, 0);
            let now = chrono::Utc::now();
            for entry in &page.entries {
                match self
                    .state
                    .admit(entry.id(), entry.time(), entry.json(), now)
                {
                    Admitted::Repeat => skipped += 1,
                    admitted => {
                        self.sink.write::<L, L::Entry>(entry)?;
                        span.add(entry.time());
                        written += 1;
                        if admitted == Admitted::Revised {
                            self.outcome.revised += 1;
                        }
                        self.count_odd_times(entry, now, late_floor);
                    }
                }
            }
            self.outcome.written += written as u64;
            self.outcome.skipped += skipped as u64;
            // Data first, then the checkpoint that points past it.
            let memory = self.memory();
            let state = &mut self.state;
            state.resume = page.next;
            state.prune(memory);
            let last = state.resume.is_none();
            if last {
                // The same checkpoint that records the last page says where the next listing
                // starts: a stop or a crash from here on cannot make a rerun list this one
                // again.
                self.finish_listing();
            }
            let committed =
                crate::delivery::commit(self.sink, before, &mut self.state, span, self.settings)
                    .await?;
            self.outcome.pages += 1;
            self.observer.page(written, skipped);
            if committed == crate::delivery::Committed::Adopted {
                // Its records were dropped: the batch already there holds the page.
                self.outcome.written -= written as u64;
                self.observer.warn(
                    "this page's batch had already been written by an earlier attempt from the \
                     same position (a crashed run, or a replica whose lease ran out): the \
                     export goes on after it",
                );
                // That attempt's checkpoint may have ended the listing, or points elsewhere.
                return Ok(
                    match self.state.resume.is_none() && self.state.window_before.is_none() {
                        true => Flow::Complete,
                        false => Flow::Restart,
                    },
                );
            }
            if last {
                return Ok(Flow::Complete);
            }
        }
    }

    /// Counts (and reports) an entry dated beyond now, and one that reached the log late.
    fn count_odd_times(
        &mut self,
        entry: &RawEntry,
        now: chrono::DateTime<chrono::Utc>,
        late_floor: Option<chrono::DateTime<chrono::Utc>>,
    ) {
        let Some(at) = entry.time() else { return };
        if crate::checkpoint::is_future(at, now) {
            self.outcome.future += 1;
            self.observer.warn(&format!(
                "entry {} is dated {at}, beyond now: written, but later listings do not start \
                 after it",
                entry.id().unwrap_or("(no ID)")
            ));
        } else if late_floor.is_some_and(|floor| at < floor) {
            self.outcome.late += 1;
        }
    }

    /// A failed page: when the server no longer takes the cursor a resumed or long listing
    /// holds (Audit Logs v2 cursors expire), the listing starts again from the checkpoint's
    /// time position, with the entries already written remembered; any other failure is the
    /// export's error.
    fn expired_cursor(&mut self, error: cloudflare_audit_logs::Error) -> Result<Flow, BoxError> {
        let cursor = self
            .state
            .resume
            .as_ref()
            .and_then(|t| t.cursor())
            .is_some();
        let refused = error
            .status()
            .is_some_and(|s| matches!(s.as_u16(), 400 | 404 | 410 | 422));
        if !(cursor && refused) {
            return Err(error.into());
        }
        let state = &mut self.state;
        state.resume = None;
        state.occurrences.clear();
        let position = match (state.cycle_since, state.low_water) {
            // Oldest first: from the overlap before the newest entry written.
            (Some(_), _) => {
                state.cycle_since = state.high_water.map(|hw| hw - self.overlap);
                "the overlap before the newest entry written"
            }
            // Newest first: up to just past the oldest entry written.
            (None, Some(oldest)) => {
                state.window_before = Some(oldest + chrono::Duration::seconds(1));
                "just past the oldest entry written"
            }
            (None, None) => "its start",
        };
        let message = format!(
            "the server no longer takes this listing's cursor ({error}): the listing starts \
             again from {position}; entries already written are not written again"
        );
        self.observer.warn(&message);
        Ok(Flow::Restart)
    }
}
