//! How smartnotes measures, written once for `smartnotes compare` (the CLI's main job) and the
//! benches, so a figure in `BENCHMARKS.md` and one `compare` prints are measured the same way:
//! the sample corpus and log ([`corpus`]), the plain `std::fs` loop every throughput figure is
//! compared against ([`baseline`]), the event-loop heartbeat ([`lag`]), the statistics behind
//! every interval and verdict ([`stats`]), [`cores`], and how long a read is timed
//! ([`READ_WINDOW`], [`repeat_for`], [`try_repeat_for`]) and the heartbeat's idle floor after it
//! ([`IDLE_WINDOW`]).
//!
//! Not part of the library: the `smartnotes` crate does not depend on it. The benches' result
//! schemas and strace parsing live in the unpublished `smartnotes-bench-support`.

pub mod baseline;
pub mod corpus;
pub mod lag;
pub mod stats;

/// How long one timed figure of a read lasts at least: `compare` and the benches read the
/// same notes again, back to back, until this much time has passed, and take notes/s over the
/// whole window. A single read of 10,000 page-cached notes lasts 30-60 ms, and on a shared
/// machine the same loop's single reads spread by half from one repetition to the next
/// (BENCHMARKS.md's disk bench, before it timed windows: 38-68 ms); a window takes in several
/// reads, and also what a read after the first no longer pays (threads and rings already up).
pub const READ_WINDOW: std::time::Duration = std::time::Duration::from_millis(200);

/// How long the heartbeat runs alone after each timed read, on the same loop: its idle floor,
/// against which the lateness while reading is judged. After the reading, not before: a read
/// that starts after an idle stretch starts on idle cores, which the plain loop does not.
/// `compare` and the lag bench measure every reading this way.
pub const IDLE_WINDOW: std::time::Duration = std::time::Duration::from_millis(100);

/// Runs `read` again and again until `window` has passed (at least once): how many times it
/// ran, everything it returned added up, and the time taken. How a read is timed in `compare`
/// and the benches (with [`READ_WINDOW`]).
///
/// # Examples
/// ```
/// use std::time::Duration;
/// let (runs, total, took) = smartnotes_measure::repeat_for(Duration::from_millis(5), || 2);
/// assert!(runs >= 1 && total == 2 * runs && took >= Duration::from_millis(5));
/// ```
pub fn repeat_for(
    window: std::time::Duration,
    mut read: impl FnMut() -> usize,
) -> (usize, usize, std::time::Duration) {
    match try_repeat_for(window, || Ok::<_, std::convert::Infallible>(read())) {
        Ok(timed) => timed,
        Err(never) => match never {},
    }
}

/// [`repeat_for`] with a `read` that can fail: stops at its first error and returns it.
///
/// # Errors
/// The first error `read` returns.
///
/// # Examples
/// ```
/// use std::time::Duration;
/// let mut left = 3;
/// let failed = smartnotes_measure::try_repeat_for(Duration::from_secs(60), || {
///     left -= 1;
///     if left == 0 { Err("gone") } else { Ok(1) }
/// });
/// assert_eq!(failed, Err("gone")); // at the third run, long before the window ends
/// ```
pub fn try_repeat_for<E>(
    window: std::time::Duration,
    mut read: impl FnMut() -> Result<usize, E>,
) -> Result<(usize, usize, std::time::Duration), E> {
    let start = std::time::Instant::now();
    let (mut runs, mut total) = (0, 0);
    loop {
        total += read()?;
        runs += 1;
        let took = start.elapsed();
        if took >= window {
            return Ok((runs, total, took));
        }
    }
}

/// The number of cores this process may use (2 when the OS does not say): what the default
/// strategy sizes itself by, and the thread count of the baselines on this machine.
///
/// # Examples
/// ```
/// assert!(smartnotes_measure::cores() >= 1);
/// ```
#[must_use]
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}
