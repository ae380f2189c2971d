//! What the benches share: the corpus on disk, the runtimes, the strategies compared, and the
//! `std::fs` baselines a user would write instead of this library.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use smartnotes::{Options, Report, RuntimeKind, Store, StoreExt, StoreJob, Strategy};
use smartnotes_bench_support::{baseline, corpus, results};
use smartnotes_local::StdFs;

mod executor;
pub(crate) use executor::{Executor, Flavor};

/// The seed of every bench corpus.
pub(crate) const SEED: u64 = 2026;

/// One executor per runtime of this build, multi-thread (what most tokio programs run on),
/// kept for the whole bench so no iteration pays for starting a runtime.
pub(crate) fn executors() -> Vec<Executor> {
    executors_of(Flavor::MultiThread)
}

/// One executor per runtime of this build, of the given flavour.
pub(crate) fn executors_of(flavor: Flavor) -> Vec<Executor> {
    RuntimeKind::ALL
        .iter()
        .map(|&kind| Executor::new(kind, flavor).expect("start the runtime"))
        .collect()
}

/// The number of threads of the multi-thread baseline: the cores of this machine.
#[allow(unused_imports)]
pub(crate) use smartnotes_bench_support::cores;

/// A fresh corpus of `n` notes of about 1 KiB under `base`, written once per process.
pub(crate) fn corpus_dir(base: &Path, n: usize) -> PathBuf {
    let dir = base.join(format!("corpus-{n}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove old corpus");
    }
    corpus::write_corpus(&StdFs, &dir, n, SEED).expect("write corpus");
    dir
}

/// Where disk benches keep their files: `target/bench-data` (the real disk).
pub(crate) fn disk_base() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    dir
}

/// A tmpfs base (`/dev/shm`) where the machine has one.
pub(crate) fn tmpfs_base() -> Option<PathBuf> {
    let shm = Path::new("/dev/shm");
    shm.is_dir().then(|| {
        let dir = shm.join(format!("smartnotes-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmpfs dir");
        dir
    })
}

/// Reads every note of `dir` with `strategy` on `fs`; the number of notes read.
pub(crate) async fn read_all<F: Store>(fs: &F, dir: &Path, strategy: Strategy) -> usize {
    let opts = Options::default().with_strategy(strategy);
    fs.read_notes_with(dir, &opts)
        .fold(0, |n, item| async move {
            item.expect("bench notes are valid");
            n + 1
        })
        .await
}

/// The full pipeline from `src` to `dest` with `strategy`.
pub(crate) async fn export_all<F: Store>(
    fs: &F,
    src: &Path,
    dest: &Path,
    strategy: Strategy,
) -> Report {
    let opts = Options::default().with_strategy(strategy);
    let report = fs.pipeline_with(src, dest, &opts).await.expect("pipeline");
    assert!(report.is_complete());
    report
}

/// Baseline: a `std::fs` loop on `threads` threads reading and parsing each note of `dir`
/// ([`baseline::std_read`]).
pub(crate) fn std_read(dir: &Path, threads: usize) -> usize {
    baseline::std_read(&baseline::note_paths(dir).expect("list"), threads)
}

/// Baseline pipeline ([`baseline::std_pipeline`]).
pub(crate) fn std_pipeline(src: &Path, dest: &Path, threads: usize) -> usize {
    let paths = baseline::note_paths(src).expect("list");
    baseline::std_pipeline(&paths, dest, threads).expect("baseline pipeline")
}

/// Reads every note of `dir` with `strategy` on the executor's runtime.
pub(crate) fn read_on(executor: &Executor, dir: &Path, strategy: Strategy) -> usize {
    struct ReadAll<'a>(&'a Path, Strategy);
    impl StoreJob for ReadAll<'_> {
        type Output = usize;
        async fn run<S: Store>(self, store: S) -> usize {
            read_all(&store, self.0, self.1).await
        }
    }
    executor.block_on(ReadAll(dir, strategy))
}

/// The full pipeline on the executor's runtime; the number of notes exported.
pub(crate) fn export_on(executor: &Executor, src: &Path, dest: &Path, strategy: Strategy) -> usize {
    export_counts(executor, src, dest, strategy).0
}

/// Exports `src` to `dest` on `executor`: how many notes were (exported, unchanged).
pub(crate) fn export_counts(
    executor: &Executor,
    src: &Path,
    dest: &Path,
    strategy: Strategy,
) -> (usize, usize) {
    struct ExportAll<'a>(&'a Path, &'a Path, Strategy);
    impl StoreJob for ExportAll<'_> {
        type Output = (usize, usize);
        async fn run<S: Store>(self, store: S) -> (usize, usize) {
            let report = export_all(&store, self.0, self.1, self.2).await;
            (report.exported.len(), report.unchanged.len())
        }
    }
    executor.block_on(ExportAll(src, dest, strategy))
}

/// Whether this is a quick run (`SMARTNOTES_BENCH_QUICK=1`, set by `cargo xtask bench
/// --quick`): fewer cases and smaller inputs, for a report in minutes rather than the better part
/// of an hour.
pub(crate) fn quick() -> bool {
    std::env::var_os("SMARTNOTES_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The strategies of this run, with their labels: all of [`results::STRATEGIES`], or in a
/// quick run the two per-file ones and the presets, blocking and io_uring (`uring-32x8` is
/// `Strategy::responsive()` and `uring-256x4` `Strategy::default()` on 2 cores with io_uring).
pub(crate) fn strategies() -> Vec<(String, Strategy)> {
    results::STRATEGIES
        .into_iter()
        .map(|s| (results::label(s), s))
        .filter(|(label, _)| {
            !quick()
                || matches!(
                    label.as_str(),
                    "sequential"
                        | "concurrent-64"
                        | "blocking-32x2"
                        | "blocking-256x4"
                        | "uring-32x8"
                        | "uring-256x4"
                )
        })
        .collect()
}

/// Writes a harness's results as `NAME.json` into `$SMARTNOTES_BENCH_OUT` when it is set (by
/// `cargo xtask bench`, which builds its report from them).
pub(crate) fn write_results(name: &str, value: &impl serde::Serialize) {
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
pub(crate) fn criterion_mean(group: &str, id: &str) -> Option<f64> {
    let path = criterion_home()
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json["mean"]["point_estimate"].as_f64().map(|ns| ns / 1e9)
}

/// The `smartnotes` binary, built in release mode for a bench that runs it as a process.
pub(crate) fn cli_binary() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--release", "--quiet", "-p", "smartnotes-cli"])
        .status()
        .expect("run cargo build");
    assert!(status.success(), "building the CLI failed");
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("release/smartnotes")
}

/// Notes per folder of the large vaults.
pub(crate) const FOLDER: usize = 1_000;

/// A vault of `n` notes in folders of [`FOLDER`] (as `corpus::sample_note`s), written once (two writer threads) and
/// marked complete.
pub(crate) fn vault(base: &Path, n: usize) -> PathBuf {
    vault_of(&base.join(format!("vault-{n}")), n, FOLDER)
}

/// The vault at `dir`: `n` notes (as `corpus::sample_note`s) in folders `f0000`, `f0001`, ...
/// of `per_folder` each (one folder, `f0000`, when `per_folder >= n`), written once (two
/// writer threads) and marked complete.
pub(crate) fn vault_of(dir: &Path, n: usize, per_folder: usize) -> PathBuf {
    let (dir, per_folder) = (dir.to_path_buf(), per_folder.max(1));
    let done = dir.join(".complete");
    // Complete, and in this layout (a vault kept from an older layout is written again).
    if done.exists() && dir.join("f0000").is_dir() {
        return dir;
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove a partial vault");
    }
    eprintln!("writing {n} notes into {} ...", dir.display());
    let folders = n.div_ceil(per_folder);
    std::thread::scope(|s| {
        for part in 0..2 {
            let dir = &dir;
            s.spawn(move || {
                for f in (part..folders).step_by(2) {
                    let folder = dir.join(format!("f{f:04}"));
                    std::fs::create_dir_all(&folder).expect("vault folder");
                    for i in f * per_folder..((f + 1) * per_folder).min(n) {
                        let (name, text) = corpus::sample_note(i, SEED, 900);
                        std::fs::write(folder.join(name), text).expect("write note");
                    }
                }
            });
        }
    });
    std::fs::write(&done, b"").expect("mark the vault complete");
    dir
}

/// GNU time, for the peak resident memory of a process.
const TIME: &str = "/usr/bin/time";

/// `Ok` when [`peak`] can measure here, else why not.
pub(crate) fn peak_measurable() -> Result<(), String> {
    if Path::new(TIME).exists() {
        Ok(())
    } else {
        Err(format!(
            "{TIME} (GNU time) is not installed: `apt-get install time`"
        ))
    }
}

/// Runs `command` under `/usr/bin/time` and checks it succeeded: its output, its peak
/// resident memory (MiB) and its wall time (seconds).
pub(crate) fn peak(command: &std::process::Command) -> (std::process::Output, f64, f64) {
    let start = std::time::Instant::now();
    let out = std::process::Command::new(TIME)
        .args(["-f", "peak-kib %M"])
        .arg(command.get_program())
        .args(command.get_args())
        .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .output()
        .expect("run a command under /usr/bin/time");
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{command:?} failed: {stderr}");
    let kib: f64 = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("peak-kib "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak in {stderr}"));
    (out, kib / 1024.0, seconds)
}

/// The async peers a user would pick instead of the library, each in its natural style: list
/// the folder with the runtime's `read_dir` (by each entry's own type), then read each note
/// with the runtime's `read_to_string`, 64 at a time, and parse it where it lands. Bench code.
pub(crate) mod peers {
    use std::path::{Path, PathBuf};
    use std::sync::OnceLock;

    use futures_util::stream::{self, StreamExt};
    use smartnotes::Note;

    /// Reads in flight at once.
    pub(crate) const LIMIT: usize = 64;

    fn is_note(path: &Path) -> bool {
        path.extension().is_some_and(|e| e == "md")
    }

    fn parse(text: Option<String>) -> bool {
        std::hint::black_box(text.and_then(|t| Note::parse(&t).ok())).is_some()
    }

    /// `tokio::fs` on tokio's multi-thread runtime (what `#[tokio::main]` builds).
    pub(crate) fn tokio_fs(dir: &Path) -> usize {
        static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
        let runtime = RUNTIME.get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("tokio")
        });
        runtime.block_on(async {
            let mut listing = tokio::fs::read_dir(dir).await.expect("list");
            let mut paths: Vec<PathBuf> = Vec::new();
            while let Some(entry) = listing.next_entry().await.expect("list") {
                let path = entry.path();
                if is_note(&path) && entry.file_type().await.is_ok_and(|t| t.is_file()) {
                    paths.push(path);
                }
            }
            paths.sort();
            stream::iter(paths)
                .map(|path| async move { parse(tokio::fs::read_to_string(path).await.ok()) })
                .buffer_unordered(LIMIT)
                .filter(|&note| std::future::ready(note))
                .count()
                .await
        })
    }

    /// `compio::fs::read` on compio's runtime (io_uring; one thread, the runtime its
    /// `block_on` runs), 64 reads in flight; listed with `std::fs`, as compio's examples do.
    #[cfg(target_os = "linux")]
    pub(crate) fn compio_fs(dir: &Path) -> usize {
        thread_local! {
            static RUNTIME: compio::runtime::Runtime =
                compio::runtime::Runtime::new().expect("compio");
        }
        let mut paths: Vec<PathBuf> = Vec::new();
        for entry in std::fs::read_dir(dir).expect("list") {
            let entry = entry.expect("list");
            let path = entry.path();
            if is_note(&path) && entry.file_type().is_ok_and(|t| t.is_file()) {
                paths.push(path);
            }
        }
        paths.sort();
        RUNTIME.with(|runtime| {
            runtime.block_on(async {
                stream::iter(paths)
                    .map(|path| async move {
                        let bytes = compio::fs::read(path).await.ok();
                        parse(bytes.and_then(|b| String::from_utf8(b).ok()))
                    })
                    .buffer_unordered(LIMIT)
                    .filter(|&note| std::future::ready(note))
                    .count()
                    .await
            })
        })
    }

    /// `async-fs` (smol's file system crate, on `blocking`'s pool) under `smol`'s `block_on`.
    pub(crate) fn async_fs(dir: &Path) -> usize {
        smartnotes::smol::block_on(async {
            let mut listing = async_fs::read_dir(dir).await.expect("list");
            let mut paths: Vec<PathBuf> = Vec::new();
            while let Some(entry) = listing.next().await {
                let entry = entry.expect("list");
                let path = entry.path();
                if is_note(&path) && entry.file_type().await.is_ok_and(|t| t.is_file()) {
                    paths.push(path);
                }
            }
            paths.sort();
            stream::iter(paths)
                .map(|path| async move { parse(async_fs::read_to_string(path).await.ok()) })
                .buffer_unordered(LIMIT)
                .filter(|&note| std::future::ready(note))
                .count()
                .await
        })
    }
}

/// The lean limit ([`baseline::lean_read`]).
pub(crate) fn lean_read(dir: &Path, threads: usize) -> usize {
    baseline::lean_read(dir, threads).expect("lean read")
}
