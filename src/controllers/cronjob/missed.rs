//! Which scheduled time a CronJob sync acts on, and when the controller wakes up next: a
//! bit-for-bit port of the v2 controller's `mostRecentScheduleTime`, `nextScheduleTime` and
//! `nextScheduleTimeDuration` (reference cronjob-semantics §5.4, §5.5, §5.11).
//!
//! These are pure functions of the parsed [`Schedule`], three CronJob fields and `now`; the
//! controller calls them and emits the events. They must not touch the store, emit events
//! or read the wall clock.
//!
//! They copy the controller's approximations on purpose: the missed-run count is estimated
//! from the gap between the first two unmet times, the walk starts two gaps before `now`'s
//! estimate, and so a schedule with uneven gaps can skip real missed times (upstream test
//! "another complex schedule"). Do not replace this with "the latest activation ≤ now".
//! Go's zero time (what robfig returns for "never") is modelled as 0001-01-01T00:00:00Z, so
//! a never-firing schedule fails the way it does upstream ("time difference between two
//! schedules is less than 1 second").

use jiff::{SignedDuration, Timestamp};

use crate::cron::gotime::{self, GO_ZERO_UNIX, NANOS_PER_SECOND};
use crate::cron::schedule::Schedule;

/// `nextScheduleDelta`: every requeue targets a schedule time plus 100 ms
/// (cronjob_controllerv2.go), to absorb clock skew.
pub const NEXT_SCHEDULE_DELTA: SignedDuration = SignedDuration::from_millis(100);

/// More estimated missed runs than this → `TooManyMissedTimes` (utils.go; the Job is still
/// created).
pub const TOO_MANY_MISSED_THRESHOLD: i64 = 100;

/// The CronJob fields the estimate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleState {
    /// `metadata.creationTimestamp` (whole seconds, as the API server stores it).
    pub creation_timestamp: Timestamp,
    /// `status.lastScheduleTime`.
    pub last_schedule_time: Option<Timestamp>,
    /// `spec.startingDeadlineSeconds`.
    pub starting_deadline_seconds: Option<i64>,
}

/// How many runs the estimate says were missed (`missedSchedulesType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missed {
    /// At most the first unmet time has come.
    None,
    /// Between 1 and 100 estimated.
    Few,
    /// More than 100 estimated: `TooManyMissedTimes`.
    Many,
}

/// The result of `mostRecentScheduleTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MostRecent {
    /// `lastScheduleTime`, else `creationTimestamp`, moved up to `now − SDS` when the
    /// deadline is included and later.
    pub earliest: Timestamp,
    /// The most recent unmet scheduled time ≤ `now`, if the walk found one.
    pub most_recent: Option<Timestamp>,
    pub missed: Missed,
}

/// The schedule parses but its next two activations are less than a second apart, which is
/// how a schedule that never fires (`59 23 31 2 *`) shows up. The controller emits
/// `InvalidSchedule` ("invalid schedule: <schedule> : <this>") and does not requeue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("time difference between two schedules is less than 1 second")]
pub struct NeverFires;

/// A scheduled time a sync should start a Job for (`nextScheduleTime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueTime {
    /// The scheduled instant: the Job's name suffix and the new `lastScheduleTime`.
    pub scheduled: Timestamp,
    /// Emit `TooManyMissedTimes` (Warning, "too many missed start times. Set or decrease
    /// .spec.startingDeadlineSeconds or check clock skew") — the Job is still created.
    pub too_many_missed: bool,
}

fn go_zero() -> Timestamp {
    Timestamp::from_second(GO_ZERO_UNIX).unwrap_or(Timestamp::MIN)
}

/// robfig `Next` with Go's zero time for "never" (and `Next(zero)` searching from year 1).
fn go_next(schedule: &Schedule, t: Timestamp) -> Timestamp {
    schedule.next(t).unwrap_or_else(go_zero)
}

/// `mostRecentScheduleTime(cj, now, schedule, includeStartingDeadlineSeconds)`.
///
/// `include_starting_deadline` is true when picking the time to run and false when
/// computing the requeue delay. With it, `now − startingDeadlineSeconds` replaces an older
/// `earliest`, so times before the deadline are never returned (and `0` means never run).
pub fn most_recent_schedule_time(
    schedule: &Schedule,
    state: &ScheduleState,
    now: Timestamp,
    include_starting_deadline: bool,
) -> Result<MostRecent, NeverFires> {
    let mut earliest = state.last_schedule_time.unwrap_or(state.creation_timestamp);
    if include_starting_deadline && let Some(seconds) = state.starting_deadline_seconds {
        // Go: now.Add(-time.Second * time.Duration(sds)), with int64 wrap-around.
        let deadline = gotime::add(now, (-NANOS_PER_SECOND).wrapping_mul(seconds));
        if let Some(deadline) = deadline
            && deadline > earliest
        {
            earliest = deadline;
        }
    }

    let t1 = go_next(schedule, earliest);
    let t2 = go_next(schedule, t1);
    let result = |most_recent, missed| MostRecent {
        earliest,
        most_recent,
        missed,
    };
    if now < t1 {
        return Ok(result(None, Missed::None));
    }
    if now < t2 {
        return Ok(result(Some(t1), Missed::None));
    }

    let between = gotime::whole_seconds(gotime::round(gotime::sub(t2, t1), NANOS_PER_SECOND));
    if between < 1 {
        return Err(NeverFires);
    }
    let elapsed = gotime::whole_seconds(gotime::sub(now, t1));
    let estimated_missed = elapsed / between + 1;
    let missed = if estimated_missed > TOO_MANY_MISSED_THRESHOLD {
        Missed::Many
    } else if estimated_missed > 0 {
        Missed::Few
    } else {
        Missed::None
    };

    // Start two estimated gaps back and let the schedule find the real times (Go's int64
    // arithmetic, wrapping as Go's does).
    let back = (estimated_missed - 2)
        .wrapping_mul(between)
        .wrapping_mul(NANOS_PER_SECOND);
    let Some(potential_earliest) = gotime::add(t1, back) else {
        return Ok(result(None, missed));
    };
    let zero = go_zero();
    let mut most_recent = None;
    let mut t = go_next(schedule, potential_earliest);
    while t <= now {
        // Upstream walks on from the zero time here and never returns (a 29 February more
        // than five years after the previous one): that CronJob is never synced again. We
        // report it as never firing, which leaves the CronJob idle in the same way.
        if t == zero {
            return Err(NeverFires);
        }
        most_recent = Some(t);
        t = go_next(schedule, t);
    }
    Ok(result(most_recent, missed))
}

/// `nextScheduleTime`: the scheduled time this sync should start a Job for, with the
/// starting deadline applied; `Ok(None)` when nothing is due (including a due time that is
/// past the deadline, which upstream skips silently — no `MissSchedule` event).
pub fn next_schedule_time(
    schedule: &Schedule,
    state: &ScheduleState,
    now: Timestamp,
) -> Result<Option<DueTime>, NeverFires> {
    let found = most_recent_schedule_time(schedule, state, now, true)?;
    Ok(match found.most_recent {
        Some(scheduled) if scheduled <= now => Some(DueTime {
            scheduled,
            too_many_missed: found.missed == Missed::Many,
        }),
        _ => None,
    })
}

/// `nextScheduleTimeDuration`: how long until the controller should sync this CronJob
/// again — the activation after the most recent unmet time (or after `earliest` when none
/// was missed, after `now` when some were missed but the walk found none or the schedule
/// never fires), plus [`NEXT_SCHEDULE_DELTA`], minus `now`. Ignores the starting deadline.
/// Zero or negative means "now" (a never-firing schedule gives a hugely negative value);
/// the result saturates at Go's `Duration` range.
pub fn next_schedule_time_duration(
    schedule: &Schedule,
    state: &ScheduleState,
    now: Timestamp,
) -> SignedDuration {
    let base = match most_recent_schedule_time(schedule, state, now, false) {
        Err(NeverFires) => now,
        Ok(MostRecent {
            most_recent: Some(t),
            ..
        }) => t,
        Ok(MostRecent {
            most_recent: None,
            missed: Missed::None,
            earliest,
        }) => earliest,
        Ok(MostRecent {
            most_recent: None, ..
        }) => now,
    };
    let next = go_next(schedule, base);
    let nanos = gotime::nanos(next) + NEXT_SCHEDULE_DELTA.as_nanos() - gotime::nanos(now);
    SignedDuration::from_nanos(nanos.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

// ---- fast paths ------------------------------------------------------------------------
//
// Most syncs find nothing due, or find exactly the first time after the last run due with
// nothing missed. These answer those two cases from one or two `Next` calls (which the
// controller remembers between syncs) instead of the five or more of the full estimate.
// Each returns `None` when its case does not hold; the caller then asks the full functions
// above. When they answer, they answer what the full functions would (tested below).

/// The fast answer for a sync that finds nothing due. `earliest` is `lastScheduleTime`
/// (else the creation time); with `include_deadline`, only when `now −
/// startingDeadlineSeconds` does not move it. When `now` is before the first activation
/// after it, [`most_recent_schedule_time`] finds no unmet time, [`next_schedule_time`] is
/// `Ok(None)` and [`next_schedule_time_duration`] is that activation + 100 ms − `now`, the
/// value returned. `next` is the schedule's `Next` (`None` for never).
pub fn nothing_due_yet(
    state: &ScheduleState,
    now: Timestamp,
    include_deadline: bool,
    mut next: impl FnMut(Timestamp) -> Option<Timestamp>,
) -> Option<SignedDuration> {
    let earliest = state.last_schedule_time.unwrap_or(state.creation_timestamp);
    if include_deadline && let Some(sds) = state.starting_deadline_seconds {
        let deadline = now.checked_sub(SignedDuration::from_secs(sds)).ok()?;
        if deadline > earliest {
            return None;
        }
    }
    let t1 = next(earliest)?;
    if now >= t1 {
        return None;
    }
    Some(t1.duration_since(now) + NEXT_SCHEDULE_DELTA)
}

/// The fast answer for a sync at a run's time: `earliest` as in [`nothing_due_yet`] (the
/// starting deadline included) and `t1 ≤ now < t2` for the first two activations after it
/// — the first unmet time with nothing missed (§5.4 step 5), what [`next_schedule_time`]
/// returns then.
pub fn first_time_due(
    state: &ScheduleState,
    now: Timestamp,
    mut next: impl FnMut(Timestamp) -> Option<Timestamp>,
) -> Option<DueTime> {
    let earliest = state.last_schedule_time.unwrap_or(state.creation_timestamp);
    if let Some(sds) = state.starting_deadline_seconds {
        let deadline = now.checked_sub(SignedDuration::from_secs(sds)).ok()?;
        if deadline > earliest {
            return None;
        }
    }
    let t1 = next(earliest)?;
    let t2 = next(t1)?;
    (t1 <= now && now < t2).then_some(DueTime {
        scheduled: t1,
        too_many_missed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// Upstream utils_test.go's `topOfTheHour()`: Thu 2016-05-19T10:00:00Z.
    fn top_of_the_hour() -> Timestamp {
        ts("2016-05-19T10:00:00Z")
    }

    fn after_top(minutes: i64) -> Timestamp {
        top_of_the_hour() + SignedDuration::from_mins(minutes)
    }

    fn sched(text: &str) -> Schedule {
        Schedule::parse(text).unwrap()
    }

    fn state(created: Timestamp, last: Option<Timestamp>, sds: Option<i64>) -> ScheduleState {
        ScheduleState {
            creation_timestamp: created,
            last_schedule_time: last,
            starting_deadline_seconds: sds,
        }
    }

    fn hours(h: i64) -> i64 {
        h * 60
    }

    #[test]
    fn now_before_next_schedule_has_no_unmet_time() {
        let s = state(top_of_the_hour(), None, None);
        let now = top_of_the_hour() + SignedDuration::from_secs(30);
        let got = most_recent_schedule_time(&sched("0 * * * *"), &s, now, false).unwrap();
        assert_eq!(got.earliest, top_of_the_hour());
        assert_eq!(got.most_recent, None);
        assert_eq!(got.missed, Missed::None);
    }

    #[test]
    fn now_just_after_next_schedule_returns_it() {
        let s = state(top_of_the_hour(), None, None);
        let got = most_recent_schedule_time(&sched("0 * * * *"), &s, after_top(61), false).unwrap();
        assert_eq!(got.most_recent, Some(after_top(60)));
        assert_eq!(got.missed, Missed::None);
    }

    #[test]
    fn missed_five_schedules_is_few_and_returns_the_latest() {
        let created = top_of_the_hour() + SignedDuration::from_secs(10);
        let s = state(created, None, None);
        let got =
            most_recent_schedule_time(&sched("0 * * * *"), &s, after_top(301), false).unwrap();
        assert_eq!(got.earliest, created);
        assert_eq!(got.most_recent, Some(after_top(300)));
        assert_eq!(got.missed, Missed::Few);
    }

    #[test]
    fn complex_schedule_finds_next_day_time() {
        let s = state(top_of_the_hour(), Some(after_top(30)), None);
        let now = after_top(hours(24) + 31);
        let got = most_recent_schedule_time(&sched("30 6-16/4 * * 1-5"), &s, now, false).unwrap();
        assert_eq!(got.earliest, after_top(30));
        assert_eq!(got.most_recent, Some(after_top(hours(24) + 30)));
        assert_eq!(got.missed, Missed::Few);
    }

    #[test]
    fn uneven_gaps_skip_real_missed_times() {
        // Upstream "another complex schedule": Friday's 10:30, 11:30 and 12:30 are lost.
        let s = state(top_of_the_hour(), Some(after_top(30)), None);
        let now = after_top(hours(30) + 30);
        let got = most_recent_schedule_time(&sched("30 10,11,12 * * 1-5"), &s, now, false).unwrap();
        assert_eq!(got.most_recent, None);
        assert_eq!(got.missed, Missed::Few);
        // …and the requeue goes to Monday 10:30 + 100 ms.
        let delay = next_schedule_time_duration(&sched("30 10,11,12 * * 1-5"), &s, now);
        assert_eq!(delay, SignedDuration::from_hours(66) + NEXT_SCHEDULE_DELTA);
    }

    #[test]
    fn complex_schedule_with_longer_diff_between_executions() {
        let s = state(top_of_the_hour(), Some(after_top(30)), None);
        let now = after_top(hours(96) + 31);
        let got = most_recent_schedule_time(&sched("30 6-16/4 * * 1-5"), &s, now, false).unwrap();
        assert_eq!(got.most_recent, Some(after_top(hours(96) + 30)));
        assert_eq!(got.missed, Missed::Few);
    }

    #[test]
    fn complex_schedule_from_creation_timestamp() {
        let s = state(top_of_the_hour(), None, None);
        let now = after_top(hours(24) + 31);
        let got = most_recent_schedule_time(&sched("30 6-16/4 * * 1-5"), &s, now, false).unwrap();
        assert_eq!(got.earliest, top_of_the_hour());
        assert_eq!(got.most_recent, Some(after_top(hours(24) + 30)));
    }

    #[test]
    fn every_schedule_over_a_week_is_too_many_missed() {
        // Upstream "@every schedule": SDS is set but not included.
        let s = state(after_top(-59), Some(after_top(1)), Some(10));
        let now = after_top(hours(7 * 24));
        let got = most_recent_schedule_time(&sched("@every 1h"), &s, now, false).unwrap();
        assert_eq!(got.earliest, after_top(1));
        assert_eq!(got.most_recent, Some(after_top(hours(6 * 24 + 23) + 1)));
        assert_eq!(got.missed, Missed::Many);
    }

    #[test]
    fn never_firing_schedule_is_an_error() {
        // Upstream "rogue cronjob": 31 February.
        let s = state(
            top_of_the_hour() + SignedDuration::from_secs(10),
            None,
            None,
        );
        let got = most_recent_schedule_time(&sched("59 23 31 2 *"), &s, after_top(60), false);
        assert_eq!(got, Err(NeverFires));
        assert_eq!(
            NeverFires.to_string(),
            "time difference between two schedules is less than 1 second"
        );
        // The requeue then aims at Next(now), which is the zero time: hugely negative.
        let delay = next_schedule_time_duration(&sched("59 23 31 2 *"), &s, after_top(60));
        assert!(delay.is_negative());
    }

    #[test]
    fn schedule_time_equal_to_last_schedule_time_is_not_due_again() {
        let s = state(top_of_the_hour(), Some(top_of_the_hour()), None);
        let now = top_of_the_hour() + SignedDuration::from_secs(30);
        let got = most_recent_schedule_time(&sched("0 * * * *"), &s, now, false).unwrap();
        assert_eq!(got.earliest, top_of_the_hour());
        assert_eq!(got.most_recent, None);
    }

    #[test]
    fn earliest_is_last_schedule_time_within_starting_deadline() {
        let s = state(top_of_the_hour(), Some(after_top(30)), Some(60));
        let got =
            most_recent_schedule_time(&sched("*/5 * * * *"), &s, after_top(31), false).unwrap();
        assert_eq!(got.earliest, after_top(30));
        assert_eq!(got.most_recent, None);
    }

    #[test]
    fn starting_deadline_moves_earliest_to_now_minus_deadline() {
        let s = state(top_of_the_hour(), Some(after_top(30)), Some(60));
        let got =
            most_recent_schedule_time(&sched("*/5 * * * *"), &s, after_top(32), true).unwrap();
        assert_eq!(got.earliest, after_top(31));
        assert_eq!(got.most_recent, None);
    }

    #[test]
    fn past_deadline_time_is_skipped_silently() {
        // Reference §5.5 "never ran, is time, past deadline": created 10:00, hourly, now
        // 11:12 with SDS 10 min → nothing due, no event, requeue to 12:00 + 100 ms.
        let s = state(top_of_the_hour(), None, Some(600));
        let now = after_top(72);
        assert_eq!(next_schedule_time(&sched("0 * * * *"), &s, now), Ok(None));
        assert_eq!(
            next_schedule_time_duration(&sched("0 * * * *"), &s, now),
            SignedDuration::from_mins(48) + NEXT_SCHEDULE_DELTA
        );
    }

    #[test]
    fn starting_deadline_zero_never_starts_a_job() {
        let s = state(top_of_the_hour(), None, Some(0));
        let hourly = sched("0 * * * *");
        for now in [
            after_top(60),
            after_top(60) + NEXT_SCHEDULE_DELTA,
            after_top(61),
        ] {
            assert_eq!(next_schedule_time(&hourly, &s, now), Ok(None), "now {now}");
        }
    }

    #[test]
    fn within_deadline_the_due_time_is_returned() {
        let s = state(top_of_the_hour(), None, Some(600));
        let now = after_top(65);
        let due = next_schedule_time(&sched("0 * * * *"), &s, now)
            .unwrap()
            .unwrap();
        assert_eq!(due.scheduled, after_top(60));
        assert!(!due.too_many_missed);
    }

    #[test]
    fn long_overdue_without_deadline_still_starts_with_warning() {
        // Upstream "prev ran but done, long overdue, no deadline": create, 1 warning.
        let s = state(top_of_the_hour(), Some(top_of_the_hour()), None);
        let now = after_top(hours(24 * 7) + 5);
        let due = next_schedule_time(&sched("0 * * * *"), &s, now)
            .unwrap()
            .unwrap();
        assert_eq!(due.scheduled, after_top(hours(24 * 7)));
        assert!(due.too_many_missed);
    }

    #[test]
    fn missed_count_threshold_is_more_than_one_hundred() {
        let s = state(top_of_the_hour(), Some(top_of_the_hour()), None);
        let hourly = sched("0 * * * *");
        // t1 = 11:00. At 11:00 + 100 h + 1 m the estimate is 100/1 + 1 = 101 → many; one
        // hour earlier it is exactly 100 → still few.
        let at = |h| after_top(hours(h) + 1);
        let n101 = most_recent_schedule_time(&hourly, &s, at(101), true).unwrap();
        assert_eq!(n101.missed, Missed::Many);
        assert_eq!(n101.most_recent, Some(after_top(hours(101))));
        let n100 = most_recent_schedule_time(&hourly, &s, at(100), true).unwrap();
        assert_eq!(n100.missed, Missed::Few);
        assert_eq!(n100.most_recent, Some(after_top(hours(100))));
    }

    #[test]
    fn requeue_is_next_time_plus_100ms() {
        let hourly = sched("0 * * * *");
        // Created 09:59, now 09:59 → 1 m 0.1 s.
        let created = ts("2016-05-19T09:59:00Z");
        let s = state(created, None, None);
        assert_eq!(
            next_schedule_time_duration(&hourly, &s, created),
            SignedDuration::from_secs(60) + NEXT_SCHEDULE_DELTA
        );
        // After creating the 10:00 Job at 10:01 → 59 m 0.1 s.
        let s = state(created, Some(top_of_the_hour()), None);
        assert_eq!(
            next_schedule_time_duration(&hourly, &s, after_top(1)),
            SignedDuration::from_mins(59) + NEXT_SCHEDULE_DELTA
        );
        // Woken at exactly scheduled + 100 ms → exactly 60 m − 0 = 59 m 59.9 s + 0.1 s.
        let now = top_of_the_hour() + NEXT_SCHEDULE_DELTA;
        assert_eq!(
            next_schedule_time_duration(&hourly, &s, now),
            SignedDuration::from_mins(60)
        );
    }

    #[test]
    fn requeue_skips_weekend_for_complex_schedule() {
        let s = state(top_of_the_hour(), Some(after_top(30)), None);
        let got =
            next_schedule_time_duration(&sched("30 6-16/4 * * 1-5"), &s, after_top(hours(24) + 31));
        assert_eq!(
            got,
            SignedDuration::from_mins(3 * 60 + 59) + NEXT_SCHEDULE_DELTA
        );
    }

    #[test]
    fn requeue_for_weekly_job_that_missed_two_runs() {
        let s = state(top_of_the_hour(), Some(after_top(120)), None);
        let now = after_top(hours(19 * 24 + 1) + 30);
        let got = next_schedule_time_duration(&sched("0 12 * * 4"), &s, now);
        assert_eq!(
            got,
            SignedDuration::from_mins(48 * 60 + 30) + NEXT_SCHEDULE_DELTA
        );
    }

    #[test]
    fn requeue_with_no_previous_run() {
        let s = state(top_of_the_hour(), None, None);
        let got = next_schedule_time_duration(&sched("0 12 * * 5"), &s, after_top(hours(6)));
        assert_eq!(got, SignedDuration::from_hours(20) + NEXT_SCHEDULE_DELTA);
    }

    #[test]
    fn schedule_edit_vectors_from_update_handler() {
        // Reference §8: now 09:59:59, lastScheduleTime 09:59:00.
        let last = ts("2016-05-19T09:59:00Z");
        let now = ts("2016-05-19T09:59:59Z");
        let s = state(ts("2016-05-19T09:00:00Z"), Some(last), None);
        let ms = SignedDuration::from_millis;
        assert_eq!(
            next_schedule_time_duration(&sched("*/1 * * * *"), &s, now),
            ms(1_100)
        );
        assert_eq!(
            next_schedule_time_duration(&sched("@every 3m"), &s, now),
            ms(2 * 60_000 + 1_100)
        );
        assert_eq!(
            next_schedule_time_duration(&sched("@every 1m"), &s, now),
            ms(1_100)
        );
    }

    #[test]
    fn every_with_starting_deadline_moves_its_phase() {
        // Reference §5.4: `now − SDS` becomes `earliest`, so `@every` counts from there.
        let s = state(top_of_the_hour(), None, Some(30));
        let now = after_top(150);
        // earliest = 12:29:30 → t1 = 13:29:30 > now → nothing due, even though 11:00 and
        // 12:00 were missed.
        assert_eq!(next_schedule_time(&sched("@every 1h"), &s, now), Ok(None));
    }

    #[test]
    fn leap_day_too_far_away_is_invalid_schedule() {
        // Reference §2.2/§2.4: from 2096-03-01 the next 29 February is in 2104.
        let s = state(ts("2096-03-01T00:00:00Z"), None, None);
        let got =
            most_recent_schedule_time(&sched("0 0 29 2 *"), &s, ts("2096-03-02T00:00:00Z"), true);
        assert_eq!(got, Err(NeverFires));
    }

    #[test]
    fn fast_paths_answer_the_common_syncs() {
        let schedule = sched("*/5 * * * *");
        let s = state(top_of_the_hour(), None, Some(600));
        let next = |t| schedule.next(t);
        // A minute after creation nothing is due; the controller wakes at 10:05:00.1.
        let now = after_top(1);
        assert_eq!(
            nothing_due_yet(&s, now, true, next),
            Some(SignedDuration::from_millis(4 * 60_000 + 100))
        );
        // At 10:05:00.1 the first time is due, nothing missed.
        let now = after_top(5) + SignedDuration::from_millis(100);
        assert_eq!(nothing_due_yet(&s, now, true, next), None);
        assert_eq!(
            first_time_due(&s, now, next),
            Some(DueTime {
                scheduled: after_top(5),
                too_many_missed: false,
            })
        );
        // Two times later, with one missed, the fast path leaves it to the full estimate.
        assert_eq!(first_time_due(&s, after_top(11), next), None);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const ZONES: [&str; 6] = [
            "",
            "TZ=UTC ",
            "TZ=America/New_York ",
            "TZ=Europe/London ",
            "TZ=Australia/Lord_Howe ",
            "TZ=Asia/Kolkata ",
        ];

        /// Five-field schedules in a time zone (some never fire, some cross DST changes),
        /// and descriptors.
        fn schedule_text() -> impl Strategy<Value = String> {
            let pick = |items: &'static [&'static str]| prop::sample::select(items);
            let fields = (
                pick(&["*", "0", "30", "*/5", "*/7", "0,30", "15-45/15", "59"]),
                pick(&["*", "0", "2", "*/6", "1-3", "9-17"]),
                pick(&["*", "1", "15", "29", "31", "*/10"]),
                pick(&["*", "1", "2", "*/3", "6-8"]),
                pick(&["*", "0", "1-5", "6"]),
            );
            let spec = (0..ZONES.len(), fields).prop_map(|(zone, (mi, h, dom, mo, dow))| {
                format!("{}{mi} {h} {dom} {mo} {dow}", ZONES[zone])
            });
            let descriptor = pick(&[
                "@hourly",
                "@daily",
                "@weekly",
                "@monthly",
                "@every 90s",
                "@every 1h30m",
                "@every 7m",
            ])
            .prop_map(str::to_string);
            prop_oneof![4 => spec, 1 => descriptor]
        }

        /// How far `now` is from `earliest`, in milliseconds: mostly close to it (where
        /// the fast paths answer), sometimes weeks on (where they must step aside).
        fn offset_ms() -> impl Strategy<Value = i64> {
            prop_oneof![
                0i64..600_000,
                0i64..7_200_000,
                0i64..40 * 86_400_000,
                -5_000i64..0,
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]

            #[test]
            fn fast_answers_agree_with_the_full_estimate(
                text in schedule_text(),
                created in 1_577_836_800i64..1_893_456_000,
                last in prop_oneof![
                    Just(None),
                    (0i64..40 * 86_400).prop_map(|s| Some((s, false))),
                    (0i64..40 * 86_400).prop_map(|s| Some((s, true))),
                ],
                sds in prop_oneof![Just(None), (0i64..200_000).prop_map(Some)],
                offset in offset_ms(),
            ) {
                let schedule = Schedule::parse(&text).unwrap();
                let created = Timestamp::from_second(created).unwrap();
                // `lastScheduleTime` is a time after creation, or an activation of the
                // schedule (what a run leaves behind).
                let last = last.and_then(|(s, activation)| {
                    let t = created + SignedDuration::from_secs(s);
                    if activation { schedule.next(t) } else { Some(t) }
                });
                let state = state(created, last, sds);
                let now = last.unwrap_or(created) + SignedDuration::from_millis(offset);
                let next = |t| schedule.next(t);
                for include_deadline in [false, true] {
                    if let Some(delay) = nothing_due_yet(&state, now, include_deadline, next) {
                        prop_assert_eq!(next_schedule_time_duration(&schedule, &state, now), delay);
                        if include_deadline {
                            prop_assert_eq!(next_schedule_time(&schedule, &state, now), Ok(None));
                        }
                    }
                }
                if let Some(due) = first_time_due(&state, now, next) {
                    prop_assert_eq!(next_schedule_time(&schedule, &state, now), Ok(Some(due)));
                }
            }
        }
    }
}
