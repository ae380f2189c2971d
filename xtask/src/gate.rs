//! `cargo xtask gate`: the CI performance gate, in two tiers.
//!
//! 1. **counts**: instructions (valgrind's callgrind) of the CPU-bound paths in [`probe`]: exact
//!    for a given binary and input, so a rise over 2% fails.
//! 2. **ratios**: wall-clock figures that mean something only relative to a baseline measured in
//!    the same run: concurrent over sequential on the slow store, the default strategy over the
//!    two-thread `std::fs` loop on a real corpus (both runtimes), the heartbeat's p99 lateness
//!    over idle. Taken from interleaved repetitions; a metric fails only when the 95% interval
//!    of its change (see [`stats`]) lies wholly beyond the threshold.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use smartnotes::testing::{Latency, MemFs, SlowFs};
use smartnotes::{Options, Store, StoreExt, Strategy};
use smartnotes_bench_support::{baseline, corpus, lag};
use smartnotes_local::StdFs;

use crate::probe;
use smartnotes_bench_support::stats::{self, Verdict};

/// Instruction counts may rise this much (relative) before the gate fails.
pub(crate) const COUNT_THRESHOLD: f64 = 0.02;
/// Ratio metrics: the 95% interval of the change must lie wholly beyond 10%.
pub(crate) const RATIO_THRESHOLD: f64 = 0.10;
/// Lateness metrics: the interval must lie wholly beyond +1 ms.
pub(crate) const LATENESS_THRESHOLD_MS: f64 = 1.0;

/// The metrics of the ratio tier (lower is better for each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Metric {
    /// Concurrent over sequential time on the slow store.
    SlowStore,
    /// The default strategy over the two-thread `std::fs` loop, tokio.
    TokioRead,
    /// The same on smol.
    SmolRead,
    /// The heartbeat's p99 lateness over idle while reading with the responsive strategy.
    Heartbeat,
}

/// How a metric's change is judged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Judged {
    /// As a relative change of a ratio, against [`RATIO_THRESHOLD`].
    Relative,
    /// As a difference in milliseconds, against [`LATENESS_THRESHOLD_MS`].
    Millis,
}

impl Metric {
    const ALL: [Metric; 4] = [
        Metric::SlowStore,
        Metric::TokioRead,
        Metric::SmolRead,
        Metric::Heartbeat,
    ];

    /// Its name in the table and in the baseline file.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Metric::SlowStore => "slow store: concurrent / sequential time",
            Metric::TokioRead => "disk read, tokio default / std::fs time",
            Metric::SmolRead => "disk read, smol default / std::fs time",
            Metric::Heartbeat => "heartbeat p99 over idle, tokio responsive (ms)",
        }
    }

    fn named(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    pub(crate) fn judged(self) -> Judged {
        match self {
            Metric::Heartbeat => Judged::Millis,
            _ => Judged::Relative,
        }
    }
}

/// What one gate run measured; the committed baseline is one of these.
#[derive(Serialize, Deserialize, Default, Debug)]
pub(crate) struct Measured {
    /// Instructions per probe case (full minus setup).
    pub counts: BTreeMap<String, u64>,
    /// Per-repetition values of each ratio metric (lower is better).
    pub samples: BTreeMap<String, Vec<f64>>,
}

/// One row of the printed table.
pub(crate) struct Row {
    pub metric: String,
    pub base: String,
    pub now: String,
    pub change: String,
    pub verdict: Verdict,
}

/// Counts each probe case's instructions under callgrind.
pub(crate) fn measure_counts() -> Result<BTreeMap<String, u64>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut counts = BTreeMap::new();
    for case in probe::CASES {
        let setup = callgrind(&exe, scratch.path(), case, "setup")?;
        let full = callgrind(&exe, scratch.path(), case, "full")?;
        counts.insert(case.to_string(), full.saturating_sub(setup));
    }
    Ok(counts)
}

fn callgrind(exe: &Path, scratch: &Path, case: &str, mode: &str) -> Result<u64, String> {
    let out = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!(
            "--callgrind-out-file={}",
            scratch.join("callgrind.out").display()
        ))
        .arg(exe)
        .args(["probe", case, mode])
        .output()
        .map_err(|e| format!("cannot run valgrind (install it: apt-get install valgrind): {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("callgrind of probe {case} {mode} failed: {stderr}"));
    }
    // "==123== Collected : 123456789"
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no instruction count in callgrind's output: {stderr}"))
}

/// The notes of `dir` as the baseline loop lists them.
fn listed(dir: &Path) -> Result<Vec<PathBuf>, String> {
    baseline::note_paths(dir).map_err(|e| e.to_string())
}

/// The ratio metrics, `reps` interleaved repetitions each.
pub(crate) fn measure_ratios(reps: usize) -> Result<BTreeMap<String, Vec<f64>>, String> {
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let corpus_dir = scratch.path().join("notes");
    corpus::write_corpus(&StdFs, &corpus_dir, 2000, 2026).map_err(|e| e.to_string())?;
    let paths = baseline::note_paths(&corpus_dir).map_err(|e| e.to_string())?;
    let threads = smartnotes_bench_support::cores();
    let mut samples: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut push = |metric: Metric, value: f64| {
        samples
            .entry(metric.name().to_string())
            .or_default()
            .push(value)
    };

    for _ in 0..reps {
        // Slow store: 5 notes, 20 ms per read; concurrent should take a fifth of sequential.
        let seq = smartnotes::tokio::block_on(slow_read(Strategy::Sequential));
        let conc = smartnotes::tokio::block_on(slow_read(Strategy::Concurrent { limit: 5 }));
        push(Metric::SlowStore, conc / seq);

        // Local corpus: the default strategy against the std::fs loop, timed back to back, the
        // listing inside the timing on both sides (as the library lists in `read_time`).
        let start = Instant::now();
        let n = baseline::std_read(&listed(&corpus_dir)?, threads);
        let std_time = start.elapsed().as_secs_f64();
        if n != paths.len() {
            return Err(format!("baseline read {n} of {} notes", paths.len()));
        }
        let tokio = smartnotes::tokio::block_on(read_time(
            &smartnotes::tokio::fs(),
            &corpus_dir,
            Strategy::default(),
        ));
        push(Metric::TokioRead, tokio / std_time);
        let start = Instant::now();
        baseline::std_read(&listed(&corpus_dir)?, threads);
        let std_time = start.elapsed().as_secs_f64();
        let smol = smartnotes::smol::block_on(read_time(
            &smartnotes::smol::fs(),
            &corpus_dir,
            Strategy::default(),
        ));
        push(Metric::SmolRead, smol / std_time);

        // Heartbeat lateness over idle while reading with the responsive strategy.
        let over = smartnotes::tokio::block_on(async {
            let fs = smartnotes::tokio::fs();
            let idle = lag::heartbeat_while(
                fs.runtime(),
                smartnotes::Runtime::sleep(fs.runtime(), Duration::from_millis(30)),
            )
            .await
            .1;
            let (_, busy) = lag::heartbeat_while(
                fs.runtime(),
                read_time(&fs, &corpus_dir, Strategy::responsive()),
            )
            .await;
            lag::percentile_ms(&busy, 0.99) - lag::percentile_ms(&idle, 0.99)
        });
        push(Metric::Heartbeat, over);
    }
    Ok(samples)
}

async fn slow_read(strategy: Strategy) -> f64 {
    let mem = MemFs::new(smartnotes::tokio::TokioRuntime);
    for i in 0..5 {
        let (name, text) = corpus::sample_note(i, 1, 200);
        mem.insert(Path::new("/notes").join(name), text)
            .expect("in-memory insert");
    }
    let store = SlowFs::new(mem, Latency::fixed(Duration::from_millis(20)));
    read_time(&store, Path::new("/notes"), strategy).await
}

/// Seconds to read (and parse) every note of `dir`.
async fn read_time<F: Store>(fs: &F, dir: &Path, strategy: Strategy) -> f64 {
    let start = Instant::now();
    let opts = Options::default().with_strategy(strategy);
    let n = fs
        .read_notes_with(dir, &opts)
        .filter(|n| std::future::ready(n.is_ok()))
        .count()
        .await;
    assert!(n > 0, "nothing read from {}", dir.display());
    start.elapsed().as_secs_f64()
}

/// Compares `now` with `base`, metric by metric.
pub(crate) fn compare(base: &Measured, now: &Measured) -> Vec<Row> {
    let mut rows = Vec::new();
    for (name, &count) in &now.counts {
        let Some(&before) = base.counts.get(name) else {
            rows.push(unjudged(format!("instructions: {name}"), count.to_string()));
            continue;
        };
        let (change, verdict) = stats::count_verdict(before, count, COUNT_THRESHOLD);
        rows.push(Row {
            metric: format!("instructions: {name}"),
            base: before.to_string(),
            now: count.to_string(),
            change: format!(
                "{:+.2}% (threshold {:.0}%)",
                100.0 * change,
                100.0 * COUNT_THRESHOLD
            ),
            verdict,
        });
    }
    for (name, values) in &now.samples {
        if values.is_empty() {
            continue;
        }
        let Some(before) = base.samples.get(name).filter(|v| !v.is_empty()) else {
            rows.push(unjudged(
                name.clone(),
                format!("{:.3}", stats::mean(values)),
            ));
            continue;
        };
        let Some(metric) = Metric::named(name) else {
            rows.push(unjudged(
                name.clone(),
                format!("{:.3}", stats::mean(values)),
            ));
            continue;
        };
        let lateness = metric.judged() == Judged::Millis;
        let (change, threshold) = if lateness {
            (
                stats::absolute_change(before, values),
                LATENESS_THRESHOLD_MS,
            )
        } else {
            (stats::relative_change(before, values), RATIO_THRESHOLD)
        };
        let shown = if lateness {
            format!(
                "{:+.2} ms [{:+.2}, {:+.2}] (threshold +{threshold} ms)",
                change.estimate, change.low, change.high
            )
        } else {
            format!(
                "{:+.1}% [{:+.1}, {:+.1}] (threshold {:.0}%)",
                100.0 * change.estimate,
                100.0 * change.low,
                100.0 * change.high,
                100.0 * threshold
            )
        };
        rows.push(Row {
            metric: name.clone(),
            base: format!("{:.3}", stats::mean(before)),
            now: format!("{:.3}", stats::mean(values)),
            change: shown,
            verdict: stats::verdict(change, threshold),
        });
    }
    rows
}

fn unjudged(metric: String, now: String) -> Row {
    Row {
        metric,
        base: "-".into(),
        now,
        change: "-".into(),
        verdict: Verdict::NoBaseline,
    }
}

/// The table as Markdown.
pub(crate) fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| metric | baseline | now | change [95% interval] | verdict |\n|---|---:|---:|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.metric,
            r.base,
            r.now,
            r.change,
            r.verdict.label()
        ));
    }
    out
}

pub(crate) fn load(path: &Path) -> Result<Measured, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("baseline {} is not valid: {e}", path.display()))
}

pub(crate) fn save(path: &Path, measured: &Measured) -> Result<(), String> {
    let text = serde_json::to_string_pretty(measured).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The default baseline file, committed in the repository.
pub(crate) fn default_baseline() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("gate-baseline.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each metric's verdict, in the table's order.
    fn verdicts(base: &Measured, now: &Measured) -> Vec<(String, Verdict)> {
        compare(base, now)
            .into_iter()
            .map(|r| (r.metric, r.verdict))
            .collect()
    }

    #[test]
    fn a_metric_missing_from_the_baseline_fails() {
        let mut base = Measured::default();
        base.counts.insert("scan".into(), 100);
        let mut now = Measured::default();
        now.counts.insert("scan".into(), 100);
        now.counts.insert("new".into(), 5);
        now.samples.insert("ratio".into(), vec![1.0, 1.1]);
        let verdicts = verdicts(&base, &now);
        assert_eq!(
            verdicts,
            [
                ("instructions: new".to_string(), Verdict::NoBaseline),
                ("instructions: scan".to_string(), Verdict::Pass),
                ("ratio".to_string(), Verdict::NoBaseline),
            ]
        );
        assert!(verdicts.iter().filter(|(_, v)| v.fails()).count() == 2);
    }

    #[test]
    fn each_metric_is_judged_in_its_own_unit() {
        let series = |v: f64| vec![v, v * 1.01, v * 0.99, v];
        let mut base = Measured::default();
        let mut now = Measured::default();
        // Lateness 0.2 ms -> 0.7 ms: +250% but only +0.5 ms, within the 1 ms threshold.
        base.samples
            .insert(Metric::Heartbeat.name().into(), series(0.2));
        now.samples
            .insert(Metric::Heartbeat.name().into(), series(0.7));
        // A read ratio 1.0 -> 1.3: +30%, beyond the 10% threshold.
        base.samples
            .insert(Metric::TokioRead.name().into(), series(1.0));
        now.samples
            .insert(Metric::TokioRead.name().into(), series(1.3));
        let verdicts = verdicts(&base, &now);
        assert_eq!(
            verdicts,
            [
                (Metric::TokioRead.name().to_string(), Verdict::Regression),
                (Metric::Heartbeat.name().to_string(), Verdict::Pass),
            ]
        );
    }
}
