//! The statistics behind every verdict (the performance gate, the bench report, `smartnotes
//! compare`), on plain `f64` samples.
//!
//! A wall-clock metric is compared as the change of its mean against the baseline's,
//! `now / base - 1`, with a 95% bootstrap confidence interval (resampling both series, a fixed
//! seed, so the same samples always give the same interval). A regression is declared only when
//! the whole interval lies beyond the threshold: noise widens the interval and keeps the gate
//! quiet; a real shift moves all of it.
//!
//! A figure in a table (a rate, or the ratio of two cases measured side by side) is a mean over
//! a run's repetitions with its 95% interval by Student's t ([`mean_interval`],
//! [`paired_ratio`]).

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

/// The mean of `samples` with its 95% interval (Student's t: the mean plus or minus
/// [`t_975`]`(n - 1)` standard errors): what a table shows beside each figure. A run takes 8 to
/// 24 repetitions; a percentile bootstrap's interval of 8 samples spans about 1.83 standard
/// errors either way where 95% needs 2.36 (it takes the samples' spread for the truth), so it
/// held the mean less often than it claimed. A single sample has no spread to go by: its
/// interval is its one value (`compare` says its intervals are rough under 5 repetitions).
/// Samples none of which is negative give an interval whose low end is 0 or more.
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
    let (m, half) = student(samples);
    // Rates, ratios and lateness cannot average below zero: a few repetitions' interval (12.7
    // standard errors either way for 2) is cut there rather than printed as a negative rate.
    let floor = if samples.iter().all(|x| *x >= 0.0) {
        0.0
    } else {
        f64::NEG_INFINITY
    };
    Interval {
        estimate: m,
        low: (m - half).max(floor),
        high: m + half,
    }
}

/// The mean of `samples` and the half-width of its 95% interval (Student's t; 0 for a single
/// sample).
fn student(samples: &[f64]) -> (f64, f64) {
    assert!(!samples.is_empty(), "empty series");
    let n = samples.len();
    let m = mean(samples);
    if n == 1 {
        return (m, 0.0);
    }
    let variance = samples.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
    (m, t_975(n - 1) * (variance / n as f64).sqrt())
}

/// Student's t quantile at 0.975 for `df` degrees of freedom: the half-width, in standard
/// errors, of a 95% interval of a mean of `df + 1` samples (12.71 for 1, 2.36 for 7, 2.13 for
/// 15, tending to 1.96). Exact to the printed digits for 1 to 30; beyond, the first terms of
/// its expansion around the normal quantile (within 0.001 there).
///
/// # Examples
/// ```
/// use smartnotes_measure::stats::t_975;
/// assert_eq!(t_975(7), 2.365);
/// assert!((t_975(120) - 1.980).abs() < 0.001 && t_975(100_000) > 1.959);
/// ```
#[must_use]
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        _ => {
            let (z, v) = (1.959_964_f64, df as f64);
            z + (z.powi(3) + z) / (4.0 * v)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// The mean of the per-repetition ratios `num[i] / den[i]`, with its 95% interval (Student's
/// t, [`mean_interval`]). Measured in the same repetition, back to back, a change of the
/// machine's load moves both sides of a pair, so it cancels out of the ratio.
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
    mean_interval(&ratios(num, den))
}

/// `num[i] / den[i]` for each repetition.
fn ratios(num: &[f64], den: &[f64]) -> Vec<f64> {
    assert!(
        !num.is_empty() && num.len() == den.len(),
        "empty or unpaired series"
    );
    num.iter().zip(den).map(|(a, b)| a / b).collect()
}

/// The geometric mean of the per-repetition ratios `num[i] / den[i]`, with its 95% interval
/// taken on the log scale (Student's t over the ratios' logarithms, then back): for ratios
/// that swing by a factor of ten or more between repetitions, such as an export's on a real
/// disk whose write-back comes and goes. There the arithmetic mean of
/// [`paired_ratio`] follows its largest ratios (one repetition of 0.2x and one of 20x average
/// to 10x, while the inverse ratios, 5x and 0.05x, average to 2.5x: the figure depends on
/// which side is divided by which) and its interval reaches 0, where it is cut; this one gives
/// 2x and 0.5x for a ratio and its inverse, and an interval that stays above 0. Where the ratios
/// move by a few percent the two agree to well under a percent.
///
/// A ratio that is not a positive number (a rate of 0, say, from a case that did no work)
/// has no logarithm: the interval is then NaN throughout, which a table prints as unknown.
///
/// # Panics
/// If the series are empty or of different lengths.
///
/// # Examples
/// ```
/// use smartnotes_measure::stats::paired_ratio_geometric;
/// let ours = [20.0, 2.0, 4.0, 2.0];
/// let base = [1.0, 10.0, 2.0, 1.0];
/// let ratio = paired_ratio_geometric(&ours, &base);
/// assert!((ratio.estimate - 2.0).abs() < 1e-9);
/// assert!(ratio.low > 0.0 && ratio.low < 2.0 && ratio.high > 2.0);
/// // The inverse ratio is the inverse figure.
/// let inverse = paired_ratio_geometric(&base, &ours);
/// assert!((inverse.estimate - 0.5).abs() < 1e-9 && (inverse.high - 1.0 / ratio.low).abs() < 1e-9);
/// ```
#[must_use]
pub fn paired_ratio_geometric(num: &[f64], den: &[f64]) -> Interval {
    let logs: Vec<f64> = ratios(num, den).into_iter().map(f64::ln).collect();
    if logs.iter().any(|l| !l.is_finite()) {
        return Interval {
            estimate: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    // Logarithms may be negative: no floor here (the ratio's floor, 0, is exp(-inf)).
    let (m, half) = student(&logs);
    Interval {
        estimate: m.exp(),
        low: (m - half).exp(),
        high: (m + half).exp(),
    }
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
    fn intervals_of_eight_samples_hold_the_mean_95_times_in_100() {
        // 4,000 runs of 8 repetitions around a known mean, 10% noise: Student's interval holds
        // the mean in 95% of them (a percentile bootstrap's, simulated alike, in 89%).
        let held = (0..4000)
            .filter(|&seed| {
                let i = mean_interval(&noisy(1.0, 0.10, 8, seed));
                i.low <= 1.0 && 1.0 <= i.high
            })
            .count();
        assert!((3720..=3880).contains(&held), "held {held} of 4000");
    }

    #[test]
    fn geometric_ratios_follow_the_typical_repetition_not_the_largest() {
        // An export on a disk whose write-back comes and goes: the baseline's rate swings.
        let base = [1_000.0, 30_000.0, 2_000.0, 25_000.0, 1_500.0, 28_000.0];
        let ours = [20_000.0, 33_000.0, 30_000.0, 30_000.0, 24_000.0, 31_000.0];
        let arithmetic = paired_ratio(&ours, &base);
        let geometric = paired_ratio_geometric(&ours, &base);
        // 9.1x [0, 18.4]: three slow repetitions of the baseline carry the mean.
        assert!(
            arithmetic.estimate > 9.0 && arithmetic.low == 0.0,
            "{arithmetic:?}"
        );
        // 4.4x [0.92, 20.7]: wide, as the data are, but above 0 and asymmetric.
        assert!(
            geometric.estimate > 4.0 && geometric.estimate < 5.0,
            "{geometric:?}"
        );
        assert!(
            geometric.low > 0.5 && geometric.high < 25.0,
            "{geometric:?}"
        );
        // Symmetric as factors: as many times below the figure as above it.
        let (below, above) = (
            geometric.estimate / geometric.low,
            geometric.high / geometric.estimate,
        );
        assert!((below - above).abs() < 1e-9, "{below} {above}");
        // Every ratio above 1 (every logarithm positive): the interval is not cut at 1.
        let above = paired_ratio_geometric(&[3.0, 1.1, 2.0], &[1.0, 1.0, 1.0]);
        assert!(above.low < 1.0, "{above:?}");
        // Calm repetitions: the two agree.
        let base = [100.0, 102.0, 98.0, 101.0];
        let ours = [130.0, 131.0, 129.0, 133.0];
        let (a, g) = (
            paired_ratio(&ours, &base),
            paired_ratio_geometric(&ours, &base),
        );
        assert!((a.estimate - g.estimate).abs() < 0.001, "{a:?} {g:?}");
        assert!((a.low - g.low).abs() < 0.005 && (a.high - g.high).abs() < 0.005);
        // One repetition: its ratio, exactly.
        let one = paired_ratio_geometric(&[3.0], &[2.0]);
        assert!((one.estimate - 1.5).abs() < 1e-12 && one.low == one.estimate);
    }

    #[test]
    fn a_zero_rate_has_no_geometric_ratio() {
        for (num, den) in [([0.0, 1.0], [1.0, 1.0]), ([1.0, 1.0], [0.0, 1.0])] {
            let none = paired_ratio_geometric(&num, &den);
            assert!(none.estimate.is_nan() && none.low.is_nan() && none.high.is_nan());
        }
    }

    #[test]
    fn t_quantiles_fall_towards_the_normal_one() {
        assert_eq!(t_975(1), 12.706);
        assert_eq!(t_975(30), 2.042);
        assert!((t_975(31) - 2.040).abs() < 0.001);
        assert!((t_975(60) - 2.000).abs() < 0.001);
        let mut last = f64::INFINITY;
        for df in 0..500 {
            assert!(t_975(df) <= last && t_975(df) > 1.959_96, "df {df}");
            last = t_975(df);
        }
        let one = mean_interval(&[3.0]);
        assert_eq!((one.low, one.estimate, one.high), (3.0, 3.0, 3.0));
        // Two repetitions far apart: wide, but never below zero for a rate.
        let two = mean_interval(&[1.0, 20.0]);
        assert_eq!(two.low, 0.0);
        assert!(two.high > 100.0);
        assert!(mean_interval(&[-1.0, 20.0]).low < -100.0);
    }

    #[test]
    fn counts_compare_exactly() {
        assert_eq!(count_verdict(1000, 1019, 0.02).1, Verdict::Pass);
        assert_eq!(count_verdict(1000, 1021, 0.02).1, Verdict::Regression);
        assert_eq!(count_verdict(1000, 900, 0.02).1, Verdict::Improvement);
    }
}
