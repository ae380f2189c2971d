//! Exporting notes: [`export_notes`], [`pipeline`] and the [`Report`] they return.

use std::future::ready;
use std::path::{Path, PathBuf};

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use smartnotes_core::{Note, UniqueNames};

use crate::fs::{BlockingFs, Fs, WriteMode, write_atomic};
use crate::read::{list_notes, load_notes};
use crate::{Error, NoteFile, Options, Runtime, Strategy};

/// A note that was exported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// Where the note came from.
    pub source: PathBuf,
    /// The file it was written to.
    pub path: PathBuf,
}

/// An input that was not exported, and why.
#[derive(Debug)]
pub struct Skipped {
    /// The input: the note file, or the directory that could not be listed.
    pub source: PathBuf,
    /// Why; its message names the file concerned.
    pub error: Error,
}

impl Skipped {
    /// The reason, as a sentence naming the file.
    pub fn reason(&self) -> String {
        self.error.to_string()
    }
}

/// What an export did: every input is either in `exported` or in `skipped`.
///
/// Both lists are in input order, whatever the [`Strategy`].
#[derive(Debug, Default)]
pub struct Report {
    /// The notes written, each with its source.
    pub exported: Vec<Exported>,
    /// The inputs not written, each with its path and reason.
    pub skipped: Vec<Skipped>,
}

impl Report {
    /// True when nothing was skipped.
    pub fn is_complete(&self) -> bool {
        self.skipped.is_empty()
    }
}

/// One input of an export: a note to write, or an error to report.
enum Job {
    Write {
        seq: usize,
        source: PathBuf,
        dest: PathBuf,
        note: Note,
    },
    Failed {
        seq: usize,
        error: Error,
    },
}

type Outcome = (usize, Result<Exported, Skipped>);

impl Job {
    async fn write_async<F: Fs>(self, fs: &F, mode: WriteMode) -> Outcome {
        let result = match &self {
            Job::Write { dest, note, .. } => {
                fs.write_atomic(dest, note.render().into_bytes(), mode)
                    .await
            }
            Job::Failed { .. } => Ok(()),
        };
        self.finish(result)
    }

    fn write_blocking<B: BlockingFs>(self, fs: &B, mode: WriteMode) -> Outcome {
        let result = match &self {
            Job::Write { dest, note, .. } => write_atomic(fs, dest, note.render().as_bytes(), mode),
            Job::Failed { .. } => Ok(()),
        };
        self.finish(result)
    }

    fn finish(self, result: std::io::Result<()>) -> Outcome {
        match self {
            Job::Failed { seq, error } => (
                seq,
                Err(Skipped {
                    source: error.path().to_owned(),
                    error,
                }),
            ),
            Job::Write {
                seq, source, dest, ..
            } => match result {
                Ok(()) => (seq, Ok(Exported { source, path: dest })),
                Err(e) => (
                    seq,
                    Err(Skipped {
                        source,
                        error: Error::write(dest, e),
                    }),
                ),
            },
        }
    }
}

/// Writes each note of `notes` to `dest`, with at most `strategy`'s operations in flight; a
/// bare number is a [concurrency limit](Strategy::Concurrent).
///
/// `dest` is created if needed. Each note goes to a file named from its title
/// ([`UniqueNames`]: `title.md`, `title-2.md`, ...), written atomically
/// ([`Fs::write_atomic`]), never replacing an existing file ([`WriteMode::CreateNew`]: such a
/// note is skipped with [`Error::Exists`]). Error items of `notes` are reported as skipped.
/// The stream is consumed as it goes: at most the strategy's window of notes is in memory.
///
/// # Errors
/// [`Error::CreateDir`] when `dest` cannot be created; every other failure is per note, in the
/// [`Report`].
pub async fn export_notes<F, S>(
    fs: &F,
    dest: impl AsRef<Path>,
    notes: S,
    strategy: impl Into<Strategy>,
) -> Result<Report, Error>
where
    F: Fs,
    S: Stream<Item = Result<NoteFile, Error>>,
{
    let opts = Options::default().strategy(strategy);
    export_notes_with(fs, dest, notes, &opts).await
}

/// [`export_notes`] with [`Options`] (strategy and [`WriteMode`]).
///
/// # Errors
/// As [`export_notes`].
pub async fn export_notes_with<F, S>(
    fs: &F,
    dest: impl AsRef<Path>,
    notes: S,
    opts: &Options,
) -> Result<Report, Error>
where
    F: Fs,
    S: Stream<Item = Result<NoteFile, Error>>,
{
    let dest = dest.as_ref().to_path_buf();
    crate::retry::retry_async(fs.runtime(), || fs.create_dir_all(&dest))
        .await
        .map_err(|source| Error::CreateDir {
            path: dest.clone(),
            source,
        })?;
    let mode = opts.write_mode;
    let mut names = UniqueNames::new();
    let jobs = notes.enumerate().map(move |(seq, item)| match item {
        Ok(NoteFile { path, note }) => Job::Write {
            seq,
            dest: dest.join(names.assign(&note.title)),
            source: path,
            note,
        },
        Err(error) => Job::Failed { seq, error },
    });

    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut keep = |outcome| {
        outcomes.push(outcome);
        ready(())
    };
    match opts.strategy {
        Strategy::Sequential => {
            jobs.then(|job| job.write_async(fs, mode))
                .for_each(&mut keep)
                .await
        }
        Strategy::Concurrent { limit } => {
            jobs.map(|job| job.write_async(fs, mode))
                .buffer_unordered(limit.max(1))
                .for_each(&mut keep)
                .await
        }
        Strategy::Blocking { batch, in_flight } => {
            let runtime = fs.runtime();
            jobs.ready_chunks(batch.max(1))
                .map(|batch| {
                    let fs = fs.blocking();
                    runtime.spawn_blocking(move || {
                        batch
                            .into_iter()
                            .map(|job| job.write_blocking(&fs, mode))
                            .collect::<Vec<_>>()
                    })
                })
                .buffer_unordered(in_flight.max(1))
                .flat_map(stream::iter)
                .for_each(&mut keep)
                .await
        }
    }

    outcomes.sort_unstable_by_key(|(seq, _)| *seq);
    let mut report = Report::default();
    for (_, outcome) in outcomes {
        match outcome {
            Ok(exported) => report.exported.push(exported),
            Err(skipped) => report.skipped.push(skipped),
        }
    }
    Ok(report)
}

/// The tutorials' `async_pipeline`: reads the notes of `src` and exports them to `dest`, with
/// the [default options](Options::default).
///
/// It streams: notes are written while later ones are still being read, and memory is bounded
/// by the strategy's window, not by the number of notes. If `dest` is inside `src`, a recursive
/// walk does not read it.
///
/// # Errors
/// [`Error::List`] when `src` cannot be listed, [`Error::CreateDir`] when `dest` cannot be
/// created. Every per-note failure is in the [`Report`].
pub async fn pipeline<F: Fs>(
    fs: &F,
    src: impl AsRef<Path>,
    dest: impl AsRef<Path>,
) -> Result<Report, Error> {
    pipeline_with(fs, src, dest, &Options::default()).await
}

/// [`pipeline`] with [`Options`].
///
/// # Errors
/// As [`pipeline`].
pub async fn pipeline_with<F: Fs>(
    fs: &F,
    src: impl AsRef<Path>,
    dest: impl AsRef<Path>,
    opts: &Options,
) -> Result<Report, Error> {
    let dest = dest.as_ref();
    let opts = opts.clone().exclude(dest);
    let listed = list_notes(fs, src.as_ref(), &opts).await?;
    export_notes_with(fs, dest, load_notes(fs, listed, &opts), &opts).await
}
