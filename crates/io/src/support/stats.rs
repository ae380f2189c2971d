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
    /// use smartnotes_io::support::stats::Verdict;
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
    /// use smartnotes_io::support::stats::Verdict;
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

/// The relative change of the mean from `base` to `now`, with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
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
/// assert_eq!(smartnotes_io::support::stats::mean(&[1.0, 2.0, 6.0]), 3.0);
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
/// use smartnotes_io::support::stats::relative_change;
/// let change = relative_change(&[10.0, 10.2, 9.8], &[12.0, 12.2, 11.8]);
/// assert!((change.estimate - 0.2).abs() < 1e-9 && change.low > 0.1);
/// ```
#[must_use]
pub fn relative_change(base: &[f64], now: &[f64]) -> Change {
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
/// use smartnotes_io::support::stats::absolute_change;
/// let change = absolute_change(&[0.5, 0.6, 0.4], &[0.5, 0.6, 0.4]);
/// assert!(change.low <= 0.0 && change.high >= 0.0);
/// ```
#[must_use]
pub fn absolute_change(base: &[f64], now: &[f64]) -> Change {
    bootstrap(base, now, |b, n| n - b)
}

fn bootstrap(base: &[f64], now: &[f64], change: impl Fn(f64, f64) -> f64) -> Change {
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
    Change {
        estimate,
        low: draws[(0.025 * draws.len() as f64) as usize],
        high: draws[(0.975 * draws.len() as f64) as usize - 1],
    }
}

/// The verdict on `change` for a metric where lower is better, with `threshold` a relative
/// change (0.10 = 10%).
///
/// # Examples
/// ```
/// use smartnotes_io::support::stats::{Change, Verdict, verdict};
/// let slower = Change { estimate: 0.3, low: 0.2, high: 0.4 };
/// assert_eq!(verdict(slower, 0.10), Verdict::Regression);
/// ```
#[must_use]
pub fn verdict(change: Change, threshold: f64) -> Verdict {
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
/// use smartnotes_io::support::stats::{Verdict, count_verdict};
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

    #[test]
    fn counts_compare_exactly() {
        assert_eq!(count_verdict(1000, 1019, 0.02).1, Verdict::Pass);
        assert_eq!(count_verdict(1000, 1021, 0.02).1, Verdict::Regression);
        assert_eq!(count_verdict(1000, 900, 0.02).1, Verdict::Improvement);
    }
}
