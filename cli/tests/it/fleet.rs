//! Many sources in one run: one failing while the others finish, one rate budget held across
//! all of them (counted on the server), and each source's checkpoint surviving a kill of the
//! whole process.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudflare_audit_logs::{Client, Credentials, RateLimit};
use cloudflare_audit_logs_cli::config;
use cloudflare_audit_logs_cli::demo::{self, Demo};
use cloudflare_audit_logs_cli::exporter::Shutdown;
use cloudflare_audit_logs_cli::fleet::{self, Metrics};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cf-audit-fleet-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Four demo sources and one whose account the server does not know.
fn config_text(budget: &str) -> String {
    format!(
        r#"
        {budget}
        [defaults]
        per_page = 50

        [[source]]
        name = "account"
        log = "account"
        account = "{account}"
        out = "account.jsonl"

        [[source]]
        name = "zone"
        log = "insights"
        zone = "{zone}"
        out = "zone.jsonl"

        [[source]]
        name = "user"
        log = "user"
        out = "user.jsonl"

        [[source]]
        name = "organization"
        log = "v2"
        organization = "{organization}"
        out = "organization.jsonl"

        [[source]]
        name = "unknown"
        log = "account"
        account = "00000000000000000000000000000000"
        out = "unknown.jsonl"
        "#,
        account = demo::ACCOUNT,
        zone = demo::ZONE,
        organization = demo::ORGANIZATION,
    )
}

/// The entries of a JSON Lines export: each appears once, and names its source.
fn exported(path: &Path, log: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let mut ids = HashSet::new();
    for line in text.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["source"]["log"], log, "{line}");
        let id = record["entry"]["id"].as_str().unwrap().to_owned();
        assert!(ids.insert(id), "written twice in {}", path.display());
    }
    ids.len()
}

const EXPECTED: [(&str, &str, usize); 4] = [
    ("account", "account", 250),
    ("zone", "insights", 230),
    ("user", "user", 250),
    ("organization", "v2", 250),
];

#[tokio::test]
async fn one_failing_source_does_not_stop_the_others() {
    let dir = scratch("failing");
    let plan = config::parse(&config_text(""), &dir).unwrap();
    let demo = Demo::start(250, 230).await.expect("the demo server starts");
    let client = Client::builder()
        .credentials(Credentials::api_token("demo"))
        .base_url(demo.base_url())
        .build()
        .unwrap();
    let shutdown = Arc::new(Shutdown::default());
    let metrics = Metrics::new(Some(dir.join("metrics.prom")), &client);
    let report = fleet::run(&client, &plan, false, &shutdown, &metrics, |_, _| {}).await;

    assert!(report.any_failed());
    let unknown = &report.sources["unknown"];
    assert_eq!(unknown.failures, 1);
    assert!(
        unknown.last_error.as_deref().unwrap().contains("404"),
        "{unknown:?}"
    );
    for (name, log, total) in EXPECTED {
        let source = &report.sources[name];
        assert_eq!(
            (source.failures, source.written),
            (0, total as u64),
            "{name}"
        );
        assert!(source.last_success.is_some(), "{name}");
        assert_eq!(
            exported(&dir.join(format!("{name}.jsonl")), log),
            total,
            "{name}"
        );
    }
    // The counters a monitoring system reads.
    let prom = std::fs::read_to_string(dir.join("metrics.prom")).unwrap();
    for line in [
        "cloudflare_audit_export_entries_written_total{source=\"zone\"} 230",
        "cloudflare_audit_export_failures_total{source=\"unknown\"} 1",
        "cloudflare_audit_export_failures_total{source=\"account\"} 0",
    ] {
        assert!(prom.contains(line), "{line} in\n{prom}");
    }
    assert!(
        prom.contains("cloudflare_audit_export_last_success_timestamp_seconds{source=\"account\"}")
    );
    assert!(prom.contains("# TYPE cloudflare_audit_export_requests_total counter"));

    // A rerun finds nothing new: what it receives again (the overlap) is skipped, not
    // counted as written.
    let rerun = Metrics::new(Some(dir.join("rerun.prom")), &client);
    let report = fleet::run(&client, &plan, false, &shutdown, &rerun, |_, _| {}).await;
    let prom = std::fs::read_to_string(dir.join("rerun.prom")).unwrap();
    for (name, log, total) in EXPECTED {
        let source = &report.sources[name];
        assert_eq!((source.failures, source.written), (0, 0), "{name}");
        assert!(source.skipped > 0, "{name}: the overlap came again");
        let written =
            format!("cloudflare_audit_export_entries_written_total{{source=\"{name}\"}} 0");
        let skipped = format!(
            "cloudflare_audit_export_entries_skipped_total{{source=\"{name}\"}} {}",
            source.skipped
        );
        assert!(prom.contains(&written), "{written} in\n{prom}");
        assert!(prom.contains(&skipped), "{skipped} in\n{prom}");
        assert_eq!(
            exported(&dir.join(format!("{name}.jsonl")), log),
            total,
            "{name}"
        );
    }
}

#[tokio::test]
async fn every_source_shares_one_rate_budget() {
    let dir = scratch("budget");
    let plan = config::parse(&config_text(""), &dir).unwrap();
    let demo = Demo::start(250, 230).await.expect("the demo server starts");
    // 40 requests a second, spread evenly: one every 25 ms, whatever the number of sources.
    let client = Client::builder()
        .credentials(Credentials::api_token("demo"))
        .base_url(demo.base_url())
        .rate_limit(RateLimit::new(40, Duration::from_secs(1)).unwrap())
        .build()
        .unwrap();
    let shutdown = Arc::new(Shutdown::default());
    let metrics = Metrics::new(None, &client);
    fleet::run(&client, &plan, false, &shutdown, &metrics, |_, _| {}).await;

    let times = demo.request_times();
    assert!(times.len() >= 20, "{} requests", times.len());
    // No one-second window holds more than the budget (one more for a window's two ends,
    // one for scheduling noise).
    let window = Duration::from_secs(1);
    for (i, start) in times.iter().enumerate() {
        let within = times[i..]
            .iter()
            .take_while(|t| t.duration_since(*start) < window)
            .count();
        assert!(
            within <= 42,
            "{within} requests in one second from request {i}"
        );
    }
    let span = times.last().unwrap().duration_since(times[0]);
    let floor = Duration::from_millis(25) * (times.len() as u32 - 1);
    assert!(
        span + Duration::from_millis(60) >= floor,
        "{span:?} for {} requests",
        times.len()
    );
}

#[test]
fn each_source_checkpoint_survives_a_kill_of_the_process() {
    let dir = scratch("kill");
    // A slow budget, so that the process is killed mid-export.
    let budget = "[budget]\nrequests = 12\nper = \"1s\"\n";
    std::fs::write(dir.join("fleet.toml"), config_text(budget)).unwrap();
    let command = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cloudflare-audit-export"));
        command
            .args(["--config", "fleet.toml", "--demo", "--once"])
            .current_dir(&dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command
    };
    let mut first = command().spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    first.kill().unwrap(); // SIGKILL: no chance to clean up
    first.wait().unwrap();
    let written: usize = EXPECTED
        .iter()
        .map(|(name, ..)| {
            std::fs::read_to_string(dir.join(format!("{name}.jsonl")))
                .map(|t| t.lines().count())
                .unwrap_or(0)
        })
        .sum();
    assert!(
        written > 0 && written < 980,
        "killed after {written} entries"
    );

    let started = Instant::now();
    let status = command().status().unwrap();
    assert_eq!(status.code(), Some(1), "one source fails by design");
    assert!(started.elapsed() < Duration::from_secs(60));
    for (name, log, total) in EXPECTED {
        assert_eq!(
            exported(&dir.join(format!("{name}.jsonl")), log),
            total,
            "{name}"
        );
    }
}

#[test]
fn sigterm_stops_a_following_run_between_pages_with_checkpoints_saved() {
    let dir = scratch("sigterm");
    std::fs::write(dir.join("fleet.toml"), config_text("")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_cloudflare-audit-export"))
        .args(["--config", "fleet.toml", "--demo"])
        .current_dir(&dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Following: the first listings finish, then it waits for the next poll.
    let checkpoints = || {
        EXPECTED
            .iter()
            .all(|(name, ..)| dir.join(format!("{name}.jsonl.checkpoint.json")).exists())
    };
    let started = Instant::now();
    while !checkpoints() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(checkpoints(), "every source wrote its checkpoint");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "stopped, not failed");
    // Not a terminal: the log lines are JSON.
    let stderr = String::from_utf8(output.stderr).unwrap();
    let first: serde_json::Value = serde_json::from_str(stderr.lines().next().unwrap()).unwrap();
    assert!(
        first["source"].is_string() && first["level"].is_string(),
        "{stderr}"
    );
    // Stopped between pages: each output holds whole records, exactly what its checkpoint
    // recorded; a rerun goes on from there to the end.
    for (name, log, _) in EXPECTED {
        let out = dir.join(format!("{name}.jsonl"));
        let saved: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.jsonl.checkpoint.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(
            std::fs::metadata(&out).unwrap().len(),
            saved["output_len"].as_u64().unwrap(),
            "{name}"
        );
        exported(&out, log);
    }
    let status = Command::new(env!("CARGO_BIN_EXE_cloudflare-audit-export"))
        .args(["--config", "fleet.toml", "--demo", "--once"])
        .current_dir(&dir)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1), "one source fails by design");
    for (name, log, total) in EXPECTED {
        assert_eq!(
            exported(&dir.join(format!("{name}.jsonl")), log),
            total,
            "{name}"
        );
    }
}
