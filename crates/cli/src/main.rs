//! `smartnotes`: export a notes folder, scan a log, count tags, and compare runtimes and
//! strategies on your own data.
//!
//! Exit codes: 0 when everything was done; 1 when the command finished but some inputs were
//! skipped (each is reported on stderr with its path and reason); 2 on a usage or fatal error;
//! 130 when interrupted by Ctrl-C (after finishing the writes in flight and printing a summary).

mod compare;
mod export;
mod place;
mod scan;
mod tags;
mod ui;

use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Async note pipelines on tokio or smol: export, scan, tags, compare.
#[derive(Parser, Debug)]
#[command(name = "smartnotes", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 done, 1 done but some inputs skipped, 2 usage or fatal \
                        error, 130 interrupted (Ctrl-C)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Export every note of SRC to DEST (atomic writes, unique file names; nothing overwritten).
    Export(export::Args),
    /// Count the lines of FILE that contain a pattern (the log analyzer), in bounded memory.
    Scan(scan::Args),
    /// List every tag of the notes in SRC with its count, most used first.
    Tags(tags::Args),
    /// Time reading and exporting with every runtime and strategy beside plain std::fs, and
    /// recommend one for this data.
    Compare(compare::Args),
}

/// How a command ended, mapped to the exit code.
pub(crate) enum Outcome {
    /// Everything was done.
    Done,
    /// Finished, but some inputs were skipped.
    Skipped,
    /// Stopped by Ctrl-C.
    Interrupted,
}

/// A fatal error: its message names the path concerned.
pub(crate) type Fatal = Box<dyn std::error::Error>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Not for `compare`: it measures the library as a program of yours runs it (and as the
    // benches do), with glibc's own arenas. What the cap costs there is not settled: the lag
    // bench run with `glibc.malloc.arena_max=2` read 5-16% slower in every io_uring row of two
    // pairs of runs, while three pairs of `compare` runs with and without it differed by -5% to
    // +4%, both ways.
    if !matches!(cli.command, Command::Compare(_)) {
        limit_malloc_arenas();
    }
    ui::install_interrupt_handler();
    let result = match cli.command {
        Command::Export(args) => export::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Tags(args) => tags::run(args),
        Command::Compare(args) => compare::run(args),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Skipped) => ExitCode::from(1),
        Ok(Outcome::Interrupted) => ExitCode::from(130),
        Err(e) => {
            eprintln!("smartnotes: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Caps glibc's malloc at two arenas. By default it gives every thread that allocates its own
/// arena (up to 8 per core), and memory taken on one thread and freed on another (as notes
/// read on a pool thread once were) leaves each arena fragmented: measured then, an export's
/// peak RSS grew by 5 MiB from 10,000 to 100,000 notes, against 1.6 MiB with two arenas, at
/// the same speed (BENCHMARKS.md, memory). A note's memory is now taken and freed on one
/// thread, and a read's large batch texts are reused rather than freed; the cap stays as a
/// bound (without it, a million-note export still peaked 5.3 MiB above a 10,000-note one,
/// against 3.3 MiB with it). Called after the arguments are parsed (clap allocates on the main
/// thread only) and before the Ctrl-C handler starts its thread.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: `mallopt` takes two integers and no pointer; glibc documents `M_ARENA_MAX` as a
    // valid parameter whose value only bounds how many arenas later allocations may create.
    // It runs in `main` before any other thread exists, so no allocation races it; a refusal
    // (return 0) leaves the default, which is only a memory cost.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

/// A folder of notes given as an argument: it must exist and be a folder, checked before any
/// work starts (nothing is created when it is not).
pub(crate) fn notes_folder(path: &Path) -> Result<(), Fatal> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(format!(
            "{} is a file, not a folder of notes (give the folder that holds it)",
            path.display()
        )
        .into()),
        Err(e) => Err(format!("cannot open notes folder {}: {e}", path.display()).into()),
    }
}
