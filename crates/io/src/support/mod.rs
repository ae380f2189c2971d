//! Bench and test support, behind the `support` feature: not part of the library's API.
//!
//! The sample corpus and log ([`corpus`]), the plain `std::fs` loops every throughput figure
//! is compared against ([`baseline`]), the event-loop heartbeat ([`lag`]), the statistics
//! behind every verdict ([`stats`]), the typed results the benches write and `cargo xtask`
//! reads ([`results`]), system calls counted with strace ([`strace`]), and [`cores`].
//! The benches, `cargo xtask` and `smartnotes compare` share them, so a figure in
//! `BENCHMARKS.md` and one printed by `compare` are measured the same way.

pub mod baseline;
pub mod corpus;
pub mod lag;
pub mod results;
pub mod stats;
pub mod strace;

/// The number of cores this process may use (2 when the OS does not say): what the default
/// strategy sizes itself by, and the thread count of the two-thread baselines on this machine.
///
/// # Examples
/// ```
/// assert!(smartnotes_io::support::cores() >= 1);
/// ```
#[must_use]
pub fn cores() -> usize {
    crate::strategy::cores()
}
