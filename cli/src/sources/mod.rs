//! Which log an export reads and whose ([`source`], [`logs`]), and the time window of each
//! listing (where it starts, where it resumes: [`window`]).

pub mod logs;
pub mod source;
pub(crate) mod window;
