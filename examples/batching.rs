//! Pattern 2, batching: notes in batches of `n` with `futures`' `chunks` (the last batch is
//! short). For a stream of `Result`s that should stop at the first error, `try_chunks`.
//!
//! `cargo run --example batching [-- tokio|smol]`

mod common;

use futures_util::StreamExt;
use smartnotes::{Store, StoreExt};
use smartnotes_bench_support::corpus;
use smartnotes_local::StdFs;

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    corpus::write_corpus(&StdFs, dir.path(), 10, 1)?;
    let mut batches = fs.read_notes(dir.path()).chunks(4);
    while let Some(batch) = batches.next().await {
        let titles: Vec<String> = batch
            .into_iter()
            .map(|n| Ok::<_, smartnotes::Error>(n?.note.title))
            .collect::<Result<_, _>>()?;
        println!("batch of {}: {titles:?}", titles.len());
    }
    Ok(())
}

main_on_either_runtime!(demo);
