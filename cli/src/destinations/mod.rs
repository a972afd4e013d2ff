//! Where records go and how a writer holds them: files and their locks ([`lock`],
//! [`files`], [`output_check`]), object stores ([`bucket`], their batches and retries), a
//! checkpoint shared in the store ([`shared_state`]), the claim on an output prefix
//! ([`prefix_claim`]), and how a page is committed to a store ([`delivery`], [`remote`]).

pub mod bucket;
pub mod delivery;
pub mod files;
pub mod lease;
pub mod lock;
pub(crate) mod output_check;
pub(crate) mod prefix_claim;
pub mod remote;
pub mod shared_state;
pub(crate) mod store_error;
