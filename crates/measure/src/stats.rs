//! The statistics behind every verdict (the performance gate, the bench report, `smartnotes
//! compare`), on plain `f64` samples.
//!
//! A wall-clock metric is compared as the change of its mean against the baseline's,
//! `now / base - 1`, with a 95% bootstrap confidence interval (resampling both series, a fixed
//! seed, so the same samples always give the same interval). A regression is declared only when
//! the whole interval lies beyond the threshold: noise widens the interval and keeps the gate
//! quiet; a real shift moves all of it.

/// What the gate says of one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The interval lies wholly beyond the threshold in the bad direction.
    Regression,
    /// The interval lies wholly beyond the threshold in the good direction.
    Improvement,
    /// Otherwise: within noise or within the threshold.
    Pass,
    /// Measured now but absent from the baseline, so it cannot be judged: the gate fails
    /// until the baseline is saved again, rather than pass a metric it never compared.
    NoBaseline,
}

impl Verdict {
    /// Whether this verdict fails the gate.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_measure::stats::Verdict;
    /// assert!(Verdict::Regression.fails() && !Verdict::Pass.fails());
    /// ```
    #[must_use]
    pub fn fails(self) -> bool {
        matches!(self, Verdict::Regression | Verdict::NoBaseline)
    }

    /// How the verdict is printed.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_measure::stats::Verdict;
    /// assert_eq!(Verdict::Pass.label(), "ok");
    /// ```
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Regression => "REGRESSION",
            Verdict::Improvement => "improved",
            Verdict::Pass => "ok",
            Verdict::NoBaseline => "NO BASELINE (run `cargo xtask gate --save`)",
        }
    }
}

/// A figure (a mean, a change, a ratio) and its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    /// The change of the means.
    pub estimate: f64,
    /// The low end of the 95% interval.
    pub low: f64,
    /// The high end of the 95% interval.
    pub high: f64,
}

/// The mean of `v` (0 for an empty slice).
///
/// # Examples
/// ```
/// assert_eq!(smartnotes_measure::stats::mean(&[1.0, 2.0, 6.0]), 3.0);
/// ```
#[must_use]
pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// The change of the mean from `base` to `now` (`now / base - 1`) with a 95% percentile
/// bootstrap interval over 4,000 resamples of both series.
///
/// # Panics
/// If either series is empty.
///
/// # Examples
/// ```
/// use smartnotes_measure::stats::relative_change;
/// let change = relative_change(&[10.0, 10.2, 9.8], &[12.0, 12.2, 11.8]);
/// assert!((change.estimate - 0.2).abs() < 1e-9 && change.low > 0.1);
/// ```
#[must_use]
pub fn relative_change(base: &[f64], now: &[f64]) -> Interval {
    bootstrap(base, now, |b, n| n / b - 1.0)
}

/// The change of the mean as a difference (`now - base`), for metrics near zero (milliseconds
/// of lateness over idle), with its 95% bootstrap interval.
///
/// # Panics
/// If either series is empty.
///
/// # Examples
/// ```
/// use smartnotes_measure::stats::absolute_change;
/// let change = absolute_change(&[0.5, 0.6, 0.4], &[0.5, 0.6, 0.4]);
/// assert!(change.low <= 0.0 && change.high >= 0.0);
/// ```
#[must_use]
pub fn absolute_change(base: &[f64], now: &[f64]) -> Interval {
    bootstrap(base, now, |b, n| n - b)
}

fn bootstrap(base: &[f64], now: &[f64], change: impl Fn(f64, f64) -> f64) -> Interval {
    assert!(!base.is_empty() && !now.is_empty(), "empty series");
    let estimate = change(mean(base), mean(now));
    let mut rng = fastrand::Rng::with_seed(0x5eed_ca7e);
    let mut resampled_mean =
        |v: &[f64]| (0..v.len()).map(|_| v[rng.usize(..v.len())]).sum::<f64>() / v.len() as f64;
    let mut draws: Vec<f64> = (0..4000)
        .map(|_| {
            let b = resampled_mean(base);
            let n = resampled_mean(now);
            change(b, n)
        })
        .collect();
    draws.sort_by(f64::total_cmp);
    Interval {
        estimate,
        low: draws[(0.025 * draws.len() as f64) as usize],
        high: draws[(0.975 * draws.len() as f64) as usize - 1],
    }
}

/// The mean of `samples` with its 95% percentile-bootstrap interval (4,000 resamples, a fixed
/// seed): what a table shows beside each figure.
///
/// # Panics
/// If `samples` is empty.
///
/// # Examples
/// ```
/// use smartnotes_measure::stats::mean_interval;
/// let rate = mean_interval(&[100.0, 104.0, 96.0, 101.0, 99.0]);
/// assert_eq!(rate.estimate, 100.0);
/// assert!(rate.low < 100.0 && rate.high > 100.0 && rate.high - rate.low < 8.0);
/// ```
#[must_use]
pub fn mean_interval(samples: &[f64]) -> Interval {
    paired(samples, samples, |a, _| a)
}

/// The mean of the per-repetition ratios `num[i] / den[i]`, with its 95% bootstrap interval
/// (the pairs resampled together). Measured in the same repetition, back to back, a change of
/// the machine's load moves both sides of a pair, so it cancels out of the ratio.
///
/// # Panics
/// If the series are empty or of different lengths.
///
/// # Examples
/// ```
/// use smartnotes_measure::stats::paired_ratio;
/// // The machine got twice as slow halfway; the ratio did not move.
/// let ours = [110.0, 111.0, 55.0, 54.5];
/// let base = [100.0, 101.0, 50.0, 49.5];
/// let ratio = paired_ratio(&ours, &base);
/// assert!((ratio.estimate - 1.1).abs() < 0.01 && ratio.high - ratio.low < 0.02);
/// ```
#[must_use]
pub fn paired_ratio(num: &[f64], den: &[f64]) -> Interval {
    paired(num, den, |a, b| a / b)
}

/// How two cases measured side by side compare (higher is better).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// The first is better by more than the margin, beyond the noise.
    Better,
    /// The second is better by more than the margin, beyond the noise.
    Worse,
    /// Equal within the noise (or within the margin).
    Tie,
}

/// Compares two cases from paired samples (higher is better): the interval of the mean ratio
/// `a / b`, and a winner only when the whole interval lies beyond `1 + margin` (or below
/// `1 / (1 + margin)`); otherwise a tie. `margin` is the smallest difference worth naming
/// (0.05: differences under 5% are called ties even when measured precisely).
///
/// # Panics
/// If the series are empty or of different lengths.
///
/// # Examples
/// ```
/// use smartnotes_measure::stats::{Comparison, compare_paired};
/// let fast = [130.0, 128.0, 131.0, 129.0];
/// let slow = [100.0, 99.0, 101.0, 100.0];
/// assert_eq!(compare_paired(&fast, &slow, 0.05).1, Comparison::Better);
/// assert_eq!(compare_paired(&slow, &slow, 0.05).1, Comparison::Tie);
/// ```
#[must_use]
pub fn compare_paired(a: &[f64], b: &[f64], margin: f64) -> (Interval, Comparison) {
    let ratio = paired_ratio(a, b);
    let verdict = if ratio.low > 1.0 + margin {
        Comparison::Better
    } else if ratio.high < 1.0 / (1.0 + margin) {
        Comparison::Worse
    } else {
        Comparison::Tie
    };
    (ratio, verdict)
}

/// The mean of `f(a[i], b[i])` with a percentile-bootstrap interval over resampled pairs.
fn paired(a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64) -> Interval {
    assert!(
        !a.is_empty() && a.len() == b.len(),
        "empty or unpaired series"
    );
    let values: Vec<f64> = a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect();
    let n = values.len();
    let mut rng = fastrand::Rng::with_seed(0x5eed_ca7e);
    let mut draws: Vec<f64> = (0..4000)
        .map(|_| (0..n).map(|_| values[rng.usize(..n)]).sum::<f64>() / n as f64)
        .collect();
    draws.sort_by(f64::total_cmp);
    Interval {
        estimate: mean(&values),
        low: draws[(0.025 * draws.len() as f64) as usize],
        high: draws[(0.975 * draws.len() as f64) as usize - 1],
    }
}

/// The verdict on `change` for a metric where lower is better, with `threshold` a relative
/// change (0.10 = 10%).
///
/// # Examples
/// ```
/// use smartnotes_measure::stats::{Interval, Verdict, verdict};
/// let slower = Interval { estimate: 0.3, low: 0.2, high: 0.4 };
/// assert_eq!(verdict(slower, 0.10), Verdict::Regression);
/// ```
#[must_use]
pub fn verdict(change: Interval, threshold: f64) -> Verdict {
    if change.low > threshold {
        Verdict::Regression
    } else if change.high < -threshold {
        Verdict::Improvement
    } else {
        Verdict::Pass
    }
}

/// The verdict on an exact count (instructions) where lower is better: no noise, so the
/// change itself is compared with the threshold.
///
/// # Examples
/// ```
/// use smartnotes_measure::stats::{Verdict, count_verdict};
/// assert_eq!(count_verdict(100, 101, 0.02).1, Verdict::Pass);
/// ```
#[must_use]
pub fn count_verdict(base: u64, now: u64, threshold: f64) -> (f64, Verdict) {
    let change = now as f64 / base.max(1) as f64 - 1.0;
    let verdict = if change > threshold {
        Verdict::Regression
    } else if change < -threshold {
        Verdict::Improvement
    } else {
        Verdict::Pass
    };
    (change, verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A noisy series around `level`: the deterministic generator, spread +-`spread`.
    fn noisy(level: f64, spread: f64, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = fastrand::Rng::with_seed(seed);
        (0..n)
            .map(|_| level * (1.0 + spread * (rng.usize(..2001) as f64 / 1000.0 - 1.0)))
            .collect()
    }

    #[test]
    fn noise_alone_passes() {
        // 200 pairs of series from the same distribution, 15% noise: none may fail at 10%.
        for seed in 0..200 {
            let base = noisy(1.0, 0.15, 10, seed);
            let now = noisy(1.0, 0.15, 10, seed + 1000);
            let change = relative_change(&base, &now);
            assert!(change.low <= change.estimate && change.estimate <= change.high);
            assert_ne!(
                verdict(change, 0.10),
                Verdict::Regression,
                "seed {seed}: {change:?}"
            );
        }
    }

    #[test]
    fn a_real_shift_fails_and_an_improvement_is_seen() {
        for seed in 0..50 {
            let base = noisy(1.0, 0.05, 10, seed);
            let slower = noisy(1.3, 0.05, 10, seed + 1000);
            assert_eq!(
                verdict(relative_change(&base, &slower), 0.10),
                Verdict::Regression
            );
            let faster = noisy(0.7, 0.05, 10, seed + 2000);
            assert_eq!(
                verdict(relative_change(&base, &faster), 0.10),
                Verdict::Improvement
            );
        }
    }

    #[test]
    fn a_shift_hidden_in_noise_is_not_called() {
        // +12% true shift, but 40% noise: the interval straddles the threshold.
        let base = noisy(1.0, 0.40, 6, 1);
        let now = noisy(1.12, 0.40, 6, 2);
        assert_ne!(
            verdict(relative_change(&base, &now), 0.10),
            Verdict::Regression
        );
    }

    #[test]
    fn absolute_changes_in_milliseconds() {
        let base = noisy(0.5, 0.5, 12, 3);
        let same = noisy(0.5, 0.5, 12, 4);
        assert_eq!(verdict(absolute_change(&base, &same), 1.0), Verdict::Pass);
        let late = noisy(3.0, 0.2, 12, 5);
        assert_eq!(
            verdict(absolute_change(&base, &late), 1.0),
            Verdict::Regression
        );
    }

    /// Paired series: a common load factor per repetition (the machine's state), times a
    /// case's own level, times its own noise.
    fn paired_runs(levels: [f64; 2], noise: f64, n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
        let load = noisy(1.0, 0.5, n, seed); // the machine: up to 50% either way
        let a = noisy(levels[0], noise, n, seed + 1);
        let b = noisy(levels[1], noise, n, seed + 2);
        (
            a.iter().zip(&load).map(|(x, l)| x * l).collect(),
            b.iter().zip(&load).map(|(x, l)| x * l).collect(),
        )
    }

    #[test]
    fn a_true_difference_is_called_through_load_drift() {
        // 20% apart, 5% noise each, and a load that swings 50% between repetitions.
        for seed in 0..100 {
            let (a, b) = paired_runs([1.2, 1.0], 0.05, 10, seed * 10);
            assert_eq!(
                compare_paired(&a, &b, 0.05).1,
                Comparison::Better,
                "seed {seed}"
            );
            assert_eq!(
                compare_paired(&b, &a, 0.05).1,
                Comparison::Worse,
                "seed {seed}"
            );
        }
    }

    #[test]
    fn noise_alone_is_called_a_tie() {
        // Two equal cases, 10% noise each, 10 repetitions, 200 times over: a 95% interval
        // beyond a 5% margin is a rare accident, never the rule (here 1 of 200).
        let called: Vec<u64> = (0..200)
            .filter(|seed| {
                let (a, b) = paired_runs([1.0, 1.0], 0.10, 10, seed * 10);
                compare_paired(&a, &b, 0.05).1 != Comparison::Tie
            })
            .collect();
        assert!(called.len() <= 2, "called on seeds {called:?}");
        // With 2% noise, never.
        for seed in 0..200 {
            let (a, b) = paired_runs([1.0, 1.0], 0.02, 10, seed * 10);
            assert_eq!(
                compare_paired(&a, &b, 0.05).1,
                Comparison::Tie,
                "seed {seed}"
            );
        }
    }

    #[test]
    fn intervals_contain_their_estimate_and_shrink_with_samples() {
        let few = mean_interval(&noisy(10.0, 0.2, 5, 9));
        let many = mean_interval(&noisy(10.0, 0.2, 80, 9));
        for i in [few, many] {
            assert!(i.low <= i.estimate && i.estimate <= i.high, "{i:?}");
        }
        assert!(many.high - many.low < few.high - few.low);
    }

    #[test]
    fn counts_compare_exactly() {
        assert_eq!(count_verdict(1000, 1019, 0.02).1, Verdict::Pass);
        assert_eq!(count_verdict(1000, 1021, 0.02).1, Verdict::Regression);
        assert_eq!(count_verdict(1000, 900, 0.02).1, Verdict::Improvement);
    }
}
