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

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::{Client, Direction, Order, Pages, TimeBound};
use futures::TryStreamExt;
use tokio::sync::Notify;

use crate::checkpoint::Checkpoint;
use crate::records::Record;
use crate::sink::Sink;

pub use crate::source::{Source, V2_RETENTION_DAYS};

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
    pub interrupted: bool,
}

type BoxError = Box<dyn Error + Send + Sync>;

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
    let mut state = state;
    let overlap = chrono::Duration::from_std(settings.overlap)?;
    sink.set_origin(source.origin());
    let mut outcome = Outcome::default();
    loop {
        let pages = listing(client, source, settings, &mut state);
        // The same loop for every kind of entry.
        macro_rules! drain {
            ($pages:expr) => {
                drain(
                    $pages,
                    sink,
                    &mut state,
                    settings,
                    overlap,
                    shutdown,
                    observer,
                    &mut outcome,
                )
                .await
            };
        }
        let done = match pages {
            Listing::Account(pages) => drain!(pages)?,
            Listing::Insights(pages) => drain!(pages)?,
            Listing::V2(pages) => drain!(pages).map_err(|e| v2_hint(e, &state))?,
        };
        if !done {
            outcome.interrupted = true;
            return Ok(outcome);
        }
        // The listing is complete (its last page's checkpoint already says so).
        finish_listing(&mut state, overlap);
        save(&state, settings)?;
        let Some(interval) = settings.follow else {
            return Ok(outcome);
        };
        observer.idle(interval);
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.wait() => {
                outcome.interrupted = true;
                return Ok(outcome);
            }
        }
    }
}

enum Listing {
    Account(Pages<cloudflare_audit_logs::AuditLog>),
    Insights(Pages<cloudflare_audit_logs::InsightAuditLog>),
    V2(Pages<cloudflare_audit_logs::AuditLogV2>),
}

/// A refused v2 window, said plainly: Audit Logs v2 keep 18 months, and `since`/`before` are
/// the window the export asked for.
fn v2_hint(error: BoxError, state: &Checkpoint) -> BoxError {
    let refused = error
        .downcast_ref::<cloudflare_audit_logs::Error>()
        .and_then(|e| e.status())
        .is_some_and(|s| s.as_u16() == 400);
    if !refused {
        return error;
    }
    let oldest = Utc::now() - chrono::Duration::days(V2_RETENTION_DAYS);
    format!(
        "Cloudflare refused the Audit Logs v2 window{}: v2 keeps {V2_RETENTION_DAYS} days \
         (entries before {} are gone; the v1 log keeps older ones): {error}",
        state
            .window_before
            .map(|b| format!(" ending {b}"))
            .unwrap_or_default(),
        oldest.format("%Y-%m-%d")
    )
    .into()
}

/// The v2 window of the listing under way: from the cycle's lower bound (or the caller's
/// `since`, or as far back as v2 keeps), to the bound pinned when the window started (or the
/// caller's `before`, or now).
fn v2_window(
    since: Option<TimeBound>,
    before: Option<TimeBound>,
    state: &mut Checkpoint,
    lag: Duration,
) -> (TimeBound, TimeBound) {
    let since = state
        .cycle_since
        .map(TimeBound::from)
        .or(since)
        .unwrap_or_else(|| {
            use chrono::SubsecRound;
            let oldest = *state.window_since.get_or_insert_with(|| {
                (Utc::now() - chrono::Duration::days(V2_RETENTION_DAYS - 1)).trunc_subsecs(0)
            });
            TimeBound::from(oldest)
        });
    let before = match (state.cycle_since, before) {
        // Following, or no `before` given: the window ends when it started (less the lag).
        (Some(_), _) | (None, None) => TimeBound::from(window_end(state, lag)),
        (None, Some(before)) => before,
    };
    (since, before)
}

/// The end of the listing under way, `lag` before the moment it started, pinned in the
/// checkpoint so that a resumed listing asks for the same entries.
fn window_end(state: &mut Checkpoint, lag: Duration) -> DateTime<Utc> {
    use chrono::SubsecRound;
    let lag = chrono::Duration::from_std(lag).unwrap_or(chrono::Duration::MAX);
    *state
        .window_before
        .get_or_insert_with(|| (Utc::now() - lag).trunc_subsecs(0))
}

/// The listing to run now: the caller's filters, the cycle's lower bound, and the place to
/// resume. Later listings ask for the oldest entries first.
fn listing(
    client: &Client,
    source: &Source,
    settings: &Settings,
    state: &mut Checkpoint,
) -> Listing {
    let following = state.cycle_since.is_some();
    // Both v2 lists: the window, oldest first when following, the page size and the resume
    // token, on a request made by `$make(since, before)`.
    macro_rules! v2_listing {
        ($filters:expr, $make:expr) => {{
            let mut filters = $filters.clone();
            let (since, before) = v2_window(filters.since, filters.before, state, settings.lag);
            (filters.since, filters.before) = (Some(since), Some(before));
            if following {
                filters.direction = Some(Direction::Asc);
            }
            let mut request = $make(since, before)
                .filters(filters)
                .limit(settings.per_page);
            if let Some(token) = state.resume.clone() {
                request = request.resume(token);
            }
            Listing::V2(request.pages())
        }};
    }
    // Both v1 logs: the cycle's lower bound, oldest first when following, the lag, the page
    // size and the resume token, on `$request`.
    macro_rules! v1_listing {
        ($filters:expr, $request:expr) => {{
            let mut filters = $filters.clone();
            if let Some(since) = state.cycle_since {
                filters.since = Some(TimeBound::from(since));
            }
            if following {
                filters.direction = Some(Direction::Asc);
            }
            if !settings.lag.is_zero() {
                filters.before = Some(TimeBound::from(window_end(state, settings.lag)));
            }
            let mut request = $request.filters(filters).per_page(settings.per_page);
            if let Some(token) = state.resume.clone() {
                request = request.resume(token);
            }
            Listing::Account(request.pages())
        }};
    }
    match source {
        Source::Account {
            account_id,
            filters,
        } => v1_listing!(filters, client.account_audit_logs(account_id.as_str())),
        Source::Insights { scope, filters } => {
            let mut filters = filters.clone();
            if let Some(since) = state.cycle_since {
                filters.since = Some(since);
            }
            if following {
                filters.order = Some(Order::Asc);
            }
            if !settings.lag.is_zero() {
                filters.before = Some(window_end(state, settings.lag));
            }
            let mut request = client
                .insights_audit_log(scope.clone())
                .filters(filters)
                .per_page(settings.per_page);
            if let Some(token) = state.resume.clone() {
                request = request.resume(token);
            }
            Listing::Insights(request.pages())
        }
        Source::User { filters } => v1_listing!(filters, client.user_audit_logs()),
        Source::V2Account {
            account_id,
            filters,
        } => v2_listing!(filters, |since, before| client.account_audit_logs_v2(
            account_id.as_str(),
            since,
            before
        )),
        Source::V2Organization {
            organization_id,
            filters,
        } => v2_listing!(filters, |since, before| client.organization_audit_logs_v2(
            organization_id.as_str(),
            since,
            before
        )),
    }
}

fn save(state: &Checkpoint, settings: &Settings) -> Result<(), BoxError> {
    if let Some(path) = &settings.checkpoint {
        state.save(path)?;
    }
    Ok(())
}

/// Writes every page of one listing; false when shutdown stopped it first.
#[allow(clippy::too_many_arguments)]
async fn drain<R: Record>(
    mut pages: Pages<R>,
    sink: &mut Sink,
    state: &mut Checkpoint,
    settings: &Settings,
    overlap: chrono::Duration,
    shutdown: &Arc<Shutdown>,
    observer: &mut dyn Observer,
    outcome: &mut Outcome,
) -> Result<bool, BoxError> {
    loop {
        if shutdown.is_requested() {
            return Ok(false);
        }
        let page = tokio::select! {
            page = pages.try_next() => page?,
            _ = shutdown.wait() => return Ok(false),
        };
        let Some(page) = page else { return Ok(true) };
        let (mut written, mut skipped) = (0, 0);
        for entry in &page.entries {
            if state.admit(entry.id(), entry.at()) {
                sink.write(entry)?;
                written += 1;
            } else {
                skipped += 1;
            }
        }
        outcome.written += written as u64;
        outcome.skipped += skipped as u64;
        // Data first, then the checkpoint that points past it.
        sink.flush()?;
        state.output_len = sink.bytes_written();
        state.resume = page.next;
        state.prune(overlap);
        let last = state.resume.is_none();
        if last {
            // The same checkpoint that records the last page says where the next listing
            // starts: a stop or a crash from here on cannot make a rerun list this one again.
            finish_listing(state, overlap);
        }
        save(state, settings)?;
        outcome.pages += 1;
        observer.page(written, skipped);
        if last {
            return Ok(true);
        }
    }
}

/// Marks the listing under way as complete: the next one starts `overlap` before the
/// high-water mark, in a window of its own.
fn finish_listing(state: &mut Checkpoint, overlap: chrono::Duration) {
    state.resume = None;
    (state.window_since, state.window_before) = (None, None);
    state.cycle_since = state
        .high_water
        .map(|hw| hw - overlap)
        .or(state.cycle_since);
}
