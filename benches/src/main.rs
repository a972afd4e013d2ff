//! The benchmark harness: `cargo run --release -p cloudflare-audit-logs-bench`.
//!
//! In one run it starts the local server (the `cloudflare-audit-logs-server` crate, quiet:
//! no faults, no extra fields, every log of the same length, answers kept) in a child process and measures, for every log
//! ([`logs::Log::ALL`]), decoding on one core and the raw floor (the same pages fetched one
//! after another on one connection into bytes, no parsing) against the crate's full typed
//! iteration, on loopback and with 20 ms per request; then the account log with 50 ms of
//! latency per request against the ideal for 1 to 8 pages in flight; then the export command;
//! then the peak RSS of a process streaming 1,000,000 entries of each log; then, when the
//! official Python SDK is installed, the same listings through it.
//!
//! Subcommands used by the harness itself: `server` (the local server) and `rss` (a streaming run
//! that reports its own peak memory).

mod decode;
mod export;
mod logs;
mod process;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cloudflare_audit_logs::{Client, Credentials};

use logs::{Log, Read, floor, typed};

const RUNS: usize = 5;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The local server in a child process, stopped on drop.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(entries: usize, latency_ms: u64, cache: bool) -> Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .args([
                "server",
                &entries.to_string(),
                &latency_ms.to_string(),
                if cache { "cache" } else { "live" },
            ])
            .stdout(Stdio::piped())
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let base = line
            .trim()
            .strip_prefix("listening ")
            .ok_or("the server did not start")?;
        Ok(Server {
            child,
            base: base.to_owned(),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The median wall time of `RUNS` runs, after one warm-up run.
async fn median<F, Fut>(mut run: F) -> Result<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize>>,
{
    run().await?;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        run().await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[RUNS / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// With a realistic round trip, the network hides decoding: the raw floor fetched one page
/// after another against typed iteration.
async fn near_network() -> Result<()> {
    let (entries, per_page, latency_ms) = (100_000usize, 1000usize, 20u64);
    let server = Server::start(entries, latency_ms, true)?;
    println!(
        "\n### {latency_ms} ms per request ({entries} entries, {per_page} per page): the floor against typed iteration\n"
    );
    println!(
        "| endpoint | raw floor (one page after another) | typed iteration | ratio |\n|---|---|---|---|"
    );
    let runs = Log::ALL.into_iter().map(|log| (log, 1usize));
    for (log, k) in std::iter::once((Log::Account, 4)).chain(runs) {
        let name = match k {
            1 => format!("{}, 1 ahead", log.name()),
            _ => format!("{}, {k} in flight", log.name()),
        };
        let base = server.base.clone();
        let raw = median(|| floor(&base, log, entries, per_page)).await?;
        let full = median(|| typed(&base, log, per_page, k)).await?;
        println!(
            "| {name} | {} | {} | {:.2}× |",
            ms(raw),
            ms(full),
            full.as_secs_f64() / raw.as_secs_f64()
        );
    }
    Ok(())
}

async fn latency() -> Result<()> {
    let (pages, per_page, latency_ms) = (100usize, 100usize, 50u64);
    let server = Server::start(pages * per_page, latency_ms, true)?;
    println!("\n### {latency_ms} ms per request, account endpoint, {pages} pages of {per_page}\n");
    println!("| pages in flight | time | ideal | ratio |\n|---|---|---|---|");
    for k in [1usize, 2, 4, 8] {
        let ideal = Duration::from_millis(latency_ms) * (1 + (pages - 1).div_ceil(k)) as u32;
        let base = server.base.clone();
        let took = median(|| typed(&base, Log::Account, per_page, k)).await?;
        println!(
            "| {k} | {} | {} | {:.2}× |",
            ms(took),
            ms(ideal),
            took.as_secs_f64() / ideal.as_secs_f64()
        );
    }
    Ok(())
}

fn peak_rss() -> Result<()> {
    let (entries, per_page) = (1_000_000, 1000);
    println!("\n### Memory: streaming {entries} entries at {per_page} per page\n");
    println!("| endpoint | entries | peak RSS of the client process |\n|---|---|---|");
    for endpoint in Log::ALL.map(Log::name) {
        let output = Command::new(std::env::current_exe()?)
            .args(["rss", endpoint, &entries.to_string(), &per_page.to_string()])
            .output()?;
        let text = String::from_utf8_lossy(&output.stdout);
        println!("| {endpoint} | {}", text.trim());
    }
    Ok(())
}

/// The peak resident set of this process, from the kernel.
fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

async fn rss_run(endpoint: &str, entries: usize, per_page: usize) -> Result<()> {
    let server = Server::start(entries, 0, false)?;
    let count = typed(&server.base, Log::named(endpoint)?, per_page, 4).await?;
    println!("{count} | {} |", vm_hwm());
    Ok(())
}

/// The Python that runs the official SDK: `BENCH_PYTHON`, else the tests' virtual
/// environment (which has the SDK) when it exists, else `python3`.
fn python() -> std::path::PathBuf {
    if let Some(python) = std::env::var_os("BENCH_PYTHON") {
        return python.into();
    }
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/tmp/python-env/bin/python");
    if tests.exists() {
        return tests;
    }
    "python3".into()
}

fn python_sdk() -> Result<()> {
    let entries = 10_000;
    println!(
        "\n### The official Python SDK on the same server ({entries} entries, 1000 per page)\n"
    );
    let python = python();
    let has_sdk = Command::new(&python)
        .args(["-c", "import cloudflare"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_sdk {
        println!("skipped: the official SDK is not installed (pip install cloudflare==5.9.0)");
        return Ok(());
    }
    let server = Server::start(entries, 0, true)?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python_sdk.py");
    println!("| endpoint | Python SDK | this crate | speed-up |\n|---|---|---|---|");
    let runtime = tokio::runtime::Runtime::new()?;
    for log in [Log::Account, Log::Insights] {
        let endpoint = log.name();
        let output = Command::new(&python)
            .args([script, &server.base, endpoint])
            .output()?;
        let text = String::from_utf8_lossy(&output.stdout);
        let seconds: f64 = text
            .trim()
            .parse()
            .map_err(|_| format!("the Python run said {text:?}"))?;
        let base = server.base.clone();
        let ours = runtime.block_on(median(|| typed(&base, log, 1000, 4)))?;
        println!(
            "| {endpoint} | {:.1} ms | {} | {:.0}× |",
            seconds * 1000.0,
            ms(ours),
            seconds / ours.as_secs_f64()
        );
    }
    Ok(())
}

/// A many-source run of the export command's fleet: `sources` accounts against the local server
/// with `latency_ms` per request, under one budget of `requests` per `per`; prints the rate
/// reached against the budget's.
async fn fleet(sources: usize, latency_ms: u64, requests: u32, per: &str) -> Result<()> {
    use cloudflare_audit_logs_cli::{config, exporter::Shutdown, fleet};
    let (entries, per_page) = (2000usize, 100usize);
    let server = Server::start(entries, latency_ms, true)?;
    let dir = std::env::temp_dir().join(format!("cf-audit-bench-fleet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let mut text = format!(
        "[budget]\nrequests = {requests}\nper = \"{per}\"\n[defaults]\nper_page = {per_page}\n"
    );
    for i in 0..sources {
        text.push_str(&format!(
            "[[source]]\nname = \"s{i}\"\nlog = \"account\"\naccount = \"{i:032x}\"\nout = \"s{i}.jsonl\"\n"
        ));
    }
    let plan = config::parse(&text, &dir)?;
    let budget = plan.budget.flatten().ok_or("no budget")?;
    let client = Client::builder()
        .credentials(Credentials::api_token("bench"))
        .base_url(&server.base)
        .rate_limit(budget)
        .build()?;
    let shutdown = std::sync::Arc::new(Shutdown::default());
    let metrics = fleet::Metrics::new(None, &client);
    let started = Instant::now();
    let report = fleet::run(&client, &plan, false, &shutdown, &metrics, |_, _| {}).await;
    let took = started.elapsed();
    let written: u64 = report.sources.values().map(|s| s.written).sum();
    let sent = client.stats().requests;
    let allowed = 1.0 / budget.interval().as_secs_f64();
    println!(
        "\n### {sources} sources, {latency_ms} ms per request, one budget of {requests} per {per}\n\n\
         | entries | requests | time | requests/s | budget/s | entries/s | failed sources |\n\
         |---|---|---|---|---|---|---|\n\
         | {written} | {sent} | {} | {:.2} | {allowed:.2} | {:.0} | {} |",
        ms(took),
        sent as f64 / took.as_secs_f64(),
        written as f64 / took.as_secs_f64(),
        report.sources.values().filter(|s| s.failures > 0).count(),
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `bench server ENTRIES LATENCY_MS cache|live`: the local server, quiet (no faults, no
/// fields no schema names, every log `entries` long), until the process ends; prints
/// `listening BASE_URL` once ready.
async fn serve(entries: usize, latency: Duration, keep_answers: bool) -> Result<()> {
    let options = logs::server_options(entries)
        .latency(latency)
        .keep_answers(keep_answers);
    let server = cloudflare_audit_logs_server::demo::Demo::with(options).await?;
    {
        use std::io::Write;
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening {}", server.base_url())?;
        stdout.flush()?;
    }
    std::future::pending::<()>().await;
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let runtime = tokio::runtime::Runtime::new()?;
    match arg(0) {
        "server" => {
            runtime.block_on(serve(
                arg(1).parse()?,
                Duration::from_millis(arg(2).parse()?),
                arg(3) == "cache",
            ))?;
        }
        "rss" => runtime.block_on(rss_run(arg(1), arg(2).parse()?, arg(3).parse()?))?,
        // bench fleet [SOURCES LATENCY_MS REQUESTS PER]: the export command's many-source run.
        "fleet" => runtime.block_on(fleet(
            arg(1).parse().unwrap_or(20),
            arg(2).parse().unwrap_or(50),
            arg(3).parse().unwrap_or(120),
            if arg(4).is_empty() { "5s" } else { arg(4) },
        ))?,
        // Typed iteration and decoding alone against the raw floor, on loopback.
        "throughput" => runtime.block_on(decode::throughput())?,
        // The official Python SDK against this crate on the same server.
        "python" => python_sdk()?,
        // For a profiler: bench typed LOG LATENCY_MS PAGES_IN_FLIGHT [raw], one typed run.
        // With `raw` last, raw entries (stream_raw) instead.
        "typed" => runtime.block_on(async {
            let server = Server::start(100_000, arg(2).parse()?, true)?;
            let (log, pages) = (Log::named(arg(1))?, arg(3).parse()?);
            let read = if arg(4) == "raw" {
                Read::Raw
            } else {
                Read::Typed
            };
            let started = Instant::now();
            logs::read(&server.base, log, 1000, pages, read).await?;
            println!("{}", ms(started.elapsed()));
            Ok::<(), Box<dyn std::error::Error>>(())
        })?,
        // bench wall [LATENCY_MS]: whole processes against curl's floor (50 and 20 ms).
        "wall" => process::wall(&match arg(1).parse() {
            Ok(latency) => vec![latency],
            Err(_) => vec![50, 20],
        })?,
        "client" => runtime.block_on(process::client_run(arg(1), Log::named(arg(2))?))?,
        // bench cpu: CPU seconds for a million entries, typed iteration and the export.
        "cpu" => process::cpu()?,
        "cpu-run" => runtime.block_on(process::cpu_run(
            arg(1),
            Log::named(arg(2))?,
            arg(3),
            arg(4).parse()?,
        ))?,
        // Typed iteration against the floor with 20 ms per request.
        "network" => runtime.block_on(near_network())?,
        // The export command's throughput against the raw floor: bench export [FORMAT].
        "export" => runtime.block_on(export::table(arg(1)))?,
        // bench decode [LOG [ROUNDS]]: decode that log's entries (the account log's by
        // default) over and over, on this thread (for a profiler), then print the rate.
        "decode" => runtime.block_on(decode::profile(
            Log::named(if arg(1).is_empty() { "account" } else { arg(1) })?,
            arg(2).parse().unwrap_or(10),
        ))?,
        "" => {
            println!("## cloudflare-audit-logs benchmark\n");
            runtime.block_on(decode::throughput())?;
            runtime.block_on(near_network())?;
            runtime.block_on(latency())?;
            runtime.block_on(export::table("jsonl"))?;
            drop(runtime);
            process::wall(&[50, 20])?;
            process::cpu()?;
            peak_rss()?;
            python_sdk()?;
        }
        other => return Err(format!("unknown subcommand {other:?}").into()),
    }
    Ok(())
}
