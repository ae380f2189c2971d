//! Bad input, end to end on a real directory, on both runtimes: each input note is exported
//! whole or reported with its path and reason, and nothing escapes the export directory.

mod common;

use std::path::Path;

use common::{reasons, temp, tree, write_files};
use smartnotes::{Options, Store, StoreExt, Strategy, WriteMode};

fn run_opts() -> Options {
    Options::default()
        .with_recursive(true)
        .with_max_note_bytes(1 << 20)
}

async fn every_bad_input_is_exported_or_reported<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("src");
    let long = "y".repeat(400);
    let titles: Vec<(&str, String)> = vec![
        ("dots", "..".into()),
        ("dot", ".".into()),
        ("slash", "/".into()),
        ("ab", "a/b".into()),
        ("drive", "C:\\x".into()),
        ("con", "CON".into()),
        ("long", long),
        ("emoji", "🦀🔥✨".into()),
        ("rtl", "مرحبا بالعالم".into()),
        (
            "crlf-bom",
            "\u{feff}# CRLF\r\n\r\nbody\r\n\r\nTags: a\r\n".into(),
        ),
    ];
    for (name, title) in &titles {
        let text = if title.contains('\n') {
            title.clone()
        } else {
            format!("# {title}\n\nbody\n")
        };
        write_files(&src, &[(&format!("{name}.md"), text.as_bytes())]);
    }
    write_files(
        &src,
        &[
            ("nul-title.md", b"# a\0b\n\nbody\n"),
            ("not-utf8.md", b"# \xc3\x28\n"),
            ("empty.md", b""),
            ("whitespace.md", b" \t\r\n\n  "),
            ("image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ],
    );
    // A note far over the limit: a sparse 1 TiB file. Reading it into memory would fail the
    // test; it must be skipped from its size alone.
    std::fs::File::create(src.join("huge.md"))
        .unwrap()
        .set_len(1 << 40)
        .unwrap();
    std::fs::create_dir(src.join("folder.md")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", src.join("loop")).unwrap();

    // The default strategy, the lean blocking path, and io_uring's reads (the blocking path
    // where it is refused).
    let (batch, in_flight) = (8, 2);
    let strategies = [
        Strategy::default(),
        Strategy::Blocking { batch, in_flight },
        Strategy::Uring { batch, in_flight },
    ];
    for (i, strategy) in strategies.into_iter().enumerate() {
        let opts = run_opts().with_strategy(strategy);
        let out = root.path().join(format!("out-{i}"));
        let report = fs.pipeline_with(&src, &out, &opts).await.unwrap();
        let reasons = reasons(&report);
        let skipped: Vec<&str> = reasons.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            skipped,
            [
                "empty.md",
                "huge.md",
                "image.md",
                "not-utf8.md",
                "nul-title.md",
                "whitespace.md"
            ],
            "{reasons:#?}"
        );
        assert!(reasons[1].1.contains("too large") && reasons[1].1.contains("1099511627776 bytes"));
        assert!(
            reasons[4].1.contains("binary"),
            "a NUL makes a file binary: {}",
            reasons[4].1
        );
        assert_eq!(
            report.exported.len(),
            titles.len(),
            "the symlink loop added nothing"
        );
        let files = tree(&out);
        assert_eq!(files.len(), titles.len());
        for name in files.keys() {
            let name = name.to_str().unwrap();
            assert!(
                !name.contains('/') && name.len() <= 100 && name.ends_with(".md"),
                "{name}"
            );
        }
        for expected in [
            "untitled.md",
            "untitled-2.md",
            "untitled-3.md",
            "a-b.md",
            "c-x.md",
            "con-note.md",
            "crlf.md",
            "مرحبا-بالعالم.md",
        ] {
            assert!(
                files.contains_key(Path::new(expected)),
                "{expected} missing: {:?}",
                files.keys()
            );
        }
    }
}

async fn a_thousand_notes_with_one_title_all_survive<F: Store>(fs: F) {
    let root = temp();
    let src = root.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..1000 {
        std::fs::write(
            src.join(format!("{i:04}.md")),
            format!("# Meeting\n\nminutes {i}\n"),
        )
        .unwrap();
    }
    let out = root.path().join("out");
    let report = fs
        .pipeline_with(&src, &out, &Options::default())
        .await
        .unwrap();
    assert_eq!(report.exported.len(), 1000);
    assert_eq!(tree(&out).len(), 1000);
    assert!(out.join("meeting-1000.md").is_file());
}

on_both_runtimes!(
    every_bad_input_is_exported_or_reported,
    a_thousand_notes_with_one_title_all_survive,
);

/// Symbolic links exist as such on Unix only; the test is not compiled elsewhere.
#[cfg(unix)]
mod links {
    use super::*;

    async fn a_symlink_in_the_export_directory_is_never_followed<F: Store>(fs: F) {
        let root = temp();
        let (src, out, outside) = (
            root.path().join("src"),
            root.path().join("out"),
            root.path().join("outside"),
        );
        write_files(&src, &[("n.md", b"# Evil\n\nnew text\n")]);
        write_files(&outside, &[("target.md", b"precious")]);
        std::fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(outside.join("target.md"), out.join("evil.md")).unwrap();

        let report = fs
            .pipeline_with(&src, &out, &Options::default())
            .await
            .unwrap();
        assert_eq!(report.skipped.len(), 1);
        assert!(report.skipped[0].reason().contains("already exists"));
        assert_eq!(
            std::fs::read(outside.join("target.md")).unwrap(),
            b"precious"
        );

        // Replace mode replaces the link itself, never what it points to.
        let opts = Options::default().with_write_mode(WriteMode::Replace);
        let report = fs.pipeline_with(&src, &out, &opts).await.unwrap();
        assert!(report.is_complete());
        assert_eq!(
            std::fs::read(outside.join("target.md")).unwrap(),
            b"precious"
        );
        let meta = std::fs::symlink_metadata(out.join("evil.md")).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(
            std::fs::read(out.join("evil.md")).unwrap(),
            b"# Evil\n\nnew text\n",
            "exported byte for byte"
        );
    }

    on_both_runtimes!(a_symlink_in_the_export_directory_is_never_followed);
}
