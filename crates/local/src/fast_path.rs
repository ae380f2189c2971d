//! The lean system-call paths of [`StdFs`](crate::StdFs): a read in three calls (open, read,
//! close) into a reused buffer, and on Linux an atomic no-clobber write without a temporary
//! name (`O_TMPFILE`, then a link to the final name).
//!
//! Counted with `strace -f -c` (`tests/syscalls.rs`): a note read costs `openat`, `read`,
//! `close`; an export's write costs `openat(O_TMPFILE)`, `write`, `linkat`, `close`.

use std::cell::RefCell;
use std::io::{self, Read};
use std::path::Path;

use smartnotes_io::store::{BlockingStore, TooLarge, WriteMode, write_via_temp};

/// The buffer a thread starts with: one read takes a typical note whole.
const START: usize = 64 << 10;
/// A buffer grown past this (a large note) is given back after the read.
const KEEP: usize = 1 << 20;

thread_local! {
    /// Each blocking worker's read buffer, reused from note to note.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The bytes of the file at `path`, at most `limit` (a [`TooLarge`] error beyond, found by
/// reading `limit + 1` bytes at most).
pub(crate) fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    read_with(path, limit, <[u8]>::to_vec)
}

/// [`read`], handing the bytes (in this thread's reused buffer, or in one of the read's own
/// while that is lent out to a `take` that reads again) to `take`.
pub(crate) fn read_with<T>(
    path: &Path,
    limit: u64,
    take: impl FnOnce(&[u8]) -> T,
) -> io::Result<T> {
    let mut file = std::fs::File::open(path)?;
    let most = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    // The thread's buffer, or a buffer of its own for a read made while the thread's is lent
    // out (from inside a `take`).
    let mut own = Vec::new();
    BUFFER.with(|kept| {
        let mut kept = kept.try_borrow_mut();
        let buf = match &mut kept {
            Ok(kept) => &mut **kept,
            Err(_) => &mut own,
        };
        if buf.len() < START.min(most) {
            buf.resize(START.min(most), 0);
        }
        let mut filled = 0;
        let result = loop {
            if filled == most {
                break Ok(()); // `limit + 1` bytes: over the limit, no need to read on
            }
            if filled == buf.len() {
                let grown = buf.len().saturating_mul(2).min(most);
                buf.resize(grown, 0);
            }
            let end = buf.len().min(most);
            match file.read(&mut buf[filled..end]) {
                Ok(n) => {
                    filled += n;
                    // A short read (0 included) is the end of a local file: no read to see 0.
                    if filled < end {
                        break Ok(());
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(e),
            }
        };
        let out = result.and_then(|()| {
            if filled as u64 > limit {
                // Only now is the size worth a `stat`: the error says how large the file is.
                let size = file.metadata().ok().map(|m| m.len());
                Err(TooLarge { size, limit }.into())
            } else {
                Ok(take(&buf[..filled]))
            }
        });
        if buf.len() > KEEP {
            buf.truncate(START);
            buf.shrink_to(START);
        }
        out
    })
}

/// The entries of `dir`, one by one, as `getdents64` gives them (Linux): names read in place
/// from one buffer, one allocation an entry (its path), the kind from the entry's own type
/// (`statat` only where the file system does not say, and to follow a symbolic link).
#[cfg(target_os = "linux")]
pub(crate) fn list_each(
    dir: &Path,
    each: &mut dyn FnMut(smartnotes_io::store::Entry),
) -> io::Result<()> {
    use std::ffi::OsStr;
    use std::mem::MaybeUninit;
    use std::os::unix::ffi::{OsStrExt, OsStringExt};

    use rustix::fs::{AtFlags, FileType, Mode, OFlags, RawDir};
    use smartnotes_io::store::{Entry, EntryKind};

    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let fd = rustix::fs::open(dir, flags, Mode::empty())?;
    let prefix = dir.as_os_str().as_bytes();
    // `Path::join`'s rule: a separator between the folder and the name unless the folder is
    // empty or already ends in one.
    let separator = !prefix.is_empty() && !prefix.ends_with(b"/");
    let mut buf: Vec<MaybeUninit<u8>> = Vec::with_capacity(64 << 10);
    buf.resize(64 << 10, MaybeUninit::uninit());
    let mut entries = RawDir::new(&fd, &mut buf);
    while let Some(entry) = entries.next() {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let kind_of = |file_type: FileType| match file_type {
            FileType::RegularFile => EntryKind::File,
            FileType::Directory => EntryKind::Dir,
            _ => EntryKind::Other,
        };
        let stat = |flags| rustix::fs::statat(&fd, entry.file_name(), flags);
        // A file system that does not say is asked; if that fails, the listing fails (as
        // `read_dir`'s `file_type()` does), rather than passing the entry over unsaid.
        let own = match entry.file_type() {
            FileType::Unknown => FileType::from_raw_mode(stat(AtFlags::SYMLINK_NOFOLLOW)?.st_mode),
            known => known,
        };
        let kind = match own {
            // A link counts as a file when it leads to one (followed, as `metadata` does).
            FileType::Symlink => match stat(AtFlags::empty()) {
                Ok(st) if FileType::from_raw_mode(st.st_mode) == FileType::RegularFile => {
                    EntryKind::File
                }
                _ => EntryKind::Other,
            },
            other => kind_of(other),
        };
        let mut path = Vec::with_capacity(prefix.len() + usize::from(separator) + name.len());
        path.extend_from_slice(prefix);
        if separator {
            path.push(b'/');
        }
        path.extend_from_slice(name);
        let path = std::path::PathBuf::from(std::ffi::OsString::from_vec(path));
        debug_assert_eq!(path, dir.join(OsStr::from_bytes(name)));
        each(Entry { path, kind });
    }
    Ok(())
}

/// Each of `paths` read in turn, its bytes (or error) handed to `each` with its index:
/// io_uring's fallback.
pub(crate) fn read_each(
    paths: &[&Path],
    limit: u64,
    each: &mut dyn FnMut(usize, io::Result<&[u8]>),
) {
    for (i, path) in paths.iter().enumerate() {
        read_one(i, path, limit, each);
    }
}

/// `path` read, its bytes (or error) handed to `each` with index `i`.
pub(crate) fn read_one(
    i: usize,
    path: &Path,
    limit: u64,
    each: &mut dyn FnMut(usize, io::Result<&[u8]>),
) {
    if let Err(e) = read_with(path, limit, |bytes| each(i, Ok(bytes))) {
        each(i, Err(e));
    }
}

/// The atomic write of [`StdFs`](crate::StdFs): without a temporary name where the file system
/// allows it, else through one.
pub(crate) fn write_file<B: BlockingStore>(
    fs: &B,
    path: &Path,
    bytes: &[u8],
    mode: WriteMode,
) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if mode == WriteMode::CreateNew {
        if let Some(done) = linux::write_unnamed(path, bytes) {
            return done;
        }
    }
    write_via_temp(fs, path, bytes, mode)
}

/// Sets the modification time of the entry at `path` itself: on Linux one `utimensat` that
/// never follows a symbolic link (the access time omitted); elsewhere only on a regular file
/// that is not a link (checked, then opened: a link swapped in between is followed there).
pub(crate) fn set_modified(path: &Path, time: std::time::SystemTime) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{AtFlags, CWD, Timespec, Timestamps, UTIME_OMIT};
        let since = time
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let times = Timestamps {
            last_access: Timespec {
                tv_sec: 0,
                tv_nsec: UTIME_OMIT,
            },
            last_modification: Timespec {
                tv_sec: i64::try_from(since.as_secs())
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?,
                tv_nsec: i64::from(since.subsec_nanos()),
            },
        };
        rustix::fs::utimensat(CWD, path, &times, AtFlags::SYMLINK_NOFOLLOW)?;
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        if !std::fs::symlink_metadata(path)?.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file: its time is left as it is",
            ));
        }
        std::fs::File::options()
            .write(true)
            .open(path)?
            .set_modified(time)
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashSet;
    use std::io::{self, Write};
    use std::os::fd::AsRawFd;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{LazyLock, Mutex};

    use rustix::fs::{AtFlags, CWD, Mode, OFlags};

    /// Directories whose file system refused `O_TMPFILE`: asked once, then the named temporary
    /// file is used there directly. `ANY_REFUSED` keeps the lock off the common path, where no
    /// directory ever refused.
    static REFUSED: LazyLock<Mutex<HashSet<PathBuf>>> = LazyLock::new(Mutex::default);
    static ANY_REFUSED: AtomicBool = AtomicBool::new(false);
    /// Whether this process may not link a file by its descriptor alone (`AT_EMPTY_PATH`):
    /// found at the first write that tries, then /proc is used at once.
    static EMPTY_PATH_REFUSED: AtomicBool = AtomicBool::new(false);

    fn refused(dir: &Path) -> bool {
        ANY_REFUSED.load(Ordering::Acquire)
            && REFUSED
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(dir)
    }

    fn refuse(dir: &Path) {
        let mut set = REFUSED.lock().unwrap_or_else(|e| e.into_inner());
        set.insert(dir.to_owned());
        ANY_REFUSED.store(true, Ordering::Release);
    }

    /// Writes `bytes` into an unnamed file in `path`'s directory, then links it at `path`
    /// (`AlreadyExists` if `path` exists: never a clobber). `None` where the file system does
    /// not do it (the caller writes through a named temporary file instead).
    pub(super) fn write_unnamed(path: &Path, bytes: &[u8]) -> Option<io::Result<()>> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        if refused(dir) {
            return None;
        }
        let flags = OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(CWD, dir, flags, Mode::from_raw_mode(0o666)) {
            Ok(fd) => fd,
            // Not supported here (old kernel: EISDIR; file system: EOPNOTSUPP; EINVAL).
            Err(e)
                if e == rustix::io::Errno::OPNOTSUPP
                    || e == rustix::io::Errno::ISDIR
                    || e == rustix::io::Errno::INVAL =>
            {
                refuse(dir);
                return None;
            }
            // Anything else (no such directory, no permission) is the write's error; the
            // named path would meet it too.
            Err(e) => return Some(Err(e.into())),
        };
        let mut file = std::fs::File::from(fd);
        if let Err(e) = file.write_all(bytes) {
            return Some(Err(e)); // dropped unnamed: nothing was ever visible
        }
        // Linking an unnamed file by its descriptor (`linkat` never replaces `path`): by the
        // descriptor itself where the kernel lets this process (Linux 6.10 and later let a
        // process link a file it opened; before, only with CAP_DAC_READ_SEARCH), else through
        // /proc (linking through `/proc/self/fd/N` was a fifth of a tmpfs export's CPU, half of it
        // that path's lookup).
        if !EMPTY_PATH_REFUSED.load(Ordering::Relaxed) {
            match rustix::fs::linkat(&file, "", CWD, path, AtFlags::EMPTY_PATH) {
                Ok(()) => return Some(Ok(())),
                // Refused (ENOENT), or a kernel that does not know the flag (EINVAL): /proc
                // says which, below.
                Err(e) if e == rustix::io::Errno::NOENT || e == rustix::io::Errno::INVAL => {}
                Err(e) => return Some(Err(e.into())),
            }
        }
        let proc_path = format!("/proc/self/fd/{}", file.as_raw_fd());
        match rustix::fs::linkat(CWD, proc_path.as_str(), CWD, path, AtFlags::SYMLINK_FOLLOW) {
            Ok(()) => {
                // /proc linked what the descriptor could not: it was the flag that was
                // refused, not the path, so later writes go through /proc at once.
                EMPTY_PATH_REFUSED.store(true, Ordering::Relaxed);
                Some(Ok(()))
            }
            // No /proc mounted: this directory takes the named path from now on.
            Err(e) if e == rustix::io::Errno::NOENT && !Path::new("/proc/self/fd").exists() => {
                refuse(dir);
                None
            }
            Err(e) => Some(Err(e.into())),
        }
    }
}
