//! Where notes are: a local path, or `s3://bucket/prefix` in an S3 (or S3-compatible) bucket
//! reached with the `AWS_*` environment variables. [`Place`] is either store, one type, so a
//! command is written once for every pair of locations.

use std::ffi::OsStr;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::Either;
use smartnotes::object_store::client::{BackoffConfig, RetryConfig};
use smartnotes::object_store::{Handle, IoThread, ObjectError, ObjectFs};
use smartnotes::{Entry, LocalFs, Runtime, StdFs, Store, Strategy, WriteMode};

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
    /// `s3://bucket/prefix` or a local path (clap's value parser).
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
            return Err(format!(
                "s3://{url}: `.`, `..` and empty parts are refused in a key"
            ));
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

    /// The strategy for this location: `strategy` for a local folder; for a bucket, concurrent
    /// requests (the batched-blocking strategy needs local files).
    pub(crate) fn strategy(&self, local: Strategy, explicit: bool) -> Result<Strategy, Fatal> {
        match (self, local) {
            (Location::Local(_), strategy) => Ok(strategy),
            (Location::S3 { .. }, Strategy::Blocking { .. } | Strategy::Uring { .. })
                if explicit =>
            {
                Err(format!(
                    "{self}: --strategy blocking and uring apply to local folders only (an object \
                     store has no blocking twin: use concurrent)"
                )
                .into())
            }
            (Location::S3 { .. }, Strategy::Blocking { .. } | Strategy::Uring { .. }) => {
                Ok(Strategy::Concurrent { limit: 64 })
            }
            (Location::S3 { .. }, strategy) => Ok(strategy),
        }
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

/// clap's value parser for a [`Location`].
pub(crate) fn parse_location(arg: &str) -> Result<Location, String> {
    Location::parse(arg.as_ref())
}

/// How the S3 client retries (object_store's `RetryConfig`, surfaced).
#[derive(clap::Args, Debug, Clone, Copy)]
pub(crate) struct RetryArgs {
    /// s3:// only: retries of a throttled or failed request before it is reported.
    #[arg(long, value_name = "N", default_value_t = 10)]
    retries: usize,
    /// s3:// only: give up retrying a request after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 180)]
    retry_timeout: u64,
}

impl RetryArgs {
    fn config(self) -> RetryConfig {
        RetryConfig {
            max_retries: self.retries,
            retry_timeout: Duration::from_secs(self.retry_timeout),
            backoff: BackoffConfig::default(),
        }
    }
}

/// The tokio runtime the object store's requests run on: the caller's on tokio, a side
/// thread's on smol. Held for as long as a [`Place`] is used.
pub(crate) struct Io {
    handle: Handle,
    _thread: Option<IoThread>,
}

impl Io {
    pub(crate) fn start() -> Result<Self, Fatal> {
        if let Ok(handle) = Handle::try_current() {
            return Ok(Io {
                handle,
                _thread: None,
            });
        }
        let thread = IoThread::start().map_err(|e| format!("starting the I/O thread: {e}"))?;
        Ok(Io {
            handle: thread.handle(),
            _thread: Some(thread),
        })
    }
}

/// The store a [`Location`] is in: the local file system or a bucket, on runtime `R`.
#[derive(Clone, Debug)]
pub(crate) enum Place<R> {
    Local(LocalFs<R>),
    Object(ObjectFs<R>),
}

impl<R: Runtime> Place<R> {
    /// The store of `location` (for a bucket: from the `AWS_*` variables, requests on `io`).
    pub(crate) fn open(
        location: &Location,
        runtime: R,
        io: &Io,
        retry: RetryArgs,
    ) -> Result<Self, Fatal> {
        match location {
            Location::Local(_) => Ok(Place::Local(LocalFs::new(runtime))),
            Location::S3 { bucket, .. } => {
                let store = smartnotes::object_store::s3_from_env(bucket, retry.config())
                    .map_err(|e| format!("{location}: {e}"))?;
                Ok(Place::Object(ObjectFs::new(
                    Arc::clone(&store),
                    runtime,
                    io.handle.clone(),
                )))
            }
        }
    }

    /// One request to a bucket before any work, so that a wrong bucket, credentials or
    /// endpoint is one clear error, not one per note. Nothing to do for a local path.
    pub(crate) async fn check(&self, location: &Location) -> Result<(), Fatal> {
        match self {
            Place::Local(_) => Ok(()),
            Place::Object(fs) => match fs.list(location.path()).await {
                Ok(_) => Ok(()),
                Err(e) => Err(describe(location, &e).into()),
            },
        }
    }
}

/// One line for an error at `location`: what went wrong first when it is a known problem.
pub(crate) fn describe(location: &Location, error: &io::Error) -> String {
    match ObjectError::of(error).and_then(ObjectError::problem) {
        Some(problem) => format!("{location}: {problem}"),
        None => format!("{location}: {error}"),
    }
}

impl<R: Runtime> Store for Place<R> {
    type Runtime = R;
    type Blocking = StdFs;

    fn runtime(&self) -> &R {
        match self {
            Place::Local(fs) => fs.runtime(),
            Place::Object(fs) => fs.runtime(),
        }
    }

    fn blocking(&self) -> Option<StdFs> {
        match self {
            Place::Local(fs) => fs.blocking(),
            Place::Object(_) => None,
        }
    }

    fn default_strategy(&self) -> Strategy {
        match self {
            Place::Local(fs) => fs.default_strategy(),
            Place::Object(fs) => fs.default_strategy(),
        }
    }

    fn has_directories(&self) -> bool {
        match self {
            Place::Local(fs) => fs.has_directories(),
            Place::Object(fs) => fs.has_directories(),
        }
    }

    fn list(&self, dir: &Path) -> impl Future<Output = io::Result<Vec<Entry>>> + Send {
        match self {
            Place::Local(fs) => Either::Left(fs.list(dir)),
            Place::Object(fs) => Either::Right(fs.list(dir)),
        }
    }

    fn read(&self, path: &Path, limit: u64) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        match self {
            Place::Local(fs) => Either::Left(fs.read(path, limit)),
            Place::Object(fs) => Either::Right(fs.read(path, limit)),
        }
    }

    fn read_at(
        &self,
        path: &Path,
        offset: u64,
        len: usize,
    ) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        match self {
            Place::Local(fs) => Either::Left(fs.read_at(path, offset, len)),
            Place::Object(fs) => Either::Right(fs.read_at(path, offset, len)),
        }
    }

    fn create_dir_all(&self, dir: &Path) -> impl Future<Output = io::Result<()>> + Send {
        match self {
            Place::Local(fs) => Either::Left(fs.create_dir_all(dir)),
            Place::Object(fs) => Either::Right(fs.create_dir_all(dir)),
        }
    }

    fn write_atomic(
        &self,
        path: &Path,
        bytes: Vec<u8>,
        mode: WriteMode,
    ) -> impl Future<Output = io::Result<()>> + Send {
        match self {
            Place::Local(fs) => Either::Left(fs.write_atomic(path, bytes, mode)),
            Place::Object(fs) => Either::Right(fs.write_atomic(path, bytes, mode)),
        }
    }
}
