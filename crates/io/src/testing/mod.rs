//! Simulated stores, for testing code that uses smartnotes without touching a disk or a
//! network: [`MemFs`] (in memory), [`SlowFs`] (a latency per operation, fixed or jittered) and
//! [`FailingFs`] (faults injected on chosen operations), with [`InlineRuntime`] to run them
//! without an event loop.
//!
//! They are ordinary [`Store`](crate::Store)s: every operation of
//! [`StoreExt`](crate::StoreExt) works on them, with every [`Strategy`](crate::Strategy)
//! (each has a blocking twin), and the wrappers stack (`SlowFs<FailingFs<MemFs<_>>>`).
//!
//! ```
//! use std::time::Duration;
//! use smartnotes_io::StoreExt;
//! use smartnotes_io::testing::{InlineRuntime, Latency, MemFs, SlowFs};
//!
//! # futures_executor::block_on(async {
//! let mem = MemFs::new(InlineRuntime);
//! mem.insert("/notes/a.md", "# A\n\nbody\n")?;
//! let slow = SlowFs::new(mem.clone(), Latency::fixed(Duration::from_millis(1)));
//! let report = slow.pipeline("/notes", "/out").await?;
//! assert_eq!(report.exported.len(), 1);
//! assert_eq!(mem.get("/out/a.md").as_deref(), Some(&b"# A\n\nbody\n"[..]));
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```

mod failing;
mod mem;
mod slow;

use std::future::{Future, ready};
use std::time::Duration;

pub use failing::{FailingBlockingFs, FailingFs, Fault, FaultKind, Op};
pub use mem::MemFs;
pub use slow::{Latency, SlowBlockingFs, SlowFs};

use crate::Runtime;

/// A [`Runtime`] with no event loop, for tests and examples under a plain executor
/// (`futures::executor::block_on`): blocking work runs at once on the calling thread, and a
/// sleep blocks the calling thread when it is asked for.
///
/// Nothing overlaps on it (a [`SlowFs`] on it takes the sum of its waits, whatever the
/// strategy), so it is for correctness tests, never for timing; use a real runtime
/// (`smartnotes::tokio::TokioRuntime`, `smartnotes::smol::SmolRuntime`) for that.
#[derive(Clone, Copy, Debug, Default)]
pub struct InlineRuntime;

impl Runtime for InlineRuntime {
    fn spawn_blocking<F, T>(&self, f: F) -> impl Future<Output = T> + Send + 'static + use<F, T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        ready(f())
    }

    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
        std::thread::sleep(duration);
        ready(())
    }
}
