//! The Job controller (reference job-semantics §3–§10, §15–§17).
//!
//! [`sync`] follows `syncJob` step by step (§4.3): set `startTime`, count newly finished
//! pods and update the backoff record, decide the finished condition (failure beats
//! success), delete or create pods (`manageJob`, §5), then write the status with the
//! two-phase finish (§16.2). Pod changes reach the controller through [`pod_updated`],
//! which batches a sync 1 s later, as the informer's event handlers do (§4.1).

pub mod backoff;
pub mod indexes;
pub mod naming;
pub mod state;

use std::collections::BTreeSet;

use crate::api::{Job, JobSpec, PodReplacementPolicy, RestartPolicy};
use crate::record::ObjectRef;
use crate::scenario::Behavior;
use crate::time::{SECOND, SimDuration, SimTime};
use crate::world::{Event, JobId, Pod, PodId, PodPhase, World, template_info};
use backoff::FinishedPod;
pub use state::{Condition, ConditionType, JobState, Status};

/// `syncJobBatchPeriod`: pod events are collapsed into one sync this long after the first.
pub const SYNC_BATCH_PERIOD: SimDuration = SECOND;
/// `MaxPodCreateDeletePerSync`.
pub const MAX_POD_CREATE_DELETE_PER_SYNC: usize = 500;
/// Backoff-delayed creations re-enqueue no sooner than this.
pub const MIN_REQUEUE: SimDuration = SECOND;

pub const MSG_BACKOFF_LIMIT: &str = "Job has reached the specified backoff limit";
pub const MSG_DEADLINE: &str = "Job was active longer than specified deadline";
pub const MSG_COMPLETIONS_REACHED: &str = "Reached expected number of succeeded pods";

/// Submits a Job to the store and syncs it at once (a Job add enqueues immediately).
pub fn create(w: &mut World<'_>, job: &Job, behavior: &Behavior, owner: Option<String>) -> JobId {
    let id = JobId(w.store.jobs.next_id());
    let uid = w.next_uid();
    let spec = job.spec.clone();
    let indexes = spec
        .is_indexed()
        .then(|| indexes::IndexState::new(spec.completions.unwrap_or(0).max(0) as u32));
    let mut metadata = job.metadata.clone();
    if metadata.labels.is_empty() {
        metadata.labels = spec.template.metadata.labels.clone();
    }
    let now = w.now();
    w.store
        .job_names
        .insert(format!("{}/{}", metadata.namespace(), metadata.name), id);
    w.store.jobs.push(JobState {
        metadata,
        uid,
        template: template_info(&spec.template.spec, behavior),
        spec,
        owner,
        created: now,
        first_started: None,
        status: Status::default(),
        finished_at: None,
        deleted_at: None,
        pods: Vec::new(),
        active: BTreeSet::new(),
        uncounted: Vec::new(),
        terminating: 0,
        ready: 0,
        restart_sum: 0,
        backoff: Default::default(),
        indexes,
        created_pods: 0,
        batch_sync_queued: false,
        timers: BTreeSet::new(),
        name_rng: w.rng.stream("pod-names", uid),
    });
    w.schedule(now, Event::JobSync(id));
    id
}

/// A scenario action flips `spec.suspend`; a spec change syncs at once (§4.1).
pub fn set_suspend(w: &mut World<'_>, name: &str, suspend: bool) {
    let Some(&id) = w
        .store
        .job_names
        .iter()
        .find(|(k, _)| k.rsplit('/').next() == Some(name))
        .map(|(_, v)| v)
    else {
        return;
    };
    let job = w.store.job_mut(id);
    if job.deleted_at.is_some() || job.spec.suspend == Some(suspend) {
        return;
    }
    job.spec.suspend = Some(suspend);
    let now = w.now();
    w.schedule(now, Event::JobSync(id));
}

/// Queues a sync `delay` from now unless one is already queued for that time.
fn requeue_after(w: &mut World<'_>, id: JobId, delay: SimDuration) {
    let at = w.now() + delay;
    if w.store.job_mut(id).timers.insert(at) {
        w.schedule(at, Event::JobSync(id));
    }
}

/// The informer's view of a pod changed: update the Job's bookkeeping and batch a sync.
pub fn pod_updated(w: &mut World<'_>, pod_id: PodId) {
    let pod = w.store.pod(pod_id);
    let job_id = pod.job;
    let active = pod.is_active();
    let terminal = pod.phase.is_terminal();
    let index = pod.index;
    let Some(job) = w.store.jobs.get_mut(job_id.0) else {
        return;
    };
    if job.deleted_at.is_some() {
        return;
    }
    if !active
        && job.active.remove(&pod_id)
        && let (Some(ix), Some(i)) = (job.indexes.as_mut(), index)
    {
        ix.pod_inactive(i);
    }
    let Some(pod) = w.store.pods.get_mut(pod_id.0) else {
        return;
    };
    // Ready, terminating and restart counts, kept as deltas against what the Job saw.
    let ready_now = active && pod.ready;
    if ready_now != pod.seen.ready {
        job.ready += if ready_now { 1 } else { -1 };
        pod.seen.ready = ready_now;
    }
    let terminating_now = pod.is_terminating();
    if terminating_now != pod.seen.terminating {
        job.terminating += if terminating_now { 1 } else { -1 };
        pod.seen.terminating = terminating_now;
    }
    let restarts_now = if terminal { 0 } else { pod.restarts() };
    if restarts_now != pod.seen.restarts {
        job.restart_sum = job.restart_sum + u64::from(restarts_now) - u64::from(pod.seen.restarts);
        pod.seen.restarts = restarts_now;
    }
    let countable = terminal
        || (pod.deletion_requested.is_some()
            && job.spec.replacement_policy() == PodReplacementPolicy::TerminatingOrFailed);
    if pod.tracked && countable && !pod.queued_for_count {
        pod.queued_for_count = true;
        job.uncounted.push(pod_id);
    }
    enqueue_batched(w, job_id);
}

fn enqueue_batched(w: &mut World<'_>, id: JobId) {
    let job = w.store.job_mut(id);
    if job.batch_sync_queued || job.status.is_finished() {
        return;
    }
    job.batch_sync_queued = true;
    let at = w.now() + SYNC_BATCH_PERIOD;
    w.schedule(at, Event::JobSync(id));
}

/// The finished condition decided in a sync, before it is written.
#[derive(Debug, Clone)]
struct Finish {
    failed: bool,
    reason: &'static str,
    message: String,
}

/// One `syncJob` (§4.3).
pub fn sync(w: &mut World<'_>, id: JobId) {
    let now = w.now();
    let ktime = w.clock.truncate(now);
    {
        let job = w.store.job_mut(id);
        job.timers.remove(&now);
        // A batched sync that is due now is this one.
        job.batch_sync_queued = false;
        if job.status.is_finished() || job.deleted_at.is_some() {
            return;
        }
        if job
            .spec
            .managed_by
            .as_deref()
            .is_some_and(|m| m != "kubernetes.io/job-controller")
        {
            return;
        }
    }
    let suspended = w.store.job(id).spec.suspended();
    // 4. startTime is set by the first unsuspended sync.
    if w.store.job(id).status.start_time.is_none() && !suspended {
        let job = w.store.job_mut(id);
        job.status.start_time = Some(ktime);
        job.first_started.get_or_insert(now);
    }

    // 5. Pods finished since the last count, and the backoff record.
    let newly = classify_uncounted(w, id);
    let finished_for_backoff: Vec<FinishedPod> = newly
        .iter()
        .map(|&(pod, succeeded)| FinishedPod {
            succeeded,
            finish_time: finish_time(w, pod),
        })
        .collect();
    w.store.job_mut(id).backoff.update(&finished_for_backoff);
    let new_succeeded: Vec<PodId> = newly.iter().filter(|p| p.1).map(|p| p.0).collect();
    let new_failed: Vec<PodId> = newly.iter().filter(|p| !p.1).map(|p| p.0).collect();
    let succeeded_gain = count_successes(w, id, &new_succeeded);
    let failed_total;
    let succeeded_total;
    {
        let job = w.store.job(id);
        failed_total = job.status.failed + new_failed.len() as i32;
        succeeded_total = job.status.succeeded + succeeded_gain;
    }

    // 6. The finished condition, failure first.
    let mut finish = existing_finish(&w.store.job(id).status);
    if finish.is_none() {
        finish = failure_condition(w, id, now, failed_total, suspended);
    }
    if !suspended {
        schedule_deadline(w, id, now);
    }

    let mut deleted_now: Vec<PodId> = Vec::new();
    let mut manage_ran = false;
    let mut complete = false;
    if let Some(f) = &finish {
        // 7. Delete every active pod, keeping finalizers.
        let active: Vec<PodId> = w.store.job(id).active.iter().copied().collect();
        for pod in active {
            delete_pod(w, id, pod, false);
            deleted_now.push(pod);
        }
        let _ = f;
    } else {
        // 8. manageJob, then the completion test.
        manage_job(w, id, now, succeeded_total, &mut deleted_now);
        manage_ran = true;
        let job = w.store.job(id);
        let active = job.active.len();
        complete = match job.spec.completions {
            None => succeeded_total > 0 && active == 0,
            Some(c) => succeeded_total >= c && active == 0,
        };
        if complete {
            finish = Some(Finish {
                failed: false,
                reason: "CompletionsReached",
                message: MSG_COMPLETIONS_REACHED.to_string(),
            });
        }
    }
    if manage_ran && !complete {
        update_suspended_condition(w, id, ktime);
    }

    // 9. Count, write the interim condition, then the terminal one once nothing is
    //    terminating (§6.3, §16.2).
    let failing = finish.as_ref().is_some_and(|f| f.failed);
    let mut failed_gain = new_failed.len() as i32;
    if failing {
        for &pod in &deleted_now {
            if w.store.pod(pod).tracked && w.store.pod(pod).phase != PodPhase::Succeeded {
                failed_gain += 1;
                w.store.pod_mut(pod).tracked = false;
            }
        }
    }
    for &pod in newly.iter().map(|(p, _)| p) {
        w.store.pod_mut(pod).tracked = false;
    }
    let job = w.store.job_mut(id);
    job.status.succeeded += succeeded_gain;
    job.status.failed += failed_gain;
    job.status.active = job.active.len() as i32;
    job.status.ready = job.ready;
    job.status.terminating = job.terminating;
    if let Some(f) = finish {
        let interim = if f.failed {
            ConditionType::FailureTarget
        } else {
            ConditionType::SuccessCriteriaMet
        };
        if !job.status.has(interim) {
            job.status.conditions.push(Condition {
                kind: interim,
                status: true,
                reason: f.reason,
                message: f.message.clone(),
                time: ktime,
            });
        }
        if job.terminating == 0 && job.uncounted.is_empty() {
            finish_job(w, id, &f, now, ktime);
        }
    }
}

/// Drains the pods queued for counting: `(pod, succeeded)` for each pod that can be
/// counted now. Failed means phase Failed, or (only under `TerminatingOrFailed`) marked
/// for deletion before succeeding (§6.1).
fn classify_uncounted(w: &mut World<'_>, id: JobId) -> Vec<(PodId, bool)> {
    let queued = std::mem::take(&mut w.store.job_mut(id).uncounted);
    let policy = w.store.job(id).spec.replacement_policy();
    let mut out = Vec::with_capacity(queued.len());
    for pod_id in queued {
        let pod = w.store.pod_mut(pod_id);
        pod.queued_for_count = false;
        if !pod.tracked {
            continue;
        }
        match pod.phase {
            PodPhase::Succeeded => out.push((pod_id, true)),
            PodPhase::Failed => out.push((pod_id, false)),
            _ if pod.deletion_requested.is_some()
                && policy == PodReplacementPolicy::TerminatingOrFailed =>
            {
                out.push((pod_id, false))
            }
            _ => {}
        }
    }
    out
}

/// How many of the new successes count: every pod for NonIndexed Jobs, each index once
/// (and only indexes below `completions`) for Indexed Jobs.
fn count_successes(w: &mut World<'_>, id: JobId, pods: &[PodId]) -> i32 {
    let indexes: Vec<Option<u32>> = pods.iter().map(|&p| w.store.pod(p).index).collect();
    let job = w.store.job_mut(id);
    match job.indexes.as_mut() {
        None => pods.len() as i32,
        Some(ix) => indexes
            .into_iter()
            .flatten()
            .filter(|&i| ix.mark_succeeded(i))
            .count() as i32,
    }
}

/// `getFinishedTime` (§8.1), truncated to whole seconds as the API stores it.
fn finish_time(w: &World<'_>, pod_id: PodId) -> SimTime {
    let pod = w.store.pod(pod_id);
    let all_terminated = !pod.containers.is_empty()
        && pod.containers.iter().all(|c| {
            c.finished_at.is_some() && c.phase == crate::world::ContainerPhase::Terminated
        });
    let t = if all_terminated {
        pod.containers.iter().filter_map(|c| c.finished_at).max()
    } else {
        None
    }
    .or(pod.unready_at)
    .or(pod.deletion_requested)
    .unwrap_or(pod.created);
    w.clock.truncate(t)
}

fn existing_finish(status: &Status) -> Option<Finish> {
    let to_finish = |c: &Condition, failed| Finish {
        failed,
        reason: c.reason,
        message: c.message.clone(),
    };
    if let Some(c) = status.condition(ConditionType::SuccessCriteriaMet) {
        return Some(to_finish(c, false));
    }
    status
        .condition(ConditionType::FailureTarget)
        .map(|c| to_finish(c, true))
}

/// §4.3 step 6.4–6.5: backoffLimit (pods for Never, restarts for OnFailure), then the
/// deadline. backoffLimit wins when both hold.
fn failure_condition(
    w: &World<'_>,
    id: JobId,
    now: SimTime,
    failed_total: i32,
    suspended: bool,
) -> Option<Finish> {
    let job = w.store.job(id);
    let limit = job.spec.backoff_limit();
    let on_failure = job.template.restart_policy == RestartPolicy::OnFailure;
    let restarts_exceed = on_failure
        && if limit == 0 {
            job.restart_sum > 0
        } else {
            job.restart_sum >= limit as u64
        };
    if failed_total > limit || restarts_exceed {
        return Some(Finish {
            failed: true,
            reason: "BackoffLimitExceeded",
            message: MSG_BACKOFF_LIMIT.to_string(),
        });
    }
    if !suspended && past_deadline(&job.spec, &job.status, now) {
        return Some(Finish {
            failed: true,
            reason: "DeadlineExceeded",
            message: MSG_DEADLINE.to_string(),
        });
    }
    None
}

/// `now − startTime ≥ activeDeadlineSeconds` (§9).
fn past_deadline(spec: &JobSpec, status: &Status, now: SimTime) -> bool {
    match (spec.active_deadline_seconds, status.start_time) {
        (Some(ads), Some(start)) => now.saturating_sub(start) >= (ads.max(0) as u64) * SECOND,
        _ => false,
    }
}

/// Every sync of a running, unsuspended Job with a deadline re-enqueues at the deadline.
fn schedule_deadline(w: &mut World<'_>, id: JobId, now: SimTime) {
    let job = w.store.job(id);
    if let (Some(ads), Some(start)) = (job.spec.active_deadline_seconds, job.status.start_time) {
        let at = start + (ads.max(0) as u64) * SECOND;
        if at > now {
            requeue_after(w, id, at - now);
        }
    }
}

/// `manageJob` (§5): delete surplus pods, or create missing ones unless the backoff runs.
fn manage_job(
    w: &mut World<'_>,
    id: JobId,
    now: SimTime,
    succeeded: i32,
    deleted_now: &mut Vec<PodId>,
) {
    let job = w.store.job(id);
    if job.spec.suspended() {
        let active: Vec<PodId> = job.active.iter().copied().collect();
        for pod in active {
            delete_pod(w, id, pod, true);
            deleted_now.push(pod);
        }
        return;
    }
    let active = job.active.len() as i64;
    let parallelism = i64::from(job.spec.parallelism());
    let want = match job.spec.completions {
        None if succeeded == 0 => parallelism,
        None => active,
        Some(c) => (i64::from(c) - i64::from(succeeded)).clamp(0, parallelism),
    };
    if active > want {
        let n = ((active - want) as usize).min(MAX_POD_CREATE_DELETE_PER_SYNC);
        for pod in pods_to_delete(w, id, n) {
            delete_pod(w, id, pod, true);
            deleted_now.push(pod);
        }
        return;
    }
    let terminating_hold = if job.spec.replacement_policy() == PodReplacementPolicy::Failed {
        i64::from(job.terminating)
    } else {
        0
    };
    let diff = want - active - terminating_hold;
    if diff <= 0 {
        return;
    }
    let remaining = job.backoff.remaining(now);
    if remaining > 0 {
        requeue_after(w, id, remaining.max(MIN_REQUEUE));
        return;
    }
    let diff = (diff as usize).min(MAX_POD_CREATE_DELETE_PER_SYNC);
    match &job.indexes {
        Some(ix) => {
            for index in ix.lowest_free(diff) {
                create_pod(w, id, Some(index));
            }
        }
        None => {
            for _ in 0..diff {
                create_pod(w, id, None);
            }
        }
    }
}

/// Surplus pods, Indexed duplicates and out-of-range indexes first, then "least
/// progressed first" (`controller.ActivePods`, §5).
fn pods_to_delete(w: &World<'_>, id: JobId, n: usize) -> Vec<PodId> {
    let job = w.store.job(id);
    let mut first: Vec<PodId> = Vec::new();
    if let Some(ix) = &job.indexes {
        let mut seen = BTreeSet::new();
        for &p in &job.active {
            match w.store.pod(p).index {
                Some(i) if i < ix.completions() && seen.insert(i) => {}
                _ => first.push(p),
            }
        }
    }
    let mut rest: Vec<PodId> = job
        .active
        .iter()
        .copied()
        .filter(|p| !first.contains(p))
        .collect();
    rest.sort_by_key(|&p| least_progressed_key(w.store.pod(p), p));
    first.into_iter().chain(rest).take(n).collect()
}

fn least_progressed_key(pod: &Pod, id: PodId) -> impl Ord {
    let phase_rank = match pod.phase {
        PodPhase::Pending => 0,
        _ => 2,
    };
    (
        pod.node.is_some(),
        phase_rank,
        pod.ready,
        std::cmp::Reverse(pod.started.unwrap_or(0)),
        std::cmp::Reverse(pod.restarts()),
        std::cmp::Reverse(pod.created),
        std::cmp::Reverse(id),
    )
}

/// Creates one pod and hands it to the scheduler after the scheduling latency.
fn create_pod(w: &mut World<'_>, id: JobId, index: Option<u32>) {
    let now = w.now();
    let pod_id = PodId(w.store.pods.next_id());
    let job = w.store.jobs.get_mut(id.0).expect("job exists");
    let attempt = match (job.indexes.as_mut(), index) {
        (Some(ix), Some(i)) => ix.pod_created(i),
        _ => job.created_pods + 1,
    };
    job.created_pods += 1;
    let prefix = naming::pod_name_prefix(&job.metadata.name, index);
    let name = loop {
        let candidate = format!("{prefix}{}", naming::random_suffix(&mut job.name_rng));
        if w.store.pod_names.insert(candidate.clone()) {
            break candidate;
        }
    };
    let pod = Pod::new(name, id, index, attempt, now, &job.template);
    job.pods.push(pod_id);
    job.active.insert(pod_id);
    w.store.pods.push(pod);
    let job_name = w.store.job(id).metadata.name.clone();
    let message = format!("Created pod: {}", w.store.pod(pod_id).name);
    w.emit(ObjectRef::Job(&job_name), "SuccessfulCreate", &message);
    let mut rng = w.rng.stream("scheduling", u64::from(pod_id.0));
    let latency = w.timing.scheduling.sample(&mut rng);
    w.schedule(now + latency, Event::Schedule(pod_id));
    // The informer sees the new pod: a batched sync follows (§4.1).
    enqueue_batched(w, id);
}

/// Deletes a pod through the API. `remove_finalizer` is the path for surplus, suspended
/// and success-policy pods: they are never counted as failed or succeeded (§5).
fn delete_pod(w: &mut World<'_>, id: JobId, pod_id: PodId, remove_finalizer: bool) {
    if remove_finalizer {
        w.store.pod_mut(pod_id).tracked = false;
    }
    let job_name = w.store.job(id).metadata.name.clone();
    let message = format!("Deleted pod: {}", w.store.pod(pod_id).name);
    w.emit(ObjectRef::Job(&job_name), "SuccessfulDelete", &message);
    w.delete_pod(pod_id);
}

/// Adds or flips the `Suspended` condition (§10).
fn update_suspended_condition(w: &mut World<'_>, id: JobId, ktime: SimTime) {
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
        ("JobSuspended", "Job suspended", "Suspended")
    } else {
        ("JobResumed", "Job resumed", "Resumed")
    };
    let cond = Condition {
        kind: ConditionType::Suspended,
        status: suspended,
        reason,
        message: message.to_string(),
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
    let name = job.metadata.name.clone();
    w.emit(ObjectRef::Job(&name), event, message);
}

/// Writes `Complete`/`Failed` (§16.2) with its event, and starts the TTL clock (§17).
fn finish_job(w: &mut World<'_>, id: JobId, f: &Finish, now: SimTime, ktime: SimTime) {
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
    let name = job.metadata.name.clone();
    let too_many = !f.failed
        && job
            .spec
            .completions
            .is_some_and(|c| job.status.succeeded > c);
    let ttl = job.spec.ttl_seconds_after_finished;
    if f.failed {
        w.emit(ObjectRef::Job(&name), f.reason, &f.message);
    } else {
        w.emit(ObjectRef::Job(&name), "Completed", "Job completed");
        if too_many {
            w.emit(
                ObjectRef::Job(&name),
                "TooManySucceededPods",
                "Too many succeeded pods running after completion count reached",
            );
        }
    }
    if let Some(ttl) = ttl {
        // The TTL clock starts at the condition's lastTransitionTime.
        w.schedule(ktime + (ttl.max(0) as u64) * SECOND, Event::TtlExpire(id));
    }
}
