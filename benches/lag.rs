//! lag: does reading 10,000 notes freeze a single-threaded event loop? `smartnotes compare`'s
//! case, measured as `compare` measures it.
//!
//! A heartbeat task sleeps 1 ms in a loop on a single-threaded executor (a new tokio
//! `current_thread` runtime for each case; smol's `async_io::block_on`: `RuntimeKind::block_on`,
//! as `compare` runs a case) and records how late each wake-up is, while
//! the same thread drives a read of the corpus with each strategy, read again back to back
//! for at least `READ_WINDOW` (200 ms); then the heartbeat runs alone for `IDLE_WINDOW`
//! (100 ms), its idle floor. Also measured: `std::fs` called straight inside the async task
//! (the anti-pattern of the tutorials; read once, it holds the loop throughout). Each
//! repetition runs every case once, the multi-thread `std::fs` baseline (timed over the same
//! window) among them, starting one case further along than the last; a case's share of the
//! baseline is the mean of its per-repetition ratios with a 95% interval, and lateness
//! samples are pooled, as in `compare`.
//!
//! `cargo bench --bench lag` (`-- --reps N --notes N` to change the repetitions or the corpus).
//! Eight repetitions, as `compare`; a quick run (`SMARTNOTES_BENCH_QUICK=1`) reads 2,000 notes, 3
//! times, with four strategies.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{cores, corpus_dir, quick, read_all, std_read, strategies, write_results};
use smartnotes::{RuntimeKind, Store, StoreJob, Strategy};
use smartnotes_bench_support::lag::{Lateness, Reading, reading};
use smartnotes_bench_support::results::{LagBench, LagRow};
use smartnotes_bench_support::{READ_WINDOW, corpus, repeat_for, stats};

#[derive(Clone, Copy)]
enum Work {
    Read(Strategy),
    StdInline,
}

/// `compare`'s reading of one case ([`reading`]): a read repeated back to back for
/// `READ_WINDOW` beside the heartbeat, then the heartbeat alone for `IDLE_WINDOW`. The
/// anti-pattern reads once (a window of it would freeze the loop for the whole window).
async fn case<F: Store>(fs: &F, src: &Path, work: Work) -> Reading {
    match work {
        Work::Read(strategy) => {
            reading(fs.runtime(), READ_WINDOW, || read_all(fs, src, strategy)).await
        }
        Work::StdInline => {
            reading(fs.runtime(), Duration::ZERO, || async { std_read(src, 1) }).await
        }
    }
}

/// [`case`] on whichever store the executor hands it.
struct Case<'a>(&'a Path, Work);

impl StoreJob for Case<'_> {
    type Output = Reading;
    async fn run<S: Store>(self, store: S) -> Reading {
        case(&store, self.0, self.1).await
    }
}

fn main() {
    let (mut reps, mut notes) = if quick() { (3, 2_000) } else { (8, 10_000) };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reps" => reps = args.next().and_then(|v| v.parse().ok()).unwrap_or(reps),
            "--notes" => notes = args.next().and_then(|v| v.parse().ok()).unwrap_or(notes),
            _ => {}
        }
    }
    // Where `compare` writes its sample: a folder in a new temporary directory, removed at the
    // end. The plain loop opens each note by its whole path, so the folder's depth is part of
    // its cost (`cargo bench --bench depth`); `compare`'s place leaves no difference of place
    // between the two.
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let src = corpus_dir(scratch.path(), notes);
    corpus::settle(&src).expect("write the corpus back");
    // Each case on a new single-threaded runtime, as `compare` runs it
    // (`RuntimeKind::block_on`): a runtime kept from case to case keeps its blocking threads.
    let kinds = RuntimeKind::ALL;

    let mut works: Vec<(String, Work)> = strategies()
        .into_iter()
        .map(|(label, s)| (label.to_string(), Work::Read(s)))
        .collect();
    works.push((
        "std::fs inside the task (anti-pattern)".into(),
        Work::StdInline,
    ));

    // As `compare` runs: each repetition runs every case once (the multi-thread baseline
    // among them), starting one case further along the list than the last.
    // results[runtime][work] = samples, baseline[rep] = notes/s.
    let mut results: Vec<Vec<Vec<Reading>>> = kinds
        .iter()
        .map(|_| works.iter().map(|_| Vec::new()).collect())
        .collect();
    let mut baseline = Vec::new();
    let cases: Vec<Option<(usize, usize)>> = std::iter::once(None)
        .chain((0..works.len()).flat_map(|w| (0..kinds.len()).map(move |r| Some((r, w)))))
        .collect();
    for rep in 0..reps {
        for at in 0..cases.len() {
            match cases[(at + rep) % cases.len()] {
                None => {
                    let (runs, read, took) = repeat_for(READ_WINDOW, || std_read(&src, cores()));
                    assert_eq!(read, notes * runs);
                    baseline.push(read as f64 / took.as_secs_f64());
                }
                Some((r, w)) => {
                    let sample = kinds[r].block_on(Case(&src, works[w].1));
                    results[r][w].push(sample);
                }
            }
        }
    }
    let base = stats::mean_interval(&baseline);

    println!(
        "\nmulti-thread std::fs baseline ({} threads): {:.0} notes/s (mean of {reps})\n",
        cores(),
        base.estimate
    );
    println!(
        "| runtime | workload | notes/s | % of baseline | p50 late (ms) | p99 late (ms) | max late (ms) | p99 over idle (ms) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let mut rows = Vec::new();
    for (r, kind) in kinds.iter().enumerate() {
        let runtime = format!("{kind} (one thread)");
        // The idle floor: the heartbeat alone after every reading on this runtime, pooled.
        let idle: Vec<Duration> = results[r]
            .iter()
            .flatten()
            .flat_map(|s| s.idle.iter().copied())
            .collect();
        // The floor against itself: 0 over idle (its own p99 is the `p99 late` column).
        let floor = Lateness {
            p99_over_idle_ms: 0.0,
            ..Lateness::of(&idle, 0.0)
        };
        let idle_p99 = floor.p99_ms;
        println!(
            "| {runtime} | idle (floor) | - | - | {:.3} | {:.3} | {:.3} | 0 |",
            floor.p50_ms, floor.p99_ms, floor.max_ms
        );
        rows.push(LagRow {
            runtime: runtime.clone(),
            workload: "idle (floor)".into(),
            idle: true,
            anti_pattern: false,
            notes_per_s: None,
            share_of_baseline: None,
            share_interval: None,
            run_interval: None,
            lateness: floor,
        });
        for (w, (label, work)) in works.iter().enumerate() {
            let samples = &results[r][w];
            let lateness: Vec<Duration> = samples
                .iter()
                .flat_map(|s| s.beats.iter().copied())
                .collect();
            let late = Lateness::of(&lateness, idle_p99);
            let (p50, p99, max) = (late.p50_ms, late.p99_ms, late.max_ms);
            assert!(samples.iter().all(|s| s.notes > 0 && s.notes % notes == 0));
            let rates: Vec<f64> = samples
                .iter()
                .map(|s| s.notes as f64 / s.took.as_secs_f64())
                .collect();
            let rate = stats::mean(&rates);
            let share = stats::paired_ratio(&rates, &baseline);
            println!(
                "| {runtime} | {label} | {rate:.0} | {:.0}% [{:.0}, {:.0}] | {p50:.3} | {p99:.3} | {max:.3} | {:+.3} |",
                share.estimate * 100.0,
                share.low * 100.0,
                share.high * 100.0,
                late.p99_over_idle_ms
            );
            rows.push(LagRow {
                runtime: runtime.clone(),
                workload: label.clone(),
                idle: false,
                anti_pattern: matches!(work, Work::StdInline),
                notes_per_s: Some(rate),
                share_of_baseline: Some(share.estimate),
                share_interval: Some((share.low, share.high)),
                run_interval: None,
                lateness: late,
            });
        }
    }
    write_results(
        "lag",
        &LagBench {
            notes,
            reps,
            runs: 1,
            threads: cores(),
            baseline_notes_per_s: base.estimate,
            rows,
        },
    );
}
