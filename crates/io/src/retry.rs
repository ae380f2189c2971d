//! A short, bounded retry of transient I/O errors, used by every operation: `backon`'s
//! exponential back-off, sleeping on the store's runtime (async) or the thread (blocking).

use std::io;
use std::time::Duration;

use backon::{BlockingRetryable, ExponentialBuilder, Retryable};

use crate::Runtime;

/// How many times an operation that failed with a transient error is tried again.
const TRANSIENT_RETRIES: usize = 3;

/// Whether an error is worth trying again: `Interrupted`, `TimedOut` or `WouldBlock`.
///
/// Everything else (`NotFound`, `PermissionDenied`, `StorageFull`, ...) is reported at once.
fn is_transient(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::Interrupted | io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// The back-off: [`TRANSIENT_RETRIES`] retries after 1, 2, 4 ms, without jitter (the waits
/// are too short for synchronised clients to matter).
fn policy() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(1))
        .with_factor(2.0)
        .with_max_times(TRANSIENT_RETRIES)
}

/// Runs `op` until it succeeds, fails with a permanent error, or has been retried
/// [`TRANSIENT_RETRIES`] times; waits with `std::thread::sleep` (for blocking contexts).
pub(crate) fn retry_blocking<T>(op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    op.retry(policy())
        .sleep(std::thread::sleep)
        .when(is_transient)
        .call()
}

/// [`retry_blocking`] for async operations, waiting on [`Runtime::sleep`].
pub(crate) async fn retry_async<R, T, Fut>(runtime: &R, op: impl FnMut() -> Fut) -> io::Result<T>
where
    R: Runtime,
    Fut: Future<Output = io::Result<T>>,
{
    let runtime = runtime.clone();
    op.retry(policy())
        .sleep(move |d| runtime.sleep(d))
        .when(is_transient)
        .await
}
