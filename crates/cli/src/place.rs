//! Where notes are: a local path, or `s3://bucket/prefix` in an S3 (or S3-compatible) bucket
//! reached with the `AWS_*` environment variables. [`Place`] is either store, one type, so a
//! command is written once for every pair of locations.

use std::ffi::OsStr;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::future::Either;
use smartnotes::object_store::client::RetryConfig;
use smartnotes::object_store::{Handle, IoThread, ObjectError, ObjectFs};
use smartnotes::store::{Entry, LocalFs};
use smartnotes::{Runtime, Store, Strategy, WriteMode};
use smartnotes_local::StdFs;

use crate::Fatal;

/// A location given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Location {
    /// A local path.
    Local(PathBuf),
    /// A key (or key prefix) in an S3 bucket.
    S3 { bucket: String, key: PathBuf },
}

impl Location {
    /// `s3://bucket/prefix` or a local path (any bytes, as the OS allows).
    pub(crate) fn parse(arg: &OsStr) -> Result<Self, String> {
        let Some(url) = arg.to_str().and_then(|s| s.strip_prefix("s3://")) else {
            if arg.to_str().is_some_and(|s| s.contains("://")) {
                return Err(format!(
                    "{}: only s3:// URLs and local paths are supported",
                    arg.to_string_lossy()
                ));
            }
            return Ok(Location::Local(PathBuf::from(arg)));
        };
        let (bucket, key) = url.split_once('/').unwrap_or((url, ""));
        if bucket.is_empty() {
            return Err(format!("s3://{url}: no bucket named (s3://BUCKET/PREFIX)"));
        }
        let key = PathBuf::from(key.trim_matches('/'));
        if key.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(format!("s3://{url}: `..` is refused in a key"));
        }
        Ok(Location::S3 {
            bucket: bucket.to_owned(),
            key,
        })
    }

    /// The path within its store: the local path, or the key.
    pub(crate) fn path(&self) -> &Path {
        match self {
            Location::Local(path) => path,
            Location::S3 { key, .. } => key,
        }
    }

    pub(crate) fn is_remote(&self) -> bool {
        matches!(self, Location::S3 { .. })
    }

    /// Whether `self` and `other` are in the same store (so one may hold the other).
    pub(crate) fn same_store(&self, other: &Location) -> bool {
        match (self, other) {
            (Location::Local(_), Location::Local(_)) => true,
            (Location::S3 { bucket: a, .. }, Location::S3 { bucket: b, .. }) => a == b,
            _ => false,
        }
    }

    /// The strategy for reading or writing here, from `--strategy`, `--limit` and `--batch`:
    /// for a local folder the one asked for, or the default's batches (io_uring where built
    /// with it); for a bucket concurrent requests, `--limit` of them (64 by default), the
    /// batched strategies refused (an object store has no blocking twin).
    pub(crate) fn strategy(
        &self,
        asked: Option<StrategyArg>,
        limit: Option<u32>,
        batch: Option<u32>,
    ) -> Result<Strategy, Fatal> {
        let default = Strategy::default();
        let chosen = asked.unwrap_or(match (self, default) {
            (Location::S3 { .. }, _) => StrategyArg::Concurrent,
            (_, Strategy::Uring { .. }) => StrategyArg::Uring,
            _ => StrategyArg::Blocking,
        });
        let batched = matches!(
            chosen,
            StrategyArg::Blocking | StrategyArg::Uring | StrategyArg::Responsive
        );
        if batch.is_some() && asked.is_some() && !batched {
            return Err("--batch applies to --strategy blocking, uring or responsive only".into());
        }
        if batched && self.is_remote() {
            return Err(format!(
                "{self}: --strategy blocking, uring and responsive apply to local folders only \
                 (an object store has no blocking twin: use concurrent)"
            )
            .into());
        }
        let n = |n: u32| n as usize;
        // The batches of the preset asked for (the default's, or the responsive one's), with
        // --batch and --limit over them. `Strategy` is non-exhaustive: else these.
        let preset = match chosen {
            StrategyArg::Responsive => Strategy::responsive(),
            _ => default,
        };
        let (b, f) = match preset {
            Strategy::Blocking { batch, in_flight } | Strategy::Uring { batch, in_flight } => {
                (batch, in_flight)
            }
            _ => match Strategy::blocking() {
                Strategy::Blocking { batch, in_flight } => (batch, in_flight),
                _ => (256, 4),
            },
        };
        let (batch, in_flight) = (batch.map_or(b, n), limit.map_or(f, n));
        Ok(match chosen {
            StrategyArg::Sequential if limit.is_some() => {
                return Err(
                    "--limit applies to --strategy concurrent, blocking, uring or responsive"
                        .into(),
                );
            }
            StrategyArg::Sequential => Strategy::Sequential,
            StrategyArg::Concurrent => Strategy::concurrent(limit.map_or(64, n)),
            StrategyArg::Blocking => Strategy::Blocking { batch, in_flight },
            StrategyArg::Uring => Strategy::Uring { batch, in_flight },
            StrategyArg::Responsive => match preset {
                Strategy::Uring { .. } => Strategy::Uring { batch, in_flight },
                _ => Strategy::Blocking { batch, in_flight },
            },
        })
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Local(path) => path.display().fmt(f),
            Location::S3 { bucket, key } => write!(f, "s3://{bucket}/{}", key.display()),
        }
    }
}

/// clap's value parser for a [`Location`]: any OS string (a local path need not be UTF-8).
pub(crate) fn location() -> impl clap::builder::TypedValueParser<Value = Location> {
    use clap::builder::TypedValueParser;
    clap::builder::OsStringValueParser::new().try_map(|arg| Location::parse(&arg))
}

/// `--strategy`'s values: the names `compare` prints and reports use.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StrategyArg {
    /// One operation at a time.
    Sequential,
    /// Many async operations in flight (--limit, 64 by default).
    Concurrent,
    /// Batches of std::fs work on the blocking pool.
    Blocking,
    /// The same batches, reads submitted to io_uring (blocking where it is refused).
    Uring,
    /// Smaller batches (32, one per core) that keep a single-threaded event loop responsive.
    Responsive,
}

/// How the S3 client retries (object_store's `RetryConfig`, surfaced; the defaults are its
/// own).
#[derive(clap::Args, Debug, Clone, Copy)]
pub(crate) struct RetryArgs {
    /// s3:// only: retries of a throttled or failed request before it is reported.
    #[arg(long, value_name = "N", default_value_t = RetryConfig::default().max_retries)]
    retries: usize,
    /// s3:// only: give up retrying a request after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = RetryConfig::default().retry_timeout.as_secs())]
    retry_timeout: u64,
}

impl RetryArgs {
    fn config(self) -> RetryConfig {
        RetryConfig {
            max_retries: self.retries,
            retry_timeout: Duration::from_secs(self.retry_timeout),
            ..RetryConfig::default()
        }
    }
}

/// The store a [`Location`] is in: the local file system, or a bucket with, on a runtime other
/// than tokio, the I/O thread its requests run on (kept as long as the store).
#[derive(Clone, Debug)]
pub(crate) enum Place<R> {
    Local(LocalFs<R>),
    Object {
        fs: ObjectFs<R>,
        /// Keeps the I/O thread (outside tokio) as long as the store.
        _io: Option<Arc<IoThread>>,
    },
}

impl<R: Runtime> Place<R> {
    /// The store of `location` on `runtime`; a bucket from the `AWS_*` variables, its requests
    /// on the caller's tokio runtime, or on an I/O thread of its own outside tokio.
    pub(crate) fn open(location: &Location, runtime: R, retry: RetryArgs) -> Result<Self, Fatal> {
        let Location::S3 { bucket, .. } = location else {
            return Ok(Place::Local(LocalFs::new(runtime)));
        };
        let store = smartnotes::object_store::s3_from_env(bucket, retry.config())
            .map_err(|e| format!("{location}: {e}"))?;
        let (handle, thread) = match Handle::try_current() {
            Ok(handle) => (handle, None),
            Err(_) => {
                let thread =
                    IoThread::start().map_err(|e| format!("starting the I/O thread: {e}"))?;
                (thread.handle(), Some(Arc::new(thread)))
            }
        };
        Ok(Place::Object {
            fs: ObjectFs::new(store, runtime, handle),
            _io: thread,
        })
    }

    /// For a bucket, one request before any work, so that a wrong bucket, credentials or
    /// endpoint is one clear error, not one per note; for the source of an export or a count,
    /// a prefix with nothing under it is an error too (as a missing local folder is). Nothing
    /// to do for a local path.
    pub(crate) async fn check(&self, location: &Location, source: bool) -> Result<(), Fatal> {
        let Place::Object { fs, .. } = self else {
            return Ok(());
        };
        match fs.list(location.path()).await {
            Ok(entries) if source && entries.is_empty() => {
                Err(format!("{location}: nothing under this prefix").into())
            }
            Ok(_) => Ok(()),
            Err(e) => Err(describe(location, &e).into()),
        }
    }
}

/// One line for an I/O error at `location`: what went wrong first when it is a known problem.
pub(crate) fn describe(location: &Location, error: &io::Error) -> String {
    match ObjectError::of(error).and_then(ObjectError::problem) {
        Some(problem) => format!("{location}: {problem}"),
        None => format!("{location}: {error}"),
    }
}

/// A fatal error of a command on `location`, as one line: a bucket's known problem first.
pub(crate) fn fatal(location: &Location, error: smartnotes::Error) -> Fatal {
    match error.io_error() {
        Some(source) if location.is_remote() => describe(location, source).into(),
        _ => error.into(),
    }
}

/// Runs `$call` on whichever store `$place` holds (`$fs` names it): the value as it is, or, with
/// `either`, a future of either store, so one `Store` method is one line.
macro_rules! on_store {
    ($place:expr, |$fs:ident| $call:expr) => {
        match $place {
            Place::Local($fs) => $call,
            Place::Object { fs: $fs, .. } => $call,
        }
    };
    (either $place:expr, |$fs:ident| $call:expr) => {
        match $place {
            Place::Local($fs) => Either::Left($call),
            Place::Object { fs: $fs, .. } => Either::Right($call),
        }
    };
}

impl<R: Runtime> Store for Place<R> {
    type Runtime = R;
    type Blocking = StdFs;

    fn runtime(&self) -> &R {
        on_store!(self, |fs| fs.runtime())
    }

    fn blocking(&self) -> Option<StdFs> {
        match self {
            Place::Local(fs) => fs.blocking(),
            Place::Object { .. } => None,
        }
    }

    fn default_strategy(&self) -> Strategy {
        on_store!(self, |fs| fs.default_strategy())
    }

    fn has_directories(&self) -> bool {
        on_store!(self, |fs| fs.has_directories())
    }

    fn list(&self, dir: &Path) -> impl Future<Output = io::Result<Vec<Entry>>> + Send {
        on_store!(either self, |fs| fs.list(dir))
    }

    fn read(&self, path: &Path, limit: u64) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        on_store!(either self, |fs| fs.read(path, limit))
    }

    fn read_at(
        &self,
        path: &Path,
        offset: u64,
        len: usize,
    ) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        on_store!(either self, |fs| fs.read_at(path, offset, len))
    }

    fn locate(
        &self,
        outer: &Path,
        inner: &Path,
    ) -> impl Future<Output = io::Result<Option<PathBuf>>> + Send {
        on_store!(either self, |fs| fs.locate(outer, inner))
    }

    fn create_dir_all(&self, dir: &Path) -> impl Future<Output = io::Result<()>> + Send {
        on_store!(either self, |fs| fs.create_dir_all(dir))
    }

    fn modified(&self, path: &Path) -> impl Future<Output = io::Result<SystemTime>> + Send {
        on_store!(either self, |fs| fs.modified(path))
    }

    fn set_modified(
        &self,
        path: &Path,
        time: SystemTime,
    ) -> impl Future<Output = io::Result<()>> + Send {
        on_store!(either self, |fs| fs.set_modified(path, time))
    }

    fn write_atomic(
        &self,
        path: &Path,
        bytes: Vec<u8>,
        mode: WriteMode,
    ) -> impl Future<Output = io::Result<()>> + Send {
        on_store!(either self, |fs| fs.write_atomic(path, bytes, mode))
    }
}
