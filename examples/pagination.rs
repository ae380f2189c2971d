//! Pattern 4, pagination: `paginate` turns page fetches into one flat stream. 35 items in pages
//! of 10 come in 4 fetches: the short last page ends the stream.
//!
//! `cargo run --example pagination [-- tokio|smol]`

mod common;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use smartnotes::stream::paginate;
use smartnotes::{Runtime, Store};

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let rt = fs.runtime().clone();
    let start = Instant::now();
    let items = std::pin::pin!(paginate(10, |page| {
        println!("  fetch page {page} at {} ms", common::ms(start));
        let rows: Vec<u32> = (0..35).skip(page * 10).take(10).collect();
        let latency = rt.sleep(Duration::from_millis(20)); // a network round trip
        async move {
            latency.await;
            Ok::<_, std::io::Error>(rows)
        }
    }));
    let mut items = items;
    let mut count = 0;
    while let Some(item) = items.next().await {
        let _item = item?;
        count += 1;
    }
    println!("{count} items, one stream, in {} ms", common::ms(start));
    Ok(())
}

main_on_either_runtime!(demo);
