//! Pattern 7, cleanup: `scope` is `async with` (the async close runs on success, on error and on
//! early return), and `owning` is a stream that owns a resource and releases it when finished,
//! when closed after a `break` (Python's `aclose()`), or, dropped, through the resource's own
//! synchronous `Drop`: Rust cannot run async code on drop.
//!
//! `cargo run --example cleanup [-- tokio|smol]`

mod common;

use std::time::Duration;

use futures_util::{StreamExt, stream};
use smartnotes::stream::{owning, scope};
use smartnotes::{Runtime, Store};

struct Connection(&'static str);

impl Drop for Connection {
    fn drop(&mut self) {
        println!("    drop({}): synchronous fallback", self.0);
    }
}

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let rt = fs.runtime().clone();
    for (case, fail) in [("success", false), ("error", true)] {
        println!("scope, {case}:");
        let result: Result<&str, String> = scope(
            Connection(case),
            async |c: &mut Connection| {
                println!("    using {}", c.0);
                if fail {
                    return Err(format!("query on {} failed", c.0)); // early return
                }
                Ok("rows")
            },
            async |c: Connection| {
                rt.sleep(Duration::from_millis(10)).await; // an async goodbye to the server
                println!("    closed {} (async)", c.0);
                Ok(())
            },
        )
        .await;
        println!("    result: {result:?}");
    }

    let close = |rt: F::Runtime| {
        move |c: Connection| async move {
            let c = c; // own the whole connection (a closure would capture only `c.0`)
            rt.sleep(Duration::from_millis(10)).await;
            println!("    closed {} (async)", c.0);
        }
    };
    println!("owning stream, read to the end:");
    let n = owning(
        stream::iter(0..3),
        Connection("finished"),
        close(rt.clone()),
    )
    .count()
    .await;
    println!("    {n} items");

    println!("owning stream, break after one item, then close():");
    let mut rows = std::pin::pin!(owning(
        stream::iter(0..3),
        Connection("broken"),
        close(rt.clone())
    ));
    if let Some(first) = rows.next().await {
        println!("    got {first}, breaking out");
    }
    rows.as_mut().close().await;

    println!("owning stream, dropped after one item:");
    let mut rows = Box::pin(owning(stream::iter(0..3), Connection("dropped"), close(rt)));
    rows.next().await;
    drop(rows);
    Ok(())
}

main_on_either_runtime!(demo);
