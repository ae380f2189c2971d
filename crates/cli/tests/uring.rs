//! `--strategy uring`, a real process: io_uring's reads and their forced fallback
//! (`SMARTNOTES_URING=off`, as when the kernel refuses io_uring) export the same notes and
//! report the same skips as the blocking strategy; with strace installed, the io_uring run is
//! seen to submit its reads in batches and the fallback never to set a ring up.

#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use smartnotes_bench_support::{corpus, strace};
use smartnotes_local::StdFs;

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        out.insert(
            path.strip_prefix(dir).unwrap().to_path_buf(),
            std::fs::read(&path).unwrap(),
        );
    }
    out
}

/// A corpus of 300 notes, plus notes that are longer than io_uring's 16 KiB read, over the
/// limit, empty, binary, and a folder named like a note (not a note: passed over).
fn source(dir: &Path) -> PathBuf {
    let src = dir.join("src");
    corpus::write_corpus(&StdFs, &src, 300, 11).unwrap();
    std::fs::write(
        src.join("long.md"),
        format!("# Long\n\n{}\n", "a long line of text. ".repeat(3000)),
    )
    .unwrap();
    // Over the default 16 MiB limit (sparse: no disk used).
    std::fs::File::create(src.join("over.md"))
        .unwrap()
        .set_len(17 << 20)
        .unwrap();
    std::fs::write(src.join("empty.md"), "").unwrap();
    std::fs::write(src.join("binary.md"), b"# B\0inary\n").unwrap();
    std::fs::create_dir(src.join("folder.md")).unwrap();
    src
}

fn export(src: &Path, dest: &Path, strategy: &str, env: &[(&str, &str)]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_smartnotes"))
        .args(["export", "--json", "--strategy", strategy])
        .arg(src)
        .arg(dest)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "some notes are skipped");
    output
}

/// `skipped` of the JSON document, with paths made relative.
fn skipped(output: &Output) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let path = s["source"].as_str().unwrap();
            Path::new(path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn uring_and_its_forced_fallback_export_what_blocking_exports() {
    let dir = tempfile::tempdir().unwrap();
    let src = source(dir.path());
    let blocking = export(&src, &dir.path().join("blocking"), "blocking", &[]);
    let uring = export(&src, &dir.path().join("uring"), "uring", &[]);
    let fallback = export(
        &src,
        &dir.path().join("fallback"),
        "uring",
        &[("SMARTNOTES_URING", "off")],
    );
    let reference = files(&dir.path().join("blocking"));
    assert_eq!(reference.len(), 301, "300 notes and the long one");
    assert_eq!(files(&dir.path().join("uring")), reference);
    assert_eq!(files(&dir.path().join("fallback")), reference);
    let skips = skipped(&blocking);
    assert_eq!(skips, ["binary.md", "empty.md", "over.md"]);
    assert_eq!(skipped(&uring), skips);
    assert_eq!(skipped(&fallback), skips);
    let said = String::from_utf8_lossy(&fallback.stderr);
    assert!(
        said.contains("io_uring not used (turned off by SMARTNOTES_URING)"),
        "{said}"
    );
}

/// `strace -f -c` of `export --strategy uring SRC DIR/NAME`: calls by name, `None` without
/// strace.
fn strace(
    dir: &Path,
    src: &Path,
    name: &str,
    env: &[(&str, &str)],
) -> Option<BTreeMap<String, u64>> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_smartnotes"));
    command
        .args(["export", "--strategy", "uring"])
        .arg(src)
        .arg(dir.join(name))
        .envs(env.iter().copied());
    let calls = strace::count(&mut command, &dir.join(format!("{name}.strace"))).unwrap();
    if calls.is_none() {
        eprintln!("strace is not installed: system calls not counted (apt-get install strace)");
    }
    calls
}

#[test]
fn uring_submits_reads_in_batches_and_the_fallback_sets_no_ring_up() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let notes = 1_000;
    if let Err(why) = smartnotes::store::uring_backend() {
        eprintln!("io_uring is not used here ({why}): its batches not counted");
        return;
    }
    corpus::write_corpus(&StdFs, &src, notes, 5).unwrap();
    let Some(uring) = strace(dir.path(), &src, "uring", &[]) else {
        return;
    };
    let fallback = strace(dir.path(), &src, "fallback", &[("SMARTNOTES_URING", "off")]).unwrap();
    let get = |calls: &BTreeMap<String, u64>, name: &str| calls.get(name).copied().unwrap_or(0);
    println!("io_uring: {uring:?}\nfallback: {fallback:?}");
    assert!(get(&uring, "io_uring_setup") >= 1);
    let enters = get(&uring, "io_uring_enter");
    assert!(
        enters > 0 && enters <= (notes as u64).div_ceil(32) + 16,
        "{enters} io_uring_enter calls for {notes} notes"
    );
    // Reading through the ring: the note reads' openat/read/close are gone from the process's
    // own calls (the writes' four a note remain).
    assert!(
        get(&uring, "read") < get(&fallback, "read") / 4,
        "read calls: io_uring {} vs fallback {}",
        get(&uring, "read"),
        get(&fallback, "read")
    );
    assert_eq!(get(&fallback, "io_uring_setup"), 0);
    assert_eq!(get(&fallback, "io_uring_enter"), 0);
}
