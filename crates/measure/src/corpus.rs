//! A deterministic corpus of sample notes, shared by tests, examples and benches.
//!
//! The same `(count, seed)` always gives the same files, byte for byte, so a bench run and a
//! test run see the same data, and a figure can be reproduced.

use std::io;
use std::path::Path;

use smartnotes_io::BlockingStore;

const WORDS: [&str; 32] = [
    "async", "await", "stream", "future", "tokio", "smol", "python", "rust", "note", "export",
    "pipeline", "batch", "buffer", "disk", "latency", "thread", "pool", "retry", "cursor", "page",
    "gather", "select", "timer", "socket", "file", "line", "parse", "render", "title", "tag",
    "event", "loop",
];
const TAGS: [&str; 8] = [
    "python",
    "async",
    "rust",
    "io",
    "draft",
    "todo",
    "reference",
    "idea",
];

/// The `i`-th note of the corpus for `seed`: a file name and its text, about `body_bytes`
/// of body.
///
/// Titles repeat (every 50th note reuses an earlier title) so exports exercise unique names;
/// one note in ten has YAML front matter; tags come from a small fixed set.
///
/// # Examples
/// ```
/// use smartnotes_core::Note;
/// use smartnotes_measure::corpus::sample_note;
///
/// let (name, text) = sample_note(3, 42, 256);
/// assert_eq!(name, "note-000003.md");
/// assert!(text.starts_with("---\n")); // note 3 of every ten has front matter
/// assert_eq!(sample_note(3, 42, 256), (name, text)); // the same every time
/// let title = |i| Note::parse(&sample_note(i, 42, 64).1).map(|note| note.title);
/// assert_eq!(title(49)?, title(24)?); // every 50th note reuses an earlier title
/// # Ok::<(), smartnotes_core::ParseError>(())
/// ```
pub fn sample_note(i: usize, seed: u64, body_bytes: usize) -> (String, String) {
    let mut rng = fastrand::Rng::with_seed(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let title_index = if i % 50 == 49 { i / 2 } else { i };
    let mut title_rng =
        fastrand::Rng::with_seed(seed ^ (title_index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    let title: Vec<&str> = (0..3)
        .map(|_| WORDS[title_rng.usize(..WORDS.len())])
        .collect();
    let title = format!("{} {title_index}", title.join(" "));
    let mut tags: Vec<&str> = (0..1 + rng.usize(..3))
        .map(|_| TAGS[rng.usize(..TAGS.len())])
        .collect();
    tags.dedup();

    let mut text = String::with_capacity(body_bytes + 128);
    if i % 10 == 3 {
        text.push_str(&format!(
            "---\ntags: [{}]\ncreated: 2024-01-{:02}\n---\n",
            tags[0],
            1 + i % 28
        ));
    }
    text.push_str(&format!("# {title}\n\n"));
    let body_start = text.len();
    while text.len() - body_start < body_bytes {
        let words = 6 + rng.usize(..10);
        let line: Vec<&str> = (0..words)
            .map(|_| WORDS[rng.usize(..WORDS.len())])
            .collect();
        text.push_str(&line.join(" "));
        text.push('\n');
    }
    text.push_str(&format!("\nTags: {}\n", tags.join(", ")));
    (format!("note-{i:06}.md"), text)
}

/// Writes `count` notes of about 1 KiB (see [`sample_note`]) into `dir`, creating it.
///
/// # Errors
/// The first I/O error, as is.
///
/// # Examples
/// ```
/// use std::path::Path;
/// use smartnotes_measure::corpus::write_corpus;
/// use smartnotes_io::testing::{InlineRuntime, MemFs};
///
/// let fs = MemFs::new(InlineRuntime); // or `StdFs` for a corpus on disk
/// write_corpus(&fs, Path::new("/notes"), 3, 1)?;
/// assert_eq!(fs.files_under("/notes").len(), 3);
/// assert!(fs.get("/notes/note-000002.md").is_some_and(|b| b.len() > 1024));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_corpus<B: BlockingStore>(
    fs: &B,
    dir: &Path,
    count: usize,
    seed: u64,
) -> io::Result<()> {
    fs.create_dir_all(dir)?;
    for i in 0..count {
        let (name, text) = sample_note(i, seed, 1024);
        fs.write_new(&dir.join(name), text.as_bytes())?;
    }
    Ok(())
}

/// Writes the dirty pages of the file system that holds `dir` to its disk now (`syncfs`; a
/// no-op off Linux), so that the kernel's write-back of a corpus just written does not run
/// beside the reads timed next. Freshly written notes stay in the page cache.
///
/// # Errors
/// If `dir` cannot be opened, or the file system reports a write error.
///
/// # Examples
/// ```
/// let dir = std::env::temp_dir();
/// smartnotes_measure::corpus::settle(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn settle(dir: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let folder = std::fs::File::open(dir)?;
        rustix::fs::syncfs(&folder)?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = dir;
    Ok(())
}

/// The `i`-th line of a sample web-server log for `seed`, with its `\n`: about 70 bytes, one
/// line in 64 an `ERROR` (the needle the log analyzer benches look for), the rest `INFO` and
/// `WARN` lines.
///
/// # Examples
/// ```
/// use smartnotes_measure::corpus::log_line;
///
/// let line = log_line(0, 7);
/// assert!(line.starts_with("2026-11-21T00:00:00.000Z ") && line.ends_with('\n'));
/// assert_eq!(log_line(0, 7), line); // the same every time
/// let errors = (0..6400).filter(|&i| log_line(i, 7).contains("ERROR")).count();
/// assert!((50..150).contains(&errors)); // about one line in 64
/// ```
pub fn log_line(i: u64, seed: u64) -> String {
    let mut rng = fastrand::Rng::with_seed(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let level = match rng.usize(..64) {
        0 => "ERROR",
        1..=4 => "WARN",
        _ => "INFO",
    };
    let (h, m, s) = ((i / 3_600_000) % 24, (i / 60_000) % 60, (i / 1000) % 60);
    format!(
        "2026-11-21T{h:02}:{m:02}:{s:02}.{:03}Z {level} GET /notes/{} {} {}ms {}\n",
        i % 1000,
        rng.usize(..100_000),
        [200, 200, 200, 304, 404, 500][rng.usize(..6)],
        rng.usize(..900),
        WORDS[rng.usize(..WORDS.len())],
    )
}

/// Writes a log of at least `bytes` bytes (whole lines, see [`log_line`]) to `path` with
/// `std::fs`, replacing it. Returns the number of lines and of lines containing `ERROR`.
///
/// # Errors
/// The first I/O error, as is.
///
/// # Examples
/// ```
/// use smartnotes_measure::corpus::write_log;
///
/// let path = std::env::temp_dir().join(format!("smartnotes-doc-{}.log", std::process::id()));
/// let (lines, errors) = write_log(&path, 10_000, 7)?;
/// let text = std::fs::read_to_string(&path)?;
/// assert!(text.len() >= 10_000);
/// assert_eq!(text.lines().count() as u64, lines);
/// assert_eq!(text.lines().filter(|l| l.contains("ERROR")).count() as u64, errors);
/// std::fs::remove_file(&path)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_log(path: &Path, bytes: u64, seed: u64) -> io::Result<(u64, u64)> {
    use std::io::Write;
    let mut out = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let (mut written, mut lines, mut errors) = (0_u64, 0_u64, 0_u64);
    while written < bytes {
        let line = log_line(lines, seed);
        errors += u64::from(line.contains("ERROR"));
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
        lines += 1;
    }
    out.flush()?;
    Ok((lines, errors))
}
