//! Work running on its own task (a fetch) or thread (a page's decoding) where a Tokio
//! runtime is at hand, or in place.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use futures::future::BoxFuture;

use crate::Error;

/// A fetch running on its own task where a Tokio runtime is at hand (so it progresses while
/// the caller is busy), or in place otherwise. Dropping it cancels the fetch.
pub(crate) enum Task<T> {
    Spawned(tokio::task::JoinHandle<Result<T, Error>>),
    Inline(BoxFuture<'static, Result<T, Error>>),
}

impl<T: Send + 'static> Task<T> {
    /// `work` on the runtime's blocking threads, off the task that awaits it (in place
    /// where no runtime is at hand).
    pub(crate) fn blocking(work: impl FnOnce() -> Result<T, Error> + Send + 'static) -> Self {
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => Task::Spawned(runtime.spawn_blocking(work)),
            Err(_) => Task::Inline(futures::future::lazy(move |_| work()).boxed()),
        }
    }

    pub(super) fn spawn(fetch: impl Future<Output = Result<T, Error>> + Send + 'static) -> Self {
        use tracing::Instrument;
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => Task::Spawned(runtime.spawn(fetch.instrument(tracing::Span::current()))),
            Err(_) => Task::Inline(fetch.boxed()),
        }
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Task::Inline(fetch) => fetch.as_mut().poll(cx),
            Task::Spawned(handle) => match Pin::new(handle).poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Ok(outcome)) => Poll::Ready(outcome),
                Poll::Ready(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Poll::Ready(Err(_)) => Poll::Ready(Err(Error::RuntimeShutdown)),
            },
        }
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        if let Task::Spawned(handle) = self {
            handle.abort();
        }
    }
}
