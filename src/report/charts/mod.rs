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
use super::names::Name;
use super::records::RunRecords;
use crate::time::{HOUR, MINUTE, SECOND, SimTime};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;

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
    #[allow(dead_code)] // the palette is kept whole
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
    /// Per [`Name`] index: the key index of that Job, or `u32::MAX` for names that are not
    /// Jobs.
    key_of_job: Vec<u32>,
}

impl JobColours {
    pub fn new(records: &RunRecords) -> JobColours {
        let names = &records.names;
        // The owner of each Job, by name index; the summary's word wins over jobs.csv.
        let mut owner_of: Vec<Option<Name>> = vec![None; names.len()];
        for job in &records.jobs {
            if let Some(owner) = job.owner {
                owner_of[job.job.index()] = Some(owner);
            }
        }
        let summary_jobs: Vec<Name> = records
            .summary
            .jobs
            .iter()
            .filter_map(|j| names.get(&j.name))
            .collect();
        for (job, summary) in summary_jobs.iter().zip(&records.summary.jobs) {
            if let Some(owner) = summary.owner.as_deref().and_then(|o| names.get(o)) {
                owner_of[job.index()] = Some(owner);
            }
        }
        let jobs = summary_jobs
            .iter()
            .copied()
            .chain(records.jobs.iter().map(|j| j.job))
            .chain(records.pods.iter().map(|p| p.job));
        let mut colours = JobColours {
            keys: Vec::new(),
            key_of_job: vec![u32::MAX; names.len()],
        };
        let mut index_of_key: Vec<u32> = vec![u32::MAX; names.len()];
        for job in jobs {
            if colours.key_of_job[job.index()] != u32::MAX {
                continue;
            }
            let key = owner_of[job.index()].unwrap_or(job);
            if index_of_key[key.index()] == u32::MAX {
                colours.keys.push(names.text(key).to_string());
                index_of_key[key.index()] = (colours.keys.len() - 1) as u32;
            }
            colours.key_of_job[job.index()] = index_of_key[key.index()];
        }
        colours
    }
    /// The colour key of a Job (its index in `keys`).
    pub fn key(&self, job: Name) -> usize {
        match self.key_of_job.get(job.index()) {
            Some(&key) if key != u32::MAX => key as usize,
            _ => usize::MAX,
        }
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
    Triangle(RGBColor),
    /// A pod attempt: a bar of the first colour with an end mark of the second.
    Attempt(RGBColor, timeline::MarkShape, RGBColor),
    /// A short vertical tick, as a due time is marked.
    Tick(RGBColor),
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
            Swatch::Triangle(c) => area.draw(&TriangleMarker::new((x + 11, y), 6, c.filled()))?,
            Swatch::Attempt(bar, shape, c) => {
                area.draw(&Rectangle::new([(x, y - 5), (x + 22, y + 5)], bar.filled()))?;
                timeline::draw_mark(area, shape, c, (x + 16, y), 5)?;
            }
            Swatch::Tick(c) => {
                for dx in [8, 14] {
                    area.draw(&PathElement::new(
                        vec![(x + dx, y - 6), (x + dx, y + 6)],
                        c.stroke_width(2),
                    ))?;
                }
            }
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
    // Changes at one time are summed before a point is drawn, so their order does not matter.
    changes.sort_unstable_by_key(|&(t, _)| t);
    step_line_sorted(changes.into_iter(), end, max_points)
}

/// [`step_line`] of changes already in time order, streamed: it holds at most `max_points`
/// points at a time, however many changes there are.
pub fn step_line_sorted(
    changes: impl Iterator<Item = (SimTime, i64)>,
    end: SimTime,
    max_points: usize,
) -> Vec<(SimTime, f64)> {
    let mut line = Thinning::new(end, max_points);
    line.push(0, 0.0);
    let mut changes = changes.peekable();
    let mut level: i64 = 0;
    let mut shown = 0.0;
    while let Some((t, change)) = changes.next() {
        level += change;
        while let Some(&(_, change)) = changes.peek().filter(|&&(next, _)| next == t) {
            level += change;
            changes.next();
        }
        line.push(t, shown);
        shown = level as f64;
        line.push(t, shown);
    }
    let last = line.last_time;
    line.push(end.max(last), shown);
    line.finish()
}

/// Columns a dense series is binned to: fewer than a chart's plotting width in pixels, so
/// one column is never narrower than a pixel.
pub const PIXEL_COLUMNS: u64 = 1200;

/// A step line as both renderings can show it: when some level lasts less than one of
/// `columns` equal time columns (a spike the SVG draws a hair wide and the PNG a whole pixel,
/// or not at all), the line becomes one flat step per column at the highest level reached in
/// it, so the PNG and the SVG show the same thing and no peak is lost. A line whose levels
/// all last a column or more is kept as it is.
pub fn pixel_columns(line: Vec<(SimTime, f64)>, end: SimTime, columns: u64) -> Vec<(SimTime, f64)> {
    let width = (end / columns.max(1)).max(1);
    let narrow = line
        .windows(2)
        .any(|w| w[1].0 > w[0].0 && w[1].0 - w[0].0 < width);
    if !narrow || line.is_empty() {
        return line;
    }
    let count = (end / width + 1) as usize;
    let mut peak = vec![f64::NEG_INFINITY; count];
    let column = |t: SimTime| ((t / width) as usize).min(count - 1);
    for (i, &(t, v)) in line.iter().enumerate() {
        // The level v holds from t until the next point (or just at t, for the last one).
        let until = line.get(i + 1).map_or(t, |next| next.0);
        let last = if until > t {
            column(until - 1)
        } else {
            column(t)
        };
        for p in &mut peak[column(t)..=last] {
            *p = p.max(v);
        }
    }
    let mut out = Vec::with_capacity(2 * count);
    let mut level = 0.0;
    for (c, &p) in peak.iter().enumerate() {
        if p.is_finite() {
            level = p;
        }
        let from = c as SimTime * width;
        let to = ((c as SimTime + 1) * width).min(end.max(from));
        out.push((from, level));
        out.push((to, level));
    }
    out
}

/// The `+1` and `-1` changes of a count (`ups` and `downs`, each sorted), merged in time order.
pub fn count_changes<'a>(
    ups: &'a [SimTime],
    downs: &'a [SimTime],
) -> impl Iterator<Item = (SimTime, i64)> + 'a {
    let (mut u, mut d) = (0, 0);
    std::iter::from_fn(move || match (ups.get(u), downs.get(d)) {
        (Some(&a), Some(&b)) if a <= b => {
            u += 1;
            Some((a, 1))
        }
        (_, Some(&b)) => {
            d += 1;
            Some((b, -1))
        }
        (Some(&a), None) => {
            u += 1;
            Some((a, 1))
        }
        (None, None) => None,
    })
}

/// The points of a step line, kept exactly up to `max_points`, then thinned to the peak of
/// each time bucket.
struct Thinning {
    end: SimTime,
    max_points: usize,
    exact: Vec<(SimTime, f64)>,
    last_time: SimTime,
    /// Set once the exact points overflowed.
    buckets: Option<Buckets>,
}

struct Buckets {
    count: u64,
    width: SimTime,
    current: u64,
    peak: f64,
    reduced: Vec<(SimTime, f64)>,
}

impl Buckets {
    fn push(&mut self, t: SimTime, v: f64) {
        let b = (t / self.width).min(self.count - 1);
        if b != self.current && self.peak > f64::MIN {
            self.reduced.push((self.current * self.width, self.peak));
            self.reduced
                .push(((self.current + 1) * self.width, self.peak));
            self.peak = f64::MIN;
        }
        self.current = b;
        self.peak = self.peak.max(v);
    }
}

impl Thinning {
    fn new(end: SimTime, max_points: usize) -> Thinning {
        Thinning {
            end,
            max_points,
            exact: Vec::new(),
            last_time: 0,
            buckets: None,
        }
    }

    fn push(&mut self, t: SimTime, v: f64) {
        self.last_time = t;
        if let Some(buckets) = &mut self.buckets {
            buckets.push(t, v);
            return;
        }
        if self.exact.len() < self.max_points {
            self.exact.push((t, v));
            return;
        }
        let count = (self.max_points / 2).max(2) as u64;
        let mut buckets = Buckets {
            count,
            width: (self.end / count).max(1),
            current: 0,
            peak: f64::MIN,
            reduced: Vec::with_capacity(self.max_points + 2),
        };
        for (t, v) in std::mem::take(&mut self.exact) {
            buckets.push(t, v);
        }
        buckets.push(t, v);
        self.buckets = Some(buckets);
    }

    fn finish(self) -> Vec<(SimTime, f64)> {
        let Some(mut buckets) = self.buckets else {
            return self.exact;
        };
        if buckets.peak > f64::MIN {
            buckets
                .reduced
                .push((buckets.current * buckets.width, buckets.peak));
            buckets.reduced.push((self.end, buckets.peak));
        }
        buckets.reduced
    }
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
    fn spikes_narrower_than_a_pixel_column_become_a_column_at_their_peak() {
        // 10 columns of 100 ms over 1 s; a 1 ms spike to 5 at 450 ms.
        let line = vec![
            (0, 0.0),
            (450, 0.0),
            (450, 5.0),
            (451, 5.0),
            (451, 1.0),
            (1000, 1.0),
        ];
        let binned = pixel_columns(line, 1000, 10);
        assert_eq!(binned.len(), 2 * 11);
        assert!(binned.contains(&(400, 5.0)) && binned.contains(&(500, 5.0)));
        assert!(binned.contains(&(300, 0.0)) && binned.contains(&(600, 1.0)));
        // A line with no level shorter than a column is kept exactly.
        let wide = vec![(0, 0.0), (500, 0.0), (500, 2.0), (1000, 2.0)];
        assert_eq!(pixel_columns(wide.clone(), 1000, 10), wide);
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
    fn counted_changes_give_the_same_line_as_signed_pairs() {
        let ups = [0, 5, 5, 9, 20];
        let downs = [3, 5, 12, 12, 30];
        let pairs: Vec<(SimTime, i64)> = ups
            .iter()
            .map(|&t| (t, 1))
            .chain(downs.iter().map(|&t| (t, -1)))
            .collect();
        for max_points in [4, 100] {
            assert_eq!(
                step_line_sorted(count_changes(&ups, &downs), 40, max_points),
                step_line(pairs.clone(), 40, max_points)
            );
        }
        assert_eq!(step_line(pairs, 40, 100)[3], (3, 1.0));
    }

    #[test]
    fn cronjob_jobs_share_their_cronjob_colour() {
        let records = crate::report::read_run(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/report/cronjob"),
        )
        .unwrap();
        let colours = JobColours::new(&records);
        assert_eq!(colours.keys, vec!["cronjob/hello".to_string()]);
        let key = |job: &str| colours.key(records.names.get(job).unwrap());
        assert_eq!(key("hello-29000001"), 0);
        assert_eq!(key("hello-29000001"), key("hello-29000004"));
    }
}
