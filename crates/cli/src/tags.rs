//! `smartnotes tags SRC`: every tag with its count.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use serde::Serialize;
use smartnotes::{Options, RuntimeKind, Store, StoreExt, StoreJob};

use crate::place::{Location, Place, RetryArgs, StrategyArg};
use crate::{Fatal, Outcome};

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The folder of notes (`*.md`): a local folder or `s3://BUCKET/PREFIX`.
    #[arg(value_parser = crate::place::location())]
    src: Location,
    /// Also read the notes in subfolders.
    #[arg(short, long)]
    recursive: bool,
    /// Also read hidden files and folders (names starting with `.`), skipped by default.
    #[arg(long)]
    hidden: bool,
    /// Do not honour ignore files (`.export-ignore`; `.gitignore` and `.ignore` in a git
    /// repository), honoured by default as `export` does.
    #[arg(long)]
    no_ignore: bool,
    /// The async runtime: tokio or smol.
    #[arg(long, default_value = "tokio")]
    runtime: RuntimeKind,
    /// Print one JSON object on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// How a local folder is read: sequential, concurrent, blocking, uring or responsive (see
    /// `export --help`; the default is uring where built with io_uring); a bucket is read
    /// concurrently.
    #[arg(long, value_enum)]
    strategy: Option<StrategyArg>,
    #[command(flatten)]
    retry: RetryArgs,
}

#[derive(Serialize)]
struct TagCount {
    tag: String,
    count: usize,
}

/// A note that could not be read, named as the library names it.
#[derive(Serialize)]
struct SkippedJson {
    source: PathBuf,
    reason: String,
}

#[derive(Serialize)]
struct Summary {
    notes: usize,
    tags: Vec<TagCount>,
    skipped: Vec<SkippedJson>,
    /// Hidden files and folders passed over (see --hidden).
    hidden: usize,
    /// Files and folders left out by ignore files (see --no-ignore).
    ignored: usize,
}

pub(crate) fn run(args: Args) -> Result<Outcome, Fatal> {
    if let Location::Local(src) = &args.src {
        crate::notes_folder(src)?;
    }
    let opts = Options::default()
        .with_recursive(args.recursive)
        .with_hidden(args.hidden)
        .with_ignore_files(!args.no_ignore)
        .with_strategy(args.src.strategy(args.strategy, None, None)?);
    let summary = args.runtime.block_on(Count {
        args: &args,
        opts: &opts,
    })?;
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        for skipped in &summary.skipped {
            eprintln!("smartnotes: skipped {}", skipped.reason); // the reason names the file
        }
        for TagCount { tag, count } in &summary.tags {
            println!("{count:>6}  {tag}");
        }
        println!(
            "{} tag{} in {} note{}",
            summary.tags.len(),
            if summary.tags.len() == 1 { "" } else { "s" },
            summary.notes,
            if summary.notes == 1 { "" } else { "s" },
        );
        if let Some(line) = crate::ui::hidden_line(summary.hidden) {
            println!("{line}");
        }
        if let Some(line) = crate::ui::ignored_line(summary.ignored) {
            println!("{line}");
        }
    }
    Ok(if summary.skipped.is_empty() {
        Outcome::Done
    } else {
        Outcome::Skipped
    })
}

/// Counts tags case-insensitively (`Python` and `python` are one tag, shown as first seen),
/// streaming: one note in memory at a time.
struct Count<'a> {
    args: &'a Args,
    opts: &'a Options,
}

impl StoreJob for Count<'_> {
    type Output = Result<Summary, Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let args = self.args;
        let src = Place::open(&args.src, fs.runtime().clone(), args.retry)?;
        src.check(&args.src, true).await?;
        Ok(count(&src, args.src.path(), self.opts).await)
    }
}

async fn count<F: Store>(fs: &F, src: &Path, opts: &Options) -> Summary {
    let mut counts: HashMap<String, (String, usize)> = HashMap::new();
    let mut skipped = Vec::new();
    let mut notes = 0;
    let mut stream = fs.read_notes_with(src, opts);
    let (hidden, ignored) = (stream.hidden(), stream.ignored());
    while let Some(item) = stream.next().await {
        match item {
            Ok(file) => {
                notes += 1;
                for tag in file.note.tags {
                    let entry = counts.entry(tag.to_lowercase()).or_insert((tag, 0));
                    entry.1 += 1;
                }
            }
            Err(e) => skipped.push(SkippedJson {
                source: e.path().to_owned(),
                reason: e.to_string(),
            }),
        }
    }
    let mut tags: Vec<TagCount> = counts
        .into_values()
        .map(|(tag, count)| TagCount { tag, count })
        .collect();
    tags.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.tag.cmp(&b.tag)));
    Summary {
        notes,
        tags,
        skipped,
        hidden: hidden.get(),
        ignored: ignored.get(),
    }
}
