//! The CronJob controller's Job informer: what it compares to see that an owned Job was
//! updated, and its handlers for an owned Job's update and deletion (each enqueues the
//! CronJob; the update also notes the run's start lag and finishes for the statistics).

use super::accounting::lag_ms;
use super::history::Finished;
use super::workqueue::enqueue;
use crate::time::SimTime;
use crate::world::{ConditionType, CronJobId, JobId, JobState, World};

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
pub(super) fn finished_as(job: &JobState) -> Option<Finished> {
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
    // The lister's cache takes the Job as the sync left it.
    if let Some(o) = cj.owned.iter_mut().find(|o| o.id == job_id) {
        o.finished = after.finished;
        o.start_time = after.start_time;
        o.completion_time = after.completion_time;
    }
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
    cj.owned.retain(|o| o.id != job_id);
    cj.unstarted.retain(|(j, _)| *j != job_id);
    enqueue(w, id);
}
