//! [`Source`]: one log of one owner, made from what the flags or the config ask
//! ([`Asked`], checked against the table of logs), and how records and checkpoints name it.

pub use crate::sources::logs::Source;
pub use crate::sources::logs::history::V2Owner;
use crate::sources::logs::{Kind, LOGS};
use crate::sources::row::{Asked, Info, OwnerKind};

/// How long Audit Logs v2 keep entries (18 months since general availability).
pub const V2_RETENTION_DAYS: i64 = 548;

impl Source {
    /// Which log of whose this is, as every output record names it: `log` (`account`,
    /// `user`, `insights`, `v2`, `history`, `access`, `scim`) and the account, zone or
    /// organization ID (and the insight's issue ID, or the entry whose resource's history it
    /// is).
    pub fn origin(&self) -> serde_json::Value {
        let mut origin = self.described().origin();
        origin.insert("log".into(), self.log().key.into());
        serde_json::Value::Object(origin)
    }

    /// Which log this is.
    pub fn log(&self) -> &'static Info {
        self.described().info()
    }

    /// A stable description (JSON) that changes when the log, its identifier or a filter
    /// does; a checkpoint holds it.
    pub fn fingerprint(&self) -> String {
        let mut described = self.origin();
        described["filters"] = self.described().filters_json();
        described.to_string()
    }

    /// A short name for messages.
    pub fn name(&self) -> &'static str {
        self.described().name()
    }
}

/// The names of the logs, each once, in the table's order.
pub fn keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for kind in LOGS {
        if !keys.contains(&kind.info.key) {
            keys.push(kind.info.key);
        }
    }
    keys
}

/// The `--log` flag's values, with what each is.
pub fn log_values() -> clap::builder::PossibleValuesParser {
    let values = keys().into_iter().map(|key| {
        let help = LOGS.iter().find(|k| k.info.key == key).map(|k| k.info.help);
        clap::builder::PossibleValue::new(key).help(help.unwrap_or_default())
    });
    clap::builder::PossibleValuesParser::new(values)
}

/// The rows of log `key`.
pub fn rows(key: &str) -> Result<Vec<&'static Kind>, String> {
    let rows: Vec<&Kind> = LOGS.iter().filter(|k| k.info.key == key).collect();
    match rows.is_empty() {
        true => Err(format!(
            "log {key:?} is not an audit log: {}",
            keys().join(", ")
        )),
        false => Ok(rows),
    }
}

/// The owners log `key` takes, in the words `word` gives each (`--account ID`, `` `zone` ``).
pub fn owners_of(key: &str, word: fn(OwnerKind) -> &'static str) -> String {
    let words: Vec<&str> = LOGS
        .iter()
        .filter(|k| k.info.key == key)
        .flat_map(|k| k.info.owners.iter().map(|o| word(*o)))
        .collect();
    words.join(" or ")
}

/// Makes the source of log `key` that `asked` names, refusing an owner the log does not
/// take and an option that is not the log's.
pub fn make(key: &str, asked: Asked) -> Result<Source, String> {
    let rows = rows(key)?;
    for name in asked.options.keys() {
        if !rows.iter().any(|k| k.info.options.contains(&name.as_str())) {
            return Err(format!("log {key:?} does not take `{name}`"));
        }
    }
    let kind = asked.owner.kind();
    let Some(row) = rows.iter().find(|k| k.info.owners.contains(&kind)) else {
        let all: Vec<String> = keys()
            .into_iter()
            .map(|key| format!("{key} takes {}", owners_of(key, OwnerKind::config_key)))
            .collect();
        return Err(format!(
            "log {key:?} does not take these owners: {}",
            all.join("; ")
        ));
    };
    (row.new)(asked)
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
