//! The I/O layer of smartnotes: the [`Store`] trait, and every note operation built on it
//! once, in [`StoreExt`].
//!
//! * A store is a value you hold and call: `LocalFs` (the real file system, crate
//!   `smartnotes-local`; `smartnotes::tokio::fs()`, `smartnotes::smol::fs()`), `ObjectFs`
//!   (crate `smartnotes-object-store`), the simulated stores of [`testing`], or one of your
//!   own. A store provides a [`Runtime`] (blocking pool and timer) and four primitive
//!   operations (list, read, create a directory, write atomically), with a ranged read for
//!   the scans provided; it may have a blocking twin ([`BlockingStore`]). No platform code
//!   lives here.
//! * [`StoreExt`] holds the operations: `read_notes` (a stream of parsed notes), `export`
//!   (bounded, atomic, never overwriting; a [`Report`] of what was exported and what was
//!   skipped and why), `pipeline` (both, streaming), and the file scans `count_matching`,
//!   `scan_matching`, `read_lines`.
//! * How the I/O is done is a value: [`Strategy`] (`Sequential`, `Concurrent { limit }`,
//!   `Blocking { batch, in_flight }`, `Uring { batch, in_flight }`), the same output whichever
//!   you pick.
//! * Transient errors (`Interrupted`, `TimedOut`, `WouldBlock`) are retried a bounded number of
//!   times; every other error is reported at once, with its path.
//!
//! ```
//! use smartnotes_core::filter_by_tag;
//! use smartnotes_io::testing::{InlineRuntime, MemFs};
//! use smartnotes_io::{Options, StoreExt, Strategy};
//!
//! # futures_executor::block_on(async {
//! let fs = MemFs::new(InlineRuntime); // on a real runtime: smartnotes::tokio::fs()
//! fs.insert("/notes/a.md", "# Async\n\nbody\n\nTags: python\n")?;
//! fs.insert("/notes/b.md", "# Rust\n\nbody\n\nTags: rust\n")?;
//!
//! let python = filter_by_tag(fs.read_notes("/notes"), "python");
//! let opts = Options::default().with_strategy(Strategy::Concurrent { limit: 8 });
//! let report = fs.export_with("/out", python, &opts).await?;
//! assert_eq!(report.exported.len(), 1);
//! assert_eq!(fs.get("/out/async.md").unwrap(), b"# Async\n\nbody\n\nTags: python\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
#![forbid(unsafe_code)]

mod ahead;
mod error;
mod export;
mod ext;
mod read;
mod retry;
mod scan;
mod spill;
pub mod store;
mod strategy;
pub mod testing;

pub use error::Error;
pub use export::{ExportStream, Exported, Outcome, Report, Skipped};
pub use ext::StoreExt;
pub use read::{Count, NoteFile, NoteStream};
pub use scan::{ScanOptions, ScanProgress};
pub use smartnotes_core::Runtime;
pub use store::{BlockingStore, Entry, EntryKind, NoBlocking, Store, TooLarge, WriteMode};
pub use strategy::{DEFAULT_MAX_NOTE_BYTES, Layout, Names, Options, Strategy};
