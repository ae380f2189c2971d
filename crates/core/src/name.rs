//! Safe, unique file names for exported notes.
//!
//! [`file_stem`] turns a title into a name that is safe on every common file system:
//! lowercase, words joined by `-`, Unicode letters and digits kept and everything else dropped.
//! The result is never empty, never `.` or `..`, never holds a path separator, a NUL or any
//! other punctuation, never starts with `-` or `.`, is never a reserved Windows device name
//! (`CON`, `NUL`, `COM1`...), and fits, with its `.md` extension and any `-N` suffix, in
//! [`MAX_FILE_NAME_BYTES`] bytes, cut on a character boundary.
//!
//! [`UniqueNames`] hands out names that are unique within one export: `title.md`, `title-2.md`,
//! `title-3.md`, ... so notes that share a title all survive.

use std::collections::{HashMap, HashSet};

/// The longest file name, extension and uniqueness suffix included, in bytes.
pub const MAX_FILE_NAME_BYTES: usize = 100;

/// The extension given to exported notes.
pub const EXTENSION: &str = "md";

/// The stem used when a title has no letter or digit at all.
pub const FALLBACK_STEM: &str = "untitled";

const RESERVED: [&str; 4] = ["con", "prn", "aux", "nul"];

/// The lowercase words of `title` joined by `-`: letters and digits kept, the rest dropped.
///
/// Apostrophes join (`don't` -> `dont`); any other character that is not a letter or a digit
/// separates words. The result may be empty; [`file_stem`] never is.
///
/// ```
/// assert_eq!(smartnotes_core::slug("Hello, Wörld! 42"), "hello-wörld-42");
/// assert_eq!(smartnotes_core::slug("../../evil"), "evil");
/// ```
pub fn slug(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut pending_dash = false;
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c);
        } else if !matches!(c, '\'' | '\u{2019}') {
            pending_dash = true;
        }
    }
    out
}

/// The file stem (name without extension) for a note titled `title`.
///
/// ```
/// use smartnotes_core::file_stem;
/// assert_eq!(file_stem("/etc/passwd"), "etc-passwd");
/// assert_eq!(file_stem(".."), "untitled");
/// assert_eq!(file_stem("CON"), "con-note");
/// assert!(file_stem(&"long ".repeat(100)).len() <= 100 - ".md".len());
/// ```
pub fn file_stem(title: &str) -> String {
    stem_within(&slug(title), MAX_FILE_NAME_BYTES - EXTENSION.len() - 1)
}

/// `slug` made non-empty, not reserved, and cut to at most `max` bytes.
fn stem_within(slug: &str, max: usize) -> String {
    let mut stem = if slug.is_empty() {
        FALLBACK_STEM.to_owned()
    } else {
        slug.to_owned()
    };
    if is_reserved(&stem) {
        stem.push_str("-note");
    }
    if stem.len() > max {
        let mut cut = max;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        stem.truncate(cut);
        while stem.ends_with('-') {
            stem.pop();
        }
    }
    stem
}

fn is_reserved(stem: &str) -> bool {
    if RESERVED.contains(&stem) {
        return true;
    }
    let bytes = stem.as_bytes();
    bytes.len() == 4
        && (stem.starts_with("com") || stem.starts_with("lpt"))
        && matches!(bytes[3], b'1'..=b'9')
}

/// Hands out file names that are unique within one export.
///
/// Names are compared as written (they are already lowercase). A name already taken, whether
/// handed out before or [reserved](UniqueNames::reserve), gets the next free `-N` suffix.
///
/// ```
/// let mut names = smartnotes_core::UniqueNames::new();
/// assert_eq!(names.assign("My Note"), "my-note.md");
/// assert_eq!(names.assign("my note"), "my-note-2.md");
/// assert_eq!(names.assign("My-Note-2"), "my-note-2-2.md");
/// ```
///
/// Where the taken names are kept is a [`NameSet`]: a `HashSet<String>` by default; an export of
/// a folder of a million notes keeps them in sorted runs on temporary files instead
/// ([`with_set`](UniqueNames::with_set)), with the same names handed out.
#[derive(Clone, Debug, Default)]
pub struct UniqueNames<S = HashSet<String>> {
    taken: S,
    /// Where the search for a free suffix of a stem starts: an optimisation only (every
    /// suffix below it is taken), so it is cleared when it grows past [`SUFFIX_HINTS`].
    next_suffix: HashMap<String, u64>,
}

/// The most stems whose next free suffix [`UniqueNames`] remembers (a search from `-2` gives
/// the same name, only later).
const SUFFIX_HINTS: usize = 4096;

/// A set of taken names, for [`UniqueNames`]: names are only ever added.
pub trait NameSet {
    /// Adds `name`; false if it was there already.
    fn insert(&mut self, name: String) -> bool;
    /// How many names it holds.
    fn len(&self) -> usize;
    /// True when it holds none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl NameSet for HashSet<String> {
    fn insert(&mut self, name: String) -> bool {
        HashSet::insert(self, name)
    }

    fn len(&self) -> usize {
        HashSet::len(self)
    }
}

impl UniqueNames {
    /// An empty set of names.
    ///
    /// # Examples
    /// ```
    /// let names = smartnotes_core::UniqueNames::new();
    /// assert!(names.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl<S: NameSet> UniqueNames<S> {
    /// Names kept in `taken` (which should be empty: what it holds counts as taken).
    ///
    /// # Examples
    /// ```
    /// use std::collections::HashSet;
    /// let mut names = smartnotes_core::UniqueNames::with_set(HashSet::from(["a.md".to_owned()]));
    /// assert_eq!(names.assign("A"), "a-2.md");
    /// ```
    pub fn with_set(taken: S) -> Self {
        Self {
            taken,
            next_suffix: HashMap::new(),
        }
    }

    /// The set of taken names.
    ///
    /// # Examples
    /// ```
    /// let mut names = smartnotes_core::UniqueNames::new();
    /// names.assign("A");
    /// assert!(names.into_set().contains("a.md"));
    /// ```
    pub fn into_set(self) -> S {
        self.taken
    }

    /// Marks `file_name` as taken, so it is never handed out. Returns false if it already was.
    ///
    /// # Examples
    /// ```
    /// let mut names = smartnotes_core::UniqueNames::new();
    /// assert!(names.reserve("todo.md")); // a file already in the export directory
    /// assert!(!names.reserve("todo.md"));
    /// assert_eq!(names.assign("TODO"), "todo-2.md");
    /// ```
    pub fn reserve(&mut self, file_name: impl Into<String>) -> bool {
        self.taken.insert(file_name.into())
    }

    /// How many names are taken.
    ///
    /// # Examples
    /// ```
    /// let mut names = smartnotes_core::UniqueNames::new();
    /// names.reserve("a.md");
    /// names.assign("A");
    /// assert_eq!(names.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.taken.len()
    }

    /// True when no name is taken.
    ///
    /// # Examples
    /// ```
    /// let mut names = smartnotes_core::UniqueNames::new();
    /// assert!(names.is_empty());
    /// names.assign("A");
    /// assert!(!names.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }

    /// A file name (with the `.md` extension) for `title`, unique among those handed out.
    ///
    /// # Examples
    /// ```
    /// let mut names = smartnotes_core::UniqueNames::new();
    /// assert_eq!(names.assign("Hello, World!"), "hello-world.md");
    /// assert_eq!(names.assign("hello world"), "hello-world-2.md");
    /// assert_eq!(names.assign("../../etc/passwd"), "etc-passwd.md");
    /// ```
    pub fn assign(&mut self, title: &str) -> String {
        self.unique(&file_stem(title), EXTENSION, MAX_FILE_NAME_BYTES)
    }

    /// `file_name` itself when it is a [safe file name](is_safe_file_name) not handed out yet;
    /// else the same stem with the next free `-N` suffix; and for a name that is not safe, the
    /// name [`assign`](Self::assign) gives its stem. For an export that keeps the source's own
    /// names (so `[[wikilinks]]` keep resolving).
    ///
    /// # Examples
    /// ```
    /// let mut names = smartnotes_core::UniqueNames::new();
    /// assert_eq!(names.assign_kept("Bases syntax.md"), "Bases syntax.md");
    /// assert_eq!(names.assign_kept("Bases syntax.md"), "Bases syntax-2.md");
    /// assert_eq!(names.assign_kept("CON.md"), "con-note.md");
    /// assert_eq!(names.assign_kept("../x.md"), "x.md");
    /// ```
    pub fn assign_kept(&mut self, file_name: &str) -> String {
        if !is_safe_file_name(file_name) {
            let stem = file_name
                .rsplit_once('.')
                .map_or(file_name, |(stem, _)| stem);
            return self.assign(stem);
        }
        let (stem, ext) = file_name.rsplit_once('.').unwrap_or((file_name, ""));
        self.unique(stem, ext, MAX_KEPT_NAME_BYTES)
    }

    /// `stem.ext`, or `stem-N.ext` with the first free `N` from 2, within `max` bytes.
    fn unique(&mut self, stem: &str, ext: &str, max: usize) -> String {
        let first = format!("{stem}.{ext}");
        if self.taken.insert(first.clone()) {
            return first;
        }
        let mut n = self.next_suffix.get(stem).copied().unwrap_or(2);
        loop {
            let suffix = format!("-{n}.{ext}");
            let base = stem_within(stem, max - suffix.len());
            let candidate = format!("{base}{suffix}");
            n += 1;
            if self.taken.insert(candidate.clone()) {
                if self.next_suffix.len() >= SUFFIX_HINTS && !self.next_suffix.contains_key(stem) {
                    self.next_suffix.clear();
                }
                self.next_suffix.insert(stem.to_owned(), n);
                return candidate;
            }
        }
    }
}

/// The longest file name [`UniqueNames::assign_kept`] keeps, in bytes: what Linux, macOS and
/// Windows file systems all allow.
pub const MAX_KEPT_NAME_BYTES: usize = 255;

/// Whether `name` is safe to keep as an exported note's file name on every common file system:
/// a `.md` name (any case) of at most [`MAX_KEPT_NAME_BYTES`] bytes, not `.` or `..`, without
/// a path separator, a NUL or another control character, whose stem is not a reserved device
/// name (`CON`, `NUL`, `COM1`, ...), and that does not end in a dot or a space.
///
/// # Examples
/// ```
/// use smartnotes_core::is_safe_file_name;
/// assert!(is_safe_file_name("Bases syntax.md") && is_safe_file_name("日本語.MD"));
/// assert!(!is_safe_file_name("../x.md") && !is_safe_file_name("nul.md") && !is_safe_file_name("a.txt"));
/// ```
#[must_use]
pub fn is_safe_file_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    !stem.is_empty()
        && ext.eq_ignore_ascii_case(EXTENSION)
        && name.len() <= MAX_KEPT_NAME_BYTES
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
        && !matches!(stem, "." | "..")
        && !stem.ends_with(['.', ' '])
        && !is_reserved(&stem.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_titles_give_plain_names() {
        for (title, stem) in [
            ("../../evil", "evil"),
            ("/etc/passwd", "etc-passwd"),
            ("a/b", "a-b"),
            ("..", "untitled"),
            (".", "untitled"),
            ("", "untitled"),
            ("C:\\x", "c-x"),
            ("nul", "nul-note"),
            ("LPT9", "lpt9-note"),
            ("com10", "com10"),
            ("🦀🦀", "untitled"),
            ("Don't panic", "dont-panic"),
            ("שלום עולם", "שלום-עולם"),
            ("a\0b", "a-b"),
        ] {
            assert_eq!(file_stem(title), stem, "title {title:?}");
        }
    }

    #[test]
    fn long_titles_are_cut_on_a_char_boundary() {
        let name = UniqueNames::new().assign(&"é".repeat(400));
        assert!(name.len() <= MAX_FILE_NAME_BYTES, "{}", name.len());
        assert!(name.ends_with(".md"));
        let mut names = UniqueNames::new();
        let title = "ab ".repeat(200);
        let all: Vec<String> = (0..20).map(|_| names.assign(&title)).collect();
        assert!(all.iter().all(|n| n.len() <= MAX_FILE_NAME_BYTES));
        assert_eq!(all.iter().collect::<HashSet<_>>().len(), 20);
    }

    #[test]
    fn reserved_names_are_skipped() {
        let mut names = UniqueNames::new();
        assert!(names.reserve("a.md"));
        assert_eq!(names.assign("A"), "a-2.md");
        assert_eq!(names.len(), 2);
    }
}
