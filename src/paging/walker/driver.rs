//! A walk driven on a task of its own, where a Tokio runtime is at hand, handing its pages to
//! the caller through a channel of one place.
//!
//! The walker sends a page's request the moment the fetch before it finds where that page
//! starts ([`crate::paging::peek`]). When the walk is polled by the caller's task, that moment waits
//! for the caller's thread to wake (often the `main` thread, parked in `block_on`) and then
//! for a worker to take the new fetch: two hand-offs between threads, each up to a
//! millisecond or two on a machine whose other core is busy. On a task of its own, the walk
//! is woken on the fetch's worker, runs there as soon as the fetch yields, and spawns the next
//! fetch onto that same worker: the request leaves with no hand-off at all.
//!
//! What the caller sees is unchanged: the same pages in the same order, the same errors, the
//! end of the walk as its end. The walk is asked for a page only when the channel is empty, so
//! one page more than the walk's own is held at most. Dropping the stream stops the task, and
//! with it every fetch under way; a panic in the walk is raised again in the caller.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use futures::channel::mpsc;
use futures::stream::{BoxStream, Stream, StreamExt};
use tracing::Instrument;

use crate::Error;

/// `walk`, driven on its own task when a Tokio runtime is at hand where the stream is made
/// (inside `#[tokio::main]`, a spawned task or `block_on`), or as it is otherwise, polled by
/// the caller.
pub(crate) fn detached<T: Send + 'static>(
    walk: BoxStream<'static, Result<T, Error>>,
) -> BoxStream<'static, Result<T, Error>> {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return walk;
    };
    let (mut pages, receiver) = mpsc::channel(0);
    let driver = runtime.spawn(
        async move {
            let mut walk = walk;
            // The next page is asked of the walk only once the channel has room for it, so
            // the task holds no page of its own beside the walk's.
            while futures::future::poll_fn(|cx| pages.poll_ready(cx))
                .await
                .is_ok()
            {
                let Some(page) = walk.next().await else {
                    return;
                };
                if pages.start_send(page).is_err() {
                    return;
                }
            }
            // The caller has gone.
        }
        .instrument(tracing::Span::current()),
    );
    Detached {
        receiver,
        driver: Some(driver),
    }
    .boxed()
}

/// The caller's end of a walk driven on its own task.
struct Detached<T> {
    receiver: mpsc::Receiver<Result<T, Error>>,
    /// The task, until its outcome is known.
    driver: Option<tokio::task::JoinHandle<()>>,
}

impl<T> Stream for Detached<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(page) = futures::ready!(this.receiver.poll_next_unpin(cx)) {
            return Poll::Ready(Some(page));
        }
        // The channel closed: the walk ended, or its task did not finish (a panic, or a
        // runtime shutting down), which is no end of the listing.
        let Some(driver) = this.driver.as_mut() else {
            return Poll::Ready(None);
        };
        let outcome = futures::ready!(driver.poll_unpin(cx));
        this.driver = None;
        match outcome {
            Ok(()) => Poll::Ready(None),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Poll::Ready(Some(Err(Error::RuntimeShutdown))),
        }
    }
}

impl<T> Drop for Detached<T> {
    fn drop(&mut self) {
        if let Some(driver) = &self.driver {
            driver.abort();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures::stream::{self, StreamExt};

    use super::*;

    /// Pages 0, 1, 2, … counting how many the walk has been asked for.
    fn counted(asked: Arc<AtomicUsize>) -> BoxStream<'static, Result<usize, Error>> {
        stream::iter(0..)
            .map(move |page| {
                asked.fetch_add(1, Ordering::SeqCst);
                Ok(page)
            })
            .boxed()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pages_come_in_order_and_the_walk_runs_at_most_one_page_ahead() {
        let asked = Arc::new(AtomicUsize::new(0));
        let mut pages = detached(counted(asked.clone()));
        for expected in 0..5 {
            assert_eq!(pages.next().await.unwrap().unwrap(), expected);
        }
        // The task takes the next page as soon as the channel has room for it ...
        for _ in 0..200 {
            if asked.load(Ordering::SeqCst) >= 6 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        // ... and however long the caller waits, it holds that one page, no more.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(asked.load(Ordering::SeqCst), 6);
    }

    #[tokio::test]
    async fn the_end_of_the_walk_is_the_end_of_the_stream() {
        let walk = stream::iter([Ok(1), Err(Error::RuntimeShutdown), Ok(2)]).boxed();
        let items: Vec<_> = detached(walk).collect().await;
        assert!(matches!(
            items[..],
            [Ok(1), Err(Error::RuntimeShutdown), Ok(2)]
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn dropping_the_stream_stops_the_walk() {
        struct Flag(Arc<AtomicUsize>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        let flag = Flag(dropped.clone());
        // A walk that never ends on its own, waiting for a page that never comes.
        let walk = stream::once(async move {
            let _flag = flag;
            futures::future::pending::<Result<u8, Error>>().await
        })
        .boxed();
        let pages = detached(walk);
        tokio::task::yield_now().await;
        drop(pages);
        for _ in 0..100 {
            if dropped.load(Ordering::SeqCst) == 1 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the walk was not stopped");
    }

    #[tokio::test]
    async fn a_panic_in_the_walk_is_raised_in_the_caller_not_taken_for_the_end() {
        let walk = stream::once(async { panic!("the walk failed") })
            .map(|()| Ok::<u8, Error>(0))
            .boxed();
        let mut pages = detached(walk);
        let raised = std::panic::AssertUnwindSafe(pages.next())
            .catch_unwind()
            .await
            .expect_err("the panic reaches the caller");
        assert_eq!(raised.downcast_ref::<&str>(), Some(&"the walk failed"));
    }

    #[test]
    fn a_walk_whose_runtime_shut_down_ends_in_an_error_not_an_end() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let walk = stream::pending::<Result<u8, Error>>().boxed();
        let mut pages = runtime.block_on(async { detached(walk) });
        drop(runtime);
        let first = futures::executor::block_on(pages.next());
        assert!(
            matches!(first, Some(Err(Error::RuntimeShutdown))),
            "{first:?}"
        );
        assert!(futures::executor::block_on(pages.next()).is_none());
    }
}
