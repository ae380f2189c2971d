//! What every store promises, tested once for all of them: the atomic, never-clobbering write,
//! the size limit, and (for a store without a blocking twin) that the operations still work
//! with the concurrent strategy while the blocking strategy and the scans say clearly that
//! they cannot.

mod common;

use std::io;
use std::path::{Path, PathBuf};

use common::temp;
use futures_util::TryStreamExt;
use smartnotes::store::{Entry, EntryKind, NoBlocking, TooLarge};
use smartnotes::testing::{FailingFs, Latency, MemFs, SlowFs};
use smartnotes::{Error, Options, Store, StoreExt, Strategy, WriteMode};

/// The write contract on `store`, in the (existing, empty) directory `dir`.
async fn write_contract<S: Store>(store: &S, dir: &Path) {
    let path = dir.join("note.md");
    let read = |path: PathBuf| async move { store.read(&path, 1 << 20).await };

    store
        .write_atomic(&path, b"one".to_vec(), WriteMode::CreateNew)
        .await
        .expect("a new file is written");
    assert_eq!(read(path.clone()).await.unwrap(), b"one");

    let clobber = store
        .write_atomic(&path, b"two".to_vec(), WriteMode::CreateNew)
        .await
        .expect_err("an existing file is never replaced");
    assert_eq!(clobber.kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(read(path.clone()).await.unwrap(), b"one", "left as it was");

    store
        .write_atomic(&path, b"three".to_vec(), WriteMode::Replace)
        .await
        .expect("replace is asked for");
    assert_eq!(read(path.clone()).await.unwrap(), b"three");

    // Racing writers of one new name: exactly one wins, whole; the others are told.
    let racer = dir.join("race.md");
    let writes = (0..8).map(|i| {
        let racer = racer.clone();
        async move {
            let bytes = format!("writer {i} ").repeat(1000).into_bytes();
            let result = store
                .write_atomic(&racer, bytes.clone(), WriteMode::CreateNew)
                .await;
            (bytes, result)
        }
    });
    let results = futures_util::future::join_all(writes).await;
    let winners: Vec<&Vec<u8>> = results
        .iter()
        .filter_map(|(bytes, r)| r.is_ok().then_some(bytes))
        .collect();
    assert_eq!(winners.len(), 1, "exactly one writer creates the file");
    for (_, result) in &results {
        if let Err(e) = result {
            assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{e}");
        }
    }
    assert_eq!(&read(racer.clone()).await.unwrap(), winners[0]);

    // Nothing else is left in the directory: no temporary file, no partial file.
    let mut names: Vec<String> = store
        .list(dir)
        .await
        .unwrap()
        .into_iter()
        .map(|Entry { path, kind }| {
            assert_eq!(kind, EntryKind::File);
            path.file_name().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names, ["note.md", "race.md"]);

    // The size limit, typed.
    let too_large = store.read(&racer, 10).await.expect_err("over the limit");
    assert_eq!(too_large.kind(), io::ErrorKind::FileTooLarge);
    assert_eq!(TooLarge::of(&too_large).map(|t| t.limit), Some(10));
}

/// The local file system of the runtime.
async fn local_files_keep_the_write_contract<S: Store>(fs: S) {
    let dir = temp();
    write_contract(&fs, dir.path()).await;
}

/// The simulated stores, each over memory, on the runtime's timer and blocking pool.
async fn simulated_stores_keep_the_write_contract<S: Store>(fs: S) {
    let mem = MemFs::new(fs.runtime().clone());
    for dir in ["/mem", "/slow", "/failing", "/no-twin"] {
        Store::create_dir_all(&mem, Path::new(dir)).await.unwrap();
    }
    write_contract(&mem, Path::new("/mem")).await;
    let latency = Latency::fixed(std::time::Duration::from_millis(1));
    write_contract(&SlowFs::new(mem.clone(), latency), Path::new("/slow")).await;
    write_contract(&FailingFs::new(mem.clone(), []), Path::new("/failing")).await;
    write_contract(&NoTwin(mem.clone()), Path::new("/no-twin")).await;

    let dir = temp();
    write_contract(&SlowFs::new(fs, latency), dir.path()).await;
}

/// A store with no blocking twin (as a network store is): every primitive forwarded to the
/// async side of another store, and `blocking()` always `None`.
#[derive(Clone, Debug)]
struct NoTwin<S>(S);

impl<S: Store> Store for NoTwin<S> {
    type Runtime = S::Runtime;
    type Blocking = NoBlocking;

    fn runtime(&self) -> &S::Runtime {
        self.0.runtime()
    }
    fn blocking(&self) -> Option<NoBlocking> {
        None
    }
    async fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.0.list(dir).await
    }
    async fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        self.0.read(path, limit).await
    }
    async fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.0.create_dir_all(dir).await
    }
    async fn write_atomic(&self, path: &Path, bytes: Vec<u8>, mode: WriteMode) -> io::Result<()> {
        self.0.write_atomic(path, bytes, mode).await
    }
    async fn read_at(&self, path: &Path, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        self.0.read_at(path, offset, len).await
    }
}

/// A store with no blocking twin that implements only the four primitives (not `read_at`).
#[derive(Clone, Debug)]
struct NoRanges<S>(S);

impl<S: Store> Store for NoRanges<S> {
    type Runtime = S::Runtime;
    type Blocking = NoBlocking;

    fn runtime(&self) -> &S::Runtime {
        self.0.runtime()
    }
    fn blocking(&self) -> Option<NoBlocking> {
        None
    }
    async fn list(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        self.0.list(dir).await
    }
    async fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        self.0.read(path, limit).await
    }
    async fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.0.create_dir_all(dir).await
    }
    async fn write_atomic(&self, path: &Path, bytes: Vec<u8>, mode: WriteMode) -> io::Result<()> {
        self.0.write_atomic(path, bytes, mode).await
    }
}

/// Without a blocking twin the default strategy is concurrent and gives the same export; the
/// blocking strategy fails with a clear error naming the path, losing nothing; the scans read
/// ranges (`Store::read_at`), or fail naming the path when the store has none.
async fn a_store_without_a_blocking_twin_works_concurrently<S: Store>(fs: S) {
    let mem = MemFs::new(fs.runtime().clone());
    for i in 0..20 {
        mem.insert(format!("/notes/n{i}.md"), format!("# Note {i}\n\nbody\n"))
            .unwrap();
    }
    mem.insert("/notes/bad.md", "").unwrap();
    mem.insert("/app.log", "ERROR a\nINFO b\n").unwrap();
    let store = NoTwin(mem.clone());
    assert_eq!(store.default_strategy(), Strategy::Concurrent { limit: 64 });

    let report = store.pipeline("/notes", "/out").await.unwrap();
    assert_eq!((report.exported.len(), report.skipped.len()), (20, 1));
    let reference = mem.pipeline("/notes", "/reference").await.unwrap();
    for (ours, theirs) in report.exported.iter().zip(&reference.exported) {
        assert_eq!(mem.get(&ours.path), mem.get(&theirs.path));
    }

    let blocking = Options::default().with_strategy(Strategy::Blocking {
        batch: 256,
        in_flight: 2,
    });
    let err = store
        .pipeline_with("/notes", "/out2", &blocking)
        .await
        .expect_err("no blocking twin");
    assert!(
        matches!(&err, Error::Unsupported { path, .. } if path == Path::new("/notes")),
        "{err}"
    );
    assert!(mem.files_under("/out2").is_empty(), "nothing written");
    let (notes, errors) = common::drain(store.read_notes_with("/notes", &blocking)).await;
    assert!(notes.is_empty());
    assert!(
        matches!(errors[..], [Error::Unsupported { .. }]),
        "{errors:?}"
    );

    let scan = store.count_matching("/app.log", "ERROR").await.unwrap();
    assert_eq!((scan.matching_lines, scan.bytes, scan.done), (1, 15, true));
    let lines: Vec<_> = store
        .read_lines_with("/app.log", &Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(lines.iter().map(|batch| batch.len()).sum::<usize>(), 2);

    let scan = NoRanges(mem.clone())
        .count_matching("/app.log", "ERROR")
        .await;
    assert!(
        matches!(&scan, Err(Error::Read { path, source })
            if path == Path::new("/app.log") && source.kind() == io::ErrorKind::Unsupported),
        "{scan:?}"
    );
}

on_both_runtimes!(
    local_files_keep_the_write_contract,
    simulated_stores_keep_the_write_contract,
    a_store_without_a_blocking_twin_works_concurrently,
);
