//! [`FilterField`]: what each listing's filters type says of each of its filters
//! (`<Name>Filters::FIELDS`, emitted from the spec, and [`Filters`] over all of them), so that
//! a program can offer every filter (as flags, form fields, config keys) without a list of
//! its own.
//!
//! A filter has one name: its field, its setter, and its key in a serialized form a program
//! reads (a config file): `actor_email`, and for a negation (`action_type.not` on the wire)
//! `not_action_type`. When serialized, a negation is written under progenitor's name
//! (`action_type_not`), the form resume tokens' digests have always been computed from; both
//! are read.

/// One filter of a listing, as the spec declares it.
///
/// ```
/// use cloudflare_audit_logs::{AccountAuditLogsV2Filters, FilterValue};
///
/// let negation = AccountAuditLogsV2Filters::FIELDS
///     .iter()
///     .find(|f| f.wire == "action_type.not")
///     .unwrap();
/// assert_eq!(negation.name, "not_action_type");
/// assert!(negation.repeated && negation.negation());
/// assert_eq!(negation.value, FilterValue::Text);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilterField {
    /// The field's name in the filters type (and in its serde form).
    pub name: &'static str,
    /// The query parameter's name on the wire.
    pub wire: &'static str,
    /// What one value is.
    pub value: FilterValue,
    /// Whether the filter takes several values (sent as repeated keys).
    pub repeated: bool,
    /// Whether the API requires the filter (Audit Logs v2's `since` and `before`).
    pub required: bool,
}

impl FilterField {
    /// Whether the filter leaves out what it names (its wire name ends in `.not`).
    pub fn negation(&self) -> bool {
        self.wire.ends_with(".not")
    }

    /// The wire name of what the filter names: `action_type` for `action_type.not`.
    pub fn subject(&self) -> &'static str {
        self.wire.strip_suffix(".not").unwrap_or(self.wire)
    }
}

/// What one value of a filter is, as its serde form takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FilterValue {
    /// A string (also a value of an open enum, or an identifier).
    Text,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A moment or a date (RFC 3339).
    Time,
}

/// Every listing's filters type: the filters as data ([`FIELDS`](Self::FIELDS)), and serde
/// both ways, for programs that handle the filters of any listing alike.
///
/// ```
/// use cloudflare_audit_logs::{AuditLogsFilters, Filters, InsightsAuditLogFilters};
///
/// fn has_since<F: Filters>() -> bool {
///     F::FIELDS.iter().any(|f| f.name == "since")
/// }
/// assert!(has_since::<AuditLogsFilters>() && has_since::<InsightsAuditLogFilters>());
/// ```
pub trait Filters:
    Clone
    + std::fmt::Debug
    + Default
    + PartialEq
    + serde::Serialize
    + serde::de::DeserializeOwned
    + Send
    + Sync
    + 'static
{
    /// Every filter of the type.
    const FIELDS: &'static [FilterField];
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::AccountAuditLogsV2Filters;

    #[test]
    fn a_negation_has_one_name_and_keeps_its_serialized_form() {
        let filters = AccountAuditLogsV2Filters {
            not_actor_context: Some(vec!["dash".into()]),
            ..Default::default()
        };
        // The form resume-token digests are computed from is unchanged.
        let written = serde_json::to_value(&filters).unwrap();
        assert_eq!(written, serde_json::json!({"actor_context_not": ["dash"]}));
        for key in ["not_actor_context", "actor_context_not"] {
            let read: AccountAuditLogsV2Filters =
                serde_json::from_value(serde_json::json!({ key: ["dash"] })).unwrap();
            assert_eq!(read, filters, "{key}");
        }
        let field = AccountAuditLogsV2Filters::FIELDS
            .iter()
            .find(|f| f.wire == "actor_context.not")
            .unwrap();
        assert_eq!(field.name, "not_actor_context");
        let since = AccountAuditLogsV2Filters::FIELDS
            .iter()
            .find(|f| f.name == "since")
            .unwrap();
        assert!(since.required && !field.required);
    }
}
