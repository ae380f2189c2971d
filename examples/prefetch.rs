//! Pattern 3, prefetch: a producer and a consumer that each take 50 ms per item overlap when
//! the source is driven ahead with `prefetch`: about 0.55 s for 10 items instead of 1.0 s.
//!
//! `cargo run --example prefetch [-- tokio|smol]`

mod common;

use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use smartnotes::stream::prefetch;
use smartnotes::{Runtime, Store};

const STEP: Duration = Duration::from_millis(50);

async fn run<R: Runtime>(rt: &R, ahead: usize) -> u128 {
    let start = Instant::now();
    let producer = {
        let rt = rt.clone();
        stream::iter(0..10).then(move |i| {
            let sleep = rt.sleep(STEP); // producing item i takes 50 ms
            async move {
                sleep.await;
                i
            }
        })
    };
    let mut items = std::pin::pin!(prefetch(producer, ahead));
    while let Some(i) = items.next().await {
        rt.sleep(STEP).await; // consuming it takes 50 ms too
        if i == 0 || i == 9 {
            println!(
                "  ahead {ahead}: consumed item {i} at {} ms",
                common::ms(start)
            );
        }
    }
    start.elapsed().as_millis()
}

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let plain = run(fs.runtime(), 0).await;
    let ahead = run(fs.runtime(), 1).await;
    println!("10 items, 50 ms to produce and 50 ms to consume each:");
    println!("  one after the other: {plain} ms");
    println!("  prefetch(1):         {ahead} ms");
    Ok(())
}

main_on_either_runtime!(demo);
