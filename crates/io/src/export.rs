//! Exporting notes: [`export`](crate::StoreExt::export), [`pipeline`](crate::StoreExt::pipeline)
//! and the [`Report`] they return.

use std::collections::HashMap;
use std::future::ready;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use smartnotes_core::{Note, UniqueNames};

use crate::read::{BLOCKING_STRATEGY, blocking_twin, list_notes, load_notes};
use crate::store::{BlockingStore, EntryKind, Store, WriteMode, write_atomic};
use crate::{Error, Layout, Names, NoteFile, Options, Runtime, Strategy};

/// A note that was exported (or found already exported, unchanged).
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

/// What an export did: every input is in `exported`, `unchanged` or `skipped`.
///
/// The lists are in input order, whatever the [`Strategy`].
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Report {
    /// The notes written, each with its source.
    pub exported: Vec<Exported>,
    /// The notes whose file was already there with the same bytes (an earlier export of the
    /// same notes): nothing was written.
    pub unchanged: Vec<Exported>,
    /// The inputs not written, each with its path and reason.
    pub skipped: Vec<Skipped>,
    /// Hidden entries the listing passed over (a [`pipeline`](crate::StoreExt::pipeline) only;
    /// see [`Options::hidden`]).
    pub hidden: usize,
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
        /// The note, when it was read and could not be placed; else the error's own path.
        source: Option<PathBuf>,
        error: Error,
    },
}

/// What writing a note did.
enum Written {
    New,
    Unchanged,
}

type Outcome = (usize, Result<(Exported, Written), Skipped>);

impl Job {
    async fn write_async<F: Store>(self, fs: &F, mode: WriteMode) -> Outcome {
        let result = match &self {
            Job::Write { dest, note, .. } => {
                match fs
                    .write_atomic(dest, note.render().into_bytes(), WriteMode::CreateNew)
                    .await
                {
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        let bytes = note.render().into_bytes();
                        let existing = fs.read(dest, bytes.len() as u64).await;
                        match settle(existing, &bytes, mode, e) {
                            Settled::Done(result) => result,
                            Settled::Replace => fs
                                .write_atomic(dest, bytes, WriteMode::Replace)
                                .await
                                .map(|()| Written::New),
                        }
                    }
                    other => other.map(|()| Written::New),
                }
            }
            Job::Failed { .. } => Ok(Written::New),
        };
        self.finish(result)
    }

    fn write_blocking<B: BlockingStore>(self, fs: &B, mode: WriteMode) -> Outcome {
        let result = match &self {
            Job::Write { dest, note, .. } => {
                let bytes = note.render().into_bytes();
                match write_atomic(fs, dest, &bytes, WriteMode::CreateNew) {
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        let existing = fs.read(dest, bytes.len() as u64);
                        match settle(existing, &bytes, mode, e) {
                            Settled::Done(result) => result,
                            Settled::Replace => write_atomic(fs, dest, &bytes, WriteMode::Replace)
                                .map(|()| Written::New),
                        }
                    }
                    other => other.map(|()| Written::New),
                }
            }
            Job::Failed { .. } => Ok(Written::New),
        };
        self.finish(result)
    }

    fn finish(self, result: io::Result<Written>) -> Outcome {
        match self {
            Job::Failed { seq, source, error } => (
                seq,
                Err(Skipped {
                    source: source.unwrap_or_else(|| error.path().to_owned()),
                    error,
                }),
            ),
            Job::Write {
                seq, source, dest, ..
            } => match result {
                Ok(written) => (seq, Ok((Exported { source, path: dest }, written))),
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

/// What to do when the file a note wants is already there.
enum Settled {
    Done(io::Result<Written>),
    Replace,
}

/// The same bytes: unchanged, nothing to write (an export run again). Other bytes: replaced
/// only when asked, else the `AlreadyExists` error stands (nothing is overwritten).
fn settle(
    existing: io::Result<Vec<u8>>,
    bytes: &[u8],
    mode: WriteMode,
    exists: io::Error,
) -> Settled {
    match existing {
        Ok(existing) if existing == bytes => Settled::Done(Ok(Written::Unchanged)),
        _ if mode == WriteMode::Replace => Settled::Replace,
        _ => Settled::Done(Err(exists)),
    }
}

/// The folders of an export under its destination: each created and checked once, when its
/// first note comes; its unique names; or why it cannot be used.
#[derive(Default)]
struct Folders {
    names: HashMap<PathBuf, UniqueNames>,
    refused: HashMap<PathBuf, String>,
}

/// `folder` with only its plain components: whatever a caller put in a [`NoteFile::folder`],
/// it never leads outside the destination.
fn plain(folder: &Path) -> PathBuf {
    folder
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(name),
            _ => None,
        })
        .collect()
}

/// Creates `dest/folder` and checks that every folder from `dest` down is a real directory,
/// never a symbolic link (which could lead outside `dest`).
async fn prepare<F: Store>(fs: &F, dest: &Path, folder: &Path) -> io::Result<()> {
    let target = dest.join(folder);
    crate::retry::retry_async(fs.runtime(), || fs.create_dir_all(&target)).await?;
    let mut parent = dest.to_path_buf();
    for name in folder.iter() {
        let entries = fs.list(&parent).await?;
        let real_dir = entries
            .iter()
            .any(|e| e.kind == EntryKind::Dir && e.path.file_name() == Some(name));
        parent.push(name);
        if !real_dir {
            return Err(io::Error::other(format!(
                "{} is not a plain directory (a symbolic link is never followed)",
                parent.display()
            )));
        }
    }
    Ok(())
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
    let (mode, layout, names) = (opts.write_mode, opts.layout, opts.names);
    // Sequential (`then`): a folder's first note creates it before the next note is looked at.
    // Each note's step shares (never copies) the destination and the folder state.
    let (dest, folders): (Arc<Path>, _) = (dest.into(), Arc::new(Mutex::new(Folders::default())));
    let jobs = notes.enumerate().then(move |(seq, item)| {
        let (fs, dest, folders) = (fs.clone(), dest.clone(), folders.clone());
        async move {
            let file = match item {
                Ok(file) => file,
                Err(error) => {
                    return Job::Failed {
                        seq,
                        source: None,
                        error,
                    };
                }
            };
            let folder = match layout {
                Layout::Flat => PathBuf::new(),
                _ => plain(&file.folder),
            };
            let first = {
                let folders = lock(&folders);
                if let Some(reason) = folders.refused.get(&folder) {
                    let error = io::Error::other(reason.clone());
                    let path = dest.join(&folder);
                    return Job::Failed {
                        seq,
                        source: Some(file.path),
                        error: Error::CreateDir {
                            path,
                            source: error,
                        },
                    };
                }
                !folders.names.contains_key(&folder)
            };
            if first && !folder.as_os_str().is_empty() {
                if let Err(source) = prepare(&fs, &dest, &folder).await {
                    let path = dest.join(&folder);
                    lock(&folders).refused.insert(folder, source.to_string());
                    return Job::Failed {
                        seq,
                        source: Some(file.path),
                        error: Error::CreateDir { path, source },
                    };
                }
            }
            let NoteFile { path, note, .. } = file;
            let name = {
                let mut folders = lock(&folders);
                let unique = folders.names.entry(folder.clone()).or_default();
                match (names, path.file_name().and_then(|n| n.to_str())) {
                    (Names::Keep, Some(file_name)) => unique.assign_kept(file_name),
                    _ => unique.assign(&note.title),
                }
            };
            Job::Write {
                seq,
                dest: dest.join(folder).join(name),
                source: path,
                note: Box::new(note),
            }
        }
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
            Ok((exported, Written::New)) => report.exported.push(exported),
            Ok((exported, Written::Unchanged)) => report.unchanged.push(exported),
            Err(skipped) => report.skipped.push(skipped),
        }
    }
    Ok(report)
}

/// The folder state, even after a panic elsewhere (each update is a single insert).
fn lock(folders: &Mutex<Folders>) -> std::sync::MutexGuard<'_, Folders> {
    folders.lock().unwrap_or_else(|e| e.into_inner())
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
    let listing = list_notes(fs, src, &opts).await?;
    let hidden = listing.hidden;
    let mut report = export(fs, dest, load_notes(fs, listing.found, &opts), &opts).await?;
    report.hidden = hidden;
    Ok(report)
}
