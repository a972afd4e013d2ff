//! An export's state: its checkpoint ([`checkpoint`], and its file form), where an export
//! writes, opened once every check has passed ([`mod@open`]), and why that can fail
//! ([`StateError`]).

pub mod checkpoint;
mod checkpoint_file;
pub(crate) mod error;
pub mod open;

pub use error::StateError;
pub use open::{Destination, Opened, open};
