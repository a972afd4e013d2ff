//! What the generator makes of the spec's lifecycle and servers: a deprecated operation's
//! method is `#[deprecated]`, and the default API root is the spec's first server.

mod common;

use common::SPEC;
use xtask::generator::{Options, generate};

#[test]
fn a_deprecated_operation_has_a_deprecated_method() {
    let edited = SPEC.replacen(
        "      operationId: account_audit_logs\n",
        "      operationId: account_audit_logs\n      deprecated: true\n",
        1,
    );
    assert_ne!(edited, SPEC);
    let code = generate(&edited, Options::default()).unwrap();
    let method = code.find("pub fn account_audit_logs(&self)").unwrap();
    let before = &code[..method];
    let attribute = before.rfind("#[deprecated").unwrap();
    assert!(
        !before[attribute..].contains("pub fn"),
        "the attribute is the method's own"
    );
    // The spec as it is deprecates no operation.
    let plain = generate(SPEC, Options::default()).unwrap();
    let method = plain.find("pub fn account_audit_logs(&self)").unwrap();
    assert!(!plain[method.saturating_sub(200)..method].contains("#[deprecated"));
}

#[test]
fn the_default_api_root_is_the_first_server() {
    let code = generate(SPEC, Options::default()).unwrap();
    assert!(
        code.contains(
            r#"pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";"#
        ),
        "the spec's server"
    );
    let moved = SPEC.replacen(
        "  - url: https://api.cloudflare.com/client/v4\n",
        "  - url: https://api.cloudflare.com/client/v5\n",
        1,
    );
    let code = generate(&moved, Options::default()).unwrap();
    assert!(code.contains(r#""https://api.cloudflare.com/client/v5""#));
    let plain_http = SPEC.replacen(
        "  - url: https://api.cloudflare.com/client/v4\n",
        "  - url: http://api.cloudflare.com/client/v4\n",
        1,
    );
    let refused = generate(&plain_http, Options::default())
        .unwrap_err()
        .to_string();
    assert!(refused.contains("/servers/0/url"), "{refused}");
}
