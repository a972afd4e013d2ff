//! What a hostile caller value or server answer cannot do: move a request to another path or
//! origin, carry credentials in clear or to another origin, print a secret, or hold a call
//! longer than its timeouts allow. Every server here records what reaches it.

use crate::common;

use std::time::{Duration, Instant};

use cloudflare_audit_logs::{
    Client, ClientBuilder, Credentials, Error, InsightsScope, RetryPolicy, TimeoutKind,
    http_client_builder,
};
use common::scripted::{Reply, Scripted};
use common::{ACCOUNT, TOKEN, ZONE};
use futures::TryStreamExt;
use serde_json::json;

const PASSWORD: &str = "hunter2-canary";

/// Values a tenant could hand in as an identifier to reach another endpoint.
fn hostile_identifiers() -> Vec<String> {
    [
        "..\\user",
        "..",
        ".",
        "",
        "a\\b",
        "..\\..\\user\\tokens",
        "../user",
        "%2e%2e",
        "%2E%2e%5cuser",
        "023e105f4ecef8ad9ca31a8372d0c353/../../user",
        "023e105f4ecef8ad9ca31a8372d0c35?",
        "023e105f4ecef8ad9ca31a8372d0c35#",
        "023e105f4ecef8ad9ca31a8372d0c3 ",
        "023e105f4ecef8ad9ca31a8372d0c35\u{e9}",
    ]
    .into_iter()
    .map(String::from)
    .chain([ACCOUNT.repeat(2)])
    .collect()
}

fn ok_page() -> Reply {
    Reply::json(
        200,
        &json!({"success": true, "errors": [], "messages": [], "result": []}),
    )
}

fn builder_for(server: &Scripted) -> ClientBuilder {
    Client::builder()
        .credentials(Credentials::api_token(TOKEN))
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
}

#[tokio::test]
async fn hostile_identifiers_are_refused_before_any_request() {
    let server = Scripted::start(|_| ok_page())
        .await
        .expect("the scripted server starts");
    let client = builder_for(&server).build().unwrap();
    for id in hostile_identifiers() {
        let outcomes = [
            client.account_audit_logs(&id).send().await.map(drop),
            client
                .insights_audit_log(InsightsScope::Account(id.clone()))
                .send()
                .await
                .map(drop),
            client
                .insights_audit_log(InsightsScope::Zone(id.clone()))
                .send()
                .await
                .map(drop),
            client
                .account_audit_logs(&id)
                .stream()
                .try_collect::<Vec<_>>()
                .await
                .map(drop),
        ];
        for outcome in outcomes {
            let error = outcome.expect_err(&id);
            assert!(
                matches!(error, Error::InvalidInput(ref m) if m.contains("32 hexadecimal")),
                "{id:?}: {error}"
            );
        }
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());
}

#[tokio::test]
async fn the_generated_client_refuses_them_too() {
    let server = Scripted::start(|_| ok_page())
        .await
        .expect("the scripted server starts");
    let client = builder_for(&server).build().unwrap();
    let generated = client.generated();
    for id in hostile_identifiers() {
        let account = generated
            .account_audit_logs()
            .account_id(id.as_str())
            .send()
            .await;
        let insights = generated
            .account_insights_audit_log()
            .account_id(id.as_str())
            .send()
            .await;
        let zone = generated
            .zone_insights_audit_log()
            .zone_id(id.as_str())
            .send()
            .await;
        assert!(account.is_err(), "{id:?}");
        assert!(insights.is_err(), "{id:?}");
        assert!(zone.is_err(), "{id:?}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.requests());

    // A valid identifier still goes to its own path.
    generated
        .account_audit_logs()
        .account_id(ACCOUNT)
        .send()
        .await
        .unwrap();
    let paths: Vec<_> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, [format!("/client/v4/accounts/{ACCOUNT}/audit_logs")]);
}

#[tokio::test]
async fn redirects_are_not_followed_and_carry_no_credential_elsewhere() {
    let elsewhere = Scripted::start(|_| ok_page())
        .await
        .expect("the scripted server starts");
    let target = format!("{}/user/tokens", elsewhere.base_url());
    let credentials = [
        Credentials::api_token(TOKEN),
        Credentials::global_key("me@example.com", PASSWORD),
    ];
    for status in [301, 302, 303, 307, 308] {
        for credentials in credentials.clone() {
            let location = target.clone();
            let origin = Scripted::start(move |_| {
                Reply::text(status, "text/plain", "moved").with_header("location", &location)
            })
            .await
            .expect("the scripted server starts");
            // Even a caller's own HTTP client set to follow redirects does not.
            let http = http_client_builder()
                .unwrap()
                .redirect(reqwest::redirect::Policy::limited(10))
                .referer(true);
            let client = builder_for(&origin)
                .credentials(credentials)
                .http_client(http)
                .build()
                .unwrap();
            let error = client
                .insights_audit_log(InsightsScope::Zone(ZONE.into()))
                .send()
                .await
                .unwrap_err();
            let Error::Redirect {
                status: got,
                location,
            } = &error
            else {
                panic!("not a redirect error: {error}")
            };
            assert_eq!(got.as_u16(), status);
            assert_eq!(location.as_deref(), Some(target.as_str()));
            assert!(error.to_string().contains(&target), "{error}");
            assert_eq!(origin.requests().len(), 1, "a redirect is not retried");
        }
    }
    assert!(
        elsewhere.requests().is_empty(),
        "the other origin was reached: {:?}",
        elsewhere.requests()
    );
}

#[tokio::test]
async fn a_redirect_location_with_a_password_is_shown_without_it() {
    let origin = Scripted::start(|_| {
        Reply::text(302, "text/plain", "")
            .with_header("location", &format!("http://me:{PASSWORD}@127.0.0.1:9/x"))
    })
    .await
    .expect("the scripted server starts");
    let error = builder_for(&origin)
        .build()
        .unwrap()
        .account_audit_logs(ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Redirect { .. }), "{error}");
    assert!(
        !format!("{error} {error:?}").contains(PASSWORD),
        "{error:?}"
    );
}

fn build_error(builder: ClientBuilder) -> Error {
    builder.build().expect_err("the builder refuses this")
}

fn token_builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .credentials(Credentials::api_token(TOKEN))
        .base_url(base_url)
}

#[test]
fn plain_http_goes_only_to_this_machine_unless_allowed() {
    for remote in [
        "http://api.cloudflare.com/client/v4",
        "http://10.0.0.1/client/v4",
        "http://[2001:db8::1]/client/v4",
        "http://localhost.example.com/client/v4",
    ] {
        let error = build_error(token_builder(remote));
        assert!(
            matches!(error, Error::Config(ref m) if m.contains("in clear")),
            "{remote}: {error}"
        );
        // The caller's explicit choice.
        token_builder(remote)
            .danger_allow_plain_http(true)
            .build()
            .unwrap();
    }
    for local in [
        "http://127.0.0.1:9/client/v4",
        "http://127.8.9.10:9/client/v4",
        "http://[::1]:9/client/v4",
        "http://localhost:9/client/v4",
        "https://api.cloudflare.com/client/v4",
    ] {
        token_builder(local).build().unwrap();
    }
}

#[test]
fn user_names_passwords_and_queries_in_a_base_url_are_refused_and_never_printed() {
    for url in [
        format!("https://me:{PASSWORD}@api.cloudflare.com/client/v4"),
        format!("https://{PASSWORD}@api.cloudflare.com/client/v4"),
        format!("http://me:{PASSWORD}@127.0.0.1:9/client/v4"),
        format!("https://api.cloudflare.com/client/v4?token={PASSWORD}"),
        format!("https://api.cloudflare.com/client/v4#{PASSWORD}"),
        format!("https://api.cloudflare.com:{PASSWORD}/client/v4"),
        format!("{PASSWORD} is not a URL"),
    ] {
        let builder = token_builder(&url);
        let shown = format!("{builder:?}");
        assert!(!shown.contains(PASSWORD), "{shown}");
        let error = build_error(builder);
        assert!(matches!(error, Error::Config(_)), "{url}: {error}");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(PASSWORD), "{shown}");
    }
}

#[tokio::test]
async fn a_dripping_body_ends_with_a_request_timeout_within_its_bound() {
    let body = json!({"success": true, "errors": [], "messages": [], "result": []}).to_string();
    let server = Scripted::start(move |_| Reply::Drip {
        body: body.clone().into_bytes(),
        every: Duration::from_millis(50),
    })
    .await
    .expect("the scripted server starts");
    let client = builder_for(&server)
        .timeout(Duration::from_millis(400))
        .read_timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.account_audit_logs(ACCOUNT).send().await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            error,
            Error::Timeout { kind: TimeoutKind::Request, limit, attempts: 1 }
                if limit == Duration::from_millis(400)
        ),
        "{error}"
    );
    assert!(error.to_string().contains("request timeout"), "{error}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[tokio::test]
async fn a_silent_server_ends_with_a_read_timeout() {
    // The head comes, then nothing: no byte for longer than the read timeout.
    let silent = Reply::Drip {
        body: b"{\"success\": true".to_vec(),
        every: Duration::from_secs(30),
    };
    let server = Scripted::start(move |_| silent.clone())
        .await
        .expect("the scripted server starts");
    let client = builder_for(&server)
        .read_timeout(Duration::from_millis(300))
        .retry_policy(common::fast_retries().max_retries(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.account_audit_logs(ACCOUNT).send().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout { kind: TimeoutKind::Idle, limit, attempts: 2 }
                if limit == Duration::from_millis(300)
        ),
        "{error}"
    );
    assert!(error.is_retryable());
    assert!(error.to_string().contains("read timeout"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_run_ends_at_its_deadline() {
    // An endless chain of cursor pages, each a little slow.
    let server = Scripted::start(|request| {
        let n: u64 = request
            .param("cursor")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let page = json!({
            "success": true, "errors": [], "messages": [],
            "result": [common::insight(n as usize)],
            "result_info": {"cursor": (n + 1).to_string()}
        });
        Reply::Delayed(
            Duration::from_millis(100),
            Box::new(Reply::json(200, &page)),
        )
    })
    .await
    .expect("the scripted server starts");
    let client = builder_for(&server)
        .run_timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let started = Instant::now();
    let mut entries = client
        .insights_audit_log(InsightsScope::Zone(ZONE.into()))
        .stream();
    let mut seen = 0;
    let error = loop {
        match entries.try_next().await {
            Ok(Some(_)) => seen += 1,
            Ok(None) => panic!("an endless log ended"),
            Err(error) => break error,
        }
    };
    assert!(
        matches!(error, Error::Timeout { kind: TimeoutKind::Run, limit, .. }
            if limit == Duration::from_millis(700)),
        "{error}"
    );
    assert!(!error.is_retryable());
    assert!(seen >= 2, "only {seen} entries before the deadline");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(entries.try_next().await.unwrap().is_none(), "the run ended");
}
