//! Building clients: TLS, credentials from an environment, secrets kept out of output, and
//! configuration errors that are errors rather than panics.

use crate::common;

use cloudflare_audit_logs::{Client, Credentials, CredentialsError, Error};

const SECRET: &str = "canary-secret-7f3a9c";

fn lookup(vars: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let vars = vars.to_vec();
    move |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn a_tls_client_builds_without_a_process_wide_crypto_provider() {
    let client = Client::builder()
        .credentials(Credentials::api_token(SECRET))
        .build()
        .expect("the default client builds");
    assert_eq!(client.base_url(), "https://api.cloudflare.com/client/v4");
    // A second one too: nothing global was installed the first time.
    Client::builder()
        .credentials(Credentials::global_key("me@example.com", SECRET))
        .base_url("https://api.example.test/client/v4/")
        .build()
        .expect("another client builds");
}

#[test]
fn secrets_never_show_in_debug_output() {
    for credentials in [
        Credentials::api_token(SECRET),
        Credentials::global_key("me@example.com", SECRET),
    ] {
        assert!(!format!("{credentials:?}").contains(SECRET));
        let client = Client::builder().credentials(credentials).build().unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(!format!("{:?}", client.generated()).contains(SECRET));
    }
}

#[test]
fn environment_rules() {
    let token = Credentials::from_lookup(lookup(&[("CLOUDFLARE_API_TOKEN", SECRET)])).unwrap();
    assert!(token.is_api_token());
    let key = Credentials::from_lookup(lookup(&[
        ("CLOUDFLARE_EMAIL", "me@example.com"),
        ("CLOUDFLARE_API_KEY", SECRET),
    ]))
    .unwrap();
    assert!(!key.is_api_token());

    let cases: [(&[(&'static str, &'static str)], CredentialsError); 5] = [
        (&[], CredentialsError::Missing),
        (&[("CLOUDFLARE_API_TOKEN", "")], CredentialsError::Missing),
        (
            &[
                ("CLOUDFLARE_API_TOKEN", SECRET),
                ("CLOUDFLARE_API_KEY", SECRET),
            ],
            CredentialsError::Ambiguous,
        ),
        (
            &[("CLOUDFLARE_EMAIL", "me@example.com")],
            CredentialsError::Incomplete {
                present: "CLOUDFLARE_EMAIL",
                missing: "CLOUDFLARE_API_KEY",
            },
        ),
        (
            &[("CLOUDFLARE_API_KEY", SECRET)],
            CredentialsError::Incomplete {
                present: "CLOUDFLARE_API_KEY",
                missing: "CLOUDFLARE_EMAIL",
            },
        ),
    ];
    for (vars, expected) in cases {
        let err = Credentials::from_lookup(lookup(vars)).unwrap_err();
        assert_eq!(err, expected, "{vars:?}");
        assert!(!err.to_string().contains(SECRET));
    }
}

#[test]
fn values_that_cannot_be_headers_are_errors() {
    for credentials in [
        Credentials::api_token(format!("{SECRET}\r\nX-Injected: 1")),
        Credentials::api_token("   "),
        Credentials::global_key("", SECRET),
        Credentials::global_key("me@example.com", "key\u{7f}"),
        Credentials::api_token(format!("{SECRET}\t")),
        Credentials::api_token(format!(" {SECRET}")),
        Credentials::api_token(format!("{SECRET} ")),
        Credentials::api_token(format!("{SECRET}é")),
        Credentials::global_key(" me@example.com", SECRET),
        Credentials::global_key("mé@example.com", SECRET),
        Credentials::global_key("me@example.com", format!("{SECRET}\u{a0}")),
    ] {
        let err = Client::builder()
            .credentials(credentials)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::Credentials(CredentialsError::Malformed { .. })),
            "{err}"
        );
        assert!(!err.to_string().contains(SECRET));
    }
}

#[test]
fn missing_credentials_and_bad_urls_are_configuration_errors() {
    // The builder reads no environment: its error names the calls that give credentials.
    let err = Client::builder().build().unwrap_err();
    assert!(
        matches!(err, Error::Credentials(CredentialsError::NotGiven)),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains("ClientBuilder::credentials")
            && message.contains("ClientBuilder::from_env"),
        "{message}"
    );
    for url in [
        "not a url",
        "ftp://example.com/client/v4",
        "https://example.com/v4?x=1",
        "mailto:a@b",
    ] {
        let err = Client::builder()
            .credentials(Credentials::api_token(SECRET))
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{url}: {err}");
    }
    let err = Client::builder()
        .credentials(Credentials::api_token(SECRET))
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err}");
}

#[test]
fn a_callers_own_http_client_builder_is_used() {
    let http = cloudflare_audit_logs::http_client_builder()
        .unwrap()
        .pool_max_idle_per_host(2);
    let client = Client::builder()
        .credentials(Credentials::api_token(SECRET))
        .http_client(http)
        .base_url("http://127.0.0.1:9/client/v4")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9/client/v4");
}

#[test]
fn clients_and_streams_can_be_stored_and_moved_between_tasks() {
    fn owned<T: Send + Unpin + 'static>(_: &T) {}
    fn shared<T: Send + Sync + Clone + 'static>(_: &T) {}
    let client = Client::builder()
        .credentials(Credentials::api_token(SECRET))
        .build()
        .unwrap();
    shared(&client);
    owned(&client.account_audit_logs(common::ACCOUNT).stream());
    owned(&client.account_audit_logs(common::ACCOUNT).pages());
    owned(
        &client
            .insights_audit_log(cloudflare_audit_logs::InsightsScope::Zone(
                common::ZONE.into(),
            ))
            .stream(),
    );
    owned(
        &client
            .insights_audit_log(cloudflare_audit_logs::InsightsScope::Account(
                common::ACCOUNT.into(),
            ))
            .pages(),
    );
    // A stream outlives the client value it came from: it holds its own clone.
    let stream = {
        let scoped = client.clone();
        scoped.account_audit_logs(common::ACCOUNT).stream()
    };
    owned(&stream);
}
