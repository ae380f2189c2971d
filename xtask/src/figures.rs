//! The figures a report is made of, derived from a run's [`Results`]: latency off its ideal,
//! throughput against the `std::fs` baseline with the baseline's drift, and the order rows
//! are listed in. No threshold lives here ([`crate::policy`] has them) and nothing is drawn
//! ([`crate::report`] does that).

use smartnotes::support::results;

use crate::bench::{Measurement, Results};

/// A latency case with its measured time.
pub(crate) struct LatencyRow {
    pub(crate) runtime: String,
    pub(crate) notes: usize,
    pub(crate) strategy: String,
    pub(crate) ideal: f64,
    pub(crate) measured: Measurement,
}

impl LatencyRow {
    /// Relative distance from the ideal time.
    pub(crate) fn off(&self) -> f64 {
        self.measured.estimate.mean / self.ideal - 1.0
    }
}

pub(crate) fn latency_rows(r: &Results) -> Vec<LatencyRow> {
    let Some(latency) = &r.latency else {
        return Vec::new();
    };
    latency
        .cases
        .iter()
        .filter_map(|c| {
            let measured = r
                .criterion
                .iter()
                .find(|m| m.group == "latency" && m.id == c.id)?;
            Some(LatencyRow {
                runtime: c.runtime.clone(),
                notes: c.notes,
                strategy: c.strategy.clone(),
                ideal: c.ideal_s,
                measured: measured.clone(),
            })
        })
        .collect()
}

/// One implementation's throughput in a group.
pub(crate) struct ThroughputRow {
    pub id: String,
    pub per_s: f64,
    pub lower: f64,
    pub upper: f64,
    /// Throughput relative to the group's multi-thread `std::fs` loop.
    pub share: f64,
}

/// A group's baseline: the multi-thread `std::fs` loop (else the one-thread one), timed first
/// and, when the bench did, again last (`{id}-end`); mean times in seconds.
pub(crate) struct Baseline {
    pub(crate) id: String,
    pub(crate) first: f64,
    pub(crate) last: Option<f64>,
}

impl Baseline {
    pub(crate) fn of(ms: &[&Measurement]) -> Option<Baseline> {
        let std = |m: &&&Measurement| m.id.starts_with("std-") && !m.id.ends_with("-end");
        let first = ms
            .iter()
            .filter(std)
            .find(|m| m.id.ends_with("-threads"))
            .or_else(|| ms.iter().find(std))?;
        let end = format!("{}-end", first.id);
        Some(Baseline {
            id: first.id.clone(),
            first: first.estimate.mean,
            last: ms.iter().find(|m| m.id == end).map(|m| m.estimate.mean),
        })
    }

    /// The time the % column is taken against: the mean of both timings when there are two.
    fn time(&self) -> f64 {
        self.last
            .map_or(self.first, |last| (self.first + last) / 2.0)
    }
}

/// How the machine's load moved during a group: the relative change of the baseline's last
/// timing over its first; `None` when the group has no second timing.
pub(crate) fn drift(r: &Results, group: &str) -> Option<f64> {
    let base = Baseline::of(&r.group(group))?;
    Some(base.last? / base.first - 1.0)
}

/// Above this drift of the baseline during a group, its ratios are not judged.
pub(crate) const DRIFT_LIMIT: f64 = 0.10;

/// The rows of a throughput group in report order: `std::fs` first, then tokio, then smol, each
/// in the benches' strategy order, and the baseline's second timing last. Shares are taken
/// against the baseline's mean time (both timings when it has two).
pub(crate) fn throughput(r: &Results, group: &str) -> Vec<ThroughputRow> {
    let ms = r.group(group);
    let Some(base) = Baseline::of(&ms) else {
        return Vec::new();
    };
    let base_time = base.time();
    let mut rows: Vec<ThroughputRow> = ms
        .iter()
        .filter_map(|m| {
            let n = m.elements? as f64;
            let e = m.estimate;
            Some(ThroughputRow {
                id: m.id.clone(),
                per_s: n / e.mean,
                lower: n / e.upper,
                upper: n / e.lower,
                share: base_time / e.mean,
            })
        })
        .collect();
    rows.sort_by_key(|row| order(&row.id));
    rows
}

pub(crate) fn order(id: &str) -> (u8, usize, String) {
    let (rank, rest) = if id.ends_with("-end") {
        (4, id)
    } else if id.starts_with("std") {
        (0, id)
    } else if let Some(rest) = id.strip_prefix("tokio-") {
        (1, rest)
    } else if let Some(rest) = id.strip_prefix("smol-") {
        (2, rest)
    } else {
        (3, id)
    };
    let strategy = results::rank(rest).unwrap_or(results::STRATEGIES.len());
    (rank, strategy, id.to_string())
}

/// The group `{kind}{N}` with the largest N in this run.
pub(crate) fn largest_group(r: &Results, kind: &str) -> Option<(String, usize)> {
    r.groups()
        .into_iter()
        .filter_map(|g| Some((g.to_string(), g.strip_prefix(kind)?.parse::<usize>().ok()?)))
        .max_by_key(|(_, n)| *n)
}

/// The runtimes of these rows, in first-seen order.
pub(crate) fn runtimes<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen
}
