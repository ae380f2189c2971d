//! smartnotes on tokio: [`TokioRuntime`], blocking work on `tokio::task::spawn_blocking` and
//! timers from `tokio::time`. A store on it (the real file system is
//! `smartnotes::tokio::fs()`, `LocalFs<TokioRuntime>`) runs every operation there.
//!
//! ```no_run
//! use smartnotes_io::StoreExt;
//! use smartnotes_io::testing::MemFs;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let fs = MemFs::new(smartnotes_tokio::TokioRuntime); // any store takes the runtime
//! fs.insert("/notes/a.md", "# A\n")?;
//! let report = fs.pipeline("/notes", "/out").await?;
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

use smartnotes_io::Runtime;

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

    fn yield_now(&self) -> impl Future<Output = ()> + Send + 'static + use<> {
        tokio::task::yield_now()
    }
}
