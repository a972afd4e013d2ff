//! Cloudflare's response envelope: `success`, `errors`, `messages`, `result`, `result_info`.
//!
//! The generated code only looks at the HTTP status; a `success: false` inside a 2xx is an
//! error too, and this trait lets the transport tell.

use crate::generated::types::{
    AccessRequest, AccessRequestPage, AuditLog, AuditLogPage, AuditLogV2, AuditLogV2Page,
    CursorResultInfo, InsightAuditLog, InsightAuditLogPage, PageResultInfo, ProductCategoriesPage,
    ResponseMessage, ScimUpdate, ScimUpdatePage, V2ResultInfo,
};

/// A decoded success body that may still report failure.
pub trait Envelope {
    /// What `success` says.
    fn succeeded(&self) -> bool;
    /// Cloudflare's `errors[]`, taken out.
    fn take_errors(&mut self) -> Vec<ResponseMessage>;
}

macro_rules! envelope {
    ($($page:ty => |$body:ident| $success:expr),+ $(,)?) => {$(
        impl Envelope for $page {
            fn succeeded(&self) -> bool {
                let $body = self;
                $success
            }

            fn take_errors(&mut self) -> Vec<ResponseMessage> {
                self.errors.take().unwrap_or_default()
            }
        }
    )+};
}

envelope!(
    // Upstream lets an account audit log page leave `success` out: a 2xx without it is a
    // success, and only `success: false` is a failure.
    AuditLogPage => |page| page.success != Some(false),
    InsightAuditLogPage => |page| page.success,
    AuditLogV2Page => |page| page.success,
    ProductCategoriesPage => |page| page.success,
    // The Access logs' envelope is read as the SDK reads it (`result`); only `success: false`
    // is a failure.
    AccessRequestPage => |page| page.success != Some(false),
    ScimUpdatePage => |page| page.success != Some(false),
);

/// A listing's page type: what its `result_info` and entries are, and what `success` must
/// say when the page is read without decoding its entries.
pub trait PageParts: Envelope + Send + 'static {
    /// Its `result_info`.
    type Info: serde::de::DeserializeOwned + Send + 'static;
    /// One entry of its `result`.
    type Entry;
    /// Whether a page whose `success` is this succeeded (as [`Envelope::succeeded`]).
    fn raw_succeeded(success: Option<bool>) -> bool;
}

macro_rules! parts {
    ($($page:ty => $info:ty, $entry:ty, |$success:ident| $succeeded:expr),+ $(,)?) => {$(
        impl PageParts for $page {
            type Info = $info;
            type Entry = $entry;
            fn raw_succeeded($success: Option<bool>) -> bool {
                $succeeded
            }
        }
    )+};
}

parts!(
    AuditLogPage => PageResultInfo, AuditLog, |success| success != Some(false),
    InsightAuditLogPage => CursorResultInfo, InsightAuditLog, |success| success == Some(true),
    AuditLogV2Page => V2ResultInfo, AuditLogV2, |success| success == Some(true),
    AccessRequestPage => PageResultInfo, AccessRequest, |success| success != Some(false),
    ScimUpdatePage => PageResultInfo, ScimUpdate, |success| success != Some(false),
);
