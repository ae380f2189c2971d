//! smartnotes on smol's crates: [`SmolRuntime`], blocking work on `blocking`'s pool and timers
//! from `async-io`. A store on it (the real file system is `smartnotes::smol::fs()`,
//! `LocalFs<SmolRuntime>`) runs every operation there.
//!
//! ```no_run
//! use smartnotes_io::StoreExt;
//! use smartnotes_io::testing::MemFs;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let fs = MemFs::new(smartnotes_smol::SmolRuntime); // any store takes the runtime
//! fs.insert("/notes/a.md", "# A\n")?;
//! async_io::block_on(async {
//!     let report = fs.pipeline("/notes", "/out").await?;
//!     println!("{} exported, {} skipped", report.exported.len(), report.skipped.len());
//!     Ok(())
//! })
//! # }
//! ```
//!
//! Works under any executor (`smol::block_on`, `async_io::block_on`, a `LocalExecutor`):
//! `blocking` has its own thread pool and `async-io` its own timer thread. This crate only
//! binds smartnotes' [`Runtime`] trait: every operation lives in `smartnotes-io`, shared with
//! the tokio adapter.
#![forbid(unsafe_code)]

use std::future::Future;
use std::time::Duration;

use smartnotes_io::Runtime;

/// The smol [`Runtime`]: blocking work on `blocking`'s pool, timers from `async-io`.
#[derive(Clone, Copy, Debug, Default)]
pub struct SmolRuntime;

impl Runtime for SmolRuntime {
    fn spawn_blocking<F, T>(&self, f: F) -> impl Future<Output = T> + Send + 'static + use<F, T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        blocking::unblock(f)
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
        let timer = async_io::Timer::after(duration);
        async move {
            timer.await;
        }
    }
}
