//! The command: its flags ([`args`]), its config file of many sources ([`config`]), the
//! units its flags take ([`units`]), what it says on a terminal or in logs ([`console`]), and
//! many sources under one budget ([`fleet`]).

pub mod args;
pub mod config;
mod config_words;
pub mod console;
pub mod fleet;
pub(crate) mod help;
pub mod units;
