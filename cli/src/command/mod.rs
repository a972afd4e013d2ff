//! The command: its flags ([`args`]) and the sources they name ([`flag_sources`]), its config
//! file of many sources ([`config`]), the units its flags take ([`units`]), what it says on a
//! terminal or in logs ([`console`]), and many sources under one budget ([`fleet`]).

pub mod args;
pub mod config;
mod config_words;
pub mod console;
pub mod flag_sources;
pub mod fleet;
pub(crate) mod help;
pub mod units;
