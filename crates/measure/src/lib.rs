//! How smartnotes measures, written once for `smartnotes compare` (the CLI's main job) and the
//! benches, so a figure in `BENCHMARKS.md` and one `compare` prints are measured the same way:
//! the sample corpus and log ([`corpus`]), the plain `std::fs` loop every throughput figure is
//! compared against ([`baseline`]), the event-loop heartbeat ([`lag`]), the statistics behind
//! every interval and verdict ([`stats`]), and [`cores`].
//!
//! Not part of the library: the `smartnotes` crate does not depend on it. The benches' result
//! schemas and strace parsing live in the unpublished `smartnotes-bench-support`.

pub mod baseline;
pub mod corpus;
pub mod lag;
pub mod stats;

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
