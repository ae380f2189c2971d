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

use common::Executor;
use common::{executors, quick, write_results};
use futures_util::stream;
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use smartnotes::{Note, NoteFile, Options, RuntimeKind, Store, StoreExt, StoreJob, Strategy};
use smartnotes_bench_support::lag::median;
use smartnotes_bench_support::results::{MemoryRow, ObjectStoreBench, ObjectStoreRow, label};
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

/// The strategy of `limit` requests in flight (1: sequential).
fn strategy(limit: usize) -> Strategy {
    match limit {
        1 => Strategy::Sequential,
        limit => Strategy::Concurrent { limit },
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

/// `smartnotes export -r --json s3://notes/vault-N DEST` under `/usr/bin/time`: the bucket's
/// `vault-N` holds `n` notes.
fn export_from_bucket(
    cli: &Path,
    server: &Server,
    n: usize,
    dest: &Path,
    runtime: &str,
) -> MemoryRow {
    let mut command = Command::new(cli);
    command
        .args(["export", "-r", "--json", "--runtime", runtime])
        .arg(format!("s3://notes/vault-{n}"))
        .arg(dest)
        .envs(server.env());
    let (out, peak_mib, seconds) = common::peak(&command);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let files = doc["files"].as_array().map_or(0, Vec::len);
    assert_eq!(doc["exported"].as_u64(), Some(files as u64));
    MemoryRow {
        notes: n,
        layout: "folders".into(),
        runtime: runtime.into(),
        json: true,
        peak_mib,
        seconds,
        exported: files,
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
                strategy: label(strategy(limit)),
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
                eprintln!(
                    "{} {n} {}: {seconds:.3} s",
                    executor.kind(),
                    label(strategy(limit))
                );
                rows[e * cases.len() + c].seconds.push(seconds);
            }
        }
    }

    // Peak memory of the CLI exporting from the bucket, small and ten times larger (not in a
    // filtered run, nor without GNU time).
    let sizes: &[usize] = match (filter(), quick(), common::peak_measurable()) {
        (_, _, Err(why)) => {
            eprintln!("memory not measured: {why}");
            &[]
        }
        (Some(_), ..) => &[],
        (None, true, _) => &[1000, 10_000],
        (None, false, _) => &[2000, 20_000],
    };
    let quiet_server = Server::start(&quiet, Config::default()).expect("server");
    let cli = common::cli_binary();
    let mut memory = Vec::new();
    for &n in sizes {
        common::vault(&quiet.join("notes"), n); // the bucket's `vault-N`
        for kind in RuntimeKind::ALL {
            let dest = base.path().join(format!("out-{n}-{kind}"));
            let row = export_from_bucket(&cli, &quiet_server, n, &dest, kind.name());
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
        println!(
            "| {} | {} | {} | {:.3} | {:.3} |",
            row.runtime,
            row.notes,
            row.strategy,
            median(&row.seconds),
            bench.ideal(row)
        );
    }
    write_results("object_store", &bench);
}
