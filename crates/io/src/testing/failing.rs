//! [`FailingFs`]: a store that fails chosen operations, for fault-injection tests.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::store::{BlockingStore, Entry, Store};

/// An operation a [`FailingFs`] can fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// Listing a directory.
    List = 0,
    /// Reading a file.
    Read,
    /// Creating a directory.
    CreateDir,
    /// Writing a new (temporary) file.
    Write,
    /// Moving a written file into place (a link or a rename).
    Rename,
}

impl Op {
    /// Every operation, in declaration order.
    const ALL: [Op; 5] = [Op::List, Op::Read, Op::CreateDir, Op::Write, Op::Rename];
}

/// What happens at a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// The operation fails with this error kind, doing nothing.
    Error(io::ErrorKind),
    /// A write stores only the first half of its bytes, then fails with
    /// [`io::ErrorKind::StorageFull`] (a disk that filled up mid-write). On other operations it
    /// acts as `Error(StorageFull)`.
    ShortWrite,
}

/// One injected fault: the `nth` operation (1-based) among those `op` matches fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The operations counted: one kind, or every kind (`None`).
    pub op: Option<Op>,
    /// Which of them fails, counting from 1.
    pub nth: u64,
    /// How it fails.
    pub kind: FaultKind,
}

impl Fault {
    /// The `nth` operation of kind `op` fails with `kind`.
    ///
    /// # Examples
    /// ```
    /// use std::io::ErrorKind;
    /// use smartnotes_io::testing::{Fault, FaultKind, Op};
    ///
    /// let fault = Fault::on(Op::Read, 2, ErrorKind::PermissionDenied); // the second read
    /// assert_eq!(fault.op, Some(Op::Read));
    /// assert_eq!((fault.nth, fault.kind), (2, FaultKind::Error(ErrorKind::PermissionDenied)));
    /// ```
    pub fn on(op: Op, nth: u64, kind: io::ErrorKind) -> Self {
        Self {
            op: Some(op),
            nth,
            kind: FaultKind::Error(kind),
        }
    }

    /// The `nth` operation of any kind fails with `kind` (for systematic sweeps: run once to
    /// count the operations with [`FailingFs::operations`], then fail each in turn).
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::testing::{Fault, FaultKind};
    ///
    /// let fault = Fault::any(3, FaultKind::ShortWrite); // the third operation, whatever it is
    /// assert_eq!((fault.op, fault.nth, fault.kind), (None, 3, FaultKind::ShortWrite));
    /// ```
    pub fn any(nth: u64, kind: FaultKind) -> Self {
        Self {
            op: None,
            nth,
            kind,
        }
    }
}

#[derive(Debug, Default)]
struct Ledger {
    faults: Vec<Fault>,
    total: u64,
    per_op: [u64; Op::ALL.len()],
    injected: Vec<(Op, u64)>,
}

impl Ledger {
    /// Counts one `op` and returns the fault to inject, if any.
    fn step(&mut self, op: Op) -> Option<FaultKind> {
        self.total += 1;
        let index = op as usize;
        self.per_op[index] += 1;
        let (total, nth_of_op) = (self.total, self.per_op[index]);
        let fault = self.faults.iter().find(|f| match f.op {
            None => f.nth == total,
            Some(o) => o == op && f.nth == nth_of_op,
        })?;
        self.injected.push((op, total));
        Some(fault.kind)
    }
}

#[derive(Clone, Debug, Default)]
struct Shared(Arc<Mutex<Ledger>>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Ledger> {
        // Each update is a few integer writes: a panic cannot leave it half done.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check(&self, op: Op) -> io::Result<()> {
        match self.lock().step(op) {
            None => Ok(()),
            Some(kind) => Err(fault_error(op, kind)),
        }
    }
}

fn fault_error(op: Op, kind: FaultKind) -> io::Error {
    let kind = match kind {
        FaultKind::Error(kind) => kind,
        FaultKind::ShortWrite => io::ErrorKind::StorageFull,
    };
    io::Error::new(kind, format!("injected fault on {op:?}"))
}

/// Wraps a store and fails the operations a list of [`Fault`]s names.
///
/// Operations are counted across the async store and its blocking twin
/// ([`FailingBlockingFs`]) together, so a fault lands on the same logical operation whichever
/// [`Strategy`](crate::Strategy) runs. Removing a temporary file is not a fault point: it is
/// the clean-up the other faults test.
#[derive(Clone, Debug)]
pub struct FailingFs<F> {
    inner: F,
    shared: Shared,
}

impl<F: Store> FailingFs<F> {
    /// `inner`, failing as `faults` say.
    ///
    /// # Examples
    /// ```
    /// use std::io::ErrorKind;
    /// use futures_util::StreamExt;
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{FailingFs, Fault, InlineRuntime, MemFs, Op};
    ///
    /// # futures_executor::block_on(async {
    /// let mem = MemFs::new(InlineRuntime);
    /// mem.insert("/notes/a.md", "# A\n")?;
    /// mem.insert("/notes/b.md", "# B\n")?;
    /// let fs = FailingFs::new(mem, [Fault::on(Op::Read, 2, ErrorKind::PermissionDenied)]);
    /// let items: Vec<_> = fs.read_notes("/notes").collect().await;
    /// assert!(items[0].is_ok());
    /// assert!(items[1].as_ref().unwrap_err().to_string().contains("/notes/b.md"));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn new(inner: F, faults: impl IntoIterator<Item = Fault>) -> Self {
        let shared = Shared::default();
        shared.lock().faults = faults.into_iter().collect();
        Self { inner, shared }
    }

    /// How many operations (fault points) have been made so far.
    ///
    /// # Examples
    /// ```
    /// use futures_util::StreamExt;
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{FailingFs, InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let mem = MemFs::new(InlineRuntime);
    /// mem.insert("/notes/a.md", "# A\n")?;
    /// mem.insert("/notes/b.md", "# B\n")?;
    /// let fs = FailingFs::new(mem, []); // no faults: a dry run to count the fault points
    /// let _ = fs.read_notes("/notes").collect::<Vec<_>>().await;
    /// assert_eq!(fs.operations(), 3); // one listing, two reads
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn operations(&self) -> u64 {
        self.shared.lock().total
    }

    /// The faults injected so far: the operation and its number among all operations.
    ///
    /// # Examples
    /// ```
    /// use std::io::ErrorKind;
    /// use futures_util::StreamExt;
    /// use smartnotes_io::StoreExt;
    /// use smartnotes_io::testing::{FailingFs, Fault, InlineRuntime, MemFs, Op};
    ///
    /// # futures_executor::block_on(async {
    /// let mem = MemFs::new(InlineRuntime);
    /// mem.insert("/notes/a.md", "# A\n")?;
    /// mem.insert("/notes/b.md", "# B\n")?;
    /// let fs = FailingFs::new(mem, [Fault::on(Op::Read, 2, ErrorKind::PermissionDenied)]);
    /// let _ = fs.read_notes("/notes").collect::<Vec<_>>().await;
    /// assert_eq!(fs.injected(), [(Op::Read, 3)]); // after the listing and the first read
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn injected(&self) -> Vec<(Op, u64)> {
        self.shared.lock().injected.clone()
    }

    /// The wrapped store.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::testing::{FailingFs, Fault, FaultKind, InlineRuntime, MemFs};
    ///
    /// let fault = Fault::any(1, FaultKind::ShortWrite);
    /// let fs = FailingFs::new(MemFs::new(InlineRuntime), [fault]);
    /// fs.inner().insert("/notes/a.md", "# A\n")?; // set up past the faults
    /// assert_eq!(fs.operations(), 0); // not counted
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn inner(&self) -> &F {
        &self.inner
    }
}

impl<F: Store> Store for FailingFs<F> {
    type Runtime = F::Runtime;
    type Blocking = FailingBlockingFs<F::Blocking>;

    fn runtime(&self) -> &F::Runtime {
        self.inner.runtime()
    }

    fn blocking(&self) -> Option<Self::Blocking> {
        let inner = self.inner.blocking()?;
        Some(FailingBlockingFs {
            inner,
            shared: self.shared.clone(),
        })
    }

    async fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.shared.check(Op::List)?;
        self.inner.list(dir).await
    }

    async fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        self.shared.check(Op::Read)?;
        self.inner.read(path, limit).await
    }

    async fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.shared.check(Op::CreateDir)?;
        self.inner.create_dir_all(dir).await
    }

    async fn locate(&self, outer: &Path, inner: &Path) -> io::Result<Option<PathBuf>> {
        self.inner.locate(outer, inner).await
    }
}

/// The blocking twin of [`FailingFs`], sharing its count of operations and its faults.
#[derive(Clone, Debug)]
pub struct FailingBlockingFs<B> {
    inner: B,
    shared: Shared,
}

/// Opening a file counts as an [`Op::Read`].
impl<B: BlockingStore> BlockingStore for FailingBlockingFs<B> {
    type Reader = B::Reader;

    fn open(&self, path: &Path) -> io::Result<B::Reader> {
        self.shared.check(Op::Read)?;
        self.inner.open(path)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.shared.check(Op::List)?;
        self.inner.list(dir)
    }

    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        self.shared.check(Op::Read)?;
        self.inner.read(path, limit)
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.shared.check(Op::CreateDir)?;
        self.inner.create_dir_all(dir)
    }

    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let fault = self.shared.lock().step(Op::Write);
        match fault {
            None => self.inner.write_new(path, bytes),
            Some(FaultKind::ShortWrite) => {
                self.inner.write_new(path, &bytes[..bytes.len() / 2])?;
                Err(fault_error(Op::Write, FaultKind::ShortWrite))
            }
            Some(kind) => Err(fault_error(Op::Write, kind)),
        }
    }

    fn link(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.shared.check(Op::Rename)?;
        self.inner.link(from, to)
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.shared.check(Op::Rename)?;
        self.inner.rename(from, to)
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        self.inner.remove_file(path)
    }
    fn modified(&self, path: &Path) -> io::Result<std::time::SystemTime> {
        self.inner.modified(path)
    }
    fn set_modified(&self, path: &Path, time: std::time::SystemTime) -> io::Result<()> {
        self.inner.set_modified(path, time)
    }
}
