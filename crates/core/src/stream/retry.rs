//! [`retry`] with exponential back-off and jitter.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use crate::Runtime;

/// How [`retry`] waits between attempts: exponential back-off with jitter, and a maximum
/// number of attempts.
///
/// Retry `k` (1-based) waits `min(max_delay, first × factor^(k-1))`, less a random part of up
/// to `jitter` of it: `jitter = 0` waits exactly that, `jitter = 1` anywhere from zero to it
/// ("full jitter", which spreads out clients that failed together).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Backoff {
    /// The wait before the first retry (before jitter).
    pub first: Duration,
    /// How much each wait grows over the previous one.
    pub factor: u32,
    /// The longest wait.
    pub max_delay: Duration,
    /// Attempts in all, the first included; `1` means no retry.
    pub max_attempts: u32,
    /// The random share taken off each wait, from 0 to 1.
    pub jitter: f64,
}

impl Default for Backoff {
    /// 5 attempts, waiting about 10, 20, 40 and 80 ms (half jitter), at most 1 s.
    fn default() -> Self {
        Self {
            first: Duration::from_millis(10),
            factor: 2,
            max_delay: Duration::from_secs(1),
            max_attempts: 5,
            jitter: 0.5,
        }
    }
}

impl Backoff {
    /// `max_attempts` attempts, the first retry after `first`, doubling, with half jitter.
    pub fn new(first: Duration, max_attempts: u32) -> Self {
        Self {
            first,
            max_attempts,
            ..Self::default()
        }
    }

    /// The same with `factor`.
    #[must_use]
    pub fn with_factor(mut self, factor: u32) -> Self {
        self.factor = factor;
        self
    }

    /// The same with `max_delay`.
    #[must_use]
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// The same with `jitter`, clamped to 0..=1.
    #[must_use]
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        self
    }

    /// The wait before retry `retry` (1-based), for a random `unit` in `0.0..1.0`.
    pub fn delay(&self, retry: u32, unit: f64) -> Duration {
        let growth = self
            .factor
            .max(1)
            .checked_pow(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        let full = self.first.saturating_mul(growth).min(self.max_delay);
        let cut = (self.jitter * unit.clamp(0.0, 1.0)).clamp(0.0, 1.0);
        full.mul_f64(1.0 - cut)
    }
}

/// A fresh random number in `0.0..1.0` from std's randomly keyed hasher: jitter needs
/// spread, not cryptographic quality.
fn random_unit() -> f64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x5eed);
    (hasher.finish() >> 11) as f64 / (1_u64 << 53) as f64
}

/// Runs `op` until it succeeds, fails with an error `is_transient` rejects, or has been
/// attempted `policy.max_attempts` times; between attempts it waits on `runtime`'s timer as
/// `policy` says. Returns the last result.
///
/// Time comes from the [`Runtime`], so this works on any runtime (and a test can pass one
/// with a fake clock). Each attempt is a fresh call of `op`: an operation that resumes (a page
/// fetch by number, a write by offset) resumes where it failed.
///
/// ```
/// # futures_executor::block_on(async {
/// # #[derive(Clone)] struct Inline;
/// # impl smartnotes_core::Runtime for Inline {
/// #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F)
/// #         -> impl Future<Output = T> + Send + 'static + use<F, T> { std::future::ready(f()) }
/// #     fn sleep(&self, d: std::time::Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
/// #         std::future::ready(()) }
/// # }
/// # let runtime = Inline;
/// use std::io::{Error, ErrorKind};
/// use smartnotes_core::stream::{retry, Backoff};
///
/// let mut calls = 0;
/// let policy = Backoff::new(std::time::Duration::from_millis(5), 4);
/// let answer = retry(&runtime, &policy, |e: &Error| e.kind() == ErrorKind::TimedOut, || {
///     calls += 1;
///     let result = if calls < 3 { Err(Error::from(ErrorKind::TimedOut)) } else { Ok(42) };
///     async move { result }
/// })
/// .await;
/// assert_eq!((answer.unwrap(), calls), (42, 3));
/// # });
/// ```
pub async fn retry<R, T, E, Fut>(
    runtime: &R,
    policy: &Backoff,
    is_transient: impl Fn(&E) -> bool,
    mut op: impl FnMut() -> Fut,
) -> Result<T, E>
where
    R: Runtime,
    Fut: Future<Output = Result<T, E>>,
{
    let mut attempt = 1;
    loop {
        match op().await {
            Err(e) if attempt < policy.max_attempts && is_transient(&e) => {
                runtime.sleep(policy.delay(attempt, random_unit())).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_cap_and_jitter_within_bounds() {
        let b =
            Backoff::new(Duration::from_millis(10), 10).with_max_delay(Duration::from_millis(50));
        let exact = b.clone().with_jitter(0.0);
        let waits: Vec<u128> = (1..=5).map(|k| exact.delay(k, 0.9).as_millis()).collect();
        assert_eq!(waits, [10, 20, 40, 50, 50]);
        for k in 1..=5 {
            let d = b.delay(k, random_unit());
            assert!(
                d <= exact.delay(k, 0.0) && d >= exact.delay(k, 0.0) / 2,
                "{d:?}"
            );
        }
        assert_eq!(b.delay(u32::MAX, 0.0), Duration::from_millis(50));
    }

    #[test]
    fn random_units_are_in_range_and_vary() {
        let units: Vec<f64> = (0..100).map(|_| random_unit()).collect();
        assert!(units.iter().all(|u| (0.0..1.0).contains(u)));
        assert!(units.windows(2).any(|w| w[0] != w[1]));
    }
}
