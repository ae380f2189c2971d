//! Sorted runs of names in unnamed temporary files: what keeps one folder of a million notes
//! in bounded memory, both its sorted listing ([`SortedEntries`]) and the names its export has
//! handed out ([`SpilledNames`]).
//!
//! A run is [`RUN`] names ([`LISTING_RUN`] entries of a listing), sorted and written to a
//! temporary file of its own (`tempfile`: on Linux an `O_TMPFILE` that has no name and vanishes
//! when closed, elsewhere a file removed as soon as it is made), so nothing is ever left
//! behind, whatever ends the process. A folder of up to [`LISTING_RUN`] entries never touches
//! one. When no temporary file can be made, everything stays in memory, as before: the result
//! is the same, only the memory grows.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::ffi::OsString;
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use smartnotes_core::NameSet;

use crate::store::{BlockingStore, Entry, EntryKind};

/// How many names a run of handed-out names holds: what is kept in memory before a run is
/// written out.
pub(crate) const RUN: usize = 4096;

/// How many entries a listing sorts in memory before it writes a run: a folder of up to this
/// many (a vault of ten thousand notes in one folder included) is listed without a temporary
/// file, as fast as before.
pub(crate) const LISTING_RUN: usize = 16_384;

/// Every how many records of a run its index keeps one (name and offset).
const INDEX_EVERY: usize = 256;

/// A name as bytes, and back. Names that cannot round-trip through bytes without platform
/// code never reach a run (see [`SortedEntries`]).
#[cfg(not(unix))]
fn name_bytes(name: &std::ffi::OsStr) -> Option<&[u8]> {
    name.to_str().map(str::as_bytes)
}

/// The name of a listed entry (`dir.join(name)`) as the listing sorts it: on Unix the bytes after
/// the path's last `/`, found without walking its components (a folder of ten thousand notes
/// takes some 140,000 comparisons to sort), or [`Path::file_name`]'s where that would differ (a
/// path ending in `/`, `.` or `..`). The same order as [`Path::file_name`] gives.
#[cfg(unix)]
pub(crate) fn sort_name(path: &Path) -> Option<&[u8]> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    let tail = memchr::memrchr(b'/', bytes).map_or(bytes, |at| &bytes[at + 1..]);
    if matches!(tail, b"" | b"." | b"..") {
        return path.file_name().map(OsStrExt::as_bytes);
    }
    Some(tail)
}

#[cfg(not(unix))]
fn sort_name(path: &Path) -> Option<&std::ffi::OsStr> {
    path.file_name()
}

#[cfg(unix)]
fn name_from(bytes: Vec<u8>) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(bytes)
}

#[cfg(not(unix))]
fn name_from(bytes: Vec<u8>) -> OsString {
    OsString::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// Every [`INDEX_EVERY`]-th record of a run and its offset in the run's file.
type Index = Vec<(Box<[u8]>, u64)>;

/// The next entry of a run in a merge of listings: (name, run, kind).
type Head = Reverse<(Vec<u8>, usize, u8)>;

/// Writes `records` (already sorted) to a new temporary file, each as its length (u32, little
/// endian) and its bytes; the file is rewound. Returns the file and the offset of every
/// [`INDEX_EVERY`]-th record with a copy of it.
fn write_run<R: AsRef<[u8]>>(records: impl Iterator<Item = R>) -> io::Result<(File, Index)> {
    let mut out = BufWriter::with_capacity(16 * 1024, tempfile::tempfile()?);
    let (mut index, mut offset) = (Vec::new(), 0u64);
    for (i, record) in records.enumerate() {
        let record = record.as_ref();
        if i % INDEX_EVERY == 0 {
            index.push((Box::from(record), offset));
        }
        let len = u32::try_from(record.len()).map_err(io::Error::other)?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(record)?;
        offset += 4 + u64::from(len);
    }
    let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    file.seek(SeekFrom::Start(0))?;
    Ok((file, index))
}

/// The next record of a run, or `None` at its end.
fn read_record(from: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len = [0u8; 4];
    match from.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut record = vec![0u8; u32::from_le_bytes(len) as usize];
    from.read_exact(&mut record)?;
    Ok(Some(record))
}

/// A directory's entries in name order, whatever their number, holding at most
/// [`LISTING_RUN`] of them in memory (plus a small buffer per run): up to [`LISTING_RUN`]
/// entries are sorted in memory; beyond, each [`LISTING_RUN`] is sorted and written to a
/// temporary file, and the runs are merged as the entries are taken.
pub(crate) struct SortedEntries {
    dir: PathBuf,
    /// Entries not in a run (all of them for a small folder), sorted, taken from the back.
    memory: Vec<Entry>,
    /// The next entry of each run, smallest name first: (name, run, kind).
    heads: BinaryHeap<Head>,
    runs: Vec<BufReader<File>>,
}

impl SortedEntries {
    /// Lists `dir` on `twin`, entry by entry ([`BlockingStore::list_each`]), sorting as it
    /// goes.
    ///
    /// # Errors
    /// Whatever listing fails with, or reading a run's first entry back (a run that could not
    /// be written is not an error: its entries stay in memory).
    pub(crate) fn list<B: BlockingStore>(twin: &B, dir: &Path) -> io::Result<Self> {
        Self::list_in_runs(twin, dir, LISTING_RUN)
    }

    /// [`list`](Self::list) with runs of `run` entries.
    fn list_in_runs<B: BlockingStore>(twin: &B, dir: &Path, run: usize) -> io::Result<Self> {
        let mut memory = Vec::new();
        let mut runs: Vec<(File, usize)> = Vec::new();
        let mut spill = true;
        twin.list_each(dir, &mut |entry| {
            memory.push(entry);
            if spill && memory.len() >= run {
                match spill_entries(&mut memory) {
                    Ok(Some(run)) => {
                        runs.push(run);
                        merge_listing(&mut runs);
                    }
                    Ok(None) => {}
                    // No temporary file: keep everything in memory, as before.
                    Err(_) => spill = false,
                }
            }
        })?;
        let mut sorted = Self::from_vec(dir, memory);
        for (i, (mut file, _)) in runs.into_iter().enumerate() {
            // From its start: a merge that failed part-way may have left it anywhere.
            file.seek(SeekFrom::Start(0))?;
            let mut run = BufReader::with_capacity(2048, file);
            // A run whose first entry cannot be read back fails the listing (reported with
            // the folder's path), rather than leaving its entries out unsaid.
            if let Some(head) = read_head(&mut run, i)? {
                sorted.heads.push(head);
            }
            sorted.runs.push(run);
        }
        Ok(sorted)
    }

    /// The entries of a listing already in memory, sorted.
    pub(crate) fn from_vec(dir: &Path, memory: Vec<Entry>) -> Self {
        // Sorted descending, so that the smallest is popped from the back. Each name is found
        // once, not at every comparison; then the entries are put in that order.
        let mut keys: Vec<_> = memory
            .iter()
            .enumerate()
            .map(|(i, entry)| (sort_name(&entry.path), i))
            .collect();
        keys.sort_unstable_by(|a, b| b.cmp(a));
        let order: Vec<usize> = keys.into_iter().map(|(_, i)| i).collect();
        let mut slots: Vec<Option<Entry>> = memory.into_iter().map(Some).collect();
        let memory = order.into_iter().filter_map(|i| slots[i].take()).collect();
        Self {
            dir: dir.to_owned(),
            memory,
            heads: BinaryHeap::new(),
            runs: Vec::new(),
        }
    }

    /// The directory listed.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the folder has a file named `name`, when that can be told from memory (`None`
    /// once part of the listing is in runs).
    pub(crate) fn has_file(&self, name: &str) -> Option<bool> {
        if !self.runs.is_empty() {
            return None;
        }
        // Looked up by name in the sorted entries (from the back: in reverse order): a folder
        // of ten thousand notes is asked for each kind of ignore file.
        #[cfg(unix)]
        let key = Some(name.as_bytes());
        #[cfg(not(unix))]
        let key = Some(std::ffi::OsStr::new(name));
        let found = (self.memory).binary_search_by(|entry| key.cmp(&sort_name(&entry.path)));
        Some(found.is_ok_and(|at| self.memory[at].kind == EntryKind::File))
    }

    /// The next entry in name order.
    ///
    /// # Errors
    /// Reading a run back failed.
    pub(crate) fn next_entry(&mut self) -> Option<io::Result<Entry>> {
        let from_memory = match (self.memory.last(), self.heads.peek()) {
            (None, None) => return None,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(entry), Some(Reverse((head, ..)))) => {
                spillable(entry).is_some_and(|name| name <= head.as_slice())
            }
        };
        if from_memory {
            return self.memory.pop().map(Ok);
        }
        let Reverse((name, run, kind)) = self.heads.pop()?;
        match read_head(&mut self.runs[run], run) {
            Ok(Some(next)) => self.heads.push(next),
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
        let kind = match kind {
            b'd' => EntryKind::Dir,
            b'f' => EntryKind::File,
            _ => EntryKind::Other,
        };
        let name = name_from(name);
        Some(Ok(Entry {
            path: self.dir.join(name),
            kind,
        }))
    }
}

/// The name of `entry` as it goes into a run, if it can: on Unix always (its bytes), elsewhere
/// when it is Unicode.
fn spillable(entry: &Entry) -> Option<&[u8]> {
    #[cfg(unix)]
    return sort_name(&entry.path);
    #[cfg(not(unix))]
    entry.path.file_name().and_then(name_bytes)
}

/// The next entry of run `run` as a head of the merge: its name, the run, its kind.
fn read_head(from: &mut impl Read, run: usize) -> io::Result<Option<Head>> {
    let Some(mut record) = read_record(from)? else {
        return Ok(None);
    };
    if record.is_empty() {
        // Every record of a listing's run starts with the entry's kind.
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a listing run holds an empty record",
        ));
    }
    let kind = record.remove(0);
    Ok(Some(Reverse((record, run, kind))))
}

/// Merges the last [`MERGE`] runs of a listing when they are of one size, as
/// [`SpilledNames`] does: a folder of a million entries is held in about 16 runs, not 61
/// (a buffer and an open file each). A merge that fails leaves the runs as they were (each is
/// read again from its start).
fn merge_listing(runs: &mut Vec<(File, usize)>) {
    while runs.len() >= MERGE {
        let tail = runs.len() - MERGE;
        let size = runs[tail].1;
        if runs[tail..].iter().any(|(_, count)| *count != size) {
            return;
        }
        let files = runs[tail..].iter_mut().map(|(file, _)| file);
        match merge_files(files, 1, |_| {}) {
            Ok((file, _)) => {
                runs.truncate(tail);
                runs.push((file, size * MERGE));
            }
            Err(_) => return, // the runs stay as they are: still right, only more of them
        }
    }
}

/// Writes the entries of `memory` whose names are bytes as one sorted run (kind, then name),
/// and how many went; only once the run is written are they taken out of `memory` (a failed
/// write leaves `memory` as it was: nothing is lost). `None` when none could go.
fn spill_entries(memory: &mut Vec<Entry>) -> io::Result<Option<(File, usize)>> {
    let mut records: Vec<Vec<u8>> = memory
        .iter()
        .filter_map(|entry| {
            let name = spillable(entry)?;
            let kind = match entry.kind {
                EntryKind::Dir => b'd',
                EntryKind::File => b'f',
                EntryKind::Other => b'o',
            };
            let mut record = Vec::with_capacity(name.len() + 1);
            record.push(kind);
            record.extend_from_slice(name);
            Some(record)
        })
        .collect();
    if records.is_empty() {
        return Ok(None);
    }
    records.sort_unstable_by(|a, b| a[1..].cmp(&b[1..]));
    let (file, _) = write_run(records.iter().map(Vec::as_slice))?;
    memory.retain(|entry| spillable(entry).is_none());
    Ok(Some((file, records.len())))
}

/// A Bloom filter over one run's names: "surely not there" for most names never handed out,
/// so a run's file is read only for a name that is there or for about one in a hundred others.
struct Bloom {
    bits: Vec<u64>,
}

/// Probes per name: with 10 bits a name, about 1% of absent names are taken for present.
const PROBES: u64 = 7;

impl Bloom {
    fn with_capacity(names: usize) -> Self {
        let words = (names * 10).div_ceil(64).max(1);
        Self {
            bits: vec![0; words],
        }
    }

    /// The bit positions of a name of hash `hash` ([`hash_of`]; double hashing).
    fn probes(&self, hash: u64) -> impl Iterator<Item = usize> + use<> {
        let (h1, h2) = (hash & 0xFFFF_FFFF, (hash >> 32) | 1);
        let m = self.bits.len() as u64 * 64;
        (0..PROBES).map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) % m) as usize)
    }

    fn insert(&mut self, hash: u64) {
        for bit in self.probes(hash) {
            self.bits[bit / 64] |= 1 << (bit % 64);
        }
    }

    fn may_hold(&self, hash: u64) -> bool {
        self.probes(hash)
            .all(|bit| self.bits[bit / 64] & (1 << (bit % 64)) != 0)
    }
}

/// The hash of `name` the filters use (fixed keys: the same in every run and every process).
fn hash_of(name: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    name.hash(&mut hasher);
    hasher.finish()
}

/// A run of handed-out names: its file, an index of every [`INDEX_EVERY`]-th name, a Bloom
/// filter.
struct NameRun {
    file: File,
    index: Index,
    bloom: Bloom,
    /// How many names it holds.
    count: usize,
}

/// How many runs of one size are merged into one: a million names make about 20 runs, not 250,
/// so a look-up asks fewer filters (and reads fewer blocks for their false alarms).
const MERGE: usize = 16;

/// The runs `runs`, merged into one (sorted, each name once).
///
/// # Errors
/// Reading a run back or writing the merged one failed (the runs are left as they were).
fn merge_runs(runs: &mut [NameRun]) -> io::Result<NameRun> {
    let count = runs.iter().map(|run| run.count).sum();
    let mut bloom = Bloom::with_capacity(count);
    let files = runs.iter_mut().map(|run| &mut run.file);
    let (file, index) = merge_files(files, 0, |record| bloom.insert(hash_of(record)))?;
    Ok(NameRun {
        file,
        index,
        bloom,
        count,
    })
}

/// The sorted runs in `files` merged into one new run, records compared from byte `key` on
/// (a listing's records start with the entry's kind); `each` sees every record as it goes.
///
/// # Errors
/// Reading a run back or writing the merged one failed (the runs are left as they were).
fn merge_files<'a>(
    files: impl Iterator<Item = &'a mut File>,
    key: usize,
    mut each: impl FnMut(&[u8]),
) -> io::Result<(File, Index)> {
    let mut readers = Vec::new();
    for file in files {
        file.seek(SeekFrom::Start(0))?;
        readers.push(BufReader::with_capacity(2048, file));
    }
    let mut heads = BinaryHeap::new();
    for (i, reader) in readers.iter_mut().enumerate() {
        if let Some(record) = read_record(reader)? {
            heads.push(Reverse((
                record.get(key..).unwrap_or_default().to_vec(),
                i,
                record,
            )));
        }
    }
    let mut failed = None;
    let merged = std::iter::from_fn(|| {
        let Reverse((_, i, record)) = heads.pop()?;
        match read_record(&mut readers[i]) {
            Ok(Some(next)) => {
                heads.push(Reverse((
                    next.get(key..).unwrap_or_default().to_vec(),
                    i,
                    next,
                )));
            }
            Ok(None) => {}
            Err(e) => {
                failed = Some(e);
                return None;
            }
        }
        each(&record);
        Some(record)
    });
    let written = write_run(merged)?;
    match failed {
        Some(e) => Err(e),
        None => Ok(written),
    }
}

impl NameRun {
    /// Whether the run holds `name`: its filter first, then the one block of its file where
    /// `name` would be.
    fn holds(&mut self, name: &[u8], hash: u64) -> io::Result<bool> {
        if !self.bloom.may_hold(hash) {
            return Ok(false);
        }
        let block = self.index.partition_point(|(first, _)| &**first <= name);
        let Some(start) = block.checked_sub(1) else {
            return Ok(false); // before the run's first name
        };
        self.file.seek(SeekFrom::Start(self.index[start].1))?;
        let mut reader = BufReader::with_capacity(4096, &mut self.file);
        for _ in 0..INDEX_EVERY {
            match read_record(&mut reader)? {
                Some(record) if record == name => return Ok(true),
                Some(record) if record.as_slice() > name => return Ok(false),
                Some(_) => {}
                None => return Ok(false),
            }
        }
        Ok(false)
    }
}

/// The names an export has handed out in one destination folder, for
/// [`UniqueNames`](smartnotes_core::UniqueNames): the last [`RUN`] in memory, older ones in
/// sorted runs on temporary files, each behind a Bloom filter. About 1.3 bytes a name stay in
/// memory for names in runs (filter and index), so a folder of a million notes costs a couple
/// of MiB, not the hundred of a set of strings.
#[derive(Default)]
pub(crate) struct SpilledNames {
    recent: HashSet<String>,
    runs: Vec<NameRun>,
    /// Set once a run could not be written: from then on everything stays in memory (the
    /// answer is the same; only memory grows).
    in_memory: bool,
    count: usize,
}

impl std::fmt::Debug for SpilledNames {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpilledNames")
            .field("recent", &self.recent.len())
            .field("runs", &self.runs.len())
            .field("count", &self.count)
            .finish()
    }
}

impl SpilledNames {
    fn holds(&mut self, name: &str) -> bool {
        if self.recent.contains(name) {
            return true;
        }
        let hash = hash_of(name.as_bytes());
        for run in &mut self.runs {
            match run.holds(name.as_bytes(), hash) {
                Ok(true) => return true,
                Ok(false) => {}
                // A run that cannot be read back cannot answer "no" safely: the name counts
                // as taken (the next suffix is tried), so nothing is ever written twice.
                Err(_) => return true,
            }
        }
        false
    }

    fn spill(&mut self) {
        let mut names: Vec<String> = self.recent.drain().collect();
        names.sort_unstable();
        match write_run(names.iter().map(String::as_bytes)) {
            Ok((file, index)) => {
                let mut bloom = Bloom::with_capacity(names.len());
                for name in &names {
                    bloom.insert(hash_of(name.as_bytes()));
                }
                self.runs.push(NameRun {
                    file,
                    index,
                    bloom,
                    count: names.len(),
                });
                self.merge();
            }
            Err(_) => {
                self.recent.extend(names);
                self.in_memory = true;
            }
        }
    }

    /// Merges the last [`MERGE`] runs when they are of one size (size-tiered, as a log-structured
    /// store compacts): every name is rewritten once per tier.
    fn merge(&mut self) {
        while self.runs.len() >= MERGE {
            let tail = self.runs.len() - MERGE;
            let size = self.runs[tail].count;
            if self.runs[tail..].iter().any(|run| run.count != size) {
                return;
            }
            match merge_runs(&mut self.runs[tail..]) {
                Ok(run) => {
                    self.runs.truncate(tail);
                    self.runs.push(run);
                }
                Err(_) => return, // the runs stay as they are: still right, only more of them
            }
        }
    }
}

impl NameSet for SpilledNames {
    fn insert(&mut self, name: String) -> bool {
        if self.holds(&name) {
            return false;
        }
        self.recent.insert(name);
        self.count += 1;
        if !self.in_memory && self.recent.len() >= RUN {
            self.spill();
        }
        true
    }

    fn len(&self) -> usize {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{InlineRuntime, MemFs};
    use smartnotes_core::UniqueNames;

    #[test]
    fn a_folder_larger_than_a_run_comes_out_sorted_and_whole() {
        let fs = MemFs::new(InlineRuntime);
        let run = 256; // small runs, so that a few thousand entries make many, and merges
        let n = run * (MERGE + 2) + 123;
        // Inserted in a scrambled order, with folders among the files.
        for i in (0..n).map(|i| (i * 7919) % n) {
            let path = if i % 1000 == 0 {
                format!("/d/n{i:06}/x.md")
            } else {
                format!("/d/n{i:06}.md")
            };
            fs.insert(&path, "# x\n").unwrap();
        }
        let twin = fs.clone();
        let mut sorted = SortedEntries::list_in_runs(&twin, Path::new("/d"), run).unwrap();
        assert!(sorted.runs.len() >= 2, "the listing went to runs");
        assert!(sorted.runs.len() < n / run, "and runs were merged");
        let mut names = Vec::new();
        while let Some(entry) = sorted.next_entry() {
            let entry = entry.unwrap();
            let name = entry.path.file_name().unwrap().to_str().unwrap().to_owned();
            let dir = name.len() == "n000000".len();
            assert_eq!(entry.kind == EntryKind::Dir, dir, "{name}");
            assert_eq!(entry.path, Path::new("/d").join(&name));
            names.push(name);
        }
        assert_eq!(names.len(), n);
        assert!(names.windows(2).all(|w| w[0] < w[1]), "in name order");
    }

    #[test]
    fn spilled_names_give_the_same_names_as_names_in_memory() {
        let mut spilled = UniqueNames::with_set(SpilledNames::default());
        let mut plain = UniqueNames::new();
        // Titles that repeat and that look like suffixed names, far beyond one run.
        // Far beyond one run, and beyond a merge of runs.
        for i in 0..(RUN * (MERGE + 3)) {
            let title = match i % 5 {
                0 => format!("note {}", i / 3),
                1 => format!("note {} 2", i / 7),
                2 => "same".to_owned(),
                _ => format!("t{i}"),
            };
            assert_eq!(
                spilled.assign(&title),
                plain.assign(&title),
                "title {title}"
            );
        }
        assert_eq!(spilled.len(), plain.len());
        let set = spilled.into_set();
        assert!(set.runs.len() < MERGE, "runs were merged: {set:?}");
        assert!(set.runs.iter().any(|run| run.count > RUN));
    }
}
