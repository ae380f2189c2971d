//! Exporting notes: [`export`](crate::StoreExt::export), [`pipeline`](crate::StoreExt::pipeline)
//! and the [`Report`] they return. An export places each note (its folder and a unique name,
//! `place`), writes it (atomically, never over another file, `write`) with the strategy's
//! plan; a pipeline first checks that it cannot write into its own source (`source`).

mod outcome;
mod place;
mod source;
mod stream;
mod write;

pub use outcome::{ExportStream, Exported, Outcome, Report, Skipped};
pub(crate) use source::{pipeline_stream, source_for};
pub(crate) use stream::export_stream;
