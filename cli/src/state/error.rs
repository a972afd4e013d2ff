//! Why an export's files (its output, its checkpoint, its store) cannot be used: one error
//! type, with a message that names the file and what to do.

use std::io;
use std::path::{Path, PathBuf};

/// Why an export's files cannot be used.
#[derive(Debug)]
pub enum StateError {
    /// The checkpoint records another export (log, identifier or filters).
    Foreign {
        checkpoint: PathBuf,
        recorded: String,
    },
    /// Another process holds the file.
    Locked { path: PathBuf, holder: Option<u32> },
    /// The output does not hold what the checkpoint says was written to it.
    Inconsistent(String),
    /// The same file would be written twice (as two outputs, or output and checkpoint).
    Shared { first: PathBuf, second: PathBuf },
    /// A checkpoint with standard output: a pipe cannot say how much its reader took.
    CheckpointWithoutFile,
    /// Shutdown was requested while waiting for a lock.
    Interrupted,
    /// Another process wrote the checkpoint in the store since this one did: it holds the
    /// source now. `detail` says what became of this process's last batch.
    LeaseLost {
        checkpoint: String,
        holder: Option<String>,
        detail: String,
    },
    /// Another process holds the checkpoint's lease, and this run was not told to wait.
    Held {
        checkpoint: String,
        holder: String,
        until: chrono::DateTime<chrono::Utc>,
    },
    /// The checkpoint's lease runs out later than any lease can (a clock far ahead, or an
    /// edit by hand).
    ImpossibleLease {
        checkpoint: String,
        holder: String,
        until: chrono::DateTime<chrono::Utc>,
    },
    /// The checkpoint in the store was deleted (or the store lost it) while this process
    /// held it.
    Vanished { checkpoint: String },
    /// The checkpoint (a file or an object) is not a checkpoint: where, and why.
    NotACheckpoint(String, String),
    /// An operation on an object store failed.
    Store {
        op: &'static str,
        url: String,
        message: String,
    },
    /// Another export claimed the output prefix (see `destinations::prefix_claim`).
    Claimed {
        out: String,
        claim: String,
        source: String,
        checkpoint: String,
    },
    /// An object store output or checkpoint that cannot go with the rest of the flags.
    Unsupported(String),
    /// An operation on a file failed.
    Io {
        op: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl StateError {
    /// An I/O failure of `op` on `path`.
    pub fn io(op: &'static str, path: &Path, source: io::Error) -> StateError {
        StateError::Io {
            op,
            path: path.to_owned(),
            source,
        }
    }
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateError::Foreign {
                checkpoint,
                recorded,
            } => write!(
                f,
                "the checkpoint {} belongs to another export ({recorded}); use another file, or \
                 the same log and filters; nothing was written",
                checkpoint.display()
            ),
            StateError::Locked { path, holder } => write!(
                f,
                "{} is in use by another export{}; wait for it, or pass --wait-for-lock",
                path.display(),
                holder
                    .map(|pid| format!(" (process {pid})"))
                    .unwrap_or_default()
            ),
            StateError::Inconsistent(message) => f.write_str(message),
            StateError::Shared { first, second } => write!(
                f,
                "{} and {} are the same file: every output and checkpoint must be a file of \
                 its own",
                first.display(),
                second.display()
            ),
            StateError::CheckpointWithoutFile => f.write_str(
                "--checkpoint needs --out FILE: a rerun resumes from the bytes the checkpoint \
                 recorded, and standard output cannot say how many of them its reader took",
            ),
            StateError::Interrupted => f.write_str("interrupted while waiting for a lock"),
            StateError::LeaseLost {
                checkpoint,
                holder,
                detail,
            } => write!(
                f,
                "another replica{} wrote {checkpoint} since this one did (this one's lease ran \
                 out): that replica exports the source now{detail}",
                holder
                    .as_ref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default()
            ),
            StateError::Held {
                checkpoint,
                holder,
                until,
            } => write!(
                f,
                "{checkpoint} is held by another replica ({holder}) until {until}: it exports \
                 this source now; pass --wait-for-lock to wait and take over when it stops"
            ),
            StateError::ImpossibleLease {
                checkpoint,
                holder,
                until,
            } => write!(
                f,
                "{checkpoint} is held by {holder} until {until}, later than any lease can run \
                 (at most {} s from its last write): a replica's clock is far ahead, or the \
                 object was edited; set that clock right, or remove the \"lease\" field from \
                 the object",
                crate::destinations::lease::MAX_LEASE.as_secs()
            ),
            StateError::Vanished { checkpoint } => write!(
                f,
                "{checkpoint} was deleted (or the store lost it) while this replica held it: \
                 the export stops rather than start over and write every batch again; restore \
                 the object, or move the output prefix aside and start afresh"
            ),
            StateError::NotACheckpoint(path, why) => write!(
                f,
                "{path} is not a checkpoint ({why}); nothing was written: restore it from a \
                 backup, or move it aside to start over (an output it recorded must be moved \
                 aside too, or the new export is refused)"
            ),
            StateError::Store { op, url, message } => write!(f, "{op} {url}: {message}"),
            StateError::Claimed {
                out,
                claim,
                source,
                checkpoint,
            } => write!(
                f,
                "{out} holds another export's batches ({source}, checkpoint {checkpoint}; see \
                 {claim}): one export a prefix, so that its readers see each entry once and \
                 know whose it is. Give this export a prefix of its own; nothing was written there"
            ),
            StateError::Unsupported(message) => f.write_str(message),
            StateError::Io { op, path, source } => {
                write!(f, "{op} {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for StateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StateError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
