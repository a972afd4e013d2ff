//! [`Log`]: the one vocabulary for which audit log a source reads, shared by the flags
//! (`--log`), the config file (`log = "…"`) and every output record (`source.log`).

use clap::ValueEnum;

/// Which audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Log {
    /// The v1 account audit log (`account`).
    Account,
    /// The v1 audit log of the credentials' user (`user`).
    User,
    /// The Security Center insights audit log of an account or a zone (`insights`).
    Insights,
    /// Audit Logs v2 of an account or an organization (`v2`).
    V2,
    /// The history of the resource an Audit Logs v2 entry changed (`history`).
    History,
    /// The Access authentication logs of an account (`access`).
    Access,
    /// The Access SCIM update logs of an account (`scim`).
    Scim,
}

impl Log {
    /// The name the flags, the config and the records use.
    pub fn key(self) -> &'static str {
        match self {
            Log::Account => "account",
            Log::User => "user",
            Log::Insights => "insights",
            Log::V2 => "v2",
            Log::History => "history",
            Log::Access => "access",
            Log::Scim => "scim",
        }
    }

    /// The log named `key`, as the flags and the config name it.
    pub fn from_key(key: &str) -> Result<Log, String> {
        Log::from_str(key, false).map_err(|_| {
            let names: Vec<&str> = Log::value_variants().iter().map(|l| l.key()).collect();
            format!("log {key:?} is not an audit log: {}", names.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_log_has_one_name_in_every_place() {
        for log in Log::value_variants() {
            let flag = log.to_possible_value().unwrap();
            assert_eq!(flag.get_name(), log.key(), "--log and the records agree");
            assert_eq!(Log::from_key(log.key()), Ok(*log));
        }
        assert!(
            Log::from_key("firewall")
                .unwrap_err()
                .contains("not an audit log")
        );
    }
}
