//! An entry's text as a record frames it, and as a checkpoint recognises it.
//!
//! - [`compact`]: JSON allows whitespace, newlines included, between tokens. A record is one
//!   line, so an entry is framed without that whitespace: every value exactly as sent, keys
//!   in the order sent. An entry that has none (as Cloudflare sends them) is kept byte for
//!   byte. serde_json reads the text; this module only writes what it read back out.
//! - [`identity`]: the same event is recognised whatever its key order or spacing: the digest
//!   of its canonical form (keys sorted at every level, no whitespace, strings escaped as
//!   serde_json escapes them, numbers as written).

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// `text` (one JSON value) with its whitespace between tokens removed; `text` itself when it
/// has none, or when it is not JSON (the caller's decoding reports that).
pub fn compact(text: &str) -> Cow<'_, str> {
    if !text
        .bytes()
        .any(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    match compact_into(text, &mut out) {
        // Every key and value is copied as sent, so only whitespace between tokens makes
        // the text shorter.
        Ok(()) if out.len() < text.len() => Cow::Owned(out),
        _ => Cow::Borrowed(text),
    }
}

/// Writes `raw` (one JSON value, no whitespace around it) compacted into `out`: an object's
/// or array's members one by one, every key and every other value as its text.
fn compact_into(raw: &str, out: &mut String) -> Result<(), serde_json::Error> {
    match raw.as_bytes().first() {
        Some(b'{') => {
            let Members(members) = serde_json::from_str(raw)?;
            out.push('{');
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(key.get());
                out.push(':');
                compact_into(value.get(), out)?;
            }
            out.push('}');
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(raw)?;
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                compact_into(item.get(), out)?;
            }
            out.push(']');
        }
        // A string, number or literal: its text as sent (a `RawValue` has no whitespace
        // around it, and none can stand inside one).
        _ => out.push_str(raw),
    }
    Ok(())
}

/// An object's members in the order sent, each key and value as its text (repeated keys
/// kept).
struct Members<'a>(Vec<(&'a RawValue, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(key) = map.next_key::<&'de RawValue>()? {
                    members.push((key, map.next_value::<&'de RawValue>()?));
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(InOrder)
    }
}

/// The digest of `text`'s canonical form (see the module docs): the same for the same event
/// however it is spaced or ordered. `None` when `text` is not JSON.
pub fn identity(text: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut canonical = String::with_capacity(text.len());
    canonical_into(&value, &mut canonical);
    Some(digest(canonical.as_bytes()))
}

fn canonical_into(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical_into(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_into(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
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

/// The fields of an entry's JSON `text` that none of `columns` (dotted paths) holds, as a JSON
/// object with every value exactly as sent (`""` when nothing is left): so that a CSV row keeps
/// everything, whatever fields Cloudflare adds.
pub fn rest(text: &str, columns: &[&str]) -> String {
    let paths: Vec<Vec<&str>> = columns.iter().map(|c| c.split('.').collect()).collect();
    let paths: Vec<&[&str]> = paths.iter().map(Vec::as_slice).collect();
    match rest_of(text, &paths) {
        Some(rest) if rest != "{}" => rest,
        _ => String::new(),
    }
}

/// `text` (an object) less the leaves `paths` name; `None` when it is no object.
fn rest_of(text: &str, paths: &[&[&str]]) -> Option<String> {
    use serde_json::value::RawValue;
    let fields: std::collections::BTreeMap<String, &RawValue> = serde_json::from_str(text).ok()?;
    let mut out = String::from("{");
    for (key, value) in fields {
        let below: Vec<&[&str]> = paths
            .iter()
            .filter(|p| p.first() == Some(&key.as_str()))
            .map(|p| &p[1..])
            .collect();
        let kept = if below.iter().any(|p| p.is_empty()) {
            // A column holds this value whole.
            None
        } else if below.is_empty() {
            Some(value.get().to_owned())
        } else {
            // Some of its fields have columns: keep the others.
            rest_of(value.get(), &below).filter(|r| r != "{}")
        };
        if let Some(kept) = kept {
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&serde_json::Value::String(key).to_string());
            out.push(':');
            out.push_str(&kept);
        }
    }
    out.push('}');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_between_tokens_goes_and_every_value_stays_as_sent() {
        let pretty = "{\n  \"id\" : \"a b\",\n\t\"n\": 1.50e3 ,\r\n  \"s\": \"x\\u003cy\\n\",\n  \
                      \"o\": { \"k\": [ 1 , {\"z\" : null}, \"\\\"\" ] },\n  \"b\": true\n}";
        let compacted = compact(pretty);
        assert_eq!(
            compacted,
            r#"{"id":"a b","n":1.50e3,"s":"x\u003cy\n","o":{"k":[1,{"z":null},"\""]},"b":true}"#
        );
        let as_sent: serde_json::Value = serde_json::from_str(pretty).unwrap();
        let framed: serde_json::Value = serde_json::from_str(&compacted).unwrap();
        assert_eq!(as_sent, framed);
        assert!(!compacted.contains('\n'));
    }

    #[test]
    fn a_compact_entry_is_kept_byte_for_byte() {
        for text in [
            r#"{"id":"a b","user_agent":"Mozilla/5.0 (X11; Linux)","v":"\u003c\/x\u003e"}"#,
            r#"{"\u0041 key":1,"k":"tab\there"}"#,
            r#"[1,"two three"]"#,
            "not json at all",
        ] {
            assert!(
                matches!(compact(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn repeated_keys_are_kept_in_their_order() {
        assert_eq!(compact(r#"{"a": 1, "a": 2}"#), r#"{"a":1,"a":2}"#);
    }

    #[test]
    fn the_same_event_has_one_identity_however_it_is_spaced_or_ordered() {
        let one = identity(r#"{"a":1,"b":{"c":"x","d":[1,2]}}"#);
        let other = identity("{ \"b\": {\"d\": [1, 2], \"c\": \"x\"},\n \"a\": 1 }");
        let escaped = identity(r#"{"b":{"d":[1,2],"c":"\u0078"},"a":1}"#);
        assert!(one.is_some());
        assert_eq!(one, other);
        assert_eq!(one, escaped);
        assert_ne!(one, identity(r#"{"a":2,"b":{"c":"x","d":[1,2]}}"#));
        assert_ne!(one, identity(r#"{"a":1,"b":{"c":"x","d":[2,1]}}"#));
        assert_eq!(identity("{"), None);
    }
}
