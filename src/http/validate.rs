//! Checks on what a request will carry, made before it is sent: the caller's identifiers and
//! page sizes, and (in the execution seam) the final URL of every request.

use reqwest::Url;

use crate::Error;

/// Cloudflare's largest page.
pub const MAX_PER_PAGE: u64 = 1000;

/// How many characters of a refused value an error message quotes.
const QUOTE_LEN: usize = 40;

/// Checks a path identifier (an account ID, a zone tag) against what Cloudflare issues:
/// 32 hexadecimal characters. Anything else could leave its path segment (`..`, `/`, `\`).
pub(crate) fn check_identifier(what: &str, value: &str) -> Result<(), Error> {
    if value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    let mut quoted: String = value.chars().take(QUOTE_LEN).collect();
    if value.chars().count() > QUOTE_LEN {
        quoted.push('…');
    }
    Err(Error::InvalidInput(format!(
        "{what} must be a Cloudflare identifier of 32 hexadecimal characters, got {} \
         characters: {quoted:?}",
        value.chars().count()
    )))
}

/// Checks a path identifier whose form Cloudflare does not document (an organization ID, an
/// Audit Logs v2 entry ID): 1 to `max` letters, digits, `-` or `_`, which keeps it inside its
/// path segment.
pub(crate) fn check_segment(what: &str, value: &str, max: usize) -> Result<(), Error> {
    let fits = (1..=max).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if fits {
        return Ok(());
    }
    let mut quoted: String = value.chars().take(QUOTE_LEN).collect();
    if value.chars().count() > QUOTE_LEN {
        quoted.push('…');
    }
    Err(Error::InvalidInput(format!(
        "{what} must be 1 to {max} letters, digits, `-` or `_`, got {quoted:?}"
    )))
}

/// Checks a page size before it is sent (the generated code checks only that it is not 0).
pub(crate) fn check_per_page(per_page: Option<u64>) -> Result<(), Error> {
    match per_page {
        Some(n) if !(1..=MAX_PER_PAGE).contains(&n) => Err(Error::InvalidInput(format!(
            "per_page must be between 1 and {MAX_PER_PAGE}, not {n}"
        ))),
        _ => Ok(()),
    }
}

/// Checks that `url` is `operation`'s path under `base`: the same scheme, host and port, no
/// user name or password, the base path, then the operation's template with every parameter
/// filling exactly one segment that is not a dot segment. `paths` is the table of templates
/// generated from the spec. The answer says what is wrong, without the query (filters may be
/// private).
pub(crate) fn check_destination(
    base: &Url,
    url: &Url,
    operation: &str,
    paths: &[(&str, &str)],
) -> Result<(), String> {
    let Some((_, template)) = paths.iter().find(|(id, _)| *id == operation) else {
        return Err(format!(
            "no path template is known for operation {operation}"
        ));
    };
    let same_origin = url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default();
    if !same_origin || !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "the request for {operation} would go to {}, not to the API root {}",
            origin(url),
            origin(base)
        ));
    }
    let root = base.path().trim_end_matches('/');
    let fits = url
        .path()
        .strip_prefix(root)
        .is_some_and(|rest| fits_template(rest, template));
    if !fits {
        return Err(format!(
            "the request for {operation} would go to the path {}, which does not fit {root}{template}",
            url.path()
        ));
    }
    Ok(())
}

/// Whether `path` (below the API root) is `template` with each `{parameter}` filled by one
/// non-empty segment that is not `.` or `..` (in any spelling).
fn fits_template(path: &str, template: &str) -> bool {
    let mut actual = path.split('/');
    let mut wanted = template.split('/');
    loop {
        match (actual.next(), wanted.next()) {
            (None, None) => return true,
            (Some(a), Some(w)) if w.starts_with('{') && w.ends_with('}') => {
                if a.is_empty() || is_dot_segment(a) {
                    return false;
                }
            }
            (Some(a), Some(w)) if a == w => {}
            _ => return false,
        }
    }
}

/// `.` or `..`, also percent-encoded (`%2e`), as URL parsers read them.
fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

/// A URL's scheme, host and port, which is all an error message needs to show of it.
pub(crate) fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("{}://{host}:{port}", url.scheme()),
        None => format!("{}://{host}", url.scheme()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PATHS: &[(&str, &str)] = &[("op", "/accounts/{account_id}/audit_logs")];

    fn check(base: &str, url: &str) -> Result<(), String> {
        let base = Url::parse(base).unwrap();
        check_destination(&base, &Url::parse(url).unwrap(), "op", PATHS)
    }

    #[test]
    fn identifiers_are_32_hexadecimal_characters() {
        assert!(check_identifier("account_id", "023e105f4ecef8ad9ca31a8372d0c353").is_ok());
        assert!(check_identifier("account_id", "023E105F4ECEF8AD9CA31A8372D0C353").is_ok());
        for bad in [
            "",
            "..",
            ".",
            "a\\b",
            "..\\user",
            "023e105f4ecef8ad9ca31a8372d0c35/",
        ] {
            let error = check_identifier("account_id", bad).unwrap_err().to_string();
            assert!(error.contains("32 hexadecimal characters"), "{error}");
        }
        // Counted in characters, as the message says.
        let error = check_identifier("zone_id", "ééé").unwrap_err().to_string();
        assert!(error.contains("got 3 characters"), "{error}");
    }

    #[test]
    fn a_url_must_fit_the_template_under_the_root() {
        let base = "https://api.example.com/client/v4";
        assert_eq!(
            check(
                base,
                "https://api.example.com/client/v4/accounts/abc/audit_logs?x=1"
            ),
            Ok(())
        );
        for bad in [
            "https://api.example.com/client/v4/user/audit_logs",
            "https://api.example.com/client/v4/accounts//audit_logs",
            "https://api.example.com/client/v4/accounts/a/b/audit_logs",
            "https://api.example.com/client/v4/accounts/%2e%2E/audit_logs",
            "https://api.example.com/other/accounts/abc/audit_logs",
            "https://api.example.com:8443/client/v4/accounts/abc/audit_logs",
            "http://api.example.com/client/v4/accounts/abc/audit_logs",
            "https://evil.example/client/v4/accounts/abc/audit_logs",
            "https://u:p@api.example.com/client/v4/accounts/abc/audit_logs",
        ] {
            assert!(check(base, bad).is_err(), "{bad} passed");
        }
    }

    #[test]
    fn an_unknown_operation_is_refused() {
        let base = Url::parse("https://api.example.com/client/v4").unwrap();
        let url = Url::parse("https://api.example.com/client/v4/accounts/a/audit_logs").unwrap();
        assert!(check_destination(&base, &url, "other", PATHS).is_err());
    }

    #[test]
    fn per_page_is_1_to_1000() {
        assert!(check_per_page(Some(1000)).is_ok());
        assert!(check_per_page(None).is_ok());
        assert!(check_per_page(Some(0)).is_err());
        assert!(check_per_page(Some(1001)).is_err());
    }
}
