//! depth: how the depth of the notes' folder moves the plain loop and the library.
//!
//! The plain `std::fs` loop (`baseline::std_read`) opens each note by its whole path, so the
//! kernel walks every component of the folder's path for every note; the library opens each
//! note by its name in the folder's descriptor (`openat`), one name to resolve. One folder of
//! 10,000 notes is moved (`rename`, the same files) between a new temporary directory (the
//! depth at which `smartnotes compare` writes its sample, and the lag bench its corpus) and
//! six folders deeper. Each repetition reads each of the four cases (both readers, both
//! places) once, in an order that rotates; every read is repeated for `READ_WINDOW` as
//! `compare` times it, the library's on a new single-threaded runtime beside the heartbeat, as
//! `compare` reads a case. The figures are the paired ratios of each reader's rate in the deep
//! place to its rate in the shallow one, with 95% intervals.
//!
//! `cargo bench --bench depth` (`-- --reps N` to change the repetitions). Not part of
//! `cargo xtask bench`: BENCHMARKS.md cites a run of it.

mod common;

use std::path::{Path, PathBuf};

use common::{cores, corpus_dir, read_all, std_read};
use smartnotes::{RuntimeKind, Store, StoreJob, Strategy};
use smartnotes_bench_support::lag::{Reading, reading};
use smartnotes_bench_support::{READ_WINDOW, corpus, repeat_for, stats};

/// The library's default strategy reading every note of a folder, as `compare` and the lag
/// bench read a case ([`reading`]: again and again for `READ_WINDOW` beside the heartbeat).
struct Read<'a>(&'a Path);

impl StoreJob for Read<'_> {
    type Output = Reading;
    async fn run<S: Store>(self, store: S) -> Reading {
        reading(store.runtime(), READ_WINDOW, || {
            read_all(&store, self.0, Strategy::default())
        })
        .await
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
    let shallow = corpus_dir(scratch.path(), notes);
    corpus::settle(&shallow).expect("write the corpus back");
    let deep: PathBuf = ["a", "b", "c", "d", "e", "f"]
        .iter()
        .fold(scratch.path().to_path_buf(), |path, part| path.join(part))
        .join(shallow.file_name().expect("a folder name"));
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
            let (read, took) = match reader {
                0 => {
                    let (_, read, took) = repeat_for(READ_WINDOW, || std_read(dir, cores()));
                    (read, took)
                }
                _ => {
                    let taken = runtime.block_on(Read(dir));
                    (taken.notes, taken.took)
                }
            };
            assert!(read > 0 && read % notes == 0, "every note, every time");
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
