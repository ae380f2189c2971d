//! Pattern 5, retry with back-off: a page source that times out twice on page 1 is retried in
//! place with exponential back-off and jitter; the stream resumes where it failed and yields
//! no item twice. A permanent error (not found) is not retried.
//!
//! `cargo run --example retry [-- tokio|smol]`

mod common;

use std::io::{Error, ErrorKind};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use smartnotes::Store;
use smartnotes::stream::{Backoff, paginate, retry};

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let rt = fs.runtime();
    let policy = Backoff::new(Duration::from_millis(20), 5).with_jitter(0.5);
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
        retry(rt, &policy, transient, move || fetch(page))
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
    let gone = retry(rt, &policy, transient, || {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Err::<(), _>(Error::from(ErrorKind::NotFound)) }
    })
    .await;
    println!(
        "a permanent error: {:?} after {} call(s)",
        gone.unwrap_err().kind(),
        calls.load(Ordering::SeqCst)
    );
    Ok(())
}

main_on_either_runtime!(demo);
