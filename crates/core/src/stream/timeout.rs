//! Timeouts: for one future ([`timeout`]), for each item of a stream ([`timeout_each`]) and for
//! a whole stream ([`deadline`]); and an infinite stream of ticks ([`ticks`]).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::{FusedStream, Stream};
use futures_util::future::{Either, select};
use futures_util::stream;

use crate::Runtime;

type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// What took too long. The message says which limit was hit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimedOut {
    /// One future ([`timeout`]).
    #[error("the operation did not finish within {limit:?}")]
    Future {
        /// The limit.
        limit: Duration,
    },
    /// One item of a stream ([`timeout_each`]).
    #[error("item {index} of the stream did not arrive within {limit:?}")]
    Item {
        /// The 0-based index of the item that was late.
        index: u64,
        /// The per-item limit.
        limit: Duration,
    },
    /// A whole stream ([`deadline`]).
    #[error("the stream did not finish within {limit:?} ({items} items arrived in time)")]
    Stream {
        /// The limit for the whole stream.
        limit: Duration,
        /// How many items arrived before it.
        items: u64,
    },
}

/// Runs `future` with a time limit, on `runtime`'s timer (`asyncio.wait_for`). On time out the
/// future is dropped (cancelled) and [`TimedOut::Future`] returned.
///
/// # Errors
/// [`TimedOut::Future`] if `limit` passes first.
///
/// # Examples
/// ```
/// # #[derive(Clone)] struct Inline;
/// # impl smartnotes_core::Runtime for Inline {
/// #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F)
/// #         -> impl Future<Output = T> + Send + 'static + use<F, T> { std::future::ready(f()) }
/// #     fn sleep(&self, d: std::time::Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
/// #         std::thread::sleep(d); std::future::ready(()) }
/// # }
/// # futures_executor::block_on(async {
/// use std::time::Duration;
/// use smartnotes_core::stream::{TimedOut, timeout};
///
/// let limit = Duration::from_millis(5);
/// assert_eq!(timeout(&Inline, limit, std::future::ready(1)).await, Ok(1));
/// let never = std::future::pending::<u32>();
/// assert_eq!(timeout(&Inline, limit, never).await, Err(TimedOut::Future { limit }));
/// # });
/// ```
pub async fn timeout<R: Runtime, F: Future>(
    runtime: &R,
    limit: Duration,
    future: F,
) -> Result<F::Output, TimedOut> {
    let future = std::pin::pin!(future);
    let sleep = std::pin::pin!(runtime.sleep(limit));
    match select(future, sleep).await {
        Either::Left((output, _)) => Ok(output),
        Either::Right(((), _)) => Err(TimedOut::Future { limit }),
    }
}

pin_project_lite::pin_project! {
    /// Stream for [`timeout_each`] and [`deadline`].
    #[must_use = "streams do nothing unless polled"]
    pub struct Timeout<S, R> {
        #[pin]
        stream: S,
        runtime: R,
        limit: Duration,
        per_item: bool,
        sleep: Option<Sleep>,
        items: u64,
        done: bool,
    }
}

/// Limits the wait for each item of `stream` to `limit`: an item that takes longer yields
/// [`TimedOut::Item`] (with its index), and the stream ends there. Each item's clock starts
/// when the consumer asks for it, so time the consumer spends on the previous item does not
/// count.
///
/// # Examples
/// ```
/// # #[derive(Clone)] struct Inline;
/// # impl smartnotes_core::Runtime for Inline {
/// #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F)
/// #         -> impl Future<Output = T> + Send + 'static + use<F, T> { std::future::ready(f()) }
/// #     fn sleep(&self, d: std::time::Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
/// #         std::thread::sleep(d); std::future::ready(()) }
/// # }
/// # futures_executor::block_on(async {
/// use std::time::Duration;
/// use futures_util::{StreamExt, stream};
/// use smartnotes_core::stream::{TimedOut, timeout_each};
///
/// let limit = Duration::from_millis(5);
/// let stalls = stream::iter([1, 2]).chain(stream::pending()); // the third item never comes
/// let items: Vec<_> = timeout_each(stalls, Inline, limit).collect().await;
/// assert_eq!(items, [Ok(1), Ok(2), Err(TimedOut::Item { index: 2, limit })]);
/// # });
/// ```
pub fn timeout_each<S: Stream, R: Runtime>(
    stream: S,
    runtime: R,
    limit: Duration,
) -> Timeout<S, R> {
    Timeout::new(stream, runtime, limit, true)
}

/// Limits a whole stream to `limit`, counted from its first poll: when it passes, the stream
/// yields [`TimedOut::Stream`] (with how many items came in time) and ends. Time the consumer
/// spends between items counts.
///
/// # Examples
/// ```
/// # #[derive(Clone)] struct Inline;
/// # impl smartnotes_core::Runtime for Inline {
/// #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F)
/// #         -> impl Future<Output = T> + Send + 'static + use<F, T> { std::future::ready(f()) }
/// #     fn sleep(&self, d: std::time::Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
/// #         std::thread::sleep(d); std::future::ready(()) }
/// # }
/// # futures_executor::block_on(async {
/// use std::time::Duration;
/// use futures_util::{StreamExt, stream};
/// use smartnotes_core::stream::{TimedOut, deadline};
///
/// let limit = Duration::from_millis(5);
/// let quick: Vec<_> = deadline(stream::iter([1, 2, 3]), Inline, limit).collect().await;
/// assert_eq!(quick, [Ok(1), Ok(2), Ok(3)]);
/// let stalls = stream::iter([1]).chain(stream::pending());
/// let late: Vec<_> = deadline(stalls, Inline, limit).collect().await;
/// assert_eq!(late, [Ok(1), Err(TimedOut::Stream { limit, items: 1 })]);
/// # });
/// ```
pub fn deadline<S: Stream, R: Runtime>(stream: S, runtime: R, limit: Duration) -> Timeout<S, R> {
    Timeout::new(stream, runtime, limit, false)
}

impl<S, R: Runtime> Timeout<S, R> {
    fn new(stream: S, runtime: R, limit: Duration, per_item: bool) -> Self {
        Self {
            stream,
            runtime,
            limit,
            per_item,
            sleep: None,
            items: 0,
            done: false,
        }
    }
}

impl<S: Stream, R: Runtime> Stream for Timeout<S, R> {
    type Item = Result<S::Item, TimedOut>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(this.runtime.sleep(*this.limit)));
        match this.stream.poll_next(cx) {
            Poll::Ready(Some(item)) => {
                *this.items += 1;
                if *this.per_item {
                    *this.sleep = None;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            Poll::Ready(None) => {
                *this.done = true;
                *this.sleep = None;
                return Poll::Ready(None);
            }
            Poll::Pending => {}
        }
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                *this.done = true;
                *this.sleep = None;
                let error = if *this.per_item {
                    TimedOut::Item {
                        index: *this.items,
                        limit: *this.limit,
                    }
                } else {
                    TimedOut::Stream {
                        limit: *this.limit,
                        items: *this.items,
                    }
                };
                Poll::Ready(Some(Err(error)))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: Stream, R: Runtime> FusedStream for Timeout<S, R> {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

/// An infinite stream of ticks 0, 1, 2, ..., one every `period` (at least: each wait starts
/// when the consumer asks for the next tick). The event source of the "infinite streams"
/// pattern: consume it with `take`, `take_while` or [`deadline`]; dropping it stops it.
///
/// # Examples
/// ```
/// # #[derive(Clone)] struct Inline;
/// # impl smartnotes_core::Runtime for Inline {
/// #     fn spawn_blocking<F: FnOnce() -> T + Send + 'static, T: Send + 'static>(&self, f: F)
/// #         -> impl Future<Output = T> + Send + 'static + use<F, T> { std::future::ready(f()) }
/// #     fn sleep(&self, d: std::time::Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
/// #         std::thread::sleep(d); std::future::ready(()) }
/// # }
/// # futures_executor::block_on(async {
/// use std::time::{Duration, Instant};
/// use futures_util::StreamExt;
/// use smartnotes_core::stream::ticks;
///
/// let start = Instant::now();
/// let first: Vec<u64> = ticks(Inline, Duration::from_millis(2)).take(3).collect().await;
/// assert_eq!(first, [0, 1, 2]);
/// assert!(start.elapsed() >= Duration::from_millis(6));
/// # });
/// ```
pub fn ticks<R: Runtime>(runtime: R, period: Duration) -> impl Stream<Item = u64> + Send {
    stream::unfold(0_u64, move |n| {
        let sleep = runtime.sleep(period);
        async move {
            sleep.await;
            Some((n, n + 1))
        }
    })
}
