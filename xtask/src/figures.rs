//! The figures a report is made of, derived from a run's [`Results`]: latency off its ideal,
//! throughput against the `std::fs` baseline with the baseline's drift, and the order rows
//! are listed in. No threshold lives here ([`crate::policy`] has them) and nothing is drawn
//! ([`crate::report`] does that).

use smartnotes_bench_support::results::{ObjectStoreBench, RatioCase, RatioGroup, Work};
use smartnotes_bench_support::stats::{self, Interval};

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

/// One implementation's throughput in an interleaved group, with 95% intervals.
pub(crate) struct ThroughputRow {
    pub(crate) id: String,
    /// The runtime, for a library case.
    pub(crate) runtime: Option<String>,
    /// Notes per second: the mean over the repetitions, and its interval.
    pub(crate) per_s: f64,
    pub(crate) lower: f64,
    pub(crate) upper: f64,
    /// Throughput relative to the group's baseline: the mean of the per-repetition ratios.
    pub(crate) share: f64,
    pub(crate) share_low: f64,
    pub(crate) share_high: f64,
}

/// A group's baseline (the multi-thread `std::fs` loop): the machine's state while the group
/// ran, so two runs can be compared.
pub(crate) struct Baseline {
    pub(crate) id: String,
    /// Its rate, notes per second: mean and 95% interval.
    pub(crate) rate: Interval,
    /// How its rate moved from the first third of the repetitions to the last (relative).
    pub(crate) drift: f64,
}

impl Baseline {
    pub(crate) fn of(group: &RatioGroup) -> Option<Baseline> {
        let base = group.cases.iter().find(|c| c.id == group.baseline)?;
        let rates = rates(group, base);
        if rates.is_empty() {
            return None;
        }
        let third = rates.len().div_ceil(3);
        let first = stats::mean(&rates[..third]);
        let last = stats::mean(&rates[rates.len() - third..]);
        Some(Baseline {
            id: base.id.clone(),
            rate: stats::mean_interval(&rates),
            drift: last / first - 1.0,
        })
    }
}

fn rates(group: &RatioGroup, case: &RatioCase) -> Vec<f64> {
    case.seconds
        .iter()
        .map(|s| group.notes as f64 / s)
        .collect()
}

/// The interleaved group `name` of this run.
pub(crate) fn ratio_group<'a>(r: &'a Results, name: &str) -> Option<&'a RatioGroup> {
    r.disk.as_ref()?.groups.iter().find(|g| g.name == name)
}

/// The rows of a throughput group in the bench's order (`std::fs` first, then each runtime in
/// the strategies' order). Each share is the mean of the per-repetition ratios of the case's
/// rate to the baseline's, measured back to back, with its interval: for a read the arithmetic
/// mean, for a pipeline the geometric one ([`stats::paired_ratio_geometric`]).
pub(crate) fn throughput(r: &Results, group: &str) -> Vec<ThroughputRow> {
    let Some(g) = ratio_group(r, group) else {
        return Vec::new();
    };
    let Some(base) = g.cases.iter().find(|c| c.id == g.baseline) else {
        return Vec::new();
    };
    g.cases
        .iter()
        .filter(|c| !c.seconds.is_empty() && c.seconds.len() == base.seconds.len())
        .map(|c| {
            let rate = stats::mean_interval(&rates(g, c));
            // A pipeline's ratios swing with the disk's write-back (0.2x to 20x between
            // repetitions on the real disk): their geometric mean, the interval on the log scale.
            let share = match g.work {
                Work::Read => stats::paired_ratio(&base.seconds, &c.seconds),
                Work::Pipeline => stats::paired_ratio_geometric(&base.seconds, &c.seconds),
            };
            ThroughputRow {
                id: c.id.clone(),
                runtime: c.runtime.clone(),
                per_s: rate.estimate,
                lower: rate.low,
                upper: rate.high,
                share: share.estimate,
                share_low: share.low,
                share_high: share.high,
            }
        })
        .collect()
}

/// The interleaved group of `kind` (`disk-read-`, `tmpfs-pipeline-`) with the most notes.
pub(crate) fn largest_group(r: &Results, kind: &str) -> Option<(String, usize)> {
    r.disk
        .as_ref()?
        .groups
        .iter()
        .filter(|g| g.name.starts_with(kind))
        .max_by_key(|g| g.notes)
        .map(|g| (g.name.clone(), g.notes))
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

/// The median of `values` with their minimum and maximum (zeros when empty).
pub(crate) fn median_range(values: &[f64]) -> (f64, f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    (
        sorted[sorted.len() / 2],
        sorted[0],
        sorted[sorted.len() - 1],
    )
}

/// Per runtime, how many times faster `notes` notes export concurrently (`limit`) than
/// sequentially: the median of the ratios paired by repetition, with their min and max.
pub(crate) fn object_store_speedups(
    bench: &ObjectStoreBench,
    notes: usize,
    limit: usize,
) -> Vec<(String, (f64, f64, f64))> {
    let mut out = Vec::new();
    for runtime in runtimes(bench.rows.iter().map(|r| r.runtime.as_str())) {
        let find = |limit: usize| {
            bench
                .rows
                .iter()
                .find(|r| r.runtime == runtime && r.notes == notes && r.limit == limit)
        };
        if let (Some(seq), Some(conc)) = (find(1), find(limit)) {
            let ratios: Vec<f64> = seq
                .seconds
                .iter()
                .zip(&conc.seconds)
                .map(|(s, c)| s / c)
                .collect();
            out.push((runtime.to_owned(), median_range(&ratios)));
        }
    }
    out
}

/// 10000 -> "10,000".
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
