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
pub(crate) fn is_transient(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::Interrupted | io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// The first wait, after the first failure.
const FIRST_WAIT: Duration = Duration::from_millis(1);

/// The back-off after the first retry: [`TRANSIENT_RETRIES`] - 1 more retries, after 2 and
/// 4 ms, without jitter (the waits are too short for synchronised clients to matter).
fn policy() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(2 * FIRST_WAIT)
        .with_factor(2.0)
        .with_max_times(TRANSIENT_RETRIES - 1)
}

/// Runs `op` until it succeeds, fails with a permanent error, or has been retried
/// [`TRANSIENT_RETRIES`] times (after 1, 2 and 4 ms); waits with `std::thread::sleep` (for
/// blocking contexts). The first attempt is a plain call: nothing is built for an operation
/// that succeeds, the hot path of every read and write.
pub(crate) fn retry_blocking<T>(mut op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    match op() {
        Err(e) if is_transient(&e) => std::thread::sleep(FIRST_WAIT),
        done => return done,
    }
    op.retry(policy())
        .sleep(std::thread::sleep)
        .when(is_transient)
        .call()
}

/// [`retry_blocking`] for async operations, waiting on [`Runtime::sleep`].
pub(crate) async fn retry_async<R, T, Fut>(
    runtime: &R,
    mut op: impl FnMut() -> Fut,
) -> io::Result<T>
where
    R: Runtime,
    Fut: Future<Output = io::Result<T>>,
{
    match op().await {
        Err(e) if is_transient(&e) => runtime.sleep(FIRST_WAIT).await,
        done => return done,
    }
    let runtime = runtime.clone();
    op.retry(policy())
        .sleep(move |d| runtime.sleep(d))
        .when(is_transient)
        .await
}
