//! The log scan on every core: [`scan_matching`] runs `workers` workers at once, each on the
//! runtime's blocking pool. A worker takes a byte range of the file ("share"), scans it, and
//! takes the next itself, on its own thread, until none is left; the ranges shrink as the scan
//! goes on (each is what is left divided by [`PARTS_PER_WORKER`] per worker), so the workers
//! finish within a small range of each other.
//!
//! Why the workers take their ranges themselves: when each range was a job of its own, handed
//! out by the event loop, every hand-off woke a thread, and Linux at times put it on the core
//! a worker was already running on while the other core went idle (seen with `perf sched` on
//! a 2-core VM: 12 ms of a 70 ms scan with both workers on one core).
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
//! A worker reads with its own reader. A file truncated during the scan ends
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

/// How finely the file is cut: each range a worker takes is what is left divided by this
/// many per worker (at least [`ScanOptions::min_range`]), so ranges shrink as the scan goes on
/// ("guided" scheduling) and the workers finish within a small range of each other.
const PARTS_PER_WORKER: u64 = 2;

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

/// The most read at a time before a range's first line start and after its end, where only
/// the end of one line is wanted.
const EDGE_READ: usize = 4096;

/// One share: the lines starting in `[start, end)` of the file, read with `reader` (the
/// worker's, passed on from its last share).
struct Share<R> {
    reader: R,
    start: u64,
    end: u64,
    /// The next byte to read.
    pos: u64,
    phase: Phase,
    matcher: LineMatcher,
}

impl<R> Share<R> {
    /// Bytes of its range behind it.
    fn covered(&self) -> u64 {
        self.pos.clamp(self.start, self.end) - self.start
    }

    /// How many bytes to read next, at most `buffer`: inside the range, no further than its
    /// end; at its edges, a little (the line being looked for is short, most of the time).
    fn want(&self, buffer: usize) -> usize {
        let limit = match self.phase {
            Phase::Owned => usize::try_from(self.end - self.pos).unwrap_or(usize::MAX),
            Phase::Skipping | Phase::Tail => EDGE_READ,
            Phase::Done => 0,
        };
        buffer.min(limit).max(1)
    }

    /// Takes in `chunk`, read at `pos`.
    fn feed(&mut self, mut chunk: &[u8]) {
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
                    if chunk[..upto].last() == Some(&b'\n') {
                        self.phase = Phase::Done;
                    }
                    chunk = &chunk[upto..];
                }
                Phase::Done => {}
            }
        }
    }
}

/// The part of the file no worker has taken yet.
struct Untaken {
    /// Its first byte.
    next: u64,
    /// The file's length when the scan started.
    len: u64,
    /// Each range is what is left divided by this, at least `min_range`.
    parts: u64,
    min_range: u64,
}

impl Untaken {
    /// The next range to scan, if any is left.
    fn take(&mut self) -> Option<(u64, u64)> {
        let left = self.len.checked_sub(self.next).filter(|&left| left > 0)?;
        let size = (left / self.parts).max(self.min_range).min(left);
        let start = self.next;
        self.next += size;
        Some((start, self.next))
    }
}

/// One worker: it takes a range of the file, scans it, and takes the next, until none is
/// left; its reader and buffer go from one range to the next.
struct Worker<B: BlockingStore> {
    fs: B,
    path: PathBuf,
    untaken: Arc<Mutex<Untaken>>,
    /// A matcher that has seen nothing, cloned for each range.
    fresh: LineMatcher,
    /// Allocated at the first job (only running workers hold one).
    buffer: LineBuffer,
    buffer_size: usize,
    /// The range being scanned, if any, with the file open.
    share: Option<Share<B::Reader>>,
    /// Bytes and matching lines of the ranges it has finished.
    finished_bytes: u64,
    finished_lines: u64,
    /// No range is left for it.
    done: bool,
}

impl<B: BlockingStore> Worker<B> {
    /// Bytes behind it.
    fn bytes(&self) -> u64 {
        self.finished_bytes + self.share.as_ref().map_or(0, Share::covered)
    }

    /// Matching lines so far.
    fn lines(&self) -> u64 {
        self.finished_lines
            + self
                .share
                .as_ref()
                .map_or(0, |share| share.matcher.matching_lines())
    }

    /// Its range once it is finished, counted; then the next one, if any is left, read with
    /// the same reader (the file is opened for the first range and closed after the last).
    fn next_share(&mut self) -> Result<(), Error> {
        let reader = self.share.take().map(|share| {
            self.finished_bytes += share.covered();
            self.finished_lines += share.matcher.finish();
            share.reader
        });
        let taken = self
            .untaken
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some((start, end)) = taken else {
            self.done = true;
            self.buffer = LineBuffer::default();
            return Ok(()); // the reader, if any, is dropped: the file is closed
        };
        let error = |e| Error::read(self.path.clone(), e);
        let mut reader = match reader {
            Some(reader) => reader,
            None => self.fs.open(&self.path).map_err(error)?,
        };
        // From the byte before the range: it says whether a line starts at `start`.
        let pos = start.saturating_sub(1);
        reader.seek(SeekFrom::Start(pos)).map_err(error)?;
        self.share = Some(Share {
            reader,
            start,
            end,
            pos,
            phase: if start == 0 {
                Phase::Owned
            } else {
                Phase::Skipping
            },
            matcher: self.fresh.clone(),
        });
        Ok(())
    }

    /// Reads and scans up to about `job` bytes, or for about `job_time` (at least one read),
    /// going from range to range; stops when no range is left.
    fn step(&mut self, job: u64, job_time: Duration) -> Result<(), Error> {
        let started = Instant::now();
        if self.buffer.len() < self.buffer_size {
            self.buffer = LineBuffer::new(self.buffer_size);
        }
        let mut read = 0_u64;
        let mut turn = started;
        while read < job && !self.done {
            let share = match self.share.as_mut() {
                Some(share) if share.phase != Phase::Done => share,
                _ => {
                    self.next_share()?; // the first, or after a read found the end of the file
                    continue;
                }
            };
            let want = share.want(self.buffer.len());
            let n = match share.reader.read(&mut self.buffer.bytes_mut()[..want]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::read(self.path.clone(), e)),
            };
            if n == 0 {
                share.phase = Phase::Done; // end of file (or truncated: count what was read)
                continue;
            }
            read += n as u64;
            share.feed(&self.buffer.bytes()[..n]);
            if share.phase == Phase::Done {
                // The next range now, so that the last job ends with the worker done.
                self.next_share()?;
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
    let workers = async move {
        first
            .spawn_blocking(move || workers(fs, path, matcher, opts))
            .await
    };
    stream::once(workers)
        .map(move |workers| match workers {
            Ok(workers) => jobs(runtime.clone(), workers, opts).boxed(),
            Err(e) => stream::iter([Err(e)]).boxed(),
        })
        .flatten()
        .boxed()
}

/// The workers of a scan of `path`: [`ScanOptions::workers`] of them, fewer for a small file
/// (one per [`ScanOptions::min_range`] bytes, at least one), sharing the file's length as it
/// is now.
fn workers<B: BlockingStore>(
    fs: B,
    path: PathBuf,
    matcher: LineMatcher,
    opts: ScanOptions,
) -> Result<Vec<Worker<B>>, Error> {
    let len = fs
        .open(&path)
        .and_then(|mut reader| reader.seek(SeekFrom::End(0)))
        .map_err(|e| Error::read(path.clone(), e))?;
    let min_range = opts.min_range.max(1);
    let by_size = usize::try_from(len.div_ceil(min_range)).unwrap_or(usize::MAX);
    let count = opts.workers.clamp(1, by_size.max(1));
    let untaken = Arc::new(Mutex::new(Untaken {
        next: 0,
        len,
        parts: PARTS_PER_WORKER * count as u64,
        min_range,
    }));
    Ok((0..count)
        .map(|_| Worker {
            fs: fs.clone(),
            path: path.clone(),
            untaken: untaken.clone(),
            fresh: matcher.clone(),
            buffer: LineBuffer::default(),
            buffer_size: opts.buffer.max(1),
            share: None,
            finished_bytes: 0,
            finished_lines: 0,
            done: false,
        })
        .collect())
}

/// The workers' jobs on the blocking pool, all at once, each worker going on with its next
/// job as soon as its own is done (no worker waits for another): each job reads about `job`
/// bytes or for `job_time` (whichever ends first), across as many ranges as it gets to. A
/// worker takes its next range itself, on its own thread, so the only hand-backs to the event
/// loop are the jobs' ends. One progress report after every job, with the sums of all
/// workers; the last one, once every worker is done, has `done: true`.
fn jobs<B, R>(
    runtime: R,
    workers: Vec<Worker<B>>,
    opts: ScanOptions,
) -> impl futures_core::Stream<Item = Result<ScanProgress, Error>> + Send
where
    B: BlockingStore,
    R: Runtime,
{
    let count = workers.len();
    let each = workers.into_iter().enumerate().map(move |(i, worker)| {
        let runtime = runtime.clone();
        stream::unfold(Some(worker), move |state| {
            let runtime = runtime.clone();
            async move {
                let worker = state?;
                let (worker, result) = runtime
                    .spawn_blocking(move || {
                        let mut worker = worker;
                        let result = worker.step(opts.job, opts.job_time);
                        (worker, result)
                    })
                    .await;
                let report = result.map(|()| Report {
                    worker: i,
                    bytes: worker.bytes(),
                    lines: worker.lines(),
                    done: worker.done,
                });
                let next = (report.is_ok() && !worker.done).then_some(worker);
                Some((report, next))
            }
        })
        .boxed()
    });
    let sums = (vec![Report::default(); count], false);
    let running = stream::iter(each).flatten_unordered(count);
    running.scan(sums, |(reports, failed), report| {
        let item = match report {
            _ if *failed => None,
            Err(e) => {
                *failed = true;
                Some(Err(e))
            }
            Ok(report) => {
                let i = report.worker;
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

/// Where one worker is, after a job.
#[derive(Clone, Copy, Debug, Default)]
struct Report {
    worker: usize,
    bytes: u64,
    lines: u64,
    done: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranges taken cover the file once, in order, shrinking to `min_range` (the last may
    /// be shorter), and none is left after.
    #[test]
    fn ranges_cover_the_file_once_and_shrink() {
        for (len, parts, min_range) in [(0, 4, 1), (1, 4, 1), (1 << 30, 4, 4 << 20), (999, 6, 10)] {
            let mut untaken = Untaken {
                next: 0,
                len,
                parts,
                min_range,
            };
            let mut ranges = Vec::new();
            while let Some(range) = untaken.take() {
                ranges.push(range);
            }
            assert_eq!(untaken.take(), None);
            let mut at = 0;
            for (i, &(start, end)) in ranges.iter().enumerate() {
                assert_eq!(start, at, "{len}: range {i} starts where the last ended");
                assert!(end > start);
                if end < len {
                    assert!(end - start >= min_range, "{len}: range {i} too small");
                }
                if let Some(&(next_start, next_end)) = ranges.get(i + 1) {
                    assert!(next_end - next_start <= end - start, "{len}: ranges shrink");
                }
                at = end;
            }
            assert_eq!(at, len);
        }
        // 1 GiB on two workers: a quarter first, then fewer than 40 ranges in all.
        let mut untaken = Untaken {
            next: 0,
            len: 1 << 30,
            parts: 4,
            min_range: 4 << 20,
        };
        assert_eq!(untaken.take(), Some((0, 1 << 28)));
        assert!(std::iter::from_fn(|| untaken.take()).count() < 40);
    }
}
