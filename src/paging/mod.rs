//! Pages into streams: the one request type ([`request`]), what a listing supplies
//! ([`listing`]), the one walker over any listing ([`walker`]: order, pages ahead, loop
//! guards, resume tokens), the pages it hands out ([`page`]), and what page-number listings
//! share ([`numbered`]).

pub(crate) mod listing;
pub(crate) mod numbered;
pub(crate) mod page;
pub(crate) mod peek;
pub(crate) mod recent;
pub(crate) mod request;
pub(crate) mod walker;
