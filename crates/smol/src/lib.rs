//! smartnotes on smol's crates: [`SmolFs`] (on `async-fs`) and [`SmolRuntime`] (on `blocking`
//! and `async-io` timers).
//!
//! ```no_run
//! # fn main() -> Result<(), smartnotes_io::Error> {
//! async_io::block_on(async {
//!     let report = smartnotes_io::pipeline(&smartnotes_smol::SmolFs::new(), "notes", "out").await?;
//!     println!("{} exported, {} skipped", report.exported.len(), report.skipped.len());
//!     Ok(())
//! })
//! # }
//! ```
//!
//! Works under any executor (`smol::block_on`, `async_io::block_on`, a `LocalExecutor`):
//! `blocking` has its own thread pool and `async-io` its own timer thread. This crate only binds
//! the two traits of `smartnotes-io`: all behaviour lives there, shared with the tokio adapter.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::future::Future;
use std::io;
use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use smartnotes_io::fs::within_limit;
use smartnotes_io::{Entry, EntryKind, Fs, Runtime, StdFs};

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

/// The real file system through `async-fs`; its blocking twin is [`StdFs`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SmolFs {
    runtime: SmolRuntime,
}

impl SmolFs {
    /// The file system.
    pub const fn new() -> Self {
        Self {
            runtime: SmolRuntime,
        }
    }
}

impl Fs for SmolFs {
    type Runtime = SmolRuntime;
    type Blocking = StdFs;

    fn runtime(&self) -> &SmolRuntime {
        &self.runtime
    }

    fn blocking(&self) -> StdFs {
        StdFs
    }

    async fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let mut entries = async_fs::read_dir(dir).await?;
        let mut out = Vec::new();
        while let Some(entry) = entries.next().await {
            let entry = entry?;
            let path = entry.path();
            let kind = match EntryKind::from_file_type(entry.file_type().await?) {
                Some(kind) => kind,
                None => EntryKind::of_link_target(async_fs::metadata(&path).await),
            };
            out.push(Entry { path, kind });
        }
        Ok(out)
    }

    async fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        within_limit(async_fs::metadata(path).await?.len(), limit)?;
        let bytes = async_fs::read(path).await?;
        // The file may have grown since: the limit holds for what was read.
        within_limit(bytes.len() as u64, limit).map(|()| bytes)
    }

    async fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        async_fs::create_dir_all(dir).await
    }
}
