//! One writer per export: exclusive OS file locks (`flock` on Unix), held for the run and
//! released by the OS when the process ends, however it ends.
//!
//! An output file is locked itself: it is never replaced, so every path to it (a symlink, a
//! hard link, `..`) meets the same lock. A checkpoint is replaced by a rename after every
//! page, so it is locked through a file beside it, `<checkpoint>.lock`, which holds the
//! holder's process ID for the message a second exporter prints. The lock files stay after
//! the run (removing one would race a process about to lock it); they are empty of meaning
//! unless a process holds them.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::export::settings::Shutdown;
use crate::state::error::StateError;

/// How often a waiting exporter tries the lock again.
const RETRY_EVERY: Duration = Duration::from_millis(100);

/// A lock held until dropped.
#[derive(Debug)]
pub struct Held {
    _file: File,
}

/// Locks `file` (the output at `path`), waiting for it when `wait` is set.
pub async fn lock_output(
    file: &File,
    path: &Path,
    wait: bool,
    shutdown: &Shutdown,
) -> Result<Held, StateError> {
    let handle = file
        .try_clone()
        .map_err(|e| StateError::io("opening", path, e))?;
    acquire(&handle, path, wait, shutdown, || holder_of(file)).await?;
    Ok(Held { _file: handle })
}

/// Locks the checkpoint at `checkpoint` through `<checkpoint>.lock`, and writes this
/// process's ID into that file.
pub async fn lock_checkpoint(
    checkpoint: &Path,
    wait: bool,
    shutdown: &Shutdown,
) -> Result<Held, StateError> {
    if let Some(dir) = checkpoint.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StateError::io("creating", dir, e))?;
    }
    let path = sidecar(&crate::destinations::files::resolved(checkpoint));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| StateError::io("creating the lock file", &path, e))?;
    let recorded = || {
        let mut text = String::new();
        let mut reader = File::open(&path).ok()?;
        reader.read_to_string(&mut text).ok()?;
        text.trim().parse().ok()
    };
    acquire(&file, checkpoint, wait, shutdown, recorded).await?;
    let pid = std::process::id().to_string();
    let written = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(pid.as_bytes()));
    written.map_err(|e| StateError::io("writing the lock file", &path, e))?;
    Ok(Held { _file: file })
}

/// The lock file of a checkpoint.
pub fn sidecar(checkpoint: &Path) -> PathBuf {
    let mut path = checkpoint.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

async fn acquire(
    file: &File,
    path: &Path,
    wait: bool,
    shutdown: &Shutdown,
    holder: impl Fn() -> Option<u32>,
) -> Result<(), StateError> {
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) if wait => {
                if shutdown.is_requested() {
                    return Err(StateError::Interrupted);
                }
                tokio::time::sleep(RETRY_EVERY).await;
            }
            Err(TryLockError::WouldBlock) => {
                return Err(StateError::Locked {
                    path: path.to_owned(),
                    holder: holder(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(StateError::io("locking", path, e)),
        }
    }
}

/// The process that holds a lock on `file`, where the OS says (Linux: `/proc/locks`).
fn holder_of(file: &File) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = file.metadata().ok()?;
        let dev = meta.dev();
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
        let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
        let locks = std::fs::read_to_string("/proc/locks").ok()?;
        locks.lines().find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // `1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF`; waiters have a `->`.
            if fields.get(1) == Some(&"->") {
                return None;
            }
            let mut id = fields.get(5)?.split(':');
            let maj = u64::from_str_radix(id.next()?, 16).ok()?;
            let min = u64::from_str_radix(id.next()?, 16).ok()?;
            let ino: u64 = id.next()?.parse().ok()?;
            (maj == major && min == minor && ino == meta.ino())
                .then(|| fields.get(4)?.parse().ok())
                .flatten()
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        None
    }
}
