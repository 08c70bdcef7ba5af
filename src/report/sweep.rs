//! The charts and `report.html` of a sweep, drawn from its `sweep.csv` rows (never from a
//! re-run), so a merged sweep draws the same bytes as the unsharded one:
//!
//! - `vary-N.svg` for the N-th `--vary` field: the `--metric` against the field's values, with
//!   the p50 of the runs at each value as a line and their p5–p95 as a band (over every run
//!   with that value, whatever the other fields), and the success rate below;
//! - `tradeoff.svg`: each variant's cost — node-hours while the scenario has no node
//!   prices — against its p95 makespan, with the Pareto front (the variants no other beats
//!   on both) joined and marked;
//! - `report.html`: the charts and the per-variant table, self-contained.
//!
//! SVG only: a sweep's charts are few and small.

use plotters::prelude::*;

use super::ReportError;
use super::charts::{lighten, palette};
use super::font;
use crate::sweep::metrics::METRICS;
use crate::sweep::table::{Meta, Row, nearest_rank};

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 640;

/// One chart of a sweep: its file name, title and SVG text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepChart {
    /// `vary-1.svg`, `tradeoff.svg`.
    pub file: String,
    /// Its caption.
    pub title: String,
    /// The SVG.
    pub svg: String,
}

/// The figures of one run the charts use.
struct RunPoint {
    variant: u64,
    values: Vec<String>,
    ok: bool,
    metric: Option<f64>,
    makespan: Option<f64>,
    cost: Option<f64>,
}

fn points(meta: &Meta, header: &[String], rows: &[Row]) -> Vec<RunPoint> {
    let col = |name: &str| header.iter().position(|h| h == name);
    let n_vary = meta.vary.len();
    let (metric, ok, makespan, cost, hours) = (
        col(&meta.metric),
        col("all_complete"),
        col("makespan"),
        col("cost"),
        col("node_hours"),
    );
    rows.iter()
        .map(|r| {
            let cells = r.cells();
            let num = |c: Option<usize>| c.and_then(|c| cells.get(c)?.parse::<f64>().ok());
            RunPoint {
                variant: r.run / meta.seeds.max(1),
                values: cells[2..2 + n_vary].to_vec(),
                ok: ok.is_some_and(|c| cells[c] == "true"),
                metric: num(metric),
                makespan: num(makespan),
                cost: num(cost).or(num(hours)),
            }
        })
        .collect()
}

fn svg_of(
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<(), String>,
) -> Result<String, ReportError> {
    font::ensure_registered()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let failed = |message: String| ReportError::Chart {
            chart: "sweep",
            message,
        };
        root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
        draw(&root).map_err(failed)?;
        root.present().map_err(|e| failed(e.to_string()))?;
    }
    Ok(svg)
}

/// The charts of a complete sweep.
pub fn charts(
    meta: &Meta,
    header: &[String],
    rows: &[Row],
) -> Result<Vec<SweepChart>, ReportError> {
    let runs = points(meta, header, rows);
    let mut out = Vec::new();
    for (i, vary) in meta.vary.iter().enumerate() {
        let title = format!("{} by {}", meta.metric, vary.path);
        let svg = svg_of(|root| vary_chart(root, &title, meta, i, &runs))?;
        out.push(SweepChart {
            file: format!("vary-{}.svg", i + 1),
            title,
            svg,
        });
    }
    let title = "cost (node-hours without prices) against p95 makespan, per variant".to_string();
    let svg = svg_of(|root| tradeoff_chart(root, &title, meta, &runs))?;
    out.push(SweepChart {
        file: "tradeoff.svg".into(),
        title,
        svg,
    });
    Ok(out)
}

/// Per value of field `i`: (value, p5, p50, p95 of the metric, success rate).
fn by_value(meta: &Meta, i: usize, runs: &[RunPoint]) -> Vec<(String, Option<[f64; 3]>, f64)> {
    meta.vary[i]
        .values
        .iter()
        .map(|value| {
            let at: Vec<&RunPoint> = runs.iter().filter(|r| &r.values[i] == value).collect();
            let mut m: Vec<f64> = at.iter().filter_map(|r| r.metric).collect();
            m.sort_by(f64::total_cmp);
            let band = (!m.is_empty()).then(|| {
                [
                    nearest_rank(&m, 5),
                    nearest_rank(&m, 50),
                    nearest_rank(&m, 95),
                ]
            });
            let ok = at.iter().filter(|r| r.ok).count() as f64 / at.len().max(1) as f64;
            (value.clone(), band, ok)
        })
        .collect()
}

fn range_of(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() {
        return 0.0..1.0;
    }
    let pad = ((hi - lo) * 0.08).max(hi.abs() * 0.02).max(1e-9);
    (lo - pad).min(if lo >= 0.0 { 0.0 } else { lo - pad })..hi + pad
}

fn vary_chart(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    title: &str,
    meta: &Meta,
    i: usize,
    runs: &[RunPoint],
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<_>| e.to_string();
    let stats = by_value(meta, i, runs);
    // Numeric values are placed by value; others one step apart, in order.
    let numeric: Option<Vec<f64>> = stats.iter().map(|(v, ..)| v.parse::<f64>().ok()).collect();
    let xs: Vec<f64> = match &numeric {
        Some(x) => x.clone(),
        None => (0..stats.len()).map(|k| k as f64).collect(),
    };
    let x_range = {
        let r = range_of(xs.iter().copied());
        let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.05).max(0.5);
        if numeric.is_some() {
            (lo - pad)..(hi + pad)
        } else {
            r.start.min(-0.5)..(hi + 0.5)
        }
    };
    let body = root
        .titled(title, (font::FAMILY, 20).into_font())
        .map_err(e)?;
    let (top, bottom) = body.split_vertically(HEIGHT * 62 / 100);
    let y_range = range_of(stats.iter().filter_map(|s| s.1).flat_map(|b| b.into_iter()));
    let unit = METRICS
        .iter()
        .find(|m| m.name == meta.metric)
        .map_or("", |m| if m.decimals == 3 { " (s)" } else { "" });
    let labels: Vec<String> = stats.iter().map(|s| s.0.clone()).collect();
    let x_label = |x: &f64| -> String {
        match &numeric {
            Some(_) => super::charts::tick(*x),
            None => labels
                .get(x.round() as usize)
                .filter(|_| (x - x.round()).abs() < 1e-6)
                .cloned()
                .unwrap_or_default(),
        }
    };
    let mut chart = ChartBuilder::on(&top)
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(80)
        .build_cartesian_2d(x_range.clone(), y_range)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_label_formatter(&x_label)
        .y_desc(format!("{}{unit}", meta.metric))
        .light_line_style(WHITE)
        .label_style((font::FAMILY, 13))
        .draw()
        .map_err(e)?;
    let pts: Vec<(f64, [f64; 3])> = xs
        .iter()
        .zip(&stats)
        .filter_map(|(x, s)| s.1.map(|b| (*x, b)))
        .collect();
    let band: Vec<(f64, f64)> = pts
        .iter()
        .map(|(x, b)| (*x, b[2]))
        .chain(pts.iter().rev().map(|(x, b)| (*x, b[0])))
        .collect();
    if band.len() >= 3 {
        chart
            .draw_series(std::iter::once(Polygon::new(
                band,
                lighten(palette::BLUE, 0.75).filled(),
            )))
            .map_err(e)?
            .label("p5–p95 of the runs")
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x, y - 5), (x + 16, y + 5)],
                    lighten(palette::BLUE, 0.75).filled(),
                )
            });
    }
    chart
        .draw_series(LineSeries::new(
            pts.iter().map(|(x, b)| (*x, b[1])),
            palette::BLUE.stroke_width(2),
        ))
        .map_err(e)?
        .label("p50")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], palette::BLUE.stroke_width(2)));
    chart
        .draw_series(
            pts.iter()
                .map(|(x, b)| Circle::new((*x, b[1]), 4, palette::BLUE.filled())),
        )
        .map_err(e)?;
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(palette::GREY)
        .label_font((font::FAMILY, 13))
        .draw()
        .map_err(e)?;
    let mut rate = ChartBuilder::on(&bottom)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(x_range, 0.0..1.05)
        .map_err(e)?;
    rate.configure_mesh()
        .x_label_formatter(&x_label)
        .x_desc(meta.vary[i].path.clone())
        .y_desc("success rate")
        .light_line_style(WHITE)
        .label_style((font::FAMILY, 13))
        .draw()
        .map_err(e)?;
    rate.draw_series(LineSeries::new(
        xs.iter().zip(&stats).map(|(x, s)| (*x, s.2)),
        palette::BLUISH_GREEN.stroke_width(2),
    ))
    .map_err(e)?;
    rate.draw_series(
        xs.iter()
            .zip(&stats)
            .map(|(x, s)| Circle::new((*x, s.2), 4, palette::BLUISH_GREEN.filled())),
    )
    .map_err(e)?;
    Ok(())
}

/// Per variant: (p95 makespan, mean cost), for variants that have both.
fn variant_points(runs: &[RunPoint]) -> Vec<(u64, f64, f64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < runs.len() {
        let v = runs[i].variant;
        let mut makespans = Vec::new();
        let (mut cost, mut n) = (0.0, 0usize);
        while i < runs.len() && runs[i].variant == v {
            makespans.extend(runs[i].makespan);
            if let Some(c) = runs[i].cost {
                cost += c;
                n += 1;
            }
            i += 1;
        }
        makespans.sort_by(f64::total_cmp);
        if !makespans.is_empty() && n > 0 {
            out.push((v, nearest_rank(&makespans, 95), cost / n as f64));
        }
    }
    out
}

/// The variants no other beats on both (lower p95 makespan and lower cost), by makespan.
pub fn pareto_front(points: &[(u64, f64, f64)]) -> Vec<(u64, f64, f64)> {
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| {
        a.1.total_cmp(&b.1)
            .then(a.2.total_cmp(&b.2))
            .then(a.0.cmp(&b.0))
    });
    let mut front: Vec<(u64, f64, f64)> = Vec::new();
    for p in sorted {
        if front.last().is_none_or(|last| p.2 < last.2) {
            front.push(p);
        }
    }
    front
}

fn tradeoff_chart(
    root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    title: &str,
    meta: &Meta,
    runs: &[RunPoint],
) -> Result<(), String> {
    let e = |e: DrawingAreaErrorKind<_>| e.to_string();
    let pts = variant_points(runs);
    let front = pareto_front(&pts);
    let body = root
        .titled(title, (font::FAMILY, 20).into_font())
        .map_err(e)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(
            range_of(pts.iter().map(|p| p.1)),
            range_of(pts.iter().map(|p| p.2)),
        )
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc("p95 makespan (s)")
        .light_line_style(WHITE)
        .y_desc(
            if runs.iter().any(|r| r.cost.is_some()) && meta.metric == "cost" {
                "mean cost"
            } else {
                "mean cost (node-hours without prices)"
            },
        )
        .label_style((font::FAMILY, 13))
        .draw()
        .map_err(e)?;
    chart
        .draw_series(
            pts.iter()
                .map(|p| Circle::new((p.1, p.2), 4, palette::GREY.filled())),
        )
        .map_err(e)?
        .label("variant")
        .legend(|(x, y)| Circle::new((x + 8, y), 4, palette::GREY.filled()));
    chart
        .draw_series(LineSeries::new(
            front.iter().map(|p| (p.1, p.2)),
            palette::VERMILLION.stroke_width(2),
        ))
        .map_err(e)?
        .label("Pareto front")
        .legend(|(x, y)| {
            PathElement::new([(x, y), (x + 16, y)], palette::VERMILLION.stroke_width(2))
        });
    chart
        .draw_series(front.iter().map(|p| {
            EmptyElement::at((p.1, p.2))
                + Circle::new((0, 0), 6, palette::VERMILLION.filled())
                + Text::new(format!("{}", p.0), (8, -14), (font::FAMILY, 12))
        }))
        .map_err(e)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(palette::GREY)
        .label_font((font::FAMILY, 13))
        .draw()
        .map_err(e)?;
    Ok(())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `report.html`: the sweep's charts inline and `aggregate.csv` as a table.
pub fn report_html(meta: &Meta, charts: &[SweepChart], aggregate_csv: &[u8]) -> String {
    let mut html = String::new();
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str(&format!(
        "<title>jobsim sweep: {}</title>\n",
        escape(&meta.inputs.join(", "))
    ));
    html.push_str(
        "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}\
         table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}\
         th{background:#f4f4f4}svg{max-width:100%;height:auto}</style>\n</head>\n<body>\n",
    );
    html.push_str(&format!(
        "<h1>Sweep of {}</h1>\n<p>{} variants × {} seeds = {} runs; jobsim {}; {}</p>\n",
        escape(&meta.inputs.join(", ")),
        meta.variants,
        meta.seeds,
        meta.runs,
        escape(&meta.jobsim_version),
        escape(&meta.hash)
    ));
    for v in &meta.vary {
        html.push_str(&format!(
            "<p>varied <code>{}</code>: {}</p>\n",
            escape(&v.path),
            escape(&v.values.join(", "))
        ));
    }
    for c in charts {
        html.push_str(&format!("<h2>{}</h2>\n", escape(&c.title)));
        let svg = c.svg.trim_start_matches(|ch| ch != '<');
        let svg = svg
            .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
            .unwrap_or(svg);
        html.push_str(svg.trim());
        html.push('\n');
    }
    html.push_str("<h2>Per variant (aggregate.csv)</h2>\n<table>\n");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(aggregate_csv);
    for (i, r) in reader.records().flatten().enumerate() {
        let tag = if i == 0 { "th" } else { "td" };
        html.push_str("<tr>");
        for cell in r.iter() {
            html.push_str(&format!("<{tag}>{}</{tag}>", escape(cell)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pareto_front_keeps_the_variants_nothing_beats_on_both() {
        let pts = [
            (0, 10.0, 5.0),
            (1, 20.0, 3.0),
            (2, 15.0, 6.0),
            (3, 30.0, 3.0),
            (4, 40.0, 1.0),
        ];
        let front: Vec<u64> = pareto_front(&pts).iter().map(|p| p.0).collect();
        assert_eq!(front, [0, 1, 4]);
    }
}
