//! Typed entries decoded without serde's generic machinery where the text allows it.
//!
//! Decoding an entry through serde_json and serde's visitors costs about as much in the
//! visitors' layers as in reading the text. [`FastDecode`] reads an entry type straight from
//! its text with a [`Reader`]: the generated entry types get their reader from the code
//! generator (`codegen/fast.rs`, from the same fields as their serde decoder), and the field
//! types have theirs here. Strings with escapes are decoded here too (`escape`); a number or
//! a time in another form is decoded by serde_json from its own text.
//!
//! A listing's page is read the same way (`page`): in one pass, its `result_info` and each
//! entry's bytes, ID and time.
//!
//! The reader gives up ([`Fail`]) on anything it is not sure of: a duplicate field, a missing
//! required field, a value of another type, deep nesting, text after the entry, an object
//! that serde_json's `Value` reads as something else (its first key one of serde_json's
//! private tokens). The entry is then decoded by serde_json from the start, so a result is
//! always the one serde_json gives, and so is every error (the tests compare both on
//! thousands of texts).

mod escape;
mod id_and_time;
mod page;
#[cfg(any(test, fuzzing))]
pub(crate) mod page_check;
mod reader;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub(crate) use id_and_time::id_and_time;
pub(crate) use page::read_page;
pub use reader::{Fail, Fast, Reader};

/// A type read straight from JSON text (see the module's documentation). Implemented by the
/// crate's typed entries and their fields; not meant for other types.
pub trait FastDecode: Sized {
    /// Reads one value of this type, or gives up.
    fn read(reader: &mut Reader<'_>) -> Fast<Self>;
}

/// `text` decoded as a `T`: read directly when it can be, by serde_json otherwise (the same
/// value, or serde_json's own error).
pub(crate) fn decode<T: FastDecode + DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut reader = Reader::new(text);
    if let Ok(value) = T::read(&mut reader).and_then(|value| reader.end().map(|()| value)) {
        return Ok(value);
    }
    serde_json::from_str(text)
}

impl FastDecode for String {
    #[inline]
    fn read(reader: &mut Reader<'_>) -> Fast<Self> {
        reader.str().map(std::borrow::Cow::into_owned)
    }
}

impl FastDecode for bool {
    fn read(reader: &mut Reader<'_>) -> Fast<Self> {
        reader.boolean()
    }
}

impl FastDecode for i64 {
    fn read(reader: &mut Reader<'_>) -> Fast<Self> {
        reader.integer()
    }
}

impl FastDecode for uuid::Uuid {
    /// uuid's `Deserialize` parses the string with `Uuid::try_parse`, as this does.
    fn read(reader: &mut Reader<'_>) -> Fast<Self> {
        uuid::Uuid::try_parse(&reader.str()?).map_err(|_| Fail)
    }
}

impl FastDecode for DateTime<Utc> {
    /// Cloudflare's form directly; any other text is serde_json's and chrono's to judge.
    fn read(reader: &mut Reader<'_>) -> Fast<Self> {
        crate::decode_time::utc(reader.str()?.as_bytes()).ok_or(Fail)
    }
}

impl<T: FastDecode> FastDecode for Option<T> {
    /// `null` is `None`, as serde_json's `deserialize_option` has it.
    #[inline]
    fn read(reader: &mut Reader<'_>) -> Fast<Self> {
        if reader.null()? {
            return Ok(None);
        }
        T::read(reader).map(Some)
    }
}

impl<T: FastDecode> FastDecode for Vec<T> {
    fn read(reader: &mut Reader<'_>) -> Fast<Self> {
        let mut items = Vec::new();
        reader.array(|reader| {
            items.push(T::read(reader)?);
            Ok(())
        })?;
        Ok(items)
    }
}

impl FastDecode for Value {
    /// Numbers by serde_json (which keeps their text, `arbitrary_precision`).
    fn read(reader: &mut Reader<'_>) -> Fast<Self> {
        Ok(match reader.peek()? {
            b'"' => Value::String(String::read(reader)?),
            b'{' => Value::Object(object(reader, true)?),
            b'[' => Value::Array(Vec::read(reader)?),
            b't' | b'f' => Value::Bool(reader.boolean()?),
            b'n' => {
                reader.null()?;
                Value::Null
            }
            _ => reader.delegate()?,
        })
    }
}

/// serde_json's private tokens: its `Value` decodes an object whose first key is one of them
/// as something else (a number, or the JSON in the value's text), where its `Map` keeps the
/// key. Such a `Value` is left to serde_json.
const PRIVATE_TOKENS: [&str; 2] = [
    "$serde_json::private::Number",
    "$serde_json::private::RawValue",
];

/// An object's keys and values. For a `Value` (`in_value`), an object whose first key is a
/// private token is given up.
fn object(reader: &mut Reader<'_>, in_value: bool) -> Fast<Map<String, Value>> {
    let mut map = Map::new();
    reader.object(|reader, key| {
        if in_value && map.is_empty() && PRIVATE_TOKENS.contains(&&*key) {
            return Err(Fail);
        }
        let value = Value::read(reader)?;
        map.insert(key.into_owned(), value);
        Ok(())
    })?;
    Ok(map)
}

impl FastDecode for Map<String, Value> {
    /// A key given twice keeps its last value, as serde_json's `Map` does.
    fn read(reader: &mut Reader<'_>) -> Fast<Self> {
        object(reader, false)
    }
}

#[cfg(test)]
mod edge_tests;
#[cfg(test)]
mod page_tests;
#[cfg(test)]
mod tests;
