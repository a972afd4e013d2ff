//! Object storage as an export's output: an `--out` URL (`s3://`, `gs://`, `az://`,
//! `file://`) names a bucket and a prefix, and each page's records become one gzip-compressed
//! object there, laid out as Logpush lays out its batches:
//! `PREFIX/{DATE}/START_END_UNIQUE.log.gz`, where a literal `{DATE}` in the prefix becomes the
//! batch's day (`YYYYMMDD`), START and END are the times of its first and last entry
//! (`YYYYMMDDTHHMMSSZ`), and UNIQUE is 8 hex digits of a digest of its records.
//!
//! A store's connection comes from its usual environment (`object_store`'s `from_env`): for
//! S3, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL` and
//! `AWS_ALLOW_HTTP=true` for a local endpoint; `GOOGLE_*` for GCS; `AZURE_*` for Azure.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};

/// The URL schemes an `--out` or `--checkpoint` may take to name an object store.
pub const SCHEMES: [&str; 4] = ["s3://", "gs://", "az://", "file://"];

/// Whether `path` is an object store URL rather than a file's path.
pub fn is_url(path: &Path) -> bool {
    path.to_str()
        .is_some_and(|text| SCHEMES.iter().any(|scheme| text.starts_with(scheme)))
}

/// Where in which store: a bucket (or container, or directory) and a key or prefix in it.
#[derive(Clone)]
pub struct Location {
    pub store: Arc<dyn ObjectStore>,
    /// The key (a checkpoint) or the prefix (an output), as given after the bucket.
    pub key: String,
    /// The URL as given, for messages.
    pub url: String,
}

impl std::fmt::Debug for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.url)
    }
}

/// The store `url` names, configured from the environment.
pub fn locate(url: &str) -> Result<Location, String> {
    use object_store::aws::AmazonS3Builder;
    use object_store::azure::MicrosoftAzureBuilder;
    use object_store::gcp::GoogleCloudStorageBuilder;
    tls_provider();
    let bad = |e: object_store::Error| {
        format!(
            "{url}: {}",
            crate::destinations::store_error::plain_words(&e)
        )
    };
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("{url}: not a URL"))?;
    if scheme == "file" {
        // `file:///abs/dir/`: paths from the file system's root.
        let store = object_store::local::LocalFileSystem::new();
        return Ok(Location {
            store: Arc::new(store),
            key: rest.trim_start_matches('/').to_owned(),
            url: url.to_owned(),
        });
    }
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(format!("{url}: no bucket"));
    }
    // The bucket alone: the rest (which may hold `{DATE}`) is this crate's to read.
    let root = format!("{scheme}://{bucket}");
    let store: Arc<dyn ObjectStore> = match scheme {
        "s3" => Arc::new(
            AmazonS3Builder::from_env()
                .with_url(&root)
                .build()
                .map_err(bad)?,
        ),
        "gs" => Arc::new(
            GoogleCloudStorageBuilder::from_env()
                .with_url(&root)
                .build()
                .map_err(bad)?,
        ),
        "az" => Arc::new(
            MicrosoftAzureBuilder::from_env()
                .with_url(&root)
                .build()
                .map_err(bad)?,
        ),
        other => {
            return Err(format!(
                "{url}: {other}:// is not an object store ({SCHEMES:?})"
            ));
        }
    };
    Ok(Location {
        store,
        key: key.to_owned(),
        url: url.to_owned(),
    })
}

/// rustls's process-wide crypto provider (ring, as the library's own client uses), for the
/// object store's HTTP client; set once, before the first store is made.
pub fn tls_provider() {
    // Deprecated in rustls 0.23.48 (no post-quantum key exchange), as in the library.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// An output prefix in a store, where batches go.
#[derive(Clone, Debug)]
pub struct Bucket {
    pub location: Location,
}

impl Bucket {
    /// The object name of a batch of `records` whose entries span `start` to `end`.
    pub fn name(&self, start: DateTime<Utc>, end: DateTime<Utc>, records: &[u8]) -> String {
        let prefix = self
            .location
            .key
            .replace("{DATE}", &start.format("%Y%m%d").to_string());
        let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
        let unique = format!("{:08x}", crate::formats::entry_text::digest(records) >> 32);
        let file = format!("{}_{}_{unique}.log.gz", stamp(start), stamp(end));
        match prefix.trim_end_matches('/') {
            "" => file,
            prefix => format!("{prefix}/{file}"),
        }
    }

    /// Writes `records` gzip-compressed as the object `name`, whole or not at all (an object
    /// store's put is atomic), only if no object of that name exists (a conditional create):
    /// so a batch written late, by a replica whose lease ran out while the batch was on its
    /// way, can never replace another's. [`Put::Exists`] when another object has the name.
    pub async fn create(&self, name: &str, records: &[u8]) -> Result<Put, String> {
        let body = gzip(records)?;
        let path = ObjectPath::from(name);
        let store = &self.location.store;
        let written = with_retries(&self.location.url, "writing a batch", || {
            let options = PutOptions {
                mode: PutMode::Create,
                ..PutOptions::default()
            };
            store.put_opts(&path, PutPayload::from(body.clone()), options)
        })
        .await;
        match written {
            Ok(_) => Ok(Put::Created),
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => {
                // An attempt that the store applied but answered with an error, retried, meets
                // itself: the object holds these very bytes.
                let ours = match store.get(&path).await {
                    Ok(found) => found.bytes().await.is_ok_and(|b| b == body),
                    Err(_) => false,
                };
                Ok(if ours { Put::Created } else { Put::Exists })
            }
            Err(e) => Err(format!(
                "writing {name} to {}: {}",
                self.location.url,
                crate::destinations::store_error::plain_words(&e)
            )),
        }
    }

    /// Writes `records` gzip-compressed as the object `name`, replacing an object of that
    /// name: for a batch announced by a checkpoint of an earlier version, which did not say
    /// what the batch would hold.
    pub async fn overwrite(&self, name: &str, records: &[u8]) -> Result<(), String> {
        let body = gzip(records)?;
        let path = ObjectPath::from(name);
        let store = &self.location.store;
        with_retries(&self.location.url, "writing a batch", || {
            let options = PutOptions {
                mode: PutMode::Overwrite,
                ..PutOptions::default()
            };
            store.put_opts(&path, PutPayload::from(body.clone()), options)
        })
        .await
        .map(drop)
        .map_err(|e| {
            let words = crate::destinations::store_error::plain_words(&e);
            format!("writing {name} to {}: {words}", self.location.url)
        })
    }
}

/// `records` gzip-compressed, as a batch object holds them.
fn gzip(records: &[u8]) -> Result<bytes::Bytes, String> {
    let mut gzip = flate2::write::GzEncoder::new(
        Vec::with_capacity(records.len() / 4),
        flate2::Compression::default(),
    );
    gzip.write_all(records)
        .and_then(|()| gzip.finish())
        .map(bytes::Bytes::from)
        .map_err(|e| format!("compressing a batch: {e}"))
}

/// What [`Bucket::create`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    /// The batch is in the store under its name.
    Created,
    /// Another object already has the name: written by an earlier attempt at the same
    /// position (this process's or another replica's).
    Exists,
}

/// How long a store's outage is waited out, in all, before an operation fails.
pub const OUTAGE: Duration = Duration::from_secs(120);

/// Runs `attempt` until it succeeds, fails for a reason waiting cannot heal, or the store
/// has been out for [`OUTAGE`]: waits of 0.5 s, doubling to 8 s, each told on standard
/// error. The store's own client retries a few times within each attempt.
pub async fn with_retries<T, F, Fut>(
    url: &str,
    op: &str,
    mut attempt: F,
) -> Result<T, object_store::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, object_store::Error>>,
{
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(500);
    loop {
        match attempt().await {
            Err(e) if transient(&e) && started.elapsed() + wait < OUTAGE => {
                crate::command::console::say(
                    "warning",
                    url,
                    &format!(
                        "{op}: {e}; trying again in {:.1} s (a store outage is waited out for \
                         up to {} s)",
                        wait.as_secs_f64(),
                        OUTAGE.as_secs()
                    ),
                );
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(8));
            }
            other => return other,
        }
    }
}

use crate::destinations::store_error::transient;
