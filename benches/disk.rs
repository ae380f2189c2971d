//! disk: reading and exporting a generated corpus of ~1 KiB notes in the page cache, with every
//! strategy on both runtimes, beside the `std::fs` loops a user would write instead (one
//! thread, and one thread per core). Exports also run on tmpfs (`/dev/shm`).
//!
//! `cargo bench --bench disk` (select with a filter: `-- disk-read-10000`, `-- tmpfs`). A quick
//! run (`SMARTNOTES_BENCH_QUICK=1`) benches 1,000 notes with four strategies, reads and tmpfs
//! exports only (exports to the real disk are file-creation bound and slow to measure), for a
//! shorter time. Each group times its multi-thread `std::fs` baseline first and again last
//! (`std-N-threads-end`): the two differ when the machine's load drifted during the group.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{
    Scratch, cores, corpus_dir, criterion_mean, disk_base, executors, export_on, quick, read_on,
    std_pipeline, std_read, strategies, tmpfs_base,
};
use criterion::{BatchSize, Criterion, Throughput};
use smartnotes::{Executor, RuntimeKind};

const SIZES: [usize; 2] = [1_000, 10_000];

/// The corpus sizes of this run.
fn sizes() -> &'static [usize] {
    if quick() { &SIZES[..1] } else { &SIZES }
}

fn ids() -> Vec<String> {
    let mut ids = vec![
        "std-1-thread".to_owned(),
        format!("std-{}-threads", cores()),
    ];
    for kind in RuntimeKind::ALL {
        for (label, _) in strategies() {
            ids.push(format!("{kind}-{label}"));
        }
    }
    ids.push(format!("std-{}-threads-end", cores()));
    ids
}

fn bench_read(c: &mut Criterion, executors: &[Executor], src: &Path, n: usize) {
    let mut group = c.benchmark_group(format!("disk-read-{n}"));
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("std-1-thread", |b| {
        b.iter(|| assert_eq!(std_read(src, 1), n))
    });
    group.bench_function(format!("std-{}-threads", cores()), |b| {
        b.iter(|| assert_eq!(std_read(src, cores()), n))
    });
    for executor in executors {
        for (label, strategy) in strategies() {
            group.bench_function(format!("{}-{label}", executor.kind()), |b| {
                b.iter(|| assert_eq!(read_on(executor, src, strategy), n))
            });
        }
    }
    // The baseline again, last: how much the machine's load drifted during the group.
    group.bench_function(format!("std-{}-threads-end", cores()), |b| {
        b.iter(|| assert_eq!(std_read(src, cores()), n))
    });
    group.finish();
}

fn bench_pipeline(
    c: &mut Criterion,
    executors: &[Executor],
    name: &str,
    base: &Path,
    src: &Path,
    n: usize,
) {
    let mut group = c.benchmark_group(format!("{name}-pipeline-{n}"));
    group.throughput(Throughput::Elements(n as u64));
    let fresh = || Scratch::new(base);
    // Each case exports into a fresh directory, removed outside the measurement.
    let mut case = |id: String, export: &dyn Fn(&Path) -> usize| {
        group.bench_function(id, |b| {
            b.iter_batched(fresh, |out| (export(&out.0), out), BatchSize::PerIteration)
        });
    };
    case("std-1-thread".into(), &|out| std_pipeline(src, out, 1));
    case(format!("std-{}-threads", cores()), &|out| {
        std_pipeline(src, out, cores())
    });
    for executor in executors {
        for (label, strategy) in strategies() {
            case(format!("{}-{label}", executor.kind()), &|out| {
                export_on(executor, src, out, strategy)
            });
        }
    }
    // The baseline again, last: how much the machine's load drifted during the group.
    case(format!("std-{}-threads-end", cores()), &|out| {
        std_pipeline(src, out, cores())
    });
    group.finish();
}

fn summary(group: &str, n: usize) {
    let ids = ids();
    let baseline = format!("std-{}-threads", cores());
    let Some(base) = criterion_mean(group, &baseline) else {
        return;
    };
    println!("\n### {group}\n");
    println!("| implementation | notes/s | % of {baseline} |");
    println!("|---|---:|---:|");
    for id in &ids {
        if let Some(mean) = criterion_mean(group, id) {
            println!(
                "| {id} | {:.0} | {:.0}% |",
                n as f64 / mean,
                base / mean * 100.0
            );
        }
    }
}

fn main() {
    let (warm_up, measure) = if quick() { (200, 1000) } else { (500, 2000) };
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(warm_up))
        .measurement_time(Duration::from_millis(measure))
        .configure_from_args();
    let executors = executors();
    let disk = disk_base();
    let tmpfs = tmpfs_base();
    let mut groups = Vec::new();
    for &n in sizes() {
        let src = corpus_dir(&disk, n);
        bench_read(&mut c, &executors, &src, n);
        groups.push((format!("disk-read-{n}"), n));
        if !quick() || tmpfs.is_none() {
            bench_pipeline(&mut c, &executors, "disk", &disk, &src, n);
            groups.push((format!("disk-pipeline-{n}"), n));
        }
        if let Some(tmpfs) = &tmpfs {
            let src = corpus_dir(tmpfs, n);
            bench_pipeline(&mut c, &executors, "tmpfs", tmpfs, &src, n);
            groups.push((format!("tmpfs-pipeline-{n}"), n));
        }
    }
    if let Some(tmpfs) = &tmpfs {
        let _ = std::fs::remove_dir_all(tmpfs);
    }
    c.final_summary();
    for (group, n) in groups {
        summary(&group, n);
    }
}
