//! The log scan on every core: exact counts however the file is split between workers (a
//! match split across a range edge, CRLF, a final line without `\n`, a file shorter than one
//! range, empty lines), on real files and in memory, on both runtimes; and what a dropped scan
//! or a file truncated mid-scan does.

mod common;

use std::path::Path;

use common::temp;
use futures_util::StreamExt;
use smartnotes::testing::MemFs;
use smartnotes::{ScanOptions, Store, StoreExt};

/// Lines containing `needle` by the plain definition: split at `\n`, the last line counted
/// without one, an empty needle matching every line (but not the nothing after a final `\n`).
fn naive(log: &[u8], needle: &[u8]) -> u64 {
    let mut lines: Vec<&[u8]> = log.split(|&b| b == b'\n').collect();
    if log.last() == Some(&b'\n') || log.is_empty() {
        lines.pop();
    }
    lines
        .iter()
        .filter(|line| needle.is_empty() || line.windows(needle.len()).any(|w| w == needle))
        .count() as u64
}

/// A pseudo-random log: lines of 0 to 40 bytes, some `ERR` inside, some CRLF, some empty.
fn log(seed: u64, lines: usize, final_newline: bool) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |n: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % n
    };
    let mut out = Vec::new();
    for i in 0..lines {
        let len = next(40) as usize;
        let mut line: Vec<u8> = (0..len).map(|_| b"abcERR xyz"[next(10) as usize]).collect();
        if next(5) == 0 {
            line.extend_from_slice(b"\r");
        }
        out.extend_from_slice(&line);
        if i + 1 < lines || final_newline {
            out.push(b'\n');
        }
    }
    out
}

/// Every split of many logs, counted against the plain definition.
async fn counts_are_exact_at_every_range_edge<S: Store>(fs: S) {
    let dir = temp();
    let mem = MemFs::new(fs.runtime().clone());
    for seed in 0..6 {
        for final_newline in [true, false] {
            let bytes = log(seed, 30 + seed as usize * 7, final_newline);
            let path = dir.path().join(format!("log-{seed}-{final_newline}"));
            std::fs::write(&path, &bytes).unwrap();
            mem.insert(&path, &bytes).unwrap();
            for needle in [&b"ERR"[..], b"E", b"", b"\r", b"xyzzy"] {
                let want = naive(&bytes, needle);
                for workers in [1, 2, 3, 7, 64] {
                    for buffer in [1, 3, 4096] {
                        let opts = ScanOptions::default()
                            .with_workers(workers)
                            .with_min_range(1)
                            .with_buffer(buffer)
                            .with_job(5);
                        let case =
                            format!("seed {seed} {needle:?} {workers} workers, buffer {buffer}");
                        assert_eq!(last(&fs, &path, needle, opts).await, want, "disk: {case}");
                        assert_eq!(
                            last(&mem, &path, needle, opts).await,
                            want,
                            "memory: {case}"
                        );
                    }
                }
            }
        }
    }
}

/// The final report of a scan: its count, after checking that it covered the whole file.
async fn last<S: Store>(fs: &S, path: &Path, needle: &[u8], opts: ScanOptions) -> u64 {
    let reports: Vec<_> = fs.scan_matching_with(path, needle, &opts).collect().await;
    let last = reports.last().unwrap().as_ref().unwrap();
    assert!(last.done);
    assert_eq!(
        last.bytes,
        std::fs::metadata(path).map_or(last.bytes, |m| m.len())
    );
    for pair in reports.windows(2) {
        let (a, b) = (pair[0].as_ref().unwrap(), pair[1].as_ref().unwrap());
        assert!(a.bytes <= b.bytes, "progress only grows");
    }
    last.matching_lines
}

/// Hand-made edges: a match split across the range edge, CRLF at the edge, a file shorter
/// than one range, an empty file.
async fn matches_across_a_range_edge_count_once<S: Store>(fs: S) {
    let dir = temp();
    let path = dir.path().join("edge.log");
    // Two workers over 20 bytes: ranges [0, 10) and [10, 20); "ERROR" spans bytes 7..12.
    let bytes = b"aaaaaaaERROR\r\nbbbbb\n".to_vec();
    assert_eq!(bytes.len(), 20);
    std::fs::write(&path, &bytes).unwrap();
    let two = ScanOptions::default().with_workers(2).with_min_range(1);
    assert_eq!(last(&fs, &path, b"ERROR", two).await, 1);
    assert_eq!(last(&fs, &path, b"RRO", two).await, 1);
    assert_eq!(last(&fs, &path, b"", two).await, 2);
    // A line ending exactly at the edge, and the next one starting on it.
    std::fs::write(&path, b"ERROR ab\nERROR cd\n").unwrap();
    assert_eq!(last(&fs, &path, b"ERROR", two).await, 2);
    // Shorter than one range: one worker, the same count.
    let default = ScanOptions::default();
    assert_eq!(last(&fs, &path, b"ERROR", default).await, 2);
    std::fs::write(&path, b"").unwrap();
    assert_eq!(last(&fs, &path, b"ERROR", two).await, 0);
}

/// A dropped scan stops (nothing else is read) and a later one counts everything; a file
/// truncated mid-scan gives the count of what was read, without an error.
async fn a_dropped_or_truncated_scan_ends_cleanly<S: Store>(fs: S) {
    let dir = temp();
    let path = dir.path().join("big.log");
    let line = b"2026 INFO GET /notes 200\n2026 ERROR disk\n";
    let bytes: Vec<u8> = line
        .iter()
        .copied()
        .cycle()
        .take(line.len() * 20_000)
        .collect();
    std::fs::write(&path, &bytes).unwrap();
    let opts = ScanOptions::default()
        .with_workers(2)
        .with_min_range(1)
        .with_job(64 << 10)
        .with_buffer(4096);
    let mut scan = fs.scan_matching_with(&path, "ERROR", &opts);
    let first = scan.next().await.unwrap().unwrap();
    assert!(!first.done);
    drop(scan);
    assert_eq!(last(&fs, &path, b"ERROR", opts).await, 20_000);

    let mut scan = fs.scan_matching_with(&path, "ERROR", &opts);
    let first = scan.next().await.unwrap().unwrap();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(bytes.len() as u64 / 4)
        .unwrap();
    let mut final_count = first.matching_lines;
    while let Some(report) = scan.next().await {
        let report = report.expect("a truncated file is not an error");
        final_count = report.matching_lines;
        if report.done {
            break;
        }
    }
    assert!(
        final_count >= first.matching_lines && final_count < 20_000,
        "{final_count}"
    );
}

on_both_runtimes!(
    counts_are_exact_at_every_range_edge,
    matches_across_a_range_edge_count_once,
    a_dropped_or_truncated_scan_ends_cleanly,
);
