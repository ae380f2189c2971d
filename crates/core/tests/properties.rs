//! Property tests: parse/render stability and the file-name rules.

use std::collections::HashSet;

use proptest::prelude::*;
use smartnotes_core::{FrontMatter, MAX_FILE_NAME_BYTES, Note, UniqueNames, file_stem};

/// Text that mixes the characters the note format cares about with arbitrary Unicode.
fn tricky_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just("#".to_owned()),
        Just("---".to_owned()),
        Just("...".to_owned()),
        Just("Tags:".to_owned()),
        Just("title:".to_owned()),
        Just("tags:".to_owned()),
        Just("  - ".to_owned()),
        Just(",".to_owned()),
        Just(" ".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\0".to_owned()),
        "[a-zA-Z0-9]{1,6}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn any_note() -> impl Strategy<Value = Note> {
    (
        tricky_text(),
        tricky_text(),
        prop::collection::vec(tricky_text(), 0..5),
        tricky_text(),
    )
        .prop_map(|(title, body, tags, fm)| Note {
            title,
            body,
            tags,
            front_matter: FrontMatter::new(&fm),
        })
}

proptest! {
    /// Exporting an export changes no byte, whatever the note holds.
    #[test]
    fn render_parse_render_is_stable(note in any_note()) {
        let once = note.render();
        let parsed = Note::parse(&once).expect("a rendered note always parses");
        prop_assert_eq!(&parsed, &note.normalized());
        prop_assert_eq!(parsed.render(), once);
    }

    /// Any text either fails as empty or parses into a note whose rendering is stable.
    #[test]
    fn parse_never_panics_and_its_output_is_stable(text in tricky_text()) {
        if let Ok(note) = Note::parse(&text) {
            let once = note.render();
            prop_assert_eq!(Note::parse(&once).unwrap().render(), once);
        } else {
            let rest = text.strip_prefix('\u{feff}').unwrap_or(&text).replace('\0', "");
            prop_assert!(rest.trim().is_empty(), "{:?}", text);
        }
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
