//! Tags by Obsidian's rules: what a tag is, how it is matched, and where inline `#tags` are.

use std::collections::HashSet;

/// True when `tag` passes a filter on `filter`.
///
/// Both are compared without case and without a leading `#`; a filter also matches the tags
/// nested under it (`a` matches `a/b` and `a/b/c`, but not `ab`). An empty filter matches nothing.
///
/// # Examples
///
/// ```
/// use smartnotes_core::note::tag_matches;
///
/// assert!(tag_matches("Python", "#python"));
/// assert!(tag_matches("lang/rust", "lang"));
/// assert!(tag_matches("lang/rust", "LANG/Rust"));
/// assert!(!tag_matches("language", "lang"));
/// assert!(!tag_matches("lang", "lang/rust"));
/// ```
#[must_use]
pub fn tag_matches(tag: &str, filter: &str) -> bool {
    let filter = filter.trim().trim_start_matches('#');
    let tag = tag.trim().trim_start_matches('#');
    if filter.is_empty() {
        return false;
    }
    let mut rest = tag.chars().flat_map(char::to_lowercase);
    for wanted in filter.chars().flat_map(char::to_lowercase) {
        if rest.next() != Some(wanted) {
            return false;
        }
    }
    matches!(rest.next(), None | Some('/'))
}

/// A tag list in order of first appearance, without repeats (compared without case).
///
/// A note has a handful of tags: up to [`LINEAR`] of them are compared one by one, ASCII tags
/// byte by byte without an allocation (a comparison that involves a non-ASCII tag lower-cases
/// both, as `str::to_lowercase` does); beyond, a set of their lower-cased forms answers.
#[derive(Debug, Default)]
pub(crate) struct TagSet {
    tags: Vec<String>,
    /// The lower-cased tags, once there are more than [`LINEAR`].
    seen: Option<HashSet<String>>,
}

/// Up to this many tags, a new one is compared with each.
const LINEAR: usize = 16;

/// Whether two cleaned tags are the same tag: equal without case.
fn same_tag(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

impl TagSet {
    /// Adds `tag` (trimmed, without leading `#`) unless it is empty or already there; whether
    /// it was added.
    pub(crate) fn push(&mut self, tag: &str) -> bool {
        let tag = clean(tag);
        if tag.is_empty() || self.holds(tag) {
            return false;
        }
        if let Some(seen) = &mut self.seen {
            seen.insert(tag.to_lowercase());
        }
        self.tags.push(tag.to_owned());
        if self.seen.is_none() && self.tags.len() > LINEAR {
            self.seen = Some(self.tags.iter().map(|t| t.to_lowercase()).collect());
        }
        true
    }

    /// The last tag added.
    pub(crate) fn last(&self) -> Option<&str> {
        self.tags.last().map(String::as_str)
    }

    /// True when `tag` is there, compared without case.
    pub(crate) fn contains(&self, tag: &str) -> bool {
        self.holds(clean(tag))
    }

    /// [`contains`](Self::contains) of a cleaned tag.
    fn holds(&self, tag: &str) -> bool {
        match &self.seen {
            Some(seen) => seen.contains(&tag.to_lowercase()),
            None => self.tags.iter().any(|t| same_tag(t, tag)),
        }
    }

    pub(crate) fn into_vec(self) -> Vec<String> {
        self.tags
    }
}

/// A tag as written anywhere: trimmed, without the `#` characters and white space it starts
/// with (so that cleaning it again changes nothing: `# # a` is `a`, and `# #` no tag).
pub(crate) fn clean(tag: &str) -> &str {
    tag.trim_start_matches(|c: char| c == '#' || c.is_whitespace())
        .trim_end()
}

/// The tags a caller put in [`Note::tags`](super::Note::tags): each entry split on commas and
/// line breaks, cleaned, empty and repeated ones dropped.
pub(crate) fn from_fields(tags: &[String]) -> TagSet {
    let mut set = TagSet::default();
    for tag in tags {
        for piece in tag.split([',', '\n', '\r']) {
            set.push(piece);
        }
    }
    set
}

/// A character that may appear in an inline tag.
fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '/')
}

/// The inline `#tags` of one line of text that is not inside a fenced code block.
///
/// A tag is `#` at the start of the line or after white space, followed by letters, digits,
/// `_`, `-` and `/`, with at least one character that is not a digit. Code spans (a run of
/// backticks up to the next run of the same length on the line) are skipped. Gives the byte
/// offset of each `#` within `line` and the tag without it.
pub(crate) fn inline_tags(line: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    // Only a `#` or a backtick can start anything: jump to the next one (a vectorised search;
    // most of a line is plain text).
    while let Some(skip) = memchr::memchr2(b'#', b'`', &bytes[i..]) {
        i += skip;
        match bytes[i] {
            b'`' => {
                let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
                i = closing_run(bytes, i + run, run).unwrap_or(i + run);
            }
            b'#' => {
                let after_space = line[..i]
                    .chars()
                    .next_back()
                    .is_none_or(char::is_whitespace);
                let len = line[i + 1..]
                    .char_indices()
                    .find(|&(_, c)| !is_tag_char(c))
                    .map_or(line.len() - i - 1, |(at, _)| at);
                let tag = &line[i + 1..i + 1 + len];
                if after_space && tag.chars().any(|c| !c.is_numeric()) {
                    found.push((i, tag));
                }
                i += 1 + len;
            }
            _ => i += 1,
        }
    }
    found
}

/// The offset just after the next run of exactly `run` backticks at or after `from`.
fn closing_run(bytes: &[u8], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let len = bytes[i..].iter().take_while(|&&b| b == b'`').count();
            if len == run {
                return Some(i + len);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// A fence line opening or closing a fenced code block: its character and length. A fence
/// inside a block quote or an Obsidian callout (`> ```css`) counts too.
pub(crate) fn fence(line: &str) -> Option<(u8, usize, &str)> {
    let trimmed = line.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
    let c = *trimmed.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let len = trimmed.bytes().take_while(|&b| b == c).count();
    let info = &trimmed[len..];
    // A backtick fence's info string holds no backtick (else it is a code span).
    (len >= 3 && !(c == b'`' && info.contains('`'))).then_some((c, len, info))
}

/// Tracks fenced code blocks line by line.
#[derive(Debug, Default)]
pub(crate) struct Fences {
    open: Option<(u8, usize)>,
}

impl Fences {
    /// Whether `line` is code (inside a fenced block, or one of its fence lines).
    pub(crate) fn is_code(&mut self, line: &str) -> bool {
        match (self.open, fence(line)) {
            (Some((c, len)), Some((fc, flen, info)))
                if fc == c && flen >= len && info.trim().is_empty() =>
            {
                self.open = None;
                true
            }
            (Some(_), _) => true,
            (None, Some((c, len, _))) => {
                self.open = Some((c, len));
                true
            }
            (None, None) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(line: &str) -> Vec<&str> {
        inline_tags(line).into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn inline_tags_follow_obsidians_rules() {
        assert_eq!(tags("#a and #b/c, #d-e_f."), ["a", "b/c", "d-e_f"]);
        assert_eq!(tags("\t#tab x#not (#not) \\#not"), ["tab"]);
        assert_eq!(tags("#2024 #y2024 #1st"), ["y2024", "1st"]);
        assert_eq!(tags("# Heading"), Vec::<&str>::new());
        assert_eq!(tags("## Sub #yes"), ["yes"]);
        assert_eq!(
            tags("see http://x.org/#anchor and x.org/page#part"),
            Vec::<&str>::new()
        );
        assert_eq!(tags("#ünïcode #日本"), ["ünïcode", "日本"]);
        assert_eq!(tags("#"), Vec::<&str>::new());
    }

    #[test]
    fn code_spans_hide_tags() {
        assert_eq!(tags("`#no` #yes"), ["yes"]);
        assert_eq!(tags("``a ` #no`` #yes"), ["yes"]);
        assert_eq!(tags("`unclosed #yes"), ["yes"]);
        assert_eq!(tags("``` #no ```"), Vec::<&str>::new());
    }

    #[test]
    fn fences_open_and_close() {
        let mut f = Fences::default();
        let code: Vec<bool> = [
            "a", "```rust", "#x", "~~~", "````", "b", "~~~~", "```", "~~~~~", "c",
        ]
        .iter()
        .map(|l| f.is_code(l))
        .collect();
        assert_eq!(
            code,
            [
                false, true, true, true, true, false, true, true, true, false
            ]
        );
        assert!(fence("``` a`b").is_none());
        assert_eq!(
            fence("> ```css").map(|f| f.1),
            Some(3),
            "a fence in a callout"
        );
        assert_eq!(fence(">> ~~~").map(|f| f.0), Some(b'~'));
        assert!(fence("``").is_none());
    }

    #[test]
    fn matching_is_case_insensitive_and_nested() {
        assert!(tag_matches("a/b", "a"));
        assert!(tag_matches("A/B", "#a/b"));
        assert!(!tag_matches("ab", "a"));
        assert!(!tag_matches("a", ""));
        assert!(!tag_matches("a", "#"));
    }

    #[test]
    fn tag_sets_dedupe_without_case() {
        let mut set = TagSet::default();
        for t in ["Rust", "#rust", " ", "#", "async", "RUST"] {
            set.push(t);
        }
        assert!(set.contains("ASYNC") && !set.contains("python"));
        assert_eq!(set.into_vec(), ["Rust", "async"]);
        let set = from_fields(&["a, b".into(), "c\nd".into(), "#a".into()]);
        assert_eq!(set.into_vec(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn a_tag_set_of_any_size_keeps_the_first_of_each_tag_without_case() {
        // The reference: a set of lower-cased forms, as the tag set keeps beyond `LINEAR`.
        let reference = |tags: &[String]| {
            let mut seen = std::collections::HashSet::new();
            tags.iter()
                .map(|t| clean(t))
                .filter(|t| !t.is_empty() && seen.insert(t.to_lowercase()))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        for n in [3, LINEAR, LINEAR + 1, 3 * LINEAR] {
            let mut tags = Vec::new();
            for i in 0..n {
                tags.push(format!("tag{i}"));
                tags.push(format!("#TAG{}", i / 2));
                tags.push(["Ünïcode", "üNÏCODE", "ΟΔΟΣ", "οδος", "οδοσ"][i % 5].to_owned());
            }
            let mut set = TagSet::default();
            for tag in &tags {
                set.push(tag);
            }
            assert!(set.contains("TAG0") && set.contains("#ünïcode") && !set.contains("nope"));
            assert_eq!(set.into_vec(), reference(&tags), "{n} tags");
        }
    }
}
