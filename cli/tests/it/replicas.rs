//! Replicas sharing an export in a real S3-compatible server (moto), with a store that is
//! slow or answers applied writes with errors: fenced batches, leases that say what they
//! wait for, writes recognised as one's own.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use cloudflare_audit_logs_cli::bucket::{Bucket as Output, Location};
use cloudflare_audit_logs_cli::checkpoint::{Checkpoint, Lease};
use cloudflare_audit_logs_cli::delivery::Remote;
use cloudflare_audit_logs_cli::demo;
use cloudflare_audit_logs_cli::exporter::{self, Outcome, Shutdown};
use cloudflare_audit_logs_cli::shared_state::SharedState;
use cloudflare_audit_logs_cli::sink::{Format, Sink};
use cloudflare_audit_logs_cli::state::StateError;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::export::{account, client, settings};
use crate::faulty_store::Faulty;
use crate::moto::{Bucket, moto};

fn location(store: &Arc<dyn ObjectStore>, bucket: &str, key: &str) -> Location {
    Location {
        store: store.clone(),
        key: key.into(),
        url: format!("s3://{bucket}/{key}"),
    }
}

/// One replica's export of the demo's account log into `bucket`, through `store`.
async fn replica(
    store: Arc<dyn ObjectStore>,
    bucket: &'static str,
    server: &demo::Demo,
    lease: Duration,
    per_page: u64,
) -> Result<Outcome, String> {
    let source = account();
    let shutdown = Arc::new(Shutdown::default());
    let mut shared = SharedState::new(location(&store, bucket, "state.json"), lease, true);
    let state = shared
        .acquire(Checkpoint::new(source.fingerprint()), &shutdown)
        .await
        .map_err(|e| e.to_string())?;
    let remote = Remote {
        bucket: Output {
            location: location(&store, bucket, "logs/"),
        },
        shared: Some(shared),
    };
    let mut sink = Sink::batches(Format::Jsonl, remote);
    exporter::run(
        &client(server),
        &source,
        &settings(None, per_page),
        &mut sink,
        state,
        &shutdown,
        &mut exporter::Quiet,
    )
    .await
    .map_err(|e| e.to_string())
}

/// How many times each entry ID stands in the batches under `logs/`.
async fn written(bucket: &Bucket) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for key in bucket.batches("logs").await {
        for line in bucket.lines(&key).await {
            let record: serde_json::Value = serde_json::from_str(&line).unwrap();
            let id = record["entry"]["id"].as_str().unwrap().to_owned();
            *counts.entry(id).or_default() += 1;
        }
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_whose_lease_ran_out_never_replaces_the_new_holders_batch() {
    let bucket = moto().bucket("fenced").await;
    let server = demo::Demo::start(150, 0)
        .await
        .expect("the demo server starts");
    let lease = Duration::from_secs(2);
    // Replica A's store is slow: its batch (and every write after it) lands 8 s late, well
    // after its lease has run out.
    let slow: Arc<dyn ObjectStore> =
        Arc::new(Faulty::new(bucket.store.clone(), Duration::from_secs(8)));
    let a = replica(slow.clone(), "fenced", &server, lease, 1000);
    let b = async {
        // Newer entries arrive while A's batch is on its way; B takes over once A's lease
        // has run out, and lists from the checkpoint A left.
        tokio::time::sleep(Duration::from_millis(500)).await;
        server.append(30, 0);
        replica(bucket.store.clone(), "fenced", &server, lease, 1000).await
    };
    let (a, b) = tokio::join!(a, b);
    let b = b.unwrap();
    let a = a.unwrap_err();
    assert!(a.contains("another replica"), "{a}");
    assert!(!a.contains("stopped before writing again"), "{a}");
    assert_eq!(b.written, 180, "{b:?}");
    // A's late writes have all landed (or been refused) by now.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let counts = written(&bucket).await;
    assert_eq!(counts.len(), 180, "every entry");
    assert!(
        counts.values().all(|n| *n == 1),
        "each once: {:?}",
        counts.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_the_store_applied_but_answered_with_an_error_is_this_replicas_own() {
    let bucket = moto().bucket("applied").await;
    let faulty = Arc::new(Faulty::new(bucket.store.clone(), Duration::ZERO));
    let store: Arc<dyn ObjectStore> = faulty.clone();
    let shutdown = Shutdown::default();
    let lease = Duration::from_secs(30);
    let mut shared = SharedState::new(location(&store, "applied", "state.json"), lease, false);
    faulty.fail_after_applying.store(1, Ordering::SeqCst);
    let mut state = shared
        .acquire(Checkpoint::new("s".into()), &shutdown)
        .await
        .unwrap();
    faulty.fail_after_applying.store(1, Ordering::SeqCst);
    state.output_len = 7;
    shared.save(&mut state).await.unwrap();
    let stored: Checkpoint = serde_json::from_slice(&bucket.get("state.json").await).unwrap();
    assert_eq!(stored.output_len, 7);
    // And the next write goes on from that version.
    state.output_len = 8;
    shared.save(&mut state).await.unwrap();

    // A checkpoint deleted while held is said to be gone, not taken by another replica.
    bucket
        .store
        .delete(&object_store::path::Path::from("state.json"))
        .await
        .unwrap();
    let gone = shared.save(&mut state).await.unwrap_err();
    assert!(matches!(gone, StateError::Vanished { .. }), "{gone}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_lease_stops_a_one_off_run_and_an_impossible_one_is_reported() {
    let bucket = moto().bucket("held").await;
    let store = bucket.store.clone();
    let shutdown = Shutdown::default();
    let lease = Duration::from_secs(30);
    let mut holder = SharedState::new(location(&store, "held", "state.json"), lease, false);
    holder
        .acquire(Checkpoint::new("s".into()), &shutdown)
        .await
        .unwrap();
    let mut one_off = SharedState::new(location(&store, "held", "state.json"), lease, false);
    let started = std::time::Instant::now();
    let held = one_off
        .acquire(Checkpoint::new("s".into()), &shutdown)
        .await
        .unwrap_err();
    assert!(matches!(held, StateError::Held { .. }), "{held}");
    assert!(held.to_string().contains("--wait-for-lock"), "{held}");
    assert!(started.elapsed() < Duration::from_secs(5));

    // A lease dated 9999: reported at once, even by a replica that would wait.
    let mut edited = Checkpoint::new("s".into());
    edited.lease = Some(Lease {
        holder: "elsewhere/1/x".into(),
        until: "9999-01-01T00:00:00Z".parse().unwrap(),
    });
    let text = serde_json::to_vec(&edited).unwrap();
    store
        .put(&object_store::path::Path::from("state.json"), text.into())
        .await
        .unwrap();
    let mut waiting = SharedState::new(location(&store, "held", "state.json"), lease, true);
    let impossible = waiting
        .acquire(Checkpoint::new("s".into()), &shutdown)
        .await
        .unwrap_err();
    assert!(
        matches!(impossible, StateError::ImpossibleLease { .. }),
        "{impossible}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_outage_of_seconds_is_waited_out() {
    let bucket = moto().bucket("outage").await;
    let server = demo::Demo::start(250, 0)
        .await
        .expect("the demo server starts");
    let faulty = Arc::new(Faulty::new(bucket.store.clone(), Duration::ZERO));
    let store: Arc<dyn ObjectStore> = faulty.clone();
    let export = replica(store, "outage", &server, Duration::from_secs(30), 50);
    let outage = async {
        // The store goes down for 6 s once the export has written its first batches.
        while bucket.batches("logs").await.len() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        faulty.go_down(Duration::from_secs(6));
    };
    let (outcome, ()) = tokio::join!(export, outage);
    let outcome = outcome.unwrap();
    assert_eq!(outcome.written, 250, "{outcome:?}");
    let counts = written(&bucket).await;
    assert_eq!(counts.len(), 250, "every entry");
    assert!(counts.values().all(|n| *n == 1), "each once");
}
