//! The charts: each one is first reduced from the records to a small drawing model (pure data,
//! tested directly), then drawn with plotters on any backend, once as SVG and once as PNG.
//!
//! This file owns what the charts share: the palette (Okabe–Ito, safe for colour-blind
//! readers), the human time axis, the colour given to each Job, the title and legend, and the
//! rendering to SVG text and PNG bytes. It must not read files or re-simulate.

pub mod schedule;
pub mod throughput;
pub mod timeline;
pub mod utilisation;

use super::ReportError;
use super::font;
use super::records::RunRecords;
use crate::time::{HOUR, MINUTE, SECOND, SimTime};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;
use std::collections::BTreeMap;

/// The width of every chart, in pixels.
pub const WIDTH: u32 = 1400;

/// One chart, rendered both ways.
#[derive(Debug, Clone)]
pub struct RenderedChart {
    /// File stem: `timeline`, `throughput`, `utilisation`, `schedule`.
    pub name: &'static str,
    /// Human title, as in the chart's caption.
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// The Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2002).
pub mod palette {
    use plotters::style::RGBColor;
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    /// Reserved for failure everywhere.
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// Neutral grey for "other" and for reference lines.
    pub const GREY: RGBColor = RGBColor(119, 119, 119);
    /// The colours Jobs take, in order; vermillion is left out so failure stays unambiguous.
    pub const JOBS: [RGBColor; 6] = [BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, BLACK];
}

/// `colour` mixed with white: `amount` 0 keeps it, 1 gives white.
pub fn lighten(colour: RGBColor, amount: f64) -> RGBColor {
    let mix = |c: u8| (c as f64 + (255.0 - c as f64) * amount.clamp(0.0, 1.0)).round() as u8;
    RGBColor(mix(colour.0), mix(colour.1), mix(colour.2))
}

/// The unit the time axis counts in, picked from the run's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeScale {
    pub unit_ms: u64,
    pub unit: &'static str,
}

impl TimeScale {
    /// Seconds up to 3 minutes, minutes up to 3 hours, hours up to 3 days, then days.
    pub fn for_span(span: SimTime) -> TimeScale {
        let (unit_ms, unit) = if span <= 3 * MINUTE {
            (SECOND, "s")
        } else if span <= 3 * HOUR {
            (MINUTE, "min")
        } else if span <= 72 * HOUR {
            (HOUR, "h")
        } else {
            (24 * HOUR, "days")
        };
        TimeScale { unit_ms, unit }
    }
    pub fn x(&self, t: SimTime) -> f64 {
        t as f64 / self.unit_ms as f64
    }
    pub fn label(&self) -> String {
        format!("time since start ({})", self.unit)
    }
}

/// A tick value without trailing zeros: `2`, `2.5`, `0.25`.
pub fn tick(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// A tick on a count axis: whole numbers only (no "0.5 pods").
pub fn count_tick(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        String::new()
    }
}

/// Which colour each Job is drawn in. Jobs a CronJob created share their CronJob's colour;
/// the first six keys get their own colour, later ones are grey ("other").
#[derive(Debug, Clone, Default)]
pub struct JobColours {
    /// Distinct keys in order of first appearance: a Job name or `cronjob/NAME`.
    pub keys: Vec<String>,
    key_of_job: BTreeMap<String, usize>,
}

impl JobColours {
    pub fn new(records: &RunRecords) -> JobColours {
        let mut owner_of: BTreeMap<&str, &str> = BTreeMap::new();
        for job in &records.jobs {
            if let Some(owner) = job.owner.as_deref() {
                owner_of.insert(&job.job, owner);
            }
        }
        for job in &records.summary.jobs {
            if let Some(owner) = job.owner.as_deref() {
                owner_of.insert(&job.name, owner);
            }
        }
        let job_names = records
            .summary
            .jobs
            .iter()
            .map(|j| j.name.as_str())
            .chain(records.jobs.iter().map(|j| j.job.as_str()))
            .chain(records.pods.iter().map(|p| p.job.as_str()));
        let mut colours = JobColours::default();
        for job in job_names {
            if colours.key_of_job.contains_key(job) {
                continue;
            }
            let key = owner_of.get(job).copied().unwrap_or(job);
            let index = match colours.keys.iter().position(|k| k == key) {
                Some(i) => i,
                None => {
                    colours.keys.push(key.to_string());
                    colours.keys.len() - 1
                }
            };
            colours.key_of_job.insert(job.to_string(), index);
        }
        colours
    }
    /// The colour key of a Job (its index in `keys`).
    pub fn key(&self, job: &str) -> usize {
        self.key_of_job.get(job).copied().unwrap_or(usize::MAX)
    }
    pub fn colour(&self, key: usize) -> RGBColor {
        palette::JOBS.get(key).copied().unwrap_or(palette::GREY)
    }
    /// Legend entries: one per coloured key, plus "other Jobs" when some share grey.
    pub fn legend(&self) -> Vec<LegendItem> {
        let mut items: Vec<LegendItem> = self
            .keys
            .iter()
            .take(palette::JOBS.len())
            .enumerate()
            .map(|(i, key)| LegendItem::new(key, Swatch::Fill(self.colour(i))))
            .collect();
        if self.keys.len() > palette::JOBS.len() {
            items.push(LegendItem::new("other Jobs", Swatch::Fill(palette::GREY)));
        }
        items
    }
}

/// What every chart of one run shares.
#[derive(Debug, Clone)]
pub struct Frame {
    pub scenario: String,
    pub seed: u64,
    pub end: SimTime,
    pub scale: TimeScale,
    pub colours: JobColours,
}

impl Frame {
    pub fn new(records: &RunRecords) -> Frame {
        let end = records.end().max(1);
        Frame {
            scenario: records.summary.scenario.clone(),
            seed: records.summary.seed,
            end,
            scale: TimeScale::for_span(end),
            colours: JobColours::new(records),
        }
    }
    pub fn title(&self, what: &str) -> String {
        let scenario = if self.scenario.is_empty() {
            "unnamed scenario"
        } else {
            &self.scenario
        };
        format!("{what} — {scenario} (seed {})", self.seed)
    }
    /// The x range of every time axis, in the scale's unit.
    pub fn x_range(&self) -> std::ops::Range<f64> {
        0.0..self.scale.x(self.end)
    }
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    Fill(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
    Cross(RGBColor),
    Dot(RGBColor),
}

#[derive(Debug, Clone)]
pub struct LegendItem {
    pub label: String,
    pub swatch: Swatch,
}

impl LegendItem {
    pub fn new(label: &str, swatch: Swatch) -> LegendItem {
        LegendItem {
            label: label.to_string(),
            swatch,
        }
    }
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart that can draw itself on any backend.
pub trait Chart {
    fn name(&self) -> &'static str;
    fn title(&self) -> String;
    fn size(&self) -> (u32, u32);
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

pub const LEGEND_FONT: u32 = 13;
const LEGEND_ROW: u32 = 20;

/// The height a legend of `items` needs when laid out in `width` pixels.
pub fn legend_height(items: &[LegendItem], width: u32) -> u32 {
    legend_layout(items, width)
        .last()
        .map_or(0, |&(_, y)| y + LEGEND_ROW)
}

fn legend_item_width(item: &LegendItem) -> u32 {
    // DejaVu Sans at 13 px averages under 8 px per character; the layout only needs to avoid
    // overlaps, not to be tight.
    30 + 8 * item.label.chars().count() as u32 + 16
}

fn legend_layout(items: &[LegendItem], width: u32) -> Vec<(u32, u32)> {
    let mut positions = Vec::with_capacity(items.len());
    let (mut x, mut y) = (0, 0);
    for item in items {
        let w = legend_item_width(item);
        if x > 0 && x + w > width {
            x = 0;
            y += LEGEND_ROW;
        }
        positions.push((x, y));
        x += w;
    }
    positions
}

/// Draws a legend in rows, starting at the area's top-left corner.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
) -> DrawResult<DB> {
    let (width, _) = area.dim_in_pixel();
    let text = (font::FAMILY, LEGEND_FONT)
        .into_font()
        .color(&BLACK)
        .pos(text_anchor::Pos::new(
            text_anchor::HPos::Left,
            text_anchor::VPos::Center,
        ));
    for (item, (x, y)) in items.iter().zip(legend_layout(items, width)) {
        let (x, y) = (x as i32, y as i32 + LEGEND_ROW as i32 / 2);
        match item.swatch {
            Swatch::Fill(c) => {
                area.draw(&Rectangle::new([(x, y - 6), (x + 22, y + 6)], c.filled()))?
            }
            Swatch::Line(c) => area.draw(&PathElement::new(
                vec![(x, y), (x + 22, y)],
                c.stroke_width(3),
            ))?,
            Swatch::Dashed(c) => {
                for dx in [0, 9, 18] {
                    let (a, b) = (x + dx, (x + dx + 5).min(x + 22));
                    area.draw(&PathElement::new(vec![(a, y), (b, y)], c.stroke_width(2)))?;
                }
            }
            Swatch::Cross(c) => area.draw(&Cross::new((x + 11, y), 5, c.stroke_width(2)))?,
            Swatch::Dot(c) => area.draw(&Circle::new((x + 11, y), 5, c.filled()))?,
        }
        area.draw(&Text::new(item.label.clone(), (x + 28, y), text.clone()))?;
    }
    Ok(())
}

/// Splits `root` into the caption band, the legend band and the rest, drawing the first two.
pub fn frame_areas<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    legend: &[LegendItem],
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let body = root.titled(title, (font::FAMILY, 22).into_font().color(&BLACK))?;
    let body = body.margin(0, 0, 16, 16);
    let (width, _) = body.dim_in_pixel();
    let height = legend_height(legend, width);
    if height == 0 {
        return Ok(body);
    }
    let (legend_area, rest) = body.split_vertically(height + 6);
    draw_legend(&legend_area, legend)?;
    Ok(rest)
}

/// Renders a chart to SVG text and PNG bytes.
pub fn render<C: Chart>(chart: &C) -> Result<RenderedChart, ReportError> {
    font::ensure_registered()?;
    let (width, height) = chart.size();
    let failed = |message: String| ReportError::Chart {
        chart: chart.name(),
        message,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
        chart.draw(&root).map_err(|e| failed(e.to_string()))?;
        root.present().map_err(|e| failed(e.to_string()))?;
    }
    let mut pixels = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        chart.draw(&root).map_err(|e| failed(e.to_string()))?;
        root.present().map_err(|e| failed(e.to_string()))?;
    }
    let png = encode_png(&pixels, width, height).map_err(|e| failed(e.to_string()))?;
    Ok(RenderedChart {
        name: chart.name(),
        title: chart.title(),
        svg,
        png,
    })
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgb)?;
    writer.finish()?;
    Ok(bytes)
}

/// Builds and renders every chart the run calls for, in a fixed order: timeline, throughput,
/// utilisation, and the schedule strip when the run has CronJobs.
pub fn render_charts(records: &RunRecords) -> Result<Vec<RenderedChart>, ReportError> {
    let frame = Frame::new(records);
    let timeline = timeline::TimelineChart::build(records, &frame);
    let throughput = throughput::ThroughputChart::build(records, &frame);
    let utilisation = utilisation::UtilisationChart::build(records, &frame);
    let schedule = schedule::ScheduleChart::build(records, &frame);
    // The charts are independent; drawing them side by side keeps large runs fast. The output
    // order is fixed whatever the thread count.
    let ((a, b), (c, d)) = rayon::join(
        || (render(&timeline), render(&throughput)),
        || (render(&utilisation), schedule.as_ref().map(render)),
    );
    let mut charts = vec![a?, b?, c?];
    if let Some(d) = d {
        charts.push(d?);
    }
    Ok(charts)
}

/// Reduces a list of `(time, change)` steps to a step line of at most about `max_points`
/// points: exact when it fits, otherwise the highest value in each of `max_points / 2` equal
/// time buckets (a peak never disappears).
pub fn step_line(
    mut changes: Vec<(SimTime, i64)>,
    end: SimTime,
    max_points: usize,
) -> Vec<(SimTime, f64)> {
    changes.sort_by_key(|&(t, _)| t);
    let mut level: i64 = 0;
    let mut points: Vec<(SimTime, f64)> = vec![(0, 0.0)];
    let mut i = 0;
    while i < changes.len() {
        let t = changes[i].0;
        while i < changes.len() && changes[i].0 == t {
            level += changes[i].1;
            i += 1;
        }
        points.push((t, points.last().map_or(0.0, |p| p.1)));
        points.push((t, level as f64));
    }
    points.push((end.max(points.last().map_or(0, |p| p.0)), level as f64));
    if points.len() <= max_points {
        return points;
    }
    let buckets = (max_points / 2).max(2) as u64;
    let width = (end / buckets).max(1);
    let mut reduced: Vec<(SimTime, f64)> = Vec::with_capacity(max_points + 2);
    let mut bucket = 0u64;
    let mut peak = f64::MIN;
    for &(t, v) in &points {
        let b = (t / width).min(buckets - 1);
        if b != bucket && peak > f64::MIN {
            reduced.push((bucket * width, peak));
            reduced.push(((bucket + 1) * width, peak));
            peak = f64::MIN;
        }
        bucket = b;
        peak = peak.max(v);
    }
    if peak > f64::MIN {
        reduced.push((bucket * width, peak));
        reduced.push((end, peak));
    }
    reduced
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_scale_follows_run_length() {
        assert_eq!(TimeScale::for_span(12 * SECOND).unit, "s");
        assert_eq!(TimeScale::for_span(40 * MINUTE).unit, "min");
        assert_eq!(TimeScale::for_span(10 * HOUR).unit, "h");
        assert_eq!(TimeScale::for_span(400 * 24 * HOUR).unit, "days");
        assert_eq!(TimeScale::for_span(40 * MINUTE).x(90 * SECOND), 1.5);
    }

    #[test]
    fn ticks_drop_trailing_zeros() {
        assert_eq!(tick(2.0), "2");
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(0.125), "0.125");
    }

    #[test]
    fn count_ticks_show_whole_numbers_only() {
        assert_eq!(count_tick(3.0), "3");
        assert_eq!(count_tick(0.5), "");
    }

    #[test]
    fn lighten_moves_towards_white() {
        assert_eq!(lighten(RGBColor(0, 100, 255), 0.5), RGBColor(128, 178, 255));
    }

    #[test]
    fn step_line_is_exact_when_small() {
        let line = step_line(vec![(1000, 1), (1000, 1), (3000, -2)], 5000, 100);
        assert_eq!(
            line,
            vec![
                (0, 0.0),
                (1000, 0.0),
                (1000, 2.0),
                (3000, 2.0),
                (3000, 0.0),
                (5000, 0.0)
            ]
        );
    }

    #[test]
    fn step_line_keeps_peaks_when_reduced() {
        // A one-millisecond spike to 50 among 10,000 small steps must survive the reduction.
        let mut changes: Vec<(SimTime, i64)> = (0..10_000)
            .flat_map(|i| [(i * 10, 1), (i * 10 + 5, -1)])
            .collect();
        changes.push((55_551, 49));
        changes.push((55_552, -49));
        let line = step_line(changes, 100_000, 400);
        assert!(line.len() <= 402, "{}", line.len());
        assert!(line.iter().any(|&(_, v)| v == 50.0));
    }

    #[test]
    fn cronjob_jobs_share_their_cronjob_colour() {
        let records = crate::report::read_run(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/report/cronjob"),
        )
        .unwrap();
        let colours = JobColours::new(&records);
        assert_eq!(colours.keys, vec!["cronjob/hello".to_string()]);
        assert_eq!(colours.key("hello-29000001"), colours.key("hello-29000004"));
    }
}
