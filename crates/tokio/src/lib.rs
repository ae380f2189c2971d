//! smartnotes on tokio: [`TokioRuntime`] (blocking work on `tokio::task::spawn_blocking`,
//! timers from `tokio::time`) and [`TokioFs`], the real file system on it.
//!
//! ```no_run
//! use smartnotes_io::StoreExt;
//!
//! # async fn run() -> Result<(), smartnotes_io::Error> {
//! let report = smartnotes_tokio::TokioFs::default().pipeline("notes", "out").await?;
//! println!("{} exported, {} skipped", report.exported.len(), report.skipped.len());
//! # Ok(()) }
//! ```
//!
//! Everything runs inside a tokio runtime with the time driver enabled
//! (`Builder::enable_time`, or `enable_all`); both the current-thread and the multi-thread
//! flavours work. This crate only binds smartnotes' [`Runtime`] trait: every operation lives
//! in `smartnotes-io`, shared with the smol adapter.
#![forbid(unsafe_code)]

use std::future::Future;
use std::time::Duration;

use smartnotes_io::{LocalFs, Runtime};

/// The tokio [`Runtime`]: blocking work on tokio's blocking pool, timers from `tokio::time`.
///
/// It uses the runtime of the task that calls it (`tokio::runtime::Handle::current`), so it
/// holds nothing and is free to copy.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioRuntime;

impl Runtime for TokioRuntime {
    fn spawn_blocking<F, T>(&self, f: F) -> impl Future<Output = T> + Send + 'static + use<F, T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let handle = tokio::task::spawn_blocking(f);
        async move {
            match handle.await {
                Ok(value) => value,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => panic!("the tokio runtime shut down while a blocking task was running"),
            }
        }
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
        tokio::time::sleep(duration)
    }
}

/// The real file system on tokio: `std::fs` work on tokio's blocking pool, batched by the
/// default strategy, one operation per trip (as `tokio::fs` does) by the others.
pub type TokioFs = LocalFs<TokioRuntime>;
