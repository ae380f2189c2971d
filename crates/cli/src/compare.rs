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
//! * The decision rests on reading (read + parse of the notes, as paired ratios to the
//!   baseline): the work the runtimes and strategies do differently. The full pipeline adds
//!   writing every note into the temporary directory, the file system's work, which swings with
//!   the disk's state (from 1,200 to 29,000 notes/s for the same case on the machine this was
//!   tuned on), so it is shown, with its interval, but not ranked.
//! * First the strategy (each strategy's reading averaged over the runtimes), then the runtime
//!   (each runtime's reading averaged over the strategies kept); a winner is named only when
//!   [`compare_paired`] finds it ahead of every other by more than [`MARGIN`], else the tie is
//!   stated. Deciding in two steps keeps two small differences (one of strategy, one of
//!   runtime) from adding up to one that is named in some runs and not in others.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use smartnotes::{Options, Runtime, RuntimeKind, Store, StoreExt, StoreJob, Strategy};
use smartnotes_local::StdFs;
use smartnotes_measure::lag::Lateness;
use smartnotes_measure::lag::heartbeat_while;
use smartnotes_measure::stats::{
    Comparison, Interval, compare_paired, mean_interval, paired_ratio,
};
use smartnotes_measure::{baseline, corpus};

use crate::{Fatal, Outcome, ui};

/// Differences smaller than this (20%) are not named. Between runs on the same data, the ratio
/// of two cases' reading moved by up to about 20% on a busy 2-core machine (tokio / smol from
/// 1.06 to 1.28, the default batches / the responsive ones from 1.04 to 1.20). With 10% the
/// verdict changed from run to run; with 20%, 10 runs in a row agreed.
const MARGIN: f64 = 0.20;

/// The heartbeat's lateness over the idle floor that a responsive loop stays within.
const RESPONSIVE_MS: f64 = 1.0;

/// How long the reading of one case lasts at least: the notes are read again until this much
/// time has passed, so a small folder still gives the heartbeat enough beats for a p99 and the
/// read rate enough time to be measured.
const WINDOW: Duration = Duration::from_millis(200);

/// How long the heartbeat runs alone before each reading: its idle floor.
const IDLE: Duration = Duration::from_millis(100);

/// Fewer repetitions than this give rough intervals, and the output says so.
const FEW_REPS: u32 = 5;

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
    /// Repetitions; each runs every case once, in rotating order. The table shows means with
    /// their 95% intervals.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    reps: u32,
}

/// The strategies compared, labelled by their `--strategy` names (with the CLI's defaults for
/// each): `uring` where this process can use io_uring.
fn strategies() -> Vec<(&'static str, Strategy)> {
    let mut list = vec![
        ("sequential", Strategy::Sequential),
        ("concurrent", Strategy::concurrent(64)),
        ("blocking", Strategy::blocking()),
        ("responsive", Strategy::responsive()),
    ];
    if let (Ok(()), Strategy::Blocking { batch, in_flight }) =
        (smartnotes::store::uring_backend(), Strategy::blocking())
    {
        list.push(("uring", Strategy::Uring { batch, in_flight }));
    }
    list
}

/// One case of the comparison and what was measured of it, one entry per repetition.
struct Row {
    /// The runtime and strategy; none for the `std::fs` baseline.
    config: Option<(RuntimeKind, &'static str, Strategy)>,
    /// Notes read and parsed per second.
    read: Vec<f64>,
    /// Notes read, parsed and exported per second.
    pipeline: Vec<f64>,
    /// The heartbeat's p99 lateness while reading, ms.
    p99: Vec<f64>,
    /// The heartbeat's p99 lateness alone, just before, on the same loop, ms.
    idle: Vec<f64>,
    /// `p99` less `idle`, ms: used to judge responsiveness, never printed (noise can make it
    /// negative).
    over_idle: Vec<f64>,
}

impl Row {
    fn new(config: Option<(RuntimeKind, &'static str, Strategy)>) -> Self {
        Self {
            config,
            read: Vec::new(),
            pipeline: Vec::new(),
            p99: Vec::new(),
            idle: Vec::new(),
            over_idle: Vec::new(),
        }
    }

    /// `tokio | sequential`, or the baseline's label.
    fn label(&self, threads: usize) -> String {
        match self.config {
            Some((kind, name, _)) => format!("{kind} | {name}"),
            None => format!("std::fs, {threads} threads (baseline)"),
        }
    }
}

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
    let threads = smartnotes_measure::cores();

    let mut rows = vec![Row::new(None)];
    for &kind in RuntimeKind::ALL {
        for (name, strategy) in strategies() {
            rows.push(Row::new(Some((kind, name, strategy))));
        }
    }
    let runs = u64::from(args.reps) * rows.len() as u64;
    // What the exports occupy until the end: every note in a block of its own, at least.
    let footprint: u64 = paths
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()).div_ceil(4096) * 4096)
        .sum::<u64>()
        * runs;
    let exports = scratch.path().join("exports");
    let bar = ui::bar(
        runs,
        "{spinner} [{elapsed_precise}] [{bar:40}] {pos}/{len} runs",
        false,
    );
    for rep in 0..args.reps as usize {
        // Every case once, starting one further each repetition: first reading (with the
        // heartbeat), then the full pipeline, so the exports of one repetition run back to
        // back, close in time.
        let order: Vec<usize> = (0..rows.len())
            .map(|step| (rep + step) % rows.len())
            .collect();
        for &i in &order {
            if ui::interrupted() {
                return Ok(interrupted(&bar));
            }
            let row = &mut rows[i];
            match row.config {
                None => row.read.push(std_read(&paths, threads)),
                Some((kind, _, strategy)) => {
                    let opts = opts.clone().with_strategy(strategy);
                    let (read, idle, lateness) = kind.block_on(Reading {
                        paths: &paths,
                        opts: &opts,
                    });
                    row.read.push(read);
                    row.p99.push(lateness.p99_ms);
                    row.idle.push(idle);
                    row.over_idle.push(lateness.p99_over_idle_ms);
                }
            }
        }
        for &i in &order {
            if ui::interrupted() {
                return Ok(interrupted(&bar));
            }
            // A new folder for every run; none is removed before the end.
            let dest = exports.join(format!("case-{i}-rep-{rep}"));
            let row = &mut rows[i];
            let pipeline = match row.config {
                None => std_pipeline(&paths, threads, &dest)?,
                Some((kind, _, strategy)) => {
                    let opts = opts.clone().with_strategy(strategy);
                    kind.block_on(Exporting {
                        paths: &paths,
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
        report(&rows, notes, &src, args.reps, threads, footprint)
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

/// The plain `std::fs` read loop on `threads` threads: notes/s, reading again until
/// [`WINDOW`] has passed.
fn std_read(paths: &[PathBuf], threads: usize) -> f64 {
    let start = Instant::now();
    let mut read = 0;
    loop {
        read += baseline::std_read(paths, threads);
        if start.elapsed() >= WINDOW {
            break;
        }
    }
    ui::rate(read as f64, start.elapsed().as_secs_f64())
}

/// The plain `std::fs` pipeline on `threads` threads into `dest`: notes/s.
fn std_pipeline(paths: &[PathBuf], threads: usize, dest: &Path) -> Result<f64, Fatal> {
    let start = Instant::now();
    let written = baseline::std_pipeline(paths, dest, threads)
        .map_err(|e| format!("baseline export to {}: {e}", dest.display()))?;
    Ok(ui::rate(written as f64, start.elapsed().as_secs_f64()))
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

/// Reading, on one runtime and strategy: the heartbeat alone for [`IDLE`] (the idle floor),
/// then every note read and parsed (again, until [`WINDOW`] has passed) beside the heartbeat.
/// Notes/s, the idle floor's p99 (ms), and the heartbeat's lateness while reading against it.
struct Reading<'a> {
    paths: &'a [PathBuf],
    opts: &'a Options,
}

impl StoreJob for Reading<'_> {
    type Output = (f64, f64, Lateness);

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let (paths, opts) = (self.paths, self.opts);
        let (_, idle) = heartbeat_while(fs.runtime(), fs.runtime().sleep(IDLE)).await;
        let idle_p99 = Lateness::of(&idle, 0.0).p99_ms;
        let start = Instant::now();
        let reading = async {
            let mut read = 0;
            loop {
                // Notes that parsed, as the baseline counts them.
                read += fs
                    .read_files(paths.to_vec(), opts)
                    .filter(|note| std::future::ready(note.is_ok()))
                    .count()
                    .await;
                if start.elapsed() >= WINDOW {
                    break read;
                }
            }
        };
        let (read, beats) = heartbeat_while(fs.runtime(), reading).await;
        let read = ui::rate(read as f64, start.elapsed().as_secs_f64());
        (read, idle_p99, Lateness::of(&beats, idle_p99))
    }
}

/// The full pipeline, on one runtime and strategy: read every note and export it to `dest`.
/// Notes/s.
struct Exporting<'a> {
    paths: &'a [PathBuf],
    opts: &'a Options,
    dest: &'a Path,
}

impl StoreJob for Exporting<'_> {
    type Output = Result<f64, Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let start = Instant::now();
        let notes = fs.read_files(self.paths.to_vec(), self.opts);
        let report = fs.export_with(self.dest, notes, self.opts).await?;
        Ok(ui::rate(
            report.exported.len() as f64,
            start.elapsed().as_secs_f64(),
        ))
    }
}

/// The header, the table, the recommendation and how it was reached.
fn report(
    rows: &[Row],
    notes: usize,
    src: &Path,
    reps: u32,
    threads: usize,
    footprint: u64,
) -> String {
    let mut out = String::new();
    let base = &rows[0];
    let _ = writeln!(
        out,
        "\n{notes} notes in {}; {reps} repetition{}, each running every case once in rotating \
         order; means with their 95% intervals [low, high]{}.\n\
         Exports: each run into a new folder of its own, nothing deleted until the end (about \
         {:.0} MB), then all removed. Heartbeat: p99 lateness of a 1 ms timer on the same \
         single-threaded loop while reading, beside its idle floor (the timer alone, same run).\n",
        src.display(),
        if reps == 1 { "" } else { "s" },
        if reps < FEW_REPS {
            " (few repetitions: the intervals are rough)"
        } else {
            ""
        },
        footprint as f64 / 1e6,
    );
    let idle_floor: Vec<(RuntimeKind, Interval)> = RuntimeKind::ALL
        .iter()
        .map(|&kind| {
            let idle: Vec<f64> = rows
                .iter()
                .filter(|r| r.config.is_some_and(|(k, _, _)| k == kind))
                .flat_map(|r| r.idle.iter().copied())
                .collect();
            (kind, mean_interval(&idle))
        })
        .collect();
    let _ = writeln!(
        out,
        "{:<32} {:>19} {:>20} {:>22} {:>20}   heartbeat p99, ms (idle)",
        "runtime | strategy", "read notes/s", "x std::fs", "pipeline notes/s", "x std::fs"
    );
    for row in rows {
        let (read_ratio, pipe_ratio, heartbeat) = match row.config {
            None => ("1".into(), "1".into(), "(threads)".into()),
            Some((kind, _, _)) => {
                let idle = idle_floor.iter().find(|(k, _)| *k == kind).map(|f| f.1);
                (
                    with_interval(paired_ratio(&row.read, &base.read), ratio),
                    with_interval(paired_ratio(&row.pipeline, &base.pipeline), ratio),
                    format!(
                        "{} (idle {})",
                        with_interval(mean_interval(&row.p99), ms),
                        idle.map_or_else(|| "?".into(), |i| ms(i.estimate))
                    ),
                )
            }
        };
        let _ = writeln!(
            out,
            "{:<32} {:>19} {:>20} {:>22} {:>20}   {heartbeat}",
            row.label(threads),
            with_interval(mean_interval(&row.read), rate),
            read_ratio,
            with_interval(mean_interval(&row.pipeline), rate),
            pipe_ratio,
        );
    }
    let floors: Vec<String> = idle_floor
        .iter()
        .map(|(kind, i)| format!("{kind} {} ms", with_interval(*i, ms)))
        .collect();
    let _ = writeln!(
        out,
        "idle floor (the heartbeat alone): {}",
        floors.join(", ")
    );
    let decision = Decision::of(rows);
    let _ = writeln!(out, "\n{}", decision.recommendation());
    if let Some(hint) = decision.responsive_hint(rows) {
        let _ = writeln!(out, "{hint}");
    }
    let _ = writeln!(out, "\n{}", decision.reasons(base));
    out
}

/// Per repetition, the mean over the cases with one of `strategies` on one of `kinds` of the
/// series `f` picks (the read rate, or the heartbeat over idle).
fn pooled(
    rows: &[Row],
    strategies: &[&str],
    kinds: &[RuntimeKind],
    f: impl Fn(&Row) -> Vec<f64>,
) -> Vec<f64> {
    let series: Vec<Vec<f64>> = rows
        .iter()
        .filter(|r| {
            r.config
                .is_some_and(|(k, s, _)| kinds.contains(&k) && strategies.contains(&s))
        })
        .map(f)
        .collect();
    let reps = series.iter().map(Vec::len).min().unwrap_or(0);
    (0..reps)
        .map(|i| series.iter().map(|s| s[i]).sum::<f64>() / series.len() as f64)
        .collect()
}

/// The candidates of one step of the decision (strategies, or runtimes), each with its pooled
/// reading per repetition: the best by its ratio to the baseline, and those it does not beat
/// by more than [`MARGIN`] (itself included), in the given order.
fn tied<T: Copy>(candidates: &[(T, Vec<f64>)], base: &[f64]) -> Vec<T> {
    let Some((_, best)) = candidates.iter().max_by(|a, b| {
        paired_ratio(&a.1, base)
            .estimate
            .total_cmp(&paired_ratio(&b.1, base).estimate)
    }) else {
        return Vec::new();
    };
    candidates
        .iter()
        .filter(|(_, c)| compare_paired(best, c, MARGIN).1 != Comparison::Better)
        .map(|(t, _)| *t)
        .collect()
}

/// What the reading says: the strategies kept (equal: not told apart beyond [`MARGIN`]), then
/// the runtimes kept with them.
struct Decision {
    /// Every strategy's reading, averaged over the runtimes, per repetition.
    strategies: Vec<(&'static str, Vec<f64>)>,
    /// The strategies kept.
    kept: Vec<&'static str>,
    /// Every runtime's reading, averaged over the kept strategies, per repetition.
    runtimes: Vec<(RuntimeKind, Vec<f64>)>,
    /// The runtimes kept.
    kinds: Vec<RuntimeKind>,
}

impl Decision {
    fn of(rows: &[Row]) -> Self {
        let base = &rows[0].read;
        let strategies: Vec<(&'static str, Vec<f64>)> = strategies()
            .iter()
            .map(|&(name, _)| {
                let read = pooled(rows, &[name], RuntimeKind::ALL, |r| r.read.clone());
                (name, read)
            })
            .collect();
        let kept = tied(&strategies, base);
        let runtimes: Vec<(RuntimeKind, Vec<f64>)> = RuntimeKind::ALL
            .iter()
            .map(|&kind| (kind, pooled(rows, &kept, &[kind], |r| r.read.clone())))
            .collect();
        let kinds = tied(&runtimes, base);
        Self {
            strategies,
            kept,
            runtimes,
            kinds,
        }
    }

    /// One line, with no figure in it (the figures follow in [`Decision::reasons`]).
    fn recommendation(&self) -> String {
        let names: Vec<&str> = self.kinds.iter().map(|k| k.name()).collect();
        let strategies = match self.kept.as_slice() {
            [one] => format!("strategy {one}"),
            many => format!("strategy {} (equal)", join(many, "or")),
        };
        let runtimes = if names.len() > 1 {
            format!(
                "; {} are equal here: use the one you run",
                join(&names, "and")
            )
        } else {
            format!(" on {}", join(&names, "or"))
        };
        let equal = if self.kept.len() > 1 || names.len() > 1 {
            format!(
                " (equal: within noise, or not clearly {:.0}% apart)",
                MARGIN * 100.0
            )
        } else {
            String::new()
        };
        format!(
            "recommended for this data: {strategies}{runtimes}{equal} (`export --strategy NAME`)"
        )
    }

    /// When a recommended strategy keeps the loop late by clearly more than
    /// [`RESPONSIVE_MS`] over idle while reading: the recommended ones that do not (or, if
    /// none, the fastest-reading ones that do not). Judged on the heartbeat over its idle
    /// floor, averaged over the kept runtimes; "clearly" means its whole interval.
    fn responsive_hint(&self, rows: &[Row]) -> Option<String> {
        let late = |name: &str| {
            let over = pooled(rows, &[name], &self.kinds, |r| r.over_idle.clone());
            !over.is_empty() && mean_interval(&over).low > RESPONSIVE_MS
        };
        if !self.kept.iter().any(|s| late(s)) {
            return None;
        }
        let mut calm: Vec<&str> = self.kept.iter().copied().filter(|s| !late(s)).collect();
        if calm.is_empty() {
            let candidates: Vec<(&'static str, Vec<f64>)> = self
                .strategies
                .iter()
                .filter(|(s, _)| !late(s))
                .cloned()
                .collect();
            calm = tied(&candidates, &rows[0].read);
        }
        if calm.is_empty() {
            return None;
        }
        let late: Vec<&str> = self.kept.iter().copied().filter(|s| late(s)).collect();
        Some(format!(
            "if your event loop must answer within {RESPONSIVE_MS:.0} ms while reading: {}; its \
             heartbeat p99 is not clearly more than {RESPONSIVE_MS:.0} ms over idle here, while \
             with {} it is",
            join(&calm, "or"),
            join(&late, "or")
        ))
    }

    /// The figures behind the decision, and what it leaves out.
    fn reasons(&self, base: &Row) -> String {
        let strategies: Vec<String> = self
            .strategies
            .iter()
            .map(|(name, read)| {
                format!(
                    "{name} {}",
                    with_interval(paired_ratio(read, &base.read), ratio)
                )
            })
            .collect();
        let mut why = format!(
            "How: decided on reading (read + parse), each repetition against std::fs.\n\
             First the strategy, averaged over the runtimes: {}.",
            strategies.join(", ")
        );
        if let [(a, ra), (b, rb)] = self.runtimes.as_slice() {
            let (ab, _) = compare_paired(ra, rb, MARGIN);
            let _ = write!(
                why,
                "\nThen the runtime, over the strategies kept: {a} / {b} {}.",
                with_interval(ab, ratio)
            );
        }
        let (low, high) = base
            .pipeline
            .iter()
            .fold((f64::INFINITY, 0.0_f64), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let _ = write!(
            why,
            "\nDifferences under {:.0}% are not named.\n\
             The full pipeline adds writing every note into the temporary directory: the file \
             system's work, the same for every case,\nwhich swings with the disk's state \
             (std::fs's own ran at {} to {} notes/s between repetitions here), so it is shown \
             but not ranked.",
            MARGIN * 100.0,
            rate(low),
            rate(high),
        );
        why
    }
}

/// `127k`, `1.52k`, `812`: three significant figures, enough for figures with a noise of a few
/// percent.
fn rate(v: f64) -> String {
    if v >= 100_000.0 {
        format!("{:.0}k", v / 1e3)
    } else if v >= 10_000.0 {
        format!("{:.1}k", v / 1e3)
    } else if v >= 1_000.0 {
        format!("{:.2}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// A figure and its 95% interval, each shown by `f`: `1.52k [1.48k, 1.56k]`.
fn with_interval(i: Interval, f: impl Fn(f64) -> String) -> String {
    format!("{} [{}, {}]", f(i.estimate), f(i.low), f(i.high))
}

fn ratio(v: f64) -> String {
    format!("{v:.2}x")
}

fn ms(v: f64) -> String {
    format!("{v:.2}")
}

/// Names joined as prose with `word`: `a`, `a or b`, `a, b or c`.
fn join(names: &[&str], word: &str) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}
