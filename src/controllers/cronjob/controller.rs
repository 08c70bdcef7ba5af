//! The CronJob controller (v2, reference cronjob-semantics §4–§10).
//!
//! [`sync`] follows upstream `sync` step by step: list the owned Jobs, clean up finished
//! Jobs over the history limits (§6), then `syncCronJob` (§5): reconcile `status.active`,
//! stop if suspended, pick the scheduled time with the missed-time estimate of
//! [`super::missed`], apply `startingDeadlineSeconds` and the concurrency policy, create at
//! most one Job, and requeue at the next schedule time + 100 ms. The workqueue is modelled
//! per key (§4): informer events add the key at once (deduplicated while it waits), and
//! `AddAfter` keeps the earliest ready time.
//!
//! It acts on the store and the event queue only. It must not compute schedule times itself
//! (that is [`super::schedule`] and [`super::missed`]), and it never calls the Job
//! controller: it creates Jobs through the API server (`World::create_job`).

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use super::history::{self, Finished, HistoryEntry};
use super::missed::{self, DueTime, NEXT_SCHEDULE_DELTA, NeverFires, ScheduleState};
use super::schedule::{Schedule, format_schedule, load_location, quote};
use crate::api::{ConcurrencyPolicy, CronJob, CronJobSpec, Job, ObjectMeta};
use crate::record::ObjectRef;
use crate::scenario::Behavior;
use crate::time::SimTime;
use crate::world::store::cronjob::{
    ActiveJob, CronJobState, CronJobStats, CronJobStatus, JobRequest, ParsedSchedule,
};
use crate::world::{ConditionType, CronJobId, Event, JobId, JobState, OwnerRef, World};

/// `batch.kubernetes.io/cronjob-scheduled-timestamp` (`CronJobScheduledTimestampAnnotation`,
/// GA in 1.32): the scheduled instant in RFC 3339 in the CronJob's zone (UTC without one).
pub const SCHEDULED_TIMESTAMP_ANNOTATION: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// The message of `JobAlreadyActive` (Normal).
pub const MSG_JOB_ALREADY_ACTIVE: &str =
    "Not starting job because prior execution is running and concurrency policy is Forbid";
/// The message of `TooManyMissedTimes` (Warning).
pub const MSG_TOO_MANY_MISSED: &str = "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew";

/// Submits a CronJob (the API create). Its `creationTimestamp` is now, truncated to the
/// second; the add event syncs it at once (§8: a time equal to the creation instant is not
/// due, because `Next` is strictly after).
pub fn create(w: &mut World<'_>, cj: &CronJob, behavior: &Behavior) -> CronJobId {
    let id = CronJobId(w.store.cronjobs.next_id());
    let uid = w.next_uid();
    let now = w.now();
    let controller_zone = w.scenario.controller_time_zone.clone();
    let template = &cj.spec.job_template;
    let mut job = Job {
        api_version: "batch/v1".to_string(),
        kind: "Job".to_string(),
        metadata: ObjectMeta {
            namespace: cj.metadata.namespace.clone(),
            labels: template.metadata.labels.clone(),
            annotations: template.metadata.annotations.clone(),
            ..ObjectMeta::default()
        },
        spec: template.spec.clone(),
    };
    // Each created Job is defaulted by the API server like any other Job.
    crate::api::defaults::default_job_spec(&mut job.spec);
    let state = CronJobState {
        metadata: cj.metadata.clone(),
        uid,
        spec: cj.spec.clone(),
        created: w.clock.truncate(now),
        status: CronJobStatus::default(),
        owned: Vec::new(),
        sync_queued: false,
        waiting: None,
        parsed: parse(&cj.spec, controller_zone.as_deref()),
        job_request: Some(JobRequest {
            job,
            behavior: behavior.clone(),
        }),
        unstarted: Vec::new(),
        stats: CronJobStats {
            accounted_until: Some(w.clock.instant(w.clock.truncate(now))),
            ..CronJobStats::default()
        },
    };
    w.store.cronjobs.push(state);
    let key = format!("{}/{}", cj.metadata.namespace(), cj.metadata.name);
    w.store.cronjob_names.insert(key, id);
    enqueue(w, id);
    id
}

/// `formatSchedule` then `ParseStandard`. A CronJob without `timeZone` is read in the
/// controller's own zone (`cluster.controllerTimeZone`, UTC by default), as Go's `Local`.
pub fn parse(spec: &CronJobSpec, controller_zone: Option<&str>) -> ParsedSchedule {
    let zone = spec.time_zone.as_deref().or(controller_zone);
    let formatted = format_schedule(&spec.schedule, zone);
    ParsedSchedule {
        schedule: Schedule::parse(&formatted.text)
            .map(Arc::new)
            .map_err(|e| e.to_string()),
        tz_in_schedule: formatted.tz_in_schedule,
        time_zone_error: spec
            .time_zone
            .as_deref()
            .and_then(|z| load_location(z).err()),
        next_after: [None, None],
    }
}

// ---- the workqueue -------------------------------------------------------------------

/// An informer event (the CronJob changed, or an owned Job was added, updated or deleted):
/// the key is added to the queue at once, once however many events arrive before it runs.
pub fn enqueue(w: &mut World<'_>, id: CronJobId) {
    let now = w.now();
    let Some(cj) = w.store.cronjobs.get_mut(id.0) else {
        return;
    };
    if !cj.sync_queued {
        cj.sync_queued = true;
        w.schedule(now, Event::CronJobSync(id));
    }
}

/// `AddAfter(key, delay)`: a key already waiting keeps the earlier of the two ready times;
/// a delay ≤ 0 adds it at once.
pub fn enqueue_after(w: &mut World<'_>, id: CronJobId, delay: SignedDuration) {
    if delay <= SignedDuration::ZERO {
        enqueue(w, id);
        return;
    }
    // Round up: the controller never wakes before the time it asked for.
    let nanos = delay.as_nanos();
    let ms = (nanos + 999_999) / 1_000_000;
    let at = w
        .now()
        .saturating_add(u64::try_from(ms).unwrap_or(u64::MAX));
    let Some(cj) = w.store.cronjobs.get_mut(id.0) else {
        return;
    };
    if cj.waiting.is_some_and(|t| t <= at) {
        return;
    }
    cj.waiting = Some(at);
    w.schedule(at, Event::CronJobSync(id));
}

/// A `CronJobSync` event: the key comes out of the queue (immediately added, or ready after
/// its delay). Events superseded by an earlier ready time are dropped.
pub fn on_event(w: &mut World<'_>, id: CronJobId) {
    let now = w.now();
    let Some(cj) = w.store.cronjobs.get_mut(id.0) else {
        return;
    };
    let mut due = std::mem::take(&mut cj.sync_queued);
    if cj.waiting == Some(now) {
        cj.waiting = None;
        due = true;
    }
    if due {
        sync(w, id);
    }
}

// ---- the Job informer ----------------------------------------------------------------

/// What the CronJob controller's informer compares to decide that a Job was updated (its
/// status changed; the simulator has no other writes to a Job).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobStatusView {
    start_time: Option<SimTime>,
    completion_time: Option<SimTime>,
    counters: [i32; 5],
    conditions: u64,
    finished: Option<Finished>,
    first_started: Option<SimTime>,
}

impl JobStatusView {
    pub fn of(job: &JobState) -> JobStatusView {
        let s = &job.status;
        let conditions = s.conditions.iter().fold(s.conditions.len() as u64, |h, c| {
            let bits = (c.kind as u64) << 1 | u64::from(c.status);
            h.wrapping_mul(1_000_003) ^ bits ^ c.time.rotate_left(7)
        });
        JobStatusView {
            start_time: s.start_time,
            completion_time: s.completion_time,
            counters: [s.active, s.ready, s.succeeded, s.failed, s.terminating],
            conditions,
            finished: finished_as(job),
            first_started: job.first_started,
        }
    }
}

/// The first True `Complete`/`Failed` condition (`getFinishedStatus`).
fn finished_as(job: &JobState) -> Option<Finished> {
    job.status
        .conditions
        .iter()
        .find(|c| c.status && matches!(c.kind, ConditionType::Complete | ConditionType::Failed))
        .map(|c| match c.kind {
            ConditionType::Complete => Finished::Complete,
            _ => Finished::Failed,
        })
}

/// The Job controller synced an owned Job; `before` is its status before the sync. A change
/// is an update event: the CronJob is enqueued, and the run's statistics note a finish or
/// a first start.
pub fn job_synced(w: &mut World<'_>, id: CronJobId, job_id: JobId, before: JobStatusView) {
    let Some(job) = w.store.jobs.get(job_id.0) else {
        return;
    };
    let after = JobStatusView::of(job);
    let first_pod_running = job.first_pod_running;
    let clock = w.clock;
    let Some(cj) = w.store.cronjobs.get_mut(id.0) else {
        return;
    };
    // The start lag is jobsim's own statistic (how late the work really began), noted
    // whether or not the sync changed the status the CronJob controller watches.
    if let Some(started) = first_pod_running
        && let Some(pos) = cj.unstarted.iter().position(|(j, _)| *j == job_id)
    {
        let (_, scheduled) = cj.unstarted.swap_remove(pos);
        cj.stats
            .start_lag_ms
            .push(lag_ms(&clock, started, scheduled));
    }
    if after == before {
        return;
    }
    if before.finished.is_none() {
        match after.finished {
            Some(Finished::Complete) => cj.stats.counts.succeeded += 1,
            Some(Finished::Failed) => cj.stats.counts.failed += 1,
            None => {}
        }
    }
    enqueue(w, id);
}

/// An owned Job was deleted (history limit, Replace, TTL): it leaves the lister's index and
/// the CronJob is enqueued.
pub fn job_deleted(w: &mut World<'_>, id: CronJobId, job_id: JobId) {
    let Some(cj) = w.store.cronjobs.get_mut(id.0) else {
        return;
    };
    cj.owned.retain(|&j| j != job_id);
    cj.unstarted.retain(|(j, _)| *j != job_id);
    enqueue(w, id);
}

fn lag_ms(clock: &crate::time::Clock, at: SimTime, scheduled: Timestamp) -> u64 {
    let d = clock.instant(at).duration_since(scheduled);
    u64::try_from(d.as_millis()).unwrap_or(0)
}

// ---- scenario actions (API updates of the CronJob) -------------------------------------

fn find(w: &World<'_>, name: &str) -> Option<CronJobId> {
    w.store
        .cronjob_names
        .iter()
        .find(|(k, _)| k.rsplit('/').next() == Some(name))
        .map(|(_, &v)| v)
}

/// Sets `spec.suspend`. An update other than the schedule enqueues the CronJob at once
/// (§8), so resuming catches up on the most recent missed time.
pub fn set_suspend(w: &mut World<'_>, name: &str, suspend: bool) {
    let Some(id) = find(w, name) else { return };
    let cj = w.store.cronjob_mut(id);
    if cj.spec.suspend == Some(suspend) {
        return;
    }
    cj.spec.suspend = Some(suspend);
    enqueue(w, id);
}

/// Sets `spec.schedule` (§8): the update handler parses the new schedule and adds the key
/// after `nextScheduleTimeDuration` computed from the existing `lastScheduleTime` (or
/// creation) with the new schedule; an earlier wake-up already queued stays queued.
pub fn set_schedule(w: &mut World<'_>, name: &str, schedule: &str) {
    let Some(id) = find(w, name) else { return };
    let now_ms = w.now();
    let now = w.clock.instant(now_ms);
    let controller_zone = w.scenario.controller_time_zone.clone();
    let cj = w.store.cronjob_mut(id);
    if cj.spec.schedule == schedule {
        return;
    }
    // Times of the old schedule that never ran are lost from here on.
    if let Ok(old) = &cj.parsed.schedule {
        let old = Arc::clone(old);
        account_lost(&mut cj.stats, &old, now, true, false);
        cj.stats.accounted_until = Some(now);
        cj.stats.blocked.clear();
    }
    cj.spec.schedule = schedule.to_string();
    cj.parsed = parse(&cj.spec, controller_zone.as_deref());
    let state = schedule_state(&w.clock, cj);
    match &cj.parsed.schedule {
        Err(_) => {
            // Upstream parses without the time zone's recorder here; the message differs
            // from the sync's `UnparseableSchedule`, spelling included.
            let name = cj.metadata.name.clone();
            let message = format!("unparseable schedule for cronjob: {schedule}");
            w.emit(
                ObjectRef::CronJob(&name),
                "UnParseableCronJobSchedule",
                &message,
            );
        }
        Ok(sched) => {
            let delay = missed::next_schedule_time_duration(sched, &state, now);
            enqueue_after(w, id, delay);
        }
    }
}

// ---- one sync ------------------------------------------------------------------------

/// What the lister shows of one owned Job at the start of a sync.
#[derive(Debug, Clone, Copy)]
struct OwnedJob {
    id: JobId,
    uid: u64,
    finished: Option<Finished>,
    start_time: Option<SimTime>,
    completion_time: Option<SimTime>,
}

/// One `sync(key)` (§5): cleanup, then `syncCronJob`, then one status write (whose update
/// event enqueues the key again, normally a no-op sync) and the requeue.
pub fn sync(w: &mut World<'_>, id: CronJobId) {
    if !w.store.cronjobs.contains(id.0) {
        return;
    }
    let jobs: Vec<OwnedJob> = w
        .store
        .cronjob(id)
        .owned
        .iter()
        .filter_map(|&j| w.store.jobs.get(j.0).map(|job| owned_view(j, job)))
        .collect();
    let mut status_changed = cleanup_finished_jobs(w, id, &jobs);
    let (requeue, changed) = sync_cronjob(w, id, &jobs);
    status_changed |= changed;
    if status_changed {
        enqueue(w, id);
    }
    if let Some(delay) = requeue {
        enqueue_after(w, id, delay);
    }
}

fn owned_view(id: JobId, job: &JobState) -> OwnedJob {
    OwnedJob {
        id,
        uid: job.uid,
        finished: finished_as(job),
        start_time: job.status.start_time,
        completion_time: job.status.completion_time,
    }
}

/// §6: deletes the oldest finished Jobs over each history limit. True if any was deleted
/// (each deletion also drops the Job from `status.active`).
fn cleanup_finished_jobs(w: &mut World<'_>, id: CronJobId, jobs: &[OwnedJob]) -> bool {
    let cj = w.store.cronjob(id);
    let limits = (
        cj.spec.successful_jobs_history_limit,
        cj.spec.failed_jobs_history_limit,
    );
    let over = |kind, limit: Option<i32>| {
        limit.is_some_and(|l| {
            jobs.iter().filter(|j| j.finished == Some(kind)).count() > l.max(0) as usize
        })
    };
    if !over(Finished::Complete, limits.0) && !over(Finished::Failed, limits.1) {
        return false;
    }
    let to_delete = {
        let entries: Vec<HistoryEntry<'_>> = jobs
            .iter()
            .map(|j| HistoryEntry {
                id: j.id,
                name: w.store.job(j.id).name(),
                finished: j.finished,
                start_time: j.start_time,
            })
            .collect();
        history::jobs_to_delete(&entries, limits.0, limits.1)
    };
    for &job in &to_delete {
        delete_owned_job(w, id, job);
    }
    !to_delete.is_empty()
}

/// `deleteJob`: background deletion, the reference leaves `status.active`, then
/// `SuccessfulDelete`.
fn delete_owned_job(w: &mut World<'_>, id: CronJobId, job: JobId) {
    let (name, uid) = {
        let j = w.store.job(job);
        (j.metadata.name.clone(), j.uid)
    };
    w.store.cronjob_mut(id).status.remove_active(uid);
    w.delete_job(job);
    let cj_name = w.store.cronjob(id).metadata.name.clone();
    w.emit(
        ObjectRef::CronJob(&cj_name),
        "SuccessfulDelete",
        &format!("Deleted job {name}"),
    );
}

fn emit(w: &mut World<'_>, id: CronJobId, reason: &str, message: &str) {
    let name = w.store.cronjob(id).metadata.name.clone();
    w.emit(ObjectRef::CronJob(&name), reason, message);
}

fn schedule_state(clock: &crate::time::Clock, cj: &CronJobState) -> ScheduleState {
    ScheduleState {
        creation_timestamp: clock.instant(cj.created),
        last_schedule_time: cj.status.last_schedule_time,
        starting_deadline_seconds: cj.spec.starting_deadline_seconds,
    }
}

/// `syncCronJob` (§5.1–§5.11). Returns the requeue delay (`None`: not requeued) and whether
/// the status changed.
fn sync_cronjob(
    w: &mut World<'_>,
    id: CronJobId,
    jobs: &[OwnedJob],
) -> (Option<SignedDuration>, bool) {
    let now_ms = w.now();
    let now = w.clock.instant(now_ms);
    let mut changed = reconcile_active(w, id, jobs);

    // §5.3: time zone, suspend, parse — in this order.
    let cj = w.store.cronjob(id);
    if let (Some(zone), Some(err)) = (&cj.spec.time_zone, &cj.parsed.time_zone_error) {
        let message = format!("invalid timeZone: {}: {err}", quote(zone));
        emit(w, id, "UnknownTimeZone", &message);
        return (None, changed);
    }
    if cj.suspended() {
        return (None, changed);
    }
    if cj.parsed.tz_in_schedule {
        let message = format!(
            "CRON_TZ or TZ used in schedule {} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details",
            quote(&cj.spec.schedule)
        );
        emit(w, id, "UnsupportedSchedule", &message);
    }
    let cj = w.store.cronjob(id);
    let schedule = match &cj.parsed.schedule {
        Ok(s) => Arc::clone(s),
        Err(err) => {
            let message = format!("unparseable schedule: {} : {err}", quote(&cj.spec.schedule));
            emit(w, id, "UnparseableSchedule", &message);
            return (None, changed);
        }
    };

    // §5.4: the scheduled time to act on.
    if let Some(delay) = nothing_due_yet(w, id, &schedule, now, true) {
        return (Some(delay), changed);
    }
    let state = schedule_state(&w.clock, w.store.cronjob(id));
    if let Some(sds) = state.starting_deadline_seconds {
        note_deadline(w, id, now, sds);
    }
    let picked = match first_time_due(w, id, &schedule, now) {
        Some(due) => Ok(Some(due)),
        None => missed::next_schedule_time(&schedule, &state, now),
    };
    let due = match picked {
        Err(NeverFires) => {
            let message = format!(
                "invalid schedule: {} : {NeverFires}",
                w.store.cronjob(id).spec.schedule
            );
            emit(w, id, "InvalidSchedule", &message);
            return (None, changed);
        }
        Ok(None) => return (Some(requeue_delay(w, id, &schedule, now)), changed),
        Ok(Some(due)) => due,
    };
    let DueTime {
        scheduled,
        too_many_missed,
    } = due;
    if too_many_missed {
        emit(w, id, "TooManyMissedTimes", MSG_TOO_MANY_MISSED);
    }

    // §5.5: too late (unreachable in practice: the deadline already moved `earliest`).
    if let Some(sds) = state.starting_deadline_seconds
        && scheduled
            .checked_add(SignedDuration::from_secs(sds))
            .is_ok_and(|late| late < now)
    {
        let message = format!(
            "Missed scheduled time to start a job: {}",
            scheduled.strftime("%a, %d %b %Y %H:%M:%S %z")
        );
        emit(w, id, "MissSchedule", &message);
        return (Some(requeue_delay(w, id, &schedule, now)), changed);
    }

    // §5.6: already handled.
    let job_name = job_name(w.store.cronjob(id).name(), scheduled);
    let cj = w.store.cronjob(id);
    if cj.status.active.iter().any(|a| a.name == job_name)
        || cj.status.last_schedule_time == Some(scheduled)
    {
        return (Some(requeue_delay(w, id, &schedule, now)), changed);
    }

    // §5.7: concurrency policy.
    match cj.spec.concurrency_policy {
        Some(ConcurrencyPolicy::Forbid) if !cj.status.active.is_empty() => {
            note_blocked(&mut w.store.cronjob_mut(id).stats, scheduled);
            emit(w, id, "JobAlreadyActive", MSG_JOB_ALREADY_ACTIVE);
            return (Some(requeue_delay(w, id, &schedule, now)), changed);
        }
        Some(ConcurrencyPolicy::Replace) => {
            let active: Vec<JobId> = cj.status.active.iter().map(|a| a.id).collect();
            for job in active {
                // Reconciliation dropped every active entry whose Job is gone, so the Get
                // succeeds and `FailedGet` cannot happen here.
                if w.store
                    .jobs
                    .get(job.0)
                    .is_some_and(|j| j.deleted_at.is_none())
                {
                    delete_owned_job(w, id, job);
                    w.store.cronjob_mut(id).stats.counts.replaced += 1;
                    changed = true;
                }
            }
        }
        _ => {}
    }

    // §5.9: create the Job (or adopt ours of the same name).
    match create_job(w, id, scheduled, job_name) {
        Created::Yes | Created::Adopted => {
            changed = true;
            (Some(requeue_delay(w, id, &schedule, now)), changed)
        }
        Created::NotOurs | Created::AlreadyActive => (None, changed),
    }
}

/// §5.1: finished Jobs leave `status.active` (`SawCompletedJob`) and move
/// `lastSuccessfulTime`; unfinished owned Jobs not in it are `UnexpectedJob`; entries whose
/// Job is gone are `MissingJob`. True if the status changed.
fn reconcile_active(w: &mut World<'_>, id: CronJobId, jobs: &[OwnedJob]) -> bool {
    let mut changed = false;
    for j in jobs {
        let cj = w.store.cronjob_mut(id);
        let found = cj.status.is_active(j.uid);
        match j.finished {
            None if !found => {
                let name = w.store.job(j.id).name().to_string();
                let message =
                    format!("Saw a job that the controller did not create or forgot: {name}");
                emit(w, id, "UnexpectedJob", &message);
            }
            None => {}
            Some(finished) => {
                if found {
                    let name = cj
                        .status
                        .active
                        .iter()
                        .find(|a| a.uid == j.uid)
                        .map(|a| a.name.clone())
                        .unwrap_or_default();
                    cj.status.remove_active(j.uid);
                    let condition = match finished {
                        Finished::Complete => "Complete",
                        Finished::Failed => "Failed",
                    };
                    let message = format!("Saw completed job: {name}, condition: {condition}");
                    emit(w, id, "SawCompletedJob", &message);
                    changed = true;
                }
                let cj = w.store.cronjob_mut(id);
                if finished == Finished::Complete {
                    let last = &mut cj.status.last_successful_time;
                    if last.is_none() {
                        *last = j.completion_time;
                        changed = true;
                    }
                    if let (Some(t), Some(l)) = (j.completion_time, *last)
                        && t > l
                    {
                        *last = Some(t);
                        changed = true;
                    }
                }
            }
        }
    }
    let missing: Vec<ActiveJob> = w
        .store
        .cronjob(id)
        .status
        .active
        .iter()
        .filter(|a| !jobs.iter().any(|j| j.uid == a.uid))
        .filter(|a| {
            // The API's answer to Get: background deletion removes the Job at once.
            w.store
                .jobs
                .get(a.id.0)
                .is_none_or(|j| j.deleted_at.is_some())
        })
        .cloned()
        .collect();
    for a in missing {
        emit(
            w,
            id,
            "MissingJob",
            &format!("Active job went missing: {}", a.name),
        );
        w.store.cronjob_mut(id).status.remove_active(a.uid);
        changed = true;
    }
    changed
}

/// The fast answer for the common sync that finds nothing due: when `earliest` is
/// `lastScheduleTime` (or the creation time) — with the deadline included, only if
/// `now − startingDeadlineSeconds` does not move it — and `now` is before the first
/// activation after it, upstream's `mostRecentScheduleTime` returns "no unmet time" and
/// `nextScheduleTimeDuration` that activation + 100 ms − now. Same result, one remembered
/// `Next` instead of five.
fn nothing_due_yet(
    w: &mut World<'_>,
    id: CronJobId,
    schedule: &Schedule,
    now: Timestamp,
    include_deadline: bool,
) -> Option<SignedDuration> {
    let created = w.clock.instant(w.store.cronjob(id).created);
    let cj = w.store.cronjob_mut(id);
    let earliest = cj.status.last_schedule_time.unwrap_or(created);
    if include_deadline && let Some(sds) = cj.spec.starting_deadline_seconds {
        let deadline = now.checked_sub(SignedDuration::from_secs(sds)).ok()?;
        if deadline > earliest {
            return None;
        }
    }
    let t1 = next_after(&mut cj.parsed, schedule, earliest)?;
    if now >= t1 {
        return None;
    }
    let delay = t1.duration_since(now) + NEXT_SCHEDULE_DELTA;
    Some(delay)
}

/// `Next(from)`, remembered for the last two `from` asked (a sync between two runs asks
/// for the next time after the last run and the one after that).
fn next_after(
    parsed: &mut ParsedSchedule,
    schedule: &Schedule,
    from: Timestamp,
) -> Option<Timestamp> {
    if let Some((_, next)) = parsed.next_after.iter().flatten().find(|(f, _)| *f == from) {
        return *next;
    }
    let next = schedule.next(from);
    parsed.next_after.rotate_left(1);
    parsed.next_after[1] = Some((from, next));
    next
}

/// The fast answer for the common sync at a run's time: `earliest` as in
/// [`nothing_due_yet`], and `t1 ≤ now < t2` for the first two activations after it, which is
/// upstream's "the first unmet time, nothing missed" (§5.4 step 5).
fn first_time_due(
    w: &mut World<'_>,
    id: CronJobId,
    schedule: &Schedule,
    now: Timestamp,
) -> Option<DueTime> {
    let created = w.clock.instant(w.store.cronjob(id).created);
    let cj = w.store.cronjob_mut(id);
    let earliest = cj.status.last_schedule_time.unwrap_or(created);
    if let Some(sds) = cj.spec.starting_deadline_seconds {
        let deadline = now.checked_sub(SignedDuration::from_secs(sds)).ok()?;
        if deadline > earliest {
            return None;
        }
    }
    let t1 = next_after(&mut cj.parsed, schedule, earliest)?;
    let t2 = next_after(&mut cj.parsed, schedule, t1)?;
    (t1 <= now && now < t2).then_some(DueTime {
        scheduled: t1,
        too_many_missed: false,
    })
}

/// §5.11: `nextScheduleTimeDuration` with the current status.
fn requeue_delay(
    w: &mut World<'_>,
    id: CronJobId,
    schedule: &Schedule,
    now: Timestamp,
) -> SignedDuration {
    if let Some(delay) = nothing_due_yet(w, id, schedule, now, false) {
        return delay;
    }
    let state = schedule_state(&w.clock, w.store.cronjob(id));
    missed::next_schedule_time_duration(schedule, &state, now)
}

/// The outcome of `CreateJob`.
enum Created {
    Yes,
    /// AlreadyExists, controlled by this CronJob and not in `status.active`: adopted.
    Adopted,
    /// AlreadyExists and controlled by someone else: nothing, no requeue.
    NotOurs,
    /// AlreadyExists and already active: nothing, no requeue.
    AlreadyActive,
}

/// `<cronjob name>-<scheduled Unix time in minutes>` (`getJobName`).
pub fn job_name(cronjob: &str, scheduled: Timestamp) -> String {
    format!("{cronjob}-{}", scheduled.as_second() / 60)
}

/// The annotation value: RFC 3339 with second precision in the CronJob's `timeZone`, UTC
/// (with `Z`) when it has none — Go prints a zero offset as `Z` whatever the zone.
pub fn scheduled_timestamp(scheduled: Timestamp, time_zone: Option<&str>) -> String {
    let zoned = time_zone
        .and_then(|z| jiff::tz::TimeZone::get(z).ok())
        .map(|tz| scheduled.to_zoned_datetime(tz))
        .unwrap_or_else(|| scheduled.to_zoned_datetime(jiff::tz::TimeZone::UTC));
    if zoned.offset().seconds() == 0 {
        zoned.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        zoned.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// §5.9: `getJobFromTemplate2` and `CreateJob`, with the AlreadyExists paths.
fn create_job(w: &mut World<'_>, id: CronJobId, scheduled: Timestamp, name: String) -> Created {
    let now = w.now();
    let cj = w.store.cronjob(id);
    let key = format!("{}/{}", cj.metadata.namespace(), name);
    if let Some(&existing) = w.store.job_names.get(&key)
        && let Some(job) = w.store.jobs.get(existing.0)
        && job.deleted_at.is_none()
    {
        if job.owner.as_ref().map(|o| o.cronjob) != Some(id) {
            return Created::NotOurs;
        }
        let uid = job.uid;
        let cj = w.store.cronjob_mut(id);
        if cj.status.is_active(uid) {
            return Created::AlreadyActive;
        }
        cj.status.active.push(ActiveJob {
            id: existing,
            uid,
            name,
        });
        cj.status.last_schedule_time = Some(scheduled);
        return Created::Adopted;
    }

    let cj = w.store.cronjob_mut(id);
    let annotation = scheduled_timestamp(scheduled, cj.spec.time_zone.as_deref());
    let owner = OwnerRef {
        cronjob: id,
        reference: format!("cronjob/{}", cj.metadata.name),
    };
    let mut request = cj.job_request.take().expect("job request is put back");
    request.job.metadata.name.clone_from(&name);
    request
        .job
        .metadata
        .annotations
        .insert(SCHEDULED_TIMESTAMP_ANNOTATION.to_string(), annotation);
    let job_id = w.create_job(&request.job, &request.behavior, Some(owner));
    let uid = w.store.job(job_id).uid;
    let clock = w.clock;
    let cj = w.store.cronjob_mut(id);
    cj.job_request = Some(request);
    cj.owned.push(job_id);
    cj.unstarted.push((job_id, scheduled));
    cj.status.active.push(ActiveJob {
        id: job_id,
        uid,
        name: name.clone(),
    });
    cj.status.last_schedule_time = Some(scheduled);
    let stats = &mut cj.stats;
    stats.counts.jobs_created += 1;
    stats.create_lag_ms.push(lag_ms(&clock, now, scheduled));
    if let Ok(schedule) = &cj.parsed.schedule {
        let schedule = Arc::clone(schedule);
        // Usually nothing was lost: the first time after the previous run is this one.
        let previous = cj.stats.accounted_until;
        let first = previous.and_then(|p| next_after(&mut cj.parsed, &schedule, p));
        account_run(&mut cj.stats, &schedule, scheduled, first);
    }
    emit(w, id, "SuccessfulCreate", &format!("Created job {name}"));
    // The Job add event.
    enqueue(w, id);
    Created::Yes
}

// ---- what became of each schedule time (summary accounting) -----------------------------

/// A due time was blocked by Forbid (`JobAlreadyActive`).
fn note_blocked(stats: &mut CronJobStats, scheduled: Timestamp) {
    if let Err(pos) = stats.blocked.binary_search(&scheduled) {
        stats.blocked.insert(pos, scheduled);
    }
}

/// A sync looked with a starting deadline: times up to `now − SDS` can never run.
fn note_deadline(w: &mut World<'_>, id: CronJobId, now: Timestamp, sds: i64) {
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
fn account_run(
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

// ---- tests ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn job_name_uses_unix_minutes_of_the_scheduled_time() {
        // Upstream example: 2016-05-19T10:00:00Z → mycronjob-24394200.
        assert_eq!(
            job_name("mycronjob", ts("2016-05-19T10:00:00Z")),
            "mycronjob-24394200"
        );
        assert_eq!(job_name("c", ts("2025-01-01T00:00:00Z")), "c-28928160");
    }

    #[test]
    fn scheduled_timestamp_is_utc_without_zone_and_local_with_one() {
        let t = ts("2016-05-19T10:00:00Z");
        assert_eq!(scheduled_timestamp(t, None), "2016-05-19T10:00:00Z");
        assert_eq!(scheduled_timestamp(t, Some("UTC")), "2016-05-19T10:00:00Z");
        assert_eq!(
            scheduled_timestamp(t, Some("Europe/Rome")),
            "2016-05-19T12:00:00+02:00"
        );
        // A zone at offset zero prints Z, as Go's RFC3339 does.
        assert_eq!(
            scheduled_timestamp(ts("2026-01-10T09:00:00Z"), Some("Europe/London")),
            "2026-01-10T09:00:00Z"
        );
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
