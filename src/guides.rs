//! The crate's guides, the longer documentation beside the README (the files in `guides/`),
//! here so that their examples are compiled and tested with the crate.

/// Using the library: filters, paging and resume tokens, raw entries, permissions,
/// credentials and configuration, errors.
#[doc = include_str!("../guides/library.md")]
pub mod library {}

/// The export command: flags, checkpoints, follow mode, production, Logpush delivery,
/// replicas.
#[doc = include_str!("../guides/exporter.md")]
pub mod exporter {}

/// What the crate guarantees: fidelity, reliability, security, and the tests that hold them.
#[doc = include_str!("../guides/reliability.md")]
pub mod reliability {}

/// The benchmark and its figures.
#[doc = include_str!("../guides/performance.md")]
pub mod performance {}

/// Maintaining the crate: the generator, adding a listing, reviewing a spec change.
#[doc = include_str!("../guides/maintaining.md")]
pub mod maintaining {}
