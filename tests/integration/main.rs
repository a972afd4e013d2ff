//! The integration tests, in one binary, so that the crate is linked once rather than once
//! per file. Every test runs the client against a real local HTTP server.

mod common;

// The export example's modules, which the export and parity tests drive.
#[path = "../../examples/export/checkpoint.rs"]
mod checkpoint;
#[path = "../../examples/export/demo.rs"]
mod demo;
#[path = "../../examples/export/exporter.rs"]
mod exporter;
#[path = "../../examples/export/records.rs"]
mod records;
#[path = "../../examples/export/sink.rs"]
#[allow(dead_code)] // standard output is the example's own concern
mod sink;

mod account_pagination;
mod audit_logs_v2;
mod client_config;
mod conformance;
mod error_mapping;
mod export;
mod faults;
mod insights_pagination;
mod parity;
mod request_wire;
mod response_decoding;
mod secrets;
mod security;
