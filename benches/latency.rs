//! latency: the Python tutorials' "1 s -> 0.2 s", on a store where each operation waits 200 ms.
//!
//! Exports N notes to a [`SlowFs`] over memory, sequentially and concurrently, on tokio and on
//! smol. `cargo bench --bench latency` (add a filter such as `-- smol` to select). A quick run
//! (`SMARTNOTES_BENCH_QUICK=1`) leaves out the 3.2 s case of 1,000 notes 64 at a time.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{criterion_mean, executors, quick, write_results};
use criterion::{Criterion, SamplingMode};
use futures_util::stream;
use smartnotes::testing::{self, MemFs, SlowFs};
use smartnotes::{
    Note, NoteFile, Options, RuntimeKind, Store, StoreExt, StoreJob, Strategy, WriteMode,
};
use smartnotes_bench_support::results::{LatencyBench, LatencyCase};

const WAIT: Duration = Duration::from_millis(200);

const CASES: [(usize, &str, Strategy); 4] = [
    (5, "sequential", Strategy::Sequential),
    (5, "concurrent", Strategy::Concurrent { limit: 5 }),
    (
        1000,
        "concurrent-1000",
        Strategy::Concurrent { limit: 1000 },
    ),
    (1000, "concurrent-64", Strategy::Concurrent { limit: 64 }),
];

/// The cases of this run.
fn cases() -> &'static [(usize, &'static str, Strategy)] {
    if quick() { &CASES[..3] } else { &CASES }
}

fn ideal(n: usize, strategy: Strategy) -> f64 {
    let rounds = match strategy {
        Strategy::Concurrent { limit } => n.div_ceil(limit),
        _ => n,
    };
    rounds as f64 * WAIT.as_secs_f64()
}

async fn export<F: Store>(fs: &F, notes: &[NoteFile], strategy: Strategy) {
    let opts = Options::default()
        .with_strategy(strategy)
        .with_write_mode(WriteMode::Replace);
    let items = stream::iter(notes.iter().cloned().map(Ok));
    let report = fs
        .export_with(Path::new("/out"), items, &opts)
        .await
        .expect("export");
    assert_eq!(report.exported.len(), notes.len());
}

/// Exports the notes to a fresh slow store over memory, on the runtime of the store the
/// executor hands it.
struct SlowExport<'a>(&'a [NoteFile], Strategy);

impl StoreJob for SlowExport<'_> {
    type Output = ();
    async fn run<S: Store>(self, store: S) {
        let fs = SlowFs::new(
            MemFs::new(store.runtime().clone()),
            testing::Latency::fixed(WAIT),
        );
        export(&fs, self.0, self.1).await
    }
}

fn id(kind: RuntimeKind, n: usize, label: &str) -> String {
    format!("{kind}-{label}-n{n}")
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(400))
        .configure_from_args();
    let executors = executors();
    let mut group = c.benchmark_group("latency");
    group.sampling_mode(SamplingMode::Flat);
    for executor in &executors {
        for &(n, label, strategy) in cases() {
            let notes: Vec<NoteFile> = (0..n)
                .map(|i| {
                    NoteFile::new(
                        format!("mem:{i}"),
                        Note::new(format!("note {i}"), "body", ["t"]),
                    )
                })
                .collect();
            // Flat sampling: 10 samples of 2 iterations, or of 1 in a quick run.
            let per_case = if quick() { 9.5 } else { 11.0 };
            group.measurement_time(Duration::from_secs_f64(ideal(n, strategy) * per_case));
            group.bench_function(id(executor.kind(), n, label), |b| {
                b.iter(|| executor.block_on(SlowExport(&notes, strategy)))
            });
        }
    }
    group.finish();
    c.final_summary();

    // The cases and their ideal times, for `cargo xtask bench` to join with criterion's estimates.
    let described: Vec<LatencyCase> = RuntimeKind::ALL
        .iter()
        .flat_map(|&kind| {
            cases()
                .iter()
                .map(move |&(n, label, strategy)| LatencyCase {
                    id: id(kind, n, label),
                    runtime: kind.name().to_owned(),
                    notes: n,
                    strategy: label.to_owned(),
                    ideal_s: ideal(n, strategy),
                })
        })
        .collect();
    write_results(
        "latency",
        &LatencyBench {
            wait_s: WAIT.as_secs_f64(),
            cases: described,
        },
    );

    println!("\n| runtime | N | strategy | mean (s) | ideal (s) | off ideal |");
    println!("|---|---:|---|---:|---:|---:|");
    for &kind in RuntimeKind::ALL {
        for &(n, label, strategy) in cases() {
            if let Some(mean) = criterion_mean("latency", &id(kind, n, label)) {
                let ideal = ideal(n, strategy);
                println!(
                    "| {kind} | {n} | {label} | {mean:.4} | {ideal:.1} | {:+.2}% |",
                    (mean / ideal - 1.0) * 100.0
                );
            }
        }
    }
}
