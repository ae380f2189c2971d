//! lag: does reading 10,000 notes freeze a single-threaded event loop?
//!
//! A heartbeat task sleeps 1 ms in a loop on a single-threaded executor (tokio
//! `current_thread`; smol's `async_io::block_on`) and records how late each wake-up is, while
//! the same thread drives a read of the corpus with each strategy. Also measured: the heartbeat
//! alone (the floor), and `std::fs` called straight inside the async task (the anti-pattern of
//! the tutorials). Throughput is compared with the multi-thread `std::fs` baseline measured in
//! the same run. Each case runs `REPS` times, interleaved; lateness samples are pooled. A
//! read (and the baseline's) goes on, back to back, for at least `READ_WINDOW` (200 ms), as
//! `smartnotes compare` reads; the anti-pattern reads once (it holds the loop throughout).
//!
//! `cargo bench --bench lag` (`-- --reps N --notes N` to change the repetitions or the corpus).
//! A quick run (`SMARTNOTES_BENCH_QUICK=1`) reads 2,000 notes, 3 times, with four strategies.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::Flavor;
use common::{
    cores, corpus_dir, disk_base, executors_of, quick, read_all, std_read, strategies,
    write_results,
};
use smartnotes::{Runtime, Store, StoreJob, Strategy};
use smartnotes_bench_support::lag::{heartbeat_while, median, percentile_ms};
use smartnotes_bench_support::results::{LagBench, LagRow, Lateness};
use smartnotes_bench_support::{READ_WINDOW, repeat_for};

#[derive(Clone, Copy)]
enum Work {
    Idle,
    Read(Strategy),
    StdInline,
}

struct Sample {
    seconds: f64,
    notes: usize,
    lateness: Vec<Duration>,
}

async fn case<F: Store>(fs: &F, src: &Path, work: Work) -> Sample {
    let start = Instant::now();
    let job = async {
        match work {
            Work::Idle => {
                fs.runtime().sleep(Duration::from_millis(300)).await;
                0
            }
            // Read again, back to back, for the window `compare` reads for.
            Work::Read(strategy) => {
                let mut notes = 0;
                loop {
                    notes += read_all(fs, src, strategy).await;
                    if start.elapsed() >= READ_WINDOW {
                        break notes;
                    }
                }
            }
            Work::StdInline => std_read(src, 1),
        }
    };
    let (notes, lateness) = heartbeat_while(fs.runtime(), job).await;
    Sample {
        seconds: start.elapsed().as_secs_f64(),
        notes,
        lateness,
    }
}

/// [`case`] on whichever store the executor hands it.
struct Case<'a>(&'a Path, Work);

impl StoreJob for Case<'_> {
    type Output = Sample;
    async fn run<S: Store>(self, store: S) -> Sample {
        case(&store, self.0, self.1).await
    }
}

fn main() {
    let (mut reps, mut notes) = if quick() { (3, 2_000) } else { (5, 10_000) };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reps" => reps = args.next().and_then(|v| v.parse().ok()).unwrap_or(reps),
            "--notes" => notes = args.next().and_then(|v| v.parse().ok()).unwrap_or(notes),
            _ => {}
        }
    }
    let src = corpus_dir(&disk_base().join("lag"), notes);
    let executors = executors_of(Flavor::CurrentThread);

    let mut works: Vec<(String, Work)> = vec![("idle (floor)".into(), Work::Idle)];
    works.extend(
        strategies()
            .into_iter()
            .map(|(label, s)| (label.to_string(), Work::Read(s))),
    );
    works.push((
        "std::fs inside the task (anti-pattern)".into(),
        Work::StdInline,
    ));

    // results[runtime][work] = samples; the multi-thread baseline is timed between repetitions.
    let mut results: Vec<Vec<Vec<Sample>>> = executors
        .iter()
        .map(|_| works.iter().map(|_| Vec::new()).collect())
        .collect();
    let mut baseline = Vec::new();
    for _ in 0..reps {
        let (runs, read, took) = repeat_for(READ_WINDOW, || std_read(&src, cores()));
        assert_eq!(read, notes * runs);
        baseline.push(read as f64 / took.as_secs_f64());
        for (w, (_, work)) in works.iter().enumerate() {
            for (r, executor) in executors.iter().enumerate() {
                results[r][w].push(executor.block_on(Case(&src, *work)));
            }
            results[1][w].push(smartnotes::smol::block_on(case(
                &smartnotes::smol::fs(),
                &src,
                *work,
            )));
        }
    }
    let baseline = median(&baseline);

    println!(
        "\nmulti-thread std::fs baseline ({} threads): {baseline:.0} notes/s (median of {reps})\n",
        cores()
    );
    println!(
        "| runtime | workload | notes/s | % of baseline | p50 late (ms) | p99 late (ms) | max late (ms) | p99 over idle (ms) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let mut rows = Vec::new();
    for (r, executor) in executors.iter().enumerate() {
        let runtime = format!("{} (one thread)", executor.kind());
        let mut idle_p99 = 0.0;
        for (w, (label, work)) in works.iter().enumerate() {
            let samples = &results[r][w];
            let lateness: Vec<Duration> = samples
                .iter()
                .flat_map(|s| s.lateness.iter().copied())
                .collect();
            if matches!(work, Work::Idle) {
                idle_p99 = percentile_ms(&lateness, 0.99);
            }
            let late = Lateness::of(&lateness, idle_p99);
            let (p50, p99, max) = (late.p50_ms, late.p99_ms, late.max_ms);
            if matches!(work, Work::Idle) {
                println!("| {runtime} | {label} | - | - | {p50:.3} | {p99:.3} | {max:.3} | 0 |");
                rows.push(LagRow {
                    runtime: runtime.clone(),
                    workload: label.clone(),
                    idle: true,
                    anti_pattern: false,
                    notes_per_s: None,
                    share_of_baseline: None,
                    lateness: late,
                });
                continue;
            }
            assert!(samples.iter().all(|s| s.notes > 0 && s.notes % notes == 0));
            let rates: Vec<f64> = samples.iter().map(|s| s.notes as f64 / s.seconds).collect();
            let rate = median(&rates);
            println!(
                "| {runtime} | {label} | {rate:.0} | {:.0}% | {p50:.3} | {p99:.3} | {max:.3} | {:+.3} |",
                rate / baseline * 100.0,
                late.p99_over_idle_ms
            );
            rows.push(LagRow {
                runtime: runtime.clone(),
                workload: label.clone(),
                idle: false,
                anti_pattern: matches!(work, Work::StdInline),
                notes_per_s: Some(rate),
                share_of_baseline: Some(rate / baseline),
                lateness: late,
            });
        }
    }
    write_results(
        "lag",
        &LagBench {
            notes,
            reps,
            threads: cores(),
            baseline_notes_per_s: baseline,
            rows,
        },
    );
}
