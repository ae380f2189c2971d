//! The target policy: every threshold the report judges a run against, named in one table,
//! and the verdicts ([`targets`]) computed from a run's figures ([`crate::figures`]). The
//! report ([`crate::report`]) only renders them.

use crate::bench::Results;
use crate::figures::{ThroughputRow, largest_group, latency_rows, runtimes, throughput};
use crate::report::thousands;

// The thresholds, one table:
/// Latency, N=5 (sequential and concurrent): within this share of the ideal time.
pub(crate) const LATENCY_SMALL: f64 = 0.01;
/// Latency, N=1,000 at limit 1,000: within this share of the ideal time.
pub(crate) const LATENCY_LARGE: f64 = 0.05;
/// Throughput: the best strategy of each runtime, as a share of the multi-thread `std::fs` loop.
pub(crate) const THROUGHPUT_SHARE: f64 = 0.90;
/// Scan: `count_matching` throughput, GB/s.
pub(crate) const SCAN_GBPS: f64 = 7.0;
/// Scan: peak RSS growth from the 64 MiB log to the large one, MiB.
pub(crate) const SCAN_RSS_GROWTH_MIB: f64 = 1.0;
/// Scan: heartbeat p99 over idle while scanning, ms.
pub(crate) const SCAN_LATENESS_MS: f64 = 2.0;
/// Lag: the read rate a calm strategy must reach, as a share of the baseline.
pub(crate) const LAG_SHARE: f64 = 0.70;
/// Lag: the heartbeat p99 over idle that counts as calm, ms.
pub(crate) const LAG_LATENESS_MS: f64 = 1.0;

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
    // Scan.
    match &r.scan {
        None => {
            out.push(missing(&format!(
                "scan: `count_matching` >= {SCAN_GBPS} GB/s, both runtimes"
            )));
            out.push(missing("scan: memory independent of the file's size"));
            out.push(missing(&format!(
                "scan: heartbeat p99 within {SCAN_LATENESS_MS} ms of idle"
            )));
        }
        Some(scan) => {
            let counts: Vec<_> = scan
                .rows
                .iter()
                .filter(|row| row.workload == "count_matching")
                .collect();
            out.push(Target {
                target: format!(
                    "scan: `count_matching` >= {SCAN_GBPS} GB/s, both runtimes ({} MiB in the page cache)",
                    scan.mib
                ),
                holds: Some(
                    !counts.is_empty() && counts.iter().all(|c| c.gbps.unwrap_or(0.0) >= SCAN_GBPS),
                ),
                result: format!(
                    "{}; plain `std` scan {:.2} GB/s",
                    counts
                        .iter()
                        .map(|c| format!(
                            "{}: {:.2} GB/s ({:.1}% of std)",
                            c.runtime,
                            c.gbps.unwrap_or(f64::NAN),
                            c.share_of_std.unwrap_or(f64::NAN) * 100.0
                        ))
                        .collect::<Vec<_>>()
                        .join(", "),
                    scan.std_gbps
                ),
            });
            let growth = scan.rss_mib.after_big - scan.rss_mib.after_small;
            out.push(Target {
                target: format!(
                    "scan: memory independent of the file's size (peak RSS grows < \
                     {SCAN_RSS_GROWTH_MIB} MiB from the 64 MiB log to the large one)"
                ),
                holds: Some(growth < SCAN_RSS_GROWTH_MIB),
                result: format!(
                    "{:.1} MiB after 64 MiB, {:.1} MiB after {} MiB ({growth:+.1})",
                    scan.rss_mib.after_small, scan.rss_mib.after_big, scan.mib
                ),
            });
            out.push(Target {
                target: format!(
                    "scan: heartbeat p99 within {SCAN_LATENESS_MS} ms of idle while \
                     `count_matching` runs"
                ),
                holds: Some(
                    !counts.is_empty()
                        && counts
                            .iter()
                            .all(|c| c.lateness.p99_over_idle_ms <= SCAN_LATENESS_MS),
                ),
                result: counts
                    .iter()
                    .map(|c| format!("{}: {:+.2} ms", c.runtime, c.lateness.p99_over_idle_ms))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
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

fn missing(what: &str) -> Target {
    Target {
        target: what.into(),
        holds: None,
        result: "not measured in this run".into(),
    }
}
