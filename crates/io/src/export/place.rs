//! Placing each note of an export: its folder under the destination (created and checked when
//! its first note comes) and a name unique in that folder, in input order.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Component, Path, PathBuf};

use futures_core::Stream;
use futures_util::stream::{self, StreamExt};
use smartnotes_core::{NameSet, Note, UniqueNames};

use super::write::Job;
use crate::spill::SpilledNames;
use crate::store::{EntryKind, Store};
use crate::{Error, Layout, Names, NoteFile, Options};

/// Why a note that comes back to a folder its input has left is not written.
const CAME_BACK: &str = "the input came back to this folder after leaving it, and the names \
    given there before are no longer known, so this note is not written (nothing is \
    overwritten); export notes grouped by folder, as read_notes yields them";

/// The folders of an export under its destination: the unique names of each folder the input
/// is in, the folders that could not be used (and why), and the folders the input has left.
///
/// A folder's names are remembered while notes come from it or from its subfolders, as a walk
/// in path order yields them ([`read_notes`](crate::StoreExt::read_notes)): memory holds one
/// branch of folders' names, never every name. A note that comes back to a folder its input
/// has left is skipped with that reason ([`CAME_BACK`]): the names given there are forgotten,
/// so it could otherwise take one of them.
struct Folders {
    dest: PathBuf,
    layout: Layout,
    names: Names,
    /// The names given in each open folder: beyond a few thousand, most of them are kept in
    /// sorted runs on temporary files ([`SpilledNames`]), so one folder of a million notes
    /// costs a couple of MiB.
    open: HashMap<PathBuf, UniqueNames<SpilledNames>>,
    refused: HashMap<PathBuf, String>,
    /// Folders the input has left (their names forgotten): one path per folder, never a name.
    left: HashSet<PathBuf>,
}

/// Where a note goes, as far as the folder state can tell without I/O.
enum Placed {
    /// Written as this job (or reported, for a failed input).
    Job(Job),
    /// The first note of a folder that must be created and checked first.
    Prepare(PathBuf, Box<NoteFile>),
}

impl Folders {
    fn new(dest: PathBuf, opts: &Options) -> Self {
        Self {
            dest,
            layout: opts.layout,
            names: opts.names,
            open: HashMap::new(),
            refused: HashMap::new(),
            left: HashSet::new(),
        }
    }

    fn place(&mut self, item: Result<NoteFile, Error>) -> Placed {
        let file = match item {
            Ok(file) => file,
            Err(error) => {
                return Placed::Job(Job::Failed {
                    source: None,
                    error,
                });
            }
        };
        let folder = match self.layout {
            Layout::Flat => PathBuf::new(),
            _ => plain(&file.folder),
        };
        if let Some(reason) = self.refused.get(&folder) {
            let source = io::Error::other(reason.clone());
            return Placed::Job(self.refusal(folder, file, source));
        }
        // Folders left behind (not this one nor above it) are done with: their names are
        // forgotten, and a note coming back to one is refused, deterministically (letting it
        // race the writes of the notes that took its name would not be).
        let done: Vec<PathBuf> = (self.open.keys())
            .filter(|open| !folder.starts_with(open))
            .cloned()
            .collect();
        for open in done {
            self.open.remove(&open);
            self.left.insert(open);
        }
        if self.left.contains(&folder) {
            let name = name_in(&mut UniqueNames::new(), self.names, &file.path, &file.note);
            return Placed::Job(Job::Failed {
                error: Error::write(
                    self.dest.join(&folder).join(name),
                    io::Error::other(CAME_BACK),
                ),
                source: Some(file.path),
            });
        }
        if !self.open.contains_key(&folder) && !folder.as_os_str().is_empty() {
            return Placed::Prepare(folder, Box::new(file));
        }
        Placed::Job(self.name(folder, file))
    }

    /// The job of a folder's first note, once the folder was prepared (or could not be).
    fn prepared(&mut self, folder: PathBuf, file: NoteFile, result: io::Result<()>) -> Job {
        match result {
            Ok(()) => self.name(folder, file),
            Err(source) => {
                self.refused.insert(folder.clone(), source.to_string());
                self.refusal(folder, file, source)
            }
        }
    }

    fn name(&mut self, folder: PathBuf, file: NoteFile) -> Job {
        let NoteFile {
            path,
            note,
            modified,
            ..
        } = file;
        let dest = self.dest.join(&folder);
        let unique = (self.open.entry(folder))
            .or_insert_with(|| UniqueNames::with_set(SpilledNames::default()));
        let name = name_in(unique, self.names, &path, &note);
        Job::Write {
            dest: dest.join(name),
            source: path,
            note: Box::new(note),
            modified,
        }
    }

    fn refusal(&self, folder: PathBuf, file: NoteFile, source: io::Error) -> Job {
        Job::Failed {
            source: Some(file.path),
            error: Error::CreateDir {
                path: self.dest.join(folder),
                source,
            },
        }
    }
}

/// Each note of `notes` placed under `dest`, as a job, in input order. Sequential: a folder's
/// first note creates it before the next note is looked at.
pub(super) fn jobs<'a, F, S>(
    fs: &F,
    dest: PathBuf,
    notes: S,
    opts: &Options,
) -> impl Stream<Item = Job> + Send + 'a
where
    F: Store,
    S: Stream<Item = Result<NoteFile, Error>> + Send + 'a,
{
    let state = (notes.boxed(), Folders::new(dest, opts), fs.clone());
    stream::unfold(state, |(mut notes, mut folders, fs)| async move {
        let job = match folders.place(notes.next().await?) {
            Placed::Job(job) => job,
            Placed::Prepare(folder, file) => {
                let result = prepare(&fs, &folders.dest, &folder).await;
                folders.prepared(folder, *file, result)
            }
        };
        Some((job, (notes, folders, fs)))
    })
}

/// The file name `note` (read from `path`) takes among `unique`.
fn name_in<S: NameSet>(
    unique: &mut UniqueNames<S>,
    names: Names,
    path: &Path,
    note: &Note,
) -> String {
    match (names, path.file_name().and_then(|n| n.to_str())) {
        (Names::Keep, Some(file_name)) => unique.assign_kept(file_name),
        _ => unique.assign(&note.title),
    }
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
    if !fs.has_directories() {
        return Ok(()); // folders are key prefixes: nothing to create, nothing to follow
    }
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
