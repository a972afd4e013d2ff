//! A checkpoint kept in an object store (`--checkpoint s3://BUCKET/KEY`), shared by replicas
//! of one export: every write is conditional (create only if absent, replace only the version
//! read), so a checkpoint another process wrote is never overwritten; and the checkpoint holds
//! a lease (who exports the source, until when), renewed with each write. A replica that finds
//! the lease held waits, and takes over from the checkpoint once the lease has run out; one
//! whose conditional write is refused has lost the source, and stops it before writing again.
//!
//! This is the object-store twin of the lock that a checkpoint file gets. It needs a store
//! with conditional writes (S3 and R2 with `If-None-Match`/`If-Match`, GCS, Azure), and
//! clocks that agree to well within the lease.

use std::time::Duration;

use chrono::Utc;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload, UpdateVersion};

use crate::bucket::Location;
use crate::checkpoint::{Checkpoint, Lease};
use crate::exporter::Shutdown;
use crate::state::StateError;

/// A checkpoint in a store, and this process's hold on it.
#[derive(Debug)]
pub struct SharedState {
    location: Location,
    /// This process, as leases name it.
    holder: String,
    lease: Duration,
    /// The version this process last read or wrote; `None` before the object exists.
    version: Option<UpdateVersion>,
    /// What this process last wrote (for renewals), once it holds the lease.
    last: Option<Checkpoint>,
    renewed: tokio::time::Instant,
}

impl SharedState {
    /// The checkpoint at `location`, held for `lease` at a time.
    pub fn new(location: Location, lease: Duration) -> SharedState {
        SharedState {
            location,
            holder: holder(),
            lease,
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
    /// long as another process holds it; `Interrupted` when shutdown comes first.
    pub async fn acquire(
        &mut self,
        fresh: Checkpoint,
        shutdown: &Shutdown,
    ) -> Result<Checkpoint, StateError> {
        loop {
            let (mut checkpoint, version) = match self.location.store.get(&self.path()).await {
                Ok(found) => {
                    let version = UpdateVersion {
                        e_tag: found.meta.e_tag.clone(),
                        version: found.meta.version.clone(),
                    };
                    let bytes = found.bytes().await.map_err(|e| self.failed("reading", e))?;
                    let checkpoint: Checkpoint = serde_json::from_slice(&bytes).map_err(|e| {
                        StateError::Inconsistent(format!("{} is not a checkpoint: {e}", self.url()))
                    })?;
                    (checkpoint, Some(version))
                }
                Err(object_store::Error::NotFound { .. }) => (fresh.clone(), None),
                Err(e) => return Err(self.failed("reading", e)),
            };
            if checkpoint.source != fresh.source {
                return Err(StateError::Foreign {
                    checkpoint: self.url().into(),
                    recorded: checkpoint.source,
                });
            }
            let now = Utc::now();
            if let Some(lease) = checkpoint.lease.as_ref().filter(|l| l.until > now) {
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
                Ok(()) => return Ok(checkpoint),
                // Another replica took it first: look again.
                Err(StateError::LeaseLost { .. }) => continue,
                Err(e) => return Err(e),
            }
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
        let mode = match self.version.clone() {
            Some(version) => PutMode::Update(version),
            None => PutMode::Create,
        };
        let options = PutOptions {
            mode,
            ..PutOptions::default()
        };
        let path = self.path();
        match self
            .location
            .store
            .put_opts(&path, PutPayload::from(text), options)
            .await
        {
            Ok(result) => {
                self.version = Some(UpdateVersion::from(result));
                Ok(())
            }
            Err(
                object_store::Error::Precondition { .. }
                | object_store::Error::AlreadyExists { .. },
            ) => Err(StateError::LeaseLost {
                checkpoint: self.url().to_owned(),
            }),
            Err(e) => Err(self.failed("writing", e)),
        }
    }

    fn failed(&self, op: &'static str, error: object_store::Error) -> StateError {
        StateError::Store {
            op,
            url: self.url().to_owned(),
            message: error.to_string(),
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
