//! What a store author implements: the [`Store`] trait (async) and its blocking twin
//! [`BlockingStore`], the entries a listing gives, the errors a store returns, and the atomic
//! write through a temporary file that a blocking store gets by default.

use std::fmt;
use std::future::{Future, ready};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use futures_util::future::Either;

use crate::{Runtime, Strategy};

/// What a directory entry is, as far as a note pipeline cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EntryKind {
    /// A regular file, or a symbolic link to one.
    File,
    /// A directory (never a symbolic link to one: links to directories are not walked, so a
    /// link loop cannot trap a recursive walk).
    Dir,
    /// Anything else: a link to a directory, a dangling link, a socket, a device.
    Other,
}

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    /// The entry's path: the listed directory joined with its name.
    pub path: PathBuf,
    /// What it is.
    pub kind: EntryKind,
}

/// How a write treats a file that already exists at its path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteMode {
    /// Never replace an existing file (or link): the write fails with
    /// [`io::ErrorKind::AlreadyExists`] and the existing file is untouched.
    #[default]
    CreateNew,
    /// Atomically replace whatever is at the path (a link is replaced, never followed).
    Replace,
}

/// The error payload a store returns (inside an [`io::Error`] of kind
/// [`io::ErrorKind::FileTooLarge`]) for a file over the read limit; the pipelines turn it into
/// [`Error::TooLarge`](crate::Error::TooLarge) with the path.
///
/// ```
/// use smartnotes_io::TooLarge;
/// let error = std::io::Error::from(TooLarge { size: Some(20), limit: 10 });
/// assert_eq!(error.kind(), std::io::ErrorKind::FileTooLarge);
/// assert_eq!(error.to_string(), "20 bytes, over the 10-byte limit");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TooLarge {
    /// The file's size, when the store knows it (a read that stops at the limit does not).
    pub size: Option<u64>,
    /// The limit it is over.
    pub limit: u64,
}

impl TooLarge {
    /// `Ok` when `size` is within `limit`, else this error: the check a store makes on a size
    /// it knows (from a listing, a `stat`, a `HEAD` request) before reading.
    ///
    /// # Errors
    /// An [`io::Error`] of kind [`io::ErrorKind::FileTooLarge`] carrying a [`TooLarge`] when
    /// `size > limit`.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::TooLarge;
    /// assert!(TooLarge::check(10, 10).is_ok());
    /// assert!(TooLarge::check(11, 10).is_err());
    /// ```
    pub fn check(size: u64, limit: u64) -> io::Result<()> {
        if size > limit {
            Err(TooLarge {
                size: Some(size),
                limit,
            }
            .into())
        } else {
            Ok(())
        }
    }

    /// The [`TooLarge`] an [`io::Error`] carries, if it carries one.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::TooLarge;
    /// let error = std::io::Error::from(TooLarge { size: None, limit: 10 });
    /// assert_eq!(TooLarge::of(&error), Some(TooLarge { size: None, limit: 10 }));
    /// ```
    pub fn of(error: &io::Error) -> Option<TooLarge> {
        error.get_ref()?.downcast_ref::<TooLarge>().copied()
    }
}

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.size {
            Some(size) => write!(f, "{size} bytes, over the {}-byte limit", self.limit),
            None => write!(f, "over the {}-byte limit", self.limit),
        }
    }
}

impl std::error::Error for TooLarge {}

impl From<TooLarge> for io::Error {
    fn from(e: TooLarge) -> Self {
        io::Error::new(io::ErrorKind::FileTooLarge, e)
    }
}

/// The blocking operations of a store: the `std::fs` shape.
///
/// The real file system's (`StdFs`, crate `smartnotes-local`) and the
/// [simulated stores](crate::testing) implement it,
/// so the [`Blocking`](crate::Strategy::Blocking) strategy runs on every store that has a
/// blocking twin. Errors are plain [`io::Error`]s; the pipelines add the path.
pub trait BlockingStore: Clone + Send + Sync + 'static {
    /// An open file, read front to back or from an offset (see [`open`](Self::open)).
    type Reader: io::Read + io::Seek + Send + 'static;

    /// The entries of `dir`, in no particular order.
    ///
    /// # Errors
    /// Whatever listing `dir` fails with (`NotFound`, `PermissionDenied`, ...).
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>>;
    /// Calls `each` with every entry of `dir`, in no particular order, as they are listed: what
    /// the walk uses, so that a folder of a million notes is never held whole (it sorts the
    /// entries in bounded runs). The default calls [`list`](Self::list); a store that can list
    /// entry by entry overrides it (the local store does).
    ///
    /// # Errors
    /// Whatever listing `dir` fails with.
    fn list_each(&self, dir: &Path, each: &mut dyn FnMut(Entry)) -> io::Result<()> {
        for entry in self.list(dir)? {
            each(entry);
        }
        Ok(())
    }
    /// The bytes of the file at `path`.
    ///
    /// # Errors
    /// A [`TooLarge`] error if the file holds more than `limit` bytes, found without reading
    /// more than `limit + 1` bytes; whatever opening or reading fails with.
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>>;
    /// Opens the file at `path` for reading in chunks of the caller's choosing, so that a file
    /// of any size is read in bounded memory (the scans of [`StoreExt`](crate::StoreExt)).
    ///
    /// # Errors
    /// Whatever opening fails with; `IsADirectory` for a directory.
    fn open(&self, path: &Path) -> io::Result<Self::Reader>;
    /// Creates `dir` and its missing parents.
    ///
    /// # Errors
    /// Whatever creating a directory fails with.
    fn create_dir_all(&self, dir: &Path) -> io::Result<()>;
    /// Creates a new file at `path` (failing if anything is there) and writes `bytes` to it. On
    /// error a partial file may be left behind; the atomic write removes it.
    ///
    /// # Errors
    /// `AlreadyExists` if anything is at `path`; whatever creating or writing fails with.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Makes `to` name the file `from` names.
    ///
    /// `from` may still exist afterwards (a hard link) or not (a store without links may
    /// rename instead); the atomic write removes it either way.
    ///
    /// # Errors
    /// [`io::ErrorKind::AlreadyExists`] if `to` exists; whatever linking fails with.
    fn link(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Renames `from` to `to`, atomically replacing `to` if it exists.
    ///
    /// # Errors
    /// Whatever renaming fails with.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Removes the file at `path`.
    ///
    /// # Errors
    /// Whatever removing fails with (`NotFound` included).
    fn remove_file(&self, path: &Path) -> io::Result<()>;

    /// When the file at `path` was last modified (for
    /// [`Options::preserve_mtime`](crate::Options::preserve_mtime)).
    ///
    /// # Errors
    /// Whatever reading its metadata fails with; `Unsupported` by default.
    fn modified(&self, path: &Path) -> io::Result<SystemTime> {
        let _ = path;
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this store keeps no modification times",
        ))
    }

    /// Sets the modification time of the file at `path` (never of what a symbolic link there
    /// points to).
    ///
    /// # Errors
    /// Whatever setting it fails with; `Unsupported` by default.
    fn set_modified(&self, path: &Path, time: SystemTime) -> io::Result<()> {
        let _ = (path, time);
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this store keeps no modification times",
        ))
    }

    /// Reads each file of `paths` (at most `limit` bytes each) and hands what it gave to
    /// `each` with the file's index in `paths`: once per path, in order. The bytes are lent,
    /// in the store's own buffer, for `each` to check and copy where it wants them (so a
    /// batch's texts can be copied once, into memory taken on the thread that will parse and
    /// free them: memory freed by another thread than the one that took it is what allocators
    /// are slow at). What [`Strategy::Uring`] reads a batch with. The default
    /// [reads](Self::read) each in turn (so on such a store `Uring` is `Blocking`); a store that
    /// can submit many reads at once overrides it (the local store: io_uring).
    ///
    /// # Examples
    /// ```
    /// use std::path::Path;
    /// use smartnotes_io::store::BlockingStore;
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/a.md", "# A\n")?;
    /// let mut read = Vec::new();
    /// fs.read_many(&[Path::new("/a.md"), Path::new("/none.md")], 1024, &mut |i, bytes| {
    ///     read.push((i, bytes.map(<[u8]>::to_vec).ok()));
    /// });
    /// assert_eq!(read, [(0, Some(b"# A\n".to_vec())), (1, None)]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    fn read_many(
        &self,
        paths: &[&Path],
        limit: u64,
        each: &mut dyn FnMut(usize, io::Result<&[u8]>),
    ) {
        for (i, path) in paths.iter().enumerate() {
            match self.read(path, limit) {
                Ok(bytes) => each(i, Ok(&bytes)),
                Err(e) => each(i, Err(e)),
            }
        }
    }

    /// Writes `bytes` to `path` atomically, once (the caller retries transient errors): the
    /// atomic write of [`Store::write_atomic`], blocking.
    ///
    /// The default writes a temporary file beside `path` ([`write_new`](Self::write_new)),
    /// then [links](Self::link) it to `path` (for [`WriteMode::CreateNew`]) or
    /// [renames](Self::rename) it (for [`WriteMode::Replace`]), and removes the temporary name.
    /// The local store's `StdFs` on Linux writes an unnamed file instead (`O_TMPFILE`) and links it into
    /// place: nothing is visible before it is complete, and a killed process leaves nothing.
    ///
    /// # Errors
    /// [`io::ErrorKind::AlreadyExists`] when `mode` is [`WriteMode::CreateNew`] and `path`
    /// exists; whatever writing fails with.
    fn write_file(&self, path: &Path, bytes: &[u8], mode: WriteMode) -> io::Result<()> {
        write_via_temp(self, path, bytes, mode)
    }
}

/// A note store: what the operations of [`StoreExt`](crate::StoreExt) read from and write to.
///
/// A store is a value you hold and call (`fs.read_notes(dir)`, `fs.pipeline(src, dest)`):
/// `LocalFs` on tokio or smol (`smartnotes::tokio::fs()`, `smartnotes::smol::fs()`), the
/// [simulated stores](crate::testing) for tests, or a store of your own. A store provides a
/// [`Runtime`] and four primitive operations (list, read, create a directory, write
/// atomically), plus [`read_at`](Store::read_at) for the scans of a store without a blocking
/// twin; everything else is built on them once, in [`StoreExt`](crate::StoreExt).
///
/// A store *may* have a blocking twin ([`Store::blocking`]) that reaches the same files: local
/// files do, and the batched strategies ([`Blocking`](Strategy::Blocking),
/// [`Uring`](Strategy::Uring)) run on it; a network store
/// does not (every request waits on the network, so concurrent requests are the natural
/// strategy, and a blocking twin would only hold a thread per request). The primitive
/// operations' default implementations run the blocking twin on
/// [`Runtime::spawn_blocking`], one operation per trip (what `tokio::fs` and `async-fs` do);
/// a store without a twin implements them itself.
///
/// # What every store promises
/// [`write_atomic`](Store::write_atomic) is atomic (readers see the old state or the whole new
/// file) and, with [`WriteMode::CreateNew`], never replaces an existing file: it fails with
/// [`io::ErrorKind::AlreadyExists`] instead. A failed or cancelled write leaves nothing behind.
pub trait Store: Clone + Send + Sync + 'static {
    /// The runtime this store's futures run on.
    type Runtime: Runtime;
    /// The blocking view of the same store ([`NoBlocking`] for a store without one).
    type Blocking: BlockingStore;

    /// The runtime, for blocking work and timers.
    fn runtime(&self) -> &Self::Runtime;

    /// The blocking view of the same store, if it has one.
    fn blocking(&self) -> Option<Self::Blocking>;

    /// The strategy used when [`Options`](crate::Options) name none: [`Strategy::default()`]
    /// (batched, through io_uring where built with it) with a blocking twin, 64 concurrent
    /// operations without.
    fn default_strategy(&self) -> Strategy {
        if self.blocking().is_some() {
            Strategy::default()
        } else {
            Strategy::Concurrent { limit: 64 }
        }
    }

    /// The entries of `dir`, in no particular order.
    ///
    /// # Errors
    /// Whatever listing fails with; `Unsupported` by default for a store without a blocking
    /// twin.
    fn list(&self, dir: &Path) -> impl Future<Output = io::Result<Vec<Entry>>> + Send {
        let dir = dir.to_owned();
        on_blocking(self, move |fs| fs.list(&dir))
    }

    /// The bytes of the file at `path`.
    ///
    /// # Errors
    /// A [`TooLarge`] error if the file holds more than `limit` bytes, found without reading
    /// it all; whatever reading fails with.
    fn read(&self, path: &Path, limit: u64) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        let path = path.to_owned();
        on_blocking(self, move |fs| fs.read(&path, limit))
    }

    /// Creates `dir` and its missing parents (a no-op for a store without directories).
    ///
    /// # Errors
    /// Whatever creating fails with.
    fn create_dir_all(&self, dir: &Path) -> impl Future<Output = io::Result<()>> + Send {
        let dir = dir.to_owned();
        on_blocking(self, move |fs| fs.create_dir_all(&dir))
    }

    /// Up to `len` bytes of the file at `path` from byte `offset`: fewer only at the end of
    /// the file, none at or past it. The scans of a store without a blocking twin read a file
    /// of any size this way, chunk by chunk (ranged `GET`s on an object store).
    ///
    /// # Errors
    /// Whatever opening or reading fails with; `Unsupported` by default for a store without a
    /// blocking twin.
    fn read_at(
        &self,
        path: &Path,
        offset: u64,
        len: usize,
    ) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        let path = path.to_owned();
        on_blocking(self, move |fs| {
            use std::io::{Read, Seek, SeekFrom};
            let mut reader = fs.open(&path)?;
            reader.seek(SeekFrom::Start(offset))?;
            let mut bytes = Vec::new();
            reader.take(len as u64).read_to_end(&mut bytes)?;
            Ok(bytes)
        })
    }

    /// When the file at `path` was last modified; by default the blocking twin's answer.
    ///
    /// # Errors
    /// Whatever reading its metadata fails with; `Unsupported` for a store that keeps no times.
    fn modified(&self, path: &Path) -> impl Future<Output = io::Result<SystemTime>> + Send {
        let path = path.to_owned();
        on_blocking(self, move |fs| fs.modified(&path))
    }

    /// Sets the modification time of the file at `path` (never of what a symbolic link there
    /// points to); by default on the blocking twin.
    ///
    /// # Errors
    /// Whatever setting it fails with; `Unsupported` for a store whose times are its own (an
    /// object store sets `Last-Modified` itself).
    fn set_modified(
        &self,
        path: &Path,
        time: SystemTime,
    ) -> impl Future<Output = io::Result<()>> + Send {
        let path = path.to_owned();
        on_blocking(self, move |fs| fs.set_modified(&path, time))
    }

    /// Whether folders are things of their own (a directory that may also be a symbolic
    /// link), as on a file system: `true` by default. A store whose folders are only key
    /// prefixes (an object store) returns `false`: creating a folder is then a no-op, and an
    /// export does not check that each folder under its destination is a plain directory, since
    /// a prefix cannot lead elsewhere.
    fn has_directories(&self) -> bool {
        true
    }

    /// Where `inner` lies relative to `outer`: `Some(rest)` when `inner` is the folder `outer`
    /// (`rest` empty) or lies inside it (`outer.join(rest)` is `inner`), however either is
    /// spelled; `None` otherwise. Neither need exist. An export uses it to never write into
    /// its own source ([`StoreExt::read_notes_for_export_with`](crate::StoreExt::read_notes_for_export_with)).
    ///
    /// The default compares the paths as written, with `.` dropped and `..` taking back the
    /// component before it: right for a store whose paths are keys (an object store, the
    /// simulated stores). `LocalFs` resolves symbolic links and compares the device and
    /// inode of `outer` with those of each folder above `inner`, so a link, a relative path
    /// or a bind mount is seen through.
    ///
    /// # Errors
    /// Whatever resolving a path fails with (a local folder that cannot be read).
    fn locate(
        &self,
        outer: &Path,
        inner: &Path,
    ) -> impl Future<Output = io::Result<Option<PathBuf>>> + Send {
        ready(Ok(locate_lexically(outer, inner)))
    }

    /// Writes `bytes` to `path` atomically: readers see the old state or the whole new file,
    /// never a part, and nothing is left behind.
    ///
    /// The default runs the atomic write (a temporary file linked or renamed into place) on
    /// the blocking twin inside [`Runtime::spawn_blocking`], as one unit: a write that has
    /// started completes (or is cleaned up) even if this future is dropped, which is what makes
    /// cancellation safe. Stores override it to add behaviour around it (latency), or when
    /// they have no blocking twin.
    ///
    /// # Errors
    /// [`io::ErrorKind::AlreadyExists`] when `mode` is [`WriteMode::CreateNew`] and `path`
    /// exists; whatever writing fails with.
    fn write_atomic(
        &self,
        path: &Path,
        bytes: Vec<u8>,
        mode: WriteMode,
    ) -> impl Future<Output = io::Result<()>> + Send {
        let path = path.to_owned();
        on_blocking(self, move |fs| write_atomic(&fs, &path, &bytes, mode))
    }
}

/// `path` as written, with `.` dropped and `..` taking back the component before it: how paths
/// are compared as written (a walk's excluded folders, [`Store::locate`]'s default).
pub(crate) fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// [`Store::locate`] on paths as written.
fn locate_lexically(outer: &Path, inner: &Path) -> Option<PathBuf> {
    lexical(inner)
        .strip_prefix(lexical(outer))
        .ok()
        .map(Path::to_path_buf)
}

/// Runs `op` on `store`'s blocking twin, on the blocking pool; `Unsupported` without a twin.
fn on_blocking<S, T>(
    store: &S,
    op: impl FnOnce(S::Blocking) -> io::Result<T> + Send + 'static,
) -> impl Future<Output = io::Result<T>> + Send + 'static
where
    S: Store,
    T: Send + 'static,
{
    match store.blocking() {
        Some(fs) => Either::Left(store.runtime().spawn_blocking(move || op(fs))),
        None => Either::Right(ready(Err(no_blocking_twin()))),
    }
}

fn no_blocking_twin() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "this store has no blocking twin and does not implement the operation itself",
    )
}

/// The blocking twin of a store that has none: a type with no values, so
/// [`Store::blocking`] can only return `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoBlocking {}

impl BlockingStore for NoBlocking {
    type Reader = io::Empty;

    fn list(&self, _: &Path) -> io::Result<Vec<Entry>> {
        match *self {}
    }
    fn read(&self, _: &Path, _: u64) -> io::Result<Vec<u8>> {
        match *self {}
    }
    fn open(&self, _: &Path) -> io::Result<io::Empty> {
        match *self {}
    }
    fn create_dir_all(&self, _: &Path) -> io::Result<()> {
        match *self {}
    }
    fn write_new(&self, _: &Path, _: &[u8]) -> io::Result<()> {
        match *self {}
    }
    fn link(&self, _: &Path, _: &Path) -> io::Result<()> {
        match *self {}
    }
    fn rename(&self, _: &Path, _: &Path) -> io::Result<()> {
        match *self {}
    }
    fn remove_file(&self, _: &Path) -> io::Result<()> {
        match *self {}
    }
}

/// The suffix of the temporary files the atomic write creates (never `.md`, so a half-written
/// note is never read back as a note).
pub(crate) const TEMP_SUFFIX: &str = ".smartnotes-tmp";

/// Writes `bytes` to `path` atomically, with [`BlockingStore::write_file`], retrying transient
/// errors.
///
/// Through a named temporary file (the default), the bytes go to `.<pid>-<n>.smartnotes-tmp` beside `path`, which then becomes `path` by a
/// [link](BlockingStore::link) (for [`WriteMode::CreateNew`]: fails if `path` exists, so
/// nothing is ever overwritten, and a link at `path` is never followed) or a
/// [rename](BlockingStore::rename) (for [`WriteMode::Replace`]). The temporary file is removed
/// whatever happens. Transient errors are retried, each attempt with a fresh temporary file.
/// The data is not `fsync`ed: the write is atomic against a crash of the process, not against a
/// power cut.
pub(crate) fn write_atomic<B: BlockingStore>(
    fs: &B,
    path: &Path,
    bytes: &[u8],
    mode: WriteMode,
) -> io::Result<()> {
    // Each attempt uses a fresh temporary file, so a retry never meets a partial one.
    crate::retry::retry_blocking(|| fs.write_file(path, bytes, mode))
}

/// One attempt of the atomic write through a named temporary file: the default
/// [`BlockingStore::write_file`], for a store that overrides it to fall back on.
///
/// The bytes go to `.<pid>-<n>.smartnotes-tmp` beside `path` ([`write_new`](BlockingStore::write_new)),
/// which then becomes `path` by a [link](BlockingStore::link) (for [`WriteMode::CreateNew`]:
/// never replacing anything) or a [rename](BlockingStore::rename) (for [`WriteMode::Replace`]);
/// the temporary name is removed whatever happens.
///
/// # Errors
/// [`io::ErrorKind::AlreadyExists`] when `mode` is [`WriteMode::CreateNew`] and `path` exists;
/// whatever writing, linking or removing fails with.
///
/// # Examples
/// ```
/// use smartnotes_io::store::{BlockingStore, WriteMode, write_via_temp};
/// use smartnotes_io::testing::{InlineRuntime, MemFs};
/// let fs = MemFs::new(InlineRuntime);
/// fs.create_dir_all("/out".as_ref())?;
/// write_via_temp(&fs, "/out/a.md".as_ref(), b"# A\n", WriteMode::CreateNew)?;
/// assert_eq!(fs.get("/out/a.md").as_deref(), Some(&b"# A\n"[..]));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_via_temp<B: BlockingStore>(
    fs: &B,
    path: &Path,
    bytes: &[u8],
    mode: WriteMode,
) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = path.parent().unwrap_or(Path::new(""));
    let temp = dir.join(format!(".{}-{n}{TEMP_SUFFIX}", std::process::id()));
    let result = fs.write_new(&temp, bytes).and_then(|()| match mode {
        WriteMode::CreateNew => fs.link(&temp, path),
        WriteMode::Replace => fs.rename(&temp, path),
    });
    let renamed = matches!((mode, &result), (WriteMode::Replace, Ok(())));
    if !renamed {
        // After a link (or a failure) the temporary name may still exist: remove it. A failure
        // to remove it is reported, since it would leave a stray file in the export directory.
        match crate::retry::retry_blocking(|| fs.remove_file(&temp)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) if result.is_ok() => return Err(e),
            Err(_) => {}
        }
    }
    result
}
