//! Whole processes, timed as a user meets them:
//!
//! - `bench wall [LATENCY_MS]`: for every log, 100 pages of 1000 entries served pre-rendered
//!   by the local server, which waits the latency before each answer (50 and 20 ms by default).
//!   The floor is `curl` fetching the same 100 pages one after another on one connection;
//!   against it, a process of this crate's typed iteration (one page ahead). Each is a whole
//!   process, started and timed from here; the median of 3 runs.
//! - `bench cpu`: for every log, the CPU (user + system seconds, from `/proc/self/stat`) a
//!   process spends on a million entries (1000 pages of 1000, no added latency), for typed
//!   iteration and for the export command (JSON Lines to standard output, sent to
//!   `/dev/null`). The server runs in a process of its own and is not counted.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cloudflare_audit_logs_cli::sink::{Format, Sink};

use super::logs::{Log, page_url, typed};
use super::{Result, Server, ms};

const PAGES: usize = 100;
const PER_PAGE: usize = 1000;
const RUNS: usize = 3;

/// The median wall time of `RUNS` runs of a process.
fn median_process(mut make: impl FnMut() -> Command) -> Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let status = make()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            return Err(format!("{:?} failed: {status}", make()).into());
        }
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[RUNS / 2])
}

/// `bench wall [LATENCY_MS]`.
pub fn wall(latencies: &[u64]) -> Result<()> {
    if Command::new("curl").arg("--version").output().is_err() {
        return Err("bench wall measures its floor with curl, which is not installed".into());
    }
    for &latency in latencies {
        let server = Server::start(PAGES * PER_PAGE, latency, true)?;
        println!(
            "\n### Whole processes, {latency} ms per request ({PAGES} pages of {PER_PAGE}): \
             curl's floor against typed iteration, one page ahead\n"
        );
        println!(
            "| log | curl, one page after another | typed iteration | ratio |\n|---|---|---|---|"
        );
        for log in Log::ALL {
            let floor = median_process(|| {
                let mut curl = Command::new("curl");
                curl.args(["--silent", "--fail", "--http1.1"]);
                curl.args(["--header", "Authorization: Bearer bench"]);
                for page in 0..PAGES {
                    curl.args(["--output", "/dev/null"]);
                    curl.arg(page_url(&server.base, log, page, PER_PAGE));
                }
                curl
            })?;
            let ours = median_process(|| {
                let mut bench = Command::new(std::env::current_exe().expect("this program"));
                bench.args(["client", &server.base, log.name()]);
                bench
            })?;
            println!(
                "| {} | {} | {} | {:.3}× |",
                log.name(),
                ms(floor),
                ms(ours),
                ours.as_secs_f64() / floor.as_secs_f64()
            );
        }
    }
    Ok(())
}

/// `bench client BASE LOG`: one typed iteration of the log's 100 pages, one page ahead (the
/// process `bench wall` times).
pub async fn client_run(base: &str, log: Log) -> Result<()> {
    let count = typed(base, log, PER_PAGE, 1).await?;
    if count != PAGES * PER_PAGE {
        return Err(format!("{count} entries of {}", PAGES * PER_PAGE).into());
    }
    Ok(())
}

/// This process's CPU so far (user, system), in seconds: `/proc/self/stat`'s `utime` and
/// `stime`, in clock ticks of 1/100 s (Linux's `USER_HZ`).
fn cpu_seconds() -> Result<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let after = stat.rsplit_once(") ").ok_or("no /proc/self/stat")?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| -> Result<f64> { Ok(fields[i].parse::<f64>()? / 100.0) };
    Ok((tick(11)?, tick(12)?))
}

/// `bench cpu`.
pub fn cpu() -> Result<()> {
    let entries = 1_000_000;
    let server = Server::start(entries, 0, false)?;
    println!(
        "\n### CPU for a million entries ({} pages of {PER_PAGE}, no added latency): user + \
         system seconds of the process\n",
        entries / PER_PAGE
    );
    println!("| log | typed iteration | the export command (JSON Lines) |\n|---|---|---|");
    for log in Log::ALL {
        let mut figures = Vec::new();
        for job in ["typed", "export"] {
            let output = Command::new(std::env::current_exe()?)
                .args([
                    "cpu-run",
                    &server.base,
                    log.name(),
                    job,
                    &entries.to_string(),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()?;
            let text = String::from_utf8_lossy(&output.stderr);
            if !output.status.success() {
                return Err(format!("{} {job}: {text}", log.name()).into());
            }
            figures.push(text.trim().to_owned());
        }
        println!("| {} | {} | {} |", log.name(), figures[0], figures[1]);
    }
    Ok(())
}

/// `bench cpu-run BASE LOG typed|export ENTRIES`: one run, its CPU on standard error.
pub async fn cpu_run(base: &str, log: Log, job: &str, entries: usize) -> Result<()> {
    let started = Instant::now();
    let count = match job {
        "typed" => typed(base, log, PER_PAGE, 1).await?,
        _ => {
            let source = super::export::source(log)?;
            let mut sink = Sink::stdout(Format::Jsonl);
            super::export::export_into(base, &source, PER_PAGE as u64, &mut sink).await? as usize
        }
    };
    if count != entries {
        return Err(format!("{count} entries of {entries}").into());
    }
    let (user, system) = cpu_seconds()?;
    eprintln!(
        "{:.2} s ({user:.2} user + {system:.2} system; {} wall)",
        user + system,
        ms(started.elapsed())
    );
    Ok(())
}
