//! `smartnotes compare [DIR]`: every runtime and strategy on the same notes, beside the plain
//! `std::fs` loops, measured in one run, interleaved, every figure with its 95% interval, and
//! a recommendation only as far as the measurements support one.
//!
//! How it measures:
//! * Each repetition runs every case once (the `std::fs` baseline is one of them), starting one
//!   case further each time, so a change of the machine's load lands on every case alike and
//!   cancels out of the per-repetition ratios to the baseline. Within a repetition, every case
//!   reads first, then every case runs the full pipeline, so the exports run back to back.
//! * Every export goes into a folder of its own, new, under the temporary directory, and
//!   nothing is deleted until all measurement is done: creating files right after deleting
//!   thousands is slow on some file systems (ext4 with `discard`), which would charge one case
//!   for the previous one's clean-up.
//! * A reading is timed over at least [`READ_WINDOW`](smartnotes_measure::READ_WINDOW) of
//!   back-to-back reads, as the benches time theirs; beside the baseline, the lean limit
//!   (`baseline::lean_read`) is one more case of the rotation when a folder is read whole. A
//!   generated sample is written back to the disk before anything is timed.
//! * The decision rests on reading (read + parse of the notes, as paired ratios to the
//!   baseline): the work the runtimes and strategies do differently. The full pipeline adds
//!   writing every note into the temporary directory, the file system's work, which swings with
//!   the disk's state (from 1,200 to 29,000 notes/s for the same case on the machine this was
//!   tuned on), so it is shown, with its interval, but not ranked.
//! * First the strategy (each strategy's reading averaged over the runtimes), then the runtime
//!   (each runtime's reading averaged over the strategies kept); a winner is named only when
//!   [`compare_paired`](smartnotes_measure::stats::compare_paired) finds it ahead of every other by more than [`MARGIN`](cases::MARGIN), else the tie is
//!   stated. Deciding in two steps keeps two small differences (one of strategy, one of
//!   runtime) from adding up to one that is named in some runs and not in others.

use std::path::PathBuf;

use smartnotes::{Options, RuntimeKind};
use smartnotes_local::StdFs;
use smartnotes_measure::{baseline, corpus};

use crate::{Fatal, Outcome, ui};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The folder of notes to measure on; without it, a generated sample in a temporary
    /// directory (removed afterwards).
    dir: Option<PathBuf>,
    /// How many notes the generated sample has.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..))]
    notes: u32,
    /// Also measure the notes in subfolders of DIR.
    #[arg(short, long)]
    recursive: bool,
    /// Repetitions; each runs every case once, in rotating order. The table shows means with
    /// their 95% intervals.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    reps: u32,
}

/// How many notes (the first in name order) the full pipeline is measured on.
const PIPELINE_NOTES: usize = 2_000;

pub(crate) fn run(args: Args) -> Result<Outcome, Fatal> {
    let scratch =
        tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let src = match &args.dir {
        Some(dir) => {
            crate::notes_folder(dir)?;
            dir.clone()
        }
        None => {
            let dir = scratch.path().join("notes");
            // Written back to the disk before anything is timed (as the benches do), so the
            // kernel's write-back of 10,000 new files does not run beside the first readings.
            corpus::write_corpus(&StdFs, &dir, args.notes as usize, 2026)
                .and_then(|()| corpus::settle(&dir))
                .map_err(|e| format!("cannot write the sample notes to {}: {e}", dir.display()))?;
            println!(
                "no DIR given: measuring on {} generated notes in {} (removed afterwards)",
                args.notes,
                dir.display()
            );
            dir
        }
    };
    let opts = Options::default().with_recursive(args.recursive);
    let paths = RuntimeKind::ALL[0].block_on(Listing {
        src: &src,
        opts: &opts,
    })?;
    let notes = baseline::std_read(&paths, 1);
    if notes == 0 {
        return Err(format!("no readable notes in {}", src.display()).into());
    }
    let threads = smartnotes_measure::cores();
    // A folder is read as the disk bench reads it: listed inside the timing, on both sides,
    // when both sides list the same notes (the library passes over hidden and ignored files,
    // the plain loop lists every `*.md`); else both read the files listed once, beforehand.
    let same_notes = !args.recursive
        && baseline::note_paths(&src).is_ok_and(|listed| listed.len() == paths.len());
    let source = if same_notes {
        Source::Folder(&src)
    } else {
        Source::Listed(&paths)
    };

    let mut rows = vec![Row::new(None)];
    for &kind in RuntimeKind::ALL {
        for (name, strategy) in strategies() {
            rows.push(Row::new(Some((kind, name, strategy))));
        }
    }
    // The limit (the lean read), beside the baseline, where the folder is read as a whole:
    // measured in the rotation as one more case, after the rows.
    let mut limit: Option<Vec<f64>> = matches!(source, Source::Folder(_)).then(Vec::new);
    let runs = u64::from(args.reps) * rows.len() as u64;
    // What the exports occupy until the end: every note in a block of its own, at least.
    // The full pipeline runs on the first `PIPELINE_NOTES` of them: every case's export of
    // every repetition stays until the end, and all of 10,000 notes would take some 3.6 GB.
    let exported = &paths[..paths.len().min(PIPELINE_NOTES)];
    let footprint: u64 = exported
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()).div_ceil(4096) * 4096)
        .sum::<u64>()
        * runs;
    let exports = scratch.path().join("exports");
    // Each case is run twice a repetition: reading, then exporting.
    let limit_runs = limit.as_ref().map_or(0, |_| u64::from(args.reps));
    let bar = ui::bar(
        2 * runs + limit_runs,
        "{spinner} [{elapsed_precise}] [{bar:40}] {pos}/{len} runs",
        false,
    );
    // Every case once a repetition, starting one further each time. All the reading first
    // (with the heartbeat), as the disk bench reads: an export's written pages are flushed to
    // the disk for seconds after it, and reading beside that flush measured the library's two
    // threads 10-25% slower than the plain loop's. Then the full pipeline, repetition by
    // repetition, so the exports of one repetition run back to back, close in time.
    let cases = rows.len();
    let order = |rep: usize, cases: usize| -> Vec<usize> {
        (0..cases).map(|step| (rep + step) % cases).collect()
    };
    let reading = cases + usize::from(limit.is_some());
    for rep in 0..args.reps as usize {
        for i in order(rep, reading) {
            if ui::interrupted() {
                return Ok(interrupted(&bar));
            }
            if i == cases {
                if let (Some(limit), Source::Folder(dir)) = (&mut limit, source) {
                    limit.push(lean_read(dir, threads)?);
                }
                bar.inc(1);
                continue;
            }
            let row = &mut rows[i];
            match row.config {
                None => row.read.push(std_read(source, threads)?),
                Some((kind, _, strategy)) => {
                    let opts = opts.clone().with_strategy(strategy);
                    let (read, idle, lateness) = kind.block_on(Reading {
                        source,
                        opts: &opts,
                    });
                    row.read.push(read);
                    row.p99.push(lateness.p99_ms);
                    row.idle.push(idle);
                    row.over_idle.push(lateness.p99_over_idle_ms);
                }
            }
            bar.inc(1);
        }
    }
    for rep in 0..args.reps as usize {
        for i in order(rep, cases) {
            if ui::interrupted() {
                return Ok(interrupted(&bar));
            }
            // A new folder for every run; none is removed before the end.
            let dest = exports.join(format!("case-{i}-rep-{rep}"));
            let row = &mut rows[i];
            let pipeline = match row.config {
                None => std_pipeline(exported, threads, &dest)?,
                Some((kind, _, strategy)) => {
                    let opts = opts.clone().with_strategy(strategy);
                    kind.block_on(Exporting {
                        paths: exported,
                        opts: &opts,
                        dest: &dest,
                    })?
                }
            };
            row.pipeline.push(pipeline);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    print!(
        "{}",
        report(
            &rows,
            limit.as_deref(),
            (notes, exported.len()),
            &src,
            args.reps,
            threads,
            footprint
        )
    );
    // The sample and every export; this can take a while (many small files).
    let spinner = ui::spinner("{spinner} removing the temporary files ({elapsed})", false);
    let scratch_path = scratch.path().to_path_buf();
    let removed = scratch.close();
    spinner.finish_and_clear();
    if let Err(e) = removed {
        eprintln!(
            "smartnotes: warning: cannot remove {}: {e}",
            scratch_path.display()
        );
    }
    Ok(Outcome::Done)
}

/// Stops at Ctrl-C: no table.
fn interrupted(bar: &indicatif::ProgressBar) -> Outcome {
    bar.finish_and_clear();
    println!("interrupted: no table (the temporary files are removed)");
    Outcome::Interrupted
}

mod cases;
mod decide;
mod format;
mod measure;
mod print;

use cases::{Row, strategies};
use measure::{Exporting, Listing, Reading, Source, lean_read, std_pipeline, std_read};
use print::report;
