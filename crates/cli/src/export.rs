//! `smartnotes export SRC DEST`: the pipeline.

use std::future::ready;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::ValueEnum;
use futures_util::StreamExt;
use serde::Serialize;
use smartnotes::{Options, Report, RuntimeKind, Store, StoreExt, StoreJob, Strategy};

use crate::{Fatal, Outcome, ui};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
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
    /// The async runtime: tokio or smol.
    #[arg(long, default_value = "tokio")]
    runtime: RuntimeKind,
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
pub(crate) enum StrategyArg {
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
        #[allow(unreachable_patterns)] // Strategy is non-exhaustive; the default is Blocking
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
    /// Notes read (exported, skipped or filtered out) before the export ended.
    processed: usize,
    interrupted: bool,
    seconds: f64,
    notes_per_second: f64,
    runtime: &'static str,
    strategy: String,
    dest: PathBuf,
    files: Vec<FileJson>,
}

pub(crate) fn run(args: Args) -> Result<Outcome, Fatal> {
    let strategy = args.strategy()?;
    crate::existing(&args.src, "notes folder")?;
    let opts = Options::default()
        .with_strategy(strategy)
        .with_recursive(args.recursive)
        .with_exclude(&args.dest);
    let start = Instant::now();
    let (report, processed, filtered_out) = args.runtime.block_on(Export {
        args: &args,
        opts: &opts,
    })?;
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
        processed,
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

/// The pipeline with progress, tag filter and Ctrl-C: (report, notes read, notes filtered
/// out).
struct Export<'a> {
    args: &'a Args,
    opts: &'a Options,
}

impl StoreJob for Export<'_> {
    type Output = Result<(Report, usize, usize), Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let (args, opts) = (self.args, self.opts);
        let bar = ui::spinner(
            "{spinner} [{elapsed_precise}] {pos} notes ({per_sec})",
            args.json,
        );
        let tags: Vec<String> = args.tags.iter().map(|t| t.to_lowercase()).collect();
        let (processed, filtered) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let notes = fs
            .read_notes_with(&args.src, opts)
            .take_while(|_| ready(!ui::interrupted()))
            .inspect(|_| {
                processed.fetch_add(1, Ordering::Relaxed);
                bar.inc(1);
            })
            .filter(|item| {
                let keep = match item {
                    Ok(file) => tags.is_empty() || tags.iter().any(|t| file.note.has_tag(t)),
                    Err(_) => true, // a failure is reported, never filtered away
                };
                if !keep {
                    filtered.fetch_add(1, Ordering::Relaxed);
                }
                ready(keep)
            });
        let report = fs.export_with(&args.dest, notes, opts).await?;
        bar.finish_and_clear();
        Ok((report, processed.into_inner(), filtered.into_inner()))
    }
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
            "interrupted after {} note{}; the rest were not read, and every file in {} is complete",
            s.processed,
            if s.processed == 1 { "" } else { "s" },
            dest.display()
        );
    }
}
