//! Measuring whether work freezes an event loop: a heartbeat timer beside it on the same
//! executor, and how late each beat wakes. Used by the `lag` and `scan` benches and by
//! `smartnotes compare`; the figures in BENCHMARKS.md come from it.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::future;

use crate::Runtime;

/// The heartbeat's period in every figure: 1 ms.
pub const BEAT: Duration = Duration::from_millis(1);

/// Runs `work` while, on the same task, a heartbeat sleeps [`BEAT`] in a loop on `runtime`'s
/// timer; returns `work`'s output and how late each beat woke (time slept minus [`BEAT`]).
/// On a single-threaded executor, a beat is late whenever `work` holds the thread.
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

/// The median of `values` (the upper one of an even count); NaN when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The `p`-quantile (0 to 1, nearest rank) of `samples` in milliseconds; NaN when empty.
pub fn percentile_ms(samples: &[Duration], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let i = ((sorted.len().max(1) - 1) as f64 * p.clamp(0.0, 1.0)).round() as usize;
    sorted.get(i).map_or(f64::NAN, |d| d.as_secs_f64() * 1e3)
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
