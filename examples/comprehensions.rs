//! Pattern 11, comprehensions: `collect` a note stream into a `Vec`, a `HashSet` or a
//! `HashMap`, with filters. Each holds every result in memory; the streaming loop at the end
//! computes the same tag counts holding one note at a time.
//!
//! `cargo run --example comprehensions [-- tokio|smol]`

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use futures_util::{StreamExt, stream};
use smartnotes::{Store, StoreExt};
use smartnotes_bench_support::corpus;
use smartnotes_local::StdFs;

async fn demo<F: Store>(fs: F) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    corpus::write_corpus(&StdFs, dir.path(), 40, 7)?;
    let notes = || {
        fs.read_notes(dir.path())
            .filter_map(|n| std::future::ready(n.ok()))
    };

    // [n.title async for n in notes if "python" in n.tags]
    let python: Vec<String> = notes()
        .filter(|n| std::future::ready(n.note.has_tag("python")))
        .map(|n| n.note.title)
        .collect()
        .await;
    println!("{} python notes, first: {:?}", python.len(), python.first());

    // {tag async for n in notes for tag in n.tags}
    let tags: HashSet<String> = notes()
        .flat_map(|n| stream::iter(n.note.tags))
        .collect()
        .await;
    println!("{} distinct tags", tags.len());

    // {n.title: len(n.body) async for n in notes}
    let sizes: HashMap<String, usize> = notes()
        .map(|n| (n.note.title, n.note.body.len()))
        .collect()
        .await;
    println!("{} titles mapped to body sizes", sizes.len());

    // The streaming loop: one note in memory at a time.
    let mut counts = BTreeMap::new();
    let mut stream = std::pin::pin!(notes());
    while let Some(n) = stream.next().await {
        for tag in n.note.tags {
            *counts.entry(tag).or_insert(0_u32) += 1;
        }
    }
    println!("tag counts, streamed: {counts:?}");
    Ok(())
}

main_on_either_runtime!(demo);
