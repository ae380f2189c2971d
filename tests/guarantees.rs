//! The README's "What it guarantees", sentence by sentence: each test is named after the
//! sentence it proves, runs on real files on tokio and on smol, and under every strategy.
//! (Two sentences are proven by suites of their own, named here where they apply: a process
//! killed mid-export, `crates/cli/tests/killed.rs`; peak memory at a million notes, the memory
//! bench.)

mod common;

use std::path::{Path, PathBuf};

use common::{settled, temp, tree, write_files};
use futures_util::{StreamExt, stream};
use smartnotes::{
    Error, Layout, Names, Note, NoteFile, Options, Outcome, Store, StoreExt, Strategy, WriteMode,
};

/// Every strategy, with small windows so that reading runs ahead of writing.
fn strategies() -> [Strategy; 5] {
    [
        Strategy::Sequential,
        Strategy::concurrent(4),
        Strategy::Blocking {
            batch: 2,
            in_flight: 2,
        },
        Strategy::Uring {
            batch: 2,
            in_flight: 2,
        },
        Strategy::default(),
    ]
}

fn with(strategy: Strategy) -> Options {
    Options::default().with_strategy(strategy)
}

/// Notes in every convention a vault has: front matter with a comment, CRLF, a BOM, no final
/// newline, inline tags, the seed format, a note titled only by its file name.
const VAULT: &[(&str, &str)] = &[
    (
        "front.md",
        "---\r\n# kept comment\r\ntitle: Front matter\r\ntags: [b, a]\r\n---\r\nBody #inline\r\n",
    ),
    ("bom.md", "\u{feff}# With a BOM\n\nbody"),
    ("seed.md", "# Seed\n\nbody\n\nTags: python, async\n"),
    ("File name title.md", "just text, #tag, no heading"),
    ("sub/deep.md", "# Deep\n\nin a folder\n"),
];

fn vault(dir: &Path) {
    let files: Vec<(&str, &[u8])> = VAULT.iter().map(|(n, t)| (*n, t.as_bytes())).collect();
    write_files(dir, &files);
}

fn kept() -> Options {
    Options::default()
        .with_recursive(true)
        .with_names(Names::Keep)
}

// ---- Your notes as they are ----

/// "An exported note is its source, byte for byte: front matter (keys, order, comments), tags
/// where they were, headings, line endings (CRLF kept), a BOM."
async fn an_exported_note_is_its_source_byte_for_byte<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out) = (temp(), temp());
        vault(src.path());
        let report = fs
            .pipeline_with(src.path(), out.path(), &kept().with_strategy(strategy))
            .await
            .unwrap();
        assert!(report.is_complete(), "{strategy}: {:?}", report.skipped);
        assert_eq!(tree(out.path()), tree(src.path()), "{strategy}");
    }
}

/// "Nothing is added (no heading, no empty `Tags:` line)."
async fn nothing_is_added<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out) = (temp(), temp());
        write_files(src.path(), &[("plain.md", b"no heading, no tags\n")]);
        fs.pipeline_with(src.path(), out.path(), &with(strategy))
            .await
            .unwrap();
        let written = tree(out.path());
        assert_eq!(
            written.values().next().map(Vec::as_slice),
            Some(&b"no heading, no tags\n"[..]),
            "{strategy}"
        );
    }
}

/// "Edits made through the API render in the note's own convention."
async fn edits_made_through_the_api_render_in_the_notes_own_convention<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out) = (temp(), temp());
        vault(src.path());
        let opts = kept().with_strategy(strategy);
        let edited = fs.read_notes_with(src.path(), &opts).map(|item| {
            let mut file = item?;
            file.note.tags.push("edited".into());
            Ok(file)
        });
        let report = fs.export_with(out.path(), edited, &opts).await.unwrap();
        assert!(report.is_complete(), "{strategy}: {:?}", report.skipped);
        let front = std::fs::read_to_string(out.path().join("front.md")).unwrap();
        assert!(
            front.contains("tags: [b, a, edited]\r\n") && front.contains("# kept comment\r\n"),
            "{strategy}: the tag joins the front matter's flow list, CRLF kept: {front:?}"
        );
        let seed = std::fs::read_to_string(out.path().join("seed.md")).unwrap();
        assert!(
            seed.ends_with("Tags: python, async, edited\n"),
            "{strategy}: the seed format's line: {seed:?}"
        );
    }
}

// ---- Nothing lost ----

/// "Every input note is in `report.exported`, `report.unchanged` or `report.skipped` with its
/// path and reason."
async fn every_input_note_is_exported_unchanged_or_skipped<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out) = (temp(), temp());
        write_files(
            src.path(),
            &[
                ("a.md", b"# A\n"),
                ("binary.md", b"# B\0\n"),
                ("empty.md", b""),
                ("latin1.md", b"caf\xe9\n"),
                ("same.md", b"# Same\n"),
                ("taken.md", b"# Taken\n"),
            ],
        );
        write_files(
            out.path(),
            &[("same.md", b"# Same\n"), ("taken.md", b"other\n")],
        );
        let opts = Options::default()
            .with_names(Names::Keep)
            .with_strategy(strategy);
        let report = fs
            .pipeline_with(src.path(), out.path(), &opts)
            .await
            .unwrap();
        let names = |list: &[smartnotes::Exported]| -> Vec<String> {
            list.iter()
                .map(|e| e.source.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(&report.exported), ["a.md"], "{strategy}");
        assert_eq!(names(&report.unchanged), ["same.md"], "{strategy}");
        let skipped: Vec<(String, String)> = common::reasons(&report);
        let expected = ["binary.md", "empty.md", "latin1.md", "taken.md"];
        assert_eq!(
            skipped.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            expected,
            "{strategy}"
        );
        for (skip, (_, reason)) in report.skipped.iter().zip(&skipped) {
            let named = skip.error.path().to_string_lossy().into_owned();
            assert!(
                reason.contains(&named),
                "{strategy}: {reason} names {named}"
            );
        }
    }
}

/// "The source is never written to": exporting a folder into itself is refused before
/// anything is written, however the destination is spelled, and the source is byte-identical
/// after three runs.
async fn the_source_is_never_written_to<F: Store>(fs: F) {
    for strategy in strategies() {
        let src = temp();
        vault(src.path());
        let before = tree(src.path());
        let dir = src.path();
        let spellings = [
            dir.to_path_buf(),
            dir.join("."),
            dir.join("sub").join(".."),
            dir.join("missing").join(".."),
        ];
        for run in 0..3 {
            for dest in &spellings {
                for recursive in [false, true] {
                    let opts = with(strategy).with_recursive(recursive);
                    let refused = fs.pipeline_with(dir, dest, &opts).await;
                    assert!(
                        matches!(refused, Err(Error::Overlap { .. })),
                        "{strategy}, run {run}, {}: {refused:?}",
                        dest.display()
                    );
                }
            }
            assert_eq!(
                tree(dir),
                before,
                "{strategy}: run {run} changed the source"
            );
        }
    }
}

/// The same through a symbolic link and a relative path: the folder is compared by device and
/// inode, not by spelling.
async fn the_source_is_never_written_to_through_a_link_or_a_relative_path<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("notes");
    vault(&src);
    let before = tree(&src);
    let link = root.path().join("link");
    std::os::unix::fs::symlink(&src, &link).unwrap();
    let relative = pathdiff(&src);
    for strategy in strategies() {
        for dest in [&link, &relative] {
            let refused = fs.pipeline_with(&src, dest, &with(strategy)).await;
            assert!(
                matches!(refused, Err(Error::Overlap { .. })),
                "{strategy}: {}: {refused:?}",
                dest.display()
            );
        }
    }
    assert_eq!(tree(&src), before);
}

/// `path` relative to the current directory, through `..`s.
fn pathdiff(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap();
    let up: PathBuf = cwd.components().skip(1).map(|_| "..").collect();
    up.join(path.strip_prefix("/").unwrap())
}

/// "The source is never written to": a source inside the destination of a recursive export
/// that mirrors folders is refused too (its folders would be recreated inside the source);
/// exported flat, it is allowed and the source is untouched.
async fn the_source_is_never_written_to_from_inside_the_destination<F: Store>(fs: F) {
    for strategy in strategies() {
        let root = temp();
        let src = root.path().join("inbox");
        write_files(&src, &[("inbox/a.md", b"# Nested\n"), ("b.md", b"# B\n")]);
        let before = tree(&src);
        let mirrored = with(strategy).with_recursive(true);
        let refused = fs.pipeline_with(&src, root.path(), &mirrored).await;
        assert!(
            matches!(refused, Err(Error::Overlap { .. })),
            "{strategy}: {refused:?}"
        );
        let flat = mirrored.with_layout(Layout::Flat);
        let report = fs.pipeline_with(&src, root.path(), &flat).await.unwrap();
        assert_eq!(report.exported.len(), 2, "{strategy}");
        assert_eq!(tree(&src), before, "{strategy}");
    }
}

/// A destination inside the source is allowed for a recursive export: the walk leaves it out,
/// and the notes already there are counted (`in_dest`), never silently dropped; run again, it
/// writes nothing and the source's own notes stay as they are.
async fn notes_already_in_a_destination_inside_the_source_are_counted<F: Store>(fs: F) {
    for strategy in strategies() {
        let src = temp();
        write_files(
            src.path(),
            &[
                ("a.md", b"# A\n"),
                ("sub/s.md", b"# S\n"),
                ("sub/deeper/t.md", b"# T\n"),
            ],
        );
        let dest = src.path().join("sub");
        let opts = with(strategy).with_recursive(true);
        let first = fs.pipeline_with(src.path(), &dest, &opts).await.unwrap();
        assert_eq!(
            (first.exported.len(), first.in_dest),
            (1, 2),
            "{strategy}: a.md exported; s.md and deeper/t.md counted"
        );
        for run in 2..=3 {
            let again = fs.pipeline_with(src.path(), &dest, &opts).await.unwrap();
            assert_eq!(
                (again.exported.len(), again.unchanged.len(), again.in_dest),
                (0, 1, 3),
                "{strategy}: run {run}"
            );
        }
        assert_eq!(
            std::fs::read(dest.join("s.md")).unwrap(),
            b"# S\n",
            "{strategy}"
        );
        assert_eq!(tree(src.path()).len(), 4, "{strategy}: one export, no more");
    }
}

/// "Hidden files and folders (`.obsidian/`) are passed over by default and counted."
async fn hidden_files_and_folders_are_passed_over_by_default_and_counted<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out) = (temp(), temp());
        write_files(
            src.path(),
            &[
                ("a.md", b"# A\n"),
                (".draft.md", b"# Draft\n"),
                (".obsidian/app.md", b"# App\n"),
            ],
        );
        let opts = with(strategy).with_recursive(true);
        let report = fs
            .pipeline_with(src.path(), out.path(), &opts)
            .await
            .unwrap();
        assert_eq!((report.exported.len(), report.hidden), (1, 2), "{strategy}");
    }
}

/// "Ignore files are honoured as ripgrep and fd honour them ...; what they leave out is
/// counted (`ignored`), like hidden entries."
async fn ignore_files_are_honoured_and_what_they_leave_out_is_counted<F: Store>(fs: F) {
    for strategy in strategies() {
        let (root, out) = (temp(), temp());
        let vault = root.path().join("vault");
        write_files(
            &vault,
            &[
                ("a.md", b"# A\n"),
                ("drafts/d.md", b"# D\n"),
                ("sub/tmp.md", b"# T\n"),
                ("sub/b.md", b"# B\n"),
                (".export-ignore", b"drafts/\n"),
                ("sub/.gitignore", b"tmp.md\n"),
            ],
        );
        let opts = with(strategy).with_recursive(true);
        // Not a git repository: `.gitignore` is not read.
        let report = fs.pipeline_with(&vault, out.path(), &opts).await.unwrap();
        assert_eq!(
            (report.exported.len(), report.ignored),
            (3, 1),
            "{strategy}"
        );
        // In one, it is.
        std::fs::create_dir_all(root.path().join(".git")).unwrap();
        let out = temp();
        let report = fs.pipeline_with(&vault, out.path(), &opts).await.unwrap();
        assert_eq!(
            (report.exported.len(), report.ignored),
            (2, 2),
            "{strategy}"
        );
        let off = opts
            .clone()
            .with_ignore_files(false)
            .with_exclude_glob("a.md");
        let out = temp();
        let report = fs.pipeline_with(&vault, out.path(), &off).await.unwrap();
        assert_eq!(
            (report.exported.len(), report.ignored),
            (3, 1),
            "{strategy}"
        );
    }
}

/// "The source is never written to", in a bucket (any `object_store`; here its in-memory
/// store): a prefix exported into itself is refused, three runs in a row, and a destination
/// prefix inside a recursive source has its notes counted.
async fn the_source_is_never_written_to_in_a_bucket<F: Store>(fs: F) {
    use smartnotes::object_store::{IoThread, ObjectFs, client};
    let io = IoThread::start().unwrap();
    let bucket = ObjectFs::new(
        std::sync::Arc::new(client::memory::InMemory::new()),
        fs.runtime().clone(),
        io.handle(),
    );
    let notes = stream::iter([
        Ok(NoteFile::new("a.md", Note::new("A", "", ["x"]))),
        Ok(NoteFile::new("s.md", Note::new("S", "", ["x"])).with_folder("sub")),
    ]);
    let up = bucket.export("vault", notes).await.unwrap();
    assert_eq!(up.exported.len(), 2);
    let opts = Options::default().with_recursive(true);
    for run in 0..3 {
        for dest in ["vault", "./vault", "vault/sub/.."] {
            let refused = bucket.pipeline_with("vault", dest, &opts).await;
            assert!(
                matches!(refused, Err(Error::Overlap { .. })),
                "run {run}, {dest}: {refused:?}"
            );
        }
    }
    let inside = bucket
        .pipeline_with("vault", "vault/sub", &opts)
        .await
        .unwrap();
    assert_eq!((inside.exported.len(), inside.in_dest), (1, 1));
}

// ---- Folders mirrored, names safe ----

/// "A recursive export recreates the source's folders under DEST (`--flat` for one folder)."
async fn a_recursive_export_recreates_the_sources_folders<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, mirrored, flat) = (temp(), temp(), temp());
        write_files(
            src.path(),
            &[("en/page.md", b"# Page\n"), ("fr/page.md", b"# Page\n")],
        );
        let opts = with(strategy).with_recursive(true);
        fs.pipeline_with(src.path(), mirrored.path(), &opts)
            .await
            .unwrap();
        let paths: Vec<PathBuf> = tree(mirrored.path()).into_keys().collect();
        assert_eq!(
            paths,
            [Path::new("en/page.md"), Path::new("fr/page.md")],
            "{strategy}"
        );
        let opts = opts.with_layout(Layout::Flat);
        fs.pipeline_with(src.path(), flat.path(), &opts)
            .await
            .unwrap();
        let paths: Vec<PathBuf> = tree(flat.path()).into_keys().collect();
        assert_eq!(
            paths,
            [Path::new("page-2.md"), Path::new("page.md")],
            "{strategy}"
        );
    }
}

/// "Names come from titles, made safe ... or with `--names keep` are the source's own names
/// where those are safe; unique within a folder (`title.md`, `title-2.md`, ...)."
async fn names_come_from_titles_made_safe_and_unique<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out, keep) = (temp(), temp(), temp());
        write_files(
            src.path(),
            &[
                ("1.md", b"# ../Etc/Passwd\n"),
                ("2.md", b"# CON\n"),
                ("3.md", b"# Same\n"),
                ("4.md", b"# Same\n"),
                ("My Note.md", b"# Other title\n"),
            ],
        );
        fs.pipeline_with(src.path(), out.path(), &with(strategy))
            .await
            .unwrap();
        let names: Vec<PathBuf> = tree(out.path()).into_keys().collect();
        for name in &names {
            let name = name.to_string_lossy();
            assert!(
                smartnotes::name::is_safe_file_name(&name),
                "{strategy}: {name} is not safe"
            );
        }
        assert!(names.contains(&PathBuf::from("same.md")), "{strategy}");
        assert!(names.contains(&PathBuf::from("same-2.md")), "{strategy}");
        assert_eq!(names.len(), 5, "{strategy}: {names:?}");
        let opts = with(strategy).with_names(Names::Keep);
        fs.pipeline_with(src.path(), keep.path(), &opts)
            .await
            .unwrap();
        assert!(keep.path().join("My Note.md").is_file(), "{strategy}");
    }
}

/// "A folder of any size exports in bounded memory, with the same names": a folder larger
/// than what the walk (16,384 entries) and the names (4,096) keep in memory, so its listing is
/// sorted in runs on temporary files and its names are looked up there, gets exactly the names
/// a set in memory gives, in source order; a re-run finds every note unchanged.
async fn a_folder_larger_than_memory_keeps_its_names<F: Store>(fs: F) {
    let src = temp();
    let n = 17_000; // more than a listing's run of 16,384, four runs of names
    let mut expected = smartnotes_core::UniqueNames::new();
    let mut names = Vec::with_capacity(n);
    for i in 0..n {
        // "Same" repeats; "Same K" takes the names "Same"'s repeats would take next.
        let title = match i % 10 {
            9 => "Same".to_owned(),
            8 => format!("Same {}", i / 10),
            _ => format!("Note {i}"),
        };
        std::fs::write(
            src.path().join(format!("n{i:05}.md")),
            format!("# {title}\n"),
        )
        .unwrap();
        names.push(PathBuf::from(expected.assign(&title)));
    }
    names.sort();
    for strategy in strategies() {
        let out = temp();
        let first = fs
            .pipeline_with(src.path(), out.path(), &with(strategy))
            .await
            .unwrap();
        assert_eq!(first.exported.len(), n, "{strategy}");
        let got: Vec<PathBuf> = tree(out.path()).into_keys().collect();
        assert!(
            got == names,
            "{strategy}: the names differ from a set in memory's"
        );
        if strategy == Strategy::default() {
            let again = fs
                .pipeline_with(src.path(), out.path(), &with(strategy))
                .await
                .unwrap();
            assert_eq!(again.unchanged.len(), n, "{strategy}");
        }
    }
}

// ---- Nothing overwritten, nothing outside ----

/// "An existing file is never replaced unless you ask (`--replace`, `WriteMode::Replace`)."
async fn an_existing_file_is_never_replaced_unless_you_ask<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out) = (temp(), temp());
        write_files(src.path(), &[("a.md", b"# A\n\nnew\n")]);
        write_files(out.path(), &[("a.md", b"mine\n")]);
        let opts = with(strategy).with_names(Names::Keep);
        let report = fs
            .pipeline_with(src.path(), out.path(), &opts)
            .await
            .unwrap();
        assert!(
            matches!(report.skipped[0].error, Error::Exists { .. }),
            "{strategy}"
        );
        assert_eq!(std::fs::read(out.path().join("a.md")).unwrap(), b"mine\n");
        let replace = opts.with_write_mode(WriteMode::Replace);
        fs.pipeline_with(src.path(), out.path(), &replace)
            .await
            .unwrap();
        assert_eq!(
            std::fs::read(out.path().join("a.md")).unwrap(),
            b"# A\n\nnew\n",
            "{strategy}"
        );
    }
}

/// "A symbolic link in DEST, file or folder, is never followed."
async fn a_symbolic_link_in_dest_file_or_folder_is_never_followed<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out, outside) = (temp(), temp(), temp());
        write_files(src.path(), &[("a.md", b"# A\n"), ("sub/b.md", b"# B\n")]);
        write_files(outside.path(), &[("target.md", b"theirs\n")]);
        std::os::unix::fs::symlink(outside.path().join("target.md"), out.path().join("a.md"))
            .unwrap();
        std::os::unix::fs::symlink(outside.path(), out.path().join("sub")).unwrap();
        let opts = with(strategy).with_recursive(true);
        let report = fs
            .pipeline_with(src.path(), out.path(), &opts)
            .await
            .unwrap();
        assert_eq!(report.skipped.len(), 2, "{strategy}: {:?}", report.skipped);
        assert_eq!(
            tree(outside.path()).len(),
            1,
            "{strategy}: nothing written outside"
        );
        assert_eq!(
            std::fs::read(outside.path().join("target.md")).unwrap(),
            b"theirs\n"
        );
    }
}

/// "Re-running an export writes nothing and exits 0" (the exit code: the CLI suite).
async fn re_running_an_export_writes_nothing<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out) = (temp(), temp());
        vault(src.path());
        let opts = kept().with_strategy(strategy);
        let first = fs
            .pipeline_with(src.path(), out.path(), &opts)
            .await
            .unwrap();
        let before = tree(out.path());
        let again = fs
            .pipeline_with(src.path(), out.path(), &opts)
            .await
            .unwrap();
        assert_eq!(
            (
                again.exported.len(),
                again.unchanged.len(),
                again.skipped.len()
            ),
            (0, first.exported.len(), 0),
            "{strategy}"
        );
        assert_eq!(tree(out.path()), before, "{strategy}");
    }
}

/// "An interrupted one, run again, completes the rest."
async fn an_interrupted_export_run_again_completes_the_rest<F: Store>(fs: F) {
    for strategy in strategies() {
        let (src, out) = (temp(), temp());
        let files: Vec<(String, String)> = (0..40)
            .map(|i| (format!("{i:02}.md"), format!("# Note {i}\n")))
            .collect();
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_bytes()))
            .collect();
        write_files(src.path(), &refs);
        let opts = with(strategy);
        let taken = fs
            .pipeline_stream_with(src.path(), out.path(), &opts)
            .take(10)
            .count()
            .await;
        assert_eq!(taken, 10);
        let report = fs
            .pipeline_with(src.path(), out.path(), &opts)
            .await
            .unwrap();
        assert!(report.is_complete(), "{strategy}: {:?}", report.skipped);
        assert_eq!(
            report.exported.len() + report.unchanged.len(),
            40,
            "{strategy}"
        );
        assert_eq!(tree(out.path()).len(), 40, "{strategy}");
    }
}

// ---- Atomic writes ----

/// "Each note is written into an unnamed file ... then linked to its name: nothing is visible
/// before it is complete" (seen from here: no temporary file is ever left, and every file is a
/// whole note; a process killed mid-export: `crates/cli/tests/killed.rs`).
async fn writes_are_atomic_and_leave_nothing_behind<F: Store>(fs: F) {
    for strategy in strategies() {
        let out = temp();
        let notes = (0..60).map(|i| {
            Ok(NoteFile::new(
                format!("{i}.md"),
                Note::new(format!("N{i}"), "x".repeat(i * 100), ["t"]),
            ))
        });
        let report = fs
            .export_with(out.path(), stream::iter(notes), &with(strategy))
            .await
            .unwrap();
        assert_eq!(report.exported.len(), 60, "{strategy}");
        for (path, bytes) in tree(out.path()) {
            let name = path.to_string_lossy();
            assert!(name.ends_with(".md"), "{strategy}: stray file {name}");
            assert!(
                bytes.ends_with(b"Tags: t\n"),
                "{strategy}: {name} is partial"
            );
        }
    }
}

// ---- Memory flat at any size ----

/// "The export yields its outcomes as they happen": the first outcome comes while most of the
/// input is still unread (the peak memory figures: the memory bench).
async fn the_export_yields_its_outcomes_as_they_happen<F: Store>(fs: F) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    for strategy in strategies() {
        let out = temp();
        let pulled = Arc::new(AtomicUsize::new(0));
        let counter = pulled.clone();
        let notes = stream::iter(0..10_000).map(move |i| {
            counter.fetch_add(1, Ordering::Relaxed);
            Ok(NoteFile::new(
                format!("{i}.md"),
                Note::new(format!("N{i}"), "", ["t"]),
            ))
        });
        let mut outcomes = fs.export_stream_with(out.path(), notes, &with(strategy));
        let first = outcomes.next().await;
        assert!(
            matches!(first, Some(Ok(Outcome::Exported(_)))),
            "{strategy}"
        );
        let read = pulled.load(Ordering::Relaxed);
        assert!(
            read < 2_000,
            "{strategy}: {read} notes pulled before the first outcome"
        );
        // A blocking job in flight when the stream is dropped finishes its notes: let it, so
        // that removing `out` does not race it (and leave a folder of notes behind in /tmp).
        drop(outcomes);
        settled(&fs, out.path()).await;
    }
}

on_both_runtimes!(
    an_exported_note_is_its_source_byte_for_byte,
    nothing_is_added,
    edits_made_through_the_api_render_in_the_notes_own_convention,
    every_input_note_is_exported_unchanged_or_skipped,
    the_source_is_never_written_to,
    the_source_is_never_written_to_through_a_link_or_a_relative_path,
    the_source_is_never_written_to_from_inside_the_destination,
    notes_already_in_a_destination_inside_the_source_are_counted,
    hidden_files_and_folders_are_passed_over_by_default_and_counted,
    ignore_files_are_honoured_and_what_they_leave_out_is_counted,
    the_source_is_never_written_to_in_a_bucket,
    a_recursive_export_recreates_the_sources_folders,
    names_come_from_titles_made_safe_and_unique,
    a_folder_larger_than_memory_keeps_its_names,
    an_existing_file_is_never_replaced_unless_you_ask,
    a_symbolic_link_in_dest_file_or_folder_is_never_followed,
    re_running_an_export_writes_nothing,
    an_interrupted_export_run_again_completes_the_rest,
    writes_are_atomic_and_leave_nothing_behind,
    the_export_yields_its_outcomes_as_they_happen,
);
