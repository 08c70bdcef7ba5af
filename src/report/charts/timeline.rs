//! The timeline (Gantt) chart: one lane per node — or per completion index when the run is a
//! single Indexed Job — and a bar per pod attempt, pending time lighter. Every way an attempt
//! ends has its own bar colour and end mark ([`EndMark`], from `pods.csv`'s `ended_by` and
//! `counted`): a pod the controller deleted is never drawn as a failure. In-place restarts
//! split the bar into runs with the crash-loop waits between them; recreation backoff,
//! per-index backoff and suspension gaps are drawn differently; node outages are shaded and
//! Job start/finish marks sit on a top lane.
//!
//! Beyond [`DETAIL_LIMIT`] attempts (or too many rows) it aggregates: lanes are binned and the
//! bars merge into density cells, so files stay small whatever the run's size. It must not
//! draw anything the records do not say.

use super::{Chart, DrawResult, Frame, LegendItem, Swatch, WIDTH, frame_areas, lighten, palette};
use crate::report::font;
use crate::report::names::Name;
use crate::report::records::{CompactPod, CountedAs, Ended, JobOutcome, RestartMark, RunRecords};
use crate::time::SimTime;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor;
use std::collections::BTreeMap;

/// Attempts above which the timeline switches to density cells.
pub const DETAIL_LIMIT: usize = 3000;
/// Rows above which the timeline switches to density cells.
const ROW_LIMIT: usize = 250;
/// At most this many lanes in the density view; nodes beyond are binned together.
const DENSITY_LANES: usize = 40;
/// Time columns in the density view.
const DENSITY_COLUMNS: usize = 300;
/// Shades of density (1 = lightest).
const DENSITY_LEVELS: u32 = 6;
/// At most this many Jobs get start/finish marks.
const MARKED_JOBS: usize = 60;

/// A lane of the chart: a node, a completion index or a bin of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub label: String,
    /// First row (0 = top) and number of rows.
    pub first_row: usize,
    pub rows: usize,
    /// The nodes this lane shows (for outage shading).
    pub nodes: Vec<String>,
}

/// One pod attempt in the detailed view.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub row: usize,
    /// The pod's position in `RunRecords::pods`.
    pub pod: usize,
    /// Created (pending) — drawn lighter up to `start`.
    pub pending_from: Option<SimTime>,
    /// Running from `start` to `end`; `start == end` when it never started.
    pub start: SimTime,
    pub end: SimTime,
    pub key: usize,
    /// The attempt failed (any failure, counted or not; not a deletion).
    pub failed: bool,
    /// How it ended, as drawn.
    pub mark: EndMark,
    /// In-place restarts inside the bar.
    pub restarts: Vec<RestartMark>,
}

/// How an attempt ended, as the timeline draws it: a bar colour and an end mark each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EndMark {
    /// Still running (or pending) when the run ended: no mark.
    Running,
    /// Every container exited 0.
    Succeeded,
    /// Failed and counted in `status.failed` (or a file that does not say).
    FailedCounted,
    /// Failed (also evicted, OOMKilled, …) but not counted: a podFailurePolicy `Ignore`
    /// rule matched its exit code or its disruption.
    FailedNotCounted,
    /// Deleted by the controller (suspend, success policy, surplus, Replace, an action) and
    /// not counted.
    DeletedNotCounted,
    /// Deleted by the controller when the Job failed or passed its deadline: counted as
    /// failed, as Kubernetes counts it.
    DeletedCounted,
    /// Evicted through the Eviction API (and counted, or not known to be uncounted).
    Evicted,
    /// A container was OOMKilled (and counted).
    OomKilled,
    /// The pod's own `activeDeadlineSeconds` ran out (and counted).
    PodDeadline,
    /// Its node was lost: taint-manager eviction, PodGC (and counted).
    NodeLost,
}

/// The shape drawn at an attempt's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkShape {
    None,
    Dot,
    Cross,
    Ring,
    Square,
    HollowSquare,
    Diamond,
    HollowDiamond,
    Triangle,
    TriangleDown,
    Tick,
}

impl EndMark {
    /// The mark of one pod.
    pub fn of(pod: &CompactPod) -> EndMark {
        let counted = pod.counted;
        match pod.ended {
            Ended::Running => EndMark::Running,
            Ended::Succeeded => EndMark::Succeeded,
            // A failure the Job did not count — a podFailurePolicy `Ignore` rule, which is
            // how a disruption goes uncounted — is its own mark, whatever ended the pod.
            Ended::Failed
            | Ended::OomKilled
            | Ended::PodDeadline
            | Ended::Evicted
            | Ended::NodeLost
                if counted == CountedAs::No =>
            {
                EndMark::FailedNotCounted
            }
            Ended::Failed => EndMark::FailedCounted,
            Ended::OomKilled => EndMark::OomKilled,
            Ended::PodDeadline => EndMark::PodDeadline,
            Ended::Evicted => EndMark::Evicted,
            Ended::NodeLost => EndMark::NodeLost,
            _ if counted == CountedAs::Failed => EndMark::DeletedCounted,
            _ => EndMark::DeletedNotCounted,
        }
    }

    /// Every mark, in legend order.
    pub const ALL: [EndMark; 9] = [
        EndMark::Succeeded,
        EndMark::FailedCounted,
        EndMark::FailedNotCounted,
        EndMark::DeletedNotCounted,
        EndMark::DeletedCounted,
        EndMark::Evicted,
        EndMark::OomKilled,
        EndMark::PodDeadline,
        EndMark::NodeLost,
    ];

    /// True for the ends that are failures of the pod itself (not deletions).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            EndMark::FailedCounted
                | EndMark::FailedNotCounted
                | EndMark::Evicted
                | EndMark::OomKilled
                | EndMark::PodDeadline
                | EndMark::NodeLost
        )
    }

    /// The bar's colour; `None` for the Job's own colour.
    pub fn bar(self) -> Option<RGBColor> {
        match self {
            EndMark::Running | EndMark::Succeeded => None,
            EndMark::FailedCounted | EndMark::OomKilled | EndMark::PodDeadline => {
                Some(palette::VERMILLION)
            }
            EndMark::FailedNotCounted => Some(lighten(palette::VERMILLION, 0.5)),
            EndMark::DeletedNotCounted => Some(lighten(palette::GREY, 0.45)),
            EndMark::DeletedCounted => Some(palette::GREY),
            EndMark::Evicted | EndMark::NodeLost => Some(palette::REDDISH_PURPLE),
        }
    }

    /// The end mark and its colour.
    pub fn shape(self) -> (MarkShape, RGBColor) {
        match self {
            EndMark::Running => (MarkShape::None, palette::BLACK),
            EndMark::Succeeded => (MarkShape::Dot, palette::BLUISH_GREEN),
            EndMark::FailedCounted => (MarkShape::Cross, palette::BLACK),
            EndMark::FailedNotCounted => (MarkShape::Ring, palette::BLACK),
            EndMark::DeletedNotCounted => (MarkShape::HollowSquare, palette::BLACK),
            EndMark::DeletedCounted => (MarkShape::Square, palette::VERMILLION),
            EndMark::Evicted => (MarkShape::Triangle, palette::BLACK),
            EndMark::OomKilled => (MarkShape::Diamond, palette::BLACK),
            EndMark::PodDeadline => (MarkShape::HollowDiamond, palette::BLACK),
            EndMark::NodeLost => (MarkShape::TriangleDown, palette::BLACK),
        }
    }

    /// The legend's words.
    pub fn label(self) -> &'static str {
        match self {
            EndMark::Running => "still running",
            EndMark::Succeeded => "succeeded (bar in its Job's colour)",
            EndMark::FailedCounted => "failed, counted in status.failed",
            EndMark::FailedNotCounted => {
                "failed, not counted (podFailurePolicy Ignore: an exit code or a disruption)"
            }
            EndMark::DeletedNotCounted => {
                "deleted, not counted (suspend, success policy, surplus, Replace)"
            }
            EndMark::DeletedCounted => "deleted as the Job failed, counted as failed",
            EndMark::Evicted => "evicted",
            EndMark::OomKilled => "OOMKilled",
            EndMark::PodDeadline => "pod activeDeadlineSeconds",
            EndMark::NodeLost => "node lost",
        }
    }
}

/// Draws an end mark centred at pixel `(x, y)`, `size` pixels from centre to edge.
pub fn draw_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    shape: MarkShape,
    colour: RGBColor,
    (x, y): (i32, i32),
    size: i32,
) -> DrawResult<DB> {
    let s = size;
    let line = colour.stroke_width(2);
    match shape {
        MarkShape::None => {}
        MarkShape::Dot => area.draw(&Circle::new((x, y), (s - 1).max(2), colour.filled()))?,
        MarkShape::Cross => area.draw(&Cross::new((x, y), s, line))?,
        MarkShape::Ring => {
            area.draw(&Circle::new((x, y), s, WHITE.filled()))?;
            area.draw(&Circle::new((x, y), s, line))?;
        }
        MarkShape::Square => area.draw(&Rectangle::new(
            [(x - s, y - s), (x + s, y + s)],
            colour.filled(),
        ))?,
        MarkShape::HollowSquare => {
            area.draw(&Rectangle::new(
                [(x - s, y - s), (x + s, y + s)],
                WHITE.filled(),
            ))?;
            area.draw(&Rectangle::new([(x - s, y - s), (x + s, y + s)], line))?;
        }
        MarkShape::Diamond | MarkShape::HollowDiamond => {
            let points = vec![
                (x, y - s - 1),
                (x + s + 1, y),
                (x, y + s + 1),
                (x - s - 1, y),
            ];
            if shape == MarkShape::Diamond {
                area.draw(&Polygon::new(points, colour.filled()))?;
            } else {
                area.draw(&Polygon::new(points.clone(), WHITE.filled()))?;
                let mut closed = points;
                closed.push(closed[0]);
                area.draw(&PathElement::new(closed, line))?;
            }
        }
        MarkShape::Triangle => area.draw(&Polygon::new(
            vec![(x, y - s - 1), (x + s + 1, y + s), (x - s - 1, y + s)],
            colour.filled(),
        ))?,
        MarkShape::TriangleDown => area.draw(&Polygon::new(
            vec![(x, y + s + 1), (x + s + 1, y - s), (x - s - 1, y - s)],
            colour.filled(),
        ))?,
        MarkShape::Tick => area.draw(&PathElement::new(vec![(x, y - s), (x, y + s)], line))?,
    }
    Ok(())
}

/// What a gap between two attempts of the same Job (and index) was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapKind {
    /// The Job controller's recreation backoff after a failure (whole Job).
    Backoff,
    /// The per-index backoff of `backoffLimitPerIndex`.
    IndexBackoff,
    /// The Job was suspended: its pods deleted, new ones created on resume.
    Suspended,
}

/// A gap drawn on a row: from an attempt's end to the creation of the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shade {
    pub row: usize,
    pub from: SimTime,
    pub to: SimTime,
    pub kind: GapKind,
}

/// A Job's start and finish on the marker lane.
#[derive(Debug, Clone, PartialEq)]
pub struct JobMark {
    /// The Job's name (labels its line when few Jobs share the lane).
    pub name: String,
    pub key: usize,
    pub start: Option<SimTime>,
    pub finish: Option<SimTime>,
    pub outcome: JobOutcome,
}

/// A run of equal density cells in one lane of the aggregated view.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub lane: usize,
    pub from_column: usize,
    pub to_column: usize,
    pub key: usize,
    /// 1..=DENSITY_LEVELS.
    pub level: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum View {
    Detailed {
        bars: Vec<Bar>,
        /// `(row, from, to)`: a failed attempt's finish to the creation of its replacement
        /// (the recreation backoff).
        gaps: Vec<(usize, SimTime, SimTime)>,
        /// Per-index backoff and suspension gaps (the recreation backoff is in `gaps`).
        shades: Vec<Shade>,
    },
    Density {
        column_ms: f64,
        cells: Vec<Cell>,
        /// `(lane, from_column, to_column)` where failed attempts ended.
        failures: Vec<(usize, usize, usize)>,
    },
}

/// Where a pod's bar is drawn, in pixels of the chart (for `report.html`'s clicks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HitBox {
    /// The pod's position in `RunRecords::pods`.
    pub pod: usize,
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

/// The timeline's drawing model.
#[derive(Debug)]
pub struct TimelineChart {
    pub frame: Frame,
    pub by_index: bool,
    pub lanes: Vec<Lane>,
    pub view: View,
    /// `(node, from, to)` intervals when a node was NotReady.
    pub outages: Vec<(String, SimTime, SimTime)>,
    pub marks: Vec<JobMark>,
    #[allow(dead_code)] // counted for the view; no chart reads it yet
    pub attempts: usize,
    /// The bars' pixel boxes of the latest drawing (detailed view only).
    hits: std::sync::Mutex<Vec<HitBox>>,
}

/// Which lane a pod belongs to, before rows are assigned.
struct LaneSet {
    labels: Vec<String>,
    nodes: Vec<Vec<String>>,
    of_pod: Vec<u32>,
}

impl TimelineChart {
    pub fn build(records: &RunRecords, frame: &Frame) -> TimelineChart {
        let end = frame.end;
        let only_job = match records.summary.jobs.as_slice() {
            [job] if job.is_indexed() => records.names.get(&job.name),
            _ => None,
        };
        let single_indexed = only_job.is_some_and(|job| records.pods.iter().all(|p| p.job == job));
        let lanes = if single_indexed {
            index_lanes(&records.pods)
        } else {
            node_lanes(records)
        };
        let outages = node_outages(records, end);
        let marks = job_marks(records, frame);
        let attempts = records.pods.len();
        let mut chart = TimelineChart {
            frame: frame.clone(),
            by_index: single_indexed,
            lanes: Vec::new(),
            view: View::Detailed {
                bars: Vec::new(),
                gaps: Vec::new(),
                shades: Vec::new(),
            },
            outages,
            marks,
            attempts,
            hits: std::sync::Mutex::new(Vec::new()),
        };
        let packed = (attempts <= DETAIL_LIMIT)
            .then(|| pack_rows(records, &lanes, frame, end))
            .filter(|(lanes, _)| lanes.iter().map(|l| l.rows).sum::<usize>() <= ROW_LIMIT);
        let packed = packed.map(|(lanes, mut bars)| {
            // Bars are in lane order; the restarts are in file order: look each pod up.
            let bar_of: BTreeMap<usize, usize> =
                bars.iter().enumerate().map(|(i, b)| (b.pod, i)).collect();
            for (pod, marks) in &records.restarts {
                if let Some(&i) = bar_of.get(pod) {
                    bars[i].restarts = marks.clone();
                }
            }
            (lanes, bars)
        });
        match packed {
            Some((lanes, bars)) => {
                let all = attempt_gaps(records, &bars);
                let gaps = all
                    .iter()
                    .filter(|g| g.kind == GapKind::Backoff)
                    .map(|g| (g.row, g.from, g.to))
                    .collect();
                let shades = all
                    .into_iter()
                    .filter(|g| g.kind != GapKind::Backoff)
                    .collect();
                chart.lanes = lanes;
                chart.view = View::Detailed { bars, gaps, shades };
            }
            None => {
                let (lanes, view) = density(records, &lanes, frame, end);
                chart.lanes = lanes;
                chart.view = view;
            }
        }
        chart
    }

    fn rows(&self) -> usize {
        self.lanes.iter().map(|l| l.rows).sum::<usize>() + usize::from(self.has_mark_lane())
    }

    fn has_mark_lane(&self) -> bool {
        !self.marks.is_empty()
    }

    fn row_px(&self) -> u32 {
        (700 / self.rows().max(1) as u32).clamp(4, 30)
    }

    /// Legend entries for what this chart actually shows.
    fn legend(&self) -> Vec<LegendItem> {
        let mut items = self.frame.colours.legend();
        let mut push = |shown: bool, label: &str, swatch: Swatch| {
            if shown {
                items.push(LegendItem::new(label, swatch));
            }
        };
        match &self.view {
            View::Detailed { bars, gaps, shades } => {
                // Pending bars are the Job's colour, lightened: so is the swatch.
                let pending = lighten(self.frame.colours.colour(0), 0.65);
                let any_pending = bars.iter().any(|b| b.pending_from.is_some());
                push(
                    any_pending,
                    "pending (created → started)",
                    Swatch::Fill(pending),
                );
                for mark in EndMark::ALL {
                    let (shape, colour) = mark.shape();
                    // A success is drawn in its Job's colour: the swatch stays neutral.
                    let bar = mark.bar().unwrap_or(lighten(palette::GREY, 0.55));
                    push(
                        bars.iter().any(|b| b.mark == mark),
                        mark.label(),
                        Swatch::Attempt(bar, shape, colour),
                    );
                }
                push(
                    bars.iter().any(|b| !b.restarts.is_empty()),
                    "container restarted in place: exit | crash-loop wait",
                    Swatch::Attempt(RESTART_WAIT, MarkShape::Tick, palette::BLACK),
                );
                push(
                    !gaps.is_empty(),
                    "recreation backoff before the next pod",
                    Swatch::Dashed(palette::GREY),
                );
                let kinds = |k: GapKind| shades.iter().any(|s| s.kind == k);
                push(
                    kinds(GapKind::IndexBackoff),
                    "per-index backoff before the next pod",
                    Swatch::Dashed(palette::ORANGE),
                );
                push(
                    kinds(GapKind::Suspended),
                    "Job suspended (pods deleted, recreated on resume)",
                    Swatch::Fill(SUSPENDED),
                );
            }
            View::Density { failures, .. } => {
                let shade = Swatch::Fill(lighten(palette::BLUE, 0.5));
                push(
                    true,
                    "darker = more pods running (per lane capacity)",
                    shade,
                );
                let failed = Swatch::Fill(palette::VERMILLION);
                push(!failures.is_empty(), "failed attempts ended here", failed);
            }
        }
        let outage = match self.view {
            View::Density { .. } => OUTAGE_STRIP,
            View::Detailed { .. } => OUTAGE,
        };
        push(
            !self.outages.is_empty(),
            "node NotReady",
            Swatch::Fill(outage),
        );
        let complete = self.marks.iter().any(|m| m.outcome == JobOutcome::Complete);
        let failed = self.marks.iter().any(|m| m.outcome == JobOutcome::Failed);
        push(complete, "Job complete", Swatch::Dot(palette::BLUISH_GREEN));
        push(failed, "Job failed", Swatch::Cross(palette::VERMILLION));
        items
    }
}

/// Jobs on the marker lane that are named beside their line (more would overlap).
const MARK_LABELS: usize = 6;

/// A pale yellow, unlike the grey of alternate lanes, so an outage never reads as background.
const OUTAGE: RGBColor = RGBColor(248, 238, 160);
/// A crash-loop wait inside a bar.
const RESTART_WAIT: RGBColor = RGBColor(235, 235, 235);
/// A suspension gap between attempts.
const SUSPENDED: RGBColor = RGBColor(190, 225, 245);
/// Outages over density cells need more contrast than behind bars.
const OUTAGE_STRIP: RGBColor = RGBColor(85, 85, 85);

fn index_lanes(pods: &[CompactPod]) -> LaneSet {
    let mut indexes: Vec<Option<u32>> = pods.iter().map(|p| p.index()).collect();
    indexes.sort();
    indexes.dedup();
    let of_pod = pods
        .iter()
        .map(|p| indexes.binary_search(&p.index()).unwrap_or(0) as u32)
        .collect();
    let labels = indexes
        .iter()
        .map(|i| i.map_or("(no index)".to_string(), |i| format!("index {i}")))
        .collect::<Vec<_>>();
    LaneSet {
        nodes: vec![Vec::new(); labels.len()],
        labels,
        of_pod,
    }
}

fn node_lanes(records: &RunRecords) -> LaneSet {
    let mut names: Vec<String> = records.nodes.iter().map(|n| n.node.clone()).collect();
    let mut position: BTreeMap<&str, u32> = records
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.node.as_str(), i as u32))
        .collect();
    // Lanes by node name index, filled as pods name nodes (pods.csv repeats a few names).
    let mut lane_of_name: Vec<u32> = vec![u32::MAX; records.names.len()];
    const UNSCHEDULED: &str = "(not scheduled)";
    const NONE: u32 = u32::MAX;
    let mut of_pod = Vec::with_capacity(records.pods.len());
    let mut unscheduled = false;
    for pod in &records.pods {
        let lane = match pod.node {
            Some(node) => {
                let lane = &mut lane_of_name[node.index()];
                if *lane == NONE {
                    let text = records.names.text(node);
                    *lane = *position.entry(text).or_insert_with(|| {
                        names.push(text.to_string());
                        names.len() as u32 - 1
                    });
                }
                *lane
            }
            None => {
                unscheduled = true;
                NONE
            }
        };
        of_pod.push(lane);
    }
    let mut nodes: Vec<Vec<String>> = names.iter().map(|n| vec![n.clone()]).collect();
    if unscheduled {
        names.push(UNSCHEDULED.to_string());
        nodes.push(Vec::new());
        let last = names.len() as u32 - 1;
        for lane in &mut of_pod {
            if *lane == NONE {
                *lane = last;
            }
        }
    }
    if names.is_empty() {
        names.push("(no nodes)".to_string());
        nodes.push(Vec::new());
    }
    LaneSet {
        labels: names,
        nodes,
        of_pod,
    }
}

/// The interval a pod occupies on its lane: from creation to its end (or the run's end).
fn occupied(pod: &CompactPod, end: SimTime) -> Option<(SimTime, SimTime)> {
    let from = pod.first_seen()?;
    let to = pod.finished().unwrap_or(end).max(from);
    Some((from, to))
}

/// Assigns every pod a row inside its lane (lowest free row first), giving the detailed view.
fn pack_rows(
    records: &RunRecords,
    lanes: &LaneSet,
    frame: &Frame,
    end: SimTime,
) -> (Vec<Lane>, Vec<Bar>) {
    let mut by_lane: Vec<Vec<usize>> = vec![Vec::new(); lanes.labels.len()];
    for (i, &lane) in lanes.of_pod.iter().enumerate() {
        by_lane[lane as usize].push(i);
    }
    let mut out_lanes = Vec::with_capacity(by_lane.len());
    let mut bars = Vec::with_capacity(records.pods.len());
    let mut first_row = 0;
    for (lane, mut pods) in by_lane.into_iter().enumerate() {
        pods.retain(|&i| occupied(&records.pods[i], end).is_some());
        pods.sort_by_key(|&i| (occupied(&records.pods[i], end), i));
        let mut free_from: Vec<SimTime> = Vec::new();
        for i in pods {
            let pod = &records.pods[i];
            let Some((from, to)) = occupied(pod, end) else {
                continue;
            };
            let slot = match free_from.iter().position(|&f| f <= from) {
                Some(s) => s,
                None => {
                    free_from.push(0);
                    free_from.len() - 1
                }
            };
            // A zero-length attempt still blocks its row for a moment, so marks do not pile up.
            free_from[slot] = to.max(from + 1);
            let start = pod.started().unwrap_or(to).clamp(from, to);
            bars.push(Bar {
                row: first_row + slot,
                pod: i,
                pending_from: (pod.created().is_some() && start > from).then_some(from),
                start,
                end: to,
                key: frame.colours.key(pod.job),
                failed: EndMark::of(pod).is_failure(),
                mark: EndMark::of(pod),
                restarts: Vec::new(),
            });
        }
        let rows = free_from.len().max(1);
        out_lanes.push(Lane {
            label: lanes.labels[lane].clone(),
            first_row,
            rows,
            nodes: lanes.nodes[lane].clone(),
        });
        first_row += rows;
    }
    (out_lanes, bars)
}

/// For each attempt that failed or was deleted on suspend, the gap until the next attempt
/// of the same Job (and index) was created: the recreation backoff (per index under
/// `backoffLimitPerIndex`) or the suspension, made visible.
fn attempt_gaps(records: &RunRecords, bars: &[Bar]) -> Vec<Shade> {
    // In bar order, as the shades are drawn.
    let gap_of: BTreeMap<usize, PodGap> =
        pod_gaps(records).into_iter().map(|g| (g.pod, g)).collect();
    bars.iter()
        .filter_map(|bar| {
            let g = gap_of.get(&bar.pod)?;
            Some(Shade {
                row: bar.row,
                from: g.from,
                to: g.to,
                kind: g.kind,
            })
        })
        .collect()
}

/// A gap after one attempt: from its end to the creation of the next attempt of the same
/// Job (and index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodGap {
    /// The attempt that ended (its position in `RunRecords::pods`).
    pub pod: usize,
    pub from: SimTime,
    pub to: SimTime,
    pub kind: GapKind,
}

/// For each attempt that failed or was deleted on suspend, the gap until the next attempt
/// of the same Job (and index) was created — what the SVG shades and the text timeline
/// marks.
pub fn pod_gaps(records: &RunRecords) -> Vec<PodGap> {
    let pods = &records.pods;
    let mut created: BTreeMap<(Name, Option<u32>), Vec<SimTime>> = BTreeMap::new();
    for pod in pods {
        if let Some(t) = pod.first_seen() {
            created.entry((pod.job, pod.index())).or_default().push(t);
        }
    }
    for times in created.values_mut() {
        times.sort_unstable();
    }
    let per_index: Vec<Name> = records
        .objects
        .iter()
        .filter(|o| o.kind == "Job" && o.backoff_limit_per_index.is_some())
        .filter_map(|o| records.names.get(&o.name))
        .collect();
    let mut gaps = Vec::new();
    for (i, pod) in pods.iter().enumerate() {
        let kind = match pod.ended {
            Ended::DeletedSuspend => GapKind::Suspended,
            _ if !EndMark::of(pod).is_failure() => continue,
            _ if pod.index().is_some() && per_index.contains(&pod.job) => GapKind::IndexBackoff,
            _ => GapKind::Backoff,
        };
        let (Some(finished), Some(times)) = (pod.finished(), created.get(&(pod.job, pod.index())))
        else {
            continue;
        };
        let next = times.partition_point(|&t| t < finished);
        if let Some(&until) = times.get(next)
            && until > finished
        {
            gaps.push(PodGap {
                pod: i,
                from: finished,
                to: until,
                kind,
            });
        }
    }
    gaps
}

/// NodeNotReady → NodeReady intervals from the event log (open ones last to the run's end).
pub fn node_outages(records: &RunRecords, end: SimTime) -> Vec<(String, SimTime, SimTime)> {
    let mut down_since: BTreeMap<&str, SimTime> = BTreeMap::new();
    let mut outages = Vec::new();
    for event in records.events.nodes.iter().filter(|e| e.kind() == "node") {
        match event.reason.as_str() {
            "NodeNotReady" => {
                down_since.entry(event.name()).or_insert(event.time);
            }
            "NodeReady" => {
                if let Some(from) = down_since.remove(event.name()) {
                    outages.push((event.name().to_string(), from, event.time));
                }
            }
            _ => {}
        }
    }
    outages.extend(
        down_since
            .into_iter()
            .map(|(node, from)| (node.to_string(), from, end)),
    );
    outages
}

fn job_marks(records: &RunRecords, frame: &Frame) -> Vec<JobMark> {
    if records.jobs.len() > MARKED_JOBS {
        return Vec::new();
    }
    records
        .jobs
        .iter()
        .map(|job| JobMark {
            name: records.name(job.job).to_string(),
            key: frame.colours.key(job.job),
            start: job.started().or(job.created()),
            finish: job.finished(),
            outcome: job.outcome,
        })
        .collect()
}

/// The aggregated view: lanes binned to at most [`DENSITY_LANES`], time cut into columns,
/// each cell shaded by how busy it was and coloured by the Job that used it most.
fn density(
    records: &RunRecords,
    lanes: &LaneSet,
    frame: &Frame,
    end: SimTime,
) -> (Vec<Lane>, View) {
    let lane_count = lanes.labels.len();
    let per_bin = lane_count.div_ceil(DENSITY_LANES).max(1);
    let bins = lane_count.div_ceil(per_bin);
    let mut out_lanes = Vec::with_capacity(bins);
    for bin in 0..bins {
        let members = (bin * per_bin)..((bin + 1) * per_bin).min(lane_count);
        let label = if members.len() == 1 {
            lanes.labels[members.start].clone()
        } else {
            format!(
                "{} … {} ({})",
                lanes.labels[members.start],
                lanes.labels[members.end - 1],
                members.len()
            )
        };
        out_lanes.push(Lane {
            label,
            first_row: bin,
            rows: 1,
            nodes: members
                .clone()
                .flat_map(|l| lanes.nodes[l].clone())
                .collect(),
        });
    }
    let columns = DENSITY_COLUMNS;
    let column_ms = (end.max(1) as f64) / columns as f64;
    let keys = palette::JOBS.len() + 1;
    let key_slot = |key: usize| key.min(keys - 1);
    // busy[lane][column][key] in milliseconds of running pods.
    let mut busy = vec![0.0f64; bins * columns * keys];
    let mut failed = vec![false; bins * columns];
    let column_of = |t: SimTime| ((t as f64 / column_ms) as usize).min(columns - 1);
    for (pod, &lane) in records.pods.iter().zip(&lanes.of_pod) {
        let bin = lane as usize / per_bin;
        if let (true, Some(finished)) = (EndMark::of(pod).is_failure(), pod.finished()) {
            failed[bin * columns + column_of(finished)] = true;
        }
        let Some(start) = pod.started() else { continue };
        let stop = pod.finished().unwrap_or(end).max(start);
        let key = key_slot(frame.colours.key(pod.job));
        let (first, last) = (column_of(start), column_of(stop));
        for column in first..=last {
            let lo = (column as f64 * column_ms).max(start as f64);
            let hi = ((column + 1) as f64 * column_ms).min(stop as f64);
            if hi > lo {
                busy[(bin * columns + column) * keys + key] += hi - lo;
            }
        }
    }
    // A lane's capacity: the pods its nodes may hold, or else the most it ever ran at once.
    let mut capacity = vec![0.0f64; bins];
    let lane_of_node: BTreeMap<&str, usize> = lanes
        .nodes
        .iter()
        .enumerate()
        .flat_map(|(lane, nodes)| nodes.iter().map(move |n| (n.as_str(), lane)))
        .collect();
    for node in &records.nodes {
        if let Some(&lane) = lane_of_node.get(node.node.as_str()) {
            capacity[lane / per_bin] += node.pods as f64;
        }
    }
    let mut cells = Vec::new();
    for (bin, lane_capacity) in capacity.iter_mut().enumerate() {
        let row = &busy[bin * columns * keys..(bin + 1) * columns * keys];
        let peak = row
            .chunks(keys)
            .map(|c| c.iter().sum::<f64>() / column_ms)
            .fold(0.0, f64::max);
        if *lane_capacity <= 0.0 || *lane_capacity > 4.0 * peak {
            // Allocatable pod slots (110 per node) dwarf most workloads; shade against the
            // busiest moment instead so the chart shows the shape.
            *lane_capacity = peak.max(1.0);
        }
        let mut current: Option<Cell> = None;
        for (column, by_key) in row.chunks(keys).enumerate() {
            let total: f64 = by_key.iter().sum();
            let cell = (total > 0.0).then(|| {
                let share = (total / column_ms / *lane_capacity).clamp(0.0, 1.0);
                let level =
                    ((share * DENSITY_LEVELS as f64).ceil() as u32).clamp(1, DENSITY_LEVELS);
                let key = (0..keys)
                    .max_by(|&a, &b| by_key[a].total_cmp(&by_key[b]).then(b.cmp(&a)))
                    .unwrap_or(0);
                (key, level)
            });
            match (&mut current, cell) {
                (Some(run), Some((key, level))) if run.key == key && run.level == level => {
                    run.to_column = column + 1;
                }
                (_, cell) => {
                    cells.extend(current.take());
                    current = cell.map(|(key, level)| Cell {
                        lane: bin,
                        from_column: column,
                        to_column: column + 1,
                        key,
                        level,
                    });
                }
            }
        }
        cells.extend(current);
    }
    let mut failures = Vec::new();
    for bin in 0..bins {
        let mut column = 0;
        while column < columns {
            if failed[bin * columns + column] {
                let from = column;
                while column < columns && failed[bin * columns + column] {
                    column += 1;
                }
                failures.push((bin, from, column));
            } else {
                column += 1;
            }
        }
    }
    (
        out_lanes,
        View::Density {
            column_ms,
            cells,
            failures,
        },
    )
}

impl TimelineChart {
    /// The pixel box of every bar, as [`Chart::draw`] places them in a chart of
    /// [`Chart::size`]; empty in the density view.
    pub fn hit_boxes(&self) -> Vec<HitBox> {
        if matches!(self.view, View::Density { .. }) || font::ensure_registered().is_err() {
            return Vec::new();
        }
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.size()).into_drawing_area();
            if self.draw(&root).is_err() {
                return Vec::new();
            }
        }
        self.hits.lock().map(|h| h.clone()).unwrap_or_default()
    }
}

impl Chart for TimelineChart {
    fn name(&self) -> &'static str {
        "timeline"
    }

    fn title(&self) -> String {
        let lanes = if self.by_index {
            "per completion index"
        } else {
            "per node"
        };
        self.frame.title(&format!("Pod timeline {lanes}"))
    }

    fn size(&self) -> (u32, u32) {
        let legend = super::legend_height(&self.legend(), WIDTH - 32);
        let plot = (self.rows() as u32 * self.row_px()).max(120);
        (WIDTH, plot + legend + 140)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame_areas(root, &self.title(), &self.legend())?;
        let rows = self.rows() as f64;
        let label_width = self
            .lanes
            .iter()
            .map(|l| l.label.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 40) as u32
            * 8
            + 14;
        let mut chart = ChartBuilder::on(&body)
            .margin_right(10)
            .x_label_area_size(44)
            .y_label_area_size(label_width)
            .build_cartesian_2d(self.frame.x_range(), 0.0..rows)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(self.frame.scale.label())
            .x_label_formatter(&|v| super::tick(*v))
            .label_style((font::FAMILY, 13))
            .axis_desc_style((font::FAMILY, 14))
            .light_line_style(RGBColor(240, 240, 240))
            .max_light_lines(2)
            .draw()?;
        let scale = self.frame.scale;
        let x = |t: SimTime| scale.x(t);
        // Rows count from the top, below the Job marker lane; plotters' y grows upwards.
        let offset = usize::from(self.has_mark_lane());
        let y_top = |row: usize| rows - (row + offset) as f64;
        let x_end = self.frame.x_range().end;

        // Lane bands and labels.
        for (i, lane) in self.lanes.iter().enumerate() {
            let (top, bottom) = (y_top(lane.first_row), y_top(lane.first_row + lane.rows));
            if i % 2 == 1 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, bottom), (x_end, top)],
                    RGBColor(246, 246, 246).filled(),
                )))?;
            }
            let (px, py) = chart.backend_coord(&(0.0, (top + bottom) / 2.0));
            let style = (font::FAMILY, 13)
                .into_font()
                .color(&BLACK)
                .pos(text_anchor::Pos::new(
                    text_anchor::HPos::Right,
                    text_anchor::VPos::Center,
                ));
            root.draw(&Text::new(lane.label.clone(), (px - 6, py), style))?;
        }
        if self.has_mark_lane() {
            let (px, py) = chart.backend_coord(&(0.0, rows - 0.5));
            let style = (font::FAMILY, 13)
                .into_font()
                .color(&BLACK)
                .pos(text_anchor::Pos::new(
                    text_anchor::HPos::Right,
                    text_anchor::VPos::Center,
                ));
            root.draw(&Text::new("Jobs", (px - 6, py), style))?;
        }

        // Node outages: the lanes of those nodes (all rows when lanes are indexes). Behind
        // the bars in the detailed view; a strip over the top of the lane in the density view,
        // where cells would hide a background.
        let density = matches!(self.view, View::Density { .. });
        let outage_spans: Vec<(SimTime, SimTime, f64, f64)> = self
            .outages
            .iter()
            .flat_map(|(node, from, to)| {
                let lanes: Vec<(f64, f64)> = if self.by_index {
                    vec![(0.0, y_top(0))]
                } else {
                    self.lanes
                        .iter()
                        .filter(|l| l.nodes.iter().any(|n| n == node))
                        .map(|l| (y_top(l.first_row + l.rows), y_top(l.first_row)))
                        .collect()
                };
                lanes.into_iter().map(move |(bottom, top)| {
                    let bottom = if density { top - 0.25 } else { bottom };
                    (*from, *to, bottom, top)
                })
            })
            .collect();
        let draw_outages = |chart: &mut ChartContext<'_, DB, _>, colour: RGBColor| {
            chart
                .draw_series(outage_spans.iter().map(|&(from, to, bottom, top)| {
                    Rectangle::new([(x(from), bottom), (x(to), top)], colour.filled())
                }))
                .map(|_| ())
        };
        if !density {
            draw_outages(&mut chart, OUTAGE)?;
        }

        match &self.view {
            View::Detailed { bars, gaps, shades } => {
                let mid = |row: usize| y_top(row) - 0.5;
                let boxes = bars.iter().map(|b| {
                    let from = b.pending_from.unwrap_or(b.start);
                    let (x0, y0) = chart.backend_coord(&(x(from), mid(b.row) + 0.4));
                    let (x1, y1) = chart.backend_coord(&(x(b.end), mid(b.row) - 0.4));
                    HitBox {
                        pod: b.pod,
                        x0,
                        y0,
                        x1,
                        y1,
                    }
                });
                if let Ok(mut hits) = self.hits.lock() {
                    hits.clear();
                    hits.extend(boxes);
                }
                chart.draw_series(shades.iter().filter(|g| g.kind == GapKind::Suspended).map(
                    |g| {
                        Rectangle::new(
                            [(x(g.from), mid(g.row) - 0.3), (x(g.to), mid(g.row) + 0.3)],
                            SUSPENDED.filled(),
                        )
                    },
                ))?;
                for &(row, from, to) in gaps {
                    chart.draw_series(DashedLineSeries::new(
                        [(x(from), mid(row)), (x(to), mid(row))],
                        4,
                        3,
                        palette::GREY.stroke_width(1),
                    ))?;
                }
                for g in shades.iter().filter(|g| g.kind == GapKind::IndexBackoff) {
                    chart.draw_series(DashedLineSeries::new(
                        [(x(g.from), mid(g.row)), (x(g.to), mid(g.row))],
                        4,
                        3,
                        palette::ORANGE.stroke_width(2),
                    ))?;
                }
                let colour_of = |b: &Bar| b.mark.bar().unwrap_or(self.frame.colours.colour(b.key));
                chart.draw_series(bars.iter().filter_map(|b| {
                    let from = b.pending_from?;
                    Some(Rectangle::new(
                        [
                            (x(from), mid(b.row) - 0.22),
                            (x(b.start), mid(b.row) + 0.22),
                        ],
                        lighten(colour_of(b), 0.65).filled(),
                    ))
                }))?;
                chart.draw_series(bars.iter().filter(|b| b.end > b.start).map(|b| {
                    Rectangle::new(
                        [
                            (x(b.start), mid(b.row) - 0.38),
                            (x(b.end), mid(b.row) + 0.38),
                        ],
                        colour_of(b).filled(),
                    )
                }))?;
                // In-place restarts: the crash-loop waits cut the bar into its runs, and a
                // tick marks each exit.
                let size = (self.row_px() / 3).clamp(2, 7) as i32;
                let restarts = bars
                    .iter()
                    .flat_map(|b| b.restarts.iter().map(move |r| (b.row, r)));
                chart.draw_series(
                    restarts
                        .clone()
                        .filter(|(_, r)| r.restarted > r.exited)
                        .map(|(row, r)| {
                            Rectangle::new(
                                [
                                    (x(r.exited), mid(row) - 0.3),
                                    (x(r.restarted), mid(row) + 0.3),
                                ],
                                RESTART_WAIT.filled(),
                            )
                        }),
                )?;
                for (row, r) in restarts {
                    let at = chart.backend_coord(&(x(r.exited), mid(row)));
                    draw_mark(root, MarkShape::Tick, palette::BLACK, at, size + 1)?;
                }
                for b in bars.iter().filter(|b| b.mark != EndMark::Running) {
                    let (shape, colour) = b.mark.shape();
                    let at = chart.backend_coord(&(x(b.end), mid(b.row)));
                    draw_mark(root, shape, colour, at, size)?;
                }
            }
            View::Density {
                column_ms,
                cells,
                failures,
            } => {
                let at = |column: usize| scale.x((column as f64 * column_ms) as SimTime);
                chart.draw_series(cells.iter().map(|c| {
                    let colour = self.frame.colours.colour(c.key);
                    let shade = 0.85 - 0.85 * c.level as f64 / DENSITY_LEVELS as f64;
                    let top = y_top(c.lane);
                    Rectangle::new(
                        [
                            (at(c.from_column), top - 0.92),
                            (at(c.to_column), top - 0.08),
                        ],
                        lighten(colour, shade).filled(),
                    )
                }))?;
                draw_outages(&mut chart, OUTAGE_STRIP)?;
                chart.draw_series(failures.iter().map(|&(lane, from, to)| {
                    let top = y_top(lane);
                    Rectangle::new(
                        [(at(from), top - 0.92), (at(to), top - 0.72)],
                        palette::VERMILLION.filled(),
                    )
                }))?;
            }
        }

        if self.has_mark_lane() {
            // Several Jobs share the lane: each gets its own height in it, and (when there
            // are few) its name, so their lines never lie on top of each other unlabelled.
            let count = self.marks.len();
            let labelled = (2..=MARK_LABELS).contains(&count);
            for (i, mark) in self.marks.iter().enumerate() {
                let mid = rows - 1.0 + (i + 1) as f64 / (count + 1) as f64;
                let colour = self.frame.colours.colour(mark.key);
                if labelled && let Some(start) = mark.start {
                    let (px, py) = chart.backend_coord(&(x(start), mid));
                    let style =
                        (font::FAMILY, 11)
                            .into_font()
                            .color(&colour)
                            .pos(text_anchor::Pos::new(
                                text_anchor::HPos::Left,
                                text_anchor::VPos::Bottom,
                            ));
                    root.draw(&Text::new(mark.name.clone(), (px + 7, py - 2), style))?;
                }
                if let Some(start) = mark.start {
                    let until = mark.finish.unwrap_or(self.frame.end);
                    chart.draw_series(LineSeries::new(
                        [(x(start), mid), (x(until), mid)],
                        colour.stroke_width(2),
                    ))?;
                    chart.draw_series(std::iter::once(TriangleMarker::new(
                        (x(start), mid),
                        5,
                        colour.filled(),
                    )))?;
                }
                if let Some(finish) = mark.finish {
                    match mark.outcome {
                        JobOutcome::Failed => chart.draw_series(std::iter::once(Cross::new(
                            (x(finish), mid),
                            6,
                            palette::VERMILLION.stroke_width(3),
                        )))?,
                        _ => chart.draw_series(std::iter::once(Circle::new(
                            (x(finish), mid),
                            5,
                            palette::BLUISH_GREEN.filled(),
                        )))?,
                    };
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::read_run;
    use std::path::Path;

    fn chart(case: &str) -> TimelineChart {
        let records = read_run(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/report")
                .join(case),
        )
        .unwrap();
        TimelineChart::build(&records, &Frame::new(&records))
    }

    fn bars(chart: &TimelineChart) -> &[Bar] {
        match &chart.view {
            View::Detailed { bars, .. } => bars,
            View::Density { .. } => panic!("expected the detailed view"),
        }
    }

    #[test]
    fn parallel_job_has_one_lane_per_node_and_two_waves() {
        let chart = chart("parallel");
        let labels: Vec<&str> = chart.lanes.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["worker-0", "worker-1", "worker-2"]);
        let mut starts: Vec<SimTime> = bars(&chart).iter().map(|b| b.start).collect();
        starts.sort_unstable();
        starts.dedup();
        assert_eq!(starts, [1_000, 7_000]);
        // Each node ran its two pods one after the other, so one row per node suffices.
        assert!(chart.lanes.iter().all(|l| l.rows == 1));
        assert!(bars(&chart).iter().all(|b| b.pending_from.is_some()));
    }

    #[test]
    fn failed_attempts_are_marked_and_backoff_gaps_widen() {
        let chart = chart("backoff");
        assert_eq!(bars(&chart).iter().filter(|b| b.failed).count(), 3);
        let View::Detailed { gaps, .. } = &chart.view else {
            panic!("expected the detailed view")
        };
        let widths: Vec<SimTime> = gaps.iter().map(|&(_, from, to)| to - from).collect();
        assert_eq!(widths, [10_000, 20_000]);
        assert_eq!(chart.marks[0].outcome, JobOutcome::Failed);
    }

    #[test]
    fn single_indexed_job_gets_a_lane_per_index() {
        let chart = chart("indexed");
        assert!(chart.by_index);
        let labels: Vec<&str> = chart.lanes.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["index 0", "index 1", "index 2"]);
        // Index 1 failed once, then its retry ran in the same lane after the backoff.
        let lane1: Vec<&Bar> = bars(&chart).iter().filter(|b| b.row == 1).collect();
        assert_eq!(lane1.len(), 2);
    }

    #[test]
    fn node_outage_comes_from_not_ready_and_ready_events() {
        let chart = chart("cronjob");
        assert_eq!(chart.outages, [("worker-1".to_string(), 130_000, 170_000)]);
    }

    /// The chart of a shipped scenario, run into a temporary folder.
    fn scenario_chart(path: &str) -> TimelineChart {
        let dir = crate::report::explain::tests::run_scenario(path);
        let records = read_run(dir.path()).unwrap();
        TimelineChart::build(&records, &Frame::new(&records))
    }

    fn marks(chart: &TimelineChart) -> Vec<EndMark> {
        let mut marks: Vec<EndMark> = bars(chart).iter().map(|b| b.mark).collect();
        marks.sort();
        marks
    }

    fn legend_labels(chart: &TimelineChart) -> Vec<String> {
        chart.legend().into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn suspended_pods_are_drawn_as_deleted_not_failed() {
        let chart = scenario_chart("scenarios/teaching/suspend-resume.yaml");
        assert_eq!(
            marks(&chart),
            [
                EndMark::Succeeded,
                EndMark::Succeeded,
                EndMark::DeletedNotCounted,
                EndMark::DeletedNotCounted
            ]
        );
        assert!(bars(&chart).iter().all(|b| !b.failed));
        let View::Detailed { gaps, shades, .. } = &chart.view else {
            panic!("expected the detailed view")
        };
        // The gap between the deletion (10 s) and the resume (60 s) is a suspension, not a
        // recreation backoff.
        assert!(gaps.is_empty(), "{gaps:?}");
        assert_eq!(shades.len(), 2);
        assert!(
            shades
                .iter()
                .all(|s| s.kind == GapKind::Suspended && (s.from, s.to) == (10_000, 60_000))
        );
        let legend = legend_labels(&chart);
        assert!(
            !legend.iter().any(|l| l.starts_with("failed")),
            "{legend:?}"
        );
        assert!(legend.iter().any(|l| l.starts_with("Job suspended")));
    }

    #[test]
    fn pods_deleted_by_a_success_policy_are_drawn_as_deleted_not_failed() {
        let chart = scenario_chart("scenarios/teaching/success-policy.yaml");
        let marks = marks(&chart);
        assert_eq!(
            marks.iter().filter(|m| **m == EndMark::Succeeded).count(),
            1
        );
        assert_eq!(
            marks
                .iter()
                .filter(|m| **m == EndMark::DeletedNotCounted)
                .count(),
            marks.len() - 1
        );
        assert!(bars(&chart).iter().all(|b| !b.failed));
    }

    #[test]
    fn pods_of_jobs_a_cronjob_replaced_are_drawn_as_deleted_not_failed() {
        let chart = scenario_chart("scenarios/teaching/cronjob-replace.yaml");
        let marks = marks(&chart);
        assert!(
            marks
                .iter()
                .all(|m| matches!(m, EndMark::DeletedNotCounted | EndMark::Running))
        );
        assert!(marks.contains(&EndMark::DeletedNotCounted));
        let View::Detailed { gaps, .. } = &chart.view else {
            panic!("expected the detailed view")
        };
        assert!(gaps.is_empty(), "{gaps:?}");
    }

    #[test]
    fn onfailure_pod_shows_two_in_place_restarts_and_their_waits() {
        let chart = scenario_chart("scenarios/teaching/onfailure-vs-never.yaml");
        let restarted: Vec<&Bar> = bars(&chart)
            .iter()
            .filter(|b| !b.restarts.is_empty())
            .collect();
        assert_eq!(restarted.len(), 1);
        let waits: Vec<(SimTime, SimTime)> = restarted[0]
            .restarts
            .iter()
            .map(|r| (r.exited, r.restarted))
            .collect();
        // Runs of 5 s from 1.020 s: the first restart is at once, the second after 10 s.
        assert_eq!(waits, [(6_020, 6_020), (11_020, 21_020)]);
        assert_eq!(restarted[0].mark, EndMark::Succeeded);
        let legend = legend_labels(&chart);
        assert!(
            legend
                .iter()
                .any(|l| l.starts_with("container restarted in place"))
        );
    }

    #[test]
    fn an_ignored_eviction_is_drawn_as_a_failure_not_counted() {
        let chart = scenario_chart("scenarios/teaching/pod-failure-policy.yaml");
        assert_eq!(
            marks(&chart),
            [
                EndMark::FailedCounted,
                EndMark::FailedCounted,
                EndMark::FailedNotCounted
            ]
        );
    }

    #[test]
    fn per_index_backoff_is_drawn_apart_from_the_recreation_backoff() {
        let chart = scenario_chart("scenarios/teaching/backoff-limit-per-index.yaml");
        let View::Detailed { gaps, shades, .. } = &chart.view else {
            panic!("expected the detailed view")
        };
        assert!(gaps.is_empty(), "{gaps:?}");
        assert!(!shades.is_empty());
        assert!(shades.iter().all(|s| s.kind == GapKind::IndexBackoff));
    }

    #[test]
    fn every_bar_has_a_hit_box_inside_the_chart() {
        let chart = scenario_chart("scenarios/teaching/backoff-limit-exceeded.yaml");
        let hits = chart.hit_boxes();
        assert_eq!(hits.len(), bars(&chart).len());
        let (w, h) = chart.size();
        for b in &hits {
            assert!(b.x0 < b.x1 && b.y0 < b.y1, "{b:?}");
            assert!(b.x1 <= w as i32 && b.y1 <= h as i32, "{b:?}");
        }
    }

    #[test]
    fn overlapping_pods_on_one_node_get_separate_rows() {
        let mut records =
            read_run(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/report/parallel"))
                .unwrap();
        let worker0 = records.names.get("worker-0");
        for pod in &mut records.pods {
            pod.node = worker0;
        }
        let chart = TimelineChart::build(&records, &Frame::new(&records));
        assert_eq!(chart.lanes[0].rows, 3);
    }
}
