//! Line scanning over bytes that arrive in chunks: the pure half of the log analyzer.
//!
//! [`LineMatcher`] counts the lines that contain a needle and [`LineSplitter`] cuts bytes into
//! lines. Both are fed chunks of any size, split anywhere (inside a line, inside the needle,
//! between `\r` and `\n`), and give the same answer as if they had seen the whole input at
//! once, so a reader can use a fixed buffer whatever the file size. Neither cares about UTF-8:
//! they work on bytes. `smartnotes-io` drives them from files (`count_matching`, `read_lines`).

use memchr::memmem;

/// The needle of a [`LineMatcher`] contained a line feed, so no single line could contain it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a pattern that matches within one line cannot contain a line feed (\\n)")]
pub struct NewlineInNeedle;

/// Counts the lines that contain a byte string, fed the input chunk by chunk.
///
/// `grep -c` semantics: a line counts once however many matches it holds; the last line
/// counts even without a final `\n`; an empty needle matches every line. Memory is the needle
/// plus at most `needle.len() - 1` bytes carried between chunks, whatever the line lengths:
/// a line longer than any buffer is handled. The search is `memchr`'s SIMD `memmem`, and a
/// matched line is skipped to its end with `memchr`, so each byte is looked at about once.
///
/// ```
/// use smartnotes_core::LineMatcher;
///
/// let mut m = LineMatcher::new(b"ERROR")?;
/// for chunk in [&b"ok\nan ERR"[..], b"OR here\nERROR\xff\nlast ERROR"] {
///     m.feed(chunk);
/// }
/// assert_eq!(m.finish(), 3);
/// # Ok::<(), smartnotes_core::scan::NewlineInNeedle>(())
/// ```
#[derive(Clone, Debug)]
pub struct LineMatcher {
    finder: memmem::Finder<'static>,
    /// Matching lines so far (the current line included once it has matched).
    matches: u64,
    /// The current line already matched: skip to its end.
    in_matched_line: bool,
    /// The last `needle.len() - 1` (or fewer) bytes of the current, unmatched line.
    carry: Vec<u8>,
    /// Scratch for the search across a chunk boundary.
    seam: Vec<u8>,
    /// Whether the input so far is non-empty and does not end with `\n` (a partial last line).
    open_line: bool,
}

impl LineMatcher {
    /// A matcher for lines containing `needle`.
    ///
    /// # Errors
    /// [`NewlineInNeedle`] if `needle` contains `\n`.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_core::LineMatcher;
    /// use smartnotes_core::scan::NewlineInNeedle;
    ///
    /// assert_eq!(LineMatcher::new(b"ERROR")?.finish(), 0); // nothing fed, nothing matched
    /// assert_eq!(LineMatcher::new(b"two\nlines").unwrap_err(), NewlineInNeedle);
    /// # Ok::<(), NewlineInNeedle>(())
    /// ```
    pub fn new(needle: &[u8]) -> Result<Self, NewlineInNeedle> {
        if needle.contains(&b'\n') {
            return Err(NewlineInNeedle);
        }
        Ok(Self {
            finder: memmem::Finder::new(needle).into_owned(),
            matches: 0,
            in_matched_line: false,
            carry: Vec::with_capacity(needle.len()),
            seam: Vec::with_capacity(2 * needle.len()),
            open_line: false,
        })
    }

    /// The needle.
    ///
    /// # Examples
    /// ```
    /// let matcher = smartnotes_core::LineMatcher::new(b"ERROR")?;
    /// assert_eq!(matcher.needle(), b"ERROR");
    /// # Ok::<(), smartnotes_core::scan::NewlineInNeedle>(())
    /// ```
    pub fn needle(&self) -> &[u8] {
        self.finder.needle()
    }

    /// Scans the next `chunk` of input.
    ///
    /// # Examples
    /// ```
    /// let mut matcher = smartnotes_core::LineMatcher::new(b"ERROR")?;
    /// matcher.feed(b"ok\nan ER"); // the needle is split between two chunks
    /// matcher.feed(b"ROR here\n");
    /// assert_eq!(matcher.matching_lines(), 1);
    /// # Ok::<(), smartnotes_core::scan::NewlineInNeedle>(())
    /// ```
    pub fn feed(&mut self, chunk: &[u8]) {
        let Some(&last) = chunk.last() else { return };
        self.open_line = last != b'\n';
        let n = self.finder.needle().len();
        if n == 0 {
            self.matches += memchr::memchr_iter(b'\n', chunk).count() as u64;
            return;
        }
        let mut pos = 0;
        if !self.in_matched_line && !self.carry.is_empty() {
            // A match that starts in the carried tail of the previous chunk and ends in this
            // one. Matches wholly inside `chunk` are left to the main loop, so none counts twice.
            self.seam.clear();
            self.seam.extend_from_slice(&self.carry);
            self.seam
                .extend_from_slice(&chunk[..chunk.len().min(n.saturating_sub(1))]);
            if self
                .finder
                .find(&self.seam)
                .is_some_and(|at| at < self.carry.len())
            {
                self.matches += 1;
                self.in_matched_line = true;
            }
        }
        loop {
            if self.in_matched_line {
                match memchr::memchr(b'\n', &chunk[pos..]) {
                    Some(i) => {
                        pos += i + 1;
                        self.in_matched_line = false;
                    }
                    None => {
                        self.carry.clear();
                        return;
                    }
                }
            }
            match self.finder.find(&chunk[pos..]) {
                Some(i) => {
                    self.matches += 1;
                    self.in_matched_line = true;
                    pos += i + n;
                }
                None => break,
            }
        }
        // Not in a matched line: keep the tail of the current line that a match could start in.
        let keep = n - 1;
        let tail_start = chunk.len().saturating_sub(keep).max(pos);
        let tail = &chunk[tail_start..];
        match memchr::memrchr(b'\n', tail) {
            Some(i) => {
                self.carry.clear();
                self.carry.extend_from_slice(&tail[i + 1..]);
            }
            None if pos == 0 && tail_start == 0 => {
                // The whole chunk is shorter than the needle and has no line break: it extends
                // the carried tail.
                self.carry.extend_from_slice(tail);
                let excess = self.carry.len().saturating_sub(keep);
                self.carry.drain(..excess);
            }
            None => {
                self.carry.clear();
                self.carry.extend_from_slice(tail);
            }
        }
    }

    /// Matching lines seen so far. With an empty needle, a last line not yet ended by `\n`
    /// is counted only by [`finish`](Self::finish).
    ///
    /// # Examples
    /// ```
    /// let mut lines = smartnotes_core::LineMatcher::new(b"")?; // an empty needle: every line
    /// lines.feed(b"one\ntwo");
    /// assert_eq!(lines.matching_lines(), 1); // "two" has not ended yet
    /// assert_eq!(lines.finish(), 2);
    /// # Ok::<(), smartnotes_core::scan::NewlineInNeedle>(())
    /// ```
    pub fn matching_lines(&self) -> u64 {
        self.matches
    }

    /// The number of matching lines in the whole input.
    ///
    /// # Examples
    /// ```
    /// let mut matcher = smartnotes_core::LineMatcher::new(b"ERROR")?;
    /// matcher.feed(b"ERROR ERROR\nok\nlast ERROR"); // no final line feed
    /// assert_eq!(matcher.finish(), 2); // once per line, the last line included
    /// # Ok::<(), smartnotes_core::scan::NewlineInNeedle>(())
    /// ```
    pub fn finish(self) -> u64 {
        let partial_last_line = self.finder.needle().is_empty() && self.open_line;
        self.matches + u64::from(partial_last_line)
    }
}

/// One line of input, from a [`LineSplitter`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Its 1-based number.
    pub number: u64,
    /// Its bytes, without the `\n` or `\r\n` that ended it.
    pub bytes: Vec<u8>,
}

impl Line {
    /// The line as text.
    ///
    /// # Errors
    /// If the line is not valid UTF-8 (the error says where it stops being).
    ///
    /// # Examples
    /// ```
    /// use smartnotes_core::scan::Line;
    ///
    /// assert_eq!(Line { number: 1, bytes: b"caf\xc3\xa9".to_vec() }.as_str(), Ok("café"));
    /// let latin1 = Line { number: 2, bytes: b"caf\xe9".to_vec() };
    /// assert_eq!(latin1.as_str().unwrap_err().valid_up_to(), 3);
    /// ```
    pub fn as_str(&self) -> Result<&str, std::str::Utf8Error> {
        std::str::from_utf8(&self.bytes)
    }

    /// The line as text, invalid UTF-8 replaced by `U+FFFD`.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_core::scan::Line;
    ///
    /// let latin1 = Line { number: 1, bytes: b"caf\xe9".to_vec() };
    /// assert_eq!(latin1.to_string_lossy(), "caf\u{FFFD}");
    /// ```
    pub fn to_string_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }
}

/// A line longer than the [`LineSplitter`]'s limit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line} is longer than {limit} bytes")]
pub struct LineTooLong {
    /// The 1-based number of the line.
    pub line: u64,
    /// The limit it exceeded.
    pub limit: usize,
}

/// Cuts bytes fed chunk by chunk into numbered lines.
///
/// A line ends at `\n`; the `\n` and a `\r` before it are not part of the line. The last line
/// counts even without a final `\n` (see [`finish`](Self::finish)). A line longer than
/// `max_line` bytes is reported as [`LineTooLong`] in its place, without being held in memory,
/// and the lines after it go on: memory is bounded by the limit, not by the input.
///
/// ```
/// use smartnotes_core::LineSplitter;
///
/// let mut lines = Vec::new();
/// let mut splitter = LineSplitter::new(4);
/// for chunk in [&b"one\r\ntoo lo"[..], b"ng\nt", b"wo"] {
///     splitter.feed(chunk, &mut lines);
/// }
/// lines.extend(splitter.finish());
/// let shown: Vec<String> = lines.iter().map(|l| match l {
///     Ok(line) => format!("{}:{}", line.number, line.to_string_lossy()),
///     Err(e) => e.to_string(),
/// }).collect();
/// assert_eq!(shown, ["1:one", "line 2 is longer than 4 bytes", "3:two"]);
/// ```
#[derive(Clone, Debug)]
pub struct LineSplitter {
    partial: Vec<u8>,
    max_line: usize,
    /// Lines ended so far.
    lines: u64,
    /// The current line is over the limit (and was reported): drop it up to its end.
    overflowed: bool,
}

impl LineSplitter {
    /// A splitter that refuses lines longer than `max_line` bytes.
    ///
    /// # Examples
    /// ```
    /// let mut splitter = smartnotes_core::LineSplitter::new(3);
    /// let mut lines = Vec::new();
    /// splitter.feed(b"abc\nabcd\n", &mut lines);
    /// assert_eq!(lines[0].as_ref().map(|l| l.bytes.as_slice()), Ok(&b"abc"[..]));
    /// assert!(lines[1].is_err()); // 4 bytes: over the limit
    /// ```
    pub fn new(max_line: usize) -> Self {
        Self {
            partial: Vec::new(),
            max_line,
            lines: 0,
            overflowed: false,
        }
    }

    /// The longest line it yields.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(smartnotes_core::LineSplitter::new(80).max_line(), 80);
    /// ```
    pub fn max_line(&self) -> usize {
        self.max_line
    }

    /// Lines ended so far (refused ones included).
    ///
    /// # Examples
    /// ```
    /// let mut splitter = smartnotes_core::LineSplitter::new(2);
    /// splitter.feed(b"a\ntoo long\nb", &mut Vec::new());
    /// assert_eq!(splitter.lines(), 2); // "b" has not ended yet
    /// ```
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Appends the lines that `chunk` completes to `out`, in order, each as `Ok` or, if over
    /// the limit, as `Err` in its place.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_core::LineSplitter;
    /// use smartnotes_core::scan::LineTooLong;
    ///
    /// let mut splitter = LineSplitter::new(4);
    /// let mut out = Vec::new();
    /// splitter.feed(b"one\r\nfar too", &mut out);
    /// splitter.feed(b" long\ntwo\n", &mut out);
    /// let got: Vec<_> = out.into_iter().map(|l| l.map(|l| l.bytes)).collect();
    /// let too_long = LineTooLong { line: 2, limit: 4 };
    /// assert_eq!(got, [Ok(b"one".to_vec()), Err(too_long), Ok(b"two".to_vec())]);
    /// ```
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<Result<Line, LineTooLong>>) {
        self.feed_with(chunk, |line| {
            out.push(line.map(|(number, bytes)| Line {
                number,
                bytes: bytes.to_vec(),
            }));
        });
    }

    /// Appends the lines that `chunk` completes to `out` as batches: consecutive lines share
    /// one [`Lines`] (one buffer, no allocation per line), and a line over the limit is an
    /// `Err` in its place between two batches. What a consumer that goes fast wants.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_core::LineSplitter;
    ///
    /// let mut splitter = LineSplitter::new(4);
    /// let mut out = Vec::new();
    /// splitter.feed_batches(b"one\ntwo\nfar too long\nsix\n", &mut out);
    /// assert_eq!(out.len(), 3); // [one, two], the error, [six]
    /// let first: Vec<&[u8]> = out[0].as_ref().unwrap().iter().map(|(_, l)| l).collect();
    /// assert_eq!(first, [&b"one"[..], b"two"]);
    /// assert_eq!(out[2].as_ref().unwrap().iter().next(), Some((4, &b"six"[..])));
    /// ```
    pub fn feed_batches(&mut self, chunk: &[u8], out: &mut Vec<Result<Lines, LineTooLong>>) {
        self.feed_with(chunk, |line| push_batched(out, line));
    }

    /// The core of [`feed`](Self::feed): each completed line (number and bytes, without its
    /// line ending) or its error, in order.
    fn feed_with(&mut self, chunk: &[u8], mut emit: impl FnMut(Result<(u64, &[u8]), LineTooLong>)) {
        let mut rest = chunk;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            let piece = &rest[..i];
            rest = &rest[i + 1..];
            self.lines += 1;
            if self.overflowed {
                // The end of a line whose error was already reported.
                self.overflowed = false;
                continue;
            }
            // `max_line + 1`: room for a `\r` that is not part of the line.
            if self.partial.len() + piece.len() > self.max_line.saturating_add(1) {
                self.partial.clear();
                emit(Err(self.too_long(self.lines)));
                continue;
            }
            let (number, max) = (self.lines, self.max_line);
            if self.partial.is_empty() {
                emit(checked(number, piece, max));
            } else {
                self.partial.extend_from_slice(piece);
                emit(checked(number, &self.partial, max));
                self.partial.clear();
            }
        }
        if !self.overflowed {
            if self.partial.len() + rest.len() > self.max_line.saturating_add(1) {
                self.partial = Vec::new();
                self.overflowed = true;
                emit(Err(self.too_long(self.lines + 1)));
            } else {
                self.partial.extend_from_slice(rest);
            }
        }
    }

    fn too_long(&self, line: u64) -> LineTooLong {
        LineTooLong {
            line,
            limit: self.max_line,
        }
    }

    /// The last line, if the input did not end with `\n` (and it was not already reported).
    ///
    /// # Examples
    /// ```
    /// use smartnotes_core::LineSplitter;
    /// use smartnotes_core::scan::Line;
    ///
    /// let mut splitter = LineSplitter::new(80);
    /// splitter.feed(b"first\nlast", &mut Vec::new());
    /// assert_eq!(splitter.finish(), Some(Ok(Line { number: 2, bytes: b"last".to_vec() })));
    ///
    /// let mut ended = LineSplitter::new(80);
    /// ended.feed(b"first\n", &mut Vec::new());
    /// assert_eq!(ended.finish(), None);
    /// ```
    pub fn finish(self) -> Option<Result<Line, LineTooLong>> {
        if self.partial.is_empty() || self.overflowed {
            return None;
        }
        let line = checked(self.lines + 1, &self.partial, self.max_line);
        Some(line.map(|(number, bytes)| Line {
            number,
            bytes: bytes.to_vec(),
        }))
    }

    /// [`finish`](Self::finish) into batches: the last line, appended to `out` as
    /// [`feed_batches`](Self::feed_batches) would.
    ///
    /// # Examples
    /// ```
    /// let mut splitter = smartnotes_core::LineSplitter::new(80);
    /// let mut out = Vec::new();
    /// splitter.feed_batches(b"first\nlast", &mut out);
    /// splitter.finish_batches(&mut out);
    /// assert_eq!(out[0].as_ref().unwrap().len(), 2);
    /// ```
    pub fn finish_batches(self, out: &mut Vec<Result<Lines, LineTooLong>>) {
        if self.partial.is_empty() || self.overflowed {
            return;
        }
        push_batched(out, checked(self.lines + 1, &self.partial, self.max_line));
    }
}

/// A line without its `\r`, or the error if it is over `max` bytes.
fn checked(number: u64, bytes: &[u8], max: usize) -> Result<(u64, &[u8]), LineTooLong> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if bytes.len() > max {
        Err(LineTooLong {
            line: number,
            limit: max,
        })
    } else {
        Ok((number, bytes))
    }
}

/// Appends a line to the last batch of `out` (a new one after an error), or the error.
fn push_batched(
    out: &mut Vec<Result<Lines, LineTooLong>>,
    line: Result<(u64, &[u8]), LineTooLong>,
) {
    match line {
        Err(e) => out.push(Err(e)),
        Ok((number, bytes)) => {
            if !matches!(out.last(), Some(Ok(_))) {
                out.push(Ok(Lines::default()));
            }
            if let Some(Ok(batch)) = out.last_mut() {
                batch.push(number, bytes);
            }
        }
    }
}

/// Consecutive lines in one buffer, one allocation per batch rather than per line: what
/// `smartnotes_core::scan::LineSplitter::feed_batches` makes and
/// `StoreExt::read_lines` yields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    bytes: Vec<u8>,
    /// Each line's number and where it ends in `bytes`.
    ends: Vec<(u64, usize)>,
}

impl Lines {
    fn push(&mut self, number: u64, line: &[u8]) {
        self.bytes.extend_from_slice(line);
        self.ends.push((number, self.bytes.len()));
    }

    /// How many lines.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(smartnotes_core::scan::Lines::default().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there are none.
    ///
    /// # Examples
    /// ```
    /// assert!(smartnotes_core::scan::Lines::default().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The lines in order: each one's 1-based number and its bytes (without its line ending).
    ///
    /// # Examples
    /// ```
    /// let mut out = Vec::new();
    /// smartnotes_core::LineSplitter::new(80).feed_batches(b"a\r\nb\n", &mut out);
    /// let lines: Vec<(u64, &[u8])> = out[0].as_ref().unwrap().iter().collect();
    /// assert_eq!(lines, [(1, &b"a"[..]), (2, &b"b"[..])]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (u64, &[u8])> {
        let starts = std::iter::once(0).chain(self.ends.iter().map(|&(_, end)| end));
        self.ends
            .iter()
            .zip(starts)
            .map(|(&(number, end), start)| (number, &self.bytes[start..end]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(needle: &str, input: &[u8], chunk: usize) -> u64 {
        let mut m = LineMatcher::new(needle.as_bytes()).unwrap();
        for c in input.chunks(chunk.max(1)) {
            m.feed(c);
        }
        m.finish()
    }

    fn naive(needle: &str, input: &[u8]) -> u64 {
        if input.is_empty() {
            return 0;
        }
        let body = input.strip_suffix(b"\n").unwrap_or(input);
        body.split(|&b| b == b'\n')
            .filter(|line| memmem::find(line, needle.as_bytes()).is_some())
            .count() as u64
    }

    #[test]
    fn matches_across_every_split() {
        let input = b"ERROR one\nfine\nERR\nOR\nxxERRORxxERROR\nlast ERROR";
        for chunk in 1..=input.len() {
            assert_eq!(count("ERROR", input, chunk), 3, "chunk {chunk}");
        }
    }

    #[test]
    fn empty_needle_counts_lines() {
        assert_eq!(count("", b"", 3), 0);
        assert_eq!(count("", b"a\n\nb", 1), 3);
        assert_eq!(count("", b"a\n\nb\n", 2), 3);
    }

    #[test]
    fn newline_in_needle_is_refused() {
        assert_eq!(LineMatcher::new(b"a\nb").unwrap_err(), NewlineInNeedle);
    }

    fn split(max: usize, input: &[u8], chunk: usize) -> Vec<Result<(u64, Vec<u8>), u64>> {
        let mut s = LineSplitter::new(max);
        let mut out = Vec::new();
        for c in input.chunks(chunk) {
            s.feed(c, &mut out);
        }
        out.extend(s.finish());
        out.into_iter()
            .map(|l| l.map(|l| (l.number, l.bytes)).map_err(|e| e.line))
            .collect()
    }

    #[test]
    fn splitter_handles_crlf_and_last_line() {
        let got = split(100, b"a\r\nbb\n\nccc\r", 1);
        let want = [(1, &b"a"[..]), (2, b"bb"), (3, b""), (4, b"ccc")];
        assert_eq!(got, want.map(|(n, b)| Ok((n, b.to_vec()))));
    }

    #[test]
    fn splitter_reports_long_lines_in_place_and_goes_on() {
        for chunk in 1..24 {
            let got = split(3, b"abc\nabcdefgh\nxy\nabcd\nzzzzzz\nok\nlonger", chunk);
            let want = vec![
                Ok((1, b"abc".to_vec())),
                Err(2),
                Ok((3, b"xy".to_vec())),
                Err(4),
                Err(5),
                Ok((6, b"ok".to_vec())),
                Err(7),
            ];
            assert_eq!(got, want, "chunk {chunk}");
        }
    }

    #[test]
    fn a_match_at_the_seam_after_a_short_chunk() {
        // Carry built from several chunks shorter than the needle.
        assert_eq!(count("abcdef", b"xxabcdefyy\nabc", 1), 1);
        assert_eq!(count("abcdef", b"ab", 1), 0);
        assert_eq!(naive("abcdef", b"xxabcdefyy\nabc"), 1);
    }

    proptest::proptest! {
        #[test]
        fn same_count_as_the_naive_scan(
            input in proptest::collection::vec(proptest::sample::select(b"ab\n\r\xff".to_vec()), 0..200),
            needle in "[ab]{0,4}",
            chunk in 1usize..40,
        ) {
            proptest::prop_assert_eq!(count(&needle, &input, chunk), naive(&needle, &input));
        }

        #[test]
        fn splitter_loses_nothing(
            input in proptest::collection::vec(proptest::sample::select(b"ab\n\r".to_vec()), 0..200),
            chunk in 1usize..40,
        ) {
            let out: Vec<Vec<u8>> = split(usize::MAX, &input, chunk)
                .into_iter()
                .map(|l| l.unwrap().1)
                .collect();
            let expected: Vec<Vec<u8>> = if input.is_empty() {
                Vec::new()
            } else {
                input.strip_suffix(b"\n").unwrap_or(&input)
                    .split(|&b| b == b'\n')
                    .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
                    .collect()
            };
            proptest::prop_assert_eq!(out, expected);
        }
    }
}
