//! [`StoreExt`]: every note operation, on any [`Store`].

use std::future::Future;
use std::path::{Path, PathBuf};

use futures_core::Stream;
use futures_core::stream::BoxStream;
use smartnotes_core::scan::Lines;

#[cfg(doc)]
use crate::Outcome;
use crate::{
    Error, ExportStream, NoteFile, NoteStream, Options, Report, ScanOptions, ScanProgress, Store,
};

/// The operations of smartnotes, on any [`Store`]: read notes, export them, run the whole
/// pipeline, scan a file. Implemented for every store; bring it into scope with
/// `use smartnotes::StoreExt;` and call it on the store value.
///
/// Each operation has a plain form with the [default options](Options::default) and a `_with`
/// form taking [`Options`] (or [`ScanOptions`] for the scans). Every strategy gives the same
/// notes, the same [`Report`], in the same order; only the speed differs.
///
/// The Python patterns they mirror: [`read_notes`](StoreExt::read_notes) is an `async for`
/// over `aiofiles` reads; [`export`](StoreExt::export) an `asyncio.gather` with a bound;
/// [`pipeline`](StoreExt::pipeline) the two chained (an `async_pipeline`);
/// [`count_matching`](StoreExt::count_matching) and [`read_lines`](StoreExt::read_lines) the
/// log analyzer's `async for line in f`, done in blocking batches off the event loop.
pub trait StoreExt: Store {
    /// The notes in the `*.md` files of `dir`, as a stream, in sorted path order, with the
    /// default options.
    ///
    /// Each item is a [`NoteFile`] or an [`Error`] naming the file that could not be read or
    /// parsed; the stream goes on past errors. Entries that are not `.md` files (other files,
    /// subdirectories, temporary files of an export) are passed over. If `dir` itself cannot
    /// be listed, the stream yields that one error. Nothing is read until the stream is
    /// polled, and at most the strategy's window of notes is held at once.
    ///
    /// # Examples
    /// ```
    /// use futures_util::StreamExt;
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime); // smartnotes::tokio::fs() for real files
    /// fs.insert("/notes/b.md", "# B\n")?;
    /// fs.insert("/notes/a.md", "# A\n\nTags: x\n")?;
    /// let titles: Vec<String> = fs
    ///     .read_notes("/notes")
    ///     .map(|item| item.map(|file| file.note.title))
    ///     .collect::<Vec<_>>()
    ///     .await
    ///     .into_iter()
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(titles, ["A", "B"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn read_notes(&self, dir: impl AsRef<Path>) -> NoteStream {
        crate::read::read_notes(self, dir.as_ref(), &Options::default())
    }

    /// [`read_notes`](StoreExt::read_notes) with [`Options`]: the strategy, a recursive walk,
    /// the size limit.
    ///
    /// # Examples
    /// ```
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::{Options, StoreExt, Strategy};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/sub/b.md", "# B\n")?;
    /// let opts = Options::default()
    ///     .with_recursive(true)
    ///     .with_strategy(Strategy::Concurrent { limit: 8 });
    /// let notes: Vec<_> = fs.read_notes_with("/notes", &opts).try_collect().await?;
    /// assert_eq!(notes.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn read_notes_with(&self, dir: impl AsRef<Path>, opts: &Options) -> NoteStream {
        crate::read::read_notes(self, dir.as_ref(), opts)
    }

    /// The notes of `src` to export into `dest`, a folder of the same store: what
    /// [`pipeline_with`](StoreExt::pipeline_with) reads, for a program that filters or counts
    /// the notes on their way to [`export_stream`](StoreExt::export_stream_with).
    ///
    /// It checks first, before anything is read or written, that the export cannot write into
    /// its source: `dest` being `src` (however spelled: on local files a link, a relative path
    /// or a bind mount is seen through, see [`Store::locate`]) is refused, and so is a source
    /// inside `dest` for a recursive export that mirrors folders (its folders would be
    /// recreated under `dest`, inside the source). A `dest` inside `src` is allowed: a
    /// recursive walk leaves it out, and the notes already there are counted
    /// ([`NoteStream::in_dest`]), never silently dropped.
    ///
    /// # Errors
    /// [`Error::Overlap`] for an export that could write into its source; [`Error::List`]
    /// when a path cannot be resolved.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Error, Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// let refused = fs.read_notes_for_export_with("/notes", "/notes/./", &Options::default()).await;
    /// assert!(matches!(refused, Err(Error::Overlap { .. })));
    /// let notes = fs.read_notes_for_export_with("/notes", "/out", &Options::default()).await?;
    /// let report = fs.export("/out", notes).await?;
    /// assert_eq!(report.exported.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn read_notes_for_export_with(
        &self,
        src: impl AsRef<Path>,
        dest: impl AsRef<Path>,
        opts: &Options,
    ) -> impl Future<Output = Result<NoteStream, Error>> + Send {
        let (src, dest, opts) = (
            src.as_ref().to_owned(),
            dest.as_ref().to_owned(),
            opts.clone(),
        );
        async move {
            let source = crate::export::source_for(self, &src, &dest, &opts).await?;
            let in_dest = crate::Count::default();
            in_dest.set(source.in_dest);
            Ok(crate::read::read_notes(self, &src, &source.opts).with_in_dest(in_dest))
        }
    }

    /// The notes in the files `paths` names, as a stream in that order, read and parsed with
    /// the options' strategy and size limit: [`read_notes_with`](StoreExt::read_notes_with)
    /// without the listing, for a list of files you already have (from an index, `git
    /// ls-files`, an earlier listing).
    ///
    /// Each item is a [`NoteFile`] or an [`Error`] naming the file. The options' walk settings
    /// (`recursive`, `exclude`) do not apply.
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
    /// fs.insert("/notes/b.md", "# B\n")?;
    /// let paths = vec!["/notes/b.md".into(), "/notes/a.md".into()];
    /// let notes: Vec<_> = fs.read_files_with(paths, &Options::default()).try_collect().await?;
    /// assert_eq!((notes[0].note.title.as_str(), notes[1].note.title.as_str()), ("B", "A"));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn read_files_with(&self, paths: Vec<PathBuf>, opts: &Options) -> NoteStream {
        crate::read::read_files(self, paths, opts)
    }

    /// Writes each note of `notes` to `dest`, with the default options.
    ///
    /// `dest` is created if needed. Each note goes to a file named from its title
    /// (`title.md`, `title-2.md`, ..., made safe: see `smartnotes_core::file_stem`), written
    /// atomically ([`Store::write_atomic`]), never replacing an existing file (such a note is
    /// skipped with [`Error::Exists`] unless the options say
    /// [`WriteMode::Replace`](crate::WriteMode::Replace)). Error items of `notes` are
    /// reported as skipped. The stream is consumed as it goes: at most the strategy's window
    /// of notes is in memory.
    ///
    /// # Errors
    /// [`Error::CreateDir`] when `dest` cannot be created; [`Error::Unsupported`] for a
    /// batched strategy (`Blocking`, `Uring`) on a store without a blocking twin. Every other failure is per
    /// note, in the [`Report`].
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{NoteFile, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    /// use smartnotes_core::Note;
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// let notes = futures_util::stream::iter([Ok(NoteFile::new("mem", Note::new("Hi", "body", ["x"])))]);
    /// let report = fs.export("/out", notes).await?;
    /// assert_eq!(report.exported.len(), 1);
    /// assert_eq!(fs.get("/out/hi.md").as_deref(), Some(&b"# Hi\n\nbody\n\nTags: x\n"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn export<S>(
        &self,
        dest: impl AsRef<Path>,
        notes: S,
    ) -> impl Future<Output = Result<Report, Error>> + Send
    where
        S: Stream<Item = Result<NoteFile, Error>> + Send,
    {
        let dest = dest.as_ref().to_path_buf();
        async move {
            let export = crate::export::export_stream(self, &dest, notes, &Options::default());
            export.report().await
        }
    }

    /// [`export`](StoreExt::export) with [`Options`] (strategy and write mode).
    ///
    /// # Errors
    /// As [`export`](StoreExt::export).
    ///
    /// # Examples
    /// ```
    /// use futures_util::stream;
    /// use smartnotes_io::{NoteFile, Options, StoreExt, WriteMode};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    /// use smartnotes_core::Note;
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/out/hi.md", "old")?;
    /// let note = || stream::iter([Ok(NoteFile::new("mem", Note::new("Hi", "new", ["x"])))]);
    /// let kept = fs.export("/out", note()).await?; // never overwrites: skipped, with the reason
    /// assert!(matches!(kept.skipped[0].error, smartnotes_io::Error::Exists { .. }));
    /// assert_eq!(fs.get("/out/hi.md").as_deref(), Some(&b"old"[..]));
    ///
    /// let opts = Options::default().with_write_mode(WriteMode::Replace);
    /// fs.export_with("/out", note(), &opts).await?;
    /// assert_eq!(fs.get("/out/hi.md").as_deref(), Some(&b"# Hi\n\nnew\n\nTags: x\n"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn export_with<S>(
        &self,
        dest: impl AsRef<Path>,
        notes: S,
        opts: &Options,
    ) -> impl Future<Output = Result<Report, Error>> + Send
    where
        S: Stream<Item = Result<NoteFile, Error>> + Send,
    {
        let (dest, opts) = (dest.as_ref().to_path_buf(), opts.clone());
        async move {
            let export = crate::export::export_stream(self, &dest, notes, &opts);
            export.report().await
        }
    }

    /// [`export_with`](StoreExt::export_with) as a stream of [`Outcome`]s, one per input in
    /// input order, as they happen: for a progress display, a JSON or log writer, or an export
    /// too large to collect. Memory stays bounded by the strategy's window, not by the number
    /// of notes (see [`ExportStream`]).
    ///
    /// # Examples
    /// ```
    /// use futures_util::{StreamExt, stream};
    /// use smartnotes_core::Note;
    /// use smartnotes_io::{NoteFile, Options, Outcome, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// let notes = stream::iter([
    ///     Ok(NoteFile::new("a", Note::new("Same", "one", ["x"]))),
    ///     Ok(NoteFile::new("b", Note::new("Same", "two", ["x"]))),
    /// ]);
    /// let mut outcomes = fs.export_stream_with("/out", notes, &Options::default());
    /// while let Some(outcome) = outcomes.next().await {
    ///     match outcome? {
    ///         Outcome::Exported(e) => println!("{} -> {}", e.source.display(), e.path.display()),
    ///         Outcome::Unchanged(e) => println!("{} unchanged", e.path.display()),
    ///         Outcome::Skipped(s) => eprintln!("skipped: {}", s.reason()),
    ///         _ => {}
    ///     }
    /// }
    /// assert!(fs.get("/out/same-2.md").is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn export_stream_with<'a, S>(
        &self,
        dest: impl AsRef<Path>,
        notes: S,
        opts: &Options,
    ) -> ExportStream<'a>
    where
        S: Stream<Item = Result<NoteFile, Error>> + Send + 'a,
    {
        crate::export::export_stream(self, dest.as_ref(), notes, opts)
    }

    /// Reads the notes of `src` and exports them to `dest`, with the default options.
    ///
    /// It streams: notes are written while later ones are still being read, and memory is
    /// bounded by the strategy's window, not by the number of notes. It never writes into its
    /// source: see [`read_notes_for_export_with`](StoreExt::read_notes_for_export_with) for what is
    /// refused, and for a `dest` inside `src` ([`Report::in_dest`] counts the notes already
    /// there, which a recursive walk leaves out).
    ///
    /// # Errors
    /// [`Error::Overlap`] for an export that could write into its source (nothing is read or
    /// written), [`Error::List`] when `src` cannot be listed, [`Error::CreateDir`] when `dest` cannot be
    /// created, [`Error::Unsupported`] for a batched strategy (`Blocking`, `Uring`) on a store
    /// without a blocking twin. Every per-note failure is in the [`Report`].
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# Async\n\nbody\n\nTags: python\n")?;
    /// fs.insert("/notes/b.md", "")?;
    /// let report = fs.pipeline("/notes", "/out").await?;
    /// assert_eq!(report.exported[0].path, std::path::Path::new("/out/async.md"));
    /// assert!(report.skipped[0].reason().contains("/notes/b.md"));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn pipeline(
        &self,
        src: impl AsRef<Path>,
        dest: impl AsRef<Path>,
    ) -> impl Future<Output = Result<Report, Error>> + Send {
        self.pipeline_stream_with(src, dest, &Options::default())
            .report()
    }

    /// [`pipeline`](StoreExt::pipeline) with [`Options`].
    ///
    /// # Errors
    /// As [`pipeline`](StoreExt::pipeline).
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Options, StoreExt, Strategy};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/deep/a.md", "# A\n")?;
    /// let opts = Options::default().with_recursive(true).with_strategy(Strategy::Sequential);
    /// let report = fs.pipeline_with("/notes", "/out", &opts).await?;
    /// assert!(report.is_complete());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn pipeline_with(
        &self,
        src: impl AsRef<Path>,
        dest: impl AsRef<Path>,
        opts: &Options,
    ) -> impl Future<Output = Result<Report, Error>> + Send {
        self.pipeline_stream_with(src, dest, opts).report()
    }

    /// [`pipeline_with`](StoreExt::pipeline_with) as a stream of [`Outcome`]s, one per note
    /// in path order, as they happen (see [`ExportStream`]; its
    /// [`hidden`](ExportStream::hidden) counts the hidden entries passed over).
    ///
    /// # Examples
    /// ```
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::{Options, Outcome, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/b.md", "# B\n")?;
    /// let exported = fs
    ///     .pipeline_stream_with("/notes", "/out", &Options::default())
    ///     .try_fold(0, |n, outcome| async move { Ok(n + matches!(outcome, Outcome::Exported(_)) as usize) })
    ///     .await?;
    /// assert_eq!(exported, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn pipeline_stream_with(
        &self,
        src: impl AsRef<Path>,
        dest: impl AsRef<Path>,
        opts: &Options,
    ) -> ExportStream<'static> {
        crate::export::pipeline_stream(self, src.as_ref(), dest.as_ref(), opts)
    }

    /// Counts the lines of the file at `path` that contain `needle` (`grep -c`), in bounded
    /// memory and without blocking the event loop; the final [`ScanProgress`] has the count
    /// and the bytes read.
    ///
    /// Lines are split at `\n`; the last line counts without one; bytes need not be UTF-8 (a
    /// log with a stray invalid byte is counted, not refused); a line longer than the buffer
    /// is handled. An empty `needle` counts every line.
    ///
    /// # Errors
    /// [`Error::Read`] (with the path) if the file cannot be opened or read;
    /// [`Error::Pattern`] if `needle` contains `\n`; whatever [`Store::read_at`] fails with
    /// (as [`Error::Read`]) on a store without a blocking twin that does not implement it.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/app.log", "GET /\nERROR disk\nGET /a\nERROR net")?;
    /// let scan = fs.count_matching("/app.log", "ERROR").await?;
    /// assert_eq!((scan.matching_lines, scan.bytes), (2, 33));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn count_matching(
        &self,
        path: impl AsRef<Path>,
        needle: impl AsRef<[u8]>,
    ) -> impl Future<Output = Result<ScanProgress, Error>> + Send {
        let path = path.as_ref().to_path_buf();
        let needle = needle.as_ref().to_vec();
        async move { crate::scan::count_matching(self, &path, &needle).await }
    }

    /// [`count_matching`](StoreExt::count_matching) as a stream of [`ScanProgress`] reports,
    /// one per blocking job (a worker's `opts.job` bytes or `opts.job_time` of reading, on a
    /// store with a blocking twin; one per ranged read of at most 8 MiB otherwise), the last
    /// with `done` set: for a progress bar, or to stop early by dropping the stream (the jobs
    /// in flight finish their chunk; nothing else is read). An error ends the stream.
    ///
    /// # Examples
    /// ```
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/app.log", "ERROR a\nINFO b\nERROR c\n")?;
    /// let last = fs.scan_matching("/app.log", "ERROR").try_collect::<Vec<_>>().await?.pop();
    /// assert_eq!(last.map(|r| (r.done, r.matching_lines)), Some((true, 2)));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn scan_matching(
        &self,
        path: impl AsRef<Path>,
        needle: impl AsRef<[u8]>,
    ) -> BoxStream<'static, Result<ScanProgress, Error>> {
        self.scan_matching_with(path, needle, &ScanOptions::default())
    }

    /// [`scan_matching`](StoreExt::scan_matching) with [`ScanOptions`] (buffer, job size,
    /// workers).
    ///
    /// # Examples
    /// ```
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::{ScanOptions, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/app.log", "ERROR a\nINFO b\nERROR c\n")?;
    /// let reports: Vec<_> = fs
    ///     .scan_matching_with("/app.log", "ERROR", &ScanOptions::default().with_buffer(4).with_job(8))
    ///     .try_collect()
    ///     .await?;
    /// let last = reports.last().unwrap();
    /// assert!(last.done && last.matching_lines == 2 && reports.len() > 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn scan_matching_with(
        &self,
        path: impl AsRef<Path>,
        needle: impl AsRef<[u8]>,
        opts: &ScanOptions,
    ) -> BoxStream<'static, Result<ScanProgress, Error>> {
        crate::scan::scan_matching(self, path.as_ref(), needle.as_ref(), *opts)
    }

    /// The lines of a file as a stream of batches (`async for line in f`, a batch at a time),
    /// in bounded memory.
    ///
    /// Each item is a [`Lines`] batch: the consecutive lines one blocking job read (up to
    /// 256 KiB), in one buffer, so a consumer pays no allocation and no wake-up per line. Lines
    /// are bytes, so invalid UTF-8 is the consumer's call, not an error; `\n` and a `\r` before
    /// it are not part of a line. A line longer than `opts.max_line` yields
    /// [`Error::LineTooLong`] between two batches and the stream goes on; a read error yields
    /// [`Error::Read`] and ends it.
    ///
    /// # Examples
    /// ```
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/app.log", "GET /\r\nERROR disk\nlast")?;
    /// let mut lines = Vec::new();
    /// let mut batches = fs.read_lines("/app.log");
    /// while let Some(batch) = batches.try_next().await? {
    ///     lines.extend(batch.iter().map(|(_, line)| String::from_utf8_lossy(line).into_owned()));
    /// }
    /// assert_eq!(lines, ["GET /", "ERROR disk", "last"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn read_lines(&self, path: impl AsRef<Path>) -> BoxStream<'static, Result<Lines, Error>> {
        self.read_lines_with(path, &ScanOptions::default())
    }

    /// [`read_lines`](StoreExt::read_lines) with [`ScanOptions`] (the longest line, the batch
    /// size).
    ///
    /// # Examples
    /// ```
    /// use futures_util::StreamExt;
    /// use smartnotes_io::{Error, ScanOptions, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/app.log", "short\nthis line is too long\nok")?;
    /// let opts = ScanOptions::default().with_max_line(8);
    /// let items: Vec<_> = fs.read_lines_with("/app.log", &opts).collect::<Vec<_>>().await;
    /// assert!(items.iter().any(|item| matches!(item, Err(Error::LineTooLong { line: 2, .. }))));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    fn read_lines_with(
        &self,
        path: impl AsRef<Path>,
        opts: &ScanOptions,
    ) -> BoxStream<'static, Result<Lines, Error>> {
        crate::scan::read_lines(self, path.as_ref(), *opts)
    }
}

impl<S: Store> StoreExt for S {}
