//! Property: however a data set is split into pages, and whatever mix of retried failures the
//! server throws in, iteration yields every entry exactly once, in order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudflare_audit_logs::{Client, Credentials, InsightsScope, RetryPolicy};
use cloudflare_audit_logs_server::scripted::{Reply, Request, Scripted};
use futures::TryStreamExt;
use proptest::prelude::*;
use serde_json::{Value, json};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

/// A failure the client must ride out.
#[derive(Clone, Copy, Debug)]
enum Fault {
    RateLimited,
    ServerError,
    Reset,
    Closed,
    CutBody,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        Just(Fault::RateLimited),
        Just(Fault::ServerError),
        Just(Fault::Reset),
        Just(Fault::Closed),
        Just(Fault::CutBody),
    ]
}

fn reply(fault: Fault, page: &Value) -> Reply {
    let body = page.to_string().into_bytes();
    match fault {
        Fault::RateLimited => Reply::json(
            429,
            &json!({"success": false, "errors": [], "messages": []}),
        )
        .with_header("retry-after", "0"),
        Fault::ServerError => Reply::text(503, "text/html", "<h1>unavailable</h1>"),
        Fault::Reset => Reply::ResetMidBody {
            sent: body.len() / 3,
            body,
        },
        Fault::Closed => Reply::Close,
        Fault::CutBody => Reply::Truncated {
            status: 200,
            sent: body.len() / 2,
            body,
        },
    }
}

fn entry(i: usize) -> Value {
    json!({"id": format!("019b0000-0000-7000-8000-{i:012}"), "changed_by": "system", "zone_id": i})
}

fn log(i: usize) -> Value {
    json!({"id": format!("log-{i}"), "action": {"type": "add"}})
}

fn number(id: &str) -> usize {
    id.rsplit(['-']).next().unwrap().parse().unwrap()
}

fn client(base: String) -> Client {
    Client::builder()
        .credentials(Credentials::api_token("t"))
        .base_url(base)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(3)
                .base_delay(Duration::from_micros(100))
                .max_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap()
}

/// Serves `pages[k]` at position `k`, failing first with `faults[k]`.
fn serve(
    pages: Vec<Value>,
    faults: Vec<Vec<Fault>>,
    position: impl Fn(&Request) -> usize + Send + Sync + 'static,
) -> impl Fn(&Request) -> Reply + Send + Sync + 'static {
    let tries: Arc<Mutex<HashMap<usize, usize>>> = Arc::default();
    move |request| {
        let k = position(request);
        let page = &pages[k];
        let mut tries = tries.lock().unwrap();
        let n = tries.entry(k).or_default();
        *n += 1;
        match faults.get(k).and_then(|f| f.get(*n - 1)) {
            Some(&fault) => reply(fault, page),
            None => Reply::json(200, page),
        }
    }
}

/// The entries' numbers up to the run's end, and the page count of a `NoProgress` that ended
/// it. Any other error fails the test.
async fn until_error<T>(
    entries: impl futures::Stream<Item = Result<T, cloudflare_audit_logs::Error>>,
    number: impl Fn(T) -> usize,
) -> (Vec<usize>, Option<u32>) {
    use cloudflare_audit_logs::{Error, PaginationError};
    let mut entries = std::pin::pin!(entries);
    let mut got = Vec::new();
    loop {
        match entries.try_next().await {
            Ok(Some(entry)) => got.push(number(entry)),
            Ok(None) => return (got, None),
            Err(Error::Pagination(PaginationError::NoProgress { pages })) => {
                return (got, Some(pages));
            }
            Err(e) => panic!("{e}"),
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn cursor_pages_of_any_size_with_any_faults(
        total in 0usize..40,
        sizes in prop::collection::vec(0usize..7, 1..12)
            .prop_filter("some page holds entries", |sizes| sizes.iter().any(|&n| n > 0)),
        faults in prop::collection::vec(prop::collection::vec(fault(), 0..3), 0..12),
        // 0: the insights log (`cursor`); 1: Audit Logs v2 (`cursors.after`); 2: Audit Logs v2
        // with the documentation example's `cursor`.
        form in 0u8..3,
        // How many pages in a row may bring nothing before the run calls the server stalled.
        limit in 0u32..8,
    ) {
        // Split 0..total into pages of the given sizes (cycling), empty pages included.
        let mut pages = Vec::new();
        let mut from = 0;
        let mut k = 0;
        // What the run must give: every entry, unless `limit` pages in a row that point on
        // bring nothing; then the entries before them and `NoProgress`.
        let (mut expected, mut stalled, mut stopped) = (Vec::new(), 0u32, None);
        while from < total || pages.is_empty() {
            let size = sizes[k % sizes.len()];
            let to = (from + size).min(total);
            let entries: Vec<Value> = (from..to).map(entry).collect();
            if stopped.is_none() {
                expected.extend(from..to);
                stalled = if to == from { stalled + 1 } else { 0 };
                if to < total && stalled >= limit.max(1) {
                    stopped = Some(stalled);
                }
            }
            from = to;
            k += 1;
            let cursor = (from < total).then(|| format!("p{k}"));
            let info = match form {
                1 => json!({"cursors": {"after": cursor}}),
                _ => json!({"cursor": cursor}),
            };
            pages.push(json!({"success": true, "errors": [], "messages": [], "result": entries,
                              "result_info": info}));
        }
        let got: (Vec<usize>, Option<u32>) = runtime().block_on(async {
            let server = Scripted::start(serve(pages, faults, |r: &Request| {
                r.param("cursor").map_or(0, |c| c[1..].parse().unwrap())
            })).await.expect("the scripted server starts");
            let client = client(server.base_url());
            if form == 0 {
                let entries = client
                    .insights_audit_log(InsightsScope::Account(ACCOUNT.into()))
                    .max_pages_without_progress(limit)
                    .stream();
                until_error(entries, |e| number(&e.id.unwrap().to_string())).await
            } else {
                let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
                let entries = client
                    .account_audit_logs_v2(ACCOUNT, day, day)
                    .max_pages_without_progress(limit)
                    .stream();
                until_error(entries, |e| number(e.id.as_deref().unwrap())).await
            }
        });
        prop_assert_eq!(got, (expected, stopped));
    }

    #[test]
    fn numbered_pages_with_any_page_info_and_faults(
        total in 0usize..40,
        per_page in 1usize..7,
        info in 0u8..3,
        k in 1usize..6,
        faults in prop::collection::vec(prop::collection::vec(fault(), 0..3), 0..12),
    ) {
        let page_count = total.div_ceil(per_page).max(1);
        // Empty pages past the data: one for servers that only stop on an empty page, and
        // room for the pages fetched ahead.
        let pages: Vec<Value> = (0..=page_count + 8).map(|k| {
            let from = (k * per_page).min(total);
            let to = ((k + 1) * per_page).min(total);
            let result_info = match info {
                0 => json!({"page": k + 1, "per_page": per_page, "total_pages": page_count}),
                1 => json!({"per_page": per_page}),
                _ => Value::Null,
            };
            json!({"success": true, "result": (from..to).map(log).collect::<Vec<_>>(),
                   "result_info": result_info})
        }).collect();
        let got: Vec<usize> = runtime().block_on(async {
            let server = Scripted::start(serve(pages, faults, |r: &Request| {
                r.param("page").unwrap().parse::<usize>().unwrap() - 1
            })).await.expect("the scripted server starts");
            let entries: Vec<_> = client(server.base_url())
                .account_audit_logs(ACCOUNT)
                .per_page(per_page as u64)
                .concurrency(k)
                .stream()
                .try_collect()
                .await
                .unwrap();
            entries.iter().map(|e| number(e.id.as_deref().unwrap())).collect()
        });
        prop_assert_eq!(got, (0..total).collect::<Vec<_>>());
    }
}
