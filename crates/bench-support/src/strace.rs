//! System calls counted with `strace -f -c`: the syscalls bench and the CLI's system-call
//! tests run the real binary under it and read its summary table.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::process::Command;

/// The calls that touch files (and `getpid`, which the old temporary names cost, and
/// io_uring's two): what "system calls per note" counts. The runtime's own calls (futex,
/// epoll, mmap, clone) are not per note and are left out.
pub const FILE_CALLS: [&str; 21] = [
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

/// Runs `command` under `strace -f -c -o report` and returns its calls by name, or `None`
/// when strace is not installed. `command`'s program and arguments are taken as they are; its
/// environment is kept.
///
/// # Errors
/// The command's failure (its exit status and stderr), or reading the report.
///
/// # Examples
/// ```no_run
/// use std::process::Command;
/// use smartnotes_bench_support::strace;
///
/// let mut ls = Command::new("ls");
/// if let Some(calls) = strace::count(&mut ls, "/tmp/ls.strace".as_ref())? {
///     println!("openat: {:?}", calls.get("openat"));
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn count(command: &mut Command, report: &Path) -> io::Result<Option<BTreeMap<String, u64>>> {
    let mut traced = Command::new("strace");
    traced
        .args(["-f", "-c", "-o"])
        .arg(report)
        .arg(command.get_program())
        .args(command.get_args());
    for (name, value) in command.get_envs() {
        match value {
            Some(value) => traced.env(name, value),
            None => traced.env_remove(name),
        };
    }
    let run = match traced.output() {
        Ok(run) => run,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !run.status.success() {
        return Err(io::Error::other(format!(
            "{:?} failed ({}): {}",
            command,
            run.status,
            String::from_utf8_lossy(&run.stderr)
        )));
    }
    Ok(Some(parse(&std::fs::read_to_string(report)?)))
}

/// The calls by name of a `strace -c` summary table.
///
/// # Examples
/// ```
/// let table = "% time     seconds  usecs/call     calls    errors syscall\n\
///              ------ ----------- ----------- --------- --------- ----------------\n\
///               50.00    0.000010           1        10         2 openat\n\
///               50.00    0.000010           1        10           read\n";
/// let calls = smartnotes_bench_support::strace::parse(table);
/// assert_eq!(calls["openat"], 10);
/// assert_eq!(calls["read"], 10);
/// ```
#[must_use]
pub fn parse(table: &str) -> BTreeMap<String, u64> {
    let mut calls = BTreeMap::new();
    for line in table.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // % time, seconds, usecs/call, calls, [errors], syscall
        if fields.len() >= 5 && fields[0].parse::<f64>().is_ok() {
            if let Ok(n) = fields[3].parse::<u64>() {
                calls.insert(fields[fields.len() - 1].to_string(), n);
            }
        }
    }
    calls
}

/// File calls per note between two runs over `small` and `large` notes: each counted call's
/// difference over the notes between them (start-up cancels out), and their sum.
///
/// # Examples
/// ```
/// use std::collections::BTreeMap;
/// use smartnotes_bench_support::strace::per_note;
/// let small = BTreeMap::from([("openat".to_string(), 600), ("futex".to_string(), 9)]);
/// let large = BTreeMap::from([("openat".to_string(), 1600), ("futex".to_string(), 90)]);
/// let (total, calls) = per_note(&small, &large, 500, 1500);
/// assert_eq!(total, 1.0);
/// assert_eq!(calls, [("openat".to_string(), 1.0)]);
/// ```
#[must_use]
pub fn per_note(
    small: &BTreeMap<String, u64>,
    large: &BTreeMap<String, u64>,
    small_notes: usize,
    large_notes: usize,
) -> (f64, Vec<(String, f64)>) {
    let between = large_notes.saturating_sub(small_notes).max(1) as f64;
    let calls: Vec<(String, f64)> = FILE_CALLS
        .iter()
        .map(|name| {
            let n = |m: &BTreeMap<String, u64>| m.get(*name).copied().unwrap_or(0) as f64;
            ((*name).to_owned(), (n(large) - n(small)) / between)
        })
        .filter(|(_, n)| n.abs() >= 0.005)
        .collect();
    (calls.iter().map(|(_, n)| n).sum(), calls)
}
