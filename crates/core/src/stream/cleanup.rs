//! The `async with` analogues: [`scope`] runs an async close whatever way its body ends, and
//! [`Owning`] is a stream that owns a resource and releases it. What runs when they are dropped
//! instead: the [stream module's docs](super#what-rust-can-and-cannot-run-on-drop).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use crate::stream::paginate;

/// Runs `body` with the resource, then `close` on it, whether `body` returned `Ok` or `Err`
/// (Python's `async with`).
///
/// The result is the body's; if the body succeeded and `close` failed, the close error. If
/// both failed, the body's error is returned and the close error is dropped, as the first
/// failure is the one that explains the second. See [what runs on drop](super#what-rust-can-and-cannot-run-on-drop) for cancellation.
///
/// # Errors
/// The body's error, or else `close`'s.
///
/// ```
/// # futures_executor::block_on(async {
/// use smartnotes_core::stream::scope;
///
/// let mut log = Vec::new();
/// let result: Result<u32, String> = scope(
///     vec![1, 2, 3],
///     async |v: &mut Vec<u32>| if v.len() > 2 { Err("too long".to_string()) } else { Ok(1) },
///     async |v: Vec<u32>| { log.push(format!("closed {}", v.len())); Ok(()) },
/// )
/// .await;
/// assert_eq!(result, Err("too long".to_string()));
/// assert_eq!(log, ["closed 3"]); // closed on the error path too
/// # });
/// ```
pub async fn scope<R, T, E>(
    mut resource: R,
    body: impl AsyncFnOnce(&mut R) -> Result<T, E>,
    close: impl AsyncFnOnce(R) -> Result<(), E>,
) -> Result<T, E> {
    let outcome = body(&mut resource).await;
    let closed = close(resource).await;
    match (outcome, closed) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(e)) | (Err(e), _) => Err(e),
    }
}

pin_project_lite::pin_project! {
    /// A stream that owns a resource and releases it with an async `close`: when the stream
    /// ends, or on [`Owning::close`]. Made by [`owning`] and [`cursor`].
    #[must_use = "streams do nothing unless polled"]
    pub struct Owning<S, R, C, Fut> {
        #[pin]
        stream: S,
        resource: Option<(R, C)>,
        #[pin]
        closing: Option<Fut>,
    }
}

/// A stream over `stream` that owns `resource` and runs `close(resource)` once, when the
/// stream ends or on [`Owning::close`]; if it is dropped first, the resource is only dropped
/// (see [what runs on drop](super#what-rust-can-and-cannot-run-on-drop)). The stream's `None` comes after `close` has finished.
///
/// # Examples
/// ```
/// # futures_executor::block_on(async {
/// use std::cell::Cell;
/// use futures_util::{StreamExt, stream};
/// use smartnotes_core::stream::owning;
///
/// let closed = Cell::new(false);
/// let flag = &closed;
/// let close = move |_conn| async move { flag.set(true) };
/// let rows = owning(stream::iter([1, 2]), "connection", close);
/// assert_eq!(rows.collect::<Vec<_>>().await, [1, 2]);
/// assert!(closed.get()); // closed when the rows ran out
/// # });
/// ```
pub fn owning<S, R, C, Fut>(stream: S, resource: R, close: C) -> Owning<S, R, C, Fut>
where
    S: Stream,
    C: FnOnce(R) -> Fut,
    Fut: Future<Output = ()>,
{
    Owning {
        stream,
        resource: Some((resource, close)),
        closing: None,
    }
}

impl<S, R, C, Fut> Owning<S, R, C, Fut>
where
    S: Stream,
    C: FnOnce(R) -> Fut,
    Fut: Future<Output = ()>,
{
    /// The resource, until it is released.
    ///
    /// # Examples
    /// ```
    /// # futures_executor::block_on(async {
    /// use futures_util::{StreamExt, stream};
    /// use smartnotes_core::stream::owning;
    ///
    /// let mut rows = std::pin::pin!(owning(stream::iter([1]), "connection", |_conn| async {}));
    /// assert_eq!(rows.resource(), Some(&"connection"));
    /// while rows.next().await.is_some() {}
    /// assert_eq!(rows.resource(), None); // released at the end
    /// # });
    /// ```
    pub fn resource(&self) -> Option<&R> {
        self.resource.as_ref().map(|(r, _)| r)
    }

    /// Releases the resource now (Python's `aclose()`), for a consumer that breaks out of the
    /// loop early; later polls of the stream yield `None`. Does nothing if it was released.
    ///
    /// # Examples
    /// ```
    /// # futures_executor::block_on(async {
    /// use std::cell::Cell;
    /// use futures_util::{StreamExt, stream};
    /// use smartnotes_core::stream::owning;
    ///
    /// let closed = Cell::new(false);
    /// let flag = &closed;
    /// let close = move |_conn| async move { flag.set(true) };
    /// let mut rows = std::pin::pin!(owning(stream::iter(1..), "connection", close));
    /// assert_eq!(rows.next().await, Some(1)); // then break out of an endless stream
    /// rows.as_mut().close().await;
    /// assert!(closed.get());
    /// assert_eq!(rows.next().await, None);
    /// # });
    /// ```
    pub async fn close(mut self: Pin<&mut Self>) {
        std::future::poll_fn(|cx| self.as_mut().poll_close(cx).map(drop)).await;
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let mut this = self.project();
        if let Some((resource, close)) = this.resource.take() {
            this.closing.set(Some(close(resource)));
        }
        match this.closing.as_mut().as_pin_mut() {
            Some(closing) => match closing.poll(cx) {
                Poll::Ready(()) => {
                    this.closing.set(None);
                    Poll::Ready(None)
                }
                Poll::Pending => Poll::Pending,
            },
            None => Poll::Ready(None),
        }
    }
}

impl<S, R, C, Fut> Stream for Owning<S, R, C, Fut>
where
    S: Stream,
    C: FnOnce(R) -> Fut,
    Fut: Future<Output = ()>,
{
    type Item = S::Item;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        if self.resource.is_some() {
            match self.as_mut().project().stream.poll_next(cx) {
                Poll::Ready(None) => {}
                other => return other,
            }
        }
        self.poll_close(cx)
    }
}

impl<S, R, C, Fut> FusedStream for Owning<S, R, C, Fut>
where
    S: Stream,
    C: FnOnce(R) -> Fut,
    Fut: Future<Output = ()>,
{
    fn is_terminated(&self) -> bool {
        self.resource.is_none() && self.closing.is_none()
    }
}

/// A database-style cursor: a resource that is both scoped and iterated. The rows come from
/// `fetch_page(handle, page)` through [`paginate`] (pages of `page_size`), and
/// `close(handle)` runs when the rows run out or on [`Owning::close`].
///
/// `handle` is cloned for each fetch (an `Arc`, a connection handle), so the stream can own it
/// while fetches borrow nothing.
///
/// # Examples
/// ```
/// # futures_executor::block_on(async {
/// use std::cell::Cell;
/// use futures_util::TryStreamExt;
/// use smartnotes_core::stream::cursor;
///
/// let table: Vec<u32> = (1..=5).collect(); // a cloneable handle, here the rows themselves
/// let closed = Cell::new(false);
/// let flag = &closed;
/// let fetch = |table: Vec<u32>, page: usize| async move {
///     Ok::<_, String>(table.into_iter().skip(page * 2).take(2).collect::<Vec<_>>())
/// };
/// let close = move |_table| async move { flag.set(true) };
/// let rows: Vec<u32> = cursor(table, 2, fetch, close).try_collect().await?;
/// assert_eq!(rows, [1, 2, 3, 4, 5]);
/// assert!(closed.get());
/// # Ok::<(), String>(()) }).unwrap();
/// ```
#[allow(clippy::type_complexity)]
pub fn cursor<H, T, E, F, Fut, C, CFut>(
    handle: H,
    page_size: usize,
    mut fetch_page: F,
    close: C,
) -> Owning<Pin<Box<dyn Stream<Item = Result<T, E>> + Send>>, H, C, CFut>
where
    H: Clone + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
    F: FnMut(H, usize) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Vec<T>, E>> + Send + 'static,
    C: FnOnce(H) -> CFut,
    CFut: Future<Output = ()>,
{
    let fetch_handle = handle.clone();
    let rows = paginate(page_size, move |page| {
        fetch_page(fetch_handle.clone(), page)
    });
    owning(Box::pin(rows), handle, close)
}
