//! Streaming all the way, on real files and both runtimes: the walk lists a folder only when
//! its notes are due, an export's outcomes come in input order while later notes are still
//! unread, a dropped export leaves only complete notes, and a folder's names are remembered
//! while the input stays in it (a note that comes back to a folder it left is refused, never
//! written over another, the same way every run).

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{temp, tree, write_files};
use futures_util::{StreamExt, TryStreamExt, stream};
use smartnotes::{Error, Note, NoteFile, Options, Outcome, Store, StoreExt, Strategy, WriteMode};

/// Small windows, so that every strategy reads only a few notes ahead.
fn strategies() -> [Strategy; 4] {
    [
        Strategy::Sequential,
        Strategy::Concurrent { limit: 2 },
        Strategy::Blocking {
            batch: 1,
            in_flight: 1,
        },
        Strategy::Uring {
            batch: 1,
            in_flight: 1,
        },
    ]
}

/// A note written into the last folder after the first note was read is found: that folder had
/// not been listed yet.
async fn the_walk_lists_a_folder_when_its_notes_are_due<S: Store>(fs: S) {
    for strategy in strategies() {
        let dir = temp();
        let files: Vec<(String, Vec<u8>)> = (0..20)
            .flat_map(|f| (0..5).map(move |n| (format!("f{f:02}/n{n}.md"), format!("# {f} {n}\n"))))
            .map(|(path, text)| (path, text.into_bytes()))
            .collect();
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_slice()))
            .collect();
        write_files(dir.path(), &refs);
        let opts = Options::default()
            .with_recursive(true)
            .with_strategy(strategy);
        let mut notes = fs.read_notes_with(dir.path(), &opts);
        let first = notes.next().await.expect("a note").expect("read");
        assert_eq!(first.note.title, "0 0");
        std::fs::write(dir.path().join("f19/late.md"), "# late\n").unwrap();
        let rest: Vec<NoteFile> = notes.try_collect().await.expect("read");
        assert_eq!(rest.len(), 100, "{strategy}: 99 notes and the late one");
        assert!(
            rest.iter().any(|file| file.note.title == "late"),
            "{strategy}: the last folder was listed before the first note came out"
        );
    }
}

fn note_file(i: usize) -> NoteFile {
    NoteFile::new(
        format!("in/n{i:03}.md"),
        Note::new(format!("Note {i}"), format!("body {i}"), ["x"]),
    )
}

/// Outcomes come one per input, in input order, and the first comes while most of the input is
/// still unread.
async fn outcomes_come_in_order_while_the_input_is_unread<S: Store>(fs: S) {
    for strategy in strategies()
        .into_iter()
        .chain([Strategy::Concurrent { limit: 16 }])
    {
        let dir = temp();
        let pulled = Arc::new(AtomicUsize::new(0));
        let counter = pulled.clone();
        let input = stream::iter(0..200).map(move |i| {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(note_file(i))
        });
        let opts = Options::default().with_strategy(strategy);
        let mut outcomes = fs.export_stream_with(dir.path(), input, &opts);
        let mut sources = Vec::new();
        while let Some(outcome) = outcomes.next().await {
            if sources.is_empty() {
                let read = pulled.load(Ordering::SeqCst);
                assert!(
                    read < 40,
                    "{strategy}: {read} notes pulled before the first outcome"
                );
            }
            match outcome.expect("no fatal error") {
                Outcome::Exported(e) => sources.push(e.source),
                other => panic!("{strategy}: {other:?}"),
            }
        }
        let expected: Vec<PathBuf> = (0..200).map(|i| note_file(i).path).collect();
        assert_eq!(sources, expected, "{strategy}: input order");
        assert_eq!(tree(dir.path()).len(), 200);
    }
}

/// Dropping the outcome stream midway stops the export: what is in the destination is
/// complete notes (each one of the inputs, byte for byte), no temporary file, and the notes
/// not yet reached are not written.
async fn a_dropped_export_leaves_only_complete_notes<S: Store>(fs: S) {
    for strategy in strategies() {
        let dir = temp();
        let input = stream::iter(0..300).map(|i| Ok(note_file(i)));
        let opts = Options::default().with_strategy(strategy);
        let taken: Vec<_> = fs
            .export_stream_with(dir.path(), input, &opts)
            .take(50)
            .collect()
            .await;
        assert_eq!(taken.len(), 50);
        // A blocking job in flight when the stream was dropped finishes its notes.
        common::settled(&fs, dir.path()).await;
        let written = tree(dir.path());
        assert!(
            written.len() >= 50 && written.len() < 300,
            "{strategy}: {}",
            written.len()
        );
        let rendered: Vec<String> = (0..300).map(|i| note_file(i).note.render()).collect();
        for (path, bytes) in &written {
            let name = path.to_string_lossy();
            assert!(
                !name.contains("smartnotes-tmp"),
                "{strategy}: temp file {name}"
            );
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(
                rendered.contains(&text),
                "{strategy}: {name} is not a complete note"
            );
        }
    }
}

/// Names are unique within a folder while the input stays in it; an input that leaves a folder
/// and comes back is refused with that reason (reported, the file untouched), whatever the
/// strategy and however the writes interleave.
async fn a_folder_come_back_to_is_never_overwritten<S: Store>(fs: S) {
    for strategy in strategies().into_iter().chain([Strategy::default()]) {
        let opts = Options::default().with_strategy(strategy);
        let dir = temp();
        let file = |folder: &str, title: &str, body: &str| {
            Ok::<_, Error>(
                NoteFile::new(format!("{folder}/{body}.md"), Note::new(title, body, ["x"]))
                    .with_folder(folder),
            )
        };
        let input = stream::iter([
            file("a", "Same", "one"),
            file("a", "Same", "two"),
            file("b", "Other", "three"),
            file("a", "Same", "four"),
        ]);
        let outcomes: Vec<Outcome> = fs
            .export_stream_with(dir.path(), input, &opts)
            .try_collect()
            .await
            .expect("no fatal error");
        let names: Vec<String> = outcomes
            .iter()
            .map(|o| match o {
                Outcome::Exported(e) => e
                    .path
                    .strip_prefix(dir.path())
                    .unwrap()
                    .display()
                    .to_string(),
                Outcome::Skipped(s) => format!("skipped: {}", s.reason()),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(names[..3], ["a/same.md", "a/same-2.md", "b/other.md"]);
        assert!(
            names[3].starts_with("skipped")
                && names[3].contains("a/same.md")
                && names[3].contains("came back"),
            "{names:?}"
        );
        let same = std::fs::read_to_string(dir.path().join("a/same.md")).unwrap();
        assert!(same.contains("one"), "never overwritten: {same}");
        // The first note again: its file is there with the same bytes, so it is unchanged.
        let again = fs
            .export_stream_with(
                dir.path(),
                stream::iter([file("a", "Same", "one")]),
                &opts.with_write_mode(WriteMode::CreateNew),
            )
            .report()
            .await
            .unwrap();
        assert_eq!(again.unchanged.len(), 1);
    }
}

/// A pipeline's stream: a source folder that cannot be listed is its one (fatal) item.
async fn a_missing_source_is_the_one_fatal_item<S: Store>(fs: S) {
    let dir = temp();
    let missing = dir.path().join("nowhere");
    let items: Vec<_> = fs
        .pipeline_stream_with(&missing, dir.path().join("out"), &Options::default())
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(Error::List { path, .. }) => assert_eq!(path, &missing),
        other => panic!("{other:?}"),
    }
    assert!(!Path::new(&dir.path().join("out")).exists());
}

on_both_runtimes!(
    the_walk_lists_a_folder_when_its_notes_are_due,
    outcomes_come_in_order_while_the_input_is_unread,
    a_dropped_export_leaves_only_complete_notes,
    a_folder_come_back_to_is_never_overwritten,
    a_missing_source_is_the_one_fatal_item,
);
