//! Terminal behaviour: progress bars only on a terminal, and Ctrl-C.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The first Ctrl-C asks the command to stop after the work in flight (so no partial or
/// temporary file is left); a second one quits at once.
pub(crate) fn install_interrupt_handler() {
    let installed = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!("smartnotes: interrupted again, quitting now");
            std::process::exit(130);
        }
        eprintln!(
            "smartnotes: interrupted; finishing the writes in flight (Ctrl-C again to quit now)"
        );
    });
    if let Err(e) = installed {
        eprintln!("smartnotes: warning: Ctrl-C will not stop cleanly: {e}");
    }
}

/// Whether Ctrl-C was pressed.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// A progress bar of `len` units, drawn on stderr only when stderr is a terminal and `quiet`
/// (JSON output) is off; otherwise a hidden bar that costs nothing.
pub(crate) fn bar(len: u64, template: &str, quiet: bool) -> ProgressBar {
    drawn(
        ProgressBar::with_draw_target(Some(len), target()),
        template,
        quiet,
    )
}

/// A spinner with a count, for work whose total is not known in advance (a streamed listing);
/// drawn as [`bar`] is.
pub(crate) fn spinner(template: &str, quiet: bool) -> ProgressBar {
    drawn(
        ProgressBar::with_draw_target(None, target()),
        template,
        quiet,
    )
}

/// stderr, redrawn at most 10 times a second however often the count moves.
fn target() -> ProgressDrawTarget {
    ProgressDrawTarget::stderr_with_hz(10)
}

/// `bar` styled with `template` (where `{rate}` is the whole number of units a second), or a
/// hidden bar when quiet or not on a terminal.
fn drawn(bar: ProgressBar, template: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    if let Ok(style) = ProgressStyle::with_template(template) {
        let style = style.progress_chars("=> ").with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        );
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

/// `n` per second over `seconds`, 0 when no time passed.
pub(crate) fn rate(n: f64, seconds: f64) -> f64 {
    if seconds > 0.0 { n / seconds } else { 0.0 }
}

/// The line that says how many hidden entries a listing passed over, or `None` for none.
pub(crate) fn hidden_line(hidden: usize) -> Option<String> {
    let s = if hidden == 1 { "" } else { "s" };
    (hidden > 0).then(|| {
        format!(
            "passed over {hidden} hidden file{s} or folder{s} (names starting with `.`; --hidden \
             reads them)"
        )
    })
}

/// The line that says how many entries ignore files or `--exclude` left out, or `None` for none.
pub(crate) fn ignored_line(ignored: usize) -> Option<String> {
    let s = if ignored == 1 { "" } else { "s" };
    (ignored > 0).then(|| {
        format!(
            "left out {ignored} file{s} or folder{s} by ignore files or --exclude (--no-ignore \
             reads the ignored ones)"
        )
    })
}
