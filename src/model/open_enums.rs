//! Enums the server sends, open to values this version does not know.
//!
//! The generator makes closed enums, and one value Cloudflare adds tomorrow would then fail
//! the whole page that carries it. These hand-written types replace the generated ones
//! (through progenitor's `with_replacement`), so an unknown value decodes as `Unknown(value)`
//! and serializes back unchanged. Enums the caller sends (such as [`FieldChanged`]) stay closed,
//! except the Audit Logs v2 filters, which take these open types (and so any string) because
//! their values are the same sets the server sends.
//!
//! [`FieldChanged`]: crate::FieldChanged

use std::fmt;
use std::str::FromStr;

/// Reads one open enum from a string.
struct OpenEnumVisitor<T>(std::marker::PhantomData<T>);

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )+
            /// A value this version of the crate does not know, kept as the server sent it.
            #[serde(untagged)]
            Unknown(String),
        }

        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(other) => other,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Any text: a known value, or `Unknown` (so request filters take strings).
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        /// Any text, its allocation kept for `Unknown`.
        impl From<String> for $name {
            fn from(value: String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        /// A string, read in place: a known value allocates nothing (serde's derive for an
        /// enum with an untagged variant buffers every value first).
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(OpenEnumVisitor::<$name>(std::marker::PhantomData))
            }
        }


        impl<'de> serde::de::Visitor<'de> for OpenEnumVisitor<$name> {
            type Value = $name;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!("a string (", stringify!($name), ")"))
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<$name, E> {
                Ok($name::from(value))
            }

            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<$name, E> {
                Ok($name::from(value))
            }
        }
    };
}

open_enum! {
    /// The kind of actor behind an account audit log entry.
    ///
    /// ```
    /// use cloudflare_audit_logs::ActorType;
    /// let known: ActorType = serde_json::from_str(r#""Cloudflare""#)?;
    /// assert_eq!(known, ActorType::Cloudflare);
    /// let new: ActorType = serde_json::from_str(r#""api_token""#)?;
    /// assert_eq!(new, ActorType::Unknown("api_token".into()));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ActorType {
        /// A user of the account.
        User = "user",
        /// A Cloudflare administrator.
        Admin = "admin",
        /// Cloudflare itself (an automated system).
        Cloudflare = "Cloudflare",
    }
}

open_enum! {
    /// The insight field an insights audit log entry changed.
    ///
    /// This is the open twin of the request filter [`FieldChanged`](crate::FieldChanged); the
    /// two compare equal where they name the same field.
    ///
    /// ```
    /// use cloudflare_audit_logs::{ChangedField, FieldChanged};
    /// let field: ChangedField = serde_json::from_str(r#""severity""#)?;
    /// assert_eq!(field.as_str(), "severity");
    /// assert_eq!(ChangedField::Status, FieldChanged::Status);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ChangedField {
        /// The insight's status.
        Status = "status",
        /// The classification a user gave the insight.
        UserClassification = "user_classification",
    }
}

impl From<crate::FieldChanged> for ChangedField {
    fn from(value: crate::FieldChanged) -> Self {
        match value {
            crate::FieldChanged::Status => Self::Status,
            crate::FieldChanged::UserClassification => Self::UserClassification,
        }
    }
}

impl PartialEq<crate::FieldChanged> for ChangedField {
    fn eq(&self, other: &crate::FieldChanged) -> bool {
        matches!(
            (self, other),
            (ChangedField::Status, crate::FieldChanged::Status)
                | (
                    ChangedField::UserClassification,
                    crate::FieldChanged::UserClassification
                )
        )
    }
}

open_enum! {
    /// Whether an Audit Logs v2 action succeeded.
    ///
    /// ```
    /// use cloudflare_audit_logs::ActionResult;
    /// assert_eq!(ActionResult::from("failure"), ActionResult::Failure);
    /// ```
    ActionResult {
        /// It succeeded.
        Success = "success",
        /// It failed.
        Failure = "failure",
    }
}

open_enum! {
    /// The kind of an Audit Logs v2 action.
    ///
    /// ```
    /// use cloudflare_audit_logs::ActionType;
    /// assert_eq!(ActionType::from("view"), ActionType::View);
    /// assert_eq!(ActionType::from("purge").as_str(), "purge");
    /// ```
    ActionType {
        /// Something was created.
        Create = "create",
        /// Something was deleted.
        Delete = "delete",
        /// Something was looked at.
        View = "view",
        /// Something was changed.
        Update = "update",
    }
}

open_enum! {
    /// How an Audit Logs v2 actor reached Cloudflare. `api` came in 2026 and broke strict
    /// clients; what comes next decodes as `Unknown`.
    ///
    /// ```
    /// use cloudflare_audit_logs::ActorContext;
    /// let context: ActorContext = serde_json::from_str(r#""api""#)?;
    /// assert_eq!(context, ActorContext::Api);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    ActorContext {
        /// The API, without a further distinction.
        Api = "api",
        /// A Global API key.
        ApiKey = "api_key",
        /// An API token.
        ApiToken = "api_token",
        /// The dashboard.
        Dash = "dash",
        /// An OAuth application.
        Oauth = "oauth",
        /// An Origin CA key.
        OriginCaKey = "origin_ca_key",
    }
}

open_enum! {
    /// The kind of actor behind an Audit Logs v2 entry.
    ///
    /// ```
    /// use cloudflare_audit_logs::V2ActorType;
    /// assert_eq!(V2ActorType::from("system"), V2ActorType::System);
    /// ```
    V2ActorType {
        /// An account.
        Account = "account",
        /// A Cloudflare administrator.
        CloudflareAdmin = "cloudflare_admin",
        /// A service acting on delegation.
        DelegatedService = "delegated_service",
        /// Cloudflare's systems.
        System = "system",
        /// A user.
        User = "user",
    }
}

open_enum! {
    /// The scope of the resource an Audit Logs v2 action changed.
    ///
    /// ```
    /// use cloudflare_audit_logs::ResourceScope;
    /// assert_eq!(ResourceScope::from("zones"), ResourceScope::Zones);
    /// ```
    ResourceScope {
        /// An account.
        Accounts = "accounts",
        /// A user.
        User = "user",
        /// A zone.
        Zones = "zones",
        /// A membership.
        Memberships = "memberships",
    }
}

open_enum! {
    /// How the resource of a history was identified.
    ///
    /// ```
    /// use cloudflare_audit_logs::HistoryStatus;
    /// assert_eq!(HistoryStatus::from("approximate"), HistoryStatus::Approximate);
    /// ```
    HistoryStatus {
        /// By its URI.
        Exact = "exact",
        /// Without its URI.
        Approximate = "approximate",
        /// Not at all: the history is empty.
        Unavailable = "unavailable",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use crate::{ActorType, ChangedField};

    #[test]
    fn known_unknown_and_escaped_values_decode_and_serialize_back_unchanged() {
        let known: ActorType = serde_json::from_str(r#""user""#).unwrap();
        assert_eq!(known, ActorType::User);
        let unknown: ActorType = serde_json::from_str(r#""robot""#).unwrap();
        assert_eq!(unknown, ActorType::Unknown("robot".into()));
        assert_eq!(serde_json::to_string(&unknown).unwrap(), r#""robot""#);
        // An escaped string is read into an owned buffer: known or not, it is the same value.
        let escaped: ActorType = serde_json::from_str(r#""us\u0065r""#).unwrap();
        assert_eq!(escaped, ActorType::User);
        let from_value: ChangedField =
            serde_json::from_value(serde_json::json!("priority")).unwrap();
        assert_eq!(from_value.as_str(), "priority");
    }

    #[test]
    fn a_value_that_is_no_string_is_refused_with_the_type_named() {
        let error = serde_json::from_str::<ActorType>("7").expect_err("a number");
        assert!(
            error.to_string().contains("a string (ActorType)"),
            "{error}"
        );
    }
}
