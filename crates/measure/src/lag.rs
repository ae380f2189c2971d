//! Measuring whether work freezes an event loop: a heartbeat timer beside it on the same
//! executor, and how late each beat wakes. Used by the `lag` and `scan` benches and by
//! `smartnotes compare`; the figures in BENCHMARKS.md come from it.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::future;

use smartnotes_io::Runtime;

/// The heartbeat's period in every figure: 1 ms.
pub const BEAT: Duration = Duration::from_millis(1);

/// Runs `work` while, on the same task, a heartbeat sleeps [`BEAT`] in a loop on `runtime`'s
/// timer; returns `work`'s output and how late each beat woke (time slept minus [`BEAT`]).
/// On a single-threaded executor, a beat is late whenever `work` holds the thread.
///
/// # Examples
/// ```
/// # use std::task::Poll;
/// # use std::time::{Duration, Instant};
/// # // A timer that yields until its time has come (InlineRuntime's sleep never yields, so
/// # // the heartbeat would never let `work` run).
/// # #[derive(Clone)] struct Spin;
/// # impl smartnotes_io::Runtime for Spin {
/// #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F)
/// #         -> impl Future<Output = T> + Send + 'static + use<F, T> { std::future::ready(f()) }
/// #     fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
/// #         let until = Instant::now() + d;
/// #         std::future::poll_fn(move |cx| if Instant::now() >= until { Poll::Ready(()) }
/// #             else { cx.waker().wake_by_ref(); Poll::Pending })
/// #     }
/// # }
/// # let runtime = Spin;
/// use smartnotes_measure::lag::heartbeat_while;
///
/// // `runtime`: any runtime whose timer lets other futures run meanwhile (tokio, smol).
/// let freeze = async { std::thread::sleep(Duration::from_millis(20)); 42 }; // holds the thread
/// let (out, lateness) = futures_executor::block_on(heartbeat_while(&runtime, freeze));
/// assert_eq!(out, 42);
/// assert!(lateness[0] >= Duration::from_millis(19)); // the beat woke 19 ms late or more
/// ```
pub async fn heartbeat_while<R: Runtime, T>(
    runtime: &R,
    work: impl Future<Output = T>,
) -> (T, Vec<Duration>) {
    let stop = AtomicBool::new(false);
    let beat = async {
        let mut lateness = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let start = Instant::now();
            runtime.sleep(BEAT).await;
            lateness.push(start.elapsed().saturating_sub(BEAT));
        }
        lateness
    };
    let work = async {
        let out = work.await;
        stop.store(true, Ordering::Relaxed);
        out
    };
    let (lateness, out) = future::join(beat, work).await;
    (out, lateness)
}

/// One reading of a case, as `compare` and the lag bench take it ([`reading`]).
#[derive(Clone, Debug, Default)]
pub struct Reading {
    /// Everything the reads returned, added up (notes read).
    pub notes: usize,
    /// From the first read's start to the last one's end.
    pub took: Duration,
    /// How late each beat woke while reading.
    pub beats: Vec<Duration>,
    /// How late each beat woke in the idle floor after it.
    pub idle: Vec<Duration>,
}

/// `compare`'s reading of one case: `read` awaited again, back to back, until `window` has
/// passed (at least once), beside the heartbeat ([`heartbeat_while`]); then the heartbeat
/// alone for [`IDLE_WINDOW`](crate::IDLE_WINDOW), its idle floor. After the reading, not
/// before: a read that starts after an idle stretch starts on idle cores, which the plain
/// loop it is compared with does not.
///
/// # Examples
/// ```
/// # use std::task::Poll;
/// # use std::time::{Duration, Instant};
/// # #[derive(Clone)] struct Spin;
/// # impl smartnotes_io::Runtime for Spin {
/// #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F)
/// #         -> impl Future<Output = T> + Send + 'static + use<F, T> { std::future::ready(f()) }
/// #     fn sleep(&self, d: Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
/// #         let until = Instant::now() + d;
/// #         std::future::poll_fn(move |cx| if Instant::now() >= until { Poll::Ready(()) }
/// #             else { cx.waker().wake_by_ref(); Poll::Pending })
/// #     }
/// # }
/// # let runtime = Spin;
/// use smartnotes_measure::lag::reading;
///
/// let read = || async { 10 }; // a read of ten notes
/// let taken = futures_executor::block_on(reading(&runtime, Duration::from_millis(5), read));
/// assert!(taken.notes >= 10 && taken.notes % 10 == 0 && taken.took >= Duration::from_millis(5));
/// assert!(!taken.idle.is_empty()); // 100 ms of beats alone after it
/// ```
pub async fn reading<R: Runtime, F: Future<Output = usize>>(
    runtime: &R,
    window: Duration,
    mut read: impl FnMut() -> F,
) -> Reading {
    let start = Instant::now();
    let reads = async {
        let mut notes = 0;
        loop {
            notes += read().await;
            if start.elapsed() >= window {
                break notes;
            }
        }
    };
    let (notes, beats) = heartbeat_while(runtime, reads).await;
    let took = start.elapsed();
    let (_, idle) = heartbeat_while(runtime, runtime.sleep(crate::IDLE_WINDOW)).await;
    Reading {
        notes,
        took,
        beats,
        idle,
    }
}

/// The median of `values` (the upper one of an even count); NaN when empty.
///
/// # Examples
/// ```
/// use smartnotes_measure::lag::median;
/// assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
/// assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 3.0);
/// assert!(median(&[]).is_nan());
/// ```
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The `p`-quantile (0 to 1, nearest rank) of `samples` in milliseconds; NaN when empty.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// use smartnotes_measure::lag::percentile_ms;
///
/// let samples = [5, 1, 3, 2, 4].map(Duration::from_millis);
/// assert_eq!(percentile_ms(&samples, 0.5), 3.0);
/// assert_eq!(percentile_ms(&samples, 1.0), 5.0);
/// assert!(percentile_ms(&[], 0.99).is_nan());
/// ```
pub fn percentile_ms(samples: &[Duration], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let i = ((sorted.len().max(1) - 1) as f64 * p.clamp(0.0, 1.0)).round() as usize;
    sorted.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
}

/// How late a 1 ms heartbeat woke while some work ran beside it on the same thread.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Lateness {
    /// Median, ms.
    pub p50_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Worst, ms.
    pub max_ms: f64,
    /// `p99_ms` less the idle floor's p99 measured in the same run, ms.
    pub p99_over_idle_ms: f64,
}

impl Lateness {
    /// The lateness figures of `samples`, against an idle floor whose p99 was `idle_p99_ms`.
    ///
    /// # Examples
    /// ```
    /// use std::time::Duration;
    /// use smartnotes_measure::lag::Lateness;
    /// let ms = Duration::from_millis;
    /// let late = Lateness::of(&[ms(1), ms(2), ms(9)], 0.5);
    /// assert_eq!((late.p50_ms, late.max_ms, late.p99_over_idle_ms), (2.0, 9.0, 8.5));
    /// ```
    #[must_use]
    pub fn of(samples: &[std::time::Duration], idle_p99_ms: f64) -> Self {
        let p99_ms = percentile_ms(samples, 0.99);
        Self {
            p50_ms: percentile_ms(samples, 0.5),
            p99_ms,
            max_ms: percentile_ms(samples, 1.0),
            p99_over_idle_ms: p99_ms - idle_p99_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_unsorted_values_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 3.0);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn percentiles_of_unsorted_samples() {
        let ms = |n| Duration::from_millis(n);
        let samples = [ms(5), ms(1), ms(3), ms(2), ms(4)];
        assert_eq!(percentile_ms(&samples, 0.0), 1.0);
        assert_eq!(percentile_ms(&samples, 0.5), 3.0);
        assert_eq!(percentile_ms(&samples, 1.0), 5.0);
        assert!(percentile_ms(&[], 0.99).is_nan());
    }
}
