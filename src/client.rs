//! [`Client`]: how it is made and what it shares. Each listing's file adds the client's method
//! for it (`src/listings/`), returning the request that is the query.

use std::sync::Arc;
use std::time::Duration;

use crate::{ClientBuilder, Error, generated};

/// A client for Cloudflare's audit logs.
///
/// Cheap to clone (the state is shared behind an [`Arc`]); clones share connections. Streams
/// own a clone, so they can be stored, returned or moved to another task.
///
/// ```no_run
/// use cloudflare_audit_logs::{Client, Credentials};
///
/// # fn main() -> Result<(), cloudflare_audit_logs::Error> {
/// let client = Client::builder()
///     .credentials(Credentials::api_token("..."))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) generated: Arc<generated::Client>,
}

impl Client {
    /// Starts configuring a client. The builder reads no setting of its own from the
    /// environment; the HTTP layer does read proxy variables (see
    /// [`ClientBuilder::no_proxy`]) and, through the platform verifier, the system's
    /// certificate settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: credentials as [`Credentials::from_env`](crate::Credentials::from_env) reads them,
    /// and the API root from `CLOUDFLARE_BASE_URL` when it is set.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The generated client, for anything this wrapper does not cover. Its calls go through
    /// the same credentials and execution seam.
    pub fn generated(&self) -> &crate::generated::Client {
        &self.generated
    }

    /// What this client (with all its clones) has done so far: requests, retries, and the
    /// time spent waiting before retries.
    pub fn stats(&self) -> crate::ClientStats {
        progenitor_client::ClientInfo::inner(&*self.generated).stats()
    }

    /// The API root requests go to.
    pub fn base_url(&self) -> &str {
        progenitor_client::ClientInfo::baseurl(&*self.generated)
    }

    /// The transport every call of this client goes through.
    pub(crate) fn transport(&self) -> &crate::http::transport::Transport {
        progenitor_client::ClientInfo::inner(&*self.generated)
    }

    /// The deadline of a whole run of pages, if one is set.
    pub(crate) fn run_timeout(&self) -> Option<Duration> {
        progenitor_client::ClientInfo::inner(&*self.generated).run_timeout()
    }
}
