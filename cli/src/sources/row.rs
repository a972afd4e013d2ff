//! [`Row`]: what the exporter knows of one log, in one file a log under `logs/`: its name
//! in the flags, the config and the records, whose it is, how the command line's filter flags
//! and options reach its filters, and how a listing of it is asked for. The rest (windows,
//! checkpoints, formats, destinations) is the same for every log.

use std::collections::BTreeMap;

use cloudflare_audit_logs::listings::Listing;
use cloudflare_audit_logs::{Client, Request};
use serde_json::{Map, Value};

use crate::formats::records::Record;

/// Whose log a source reads, as the flags (`--account`, `--zone`, `--organization`) and the
/// config (`account`, `zone`, `organization`) name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// No owner: the log of the user the credentials belong to.
    Credentials,
    Account(String),
    Zone(String),
    Organization(String),
}

/// The kinds of [`Owner`] a log takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnerKind {
    Credentials,
    Account,
    Zone,
    Organization,
}

impl Owner {
    /// Which kind of owner this is.
    pub fn kind(&self) -> OwnerKind {
        match self {
            Owner::Credentials => OwnerKind::Credentials,
            Owner::Account(_) => OwnerKind::Account,
            Owner::Zone(_) => OwnerKind::Zone,
            Owner::Organization(_) => OwnerKind::Organization,
        }
    }

    /// The owner's ID (none for the credentials' own log).
    pub fn id(&self) -> Option<&str> {
        match self {
            Owner::Credentials => None,
            Owner::Account(id) | Owner::Zone(id) | Owner::Organization(id) => Some(id),
        }
    }
}

impl OwnerKind {
    /// How the flags ask for it.
    pub fn flag(self) -> &'static str {
        match self {
            OwnerKind::Credentials => "no owner",
            OwnerKind::Account => "--account ID",
            OwnerKind::Zone => "--zone ID",
            OwnerKind::Organization => "--organization ID",
        }
    }

    /// How the config asks for it.
    pub fn config_key(self) -> &'static str {
        match self {
            OwnerKind::Credentials => "none",
            OwnerKind::Account => "`account`",
            OwnerKind::Zone => "`zone`",
            OwnerKind::Organization => "`organization`",
        }
    }

    /// The field that names it in a record's `source` and in a checkpoint.
    pub fn origin_field(self) -> Option<&'static str> {
        match self {
            OwnerKind::Credentials => None,
            OwnerKind::Account => Some("account_id"),
            OwnerKind::Zone => Some("zone_id"),
            OwnerKind::Organization => Some("organization_id"),
        }
    }
}

/// What one log is, apart from any one source of it.
#[derive(Debug)]
pub struct Info {
    /// Its name: `--log`, `log = "…"` in the config, `source.log` in every record.
    pub key: &'static str,
    /// What `--log` says of it.
    pub help: &'static str,
    /// The owners it takes (a log with two kinds of listing, as Audit Logs v2 of an account
    /// and of an organization, has a row for each, under one key).
    pub owners: &'static [OwnerKind],
    /// Its own options, by config key: `issue`, `idp`, `entry`.
    pub options: &'static [&'static str],
    /// The filter flags it takes, as (the flag's name, its filter's name).
    pub flags: &'static [(&'static str, &'static str)],
    /// Whether it takes the `--v2-*` filter flags.
    pub v2_flags: bool,
    /// Whether the demo runs it when no log is named.
    pub in_demo_tour: bool,
}

/// What a command line or a config file asks of one source, before its log reads it.
#[derive(Clone, Debug)]
pub struct Asked {
    pub owner: Owner,
    /// The filters, by the log's filter names (its filter type refuses others).
    pub filters: Map<String, Value>,
    /// The log's own options, by config key.
    pub options: BTreeMap<String, Vec<String>>,
}

impl Asked {
    /// A source of `owner`, with no filters and no options.
    pub fn of(owner: Owner) -> Asked {
        Asked {
            owner,
            filters: Map::new(),
            options: BTreeMap::new(),
        }
    }

    /// The filters, in the log's own filter type.
    pub fn filters<F: serde::de::DeserializeOwned>(&self) -> Result<F, String> {
        serde_json::from_value(Value::Object(self.filters.clone()))
            .map_err(|e| format!("filters: {e}"))
    }

    /// The one value of option `name`.
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options.get(name)?.first().map(String::as_str)
    }

    /// The owner's ID; the log's row checked the kind already.
    pub fn owner_id(&self) -> String {
        self.owner.id().unwrap_or_default().to_owned()
    }
}

/// One log: the one file a log adds to the exporter, beside its entries' field mappings
/// (`formats/`), which say how its entries become CSV rows, OCSF events and Logpush records.
pub trait Row: Clone + std::fmt::Debug + Send + Sync + 'static {
    /// The library's listing it reads.
    type Listing: Listing<Entry: Record>;
    /// What the log is.
    const INFO: Info;

    /// The source `asked` names; its owner is one of [`Info::owners`].
    fn new(asked: Asked) -> Result<Self, String>;
    /// What the demo reads of this log (its owner, options and filters).
    fn demo() -> Asked;
    /// A short name for messages.
    fn name(&self) -> &'static str;
    /// Whose log it is, and what else tells this source from another of the same log (an
    /// insight's issue ID, the entry whose resource's history it is), by origin field.
    fn origin(&self) -> Map<String, Value>;
    /// The caller's filters.
    fn filters(&self) -> &<Self::Listing as Listing>::Filters;
    /// The request of a listing whose filters are `window` (the caller's, with the window of
    /// the listing under way; they replace the request's own).
    fn request(
        &self,
        client: &Client,
        window: &<Self::Listing as Listing>::Filters,
    ) -> Result<Request<Self::Listing>, String>;
}

/// A [`Row`]'s origin field for an owner: `{"account_id": …}`, and nothing for the
/// credentials' own log.
pub fn owner_origin(owner: &Owner) -> Map<String, Value> {
    let mut origin = Map::new();
    if let (Some(field), Some(id)) = (owner.kind().origin_field(), owner.id()) {
        origin.insert(field.into(), id.into());
    }
    origin
}
