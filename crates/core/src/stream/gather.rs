//! Joins with bounded concurrency ([`gather`]) and a semaphore-bounded limiter ([`Limiter`]).

use std::future::Future;
use std::sync::Arc;

use futures_util::{StreamExt, stream};

/// Runs `futures` with at most `limit` in flight and returns their outputs in input order
/// (`asyncio.gather` with a bound). It is `stream::iter(futures).buffered(limit)` collected:
/// use that directly to consume results as they come instead of holding them all.
///
/// `limit` 0 is taken as 1. With `limit` at least the number of futures this is an unbounded
/// join; with a bound, a thousand requests never open a thousand connections.
///
/// ```
/// # futures_executor::block_on(async {
/// let squares = smartnotes_core::stream::gather((1..=4).map(|n| async move { n * n }), 2).await;
/// assert_eq!(squares, [1, 4, 9, 16]);
/// # });
/// ```
pub async fn gather<I>(futures: I, limit: usize) -> Vec<<I::Item as Future>::Output>
where
    I: IntoIterator,
    I::Item: Future,
{
    stream::iter(futures).buffered(limit.max(1)).collect().await
}

/// At most `n` operations in flight across every task that shares it (a clone shares the
/// same permits): the semaphore-bounded fetch of the rate-limiting pattern.
///
/// Where the operations are one stream's items, `buffer_unordered(n)` bounds them without a
/// semaphore; a `Limiter` bounds operations started from anywhere (several streams, spawned
/// tasks). It is `async-lock`'s semaphore: which waiter gets a freed permit is not specified.
///
/// ```
/// # futures_executor::block_on(async {
/// use smartnotes_core::stream::{Limiter, gather};
///
/// let limiter = Limiter::new(3);
/// let pages = gather((0..10).map(|page| limiter.run(async move { page * 10 })), 10).await;
/// assert_eq!(pages[9], 90);
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct Limiter {
    semaphore: Arc<async_lock::Semaphore>,
    limit: usize,
}

impl Limiter {
    /// A limiter with `limit` permits (0 is taken as 1, since none would deadlock).
    ///
    /// # Examples
    /// ```
    /// use smartnotes_core::stream::Limiter;
    /// assert_eq!(Limiter::new(8).limit(), 8);
    /// assert_eq!(Limiter::new(0).limit(), 1);
    /// ```
    pub fn new(limit: usize) -> Self {
        let limit = limit.max(1);
        Self {
            semaphore: Arc::new(async_lock::Semaphore::new(limit)),
            limit,
        }
    }

    /// The number of permits.
    ///
    /// # Examples
    /// ```
    /// let limiter = smartnotes_core::stream::Limiter::new(4);
    /// assert_eq!(limiter.clone().limit(), 4); // a clone shares the same 4 permits
    /// ```
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Waits for a permit, then runs `operation` holding it; the permit is returned when the
    /// operation finishes or is dropped.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_core::stream::Limiter;
    ///
    /// # futures_executor::block_on(async {
    /// let limiter = Limiter::new(2);
    /// let page = limiter.run(async { vec!["a.md", "b.md"] }).await; // a fetch, one permit held
    /// assert_eq!(page, ["a.md", "b.md"]);
    /// # });
    /// ```
    pub async fn run<F: Future>(&self, operation: F) -> F::Output {
        let _permit = self.semaphore.acquire().await;
        operation.await
    }
}
