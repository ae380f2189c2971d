//! Deciding: the recommendation, only as far as the intervals support one.

use std::fmt::Write as _;

use smartnotes::RuntimeKind;
use smartnotes_measure::stats::{Comparison, compare_paired, mean_interval, paired_ratio};

use super::cases::{MARGIN, RESPONSIVE_MS, Row, strategies};
use super::format::{join, rate, ratio, with_interval};

/// Per repetition, the mean over the cases with one of `strategies` on one of `kinds` of the
/// series `f` picks (the read rate, or the heartbeat over idle).
pub(super) fn pooled(
    rows: &[Row],
    strategies: &[&str],
    kinds: &[RuntimeKind],
    f: impl Fn(&Row) -> Vec<f64>,
) -> Vec<f64> {
    let series: Vec<Vec<f64>> = rows
        .iter()
        .filter(|r| {
            r.config
                .is_some_and(|(k, s, _)| kinds.contains(&k) && strategies.contains(&s))
        })
        .map(f)
        .collect();
    let reps = series.iter().map(Vec::len).min().unwrap_or(0);
    (0..reps)
        .map(|i| series.iter().map(|s| s[i]).sum::<f64>() / series.len() as f64)
        .collect()
}

/// The candidates of one step of the decision (strategies, or runtimes), each with its pooled
/// reading per repetition: the best by its ratio to the baseline, and those it does not beat
/// by more than [`MARGIN`] (itself included), in the given order.
pub(super) fn tied<T: Copy>(candidates: &[(T, Vec<f64>)], base: &[f64]) -> Vec<T> {
    let Some((_, best)) = candidates.iter().max_by(|a, b| {
        paired_ratio(&a.1, base)
            .estimate
            .total_cmp(&paired_ratio(&b.1, base).estimate)
    }) else {
        return Vec::new();
    };
    candidates
        .iter()
        .filter(|(_, c)| compare_paired(best, c, MARGIN).1 != Comparison::Better)
        .map(|(t, _)| *t)
        .collect()
}

/// What the reading says: the strategies kept (equal: not told apart beyond [`MARGIN`]), then
/// the runtimes kept with them.
pub(super) struct Decision {
    /// Every strategy's reading, averaged over the runtimes, per repetition.
    strategies: Vec<(&'static str, Vec<f64>)>,
    /// The strategies kept.
    kept: Vec<&'static str>,
    /// Every runtime's reading, averaged over the kept strategies, per repetition.
    runtimes: Vec<(RuntimeKind, Vec<f64>)>,
    /// The runtimes kept.
    kinds: Vec<RuntimeKind>,
}

impl Decision {
    pub(super) fn of(rows: &[Row]) -> Self {
        let base = &rows[0].read;
        let strategies: Vec<(&'static str, Vec<f64>)> = strategies()
            .iter()
            .map(|&(name, _)| {
                let read = pooled(rows, &[name], RuntimeKind::ALL, |r| r.read.clone());
                (name, read)
            })
            .collect();
        let kept = tied(&strategies, base);
        let runtimes: Vec<(RuntimeKind, Vec<f64>)> = RuntimeKind::ALL
            .iter()
            .map(|&kind| (kind, pooled(rows, &kept, &[kind], |r| r.read.clone())))
            .collect();
        let kinds = tied(&runtimes, base);
        Self {
            strategies,
            kept,
            runtimes,
            kinds,
        }
    }

    /// One line, with no figure in it (the figures follow in [`Decision::reasons`]).
    pub(super) fn recommendation(&self) -> String {
        let names: Vec<&str> = self.kinds.iter().map(|k| k.name()).collect();
        let strategies = match self.kept.as_slice() {
            [one] => format!("strategy {one}"),
            many => format!("strategy {} (equal)", join(many, "or")),
        };
        let runtimes = if names.len() > 1 {
            format!(
                "; {} are equal here: use the one you run",
                join(&names, "and")
            )
        } else {
            format!(" on {}", join(&names, "or"))
        };
        let equal = if self.kept.len() > 1 || names.len() > 1 {
            format!(
                " (equal: within noise, or not clearly {:.0}% apart)",
                MARGIN * 100.0
            )
        } else {
            String::new()
        };
        format!(
            "recommended for this data: {strategies}{runtimes}{equal} (`export --strategy NAME`)"
        )
    }

    /// When the plain `std::fs` loop (`base`, on `threads` threads) reads clearly faster than
    /// every strategy (each one's whole interval of its ratio to it below 1): a sentence naming
    /// it the winner, with the best strategy's ratio, so that the recommendation is never read
    /// as "faster than your loop".
    pub(super) fn baseline_wins(&self, base: &[f64], threads: usize) -> Option<String> {
        let ratios: Vec<(&str, _)> = self
            .strategies
            .iter()
            .map(|(name, read)| (*name, paired_ratio(read, base)))
            .collect();
        if ratios.is_empty() || ratios.iter().any(|(_, r)| r.high >= 1.0) {
            return None;
        }
        let (best, interval) = ratios
            .iter()
            .max_by(|a, b| a.1.estimate.total_cmp(&b.1.estimate))?;
        Some(format!(
            "a plain std::fs loop on {threads} threads beats every strategy here by {:.2}x \
             (the best, {best}, reads at {} of it): on these notes, that loop is the faster way \
             to read them",
            1.0 / interval.estimate,
            with_interval(*interval, ratio),
        ))
    }

    /// When a recommended strategy keeps the loop late by clearly more than
    /// [`RESPONSIVE_MS`] over idle while reading: the recommended ones that do not (or, if
    /// none, the fastest-reading ones that do not). Judged on the heartbeat over its idle
    /// floor, averaged over the kept runtimes; "clearly" means its whole interval.
    pub(super) fn responsive_hint(&self, rows: &[Row]) -> Option<String> {
        let late = |name: &str| {
            let over = pooled(rows, &[name], &self.kinds, |r| r.over_idle.clone());
            !over.is_empty() && mean_interval(&over).low > RESPONSIVE_MS
        };
        if !self.kept.iter().any(|s| late(s)) {
            return None;
        }
        let mut calm: Vec<&str> = self.kept.iter().copied().filter(|s| !late(s)).collect();
        if calm.is_empty() {
            let candidates: Vec<(&'static str, Vec<f64>)> = self
                .strategies
                .iter()
                .filter(|(s, _)| !late(s))
                .cloned()
                .collect();
            calm = tied(&candidates, &rows[0].read);
        }
        if calm.is_empty() {
            return None;
        }
        let late: Vec<&str> = self.kept.iter().copied().filter(|s| late(s)).collect();
        Some(format!(
            "if your event loop must answer within {RESPONSIVE_MS:.0} ms while reading: {}; its \
             heartbeat p99 is not clearly more than {RESPONSIVE_MS:.0} ms over idle here, while \
             with {} it is",
            join(&calm, "or"),
            join(&late, "or")
        ))
    }

    /// The figures behind the decision, and what it leaves out.
    pub(super) fn reasons(&self, base: &Row) -> String {
        let strategies: Vec<String> = self
            .strategies
            .iter()
            .map(|(name, read)| {
                format!(
                    "{name} {}",
                    with_interval(paired_ratio(read, &base.read), ratio)
                )
            })
            .collect();
        let mut why = format!(
            "How: decided on reading (read + parse), each repetition against std::fs.\n\
             First the strategy, averaged over the runtimes: {}.",
            strategies.join(", ")
        );
        if let [(a, ra), (b, rb)] = self.runtimes.as_slice() {
            let (ab, _) = compare_paired(ra, rb, MARGIN);
            let _ = write!(
                why,
                "\nThen the runtime, over the strategies kept: {a} / {b} {}.",
                with_interval(ab, ratio)
            );
        }
        let (low, high) = base
            .pipeline
            .iter()
            .fold((f64::INFINITY, 0.0_f64), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let _ = write!(
            why,
            "\nDifferences under {:.0}% are not named.\n\
             The full pipeline adds writing every note into the temporary directory: the file \
             system's work, the same for every case,\nwhich swings with the disk's state \
             (std::fs's own ran at {} to {} notes/s between repetitions here), so it is shown \
             but not ranked;\nits ratio is the geometric mean of the repetitions' ratios (their \
             interval on the log scale), which a few slow repetitions of std::fs sway much less.",
            MARGIN * 100.0,
            rate(low),
            rate(high),
        );
        why
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row read at `rate` notes/s in every repetition, with a little noise.
    fn row(config: Option<(RuntimeKind, &'static str)>, rate: f64) -> Row {
        let read: Vec<f64> = (0..6).map(|i| rate * (1.0 + 0.01 * f64::from(i))).collect();
        Row {
            config: config.map(|(k, name)| {
                let strategy = strategies()
                    .into_iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, s)| s)
                    .unwrap();
                (k, name, strategy)
            }),
            pipeline: read.clone(),
            p99: vec![1.0; 6],
            idle: vec![1.0; 6],
            over_idle: vec![0.0; 6],
            read,
        }
    }

    fn rows(strategy_rate: impl Fn(&str) -> f64) -> Vec<Row> {
        let mut rows = vec![row(None, 100.0)];
        for &kind in RuntimeKind::ALL {
            for (name, _) in strategies() {
                rows.push(row(Some((kind, name)), strategy_rate(name)));
            }
        }
        rows
    }

    #[test]
    fn the_plain_loop_is_named_when_it_beats_every_strategy() {
        let slower = rows(|name| if name == "blocking" { 60.0 } else { 30.0 });
        let said = Decision::of(&slower).baseline_wins(&slower[0].read, 2);
        let said = said.expect("the loop wins");
        assert!(said.contains("beats every strategy here by 1.6"), "{said}");
        assert!(said.contains("the best, blocking"), "{said}");

        let one_faster = rows(|name| if name == "blocking" { 120.0 } else { 30.0 });
        assert_eq!(
            Decision::of(&one_faster).baseline_wins(&one_faster[0].read, 2),
            None
        );
    }
}
