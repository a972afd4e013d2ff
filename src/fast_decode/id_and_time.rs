//! An entry's ID and time (what [`RawEntry`](crate::RawEntry) reads out of every entry of a
//! page) read with the [`Reader`], passing over every other field.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use super::{Fail, Fast, FastDecode, Reader};

/// An entry's ID and time, as [`RawEntry`](crate::RawEntry) holds them.
pub(crate) type IdAndTime = (Option<String>, Option<DateTime<Utc>>);

/// The ID (`id`, else `ray_id`) and time (`when`, `changed_at`, `action.time`, `created_at`,
/// `logged_at`, the first that is set) of the entry `text`, which serde_json has already
/// checked as JSON (an entry of a page it split). `None` where the reader is not sure (a
/// field given twice, a value of another type, a time in another form): serde_json then
/// decides, as it does for a saved entry.
pub(crate) fn id_and_time(text: &str) -> Option<IdAndTime> {
    let mut reader = Reader::new(text);
    let read = read(&mut reader).ok()?;
    reader.end().ok()?;
    Some(read)
}

/// The ID and time of the entry (an object) that `reader` is at, passing over the rest of
/// it as [`Reader::skip`] does.
pub(crate) fn read(reader: &mut Reader<'_>) -> Fast<IdAndTime> {
    let (mut id, mut ray_id) = (None, None);
    let [mut when, mut changed_at, mut created_at, mut logged_at] = [None; 4];
    let mut action = None;
    reader.object(|reader, key| match &*key {
        "id" => once(&mut id, optional_str(reader)?),
        "ray_id" => once(&mut ray_id, optional_str(reader)?),
        "when" => once(&mut when, Option::read(reader)?),
        "changed_at" => once(&mut changed_at, Option::read(reader)?),
        "created_at" => once(&mut created_at, Option::read(reader)?),
        "logged_at" => once(&mut logged_at, Option::read(reader)?),
        "action" => once(&mut action, action_time(reader)?),
        _ => reader.skip(),
    })?;
    let time = [when, changed_at, action, created_at, logged_at]
        .into_iter()
        .find_map(Option::flatten);
    let id = id.flatten().or(ray_id.flatten()).map(Cow::into_owned);
    Ok((id, time))
}

/// A field seen for the first time; a second one is serde's error.
pub(super) fn once<T>(slot: &mut Option<T>, value: T) -> Fast<()> {
    if slot.is_some() {
        return Err(Fail);
    }
    *slot = Some(value);
    Ok(())
}

fn optional_str<'a>(reader: &mut Reader<'a>) -> Fast<Option<Cow<'a, str>>> {
    if reader.null()? {
        return Ok(None);
    }
    reader.str().map(Some)
}

/// The `time` of an `action` object (the last one given, as serde's reader keeps it); no time
/// for an `action` of another kind (the Access logs' `action` is a word).
fn action_time(reader: &mut Reader<'_>) -> Fast<Option<DateTime<Utc>>> {
    if reader.peek()? != b'{' {
        return reader.skip().map(|()| None);
    }
    let mut time = None;
    reader.object(|reader, key| {
        if key == "time" {
            time = Option::read(reader)?;
            return Ok(());
        }
        reader.skip()
    })?;
    Ok(time)
}
