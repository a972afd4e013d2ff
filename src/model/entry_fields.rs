//! Where an entry's ID and time are ([`EntryFields`], generated from the entry schema's
//! `x-entry-id` and `x-entry-time`), and both read in one pass over the entry's text with
//! serde, everything else skipped.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};

/// Where in an entry of one listing its ID and its time are, as paths of object keys (an
/// empty ID path: the entry has no ID).
#[derive(Clone, Copy, Debug)]
pub struct EntryFields {
    pub id: &'static [&'static str],
    pub time: &'static [&'static str],
}

impl EntryFields {
    /// The entry's ID and time, when it has them: `None` when a key is missing, its value
    /// `null`, or a value on the way is no object. A key on the way given twice is an error,
    /// as in the typed entries; so is an entry that is no object, and a time that is none.
    pub(crate) fn read(
        &self,
        text: &str,
    ) -> Result<(Option<String>, Option<DateTime<Utc>>), serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let wanted = Wanted {
            id: (!self.id.is_empty()).then_some(self.id),
            time: (!self.time.is_empty()).then_some(self.time),
            top: true,
        };
        let found = wanted.deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok((found.id, found.time))
    }
}

/// What the pass looks for under one value: the rest of the ID's path and of the time's
/// (`None`: not under this value; empty: this value is it).
#[derive(Clone, Copy)]
struct Wanted {
    id: Option<&'static [&'static str]>,
    time: Option<&'static [&'static str]>,
    /// The entry itself, which must be an object.
    top: bool,
}

#[derive(Default)]
struct Found {
    id: Option<String>,
    time: Option<DateTime<Utc>>,
}

impl<'de> DeserializeSeed<'de> for Wanted {
    type Value = Found;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Found, D::Error> {
        use serde::Deserialize;
        let here = |path: Option<&[&str]>| path.is_some_and(<[&str]>::is_empty);
        match (here(self.id), here(self.time)) {
            (false, false) => d.deserialize_any(self),
            (true, false) => Ok(Found {
                id: Option::<Cow<'de, str>>::deserialize(d)?.map(Cow::into_owned),
                time: None,
            }),
            (false, true) => Ok(Found {
                id: None,
                time: Option::<DateTime<Utc>>::deserialize(d)?,
            }),
            // One field that is both: its text, read as a time too.
            (true, true) => {
                let text = Option::<Cow<'de, str>>::deserialize(d)?;
                let time = match text.as_deref() {
                    Some(text) => Some(text.parse().map_err(de::Error::custom)?),
                    None => None,
                };
                Ok(Found {
                    id: text.map(Cow::into_owned),
                    time,
                })
            }
        }
    }
}

impl<'de> Visitor<'de> for Wanted {
    type Value = Found;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(if self.top {
            "an entry (an object)"
        } else {
            "any value"
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found, A::Error> {
        let under = |path: Option<&'static [&'static str]>, key: &str| {
            path.and_then(|p| p.split_first())
                .filter(|(first, _)| **first == key)
                .map(|(_, rest)| rest)
        };
        let mut found = Found::default();
        let (mut id_seen, mut time_seen) = (false, false);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let (id, time) = (under(self.id, &key), under(self.time, &key));
            if id.is_none() && time.is_none() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if (id.is_some() && id_seen) || (time.is_some() && time_seen) {
                let name = self
                    .id
                    .into_iter()
                    .chain(self.time)
                    .flatten()
                    .find(|k| **k == key);
                return Err(de::Error::duplicate_field(
                    name.copied().unwrap_or("a field"),
                ));
            }
            let seed = Wanted {
                id,
                time,
                top: false,
            };
            let value = map.next_value_seed(seed)?;
            if id.is_some() {
                id_seen = true;
                found.id = value.id;
            }
            if time.is_some() {
                time_seen = true;
                found.time = value.time;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Found, A::Error> {
        if self.top {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self));
        }
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Found::default())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Found, E> {
        self.scalar(Unexpected::Str(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Found, E> {
        self.scalar(Unexpected::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Found, E> {
        self.scalar(Unexpected::Signed(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Found, E> {
        self.scalar(Unexpected::Unsigned(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Found, E> {
        self.scalar(Unexpected::Float(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Found, E> {
        self.scalar(Unexpected::Unit)
    }
}

impl Wanted {
    /// A value that is no object: nothing below it (the entry itself must be one).
    fn scalar<E: de::Error>(self, what: Unexpected<'_>) -> Result<Found, E> {
        if self.top {
            return Err(E::invalid_type(what, &self));
        }
        Ok(Found::default())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::EntryFields;

    const V2: EntryFields = EntryFields {
        id: &["id"],
        time: &["action", "time"],
    };

    #[test]
    fn the_id_and_a_nested_time_in_one_pass() {
        let (id, time) = V2
            .read(r#"{"x":[1,{"time":"no"}],"action":{"type":"a","time":"2026-01-02T03:04:05Z"},"id":"e1"}"#)
            .unwrap();
        assert_eq!(id.as_deref(), Some("e1"));
        assert_eq!(time.unwrap().to_rfc3339(), "2026-01-02T03:04:05+00:00");
        // A missing or null field, or a path through a non-object, is nothing.
        assert_eq!(
            V2.read(r#"{"action":"login","id":null}"#).unwrap(),
            (None, None)
        );
        // A field given twice, a bad time, an entry that is no object: errors.
        assert!(V2.read(r#"{"id":"a","id":"b"}"#).is_err());
        assert!(V2.read(r#"{"action":{"time":"x"}}"#).is_err());
        assert!(V2.read(r#"[1]"#).is_err());
        assert!(V2.read(r#""text""#).is_err());
    }
}
