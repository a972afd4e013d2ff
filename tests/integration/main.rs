//! The integration tests, in one binary, so that the crate is linked once rather than once
//! per file. Every test runs the client against a real local HTTP server.

mod common;

mod access_logs;
mod account_pagination;
mod account_prefetch;
mod audit_logs_v2;
mod client_config;
mod conformance;
mod deprecated_names;
mod early_cursor;
mod error_mapping;
mod faults;
mod insights_pagination;
mod lossless;
mod network_errors;
mod no_progress;
mod request_wire;
mod response_decoding;
mod secrets;
mod security;
mod v2_input_checks;
mod whole_logs;
