//! The [`Runtime`] trait: what a pipeline needs from an async runtime.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// What smartnotes needs from an async runtime: a pool for blocking work, and a timer.
///
/// Implemented by `smartnotes_tokio::TokioRuntime` and `smartnotes_smol::SmolRuntime`. Core
/// and io code never name a runtime: anything that needs one (back-off between
/// retries (with `backon`), [timeouts](crate::stream::timeout), the blocking batches
/// and simulated latency of `smartnotes-io`) takes it through this trait.
pub trait Runtime: Clone + Send + Sync + 'static {
    /// Runs `f` on the runtime's blocking thread pool and resolves to its result.
    ///
    /// The work is queued when this is called, not when the future is first polled. Once it
    /// has started it runs to completion even if the future is dropped: Rust cannot interrupt a
    /// running thread. A job dropped before it started may never run (smol's `blocking`
    /// cancels it; tokio runs it anyway). Code built on it (the atomic write, the blocking
    /// batches) relies on exactly that: each job happens whole or not at all. A panic in `f`
    /// resumes on the task that awaits the result.
    fn spawn_blocking<F, T>(
        &self,
        f: F,
    ) -> impl Future<Output = T> + Send + 'static + use<Self, F, T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;

    /// Resolves after `duration` (the `asyncio.sleep` analogue).
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static + use<Self>;

    /// Lets the runtime's other tasks, timers and I/O run before the awaiting task goes on (the
    /// `asyncio.sleep(0)` analogue). The batched pipelines await it between batches: a stream
    /// whose next batch is always ready would otherwise keep the event loop's thread from every
    /// other task until the read is over.
    ///
    /// The default is pending once, having woken its task; tokio's adapter uses
    /// `tokio::task::yield_now`, which also lets tokio's timers and I/O be polled first.
    fn yield_now(&self) -> impl Future<Output = ()> + Send + 'static + use<Self> {
        YieldNow { yielded: false }
    }
}

/// [`Runtime::yield_now`]'s default: pending once, having woken its task.
#[derive(Debug)]
struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    /// Counts its wake-ups.
    struct Counter(AtomicUsize);

    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn the_default_yield_is_pending_once_and_wakes_its_task() {
        let counter = Arc::new(Counter(AtomicUsize::new(0)));
        let waker = std::task::Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        let mut pause = YieldNow { yielded: false };
        assert!(Pin::new(&mut pause).poll(&mut cx).is_pending());
        assert_eq!(
            counter.0.load(Ordering::SeqCst),
            1,
            "woken, so it is polled again"
        );
        assert!(Pin::new(&mut pause).poll(&mut cx).is_ready());
        assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    }
}
