//! [`SlowFs`]: a store whose every operation waits, like a network store or a cold disk.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::Runtime;
use crate::store::{BlockingStore, Entry, Store, WriteMode};

/// How long each operation of a [`SlowFs`] waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    /// The fixed part of every wait.
    pub base: Duration,
    /// Up to this much more, drawn per operation from a deterministic sequence.
    pub jitter: Duration,
}

impl Latency {
    /// The same wait for every operation (Python's `await asyncio.sleep(0.2)`).
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use smartnotes_io::testing::Latency;
    ///
    /// let latency = Latency::fixed(Duration::from_millis(200));
    /// assert_eq!(latency.base, Duration::from_millis(200));
    /// assert_eq!(latency.jitter, Duration::ZERO);
    /// ```
    pub const fn fixed(base: Duration) -> Self {
        Self {
            base,
            jitter: Duration::ZERO,
        }
    }

    /// `base` plus up to `jitter`, varying per operation.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use smartnotes_io::testing::Latency;
    ///
    /// let ms = Duration::from_millis;
    /// let latency = Latency::jittered(ms(5), ms(2)); // each wait between 5 and 7 ms
    /// assert_eq!((latency.base, latency.jitter), (ms(5), ms(2)));
    /// ```
    pub const fn jittered(base: Duration, jitter: Duration) -> Self {
        Self { base, jitter }
    }
}

#[derive(Debug)]
struct Clock {
    latency: Latency,
    /// Seeded: the same store gives the same sequence of waits, run after run.
    draws: Mutex<fastrand::Rng>,
}

impl Clock {
    fn next(&self) -> Duration {
        if self.latency.jitter.is_zero() {
            return self.latency.base;
        }
        let jitter_ns = u64::try_from(self.latency.jitter.as_nanos()).unwrap_or(u64::MAX);
        // A draw is one integer update: a panic cannot leave the generator half changed.
        let mut rng = self.draws.lock().unwrap_or_else(|e| e.into_inner());
        self.latency.base + Duration::from_nanos(rng.u64(..jitter_ns.max(1)))
    }
}

/// Wraps a store so that each operation first waits for a [`Latency`].
///
/// Reading a note and writing a note (one atomic write) wait; listing a directory and creating
/// one do not, since a pipeline does each once and they would only add a constant. The async side waits with [`Runtime::sleep`], so waits overlap when operations are
/// concurrent: five reads at 200 ms take 1 s [sequentially](crate::Strategy::Sequential) and
/// 0.2 s [concurrently](crate::Strategy::Concurrent). Its blocking twin, [`SlowBlockingFs`],
/// waits with `std::thread::sleep`, as a blocking client of a slow service would.
#[derive(Clone, Debug)]
pub struct SlowFs<F> {
    inner: F,
    clock: Arc<Clock>,
}

impl<F: Store> SlowFs<F> {
    /// `inner` with every operation delayed by `latency`.
    ///
    /// # Examples
    /// ```
    /// use std::time::{Duration, Instant};
    /// use futures_util::TryStreamExt;
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{InlineRuntime, Latency, MemFs, SlowFs};
    ///
    /// # futures_executor::block_on(async {
    /// let mem = MemFs::new(InlineRuntime);
    /// mem.insert("/notes/a.md", "# A\n")?;
    /// let slow = SlowFs::new(mem, Latency::fixed(Duration::from_millis(5)));
    /// let start = Instant::now();
    /// let notes: Vec<_> = slow.read_notes("/notes").try_collect().await?;
    /// assert_eq!(notes.len(), 1);
    /// assert!(start.elapsed() >= Duration::from_millis(5)); // the read waited
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn new(inner: F, latency: Latency) -> Self {
        Self {
            inner,
            clock: Arc::new(Clock {
                latency,
                draws: Mutex::new(fastrand::Rng::with_seed(0x5eed)),
            }),
        }
    }

    /// The wrapped store.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use smartnotes_io::testing::{InlineRuntime, Latency, MemFs, SlowFs};
    ///
    /// let slow = SlowFs::new(MemFs::new(InlineRuntime), Latency::fixed(Duration::from_secs(1)));
    /// slow.inner().insert("/notes/a.md", "# A\n")?; // set up without waiting
    /// assert_eq!(slow.inner().files_under("/notes").len(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn inner(&self) -> &F {
        &self.inner
    }
}

impl<F: Store> Store for SlowFs<F> {
    type Runtime = F::Runtime;
    type Blocking = SlowBlockingFs<F::Blocking>;

    fn runtime(&self) -> &F::Runtime {
        self.inner.runtime()
    }

    fn blocking(&self) -> Option<Self::Blocking> {
        let inner = self.inner.blocking()?;
        Some(SlowBlockingFs {
            inner,
            clock: self.clock.clone(),
        })
    }

    async fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.inner.list(dir).await
    }

    async fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        self.runtime().sleep(self.clock.next()).await;
        self.inner.read(path, limit).await
    }

    async fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.inner.create_dir_all(dir).await
    }

    async fn locate(&self, outer: &Path, inner: &Path) -> io::Result<Option<PathBuf>> {
        self.inner.locate(outer, inner).await
    }

    async fn write_atomic(&self, path: &Path, bytes: Vec<u8>, mode: WriteMode) -> io::Result<()> {
        // The wait comes first: the write is not even started until the latency has passed.
        self.runtime().sleep(self.clock.next()).await;
        self.inner.write_atomic(path, bytes, mode).await
    }
}

/// The blocking twin of [`SlowFs`]: each read and each new file waits with
/// `std::thread::sleep` before reaching the inner store.
#[derive(Clone, Debug)]
pub struct SlowBlockingFs<B> {
    inner: B,
    clock: Arc<Clock>,
}

impl<B: BlockingStore> SlowBlockingFs<B> {
    fn wait(&self) {
        std::thread::sleep(self.clock.next());
    }
}

/// Opening a file waits once; the reads from it do not.
impl<B: BlockingStore> BlockingStore for SlowBlockingFs<B> {
    type Reader = B::Reader;

    fn open(&self, path: &Path) -> io::Result<B::Reader> {
        self.wait();
        self.inner.open(path)
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.inner.list(dir)
    }
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        self.wait();
        self.inner.read(path, limit)
    }
    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.inner.create_dir_all(dir)
    }
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.wait();
        self.inner.write_new(path, bytes)
    }
    fn link(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.inner.link(from, to)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.inner.rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        self.inner.remove_file(path)
    }
    fn modified(&self, path: &Path) -> io::Result<std::time::SystemTime> {
        self.inner.modified(path)
    }
    fn set_modified(&self, path: &Path, time: std::time::SystemTime) -> io::Result<()> {
        self.inner.set_modified(path, time)
    }
}
