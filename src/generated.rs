//! The client generated from `openapi/cloudflare-audit-logs.yaml` at build time.
//!
//! Nothing here is written by hand: `build.rs` runs progenitor over the spec on every build
//! (`cargo xtask codegen` prints the same code for review). The public paths to it are
//! [`crate::raw`] (the client and its builders) and the crate's root (the types).
#![allow(
    missing_docs,
    unused_imports,
    dead_code,
    clippy::all,
    clippy::unwrap_used,
    clippy::expect_used
)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
