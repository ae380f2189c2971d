//! The [`Runtime`] trait: what a pipeline needs from an async runtime.

use std::future::Future;
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
}
