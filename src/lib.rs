//! Typed, streaming access to Cloudflare's audit logs.
//!
//! Every audit log Cloudflare publishes is covered:
//!
//! - the v1 **account** and **user audit logs** (`GET /accounts/{account_id}/audit_logs`,
//!   `GET /user/audit_logs`), numbered pages, via [`Client::account_audit_logs`] and
//!   [`Client::user_audit_logs`];
//! - **Audit Logs v2** of an account or an organization (`GET …/logs/audit`), cursor pages,
//!   via [`Client::account_audit_logs_v2`] and [`Client::organization_audit_logs_v2`], with a
//!   resource's history ([`Client::account_audit_log_history`],
//!   [`Client::organization_audit_log_history`]) and the product categories
//!   ([`Client::account_audit_log_product_categories`]);
//! - the **Security Center insights audit log** of an account or a zone
//!   (`GET /{accounts|zones}/{id}/security-center/insights/audit-log`), cursor pages, via
//!   [`Client::insights_audit_log`].
//!
//! Each hands out every entry as a [`futures::Stream`], in the server's order, with stop rules
//! and loop guards so that an entry is never skipped or repeated, and errors that keep the
//! HTTP status, Cloudflare's error codes and the `cf-ray` header. The v1 logs keep up to
//! [`DEFAULT_CONCURRENCY`] pages in flight (see [`AuditLogsRequest::concurrency`]); the cursor
//! logs fetch the next page while the caller works through the current one.
//!
//! ```no_run
//! use cloudflare_audit_logs::{Client, Credentials, Direction, FieldChanged, Order, InsightsScope};
//! use futures::TryStreamExt;
//!
//! # async fn run() -> Result<(), cloudflare_audit_logs::Error> {
//! let since = chrono::Utc::now() - chrono::Duration::days(7);
//! let client = Client::builder()
//!     .credentials(Credentials::api_token("..."))
//!     .base_url("http://127.0.0.1:8080/client/v4") // default https://api.cloudflare.com/client/v4
//!     .build()?;
//!
//! // Account audit logs: every filter is a typed setter.
//! let logs: Vec<_> = client
//!     .account_audit_logs("023e105f4ecef8ad9ca31a8372d0c353")
//!     .since(since)
//!     .direction(Direction::Asc)
//!     .actor_email("a@example.com")
//!     .per_page(1000)
//!     .stream()
//!     .try_collect()
//!     .await?;
//!
//! // Insights audit log of a zone (or `InsightsScope::Account`).
//! let mut entries = client
//!     .insights_audit_log(InsightsScope::Zone("9a7806061c88ada191ed06f989cc3dac".into()))
//!     .field_changed(FieldChanged::Status)
//!     .order(Order::Asc)
//!     .per_page(500)
//!     .stream();
//! while let Some(entry) = entries.try_next().await? {
//!     println!("{:?}", entry.field_changed);
//! }
//! # Ok(()) }
//! ```
//!
//! The request and response types are generated at build time from the OpenAPI document in
//! `openapi/` (the generated client itself is [`generated::Client`]); this crate adds
//! authentication, pagination and errors. At the root: the client, each listing's request,
//! the entries and filters, the paging types and the errors. Everything else the generator
//! makes (page envelopes, result infos, identifiers, builders) is under [`generated`].

#![forbid(unsafe_code)]
// Every example in the documentation and the README compiles without a warning (examples
// may leave a function uncalled or a value unused).
#![doc(test(attr(deny(warnings), allow(dead_code, unused_variables))))]
// Data from outside (the server, the caller, the environment) never meets an unwrap.
#![warn(clippy::unwrap_used, clippy::expect_used)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod client_builder;
mod error;
pub mod generated;
pub mod guides;
mod http;
pub mod listings;
mod model;
mod paging;

pub use client::Client;
pub use client_builder::{
    ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_READ_TIMEOUT, DEFAULT_TIMEOUT, ENV_BASE_URL, http_client_builder,
};
pub use error::{
    ApiError, DecodeError, Error, PaginationError, RateLimited, TimeoutKind, TransportError,
};
// The entries' and the filters' types, generated: whatever the spec's listings bring.
pub use generated::entries::*;
pub use generated::query::*;
// What Cloudflare's `errors` and `messages` hold (in [`ApiError`]).
pub use generated::types::{MessageSource, ResponseMessage};
pub use http::credentials::{Credentials, CredentialsError, ENV_API_KEY, ENV_API_TOKEN, ENV_EMAIL};
pub use http::rate_limit::RateLimit;
pub use http::retry::RetryPolicy;
pub use http::retry_event::RetryEvent;
pub use http::transport::{ClientStats, DEFAULT_USER_AGENT, Transport};
pub use http::validate::MAX_PER_PAGE;
pub use listings::access_authentication_logs::AccessAuthenticationLogsRequest;
pub use listings::access_scim_update_logs::AccessScimUpdateLogsRequest;
pub use listings::audit_log_history::AuditLogHistoryRequest;
pub use listings::audit_logs::{AuditLogsRequest, DEFAULT_CONCURRENCY};
pub use listings::audit_logs_v2::{
    AccountAuditLogsV2Request, OrganizationAuditLogsV2Request, ProductCategoriesRequest,
};
pub use listings::insights::{InsightsAuditLogRequest, InsightsScope};
pub use model::filter_field::{FilterField, FilterValue, Filters};
pub use model::open_enums::{
    ActionResult, ActionType, ActorContext, ActorType, ChangedField, HistoryStatus, ResourceScope,
    V2ActorType,
};
pub use model::raw_entry::RawEntry;
pub use model::time_bound::TimeBound;
pub use paging::page::{Entries, HistoryInfo, NumberedInfo, Page, Pages, ResumeToken};
pub use paging::recent::DEFAULT_MAX_PAGES_WITHOUT_PROGRESS;
pub use paging::request::Request;

#[allow(deprecated)]
pub use deprecated::*;
mod deprecated;

/// The result of this crate's calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The README's examples, compiled as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
