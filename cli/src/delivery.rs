//! How a page is recorded, whatever the output and the checkpoint: the data first, then the
//! checkpoint that points past it.
//!
//! - A file: the page's records are flushed to disk, then the checkpoint records the file's
//!   length (a rerun cuts the file back to it).
//! - An object store: the page's records are one batch. The checkpoint first records the
//!   batch's name (at the position before the page), then the batch is written whole under
//!   that name, then the checkpoint moves past the page. A crash in between leaves a
//!   checkpoint that names the batch, and the rerun writes the same page again under the same
//!   name: a bucket never holds an entry twice, nor part of an object.
//!
//! A checkpoint in an object store is written through its [`SharedState`], conditionally,
//! renewing the lease; its lease is renewed while pages are fetched and while a follow-mode
//! export waits, and given up when the export ends.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::bucket::Bucket;
use crate::checkpoint::Checkpoint;
use crate::exporter::{Settings, Shutdown};
use crate::shared_state::SharedState;
use crate::sink::Sink;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where an object store export writes: its batches, and its checkpoint when that is in
/// the store too.
#[derive(Debug)]
pub struct Remote {
    pub bucket: Bucket,
    pub shared: Option<SharedState>,
}

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

/// Records a page whose records `sink` holds: `state` is the checkpoint past the page;
/// `before` (kept for a batch sink) the one before it.
pub async fn commit(
    sink: &mut Sink,
    before: Option<Checkpoint>,
    state: &mut Checkpoint,
    span: Span,
    settings: &Settings,
) -> Result<(), BoxError> {
    if !sink.is_batches() {
        sink.flush()?;
        state.output_len = sink.bytes_written();
        return save(sink, state, settings).await;
    }
    let records = sink.take_batch();
    if let (false, Some(mut intent)) = (records.is_empty(), before) {
        let bucket = remote(sink)?.bucket.clone();
        let now = Utc::now();
        let name = match intent.pending.clone() {
            Some(name) => name,
            None => bucket.name(span.start.unwrap_or(now), span.end.unwrap_or(now), &records),
        };
        intent.pending = Some(name.clone());
        save(sink, &mut intent, settings).await?;
        bucket.put(&name, &records).await?;
    }
    state.pending = None;
    save(sink, state, settings).await
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
