//! Measuring: the `std::fs` loops, and the library's reading and exporting on a runtime.

use std::path::{Path, PathBuf};
use std::time::Instant;

use futures_util::StreamExt;
use smartnotes::{Options, Store, StoreExt, StoreJob};
use smartnotes_measure::baseline;
use smartnotes_measure::lag::{Lateness, reading};

use super::cases::WINDOW;
use crate::{Fatal, ui};

/// What a reading pass reads: the folder, listed inside the timing (as the disk bench of
/// BENCHMARKS.md reads it, on both sides), or, for a recursive comparison, the files listed
/// once beforehand (the baseline has no recursive listing).
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    Folder(&'a Path),
    Listed(&'a [PathBuf]),
}

/// The plain `std::fs` read loop on `threads` threads: notes/s, reading again until
/// [`WINDOW`] has passed.
///
/// # Errors
/// When the folder cannot be listed (it could a moment before).
pub(super) fn std_read(source: Source<'_>, threads: usize) -> Result<f64, Fatal> {
    over_window(|| match source {
        Source::Folder(dir) => baseline::note_paths(dir)
            .map(|paths| baseline::std_read(&paths, threads))
            .map_err(|e| format!("cannot list {}: {e}", dir.display())),
        Source::Listed(paths) => Ok(baseline::std_read(paths, threads)),
    })
}

/// The limit beside the baseline ([`baseline::lean_read`]: the same reading with the leanest
/// calls, on `threads` threads, no async machinery), timed as [`std_read`] is: notes/s. Only
/// for a folder read as a whole (the lean read lists the folder itself).
///
/// # Errors
/// When the folder cannot be opened or listed (it could a moment before).
pub(super) fn lean_read(dir: &Path, threads: usize) -> Result<f64, Fatal> {
    over_window(|| {
        baseline::lean_read(dir, threads).map_err(|e| format!("cannot list {}: {e}", dir.display()))
    })
}

/// Notes/s of `read` repeated over [`WINDOW`]; its first error ends it.
fn over_window(read: impl FnMut() -> Result<usize, String>) -> Result<f64, Fatal> {
    let (_, notes, took) = smartnotes_measure::try_repeat_for(WINDOW, read)?;
    Ok(ui::rate(notes as f64, took.as_secs_f64()))
}

/// The plain `std::fs` pipeline on `threads` threads into `dest`: notes/s.
pub(super) fn std_pipeline(paths: &[PathBuf], threads: usize, dest: &Path) -> Result<f64, Fatal> {
    let start = Instant::now();
    let written = baseline::std_pipeline(paths, dest, threads)
        .map_err(|e| format!("baseline export to {}: {e}", dest.display()))?;
    Ok(ui::rate(written as f64, start.elapsed().as_secs_f64()))
}

/// The files the library reads under `src` with `opts` (the notes that parse: the same ones
/// the `std::fs` baseline counts).
pub(super) struct Listing<'a> {
    pub(super) src: &'a Path,
    pub(super) opts: &'a Options,
}

impl StoreJob for Listing<'_> {
    type Output = Result<Vec<PathBuf>, Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let mut paths = Vec::new();
        let mut notes = fs.read_notes_with(self.src, self.opts);
        while let Some(item) = notes.next().await {
            match item {
                Ok(file) => paths.push(file.path),
                Err(smartnotes::Error::List { path, source }) if path == self.src => {
                    return Err(format!("cannot list {}: {source}", path.display()).into());
                }
                Err(_) => {}
            }
        }
        Ok(paths)
    }
}

/// Reading, on one runtime and strategy: every note read and parsed (again, until [`WINDOW`]
/// has passed) beside the heartbeat, then the heartbeat alone (the idle floor): the measure
/// crate's [`reading`], which the lag bench takes too.
/// Notes/s, the idle floor's p99 (ms), and the heartbeat's lateness while reading against it.
pub(super) struct Reading<'a> {
    pub(super) source: Source<'a>,
    pub(super) opts: &'a Options,
}

impl StoreJob for Reading<'_> {
    type Output = (f64, f64, Lateness);

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let (source, opts, fs) = (self.source, self.opts, &fs);
        let read = || async move {
            // Notes that parsed, as the baseline counts them.
            let notes = match source {
                Source::Folder(dir) => fs.read_notes_with(dir, opts),
                Source::Listed(paths) => fs.read_files_with(paths.to_vec(), opts),
            };
            notes
                .filter(|note| std::future::ready(note.is_ok()))
                .count()
                .await
        };
        let taken = reading(fs.runtime(), WINDOW, read).await;
        let read = ui::rate(taken.notes as f64, taken.took.as_secs_f64());
        let idle_p99 = Lateness::of(&taken.idle, 0.0).p99_ms;
        (read, idle_p99, Lateness::of(&taken.beats, idle_p99))
    }
}

/// The full pipeline, on one runtime and strategy: read every note and export it to `dest`.
/// Notes/s.
pub(super) struct Exporting<'a> {
    pub(super) paths: &'a [PathBuf],
    pub(super) opts: &'a Options,
    pub(super) dest: &'a Path,
}

impl StoreJob for Exporting<'_> {
    type Output = Result<f64, Fatal>;

    async fn run<S: Store>(self, fs: S) -> Self::Output {
        let start = Instant::now();
        let notes = fs.read_files_with(self.paths.to_vec(), self.opts);
        let report = fs.export_with(self.dest, notes, self.opts).await?;
        Ok(ui::rate(
            report.exported.len() as f64,
            start.elapsed().as_secs_f64(),
        ))
    }
}
