//! The CSV columns of every log, and the values people type on the command line.

use cloudflare_audit_logs_cli::checkpoint::Checkpoint;
use cloudflare_audit_logs_cli::{demo, exporter, sink, units};

use std::sync::Arc;
use std::time::Duration;

use exporter::Shutdown;
use sink::{Format, Sink};

use crate::export::*;

#[tokio::test]
async fn csv_has_a_header_and_the_flattened_columns_in_order() {
    let demo = demo::Demo::start(30, 12)
        .await
        .expect("the demo server starts");
    let client = client(&demo);
    let none = Arc::new(Shutdown::default());

    let mut sink = Sink::memory(Format::Csv);
    exporter::run(
        &client,
        &account(),
        &settings(None, 7),
        &mut sink,
        Checkpoint::new(account().fingerprint()),
        &none,
        &mut exporter::Quiet,
    )
    .await
    .unwrap();
    let text = String::from_utf8(sink.contents().unwrap().to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "source.log",
            "source.account_id",
            "source.zone_id",
            "source.organization_id",
            "id",
            "when",
            "action.type",
            "action.result",
            "actor.id",
            "actor.email",
            "actor.ip",
            "actor.type",
            "interface",
            "resource.id",
            "resource.type",
            "owner.id",
            "oldValue",
            "newValue",
            "metadata",
            "extra"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 30, "one header, then one row per entry");
    let change = rows
        .iter()
        .find(|r| &r[6] == "change_setting")
        .expect("a settings change");
    assert_eq!(
        (&change[16], &change[17]),
        ("\"medium\"", "\"high\""),
        "values as JSON text"
    );
    // Every row names its source first.
    assert!(
        rows.iter()
            .all(|r| &r[0] == "account" && &r[1] == demo::ACCOUNT && r[2].is_empty())
    );
    assert!(
        rows.iter()
            .all(|r| r[5].ends_with('Z') && !r[11].is_empty())
    );
    let metadata: serde_json::Value = serde_json::from_str(&rows[0][18]).unwrap();
    assert_eq!(metadata["zone_name"], "example.com");
    // Fields no column holds are kept in `extra`, exactly as sent, nulls included.
    let future = demo::FUTURE_FIELD;
    assert_eq!(
        change[19],
        format!(
            r#"{{"newValueJson":{{"level":"high"}},"oldValueJson":{{"level":"medium"}},"x_added":{future}}}"#
        )
    );
    let unchanged = rows.iter().find(|r| &r[6] != "change_setting").unwrap();
    assert_eq!(
        unchanged[19],
        format!(r#"{{"newValueJson":null,"oldValueJson":null,"x_added":{future}}}"#)
    );

    let mut sink = Sink::memory(Format::Csv);
    exporter::run(
        &client,
        &insights(),
        &settings(None, 5),
        &mut sink,
        Checkpoint::new(insights().fingerprint()),
        &none,
        &mut exporter::Quiet,
    )
    .await
    .unwrap();
    let text = String::from_utf8(sink.contents().unwrap().to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "source.log,source.account_id,source.zone_id,source.organization_id,id,changed_at,changed_by,field_changed,previous_value,current_value,issue_id,zone_id,rationale,extra"
        )
    );
    assert_eq!(lines.count(), 12);

    let mut sink = Sink::memory(Format::Csv);
    exporter::run(
        &client,
        &v2_account(),
        &settings(None, 5),
        &mut sink,
        Checkpoint::new(v2_account().fingerprint()),
        &none,
        &mut exporter::Quiet,
    )
    .await
    .unwrap();
    let text = String::from_utf8(sink.contents().unwrap().to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        &header[3..8],
        [
            "source.organization_id",
            "id",
            "action.time",
            "action.type",
            "action.result"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    for row in &rows {
        assert_eq!(row[column("account.id")], *demo::ACCOUNT);
        assert!(row[column("action.time")].ends_with('Z'));
        // Any-JSON fields as JSON text: the response is an array in the demo, as seen live.
        assert!(row[column("resource.response")].starts_with('['), "{row:?}");
    }
}

#[test]
fn flags_read_times_and_durations() {
    use cloudflare_audit_logs::TimeBound;
    assert!(matches!(
        units::parse_time("2026-11-01"),
        Ok(TimeBound::Date(_))
    ));
    let at = units::parse_time("2026-11-01T10:00:00+02:00").unwrap();
    assert_eq!(at.start().to_rfc3339(), "2026-11-01T08:00:00+00:00");
    let midnight = units::parse_time("2026-11-01").unwrap().start();
    assert_eq!(midnight.to_rfc3339(), "2026-11-01T00:00:00+00:00");
    assert!(
        units::parse_time("yesterday")
            .unwrap_err()
            .contains("RFC 3339")
    );
    assert_eq!(
        units::parse_duration("500ms"),
        Ok(Duration::from_millis(500))
    );
    assert_eq!(units::parse_duration("30s"), Ok(Duration::from_secs(30)));
    assert_eq!(units::parse_duration("5m"), Ok(Duration::from_secs(300)));
    assert_eq!(units::parse_duration("2h"), Ok(Duration::from_secs(7200)));
    assert!(units::parse_duration("5 minutes").is_err());
    assert!(units::parse_duration("m").is_err());
}
