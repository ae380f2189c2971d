//! The io_uring read path (feature `uring`, Linux) of [`Strategy::Uring`](smartnotes_io::Strategy::Uring):
//! a batch of notes read with batched submissions.
//!
//! A ring has a table of [`SLOTS`] registered ("direct") file slots and one [`BUF`]-byte buffer
//! per slot. Rings are not tied to threads: a batch takes the most recently used idle ring of
//! the process (or sets one up, once a chunk is read through it) and puts it back when done.
//! So there are as many rings as batches read at once, not as many as the runtime's blocking
//! pool has threads (smol's `blocking` keeps every thread it ever started, up to 500; a
//! `concurrent` read leaves dozens), and a batch reads with the warmest ring and buffers,
//! whichever thread runs it. A batch is
//! read [`SLOTS`] files per `io_uring_enter`: for each file a chain of three linked entries,
//! `openat` into the file's slot (by its name in the batch's folder, opened once per batch, so
//! the kernel looks up one name and not the whole path), `read` of up to [`BUF`] bytes from the
//! slot, `close` of the slot, then one wait for all of them. The system calls of a batch of 32
//! notes: one (against three per note on the lean path). Each file's bytes are then lent to
//! the caller where they are, in the slot's buffer (the pipeline checks them and copies a
//! note's text into its batch's text; see `smartnotes_io`'s `load_notes`).
//!
//! A note longer than the buffer is finished by the lean path; a file that io_uring could not
//! open or read gets the error the kernel gave (the pipeline adds its path).
//!
//! # Fallback
//! Where io_uring is refused (`ENOSYS` on an old kernel, `EPERM` under seccomp or
//! `kernel.io_uring_disabled`), or `SMARTNOTES_URING=off` is set, every read takes the lean
//! blocking path instead: the same notes, the same errors. [`backend`] says which is in use and
//! why.
#![allow(unsafe_code)]

use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use io_uring::{IoUring, opcode, squeue, types};

use smartnotes_io::store::TooLarge;

/// Files per submission (and registered file slots per ring).
const SLOTS: usize = 32;
/// Bytes read per file in the ring: a typical note whole. Longer notes are finished by the
/// lean path.
const BUF: usize = 16 << 10;
/// Entries per file: open, read, close.
const PER_FILE: usize = 3;

/// Why io_uring is not used, or `None` when it is: decided once per process, by the
/// environment and by creating a ring.
fn refusal() -> Option<&'static str> {
    static REFUSAL: OnceLock<Option<String>> = OnceLock::new();
    REFUSAL
        .get_or_init(|| {
            let off = std::env::var("SMARTNOTES_URING")
                .is_ok_and(|v| matches!(v.trim(), "0" | "off" | "no" | "false"));
            if off {
                return Some("turned off by SMARTNOTES_URING".into());
            }
            match Ring::kernel() {
                Ok(_) => None,
                Err(e) => Some(format!("the kernel refused io_uring: {e}")),
            }
        })
        .as_deref()
}

/// Which read path [`Strategy::Uring`](smartnotes_io::Strategy::Uring) takes in this process:
/// `Ok(())` for io_uring, or why it falls back to the lean blocking path.
pub(crate) fn backend() -> Result<(), String> {
    match refusal() {
        None => Ok(()),
        Some(why) => Err(why.to_owned()),
    }
}

struct Ring {
    ring: IoUring,
    buffers: Vec<Vec<u8>>,
    /// The names of a chunk's files, each ended by a NUL, one after another: reused from
    /// chunk to chunk, so a read allocates nothing per file here.
    names: Vec<u8>,
}

/// Rings not in use, the most recently put back last (taken first: its buffers are the most
/// likely to be in the CPU's caches).
static IDLE: Mutex<Vec<Ring>> = Mutex::new(Vec::new());
/// Idle rings kept at most; one put back beyond it is closed. A read of the default strategy
/// uses 4 at once, the responsive one 8.
const KEEP: usize = 16;
/// Rings that could not be set up, or that failed mid-submission and were leaked (see
/// [`Ring::read_chunk`]).
static FAILED: AtomicUsize = AtomicUsize::new(0);
/// After this many failed rings every read takes the lean path: a kernel that refuses new
/// rings (a memory-lock limit) or fails submissions does not get a set-up attempt or a leaked
/// ring per batch.
const FAIL_LIMIT: usize = 4;

/// The idle rings, also after a panic elsewhere while they were locked (a `Vec` push or pop
/// cannot leave them half-changed).
fn idle() -> MutexGuard<'static, Vec<Ring>> {
    IDLE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A batch's ring.
enum Lease {
    /// None taken yet (before the batch's first chunk read through a ring).
    None,
    Ready(Box<Ring>),
    /// Setting one up failed, or it failed mid-submission (and was leaked): the rest of the
    /// batch is read on the lean path.
    Broken,
}

impl Lease {
    /// The batch's ring: taken from the idle ones or set up, on first use.
    fn ring(&mut self) -> Option<&mut Ring> {
        if matches!(self, Lease::None) {
            let idle = idle().pop();
            *self = match idle.map_or_else(Ring::new, Ok).map(Box::new) {
                Ok(ring) => Lease::Ready(ring),
                Err(_) => {
                    FAILED.fetch_add(1, Ordering::Relaxed);
                    Lease::Broken
                }
            };
        }
        match self {
            Lease::Ready(ring) => Some(ring),
            _ => None,
        }
    }

    /// The ring failed mid-submission: the kernel may still write into its buffers, so it is
    /// leaked, never put back.
    fn leak(&mut self) {
        if let Lease::Ready(ring) = std::mem::replace(self, Lease::Broken) {
            std::mem::forget(ring);
            FAILED.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Puts the ring back for the next batch (every completion of its last chunk was reaped
    /// before its bytes were handed out).
    fn give_back(self) {
        if let Lease::Ready(ring) = self {
            let mut idle = idle();
            if idle.len() < KEEP {
                idle.push(*ring);
            }
        }
    }
}

impl Ring {
    /// The kernel's part: a ring with [`SLOTS`] registered file slots (what the probe tries).
    fn kernel() -> io::Result<IoUring> {
        let ring = IoUring::new(u32::try_from(SLOTS * PER_FILE * 2).unwrap_or(256))?;
        ring.submitter()
            .register_files_sparse(u32::try_from(SLOTS).unwrap_or(32))?;
        Ok(ring)
    }

    fn new() -> io::Result<Self> {
        Ok(Self {
            ring: Self::kernel()?,
            buffers: (0..SLOTS).map(|_| vec![0; BUF]).collect(),
            names: Vec::new(),
        })
    }

    /// Reads up to [`SLOTS`] files and hands each one's bytes (in the ring's buffer) or error
    /// to `each`, with its index in `paths` plus `offset`, in order.
    ///
    /// `Err` means the ring itself failed mid-submission, before anything was handed out: the
    /// caller must leak it (the kernel may still write into its buffers).
    fn read_chunk(
        &mut self,
        (paths, offset): (&[&Path], usize),
        limit: u64,
        folder: Option<&Folder<'_>>,
        each: &mut dyn FnMut(usize, io::Result<&[u8]>),
    ) -> Result<(), ()> {
        debug_assert!(paths.len() <= SLOTS);
        let want = usize::try_from(limit.saturating_add(1))
            .unwrap_or(usize::MAX)
            .min(BUF);
        let want32 = u32::try_from(want).unwrap_or(u32::MAX);
        let cwd = rustix::fs::CWD.as_raw_fd();
        // A file of the open folder is opened by its name in it (the kernel looks up one
        // name, not every folder of the path); any other by its whole path.
        // Where each name starts in `self.names`, and the folder it is looked up in.
        self.names.clear();
        let names: Vec<io::Result<(usize, i32)>> = paths
            .iter()
            .map(|p| {
                let (name, dir) = match folder.and_then(|f| f.name_in(p)) {
                    Some((name, dir)) => (name, dir),
                    None => (p.as_os_str().as_bytes(), cwd),
                };
                if name.contains(&0) {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "a path with a NUL byte",
                    ));
                }
                let at = self.names.len();
                self.names.extend_from_slice(name);
                self.names.push(0);
                Ok((at, dir))
            })
            .collect();
        // Taken once every name is in: the buffer is not touched again before this chunk's
        // completions are all reaped.
        let base = self.names.as_ptr().cast::<std::ffi::c_char>();
        // A direct descriptor lives in the ring's file table, not the process's: there is no
        // descriptor to close on exec, and the kernel refuses O_CLOEXEC for it (EINVAL).
        let flags = rustix::fs::OFlags::RDONLY.bits() as i32;
        // Every entry built before any is pushed, so nothing can fail between the first push
        // and the submission.
        let mut entries = Vec::with_capacity(paths.len() * PER_FILE);
        for (i, (name, buffer)) in names.iter().zip(&mut self.buffers).enumerate() {
            let Ok((at, dir)) = name else { continue };
            // `i < SLOTS`, so both conversions hold.
            let slot = u32::try_from(i).map_err(drop)?;
            let target = types::DestinationSlot::try_from_slot_target(slot).map_err(drop)?;
            let user = (i * PER_FILE) as u64;
            entries.push(
                opcode::OpenAt::new(types::Fd(*dir), base.wrapping_add(*at))
                    .file_index(Some(target))
                    .flags(flags)
                    .build()
                    .flags(squeue::Flags::IO_LINK)
                    .user_data(user),
            );
            // A short read (the usual case: the note is shorter than the buffer) counts as a
            // failure for a plain link, so the close is hard-linked: it runs whatever the read
            // gave.
            entries.push(
                opcode::Read::new(types::Fixed(slot), buffer.as_mut_ptr(), want32)
                    .build()
                    .flags(squeue::Flags::IO_HARDLINK)
                    .user_data(user + 1),
            );
            entries.push(
                opcode::Close::new(types::Fixed(slot))
                    .build()
                    .user_data(user + 2),
            );
        }
        let pushed = entries.len();
        // SAFETY: each entry points into memory that outlives its completion: the name into
        // `self.names` (a NUL-ended name at each offset, written above and neither changed nor
        // moved before every completion of this submission has been reaped; the folder's
        // descriptor, if any, is the caller's, open until this returns), and the buffer into
        // `self.buffers[i]`, neither resized nor dropped while a read is in flight (a ring that
        // fails mid-submission is leaked whole, names and buffers included, by the caller). `push_multiple` pushes all or
        // nothing; the queue holds 2 x SLOTS x PER_FILE entries and this chunk is at most
        // SLOTS x PER_FILE, into a queue the previous submission emptied.
        let room = unsafe { self.ring.submission().push_multiple(&entries) };
        if room.is_err() {
            return Err(()); // nothing was pushed
        }
        let mut opened: Vec<i32> = vec![0; paths.len()];
        let mut read: Vec<i32> = vec![0; paths.len()];
        let mut reaped = 0;
        while reaped < pushed {
            match self.ring.submit_and_wait(pushed - reaped) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // The caller leaks the ring: the kernel may still read its names and buffers.
                Err(_) => return Err(()),
            }
            for cqe in self.ring.completion() {
                reaped += 1;
                let user = usize::try_from(cqe.user_data()).unwrap_or(usize::MAX);
                let (i, op) = (user / PER_FILE, user % PER_FILE);
                match (op, opened.get_mut(i), read.get_mut(i)) {
                    (0, Some(slot), _) => *slot = cqe.result(),
                    (1, _, Some(slot)) => *slot = cqe.result(),
                    _ => {}
                }
            }
        }
        for (i, name) in names.into_iter().enumerate() {
            let read = name.and_then(|_| {
                if opened[i] < 0 {
                    return Err(io::Error::from_raw_os_error(-opened[i]));
                }
                if read[i] < 0 {
                    return Err(io::Error::from_raw_os_error(-read[i]));
                }
                let n = usize::try_from(read[i]).unwrap_or(0);
                if n as u64 > limit {
                    let size = std::fs::metadata(paths[i]).ok().map(|m| m.len());
                    return Err(TooLarge { size, limit }.into());
                }
                Ok(n)
            });
            match read {
                // The buffer is full below the limit: the note may go on. The lean path reads
                // it whole (and checks the limit).
                Ok(n) if n == want => crate::fast_path::read_one(offset + i, paths[i], limit, each),
                Ok(n) => each(offset + i, Ok(&self.buffers[i][..n])),
                Err(e) => each(offset + i, Err(e)),
            }
        }
        Ok(())
    }
}

/// The folder of a batch's files, open (`O_PATH`) for the batch, so that each file is opened
/// by its name in it.
struct Folder<'p> {
    path: &'p Path,
    fd: rustix::fd::OwnedFd,
    /// Whether its files are read on the lean path: on tmpfs, io_uring cannot read without
    /// waiting and hands every read to a kernel worker thread (perf of an export from tmpfs:
    /// `shmem_file_read_iter` under `io_wq_worker`), a thread switch a file that the lean
    /// path's plain `read` does not pay.
    lean: bool,
}

/// tmpfs's `f_type` (`TMPFS_MAGIC` in `linux/magic.h`).
const TMPFS_MAGIC: i64 = 0x0102_1994;

impl<'p> Folder<'p> {
    /// Keeps `folder` open on the folder of `chunk`'s first file: the same as before, or that
    /// folder newly opened; `None` when it has no folder (a bare name is opened as it is) or
    /// the folder cannot be opened (the whole paths are used: the same files, the same
    /// errors).
    fn refresh(folder: &mut Option<Folder<'p>>, chunk: &[&'p Path]) {
        let Some(parent) = chunk.first().and_then(|p| p.parent()) else {
            *folder = None;
            return;
        };
        if folder.as_ref().is_some_and(|f| f.path == parent) {
            return;
        }
        *folder = None;
        if parent.as_os_str().is_empty() {
            return;
        }
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        if let Ok(fd) = rustix::fs::open(parent, flags, Mode::empty()) {
            // Asked once a batch's folder; a folder whose file system cannot be told is read
            // through the ring.
            // `f_type`'s type is the architecture's (`i64` on x86-64, 32 bits on some).
            #[allow(clippy::useless_conversion)]
            let lean = rustix::fs::fstatfs(&fd)
                .is_ok_and(|fs| i64::try_from(fs.f_type).is_ok_and(|t| t == TMPFS_MAGIC));
            *folder = Some(Folder {
                path: parent,
                fd,
                lean,
            });
        }
    }

    /// `path`'s name and this folder's descriptor, when `path` is a file of this folder.
    /// Told from the bytes: `Path::parent` parses every component, and this is asked of
    /// every file.
    fn name_in<'a>(&self, path: &'a Path) -> Option<(&'a [u8], i32)> {
        let rest = path
            .as_os_str()
            .as_bytes()
            .strip_prefix(self.path.as_os_str().as_bytes())?;
        let name = rest.strip_prefix(b"/")?;
        if matches!(name, b"" | b"." | b"..") || name.contains(&b'/') {
            return None;
        }
        Some((name, self.fd.as_raw_fd()))
    }
}

/// Each file of `paths` (at most `limit` bytes) read through a ring of the process, or on the
/// lean path where io_uring is refused (or rings keep failing), its bytes or error handed to
/// `each` with its index, in order.
pub(crate) fn read_batch(
    paths: &[&Path],
    limit: u64,
    each: &mut dyn FnMut(usize, io::Result<&[u8]>),
) {
    if refusal().is_some() || FAILED.load(Ordering::Relaxed) >= FAIL_LIMIT {
        return crate::fast_path::read_each(paths, limit, each);
    }
    // A chunk read on the lean path, each file's bytes handed to `each` in turn.
    let read_lean =
        |chunk: &[&Path], offset: usize, each: &mut dyn FnMut(usize, io::Result<&[u8]>)| {
            for (i, path) in chunk.iter().enumerate() {
                crate::fast_path::read_one(offset + i, path, limit, each);
            }
        };
    let mut lease = Lease::None;
    let mut folder: Option<Folder<'_>> = None;
    for (n, chunk) in paths.chunks(SLOTS).enumerate() {
        let offset = n * SLOTS;
        if !matches!(lease, Lease::Broken) {
            Folder::refresh(&mut folder, chunk);
            if folder.as_ref().is_some_and(|f| f.lean) {
                read_lean(chunk, offset, each);
                continue;
            }
        }
        // A ring (and its buffers) only once a chunk is read through it.
        let read = match lease.ring() {
            Some(ring) => ring.read_chunk((chunk, offset), limit, folder.as_ref(), each),
            None => Err(()),
        };
        if read.is_err() {
            lease.leak();
            read_lean(chunk, offset, each);
        }
    }
    lease.give_back();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Reads `path` through [`read_batch`] on a new thread that then ends: its bytes.
    fn read_on_a_thread(path: &Path) -> Vec<u8> {
        let path = path.to_path_buf();
        std::thread::spawn(move || {
            let mut got = Vec::new();
            read_batch(&[path.as_path()], 1024, &mut |_, read| {
                got = read.unwrap().to_vec();
            });
            got
        })
        .join()
        .unwrap()
    }

    #[test]
    fn a_ring_outlives_the_thread_that_read_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let path: PathBuf = dir.path().join("a.md");
        std::fs::write(&path, "# A\n").unwrap();
        let mut folder = None;
        Folder::refresh(&mut folder, &[path.as_path()]);
        if refusal().is_some() || folder.is_some_and(|f| f.lean) {
            eprintln!("no ring here (io_uring refused, or the temporary folder is on tmpfs)");
            return;
        }
        let _serial = crate::tests::serial();
        assert_eq!(read_on_a_thread(&path), b"# A\n");
        let kept = idle().len();
        assert!(kept >= 1, "the first thread's ring was not kept");
        // Another thread takes that ring rather than setting one up of its own.
        assert_eq!(read_on_a_thread(&path), b"# A\n");
        assert_eq!(idle().len(), kept);
        assert!(kept <= KEEP);
    }
}
