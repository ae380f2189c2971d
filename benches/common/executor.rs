//! A started runtime of a [`RuntimeKind`], kept to run many jobs (a bench's iterations)
//! without starting a runtime for each: bench code, not library API.

use smartnotes::{RuntimeKind, StoreJob};

/// How many threads an [`Executor`] runs tasks on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub(crate) enum Flavor {
    /// Everything on the calling thread (the blocking pool aside): a tokio current-thread
    /// runtime, or `async_io::block_on` for smol. What a test or a small tool wants.
    #[default]
    CurrentThread,
    /// A tokio multi-thread runtime with a worker per core (what `#[tokio::main]` builds);
    /// smol runs on the calling thread as for `CurrentThread`, since its blocking pool and
    /// timer thread are its own.
    MultiThread,
}

/// A started runtime of a [`RuntimeKind`], kept to run many jobs (a bench's iterations)
/// without starting a runtime for each.
#[derive(Debug)]
pub(crate) struct Executor {
    kind: RuntimeKind,
    tokio: Option<tokio::runtime::Runtime>,
}

impl Executor {
    /// Starts `kind` with `flavor`.
    ///
    /// # Errors
    /// When tokio cannot start (the OS refuses a thread or an event source).
    pub(crate) fn new(kind: RuntimeKind, flavor: Flavor) -> std::io::Result<Self> {
        Ok(Self {
            kind,
            tokio: match (kind, flavor) {
                (RuntimeKind::Tokio, Flavor::CurrentThread) => Some(
                    tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()?,
                ),
                (RuntimeKind::Tokio, Flavor::MultiThread) => Some(
                    tokio::runtime::Builder::new_multi_thread()
                        .enable_all()
                        .build()?,
                ),
                #[allow(unreachable_patterns)]
                _ => None,
            },
        })
    }

    /// The runtime it runs.
    #[must_use]
    pub(crate) fn kind(&self) -> RuntimeKind {
        self.kind
    }

    /// Runs `job` with the runtime's real file system, blocking the calling thread until it
    /// is done. This is the one place a runtime is chosen at run time.
    ///
    /// # Panics
    /// When called from inside a tokio runtime (tokio cannot block a thread it drives).
    pub(crate) fn block_on<J: StoreJob>(&self, job: J) -> J::Output {
        match self.kind {
            RuntimeKind::Tokio => match &self.tokio {
                Some(runtime) => runtime.block_on(job.run(smartnotes::tokio::fs())),
                None => smartnotes::tokio::block_on(job.run(smartnotes::tokio::fs())),
            },
            RuntimeKind::Smol => smartnotes::smol::block_on(job.run(smartnotes::smol::fs())),
            // `RuntimeKind` is non-exhaustive: a later runtime on a fresh runtime of its own.
            other => other.block_on(job),
        }
    }
}
