//! latency: the tutorials' "1 s -> 0.2 s", on a store where each operation waits 200 ms.
//!
//! Exports N notes to a [`SlowFs`] over memory, sequentially and concurrently, on tokio and on
//! smol. `cargo bench --bench latency` (add a filter such as `-- smol` to select). A quick run
//! (`SMARTNOTES_BENCH_QUICK=1`) leaves out the 3.2 s case of 1,000 notes 64 at a time.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{Rt, criterion_mean, quick, tokio_runtime, write_results};
use criterion::{Criterion, SamplingMode};
use futures_util::stream;
use smartnotes::{
    Fs, Latency, MemFs, Note, NoteFile, Options, SlowFs, Strategy, WriteMode, export_notes_with,
};

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

async fn export<F: Fs>(fs: &F, notes: &[NoteFile], strategy: Strategy) {
    let opts = Options::default()
        .strategy(strategy)
        .write_mode(WriteMode::Replace);
    let items = stream::iter(notes.iter().cloned().map(Ok));
    let report = export_notes_with(fs, Path::new("/out"), items, &opts)
        .await
        .expect("export");
    assert_eq!(report.exported.len(), notes.len());
}

fn id(rt: Rt, n: usize, label: &str) -> String {
    format!("{}-{label}-n{n}", rt.name())
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(400))
        .configure_from_args();
    let tokio = tokio_runtime();
    let mut group = c.benchmark_group("latency");
    group.sampling_mode(SamplingMode::Flat);
    for rt in Rt::ALL {
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
            group.bench_function(id(rt, n, label), |b| match rt {
                Rt::Tokio => {
                    let fs = SlowFs::new(
                        MemFs::new(smartnotes::tokio::TokioRuntime),
                        Latency::fixed(WAIT),
                    );
                    b.iter(|| tokio.block_on(export(&fs, &notes, strategy)))
                }
                Rt::Smol => {
                    let fs = SlowFs::new(
                        MemFs::new(smartnotes::smol::SmolRuntime),
                        Latency::fixed(WAIT),
                    );
                    b.iter(|| smartnotes::smol::block_on(export(&fs, &notes, strategy)))
                }
            });
        }
    }
    group.finish();
    c.final_summary();

    // The cases and their ideal times, for `cargo xtask bench` to join with criterion's estimates.
    let described: Vec<serde_json::Value> = Rt::ALL
        .iter()
        .flat_map(|&rt| {
            cases().iter().map(move |&(n, label, strategy)| {
                serde_json::json!({
                    "id": id(rt, n, label), "runtime": rt.name(), "notes": n,
                    "strategy": label, "ideal_s": ideal(n, strategy),
                })
            })
        })
        .collect();
    write_results(
        "latency",
        &serde_json::json!({ "wait_s": WAIT.as_secs_f64(), "cases": described }),
    );

    println!("\n| runtime | N | strategy | mean (s) | ideal (s) | off ideal |");
    println!("|---|---:|---|---:|---:|---:|");
    for rt in Rt::ALL {
        for &(n, label, strategy) in cases() {
            if let Some(mean) = criterion_mean("latency", &id(rt, n, label)) {
                let ideal = ideal(n, strategy);
                println!(
                    "| {} | {n} | {label} | {mean:.4} | {ideal:.1} | {:+.2}% |",
                    rt.name(),
                    (mean / ideal - 1.0) * 100.0
                );
            }
        }
    }
}
