//! Parity with the official Python SDK for what Audit Logs v2 has besides its lists: a
//! resource's history (of an account's entry and of an organization's) and the product
//! categories, on the demo server.

use crate::parity::{client, python_ids};
use cloudflare_audit_logs::{Direction, HistoryStatus, TimeBound};
use cloudflare_audit_logs_cli::demo::{self, v2 as demo_v2};
use futures::TryStreamExt;
use serde_json::json;

const SINCE: &str = "2026-11-01T00:00:00Z";
const BEFORE: &str = "2026-11-02T00:00:00Z";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_history_as_the_python_sdk() {
    // 137 v2 entries change 7 resources in turn: about 20 entries about each.
    let demo = demo::Demo::start(137, 0)
        .await
        .expect("the demo server starts");
    let client = client(&demo);
    let (since, before) = (
        SINCE.parse::<TimeBound>().unwrap(),
        BEFORE.parse::<TimeBound>().unwrap(),
    );
    // An update (identified exactly) and a deletion (approximately), in both directions.
    for (source, direction) in [(40usize, None), (41, Some(Direction::Asc))] {
        let (id, time) = (demo_v2::entry_id(source), demo_v2::v2_time(source));
        for (log, owner) in [
            ("history-account", demo::ACCOUNT),
            ("history-organization", demo::ORGANIZATION),
        ] {
            // The SDK reads one page, so it is asked for all of them in one; this crate pages
            // by 3.
            let mut kwargs = json!({"id": id, "action_time": time.to_rfc3339(),
                                    "since": SINCE, "before": BEFORE, "limit": 1000});
            if direction.is_some() {
                kwargs["direction"] = json!("asc");
            }
            let theirs = python_ids(demo.base_url(), log, owner, kwargs.clone()).await;
            let request = match log {
                "history-account" => client.account_audit_log_history(owner, &id, time),
                _ => client.organization_audit_log_history(owner, &id, time),
            };
            let mut request = request.since(since).before(before).limit(3);
            if let Some(direction) = direction {
                request = request.direction(direction);
            }
            let mut pages = request.pages();
            let (mut ours, mut statuses) = (Vec::new(), Vec::new());
            while let Some(page) = pages.try_next().await.unwrap() {
                statuses.push(page.info.history_status.clone());
                ours.extend(page.entries.into_iter().map(|e| e.id.unwrap_or_default()));
            }
            assert!(statuses.len() > 2, "{log} {kwargs}: several pages");
            let expected = match source % 3 {
                2 => HistoryStatus::Approximate,
                _ => HistoryStatus::Exact,
            };
            assert!(
                statuses.iter().all(|s| s.as_ref() == Some(&expected)),
                "{statuses:?}"
            );
            assert!(ours.contains(&id), "the history holds its own entry");
            assert_eq!(ours, theirs, "{log} with {kwargs}");
        }
    }

    // An entry asked for with another time is not found: both see an empty history.
    let (id, time) = (
        demo_v2::entry_id(40),
        demo_v2::v2_time(41) + chrono::Duration::seconds(1),
    );
    let kwargs =
        json!({"id": id, "action_time": time.to_rfc3339(), "since": SINCE, "before": BEFORE});
    let theirs = python_ids(demo.base_url(), "history-account", demo::ACCOUNT, kwargs).await;
    let page = client
        .account_audit_log_history(demo::ACCOUNT, &id, time)
        .since(since)
        .before(before)
        .send()
        .await
        .unwrap();
    assert!(theirs.is_empty() && page.entries.is_empty());
    assert_eq!(page.info.history_status, Some(HistoryStatus::Unavailable));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_product_categories_as_the_python_sdk() {
    let demo = demo::Demo::start(10, 0)
        .await
        .expect("the demo server starts");
    let theirs = python_ids(
        demo.base_url(),
        "product-categories",
        demo::ACCOUNT,
        json!({}),
    )
    .await;
    let ours: Vec<String> = client(&demo)
        .account_audit_log_product_categories(demo::ACCOUNT)
        .send()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.value.unwrap_or_default())
        .collect();
    assert_eq!(ours, theirs);
    assert!(ours.len() > 1, "{ours:?}");

    // A category filters the account's list by the products it expands to.
    let kwargs = json!({"since": SINCE, "before": BEFORE, "product_category": ["security"]});
    let theirs = python_ids(demo.base_url(), "v2-account", demo::ACCOUNT, kwargs).await;
    let (since, before) = (
        SINCE.parse::<TimeBound>().unwrap(),
        BEFORE.parse::<TimeBound>().unwrap(),
    );
    let entries: Vec<_> = client(&demo)
        .account_audit_logs_v2(demo::ACCOUNT, since, before)
        .product_category("security")
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let products: Vec<_> = entries
        .iter()
        .filter_map(|e| e.resource.as_ref()?.product.clone())
        .collect();
    assert!(!entries.is_empty() && products.len() == entries.len());
    assert!(
        products.iter().all(|p| p == "firewall" || p == "access"),
        "{products:?}"
    );
    let ours: Vec<String> = entries
        .into_iter()
        .map(|e| e.id.unwrap_or_default())
        .collect();
    assert_eq!(ours, theirs, "v2 with a product category");
}
