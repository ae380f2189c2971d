//! A random-input fuzzer for note parsing and file naming that runs on the stable toolchain.
//!
//! ```text
//! cargo run --release -p smartnotes-core --example fuzz -- [SECONDS] [SEED]
//! ```
//!
//! It is not coverage-guided (`cargo fuzz` needs a nightly toolchain): it generates inputs from
//! the pieces the format cares about (`---`, `#`, `Tags:`, `title:`, `\r\n`, BOM, NUL, commas)
//! mixed with random bytes and random Unicode, and checks on each one that parsing does not
//! panic, that an unedited note renders back byte for byte (`parse(x).render() == x`), that an
//! edited note (title, tags, body) renders to a note that renders back byte for byte, that
//! `render(parse(render(n))) == render(n)` for a note built through the API, and that every
//! file name is safe and unique. It prints the executions and exits non-zero on the first
//! failure, printing the input.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use smartnotes_core::{MAX_FILE_NAME_BYTES, Note, UniqueNames, file_stem};

const PIECES: [&str; 30] = [
    "\n",
    "\r\n",
    "\r",
    "#",
    "# ",
    " #tag",
    "#a/b",
    "`",
    "```",
    "~~~",
    "http://x/#y",
    "---",
    "...",
    "Tags:",
    "Tags: a, b",
    "title:",
    "tags:",
    "tags: [",
    "  - ",
    "- ",
    ",",
    " ",
    "\t",
    "\u{feff}",
    "\0",
    "[",
    "]",
    "\"",
    "'",
    ":",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn input(rng: &mut Rng) -> String {
    let mut bytes = Vec::new();
    for _ in 0..rng.below(40) {
        match rng.below(6) {
            0..=2 => bytes.extend_from_slice(PIECES[rng.below(PIECES.len())].as_bytes()),
            3 => bytes.extend((0..rng.below(8)).map(|_| b'a' + rng.below(26) as u8)),
            4 => bytes.extend((0..rng.below(6)).map(|_| rng.next() as u8)),
            _ => {
                let c = char::from_u32(rng.below(0x3_0000) as u32).unwrap_or('\u{fffd}');
                bytes.extend_from_slice(c.to_string().as_bytes());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check(text: &str) -> Result<(), String> {
    if let Ok(note) = Note::parse_named(text, "stem") {
        if note.render() != text {
            return Err("parse(x).render() != x".into());
        }
        let mut edited = note.clone();
        edited.title = format!("{} edited", note.title);
        edited.tags.push("added/tag".into());
        if let Some(first) = note.tags.first() {
            edited.tags.retain(|t| t != first);
        }
        edited.body.push_str("\nmore");
        let once = edited.render();
        match Note::parse_named(&once, "stem") {
            Ok(again) if again.render() == once => {}
            Ok(_) => return Err("an edited note does not render back".into()),
            Err(e) => return Err(format!("an edited note does not parse: {e}")),
        }
    }
    let built = Note::new(text, text, [text]);
    let once = built.render();
    let again = Note::parse(&once).map_err(|e| format!("render does not parse: {e}"))?;
    if again.render() != once {
        return Err("render(parse(render(n))) != render(n)".into());
    }
    let mut names = UniqueNames::new();
    let mut seen = HashSet::new();
    for title in [text, text, "", text.get(..text.len() / 2).unwrap_or("")] {
        let stem = file_stem(title);
        let name = names.assign(title);
        let safe = !stem.is_empty()
            && stem != "."
            && stem != ".."
            && !stem.starts_with(['.', '-'])
            && stem.chars().all(|c| c == '-' || c.is_alphanumeric())
            && name.len() <= MAX_FILE_NAME_BYTES
            && !name.contains(['/', '\\', '\0']);
        if !safe {
            return Err(format!("unsafe name {name:?} (stem {stem:?})"));
        }
        if !seen.insert(name.clone()) {
            return Err(format!("name {name:?} handed out twice"));
        }
    }
    Ok(())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(0x5eed);
    let mut rng = Rng(seed | 1);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut executions: u64 = 0;
    while Instant::now() < deadline {
        for _ in 0..1000 {
            let text = input(&mut rng);
            if let Err(problem) = check(&text) {
                eprintln!("FAILED after {executions} executions: {problem}\ninput: {text:?}");
                std::process::exit(1);
            }
            executions += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "fuzz: {executions} executions in {secs:.1} s ({:.0}/s), seed {seed:#x}: no failure",
        executions as f64 / secs
    );
}
