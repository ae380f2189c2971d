//! smartnotes on tokio: [`TokioFs`] (on `tokio::fs`) and [`TokioRuntime`] (on
//! `tokio::task::spawn_blocking` and `tokio::time`).
//!
//! ```no_run
//! # async fn run() -> Result<(), smartnotes_io::Error> {
//! let report = smartnotes_io::pipeline(&smartnotes_tokio::TokioFs::new(), "notes", "out").await?;
//! println!("{} exported, {} skipped", report.exported.len(), report.skipped.len());
//! # Ok(()) }
//! ```
//!
//! Everything runs inside a tokio runtime with the time driver enabled
//! (`Builder::enable_time`, or `enable_all`); both the current-thread and the multi-thread
//! flavours work. This crate only binds the two traits of `smartnotes-io`: all behaviour lives
//! there, shared with the smol adapter.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::future::Future;
use std::io;
use std::path::Path;
use std::time::Duration;

use smartnotes_io::fs::within_limit;
use smartnotes_io::{Entry, EntryKind, Fs, Runtime, StdFs};

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

/// The real file system through `tokio::fs`; its blocking twin is [`StdFs`].
///
/// Each `tokio::fs` call is one trip to tokio's blocking pool: fine for a few files, costly for
/// thousands of small ones, where the [`Blocking`](smartnotes_io::Strategy::Blocking) strategy
/// batches the same work (see `BENCHMARKS.md`).
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioFs {
    runtime: TokioRuntime,
}

impl TokioFs {
    /// The file system, on the tokio runtime of the calling task.
    pub const fn new() -> Self {
        Self {
            runtime: TokioRuntime,
        }
    }
}

impl Fs for TokioFs {
    type Runtime = TokioRuntime;
    type Blocking = StdFs;

    fn runtime(&self) -> &TokioRuntime {
        &self.runtime
    }

    fn blocking(&self) -> StdFs {
        StdFs
    }

    async fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let mut entries = tokio::fs::read_dir(dir).await?;
        let mut out = Vec::new();
        while let Some(entry) = entries.next_entry().await? {
            let path = entry.path();
            let kind = match EntryKind::from_file_type(entry.file_type().await?) {
                Some(kind) => kind,
                None => EntryKind::of_link_target(tokio::fs::metadata(&path).await),
            };
            out.push(Entry { path, kind });
        }
        Ok(out)
    }

    async fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        within_limit(tokio::fs::metadata(path).await?.len(), limit)?;
        let bytes = tokio::fs::read(path).await?;
        // The file may have grown since: the limit holds for what was read.
        within_limit(bytes.len() as u64, limit).map(|()| bytes)
    }

    async fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        tokio::fs::create_dir_all(dir).await
    }
}
