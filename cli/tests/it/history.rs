//! A resource's history exported as the library lists it: the command's flags, the records'
//! source, and a run interrupted and resumed with every entry exactly once.

use cloudflare_audit_logs::{AuditLogHistoryFilters, TimeBound};
use cloudflare_audit_logs_cli::demo::{self, v2 as demo_v2};
use cloudflare_audit_logs_cli::exporter::{Source, V2Owner};
use cloudflare_audit_logs_cli::logs::History;
use futures::TryStreamExt;

use crate::export::{assert_exactly_once, client, ids, interrupted_and_resumed, scratch, settings};
use crate::flags::command;

/// The history of v2 entry `entry` of the account, newest first.
pub(crate) fn history(entry: usize) -> Source {
    Source::History(History {
        owner: V2Owner::Account(demo::ACCOUNT.into()),
        entry_id: demo_v2::entry_id(entry),
        filters: AuditLogHistoryFilters {
            action_time: Some(demo_v2::v2_time(entry)),
            ..Default::default()
        },
    })
}

#[tokio::test]
async fn an_interrupted_history_export_resumes_with_the_librarys_entries_exactly_once() {
    let demo = demo::Demo::start(250, 0)
        .await
        .expect("the demo server starts");
    let client = client(&demo);
    let entry = 40;
    let expected: Vec<String> = client
        .account_audit_log_history(
            demo::ACCOUNT,
            demo_v2::entry_id(entry),
            demo_v2::v2_time(entry),
        )
        .since("2026-01-01".parse::<TimeBound>().unwrap())
        .before(TimeBound::from(chrono::Utc::now()))
        .stream()
        .map_ok(|e| e.id.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert!(expected.len() > 20, "{}", expected.len());

    let dir = scratch("history");
    let out = dir.join("out.jsonl");
    let settings = settings(Some(dir.join("state.json")), 4);
    let source = history(entry);
    let (first, _) = interrupted_and_resumed(&client, &source, &settings, &out).await;
    assert_eq!(first.written, 12);
    let written = ids(&out);
    assert_exactly_once(&written, expected.len());
    assert_eq!(written, expected, "the library's entries, in its order");

    let first_line = std::fs::read_to_string(&out).unwrap();
    let record: serde_json::Value =
        serde_json::from_str(first_line.lines().next().unwrap()).unwrap();
    assert_eq!(
        record["source"],
        serde_json::json!({"log": "history", "account_id": demo::ACCOUNT,
                           "entry_id": demo_v2::entry_id(entry)})
    );
}

#[test]
fn the_history_flags_name_the_entry_its_time_and_its_owner() {
    let dir = scratch("history-flags");
    let out = dir.join("history.csv");
    let output = command(&[
        "--demo",
        "--log",
        "history",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.lines().count() > 20, "{csv}");
    assert!(csv.lines().skip(1).all(|line| line.starts_with("history,")));

    // Against an API: the time is needed, a history is of an account's or an organization's
    // entry, and v2's list filters do not apply.
    let base = ["--v2", "--history", "2b6e0c1a", "--quiet"];
    let cases: [(&[&str], &str); 3] = [
        (&["--account", demo::ACCOUNT], "--action-time"),
        (
            &["--action-time", "2026-11-01T00:00:00Z"],
            "--history takes --account ID or --organization ID",
        ),
        (
            &[
                "--account",
                demo::ACCOUNT,
                "--action-time",
                "2026-11-01T00:00:00Z",
                "--v2-action-type",
                "create",
            ],
            "do not apply to a history",
        ),
    ];
    for (extra, said) in cases {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let output = command(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
    }
    let output = command(&[
        "--v2",
        "--history",
        "e1",
        "--account",
        demo::ACCOUNT,
        "--action-time",
        "yesterday",
    ]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an RFC 3339 date-time"));
}
