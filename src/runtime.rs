//! [`RuntimeKind`]: a runtime chosen at run time, and [`StoreJob`], work generic over the store
//! it runs on. The CLI, the benches, the tests and the examples choose their runtime here.

use std::fmt;
use std::future::Future;
use std::str::FromStr;

use crate::Store;

/// Work to run on whichever runtime a [`RuntimeKind`] names: an async function generic over
/// the store, since each runtime's store is its own type.
///
/// # Examples
/// ```
/// use smartnotes::{RuntimeKind, Store, StoreJob};
///
/// struct CountCores;
/// impl StoreJob for CountCores {
///     type Output = bool;
///     async fn run<S: Store>(self, store: S) -> bool {
///         store.blocking().is_some() // the real file system has a blocking twin
///     }
/// }
///
/// for kind in RuntimeKind::ALL {
///     assert!(kind.block_on(CountCores));
/// }
/// ```
pub trait StoreJob {
    /// What the job returns.
    type Output;

    /// Runs the job with `store`, the real file system of the chosen runtime, inside that
    /// runtime (its timers and blocking pool are available; reach them with
    /// [`Store::runtime`]).
    fn run<S: Store>(self, store: S) -> impl Future<Output = Self::Output>;
}

/// A runtime this build of smartnotes can run on, chosen at run time (a command-line flag, an
/// environment variable). Only the runtimes whose feature is enabled exist.
///
/// # Examples
/// ```
/// use smartnotes::RuntimeKind;
/// let kind: RuntimeKind = "smol".parse()?;
/// assert_eq!(kind.to_string(), "smol");
/// assert!("async-std".parse::<RuntimeKind>().is_err());
/// # Ok::<(), smartnotes::UnknownRuntime>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuntimeKind {
    /// tokio (feature `tokio`).
    #[cfg(feature = "tokio")]
    Tokio,
    /// smol's crates (feature `smol`).
    #[cfg(feature = "smol")]
    Smol,
}

impl RuntimeKind {
    /// Every runtime of this build, tokio first.
    pub const ALL: &'static [RuntimeKind] = &[
        #[cfg(feature = "tokio")]
        RuntimeKind::Tokio,
        #[cfg(feature = "smol")]
        RuntimeKind::Smol,
    ];

    /// Its name: `tokio` or `smol`.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(smartnotes::RuntimeKind::ALL[0].name(), "tokio");
    /// ```
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "tokio")]
            RuntimeKind::Tokio => "tokio",
            #[cfg(feature = "smol")]
            RuntimeKind::Smol => "smol",
        }
    }

    /// Runs `job` on this runtime's real file system, blocking the calling thread until it is
    /// done: [`Executor::new`] with [`Flavor::CurrentThread`], then [`Executor::block_on`].
    ///
    /// # Panics
    /// If tokio cannot start (the OS refuses a thread or an event source), or when called from
    /// inside a tokio runtime.
    ///
    /// # Examples
    /// ```
    /// use std::path::PathBuf;
    /// use smartnotes::{Error, RuntimeKind, Store, StoreExt, StoreJob};
    ///
    /// struct CountErrors(PathBuf);
    /// impl StoreJob for CountErrors {
    ///     type Output = Result<u64, Error>;
    ///     async fn run<S: Store>(self, store: S) -> Self::Output {
    ///         Ok(store.count_matching(&self.0, "ERROR").await?.matching_lines)
    ///     }
    /// }
    ///
    /// let dir = tempfile::tempdir()?;
    /// let log = dir.path().join("app.log");
    /// std::fs::write(&log, "ERROR a\nINFO b\nERROR c\n")?;
    /// for kind in RuntimeKind::ALL {
    ///     assert_eq!(kind.block_on(CountErrors(log.clone()))?, 2);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn block_on<J: StoreJob>(self, job: J) -> J::Output {
        Executor::new(self, Flavor::CurrentThread)
            .expect("cannot start the runtime")
            .block_on(job)
    }
}

/// How many threads an [`Executor`] runs tasks on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Flavor {
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
///
/// # Examples
/// ```
/// use smartnotes::{Executor, Flavor, RuntimeKind, Store, StoreJob};
///
/// struct HasTwin;
/// impl StoreJob for HasTwin {
///     type Output = bool;
///     async fn run<S: Store>(self, store: S) -> bool {
///         store.blocking().is_some()
///     }
/// }
///
/// let executor = Executor::new(RuntimeKind::ALL[0], Flavor::MultiThread)?;
/// assert!(executor.block_on(HasTwin) && executor.block_on(HasTwin));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Executor {
    kind: RuntimeKind,
    #[cfg(feature = "tokio")]
    tokio: Option<::tokio::runtime::Runtime>,
}

impl Executor {
    /// Starts `kind` with `flavor`.
    ///
    /// # Errors
    /// When tokio cannot start (the OS refuses a thread or an event source).
    ///
    /// # Examples
    /// ```
    /// use smartnotes::{Executor, Flavor, RuntimeKind};
    ///
    /// for &kind in RuntimeKind::ALL {
    ///     for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
    ///         assert_eq!(Executor::new(kind, flavor)?.kind(), kind);
    ///     }
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(kind: RuntimeKind, flavor: Flavor) -> std::io::Result<Self> {
        Ok(Self {
            kind,
            #[cfg(feature = "tokio")]
            tokio: match (kind, flavor) {
                (RuntimeKind::Tokio, Flavor::CurrentThread) => {
                    Some(crate::tokio::current_thread()?)
                }
                (RuntimeKind::Tokio, Flavor::MultiThread) => Some(
                    ::tokio::runtime::Builder::new_multi_thread()
                        .enable_all()
                        .build()?,
                ),
                #[allow(unreachable_patterns)]
                _ => None,
            },
        })
    }

    /// The runtime it runs.
    ///
    /// # Examples
    /// ```
    /// use smartnotes::{Executor, Flavor, RuntimeKind};
    /// let executor = Executor::new(RuntimeKind::ALL[0], Flavor::CurrentThread)?;
    /// assert_eq!(executor.kind(), RuntimeKind::ALL[0]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[must_use]
    pub fn kind(&self) -> RuntimeKind {
        self.kind
    }

    /// Runs `job` with the runtime's real file system, blocking the calling thread until it
    /// is done. This is the one place a runtime is chosen at run time.
    ///
    /// # Panics
    /// When called from inside a tokio runtime (tokio cannot block a thread it drives).
    ///
    /// # Examples
    /// ```
    /// use std::time::{Duration, Instant};
    /// use smartnotes::{Executor, Flavor, Runtime, RuntimeKind, Store, StoreJob};
    ///
    /// struct Nap;
    /// impl StoreJob for Nap {
    ///     type Output = ();
    ///     async fn run<S: Store>(self, store: S) {
    ///         store.runtime().sleep(Duration::from_millis(2)).await; // the runtime's own timer
    ///     }
    /// }
    ///
    /// let executor = Executor::new(RuntimeKind::ALL[0], Flavor::CurrentThread)?;
    /// let start = Instant::now();
    /// for _ in 0..3 {
    ///     executor.block_on(Nap); // one runtime, many jobs
    /// }
    /// assert!(start.elapsed() >= Duration::from_millis(6));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn block_on<J: StoreJob>(&self, job: J) -> J::Output {
        match self.kind {
            #[cfg(feature = "tokio")]
            RuntimeKind::Tokio => match &self.tokio {
                Some(runtime) => runtime.block_on(job.run(crate::tokio::fs())),
                None => crate::tokio::block_on(job.run(crate::tokio::fs())),
            },
            #[cfg(feature = "smol")]
            RuntimeKind::Smol => crate::smol::block_on(job.run(crate::smol::fs())),
        }
    }
}

impl fmt::Display for RuntimeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A runtime name this build does not have (unknown, or its feature is off).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRuntime {
    /// The name asked for.
    pub name: String,
}

impl fmt::Display for UnknownRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown runtime {:?}: this build has", self.name)?;
        if RuntimeKind::ALL.is_empty() {
            return f.write_str(" none (enable the `tokio` or `smol` feature)");
        }
        for (i, kind) in RuntimeKind::ALL.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            write!(f, "{sep}{kind}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownRuntime {}

impl FromStr for RuntimeKind {
    type Err = UnknownRuntime;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuntimeKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownRuntime { name: s.to_owned() })
    }
}
