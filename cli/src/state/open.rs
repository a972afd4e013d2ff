//! Where an export writes, opened only once every check has passed: the checkpoint is
//! locked, loaded once and checked against the source; the output is locked and checked
//! against the length the checkpoint recorded. A refused run leaves every file as it was.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use crate::destinations::lock::{self, Held};
use crate::export::settings::Shutdown;
use crate::formats::sink::{Format, Sink};
use crate::sources::source::Source;
use crate::state::checkpoint::Checkpoint;

pub use crate::destinations::files::same_file_check;
pub use crate::state::error::StateError;

/// Where one export writes.
#[derive(Clone, Debug)]
pub struct Destination {
    /// The output file; `None`: standard output.
    pub out: Option<PathBuf>,
    pub checkpoint: Option<PathBuf>,
    pub format: Format,
    /// Wait for another process's lock instead of failing at once.
    pub wait_for_lock: bool,
    /// How Logpush records write their time.
    pub timestamps: crate::formats::logpush::Timestamps,
    /// How long a checkpoint in an object store is held at a time (see
    /// [`SharedState`](crate::destinations::shared_state::SharedState)).
    pub lease: std::time::Duration,
    /// A following replica: it waits for the lease of a checkpoint in a store as a standby,
    /// where a one-off run stops unless told to wait.
    pub standby: bool,
}

/// An export's output and checkpoint, checked, locked and ready.
#[derive(Debug)]
pub struct Opened {
    pub sink: Sink,
    pub checkpoint: Checkpoint,
    _locks: Vec<Held>,
}

/// Opens what `source` writes to at `to`; see the module docs for the checks.
pub async fn open(
    source: &Source,
    to: &Destination,
    shutdown: &Shutdown,
) -> Result<Opened, StateError> {
    let mut opened = open_any(source, to, shutdown).await?;
    opened.sink.set_timestamps(to.timestamps);
    Ok(opened)
}

async fn open_any(
    source: &Source,
    to: &Destination,
    shutdown: &Shutdown,
) -> Result<Opened, StateError> {
    let in_store = |path: &Option<PathBuf>| {
        path.as_deref()
            .is_some_and(crate::destinations::bucket::is_url)
    };
    if in_store(&to.out) || in_store(&to.checkpoint) {
        return open_store(source, to, shutdown).await;
    }
    let mut locks = Vec::new();
    let Some(out) = &to.out else {
        if to.checkpoint.is_some() {
            return Err(StateError::CheckpointWithoutFile);
        }
        return Ok(Opened {
            sink: Sink::stdout(to.format),
            checkpoint: Checkpoint::new(source.fingerprint()),
            _locks: locks,
        });
    };
    if let Some(checkpoint) = &to.checkpoint {
        same_file_check(&[out.as_path(), checkpoint.as_path()])?;
    }
    let saved = match &to.checkpoint {
        Some(path) => {
            locks.push(lock::lock_checkpoint(path, to.wait_for_lock, shutdown).await?);
            Checkpoint::load(path)?
        }
        None => None,
    };
    if let Some(saved) = &saved
        && saved.source != source.fingerprint()
    {
        return Err(StateError::Foreign {
            checkpoint: to.checkpoint.clone().unwrap_or_default(),
            recorded: saved.source.clone(),
        });
    }
    let recorded = saved.as_ref().map(|c| c.output_len);
    let file = match open_output(out, recorded)? {
        Some(file) => file,
        None => create_output(out)?,
    };
    locks.push(lock::lock_output(&file, out, to.wait_for_lock, shutdown).await?);
    let held = file
        .metadata()
        .map_err(|e| StateError::io("reading", out, e))?
        .len();
    let keep = recorded.unwrap_or(0);
    if held < keep {
        return Err(StateError::Inconsistent(format!(
            "{} holds {held} bytes but the checkpoint recorded {keep}: it is not the file that \
             export wrote; nothing was changed",
            out.display()
        )));
    }
    if to.checkpoint.is_some() && recorded.is_none() && held > 0 {
        return Err(StateError::Inconsistent(format!(
            "{} holds {held} bytes that no checkpoint accounts for (the checkpoint is new): \
             move the file away, or give the checkpoint that export kept; nothing was changed",
            out.display()
        )));
    }
    let crc = crate::destinations::output_check::crc_of(out, keep)?;
    if let Some(saved) = &saved {
        crate::destinations::output_check::check_output(out, saved, held, crc)?;
    }
    // Every check passed: only now is the output cut back to what the checkpoint recorded
    // (a page written but not recorded goes, and is written again).
    let sink = Sink::file(file, out, to.format, keep, crc)?;
    let checkpoint = saved.unwrap_or_else(|| Checkpoint::new(source.fingerprint()));
    Ok(Opened {
        sink,
        checkpoint,
        _locks: locks,
    })
}

/// Opens an object store output, with its checkpoint in the store (taking its lease) or in a
/// file (locked). Both are required: without a checkpoint a rerun would write every batch
/// again.
async fn open_store(
    source: &Source,
    to: &Destination,
    shutdown: &Shutdown,
) -> Result<Opened, StateError> {
    use crate::destinations::bucket::{self, Bucket};
    let text = |path: &Path| path.to_string_lossy().into_owned();
    let out = match &to.out {
        Some(out) if bucket::is_url(out) => text(out),
        _ => {
            return Err(StateError::Unsupported(
                "a checkpoint in an object store keeps the state of an export into that store: \
                 give --out an object store URL too (s3://, gs://, az://, file://)"
                    .into(),
            ));
        }
    };
    let Some(checkpoint) = &to.checkpoint else {
        return Err(StateError::Unsupported(
            "--out to an object store needs --checkpoint (a file, or an object store URL): \
             without one, a rerun would write every batch again"
                .into(),
        ));
    };
    let store_error = |url: &str, message: String| StateError::Store {
        op: "opening",
        url: url.to_owned(),
        message,
    };
    let bucket = Bucket {
        location: bucket::locate(&out).map_err(|m| store_error(&out, m))?,
    };
    let fresh = Checkpoint::new(source.fingerprint());
    let mut locks = Vec::new();
    let (state, mut shared) = if bucket::is_url(checkpoint) {
        let url = text(checkpoint);
        if url.starts_with("file://") {
            return Err(StateError::Unsupported(format!(
                "{url}: a local file has no conditional writes to share; give the checkpoint \
                 as a path (it is locked while the export runs)"
            )));
        }
        let location = bucket::locate(&url).map_err(|m| store_error(&url, m))?;
        let mut shared = crate::destinations::shared_state::SharedState::new(
            location,
            to.lease,
            to.wait_for_lock || to.standby,
        );
        (shared.acquire(fresh, shutdown).await?, Some(shared))
    } else {
        locks.push(lock::lock_checkpoint(checkpoint, to.wait_for_lock, shutdown).await?);
        let saved = Checkpoint::load(checkpoint)?.unwrap_or(fresh);
        if saved.source != source.fingerprint() {
            return Err(StateError::Foreign {
                checkpoint: checkpoint.clone(),
                recorded: saved.source,
            });
        }
        (saved, None)
    };
    let state = claim_prefix(&bucket, state, shared.as_mut(), checkpoint).await?;
    let remote = crate::destinations::remote::Remote { bucket, shared };
    Ok(Opened {
        sink: Sink::batches(to.format, remote),
        checkpoint: state,
        _locks: locks,
    })
}

/// Claims the output prefix for this export (see [`crate::destinations::prefix_claim`]), giving the
/// checkpoint an export ID first (saved before the claim names it, so that a crash in
/// between finds its own claim). A prefix another export claimed is refused before anything
/// is written.
async fn claim_prefix(
    bucket: &crate::destinations::bucket::Bucket,
    mut state: Checkpoint,
    mut shared: Option<&mut crate::destinations::shared_state::SharedState>,
    checkpoint: &Path,
) -> Result<Checkpoint, StateError> {
    use crate::destinations::prefix_claim;
    let claimed = async {
        if prefix_claim::check(bucket, &state).await? {
            return Ok(());
        }
        if state.export.is_none() {
            state.export = Some(prefix_claim::new_id());
            match shared.as_deref_mut() {
                Some(shared) => shared.save(&mut state).await?,
                None => state.save(checkpoint)?,
            }
        }
        prefix_claim::claim(bucket, &state, &checkpoint.to_string_lossy()).await
    }
    .await;
    match claimed {
        Ok(()) => Ok(state),
        Err(e) => {
            // Refused: the lease taken for this run is given up at once.
            if let Some(shared) = shared {
                shared.release().await;
            }
            Err(e)
        }
    }
}

/// The output as it is, for writing, or `None` when it does not exist and may be created:
/// a checkpoint that recorded bytes in it needs the file.
fn open_output(out: &Path, recorded: Option<u64>) -> Result<Option<File>, StateError> {
    match OpenOptions::new().write(true).open(out) {
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => match recorded {
            Some(len) if len > 0 => Err(StateError::Inconsistent(format!(
                "{} does not exist, but the checkpoint recorded {len} bytes written to it: \
                 restore the file, or start over with a new checkpoint",
                out.display()
            ))),
            _ => Ok(None),
        },
        Err(e) => Err(StateError::io("opening", out, e)),
    }
}

fn create_output(out: &Path) -> Result<File, StateError> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StateError::io("creating", dir, e))?;
    }
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(out)
        .map_err(|e| StateError::io("creating", out, e))
}
