//! The exporter never destroys, mixes or loses data: a refused run leaves every file as it
//! was, one process writes an export at a time, files are compared as files, the command
//! keeps to a rate budget by default, and what goes wrong names its file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use cloudflare_audit_logs_cli::checkpoint::Checkpoint;
use cloudflare_audit_logs_cli::config;
use cloudflare_audit_logs_cli::demo::{self, Demo};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cf-audit-state-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The command, run in `dir`, with no terminal.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cloudflare-audit-export"));
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The run failed (exit code 1) and said `words`.
fn refused(output: &Output, words: &str) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains(words), "{words:?} in\n{text}");
}

/// The entry IDs of a JSON Lines export; each must appear once.
fn ids_once(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let mut ids = HashSet::new();
    for line in text.lines() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = record["entry"]["id"].as_str().unwrap().to_owned();
        assert!(ids.insert(id), "written twice in {}", path.display());
    }
    ids.len()
}

const ACCOUNT_LOG: [&str; 3] = ["--demo", "--log", "account"];

#[test]
fn a_foreign_checkpoint_is_refused_before_the_output_is_touched() {
    let dir = scratch("foreign");
    let args = [
        &ACCOUNT_LOG[..],
        &["--out", "o.jsonl", "--checkpoint", "cp.json"],
    ]
    .concat();
    assert!(run(&dir, &args).status.success());
    let checkpoint = std::fs::read(dir.join("cp.json")).unwrap();
    let victim: String = (0..30).map(|i| format!("{{\"kept\": {i}}}\n")).collect();
    std::fs::write(dir.join("victim.jsonl"), &victim).unwrap();
    let unchanged = || {
        let now = std::fs::read_to_string(dir.join("victim.jsonl")).unwrap();
        assert_eq!(now, victim, "the output is as it was");
        assert_eq!(std::fs::read(dir.join("cp.json")).unwrap(), checkpoint);
    };

    // Another log into another output, with the first export's checkpoint.
    let output = run(
        &dir,
        &[
            "--demo",
            "--log",
            "insights",
            "--out",
            "victim.jsonl",
            "--checkpoint",
            "cp.json",
        ],
    );
    refused(&output, "belongs to another export");
    unchanged();

    // The same through a config file.
    let config = format!(
        "[[source]]\nname = \"zone\"\nlog = \"insights\"\nzone = \"{}\"\nout = \"victim.jsonl\"\ncheckpoint = \"cp.json\"\n",
        demo::ZONE
    );
    std::fs::write(dir.join("fleet.toml"), config).unwrap();
    let output = run(&dir, &["--config", "fleet.toml", "--demo", "--once"]);
    refused(&output, "belongs to another export");
    unchanged();
}

#[test]
fn one_process_writes_an_export_at_a_time() {
    let dir = scratch("two");
    let files = ["--out", "o.jsonl", "--checkpoint", "cp.json"];
    let following = [&ACCOUNT_LOG[..], &files, &["--follow", "--interval", "60s"]].concat();
    let mut first = command(&dir, &following).spawn().unwrap();
    let started = Instant::now();
    while !dir.join("cp.json").exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(dir.join("cp.json").exists(), "the first export got going");
    let holder = format!("(process {})", first.id());

    // The same checkpoint and output: refused at once, naming the holder.
    let once = [&ACCOUNT_LOG[..], &files].concat();
    let output = run(&dir, &once);
    refused(&output, "cp.json is in use by another export");
    refused(&output, &holder);

    // Another checkpoint, the same output: the output's own lock refuses it.
    let output = run(
        &dir,
        &[
            &ACCOUNT_LOG[..],
            &["--out", "o.jsonl", "--checkpoint", "other.json"],
        ]
        .concat(),
    );
    refused(&output, "o.jsonl is in use by another export");
    // The holder is read from the OS's locks.
    refused(&output, &holder);
    assert!(!dir.join("other.json").exists());

    // Asked to wait, a second export waits for the first, then goes on from its checkpoint.
    let waiting = [&once[..], &["--wait-for-lock"]].concat();
    let mut second = command(&dir, &waiting).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    assert!(second.try_wait().unwrap().is_none(), "it waits");
    let status = Command::new("kill")
        .args(["-TERM", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(first.wait().unwrap().code(), Some(130));
    let output = second.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(ids_once(&dir.join("o.jsonl")), 250);
}

#[test]
fn outputs_and_checkpoints_are_compared_as_files() {
    let dir = scratch("aliases");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.jsonl"), b"").unwrap();
    std::fs::hard_link(dir.join("a.jsonl"), dir.join("hard.jsonl")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("link")).unwrap();
    let absolute = dir.join("a.jsonl").display().to_string();
    let source = |name: &str, out: &str, checkpoint: Option<&str>| {
        format!(
            "[[source]]\nname = \"{name}\"\nlog = \"user\"\nout = \"{out}\"\n{}",
            checkpoint
                .map(|c| format!("checkpoint = \"{c}\"\n"))
                .unwrap_or_default()
        )
    };
    let mut aliases = vec![
        "./a.jsonl",
        "sub/../a.jsonl",
        absolute.as_str(),
        "hard.jsonl",
    ];
    if cfg!(unix) {
        aliases.push("link/a.jsonl");
    }
    for alias in aliases {
        let text = source("one", "a.jsonl", None) + &source("two", alias, None);
        std::fs::write(dir.join("fleet.toml"), text).unwrap();
        let error = config::load(&dir.join("fleet.toml")).unwrap_err();
        assert!(error.contains("are the same file"), "{alias}: {error}");
    }
    // A checkpoint that is another source's output, and a new file spelled two ways.
    for text in [
        source("one", "a.jsonl", None) + &source("two", "b.jsonl", Some("./a.jsonl")),
        source("one", "new.jsonl", None) + &source("two", "sub/../new.jsonl", None),
    ] {
        std::fs::write(dir.join("fleet.toml"), text).unwrap();
        let error = config::load(&dir.join("fleet.toml")).unwrap_err();
        assert!(error.contains("are the same file"), "{error}");
    }
    // One export's output and checkpoint, too.
    let output = run(
        &dir,
        &[
            &ACCOUNT_LOG[..],
            &["--out", "a.jsonl", "--checkpoint", "hard.jsonl"],
        ]
        .concat(),
    );
    refused(&output, "are the same file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_keeps_to_cloudflares_budget_unless_told_otherwise() {
    let help = command(Path::new("."), &["--help"])
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    assert!(
        help.contains("--budget") && help.contains("1200/5m"),
        "{help}"
    );

    let demo = Demo::start(250, 0).await.expect("the demo server starts");
    let dir = scratch("paced");
    let account = ["--account", demo::ACCOUNT, "--per-page", "50"];
    let mut paced = command(&dir, &account);
    paced
        .env("CLOUDFLARE_BASE_URL", demo.base_url())
        .env("CLOUDFLARE_API_TOKEN", "paced");
    let output = tokio::task::spawn_blocking(move || paced.output().unwrap())
        .await
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let times = demo.request_times();
    assert!(times.len() >= 6, "{} requests", times.len());
    // 1200 per five minutes: one request every 250 ms, retries included.
    for pair in times.windows(2) {
        let gap = pair[1].duration_since(pair[0]);
        assert!(
            gap >= Duration::from_millis(240),
            "{gap:?} between two requests"
        );
    }
}

#[test]
fn retries_are_logged_as_warnings_without_a_terminal() {
    let dir = scratch("retries");
    let output = run(&dir, &["--demo"]);
    assert!(output.status.success());
    let text = stderr(&output);
    let retries: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["level"] == "warning" && l["source"] == "retry")
        .collect();
    // The demo fails one request of the account log with a 503, one of the insights log with a
    // 429 and one of Audit Logs v2 with a 502.
    let said = |status: &str| {
        retries.iter().any(|r| {
            let message = r["message"].as_str().unwrap();
            message.contains(&format!("got HTTP {status}")) && message.contains("retrying in")
        })
    };
    assert!(said("503") && said("429") && said("502"), "{text}");
}

#[test]
fn a_checkpoint_in_a_new_directory_is_made_there() {
    let dir = scratch("nested");
    let args = [
        &ACCOUNT_LOG[..],
        &["--out", "out/o.jsonl", "--checkpoint", "state/cp.json"],
    ]
    .concat();
    let output = run(&dir, &args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.join("state/cp.json").exists());
    assert_eq!(ids_once(&dir.join("out/o.jsonl")), 250);
}

#[test]
fn a_checkpoint_needs_an_output_file() {
    let dir = scratch("stdout");
    let output = run(
        &dir,
        &[&ACCOUNT_LOG[..], &["--checkpoint", "cp.json"]].concat(),
    );
    refused(&output, "--checkpoint needs --out FILE");
    assert!(!dir.join("cp.json").exists() && !dir.join("cp.json.lock").exists());
}

#[test]
fn a_missing_output_is_an_error_and_is_not_created_again() {
    let dir = scratch("missing");
    let args = [
        &ACCOUNT_LOG[..],
        &["--out", "o.jsonl", "--checkpoint", "cp.json"],
    ]
    .concat();
    assert!(run(&dir, &args).status.success());
    std::fs::remove_file(dir.join("o.jsonl")).unwrap();
    let output = run(&dir, &args);
    refused(&output, "o.jsonl does not exist");
    assert!(!dir.join("o.jsonl").exists());

    // A new checkpoint beside an output that holds an earlier export: refused, not wiped.
    std::fs::write(dir.join("o.jsonl"), b"{\"earlier\": true}\n").unwrap();
    let fresh = [
        &ACCOUNT_LOG[..],
        &["--out", "o.jsonl", "--checkpoint", "new.json"],
    ]
    .concat();
    let output = run(&dir, &fresh);
    refused(&output, "no checkpoint accounts for");
    assert_eq!(
        std::fs::read(dir.join("o.jsonl")).unwrap(),
        b"{\"earlier\": true}\n"
    );
}

#[test]
fn failures_name_the_file_and_leave_no_temporary_file() {
    let dir = scratch("io");
    #[cfg(target_os = "linux")]
    {
        let output = run(&dir, &[&ACCOUNT_LOG[..], &["--out", "/dev/full"]].concat());
        refused(&output, "writing /dev/full");
    }
    // A checkpoint that cannot replace what is at its path.
    let blocked = dir.join("cp.json");
    std::fs::create_dir_all(blocked.join("inside")).unwrap();
    let error = Checkpoint::new("x".into()).save(&blocked).unwrap_err();
    assert!(
        error.to_string().contains("saving the checkpoint"),
        "{error}"
    );
    assert!(error.to_string().contains("cp.json"), "{error}");
    assert!(
        !dir.join("cp.json.tmp").exists(),
        "no temporary file is left"
    );
}

#[test]
fn following_the_access_logs_writes_each_event_once_with_or_without_an_id() {
    use cloudflare_audit_logs_cli::demo::access::{ACCESS_EVENTS, SCIM_UPDATES};
    for (log, total) in [("access", ACCESS_EVENTS), ("scim", SCIM_UPDATES)] {
        let dir = scratch(&format!("follow-{log}"));
        let args = [
            "--demo",
            "--log",
            log,
            "--follow",
            "--interval",
            "1s",
            "--out",
            "o.jsonl",
            "--checkpoint",
            "cp.json",
        ];
        let mut child = command(&dir, &args).spawn().unwrap();
        // Several polls: each lists again from the overlap before the latest event.
        std::thread::sleep(Duration::from_millis(3500));
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(child.wait().unwrap().code(), Some(130));
        let text = std::fs::read_to_string(dir.join("o.jsonl")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let unique: HashSet<&str> = lines.iter().copied().collect();
        assert_eq!((lines.len(), unique.len()), (total, total), "{log}");
    }
}
