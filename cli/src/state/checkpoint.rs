//! The checkpoint: where an export stands, written atomically after every page.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::ResumeToken;
use serde::{Deserialize, Serialize};

pub use crate::formats::entry_text::digest;
use crate::state::error::StateError;

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

/// How far past now an entry's time may be and still count as now: beyond it (a clock far
/// off, or a server's mistake), an entry is written but does not move the high-water mark,
/// so one entry dated in the future cannot make every later listing start after it.
pub const FUTURE_TOLERANCE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Whether `at` lies beyond `now` by more than [`FUTURE_TOLERANCE`].
pub fn is_future(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at > now + FUTURE_TOLERANCE
}

/// The key under which a checkpoint of an earlier version knew an entry with no ID: the
/// digest of its bytes as sent.
fn legacy_content_id(bytes: &[u8]) -> String {
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
    /// Object store output: the checkpoint past the [`pending`](Self::pending) batch, as the
    /// process that announced the batch computed it. Whoever finds the batch already written
    /// under that name goes on from here (the batch holds exactly what this accounts for).
    pub pending_after: Option<Box<Checkpoint>>,
    /// Entries with no ID, by the digest of their canonical form: how many the listing under
    /// way has had. Two events that happen to be the same text are told apart by their
    /// order (the first is `digest:HEX`, the second `digest:HEX#1`, …); a listing that sends
    /// them again counts them again from zero and meets the same keys.
    pub occurrences: BTreeMap<u64, u32>,
    /// A CRC-32 of the output file's first [`output_len`](Self::output_len) bytes, so that a
    /// rerun notices a file edited since (`None` in checkpoints of earlier versions).
    pub output_crc: Option<u32>,
    /// A file output: the length and CRC-32 the file will have once the page being written
    /// is on disk, recorded before it is written. A rerun that finds more than the recorded
    /// length accepts what is left of that page only (and writes the page again).
    pub output_pending: Option<(u64, u32)>,
    /// Follow mode with reconciliation: when the last listing that read the longer window
    /// started.
    pub reconciled_at: Option<DateTime<Utc>>,
    /// The oldest entry time the listing under way has passed: where a listing that lists
    /// the newest first starts again when its cursor is no longer taken.
    pub low_water: Option<DateTime<Utc>>,
    /// An export into an object store: the export's ID, which its output prefix's claim
    /// names (see `destinations::prefix_claim`).
    pub export: Option<String>,
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
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| StateError::NotACheckpoint(path.display().to_string(), e.to_string())),
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

    /// Records an entry as written, by its ID, time and text: whether it is new, a changed
    /// version of one written before (to be written too), or the same entry again (to be
    /// skipped). An entry with no ID is known by its canonical form and its place among the
    /// entries of the same form in this listing ([`occurrences`](Self::occurrences)); an
    /// entry's content is compared in canonical form, so the same event with its keys in
    /// another order or other spacing is a repeat. An entry dated beyond `now` (see
    /// [`is_future`]) does not move the high-water mark.
    pub fn admit(
        &mut self,
        id: Option<&str>,
        at: Option<DateTime<Utc>>,
        text: &str,
        now: DateTime<Utc>,
    ) -> Admitted {
        let mut admitted = Admitted::New;
        if let Some(at) = at {
            let canonical = crate::formats::entry_text::identity(text);
            let digest_now = canonical.unwrap_or_else(|| digest(text.as_bytes()));
            let key = match id {
                Some(id) => id.to_owned(),
                None => {
                    let seen = self.occurrences.entry(digest_now).or_insert(0);
                    let nth = *seen;
                    *seen += 1;
                    let key = match nth {
                        0 => format!("digest:{digest_now:016x}"),
                        nth => format!("digest:{digest_now:016x}#{nth}"),
                    };
                    let legacy = legacy_content_id(text.as_bytes());
                    if nth == 0 && !self.seen.contains_key(&key) && self.seen.contains_key(&legacy)
                    {
                        return Admitted::Repeat;
                    }
                    key
                }
            };
            let now_written = Written {
                at,
                digest: Some(digest_now),
            };
            // Checkpoints of earlier versions hold the digest of the bytes as sent.
            let same = |d: u64| d == digest_now || d == digest(text.as_bytes());
            match self.seen.get_mut(&key) {
                Some(before) if before.digest.is_none_or(same) => {
                    before.digest = Some(digest_now);
                    return Admitted::Repeat;
                }
                Some(before) => {
                    *before = now_written;
                    admitted = Admitted::Revised;
                }
                None => {
                    self.seen.insert(key, now_written);
                }
            }
        }
        if let Some(at) = at {
            self.low_water = Some(self.low_water.map_or(at, |lw| lw.min(at)));
        }
        if let Some(at) = at.filter(|at| !is_future(*at, now)) {
            self.high_water = Some(self.high_water.map_or(at, |hw| hw.max(at)));
        }
        admitted
    }

    /// Forgets the entries older than `memory` before the high-water mark, except those
    /// within a second of the listing's oldest (where a listing restarted newest first
    /// begins again).
    pub fn prune(&mut self, memory: chrono::Duration) {
        if let Some(floor) = self.high_water.map(|hw| hw - memory) {
            let boundary = self.low_water.map(|lw| lw + chrono::Duration::seconds(1));
            self.seen.retain(|_, written| {
                written.at >= floor || boundary.is_some_and(|b| written.at <= b)
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-01-01T01:00:00Z".parse().unwrap()
    }

    #[test]
    fn an_entry_back_with_other_content_is_written_again_and_the_same_one_is_not() {
        let at = "2026-01-01T00:00:00Z".parse().ok();
        let mut state = Checkpoint::new("s".into());
        let admit = |state: &mut Checkpoint, id, text| state.admit(Some(id), at, text, now());
        assert_eq!(admit(&mut state, "a", r#"{"v":1}"#), Admitted::New);
        assert_eq!(admit(&mut state, "a", r#"{"v":1}"#), Admitted::Repeat);
        assert_eq!(admit(&mut state, "a", r#"{"v":2}"#), Admitted::Revised);
        assert_eq!(admit(&mut state, "a", r#"{"v":2}"#), Admitted::Repeat);
        // The digests survive a save and a load (stable across processes).
        let saved = serde_json::to_string(&state).unwrap();
        let mut loaded: Checkpoint = serde_json::from_str(&saved).unwrap();
        assert_eq!(admit(&mut loaded, "a", r#"{"v":2}"#), Admitted::Repeat);
        // A checkpoint from before digests were kept: its entries count as unchanged.
        let mut old = loaded.clone();
        old.seen
            .values_mut()
            .for_each(|written| written.digest = None);
        assert_eq!(admit(&mut old, "a", r#"{"v":3}"#), Admitted::Repeat);
        // A revised entry takes its new time; pruning forgets entries before the window.
        let later = "2026-01-01T00:10:00Z".parse().ok();
        assert_eq!(
            loaded.admit(Some("a"), later, r#"{"v":3}"#, now()),
            Admitted::Revised
        );
        assert_eq!(admit(&mut loaded, "b", "{}"), Admitted::New);
        // Within a second of the listing's oldest entry, entries are kept (a listing that
        // starts again newest first begins there); a finished listing forgets that.
        loaded.prune(chrono::Duration::minutes(5));
        assert_eq!(loaded.seen.keys().collect::<Vec<_>>(), ["a", "b"]);
        loaded.low_water = None;
        loaded.prune(chrono::Duration::minutes(5));
        assert_eq!(loaded.seen.keys().collect::<Vec<_>>(), ["a"]);
        assert_eq!(Some(loaded.seen["a"].at), later);
    }

    #[test]
    fn the_same_event_in_another_key_order_or_spacing_is_a_repeat() {
        let at = "2026-01-01T00:00:00Z".parse().ok();
        let mut state = Checkpoint::new("s".into());
        let sent = r#"{"ray_id":"r","user_email":"a@example.com","allowed":true}"#;
        let again = "{ \"allowed\": true,\n \"user_email\": \"a@example.com\", \"ray_id\": \"r\" }";
        assert_eq!(state.admit(Some("r"), at, sent, now()), Admitted::New);
        assert_eq!(state.admit(Some("r"), at, again, now()), Admitted::Repeat);
        // Without an ID too.
        assert_eq!(state.admit(None, at, sent, now()), Admitted::New);
        state.occurrences.clear();
        assert_eq!(state.admit(None, at, again, now()), Admitted::Repeat);
        // A checkpoint of an earlier version kept the digest of the bytes as sent.
        let mut old = Checkpoint::new("s".into());
        old.seen.insert(
            "r".into(),
            Written {
                at: at.unwrap(),
                digest: Some(digest(sent.as_bytes())),
            },
        );
        old.seen.insert(
            legacy_content_id(sent.as_bytes()),
            Written {
                at: at.unwrap(),
                digest: Some(digest(sent.as_bytes())),
            },
        );
        assert_eq!(old.admit(Some("r"), at, sent, now()), Admitted::Repeat);
        assert_eq!(old.admit(None, at, sent, now()), Admitted::Repeat);
    }

    #[test]
    fn byte_identical_events_without_an_id_are_each_written_once() {
        let at = "2026-01-01T00:00:00Z".parse().ok();
        let text = r#"{"logged_at":"2026-01-01T00:00:00Z","op":"add"}"#;
        let mut state = Checkpoint::new("s".into());
        let first: Vec<Admitted> = (0..3).map(|_| state.admit(None, at, text, now())).collect();
        assert_eq!(first, [Admitted::New; 3]);
        // A later listing (the overlap) sends the three again, and a fourth.
        state.occurrences.clear();
        let again: Vec<Admitted> = (0..4).map(|_| state.admit(None, at, text, now())).collect();
        assert_eq!(
            again,
            [
                Admitted::Repeat,
                Admitted::Repeat,
                Admitted::Repeat,
                Admitted::New
            ]
        );
        // The counts survive a save and a load, so a resumed listing goes on counting.
        let mut loaded: Checkpoint =
            serde_json::from_str(&serde_json::to_string(&state).unwrap()).unwrap();
        assert_eq!(loaded.admit(None, at, text, now()), Admitted::New);
    }

    #[test]
    fn an_entry_dated_beyond_now_does_not_move_the_high_water_mark() {
        let mut state = Checkpoint::new("s".into());
        let soon = now() + chrono::Duration::minutes(4);
        let far = "2099-01-01T00:00:00Z".parse().unwrap();
        assert!(!is_future(soon, now()) && is_future(far, now()));
        assert_eq!(
            state.admit(Some("a"), Some(soon), "{}", now()),
            Admitted::New
        );
        assert_eq!(
            state.admit(Some("b"), Some(far), "{}", now()),
            Admitted::New
        );
        assert_eq!(state.high_water, Some(soon));
        // It is remembered all the same, and not written twice.
        assert_eq!(
            state.admit(Some("b"), Some(far), "{}", now()),
            Admitted::Repeat
        );
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
