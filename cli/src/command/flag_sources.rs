//! The sources a command line names: the log (`--log`, or a shorthand such as `--scim`), its
//! owner, and the filter flags and options its row takes; or the demo's.

use cloudflare_audit_logs::{Direction, FieldChanged, Order};

use crate::command::args::{Args, Field, Sort};
use crate::formats::sink::Format;
use crate::sources::logs::{Kind, LOGS};
use crate::sources::row::{Asked, Info, Owner, OwnerKind};
use crate::sources::source::{self, Source};

/// A filter flag as the command line spells it: `action_type` is `--action-type`.
fn flag_name(flag: &str) -> String {
    format!("--{}", flag.replace('_', "-"))
}

/// The filter flags given, by flag name, as their filters' JSON form (each log's row says
/// which it takes, and under which filter name).
fn flag_filters(args: &Args) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::{Value, json};
    let sort = |sort: Option<Sort>| sort.map(|s| matches!(s, Sort::Asc));
    let text = |value: &Option<String>| value.clone().map(Value::from);
    let field = args.field_changed.map(|f| match f {
        Field::Status => FieldChanged::Status,
        Field::UserClassification => FieldChanged::UserClassification,
    });
    [
        ("since", args.since.map(|t| json!(t))),
        ("before", args.before.map(|t| json!(t))),
        (
            "direction",
            sort(args.direction)
                .map(|asc| json!(if asc { Direction::Asc } else { Direction::Desc })),
        ),
        (
            "order",
            sort(args.order).map(|asc| json!(if asc { Order::Asc } else { Order::Desc })),
        ),
        ("id", text(&args.id)),
        ("action_type", text(&args.action_type)),
        ("actor_ip", text(&args.actor_ip)),
        ("actor_email", text(&args.actor_email)),
        ("zone_name", text(&args.zone_name)),
        ("hide_user_logs", args.hide_user_logs.then_some(json!(true))),
        ("changed_by", text(&args.changed_by)),
        ("field_changed", field.map(|f| json!(f))),
        ("action_time", args.action_time.map(|t| json!(t))),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name.to_owned(), value?)))
    .collect()
}

/// What the flags ask of a log of `info`: the filter flags it takes, under its filter names,
/// and the options given (its row refuses the options it does not take).
fn asked(args: &Args, info: &Info, owner: Owner) -> Asked {
    let given = flag_filters(args);
    let mut filters: serde_json::Map<_, _> = info
        .flags
        .iter()
        .filter_map(|(flag, filter)| Some(((*filter).to_owned(), given.get(*flag)?.clone())))
        .collect();
    if info.v2_flags {
        filters.extend(args.v2_filters.clone());
    }
    let options = [
        ("issue", args.issue.iter().cloned().collect::<Vec<_>>()),
        ("idp", args.idp.clone()),
        ("entry", args.history.iter().cloned().collect()),
    ]
    .into_iter()
    .filter(|(_, values)| !values.is_empty())
    .map(|(name, values)| (name.to_owned(), values))
    .collect();
    Asked {
        owner,
        filters,
        options,
    }
}

/// The log the flags name (`--log`, or a shorthand such as `--insights`), with the flag that
/// named it; two different logs are refused.
fn named_log(args: &Args) -> Result<Option<(String, String)>, String> {
    let shorthands = [
        (args.insights, "insights"),
        (args.user, "user"),
        (args.v2 && args.history.is_none(), "v2"),
        (args.history.is_some(), "history"),
        (args.access, "access"),
        (args.scim, "scim"),
    ];
    let mut named: Vec<(String, String)> = shorthands
        .into_iter()
        .filter(|(given, _)| *given)
        .map(|(_, key)| (key.to_owned(), format!("--{key}")))
        .collect();
    if let Some(log) = &args.log {
        named.push((log.clone(), format!("--log {log}")));
    }
    named.dedup_by(|a, b| a.0 == b.0);
    match named.len() {
        0 | 1 => Ok(named.pop()),
        _ => Err(format!(
            "one log at a time: {}",
            named
                .iter()
                .map(|(_, flag)| flag.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The owner the flags name.
fn owner(args: &Args) -> Result<Owner, String> {
    match (&args.account, &args.zone, &args.organization) {
        (None, None, None) => Ok(Owner::Credentials),
        (Some(account), None, None) => Ok(Owner::Account(account.clone())),
        (None, Some(zone), None) => Ok(Owner::Zone(zone.clone())),
        (None, None, Some(organization)) => Ok(Owner::Organization(organization.clone())),
        _ => Err("give one owner: --account ID, --zone ID or --organization ID".into()),
    }
}

/// The logs to export, from the flags.
pub fn sources(args: &Args) -> Result<Vec<Source>, String> {
    let named = named_log(args)?;
    if args.demo {
        return demo_sources(args, named.map(|(key, _)| key));
    }
    let owner = owner(args)?;
    let (key, flag) = match (named, &owner) {
        (Some(named), _) => named,
        (None, Owner::Account(_)) => ("account".to_owned(), "--account".to_owned()),
        (None, _) => return Err(say_what_to_export()),
    };
    let rows = source::rows(&key)?;
    let Some(row) = rows.iter().find(|k| k.info.owners.contains(&owner.kind())) else {
        return Err(format!(
            "{flag} takes {}",
            source::owners_of(&key, OwnerKind::flag)
        ));
    };
    if !args.v2_filters.is_empty() && !row.info.v2_flags {
        return Err(format!(
            "the --v2-* filters need --v2; they do not apply to a {key}"
        ));
    }
    // A filter flag the log has no filter for would be dropped: refused, with the log's own.
    let takes = |flag: &str| row.info.flags.iter().any(|(f, _)| *f == flag);
    if let Some(flag) = flag_filters(args).keys().find(|flag| !takes(flag.as_str())) {
        let own: Vec<String> = row.info.flags.iter().map(|(f, _)| flag_name(f)).collect();
        return Err(format!(
            "{} does not apply to {key} (its filter flags: {})",
            flag_name(flag),
            own.join(", ")
        ));
    }
    Ok(vec![source::make(&key, asked(args, row.info, owner))?])
}

/// What to say when the flags name no log: each log, with the owners it takes.
fn say_what_to_export() -> String {
    let logs: Vec<String> = source::keys()
        .into_iter()
        .map(|key| {
            format!(
                "--log {key} with {}",
                source::owners_of(key, OwnerKind::flag)
            )
        })
        .collect();
    format!(
        "say what to export: --demo; --account ID (its v1 log); or {} (shorthands: --insights, \
         --user, --v2, --access, --scim; --v2 --history ID --action-time T for a resource's \
         history; --issue ID for one insight; --idp ID for SCIM)",
        logs.join("; ")
    )
}

/// The demo's sources: every log of its tour one after the other, or the one named (of the
/// owner kind the flags name, when the log has several); the flags' filters and options
/// apply to each.
fn demo_sources(args: &Args, named: Option<String>) -> Result<Vec<Source>, String> {
    if named.is_none() && (args.checkpoint.is_some() || args.follow || args.format == Format::Csv) {
        return Err(format!(
            "--checkpoint, --follow and --format csv take one log: add --log {} (v2 with \
             --organization for an organization's)",
            source::keys().join(", ")
        ));
    }
    let kinds: Vec<&Kind> = match &named {
        None => LOGS.iter().filter(|k| k.info.in_demo_tour).collect(),
        Some(key) => {
            let rows = source::rows(key)?;
            let wanted = owner(args)?.kind();
            let row = rows.iter().find(|k| (k.demo)().owner.kind() == wanted);
            vec![row.copied().unwrap_or(rows[0])]
        }
    };
    kinds
        .into_iter()
        .map(|kind| {
            let mut demo = (kind.demo)();
            let flags = asked(args, kind.info, demo.owner.clone());
            demo.filters.extend(flags.filters);
            let own = flags
                .options
                .into_iter()
                .filter(|(name, _)| kind.info.options.contains(&name.as_str()));
            demo.options.extend(own);
            (kind.new)(demo)
        })
        .collect()
}

#[cfg(test)]
#[path = "flag_sources_tests.rs"]
mod tests;
