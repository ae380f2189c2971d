//! disk: reading and exporting a generated corpus of ~1 KiB notes, with every strategy on both
//! runtimes, beside the `std::fs` loops a user would write instead (one thread, and one thread
//! per core). Exports also run on tmpfs (`/dev/shm`).
//!
//! Measured for ratios: every repetition runs every case of a group once, in an order that
//! rotates from one repetition to the next, after one untimed warm-up pass. A read is timed
//! over a window (`READ_WINDOW`, 200 ms) of back-to-back reads, as `smartnotes compare` times
//! it; an export once. A change of the
//! machine's load then moves a case and its baseline alike within a repetition, and cancels
//! out of the per-repetition ratio; `cargo xtask bench` reports each ratio's mean with its 95%
//! interval, and the baseline's own rate and drift as the machine's state.
//!
//! Exports write into a fresh folder per run; the folders of a repetition are removed after
//! it, outside the timings, so every case meets the same create-after-delete conditions in
//! turn.
//!
//! On tmpfs, the largest corpus also has an unchanged re-run group per runtime: the first
//! export into a fresh folder, then the same export again into it (every note unchanged,
//! nothing written), both timed in each repetition.
//!
//! `cargo bench --bench disk [-- --reps N] [-- FILTER]` (a group name part: `read`, `tmpfs`, `rerun`,
//! `10000`). A quick run (`SMARTNOTES_BENCH_QUICK=1`) benches 1,000 notes with four strategies,
//! reads and tmpfs exports only, 5 repetitions.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::Executor;
use common::{
    cores, corpus_dir, disk_base, executors, export_on, quick, read_on, std_pipeline, std_read,
    strategies, tmpfs_base, write_results,
};
use smartnotes_bench_support::corpus::settle;
use smartnotes_bench_support::results::{DiskBench, RatioCase, RatioGroup, Work};
use smartnotes_bench_support::{READ_WINDOW, repeat_for};

const SIZES: [usize; 2] = [1_000, 10_000];

/// One case: the `std::fs` loop on some threads, or the library on a runtime and a strategy.
enum Case<'a> {
    Std(usize),
    /// The lean limit on threads (reads only).
    Lean(usize),
    /// An async peer (reads only).
    TokioFs,
    AsyncFs,
    #[cfg(target_os = "linux")]
    CompioFs,
    Lib(&'a Executor, smartnotes::Strategy),
}

impl Case<'_> {
    /// Runs the case once on `src` (exporting to `out` for a pipeline); the notes it handled.
    fn run(&self, work: Work, src: &Path, out: &Path) -> usize {
        match (self, work) {
            (Case::Std(threads), Work::Read) => std_read(src, *threads),
            (Case::Std(threads), Work::Pipeline) => std_pipeline(src, out, *threads),
            (Case::Lean(threads), _) => common::lean_read(src, *threads),
            (Case::TokioFs, _) => common::peers::tokio_fs(src),
            (Case::AsyncFs, _) => common::peers::async_fs(src),
            #[cfg(target_os = "linux")]
            (Case::CompioFs, _) => common::peers::compio_fs(src),
            (Case::Lib(executor, strategy), Work::Read) => read_on(executor, src, *strategy),
            (Case::Lib(executor, strategy), Work::Pipeline) => {
                export_on(executor, src, out, *strategy)
            }
        }
    }
}

/// Times every case of a group `reps` times, interleaved, rotating the order.
fn group(
    name: String,
    medium: &str,
    work: Work,
    (src, base): (&Path, &Path),
    n: usize,
    reps: usize,
    executors: &[Executor],
) -> RatioGroup {
    let mut cases: Vec<(RatioCase, Case<'_>)> = vec![
        (std_case("std-1-thread".into()), Case::Std(1)),
        (
            std_case(format!("std-{}-threads", cores())),
            Case::Std(cores()),
        ),
    ];
    if work == Work::Read {
        cases.push((
            std_case(format!("lean-{}-threads", cores())),
            Case::Lean(cores()),
        ));
        let limit = common::peers::LIMIT;
        cases.push((std_case(format!("tokio-fs-{limit}")), Case::TokioFs));
        cases.push((std_case(format!("async-fs-{limit}")), Case::AsyncFs));
        #[cfg(target_os = "linux")]
        cases.push((std_case(format!("compio-fs-{limit}")), Case::CompioFs));
    }
    for executor in executors {
        for (label, strategy) in strategies() {
            let case = RatioCase {
                id: format!("{}-{label}", executor.kind()),
                runtime: Some(executor.kind().name().to_owned()),
                strategy: Some(label),
                seconds: Vec::new(),
            };
            cases.push((case, Case::Lib(executor, strategy)));
        }
    }
    let out = |rep: usize, i: usize| base.join(format!("{name}-rep{rep}-case{i}"));
    // Warm-up: one untimed run of every case (page cache, thread pools, allocator).
    for (i, (_, case)) in cases.iter().enumerate() {
        assert_eq!(case.run(work, src, &out(usize::MAX, i)), n);
    }
    clean(base, &name);
    for rep in 0..reps {
        for k in 0..cases.len() {
            let i = (k + rep) % cases.len();
            let (record, case) = &mut cases[i];
            // A read is timed over a window of back-to-back reads (as `compare` times it), its
            // seconds per read recorded; an export once (a second run into the same folder
            // would be an unchanged re-run, another work).
            let (runs, done, took) = match work {
                Work::Read => repeat_for(READ_WINDOW, || case.run(work, src, &out(rep, i))),
                Work::Pipeline => {
                    let start = Instant::now();
                    let done = case.run(work, src, &out(rep, i));
                    (1, done, start.elapsed())
                }
            };
            record.seconds.push(took.as_secs_f64() / runs as f64);
            assert_eq!(done, n * runs, "{name} {}", record.id);
        }
        clean(base, &name);
    }
    let baseline = format!("std-{}-threads", cores());
    print_group(&name, n, &baseline, cases.iter().map(|(c, _)| c));
    RatioGroup {
        name,
        work,
        medium: medium.into(),
        notes: n,
        baseline,
        cases: cases.into_iter().map(|(c, _)| c).collect(),
    }
}

/// An unchanged re-run beside the first export, on one runtime with the default strategy: each
/// repetition exports into a fresh folder (`{runtime}-first`, the baseline), then exports the
/// same notes into it again (`{runtime}-rerun`: every note found unchanged, nothing written).
fn rerun_group(
    executor: &Executor,
    (src, base): (&Path, &Path),
    n: usize,
    reps: usize,
) -> RatioGroup {
    let runtime = executor.kind().name().to_owned();
    let name = format!("tmpfs-rerun-{n}-{runtime}");
    let case = |what: &str| RatioCase {
        id: format!("{runtime}-{what}"),
        runtime: Some(runtime.clone()),
        strategy: Some("default".into()),
        seconds: Vec::new(),
    };
    let (mut first, mut rerun) = (case("first"), case("rerun"));
    let strategy = smartnotes::Strategy::default();
    for rep in 0..=reps {
        let out = base.join(format!("{name}-rep{rep}"));
        let start = Instant::now();
        let done = common::export_counts(executor, src, &out, strategy);
        let took = start.elapsed().as_secs_f64();
        assert_eq!(done, (n, 0), "{name}: first export");
        let start = Instant::now();
        let again = common::export_counts(executor, src, &out, strategy);
        let took_again = start.elapsed().as_secs_f64();
        assert_eq!(again, (0, n), "{name}: re-run");
        clean(base, &name);
        if rep > 0 {
            // The first repetition is the warm-up.
            first.seconds.push(took);
            rerun.seconds.push(took_again);
        }
    }
    let cases = vec![first, rerun];
    let baseline = format!("{runtime}-first");
    print_group(&name, n, &baseline, cases.iter());
    RatioGroup {
        name,
        work: Work::Pipeline,
        medium: "tmpfs".into(),
        notes: n,
        baseline,
        cases,
    }
}

fn std_case(id: String) -> RatioCase {
    RatioCase {
        id,
        runtime: None,
        strategy: None,
        seconds: Vec::new(),
    }
}

/// Removes the export folders of a group (outside any timing).
fn clean(base: &Path, group: &str) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(group) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The group as a table of medians: notes/s and the median of the per-repetition ratios (the
/// report adds the intervals).
fn print_group<'a>(
    name: &str,
    n: usize,
    baseline: &str,
    cases: impl Iterator<Item = &'a RatioCase> + Clone,
) {
    let Some(base) = cases.clone().find(|c| c.id == baseline) else {
        return;
    };
    println!("\n### {name}\n\n| case | notes/s (median) | ratio to {baseline} (median) |");
    println!("|---|---:|---:|");
    for case in cases {
        let ratios: Vec<f64> = base
            .seconds
            .iter()
            .zip(&case.seconds)
            .map(|(b, c)| b / c)
            .collect();
        let rates: Vec<f64> = case.seconds.iter().map(|s| n as f64 / s).collect();
        println!(
            "| {} | {:.0} | {:.3} |",
            case.id,
            smartnotes_bench_support::lag::median(&rates),
            smartnotes_bench_support::lag::median(&ratios)
        );
    }
}

fn main() {
    let mut reps = if quick() { 5 } else { 12 };
    let mut filter = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reps" => reps = args.next().and_then(|v| v.parse().ok()).unwrap_or(reps),
            "--bench" => {}
            other if !other.starts_with('-') => filter = Some(other.to_owned()),
            _ => {}
        }
    }
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let sizes: &[usize] = if quick() { &SIZES[..1] } else { &SIZES };
    let executors = executors();
    let disk = disk_base();
    let tmpfs = tmpfs_base();
    let mut groups = Vec::new();
    // Every corpus first, written back to the disk before anything is timed; then every read
    // group, before any export: an export's written pages go on being written back (and a
    // removed export's blocks freed) for seconds after it. When the 10,000-note read group
    // followed the 1,000-note exports, its plain loop took 38-68 ms a read (39 ms in that group
    // run alone) and moved the group's ratios by a tenth.
    let corpora: Vec<(usize, PathBuf)> = sizes.iter().map(|&n| (n, corpus_dir(&disk, n))).collect();
    settle(&disk).expect("write the corpora back to the disk");
    for (n, src) in &corpora {
        let name = format!("disk-read-{n}");
        if wanted(&name) {
            groups.push(group(
                name,
                "disk",
                Work::Read,
                (src, &disk),
                *n,
                reps,
                &executors,
            ));
        }
    }
    for (n, src) in &corpora {
        let n = *n;
        let name = format!("disk-pipeline-{n}");
        if (!quick() || tmpfs.is_none()) && wanted(&name) {
            let work = (src.as_path(), disk.as_path());
            groups.push(group(
                name,
                "disk",
                Work::Pipeline,
                work,
                n,
                reps,
                &executors,
            ));
        }
        if let Some(tmpfs) = &tmpfs {
            let name = format!("tmpfs-pipeline-{n}");
            if wanted(&name) {
                let src: PathBuf = corpus_dir(tmpfs, n);
                let work = (src.as_path(), tmpfs.as_path());
                groups.push(group(
                    name,
                    "tmpfs",
                    Work::Pipeline,
                    work,
                    n,
                    reps,
                    &executors,
                ));
            }
            if n == *sizes.last().unwrap_or(&n) {
                for executor in &executors {
                    let name = format!("tmpfs-rerun-{n}-{}", executor.kind().name());
                    if wanted(&name) {
                        let src: PathBuf = corpus_dir(tmpfs, n);
                        groups.push(rerun_group(executor, (&src, tmpfs), n, reps));
                    }
                }
            }
        }
    }
    if let Some(tmpfs) = &tmpfs {
        let _ = std::fs::remove_dir_all(tmpfs);
    }
    write_results("disk", &DiskBench { reps, groups });
}
