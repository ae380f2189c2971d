//! smartnotes: async note pipelines (read a notes folder as a stream, filter by tag, export
//! with bounded concurrency and atomic writes) that run the same on tokio or smol.
//!
//! The async-iteration toolkit of Python's `aiofiles` / `async for` / `asyncio.gather` /
//! `to_thread` tutorials, done in Rust and measured.
//!
//! ```no_run
//! # #[cfg(feature = "tokio")]
//! use smartnotes::tokio as notes;
//! # #[cfg(not(feature = "tokio"))]
//! use smartnotes::smol as notes; // the same calls, on smol
//!
//! let report = notes::block_on(notes::pipeline("notes", "export"))?;
//! println!("{} exported", report.exported.len());
//! for skipped in &report.skipped {
//!     eprintln!("skipped {}: {}", skipped.source.display(), skipped.reason());
//! }
//! # Ok::<(), smartnotes::Error>(())
//! ```
//!
//! # Which runtime
//!
//! Both give the same results; every test runs on both. Pick the one your program already uses:
//! [`tokio`](mod@tokio) (feature `tokio`) binds `tokio::fs`, `spawn_blocking` and `tokio::time`;
//! [`smol`](mod@smol) (feature `smol`) binds `async-fs`, `blocking` and `async-io`. Both are
//! on by default; `default-features = false, features = ["tokio"]` keeps one.
//!
//! # Which strategy
//!
//! * Local files: [`Strategy::Blocking`] (the default) batches `std::fs` work on the blocking
//!   pool; per-file async I/O pays a thread hop per operation and is several times slower.
//!   On a single-threaded loop that must stay responsive, [`Strategy::responsive`].
//! * A store where each operation waits (network, [`SlowFs`]): [`Strategy::Concurrent`], so the
//!   waits overlap: the tutorials' "1 s -> 0.2 s" holds there.
//! * [`Strategy::Sequential`] when order of side effects matters more than speed.
//!
//! # The async-iteration patterns, and where they live
//!
//! Every pattern of the Python tutorials has a home here, a test on both runtimes and an
//! example (`cargo run --example NAME [-- tokio|smol]`):
//!
//! | # | pattern | Rust home | example |
//! |---|---|---|---|
//! | 1 | streaming a big file without blocking (the log analyzer) | [`count_matching`], [`scan_matching`], [`read_lines`] | `log_analyzer` |
//! | 2 | batching | `futures`' [`chunks`](https://docs.rs/futures-util/0.3/futures_util/stream/trait.StreamExt.html#method.chunks) / `try_chunks` | `batching` |
//! | 3 | prefetch | [`stream::prefetch`] | `prefetch` |
//! | 4 | pagination | [`stream::paginate`] | `pagination` |
//! | 5 | retry with back-off | [`stream::retry`], [`stream::Backoff`] | `retry` |
//! | 6 | timeouts | [`stream::timeout`], [`stream::timeout_each`], [`stream::deadline`] | `timeouts` |
//! | 7 | cleanup (`async with`) | [`stream::scope`], [`stream::owning`], [`stream::cleanup`] | `cleanup` |
//! | 8 | cursor | [`stream::cursor`] | `cursor` |
//! | 9 | infinite streams | [`stream::ticks`] with `take` / `take_while` | `infinite` |
//! | 10 | combining sources | `chain`, [`select`](https://docs.rs/futures-util/0.3/futures_util/stream/fn.select.html), [`stream::gather`] | `combining` |
//! | 11 | comprehensions | `collect` into `Vec` / `HashSet` / `HashMap`; [`partition_results`] | `comprehensions` |
//! | 12 | a stream written by hand | [`stream::Countdown`] beside [`stream::countdown_unfold`] | `countdown` |
//! | 13 | rate limiting | [`stream::Limiter`] | `rate_limit` |
//!
//! The whole pipeline (read, filter, export, report) is the `pipeline` example. The
//! [`stream`] module has the table from the Python spelling to the Rust one.
//!
//! # Crates
//!
//! * [`smartnotes_core`] (re-exported here): [`Note`], file names, stream operators. No I/O.
//! * [`smartnotes_io`] (re-exported here): the [`Fs`] and [`Runtime`] traits, pipelines,
//!   strategies, simulated stores.
//! * `smartnotes-tokio`, `smartnotes-smol`: the adapters, behind the [`tokio`](mod@tokio) and
//!   [`smol`](mod@smol) modules.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use smartnotes_core::{self as core, *};
pub use smartnotes_io::{self as io, *};

/// The pipelines bound to one runtime's store, so that a call needs no store argument.
macro_rules! runtime_module {
    ($fs:ty, $rt:ty) => {
        /// The real file system on this runtime.
        pub fn fs() -> $fs {
            <$fs>::new()
        }

        /// This runtime, for the operators that need a timer or a blocking pool
        /// ([`retry`](crate::stream::retry), [`timeout`](crate::stream::timeout), ...).
        pub fn runtime() -> $rt {
            <$rt>::default()
        }

        /// [`count_matching`](crate::io::count_matching) on [`fs()`]: the lines of a file
        /// that contain `needle`, counted in bounded memory off the event loop.
        ///
        /// # Errors
        /// As [`count_matching`](crate::io::count_matching).
        pub async fn count_matching(
            path: impl AsRef<std::path::Path>,
            needle: impl AsRef<[u8]>,
        ) -> Result<crate::ScanProgress, crate::Error> {
            crate::io::count_matching(&fs(), path, needle).await
        }

        /// [`read_lines`](crate::io::read_lines) on [`fs()`] with default options.
        pub fn read_lines(
            path: impl AsRef<std::path::Path>,
        ) -> futures_core::stream::BoxStream<'static, Result<crate::Line, crate::Error>> {
            crate::io::read_lines(&fs(), path, crate::ScanOptions::default())
        }

        /// [`read_notes`](crate::io::read_notes) on [`fs()`].
        pub fn read_notes(dir: impl AsRef<std::path::Path>) -> crate::NoteStream {
            crate::io::read_notes(&fs(), dir)
        }

        /// [`read_notes_with`](crate::io::read_notes_with) on [`fs()`].
        pub fn read_notes_with(
            dir: impl AsRef<std::path::Path>,
            opts: &crate::Options,
        ) -> crate::NoteStream {
            crate::io::read_notes_with(&fs(), dir, opts)
        }

        /// [`export_notes`](crate::io::export_notes) on [`fs()`].
        ///
        /// # Errors
        /// As [`export_notes`](crate::io::export_notes).
        pub async fn export_notes<S>(
            dest: impl AsRef<std::path::Path>,
            notes: S,
            strategy: impl Into<crate::Strategy>,
        ) -> Result<crate::Report, crate::Error>
        where
            S: futures_core::Stream<Item = Result<crate::NoteFile, crate::Error>>,
        {
            crate::io::export_notes(&fs(), dest, notes, strategy).await
        }

        /// [`pipeline`](crate::io::pipeline) on [`fs()`].
        ///
        /// # Errors
        /// As [`pipeline`](crate::io::pipeline).
        pub async fn pipeline(
            src: impl AsRef<std::path::Path>,
            dest: impl AsRef<std::path::Path>,
        ) -> Result<crate::Report, crate::Error> {
            crate::io::pipeline(&fs(), src, dest).await
        }

        /// [`pipeline_with`](crate::io::pipeline_with) on [`fs()`].
        ///
        /// # Errors
        /// As [`pipeline`](crate::io::pipeline).
        pub async fn pipeline_with(
            src: impl AsRef<std::path::Path>,
            dest: impl AsRef<std::path::Path>,
            opts: &crate::Options,
        ) -> Result<crate::Report, crate::Error> {
            crate::io::pipeline_with(&fs(), src, dest, opts).await
        }
    };
}

/// smartnotes on tokio (feature `tokio`).
#[cfg(feature = "tokio")]
pub mod tokio {
    pub use smartnotes_tokio::{TokioFs, TokioRuntime};

    runtime_module!(TokioFs, TokioRuntime);

    /// Runs `future` to completion on a new current-thread tokio runtime with timers enabled.
    ///
    /// A convenience for programs and examples that have no runtime yet; inside a tokio program,
    /// `.await` the pipelines instead.
    ///
    /// # Panics
    /// If the runtime cannot be built (the OS refuses a thread or an event source), or if
    /// called from inside a tokio runtime.
    pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
        ::tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("cannot start a tokio runtime")
            .block_on(future)
    }
}

/// smartnotes on smol's crates (feature `smol`).
#[cfg(feature = "smol")]
pub mod smol {
    pub use smartnotes_smol::{SmolFs, SmolRuntime};

    runtime_module!(SmolFs, SmolRuntime);

    /// Runs `future` to completion on the current thread (`async_io::block_on`, which also drives
    /// the timers).
    pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
        async_io::block_on(future)
    }
}
