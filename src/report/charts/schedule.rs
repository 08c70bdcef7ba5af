//! The schedule strip, one band per CronJob: on top, when it created a Job
//! (`SuccessfulCreate`), when a due run was skipped (`JobAlreadyActive`, Forbid) and when a
//! run was missed (`MissSchedule`); below, each Job it created as a bar from creation to
//! finish, coloured by outcome.
//!
//! Marks and bars closer than a pixel are merged, so a year of an every-minute schedule stays
//! small. It reads only `events.csv`, `jobs.csv` and `summary.json`; it must not compute the
//! schedule itself (that would be re-simulating).

use super::{Chart, DrawResult, Frame, LegendItem, Swatch, WIDTH, frame_areas, lighten, palette};
use crate::report::font;
use crate::report::names::Name;
use crate::report::records::{JobOutcome, RunRecords};
use crate::time::SimTime;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;

/// Bands drawn at most.
const MAX_CRONJOBS: usize = 30;
/// Merge resolution: marks and bars closer than `span / MERGE_COLUMNS` become one.
const MERGE_COLUMNS: u64 = 1400;

/// A kind of mark on a CronJob's event row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    Created,
    Skipped,
    Missed,
}

/// One CronJob's band.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub cronjob: String,
    pub schedule: String,
    /// `(kind, from, to, count)`: marks merged when closer than the merge resolution.
    pub marks: Vec<(MarkKind, SimTime, SimTime, usize)>,
    /// `(outcome, from, to, count)`: Job runs, merged likewise.
    pub runs: Vec<(JobOutcome, SimTime, SimTime, usize)>,
}

#[derive(Debug, Clone)]
pub struct ScheduleChart {
    pub frame: Frame,
    pub bands: Vec<Band>,
}

/// Merges sorted `(kind, from, to)` items of equal kind that are closer than `gap` and
/// too narrow to see on their own (narrower than `gap`): wide runs stay separate bars.
fn merge<K: Clone + PartialEq + Ord>(
    mut items: Vec<(K, SimTime, SimTime)>,
    gap: SimTime,
) -> Vec<(K, SimTime, SimTime, usize)> {
    // Equal items are interchangeable, so an unstable sort (no scratch copy) is enough.
    items.sort_unstable_by(|a, b| (&a.0, a.1, a.2).cmp(&(&b.0, b.1, b.2)));
    merge_sorted(items.into_iter(), gap)
}

/// [`merge`] of items already sorted.
fn merge_sorted<K: Clone + PartialEq + Ord>(
    items: impl Iterator<Item = (K, SimTime, SimTime)>,
    gap: SimTime,
) -> Vec<(K, SimTime, SimTime, usize)> {
    let mut merged: Vec<(K, SimTime, SimTime, usize)> = Vec::new();
    for (kind, from, to) in items {
        let narrow = to - from < gap;
        match merged.last_mut() {
            Some(last)
                if last.0 == kind
                    && from <= last.2 + gap
                    && narrow
                    && (last.3 > 1 || last.2 - last.1 < gap) =>
            {
                last.2 = last.2.max(to);
                last.3 += 1;
            }
            _ => merged.push((kind, from, to, 1)),
        }
    }
    merged
}

/// [`merge`] of instants, given by kind in kind order, each list in time order (so nothing is
/// copied or sorted: a year of every-minute events stays cheap).
fn merge_marks(
    by_kind: [(MarkKind, &Vec<SimTime>); 3],
    gap: SimTime,
) -> Vec<(MarkKind, SimTime, SimTime, usize)> {
    let mut merged: Vec<(MarkKind, SimTime, SimTime, usize)> = Vec::new();
    for (kind, times) in by_kind {
        if !times.is_sorted() {
            let mut sorted = times.clone();
            sorted.sort_unstable();
            merged.extend(merge_marks_sorted(kind, &sorted, gap));
        } else {
            merged.extend(merge_marks_sorted(kind, times, gap));
        }
    }
    merged
}

fn merge_marks_sorted(
    kind: MarkKind,
    times: &[SimTime],
    gap: SimTime,
) -> Vec<(MarkKind, SimTime, SimTime, usize)> {
    let mut merged: Vec<(MarkKind, SimTime, SimTime, usize)> = Vec::new();
    for &t in times {
        match merged.last_mut() {
            Some(last) if t <= last.2 + gap => {
                last.2 = last.2.max(t);
                last.3 += 1;
            }
            _ => merged.push((kind, t, t, 1)),
        }
    }
    merged
}

/// [`merge`] of the runs of the Jobs `owner` created, from creation to finish (or deletion, or
/// the end). Outcome by outcome; the Jobs of a CronJob are usually already in time order, and
/// then they are merged as they are read, without a copy.
fn merge_runs(
    records: &RunRecords,
    owner: Name,
    end: SimTime,
    gap: SimTime,
) -> Vec<(JobOutcome, SimTime, SimTime, usize)> {
    const OUTCOMES: [JobOutcome; 5] = [
        JobOutcome::Complete,
        JobOutcome::Failed,
        JobOutcome::Running,
        JobOutcome::Suspended,
        JobOutcome::Other,
    ];
    let mut merged = Vec::new();
    for outcome in OUTCOMES {
        let runs = records
            .jobs
            .iter()
            .filter(|j| j.owner == Some(owner) && j.outcome == outcome)
            .filter_map(|j| {
                let from = j.created().or(j.started())?;
                let to = j.finished().or(j.deleted()).unwrap_or(end).max(from);
                Some((outcome, from, to))
            });
        let mut previous = None;
        let in_order = runs.clone().all(|(_, from, to)| {
            let ordered = previous <= Some((from, to));
            previous = Some((from, to));
            ordered
        });
        if in_order {
            merged.extend(merge_sorted(runs, gap));
        } else {
            merged.extend(merge(runs.collect(), gap));
        }
    }
    merged
}

fn outcome_colour(outcome: JobOutcome) -> RGBColor {
    match outcome {
        JobOutcome::Complete => palette::BLUISH_GREEN,
        JobOutcome::Failed => palette::VERMILLION,
        JobOutcome::Running => palette::BLUE,
        _ => palette::GREY,
    }
}

impl ScheduleChart {
    /// `None` when the run has no CronJobs.
    pub fn build(records: &RunRecords, frame: &Frame) -> Option<ScheduleChart> {
        let mut names: Vec<(String, String)> = records
            .summary
            .cronjobs
            .iter()
            .map(|c| (c.name.clone(), c.schedule.clone()))
            .collect();
        // Owners in order of first appearance; a CronJob's Jobs repeat one owner many times.
        let mut owners: Vec<Name> = Vec::new();
        for owner in records.jobs.iter().filter_map(|j| j.owner) {
            if owners.last() != Some(&owner) && !owners.contains(&owner) {
                owners.push(owner);
            }
        }
        let owners = owners
            .into_iter()
            .filter_map(|o| records.names.text(o).strip_prefix("cronjob/"));
        let from_events = records.events.cronjobs.iter().map(|c| c.cronjob.as_str());
        for name in owners.chain(from_events) {
            if !names.iter().any(|(n, _)| n == name) {
                names.push((name.to_string(), String::new()));
            }
        }
        if names.is_empty() {
            return None;
        }
        let gap = (frame.end / MERGE_COLUMNS).max(1);
        let bands = names
            .into_iter()
            .take(MAX_CRONJOBS)
            .map(|(cronjob, schedule)| {
                let marks = match records.events.cronjob(&cronjob) {
                    Some(events) => merge_marks(
                        [
                            (MarkKind::Created, &events.successful_create),
                            (MarkKind::Skipped, &events.job_already_active),
                            (MarkKind::Missed, &events.miss_schedule),
                        ],
                        gap,
                    ),
                    None => Vec::new(),
                };
                let runs = match records.names.get(&format!("cronjob/{cronjob}")) {
                    Some(owner) => merge_runs(records, owner, frame.end, gap),
                    None => Vec::new(),
                };
                Band {
                    cronjob,
                    schedule,
                    marks,
                    runs,
                }
            })
            .collect();
        Some(ScheduleChart {
            frame: frame.clone(),
            bands,
        })
    }

    fn legend(&self) -> Vec<LegendItem> {
        vec![
            LegendItem::new(
                "Job created (SuccessfulCreate)",
                Swatch::Triangle(palette::BLACK),
            ),
            LegendItem::new(
                "run skipped (JobAlreadyActive)",
                Swatch::Cross(palette::ORANGE),
            ),
            LegendItem::new(
                "run missed (MissSchedule)",
                Swatch::Cross(palette::VERMILLION),
            ),
            LegendItem::new("Job complete", Swatch::Fill(palette::BLUISH_GREEN)),
            LegendItem::new("Job failed", Swatch::Fill(palette::VERMILLION)),
            LegendItem::new("Job running at end", Swatch::Fill(palette::BLUE)),
        ]
    }
}

impl Chart for ScheduleChart {
    fn name(&self) -> &'static str {
        "schedule"
    }

    fn title(&self) -> String {
        self.frame.title("CronJob schedule")
    }

    fn size(&self) -> (u32, u32) {
        let legend = super::legend_height(&self.legend(), WIDTH - 32);
        (WIDTH, 150 + legend + 70 * self.bands.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame_areas(root, &self.title(), &self.legend())?;
        let rows = self.bands.len() as f64;
        let label_width = self
            .bands
            .iter()
            .map(|b| b.cronjob.chars().count().max(b.schedule.chars().count()))
            .max()
            .unwrap_or(8)
            .clamp(8, 40) as u32
            * 8
            + 14;
        let mut chart = ChartBuilder::on(&body)
            .margin_right(10)
            .x_label_area_size(44)
            .y_label_area_size(label_width)
            .build_cartesian_2d(self.frame.x_range(), 0.0..rows)?;
        let scale = self.frame.scale;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(scale.label())
            .x_label_formatter(&|v| super::tick(*v))
            .label_style((font::FAMILY, 13))
            .axis_desc_style((font::FAMILY, 14))
            .light_line_style(RGBColor(240, 240, 240))
            .max_light_lines(2)
            .draw()?;
        let x = |t: SimTime| scale.x(t);
        // The smallest visible width: a merged instant still shows as a sliver.
        let min_width = self.frame.x_range().end / WIDTH as f64;
        let right = |from: SimTime, to: SimTime| x(to).max(x(from) + min_width);
        for (i, band) in self.bands.iter().enumerate() {
            let top = rows - i as f64;
            let label = |text: &str, y: f64, size: u32| -> DrawResult<DB> {
                let (px, py) = chart.backend_coord(&(0.0, y));
                let style =
                    (font::FAMILY, size)
                        .into_font()
                        .color(&BLACK)
                        .pos(text_anchor::Pos::new(
                            text_anchor::HPos::Right,
                            text_anchor::VPos::Center,
                        ));
                root.draw(&Text::new(text.to_string(), (px - 6, py), style))
            };
            label(&band.cronjob, top - 0.35, 13)?;
            if !band.schedule.is_empty() {
                label(&band.schedule, top - 0.65, 11)?;
            }
            if i % 2 == 1 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, top - 1.0), (self.frame.x_range().end, top)],
                    RGBColor(246, 246, 246).filled(),
                )))?;
            }
            // Event row (upper half).
            let event_y = top - 0.27;
            let created = band.marks.iter().filter(|m| m.0 == MarkKind::Created);
            // A single creation is a triangle; merged ones a bar over the span they cover.
            chart.draw_series(
                created
                    .clone()
                    .filter(|m| m.3 == 1)
                    .map(|m| TriangleMarker::new((x(m.1), event_y), 6, palette::BLACK.filled())),
            )?;
            chart.draw_series(created.filter(|m| m.3 > 1).map(|m| {
                Rectangle::new(
                    [(x(m.1), event_y - 0.12), (right(m.1, m.2), event_y + 0.12)],
                    palette::BLACK.filled(),
                )
            }))?;
            chart.draw_series(
                band.marks
                    .iter()
                    .filter(|m| m.0 != MarkKind::Created)
                    .map(|m| {
                        let colour = if m.0 == MarkKind::Skipped {
                            palette::ORANGE
                        } else {
                            palette::VERMILLION
                        };
                        Cross::new((x(m.1), event_y), 5, colour.stroke_width(2))
                    }),
            )?;
            // Run row (lower half).
            let run_y = top - 0.68;
            chart.draw_series(band.runs.iter().map(|r| {
                let colour = outcome_colour(r.0);
                let colour = if r.3 > 1 {
                    lighten(colour, 0.15)
                } else {
                    colour
                };
                Rectangle::new(
                    [(x(r.1), run_y - 0.2), (right(r.1, r.2), run_y + 0.2)],
                    colour.filled(),
                )
            }))?;
            // A thin white edge at each run's start, so that back-to-back Jobs (Forbid
            // starts the next as the previous ends) read as separate runs.
            chart.draw_series(band.runs.iter().filter(|r| r.3 == 1).map(|r| {
                PathElement::new(
                    vec![(x(r.1), run_y - 0.2), (x(r.1), run_y + 0.2)],
                    WHITE.stroke_width(2),
                )
            }))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::read_run;
    use std::path::Path;

    fn records(case: &str) -> RunRecords {
        read_run(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/report")
                .join(case),
        )
        .unwrap()
    }

    #[test]
    fn no_cronjobs_no_schedule_strip() {
        let records = records("parallel");
        assert!(ScheduleChart::build(&records, &Frame::new(&records)).is_none());
    }

    #[test]
    fn cronjob_band_shows_created_skipped_missed_and_runs() {
        let records = records("cronjob");
        let chart = ScheduleChart::build(&records, &Frame::new(&records)).unwrap();
        let band = &chart.bands[0];
        assert_eq!(band.cronjob, "hello");
        assert_eq!(band.schedule, "* * * * *");
        let kinds: Vec<(MarkKind, SimTime)> = band.marks.iter().map(|m| (m.0, m.1)).collect();
        assert_eq!(
            kinds,
            [
                (MarkKind::Created, 60_000),
                (MarkKind::Created, 120_000),
                (MarkKind::Created, 240_000),
                (MarkKind::Skipped, 180_000),
                (MarkKind::Missed, 300_000)
            ]
        );
        let runs: Vec<(JobOutcome, SimTime, SimTime)> =
            band.runs.iter().map(|r| (r.0, r.1, r.2)).collect();
        assert_eq!(
            runs,
            [
                (JobOutcome::Complete, 60_000, 90_000),
                (JobOutcome::Complete, 120_000, 200_000),
                (JobOutcome::Failed, 240_000, 250_000)
            ]
        );
    }

    #[test]
    fn narrow_runs_closer_than_a_pixel_merge() {
        // gap (one pixel) 5: runs 4 wide, 1 apart, merge; the far one stays alone
        let merged = merge(
            vec![
                (JobOutcome::Complete, 0, 4),
                (JobOutcome::Complete, 5, 9),
                (JobOutcome::Complete, 100, 104),
            ],
            5,
        );
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0], (JobOutcome::Complete, 0, 9, 2));
    }

    #[test]
    fn wide_back_to_back_runs_stay_separate_bars() {
        // Forbid starts the next Job as the previous ends: each run is many pixels wide
        let merged = merge(
            vec![
                (JobOutcome::Complete, 0, 720),
                (JobOutcome::Complete, 720, 1_440),
                (JobOutcome::Complete, 1_440, 2_160),
            ],
            5,
        );
        assert_eq!(merged.len(), 3);
        assert!(merged.iter().all(|m| m.3 == 1));
    }
}
