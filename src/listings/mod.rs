//! The listings, one file each: what each paginated listing is, the `L` of its
//! [`Request<L>`](crate::Request). Each one's request has a name of its own
//! ([`AuditLogsRequest`](crate::AuditLogsRequest) and so on), which is what code usually
//! writes; these types are for code generic over listings.
//!
//! A listing's file holds its request's name, its identifiers and checks, and how one page
//! is fetched; everything else (filters, paging, retries, streams) is shared.

pub(crate) mod access_authentication_logs;
pub(crate) mod access_scim_update_logs;
pub(crate) mod audit_log_history;
pub(crate) mod audit_logs;
pub(crate) mod audit_logs_v2;
pub(crate) mod insights;

pub use crate::paging::listing::Listing;

pub use access_authentication_logs::AccessAuthenticationLogs;
pub use access_scim_update_logs::AccessScimUpdateLogs;
pub use audit_log_history::AuditLogHistory;
pub use audit_logs::AuditLogs;
pub use audit_logs_v2::{
    AccountAuditLogsV2, AuditLogsV2, OfAccount, OfOrganization, OrganizationAuditLogsV2,
};
pub use insights::InsightsAuditLog;
