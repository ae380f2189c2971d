//! Pattern 10, combining sources: one after the other (`chain`), interleaved as items arrive
//! (`select`), and a `gather` of five 200 ms requests with a bound on how many run at once.
//!
//! `cargo run --example combining [-- tokio|smol]`

mod common;

use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use smartnotes::stream::{gather, ticks};
use smartnotes::{Runtime, Store};

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let rt = fs.runtime().clone();
    let feed = |name: &'static str, every: u64| {
        ticks(rt.clone(), Duration::from_millis(every))
            .take(4)
            .map(move |i| format!("{name}{i}"))
    };

    let start = Instant::now();
    let chained: Vec<String> = feed("a", 30).chain(feed("b", 30)).collect().await;
    println!("chain:  {chained:?} in {} ms", common::ms(start));

    let start = Instant::now();
    let mixed: Vec<String> = stream::select(feed("a", 30), feed("b", 30)).collect().await;
    println!("select: {mixed:?} in {} ms", common::ms(start));

    for limit in [5, 2, 1] {
        let start = Instant::now();
        let requests = (1..=5).map(|i| {
            let wait = rt.sleep(Duration::from_millis(200));
            async move {
                wait.await;
                i * 100
            }
        });
        let answers = gather(requests, limit).await;
        println!(
            "gather 5 x 200 ms, at most {limit} at once: {answers:?} in {} ms",
            common::ms(start)
        );
    }
    Ok(())
}

main_on_either_runtime!(demo);
