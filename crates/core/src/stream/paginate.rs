//! [`paginate`]: page fetches as one flat stream.

use std::future::Future;

use futures_core::Stream;
use futures_util::{TryStreamExt, stream};

/// Turns a page fetch into one flat stream of items: pages 0, 1, 2, ... of up to `page_size`
/// items (page `i` starts at item `i * page_size`) are fetched one after the other, as the
/// consumer asks. The stream ends at the first empty page, or after a page shorter than
/// `page_size`, which is the last one: no fetch is spent on the empty page after it.
///
/// A failed fetch yields its error and ends the stream; the items of the pages before it have
/// been yielded, none twice. To resume a failed page instead, retry inside the fetch
/// (with `backon`, as the `retry` example does): the retried call fetches the same page number, so the
/// stream continues exactly where it failed. Only the current page is in memory.
///
/// ```
/// # futures_executor::block_on(async {
/// use futures_util::TryStreamExt;
/// use smartnotes_core::stream::paginate;
///
/// let items: Vec<u32> = (0..35).collect();
/// let fetched = std::cell::Cell::new(0);
/// let all: Vec<u32> = paginate(10, |page| {
///     fetched.set(fetched.get() + 1);
///     let chunk = items.iter().copied().skip(page * 10).take(10).collect::<Vec<_>>();
///     async move { Ok::<_, std::io::Error>(chunk) }
/// })
/// .try_collect()
/// .await?;
/// assert_eq!((all.len(), fetched.get()), (35, 4)); // pages of 10, 10, 10 and 5
/// # Ok::<(), std::io::Error>(()) }).unwrap();
/// ```
pub fn paginate<F, Fut, T, E>(
    page_size: usize,
    mut fetch_page: F,
) -> impl Stream<Item = Result<T, E>>
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = Result<Vec<T>, E>>,
{
    stream::unfold(Some(0_usize), move |page| {
        let fetch = page.map(|page| (page, fetch_page(page)));
        async move {
            let (page, fetch) = fetch?;
            match fetch.await {
                Ok(items) if items.is_empty() => None,
                Ok(items) => {
                    let next = (items.len() >= page_size).then_some(page + 1);
                    Some((Ok(items), next))
                }
                Err(e) => Some((Err(e), None)),
            }
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
}
