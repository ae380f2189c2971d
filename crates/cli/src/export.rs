//! `smartnotes export SRC DEST`: the pipeline.

use std::future::ready;
use std::io::{Seek, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::ValueEnum;
use futures_util::StreamExt;
use serde::Serialize;
use smartnotes::{
    Layout, Names, Options, Outcome as ExportOutcome, RuntimeKind, Store, StoreExt, StoreJob,
    Strategy, WriteMode,
};

use crate::place::{Location, Place, RetryArgs, StrategyArg, fatal};
use crate::{Fatal, Outcome, ui};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The folder of notes (`*.md`) to export: a local folder or `s3://BUCKET/PREFIX` (the
    /// bucket reached with the AWS_* environment variables: AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT, AWS_ALLOW_HTTP).
    #[arg(value_parser = crate::place::location())]
    src: Location,
    /// Where to write them (a local folder, created if needed, or `s3://BUCKET/PREFIX`). A file
    /// already there with the same content is left as it is (counted unchanged); one with other
    /// content is never overwritten unless --replace is given.
    #[arg(value_parser = crate::place::location())]
    dest: Location,
    /// Also export the notes in subfolders, mirroring them under DEST (links to folders are
    /// not followed).
    #[arg(short, long)]
    recursive: bool,
    /// Put every note directly in DEST instead of mirroring the folders of SRC (with
    /// --recursive: a flat folder is exported flat already).
    #[arg(long, requires = "recursive")]
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
    /// Do not honour ignore files (by default `.export-ignore` in any folder, and `.gitignore`
    /// and `.ignore` in a git repository, gitignore syntax, as ripgrep does).
    #[arg(long)]
    no_ignore: bool,
    /// Leave out the files and folders that match this glob (gitignore syntax, from SRC;
    /// repeatable; wins over the ignore files). Counted as ignored.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Give each exported note its source's modification time (static-site generators date
    /// pages by it), also an unchanged one. Local DEST only: a bucket sets an object's
    /// Last-Modified itself; from a bucket, each object's Last-Modified (one HEAD request).
    #[arg(long)]
    preserve_mtime: bool,
    /// Export only notes with this tag (repeat for any of several tags; case-insensitive; `a`
    /// also matches the nested `a/b`).
    #[arg(short, long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Leave out every note with this tag (repeat for several; the same case and nesting rules
    /// as --tag, and it wins over --tag). Counted as left out.
    #[arg(long = "skip-tag", value_name = "TAG")]
    skip_tags: Vec<String>,
    /// The async runtime: tokio or smol.
    #[arg(long, default_value = "tokio")]
    runtime: RuntimeKind,
    /// How the I/O is done: sequential (one file at a time), concurrent (many async operations
    /// in flight), blocking (batches of std::fs work on the blocking pool), uring (the same
    /// batches, reads submitted to io_uring; blocking where the kernel refuses it or
    /// SMARTNOTES_URING=off), responsive (uring's batches, smaller: 32, one per core). Default:
    /// uring for local folders (as built with io_uring, else blocking), concurrent for s3://
    /// locations. `compare` says which is fastest on your notes.
    #[arg(long, value_enum)]
    strategy: Option<StrategyArg>,
    /// Operations in flight (concurrent, and requests to a bucket; default 64) or batches in
    /// flight (blocking and uring; default twice the cores).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    limit: Option<u32>,
    /// Files per batch (blocking and uring; default 256).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    batch: Option<u32>,
    /// Print one JSON object on stdout instead of text (and no progress bar), written as the
    /// export goes: `files` (each note as it is written), `skipped` (each with its reason),
    /// then the counts. Memory stays flat however many notes there are.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    retry: RetryArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NamesArg {
    /// From the title, made safe.
    Slug,
    /// The source file's own name (made safe only where it is not).
    Keep,
}

impl Args {
    /// The strategies for reading SRC and writing DEST: each location's own.
    fn strategies(&self) -> Result<(Strategy, Strategy), Fatal> {
        let (asked, limit, batch) = (self.strategy, self.limit, self.batch);
        Ok((
            self.src.strategy(asked, limit, batch)?,
            self.dest.strategy(asked, limit, batch)?,
        ))
    }
}

/// A skipped input, named as the library's `Skipped` names it.
#[derive(Serialize)]
struct SkippedJson<'a> {
    source: &'a Path,
    reason: String,
}

/// The strategy as reports name it, saying what runs: a `uring` strategy that takes the
/// blocking path in this process (io_uring refused or turned off) is named for that path.
fn label(strategy: Strategy) -> String {
    match (strategy, smartnotes::store::uring_backend()) {
        (Strategy::Uring { batch, in_flight }, Err(why)) => {
            format!("blocking (batches of {batch}, {in_flight} in flight; uring not used: {why})")
        }
        _ => strategy.to_string(),
    }
}

#[derive(Serialize)]
struct FileJson<'a> {
    source: &'a Path,
    path: &'a Path,
    /// Already there with the same content: nothing was written.
    unchanged: bool,
}

/// The counts of an export; with `--json` the document also has `files` and `skipped`,
/// written before these as the export goes.
#[derive(Serialize, Default)]
struct Summary {
    exported: usize,
    /// Notes skipped (each on stderr, or in `skipped` with `--json`, with its reason).
    skipped_count: usize,
    /// Notes already in DEST with the same content (an earlier export): nothing written.
    unchanged: usize,
    /// Hidden files and folders passed over (see --hidden).
    hidden: usize,
    /// Files and folders left out by an ignore file or --exclude.
    ignored: usize,
    /// Notes already in DEST, not read: DEST lies inside SRC, and the walk leaves it out.
    in_dest: usize,
    /// Notes read but left out by `--tag` or `--skip-tag`.
    filtered_out: usize,
    /// Notes read (exported, skipped or filtered out) before the export ended.
    processed: usize,
    interrupted: bool,
    seconds: f64,
    notes_per_second: f64,
    runtime: &'static str,
    strategy: String,
    dest: String,
}

pub(crate) fn run(args: Args) -> Result<Outcome, Fatal> {
    let (read, write) = args.strategies()?;
    if args.preserve_mtime && args.dest.is_remote() {
        return Err(format!(
            "{}: --preserve-mtime needs a local DEST (a bucket sets an object's Last-Modified \
             itself when it is written)",
            args.dest
        )
        .into());
    }
    if let Location::Local(src) = &args.src {
        crate::notes_folder(src)?;
    }
    let opts = Options::default()
        .with_recursive(args.recursive)
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
        .with_preserve_mtime(args.preserve_mtime)
        .with_ignore_files(!args.no_ignore)
        .with_write_mode(if args.replace {
            WriteMode::Replace
        } else {
            WriteMode::CreateNew
        });
    // Said when asked for by name; the default falls back without a word.
    if let (Some(StrategyArg::Uring), Err(why)) =
        (args.strategy, smartnotes::store::uring_backend())
    {
        eprintln!("smartnotes: io_uring not used ({why}): reading on the blocking path");
    }
    let strategy = if read == write {
        label(write)
    } else {
        format!("{} reads, {} writes", label(read), label(write))
    };
    let opts = args
        .exclude
        .iter()
        .fold(opts, |opts, glob| opts.with_exclude_glob(glob));
    let (read_opts, write_opts) = (opts.clone().with_strategy(read), opts.with_strategy(write));
    let start = Instant::now();
    let mut out = Writer::new(args.json)?;
    let tally = args.runtime.block_on(Export {
        args: &args,
        read: &read_opts,
        write: &write_opts,
        out: &mut out,
    })?;
    let seconds = start.elapsed().as_secs_f64();
    let interrupted = ui::interrupted();
    let counts = tally.counts;
    let summary = Summary {
        exported: counts.exported,
        skipped_count: counts.skipped,
        unchanged: counts.unchanged,
        hidden: tally.hidden,
        ignored: tally.ignored,
        in_dest: tally.in_dest,
        filtered_out: tally.filtered_out,
        processed: tally.processed,
        interrupted,
        seconds,
        notes_per_second: ui::rate(counts.exported as f64, seconds),
        runtime: args.runtime.name(),
        strategy,
        dest: args.dest.to_string(),
    };
    if args.json {
        out.finish(&summary)?;
    } else {
        print_summary(&summary);
    }
    Ok(if interrupted {
        Outcome::Interrupted
    } else if counts.skipped == 0 {
        Outcome::Done
    } else {
        Outcome::Skipped
    })
}

/// How many notes went each way.
#[derive(Default)]
struct Counts {
    exported: usize,
    unchanged: usize,
    skipped: usize,
}

/// What an export run counted, beside its outcomes.
struct Tally {
    counts: Counts,
    /// Notes read (exported, skipped or filtered out) before the export ended.
    processed: usize,
    /// Notes left out by --tag.
    filtered_out: usize,
    /// Hidden entries passed over.
    hidden: usize,
    /// Entries left out by an ignore file or --exclude.
    ignored: usize,
    /// Notes already in DEST that the walk left out (DEST inside SRC).
    in_dest: usize,
}

/// Where outcomes go as they come: text (a skipped note on stderr at once), or one JSON
/// document written incrementally on stdout: `files` as the notes are written, `skipped`
/// spooled to an unnamed temporary file meanwhile (so memory never holds the list), then the
/// counts. The document is valid once the export has ended.
enum Writer {
    Text,
    Json {
        stdout: std::io::BufWriter<std::io::Stdout>,
        skipped: std::io::BufWriter<std::fs::File>,
        files: usize,
        skips: usize,
    },
}

impl Writer {
    fn new(json: bool) -> Result<Self, Fatal> {
        if !json {
            return Ok(Writer::Text);
        }
        let stdout = std::io::BufWriter::new(std::io::stdout());
        let spool =
            tempfile::tempfile().map_err(|e| format!("a temporary file for --json: {e}"))?;
        Ok(Writer::Json {
            stdout,
            skipped: std::io::BufWriter::new(spool),
            files: 0,
            skips: 0,
        })
    }

    fn outcome(&mut self, outcome: &ExportOutcome) -> std::io::Result<()> {
        match self {
            Writer::Text => {
                if let ExportOutcome::Skipped(s) = outcome {
                    // The reason names its file: the input's path only when that is another.
                    if s.error.path() == s.source {
                        eprintln!("smartnotes: skipped {}", s.reason());
                    } else {
                        eprintln!("smartnotes: skipped {}: {}", s.source.display(), s.reason());
                    }
                }
                Ok(())
            }
            Writer::Json {
                stdout,
                skipped,
                files,
                skips,
            } => match outcome {
                ExportOutcome::Exported(e) | ExportOutcome::Unchanged(e) => {
                    let file = FileJson {
                        source: &e.source,
                        path: &e.path,
                        unchanged: matches!(outcome, ExportOutcome::Unchanged(_)),
                    };
                    // The document starts with the first file (nothing on stdout if the export
                    // cannot start: that error goes to stderr alone).
                    stdout.write_all(if *files == 0 { br#"{"files":["# } else { b"," })?;
                    *files += 1;
                    serde_json::to_writer(&mut *stdout, &file)?;
                    Ok(())
                }
                ExportOutcome::Skipped(s) => {
                    let entry = SkippedJson {
                        source: &s.source,
                        reason: s.reason(),
                    };
                    if *skips > 0 {
                        skipped.write_all(b",")?;
                    }
                    *skips += 1;
                    serde_json::to_writer(&mut *skipped, &entry)?;
                    Ok(())
                }
                _ => Ok(()),
            },
        }
    }

    /// Ends the JSON document: the spooled `skipped`, then the counts.
    fn finish(self, summary: &Summary) -> Result<(), Fatal> {
        let Writer::Json {
            mut stdout,
            skipped,
            files,
            ..
        } = self
        else {
            return Ok(());
        };
        if files == 0 {
            stdout.write_all(br#"{"files":["#)?;
        }
        stdout.write_all(br#"],"skipped":["#)?;
        let mut spool = skipped.into_inner().map_err(|e| e.into_error())?;
        spool.seek(std::io::SeekFrom::Start(0))?;
        std::io::copy(&mut spool, &mut stdout)?;
        let counts = serde_json::to_string(summary)?;
        // `{"exported":...}` joins the document after `],` as its remaining members.
        stdout.write_all(b"],")?;
        stdout.write_all(&counts.as_bytes()[1..])?;
        stdout.write_all(b"\n")?;
        stdout.flush()?;
        Ok(())
    }
}

/// The pipeline with progress, tag filter and Ctrl-C, each outcome handed to the writer as it
/// comes.
struct Export<'a> {
    args: &'a Args,
    read: &'a Options,
    write: &'a Options,
    out: &'a mut Writer,
}

impl StoreJob for Export<'_> {
    type Output = Result<Tally, Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let args = self.args;
        let open = |location| Place::open(location, fs.runtime().clone(), args.retry);
        let (src, dest) = (open(&args.src)?, open(&args.dest)?);
        src.check(&args.src, true).await?;
        dest.check(&args.dest, false).await?;
        // In one store, the library refuses an export that could write into its source, and
        // leaves DEST out of the walk when it lies inside SRC (counting the notes there).
        let notes = if args.src.same_store(&args.dest) {
            src.read_notes_for_export_with(args.src.path(), args.dest.path(), self.read)
                .await
                .map_err(|e| match e {
                    // Named as the user gave them (a bucket's `s3://` URL, not its key).
                    smartnotes::Error::Overlap { reason, .. } => {
                        format!("cannot export {} into {}: {reason}", args.src, args.dest).into()
                    }
                    e => fatal(&args.src, e),
                })?
        } else {
            src.read_notes_with(args.src.path(), self.read)
        };
        let bar = ui::spinner(
            "{spinner} [{elapsed_precise}] {pos} notes ({rate})",
            args.json,
        );
        let (processed, filtered) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let (hidden, ignored, in_dest) = (notes.hidden(), notes.ignored(), notes.in_dest());
        let notes = notes
            .take_while(|_| ready(!ui::interrupted()))
            .inspect(|_| {
                processed.fetch_add(1, Ordering::Relaxed);
                bar.inc(1);
            })
            .filter(|item| {
                let keep = match item {
                    Ok(file) => {
                        let has = |tags: &[String]| tags.iter().any(|t| file.note.has_tag(t));
                        (args.tags.is_empty() || has(&args.tags)) && !has(&args.skip_tags)
                    }
                    Err(_) => true, // a failure is reported, never filtered away
                };
                if !keep {
                    filtered.fetch_add(1, Ordering::Relaxed);
                }
                ready(keep)
            });
        let mut outcomes = dest.export_stream_with(args.dest.path(), notes, self.write);
        let mut counts = Counts::default();
        while let Some(outcome) = outcomes.next().await {
            // The one fatal item: the source's listing, or the destination.
            let outcome = outcome.map_err(|e| match e {
                smartnotes::Error::CreateDir { .. } => fatal(&args.dest, e),
                _ => fatal(&args.src, e),
            })?;
            match &outcome {
                ExportOutcome::Exported(_) => counts.exported += 1,
                ExportOutcome::Unchanged(_) => counts.unchanged += 1,
                _ => counts.skipped += 1,
            }
            // A line on stderr goes above the spinner, never mixed with it; the other outcomes
            // leave the spinner alone (it redraws at most 10 times a second).
            let written = match (&*self.out, &outcome) {
                (Writer::Text, ExportOutcome::Skipped(_)) => {
                    bar.suspend(|| self.out.outcome(&outcome))
                }
                _ => self.out.outcome(&outcome),
            };
            written.map_err(|e| format!("writing the report: {e}"))?;
        }
        drop(outcomes);
        bar.finish_and_clear();
        Ok(Tally {
            counts,
            processed: processed.into_inner(),
            filtered_out: filtered.into_inner(),
            hidden: hidden.get(),
            ignored: ignored.get(),
            in_dest: in_dest.get(),
        })
    }
}

fn print_summary(s: &Summary) {
    let dest = &s.dest;
    println!(
        "exported {} note{} to {} in {:.2} s ({:.0} notes/s, {} on {})",
        s.exported,
        if s.exported == 1 { "" } else { "s" },
        dest,
        s.seconds,
        s.notes_per_second,
        s.strategy,
        s.runtime,
    );
    if s.skipped_count > 0 {
        println!(
            "skipped {} (listed above on stderr, each with its reason)",
            s.skipped_count
        );
    }
    if s.unchanged > 0 {
        println!(
            "unchanged {} (already in {} with the same content: nothing written)",
            s.unchanged, dest
        );
    }
    if s.filtered_out > 0 {
        println!("left out {} by --tag or --skip-tag", s.filtered_out);
    }
    if let Some(line) = ui::hidden_line(s.hidden) {
        println!("{line}");
    }
    if let Some(line) = ui::ignored_line(s.ignored) {
        println!("{line}");
    }
    if s.in_dest > 0 {
        println!(
            "left out {} note{} already in {} (it lies inside the source; they were not read)",
            s.in_dest,
            if s.in_dest == 1 { "" } else { "s" },
            dest
        );
    }
    if s.interrupted {
        println!(
            "interrupted after {} note{}; the rest were not read, and every file in {} is complete",
            s.processed,
            if s.processed == 1 { "" } else { "s" },
            dest
        );
    }
}
