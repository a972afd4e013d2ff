//! The command's tests, in one binary: exports against the bundled demo server, and parity
//! with the official Python SDK on it.

mod bucket;
mod csv;
mod edges;
mod export;
mod faulty_store;
mod flags;
mod fleet;
mod history;
mod identity;
mod logpush;
mod lossless;
mod moto;
mod ocsf;
mod parity;
mod parity_v2;
mod python;
mod replicas;
mod state;
mod terminal;
