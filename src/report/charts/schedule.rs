//! The schedule strip, a calendar in the CronJob's time zone, one band per CronJob: on top,
//! every time its schedule came due, as made (a Job created on time), delayed (created
//! late, e.g. when resumed), replaced (its Job replaced a running one, `Replace`), skipped
//! (`JobAlreadyActive`, `Forbid`) or missed (no Job: suspended, or past
//! `startingDeadlineSeconds`), with runs of missed times shaded; below, each Job it created
//! as a bar from creation to finish, coloured by outcome. The axis is the wall clock of the
//! CronJob's zone with its DST changes marked; when several CronJobs share the cluster a
//! heat-map row shows how many of their Jobs run at once.
//!
//! The due times come from the schedule (the cron module, as `jobsim cron` lists them), and
//! what became of each from the records (`jobs.csv` names each Job after its scheduled
//! minute, `events.csv` has the skips): it never re-simulates. Marks closer than a pixel
//! share it, so a year of an every-minute schedule stays small.

use super::{Chart, DrawResult, Frame, LegendItem, Swatch, WIDTH, frame_areas, lighten, palette};
use crate::cron::{Schedule, format_schedule};
use crate::report::font;
use crate::report::names::Name;
use crate::report::records::{JobOutcome, RunRecords};
use crate::time::{SECOND, SimTime};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor;
use std::collections::HashMap;

/// Bands drawn at most.
const MAX_CRONJOBS: usize = 30;
/// Merge resolution: marks and bars closer than `span / MERGE_COLUMNS` become one.
const MERGE_COLUMNS: u64 = 1400;

/// Due times listed at most per CronJob (a decade of an every-minute schedule is 5.3 million);
/// past it the band shows the events alone.
const MAX_SLOTS: usize = 1_100_000;
/// A Job created more than this after its scheduled time was delayed (the controller
/// creates on-time Jobs within about 100 ms).
const LATE: SimTime = 2 * SECOND;

/// What became of one scheduled time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SlotKind {
    /// A Job was created for it on time.
    Made,
    /// A Job was created for it, late (resumed, or the controller was behind).
    Delayed,
    /// Its Job replaced a running one (`concurrencyPolicy: Replace`).
    Replaced,
    /// A run was due while one was active (`JobAlreadyActive`, `Forbid`).
    Skipped,
    /// No Job: suspended, or past `startingDeadlineSeconds`, or lost in a catch-up.
    Missed,
}

/// The wall clock the axis reads in.
#[derive(Debug, Clone)]
pub struct WallClock {
    /// The zone's name (`UTC` when no CronJob sets one).
    pub zone: String,
    tz: TimeZone,
    start: Timestamp,
    /// Offset changes inside the run: when, and a label (`UTC-05 → UTC-04`).
    pub changes: Vec<(SimTime, String)>,
}

impl WallClock {
    fn new(zone: &str, start: Timestamp, end: SimTime) -> Option<WallClock> {
        let tz = if zone == "UTC" {
            TimeZone::UTC
        } else {
            TimeZone::get(zone).ok()?
        };
        let end_ts = start
            .checked_add(jiff::SignedDuration::from_millis(end as i64))
            .ok()?;
        let mut changes = Vec::new();
        for transition in tz.following(start) {
            let at = transition.timestamp();
            if at > end_ts || changes.len() > 50 {
                break;
            }
            let before = tz.to_offset(at - jiff::SignedDuration::from_secs(1));
            let after = transition.offset();
            if before == after {
                continue;
            }
            let t = at.duration_since(start).as_millis().max(0) as SimTime;
            changes.push((
                t,
                format!(
                    "clocks change: UTC{} → UTC{} ({})",
                    short_offset(before),
                    short_offset(after),
                    transition.abbreviation()
                ),
            ));
        }
        Some(WallClock {
            zone: zone.to_string(),
            tz,
            start,
            changes,
        })
    }

    /// The wall-clock text of simulated time `t`, at a precision fitting a span of `span`.
    pub fn label(&self, t: SimTime, span: SimTime) -> String {
        let Ok(at) = self
            .start
            .checked_add(jiff::SignedDuration::from_millis(t as i64))
        else {
            return String::new();
        };
        let zoned = self.tz.to_datetime(at);
        let format = if span <= 2 * 3_600_000 {
            "%H:%M:%S"
        } else if span <= 36 * 3_600_000 {
            "%a %H:%M"
        } else if span <= 14 * 86_400_000 {
            "%b %-d %H:%M"
        } else {
            "%Y-%m-%d"
        };
        zoned.strftime(format).to_string()
    }
}

/// `-05`, `+05:30`.
fn short_offset(offset: jiff::tz::Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let (h, m) = (seconds.abs() / 3600, seconds.abs() / 60 % 60);
    if m == 0 {
        format!("{sign}{h:02}")
    } else {
        format!("{sign}{h:02}:{m:02}")
    }
}

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
    /// Every scheduled time and what became of it, `(kind, scheduled, created, count)`:
    /// those of one kind sharing a pixel column are one entry with their count; `created`
    /// is the (last) Job's creation, or the scheduled time when none was made. Empty when
    /// the schedule is unknown or too dense to list.
    pub slots: Vec<(SlotKind, SimTime, SimTime, usize)>,
    /// Spans in which two or more due times in a row made no Job (suspended, or past the
    /// deadline), and the end of a CronJob suspended at the end: shaded.
    pub not_running: Vec<(SimTime, SimTime)>,
    /// `(from, to)` of each time `spec.suspend` was true during the run (from
    /// `summary.json`'s `suspensions`; `to` is the end of the run when it stayed suspended):
    /// drawn as a strip of its own along the band's foot.
    pub suspended: Vec<(SimTime, SimTime)>,
}

#[derive(Debug, Clone)]
pub struct ScheduleChart {
    pub frame: Frame,
    pub bands: Vec<Band>,
    /// The wall clock of the axis (the first CronJob with a `timeZone`, else UTC); `None`
    /// when the run's start is unknown.
    pub clock: Option<WallClock>,
    /// With several CronJobs: per pixel column, how many of their Jobs ran at once (the
    /// most in the column).
    pub heat: Vec<u32>,
}

/// Sorts what became of each due time of one CronJob (see [`Band::slots`]).
#[allow(clippy::too_many_arguments)]
fn slots(
    records: &RunRecords,
    cronjob: &str,
    schedule: &str,
    time_zone: Option<&str>,
    created_at: SimTime,
    start: Timestamp,
    end: SimTime,
    gap: SimTime,
) -> Option<Vec<(SlotKind, SimTime, SimTime)>> {
    let formatted = format_schedule(schedule, time_zone);
    let parsed = Schedule::parse(&formatted.text).ok()?;
    let owner = records.names.get(&format!("cronjob/{cronjob}"))?;
    let jobs: Vec<_> = records
        .jobs
        .iter()
        .filter(|j| j.owner == Some(owner))
        .collect();
    // Each of the CronJob's Jobs by its interned name (a year of minutes holds 525,600):
    // four bytes per name, where a map from the name text took about sixty.
    let mut by_name = vec![u32::MAX; records.names.len()];
    for (i, j) in jobs.iter().enumerate() {
        by_name[j.job.index()] = i as u32;
    }
    let job_named = |text: &str| {
        let i = by_name[records.names.get(text)?.index()];
        (i != u32::MAX).then(|| jobs[i as usize])
    };
    // A Job created within a second of another one's deletion while that one still ran
    // replaced it.
    let mut deletions: Vec<SimTime> = jobs
        .iter()
        .filter_map(|j| {
            let d = j.deleted()?;
            j.finished().is_none_or(|f| f > d).then_some(d)
        })
        .collect();
    deletions.sort_unstable();
    let replaced = |c: SimTime| {
        let i = deletions.partition_point(|&d| d + SECOND < c);
        deletions.get(i).is_some_and(|&d| d <= c + SECOND)
    };
    let skips = records
        .events
        .cronjob(cronjob)
        .map(|e| e.job_already_active.as_slice())
        .unwrap_or_default();
    let skipped = |s: SimTime| {
        let i = skips.partition_point(|&k| k < s);
        skips.get(i).is_some_and(|&k| k <= s + LATE)
    };
    let end_ts = start
        .checked_add(jiff::SignedDuration::from_millis(end as i64))
        .ok()?;
    let mut at = start
        .checked_add(jiff::SignedDuration::from_millis(created_at as i64))
        .ok()?;
    // About one slot per Job made, plus the skipped and missed ones.
    let mut out = Vec::with_capacity(jobs.len().saturating_add(16).min(MAX_SLOTS));
    let _ = gap;
    while let Some(next) = parsed.next(at) {
        // A time due at the very end has had no chance to be made: not listed.
        if next
            .checked_add(jiff::SignedDuration::from_millis(LATE as i64))
            .is_ok_and(|t| t > end_ts)
        {
            break;
        }
        if out.len() >= MAX_SLOTS {
            return None;
        }
        at = next;
        let s = next.duration_since(start).as_millis().max(0) as SimTime;
        let name = format!("{cronjob}-{}", next.as_second().div_euclid(60));
        let slot = match job_named(&name) {
            Some(job) => {
                let c = job.created().unwrap_or(s);
                let kind = if replaced(c) {
                    SlotKind::Replaced
                } else if c > s + LATE {
                    SlotKind::Delayed
                } else {
                    SlotKind::Made
                };
                (kind, s, c)
            }
            None if skipped(s) => (SlotKind::Skipped, s, s),
            None => (SlotKind::Missed, s, s),
        };
        out.push(slot);
    }
    Some(out)
}

/// Slots of one kind sharing a pixel column become one entry with their count.
fn bin_slots(
    slots: &[(SlotKind, SimTime, SimTime)],
    gap: SimTime,
) -> Vec<(SlotKind, SimTime, SimTime, usize)> {
    let mut last: HashMap<SlotKind, usize> = HashMap::new();
    let mut out: Vec<(SlotKind, SimTime, SimTime, usize)> = Vec::new();
    for &(kind, s, c) in slots {
        if let Some(&i) = last.get(&kind)
            && out[i].1 / gap == s / gap
        {
            out[i].2 = c;
            out[i].3 += 1;
            continue;
        }
        last.insert(kind, out.len());
        out.push((kind, s, c, 1));
    }
    out
}

/// Runs of two or more missed times in a row, as spans to shade.
fn not_running(slots: &[(SlotKind, SimTime, SimTime)]) -> Vec<(SimTime, SimTime)> {
    let mut spans = Vec::new();
    let mut run: Option<(SimTime, SimTime, usize)> = None;
    for &(kind, s, _) in slots {
        if kind == SlotKind::Missed {
            run = Some(match run {
                Some((a, _, n)) => (a, s, n + 1),
                None => (s, s, 1),
            });
        } else if let Some((a, b, n)) = run.take()
            && n >= 2
        {
            spans.push((a, b));
        }
    }
    if let Some((a, b, n)) = run
        && n >= 2
    {
        spans.push((a, b));
    }
    spans
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
            .filter(|j| j.owner == Some(owner) && shown_outcome(j) == outcome)
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

/// Per pixel column of width `gap`, the most CronJob Jobs running at once in it.
fn heat_map(records: &RunRecords, end: SimTime, gap: SimTime) -> Vec<u32> {
    let columns = (end / gap + 1) as usize;
    let mut changes: Vec<(SimTime, i32)> = Vec::new();
    for job in records
        .jobs
        .iter()
        .filter(|j| j.cronjob(&records.names).is_some())
    {
        let Some(from) = job.created() else { continue };
        let to = job.finished().or(job.deleted()).unwrap_or(end).max(from);
        changes.push((from, 1));
        changes.push((to, -1));
    }
    changes.sort_unstable();
    let mut heat = vec![0u32; columns];
    let mut level: i32 = 0;
    let mut column = 0usize;
    for (t, change) in changes {
        let c = ((t / gap) as usize).min(columns - 1);
        while column < c {
            column += 1;
            heat[column] = heat[column].max(level.max(0) as u32);
        }
        level += change;
        heat[c] = heat[c].max(level.max(0) as u32);
    }
    heat
}

/// The outcome a run is drawn with: a Job deleted before it finished (replaced, or by
/// history limits) is not "running at the end".
fn shown_outcome(job: &crate::report::records::CompactJob) -> JobOutcome {
    match job.outcome {
        JobOutcome::Running | JobOutcome::Suspended if job.deleted().is_some() => JobOutcome::Other,
        outcome => outcome,
    }
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
        let start: Option<Timestamp> = records.summary.start.parse().ok();
        let zone = records
            .summary
            .cronjobs
            .iter()
            .find_map(|c| c.time_zone.clone())
            .unwrap_or_else(|| "UTC".to_string());
        let clock = start.and_then(|s| WallClock::new(&zone, s, frame.end));
        let bands: Vec<Band> = names
            .into_iter()
            .take(MAX_CRONJOBS)
            .map(|(cronjob, schedule)| {
                let summary = records.summary.cronjobs.iter().find(|c| c.name == cronjob);
                let created_at = records
                    .objects
                    .iter()
                    .find(|o| o.kind == "CronJob" && o.name == cronjob)
                    .and_then(|o| o.created.parse::<Timestamp>().ok())
                    .zip(start)
                    .map_or(0, |(c, s)| {
                        c.duration_since(s).as_millis().max(0) as SimTime
                    });
                let listed = start.and_then(|start| {
                    slots(
                        records,
                        &cronjob,
                        &schedule,
                        summary.and_then(|c| c.time_zone.as_deref()),
                        created_at,
                        start,
                        frame.end,
                        gap,
                    )
                });
                let (slots, mut not_running) = match &listed {
                    Some(list) => (bin_slots(list, gap), not_running(list)),
                    None => (Vec::new(), Vec::new()),
                };
                if summary.is_some_and(|c| c.suspend) {
                    let last_made = listed
                        .iter()
                        .flatten()
                        .filter(|s| s.0 != SlotKind::Missed)
                        .map(|s| s.2)
                        .max()
                        .unwrap_or(0);
                    not_running.retain(|&(a, _)| a < last_made);
                    not_running.push((last_made, frame.end));
                }
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
                    slots,
                    not_running,
                    suspended: summary
                        .map(|c| {
                            c.suspensions
                                .iter()
                                .map(|s| {
                                    let (a, b) = s.millis();
                                    (a, b.unwrap_or(frame.end))
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect();
        let heat = if bands.len() > 1 {
            heat_map(records, frame.end, gap)
        } else {
            Vec::new()
        };
        Some(ScheduleChart {
            frame: frame.clone(),
            bands,
            clock,
            heat,
        })
    }

    fn legend(&self) -> Vec<LegendItem> {
        let has_slot = |kind: SlotKind| {
            self.bands
                .iter()
                .any(|b| b.slots.iter().any(|s| s.0 == kind))
        };
        let has_run = |outcome: JobOutcome| {
            self.bands
                .iter()
                .any(|b| b.runs.iter().any(|r| r.0 == outcome))
        };
        let mut items = if self.bands.iter().any(|b| !b.slots.is_empty()) {
            let mut items = vec![
                LegendItem::new("due, Job made on time", Swatch::Tick(palette::BLACK)),
                LegendItem::new(
                    "due, Job made late (delayed)",
                    Swatch::Triangle(palette::ORANGE),
                ),
                LegendItem::new(
                    "due, Job replaced a running one (Replace)",
                    Swatch::Tick(palette::REDDISH_PURPLE),
                ),
                LegendItem::new(
                    "due, skipped: one still active (Forbid)",
                    Swatch::Cross(palette::ORANGE),
                ),
                LegendItem::new(
                    "due, missed: no Job (suspended or past deadline)",
                    Swatch::Cross(palette::VERMILLION),
                ),
            ];
            let kinds = [
                SlotKind::Made,
                SlotKind::Delayed,
                SlotKind::Replaced,
                SlotKind::Skipped,
                SlotKind::Missed,
            ];
            let mut kept = kinds.iter().map(|&k| has_slot(k));
            items.retain(|_| kept.next().unwrap_or(true));
            if self.bands.iter().any(|b| !b.not_running.is_empty()) {
                items.push(LegendItem::new(
                    "not running: missed times in a row, or suspended",
                    Swatch::Fill(NOT_RUNNING),
                ));
            }
            if self.bands.iter().any(|b| !b.suspended.is_empty()) {
                items.push(LegendItem::new(
                    "suspended (spec.suspend: true)",
                    Swatch::Fill(SUSPENDED),
                ));
            }
            items
        } else {
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
            ]
        };
        for (outcome, label) in [
            (JobOutcome::Complete, "Job complete"),
            (JobOutcome::Failed, "Job failed"),
            (JobOutcome::Running, "Job running at end"),
            (
                JobOutcome::Other,
                "Job deleted before it finished, or other",
            ),
        ] {
            if has_run(outcome) {
                items.push(LegendItem::new(
                    label,
                    Swatch::Fill(outcome_colour(outcome)),
                ));
            }
        }
        if self.clock.as_ref().is_some_and(|c| !c.changes.is_empty()) {
            items.push(LegendItem::new(
                "clock change (DST)",
                Swatch::Dashed(palette::REDDISH_PURPLE),
            ));
        }
        if !self.heat.is_empty() {
            let max = self.heat.iter().copied().max().unwrap_or(0);
            items.push(LegendItem::new(
                &format!("CronJob Jobs running at once: light 1 … dark {max}"),
                Swatch::Fill(palette::BLUE),
            ));
        }
        items
    }

    /// Rows of the plot: one per CronJob, and the heat-map row when there is one.
    fn rows(&self) -> usize {
        self.bands.len() + usize::from(!self.heat.is_empty())
    }
}

/// Shade of the spans in which a CronJob made no Job.
const NOT_RUNNING: RGBColor = RGBColor(251, 228, 214);
/// The strip of a suspension: dark grey, apart from the missed shading and from the blues of
/// the concurrency heat map.
const SUSPENDED: RGBColor = RGBColor(68, 68, 68);

impl Chart for ScheduleChart {
    fn name(&self) -> &'static str {
        "schedule"
    }

    fn title(&self) -> String {
        self.frame.title("CronJob schedule")
    }

    fn size(&self) -> (u32, u32) {
        let legend = super::legend_height(&self.legend(), WIDTH - 32);
        (WIDTH, 170 + legend + 80 * self.rows() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let body = frame_areas(root, &self.title(), &self.legend())?;
        let rows = self.rows() as f64;
        let label_width = self
            .bands
            .iter()
            .map(|b| b.cronjob.chars().count().max(b.schedule.chars().count()))
            .max()
            .unwrap_or(8)
            .clamp(12, 40) as u32
            * 8
            + 14;
        let mut chart = ChartBuilder::on(&body)
            .margin_right(20)
            .margin_top(16)
            .x_label_area_size(48)
            .y_label_area_size(label_width)
            .build_cartesian_2d(self.frame.x_range(), 0.0..rows)?;
        let scale = self.frame.scale;
        let end = self.frame.end;
        let (x_desc, wall) = match &self.clock {
            Some(clock) => (format!("wall clock in {}", clock.zone), true),
            None => (scale.label(), false),
        };
        let wall_label = |v: &f64| -> String {
            let t = (v * scale.unit_ms as f64).max(0.0) as SimTime;
            match &self.clock {
                Some(clock) => clock.label(t, end),
                None => super::tick(*v),
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(if wall { 8 } else { 10 })
            .x_desc(x_desc)
            .x_label_formatter(&wall_label)
            .label_style((font::FAMILY, 13))
            .axis_desc_style((font::FAMILY, 14))
            .light_line_style(RGBColor(240, 240, 240))
            .max_light_lines(2)
            .draw()?;
        let x = |t: SimTime| scale.x(t);
        let x_end = self.frame.x_range().end;
        let (plot_px, _) = chart.plotting_area().dim_in_pixel();
        let px = x_end / plot_px.max(1) as f64;
        // Every run is at least 2 px wide, so a short Job never disappears.
        let right = |from: SimTime, to: SimTime| x(to).max(x(from) + 2.0 * px);
        let label = |text: &str, (bx, by): (i32, i32), size: u32| -> DrawResult<DB> {
            let style = (font::FAMILY, size)
                .into_font()
                .color(&BLACK)
                .pos(text_anchor::Pos::new(
                    text_anchor::HPos::Right,
                    text_anchor::VPos::Center,
                ));
            root.draw(&Text::new(text.to_string(), (bx - 6, by), style))
        };
        for (i, band) in self.bands.iter().enumerate() {
            let top = rows - i as f64;
            label(&band.cronjob, chart.backend_coord(&(0.0, top - 0.35)), 13)?;
            if !band.schedule.is_empty() {
                label(&band.schedule, chart.backend_coord(&(0.0, top - 0.65)), 11)?;
            }
            if i % 2 == 1 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, top - 1.0), (x_end, top)],
                    RGBColor(246, 246, 246).filled(),
                )))?;
            }
            // Spans with no Job made: shaded over the whole band.
            chart.draw_series(band.not_running.iter().map(|&(a, b)| {
                Rectangle::new(
                    [(x(a), top - 0.98), (x(b).max(x(a) + 2.0 * px), top - 0.02)],
                    NOT_RUNNING.filled(),
                )
            }))?;
            // Suspensions: a strip along the band's foot, under the marks.
            chart.draw_series(band.suspended.iter().map(|&(a, b)| {
                Rectangle::new(
                    [(x(a), top - 0.98), (x(b).max(x(a) + 2.0 * px), top - 0.9)],
                    SUSPENDED.filled(),
                )
            }))?;
            let event_y = top - 0.27;
            if band.slots.is_empty() {
                self.draw_event_marks(&mut chart, band, event_y, &right)?;
            } else {
                // One tick per due time (or per pixel column they share).
                let tick = |kind: SlotKind| band.slots.iter().filter(move |s| s.0 == kind);
                for (kind, colour, width, half) in [
                    (SlotKind::Made, palette::BLACK, 1, 0.13),
                    (SlotKind::Replaced, palette::REDDISH_PURPLE, 3, 0.2),
                ] {
                    chart.draw_series(tick(kind).map(|s| {
                        PathElement::new(
                            vec![(x(s.1), event_y - half), (x(s.1), event_y + half)],
                            colour.stroke_width(width),
                        )
                    }))?;
                }
                chart.draw_series(tick(SlotKind::Delayed).map(|s| {
                    PathElement::new(
                        vec![(x(s.1), event_y), (x(s.2), event_y)],
                        palette::ORANGE.stroke_width(2),
                    )
                }))?;
                chart.draw_series(tick(SlotKind::Delayed).map(|s| {
                    TriangleMarker::new((x(s.2), event_y), 6, palette::ORANGE.filled())
                }))?;
                for (kind, colour) in [
                    (SlotKind::Skipped, palette::ORANGE),
                    (SlotKind::Missed, palette::VERMILLION),
                ] {
                    chart.draw_series(
                        tick(kind)
                            .map(|s| Cross::new((x(s.1), event_y), 4, colour.stroke_width(2))),
                    )?;
                }
            }
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
            // Back-to-back wide runs (Forbid starts the next as the previous ends) get a
            // 1 px white edge; narrow ones never do, so a short Job is never covered.
            chart.draw_series(
                band.runs
                    .iter()
                    .filter(|r| r.3 == 1 && x(r.2) - x(r.1) >= 8.0 * px)
                    .map(|r| {
                        PathElement::new(
                            vec![(x(r.1), run_y - 0.2), (x(r.1), run_y + 0.2)],
                            WHITE.stroke_width(1),
                        )
                    }),
            )?;
        }
        if !self.heat.is_empty() {
            let top = 1.0;
            label("all CronJobs", chart.backend_coord(&(0.0, top - 0.35)), 13)?;
            label("Jobs at once", chart.backend_coord(&(0.0, top - 0.65)), 11)?;
            let max = self.heat.iter().copied().max().unwrap_or(0).max(1) as f64;
            let gap = (end / MERGE_COLUMNS).max(1);
            chart.draw_series(self.heat.iter().enumerate().filter(|(_, v)| **v > 0).map(
                |(c, &v)| {
                    let from = c as SimTime * gap;
                    let shade = lighten(palette::BLUE, 0.85 * (1.0 - v as f64 / max));
                    Rectangle::new(
                        [
                            (x(from), top - 0.85),
                            (x(from + gap).max(x(from) + px), top - 0.15),
                        ],
                        shade.filled(),
                    )
                },
            ))?;
        }
        // Clock changes: a dashed line over every band, labelled at the top.
        if let Some(clock) = &self.clock {
            for (t, text) in &clock.changes {
                let xt = x(*t);
                let mut y = 0.0;
                while y < rows {
                    let y2 = (y + 0.08).min(rows);
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(xt, y), (xt, y2)],
                        palette::REDDISH_PURPLE.stroke_width(2),
                    )))?;
                    y += 0.16;
                }
                let (bx, by) = chart.backend_coord(&(xt, rows));
                let anchor = if xt > x_end * 0.7 {
                    text_anchor::HPos::Right
                } else {
                    text_anchor::HPos::Left
                };
                let style = (font::FAMILY, 12)
                    .into_font()
                    .color(&palette::REDDISH_PURPLE)
                    .pos(text_anchor::Pos::new(anchor, text_anchor::VPos::Bottom));
                root.draw(&Text::new(text.clone(), (bx + 4, by - 2), style))?;
            }
        }
        Ok(())
    }
}

impl ScheduleChart {
    /// The event marks of a band whose due times are not listed (schedule unknown or too
    /// dense): creations as triangles (bars when merged), skips and misses as crosses.
    fn draw_event_marks<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        band: &Band,
        event_y: f64,
        right: &impl Fn(SimTime, SimTime) -> f64,
    ) -> DrawResult<DB> {
        let x = |t: SimTime| self.frame.scale.x(t);
        let created = band.marks.iter().filter(|m| m.0 == MarkKind::Created);
        chart.draw_series(
            created
                .clone()
                .filter(|m| m.3 == 1)
                .map(|m| TriangleMarker::new((x(m.1), event_y), 6, palette::BLACK.filled())),
        )?;
        chart.draw_series(created.filter(|m| m.3 > 1).map(|m| {
            Rectangle::new(
                [(x(m.1), event_y - 0.12), (right(m.1, m.2), event_y + 0.12)],
                palette::GREY.filled(),
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

    /// Runs a shipped scenario into a temporary folder and reads it back.
    fn simulated(file: &str) -> (tempfile::TempDir, RunRecords) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let (scenarios, _) = crate::load_files(&[path], &crate::LoadOptions::default()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut sink = crate::record::csv::CsvSink::create(dir.path()).unwrap();
        let result = crate::simulate(&scenarios[0], &mut sink, None).unwrap();
        sink.finish().unwrap();
        crate::record::write_run_files(dir.path(), &result).unwrap();
        let records = read_run(dir.path()).unwrap();
        (dir, records)
    }

    #[test]
    fn schedule_strip_of_cron_sample_job_shows_every_run() {
        let (_dir, records) = simulated("scenarios/seed/cron-sample-job.yaml");
        let frame = Frame::new(&records);
        let chart = ScheduleChart::build(&records, &frame).unwrap();
        let band = &chart.bands[0];
        let jobs = records.jobs.len();
        assert_eq!(
            jobs, 287,
            "every 5 minutes for a day, the last one due at the end"
        );
        // Every due time is listed and every one was made on time.
        let made: usize = band
            .slots
            .iter()
            .filter(|s| s.0 == SlotKind::Made)
            .map(|s| s.3)
            .sum();
        assert_eq!((made, band.slots.len()), (jobs, jobs));
        // Every run is its own bar (they are 5 minutes apart, about 5 px) and at least 2 px
        // wide, with no separator drawn over it.
        assert_eq!(band.runs.len(), jobs);
        assert!(band.runs.iter().all(|r| r.3 == 1));
        let svg = crate::report::charts::render(&chart).unwrap().svg;
        assert!(!svg.contains("stroke-width=\"2\" stroke=\"#FFFFFF\""));
    }

    #[test]
    fn dst_lesson_axis_reads_the_cronjobs_zone_and_marks_the_clock_change() {
        let (_dir, records) = simulated("scenarios/teaching/cronjob-dst.yaml");
        let frame = Frame::new(&records);
        let chart = ScheduleChart::build(&records, &frame).unwrap();
        let clock = chart.clock.as_ref().unwrap();
        assert_eq!(clock.zone, "America/New_York");
        assert_eq!(clock.changes.len(), 1, "{:?}", clock.changes);
        assert!(
            clock.changes[0].1.contains("UTC-05 → UTC-04"),
            "{:?}",
            clock.changes
        );
        // 2026-03-08 02:00 EST is 07:00 UTC.
        let start: Timestamp = records.summary.start.parse().unwrap();
        let change: Timestamp = "2026-03-08T07:00:00Z".parse().unwrap();
        assert_eq!(
            clock.changes[0].0 as i64,
            change.duration_since(start).as_millis() as i64
        );
        let svg = crate::report::charts::render(&chart).unwrap().svg;
        assert!(svg.contains("wall clock in America/New_York"));
        assert!(svg.contains("clocks change"));
        assert!(!svg.contains("time since start"));
    }

    #[test]
    fn a_suspension_during_the_run_gets_its_own_strip_and_legend_entry() {
        let (_dir, records) = simulated("scenarios/teaching/cronjob-too-many-missed.yaml");
        let frame = Frame::new(&records);
        let chart = ScheduleChart::build(&records, &frame).unwrap();
        let summary = &records.summary.cronjobs[0];
        assert!(!summary.suspensions.is_empty());
        let expected: Vec<(SimTime, SimTime)> = summary
            .suspensions
            .iter()
            .map(|s| {
                let (a, b) = s.millis();
                (a, b.unwrap_or(frame.end))
            })
            .collect();
        assert_eq!(chart.bands[0].suspended, expected);
        assert!(expected.iter().all(|&(a, b)| a < b));
        let svg = crate::report::charts::render(&chart).unwrap().svg;
        assert!(svg.contains("suspended (spec.suspend: true)"));
    }

    #[test]
    fn several_cronjobs_get_a_concurrency_heat_map() {
        let (_dir, records) = simulated("scenarios/teaching/cronjob-starting-deadline.yaml");
        let chart = ScheduleChart::build(&records, &Frame::new(&records)).unwrap();
        assert_eq!(chart.heat.iter().copied().max(), Some(2));
        // catch-up: 2:00 and 3:00 missed, 4:00 made late at 4:10.
        let catch_up = &chart.bands[0];
        let kinds: Vec<SlotKind> = catch_up.slots.iter().map(|s| s.0).collect();
        assert_eq!(
            kinds,
            [
                SlotKind::Made,
                SlotKind::Missed,
                SlotKind::Missed,
                SlotKind::Delayed,
                SlotKind::Made
            ]
        );
        assert_eq!(catch_up.not_running.len(), 1);
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
