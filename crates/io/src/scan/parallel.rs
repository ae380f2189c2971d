//! The log scan on every core: [`scan_matching`] cuts the file into byte ranges ("shares", a
//! few per worker) and scans `workers` of them at once, each on the runtime's blocking pool; a
//! worker done with its share takes the next, so all finish together.
//!
//! # Exact counts at range edges
//!
//! A share owns the lines that *start* in its range. It reads one byte before its range to
//! see whether a line starts exactly there; if not, the partial line it lands in belongs to the
//! previous share, and it skips to the next `\n`. At the end of its range it reads on to the
//! end of the line it is in (the first `\n` at or after its end), so that line is counted once,
//! by the share it started in. A range with no line start counts nothing. Every line, and
//! every match, is therefore counted exactly once, however the file is split.
//!
//! # A file that changes while it is scanned
//!
//! Each share reads its range with its own reader. A file truncated during the scan ends
//! the shares past the new end early: the count is that of the bytes read, with no error and
//! no panic; a file that grows is scanned up to the length it had when the scan started (plus
//! the end of the line running over that length). A log being appended to is therefore counted
//! as of the scan's start.

use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_core::stream::BoxStream;
use futures_util::{StreamExt, stream};
use smartnotes_core::LineMatcher;

use super::buffer::LineBuffer;
use super::options::{ScanOptions, ScanProgress};
use crate::{BlockingStore, Error, Runtime};

/// Shares a file is split into per worker: a worker whose share is done takes the next, so
/// the workers finish together.
const SHARES_PER_WORKER: usize = 4;

/// How long a job reads (in the page cache: on the CPU) before it gives its core to a thread
/// waiting for one, if any (`sched_yield`; with none waiting it goes straight on). Linux lets
/// a running thread finish its time slice before a thread it woke takes the core, so with a
/// worker on every core the event loop's timer waited for a slice: a 1 ms heartbeat beside
/// `count_matching` on a 1 GiB log ran 1.0-3.7 ms (p99) over its idle floor. Measured on a
/// 2-core VM (scan bench, four runs without, two or more with each): yielding after every
/// 1 MiB read brought that to +0.15-0.68 ms but `smartnotes scan` to 90-96% of the 2-thread
/// loop (99-103% without); after every fourth read (about half a millisecond here),
/// +0.49-0.89 ms and 101-102%.
const TURN: Duration = Duration::from_micros(500);

/// Where a share is in its range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Before the first line start of the range.
    Skipping,
    /// Inside the range, counting.
    Owned,
    /// Past the range's end, finishing the line that runs over it.
    Tail,
    /// Finished.
    Done,
}

/// One share: the lines starting in `[start, end)` of the file.
struct Share<B: BlockingStore> {
    fs: B,
    path: PathBuf,
    reader: Option<B::Reader>,
    start: u64,
    end: u64,
    /// The next byte to read.
    pos: u64,
    phase: Phase,
    matcher: LineMatcher,
    /// The read buffer: a finished share's, or allocated at the share's first job (only running
    /// shares hold one).
    buffer: LineBuffer,
    /// Its size.
    buffer_size: usize,
}

impl<B: BlockingStore> Share<B> {
    /// Bytes of its range behind it.
    fn covered(&self) -> u64 {
        self.pos.clamp(self.start, self.end) - self.start
    }

    /// Reads and scans up to about `job` bytes, or for about `job_time` (at least one read);
    /// stops at [`Phase::Done`].
    fn step(&mut self, job: u64, job_time: Duration) -> Result<(), Error> {
        let started = Instant::now();
        let error = |e: io::Error, path: &PathBuf| Error::read(path.clone(), e);
        if self.buffer.len() < self.buffer_size {
            self.buffer = LineBuffer::new(self.buffer_size);
        }
        if self.reader.is_none() {
            let mut reader = self.fs.open(&self.path).map_err(|e| error(e, &self.path))?;
            // From the byte before the range: it says whether a line starts at `start`.
            self.pos = self.start.saturating_sub(1);
            reader
                .seek(SeekFrom::Start(self.pos))
                .map_err(|e| error(e, &self.path))?;
            self.reader = Some(reader);
            if self.start == 0 {
                self.phase = Phase::Owned;
            }
        }
        let Some(reader) = self.reader.as_mut() else {
            return Ok(());
        };
        let mut read = 0_u64;
        let mut turn = started;
        while read < job && self.phase != Phase::Done {
            let n = match reader.read(self.buffer.bytes_mut()) {
                Ok(0) => {
                    self.phase = Phase::Done; // end of file (or truncated: count what was read)
                    break;
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(error(e, &self.path)),
            };
            read += n as u64;
            let mut chunk = &self.buffer.bytes()[..n];
            while !chunk.is_empty() && self.phase != Phase::Done {
                match self.phase {
                    Phase::Skipping => match memchr::memchr(b'\n', chunk) {
                        // The first line start is just after this `\n`: in the range, or not.
                        Some(i) => {
                            self.pos += i as u64 + 1;
                            chunk = &chunk[i + 1..];
                            self.phase = if self.pos < self.end {
                                Phase::Owned
                            } else {
                                Phase::Done
                            };
                        }
                        None => {
                            self.pos += chunk.len() as u64;
                            chunk = &[];
                            if self.pos >= self.end {
                                self.phase = Phase::Done;
                            }
                        }
                    },
                    Phase::Owned => {
                        let room = usize::try_from(self.end - self.pos).unwrap_or(usize::MAX);
                        let (mine, rest) = chunk.split_at(room.min(chunk.len()));
                        self.matcher.feed(mine);
                        self.pos += mine.len() as u64;
                        chunk = rest;
                        if self.pos == self.end {
                            // A line ending exactly at the range's end is complete; else it runs
                            // over, and is finished here.
                            self.phase = if mine.last() == Some(&b'\n') {
                                Phase::Done
                            } else {
                                Phase::Tail
                            };
                        }
                    }
                    Phase::Tail => {
                        let upto = memchr::memchr(b'\n', chunk).map_or(chunk.len(), |i| i + 1);
                        self.matcher.feed(&chunk[..upto]);
                        self.pos += upto as u64;
                        if upto <= chunk.len() && chunk[..upto].last() == Some(&b'\n') {
                            self.phase = Phase::Done;
                        }
                        chunk = &chunk[upto..];
                    }
                    Phase::Done => {}
                }
            }
            let now = Instant::now();
            if now - started >= job_time {
                break;
            }
            if now - turn >= TURN {
                std::thread::yield_now();
                turn = Instant::now();
            }
        }
        if self.phase == Phase::Done {
            self.reader = None; // close the file as soon as the share is done
        }
        Ok(())
    }
}

/// The scan of `path` for lines containing what `matcher` looks for, as a stream of progress
/// reports ([`StoreExt::scan_matching`](crate::StoreExt::scan_matching) documents it).
pub(crate) fn scan_matching<B, R>(
    fs: B,
    runtime: R,
    path: PathBuf,
    matcher: LineMatcher,
    opts: ScanOptions,
) -> BoxStream<'static, Result<ScanProgress, Error>>
where
    B: BlockingStore,
    R: Runtime,
{
    let first = runtime.clone();
    let shares = async move {
        first
            .spawn_blocking(move || split(fs, path, matcher, opts))
            .await
    };
    stream::once(shares)
        .map(move |shares| match shares {
            Ok(shares) => rounds(runtime.clone(), shares, opts).boxed(),
            Err(e) => stream::iter([Err(e)]).boxed(),
        })
        .flatten()
        .boxed()
}

/// The file's length, split into [`SHARES_PER_WORKER`] shares per worker (fewer for a small
/// file: at least [`ScanOptions::min_range`] bytes each).
fn split<B: BlockingStore>(
    fs: B,
    path: PathBuf,
    matcher: LineMatcher,
    opts: ScanOptions,
) -> Result<Vec<Share<B>>, Error> {
    let len = fs
        .open(&path)
        .and_then(|mut reader| reader.seek(SeekFrom::End(0)))
        .map_err(|e| Error::read(path.clone(), e))?;
    let by_size = usize::try_from(len / opts.min_range.max(1)).unwrap_or(usize::MAX);
    let shares = (opts.workers.max(1) * SHARES_PER_WORKER).clamp(1, by_size.max(1));
    let size = len.div_ceil(shares as u64).max(1);
    Ok((0..shares as u64)
        .map(|i| {
            let start = (i * size).min(len);
            Share {
                fs: fs.clone(),
                path: path.clone(),
                reader: None,
                start,
                end: ((i + 1) * size).min(len),
                pos: start,
                phase: Phase::Skipping,
                matcher: matcher.clone(),
                buffer: LineBuffer::default(),
                buffer_size: opts.buffer.max(1),
            }
        })
        .collect())
}

/// The shares scanned `workers` at once, each on the blocking pool in jobs of about `job`
/// bytes or `job_time` (whichever ends first), each going on as soon as its own job is done,
/// and the next share starting as soon as one is finished (no worker waits for another: a
/// barrier per round, or one range per worker, would leave a core idle whenever one ran
/// longer). One progress report after every job, with the sums of all shares; the last one,
/// once every share is done, has `done: true`. The state moves into the jobs and back: nothing
/// shared.
fn rounds<B, R>(
    runtime: R,
    shares: Vec<Share<B>>,
    opts: ScanOptions,
) -> impl futures_core::Stream<Item = Result<ScanProgress, Error>> + Send
where
    B: BlockingStore,
    R: Runtime,
{
    let count = shares.len();
    // The buffers of finished shares, for the next ones: a buffer's pages are faulted in once
    // (a fresh 1 MiB block is 256 page faults, and glibc gives it back to the kernel when it
    // is freed), so a scan touches `workers` buffers, not one per share.
    let spare: Arc<Mutex<Vec<LineBuffer>>> = Arc::default();
    let each = shares.into_iter().enumerate().map(move |(i, share)| {
        let (runtime, spare) = (runtime.clone(), spare.clone());
        stream::unfold(Some(share), move |state| {
            let (runtime, spare) = (runtime.clone(), spare.clone());
            async move {
                let share = state?;
                let (share, result) = runtime
                    .spawn_blocking(move || {
                        let mut share = share;
                        let spare = || spare.lock().unwrap_or_else(PoisonError::into_inner);
                        if share.buffer.len() == 0 {
                            share.buffer = spare().pop().unwrap_or_default();
                        }
                        let result = if share.phase == Phase::Done {
                            Ok(())
                        } else {
                            share.step(opts.job, opts.job_time)
                        };
                        if share.phase == Phase::Done || result.is_err() {
                            spare().push(std::mem::take(&mut share.buffer));
                        }
                        (share, result)
                    })
                    .await;
                let done = share.phase == Phase::Done;
                let lines = if done {
                    share.matcher.clone().finish()
                } else {
                    share.matcher.matching_lines()
                };
                let report = result.map(|()| Report {
                    share: i,
                    bytes: share.covered(),
                    lines,
                    done,
                });
                let next = (report.is_ok() && !done).then_some(share);
                Some((report, next))
            }
        })
        .boxed()
    });
    let sums = (vec![Report::default(); count], false);
    let running = stream::iter(each).flatten_unordered(opts.workers.max(1));
    running.scan(sums, |(reports, failed), report| {
        let item = match report {
            _ if *failed => None,
            Err(e) => {
                *failed = true;
                Some(Err(e))
            }
            Ok(report) => {
                let i = report.share;
                reports[i] = report;
                Some(Ok(ScanProgress {
                    bytes: reports.iter().map(|r| r.bytes).sum(),
                    matching_lines: reports.iter().map(|r| r.lines).sum(),
                    done: reports.iter().all(|r| r.done),
                }))
            }
        };
        std::future::ready(item)
    })
}

/// Where one share is, after a job.
#[derive(Clone, Copy, Debug, Default)]
struct Report {
    share: usize,
    bytes: u64,
    lines: u64,
    done: bool,
}
