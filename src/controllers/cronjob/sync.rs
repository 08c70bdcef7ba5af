//! One sync of the CronJob controller (v2, reference cronjob-semantics §4–§10).
//!
//! [`sync`] follows upstream `sync` step by step: list the owned Jobs, clean up finished
//! Jobs over the history limits (§6), then `syncCronJob` (§5): reconcile `status.active`,
//! stop if suspended, pick the scheduled time with the missed-time estimate of
//! [`super::missed`], apply `startingDeadlineSeconds` and the concurrency policy, create at
//! most one Job, and requeue at the next schedule time + 100 ms. The workqueue
//! ([`super::workqueue`]) hands it the key; jobsim's own statistics of what became of each
//! schedule time are kept by [`super::accounting`].
//!
//! It acts on the store and the event queue only. It must not compute schedule times itself
//! (that is [`crate::cron::schedule`] and [`super::missed`]), and it never calls the Job
//! controller: it creates Jobs through the API server (`World::create_job`).

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use super::accounting::{account_run, lag_ms, note_blocked, note_deadline};
use super::history::{self, Finished, HistoryEntry};
use super::informer::finished_as;
use super::missed::{self, DueTime, NeverFires, ScheduleState};
use super::workqueue::{enqueue, enqueue_after};
use crate::api::ConcurrencyPolicy;
use crate::cron::schedule::{Schedule, quote};
use crate::record::Reason;
use crate::world::store::cronjob::{ActiveJob, CronJobState, OwnedJob};
use crate::world::store::why::EndedBy;
use crate::world::{CronJobId, JobId, JobState, ObjectId, OwnerRef, Source, World};

/// The message of `JobAlreadyActive` (Normal).
pub const MSG_JOB_ALREADY_ACTIVE: &str =
    "Not starting job because prior execution is running and concurrency policy is Forbid";
/// The message of `TooManyMissedTimes` (Warning).
pub const MSG_TOO_MANY_MISSED: &str = "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew";

thread_local! {
    /// The list [`sync`] fills with the owned Jobs, kept between syncs.
    static OWNED: Cell<Vec<OwnedJob>> = const { Cell::new(Vec::new()) };
    /// The list of Jobs the history limits delete, kept between syncs.
    static TO_DELETE: Cell<Vec<JobId>> = const { Cell::new(Vec::new()) };
    /// A name copied out of the store for a message written after the object goes.
    static NAME: Cell<String> = const { Cell::new(String::new()) };
    /// The key a created Job's name is looked up by.
    static KEY: RefCell<String> = const { RefCell::new(String::new()) };
}

fn history_entry(j: &OwnedJob) -> HistoryEntry {
    HistoryEntry {
        id: j.id,
        finished: j.finished,
        start_time: j.start_time,
    }
}

/// One `sync(key)` (§5): cleanup, then `syncCronJob`, then one status write (whose update
/// event enqueues the key again, normally a no-op sync) and the requeue.
pub fn sync(w: &mut World<'_>, id: CronJobId) {
    if !w.store.cronjobs.contains(id.0) {
        return;
    }
    // The lister's answer, in a list reused from sync to sync (a sync never runs another).
    let mut jobs = OWNED.take();
    jobs.clear();
    let owned = &w.store.cronjob(id).owned;
    jobs.reserve(owned.len());
    for j in owned {
        if w.store.jobs.contains(j.id.0) {
            jobs.push(*j);
        }
    }
    let mut status_changed = cleanup_finished_jobs(w, id, &jobs);
    let (requeue, changed) = sync_cronjob(w, id, &jobs);
    OWNED.set(jobs);
    status_changed |= changed;
    if status_changed {
        enqueue(w, id);
    }
    if let Some(delay) = requeue {
        enqueue_after(w, id, delay);
    }
}

/// The lister's entry of an owned Job, read from the Job.
pub(crate) fn owned_view(id: JobId, job: &JobState) -> OwnedJob {
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
    let mut to_delete = TO_DELETE.take();
    to_delete.clear();
    let store = &w.store;
    history::jobs_to_delete(
        jobs,
        history_entry,
        |j| store.job(j).name(),
        limits.0,
        limits.1,
        &mut to_delete,
    );
    for &job in &to_delete {
        delete_owned_job(w, id, job, EndedBy::Deleted);
    }
    let deleted = !to_delete.is_empty();
    TO_DELETE.set(to_delete);
    deleted
}

/// `deleteJob`: background deletion, the reference leaves `status.active`, then
/// `SuccessfulDelete`.
fn delete_owned_job(w: &mut World<'_>, id: CronJobId, job: JobId, cause: EndedBy) {
    // The Job may leave the store with its deletion: its name is copied first.
    let mut name = NAME.take();
    name.clear();
    let j = w.store.job(job);
    name.push_str(j.name());
    let uid = j.uid;
    w.store.cronjob_mut(id).status.remove_active(uid);
    w.delete_job_for(job, cause);
    w.emit_about(
        Source::CronJobController,
        ObjectId::CronJob(id),
        Reason::SuccessfulDelete,
        |_, m| {
            m.push_str("Deleted job ");
            m.push_str(&name);
        },
    );
    NAME.set(name);
}

fn emit(w: &mut World<'_>, id: CronJobId, reason: Reason, message: &str) {
    w.emit(
        Source::CronJobController,
        ObjectId::CronJob(id),
        reason,
        message,
    );
}

pub(super) fn schedule_state(cj: &CronJobState) -> ScheduleState {
    ScheduleState {
        creation_timestamp: cj.created_at,
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
        emit(w, id, Reason::UnknownTimeZone, &message);
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
        emit(w, id, Reason::UnsupportedSchedule, &message);
    }
    let cj = w.store.cronjob(id);
    if let Err(err) = &cj.parsed.schedule {
        let message = format!("unparseable schedule: {} : {err}", quote(&cj.spec.schedule));
        emit(w, id, Reason::UnparseableSchedule, &message);
        return (None, changed);
    }

    // §5.4: the scheduled time to act on.
    if let Some(delay) = nothing_due_yet(w, id, now, true) {
        return (Some(delay), changed);
    }
    let state = schedule_state(w.store.cronjob(id));
    if let Some(sds) = state.starting_deadline_seconds {
        note_deadline(w, id, now, sds);
    }
    let due = match pick_due_time(w, id, now) {
        Err(NeverFires) => {
            let message = format!(
                "invalid schedule: {} : {NeverFires}",
                w.store.cronjob(id).spec.schedule
            );
            emit(w, id, Reason::InvalidSchedule, &message);
            return (None, changed);
        }
        Ok(None) => return (Some(requeue_delay(w, id, now)), changed),
        Ok(Some(due)) => due,
    };
    let DueTime {
        scheduled,
        too_many_missed,
    } = due;
    if too_many_missed {
        emit(w, id, Reason::TooManyMissedTimes, MSG_TOO_MANY_MISSED);
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
        emit(w, id, Reason::MissSchedule, &message);
        return (Some(requeue_delay(w, id, now)), changed);
    }

    // §5.6: already handled.
    let job_name = job_name(w.store.cronjob(id).name(), scheduled);
    let cj = w.store.cronjob(id);
    if cj.status.active.iter().any(|a| a.name == job_name)
        || cj.status.last_schedule_time == Some(scheduled)
    {
        return (Some(requeue_delay(w, id, now)), changed);
    }

    // §5.7: concurrency policy.
    match cj.spec.concurrency_policy {
        Some(ConcurrencyPolicy::Forbid) if !cj.status.active.is_empty() => {
            note_blocked(&mut w.store.cronjob_mut(id).stats, scheduled);
            emit(w, id, Reason::JobAlreadyActive, MSG_JOB_ALREADY_ACTIVE);
            return (Some(requeue_delay(w, id, now)), changed);
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
                    delete_owned_job(w, id, job, EndedBy::DeletedCronJobReplace);
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
            (Some(requeue_delay(w, id, now)), changed)
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
                let job = j.id;
                w.emit_about(
                    Source::CronJobController,
                    ObjectId::CronJob(id),
                    Reason::UnexpectedJob,
                    |store, m| {
                        m.push_str("Saw a job that the controller did not create or forgot: ");
                        m.push_str(store.job(job).name());
                    },
                );
            }
            None => {}
            Some(finished) => {
                if found {
                    let entry = cj.status.take_active(j.uid);
                    let condition = match finished {
                        Finished::Complete => "Complete",
                        Finished::Failed => "Failed",
                    };
                    w.emit_about(
                        Source::CronJobController,
                        ObjectId::CronJob(id),
                        Reason::SawCompletedJob,
                        |_, m| {
                            m.push_str("Saw completed job: ");
                            m.push_str(entry.as_ref().map_or("", |a| &a.name));
                            m.push_str(", condition: ");
                            m.push_str(condition);
                        },
                    );
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
        w.emit_about(
            Source::CronJobController,
            ObjectId::CronJob(id),
            Reason::MissingJob,
            |_, m| {
                m.push_str("Active job went missing: ");
                m.push_str(&a.name);
            },
        );
        w.store.cronjob_mut(id).status.remove_active(a.uid);
        changed = true;
    }
    changed
}

/// Runs `f` over the CronJob's parsed schedule, the fields the estimate reads and the
/// `Next` memo, borrowed from the store (no reference count is touched: syncs are hot).
/// `None` when the schedule does not parse (a sync stops before asking, §5.3).
fn with_schedule<R>(
    w: &mut World<'_>,
    id: CronJobId,
    f: impl FnOnce(&Schedule, &ScheduleState, &mut NextMemo) -> R,
) -> Option<R> {
    let cj = w.store.cronjob_mut(id);
    let state = schedule_state(cj);
    let parsed = &mut cj.parsed;
    let Ok(schedule) = &parsed.schedule else {
        return None;
    };
    Some(f(schedule, &state, &mut parsed.next_after))
}

/// The memo of [`next_after`].
type NextMemo = [Option<(Timestamp, Option<Timestamp>)>; 2];

/// [`missed::nothing_due_yet`] over the CronJob's status, with `Next` remembered.
fn nothing_due_yet(
    w: &mut World<'_>,
    id: CronJobId,
    now: Timestamp,
    include_deadline: bool,
) -> Option<SignedDuration> {
    with_schedule(w, id, |schedule, state, memo| {
        missed::nothing_due_yet(state, now, include_deadline, |t| {
            next_after(memo, schedule, t)
        })
    })
    .flatten()
}

/// `Next(from)`, remembered for the last two `from` asked (a sync between two runs asks
/// for the next time after the last run and the one after that).
fn next_after(memo: &mut NextMemo, schedule: &Schedule, from: Timestamp) -> Option<Timestamp> {
    if let Some((_, next)) = memo.iter().flatten().find(|(f, _)| *f == from) {
        return *next;
    }
    let next = schedule.next(from);
    memo.rotate_left(1);
    memo[1] = Some((from, next));
    next
}

/// §5.4: the fast answer of [`missed::first_time_due`], else `nextScheduleTime`.
fn pick_due_time(
    w: &mut World<'_>,
    id: CronJobId,
    now: Timestamp,
) -> Result<Option<DueTime>, NeverFires> {
    with_schedule(
        w,
        id,
        |schedule, state, memo| match missed::first_time_due(state, now, |t| {
            next_after(memo, schedule, t)
        }) {
            Some(due) => Ok(Some(due)),
            None => missed::next_schedule_time(schedule, state, now),
        },
    )
    .unwrap_or(Ok(None))
}

/// §5.11: `nextScheduleTimeDuration` with the current status.
fn requeue_delay(w: &mut World<'_>, id: CronJobId, now: Timestamp) -> SignedDuration {
    with_schedule(w, id, |schedule, state, memo| {
        missed::nothing_due_yet(state, now, false, |t| next_after(memo, schedule, t))
            .unwrap_or_else(|| missed::next_schedule_time_duration(schedule, state, now))
    })
    .unwrap_or(SignedDuration::ZERO)
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
    let minutes = scheduled.as_second() / 60;
    let Ok(minutes) = u64::try_from(minutes) else {
        return format!("{cronjob}-{minutes}");
    };
    let mut name = String::with_capacity(cronjob.len() + 1 + 20);
    name.push_str(cronjob);
    name.push('-');
    push_decimal(&mut name, minutes);
    name
}

/// Appends `namespace/name`, the key of the store's name index.
fn push_name_key(key: &mut String, namespace: &str, name: &str) {
    key.push_str(namespace);
    key.push('/');
    key.push_str(name);
}

/// Appends `value` in decimal.
fn push_decimal(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// Appends `value` (0..=99) as two digits.
fn push_two(out: &mut String, value: i64) {
    out.push(char::from(b'0' + (value / 10) as u8));
    out.push(char::from(b'0' + (value % 10) as u8));
}

/// The value of the scheduled-timestamp annotation
/// ([`SCHEDULED_TIMESTAMP_ANNOTATION`](crate::world::store::job::SCHEDULED_TIMESTAMP_ANNOTATION)):
/// RFC 3339 with second precision in the CronJob's `timeZone`, UTC (with `Z`) when it has
/// none — Go prints a zero offset as `Z` whatever the zone.
pub fn scheduled_timestamp(scheduled: Timestamp, time_zone: Option<&str>) -> String {
    if time_zone.is_none()
        && let Some(text) = utc_seconds_rfc3339(scheduled)
    {
        return text;
    }
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

/// `YYYY-MM-DDTHH:MM:SSZ` of a UTC instant in the years 1000–9999, written by hand (what
/// `strftime("%Y-%m-%dT%H:%M:%SZ")` writes, without its parsing of the format each time).
fn utc_seconds_rfc3339(t: Timestamp) -> Option<String> {
    let unix = t.as_second();
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (year, month, day) = crate::cron::gotime::civil_from_days(days);
    if !(1000..=9999).contains(&year) {
        return None;
    }
    let mut out = String::with_capacity(20);
    push_two(&mut out, year / 100);
    push_two(&mut out, year % 100);
    out.push('-');
    push_two(&mut out, month);
    out.push('-');
    push_two(&mut out, day);
    out.push('T');
    push_two(&mut out, secs / 3600);
    out.push(':');
    push_two(&mut out, secs % 3600 / 60);
    out.push(':');
    push_two(&mut out, secs % 60);
    out.push('Z');
    Some(out)
}

/// §5.9: `getJobFromTemplate2` and `CreateJob`, with the AlreadyExists paths.
fn create_job(w: &mut World<'_>, id: CronJobId, scheduled: Timestamp, name: String) -> Created {
    let now = w.now();
    let cj = w.store.cronjob(id);
    let existing = KEY.with_borrow_mut(|key| {
        key.clear();
        push_name_key(key, cj.metadata.namespace(), &name);
        w.store.job_names.get(key.as_str()).copied()
    });
    if let Some(existing) = existing
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

    let cj = w.store.cronjob(id);
    let annotation = scheduled_timestamp(scheduled, cj.spec.time_zone.as_deref());
    let request = cj
        .job_request
        .as_ref()
        .expect("a CronJob has its job request");
    let owner = OwnerRef {
        cronjob: id,
        reference: Arc::clone(&request.owner_reference),
        // The Job's scheduled-timestamp annotation (its object adds it to the template's).
        scheduled: annotation,
    };
    let mut metadata = request.job.metadata.clone();
    metadata.name = name.clone();
    let (spec, template) = (Arc::clone(&request.spec), Arc::clone(&request.template));
    let job_id = w.create_job_shared(metadata, spec, template, Some(owner));
    let job = w.store.job(job_id);
    let uid = job.uid;
    let view = owned_view(job_id, job);
    let clock = w.clock;
    let cj = w.store.cronjob_mut(id);
    cj.owned.push(view);
    cj.unstarted.push((job_id, scheduled));
    cj.status.active.push(ActiveJob {
        id: job_id,
        uid,
        name,
    });
    cj.status.last_schedule_time = Some(scheduled);
    let stats = &mut cj.stats;
    stats.counts.jobs_created += 1;
    stats.create_lag_ms.push(lag_ms(&clock, now, scheduled));
    let parsed = &mut cj.parsed;
    if let Ok(schedule) = &parsed.schedule {
        // Usually nothing was lost: the first time after the previous run is this one.
        let previous = cj.stats.accounted_until;
        let first = previous.and_then(|p| next_after(&mut parsed.next_after, schedule, p));
        account_run(&mut cj.stats, schedule, scheduled, first);
    }
    w.emit_about(
        Source::CronJobController,
        ObjectId::CronJob(id),
        Reason::SuccessfulCreate,
        |store, m| {
            m.push_str("Created job ");
            m.push_str(store.job(job_id).name());
        },
    );
    // The Job add event.
    enqueue(w, id);
    Created::Yes
}

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
    fn utc_annotation_and_job_name_written_by_hand_match_the_formatters() {
        let mut t = ts("1000-01-01T00:00:00Z");
        let step = SignedDuration::from_secs(86_400 * 97 + 3_600 * 5 + 60 * 7 + 13);
        while t < ts("9990-01-01T00:00:00Z") {
            let zoned = t.to_zoned_datetime(jiff::tz::TimeZone::UTC);
            let expected = zoned.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
            assert_eq!(scheduled_timestamp(t, None), expected);
            assert_eq!(
                job_name("cj", t),
                format!("cj-{}", t.as_second() / 60),
                "{t}"
            );
            t = t.checked_add(step).unwrap();
        }
        assert_eq!(job_name("cj", ts("1969-12-31T23:00:00Z")), "cj--60");
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
}
