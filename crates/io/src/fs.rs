//! The [`Fs`] trait (async) and its blocking twin [`BlockingFs`], and the atomic write built
//! on the latter.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Runtime;

/// What a directory entry is, as far as a note pipeline cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A regular file, or a symbolic link to one.
    File,
    /// A directory (never a symbolic link to one: links to directories are not walked, so a
    /// link loop cannot trap a recursive walk).
    Dir,
    /// Anything else: a link to a directory, a dangling link, a socket, a device.
    Other,
}

impl EntryKind {
    /// The kind of an entry from its own (not followed) file type; `None` for a symbolic link,
    /// whose kind is its target's (see [`EntryKind::of_link_target`]).
    pub fn from_file_type(file_type: std::fs::FileType) -> Option<Self> {
        if file_type.is_symlink() {
            None
        } else if file_type.is_dir() {
            Some(Self::Dir)
        } else if file_type.is_file() {
            Some(Self::File)
        } else {
            Some(Self::Other)
        }
    }

    /// The kind of a symbolic link from the metadata of its target: `File` for a file, `Other`
    /// for anything else, including a dangling link.
    pub fn of_link_target(target: io::Result<std::fs::Metadata>) -> Self {
        match target {
            Ok(meta) if meta.is_file() => Self::File,
            _ => Self::Other,
        }
    }
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
pub enum WriteMode {
    /// Never replace an existing file (or link): the write fails with
    /// [`io::ErrorKind::AlreadyExists`] and the existing file is untouched.
    #[default]
    CreateNew,
    /// Atomically replace whatever is at the path (a link is replaced, never followed).
    Replace,
}

/// The blocking file-system operations a store provides: the `std::fs` shape.
///
/// [`StdFs`] is the real file system; [`MemFs`](crate::MemFs), [`SlowFs`](crate::SlowFs) and
/// the other simulated stores implement it too, so the [`Blocking`](crate::Strategy::Blocking)
/// strategy runs on every store. Errors are plain [`io::Error`]s; the pipelines add the path.
pub trait BlockingFs: Clone + Send + Sync + 'static {
    /// An open file, read front to back (see [`open`](Self::open)).
    type Reader: io::Read + Send + 'static;

    /// The entries of `dir`, in no particular order.
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>>;
    /// The bytes of the file at `path`; [`io::ErrorKind::FileTooLarge`] if it holds more than
    /// `limit` bytes, found without reading it all.
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>>;
    /// Opens the file at `path` for reading in chunks of the caller's choosing, so that a file
    /// of any size is read in bounded memory ([`read_lines`](crate::read_lines),
    /// [`count_matching`](crate::count_matching)).
    fn open(&self, path: &Path) -> io::Result<Self::Reader>;
    /// Creates `dir` and its missing parents.
    fn create_dir_all(&self, dir: &Path) -> io::Result<()>;
    /// Creates a new file at `path` (failing if anything is there) and writes `bytes` to it. On
    /// error a partial file may be left behind; [`write_atomic`] removes it.
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Makes `to` name the file `from` names, failing with [`io::ErrorKind::AlreadyExists`] if
    /// `to` exists. `from` may still exist afterwards (a hard link) or not (a store without
    /// links may rename instead); [`write_atomic`] removes it either way.
    fn link(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Renames `from` to `to`, atomically replacing `to` if it exists.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    /// Removes the file at `path`.
    fn remove_file(&self, path: &Path) -> io::Result<()>;
}

/// An async file store: what the note pipelines read from and write to.
///
/// Adapters implement it on a runtime's own file API (`smartnotes_tokio::TokioFs` on
/// `tokio::fs`, `smartnotes_smol::SmolFs` on `async-fs`); [`MemFs`](crate::MemFs) and
/// [`SlowFs`](crate::SlowFs) simulate stores for tests and benches. Every `Fs` has a blocking
/// twin ([`Fs::blocking`]) that reaches the same files, used by the
/// [`Blocking`](crate::Strategy::Blocking) strategy and by [`Fs::write_atomic`].
pub trait Fs: Clone + Send + Sync + 'static {
    /// The runtime this store's futures run on.
    type Runtime: Runtime;
    /// The blocking view of the same store.
    type Blocking: BlockingFs;

    /// The runtime, for blocking work and timers.
    fn runtime(&self) -> &Self::Runtime;

    /// The blocking view of the same store.
    fn blocking(&self) -> Self::Blocking;

    /// The entries of `dir`, in no particular order.
    fn list(&self, dir: &Path) -> impl Future<Output = io::Result<Vec<Entry>>> + Send;

    /// The bytes of the file at `path`; [`io::ErrorKind::FileTooLarge`] if it holds more than
    /// `limit` bytes, found without reading it all.
    fn read(&self, path: &Path, limit: u64) -> impl Future<Output = io::Result<Vec<u8>>> + Send;

    /// Creates `dir` and its missing parents.
    fn create_dir_all(&self, dir: &Path) -> impl Future<Output = io::Result<()>> + Send;

    /// Writes `bytes` to `path` atomically: readers see the old state or the whole new file,
    /// never a part, and no temporary file is left behind.
    ///
    /// The default runs [`write_atomic`] on the blocking twin inside
    /// [`Runtime::spawn_blocking`], as one unit: a write that has started completes (or is
    /// cleaned up) even if this future is dropped, which is what makes cancellation safe. A
    /// write split into several awaited steps could be abandoned between them, leaving a
    /// temporary file. Stores override it only to add behaviour around it (latency).
    fn write_atomic(
        &self,
        path: &Path,
        bytes: Vec<u8>,
        mode: WriteMode,
    ) -> impl Future<Output = io::Result<()>> + Send {
        let fs = self.blocking();
        let path = path.to_owned();
        self.runtime()
            .spawn_blocking(move || write_atomic(&fs, &path, &bytes, mode))
    }
}

/// The suffix of the temporary files [`write_atomic`] creates (never `.md`, so a half-written
/// note is never read back as a note).
pub const TEMP_SUFFIX: &str = ".smartnotes-tmp";

/// Writes `bytes` to `path` atomically, through a temporary file in the same directory.
///
/// The bytes go to `.<pid>-<n>.smartnotes-tmp` beside `path`, which then becomes `path` by a
/// [link](BlockingFs::link) (for [`WriteMode::CreateNew`]: fails if `path` exists, so nothing is
/// ever overwritten, and a link at `path` is never followed) or a
/// [rename](BlockingFs::rename) (for [`WriteMode::Replace`]). The temporary file is removed
/// whatever happens. Transient errors are retried ([`crate::retry`]), each attempt with a
/// fresh temporary file. The data is not `fsync`ed: the write is atomic against a crash of the
/// process, not against a power cut.
pub fn write_atomic<B: BlockingFs>(
    fs: &B,
    path: &Path,
    bytes: &[u8],
    mode: WriteMode,
) -> io::Result<()> {
    // Each attempt uses a fresh temporary file, so a retry never meets a partial one.
    crate::retry::retry_blocking(|| write_once(fs, path, bytes, mode))
}

fn write_once<B: BlockingFs>(fs: &B, path: &Path, bytes: &[u8], mode: WriteMode) -> io::Result<()> {
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

/// `Ok` when `size` is within `limit`, else the error a store returns for a file over it.
pub fn within_limit(size: u64, limit: u64) -> io::Result<()> {
    if size > limit {
        Err(too_large(size, limit))
    } else {
        Ok(())
    }
}

/// The error a store returns when a file is over the read limit.
pub fn too_large(size: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("{size} bytes, over the {limit}-byte limit"),
    )
}

/// The real file system, through `std::fs`: the blocking twin of the runtime adapters.
#[derive(Clone, Copy, Debug, Default)]
pub struct StdFs;

impl BlockingFs for StdFs {
    type Reader = std::fs::File;

    fn open(&self, path: &Path) -> io::Result<std::fs::File> {
        let file = std::fs::File::open(path)?;
        if file.metadata()?.is_dir() {
            return Err(io::Error::from(io::ErrorKind::IsADirectory));
        }
        Ok(file)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            let kind = match EntryKind::from_file_type(entry.file_type()?) {
                Some(kind) => kind,
                None => EntryKind::of_link_target(std::fs::metadata(&path)),
            };
            out.push(Entry { path, kind });
        }
        Ok(out)
    }

    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        use std::io::Read;
        let file = std::fs::File::open(path)?;
        let size = file.metadata()?.len();
        if size > limit {
            return Err(too_large(size, limit));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        // The file may grow between the size check and the read: never take more than the limit.
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64, limit));
        }
        Ok(bytes)
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        file.write_all(bytes)
    }

    fn link(&self, from: &Path, to: &Path) -> io::Result<()> {
        match std::fs::hard_link(from, to) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
            // File systems without hard links (FAT, some network mounts): check, then rename.
            // This fallback can race with another writer; the link path cannot.
            Err(e) => match std::fs::symlink_metadata(to) {
                Ok(_) => Err(io::Error::new(io::ErrorKind::AlreadyExists, e)),
                Err(_) => std::fs::rename(from, to),
            },
        }
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }
}
