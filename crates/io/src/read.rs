//! Reading notes: [`read_notes`](crate::StoreExt::read_notes) and the steps it is made of.

use std::path::{Component, Path, PathBuf};

use futures_util::stream::{self, BoxStream, StreamExt};
use smartnotes_core::{HasTags, Note};

use crate::retry::{retry_async, retry_blocking};
use crate::store::{BlockingStore, Entry, EntryKind, Store};
use crate::{Error, Options, Runtime, Strategy};

/// A note and the file it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteFile {
    /// Where the note came from (for an in-memory note, any label that identifies it).
    pub path: PathBuf,
    /// The note.
    pub note: Note,
}

impl NoteFile {
    /// A note with the path (or label) that identifies it in reports.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::NoteFile;
    /// let file = NoteFile::new("inbox/a.md", smartnotes_core::Note::new("A", "body", ["x"]));
    /// assert_eq!(file.note.title, "A");
    /// ```
    pub fn new(path: impl Into<PathBuf>, note: Note) -> Self {
        Self {
            path: path.into(),
            note,
        }
    }
}

impl HasTags for NoteFile {
    fn has_tag(&self, tag: &str) -> bool {
        self.note.has_tag(tag)
    }
}

/// The stream [`read_notes`](crate::StoreExt::read_notes) returns: each item a note, or an error naming its file.
pub type NoteStream = BoxStream<'static, Result<NoteFile, Error>>;

/// The notes of `dir` as a stream: listed, then read and parsed with the options' strategy
/// ([`StoreExt::read_notes_with`](crate::StoreExt::read_notes_with) documents it).
pub(crate) fn read_notes<S: Store>(fs: &S, dir: &Path, opts: &Options) -> NoteStream {
    let fs = fs.clone();
    let dir = dir.to_path_buf();
    let opts = opts.clone();
    stream::once(async move {
        match list_notes(&fs, &dir, &opts).await {
            Ok(listed) => load_notes(&fs, listed, &opts),
            Err(e) => stream::iter([Err(e)]).boxed(),
        }
    })
    .flatten()
    .boxed()
}

/// The notes of the files `paths` names, in that order
/// ([`StoreExt::read_files`](crate::StoreExt::read_files) documents it).
pub(crate) fn read_files<S: Store>(fs: &S, paths: Vec<PathBuf>, opts: &Options) -> NoteStream {
    if let (Strategy::Blocking { .. }, None) = (opts.strategy_for(fs), fs.blocking()) {
        let error = Error::Unsupported {
            path: paths.into_iter().next().unwrap_or_default(),
            operation: BLOCKING_STRATEGY,
        };
        return stream::iter([Err(error)]).boxed();
    }
    load_notes(fs, paths.into_iter().map(Ok).collect(), opts)
}

/// The note files under `dir`, sorted by path; the first step of [`read_notes`](crate::StoreExt::read_notes).
///
/// An entry is `Err` for a subdirectory that could not be listed during a recursive walk. With
/// the [`Blocking`](Strategy::Blocking) strategy the whole walk is one blocking job; otherwise
/// each directory is listed with [`Store::list`]. Either way the executor thread only ever sorts
/// one directory's names at a time.
///
/// # Errors
/// [`Error::List`] when `dir` itself cannot be listed; [`Error::Unsupported`] for the
/// `Blocking` strategy on a store without a blocking twin.
pub(crate) async fn list_notes<F: Store>(
    fs: &F,
    dir: &Path,
    opts: &Options,
) -> Result<Vec<Result<PathBuf, Error>>, Error> {
    let mut walk = Walk::new(dir, opts);
    if let Strategy::Blocking { .. } = opts.strategy_for(fs) {
        let blocking = blocking_twin(fs, dir, BLOCKING_STRATEGY)?;
        return fs
            .runtime()
            .spawn_blocking(move || {
                while let Some(next) = walk.next_dir() {
                    let listed = retry_blocking(|| blocking.list(&next));
                    walk.visit(next, listed)?;
                }
                Ok(walk.found)
            })
            .await;
    }
    while let Some(next) = walk.next_dir() {
        let listed = retry_async(fs.runtime(), || fs.list(&next)).await;
        walk.visit(next, listed)?;
    }
    Ok(walk.found)
}

/// A depth-first walk that lists each directory's entries in name order, which yields paths in
/// sorted (component-wise) order without ever sorting whole paths. It does no I/O itself: the
/// caller lists each directory [`Walk::next_dir`] asks for and hands the result to
/// [`Walk::visit`], blocking or async.
struct Walk {
    /// The root, until [`Walk::next_dir`] hands it out; its listing failing is fatal.
    root: Option<PathBuf>,
    /// Whether the listing [`Walk::visit`] takes next is the root's.
    at_root: bool,
    recursive: bool,
    excluded: Vec<PathBuf>,
    /// Entries still to visit, one sorted iterator per open directory.
    stack: Vec<std::vec::IntoIter<Entry>>,
    found: Vec<Result<PathBuf, Error>>,
}

impl Walk {
    fn new(root: &Path, opts: &Options) -> Self {
        Self {
            root: Some(root.to_path_buf()),
            at_root: true,
            recursive: opts.recursive,
            excluded: opts.exclude.iter().map(|p| lexical(p)).collect(),
            stack: Vec::new(),
            found: Vec::new(),
        }
    }

    /// The next directory to list, after recording the note files met on the way.
    fn next_dir(&mut self) -> Option<PathBuf> {
        if let Some(root) = self.root.take() {
            return Some(root);
        }
        while let Some(entries) = self.stack.last_mut() {
            let Some(entry) = entries.next() else {
                self.stack.pop();
                continue;
            };
            match entry.kind {
                EntryKind::File if is_note_path(&entry.path) => self.found.push(Ok(entry.path)),
                EntryKind::Dir
                    if self.recursive
                        && !is_hidden(&entry.path)
                        && !self.excluded.contains(&lexical(&entry.path)) =>
                {
                    return Some(entry.path);
                }
                _ => {}
            }
        }
        None
    }

    /// Takes the listing of `dir`, the directory [`Walk::next_dir`] returned last.
    fn visit(&mut self, dir: PathBuf, listed: std::io::Result<Vec<Entry>>) -> Result<(), Error> {
        let at_root = std::mem::replace(&mut self.at_root, false);
        match listed {
            Ok(mut entries) => {
                entries.sort_unstable_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
                self.stack.push(entries.into_iter());
            }
            Err(source) if at_root => return Err(Error::List { path: dir, source }),
            Err(source) => self.found.push(Err(Error::List { path: dir, source })),
        }
        Ok(())
    }
}

/// Reads and parses listed note files with the options' strategy; the second step of
/// [`read_notes`](crate::StoreExt::read_notes). `Err` entries pass through in place.
pub(crate) fn load_notes<F: Store>(
    fs: &F,
    listed: Vec<Result<PathBuf, Error>>,
    opts: &Options,
) -> NoteStream {
    let limit = opts.max_note_bytes;
    let fs = fs.clone();
    match (opts.strategy_for(&fs), fs.blocking()) {
        (Strategy::Concurrent { limit: n }, _) => stream::iter(listed)
            .map(move |item| load_async(fs.clone(), item, limit))
            .buffered(n.max(1))
            .boxed(),
        (Strategy::Blocking { batch, in_flight }, Some(blocking)) => {
            let runtime = fs.runtime().clone();
            stream::iter(listed)
                .chunks(batch.max(1))
                .map(move |batch| {
                    let fs = blocking.clone();
                    runtime.spawn_blocking(move || {
                        batch
                            .into_iter()
                            .map(|item| {
                                let path = item?;
                                let read = retry_blocking(|| fs.read(&path, limit));
                                loaded(path, read)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .buffered(in_flight.max(1))
                .flat_map(stream::iter)
                .boxed()
        }
        // Sequential (the listing refused a Blocking strategy without a twin).
        _ => stream::iter(listed)
            .then(move |item| load_async(fs.clone(), item, limit))
            .boxed(),
    }
}

async fn load_async<F: Store>(
    fs: F,
    item: Result<PathBuf, Error>,
    limit: u64,
) -> Result<NoteFile, Error> {
    let path = item?;
    let read = retry_async(fs.runtime(), || fs.read(&path, limit)).await;
    loaded(path, read)
}

/// The note from the outcome of reading `path`, however it was read.
fn loaded(path: PathBuf, read: std::io::Result<Vec<u8>>) -> Result<NoteFile, Error> {
    match read {
        Ok(bytes) => decode(path, bytes),
        Err(e) => Err(Error::read(path, e)),
    }
}

/// Turns the bytes of the file at `path` into a note: [`Error::Binary`] for a NUL byte,
/// [`Error::NotUtf8`] for invalid UTF-8, [`Error::Parse`] for an empty note.
fn decode(path: PathBuf, bytes: Vec<u8>) -> Result<NoteFile, Error> {
    // `contains` on bytes is a vectorised memchr; the offset is only looked for in a binary file.
    if bytes.contains(&0) {
        let offset = bytes.iter().position(|&b| b == 0).unwrap_or(0);
        return Err(Error::Binary { path, offset });
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            return Err(Error::NotUtf8 { path, offset });
        }
    };
    match Note::parse(&text) {
        Ok(note) => Ok(NoteFile { path, note }),
        Err(source) => Err(Error::Parse { path, source }),
    }
}

/// Whether `path` names a note: a `.md` extension, in any case. (The temporary files of an
/// export end in [`TEMP_SUFFIX`](crate::store::TEMP_SUFFIX), so they never pass.)
fn is_note_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case(smartnotes_core::EXTENSION))
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

/// The blocking twin of `fs`, or [`Error::Unsupported`] for `operation` on `path`.
pub(crate) fn blocking_twin<S: Store>(
    fs: &S,
    path: &Path,
    operation: &'static str,
) -> Result<S::Blocking, Error> {
    fs.blocking().ok_or_else(|| Error::Unsupported {
        path: path.to_owned(),
        operation,
    })
}

/// What [`Error::Unsupported`] says of the `Blocking` strategy on a store without a twin.
pub(crate) const BLOCKING_STRATEGY: &str = "the blocking strategy (it needs a blocking twin)";

/// `path` without `.` components, for comparing paths as written.
fn lexical(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}
