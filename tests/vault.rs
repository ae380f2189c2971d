//! Notes that survive a real vault: an Obsidian-shaped fixture (YAML front matter in every
//! shape, notes without a heading, inline tags inside and outside code, nested tags,
//! wikilinks, same-named notes in nested folders, CRLF, a BOM, invalid YAML, hidden folders)
//! exported byte for byte, in both layouts and both name modes, on both runtimes.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{drain, temp, tree, write_files};
use smartnotes::note::TitleSource;
use smartnotes::stream::filter_by_tag;
use smartnotes::{Layout, Names, Options, Store, StoreExt, Strategy, WriteMode};

/// The vault: relative path and exact bytes.
const VAULT: &[(&str, &str)] = &[
    (
        "Bases/Bases syntax.md",
        "---\ntags:\n  - obsidian\n  - bases/syntax\naliases: [Base syntax]\n---\nWhen you create a base, it is saved as a `.base` file.\n\nSee [[Views]] and #reference/manual.\n",
    ),
    (
        "Bases/Views.md",
        "---\ntags: [obsidian, bases]\ncssclasses: wide # a comment, kept\n---\nViews show a base as a table or cards.\n",
    ),
    (
        "Daily/2024-01-02.md",
        "---\ntags: \"journal, daily\"\n---\n# Tuesday\n\nMet Ana about #project/alpha.\n\n```rust\nlet x = 1; // #not-a-tag\n```\n\nInline `#nope` and https://example.invalid/#anchor are not tags.\n",
    ),
    (
        "Seed.md",
        "# Async IO\n\nNotes about aiofiles.\n\nTags: python, async\n",
    ),
    (
        "Windows.md",
        "\u{feff}---\r\ntitle: From Windows\r\ntags: windows\r\n---\r\nCRLF lines\r\nstay CRLF #crlf\r\n",
    ),
    (
        "Broken.md",
        "---\ntags: [unclosed\n---\nBody of a note whose YAML is invalid.\n",
    ),
    (
        "Plain thoughts.md",
        "Just a line of text, no heading, no tags.\n",
    ),
    ("en/tar.md", "# tar\n\nThe English page.\n"),
    ("fr/tar.md", "# tar\n\nLa page française.\n"),
    ("de/tar.md", "# tar\n\nDie deutsche Seite.\n"),
    (
        ".obsidian/workspace.md",
        "# settings, not a note of the vault\n",
    ),
    (".hidden note.md", "# Hidden\n"),
];

fn write_vault(dir: &Path) {
    let files: Vec<(&str, &[u8])> = VAULT.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    write_files(dir, &files);
}

/// The visible notes of the vault by relative path.
fn visible() -> BTreeMap<PathBuf, &'static str> {
    VAULT
        .iter()
        .filter(|(p, _)| !p.starts_with('.'))
        .map(|(p, t)| (PathBuf::from(p), *t))
        .collect()
}

/// Exported files by path relative to `out`, as text.
fn exported(out: &Path) -> BTreeMap<PathBuf, String> {
    tree(out)
        .into_iter()
        .map(|(p, b)| (p, String::from_utf8(b).expect("UTF-8")))
        .collect()
}

fn recursive() -> Options {
    Options::default().with_recursive(true)
}

/// Mirrored folders and kept names: the export is the vault itself, byte for byte.
async fn a_vault_exports_unchanged_with_kept_names<F: Store>(fs: F) {
    let root = temp();
    let (src, out) = (root.path().join("vault"), root.path().join("out"));
    write_vault(&src);
    let opts = recursive().with_names(Names::Keep);
    let report = fs.pipeline_with(&src, &out, &opts).await.unwrap();
    assert!(report.is_complete(), "{:?}", report.skipped);
    assert_eq!(report.exported.len(), visible().len());
    assert_eq!(report.hidden, 2, "the .obsidian folder and the hidden note");
    let got = exported(&out);
    let want: BTreeMap<PathBuf, String> = visible()
        .into_iter()
        .map(|(p, t)| (p, t.to_owned()))
        .collect();
    assert_eq!(got, want, "every note exported, unchanged, where it was");
}

/// Mirrored folders and slug names: each note byte for byte, named from its title in its own
/// folder; the same title in three language folders stays three plain names.
async fn a_vault_exports_byte_for_byte_with_slug_names<F: Store>(fs: F) {
    let root = temp();
    let (src, out) = (root.path().join("vault"), root.path().join("out"));
    write_vault(&src);
    let report = fs.pipeline_with(&src, &out, &recursive()).await.unwrap();
    assert!(report.is_complete(), "{:?}", report.skipped);
    let got = exported(&out);
    let names: Vec<&Path> = got.keys().map(PathBuf::as_path).collect();
    assert_eq!(
        names,
        [
            "Bases/bases-syntax.md",
            "Bases/views.md",
            "Daily/tuesday.md",
            "async-io.md",
            "broken.md",
            "de/tar.md",
            "en/tar.md",
            "fr/tar.md",
            "from-windows.md",
            "plain-thoughts.md",
        ]
        .map(Path::new)
    );
    for e in &report.exported {
        let source = e.source.strip_prefix(&src).unwrap();
        let dest = e.path.strip_prefix(&out).unwrap();
        assert_eq!(got[dest], visible()[source], "{} changed", source.display());
    }
}

/// Flat: every note in one folder; same names get suffixes, the bytes stay the same.
async fn a_flat_export_keeps_every_note<F: Store>(fs: F) {
    let root = temp();
    let (src, out) = (root.path().join("vault"), root.path().join("out"));
    write_vault(&src);
    for names in [Names::Slug, Names::Keep] {
        let out = out.join(format!("{names:?}"));
        let opts = recursive().with_layout(Layout::Flat).with_names(names);
        let report = fs.pipeline_with(&src, &out, &opts).await.unwrap();
        assert!(report.is_complete(), "{:?}", report.skipped);
        let got = exported(&out);
        assert_eq!(got.len(), visible().len(), "{names:?}: nothing lost");
        assert!(got.keys().all(|p| p.parent() == Some(Path::new(""))));
        for name in ["tar.md", "tar-2.md", "tar-3.md"] {
            assert!(got.contains_key(Path::new(name)), "{names:?}: {name}");
        }
        let mut bodies: Vec<&str> = got.values().map(String::as_str).collect();
        let mut sources: Vec<&str> = visible().into_values().collect();
        bodies.sort_unstable();
        sources.sort_unstable();
        assert_eq!(bodies, sources, "{names:?}: every note byte for byte");
    }
}

/// Titles and tags by Obsidian's rules, read from the vault.
async fn titles_and_tags_follow_obsidian<F: Store>(fs: F) {
    let root = temp();
    write_vault(root.path());
    let (notes, errors) = drain(fs.read_notes_with(root.path(), &recursive())).await;
    assert!(errors.is_empty(), "{errors:?}");
    let by_path: BTreeMap<PathBuf, _> = notes
        .iter()
        .map(|n| (n.path.strip_prefix(root.path()).unwrap().to_owned(), n))
        .collect();
    let note = |p: &str| &by_path[Path::new(p)].note;

    assert_eq!(note("Bases/Bases syntax.md").title, "Bases syntax");
    assert_eq!(
        note("Bases/Bases syntax.md").title_source(),
        TitleSource::FileStem
    );
    assert_eq!(note("Bases/Bases syntax.md").aliases(), ["Base syntax"]);
    assert_eq!(
        note("Bases/Bases syntax.md").tags,
        ["obsidian", "bases/syntax", "reference/manual"]
    );
    assert_eq!(note("Daily/2024-01-02.md").title, "Tuesday");
    assert_eq!(
        note("Daily/2024-01-02.md").tags,
        ["journal", "daily", "project/alpha"],
        "nothing from code, code spans or URLs"
    );
    assert_eq!(note("Windows.md").title, "From Windows");
    assert_eq!(note("Windows.md").tags, ["windows", "crlf"]);
    assert_eq!(note("Seed.md").tags, ["python", "async"]);
    assert!(!note("Broken.md").front_matter.is_valid());
    assert_eq!(by_path[Path::new("fr/tar.md")].folder, Path::new("fr"));

    // Filters: case-insensitive, and a parent tag matches its nested tags.
    let titles = |tag: &'static str| {
        let fs = fs.clone();
        let dir = root.path().to_owned();
        async move {
            let (notes, _) =
                drain(filter_by_tag(fs.read_notes_with(&dir, &recursive()), tag)).await;
            let mut titles: Vec<String> = notes.into_iter().map(|n| n.note.title).collect();
            titles.sort();
            titles
        }
    };
    assert_eq!(titles("Bases").await, ["Bases syntax", "Views"]);
    assert_eq!(titles("project").await, ["Tuesday"]);
    assert!(titles("not-a-tag").await.is_empty());
    assert!(titles("nope").await.is_empty());
}

/// Re-running an export writes nothing and reports every note unchanged; an interrupted one,
/// run again, completes the rest; a changed file in DEST is never overwritten unless asked.
async fn re_runs_are_idempotent<F: Store>(fs: F) {
    let root = temp();
    let (src, out) = (root.path().join("vault"), root.path().join("out"));
    write_vault(&src);
    let opts = recursive();
    let first = fs.pipeline_with(&src, &out, &opts).await.unwrap();
    let n = first.exported.len();

    let again = fs.pipeline_with(&src, &out, &opts).await.unwrap();
    assert_eq!(
        (
            again.exported.len(),
            again.unchanged.len(),
            again.skipped.len()
        ),
        (0, n, 0)
    );
    assert_eq!(
        again.unchanged, first.exported,
        "the same files, found unchanged"
    );

    // An export cut short: half its files are missing. Run again: the rest is completed.
    for e in first.exported.iter().step_by(2) {
        std::fs::remove_file(&e.path).unwrap();
    }
    let resumed = fs.pipeline_with(&src, &out, &opts).await.unwrap();
    assert_eq!(resumed.exported.len(), n.div_ceil(2));
    assert_eq!(resumed.unchanged.len(), n / 2);
    assert!(resumed.is_complete());

    // A file in DEST that differs is never overwritten ...
    let victim = &first.exported[0].path;
    std::fs::write(victim, "edited by hand").unwrap();
    let kept = fs.pipeline_with(&src, &out, &opts).await.unwrap();
    assert_eq!(kept.skipped.len(), 1);
    assert!(kept.skipped[0].reason().contains("already exists"));
    assert_eq!(std::fs::read_to_string(victim).unwrap(), "edited by hand");
    // ... unless asked, and then atomically.
    let replace = opts.clone().with_write_mode(WriteMode::Replace);
    let replaced = fs.pipeline_with(&src, &out, &replace).await.unwrap();
    assert_eq!(
        (replaced.exported.len(), replaced.unchanged.len()),
        (1, n - 1)
    );
    assert_eq!(exported(&out).len(), n, "no temporary file left");
}

/// Every guarantee in both layouts and both name modes, with every strategy: nothing lost,
/// nothing outside DEST, no clobber, no temporary file.
async fn guarantees_hold_in_every_layout_and_name_mode<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("vault");
    write_vault(&src);
    write_files(
        &src,
        &[
            ("bad/binary.md", b"# x\0"),
            ("bad/empty.md", b""),
            ("CON.md", b"no heading, a device name for a stem\n"),
        ],
    );
    let outside_before = tree(root.path());
    let strategies = [
        Strategy::Sequential,
        Strategy::Concurrent { limit: 4 },
        Strategy::Blocking {
            batch: 3,
            in_flight: 2,
        },
    ];
    let mut n = 0;
    for layout in [Layout::Mirror, Layout::Flat] {
        for names in [Names::Slug, Names::Keep] {
            for strategy in strategies {
                n += 1;
                let out = root.path().join(format!("out-{n}"));
                // A file of the user's that a note would be named after, in the way.
                write_files(&out, &[("async-io.md", b"mine"), ("Seed.md", b"mine")]);
                let opts = recursive()
                    .with_layout(layout)
                    .with_names(names)
                    .with_strategy(strategy);
                let report = fs.pipeline_with(&src, &out, &opts).await.unwrap();
                let case = format!("{layout:?} {names:?} {strategy:?}");
                let inputs = visible().len() + 3; // + binary, empty, CON
                assert_eq!(
                    report.exported.len() + report.unchanged.len() + report.skipped.len(),
                    inputs,
                    "{case}: every input accounted for"
                );
                assert_eq!(report.skipped.len(), 3, "{case}: {:?}", report.skipped);
                let files = tree(&out);
                assert_eq!(files.len(), report.exported.len() + 2, "{case}");
                assert_eq!(files[Path::new("async-io.md")], b"mine", "{case}");
                assert_eq!(files[Path::new("Seed.md")], b"mine", "{case}");
                for e in &report.exported {
                    assert!(e.path.starts_with(&out), "{case}: {}", e.path.display());
                    let name = e.path.file_name().unwrap().to_str().unwrap();
                    assert!(smartnotes::name::is_safe_file_name(name), "{case}: {name}");
                }
            }
        }
    }
    // Nothing was written anywhere but the export folders.
    let after: BTreeMap<_, _> = tree(root.path())
        .into_iter()
        .filter(|(p, _)| !p.to_string_lossy().starts_with("out-"))
        .collect();
    assert_eq!(after, outside_before);
}

/// A folder in DEST that is a symbolic link is never followed: its notes are reported, and
/// nothing is written where it points.
#[cfg(unix)]
async fn a_linked_folder_in_dest_is_never_followed<F: Store>(fs: F) {
    let root = temp();
    let (src, out, outside) = (
        root.path().join("vault"),
        root.path().join("out"),
        root.path().join("outside"),
    );
    write_vault(&src);
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("fr")).unwrap();
    let report = fs.pipeline_with(&src, &out, &recursive()).await.unwrap();
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].source, src.join("fr/tar.md"));
    assert!(
        report.skipped[0].reason().contains("symbolic link"),
        "{}",
        report.skipped[0].reason()
    );
    assert!(
        tree(&outside).is_empty(),
        "nothing written through the link"
    );
    assert_eq!(report.exported.len(), visible().len() - 1);
}

/// Hidden entries: passed over and counted by default, read with `hidden`.
async fn hidden_entries_are_skipped_unless_asked<F: Store>(fs: F) {
    let root = temp();
    write_vault(root.path());
    let notes = fs.read_notes_with(root.path(), &recursive());
    let hidden = notes.hidden();
    let (read, _) = drain(notes).await;
    assert_eq!((read.len(), hidden.get()), (visible().len(), 2));
    let (all, _) = drain(fs.read_notes_with(root.path(), &recursive().with_hidden(true))).await;
    assert_eq!(all.len(), VAULT.len());
    // Not recursive: the hidden note at the top still counts; the hidden folder is not walked.
    let notes = fs.read_notes(root.path());
    let hidden = notes.hidden();
    drain(notes).await;
    assert_eq!(hidden.get(), 1);
}

on_both_runtimes!(
    a_vault_exports_unchanged_with_kept_names,
    a_vault_exports_byte_for_byte_with_slug_names,
    a_flat_export_keeps_every_note,
    titles_and_tags_follow_obsidian,
    re_runs_are_idempotent,
    guarantees_hold_in_every_layout_and_name_mode,
    a_linked_folder_in_dest_is_never_followed,
    hidden_entries_are_skipped_unless_asked,
);
