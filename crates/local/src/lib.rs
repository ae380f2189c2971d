//! The real file system as a smartnotes store: [`LocalFs`] on any runtime, with [`StdFs`] as its
//! blocking twin.
//!
//! * Reads in three system calls a note (open, read into a reused buffer, close: no `stat`).
//! * Writes that are atomic and never clobber: on Linux an unnamed file (`O_TMPFILE`) linked
//!   to its name (`linkat`), elsewhere (or where the file system refuses it) a hidden temporary
//!   file linked into place and removed.
//! * [`BlockingStore::read_many`] through io_uring (feature `uring`, Linux): what
//!   [`Strategy::Uring`](smartnotes_io::Strategy::Uring) reads with. [`uring_backend`] says
//!   whether this process uses it, and why not.
//! * [`Store::locate`] by device and inode, links resolved, so an export never writes into its
//!   own source however the paths are spelled.
//!
//! The runtime adapters name it: `smartnotes::tokio::fs()` is `LocalFs<TokioRuntime>`.
// Unsafe code is denied everywhere but in the io_uring module, where each use says why it is sound.
#![deny(unsafe_code)]

mod fast_path;
#[cfg(all(feature = "uring", target_os = "linux"))]
mod uring;
/// Without io_uring: [`BlockingStore::read_many`] reads on the lean path.
#[cfg(not(all(feature = "uring", target_os = "linux")))]
mod uring {
    use std::io;
    use std::path::Path;

    pub(crate) fn backend() -> Result<(), String> {
        Err("this build has no io_uring (it needs the `uring` feature, on Linux)".into())
    }

    pub(crate) fn read_batch(
        paths: &[&Path],
        limit: u64,
        each: &mut dyn FnMut(usize, io::Result<&[u8]>),
    ) {
        crate::fast_path::read_each(paths, limit, each);
    }
}

use std::future::Future;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use smartnotes_io::Runtime;
use smartnotes_io::store::{BlockingStore, Entry, Store, WriteMode};

/// Whether [`StdFs::read_many`](BlockingStore::read_many) (and so
/// [`Strategy::Uring`](smartnotes_io::Strategy::Uring) on local files) reads through io_uring
/// in this process: `Ok(())` when it does, else why it takes the lean blocking path (not built
/// with the `uring` feature, not Linux, refused by the kernel, or turned off by
/// `SMARTNOTES_URING=off`). Decided once per process.
///
/// # Errors
/// The reason io_uring is not used, as a sentence.
///
/// # Examples
/// ```
/// match smartnotes_local::uring_backend() {
///     Ok(()) => println!("reads go through io_uring"),
///     Err(why) => println!("blocking reads: {why}"),
/// }
/// ```
pub fn uring_backend() -> Result<(), String> {
    uring::backend()
}

/// The kind of an entry from its own (not followed) file type, following a symbolic link to
/// see whether it names a file.
#[cfg(not(target_os = "linux"))]
fn entry_kind(file_type: std::fs::FileType, path: &Path) -> smartnotes_io::store::EntryKind {
    use smartnotes_io::store::EntryKind;
    if file_type.is_symlink() {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => EntryKind::File,
            _ => EntryKind::Other,
        }
    } else if file_type.is_dir() {
        EntryKind::Dir
    } else if file_type.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    }
}

/// The real file system, blocking, through `std::fs`: the blocking twin of [`LocalFs`].
#[derive(Clone, Copy, Debug, Default)]
pub struct StdFs;

impl BlockingStore for StdFs {
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
        self.list_each(dir, &mut |entry| out.push(entry))?;
        Ok(out)
    }

    /// Entry by entry, as the directory yields them: nothing of the folder is held here. On
    /// Linux the names are read in place from `getdents64`'s buffer (one allocation an entry,
    /// its path); elsewhere through `read_dir`.
    fn list_each(&self, dir: &Path, each: &mut dyn FnMut(Entry)) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        {
            fast_path::list_each(dir, each)
        }
        #[cfg(not(target_os = "linux"))]
        {
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                let path = entry.path();
                let kind = entry_kind(entry.file_type()?, &path);
                each(Entry { path, kind });
            }
            Ok(())
        }
    }

    /// Lean: open, read into this thread's reused buffer until a short read, close (three
    /// system calls for a note that fits the buffer; no `stat`), then one allocation of the
    /// note's exact size. The size limit is enforced by the read itself: at most `limit + 1`
    /// bytes are read. A short read is taken as the end of the file, as local file systems
    /// give it.
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        fast_path::read(path, limit)
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

    fn write_file(&self, path: &Path, bytes: &[u8], mode: WriteMode) -> io::Result<()> {
        fast_path::write_file(self, path, bytes, mode)
    }

    fn modified(&self, path: &Path) -> io::Result<SystemTime> {
        std::fs::metadata(path)?.modified()
    }

    /// One `utimensat` on Linux, on the entry itself (a symbolic link's own time, never its
    /// target's); the access time is left as it is.
    fn set_modified(&self, path: &Path, time: SystemTime) -> io::Result<()> {
        fast_path::set_modified(path, time)
    }

    /// Through one of the process' io_uring rings (feature `uring`, Linux): per 32 files one
    /// `io_uring_enter` for an `openat` -> `read` -> `close` chain each; a note longer than the
    /// ring's 16 KiB buffer is finished on the lean path. Where io_uring is not used (see
    /// [`uring_backend`]), each file is [read](Self::read) in turn.
    fn read_many(
        &self,
        paths: &[&Path],
        limit: u64,
        each: &mut dyn FnMut(usize, io::Result<&[u8]>),
    ) {
        uring::read_batch(paths, limit, each);
    }
}

/// The real file system on runtime `R`: every operation is `std::fs` work on `R`'s blocking
/// pool ([`StdFs`] is its blocking twin).
///
/// With the batched strategies (the default, `Uring`, reads a batch through io_uring where
/// this process can use it; `Blocking` one file at a time) the work is batched, many files per
/// trip to the pool; with `Sequential` or `Concurrent` each operation is one trip, which is
/// what `tokio::fs` and `async-fs` do. The facade names it: `smartnotes::tokio::fs()` is a
/// `LocalFs<TokioRuntime>`.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalFs<R> {
    runtime: R,
}

impl<R: Runtime> LocalFs<R> {
    /// The real file system, doing its blocking work on `runtime`.
    ///
    /// # Examples
    /// ```
    /// # #[derive(Clone, Debug)] struct MyRuntime;
    /// # impl smartnotes_io::Runtime for MyRuntime {
    /// #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F)
    /// #         -> impl Future<Output = T> + Send + 'static + use<F, T> { std::future::ready(f()) }
    /// #     fn sleep(&self, d: std::time::Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
    /// #         std::future::ready(()) }
    /// # }
    /// let fs = smartnotes_local::LocalFs::new(MyRuntime); // smartnotes::tokio::fs() on tokio
    /// # let _ = fs;
    /// ```
    pub const fn new(runtime: R) -> Self {
        Self { runtime }
    }
}

impl<R: Runtime> Store for LocalFs<R> {
    type Runtime = R;
    type Blocking = StdFs;

    fn runtime(&self) -> &R {
        &self.runtime
    }

    fn blocking(&self) -> Option<StdFs> {
        Some(StdFs)
    }

    fn locate(
        &self,
        outer: &Path,
        inner: &Path,
    ) -> impl Future<Output = io::Result<Option<PathBuf>>> + Send {
        let (outer, inner) = (outer.to_owned(), inner.to_owned());
        self.runtime
            .spawn_blocking(move || locate_local(&outer, &inner))
    }
}

/// [`Store::locate`] on the real file system: both paths resolved (links followed as far as
/// they exist, see [`resolve`]), then each folder from `inner` up to the root compared with
/// `outer`, by device and inode where both exist (a bind mount is seen through), else by the
/// resolved path (a folder yet to be created).
fn locate_local(outer: &Path, inner: &Path) -> io::Result<Option<PathBuf>> {
    let outer = resolve(outer)?;
    let outer_id = folder_id(&outer).ok();
    let inner = resolve(inner)?;
    let mut rest = Vec::new();
    let mut at = inner.as_path();
    loop {
        let same = at == outer || (outer_id.is_some() && folder_id(at).ok() == outer_id);
        if same {
            return Ok(Some(rest.iter().rev().collect()));
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                at = parent;
            }
            _ => return Ok(None),
        }
    }
}

/// `path` made absolute, component by component: each prefix that exists is resolved
/// (`canonicalize`: links followed), one that does not is taken as written, and `..` takes
/// back the component before it (right for a resolved prefix, which holds no link, and for a
/// missing one, which cannot be a link).
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let mut out = PathBuf::new();
    for component in std::path::absolute(path)?.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                match std::fs::canonicalize(&out) {
                    Ok(real) => out = real,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

/// What tells one folder from another: its device and inode (on Unix), else its resolved path.
#[cfg(unix)]
fn folder_id(path: &Path) -> io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path)?;
    Ok((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn folder_id(path: &Path) -> io::Result<PathBuf> {
    std::fs::canonicalize(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Mutex, MutexGuard, PoisonError};

    /// Held by every test that reads through io_uring: the process' idle rings are shared, and
    /// a test that counts them must not see another's borrowed.
    pub(crate) fn serial() -> MutexGuard<'static, ()> {
        static SERIAL: Mutex<()> = Mutex::new(());
        SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What `StdFs::read_many` hands out for `paths`, in the order it hands it out.
    fn read_all(paths: &[&Path], limit: u64) -> Vec<(usize, Result<Vec<u8>, io::ErrorKind>)> {
        let mut got = Vec::new();
        StdFs.read_many(paths, limit, &mut |i, read| {
            got.push((i, read.map(<[u8]>::to_vec).map_err(|e| e.kind())));
        });
        got
    }

    #[test]
    fn read_many_hands_out_each_file_once_in_order_long_ones_whole() {
        let _serial = serial();
        reads_each_file_once_in_order_in(&tempfile::tempdir().unwrap());
    }

    /// The same on tmpfs, where the io_uring strategy reads on the lean path.
    #[test]
    fn read_many_on_tmpfs_hands_out_each_file_once_in_order_long_ones_whole() {
        let _serial = serial();
        let shm = Path::new("/dev/shm");
        if shm.is_dir() {
            reads_each_file_once_in_order_in(&tempfile::tempdir_in(shm).unwrap());
        }
    }

    fn reads_each_file_once_in_order_in(dir: &tempfile::TempDir) {
        // Forty files (more than a ring's submission of 32), one longer than a ring's buffer,
        // one missing.
        let long = "x".repeat(40 << 10);
        let mut paths = Vec::new();
        for i in 0..40 {
            let path = dir.path().join(format!("{i:02}.md"));
            match i {
                7 => std::fs::write(&path, &long).unwrap(),
                33 => {}
                _ => std::fs::write(&path, format!("# {i}\n")).unwrap(),
            }
            paths.push(path);
        }
        let paths: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
        let got = read_all(&paths, 1 << 20);
        assert_eq!(
            got.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            (0..40).collect::<Vec<_>>()
        );
        for (i, read) in got {
            match i {
                7 => assert_eq!(read.unwrap(), long.as_bytes()),
                33 => assert_eq!(read.unwrap_err(), io::ErrorKind::NotFound),
                _ => assert_eq!(read.unwrap(), format!("# {i}\n").as_bytes()),
            }
        }
        // Over the limit: an error, not a truncated note.
        assert!(read_all(&paths[7..8], 100)[0].1.is_err());
    }

    #[test]
    fn read_many_called_again_from_inside_its_callback_still_reads() {
        let _serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.md"), dir.path().join("b.md"));
        std::fs::write(&a, "# A\n").unwrap();
        std::fs::write(&b, "# B\n").unwrap();
        let mut inner = Vec::new();
        StdFs.read_many(&[a.as_path()], 1024, &mut |_, read| {
            assert_eq!(read.unwrap(), b"# A\n");
            // The batch holds a ring: this read takes another, to the same bytes.
            inner = read_all(&[b.as_path()], 1024);
        });
        assert_eq!(inner, [(0, Ok(b"# B\n".to_vec()))]);
    }
}
