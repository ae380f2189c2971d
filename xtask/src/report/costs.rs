//! The report's sections on the stores' costs: peak memory of an export, object storage over
//! the real S3 protocol, and system calls per note.

use std::fmt::Write as _;

use super::section;
use crate::bench::Results;
use crate::figures::thousands;

pub(super) fn memory_section(md: &mut String, r: &Results) {
    let Some(memory) = section(md, "5. memory: an export by the number of notes", &r.memory) else {
        return;
    };
    let _ = writeln!(
        md,
        "Peak resident memory of `smartnotes export --recursive SRC DEST` (a real process, \
         `/usr/bin/time -f %M`), {}; each export into a new folder, every note checked exported \
         (`benches/memory.rs`).\n",
        memory.layout
    );
    if let Some(why) = &memory.skipped {
        let _ = writeln!(md, "Not measured: {why}.\n");
        return;
    }
    let _ = writeln!(
        md,
        "| layout | notes | runtime | output | peak RSS (MiB) | seconds |\n|---|---:|---|---|---:|---:|"
    );
    for row in &memory.rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {:.1} | {:.1} |",
            row.layout,
            thousands(row.notes),
            row.runtime,
            if row.json { "json" } else { "text" },
            row.peak_mib,
            row.seconds
        );
    }
    md.push('\n');
}

pub(super) fn object_store_section(md: &mut String, r: &Results) {
    let Some(bench) = section(
        md,
        "6. object storage: the real S3 protocol",
        &r.object_store,
    ) else {
        return;
    };
    let _ = writeln!(
        md,
        "Exporting N notes to a real S3 server on 127.0.0.1 (`smartnotes-s3-server`: s3s-fs in \
         the bench's process, buckets on tmpfs) that waits {:.0} ms before answering each \
         request, through object_store's S3 client and `smartnotes-object-store` (one `PUT \
         If-None-Match: *` per note), both runtimes and every case interleaved, each repetition \
         into a fresh prefix (`benches/object_store.rs`). The ideal is ceil(N / limit) request \
         delays plus one request's service time, {:.2} ms (a sequential `PUT` without the \
         delay, median). Client and server share this machine's cores. Beside section 1's \
         `SlowFs`, where the wait is a timer in-process.\n",
        bench.delay_s * 1e3,
        bench.service_s * 1e3
    );
    let _ = writeln!(
        md,
        "| runtime | notes | strategy | median (s) [min, max] | ideal (s) | off ideal |\n\
         |---|---:|---|---:|---:|---:|"
    );
    for row in &bench.rows {
        let (median, low, high) = crate::figures::median_range(&row.seconds);
        let ideal = bench.ideal(row);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {median:.3} [{low:.3}, {high:.3}] | {ideal:.3} | {:+.1}% |",
            row.runtime,
            thousands(row.notes),
            row.strategy,
            (median / ideal - 1.0) * 100.0
        );
    }
    if !bench.memory.is_empty() {
        let _ = writeln!(
            md,
            "\nPeak resident memory of `smartnotes export -r --json s3://notes/vault-N DEST` (a \
             real process under `/usr/bin/time`, the bucket in folders of 1,000 notes, no \
             delay), every note checked exported:\n\n\
             | notes | runtime | peak RSS (MiB) | seconds |\n|---:|---|---:|---:|"
        );
        for row in &bench.memory {
            let _ = writeln!(
                md,
                "| {} | {} | {:.1} | {:.1} |",
                thousands(row.notes),
                row.runtime,
                row.peak_mib,
                row.seconds
            );
        }
    }
    md.push('\n');
}

pub(super) fn syscalls_section(md: &mut String, r: &Results) {
    let Some(bench) = section(md, "7. system calls per note", &r.syscalls) else {
        return;
    };
    let _ = writeln!(
        md,
        "`strace -f -c` of the real binary: `smartnotes tags` (read) and `smartnotes export`, \
         over {} and {} notes; per note is the difference over the notes between them, so the \
         process's start-up cancels out (`benches/syscalls.rs`). Counted: the calls that touch \
         files, `io_uring_enter` and `getpid`; not the runtime's own (futex, epoll, mmap). \
         The `uring-*` rows read through: {}.\n",
        thousands(bench.notes.0),
        thousands(bench.notes.1),
        bench.uring
    );
    if let Some(why) = &bench.skipped {
        let _ = writeln!(md, "Not measured: {why}.\n");
        return;
    }
    let _ = writeln!(
        md,
        "| command | strategy | calls per note | by call |\n|---|---|---:|---|"
    );
    for row in &bench.rows {
        let calls = row
            .calls
            .iter()
            .map(|(name, n)| format!("{name} {n:.2}"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            md,
            "| {} | {} | {:.2} | {calls} |",
            row.command, row.strategy, row.per_note
        );
    }
    md.push('\n');
}
