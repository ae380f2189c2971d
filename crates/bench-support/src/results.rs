//! The typed results the benches write (`NAME.json` in `$SMARTNOTES_BENCH_OUT`) and
//! `cargo xtask bench` reads back to build its report: one schema, shared, so nothing is
//! parsed out of an id or a label. Also the strategies the benches compare, with their labels,
//! in the order the report lists them.

use serde::{Deserialize, Serialize};

use smartnotes_io::Strategy;

pub use smartnotes_measure::lag::Lateness;
use smartnotes_measure::stats::{Interval, mean, mean_interval};

/// The strategies the disk and lag benches compare, in the report's order: the two per-file
/// ones, then batched blocking work from small batches to large, then the same batches with
/// io_uring reads.
pub const STRATEGIES: [Strategy; 10] = [
    Strategy::Sequential,
    Strategy::Concurrent { limit: 64 },
    Strategy::Blocking {
        batch: 16,
        in_flight: 2,
    },
    Strategy::Blocking {
        batch: 32,
        in_flight: 2,
    },
    Strategy::Blocking {
        batch: 64,
        in_flight: 2,
    },
    Strategy::Blocking {
        batch: 64,
        in_flight: 4,
    },
    Strategy::Blocking {
        batch: 256,
        in_flight: 4,
    },
    Strategy::Uring {
        batch: 16,
        in_flight: 2,
    },
    Strategy::Uring {
        batch: 32,
        in_flight: 8,
    },
    Strategy::Uring {
        batch: 256,
        in_flight: 4,
    },
];

/// The short label of a strategy in bench ids and tables: `sequential`, `concurrent-64`,
/// `blocking-256x4`.
///
/// # Examples
/// ```
/// use smartnotes_io::Strategy;
/// use smartnotes_bench_support::results::label;
/// assert_eq!(label(Strategy::Blocking { batch: 256, in_flight: 4 }), "blocking-256x4");
/// assert_eq!(label(Strategy::Concurrent { limit: 64 }), "concurrent-64");
/// ```
#[must_use]
pub fn label(strategy: Strategy) -> String {
    match strategy {
        Strategy::Sequential => "sequential".into(),
        Strategy::Concurrent { limit } => format!("concurrent-{limit}"),
        Strategy::Blocking { batch, in_flight } => format!("blocking-{batch}x{in_flight}"),
        Strategy::Uring { batch, in_flight } => format!("uring-{batch}x{in_flight}"),
        // `Strategy` is non-exhaustive: a later one by its report name.
        other => other.to_string(),
    }
}

/// Where a strategy label sits in [`STRATEGIES`] (its rank in a report), if it is one of them.
///
/// # Examples
/// ```
/// use smartnotes_bench_support::results::rank;
/// assert_eq!(rank("sequential"), Some(0));
/// assert_eq!(rank("blocking-1x1"), None);
/// ```
#[must_use]
pub fn rank(strategy_label: &str) -> Option<usize> {
    STRATEGIES.iter().position(|&s| label(s) == strategy_label)
}

/// `disk.json`: reading and exporting a corpus, every case of a group timed once per
/// repetition, in rotating order, so that the per-repetition ratios to the group's baseline
/// cancel any change of the machine's load.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct DiskBench {
    /// Repetitions per group.
    pub reps: usize,
    /// Every group of the run.
    pub groups: Vec<RatioGroup>,
}

/// One group of interleaved cases over the same notes: `disk-read-10000`, `tmpfs-pipeline-1000`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct RatioGroup {
    /// The group's name: `{medium}-{read|pipeline}-{notes}`.
    pub name: String,
    /// What each case does to the notes.
    pub work: Work,
    /// Where the files are: `disk` (the page cache of the real disk) or `tmpfs`.
    pub medium: String,
    /// Notes per case run.
    pub notes: usize,
    /// The id of the case the ratios are taken against (the multi-thread `std::fs` loop).
    pub baseline: String,
    /// Every case, in the report's order.
    pub cases: Vec<RatioCase>,
}

/// What a case of a [`RatioGroup`] does.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// List, read and parse every note.
    Read,
    /// List, read, parse, name and write every note (atomically, for the library).
    Pipeline,
}

/// One case of a [`RatioGroup`] and its time in each repetition.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct RatioCase {
    /// `std-2-threads`, `tokio-blocking-256x4`, ...
    pub id: String,
    /// The runtime's name, for a library case.
    pub runtime: Option<String>,
    /// The strategy's label ([`label`]), for a library case.
    pub strategy: Option<String>,
    /// Seconds per run, one per repetition, in repetition order.
    pub seconds: Vec<f64>,
}

/// `latency.json`: the latency bench's cases, timed by criterion.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct LatencyBench {
    /// The store's wait per operation, seconds.
    pub wait_s: f64,
    /// Every case of the run.
    pub cases: Vec<LatencyCase>,
}

/// One latency case: criterion id `id` in group `latency`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct LatencyCase {
    /// The criterion benchmark id.
    pub id: String,
    /// The runtime's name.
    pub runtime: String,
    /// Notes exported.
    pub notes: usize,
    /// The case's strategy label (`sequential`, `concurrent`, `concurrent-1000`, ...).
    pub strategy: String,
    /// The time if the store's waits were all that cost: rounds x wait, seconds.
    pub ideal_s: f64,
}

/// `lag.json`: the heartbeat's lateness while reading, per runtime and workload.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct LagBench {
    /// Notes read per repetition.
    pub notes: usize,
    /// Repetitions, interleaved (in each run, when [`runs`](Self::runs) is more than one).
    pub reps: usize,
    /// Separate runs of the bench these figures merge ([`LagBench::merged`]); 1 for one run.
    #[serde(default = "one")]
    pub runs: usize,
    /// Threads of the `std::fs` baseline.
    pub threads: usize,
    /// The baseline's read rate, notes per second (mean over the repetitions).
    pub baseline_notes_per_s: f64,
    /// One row per runtime and workload.
    pub rows: Vec<LagRow>,
}

fn one() -> usize {
    1
}

impl LagBench {
    /// Several runs of the lag bench, taken apart in time, as one table: each figure is the
    /// mean of the runs' figures, and a share's 95% interval is Student's t over the runs'
    /// shares ([`stats::mean_interval`](smartnotes_measure::stats::mean_interval)), not over
    /// the repetitions. The machine's state moves the library's rate in stretches longer than
    /// a repetition, so one run's repetitions are not independent draws and its interval
    /// leaves out the spread from run to run; runs apart in time are nearer to independent.
    /// Beside it, where one more run's share lands ([`LagRow::run_interval`]): the mean plus or
    /// minus `t_975(runs - 1)` times the runs' standard deviation times `sqrt(1 + 1 / runs)`
    /// (95 times in 100 while the machine keeps the spread these runs saw).
    /// Lateness: the runs' mean `p50`, `p99` and p99 over idle, and the worst `max`.
    /// One run comes back as it is.
    ///
    /// # Errors
    /// If `runs` is empty, holds an already merged table, or the runs differ in notes,
    /// repetitions, threads or rows (a row's runtime, workload, or which figures it has); each
    /// error names the run and the difference.
    pub fn merged(runs: &[LagBench]) -> Result<LagBench, String> {
        let (first, rest) = runs.split_first().ok_or("no lag runs to merge")?;
        if rest.is_empty() {
            return Ok(first.clone());
        }
        if let Some(i) = runs.iter().position(|run| run.runs != 1) {
            return Err(format!("lag run {} is already a merged table", i + 1));
        }
        for (i, run) in runs.iter().enumerate() {
            let what = if run.notes != first.notes {
                "notes"
            } else if run.reps != first.reps {
                "repetitions"
            } else if run.threads != first.threads {
                "threads"
            } else if run.rows.len() != first.rows.len()
                || run.rows.iter().zip(&first.rows).any(|(a, b)| {
                    (&a.runtime, &a.workload, a.idle) != (&b.runtime, &b.workload, b.idle)
                        || a.share_of_baseline.is_some() != b.share_of_baseline.is_some()
                        || a.notes_per_s.is_some() != b.notes_per_s.is_some()
                })
            {
                "rows"
            } else {
                continue;
            };
            return Err(format!(
                "lag run {} differs from run 1 in its {what}: not one bench to merge",
                i + 1
            ));
        }
        // A prediction interval: one more run differs from the runs' mean by its own spread and
        // by the mean's, t·sd·sqrt(1 + 1/k), which is the mean's half-width t·sd/sqrt(k) times
        // sqrt(k + 1).
        let widen = (runs.len() as f64 + 1.0).sqrt();
        let one_run = |s: Interval| {
            let half = (s.high - s.estimate) * widen;
            ((s.estimate - half).max(0.0), s.estimate + half)
        };
        let rows = (0..first.rows.len())
            .map(|i| {
                let all: Vec<&LagRow> = runs.iter().map(|run| &run.rows[i]).collect();
                let values = |f: fn(&LagRow) -> Option<f64>| -> Option<Vec<f64>> {
                    all.iter().map(|r| f(r)).collect()
                };
                let late = |f: fn(&Lateness) -> f64| {
                    mean(&all.iter().map(|r| f(&r.lateness)).collect::<Vec<_>>())
                };
                let share = values(|r| r.share_of_baseline).map(|s| mean_interval(&s));
                LagRow {
                    notes_per_s: values(|r| r.notes_per_s).map(|rates| mean(&rates)),
                    share_of_baseline: share.map(|s| s.estimate),
                    share_interval: share.map(|s| (s.low, s.high)),
                    run_interval: share.map(one_run),
                    lateness: Lateness {
                        p50_ms: late(|l| l.p50_ms),
                        p99_ms: late(|l| l.p99_ms),
                        max_ms: all.iter().map(|r| r.lateness.max_ms).fold(0.0, f64::max),
                        p99_over_idle_ms: late(|l| l.p99_over_idle_ms),
                    },
                    ..all[0].clone()
                }
            })
            .collect();
        let baseline: Vec<f64> = runs.iter().map(|r| r.baseline_notes_per_s).collect();
        Ok(LagBench {
            notes: first.notes,
            reps: first.reps,
            runs: runs.len(),
            threads: first.threads,
            baseline_notes_per_s: mean(&baseline),
            rows,
        })
    }
}

/// One workload of the lag bench on one runtime.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct LagRow {
    /// The runtime, as the table shows it.
    pub runtime: String,
    /// The workload: a strategy label, the idle floor, or the anti-pattern.
    pub workload: String,
    /// Whether this is the idle floor (the heartbeat alone).
    pub idle: bool,
    /// Whether this is `std::fs` called inside the async task.
    #[serde(default)]
    pub anti_pattern: bool,
    /// Read rate, notes per second (none for the idle floor).
    pub notes_per_s: Option<f64>,
    /// The read rate over the baseline's: the mean of the per-repetition ratios.
    pub share_of_baseline: Option<f64>,
    /// Its 95% interval (low, high); absent in results written before it was measured.
    #[serde(default)]
    pub share_interval: Option<(f64, f64)>,
    /// Where the share of one run (of [`LagBench::reps`] repetitions, as a run of `compare`
    /// takes) lands, 95 times in 100: a prediction interval from the spread between the runs
    /// of a merged table ([`LagBench::merged`]); `None` for a single run.
    #[serde(default)]
    pub run_interval: Option<(f64, f64)>,
    /// How late the heartbeat woke.
    #[serde(flatten)]
    pub lateness: Lateness,
}

/// `scan.json`: the log scan's throughput, lateness and memory.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ScanBench {
    /// The log's size, MiB.
    pub mib: u64,
    /// The log's size, bytes.
    pub bytes: u64,
    /// Lines with the pattern in it.
    pub matching_lines: u64,
    /// Repetitions, interleaved.
    pub reps: usize,
    /// The plain `std` read + `memmem` loop, GB/s (median).
    pub std_gbps: f64,
    /// Threads of the multi-thread `std` loop (the machine's cores).
    #[serde(default)]
    pub threads: usize,
    /// The same loop on `threads` threads, each over its range of the file, GB/s (median).
    #[serde(default)]
    pub std_threads_gbps: f64,
    /// `rg -c` on the same file, GB/s (median), when ripgrep is installed.
    #[serde(default)]
    pub rg_gbps: Option<f64>,
    /// Why `rg` was not measured.
    #[serde(default)]
    pub rg_note: Option<String>,
    /// `smartnotes scan FILE` as a user runs it (a real process, start-up included, its
    /// default runtime), GB/s (median).
    #[serde(default)]
    pub cli_gbps: Option<f64>,
    /// The process' share of the loop on every core, timed side by side in each repetition:
    /// the mean of the per-repetition ratios, with its 95% interval. Absent in results written
    /// before it was measured.
    #[serde(default)]
    pub cli_share: Option<Share>,
    /// One row per runtime and workload.
    pub rows: Vec<ScanRow>,
    /// Peak resident memory of the process.
    pub rss_mib: Rss,
}

/// A share (a ratio of two rates measured side by side), with its 95% interval.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// The mean of the per-repetition ratios.
    pub estimate: f64,
    /// The interval's low end.
    pub low: f64,
    /// The interval's high end.
    pub high: f64,
}

/// One workload of the scan bench on one runtime.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ScanRow {
    /// The runtime's name.
    pub runtime: String,
    /// The workload: `idle (floor)`, `count_matching`, ...
    pub workload: String,
    /// Whether this is the idle floor.
    pub idle: bool,
    /// Throughput, GB/s (none for the idle floor).
    pub gbps: Option<f64>,
    /// Throughput over the plain `std` loop's.
    pub share_of_std: Option<f64>,
    /// How late the heartbeat woke.
    #[serde(flatten)]
    pub lateness: Lateness,
}

/// Peak resident memory of the scan bench, MiB.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub struct Rss {
    /// Before any scan.
    pub start: f64,
    /// After scanning a 64 MiB log.
    pub after_small: f64,
    /// After scanning the large log.
    pub after_big: f64,
}

/// `memory.json`: the peak resident memory of `smartnotes export` (a real process) by the
/// number of notes, text and JSON output, on both runtimes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MemoryBench {
    /// How the vaults are laid out (folders of how many notes), and where they live.
    pub layout: String,
    /// One row per size, runtime and output.
    pub rows: Vec<MemoryRow>,
    /// Why the bench measured nothing, if it did not (no `/usr/bin/time`).
    pub skipped: Option<String>,
}

/// One export of the memory bench.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MemoryRow {
    /// Notes in the vault.
    pub notes: usize,
    /// How the vault is laid out: `folders` (of 1,000 notes) or `flat` (every note in one
    /// folder).
    #[serde(default = "folders")]
    pub layout: String,
    /// The runtime's name.
    pub runtime: String,
    /// Whether the export wrote its `--json` document.
    pub json: bool,
    /// Peak resident memory of the process, MiB (`/usr/bin/time`'s maximum resident set).
    pub peak_mib: f64,
    /// Wall time, seconds.
    pub seconds: f64,
    /// Notes the export reported exported (checked equal to `notes`).
    pub exported: usize,
}

/// `object_store.json`: exports to a real S3 server on 127.0.0.1 (s3s-fs) that waits a fixed
/// delay before answering each request, through object_store's S3 client, on both runtimes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ObjectStoreBench {
    /// The server's delay per request, seconds.
    pub delay_s: f64,
    /// One request's service time without the delay (a sequential `PUT`, median), seconds.
    pub service_s: f64,
    /// One row per runtime and case.
    pub rows: Vec<ObjectStoreRow>,
    /// Peak memory of `smartnotes export s3://... DEST` by the number of notes.
    pub memory: Vec<MemoryRow>,
}

impl ObjectStoreBench {
    /// A case's ideal time: ceil(notes / limit) request delays plus one request's service
    /// time, seconds.
    #[must_use]
    pub fn ideal(&self, row: &ObjectStoreRow) -> f64 {
        row.notes.div_ceil(row.limit.max(1)) as f64 * self.delay_s + self.service_s
    }
}

/// One export case of the object-store bench.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ObjectStoreRow {
    /// The runtime's name.
    pub runtime: String,
    /// Notes exported.
    pub notes: usize,
    /// `sequential`, or `concurrent-N` (N requests in flight).
    pub strategy: String,
    /// Requests in flight at most (1 for sequential).
    pub limit: usize,
    /// Seconds per export, one per repetition, in repetition order.
    pub seconds: Vec<f64>,
}

/// `syscalls.json`: system calls per note of the real binary under `strace -f -c`, reading
/// (`tags`) and exporting, per strategy.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SyscallBench {
    /// Notes of the two runs whose difference is divided (`small`, `large`).
    pub notes: (usize, usize),
    /// Whether `Strategy::Uring` read through io_uring in this run, or why not.
    pub uring: String,
    /// One row per command and strategy.
    pub rows: Vec<SyscallRow>,
    /// Why nothing was counted (no strace), if so.
    pub skipped: Option<String>,
}

/// The calls per note of one command with one strategy.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct SyscallRow {
    /// `read` (`smartnotes tags`) or `export`.
    pub command: String,
    /// The strategy's label (`blocking-256x4`, `uring-256x4`).
    pub strategy: String,
    /// File system calls per note (open, read, write, link, stat, close, ...; `io_uring_enter`
    /// included), the large run's count minus the small one's over the notes between them.
    pub per_note: f64,
    /// Each counted call per note, by name.
    pub calls: Vec<(String, f64)>,
}

/// The layout of the memory bench's vaults before it had a flat one.
fn folders() -> String {
    "folders".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(shares: [f64; 2], p99_over_idle: f64, max: f64) -> LagBench {
        let row = |workload: &str, share: Option<f64>| LagRow {
            runtime: "tokio (one thread)".into(),
            workload: workload.into(),
            idle: share.is_none(),
            anti_pattern: false,
            notes_per_s: share.map(|s| s * 1000.0),
            share_of_baseline: share,
            share_interval: share.map(|s| (s - 0.01, s + 0.01)),
            run_interval: None,
            lateness: Lateness {
                p50_ms: 1.0,
                p99_ms: 1.0 + p99_over_idle,
                max_ms: max,
                p99_over_idle_ms: p99_over_idle,
            },
        };
        LagBench {
            notes: 100,
            reps: 8,
            runs: 1,
            threads: 2,
            baseline_notes_per_s: 1000.0,
            rows: vec![
                row("idle (floor)", None),
                row("a", Some(shares[0])),
                row("b", Some(shares[1])),
            ],
        }
    }

    #[test]
    fn merged_runs_take_their_interval_from_the_spread_between_runs() {
        let runs = [
            run([1.20, 0.90], 0.2, 3.0),
            run([1.40, 0.91], 0.4, 9.0),
            run([1.30, 0.92], 0.3, 5.0),
        ];
        let merged = LagBench::merged(&runs).unwrap();
        assert_eq!((merged.runs, merged.reps, merged.rows.len()), (3, 8, 3));
        let a = &merged.rows[1];
        assert!((a.share_of_baseline.unwrap() - 1.30).abs() < 1e-12);
        // Standard error 0.1 / sqrt(3), t(2) = 4.303: far wider than any one run's +-0.01.
        let (low, high) = a.share_interval.unwrap();
        assert!(
            (high - 1.30 - 4.303 * 0.1 / 3f64.sqrt()).abs() < 1e-3,
            "{high}"
        );
        assert!((1.30 - low - (high - 1.30)).abs() < 1e-12);
        // One more run: the runs' spread (0.1) itself, and the mean's, so wider still.
        let (run_low, run_high) = a.run_interval.unwrap();
        let half = 4.303 * 0.1 * (1.0 + 1.0 / 3.0f64).sqrt();
        assert!((run_high - 1.30 - half).abs() < 1e-3 && (1.30 - run_low - half).abs() < 1e-3);
        assert!(run_high > high && run_low < low);
        assert!((a.notes_per_s.unwrap() - 1300.0).abs() < 1e-9);
        assert!((a.lateness.p99_over_idle_ms - 0.3).abs() < 1e-12);
        assert_eq!(a.lateness.max_ms, 9.0);
        let idle = &merged.rows[0];
        assert_eq!(
            (
                idle.share_of_baseline,
                idle.share_interval,
                idle.run_interval
            ),
            (None, None, None)
        );
        // A narrow spread between runs gives a narrow interval.
        let (low, high) = merged.rows[2].share_interval.unwrap();
        assert!(high - low < 0.06 && low > 0.88, "{low} {high}");
    }

    #[test]
    fn one_run_merges_to_itself_and_unlike_runs_do_not_merge() {
        let single = run([1.2, 0.9], 0.2, 3.0);
        assert_eq!(
            LagBench::merged(std::slice::from_ref(&single)).unwrap(),
            single
        );
        assert!(LagBench::merged(&[]).is_err());
        let mut other = run([1.2, 0.9], 0.2, 3.0);
        other.rows[2].workload = "c".into();
        let err = LagBench::merged(&[single.clone(), other]).unwrap_err();
        assert!(err.contains("run 2") && err.contains("rows"), "{err}");
        let mut without = single.clone();
        without.rows[1].share_of_baseline = None;
        let err = LagBench::merged(&[single.clone(), without]).unwrap_err();
        assert!(err.contains("run 2") && err.contains("rows"), "{err}");
        let merged = LagBench::merged(&[single.clone(), single.clone()]).unwrap();
        let err = LagBench::merged(&[merged, single.clone()]).unwrap_err();
        assert!(err.contains("run 1 is already a merged table"), "{err}");
        let mut fewer = single.clone();
        fewer.reps = 3;
        let err = LagBench::merged(&[single, fewer]).unwrap_err();
        assert!(err.contains("repetitions"), "{err}");
    }
}
