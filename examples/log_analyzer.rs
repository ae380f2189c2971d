//! Pattern 1, streaming a big file without blocking: the log analyzer.
//!
//! Writes a 256 MiB sample log (or scans the file you name), then counts its `ERROR` lines with
//! `count_matching` while, on the same single-threaded executor, a "server" task answers a
//! request every millisecond. The scan runs in blocking jobs, so requests keep completing.
//!
//! `cargo run --release --example log_analyzer [-- tokio|smol [FILE [PATTERN]]]`

mod common;

use std::time::{Duration, Instant};

use futures_util::{StreamExt, future};
use smartnotes::{Runtime, Store, StoreExt};
use smartnotes_bench_support::corpus;

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let args = common::rest();
    let scratch = tempfile::tempdir()?;
    let path = match args.first() {
        Some(file) => file.into(),
        None => {
            let path = scratch.path().join("app.log");
            let (lines, errors) = corpus::write_log(&path, 256 << 20, 2026)?;
            println!(
                "wrote {} ({lines} lines, {errors} with ERROR)",
                path.display()
            );
            path
        }
    };
    let pattern = args.get(1).map_or("ERROR", String::as_str);

    // `async for line in f`: the first lines, as a stream of batches.
    let mut batches = fs.read_lines(&path);
    if let Some(batch) = batches.next().await {
        for (number, line) in batch?.iter().take(2) {
            println!(
                "line {number}: {}",
                String::from_utf8_lossy(line).trim_end()
            );
        }
    }
    drop(batches);

    let done = std::sync::atomic::AtomicBool::new(false);
    let server = async {
        let (mut served, mut worst) = (0_u32, Duration::ZERO);
        while !done.load(std::sync::atomic::Ordering::Relaxed) {
            let asked = Instant::now();
            fs.runtime().sleep(Duration::from_millis(1)).await; // a request's own wait
            worst = worst.max(asked.elapsed());
            served += 1;
            if served % 50 == 0 {
                println!("  request {served} answered (slowest so far {worst:.2?})");
            }
        }
        (served, worst)
    };
    let start = Instant::now();
    let scan = async {
        let result = fs.count_matching(&path, pattern).await;
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        result
    };
    let ((served, worst), scan) = future::join(server, scan).await;
    let scan = scan?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} lines contain {pattern:?}: {} bytes in {secs:.3} s ({:.2} GB/s); meanwhile {served} requests answered, slowest {worst:.2?}",
        scan.matching_lines,
        scan.bytes,
        scan.bytes as f64 / secs / 1e9,
    );
    Ok(())
}

main_on_either_runtime!(demo);
