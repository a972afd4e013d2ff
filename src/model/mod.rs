//! The values entries and filters are made of, beyond the generated types: an entry as the
//! bytes the server sent ([`raw_entry`]), open enums, time bounds, and the filters as data.

pub(crate) mod entry_fields;
pub(crate) mod filter_field;
pub(crate) mod open_enums;
pub(crate) mod raw_entry;
pub(crate) mod time_bound;
