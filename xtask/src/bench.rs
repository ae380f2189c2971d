//! `cargo xtask bench`: runs the benches, collects what they measured, and hands it to
//! [`report`](crate::report).
//!
//! The benches in `benches/` are run one after another ([`SCHEDULE`]; the lag bench
//! [`LAG_RUNS`] times, spread between the others) with
//! * `CRITERION_HOME=OUT/criterion`, so criterion's estimates of this run (latency, disk) land in
//!   the report directory, never mixed with an older run's;
//! * `SMARTNOTES_BENCH_OUT=OUT/raw`, where the two hand-written harnesses (lag, scan) write their
//!   results as JSON;
//! * `SMARTNOTES_BENCH_QUICK=1` for `--quick`: fewer cases and smaller inputs (see each bench).
//!
//! Each bench's own printed output is kept as `OUT/raw/NAME.txt` (the lag bench's runs as
//! `lag-1.txt`, `lag-1.json`, ...), and the run's facts (quick or full, commit, date, machine,
//! time per bench) as `OUT/raw/run.json`, so that `--no-run` can rebuild the report from the
//! files alone.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// The benches, each built once ([`SCHEDULE`] is the order they run in).
pub(crate) const BENCHES: [&str; 7] = [
    "latency",
    "disk",
    "lag",
    "scan",
    "memory",
    "object_store",
    "syscalls",
];

/// How many times the lag bench (`smartnotes compare`'s case) runs, apart in time. The
/// machine's state moves the library's rate in stretches of 10-35 s and from one quarter of an
/// hour to the next, more than one run's interval (over its repetitions) allows for; the
/// report merges the runs ([`LagBench::merged`]) and takes each share's interval over them.
pub(crate) const LAG_RUNS: usize = 5;

/// The order the benches run in: the lag bench first and then after every long bench, so that
/// its runs spread over the whole bench (22 minutes on a 2-core machine).
const SCHEDULE: [&str; 11] = [
    "lag",
    "latency",
    "lag",
    "disk",
    "lag",
    "scan",
    "memory",
    "lag",
    "object_store",
    "lag",
    "syscalls",
];

/// The facts of one run, saved beside its results.
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub(crate) struct Run {
    pub quick: bool,
    /// `git describe`-like: the short commit, with `-dirty` when the tree had changes.
    pub commit: String,
    /// UTC date of the run, `YYYY-MM-DD`.
    pub date: String,
    pub machine: Machine,
    /// Seconds each bench took, building included for the first.
    pub seconds: BTreeMap<String, f64>,
}

/// What the figures were measured on.
#[derive(Serialize, Deserialize, Debug, Clone, Default)]
pub(crate) struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub memory_gib: f64,
    pub os: String,
    pub rustc: String,
}

/// A criterion estimate: the mean time per iteration and its 95% confidence interval, seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Estimate {
    pub mean: f64,
    pub lower: f64,
    pub upper: f64,
}

/// One criterion benchmark of this run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measurement {
    pub group: String,
    pub id: String,
    /// Elements per iteration when the group declared a throughput (notes, for disk).
    pub elements: Option<u64>,
    pub estimate: Estimate,
}

/// The benches' own results, in the schema they write them with.
pub(crate) use smartnotes_bench_support::results::{
    DiskBench, LagBench, LatencyBench, MemoryBench, ObjectStoreBench, ScanBench, SyscallBench,
};

/// Everything a report is made from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Results {
    pub run: Run,
    pub criterion: Vec<Measurement>,
    pub latency: Option<LatencyBench>,
    pub lag: Option<LagBench>,
    pub scan: Option<ScanBench>,
    pub memory: Option<MemoryBench>,
    pub disk: Option<DiskBench>,
    pub object_store: Option<ObjectStoreBench>,
    pub syscalls: Option<SyscallBench>,
}

/// The repository root (the parent of `xtask/`).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs the benches (`quick` or full) with their output going under `out`, and records the run.
pub(crate) fn run(out: &Path, quick: bool) -> Result<Run, String> {
    let raw = out.join("raw");
    let criterion = out.join("criterion");
    for dir in [&raw, &criterion] {
        if dir.exists() {
            std::fs::remove_dir_all(dir)
                .map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut run = Run {
        quick,
        commit: commit(),
        date: date(),
        machine: machine(),
        seconds: BTreeMap::new(),
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("== building the benches (release) ...");
    let start = Instant::now();
    let mut build = Command::new(&cargo);
    build
        .current_dir(root())
        .args(["bench", "--no-run", "--quiet", "--features", "testing"]);
    for bench in BENCHES {
        build.args(["--bench", bench]);
    }
    let status = build
        .status()
        .map_err(|e| format!("cannot run cargo bench: {e}"))?;
    if !status.success() {
        return Err("building the benches failed".into());
    }
    run.seconds
        .insert("build".into(), start.elapsed().as_secs_f64());
    let mut lag_runs = 0;
    for bench in SCHEDULE {
        // The lag bench writes `lag.json`; each of its runs is kept under its own number.
        let name = if bench == "lag" {
            lag_runs += 1;
            format!("lag-{lag_runs}")
        } else {
            bench.to_string()
        };
        eprintln!(
            "== cargo bench --bench {bench}{}{}",
            if quick { " (quick)" } else { "" },
            if bench == "lag" {
                format!(" (run {lag_runs} of {LAG_RUNS})")
            } else {
                String::new()
            }
        );
        let start = Instant::now();
        let mut child = Command::new(&cargo)
            .current_dir(root())
            .args([
                "bench",
                "--quiet",
                "--features",
                "testing",
                "--bench",
                bench,
            ])
            .env("CRITERION_HOME", &criterion)
            .env("SMARTNOTES_BENCH_OUT", &raw)
            .env("SMARTNOTES_BENCH_QUICK", if quick { "1" } else { "0" })
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run cargo bench --bench {bench}: {e}"))?;
        let log_path = raw.join(format!("{name}.txt"));
        let mut log = std::fs::File::create(&log_path)
            .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let stdout = child.stdout.take().expect("piped stdout");
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("reading bench {bench}'s output: {e}"))?;
            println!("{line}");
            writeln!(log, "{line}").map_err(|e| format!("writing {}: {e}", log_path.display()))?;
        }
        let status = child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!(
                "bench {bench} failed ({status}); its output is in {}",
                log_path.display()
            ));
        }
        if bench == "lag" {
            let (from, to) = (raw.join("lag.json"), raw.join(format!("{name}.json")));
            std::fs::rename(&from, &to)
                .map_err(|e| format!("cannot move {} to {}: {e}", from.display(), to.display()))?;
        }
        run.seconds.insert(name, start.elapsed().as_secs_f64());
    }
    let json = serde_json::to_string_pretty(&run).map_err(|e| e.to_string())?;
    std::fs::write(raw.join("run.json"), json)
        .map_err(|e| format!("cannot write run.json: {e}"))?;
    Ok(run)
}

/// Reads a run's results from `out` (what [`run`] left there).
pub(crate) fn collect(out: &Path) -> Result<Results, String> {
    let raw = out.join("raw");
    let run_path = raw.join("run.json");
    let run: Run = read_json(&run_path)?.ok_or_else(|| {
        format!(
            "{} is missing: run `cargo xtask bench` first",
            run_path.display()
        )
    })?;
    Ok(Results {
        run,
        criterion: read_criterion(&out.join("criterion"))?,
        latency: read_json(&raw.join("latency.json"))?,
        lag: read_lag(&raw)?,
        scan: read_json(&raw.join("scan.json"))?,
        memory: read_json(&raw.join("memory.json"))?,
        disk: read_json(&raw.join("disk.json"))?,
        object_store: read_json(&raw.join("object_store.json"))?,
        syscalls: read_json(&raw.join("syscalls.json"))?,
    })
}

/// The lag bench's runs (`lag-1.json`, `lag-2.json`, ... up to the first number missing)
/// merged into one table; when there is no `lag-1.json`, a single `lag.json` (a run of the
/// bench by hand, or results written before it ran several times); `None` when there are
/// neither.
fn read_lag(raw: &Path) -> Result<Option<LagBench>, String> {
    let mut runs = Vec::new();
    while let Some(run) = read_json(&raw.join(format!("lag-{}.json", runs.len() + 1)))? {
        runs.push(run);
    }
    if runs.is_empty() {
        return read_json(&raw.join("lag.json"));
    }
    LagBench::merged(&runs)
        .map(Some)
        .map_err(|e| format!("{}: {e}", raw.display()))
}

/// A JSON file, `None` when it does not exist.
fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Option<T>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Every benchmark criterion saved under `home`: `GROUP/ID/new/{benchmark,estimates}.json`.
pub(crate) fn read_criterion(home: &Path) -> Result<Vec<Measurement>, String> {
    #[derive(Deserialize)]
    struct Benchmark {
        group_id: String,
        function_id: Option<String>,
        throughput: Option<BTreeMap<String, u64>>,
    }
    #[derive(Deserialize)]
    struct Interval {
        lower_bound: f64,
        upper_bound: f64,
    }
    #[derive(Deserialize)]
    struct Statistic {
        point_estimate: f64,
        confidence_interval: Interval,
    }
    #[derive(Deserialize)]
    struct Estimates {
        mean: Statistic,
    }
    let mut found = Vec::new();
    let Ok(groups) = std::fs::read_dir(home) else {
        return Ok(found);
    };
    for group in groups.flatten() {
        let Ok(ids) = std::fs::read_dir(group.path()) else {
            continue;
        };
        for id in ids.flatten() {
            let new = id.path().join("new");
            let Some(bench) = read_json::<Benchmark>(&new.join("benchmark.json"))? else {
                continue;
            };
            let est: Estimates = read_json(&new.join("estimates.json"))?
                .ok_or_else(|| format!("{} has no estimates.json", new.display()))?;
            found.push(Measurement {
                group: bench.group_id,
                id: bench.function_id.unwrap_or_default(),
                elements: bench.throughput.and_then(|t| t.get("Elements").copied()),
                estimate: Estimate {
                    mean: est.mean.point_estimate / 1e9,
                    lower: est.mean.confidence_interval.lower_bound / 1e9,
                    upper: est.mean.confidence_interval.upper_bound / 1e9,
                },
            });
        }
    }
    found.sort_by(|a, b| (&a.group, &a.id).cmp(&(&b.group, &b.id)));
    Ok(found)
}

/// The output of a command, trimmed; empty when it cannot run.
fn output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn commit() -> String {
    let hash = output("git", &["rev-parse", "--short", "HEAD"]);
    if hash.is_empty() {
        return "unknown".into();
    }
    let dirty = !output("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty();
    if dirty { format!("{hash}-dirty") } else { hash }
}

fn date() -> String {
    let d = output("date", &["-u", "+%Y-%m-%d"]);
    if d.is_empty() { "unknown".into() } else { d }
}

fn machine() -> Machine {
    let proc = |file: &str| std::fs::read_to_string(file).unwrap_or_default();
    let cpu = proc("/proc/cpuinfo")
        .lines()
        .find_map(|l| l.strip_prefix("model name")?.split(':').nth(1))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let memory_gib = proc("/proc/meminfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")?
                .split_whitespace()
                .next()?
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / (1 << 20) as f64);
    let release = proc("/proc/sys/kernel/osrelease");
    Machine {
        cores: smartnotes_bench_support::cores(),
        cpu,
        memory_gib,
        os: format!("{} {}", std::env::consts::OS, release.trim())
            .trim()
            .to_string(),
        rustc: output("rustc", &["--version"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_schedule_runs_every_bench_and_the_lag_bench_lag_runs_times() {
        for bench in BENCHES {
            assert!(SCHEDULE.contains(&bench), "{bench} never runs");
        }
        assert!(SCHEDULE.iter().all(|b| BENCHES.contains(b)));
        assert_eq!(SCHEDULE.iter().filter(|b| **b == "lag").count(), LAG_RUNS);
        // Runs apart in time: never two lag runs back to back.
        assert!(SCHEDULE.windows(2).all(|w| w != ["lag", "lag"]));
    }

    #[test]
    fn reads_criterion_estimates_and_throughput() {
        let home = tempfile::tempdir().unwrap();
        let new = home.path().join("disk-read-1000/tokio-sequential/new");
        write(
            &new.join("benchmark.json"),
            r#"{"group_id":"disk-read-1000","function_id":"tokio-sequential","value_str":null,
                "throughput":{"Elements":1000},"full_id":"disk-read-1000/tokio-sequential",
                "directory_name":"disk-read-1000/tokio-sequential","title":"x"}"#,
        );
        write(
            &new.join("estimates.json"),
            r#"{"mean":{"confidence_interval":{"confidence_level":0.95,
                "lower_bound":4.0e7,"upper_bound":6.0e7},"point_estimate":5.0e7,"standard_error":1.0},
                "median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,
                "upper_bound":2.0},"point_estimate":1.5,"standard_error":1.0}}"#,
        );
        // A bench directory without `new/` (criterion's `base/` only) is not this run's.
        std::fs::create_dir_all(home.path().join("disk-read-1000/old/base")).unwrap();
        let found = read_criterion(home.path()).unwrap();
        assert_eq!(
            found,
            vec![Measurement {
                group: "disk-read-1000".into(),
                id: "tokio-sequential".into(),
                elements: Some(1000),
                estimate: Estimate {
                    mean: 0.05,
                    lower: 0.04,
                    upper: 0.06
                },
            }]
        );
    }

    #[test]
    fn a_broken_estimates_file_is_an_error_naming_it() {
        let home = tempfile::tempdir().unwrap();
        let new = home.path().join("latency/x/new");
        write(
            &new.join("benchmark.json"),
            r#"{"group_id":"latency","function_id":"x"}"#,
        );
        write(&new.join("estimates.json"), "{not json");
        let err = read_criterion(home.path()).unwrap_err();
        assert!(err.contains("estimates.json"), "{err}");
    }

    #[test]
    fn collect_says_what_to_run_when_there_is_no_run() {
        let out = tempfile::tempdir().unwrap();
        let err = collect(out.path()).unwrap_err();
        assert!(
            err.contains("run.json") && err.contains("cargo xtask bench"),
            "{err}"
        );
    }
}
