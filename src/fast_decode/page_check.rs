//! The check that the page tests and the fuzzer make: a page read in one pass is the page
//! serde_json splits, each entry then read for its ID and time (what `call_page` does where
//! the one pass gives up).

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::RawEntry;
use crate::raw_entry::{read_page, read_page_entry};

/// A page's `success`, `errors`, `result_info` and entries.
pub(crate) type Parts<I> = (
    Option<bool>,
    Vec<crate::ResponseMessage>,
    Option<I>,
    Vec<RawEntry>,
);

/// The page as serde_json splits it, each entry read after.
pub(crate) fn split<I: DeserializeOwned>(body: &Bytes) -> Result<Parts<I>, serde_json::Error> {
    let page = read_page::<I>(body)?;
    let entries = page
        .entries
        .into_iter()
        .map(read_page_entry)
        .collect::<Result<_, _>>()?;
    Ok((page.success, page.errors, page.result_info, entries))
}

/// Whether the one pass read `body` (`Ok(true)`), gave up (`Ok(false)`), or read it
/// otherwise than serde_json (`Err`, saying how).
pub(crate) fn agree<I: DeserializeOwned + PartialEq + std::fmt::Debug>(
    body: &Bytes,
) -> Result<bool, String> {
    let Some(fast) = super::read_page::<I>(body) else {
        return Ok(false);
    };
    let fast = (fast.success, fast.errors, fast.result_info, fast.entries);
    let expected =
        split::<I>(body).map_err(|e| format!("read in one pass what serde_json refuses ({e})"))?;
    if fast != expected {
        return Err(format!("{fast:?} against {expected:?}"));
    }
    for entry in &fast.3 {
        serde_json::from_str::<serde::de::IgnoredAny>(entry.json())
            .map_err(|e| format!("an entry that is not JSON ({e}): {}", entry.json()))?;
    }
    Ok(true)
}

/// [`agree`] for the `result_info` of every listing; a panic says where they differ.
#[cfg(fuzzing)]
pub fn check(body: &[u8]) {
    use crate::{CursorResultInfo, PageResultInfo, V2ResultInfo};
    let body = Bytes::copy_from_slice(body);
    for outcome in [
        agree::<PageResultInfo>(&body),
        agree::<V2ResultInfo>(&body),
        agree::<CursorResultInfo>(&body),
    ] {
        if let Err(difference) = outcome {
            panic!("{difference}: {}", String::from_utf8_lossy(&body));
        }
    }
}
