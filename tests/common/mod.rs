//! One test body, two runtimes: each behaviour test is an `async fn(fs)` generic over the
//! store, and `on_both_runtimes!` instantiates it on tokio and on smol.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use smartnotes::{Error, NoteFile, Report, Store, StoreExt};

/// Generates `mod tokio` and `mod smol`, each with a `#[test]` per listed test, running
/// `super::name(fs)` on that runtime's real file system through [`smartnotes::RuntimeKind`].
#[macro_export]
macro_rules! on_both_runtimes {
    ($($name:ident),* $(,)?) => {
        $crate::on_both_runtimes!(@runtime tokio, Tokio, $($name),*);
        $crate::on_both_runtimes!(@runtime smol, Smol, $($name),*);
    };
    (@runtime $module:ident, $kind:ident, $($name:ident),*) => {
        mod $module {
            $(
                #[test]
                fn $name() {
                    struct Job;
                    impl smartnotes::StoreJob for Job {
                        type Output = ();
                        async fn run<S: smartnotes::Store>(self, store: S) {
                            super::$name(store).await
                        }
                    }
                    smartnotes::RuntimeKind::$kind.block_on(Job);
                }
            )*
        }
    };
}

/// A fresh temporary directory.
pub(crate) fn temp() -> tempfile::TempDir {
    tempfile::tempdir().expect("cannot create a temporary directory")
}

/// Writes `files` (relative path, contents) under `dir`, creating parents.
pub(crate) fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Waits, on `store`'s runtime, until the number of entries in `dir` has stayed the same over
/// three looks 100 ms apart: after an export's stream is dropped, a blocking job already
/// running finishes its notes, and a folder removed while it writes is left half there (a
/// loaded machine took longer than a fixed 200 ms). Panics if the folder is still growing
/// after 30 s: a dropped export must stop writing.
pub(crate) async fn settled<S: Store>(store: &S, dir: &Path) {
    let count = || std::fs::read_dir(dir).map_or(0, Iterator::count);
    let (mut last, mut same) = (count(), 0);
    for _ in 0..300 {
        smartnotes::Runtime::sleep(store.runtime(), std::time::Duration::from_millis(100)).await;
        let now = count();
        same = if now == last { same + 1 } else { 0 };
        if same == 3 {
            return;
        }
        last = now;
    }
    panic!("{} still growing after 30 s: {last} entries", dir.display());
}

/// Every file under `dir` (recursively), by path relative to `dir`, with its bytes.
pub(crate) fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

/// Drains a note stream into (notes, errors).
pub(crate) async fn drain(
    stream: impl futures_core::Stream<Item = Result<NoteFile, Error>>,
) -> (Vec<NoteFile>, Vec<Error>) {
    smartnotes::stream::partition_results(stream).await
}

/// Titles of the notes read from `dir` on `fs`, in stream order.
pub(crate) async fn titles<F: Store>(fs: &F, dir: &Path) -> Vec<String> {
    fs.read_notes(dir)
        .map(|item| item.expect("note").note.title)
        .collect()
        .await
}

/// Each skipped note of `report` as (its file name, the reason), in report order.
pub(crate) fn reasons(report: &Report) -> Vec<(String, String)> {
    report
        .skipped
        .iter()
        .map(|s| {
            let name = s.source.file_name().unwrap().to_string_lossy().into_owned();
            (name, s.reason())
        })
        .collect()
}
