//! Exporting notes: [`export`](crate::StoreExt::export), [`pipeline`](crate::StoreExt::pipeline) and the [`Report`] they return.

use std::future::ready;
use std::path::{Path, PathBuf};

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use smartnotes_core::{Note, UniqueNames};

use crate::read::{BLOCKING_STRATEGY, blocking_twin, list_notes, load_notes};
use crate::store::{BlockingStore, Store, WriteMode, write_atomic};
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
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Error, Skipped};
    /// let skipped = Skipped { source: "a.md".into(), error: Error::Exists { path: "out/a.md".into() } };
    /// assert!(skipped.reason().contains("out/a.md already exists"));
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// assert!(smartnotes_io::Report::default().is_complete());
    /// ```
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
        note: Box<Note>,
    },
    Failed {
        seq: usize,
        error: Error,
    },
}

type Outcome = (usize, Result<Exported, Skipped>);

impl Job {
    async fn write_async<F: Store>(self, fs: &F, mode: WriteMode) -> Outcome {
        let result = match &self {
            Job::Write { dest, note, .. } => {
                fs.write_atomic(dest, note.render().into_bytes(), mode)
                    .await
            }
            Job::Failed { .. } => Ok(()),
        };
        self.finish(result)
    }

    fn write_blocking<B: BlockingStore>(self, fs: &B, mode: WriteMode) -> Outcome {
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

/// Writes each note of `notes` to `dest` ([`StoreExt::export_with`](crate::StoreExt::export_with)
/// documents it).
pub(crate) async fn export<F, S>(
    fs: &F,
    dest: &Path,
    notes: S,
    opts: &Options,
) -> Result<Report, Error>
where
    F: Store,
    S: Stream<Item = Result<NoteFile, Error>>,
{
    let dest = dest.to_path_buf();
    let strategy = opts.strategy_for(fs);
    let blocking = match strategy {
        Strategy::Blocking { .. } => Some(blocking_twin(fs, &dest, BLOCKING_STRATEGY)?),
        _ => None,
    };
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
            note: Box::new(note),
        },
        Err(error) => Job::Failed { seq, error },
    });

    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut keep = |outcome| {
        outcomes.push(outcome);
        ready(())
    };
    match (strategy, blocking) {
        (Strategy::Concurrent { limit }, _) => {
            jobs.map(|job| job.write_async(fs, mode))
                .buffer_unordered(limit.max(1))
                .for_each(&mut keep)
                .await
        }
        (Strategy::Blocking { batch, in_flight }, Some(twin)) => {
            let runtime = fs.runtime();
            jobs.ready_chunks(batch.max(1))
                .map(|batch| {
                    let fs = twin.clone();
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
        // Sequential (a Blocking strategy without a twin was refused above).
        _ => {
            jobs.then(|job| job.write_async(fs, mode))
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

/// Reads the notes of `src` and exports them to `dest`
/// ([`StoreExt::pipeline_with`](crate::StoreExt::pipeline_with) documents it).
pub(crate) async fn pipeline<F: Store>(
    fs: &F,
    src: &Path,
    dest: &Path,
    opts: &Options,
) -> Result<Report, Error> {
    let opts = opts.clone().with_exclude(dest);
    let listed = list_notes(fs, src, &opts).await?;
    export(fs, dest, load_notes(fs, listed, &opts), &opts).await
}
