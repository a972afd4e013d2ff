//! The small types every part of an export shares: how to run ([`Settings`]), how to stop
//! ([`Shutdown`]), who is told ([`Observer`]), what a run did ([`Outcome`]), and the error
//! type a run's parts hand up ([`BoxError`]).

use std::error::Error;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// How to run.
#[derive(Clone, Debug)]
pub struct Settings {
    pub per_page: u64,
    /// Poll again this long after catching up; `None` exports once.
    pub follow: Option<Duration>,
    /// How far before the high-water mark a later listing starts.
    pub overlap: Duration,
    pub checkpoint: Option<PathBuf>,
    /// How far behind now each listing ends (`before = now - lag`), so that entries that
    /// reach the log late are read on a later poll instead of being skipped. Zero: up to now.
    pub lag: Duration,
    /// Wait for another process's lock on the output or checkpoint instead of failing.
    pub wait_for_lock: bool,
    /// Follow mode: now and then, a listing that reads a longer window again, for entries
    /// that reached the log later than the overlap allows for (`None`: never).
    pub reconcile: Option<Reconcile>,
}

/// How often a following export reads a longer window again, and how long a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reconcile {
    pub every: Duration,
    pub window: Duration,
}

impl Settings {
    /// One export of everything there is: no follow mode, no lag.
    pub fn once(per_page: u64, checkpoint: Option<PathBuf>) -> Settings {
        Settings {
            per_page,
            follow: None,
            overlap: crate::command::units::defaults::overlap(),
            checkpoint,
            lag: Duration::ZERO,
            wait_for_lock: false,
            reconcile: None,
        }
    }
}

/// A shutdown request (Ctrl-C), seen between pages.
#[derive(Default)]
pub struct Shutdown {
    requested: AtomicBool,
    notify: Notify,
}

impl Shutdown {
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Waits until a shutdown is requested.
    pub async fn wait(&self) {
        let notified = self.notify.notified();
        if !self.is_requested() {
            notified.await;
        }
    }
}

/// Told about progress.
pub trait Observer: Send {
    /// A page was recorded: `written` of its entries were written, `skipped` were written
    /// before (the overlap of a later listing, or a rerun).
    fn page(&mut self, _written: usize, _skipped: usize) {}
    /// Caught up; waiting this long before the next poll.
    fn idle(&mut self, _wait: Duration) {}
    /// Something the operator should know, though the export goes on.
    fn warn(&mut self, _message: &str) {}
}

/// Nothing to report to.
pub struct Quiet;
impl Observer for Quiet {}

/// What a run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub pages: u64,
    pub written: u64,
    pub skipped: u64,
    /// Entries written again because they came back with other content (counted in
    /// `written` too).
    pub revised: u64,
    /// Entries dated beyond now (see [`is_future`](crate::state::checkpoint::is_future)): written,
    /// but not taken as the high-water mark.
    pub future: u64,
    /// Entries that reached the log after a listing had passed their time (found by a later
    /// listing's overlap or a reconciling listing): written.
    pub late: u64,
    pub interrupted: bool,
}

/// The error a run's parts hand up.
pub type BoxError = Box<dyn Error + Send + Sync>;
