//! smartnotes over any [`object_store::ObjectStore`]: notes in an S3 bucket (or MinIO, R2,
//! Ceph, GCS, Azure, or object_store's in-memory and local stores) read, exported and scanned
//! with the same [`StoreExt`](smartnotes_io::StoreExt) operations as local files.
//!
//! [`ObjectFs`] is the store. Keys are paths: `notes/inbox/a.md` is the object of that key,
//! and a folder is a key prefix (creating one is a no-op). What each operation does:
//!
//! * **list**: one level, with `list_with_delimiter` (objects and common prefixes), the pages
//!   fetched as the service pages them; the pipelines sort each level by key.
//! * **read**: one ranged `GET` of the first `limit + 1` bytes, so a note over the size limit
//!   is refused from the object's size in the response without its body being fetched.
//! * **write**: one `PUT` with [`PutMode::Create`] (S3's `If-None-Match: *`) for a no-clobber
//!   write: an object already there is the "already exists" outcome, never replaced. A single
//!   `PUT` is atomic: a failed or interrupted one leaves nothing.
//! * **scan**: ranged `GET`s of up to 8 MiB, in order, two in flight: a log of any size in
//!   bounded memory.
//!
//! # Strategy
//! Every request waits on the network, so overlapping requests is the whole game: the
//! default strategy is [`Strategy::Concurrent`](smartnotes_io::Strategy::Concurrent) with 64
//! requests in flight. The [`Blocking`](smartnotes_io::Strategy::Blocking) strategy is not
//! offered ([`Error::Unsupported`](smartnotes_io::Error::Unsupported)): an object store has no
//! blocking twin, and a blocking client would hold a thread for each request in flight to do
//! what one event loop does with none.
//!
//! # Runtimes
//! object_store's HTTP client runs on tokio. [`ObjectFs`] therefore sends every request as a
//! task on a tokio runtime you hand it (a [`Handle`]) and awaits the answer, which works from
//! any executor:
//!
//! * **on tokio**: the runtime you are on, `Handle::current()`;
//! * **on smol** (or any other executor): an [`IoThread`], a small tokio runtime on a side
//!   thread that does nothing but the object store's network I/O, while parsing, the
//!   pipeline and your code stay on smol.
//!
//! A request that has been sent completes on that runtime even if the future awaiting it is
//! dropped, as a blocking job does: a cancelled export leaves whole objects or none.
//!
//! # Errors and retries
//! object_store retries throttled and failed requests itself (its `RetryConfig`, set on the
//! store's builder); smartnotes does not retry on top of it. Errors keep object_store's
//! message, which names the key, inside an [`io::Error`] whose kind says what happened
//! (`NotFound`, `AlreadyExists`, `PermissionDenied`, `InvalidInput` for a key object_store
//! refuses, `Other`).
//!
//! ```
//! use std::sync::Arc;
//! use futures_util::TryStreamExt;
//! use object_store::memory::InMemory;
//! use smartnotes_io::StoreExt;
//! use smartnotes_object_store::{IoThread, ObjectFs};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let io = IoThread::start()?; // on tokio: tokio::runtime::Handle::current()
//! let bucket = ObjectFs::new(Arc::new(InMemory::new()), smartnotes_smol::SmolRuntime, io.handle());
//! async_io::block_on(async {
//!     bucket.write_note("notes/a.md", "# A\n\nbody\n\nTags: x\n").await?;
//!     let report = bucket.pipeline("notes", "out").await?;
//!     assert_eq!(report.exported.len(), 1);
//!     let notes: Vec<_> = bucket.read_notes("out").try_collect().await?;
//!     assert_eq!(notes[0].note.title, "A");
//!     Ok(())
//! })
//! # }
//! ```
#![forbid(unsafe_code)]

use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use object_store::path::Path as Key;
use object_store::{
    GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload,
};
use smartnotes_io::{Entry, EntryKind, NoBlocking, Runtime, Store, TooLarge, WriteMode};
pub use tokio::runtime::Handle;

/// A smartnotes [`Store`] over an [`ObjectStore`]: notes in a bucket.
///
/// `R` is the runtime the pipelines run on (`smartnotes_tokio::TokioRuntime`,
/// `smartnotes_smol::SmolRuntime`); the object store's requests run on the tokio runtime of
/// the [`Handle`] (see the [crate docs](crate#runtimes)).
#[derive(Clone)]
pub struct ObjectFs<R> {
    store: Arc<dyn ObjectStore>,
    runtime: R,
    io: Handle,
}

impl<R: fmt::Debug> fmt::Debug for ObjectFs<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectFs")
            .field("store", &format_args!("{}", self.store))
            .field("runtime", &self.runtime)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime> ObjectFs<R> {
    /// The notes of `store`, with the pipelines on `runtime` and the store's requests on the
    /// tokio runtime of `io`.
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use object_store::memory::InMemory;
    /// use smartnotes_object_store::ObjectFs;
    /// use smartnotes_tokio::TokioRuntime;
    ///
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let bucket = ObjectFs::new(Arc::new(InMemory::new()), TokioRuntime, tokio::runtime::Handle::current());
    /// # let _ = bucket; });
    /// ```
    pub fn new(store: Arc<dyn ObjectStore>, runtime: R, io: Handle) -> Self {
        Self { store, runtime, io }
    }

    /// The object store underneath.
    ///
    /// # Examples
    /// ```
    /// # use std::sync::Arc;
    /// # use object_store::memory::InMemory;
    /// # use smartnotes_object_store::{IoThread, ObjectFs};
    /// # let io = IoThread::start().unwrap();
    /// let bucket = ObjectFs::new(Arc::new(InMemory::new()), smartnotes_smol::SmolRuntime, io.handle());
    /// assert_eq!(bucket.object_store().to_string(), "InMemory");
    /// ```
    pub fn object_store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// Writes `text` at `path` unless something is there: a convenience for setting up a
    /// bucket (a note is written by an export the same way).
    ///
    /// # Errors
    /// `AlreadyExists` if an object is at `path`; whatever the request fails with.
    ///
    /// # Examples
    /// ```
    /// # use std::sync::Arc;
    /// # use object_store::memory::InMemory;
    /// # use smartnotes_object_store::{IoThread, ObjectFs};
    /// # let io = IoThread::start().unwrap();
    /// let bucket = ObjectFs::new(Arc::new(InMemory::new()), smartnotes_smol::SmolRuntime, io.handle());
    /// async_io::block_on(async {
    ///     bucket.write_note("a.md", "# A\n").await.unwrap();
    ///     assert!(bucket.write_note("a.md", "# B\n").await.is_err()); // never replaced
    /// });
    /// ```
    pub async fn write_note(
        &self,
        path: impl AsRef<Path>,
        text: impl Into<String>,
    ) -> io::Result<()> {
        let bytes = text.into().into_bytes();
        self.write_atomic(path.as_ref(), bytes, WriteMode::CreateNew)
            .await
    }

    /// Runs `request` on the object store's tokio runtime and waits for it from any executor.
    fn on_io<T, F>(&self, request: F) -> impl Future<Output = io::Result<T>> + Send + 'static
    where
        F: Future<Output = io::Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let task = self.io.spawn(request);
        async move {
            match task.await {
                Ok(result) => result,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => Err(io::Error::other(
                    "the object store's tokio runtime shut down before the request finished",
                )),
            }
        }
    }
}

/// The object key of a store path: its plain components joined with `/`. A `..` component,
/// a name that is not UTF-8, or one object_store refuses (`.`, control characters) is an
/// `InvalidInput` error naming the path: never a key elsewhere than the one written.
fn key(path: &Path) -> io::Result<Key> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(name) => parts.push(name.to_str().ok_or_else(|| {
                invalid(path, "a name that is not UTF-8 cannot be an object key")
            })?),
            Component::CurDir | Component::RootDir => {}
            Component::ParentDir | Component::Prefix(_) => {
                return Err(invalid(path, "`..` is refused in an object key"));
            }
        }
    }
    Key::parse(parts.join("/")).map_err(|e| invalid(path, &e.to_string()))
}

fn invalid(path: &Path, why: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{}: {why}", path.display()),
    )
}

/// What went wrong with a request, when it is one of the failures a user meets and can act
/// on, read off object_store's error (its message carries the HTTP status and the service's
/// error code; object_store does not expose them as values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Problem {
    /// The bucket does not exist (`NoSuchBucket`).
    NoSuchBucket,
    /// The credentials were refused (`403`/`401`: a wrong key or secret, or no right to this
    /// bucket).
    AccessDenied,
    /// The service kept answering `503 SlowDown` (or another `5xx`) until object_store's
    /// retries ran out.
    Throttled,
    /// The endpoint could not be reached (connection refused or reset, no route, timeout).
    Unreachable,
    /// No object at the key (`NoSuchKey`).
    NoSuchKey,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::NoSuchBucket => "no such bucket",
            Problem::AccessDenied => {
                "access denied (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's policy)"
            }
            Problem::Throttled => "the service is throttling or failing requests, and the retries ran out",
            Problem::Unreachable => "the endpoint cannot be reached (check AWS_ENDPOINT and the network)",
            Problem::NoSuchKey => "no such object",
        })
    }
}

impl Problem {
    fn of(error: &object_store::Error) -> Option<Problem> {
        use object_store::Error as E;
        match error {
            // Outcomes of a request the service answered as asked: no problem to report.
            E::AlreadyExists { .. }
            | E::Precondition { .. }
            | E::NotModified { .. }
            | E::InvalidPath { .. }
            | E::NotSupported { .. }
            | E::NotImplemented { .. } => return None,
            E::PermissionDenied { .. } | E::Unauthenticated { .. } => {
                return Some(Problem::AccessDenied);
            }
            _ => {}
        }
        let (code, status) = answer(error);
        match (code.as_deref(), status) {
            (Some("NoSuchBucket"), _) => Some(Problem::NoSuchBucket),
            (Some("SignatureDoesNotMatch" | "InvalidAccessKeyId" | "AccessDenied"), _)
            | (_, Some(401 | 403)) => Some(Problem::AccessDenied),
            (Some("SlowDown"), _) | (_, Some(500..=599)) => Some(Problem::Throttled),
            _ if matches!(error, E::NotFound { .. }) => Some(Problem::NoSuchKey),
            _ if unreachable(error) => Some(Problem::Unreachable),
            _ => None,
        }
    }
}

/// The service's answer in an object_store error: its error code (`<Code>` of the S3 error
/// body) and HTTP status, as object_store's message carries them (it does not expose them as
/// values). Read from those two markers only, so a key never passes for an answer: in the
/// request URL it is percent-encoded, and a typed error naming it is classified before this.
fn answer(error: &object_store::Error) -> (Option<String>, Option<u16>) {
    let text = error.to_string();
    let code = text
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map(|(code, _)| code.to_owned());
    let status = text
        .split_once("non-2xx status code: ")
        .and_then(|(_, rest)| rest.get(..3))
        .and_then(|digits| digits.parse().ok());
    (code, status)
}

/// Whether the HTTP client failed to connect or timed out (object_store's `HttpError` in the
/// error's sources).
#[cfg(feature = "aws")]
fn unreachable(error: &object_store::Error) -> bool {
    use object_store::client::{HttpError, HttpErrorKind};
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(http) = e.downcast_ref::<HttpError>() {
            return matches!(http.kind(), HttpErrorKind::Connect | HttpErrorKind::Timeout);
        }
        source = e.source();
    }
    false
}

/// Without an HTTP client compiled in, no request can fail to connect.
#[cfg(not(feature = "aws"))]
fn unreachable(_: &object_store::Error) -> bool {
    false
}

/// The error of an object store request, inside the [`io::Error`] the store returns: object_store's
/// error (whose message names the key) and, when recognised, the [`Problem`].
#[derive(Debug)]
pub struct ObjectError {
    problem: Option<Problem>,
    source: object_store::Error,
}

impl ObjectError {
    /// The [`ObjectError`] an [`io::Error`] from an [`ObjectFs`] carries, if it carries one.
    ///
    /// # Examples
    /// ```
    /// let error = std::io::Error::other("not from an object store");
    /// assert!(smartnotes_object_store::ObjectError::of(&error).is_none());
    /// ```
    pub fn of(error: &io::Error) -> Option<&ObjectError> {
        error.get_ref()?.downcast_ref::<ObjectError>()
    }

    /// What went wrong, when it is one of the [`Problem`]s a user can act on.
    ///
    /// # Examples
    /// ```
    /// # let error = std::io::Error::other("x");
    /// if let Some(problem) = smartnotes_object_store::ObjectError::of(&error).and_then(|e| e.problem()) {
    ///     eprintln!("{problem}");
    /// }
    /// ```
    pub fn problem(&self) -> Option<Problem> {
        self.problem
    }

    /// object_store's error.
    ///
    /// # Examples
    /// ```
    /// # let error = std::io::Error::other("x");
    /// if let Some(e) = smartnotes_object_store::ObjectError::of(&error) {
    ///     eprintln!("{}", e.object_store_error());
    /// }
    /// ```
    pub fn object_store_error(&self) -> &object_store::Error {
        &self.source
    }
}

impl fmt::Display for ObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            Some(problem) => write!(f, "{problem}: {}", self.source),
            None => self.source.fmt(f),
        }
    }
}

impl std::error::Error for ObjectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// An object_store error as an [`io::Error`] of the matching kind, carrying an [`ObjectError`].
/// Never one of the kinds smartnotes retries: object_store has retried already.
fn to_io(error: object_store::Error) -> io::Error {
    use object_store::Error as E;
    let problem = Problem::of(&error);
    let kind = match (&error, problem) {
        (_, Some(Problem::NoSuchBucket)) | (E::NotFound { .. }, _) => io::ErrorKind::NotFound,
        (_, Some(Problem::AccessDenied)) => io::ErrorKind::PermissionDenied,
        (E::AlreadyExists { .. }, _) => io::ErrorKind::AlreadyExists,
        (E::InvalidPath { .. }, _) => io::ErrorKind::InvalidInput,
        (E::NotSupported { .. } | E::NotImplemented { .. }, _) => io::ErrorKind::Unsupported,
        _ => io::ErrorKind::Other,
    };
    io::Error::new(
        kind,
        ObjectError {
            problem,
            source: error,
        },
    )
}

/// Whether a failed ranged read may only mean an empty object or a range past the end (S3
/// answers `416 InvalidRange` to any range of an empty object): worth a `HEAD` to tell. Any
/// other failure is reported as it is (a `HEAD` would only start the retries again).
fn maybe_past_the_end(error: &object_store::Error) -> bool {
    let (code, status) = answer(error);
    status == Some(416) || code.as_deref() == Some("InvalidRange")
}

/// `path` joined with the last part of `key`: entries keep the shape of the path listed.
fn child(dir: &Path, key: &Key) -> Option<PathBuf> {
    key.parts().next_back().map(|part| dir.join(part.as_ref()))
}

impl<R: Runtime> Store for ObjectFs<R> {
    type Runtime = R;
    type Blocking = NoBlocking;

    fn runtime(&self) -> &R {
        &self.runtime
    }

    fn blocking(&self) -> Option<NoBlocking> {
        None
    }

    fn has_directories(&self) -> bool {
        false
    }

    fn list(&self, dir: &Path) -> impl Future<Output = io::Result<Vec<Entry>>> + Send {
        let (store, dir) = (self.store.clone(), dir.to_path_buf());
        let prefix = key(&dir);
        let listing = prefix.map(|prefix| {
            self.on_io(async move {
                let at = (prefix != Key::ROOT).then_some(&prefix);
                let listed = store.list_with_delimiter(at).await.map_err(to_io)?;
                let folders = listed.common_prefixes.iter().filter_map(|p| {
                    Some(Entry {
                        path: child(&dir, p)?,
                        kind: EntryKind::Dir,
                    })
                });
                let objects = listed
                    .objects
                    .iter()
                    .filter(|o| o.location != prefix) // a folder marker object, `dir/`
                    .filter_map(|o| {
                        Some(Entry {
                            path: child(&dir, &o.location)?,
                            kind: EntryKind::File,
                        })
                    });
                Ok(folders.chain(objects).collect())
            })
        });
        async move { listing?.await }
    }

    fn read(&self, path: &Path, limit: u64) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        let store = self.store.clone();
        let request = key(path).map(|key| {
            self.on_io(async move {
                let options = GetOptions {
                    range: Some(GetRange::Bounded(0..limit.saturating_add(1))),
                    ..GetOptions::default()
                };
                match store.get_opts(&key, options).await {
                    Ok(got) => {
                        // The object's whole size comes with the first bytes: over the limit,
                        // the body is dropped unread.
                        TooLarge::check(got.meta.size, limit)?;
                        Ok(got.bytes().await.map_err(to_io)?.into())
                    }
                    Err(e) if maybe_past_the_end(&e) => match store.head(&key).await {
                        Ok(meta) if meta.size == 0 => Ok(Vec::new()),
                        _ => Err(to_io(e)),
                    },
                    Err(e) => Err(to_io(e)),
                }
            })
        });
        async move { request?.await }
    }

    /// The object's `Last-Modified`, from one `HEAD` request. (Setting it is not possible: the
    /// service sets it when an object is written, so `set_modified` is `Unsupported`.)
    fn modified(&self, path: &Path) -> impl Future<Output = io::Result<SystemTime>> + Send {
        let store = self.store.clone();
        let request = key(path).map(|key| {
            self.on_io(async move {
                let meta = store.head(&key).await.map_err(to_io)?;
                Ok(SystemTime::from(meta.last_modified))
            })
        });
        async move { request?.await }
    }

    fn read_at(
        &self,
        path: &Path,
        offset: u64,
        len: usize,
    ) -> impl Future<Output = io::Result<Vec<u8>>> + Send {
        let store = self.store.clone();
        let request = key(path).map(|key| {
            self.on_io(async move {
                let end = offset.saturating_add(len as u64);
                if end == offset {
                    return Ok(Vec::new());
                }
                match store.get_range(&key, offset..end).await {
                    Ok(bytes) => Ok(bytes.into()),
                    Err(e) if maybe_past_the_end(&e) => match store.head(&key).await {
                        Ok(meta) if offset >= meta.size => Ok(Vec::new()),
                        _ => Err(to_io(e)),
                    },
                    Err(e) => Err(to_io(e)),
                }
            })
        });
        async move { request?.await }
    }

    fn create_dir_all(&self, dir: &Path) -> impl Future<Output = io::Result<()>> + Send {
        let checked = key(dir).map(drop);
        async move { checked }
    }

    fn write_atomic(
        &self,
        path: &Path,
        bytes: Vec<u8>,
        mode: WriteMode,
    ) -> impl Future<Output = io::Result<()>> + Send {
        let store = self.store.clone();
        let request = key(path).map(|key| {
            self.on_io(async move {
                let mode = match mode {
                    WriteMode::Replace => PutMode::Overwrite,
                    _ => PutMode::Create,
                };
                let options = PutOptions {
                    mode,
                    ..PutOptions::default()
                };
                store
                    .put_opts(&key, PutPayload::from(bytes), options)
                    .await
                    .map(drop)
                    .map_err(to_io)
            })
        });
        async move { request?.await }
    }
}

/// A tokio runtime on a side thread for the object store's network I/O, for programs that run
/// on smol or another executor (see the [crate docs](crate#runtimes)). Dropping it stops the
/// runtime; requests still in flight then fail.
pub struct IoThread {
    runtime: Option<tokio::runtime::Runtime>,
    handle: Handle,
}

impl fmt::Debug for IoThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IoThread")
            .field("running", &self.runtime.is_some())
            .finish()
    }
}

impl IoThread {
    /// Starts the runtime: one worker thread (network I/O needs little CPU), with I/O and
    /// timers enabled.
    ///
    /// # Errors
    /// Whatever starting a thread fails with.
    ///
    /// # Examples
    /// ```
    /// let io = smartnotes_object_store::IoThread::start()?;
    /// let handle = io.handle(); // for ObjectFs::new
    /// # let _ = handle;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start() -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("smartnotes-object-io")
            .enable_all()
            .build()?;
        Ok(Self {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
        })
    }

    /// The runtime's handle, for [`ObjectFs::new`].
    ///
    /// # Examples
    /// ```
    /// let io = smartnotes_object_store::IoThread::start()?;
    /// let answer = io.handle().block_on(async { 6 * 7 }); // (ObjectFs spawns on it instead)
    /// assert_eq!(answer, 42);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }
}

impl Drop for IoThread {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Never blocks, so it may be dropped inside an async context.
            runtime.shutdown_background();
        }
    }
}

/// The store of the S3 bucket `bucket` from the `AWS_*` environment variables
/// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT`,
/// `AWS_ALLOW_HTTP`, ...: object_store's `AmazonS3Builder::from_env`), with `retry` for its
/// retries of throttled and failed requests. Conditional puts (`If-None-Match: *`), which
/// no-clobber writes need, are object_store's default.
///
/// # Errors
/// object_store's error when the configuration is incomplete or invalid.
///
/// # Examples
/// ```
/// let store = smartnotes_object_store::s3_from_env("notes", object_store::RetryConfig::default())?;
/// assert!(store.to_string().contains("notes"));
/// # Ok::<(), object_store::Error>(())
/// ```
#[cfg(feature = "aws")]
pub fn s3_from_env(
    bucket: &str,
    retry: object_store::RetryConfig,
) -> object_store::Result<Arc<dyn ObjectStore>> {
    // Conditional puts are object_store's default (`AWS_CONDITIONAL_PUT` may change that).
    let store = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_retry(retry)
        .build()?;
    Ok(Arc::new(store))
}
