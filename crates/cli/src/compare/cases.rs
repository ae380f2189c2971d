//! What is measured and judged: the cases' rows, and the margins and windows the measuring
//! and the decision use.

use std::time::Duration;

use smartnotes::{RuntimeKind, Strategy};

/// Differences smaller than this (20%) are not named: between runs on the same data on a busy
/// 2-core machine, the ratio of two cases' reading moved by about as much, and a smaller margin
/// made the verdict change from run to run (the README's `compare` section).
pub(super) const MARGIN: f64 = 0.20;

/// The heartbeat's lateness over the idle floor that a responsive loop stays within.
pub(super) const RESPONSIVE_MS: f64 = 1.0;

/// How long the reading of one case lasts at least: the notes are read again until this much
/// time has passed, so a small folder still gives the heartbeat enough beats for a p99 and the
/// read rate enough time to be measured. The benches time their reads over the same window.
pub(super) const WINDOW: Duration = smartnotes_measure::READ_WINDOW;

/// Fewer repetitions than this give rough intervals, and the output says so.
pub(super) const FEW_REPS: u32 = 5;

/// One case of the comparison and what was measured of it, one entry per repetition.
pub(super) struct Row {
    /// The runtime and strategy; none for the `std::fs` baseline.
    pub(super) config: Option<(RuntimeKind, &'static str, Strategy)>,
    /// Notes read and parsed per second.
    pub(super) read: Vec<f64>,
    /// Notes read, parsed and exported per second.
    pub(super) pipeline: Vec<f64>,
    /// The heartbeat's p99 lateness while reading, ms.
    pub(super) p99: Vec<f64>,
    /// The heartbeat's p99 lateness alone, just before, on the same loop, ms.
    pub(super) idle: Vec<f64>,
    /// `p99` less `idle`, ms: used to judge responsiveness, never printed (noise can make it
    /// negative).
    pub(super) over_idle: Vec<f64>,
}

impl Row {
    pub(super) fn new(config: Option<(RuntimeKind, &'static str, Strategy)>) -> Self {
        Self {
            config,
            read: Vec::new(),
            pipeline: Vec::new(),
            p99: Vec::new(),
            idle: Vec::new(),
            over_idle: Vec::new(),
        }
    }

    /// `tokio | sequential`, or the baseline's label.
    pub(super) fn label(&self, threads: usize) -> String {
        match self.config {
            Some((kind, name, _)) => format!("{kind} | {name}"),
            None => format!("std::fs, {threads} threads (baseline)"),
        }
    }
}

/// The strategies compared, labelled by their `--strategy` names (with the CLI's defaults for
/// each): `uring` where this process can use io_uring.
pub(super) fn strategies() -> Vec<(&'static str, Strategy)> {
    let mut list = vec![
        ("sequential", Strategy::Sequential),
        ("concurrent", Strategy::concurrent(64)),
        ("blocking", Strategy::blocking()),
        ("responsive", Strategy::responsive()),
    ];
    if let (Ok(()), Strategy::Blocking { batch, in_flight }) =
        (smartnotes::store::uring_backend(), Strategy::blocking())
    {
        list.push(("uring", Strategy::Uring { batch, in_flight }));
    }
    list
}
