//! Names of earlier releases, kept for one release: each says what replaced it.

/// The generated client, now [`crate::generated`] (one meaning for "raw": an entry's bytes).
#[deprecated(since = "0.2.0", note = "renamed `cloudflare_audit_logs::generated`")]
pub mod raw {
    pub use crate::generated::{ByteStream, Client, ClientInfo, Error, ResponseValue, builder};
    pub use crate::http::transport::Transport;

    /// The builders of the response types (`AuditLog::builder()`), generated.
    pub mod types {
        pub use crate::generated::types::builder::*;
        pub use crate::generated::types::error::ConversionError;
    }
}

macro_rules! moved {
    ($($name:ident),+ $(,)?) => {$(
        #[doc = concat!("Now [`generated::types::", stringify!($name), "`](crate::generated::types::", stringify!($name), ").")]
        #[deprecated(since = "0.2.0", note = "a generated support type: use it from `cloudflare_audit_logs::generated::types`")]
        pub type $name = crate::generated::types::$name;
    )+};
}

moved!(
    AccessRequestPage,
    AuditLogEntryId,
    AuditLogPage,
    AuditLogV2Page,
    CursorResultInfo,
    ErrorEnvelope,
    Identifier,
    InsightAuditLogPage,
    IssueId,
    OrganizationIdentifier,
    PageResultInfo,
    ProductCategoriesPage,
    ScimUpdatePage,
    V2ResultInfo,
    V2ResultInfoCursors,
);
