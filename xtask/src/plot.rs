//! The report's SVG charts: one shape, a horizontal bar chart, drawn with `plotters`.
//!
//! Each bar has a label (left), a value (the bar), optionally a 95% interval (a whisker) and a
//! marker (a black tick, e.g. the ideal time), and a note printed at the right (e.g. "82%").
//! A chart may carry one vertical reference line (e.g. the `std::fs` baseline or a target).

use std::path::Path;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Who a bar belongs to, which sets its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Series {
    /// The `std::fs` loops a user would write instead.
    Std,
    Tokio,
    Smol,
}

impl Series {
    fn color(self) -> RGBColor {
        match self {
            Series::Std => RGBColor(140, 140, 140),
            Series::Tokio => RGBColor(31, 119, 180),
            Series::Smol => RGBColor(255, 127, 14),
        }
    }

    /// The series of a bench id such as `tokio-blocking-32x2` or `std-2-threads`.
    pub(crate) fn of(id: &str) -> Series {
        if id.starts_with("tokio") {
            Series::Tokio
        } else if id.starts_with("smol") {
            Series::Smol
        } else {
            Series::Std
        }
    }
}

/// One bar.
#[derive(Clone, Debug)]
pub(crate) struct Bar {
    pub label: String,
    pub value: f64,
    pub interval: Option<(f64, f64)>,
    pub marker: Option<f64>,
    pub note: String,
    pub series: Series,
}

/// One chart.
pub(crate) struct Chart {
    pub title: String,
    pub x_label: String,
    pub bars: Vec<Bar>,
    /// A vertical line at this x, with its label.
    pub reference: Option<(f64, String)>,
}

const WIDTH: u32 = 960;
const LABEL_AREA: i32 = 300;
const NOTE_AREA: i32 = 150;
const ROW: i32 = 24;

/// Draws `chart` into the SVG file `path`.
pub(crate) fn hbar(path: &Path, chart: &Chart) -> Result<(), String> {
    draw(path, chart).map_err(|e| format!("cannot draw {}: {e}", path.display()))
}

fn draw(path: &Path, chart: &Chart) -> Result<(), Box<dyn std::error::Error>> {
    let n = chart.bars.len().max(1);
    let height = (90 + ROW * n as i32 + 50) as u32;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let x_max = chart
        .bars
        .iter()
        .flat_map(|b| {
            [Some(b.value), b.interval.map(|i| i.1), b.marker]
                .into_iter()
                .flatten()
        })
        .chain(chart.reference.as_ref().map(|r| r.0))
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        * 1.08;
    let x_max = if x_max > 0.0 { x_max } else { 1.0 };
    let mut ctx = ChartBuilder::on(&root)
        .caption(&chart.title, ("sans-serif", 24))
        .margin_top(10)
        .margin_left(LABEL_AREA)
        .margin_right(NOTE_AREA)
        .x_label_area_size(40)
        .build_cartesian_2d(0.0..x_max, 0.0..n as f64)?;
    ctx.configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_desc(chart.x_label.as_str())
        .x_labels(8)
        .label_style(("sans-serif", 16))
        .axis_desc_style(("sans-serif", 17))
        .light_line_style(TRANSPARENT)
        .x_label_formatter(&|v| short(*v))
        .draw()?;
    // Row i from the top is y in [n - i - 1, n - i].
    let top = |i: usize| (n - i) as f64;
    ctx.draw_series(chart.bars.iter().enumerate().map(|(i, b)| {
        Rectangle::new(
            [(0.0, top(i) - 0.82), (b.value.max(0.0), top(i) - 0.18)],
            b.series.color().filled(),
        )
    }))?;
    for (i, b) in chart.bars.iter().enumerate() {
        let mid = top(i) - 0.5;
        if let Some((lo, hi)) = b.interval {
            let style = BLACK.stroke_width(1);
            ctx.draw_series([
                PathElement::new(vec![(lo, mid), (hi, mid)], style),
                PathElement::new(vec![(lo, mid - 0.15), (lo, mid + 0.15)], style),
                PathElement::new(vec![(hi, mid - 0.15), (hi, mid + 0.15)], style),
            ])?;
        }
        if let Some(m) = b.marker {
            ctx.draw_series([PathElement::new(
                vec![(m, top(i) - 0.95), (m, top(i) - 0.05)],
                BLACK.stroke_width(3),
            )])?;
        }
    }
    if let Some((x, label)) = &chart.reference {
        ctx.draw_series([PathElement::new(
            vec![(*x, 0.0), (*x, n as f64)],
            RGBColor(214, 39, 40).stroke_width(2),
        )])?;
        let (px, py) = ctx.backend_coord(&(*x, n as f64));
        root.draw(&Text::new(
            label.clone(),
            (px + 4, py + 2),
            ("sans-serif", 16)
                .into_font()
                .color(&RGBColor(214, 39, 40))
                .pos(Pos::new(HPos::Left, VPos::Top)),
        ))?;
    }
    // Labels left of the plot and notes right of it, in pixels.
    let right = ctx.backend_coord(&(x_max, 0.0)).0;
    for (i, b) in chart.bars.iter().enumerate() {
        let (px, py) = ctx.backend_coord(&(0.0, top(i) - 0.5));
        root.draw(&Text::new(
            b.label.clone(),
            (px - 8, py),
            ("sans-serif", 18)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        root.draw(&Text::new(
            b.note.clone(),
            (right + 8, py),
            ("sans-serif", 18)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// A compact axis number: 125000 -> "125k", 0.25 -> "0.25".
pub(crate) fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_every_bar_label_and_note_into_the_svg() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.svg");
        let chart = Chart {
            title: "read, 1,000 notes".into(),
            x_label: "notes/s".into(),
            bars: vec![
                Bar {
                    label: "std-2-threads".into(),
                    value: 120_000.0,
                    interval: Some((110_000.0, 130_000.0)),
                    marker: None,
                    note: "100%".into(),
                    series: Series::Std,
                },
                Bar {
                    label: "smol-blocking-256x4".into(),
                    value: 100_000.0,
                    interval: None,
                    marker: Some(105_000.0),
                    note: "83%".into(),
                    series: Series::Smol,
                },
            ],
            reference: Some((120_000.0, "std-2-threads".into())),
        };
        hbar(&path, &chart).unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        for text in [
            "read, 1,000 notes",
            "smol-blocking-256x4",
            "83%",
            "100%",
            "notes/s",
        ] {
            assert!(svg.contains(text), "{text} missing");
        }
        // The smol bar is drawn in smol's colour.
        assert!(svg.contains("#FF7F0E"), "no smol-coloured bar");
    }

    #[test]
    fn an_empty_or_degenerate_chart_still_draws() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.svg");
        let chart = Chart {
            title: "nothing".into(),
            x_label: "x".into(),
            bars: vec![],
            reference: None,
        };
        hbar(&path, &chart).unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("nothing"));
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short(125_000.0), "125k");
        assert_eq!(short(2_500_000.0), "2.5M");
        assert_eq!(short(0.25), "0.25");
        assert_eq!(short(3.2), "3.2");
        assert_eq!(short(0.0), "0");
    }
}
