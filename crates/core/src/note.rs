//! The [`Note`] model: lossless parsing and rendering of Markdown notes.
//!
//! A note is read from its text and written back as that text: [`Note::render`] of a note
//! parsed and left unedited gives back the input **byte for byte** (byte order mark, line
//! endings, trailing white space, front matter with its comments: everything is kept as it is).
//! Edits made through the fields render in the note's own convention, and change nothing else.
//!
//! # What a note is made of
//!
//! ```text
//! ---                      <- optional YAML front matter (Obsidian's properties), kept as text
//! title: Used when there is no heading
//! tags: [a, b]             <- or a block list of `- a` items, or a string `a, b` / `a b`
//! aliases: [x]             <- read too; any other key is kept, never rewritten
//! ---
//! # Title                  <- a level-1 heading as the first non-blank line: the title
//!
//! Body lines, with #inline/tags ...
//!
//! Tags: python, async      <- the seed's trailing `Tags:` line (optional)
//! ```
//!
//! The seed format of the tutorials (`# Title`, blank line, body, blank line, `Tags: a, b`) is
//! one such note, and so is an Obsidian vault note with front matter and no heading.
//!
//! # Rules
//!
//! * **Empty.** A text holding nothing but white space (after an optional byte order mark) is
//!   [`ParseError::Empty`]. Any other text parses; parsing never fails otherwise, never panics.
//! * **Line endings** are kept as they are: a line ends at `\n` (its `\r\n` when the `\r` is
//!   there); a lone `\r` is text. New lines that an edit writes use the note's line ending, that
//!   of its first line (`\n` when it has none).
//! * **Front matter** is present when the first line (after a byte order mark) is `---` and a
//!   later line is `---` or `...`; without a closing line, the text is plain Markdown. The block
//!   is read with the `saphyr-parser` YAML crate (see [`FrontMatter`]); its text is kept and is
//!   what is written back. **Invalid YAML** (or YAML that is not a mapping of properties): the
//!   note is kept and exported unchanged, nothing is read from the block (no title, tags or
//!   aliases from it), and [`FrontMatter::is_valid`] / [`FrontMatter::error`] say why and on
//!   which line, so a caller can report it.
//! * **Title**, the first that applies ([`Note::title_source`] says which):
//!   1. the first non-blank line after the front matter, when it is a level-1 ATX heading with
//!      text (up to three spaces, `#`, a space or tab, then the title, trimmed);
//!   2. the front matter's `title:`, when it is a non-empty string;
//!   3. the file's stem, given to [`Note::parse_named`] (Obsidian's convention);
//!   4. [`UNTITLED`].
//!
//!   A title from the stem or [`UNTITLED`] is never written into the note unless it is edited.
//! * **Body**: the lines after the title heading (after the front matter when there is no
//!   heading), without the trailing `Tags:` line, from the first non-blank line to the end of
//!   the last non-blank one (its line break excluded). It is a slice of the text: its line
//!   endings and white space are the source's.
//! * **`Tags:` line**: the last non-blank line after the heading, outside fenced code, when it
//!   starts with `Tags:` (after white space); its entries are split on commas.
//! * **Tags** (Obsidian's rules), in order of first appearance, repeats dropped without regard to
//!   case, without the leading `#`: the front matter's `tags:` (or `tag:`) as a block list, a
//!   flow list, or a string split on commas and white space; then inline `#tags` of the body
//!   (`#` at the start of a line or after white space, then letters, digits, `_`, `-` and `/`
//!   for nesting, with at least one character that is not a digit; never inside fenced code
//!   blocks (```` ``` ```` or `~~~`), inline code spans, URLs (`http://x/#anchor`: the `#` does
//!   not follow white space) or `# Heading` markers); then the `Tags:` line.
//! * **Matching** ([`Note::has_tag`], [`tag_matches`], the stream filters): without case,
//!   ignoring a leading `#`, and a filter on `a` also matches the nested `a/b` (not `ab`).
//!
//! # Edits
//!
//! [`Note::render`] compares the fields with what was parsed. Nothing changed: the source,
//! verbatim. Otherwise only the changed parts are spliced into the source, in this order
//! (fields win over what an earlier step wrote):
//!
//! * **`front_matter`** replaced: the block's text is replaced (a block is added at the top, or
//!   removed when the new value [is not present](FrontMatter::is_present)).
//! * **`title`** (made one line; [`UNTITLED`] when blank): rewrites the heading's text when the
//!   title came from a heading; rewrites the `title:` value (in its quoting style) when it came
//!   from the front matter; when it came from the file stem or was [`UNTITLED`], adds a
//!   `title:` property at the end of valid front matter, else a `# Title` heading (and a blank
//!   line) as the first line after the front matter.
//! * **`body`**: replaces the body's text (a `\n` not after `\r` is written `\r\n` in a note
//!   whose line ending is `\r\n`); an emptied body takes its blank lines with it.
//! * **`tags`**, compared as sets without case (reordering or re-casing a tag is no edit). A tag
//!   removed from the field goes from wherever it is written: its front-matter item, its
//!   `Tags:` line entry (the line and the blank lines before it go when it empties), and its
//!   inline `#` (the word stays, without `#`). A tag of the field that the note does not carry
//!   once the steps above are done (added, or dropped with an edited body) is written: into
//!   the front matter's `tags:` property if the note has one, in its style (a `- item` line
//!   like the last one, a flow-list item, or a word of the string; a string cannot hold a tag
//!   with white space, so such a tag turns it into a flow list); else into the `Tags:` line if
//!   it has one; else into a new `tags:` block list if it has valid front matter; else into a
//!   new trailing `Tags:` line after a blank line. Tags an edited body brings are kept.
//!   A tag is written plain when YAML allows it, else double-quoted.
//!
//! A note built with [`Note::new`] (no source) renders in the seed format: its front matter if
//! present, `# Title`, a blank line and the body if not empty, then a blank line and
//! `Tags: a, b` with the tags the body and front matter do not already carry (no `Tags:` line
//! when there are none).
//!
//! Rendering is stable: `parse(x).render() == x` for every text `x` that parses, hence
//! `render(parse(render(n))) == render(n)` for every note `n` (a note built with [`Note::new`]
//! always renders a heading; only a parsed note edited down to nothing, no heading, body or
//! tags, renders blank, which does not parse): exporting an export changes no byte.

mod anatomy;
mod edit;
mod front_matter;
mod tags;

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Range;

pub use front_matter::{FrontMatter, FrontMatterError};
pub use tags::tag_matches;

use anatomy::Anatomy;
use tags::TagSet;

/// The title of a note that has none (no heading, no front-matter `title:`, no file stem).
pub const UNTITLED: &str = "Untitled";

/// A note: a title, a body, tags and front matter, with the text it was parsed from.
///
/// Fields are public so notes can be built and edited directly; [`Note::render`] writes the
/// source back with the edits spliced in, in the note's own convention (see the
/// [module docs](self)).
///
/// Two notes are equal when their fields are: equality and hashing ignore the source text
/// (so a parsed seed note equals the [`Note::new`] with its title, body and tags), while
/// [`Note::render`] gives each its own layout back.
#[derive(Clone, Default)]
pub struct Note {
    /// The title: a single line (see the module docs for where it comes from).
    pub title: String,
    /// The body: the text after the title heading, without the `Tags:` line and blank edges.
    pub body: String,
    /// All tags (front matter, inline `#tags`, `Tags:` line) in order of first appearance,
    /// without repeats (compared without case) and without a leading `#`.
    pub tags: Vec<String>,
    /// The front-matter block, kept as text, with what was read from it.
    pub front_matter: FrontMatter,
    origin: Option<Origin>,
}

/// What a note was parsed from, to render it back and tell edits apart.
#[derive(Clone)]
struct Origin {
    source: String,
    title: Kept,
    title_source: TitleSource,
    body: Range<usize>,
    tags: Vec<Kept>,
    front_matter: Option<Range<usize>>,
}

/// A text the note was parsed with: where it is in the source, or (read from the front matter,
/// or not in the text) its own copy. Most of a note's are in its source: kept as ranges, they
/// cost the parse no allocation each.
#[derive(Clone)]
enum Kept {
    In(Range<usize>),
    Own(String),
}

impl Origin {
    fn text<'a>(&'a self, kept: &'a Kept) -> &'a str {
        match kept {
            Kept::In(range) => &self.source[range.clone()],
            Kept::Own(text) => text,
        }
    }

    /// The title as parsed.
    fn title(&self) -> &str {
        self.text(&self.title)
    }

    /// The tags as parsed.
    fn tags(&self) -> impl Iterator<Item = &str> + Clone {
        self.tags.iter().map(|kept| self.text(kept))
    }
}

/// Where a note's title comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TitleSource {
    /// A level-1 `# ` heading, the first non-blank line after the front matter.
    Heading,
    /// The front matter's `title:` property.
    FrontMatter,
    /// The file stem given to [`Note::parse_named`].
    FileStem,
    /// None of these: the title is [`UNTITLED`].
    Untitled,
}

/// Why a text could not be read as a note.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The text is empty or holds only white space.
    #[error("the note is empty (no text besides white space)")]
    Empty,
}

impl Note {
    /// A note with a title, a body and tags, no front matter and no source: it renders in the
    /// seed format.
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::Note;
    /// let note = Note::new("Async", "await all the things", ["python", "async"]);
    /// assert_eq!(note.render(), "# Async\n\nawait all the things\n\nTags: python, async\n");
    /// assert_eq!(Note::new("T", "", Vec::<String>::new()).render(), "# T\n");
    /// ```
    #[must_use]
    pub fn new(
        title: impl Into<String>,
        body: impl Into<String>,
        tags: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            title: title.into(),
            body: body.into(),
            tags: tags.into_iter().map(Into::into).collect(),
            front_matter: FrontMatter::default(),
            origin: None,
        }
    }

    /// Parses a note that has no file name (a title that is not in the text is [`UNTITLED`]).
    ///
    /// The same as [`Note::parse_named`] with no stem; see the [module docs](self) for the rules.
    ///
    /// # Errors
    ///
    /// [`ParseError::Empty`] when the text holds nothing but white space.
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::Note;
    /// let text = "# Async\r\n\r\nawait all the things\r\n\r\nTags: python, async\r\n";
    /// let note = Note::parse(text)?;
    /// assert_eq!(note.title, "Async");
    /// assert_eq!(note.body, "await all the things");
    /// assert_eq!(note.tags, ["python", "async"]);
    /// assert_eq!(note.render(), text);
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Self::parse_named(text, "")
    }

    /// Parses a note read from a file whose name without extension is `file_stem`.
    ///
    /// The stem is the title when the note has neither a title heading nor a front-matter
    /// `title:` (Obsidian's convention); it is not written into the note. An empty stem is
    /// no stem.
    ///
    /// # Errors
    ///
    /// [`ParseError::Empty`] when the text holds nothing but white space.
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::{Note, note::TitleSource};
    /// let text = "---\ntags: [vault]\n---\nNo heading here, #inline tag.\n";
    /// let note = Note::parse_named(text, "Meeting notes")?;
    /// assert_eq!(note.title, "Meeting notes");
    /// assert_eq!(note.title_source(), TitleSource::FileStem);
    /// assert_eq!(note.tags, ["vault", "inline"]);
    /// assert_eq!(note.render(), text);
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    pub fn parse_named(text: &str, file_stem: &str) -> Result<Self, ParseError> {
        Self::parse_owned(text.to_owned(), file_stem)
    }

    /// [`Note::parse_named`] taking the text by value: the note keeps it as its source (to
    /// render it back) without a copy, the way a reader that has just read a file wants.
    ///
    /// # Errors
    /// [`ParseError::Empty`] when the text holds nothing but white space.
    ///
    /// # Examples
    /// ```
    /// use smartnotes_core::Note;
    /// let text = String::from("A line without a heading.\n");
    /// let note = Note::parse_owned(text, "Thoughts")?;
    /// assert_eq!((note.title.as_str(), note.render().as_str()), ("Thoughts", "A line without a heading.\n"));
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    pub fn parse_owned(source: String, file_stem: &str) -> Result<Self, ParseError> {
        let text = source.as_str();
        let without_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
        if without_bom.trim().is_empty() {
            return Err(ParseError::Empty);
        }
        let lay = Anatomy::of(text);
        let front_matter = lay
            .block
            .as_ref()
            .map(|b| FrontMatter::read(text[b.yaml.clone()].to_owned()))
            .unwrap_or_default();
        let stem = file_stem.trim();
        let (title, title_source) = match (&lay.heading, front_matter.title()) {
            (Some(h), _) => (Kept::In(h.text.clone()), TitleSource::Heading),
            (None, Some(title)) => (Kept::Own(title.to_owned()), TitleSource::FrontMatter),
            (None, None) if !stem.is_empty() => (Kept::Own(stem.to_owned()), TitleSource::FileStem),
            (None, None) => (Kept::Own(UNTITLED.to_owned()), TitleSource::Untitled),
        };
        let mut tags = TagSet::default();
        let from_text = lay.inline.len() + lay.tags_line.as_ref().map_or(0, |t| t.entries.len());
        let mut kept = Vec::with_capacity(from_text);
        for tag in front_matter.tags() {
            if tags.push(tag) {
                kept.push(Kept::Own(tags.last().unwrap_or_default().to_owned()));
            }
        }
        // Inline tags and the `Tags:` line's entries are in the text: each is kept as the range
        // of what the tag set took (cleaned once more there: `# #` is a `Tags:` entry and `#`
        // a tag, as the note's `tags` say).
        let in_text = (lay.inline.iter().map(|(_, tag)| tag))
            .chain(lay.tags_line.iter().flat_map(|t| &t.entries));
        for range in in_text {
            let tag = &text[range.clone()];
            if tags.push(tag) {
                kept.push(Kept::In(anatomy::span(text, tags::clean(tag))));
            }
        }
        let note_title = match &title {
            Kept::In(range) => text[range.clone()].to_owned(),
            Kept::Own(own) => own.clone(),
        };
        let body = text[lay.body.clone()].to_owned();
        Ok(Self {
            title: note_title,
            body,
            tags: tags.into_vec(),
            front_matter,
            origin: Some(Origin {
                source,
                title,
                title_source,
                body: lay.body,
                tags: kept,
                front_matter: lay.block.map(|b| b.yaml),
            }),
        })
    }

    /// Writes the note: its source with the edits spliced in, or the seed format for a note
    /// built with [`Note::new`] (see the [module docs](self)).
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::Note;
    /// let text = "---\ntags:\n  - rust # the language\nstatus: draft\n---\nBody.\n";
    /// let mut note = Note::parse_named(text, "stem")?;
    /// assert_eq!(note.render(), text); // unedited: byte for byte
    /// note.tags.push("async".into());
    /// note.title = "Async Rust".into();
    /// assert_eq!(
    ///     note.render(),
    ///     "---\ntags:\n  - rust # the language\n  - async\nstatus: draft\ntitle: Async Rust\n---\nBody.\n"
    /// );
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn render(&self) -> String {
        edit::render(self).into_owned()
    }

    /// What [`render`](Self::render) writes, borrowed from the note's source when the note was
    /// parsed and not edited (nothing copied: what an export of unedited notes writes and
    /// compares), owned otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::borrow::Cow;
    /// use smartnotes_core::Note;
    /// let mut note = Note::parse("# Title\n\nBody.\n")?;
    /// assert!(matches!(note.rendered(), Cow::Borrowed("# Title\n\nBody.\n")));
    /// note.title = "New".into();
    /// assert_eq!(note.rendered(), "# New\n\nBody.\n");
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn rendered(&self) -> std::borrow::Cow<'_, str> {
        edit::render(self)
    }

    /// True when the note carries `tag`, or a tag nested under it (see [`tag_matches`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let note = smartnotes_core::Note::new("t", "", ["Python", "lang/rust"]);
    /// assert!(note.has_tag("python") && note.has_tag("#PYTHON") && !note.has_tag("py"));
    /// assert!(note.has_tag("lang") && note.has_tag("lang/Rust") && !note.has_tag("rust"));
    /// ```
    #[must_use]
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| tag_matches(t, tag))
    }

    /// Where the title was read from ([`TitleSource::Heading`] for a note built with
    /// [`Note::new`], which renders one).
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::{Note, note::TitleSource};
    /// assert_eq!(Note::parse("---\ntitle: T\n---\nx")?.title_source(), TitleSource::FrontMatter);
    /// assert_eq!(Note::parse("just text")?.title_source(), TitleSource::Untitled);
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn title_source(&self) -> TitleSource {
        self.origin
            .as_ref()
            .map_or(TitleSource::Heading, |o| o.title_source)
    }

    /// The aliases of the front matter (`aliases:` or `alias:`).
    ///
    /// # Examples
    ///
    /// ```
    /// let note = smartnotes_core::Note::parse("---\naliases: [AIO]\n---\n# Async IO\n")?;
    /// assert_eq!(note.aliases(), ["AIO"]);
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn aliases(&self) -> &[String] {
        self.front_matter.aliases()
    }

    /// The text the note was parsed from (`None` for a note built with [`Note::new`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::Note;
    /// assert_eq!(Note::parse("x")?.source(), Some("x"));
    /// assert_eq!(Note::new("t", "b", ["a"]).source(), None);
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn source(&self) -> Option<&str> {
        self.origin.as_ref().map(|o| o.source.as_str())
    }
}

impl PartialEq for Note {
    fn eq(&self, other: &Self) -> bool {
        self.title == other.title
            && self.body == other.body
            && self.tags == other.tags
            && self.front_matter == other.front_matter
    }
}

impl Eq for Note {}

impl Hash for Note {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.title.hash(state);
        self.body.hash(state);
        self.tags.hash(state);
        self.front_matter.hash(state);
    }
}

impl fmt::Debug for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Note")
            .field("title", &self.title)
            .field("body", &self.body)
            .field("tags", &self.tags)
            .field("front_matter", &self.front_matter)
            .field("title_source", &self.title_source())
            .field("source_len", &self.origin.as_ref().map(|o| o.source.len()))
            .finish()
    }
}

impl std::str::FromStr for Note {
    type Err = ParseError;

    /// [`Note::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Note::parse(s)
    }
}

#[cfg(test)]
mod tests;
