//! Exports into a real S3-compatible server (moto, see `moto.rs`): batches laid out as
//! Logpush's, a checkpoint in the bucket that a stale writer cannot overwrite, and replicas of
//! one export, one of them killed mid-export, leaving every entry in the bucket exactly once
//! and no partial object.

use std::collections::HashSet;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use cloudflare_audit_logs_cli::checkpoint::Checkpoint;
use cloudflare_audit_logs_cli::exporter::Shutdown;
use cloudflare_audit_logs_cli::shared_state::SharedState;
use cloudflare_audit_logs_cli::state::StateError;

use crate::moto::{self, Bucket, moto};

/// The command, pointed at the test server, with no terminal.
fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cloudflare-audit-export"));
    command
        .args(args)
        .envs(moto::ENV)
        .env("AWS_ENDPOINT_URL", &moto().endpoint)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

async fn output(args: &[&str]) -> Output {
    let mut command = command(args);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// Every record of every batch under `prefix`, with the batches' names.
async fn records(bucket: &Bucket, prefix: &str) -> (Vec<String>, Vec<serde_json::Value>) {
    let keys = bucket.batches(prefix).await;
    let mut records = Vec::new();
    for key in &keys {
        for line in bucket.lines(key).await {
            records.push(serde_json::from_str(&line).unwrap());
        }
    }
    (keys, records)
}

/// A batch's name is `PREFIX/YYYYMMDD/YYYYMMDDTHHMMSSZ_YYYYMMDDTHHMMSSZ_xxxxxxxx.log.gz`.
fn logpush_name(key: &str, prefix: &str) -> bool {
    let Some(rest) = key.strip_prefix(prefix) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let [day, file] = parts[..] else { return false };
    let Some(stem) = file.strip_suffix(".log.gz") else {
        return false;
    };
    let fields: Vec<&str> = stem.split('_').collect();
    let stamp = |s: &str| s.len() == 16 && s.ends_with('Z') && s[..8] == *day;
    day.len() == 8
        && fields.len() == 3
        && stamp(fields[0])
        && fields[1].len() == 16
        && fields[2].len() == 8
        && fields[2].chars().all(|c| c.is_ascii_hexdigit())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_export_lands_in_the_bucket_as_logpush_batches() {
    let bucket = moto().bucket("full").await;
    let out = "s3://full/audit/account/{DATE}/";
    let state = "s3://full/state/account.json";
    let flags = ["--demo", "--log", "account", "--format", "logpush", "-q"];
    let run = output(&[&flags[..], &["--out", out, "--checkpoint", state]].concat()).await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let (keys, records) = records(&bucket, "audit/account").await;
    assert_eq!(keys.len(), 5, "a batch a page: {keys:#?}");
    for key in &keys {
        assert!(logpush_name(key, "audit/account/"), "{key}");
    }
    let ids: HashSet<&str> = records.iter().map(|r| r["ID"].as_str().unwrap()).collect();
    assert_eq!((ids.len(), records.len()), (250, 250), "every entry once");
    assert!(records.iter().all(|r| r["When"].is_i64()), "unixnano times");

    // The checkpoint is in the bucket, finished, its lease given up.
    let saved: Checkpoint =
        serde_json::from_slice(&bucket.get("state/account.json").await).unwrap();
    assert!(saved.resume.is_none() && saved.pending.is_none() && saved.lease.is_none());
    assert!(saved.high_water.is_some() && !saved.seen.is_empty());

    // A rerun writes nothing new: every entry is known.
    let again = output(&[&flags[..], &["--out", out, "--checkpoint", state]].concat()).await;
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(bucket.batches("audit/account").await, keys);

    // A store output without a checkpoint would write every batch again on a rerun.
    let refused = output(&[&flags[..], &["--out", out]].concat()).await;
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("needs --checkpoint"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_conditional_write_is_refused() {
    let bucket = moto().bucket("stale").await;
    let location = || cloudflare_audit_logs_cli::bucket::Location {
        store: bucket.store.clone(),
        key: "state.json".into(),
        url: "s3://stale/state.json".into(),
    };
    let shutdown = Shutdown::default();
    let lease = Duration::from_millis(600);
    let mut first = SharedState::new(location(), lease, true);
    let mut state = first
        .acquire(Checkpoint::new("s".into()), &shutdown)
        .await
        .unwrap();
    state.output_len = 1;
    first.save(&mut state).await.unwrap();

    // Another replica waits for the lease to run out, then takes the source over.
    let mut second = SharedState::new(location(), lease, true);
    let started = Instant::now();
    let mut taken = second
        .acquire(Checkpoint::new("s".into()), &shutdown)
        .await
        .unwrap();
    assert!(
        started.elapsed() >= lease / 2,
        "it waited: {:?}",
        started.elapsed()
    );
    assert_eq!(taken.output_len, 1, "from the first one's checkpoint");
    taken.output_len = 2;
    second.save(&mut taken).await.unwrap();

    // The first one's next write is refused, and the second one's checkpoint stands.
    state.output_len = 99;
    let refused = first.save(&mut state).await.unwrap_err();
    assert!(matches!(refused, StateError::LeaseLost { .. }), "{refused}");
    let stored: Checkpoint = serde_json::from_slice(&bucket.get("state.json").await).unwrap();
    assert_eq!(stored.output_len, 2);
    assert!(stored.lease.unwrap().holder != state.lease.unwrap().holder);

    // A checkpoint of another export is refused before its lease is touched.
    let mut third = SharedState::new(location(), lease, true);
    let foreign = third
        .acquire(Checkpoint::new("other".into()), &shutdown)
        .await
        .unwrap_err();
    assert!(matches!(foreign, StateError::Foreign { .. }), "{foreign}");
}

/// The PID in the lease of the checkpoint at `key`, when one is held.
async fn holder(bucket: &Bucket, key: &str) -> Option<u32> {
    let saved: Checkpoint = serde_json::from_slice(&bucket.try_get(key).await?).ok()?;
    saved.lease?.holder.split('/').nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_an_export_and_one_killed_loses_and_repeats_nothing() {
    let bucket = moto().bucket("replicas").await;
    let args = [
        "--demo",
        "--log",
        "account",
        "--per-page",
        "10",
        "--budget",
        "5/1s",
        "-q",
        "--out",
        "s3://replicas/logs/{DATE}/",
        "--checkpoint",
        "s3://replicas/state.json",
        "--lease",
        "5s",
        "--wait-for-lock",
    ];
    let spawn = || -> Child { command(&args).spawn().unwrap() };
    let mut replicas = [spawn(), spawn()];
    // One holds the lease; the other waits.
    let started = Instant::now();
    let held = loop {
        if let Some(pid) = holder(&bucket, "state.json").await
            && bucket.batches("logs").await.len() >= 3
        {
            break pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no replica got going: {:?} {:?}",
            bucket.keys("").await,
            replicas
                .iter_mut()
                .map(|c| c.try_wait().unwrap())
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (victim, survivor) = match replicas.iter().position(|c| c.id() == held) {
        Some(0) => (0, 1),
        Some(_) => (1, 0),
        None => panic!("the lease names neither replica ({held})"),
    };
    assert!(
        replicas[survivor].try_wait().unwrap().is_none(),
        "the other one waits"
    );
    let before = bucket.batches("logs").await.len();
    let killed = Instant::now();
    replicas[victim].kill().unwrap();
    replicas[victim].wait().unwrap();
    // The survivor takes over once the lease runs out, and finishes the export.
    let took_over = loop {
        if bucket.batches("logs").await.len() > before + 1 {
            break killed.elapsed();
        }
        assert!(
            killed.elapsed() < Duration::from_secs(60),
            "nobody took over"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let survivor = replicas.into_iter().nth(survivor).unwrap();
    let done = tokio::task::spawn_blocking(move || survivor.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    eprintln!("a replica took over {took_over:?} after the other was killed (lease 5s)");

    let (keys, records) = records(&bucket, "logs").await;
    let ids: HashSet<String> = records
        .iter()
        .map(|r| r["entry"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 250, "every entry");
    assert_eq!(
        records.len(),
        250,
        "and each once, in {} batches",
        keys.len()
    );
    let saved: Checkpoint = serde_json::from_slice(&bucket.get("state.json").await).unwrap();
    assert!(saved.pending.is_none() && saved.resume.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_announced_before_a_crash_is_written_again_under_its_name() {
    use object_store::ObjectStoreExt;
    let bucket = moto().bucket("crash").await;
    let flags = ["--demo", "--log", "account", "-q"];
    let first = [
        "--out",
        "s3://crash/first/",
        "--checkpoint",
        "s3://crash/first.json",
    ];
    let run = output(&[&flags[..], &first].concat()).await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let done: Checkpoint = serde_json::from_slice(&bucket.get("first.json").await).unwrap();

    // What a crash between announcing a batch and writing it leaves: a checkpoint at the
    // start, naming the batch, and under that name whatever an earlier attempt left.
    let announced = "second/announced.log.gz";
    let crashed = Checkpoint {
        pending: Some(announced.into()),
        ..Checkpoint::new(done.source)
    };
    let put = |key: &str, bytes: Vec<u8>| {
        let store = bucket.store.clone();
        let key = object_store::path::Path::from(key);
        async move { store.put(&key, bytes.into()).await.unwrap() }
    };
    put("second.json", serde_json::to_vec(&crashed).unwrap()).await;
    put(announced, b"an earlier attempt".to_vec()).await;

    let second = [
        "--out",
        "s3://crash/second/",
        "--checkpoint",
        "s3://crash/second.json",
    ];
    let run = output(&[&flags[..], &second].concat()).await;
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let first_page = bucket.lines(announced).await;
    assert_eq!(
        first_page.len(),
        50,
        "the first page, under the name announced"
    );
    let (keys, records) = records(&bucket, "second").await;
    assert_eq!(keys.len(), 5, "{keys:?}");
    let ids: HashSet<&str> = records
        .iter()
        .map(|r| r["entry"]["id"].as_str().unwrap())
        .collect();
    assert_eq!((ids.len(), records.len()), (250, 250));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_following_replica_keeps_its_lease_between_polls_and_gives_it_up_on_exit() {
    let bucket = moto().bucket("follow").await;
    let common = [
        "--demo",
        "--log",
        "insights",
        "-q",
        "--out",
        "s3://follow/logs/",
        "--checkpoint",
        "s3://follow/state.json",
        "--lease",
        "5s",
        "--wait-for-lock",
    ];
    let following = [&common[..], &["--follow", "--interval", "30s"]].concat();
    let mut first = command(&following).spawn().unwrap();
    let started = Instant::now();
    // The first listing is done: the checkpoint has no resume token left.
    loop {
        let saved = bucket.try_get("state.json").await;
        let saved: Option<Checkpoint> = saved.and_then(|b| serde_json::from_slice(&b).ok());
        if saved.is_some_and(|c| c.resume.is_none() && c.high_water.is_some()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the first export finished"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let objects = bucket.batches("logs").await.len();
    // While the first waits for its next poll, its lease (5 s) is renewed: a second replica
    // keeps waiting well past it.
    let mut second = command(&common).spawn().unwrap();
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert!(second.try_wait().unwrap().is_none(), "the second one waits");
    // Stopped, the first gives its lease up, and the second takes over at once, with
    // nothing left to write.
    let term = Command::new("kill")
        .args(["-TERM", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    assert_eq!(first.wait().unwrap().code(), Some(130));
    let stopped = Instant::now();
    let done = tokio::task::spawn_blocking(move || second.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        stopped.elapsed() < Duration::from_secs(5),
        "{:?}",
        stopped.elapsed()
    );
    assert_eq!(
        bucket.batches("logs").await.len(),
        objects,
        "nothing written twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_export_into_a_claimed_prefix_is_refused_before_it_writes() {
    let bucket = moto().bucket("claimed").await;
    let out = "s3://claimed/audit/{DATE}/";
    let export = |log: &'static str, state: &'static str| {
        let flags = ["--demo", "--log", log, "--format", "logpush", "-q"];
        async move { output(&[&flags[..], &["--out", out, "--checkpoint", state]].concat()).await }
    };
    let first = export("account", "s3://claimed/state/a.json").await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let batches = bucket.batches("audit").await;
    assert_eq!(batches.len(), 5);
    // The claim names the export its checkpoint names.
    let claim: serde_json::Value =
        serde_json::from_slice(&bucket.get("audit/_cloudflare-audit-export.json").await).unwrap();
    let saved: serde_json::Value =
        serde_json::from_slice(&bucket.get("state/a.json").await).unwrap();
    assert_eq!(claim["export"], saved["export"]);
    assert!(claim["export"].as_str().is_some_and(|id| id.len() == 32));
    assert_eq!(claim["checkpoint"], "s3://claimed/state/a.json");

    // Another log, and the same log with another checkpoint: both refused, nothing written
    // to the prefix, and no lease left behind.
    for (log, state) in [
        ("user", "s3://claimed/state/b.json"),
        ("account", "s3://claimed/state/c.json"),
    ] {
        let refused = export(log, state).await;
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("holds another export's batches")
                && stderr.contains("s3://claimed/state/a.json")
                && stderr.contains("a prefix of its own"),
            "{stderr}"
        );
        assert_eq!(bucket.batches("audit").await, batches);
        let key = state.trim_start_matches("s3://claimed/");
        let left: Checkpoint = serde_json::from_slice(&bucket.get(key).await).unwrap();
        assert!(left.lease.is_none(), "{left:?}");
    }

    // The export itself goes on; a checkpoint of an earlier version, which names no export,
    // claims an unclaimed prefix on its next run.
    let again = export("account", "s3://claimed/state/a.json").await;
    assert!(again.status.success());
    bucket.delete("audit/_cloudflare-audit-export.json").await;
    let mut old = saved.clone();
    old.as_object_mut().unwrap().remove("export");
    bucket
        .put("state/a.json", &serde_json::to_vec(&old).unwrap())
        .await;
    let upgraded = export("account", "s3://claimed/state/a.json").await;
    assert!(
        upgraded.status.success(),
        "{}",
        String::from_utf8_lossy(&upgraded.stderr)
    );
    let claim: serde_json::Value =
        serde_json::from_slice(&bucket.get("audit/_cloudflare-audit-export.json").await).unwrap();
    let saved: serde_json::Value =
        serde_json::from_slice(&bucket.get("state/a.json").await).unwrap();
    assert_eq!(claim["export"], saved["export"]);
    assert_eq!(
        bucket.batches("audit").await,
        batches,
        "nothing written twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_bucket_and_a_plain_http_endpoint_are_said_in_plain_words() {
    let _ = moto().bucket("words").await;
    let flags = ["--demo", "--log", "account", "-q"];
    // A bucket that does not exist: said at once, not waited on as an outage.
    let started = Instant::now();
    let missing = output(
        &[
            &flags[..],
            &[
                "--out",
                "s3://no-such-bucket/audit/",
                "--checkpoint",
                "s3://no-such-bucket/state.json",
            ],
        ]
        .concat(),
    )
    .await;
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the bucket does not exist"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(30), "not waited on");
    // A local endpoint over http without AWS_ALLOW_HTTP.
    let args = [
        &flags[..],
        &[
            "--out",
            "s3://words/audit/",
            "--checkpoint",
            "s3://words/state.json",
        ],
    ]
    .concat();
    let mut refused = command(&args);
    refused.env_remove("AWS_ALLOW_HTTP");
    let refused = tokio::task::spawn_blocking(move || refused.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("set AWS_ALLOW_HTTP=true"), "{stderr}");
}
