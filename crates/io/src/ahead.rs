//! Batches worked through ahead of their consumer by long-lived jobs on the blocking pool, in
//! order ([`ahead`]): the shape of a batched read.
//!
//! A job per batch (spawned when the consumer asks for the next one) keeps several batches
//! running at once, and on a machine with few cores they share them: the batch the consumer
//! waits for finishes late behind its neighbours, while every newly woken thread takes the core
//! the consumer was parsing on. Here a few workers (one fewer than the cores, at least one) take
//! batches oldest first and keep going while the window has room, without the consumer waking
//! them for each batch; the consumer is woken only when it is waiting.
//!
//! A consumer that would wait works a batch itself, the oldest no worker has taken, while
//! batches are quick (the last one worked took at most [`HELP_UNDER`] an item): on two cores
//! one worker reads while the consumer parses, and whichever of the two has less to do would
//! otherwise idle. When batches are slow (a cold disk, a network file system), the consumer
//! only waits, so its thread is never held for longer than a quick batch.
//!
//! Quick is judged per item, not per batch: a page-cached read of 256 notes took about 1 ms
//! on the machine the benches run on, so a limit of 1 ms a batch fell right on it, and in an
//! hour when the machine ran some 10% slower the consumer stopped helping and the default
//! strategy's reading on one thread fell from about 130% of the plain loop to 110%.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use futures_core::Stream;
use futures_util::stream::{FuturesUnordered, StreamExt};

use crate::Runtime;

/// The longest the last batch worked may have taken an item for a consumer that would wait to
/// work the next one itself: a page-cached note is read in about 4 us here (256 of them in
/// about a millisecond); one from a cold disk or a network file system waits for a device or
/// network round trip, tens of microseconds at the least (not measured here). A batch
/// of the default 256 notes is quick under 4 ms, one of `Strategy::responsive()`'s 32 under
/// 0.5 ms (how long the consumer may hold its loop for one).
pub(crate) const HELP_UNDER: Duration = Duration::from_micros(16);

/// What the consumer and the workers share.
struct Shared<T, U> {
    state: Mutex<State<T, U>>,
}

struct State<T, U> {
    /// Batches not yet taken by a worker, oldest first, with their number.
    todo: VecDeque<(u64, Vec<T>)>,
    /// Batches worked through and not yet taken by the consumer, by number.
    done: VecDeque<(u64, Vec<U>)>,
    /// Workers running.
    workers: usize,
    /// The consumer is gone: workers stop after their batch.
    closed: bool,
    /// The consumer, when it waits for a batch.
    waiting: Option<Waker>,
    /// How long the last batch worked (by a worker or the consumer) took an item.
    last_took: Option<Duration>,
}

impl<T, U> Shared<T, U> {
    fn lock(&self) -> MutexGuard<'_, State<T, U>> {
        // A worker that panicked is reported through its join future; its state is whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

type Pause = Pin<Box<dyn Future<Output = ()> + Send>>;
type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// `batches` worked through with `step` by up to `workers` jobs on `runtime`'s blocking pool,
/// at most `window` batches ahead of the consumer; the items of each batch's result in input
/// order. Between batches the consumer's task yields once (`Runtime::yield_now`), so a
/// single-threaded loop's other tasks run.
pub(crate) fn ahead<'a, T, U, S, R>(
    batches: S,
    runtime: R,
    (workers, window): (usize, usize),
    step: impl Fn(Vec<T>) -> Vec<U> + Send + Sync + 'static,
) -> impl Stream<Item = U> + Send + 'a
where
    T: Send + 'static,
    U: Send + 'static,
    S: Stream<Item = Vec<T>> + Send + 'a,
    R: Runtime,
{
    Ahead {
        batches: Box::pin(batches),
        batches_done: false,
        runtime,
        step: Arc::new(step),
        shared: Arc::new(Shared {
            state: Mutex::new(State {
                todo: VecDeque::new(),
                done: VecDeque::new(),
                workers: 0,
                closed: false,
                waiting: None,
                last_took: None,
            }),
        }),
        max_workers: workers.max(1),
        window: window.max(1),
        issued: 0,
        taken: 0,
        jobs: FuturesUnordered::new(),
        current: Vec::new().into_iter(),
        pause: None,
    }
}

struct Ahead<'a, T, U, R, F> {
    batches: Pin<Box<dyn Stream<Item = Vec<T>> + Send + 'a>>,
    batches_done: bool,
    runtime: R,
    step: Arc<F>,
    shared: Arc<Shared<T, U>>,
    max_workers: usize,
    window: usize,
    /// Batches handed to the workers so far (the next one's number).
    issued: u64,
    /// Batches the consumer has taken (the number of the one it waits for).
    taken: u64,
    /// The workers' join futures: kept so that a worker that panicked resumes its panic here.
    jobs: FuturesUnordered<Job>,
    /// The items left of the batch being handed out.
    current: std::vec::IntoIter<U>,
    /// The yield between two batches.
    pause: Option<Pause>,
}

// Nothing of it is pinned in place: the input stream and the pause are boxed.
impl<T, U, R, F> Unpin for Ahead<'_, T, U, R, F> {}

impl<T, U, R, F> Ahead<'_, T, U, R, F>
where
    T: Send + 'static,
    U: Send + 'static,
    R: Runtime,
    F: Fn(Vec<T>) -> Vec<U> + Send + Sync + 'static,
{
    /// Takes what the input has ready while the window has room; starts a worker if there is
    /// work and fewer are running than allowed.
    fn refill(&mut self, cx: &mut Context<'_>) {
        let mut fresh = Vec::new();
        while !self.batches_done && self.issued - self.taken < self.window as u64 {
            match self.batches.as_mut().poll_next(cx) {
                Poll::Ready(Some(batch)) => {
                    fresh.push((self.issued, batch));
                    self.issued += 1;
                }
                Poll::Ready(None) => self.batches_done = true,
                Poll::Pending => break,
            }
        }
        let start = {
            let mut state = self.shared.lock();
            state.todo.extend(fresh);
            let start = state.workers < self.max_workers && state.workers < state.todo.len();
            if start {
                state.workers += 1;
            }
            start
        };
        if start {
            let (shared, step) = (self.shared.clone(), self.step.clone());
            let job = self.runtime.spawn_blocking(move || work(&shared, &*step));
            self.jobs.push(Box::pin(job));
        }
    }
}

/// A worker: batches oldest first until there are none (or the consumer is gone).
fn work<T, U>(shared: &Shared<T, U>, step: &(impl Fn(Vec<T>) -> Vec<U> + ?Sized)) {
    loop {
        let (number, batch) = {
            let mut state = shared.lock();
            match state.todo.pop_front() {
                Some(job) if !state.closed => job,
                _ => {
                    state.workers -= 1;
                    return;
                }
            }
        };
        let waiting = shared.lock_finished(number, timed(step, batch));
        if let Some(consumer) = waiting {
            consumer.wake();
        }
    }
}

/// `step(batch)`, and how long it took an item (the whole of it for an empty batch).
fn timed<T, U>(step: &(impl Fn(Vec<T>) -> Vec<U> + ?Sized), batch: Vec<T>) -> (Vec<U>, Duration) {
    let items = u32::try_from(batch.len().max(1)).unwrap_or(u32::MAX);
    let start = Instant::now();
    let out = step(batch);
    (out, start.elapsed() / items)
}

impl<T, U> Shared<T, U> {
    /// Files batch `number`'s result, in order (a batch finished before an older one goes
    /// after it); the consumer's waker, if it waits.
    fn lock_finished(&self, number: u64, (out, took): (Vec<U>, Duration)) -> Option<Waker> {
        let mut state = self.lock();
        let at = state.done.partition_point(|(n, _)| *n < number);
        state.done.insert(at, (number, out));
        state.last_took = Some(took);
        state.waiting.take()
    }
}

impl<T, U, R, F> Stream for Ahead<'_, T, U, R, F>
where
    T: Send + 'static,
    U: Send + 'static,
    R: Runtime,
    F: Fn(Vec<T>) -> Vec<U> + Send + Sync + 'static,
{
    type Item = U;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<U>> {
        let this = self.get_mut();
        loop {
            if let Some(pause) = &mut this.pause {
                if pause.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.pause = None;
            }
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(item));
            }
            this.refill(cx);
            // Drives the workers' join futures: a panic in one is resumed here.
            while let Poll::Ready(Some(())) = this.jobs.poll_next_unpin(cx) {}
            let (next, help) = {
                let mut state = this.shared.lock();
                match state.done.front() {
                    Some((number, _)) if *number == this.taken => (state.done.pop_front(), None),
                    _ if !state.todo.is_empty()
                        && state.last_took.is_some_and(|took| took <= HELP_UNDER) =>
                    {
                        (None, state.todo.pop_front())
                    }
                    _ => {
                        state.waiting = Some(cx.waker().clone());
                        (None, None)
                    }
                }
            };
            if let Some((number, batch)) = help {
                // Quick batches: worked here rather than waited for (see the module docs).
                // A worker is never waiting on it: the consumer takes its own result below.
                let _ = this.shared.lock_finished(number, timed(&*this.step, batch));
                continue;
            }
            match next {
                Some((_, batch)) => {
                    this.taken += 1;
                    this.current = batch.into_iter();
                    // The next batches are handed out (and a worker started) before this one
                    // is consumed.
                    this.refill(cx);
                    this.pause = Some(Box::pin(this.runtime.yield_now()));
                }
                None if this.batches_done && this.taken == this.issued => {
                    return Poll::Ready(None);
                }
                None => return Poll::Pending,
            }
        }
    }
}

impl<T, U, R, F> Drop for Ahead<'_, T, U, R, F> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.closed = true;
        state.todo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use futures_util::stream;

    /// Each blocking job on a thread of its own; a panic in it is resumed where it is awaited.
    #[derive(Clone, Debug)]
    struct Threads;

    type Slot<T> = Arc<Mutex<(Option<std::thread::Result<T>>, Option<Waker>)>>;

    impl Runtime for Threads {
        fn spawn_blocking<F, T>(&self, f: F) -> impl Future<Output = T> + Send + 'static + use<F, T>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            let slot: Slot<T> = Arc::new(Mutex::new((None, None)));
            let theirs = slot.clone();
            std::thread::spawn(move || {
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
                let waker = {
                    let mut slot = theirs.lock().unwrap();
                    slot.0 = Some(out);
                    slot.1.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
            std::future::poll_fn(move |cx| {
                let mut slot = slot.lock().unwrap();
                match slot.0.take() {
                    Some(Ok(value)) => Poll::Ready(value),
                    Some(Err(panic)) => std::panic::resume_unwind(panic),
                    None => {
                        slot.1 = Some(cx.waker().clone());
                        Poll::Pending
                    }
                }
            })
        }

        fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send + 'static + use<> {
            self.spawn_blocking(move || std::thread::sleep(duration))
        }
    }

    fn batches(n: usize, size: usize) -> impl Stream<Item = Vec<usize>> + Send {
        let all: Vec<usize> = (0..n).collect();
        let chunks: Vec<Vec<usize>> = all.chunks(size).map(<[usize]>::to_vec).collect();
        stream::iter(chunks)
    }

    #[test]
    fn every_item_comes_once_in_order_whichever_worker_finishes_first() {
        let step = |batch: Vec<usize>| {
            // Uneven work, so that later batches often finish before earlier ones.
            let first = batch.first().copied().unwrap_or(0);
            std::thread::sleep(Duration::from_micros((first * 7919 % 13) as u64 * 50));
            batch.into_iter().map(|x| x * 2).collect()
        };
        let got: Vec<usize> = futures_executor::block_on(
            ahead(batches(1000, 7), Threads, (3, 4), step).collect::<Vec<_>>(),
        );
        assert_eq!(got, (0..1000).map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_workers_stay_within_the_window_of_a_slow_consumer() {
        let worked = Arc::new(AtomicUsize::new(0));
        let counted = worked.clone();
        let step = move |batch: Vec<usize>| {
            counted.fetch_add(1, Ordering::SeqCst);
            batch
        };
        futures_executor::block_on(async {
            let mut items = std::pin::pin!(ahead(batches(200, 10), Threads, (2, 3), step));
            let mut taken_batches = 0;
            while let Some(item) = items.next().await {
                if item % 10 == 0 {
                    taken_batches += 1;
                    std::thread::sleep(Duration::from_millis(2));
                    // The batch being handed out and at most `window` more.
                    let ahead_by = worked.load(Ordering::SeqCst) - taken_batches;
                    assert!(
                        ahead_by <= 3,
                        "{ahead_by} batches worked ahead of a window of 3"
                    );
                }
            }
        });
        assert_eq!(worked.load(Ordering::SeqCst), 20);
    }

    #[test]
    fn dropped_early_it_stops_handing_out_work() {
        let worked = Arc::new(AtomicUsize::new(0));
        let counted = worked.clone();
        let step = move |batch: Vec<usize>| {
            counted.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(1));
            batch
        };
        futures_executor::block_on(async {
            let mut items = Box::pin(ahead(batches(10_000, 10), Threads, (2, 4), step));
            for _ in 0..15 {
                items.next().await;
            }
        });
        std::thread::sleep(Duration::from_millis(50));
        let worked = worked.load(Ordering::SeqCst);
        // Two batches taken, at most a window of four more (and one per worker in its step).
        assert!(
            worked <= 2 + 4 + 2,
            "{worked} batches worked after the consumer left"
        );
    }

    #[test]
    fn a_step_that_panics_panics_the_consumer() {
        let step = |batch: Vec<usize>| {
            assert!(!batch.contains(&55), "bad batch");
            batch
        };
        let outcome = std::panic::catch_unwind(|| {
            futures_executor::block_on(
                ahead(batches(100, 10), Threads, (2, 4), step).collect::<Vec<_>>(),
            )
        });
        assert!(outcome.is_err());
    }

    /// The batches worked on the consumer's thread, of `n` batches of 64 items that each take
    /// `per_item` an item on a worker (one worker, a window of four), consumed as fast as they
    /// come.
    fn worked_by_the_consumer(n: usize, per_item: Duration) -> usize {
        let step_for = per_item * 64;
        let consumer = std::thread::current().id();
        let here = Arc::new(AtomicUsize::new(0));
        let counted = here.clone();
        let step = move |batch: Vec<usize>| {
            std::thread::sleep(step_for);
            if std::thread::current().id() == consumer {
                counted.fetch_add(1, Ordering::SeqCst);
            }
            batch
        };
        let got: Vec<usize> = futures_executor::block_on(
            ahead(batches(n * 64, 64), Threads, (1, 4), step).collect::<Vec<_>>(),
        );
        assert_eq!(got, (0..n * 64).collect::<Vec<_>>());
        here.load(Ordering::SeqCst)
    }

    #[test]
    fn a_consumer_that_would_wait_works_quick_batches_itself() {
        // Each batch is quick (well under `HELP_UNDER` an item) and the consumer has nothing
        // else to do: it takes batches no worker has started rather than wait.
        // A tenth of the limit: a loaded machine that oversleeps still leaves them quick.
        let here = worked_by_the_consumer(100, HELP_UNDER / 10);
        assert!(here > 0, "the consumer waited for all 100 quick batches");
    }

    #[test]
    fn a_consumer_never_works_slow_batches() {
        // Batches slower than `HELP_UNDER` an item (a cold disk): the consumer's thread only
        // waits.
        assert_eq!(worked_by_the_consumer(10, HELP_UNDER * 3), 0);
    }

    #[test]
    fn an_inline_runtime_reads_everything_too() {
        let got: Vec<usize> = futures_executor::block_on(
            ahead(
                batches(100, 8),
                crate::testing::InlineRuntime,
                (1, 2),
                |b: Vec<usize>| b,
            )
            .collect::<Vec<_>>(),
        );
        assert_eq!(got, (0..100).collect::<Vec<_>>());
    }
}
