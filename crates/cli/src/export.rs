//! `smartnotes export SRC DEST`: the pipeline.

use std::future::ready;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::ValueEnum;
use futures_util::StreamExt;
use serde::Serialize;
use smartnotes::{Fs, Options, Report, Strategy, export_notes_with, list_notes, load_notes};

use crate::{Fatal, Outcome, RuntimeArg, on_runtime, ui};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The folder of notes (`*.md`) to export.
    src: PathBuf,
    /// Where to write them; created if needed. Existing files are never overwritten.
    dest: PathBuf,
    /// Also export the notes in subfolders (hidden folders and links to folders are skipped).
    #[arg(short, long)]
    recursive: bool,
    /// Export only notes with this tag (repeat for any of several tags; case-insensitive).
    #[arg(short, long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// The async runtime.
    #[arg(long, value_enum, default_value = "tokio")]
    runtime: RuntimeArg,
    /// How the I/O is done: sequential (one file at a time), concurrent (many async operations
    /// in flight), blocking (batches of std::fs work on the blocking pool: fastest on local disks).
    #[arg(long, value_enum, default_value = "blocking")]
    strategy: StrategyArg,
    /// Operations in flight (concurrent; default 64) or batches in flight (blocking; default
    /// twice the cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    limit: Option<u32>,
    /// Files per blocking batch (blocking only; default 256).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    batch: Option<u32>,
    /// Print one JSON object on stdout instead of text (and no progress bar).
    #[arg(long)]
    json: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrategyArg {
    Sequential,
    Concurrent,
    Blocking,
}

impl Args {
    fn strategy(&self) -> Result<Strategy, Fatal> {
        if self.batch.is_some() && self.strategy != StrategyArg::Blocking {
            return Err("--batch applies to --strategy blocking only".into());
        }
        let default = Strategy::default();
        Ok(match self.strategy {
            StrategyArg::Sequential if self.limit.is_some() => {
                return Err("--limit applies to --strategy concurrent or blocking".into());
            }
            StrategyArg::Sequential => Strategy::Sequential,
            StrategyArg::Concurrent => Strategy::Concurrent {
                limit: self.limit.map_or(64, |n| n as usize),
            },
            StrategyArg::Blocking => match default {
                Strategy::Blocking { batch, in_flight } => Strategy::Blocking {
                    batch: self.batch.map_or(batch, |n| n as usize),
                    in_flight: self.limit.map_or(in_flight, |n| n as usize),
                },
                other => other,
            },
        })
    }
}

#[derive(Serialize)]
struct SkippedJson {
    path: PathBuf,
    reason: String,
}

#[derive(Serialize)]
struct FileJson {
    source: PathBuf,
    path: PathBuf,
}

#[derive(Serialize)]
struct Summary {
    exported: usize,
    skipped: Vec<SkippedJson>,
    /// Notes read but left out by `--tag`.
    filtered_out: usize,
    /// Files listed but not processed because of Ctrl-C.
    not_processed: usize,
    interrupted: bool,
    seconds: f64,
    notes_per_second: f64,
    runtime: &'static str,
    strategy: String,
    dest: PathBuf,
    files: Vec<FileJson>,
}

pub fn run(args: Args) -> Result<Outcome, Fatal> {
    let strategy = args.strategy()?;
    crate::existing(&args.src, "notes folder")?;
    let opts = Options::default()
        .strategy(strategy)
        .recursive(args.recursive)
        .exclude(&args.dest);
    let start = Instant::now();
    let (report, listed, processed, filtered_out) =
        on_runtime!(args.runtime, |fs| export(&fs, &args, &opts))?;
    let seconds = start.elapsed().as_secs_f64();
    let interrupted = ui::interrupted();
    let summary = Summary {
        exported: report.exported.len(),
        skipped: report
            .skipped
            .iter()
            .map(|s| SkippedJson {
                path: s.source.clone(),
                reason: s.reason(),
            })
            .collect(),
        filtered_out,
        not_processed: listed - processed,
        interrupted,
        seconds,
        notes_per_second: ui::rate(report.exported.len() as f64, seconds),
        runtime: args.runtime.name(),
        strategy: strategy.to_string(),
        dest: args.dest.clone(),
        files: report
            .exported
            .iter()
            .map(|e| FileJson {
                source: e.source.clone(),
                path: e.path.clone(),
            })
            .collect(),
    };
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print_summary(&summary, &args.dest);
    }
    Ok(if interrupted {
        Outcome::Interrupted
    } else if summary.skipped.is_empty() {
        Outcome::Done
    } else {
        Outcome::Skipped
    })
}

/// The pipeline with progress, tag filter and Ctrl-C: (report, files listed, files processed,
/// notes filtered out).
async fn export<F: Fs>(
    fs: &F,
    args: &Args,
    opts: &Options,
) -> Result<(Report, usize, usize, usize), Fatal> {
    let listed = list_notes(fs, &args.src, opts).await?;
    let total = listed.len();
    let bar = ui::bar(
        total as u64,
        "{spinner} [{elapsed_precise}] [{bar:40}] {pos}/{len} notes ({per_sec})",
        args.json,
    );
    let tags: Vec<String> = args.tags.iter().map(|t| t.to_lowercase()).collect();
    let processed = std::cell::Cell::new(0_usize);
    let filtered = std::cell::Cell::new(0_usize);
    let notes = load_notes(fs, listed, opts)
        .take_while(|_| ready(!ui::interrupted()))
        .inspect(|_| {
            processed.set(processed.get() + 1);
            bar.inc(1);
        })
        .filter(|item| {
            let keep = match item {
                Ok(file) => tags.is_empty() || tags.iter().any(|t| file.note.has_tag(t)),
                Err(_) => true, // a failure is reported, never filtered away
            };
            if !keep {
                filtered.set(filtered.get() + 1);
            }
            ready(keep)
        });
    let report = export_notes_with(fs, &args.dest, notes, opts).await?;
    bar.finish_and_clear();
    Ok((report, total, processed.get(), filtered.get()))
}

fn print_summary(s: &Summary, dest: &Path) {
    for skipped in &s.skipped {
        eprintln!(
            "smartnotes: skipped {}: {}",
            skipped.path.display(),
            skipped.reason
        );
    }
    println!(
        "exported {} note{} to {} in {:.2} s ({:.0} notes/s, {} on {})",
        s.exported,
        if s.exported == 1 { "" } else { "s" },
        dest.display(),
        s.seconds,
        s.notes_per_second,
        s.strategy,
        s.runtime,
    );
    if !s.skipped.is_empty() {
        println!(
            "skipped {} (listed above on stderr, each with its reason)",
            s.skipped.len()
        );
    }
    if s.filtered_out > 0 {
        println!("left out {} without the requested tags", s.filtered_out);
    }
    if s.interrupted {
        println!(
            "interrupted: {} listed note{} not processed; every file in {} is complete",
            s.not_processed,
            if s.not_processed == 1 { "" } else { "s" },
            dest.display()
        );
    }
}
