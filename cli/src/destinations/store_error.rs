//! An object store's error in plain words: the store client's message with every cause
//! under it, then what it most likely means and what to do (a plain-http endpoint not
//! allowed, a bucket that does not exist, credentials refused); and whether waiting can heal
//! it.

/// The error's whole message, and a hint when one fits.
pub fn plain_words(error: &object_store::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        let more = e.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = e.source();
    }
    match hint(&text) {
        Some(hint) => format!("{text}\n  {hint}"),
        None => text,
    }
}

/// What an error's text most likely means, and what to do.
fn hint(text: &str) -> Option<String> {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap_or_default();
    let allow_http = std::env::var("AWS_ALLOW_HTTP").is_ok_and(|v| v == "true");
    if text.contains("builder error") && endpoint.starts_with("http://") && !allow_http {
        return Some(format!(
            "AWS_ENDPOINT_URL is plain http ({endpoint}): set AWS_ALLOW_HTTP=true to use it (a \
             local test store), or give an https endpoint"
        ));
    }
    if text.contains("NoSuchBucket") {
        return Some(
            "the bucket does not exist: create it, or check the URL's bucket name (and \
             AWS_REGION, AWS_ENDPOINT_URL)"
                .into(),
        );
    }
    if [
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
    ]
    .iter()
    .any(|code| text.contains(code))
    {
        return Some(
            "the store refused the credentials: check AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY (or AWS_SESSION_TOKEN)"
                .into(),
        );
    }
    if text.contains("AccessDenied") || text.contains("status 403") {
        return Some(
            "access denied: the credentials may not read or write under this prefix; check \
             the bucket's policy and the key's permissions"
                .into(),
        );
    }
    None
}

/// Whether waiting may heal `error`: the store did not answer, or answered with a server
/// error. object_store reports those as `Generic`, as it does a refusal (a 4xx: a missing
/// bucket, denied access) and a client that cannot be built, which waiting does not heal.
pub fn transient(error: &object_store::Error) -> bool {
    if !matches!(error, object_store::Error::Generic { .. }) {
        return false;
    }
    let text = plain_words(error);
    let refused = text.contains("Client error with status 4")
        || text.contains("status 4")
        || text.contains("builder error")
        || hint(&text).is_some();
    !refused
}
