//! The target policy: every threshold the report judges a run against, named in one table,
//! and the verdicts ([`targets`]) computed from a run's figures ([`crate::figures`]). The
//! report ([`crate::report`]) only renders them.

use crate::bench::Results;
use crate::figures::{ThroughputRow, largest_group, latency_rows, runtimes, thousands, throughput};

// The thresholds, one table:
/// Latency, N=5 (sequential and concurrent): within this share of the ideal time.
pub(crate) const LATENCY_SMALL: f64 = 0.01;
/// Latency, N=1,000 at limit 1,000: within this share of the ideal time.
pub(crate) const LATENCY_LARGE: f64 = 0.03;
/// Throughput: the best strategy of each runtime, as a share of the multi-thread `std::fs` loop.
pub(crate) const THROUGHPUT_SHARE: f64 = 0.90;
/// Scan: `count_matching` throughput as a share of the `std` + `memmem` loop on every core.
pub(crate) const SCAN_SHARE: f64 = 0.90;
/// Scan: `count_matching` throughput over `rg -c`'s on the same file.
pub(crate) const SCAN_OVER_RG: f64 = 1.5;
/// Scan: peak RSS of the scan bench's process, MiB.
pub(crate) const SCAN_RSS_MIB: f64 = 16.0;
/// Scan: `read_lines` (batched) throughput, GB/s.
pub(crate) const READ_LINES_GBPS: f64 = 1.0;
/// Memory: an export's peak RSS at the largest vault, MiB.
pub(crate) const EXPORT_RSS_MIB: f64 = 32.0;
/// Memory: an export's peak RSS at the largest vault over the one at the smallest, MiB.
pub(crate) const EXPORT_RSS_GROWTH_MIB: f64 = 4.0;
/// Scan: heartbeat p99 over idle while scanning, ms.
pub(crate) const SCAN_LATENESS_MS: f64 = 2.0;
/// Object storage: 5 notes, concurrent over sequential, at least this many times faster.
pub(crate) const OBJECT_SPEEDUP_5: f64 = 4.5;
/// Object storage: 1,000 notes at limit 64 within this share of the ideal time.
pub(crate) const OBJECT_LARGE: f64 = 0.10;
/// Lag: the read rate a calm strategy must reach, as a share of the baseline.
pub(crate) const LAG_SHARE: f64 = 0.85;
/// System calls per note read (every strategy the bench measures).
pub(crate) const READ_CALLS: f64 = 3.0;
/// System calls per note exported (every strategy the bench measures).
pub(crate) const EXPORT_CALLS: f64 = 7.0;
/// System calls per note: what a bound allows over it (calls per run, not per note, that do
/// not cancel between the two corpora).
pub(crate) const SYSCALL_SLACK: f64 = 0.05;
/// Lag: the heartbeat p99 over idle that counts as calm, ms.
pub(crate) const LAG_LATENESS_MS: f64 = 1.0;
/// Read: the default strategy as a share of the multi-thread `std::fs` loop (issue #24).
pub(crate) const DEFAULT_READ_SHARE: f64 = 1.05;
/// Read: the default strategy as a share of the lean limit (issue #24).
pub(crate) const LIMIT_SHARE: f64 = 0.95;
/// Read: the default strategy over each async peer's rate, at least (issue #24).
pub(crate) const OVER_PEERS: f64 = 2.0;
/// How far ahead of compio (an io_uring runtime) the default strategy reads (issue #24).
pub(crate) const OVER_COMPIO: f64 = 1.2;
/// Scan: `smartnotes scan` as a process, as a share of the `std` loop on every core (#24).
pub(crate) const CLI_SCAN_SHARE: f64 = 0.90;
/// Export: an unchanged re-run at least this many times faster than the first export (#25).
pub(crate) const RERUN_SPEEDUP: f64 = 3.0;

/// `0.05` as `5%`.
fn pct(share: f64) -> String {
    format!("{}%", share * 100.0)
}

/// A target from the issues, with its verdict on this run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Target {
    pub target: String,
    /// `Some(true)` holds, `Some(false)` misses, `None` not measured in this run.
    pub holds: Option<bool>,
    pub result: String,
}

/// The targets of the issues, judged on `r`.
pub(crate) fn targets(r: &Results) -> Vec<Target> {
    let mut out = Vec::new();
    // Latency, by (notes, strategy) across both runtimes.
    let latency = latency_rows(r);
    for (n, strategy, tolerance, what) in [
        (
            5,
            "sequential",
            LATENCY_SMALL,
            format!(
                "latency: sequential N=5 within {} of 1.0 s",
                pct(LATENCY_SMALL)
            ),
        ),
        (
            5,
            "concurrent",
            LATENCY_SMALL,
            format!(
                "latency: concurrent N=5 within {} of 0.2 s",
                pct(LATENCY_SMALL)
            ),
        ),
        (
            1000,
            "concurrent-1000",
            LATENCY_LARGE,
            format!(
                "latency: N=1,000, limit 1,000, within {} of 0.2 s",
                pct(LATENCY_LARGE)
            ),
        ),
    ] {
        let rows: Vec<_> = latency
            .iter()
            .filter(|l| l.notes == n && l.strategy == strategy)
            .collect();
        out.push(if rows.is_empty() {
            missing(&what)
        } else {
            Target {
                target: what,
                holds: Some(rows.iter().all(|l| l.off().abs() <= tolerance)),
                result: rows
                    .iter()
                    .map(|l| format!("{:+.2}% ({})", l.off() * 100.0, l.runtime))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        });
    }
    // Throughput: the best strategy of each runtime against the multi-thread std loop, in the
    // largest group of each kind this run has.
    for (kind, what) in [
        (
            "disk-read-",
            "read: best strategy >= {share} of the multi-thread `std::fs` loop",
        ),
        (
            "tmpfs-pipeline-",
            "full pipeline on tmpfs >= {share} of the multi-thread `std::fs` pipeline",
        ),
        (
            "disk-pipeline-",
            "full pipeline on the real disk >= {share} of the multi-thread `std::fs` pipeline",
        ),
    ] {
        let what = &what.replace("{share}", &pct(THROUGHPUT_SHARE));
        let Some((group, notes)) = largest_group(r, kind) else {
            out.push(missing(what));
            continue;
        };
        let table = throughput(r, &group);
        let best: Vec<(&str, &ThroughputRow)> = smartnotes::RuntimeKind::ALL
            .iter()
            .map(|kind| kind.name())
            .filter_map(|rt| {
                table
                    .iter()
                    .filter(|row| row.runtime.as_deref() == Some(rt))
                    .max_by(|a, b| a.share.total_cmp(&b.share))
                    .map(|row| (rt, row))
            })
            .collect();
        if best.is_empty() {
            out.push(missing(what));
            continue;
        }
        let figures = best
            .iter()
            .map(|(rt, row)| {
                format!(
                    "{}: {:.1}% [{:.1}, {:.1}] (`{}`)",
                    rt,
                    row.share * 100.0,
                    row.share_low * 100.0,
                    row.share_high * 100.0,
                    row.id
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        // Judged on the mean of the paired ratios; the interval says how sure that is.
        out.push(Target {
            target: format!("{what} ({} notes)", thousands(notes)),
            holds: Some(best.iter().all(|(_, row)| row.share >= THROUGHPUT_SHARE)),
            result: figures,
        });
    }
    default_read_targets(r, &mut out);
    rerun_target(r, &mut out);
    scan_targets(r, &mut out);
    memory_targets(r, &mut out);
    object_store_targets(r, &mut out);
    syscall_targets(r, &mut out);
    // Lag: some strategy reads fast enough with the heartbeat calm.
    let share = pct(LAG_SHARE);
    let what = &format!(
        "lag: heartbeat p99 within {LAG_LATENESS_MS} ms of idle while reading at >= {share} of \
         the baseline"
    );
    match &r.lag {
        None => out.push(missing(what)),
        Some(lag) => {
            let mut holds = true;
            let mut parts = Vec::new();
            for rt in runtimes(lag.rows.iter().map(|l| l.runtime.as_str())) {
                let fast = lag.rows.iter().filter(|l| {
                    l.runtime == rt
                        && !l.idle
                        && !l.anti_pattern
                        && l.share_of_baseline.unwrap_or(0.0) >= LAG_SHARE
                });
                match fast.min_by(|a, b| {
                    a.lateness
                        .p99_over_idle_ms
                        .total_cmp(&b.lateness.p99_over_idle_ms)
                }) {
                    Some(best) => {
                        holds &= best.lateness.p99_over_idle_ms <= LAG_LATENESS_MS;
                        parts.push(format!(
                            "{rt}: calmest at >= {share} is `{}`, {:.1}% at {:+.2} ms",
                            best.workload,
                            best.share_of_baseline.unwrap_or(f64::NAN) * 100.0,
                            best.lateness.p99_over_idle_ms
                        ));
                    }
                    None => {
                        holds = false;
                        parts.push(format!("{rt}: no strategy reads at >= {share}"));
                    }
                }
            }
            out.push(Target {
                target: format!("{what} ({} notes)", thousands(lag.notes)),
                holds: Some(holds && !parts.is_empty()),
                result: parts.join("; "),
            });
        }
    }
    out
}

/// The default strategy's reading (issue #24): against the baseline, the lean limit and the
/// async peers, in the largest read group.
fn default_read_targets(r: &Results, out: &mut Vec<Target>) {
    let label = smartnotes_bench_support::results::label(smartnotes::Strategy::default());
    let whats = [
        format!(
            "read: default strategy (`{label}`) >= {} of the multi-thread `std::fs` loop",
            pct(DEFAULT_READ_SHARE)
        ),
        format!(
            "read: default strategy >= {} of the lean limit (`lean-N-threads`)",
            pct(LIMIT_SHARE)
        ),
        format!(
            "read: default strategy >= {OVER_PEERS}x every async peer (`tokio::fs`, `async-fs`)"
        ),
        format!("read: default strategy >= {OVER_COMPIO}x compio (`compio::fs::read`)"),
    ];
    let Some((group, notes)) = largest_group(r, "disk-read-") else {
        out.extend(whats.iter().map(|w| missing(w)));
        return;
    };
    let table = throughput(r, &group);
    let find = |f: &dyn Fn(&str) -> bool| table.iter().find(|row| f(&row.id));
    let ours: Vec<&ThroughputRow> = smartnotes::RuntimeKind::ALL
        .iter()
        .filter_map(|kind| find(&|id| id == format!("{}-{label}", kind.name())))
        .collect();
    let lean = find(&|id| id.starts_with("lean-"));
    let peers: Vec<&ThroughputRow> = table
        .iter()
        .filter(|row| row.id.starts_with("tokio-fs-") || row.id.starts_with("async-fs-"))
        .collect();
    let compio = find(&|id| id.starts_with("compio-fs-"));
    let n = thousands(notes);
    if ours.is_empty() {
        out.extend(whats.iter().map(|w| missing(w)));
        return;
    }
    out.push(Target {
        target: format!("{} ({n} notes)", whats[0]),
        holds: Some(ours.iter().all(|row| row.share >= DEFAULT_READ_SHARE)),
        result: ours
            .iter()
            .map(|row| {
                format!(
                    "`{}`: {:.1}% [{:.1}, {:.1}]",
                    row.id,
                    row.share * 100.0,
                    row.share_low * 100.0,
                    row.share_high * 100.0
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    });
    out.push(match lean {
        None => missing(&whats[1]),
        Some(lean) => Target {
            target: format!("{} ({n} notes)", whats[1]),
            holds: Some(ours.iter().all(|row| row.share / lean.share >= LIMIT_SHARE)),
            result: format!(
                "{}; `{}` at {:.1}% of the baseline",
                ours.iter()
                    .map(|row| format!("`{}`: {:.1}%", row.id, 100.0 * row.share / lean.share))
                    .collect::<Vec<_>>()
                    .join(", "),
                lean.id,
                lean.share * 100.0
            ),
        },
    });
    out.push(if peers.is_empty() {
        missing(&whats[2])
    } else {
        let slowest_lead = |row: &ThroughputRow| {
            peers
                .iter()
                .map(|peer| row.per_s / peer.per_s)
                .fold(f64::INFINITY, f64::min)
        };
        Target {
            target: format!("{} ({n} notes)", whats[2]),
            holds: Some(ours.iter().all(|row| slowest_lead(row) >= OVER_PEERS)),
            result: format!(
                "{}; peers: {}",
                ours.iter()
                    .map(|row| format!("`{}`: {:.1}x the fastest peer", row.id, slowest_lead(row)))
                    .collect::<Vec<_>>()
                    .join(", "),
                peers
                    .iter()
                    .map(|peer| format!("`{}` {:.1}% of the baseline", peer.id, peer.share * 100.0))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    });
    out.push(match compio {
        None => missing(&whats[3]),
        Some(compio) => Target {
            target: format!("{} ({n} notes)", whats[3]),
            holds: Some(
                ours.iter()
                    .all(|row| row.per_s / compio.per_s >= OVER_COMPIO),
            ),
            result: format!(
                "{}; `{}` at {:.1}% of the baseline",
                ours.iter()
                    .map(|row| format!("`{}`: {:.1}x", row.id, row.per_s / compio.per_s))
                    .collect::<Vec<_>>()
                    .join(", "),
                compio.id,
                compio.share * 100.0
            ),
        },
    });
}

/// An unchanged re-run against the first export, per runtime (issue #25).
fn rerun_target(r: &Results, out: &mut Vec<Target>) {
    let what = format!(
        "export: an unchanged re-run >= {RERUN_SPEEDUP}x faster than the first export (tmpfs)"
    );
    let mut parts = Vec::new();
    let mut holds = true;
    let mut notes = 0;
    for kind in smartnotes::RuntimeKind::ALL {
        let Some(group) = r.disk.as_ref().and_then(|d| {
            d.groups
                .iter()
                .filter(|g| {
                    g.name.starts_with("tmpfs-rerun-")
                        && g.name.ends_with(&format!("-{}", kind.name()))
                })
                .max_by_key(|g| g.notes)
        }) else {
            continue;
        };
        notes = group.notes;
        if let Some(row) = throughput(r, &group.name)
            .into_iter()
            .find(|row| row.id.ends_with("-rerun"))
        {
            holds &= row.share >= RERUN_SPEEDUP;
            parts.push(format!(
                "{}: {:.2}x [{:.2}, {:.2}]",
                kind.name(),
                row.share,
                row.share_low,
                row.share_high
            ));
        }
    }
    out.push(if parts.is_empty() {
        missing(&what)
    } else {
        Target {
            target: format!("{what} ({} notes)", thousands(notes)),
            holds: Some(holds),
            result: parts.join(", "),
        }
    });
}

fn missing(what: &str) -> Target {
    Target {
        target: what.into(),
        holds: None,
        result: "not measured in this run".into(),
    }
}

/// The scan's targets: against the `std` loop on every core and `rg -c`, heartbeat, memory,
/// and `read_lines`.
fn scan_targets(r: &Results, out: &mut Vec<Target>) {
    let names = [
        format!(
            "scan: `count_matching` >= {} of the `std` + `memmem` loop on every core, both runtimes",
            pct(SCAN_SHARE)
        ),
        format!(
            "scan: `count_matching` >= {SCAN_OVER_RG}x `rg -c` on the same file, both runtimes"
        ),
        format!(
            "scan: heartbeat p99 within {SCAN_LATENESS_MS} ms of idle while `count_matching` runs"
        ),
        format!("scan: peak RSS <= {SCAN_RSS_MIB} MiB"),
        format!("scan: `read_lines` (batched) >= {READ_LINES_GBPS} GB/s, both runtimes"),
    ];
    let Some(scan) = &r.scan else {
        out.extend(names.iter().map(|n| missing(n)));
        return;
    };
    let rows = |workload: &str| -> Vec<_> {
        let rows = scan
            .rows
            .iter()
            .filter(|row| row.workload.starts_with(workload));
        rows.filter_map(|row| Some((row.runtime.as_str(), row.gbps?, row)))
            .collect()
    };
    let counts = rows("count_matching");
    let list = |f: &dyn Fn(f64) -> String| {
        counts
            .iter()
            .map(|(runtime, gbps, _)| format!("{runtime}: {}", f(*gbps)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let all = |ok: &dyn Fn(f64) -> bool| !counts.is_empty() && counts.iter().all(|c| ok(c.1));
    let [share_name, rg_name, late_name, rss_name, lines_name] = names;
    let threads = scan.std_threads_gbps;
    let cli_name = format!(
        "scan: `smartnotes scan` (the process, start-up included) >= {} of the `std` loop on every core",
        pct(CLI_SCAN_SHARE)
    );
    out.push(match scan.cli_gbps {
        Some(cli) if threads > 0.0 => {
            // The share measured side by side where there is one; else the medians' ratio.
            let (share, interval) = match scan.cli_share {
                Some(s) => (
                    s.estimate,
                    format!(" [{:.0}, {:.0}]", 100.0 * s.low, 100.0 * s.high),
                ),
                None => (cli / threads, String::new()),
            };
            Target {
                target: format!("{cli_name} ({} MiB)", scan.mib),
                holds: Some(share >= CLI_SCAN_SHARE),
                result: format!(
                    "{cli:.2} GB/s ({:.0}%{interval}); `std` loop on {} threads {threads:.2} GB/s",
                    100.0 * share,
                    scan.threads
                ),
            }
        }
        _ => missing(&cli_name),
    });
    out.push(if threads > 0.0 {
        Target {
            target: format!("{share_name} ({} MiB in the page cache)", scan.mib),
            holds: Some(all(&|g| g >= SCAN_SHARE * threads)),
            result: format!(
                "{}; `std` loop on {} threads {threads:.2} GB/s (one thread {:.2})",
                list(&|g| format!("{g:.2} GB/s ({:.0}%)", 100.0 * g / threads)),
                scan.threads,
                scan.std_gbps
            ),
        }
    } else {
        missing(&share_name)
    });
    out.push(match scan.rg_gbps {
        Some(rg) => Target {
            target: rg_name,
            holds: Some(all(&|g| g >= SCAN_OVER_RG * rg)),
            result: format!(
                "{}; `rg -c` {rg:.2} GB/s",
                list(&|g| format!("{:.2}x", g / rg))
            ),
        },
        None => Target {
            target: rg_name,
            holds: None,
            result: scan
                .rg_note
                .clone()
                .unwrap_or_else(|| "not measured in this run".into()),
        },
    });
    out.push(Target {
        target: late_name,
        holds: Some(
            !counts.is_empty()
                && counts
                    .iter()
                    .all(|c| c.2.lateness.p99_over_idle_ms <= SCAN_LATENESS_MS),
        ),
        result: counts
            .iter()
            .map(|c| format!("{}: {:+.2} ms", c.0, c.2.lateness.p99_over_idle_ms))
            .collect::<Vec<_>>()
            .join(", "),
    });
    out.push(Target {
        target: rss_name,
        holds: Some(scan.rss_mib.after_big <= SCAN_RSS_MIB),
        result: format!(
            "{:.1} MiB after scanning the 64 MiB logs, {:.1} MiB after the {} MiB ones",
            scan.rss_mib.after_small, scan.rss_mib.after_big, scan.mib
        ),
    });
    let lines = rows("read_lines");
    out.push(if lines.is_empty() {
        missing(&lines_name)
    } else {
        Target {
            target: lines_name,
            holds: Some(lines.iter().all(|l| l.1 >= READ_LINES_GBPS)),
            result: lines
                .iter()
                .map(|(runtime, gbps, _)| format!("{runtime}: {gbps:.2} GB/s"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    });
}

/// The object store's targets: overlapping waits on the real protocol, and memory bounded as
/// for local files.
fn object_store_targets(r: &Results, out: &mut Vec<Target>) {
    let speedup = format!(
        "object storage: 5 notes concurrently >= {OBJECT_SPEEDUP_5}x faster than sequentially, both runtimes"
    );
    let large = format!(
        "object storage: 1,000 notes at limit 64 within {} of ceil(1000/64) delays + one service time",
        pct(OBJECT_LARGE)
    );
    let memory = format!(
        "object storage: export from a bucket, peak RSS at the larger bucket within {EXPORT_RSS_GROWTH_MIB} MiB of the smaller's"
    );
    let Some(bench) = &r.object_store else {
        for name in [&speedup, &large, &memory] {
            out.push(missing(name));
        }
        return;
    };
    let speedups = crate::figures::object_store_speedups(bench, 5, 64);
    out.push(Target {
        target: speedup,
        holds: (!speedups.is_empty()).then(|| {
            speedups
                .iter()
                .all(|(_, (median, ..))| *median >= OBJECT_SPEEDUP_5)
        }),
        result: speedups
            .iter()
            .map(|(rt, (median, low, high))| format!("{rt}: {median:.2}x [{low:.2}, {high:.2}]"))
            .collect::<Vec<_>>()
            .join(", "),
    });
    let rows: Vec<_> = bench
        .rows
        .iter()
        .filter(|row| row.notes == 1000 && row.limit == 64)
        .map(|row| {
            let ideal = bench.ideal(row);
            let (median, ..) = crate::figures::median_range(&row.seconds);
            (row.runtime.as_str(), median, ideal)
        })
        .collect();
    out.push(Target {
        target: large,
        holds: (!rows.is_empty()).then(|| {
            rows.iter()
                .all(|(_, m, ideal)| m / ideal - 1.0 <= OBJECT_LARGE)
        }),
        result: rows
            .iter()
            .map(|(rt, m, ideal)| {
                format!(
                    "{rt}: {m:.3} s vs {ideal:.3} s ({:+.1}%)",
                    (m / ideal - 1.0) * 100.0
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    });
    let sizes = (
        bench.memory.iter().map(|m| m.notes).min(),
        bench.memory.iter().map(|m| m.notes).max(),
    );
    match sizes {
        (Some(small), Some(large)) if small < large => {
            let worst = |n: usize| {
                bench
                    .memory
                    .iter()
                    .filter(|m| m.notes == n)
                    .map(|m| m.peak_mib)
                    .fold(0.0_f64, f64::max)
            };
            let (at_small, at_large) = (worst(small), worst(large));
            out.push(Target {
                target: format!(
                    "{memory} ({} vs {} notes)",
                    thousands(large),
                    thousands(small)
                ),
                holds: Some(at_large - at_small <= EXPORT_RSS_GROWTH_MIB),
                result: format!(
                    "{at_large:.1} MiB vs {at_small:.1} MiB ({:+.1} MiB; worst of both runtimes)",
                    at_large - at_small
                ),
            });
        }
        _ => out.push(missing(&memory)),
    }
}

/// System calls per note, read and export, for every strategy the syscalls bench measures.
fn syscall_targets(r: &Results, out: &mut Vec<Target>) {
    for (command, bound) in [("read", READ_CALLS), ("export", EXPORT_CALLS)] {
        // strace's counts are exact; SYSCALL_SLACK allows for the few calls per run (the
        // report's writes) that do not divide evenly between the two corpora.
        let what = format!(
            "system calls: {command} <= {bound} calls a note (`strace -c`, within \
             {SYSCALL_SLACK}), every strategy measured (blocking and io_uring)"
        );
        let rows: Vec<_> = r
            .syscalls
            .iter()
            .flat_map(|b| &b.rows)
            .filter(|row| row.command == command)
            .collect();
        if rows.is_empty() {
            let why = r.syscalls.as_ref().and_then(|b| b.skipped.clone());
            out.push(Target {
                target: what,
                holds: None,
                result: why.unwrap_or_else(|| "not measured in this run".into()),
            });
            continue;
        }
        out.push(Target {
            target: what,
            holds: Some(rows.iter().all(|row| row.per_note <= bound + SYSCALL_SLACK)),
            result: rows
                .iter()
                .map(|row| format!("{}: {:.2}", row.strategy, row.per_note))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
}

/// The export's memory targets: bounded at the largest vault, and close to the smallest's.
fn memory_targets(r: &Results, out: &mut Vec<Target>) {
    let bound = format!(
        "memory: export peak RSS <= {EXPORT_RSS_MIB} MiB at the largest vault, text and JSON, both runtimes"
    );
    let growth = format!(
        "memory: export peak RSS at the largest vault within {EXPORT_RSS_GROWTH_MIB} MiB of the smallest's"
    );
    let rows = r
        .memory
        .as_ref()
        .map(|m| m.rows.as_slice())
        .unwrap_or_default();
    let (Some(small), Some(large)) = (
        rows.iter().map(|row| row.notes).min(),
        rows.iter().map(|row| row.notes).max(),
    ) else {
        let why = r.memory.as_ref().and_then(|m| m.skipped.clone());
        for name in [bound, growth] {
            out.push(Target {
                target: name,
                holds: None,
                result: why
                    .clone()
                    .unwrap_or_else(|| "not measured in this run".into()),
            });
        }
        return;
    };
    let peak = |n: usize| {
        rows.iter()
            .filter(move |row| row.notes == n)
            .map(|row| row.peak_mib)
    };
    let (worst_large, worst_small) = (
        peak(large).fold(0.0_f64, f64::max),
        peak(small).fold(0.0_f64, f64::max),
    );
    let at_large = rows
        .iter()
        .filter(|row| row.notes == large)
        .map(|row| {
            format!(
                "{} {}: {:.1}",
                row.runtime,
                if row.json { "json" } else { "text" },
                row.peak_mib
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    out.push(Target {
        target: format!("{bound} ({} notes)", thousands(large)),
        holds: Some(worst_large <= EXPORT_RSS_MIB),
        result: format!("{at_large} MiB"),
    });
    if small == large {
        // Growth needs two sizes: one alone would hold trivially.
        out.push(missing(&growth));
        return;
    }
    out.push(Target {
        target: format!(
            "{growth} ({} vs {} notes)",
            thousands(large),
            thousands(small)
        ),
        holds: Some(worst_large - worst_small <= EXPORT_RSS_GROWTH_MIB),
        result: format!(
            "worst {worst_large:.1} MiB at {} notes, worst {worst_small:.1} MiB at {} ({:+.1} MiB)",
            thousands(large),
            thousands(small),
            worst_large - worst_small
        ),
    });
}
