//! A checkpoint kept in an object store (`--checkpoint s3://BUCKET/KEY`), shared by replicas
//! of one export: every write is conditional (create only if absent, replace only the version
//! read), so a checkpoint another process wrote is never overwritten; and the checkpoint holds
//! a lease (who exports the source, until when), renewed with each write. A replica that finds
//! the lease held waits, and takes over from the checkpoint once the lease has run out; one
//! whose conditional write is refused has lost the source, and stops it before writing again.
//!
//! This is the object-store twin of the lock that a checkpoint file gets. It needs a store
//! with conditional writes (S3 and R2 with `If-None-Match`/`If-Match`, GCS, Azure), and
//! clocks that agree to well within the lease (a skew the store's clock shows is reported).
//! A lease is [`MIN_LEASE`] to [`MAX_LEASE`]. A one-off run that finds the lease held
//! stops with [`StateError::Held`] unless told to wait; an expiry no lease can reach is
//! reported, not waited on. A store outage is waited out ([`crate::destinations::bucket::OUTAGE`]); a
//! write the store applied but answered with an error is recognised as this process's own.

use std::time::Duration;

use chrono::Utc;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};

use crate::destinations::bucket::Location;
pub use crate::destinations::lease::{MAX_LEASE, MIN_LEASE, parse_lease};
use crate::export::settings::Shutdown;
use crate::state::checkpoint::{Checkpoint, Lease};
use crate::state::error::StateError;

/// A checkpoint in a store, and this process's hold on it.
#[derive(Debug)]
pub struct SharedState {
    location: Location,
    /// This process, as leases name it.
    holder: String,
    lease: Duration,
    /// Wait for a lease another process holds (else stop with [`StateError::Held`]).
    wait: bool,
    /// The version this process last read or wrote; `None` before the object exists.
    version: Option<UpdateVersion>,
    /// What this process last wrote (for renewals), once it holds the lease.
    last: Option<Checkpoint>,
    renewed: tokio::time::Instant,
}

impl SharedState {
    /// The checkpoint at `location`, held for `lease` at a time; `wait`: wait for a lease
    /// another process holds.
    pub fn new(location: Location, lease: Duration, wait: bool) -> SharedState {
        SharedState {
            location,
            holder: holder(),
            lease,
            wait,
            version: None,
            last: None,
            renewed: tokio::time::Instant::now(),
        }
    }

    /// The URL, for messages.
    pub fn url(&self) -> &str {
        &self.location.url
    }

    fn path(&self) -> ObjectPath {
        ObjectPath::from(self.location.key.as_str())
    }

    /// Loads the checkpoint (or `fresh` when there is none) and takes its lease, waiting as
    /// long as another process holds it when told to wait (else [`StateError::Held`]);
    /// `Interrupted` when shutdown comes first.
    pub async fn acquire(
        &mut self,
        fresh: Checkpoint,
        shutdown: &Shutdown,
    ) -> Result<Checkpoint, StateError> {
        let mut told = false;
        loop {
            let (mut checkpoint, version) = match self.read().await? {
                Some((checkpoint, version)) => (checkpoint, Some(version)),
                None => (fresh.clone(), None),
            };
            if checkpoint.source != fresh.source {
                return Err(StateError::Foreign {
                    checkpoint: self.url().into(),
                    recorded: checkpoint.source,
                });
            }
            let now = Utc::now();
            if let Some(lease) = checkpoint.lease.as_ref().filter(|l| l.until > now) {
                let held = StateError::Held {
                    checkpoint: self.url().to_owned(),
                    holder: lease.holder.clone(),
                    until: lease.until,
                };
                if lease.until > now + MAX_LEASE + chrono::Duration::minutes(5) {
                    return Err(StateError::ImpossibleLease {
                        checkpoint: self.url().to_owned(),
                        holder: lease.holder.clone(),
                        until: lease.until,
                    });
                }
                if !self.wait {
                    return Err(held);
                }
                if !std::mem::replace(&mut told, true) {
                    crate::command::console::say("info", self.url(), &format!("waiting: {held}"));
                }
                // Held: wait for it to run out (it is read again then; a holder that renews
                // it keeps the source).
                let left = (lease.until - now).to_std().unwrap_or_default();
                let wait = left.min(self.lease / 4).max(Duration::from_millis(50));
                tokio::select! {
                    _ = tokio::time::sleep(wait) => continue,
                    _ = shutdown.wait() => return Err(StateError::Interrupted),
                }
            }
            self.version = version;
            match self.save(&mut checkpoint).await {
                Ok(()) => {
                    self.check_clock().await;
                    return Ok(checkpoint);
                }
                // Another replica took it first: look again.
                Err(StateError::LeaseLost { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The checkpoint in the store and its version, or `None` when there is none.
    async fn read(&self) -> Result<Option<(Checkpoint, UpdateVersion)>, StateError> {
        let path = self.path();
        let store = &self.location.store;
        let found =
            crate::destinations::bucket::with_retries(self.url(), "reading the checkpoint", || {
                let path = path.clone();
                async move {
                    let found = store.get(&path).await?;
                    let version = UpdateVersion {
                        e_tag: found.meta.e_tag.clone(),
                        version: found.meta.version.clone(),
                    };
                    Ok((found.bytes().await?, version))
                }
            })
            .await;
        let (bytes, version) = match found {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(self.failed("reading", e)),
        };
        let checkpoint = serde_json::from_slice(&bytes)
            .map_err(|e| StateError::NotACheckpoint(self.url().to_owned(), e.to_string()))?;
        Ok(Some((checkpoint, version)))
    }

    /// Reports a clock that disagrees with the store's by more than a quarter of the lease
    /// (at least 2 s): replicas whose clocks disagree by more than the lease can both think
    /// they hold it (their writes stay conditional, so neither overwrites the other).
    async fn check_clock(&self) {
        let Ok(meta) = self.location.store.head(&self.path()).await else {
            return;
        };
        let skew = (Utc::now() - meta.last_modified).abs();
        let allowed = chrono::Duration::from_std(self.lease / 4)
            .unwrap_or_default()
            .max(chrono::Duration::seconds(2));
        if skew > allowed {
            crate::command::console::say(
                "warning",
                self.url(),
                &format!(
                    "this machine's clock and the store's disagree by {} s; leases need clocks \
                     within a quarter of the lease ({} s): set the clock (NTP) on every replica",
                    skew.num_seconds(),
                    allowed.num_seconds()
                ),
            );
        }
    }

    /// Writes `checkpoint` with this process's lease renewed, only over the version this
    /// process read or wrote last; [`StateError::LeaseLost`] when another wrote since.
    pub async fn save(&mut self, checkpoint: &mut Checkpoint) -> Result<(), StateError> {
        let until = Utc::now() + chrono::Duration::from_std(self.lease).unwrap_or_default();
        checkpoint.lease = Some(Lease {
            holder: self.holder.clone(),
            until,
        });
        self.put(checkpoint).await?;
        self.last = Some(checkpoint.clone());
        self.renewed = tokio::time::Instant::now();
        Ok(())
    }

    /// When the lease should next be renewed (a third of it after the last write).
    pub fn renewal_due(&self) -> tokio::time::Instant {
        self.renewed + self.lease / 3
    }

    /// Writes the last checkpoint again, with the lease renewed.
    pub async fn renew(&mut self) -> Result<(), StateError> {
        match self.last.clone() {
            Some(mut last) => self.save(&mut last).await,
            None => Ok(()),
        }
    }

    /// Gives the lease up (the last checkpoint written again without it), so that another
    /// replica may take over at once. A failure leaves the lease to run out.
    pub async fn release(&mut self) {
        if let Some(mut last) = self.last.take() {
            last.lease = None;
            let _ = self.put(&last).await;
        }
    }

    async fn put(&mut self, checkpoint: &Checkpoint) -> Result<(), StateError> {
        let mut text = serde_json::to_vec_pretty(checkpoint)
            .map_err(|e| StateError::Inconsistent(format!("a checkpoint: {e}")))?;
        text.push(b'\n');
        let text = bytes::Bytes::from(text);
        let path = self.path();
        let store = &self.location.store;
        let mode = match self.version.clone() {
            Some(version) => PutMode::Update(version),
            None => PutMode::Create,
        };
        let written =
            crate::destinations::bucket::with_retries(self.url(), "writing the checkpoint", || {
                let options = PutOptions {
                    mode: mode.clone(),
                    ..PutOptions::default()
                };
                store.put_opts(&path, PutPayload::from(text.clone()), options)
            })
            .await;
        match written {
            Ok(result) => {
                self.version = Some(UpdateVersion::from(result));
                Ok(())
            }
            // Creating an object cannot find it missing: the bucket is (the store reports a
            // missing bucket as a missing object).
            Err(e @ object_store::Error::NotFound { .. }) if matches!(mode, PutMode::Create) => {
                Err(self.failed("writing", e))
            }
            Err(
                object_store::Error::Precondition { .. }
                | object_store::Error::AlreadyExists { .. }
                | object_store::Error::NotFound { .. },
            ) => self.refused(&text).await,
            Err(e) => Err(self.failed("writing", e)),
        }
    }

    /// Why a conditional write of `text` was refused: it was this process's own write,
    /// applied by the store though answered with an error and then retried (`Ok`); or the
    /// checkpoint is gone; or another process wrote it since.
    async fn refused(&mut self, text: &[u8]) -> Result<(), StateError> {
        let found = match self.location.store.get(&self.path()).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(StateError::Vanished {
                    checkpoint: self.url().to_owned(),
                });
            }
            Err(e) => return Err(self.failed("reading", e)),
        };
        let version = UpdateVersion {
            e_tag: found.meta.e_tag.clone(),
            version: found.meta.version.clone(),
        };
        let bytes = found.bytes().await.map_err(|e| self.failed("reading", e))?;
        if bytes == text {
            self.version = Some(version);
            return Ok(());
        }
        let holder = serde_json::from_slice::<Checkpoint>(&bytes)
            .ok()
            .and_then(|c| c.lease)
            .map(|l| l.holder);
        Err(StateError::LeaseLost {
            checkpoint: self.url().to_owned(),
            holder,
            detail: String::new(),
        })
    }

    fn failed(&self, op: &'static str, error: object_store::Error) -> StateError {
        StateError::Store {
            op,
            url: self.url().to_owned(),
            message: crate::destinations::store_error::plain_words(&error),
        }
    }
}

/// This process's name in leases: host, process ID and a random part.
fn holder() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_owned());
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{host}/{}/{}", std::process::id(), &random[..8])
}
