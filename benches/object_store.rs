//! object_store: the tutorials' "1 s -> 0.2 s" on the real S3 protocol.
//!
//! A real S3 server on 127.0.0.1 (`smartnotes-s3-server`: s3s-fs, in this process, on its own
//! tokio runtime) waits [`DELAY`] before answering each request. Notes are exported to it
//! through object_store's S3 client and the `smartnotes-object-store` adapter (one `PUT` with
//! `If-None-Match: *` per note), sequentially and concurrently, on tokio and on smol, the
//! cases and runtimes interleaved, each repetition into a fresh prefix. The service time of
//! one request (a `PUT` without the delay) is measured beside them.
//!
//! Then the peak memory of `smartnotes export s3://... DEST` (the real binary under
//! `/usr/bin/time`) for a small and a ten times larger bucket, in folders of 1,000 notes.
//!
//! `cargo bench --bench object_store` (`-- 1000-64` for the cases whose `NOTES-LIMIT` contains
//! `1000-64`, without the memory part); `SMARTNOTES_BENCH_QUICK=1` for fewer repetitions, no
//! sequential 1,000-note case and smaller buckets.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{executors, quick, write_results};
use futures_util::stream;
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use smartnotes::{
    Executor, Note, NoteFile, Options, RuntimeKind, Store, StoreExt, StoreJob, Strategy,
};
use smartnotes_io::support::corpus;
use smartnotes_io::support::results::{MemoryRow, ObjectStoreBench, ObjectStoreRow};
use smartnotes_object_store::{Handle, IoThread, ObjectFs};
use smartnotes_s3_server::{Config, Server};

/// The server's wait before each answer.
const DELAY: Duration = Duration::from_millis(20);

/// (notes, requests in flight; 1 = sequential, repetitions in a full run).
const CASES: [(usize, usize, usize); 5] = [
    (5, 1, 7),
    (5, 64, 7),
    (1000, 64, 7),
    (1000, 1000, 7),
    (1000, 1, 1),
];

/// The cases of this run: those whose `N-LIMIT` contains the command line's filter, if any.
fn cases() -> Vec<(usize, usize, usize)> {
    let all: Vec<_> = if quick() {
        CASES[..4].iter().map(|&(n, l, _)| (n, l, 3)).collect()
    } else {
        CASES.to_vec()
    };
    match filter() {
        Some(f) => all
            .into_iter()
            .filter(|&(n, l, _)| format!("{n}-{l}").contains(&f))
            .collect(),
        None => all,
    }
}

/// The first free argument after `--bench` (`cargo bench --bench object_store -- 1000-64`).
fn filter() -> Option<String> {
    std::env::args().skip(1).find(|a| !a.starts_with("--"))
}

fn label(limit: usize) -> String {
    if limit == 1 {
        "sequential".into()
    } else {
        format!("concurrent-{limit}")
    }
}

fn s3(server: &Server) -> Arc<dyn ObjectStore> {
    Arc::new(
        AmazonS3Builder::new()
            .with_endpoint(server.endpoint())
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_bucket_name("notes")
            .with_access_key_id(&server.config().access_key)
            .with_secret_access_key(&server.config().secret_key)
            .build()
            .expect("an S3 configuration"),
    )
}

/// One export of `notes` to `prefix`, timed; on tokio the requests run on the executor's own
/// runtime, on smol on the bench's I/O thread.
struct Upload<'a> {
    notes: &'a [NoteFile],
    limit: usize,
    prefix: String,
    store: Arc<dyn ObjectStore>,
    io: Option<Handle>,
}

impl StoreJob for Upload<'_> {
    type Output = f64;

    async fn run<S: Store>(self, local: S) -> f64 {
        let io = self.io.unwrap_or_else(Handle::current);
        let bucket = ObjectFs::new(self.store, local.runtime().clone(), io);
        let strategy = match self.limit {
            1 => Strategy::Sequential,
            limit => Strategy::Concurrent { limit },
        };
        let opts = Options::default().with_strategy(strategy);
        let start = Instant::now();
        let report = bucket
            .export_with(
                &self.prefix,
                stream::iter(self.notes.iter().cloned().map(Ok)),
                &opts,
            )
            .await
            .expect("export");
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(
            report.exported.len(),
            self.notes.len(),
            "{:?}",
            report.skipped.first().map(|s| s.reason())
        );
        seconds
    }
}

fn notes(n: usize) -> Vec<NoteFile> {
    (0..n)
        .map(|i| {
            NoteFile::new(
                format!("mem:{i}"),
                Note::new(format!("note {i}"), "body ".repeat(40), ["bench"]),
            )
        })
        .collect()
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// The service time of one request: sequential single-note exports to a server without delay.
fn service_time(root: &Path, executor: &Executor, io: Option<Handle>) -> f64 {
    let server = Server::start(root, Config::default()).expect("start the server");
    let store = s3(&server);
    let one = notes(1);
    let times: Vec<f64> = (0..60)
        .map(|rep| {
            executor.block_on(Upload {
                notes: &one,
                limit: 1,
                prefix: format!("service/{rep}"),
                store: store.clone(),
                io: io.clone(),
            })
        })
        .collect();
    median(&times[10..])
}

/// A bucket of `n` notes in folders of 1,000, written straight into the server's folder.
fn bucket_of(root: &Path, n: usize) -> String {
    let prefix = format!("vault-{n}");
    let dir = root.join("notes").join(&prefix);
    if dir.join(".complete").exists() {
        return prefix;
    }
    let _ = std::fs::remove_dir_all(&dir);
    for i in 0..n {
        let folder = dir.join(format!("f{:04}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&folder).expect("folder");
        }
        let (name, text) = corpus::sample_note(i, common::SEED, 900);
        std::fs::write(folder.join(name), text).expect("note");
    }
    std::fs::write(dir.join(".complete"), b"").expect("mark");
    prefix
}

/// `smartnotes export -r s3://notes/PREFIX DEST` under `/usr/bin/time`.
fn export_from_bucket(
    cli: &Path,
    server: &Server,
    prefix: &str,
    dest: &Path,
    runtime: &str,
) -> MemoryRow {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "peak-kib %M"])
        .arg(cli)
        .args(["export", "-r", "--json", "--runtime", runtime])
        .arg(format!("s3://notes/{prefix}"))
        .arg(dest)
        .envs(server.env())
        .output()
        .expect("run smartnotes");
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "export failed: {stderr}");
    let kib: f64 = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("peak-kib "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak in {stderr}"));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let exported = doc["exported"].as_u64().unwrap_or(0) as usize;
    MemoryRow {
        notes: prefix
            .strip_prefix("vault-")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        runtime: runtime.into(),
        json: true,
        peak_mib: kib / 1024.0,
        seconds,
        exported,
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`: nothing criterion-shaped to list
    }
    // The server's buckets on tmpfs where there is one: the server stands in for S3, and its
    // own disk work should cost as little as it can on a 2-core machine shared with the client.
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    }
    .expect("a temporary folder");
    let io = IoThread::start().expect("the I/O thread");
    let executors = executors();
    let io_of = |executor: &Executor| match executor.kind() {
        #[allow(unreachable_patterns)]
        RuntimeKind::Tokio => None,
        _ => Some(io.handle()),
    };

    // One request's service time, without the delay (the first runtime's client).
    let quiet = base.path().join("quiet");
    std::fs::create_dir_all(quiet.join("notes")).expect("bucket");
    let service_s = service_time(&quiet, &executors[0], io_of(&executors[0]));
    eprintln!("service time per request: {:.2} ms", service_s * 1e3);

    let root = base.path().join("server");
    std::fs::create_dir_all(&root).expect("server root");
    let server = Server::start(&root, Config::default().with_delay(DELAY)).expect("server");
    server.create_bucket("notes").expect("bucket");
    let stores: Vec<_> = executors.iter().map(|_| s3(&server)).collect();
    let cases = cases();
    let inputs: Vec<Vec<NoteFile>> = cases.iter().map(|&(n, _, _)| notes(n)).collect();
    let mut rows: Vec<ObjectStoreRow> = Vec::new();
    for executor in &executors {
        for &(n, limit, _) in &cases {
            rows.push(ObjectStoreRow {
                runtime: executor.kind().name().into(),
                notes: n,
                strategy: label(limit),
                limit,
                seconds: Vec::new(),
            });
        }
    }
    let max_reps = cases.iter().map(|c| c.2).max().unwrap_or(1);
    for rep in 0..max_reps {
        for (e, executor) in executors.iter().enumerate() {
            for (c, &(n, limit, reps)) in cases.iter().enumerate() {
                if rep >= reps {
                    continue;
                }
                let seconds = executor.block_on(Upload {
                    notes: &inputs[c],
                    limit,
                    prefix: format!("run/{}/{}-{}/{rep}", executor.kind(), n, limit),
                    store: stores[e].clone(),
                    io: io_of(executor),
                });
                eprintln!("{} {n} {}: {seconds:.3} s", executor.kind(), label(limit));
                rows[e * cases.len() + c].seconds.push(seconds);
            }
        }
    }

    // Peak memory of the CLI exporting from the bucket, small and ten times larger (not in a
    // filtered run).
    let sizes: &[usize] = match (filter(), quick()) {
        (Some(_), _) => &[],
        (None, true) => &[1000, 10_000],
        (None, false) => &[2000, 20_000],
    };
    let quiet_server = Server::start(&quiet, Config::default()).expect("server");
    let cli = common::cli_binary();
    let mut memory = Vec::new();
    for &n in sizes {
        let prefix = bucket_of(&quiet, n);
        for kind in RuntimeKind::ALL {
            let dest = base.path().join(format!("out-{n}-{kind}"));
            let row = export_from_bucket(&cli, &quiet_server, &prefix, &dest, kind.name());
            assert_eq!(row.exported, n, "every note exported");
            eprintln!(
                "memory: {n} notes from the bucket, {kind}: {:.1} MiB in {:.1} s",
                row.peak_mib, row.seconds
            );
            memory.push(row);
            let _ = std::fs::remove_dir_all(&dest);
        }
    }

    let bench = ObjectStoreBench {
        delay_s: DELAY.as_secs_f64(),
        service_s,
        rows,
        memory,
    };
    println!("\n| runtime | notes | strategy | median (s) | ideal (s) |\n|---|---:|---|---:|---:|");
    for row in &bench.rows {
        let rounds = row.notes.div_ceil(row.limit) as f64;
        println!(
            "| {} | {} | {} | {:.3} | {:.3} |",
            row.runtime,
            row.notes,
            row.strategy,
            median(&row.seconds),
            rounds * bench.delay_s + bench.service_s
        );
    }
    write_results("object_store", &bench);
}
