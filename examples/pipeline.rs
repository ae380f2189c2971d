//! The SmartNotes pipeline of the Python tutorials: read a notes folder, export every note, report.
//!
//! ```text
//! cargo run --release --example pipeline                       # sample notes, both runtimes
//! cargo run --release --example pipeline -- tokio|smol|both [NOTES [OUT]]
//! ```
//!
//! With no NOTES folder it writes a sample one (200 generated notes and a few bad files) to a
//! temporary directory, removed at the end. OUT defaults to a temporary directory too; an OUT
//! you name is kept. Exits with 1 if some of your notes were skipped, 2 on a fatal error.

use std::path::{Path, PathBuf};
use std::time::Instant;

use smartnotes::{Error, Report, RuntimeKind, Store, StoreExt, StoreJob};
use smartnotes_bench_support::corpus;

fn main() {
    // The examples' convention: the runtime first (`tokio`, `smol`, or here `both`, the
    // default), then the example's own arguments.
    let mut args = std::env::args().skip(1);
    let runtime = args.next().unwrap_or_else(|| "both".into());
    if runtime == "-h" || runtime == "--help" {
        println!("usage: pipeline [tokio|smol|both [NOTES [OUT]]]");
        return;
    }
    let positional: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let runtimes: Vec<RuntimeKind> = match runtime.as_str() {
        "both" => RuntimeKind::ALL.to_vec(),
        name => vec![
            name.parse()
                .unwrap_or_else(|e| fail(&format!("{e} (or both)"))),
        ],
    };

    let scratch =
        tempfile::tempdir().unwrap_or_else(|e| fail(&format!("no temporary directory: {e}")));
    let src = match positional.first() {
        Some(dir) => dir.clone(),
        None => {
            let dir = scratch.path().join("notes");
            write_sample(&dir);
            println!(
                "no NOTES folder given: wrote a sample of 205 files to {}",
                dir.display()
            );
            dir
        }
    };

    let mut incomplete = false;
    for &kind in &runtimes {
        let name = kind.name();
        let out = match positional.get(1) {
            Some(dir) if runtimes.len() == 1 => dir.clone(),
            Some(dir) => dir.join(name),
            None => scratch.path().join(format!("export-{name}")),
        };
        let start = Instant::now();
        let result = kind.block_on(Pipeline {
            src: &src,
            out: &out,
        });
        let elapsed = start.elapsed();
        match result {
            Ok(report) => {
                print_report(name, &report, &out, elapsed.as_secs_f64());
                incomplete |= !report.is_complete();
            }
            Err(e) => fail(&e.to_string()),
        }
    }
    // The sample's bad files are there on purpose; a folder of yours with skipped notes is not.
    if incomplete && !positional.is_empty() {
        std::process::exit(1);
    }
}

/// The pipeline, on whichever store the chosen runtime gives.
struct Pipeline<'a> {
    src: &'a Path,
    out: &'a Path,
}

impl StoreJob for Pipeline<'_> {
    type Output = Result<Report, Error>;

    async fn run<S: Store>(self, store: S) -> Self::Output {
        store.pipeline(self.src, self.out).await
    }
}

fn write_sample(dir: &Path) {
    corpus::write_corpus(&smartnotes_local::StdFs, dir, 200, 42)
        .unwrap_or_else(|e| fail(&format!("cannot write the sample: {e}")));
    let bad: [(&str, &[u8]); 4] = [
        ("latin-1.md", b"# Caf\xe9 notes\n"),
        ("empty.md", b""),
        ("photo.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("todo.txt", b"not a note: skipped without a word"),
    ];
    for (name, bytes) in bad {
        std::fs::write(dir.join(name), bytes).unwrap_or_else(|e| fail(&e.to_string()));
    }
    std::fs::write(
        dir.join("evil.md"),
        "# ../../etc/passwd\n\nA title that tries to escape.\n",
    )
    .unwrap_or_else(|e| fail(&e.to_string()));
}

fn print_report(runtime: &str, report: &Report, out: &Path, seconds: f64) {
    let n = report.exported.len();
    println!(
        "[{runtime:>5}] exported {n} notes to {} in {:.1} ms ({:.0} notes/s), skipped {}",
        out.display(),
        seconds * 1e3,
        n as f64 / seconds.max(1e-9),
        report.skipped.len()
    );
    for e in report
        .exported
        .iter()
        .filter(|e| e.source.ends_with("evil.md"))
    {
        println!("        {} -> {}", e.source.display(), e.path.display());
    }
    for s in &report.skipped {
        println!("        skipped: {}", s.reason());
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(2);
}
