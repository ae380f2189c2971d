//! Vault conventions, on real files, both runtimes and every strategy: exported notes keep
//! their source's modification time when asked (`Options::preserve_mtime`), also on a re-run
//! that finds them unchanged, and never through a symbolic link.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{temp, write_files};
use smartnotes::{Names, Options, Store, StoreExt, Strategy};

fn strategies() -> [Strategy; 4] {
    [
        Strategy::Sequential,
        Strategy::concurrent(4),
        Strategy::blocking(),
        Strategy::default(),
    ]
}

/// 2001-09-09, and a second apart for each note: times no export could stamp by chance.
fn then(i: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000 + i)
}

fn set_time(path: &Path, time: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

fn time_of(path: &Path) -> SystemTime {
    std::fs::symlink_metadata(path).unwrap().modified().unwrap()
}

async fn exported_notes_keep_their_sources_modification_time<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out, plain) = (temp(), temp(), temp());
        write_files(src.path(), &[("a.md", b"# A\n"), ("sub/b.md", b"# B\n")]);
        set_time(&src.path().join("a.md"), then(1));
        set_time(&src.path().join("sub/b.md"), then(2));
        let opts = Options::default()
            .with_strategy(strategy)
            .with_recursive(true)
            .with_names(Names::Keep);
        let kept = opts.clone().with_preserve_mtime(true);
        let report = fs
            .pipeline_with(src.path(), out.path(), &kept)
            .await
            .unwrap();
        assert!(report.is_complete(), "{strategy}: {:?}", report.skipped);
        assert_eq!(time_of(&out.path().join("a.md")), then(1), "{strategy}");
        assert_eq!(time_of(&out.path().join("sub/b.md")), then(2), "{strategy}");
        // Without the option, a written note has the export's time.
        fs.pipeline_with(src.path(), plain.path(), &opts)
            .await
            .unwrap();
        assert!(
            time_of(&plain.path().join("a.md")) > then(1_000_000),
            "{strategy}"
        );
        // Asked on a re-run, the unchanged notes get it too, and nothing is rewritten.
        let again = fs
            .pipeline_with(src.path(), plain.path(), &kept)
            .await
            .unwrap();
        assert_eq!(again.unchanged.len(), 2, "{strategy}");
        assert_eq!(time_of(&plain.path().join("a.md")), then(1), "{strategy}");
    }
}

/// A destination that is a symbolic link to a file with the same bytes is unchanged, and the
/// time set is the link's own: the file it points to keeps its time.
async fn a_preserved_time_never_goes_through_a_link<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out, outside) = (temp(), temp(), temp());
        write_files(src.path(), &[("a.md", b"# A\n")]);
        write_files(outside.path(), &[("a.md", b"# A\n")]);
        set_time(&src.path().join("a.md"), then(1));
        set_time(&outside.path().join("a.md"), then(7));
        std::os::unix::fs::symlink(outside.path().join("a.md"), out.path().join("a.md")).unwrap();
        let opts = Options::default()
            .with_strategy(strategy)
            .with_names(Names::Keep)
            .with_preserve_mtime(true);
        let report = fs
            .pipeline_with(src.path(), out.path(), &opts)
            .await
            .unwrap();
        assert_eq!(
            report.unchanged.len(),
            1,
            "{strategy}: {:?}",
            report.skipped
        );
        assert_eq!(time_of(&outside.path().join("a.md")), then(7), "{strategy}");
    }
}

on_both_runtimes!(
    exported_notes_keep_their_sources_modification_time,
    a_preserved_time_never_goes_through_a_link,
);
