//! Pattern 9, infinite streams: an endless event stream (`ticks`) consumed with `take` and
//! `take_while`; the source owns a subscription that is released when the consumer stops.
//!
//! `cargo run --example infinite [-- tokio|smol]`

mod common;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use smartnotes::Store;
use smartnotes::stream::{owning, ticks};

struct Subscription(&'static str);

impl Drop for Subscription {
    fn drop(&mut self) {
        println!("  unsubscribed ({})", self.0);
    }
}

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let rt = fs.runtime().clone();
    let start = Instant::now();
    let events = owning(
        ticks(rt.clone(), Duration::from_millis(20)),
        Subscription("take(5)"),
        |_s| async {},
    );
    let mut first = Box::pin(events.take(5));
    while let Some(event) = first.next().await {
        println!("  event {event} at {} ms", common::ms(start));
    }
    drop(first);

    let events = owning(
        ticks(rt, Duration::from_millis(5)),
        Subscription("take_while"),
        |_s| async {},
    );
    let below: Vec<u64> = events
        .take_while(|&n| std::future::ready(n < 8))
        .collect()
        .await;
    println!("take_while(< 8): {below:?}");
    Ok(())
}

main_on_either_runtime!(demo);
