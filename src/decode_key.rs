//! An object key as the generated decoders of types that keep unknown fields read it
//! (`codegen/lossless.rs`): borrowed from the input where it can be, owned only when it
//! holds escapes or the input cannot lend it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Visitor};

/// One object key.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    /// The key's text.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string (for an unknown field's place in `extra`).
    pub(crate) fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use crate::{AuditLog, AuditLogV2};

    #[test]
    fn known_fields_unknown_fields_escapes_and_duplicates() {
        let text = r#"{"id":"e1","newValue":"low","x\u0041":1,"act\u0069on":{"type":"t","q":[1]},"when":null}"#;
        let entry: AuditLog = serde_json::from_str(text).expect("decodes");
        assert_eq!(entry.id.as_deref(), Some("e1"));
        assert_eq!(entry.new_value, Some(serde_json::json!("low")));
        assert_eq!(entry.extra["xA"], serde_json::json!(1));
        let action = entry.action.expect("an escaped known key is still known");
        assert_eq!(action.type_.as_deref(), Some("t"));
        assert_eq!(action.extra["q"], serde_json::json!([1]));
        assert_eq!(entry.when, None);
        // The same from bytes (keys that cannot be borrowed).
        let again: AuditLog = serde_json::from_value(serde_json::from_str(text).expect("json"))
            .expect("decodes from a value");
        assert_eq!(
            again,
            serde_json::from_str::<AuditLog>(text).expect("decodes")
        );

        let twice = serde_json::from_str::<AuditLogV2>(r#"{"id":"a","id":"b"}"#)
            .expect_err("a field given twice is refused");
        assert!(
            twice.to_string().contains("duplicate field `id`"),
            "{twice}"
        );
        let not_object = serde_json::from_str::<AuditLogV2>("[1]").expect_err("an array");
        assert!(
            not_object.to_string().contains("AuditLogV2"),
            "{not_object}"
        );
    }
}
