//! The [`Note`] model: parsing and rendering of the note format.
//!
//! # The format
//!
//! ```text
//! ---                      <- optional YAML front matter (Obsidian style)
//! title: Overrides heading
//! tags: [a, b]             <- or `tags: a, b`, or a block list of `- a` items
//! aliases: [kept]          <- any other key is kept verbatim
//! ---
//! # Title
//!
//! Body lines ...
//!
//! Tags: python, async
//! ```
//!
//! Rules, in the order [`Note::parse`] applies them:
//!
//! * A UTF-8 byte order mark at the start is dropped; `\r\n` and `\r` before a line break are
//!   read as `\n`.
//! * Front matter is recognised when the first line is `---` and a later line is `---` or `...`.
//!   Its `title:` and `tags:` keys are read (and removed from it); every other line is kept in
//!   [`FrontMatter`] and written back unchanged by [`Note::render`].
//! * The title is the first non-blank line with its leading `#` characters and spaces removed
//!   (the tutorials' rule). A front-matter `title:` wins; then the first line is consumed as
//!   the title line only when it says the same title, and otherwise stays in the body, so no
//!   text is lost. An empty title becomes `"Untitled"`.
//! * The `Tags:` line is the *last* non-blank line when it starts with `Tags:`; it is not part of
//!   the body. Tags are split on commas, trimmed, and empty or repeated ones dropped. Front-matter
//!   tags come first.
//! * The body is everything between the title line and the `Tags:` line, without leading or
//!   trailing blank lines. Lines inside it are kept as they are (a `Tags:` line in the middle of
//!   a body is body text).
//!
//! [`Note::render`] writes the canonical form above (front matter only when it has lines) and is
//! stable: `render(parse(render(n))) == render(n)` for every note `n`, so exporting an export
//! changes no byte.

use std::fmt;

/// The title given to a note whose title is empty.
pub const UNTITLED: &str = "Untitled";

/// A note: a title, a body, tags, and the front-matter properties that travel with it.
///
/// Fields are public so notes can be built and edited directly; [`Note::render`] writes any
/// value in canonical form (see [`Note::normalized`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Note {
    /// The title: a single line.
    pub title: String,
    /// The body, without the title line and without the `Tags:` line.
    pub body: String,
    /// The tags, in order of first appearance.
    pub tags: Vec<String>,
    /// Front-matter properties other than `title` and `tags`, kept verbatim.
    pub front_matter: FrontMatter,
}

/// Why a text could not be read as a note.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The text is empty or holds only white space.
    #[error("the note is empty (no text besides white space)")]
    Empty,
}

/// The front-matter lines of a note other than its `title:` and `tags:` keys.
///
/// A `FrontMatter` is always in canonical form: it never holds a `title:` or `tags:` key (nor
/// the lines that continue them), a `---`/`...` delimiter line, a carriage return or a NUL.
/// Lines are otherwise kept byte for byte, so a user's properties survive an export unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FrontMatter {
    lines: Vec<String>,
}

impl FrontMatter {
    /// Builds front matter from YAML text (without the `---` delimiters).
    ///
    /// `title:` and `tags:` entries are dropped (they belong in [`Note::title`] and
    /// [`Note::tags`]), as are delimiter lines that would end the block early.
    pub fn new(yaml: &str) -> Self {
        let yaml = yaml.replace('\0', "");
        let lines: Vec<&str> = split_lines(&yaml).collect();
        Self::from_lines(&lines).0
    }

    /// Splits front-matter lines into the kept properties and the title and tags read from them.
    fn from_lines(lines: &[&str]) -> (Self, Option<String>, Vec<String>) {
        let mut kept = Vec::new();
        let mut title = None;
        let mut tags = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            if is_delimiter(line) {
                i += 1;
                continue;
            }
            match key_value(line) {
                Some(("title", value)) => {
                    let value = unquote(value.trim());
                    if !value.is_empty() && title.is_none() {
                        title = Some(value.to_owned());
                    }
                    i += 1;
                    while i < lines.len() && is_continuation(lines[i]) {
                        i += 1;
                    }
                }
                Some(("tags", value)) => {
                    let value = value.trim();
                    let inline = value
                        .strip_prefix('[')
                        .and_then(|v| v.strip_suffix(']'))
                        .unwrap_or(value);
                    for tag in inline.split(',') {
                        push_tag(&mut tags, unquote(tag.trim()));
                    }
                    i += 1;
                    while i < lines.len() && is_continuation(lines[i]) {
                        if let Some(item) = lines[i].trim_start().strip_prefix('-') {
                            push_tag(&mut tags, unquote(item.trim()));
                        }
                        i += 1;
                    }
                }
                _ => {
                    kept.push(line.to_owned());
                    i += 1;
                }
            }
        }
        (Self { lines: kept }, title, tags)
    }

    /// True when there are no properties (nothing is rendered).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The properties as YAML lines, without delimiters.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(String::as_str)
    }

    /// The raw value of a top-level `key: value` entry, if present.
    ///
    /// ```
    /// let fm = smartnotes_core::FrontMatter::new("aliases: [x]\nstatus: draft");
    /// assert_eq!(fm.get("status"), Some("draft"));
    /// assert_eq!(fm.get("missing"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&str> {
        self.lines().find_map(|line| match key_value(line) {
            Some((k, v)) if k == key => Some(v.trim()),
            _ => None,
        })
    }
}

impl fmt::Display for FrontMatter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

impl Note {
    /// A note with a title, a body and tags, and no front matter.
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
        }
    }

    /// Parses a note (see the [module docs](self) for the rules).
    ///
    /// ```
    /// use smartnotes_core::Note;
    /// let note = Note::parse("# Async\r\n\r\nawait all the things\r\n\r\nTags: python, async\r\n")?;
    /// assert_eq!(note.title, "Async");
    /// assert_eq!(note.body, "await all the things");
    /// assert_eq!(note.tags, ["python", "async"]);
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    ///
    /// # Errors
    /// [`ParseError::Empty`] when the text holds nothing but white space.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // NUL never survives: removing it first keeps it from hiding a delimiter or a key.
        let without_nul;
        let text = if text.contains('\0') {
            without_nul = text.replace('\0', "");
            without_nul.as_str()
        } else {
            text
        };
        let lines: Vec<&str> = split_lines(text).collect();

        let (front_matter, fm_title, mut tags, rest) = match front_matter_end(&lines) {
            Some(end) => {
                let (fm, title, tags) = FrontMatter::from_lines(&lines[1..end]);
                (fm, title, tags, &lines[end + 1..])
            }
            None => (FrontMatter::default(), None, Vec::new(), &lines[..]),
        };

        let first = rest.iter().position(|l| !is_blank(l));
        if first.is_none() && rest.len() == lines.len() {
            return Err(ParseError::Empty);
        }
        let (title, after_title) = match (fm_title, first) {
            // A heading that repeats the front-matter title is the title line; any other first
            // line stays in the body, so no text is lost.
            (Some(title), Some(i)) if clean_title(rest[i]) == clean_title(&title) => (title, i + 1),
            (Some(title), Some(i)) => (title, i),
            (Some(title), None) => (title, rest.len()),
            (None, Some(i)) => (heading_text(rest[i]).to_owned(), i + 1),
            (None, None) => (String::new(), rest.len()),
        };
        let mut body = &rest[after_title..];

        if let Some(last) = body.iter().rposition(|l| !is_blank(l)) {
            if let Some(line_tags) = body[last].trim_start().strip_prefix("Tags:") {
                for tag in line_tags.split(',') {
                    push_tag(&mut tags, tag.trim());
                }
                body = &body[..last];
            }
        }

        let note = Note {
            title,
            body: body.join("\n"),
            tags,
            front_matter,
        };
        Ok(note.normalized())
    }

    /// The canonical form of this note: what [`Note::parse`] gives back after [`Note::render`].
    ///
    /// The title becomes one line without leading `#` or white space (`"Untitled"` when that
    /// leaves nothing); tags are split on commas and line breaks, trimmed, and empty or repeated
    /// ones dropped; the body loses leading and trailing blank lines and carriage returns before
    /// line breaks; NUL characters are removed everywhere.
    pub fn normalized(&self) -> Note {
        let mut tags = Vec::new();
        for tag in &self.tags {
            for piece in tag.split([',', '\n', '\r']) {
                push_tag(&mut tags, piece.trim());
            }
        }
        Note {
            title: clean_title(&self.title),
            body: clean_body(split_lines(&self.body.replace('\0', ""))),
            tags,
            front_matter: self.front_matter.clone(),
        }
    }

    /// Writes the note in canonical form.
    ///
    /// ```
    /// use smartnotes_core::Note;
    /// let note = Note::new("Async", "await all the things", ["python", "async"]);
    /// assert_eq!(note.render(), "# Async\n\nawait all the things\n\nTags: python, async\n");
    /// assert_eq!(Note::parse(&note.render()).unwrap(), note);
    /// ```
    pub fn render(&self) -> String {
        let n = self.normalized();
        let mut out = String::with_capacity(n.title.len() + n.body.len() + 64);
        if !n.front_matter.is_empty() {
            out.push_str("---\n");
            out.push_str(&n.front_matter.to_string());
            out.push_str("---\n");
        }
        out.push_str("# ");
        out.push_str(&n.title);
        out.push_str("\n\n");
        if !n.body.is_empty() {
            out.push_str(&n.body);
            out.push_str("\n\n");
        }
        out.push_str("Tags:");
        if !n.tags.is_empty() {
            out.push(' ');
            out.push_str(&n.tags.join(", "));
        }
        out.push('\n');
        out
    }

    /// True when the note carries `tag`, compared without case and without a leading `#`.
    ///
    /// ```
    /// let note = smartnotes_core::Note::new("t", "", ["Python"]);
    /// assert!(note.has_tag("python") && note.has_tag("#PYTHON") && !note.has_tag("py"));
    /// ```
    pub fn has_tag(&self, tag: &str) -> bool {
        let wanted = tag.trim().trim_start_matches('#');
        self.tags
            .iter()
            .any(|t| eq_ignore_case(t.trim_start_matches('#'), wanted))
    }
}

impl std::str::FromStr for Note {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Note::parse(s)
    }
}

fn eq_ignore_case(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// Lines split on `\n`, each without the carriage returns that end it.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(|l| l.trim_end_matches('\r'))
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn is_delimiter(line: &str) -> bool {
    matches!(line.trim_end(), "---" | "...")
}

/// The index of the closing delimiter when `lines` opens with front matter.
fn front_matter_end(lines: &[&str]) -> Option<usize> {
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return None;
    }
    lines
        .iter()
        .skip(1)
        .position(|l| is_delimiter(l))
        .map(|i| i + 1)
}

/// A top-level `key: value` line (no indentation, key of word characters).
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    is_key.then_some((key, value))
}

/// A line that continues the previous key's value (indented, a list item, or blank).
fn is_continuation(line: &str) -> bool {
    line.starts_with([' ', '\t']) || line.starts_with('-') || line.is_empty()
}

fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

fn push_tag(tags: &mut Vec<String>, tag: &str) {
    let tag = tag.replace('\0', "");
    let tag = tag.trim();
    if !tag.is_empty() && !tags.iter().any(|t| t == tag) {
        tags.push(tag.to_owned());
    }
}

fn heading_text(line: &str) -> &str {
    line.trim_start_matches(|c: char| c == '#' || c.is_whitespace())
        .trim_end()
}

fn clean_title(title: &str) -> String {
    let one_line: String = title
        .chars()
        .filter(|&c| c != '\0')
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let title = heading_text(&one_line);
    if title.is_empty() {
        UNTITLED.to_owned()
    } else {
        title.to_owned()
    }
}

fn clean_body<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let lines: Vec<&str> = lines.collect();
    let start = lines.iter().position(|l| !is_blank(l));
    let end = lines.iter().rposition(|l| !is_blank(l));
    match (start, end) {
        (Some(s), Some(e)) => lines[s..=e].join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tutorial_form_round_trips_byte_for_byte() {
        let text = "# Async IO\n\nNotes about aiofiles.\nSecond line.\n\nTags: python, async\n";
        let note = Note::parse(text).unwrap();
        assert_eq!(note.title, "Async IO");
        assert_eq!(note.body, "Notes about aiofiles.\nSecond line.");
        assert_eq!(note.tags, ["python", "async"]);
        assert_eq!(note.render(), text);
    }

    #[test]
    fn tags_line_is_not_body_and_mid_body_tags_line_is() {
        let note = Note::parse("# T\n\nTags: not-these\nbody\n\nTags: a,, b ,\n").unwrap();
        assert_eq!(note.body, "Tags: not-these\nbody");
        assert_eq!(note.tags, ["a", "b"]);
    }

    #[test]
    fn crlf_bom_and_trailing_spaces() {
        let note = Note::parse("\u{feff}#  Title  \r\n\r\nbody\r\n\r\nTags: x , y  \r\n").unwrap();
        assert_eq!(note.title, "Title");
        assert_eq!(note.body, "body");
        assert_eq!(note.tags, ["x", "y"]);
    }

    #[test]
    fn front_matter_title_tags_and_other_keys() {
        let text = "---\ntitle: \"From FM\"\naliases:\n  - one\ntags:\n  - rust\n  - 'async'\ncreated: 2024-01-01\n---\n# Heading\n\nBody\n\nTags: extra, rust\n";
        let note = Note::parse(text).unwrap();
        assert_eq!(note.title, "From FM");
        // The heading says something else than the front-matter title: it stays in the body.
        assert_eq!(note.body, "# Heading\n\nBody");
        assert_eq!(note.tags, ["rust", "async", "extra"]);
        assert_eq!(
            note.front_matter.lines().collect::<Vec<_>>(),
            ["aliases:", "  - one", "created: 2024-01-01"]
        );
        let rendered = note.render();
        assert_eq!(
            rendered,
            "---\naliases:\n  - one\ncreated: 2024-01-01\n---\n# From FM\n\n# Heading\n\nBody\n\nTags: rust, async, extra\n"
        );
        assert_eq!(Note::parse(&rendered).unwrap().render(), rendered);
    }

    #[test]
    fn front_matter_inline_tags_and_no_heading() {
        let note =
            Note::parse("---\ntitle: T\ntags: [a, \"b\"]\n---\nfirst line is body\n").unwrap();
        assert_eq!(note.title, "T");
        assert_eq!(note.body, "first line is body");
        assert_eq!(note.tags, ["a", "b"]);
        let note = Note::parse("---\ntags: a, b\n---\n# Heading\n").unwrap();
        assert_eq!(note.title, "Heading");
        assert_eq!(note.body, "");
        assert_eq!(note.tags, ["a", "b"]);
        let note = Note::parse("---\ntitle: Same\n---\n#  Same\n\nb\n").unwrap();
        assert_eq!((note.title.as_str(), note.body.as_str()), ("Same", "b"));
    }

    #[test]
    fn unclosed_front_matter_is_plain_text() {
        let note = Note::parse("---\ntitle: x\nbody").unwrap();
        assert_eq!(note.title, "---");
        assert_eq!(note.body, "title: x\nbody");
    }

    #[test]
    fn empty_and_whitespace_are_errors_untitled_otherwise() {
        assert_eq!(Note::parse(""), Err(ParseError::Empty));
        assert_eq!(Note::parse(" \n\t\r\n"), Err(ParseError::Empty));
        assert_eq!(Note::parse("\u{feff}"), Err(ParseError::Empty));
        assert_eq!(Note::parse("#\n\nbody").unwrap().title, UNTITLED);
        assert_eq!(Note::parse("---\nk: v\n---\n").unwrap().title, UNTITLED);
    }

    #[test]
    fn normalization_makes_any_note_stable() {
        let note = Note {
            title: "## a\nb\0".into(),
            body: "\n\n  \nx\r\n\ny \n\n".into(),
            tags: vec!["a, b".into(), " ".into(), "a".into(), "c\nd".into()],
            front_matter: FrontMatter::new("title: x\n---\nk: v\r\ntags:\n - z"),
        };
        let r = note.render();
        assert_eq!(r, "---\nk: v\n---\n# a b\n\nx\n\ny \n\nTags: a, b, c, d\n");
        assert_eq!(Note::parse(&r).unwrap().render(), r);
    }
}
