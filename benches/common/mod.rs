//! What the benches share: the corpus on disk, the runtimes, the strategies compared, and the
//! `std::fs` baselines a user would write instead of this library.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use smartnotes::io::{baseline, corpus};
use smartnotes::{Fs, Options, Report, StdFs, Strategy, pipeline_with, read_notes_with};

/// The seed of every bench corpus.
pub const SEED: u64 = 2026;

/// The strategies the disk and lag benches compare, with their labels.
pub const STRATEGIES: [(&str, Strategy); 7] = [
    ("sequential", Strategy::Sequential),
    ("concurrent-64", Strategy::Concurrent { limit: 64 }),
    (
        "blocking-16x2",
        Strategy::Blocking {
            batch: 16,
            in_flight: 2,
        },
    ),
    (
        "blocking-32x2",
        Strategy::Blocking {
            batch: 32,
            in_flight: 2,
        },
    ),
    (
        "blocking-64x2",
        Strategy::Blocking {
            batch: 64,
            in_flight: 2,
        },
    ),
    (
        "blocking-64x4",
        Strategy::Blocking {
            batch: 64,
            in_flight: 4,
        },
    ),
    (
        "blocking-256x4",
        Strategy::Blocking {
            batch: 256,
            in_flight: 4,
        },
    ),
];

/// The runtimes benched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rt {
    Tokio,
    Smol,
}

impl Rt {
    pub const ALL: [Rt; 2] = [Rt::Tokio, Rt::Smol];

    pub fn name(self) -> &'static str {
        match self {
            Rt::Tokio => "tokio",
            Rt::Smol => "smol",
        }
    }
}

/// A multi-thread tokio runtime with one worker per core (what `#[tokio::main]` builds).
pub fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The number of threads of the multi-thread baseline: the cores of this machine.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// A fresh corpus of `n` notes of about 1 KiB under `base`, written once per process.
pub fn corpus_dir(base: &Path, n: usize) -> PathBuf {
    let dir = base.join(format!("corpus-{n}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove old corpus");
    }
    corpus::write_corpus(&StdFs, &dir, n, SEED).expect("write corpus");
    dir
}

/// Where disk benches keep their files: `target/bench-data` (the real disk).
pub fn disk_base() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    dir
}

/// A tmpfs base (`/dev/shm`) where the machine has one.
pub fn tmpfs_base() -> Option<PathBuf> {
    let shm = Path::new("/dev/shm");
    shm.is_dir().then(|| {
        let dir = shm.join(format!("smartnotes-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmpfs dir");
        dir
    })
}

/// Reads every note of `dir` with `strategy` on `fs`; the number of notes read.
pub async fn read_all<F: Fs>(fs: &F, dir: &Path, strategy: Strategy) -> usize {
    let opts = Options::default().strategy(strategy);
    read_notes_with(fs, dir, &opts)
        .fold(0, |n, item| async move {
            item.expect("bench notes are valid");
            n + 1
        })
        .await
}

/// The full pipeline from `src` to `dest` with `strategy`.
pub async fn export_all<F: Fs>(fs: &F, src: &Path, dest: &Path, strategy: Strategy) -> Report {
    let opts = Options::default().strategy(strategy);
    let report = pipeline_with(fs, src, dest, &opts).await.expect("pipeline");
    assert!(report.is_complete());
    report
}

/// Runs `future` on `rt` (a multi-thread tokio runtime, or `async_io::block_on` for smol).
pub fn run<T>(rt: Rt, tokio: &tokio::runtime::Runtime, future: impl Future<Output = T>) -> T {
    match rt {
        Rt::Tokio => tokio.block_on(future),
        Rt::Smol => smartnotes::smol::block_on(future),
    }
}

/// Baseline: a `std::fs` loop on `threads` threads reading and parsing each note of `dir`
/// ([`baseline::std_read`]).
pub fn std_read(dir: &Path, threads: usize) -> usize {
    baseline::std_read(&baseline::note_paths(dir).expect("list"), threads)
}

/// Baseline pipeline ([`baseline::std_pipeline`]).
pub fn std_pipeline(src: &Path, dest: &Path, threads: usize) -> usize {
    let paths = baseline::note_paths(src).expect("list");
    baseline::std_pipeline(&paths, dest, threads).expect("baseline pipeline")
}

/// Reads every note of `dir` with `strategy` on runtime `rt`'s own store.
pub fn read_on(rt: Rt, tokio: &tokio::runtime::Runtime, dir: &Path, strategy: Strategy) -> usize {
    match rt {
        Rt::Tokio => tokio.block_on(read_all(&smartnotes::tokio::fs(), dir, strategy)),
        Rt::Smol => smartnotes::smol::block_on(read_all(&smartnotes::smol::fs(), dir, strategy)),
    }
}

/// The full pipeline on runtime `rt`'s own store.
pub fn export_on(
    rt: Rt,
    tokio: &tokio::runtime::Runtime,
    src: &Path,
    dest: &Path,
    strategy: Strategy,
) -> usize {
    let report = match rt {
        Rt::Tokio => tokio.block_on(export_all(&smartnotes::tokio::fs(), src, dest, strategy)),
        Rt::Smol => {
            smartnotes::smol::block_on(export_all(&smartnotes::smol::fs(), src, dest, strategy))
        }
    };
    report.exported.len()
}

/// A directory removed when dropped: benches return it from the timed routine so that the
/// removal happens outside the measurement.
pub struct Scratch(pub PathBuf);

impl Scratch {
    /// A new, not yet existing, directory path under `base`.
    pub fn new(base: &Path) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        Scratch(base.join(format!("out-{}", N.fetch_add(1, Ordering::Relaxed))))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether this is a quick run (`SMARTNOTES_BENCH_QUICK=1`, set by `cargo xtask bench
/// --quick`): fewer cases and smaller inputs, for a report in minutes rather than the better part
/// of an hour.
pub fn quick() -> bool {
    std::env::var_os("SMARTNOTES_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The strategies of this run: all of [`STRATEGIES`], or in a quick run the two per-file ones
/// and the two presets (`blocking-32x2` is `Strategy::responsive()` and `blocking-256x4`
/// `Strategy::default()` on 2 cores).
pub fn strategies() -> Vec<(&'static str, Strategy)> {
    STRATEGIES
        .into_iter()
        .filter(|(label, _)| {
            !quick()
                || matches!(
                    *label,
                    "sequential" | "concurrent-64" | "blocking-32x2" | "blocking-256x4"
                )
        })
        .collect()
}

/// Writes a harness's results as `NAME.json` into `$SMARTNOTES_BENCH_OUT` when it is set (by
/// `cargo xtask bench`, which builds its report from them).
pub fn write_results(name: &str, value: &serde_json::Value) {
    if let Some(dir) = std::env::var_os("SMARTNOTES_BENCH_OUT") {
        let path = PathBuf::from(dir).join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(value).expect("json");
        std::fs::write(&path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

/// Criterion's output directory: `$CRITERION_HOME` (which criterion itself honours), else
/// `target/criterion`.
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("criterion")
}

/// The mean time of a criterion benchmark in seconds, from its saved estimates.
pub fn criterion_mean(group: &str, id: &str) -> Option<f64> {
    let path = criterion_home()
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json["mean"]["point_estimate"].as_f64().map(|ns| ns / 1e9)
}
