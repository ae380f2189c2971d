//! A process killed mid-export (SIGKILL: no destructor, no clean-up runs) leaves nothing in
//! DEST but complete notes: every file there is one note's full rendering, no temporary or
//! partial file.

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use smartnotes::Note;
use smartnotes_bench_support::corpus;
use smartnotes_local::StdFs;

#[test]
fn a_killed_export_leaves_only_complete_notes() {
    let dir = tempfile::tempdir().unwrap();
    let (src, dest) = (dir.path().join("notes"), dir.path().join("out"));
    let notes = 20_000;
    corpus::write_corpus(&StdFs, &src, notes, 11).unwrap();
    let complete: HashSet<Vec<u8>> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            Note::parse(&text).unwrap().render().into_bytes()
        })
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_smartnotes"))
        .args(["export", "--strategy", "concurrent"])
        .arg(&src)
        .arg(&dest)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some notes are out, while the rest are being written.
    let start = Instant::now();
    let written = loop {
        let n = std::fs::read_dir(&dest).map_or(0, |d| d.count());
        if n >= 200 || start.elapsed() > Duration::from_secs(20) {
            break n;
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    child.kill().unwrap();
    let status = child.wait().unwrap();
    let files: Vec<_> = std::fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(written >= 200, "the export started");
    assert!(
        !status.success() && files.len() < notes,
        "killed midway ({} of {notes} written)",
        files.len()
    );
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(
            name.ends_with(".md") && !name.starts_with('.'),
            "stray file {name}"
        );
        let bytes = std::fs::read(path).unwrap();
        assert!(complete.contains(&bytes), "{name} is not a complete note");
    }
}
