//! Writing one note, written once for every strategy: atomically, never over another file, and
//! a file already there with the same bytes is "unchanged". The async store and its blocking
//! twin both answer the two calls a write makes ([`Writes`]); on the twin they are ready at
//! once, so a batched plan runs the same code inside its blocking job.

use std::future::{Future, ready};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::SystemTime;

use smartnotes_core::Note;

use super::outcome::{Exported, Outcome, Skipped};
use crate::Error;
use crate::store::{BlockingStore, Store, WriteMode, write_atomic};

/// One input of an export: a note to write, or an error to report.
pub(super) enum Job {
    Write {
        source: PathBuf,
        dest: PathBuf,
        note: Box<Note>,
        /// The source's modification time, to give the written file when asked.
        modified: Option<SystemTime>,
    },
    Failed {
        /// The note, when it was read and could not be placed; else the error's own path.
        source: Option<PathBuf>,
        error: Error,
    },
}

/// How an export writes: its write mode, and whether a file was already at one of the names it
/// wrote. Until one was, every note is written at once (a first export costs nothing more);
/// from then on, where reading is cheap, each destination is looked at first, so that a re-run
/// recognises its unchanged notes without a write or a failed link.
#[derive(Clone, Debug)]
pub(super) struct Writing {
    mode: WriteMode,
    /// Give each written (or unchanged) file its source's modification time.
    preserve_mtime: bool,
    occupied: Arc<AtomicBool>,
}

impl Writing {
    pub(super) fn new(mode: WriteMode, preserve_mtime: bool) -> Self {
        Self {
            mode,
            preserve_mtime,
            occupied: Arc::default(),
        }
    }
}

/// What writing a note did.
enum Written {
    New,
    Unchanged,
}

/// The two calls writing a note makes: an atomic write, and a read of what is already there.
pub(super) trait Writes {
    fn write(
        &self,
        path: &Path,
        bytes: &[u8],
        mode: WriteMode,
    ) -> impl Future<Output = io::Result<()>> + Send;
    fn read(&self, path: &Path, limit: u64) -> impl Future<Output = io::Result<Vec<u8>>> + Send;
    fn set_modified(
        &self,
        path: &Path,
        time: SystemTime,
    ) -> impl Future<Output = io::Result<()>> + Send;
    /// Whether reading is cheap here (a store with a blocking twin: files), so that looking at
    /// a destination before writing costs less than a failed write. A store of requests (an
    /// object store) always writes first, conditionally, and reads only when something was there.
    fn reads_cheaply(&self) -> bool;
}

/// A store's async calls.
pub(super) struct OnStore<'a, F>(pub(super) &'a F);

impl<F: Store> Writes for OnStore<'_, F> {
    fn write(
        &self,
        path: &Path,
        bytes: &[u8],
        mode: WriteMode,
    ) -> impl Future<Output = io::Result<()>> + Send {
        self.0.write_atomic(path, bytes.to_vec(), mode)
    }

    fn read(&self, path: &Path, limit: u64) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        self.0.read(path, limit)
    }

    fn set_modified(
        &self,
        path: &Path,
        time: SystemTime,
    ) -> impl Future<Output = io::Result<()>> + Send {
        self.0.set_modified(path, time)
    }

    fn reads_cheaply(&self) -> bool {
        self.0.blocking().is_some()
    }
}

/// A blocking twin's calls, done at once (the futures are ready when made).
struct OnTwin<'a, B>(&'a B);

impl<B: BlockingStore> Writes for OnTwin<'_, B> {
    fn write(
        &self,
        path: &Path,
        bytes: &[u8],
        mode: WriteMode,
    ) -> impl Future<Output = io::Result<()>> + Send {
        ready(write_atomic(self.0, path, bytes, mode))
    }

    fn read(&self, path: &Path, limit: u64) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        ready(self.0.read(path, limit))
    }

    fn set_modified(
        &self,
        path: &Path,
        time: SystemTime,
    ) -> impl Future<Output = io::Result<()>> + Send {
        ready(self.0.set_modified(path, time))
    }

    fn reads_cheaply(&self) -> bool {
        true
    }
}

impl Job {
    /// Writes the note (a new file only), or reports the failed input. A file already at the
    /// name with the same bytes is unchanged (an export run again): it is recognised before
    /// anything is written, by reading it, so a re-run writes nothing and links nothing. With
    /// other bytes it is replaced only when `mode` asks, else the note is skipped (nothing is
    /// overwritten).
    pub(super) async fn write<W: Writes>(self, on: &W, writing: &Writing) -> Outcome {
        self.write_looked(on, writing, None).await.0
    }

    /// [`write`](Self::write), with what is at the destination already read when `looked` is
    /// `Some` (a batch's destinations read together).
    async fn write_looked<W: Writes>(
        self,
        on: &W,
        writing: &Writing,
        looked: Option<io::Result<Vec<u8>>>,
    ) -> (Outcome, Option<Box<Note>>) {
        let mode = writing.mode;
        let result = match &self {
            Job::Write {
                dest,
                note,
                modified,
                ..
            } => {
                let rendered = note.rendered();
                let bytes = rendered.as_bytes();
                let limit = bytes.len() as u64;
                let looked = match looked {
                    Some(looked) => looked,
                    None if on.reads_cheaply() && writing.occupied.load(Ordering::Relaxed) => {
                        on.read(dest, limit).await
                    }
                    None => Err(io::ErrorKind::NotFound.into()),
                };
                let written = match looked {
                    // Nothing there (or nothing readable: the write says why): a new file, or
                    // if one appeared meanwhile, settled as one that was there.
                    Err(e) if e.kind() != io::ErrorKind::FileTooLarge => {
                        match on.write(dest, bytes, WriteMode::CreateNew).await {
                            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                                writing.occupied.store(true, Ordering::Relaxed);
                                let there = on.read(dest, limit).await;
                                Self::settle(on, dest, bytes, mode, there).await
                            }
                            other => other.map(|()| Written::New),
                        }
                    }
                    there => Self::settle(on, dest, bytes, mode, there).await,
                };
                match (written, modified) {
                    (Ok(done), Some(time)) if writing.preserve_mtime => on
                        .set_modified(dest, *time)
                        .await
                        .map(|()| done)
                        .map_err(|e| {
                            io::Error::new(
                                e.kind(),
                                format!("written, but its modification time was not set: {e}"),
                            )
                        }),
                    (written, _) => written,
                }
            }
            Job::Failed { .. } => Ok(Written::New),
        };
        self.finish(result)
    }

    /// A file is at `dest` (`there`, what reading it gave): the same bytes are unchanged;
    /// others are replaced only when `mode` asks, else the note is refused (`AlreadyExists`).
    async fn settle<W: Writes>(
        on: &W,
        dest: &Path,
        bytes: &[u8],
        mode: WriteMode,
        there: io::Result<Vec<u8>>,
    ) -> io::Result<Written> {
        match there {
            Ok(existing) if existing == bytes => Ok(Written::Unchanged),
            _ if mode == WriteMode::Replace => on
                .write(dest, bytes, WriteMode::Replace)
                .await
                .map(|()| Written::New),
            _ => Err(io::Error::from(io::ErrorKind::AlreadyExists)),
        }
    }

    /// The jobs of a batch on a blocking twin, inside a blocking job, each outcome with its note
    /// (written or not), to be dropped by the consumer that made it: a note's memory freed on
    /// another thread than the one that took it is what allocators are slow at. Once a file was found at
    /// a name this export writes (a re-run), the batch's destinations are read together first
    /// ([`BlockingStore::read_many`]: io_uring on local files), each up to the largest note of
    /// the batch, so an unchanged note costs no call of its own beyond its source's.
    pub(super) fn write_batch<B: BlockingStore>(
        jobs: Vec<Self>,
        twin: &B,
        writing: &Writing,
    ) -> Vec<(Outcome, Option<Box<Note>>)> {
        if !writing.occupied.load(Ordering::Relaxed) {
            return (jobs.into_iter())
                .map(|job| job.write_blocking(twin, writing, None))
                .collect();
        }
        let dests: Vec<(&Path, usize)> = jobs
            .iter()
            .filter_map(|job| match job {
                Job::Write { dest, note, .. } => Some((dest.as_path(), note.rendered().len())),
                Job::Failed { .. } => None,
            })
            .collect();
        let limit = dests.iter().map(|(_, len)| *len).max().unwrap_or(0) as u64;
        let paths: Vec<&Path> = dests.iter().map(|(path, _)| *path).collect();
        let mut found: Vec<Option<io::Result<Vec<u8>>>> = Vec::new();
        found.resize_with(paths.len(), || None);
        twin.read_many(&paths, limit, &mut |i, read| {
            if let Some(slot) = found.get_mut(i) {
                *slot = Some(read.map(<[u8]>::to_vec));
            }
        });
        // A destination the store gave no result for is looked at on its own, as it is written.
        let mut looked = found.into_iter();
        drop(paths);
        drop(dests);
        (jobs.into_iter())
            .map(|job| {
                let pre = match &job {
                    Job::Write { .. } => looked.next().flatten(),
                    Job::Failed { .. } => None,
                };
                job.write_blocking(twin, writing, pre)
            })
            .collect()
    }

    /// [`Job::write`] on a blocking twin, inside a blocking job. Its futures are ready when
    /// made ([`OnTwin`]), so the first poll completes it; the loop only satisfies the type.
    fn write_blocking<B: BlockingStore>(
        self,
        twin: &B,
        writing: &Writing,
        looked: Option<io::Result<Vec<u8>>>,
    ) -> (Outcome, Option<Box<Note>>) {
        let on = OnTwin(twin);
        let mut write = pin!(self.write_looked(&on, writing, looked));
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(outcome) = write.as_mut().poll(&mut cx) {
                return outcome;
            }
            std::thread::yield_now();
        }
    }

    /// The outcome, and the note given back (see [`Job::write_batch`]).
    fn finish(self, result: io::Result<Written>) -> (Outcome, Option<Box<Note>>) {
        match self {
            Job::Failed { source, error } => {
                let source = source.unwrap_or_else(|| error.path().to_owned());
                (Outcome::Skipped(Skipped { source, error }), None)
            }
            Job::Write {
                source, dest, note, ..
            } => {
                let outcome = match result {
                    Ok(Written::New) => Outcome::Exported(Exported { source, path: dest }),
                    Ok(Written::Unchanged) => Outcome::Unchanged(Exported { source, path: dest }),
                    Err(e) => Outcome::Skipped(Skipped {
                        source,
                        error: Error::write(dest, e),
                    }),
                };
                (outcome, Some(note))
            }
        }
    }
}
