//! [`RawEntry`]: an entry as the exact bytes the server sent, with its ID and time read out,
//! and how a page's body is split into them without decoding the entries.

use bytes::Bytes;
use bytestring::ByteString;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::model::entry_fields::EntryFields;
use crate::{DecodeError, Error};

/// One entry exactly as Cloudflare sent it: its JSON text byte for byte (every field, known
/// or not, every number as written, every `null`, the keys in the server's order), with its
/// ID and time read out. [`Request::stream_raw`](crate::Request::stream_raw) hands these out
/// with every guarantee of `stream()`.
///
/// ```
/// use cloudflare_audit_logs::{AuditLog, RawEntry};
///
/// let text = r#"{"id":"e1","when":"2026-01-01T00:00:00Z","metadata":{"n":123456789012345678901234567890}}"#;
/// let entry = RawEntry::from_json(text)?;
/// assert_eq!(entry.json(), text);
/// assert_eq!(entry.id(), Some("e1"));
/// let typed: AuditLog = entry.decode()?;
/// assert_eq!(typed.id.as_deref(), Some("e1"));
/// # Ok::<(), cloudflare_audit_logs::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEntry {
    /// Checked as UTF-8 when it was read (with its page, where it came in one).
    json: ByteString,
    id: Option<String>,
    time: Option<DateTime<Utc>>,
}

impl RawEntry {
    pub(crate) fn new(json: ByteString, id: Option<String>, time: Option<DateTime<Utc>>) -> Self {
        RawEntry { json, id, time }
    }

    /// An entry from its JSON text (a saved export, a test), reading its ID and its time as
    /// the listings do (see [`id`](Self::id) and [`time`](Self::time)).
    pub fn from_json(text: &str) -> Result<RawEntry, Error> {
        read_entry(ByteString::from(text), crate::generated::ENTRY_FIELDS)
            .map_err(|e| decode_error(text, e))
    }

    /// The entry's ID, when it has one: its `id`, or for an Access authentication event (which
    /// has none) its `ray_id`. SCIM update logs have neither.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// When the entry happened (`when`, `changed_at`, `action.time`, `created_at` or
    /// `logged_at`, whichever it has), when it says.
    pub fn time(&self) -> Option<DateTime<Utc>> {
        self.time
    }

    /// The entry's JSON text, exactly as the server sent it.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The same text as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.json.as_bytes()
    }

    /// The entry decoded into `T` (the listing's typed entry, or a type of your own) by
    /// serde_json.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_str(&self.json).map_err(|e| decode_error(self.json(), e))
    }
}

fn decode_error(text: &str, source: serde_json::Error) -> Error {
    Error::Decode(Box::new(DecodeError {
        status: http::StatusCode::OK,
        cf_ray: None,
        snippet: crate::error::snippet(text.as_bytes()),
        source,
    }))
}

/// `bytes` parsed as JSON. Text checked as UTF-8 in one pass parses faster than bytes whose
/// every string serde_json checks on its own; bytes that are not UTF-8 get serde_json's own
/// error, with its position.
pub(crate) fn parse<'a, T: serde::Deserialize<'a>>(
    bytes: &'a [u8],
) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    }
}

/// A page body read for its raw entries: `success`, `errors`, `result_info` decoded, each
/// entry of `result` kept as its bytes (`E`: a [`Bytes`], or a [`RawEntry`] with its ID and
/// time read out).
pub(crate) struct RawPage<I, E> {
    pub(crate) success: Option<bool>,
    pub(crate) errors: Vec<crate::ResponseMessage>,
    pub(crate) result_info: Option<I>,
    /// The text of `result_info`, as sent (where the next page starts, for the walker).
    pub(crate) result_info_text: Option<Bytes>,
    pub(crate) entries: Vec<E>,
}

/// Reads a page body with serde_json without decoding its entries: each entry of `result`
/// stays the slice of the body the server sent (`RawValue`).
pub(crate) fn read_page<I: DeserializeOwned>(
    body: &Bytes,
) -> Result<RawPage<I, Bytes>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Page<'a> {
        success: Option<bool>,
        #[serde(default)]
        errors: Option<Vec<crate::ResponseMessage>>,
        #[serde(borrow)]
        result_info: Option<&'a RawValue>,
        #[serde(borrow)]
        result: Option<Vec<&'a RawValue>>,
    }
    let page: Page<'_> = parse(body)?;
    // `null` is no result_info, as when the key is missing.
    let info_text = page.result_info.filter(|info| info.get() != "null");
    let result_info = info_text
        .map(|info| serde_json::from_str(info.get()))
        .transpose()?;
    Ok(RawPage {
        success: page.success,
        errors: page.errors.unwrap_or_default(),
        result_info,
        result_info_text: info_text.map(|info| body.slice_ref(info.get().as_bytes())),
        entries: page
            .result
            .unwrap_or_default()
            .into_iter()
            .map(|entry| body.slice_ref(entry.get().as_bytes()))
            .collect(),
    })
}

/// An entry of a page serde_json has split (and so checked as JSON and UTF-8) as a
/// [`RawEntry`], its ID and time read where `fields` says.
pub(crate) fn read_page_entry(
    json: Bytes,
    fields: EntryFields,
) -> Result<RawEntry, serde_json::Error> {
    let json = ByteString::try_from(json).map_err(|e| {
        <serde_json::Error as serde::de::Error>::custom(format!("an entry is not UTF-8: {e}"))
    })?;
    read_entry(json, &[fields])
}

/// An entry's bytes as a [`RawEntry`], its ID and time read without decoding the rest: the
/// first of `fields` whose ID the entry has gives its ID, and likewise its time.
pub(crate) fn read_entry(
    json: ByteString,
    fields: &[EntryFields],
) -> Result<RawEntry, serde_json::Error> {
    let (mut id, mut time) = (None, None);
    for fields in fields {
        let found = fields.read(&json)?;
        id = id.or(found.0);
        time = time.or(found.1);
        if id.is_some() && time.is_some() {
            break;
        }
    }
    Ok(RawEntry::new(json, id, time))
}

/// Each entry of a page decoded into `T`, an error showing none of the client's secrets.
pub(crate) fn decode_all<T: DeserializeOwned>(
    entries: &[RawEntry],
    secrets: &crate::http::redact::Secrets,
) -> Result<Vec<T>, Error> {
    // Sized once: collecting `Result`s would grow the vector by copying large entries.
    let mut decoded = Vec::with_capacity(entries.len());
    for entry in entries {
        decoded.push(serde_json::from_str(entry.json()).map_err(|source| {
            Error::Decode(Box::new(DecodeError {
                status: http::StatusCode::OK,
                cf_ray: None,
                snippet: crate::error::snippet(&secrets.bytes(entry.json.as_bytes())),
                source: secrets.serde_error(source),
            }))
        })?);
    }
    Ok(decoded)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::RawEntry;

    fn time(text: &str) -> Option<String> {
        RawEntry::from_json(text)
            .unwrap()
            .time()
            .map(|t| t.to_rfc3339())
    }

    #[test]
    fn the_time_comes_from_whichever_field_the_entry_has() {
        let utc = Some("2026-01-02T03:04:05+00:00".to_owned());
        for field in ["when", "changed_at", "created_at", "logged_at"] {
            let text = format!(r#"{{"{field}":"2026-01-02T03:04:05Z"}}"#);
            assert_eq!(time(&text), utc, "{field}");
        }
        assert_eq!(time(r#"{"action":{"time":"2026-01-02T03:04:05Z"}}"#), utc);
        // Another form goes through chrono's parser, with its offset applied.
        assert_eq!(time(r#"{"when":"2026-01-02T05:04:05+02:00"}"#), utc);
        assert_eq!(
            time(r#"{"when":"2026-01-02 03:04:05.5Z"}"#).as_deref(),
            Some("2026-01-02T03:04:05.500+00:00")
        );
        assert_eq!(time(r#"{"action":"login","when":null}"#), None);
        assert!(RawEntry::from_json(r#"{"when":"2026-01-02T03:04:05"}"#).is_err());
        assert!(RawEntry::from_json(r#"{"action":{"time":"yesterday"}}"#).is_err());
    }
}
