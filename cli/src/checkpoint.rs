//! The checkpoint: where an export stands, written atomically after every page.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::ResumeToken;
use serde::{Deserialize, Serialize};

use crate::state::StateError;

/// What [`Checkpoint::admit`] made of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admitted {
    /// Not written before.
    New,
    /// Written before with other content: written again.
    Revised,
    /// Written before, the same: skipped.
    Repeat,
}

/// A stable digest of an entry's bytes (the same in every process and version): eight
/// bytes at a time, each word mixed in by multiply and xor-shift, then the length.
pub fn digest(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |hash: u64, word: u64| {
        let hash = (hash ^ word).wrapping_mul(K);
        hash ^ (hash >> 29)
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut hash = chunks
        .by_ref()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, chunk| {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            mix(hash, u64::from_le_bytes(word))
        });
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = mix(hash, u64::from_le_bytes(tail));
    mix(hash, bytes.len() as u64)
}

/// The key of an entry that has no ID, by which the checkpoint knows it: a digest of its
/// bytes (an entry sent again with other bytes counts as another entry).
pub fn content_id(bytes: &[u8]) -> String {
    format!("digest:{:016x}", digest(bytes))
}

/// An entry the checkpoint remembers (see [`Checkpoint::seen`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    /// Its time.
    pub at: DateTime<Utc>,
    /// The [`digest`] of the bytes it came as. `None` for an entry recorded by a checkpoint
    /// from before digests were kept: it counts as unchanged.
    pub digest: Option<u64>,
}

/// Everything a rerun needs to go on with no entry lost or written twice. Its file form
/// (`checkpoint_file`) is the same in every version.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Checkpoint {
    /// Which log with which filters; a rerun with others is refused.
    pub source: String,
    /// The lower time bound of the listing under way (`None`: the caller's own `--since`).
    pub cycle_since: Option<DateTime<Utc>>,
    /// Audit Logs v2: the upper bound of the window under way (pinned when it starts, so that
    /// a resumed listing asks for the same window).
    pub window_before: Option<DateTime<Utc>>,
    /// Audit Logs v2: the lower bound of the window under way when neither a cycle nor the
    /// caller sets one (as far back as v2 keeps, pinned when the window starts).
    pub window_since: Option<DateTime<Utc>>,
    /// Where the listing under way goes on (`None`: start it from its first page).
    pub resume: Option<ResumeToken>,
    /// The latest entry time written so far.
    pub high_water: Option<DateTime<Utc>>,
    /// The entries written at or after `high_water - overlap`, by ID: the entries the next
    /// listing may send again. An entry sent again with other content is written again.
    pub seen: BTreeMap<String, Written>,
    /// Bytes in the output file after the last recorded page.
    pub output_len: u64,
    /// Object store output: the name of the batch being written from this checkpoint's
    /// position. Recorded before the batch is written, so that after a crash the same
    /// batch is written again under the same name, never beside itself.
    pub pending: Option<String>,
    /// A checkpoint in an object store: which process exports this source, and until when.
    pub lease: Option<Lease>,
}

/// Who holds a source, and until when: renewed with each checkpoint it writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// The holding process: its host, process ID and a random part.
    pub holder: String,
    pub until: DateTime<Utc>,
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

    /// Records an entry as written, by its ID, time and the bytes it came as: whether it is
    /// new, a changed version of one written before (to be written too), or the same entry
    /// again (to be skipped).
    pub fn admit(&mut self, id: Option<&str>, at: Option<DateTime<Utc>>, bytes: &[u8]) -> Admitted {
        let mut admitted = Admitted::New;
        if let (Some(id), Some(at)) = (id, at) {
            let digest = digest(bytes);
            let now = Written {
                at,
                digest: Some(digest),
            };
            match self.seen.get_mut(id) {
                Some(before) if before.digest.is_none_or(|d| d == digest) => {
                    return Admitted::Repeat;
                }
                Some(before) => {
                    *before = now;
                    admitted = Admitted::Revised;
                }
                None => {
                    self.seen.insert(id.to_owned(), now);
                }
            }
        }
        if let Some(at) = at {
            self.high_water = Some(self.high_water.map_or(at, |hw| hw.max(at)));
        }
        admitted
    }

    /// Forgets IDs older than the window the next listing starts from.
    pub fn prune(&mut self, overlap: chrono::Duration) {
        if let Some(floor) = self.high_water.map(|hw| hw - overlap) {
            self.seen.retain(|_, written| written.at >= floor);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_back_with_other_bytes_is_written_again_and_the_same_one_is_not() {
        let at = "2026-01-01T00:00:00Z".parse().ok();
        let mut state = Checkpoint::new("s".into());
        assert_eq!(state.admit(Some("a"), at, b"{\"v\":1}"), Admitted::New);
        assert_eq!(state.admit(Some("a"), at, b"{\"v\":1}"), Admitted::Repeat);
        assert_eq!(state.admit(Some("a"), at, b"{\"v\":2}"), Admitted::Revised);
        assert_eq!(state.admit(Some("a"), at, b"{\"v\":2}"), Admitted::Repeat);
        // The digests survive a save and a load (stable across processes).
        let saved = serde_json::to_string(&state).unwrap();
        let mut loaded: Checkpoint = serde_json::from_str(&saved).unwrap();
        assert_eq!(loaded.admit(Some("a"), at, b"{\"v\":2}"), Admitted::Repeat);
        // A checkpoint from before digests were kept: its entries count as unchanged.
        let mut old = loaded.clone();
        old.seen
            .values_mut()
            .for_each(|written| written.digest = None);
        assert_eq!(old.admit(Some("a"), at, b"{\"v\":3}"), Admitted::Repeat);
        // A revised entry takes its new time; pruning forgets entries before the window.
        let later = "2026-01-01T00:10:00Z".parse().ok();
        assert_eq!(
            loaded.admit(Some("a"), later, b"{\"v\":3}"),
            Admitted::Revised
        );
        assert_eq!(loaded.admit(Some("b"), at, b"{}"), Admitted::New);
        loaded.prune(chrono::Duration::minutes(5));
        assert_eq!(loaded.seen.keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(Some(loaded.seen["a"].at), later);
    }

    #[test]
    fn the_digest_is_stable_and_tells_one_byte_apart() {
        // Written into checkpoints: the same value in every version.
        assert_eq!(digest(b""), digest(b""));
        assert_eq!(digest(br#"{"id":"a","v":1}"#), 0xce7b_0c49_3b4f_f715);
        assert_ne!(
            digest(br#"{"id":"a","v":1}"#),
            digest(br#"{"id":"a","v":2}"#)
        );
        assert_ne!(digest(b"abcdefgh"), digest(b"abcdefgh\0"));
    }
}
