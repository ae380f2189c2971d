//! Front matter: the YAML block between `---` lines at the top of a note.
//!
//! **YAML crate: `saphyr-parser`.** Front matter is read with [`saphyr-parser`], the event
//! parser of the saphyr project (the maintained successor of `yaml-rust`, YAML 1.2). It was
//! chosen over `saphyr` (the same parser plus a document tree, pulling `hashlink`,
//! `ordered-float` and `encoding_rs`) and `serde-saphyr` (serde on top, rust-version 1.89, above
//! this workspace's 1.87): it works on Rust 1.85+, has no default features and two small
//! dependencies (`arraydeque`, `thiserror`), reports errors with a line and column, and its
//! events carry source spans, which is what edits need to rewrite one value in place. The
//! block's text is kept as written and never re-serialised; the parser only reads `title`,
//! `tags` (or `tag`), `aliases` (or `alias`) and the scalar values of top-level keys.
//!
//! [`saphyr-parser`]: https://crates.io/crates/saphyr-parser

use std::fmt;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::tags::{self, TagSet};

/// The YAML front matter of a note: its text, kept byte for byte, and what was read from it.
///
/// A note has front matter when its first line is `---` and a later line is `---` or `...`;
/// the text between those lines is the block. It is read once, with a YAML parser, for `title`,
/// `tags` (or `tag`: a block list, a flow list, or a string split on commas and white space),
/// `aliases` (or `alias`: a list, or a string split on commas) and the scalar values of its
/// top-level keys ([`FrontMatter::get`]). Its text is what [`Note::render`](super::Note::render)
/// writes; other keys, their order and comments are never touched.
///
/// When the block is not valid YAML, or is not a mapping of `key: value` properties, it is kept
/// and written back unchanged but nothing is read from it: [`FrontMatter::is_valid`] is false
/// and [`FrontMatter::error`] says why and where.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FrontMatter {
    present: bool,
    text: String,
    error: Option<FrontMatterError>,
    title: Option<String>,
    tags: Vec<String>,
    aliases: Vec<String>,
    properties: Vec<(String, String)>,
}

/// Why a front-matter block could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[error("invalid front matter at line {line}, column {column}: {message}")]
pub struct FrontMatterError {
    message: String,
    line: usize,
    column: usize,
}

impl FrontMatterError {
    /// The parser's message.
    ///
    /// # Examples
    ///
    /// ```
    /// let fm = smartnotes_core::FrontMatter::new("tags: [a, b");
    /// assert!(!fm.error().unwrap().message().is_empty());
    /// ```
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The line of the note (1-based, the opening `---` being line 1) where reading failed.
    ///
    /// # Examples
    ///
    /// ```
    /// let fm = smartnotes_core::FrontMatter::new("ok: 1\nbad: [\n");
    /// assert_eq!(fm.error().unwrap().line(), 4);
    /// ```
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column (1-based, in characters) where reading failed.
    ///
    /// # Examples
    ///
    /// ```
    /// let fm = smartnotes_core::FrontMatter::new("a: b: c");
    /// assert_eq!(fm.error().unwrap().column(), 5);
    /// ```
    #[must_use]
    pub fn column(&self) -> usize {
        self.column
    }
}

impl FrontMatter {
    /// Front matter holding `yaml` (the text between the `---` lines), read at once.
    ///
    /// For notes built through the API. Lines that would close the block early (`---`, `...`)
    /// are dropped, and a final line break is added when missing; the text is otherwise kept.
    ///
    /// # Examples
    ///
    /// ```
    /// let fm = smartnotes_core::FrontMatter::new("title: T\ntags: [a, b]\nstatus: draft");
    /// assert_eq!(fm.text(), "title: T\ntags: [a, b]\nstatus: draft\n");
    /// assert_eq!((fm.title(), fm.tags()), (Some("T"), &["a".to_owned(), "b".to_owned()][..]));
    /// assert_eq!(fm.get("status"), Some("draft"));
    /// ```
    #[must_use]
    pub fn new(yaml: &str) -> Self {
        let mut text = String::with_capacity(yaml.len() + 1);
        for line in yaml.split_inclusive('\n') {
            let content = line
                .trim_end_matches(['\n', '\r'])
                .trim_end_matches([' ', '\t']);
            if content != "---" && content != "..." {
                text.push_str(line);
            }
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        Self::read(text)
    }

    /// Front matter read from the text of a block found in a note.
    pub(crate) fn read(text: String) -> Self {
        let yaml = Yaml::read(&text);
        let mut tags = TagSet::default();
        if let Some(prop) = &yaml.tags {
            prop.read_tags(&mut tags);
        }
        Self {
            present: true,
            error: yaml.error,
            title: yaml.title.map(|s| s.value.trim().to_owned()),
            tags: tags.into_vec(),
            aliases: yaml.aliases,
            properties: yaml.properties,
            text,
        }
    }

    /// True when the note has a front-matter block (even an empty one).
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::{FrontMatter, Note};
    /// assert!(!FrontMatter::default().is_present());
    /// assert!(Note::parse("---\n---\nbody")?.front_matter.is_present());
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn is_present(&self) -> bool {
        self.present
    }

    /// True when the block holds no text (or there is no block).
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(smartnotes_core::FrontMatter::new("").is_empty());
    /// assert!(!smartnotes_core::FrontMatter::new("a: 1").is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The block's text, without the `---` lines, exactly as written.
    ///
    /// # Examples
    ///
    /// ```
    /// let note = smartnotes_core::Note::parse("---\r\nk: v # note\r\n---\r\nbody")?;
    /// assert_eq!(note.front_matter.text(), "k: v # note\r\n");
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True unless the block is present and could not be read (see [`FrontMatter::error`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::FrontMatter;
    /// assert!(FrontMatter::new("tags: [a]").is_valid());
    /// assert!(!FrontMatter::new("tags: [a").is_valid());
    /// assert!(!FrontMatter::new("just a sentence").is_valid());
    /// ```
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.error.is_none()
    }

    /// Why the block could not be read: the parser's message, line and column.
    ///
    /// # Examples
    ///
    /// ```
    /// let note = smartnotes_core::Note::parse("---\ntags: [a\n---\n# T\n")?;
    /// let error = note.front_matter.error().expect("invalid YAML");
    /// assert_eq!(error.line(), 3);
    /// assert!(note.tags.is_empty());
    /// # Ok::<(), smartnotes_core::ParseError>(())
    /// ```
    #[must_use]
    pub fn error(&self) -> Option<&FrontMatterError> {
        self.error.as_ref()
    }

    /// The `title:` value, when it is a non-empty string.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(smartnotes_core::FrontMatter::new("title: 'A: B'").title(), Some("A: B"));
    /// ```
    #[must_use]
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The tags of the `tags:` (or `tag:`) property, without leading `#`.
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::FrontMatter;
    /// assert_eq!(FrontMatter::new("tags: \"a, b\" ").tags(), ["a", "b"]);
    /// assert_eq!(FrontMatter::new("tags: a #b").tags(), ["a"]); // ` #` starts a YAML comment
    /// assert_eq!(FrontMatter::new("tags:\n  - x/y\n  - '#z'").tags(), ["x/y", "z"]);
    /// ```
    #[must_use]
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// The aliases of the `aliases:` (or `alias:`) property.
    ///
    /// # Examples
    ///
    /// ```
    /// use smartnotes_core::FrontMatter;
    /// assert_eq!(FrontMatter::new("aliases: [AIO, async io]").aliases(), ["AIO", "async io"]);
    /// assert_eq!(FrontMatter::new("alias: one, two").aliases(), ["one", "two"]);
    /// ```
    #[must_use]
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// The value of a top-level property when it is a scalar (a string, a number, ...).
    ///
    /// # Examples
    ///
    /// ```
    /// let fm = smartnotes_core::FrontMatter::new("aliases: [x]\nstatus: draft\nn: 3");
    /// assert_eq!(fm.get("status"), Some("draft"));
    /// assert_eq!(fm.get("n"), Some("3"));
    /// assert_eq!(fm.get("aliases"), None);
    /// assert_eq!(fm.get("missing"), None);
    /// ```
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The block's text.
impl fmt::Display for FrontMatter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A scalar value with where it is written (byte ranges in the YAML text).
#[derive(Clone, Debug)]
pub(crate) struct Scalar {
    pub(crate) value: String,
    pub(crate) span: Range<usize>,
    pub(crate) style: ScalarStyle,
    /// The end of the key this scalar is the value of (or of the `-` item's line start).
    pub(crate) key_end: usize,
}

/// How the `tags:` property is written.
#[derive(Clone, Debug)]
pub(crate) enum Shape {
    /// `tags:` followed by `- item` lines.
    Block(Vec<Scalar>),
    /// `tags: [a, b]`: the span from `[` to after `]`.
    Flow {
        span: Range<usize>,
        items: Vec<Scalar>,
    },
    /// `tags: a, b` or `tags: "a b"`.
    Text(Scalar),
    /// `tags:` with no value (or `~`, `null`).
    Null(Scalar),
    /// Anything else (a mapping, an alias, nested lists): read as no tags, never edited.
    Other,
}

/// The `tags:` property.
#[derive(Clone, Debug)]
pub(crate) struct TagsProp {
    /// The key's span.
    pub(crate) key: Range<usize>,
    pub(crate) shape: Shape,
}

impl TagsProp {
    pub(crate) fn read_tags(&self, tags: &mut TagSet) {
        match &self.shape {
            Shape::Block(items) | Shape::Flow { items, .. } => {
                for item in items {
                    tags.push(&item.value);
                }
            }
            Shape::Text(s) => {
                for tag in split_string_tags(&s.value) {
                    tags.push(tag);
                }
            }
            Shape::Null(_) | Shape::Other => {}
        }
    }
}

/// A string of tags split as Obsidian does: on commas and white space.
pub(crate) fn split_string_tags(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(tags::clean)
        .filter(|t| !t.is_empty())
}

/// What the YAML parser read from a block, with the spans edits need.
#[derive(Clone, Debug, Default)]
pub(crate) struct Yaml {
    pub(crate) error: Option<FrontMatterError>,
    /// Valid, and a block mapping (or empty): a property can be appended.
    pub(crate) editable: bool,
    /// The column of the top-level keys.
    pub(crate) indent: usize,
    pub(crate) title: Option<Scalar>,
    pub(crate) tags: Option<TagsProp>,
    pub(crate) aliases: Vec<String>,
    pub(crate) properties: Vec<(String, String)>,
}

type Events<'a> = [(Event<'a>, Span)];

impl Yaml {
    /// Reads `yaml`; never panics, whatever the text.
    pub(crate) fn read(yaml: &str) -> Self {
        let mut events = Vec::new();
        let mut parser = Parser::new_from_str(yaml);
        while let Some(event) = parser.next_event() {
            match event {
                Ok(event) => events.push(event),
                Err(e) => {
                    return Self::invalid(e.info().to_owned(), e.marker().line(), e.marker().col());
                }
            }
        }
        let offsets: Vec<usize> = yaml
            .char_indices()
            .map(|(i, _)| i)
            .chain([yaml.len()])
            .collect();
        let mut reader = Reader {
            yaml,
            offsets: &offsets,
            out: Self::default(),
        };
        reader.document(&events);
        reader.out
    }

    fn invalid(message: String, yaml_line: usize, col: usize) -> Self {
        Self {
            error: Some(FrontMatterError {
                message,
                line: yaml_line + 1,
                column: col + 1,
            }),
            ..Self::default()
        }
    }
}

struct Reader<'y> {
    yaml: &'y str,
    offsets: &'y [usize],
    out: Yaml,
}

impl Reader<'_> {
    fn byte(&self, char_index: usize) -> usize {
        self.offsets
            .get(char_index)
            .copied()
            .unwrap_or(self.yaml.len())
    }

    fn range(&self, span: &Span) -> Range<usize> {
        self.byte(span.start.index())..self.byte(span.end.index())
    }

    fn document(&mut self, events: &Events<'_>) {
        // StreamStart, then DocumentStart or StreamEnd (a block of comments only).
        let root = match events.get(1) {
            Some((Event::DocumentStart(_), _)) => 2,
            _ => {
                self.out.editable = true;
                return;
            }
        };
        match events.get(root) {
            Some((Event::MappingStart(..), span)) => {
                let block = span.is_empty();
                self.out.editable = block;
                self.out.indent = span.start.col();
                self.mapping(events, root + 1);
            }
            Some((Event::Scalar(value, ScalarStyle::Plain, ..), _)) if is_null(value) => {}
            Some((_, span)) => {
                self.out = Yaml::invalid(
                    "the front matter is not a mapping of `key: value` properties".into(),
                    span.start.line(),
                    span.start.col(),
                );
            }
            None => self.out.editable = true,
        }
    }

    fn mapping(&mut self, events: &Events<'_>, mut i: usize) {
        while let Some((event, span)) = events.get(i) {
            let key = match event {
                Event::MappingEnd => return,
                Event::Scalar(key, ..) => key,
                _ => {
                    let value = skip(events, i);
                    i = skip(events, value);
                    continue;
                }
            };
            let key_range = self.range(span);
            let end = skip(events, i + 1);
            let value = &events[(i + 1).min(end)..end];
            self.property(key, key_range, value);
            i = end;
        }
    }

    fn scalar(&self, event: &(Event<'_>, Span), key_end: usize) -> Option<Scalar> {
        match event {
            (Event::Scalar(value, style, ..), span) => Some(Scalar {
                value: value.to_string(),
                span: self.range(span),
                style: *style,
                key_end,
            }),
            _ => None,
        }
    }

    /// The scalar items directly inside a sequence's events.
    fn items(&self, inner: &Events<'_>) -> Vec<Scalar> {
        let mut items = Vec::new();
        let mut i = 0;
        while i < inner.len() {
            if let Some(item) = self.scalar(&inner[i], 0) {
                items.push(item);
            }
            i = skip(inner, i);
        }
        items
    }

    fn property(&mut self, key: &str, key_range: Range<usize>, value: &Events<'_>) {
        let Some(first) = value.first() else {
            return;
        };
        let scalar = self.scalar(first, key_range.end);
        if let Some(s) = &scalar {
            if !self.out.properties.iter().any(|(k, _)| k == key) {
                self.out.properties.push((key.to_owned(), s.value.clone()));
            }
        }
        let is_null_scalar = scalar
            .as_ref()
            .is_some_and(|s| s.style == ScalarStyle::Plain && is_null(&s.value));
        match key {
            "title" if self.out.title.is_none() => {
                self.out.title = scalar.filter(|s| !is_null_scalar && !s.value.trim().is_empty());
            }
            "tags" | "tag" if self.out.tags.is_none() => {
                let shape = match (scalar, first) {
                    (Some(s), _) if is_null_scalar => Shape::Null(s),
                    (Some(s), _) => Shape::Text(s),
                    (None, (Event::SequenceStart(..), span)) => {
                        let items = self.items(&value[1..value.len() - 1]);
                        let start = self.range(span).start;
                        if !span.is_empty() && self.yaml[start..].starts_with('[') {
                            // `SequenceEnd` starts at `]` and runs on to the next token.
                            let end = value.last().map_or(start, |(_, span)| {
                                let range = self.range(span);
                                if self.yaml[range.start..].starts_with(']') {
                                    range.start + 1
                                } else {
                                    range.end
                                }
                            });
                            Shape::Flow {
                                span: start..end,
                                items,
                            }
                        } else {
                            Shape::Block(items)
                        }
                    }
                    _ => Shape::Other,
                };
                self.out.tags = Some(TagsProp {
                    key: key_range,
                    shape,
                });
            }
            "aliases" | "alias" if self.out.aliases.is_empty() => {
                let mut aliases: Vec<String> = Vec::new();
                let mut add = |alias: &str| {
                    let alias = alias.trim();
                    if !alias.is_empty() && !aliases.iter().any(|a| a == alias) {
                        aliases.push(alias.to_owned());
                    }
                };
                match (scalar, first) {
                    (Some(_), _) if is_null_scalar => {}
                    (Some(s), _) => s.value.split(',').for_each(&mut add),
                    (None, (Event::SequenceStart(..), _)) => {
                        for item in self.items(&value[1..value.len() - 1]) {
                            add(&item.value);
                        }
                    }
                    _ => {}
                }
                self.out.aliases = aliases;
            }
            _ => {}
        }
    }
}

/// The index after the node starting at `i`.
fn skip(events: &Events<'_>, i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while let Some((event, _)) = events.get(j) {
        j += 1;
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => depth += 1,
            Event::MappingEnd | Event::SequenceEnd => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 {
            break;
        }
    }
    j
}

fn is_null(value: &str) -> bool {
    matches!(value, "" | "~" | "null" | "Null" | "NULL")
}

/// `value` written as a YAML scalar: in `style` when it can say it, else double-quoted.
///
/// `flow` is for items of a flow list, where `,[]{}` end a plain scalar.
pub(crate) fn write_scalar(value: &str, style: ScalarStyle, flow: bool) -> String {
    match style {
        ScalarStyle::Plain if is_plain_safe(value, flow) => value.to_owned(),
        ScalarStyle::SingleQuoted if value.chars().all(is_printable) => {
            format!("'{}'", value.replace('\'', "''"))
        }
        _ => double_quoted(value),
    }
}

fn is_printable(c: char) -> bool {
    !c.is_control() && c != '\u{feff}' && c != '\u{fffe}' && c != '\u{ffff}'
}

fn is_plain_safe(value: &str, flow: bool) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    value == value.trim()
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !is_null(value)
        && value.chars().all(|c| is_printable(c) && c != '\t')
        && !(flow && value.contains([',', '[', ']', '{', '}']))
}

fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if !is_printable(c) => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(yaml: &str) -> Vec<String> {
        FrontMatter::new(yaml).tags().to_vec()
    }

    #[test]
    fn every_tags_shape_is_read() {
        assert_eq!(
            tags("tags:\n  - a\n  - 'b c'\n  - \"#d\""),
            ["a", "b c", "d"]
        );
        assert_eq!(tags("tags:\n- a\n- b"), ["a", "b"]);
        assert_eq!(tags("tags: [a, \"b\", 'c/d']"), ["a", "b", "c/d"]);
        assert_eq!(tags("tags: \"a, b\""), ["a", "b"]);
        assert_eq!(tags("tags: 'a b,c'"), ["a", "b", "c"]);
        assert_eq!(tags("tags: a, b"), ["a", "b"]);
        assert_eq!(tags("tags: single"), ["single"]);
        assert_eq!(tags("tag: [x]"), ["x"]);
        assert_eq!(tags("tags:"), Vec::<String>::new());
        assert_eq!(tags("tags: ~"), Vec::<String>::new());
        assert_eq!(tags("tags: {a: 1}"), Vec::<String>::new());
        assert_eq!(tags("tags: [a, [b], c]"), ["a", "c"]);
        assert_eq!(tags("tags: [a, A, a]"), ["a"]);
        assert_eq!(tags("tags: [a]\ntag: [b]"), ["a"]);
    }

    #[test]
    fn title_aliases_and_properties() {
        let fm = FrontMatter::new("title: \"Q: A\"\naliases:\n  - x\n  - y\nn: 1\nlist: [1]");
        assert_eq!(fm.title(), Some("Q: A"));
        assert_eq!(fm.aliases(), ["x", "y"]);
        assert_eq!(fm.get("n"), Some("1"));
        assert_eq!(fm.get("title"), Some("Q: A"));
        assert_eq!(fm.get("list"), None);
        assert_eq!(FrontMatter::new("title: ~").title(), None);
        assert_eq!(FrontMatter::new("title: '  '").title(), None);
        assert_eq!(FrontMatter::new("title: |\n  lit\n").title(), Some("lit"));
    }

    #[test]
    fn invalid_yaml_reads_nothing_and_says_where() {
        for (yaml, line) in [
            ("title: T\ntags: [a\n", 4),
            ("a: 1\n b: 2\n", 3),
            ("title: x\0\n", 2),
            ("just text", 2),
            ("- a\n- b\n", 2),
            ("title: T\ntitle\n", 4),
        ] {
            let fm = FrontMatter::new(yaml);
            let error = fm.error().unwrap_or_else(|| panic!("{yaml:?} is invalid"));
            assert_eq!(error.line(), line, "{yaml:?}: {error}");
            assert!(!fm.is_valid() && fm.title().is_none() && fm.tags().is_empty());
            assert!(error.to_string().contains(&format!("line {line}")));
        }
        assert!(FrontMatter::new("").is_valid());
        assert!(FrontMatter::new("# only a comment").is_valid());
        assert!(FrontMatter::new("~").is_valid());
        assert!(FrontMatter::new("{a: 1}").is_valid());
    }

    #[test]
    fn new_drops_delimiter_lines() {
        let fm = FrontMatter::new("a: 1\n---\nb: 2\r\n...");
        assert_eq!(fm.text(), "a: 1\nb: 2\r\n");
        assert!(fm.is_present() && !FrontMatter::default().is_present());
    }

    #[test]
    fn spans_point_at_values() {
        let yaml = "é: ü\ntitle: 'Ünï'\ntags: [a, \"b\"]\n";
        let read = Yaml::read(yaml);
        let title = read.title.unwrap();
        assert_eq!(&yaml[title.span.clone()], "'Ünï'");
        let Some(TagsProp {
            shape: Shape::Flow { span, items },
            ..
        }) = read.tags
        else {
            panic!("a flow list")
        };
        assert_eq!(&yaml[span], "[a, \"b\"]");
        assert_eq!(&yaml[items[1].span.clone()], "\"b\"");
        assert!(read.editable);
        assert!(!Yaml::read("{a: 1}").editable);
        assert_eq!(Yaml::read("  a: 1\n  b: 2\n").indent, 2);
    }

    #[test]
    fn scalars_are_written_so_they_read_back() {
        for value in [
            "plain",
            "a: b",
            "#x",
            "it's",
            "q\"uote",
            "back\\slash",
            "tab\tx",
            "nul\0",
            "- x",
            "null",
            "a, b",
            "ü",
            "",
        ] {
            for style in [
                ScalarStyle::Plain,
                ScalarStyle::SingleQuoted,
                ScalarStyle::DoubleQuoted,
                ScalarStyle::Literal,
            ] {
                for flow in [false, true] {
                    let written = write_scalar(value, style, flow);
                    let got = if flow {
                        let yaml = format!("tags: [{written}]");
                        match Yaml::read(&yaml).tags.map(|t| t.shape) {
                            Some(Shape::Flow { items, .. }) => items[0].value.clone(),
                            other => panic!("{yaml:?}: {other:?}"),
                        }
                    } else {
                        let read = Yaml::read(&format!("k: {written}"));
                        assert!(read.error.is_none(), "{written:?}");
                        read.properties[0].1.clone()
                    };
                    assert_eq!(got, value, "{written:?}");
                }
            }
        }
        assert_eq!(write_scalar("plain", ScalarStyle::Plain, false), "plain");
        assert_eq!(
            write_scalar("it's", ScalarStyle::SingleQuoted, false),
            "'it''s'"
        );
        assert_eq!(write_scalar("a, b", ScalarStyle::Plain, true), "\"a, b\"");
    }
}
