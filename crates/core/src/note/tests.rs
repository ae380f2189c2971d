//! Unit tests of the note model: every rule of the module docs.

use super::*;

fn parse(text: &str) -> Note {
    Note::parse(text).unwrap()
}

fn tags(note: &Note) -> Vec<&str> {
    note.tags.iter().map(String::as_str).collect()
}

/// Parses, checks the unedited note renders byte for byte, edits, renders, and checks the
/// rendering is stable.
fn edited(text: &str, edit: impl FnOnce(&mut Note)) -> String {
    let mut note = Note::parse_named(text, "stem").unwrap();
    assert_eq!(note.render(), text, "unedited must be verbatim");
    edit(&mut note);
    let out = note.render();
    let again = Note::parse_named(&out, "stem").unwrap();
    assert_eq!(again.render(), out);
    out
}

// ---------------------------------------------------------------- lossless

#[test]
fn unedited_notes_render_byte_for_byte() {
    for text in [
        "# Async IO\n\nNotes about aiofiles.\nSecond line.\n\nTags: python, async\n",
        "# T",
        "\u{feff}#  Title  \r\n\r\nbody  \r\n\r\nTags: x , y  \r\n",
        "---\ntitle: \"Q\" # comment\ntags:\n  - a\ncssclass: wide\n---\n\n\n# H\n\nBody\t\n\n\n",
        "---\r\nk: v\r\n---\r\nmixed\nendings\r\nand a lone \r in text",
        "no heading, no trailing newline",
        "---\ntags: [a\n---\ninvalid yaml kept",
        "---\nunclosed front matter\n",
        "a\0b\n\0",
        "   \n\n# Late heading\n",
        "---\n---\n",
    ] {
        let note = parse(text);
        assert_eq!(note.render(), text);
        assert_eq!(note.source(), Some(text));
    }
}

#[test]
fn nothing_is_added_to_a_note() {
    let text = "Just a line with no heading and no tags\n";
    let note = Note::parse_named(text, "My note").unwrap();
    assert_eq!(note.title, "My note");
    assert!(note.tags.is_empty());
    assert_eq!(note.render(), text);
}

#[test]
fn empty_and_whitespace_are_errors() {
    assert_eq!(Note::parse(""), Err(ParseError::Empty));
    assert_eq!(Note::parse(" \n\t\r\n"), Err(ParseError::Empty));
    assert_eq!(Note::parse("\u{feff}"), Err(ParseError::Empty));
    assert_eq!(Note::parse("\u{feff} \r\n"), Err(ParseError::Empty));
    assert_eq!(Note::parse_named("  ", "stem"), Err(ParseError::Empty));
    assert_eq!("\n".parse::<Note>(), Err(ParseError::Empty));
}

// ---------------------------------------------------------------- seed format

#[test]
fn seed_format_round_trips() {
    let text = "# Async IO\n\nNotes about aiofiles.\nSecond line.\n\nTags: python, async\n";
    let note = parse(text);
    assert_eq!(note.title, "Async IO");
    assert_eq!(note.title_source(), TitleSource::Heading);
    assert_eq!(note.body, "Notes about aiofiles.\nSecond line.");
    assert_eq!(tags(&note), ["python", "async"]);
    assert_eq!(
        note,
        Note::new(
            "Async IO",
            "Notes about aiofiles.\nSecond line.",
            ["python", "async"]
        )
    );
    assert_eq!(note.render(), text);
}

#[test]
fn new_renders_the_seed_format() {
    assert_eq!(
        Note::new("T", "body", ["a", "b"]).render(),
        "# T\n\nbody\n\nTags: a, b\n"
    );
    assert_eq!(Note::new("T", "", ["a"]).render(), "# T\n\nTags: a\n");
    assert_eq!(
        Note::new("T", "body", Vec::<String>::new()).render(),
        "# T\n\nbody\n"
    );
    assert_eq!(
        Note::new("", "\n\nb\n\n", ["#x", "a, b", "A"]).render(),
        "# Untitled\n\nb\n\nTags: x, a, b\n"
    );
    assert_eq!(Note::new("a\nb", "", ["t"]).render(), "# a b\n\nTags: t\n");
    // Tags the body already carries inline are not repeated.
    assert_eq!(
        Note::new("T", "see #a", ["a", "b"]).render(),
        "# T\n\nsee #a\n\nTags: b\n"
    );
    let mut note = Note::new("T", "b", ["x", "y"]);
    note.front_matter = FrontMatter::new("tags: [x]\nk: v");
    assert_eq!(
        note.render(),
        "---\ntags: [x]\nk: v\n---\n# T\n\nb\n\nTags: y\n"
    );
    let parsed = parse(&note.render());
    assert_eq!(parsed, note);
    assert_eq!(Note::default().render(), "# Untitled\n");
}

#[test]
fn tags_line_is_the_last_line_only() {
    let note = parse("# T\n\nTags: not-these\nbody\n\nTags: a,, #b ,\n");
    assert_eq!(note.body, "Tags: not-these\nbody");
    assert_eq!(tags(&note), ["a", "b"]);
    let note = parse("Tags: only");
    assert_eq!((note.title.as_str(), note.body.as_str()), (UNTITLED, ""));
    assert_eq!(tags(&note), ["only"]);
}

// ---------------------------------------------------------------- titles

#[test]
fn title_from_heading_front_matter_stem_or_untitled() {
    let note = Note::parse_named("---\ntitle: FM\n---\n\n#  Heading  \nbody", "stem").unwrap();
    assert_eq!(
        (note.title.as_str(), note.title_source()),
        ("Heading", TitleSource::Heading)
    );
    assert_eq!(note.body, "body");
    let note = Note::parse_named("---\ntitle: 'FM: yes'\n---\nbody", "stem").unwrap();
    assert_eq!(
        (note.title.as_str(), note.title_source()),
        ("FM: yes", TitleSource::FrontMatter)
    );
    assert_eq!(note.body, "body");
    let note = Note::parse_named("## Not level one\nbody", "My stem").unwrap();
    assert_eq!(
        (note.title.as_str(), note.title_source()),
        ("My stem", TitleSource::FileStem)
    );
    assert_eq!(note.body, "## Not level one\nbody");
    let note = Note::parse("#tag is not a heading\n").unwrap();
    assert_eq!(
        (note.title.as_str(), note.title_source()),
        (UNTITLED, TitleSource::Untitled)
    );
    assert_eq!(tags(&note), ["tag"]);
    assert_eq!(Note::parse("#\n\nbody").unwrap().title, UNTITLED);
    assert_eq!(
        Note::parse("---\ntitle: ''\n---\nx").unwrap().title,
        UNTITLED
    );
    assert_eq!(
        Note::parse("---\ntitle: [a]\n---\nx").unwrap().title,
        UNTITLED
    );
}

#[test]
fn unclosed_front_matter_is_plain_text() {
    let note = Note::parse_named("---\ntitle: x\nbody", "s").unwrap();
    assert!(!note.front_matter.is_present());
    assert_eq!(note.title, "s");
    assert_eq!(note.body, "---\ntitle: x\nbody");
    assert_eq!(note.render(), "---\ntitle: x\nbody");
}

// ---------------------------------------------------------------- front matter

#[test]
fn front_matter_tags_in_every_shape() {
    for (fm, want) in [
        ("tags:\n  - a\n  - b/c\n", vec!["a", "b/c"]),
        ("tags:\n- a\n- '#b'\n", vec!["a", "b"]),
        ("tags: [a, \"b\"]\n", vec!["a", "b"]),
        ("tags: \"a, b\"\n", vec!["a", "b"]),
        ("tags: 'a b'\n", vec!["a", "b"]),
        ("tags: a, b c\n", vec!["a", "b", "c"]),
        ("tags: a\n", vec!["a"]),
        ("tag: [a]\n", vec!["a"]),
        ("tags:\n", vec![]),
    ] {
        let text = format!("---\n{fm}---\n# T\n");
        let note = parse(&text);
        assert_eq!(tags(&note), want, "{fm:?}");
        assert_eq!(note.render(), text);
    }
}

#[test]
fn front_matter_keeps_other_keys_and_reads_aliases() {
    let text =
        "---\ntitle: \"From FM\"\naliases:\n  - one\n# a comment\ncreated: 2024-01-01\n---\nBody\n";
    let note = parse(text);
    assert_eq!(note.title, "From FM");
    assert_eq!(note.aliases(), ["one"]);
    assert_eq!(note.front_matter.get("created"), Some("2024-01-01"));
    assert_eq!(
        note.front_matter.text(),
        "title: \"From FM\"\naliases:\n  - one\n# a comment\ncreated: 2024-01-01\n"
    );
    assert_eq!(note.render(), text);
}

#[test]
fn invalid_yaml_is_kept_unread_and_reported() {
    let text = "---\ntitle: T\ntags: [a, b\n---\n#x body\n";
    let note = Note::parse_named(text, "stem").unwrap();
    assert!(note.front_matter.is_present() && !note.front_matter.is_valid());
    let error = note.front_matter.error().unwrap();
    assert_eq!(error.line(), 4);
    assert!(!error.message().is_empty());
    assert_eq!(note.title, "stem");
    assert_eq!(tags(&note), ["x"]);
    assert_eq!(note.render(), text);
    // Edits leave the invalid block alone.
    let out = edited(text, |n| {
        n.title = "New".into();
        n.tags.push("added".into());
    });
    assert_eq!(
        out,
        "---\ntitle: T\ntags: [a, b\n---\n# New\n\n#x body\n\nTags: added\n"
    );
    // NUL in the block: invalid, never a panic.
    let note = parse("---\nk: \0\n---\nx");
    assert!(!note.front_matter.is_valid());
}

#[test]
fn crlf_and_bom_are_kept() {
    let text = "\u{feff}---\r\ntags: [a]\r\n---\r\n# Title \r\n\r\nline one\r\nline two #b\r\n\r\nTags: c\r\n";
    let note = parse(text);
    assert_eq!(note.title, "Title");
    assert_eq!(note.body, "line one\r\nline two #b");
    assert_eq!(tags(&note), ["a", "b", "c"]);
    assert_eq!(note.render(), text);
    let out = edited(text, |n| {
        n.body = "new\nbody".into();
        n.tags.push("d".into());
    });
    // `b` was only in the replaced body and is still in `tags`: it goes to the property.
    assert_eq!(
        out,
        "\u{feff}---\r\ntags: [a, b, d]\r\n---\r\n# Title \r\n\r\nnew\r\nbody\r\n\r\nTags: c\r\n"
    );
    let out = edited("\u{feff}line\r\n", |n| n.title = "T".into());
    assert_eq!(out, "\u{feff}# T\r\n\r\nline\r\n");
}

// ---------------------------------------------------------------- inline tags

#[test]
fn inline_tags_outside_code_urls_and_headings() {
    let text = "# Title #nope\n\n#first word, then #second.\n`#code` and ``#more code``\n```\n#fenced\n```\n~~~md\n#tilde\n~~~\nhttp://x.org/#anchor and mail#hash\n## Heading\n#2024 #y2024 #nested/tag-x_y\n\nTags: last\n";
    let note = parse(text);
    assert_eq!(note.title, "Title #nope");
    assert_eq!(
        tags(&note),
        ["first", "second", "y2024", "nested/tag-x_y", "last"]
    );
    assert!(note.has_tag("nested") && note.has_tag("NESTED/Tag-X_y") && !note.has_tag("nest"));
}

#[test]
fn tags_are_deduplicated_without_case_in_order_of_appearance() {
    let note = parse("---\ntags: [Rust]\n---\n#rust #Async #async\n\nTags: ASYNC, web\n");
    assert_eq!(tags(&note), ["Rust", "Async", "web"]);
    assert!(note.has_tag("#RUST") && note.has_tag("web") && !note.has_tag(""));
}

// ---------------------------------------------------------------- edits: title

#[test]
fn title_edit_rewrites_the_heading() {
    let out = edited("---\nk: v\n---\n#   Old   \n\nbody\n", |n| {
        n.title = "New\ntitle".into()
    });
    assert_eq!(out, "---\nk: v\n---\n#   New title   \n\nbody\n");
}

#[test]
fn title_edit_rewrites_the_front_matter_value_in_its_style() {
    let out = edited("---\ntitle: Old # c\nk: v\n---\nbody\n", |n| {
        n.title = "New".into()
    });
    assert_eq!(out, "---\ntitle: New # c\nk: v\n---\nbody\n");
    let out = edited("---\ntitle: Old\n---\nbody\n", |n| n.title = "Q: A".into());
    assert_eq!(out, "---\ntitle: \"Q: A\"\n---\nbody\n");
    let out = edited("---\ntitle: 'Old'\n---\nbody\n", |n| {
        n.title = "it's".into()
    });
    assert_eq!(out, "---\ntitle: 'it''s'\n---\nbody\n");
    let out = edited("---\ntitle: |\n  Old\nk: v\n---\nbody\n", |n| {
        n.title = "New".into()
    });
    assert_eq!(out, "---\ntitle: \"New\"\nk: v\n---\nbody\n");
}

#[test]
fn title_edit_on_a_stem_title_adds_a_property_or_a_heading() {
    let out = edited("---\nk: v\n---\nbody\n", |n| n.title = "New".into());
    assert_eq!(out, "---\nk: v\ntitle: New\n---\nbody\n");
    let out = edited("---\n  k: v\n---\nbody\n", |n| n.title = "New".into());
    assert_eq!(out, "---\n  k: v\n  title: New\n---\nbody\n");
    let out = edited("body\n", |n| n.title = "New".into());
    assert_eq!(out, "# New\n\nbody\n");
    let out = edited("\nbody", |n| n.title = "New".into());
    assert_eq!(out, "# New\n\nbody");
    let out = edited("---\n{k: v}\n---\nbody\n", |n| n.title = "New".into());
    assert_eq!(out, "---\n{k: v}\n---\n# New\n\nbody\n");
    let out = edited("---\nk: [\n---", |n| n.title = "New".into());
    assert_eq!(out, "---\nk: [\n---\n# New\n");
    // The stem is not written when the title is left alone.
    let out = edited("body\n", |n| n.body = "other".into());
    assert_eq!(out, "other\n");
}

// ---------------------------------------------------------------- edits: body

#[test]
fn body_edits_keep_everything_else() {
    let seed = "# T\n\nold\nbody\n\nTags: a\n";
    assert_eq!(
        edited(seed, |n| n.body = "new".into()),
        "# T\n\nnew\n\nTags: a\n"
    );
    assert_eq!(edited(seed, |n| n.body = String::new()), "# T\n\nTags: a\n");
    assert_eq!(edited("# T\n\nbody\n", |n| n.body = String::new()), "# T\n");
    assert_eq!(
        edited("# T\n\nTags: a\n", |n| n.body = "b".into()),
        "# T\n\nb\n\nTags: a\n"
    );
    assert_eq!(edited("# T", |n| n.body = "b".into()), "# T\n\nb\n");
    assert_eq!(
        edited("---\nk: v\n---\n", |n| n.body = "b".into()),
        "---\nk: v\n---\nb\n"
    );
}

// ---------------------------------------------------------------- edits: tags

#[test]
fn tag_added_to_a_block_list_property() {
    let text = "---\ntags:\n  - a # first\n  - \"b\"\nk: v\n---\n# T\n";
    let out = edited(text, |n| {
        n.tags.extend(["c".into(), "needs: quotes".into()])
    });
    assert_eq!(
        out,
        "---\ntags:\n  - a # first\n  - \"b\"\n  - c\n  - \"needs: quotes\"\nk: v\n---\n# T\n"
    );
    assert_eq!(tags(&parse(&out)), ["a", "b", "c", "needs: quotes"]);
    let out = edited("---\ntags:\n- a\n---\nx\n", |n| n.tags.push("b".into()));
    assert_eq!(out, "---\ntags:\n- a\n- b\n---\nx\n");
}

#[test]
fn tag_added_to_a_flow_list_property() {
    let out = edited("---\ntags: [a,b] # c\n---\nx\n", |n| {
        n.tags.push("c d".into())
    });
    assert_eq!(out, "---\ntags: [a,b,c d] # c\n---\nx\n");
    let out = edited("---\ntags: []\n---\nx\n", |n| n.tags.push("x,y".into()));
    assert_eq!(out, "---\ntags: [x, y]\n---\nx\n");
    let out = edited("---\ntags: ['a']\n---\nx\n", |n| n.tags.push("[b]".into()));
    assert_eq!(out, "---\ntags: ['a', \"[b]\"]\n---\nx\n");
}

#[test]
fn tag_added_to_a_string_property() {
    let out = edited("---\ntags: \"a, b\"\n---\nx\n", |n| n.tags.push("c".into()));
    assert_eq!(out, "---\ntags: \"a, b, c\"\n---\nx\n");
    let out = edited("---\ntags: a b\n---\nx\n", |n| n.tags.push("c".into()));
    assert_eq!(out, "---\ntags: a b c\n---\nx\n");
    let out = edited("---\ntags: ~\n---\nx\n", |n| n.tags.push("c".into()));
    assert_eq!(out, "---\ntags: \n  - c\n---\nx\n");
    let out = edited("---\ntags:\nk: v\n---\nx\n", |n| n.tags.push("c".into()));
    assert_eq!(out, "---\ntags:\n  - c\nk: v\n---\nx\n");
}

#[test]
fn tag_added_to_the_tags_line_then_new_property_then_new_line() {
    assert_eq!(
        edited("# T\n\nb\n\nTags: a\n", |n| n.tags.push("c".into())),
        "# T\n\nb\n\nTags: a, c\n"
    );
    assert_eq!(
        edited("---\nk: v\n---\n# T\n", |n| n.tags.push("c".into())),
        "---\nk: v\ntags:\n  - c\n---\n# T\n"
    );
    assert_eq!(
        edited("# T\n\nbody", |n| n.tags.push("c".into())),
        "# T\n\nbody\n\nTags: c\n"
    );
    assert_eq!(
        edited("body #x\n\n", |n| n.tags.push("c".into())),
        "body #x\n\nTags: c\n"
    );
    // A tag the body already carries is no addition; a case change is no edit.
    assert_eq!(
        edited("# T\n\n#c\n", |n| n.tags = vec!["c".into(), "C".into()]),
        "# T\n\n#c\n"
    );
    assert_eq!(
        edited("# T\n\n#c\n", |n| n.tags = vec!["C".into()]),
        "# T\n\n#c\n"
    );
}

#[test]
fn tag_removed_from_where_it_is_written() {
    let text = "---\ntags:\n  - a\n  - b\nx: [a]\n---\n# T\n\nsee #a and #b\n\nTags: a, c\n";
    let out = edited(text, |n| n.tags.retain(|t| t != "a"));
    assert_eq!(
        out,
        "---\ntags:\n  - b\nx: [a]\n---\n# T\n\nsee a and #b\n\nTags: c\n"
    );
    assert_eq!(tags(&parse(&out)), ["b", "c"]);
    let out = edited("---\ntags: [a, b, c]\n---\nx\n", |n| {
        n.tags = vec!["c".into()]
    });
    assert_eq!(out, "---\ntags: [c]\n---\nx\n");
    let out = edited("---\ntags: a, b\n---\nx\n", |n| n.tags = vec!["b".into()]);
    assert_eq!(out, "---\ntags: b\n---\nx\n");
    let out = edited("---\ntags: a\n---\nx\n", |n| n.tags.clear());
    assert_eq!(out, "---\ntags: \"\"\n---\nx\n");
    // The Tags line goes with its blank lines when it empties.
    assert_eq!(
        edited("# T\n\nb\n\nTags: a\n", |n| n.tags.clear()),
        "# T\n\nb\n"
    );
    assert_eq!(edited("# T\n\nTags: a\n", |n| n.tags.clear()), "# T\n");
    assert_eq!(edited("Tags: a\n", |n| n.tags.clear()), "Tags:\n");
    let out = edited("---\ntags:\n  - ü\n  - 日本\n---\nx\n", |n| {
        n.tags.clear()
    });
    assert_eq!(out, "---\ntags:\n---\nx\n");
    // Removing the parent does not remove a nested tag.
    assert_eq!(
        edited("#a #a/b\n", |n| n.tags = vec!["a/b".into()]),
        "a #a/b\n"
    );
}

#[test]
fn several_edits_at_once() {
    let text = "---\r\ntitle: Old\r\ntags: [a]\r\n---\r\nbody #a\r\n";
    let out = edited(text, |n| {
        n.title = "New".into();
        n.body = "fresh\nlines".into();
        n.tags = vec!["b".into()];
    });
    assert_eq!(
        out,
        "---\r\ntitle: New\r\ntags: [b]\r\n---\r\nfresh\r\nlines\r\n"
    );
    let note = Note::parse_named(&out, "stem").unwrap();
    assert_eq!(
        (note.title.as_str(), note.body.as_str()),
        ("New", "fresh\r\nlines")
    );
    assert_eq!(tags(&note), ["b"]);
}

#[test]
fn front_matter_replaced_added_or_removed() {
    let out = edited("# T\n\nb\n", |n| n.front_matter = FrontMatter::new("k: v"));
    assert_eq!(out, "---\nk: v\n---\n# T\n\nb\n");
    let out = edited("\u{feff}---\nk: v\n---\n# T\n", |n| {
        n.front_matter = FrontMatter::default()
    });
    assert_eq!(out, "\u{feff}# T\n");
    let out = edited("---\nk: v\n---\n# T\n", |n| {
        n.front_matter = FrontMatter::new("tags: [z]\n");
        n.tags.push("y".into());
    });
    // The field `tags` did not hold `z`, but `z` was not removed from it: only edits apply.
    assert_eq!(out, "---\ntags: [z, y]\n---\n# T\n");
}

#[test]
fn equality_ignores_the_layout() {
    let a = parse("# T\n\nb\n\nTags: x\n");
    let b = parse("# T\r\n\r\nb\r\n\r\nTags: x\r\n");
    assert_ne!(a.body, "");
    assert_eq!(a, Note::new("T", "b", ["x"]));
    assert_ne!(a.render(), b.render());
    assert!(format!("{a:?}").contains("title_source: Heading"));
}

#[test]
fn hostile_input_never_panics() {
    let deep = format!("---\ntags: {}\n---\n# T\n", "[".repeat(100_000));
    let note = parse(&deep);
    assert!(!note.front_matter.is_valid());
    assert_eq!(note.render(), deep);
    let nested = format!(
        "---\ntags: {}a{}\n---\n# T\n",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    assert_eq!(parse(&nested).render(), nested);
    for text in [
        "---\nk: &a [x, *a]\ntags: *a\n---\nb",
        "---\n? [complex, key]\n: v\ntags: [a]\n---\nb",
        "---\n%YAML 1.2\n---\nb",
        "---\n\u{feff}k: v\n---\nb",
        "---\ntags: !!str a b\n---\nb",
        "---\r\n---\r\n",
        "```\n#no\n",
        "`#code` ``",
        "a\r\r\r",
        "#\u{301}a #\u{200b}",
    ] {
        let note = parse(text);
        assert_eq!(note.render(), text);
        let mut edited = note.clone();
        edited.title = "T".into();
        edited.tags = vec!["x".into()];
        edited.body.push('!');
        let once = edited.render();
        assert_eq!(parse(&once).render(), once);
    }
    let big = "word #tag ".repeat(100_000);
    let note = parse(&big);
    assert_eq!(note.tags, ["tag"]);
    assert_eq!(note.render(), big);
}

#[test]
fn a_tag_is_cleaned_of_every_leading_hash_and_space() {
    // A `Tags:` entry of `#`s and spaces is no tag (a tag never starts with `#`), and `# # a`
    // is `a`: cleaning a tag twice gives what cleaning it once gave, so a parsed note is
    // unedited.
    let text = "# T\n\nbody\n\nTags: # # #, # # a\n";
    let note = parse(text);
    assert_eq!(note.tags, ["a"]);
    assert_eq!(note.render(), text);
    assert_eq!(parse("Tags:# # #").tags, Vec::<String>::new());
    // And a note built with such a tag renders stably (found by the `api_notes_render_stably`
    // property).
    let built = Note::new("", "---", ["# # # #"]);
    let once = built.render();
    assert_eq!(parse(&once).render(), once);
}
