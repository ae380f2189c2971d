//! [`Countdown`]: a stream written by hand, the `__anext__` analogue, next to
//! [`countdown_unfold`], the same stream from `futures`' `unfold`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::{FusedStream, Stream};
use futures_util::stream;

use smartnotes::Runtime;

/// Counts down from `start` to 1, waiting `interval` before each number: Python's
/// `CountdownIterator`, implementing [`Stream`] by hand.
///
/// `poll_next` is `__anext__` turned inside out: instead of `await`ing the sleep, it keeps the
/// sleep future in a field, polls it, and returns `Pending` until the timer wakes the task;
/// then it yields the number and forgets the timer. `None` is `StopAsyncIteration`. Writing a
/// stream by hand pays off when its state must be inspected or named (`remaining`); otherwise
/// [`countdown_unfold`] says the same in four lines.
pub(crate) struct Countdown<R> {
    runtime: R,
    remaining: u32,
    interval: Duration,
    sleep: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl<R: std::fmt::Debug> std::fmt::Debug for Countdown<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Countdown")
            .field("runtime", &self.runtime)
            .field("remaining", &self.remaining)
            .field("interval", &self.interval)
            .field("sleeping", &self.sleep.is_some())
            .finish()
    }
}

impl<R: Runtime> Countdown<R> {
    /// A countdown from `start`, one number per `interval` on `runtime`'s timer.
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
    /// use std::time::Duration;
    /// use futures_util::StreamExt;
    /// use Countdown;
    ///
    /// let countdown = Countdown::new(Inline, 3, Duration::from_millis(1));
    /// let numbers: Vec<u32> = futures_executor::block_on(countdown.collect());
    /// assert_eq!(numbers, [3, 2, 1]);
    /// ```
    pub(crate) fn new(runtime: R, start: u32, interval: Duration) -> Self {
        Self {
            runtime,
            remaining: start,
            interval,
            sleep: None,
        }
    }

    /// The numbers still to come.
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
    /// use std::time::Duration;
    /// use futures_util::StreamExt;
    /// use Countdown;
    ///
    /// let mut countdown = Countdown::new(Inline, 3, Duration::from_millis(1));
    /// assert_eq!(futures_executor::block_on(countdown.next()), Some(3));
    /// assert_eq!(countdown.remaining(), 2);
    /// ```
    pub(crate) fn remaining(&self) -> u32 {
        self.remaining
    }
}

// No field is ever pinned (the sleep future is boxed), so moving a `Countdown` is fine
// whatever the runtime type.
impl<R> Unpin for Countdown<R> {}

impl<R: Runtime> Stream for Countdown<R> {
    type Item = u32;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        // `Countdown` is `Unpin` (its only future is boxed), so it can be used as `&mut`.
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(this.runtime.sleep(this.interval)));
        match sleep.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                this.sleep = None;
                let n = this.remaining;
                this.remaining -= 1;
                Poll::Ready(Some(n))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining as usize;
        (n, Some(n))
    }
}

impl<R: Runtime> FusedStream for Countdown<R> {
    fn is_terminated(&self) -> bool {
        self.remaining == 0
    }
}

/// The same countdown as [`Countdown`], from `futures`' [`unfold`](stream::unfold): the
/// async-generator form (`async def` with `yield`), where the state is the loop variable.
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
/// use std::time::Duration;
/// use futures_util::StreamExt;
/// use countdown_unfold;
///
/// let countdown = countdown_unfold(Inline, 3, Duration::from_millis(1));
/// let numbers: Vec<u32> = futures_executor::block_on(countdown.collect());
/// assert_eq!(numbers, [3, 2, 1]);
/// ```
pub(crate) fn countdown_unfold<R: Runtime>(
    runtime: R,
    start: u32,
    interval: Duration,
) -> impl Stream<Item = u32> + Send {
    stream::unfold(start, move |n| {
        let sleep = (n > 0).then(|| runtime.sleep(interval));
        async move {
            sleep?.await;
            Some((n, n - 1))
        }
    })
}
