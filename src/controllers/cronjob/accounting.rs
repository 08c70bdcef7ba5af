//! jobsim's own statistics of a CronJob, not a Kubernetes field: what became of each
//! schedule time (ran, ran late, skipped by Forbid, missed past the deadline, missed) and
//! the create and start lags of its Jobs, kept for the summary. It never changes what the
//! controller does.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use crate::cron::schedule::Schedule;
use crate::time::SimTime;
use crate::world::store::cronjob::CronJobStats;
use crate::world::{CronJobId, World};

/// A due time was blocked by Forbid (`JobAlreadyActive`).
pub(super) fn note_blocked(stats: &mut CronJobStats, scheduled: Timestamp) {
    if let Err(pos) = stats.blocked.binary_search(&scheduled) {
        stats.blocked.insert(pos, scheduled);
    }
}

/// A sync looked with a starting deadline: times up to `now − SDS` can never run.
pub(super) fn note_deadline(w: &mut World<'_>, id: CronJobId, now: Timestamp, sds: i64) {
    let Ok(deadline) = now.checked_sub(SignedDuration::from_secs(sds)) else {
        return;
    };
    let stats = &mut w.store.cronjob_mut(id).stats;
    if stats.deadline_until.is_none_or(|d| d < deadline) {
        stats.deadline_until = Some(deadline);
    }
}

/// A Job was created for `scheduled`: the times since the last accounted one that did not
/// run are lost, and `scheduled` ran (late, if Forbid had blocked it). `first` is the first
/// activation after the last accounted time, when the caller knows it.
pub(super) fn account_run(
    stats: &mut CronJobStats,
    schedule: &Schedule,
    scheduled: Timestamp,
    first: Option<Timestamp>,
) {
    if stats.accounted_until.is_some_and(|a| a >= scheduled) {
        return;
    }
    if first != Some(scheduled) {
        account_lost(stats, schedule, scheduled, false, false);
    }
    if stats.blocked.binary_search(&scheduled).is_ok() {
        stats.counts.delayed += 1;
    }
    stats.blocked.retain(|&b| b > scheduled);
    stats.accounted_until = Some(scheduled);
}

/// Counts the schedule times after `accounted_until` and before `until` (or up to it, if
/// `inclusive`) as skipped (blocked by Forbid), missed past the deadline, or missed. With
/// `keep_last`, the most recent such time is left alone unless it is past the deadline (it
/// may still run). Upstream's `Next` gives up five years out; the walk stops there too.
pub(crate) fn account_lost(
    stats: &mut CronJobStats,
    schedule: &Schedule,
    until: Timestamp,
    inclusive: bool,
    keep_last: bool,
) {
    let Some(mut t) = stats.accounted_until else {
        return;
    };
    let before = |t: Timestamp| if inclusive { t <= until } else { t < until };
    let mut lost: Vec<Timestamp> = Vec::new();
    let count = |t: Timestamp, stats: &mut CronJobStats| {
        if stats.blocked.binary_search(&t).is_ok() {
            stats.counts.skipped += 1;
        } else if stats.deadline_until.is_some_and(|d| t <= d) {
            stats.counts.missed_deadline += 1;
        } else {
            stats.counts.missed += 1;
        }
    };
    while let Some(next) = schedule.next(t) {
        if !before(next) {
            break;
        }
        if keep_last {
            lost.push(next);
            if lost.len() > 1 {
                let older = lost.remove(0);
                count(older, stats);
            }
        } else {
            count(next, stats);
        }
        t = next;
    }
    if let Some(last) = lost.pop()
        && stats.deadline_until.is_some_and(|d| last <= d)
    {
        count(last, stats);
    }
}

/// At the end of the run: times that came due and never ran are counted; the most recent
/// one is left out while the CronJob is not suspended, since its Job may still come —
/// unless it is already older than the starting deadline.
pub fn finish_accounting(w: &mut World<'_>, id: CronJobId, end: SimTime) {
    let until = w.clock.instant(end);
    if let Some(sds) = w.store.cronjob(id).spec.starting_deadline_seconds {
        note_deadline(w, id, until, sds);
    }
    let cj = w.store.cronjob_mut(id);
    let Ok(schedule) = &cj.parsed.schedule else {
        return;
    };
    let schedule = Arc::clone(schedule);
    let keep_last = !cj.suspended();
    account_lost(&mut cj.stats, &schedule, until, true, keep_last);
    cj.stats.accounted_until = Some(until);
}

/// How long after `scheduled` simulated time `at` is, in whole milliseconds (0 if before).
pub(super) fn lag_ms(clock: &crate::time::Clock, at: SimTime, scheduled: Timestamp) -> u64 {
    let at = clock.instant(at);
    // Both on whole milliseconds (the usual case): a difference of integers.
    if at.subsec_nanosecond() % 1_000_000 == 0 && scheduled.subsec_nanosecond() % 1_000_000 == 0 {
        return u64::try_from(at.as_millisecond() - scheduled.as_millisecond()).unwrap_or(0);
    }
    let d = at.duration_since(scheduled);
    u64::try_from(d.as_millis()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn lost_times_are_classified_blocked_then_deadline_then_missed() {
        let schedule = Schedule::parse("*/5 * * * *").unwrap();
        let mut stats = CronJobStats {
            accounted_until: Some(ts("2026-01-01T00:00:00Z")),
            blocked: vec![ts("2026-01-01T00:10:00Z")],
            deadline_until: Some(ts("2026-01-01T00:20:00Z")),
            ..CronJobStats::default()
        };
        // 00:05 … 00:30 lost before a run at 00:35.
        account_run(&mut stats, &schedule, ts("2026-01-01T00:35:00Z"), None);
        assert_eq!(stats.counts.skipped, 1); // 00:10
        assert_eq!(stats.counts.missed_deadline, 3); // 00:05, 00:15, 00:20
        assert_eq!(stats.counts.missed, 2); // 00:25, 00:30
        assert_eq!(stats.counts.delayed, 0);
        assert!(stats.blocked.is_empty());
    }

    #[test]
    fn a_blocked_time_that_runs_later_is_delayed_not_skipped() {
        let schedule = Schedule::parse("*/5 * * * *").unwrap();
        let mut stats = CronJobStats {
            accounted_until: Some(ts("2026-01-01T00:05:00Z")),
            blocked: vec![ts("2026-01-01T00:10:00Z"), ts("2026-01-01T00:15:00Z")],
            ..CronJobStats::default()
        };
        account_run(&mut stats, &schedule, ts("2026-01-01T00:15:00Z"), None);
        assert_eq!(
            (
                stats.counts.skipped,
                stats.counts.delayed,
                stats.counts.missed
            ),
            (1, 1, 0)
        );
    }

    #[test]
    fn at_the_end_the_most_recent_time_is_pending_unless_past_the_deadline() {
        let schedule = Schedule::parse("0 * * * *").unwrap();
        let base = CronJobStats {
            accounted_until: Some(ts("2026-01-01T00:00:00Z")),
            ..CronJobStats::default()
        };
        let mut stats = base.clone();
        account_lost(
            &mut stats,
            &schedule,
            ts("2026-01-01T03:30:00Z"),
            true,
            true,
        );
        assert_eq!(stats.counts.missed, 2); // 01:00 and 02:00; 03:00 may still run
        let mut stats = CronJobStats {
            deadline_until: Some(ts("2026-01-01T03:10:00Z")),
            ..base
        };
        account_lost(
            &mut stats,
            &schedule,
            ts("2026-01-01T03:30:00Z"),
            true,
            true,
        );
        assert_eq!(stats.counts.missed_deadline, 3);
    }
}
