//! A local stand-in for Cloudflare with realistic sample data for every log, so the export
//! runs with no account: numbered pages with `result_info` for the account and user audit
//! logs, cursor pages for the insights log of the zone and the account (and each insight's, [`crate::demo::access`]),
//! Audit Logs v2 of an account and an organization with each resource's history and the
//! product categories ([`crate::demo::v2`]), numbered pages of Access authentication and SCIM
//! update logs; `since`/`before`/order and some filters honoured (`action.type`,
//! `actor.email`, `field_changed`, `changed_by`, and v2's own); a few failures injected (a 503,
//! a 502 and a 429 the client retries), and logs that can grow while it runs (for follow
//! mode).

pub mod access;
mod data;
mod logs;
mod options;
mod pages;
pub mod v2;

use data::*;
pub use data::{ACCOUNT, FUTURE_FIELD, IDPS, INSIGHTS, ORGANIZATION, ZONE, cursors, issue_of};
use logs::Logs;
pub use options::Options;
use pages::{Rendered, select};

use std::sync::{Arc, Mutex};

use crate::router::{Path, Request, Response, Router, Running};
use serde_json::json;

/// The running demo server; dropping it stops it.
pub struct Demo {
    server: Running,
    logs: Arc<Mutex<Logs>>,
}

impl Demo {
    /// Starts the demo ([`Options::new`]) with `account` and `insights` entries, on a free
    /// loopback port (an error when none can be had).
    pub async fn start(account: usize, insights: usize) -> std::io::Result<Demo> {
        Demo::with(Options::new(account, insights)).await
    }

    /// Starts a server as `options` say, on a free loopback port (an error when none can be
    /// had).
    pub async fn with(options: Options) -> std::io::Result<Demo> {
        let mut router = Router::default();
        let faults = ["account page 2", "insights page 2", "v2 page 2"];
        let logs = Arc::new(Mutex::new(Logs {
            account: options.account,
            insights: options.insights,
            v2: options.v2,
            access: options.access,
            scim: options.scim,
            shape: options.shape(),
            rendered: Rendered {
                kept: options.keep_answers.then(Default::default),
                extra_fields: options.extra_fields,
            },
            requests: Vec::new(),
            fail_once: match options.faults {
                true => faults.into_iter().map(String::from).collect(),
                false => Default::default(),
            },
        }));
        router.latency(options.latency);

        let state = logs.clone();
        let account = match options.any_account {
            true => Path::Segment {
                prefix: "/client/v4/accounts/".into(),
                suffix: "/audit_logs".into(),
            },
            false => Path::Exact(format!("/client/v4/accounts/{ACCOUNT}/audit_logs")),
        };
        let v1 = Path::OneOf(vec![
            account,
            Path::Exact("/client/v4/user/audit_logs".into()),
        ]);
        router.route(v1, move |request: &Request| {
            let query = request.query_params();
            let Ok(mut logs) = state.lock() else {
                return respond(500, &json!({"success": false}));
            };
            logs.requests.push(std::time::Instant::now());
            let page: usize = param(&query, "page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1)
                .max(1);
            let per_page: usize = param(&query, "per_page")
                .and_then(|p| p.parse().ok())
                .unwrap_or(100)
                .clamp(1, 1000);
            if page > 1 && logs.fail_once.remove(&format!("account page {page}")) {
                return Response::builder()
                    .status(503)
                    .header("content-type", "text/html")
                    .body("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
                    .build();
            }
            let descending = param(&query, "direction") != Some("asc");
            let action = param(&query, "action.type");
            let email = param(&query, "actor.email");
            let shape = logs.shape;
            let picked = select(
                logs.account,
                |i| shape.at(account_time, i),
                &query,
                descending,
                (action.is_some() || email.is_some()).then_some(|i: usize| {
                    action.is_none_or(|a| ACTIONS[i % ACTIONS.len()].0 == a)
                        && email.is_none_or(|e| ACTORS[i % ACTORS.len()].0 == e)
                }),
            );
            let total_pages = picked.len().div_ceil(per_page);
            let numbers = picked.page((page - 1) * per_page, per_page);
            let info = json!({"page": page, "per_page": per_page, "count": numbers.len(),
                                      "total_count": picked.len(), "total_pages": total_pages});
            logs.rendered
                .page("account", &numbers, info, |i| audit_log(i, shape))
        });

        crate::demo::v2::mount(&mut router, &logs);

        let state = logs.clone();
        let insights = ["zones/{ZONE}", "accounts/{ACCOUNT}"].map(|owner| {
            let owner = owner.replace("{ZONE}", ZONE).replace("{ACCOUNT}", ACCOUNT);
            Path::Exact(format!(
                "/client/v4/{owner}/security-center/insights/audit-log"
            ))
        });
        router.route(Path::OneOf(insights.into()), move |request: &Request| {
                    let query = request.query_params();
                    let Ok(mut logs) = state.lock() else {
                        return respond(500, &json!({"success": false}));
                    };
                    logs.requests.push(std::time::Instant::now());
                    let offset: usize = param(&query, "cursor")
                        .and_then(|c| c.strip_prefix(cursors::INSIGHTS))
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(0);
                    if offset > 0 && logs.fail_once.remove("insights page 2") {
                        let body = json!({"success": false, "errors": [{"code": 10000, "message": "Rate limited"}], "messages": []});
                        return Response::builder()
                            .status(429)
                            .header("content-type", "application/json")
                            .header("retry-after", "1")
                            .body(body.to_string())
                            .build();
                    }
                    let per_page: usize = param(&query, "per_page").and_then(|p| p.parse().ok()).unwrap_or(25).clamp(1, 1000);
                    let descending = param(&query, "order") != Some("asc");
                    let field = param(&query, "field_changed");
                    let changed_by = param(&query, "changed_by");
                    let shape = logs.shape;
                    let picked = select(logs.insights, |i| shape.at(insight_time, i), &query, descending, (field.is_some() || changed_by.is_some()).then_some(|i: usize| {
                        let (f, by) = insight_facts(i);
                        field.is_none_or(|x| x == f) && changed_by.is_none_or(|x| x == by)
                    }));
                    let numbers = picked.page(offset, per_page);
                    let next = offset + numbers.len();
                    let cursor = (next < picked.len()).then(|| format!("{}{next}", cursors::INSIGHTS));
                    let info = json!({"count": numbers.len(), "per_page": per_page, "cursor": cursor});
                    logs.rendered.page("insights", &numbers, info, |i| insight(i, shape))
                });

        crate::demo::access::mount(&mut router, &logs);
        let server = router.serve().await?;
        Ok(Demo { server, logs })
    }

    /// The API root to give the client.
    pub fn base_url(&self) -> String {
        self.server.url("/client/v4")
    }

    /// New entries arrive in both logs.
    pub fn append(&self, account: usize, insights: usize) {
        self.appender().append(account, insights);
    }

    /// When each request to a log arrived, in order (to check a rate budget against).
    pub fn request_times(&self) -> Vec<std::time::Instant> {
        self.logs
            .lock()
            .map(|l| l.requests.clone())
            .unwrap_or_default()
    }

    /// How many of the injected faults are still to come (each is served once).
    pub fn faults_left(&self) -> usize {
        self.logs.lock().map(|l| l.fail_once.len()).unwrap_or(0)
    }

    /// A handle that adds entries from anywhere (for a background task).
    pub fn appender(&self) -> Appender {
        Appender(self.logs.clone())
    }
}

/// Adds entries to a running demo.
#[derive(Clone)]
pub struct Appender(Arc<Mutex<Logs>>);

impl Appender {
    /// New entries arrive in both logs (and in Audit Logs v2 as in the account log).
    pub fn append(&self, account: usize, insights: usize) {
        if let Ok(mut logs) = self.0.lock() {
            logs.account += account;
            logs.insights += insights;
            logs.v2 += account;
        }
    }
}
