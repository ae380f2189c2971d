//! The CPU-bound paths whose instructions the gate counts under callgrind.
//!
//! Each case runs in two modes: `setup` builds the input only, `full` builds it and runs the
//! measured work. The gate runs both under `valgrind --tool=callgrind` and takes the
//! difference, so input generation never counts. Instruction counts are exact for the same
//! binary and input, whatever the machine is doing.

use futures_util::{StreamExt, stream};
use smartnotes::Note;
use smartnotes::stream::filter_by_tag;
use smartnotes::stream::prefetch;
use smartnotes_bench_support::corpus;
use smartnotes_core::LineMatcher;
use smartnotes_core::UniqueNames;

/// The cases, by name.
pub(crate) const CASES: [&str; 3] = ["notes", "scan", "operators"];

/// Runs `case` in `mode` (`setup` or `full`); a checksum, printed so nothing is optimised away.
pub(crate) fn run(case: &str, full: bool) -> Result<u64, String> {
    match case {
        // parse + render + file name of 10,000 notes in memory.
        "notes" => {
            let texts: Vec<String> = (0..10_000)
                .map(|i| corpus::sample_note(i, 2026, 1024).1)
                .collect();
            if !full {
                return Ok(texts.len() as u64);
            }
            let mut names = UniqueNames::new();
            let mut sum = 0_u64;
            for text in &texts {
                let note = Note::parse(text).map_err(|e| e.to_string())?;
                sum += note.render().len() as u64 + names.assign(&note.title).len() as u64;
            }
            Ok(sum)
        }
        // The line scan of a 64 MiB buffer, fed in 1 MiB chunks.
        "scan" => {
            let mut log = Vec::with_capacity(64 << 20);
            let mut i = 0;
            while log.len() < 64 << 20 {
                log.extend_from_slice(corpus::log_line(i, 2026).as_bytes());
                i += 1;
            }
            if !full {
                return Ok(log.len() as u64);
            }
            let mut matcher = LineMatcher::new(b"ERROR").map_err(|e| e.to_string())?;
            for chunk in log.chunks(1 << 20) {
                matcher.feed(chunk);
            }
            Ok(matcher.finish())
        }
        // The stream operators' own overhead: 200,000 items through prefetch, a tag filter
        // and chunks, on a test executor (no I/O, no runtime).
        "operators" => {
            let notes: Vec<Note> = (0..1000)
                .map(|i| {
                    Note::new(
                        format!("n{i}"),
                        "",
                        if i % 2 == 0 { ["even"] } else { ["odd"] },
                    )
                })
                .collect();
            if !full {
                return Ok(notes.len() as u64);
            }
            let items = stream::iter((0..200_000).map(|i| &notes[i % notes.len()]));
            let total = futures_executor::block_on(
                filter_by_tag(prefetch(items, 8), "even")
                    .chunks(64)
                    .fold(0_u64, |n, batch| async move { n + batch.len() as u64 }),
            );
            Ok(total)
        }
        other => Err(format!("unknown probe case {other:?} (one of {CASES:?})")),
    }
}
