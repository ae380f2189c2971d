//! A real S3 server on 127.0.0.1, in-process, for smartnotes' object-store tests, benches and
//! demos: not library API.
//!
//! It is [`s3s-fs`](https://crates.io/crates/s3s-fs) (the S3 protocol of the `s3s` crate over a
//! folder: a bucket is a directory, an object a file) served by hyper on its own tokio runtime,
//! with three additions a test needs:
//!
//! * **credentials**: requests must be signed (AWS Signature V4) with [`Config::access_key`]
//!   and [`Config::secret_key`]; anything else is refused as S3 refuses it;
//! * **a fixed delay per request**, on the server side ([`Config::delay`]), to measure how
//!   well a client overlaps its waits;
//! * **throttling** ([`Config::throttle`]): every request answered `503 SlowDown`, to see a
//!   client exhaust its retries.
//!
//! s3s-fs creates a missing bucket when an object is uploaded to it; S3 answers
//! `404 NoSuchBucket`, and so does this server.
//!
//! s3s-fs checks `If-None-Match: *` before it writes and then renames its temporary file into
//! place, which two racing uploads of one key could both pass. Real S3 makes a conditional
//! `PUT` atomic; so that this server does too, uploads of one key are applied one at a time
//! (after their delay, so the delays still overlap; uploads of other keys run at once).
//!
//! [`Server::stop`] drops the listener and every open connection at once, as a crashed or
//! unreachable server would.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;

/// How a [`Server`] behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The access key id requests must be signed with.
    pub access_key: String,
    /// The secret key requests must be signed with.
    pub secret_key: String,
    /// Added before every request is handled.
    pub delay: Duration,
    /// Answer every request `503 SlowDown` (a throttled service).
    pub throttle: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            access_key: "smartnotes".into(),
            secret_key: "smartnotes-secret".into(),
            delay: Duration::ZERO,
            throttle: false,
        }
    }
}

impl Config {
    /// This configuration with a fixed delay before every request.
    #[must_use]
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// This configuration answering every request `503 SlowDown`.
    #[must_use]
    pub fn with_throttle(mut self, throttle: bool) -> Self {
        self.throttle = throttle;
        self
    }
}

/// A running S3 server on `127.0.0.1` (an ephemeral port), serving the buckets of a folder.
pub struct Server {
    addr: SocketAddr,
    root: PathBuf,
    config: Config,
    runtime: Option<tokio::runtime::Runtime>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("endpoint", &self.endpoint())
            .field("root", &self.root)
            .field("running", &self.runtime.is_some())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Starts a server on `127.0.0.1` serving the buckets under `root` (each a directory).
    ///
    /// # Errors
    /// Whatever starting the runtime, reading `root` or binding the port fails with.
    pub fn start(root: &Path, config: Config) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .thread_name("s3-server")
            .enable_all()
            .build()?;
        let fs = s3s_fs::FileSystem::new(root).map_err(|e| io::Error::other(format!("{e:?}")))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(
            config.access_key.clone(),
            config.secret_key.clone(),
        ));
        let s3 = builder.build();
        let listener = runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", 0)))?;
        let addr = listener.local_addr()?;
        let (delay, throttle) = (config.delay, config.throttle);
        let uploads: Arc<[tokio::sync::Mutex<()>]> =
            (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect();
        let buckets = Arc::new(root.to_path_buf());
        runtime.spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    // Out of descriptors, most likely: let connections close before trying again.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let (s3, uploads, buckets) = (s3.clone(), uploads.clone(), buckets.clone());
                let service = service_fn(move |request: hyper::Request<Incoming>| {
                    let (s3, uploads, buckets) = (s3.clone(), uploads.clone(), buckets.clone());
                    async move {
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        if throttle {
                            return Ok(error(503, "SlowDown", "Please reduce your request rate."));
                        }
                        if let Some(bucket) = object_bucket(request.uri().path())
                            && !buckets.join(bucket).is_dir()
                        {
                            return Ok(error(
                                404,
                                "NoSuchBucket",
                                "The specified bucket does not exist",
                            ));
                        }
                        let _one_upload_per_key = if request.method() == hyper::Method::PUT {
                            Some(uploads[stripe(request.uri().path())].lock().await)
                        } else {
                            None
                        };
                        hyper::service::Service::call(&s3, request).await
                    }
                });
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        Ok(Self {
            addr,
            root: root.to_path_buf(),
            config,
            runtime: Some(runtime),
        })
    }

    /// The server's URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Creates an empty bucket (a directory under the root).
    ///
    /// # Errors
    /// Whatever creating the directory fails with.
    pub fn create_bucket(&self, name: &str) -> io::Result<()> {
        std::fs::create_dir_all(self.root.join(name))
    }

    /// The `AWS_*` environment variables a client (the `smartnotes` CLI, `AmazonS3Builder::from_env`)
    /// needs to reach this server with its credentials.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT", self.endpoint()),
            ("AWS_ACCESS_KEY_ID", self.config.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.config.secret_key.clone()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ALLOW_HTTP", "true".into()),
        ]
    }

    /// Stops the server at once: the listener and every open connection are dropped, requests
    /// in flight get no answer. Idempotent.
    pub fn stop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Locks that make uploads of one key take turns: a key's uploads share a stripe, uploads of
/// other keys mostly do not, so the server's threads write different objects at once.
const STRIPES: usize = 256;

/// The stripe of a request path.
fn stripe(path: &str) -> usize {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(path);
    (hash % STRIPES as u64) as usize
}

/// The bucket of a path-style object request (`/bucket/key...`), `None` for a request on a
/// bucket itself (create, list) or the service.
fn object_bucket(path: &str) -> Option<&str> {
    let (bucket, key) = path.strip_prefix('/')?.split_once('/')?;
    (!bucket.is_empty() && !key.is_empty()).then_some(bucket)
}

/// An S3 error answer.
fn error(status: u16, code: &str, message: &str) -> hyper::Response<s3s::Body> {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>\
         <Message>{message}</Message></Error>"
    );
    let mut response = hyper::Response::new(s3s::Body::from(body));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response
}
