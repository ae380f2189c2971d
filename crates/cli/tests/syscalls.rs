//! System calls per note, counted with `strace -f -c` on the real binary (where strace is
//! installed; the test says so and passes without it): reading notes (`tags`) and exporting
//! them (`export`, the default blocking strategy). Per note is the difference between a run
//! over 1,500 notes and one over 500, divided by 1,000: what one more note costs, without the
//! process's fixed start-up calls (the loader's opens, the runtime's set-up).
//!
//! Counted are the calls that touch files: opening, reading, writing, linking, naming,
//! stat-ing, closing and removing, and `getpid` (which the old temporary names cost). The
//! runtime's own calls (futex, epoll, mmap, clone) are not per note and not counted.

#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use smartnotes::StdFs;
use smartnotes::support::corpus;

const SMALL: usize = 500;
const LARGE: usize = 1_500;

const FILE_CALLS: [&str; 19] = [
    "openat",
    "open",
    "read",
    "pread64",
    "write",
    "pwrite64",
    "close",
    "statx",
    "fstat",
    "newfstatat",
    "lstat",
    "stat",
    "lseek",
    "linkat",
    "link",
    "rename",
    "renameat2",
    "unlink",
    "getpid",
];

/// `strace -f -c` of the binary with `args`: calls by name, or `None` without strace.
fn strace(args: &[&str], out: &Path) -> Option<BTreeMap<String, u64>> {
    let report = out.join("strace.txt");
    let run = Command::new("strace")
        .args(["-f", "-c", "-o"])
        .arg(&report)
        .arg(env!("CARGO_BIN_EXE_smartnotes"))
        .args(args)
        .output();
    let Ok(run) = run else {
        eprintln!("strace is not installed: system calls not counted (apt-get install strace)");
        return None;
    };
    assert!(
        run.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&report).expect("strace report");
    let mut calls = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // % time, seconds, usecs/call, calls, [errors], syscall
        if fields.len() >= 5 && fields[0].parse::<f64>().is_ok() {
            let name = fields[fields.len() - 1].to_string();
            if let Ok(n) = fields[3].parse::<u64>() {
                calls.insert(name, n);
            }
        }
    }
    Some(calls)
}

/// File calls per note between two runs (`small` over [`SMALL`] notes, `large` over [`LARGE`]).
fn per_note(small: &BTreeMap<String, u64>, large: &BTreeMap<String, u64>) -> (f64, String) {
    let notes = (LARGE - SMALL) as f64;
    let extra = |name: &str| {
        large.get(name).copied().unwrap_or(0) as f64 - small.get(name).copied().unwrap_or(0) as f64
    };
    let counted: Vec<(&str, f64)> = FILE_CALLS
        .iter()
        .map(|name| (*name, extra(name) / notes))
        .filter(|(_, n)| n.abs() >= 0.005)
        .collect();
    let total = counted.iter().map(|(_, n)| n).sum();
    let detail = counted
        .iter()
        .map(|(name, n)| format!("{name} {n:.2}"))
        .collect::<Vec<_>>()
        .join(", ");
    (total, detail)
}

/// The calls of `tags` and of `export` over a corpus of `notes`.
fn counts(dir: &Path, notes: usize) -> Option<(BTreeMap<String, u64>, BTreeMap<String, u64>)> {
    let src = dir.join(format!("notes-{notes}"));
    corpus::write_corpus(&StdFs, &src, notes, 7).unwrap();
    let read = strace(&["tags", src.to_str().unwrap()], dir)?;
    let dest = dir.join(format!("out-{notes}"));
    let export = strace(
        &["export", src.to_str().unwrap(), dest.to_str().unwrap()],
        dir,
    )?;
    assert_eq!(std::fs::read_dir(&dest).unwrap().count(), notes);
    Some((read, export))
}

#[test]
fn reads_cost_three_calls_a_note_and_exports_seven() {
    let dir = tempfile::tempdir().unwrap();
    let Some((read_small, export_small)) = counts(dir.path(), SMALL) else {
        return;
    };
    let (read_large, export_large) = counts(dir.path(), LARGE).unwrap();
    let (read, detail) = per_note(&read_small, &read_large);
    println!("read (tags): {read:.2} file calls per note: {detail}");
    assert!(
        read <= 3.05,
        "reading costs {read:.2} calls a note: {detail}"
    );
    let (export, detail) = per_note(&export_small, &export_large);
    println!("export: {export:.2} file calls per note: {detail}");
    assert!(
        export <= 7.05,
        "an export costs {export:.2} calls a note: {detail}"
    );
    for never in ["getpid", "unlink", "statx"] {
        let n = export_large.get(never).copied().unwrap_or(0);
        assert!(n < 20, "{never}: {n} calls over {LARGE} notes");
    }
}
