//! depth: how the depth of the notes' folder moves the plain loop and the library.
//!
//! The plain `std::fs` loop (`baseline::std_read`) opens each note by its whole path, so the
//! kernel walks every component of the folder's path for every note; the library opens each
//! note by its name in the folder's descriptor (`openat`), one name to resolve. One folder of
//! 10,000 notes is moved (`rename`, the same files) between `notes` under a new temporary
//! directory (where `smartnotes compare` writes its sample, and the lag bench its corpus) and
//! six folders deeper. Each repetition reads each of the four cases (both readers, both
//! places) once, in an order that rotates; every read is repeated for `READ_WINDOW` as
//! `compare` times it, the library's inside one single-threaded runtime. The figures are the
//! paired ratios of each reader's rate in the deep place to its rate in the shallow one, with
//! 95% intervals.
//!
//! `cargo bench --bench depth` (`-- --reps N` to change the repetitions). Not part of
//! `cargo xtask bench`: BENCHMARKS.md cites a run of it.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{SEED, cores, read_all};
use smartnotes::{RuntimeKind, Store, StoreJob, Strategy};
use smartnotes_bench_support::{READ_WINDOW, baseline, corpus, repeat_for, stats};
use smartnotes_local::StdFs;

/// The library's default strategy reading every note of a folder, again and again for
/// `READ_WINDOW`: runs, notes read, time taken.
struct Read<'a>(&'a Path);

impl StoreJob for Read<'_> {
    type Output = (usize, usize, Duration);
    async fn run<S: Store>(self, store: S) -> Self::Output {
        let start = Instant::now();
        let (mut runs, mut read) = (0, 0);
        while runs == 0 || start.elapsed() < READ_WINDOW {
            read += read_all(&store, self.0, Strategy::default()).await;
            runs += 1;
        }
        (runs, read, start.elapsed())
    }
}

fn main() {
    let mut reps = 8;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--reps" {
            reps = args.next().and_then(|v| v.parse().ok()).unwrap_or(reps);
        }
    }
    let notes = 10_000;
    let scratch = tempfile::tempdir().expect("a temporary directory");
    let shallow = scratch.path().join("notes");
    let deep: PathBuf = ["a", "b", "c", "d", "e", "f", "notes"]
        .iter()
        .fold(scratch.path().to_path_buf(), |path, part| path.join(part));
    corpus::write_corpus(&StdFs, &shallow, notes, SEED).expect("write the corpus");
    corpus::settle(&shallow).expect("write the corpus back");
    std::fs::create_dir_all(deep.parent().expect("a parent")).expect("the deep folders");
    let mut here = &shallow;
    let runtime = RuntimeKind::ALL[0];
    // rates[reader][folder]: reader 0 the plain loop, 1 the library; folder 0 shallow, 1 deep.
    let mut rates = [[Vec::new(), Vec::new()], [Vec::new(), Vec::new()]];
    for rep in 0..reps {
        for step in 0..4 {
            let case = (rep + step) % 4;
            let (reader, folder) = (case / 2, case % 2);
            let dir = if folder == 0 { &shallow } else { &deep };
            if here != dir {
                std::fs::rename(here, dir).expect("move the notes");
                here = dir;
            }
            let (runs, read, took) = match reader {
                0 => repeat_for(READ_WINDOW, || {
                    baseline::std_read(&baseline::note_paths(dir).expect("list"), cores())
                }),
                _ => runtime.block_on(Read(dir)),
            };
            assert_eq!(read, notes * runs);
            rates[reader][folder].push(read as f64 / took.as_secs_f64());
        }
    }
    let depth = |dir: &Path| dir.components().count();
    println!(
        "\n10,000 notes, {reps} repetitions; shallow: {} ({} components), deep: {} ({} components)\n",
        shallow.display(),
        depth(&shallow),
        deep.display(),
        depth(&deep)
    );
    println!("| reader | shallow (notes/s) | deep (notes/s) | deep / shallow |");
    println!("|---|---:|---:|---:|");
    let labels = [
        format!("std::fs loop, {} threads (baseline)", cores()),
        format!("library, default strategy, {runtime} (one thread)"),
    ];
    for (label, [near, far]) in labels.iter().zip(&rates) {
        let ratio = stats::paired_ratio(far, near);
        println!(
            "| {label} | {:.0} | {:.0} | {:.1}% [{:.1}, {:.1}] |",
            stats::mean(near),
            stats::mean(far),
            ratio.estimate * 100.0,
            ratio.low * 100.0,
            ratio.high * 100.0
        );
    }
}
