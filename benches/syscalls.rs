//! syscalls: system calls per note of the real `smartnotes` binary, counted with
//! `strace -f -c`: reading (`tags`) and exporting, with the default blocking strategy and with
//! io_uring. Per note is the difference between a run over 1,500 notes and one over 500,
//! divided by 1,000: what one more note costs, without the process's start-up. Counted are the
//! calls that touch files (and `io_uring_enter`, `getpid`); the runtime's own (futex, epoll,
//! mmap, clone) are not per note. Without strace installed the bench says so and counts
//! nothing. `cargo bench --bench syscalls`.

mod common;

use std::process::Command;

use common::write_results;
use smartnotes::Strategy;
use smartnotes_bench_support::results::{SyscallBench, SyscallRow, label};
use smartnotes_bench_support::{corpus, strace};
use smartnotes_local::StdFs;

const NOTES: (usize, usize) = (500, 1_500);

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let uring = match smartnotes::store::uring_backend() {
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
    let cli = common::cli_binary();
    let dir = tempfile::tempdir().expect("a temporary folder");
    // What `--strategy blocking` and `--strategy uring` run (the default is one of them: see
    // `Strategy::default()`).
    let in_flight = 2 * smartnotes_bench_support::cores();
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
        let mut counts = Vec::new();
        for n in [NOTES.0, NOTES.1] {
            let src = dir.path().join(format!("notes-{n}"));
            if !src.exists() {
                corpus::write_corpus(&StdFs, &src, n, 7).expect("corpus");
            }
            let src = src.to_str().expect("a UTF-8 path");
            let dest = dir.path().join(format!("out-{arg}-{n}"));
            let count = |args: &[&str], report: &str| {
                strace::count(Command::new(&cli).args(args), &dir.path().join(report))
                    .expect("strace the CLI")
                    .expect("strace is installed")
            };
            let read = count(&["tags", "--strategy", arg, src], "read.strace");
            let dest_arg = dest.to_str().expect("a UTF-8 path");
            let export = count(
                &["export", "--strategy", arg, src, dest_arg],
                "export.strace",
            );
            assert_eq!(std::fs::read_dir(&dest).expect("dest").count(), n);
            counts.push([read, export]);
        }
        for (c, command) in ["read", "export"].into_iter().enumerate() {
            let (small, large) = (&counts[0][c], &counts[1][c]);
            let (per_note, calls) = strace::per_note(small, large, NOTES.0, NOTES.1);
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
