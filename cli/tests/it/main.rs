//! The command's tests, in one binary: exports against the bundled demo server, and parity
//! with the official Python SDK on it.

mod csv;
mod export;
mod flags;
mod fleet;
mod lossless;
mod ocsf;
mod parity;
mod python;
mod state;
