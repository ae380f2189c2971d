//! The stream toolkit: one test per async-iteration pattern of the tutorials, each on tokio and
//! on smol. Timing is never asserted here (that is the benches' job): overlap and concurrency
//! are checked by the order of logged events and by counting what is in flight.

mod common;
#[path = "../examples/common/countdown.rs"]
mod countdown;

use countdown::{Countdown, countdown_unfold};

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use common::{temp, write_files};
use futures_util::{StreamExt, TryStreamExt, stream};
use smartnotes::stream::{
    Limiter, TimedOut, cursor, deadline, gather, owning, paginate, prefetch, scope, ticks, timeout,
    timeout_each,
};
use smartnotes::{Error, Runtime, ScanOptions, Store, StoreExt};

const MS: Duration = Duration::from_millis(1);

/// An event log shared by a test's producers and consumers.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, event: impl Into<String>) {
        self.0.lock().unwrap().push(event.into());
    }
    fn events(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
    fn position(&self, event: &str) -> usize {
        let events = self.events();
        events
            .iter()
            .position(|e| e == event)
            .unwrap_or_else(|| panic!("no {event:?} in {events:?}"))
    }
}

/// Counts operations in flight and remembers the most at once.
#[derive(Clone, Default)]
struct Gauge {
    now: Arc<AtomicUsize>,
    max: Arc<AtomicUsize>,
}

impl Gauge {
    async fn hold<R: Runtime>(&self, runtime: &R, time: Duration) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        runtime.sleep(time).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
    fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
}

// 1. Streaming a big file without blocking --------------------------------------------------

/// Lines that straddle every buffer boundary, one far longer than the buffer, invalid UTF-8,
/// CRLF, and a last line without `\n`.
fn log_bytes() -> Vec<u8> {
    let mut log = Vec::new();
    log.extend_from_slice(b"GET / 200\nERROR disk full\r\n");
    log.extend_from_slice(b"\xff\xfe not utf-8 ERROR \xc3\n");
    log.extend(std::iter::repeat_n(b'x', 5000));
    log.extend_from_slice(b"ERROR at the end of a long line\n\nGET /a 200\nERRO\nR\nlast ERROR");
    log
}

fn naive_count(log: &[u8], needle: &[u8]) -> u64 {
    log.split(|&b| b == b'\n')
        .filter(|line| line.windows(needle.len()).any(|w| w == needle))
        .count() as u64
}

async fn log_lines_and_counts<F: Store>(fs: F) {
    let dir = temp();
    let log = log_bytes();
    write_files(dir.path(), &[("app.log", &log)]);
    let path = dir.path().join("app.log");
    assert_eq!(naive_count(&log, b"ERROR"), 4);

    let scan = fs.count_matching(&path, "ERROR").await.unwrap();
    assert_eq!((scan.matching_lines, scan.bytes), (4, log.len() as u64));
    assert_eq!(
        fs.count_matching(&path, "").await.unwrap().matching_lines,
        9
    );

    // Buffers far smaller than the long line and the needle, jobs of a few buffers.
    for buffer in [1, 3, 7, 64] {
        let opts = ScanOptions::default().with_buffer(buffer).with_job(50);
        let reports: Vec<_> = fs
            .scan_matching_with(&path, "ERROR", &opts)
            .try_collect()
            .await
            .unwrap();
        assert!(reports.len() > 10, "one report per job");
        assert!(reports.windows(2).all(|w| w[0].bytes <= w[1].bytes));
        let last = reports.last().unwrap();
        assert_eq!(
            (last.matching_lines, last.done),
            (4, true),
            "buffer {buffer}"
        );

        let batches: Vec<_> = fs
            .read_lines_with(&path, &opts)
            .try_collect()
            .await
            .unwrap();
        let lines: Vec<(u64, Vec<u8>)> = batches
            .iter()
            .flat_map(|b| b.iter().map(|(n, l)| (n, l.to_vec())))
            .collect();
        let expected: Vec<&[u8]> = log.split(|&b| b == b'\n').collect();
        assert_eq!(lines.len(), expected.len());
        for ((_, line), want) in lines.iter().zip(&expected) {
            assert_eq!(line, want.strip_suffix(b"\r").unwrap_or(want));
        }
        assert_eq!(lines[1].1, b"ERROR disk full");
        assert!(
            std::str::from_utf8(&lines[2].1).is_err(),
            "invalid UTF-8 is the reader's call"
        );
        assert_eq!(lines.last().unwrap().0, 9);
        assert!(batches.len() < lines.len(), "lines come in batches");
    }

    // The long line is refused in its place when it is over the limit; the rest go on.
    let opts = ScanOptions::default().with_buffer(16).with_max_line(100);
    let items: Vec<_> = fs.read_lines_with(&path, &opts).collect().await;
    let numbers = |item: &Result<smartnotes::Lines, Error>| -> Vec<u64> {
        item.as_ref()
            .map_or(Vec::new(), |b| b.iter().map(|(n, _)| n).collect())
    };
    let position = items
        .iter()
        .position(Result::is_err)
        .expect("the long line is refused");
    match &items[position] {
        Err(Error::LineTooLong {
            path: p,
            line: 4,
            limit: 100,
        }) => assert_eq!(p, &path),
        other => panic!("expected line 4 too long, got {other:?}"),
    }
    let before: Vec<u64> = items[..position].iter().flat_map(numbers).collect();
    let after: Vec<u64> = items[position + 1..].iter().flat_map(numbers).collect();
    assert_eq!(
        (before, after),
        (vec![1, 2, 3], vec![5, 6, 7, 8, 9]),
        "in its place"
    );
}

async fn scan_errors_name_the_file<F: Store>(fs: F) {
    let dir = temp();
    let missing = dir.path().join("missing.log");
    let err = fs.count_matching(&missing, "x").await.unwrap_err();
    assert!(matches!(err, Error::Read { .. }), "{err:?}");
    assert!(err.to_string().contains("missing.log"), "{err}");
    let err = fs
        .read_lines(&missing)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.path(), missing);

    write_files(dir.path(), &[("a.log", b"x\n")]);
    let err = fs
        .count_matching(dir.path().join("a.log"), "a\nb")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Pattern { .. }), "{err:?}");
    assert!(err.to_string().contains("a.log"), "{err}");
    let err = fs.count_matching(dir.path(), "x").await.unwrap_err();
    assert_eq!(err.path(), dir.path(), "a directory is not a log");
}

// 2. Batching -----------------------------------------------------------------------------

async fn notes_come_in_batches<F: Store>(fs: F) {
    let dir = temp();
    for i in 0..10 {
        let body = format!("# Note {i}\n\nbody\n");
        write_files(dir.path(), &[(&format!("{i:02}.md"), body.as_bytes())]);
    }
    let sizes: Vec<usize> = fs
        .read_notes(dir.path())
        .chunks(4)
        .map(|batch| batch.len())
        .collect()
        .await;
    assert_eq!(sizes, [4, 4, 2]);
}

// 3. Prefetch -----------------------------------------------------------------------------

/// Ten items, each taking `work` to produce and `work` to consume, with `ahead` prefetched.
async fn produce_and_consume<R: Runtime>(runtime: &R, ahead: usize) -> Log {
    let log = Log::default();
    let source = {
        let (log, runtime) = (log.clone(), runtime.clone());
        stream::iter(0..10).then(move |i| {
            log.push(format!("start {i}"));
            let sleep = runtime.sleep(5 * MS);
            async move {
                sleep.await;
                i
            }
        })
    };
    let mut items = std::pin::pin!(prefetch(source, ahead));
    let mut got = Vec::new();
    while let Some(i) = items.next().await {
        runtime.sleep(5 * MS).await;
        log.push(format!("consumed {i}"));
        got.push(i);
    }
    assert_eq!(got, (0..10).collect::<Vec<_>>());
    log
}

async fn prefetch_overlaps_producer_and_consumer<F: Store>(fs: F) {
    let log = produce_and_consume(fs.runtime(), 1).await;
    for i in 0..9 {
        assert!(
            log.position(&format!("start {}", i + 1)) < log.position(&format!("consumed {i}")),
            "item {} must be under way while {i} is consumed: {:?}",
            i + 1,
            log.events()
        );
    }
    // Without prefetch, the next item starts only once this one is consumed.
    let log = produce_and_consume(fs.runtime(), 0).await;
    for i in 0..9 {
        assert!(log.position(&format!("start {}", i + 1)) > log.position(&format!("consumed {i}")));
    }
}

// 4 and 5. Pagination, and retry with back-off --------------------------------------------

/// A paginated store of `items` items whose page `fail_page` fails `failures` times with
/// `kind` before it answers. Counts fetches.
#[derive(Clone)]
struct Pages<R> {
    runtime: R,
    items: u32,
    fail_page: usize,
    failures: Arc<AtomicUsize>,
    kind: io::ErrorKind,
    fetches: Arc<AtomicUsize>,
}

impl<R: Runtime> Pages<R> {
    fn new(runtime: R, items: u32) -> Self {
        Self {
            runtime,
            items,
            fail_page: usize::MAX,
            failures: Arc::default(),
            kind: io::ErrorKind::TimedOut,
            fetches: Arc::default(),
        }
    }
    fn failing(mut self, page: usize, times: usize, kind: io::ErrorKind) -> Self {
        self.fail_page = page;
        self.failures = Arc::new(AtomicUsize::new(times));
        self.kind = kind;
        self
    }
    fn fetch(&self, page: usize) -> impl Future<Output = io::Result<Vec<u32>>> + Send + use<R> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let fail = page == self.fail_page
            && self
                .failures
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        let (kind, sleep) = (self.kind, self.runtime.sleep(MS));
        let rows: Vec<u32> = (0..self.items).skip(page * 10).take(10).collect();
        async move {
            sleep.await;
            if fail {
                Err(io::Error::from(kind))
            } else {
                Ok(rows)
            }
        }
    }
    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }
}

async fn paginate_flattens_pages<F: Store>(fs: F) {
    let pages = Pages::new(fs.runtime().clone(), 35);
    let items: Vec<u32> = paginate(10, |p| pages.fetch(p))
        .try_collect()
        .await
        .unwrap();
    assert_eq!((items, pages.fetches()), ((0..35).collect(), 4));

    // An exact multiple of the page size needs one empty page to know it has ended.
    let pages = Pages::new(fs.runtime().clone(), 30);
    let items: Vec<u32> = paginate(10, |p| pages.fetch(p))
        .try_collect()
        .await
        .unwrap();
    assert_eq!((items.len(), pages.fetches()), (30, 4));
}

async fn retried_pages_resume_without_repeats<F: Store>(fs: F) {
    let rt = fs.runtime().clone();
    // backon's exponential back-off with jitter, sleeping on this runtime's timer: 4 attempts.
    let policy = ExponentialBuilder::default()
        .with_min_delay(MS)
        .with_max_times(3)
        .with_jitter();
    let sleep = {
        let rt = rt.clone();
        move |d| rt.sleep(d)
    };
    let transient = |e: &io::Error| e.kind() == io::ErrorKind::TimedOut;

    // Page 2 times out twice: retried in place, every item exactly once, in order.
    let pages = &Pages::new(rt.clone(), 35).failing(2, 2, io::ErrorKind::TimedOut);
    let items: Vec<u32> = paginate(10, |p| {
        (move || pages.fetch(p))
            .retry(policy)
            .sleep(sleep.clone())
            .when(transient)
    })
    .try_collect()
    .await
    .unwrap();
    assert_eq!(items, (0..35).collect::<Vec<_>>());
    assert_eq!(
        pages.fetches(),
        4 + 2,
        "two failed fetches of page 2, retried"
    );

    // Without the retry, the same store ends the stream at the error, after pages 0 and 1.
    let pages = Pages::new(rt.clone(), 35).failing(2, 2, io::ErrorKind::TimedOut);
    let items: Vec<io::Result<u32>> = paginate(10, |p| pages.fetch(p)).collect().await;
    assert_eq!(items.len(), 21);
    assert!(items[..20].iter().all(Result::is_ok) && items[20].is_err());

    // A permanent error is not retried; a transient one that persists stops at max_attempts.
    let pages = Pages::new(rt.clone(), 35).failing(0, 9, io::ErrorKind::NotFound);
    let err = (|| pages.fetch(0))
        .retry(policy)
        .sleep(sleep.clone())
        .when(transient)
        .await
        .unwrap_err();
    assert_eq!((err.kind(), pages.fetches()), (io::ErrorKind::NotFound, 1));
    let pages = Pages::new(rt.clone(), 35).failing(0, 9, io::ErrorKind::TimedOut);
    let err = (|| pages.fetch(0))
        .retry(policy)
        .sleep(sleep)
        .when(transient)
        .await
        .unwrap_err();
    assert_eq!((err.kind(), pages.fetches()), (io::ErrorKind::TimedOut, 4));
}

// 6. Timeouts -----------------------------------------------------------------------------

async fn timeouts_say_which_limit<F: Store>(fs: F) {
    let rt = fs.runtime().clone();
    let err = timeout(&rt, MS, rt.sleep(Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert_eq!(err, TimedOut::Future { limit: MS });
    assert_eq!(
        timeout(&rt, Duration::from_secs(5), async { 7 }).await,
        Ok(7)
    );

    // Per item: the third item is slow.
    let delays = [0, 0, 5000, 0];
    let slow = {
        let rt = rt.clone();
        stream::iter(delays).then(move |ms| rt.sleep(Duration::from_millis(ms)))
    };
    let items: Vec<_> = timeout_each(slow, rt.clone(), 20 * MS).collect().await;
    assert_eq!(items.len(), 3, "the stream ends at its timeout");
    assert!(items[..2].iter().all(Result::is_ok));
    let err = items[2].clone().unwrap_err();
    assert_eq!(
        err,
        TimedOut::Item {
            index: 2,
            limit: 20 * MS
        }
    );
    assert!(err.to_string().contains("item 2"), "{err}");

    // Whole stream: endless ticks, cut by the deadline.
    let items: Vec<_> = deadline(ticks(rt.clone(), 2 * MS), rt.clone(), 30 * MS)
        .collect()
        .await;
    let (last, arrived) = items.split_last().unwrap();
    assert!(arrived.iter().all(Result::is_ok) && !arrived.is_empty());
    let err = last.clone().unwrap_err();
    assert_eq!(
        err,
        TimedOut::Stream {
            limit: 30 * MS,
            items: arrived.len() as u64
        }
    );
    assert!(
        err.to_string().contains("the stream did not finish"),
        "{err}"
    );
}

// 7, 8 and 9. Cleanup, cursor, infinite streams -------------------------------------------

/// A resource that logs its async close and its (synchronous) drop.
struct Resource {
    name: &'static str,
    log: Log,
}

impl Drop for Resource {
    fn drop(&mut self) {
        self.log.push(format!("drop {}", self.name));
    }
}

fn close_fn<R: Runtime>(
    rt: R,
) -> impl FnOnce(Resource) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
    move |resource: Resource| {
        let sleep = rt.sleep(MS);
        Box::pin(async move {
            sleep.await;
            resource.log.push(format!("close {}", resource.name));
        })
    }
}

async fn scope_closes_on_every_exit<F: Store>(fs: F) {
    let rt = fs.runtime().clone();
    let log = Log::default();
    for (case, fail) in [("ok", false), ("err", true)] {
        let resource = Resource {
            name: case,
            log: log.clone(),
        };
        let rt2 = rt.clone();
        let result: Result<u32, String> = scope(
            resource,
            async |r: &mut Resource| {
                rt2.sleep(MS).await;
                if fail {
                    return Err(format!("{} failed", r.name)); // early return
                }
                Ok(1)
            },
            async |r: Resource| {
                rt2.sleep(MS).await;
                r.log.push(format!("close {}", r.name));
                Ok(())
            },
        )
        .await;
        assert_eq!(result.is_err(), fail);
    }
    assert_eq!(
        log.events(),
        ["close ok", "drop ok", "close err", "drop err"]
    );

    // A failing close is reported when the body succeeded.
    let result: Result<(), &str> =
        scope((), async |_: &mut ()| Ok(()), async |_| Err("close")).await;
    assert_eq!(result, Err("close"));
}

async fn owning_streams_release_their_resource<F: Store>(fs: F) {
    let rt = fs.runtime().clone();
    let log = Log::default();
    let res = |name| Resource {
        name,
        log: log.clone(),
    };

    // Finished: the async close runs before the stream's end.
    let n = owning(stream::iter(0..3), res("finished"), close_fn(rt.clone()))
        .count()
        .await;
    assert_eq!(n, 3);

    // Broken out of, then closed (Python's `aclose()`).
    let mut s = std::pin::pin!(owning(
        stream::iter(0..3),
        res("broken"),
        close_fn(rt.clone())
    ));
    assert_eq!(s.next().await, Some(0));
    s.as_mut().close().await;
    assert_eq!(s.next().await, None, "a closed stream ends");

    // Dropped: no async code can run; the resource's own Drop does.
    let mut s = Box::pin(owning(
        stream::iter(0..3),
        res("dropped"),
        close_fn(rt.clone()),
    ));
    assert_eq!(s.next().await, Some(0));
    drop(s);

    assert_eq!(
        log.events(),
        [
            "close finished",
            "drop finished",
            "close broken",
            "drop broken",
            "drop dropped"
        ]
    );
}

async fn cursor_is_scoped_and_iterated<F: Store>(fs: F) {
    let rt = fs.runtime().clone();
    let log = Log::default();
    let pages = Pages::new(rt.clone(), 25);
    let handle = Arc::new(Resource {
        name: "cursor",
        log: log.clone(),
    });
    let rows = cursor(
        handle,
        10,
        move |_handle, page| pages.fetch(page),
        |handle: Arc<Resource>| async move { handle.log.push("close cursor") },
    );
    let rows: Vec<u32> = rows.try_collect().await.unwrap();
    assert_eq!(rows, (0..25).collect::<Vec<_>>());
    assert_eq!(log.events(), ["close cursor", "drop cursor"]);
}

async fn infinite_streams_stop_and_clean_up<F: Store>(fs: F) {
    let rt = fs.runtime().clone();
    let log = Log::default();
    let res = |name| Resource {
        name,
        log: log.clone(),
    };

    let events = owning(ticks(rt.clone(), MS), res("take"), close_fn(rt.clone()));
    assert_eq!(events.take(5).collect::<Vec<_>>().await, [0, 1, 2, 3, 4]);

    let events = owning(
        ticks(rt.clone(), MS),
        res("take_while"),
        close_fn(rt.clone()),
    );
    let below = events
        .take_while(|&n| std::future::ready(n < 3))
        .collect::<Vec<_>>()
        .await;
    assert_eq!(below, [0, 1, 2]);

    // `take` stops polling an endless source, so it is dropped, never finished.
    assert_eq!(log.events(), ["drop take", "drop take_while"]);
}

// 10. Combining sources -------------------------------------------------------------------

fn every<R: Runtime>(
    rt: R,
    name: &'static str,
    period: Duration,
    n: usize,
) -> impl futures_core::Stream<Item = String> + Send {
    ticks(rt, period).take(n).map(move |i| format!("{name}{i}"))
}

async fn sources_chain_interleave_and_gather<F: Store>(fs: F) {
    let rt = fs.runtime().clone();
    let one_after_other: Vec<String> = every(rt.clone(), "a", MS, 3)
        .chain(every(rt.clone(), "b", MS, 3))
        .collect()
        .await;
    assert_eq!(one_after_other, ["a0", "a1", "a2", "b0", "b1", "b2"]);

    let interleaved: Vec<String> = stream::select(
        every(rt.clone(), "a", 2 * MS, 5),
        every(rt.clone(), "b", 3 * MS, 5),
    )
    .collect()
    .await;
    let first_b = interleaved.iter().position(|s| s.starts_with('b')).unwrap();
    let last_a = interleaved
        .iter()
        .rposition(|s| s.starts_with('a'))
        .unwrap();
    assert!(
        first_b < last_a,
        "both sources advance together: {interleaved:?}"
    );
    let sorted: BTreeSet<_> = interleaved.iter().cloned().collect();
    assert_eq!(sorted.len(), 10);

    let gauge = Gauge::default();
    let jobs = (0..12).map(|i| {
        let (gauge, rt) = (gauge.clone(), rt.clone());
        async move {
            gauge.hold(&rt, 2 * MS).await;
            i * 2
        }
    });
    let results = gather(jobs, 4).await;
    assert_eq!(
        results,
        (0..12).map(|i| i * 2).collect::<Vec<_>>(),
        "input order"
    );
    assert_eq!(gauge.max(), 4, "bounded, and the bound is used");
}

// 11. Comprehensions ----------------------------------------------------------------------

async fn comprehensions_collect_what_they_hold<F: Store>(fs: F) {
    let dir = temp();
    write_files(
        dir.path(),
        &[
            ("a.md", b"# Async\n\nx\n\nTags: python, async\n"),
            ("b.md", b"# Tokio\n\nx\n\nTags: rust, async\n"),
            ("c.md", b"# Generators\n\nx\n\nTags: python\n"),
        ],
    );
    let notes = || fs.read_notes(dir.path()).map(|n| n.unwrap().note);

    let python: Vec<String> = notes()
        .filter(|n| std::future::ready(n.has_tag("python")))
        .map(|n| n.title)
        .collect()
        .await;
    assert_eq!(python, ["Async", "Generators"]);

    let tags: HashSet<String> = notes().flat_map(|n| stream::iter(n.tags)).collect().await;
    assert_eq!(
        tags,
        HashSet::from(["python", "async", "rust"].map(String::from))
    );

    let by_title: HashMap<String, usize> = notes().map(|n| (n.title, n.tags.len())).collect().await;
    assert_eq!(by_title["Tokio"], 2);

    // The streaming loop holds one note at a time and gives the same counts.
    let mut counts = BTreeMap::new();
    let mut stream = std::pin::pin!(notes());
    while let Some(note) = stream.next().await {
        for tag in note.tags {
            *counts.entry(tag).or_insert(0) += 1;
        }
    }
    assert_eq!(counts.len(), tags.len());
    assert_eq!(counts["async"], 2);
}

// 12. A stream written by hand ------------------------------------------------------------

async fn countdown_by_hand_matches_unfold<F: Store>(fs: F) {
    let rt = fs.runtime().clone();
    let by_hand = Countdown::new(rt.clone(), 5, MS);
    assert_eq!(by_hand.remaining(), 5);
    let by_hand: Vec<u32> = by_hand.collect().await;
    let unfolded: Vec<u32> = countdown_unfold(rt.clone(), 5, MS).collect().await;
    assert_eq!(by_hand, [5, 4, 3, 2, 1]);
    assert_eq!(unfolded, by_hand);
    assert_eq!(Countdown::new(rt, 0, MS).count().await, 0);
}

// 13. Rate limiting -----------------------------------------------------------------------

async fn limiter_bounds_fetches_in_flight<F: Store>(fs: F) {
    let rt = fs.runtime().clone();
    let limiter = Limiter::new(3);
    let gauge = Gauge::default();
    // Twenty fetches all started at once; the limiter lets three through at a time.
    let fetches = (0..20).map(|i| {
        let (gauge, rt, limiter) = (gauge.clone(), rt.clone(), limiter.clone());
        async move {
            limiter.run(gauge.hold(&rt, 2 * MS)).await;
            i
        }
    });
    let done = gather(fetches, 20).await;
    assert_eq!(done.len(), 20);
    assert_eq!(gauge.max(), 3);
}

// 14. A pool of connections -----------------------------------------------------------------

/// `async with pool.acquire()`: at most the pool's size in use, waiters served in the order they
/// asked, a connection back on drop on every exit path, and one taken out for good on close.
async fn pool_bounds_use_serves_waiters_in_order_and_returns_on_drop<F: Store>(fs: F) {
    use deadpool::unmanaged::{Object, Pool};
    let rt = fs.runtime().clone();

    // Bounded: twelve users, three connections.
    let pool = Pool::from(vec![0_usize, 1, 2]);
    let gauge = Gauge::default();
    let users = (0..12).map(|_| {
        let (pool, gauge, rt) = (pool.clone(), gauge.clone(), rt.clone());
        async move {
            let _conn = pool.get().await.expect("pool open");
            gauge.hold(&rt, 2 * MS).await;
        }
    });
    gather(users, 12).await;
    assert_eq!(gauge.max(), 3);
    assert_eq!(pool.status().available, 3, "every connection came back");

    // Fair: one connection held; five waiters queue in order and get it in that order.
    let single = Pool::from(vec![7_usize]);
    let held = single.get().await.unwrap();
    let order = Log::default();
    let waiters = (0..5).map(|i| {
        let (single, order, rt) = (single.clone(), order.clone(), rt.clone());
        async move {
            let conn = single.get().await.unwrap();
            order.push(format!("waiter {i} got {}", *conn));
            rt.sleep(MS).await;
        }
    });
    let release = {
        let rt = rt.clone();
        async move {
            rt.sleep(5 * MS).await; // every waiter is queued by now
            drop(held);
        }
    };
    futures_util::future::join(futures_util::future::join_all(waiters), release).await;
    let expected: Vec<String> = (0..5).map(|i| format!("waiter {i} got 7")).collect();
    assert_eq!(order.events(), expected);

    // Returned on every exit path: a user that fails early still gives its connection back.
    let failing = async {
        let _conn = single.get().await.unwrap();
        Err::<(), &str>("query failed")
    };
    assert!(failing.await.is_err());
    assert_eq!(single.status().available, 1);

    // Closed: a connection taken out of the pool never comes back.
    let taken = Object::take(single.get().await.unwrap());
    assert_eq!((taken, single.status().size), (7, 0));
}

on_both_runtimes!(
    log_lines_and_counts,
    scan_errors_name_the_file,
    notes_come_in_batches,
    prefetch_overlaps_producer_and_consumer,
    paginate_flattens_pages,
    retried_pages_resume_without_repeats,
    timeouts_say_which_limit,
    scope_closes_on_every_exit,
    owning_streams_release_their_resource,
    cursor_is_scoped_and_iterated,
    infinite_streams_stop_and_clean_up,
    sources_chain_interleave_and_gather,
    comprehensions_collect_what_they_hold,
    countdown_by_hand_matches_unfold,
    limiter_bounds_fetches_in_flight,
    pool_bounds_use_serves_waiters_in_order_and_returns_on_drop,
);
