//! Stream operators: the async-iteration patterns of Python's asyncio, over
//! [`Stream`](https://docs.rs/futures-core/0.3/futures_core/stream/trait.Stream.html), on any runtime.
//!
//! What `futures` already provides is used as is and documented here rather than rewritten:
//! batching is [`chunks`](futures_util::StreamExt::chunks), bounded concurrency
//! [`buffered`](futures_util::StreamExt::buffered) and
//! [`buffer_unordered`](futures_util::StreamExt::buffer_unordered), an async generator
//! [`unfold`](futures_util::stream::unfold), one source after another
//! [`chain`](futures_util::StreamExt::chain), two sources interleaved
//! [`select`](futures_util::stream::select), early exit [`take`](futures_util::StreamExt::take)
//! and [`take_while`](futures_util::StreamExt::take_while), a comprehension
//! [`collect`](futures_util::StreamExt::collect). This module adds:
//!
//! | pattern (Python) | here |
//! |---|---|
//! | `if tag in note.tags` in an `async for` | [`filter_by_tag`] |
//! | prefetching the next item while this one is processed | [`prefetch`] |
//! | paginated API as one `async for` | [`paginate`] |
//! | retry with exponential back-off and jitter | the `backon` crate, sleeping on [`Runtime::sleep`](crate::Runtime::sleep) |
//! | `asyncio.wait_for`, per item and per stream | [`timeout`], [`timeout_each`], [`deadline`] |
//! | `async with` | [`scope`]; a stream owning a resource: [`owning`] (what runs on drop: below) |
//! | a database cursor, scoped and iterated | [`cursor`] |
//! | an infinite event stream | [`ticks`] with `take` / `take_while` |
//! | `asyncio.gather` with a bound | [`gather`] |
//! | a semaphore around each fetch | [`Limiter`] |
//! | a class with `__anext__`, next to an async generator | the `countdown` example: a `Stream` by hand beside `futures`' `unfold` |
//! | a list comprehension over `async for` | [`partition_results`], or `collect` (holds everything) |
//!
//! Anything that needs time takes a [`Runtime`](crate::Runtime): core never calls a runtime.
//!
//! # What Rust can and cannot run on drop
//!
//! A future or stream that is dropped before it finishes (cancelled: a `select!` took the
//! other branch, a `take(n)` had enough, a timeout fired, the task was aborted) gets no chance
//! to `.await` anything: `Drop` is synchronous. So:
//!
//! * [`scope`] runs its async `close` when the body returns, with `Ok` or `Err`, early or
//!   late. If the whole `scope` future is dropped mid-body, `close` does not run; the resource
//!   is dropped, so its own `Drop` (synchronous: close a file descriptor, return a connection
//!   to a pool, set a flag) is the fallback. A panic in the body also skips `close`.
//! * [`Owning`] runs its async `close` when the stream ends, or when you call
//!   [`Owning::close`] after breaking out of the loop (Python's `aclose()`). Dropped without
//!   either, it drops the resource, and only the resource's `Drop` runs.
//!
//! Design resources so that `Drop` alone is safe and `close` is the graceful, awaited path:
//! that is the rule `tokio::fs::File` and database pools follow.

mod cleanup;
mod gather;
mod paginate;
mod prefetch;
mod timeout;

pub use cleanup::{Owning, cursor, owning, scope};
pub use gather::{Limiter, gather};
pub use paginate::paginate;
pub use prefetch::{Prefetch, prefetch};
pub use timeout::{TimedOut, Timeout, deadline, ticks, timeout, timeout_each};

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use futures_util::StreamExt;

use crate::Note;

/// Something that carries tags: a [`Note`], a wrapper around one, or a `Result` of such.
pub trait HasTags {
    /// Whether the item should pass a filter on `tag` (see [`Note::has_tag`]).
    fn has_tag(&self, tag: &str) -> bool;
}

impl HasTags for Note {
    fn has_tag(&self, tag: &str) -> bool {
        Note::has_tag(self, tag)
    }
}

impl<T: HasTags + ?Sized> HasTags for &T {
    fn has_tag(&self, tag: &str) -> bool {
        (**self).has_tag(tag)
    }
}

/// Errors pass every tag filter: a note that failed to load is reported, never filtered away.
impl<T: HasTags, E> HasTags for Result<T, E> {
    fn has_tag(&self, tag: &str) -> bool {
        match self {
            Ok(item) => item.has_tag(tag),
            Err(_) => true,
        }
    }
}

pin_project_lite::pin_project! {
    /// Stream for [`filter_by_tag`].
    #[must_use = "streams do nothing unless polled"]
    #[derive(Debug)]
    pub struct FilterByTag<S> {
        #[pin]
        stream: S,
        tag: String,
    }
}

/// Keeps the items of `stream` that carry `tag` (errors always pass; see [`HasTags`]).
///
/// It is lazy and holds one item at a time. The `async for` + `if tag in note.tags` generator of
/// Python's asyncio examples, chainable on any stream of notes:
///
/// ```
/// use futures_util::{stream, StreamExt};
/// use smartnotes_core::{filter_by_tag, Note};
///
/// let notes = stream::iter([
///     Note::new("a", "", ["python", "async"]),
///     Note::new("b", "", ["rust"]),
/// ]);
/// let titles: Vec<String> =
///     futures_executor::block_on(filter_by_tag(notes, "python").map(|n| n.title).collect());
/// assert_eq!(titles, ["a"]);
/// ```
pub fn filter_by_tag<S>(stream: S, tag: impl Into<String>) -> FilterByTag<S>
where
    S: Stream,
    S::Item: HasTags,
{
    FilterByTag {
        stream,
        tag: tag.into(),
    }
}

impl<S> Stream for FilterByTag<S>
where
    S: Stream,
    S::Item: HasTags,
{
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let mut this = self.project();
        loop {
            match this.stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) if !item.has_tag(this.tag) => continue,
                other => return other,
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, self.stream.size_hint().1)
    }
}

impl<S> FusedStream for FilterByTag<S>
where
    S: FusedStream,
    S::Item: HasTags,
{
    fn is_terminated(&self) -> bool {
        self.stream.is_terminated()
    }
}

/// Drains a stream of `Result`s into `(successes, failures)`, both in stream order.
///
/// This holds every item in memory: Python's "async comprehension". Prefer
/// consuming the stream item by item when the input can be large.
///
/// ```
/// # futures_executor::block_on(async {
/// use futures_util::stream;
/// let (ok, err) =
///     smartnotes_core::partition_results(stream::iter([Ok(1), Err("x"), Ok(2)])).await;
/// assert_eq!((ok, err), (vec![1, 2], vec!["x"]));
/// # });
/// ```
pub async fn partition_results<S, T, E>(stream: S) -> (Vec<T>, Vec<E>)
where
    S: Stream<Item = Result<T, E>>,
{
    let mut ok = Vec::new();
    let mut err = Vec::new();
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = stream.next().await {
        match item {
            Ok(t) => ok.push(t),
            Err(e) => err.push(e),
        }
    }
    (ok, err)
}
