//! The plain `std::fs` loops that throughput figures are compared against: what a user would
//! write without this library. The benches and `smartnotes compare` measure beside them, in the
//! same run, so a figure is a ratio to this machine's own ceiling rather than a bare number.

use std::io;
use std::path::{Path, PathBuf};
use std::thread;

use smartnotes_core::{Note, UniqueNames};

/// The `*.md` files directly in `dir`, sorted, listed as a careful user lists them: by each
/// entry's own file type, without a `stat` per note (a symbolic link is not followed).
///
/// # Errors
/// If `dir` cannot be listed.
///
/// # Examples
/// ```
/// use smartnotes_measure::baseline::note_paths;
///
/// let dir = std::env::temp_dir().join(format!("smartnotes-doc-paths-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir_all(dir.join("sub"))?;
/// for name in ["b.md", "a.md", "c.txt", "sub/d.md"] {
///     std::fs::write(dir.join(name), "# Note\n")?;
/// }
/// assert_eq!(note_paths(&dir)?, [dir.join("a.md"), dir.join("b.md")]);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn note_paths(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        // The careful loop: the entry's own type (`d_type`, no `stat` per note), as the
        // library's listing does.
        let entry = entry?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") && entry.file_type()?.is_file() {
            paths.push(path);
        }
    }
    // In name order, as the library gives them, compared as bytes: `Path`'s own order walks
    // both paths' components on every comparison, which made this sort a fifth of the whole
    // loop's time on ten thousand notes (the names share their folder, so the paths' bytes
    // order them by name).
    paths.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    Ok(paths)
}

fn read_parse(path: &Path) -> Option<Note> {
    let text = std::fs::read_to_string(path).ok()?;
    Note::parse(&text).ok()
}

/// Splits `paths` into `threads` contiguous parts and runs `work` on each part on its own
/// thread; the results in order.
fn on_threads<P: Sync, T: Send>(
    paths: &[P],
    threads: usize,
    work: impl Fn(&[P]) -> T + Sync,
) -> Vec<T> {
    let chunk = paths.len().div_ceil(threads.max(1)).max(1);
    thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| s.spawn(move || work(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// Reads and parses each of `paths` on `threads` threads (contiguous slices), keeping none of
/// them, as a streaming consumer would. Returns how many were notes; unreadable files and
/// non-notes are passed over.
///
/// # Panics
/// If the OS cannot start a thread.
///
/// # Examples
/// ```
/// use smartnotes_local::StdFs;
/// use smartnotes_measure::{baseline, corpus};
///
/// let dir = std::env::temp_dir().join(format!("smartnotes-doc-read-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// corpus::write_corpus(&StdFs, &dir, 10, 1)?;
/// let paths = baseline::note_paths(&dir)?;
/// assert_eq!(baseline::std_read(&paths, 2), 10);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn std_read(paths: &[PathBuf], threads: usize) -> usize {
    on_threads(paths, threads, |part| {
        part.iter()
            .filter(|p| std::hint::black_box(read_parse(p)).is_some())
            .count()
    })
    .into_iter()
    .sum()
}

/// The limit beside the baseline: [`std_read`]'s work with the leanest calls and no async
/// machinery. `dir` is opened once and listed by each entry's own type (`d_type`); each note is
/// opened relative to the folder's descriptor (one name to resolve, not a whole path), read
/// into the thread's reused buffer (until a short read), closed: three calls a note; then
/// parsed as [`std_read`] parses it. On `threads` threads (contiguous slices of the sorted
/// names), the listing inside the timing as for the others. Returns how many were notes.
///
/// # Errors
/// If `dir` cannot be opened or listed.
///
/// # Panics
/// If the OS cannot start a thread.
///
/// # Examples
/// ```
/// use smartnotes_local::StdFs;
/// use smartnotes_measure::{baseline, corpus};
///
/// let dir = std::env::temp_dir().join(format!("smartnotes-doc-lean-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// corpus::write_corpus(&StdFs, &dir, 10, 1)?;
/// std::fs::write(dir.join("notes.txt"), "not a note")?;
/// assert_eq!(baseline::lean_read(&dir, 2)?, 10);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn lean_read(dir: &Path, threads: usize) -> io::Result<usize> {
    use rustix::fs::{FileType, Mode, OFlags};
    let folder = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let mut names = Vec::new();
    let mut listing = rustix::fs::Dir::read_from(&folder)?;
    while let Some(entry) = listing.read() {
        let entry = entry?;
        let name = entry.file_name();
        // As `note_paths` lists: an `md` extension (a file named `.md` has none), a regular
        // file by the entry's own type, asked of the file system where the listing does not
        // say (`DT_UNKNOWN`).
        let bytes = name.to_bytes();
        if bytes.len() <= 3 || !bytes.ends_with(b".md") {
            continue;
        }
        let regular = match entry.file_type() {
            FileType::Unknown => {
                rustix::fs::statat(&folder, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
                    .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::RegularFile)
            }
            kind => kind == FileType::RegularFile,
        };
        if regular {
            names.push(name.to_owned());
        }
    }
    names.sort();
    let counts = on_threads(&names, threads, |part| {
        let mut buf = vec![0u8; 64 << 10];
        let mut notes = 0;
        for name in part {
            let flags = OFlags::RDONLY | OFlags::CLOEXEC;
            let Ok(file) = rustix::fs::openat(&folder, name.as_c_str(), flags, Mode::empty())
            else {
                continue;
            };
            let mut filled = 0;
            let whole = loop {
                if filled == buf.len() {
                    buf.resize(buf.len() * 2, 0);
                }
                match rustix::io::read(&file, &mut buf[filled..]) {
                    Ok(n) => {
                        filled += n;
                        if filled < buf.len() {
                            break true; // a short read: the end of a local file
                        }
                    }
                    Err(rustix::io::Errno::INTR) => {}
                    Err(_) => break false,
                }
            };
            drop(file);
            let note = whole
                .then(|| std::str::from_utf8(&buf[..filled]).ok())
                .flatten()
                .and_then(|text| Note::parse(text).ok());
            notes += usize::from(std::hint::black_box(note).is_some());
        }
        notes
    });
    Ok(counts.into_iter().sum())
}

/// The pipeline in plain `std::fs`: read and parse `paths` on `threads` threads, name the notes
/// ([`UniqueNames`]), then render and write each to `dest` (temporary file, then `rename`) on
/// `threads` threads. Returns how many notes were written.
///
/// # Errors
/// The first write error; `dest` is created if needed.
///
/// # Panics
/// If the OS cannot start a thread.
///
/// # Examples
/// ```
/// use smartnotes_local::StdFs;
/// use smartnotes_measure::{baseline, corpus};
///
/// let dir = std::env::temp_dir().join(format!("smartnotes-doc-pipeline-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// corpus::write_corpus(&StdFs, &dir.join("notes"), 10, 1)?;
/// let paths = baseline::note_paths(&dir.join("notes"))?;
/// assert_eq!(baseline::std_pipeline(&paths, &dir.join("out"), 2)?, 10);
/// assert_eq!(baseline::note_paths(&dir.join("out"))?.len(), 10);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn std_pipeline(paths: &[PathBuf], dest: &Path, threads: usize) -> io::Result<usize> {
    std::fs::create_dir_all(dest)?;
    let notes: Vec<Note> = on_threads(paths, threads, |part| {
        part.iter()
            .filter_map(|p| read_parse(p))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    let mut names = UniqueNames::new();
    let jobs: Vec<(PathBuf, Note)> = notes
        .into_iter()
        .map(|n| (dest.join(names.assign(&n.title)), n))
        .collect();
    let chunk = jobs.len().div_ceil(threads.max(1)).max(1);
    let written: io::Result<Vec<usize>> = thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .enumerate()
            .map(|(t, part)| {
                s.spawn(move || -> io::Result<usize> {
                    for (i, (path, note)) in part.iter().enumerate() {
                        let temp = path.with_file_name(format!(".baseline-{t}-{i}.tmp"));
                        std::fs::write(&temp, note.render())?;
                        std::fs::rename(&temp, path)?;
                    }
                    Ok(part.len())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    Ok(written?.into_iter().sum())
}
