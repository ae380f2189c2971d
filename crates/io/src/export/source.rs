//! An export's source, checked before anything is read or written: never into itself.

use std::path::Path;
use std::pin::Pin;

use futures_util::stream::{self, StreamExt, TryStreamExt};

use super::outcome::ExportStream;
use super::stream::export_stream;
use crate::read::{WalkCounts, list_notes, load_notes, with_times};
use crate::store::Store;
use crate::strategy::Plan;
use crate::{Count, Error, Layout, Options};

/// Reads the notes of `src` and exports them to `dest`, as a stream of outcomes
/// ([`StoreExt::pipeline_stream_with`](crate::StoreExt::pipeline_stream_with) documents it).
pub(crate) fn pipeline_stream<F: Store>(
    fs: &F,
    src: &Path,
    dest: &Path,
    opts: &Options,
) -> ExportStream<'static> {
    let (walked, in_dest) = (WalkCounts::default(), Count::default());
    let (fs, src, dest, opts) = (
        fs.clone(),
        src.to_path_buf(),
        dest.to_path_buf(),
        opts.clone(),
    );
    let counts = (walked.clone(), in_dest.clone());
    let inner = stream::once(async move {
        let read = source_for(&fs, &src, &dest, &opts).await?;
        counts.1.set(read.in_dest);
        let plan = Plan::new(&fs, &read.opts, &src)?;
        let mut listed = list_notes(&fs, &src, &read.opts, &plan, counts.0).peekable();
        // The source folder that cannot be listed is fatal, as is a glob that is not valid.
        let fatal = match Pin::new(&mut listed).peek().await {
            Some(Err(Error::List { path, .. })) => *path == src,
            Some(Err(Error::Glob { .. })) => true,
            _ => false,
        };
        if fatal {
            if let Some(Err(error)) = listed.next().await {
                return Err(error);
            }
        }
        let loaded = load_notes(&fs, listed, read.opts.max_note_bytes, plan);
        let notes = with_times(&fs, loaded, &read.opts);
        Ok(export_stream(&fs, &dest, notes, &opts).inner)
    })
    .try_flatten()
    .boxed();
    ExportStream {
        inner,
        hidden: walked.hidden,
        ignored: walked.ignored,
        in_dest,
    }
}

/// How to read the source of an export in the same store: the options (the destination left
/// out of the walk when it lies inside the source) and how many notes already in the
/// destination that leaves out.
pub(crate) struct Source {
    pub(crate) opts: Options,
    pub(crate) in_dest: usize,
}

/// Why an export into its own folder is refused.
const SAME_FOLDER: &str = "they are the same folder, so the exported notes would be read back \
    as notes of the source on every run; export to a folder of its own";

/// Why a recursive, mirrored export from inside its destination is refused.
const SOURCE_INSIDE: &str = "the source lies inside the destination, so a recursive export \
    that mirrors folders could write into the source; export to a folder outside it, or flat";

/// Checks that exporting `src` into `dest` (in the store `fs`) with `opts` never writes into
/// the source, before anything is read or written ([`Error::Overlap`] if it could), and says
/// how to read the source.
pub(crate) async fn source_for<F: Store>(
    fs: &F,
    src: &Path,
    dest: &Path,
    opts: &Options,
) -> Result<Source, Error> {
    let list_error = |source| Error::List {
        path: src.to_owned(),
        source,
    };
    let refuse = |reason| Error::Overlap {
        path: dest.to_owned(),
        src: src.to_owned(),
        reason,
    };
    let source = |opts: Options, in_dest| Source { opts, in_dest };
    if let Some(rest) = fs.locate(dest, src).await.map_err(list_error)? {
        if rest.as_os_str().is_empty() {
            return Err(refuse(SAME_FOLDER));
        }
        if opts.recursive && opts.layout == Layout::Mirror {
            return Err(refuse(SOURCE_INSIDE));
        }
        return Ok(source(opts.clone(), 0));
    }
    let rest = match fs.locate(src, dest).await.map_err(list_error)? {
        Some(rest) if opts.recursive => rest,
        // A destination outside the source, or in a folder a flat walk does not enter.
        _ => return Ok(source(opts.clone(), 0)),
    };
    let inside = src.join(&rest);
    // A hidden folder is never entered (the walk counts it as hidden); else what the walk
    // would have found there, counted before anything is written.
    let hidden = rest
        .iter()
        .any(|name| name.to_string_lossy().starts_with('.'));
    let in_dest = if hidden && !opts.hidden {
        0
    } else {
        let plan = Plan::new(fs, opts, &inside)?;
        list_notes(fs, &inside, opts, &plan, WalkCounts::default())
            .filter(|item| std::future::ready(item.is_ok()))
            .count()
            .await
    };
    Ok(source(opts.clone().with_exclude(inside), in_dest))
}
