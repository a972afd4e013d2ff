//! The checkpoint: where an export stands, written atomically after every page.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::ResumeToken;
use serde::{Deserialize, Serialize};

use crate::state::StateError;

/// Everything a rerun needs to go on with no entry lost or written twice.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Which log with which filters; a rerun with others is refused.
    pub source: String,
    /// The lower time bound of the listing under way (`None`: the caller's own `--since`).
    pub cycle_since: Option<DateTime<Utc>>,
    /// Audit Logs v2: the upper bound of the window under way (pinned when it starts, so that
    /// a resumed listing asks for the same window).
    #[serde(default)]
    pub window_before: Option<DateTime<Utc>>,
    /// Audit Logs v2: the lower bound of the window under way when neither a cycle nor the
    /// caller sets one (as far back as v2 keeps, pinned when the window starts).
    #[serde(default)]
    pub window_since: Option<DateTime<Utc>>,
    /// Where the listing under way goes on (`None`: start it from its first page).
    pub resume: Option<ResumeToken>,
    /// The latest entry time written so far.
    pub high_water: Option<DateTime<Utc>>,
    /// IDs written at or after `high_water - overlap`, with their times: the entries the
    /// next listing may send again.
    pub seen: BTreeMap<String, DateTime<Utc>>,
    /// Bytes in the output file after the last recorded page.
    pub output_len: u64,
}

impl Checkpoint {
    /// A fresh checkpoint for `source`.
    pub fn new(source: String) -> Checkpoint {
        Checkpoint {
            source,
            ..Checkpoint::default()
        }
    }

    /// Reads a checkpoint, or `None` when the file does not exist.
    pub fn load(path: &Path) -> Result<Option<Checkpoint>, StateError> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                StateError::Inconsistent(format!("{} is not a checkpoint: {e}", path.display()))
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StateError::io("reading the checkpoint", path, e)),
        }
    }

    /// Writes the checkpoint so that a crash leaves either the old one or the new one: a
    /// temporary file beside it, flushed to disk, then renamed over it. A failed save
    /// removes its temporary file and leaves the old checkpoint.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let mut temporary = PathBuf::from(path);
        temporary.as_mut_os_string().push(".tmp");
        let written = (|| {
            let mut file = File::create(&temporary)?;
            serde_json::to_writer_pretty(&mut file, self)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            fs::rename(&temporary, path)
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&temporary);
            return Err(StateError::io("saving the checkpoint", path, e));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Make the rename itself durable where the platform allows it.
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }

    /// Records an entry as written; returns false when it was written before.
    pub fn admit(&mut self, id: Option<String>, at: Option<DateTime<Utc>>) -> bool {
        if let (Some(id), Some(at)) = (id.as_ref(), at) {
            if self.seen.contains_key(id) {
                return false;
            }
            self.seen.insert(id.clone(), at);
        }
        if let Some(at) = at {
            self.high_water = Some(self.high_water.map_or(at, |hw| hw.max(at)));
        }
        true
    }

    /// Forgets IDs older than the window the next listing starts from.
    pub fn prune(&mut self, overlap: chrono::Duration) {
        if let Some(floor) = self.high_water.map(|hw| hw - overlap) {
            self.seen.retain(|_, at| *at >= floor);
        }
    }
}
