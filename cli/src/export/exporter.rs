//! The export loop: a listing written entry by entry with a checkpoint after every page; in
//! follow mode, one listing after another from the high-water mark.
//!
//! Whether `since` is inclusive is not promised for the account audit logs ("newer than")
//! and is inclusive for the insights log ("at or after"). Either way each later listing
//! starts `overlap` before the latest entry written, and entries already written (by ID) are
//! skipped: late arrivals and entries sharing the boundary time are neither lost nor
//! repeated. There is no "+1 second" trick, which would lose entries.

use std::sync::Arc;

use cloudflare_audit_logs::listings::Listing;
use cloudflare_audit_logs::{Client, Pages, RawEntry, Request};
use futures::TryStreamExt;

use crate::formats::records::Record;
use crate::formats::sink::Sink;
use crate::state::checkpoint::{Admitted, Checkpoint};

use crate::export::settings::BoxError;
pub use crate::export::settings::{Observer, Outcome, Quiet, Reconcile, Settings, Shutdown};
use crate::sources::logs::Visit;
use crate::sources::row::Row;
pub use crate::sources::source::{Source, V2_RETENTION_DAYS, V2Owner};
use crate::sources::window::{finish_listing, v2_hint, windowed};

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

/// Runs the export from `state` (the checkpoint [`state::open`](crate::state::open()) loaded
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
    crate::destinations::delivery::release(export.sink).await;
    outcome
}

impl Export<'_> {
    /// Listings until done, or, following, until shutdown.
    async fn run(&mut self, client: &Client, source: &Source) -> Result<Outcome, BoxError> {
        loop {
            let flow = self.listing(client, source).await?;
            match flow {
                Flow::Restart => continue,
                Flow::Interrupted => {
                    self.outcome.interrupted = true;
                    return Ok(std::mem::take(&mut self.outcome));
                }
                Flow::Complete => {}
            }
            // The listing is complete, and its checkpoint says where the next one starts.
            crate::destinations::delivery::save(self.sink, &mut self.state, self.settings).await?;
            let Some(interval) = self.settings.follow else {
                return Ok(std::mem::take(&mut self.outcome));
            };
            self.observer.idle(interval);
            if crate::destinations::delivery::idle(self.sink, interval, self.shutdown).await? {
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

/// The listing of whichever log a source is (see [`Source::visit`]).
struct ListingOf<'e, 'x> {
    export: &'e mut Export<'x>,
    client: &'e Client,
}

impl<'e, 'x> Visit<'e> for ListingOf<'e, 'x> {
    type Output = futures::future::BoxFuture<'e, Result<Flow, BoxError>>;

    fn visit<R: Row>(self, row: &'e R) -> Self::Output {
        Box::pin(self.export.listing_of(self.client, row))
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
    /// Runs one listing of `source` to its end, or until shutdown or a restart. Each log's
    /// row only names its request; the rest is [`Export::drain`], the same for every log.
    async fn listing(&mut self, client: &Client, source: &Source) -> Result<Flow, BoxError> {
        source
            .visit(ListingOf {
                export: self,
                client,
            })
            .await
    }

    /// One listing of a log's `row`: the caller's filters with the listing's window, the
    /// row's request for them, and every page written.
    async fn listing_of<R: Row>(&mut self, client: &Client, row: &R) -> Result<Flow, BoxError> {
        let filters = windowed(row.filters(), &mut self.state, self.settings.lag)?;
        let request = row.request(client, &filters)?;
        let flow = self.drain(request, filters).await;
        // A log with a window the API requires (Audit Logs v2, a resource's history): a
        // refused window is explained.
        let windowed_log =
            <<R::Listing as Listing>::Filters as cloudflare_audit_logs::Filters>::FIELDS
                .iter()
                .any(|f| f.name == "since" && f.required);
        match flow {
            Err(e) if windowed_log => Err(v2_hint(e, &self.state)),
            flow => flow,
        }
    }

    /// Writes every page of one listing, made from `request` with `filters` (the caller's,
    /// with the window of the listing under way), a checkpoint after each page.
    async fn drain<L: Listing>(
        &mut self,
        request: Request<L>,
        filters: L::Filters,
    ) -> Result<Flow, BoxError>
    where
        L::Entry: Record,
    {
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
                let renew_at = crate::destinations::delivery::renewal_due(self.sink);
                tokio::select! {
                    page = pages.try_next() => break page,
                    _ = self.shutdown.wait() => return Ok(Flow::Interrupted),
                    _ = crate::destinations::delivery::sleep_until(renew_at) => {
                        crate::destinations::delivery::renew(self.sink).await?;
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
            let mut span = crate::destinations::delivery::Span::default();
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
            let committed = crate::destinations::delivery::commit(
                self.sink,
                before,
                &mut self.state,
                span,
                self.settings,
            )
            .await?;
            self.outcome.pages += 1;
            self.observer.page(written, skipped);
            if committed == crate::destinations::delivery::Committed::Adopted {
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
        if crate::state::checkpoint::is_future(at, now) {
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
