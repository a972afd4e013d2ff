//! Feeds arbitrary text to the client as a base URL and as a path identifier. Nothing may
//! panic; a base URL the builder accepts goes over TLS or to this machine and carries no user
//! name, password or query; a base URL's password never shows in `Debug`; an identifier the
//! generated types accept fills exactly one path segment, unchanged.
#![no_main]

use cloudflare_audit_logs::generated::types::Identifier;
use cloudflare_audit_logs::{Client, Credentials};
use libfuzzer_sys::fuzz_target;
use url::Url;

fn client_builder(base_url: &str) -> cloudflare_audit_logs::ClientBuilder {
    Client::builder()
        .credentials(Credentials::api_token("fuzz-token"))
        .base_url(base_url)
}

fn base_url(text: &str) {
    let builder = client_builder(text);
    if let Ok(parsed) = Url::parse(text) {
        if let Some(password) = parsed.password().filter(|p| p.len() > 3) {
            // The password's text may stand in the parts `Debug` shows too (the path): it
            // may show only where it shows for the same URL without the password.
            let mut without = parsed.clone();
            let plain = match without.set_password(None) {
                Ok(()) => format!("{:?}", client_builder(without.as_str())),
                Err(()) => String::new(),
            };
            assert!(
                !format!("{builder:?}").contains(password) || plain.contains(password),
                "Debug shows a password"
            );
        }
    }
    let Ok(client) = builder.build() else { return };
    let root = Url::parse(client.base_url()).expect("an accepted base URL parses");
    assert!(root.username().is_empty() && root.password().is_none());
    assert!(root.query().is_none() && root.fragment().is_none());
    let host = root.host_str().unwrap_or_default();
    let local = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    assert!(
        root.scheme() == "https" || (root.scheme() == "http" && local),
        "{root}"
    );
}

fn identifier(text: &str) {
    let Ok(id) = Identifier::try_from(text) else {
        return;
    };
    assert!(
        text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()),
        "{text:?}"
    );
    let url = Url::parse(&format!(
        "https://api.example/client/v4/accounts/{}/audit_logs",
        *id
    ))
    .expect("a URL with an accepted identifier parses");
    let segments: Vec<_> = url.path_segments().expect("a base URL").collect();
    assert_eq!(segments, ["client", "v4", "accounts", text, "audit_logs"]);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        base_url(text);
        identifier(text);
    }
});
