//! An object store in front of a real one (moto) that behaves as an unlucky network makes
//! it: batch writes that arrive late (and land even when their sender gave up on them), and
//! writes that the store applies but answers with an error, and an outage (every request
//! fails, as when the store cannot be reached).

use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use object_store::path::Path;
use object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};

/// The store in front of `inner`.
#[derive(Debug)]
pub struct Faulty {
    pub inner: Arc<dyn ObjectStore>,
    /// Batch writes (`.log.gz`) reach the store this late; while one is on its way, every
    /// other write waits as long (the store is slow for this client).
    pub batch_delay: Duration,
    batch_on_its_way: AtomicBool,
    /// The next this many writes are applied, then answered with an error.
    pub fail_after_applying: AtomicUsize,
    /// Until when every request fails unanswered (an outage), once set.
    down_until: Mutex<Option<tokio::time::Instant>>,
}

impl Faulty {
    pub fn new(inner: Arc<dyn ObjectStore>, batch_delay: Duration) -> Faulty {
        Faulty {
            inner,
            batch_delay,
            batch_on_its_way: AtomicBool::new(false),
            fail_after_applying: AtomicUsize::new(0),
            down_until: Mutex::new(None),
        }
    }

    /// Every request fails for `outage` from now.
    pub fn go_down(&self, outage: Duration) {
        *self.down_until.lock().unwrap() = Some(tokio::time::Instant::now() + outage);
    }

    /// An error while the store is down.
    fn down(&self) -> Result<()> {
        match *self.down_until.lock().unwrap() {
            Some(until) if tokio::time::Instant::now() < until => {
                Err(object_store::Error::Generic {
                    store: "Faulty",
                    source: "connection refused (the store is down)".into(),
                })
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Faulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Faulty({})", self.inner)
    }
}

#[async_trait]
impl ObjectStore for Faulty {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        self.down()?;
        let batch = location.as_ref().ends_with(".log.gz");
        let delay = if batch {
            self.batch_on_its_way.store(true, Ordering::SeqCst);
            self.batch_delay
        } else if self.batch_on_its_way.load(Ordering::SeqCst) {
            self.batch_delay
        } else {
            Duration::ZERO
        };
        // Once sent, a request lands whether or not its sender still waits for it.
        let (inner, location) = (self.inner.clone(), location.clone());
        let landed = tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            inner.put_opts(&location, payload, opts).await
        });
        let result = landed.await.expect("the write's task");
        if batch {
            self.batch_on_its_way.store(false, Ordering::SeqCst);
        }
        let fail = self
            .fail_after_applying
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        match (result, fail) {
            (Ok(_), true) => Err(object_store::Error::Generic {
                store: "Faulty",
                source: "503 Service Unavailable (the write was applied)".into(),
            }),
            (result, _) => result,
        }
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        self.down()?;
        self.inner.get_opts(location, options).await
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        self.inner.get_ranges(location, ranges).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        self.inner.copy_opts(from, to, options).await
    }
}
