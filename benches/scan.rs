//! scan: the log analyzer. `count_matching` over a generated log in the page cache, beside a
//! plain `std` scan of the same file in the same run, with a 1 ms heartbeat on the same
//! single-threaded executor, and peak memory for a small and a large file.
//!
//! Cases, interleaved over `--reps` repetitions (median GB/s reported):
//! * `std + memmem`: `std::fs::File::read` into a 1 MiB buffer, `memchr::memmem` count: the
//!   ceiling for a one-thread scan; the same loop on every core (the file split into ranges
//!   read with `read_at`), the loop a user would write to use them all.
//! * `rg -c ERROR` (ripgrep, a real process, when installed: `apt-get install ripgrep`; the
//!   bench says so when it is not).
//! * `smartnotes scan FILE`, the CLI as a user runs it (a real process, start-up included),
//!   run twice a repetition between two runs of the loop on every core: its share of that loop
//!   is the mean of the per-repetition ratios, with a 95% interval.
//! * `count_matching` on tokio (current-thread) and on smol (`async_io::block_on`), each with a
//!   heartbeat task beside it; its lateness is compared with the heartbeat alone (idle).
//! * `read_lines` (batches of lines, the `async for line in f` shape, a batch at a time), with
//!   `memmem` on each line.
//!
//! `cargo bench --bench scan` (`-- --reps N --mib N` to change the repetitions or the size;
//! default 8 reps over 1024 MiB). The log is kept in `target/bench-data` between runs. A quick
//! run (`SMARTNOTES_BENCH_QUICK=1`) scans 256 MiB, 3 times, without `read_lines`.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::Flavor;
use futures_util::StreamExt;
use smartnotes::{Runtime, Store, StoreExt, StoreJob};
use smartnotes_bench_support::lag::{heartbeat_while, median, percentile_ms};
use smartnotes_bench_support::results::{Lateness, Rss, ScanBench, ScanRow, Share};
use smartnotes_bench_support::{corpus, stats};

const NEEDLE: &str = "ERROR";

fn log_file(mib: u64) -> (PathBuf, u64) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let path = dir.join(format!("app-{mib}mib.log"));
    let want = mib << 20;
    let fresh = std::fs::metadata(&path).is_ok_and(|m| m.len() >= want && m.len() < want + 4096);
    if !fresh {
        eprintln!("writing {} ...", path.display());
        corpus::write_log(&path, want, 2026).expect("write log");
    }
    let errors = std_scan(&path);
    (path, errors)
}

/// The plain scan: read 1 MiB at a time, count the needle's occurrences with memmem. On this
/// log a line holds at most one `ERROR`, so occurrences are matching lines.
fn std_scan(path: &Path) -> u64 {
    let finder = memchr::memmem::Finder::new(NEEDLE);
    let mut file = std::fs::File::open(path).expect("open log");
    let mut buf = vec![0; 1 << 20];
    let (mut count, mut tail) = (0_u64, Vec::new());
    loop {
        let n = file.read(&mut buf).expect("read log");
        if n == 0 {
            return count;
        }
        // A match across two reads: look at the seam.
        tail.extend_from_slice(&buf[..n.min(NEEDLE.len() - 1)]);
        count += finder.find_iter(&tail).count() as u64;
        count += finder.find_iter(&buf[..n]).count() as u64;
        tail.clear();
        tail.extend_from_slice(&buf[n.saturating_sub(NEEDLE.len() - 1)..n]);
    }
}

/// The plain scan on `threads` threads: the file split into equal ranges, each read with
/// `read_at` into its own 1 MiB buffer, counting the needle's occurrences that start in its
/// range (each range reads on by the needle's length less one to see one that straddles the
/// edge). The loop a user would write to use every core.
fn std_scan_threads(path: &Path, threads: u64) -> u64 {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(path).expect("open log");
    let len = file.metadata().expect("log size").len();
    let size = len.div_ceil(threads);
    let overlap = NEEDLE.len() as u64 - 1;
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let file = &file;
                s.spawn(move || {
                    let finder = memchr::memmem::Finder::new(NEEDLE);
                    let (start, end) = ((t * size).min(len), ((t + 1) * size).min(len));
                    let mut buf = vec![0; 1 << 20];
                    let (mut pos, mut count) = (start, 0_u64);
                    while pos < end {
                        // Read on past `end` by `overlap`; count matches starting before `end`.
                        let want = (buf.len() as u64).min(end + overlap - pos) as usize;
                        let n = file.read_at(&mut buf[..want], pos).expect("read log");
                        let before_end = end - pos;
                        count += finder
                            .find_iter(&buf[..n])
                            .filter(|&i| (i as u64) < before_end)
                            .count() as u64;
                        // A match starting in the last `overlap` bytes was not seen whole: the
                        // next read starts there.
                        if n as u64 <= overlap {
                            break;
                        }
                        pos += n as u64 - overlap;
                    }
                    count
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("scan thread"))
            .sum()
    })
}

/// `smartnotes scan path` (the CLI, a real process, its default pattern `ERROR`): (seconds,
/// matching lines).
fn cli_scan(cli: &Path, path: &Path) -> (f64, u64) {
    let start = Instant::now();
    let out = std::process::Command::new(cli)
        .args(["scan", "--json"])
        .arg(path)
        .output()
        .expect("run smartnotes scan");
    let seconds = start.elapsed().as_secs_f64();
    assert!(out.status.success(), "smartnotes scan failed: {out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    (
        seconds,
        doc["matching_lines"].as_u64().expect("matching_lines"),
    )
}

/// `rg -c NEEDLE path` (ripgrep, a real process): (seconds, count), or why it did not run.
fn ripgrep(path: &Path) -> Result<(f64, u64), String> {
    let start = Instant::now();
    let out = std::process::Command::new("rg")
        .args(["-c", NEEDLE])
        .arg(path)
        .output()
        .map_err(|e| format!("rg not run ({e}): `apt-get install ripgrep` to compare with it"))?;
    let seconds = start.elapsed().as_secs_f64();
    let count = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|_| format!("rg printed {:?}", String::from_utf8_lossy(&out.stdout)))?;
    Ok((seconds, count))
}

#[derive(Clone, Copy, PartialEq)]
enum Work {
    Idle,
    Count,
    Lines,
}

/// One run of `work` on `fs` beside a heartbeat: (seconds, matching lines, lateness samples).
async fn case<F: Store>(fs: &F, path: &Path, work: Work) -> (f64, u64, Vec<Duration>) {
    let start = Instant::now();
    let job = async {
        match work {
            Work::Idle => {
                fs.runtime().sleep(Duration::from_millis(150)).await;
                0
            }
            Work::Count => {
                fs.count_matching(path, NEEDLE)
                    .await
                    .expect("scan")
                    .matching_lines
            }
            Work::Lines => {
                let finder = memchr::memmem::Finder::new(NEEDLE);
                let finder = &finder;
                fs.read_lines(path)
                    .fold(0, |n, batch| async move {
                        let batch = batch.expect("lines");
                        let found = batch.iter().filter(|(_, line)| finder.find(line).is_some());
                        n + found.count() as u64
                    })
                    .await
            }
        }
    };
    let (n, lateness) = heartbeat_while(fs.runtime(), job).await;
    (start.elapsed().as_secs_f64(), n, lateness)
}

/// Peak resident memory of this process so far (`VmHWM`), in MiB.
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// [`case`] on whichever store the executor hands it.
struct Case<'a>(&'a Path, Work);

impl StoreJob for Case<'_> {
    type Output = (f64, u64, Vec<Duration>);
    async fn run<S: Store>(self, store: S) -> Self::Output {
        case(&store, self.0, self.1).await
    }
}

/// Counts the matching lines of `path` on whichever store the executor hands it.
struct Count<'a>(&'a Path);

impl StoreJob for Count<'_> {
    type Output = smartnotes::ScanProgress;
    async fn run<S: Store>(self, store: S) -> Self::Output {
        store.count_matching(self.0, NEEDLE).await.expect("scan")
    }
}

fn main() {
    let (mut reps, mut mib, mut lines_too) = if common::quick() {
        (3, 256_u64, false)
    } else {
        (8, 1024_u64, true)
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reps" => reps = args.next().and_then(|v| v.parse().ok()).unwrap_or(reps),
            "--mib" => mib = args.next().and_then(|v| v.parse().ok()).unwrap_or(mib),
            "--no-lines" => lines_too = false,
            _ => {}
        }
    }
    let executors = common::executors_of(Flavor::CurrentThread);

    // Peak memory: a 64 MiB log first, then the big one; a scan in bounded memory leaves the
    // high-water mark where the small file put it.
    let (small, _) = log_file(64);
    let (big, big_errors) = log_file(mib);
    let bytes = std::fs::metadata(&big).expect("log").len();
    let rss_start = peak_rss_mib();
    for executor in &executors {
        executor.block_on(Count(&small));
    }
    let rss_small = peak_rss_mib();
    for executor in &executors {
        let checked = executor.block_on(Count(&big));
        assert_eq!(checked.matching_lines, big_errors);
        assert_eq!(checked.bytes, bytes);
    }
    let rss_big = peak_rss_mib();

    let mut works = vec![
        ("idle (floor)", Work::Idle),
        ("count_matching", Work::Count),
    ];
    if lines_too {
        works.push(("read_lines (batched) + memmem per line", Work::Lines));
    }
    let threads = smartnotes_bench_support::cores() as u64;
    let cli = common::cli_binary();
    let (mut std_gbps, mut threads_gbps, mut rg_gbps) = (Vec::new(), Vec::new(), Vec::new());
    let mut cli_gbps = Vec::new();
    let mut rg_note = None;
    // results[runtime][work] = (GB/s per rep, pooled lateness)
    let mut results: Vec<Vec<(Vec<f64>, Vec<Duration>)>> = executors
        .iter()
        .map(|_| works.iter().map(|_| (Vec::new(), Vec::new())).collect())
        .collect();
    for rep in 0..reps {
        let start = Instant::now();
        assert_eq!(std_scan(&big), big_errors);
        std_gbps.push(bytes as f64 / start.elapsed().as_secs_f64() / 1e9);
        // The process and the loop on every core side by side, in the order loop, process,
        // process, loop: a drift of the machine's speed within the repetition weighs on both
        // alike. Each side's figure is its two runs' bytes over their time.
        let on_threads = || {
            let start = Instant::now();
            assert_eq!(std_scan_threads(&big, threads), big_errors);
            start.elapsed().as_secs_f64()
        };
        let process = || {
            let (seconds, count) = cli_scan(&cli, &big);
            assert_eq!(count, big_errors, "smartnotes scan counts the same lines");
            seconds
        };
        // A tuple's elements are evaluated left to right.
        let (first, second, third, fourth) = (on_threads(), process(), process(), on_threads());
        threads_gbps.push(2.0 * bytes as f64 / (first + fourth) / 1e9);
        cli_gbps.push(2.0 * bytes as f64 / (second + third) / 1e9);
        if rg_note.is_none() {
            match ripgrep(&big) {
                Ok((seconds, count)) => {
                    assert_eq!(count, big_errors, "rg -c counts the same lines");
                    rg_gbps.push(bytes as f64 / seconds / 1e9);
                }
                Err(why) => rg_note = Some(why),
            }
        }
        for (w, (_, work)) in works.iter().enumerate() {
            if *work == Work::Lines && rep > 0 {
                continue; // one run is enough for scale, and it is slow
            }
            for (r, executor) in executors.iter().enumerate() {
                let (seconds, n, lateness) = executor.block_on(Case(&big, *work));
                if *work != Work::Idle {
                    assert_eq!(n, big_errors);
                }
                results[r][w].0.push(bytes as f64 / seconds / 1e9);
                results[r][w].1.extend(lateness);
            }
        }
    }

    let cli_share = stats::paired_ratio(&cli_gbps, &threads_gbps);
    let std_gbps = median(&std_gbps);
    let threads_gbps = median(&threads_gbps);
    let rg_gbps = (!rg_gbps.is_empty()).then(|| median(&rg_gbps));
    let cli_gbps = median(&cli_gbps);
    println!(
        "\nlog: {:.0} MiB, {big_errors} matching lines; std + memmem (1 MiB reads): {std_gbps:.2} GB/s on one thread, {threads_gbps:.2} GB/s on {threads}; smartnotes scan (process): {cli_gbps:.2} GB/s, {:.0}% [{:.0}, {:.0}] of the {threads}-thread loop (mean of the per-repetition ratios); rg -c: {} (medians of {reps})\n",
        bytes as f64 / (1 << 20) as f64,
        100.0 * cli_share.estimate,
        100.0 * cli_share.low,
        100.0 * cli_share.high,
        rg_gbps.map_or_else(
            || rg_note.clone().unwrap_or_default(),
            |g| format!("{g:.2} GB/s")
        ),
    );
    println!(
        "| runtime | workload | GB/s | % of std | p50 late (ms) | p99 late (ms) | max late (ms) | p99 over idle (ms) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let mut rows = Vec::new();
    for (r, executor) in executors.iter().enumerate() {
        let name = executor.kind().name();
        let idle_p99 = percentile_ms(&results[r][0].1, 0.99);
        for (w, (label, work)) in works.iter().enumerate() {
            let (gbps, late) = &results[r][w];
            let late = Lateness::of(late, idle_p99);
            let gbps = (*work != Work::Idle).then(|| median(gbps));
            let (rate, share) = match gbps {
                None => ("-".to_string(), "-".to_string()),
                Some(g) => (format!("{g:.2}"), format!("{:.0}%", 100.0 * g / std_gbps)),
            };
            rows.push(ScanRow {
                runtime: name.to_owned(),
                workload: (*label).to_owned(),
                idle: *work == Work::Idle,
                gbps,
                share_of_std: gbps.map(|g| g / std_gbps),
                lateness: late,
            });
            println!(
                "| {name} | {label} | {rate} | {share} | {:.3} | {:.3} | {:.3} | {:+.3} |",
                late.p50_ms, late.p99_ms, late.max_ms, late.p99_over_idle_ms,
            );
        }
    }
    println!(
        "\npeak RSS: {rss_start:.1} MiB before scanning, {rss_small:.1} after 64 MiB logs, {rss_big:.1} after {mib} MiB logs (growth from the larger file: {:+.1} MiB)",
        rss_big - rss_small
    );
    common::write_results(
        "scan",
        &ScanBench {
            mib,
            bytes,
            matching_lines: big_errors,
            reps,
            std_gbps,
            threads: threads as usize,
            std_threads_gbps: threads_gbps,
            rg_gbps,
            rg_note,
            cli_gbps: Some(cli_gbps),
            cli_share: Some(Share {
                estimate: cli_share.estimate,
                low: cli_share.low,
                high: cli_share.high,
            }),
            rows,
            rss_mib: Rss {
                start: rss_start,
                after_small: rss_small,
                after_big: rss_big,
            },
        },
    );
}
