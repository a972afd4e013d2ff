//! A page body read in one pass with the [`Reader`]: its `success`, `errors` and
//! `result_info`, and each entry of its `result` as a [`RawEntry`] with its ID and time read
//! on the way. Without it, serde_json splits the page (checking it as JSON) and the reader
//! then reads each entry again for its ID and time.
//!
//! The reader checks everything it passes over as strictly as serde_json
//! ([`Reader::skip`]); `errors` and `result_info` are decoded by serde_json from their own
//! text. Where the reader is not sure of anything (a field given twice, a value of another
//! type, an entry that is no object, a time in another form, nesting too deep, text that is
//! not UTF-8), it gives up, and the page is read the other way, which gives serde_json's
//! result or its error.

use bytes::Bytes;
use bytestring::ByteString;
use serde::de::DeserializeOwned;

use super::id_and_time::once;
use super::{Fail, Fast, Reader};
use crate::RawEntry;
use crate::raw_entry::RawPage;

/// The page `body`, its entries read out, or `None` where the reader gives up.
pub(crate) fn read_page<I: DeserializeOwned>(body: &Bytes) -> Option<RawPage<I, RawEntry>> {
    let text = ByteString::try_from(body.clone()).ok()?;
    let mut reader = Reader::new(&text);
    let page = read(&mut reader, &text).ok()?;
    reader.end().ok()?;
    Some(page)
}

fn read<I: DeserializeOwned>(
    reader: &mut Reader<'_>,
    body: &ByteString,
) -> Fast<RawPage<I, RawEntry>> {
    let mut success: Option<Option<bool>> = None;
    let mut errors: Option<Option<Vec<crate::ResponseMessage>>> = None;
    let mut result_info: Option<Option<I>> = None;
    let mut result: Option<Option<Vec<RawEntry>>> = None;
    reader.object(|reader, key| match &*key {
        "success" => once(&mut success, optional(reader, Reader::boolean)?),
        "errors" => once(&mut errors, reader.delegate()?),
        "result_info" => once(&mut result_info, reader.delegate()?),
        "result" => once(&mut result, optional(reader, |r| entries(r, body))?),
        _ => reader.skip(),
    })?;
    Ok(RawPage {
        success: success.flatten(),
        errors: errors.flatten().unwrap_or_default(),
        result_info: result_info.flatten(),
        entries: result.flatten().unwrap_or_default(),
    })
}

/// Each entry of a `result` array, its text a slice of `body`.
fn entries(reader: &mut Reader<'_>, body: &ByteString) -> Fast<Vec<RawEntry>> {
    let mut entries = Vec::new();
    reader.array(|reader| {
        let start = reader.position()?;
        let (id, time) = super::id_and_time::read(reader)?;
        let json = body.get(start..reader.offset()).ok_or(Fail)?;
        entries.push(RawEntry::new(body.slice_ref(json), id, time));
        Ok(())
    })?;
    Ok(entries)
}

/// `null`, or a value `read` reads.
fn optional<'a, T>(
    reader: &mut Reader<'a>,
    read: impl FnOnce(&mut Reader<'a>) -> Fast<T>,
) -> Fast<Option<T>> {
    if reader.null()? {
        return Ok(None);
    }
    read(reader).map(Some)
}
