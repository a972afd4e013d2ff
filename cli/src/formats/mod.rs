//! What an entry becomes in an output: the sink that writes each format ([`sink`]): JSON
//! Lines, CSV ([`records`], [`access_records`]), OCSF ([`ocsf`], [`ocsf_event`],
//! [`ocsf_iam`]) and Logpush records ([`logpush`]); and an entry's text made one line, its
//! canonical digest and the fields no column holds ([`entry_text`]).

pub mod access_records;
pub mod entry_text;
pub mod logpush;
pub mod ocsf;
pub mod ocsf_event;
pub mod ocsf_iam;
pub mod records;
pub mod sink;
