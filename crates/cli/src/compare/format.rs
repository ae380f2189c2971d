//! Figures as the table and the sentences print them.

use smartnotes_measure::stats::Interval;

/// `127k`, `1.52k`, `812`: three significant figures, enough for figures with a noise of a few
/// percent.
pub(super) fn rate(v: f64) -> String {
    if v >= 100_000.0 {
        format!("{:.0}k", v / 1e3)
    } else if v >= 10_000.0 {
        format!("{:.1}k", v / 1e3)
    } else if v >= 1_000.0 {
        format!("{:.2}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// A figure and its 95% interval, each shown by `f`: `1.52k [1.48k, 1.56k]`.
pub(super) fn with_interval(i: Interval, f: impl Fn(f64) -> String) -> String {
    format!("{} [{}, {}]", f(i.estimate), f(i.low), f(i.high))
}

/// `1.23x`; `?` for a ratio that could not be taken (NaN: a case that did no work).
pub(super) fn ratio(v: f64) -> String {
    if v.is_nan() {
        "?".into()
    } else {
        format!("{v:.2}x")
    }
}

pub(super) fn ms(v: f64) -> String {
    format!("{v:.2}")
}

/// Names joined as prose with `word`: `a`, `a or b`, `a, b or c`.
pub(super) fn join(names: &[&str], word: &str) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_that_could_not_be_taken_prints_as_unknown() {
        assert_eq!(ratio(1.234), "1.23x");
        let none = Interval {
            estimate: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
        assert_eq!(with_interval(none, ratio), "? [?, ?]");
    }
}
