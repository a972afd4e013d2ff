//! The config file of a many-source run (TOML): one rate budget, defaults, and the sources,
//! each with its log, its owner, its filters (read straight into the library's filter types,
//! which refuse unknown names), its output and its checkpoint.
//!
//! ```toml
//! [budget]             # one budget for the whole process; without it, Cloudflare's own:
//! requests = 1200      # 1200 requests per 5 minutes (also `budget = "1200/5m"`, or
//! per = "5m"           # `budget = "none"` for no pacing)
//!
//! [defaults]
//! per_page = 1000
//! format = "jsonl"     # or "csv", "ocsf", "logpush"
//! timestamps = "unixnano"  # Logpush records' time: or "unix", "rfc3339", "rfc3339ms", "rfc3339ns"
//! lease = "30s"        # a checkpoint in an object store: how long a replica holds it
//! interval = "60s"     # follow mode: time between polls
//! overlap = "5m"
//! lag = "2m"           # each listing ends this long before now
//!
//! [[source]]
//! name = "prod-v2"
//! log = "v2"           # account | user | insights | v2 | history | access | scim
//! # issue = "ISSUE_ID"   # insights: one insight's log
//! # idp = ["IDP_ID"]     # scim: the identity providers
//! # entry = "ENTRY_ID"   # history: the v2 entry (and `action_time` in the filters)
//! account = "023e105f4ecef8ad9ca31a8372d0c353"
//! out = "prod-v2.jsonl" # or an object store: "s3://bucket/audit/{DATE}/"
//! # checkpoint = "s3://bucket/state/prod-v2.json"  # shared by replicas (see guides/exporter.md)
//! [source.filters]
//! action_type = ["create", "delete"]
//! actor_context_not = ["dash"]
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cloudflare_audit_logs::RateLimit;
use serde::Deserialize;

use crate::command::units::{defaults, parse_budget, parse_duration};
use crate::formats::sink::Format;
use crate::sources::logs::LOGS;
use crate::sources::row::{Asked, Owner};
use crate::sources::source::Source;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The rate budget every source shares.
    #[serde(default)]
    pub budget: Option<BudgetConfig>,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(rename = "source", default)]
    pub sources: Vec<SourceConfig>,
}

pub use crate::command::config_words::{Budget, BudgetConfig};

/// Settings every source takes unless it says otherwise.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Defaults {
    pub per_page: u64,
    pub format: String,
    pub interval: String,
    pub overlap: String,
    pub lag: String,
    pub timestamps: String,
    pub lease: String,
    /// Follow mode: how often to read a longer window again (unset: never).
    pub reconcile_every: Option<String>,
    /// How long that window is.
    pub reconcile_window: String,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            per_page: defaults::PER_PAGE,
            format: "jsonl".into(),
            interval: defaults::INTERVAL.into(),
            overlap: defaults::OVERLAP.into(),
            lag: defaults::LAG.into(),
            timestamps: "unixnano".into(),
            lease: defaults::LEASE.into(),
            reconcile_every: None,
            reconcile_window: defaults::RECONCILE_WINDOW.into(),
        }
    }
}

/// One source as the file says it (a key that is neither these nor a log's option is
/// refused by name).
#[derive(Debug, Deserialize)]
pub struct SourceConfig {
    pub name: String,
    pub log: String,
    pub account: Option<String>,
    pub zone: Option<String>,
    pub organization: Option<String>,
    #[serde(default)]
    pub filters: Option<toml::Table>,
    pub out: PathBuf,
    /// Default: the output's path with `.checkpoint.json` added.
    pub checkpoint: Option<PathBuf>,
    pub format: Option<String>,
    pub timestamps: Option<String>,
    pub lease: Option<String>,
    /// The log's own options (see its row): `issue` (insights: one insight's log), `idp`
    /// (scim: the identity providers), `entry` (history: the Audit Logs v2 entry whose
    /// resource's history to export, its `action.time` as `action_time` in `filters`).
    #[serde(flatten)]
    pub options: std::collections::BTreeMap<String, toml::Value>,
}

/// A source ready to run.
#[derive(Clone, Debug)]
pub struct Planned {
    pub name: String,
    pub source: Source,
    pub out: PathBuf,
    pub checkpoint: PathBuf,
    pub format: Format,
    pub timestamps: crate::formats::logpush::Timestamps,
    pub lease: Duration,
}

/// Everything a run needs from the file.
#[derive(Debug)]
pub struct Plan {
    /// The budget the file sets: `Some(None)` for `"none"`, `None` when it says nothing
    /// (the command then keeps to Cloudflare's).
    pub budget: Option<Option<RateLimit>>,
    pub per_page: u64,
    pub interval: Duration,
    pub overlap: Duration,
    pub lag: Duration,
    /// Wait for another process's lock on a source's files instead of failing that source.
    pub wait_for_lock: bool,
    /// Follow mode: the reconciling listings, if any.
    pub reconcile: Option<crate::export::settings::Reconcile>,
    pub sources: Vec<Planned>,
}

/// Reads and checks a config file; relative paths are taken from the file's directory.
pub fn load(path: &Path) -> Result<Plan, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let plan = parse(&text, base).map_err(|e| format!("{}: {e}", path.display()))?;
    plan.check_files()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(plan)
}

impl Plan {
    /// Refuses two sources whose outputs or checkpoints are one file, however their paths
    /// are spelled (relative, `..`, absolute, symlinks, hard links).
    pub fn check_files(&self) -> Result<(), crate::state::error::StateError> {
        let paths: Vec<&Path> = self
            .sources
            .iter()
            .flat_map(|s| [s.out.as_path(), s.checkpoint.as_path()])
            .collect();
        crate::destinations::files::same_file_check(&paths)
    }
}

/// Checks a config's text; relative paths are taken from `base`.
pub fn parse(text: &str, base: &Path) -> Result<Plan, String> {
    let config: Config = toml::from_str(text).map_err(crate::command::config_words::explained)?;
    let d = &config.defaults;
    let budget = match &config.budget {
        Some(BudgetConfig::Table(b)) => Some(Some(
            RateLimit::new(b.requests, parse_duration(&b.per)?).map_err(|e| e.to_string())?,
        )),
        Some(BudgetConfig::Text(text)) => Some(parse_budget(text)?),
        None => None,
    };
    if config.sources.is_empty() {
        return Err("no [[source]]: nothing to export".into());
    }
    let mut names = BTreeSet::new();
    let mut outputs: BTreeSet<PathBuf> = BTreeSet::new();
    let mut sources = Vec::new();
    for s in &config.sources {
        if !names.insert(s.name.clone()) {
            return Err(format!("two sources are named {:?}", s.name));
        }
        // An object store URL is taken as it is; a path from the file's directory.
        let place = |p: &Path| match crate::destinations::bucket::is_url(p) {
            true => p.to_owned(),
            false => base.join(p),
        };
        let out = place(&s.out);
        let checkpoint = match &s.checkpoint {
            Some(c) => place(c),
            None if crate::destinations::bucket::is_url(&out) => {
                return Err(format!(
                    "source {:?}: an object store `out` needs a `checkpoint` (a path, or an \
                     object store URL outside the output's prefix)",
                    s.name
                ));
            }
            None => {
                let mut c = out.clone().into_os_string();
                c.push(".checkpoint.json");
                PathBuf::from(c)
            }
        };
        for path in [&out, &checkpoint] {
            if let Some(first) = outputs.get(path) {
                let shared = crate::state::error::StateError::Shared {
                    first: first.clone(),
                    second: path.clone(),
                };
                return Err(format!("source {:?}: {shared}", s.name));
            }
            outputs.insert(path.clone());
        }
        // The same names as `--format` (one list: the flag's value enum).
        let format = s.format.as_deref().unwrap_or(&d.format);
        let format = <Format as clap::ValueEnum>::from_str(format, false).map_err(|_| {
            format!(
                "source {:?}: format {format:?} is not jsonl, csv, ocsf or logpush",
                s.name
            )
        })?;
        let timestamps = s.timestamps.as_deref().unwrap_or(&d.timestamps);
        let timestamps =
            <crate::formats::logpush::Timestamps as clap::ValueEnum>::from_str(timestamps, false)
                .map_err(|_| {
                format!(
                    "source {:?}: timestamps {timestamps:?} is not unixnano, unix, rfc3339, rfc3339ms or rfc3339ns",
                    s.name
                )
            })?;
        let lease =
            crate::destinations::lease::parse_lease(s.lease.as_deref().unwrap_or(&d.lease))?;
        let source = check_keys(s)
            .and_then(|()| source(s))
            .map_err(|e| format!("source {:?}: {e}", s.name))?;
        sources.push(Planned {
            name: s.name.clone(),
            source,
            out,
            checkpoint,
            format,
            timestamps,
            lease,
        });
    }
    Ok(Plan {
        budget,
        per_page: d.per_page,
        interval: parse_duration(&d.interval)?,
        overlap: parse_duration(&d.overlap)?,
        lag: parse_duration(&d.lag)?,
        wait_for_lock: false,
        reconcile: match &d.reconcile_every {
            Some(every) => Some(crate::export::settings::Reconcile {
                every: parse_duration(every)?,
                window: parse_duration(&d.reconcile_window)?,
            }),
            None => None,
        },
        sources,
    })
}

/// The source a `[[source]]` names: its owner, filters and options, made by its log's row.
fn source(s: &SourceConfig) -> Result<Source, String> {
    let owner = match (&s.account, &s.zone, &s.organization) {
        (None, None, None) => Owner::Credentials,
        (Some(account), None, None) => Owner::Account(account.clone()),
        (None, Some(zone), None) => Owner::Zone(zone.clone()),
        (None, None, Some(organization)) => Owner::Organization(organization.clone()),
        _ => return Err("give one owner: `account`, `zone` or `organization`".into()),
    };
    let table = s.filters.clone().unwrap_or_default();
    let serde_json::Value::Object(filters) =
        serde_json::to_value(table).map_err(|e| e.to_string())?
    else {
        return Err("`filters` is not a table".into());
    };
    let mut options = std::collections::BTreeMap::new();
    for (key, value) in &s.options {
        let values = match value {
            toml::Value::String(one) => vec![one.clone()],
            toml::Value::Array(many) => many
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format!("`{key}` takes text or a list of text"))?,
            _ => return Err(format!("`{key}` takes text or a list of text")),
        };
        options.insert(key.clone(), values);
    }
    crate::sources::source::make(
        &s.log,
        Asked {
            owner,
            filters,
            options,
        },
    )
}

/// Refuses a key that is neither a source's nor any log's own option, naming both lists (and
/// the key meant, for a near miss).
fn check_keys(s: &SourceConfig) -> Result<(), String> {
    let own: Vec<&str> = LOGS.iter().flat_map(|k| k.info.options.to_vec()).collect();
    let Some(key) = s.options.keys().find(|key| !own.contains(&key.as_str())) else {
        return Ok(());
    };
    let known: Vec<&str> = SOURCE_KEYS.iter().chain(&own).copied().collect();
    let mut message = format!(
        "unknown field `{key}`: a source takes {}, and the logs' own options {}",
        SOURCE_KEYS.join(", "),
        own.join(", ")
    );
    if let Some(near) = crate::command::config_words::did_you_mean(key, &known) {
        message.push_str(&format!("\ndid you mean `{near}`?"));
    }
    Err(message)
}

/// The keys every `[[source]]` may have.
const SOURCE_KEYS: &[&str] = &[
    "name",
    "log",
    "account",
    "zone",
    "organization",
    "filters",
    "out",
    "checkpoint",
    "format",
    "timestamps",
    "lease",
];

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
