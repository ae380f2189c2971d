//! Rendering: the source as it was, with only the edited parts spliced in, each in the note's
//! own convention; or, for a note built through the API, the seed format.

use std::borrow::Cow;
use std::ops::Range;

use saphyr_parser::ScalarStyle;

use super::anatomy::{Anatomy, line_next, line_start, lines};
use super::front_matter::{self, FrontMatter, Scalar, Shape, Yaml};
use super::tags::{self, Fences, TagSet};
use super::{Note, UNTITLED};

/// What [`Note::render`] writes.
pub(crate) fn render(note: &Note) -> Cow<'_, str> {
    let Some(origin) = &note.origin else {
        return Cow::Owned(seed(note));
    };
    let source = origin.source.as_str();
    let fm_changed = match &origin.front_matter {
        Some(range) => {
            !note.front_matter.is_present() || note.front_matter.text() != &source[range.clone()]
        }
        None => note.front_matter.is_present(),
    };
    let title_changed = note.title != origin.title();
    let body_changed = note.body != source[origin.body.clone()];
    // Tags left as parsed are taken as they are (a tag read from the note may hold what a
    // caller's tag would be split on); changed ones are cleaned and compared as sets.
    let tags_same = note.tags.iter().map(String::as_str).eq(origin.tags());
    if tags_same && !(fm_changed || title_changed || body_changed) {
        return Cow::Borrowed(&origin.source); // unedited: its source, not even copied
    }
    let (removed, wanted, tags_changed) = if tags_same {
        (
            Vec::new(),
            origin.tags().map(str::to_owned).collect(),
            false,
        )
    } else {
        let wanted = tags::from_fields(&note.tags);
        let mut had = TagSet::default();
        for tag in origin.tags() {
            had.push(tag);
        }
        let removed: Vec<&str> = origin.tags().filter(|t| !wanted.contains(t)).collect();
        let wanted = wanted.into_vec();
        let changed = !removed.is_empty() || wanted.iter().any(|t| !had.contains(t));
        (removed, wanted, changed)
    };
    if !(fm_changed || title_changed || body_changed || tags_changed) {
        return Cow::Borrowed(&origin.source);
    }
    let mut text = origin.source.clone();
    if fm_changed {
        text = set_front_matter(&text, &note.front_matter);
    }
    if title_changed {
        text = set_title(&text, &note.title);
    }
    if body_changed {
        text = set_body(&text, &note.body);
    }
    Cow::Owned(edit_tags(&text, &removed, &wanted))
}

/// A note built through the API, in the seed format.
fn seed(note: &Note) -> String {
    let mut out = String::new();
    let fm = &note.front_matter;
    if fm.is_present() {
        out.push_str("---\n");
        out.push_str(fm.text());
        if !fm.text().is_empty() && !fm.text().ends_with('\n') {
            out.push('\n');
        }
        out.push_str("---\n");
    }
    out.push_str("# ");
    out.push_str(&one_line(&note.title));
    out.push('\n');
    let body = without_blank_edges(&note.body);
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
        out.push('\n');
    }
    let mut present = TagSet::default();
    for tag in fm.tags() {
        present.push(tag);
    }
    let mut fences = Fences::default();
    for line in body.lines() {
        if !fences.is_code(line) {
            for (_, tag) in tags::inline_tags(line) {
                present.push(tag);
            }
        }
    }
    let missing: Vec<String> = tags::from_fields(&note.tags)
        .into_vec()
        .into_iter()
        .filter(|t| !present.contains(t))
        .collect();
    if !missing.is_empty() {
        out.push_str("\nTags: ");
        out.push_str(&missing.join(", "));
        out.push('\n');
    }
    out
}

/// A title as one line: line breaks become spaces, edges trimmed, [`UNTITLED`] when empty.
pub(crate) fn one_line(title: &str) -> String {
    let title = title.replace(['\r', '\n'], " ");
    match title.trim() {
        "" => UNTITLED.to_owned(),
        t => t.to_owned(),
    }
}

/// `text` without its leading and trailing blank lines (nor its last line break).
fn without_blank_edges(text: &str) -> &str {
    let all = lines(text, 0);
    let blank = |l: &&super::anatomy::Line| l.text(text).trim().is_empty();
    match (
        all.iter().position(|l| !blank(&l)),
        all.iter().rposition(|l| !blank(&l)),
    ) {
        (Some(a), Some(b)) => &text[all[a].start..all[b].end],
        _ => "",
    }
}

/// Applies non-overlapping edits (sorted here), each replacing a byte range.
fn splice(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for (range, with) in edits {
        if range.start < at || range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&with);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

fn set_front_matter(text: &str, fm: &FrontMatter) -> String {
    let lay = Anatomy::of(text);
    let mut yaml = fm.text().to_owned();
    if !yaml.is_empty() && !yaml.ends_with('\n') {
        yaml.push_str(lay.eol);
    }
    let edit = match (&lay.block, fm.is_present()) {
        (Some(b), false) => (b.open.start..b.close.next, String::new()),
        (Some(b), true) => (b.yaml.clone(), yaml),
        (None, true) => (
            lay.bom..lay.bom,
            format!("---{eol}{yaml}---{eol}", eol = lay.eol),
        ),
        (None, false) => return text.to_owned(),
    };
    splice(text, vec![edit])
}

/// The YAML of the front matter, when the block is there.
fn yaml_of(text: &str, lay: &Anatomy) -> Option<(usize, Yaml)> {
    lay.block
        .as_ref()
        .map(|b| (b.yaml.start, Yaml::read(&text[b.yaml.clone()])))
}

/// The edit that writes `value` in place of a scalar (offset by `off` into the note).
fn replace_scalar(
    yaml: &str,
    off: usize,
    s: &Scalar,
    value: &str,
    eol: &str,
) -> (Range<usize>, String) {
    match s.style {
        ScalarStyle::Literal | ScalarStyle::Folded => {
            let start = yaml[s.key_end.min(s.span.start)..s.span.start]
                .rfind(['|', '>'])
                .map_or(s.span.start, |i| s.key_end + i);
            let with = front_matter::write_scalar(value, ScalarStyle::DoubleQuoted, false);
            (off + start..off + s.span.end, format!("{with}{eol}"))
        }
        style => (
            off + s.span.start..off + s.span.end,
            front_matter::write_scalar(value, style, false),
        ),
    }
}

fn set_title(text: &str, title: &str) -> String {
    let lay = Anatomy::of(text);
    let title = one_line(title);
    if let Some(h) = &lay.heading {
        return splice(text, vec![(h.text.clone(), title)]);
    }
    if let (Some((off, yaml)), Some(b)) = (yaml_of(text, &lay), &lay.block) {
        let yaml_text = &text[b.yaml.clone()];
        if yaml.error.is_none() {
            if let Some(s) = &yaml.title {
                return splice(
                    text,
                    vec![replace_scalar(yaml_text, off, s, &title, lay.eol)],
                );
            }
        }
        if yaml.editable {
            let line = format!(
                "{}title: {}{}",
                " ".repeat(yaml.indent),
                front_matter::write_scalar(&title, ScalarStyle::Plain, false),
                lay.eol
            );
            return splice(text, vec![(b.yaml.end..b.yaml.end, line)]);
        }
    }
    // A heading as the first line after the front matter.
    let at = lay.content_start;
    let mut heading = String::new();
    if at > lay.bom && !text[..at].ends_with('\n') {
        heading.push_str(lay.eol);
    }
    heading.push_str("# ");
    heading.push_str(&title);
    heading.push_str(lay.eol);
    let first = lines(text, at).into_iter().next();
    if first.is_some_and(|l| !l.text(text).trim().is_empty()) {
        heading.push_str(lay.eol);
    }
    splice(text, vec![(at..at, heading)])
}

/// `body` with every `\n` not after `\r` written as `eol`.
fn with_eol(body: &str, eol: &str) -> String {
    if eol == "\n" {
        return body.to_owned();
    }
    let mut out = String::with_capacity(body.len() + 16);
    let mut prev = '\0';
    for c in body.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

fn set_body(text: &str, body: &str) -> String {
    let lay = Anatomy::of(text);
    let body = with_eol(body, lay.eol);
    let blank = body.trim().is_empty();
    let edit = match (&lay.body_lines, blank) {
        (Some(_), false) => (lay.body.clone(), body),
        (Some(lines), true) if lay.tags_line.is_some() => {
            (lines.start..lay.slot.end, String::new())
        }
        (Some(_), true) => (lay.slot.clone(), String::new()),
        (None, false) => {
            let mut with = String::new();
            if lay.slot.start > lay.bom && !text[..lay.slot.start].ends_with('\n') {
                with.push_str(lay.eol);
            }
            if lay.heading.is_some() {
                with.push_str(lay.eol);
            }
            with.push_str(&body);
            with.push_str(lay.eol);
            if lay.tags_line.is_some() {
                with.push_str(lay.eol);
            }
            (lay.slot.clone(), with)
        }
        (None, true) => return text.to_owned(),
    };
    splice(text, vec![edit])
}

/// Where tags that are added go.
#[derive(PartialEq, Eq)]
enum Target {
    Property,
    Line,
    NewProperty,
    NewLine,
}

/// Removes the `removed` tags from wherever the note writes them, and writes the `wanted` ones
/// it does not carry (after the other edits) where the note keeps its tags.
fn edit_tags(text: &str, removed: &[&str], wanted: &[String]) -> String {
    let lay = Anatomy::of(text);
    let eol = lay.eol;
    let yaml = yaml_of(text, &lay).filter(|(_, y)| y.error.is_none());
    let mut present = TagSet::default();
    if let Some(prop) = yaml.as_ref().and_then(|(_, y)| y.tags.as_ref()) {
        prop.read_tags(&mut present);
    }
    for (_, tag) in &lay.inline {
        present.push(&text[tag.clone()]);
    }
    for tag in lay.tags_line.iter().flat_map(|t| t.entries(text)) {
        present.push(tag);
    }
    let mut gone = TagSet::default();
    for tag in removed {
        gone.push(tag);
    }
    let added: Vec<&str> = wanted
        .iter()
        .map(String::as_str)
        .filter(|t| !present.contains(t))
        .collect();

    let prop = yaml
        .as_ref()
        .and_then(|(off, y)| y.tags.as_ref().map(|p| (*off, y, p)));
    let target = match (&prop, &lay.tags_line, &yaml) {
        (Some((_, y, p)), _, _)
            if !matches!(p.shape, Shape::Other)
                && (y.editable || !matches!(p.shape, Shape::Null(_))) =>
        {
            Target::Property
        }
        (_, Some(_), _) => Target::Line,
        (None, None, Some((_, y))) if y.editable => Target::NewProperty,
        _ => Target::NewLine,
    };
    let mut edits = Vec::new();

    if let Some((off, y, p)) = prop {
        let new: &[&str] = if target == Target::Property {
            &added
        } else {
            &[]
        };
        let item_prefix = |s: &Scalar| {
            let at = off + s.span.start;
            let prefix = &text[line_start(text, at)..at];
            let dash = prefix.trim_start();
            if dash.starts_with('-') && dash[1..].trim().is_empty() && dash.len() > 1 {
                prefix.to_owned()
            } else {
                format!("{}  - ", " ".repeat(y.indent))
            }
        };
        let new_items = |prefix: &str| {
            new.iter()
                .map(|t| {
                    let t = front_matter::write_scalar(t, ScalarStyle::Plain, false);
                    format!("{prefix}{t}{eol}")
                })
                .collect::<String>()
        };
        let after_key = line_next(text, off + p.key.start);
        match &p.shape {
            Shape::Block(items) => {
                for item in items.iter().filter(|i| gone.contains(&i.value)) {
                    let start = line_start(text, off + item.span.start);
                    let last = (off + item.span.end)
                        .saturating_sub(1)
                        .max(off + item.span.start);
                    edits.push((start..line_next(text, last), String::new()));
                }
                if !new.is_empty() {
                    let (at, prefix) = match items.last() {
                        Some(last) => {
                            let end = (off + last.span.end)
                                .saturating_sub(1)
                                .max(off + last.span.start);
                            (line_next(text, end), item_prefix(last))
                        }
                        None => (after_key, format!("{}  - ", " ".repeat(y.indent))),
                    };
                    edits.push((at..at, new_items(&prefix)));
                }
            }
            Shape::Flow { span, items } => {
                let kept: Vec<&Scalar> =
                    items.iter().filter(|i| !gone.contains(&i.value)).collect();
                if kept.len() != items.len() || !new.is_empty() {
                    let sep = match items.as_slice() {
                        [a, b, ..] => {
                            let between = &text[off + a.span.end..off + b.span.start];
                            if between.trim() == "," { between } else { ", " }
                        }
                        _ => ", ",
                    };
                    let mut all: Vec<String> = kept
                        .iter()
                        .map(|i| text[off + i.span.start..off + i.span.end].to_owned())
                        .collect();
                    all.extend(
                        new.iter()
                            .map(|t| front_matter::write_scalar(t, ScalarStyle::Plain, true)),
                    );
                    edits.push((
                        off + span.start..off + span.end,
                        format!("[{}]", all.join(sep)),
                    ));
                }
            }
            Shape::Text(s) => {
                let old: Vec<&str> = front_matter::split_string_tags(&s.value).collect();
                let mut kept: Vec<&str> =
                    old.iter().copied().filter(|t| !gone.contains(t)).collect();
                if kept.len() != old.len() || !new.is_empty() {
                    kept.extend(new);
                    let sep = if s.value.contains(',') { ", " } else { " " };
                    let yaml_text = &text[off..];
                    let (range, mut with) = replace_scalar(yaml_text, 0, s, &kept.join(sep), eol);
                    if new.iter().any(|t| t.contains(char::is_whitespace)) {
                        // A string cannot hold a tag with white space: it becomes a flow list.
                        let items: Vec<String> = kept
                            .iter()
                            .map(|t| front_matter::write_scalar(t, ScalarStyle::Plain, true))
                            .collect();
                        let block = matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded);
                        with = format!("[{}]{}", items.join(", "), if block { eol } else { "" });
                    }
                    edits.push((off + range.start..off + range.end, with));
                }
            }
            Shape::Null(s) => {
                if !new.is_empty() {
                    edits.push((off + s.span.start..off + s.span.end, String::new()));
                    let prefix = format!("{}  - ", " ".repeat(y.indent));
                    edits.push((after_key..after_key, new_items(&prefix)));
                }
            }
            Shape::Other => {}
        }
    }

    for (at, tag) in &lay.inline {
        if gone.contains(&text[tag.clone()]) {
            edits.push((*at..*at + 1, String::new()));
        }
    }

    if let Some(line) = &lay.tags_line {
        let mut kept: Vec<&str> = line.entries(text).filter(|t| !gone.contains(t)).collect();
        let new: &[&str] = if target == Target::Line { &added } else { &[] };
        if kept.len() != line.entries.len() || !new.is_empty() {
            kept.extend(new);
            let rest_is_blank = text[..line.gap_start].trim().is_empty()
                && text[line.line.next..].trim().is_empty();
            if !kept.is_empty() {
                edits.push((line.list.clone(), format!(" {}", kept.join(", "))));
            } else if rest_is_blank {
                edits.push((line.list.clone(), String::new()));
            } else {
                edits.push((line.gap_start..line.line.next, String::new()));
            }
        }
    }

    if !added.is_empty() {
        match target {
            Target::NewProperty => {
                if let (Some(b), Some((_, y))) = (&lay.block, &yaml) {
                    let indent = " ".repeat(y.indent);
                    let mut with = format!("{indent}tags:{eol}");
                    for t in &added {
                        let t = front_matter::write_scalar(t, ScalarStyle::Plain, false);
                        with.push_str(&format!("{indent}  - {t}{eol}"));
                    }
                    edits.push((b.yaml.end..b.yaml.end, with));
                }
            }
            Target::NewLine => {
                let mut with = String::new();
                if !text.is_empty() && !text.ends_with('\n') {
                    with.push_str(eol);
                }
                let last = lines(text, lay.bom).last().copied();
                if last.is_some_and(|l| !l.text(text).trim().is_empty()) {
                    with.push_str(eol);
                }
                with.push_str("Tags: ");
                with.push_str(&added.join(", "));
                with.push_str(eol);
                edits.push((text.len()..text.len(), with));
            }
            Target::Property | Target::Line => {}
        }
    }
    splice(text, edits)
}
