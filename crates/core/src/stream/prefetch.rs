//! [`prefetch`]: drive a source ahead of its consumer.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use futures_util::StreamExt;
use futures_util::stream::Fuse;

pin_project_lite::pin_project! {
    /// Stream for [`prefetch`].
    #[must_use = "streams do nothing unless polled"]
    #[derive(Debug)]
    pub struct Prefetch<S: Stream> {
        #[pin]
        stream: Fuse<S>,
        buffer: VecDeque<S::Item>,
        ahead: usize,
    }
}

/// Keeps up to `ahead` items of `stream` ready beyond the one being consumed, so that a slow
/// source and a slow consumer overlap (Python's "prefetch the next page while this one
/// is processed").
///
/// Each time the consumer asks for an item, the source is polled until `ahead` further items
/// wait in a buffer or it has nothing ready; the item returned comes from the front of the
/// buffer, in source order. The source's next item is therefore already *started* while the
/// consumer works on the current one. What runs on its own once started keeps going while the
/// consumer is busy: a timer (`Runtime::sleep`), a job on the blocking pool, a request in
/// flight. CPU work done inside the source's `poll_next` runs only when this stream is polled;
/// for that, spawn the source on a task of your runtime and read it through a channel.
///
/// Memory: at most `ahead + 1` items. `ahead = 0` passes items through unchanged.
///
/// ```
/// # futures_executor::block_on(async {
/// use futures_util::{stream, StreamExt};
/// use smartnotes_core::stream::prefetch;
///
/// let pages = prefetch(stream::iter(1..=5), 2);
/// assert_eq!(pages.collect::<Vec<_>>().await, [1, 2, 3, 4, 5]);
/// # });
/// ```
pub fn prefetch<S: Stream>(stream: S, ahead: usize) -> Prefetch<S> {
    Prefetch {
        stream: stream.fuse(),
        buffer: VecDeque::with_capacity(ahead.saturating_add(1).min(1024)),
        ahead,
    }
}

impl<S: Stream> Stream for Prefetch<S> {
    type Item = S::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let mut this = self.project();
        // Fill to one item for the consumer plus `ahead`, then poll once more so that the next
        // item is started (its waker registered) even when the buffer is full.
        while this.buffer.len() <= *this.ahead && !this.stream.is_terminated() {
            match this.stream.as_mut().poll_next(cx) {
                Poll::Ready(Some(item)) => this.buffer.push_back(item),
                Poll::Ready(None) | Poll::Pending => break,
            }
        }
        match this.buffer.pop_front() {
            Some(item) => Poll::Ready(Some(item)),
            None if this.stream.is_terminated() => Poll::Ready(None),
            None => Poll::Pending,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let (low, high) = self.stream.size_hint();
        let n = self.buffer.len();
        (low.saturating_add(n), high.and_then(|h| h.checked_add(n)))
    }
}

impl<S: Stream> FusedStream for Prefetch<S> {
    fn is_terminated(&self) -> bool {
        self.buffer.is_empty() && self.stream.is_terminated()
    }
}
