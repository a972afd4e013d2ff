//! The exporter behind the `cloudflare-audit-export` command, in folders by job:
//!
//! - `command/`: flags, the config file, units, the console, many sources under one budget;
//! - `sources/`: which log, whose, and each listing's time window;
//! - `export/`: the run loop of one source and the small types its parts share;
//! - `formats/`: JSON Lines, CSV, OCSF and Logpush records;
//! - `destinations/`: files and locks, object stores, shared checkpoints, prefix claims;
//! - `state/`: checkpoints, and opening an export's output and checkpoint;
//!
//! `--demo` runs the bundled server, the `cloudflare-audit-logs-server` crate (re-exported as
//! [`demo`]).
//!
//! The modules other programs (and the command's tests) drive an export with are public here.

#![forbid(unsafe_code)]

mod command;
mod destinations;
mod export;
mod formats;
mod sources;
pub mod state;

pub use cloudflare_audit_logs_server::demo;
pub use command::{args, config, console, flag_sources, fleet, units};
pub use destinations::{bucket, delivery, lock, shared_state};
pub use export::exporter;
pub use formats::{entry_text, logpush, ocsf, records, sink};
pub use sources::{logs, row, source};
pub use state::checkpoint;
