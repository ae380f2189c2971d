//! [`MemFs`]: an in-memory store.

use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::Runtime;
use crate::store::{BlockingStore, Entry, EntryKind, Store, TooLarge};

#[derive(Clone, Debug)]
enum Node {
    Dir,
    File(Arc<[u8]>),
}

/// An in-memory file store: a tree of directories and files behind a mutex.
///
/// Paths are taken lexically (`.` components dropped, `..` refused) and the root `/` always
/// exists. Every operation completes at once, so it measures a pipeline's own overhead, and it
/// is the base for the [slow](crate::testing::SlowFs) store. It implements [`Store`] and [`BlockingStore`];
/// its blocking twin is itself.
///
/// ```
/// # use smartnotes_io::testing::MemFs;
/// # fn check<R: smartnotes_io::Runtime>(rt: R) -> std::io::Result<()> {
/// let fs = MemFs::new(rt);
/// fs.insert("/notes/a.md", "# A\n")?;
/// assert_eq!(fs.get("/notes/a.md").as_deref(), Some(&b"# A\n"[..]));
/// # Ok(()) }
/// # check(smartnotes_io::testing::InlineRuntime).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct MemFs<R> {
    tree: Arc<Mutex<HashMap<PathBuf, Node>>>,
    runtime: R,
}

fn key(path: &Path) -> io::Result<PathBuf> {
    let mut out = PathBuf::from("/");
    for c in path.components() {
        match c {
            Component::Normal(name) => out.push(name),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "`..` is not supported by MemFs",
                ));
            }
        }
    }
    Ok(out)
}

fn not_found() -> io::Error {
    io::Error::from(io::ErrorKind::NotFound)
}

impl<R: Runtime> MemFs<R> {
    /// An empty store (only `/` exists) whose futures run on `runtime`.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::BlockingStore;
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// let fs = MemFs::new(InlineRuntime);
    /// assert!(fs.files_under("/").is_empty());
    /// assert!(BlockingStore::list(&fs, "/".as_ref())?.is_empty()); // the root exists, empty
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(runtime: R) -> Self {
        let mut tree = HashMap::new();
        tree.insert(PathBuf::from("/"), Node::Dir);
        Self {
            tree: Arc::new(Mutex::new(tree)),
            runtime,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<PathBuf, Node>> {
        // A panic while holding the lock cannot leave the map half-updated (every update is a
        // single insert or remove), so a poisoned lock is safe to keep using.
        self.tree.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Creates or replaces the file at `path` with `bytes`, creating missing parents.
    ///
    /// # Errors
    /// [`io::ErrorKind::InvalidInput`] if `path` has a `..` component,
    /// [`io::ErrorKind::IsADirectory`] if it names a directory, and
    /// [`io::ErrorKind::NotADirectory`] if one of its parents is a file.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "old")?;
    /// fs.insert("/notes/a.md", "new")?; // replaces
    /// assert_eq!(fs.get("/notes/a.md").as_deref(), Some(&b"new"[..]));
    /// let err = fs.insert("/notes", "x").unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::IsADirectory);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn insert(&self, path: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> io::Result<()> {
        let path = key(path.as_ref())?;
        if let Some(parent) = path.parent() {
            BlockingStore::create_dir_all(self, parent)?;
        }
        let mut tree = self.lock();
        if let Some(Node::Dir) = tree.get(&path) {
            return Err(io::Error::from(io::ErrorKind::IsADirectory));
        }
        tree.insert(path, Node::File(bytes.as_ref().into()));
        Ok(())
    }

    /// The bytes of the file at `path`, if there is one.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// assert_eq!(fs.get("/notes/a.md"), Some(b"# A\n".to_vec()));
    /// assert_eq!(fs.get("/notes/missing.md"), None);
    /// assert_eq!(fs.get("/notes"), None); // a directory
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn get(&self, path: impl AsRef<Path>) -> Option<Vec<u8>> {
        let path = key(path.as_ref()).ok()?;
        match self.lock().get(&path) {
            Some(Node::File(bytes)) => Some(bytes.to_vec()),
            _ => None,
        }
    }

    /// Every file under `dir` (at any depth), sorted by path.
    ///
    /// # Examples
    /// ```
    /// use std::path::PathBuf;
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// let fs = MemFs::new(InlineRuntime);
    /// for path in ["/notes/b.md", "/notes/sub/a.md", "/other/c.md"] {
    ///     fs.insert(path, "")?;
    /// }
    /// let files = fs.files_under("/notes");
    /// assert_eq!(files, [PathBuf::from("/notes/b.md"), PathBuf::from("/notes/sub/a.md")]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn files_under(&self, dir: impl AsRef<Path>) -> Vec<PathBuf> {
        let Ok(dir) = key(dir.as_ref()) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = self
            .lock()
            .iter()
            .filter(|(p, n)| matches!(n, Node::File(_)) && p.starts_with(&dir))
            .map(|(p, _)| p.clone())
            .collect();
        files.sort();
        files
    }
}

impl<R: Runtime> BlockingStore for MemFs<R> {
    type Reader = io::Cursor<Arc<[u8]>>;

    fn open(&self, path: &Path) -> io::Result<Self::Reader> {
        match self.lock().get(&key(path)?) {
            Some(Node::File(bytes)) => Ok(io::Cursor::new(Arc::clone(bytes))),
            Some(Node::Dir) => Err(io::Error::from(io::ErrorKind::IsADirectory)),
            None => Err(not_found()),
        }
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let dir = key(dir)?;
        let tree = self.lock();
        match tree.get(&dir) {
            Some(Node::Dir) => {}
            Some(Node::File(_)) => return Err(io::Error::from(io::ErrorKind::NotADirectory)),
            None => return Err(not_found()),
        }
        // A scan of the whole map: listing is rare (once per directory per pipeline), while
        // reads and writes, which are many, are one hash lookup each.
        Ok(tree
            .iter()
            .filter(|(p, _)| p.parent() == Some(dir.as_path()))
            .map(|(p, n)| Entry {
                path: p.clone(),
                kind: match n {
                    Node::Dir => EntryKind::Dir,
                    Node::File(_) => EntryKind::File,
                },
            })
            .collect())
    }

    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        match self.lock().get(&key(path)?) {
            Some(Node::File(bytes)) => {
                TooLarge::check(bytes.len() as u64, limit)?;
                Ok(bytes.to_vec())
            }
            Some(Node::Dir) => Err(io::Error::from(io::ErrorKind::IsADirectory)),
            None => Err(not_found()),
        }
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        let dir = key(dir)?;
        let mut tree = self.lock();
        for ancestor in dir.ancestors().collect::<Vec<_>>().into_iter().rev() {
            match tree.get(ancestor) {
                Some(Node::Dir) => {}
                Some(Node::File(_)) => return Err(io::Error::from(io::ErrorKind::NotADirectory)),
                None => {
                    tree.insert(ancestor.to_owned(), Node::Dir);
                }
            }
        }
        Ok(())
    }

    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let path = key(path)?;
        let mut tree = self.lock();
        check_parent(&tree, &path)?;
        if tree.contains_key(&path) {
            return Err(io::Error::from(io::ErrorKind::AlreadyExists));
        }
        tree.insert(path, Node::File(bytes.into()));
        Ok(())
    }

    fn link(&self, from: &Path, to: &Path) -> io::Result<()> {
        let (from, to) = (key(from)?, key(to)?);
        let mut tree = self.lock();
        check_parent(&tree, &to)?;
        let Some(Node::File(bytes)) = tree.get(&from).cloned() else {
            return Err(not_found());
        };
        if tree.contains_key(&to) {
            return Err(io::Error::from(io::ErrorKind::AlreadyExists));
        }
        tree.insert(to, Node::File(bytes));
        Ok(())
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let (from, to) = (key(from)?, key(to)?);
        let mut tree = self.lock();
        check_parent(&tree, &to)?;
        match tree.get(&to) {
            Some(Node::Dir) => return Err(io::Error::from(io::ErrorKind::IsADirectory)),
            Some(Node::File(_)) | None => {}
        }
        let Some(Node::File(bytes)) = tree.remove(&from) else {
            return Err(not_found());
        };
        tree.insert(to, Node::File(bytes));
        Ok(())
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        let path = key(path)?;
        let mut tree = self.lock();
        match tree.get(&path) {
            Some(Node::File(_)) => {
                tree.remove(&path);
                Ok(())
            }
            Some(Node::Dir) => Err(io::Error::from(io::ErrorKind::IsADirectory)),
            None => Err(not_found()),
        }
    }
}

fn check_parent(tree: &HashMap<PathBuf, Node>, path: &Path) -> io::Result<()> {
    match path.parent().map(|p| tree.get(p)) {
        Some(Some(Node::Dir)) => Ok(()),
        Some(Some(Node::File(_))) => Err(io::Error::from(io::ErrorKind::NotADirectory)),
        _ => Err(not_found()),
    }
}

impl<R: Runtime> Store for MemFs<R> {
    type Runtime = R;
    type Blocking = Self;

    fn runtime(&self) -> &R {
        &self.runtime
    }

    fn blocking(&self) -> Option<Self> {
        Some(self.clone())
    }

    // Each operation runs when its future is polled, not when it is created, like any I/O.
    async fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        BlockingStore::list(self, dir)
    }

    async fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        BlockingStore::read(self, path, limit)
    }

    async fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        BlockingStore::create_dir_all(self, dir)
    }

    /// In memory the atomic write is instant: it runs inline rather than on the blocking pool.
    async fn write_atomic(
        &self,
        path: &Path,
        bytes: Vec<u8>,
        mode: crate::WriteMode,
    ) -> io::Result<()> {
        crate::store::write_atomic(self, path, &bytes, mode)
    }
}
