//! The logs the exporter reads: one file a log, and this table of them. Adding a log to the
//! exporter is a file here (a [`Row`]), its line in the table below, and its entries' field
//! mappings in `formats/` (CSV columns, OCSF event, Logpush fields).
//!
//! The table makes [`Source`] (one variant a row) and [`LOGS`]; the flags, the config file,
//! the demo, the records and the checkpoints read both, and name no log themselves.

pub mod access;
pub mod account;
pub mod history;
pub mod insights;
pub mod scim;
pub mod user;
pub mod v2;

pub use access::Access;
pub use account::Account;
pub use history::{History, V2Owner};
pub use insights::Insights;
pub use scim::Scim;
pub use user::User;
pub use v2::{V2Account, V2Organization};

use cloudflare_audit_logs::Filters;
use cloudflare_audit_logs::listings::Listing;

use crate::sources::row::{Asked, Info, Row};

/// Each row's [`Info`], and how a source of it is made.
pub struct Kind {
    pub info: &'static Info,
    /// Makes the source `asked` names (its owner is one the row takes).
    pub new: fn(Asked) -> Result<Source, String>,
    /// What the demo reads of the log.
    pub demo: fn() -> Asked,
    /// Its filters, as the library lists them.
    pub fields: &'static [cloudflare_audit_logs::FilterField],
}

fn new<R: Row + Into<Source>>(asked: Asked) -> Result<Source, String> {
    R::new(asked).map(Into::into)
}

/// Something done with a source's row, whichever log it is (the export's listing).
pub trait Visit<'a> {
    type Output;
    fn visit<R: Row>(self, row: &'a R) -> Self::Output;
}

/// What every row can say of itself, for code that does not need its types.
pub(crate) trait Described {
    fn info(&self) -> &'static Info;
    fn name(&self) -> &'static str;
    fn origin(&self) -> serde_json::Map<String, serde_json::Value>;
    fn filters_json(&self) -> serde_json::Value;
}

impl<R: Row> Described for R {
    fn info(&self) -> &'static Info {
        &R::INFO
    }
    fn name(&self) -> &'static str {
        Row::name(self)
    }
    fn origin(&self) -> serde_json::Map<String, serde_json::Value> {
        Row::origin(self)
    }
    fn filters_json(&self) -> serde_json::Value {
        serde_json::json!(Row::filters(self))
    }
}

macro_rules! table {
    ($($variant:ident($row:ty)),+ $(,)?) => {
        /// One log of one owner, with its filters (the library's own filter types): one
        /// variant a row of the table.
        // A handful of sources live for a whole run; boxing the larger filters would buy
        // nothing.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, Debug)]
        pub enum Source {
            $($variant($row)),+
        }

        $(impl From<$row> for Source {
            fn from(row: $row) -> Source {
                Source::$variant(row)
            }
        })+

        impl Source {
            /// Does `visitor`'s work with this source's row.
            pub fn visit<'a, V: Visit<'a>>(&'a self, visitor: V) -> V::Output {
                match self {
                    $(Source::$variant(row) => visitor.visit(row)),+
                }
            }

            pub(crate) fn described(&self) -> &dyn Described {
                match self {
                    $(Source::$variant(row) => row),+
                }
            }
        }

        /// Every log, in the order the demo reads them.
        pub const LOGS: &[Kind] = &[$(Kind {
            info: &<$row as Row>::INFO,
            new: new::<$row>,
            demo: <$row as Row>::demo,
            fields: <<<$row as Row>::Listing as Listing>::Filters as Filters>::FIELDS,
        }),+];
    };
}

// The table: a log's row, in the order the demo reads them.
table! {
    Account(account::Account),
    Insights(insights::Insights),
    User(user::User),
    V2Account(v2::V2Account),
    V2Organization(v2::V2Organization),
    Access(access::Access),
    Scim(scim::Scim),
    History(history::History),
}
