//! A simple bounded retry of transient I/O errors, used by the pipelines.

use std::io;
use std::time::Duration;

use crate::Runtime;

/// How many times an operation that failed with a transient error is tried again.
pub const TRANSIENT_RETRIES: u32 = 3;

/// Whether an error is worth trying again: `Interrupted`, `TimedOut` or `WouldBlock`.
///
/// Everything else (`NotFound`, `PermissionDenied`, `StorageFull`, ...) is reported at once.
pub fn is_transient(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::Interrupted | io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// The wait before retry number `attempt` (0-based): 1, 2, 4 ms.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(1 << attempt.min(10))
}

/// Runs `op` until it succeeds, fails with a permanent error, or has been retried
/// [`TRANSIENT_RETRIES`] times; waits with `std::thread::sleep` (for blocking contexts).
pub(crate) fn retry_blocking<T>(mut op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    let mut attempt = 0;
    loop {
        match op() {
            Err(e) if is_transient(&e) && attempt < TRANSIENT_RETRIES => {
                std::thread::sleep(backoff(attempt));
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// [`retry_blocking`] for async operations, waiting with [`Runtime::sleep`].
pub(crate) async fn retry_async<R, T, Fut>(
    runtime: &R,
    mut op: impl FnMut() -> Fut,
) -> io::Result<T>
where
    R: Runtime,
    Fut: Future<Output = io::Result<T>>,
{
    let mut attempt = 0;
    loop {
        match op().await {
            Err(e) if is_transient(&e) && attempt < TRANSIENT_RETRIES => {
                runtime.sleep(backoff(attempt)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}
