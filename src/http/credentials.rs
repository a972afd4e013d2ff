//! [`Credentials`]: how requests prove who sends them.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// The environment variable holding an API token.
pub const ENV_API_TOKEN: &str = "CLOUDFLARE_API_TOKEN";
/// The environment variable holding the email that goes with a Global API key.
pub const ENV_EMAIL: &str = "CLOUDFLARE_EMAIL";
/// The environment variable holding a Global API key.
pub const ENV_API_KEY: &str = "CLOUDFLARE_API_KEY";

/// How the client authenticates: an API token (preferred) or a Global API key with its email.
///
/// Nothing is guessed: the kind is the one you pick. Secrets are held as
/// [`secrecy::SecretString`] and never appear in `Debug` output or in errors.
///
/// ```
/// use cloudflare_audit_logs::Credentials;
///
/// let token = Credentials::api_token("s3cr3t-token");
/// assert_eq!(format!("{token:?}"), "Credentials::ApiToken(<redacted>)");
/// let key = Credentials::global_key("me@example.com", "s3cr3t-key");
/// assert!(!format!("{key:?}").contains("s3cr3t"));
/// ```
#[derive(Clone)]
pub struct Credentials(Kind);

#[derive(Clone)]
enum Kind {
    ApiToken(SecretString),
    GlobalKey { email: String, key: SecretString },
}

/// Why credentials could not be read or used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsError {
    /// No credentials were found in the environment.
    #[error(
        "no Cloudflare credentials: set {ENV_API_TOKEN}, or {ENV_EMAIL} together with {ENV_API_KEY}"
    )]
    Missing,
    /// A client was built without credentials: the builder reads none from the environment
    /// unless told to.
    #[error(
        "the client has no credentials: call ClientBuilder::credentials (with \
         Credentials::api_token or Credentials::global_key), or build with \
         ClientBuilder::from_env, which reads {ENV_API_TOKEN} (or {ENV_EMAIL} with {ENV_API_KEY})"
    )]
    NotGiven,
    /// Both an API token and a Global API key were given; which one to use would be a guess.
    #[error(
        "both {ENV_API_TOKEN} and {ENV_EMAIL}/{ENV_API_KEY} are set; keep one kind of credentials"
    )]
    Ambiguous,
    /// One half of the email and Global API key pair is missing.
    #[error("{present} is set but {missing} is not; a Global API key needs both")]
    Incomplete {
        /// The variable that is set.
        present: &'static str,
        /// The variable that is missing.
        missing: &'static str,
    },
    /// A value cannot be a Cloudflare credential: it is empty, has white space around it, or
    /// holds a character that is not visible ASCII (a line break, a tab, a non-ASCII letter).
    /// Nothing was sent.
    #[error("the {what} cannot be a Cloudflare credential: {reason}")]
    Malformed {
        /// Which value (never the value itself).
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl Credentials {
    /// Authenticates with an API token, sent as `Authorization: Bearer <token>`.
    pub fn api_token(token: impl Into<String>) -> Self {
        Credentials(Kind::ApiToken(SecretString::from(token.into())))
    }

    /// Authenticates with a Global API key and its account email, sent as `X-Auth-Key` and
    /// `X-Auth-Email`. Prefer [`Credentials::api_token`]: a token can be scoped and revoked.
    pub fn global_key(email: impl Into<String>, key: impl Into<String>) -> Self {
        Credentials(Kind::GlobalKey {
            email: email.into(),
            key: SecretString::from(key.into()),
        })
    }

    /// Reads `CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` with `CLOUDFLARE_API_KEY`, from the
    /// process environment. See [`Credentials::from_lookup`] for the rules.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads credentials through `lookup` (a variable name in, its value out), which keeps the
    /// rules testable without touching the process environment.
    ///
    /// Empty values count as unset. A token together with a key, or half of the key pair, is
    /// an error rather than a guess.
    ///
    /// ```
    /// use cloudflare_audit_logs::{Credentials, CredentialsError};
    ///
    /// let env = |vars: &'static [(&'static str, &'static str)]| {
    ///     move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    /// };
    /// assert!(Credentials::from_lookup(env(&[("CLOUDFLARE_API_TOKEN", "t")])).is_ok());
    /// assert_eq!(
    ///     Credentials::from_lookup(env(&[("CLOUDFLARE_EMAIL", "me@example.com")])).err(),
    ///     Some(CredentialsError::Incomplete { present: "CLOUDFLARE_EMAIL", missing: "CLOUDFLARE_API_KEY" }),
    /// );
    /// ```
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, CredentialsError> {
        let read = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let token = read(ENV_API_TOKEN);
        let email = read(ENV_EMAIL);
        let key = read(ENV_API_KEY);
        match (token, email, key) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(CredentialsError::Ambiguous),
            (Some(token), None, None) => Ok(Self::api_token(token)),
            (None, Some(email), Some(key)) => Ok(Self::global_key(email, key)),
            (None, Some(_), None) => Err(CredentialsError::Incomplete {
                present: ENV_EMAIL,
                missing: ENV_API_KEY,
            }),
            (None, None, Some(_)) => Err(CredentialsError::Incomplete {
                present: ENV_API_KEY,
                missing: ENV_EMAIL,
            }),
            (None, None, None) => Err(CredentialsError::Missing),
        }
    }

    /// Whether these are an API token (rather than a Global API key).
    pub fn is_api_token(&self) -> bool {
        matches!(self.0, Kind::ApiToken(_))
    }

    /// The headers that carry these credentials, every value marked sensitive.
    pub(crate) fn headers(&self) -> Result<HeaderMap, CredentialsError> {
        let mut headers = HeaderMap::with_capacity(2);
        match &self.0 {
            Kind::ApiToken(token) => {
                let token = token.expose_secret();
                check_visible_ascii(token, "API token")?;
                let mut value = HeaderValue::try_from(format!("Bearer {token}")).map_err(|_| {
                    CredentialsError::Malformed {
                        what: "API token",
                        reason: "it cannot be sent as an HTTP header",
                    }
                })?;
                value.set_sensitive(true);
                headers.insert(AUTHORIZATION, value);
            }
            Kind::GlobalKey { email, key } => {
                headers.insert(
                    HeaderName::from_static("x-auth-email"),
                    sensitive(email, "email")?,
                );
                headers.insert(
                    HeaderName::from_static("x-auth-key"),
                    sensitive(key.expose_secret(), "Global API key")?,
                );
            }
        }
        Ok(headers)
    }
}

/// Refuses what Cloudflare never issues: tokens, keys and emails are visible ASCII, with no
/// white space inside or around them.
fn check_visible_ascii(value: &str, what: &'static str) -> Result<(), CredentialsError> {
    let malformed = |reason| Err(CredentialsError::Malformed { what, reason });
    if value.trim().is_empty() {
        return malformed("it is empty");
    }
    if value.trim() != value {
        return malformed("it has white space around it");
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return malformed("it holds a character that is not visible ASCII");
    }
    Ok(())
}

fn sensitive(value: &str, what: &'static str) -> Result<HeaderValue, CredentialsError> {
    check_visible_ascii(value, what)?;
    let mut header = HeaderValue::from_str(value).map_err(|_| CredentialsError::Malformed {
        what,
        reason: "it cannot be sent as an HTTP header",
    })?;
    header.set_sensitive(true);
    Ok(header)
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Kind::ApiToken(_) => f.write_str("Credentials::ApiToken(<redacted>)"),
            Kind::GlobalKey { .. } => f.write_str("Credentials::GlobalKey(<redacted>)"),
        }
    }
}
