//! [`Strategy`] and [`Options`]: how the pipelines do their I/O.

use std::path::PathBuf;

use crate::WriteMode;

/// How many I/O operations are in flight, and where they run.
///
/// In a [`pipeline`](crate::pipeline) the bound holds per stage: reading goes on while earlier
/// notes are written, so up to `limit` reads and `limit` writes can be in flight together
/// (`in_flight` read batches and `in_flight` write batches for `Blocking`). `Sequential` does
/// one operation at a time in all.
///
/// Every strategy gives the same notes and the same [`Report`](crate::Report), in the same
/// order: [`read_notes`](crate::read_notes) yields notes in sorted path order, and a report
/// lists exported and skipped notes in input order. Only the speed differs:
///
/// * [`Sequential`](Strategy::Sequential): one operation at a time, each awaited.
/// * [`Concurrent`](Strategy::Concurrent): up to `limit` async operations in flight, the
///   bounded `asyncio.gather` analogue. Pick it for a store where each operation *waits*
///   (network, simulated latency): the waits overlap.
/// * [`Blocking`](Strategy::Blocking): batches of `std::fs` work inside
///   [`Runtime::spawn_blocking`](crate::Runtime::spawn_blocking), the batched
///   `asyncio.to_thread` analogue. Pick it for local files, where each operation is short and
///   the cost of a trip to the blocking pool per operation dominates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// One operation at a time.
    Sequential,
    /// Up to `limit` operations in flight (0 is read as 1).
    Concurrent {
        /// The most operations in flight.
        limit: usize,
    },
    /// `batch` files per blocking job, at most `in_flight` jobs at once (0 is read as 1).
    Blocking {
        /// Files per blocking job.
        batch: usize,
        /// The most jobs running at once.
        in_flight: usize,
    },
}

impl Default for Strategy {
    /// The fastest for local files in `BENCHMARKS.md`: batches of 256 files, two batches in
    /// flight per core (`Blocking { batch: 256, in_flight: 4 }` on two cores).
    ///
    /// On a single-threaded event loop that must answer within a millisecond, prefer
    /// [`Strategy::responsive`]: the extra blocking threads compete with the loop's thread for
    /// the cores (the loop is never blocked, but it waits for a core: a few ms at p99).
    fn default() -> Self {
        Strategy::Blocking {
            batch: 256,
            in_flight: 2 * cores(),
        }
    }
}

impl Strategy {
    /// Batched blocking work that keeps a single-threaded event loop responsive: batches of 32,
    /// one per core. In the lag bench (`BENCHMARKS.md`, 10,000 notes, 2 cores) its heartbeat
    /// p99 was 0.5-0.7 ms over idle on a quiet host and 1.1-1.6 ms on a busy one, against
    /// 3.7-5.7 ms for the default, which reads faster.
    pub fn responsive() -> Self {
        Strategy::Blocking {
            batch: 32,
            in_flight: cores(),
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// A bare number is a concurrency limit: `export_notes(&fs, dest, notes, 8)`.
impl From<usize> for Strategy {
    fn from(limit: usize) -> Self {
        Strategy::Concurrent { limit }
    }
}

/// The default largest note, in bytes: 16 MiB.
pub const DEFAULT_MAX_NOTE_BYTES: u64 = 16 * 1024 * 1024;

/// Options of [`read_notes_with`](crate::read_notes_with),
/// [`export_notes_with`](crate::export_notes_with) and [`pipeline_with`](crate::pipeline_with).
///
/// ```
/// use smartnotes_io::{Options, Strategy};
/// let opts = Options::default().recursive(true).strategy(Strategy::Concurrent { limit: 16 });
/// assert!(opts.recursive);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// How the I/O is done.
    pub strategy: Strategy,
    /// Walk subdirectories (never through symbolic links, never into hidden directories).
    pub recursive: bool,
    /// Files larger than this are skipped, with a reason, without being read.
    pub max_note_bytes: u64,
    /// What an export does when a file with the name it wants already exists.
    pub write_mode: WriteMode,
    /// Directories a walk never enters (the pipeline adds its export directory).
    pub exclude: Vec<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            strategy: Strategy::default(),
            recursive: false,
            max_note_bytes: DEFAULT_MAX_NOTE_BYTES,
            write_mode: WriteMode::CreateNew,
            exclude: Vec::new(),
        }
    }
}

impl Options {
    /// Sets [`Options::strategy`].
    pub fn strategy(mut self, strategy: impl Into<Strategy>) -> Self {
        self.strategy = strategy.into();
        self
    }
    /// Sets [`Options::recursive`].
    pub fn recursive(mut self, recursive: bool) -> Self {
        self.recursive = recursive;
        self
    }
    /// Sets [`Options::max_note_bytes`].
    pub fn max_note_bytes(mut self, max: u64) -> Self {
        self.max_note_bytes = max;
        self
    }
    /// Sets [`Options::write_mode`].
    pub fn write_mode(mut self, mode: WriteMode) -> Self {
        self.write_mode = mode;
        self
    }
    /// Adds a directory to [`Options::exclude`].
    pub fn exclude(mut self, dir: impl Into<PathBuf>) -> Self {
        self.exclude.push(dir.into());
        self
    }
}

/// How the strategy is named in reports: `sequential`, `concurrent (limit 64)`,
/// `blocking (batches of 256, 4 in flight)`.
impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Strategy::Sequential => f.write_str("sequential"),
            Strategy::Concurrent { limit } => write!(f, "concurrent (limit {limit})"),
            Strategy::Blocking { batch, in_flight } => {
                write!(f, "blocking (batches of {batch}, {in_flight} in flight)")
            }
        }
    }
}
