//! Reading notes: [`read_notes`](crate::StoreExt::read_notes) and the steps it is made of.

use std::path::{Path, PathBuf};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::stream::{self, BoxStream, StreamExt};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use smartnotes_core::{HasTags, Note};

use crate::ahead::ahead;
use crate::retry::{retry_async, retry_blocking};
use crate::spill::SortedEntries;
use crate::store::{BlockingStore, EntryKind, Store, lexical};
use crate::strategy::{Plan, batches_of, read_workers};
use crate::{Error, Options, Runtime};

/// A note and the file it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoteFile {
    /// Where the note came from (for an in-memory note, any label that identifies it).
    pub path: PathBuf,
    /// The note's folder relative to the folder it was read from: empty at the top, `a/b` for
    /// a note found in `a/b/` by a recursive read. A mirrored export recreates it under the
    /// destination ([`Layout::Mirror`](crate::Layout::Mirror)).
    pub folder: PathBuf,
    /// The note.
    pub note: Note,
    /// When the file was last modified, when the read was asked for it
    /// ([`Options::preserve_mtime`](crate::Options::preserve_mtime)) and the store keeps times.
    pub modified: Option<std::time::SystemTime>,
}

impl NoteFile {
    /// A note with the path (or label) that identifies it in reports.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::NoteFile;
    /// let file = NoteFile::new("inbox/a.md", smartnotes_core::Note::new("A", "body", ["x"]));
    /// assert_eq!(file.note.title, "A");
    /// ```
    pub fn new(path: impl Into<PathBuf>, note: Note) -> Self {
        Self {
            path: path.into(),
            folder: PathBuf::new(),
            note,
            modified: None,
        }
    }

    /// The same in `folder` (relative: only its plain components are used, so it never leads
    /// outside an export's destination).
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::NoteFile;
    /// let file = NoteFile::new("a.md", smartnotes_core::Note::new("A", "", ["x"])).with_folder("fr/guide");
    /// assert_eq!(file.folder, std::path::Path::new("fr/guide"));
    /// ```
    #[must_use]
    pub fn with_folder(mut self, folder: impl Into<PathBuf>) -> Self {
        self.folder = folder.into();
        self
    }
}

impl HasTags for NoteFile {
    fn has_tag(&self, tag: &str) -> bool {
        self.note.has_tag(tag)
    }
}

/// The stream of notes [`read_notes`](crate::StoreExt::read_notes) returns: each item a
/// note, or an error naming its file; with a count of the hidden entries its listing passed
/// over ([`NoteStream::hidden`]).
#[must_use = "streams do nothing unless polled"]
pub struct NoteStream {
    inner: BoxStream<'static, Result<NoteFile, Error>>,
    hidden: Count,
    ignored: Count,
    in_dest: Count,
}

impl NoteStream {
    fn new(inner: BoxStream<'static, Result<NoteFile, Error>>) -> Self {
        Self {
            inner,
            hidden: Count::default(),
            ignored: Count::default(),
            in_dest: Count::default(),
        }
    }

    /// The notes already in the export's destination that the walk leaves out, when the
    /// destination lies inside the source of a recursive
    /// [`read_notes_for_export_with`](crate::StoreExt::read_notes_for_export_with) (counted before
    /// anything is written, so they are never silently dropped); 0 otherwise.
    ///
    /// # Examples
    /// ```
    /// use futures_util::StreamExt;
    /// use smartnotes_io::{Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/out/old.md", "# Old\n")?;
    /// let opts = Options::default().with_recursive(true);
    /// let notes = fs.read_notes_for_export_with("/notes", "/notes/out", &opts).await?;
    /// assert_eq!(notes.in_dest().get(), 1);
    /// assert_eq!(notes.count().await, 1); // a.md only
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn in_dest(&self) -> Count {
        self.in_dest.clone()
    }

    /// A handle on how many entries (note files, and folders as one each) the listing left out
    /// by an ignore file or an exclude glob ([`Options::ignore_files`](crate::Options::ignore_files),
    /// [`Options::exclude_globs`](crate::Options::exclude_globs)): final once the stream has ended.
    ///
    /// # Examples
    /// ```
    /// use futures_util::StreamExt;
    /// use smartnotes_io::{Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/draft.md", "# Draft\n")?;
    /// fs.insert("/notes/.export-ignore", "draft.md\n")?;
    /// let notes = fs.read_notes("/notes");
    /// let ignored = notes.ignored();
    /// assert_eq!(notes.count().await, 1);
    /// assert_eq!(ignored.get(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn ignored(&self) -> Count {
        self.ignored.clone()
    }

    pub(crate) fn with_in_dest(mut self, in_dest: Count) -> Self {
        self.in_dest = in_dest;
        self
    }

    /// A handle on how many hidden entries (names starting with `.`) the listing passed over:
    /// keep it before chaining the stream; it counts as the listing goes, and holds the final
    /// count once the stream has ended.
    ///
    /// # Examples
    /// ```
    /// use futures_util::StreamExt;
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/.draft.md", "# Draft\n")?;
    /// let notes = fs.read_notes("/notes");
    /// let hidden = notes.hidden();
    /// assert_eq!(notes.count().await, 1);
    /// assert_eq!(hidden.get(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn hidden(&self) -> Count {
        self.hidden.clone()
    }
}

impl std::fmt::Debug for NoteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteStream")
            .field("hidden", &self.hidden.get())
            .field("ignored", &self.ignored.get())
            .field("in_dest", &self.in_dest.get())
            .finish_non_exhaustive()
    }
}

impl futures_core::Stream for NoteStream {
    type Item = Result<NoteFile, Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

/// A count a stream keeps as it goes, shared with the handle you hold: the hidden entries a
/// listing passed over ([`NoteStream::hidden`]), the notes already in an export's destination
/// that the walk left out ([`NoteStream::in_dest`]). Final once the stream has ended.
#[derive(Clone, Debug, Default)]
pub struct Count(Arc<AtomicUsize>);

impl Count {
    /// The count so far.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(smartnotes_io::Count::default().get(), 0);
    /// ```
    #[must_use]
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn set(&self, n: usize) {
        self.0.store(n, Ordering::Relaxed);
    }
}

/// The notes of `dir` as a stream: listed, then read and parsed with the options' strategy
/// ([`StoreExt::read_notes_with`](crate::StoreExt::read_notes_with) documents it).
pub(crate) fn read_notes<S: Store>(fs: &S, dir: &Path, opts: &Options) -> NoteStream {
    let plan = match Plan::new(fs, opts, dir) {
        Ok(plan) => plan,
        Err(error) => return NoteStream::new(stream::iter([Err(error)]).boxed()),
    };
    let counts = WalkCounts::default();
    let listed = list_notes(fs, dir, opts, &plan, counts.clone());
    let mut notes = with_times(fs, load_notes(fs, listed, opts.max_note_bytes, plan), opts);
    notes.hidden = counts.hidden;
    notes.ignored = counts.ignored;
    notes
}

/// The notes of the files `paths` names, in that order
/// ([`StoreExt::read_files_with`](crate::StoreExt::read_files_with) documents it).
pub(crate) fn read_files<S: Store>(fs: &S, paths: Vec<PathBuf>, opts: &Options) -> NoteStream {
    let first = paths.first().map_or(Path::new(""), PathBuf::as_path);
    let plan = match Plan::new(fs, opts, first) {
        Ok(plan) => plan,
        Err(error) => return NoteStream::new(stream::iter([Err(error)]).boxed()),
    };
    let listed = stream::iter(paths).map(|path| Ok(Listed::top(path)));
    with_times(fs, load_notes(fs, listed, opts.max_note_bytes, plan), opts)
}

/// `notes` with each file's modification time, when the options ask for it
/// ([`Options::preserve_mtime`]); a store that cannot tell leaves it `None`. Up to 64 asked at
/// once, in order.
pub(crate) fn with_times<S: Store>(fs: &S, notes: NoteStream, opts: &Options) -> NoteStream {
    if !opts.preserve_mtime {
        return notes;
    }
    let (hidden, ignored, in_dest) = (notes.hidden(), notes.ignored(), notes.in_dest());
    let fs = fs.clone();
    let inner = notes
        .map(move |item| {
            let fs = fs.clone();
            async move {
                let mut file = item?;
                file.modified = fs.modified(&file.path).await.ok();
                Ok(file)
            }
        })
        .buffered(64)
        .boxed();
    let mut timed = NoteStream::new(inner).with_in_dest(in_dest);
    timed.hidden = hidden;
    timed.ignored = ignored;
    timed
}

/// The note files under `dir` as a stream, in sorted path order; the first step of
/// [`read_notes`](crate::StoreExt::read_notes).
///
/// It streams directory by directory: a directory is listed (and its names sorted) when the
/// consumer has taken the files before it, so memory holds the listings of one branch of
/// folders, never every path. An item is `Err` for a directory that could not be listed; if
/// that is `dir` itself, it is the only item. With a batched plan each directory is listed and
/// sorted by the blocking twin on the pool; otherwise with [`Store::list`]. `hidden` counts the
/// hidden entries passed over, as the walk goes.
pub(crate) fn list_notes<F: Store>(
    fs: &F,
    dir: &Path,
    opts: &Options,
    plan: &Plan<F::Blocking>,
    counts: WalkCounts,
) -> BoxStream<'static, Result<Listed, Error>> {
    // Listed on the blocking twin whenever there is one (what `Store::list` does by default),
    // entry by entry, so a huge folder is sorted in bounded runs.
    let blocking = match plan {
        Plan::Batched(batches) => Some(batches.twin.clone()),
        Plan::Sequential | Plan::Concurrent(_) => fs.blocking(),
    };
    let walk = match Walk::new(dir, opts) {
        Ok(walk) => walk,
        Err(error) => return stream::iter([Err(error)]).boxed(),
    };
    let walker = Walker {
        fs: fs.clone(),
        blocking,
        walk,
        counts,
        ignore_files: opts.ignore_files,
        git: None,
    };
    stream::unfold(walker, |mut walker| async move {
        let item = walker.next().await?;
        Some((item, walker))
    })
    .boxed()
}

/// What a walk counts as it goes: the hidden entries and the ignored ones it passed over.
#[derive(Clone, Debug, Default)]
pub(crate) struct WalkCounts {
    pub(crate) hidden: Count,
    pub(crate) ignored: Count,
}

/// A [`Walk`] and the store that lists its directories.
struct Walker<F: Store> {
    fs: F,
    blocking: Option<F::Blocking>,
    walk: Walk,
    counts: WalkCounts,
    ignore_files: bool,
    /// Whether the walk is in a git repository (so `.gitignore` and `.ignore` count), once
    /// known.
    git: Option<bool>,
}

/// The ignore files of a folder, honoured in every walk.
const IGNORE_FILES: [&str; 1] = [".export-ignore"];
/// The ignore files honoured in a git repository, as ripgrep does.
const GIT_IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];
/// Every ignore file, the one whose rules win first.
const RANKED_IGNORE_FILES: [&str; 3] = [".export-ignore", ".ignore", ".gitignore"];

/// The rules of one folder's ignore files, one matcher a file, in [`RANKED_IGNORE_FILES`]'
/// order.
#[derive(Default)]
struct Rules([Option<Gitignore>; 3]);
/// The most of an ignore file that is read.
const IGNORE_FILE_LIMIT: u64 = 1 << 20;

impl<F: Store> Walker<F> {
    async fn next(&mut self) -> Option<Result<Listed, Error>> {
        loop {
            let step = self.walk.step();
            self.counts.hidden.set(self.walk.passed_hidden);
            self.counts.ignored.set(self.walk.passed_ignored);
            let dir = match step {
                Step::Found(listed) => return Some(Ok(listed)),
                Step::Failed(error) => return Some(Err(error)),
                Step::Done => return None,
                Step::List(dir) => dir,
            };
            let listed = match &self.blocking {
                Some(twin) => {
                    let (twin, path) = (twin.clone(), dir.clone());
                    self.fs
                        .runtime()
                        .spawn_blocking(move || {
                            retry_blocking(|| SortedEntries::list(&twin, &path))
                        })
                        .await
                }
                None => retry_async(self.fs.runtime(), || self.fs.list(&dir))
                    .await
                    .map(|entries| SortedEntries::from_vec(&dir, entries)),
            };
            let rules = match &listed {
                Ok(entries) if self.ignore_files => self.rules(&dir, entries).await,
                _ => None,
            };
            if let Err(error) = self.walk.visit(dir, listed, rules) {
                return Some(Err(error));
            }
        }
    }

    /// The rules of `dir`'s own ignore files among its `entries`, if it has any. A line that
    /// is not valid gitignore syntax is passed over, as git does; an ignore file that cannot be
    /// read counts as empty.
    async fn rules(&mut self, dir: &Path, entries: &SortedEntries) -> Option<Rules> {
        // A folder listed in runs cannot be searched: its ignore files are looked for by
        // reading them (one that is not there reads as an error and is passed over).
        let has = |name: &str| entries.has_file(name).unwrap_or(true);
        // Whether the walk is in a git repository is asked once, and only when a folder has a
        // `.gitignore` or an `.ignore` (a vault without them costs no look above it).
        let git = match self.git {
            Some(git) => git,
            None if GIT_IGNORE_FILES.iter().any(|name| has(name)) => {
                let git = in_git_repository(&self.fs, dir).await;
                self.git = Some(git);
                git
            }
            None => false,
        };
        // Each file's rules on their own, ranked as ripgrep ranks them: `.export-ignore` (a
        // custom ignore file) over `.ignore` over `.gitignore` (see `Walk::ignored`).
        let mut rules = Rules::default();
        for (rank, name) in RANKED_IGNORE_FILES.iter().enumerate() {
            let honoured = IGNORE_FILES.contains(name) || git;
            if !honoured || !has(name) {
                continue;
            }
            let file = dir.join(name);
            let Ok(bytes) = self.fs.read(&file, IGNORE_FILE_LIMIT).await else {
                continue;
            };
            let mut builder = GitignoreBuilder::new(dir);
            for line in String::from_utf8_lossy(&bytes).lines() {
                let _ = builder.add_line(Some(file.clone()), line);
            }
            rules.0[rank] = builder.build().ok();
        }
        rules.0.iter().any(Option::is_some).then_some(rules)
    }
}

/// Whether `dir` is in a git repository: a `.git` (folder, or file of a worktree) in it or in a
/// folder above it. On a store of keys, only the keys above it (the walk's own path) are looked
/// at; on a file system, the folders above its absolute path.
async fn in_git_repository<F: Store>(fs: &F, dir: &Path) -> bool {
    let start = if fs.has_directories() {
        std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned())
    } else {
        dir.to_owned()
    };
    for folder in start.ancestors() {
        let git = folder.join(".git");
        let found = match fs.list(&git).await {
            // A store of keys lists a prefix with nothing under it as empty.
            Ok(entries) => !entries.is_empty() || fs.has_directories(),
            Err(_) => fs.read(&git, 4096).await.is_ok(),
        };
        if found {
            return true;
        }
    }
    false
}

/// A listed note file and its folder relative to the walk's root.
pub(crate) struct Listed {
    path: PathBuf,
    folder: PathBuf,
}

impl Listed {
    /// A file at the top (no folder).
    fn top(path: PathBuf) -> Self {
        Self {
            path,
            folder: PathBuf::new(),
        }
    }
}

/// What a [`Walk`] wants next.
enum Step {
    /// A note file.
    Found(Listed),
    /// A listing that could not be read on (its temporary run failed): the rest of that
    /// directory is not walked.
    Failed(Error),
    /// The listing of this directory, sorted by name, for [`Walk::visit`].
    List(PathBuf),
    /// Nothing more.
    Done,
}

/// A depth-first walk that takes each directory's entries in name order, which yields paths in
/// sorted (component-wise) order. It does no I/O itself: the caller lists each directory
/// [`Walk::step`] asks for, sorted, and hands the result to [`Walk::visit`], blocking or async.
struct Walk {
    /// The root, until [`Walk::step`] hands it out.
    root: Option<PathBuf>,
    recursive: bool,
    hidden: bool,
    excluded: Vec<PathBuf>,
    /// The options' exclude globs, rooted at the walk's root (they win over ignore files).
    exclude_globs: Option<Gitignore>,
    /// The folder (relative to the root) of the directory [`Walk::visit`] takes next.
    next_folder: PathBuf,
    /// Entries still to visit, one sorted iterator per open directory, with its folder and the
    /// rules of its own ignore files.
    stack: Vec<Frame>,
    /// Hidden entries passed over.
    passed_hidden: usize,
    /// Entries left out by an ignore file or an exclude glob.
    passed_ignored: usize,
}

/// An open directory of a [`Walk`].
struct Frame {
    folder: PathBuf,
    entries: SortedEntries,
    rules: Option<Rules>,
}

impl Walk {
    /// # Errors
    /// [`Error::Glob`] for an exclude glob that is not valid gitignore syntax.
    fn new(root: &Path, opts: &Options) -> Result<Self, Error> {
        let exclude_globs = if opts.exclude_globs.is_empty() {
            None
        } else {
            let mut rules = GitignoreBuilder::new(root);
            for glob in &opts.exclude_globs {
                let refused = |reason: String| Error::Glob {
                    path: root.to_owned(),
                    glob: glob.clone(),
                    reason,
                };
                rules
                    .add_line(None, glob)
                    .map_err(|e| refused(e.to_string()))?;
            }
            Some(rules.build().map_err(|e| Error::Glob {
                path: root.to_owned(),
                glob: opts.exclude_globs.join(" "),
                reason: e.to_string(),
            })?)
        };
        Ok(Self {
            root: Some(root.to_path_buf()),
            recursive: opts.recursive,
            hidden: opts.hidden,
            excluded: opts.exclude.iter().map(|p| lexical(p)).collect(),
            exclude_globs,
            next_folder: PathBuf::new(),
            stack: Vec::new(),
            passed_hidden: 0,
            passed_ignored: 0,
        })
    }

    /// Whether the exclude globs or an ignore file of an open directory leave `path` out: the
    /// globs first; then, as ripgrep decides, the kind of ignore file first and the nearest
    /// directory within a kind: the nearest `.export-ignore` that says anything (a `!` rule
    /// keeps), else the nearest `.ignore`, else the nearest `.gitignore`. A shallower
    /// `.export-ignore`'s `!b.md` keeps a note that a deeper `.gitignore` leaves out.
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        if let Some(globs) = &self.exclude_globs {
            if globs.matched(path, is_dir).is_ignore() {
                return true;
            }
        }
        for rank in 0..RANKED_IGNORE_FILES.len() {
            for frame in self.stack.iter().rev() {
                let Some(rules) = frame.rules.as_ref().and_then(|r| r.0[rank].as_ref()) else {
                    continue;
                };
                match rules.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        false
    }

    /// The next note file, or the next directory to list.
    fn step(&mut self) -> Step {
        if let Some(root) = self.root.take() {
            return Step::List(root);
        }
        while let Some(frame) = self.stack.last_mut() {
            let entry = match frame.entries.next_entry() {
                Some(Ok(entry)) => entry,
                Some(Err(source)) => {
                    let path = frame.entries.dir().to_owned();
                    self.stack.pop();
                    return Step::Failed(Error::List { path, source });
                }
                None => {
                    self.stack.pop();
                    continue;
                }
            };
            let is_dir = entry.kind == EntryKind::Dir;
            let wanted = match entry.kind {
                EntryKind::File => is_note_path(&entry.path),
                EntryKind::Dir => {
                    self.recursive
                        && (self.excluded.is_empty()
                            || !self.excluded.contains(&lexical(&entry.path)))
                }
                _ => false,
            };
            if !wanted {
                continue;
            }
            if !self.hidden && is_hidden(&entry.path) {
                self.passed_hidden += 1;
                continue;
            }
            if self.ignored(&entry.path, is_dir) {
                self.passed_ignored += 1;
                continue;
            }
            let folder = self
                .stack
                .last()
                .map_or(Path::new(""), |f| f.folder.as_path());
            if is_dir {
                self.next_folder = match entry.path.file_name() {
                    Some(name) => folder.join(name),
                    None => folder.to_path_buf(),
                };
                return Step::List(entry.path);
            }
            return Step::Found(Listed {
                path: entry.path,
                folder: folder.to_path_buf(),
            });
        }
        Step::Done
    }

    /// Takes the sorted listing of `dir`, the directory [`Walk::step`] asked for last.
    ///
    /// # Errors
    /// [`Error::List`] when it could not be listed (nothing of it is walked: for the root, the
    /// walk is then over).
    fn visit(
        &mut self,
        dir: PathBuf,
        listed: std::io::Result<SortedEntries>,
        rules: Option<Rules>,
    ) -> Result<(), Error> {
        match listed {
            Ok(entries) => {
                let folder = std::mem::take(&mut self.next_folder);
                self.stack.push(Frame {
                    folder,
                    entries,
                    rules,
                });
                Ok(())
            }
            Err(source) => Err(Error::List { path: dir, source }),
        }
    }
}

/// Reads and parses listed note files with the plan (each at most `limit` bytes); the second
/// step of [`read_notes`](crate::StoreExt::read_notes). `Err` entries pass through in place.
pub(crate) fn load_notes<F: Store>(
    fs: &F,
    listed: impl futures_core::Stream<Item = Result<Listed, Error>> + Send + 'static,
    limit: u64,
    plan: Plan<F::Blocking>,
) -> NoteStream {
    let fs = fs.clone();
    let inner = match plan {
        Plan::Sequential => listed
            .then(move |item| load_async(fs.clone(), item, limit))
            .boxed(),
        Plan::Concurrent(n) => listed
            .map(move |item| load_async(fs.clone(), item, limit))
            .buffered(n)
            .boxed(),
        // Batched plans read on the twin and parse here, on the thread that takes the notes:
        // a note is a dozen allocations, and freeing them on the thread that made them is what
        // the allocator is fast at. Parsed on a worker and dropped by the consumer, they cost
        // the read about a fifth of its speed (BENCHMARKS.md, "Where the time goes"). The
        // reads run ahead of the consumer on long-lived workers, oldest batch first.
        Plan::Batched(b) => {
            let (twin, many) = (b.twin, b.many);
            // A batch's reads handed to the twin together (io_uring on local files), or one
            // by one; the notes' texts copied into one text a batch either way.
            // Batch texts go back to `texts` when their last note is taken, for the next
            // batches to reuse.
            let texts = Arc::new(Texts::default());
            let read = move |items| read_together(&twin, items, limit, many, &texts);
            let shape = (read_workers(b.in_flight), b.in_flight);
            ahead(
                batches_of(listed, b.batch),
                fs.runtime().clone(),
                shape,
                read,
            )
            .map(|item| item.and_then(|(listed, read)| loaded(listed, read)))
            .boxed()
        }
    };
    NoteStream::new(inner)
}

/// A batch of listed files read, with [`BlockingStore::read_many`] when `together`, else [one
/// by one](BlockingStore::read), each note's text checked and copied into the batch's text
/// while it is in this core's cache: errors of the listing pass through in place; a transient
/// read error is retried on its own.
fn read_together<B: BlockingStore>(
    twin: &B,
    items: Vec<Result<Listed, Error>>,
    limit: u64,
    together: bool,
    texts: &Arc<Texts>,
) -> Vec<Result<ReadBytes, Error>> {
    let paths: Vec<&Path> = items
        .iter()
        .filter_map(|item| item.as_ref().ok().map(|listed| listed.path.as_path()))
        .collect();
    // Room for what this worker's last batch took a file, and a quarter more: a batch rarely
    // grows (each growth copies it) and holds little it does not use (its text is held until
    // its last note is taken).
    let mut text = texts.take(batch_room(paths.len()));
    let mut checked: Vec<Option<Result<std::ops::Range<usize>, Checked>>> = Vec::new();
    checked.resize_with(paths.len(), || None);
    let mut each = |i: usize, read: std::io::Result<&[u8]>| {
        if let Some(slot) = checked.get_mut(i) {
            *slot = Some(Checked::within(read, &mut text));
        }
    };
    if together {
        twin.read_many(&paths, limit, &mut each);
    } else {
        for (i, path) in paths.iter().enumerate() {
            read_alone(twin, path, limit, i, &mut each);
        }
    }
    // Read on its own after a transient error, or where the store gave no result.
    for (i, path) in paths.iter().enumerate() {
        let again = match &checked[i] {
            None => true,
            Some(Err(Checked::Failed(e))) => crate::retry::is_transient(e),
            Some(_) => false,
        };
        if again {
            read_alone(twin, path, limit, i, &mut |i, read| {
                checked[i] = Some(Checked::within(read, &mut text));
            });
        }
    }
    BYTES_PER_FILE.set(text.len() / paths.len().max(1));
    drop(paths);
    let text = Arc::new(BatchText {
        text,
        home: texts.clone(),
    });
    let mut checked = checked.into_iter();
    items
        .into_iter()
        .map(|item| {
            let listed = item?;
            let read = match checked.next().flatten() {
                Some(Ok(at)) => Checked::Within(text.clone(), at),
                Some(Err(other)) => other,
                None => Checked::Failed(std::io::Error::other("the store gave no result")),
            };
            Ok((listed, read))
        })
        .collect()
}

/// The file at `path` [read](BlockingStore::read) on its own (transient errors retried), its
/// bytes or error handed to `each` with index `i`.
fn read_alone<B: BlockingStore>(
    twin: &B,
    path: &Path,
    limit: u64,
    i: usize,
    each: &mut dyn FnMut(usize, std::io::Result<&[u8]>),
) {
    match retry_blocking(|| twin.read(path, limit)) {
        Ok(bytes) => each(i, Ok(&bytes)),
        Err(e) => each(i, Err(e)),
    }
}

thread_local! {
    /// The bytes a file took in this worker's last batch (a typical note's size to start).
    static BYTES_PER_FILE: std::cell::Cell<usize> = const { std::cell::Cell::new(4096) };
}

/// The room to reserve for a batch of `files`: as much a file as the last batch took, and a
/// quarter more.
fn batch_room(files: usize) -> usize {
    let per_file = BYTES_PER_FILE.get();
    files.saturating_mul(per_file.saturating_add(per_file / 4))
}

/// The texts of a read's batches that are done with, for its next batches: a batch's text is
/// large (a quarter of a megabyte at the default's 256 notes), taken on a worker and let go on
/// the consumer; allocated afresh each time, such blocks, freed by another thread than the one
/// that took them, left an export of a million notes with 3 MiB more at its peak (glibc).
#[derive(Default)]
struct Texts(std::sync::Mutex<Vec<String>>);

/// The most texts kept for reuse: as many batches as are read ahead at the default's shape,
/// and a few more (one a worker, one being consumed).
const KEPT_TEXTS: usize = 8;

/// The largest text kept for reuse (about three times a default batch of bench notes, some
/// 350 KB): a batch of long notes takes a text of its own, freed after it, so that a few such
/// batches do not keep their memory for the rest of the read.
const KEPT_TEXT_ROOM: usize = 1 << 20;

impl Texts {
    /// An empty text with room for `room` bytes: one let go before, or a new one.
    fn take(&self, room: usize) -> String {
        let kept = self.lock().pop();
        let mut text = kept.unwrap_or_default();
        text.clear();
        text.reserve(room);
        text
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A batch's text, given back to its read's [`Texts`] when its last note is taken.
struct BatchText {
    text: String,
    home: Arc<Texts>,
}

impl Drop for BatchText {
    fn drop(&mut self) {
        if self.text.capacity() > KEPT_TEXT_ROOM {
            return;
        }
        let mut kept = self.home.lock();
        if kept.len() < KEPT_TEXTS {
            kept.push(std::mem::take(&mut self.text));
        }
    }
}

/// A listed file and what reading it gave, checked, before it is parsed.
type ReadBytes = (Listed, Checked);

/// What reading a file gave, checked where it was read (a batch's worker): its bytes, or why
/// they are not a note's.
enum Checked {
    /// Bytes without a NUL, read on their own.
    Owned(Vec<u8>),
    /// A note's text (no NUL, UTF-8) in a batch's text: the consumer copies it into the note
    /// (so the note's memory is taken and freed on the same thread).
    Within(Arc<BatchText>, std::ops::Range<usize>),
    /// A NUL byte at this offset.
    Binary(usize),
    /// Not UTF-8 from this offset on.
    NotUtf8(usize),
    Failed(std::io::Error),
}

impl Checked {
    /// A file read on its own: a NUL byte makes it binary.
    fn of(read: std::io::Result<Vec<u8>>) -> Self {
        match read {
            // `memchr` is vectorised (AVX2 where the CPU has it; `<[u8]>::contains` is not).
            Ok(bytes) => match memchr::memchr(0, &bytes) {
                Some(offset) => Self::Binary(offset),
                None => Self::Owned(bytes),
            },
            Err(e) => Self::Failed(e),
        }
    }

    /// What reading a file gave: a note's text is appended to `text`, and where it is there
    /// given back; anything else is checked as it is.
    fn within(
        read: std::io::Result<&[u8]>,
        text: &mut String,
    ) -> Result<std::ops::Range<usize>, Self> {
        let bytes = read.map_err(Self::Failed)?;
        if let Some(offset) = memchr::memchr(0, bytes) {
            return Err(Self::Binary(offset));
        }
        let note = std::str::from_utf8(bytes).map_err(|e| Self::NotUtf8(e.valid_up_to()))?;
        let start = text.len();
        text.push_str(note);
        Ok(start..text.len())
    }
}

async fn load_async<F: Store>(
    fs: F,
    item: Result<Listed, Error>,
    limit: u64,
) -> Result<NoteFile, Error> {
    let listed = item?;
    let read = retry_async(fs.runtime(), || fs.read(&listed.path, limit)).await;
    loaded(listed, Checked::of(read))
}

/// The note from the outcome of reading a listed file, however it was read.
fn loaded(listed: Listed, read: Checked) -> Result<NoteFile, Error> {
    let Listed { path, folder } = listed;
    let text = match read {
        Checked::Owned(bytes) => String::from_utf8(bytes).map_err(|e| e.utf8_error().valid_up_to()),
        // Copied here, on the consumer's thread.
        Checked::Within(batch, at) => Ok(batch.text[at].to_owned()),
        Checked::Binary(offset) => return Err(Error::Binary { path, offset }),
        Checked::NotUtf8(offset) => return Err(Error::NotUtf8 { path, offset }),
        Checked::Failed(e) => return Err(Error::read(path, e)),
    };
    let text = match text {
        Ok(text) => text,
        Err(offset) => return Err(Error::NotUtf8 { path, offset }),
    };
    // A note without a heading or a `title:` takes its file's name, as Obsidian shows it.
    let stem = stem_of(&path);
    // By value: the note keeps the text as its source without a copy.
    match Note::parse_owned(text, &stem) {
        Ok(note) => Ok(NoteFile::new(path, note).with_folder(folder)),
        Err(source) => Err(Error::Parse { path, source }),
    }
}

/// Whether `path` names a note: a `.md` extension, in any case. (The temporary files of an
/// export end in [`TEMP_SUFFIX`](crate::store::TEMP_SUFFIX), so they never pass.)
fn is_note_path(path: &Path) -> bool {
    name_parts(path).is_some_and(|(_, ext)| {
        ext.is_some_and(|ext| ext.eq_ignore_ascii_case(smartnotes_core::EXTENSION.as_bytes()))
    })
}

fn is_hidden(path: &Path) -> bool {
    name_parts(path).is_some_and(|(name, _)| name.starts_with(b"."))
}

/// The file name of `path` without its extension, as [`Path::file_stem`] gives it.
fn stem_of(path: &Path) -> std::borrow::Cow<'_, str> {
    match name_parts(path) {
        Some((name, Some(ext))) => String::from_utf8_lossy(&name[..name.len() - ext.len() - 1]),
        Some((name, None)) => String::from_utf8_lossy(name),
        None => std::borrow::Cow::Borrowed(""),
    }
}

/// A path's file name and its extension (after the last `.`, unless that starts the name), as
/// [`Path::file_name`] and [`Path::extension`] give them. On Unix they are found from the end of
/// the path's bytes: the walk asks them of every entry, and `Path` parses every component.
#[cfg(unix)]
fn name_parts(path: &Path) -> Option<(&[u8], Option<&[u8]>)> {
    let name = crate::spill::sort_name(path)?;
    let ext = match memchr::memrchr(b'.', name) {
        Some(at) if at > 0 => Some(&name[at + 1..]),
        _ => None,
    };
    Some((name, ext))
}

#[cfg(not(unix))]
fn name_parts(path: &Path) -> Option<(&[u8], Option<&[u8]>)> {
    let name = path.file_name()?.as_encoded_bytes();
    let ext = match memchr::memrchr(b'.', name) {
        Some(at) if at > 0 => Some(&name[at + 1..]),
        _ => None,
    };
    Some((name, ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_text_goes_back_for_reuse_when_its_last_note_is_taken() {
        let texts = Arc::new(Texts::default());
        let mut text = texts.take(1000);
        text.push_str("# A\n# B\n");
        let batch = Arc::new(BatchText {
            text,
            home: texts.clone(),
        });
        let (a, b) = (
            Checked::Within(batch.clone(), 0..4),
            Checked::Within(batch, 4..8),
        );
        drop(a);
        assert!(
            texts.lock().is_empty(),
            "given back while a note still needs it"
        );
        drop(b);
        // Back, emptied by the next take, with its room.
        let again = texts.take(10);
        assert!(again.is_empty() && again.capacity() >= 1000);
        // At most KEPT_TEXTS are kept.
        for _ in 0..KEPT_TEXTS + 3 {
            drop(BatchText {
                text: String::with_capacity(16),
                home: texts.clone(),
            });
        }
        assert_eq!(texts.lock().len(), KEPT_TEXTS);
        // A long batch's text is not kept.
        texts.lock().clear();
        drop(BatchText {
            text: String::with_capacity(KEPT_TEXT_ROOM + 1),
            home: texts.clone(),
        });
        assert!(texts.lock().is_empty());
    }
}
