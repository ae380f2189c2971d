//! Nothing lost: injected faults at every operation, and cancellation at every poll, for every
//! strategy, on both runtimes. After each run: every source note is exported whole or reported
//! with its path and reason; the export directory holds no partial or temporary file; nothing
//! is written outside it; the source is unchanged.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use common::{temp, tree};
use smartnotes::store::Entry;
use smartnotes::testing::{FailingFs, Fault, FaultKind};
use smartnotes::{Error, Options, Report, Runtime, Store, StoreExt, Strategy, WriteMode};

const NOTES: usize = 12;

const STRATEGIES: [Strategy; 4] = [
    Strategy::Sequential,
    Strategy::Concurrent { limit: 4 },
    Strategy::Blocking {
        batch: 3,
        in_flight: 2,
    },
    Strategy::Uring {
        batch: 3,
        in_flight: 2,
    },
];

/// A source folder, and the reference export of it (file name -> bytes).
struct Fixture {
    root: tempfile::TempDir,
    src: PathBuf,
    source_tree: BTreeMap<PathBuf, Vec<u8>>,
    reference: BTreeMap<PathBuf, Vec<u8>>,
    inputs: BTreeSet<PathBuf>,
}

impl Fixture {
    async fn new<F: Store>(fs: &F) -> Self {
        let root = temp();
        let src = root.path().join("src");
        smartnotes_bench_support::corpus::write_corpus(&smartnotes_local::StdFs, &src, NOTES, 11)
            .unwrap();
        let source_tree = tree(&src);
        let inputs = source_tree.keys().map(|p| src.join(p)).collect();
        let reference_dir = root.path().join("reference");
        let report = fs
            .pipeline_with(&src, &reference_dir, &Options::default())
            .await
            .unwrap();
        assert_eq!(report.exported.len(), NOTES);
        let reference = tree(&reference_dir);
        std::fs::remove_dir_all(&reference_dir).unwrap();
        Fixture {
            root,
            src,
            source_tree,
            reference,
            inputs,
        }
    }

    /// Checks the invariant after a run that exported to `dest` (fully, partly, or not at all).
    fn check(&self, dest: &Path, outcome: Option<&Result<Report, Error>>, context: &str) {
        // Every file in dest is a complete note: the bytes of the reference file of that name.
        for (name, bytes) in tree_or_empty(dest) {
            assert_eq!(
                self.reference.get(&name),
                Some(&bytes),
                "{context}: {name:?} is not a complete note"
            );
        }
        // The source is unchanged, and nothing was written beside src and the export dirs.
        assert_eq!(
            tree(&self.src),
            self.source_tree,
            "{context}: source changed"
        );
        for entry in std::fs::read_dir(self.root.path()).unwrap() {
            let name = entry.unwrap().file_name();
            let name = name.to_str().unwrap();
            assert!(
                name == "src" || name.starts_with("out"),
                "{context}: stray {name}"
            );
        }
        // Every input is accounted for: exported, or skipped with its path and a reason.
        if let Some(Ok(report)) = outcome {
            let exported: BTreeSet<_> = report.exported.iter().map(|e| e.source.clone()).collect();
            let skipped: BTreeSet<_> = report.skipped.iter().map(|s| s.source.clone()).collect();
            assert!(exported.is_disjoint(&skipped), "{context}");
            let all: BTreeSet<_> = exported.union(&skipped).cloned().collect();
            assert_eq!(all, self.inputs, "{context}: an input was lost");
            for s in &report.skipped {
                assert!(
                    s.reason().contains(s.error.path().to_str().unwrap()),
                    "{context}: {}",
                    s.reason()
                );
            }
            for e in &report.exported {
                assert!(
                    e.path.starts_with(dest) && e.path.is_file(),
                    "{context}: {:?}",
                    e.path
                );
            }
        }
    }
}

fn tree_or_empty(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    if dir.exists() {
        tree(dir)
    } else {
        BTreeMap::new()
    }
}

async fn every_injected_fault_loses_nothing<F: Store>(fs: F) {
    let fixture = Fixture::new(&fs).await;
    let kinds = [
        FaultKind::Error(io::ErrorKind::StorageFull),
        FaultKind::Error(io::ErrorKind::PermissionDenied),
        FaultKind::ShortWrite,
        FaultKind::Error(io::ErrorKind::Interrupted),
        FaultKind::Error(io::ErrorKind::TimedOut),
    ];
    let mut runs = 0;
    for strategy in STRATEGIES {
        let opts = Options::default().with_strategy(strategy);
        // Count the operations of a clean run, then fail each one in turn.
        let counting = FailingFs::new(fs.clone(), []);
        let dest = fixture.root.path().join("out-count");
        counting
            .pipeline_with(&fixture.src, &dest, &opts)
            .await
            .unwrap();
        std::fs::remove_dir_all(&dest).unwrap();
        let operations = counting.operations();
        assert!(operations >= 3 * NOTES as u64, "{operations}");

        for kind in kinds {
            for k in 1..=operations {
                let failing = FailingFs::new(fs.clone(), [Fault::any(k, kind)]);
                let dest = fixture.root.path().join(format!("out-{runs}"));
                let outcome = failing.pipeline_with(&fixture.src, &dest, &opts).await;
                let context = format!("{strategy:?} {kind:?} at operation {k}");
                assert_eq!(
                    failing.injected().len(),
                    1,
                    "{context}: the fault was not hit"
                );
                fixture.check(&dest, Some(&outcome), &context);
                let transient = matches!(
                    kind,
                    FaultKind::Error(io::ErrorKind::Interrupted | io::ErrorKind::TimedOut)
                );
                match &outcome {
                    Ok(report) if transient => {
                        assert_eq!(report.exported.len(), NOTES, "{context}: retried")
                    }
                    Ok(report) => {
                        assert!(report.skipped.len() <= 1, "{context}: one fault, one note")
                    }
                    Err(e) => {
                        assert!(!transient, "{context}: {e}");
                        assert!(
                            matches!(e, Error::List { .. } | Error::CreateDir { .. }),
                            "{context}: {e}"
                        );
                    }
                }
                let _ = std::fs::remove_dir_all(&dest);
                runs += 1;
            }
        }
    }
    eprintln!("fault runs: {runs}");
}

/// Counts blocking jobs that were started and have not finished, so a test can wait for the
/// runtime to finish the blocking work a dropped future had started.
#[derive(Clone, Debug)]
struct Tracked<R> {
    inner: R,
    running: Arc<AtomicUsize>,
}

impl<R: Runtime> Runtime for Tracked<R> {
    fn spawn_blocking<G, T>(&self, f: G) -> impl Future<Output = T> + Send + 'static + use<R, G, T>
    where
        G: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.running.fetch_add(1, Ordering::SeqCst);
        // The guard ends the job when the closure is dropped: after it ran, or unrun, since a
        // blocking job dropped before it started may be cancelled (smol's `blocking` does so).
        let done = Done(self.running.clone());
        self.inner.spawn_blocking(move || {
            let _done = done;
            f()
        })
    }
    fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send + 'static + use<R> {
        self.inner.sleep(d)
    }
}

struct Done(Arc<AtomicUsize>);

impl Drop for Done {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A store whose runtime is [`Tracked`].
#[derive(Clone, Debug)]
struct TrackedFs<F: Store> {
    inner: F,
    runtime: Tracked<F::Runtime>,
}

impl<F: Store> Store for TrackedFs<F> {
    type Runtime = Tracked<F::Runtime>;
    type Blocking = F::Blocking;
    fn runtime(&self) -> &Self::Runtime {
        &self.runtime
    }
    fn blocking(&self) -> Option<F::Blocking> {
        self.inner.blocking()
    }
    async fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.inner.list(dir).await
    }
    async fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        self.inner.read(path, limit).await
    }
    async fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.inner.create_dir_all(dir).await
    }
}

impl<F: Store> TrackedFs<F> {
    async fn settle(&self) {
        while self.runtime.running.load(Ordering::SeqCst) > 0 {
            self.runtime.inner.sleep(Duration::from_millis(1)).await;
        }
    }
}

async fn a_cancelled_pipeline_leaves_only_complete_notes<F: Store>(fs: F) {
    let fixture = Fixture::new(&fs).await;
    let fs = TrackedFs {
        runtime: Tracked {
            inner: fs.runtime().clone(),
            running: Arc::default(),
        },
        inner: fs,
    };
    let mut points = 0;
    for strategy in STRATEGIES {
        let opts = Options::default()
            .with_strategy(strategy)
            .with_write_mode(WriteMode::CreateNew);
        // Drop the future after 1, 2, 3, ... polls, until a run completes.
        for polls in 1.. {
            let dest = fixture
                .root
                .path()
                .join(format!("out-{strategy:?}-{polls}"));
            let mut run = Box::pin(fs.pipeline_with(&fixture.src, &dest, &opts));
            let mut count = 0;
            let finished = std::future::poll_fn(|cx| {
                count += 1;
                match run.as_mut().poll(cx) {
                    Poll::Ready(report) => Poll::Ready(Some(report)),
                    Poll::Pending if count >= polls => Poll::Ready(None),
                    Poll::Pending => Poll::Pending,
                }
            })
            .await;
            drop(run);
            fs.settle().await;
            let context = format!("{strategy:?} dropped after {polls} polls");
            fixture.check(&dest, finished.as_ref(), &context);
            points += 1;
            if finished.is_some() {
                break;
            }
            assert!(polls < 10_000, "{context}: never finished");
        }
        // And on a timer: drop after 0, 1, 2, ... ms.
        for ms in 0..6u64 {
            let dest = fixture.root.path().join(format!("out-{strategy:?}-t{ms}"));
            let run = Box::pin(fs.pipeline_with(&fixture.src, &dest, &opts));
            let timer = Box::pin(fs.runtime().sleep(Duration::from_millis(ms)));
            let finished = match futures_util::future::select(run, timer).await {
                futures_util::future::Either::Left((report, _)) => Some(report),
                futures_util::future::Either::Right(_) => None,
            };
            fs.settle().await;
            fixture.check(
                &dest,
                finished.as_ref(),
                &format!("{strategy:?} dropped after {ms} ms"),
            );
            points += 1;
        }
    }
    eprintln!("cancellation points: {points}");
}

on_both_runtimes!(
    every_injected_fault_loses_nothing,
    a_cancelled_pipeline_leaves_only_complete_notes
);
