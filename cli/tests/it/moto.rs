//! A real S3-compatible server for the object store tests: moto's server mode, from the
//! Python test environment (`tests/python/requirements.txt`), one per test binary, on a port
//! of its own; each test makes a bucket of its own in it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};

use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::python::python;

/// The running server.
pub struct Moto {
    pub endpoint: String,
    _child: ChildGuard,
}

struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The credentials and endpoint the command reads, as a store's usual environment.
pub const ENV: [(&str, &str); 4] = [
    ("AWS_ACCESS_KEY_ID", "test"),
    ("AWS_SECRET_ACCESS_KEY", "test"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_ALLOW_HTTP", "true"),
];

/// Runs moto's server, and ends the process when its standard input closes: the test
/// process holds the other end, which the system closes when that process exits, however
/// it exits (a static's guard is never dropped).
const SERVE_UNTIL_STDIN_CLOSES: &str = "
import os, sys, threading
def watch():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
from moto.server import main
main(['-H', '127.0.0.1', '-p', '0'])
";

/// The server, started on first use. Panics, saying why, when it cannot start.
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(|| {
        let mut child = Command::new(python())
            .args(["-c", SERVE_UNTIL_STDIN_CLOSES])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("moto's server (moto[s3] in tests/python/requirements.txt) starts");
        let stderr = child.stderr.take().expect("its standard error");
        let mut lines = BufReader::new(stderr).lines();
        let endpoint = loop {
            let line = lines
                .next()
                .expect("moto's server says where it listens")
                .expect("moto's standard error reads");
            if let Some(at) = line.find("http://127.0.0.1:") {
                break line[at..].trim().to_owned();
            }
        };
        // Keep reading its log, so that it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Moto {
            endpoint,
            _child: ChildGuard(child),
        }
    })
}

impl Moto {
    /// A new, empty bucket named `name`.
    pub async fn bucket(&self, name: &str) -> Bucket {
        cloudflare_audit_logs_cli::bucket::tls_provider();
        let http = cloudflare_audit_logs::http_client_builder()
            .unwrap()
            .build()
            .unwrap();
        let made = http
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .unwrap();
        assert!(
            made.status().is_success(),
            "bucket {name}: {}",
            made.status()
        );
        let store = ENV
            .iter()
            .fold(AmazonS3Builder::new(), |b, (key, value)| {
                b.with_config(key.to_ascii_lowercase().parse().unwrap(), *value)
            })
            .with_endpoint(&self.endpoint)
            .with_bucket_name(name)
            .build()
            .unwrap();
        Bucket {
            store: Arc::new(store),
        }
    }
}

/// A bucket, read as the tests check it.
pub struct Bucket {
    pub store: Arc<dyn ObjectStore>,
}

impl Bucket {
    /// The keys under `prefix`, sorted.
    pub async fn keys(&self, prefix: &str) -> Vec<String> {
        use futures::TryStreamExt;
        let prefix = ObjectPath::from(prefix);
        let mut keys: Vec<String> = self
            .store
            .list(Some(&prefix))
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .unwrap();
        keys.sort();
        keys
    }

    /// The batches under `prefix` (the objects whose names end in `.log.gz`, as readers of
    /// a Logpush bucket take them), by name.
    pub async fn batches(&self, prefix: &str) -> Vec<String> {
        let mut keys = self.keys(prefix).await;
        keys.retain(|key| key.ends_with(".log.gz"));
        keys
    }

    /// The object `key`, as stored.
    pub async fn get(&self, key: &str) -> Vec<u8> {
        let found = self.store.get(&ObjectPath::from(key)).await.unwrap();
        found.bytes().await.unwrap().to_vec()
    }

    /// The object `key`, `None` while there is none.
    pub async fn try_get(&self, key: &str) -> Option<Vec<u8>> {
        let found = self.store.get(&ObjectPath::from(key)).await.ok()?;
        Some(found.bytes().await.ok()?.to_vec())
    }

    /// Writes `bytes` as the object `key`, replacing any.
    pub async fn put(&self, key: &str, bytes: &[u8]) {
        let payload = object_store::PutPayload::from(bytes.to_vec());
        self.store
            .put(&ObjectPath::from(key), payload)
            .await
            .unwrap();
    }

    /// Deletes the object `key`.
    pub async fn delete(&self, key: &str) {
        self.store.delete(&ObjectPath::from(key)).await.unwrap();
    }

    /// The lines of the gzip object `key`; panics on a partial or corrupt object.
    pub async fn lines(&self, key: &str) -> Vec<String> {
        use std::io::Read;
        let bytes = self.get(key).await;
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap_or_else(|e| panic!("{key} is not a whole gzip object: {e}"));
        text.lines().map(str::to_owned).collect()
    }
}
