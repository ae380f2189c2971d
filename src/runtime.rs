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
    /// done, on a fresh current-thread runtime (tokio's, or `async_io::block_on` for smol).
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
        match self {
            #[cfg(feature = "tokio")]
            RuntimeKind::Tokio => crate::tokio::block_on(job.run(crate::tokio::fs())),
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
