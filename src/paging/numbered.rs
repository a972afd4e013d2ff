//! Numbered pages in a pinned time window: what every page-number listing shares (where a run
//! starts, when the listing ends, which page comes next).

use chrono::Utc;

use crate::paging::listing::{Fetch, Resumable};
use crate::paging::page::Position as TokenPosition;
use crate::{Error, NumberedInfo, PaginationError, TimeBound};

/// The outcome of one numbered fetch.
type Fetched<T> = Result<Fetch<T, Position, NumberedInfo>, Error>;

/// Where a fetch starts: a page of the run's time window.
#[derive(Clone, Debug, Hash, PartialEq)]
pub struct Position {
    page: u64,
    /// The run's upper bound, so that new entries cannot shift the pages.
    before: TimeBound,
}

impl Position {
    /// The start of a run at `page`: with the caller's `before`, or pinned to the next whole
    /// second, so that every entry that exists when the run starts is included, in the plain
    /// `…:SSZ` form Cloudflare's own examples use.
    pub(crate) fn first(page: u64, before: Option<TimeBound>) -> Result<Position, Error> {
        use chrono::SubsecRound;
        if page == 0 {
            return Err(Error::InvalidInput("page numbers start at 1".into()));
        }
        let before = before.unwrap_or_else(|| {
            TimeBound::DateTime(Utc::now().trunc_subsecs(0) + chrono::Duration::seconds(1))
        });
        Ok(Position { page, before })
    }

    pub(crate) fn page(&self) -> u64 {
        self.page
    }

    pub(crate) fn before(&self) -> TimeBound {
        self.before
    }

    /// The page after this one.
    fn following(&self) -> Option<Position> {
        Some(Position {
            page: self.page.checked_add(1)?,
            before: self.before,
        })
    }

    /// Whether this page is not past `last`, the last page the server reported.
    pub(crate) fn within(&self, last: &Position) -> bool {
        self.page <= last.page
    }

    /// The page after this one, unless this is the last the server reported.
    pub(crate) fn predict(&self, last: Option<&Position>) -> Option<Position> {
        match last {
            Some(last) if self.page >= last.page => None,
            _ => self.following(),
        }
    }
}

impl Resumable for Position {
    fn to_token(&self) -> TokenPosition {
        TokenPosition::Page {
            page: self.page,
            before: self.before,
        }
    }

    fn from_token(token: &TokenPosition) -> Option<Self> {
        match token {
            TokenPosition::Page { page, before } => Some(Position {
                page: *page,
                before: *before,
            }),
            TokenPosition::Cursor { .. } => None,
        }
    }
}

/// What a numbered page's answer holds, as the server sent it.
pub(crate) struct NumberedPage<T> {
    pub(crate) entries: Vec<T>,
    pub(crate) total_pages: Option<i64>,
    pub(crate) per_page: Option<i64>,
    pub(crate) total_count: Option<i64>,
}

/// Runs one generated call of a numbered listing `L` and reads its page as `M` reads it.
pub(crate) async fn call<L, M, P>(
    request: impl std::future::Future<Output = crate::http::call::Call<P>> + Send,
) -> Result<NumberedPage<M::Item>, Error>
where
    L: crate::paging::listing::Listing,
    M: crate::paging::listing::Mode<L>,
    P: crate::http::envelope::PageParts<
            Entry = L::Entry,
            Info = crate::generated::types::PageResultInfo,
        >,
{
    let (info, entries) = M::call(request).await?;
    let info = info.unwrap_or_default();
    Ok(NumberedPage {
        entries,
        total_pages: info.total_pages,
        per_page: info.per_page,
        total_count: info.total_count,
    })
}

/// Reads one numbered page's answer. One integration reports that the account audit logs
/// answer a page past the end with HTTP 400 rather than an empty page (unconfirmed; the
/// official SDKs stop only on an empty page). So a 400 for a page other than the first is
/// handed to the walker as a refusal: it ends the listing when no earlier answer proved the
/// page exists (a log whose size is a multiple of `per_page`, or pages fetched ahead), and is
/// the error it is when one did (the page is within the `total_pages` reported) or when it is
/// the run's first page.
pub(crate) fn answer<T>(at: &Position, outcome: Result<NumberedPage<T>, Error>) -> Fetched<T> {
    match outcome {
        Ok(page) => fetched(
            at,
            page.entries,
            page.total_pages,
            page.per_page,
            page.total_count,
        ),
        Err(error) if at.page > 1 && error.status().is_some_and(|s| s.as_u16() == 400) => {
            Ok(Fetch::refused(error))
        }
        Err(error) => Err(error),
    }
}

/// What a numbered page says of the next: the listing ends at `total_pages` when the server
/// reports it, else at a page shorter than the `per_page` it reports, else at an empty page.
/// Entries on a page past `total_pages` are an error, not a silent loss.
fn fetched<T>(
    at: &Position,
    entries: Vec<T>,
    total_pages: Option<i64>,
    per_page: Option<i64>,
    total_count: Option<i64>,
) -> Fetched<T> {
    let total_pages = count(total_pages);
    let held = entries.len() as u64;
    let more = match (total_pages, count(per_page).filter(|&n| n > 0)) {
        _ if held == 0 => false,
        (Some(total), _) if at.page > total => {
            return Err(Error::Pagination(PaginationError::PastLastPage {
                page: at.page,
                total,
            }));
        }
        (Some(total), _) => at.page < total,
        (None, Some(per_page)) => held >= per_page,
        (None, None) => true,
    };
    let next = match more {
        true => Some(
            at.following()
                .ok_or(Error::Pagination(PaginationError::PageNumbersExhausted))?,
        ),
        false => None,
    };
    Ok(Fetch {
        last: total_pages.map(|page| Position {
            page,
            before: at.before,
        }),
        info: NumberedInfo {
            total_count: count(total_count),
        },
        ..Fetch::page(entries, next)
    })
}

/// A `result_info` count as an unsigned number; negative counts mean nothing.
pub(crate) fn count(value: Option<i64>) -> Option<u64> {
    value.and_then(|v| u64::try_from(v).ok())
}
