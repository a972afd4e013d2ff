//! The export example's logic, run against its demo server: resuming after an interruption
//! (and after a crash that left an unrecorded page in the file), scheduled incremental runs,
//! follow mode; the CSV columns are in `csv.rs`.

use cloudflare_audit_logs_cli::checkpoint::Checkpoint;
use cloudflare_audit_logs_cli::logs::{
    Access, Account, Insights, Scim, User, V2Account, V2Organization,
};
use cloudflare_audit_logs_cli::state::{self, Destination};
use cloudflare_audit_logs_cli::{demo, exporter, sink};

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use cloudflare_audit_logs::{
    AccountAuditLogsV2Filters, AuditLogsFilters, InsightsAuditLogFilters,
    OrganizationAuditLogsV2Filters, TimeBound,
};
use cloudflare_audit_logs::{Client, Credentials, InsightsScope, RetryPolicy};
use exporter::{Observer, Outcome, Settings, Shutdown, Source};
use sink::{Format, Sink};

pub(crate) fn client(demo: &demo::Demo) -> Client {
    Client::builder()
        .credentials(Credentials::api_token("demo-token"))
        .base_url(demo.base_url())
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

pub(crate) fn account() -> Source {
    Source::Account(Account {
        account_id: demo::ACCOUNT.into(),
        filters: AuditLogsFilters::default(),
    })
}

pub(crate) fn insights() -> Source {
    Source::Insights(Insights {
        scope: InsightsScope::Zone(demo::ZONE.into()),
        issue: None,
        filters: InsightsAuditLogFilters::default(),
    })
}

pub(crate) fn access() -> Source {
    Source::Access(Access {
        account_id: demo::ACCOUNT.into(),
        filters: Default::default(),
    })
}

pub(crate) fn scim() -> Source {
    Source::Scim(Scim {
        account_id: demo::ACCOUNT.into(),
        filters: cloudflare_audit_logs::AccessScimUpdateLogsFilters {
            idp_id: Some(demo::IDPS.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        },
    })
}

pub(crate) fn user() -> Source {
    Source::User(User {
        filters: AuditLogsFilters::default(),
    })
}

pub(crate) fn v2_account() -> Source {
    Source::V2Account(V2Account {
        account_id: demo::ACCOUNT.into(),
        filters: AccountAuditLogsV2Filters::default(),
    })
}

pub(crate) fn v2_organization() -> Source {
    Source::V2Organization(V2Organization {
        organization_id: demo::ORGANIZATION.into(),
        filters: OrganizationAuditLogsV2Filters::default(),
    })
}

/// A fresh directory for one test's files.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cf-audit-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn settings(checkpoint: Option<PathBuf>, per_page: u64) -> Settings {
    Settings {
        per_page,
        follow: None,
        overlap: Duration::from_secs(3600),
        checkpoint,
        lag: Duration::ZERO,
        wait_for_lock: false,
        reconcile: None,
    }
}

/// The IDs of a JSON Lines file, in order.
pub(crate) fn ids(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["entry"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

pub(crate) fn assert_exactly_once(ids: &[String], expected: usize) {
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an entry was written twice");
    assert_eq!(ids.len(), expected, "entries were lost");
}

/// Stops the export after a number of pages, as Ctrl-C would.
pub(crate) struct StopAfter {
    pub(crate) pages: usize,
    pub(crate) shutdown: Arc<Shutdown>,
}

impl Observer for StopAfter {
    fn page(&mut self, _: usize, _: usize) {
        self.pages = self.pages.saturating_sub(1);
        if self.pages == 0 {
            self.shutdown.request();
        }
    }
}

pub(crate) async fn export(
    client: &Client,
    source: &Source,
    settings: &Settings,
    out: &std::path::Path,
    observer: &mut dyn Observer,
    shutdown: &Arc<Shutdown>,
) -> Outcome {
    let destination = Destination {
        out: Some(out.to_owned()),
        checkpoint: settings.checkpoint.clone(),
        format: Format::Jsonl,
        wait_for_lock: false,
        timestamps: Default::default(),
        lease: Duration::from_secs(30),
        standby: false,
    };
    let mut opened = state::open(source, &destination, shutdown).await.unwrap();
    let checkpoint = std::mem::take(&mut opened.checkpoint);
    exporter::run(
        client,
        source,
        settings,
        &mut opened.sink,
        checkpoint,
        shutdown,
        observer,
    )
    .await
    .unwrap()
}

/// Exports `source` into `out` until three pages are written (as Ctrl-C would stop it),
/// leaves what a crash while writing the next page leaves (the page announced in the
/// checkpoint, part of a record in the file), then exports again from the checkpoint to the
/// end: what each run did.
pub(crate) async fn interrupted_and_resumed(
    client: &Client,
    source: &Source,
    settings: &Settings,
    out: &std::path::Path,
) -> (Outcome, Outcome) {
    let shutdown = Arc::new(Shutdown::default());
    let mut stop = StopAfter {
        pages: 3,
        shutdown: shutdown.clone(),
    };
    let first = export(client, source, settings, out, &mut stop, &shutdown).await;
    assert!(first.interrupted);
    if let Some(path) = &settings.checkpoint {
        let mut saved = Checkpoint::load(path).unwrap().unwrap();
        saved.output_pending = Some((saved.output_len + 4096, 0));
        saved.save(path).unwrap();
    }
    let mut file = std::fs::OpenOptions::new().append(true).open(out).unwrap();
    file.write_all(b"{\"id\":\"half-written\",\"act").unwrap();
    drop(file);
    let quiet = Arc::new(Shutdown::default());
    let rest = export(client, source, settings, out, &mut exporter::Quiet, &quiet).await;
    assert!(!rest.interrupted);
    (first, rest)
}

#[tokio::test]
async fn an_interrupted_export_resumes_with_every_entry_exactly_once() {
    for (source, total) in [
        (account(), 250),
        (insights(), 230),
        (user(), 250),
        (v2_account(), 250),
        (v2_organization(), 250),
    ] {
        let demo = demo::Demo::start(250, 230)
            .await
            .expect("the demo server starts");
        let client = client(&demo);
        let dir = scratch(source.name().replace(' ', "-").as_str());
        let (out, state) = (dir.join("out.jsonl"), dir.join("state.json"));
        let settings = settings(Some(state.clone()), 30);

        let (first, rest) = interrupted_and_resumed(&client, &source, &settings, &out).await;
        assert_eq!(first.written, 90);
        assert_eq!(first.written + rest.written, total as u64);
        assert_exactly_once(&ids(&out), total);
    }
}

#[tokio::test]
async fn a_scheduled_rerun_appends_only_new_entries() {
    let demo = demo::Demo::start(120, 0)
        .await
        .expect("the demo server starts");
    let client = client(&demo);
    let dir = scratch("scheduled");
    let (out, state) = (dir.join("out.jsonl"), dir.join("state.json"));
    let settings = settings(Some(state), 40);
    let none = Arc::new(Shutdown::default());
    let first = export(
        &client,
        &account(),
        &settings,
        &out,
        &mut exporter::Quiet,
        &none,
    )
    .await;
    assert_eq!(first.written, 120);

    demo.append(25, 0);
    let second = export(
        &client,
        &account(),
        &settings,
        &out,
        &mut exporter::Quiet,
        &none,
    )
    .await;
    assert_eq!(second.written, 25, "{second:?}");
    assert!(
        second.skipped > 0,
        "the overlap window sent entries again, and they were skipped"
    );
    assert_exactly_once(&ids(&out), 145);

    // A rerun with other filters is refused rather than mixed into this export.
    let other = Source::Account(Account {
        account_id: demo::ACCOUNT.into(),
        filters: AuditLogsFilters {
            actor_email: Some("bob@example.com".into()),
            ..AuditLogsFilters::default()
        },
    });
    let before = std::fs::read(&out).unwrap();
    let destination = Destination {
        out: Some(out.clone()),
        checkpoint: settings.checkpoint.clone(),
        format: Format::Jsonl,
        wait_for_lock: false,
        timestamps: Default::default(),
        lease: Duration::from_secs(30),
        standby: false,
    };
    let refused = state::open(&other, &destination, &none).await.unwrap_err();
    assert!(refused.to_string().contains("another export"), "{refused}");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        before,
        "the output is as it was"
    );
}

/// Adds entries to the demo at each idle moment, and stops after a few polls.
struct Grow {
    appender: demo::Appender,
    polls: usize,
    shutdown: Arc<Shutdown>,
}

impl Observer for Grow {
    fn idle(&mut self, _: Duration) {
        self.polls += 1;
        match self.polls {
            1 => self.appender.append(13, 5),
            2 => {}
            3 => self.appender.append(4, 9),
            _ => self.shutdown.request(),
        }
    }
}

#[tokio::test]
async fn follow_mode_picks_up_new_entries_without_duplicates() {
    for (source, total) in [
        (account(), 60 + 13 + 4),
        (insights(), 40 + 5 + 9),
        (user(), 60 + 13 + 4),
        (v2_account(), 60 + 13 + 4),
        (v2_organization(), 60 + 13 + 4),
    ] {
        let demo = demo::Demo::start(60, 40)
            .await
            .expect("the demo server starts");
        let client = client(&demo);
        let dir = scratch(&format!("follow-{}", source.name().replace(' ', "-")));
        let out = dir.join("out.jsonl");
        let mut settings = settings(Some(dir.join("state.json")), 25);
        settings.follow = Some(Duration::from_millis(50));
        let shutdown = Arc::new(Shutdown::default());
        let mut grow = Grow {
            appender: demo.appender(),
            polls: 0,
            shutdown: shutdown.clone(),
        };
        let outcome = tokio::time::timeout(
            Duration::from_secs(30),
            export(&client, &source, &settings, &out, &mut grow, &shutdown),
        )
        .await
        .expect("follow mode stops on shutdown");
        assert!(outcome.interrupted);
        assert!(
            outcome.skipped > 0,
            "later polls overlapped the high-water mark"
        );
        assert_exactly_once(&ids(&out), total);
    }
}

#[tokio::test]
async fn v2_filters_apply_and_a_window_past_retention_says_so() {
    let demo = demo::Demo::start(120, 0)
        .await
        .expect("the demo server starts");
    let client = client(&demo);
    let none = Arc::new(Shutdown::default());
    // Filters and negations reach the server: only `create`, never from the dashboard.
    let filtered = Source::V2Account(V2Account {
        account_id: demo::ACCOUNT.into(),
        filters: AccountAuditLogsV2Filters {
            action_type: Some(vec!["create".into()]),
            not_actor_context: Some(vec!["dash".into()]),
            ..Default::default()
        },
    });
    let mut sink = Sink::memory(Format::Jsonl);
    let outcome = exporter::run(
        &client,
        &filtered,
        &settings(None, 50),
        &mut sink,
        Checkpoint::new(filtered.fingerprint()),
        &none,
        &mut exporter::Quiet,
    )
    .await
    .unwrap();
    let text = String::from_utf8(sink.contents().unwrap().to_vec()).unwrap();
    let entries: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len() as u64, outcome.written);
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["source"]
        == serde_json::json!({"log": "v2", "account_id": demo::ACCOUNT})
        && e["entry"]["action"]["type"] == "create"
        && e["entry"]["actor"]["context"] != "dash"));

    // A window older than v2 keeps: the message says why and what to do.
    let old = Source::V2Account(V2Account {
        account_id: demo::ACCOUNT.into(),
        filters: AccountAuditLogsV2Filters {
            since: Some("2020-01-01".parse::<TimeBound>().unwrap()),
            ..Default::default()
        },
    });
    let mut sink = Sink::memory(Format::Jsonl);
    let error = exporter::run(
        &client,
        &old,
        &settings(None, 50),
        &mut sink,
        Checkpoint::new(old.fingerprint()),
        &none,
        &mut exporter::Quiet,
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("548 days") && error.contains("v1 log"),
        "{error}"
    );
}

#[tokio::test]
async fn a_stop_right_after_the_last_page_does_not_make_a_rerun_list_it_again() {
    // Stopped as the last page is written: its checkpoint must already say the listing is
    // done, or a rerun would start it over and write every entry a second time.
    for source in [account(), v2_account()] {
        let demo = demo::Demo::start(250, 0)
            .await
            .expect("the demo server starts");
        let client = client(&demo);
        let dir = scratch(&format!("last-{}", source.name().replace(' ', "-")));
        let (out, state) = (dir.join("out.jsonl"), dir.join("state.json"));
        let settings = settings(Some(state.clone()), 50);
        let shutdown = Arc::new(Shutdown::default());
        let mut stop = StopAfter {
            pages: 5,
            shutdown: shutdown.clone(),
        };
        let first = export(&client, &source, &settings, &out, &mut stop, &shutdown).await;
        assert_eq!(first.written, 250, "{}", source.name());
        let quiet = Arc::new(Shutdown::default());
        let rest = export(
            &client,
            &source,
            &settings,
            &out,
            &mut exporter::Quiet,
            &quiet,
        )
        .await;
        assert_eq!(rest.written, 0, "{}: {rest:?}", source.name());
        assert_exactly_once(&ids(&out), 250);
    }
}
