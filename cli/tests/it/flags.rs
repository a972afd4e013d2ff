//! The Audit Logs v2 filter flags, built from the library's typed list of filters: one flag
//! per filter and negation, values read by their kind, and the filters on the wire.

use std::process::{Command, Stdio};

use cloudflare_audit_logs::{AccountAuditLogsV2Filters, FilterValue};

pub(crate) fn command(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cloudflare-audit-export"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn every_v2_filter_and_negation_has_a_flag() {
    let help = String::from_utf8(command(&["--help"]).stdout).unwrap();
    let repeated: Vec<_> = AccountAuditLogsV2Filters::FIELDS
        .iter()
        .filter(|f| f.repeated)
        .collect();
    assert!(repeated.len() >= 40, "{} filters", repeated.len());
    for field in repeated {
        let flag = match field.negation() {
            true => format!("--v2-not-{} ", field.subject().replace('_', "-")),
            false => format!("--v2-{} ", field.name.replace('_', "-")),
        };
        assert!(help.contains(&flag), "{flag} in\n{help}");
    }
}

#[test]
fn filter_flags_reach_the_server_and_numbers_are_checked() {
    let dir = std::env::temp_dir().join(format!("cf-audit-flags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("v2.jsonl");
    let output = command(&[
        "--demo",
        "--v2",
        "--account",
        cloudflare_audit_logs_cli::demo::ACCOUNT,
        "--v2-action-type",
        "create",
        "--v2-action-type",
        "delete",
        "--v2-not-actor-context",
        "dash",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.lines().count() > 0);
    for line in text.lines() {
        let entry = &serde_json::from_str::<serde_json::Value>(line).unwrap()["entry"];
        let action = entry["action"]["type"].as_str().unwrap();
        assert!(["create", "delete"].contains(&action), "{line}");
        assert_ne!(entry["actor"]["context"], "dash", "{line}");
    }

    let integer = AccountAuditLogsV2Filters::FIELDS
        .iter()
        .find(|f| f.value == FilterValue::Integer && f.repeated && !f.negation())
        .expect("a filter that takes numbers");
    let flag = format!("--v2-{}", integer.name.replace('_', "-"));
    let output = command(&["--demo", "--v2", &flag, "two hundred"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("takes whole numbers"), "{stderr}");
}

#[test]
fn the_access_and_insight_flags_name_their_owners() {
    // Refused before anything is sent, saying what is missing (exit code 2).
    for (args, words) in [
        (&["--access"][..], "--access takes --account ID"),
        (
            &["--scim", "--account", "023e105f4ecef8ad9ca31a8372d0c353"][..],
            "--idp ID",
        ),
    ] {
        let output = command(args);
        let text = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {text}");
        assert!(text.contains(words), "{args:?}: {text}");
    }
    // clap refuses an --issue without --insights and an --idp without --scim.
    for args in [
        &["--issue", "x", "--account", "a"][..],
        &["--idp", "x", "--access"][..],
    ] {
        assert_eq!(command(args).status.code(), Some(2), "{args:?}");
    }
    // Against the demo: one insight's entries only, and the SCIM updates of one IdP only.
    let output = command(&["--demo", "--insights", "--issue", "insight-4", "-q"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.lines().count() > 10);
    for line in text.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["entry"]["issue_id"], "insight-4");
        assert_eq!(record["source"]["issue_id"], "insight-4");
    }
    let output = command(&["--demo", "--scim", "--idp", "okta-demo", "-q"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.lines().count() > 10);
    for line in text.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["entry"]["idp_id"], "okta-demo");
    }
}

#[test]
fn version_help_and_the_exit_codes_of_bad_input() {
    let version = command(&["--version"]);
    assert!(version.status.success());
    let text = String::from_utf8_lossy(&version.stdout);
    assert!(
        text.starts_with("cloudflare-audit-export ") && text.contains(env!("CARGO_PKG_VERSION")),
        "{text}"
    );
    let long = String::from_utf8(command(&["--help"]).stdout).unwrap();
    for part in [
        "Examples:",
        "--demo",
        "--config fleet.toml",
        "s3://",
        "CLOUDFLARE_API_TOKEN",
        "Exit codes:",
        "130",
    ] {
        assert!(long.contains(part), "{part} in --help");
    }
    let short = String::from_utf8(command(&["-h"]).stdout).unwrap();
    assert!(
        short.len() < long.len() && short.contains("--help"),
        "{short}"
    );

    // A malformed account ID and a plain-http base URL are bad input: exit 2, before any
    // request.
    let run = |env: &[(&str, &str)], args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cloudflare-audit-export"))
            .args(args)
            .env("CLOUDFLARE_API_TOKEN", "t")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let malformed = run(&[], &["--account", "not-an-id", "-q"]);
    let stderr = String::from_utf8_lossy(&malformed.stderr);
    assert_eq!(malformed.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("account_id"), "{stderr}");
    let plain = run(
        &[("CLOUDFLARE_BASE_URL", "http://example.com/client/v4")],
        &["--account", "023e105f4ecef8ad9ca31a8372d0c353", "-q"],
    );
    let stderr = String::from_utf8_lossy(&plain.stderr);
    assert_eq!(plain.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("set CLOUDFLARE_BASE_URL to an https URL"),
        "{stderr}"
    );
}
