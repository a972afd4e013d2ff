//! The exporter behind the `cloudflare-audit-export` command: its modules are public so that
//! its tests (and other programs) can drive an export without the command line.

#![forbid(unsafe_code)]

pub mod access_records;
pub mod args;
pub mod bucket;
pub mod checkpoint;
mod checkpoint_file;
pub mod config;
pub mod console;
pub mod delivery;
pub mod demo;
pub mod demo_access;
pub mod demo_v2;
pub mod entry_text;
pub mod exporter;
pub mod fleet;
pub mod lock;
pub mod logpush;
pub mod logs;
pub mod ocsf;
pub mod ocsf_event;
pub mod ocsf_iam;
mod output_check;
mod prefix_claim;
pub mod records;
pub mod shared_state;
pub mod sink;
pub mod source;
pub mod state;
mod state_error;
pub mod units;
mod window;
