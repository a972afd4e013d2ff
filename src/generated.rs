//! The client generated from `openapi/cloudflare-audit-logs.yaml` at build time.
//!
//! Nothing here is written by hand: `build.rs` runs progenitor over the spec on every build
//! (`cargo xtask codegen` prints the same code for review). Reach it through
//! [`Client::generated`](crate::Client::generated) for anything the wrapper does not cover;
//! its requests carry the same credentials and pass through the same execution seam.
#![allow(
    missing_docs,
    unused_imports,
    dead_code,
    clippy::all,
    clippy::unwrap_used,
    clippy::expect_used
)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
