//! `cargo xtask`: smartnotes' own tooling (the cargo-xtask convention).
//!
//! * `corpus --notes N --out DIR`: the deterministic corpus the benches use.
//! * `gate [--save] [--baseline FILE] [--tier counts|ratios|all] [--reps N]`: the performance gate.
//! * `ci`: format check, clippy, tests, docs with warnings denied.

mod gate;
mod probe;
mod stats;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand, ValueEnum};
use smartnotes::StdFs;
use smartnotes::io::corpus;

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

/// One `ci` step: its name, cargo's arguments, and an environment variable to set.
type Step<'a> = (&'a str, &'a [&'a str], Option<(&'a str, &'a str)>);

/// What `.ci/run` and the workflow check.
fn ci() -> Result<ExitCode, String> {
    let steps: [Step; 4] = [
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
