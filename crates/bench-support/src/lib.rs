//! Bench support of smartnotes, not published and not library API: the typed results the
//! benches write and `cargo xtask` reads ([`results`]), system calls counted with strace
//! ([`strace`]), and, re-exported from `smartnotes-measure` (which `smartnotes compare` shares),
//! the sample corpus, the `std::fs` baseline, the heartbeat and the statistics.

pub mod results;
pub mod strace;

pub use smartnotes_measure::{
    IDLE_WINDOW, READ_WINDOW, baseline, cores, corpus, lag, repeat_for, stats,
};
