//! A local stand-in for Cloudflare's audit log endpoints (see the README): [`demo::Demo`]
//! serves every log with sample data, over [`router`], a small HTTP server of routes and
//! handlers on hyper.

#![forbid(unsafe_code)]

pub mod demo;
pub mod router;

/// The README's example, compiled as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
