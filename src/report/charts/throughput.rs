//! The throughput chart, three panels over one time axis: completed pods (cumulative,
//! succeeded and failed, with a mark where each Job completed or failed); pods running and
//! pending, with each Job's parallelism as a dashed reference; and completions per interval.
//!
//! It owns reducing pod records to those series (peaks kept when long series are thinned);
//! it must not infer anything the pod and Job records do not state.

use super::{
    Chart, DrawResult, Frame, LegendItem, Swatch, WIDTH, count_changes, frame_areas, palette,
    step_line_sorted,
};
use crate::report::font;
use crate::report::records::{CompactPod, EndPhase, JobOutcome, RunRecords, seconds_to_ms};
use crate::time::{HOUR, MINUTE, SECOND, SimTime};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Points per series before it is thinned.
const MAX_POINTS: usize = 2000;
/// Jobs drawn with their own parallelism line.
const PARALLELISM_LINES: usize = 12;
/// Jobs given a completion/failure mark.
const MARKED_JOBS: usize = 200;
/// Aim for at most this many rate bars.
const MAX_BINS: u64 = 120;

/// Interval widths the rate panel may use, so that bins read as round numbers.
const BIN_WIDTHS: [SimTime; 21] = [
    100,
    SECOND,
    2 * SECOND,
    5 * SECOND,
    10 * SECOND,
    15 * SECOND,
    30 * SECOND,
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    24 * HOUR,
    2 * 24 * HOUR,
    7 * 24 * HOUR,
];

/// A Job's parallelism as a reference line.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelismLine {
    pub key: usize,
    pub parallelism: u32,
    pub from: SimTime,
    pub to: SimTime,
}

/// Where a Job ended, on the cumulative panel.
#[derive(Debug, Clone, PartialEq)]
pub struct JobEnd {
    pub time: SimTime,
    pub completed_so_far: f64,
    pub failed: bool,
}

#[derive(Debug, Clone)]
pub struct ThroughputChart {
    pub frame: Frame,
    pub succeeded: Vec<(SimTime, f64)>,
    pub failed: Vec<(SimTime, f64)>,
    pub running: Vec<(SimTime, f64)>,
    pub pending: Vec<(SimTime, f64)>,
    pub bin_ms: SimTime,
    /// Per bin: (succeeded, failed) attempts that finished in it.
    pub rate: Vec<(u32, u32)>,
    pub parallelism: Vec<ParallelismLine>,
    pub job_ends: Vec<JobEnd>,
}

/// The smallest round interval that cuts `span` into at most [`MAX_BINS`] bins.
pub fn bin_width(span: SimTime) -> SimTime {
    BIN_WIDTHS
        .iter()
        .copied()
        .find(|&w| span.div_ceil(w) <= MAX_BINS)
        .unwrap_or_else(|| span.div_ceil(MAX_BINS).max(1))
}

impl ThroughputChart {
    pub fn build(records: &RunRecords, frame: &Frame) -> ThroughputChart {
        let end = frame.end;
        let finished = |phase| {
            let pods = records.pods.iter();
            pods.filter(|p| p.phase == phase && p.finished().is_some())
                .count()
        };
        let mut succeeded_at = Vec::with_capacity(finished(EndPhase::Succeeded));
        let mut failed_at = Vec::with_capacity(finished(EndPhase::Failed));
        for pod in &records.pods {
            match (pod.phase, pod.finished()) {
                (EndPhase::Succeeded, Some(t)) => succeeded_at.push(t),
                (EndPhase::Failed, Some(t)) => failed_at.push(t),
                _ => {}
            }
        }
        succeeded_at.sort_unstable();
        failed_at.sort_unstable();
        let bin_ms = bin_width(end);
        let bins = end.div_ceil(bin_ms).max(1) as usize;
        let mut rate = vec![(0u32, 0u32); bins];
        let bin_of = |t: SimTime| ((t / bin_ms) as usize).min(bins - 1);
        for &t in &succeeded_at {
            rate[bin_of(t)].0 += 1;
        }
        for &t in &failed_at {
            rate[bin_of(t)].1 += 1;
        }
        let cumulative =
            |times: &[SimTime]| step_line_sorted(times.iter().map(|&t| (t, 1)), end, MAX_POINTS);
        // One series at a time, so a run of a million pods holds one pair of time lists.
        let running = count_line(records, end, |pod| {
            let start = pod.started()?;
            Some((start, pod.finished().map(|finish| finish.max(start))))
        });
        let pending = count_line(records, end, |pod| {
            let created = pod.created()?;
            let left = pod.started().or(pod.finished());
            Some((created, left.map(|left| left.max(created))))
        });
        ThroughputChart {
            frame: frame.clone(),
            succeeded: cumulative(&succeeded_at),
            failed: cumulative(&failed_at),
            running,
            pending,
            bin_ms,
            rate,
            parallelism: parallelism_lines(records, frame),
            job_ends: job_ends(records, &succeeded_at),
        }
    }

    fn legend(&self) -> Vec<LegendItem> {
        let mut items = vec![
            LegendItem::new(
                "succeeded pods (cumulative)",
                Swatch::Line(palette::BLUISH_GREEN),
            ),
            LegendItem::new(
                "failed pods (cumulative)",
                Swatch::Line(palette::VERMILLION),
            ),
            LegendItem::new("running pods", Swatch::Line(palette::BLUE)),
            LegendItem::new("pending pods", Swatch::Line(palette::ORANGE)),
        ];
        // Each Job's parallelism is dashed in the Job's own colour: one entry per colour.
        let mut keys: Vec<usize> = self.parallelism.iter().map(|p| p.key).collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let colour = self.frame.colours.colour(key);
            let name = self
                .frame
                .colours
                .keys
                .get(key)
                .filter(|_| key < palette::JOBS.len())
                .map_or("other Jobs", String::as_str);
            items.push(LegendItem::new(
                &format!("parallelism of {name}"),
                Swatch::Dashed(colour),
            ));
        }
        if self.job_ends.iter().any(|e| !e.failed) {
            items.push(LegendItem::new(
                "Job complete",
                Swatch::Dot(palette::BLUISH_GREEN),
            ));
        }
        if self.job_ends.iter().any(|e| e.failed) {
            items.push(LegendItem::new(
                "Job failed",
                Swatch::Cross(palette::VERMILLION),
            ));
        }
        items
    }
}

/// The step line of how many pods are inside an interval: `interval` gives a pod's entry and,
/// if it left, its exit.
fn count_line(
    records: &RunRecords,
    end: SimTime,
    interval: impl Fn(&CompactPod) -> Option<(SimTime, Option<SimTime>)>,
) -> Vec<(SimTime, f64)> {
    let mut ups = Vec::with_capacity(records.pods.len());
    let mut downs = Vec::with_capacity(records.pods.len());
    for (from, to) in records.pods.iter().filter_map(interval) {
        ups.push(from);
        downs.extend(to);
    }
    ups.sort_unstable();
    downs.sort_unstable();
    let line = step_line_sorted(count_changes(&ups, &downs), end, MAX_POINTS);
    // The PNG must never show what the SVG does not: sub-pixel spikes become pixel columns.
    super::pixel_columns(line, end, super::PIXEL_COLUMNS)
}

fn parallelism_lines(records: &RunRecords, frame: &Frame) -> Vec<ParallelismLine> {
    if records.summary.jobs.len() > PARALLELISM_LINES {
        return Vec::new();
    }
    records
        .summary
        .jobs
        .iter()
        .filter_map(|job| {
            let from = job.started_ms().or(job.created_ms())?;
            Some(ParallelismLine {
                key: records
                    .names
                    .get(&job.name)
                    .map_or(usize::MAX, |job| frame.colours.key(job)),
                parallelism: u32::try_from(job.parallelism?).ok()?,
                from,
                to: job.finished_ms().unwrap_or(frame.end).max(from),
            })
        })
        .collect()
}

fn job_ends(records: &RunRecords, succeeded_at: &[SimTime]) -> Vec<JobEnd> {
    let ends: Vec<(SimTime, bool)> = if records.jobs.is_empty() {
        records
            .summary
            .jobs
            .iter()
            .filter_map(|j| Some((seconds_to_ms(j.finished?)?, j.outcome == "Failed")))
            .collect()
    } else {
        records
            .jobs
            .iter()
            .filter_map(|j| Some((j.finished()?, j.outcome == JobOutcome::Failed)))
            .collect()
    };
    if ends.len() > MARKED_JOBS {
        return Vec::new();
    }
    ends.into_iter()
        .map(|(time, failed)| JobEnd {
            time,
            completed_so_far: succeeded_at.partition_point(|&t| t <= time) as f64,
            failed,
        })
        .collect()
}

/// A bin width in the largest whole unit: `second`, `5 s`, `2 min`, `hour`, `7 days`, `100 ms`.
pub fn interval_label(ms: SimTime) -> String {
    let units = [
        (24 * HOUR, "day", "days"),
        (HOUR, "hour", "h"),
        (MINUTE, "minute", "min"),
        (SECOND, "second", "s"),
    ];
    for (unit, one, many) in units {
        if ms.is_multiple_of(unit) {
            let n = ms / unit;
            return if n == 1 {
                one.to_string()
            } else {
                format!("{n} {many}")
            };
        }
    }
    format!("{ms} ms")
}

fn peak(series: &[(SimTime, f64)]) -> f64 {
    series.iter().map(|p| p.1).fold(0.0, f64::max)
}

impl Chart for ThroughputChart {
    fn name(&self) -> &'static str {
        "throughput"
    }

    fn title(&self) -> String {
        self.frame.title("Throughput")
    }

    fn size(&self) -> (u32, u32) {
        let legend = super::legend_height(&self.legend(), WIDTH - 32);
        (WIDTH, 820 + legend)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame_areas(root, &self.title(), &self.legend())?;
        let (_, height) = body.dim_in_pixel();
        let (top, rest) = body.split_vertically(height * 36 / 100);
        let (middle, bottom) = rest.split_vertically(height * 34 / 100);
        let scale = self.frame.scale;
        let x = |t: SimTime| scale.x(t);
        let x_range = self.frame.x_range();

        let panel = |area: &DrawingArea<DB, Shift>, caption: &str, y_max: f64, y_desc: &str| {
            let mut chart = ChartBuilder::on(area)
                .caption(caption, (font::FAMILY, 15))
                .margin_right(10)
                .x_label_area_size(40)
                .y_label_area_size(64)
                .build_cartesian_2d(x_range.clone(), 0.0..(y_max * 1.08).max(1.0))?;
            chart
                .configure_mesh()
                .x_desc(scale.label())
                .y_desc(y_desc)
                .x_label_formatter(&|v| super::tick(*v))
                .y_label_formatter(&|v| super::count_tick(*v))
                .label_style((font::FAMILY, 12))
                .axis_desc_style((font::FAMILY, 13))
                .light_line_style(RGBColor(240, 240, 240))
                .max_light_lines(2)
                .draw()?;
            Ok(chart)
        };

        // Completed pods, cumulative.
        let total = peak(&self.succeeded).max(peak(&self.failed));
        let mut chart = panel(&top, "Completed pods (cumulative)", total, "pods")?;
        for (series, colour) in [
            (&self.succeeded, palette::BLUISH_GREEN),
            (&self.failed, palette::VERMILLION),
        ] {
            chart.draw_series(LineSeries::new(
                series.iter().map(|&(t, v)| (x(t), v)),
                colour.stroke_width(2),
            ))?;
        }
        chart.draw_series(self.job_ends.iter().filter(|e| !e.failed).map(|e| {
            Circle::new(
                (x(e.time), e.completed_so_far),
                5,
                palette::BLUISH_GREEN.filled(),
            )
        }))?;
        chart.draw_series(self.job_ends.iter().filter(|e| e.failed).map(|e| {
            Cross::new(
                (x(e.time), e.completed_so_far),
                6,
                palette::VERMILLION.stroke_width(3),
            )
        }))?;

        // Running and pending pods against each Job's parallelism.
        let reference = self
            .parallelism
            .iter()
            .map(|p| p.parallelism as f64)
            .fold(0.0, f64::max);
        let y_max = peak(&self.running).max(peak(&self.pending)).max(reference);
        let mut chart = panel(&middle, "Pods running and pending", y_max, "pods")?;
        for line in &self.parallelism {
            let y = line.parallelism as f64;
            chart.draw_series(DashedLineSeries::new(
                [(x(line.from), y), (x(line.to), y)],
                8,
                5,
                self.frame.colours.colour(line.key).stroke_width(2),
            ))?;
        }
        for (series, colour) in [
            (&self.pending, palette::ORANGE),
            (&self.running, palette::BLUE),
        ] {
            chart.draw_series(LineSeries::new(
                series.iter().map(|&(t, v)| (x(t), v)),
                colour.stroke_width(2),
            ))?;
        }

        // Completions per interval: succeeded, with failed stacked on top.
        let y_max = self
            .rate
            .iter()
            .map(|&(s, f)| (s + f) as f64)
            .fold(0.0, f64::max);
        let caption = format!("Pods finished per {}", interval_label(self.bin_ms));
        let mut chart = panel(&bottom, &caption, y_max, "pods")?;
        let bin = |i: usize| {
            (
                x(i as SimTime * self.bin_ms),
                x((i as SimTime + 1) * self.bin_ms),
            )
        };
        chart.draw_series(self.rate.iter().enumerate().filter(|(_, r)| r.0 > 0).map(
            |(i, r)| {
                let (a, b) = bin(i);
                Rectangle::new([(a, 0.0), (b, r.0 as f64)], palette::BLUISH_GREEN.filled())
            },
        ))?;
        chart.draw_series(self.rate.iter().enumerate().filter(|(_, r)| r.1 > 0).map(
            |(i, r)| {
                let (a, b) = bin(i);
                Rectangle::new(
                    [(a, r.0 as f64), (b, (r.0 + r.1) as f64)],
                    palette::VERMILLION.filled(),
                )
            },
        ))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::read_run;
    use std::path::Path;

    fn chart(case: &str) -> ThroughputChart {
        let records = read_run(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/report")
                .join(case),
        )
        .unwrap();
        ThroughputChart::build(&records, &Frame::new(&records))
    }

    #[test]
    fn bins_are_round_and_few() {
        assert_eq!(bin_width(12 * SECOND), 100);
        assert_eq!(bin_width(10 * MINUTE), 5 * SECOND);
        assert_eq!(bin_width(365 * 24 * HOUR), 7 * 24 * HOUR);
    }

    #[test]
    fn interval_labels_use_the_largest_whole_unit() {
        assert_eq!(interval_label(100), "100 ms");
        assert_eq!(interval_label(5 * SECOND), "5 s");
        assert_eq!(interval_label(2 * MINUTE), "2 min");
        assert_eq!(interval_label(HOUR), "hour");
        assert_eq!(interval_label(7 * 24 * HOUR), "7 days");
    }

    #[test]
    fn two_waves_finish_three_pods_each() {
        let chart = chart("parallel");
        assert_eq!(chart.succeeded.last().unwrap().1, 6.0);
        let finished: Vec<u32> = chart.rate.iter().map(|r| r.0).filter(|&n| n > 0).collect();
        assert_eq!(finished, [3, 3]);
        // Three pods run at a time: the parallelism.
        assert_eq!(peak(&chart.running), 3.0);
        assert_eq!(chart.parallelism[0].parallelism, 3);
        assert_eq!(
            chart.job_ends,
            [JobEnd {
                time: 12_000,
                completed_so_far: 6.0,
                failed: false
            }]
        );
    }

    #[test]
    fn backoff_run_counts_three_failures_and_a_failed_job() {
        let chart = chart("backoff");
        assert_eq!(chart.failed.last().unwrap().1, 3.0);
        assert_eq!(chart.succeeded.last().unwrap().1, 0.0);
        assert!(chart.job_ends[0].failed);
    }
}
