//! [`Strategy`] and [`Options`]: how the pipelines do their I/O.

use std::path::PathBuf;

use std::path::Path;

use crate::{BlockingStore, Error, Store, WriteMode};

/// How many I/O operations are in flight, and where they run.
///
/// In a [`pipeline`](crate::StoreExt::pipeline) the bound holds per stage: reading goes on while earlier
/// notes are written, so up to `limit` reads and `limit` writes can be in flight together
/// (`in_flight` read batches and `in_flight` write batches for `Blocking`). `Sequential` does
/// one operation at a time in all.
///
/// Every strategy gives the same notes and the same [`Report`](crate::Report), in the same
/// order: [`read_notes`](crate::StoreExt::read_notes) yields notes in sorted path order, and a report
/// lists exported and skipped notes in input order. Only the speed differs:
///
/// * [`Sequential`](Strategy::Sequential): one operation at a time, each awaited.
/// * [`Concurrent`](Strategy::Concurrent): up to `limit` async operations in flight, the
///   bounded `asyncio.gather` analogue. Pick it for a store where each operation *waits*
///   (network, simulated latency): the waits overlap.
/// * [`Blocking`](Strategy::Blocking): batches of `std::fs` work inside
///   [`Runtime::spawn_blocking`](crate::Runtime::spawn_blocking), the batched
///   `asyncio.to_thread` analogue. Pick it for local files, where each operation is short and
///   the cost of a trip to the blocking pool per operation dominates. Offered by stores with
///   a blocking twin ([`Store::blocking`]); on others it fails with
///   [`Error::Unsupported`](crate::Error::Unsupported).
/// * [`Uring`](Strategy::Uring) (the default): the same batches, each batch's reads handed to
///   the store together ([`BlockingStore::read_many`]: io_uring on local files), else exactly
///   `Blocking`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Strategy {
    /// One operation at a time.
    Sequential,
    /// Up to `limit` operations in flight (0 is read as 1).
    Concurrent {
        /// The most operations in flight.
        limit: usize,
    },
    /// `batch` files per blocking job (0 is read as 1). Reading: up to `in_flight` batches read
    /// ahead of the consumer by long-lived workers on the blocking pool, one fewer than the
    /// cores (at least one, at most `in_flight`), oldest batch first; a consumer that would
    /// wait for a batch reads the next one no worker has started itself, while the last batch
    /// read took at most a millisecond (page-cached files; never on a slow disk, where it
    /// only waits); writing: at most `in_flight` write jobs at once.
    Blocking {
        /// Files per blocking job.
        batch: usize,
        /// The most batches read ahead, or written at once.
        in_flight: usize,
    },
    /// [`Blocking`](Strategy::Blocking)'s batches, with each batch's reads handed to the
    /// blocking twin together ([`BlockingStore::read_many`]): the local store submits them to
    /// io_uring (`openat` -> `read` -> `close` chains, 32 files per `io_uring_enter`, rings
    /// shared by the process: a batch takes the most recently used idle one), where this process can use it (feature `uring`, Linux, a kernel
    /// that allows it, `SMARTNOTES_URING` not `off`); elsewhere, and on a store that reads one
    /// file at a time, it is exactly `Blocking`. A folder on tmpfs is read as with `Blocking`
    /// too: there io_uring hands every read to a kernel thread, which the plain calls do not
    /// pay. Writes are as with `Blocking`.
    Uring {
        /// Files per blocking job.
        batch: usize,
        /// The most batches read ahead, or written at once.
        in_flight: usize,
    },
}

impl Default for Strategy {
    /// `Uring { batch: 256, in_flight: 2 x cores }`: batches of 256 files, two batches in
    /// flight per core, each batch's reads handed to the store together (io_uring on local
    /// files where the process can use it, else one by one, exactly `Blocking`). The fastest
    /// read on local files in `BENCHMARKS.md`, which has the figures.
    ///
    /// On a single-threaded event loop that must answer within a millisecond, prefer
    /// [`Strategy::responsive`]: the default's blocking threads compete with the loop's thread
    /// for the cores, and the loop's task takes 256 notes (and, when it would wait, reads up
    /// to 256 files of the next batch itself) between two turns of its other tasks.
    fn default() -> Self {
        Strategy::Uring {
            batch: 256,
            in_flight: 2 * cores(),
        }
    }
}

impl Strategy {
    /// `Uring { batch: 32, in_flight: 4 x cores }`: batches of 32 files, so that a
    /// single-threaded event loop takes (and parses, or reads when it would wait) at most 32
    /// notes between two of its other tasks' turns, and as many batches read ahead as the
    /// default's 256 files, so that the reader does not wait for it (the lag bench of
    /// `BENCHMARKS.md` has the figures).
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::Strategy;
    /// assert!(matches!(Strategy::responsive(), Strategy::Uring { batch: 32, .. }));
    /// ```
    #[must_use]
    pub fn responsive() -> Self {
        Strategy::Uring {
            batch: 32,
            in_flight: 4 * cores(),
        }
    }

    /// [`Strategy::Blocking`] with the default's shape: batches of 256 files, two batches in
    /// flight per core.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::Strategy;
    /// assert!(matches!(Strategy::blocking(), Strategy::Blocking { batch: 256, .. }));
    /// ```
    #[must_use]
    pub fn blocking() -> Self {
        Strategy::Blocking {
            batch: 256,
            in_flight: 2 * cores(),
        }
    }

    /// [`Strategy::Concurrent`] with up to `limit` operations in flight (0 is read as 1).
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::Strategy;
    /// assert_eq!(Strategy::concurrent(8), Strategy::Concurrent { limit: 8 });
    /// ```
    #[must_use]
    pub const fn concurrent(limit: usize) -> Self {
        Strategy::Concurrent { limit }
    }
}

/// A strategy planned against one store: what every step of a pipeline (listing, reading,
/// writing) matches on. Made once per operation by [`Plan::new`], which is the one place a
/// strategy the store cannot run is refused.
#[derive(Clone, Debug)]
pub(crate) enum Plan<B> {
    /// One operation at a time, each awaited.
    Sequential,
    /// Up to this many async operations in flight.
    Concurrent(usize),
    /// Batches of blocking work on the store's twin.
    Batched(Batches<B>),
}

/// The shape of a batched plan: the blocking twin it runs on, files per job, jobs at once, and
/// whether a batch's reads go to [`BlockingStore::read_many`] together (`Uring`) or one by one
/// (`Blocking`).
#[derive(Clone, Debug)]
pub(crate) struct Batches<B> {
    pub(crate) twin: B,
    pub(crate) batch: usize,
    pub(crate) in_flight: usize,
    pub(crate) many: bool,
}

impl<B: BlockingStore> Plan<B> {
    /// The options' strategy (the store's default when they name none) on `fs`.
    ///
    /// # Errors
    /// [`Error::Unsupported`] naming `path` for a batched strategy on a store without a
    /// blocking twin.
    pub(crate) fn new<F: Store<Blocking = B>>(
        fs: &F,
        opts: &Options,
        path: &Path,
    ) -> Result<Self, Error> {
        let batched = |batch: usize, in_flight: usize, many| match fs.blocking() {
            Some(twin) => Ok(Plan::Batched(Batches {
                twin,
                batch: batch.max(1),
                in_flight: in_flight.max(1),
                many,
            })),
            None => Err(Error::Unsupported {
                path: path.to_owned(),
                operation: "the blocking strategy (it needs a blocking twin)",
            }),
        };
        match opts.strategy.unwrap_or_else(|| fs.default_strategy()) {
            Strategy::Sequential => Ok(Plan::Sequential),
            Strategy::Concurrent { limit } => Ok(Plan::Concurrent(limit.max(1))),
            Strategy::Blocking { batch, in_flight } => batched(batch, in_flight, false),
            Strategy::Uring { batch, in_flight } => batched(batch, in_flight, true),
        }
    }
}

/// The number of cores this process may use (2 when the OS does not say).
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// The default largest note, in bytes: 16 MiB.
pub const DEFAULT_MAX_NOTE_BYTES: u64 = 16 * 1024 * 1024;

/// Options of the note operations of [`StoreExt`](crate::StoreExt) (`read_notes_with`,
/// `export_with`, `pipeline_with`), set with `with_*` methods.
///
/// # Examples
/// ```
/// use smartnotes_io::{Options, Strategy};
/// let opts = Options::default()
///     .with_recursive(true)
///     .with_strategy(Strategy::Concurrent { limit: 16 });
/// assert!(opts.recursive);
/// assert_eq!(opts.strategy, Some(Strategy::Concurrent { limit: 16 }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// How the I/O is done; `None` (the default) is the store's own
    /// [`default_strategy`](crate::Store::default_strategy).
    pub strategy: Option<Strategy>,
    /// Walk subdirectories (never through symbolic links, never into hidden directories).
    pub recursive: bool,
    /// Files larger than this are skipped, with a reason, having read at most one byte more
    /// (a store that knows the size first, as an object store does, reads none).
    pub max_note_bytes: u64,
    /// What an export does when a file with the name it wants already exists.
    pub write_mode: WriteMode,
    /// Directories a walk never enters (the pipeline adds its export directory).
    pub exclude: Vec<PathBuf>,
    /// Include hidden entries (names starting with `.`): files, and folders in a recursive
    /// walk. Off by default, as in ripgrep and fd; how many were passed over is counted
    /// ([`NoteStream::hidden`](crate::NoteStream::hidden), [`Report::hidden`](crate::Report::hidden)).
    pub hidden: bool,
    /// Where an export puts each note: in the folder it came from, mirrored under the
    /// destination (the default), or all in the destination itself.
    pub layout: Layout,
    /// How exported files are named: from the title (the default), or the source's own name.
    pub names: Names,
    /// Give each exported note its source's modification time (off by default: a written
    /// note has the export's time). Needs a source that keeps times and a destination that can
    /// set them ([`Store::set_modified`](crate::Store::set_modified)); an unchanged note gets
    /// it too.
    pub preserve_mtime: bool,
    /// Honour ignore files (gitignore syntax), as ripgrep and fd do: `.export-ignore` in any
    /// folder, and `.gitignore` and `.ignore` when the folder walked is in a git repository (a
    /// `.git` in it or above it). On by default; what they leave out is counted
    /// ([`NoteStream::ignored`](crate::NoteStream::ignored)).
    pub ignore_files: bool,
    /// Globs (gitignore syntax, matched from the folder walked) whose files and folders the
    /// walk leaves out, counted as ignored; they win over the ignore files.
    pub exclude_globs: Vec<String>,
}

/// Where an export puts each note.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Layout {
    /// The note's folder relative to the folder it was read from ([`NoteFile::folder`](crate::NoteFile::folder)),
    /// recreated under the destination: a recursive export mirrors the source tree, so
    /// relative links keep working and same-named notes in different folders stay apart.
    #[default]
    Mirror,
    /// Every note directly in the destination.
    Flat,
}

/// How an export names its files. Either way a name is unique within its folder (`-2`, `-3`,
/// ... on a collision) and safe: never a path, never `.`/`..`, never a device name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Names {
    /// From the title, made safe: lowercase words joined by `-`, at most 100 bytes
    /// (`smartnotes_core::file_stem`).
    #[default]
    Slug,
    /// The source file's own name (Obsidian resolves `[[wikilinks]]` by it), when it is a
    /// safe name (`smartnotes_core::is_safe_file_name`); else the slug of its stem.
    Keep,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            strategy: None,
            recursive: false,
            max_note_bytes: DEFAULT_MAX_NOTE_BYTES,
            write_mode: WriteMode::CreateNew,
            exclude: Vec::new(),
            hidden: false,
            layout: Layout::Mirror,
            names: Names::Slug,
            preserve_mtime: false,
            ignore_files: true,
            exclude_globs: Vec::new(),
        }
    }
}

impl Options {
    /// The same with [`Options::strategy`] set to `strategy`.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Options, Strategy};
    /// assert_eq!(Options::default().strategy, None); // the store's own default
    /// let opts = Options::default().with_strategy(Strategy::Sequential);
    /// assert_eq!(opts.strategy, Some(Strategy::Sequential));
    /// ```
    #[must_use]
    pub fn with_strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = Some(strategy);
        self
    }

    /// The same with [`Options::recursive`] set.
    ///
    /// # Examples
    /// ```
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::{Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/sub/b.md", "# B\n")?;
    /// let flat: Vec<_> = fs.read_notes("/notes").try_collect().await?;
    /// let opts = Options::default().with_recursive(true);
    /// let deep: Vec<_> = fs.read_notes_with("/notes", &opts).try_collect().await?;
    /// assert_eq!((flat.len(), deep.len()), (1, 2));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn with_recursive(mut self, recursive: bool) -> Self {
        self.recursive = recursive;
        self
    }

    /// The same with [`Options::max_note_bytes`] set.
    ///
    /// # Examples
    /// ```
    /// use futures_util::StreamExt;
    /// use smartnotes_io::{Error, Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/big.md", "# Big\n\nmore than sixteen bytes\n")?;
    /// let opts = Options::default().with_max_note_bytes(16);
    /// let items: Vec<_> = fs.read_notes_with("/notes", &opts).collect().await;
    /// assert!(matches!(items[0], Err(Error::TooLarge { limit: 16, .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn with_max_note_bytes(mut self, max: u64) -> Self {
        self.max_note_bytes = max;
        self
    }

    /// The same with [`Options::write_mode`] set.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Options, StoreExt, WriteMode};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/out/a.md", "old")?;
    /// let opts = Options::default().with_write_mode(WriteMode::Replace);
    /// let report = fs.pipeline_with("/notes", "/out", &opts).await?;
    /// assert!(report.is_complete());
    /// assert_ne!(fs.get("/out/a.md").as_deref(), Some(&b"old"[..])); // replaced
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn with_write_mode(mut self, mode: WriteMode) -> Self {
        self.write_mode = mode;
        self
    }

    /// The same with `dir` added to [`Options::exclude`].
    ///
    /// # Examples
    /// ```
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::{Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/archive/old.md", "# Old\n")?;
    /// let opts = Options::default().with_recursive(true).with_exclude("/notes/archive");
    /// let notes: Vec<_> = fs.read_notes_with("/notes", &opts).try_collect().await?;
    /// assert_eq!(notes.len(), 1);
    /// assert_eq!(notes[0].note.title, "A");
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn with_exclude(mut self, dir: impl Into<PathBuf>) -> Self {
        self.exclude.push(dir.into());
        self
    }

    /// The same with [`Options::hidden`] set.
    ///
    /// # Examples
    /// ```
    /// assert!(smartnotes_io::Options::default().with_hidden(true).hidden);
    /// ```
    #[must_use]
    pub fn with_hidden(mut self, hidden: bool) -> Self {
        self.hidden = hidden;
        self
    }

    /// The same with [`Options::layout`] set.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Layout, Options};
    /// assert_eq!(Options::default().with_layout(Layout::Flat).layout, Layout::Flat);
    /// ```
    #[must_use]
    pub fn with_layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// The same with [`Options::names`] set.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Names, Options};
    /// assert_eq!(Options::default().with_names(Names::Keep).names, Names::Keep);
    /// ```
    #[must_use]
    pub fn with_names(mut self, names: Names) -> Self {
        self.names = names;
        self
    }

    /// The same with [`Options::preserve_mtime`] set to `preserve`.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::Options;
    /// assert!(Options::default().with_preserve_mtime(true).preserve_mtime);
    /// ```
    #[must_use]
    pub fn with_preserve_mtime(mut self, preserve: bool) -> Self {
        self.preserve_mtime = preserve;
        self
    }

    /// The same with [`Options::ignore_files`] set to `honour`.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::Options;
    /// assert!(!Options::default().with_ignore_files(false).ignore_files);
    /// ```
    #[must_use]
    pub fn with_ignore_files(mut self, honour: bool) -> Self {
        self.ignore_files = honour;
        self
    }

    /// The same with `glob` added to [`Options::exclude_globs`].
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::Options;
    /// let opts = Options::default().with_exclude_glob("drafts/").with_exclude_glob("*.tmp.md");
    /// assert_eq!(opts.exclude_globs, ["drafts/", "*.tmp.md"]);
    /// ```
    #[must_use]
    pub fn with_exclude_glob(mut self, glob: impl Into<String>) -> Self {
        self.exclude_globs.push(glob.into());
        self
    }
}

/// How the strategy is named in reports, by the names the CLI's `--strategy` takes:
/// `sequential`, `concurrent (limit 64)`, `blocking (batches of 256, 4 in flight)`,
/// `uring (batches of 256, 4 in flight)`. (Whether the local store's `uring` reads go through
/// io_uring in this process: `smartnotes::store::uring_backend`.)
impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Strategy::Sequential => f.write_str("sequential"),
            Strategy::Concurrent { limit } => write!(f, "concurrent (limit {limit})"),
            Strategy::Blocking { batch, in_flight } => {
                write!(f, "blocking (batches of {batch}, {in_flight} in flight)")
            }
            Strategy::Uring { batch, in_flight } => {
                write!(f, "uring (batches of {batch}, {in_flight} in flight)")
            }
        }
    }
}

/// `items` in batches of up to `batch` (what is ready, so a slow input never holds a batch
/// back), each batch one job on `runtime`'s blocking pool that runs `step` with the blocking
/// twin and returns one result per item, at most `in_flight` batches at once, results in
/// input order (an export's writes; reads run [`ahead`](crate::ahead::ahead)).
pub(crate) fn in_whole_batches<'a, T, U, B, R>(
    items: impl futures_core::Stream<Item = T> + Send + 'a,
    runtime: R,
    twin: B,
    (batch, in_flight): (usize, usize),
    step: impl Fn(&B, Vec<T>) -> Vec<U> + Clone + Send + Sync + 'static,
) -> impl futures_core::Stream<Item = U> + Send + 'a
where
    T: Send + 'static,
    U: Send + 'static,
    B: crate::BlockingStore,
    R: crate::Runtime,
{
    use futures_util::stream::{self, StreamExt};
    let pauses = runtime.clone();
    batches_of(items, batch)
        .map(move |batch| {
            let (twin, step) = (twin.clone(), step.clone());
            runtime.spawn_blocking(move || step(&twin, batch))
        })
        .buffered(in_flight.max(1))
        // Between batches the task lets the loop's other tasks run: the next batch is often
        // ready already, and handing out (and parsing) batch after batch without a pause
        // would hold a single-threaded loop for the whole read.
        .then(move |done| {
            let pause = pauses.yield_now();
            async move {
                pause.await;
                done
            }
        })
        .flat_map(stream::iter)
}

/// `items` in batches of up to `batch` (what is ready, so a slow input never holds a batch
/// back). The first batch goes out in growing parts (a few items, then twice as many, ...): the
/// consumer's first results come after a short job instead of a whole batch's, and it takes
/// them while the rest are worked through.
pub(crate) fn batches_of<'a, T: Send + 'a>(
    items: impl futures_core::Stream<Item = T> + Send + 'a,
    batch: usize,
) -> impl futures_core::Stream<Item = Vec<T>> + Send + 'a {
    use futures_util::stream::{self, StreamExt};
    let mut first = true;
    items.ready_chunks(batch.max(1)).flat_map(move |batch| {
        let parts = if std::mem::take(&mut first) {
            ramp(batch)
        } else {
            vec![batch]
        };
        stream::iter(parts)
    })
}

/// How many workers read ahead of one consumer ([`ahead`](crate::ahead::ahead)): one fewer
/// than the cores (the consumer parses on the last), at least one, at most `in_flight`.
pub(crate) fn read_workers(in_flight: usize) -> usize {
    cores().saturating_sub(1).clamp(1, in_flight.max(1))
}

/// The smallest part of a first batch handed out on its own.
const RAMP_FIRST: usize = 16;

/// `batch` cut into parts of growing size: [`RAMP_FIRST`] items, then twice as many each time,
/// the last part holding the rest.
fn ramp<T>(mut batch: Vec<T>) -> Vec<Vec<T>> {
    let mut parts = Vec::new();
    let mut size = RAMP_FIRST;
    while batch.len() > size * 2 {
        let rest = batch.split_off(size);
        parts.push(batch);
        batch = rest;
        size *= 2;
    }
    parts.push(batch);
    parts
}
