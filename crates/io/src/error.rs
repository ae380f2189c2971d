//! The [`Error`] of the note pipelines: every variant names the path it concerns.

use std::io;
use std::path::{Path, PathBuf};

use crate::TooLarge;

/// What went wrong with one file or directory. Every variant carries the path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A directory could not be listed.
    #[error("cannot list {}: {source}", path.display())]
    List {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// A file is larger than the configured limit; it was not read.
    #[error("{} is too large to be a note ({})", path.display(), TooLarge { size: *size, limit: *limit })]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes, when the store knew it without reading it.
        size: Option<u64>,
        /// The limit, in bytes ([`Options::with_max_note_bytes`](crate::Options::with_max_note_bytes)).
        limit: u64,
    },
    /// A file holds a NUL byte, so it is not a text note.
    #[error("{} is a binary file (it holds a NUL byte at offset {offset})", path.display())]
    Binary {
        /// The file.
        path: PathBuf,
        /// The offset of the first NUL byte.
        offset: usize,
    },
    /// A file is not valid UTF-8.
    #[error("{} is not valid UTF-8 (invalid byte at offset {offset})", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// The offset of the first invalid byte.
        offset: usize,
    },
    /// A file is text but not a note (an empty file, or one of only white space).
    #[error("{}: {source}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why it is not a note.
        source: smartnotes_core::ParseError,
    },
    /// A directory could not be created.
    #[error("cannot create directory {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// An export would replace an existing file, which [`WriteMode::CreateNew`](crate::WriteMode)
    /// never does.
    #[error("{} already exists; it was left as it is (nothing is overwritten)", path.display())]
    Exists {
        /// The existing file.
        path: PathBuf,
    },
    /// A scanned file has a line longer than the scan's limit ([`read_lines`](crate::StoreExt::read_lines));
    /// the lines after it are still read.
    #[error("{}: line {line} is longer than {limit} bytes", path.display())]
    LineTooLong {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: u64,
        /// The limit.
        limit: usize,
    },
    /// The pattern of a scan cannot match within a line ([`count_matching`](crate::StoreExt::count_matching)).
    #[error("cannot scan {}: {source}", path.display())]
    Pattern {
        /// The file that was to be scanned.
        path: PathBuf,
        /// What is wrong with the pattern.
        source: smartnotes_core::scan::NewlineInNeedle,
    },
    /// The store cannot do what was asked: a batched strategy
    /// ([`Blocking`](crate::Strategy::Blocking), [`Uring`](crate::Strategy::Uring)) on a store
    /// without a blocking twin.
    #[error("{}: {operation} is not supported by this store", path.display())]
    Unsupported {
        /// The file or directory the operation was for.
        path: PathBuf,
        /// What was asked.
        operation: &'static str,
    },
    /// An export whose notes would be written into its own source (the same folder, or a
    /// source inside the destination's mirrored tree): refused before anything is read or
    /// written ([`StoreExt::read_notes_for_export_with`](crate::StoreExt::read_notes_for_export_with)).
    #[error("cannot export {} into {}: {reason}", src.display(), path.display())]
    Overlap {
        /// The destination.
        path: PathBuf,
        /// The source folder.
        src: PathBuf,
        /// Why, and what to do instead.
        reason: &'static str,
    },
    /// A glob given to leave files out of a walk ([`Options::exclude_globs`](crate::Options::exclude_globs))
    /// is not valid gitignore syntax.
    #[error("cannot walk {}: the exclude glob {glob:?} is not valid: {reason}", path.display())]
    Glob {
        /// The folder walked.
        path: PathBuf,
        /// The glob.
        glob: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A note could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The destination.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

impl Error {
    /// The path the error concerns.
    ///
    /// # Examples
    /// ```
    /// let e = smartnotes_io::Error::Exists { path: "out/a.md".into() };
    /// assert_eq!(e.path(), std::path::Path::new("out/a.md"));
    /// ```
    pub fn path(&self) -> &Path {
        match self {
            Error::List { path, .. }
            | Error::Read { path, .. }
            | Error::TooLarge { path, .. }
            | Error::Binary { path, .. }
            | Error::NotUtf8 { path, .. }
            | Error::Parse { path, .. }
            | Error::CreateDir { path, .. }
            | Error::Exists { path }
            | Error::LineTooLong { path, .. }
            | Error::Pattern { path, .. }
            | Error::Unsupported { path, .. }
            | Error::Overlap { path, .. }
            | Error::Glob { path, .. }
            | Error::Write { path, .. } => path,
        }
    }

    /// The underlying I/O error, where there is one.
    ///
    /// # Examples
    /// ```
    /// let e = smartnotes_io::Error::Exists { path: "out/a.md".into() };
    /// assert!(e.io_error().is_none());
    /// ```
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            Error::List { source, .. }
            | Error::Read { source, .. }
            | Error::CreateDir { source, .. }
            | Error::Write { source, .. } => Some(source),
            _ => None,
        }
    }

    pub(crate) fn read(path: PathBuf, source: io::Error) -> Self {
        match TooLarge::of(&source) {
            Some(TooLarge { size, limit }) => Error::TooLarge { path, size, limit },
            None => Error::Read { path, source },
        }
    }

    pub(crate) fn write(path: PathBuf, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::AlreadyExists {
            Error::Exists { path }
        } else {
            Error::Write { path, source }
        }
    }
}
