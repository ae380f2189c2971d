//! lag: does reading 10,000 notes freeze a single-threaded event loop?
//!
//! A heartbeat task sleeps 1 ms in a loop on a single-threaded executor (tokio
//! `current_thread`; smol's `async_io::block_on`) and records how late each wake-up is, while
//! the same thread drives a read of the corpus with each strategy. Also measured: the heartbeat
//! alone (the floor), and `std::fs` called straight inside the async task (the anti-pattern of
//! the tutorials). Throughput is compared with the multi-thread `std::fs` baseline measured in
//! the same run. Each case runs `REPS` times, interleaved; lateness samples are pooled.
//!
//! `cargo bench --bench lag` (`-- --reps N` to change the repetitions).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{STRATEGIES, cores, corpus_dir, disk_base, read_all, std_read};
use smartnotes::lag::{heartbeat_while, percentile_ms};
use smartnotes::{Fs, Runtime, Strategy};

const NOTES: usize = 10_000;

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

async fn case<F: Fs>(fs: &F, src: &Path, work: Work) -> Sample {
    let start = Instant::now();
    let job = async {
        match work {
            Work::Idle => {
                fs.runtime().sleep(Duration::from_millis(300)).await;
                0
            }
            Work::Read(strategy) => read_all(fs, src, strategy).await,
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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut reps = 5;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--reps" {
            reps = args.next().and_then(|v| v.parse().ok()).unwrap_or(reps);
        }
    }
    let src = corpus_dir(&disk_base().join("lag"), NOTES);
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");

    let mut works: Vec<(String, Work)> = vec![("idle (floor)".into(), Work::Idle)];
    works.extend(
        STRATEGIES
            .iter()
            .map(|(label, s)| (label.to_string(), Work::Read(*s))),
    );
    works.push((
        "std::fs inside the task (anti-pattern)".into(),
        Work::StdInline,
    ));

    // results[runtime][work] = samples; the multi-thread baseline is timed between repetitions.
    let mut results: Vec<Vec<Vec<Sample>>> = (0..2)
        .map(|_| works.iter().map(|_| Vec::new()).collect())
        .collect();
    let mut baseline = Vec::new();
    for _ in 0..reps {
        let start = Instant::now();
        assert_eq!(std_read(&src, cores()), NOTES);
        baseline.push(NOTES as f64 / start.elapsed().as_secs_f64());
        for (w, (_, work)) in works.iter().enumerate() {
            results[0][w].push(tokio.block_on(case(&smartnotes::tokio::fs(), &src, *work)));
            results[1][w].push(smartnotes::smol::block_on(case(
                &smartnotes::smol::fs(),
                &src,
                *work,
            )));
        }
    }
    let baseline = median(baseline);

    println!(
        "\nmulti-thread std::fs baseline ({} threads): {baseline:.0} notes/s (median of {reps})\n",
        cores()
    );
    println!(
        "| runtime | workload | notes/s | % of baseline | p50 late (ms) | p99 late (ms) | max late (ms) | p99 over idle (ms) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for (r, runtime) in ["tokio current_thread", "smol block_on"].iter().enumerate() {
        let mut idle_p99 = 0.0;
        for (w, (label, work)) in works.iter().enumerate() {
            let samples = &results[r][w];
            let mut lateness: Vec<Duration> = samples
                .iter()
                .flat_map(|s| s.lateness.iter().copied())
                .collect();
            lateness.sort();
            let (p50, p99, max) = (
                percentile_ms(&lateness, 0.5),
                percentile_ms(&lateness, 0.99),
                percentile_ms(&lateness, 1.0),
            );
            if matches!(work, Work::Idle) {
                idle_p99 = p99;
                println!("| {runtime} | {label} | - | - | {p50:.3} | {p99:.3} | {max:.3} | 0 |");
                continue;
            }
            assert!(samples.iter().all(|s| s.notes == NOTES));
            let rate = median(samples.iter().map(|s| s.notes as f64 / s.seconds).collect());
            println!(
                "| {runtime} | {label} | {rate:.0} | {:.0}% | {p50:.3} | {p99:.3} | {max:.3} | {:+.3} |",
                rate / baseline * 100.0,
                p99 - idle_p99
            );
        }
    }
}
