//! Stream operators for note pipelines, over [`futures_core::Stream`].
//!
//! Everything `futures` already provides is used as is (`chunks`, `buffered`, `take`,
//! `filter`...); this module adds what note pipelines need on top:
//!
//! * [`filter_by_tag`]: keep the notes that carry a tag, passing errors through so that no
//!   failure is silently dropped on its way to a report.
//! * [`partition_results`]: collect a stream of `Result`s into the successes and the failures,
//!   where `try_collect` would stop at the first error.

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
/// the tutorials, chainable on any stream of notes:
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
/// This holds every item in memory: the "async comprehension" of the tutorials. Prefer
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
