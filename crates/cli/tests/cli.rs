//! The `smartnotes` binary, run as a real process against real temporary directories.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use smartnotes_bench_support::corpus;
use smartnotes_local::StdFs;

fn smartnotes(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smartnotes"))
        .args(args)
        .output()
        .expect("run smartnotes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object ({e}): {}\nstderr: {}",
            text(&output.stdout),
            text(&output.stderr)
        )
    })
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// Ctrl-C for `child` (SIGINT through `kill`), then its output once it has exited.
#[cfg(unix)]
fn interrupt(child: std::process::Child) -> Output {
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    child.wait_with_output().unwrap()
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Each exported file holds exactly the rendered source note.
/// Every file the summary lists is its source, byte for byte (notes are exported unedited).
fn check_exports(summary: &Value) {
    for file in summary["files"].as_array().unwrap() {
        let source = std::fs::read(file["source"].as_str().unwrap()).unwrap();
        let written = std::fs::read(file["path"].as_str().unwrap()).unwrap();
        assert_eq!(written, source, "{file}");
    }
}

#[test]
fn help_lists_the_commands_and_exit_codes() {
    let out = smartnotes(&["--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for command in ["export", "scan", "tags", "compare", "Exit codes"] {
        assert!(help.contains(command), "{command} missing from:\n{help}");
    }
    let out = smartnotes(&["export", "--help"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("--strategy"));
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    for args in [
        &["export"][..],
        &["export", "a", "b", "--strategy", "fastest"],
        &["export", "a", "b", "--limit", "0"],
        &["frobnicate"],
    ] {
        let out = smartnotes(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty() && out.stdout.is_empty(), "{args:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = smartnotes(&[
        "export",
        s(dir.path()),
        "out",
        "--strategy",
        "sequential",
        "--batch",
        "8",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--batch applies to --strategy blocking"));
}

#[test]
fn missing_inputs_are_fatal_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-notes");
    for args in [
        vec!["export", s(&missing), s(dir.path())],
        vec!["tags", s(&missing)],
        vec!["scan", s(&missing)],
        vec!["compare", s(&missing)],
    ] {
        let out = smartnotes(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("no-such-notes"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn export_writes_every_note_on_every_runtime_and_strategy() {
    let src = tempfile::tempdir().unwrap();
    write(
        src.path(),
        "a.md",
        b"# Async IO\n\nbody\n\nTags: python, async\n",
    );
    write(
        src.path(),
        "b.md",
        "# Caf\u{e9} \u{1f980}\n\nunicode\n\nTags: rust\n".as_bytes(),
    );
    write(
        src.path(),
        "c.md",
        b"---\ntags: [python]\nauthor: me\n---\n# Front\n\nmatter\n",
    );
    write(src.path(), "notes.txt", b"not a note: ignored");
    for runtime in ["tokio", "smol"] {
        for (strategy, extra) in [
            ("sequential", None),
            ("concurrent", Some("--limit=2")),
            ("blocking", Some("--batch=1")),
            ("uring", Some("--batch=2")),
            ("responsive", None),
        ] {
            let dest = tempfile::tempdir().unwrap();
            let mut args = vec![
                "export",
                s(src.path()),
                s(dest.path()),
                "--json",
                "--runtime",
                runtime,
                "--strategy",
                strategy,
            ];
            args.extend(extra);
            let out = smartnotes(&args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{args:?}: {}",
                text(&out.stderr)
            );
            assert!(out.stderr.is_empty(), "no progress bar when piped");
            let summary = json(&out);
            assert_eq!(summary["exported"], 3);
            assert_eq!(summary["skipped"], Value::Array(vec![]));
            assert_eq!(files(dest.path()).len(), 3);
            check_exports(&summary);
            let names: Vec<String> = files(dest.path())
                .iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect();
            assert!(
                names.iter().any(|n| n.starts_with("caf\u{e9}")),
                "a Unicode title keeps its letters: {names:?}"
            );
        }
    }
}

#[test]
fn export_reports_bad_inputs_and_exits_1() {
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "good.md", b"# Good\n\nfine\n");
    write(src.path(), "binary.md", b"# Bin\0ary\n");
    write(src.path(), "latin1.md", b"# Caf\xe9\n");
    write(src.path(), "empty.md", b"");
    let dest = tempfile::tempdir().unwrap();
    let out = smartnotes(&["export", s(src.path()), s(dest.path()), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let summary = json(&out);
    assert_eq!(summary["exported"], 1);
    let skipped = summary["skipped"].as_array().unwrap();
    let mut paths: Vec<&str> = skipped
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    paths.sort();
    let want: Vec<PathBuf> = ["binary.md", "empty.md", "latin1.md"]
        .iter()
        .map(|n| src.path().join(n))
        .collect();
    assert_eq!(paths, want.iter().map(|p| s(p)).collect::<Vec<_>>());
    for skip in skipped {
        let reason = skip["reason"].as_str().unwrap();
        let name = Path::new(skip["source"].as_str().unwrap())
            .file_name()
            .unwrap();
        assert!(reason.contains(name.to_str().unwrap()), "{reason}");
    }

    // The same run as text: a summary on stdout, each skip named on stderr. The good note is
    // already there with the same content: unchanged, not skipped.
    let out = smartnotes(&["export", s(src.path()), s(dest.path())]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    for name in ["binary.md", "latin1.md", "empty.md"] {
        assert!(stderr.contains(name), "{name} not named in {stderr}");
    }
    assert!(!stderr.contains("good.md"), "{stderr}");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("exported 0 notes"), "{stdout}");
    assert!(stdout.contains("unchanged 1"), "{stdout}");
}

#[test]
fn export_recursive_same_titles_and_tags() {
    let src = tempfile::tempdir().unwrap();
    for folder in 0..20 {
        for i in 0..100 {
            let tag = if i % 2 == 0 { "even" } else { "odd" };
            let body =
                format!("---\ntags: [{tag}]\n---\n# Meeting notes\n\nfolder {folder} note {i}\n");
            write(
                src.path(),
                &format!("f{folder:02}/n{i:03}.md"),
                body.as_bytes(),
            );
        }
    }
    write(
        src.path(),
        "top.md",
        b"# Meeting notes\n\ntop\n\nTags: Even\n",
    );

    let dest = tempfile::tempdir().unwrap();
    let out = smartnotes(&["export", s(src.path()), s(dest.path()), "--json"]);
    assert_eq!(
        json(&out)["exported"],
        1,
        "without --recursive only the top level"
    );

    let dest = tempfile::tempdir().unwrap();
    let out = smartnotes(&["export", s(src.path()), s(dest.path()), "-r", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary = json(&out);
    assert_eq!(summary["exported"], 2001);
    assert_eq!(
        files(dest.path()).len(),
        2001,
        "2001 notes titled alike, 2001 files"
    );
    check_exports(&summary);

    let dest = tempfile::tempdir().unwrap();
    let out = smartnotes(&[
        "export",
        s(src.path()),
        s(dest.path()),
        "-r",
        "--tag",
        "even",
        "--json",
    ]);
    let summary = json(&out);
    assert_eq!(
        (
            summary["exported"].as_u64(),
            summary["filtered_out"].as_u64()
        ),
        (Some(1001), Some(1000))
    );
}

/// A vault: mirrored by default, its own names kept with `--names keep`, hidden folders passed
/// over and counted; a re-run writes nothing and exits 0; a changed file is kept unless
/// `--replace`.
#[test]
fn export_a_vault_again_and_again() {
    let src = tempfile::tempdir().unwrap();
    let vault: [(&str, &[u8]); 5] = [
        (
            "Bases/Bases syntax.md",
            b"---\ntags: [obsidian]\n---\nA base. See [[Views]].\n",
        ),
        ("Bases/Views.md", b"Views of a base. #obsidian/bases\n"),
        ("fr/tar.md", b"# tar\n\nfr\n"),
        ("de/tar.md", b"# tar\n\nde\n"),
        (".obsidian/app.md", b"# settings\n"),
    ];
    for (name, bytes) in vault {
        write(src.path(), name, bytes);
    }
    let dest = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["export", s(src.path()), s(dest.path()), "-r", "--json"];
        args.extend_from_slice(extra);
        let out = smartnotes(&args);
        (out.status.code(), json(&out))
    };

    let (code, summary) = run(&["--names", "keep"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        (summary["exported"].as_u64(), summary["hidden"].as_u64()),
        (Some(4), Some(1))
    );
    for (name, bytes) in &vault[..4] {
        assert_eq!(
            &std::fs::read(dest.path().join(name)).unwrap(),
            bytes,
            "{name}"
        );
    }
    check_exports(&summary);

    let (code, summary) = run(&["--names", "keep"]);
    assert_eq!(code, Some(0), "a re-run is not a failure");
    assert_eq!(
        (summary["exported"].as_u64(), summary["unchanged"].as_u64()),
        (Some(0), Some(4))
    );

    // Half of an export lost (as if interrupted): run again to complete it.
    std::fs::remove_file(dest.path().join("fr/tar.md")).unwrap();
    let (code, summary) = run(&["--names", "keep"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        (summary["exported"].as_u64(), summary["unchanged"].as_u64()),
        (Some(1), Some(3))
    );

    // A file edited in DEST is kept (exit 1, the reason on stderr), unless --replace.
    write(dest.path(), "de/tar.md", b"edited");
    let (code, summary) = run(&["--names", "keep"]);
    assert_eq!(code, Some(1));
    assert!(
        summary["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(
        std::fs::read(dest.path().join("de/tar.md")).unwrap(),
        b"edited"
    );
    let (code, _) = run(&["--names", "keep", "--replace"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        std::fs::read(dest.path().join("de/tar.md")).unwrap(),
        b"# tar\n\nde\n"
    );

    // Flat and by title: one folder, the same title twice gets a suffix; --hidden reads all.
    let flat = tempfile::tempdir().unwrap();
    let out = smartnotes(&[
        "export",
        s(src.path()),
        s(flat.path()),
        "-r",
        "--flat",
        "--hidden",
        "--json",
    ]);
    assert_eq!(json(&out)["exported"], 5);
    let names: Vec<String> = files(flat.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "bases-syntax.md",
            "settings.md",
            "tar-2.md",
            "tar.md",
            "views.md"
        ]
    );
}

#[test]
fn scan_counts_matching_lines() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let (_, errors) = corpus::write_log(&log, 3 << 20, 7).unwrap();
    for runtime in ["tokio", "smol"] {
        let out = smartnotes(&["scan", s(&log), "--json", "--runtime", runtime]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let summary = json(&out);
        assert_eq!(summary["matching_lines"].as_u64(), Some(errors));
        assert_eq!(
            summary["bytes"].as_u64(),
            Some(std::fs::metadata(&log).unwrap().len())
        );
    }
    write(dir.path(), "small.log", b"a WARN\nb\xff WARN\nc\nWARN");
    let out = smartnotes(&[
        "scan",
        s(&dir.path().join("small.log")),
        "--pattern",
        "WARN",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).starts_with("3 matching lines for \"WARN\""),
        "{}",
        text(&out.stdout)
    );
    let out = smartnotes(&["scan", s(dir.path()), "--pattern", "x"]);
    assert_eq!(out.status.code(), Some(2), "a directory is not a log");
}

#[test]
fn tags_are_counted_most_used_first() {
    let src = tempfile::tempdir().unwrap();
    write(src.path(), "a.md", b"# A\n\nx\n\nTags: python, async\n");
    write(src.path(), "b.md", b"# B\n\nx\n\nTags: Python\n");
    write(
        src.path(),
        "c.md",
        b"---\ntags: [rust, async, python]\n---\n# C\n",
    );
    write(src.path(), "sub/d.md", b"# D\n\nx\n\nTags: deep\n");
    let out = smartnotes(&["tags", s(src.path())]);
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        lines,
        ["3 python", "2 async", "1 rust", "3 tags in 3 notes"]
    );
    let out = smartnotes(&[
        "tags",
        s(src.path()),
        "--recursive",
        "--json",
        "--runtime",
        "smol",
    ]);
    let summary = json(&out);
    assert_eq!(summary["notes"], 4);
    assert_eq!(summary["tags"][2]["tag"], "deep", "ties in name order");

    write(src.path(), "bad.md", b"\0");
    let out = smartnotes(&["tags", s(src.path())]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("bad.md"));
}

/// How many entries `dir` holds.
fn entries(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

/// The heartbeat cell of a table row: after the last three-space gap (`p99 [low, high] (idle
/// floor)`).
fn heartbeat_cell(row: &str) -> &str {
    row.rsplit_once("   ").map_or("", |(_, cell)| cell.trim())
}

#[test]
fn compare_prints_intervals_a_verdict_and_cleans_up() {
    // Its own temporary directory, so what compare leaves behind (nothing) can be seen.
    let tmp = tempfile::tempdir().unwrap();
    let compare = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_smartnotes"))
            .arg("compare")
            .args(args)
            .env("TMPDIR", tmp.path())
            .output()
            .expect("run smartnotes")
    };
    let out = compare(&["--notes", "40", "--reps", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "no progress bar when piped");
    let stdout = text(&out.stdout);
    for needle in [
        "95% intervals [low, high]",
        "nothing deleted until the end",
        "heartbeat p99",
        "idle floor (the heartbeat alone): tokio ",
        "Differences under 20% are not named",
        "its ratio is the geometric mean of the repetitions' ratios",
    ] {
        assert!(stdout.contains(needle), "{needle} missing from:\n{stdout}");
    }
    // Every row, every figure with its interval: read, x std::fs, pipeline, x std::fs and the
    // heartbeat for each case; the baseline's two rates.
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("tokio | ") || l.starts_with("smol | "))
        .collect();
    // Four strategies, and io_uring's where this machine can use it, on each runtime.
    let strategies = if smartnotes::store::uring_backend().is_ok() {
        5
    } else {
        4
    };
    assert_eq!(rows.len(), 2 * strategies, "{stdout}");
    for row in &rows {
        assert_eq!(row.matches(" [").count(), 5, "{row}");
        assert_eq!(row.matches("x [").count(), 2, "{row}");
        // Lateness is shown as p99 and idle floor, never as a (negative) difference.
        let cell = heartbeat_cell(row);
        assert!(cell.contains("(idle "), "{row}");
        assert!(!cell.contains('-'), "negative lateness in {row}");
        let p99: f64 = cell.split_whitespace().next().unwrap().parse().unwrap();
        assert!(p99 >= 0.0, "{row}");
    }
    let base = stdout
        .lines()
        .find(|l| l.starts_with("std::fs, "))
        .expect("the baseline row");
    assert_eq!(base.matches(" [").count(), 2, "{base}");
    // The lean limit beside it (its rate and ratio, no pipeline), and the default strategy's
    // share of it on each runtime.
    let limit = stdout
        .lines()
        .find(|l| l.starts_with("lean limit, "))
        .expect("the limit's row");
    assert_eq!(limit.matches(" [").count(), 2, "{limit}");
    let share = stdout
        .lines()
        .find(|l| l.starts_with("the lean limit ("))
        .expect("the default's share of the limit");
    assert!(
        share.contains("tokio (") && share.contains("smol (") && share.matches("x [").count() == 2,
        "{share}"
    );
    let floor = stdout
        .lines()
        .find(|l| l.starts_with("idle floor"))
        .unwrap();
    assert!(!floor.contains('-'), "{floor}");
    // A recommendation: a winner, or the tie stated.
    let verdict = stdout
        .lines()
        .find(|l| l.starts_with("recommended for this data: "))
        .unwrap_or_else(|| panic!("no recommendation in:\n{stdout}"));
    assert!(verdict.contains("strategy "), "{verdict}");
    assert!(
        verdict.contains("are equal here: use the one you run") || verdict.contains(" on "),
        "{verdict}"
    );
    // The sample and every export are removed.
    let sample = stdout
        .split_whitespace()
        .find(|w| w.ends_with("/notes"))
        .expect("the sample's path");
    assert!(
        !Path::new(sample).exists(),
        "the sample at {sample} is removed"
    );
    assert_eq!(
        files(tmp.path()),
        Vec::<PathBuf>::new(),
        "temporary files left"
    );

    // On a folder of the user's, nothing is added to it or changed in it.
    let src = tempfile::tempdir().unwrap();
    corpus::write_corpus(&StdFs, src.path(), 25, 1).unwrap();
    let before: Vec<(PathBuf, Vec<u8>)> = files(src.path())
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(&f).unwrap()))
        .collect();
    let out = compare(&[s(src.path()), "--reps", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("recommended for this data: "));
    let after: Vec<(PathBuf, Vec<u8>)> = files(src.path())
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(&f).unwrap()))
        .collect();
    assert_eq!(after, before);
    assert_eq!(
        files(tmp.path()),
        Vec::<PathBuf>::new(),
        "temporary files left"
    );
}

#[cfg(unix)]
#[test]
fn compare_interrupted_prints_no_table_and_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_smartnotes"))
        .args(["compare", "--notes", "2000", "--reps", "5"])
        .env("TMPDIR", tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it is exporting (its exports folder exists), then interrupt it.
    let started = std::time::Instant::now();
    let exporting = || {
        std::fs::read_dir(tmp.path())
            .unwrap()
            .any(|scratch| scratch.unwrap().path().join("exports").exists())
    };
    while !exporting() {
        assert!(started.elapsed().as_secs() < 60, "compare never exported");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let out = interrupt(child);
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("interrupted: no table"), "{stdout}");
    assert!(!stdout.contains("recommended"), "{stdout}");
    assert_eq!(entries(tmp.path()), 0, "temporary files left");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_with_a_summary() {
    let src = tempfile::tempdir().unwrap();
    corpus::write_corpus(&StdFs, src.path(), 20_000, 3).unwrap();
    let dest = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_smartnotes"))
        .args([
            "export",
            s(src.path()),
            s(dest.path()),
            "--json",
            "--strategy",
            "sequential",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it is writing, then interrupt it.
    let started = std::time::Instant::now();
    while std::fs::read_dir(dest.path()).unwrap().count() < 50 {
        assert!(started.elapsed().as_secs() < 60, "export never started");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let out = interrupt(child);
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    let summary = json(&out);
    assert_eq!(summary["interrupted"], true);
    let exported = summary["exported"].as_u64().unwrap();
    let processed = summary["processed"].as_u64().unwrap();
    assert!(
        exported <= processed && processed < 20_000,
        "{processed} read of 20,000"
    );
    // Exactly the reported files, each complete: no temporary or partial file.
    assert_eq!(files(dest.path()).len() as u64, exported);
    check_exports(&summary);
}

/// The issue's session, as a user typed it: exporting a folder into itself is refused three
/// times over (exit 2, one line), on both runtimes, and the notes are byte for byte what they
/// were; DEST inside SRC exports, and the notes already there are counted, in text and JSON.
#[test]
fn an_export_never_writes_into_its_source() {
    let root = tempfile::tempdir().unwrap();
    let n = root.path().join("n");
    write(&n, "fm.md", b"---\ntitle: Front matter note\n---\nbody\n");
    write(&n, "list.md", b"# Shopping list\n\n- milk\n");
    write(&n, "sub/s.md", b"# S\n");
    let before: Vec<(PathBuf, Vec<u8>)> = files(&n)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    let same = [
        s(&n).to_owned(),
        format!("{}/.", s(&n)),
        format!("{}/sub/..", s(&n)),
    ];
    for run in 0..3 {
        for runtime in ["tokio", "smol"] {
            for dest in &same {
                for recursive in [None, Some("-r")] {
                    let mut args = vec!["export", s(&n), dest, "--runtime", runtime];
                    args.extend(recursive);
                    let out = smartnotes(&args);
                    assert_eq!(out.status.code(), Some(2), "run {run}: {args:?}");
                    let said = text(&out.stderr);
                    assert!(
                        said.contains("they are the same folder") && said.lines().count() == 1,
                        "{args:?}: {said}"
                    );
                }
            }
        }
        let now: Vec<(PathBuf, Vec<u8>)> = files(&n)
            .into_iter()
            .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
            .collect();
        assert_eq!(now, before, "run {run}: the source changed");
    }
    let out = smartnotes(&["export", "-r", s(&n.join("sub")), s(&n)]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a source inside a mirrored DEST"
    );
    assert!(text(&out.stderr).contains("the source lies inside the destination"));

    let sub = n.join("sub");
    let first = smartnotes(&["export", "-r", s(&n), s(&sub)]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("left out 1 note already in"),
        "{}",
        text(&first.stdout)
    );
    for run in 0..2 {
        let again = smartnotes(&["export", "-r", "--json", s(&n), s(&sub)]);
        assert_eq!(again.status.code(), Some(0), "run {run}");
        let summary = json(&again);
        assert_eq!(
            (
                &summary["exported"],
                &summary["unchanged"],
                &summary["in_dest"]
            ),
            (&Value::from(0), &Value::from(2), &Value::from(3)),
            "run {run}"
        );
    }
    assert_eq!(std::fs::read(sub.join("s.md")).unwrap(), b"# S\n");
    assert_eq!(files(&n).len(), 5, "two exported notes, no more");
}

/// A file given as SRC is a usage error naming it, and nothing is created; `--flat` needs
/// `--recursive`; a skip line names the file once.
#[test]
fn first_ten_minutes() {
    let root = tempfile::tempdir().unwrap();
    let notes = root.path().join("notes");
    write(&notes, "fm.md", b"# Fm\n");
    write(&notes, "x.md", b"bin\0ary");
    let out_dir = root.path().join("out");
    let out = smartnotes(&["export", s(&notes.join("fm.md")), s(&out_dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is a file, not a folder of notes"));
    assert!(!out_dir.exists(), "nothing is created");

    let out = smartnotes(&["export", "--flat", s(&notes), s(&out_dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--recursive"));
    assert!(!out_dir.exists());

    let out = smartnotes(&["export", s(&notes), s(&out_dir)]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    let x = notes.join("x.md");
    assert_eq!(said.matches(s(&x)).count(), 1, "{said}");
    assert!(said.starts_with("smartnotes: skipped "), "{said}");
}

/// The strategy's label says what ran: with io_uring turned off, `uring` is reported as the
/// blocking path, in text and JSON.
#[test]
fn the_strategy_label_says_what_ran() {
    let root = tempfile::tempdir().unwrap();
    let notes = root.path().join("notes");
    write(&notes, "a.md", b"# A\n");
    let out = Command::new(env!("CARGO_BIN_EXE_smartnotes"))
        .args([
            "export",
            "--json",
            "--strategy",
            "uring",
            s(&notes),
            s(&root.path().join("o")),
        ])
        .env("SMARTNOTES_URING", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let strategy = json(&out)["strategy"].as_str().unwrap().to_owned();
    assert!(
        strategy.starts_with("blocking (") && strategy.contains("uring not used"),
        "{strategy}"
    );
}

/// `--skip-tag` leaves out every note with the tag (case and nesting as `--tag`), wins over
/// `--tag`, and counts what it left out.
#[test]
fn skip_tag_leaves_notes_out_and_counts_them() {
    let root = tempfile::tempdir().unwrap();
    let notes = root.path().join("notes");
    write(&notes, "a.md", b"# A\n\nTags: python, draft\n");
    write(&notes, "b.md", b"# B\n\nbody #Draft/wip\n");
    write(&notes, "c.md", b"# C\n\nTags: python\n");
    write(&notes, "d.md", b"# D\n\nTags: rust\n");
    let out = root.path().join("out");
    let run = smartnotes(&[
        "export",
        "--json",
        "--tag",
        "python",
        "--skip-tag",
        "DRAFT",
        s(&notes),
        s(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let summary = json(&run);
    assert_eq!(summary["exported"], 1, "c.md only");
    assert_eq!(
        summary["filtered_out"], 3,
        "a and b (draft, draft/wip) and d (no python)"
    );
    assert_eq!(files(&out).len(), 1);
    let only_skip = smartnotes(&[
        "export",
        "--skip-tag",
        "draft",
        s(&notes),
        s(&root.path().join("o2")),
    ]);
    assert_eq!(only_skip.status.code(), Some(0));
    assert!(text(&only_skip.stdout).contains("left out 2 by --tag or --skip-tag"));
}

/// `--preserve-mtime` gives each exported note its source's time; a bucket DEST is refused with
/// the reason, before anything is done.
#[test]
fn preserve_mtime_keeps_the_sources_time() {
    let root = tempfile::tempdir().unwrap();
    let notes = root.path().join("notes");
    write(&notes, "a.md", b"# A\n");
    let then = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    std::fs::File::options()
        .write(true)
        .open(notes.join("a.md"))
        .unwrap()
        .set_modified(then)
        .unwrap();
    let out = root.path().join("out");
    let run = smartnotes(&[
        "export",
        "--preserve-mtime",
        "--names",
        "keep",
        s(&notes),
        s(&out),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let time = std::fs::metadata(out.join("a.md"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(time, then);
    let bucket = smartnotes(&["export", "--preserve-mtime", s(&notes), "s3://b/x"]);
    assert_eq!(bucket.status.code(), Some(2));
    assert!(text(&bucket.stderr).contains("--preserve-mtime needs a local DEST"));
}
