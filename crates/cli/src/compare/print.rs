//! Printing: the table, the recommendation and how it was reached.

use std::fmt::Write as _;
use std::path::Path;

use smartnotes::RuntimeKind;
use smartnotes_measure::stats::{Interval, mean_interval, paired_ratio, paired_ratio_geometric};

use super::cases::{FEW_REPS, Row};
use super::decide::Decision;
use super::format::{ms, rate, ratio, with_interval};

/// The header, the table, the recommendation and how it was reached.
pub(super) fn report(
    rows: &[Row],
    limit: Option<&[f64]>,
    (notes, exported): (usize, usize),
    src: &Path,
    reps: u32,
    threads: usize,
    footprint: u64,
) -> String {
    let mut out = String::new();
    let base = &rows[0];
    let _ = writeln!(
        out,
        "\n{notes} notes in {}; {reps} repetition{}, each running every case once in rotating \
         order (all the reading, then the exports); means with their 95% intervals [low, high]{}.\n\
         Exports ({exported} notes: {}): each run into a new folder of its own, nothing deleted \
         until the end (about {:.0} MB), then all removed. Heartbeat: p99 lateness of a 1 ms timer on the same \
         single-threaded loop while reading, beside its idle floor (the timer alone, same run).\n",
        src.display(),
        if reps == 1 { "" } else { "s" },
        if reps < FEW_REPS {
            " (few repetitions: the intervals are rough)"
        } else {
            ""
        },
        if exported < notes {
            "the first in name order"
        } else {
            "all of them"
        },
        footprint as f64 / 1e6,
    );
    let idle_floor: Vec<(RuntimeKind, Interval)> = RuntimeKind::ALL
        .iter()
        .map(|&kind| {
            let idle: Vec<f64> = rows
                .iter()
                .filter(|r| r.config.is_some_and(|(k, _, _)| k == kind))
                .flat_map(|r| r.idle.iter().copied())
                .collect();
            (kind, mean_interval(&idle))
        })
        .collect();
    let _ = writeln!(
        out,
        "{:<32} {:>19} {:>20} {:>22} {:>20}   heartbeat p99, ms (idle)",
        "runtime | strategy", "read notes/s", "x std::fs", "pipeline notes/s", "x std::fs"
    );
    for (i, row) in rows.iter().enumerate() {
        if let (1, Some(limit)) = (i, limit) {
            let _ = writeln!(
                out,
                "{:<32} {:>19} {:>20} {:>22} {:>20}   (threads)",
                format!("lean limit, {threads} threads"),
                with_interval(mean_interval(limit), rate),
                with_interval(paired_ratio(limit, &base.read), ratio),
                "-",
                "-",
            );
        }
        let (read_ratio, pipe_ratio, heartbeat) = match row.config {
            None => ("1".into(), "1".into(), "(threads)".into()),
            Some((kind, _, _)) => {
                let idle = idle_floor.iter().find(|(k, _)| *k == kind).map(|f| f.1);
                (
                    with_interval(paired_ratio(&row.read, &base.read), ratio),
                    // The pipeline's ratios swing with the disk (0.2x to 20x between
                    // repetitions): their geometric mean, the interval on the log scale.
                    with_interval(paired_ratio_geometric(&row.pipeline, &base.pipeline), ratio),
                    format!(
                        "{} (idle {})",
                        with_interval(mean_interval(&row.p99), ms),
                        idle.map_or_else(|| "?".into(), |i| ms(i.estimate))
                    ),
                )
            }
        };
        let _ = writeln!(
            out,
            "{:<32} {:>19} {:>20} {:>22} {:>20}   {heartbeat}",
            row.label(threads),
            with_interval(mean_interval(&row.read), rate),
            read_ratio,
            with_interval(mean_interval(&row.pipeline), rate),
            pipe_ratio,
        );
    }
    let floors: Vec<String> = idle_floor
        .iter()
        .map(|(kind, i)| format!("{kind} {} ms", with_interval(*i, ms)))
        .collect();
    let _ = writeln!(
        out,
        "idle floor (the heartbeat alone): {}",
        floors.join(", ")
    );
    if let Some(limit) = limit {
        let _ = writeln!(out, "{}", of_the_limit(rows, limit));
    }
    let decision = Decision::of(rows);
    let _ = writeln!(out, "\n{}", decision.recommendation());
    if let Some(winner) = decision.baseline_wins(&base.read, threads) {
        let _ = writeln!(out, "{winner}");
    }
    if let Some(hint) = decision.responsive_hint(rows) {
        let _ = writeln!(out, "{hint}");
    }
    let _ = writeln!(out, "\n{}", decision.reasons(base));
    out
}

/// The default strategy's reading as a share of the limit's, per runtime: `... the default
/// strategy reads on tokio (uring) at 0.98x [0.93x, 1.03x], smol (uring) at ... of it`. Where
/// io_uring is refused the default reads as `blocking`, and that row is the one shown.
fn of_the_limit(rows: &[Row], limit: &[f64]) -> String {
    let default = smartnotes::Strategy::default();
    let is_default = |row: &&Row| row.config.is_some_and(|(_, _, s)| s == default);
    let fallback = |row: &&Row| row.config.is_some_and(|(_, name, _)| name == "blocking");
    let chosen: Vec<&Row> = if rows.iter().any(|r| is_default(&r)) {
        rows.iter().filter(is_default).collect()
    } else {
        rows.iter().filter(fallback).collect()
    };
    let shares: Vec<String> = chosen
        .iter()
        .filter_map(|row| {
            let (kind, name, _) = row.config?;
            Some(format!(
                "{kind} ({name}) at {}",
                with_interval(paired_ratio(&row.read, limit), ratio)
            ))
        })
        .collect();
    format!(
        "the lean limit (the same reading with the leanest calls, no async machinery, on threads): \
         the default strategy reads on {} of it",
        shares.join(", ")
    )
}
