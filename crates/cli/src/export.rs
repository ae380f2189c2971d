//! `smartnotes export SRC DEST`: the pipeline.

use std::future::ready;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::ValueEnum;
use futures_util::StreamExt;
use serde::Serialize;
use smartnotes::{
    Layout, Names, Options, Report, RuntimeKind, Store, StoreExt, StoreJob, Strategy, WriteMode,
};

use crate::{Fatal, Outcome, ui};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The folder of notes (`*.md`) to export.
    src: PathBuf,
    /// Where to write them; created if needed. A file already there with the same content is
    /// left as it is (counted unchanged); one with other content is never overwritten unless
    /// --replace is given.
    dest: PathBuf,
    /// Also export the notes in subfolders, mirroring them under DEST (links to folders are
    /// not followed).
    #[arg(short, long)]
    recursive: bool,
    /// Put every note directly in DEST instead of mirroring the folders of SRC.
    #[arg(long)]
    flat: bool,
    /// How exported files are named: slug (from the title: lowercase words joined by `-`) or
    /// keep (the source file's own name, so wiki links keep resolving).
    #[arg(long, value_enum, default_value = "slug")]
    names: NamesArg,
    /// Replace a file in DEST whose content differs (atomically). Without it such a note is
    /// skipped with its reason and the file is left as it is.
    #[arg(long)]
    replace: bool,
    /// Also read hidden files and folders (names starting with `.`), skipped by default.
    #[arg(long)]
    hidden: bool,
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
pub(crate) enum NamesArg {
    /// From the title, made safe.
    Slug,
    /// The source file's own name (made safe only where it is not).
    Keep,
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
    /// Already there with the same content: nothing was written.
    unchanged: bool,
}

#[derive(Serialize)]
struct Summary {
    exported: usize,
    skipped: Vec<SkippedJson>,
    /// Notes read but left out by `--tag`.
    /// Notes already in DEST with the same content (an earlier export): nothing written.
    unchanged: usize,
    /// Hidden files and folders passed over (see --hidden).
    hidden: usize,
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
        .with_exclude(&args.dest)
        .with_hidden(args.hidden)
        .with_layout(if args.flat {
            Layout::Flat
        } else {
            Layout::Mirror
        })
        .with_names(match args.names {
            NamesArg::Slug => Names::Slug,
            NamesArg::Keep => Names::Keep,
        })
        .with_write_mode(if args.replace {
            WriteMode::Replace
        } else {
            WriteMode::CreateNew
        });
    let start = Instant::now();
    let (report, processed, filtered_out, hidden) = args.runtime.block_on(Export {
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
        unchanged: report.unchanged.len(),
        hidden,
        filtered_out,
        processed,
        interrupted,
        seconds,
        notes_per_second: ui::rate(report.exported.len() as f64, seconds),
        runtime: args.runtime.name(),
        strategy: strategy.to_string(),
        dest: args.dest.clone(),
        files: (report.exported.iter().map(|e| (e, false)))
            .chain(report.unchanged.iter().map(|e| (e, true)))
            .map(|(e, unchanged)| FileJson {
                source: e.source.clone(),
                path: e.path.clone(),
                unchanged,
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
/// out, hidden entries passed over).
struct Export<'a> {
    args: &'a Args,
    opts: &'a Options,
}

impl StoreJob for Export<'_> {
    type Output = Result<(Report, usize, usize, usize), Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let (args, opts) = (self.args, self.opts);
        let bar = ui::spinner(
            "{spinner} [{elapsed_precise}] {pos} notes ({per_sec})",
            args.json,
        );
        let tags: Vec<String> = args.tags.iter().map(|t| t.to_lowercase()).collect();
        let (processed, filtered) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let notes = fs.read_notes_with(&args.src, opts);
        let hidden = notes.hidden();
        let notes = notes
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
        let (processed, filtered) = (processed.into_inner(), filtered.into_inner());
        Ok((report, processed, filtered, hidden.get()))
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
    if s.unchanged > 0 {
        println!(
            "unchanged {} (already in {} with the same content: nothing written)",
            s.unchanged,
            dest.display()
        );
    }
    if s.filtered_out > 0 {
        println!("left out {} without the requested tags", s.filtered_out);
    }
    if s.hidden > 0 {
        println!(
            "passed over {} hidden file{} or folder{} (names starting with `.`; --hidden reads them)",
            s.hidden,
            if s.hidden == 1 { "" } else { "s" },
            if s.hidden == 1 { "" } else { "s" },
        );
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
