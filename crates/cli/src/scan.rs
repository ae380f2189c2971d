//! `smartnotes scan FILE`: the log analyzer.

use std::time::Instant;

use futures_util::StreamExt;
use serde::Serialize;
use smartnotes::{RuntimeKind, ScanProgress, Store, StoreExt, StoreJob};

use crate::place::{Location, Place, RetryArgs};
use crate::{Fatal, Outcome, ui};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The file to scan (any size: it is read in a fixed 1 MiB buffer), or `s3://BUCKET/KEY`
    /// (read in ranged requests of up to 8 MiB, two in flight).
    #[arg(value_parser = crate::place::location())]
    file: Location,
    /// Count the lines that contain this text (bytes, case-sensitive; not a regex).
    #[arg(short, long, default_value = "ERROR")]
    pattern: String,
    /// The async runtime: tokio or smol.
    #[arg(long, default_value = "tokio")]
    runtime: RuntimeKind,
    /// Print one JSON object on stdout instead of text (and no progress bar).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    retry: RetryArgs,
}

#[derive(Serialize)]
struct Summary<'a> {
    file: String,
    pattern: &'a str,
    matching_lines: u64,
    bytes: u64,
    seconds: f64,
    gb_per_second: f64,
    interrupted: bool,
    runtime: &'static str,
}

pub(crate) fn run(args: Args) -> Result<Outcome, Fatal> {
    let bar = match &args.file {
        Location::Local(file) => {
            let size = std::fs::metadata(file)
                .map_err(|e| format!("cannot open {}: {e}", file.display()))?
                .len();
            ui::bar(
                size,
                "{spinner} [{elapsed_precise}] [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec})",
                args.json,
            )
        }
        Location::S3 { .. } => ui::spinner(
            "{spinner} [{elapsed_precise}] {bytes} ({bytes_per_sec})",
            args.json,
        ),
    };
    let start = Instant::now();
    let last = args.runtime.block_on(Scan {
        args: &args,
        bar: &bar,
    })?;
    let seconds = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let interrupted = !last.done;
    let summary = Summary {
        file: args.file.to_string(),
        pattern: &args.pattern,
        matching_lines: last.matching_lines,
        bytes: last.bytes,
        seconds,
        gb_per_second: ui::rate(last.bytes as f64 / 1e9, seconds),
        interrupted,
        runtime: args.runtime.name(),
    };
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        println!(
            "{} matching line{} for {:?} in {}: {} bytes in {:.3} s ({:.2} GB/s, {})",
            summary.matching_lines,
            if summary.matching_lines == 1 { "" } else { "s" },
            summary.pattern,
            summary.file,
            summary.bytes,
            seconds,
            summary.gb_per_second,
            summary.runtime,
        );
        if interrupted {
            println!(
                "interrupted: counted over the first {} bytes only",
                summary.bytes
            );
        }
    }
    Ok(if interrupted {
        Outcome::Interrupted
    } else {
        Outcome::Done
    })
}

/// The scan, one progress report per blocking job; stops early on Ctrl-C.
struct Scan<'a> {
    args: &'a Args,
    bar: &'a indicatif::ProgressBar,
}

impl StoreJob for Scan<'_> {
    type Output = Result<ScanProgress, Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let args = self.args;
        let file = Place::open(&args.file, fs.runtime().clone(), args.retry)?;
        scan(&file, args, self.bar).await
    }
}

/// The scan of `args.file` in `fs`, the bar following it; stops early on Ctrl-C.
async fn scan<F: Store>(
    fs: &F,
    args: &Args,
    bar: &indicatif::ProgressBar,
) -> Result<ScanProgress, Fatal> {
    let mut reports = fs.scan_matching(args.file.path(), &args.pattern);
    let mut last = ScanProgress::default();
    while let Some(report) = reports.next().await {
        last = report.map_err(|e| crate::place::fatal(&args.file, e))?;
        bar.set_position(last.bytes);
        if ui::interrupted() {
            break;
        }
    }
    Ok(last)
}
