//! syscalls: system calls per note of the real `smartnotes` binary, counted with
//! `strace -f -c`: reading (`tags`) and exporting, with the default blocking strategy and with
//! io_uring. Per note is the difference between a run over 1,500 notes and one over 500,
//! divided by 1,000: what one more note costs, without the process's start-up. Counted are the
//! calls that touch files (and `io_uring_enter`, `getpid`); the runtime's own (futex, epoll,
//! mmap, clone) are not per note. Without strace installed the bench says so and counts
//! nothing. `cargo bench --bench syscalls`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::write_results;
use smartnotes::{StdFs, Strategy};
use smartnotes_io::support::corpus;
use smartnotes_io::support::results::{SyscallBench, SyscallRow, label};

const NOTES: (usize, usize) = (500, 1_500);

const FILE_CALLS: [&str; 21] = [
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
    "io_uring_enter",
    "io_uring_setup",
];

fn cli() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--release", "--quiet", "-p", "smartnotes-cli"])
        .status()
        .expect("run cargo build");
    assert!(status.success(), "building the CLI failed");
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("release/smartnotes")
}

/// `strace -f -c` of `cli args`: calls by name.
fn strace(cli: &Path, args: &[&str], report: &Path) -> BTreeMap<String, u64> {
    let run = Command::new("strace")
        .args(["-f", "-c", "-o"])
        .arg(report)
        .arg(cli)
        .args(args)
        .output()
        .expect("run strace");
    assert!(
        run.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(report).expect("strace report");
    let mut calls = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() >= 5 && fields[0].parse::<f64>().is_ok() {
            if let Ok(n) = fields[3].parse::<u64>() {
                calls.insert(fields[fields.len() - 1].to_string(), n);
            }
        }
    }
    calls
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let uring = match Strategy::uring_backend() {
        Ok(()) => "io_uring".to_owned(),
        Err(why) => format!("blocking path: {why}"),
    };
    if Command::new("strace").arg("-V").output().is_err() {
        let why = "strace is not installed (apt-get install strace)".to_owned();
        eprintln!("syscalls: {why}");
        write_results(
            "syscalls",
            &SyscallBench {
                notes: NOTES,
                uring,
                rows: Vec::new(),
                skipped: Some(why),
            },
        );
        return;
    }
    let cli = cli();
    let dir = tempfile::tempdir().expect("a temporary folder");
    // What `--strategy blocking` and `--strategy uring` run (the default is one of them: see
    // `Strategy::default()`).
    let in_flight = 2 * std::thread::available_parallelism().map_or(2, |n| n.get());
    let strategies = [
        (
            "blocking",
            Strategy::Blocking {
                batch: 256,
                in_flight,
            },
        ),
        (
            "uring",
            Strategy::Uring {
                batch: 256,
                in_flight,
            },
        ),
    ];
    let mut rows = Vec::new();
    for (arg, strategy) in strategies {
        let mut counts: Vec<[BTreeMap<String, u64>; 2]> = Vec::new();
        for n in [NOTES.0, NOTES.1] {
            let src = dir.path().join(format!("notes-{n}"));
            if !src.exists() {
                corpus::write_corpus(&StdFs, &src, n, 7).expect("corpus");
            }
            let src = src.to_str().expect("a UTF-8 path");
            let dest = dir.path().join(format!("out-{arg}-{n}"));
            let read = strace(
                &cli,
                &["tags", "--strategy", arg, src],
                &dir.path().join("read.strace"),
            );
            let export = strace(
                &cli,
                &[
                    "export",
                    "--strategy",
                    arg,
                    src,
                    dest.to_str().expect("UTF-8"),
                ],
                &dir.path().join("export.strace"),
            );
            assert_eq!(std::fs::read_dir(&dest).expect("dest").count(), n);
            counts.push([read, export]);
        }
        for (c, command) in ["read", "export"].into_iter().enumerate() {
            let (small, large) = (&counts[0][c], &counts[1][c]);
            let between = (NOTES.1 - NOTES.0) as f64;
            let calls: Vec<(String, f64)> = FILE_CALLS
                .iter()
                .map(|name| {
                    let n = |m: &BTreeMap<String, u64>| m.get(*name).copied().unwrap_or(0) as f64;
                    ((*name).to_owned(), (n(large) - n(small)) / between)
                })
                .filter(|(_, n)| n.abs() >= 0.005)
                .collect();
            let per_note = calls.iter().map(|(_, n)| n).sum();
            eprintln!(
                "{command} with {}: {per_note:.2} calls a note ({calls:?})",
                label(strategy)
            );
            rows.push(SyscallRow {
                command: command.into(),
                strategy: label(strategy),
                per_note,
                calls,
            });
        }
    }
    write_results(
        "syscalls",
        &SyscallBench {
            notes: NOTES,
            uring,
            rows,
            skipped: None,
        },
    );
}
