//! Pattern 5, retry with back-off: a page source that times out twice on page 1 is retried in
//! place with exponential back-off and jitter; the stream resumes where it failed and yields
//! no item twice. A permanent error (not found) is not retried.
//!
//! The retry is `backon`'s (`Retryable`, `ExponentialBuilder`), sleeping on the runtime's own
//! timer through `Runtime::sleep`, so the same code runs on tokio and on smol.
//!
//! `cargo run --example retry [-- tokio|smol]`

mod common;

use std::io::{Error, ErrorKind};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use futures_util::TryStreamExt;
use smartnotes::stream::paginate;
use smartnotes::{Runtime, Store};

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let policy = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(20))
        .with_max_times(4)
        .with_jitter();
    let sleep = {
        let rt = fs.runtime().clone();
        move |d| rt.sleep(d)
    };
    let transient = |e: &Error| matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::Interrupted);
    let failures_left = AtomicU32::new(2);
    let start = Instant::now();
    let fetch = |page: usize| {
        let fail = page == 1
            && failures_left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        println!(
            "  {:>4} ms: fetch page {page}{}",
            common::ms(start),
            if fail { " -> timed out" } else { "" }
        );
        let rows: Vec<u32> = (0..25).skip(page * 10).take(10).collect();
        async move {
            if fail {
                Err(Error::from(ErrorKind::TimedOut))
            } else {
                Ok(rows)
            }
        }
    };
    let items: Vec<u32> = paginate(10, |page| {
        (move || fetch(page))
            .retry(policy)
            .sleep(sleep.clone())
            .when(transient)
    })
    .try_collect()
    .await?;
    let unique: std::collections::BTreeSet<_> = items.iter().collect();
    println!(
        "{} items, {} distinct, in {} ms",
        items.len(),
        unique.len(),
        common::ms(start)
    );

    let calls = AtomicU32::new(0);
    let gone = (|| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Err::<(), _>(Error::from(ErrorKind::NotFound)) }
    })
    .retry(policy)
    .sleep(sleep)
    .when(transient)
    .await;
    println!(
        "a permanent error: {:?} after {} call(s)",
        gone.unwrap_err().kind(),
        calls.load(Ordering::SeqCst)
    );
    Ok(())
}

main_on_either_runtime!(demo);
