//! Pattern 6, timeouts: for one future (`timeout`), for each item of a stream
//! (`timeout_each`) and for a whole stream (`deadline`). The error says which limit was hit.
//!
//! `cargo run --example timeouts [-- tokio|smol]`

mod common;

use std::time::Duration;

use futures_util::{StreamExt, stream};
use smartnotes::stream::{deadline, ticks, timeout, timeout_each};
use smartnotes::{Runtime, Store};

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let rt = fs.runtime().clone();
    let ms = Duration::from_millis;

    match timeout(&rt, ms(50), rt.sleep(ms(500))).await {
        Ok(()) => println!("one future: finished"),
        Err(e) => println!("one future: {e}"),
    }

    let responses = {
        let rt = rt.clone();
        stream::iter([10, 20, 300, 10]).then(move |t| {
            let sleep = rt.sleep(ms(t));
            async move {
                sleep.await;
                format!("response after {t} ms")
            }
        })
    };
    let mut each = std::pin::pin!(timeout_each(responses, rt.clone(), ms(100)));
    while let Some(item) = each.next().await {
        match item {
            Ok(response) => println!("per item: {response}"),
            Err(e) => println!("per item: {e}"),
        }
    }

    let mut whole = std::pin::pin!(deadline(ticks(rt.clone(), ms(40)), rt, ms(150)));
    while let Some(item) = whole.next().await {
        match item {
            Ok(tick) => println!("whole stream: tick {tick}"),
            Err(e) => println!("whole stream: {e}"),
        }
    }
    Ok(())
}

main_on_either_runtime!(demo);
