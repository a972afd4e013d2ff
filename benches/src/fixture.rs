//! The fixture server: every log's endpoint ([`crate::logs::Log`]) over HTTP/1.1 on
//! loopback, Nagle off, pages rendered once and cached (or on the fly for very long logs),
//! with an optional latency per request.
//! It runs in its own process so that its work and memory are not counted as the client's.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// What the fixture serves.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Entries in each log.
    pub entries: usize,
    /// Delay before each answer.
    pub latency: Duration,
    /// Whether the account pages carry `total_pages`.
    pub totals: bool,
    /// Whether to render every page up front (off for very long logs).
    pub cache: bool,
}

/// The account audit log entry numbered `i`, as Cloudflare shapes it.
fn audit_log(out: &mut String, i: usize) {
    let _ = write!(
        out,
        r#"{{"id":"d5b0f326-1232-4452-8858-{i:012}","action":{{"result":true,"type":"change_setting"}},"actor":{{"email":"michelle@example.com","id":"f6b5de0326bb5182b8a4840ee01ec774","ip":"198.41.129.166","type":"user"}},"interface":"API","metadata":{{"name":"security_level","type":"firewall","value":"high","zone_name":"example.com"}},"newValue":"low","oldValue":"high","owner":{{"id":"023e105f4ecef8ad9ca31a8372d0c353"}},"resource":{{"id":"023e105f4ecef8ad9ca31a8372d0c353","type":"zone"}},"when":"2026-01-01T{:02}:{:02}:{:02}Z"}}"#,
        (i / 3600) % 24,
        (i / 60) % 60,
        i % 60
    );
}

/// The insights entry numbered `i`.
fn insight(out: &mut String, i: usize) {
    let _ = write!(
        out,
        r#"{{"id":"019b0000-0000-7000-8000-{i:012}","changed_at":"2026-01-01T{:02}:{:02}:{:02}Z","changed_by":"system","current_value":"resolved","field_changed":"status","issue_id":"issue-{}","previous_value":"active","rationale":null,"zone_id":1234567}}"#,
        (i / 3600) % 24,
        (i / 60) % 60,
        i % 60,
        i % 97
    );
}

/// The Audit Logs v2 entry numbered `i`.
fn audit_log_v2(out: &mut String, i: usize) {
    let _ = write!(
        out,
        r#"{{"id":"2b6e0c1a-0000-4000-8000-{i:012}","account":{{"id":"023e105f4ecef8ad9ca31a8372d0c353","name":"Production"}},"action":{{"description":"Changed a setting","result":"success","time":"2026-01-01T{:02}:{:02}:{:02}Z","type":"update"}},"actor":{{"id":"f6b5de0326bb5182b8a4840ee01ec774","context":"api_token","email":"michelle@example.com","ip_address":"198.41.129.166","token_id":"b1946ac92492d2347c6235b4d2611184","token_name":"ci","type":"user"}},"raw":{{"cf_ray_id":"8f0c5f0e2a3b1c4d","method":"PATCH","status_code":200,"uri":"/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/settings/security_level","user_agent":"curl/8.5.0"}},"resource":{{"id":"security_level","product":"zones","request":{{"value":"high"}},"response":{{"value":"high"}},"scope":{{"id":"023e105f4ecef8ad9ca31a8372d0c353"}},"type":"zone_setting"}},"zone":{{"id":"023e105f4ecef8ad9ca31a8372d0c353","name":"example.com"}}}}"#,
        (i / 3600) % 24,
        (i / 60) % 60,
        i % 60
    );
}

/// The Access authentication event numbered `i`.
fn access_request(out: &mut String, i: usize) {
    let _ = write!(
        out,
        r#"{{"action":"login","allowed":{},"app_domain":"app.example.com","app_uid":"df7e2w5f-02b7-4d9d-af26-8d1988fca630","connection":"saml","created_at":"2026-01-01T{:02}:{:02}:{:02}Z","ip_address":"198.41.129.166","ray_id":"{i:016x}","user_email":"michelle@example.com"}}"#,
        !i.is_multiple_of(7),
        (i / 3600) % 24,
        (i / 60) % 60,
        i % 60
    );
}

/// The Access SCIM update numbered `i` (its request body is JSON text in a string).
fn scim_update(out: &mut String, i: usize) {
    let _ = write!(
        out,
        r#"{{"cf_resource_id":"bd97ef8d-7986-43e3-9ee0-{i:012}","error_description":null,"idp_id":"okta-idp","idp_resource_id":"00u1abcd{i:08}","logged_at":"2026-01-01T{:02}:{:02}:{:02}Z","request_body":"{{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{{\"op\":\"replace\",\"value\":{{\"active\":false}}}}]}}","request_method":"PATCH","resource_group_name":null,"resource_type":"USER","resource_user_email":"michelle@example.com","status":"SUCCESS"}}"#,
        (i / 3600) % 24,
        (i / 60) % 60,
        i % 60
    );
}

/// Which page of which log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum PageKey {
    Account {
        page: usize,
        per_page: usize,
    },
    Access {
        page: usize,
        per_page: usize,
    },
    Scim {
        page: usize,
        per_page: usize,
    },
    Insights {
        offset: usize,
        per_page: usize,
    },
    V2 {
        offset: usize,
        limit: usize,
        history: bool,
    },
}

fn render(config: &Config, key: PageKey) -> Bytes {
    let mut out = String::with_capacity(600 * 1000);
    out.push_str(r#"{"success":true,"errors":[],"messages":[],"result":["#);
    let (from, to, per_page) = match key {
        PageKey::Account { page, per_page }
        | PageKey::Access { page, per_page }
        | PageKey::Scim { page, per_page } => {
            let from = (page.saturating_sub(1) * per_page).min(config.entries);
            (from, (from + per_page).min(config.entries), per_page)
        }
        PageKey::Insights { offset, per_page }
        | PageKey::V2 {
            offset,
            limit: per_page,
            ..
        } => {
            let from = offset.min(config.entries);
            (from, (from + per_page).min(config.entries), per_page)
        }
    };
    for i in from..to {
        if i > from {
            out.push(',');
        }
        match key {
            PageKey::Account { .. } => audit_log(&mut out, i),
            PageKey::Access { .. } => access_request(&mut out, i),
            PageKey::Scim { .. } => scim_update(&mut out, i),
            PageKey::Insights { .. } => insight(&mut out, i),
            PageKey::V2 { .. } => audit_log_v2(&mut out, i),
        }
    }
    match key {
        PageKey::Account { page, .. }
        | PageKey::Access { page, .. }
        | PageKey::Scim { page, .. } => {
            let _ = write!(
                out,
                r#"],"result_info":{{"page":{page},"per_page":{per_page},"count":{}"#,
                to - from
            );
            if config.totals {
                let pages = config.entries.div_ceil(per_page);
                let _ = write!(
                    out,
                    r#","total_count":{},"total_pages":{pages}"#,
                    config.entries
                );
            }
            out.push_str("}}");
        }
        PageKey::Insights { .. } => {
            let _ = write!(
                out,
                r#"],"result_info":{{"count":{},"per_page":{per_page}"#,
                to - from
            );
            if to < config.entries {
                let _ = write!(out, r#","cursor":"o{to}""#);
            }
            out.push_str("}}");
        }
        PageKey::V2 { history, .. } => {
            let _ = write!(out, r#"],"result_info":{{"count":{}"#, to - from);
            if history {
                out.push_str(r#","history_status":"exact""#);
            }
            if to < config.entries {
                let _ = write!(out, r#","cursors":{{"after":"o{to}"}}"#);
            }
            out.push_str("}}");
        }
    }
    Bytes::from(out)
}

fn key_of(path: &str, query: &str) -> Option<PageKey> {
    let param = |name: &str| {
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then_some(v)
        })
    };
    let number =
        |name: &str, default: usize| param(name).and_then(|v| v.parse().ok()).unwrap_or(default);
    if path.ends_with("/audit_logs") {
        Some(PageKey::Account {
            page: number("page", 1),
            per_page: number("per_page", 100),
        })
    } else if path.ends_with("/access/logs/access_requests") {
        Some(PageKey::Access {
            page: number("page", 1),
            per_page: number("per_page", 25),
        })
    } else if path.ends_with("/access/logs/scim/updates") {
        Some(PageKey::Scim {
            page: number("page", 1),
            per_page: number("per_page", 25),
        })
    } else if path.ends_with("/audit-log")
        || path.ends_with("/logs/audit")
        || path.ends_with("/history")
    {
        let offset = param("cursor")
            .and_then(|c| c.strip_prefix('o'))
            .and_then(|o| o.parse().ok())
            .unwrap_or(0);
        Some(match path.ends_with("/audit-log") {
            true => PageKey::Insights {
                offset,
                per_page: number("per_page", 25),
            },
            false => PageKey::V2 {
                offset,
                limit: number("limit", 100),
                history: path.ends_with("/history"),
            },
        })
    } else {
        None
    }
}

/// Serves until the process ends; prints `listening PORT` once ready.
pub async fn serve(config: Config) -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let cache: Arc<Mutex<HashMap<PageKey, Bytes>>> = Arc::default();
    {
        use std::io::Write;
        let mut stdout = std::io::stdout();
        writeln!(stdout, "listening {port}")?;
        stdout.flush()?;
    }
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        let cache = cache.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                let cache = cache.clone();
                async move {
                    if !config.latency.is_zero() {
                        tokio::time::sleep(config.latency).await;
                    }
                    let uri = request.uri();
                    let Some(key) = key_of(uri.path(), uri.query().unwrap_or("")) else {
                        let mut missing = Response::new(Full::new(Bytes::from_static(b"{}")));
                        *missing.status_mut() = hyper::StatusCode::NOT_FOUND;
                        return Ok::<_, Infallible>(missing);
                    };
                    let body = if config.cache {
                        let cached = cache.lock().ok().and_then(|c| c.get(&key).cloned());
                        match cached {
                            Some(body) => body,
                            None => {
                                let body = render(&config, key);
                                if let Ok(mut c) = cache.lock() {
                                    c.insert(key, body.clone());
                                }
                                body
                            }
                        }
                    } else {
                        render(&config, key)
                    };
                    let mut response = Response::new(Full::new(body));
                    response.headers_mut().insert(
                        "content-type",
                        hyper::header::HeaderValue::from_static("application/json"),
                    );
                    Ok(response)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
