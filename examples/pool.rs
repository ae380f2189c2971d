//! A pool of connections, Python's `async with pool.acquire() as conn:`: ten queries share
//! three connections. Each query waits for a free connection (waiters are served in the order
//! they asked), uses it for 50 ms, and gives it back when its guard is dropped, on every exit
//! path. About 0.2 s in all (ten queries, three at a time), never more than three connections
//! in use.
//!
//! The pool is `deadpool`'s unmanaged pool: runtime-agnostic (it needs no timer or executor
//! of its own), so the same code runs on tokio and on smol.
//!
//! `cargo run --example pool [-- tokio|smol]`

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use deadpool::unmanaged::Pool;
use smartnotes::stream::gather;
use smartnotes::{Runtime, Store};

/// A connection to some slow service (here, each query sleeps on the runtime's timer).
#[derive(Debug)]
struct Connection {
    id: usize,
}

impl Connection {
    async fn query(&self, runtime: &impl Runtime, sql: &str) -> String {
        runtime.sleep(Duration::from_millis(50)).await;
        format!("{sql} -> answered on connection {}", self.id)
    }
}

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let rt = fs.runtime().clone();
    let pool = Pool::from((1..=3).map(|id| Connection { id }).collect::<Vec<_>>());
    let in_use = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    let start = Instant::now();
    let queries = (1..=10).map(|i| {
        let (pool, rt, in_use, most) = (pool.clone(), rt.clone(), &in_use, &most);
        async move {
            // `async with pool.acquire() as conn:`: the guard returns the connection on drop.
            let conn = pool.get().await?;
            let now = in_use.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            let answer = conn.query(&rt, &format!("SELECT {i}")).await;
            in_use.fetch_sub(1, Ordering::SeqCst);
            println!("  {answer:<40} at {:>3} ms", common::ms(start));
            Ok::<_, deadpool::unmanaged::PoolError>(answer)
        }
    });
    let answers = gather(queries, usize::MAX).await;
    let answered = answers.into_iter().collect::<Result<Vec<_>, _>>()?.len();
    let status = pool.status();
    println!(
        "{answered} queries in {} ms on {} connections, at most {} in use; {} free again",
        common::ms(start),
        status.max_size,
        most.load(Ordering::SeqCst),
        status.available,
    );
    Ok(())
}

main_on_either_runtime!(demo);
