//! `smartnotes compare [DIR]`: every runtime and strategy on the same notes, beside the plain
//! `std::fs` loops, measured in one run, interleaved, and one recommendation.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use smartnotes::support::lag::{heartbeat_while, median, percentile_ms};
use smartnotes::support::{baseline, corpus};
use smartnotes::{Options, Runtime, RuntimeKind, StdFs, Store, StoreExt, StoreJob, Strategy};

use crate::{Fatal, Outcome, ui};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The folder of notes to measure on; without it, a generated sample in a temporary
    /// directory (removed afterwards).
    dir: Option<PathBuf>,
    /// How many notes the generated sample has.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..))]
    notes: u32,
    /// Also measure the notes in subfolders of DIR.
    #[arg(short, long)]
    recursive: bool,
    /// Repetitions of every case, interleaved; the table shows medians.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    reps: u32,
}

/// The strategies compared, with their labels.
fn strategies() -> [(&'static str, Strategy); 4] {
    [
        ("sequential", Strategy::Sequential),
        ("concurrent (64)", Strategy::Concurrent { limit: 64 }),
        ("blocking (default)", Strategy::default()),
        ("blocking (responsive)", Strategy::responsive()),
    ]
}

/// One row of the table: medians over the repetitions.
#[derive(Default)]
struct Row {
    label: String,
    read: Vec<f64>,
    pipeline: Vec<f64>,
    /// Heartbeat lateness over idle at p99 per repetition (ms), while reading.
    lateness: Vec<f64>,
}

pub(crate) fn run(args: Args) -> Result<Outcome, Fatal> {
    let scratch =
        tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let src = match &args.dir {
        Some(dir) => {
            crate::existing(dir, "notes folder")?;
            dir.clone()
        }
        None => {
            let dir = scratch.path().join("notes");
            corpus::write_corpus(&StdFs, &dir, args.notes as usize, 2026)
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
    let threads = smartnotes::support::cores();

    let mut rows: Vec<Row> = Vec::new();
    rows.push(Row {
        label: format!("std::fs, {threads} threads (baseline)"),
        ..Row::default()
    });
    for kind in RuntimeKind::ALL {
        for (name, _) in strategies() {
            rows.push(Row {
                label: format!("{kind} | {name}"),
                ..Row::default()
            });
        }
    }
    let cases = u64::from(args.reps) * rows.len() as u64;
    let bar = ui::bar(
        cases,
        "{spinner} [{elapsed_precise}] [{bar:40}] {pos}/{len} runs",
        false,
    );
    let mut dest_n = 0;
    let mut fresh_dest = || {
        dest_n += 1;
        scratch.path().join(format!("out-{dest_n}"))
    };
    for _ in 0..args.reps {
        // The baseline, then every case, in the same order each repetition.
        let start = Instant::now();
        let read = baseline::std_read(&paths, threads);
        rows[0]
            .read
            .push(ui::rate(read as f64, start.elapsed().as_secs_f64()));
        let dest = fresh_dest();
        let start = Instant::now();
        let written = baseline::std_pipeline(&paths, &dest, threads)
            .map_err(|e| format!("baseline export to {}: {e}", dest.display()))?;
        rows[0]
            .pipeline
            .push(ui::rate(written as f64, start.elapsed().as_secs_f64()));
        let _ = std::fs::remove_dir_all(&dest);
        bar.inc(1);

        let mut row = 1;
        for kind in RuntimeKind::ALL {
            for (_, strategy) in strategies() {
                if ui::interrupted() {
                    bar.finish_and_clear();
                    println!("interrupted: no table (the temporary files are removed)");
                    return Ok(Outcome::Interrupted);
                }
                let opts = opts.clone().with_strategy(strategy);
                let dest = fresh_dest();
                let (read, late, written) = kind.block_on(Case {
                    paths: &paths,
                    opts: &opts,
                    dest: &dest,
                })?;
                let _ = std::fs::remove_dir_all(&dest);
                rows[row].read.push(read);
                rows[row].lateness.push(late);
                rows[row].pipeline.push(written);
                row += 1;
                bar.inc(1);
            }
        }
    }
    bar.finish_and_clear();
    print_table(&rows, notes, &src, args.reps);
    Ok(Outcome::Done)
}

/// The files the library reads under `src` with `opts` (the notes that parse: the same ones
/// the `std::fs` baseline counts).
struct Listing<'a> {
    src: &'a Path,
    opts: &'a Options,
}

impl StoreJob for Listing<'_> {
    type Output = Result<Vec<PathBuf>, Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let mut paths = Vec::new();
        let mut notes = fs.read_notes_with(self.src, self.opts);
        while let Some(item) = notes.next().await {
            match item {
                Ok(file) => paths.push(file.path),
                Err(smartnotes::Error::List { path, source }) if path == self.src => {
                    return Err(format!("cannot list {}: {source}", path.display()).into());
                }
                Err(_) => {}
            }
        }
        Ok(paths)
    }
}

/// One case: read every note beside a heartbeat (notes/s, p99 lateness over idle in ms), then
/// the full pipeline to `dest` (notes/s).
struct Case<'a> {
    paths: &'a [PathBuf],
    opts: &'a Options,
    dest: &'a Path,
}

impl StoreJob for Case<'_> {
    type Output = Result<(f64, f64, f64), Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let (paths, opts) = (self.paths, self.opts);
        let idle = p99_ms(
            heartbeat_while(fs.runtime(), fs.runtime().sleep(Duration::from_millis(50)))
                .await
                .1,
        );
        let start = Instant::now();
        // Notes that parsed, as the baseline counts them.
        let reading = fs
            .read_files(paths.to_vec(), opts)
            .filter(|note| std::future::ready(note.is_ok()))
            .count();
        let (read, lateness) = heartbeat_while(fs.runtime(), reading).await;
        let read_rate = ui::rate(read as f64, start.elapsed().as_secs_f64());

        let start = Instant::now();
        let notes = fs.read_files(paths.to_vec(), opts);
        let report = fs.export_with(self.dest, notes, opts).await?;
        let write_rate = ui::rate(report.exported.len() as f64, start.elapsed().as_secs_f64());
        Ok((read_rate, p99_ms(lateness) - idle, write_rate))
    }
}

fn p99_ms(samples: Vec<Duration>) -> f64 {
    let p99 = percentile_ms(&samples, 0.99);
    if p99.is_nan() { 0.0 } else { p99 }
}

fn print_table(rows: &[Row], notes: usize, src: &Path, reps: u32) {
    let read: Vec<f64> = rows.iter().map(|r| median(&r.read)).collect();
    let pipe: Vec<f64> = rows.iter().map(|r| median(&r.pipeline)).collect();
    let best_read = read.iter().copied().fold(0.0, f64::max);
    let best_pipe = pipe.iter().copied().fold(0.0, f64::max);
    println!(
        "\n{notes} notes in {}; medians of {reps} interleaved run{}; heartbeat: p99 lateness of a 1 ms timer on the same single-threaded loop, over idle\n",
        src.display(),
        if reps == 1 { "" } else { "s" }
    );
    println!(
        "{:<38} {:>10} {:>6} {:>12} {:>6} {:>12}",
        "runtime | strategy", "read/s", "%best", "pipeline/s", "%best", "heartbeat p99"
    );
    for (i, row) in rows.iter().enumerate() {
        let late = if row.lateness.is_empty() {
            "(threads)".to_string()
        } else {
            format!("{:+.2} ms", median(&row.lateness))
        };
        println!(
            "{:<38} {:>10.0} {:>5.0}% {:>12.0} {:>5.0}% {:>12}",
            row.label,
            read[i],
            100.0 * read[i] / best_read,
            pipe[i],
            100.0 * pipe[i] / best_pipe,
            late
        );
    }
    // The recommendation: differences under 10% in the pipeline are within this machine's
    // run-to-run noise, so among the cases within 10% of the fastest pipeline, the one that
    // reads fastest; and if its loop lateness is over 1 ms, the best that stays within it.
    let within = |i: usize| pipe[i] >= 0.9 * pipe[1..].iter().copied().fold(0.0, f64::max);
    let best = (1..rows.len())
        .filter(|&i| within(i))
        .max_by(|&a, &b| read[a].total_cmp(&read[b]));
    if let Some(best) = best {
        let late = median(&rows[best].lateness);
        let mut line = format!(
            "\nrecommended for this data: {} (read {:.0}% and full pipeline {:.0}% of std::fs; heartbeat {:+.2} ms)",
            rows[best].label.replace(" | ", " with "),
            100.0 * read[best] / read[0],
            100.0 * pipe[best] / pipe[0],
            late
        );
        let calm = (1..rows.len())
            .filter(|&i| within(i) && median(&rows[i].lateness) <= 1.0)
            .max_by(|&a, &b| read[a].total_cmp(&read[b]));
        if let Some(calm) = calm.filter(|_| late > 1.0) {
            line.push_str(&format!(
                "; if your loop must answer within 1 ms: {}",
                rows[calm].label.replace(" | ", " with ")
            ));
        }
        println!("{line}");
    }
}
