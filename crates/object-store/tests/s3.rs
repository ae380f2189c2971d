//! The object-store adapter against a real S3 server on 127.0.0.1 (s3s-fs, started by each
//! test in-process: `smartnotes-s3-server`), through object_store's real S3 client, on tokio
//! and on smol. No mock of object_store's traits.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::{BackoffConfig, RetryConfig};
use smartnotes_io::{
    Error, Names, Options, Outcome, Runtime, ScanOptions, Store, StoreExt, Strategy,
};
use smartnotes_local::LocalFs;
use smartnotes_object_store::ObjectFs;
use smartnotes_s3_server::{Config, Server};

/// One test's world: a server with a bucket `notes`, the bucket as a store, the local file
/// system on the same runtime, and a temporary folder.
struct World<R: Runtime> {
    server: Server,
    bucket: ObjectFs<R>,
    local: LocalFs<R>,
    dir: tempfile::TempDir,
    handle: tokio::runtime::Handle,
    runtime: R,
}

impl<R: Runtime> World<R> {
    /// The store of `bucket` on this world's server, signed with `secret`.
    fn store(&self, bucket: &str, secret: &str, retries: usize) -> ObjectFs<R> {
        let store = AmazonS3Builder::new()
            .with_endpoint(self.server.endpoint())
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_bucket_name(bucket)
            .with_access_key_id(&self.server.config().access_key)
            .with_secret_access_key(secret)
            .with_retry(retry(retries))
            .build()
            .expect("a valid S3 configuration");
        ObjectFs::new(Arc::new(store), self.runtime.clone(), self.handle.clone())
    }

    fn src(&self) -> PathBuf {
        self.dir.path().join("src")
    }

    /// Writes `notes` under [`World::src`] and exports them to `vault/` in the bucket, kept
    /// names, recursively: the report and the options used.
    async fn upload(&self, notes: &[(&str, &str)]) -> (smartnotes_io::Report, Options) {
        write_files(&self.src(), notes);
        let opts = Options::default()
            .with_recursive(true)
            .with_names(Names::Keep);
        let up = self
            .bucket
            .export_with(
                "vault",
                self.local.read_notes_with(self.src(), &opts),
                &opts,
            )
            .await
            .unwrap();
        (up, opts)
    }

    /// The bucket's objects as the server stores them (its files), by key.
    fn objects(&self, bucket: &str) -> BTreeMap<String, Vec<u8>> {
        let root = self.dir.path().join("server").join(bucket);
        files(&root)
            .into_iter()
            .map(|(path, bytes)| (path.to_string_lossy().replace('\\', "/"), bytes))
            .collect()
    }
}

/// Few retries with short waits: a failure is reported in milliseconds, not minutes.
fn retry(retries: usize) -> RetryConfig {
    RetryConfig {
        max_retries: retries,
        retry_timeout: Duration::from_secs(5),
        backoff: BackoffConfig {
            init_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            base: 2.0,
        },
    }
}

fn world<R: Runtime>(runtime: R, handle: tokio::runtime::Handle, config: Config) -> World<R> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("server");
    std::fs::create_dir_all(&root).unwrap();
    let server = Server::start(&root, config).expect("the S3 server starts");
    server.create_bucket("notes").unwrap();
    let mut world = World {
        bucket: ObjectFs::new(
            Arc::new(object_store::memory::InMemory::new()),
            runtime.clone(),
            handle.clone(),
        ),
        local: LocalFs::new(runtime.clone()),
        server,
        dir,
        handle,
        runtime,
    };
    world.bucket = world.store("notes", &world.server.config().secret_key.clone(), 2);
    world
}

/// Every file under `dir`, by path relative to it (nothing if `dir` is missing). s3s-fs's own
/// bookkeeping (`.bucket-*.metadata.json` and the like, at the root) is left out.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_path_buf();
                out.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// Runs each test body on tokio (a multi-thread runtime whose handle the store uses) and on
/// smol (async-io's executor, the store's requests on an [`IoThread`]).
macro_rules! on_both_runtimes {
    ($($name:ident $(: $config:expr)?),* $(,)?) => {
        mod tokio_runtime {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    let rt = tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(2)
                        .enable_all()
                        .build()
                        .unwrap();
                    #[allow(unused_mut, unused_assignments)]
                    let mut config = smartnotes_s3_server::Config::default();
                    $( config = $config; )?
                    let world = super::world(smartnotes_tokio::TokioRuntime, rt.handle().clone(), config);
                    rt.block_on(super::$name(world));
                }
            )*
        }
        mod smol_runtime {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $name() {
                    let io = smartnotes_object_store::IoThread::start().unwrap();
                    #[allow(unused_mut, unused_assignments)]
                    let mut config = smartnotes_s3_server::Config::default();
                    $( config = $config; )?
                    let world = super::world(smartnotes_smol::SmolRuntime, io.handle(), config);
                    async_io::block_on(super::$name(world));
                }
            )*
        }
    };
}

on_both_runtimes!(
    round_trip_is_byte_identical,
    no_clobber_across_two_concurrent_exports,
    odd_keys,
    missing_bucket,
    bad_credentials,
    throttled_requests_exhaust_their_retries: Config::default().with_throttle(true),
    server_stopped_mid_export: Config::default().with_delay(Duration::from_millis(2)),
    reads_and_scans,
    an_export_never_writes_into_its_own_prefix,
);

/// The README's "the source is never written to", in a bucket: a prefix exported into itself
/// (however spelled) is refused before anything is written, three runs in a row; a destination
/// prefix inside a recursive source is left out of the walk, and its notes are counted.
async fn an_export_never_writes_into_its_own_prefix<R: Runtime>(w: World<R>) {
    let notes = [("a.md", "# A\n"), ("sub/s.md", "# S\n")];
    let (up, opts) = w.upload(&notes).await;
    assert_eq!(up.exported.len(), 2);
    let before = w.objects("notes");
    for run in 0..3 {
        for dest in ["vault", "vault/", "./vault", "vault/sub/.."] {
            let refused = w.bucket.pipeline_with("vault", dest, &opts).await;
            assert!(
                matches!(refused, Err(Error::Overlap { .. })),
                "run {run}, {dest}: {refused:?}"
            );
        }
        assert_eq!(w.objects("notes"), before, "run {run}");
    }
    let inside = w
        .bucket
        .pipeline_with("vault", "vault/sub", &opts)
        .await
        .unwrap();
    assert_eq!((inside.exported.len(), inside.in_dest), (1, 1));
}

/// Notes with front matter, no trailing newline, CRLF, unicode, spaces and `..` in names, in
/// folders: local -> bucket -> local gives the same files, byte for byte.
async fn round_trip_is_byte_identical<R: Runtime>(w: World<R>) {
    let notes = [
        ("a.md", "# Alpha\n\nbody\n\nTags: x\n"),
        (
            "with space.md",
            "---\ntags: [a, b]\n---\nNo heading, #inline tag",
        ),
        ("crlf.md", "# Windows\r\n\r\nline\r\n"),
        ("ünïcödé 日本.md", "# Ünïcödé\n\n日本語\n"),
        ("dots..in..name.md", "# Dots\n"),
        ("50% off #sale [x].md", "# Sale\n"),
        // Names that read like a service's answer are still only names.
        (
            "AccessDenied 403 Forbidden SlowDown.md",
            "# Not a problem\n",
        ),
        ("sub/deep/b.md", "# Beta\n\n[[a]]\n"),
        ("sub/c.md", "# Gamma\n"),
    ];
    let (up, opts) = w.upload(&notes).await;
    assert!(up.is_complete(), "{:?}", up.skipped);
    assert_eq!(up.exported.len(), notes.len());
    let objects = w.objects("notes");
    for (name, text) in &notes {
        assert_eq!(
            objects.get(&format!("vault/{name}")).map(Vec::as_slice),
            Some(text.as_bytes()),
            "{name}"
        );
    }

    let back = w.dir.path().join("back");
    let down_opts = opts.clone().with_strategy(Strategy::Sequential);
    let down = w
        .local
        .export_with(&back, w.bucket.read_notes_with("vault", &opts), &down_opts)
        .await
        .unwrap();
    assert!(down.is_complete(), "{:?}", down.skipped);
    assert_eq!(files(&back), files(&w.src()));

    // The pipeline within the bucket too, and again: everything unchanged, nothing replaced.
    let copy = w
        .bucket
        .pipeline_with("vault", "copy", &opts)
        .await
        .unwrap();
    assert_eq!(copy.exported.len(), notes.len());
    let again = w
        .bucket
        .pipeline_with("vault", "copy", &opts)
        .await
        .unwrap();
    assert_eq!(
        (again.exported.len(), again.unchanged.len()),
        (0, notes.len())
    );
}

/// Two exports of different notes with the same names, at once, to one prefix: each key holds
/// one export's note, whole, and every note is exported or reported as taken.
async fn no_clobber_across_two_concurrent_exports<R: Runtime>(w: World<R>) {
    let n = 60;
    for side in ["left", "right"] {
        for i in 0..n {
            let path = w.src().join(side).join(format!("note-{i:03}.md"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, format!("# Note {i}\n\nfrom {side}\n")).unwrap();
        }
    }
    let opts = Options::default()
        .with_names(Names::Keep)
        .with_strategy(Strategy::Concurrent { limit: 16 });
    let export = |side: &'static str| {
        let notes = w.local.read_notes_with(w.src().join(side), &opts);
        w.bucket.export_with("shared", notes, &opts)
    };
    let (left, right) = futures_util::join!(export("left"), export("right"));
    let (left, right) = (left.unwrap(), right.unwrap());
    let objects = w.objects("notes");
    assert_eq!(objects.len(), n);
    assert_eq!(left.exported.len() + right.exported.len(), n);
    assert_eq!(left.skipped.len() + right.skipped.len(), n);
    for (report, side) in [(&left, "left"), (&right, "right")] {
        for exported in &report.exported {
            let key = format!(
                "shared/{}",
                exported.path.file_name().unwrap().to_string_lossy()
            );
            let text = String::from_utf8(objects[&key].clone()).unwrap();
            assert!(
                text.ends_with(&format!("from {side}\n")),
                "{key} was clobbered: {text:?}"
            );
        }
        for skipped in &report.skipped {
            assert!(
                matches!(skipped.error, Error::Exists { .. }),
                "{}",
                skipped.reason()
            );
        }
    }
}

/// Keys a file system would not take as they are: refused with the key named, never
/// written elsewhere.
async fn odd_keys<R: Runtime>(w: World<R>) {
    write_files(&w.src(), &[("a.md", "# A\n")]);
    let opts = Options::default().with_names(Names::Keep);
    let result = w
        .bucket
        .export_with(
            "out/../escape",
            w.local.read_notes_with(w.src(), &opts),
            &opts,
        )
        .await;
    match result {
        Err(e) => assert!(e.to_string().contains("out/../escape"), "{e}"),
        Ok(report) => {
            assert_eq!(report.exported.len(), 0);
            let reason = report.skipped[0].reason();
            assert!(reason.contains("`..`"), "{reason}");
        }
    }
    assert!(w.objects("notes").is_empty());
    let error = w
        .bucket
        .write_atomic(Path::new("../x.md"), b"x".to_vec(), Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("../x.md"), "{error}");
}

/// A bucket that does not exist: the listing fails naming it; every write is reported.
async fn missing_bucket<R: Runtime>(w: World<R>) {
    let secret = w.server.config().secret_key.clone();
    let gone = w.store("no-such-bucket", &secret, 0);
    let error = gone
        .read_notes("notes")
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("no such bucket"), "{message}");
    assert!(message.contains("no-such-bucket"), "{message}");

    write_files(&w.src(), &[("a.md", "# A\n"), ("b.md", "# B\n")]);
    let report = gone
        .export("out", w.local.read_notes(w.src()))
        .await
        .unwrap();
    assert_eq!((report.exported.len(), report.skipped.len()), (0, 2));
    for skipped in &report.skipped {
        let reason = skipped.reason();
        assert!(
            reason.contains("no such bucket") && reason.contains("out/"),
            "{reason}"
        );
    }
}

/// Wrong credentials: refused as permission denied, naming what was asked for.
async fn bad_credentials<R: Runtime>(w: World<R>) {
    let wrong = w.store("notes", "not-the-secret", 0);
    let error = wrong.list(Path::new("notes")).await.unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::PermissionDenied, "{error}");
    assert!(error.to_string().starts_with("access denied"), "{error}");
    let error = wrong
        .write_atomic(Path::new("a.md"), b"# A\n".to_vec(), Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::PermissionDenied, "{error}");
    assert!(w.objects("notes").is_empty());
}

/// A service that throttles every request: object_store retries as configured, then the
/// error says what happened.
async fn throttled_requests_exhaust_their_retries<R: Runtime>(w: World<R>) {
    let secret = w.server.config().secret_key.clone();
    let bucket = w.store("notes", &secret, 2);
    let error = bucket.read(Path::new("a.md"), 1024).await.unwrap_err();
    let message = error.to_string();
    let problem = smartnotes_object_store::ObjectError::of(&error).and_then(|e| e.problem());
    assert_eq!(
        problem,
        Some(smartnotes_object_store::Problem::Throttled),
        "{message}"
    );
    assert!(
        message.contains("SlowDown") && message.contains("retries"),
        "{message}"
    );
}

/// The server goes away mid-export: every note is exported or reported, and every object
/// the server holds is a whole note.
async fn server_stopped_mid_export<R: Runtime>(mut w: World<R>) {
    let n = 400;
    for i in 0..n {
        let path = w.src().join(format!("note-{i:04}.md"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("# Note {i}\n\n{}\n", "body ".repeat(100))).unwrap();
    }
    let opts = Options::default()
        .with_names(Names::Keep)
        .with_strategy(Strategy::Concurrent { limit: 8 });
    let notes = w.local.read_notes_with(w.src(), &opts);
    let mut outcomes = w.bucket.export_stream_with("out", notes, &opts);
    let (mut exported, mut skipped) = (Vec::new(), Vec::new());
    while let Some(outcome) = outcomes.next().await {
        match outcome.unwrap() {
            Outcome::Exported(e) => exported.push(e.path),
            Outcome::Skipped(s) => skipped.push(s),
            other => panic!("unexpected {other:?}"),
        }
        if exported.len() == 40 {
            w.server.stop();
        }
    }
    assert_eq!(
        exported.len() + skipped.len(),
        n,
        "every note accounted for"
    );
    assert!(!skipped.is_empty(), "the stop came before the end");
    let objects = w.objects("notes");
    for path in &exported {
        let key = format!("out/{}", path.file_name().unwrap().to_string_lossy());
        assert!(
            objects.contains_key(&key),
            "{key} reported exported but missing"
        );
    }
    for (key, bytes) in &objects {
        let name = key.strip_prefix("out/").unwrap();
        assert_eq!(
            bytes,
            &std::fs::read(w.src().join(name)).unwrap(),
            "{key} is not whole"
        );
    }
}

/// Reads with the size limit before the body, empty objects, the blocking strategy refused,
/// and a log scanned in ranged reads.
async fn reads_and_scans<R: Runtime>(w: World<R>) {
    w.bucket.write_note("n/empty.md", "").await.unwrap();
    w.bucket
        .write_note("n/big.md", "x".repeat(5000))
        .await
        .unwrap();
    assert_eq!(
        w.bucket.read(Path::new("n/empty.md"), 10).await.unwrap(),
        b""
    );
    let error = w.bucket.read(Path::new("n/big.md"), 100).await.unwrap_err();
    let too_large = smartnotes_io::TooLarge::of(&error).expect("a TooLarge error");
    assert_eq!(too_large.size, Some(5000));
    let missing = w
        .bucket
        .read(Path::new("n/none.md"), 100)
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), io::ErrorKind::NotFound);

    let batched = [
        Strategy::Blocking {
            batch: 8,
            in_flight: 2,
        },
        Strategy::Uring {
            batch: 8,
            in_flight: 2,
        },
        Strategy::default(),
    ];
    for strategy in batched {
        let opts = Options::default().with_strategy(strategy);
        let error = w.bucket.pipeline_with("n", "out", &opts).await.unwrap_err();
        assert!(
            matches!(error, Error::Unsupported { .. }),
            "{strategy}: {error}"
        );
    }

    let mut log = String::new();
    for i in 0..20_000 {
        log.push_str(if i % 7 == 0 {
            "ERROR disk full\n"
        } else {
            "GET /index.html 200\n"
        });
    }
    log.push_str("ERROR last line without newline");
    w.bucket
        .write_note("logs/app.log", log.clone())
        .await
        .unwrap();
    let expected = log.lines().filter(|l| l.contains("ERROR")).count() as u64;
    let opts = ScanOptions::default().with_job(64 << 10); // several ranged reads
    let mut reports = w.bucket.scan_matching_with("logs/app.log", "ERROR", &opts);
    let mut last = None;
    let mut count = 0;
    while let Some(report) = reports.next().await {
        last = Some(report.unwrap());
        count += 1;
    }
    let last = last.unwrap();
    assert!(count > 3, "{count} reports");
    assert!(last.done);
    assert_eq!(
        (last.matching_lines, last.bytes),
        (expected, log.len() as u64)
    );
    let lines: Vec<_> = w
        .bucket
        .read_lines("logs/app.log")
        .try_collect()
        .await
        .unwrap();
    let total: usize = lines.iter().map(|batch| batch.len()).sum();
    assert_eq!(total, log.lines().count());
}
