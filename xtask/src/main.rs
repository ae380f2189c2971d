//! `cargo xtask`: smartnotes' own tooling (the cargo-xtask convention).
//!
//! * `corpus --notes N --out DIR`: the deterministic corpus the benches use.
//! * `bench [--quick] [--out DIR] [--no-run]`: runs the benches and writes the report (Markdown
//!   and SVG charts); a full run also regenerates `BENCHMARKS.md` and `benchmarks/*.svg`.
//! * `gate [--save] [--baseline FILE] [--tier counts|ratios|all] [--reps N]`: the performance gate.
//! * `ci`: format check, clippy, tests, docs with warnings denied.

mod bench;
mod figures;
mod gate;
mod plot;
mod policy;
mod probe;
mod report;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand, ValueEnum};
use smartnotes_bench_support::corpus;
use smartnotes_local::StdFs;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "smartnotes' own tooling")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Writes the deterministic sample corpus (seed 2026) the benches use.
    Corpus {
        #[arg(long, default_value_t = 1000)]
        notes: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// Runs the benches and writes a report: Markdown summary and SVG charts.
    ///
    /// A full run (without --quick) also regenerates BENCHMARKS.md and benchmarks/*.svg.
    Bench {
        /// Fewer cases, smaller inputs, shorter measurements: a report in a few minutes.
        #[arg(long)]
        quick: bool,
        /// The report directory (default: target/bench-report).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Do not run the benches: rebuild the report from the results already in the report
        /// directory.
        #[arg(long)]
        no_run: bool,
    },
    /// The performance gate: instruction counts and same-run ratios against a baseline.
    Gate {
        /// Write this run as the new baseline instead of comparing.
        #[arg(long)]
        save: bool,
        /// The baseline file (default: xtask/gate-baseline.json).
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Which tier(s) to run.
        #[arg(long, value_enum, default_value = "all")]
        tier: Tier,
        /// Interleaved repetitions of the ratio metrics.
        #[arg(long, default_value_t = 12)]
        reps: usize,
        /// Also write the table (Markdown) to this file, e.g. for a CI job summary.
        #[arg(long)]
        summary: Option<PathBuf>,
    },
    /// Format check, clippy, tests and docs, warnings denied: what CI runs.
    Ci,
    /// (internal) One probe case, run under callgrind by `gate`.
    #[command(hide = true)]
    Probe { case: String, mode: String },
}

#[derive(ValueEnum, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Counts,
    Ratios,
    All,
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Cmd) -> Result<ExitCode, String> {
    match command {
        Cmd::Corpus { notes, out } => {
            corpus::write_corpus(&StdFs, &out, notes, 2026)
                .map_err(|e| format!("cannot write the corpus to {}: {e}", out.display()))?;
            println!("wrote {notes} notes to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Probe { case, mode } => {
            let checksum = probe::run(&case, mode == "full")?;
            println!("{case} {mode}: {checksum}");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Ci => ci(),
        Cmd::Bench { quick, out, no_run } => bench_report(quick, out, no_run),
        Cmd::Gate {
            save,
            baseline,
            tier,
            reps,
            summary,
        } => {
            let path = baseline.unwrap_or_else(gate::default_baseline);
            let mut now = gate::Measured::default();
            if tier != Tier::Ratios {
                eprintln!("counting instructions (callgrind) ...");
                now.counts = gate::measure_counts()?;
            }
            if tier != Tier::Counts {
                eprintln!("measuring ratios, {reps} interleaved repetitions ...");
                now.samples = gate::measure_ratios(reps.max(2))?;
            }
            if save {
                gate::save(&path, &now)?;
                println!("saved the baseline to {}", path.display());
                return Ok(ExitCode::SUCCESS);
            }
            let base = gate::load(&path)?;
            let rows = gate::compare(&base, &now);
            let table = gate::table(&rows);
            println!("{table}");
            let failed = rows.iter().filter(|r| r.verdict.fails()).count();
            let verdict = if failed == 0 {
                "gate: pass".to_string()
            } else {
                format!(
                    "gate: FAIL ({failed} metric{} failed)",
                    if failed == 1 { "" } else { "s" }
                )
            };
            println!("{verdict}");
            if let Some(file) = summary {
                std::fs::write(
                    &file,
                    format!("## Performance gate\n\n{table}\n{verdict}\n"),
                )
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            }
            Ok(if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// `cargo xtask bench`: run (unless `no_run`), collect, write the report; after a full run also
/// `BENCHMARKS.md` and `benchmarks/*.svg`.
fn bench_report(quick: bool, out: Option<PathBuf>, no_run: bool) -> Result<ExitCode, String> {
    let out = out.unwrap_or_else(|| bench::root().join("target/bench-report"));
    if !no_run {
        bench::run(&out, quick)?;
    }
    let results = bench::collect(&out)?;
    let summary = report::write(&results, &out, "")?;
    let path = out.join("summary.md");
    std::fs::write(&path, &summary).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("report: {}", path.display());
    if !results.run.quick {
        let root = bench::root();
        let markdown = report::write(&results, &root.join("benchmarks"), "benchmarks/")?;
        let path = root.join("BENCHMARKS.md");
        std::fs::write(&path, markdown)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("regenerated {} and benchmarks/*.svg", path.display());
    }
    for target in policy::targets(&results) {
        let verdict = match target.holds {
            Some(true) => "holds",
            Some(false) => "MISSES",
            None => "not judged",
        };
        println!("{verdict:<10}  {}: {}", target.target, target.result);
    }
    Ok(ExitCode::SUCCESS)
}

/// One `ci` step: its name, cargo's arguments, and an environment variable to set.
type Step<'a> = (&'a str, &'a [&'a str], Option<(&'a str, &'a str)>);

/// What `.ci/run` and the workflow check.
fn ci() -> Result<ExitCode, String> {
    let steps: [Step<'_>; 5] = [
        ("fmt", &["fmt", "--all", "--check"], None),
        (
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--all-features",
                "--",
                "-D",
                "warnings",
            ],
            None,
        ),
        ("test", &["test", "--workspace", "--all-features"], None),
        // The suites that run `Strategy::Uring` again with io_uring turned off: its fallback
        // (what a kernel that refuses io_uring gets) passes them too.
        (
            "test (io_uring off)",
            &[
                "test",
                "--all-features",
                "--test",
                "pipeline",
                "--test",
                "bad_input",
                "--test",
                "reliability",
                "--test",
                "streaming",
            ],
            Some(("SMARTNOTES_URING", "off")),
        ),
        (
            "doc",
            &[
                "doc",
                "--workspace",
                "--all-features",
                "--no-deps",
                "--quiet",
            ],
            Some(("RUSTDOCFLAGS", "-D warnings")),
        ),
    ];
    for (name, args, env) in steps {
        eprintln!("== cargo {}", args.join(" "));
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(args);
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let status = cmd
            .status()
            .map_err(|e| format!("cannot run cargo {name}: {e}"))?;
        if !status.success() {
            eprintln!("xtask ci: {name} failed");
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
