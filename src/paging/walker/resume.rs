//! Where a run starts, and the resume tokens it hands out: a token names its listing and a
//! stable digest of the filters and identifiers, so that it resumes only the run it came from.

use crate::paging::listing::Listing;
use crate::paging::listing::Resumable;
use crate::{Error, Request, ResumeToken};

/// The stable digest of a listing's filters: FNV-1a (64 bits) of their JSON text, which
/// serde writes with fields in declaration order, so equal filters give equal digests in
/// every process and version.
pub(crate) fn digest(filters: &serde_json::Value) -> String {
    let text = filters.to_string();
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

pub(super) fn token<L: Listing>(
    request: &Request<L>,
    at: &L::Position,
    digest: &str,
) -> ResumeToken {
    ResumeToken {
        position: at.to_token(),
        listing: Some(request.listing.name().to_owned()),
        filters: Some(digest.to_owned()),
    }
}

/// Checks the input and works out where a run starts: the caller's token, checked against
/// this listing and its filters, or the listing's first position.
pub(crate) fn start<L: Listing>(request: &Request<L>, digest: &str) -> Result<L::Position, Error> {
    request.check()?;
    let Some(token) = &request.run.resume else {
        return L::first(request);
    };
    let name = request.listing.name();
    if let Some(listing) = token.listing.as_deref().filter(|l| *l != name) {
        return Err(Error::InvalidInput(format!(
            "the resume token was made by the {listing} listing; this request is the {name} listing"
        )));
    }
    if let Some(filters) = token.filters.as_deref().filter(|f| *f != digest) {
        return Err(Error::InvalidInput(format!(
            "the resume token was made with other filters or identifiers (digest {filters}) than \
             this request's (digest {digest}: {})",
            request.identity()
        )));
    }
    L::Position::from_token(&token.position).ok_or_else(|| {
        Error::InvalidInput(format!(
            "the {name} listing cannot resume from a {} token",
            token.kind()
        ))
    })
}
