//! memory: the peak resident memory of `smartnotes export`, a real process, by the number of
//! notes: 10,000, 100,000 and 1,000,000 (quick: the first two), in two layouts (folders of
//! 1,000 notes; every note in ONE folder, the seed tutorials' flat `notes/`), text and
//! `--json` output, on tokio and on smol.
//!
//! The vaults are generated once into tmpfs (`/dev/shm`, else `target/bench-data`) and kept
//! between runs: notes of about 1 KiB. A tmpfs holds about 3 million files, so only one
//! layout's million-note vault is kept at a time (the other is removed before it is written).
//! Each export goes to a new folder, removed after it. Peak memory is `/usr/bin/time -f %M`
//! (GNU time), the kernel's own high-water mark for the child; without it the bench says so
//! and measures nothing.
//!
//! `cargo bench --bench memory` (`-- --max N` to stop at N notes).

mod common;

use std::path::Path;
use std::process::Command;

use smartnotes_bench_support::results::{MemoryBench, MemoryRow};

/// One export under `/usr/bin/time` (`--recursive` when asked): (peak MiB, seconds, notes
/// exported).
fn export(
    cli: &Path,
    (src, dest, recursive): (&Path, &Path, bool),
    runtime: &str,
    json: bool,
) -> (f64, f64, usize) {
    let mut cmd = Command::new(cli);
    cmd.args(["export", "--runtime", runtime]);
    if recursive {
        cmd.arg("--recursive");
    }
    if json {
        cmd.arg("--json");
    }
    let (out, peak_mib, seconds) = common::peak(cmd.arg(src).arg(dest));
    let stdout = String::from_utf8_lossy(&out.stdout);
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
    (peak_mib, seconds, exported)
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
        "notes of about 1 KiB in folders of {} (`folders`) or all in one folder (`flat`), under {}",
        common::FOLDER,
        base.display()
    );
    if let Err(why) = common::peak_measurable() {
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
    println!("\n| layout | notes | runtime | output | peak RSS (MiB) | seconds |");
    println!("|---|---:|---|---|---:|---:|");
    let sizes = [10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|&n| n <= max);
    for (layout, n) in sizes.flat_map(|n| [("folders", n), ("flat", n)]) {
        let src = if layout == "flat" {
            if n >= 1_000_000 {
                remove_vault(&base.join(format!("vault-{n}")));
            }
            // Every note in one folder, `flat-N/f0000`, exported without `--recursive`.
            common::vault_of(&base.join(format!("flat-{n}")), n, n).join("f0000")
        } else {
            if n >= 1_000_000 {
                remove_vault(&base.join(format!("flat-{n}")));
            }
            common::vault(&base, n)
        };
        for runtime in ["tokio", "smol"] {
            for json in [false, true] {
                let dest = base.join("export");
                if dest.exists() {
                    std::fs::remove_dir_all(&dest).expect("remove the last export");
                }
                let (peak_mib, seconds, exported) =
                    export(&cli, (&src, &dest, layout == "folders"), runtime, json);
                assert_eq!(exported, n, "every note exported");
                std::fs::remove_dir_all(&dest).expect("remove the export");
                println!(
                    "| {layout} | {n} | {runtime} | {} | {peak_mib:.1} | {seconds:.1} |",
                    if json { "json" } else { "text" }
                );
                rows.push(MemoryRow {
                    notes: n,
                    layout: layout.into(),
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

/// Removes a kept vault, if there is one (a tmpfs holds about 3 million files).
fn remove_vault(dir: &Path) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).expect("remove a kept vault");
    }
}
