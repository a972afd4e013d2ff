//! How a page is recorded, whatever the output and the checkpoint: the data first, then the
//! checkpoint that points past it.
//!
//! - A file: the page's records are flushed to disk, then the checkpoint records the file's
//!   length (a rerun cuts the file back to it).
//! - A file with a checkpoint: the checkpoint first records the length and CRC-32 the file
//!   will have (at the position before the page), then the page is written and flushed to
//!   disk, then the checkpoint records the file's new length and CRC. A rerun cuts back what
//!   an interrupted page left, and refuses bytes no page accounts for.
//! - An object store: the page's records are one batch. The checkpoint first records the
//!   batch's name and the checkpoint past it (at the position before the page), then the
//!   batch is created under that name only if no object has it, then the checkpoint moves
//!   past the page. Whoever finds the name taken (a rerun after a crash, or a replica that
//!   took over while a slow write was on its way) goes on from the checkpoint announced
//!   with it, and a late write never replaces a batch: a bucket never holds an entry twice,
//!   nor part of an object.
//!
//! A checkpoint in an object store is written through its [`SharedState`](crate::shared_state::SharedState), conditionally,
//! renewing the lease; its lease is renewed while pages are fetched and while a follow-mode
//! export waits, and given up when the export ends.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::destinations::bucket::{Bucket, Put};
pub use crate::destinations::remote::Remote;
use crate::export::settings::{Settings, Shutdown};
use crate::formats::sink::Sink;
use crate::state::checkpoint::Checkpoint;
use crate::state::error::StateError;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The times of a page's written entries: the first and last, for the batch's name.
#[derive(Clone, Copy, Debug, Default)]
pub struct Span {
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

impl Span {
    /// Takes an entry's time in.
    pub fn add(&mut self, at: Option<DateTime<Utc>>) {
        if let Some(at) = at {
            self.start = Some(self.start.map_or(at, |s| s.min(at)));
            self.end = Some(self.end.map_or(at, |e| e.max(at)));
        }
    }
}

/// What became of a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Committed {
    /// Recorded: the checkpoint is past it.
    Done,
    /// Its batch was already in the store under the name announced for it, written by an
    /// earlier attempt from the same position (a crashed run, or a replica whose lease ran
    /// out): `state` is now the checkpoint that attempt announced, past that batch, and this
    /// page's records were dropped. The listing goes on from there.
    Adopted,
}

/// Records a page whose records `sink` holds: `state` is the checkpoint past the page;
/// `before` (kept for a batch sink, and for a file with a checkpoint) the one before it.
pub async fn commit(
    sink: &mut Sink,
    before: Option<Checkpoint>,
    state: &mut Checkpoint,
    span: Span,
    settings: &Settings,
) -> Result<Committed, BoxError> {
    if !sink.is_batches() {
        if let (Some(mut intent), true) = (before, sink.page_len() > 0) {
            // The length and CRC the file will have, recorded before the page is written,
            // so that a rerun can tell an interrupted page from bytes added by others.
            intent.output_pending = Some(sink.page_end());
            save(sink, &mut intent, settings).await?;
        }
        sink.flush()?;
        state.output_len = sink.bytes_written();
        state.output_crc = sink.crc();
        state.output_pending = None;
        save(sink, state, settings).await?;
        return Ok(Committed::Done);
    }
    let records = sink.take_batch();
    let Some(mut intent) = before.filter(|_| !records.is_empty()) else {
        (state.pending, state.pending_after) = (None, None);
        save(sink, state, settings).await?;
        return Ok(Committed::Done);
    };
    let bucket = remote(sink)?.bucket.clone();
    // A batch an earlier attempt announced keeps its name and what it accounts for; one
    // announced by an earlier version (which did not say what it would hold) is written
    // over, as that version did.
    let legacy = intent.pending.is_some() && intent.pending_after.is_none();
    let name = match intent.pending.clone() {
        Some(name) => name,
        None => {
            let now = Utc::now();
            let name = bucket.name(span.start.unwrap_or(now), span.end.unwrap_or(now), &records);
            intent.pending = Some(name.clone());
            let mut past = state.clone();
            (past.pending, past.pending_after, past.lease) = (None, None, None);
            intent.pending_after = Some(Box::new(past));
            name
        }
    };
    save(sink, &mut intent, settings).await?;
    let lost = |e: BoxError, detail: String| -> BoxError {
        match e.downcast::<StateError>() {
            Ok(state_error) => match *state_error {
                StateError::LeaseLost {
                    checkpoint, holder, ..
                } => Box::new(StateError::LeaseLost {
                    checkpoint,
                    holder,
                    detail,
                }),
                other => Box::new(other),
            },
            Err(e) => e,
        }
    };
    let put = put_renewing(sink, &bucket, &name, &records, legacy)
        .await
        .map_err(|e| {
            let detail = format!(
                "; this replica's batch {name} was on its way: if it lands first, that replica \
                 finds it and goes on after it, else this one's is refused; nothing is lost or \
                 repeated"
            );
            lost(e, detail)
        })?;
    match put {
        Put::Created => {
            (state.pending, state.pending_after) = (None, None);
            save(sink, state, settings).await.map_err(|e| {
                let detail = format!(
                    "; this replica's batch {name} was written first, and that replica goes on \
                     after it: nothing is lost or repeated"
                );
                lost(e, detail)
            })?;
            Ok(Committed::Done)
        }
        Put::Exists => {
            let Some(past) = intent.pending_after.take() else {
                return Err(format!("{name}: a batch announced without its checkpoint").into());
            };
            let mut adopted = *past;
            save(sink, &mut adopted, settings).await.map_err(|e| {
                let detail = format!(
                    "; it wrote {name} first, and this replica's batch was not written: \
                     nothing is lost or repeated"
                );
                lost(e, detail)
            })?;
            *state = adopted;
            Ok(Committed::Adopted)
        }
    }
}

/// Writes a batch (conditionally, unless `legacy`), renewing the lease while it is on its
/// way.
async fn put_renewing(
    sink: &mut Sink,
    bucket: &Bucket,
    name: &str,
    records: &[u8],
    legacy: bool,
) -> Result<Put, BoxError> {
    let put = async {
        if legacy {
            bucket.overwrite(name, records).await.map(|()| Put::Created)
        } else {
            bucket.create(name, records).await
        }
    };
    tokio::pin!(put);
    loop {
        let renew_at = renewal_due(sink);
        tokio::select! {
            put = &mut put => return Ok(put?),
            _ = sleep_until(renew_at) => renew(sink).await?,
        }
    }
}

/// Writes the checkpoint where the export keeps it (if anywhere).
pub async fn save(
    sink: &mut Sink,
    state: &mut Checkpoint,
    settings: &Settings,
) -> Result<(), BoxError> {
    if let Some(shared) = sink.remote_mut().and_then(|r| r.shared.as_mut()) {
        return Ok(shared.save(state).await?);
    }
    if let Some(path) = &settings.checkpoint {
        state.save(path)?;
    }
    Ok(())
}

fn remote(sink: &mut Sink) -> Result<&mut Remote, BoxError> {
    sink.remote_mut()
        .ok_or_else(|| "a batch output without its object store".into())
}

/// When the lease of a checkpoint in a store is next to be renewed; `None` for any other.
pub fn renewal_due(sink: &mut Sink) -> Option<tokio::time::Instant> {
    let shared = sink.remote_mut()?.shared.as_ref()?;
    Some(shared.renewal_due())
}

/// Sleeps until `at`, or forever when there is no `at`.
pub async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Renews the lease, when the checkpoint is in a store.
pub async fn renew(sink: &mut Sink) -> Result<(), BoxError> {
    if let Some(shared) = sink.remote_mut().and_then(|r| r.shared.as_mut()) {
        shared.renew().await?;
    }
    Ok(())
}

/// Waits `wait` (renewing the lease meanwhile); true when shutdown came first.
pub async fn idle(sink: &mut Sink, wait: Duration, shutdown: &Shutdown) -> Result<bool, BoxError> {
    let end = tokio::time::Instant::now() + wait;
    loop {
        let renew_at = renewal_due(sink).filter(|at| *at < end);
        tokio::select! {
            _ = tokio::time::sleep_until(end) => return Ok(false),
            _ = shutdown.wait() => return Ok(true),
            _ = sleep_until(renew_at) => renew(sink).await?,
        }
    }
}

/// Gives up the lease, when the checkpoint is in a store.
pub async fn release(sink: &mut Sink) {
    if let Some(shared) = sink.remote_mut().and_then(|r| r.shared.as_mut()) {
        shared.release().await;
    }
}
