//! memory: the peak resident memory of `smartnotes export`, a real process, by the number of
//! notes: 10,000, 100,000 and 1,000,000 (quick: the first two), text and `--json` output,
//! on tokio and on smol.
//!
//! The vaults are generated once into tmpfs (`/dev/shm`, else `target/bench-data`) and kept
//! between runs: notes of about 1 KiB in folders of 1,000 (a vault of a million notes in one
//! folder is not a vault anyone keeps; a folder's listing is held while it is read, so memory
//! grows with the largest folder, not with the vault). Each export goes to a new folder,
//! removed after it. Peak memory is `/usr/bin/time -f %M` (GNU time), the kernel's own
//! high-water mark for the child; without it the bench says so and measures nothing.
//!
//! `cargo bench --bench memory` (`-- --max N` to stop at N notes).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use smartnotes_io::support::corpus;
use smartnotes_io::support::results::{MemoryBench, MemoryRow};

const FOLDER: usize = 1_000;
const TIME: &str = "/usr/bin/time";

/// A vault of `n` notes in folders of [`FOLDER`], written once (two writer threads) and
/// marked complete.
fn vault(base: &Path, n: usize) -> PathBuf {
    let dir = base.join(format!("vault-{n}"));
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove a partial vault");
    }
    eprintln!("writing {n} notes into {} ...", dir.display());
    let folders = n.div_ceil(FOLDER);
    std::thread::scope(|s| {
        for part in 0..2 {
            let dir = &dir;
            s.spawn(move || {
                for f in (part..folders).step_by(2) {
                    let folder = dir.join(format!("f{f:04}"));
                    std::fs::create_dir_all(&folder).expect("vault folder");
                    for i in f * FOLDER..((f + 1) * FOLDER).min(n) {
                        let (name, text) = corpus::sample_note(i, common::SEED, 900);
                        std::fs::write(folder.join(name), text).expect("write note");
                    }
                }
            });
        }
    });
    std::fs::write(&done, b"").expect("mark the vault complete");
    dir
}

/// One export under `/usr/bin/time`: (peak MiB, seconds, notes exported).
fn export(cli: &Path, src: &Path, dest: &Path, runtime: &str, json: bool) -> (f64, f64, usize) {
    let mut cmd = Command::new(TIME);
    cmd.args(["-f", "peak-kib %M"])
        .arg(cli)
        .args(["export", "--recursive", "--runtime", runtime]);
    if json {
        cmd.arg("--json");
    }
    let start = Instant::now();
    let out = cmd
        .arg(src)
        .arg(dest)
        .output()
        .expect("run smartnotes export");
    let seconds = start.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "export failed: {stderr}");
    let kib: f64 = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("peak-kib "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak in {stderr}"));
    let exported = if json {
        let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
        let files = doc["files"].as_array().map_or(0, Vec::len);
        assert_eq!(doc["exported"].as_u64(), Some(files as u64));
        files
    } else {
        stdout
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("`exported N notes ...`")
    };
    (kib / 1024.0, seconds, exported)
}

fn main() {
    let quick = common::quick();
    let mut max = if quick { 100_000 } else { 1_000_000 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--max" {
            max = args.next().and_then(|v| v.parse().ok()).unwrap_or(max);
        }
    }
    // Kept between runs (the vaults take minutes to write): one folder, not one per process.
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.join("smartnotes-bench-memory")
    } else {
        common::disk_base()
    };
    std::fs::create_dir_all(&base).expect("bench dir");
    let layout = format!(
        "notes of about 1 KiB in folders of {FOLDER}, under {}",
        base.display()
    );
    if !Path::new(TIME).exists() {
        let why = format!("{TIME} (GNU time) is not installed: `apt-get install time`");
        println!("memory: skipped: {why}");
        common::write_results(
            "memory",
            &MemoryBench {
                layout,
                rows: Vec::new(),
                skipped: Some(why),
            },
        );
        return;
    }
    let cli = common::cli_binary();
    let mut rows = Vec::new();
    println!("\n| notes | runtime | output | peak RSS (MiB) | seconds |");
    println!("|---:|---|---|---:|---:|");
    for n in [10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|&n| n <= max)
    {
        let src = vault(&base, n);
        for runtime in ["tokio", "smol"] {
            for json in [false, true] {
                let dest = base.join("export");
                if dest.exists() {
                    std::fs::remove_dir_all(&dest).expect("remove the last export");
                }
                let (peak_mib, seconds, exported) = export(&cli, &src, &dest, runtime, json);
                assert_eq!(exported, n, "every note exported");
                std::fs::remove_dir_all(&dest).expect("remove the export");
                println!(
                    "| {n} | {runtime} | {} | {peak_mib:.1} | {seconds:.1} |",
                    if json { "json" } else { "text" }
                );
                rows.push(MemoryRow {
                    notes: n,
                    runtime: runtime.into(),
                    json,
                    peak_mib,
                    seconds,
                    exported,
                });
            }
        }
    }
    common::write_results(
        "memory",
        &MemoryBench {
            layout,
            rows,
            skipped: None,
        },
    );
}
