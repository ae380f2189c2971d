//! Streaming a big file without blocking: the log analyzer.
//!
//! [`count_matching`](crate::StoreExt::count_matching) counts the lines of a file that contain a pattern, [`scan_matching`](crate::StoreExt::scan_matching) does the
//! same as a stream of progress reports, and [`read_lines`](crate::StoreExt::read_lines) is a stream of the file's lines
//! (`async for line in f`). All three read with one fixed buffer, so memory does not grow with
//! the file, and do the reading and scanning in jobs on the runtime's blocking pool
//! ([`Runtime::spawn_blocking`]): the event loop only wakes once per job (for
//! [`scan_matching`](crate::StoreExt::scan_matching), 256 MiB or 50 ms of reading by default,
//! [`ScanOptions::job_time`]), so it stays free for other tasks however large the file is. On
//! a store without a blocking twin (an object store) the file is read in ranges of up to 8 MiB
//! ([`Store::read_at`], two in flight) and each range is scanned in a blocking job.
//!
//! Why not per-line async I/O: `tokio::io::BufReader::lines` costs a task wake-up and an
//! allocation per line and Python's aiofiles `async for` a thread hop per
//! line. Batching the blocking work is what makes the scan run at the speed of
//! `memchr` (see BENCHMARKS.md).

mod buffer;
mod options;
mod parallel;

pub use options::{ScanOptions, ScanProgress};

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use futures_core::Stream;
use futures_core::stream::BoxStream;
use futures_util::{StreamExt, stream};
use smartnotes_core::scan::Lines;
use smartnotes_core::{LineMatcher, LineSplitter};

use crate::{BlockingStore, Error, Runtime, Store};

/// Counts the lines of the file at `path` that contain `needle` (`grep -c`), in bounded
/// memory and without blocking the event loop. Returns the final [`ScanProgress`]: matching
/// lines and bytes.
///
/// Lines are split at `\n`; the last line counts without one; bytes need not be UTF-8 (the
/// scan is on bytes, so a log with a stray invalid byte is counted, not refused); a line
/// longer than the buffer is handled. An empty `needle` counts every line.
///
/// # Errors
/// [`Error::Read`] (with the path) if the file cannot be opened or read;
/// [`Error::Pattern`] if `needle` contains `\n`.
pub(crate) async fn count_matching<F: Store>(
    fs: &F,
    path: &Path,
    needle: &[u8],
) -> Result<ScanProgress, Error> {
    let mut last = ScanProgress::default();
    let mut reports = scan_matching(fs, path, needle, ScanOptions::default());
    while let Some(report) = reports.next().await {
        last = report?;
    }
    Ok(last)
}

/// [`count_matching`](crate::StoreExt::count_matching) as a stream of [`ScanProgress`] reports, one per blocking job (every
/// `opts.job` bytes), the last with `done` set: for a progress bar, or to stop early by
/// dropping the stream (the job in flight finishes its chunk; nothing else is read).
///
/// An error ends the stream.
pub(crate) fn scan_matching<F: Store>(
    fs: &F,
    path: &Path,
    needle: &[u8],
    opts: ScanOptions,
) -> BoxStream<'static, Result<ScanProgress, Error>> {
    let path = path.to_owned();
    let matcher = match LineMatcher::new(needle) {
        Ok(matcher) => matcher,
        Err(source) => return failed(Error::Pattern { path, source }),
    };
    match fs.blocking() {
        Some(twin) => parallel::scan_matching(twin, fs.runtime().clone(), path, matcher, opts),
        None => ranged_scan(fs, path, matcher, opts),
    }
}

/// The bytes of one ranged read of a store without a blocking twin: at most 8 MiB, so that
/// the two reads in flight and the one being scanned bound the memory.
const RANGE: u64 = 8 << 20;

/// The chunks of the file at `path`, in order, read with [`Store::read_at`] (two in flight,
/// so the next request waits on the network while this chunk is scanned), each with whether
/// it is the last: the first short chunk (the end of the file) or an error is, and the
/// consumer stops there without asking for another.
fn ranged_chunks<F: Store>(
    fs: &F,
    path: PathBuf,
    opts: ScanOptions,
) -> BoxStream<'static, (Result<Vec<u8>, Error>, bool)> {
    let range = opts.job.clamp(64 << 10, RANGE);
    let len = usize::try_from(range).unwrap_or(usize::MAX);
    let fs = fs.clone();
    stream::iter(0_u64..)
        .map(move |i| {
            let (fs, path) = (fs.clone(), path.clone());
            async move {
                let chunk = fs
                    .read_at(&path, i.saturating_mul(range), len)
                    .await
                    .map_err(|e| Error::read(path, e));
                let last = chunk.as_ref().map_or(true, |bytes| bytes.len() < len);
                (chunk, last)
            }
        })
        .buffered(2)
        .boxed()
}

/// A scan of a store without a blocking twin: its chunks, read in order with ranged reads,
/// each fed to `state` by `feed` in a job on the runtime's blocking pool (the scanning, not
/// the event loop, does the work), then `finish` once the last chunk is in. One item per
/// chunk, and the finishing item; an error ends the stream.
fn ranged<F, S, T>(
    fs: &F,
    path: PathBuf,
    opts: ScanOptions,
    state: S,
    feed: impl Fn(&mut S, &[u8]) -> T + Clone + Send + Sync + 'static,
    finish: impl Fn(S) -> T + Clone + Send + Sync + 'static,
) -> BoxStream<'static, Result<T, Error>>
where
    F: Store,
    S: Send + 'static,
    T: Send + 'static,
{
    let runtime = fs.runtime().clone();
    let chunks = ranged_chunks(fs, path, opts);
    stream::unfold(Some((chunks, state, false)), move |at| {
        let (runtime, feed, finish) = (runtime.clone(), feed.clone(), finish.clone());
        async move {
            let (mut chunks, mut state, ended) = at?;
            if ended {
                return Some((
                    Ok(runtime.spawn_blocking(move || finish(state)).await),
                    None,
                ));
            }
            match chunks.next().await? {
                (Ok(chunk), last) => {
                    let (item, state) = runtime
                        .spawn_blocking(move || (feed(&mut state, &chunk), state))
                        .await;
                    Some((Ok(item), Some((chunks, state, last))))
                }
                (Err(e), _) => Some((Err(e), None)),
            }
        }
    })
    .boxed()
}

/// [`scan_matching`] on a store without a blocking twin: one matcher over the file's chunks;
/// one progress report per chunk, then the final one.
fn ranged_scan<F: Store>(
    fs: &F,
    path: PathBuf,
    matcher: LineMatcher,
    opts: ScanOptions,
) -> BoxStream<'static, Result<ScanProgress, Error>> {
    ranged(
        fs,
        path,
        opts,
        (matcher, 0_u64),
        move |(m, bytes), chunk| {
            m.feed(chunk);
            *bytes += chunk.len() as u64;
            ScanProgress {
                bytes: *bytes,
                matching_lines: m.matching_lines(),
                done: false,
            }
        },
        |(m, bytes)| ScanProgress {
            bytes,
            matching_lines: m.finish(),
            done: true,
        },
    )
}

/// [`read_lines`] on a store without a blocking twin: the file's chunks, read in order with
/// ranged reads, split into lines (ranges of at most 256 KiB, as the twin's jobs).
fn ranged_lines<F: Store>(
    fs: &F,
    path: PathBuf,
    opts: ScanOptions,
) -> BoxStream<'static, Result<Lines, Error>> {
    let too_long = {
        let path = path.clone();
        move |lines: Vec<Result<Lines, smartnotes_core::scan::LineTooLong>>| {
            let path = path.clone();
            stream::iter(lines.into_iter().map(move |line| {
                line.map_err(|e| Error::LineTooLong {
                    path: path.clone(),
                    line: e.line,
                    limit: e.limit,
                })
            }))
        }
    };
    let job = opts.job.min(256 << 10);
    ranged(
        fs,
        path,
        opts.with_job(job),
        LineSplitter::new(opts.max_line),
        |splitter, chunk| {
            let mut lines = Vec::new();
            splitter.feed_batches(chunk, &mut lines);
            lines
        },
        |splitter| {
            let mut lines = Vec::new();
            splitter.finish_batches(&mut lines);
            lines
        },
    )
    .flat_map(move |batch| match batch {
        Ok(lines) => too_long(lines).left_stream(),
        Err(e) => stream::iter([Err(e)]).right_stream(),
    })
    .boxed()
}

/// A stream with one item per job on `runtime`'s blocking pool: each job takes the state,
/// does a bounded piece of work, and returns the item and the state for the next job, or
/// `None` to end. The state moves into the job and back, so nothing is shared or locked; a
/// dropped stream lets the job in flight finish and starts no other.
fn in_blocking_jobs<R, S, T>(
    runtime: R,
    state: S,
    step: impl Fn(S) -> (T, Option<S>) + Clone + Send + 'static,
) -> impl Stream<Item = T> + Send
where
    R: Runtime,
    S: Send + 'static,
    T: Send + 'static,
{
    stream::unfold(Some(state), move |state| {
        let job = state.map(|state| {
            let step = step.clone();
            runtime.spawn_blocking(move || step(state))
        });
        async move { Some(job?.await) }
    })
}

/// A stream of the lines of a file (`async for line in f` over aiofiles), in bounded memory.
///
/// Lines are read in batches of up to 256 KiB per blocking job and yielded one by one. They
/// are bytes ([`Line::as_str`] for text), so invalid UTF-8 is the consumer's call, not an
/// error. A line longer than `opts.max_line` yields [`Error::LineTooLong`] and the stream
/// goes on with the next line; a read error yields [`Error::Read`] and ends it.
pub(crate) fn read_lines<F: Store>(
    fs: &F,
    path: &Path,
    opts: ScanOptions,
) -> BoxStream<'static, Result<Lines, Error>> {
    let path = path.to_owned();
    let Some(twin) = fs.blocking() else {
        return ranged_lines(fs, path, opts);
    };
    let reading = Reading::new(twin, path, opts);
    let splitter = LineSplitter::new(opts.max_line);
    let job = opts.job.min(256 << 10);
    in_blocking_jobs(
        fs.runtime().clone(),
        (splitter, reading),
        move |(mut splitter, mut reading)| {
            let mut lines = Vec::new();
            let result = reading.read_job(job, |chunk| splitter.feed_batches(chunk, &mut lines));
            let path = reading.path.clone();
            let next = match result {
                Ok(false) => Some((splitter, reading)),
                Ok(true) => {
                    splitter.finish_batches(&mut lines);
                    None
                }
                Err(_) => None,
            };
            let mut items: Vec<Result<Lines, Error>> = lines
                .into_iter()
                .map(|line| {
                    line.map_err(|e| Error::LineTooLong {
                        path: path.clone(),
                        line: e.line,
                        limit: e.limit,
                    })
                })
                .collect();
            items.extend(result.err().map(Err));
            (stream::iter(items), next)
        },
    )
    .flatten()
    .boxed()
}

/// A stream of one error.
fn failed<T: Send + 'static>(error: Error) -> BoxStream<'static, Result<T, Error>> {
    stream::once(async { Err(error) }).boxed()
}

/// The reading half of a scan, moved into each blocking job and back.
struct Reading<B: BlockingStore> {
    fs: B,
    path: PathBuf,
    reader: Option<B::Reader>,
    buffer: buffer::LineBuffer,
    bytes: u64,
}

impl<B: BlockingStore> Reading<B> {
    fn new(fs: B, path: PathBuf, opts: ScanOptions) -> Self {
        Self {
            fs,
            path,
            reader: None,
            buffer: buffer::LineBuffer::new(opts.buffer.max(1)),
            bytes: 0,
        }
    }

    /// Reads up to about `job` bytes, passing each chunk to `sink`; `Ok(true)` at the end of
    /// the file. Opens the file on the first call.
    fn read_job(&mut self, job: u64, mut sink: impl FnMut(&[u8])) -> Result<bool, Error> {
        let reader = match &mut self.reader {
            Some(reader) => reader,
            None => {
                let opened = self.fs.open(&self.path).map_err(|e| self.error(e))?;
                self.reader.insert(opened)
            }
        };
        let mut read = 0_u64;
        while read < job {
            match reader.read(self.buffer.bytes_mut()) {
                Ok(0) => return Ok(true),
                Ok(n) => {
                    sink(&self.buffer.bytes()[..n]);
                    read += n as u64;
                    self.bytes += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.error(e)),
            }
        }
        Ok(false)
    }

    fn error(&self, source: io::Error) -> Error {
        Error::read(self.path.clone(), source)
    }
}
