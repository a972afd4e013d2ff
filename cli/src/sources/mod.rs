//! Which log an export reads and whose: one file a log and their table ([`logs`]), what a
//! log's row says ([`row`]), a source made from the flags or the config ([`source`]), and the
//! time window of each listing (where it starts, where it resumes: [`window`]).

pub mod logs;
pub mod row;
pub mod source;
pub(crate) mod window;
