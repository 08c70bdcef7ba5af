//! Writing the Job's status: the `Suspended` condition (reference job-semantics §10) and
//! the terminal step of the two-phase finish with its events and the TTL clock (§16, §17).

use super::Finish;
use crate::record::Reason;
use crate::time::{SECOND, SimDuration, SimTime};
use crate::world::{Condition, ConditionType};
use crate::world::{Event, JobId, ObjectId, Source, World};

/// The least time between a Job's finish and its TTL deletion: the TTL controller acts on
/// the update event, after the informers of other controllers have received it.
pub const TTL_REACTION: SimDuration = 1;

/// Adds or flips the `Suspended` condition (§10).
pub(super) fn update_suspended_condition(w: &mut World<'_>, id: JobId, ktime: SimTime) {
    let job = w.store.job_mut(id);
    let suspended = job.spec.suspended();
    let existing = job
        .status
        .conditions
        .iter()
        .position(|c| c.kind == ConditionType::Suspended);
    let currently = existing.is_some_and(|i| job.status.conditions[i].status);
    if suspended == currently {
        return;
    }
    let (reason, message, event) = if suspended {
        ("JobSuspended", "Job suspended", Reason::Suspended)
    } else {
        ("JobResumed", "Job resumed", Reason::Resumed)
    };
    let cond = Condition {
        kind: ConditionType::Suspended,
        status: suspended,
        reason,
        message: message.into(),
        time: ktime,
    };
    match existing {
        Some(i) => job.status.conditions[i] = cond,
        None => job.status.conditions.push(cond),
    }
    if suspended {
        // v1.36: suspending a running Job clears startTime (reference, top note).
        job.status.start_time = None;
    } else {
        // Resume resets startTime to now (§10).
        job.status.start_time = Some(ktime);
    }
    w.emit(Source::JobController, ObjectId::Job(id), event, message);
}

/// Writes `Complete`/`Failed` (§16.2) with its event, and starts the TTL clock (§17).
pub(super) fn finish_job(w: &mut World<'_>, id: JobId, f: &Finish, now: SimTime, ktime: SimTime) {
    let job = w.store.job_mut(id);
    let terminal = if f.failed {
        ConditionType::Failed
    } else {
        ConditionType::Complete
    };
    job.status.conditions.push(Condition {
        kind: terminal,
        status: true,
        reason: f.reason,
        message: f.message.clone(),
        time: ktime,
    });
    if !f.failed {
        job.status.completion_time = Some(ktime);
    }
    job.finished_at = Some(now);
    job.backoff = Default::default();
    job.timers.clear();
    let too_many = !f.failed
        && job
            .spec
            .completions
            .is_some_and(|c| job.status.succeeded > c);
    let ttl = job.spec.ttl_seconds_after_finished;
    if f.failed {
        let reason =
            Reason::from_name(f.reason).expect("a Job's failure reason is an event reason");
        w.emit(Source::JobController, ObjectId::Job(id), reason, &f.message);
    } else {
        // Upstream records the warning first, then `Completed`.
        if too_many {
            w.emit(
                Source::JobController,
                ObjectId::Job(id),
                Reason::TooManySucceededPods,
                "Too many succeeded pods running after completion count reached",
            );
        }
        w.emit(
            Source::JobController,
            ObjectId::Job(id),
            Reason::Completed,
            "Job completed",
        );
    }
    if let Some(ttl) = ttl {
        // The TTL clock starts at the condition's lastTransitionTime. The TTL controller
        // learns of the finish from the same update event as every other watcher, so it
        // never deletes within the instant of the status write: with ttl 0 the CronJob
        // controller still sees the Job completed before it goes.
        let due = (ktime + (ttl.max(0) as u64) * SECOND).max(now + TTL_REACTION);
        w.schedule(due, Event::TtlExpire(id));
    }
}
