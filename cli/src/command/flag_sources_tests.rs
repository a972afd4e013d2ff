//! The flags reach every log's filters as its row says.
use super::*;
use crate::command::args::parse_from;

/// Every filter flag of the command line, given.
const EVERY_FILTER_FLAG: &[&str] = &[
    "cloudflare-audit-export",
    "--since=2026-01-01",
    "--before=2026-02-01",
    "--direction=asc",
    "--order=desc",
    "--id=i",
    "--action-type=login",
    "--actor-ip=192.0.2.1",
    "--actor-email=a@example.com",
    "--zone-name=example.com",
    "--hide-user-logs",
    "--changed-by=b",
    "--field-changed=status",
];

#[test]
fn every_filter_flag_a_row_names_is_a_flag_of_the_command() {
    let args = parse_from(EVERY_FILTER_FLAG).unwrap();
    let given = flag_filters(&args);
    for kind in LOGS {
        for (flag, _) in kind.info.flags {
            // `action_time` comes with --history, which also names the log.
            if *flag != "action_time" {
                assert!(
                    given.contains_key(*flag),
                    "{}: no flag gives {flag}",
                    kind.info.key
                );
            }
        }
    }
}

#[test]
fn a_flag_reaches_the_filter_its_row_maps_it_to() {
    let args = parse_from(["x", "--access", "--account", "a", "--before", "2026-02-01"]).unwrap();
    let access = sources(&args).unwrap();
    assert!(access[0].fingerprint().contains(r#""until":"2026-02-01""#));
    let args = parse_from(["x", "--log", "scim", "--account", "a", "--idp", "okta"]).unwrap();
    let scim = sources(&args).unwrap();
    assert_eq!(scim[0].log().key, "scim");
    assert!(scim[0].fingerprint().contains(r#""idp_id":["okta"]"#));
}

#[test]
fn a_filter_flag_the_log_has_no_filter_for_is_refused() {
    let args = parse_from(["x", "--access", "--account", "a", "--action-type", "login"]).unwrap();
    let error = sources(&args).unwrap_err();
    assert!(
        error.contains("--action-type does not apply to access"),
        "{error}"
    );
    assert!(error.contains("--direction, --since, --before"), "{error}");
    // The demo's tour reads every log with the flags each takes.
    let args = parse_from(["x", "--demo", "--action-type", "login"]).unwrap();
    assert!(sources(&args).unwrap().len() > 5);
}
