//! Where the parts of a note are in its text: byte ranges, so nothing is ever rewritten.

use std::ops::Range;

use super::tags::{self, Fences};

/// One line: `start..end` is its content, `end..next` its line break (`\n` or `\r\n`, or
/// nothing on a last line without one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) next: usize,
}

impl Line {
    pub(crate) fn text(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    fn is_blank(self, text: &str) -> bool {
        self.text(text).trim().is_empty()
    }
}

/// The lines of `text` from `from` on (a `\r` is part of a line break only before `\n`).
pub(crate) fn lines(text: &str, from: usize) -> Vec<Line> {
    let mut lines = Vec::new();
    lines_into(text, from, &mut lines);
    lines
}

/// [`lines`], appended to `lines`.
fn lines_into(text: &str, from: usize, lines: &mut Vec<Line>) {
    let mut start = from;
    while start < text.len() {
        let (end, next) = match memchr::memchr(b'\n', &text.as_bytes()[start..]) {
            Some(i) => {
                let nl = start + i;
                let end = if nl > start && text.as_bytes()[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                (end, nl + 1)
            }
            None => (text.len(), text.len()),
        };
        lines.push(Line { start, end, next });
        start = next;
    }
}

/// The lines and code flags [`Anatomy::of`] works in, kept by the thread between notes.
#[derive(Default)]
struct Scratch {
    lines: Vec<Line>,
    code: Vec<bool>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// The most lines a thread's scratch keeps for the next note.
const KEPT_LINES: usize = 1 << 12;

/// The start of the line holding byte `pos` (any byte offset, not only a char boundary).
pub(crate) fn line_start(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    memchr::memrchr(b'\n', &text.as_bytes()[..pos]).map_or(0, |i| i + 1)
}

/// The start of the line after the one holding byte `pos` (any byte offset).
pub(crate) fn line_next(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i + 1)
}

/// A front-matter block: its opening line, its YAML text and its closing line.
#[derive(Clone, Debug)]
pub(crate) struct Block {
    pub(crate) open: Line,
    pub(crate) yaml: Range<usize>,
    pub(crate) close: Line,
}

/// A title heading: its line and the range of its text.
#[derive(Clone, Debug)]
pub(crate) struct Heading {
    pub(crate) text: Range<usize>,
}

/// The seed's trailing `Tags:` line.
#[derive(Clone, Debug)]
pub(crate) struct TagsLine {
    pub(crate) line: Line,
    /// What follows `Tags:` on the line.
    pub(crate) list: Range<usize>,
    /// Its entries, cleaned (where each is in the text: nothing copied).
    pub(crate) entries: Vec<Range<usize>>,
    /// Where the blank lines before it start (the end of the body, or of the heading).
    pub(crate) gap_start: usize,
}

/// The parts of a note's text.
#[derive(Clone, Debug)]
pub(crate) struct Anatomy {
    /// 3 when the text opens with a byte order mark, else 0.
    pub(crate) bom: usize,
    /// The note's line break: that of its first line (`\n` when it has none).
    pub(crate) eol: &'static str,
    pub(crate) block: Option<Block>,
    /// Where the text after the front matter starts.
    pub(crate) content_start: usize,
    pub(crate) heading: Option<Heading>,
    /// From the end of the heading line (or `content_start`) to the `Tags:` line (or the end).
    pub(crate) slot: Range<usize>,
    /// The body: its first non-blank line to the end of its last one's content.
    pub(crate) body: Range<usize>,
    /// The body's lines, from the first one's start to after the last one's line break.
    pub(crate) body_lines: Option<Range<usize>>,
    pub(crate) tags_line: Option<TagsLine>,
    /// Inline tags of the body: the offset of each `#` and where the tag is in the text.
    pub(crate) inline: Vec<(usize, Range<usize>)>,
}

/// Where `part`, a slice of `text`, lies in it.
pub(crate) fn span(text: &str, part: &str) -> Range<usize> {
    let start = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    start..start + part.len()
}

impl TagsLine {
    /// The line's entries (cleaned) in `text`, the text it was found in.
    pub(crate) fn entries<'s, 't: 's>(
        &'s self,
        text: &'t str,
    ) -> impl Iterator<Item = &'t str> + 's {
        self.entries.iter().map(move |r| &text[r.clone()])
    }
}

impl Anatomy {
    /// Finds the parts of `text` (any text; blank text gives an empty layout).
    pub(crate) fn of(text: &str) -> Self {
        // The thread's scratch, reused from note to note (a fresh one is an allocation or two
        // a note, and a pass to count the lines).
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => {
                let anatomy = Self::within(text, &mut scratch);
                if scratch.lines.capacity() > KEPT_LINES {
                    *scratch = Scratch::default();
                }
                anatomy
            }
            Err(_) => Self::within(text, &mut Scratch::default()),
        })
    }

    fn within(text: &str, scratch: &mut Scratch) -> Self {
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let eol = match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        let Scratch { lines: all, code } = scratch;
        all.clear();
        lines_into(text, bom, all);
        let (block, content) = front_matter(text, all);
        let content_start = block.as_ref().map_or(bom, |b| b.close.next);

        let first = content.iter().position(|l| !l.is_blank(text));
        let heading = first.and_then(|i| {
            let line = content[i];
            title_heading(line.text(text)).map(|r| (i, line.start + r.start..line.start + r.end))
        });
        let (region, region_start) = match &heading {
            Some((i, _)) => (&content[i + 1..], content[*i].next),
            None => (content, content_start),
        };
        let mut fences = Fences::default();
        code.clear();
        code.extend(region.iter().map(|l| fences.is_code(l.text(text))));

        let mut body_end = region.len();
        let mut tags_line = None;
        if let Some(last) = region.iter().rposition(|l| !l.is_blank(text)) {
            let line = region[last];
            let content = line.text(text);
            let trimmed = content.trim_start();
            if let (false, Some(list)) = (code[last], trimmed.strip_prefix("Tags:")) {
                let list_start = line.end - list.len();
                let gap_start = region[..last]
                    .iter()
                    .rposition(|l| !l.is_blank(text))
                    .map_or(region_start, |i| region[i].next);
                tags_line = Some(TagsLine {
                    line,
                    list: list_start..line.end,
                    entries: list
                        .split(',')
                        .map(tags::clean)
                        .filter(|t| !t.is_empty())
                        .map(|t| span(text, t))
                        .collect(),
                    gap_start,
                });
                body_end = last;
            }
        }

        let body_region = &region[..body_end];
        let mut inline = Vec::new();
        let (body, body_lines) = match (
            body_region.iter().position(|l| !l.is_blank(text)),
            body_region.iter().rposition(|l| !l.is_blank(text)),
        ) {
            (Some(a), Some(b)) => {
                let (first, last) = (body_region[a], body_region[b]);
                // A tag starts with `#` (and a code span, which hides one, with a backtick):
                // a body without either (one vectorised pass) has none, line by line or not.
                let marks = memchr::memchr2(b'#', b'`', &text.as_bytes()[first.start..last.end]);
                // The lines from the one with the first mark (lines hold no line break).
                let from = marks.map_or(b + 1, |at| {
                    a + body_region[a..=b].partition_point(|l| l.end < first.start + at)
                });
                let marked = from..b + 1;
                for (line, &is_code) in body_region[marked.clone()].iter().zip(&code[marked]) {
                    if !is_code {
                        for (at, tag) in tags::inline_tags(line.text(text)) {
                            inline.push((line.start + at, span(text, tag)));
                        }
                    }
                }
                (first.start..last.end, Some(first.start..last.next))
            }
            _ => (region_start..region_start, None),
        };
        let slot_end = tags_line.as_ref().map_or(text.len(), |t| t.line.start);
        Self {
            bom,
            eol,
            block,
            content_start,
            heading: heading.map(|(_, text)| Heading { text }),
            slot: region_start..slot_end,
            body,
            body_lines,
            tags_line,
            inline,
        }
    }
}

/// The front-matter block at the top of the text (if any), and the lines after it.
fn front_matter<'l>(text: &str, all: &'l [Line]) -> (Option<Block>, &'l [Line]) {
    let is =
        |line: Line, marks: &[&str]| marks.contains(&line.text(text).trim_end_matches([' ', '\t']));
    match all.first() {
        Some(&open) if is(open, &["---"]) => {
            match all.iter().skip(1).position(|&l| is(l, &["---", "..."])) {
                Some(i) => {
                    let close = all[i + 1];
                    let block = Block {
                        open,
                        yaml: open.next..close.start,
                        close,
                    };
                    (Some(block), &all[i + 2..])
                }
                None => (None, all),
            }
        }
        _ => (None, all),
    }
}

/// The range of the title in `line` when it is a level-1 ATX heading with text
/// (up to three spaces, `#`, a space or tab, the title).
fn title_heading(line: &str) -> Option<Range<usize>> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let after = line[indent..].strip_prefix('#')?;
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    let title = after.trim();
    let start = line.len() - after.trim_start().len();
    (!title.is_empty()).then_some(start..start + title.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_breaks() {
        let text = "a\r\nb\n\rc\r";
        let got: Vec<(&str, &str)> = lines(text, 0)
            .iter()
            .map(|l| (l.text(text), &text[l.end..l.next]))
            .collect();
        assert_eq!(got, [("a", "\r\n"), ("b", "\n"), ("\rc\r", "")]);
        assert!(lines("", 0).is_empty());
        assert_eq!(line_start("ab\ncd", 4), 3);
        assert_eq!(line_next("ab\ncd", 1), 3);
        assert_eq!(line_next("ab\ncd", 4), 5);
        assert_eq!(line_next("ü\n", 1), 3);
        assert_eq!(line_start("a\nü", 4), 2);
    }

    #[test]
    fn headings_are_level_one_with_text() {
        assert_eq!(title_heading("# T"), Some(2..3));
        assert_eq!(title_heading("   #\t Two words  "), Some(6..15));
        assert_eq!(title_heading("    # code"), None);
        assert_eq!(title_heading("## Two"), None);
        assert_eq!(title_heading("#tag"), None);
        assert_eq!(title_heading("#   "), None);
        assert_eq!(title_heading("#"), None);
    }

    #[test]
    fn parts_of_a_seed_note() {
        let text = "# T\n\nbody #x\n\nTags: a, b\n";
        let lay = Anatomy::of(text);
        assert_eq!(&text[lay.heading.unwrap().text], "T");
        assert_eq!(&text[lay.body.clone()], "body #x");
        assert_eq!(lay.body_lines, Some(5..13));
        assert_eq!(lay.slot, 4..14);
        let tags = lay.tags_line.unwrap();
        assert_eq!(
            (tags.entries(text).collect::<Vec<_>>(), tags.gap_start),
            (vec!["a", "b"], 13)
        );
        assert_eq!(lay.inline, [(10, 11..12)]);
    }

    #[test]
    fn parts_with_front_matter_bom_and_crlf() {
        let text = "\u{feff}---\r\nk: v\r\n---\r\nno heading\r\n";
        let lay = Anatomy::of(text);
        assert_eq!((lay.bom, lay.eol), (3, "\r\n"));
        assert_eq!(&text[lay.block.unwrap().yaml], "k: v\r\n");
        assert!(lay.heading.is_none());
        assert_eq!(&text[lay.body], "no heading");
        assert!(Anatomy::of("---\nk: v\n").block.is_none());
    }

    #[test]
    fn tags_line_inside_a_fence_is_code() {
        let lay = Anatomy::of("# T\n\n```\nTags: a\n");
        assert!(lay.tags_line.is_none());
        let text = "# T\n\n```\n#no\n```\n#yes\n\nTags: a\n";
        let lay = Anatomy::of(text);
        assert!(lay.tags_line.is_some());
        assert_eq!(
            lay.inline
                .iter()
                .map(|(_, t)| &text[t.clone()])
                .collect::<Vec<_>>(),
            ["yes"]
        );
    }
}
