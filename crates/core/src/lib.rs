//! The runtime-agnostic core of smartnotes: the [`Note`] model and stream operators.
//!
//! No I/O and no runtime here: parsing, rendering, file naming and [`Stream`](https://docs.rs/futures-core/0.3/futures_core/stream/trait.Stream.html)
//! operators only, so the same code serves tokio, smol, or a test executor.
//!
//! ```
//! use smartnotes_core::{Note, UniqueNames};
//!
//! let note = Note::parse("# Async IO\n\nawait it\n\nTags: python, async\n")?;
//! let mut names = UniqueNames::new();
//! assert_eq!(names.assign(&note.title), "async-io.md");
//! assert_eq!(names.assign(&note.title), "async-io-2.md");
//! assert_eq!(note.render(), "# Async IO\n\nawait it\n\nTags: python, async\n");
//! # Ok::<(), smartnotes_core::ParseError>(())
//! ```
//!
//! * [`note`]: the note format, [`Note::parse`] and [`Note::render`].
//! * [`name`]: [`file_stem`] and [`UniqueNames`], names that are safe and unique in one export.
//! * [`stream`]: the stream operators, one per async-iteration pattern of Python's asyncio
//!   (prefetch, paginate, retry with back-off, timeouts, cleanup, gather, ...), with a table
//!   from the Python pattern to its Rust home.
//! * [`scan`]: [`LineMatcher`] and [`LineSplitter`], line scanning over chunked bytes.
//! * [`Runtime`]: what anything that needs a timer or a blocking pool takes.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod name;
pub mod note;
mod runtime;
pub mod scan;
pub mod stream;

pub use name::{
    EXTENSION, FALLBACK_STEM, MAX_FILE_NAME_BYTES, MAX_KEPT_NAME_BYTES, NameSet, UniqueNames,
    file_stem, is_safe_file_name, slug,
};
pub use note::{
    FrontMatter, FrontMatterError, Note, ParseError, TitleSource, UNTITLED, tag_matches,
};
pub use runtime::Runtime;
pub use scan::{LineMatcher, LineSplitter};
pub use stream::{FilterByTag, HasTags, filter_by_tag, partition_results};
