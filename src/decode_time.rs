//! A time field as the generated decoders of types that keep unknown fields read it
//! (`codegen/lossless.rs`), and as a raw entry's time is read (`raw_entry`): the one form Cloudflare writes, `YYYY-MM-DDTHH:MM:SS[.F]Z` with
//! up to nine fraction digits, read directly; any other text through chrono's own parser,
//! exactly as chrono's `Deserialize` would (same result, same error).
//!
//! chrono's parser is general (it walks a list of format items for every time); on the
//! account log it took about 6 % of decoding an entry.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::de::{Deserialize, Deserializer, Error, Visitor};

/// An optional time field: `null` is `None` (and so is a missing field, by `Default`).
#[derive(Default)]
pub(crate) struct OptionalTime(pub(crate) Option<DateTime<Utc>>);

impl<'de> Deserialize<'de> for OptionalTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OptionVisitor;
        impl<'de> Visitor<'de> for OptionVisitor {
            type Value = OptionalTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("option")
            }
            fn visit_none<E: Error>(self) -> Result<OptionalTime, E> {
                Ok(OptionalTime(None))
            }
            fn visit_unit<E: Error>(self) -> Result<OptionalTime, E> {
                Ok(OptionalTime(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<OptionalTime, D::Error> {
                d.deserialize_str(TimeVisitor)
                    .map(|t| OptionalTime(Some(t)))
            }
        }
        deserializer.deserialize_option(OptionVisitor)
    }
}

struct TimeVisitor;

impl Visitor<'_> for TimeVisitor {
    type Value = DateTime<Utc>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // chrono's words, so that a wrong type reads the same as before.
        f.write_str("an RFC 3339 formatted date and time string")
    }
    fn visit_str<E: Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
        match utc(text.as_bytes()) {
            Some(time) => Ok(time),
            None => text.parse().map_err(E::custom),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.F]Z` (one to nine fraction digits), or `None` for anything else,
/// including a leap second and any date or time out of range, which chrono then judges.
pub(crate) fn utc(b: &[u8]) -> Option<DateTime<Utc>> {
    let (&b'Z', b) = b.split_last()? else {
        return None;
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(&b[0..4])?;
    let (month, day) = (digits(&b[5..7])?, digits(&b[8..10])?);
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            digits(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    if second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    Some(date.and_time(time).and_utc())
}

/// The ASCII digits of `b` as a number, or `None` if any byte is not a digit.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// What chrono's own `Deserialize` makes of `json`, and what this decoder makes of it.
    fn both(json: &str) -> (String, String) {
        let chrono = serde_json::from_str::<Option<DateTime<Utc>>>(json);
        let ours = serde_json::from_str::<OptionalTime>(json).map(|t| t.0);
        (format!("{chrono:?}"), format!("{ours:?}"))
    }

    #[test]
    fn the_fast_form_is_read_directly() {
        let t = utc(b"2026-01-01T12:34:56.123456789Z").expect("the fast form");
        assert_eq!(t.to_rfc3339(), "2026-01-01T12:34:56.123456789+00:00");
        assert_eq!(
            utc(b"2026-01-01T12:34:56.5Z")
                .unwrap()
                .timestamp_subsec_millis(),
            500
        );
        for other in [
            "2026-01-01T12:34:56+00:00",
            "2026-01-01 12:34:56Z",
            "2026-01-01T12:34:60Z",
            "2026-02-30T00:00:00Z",
            "2026-01-01T12:34:56.1234567891Z",
            "2026-01-01T12:34:56.Z",
            "2026-01-01t12:34:56z",
            "+2026-01-01T12:34:56Z",
        ] {
            assert_eq!(utc(other.as_bytes()), None, "{other} goes to chrono");
        }
    }

    #[test]
    fn every_text_decodes_as_chrono_decodes_it() {
        let mut cases: Vec<String> = [
            "null",
            "1",
            "{}",
            r#""""#,
            r#""Z""#,
            r#""2026-01-01T00:00:00Z""#,
            r#""2026-01-01T00:00:00.000Z""#,
            r#""2026-01-01T23:59:60Z""#,
            r#""2026-01-01T23:59:60.5Z""#,
            r#""2024-02-29T10:00:00Z""#,
            r#""2023-02-29T10:00:00Z""#,
            r#""0000-01-01T00:00:00Z""#,
            r#""9999-12-31T23:59:59.999999999Z""#,
            r#""2026-01-01T00:00:00.0000000001Z""#,
            r#""2026-01-01T24:00:00Z""#,
            r#""2026-13-01T00:00:00Z""#,
            r#""2026-00-01T00:00:00Z""#,
            r#""2026-01-01T00:60:00Z""#,
            r#""2026-01-01T00:00:00+02:00""#,
            r#""2026-01-01 00:00:00Z""#,
            r#""2026-01-01T00:00:00z""#,
            r#""2026-01-01T00:00:00""#,
            r#""2026-1-01T00:00:00Z""#,
            r#""2026-01-01T00:00:0aZ""#,
            r#""2026\u002d01-01T00:00:00Z""#,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every one-byte change of a valid time, at every position.
        let base = b"2026-07-15T08:09:10.123Z";
        for at in 0..base.len() {
            for byte in [b'0', b'5', b'9', b'-', b':', b'T', b'Z', b'.', b' ', b'x'] {
                let mut changed = base.to_vec();
                changed[at] = byte;
                cases.push(format!("\"{}\"", String::from_utf8(changed).unwrap()));
            }
        }
        for case in &cases {
            let (chrono, ours) = both(case);
            assert_eq!(chrono, ours, "{case}");
        }
    }
}
