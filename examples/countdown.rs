//! Pattern 12, a stream written by hand: `Countdown` implements `Stream::poll_next` itself (the
//! `__anext__` class of the tutorials), and `countdown_unfold` is the same stream from
//! `futures`' `unfold` (the async generator). Both live in `examples/common/countdown.rs`: a
//! teaching example, not library API (`tests/toolkit.rs` checks they agree).
//!
//! `cargo run --example countdown [-- tokio|smol]`

mod common;

use std::time::{Duration, Instant};

use common::countdown::{Countdown, countdown_unfold};
use futures_util::StreamExt;
use smartnotes::Store;

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let rt = fs.runtime().clone();
    let step = Duration::from_millis(100);
    let start = Instant::now();
    let mut by_hand = Countdown::new(rt.clone(), 5, step);
    while let Some(n) = by_hand.next().await {
        println!(
            "  by hand: {n} at {} ms ({} to go)",
            common::ms(start),
            by_hand.remaining()
        );
    }
    let start = Instant::now();
    let mut unfolded = std::pin::pin!(countdown_unfold(rt, 5, step));
    while let Some(n) = unfolded.next().await {
        println!("  unfold:  {n} at {} ms", common::ms(start));
    }
    println!("Done!");
    Ok(())
}

main_on_either_runtime!(demo);
