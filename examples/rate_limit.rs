//! Pattern 13, rate limiting: twelve 100 ms fetches are started at once, and a `Limiter` (a
//! semaphore) lets at most three run at a time: about 0.4 s, never more than 3 in flight.
//!
//! `cargo run --example rate_limit [-- tokio|smol]`

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use smartnotes::stream::{Limiter, gather};
use smartnotes::{Runtime, Store};

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let rt = fs.runtime().clone();
    let limiter = Limiter::new(3);
    let (in_flight, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let start = Instant::now();
    let fetches = (1..=12).map(|i| {
        let (rt, limiter, in_flight, most) = (rt.clone(), limiter.clone(), &in_flight, &most);
        async move {
            limiter
                .run(async {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    println!(
                        "  fetch {i:>2} starts at {:>3} ms ({now} in flight)",
                        common::ms(start)
                    );
                    rt.sleep(Duration::from_millis(100)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                })
                .await;
            i
        }
    });
    let done = gather(fetches, usize::MAX).await;
    println!(
        "{} fetches in {} ms, at most {} in flight (limit {})",
        done.len(),
        common::ms(start),
        most.load(Ordering::SeqCst),
        limiter.limit()
    );
    Ok(())
}

main_on_either_runtime!(demo);
