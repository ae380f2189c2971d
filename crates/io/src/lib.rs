//! The I/O layer of smartnotes: the [`Fs`] and [`Runtime`] traits, and the note pipelines
//! built on them.
//!
//! * Two small traits are all an adapter provides: [`Fs`] (list, read, create a directory,
//!   write atomically; with a blocking twin, [`BlockingFs`]) and [`Runtime`] (blocking pool and
//!   timer). `smartnotes-tokio` and `smartnotes-smol` implement them; this crate names neither.
//! * The pipelines: [`read_notes`] (a stream of parsed notes), [`export_notes`] (bounded,
//!   atomic writes, a [`Report`] of what was exported and what was skipped and why) and
//!   [`pipeline`] (both, streaming).
//! * How the I/O is done is a value: [`Strategy`] (`Sequential`, `Concurrent { limit }`,
//!   `Blocking { batch, in_flight }`), same output whichever you pick.
//! * Simulated stores for tests and benches: [`MemFs`] (in memory), [`SlowFs`] (latency per
//!   operation, fixed or jittered) and [`FailingFs`] (injected faults on chosen operations).
//! * Transient errors (`Interrupted`, `TimedOut`, `WouldBlock`) are retried a bounded number of
//!   times ([`retry`]); every other error is reported at once, with its path.
//!
//! ```
//! use futures_util::StreamExt;
//! use smartnotes_io::{MemFs, Strategy, export_notes, read_notes};
//! # #[derive(Clone)] struct Inline;
//! # impl smartnotes_io::Runtime for Inline {
//! #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F)
//! #         -> impl Future<Output = T> + Send + 'static + use<F, T> { std::future::ready(f()) }
//! #     fn sleep(&self, d: std::time::Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
//! #         std::thread::sleep(d); std::future::ready(()) }
//! # }
//! # futures_executor::block_on(async {
//! let fs = MemFs::new(Inline); // on a real runtime: smartnotes::tokio::fs() or smol::fs()
//! fs.insert("/notes/a.md", "# Async\n\nbody\n\nTags: python\n")?;
//! fs.insert("/notes/b.md", "# Rust\n\nbody\n\nTags: rust\n")?;
//!
//! let python = smartnotes_core::filter_by_tag(read_notes(&fs, "/notes"), "python");
//! let report = export_notes(&fs, "/out", python, Strategy::Concurrent { limit: 8 }).await?;
//! assert_eq!(report.exported.len(), 1);
//! assert_eq!(fs.get("/out/async.md").unwrap(), b"# Async\n\nbody\n\nTags: python\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod baseline;
pub mod corpus;
mod error;
pub mod export;
pub mod failing;
pub mod fs;
pub mod lag;
pub mod lines;
pub mod mem;
pub mod read;
pub mod retry;
pub mod slow;
mod strategy;

pub use error::Error;
pub use export::{
    Exported, Report, Skipped, export_notes, export_notes_with, pipeline, pipeline_with,
};
pub use failing::{FailingBlockingFs, FailingFs, Fault, FaultKind, Op};
pub use fs::{BlockingFs, Entry, EntryKind, Fs, StdFs, WriteMode, write_atomic};
pub use lines::{Line, ScanOptions, ScanProgress, count_matching, read_lines, scan_matching};
pub use mem::MemFs;
pub use read::{NoteFile, NoteStream, decode, list_notes, load_notes, read_notes, read_notes_with};
pub use slow::{Latency, SlowBlockingFs, SlowFs};
pub use smartnotes_core::Runtime;
pub use strategy::{DEFAULT_MAX_NOTE_BYTES, Options, Strategy};
