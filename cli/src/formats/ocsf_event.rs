//! [`OcsfEvent`]: what every OCSF record holds (class, activity, status, time, metadata, cloud,
//! the entry's text and its source), written straight to the output by serde rather than
//! built as a `serde_json::Value` tree first. The class's own fields ride along in
//! [`OcsfEvent::rest`].

use std::borrow::Cow;

/// The OCSF version the events follow.
pub const VERSION: &str = "1.5.0";

use chrono::{DateTime, Utc};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// One OCSF event (OCSF 1.5.0 with the `cloud` profile).
pub struct OcsfEvent<'a> {
    /// `class_uid` and `class_name`.
    pub class: (u32, &'static str),
    /// `category_uid` and `category_name`.
    pub category: (u32, &'static str),
    /// `activity_id` and `activity_name`.
    pub activity: (u32, Cow<'a, str>),
    /// `status_id` and `status`.
    pub status: (u32, Cow<'a, str>),
    /// `time`, in milliseconds since the epoch (0 when the entry has none).
    pub time: Option<DateTime<Utc>>,
    /// `metadata.product.name`.
    pub product: &'static str,
    /// `metadata.log_name`.
    pub log_name: &'a str,
    /// `metadata.uid`: the entry's ID, when it has one.
    pub uid: Option<Cow<'a, str>>,
    /// `cloud.account.uid`, when the account is known.
    pub account: Option<&'a str>,
    /// `unmapped.source`: which log of whose (see `Source::origin`).
    pub origin: &'a Value,
    /// `raw_data`: the entry's text as the server sent it.
    pub raw: &'a str,
    /// The class's own fields. Any of them named like a field above replaces it, except
    /// `unmapped`: an object there is merged into the event's `unmapped`.
    pub rest: Map<String, Value>,
}

/// `metadata`.
#[derive(serde::Serialize)]
struct Metadata<'a> {
    log_name: &'a str,
    product: Product,
    #[serde(skip_serializing_if = "Option::is_none")]
    uid: Option<&'a str>,
    version: &'static str,
}

#[derive(serde::Serialize)]
struct Product {
    name: &'static str,
    vendor_name: &'static str,
}

/// `cloud`.
#[derive(serde::Serialize)]
struct Cloud<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<Uid<'a>>,
    provider: &'static str,
}

#[derive(serde::Serialize)]
struct Uid<'a> {
    uid: &'a str,
}

/// `unmapped`: the source, then what the class adds.
struct Unmapped<'a> {
    origin: &'a Value,
    more: Option<&'a Map<String, Value>>,
}

impl Serialize for Unmapped<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let more = self.more.into_iter().flatten();
        let mut map = serializer.serialize_map(None)?;
        if !self.more.is_some_and(|more| more.contains_key("source")) {
            map.serialize_entry("source", self.origin)?;
        }
        for (key, value) in more {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl Serialize for OcsfEvent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (class_uid, class_name) = self.class;
        let (category_uid, category_name) = self.category;
        let (activity_id, activity_name) = (self.activity.0, &*self.activity.1);
        let (status_id, status) = (self.status.0, &*self.status.1);
        let unmapped = match self.rest.get("unmapped") {
            None => Some(None),
            Some(Value::Object(more)) => Some(Some(more)),
            // Not an object: the class's value stands in place of the event's.
            Some(_) => None,
        };
        let mut map = serializer.serialize_map(None)?;
        // A field of the event, unless the class's own fields replace it.
        macro_rules! entry {
            ($key:literal, $value:expr) => {
                if !self.rest.contains_key($key) {
                    map.serialize_entry($key, $value)?;
                }
            };
        }
        entry!("activity_id", &activity_id);
        entry!("activity_name", activity_name);
        entry!("category_name", category_name);
        entry!("category_uid", &category_uid);
        entry!("class_name", class_name);
        entry!("class_uid", &class_uid);
        let account = self.account.map(|uid| Uid { uid });
        let provider = "Cloudflare";
        entry!("cloud", &Cloud { account, provider });
        let product = Product {
            name: self.product,
            vendor_name: "Cloudflare",
        };
        let metadata = Metadata {
            log_name: self.log_name,
            product,
            uid: self.uid.as_deref(),
            version: VERSION,
        };
        entry!("metadata", &metadata);
        entry!("raw_data", self.raw);
        entry!("severity", "Informational");
        entry!("severity_id", &1u32);
        entry!("status", status);
        entry!("status_id", &status_id);
        entry!("time", &self.time.map_or(0, |t| t.timestamp_millis()));
        entry!("type_name", &format_args!("{class_name}: {activity_name}"));
        entry!("type_uid", &(class_uid * 100 + activity_id));
        if let Some(more) = unmapped {
            let origin = self.origin;
            map.serialize_entry("unmapped", &Unmapped { origin, more })?;
        }
        for (key, value) in &self.rest {
            if key != "unmapped" || unmapped.is_none() {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The keys of a JSON object's text, in order, duplicates included.
    fn keys(text: &str) -> Vec<String> {
        use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, IgnoredAny)) = map.next_entry()? {
                    keys.push(key);
                }
                Ok(keys)
            }
        }
        let mut deserializer = serde_json::Deserializer::from_str(text);
        (&mut deserializer)
            .deserialize_map(Keys)
            .expect("an object")
    }

    fn event<'a>(origin: &'a Value, rest: Map<String, Value>) -> OcsfEvent<'a> {
        OcsfEvent {
            class: (3002, "Authentication"),
            category: (3, "Identity & Access Management"),
            activity: (1, Cow::Borrowed("Logon")),
            status: (2, Cow::Borrowed("Failure")),
            time: Some("2026-01-02T03:04:05.678Z".parse().expect("a time")),
            product: "Cloudflare Access",
            log_name: "access",
            uid: Some(Cow::Borrowed("ray-1")),
            account: Some("acc"),
            origin,
            raw: r#"{"ray_id":"ray-1"}"#,
            rest,
        }
    }

    #[test]
    fn the_envelope_is_every_common_field_once() {
        let origin = json!({"log": "access", "account_id": "acc"});
        let text = serde_json::to_string(&event(&origin, Map::new())).expect("serialized");
        let value: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(
            value,
            json!({
                "activity_id": 1, "activity_name": "Logon",
                "category_name": "Identity & Access Management", "category_uid": 3,
                "class_name": "Authentication", "class_uid": 3002,
                "cloud": {"account": {"uid": "acc"}, "provider": "Cloudflare"},
                "metadata": {"log_name": "access", "uid": "ray-1", "version": VERSION,
                    "product": {"name": "Cloudflare Access", "vendor_name": "Cloudflare"}},
                "raw_data": r#"{"ray_id":"ray-1"}"#,
                "severity": "Informational", "severity_id": 1,
                "status": "Failure", "status_id": 2,
                "time": 1_767_323_045_678_i64,
                "type_name": "Authentication: Logon", "type_uid": 300_201,
                "unmapped": {"source": origin},
            })
        );
    }

    #[test]
    fn the_class_fields_replace_common_ones_and_join_unmapped() {
        let origin = json!({"log": "access"});
        let mut rest = Map::new();
        rest.insert("status".into(), json!("Other"));
        rest.insert("user".into(), json!({"name": "a"}));
        rest.insert("unmapped".into(), json!({"action": "sso"}));
        let text = serde_json::to_string(&event(&origin, rest)).expect("serialized");
        let mut written = keys(&text);
        let count = written.len();
        written.sort();
        written.dedup();
        assert_eq!(written.len(), count, "a key written twice: {text}");
        let value: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(value["status"], "Other");
        assert_eq!(value["user"], json!({"name": "a"}));
        assert_eq!(
            value["unmapped"],
            json!({"source": origin, "action": "sso"})
        );
        assert_eq!(
            value["cloud"],
            json!({"account": {"uid": "acc"}, "provider": "Cloudflare"})
        );

        let mut rest = Map::new();
        rest.insert("unmapped".into(), json!("not an object"));
        let text = serde_json::to_string(&event(&origin, rest)).expect("serialized");
        assert_eq!(keys(&text).iter().filter(|k| *k == "unmapped").count(), 1);
        let value: Value = serde_json::from_str(&text).expect("JSON");
        assert_eq!(value["unmapped"], "not an object");
    }
}
