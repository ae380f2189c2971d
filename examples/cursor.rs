//! Pattern 8, cursor: a resource that is both scoped and iterated, like the tutorials' database
//! cursor. `cursor` pages through a (simulated) table and closes the connection when the rows
//! run out, or when closed early.
//!
//! `cargo run --example cursor [-- tokio|smol]`

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use smartnotes::stream::cursor;
use smartnotes::{Runtime, Store};

/// A connection to a table of 42 rows, answering pages after a 15 ms round trip.
struct Table<R> {
    runtime: R,
    rows: Vec<String>,
}

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let table = Arc::new(Table {
        runtime: fs.runtime().clone(),
        rows: (1..=42).map(|i| format!("note {i}")).collect(),
    });
    let start = Instant::now();
    let fetch = move |t: Arc<Table<F::Runtime>>, page: usize| {
        let rows: Vec<String> = t.rows.iter().skip(page * 10).take(10).cloned().collect();
        let trip = t.runtime.sleep(Duration::from_millis(15));
        async move {
            trip.await;
            Ok::<_, std::io::Error>(rows)
        }
    };
    let close = move |_t: Arc<Table<F::Runtime>>| async move {
        println!("  cursor closed at {} ms", common::ms(start));
    };

    let mut rows = std::pin::pin!(cursor(table.clone(), 10, fetch, close));
    let mut n = 0;
    while let Some(row) = rows.next().await {
        let row = row?;
        n += 1;
        if n % 10 == 1 {
            println!("  {row} at {} ms", common::ms(start));
        }
    }
    println!("{n} rows");

    println!("only the first 3 rows, then close:");
    let mut rows = std::pin::pin!(cursor(table, 10, fetch, close));
    for _ in 0..3 {
        if let Some(row) = rows.next().await {
            println!("  {}", row?);
        }
    }
    rows.as_mut().close().await;
    Ok(())
}

main_on_either_runtime!(demo);
