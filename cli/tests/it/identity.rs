//! A source's identity in checkpoints and records is pinned: a checkpoint written by an
//! earlier release names its source with these exact strings, and must still load.

use std::path::Path;

use cloudflare_audit_logs_cli::{args, config, flag_sources};

/// Every log and owner the exporter knows, with a filter each, as a config file says them.
const SOURCES: &str = r#"
    [[source]]
    name = "account"
    log = "account"
    account = "acc"
    out = "a.jsonl"
    filters = { action_type = "login", since = "2026-01-02T03:04:05Z" }

    [[source]]
    name = "user"
    log = "user"
    out = "u.jsonl"
    filters = { direction = "asc" }

    [[source]]
    name = "insights of a zone"
    log = "insights"
    zone = "zon"
    out = "iz.jsonl"
    filters = { field_changed = "status" }

    [[source]]
    name = "insights of an account"
    log = "insights"
    account = "acc"
    out = "ia.jsonl"

    [[source]]
    name = "one insight"
    log = "insights"
    zone = "zon"
    issue = "iss"
    out = "i1.jsonl"
    filters = { order = "desc" }

    [[source]]
    name = "v2 of an account"
    log = "v2"
    account = "acc"
    out = "va.jsonl"
    filters = { action_type = ["create"], raw_status_code = [403] }

    [[source]]
    name = "v2 of an organization"
    log = "v2"
    organization = "org"
    out = "vo.jsonl"
    filters = { actor_email = ["a@example.com"] }

    [[source]]
    name = "history of an account's entry"
    log = "history"
    account = "acc"
    entry = "ent"
    out = "ha.jsonl"
    filters = { action_time = "2026-01-02T03:04:05Z" }

    [[source]]
    name = "history of an organization's entry"
    log = "history"
    organization = "org"
    entry = "ent"
    out = "ho.jsonl"
    filters = { action_time = "2026-01-02T03:04:05Z", direction = "asc" }

    [[source]]
    name = "access"
    log = "access"
    account = "acc"
    out = "ac.jsonl"
    filters = { until = "2026-02-01" }

    [[source]]
    name = "scim"
    log = "scim"
    account = "acc"
    idp = ["idp1", "idp2"]
    out = "sc.jsonl"
    filters = { resource_type = ["USER"] }
"#;

/// Each source's name, its `source` in records and its fingerprint in checkpoints, as
/// releases before this one wrote them.
const PINNED: [(&str, &str, &str); 11] = [
    (
        "account audit logs",
        "{\"account_id\":\"acc\",\"log\":\"account\"}",
        "{\"account_id\":\"acc\",\"filters\":{\"action_type\":\"login\",\"since\":\"2026-01-02T03:04:05Z\"},\"log\":\"account\"}",
    ),
    (
        "user audit logs",
        "{\"log\":\"user\"}",
        "{\"filters\":{\"direction\":\"asc\"},\"log\":\"user\"}",
    ),
    (
        "insights audit log",
        "{\"log\":\"insights\",\"zone_id\":\"zon\"}",
        "{\"filters\":{\"field_changed\":\"status\"},\"log\":\"insights\",\"zone_id\":\"zon\"}",
    ),
    (
        "insights audit log",
        "{\"account_id\":\"acc\",\"log\":\"insights\"}",
        "{\"account_id\":\"acc\",\"filters\":{},\"log\":\"insights\"}",
    ),
    (
        "insight audit log",
        "{\"issue_id\":\"iss\",\"log\":\"insights\",\"zone_id\":\"zon\"}",
        "{\"filters\":{\"order\":\"desc\"},\"issue_id\":\"iss\",\"log\":\"insights\",\"zone_id\":\"zon\"}",
    ),
    (
        "account audit logs v2",
        "{\"account_id\":\"acc\",\"log\":\"v2\"}",
        "{\"account_id\":\"acc\",\"filters\":{\"action_type\":[\"create\"],\"raw_status_code\":[403]},\"log\":\"v2\"}",
    ),
    (
        "organization audit logs v2",
        "{\"log\":\"v2\",\"organization_id\":\"org\"}",
        "{\"filters\":{\"actor_email\":[\"a@example.com\"]},\"log\":\"v2\",\"organization_id\":\"org\"}",
    ),
    (
        "resource history",
        "{\"account_id\":\"acc\",\"entry_id\":\"ent\",\"log\":\"history\"}",
        "{\"account_id\":\"acc\",\"entry_id\":\"ent\",\"filters\":{\"action_time\":\"2026-01-02T03:04:05Z\"},\"log\":\"history\"}",
    ),
    (
        "resource history",
        "{\"entry_id\":\"ent\",\"log\":\"history\",\"organization_id\":\"org\"}",
        "{\"entry_id\":\"ent\",\"filters\":{\"action_time\":\"2026-01-02T03:04:05Z\",\"direction\":\"asc\"},\"log\":\"history\",\"organization_id\":\"org\"}",
    ),
    (
        "access authentication logs",
        "{\"account_id\":\"acc\",\"log\":\"access\"}",
        "{\"account_id\":\"acc\",\"filters\":{\"until\":\"2026-02-01\"},\"log\":\"access\"}",
    ),
    (
        "access scim update logs",
        "{\"account_id\":\"acc\",\"log\":\"scim\"}",
        "{\"account_id\":\"acc\",\"filters\":{\"idp_id\":[\"idp1\",\"idp2\"],\"resource_type\":[\"USER\"]},\"log\":\"scim\"}",
    ),
];

#[test]
fn every_sources_name_origin_and_fingerprint_are_those_earlier_releases_wrote() {
    let plan = config::parse(SOURCES, Path::new(".")).unwrap();
    assert_eq!(plan.sources.len(), PINNED.len());
    for (planned, (name, origin, fingerprint)) in plan.sources.iter().zip(PINNED) {
        let source = &planned.source;
        assert_eq!(source.name(), name, "{}", planned.name);
        assert_eq!(source.origin().to_string(), origin, "{}", planned.name);
        assert_eq!(source.fingerprint(), fingerprint, "{}", planned.name);
    }
}

/// The same sources said with flags are the same sources: a checkpoint written by a run
/// from flags goes on under a config file, and the other way round.
#[test]
fn flags_name_the_same_sources_as_the_config() {
    let time = "2026-01-02T03:04:05Z";
    let lines: [(&[&str], usize); 9] = [
        (
            &[
                "--account",
                "acc",
                "--action-type",
                "login",
                "--since",
                time,
            ],
            0,
        ),
        (&["--user", "--direction", "asc"], 1),
        (
            &["--insights", "--zone", "zon", "--field-changed", "status"],
            2,
        ),
        (&["--insights", "--account", "acc"], 3),
        (
            &[
                "--insights",
                "--zone",
                "zon",
                "--issue",
                "iss",
                "--order",
                "desc",
            ],
            4,
        ),
        (
            &[
                "--v2",
                "--account",
                "acc",
                "--v2-action-type",
                "create",
                "--v2-raw-status-code",
                "403",
            ],
            5,
        ),
        (
            &[
                "--v2",
                "--organization",
                "org",
                "--v2-actor-email",
                "a@example.com",
            ],
            6,
        ),
        (
            &[
                "--v2",
                "--account",
                "acc",
                "--history",
                "ent",
                "--action-time",
                time,
            ],
            7,
        ),
        (
            &["--access", "--account", "acc", "--before", "2026-02-01"],
            9,
        ),
    ];
    for (line, pinned) in lines {
        let parsed = args::parse_from(
            std::iter::once("cloudflare-audit-export").chain(line.iter().copied()),
        )
        .unwrap_or_else(|e| panic!("{line:?}: {e}"));
        let sources = flag_sources::sources(&parsed).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        assert_eq!(sources.len(), 1, "{line:?}");
        assert_eq!(sources[0].fingerprint(), PINNED[pinned].2, "{line:?}");
    }
}
