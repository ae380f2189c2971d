//! A simple bounded retry of transient I/O errors, used by the pipelines.

use std::io;
use std::time::Duration;

use smartnotes_core::stream::{Backoff, retry};

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

/// Runs `op` until it succeeds, fails with a permanent error, or has been retried
/// [`TRANSIENT_RETRIES`] times; waits with `std::thread::sleep` (for blocking contexts).
pub(crate) fn retry_blocking<T>(mut op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    let mut attempt = 0;
    loop {
        match op() {
            Err(e) if is_transient(&e) && attempt < TRANSIENT_RETRIES => {
                attempt += 1;
                std::thread::sleep(policy().delay(attempt, 0.0));
            }
            other => return other,
        }
    }
}

/// The back-off of the pipelines' retries: [`TRANSIENT_RETRIES`] retries after 1, 2, 4 ms.
fn policy() -> Backoff {
    Backoff::new(Duration::from_millis(1), TRANSIENT_RETRIES + 1).with_jitter(0.0)
}

/// [`retry_blocking`] for async operations: [`smartnotes_core::stream::retry`] with the same
/// waits, on [`Runtime::sleep`].
pub(crate) async fn retry_async<R, T, Fut>(runtime: &R, op: impl FnMut() -> Fut) -> io::Result<T>
where
    R: Runtime,
    Fut: Future<Output = io::Result<T>>,
{
    retry(runtime, &policy(), is_transient, op).await
}
