//! What an export reports: each input's [`Outcome`], the stream of them, and the [`Report`]
//! they collect into.

use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::stream::{BoxStream, StreamExt};

use crate::{Count, Error};

/// A note that was exported (or found already exported, unchanged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exported {
    /// Where the note came from.
    pub source: PathBuf,
    /// The file it was written to.
    pub path: PathBuf,
}

/// An input that was not exported, and why.
#[derive(Debug)]
pub struct Skipped {
    /// The input: the note file, or the directory that could not be listed.
    pub source: PathBuf,
    /// Why; its message names the file concerned.
    pub error: Error,
}

impl Skipped {
    /// The reason, as a sentence naming the file.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Error, Skipped};
    /// let skipped = Skipped { source: "a.md".into(), error: Error::Exists { path: "out/a.md".into() } };
    /// assert!(skipped.reason().contains("out/a.md already exists"));
    /// ```
    pub fn reason(&self) -> String {
        self.error.to_string()
    }
}

/// What an export did: every input is in `exported`, `unchanged` or `skipped`.
///
/// The lists are in input order, whatever the [`Strategy`](crate::Strategy).
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Report {
    /// The notes written, each with its source.
    pub exported: Vec<Exported>,
    /// The notes whose file was already there with the same bytes (an earlier export of the
    /// same notes): nothing was written.
    pub unchanged: Vec<Exported>,
    /// The inputs not written, each with its path and reason.
    pub skipped: Vec<Skipped>,
    /// Hidden entries the listing passed over (a [`pipeline`](crate::StoreExt::pipeline) only;
    /// see [`Options::hidden`](crate::Options::hidden)).
    pub hidden: usize,
    /// Notes already in the destination, left out of the walk because the destination lies
    /// inside the source of a recursive [`pipeline`](crate::StoreExt::pipeline) (see
    /// [`NoteStream::in_dest`](crate::NoteStream::in_dest)).
    pub in_dest: usize,
    /// Entries the listing left out by an ignore file or an exclude glob (a pipeline only; see
    /// [`Options::ignore_files`](crate::Options::ignore_files)).
    pub ignored: usize,
}

impl Report {
    /// True when nothing was skipped.
    ///
    /// # Examples
    /// ```
    /// assert!(smartnotes_io::Report::default().is_complete());
    /// ```
    pub fn is_complete(&self) -> bool {
        self.skipped.is_empty()
    }

    /// Adds one outcome to its list.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Exported, Outcome, Report};
    /// let mut report = Report::default();
    /// report.push(Outcome::Unchanged(Exported { source: "a.md".into(), path: "out/a.md".into() }));
    /// assert_eq!(report.unchanged.len(), 1);
    /// ```
    pub fn push(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Exported(exported) => self.exported.push(exported),
            Outcome::Unchanged(exported) => self.unchanged.push(exported),
            Outcome::Skipped(skipped) => self.skipped.push(skipped),
        }
    }
}

/// What became of one input of an export: an item of an [`ExportStream`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome {
    /// The note was written.
    Exported(Exported),
    /// The note's file was already there with the same bytes: nothing was written.
    Unchanged(Exported),
    /// The input was not written, with its path and reason.
    Skipped(Skipped),
}

/// The outcomes of an export as they happen, one per input, in input order
/// ([`StoreExt::export_stream_with`](crate::StoreExt::export_stream_with),
/// [`StoreExt::pipeline_stream_with`](crate::StoreExt::pipeline_stream_with)).
///
/// An `Err` item is fatal (the destination could not be created, the source folder could not
/// be listed, the strategy is not supported by the store) and is the only item. Consuming the
/// outcomes as they come keeps memory bounded by the strategy's window, whatever the number of
/// notes; [`ExportStream::report`] collects them into a [`Report`]. Dropping the stream midway
/// stops the export: the writes in flight complete or leave nothing (each is atomic), and no
/// later note is read.
#[must_use = "streams do nothing unless polled"]
pub struct ExportStream<'a> {
    pub(super) inner: BoxStream<'a, Result<Outcome, Error>>,
    pub(super) hidden: Count,
    pub(super) ignored: Count,
    pub(super) in_dest: Count,
}

impl ExportStream<'_> {
    /// A handle on how many hidden entries the listing passed over (a pipeline only; see
    /// [`Options::hidden`](crate::Options::hidden)): final once the stream has ended.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/.draft.md", "# Draft\n")?;
    /// let export = fs.pipeline_stream_with("/notes", "/out", &Options::default());
    /// let hidden = export.hidden();
    /// assert!(export.report().await?.is_complete());
    /// assert_eq!(hidden.get(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn hidden(&self) -> Count {
        self.hidden.clone()
    }

    /// A handle on how many notes already in the destination the walk left out (a pipeline
    /// whose destination lies inside its recursive source; see
    /// [`NoteStream::in_dest`](crate::NoteStream::in_dest)): final once the stream has ended.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/out/mine.md", "# Mine\n")?;
    /// let opts = Options::default().with_recursive(true);
    /// let export = fs.pipeline_stream_with("/notes", "/notes/out", &opts);
    /// let in_dest = export.in_dest();
    /// assert_eq!(export.report().await?.exported.len(), 1);
    /// assert_eq!(in_dest.get(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn in_dest(&self) -> Count {
        self.in_dest.clone()
    }

    /// A handle on how many entries the listing left out by an ignore file or an exclude glob
    /// (a pipeline only; see [`NoteStream::ignored`](crate::NoteStream::ignored)): final once
    /// the stream has ended.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_io::{Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// fs.insert("/notes/a.md", "# A\n")?;
    /// fs.insert("/notes/b.md", "# B\n")?;
    /// let opts = Options::default().with_exclude_glob("b.md");
    /// let export = fs.pipeline_stream_with("/notes", "/out", &opts);
    /// let ignored = export.ignored();
    /// assert_eq!(export.report().await?.exported.len(), 1);
    /// assert_eq!(ignored.get(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub fn ignored(&self) -> Count {
        self.ignored.clone()
    }

    /// Every outcome, collected into a [`Report`] (its lists in input order).
    ///
    /// # Errors
    /// The stream's fatal error, if it yields one.
    ///
    /// # Examples
    /// ```
    /// use futures_util::stream;
    /// use smartnotes_core::Note;
    /// use smartnotes_io::{NoteFile, Options, StoreExt};
    /// use smartnotes_io::testing::{InlineRuntime, MemFs};
    ///
    /// # futures_executor::block_on(async {
    /// let fs = MemFs::new(InlineRuntime);
    /// let notes = stream::iter([Ok(NoteFile::new("mem", Note::new("Hi", "body", ["x"])))]);
    /// let report = fs.export_stream_with("/out", notes, &Options::default()).report().await?;
    /// assert_eq!(report.exported.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    pub async fn report(mut self) -> Result<Report, Error> {
        let mut report = Report::default();
        while let Some(outcome) = self.inner.next().await {
            report.push(outcome?);
        }
        report.hidden = self.hidden.get();
        report.in_dest = self.in_dest.get();
        report.ignored = self.ignored.get();
        Ok(report)
    }
}

impl std::fmt::Debug for ExportStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportStream")
            .field("hidden", &self.hidden.get())
            .field("ignored", &self.ignored.get())
            .field("in_dest", &self.in_dest.get())
            .finish_non_exhaustive()
    }
}

impl Stream for ExportStream<'_> {
    type Item = Result<Outcome, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}
