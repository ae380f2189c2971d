//! Property tests: lossless parse/render, notes in each convention, edits, and the file-name
//! rules.

use std::collections::HashSet;

use proptest::prelude::*;
use smartnotes_core::note::TitleSource;
use smartnotes_core::{FrontMatter, MAX_FILE_NAME_BYTES, Note, ParseError, UniqueNames, file_stem};

/// Text that mixes the characters the note format cares about with arbitrary Unicode.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just("#".to_owned()),
        Just("# ".to_owned()),
        Just(" #t".to_owned()),
        Just("`".to_owned()),
        Just("```".to_owned()),
        Just("~~~".to_owned()),
        Just("---".to_owned()),
        Just("...".to_owned()),
        Just("Tags:".to_owned()),
        Just("title:".to_owned()),
        Just("tags:".to_owned()),
        Just("aliases:".to_owned()),
        Just("  - ".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\0".to_owned()),
        "[a-zA-Z0-9]{1,6}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..32).prop_map(|v| v.concat())
}

/// Text that opens with front matter more often than `tricky_text` alone would.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        tricky_text(),
        (tricky_text(), tricky_text()).prop_map(|(yaml, rest)| format!("---\n{yaml}\n---\n{rest}")),
    ]
}

fn eol() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n")]
}

/// A title; never a word YAML reads as null.
fn title() -> impl Strategy<Value = String> {
    "[A-Z][a-z]{0,8}( [a-z0-9]{1,8}){0,3}".prop_filter("null", |t| t != "Null")
}

/// Distinct tags (compared without case), some nested.
fn tag_list() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-z][a-z0-9_-]{0,6}(/[a-z]{1,5})?", 0..5).prop_map(|tags| {
        let mut seen = HashSet::new();
        tags.into_iter()
            .filter(|t| t != "null" && seen.insert(t.to_lowercase()))
            .collect()
    })
}

/// Body lines: prose without `#`, `:` or `-`, so they hold no tag, heading, `Tags:` line or
/// delimiter; blank lines and trailing spaces included.
fn body_lines() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[A-Za-z ,.]{0,30}", 0..6)
}

/// The body a note reads from its lines: without blank lines at either end.
fn expected_body(lines: &[String], eol: &str) -> String {
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    match (first, last) {
        (Some(a), Some(b)) => lines[a..=b].join(eol),
        _ => String::new(),
    }
}

/// A generated note's text, with the title and tags it must read as.
#[derive(Debug, Clone)]
struct Generated {
    text: String,
    title: String,
    source: TitleSource,
    body: String,
    tags: Vec<String>,
}

/// A note in the seed format: `# Title`, body, `Tags:` line.
fn seed_note() -> impl Strategy<Value = Generated> {
    (
        any::<bool>(),
        eol(),
        title(),
        body_lines(),
        tag_list(),
        any::<bool>(),
    )
        .prop_map(|(bom, eol, title, body, tags, trailing_eol)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&format!("# {title}{eol}"));
            if !body.is_empty() {
                text.push_str(&format!("{eol}{}{eol}", body.join(eol)));
            }
            if !tags.is_empty() {
                text.push_str(&format!("{eol}Tags: {}", tags.join(", ")));
                if trailing_eol {
                    text.push_str(eol);
                }
            }
            Generated {
                body: expected_body(&body, eol),
                text,
                title,
                source: TitleSource::Heading,
                tags,
            }
        })
}

/// The ways a vault writes `tags:` in front matter.
fn tags_property(tags: &[String], style: u8, eol: &str) -> String {
    match style {
        _ if tags.is_empty() => format!("tags:{eol}"),
        0 => {
            let items: String = tags.iter().map(|t| format!("  - {t}{eol}")).collect();
            format!("tags:{eol}{items}")
        }
        1 => format!(
            "tags:{eol}{}",
            tags.iter()
                .map(|t| format!("- \"{t}\"{eol}"))
                .collect::<String>()
        ),
        2 => format!("tags: [{}]{eol}", tags.join(", ")),
        3 => format!("tags: \"{}\"{eol}", tags.join(", ")),
        4 => format!("tags: {}{eol}", tags.join(" ")),
        _ => format!("tags: '{}' # a comment{eol}", tags.join(",")),
    }
}

/// A vault note: front matter (title or not, tags in any style, other keys, comments), an
/// optional heading, a body with inline tags.
fn vault_note() -> impl Strategy<Value = Generated> {
    (
        (
            any::<bool>(),
            eol(),
            prop::option::of(title()),
            any::<bool>(),
            title(),
        ),
        (tag_list(), 0u8..6, body_lines(), tag_list()),
    )
        .prop_map(
            |((bom, eol, fm_title, heading, head), (fm_tags, style, body, inline))| {
                let mut text = String::new();
                if bom {
                    text.push('\u{feff}');
                }
                text.push_str(&format!("---{eol}"));
                text.push_str(&format!("created: 2024-01-01 # kept{eol}"));
                if let Some(t) = &fm_title {
                    text.push_str(&format!("title: {t}{eol}"));
                }
                text.push_str(&tags_property(&fm_tags, style, eol));
                text.push_str(&format!(
                    "aliases: [one, two]{eol}# comment{eol}cssclass: wide{eol}---{eol}"
                ));
                if heading {
                    text.push_str(&format!("# {head}{eol}{eol}"));
                }
                let mut lines = body;
                let with_tags = inline
                    .iter()
                    .map(|t| format!("#{t}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                lines.push(format!("text {with_tags}"));
                text.push_str(&lines.join(eol));
                text.push_str(eol);
                let (title, source) = match (heading, fm_title) {
                    (true, _) => (head, TitleSource::Heading),
                    (false, Some(t)) => (t, TitleSource::FrontMatter),
                    (false, None) => ("file stem".to_owned(), TitleSource::FileStem),
                };
                let mut tags = fm_tags;
                for t in inline {
                    if !tags.iter().any(|have| have.eq_ignore_ascii_case(&t)) {
                        tags.push(t);
                    }
                }
                Generated {
                    body: expected_body(&lines, eol),
                    text,
                    title,
                    source,
                    tags,
                }
            },
        )
}

/// A note without front matter or heading: prose, inline tags, maybe a `Tags:` line.
fn headingless_note() -> impl Strategy<Value = Generated> {
    (eol(), body_lines(), tag_list(), tag_list()).prop_map(|(eol, body, inline, line)| {
        let mut lines = body;
        lines.insert(0, "First line".to_owned());
        lines.extend(inline.iter().map(|t| format!("#{t} is inline")));
        let mut text = lines.join(eol);
        if !line.is_empty() {
            text.push_str(&format!("{eol}{eol}Tags: {}{eol}", line.join(", ")));
        }
        let mut tags = inline;
        for t in line {
            if !tags.iter().any(|have| have.eq_ignore_ascii_case(&t)) {
                tags.push(t);
            }
        }
        Generated {
            body: expected_body(&lines, eol),
            text,
            title: "file stem".to_owned(),
            source: TitleSource::FileStem,
            tags,
        }
    })
}

fn any_convention() -> impl Strategy<Value = Generated> {
    prop_oneof![seed_note(), vault_note(), headingless_note()]
}

/// A note built through the API, from any fields.
fn api_note() -> impl Strategy<Value = Note> {
    (
        tricky_text(),
        tricky_text(),
        prop::collection::vec(tricky_text(), 0..5),
        prop::option::of(tricky_text()),
    )
        .prop_map(|(title, body, tags, fm)| {
            let mut note = Note::new(title, body, tags);
            if let Some(fm) = fm {
                note.front_matter = FrontMatter::new(&fm);
            }
            note
        })
}

/// Edits: a new title, a new body, tags added, tags removed (by index).
#[derive(Debug, Clone)]
struct Edits {
    title: Option<String>,
    body: Option<Vec<String>>,
    add: Vec<String>,
    remove: Vec<prop::sample::Index>,
}

fn edits() -> impl Strategy<Value = Edits> {
    (
        prop::option::of(prop_oneof![title(), Just("Needs: quotes".to_owned())]),
        prop::option::of(body_lines()),
        prop_oneof![tag_list(), Just(vec!["x y".to_owned(), "q:z".to_owned()])],
        prop::collection::vec(any::<prop::sample::Index>(), 0..3),
    )
        .prop_map(|(title, body, add, remove)| Edits {
            title,
            body,
            add,
            remove,
        })
}

fn lower_set(tags: &[String]) -> HashSet<String> {
    tags.iter().map(|t| t.to_lowercase()).collect()
}

proptest! {
    /// Any text either fails as empty or parses, and renders back byte for byte.
    #[test]
    fn any_text_parses_and_renders_back_exactly(text in any_text(), stem in "[a-z ]{0,8}") {
        match Note::parse_named(&text, &stem) {
            Ok(note) => {
                prop_assert_eq!(note.render(), text.clone());
                prop_assert!(!note.title.is_empty());
                prop_assert!(note.tags.iter().all(|t| !t.is_empty() && !t.starts_with('#')));
                prop_assert_eq!(lower_set(&note.tags).len(), note.tags.len());
            }
            Err(ParseError::Empty) => {
                let rest = text.strip_prefix('\u{feff}').unwrap_or(&text);
                prop_assert!(rest.trim().is_empty(), "{:?}", text);
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    /// Notes in each convention parse into what they say and render back exactly.
    #[test]
    fn conventions_round_trip_exactly(g in any_convention()) {
        let note = Note::parse_named(&g.text, "file stem").expect("a generated note parses");
        prop_assert_eq!(note.render(), g.text.clone());
        prop_assert_eq!(&note.title, &g.title);
        prop_assert_eq!(note.title_source(), g.source);
        prop_assert_eq!(&note.body, &g.body);
        prop_assert_eq!(&note.tags, &g.tags);
        prop_assert!(note.front_matter.is_valid());
        for tag in &g.tags {
            prop_assert!(note.has_tag(tag));
            prop_assert!(note.has_tag(&tag.to_uppercase()));
            if let Some((parent, _)) = tag.split_once('/') {
                prop_assert!(note.has_tag(parent));
            }
        }
    }

    /// Edits render in the note's convention, read back as made, and render stably.
    #[test]
    fn edits_read_back_and_are_stable(g in any_convention(), e in edits()) {
        let mut note = Note::parse_named(&g.text, "file stem").unwrap();
        let eol = if g.text.contains("\r\n") { "\r\n" } else { "\n" };
        if let Some(title) = &e.title {
            note.title = title.clone();
        }
        if let Some(lines) = &e.body {
            note.body = lines.join("\n");
        }
        let mut removed = Vec::new();
        for index in &e.remove {
            if !note.tags.is_empty() {
                removed.push(note.tags.remove(index.index(note.tags.len())));
            }
        }
        for tag in &e.add {
            if !removed.iter().any(|r: &String| r.eq_ignore_ascii_case(tag)) {
                note.tags.push(tag.clone());
            }
        }
        let rendered = note.render();
        let Ok(again) = Note::parse_named(&rendered, "file stem") else {
            // Only a note left with nothing to say renders empty: a heading-less note whose
            // body was emptied, with no tags.
            let blank = rendered.trim_start_matches('\u{feff}').trim().is_empty();
            prop_assert!(blank);
            prop_assert!(note.body.trim().is_empty() && note.tags.is_empty() && e.title.is_none());
            return Ok(());
        };
        prop_assert_eq!(again.render(), rendered.clone());
        prop_assert!(again.front_matter.is_valid(), "{}", rendered);
        prop_assert_eq!(&again.title, &note.title, "{}", rendered);
        if let Some(lines) = &e.body {
            let body = expected_body(lines, eol);
            prop_assert_eq!(&again.body, &body, "{}", rendered);
        }
        prop_assert_eq!(lower_set(&again.tags), lower_set(&note.tags), "{}", rendered);
        if e.title.is_none() && e.body.is_none() && e.add.is_empty() && removed.is_empty() {
            prop_assert_eq!(rendered, g.text);
        }
    }

    /// Notes built through the API render stably, and sane ones read back as built.
    #[test]
    fn api_notes_render_stably(note in api_note()) {
        let once = note.render();
        let parsed = Note::parse(&once).expect("a rendered note always parses");
        prop_assert_eq!(parsed.render(), once);
    }

    #[test]
    fn sane_api_notes_read_back_as_built(title in title(), body in body_lines(), tags in tag_list()) {
        let body = expected_body(&body, "\n");
        let note = Note::new(title, body, tags);
        let parsed = Note::parse(&note.render()).unwrap();
        prop_assert_eq!(parsed, note);
    }

    /// File names are never empty, never `.`/`..`, never hold a separator or NUL, fit the limit.
    #[test]
    fn file_names_are_safe(title in tricky_text()) {
        let stem = file_stem(&title);
        prop_assert!(!stem.is_empty());
        prop_assert!(stem != "." && stem != "..");
        prop_assert!(!stem.starts_with(['.', '-']));
        prop_assert!(stem.chars().all(|c| c == '-' || c.is_alphanumeric()), "{:?}", stem);
        prop_assert!(stem.len() + ".md".len() <= MAX_FILE_NAME_BYTES);
        prop_assert_eq!(stem.to_lowercase(), stem.clone());
    }

    /// Within one export every note gets its own safe name, even when titles collide.
    #[test]
    fn names_are_unique_within_an_export(
        titles in prop::collection::vec(prop_oneof![tricky_text(), Just("same".to_owned())], 1..60),
    ) {
        let mut names = UniqueNames::new();
        let mut seen = HashSet::new();
        for title in &titles {
            let name = names.assign(title);
            prop_assert!(name.len() <= MAX_FILE_NAME_BYTES);
            prop_assert!(name.ends_with(".md"));
            prop_assert!(!name.contains(['/', '\\', '\0']));
            prop_assert!(seen.insert(name));
        }
    }
}
