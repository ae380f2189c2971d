//! Strategy behaviour on simulated stores, on both runtimes: each strategy keeps its bound on
//! operations in flight, and all give the same output on the slow store too.

mod common;

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use smartnotes::store::{BlockingStore, Entry};
use smartnotes::testing::{Latency, MemFs, SlowFs};
use smartnotes::{Options, Store, StoreExt, Strategy, WriteMode};

/// Counts operations in flight (reads and writes) and remembers the peak.
#[derive(Clone, Debug, Default)]
struct Gauge {
    now: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

struct InFlight(Gauge);

impl Gauge {
    fn enter(&self) -> InFlight {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        InFlight(self.clone())
    }
    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A store that counts its reads and its writes in flight, async and blocking alike.
#[derive(Clone, Debug)]
struct Counting<F> {
    inner: F,
    reads: Gauge,
    writes: Gauge,
}

impl<F> Counting<F> {
    fn new(inner: F) -> Self {
        Self {
            inner,
            reads: Gauge::default(),
            writes: Gauge::default(),
        }
    }
    fn peaks(&self) -> (usize, usize) {
        (self.reads.peak(), self.writes.peak())
    }
}

impl<F: Store> Store for Counting<F> {
    type Runtime = F::Runtime;
    type Blocking = Counting<F::Blocking>;
    fn runtime(&self) -> &F::Runtime {
        self.inner.runtime()
    }
    fn blocking(&self) -> Option<Self::Blocking> {
        Some(Counting {
            inner: self.inner.blocking()?,
            reads: self.reads.clone(),
            writes: self.writes.clone(),
        })
    }
    async fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.inner.list(dir).await
    }
    async fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let _in = self.reads.enter();
        self.inner.read(path, limit).await
    }
    async fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.inner.create_dir_all(dir).await
    }
    async fn write_atomic(&self, path: &Path, bytes: Vec<u8>, mode: WriteMode) -> io::Result<()> {
        let _in = self.writes.enter();
        self.inner.write_atomic(path, bytes, mode).await
    }
}

impl<B: BlockingStore> BlockingStore for Counting<B> {
    type Reader = B::Reader;
    fn open(&self, path: &Path) -> io::Result<B::Reader> {
        self.inner.open(path)
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.inner.list(dir)
    }
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let _in = self.reads.enter();
        self.inner.read(path, limit)
    }
    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.inner.create_dir_all(dir)
    }
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let _in = self.writes.enter();
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
}

fn slow_corpus<F: Store>(fs: &F, notes: usize, latency: Duration) -> SlowFs<MemFs<F::Runtime>> {
    let mem = MemFs::new(fs.runtime().clone());
    for i in 0..notes {
        let (name, text) = smartnotes_bench_support::corpus::sample_note(i, 3, 200);
        mem.insert(Path::new("/src").join(name), text).unwrap();
    }
    SlowFs::new(mem, Latency::jittered(latency, latency))
}

/// In a pipeline the bound holds per stage: at most `limit` reads and at most `limit` writes are
/// in flight at once (reading goes on while earlier notes are written).
async fn each_strategy_keeps_its_bound_on_operations_in_flight<F: Store>(fs: F) {
    let cases = [
        (Strategy::Sequential, (1, 1)),
        (Strategy::Concurrent { limit: 4 }, (4, 4)),
        (Strategy::Concurrent { limit: 1 }, (1, 1)),
        (
            Strategy::Blocking {
                batch: 3,
                in_flight: 1,
            },
            (1, 1),
        ),
    ];
    for (strategy, expected) in cases {
        let store = Counting::new(slow_corpus(&fs, 24, Duration::from_millis(2)));
        let opts = Options::default().with_strategy(strategy);
        let report = store.pipeline_with("/src", "/out", &opts).await.unwrap();
        assert_eq!(report.exported.len(), 24);
        assert_eq!(store.peaks(), expected, "{strategy:?} (reads, writes)");
    }
    // Blocking batches run on the pool, at most `in_flight` at once per stage.
    let store = Counting::new(slow_corpus(&fs, 24, Duration::from_millis(2)));
    let opts = Options::default().with_strategy(Strategy::Blocking {
        batch: 4,
        in_flight: 2,
    });
    store.pipeline_with("/src", "/out", &opts).await.unwrap();
    let (reads, writes) = store.peaks();
    assert!(
        (1..=2).contains(&reads) && (1..=2).contains(&writes),
        "{reads} {writes}"
    );
}

async fn every_strategy_gives_the_same_output_on_the_slow_store<F: Store>(fs: F) {
    let mut outputs = Vec::new();
    for strategy in [
        Strategy::Sequential,
        Strategy::Concurrent { limit: 8 },
        Strategy::Blocking {
            batch: 5,
            in_flight: 2,
        },
    ] {
        let store = slow_corpus(&fs, 30, Duration::from_micros(300));
        let report = store
            .pipeline_with("/src", "/out", &Options::default().with_strategy(strategy))
            .await
            .unwrap();
        let files: Vec<(std::path::PathBuf, Vec<u8>)> = store
            .inner()
            .files_under("/out")
            .into_iter()
            .map(|p| {
                let bytes = store.inner().get(&p).unwrap();
                (p, bytes)
            })
            .collect();
        let exported: Vec<_> = report
            .exported
            .into_iter()
            .map(|e| (e.source, e.path))
            .collect();
        outputs.push((exported, files));
    }
    assert_eq!(outputs[0].0.len(), 30);
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[0], outputs[2]);
}

/// A slow store's latency comes before its operation: a write dropped while it waits never
/// happens (the simulated store behaves like a remote one, where nothing is sent yet).
async fn a_slow_write_dropped_during_its_wait_writes_nothing<F: Store>(fs: F) {
    let store = SlowFs::new(
        MemFs::new(fs.runtime().clone()),
        Latency::fixed(Duration::from_secs(60)),
    );
    store.inner().insert("/out/keep.md", "x").unwrap();
    let mut write = Box::pin(store.write_atomic(
        Path::new("/out/a.md"),
        b"data".to_vec(),
        WriteMode::CreateNew,
    ));
    let polled =
        std::future::poll_fn(|cx| std::task::Poll::Ready(write.as_mut().poll(cx).is_pending()))
            .await;
    assert!(polled, "the write waits for its latency");
    drop(write);
    assert_eq!(store.inner().get("/out/a.md"), None);
    assert_eq!(
        store.inner().files_under("/out"),
        [Path::new("/out/keep.md")]
    );
}

on_both_runtimes!(
    a_slow_write_dropped_during_its_wait_writes_nothing,
    each_strategy_keeps_its_bound_on_operations_in_flight,
    every_strategy_gives_the_same_output_on_the_slow_store,
);
