//! A local stand-in for Cloudflare's audit log endpoints (see the README): [`demo::Demo`]
//! serves every log with sample data and its paging rules (its [`demo::Options`] set the
//! logs' lengths, a latency, the injected faults and fields no schema names yet), over
//! [`router`], a small HTTP server of routes and handlers on hyper. [`scripted::Scripted`]
//! answers request by request as a test scripts, with the faults an ordinary server cannot
//! make (resets, truncated bodies).

#![forbid(unsafe_code)]

pub mod demo;
pub mod router;
pub mod scripted;

/// The README's example, compiled as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
