//! One export of one source: the run loop ([`exporter`]) and what its parts share
//! ([`settings`]).

pub mod exporter;
pub mod settings;
