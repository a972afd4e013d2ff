//! Cloudflare's response envelope: `success`, `errors`, `messages`, `result`, `result_info`.
//!
//! The generated code only looks at the HTTP status; a `success: false` inside a 2xx is an
//! error too, and this trait lets the transport tell.

use crate::generated::types::{
    AuditLogPage, AuditLogV2Page, InsightAuditLogPage, ProductCategoriesPage, ResponseMessage,
};

/// A decoded success body that may still report failure.
pub(crate) trait Envelope {
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
);
