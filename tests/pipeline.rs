//! Behaviour of read_notes / export_notes / pipeline on a real temporary directory, on both
//! runtimes.

mod common;

use std::path::Path;

use common::{drain, temp, titles, tree, write_files};
use futures_util::StreamExt;
use smartnotes::stream::filter_by_tag;
use smartnotes::testing::MemFs;
use smartnotes::{Error, Note, Options, Store, StoreExt, Strategy, WriteMode};

const A: &str = "# Async IO\n\nRead files without blocking.\n\nTags: python, async\n";
const B: &str = "# Generators\n\nyield, then await.\n\nTags: python\n";
const C: &str = "# Tokio\n\nA runtime for Rust.\n\nTags: rust, async\n";

fn three_notes(dir: &Path) {
    write_files(
        dir,
        &[
            ("a.md", A.as_bytes()),
            ("b.md", B.as_bytes()),
            ("c.md", C.as_bytes()),
        ],
    );
}

async fn three_notes_are_read<F: Store>(fs: F) {
    let dir = temp();
    three_notes(dir.path());
    let (notes, errors) = drain(fs.read_notes(dir.path())).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(notes.len(), 3);
    assert_eq!(notes[0].path, dir.path().join("a.md"));
    assert_eq!(
        notes[0].note,
        Note::new(
            "Async IO",
            "Read files without blocking.",
            ["python", "async"]
        )
    );
    assert_eq!(notes[1].note.title, "Generators");
    assert_eq!(notes[2].note.tags, ["rust", "async"]);
}

async fn empty_directory_gives_an_empty_stream<F: Store>(fs: F) {
    let dir = temp();
    assert_eq!(fs.read_notes(dir.path()).count().await, 0);
}

async fn pipeline_exports_each_note_with_the_exact_bytes<F: Store>(fs: F) {
    let (src, dest) = (temp(), temp());
    three_notes(src.path());
    let out = dest.path().join("export");
    let report = fs.pipeline(src.path(), &out).await.unwrap();
    assert!(report.is_complete(), "{:?}", report.skipped);
    assert_eq!(report.exported.len(), 3);
    assert_eq!(report.exported[0].source, src.path().join("a.md"));
    let files = tree(&out);
    let expected: Vec<(&str, &str)> =
        vec![("async-io.md", A), ("generators.md", B), ("tokio.md", C)];
    assert_eq!(files.len(), expected.len());
    for (name, text) in expected {
        assert_eq!(files[Path::new(name)], text.as_bytes(), "{name}");
    }
}

async fn filter_by_tag_chains_on_read_notes<F: Store>(fs: F) {
    let dir = temp();
    three_notes(dir.path());
    let python = filter_by_tag(fs.read_notes(dir.path()), "python");
    let (notes, _) = drain(python).await;
    let titles: Vec<_> = notes.iter().map(|n| n.note.title.as_str()).collect();
    assert_eq!(titles, ["Async IO", "Generators"]);
    // Chains again, and errors still pass (a non-UTF-8 note must reach the report).
    write_files(dir.path(), &[("bad.md", b"\xff\xfe")]);
    let both = filter_by_tag(filter_by_tag(fs.read_notes(dir.path()), "async"), "python");
    let (notes, errors) = drain(both).await;
    assert_eq!(notes.len(), 1);
    assert_eq!(errors.len(), 1);
}

async fn other_files_and_subdirectories_are_skipped<F: Store>(fs: F) {
    let dir = temp();
    three_notes(dir.path());
    write_files(
        dir.path(),
        &[
            ("readme.txt", b"not a note"),
            ("image.png", b"\x89PNG"),
            ("sub/deep.md", b"# Deep\n"),
            (".hidden/secret.md", b"# Secret\n"),
            ("UPPER.MD", b"# Upper\n"),
        ],
    );
    std::fs::create_dir(dir.path().join("folder.md")).unwrap();
    assert_eq!(
        titles(&fs, dir.path()).await,
        ["Upper", "Async IO", "Generators", "Tokio"]
    );

    let opts = Options::default().with_recursive(true);
    let (notes, errors) = drain(fs.read_notes_with(dir.path(), &opts)).await;
    assert!(errors.is_empty());
    let names: Vec<_> = notes
        .iter()
        .map(|n| {
            n.path
                .strip_prefix(dir.path())
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(names, ["UPPER.MD", "a.md", "b.md", "c.md", "sub/deep.md"]);
}

async fn exporting_an_export_changes_no_byte<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("src");
    write_files(
        &src,
        &[
            (
                "a.md",
                b"\xef\xbb\xbf#  Messy  \r\n\r\n\r\nbody  \r\nmore\r\n\r\nTags: b ,a,, \r\n",
            ),
            ("b.md", b"---\ntitle: FM\naliases: [x]\n---\nfirst\n"),
            ("c.md", b"no heading, no tags"),
        ],
    );
    let (once, twice) = (root.path().join("once"), root.path().join("twice"));
    let first = fs.pipeline(&src, &once).await.unwrap();
    let second = fs.pipeline(&once, &twice).await.unwrap();
    assert!(first.is_complete() && second.is_complete());
    assert_eq!(tree(&once), tree(&twice));
    assert_eq!(tree(&once).len(), 3);
}

async fn fifty_notes_with_one_title_give_fifty_files<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("src");
    for i in 0..50 {
        write_files(
            &src,
            &[(
                &format!("n{i:02}.md"),
                format!("# Same\n\nnote {i}\n").as_bytes(),
            )],
        );
    }
    let out = root.path().join("out");
    let report = fs.pipeline(&src, &out).await.unwrap();
    assert_eq!(report.exported.len(), 50);
    let files = tree(&out);
    assert_eq!(files.len(), 50);
    assert!(files.contains_key(Path::new("same.md")));
    assert!(files.contains_key(Path::new("same-50.md")));
    // Each file holds its own note: nothing was overwritten.
    let bodies: std::collections::BTreeSet<_> = files.values().collect();
    assert_eq!(bodies.len(), 50);
}

async fn hostile_titles_land_inside_dest_with_valid_names<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("src");
    let long = "x".repeat(400);
    let titles = [
        "../../evil",
        "/etc/passwd",
        "a/b",
        "..",
        "CON",
        "🦀🚀",
        long.as_str(),
    ];
    for (i, title) in titles.iter().enumerate() {
        write_files(
            &src,
            &[(
                &format!("{i}.md"),
                format!("# {title}\n\nbody {i}\n").as_bytes(),
            )],
        );
    }
    let out = root.path().join("out");
    let report = fs.pipeline(&src, &out).await.unwrap();
    assert!(report.is_complete(), "{:?}", report.skipped);
    assert_eq!(report.exported.len(), titles.len());
    for exported in &report.exported {
        assert_eq!(
            exported.path.parent(),
            Some(out.as_path()),
            "{:?}",
            exported.path
        );
        let name = exported.path.file_name().unwrap().to_str().unwrap();
        assert!(
            name.len() <= 100 && name.ends_with(".md") && !name.starts_with('.'),
            "{name}"
        );
    }
    // Nothing was written anywhere but `out` (the root holds only src and out).
    let mut top: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    top.sort();
    assert_eq!(top, ["out", "src"]);
    let names: Vec<_> = tree(&out).into_keys().collect();
    assert_eq!(names.len(), titles.len());
    for expected in [
        "evil.md",
        "etc-passwd.md",
        "a-b.md",
        "untitled.md",
        "con-note.md",
        "untitled-2.md",
    ] {
        assert!(
            names.contains(&expected.into()),
            "{expected} not in {names:?}"
        );
    }
}

async fn bad_files_are_reported_and_the_rest_exported<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("src");
    three_notes(&src);
    write_files(
        &src,
        &[
            ("latin1.md", b"# Caf\xe9\n"),
            ("empty.md", b""),
            ("blank.md", b"  \n\t\r\n"),
            ("binary.md", b"# x\0\x01\x02"),
            ("big.md", &[b'a'; 2048]),
        ],
    );
    let out = root.path().join("out");
    let opts = Options::default().with_max_note_bytes(1024);
    let report = fs.pipeline_with(&src, &out, &opts).await.unwrap();
    assert_eq!(report.exported.len(), 3);
    let reasons = common::reasons(&report);
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    let find = |name: &str| &reasons.iter().find(|(n, _)| n == name).unwrap().1;
    assert!(find("latin1.md").contains("not valid UTF-8 (invalid byte at offset 5)"));
    assert!(find("empty.md").contains("empty"));
    assert!(find("blank.md").contains("empty"));
    assert!(find("binary.md").contains("binary"));
    assert!(find("big.md").contains("too large") && find("big.md").contains("2048 bytes"));
    for (name, reason) in &reasons {
        assert!(
            reason.contains(name.as_str()),
            "reason must name the file: {reason}"
        );
    }
    assert_eq!(tree(&out).len(), 3);
}

async fn front_matter_tags_are_read_and_other_keys_survive<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("src");
    let text = "---\ntitle: Vault note\ntags:\n  - obsidian\n  - async\naliases: [vn]\ncssclass: wide\n---\nFirst line.\n\nTags: python\n";
    write_files(&src, &[("v.md", text.as_bytes())]);
    let (notes, _) = drain(filter_by_tag(fs.read_notes(&src), "obsidian")).await;
    assert_eq!(notes[0].note.tags, ["obsidian", "async", "python"]);
    let out = root.path().join("out");
    fs.pipeline(&src, &out).await.unwrap();
    assert_eq!(
        String::from_utf8(tree(&out)[Path::new("vault-note.md")].clone()).unwrap(),
        text,
        "the note is exported as it is: its properties, tags and lines where they were"
    );
}

async fn missing_source_is_an_error_naming_it<F: Store>(fs: F) {
    let root = temp();
    let missing = root.path().join("nope");
    let err = fs
        .pipeline(&missing, root.path().join("out"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::List { .. }));
    assert!(err.to_string().contains("nope"), "{err}");
    let (notes, errors) = drain(fs.read_notes(&missing)).await;
    assert!(notes.is_empty());
    assert_eq!(errors[0].path(), missing);
}

async fn existing_files_are_never_overwritten<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("src");
    three_notes(&src);
    let out = root.path().join("out");
    write_files(&out, &[("generators.md", b"mine, keep it")]);
    let report = fs.pipeline(&src, &out).await.unwrap();
    assert_eq!(report.exported.len(), 2);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].source, src.join("b.md"));
    assert!(report.skipped[0].reason().contains("already exists"));
    assert_eq!(
        std::fs::read(out.join("generators.md")).unwrap(),
        b"mine, keep it"
    );
    // Replace mode swaps it atomically.
    let opts = Options::default().with_write_mode(WriteMode::Replace);
    let report = fs.pipeline_with(&src, &out, &opts).await.unwrap();
    assert!(report.is_complete());
    assert_eq!(
        std::fs::read(out.join("generators.md")).unwrap(),
        B.as_bytes()
    );
    // No temporary file is left behind.
    assert!(tree(&out).keys().all(|p| p.extension().unwrap() == "md"));
}

async fn export_inside_the_source_is_not_read_back<F: Store>(fs: F) {
    let src = temp();
    three_notes(src.path());
    let out = src.path().join("export");
    let opts = Options::default().with_recursive(true);
    let first = fs.pipeline_with(src.path(), &out, &opts).await.unwrap();
    let second = fs.pipeline_with(src.path(), &out, &opts).await.unwrap();
    assert_eq!(first.exported.len(), 3);
    assert_eq!(
        (
            second.exported.len(),
            second.unchanged.len(),
            second.skipped.len()
        ),
        (0, 3, 0),
        "a re-run finds its earlier output unchanged, and never reads it as notes"
    );
    assert_eq!(tree(&out).len(), 3);
}

async fn export_takes_a_strategy_and_in_memory_notes<F: Store>(fs: F) {
    let root = temp();
    let notes = futures_util::stream::iter((0..20).map(|i| {
        Ok(smartnotes::NoteFile::new(
            format!("mem:{i}"),
            Note::new(format!("n {i}"), "b", ["t"]),
        ))
    }));
    let opts = Options::default().with_strategy(Strategy::Concurrent { limit: 4 });
    let report = fs.export_with(root.path(), notes, &opts).await.unwrap();
    assert_eq!(report.exported.len(), 20);
    let sources: Vec<_> = report
        .exported
        .iter()
        .map(|e| e.source.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sources,
        (0..20).map(|i| format!("mem:{i}")).collect::<Vec<_>>(),
        "input order"
    );
}

/// Same notes, same report, same files, whichever strategy, on disk and in memory.
async fn every_strategy_gives_the_same_output<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("src");
    smartnotes_bench_support::corpus::write_corpus(&smartnotes_local::StdFs, &src, 120, 7).unwrap();
    write_files(&src, &[("zz-bad.md", b"\xff")]);
    let mem = MemFs::new(fs.runtime().clone());
    for (name, bytes) in tree(&src) {
        mem.insert(Path::new("/src").join(name), bytes).unwrap();
    }
    let strategies = [
        Strategy::Sequential,
        Strategy::Concurrent { limit: 1 },
        Strategy::Concurrent { limit: 7 },
        Strategy::Blocking {
            batch: 1,
            in_flight: 1,
        },
        Strategy::Blocking {
            batch: 16,
            in_flight: 3,
        },
        Strategy::default(),
        Strategy::responsive(),
        Strategy::Uring {
            batch: 1,
            in_flight: 1,
        },
        Strategy::Uring {
            batch: 100,
            in_flight: 3,
        },
    ];
    let mut outputs = Vec::new();
    for (i, strategy) in strategies.into_iter().enumerate() {
        let opts = Options::default().with_strategy(strategy);
        let out = root.path().join(format!("out{i}"));
        let report = fs.pipeline_with(&src, &out, &opts).await.unwrap();
        let rel = |p: &Path, base: &Path| p.strip_prefix(base).unwrap().to_owned();
        let exported: Vec<_> = report
            .exported
            .iter()
            .map(|e| (rel(&e.source, &src), rel(&e.path, &out)))
            .collect();
        let skipped: Vec<_> = report
            .skipped
            .iter()
            .map(|s| rel(&s.source, &src))
            .collect();
        outputs.push((exported.clone(), skipped.clone(), tree(&out)));

        let mem_out = Path::new("/out").join(i.to_string());
        let report = mem.pipeline_with("/src", &mem_out, &opts).await.unwrap();
        let mem_exported: Vec<_> = report
            .exported
            .iter()
            .map(|e| (rel(&e.source, Path::new("/src")), rel(&e.path, &mem_out)))
            .collect();
        assert_eq!(mem_exported, exported, "{strategy:?} in memory");
        for (name, bytes) in &outputs[i].2 {
            assert_eq!(
                mem.get(mem_out.join(name)).as_ref(),
                Some(bytes),
                "{strategy:?} {name:?}"
            );
        }
    }
    assert_eq!(outputs[0].0.len(), 120);
    assert_eq!(outputs[0].1, [Path::new("zz-bad.md")]);
    for (i, output) in outputs.iter().enumerate().skip(1) {
        assert_eq!(
            output, &outputs[0],
            "strategy {:?} differs from Sequential",
            strategies[i]
        );
    }
}

on_both_runtimes!(
    three_notes_are_read,
    empty_directory_gives_an_empty_stream,
    pipeline_exports_each_note_with_the_exact_bytes,
    filter_by_tag_chains_on_read_notes,
    other_files_and_subdirectories_are_skipped,
    exporting_an_export_changes_no_byte,
    fifty_notes_with_one_title_give_fifty_files,
    hostile_titles_land_inside_dest_with_valid_names,
    bad_files_are_reported_and_the_rest_exported,
    front_matter_tags_are_read_and_other_keys_survive,
    missing_source_is_an_error_naming_it,
    existing_files_are_never_overwritten,
    export_inside_the_source_is_not_read_back,
    export_takes_a_strategy_and_in_memory_notes,
    every_strategy_gives_the_same_output,
);
