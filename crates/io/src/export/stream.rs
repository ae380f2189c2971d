//! The export itself: the destination created, each note placed and written with the plan,
//! the outcomes in input order.

use std::path::Path;

use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::outcome::{ExportStream, Outcome};
use super::place;
use super::write::{Job, OnStore, Writing};
use crate::store::Store;
use crate::strategy::{Plan, in_whole_batches};
use crate::{Count, Error, NoteFile, Options};

/// The outcomes of writing each note of `notes` to `dest`, as a stream
/// ([`StoreExt::export_stream_with`](crate::StoreExt::export_stream_with) documents it).
pub(crate) fn export_stream<'a, F, S>(
    fs: &F,
    dest: &Path,
    notes: S,
    opts: &Options,
) -> ExportStream<'a>
where
    F: Store,
    S: Stream<Item = Result<NoteFile, Error>> + Send + 'a,
{
    let inner = match Plan::new(fs, opts, dest) {
        Ok(plan) => outcomes(fs, dest, notes, opts, plan),
        Err(error) => stream::iter([Err(error)]).boxed(),
    };
    ExportStream {
        inner,
        hidden: Count::default(),
        ignored: Count::default(),
        in_dest: Count::default(),
    }
}

/// The outcome stream: the destination created first, then each note placed (in order) and
/// written with the plan (outcomes kept in input order).
fn outcomes<'a, F, S>(
    fs: &F,
    dest: &Path,
    notes: S,
    opts: &Options,
    plan: Plan<F::Blocking>,
) -> BoxStream<'a, Result<Outcome, Error>>
where
    F: Store,
    S: Stream<Item = Result<NoteFile, Error>> + Send + 'a,
{
    let (fs, writing, dest) = (
        fs.clone(),
        Writing::new(opts.write_mode, opts.preserve_mtime),
        dest.to_path_buf(),
    );
    let setup = {
        let (fs, dest) = (fs.clone(), dest.clone());
        async move {
            crate::retry::retry_async(fs.runtime(), || fs.create_dir_all(&dest))
                .await
                .map_err(|source| Error::CreateDir { path: dest, source })
        }
    };
    let jobs = place::jobs(&fs, dest, notes, opts);
    let runtime = fs.runtime().clone();
    let on_store = writing.clone();
    let write = move |job: Job| {
        let (fs, writing) = (fs.clone(), on_store.clone());
        async move { job.write(&OnStore(&fs), &writing).await }
    };
    let written: BoxStream<'a, Outcome> = match plan {
        Plan::Sequential => jobs.then(write).boxed(),
        Plan::Concurrent(limit) => jobs.map(write).buffered(limit).boxed(),
        // Both batched plans write the same way (a batch's reads are what `many` changes).
        Plan::Batched(b) => {
            let write =
                move |twin: &F::Blocking, jobs: Vec<Job>| Job::write_batch(jobs, twin, &writing);
            // Each note goes back to this thread with its outcome, and is dropped here.
            in_whole_batches(jobs, runtime, b.twin, (b.batch, b.in_flight), write)
                .map(|(outcome, _note)| outcome)
                .boxed()
        }
    };
    stream::once(async move { setup.await.map(|()| written.map(Ok)) })
        .try_flatten()
        .boxed()
}
