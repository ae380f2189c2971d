//! Exporting notes: [`export`](crate::StoreExt::export), [`pipeline`](crate::StoreExt::pipeline)
//! and the [`Report`] they return.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use smartnotes_core::{Note, UniqueNames};

use crate::Count;
use crate::read::{BLOCKING_STRATEGY, blocking_twin, list_notes, load_notes};
use crate::store::{BlockingStore, EntryKind, Store, WriteMode, write_atomic};
use crate::strategy::in_batches;
use crate::{Error, Layout, Names, NoteFile, Options, Strategy};

/// A note that was exported (or found already exported, unchanged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// Where the note came from.
    pub source: PathBuf,
    /// The file it was written to.
    pub path: PathBuf,
}

/// An input that was not exported, and why.
#[derive(Debug)]
pub struct Skipped {
    /// The input: the note file, or the directory that could not be listed.
    pub source: PathBuf,
    /// Why; its message names the file concerned.
    pub error: Error,
}

impl Skipped {
    /// The reason, as a sentence naming the file.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Error, Skipped};
    /// let skipped = Skipped { source: "a.md".into(), error: Error::Exists { path: "out/a.md".into() } };
    /// assert!(skipped.reason().contains("out/a.md already exists"));
    /// ```
    pub fn reason(&self) -> String {
        self.error.to_string()
    }
}

/// What an export did: every input is in `exported`, `unchanged` or `skipped`.
///
/// The lists are in input order, whatever the [`Strategy`].
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Report {
    /// The notes written, each with its source.
    pub exported: Vec<Exported>,
    /// The notes whose file was already there with the same bytes (an earlier export of the
    /// same notes): nothing was written.
    pub unchanged: Vec<Exported>,
    /// The inputs not written, each with its path and reason.
    pub skipped: Vec<Skipped>,
    /// Hidden entries the listing passed over (a [`pipeline`](crate::StoreExt::pipeline) only;
    /// see [`Options::hidden`]).
    pub hidden: usize,
    /// Notes already in the destination, left out of the walk because the destination lies
    /// inside the source of a recursive [`pipeline`](crate::StoreExt::pipeline) (see
    /// [`NoteStream::in_dest`](crate::NoteStream::in_dest)).
    pub in_dest: usize,
}

impl Report {
    /// True when nothing was skipped.
    ///
    /// # Examples
    /// ```
    /// assert!(smartnotes_io::Report::default().is_complete());
    /// ```
    pub fn is_complete(&self) -> bool {
        self.skipped.is_empty()
    }

    /// Adds one outcome to its list.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Exported, Outcome, Report};
    /// let mut report = Report::default();
    /// report.push(Outcome::Unchanged(Exported { source: "a.md".into(), path: "out/a.md".into() }));
    /// assert_eq!(report.unchanged.len(), 1);
    /// ```
    pub fn push(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Exported(exported) => self.exported.push(exported),
            Outcome::Unchanged(exported) => self.unchanged.push(exported),
            Outcome::Skipped(skipped) => self.skipped.push(skipped),
        }
    }
}

/// What became of one input of an export: an item of an [`ExportStream`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// The note was written.
    Exported(Exported),
    /// The note's file was already there with the same bytes: nothing was written.
    Unchanged(Exported),
    /// The input was not written, with its path and reason.
    Skipped(Skipped),
}

/// The outcomes of an export as they happen, one per input, in input order
/// ([`StoreExt::export_stream`](crate::StoreExt::export_stream),
/// [`StoreExt::pipeline_stream`](crate::StoreExt::pipeline_stream)).
///
/// An `Err` item is fatal (the destination could not be created, the source folder could not
/// be listed, the strategy is not supported by the store) and is the only item. Consuming the
/// outcomes as they come keeps memory bounded by the strategy's window, whatever the number of
/// notes; [`ExportStream::report`] collects them into a [`Report`]. Dropping the stream midway
/// stops the export: the writes in flight complete or leave nothing (each is atomic), and no
/// later note is read.
#[must_use = "streams do nothing unless polled"]
pub struct ExportStream<'a> {
    inner: BoxStream<'a, Result<Outcome, Error>>,
    hidden: Count,
    in_dest: Count,
}

impl ExportStream<'_> {
    /// A handle on how many hidden entries the listing passed over (a pipeline only; see
    /// [`Options::hidden`]): final once the stream has ended.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/.draft.md", "# Draft\n")?;
    /// let export = fs.pipeline_stream("/notes", "/out", &Options::default());
    /// let hidden = export.hidden();
    /// assert!(export.report().await?.is_complete());
    /// assert_eq!(hidden.get(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn hidden(&self) -> Count {
        self.hidden.clone()
    }

    /// A handle on how many notes already in the destination the walk left out (a pipeline
    /// whose destination lies inside its recursive source; see
    /// [`NoteStream::in_dest`](crate::NoteStream::in_dest)): final once the stream has ended.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/out/mine.md", "# Mine\n")?;
    /// let opts = Options::default().with_recursive(true);
    /// let export = fs.pipeline_stream("/notes", "/notes/out", &opts);
    /// let in_dest = export.in_dest();
    /// assert_eq!(export.report().await?.exported.len(), 1);
    /// assert_eq!(in_dest.get(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn in_dest(&self) -> Count {
        self.in_dest.clone()
    }

    /// Every outcome, collected into a [`Report`] (its lists in input order).
    ///
    /// # Errors
    /// The stream's fatal error, if it yields one.
    ///
    /// # Examples
    /// ```
    /// use futures_util::stream;
    /// use smartnotes_core::Note;
    /// use smartnotes_io::{NoteFile, Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// let notes = stream::iter([Ok(NoteFile::new("mem", Note::new("Hi", "body", ["x"])))]);
    /// let report = fs.export_stream("/out", notes, &Options::default()).report().await?;
    /// assert_eq!(report.exported.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub async fn report(mut self) -> Result<Report, Error> {
        let mut report = Report::default();
        while let Some(outcome) = self.inner.next().await {
            report.push(outcome?);
        }
        report.hidden = self.hidden.get();
        report.in_dest = self.in_dest.get();
        Ok(report)
    }
}

impl std::fmt::Debug for ExportStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportStream")
            .field("hidden", &self.hidden.get())
            .field("in_dest", &self.in_dest.get())
            .finish_non_exhaustive()
    }
}

impl Stream for ExportStream<'_> {
    type Item = Result<Outcome, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// One input of an export: a note to write, or an error to report.
enum Job {
    Write {
        source: PathBuf,
        dest: PathBuf,
        note: Box<Note>,
    },
    Failed {
        /// The note, when it was read and could not be placed; else the error's own path.
        source: Option<PathBuf>,
        error: Error,
    },
}

/// What writing a note did.
enum Written {
    New,
    Unchanged,
}

impl Job {
    async fn write_async<F: Store>(self, fs: &F, mode: WriteMode) -> Outcome {
        let result = match &self {
            Job::Write { dest, note, .. } => {
                match fs
                    .write_atomic(dest, note.render().into_bytes(), WriteMode::CreateNew)
                    .await
                {
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        let bytes = note.render().into_bytes();
                        let existing = fs.read(dest, bytes.len() as u64).await;
                        match settle(existing, &bytes, mode, e) {
                            Settled::Done(result) => result,
                            Settled::Replace => fs
                                .write_atomic(dest, bytes, WriteMode::Replace)
                                .await
                                .map(|()| Written::New),
                        }
                    }
                    other => other.map(|()| Written::New),
                }
            }
            Job::Failed { .. } => Ok(Written::New),
        };
        self.finish(result)
    }

    fn write_blocking<B: BlockingStore>(self, fs: &B, mode: WriteMode) -> Outcome {
        let result = match &self {
            Job::Write { dest, note, .. } => {
                let bytes = note.render().into_bytes();
                match write_atomic(fs, dest, &bytes, WriteMode::CreateNew) {
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        let existing = fs.read(dest, bytes.len() as u64);
                        match settle(existing, &bytes, mode, e) {
                            Settled::Done(result) => result,
                            Settled::Replace => write_atomic(fs, dest, &bytes, WriteMode::Replace)
                                .map(|()| Written::New),
                        }
                    }
                    other => other.map(|()| Written::New),
                }
            }
            Job::Failed { .. } => Ok(Written::New),
        };
        self.finish(result)
    }

    fn finish(self, result: io::Result<Written>) -> Outcome {
        match self {
            Job::Failed { source, error } => Outcome::Skipped(Skipped {
                source: source.unwrap_or_else(|| error.path().to_owned()),
                error,
            }),
            Job::Write { source, dest, .. } => match result {
                Ok(Written::New) => Outcome::Exported(Exported { source, path: dest }),
                Ok(Written::Unchanged) => Outcome::Unchanged(Exported { source, path: dest }),
                Err(e) => Outcome::Skipped(Skipped {
                    source,
                    error: Error::write(dest, e),
                }),
            },
        }
    }
}

/// What to do when the file a note wants is already there.
enum Settled {
    Done(io::Result<Written>),
    Replace,
}

/// The same bytes: unchanged, nothing to write (an export run again). Other bytes: replaced
/// only when asked, else the `AlreadyExists` error stands (nothing is overwritten).
fn settle(
    existing: io::Result<Vec<u8>>,
    bytes: &[u8],
    mode: WriteMode,
    exists: io::Error,
) -> Settled {
    match existing {
        Ok(existing) if existing == bytes => Settled::Done(Ok(Written::Unchanged)),
        _ if mode == WriteMode::Replace => Settled::Replace,
        _ => Settled::Done(Err(exists)),
    }
}

/// The folders of an export under its destination: each created and checked once, when its
/// first note comes; its unique names; or why it cannot be used.
#[derive(Default)]
struct Folders {
    names: HashMap<PathBuf, UniqueNames>,
    refused: HashMap<PathBuf, String>,
    /// Folders the input has left (their names forgotten): one path per folder, never a name.
    left: HashSet<PathBuf>,
}

/// Why a note that comes back to a folder its input has left is not written.
const CAME_BACK: &str = "the input came back to this folder after leaving it, and the names \
    given there before are no longer known, so this note is not written (nothing is \
    overwritten); export notes grouped by folder, as read_notes yields them";

/// The file name `note` (read from `path`) takes among `unique`.
fn name_in(unique: &mut UniqueNames, names: Names, path: &Path, note: &Note) -> String {
    match (names, path.file_name().and_then(|n| n.to_str())) {
        (Names::Keep, Some(file_name)) => unique.assign_kept(file_name),
        _ => unique.assign(&note.title),
    }
}

/// `folder` with only its plain components: whatever a caller put in a [`NoteFile::folder`],
/// it never leads outside the destination.
fn plain(folder: &Path) -> PathBuf {
    folder
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name),
            _ => None,
        })
        .collect()
}

/// Creates `dest/folder` and checks that every folder from `dest` down is a real directory,
/// never a symbolic link (which could lead outside `dest`).
async fn prepare<F: Store>(fs: &F, dest: &Path, folder: &Path) -> io::Result<()> {
    if !fs.has_directories() {
        return Ok(()); // folders are key prefixes: nothing to create, nothing to follow
    }
    let target = dest.join(folder);
    crate::retry::retry_async(fs.runtime(), || fs.create_dir_all(&target)).await?;
    let mut parent = dest.to_path_buf();
    for name in folder.iter() {
        let entries = fs.list(&parent).await?;
        let real_dir = entries
            .iter()
            .any(|e| e.kind == EntryKind::Dir && e.path.file_name() == Some(name));
        parent.push(name);
        if !real_dir {
            return Err(io::Error::other(format!(
                "{} is not a plain directory (a symbolic link is never followed)",
                parent.display()
            )));
        }
    }
    Ok(())
}

/// The outcomes of writing each note of `notes` to `dest`, as a stream
/// ([`StoreExt::export_stream`](crate::StoreExt::export_stream) documents it).
pub(crate) fn export_stream<'a, F, S>(
    fs: &F,
    dest: &Path,
    notes: S,
    opts: &Options,
) -> ExportStream<'a>
where
    F: Store,
    S: Stream<Item = Result<NoteFile, Error>> + Send + 'a,
{
    let inner = match outcomes(fs, dest, notes, opts) {
        Ok(inner) => inner,
        Err(error) => stream::iter([Err(error)]).boxed(),
    };
    ExportStream {
        inner,
        hidden: Count::default(),
        in_dest: Count::default(),
    }
}

/// The outcome stream: the destination created first, then each note placed (in order) and
/// written (with the strategy, outcomes kept in input order).
fn outcomes<'a, F, S>(
    fs: &F,
    dest: &Path,
    notes: S,
    opts: &Options,
) -> Result<BoxStream<'a, Result<Outcome, Error>>, Error>
where
    F: Store,
    S: Stream<Item = Result<NoteFile, Error>> + Send + 'a,
{
    let strategy = opts.strategy_for(fs);
    let blocking = match strategy.batches() {
        Some(_) => Some(blocking_twin(fs, dest, BLOCKING_STRATEGY)?),
        None => None,
    };
    let (fs, mode) = (fs.clone(), opts.write_mode);
    let dest: Arc<Path> = dest.into();
    let setup = {
        let (fs, dest) = (fs.clone(), dest.clone());
        async move {
            crate::retry::retry_async(fs.runtime(), || fs.create_dir_all(&dest))
                .await
                .map_err(|source| Error::CreateDir {
                    path: dest.to_path_buf(),
                    source,
                })
        }
    };
    let jobs = place(&fs, dest, notes, opts);
    let runtime = fs.runtime().clone();
    // One note's async write (the concurrent and sequential strategies).
    let write = move |job: Job| {
        let fs = fs.clone();
        async move { job.write_async(&fs, mode).await }
    };
    let written: BoxStream<'a, Outcome> = match (strategy, strategy.batches(), blocking) {
        (Strategy::Concurrent { limit }, ..) => jobs.map(write).buffered(limit.max(1)).boxed(),
        // io_uring batches its reads; writes are the blocking strategy's.
        (_, Some((batch, in_flight, _)), Some(twin)) => {
            let write = move |fs: &F::Blocking, job: Job| job.write_blocking(fs, mode);
            in_batches(jobs, runtime, twin, (batch, in_flight), write).boxed()
        }
        // Sequential (a Blocking strategy without a twin was refused above).
        _ => jobs.then(write).boxed(),
    };
    Ok(
        stream::once(async move { setup.await.map(|()| written.map(Ok)) })
            .try_flatten()
            .boxed(),
    )
}

/// Places each note: its folder under `dest` (created and checked when its first note comes),
/// and a name unique in that folder. Sequential (`then`): a folder's first note creates it
/// before the next note is looked at.
///
/// A folder's names are remembered while notes come from it or from its subfolders, as a walk
/// in path order yields them ([`read_notes`](crate::StoreExt::read_notes)): memory holds one
/// branch of folders' names, never every name. A note that comes back to a folder its input
/// has left is skipped with that reason ([`CAME_BACK`]): the names given there are forgotten,
/// so it could otherwise take one of them.
fn place<'a, F, S>(
    fs: &F,
    dest: Arc<Path>,
    notes: S,
    opts: &Options,
) -> impl Stream<Item = Job> + Send + 'a
where
    F: Store,
    S: Stream<Item = Result<NoteFile, Error>> + Send + 'a,
{
    let (layout, names) = (opts.layout, opts.names);
    let fs = fs.clone();
    let folders = Arc::new(Mutex::new(Folders::default()));
    notes.then(move |item| {
        let (fs, dest, folders) = (fs.clone(), dest.clone(), folders.clone());
        async move {
            let file = match item {
                Ok(file) => file,
                Err(error) => {
                    return Job::Failed {
                        source: None,
                        error,
                    };
                }
            };
            let folder = match layout {
                Layout::Flat => PathBuf::new(),
                _ => plain(&file.folder),
            };
            let first = {
                let mut folders = lock(&folders);
                if let Some(reason) = folders.refused.get(&folder) {
                    let error = io::Error::other(reason.clone());
                    let path = dest.join(&folder);
                    return Job::Failed {
                        source: Some(file.path),
                        error: Error::CreateDir {
                            path,
                            source: error,
                        },
                    };
                }
                // Folders left behind (not this one nor above it) are done with: their names
                // are forgotten, and a note coming back to one is refused, deterministically
                // (letting it race the writes of the notes that took its name would not be).
                let done: Vec<PathBuf> = (folders.names.keys())
                    .filter(|open| !folder.starts_with(open))
                    .cloned()
                    .collect();
                for open in done {
                    folders.names.remove(&open);
                    folders.left.insert(open);
                }
                if folders.left.contains(&folder) {
                    let name = name_in(&mut UniqueNames::new(), names, &file.path, &file.note);
                    return Job::Failed {
                        error: Error::write(
                            dest.join(&folder).join(name),
                            io::Error::other(CAME_BACK),
                        ),
                        source: Some(file.path),
                    };
                }
                !folders.names.contains_key(&folder)
            };
            if first && !folder.as_os_str().is_empty() {
                if let Err(source) = prepare(&fs, &dest, &folder).await {
                    let path = dest.join(&folder);
                    lock(&folders).refused.insert(folder, source.to_string());
                    return Job::Failed {
                        source: Some(file.path),
                        error: Error::CreateDir { path, source },
                    };
                }
            }
            let NoteFile { path, note, .. } = file;
            let name = {
                let mut folders = lock(&folders);
                let unique = folders.names.entry(folder.clone()).or_default();
                name_in(unique, names, &path, &note)
            };
            Job::Write {
                dest: dest.join(folder).join(name),
                source: path,
                note: Box::new(note),
            }
        }
    })
}

/// The folder state, even after a panic elsewhere (each update is a single insert).
fn lock(folders: &Mutex<Folders>) -> std::sync::MutexGuard<'_, Folders> {
    folders.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads the notes of `src` and exports them to `dest`, as a stream of outcomes
/// ([`StoreExt::pipeline_stream`](crate::StoreExt::pipeline_stream) documents it).
pub(crate) fn pipeline_stream<F: Store>(
    fs: &F,
    src: &Path,
    dest: &Path,
    opts: &Options,
) -> ExportStream<'static> {
    let (hidden, in_dest) = (Count::default(), Count::default());
    let (fs, src, dest, opts) = (
        fs.clone(),
        src.to_path_buf(),
        dest.to_path_buf(),
        opts.clone(),
    );
    let counts = (hidden.clone(), in_dest.clone());
    let inner = stream::once(async move {
        let read = source_for(&fs, &src, &dest, &opts).await?;
        counts.1.set(read.in_dest);
        let mut listed = list_notes(&fs, &src, &read.opts, counts.0).peekable();
        // The source folder that cannot be listed is fatal, as is a refused strategy.
        let fatal = match Pin::new(&mut listed).peek().await {
            Some(Err(Error::List { path, .. })) => *path == src,
            Some(Err(Error::Unsupported { .. })) => true,
            _ => false,
        };
        if fatal {
            if let Some(Err(error)) = listed.next().await {
                return Err(error);
            }
        }
        let notes = load_notes(&fs, listed, &read.opts);
        Ok(export_stream(&fs, &dest, notes, &opts).inner)
    })
    .try_flatten()
    .boxed();
    ExportStream {
        inner,
        hidden,
        in_dest,
    }
}

/// How to read the source of an export in the same store: the options (the destination left
/// out of the walk when it lies inside the source) and how many notes already in the
/// destination that leaves out.
pub(crate) struct Source {
    pub(crate) opts: Options,
    pub(crate) in_dest: usize,
}

/// Why an export into its own folder is refused.
const SAME_FOLDER: &str = "they are the same folder, so the exported notes would be read back \
    as notes of the source on every run; export to a folder of its own";

/// Why a recursive, mirrored export from inside its destination is refused.
const SOURCE_INSIDE: &str = "the source lies inside the destination, so a recursive export \
    that mirrors folders could write into the source; export to a folder outside it, or flat";

/// Checks that exporting `src` into `dest` (in the store `fs`) with `opts` never writes into
/// the source, before anything is read or written ([`Error::Overlap`] if it could), and says
/// how to read the source.
pub(crate) async fn source_for<F: Store>(
    fs: &F,
    src: &Path,
    dest: &Path,
    opts: &Options,
) -> Result<Source, Error> {
    let list_error = |source| Error::List {
        path: src.to_owned(),
        source,
    };
    let refuse = |reason| Error::Overlap {
        path: dest.to_owned(),
        src: src.to_owned(),
        reason,
    };
    let source = |opts: Options, in_dest| Source { opts, in_dest };
    if let Some(rest) = fs.locate(dest, src).await.map_err(list_error)? {
        if rest.as_os_str().is_empty() {
            return Err(refuse(SAME_FOLDER));
        }
        if opts.recursive && opts.layout == Layout::Mirror {
            return Err(refuse(SOURCE_INSIDE));
        }
        return Ok(source(opts.clone(), 0));
    }
    let rest = match fs.locate(src, dest).await.map_err(list_error)? {
        Some(rest) if opts.recursive => rest,
        // A destination outside the source, or in a folder a flat walk does not enter.
        _ => return Ok(source(opts.clone(), 0)),
    };
    let inside = src.join(&rest);
    // A hidden folder is never entered (the walk counts it as hidden); else what the walk
    // would have found there, counted before anything is written.
    let hidden = rest
        .iter()
        .any(|name| name.to_string_lossy().starts_with('.'));
    let in_dest = if hidden && !opts.hidden {
        0
    } else {
        list_notes(fs, &inside, opts, Count::default())
            .filter(|item| std::future::ready(item.is_ok()))
            .count()
            .await
    };
    Ok(source(opts.clone().with_exclude(inside), in_dest))
}
