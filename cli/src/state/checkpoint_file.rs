//! A checkpoint's file form, the same in every version: the entries it remembers are two
//! maps by ID, `seen` (each entry's time) and `digests` (each entry's digest, 16 hex
//! digits), though in memory they are one map (one search and one key an entry). Fields
//! added since are left out of the file while they hold nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::ResumeToken;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::state::checkpoint::{Checkpoint, Lease, Written};

/// What a checkpoint file holds, borrowed from the checkpoint for writing.
#[derive(Serialize)]
struct Out<'a> {
    source: &'a str,
    cycle_since: Option<DateTime<Utc>>,
    window_before: Option<DateTime<Utc>>,
    window_since: Option<DateTime<Utc>>,
    resume: Option<&'a ResumeToken>,
    high_water: Option<DateTime<Utc>>,
    seen: Times<'a>,
    #[serde(skip_serializing_if = "Digests::is_empty")]
    digests: Digests<'a>,
    output_len: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pending: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lease: Option<&'a Lease>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_after: Option<&'a Checkpoint>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    occurrences: BTreeMap<String, u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_crc: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_pending: Option<(u64, u32)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reconciled_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    low_water: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    export: Option<&'a str>,
}

/// What a checkpoint file holds, as read. A field missing from files of earlier versions
/// has its default.
#[derive(Deserialize)]
struct In {
    source: String,
    cycle_since: Option<DateTime<Utc>>,
    #[serde(default)]
    window_before: Option<DateTime<Utc>>,
    #[serde(default)]
    window_since: Option<DateTime<Utc>>,
    resume: Option<ResumeToken>,
    high_water: Option<DateTime<Utc>>,
    seen: BTreeMap<String, DateTime<Utc>>,
    #[serde(default)]
    digests: BTreeMap<String, String>,
    output_len: u64,
    #[serde(default)]
    pending: Option<String>,
    #[serde(default)]
    lease: Option<Lease>,
    #[serde(default)]
    pending_after: Option<Box<Checkpoint>>,
    #[serde(default)]
    occurrences: BTreeMap<String, u32>,
    #[serde(default)]
    output_crc: Option<u32>,
    #[serde(default)]
    output_pending: Option<(u64, u32)>,
    #[serde(default)]
    reconciled_at: Option<DateTime<Utc>>,
    #[serde(default)]
    low_water: Option<DateTime<Utc>>,
    #[serde(default)]
    export: Option<String>,
}

/// Each remembered entry's time, by ID.
struct Times<'a>(&'a BTreeMap<String, Written>);

impl Serialize for Times<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(id, written)| (id, written.at)))
    }
}

/// Each remembered entry's digest in hex, by ID (entries with none left out).
struct Digests<'a>(&'a BTreeMap<String, Written>);

impl Digests<'_> {
    fn is_empty(&self) -> bool {
        self.0.values().all(|written| written.digest.is_none())
    }
}

impl Serialize for Digests<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (id, written) in self.0 {
            if let Some(digest) = written.digest {
                map.serialize_entry(id, &format_args!("{digest:016x}"))?;
            }
        }
        map.end()
    }
}

impl Serialize for Checkpoint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Out {
            source: &self.source,
            cycle_since: self.cycle_since,
            window_before: self.window_before,
            window_since: self.window_since,
            resume: self.resume.as_ref(),
            high_water: self.high_water,
            seen: Times(&self.seen),
            digests: Digests(&self.seen),
            output_len: self.output_len,
            pending: self.pending.as_deref(),
            lease: self.lease.as_ref(),
            pending_after: self.pending_after.as_deref(),
            occurrences: self
                .occurrences
                .iter()
                .map(|(digest, n)| (format!("{digest:016x}"), *n))
                .collect(),
            output_crc: self.output_crc,
            output_pending: self.output_pending,
            reconciled_at: self.reconciled_at,
            low_water: self.low_water,
            export: self.export.as_deref(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Checkpoint {
    /// A digest that is not 16 hex digits is refused; a digest of an ID not in `seen` is
    /// dropped (pruning drops it anyway).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let file = In::deserialize(deserializer)?;
        let mut seen = BTreeMap::new();
        for (id, at) in file.seen {
            let digest = match file.digests.get(&id) {
                None => None,
                Some(hex) => Some(parse_digest(hex).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "the digest of {id:?} is {hex:?}, not 16 hexadecimal digits"
                    ))
                })?),
            };
            seen.insert(id, Written { at, digest });
        }
        let mut occurrences = BTreeMap::new();
        for (hex, n) in file.occurrences {
            let digest = parse_digest(&hex).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "the occurrence count {hex:?} is not of 16 hexadecimal digits"
                ))
            })?;
            occurrences.insert(digest, n);
        }
        Ok(Checkpoint {
            source: file.source,
            cycle_since: file.cycle_since,
            window_before: file.window_before,
            window_since: file.window_since,
            resume: file.resume,
            high_water: file.high_water,
            seen,
            output_len: file.output_len,
            pending: file.pending,
            lease: file.lease,
            pending_after: file.pending_after,
            occurrences,
            output_crc: file.output_crc,
            output_pending: file.output_pending,
            reconciled_at: file.reconciled_at,
            low_water: file.low_water,
            export: file.export,
        })
    }
}

/// A digest as the file writes it: exactly 16 hex digits.
fn parse_digest(hex: &str) -> Option<u64> {
    (hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| u64::from_str_radix(hex, 16).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkpoint file as earlier versions wrote it (two maps, digests in hex).
    const FILE: &str = r#"{
  "source": "s",
  "cycle_since": null,
  "resume": null,
  "high_water": "2026-01-01T00:00:02Z",
  "seen": {
    "a": "2026-01-01T00:00:01Z",
    "b": "2026-01-01T00:00:02Z"
  },
  "digests": {
    "a": "ce7b0c493b4ff715"
  },
  "output_len": 7
}"#;

    #[test]
    fn a_file_of_earlier_versions_is_read_and_written_back_the_same() {
        let checkpoint: Checkpoint = serde_json::from_str(FILE).unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            checkpoint.seen["a"],
            Written {
                at: at("2026-01-01T00:00:01Z"),
                digest: Some(0xce7b_0c49_3b4f_f715)
            }
        );
        assert_eq!(checkpoint.seen["b"].digest, None);
        let written: serde_json::Value = serde_json::to_value(&checkpoint).unwrap();
        let mut expected: serde_json::Value = serde_json::from_str(FILE).unwrap();
        // Fields of later versions, written with their defaults.
        expected["window_before"] = serde_json::Value::Null;
        expected["window_since"] = serde_json::Value::Null;
        assert_eq!(written, expected);
    }

    #[test]
    fn a_digest_that_is_not_16_hex_digits_is_refused_with_its_id() {
        for bad in [
            "ce7b0c49",
            "+e7b0c493b4ff715",
            "ce7b0c493b4ff71g",
            "ce7b0c493b4ff7150",
        ] {
            let file = FILE.replace("ce7b0c493b4ff715", bad);
            let error = serde_json::from_str::<Checkpoint>(&file).unwrap_err();
            assert!(
                error.to_string().contains(r#"the digest of "a""#),
                "{error}"
            );
        }
    }
}
