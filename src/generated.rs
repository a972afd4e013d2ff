//! The client generated from `openapi/cloudflare-audit-logs.yaml` at build time, for anything
//! the listings do not cover ([`Client::generated`](crate::Client::generated) hands it out),
//! and every type the generator makes ([`types`]): the entries and filters (also at the
//! crate's root) and the support types (page envelopes, result infos, identifiers, builders).
//!
//! Nothing here is written by hand: `build.rs` runs progenitor over the spec on every build
//! (`cargo xtask codegen` prints the same code for review). Its requests carry the same
//! credentials and pass through the same execution seam
//! ([`Transport`](crate::Transport)).
#![allow(
    missing_docs,
    unused_imports,
    dead_code,
    clippy::all,
    clippy::unwrap_used,
    clippy::expect_used
)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
