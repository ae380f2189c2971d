//! The options of the file scans, and the progress they report.

use std::time::Duration;

/// Buffer and job sizes of the file scans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScanOptions {
    /// Bytes read at a time: the scan's memory. Default 1 MiB.
    pub buffer: usize,
    /// Bytes read in one blocking job before the job hands back to the event loop (a
    /// [`scan_matching`](crate::StoreExt::scan_matching) progress report, a batch of
    /// [`read_lines`](crate::StoreExt::read_lines)). Default 256 MiB for
    /// [`scan_matching`](crate::StoreExt::scan_matching) (per worker; its jobs also end after
    /// [`job_time`](Self::job_time)); [`read_lines`](crate::StoreExt::read_lines) uses at most
    /// 256 KiB, since it holds a job's lines in memory.
    pub job: u64,
    /// The longest a [`scan_matching`](crate::StoreExt::scan_matching) job reads on (checked
    /// after each read of `buffer` bytes) before it hands back to the event loop, even short
    /// of `job` bytes: how often progress is reported and how long a dropped scan's job in
    /// flight goes on. Default 50 ms.
    ///
    /// Why time and not only bytes: every hand-back leaves a core idle until the event loop
    /// has woken and started the next job. Measured on a 2-core VM scanning a 1 GiB log in
    /// the page cache (each a new process, medians of 10 interleaved runs), jobs of 16 MiB
    /// (64 hand-backs) took 131 ms where jobs of 64 MiB took 115 ms and a plain 2-thread
    /// `read` + `memmem` loop 108 ms; `smartnotes scan` with these defaults (then about one job per
    /// range) took 111 ms beside the loop's 109 ms. A fixed byte count that is rare on fast
    /// storage is seconds apart on a slow disk; a time limit is neither.
    pub job_time: Duration,
    /// The longest line [`read_lines`](crate::StoreExt::read_lines) yields; longer ones are reported as
    /// [`Error::LineTooLong`](crate::Error::LineTooLong). Default 1 MiB. [`count_matching`](crate::StoreExt::count_matching) has no limit.
    pub max_line: usize,
    /// Byte ranges a [`scan_matching`](crate::StoreExt::scan_matching) scans at once on the
    /// blocking pool. Each worker takes a range of the file, scans it and takes the next; a
    /// range is what is left divided by twice the workers (at least
    /// [`min_range`](Self::min_range)), so the ranges shrink as the scan goes on and the
    /// workers finish close together. Default: the cores this process may use.
    pub workers: usize,
    /// The smallest range (the last one may be shorter); a scan also has at most one worker
    /// per `min_range` bytes of the file, rounded up (one for a file of at most `min_range`
    /// bytes). Default 4 MiB.
    pub min_range: u64,
}

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            buffer: 1 << 20,
            job: 256 << 20,
            job_time: Duration::from_millis(50),
            max_line: 1 << 20,
            workers: crate::strategy::cores(),
            min_range: 4 << 20,
        }
    }
}

impl ScanOptions {
    /// The same with `buffer` bytes read at a time (at least 1).
    ///
    /// # Examples
    /// ```
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::{ScanOptions, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// assert_eq!(ScanOptions::default().with_buffer(0).buffer, 1);
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/app.log", "ERROR a\nINFO b\nERROR c\n")?;
    /// let opts = ScanOptions::default().with_buffer(3); // "ERROR" spans reads: still found
    /// let reports: Vec<_> = fs.scan_matching_with("/app.log", "ERROR", &opts).try_collect().await?;
    /// assert_eq!(reports.last().map(|r| r.matching_lines), Some(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn with_buffer(mut self, buffer: usize) -> Self {
        self.buffer = buffer.max(1);
        self
    }

    /// The same with `job` bytes per blocking job (at least 1).
    ///
    /// # Examples
    /// ```
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::{ScanOptions, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/app.log", "ERROR a\nINFO b\nERROR c\n")?; // 23 bytes
    /// let opts = ScanOptions::default().with_buffer(8).with_job(8);
    /// let reports: Vec<_> = fs.scan_matching_with("/app.log", "ERROR", &opts).try_collect().await?;
    /// let bytes: Vec<u64> = reports.iter().map(|r| r.bytes).collect();
    /// assert_eq!(bytes, [8, 16, 23]); // one report per job of 8 bytes
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn with_job(mut self, job: u64) -> Self {
        self.job = job.max(1);
        self
    }

    /// The same with jobs of at most `job_time` of reading each (at least one read each, so
    /// `Duration::ZERO` is a job, and a report, per read of `buffer` bytes).
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::{ScanOptions, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/app.log", "ERROR a\nINFO b\nERROR c\n")?; // 23 bytes
    /// let opts = ScanOptions::default().with_buffer(8).with_job_time(Duration::ZERO);
    /// let reports: Vec<_> = fs.scan_matching_with("/app.log", "ERROR", &opts).try_collect().await?;
    /// let bytes: Vec<u64> = reports.iter().map(|r| r.bytes).collect();
    /// assert_eq!(bytes, [8, 16, 23]); // one report per read
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn with_job_time(mut self, job_time: Duration) -> Self {
        self.job_time = job_time;
        self
    }

    /// The same with `workers` workers (at least 1) for a scan.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::ScanOptions;
    /// assert_eq!(ScanOptions::default().with_workers(0).workers, 1);
    /// ```
    #[must_use]
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// The same with ranges of at least `min_range` bytes (at least 1) per worker.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::ScanOptions;
    /// assert_eq!(ScanOptions::default().with_min_range(64).min_range, 64);
    /// ```
    #[must_use]
    pub fn with_min_range(mut self, min_range: u64) -> Self {
        self.min_range = min_range.max(1);
        self
    }

    /// The same with lines of at most `max_line` bytes.
    ///
    /// # Examples
    /// ```
    /// use futures_util::StreamExt;
    /// use smartnotes_io::{Error, ScanOptions, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/app.log", "ok\nfar too long\nok")?;
    /// let opts = ScanOptions::default().with_max_line(4);
    /// let lines: Vec<_> = fs.read_lines_with("/app.log", &opts).collect().await;
    /// assert!(matches!(lines[1], Err(Error::LineTooLong { line: 2, limit: 4, .. })));
    /// assert_eq!(lines.len(), 3); // the stream goes on after a long line
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn with_max_line(mut self, max_line: usize) -> Self {
        self.max_line = max_line;
        self
    }
}

/// Where a scan is: cumulative figures, one report per blocking job (every
/// [`ScanOptions::job`] bytes or [`ScanOptions::job_time`] of reading, whichever comes first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanProgress {
    /// Bytes read so far.
    pub bytes: u64,
    /// Lines containing the pattern so far.
    pub matching_lines: u64,
    /// Whether the whole file has been read (the last report).
    pub done: bool,
}
