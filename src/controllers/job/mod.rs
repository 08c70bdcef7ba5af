//! The Job controller (reference job-semantics §3–§17).
//!
//! [`sync`] follows `syncJob` step by step (§4.3): set `startTime`; count the pods that
//! finished since the last sync (applying the pod failure policy and per-index limits) and
//! update the backoff record; decide the finished condition (failure beats success); delete
//! or create pods (`manageJob`, §5); then write the status with the two-phase finish
//! (§16.2). Pod changes reach the controller through [`pod_updated`], which batches a sync
//! 1 s later, as the informer's event handlers do (§4.1).

pub mod backoff;
pub mod indexes;
mod manage;
pub mod naming;
pub mod pod_failure_policy;
mod status;
pub mod success_policy;

use std::borrow::Cow;
use std::sync::Arc;

use crate::api::job::PodFailurePolicyAction;
use crate::api::{JobSpec, PodReplacementPolicy, RestartPolicy};
use crate::record::Reason;
use crate::time::{SECOND, SimDuration, SimTime};
use crate::world::store::why::{Counted, EndedBy, Unreplaced};
use crate::world::{Condition, ConditionType, Status};
use crate::world::{ContainerPhase, Event, JobId, ObjectId, PodId, PodPhase, Source, World};
use backoff::FinishedPod;
use pod_failure_policy::ContainerNames;
pub use status::TTL_REACTION;

/// `syncJobBatchPeriod`: pod events are collapsed into one sync this long after the first.
pub const SYNC_BATCH_PERIOD: SimDuration = SECOND;
/// `MaxPodCreateDeletePerSync`.
pub const MAX_POD_CREATE_DELETE_PER_SYNC: usize = 500;
/// Backoff-delayed creations re-enqueue no sooner than this.
pub const MIN_REQUEUE: SimDuration = SECOND;

pub const MSG_BACKOFF_LIMIT: &str = "Job has reached the specified backoff limit";
pub const MSG_DEADLINE: &str = "Job was active longer than specified deadline";
pub const MSG_COMPLETIONS_REACHED: &str = "Reached expected number of succeeded pods";
pub const MSG_MAX_FAILED_INDEXES: &str =
    "Job has exceeded the specified maximal number of failed indexes";
pub const MSG_FAILED_INDEXES: &str = "Job has failed indexes";

/// Finds a Job by name (any namespace; names are unique per scenario).
pub fn find(w: &World<'_>, name: &str) -> Option<JobId> {
    w.store
        .job_names
        .iter()
        .find(|(k, _)| k.rsplit('/').next() == Some(name))
        .map(|(_, v)| *v)
}

/// A scenario action flips `spec.suspend`; a spec change syncs at once (§4.1).
pub fn set_suspend(w: &mut World<'_>, name: &str, suspend: bool) {
    let Some(id) = find(w, name) else { return };
    let job = w.store.job_mut(id);
    if job.deleted_at.is_some() || job.spec.suspend == Some(suspend) {
        return;
    }
    Arc::make_mut(&mut job.spec).suspend = Some(suspend);
    let now = w.now();
    w.schedule(now, Event::JobSync(id));
}

/// A scenario action changes `parallelism` and/or `completions` (§1.3: `parallelism` is
/// mutable; `completions` only for elastic Indexed Jobs, where it must equal
/// `parallelism` afterwards). A change the API server would reject is reported as a
/// `FailedUpdate` event on the Job and not applied.
pub fn scale(w: &mut World<'_>, name: &str, parallelism: Option<i32>, completions: Option<i32>) {
    let Some(id) = find(w, name) else { return };
    let job = w.store.job(id);
    if job.deleted_at.is_some() {
        return;
    }
    let new_p = parallelism.unwrap_or(job.spec.parallelism());
    if let Some(c) = completions
        && job.spec.completions != Some(c)
        && !(job.spec.is_indexed() && c == new_p)
    {
        let message = format!(
            "spec.completions: Invalid value: {c}: field is immutable (only an Indexed Job whose completions equal its parallelism after the change may change completions)"
        );
        w.emit(
            Source::Jobsim,
            ObjectId::Job(id),
            Reason::FailedUpdate,
            &message,
        );
        return;
    }
    let job = w.store.job_mut(id);
    Arc::make_mut(&mut job.spec).parallelism = Some(new_p);
    if let Some(c) = completions
        && job.spec.completions != Some(c)
    {
        Arc::make_mut(&mut job.spec).completions = Some(c);
        if let Some(ix) = job.indexes.as_mut() {
            ix.resize(c.max(0) as u32);
            // §6.2: the elastic case recomputes completedIndexes and succeeded.
            job.status.succeeded = ix.succeeded_count() as i32;
        }
    }
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
    let Some(job) = w.store.jobs.get_mut(job_id.0) else {
        return;
    };
    let Some(pod) = w.store.pods.get_mut(pod_id.0) else {
        return;
    };
    if job.deleted_at.is_some() {
        return;
    }
    let policy = job.spec.replacement_policy();
    if !active
        && job.active.remove(&pod_id)
        && pod.phase != PodPhase::Succeeded
        && let Some(entry) = Unreplaced::of(pod.index, pod.why.ended_by, &pod.name)
    {
        job.why.unreplaced.push_back(entry);
    }
    // Under `Failed` replacement a terminating pod keeps its index until it is terminal.
    let releases_index = match policy {
        PodReplacementPolicy::TerminatingOrFailed => !active,
        PodReplacementPolicy::Failed => terminal,
    };
    if releases_index && pod.holds_index {
        pod.holds_index = false;
        if let (Some(ix), Some(i)) = (job.indexes.as_mut(), pod.index) {
            ix.pod_inactive(i);
        }
    }
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
    if job.first_pod_running.is_none() {
        job.first_pod_running = pod.started;
    }
    let restarts_now = if terminal { 0 } else { pod.restarts() };
    if restarts_now != pod.seen.restarts {
        job.restart_sum = job.restart_sum + u64::from(restarts_now) - u64::from(pod.seen.restarts);
        pod.seen.restarts = restarts_now;
    }
    let countable = terminal
        || (pod.deletion_requested.is_some()
            && policy == PodReplacementPolicy::TerminatingOrFailed);
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
pub(crate) struct Finish {
    pub(crate) failed: bool,
    pub(crate) reason: &'static str,
    /// Borrowed when it is one of the fixed messages, so most Jobs finish without a copy.
    pub(crate) message: Cow<'static, str>,
}

impl Finish {
    fn failure(reason: &'static str, message: impl Into<Cow<'static, str>>) -> Finish {
        Finish {
            failed: true,
            reason,
            message: message.into(),
        }
    }
    fn success(reason: &'static str, message: impl Into<Cow<'static, str>>) -> Finish {
        Finish {
            failed: false,
            reason,
            message: message.into(),
        }
    }
}

/// How a pod that finished since the last sync counts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fate {
    Succeeded,
    Failed {
        /// False when an `Ignore` rule matched: not counted, but still backs off.
        counted: bool,
        action: Option<PodFailurePolicyAction>,
        /// The index of the podFailurePolicy rule that matched.
        rule: Option<usize>,
        /// The `FailJob` message, when that rule matched.
        message: String,
    },
}

/// What step 5 found among the pods that finished since the last sync.
struct NewlyFinished {
    /// Pods whose finalizer comes off in this sync (a buffer of
    /// [`World::counted_scratch`], handed back by [`sync`]).
    pods: Vec<PodId>,
    /// Successes that count (distinct indexes for Indexed Jobs).
    succeeded: i32,
    /// Counted failures whose finalizer comes off now.
    failed: i32,
    /// Counted failures whose finalizer stays on until their replacement exists
    /// (`backoffLimitPerIndex`): not yet in `status.failed`, but seen by backoffLimit.
    failed_pending: i32,
    /// The first `FailJob` match.
    fail_job: Option<String>,
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

    // 5. Pods finished since the last count, the backoff record, per-index failures.
    let has_finish = existing_finish(&w.store.job(id).status).is_some();
    let newly = count_newly_finished(w, id, has_finish);
    let (failed_total, succeeded_total) = {
        let job = w.store.job(id);
        (
            job.status.failed + newly.failed + newly.failed_pending,
            job.status.succeeded + newly.succeeded,
        )
    };

    // 6. The finished condition, in precedence order.
    let mut finish = existing_finish(&w.store.job(id).status);
    if finish.is_none() {
        finish = newly
            .fail_job
            .clone()
            .map(|m| Finish::failure("PodFailurePolicy", m))
            .or_else(|| failure_condition(w, id, now, failed_total, suspended))
            .or_else(|| index_failure_condition(w, id))
            .or_else(|| success_policy_condition(w, id));
    }
    if !suspended {
        schedule_deadline(w, id, now);
    }

    let mut deleted_now: Vec<PodId> = Vec::new();
    let mut manage_ran = false;
    let mut complete = false;
    if let Some(f) = &finish {
        // 7. Delete every active pod: kept counted on the failure path, uncounted when a
        //    success policy declared success (§13).
        let active: Vec<PodId> = w.store.job(id).active.iter().copied().collect();
        let cause = match (f.failed, f.reason) {
            (false, _) => EndedBy::DeletedSuccessPolicy,
            (true, "DeadlineExceeded") => EndedBy::DeletedJobDeadline,
            (true, _) => EndedBy::DeletedJobFailed,
        };
        for pod in active {
            manage::delete_pod(w, id, pod, !f.failed, cause);
            deleted_now.push(pod);
        }
    } else {
        // 8. manageJob, then the completion test.
        manage::manage_job(w, id, now, succeeded_total, &mut deleted_now);
        manage_ran = true;
        let job = w.store.job(id);
        let active = job.active.len();
        complete = match job.spec.completions {
            None => succeeded_total > 0 && active == 0,
            Some(c) => succeeded_total >= c && active == 0,
        };
        if complete {
            finish = Some(Finish::success(
                "CompletionsReached",
                MSG_COMPLETIONS_REACHED,
            ));
        }
    }
    if manage_ran && !complete {
        status::update_suspended_condition(w, id, ktime);
    }

    // 9. Count, write the interim condition, then the terminal one once nothing is
    //    terminating and nothing is left to count (§6.3, §16.2).
    let failing = finish.as_ref().is_some_and(|f| f.failed);
    let mut failed_gain = newly.failed;
    for &pod in &newly.pods {
        w.store.pod_mut(pod).tracked = false;
        w.retiring.push(pod);
    }
    let mut pods = newly.pods;
    pods.clear();
    w.counted_scratch.0 = pods;
    if failing {
        failed_gain += count_remaining_as_failed(w, id);
    } else if finish.is_some() && !has_finish {
        // Declared successful in this sync: finalizers come off every pod, so failures kept
        // for a replacement that will never come are counted now (§13, §6.3).
        failed_gain += count_kept_failures(w, id);
    }
    let job = w.store.job_mut(id);
    job.status.succeeded += newly.succeeded;
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
            status::finish_job(w, id, &f, now, ktime);
        } else if !job.uncounted.is_empty() {
            // Pods left to count (a per-index failure kept for its replacement): the status
            // write is itself an update event, which brings the next sync (§4.1).
            enqueue_batched(w, id);
        }
    }
}

/// Step 5: drains the pods queued for counting. Failed means phase Failed or, only under
/// `TerminatingOrFailed`, marked for deletion before succeeding (§6.1). Applies the pod
/// failure policy (§11), records per-index failures (§12), and updates the backoff record
/// (§8.1; it includes ignored failures). With `backoffLimitPerIndex`, a failed pod whose
/// index will be retried keeps its finalizer until its replacement exists (§6.3 step 5).
fn count_newly_finished(w: &mut World<'_>, id: JobId, has_finish: bool) -> NewlyFinished {
    let mut queued = std::mem::take(&mut w.store.job_mut(id).uncounted);
    let job = w.store.job(id);
    let policy = job.spec.replacement_policy();
    let per_index_limit = job.spec.backoff_limit_per_index.map(|l| l.max(0) as u32);
    let pfp = job.spec.pod_failure_policy.clone();
    // What the pod failure policy matches against, copied only when there is a policy.
    let (namespace, names_init, names_app) = match &pfp {
        None => (String::new(), Vec::new(), Vec::new()),
        Some(_) => {
            let names = |list: &[crate::api::Container]| -> Vec<String> {
                list.iter().map(|c| c.name.clone()).collect()
            };
            (
                job.metadata.namespace().to_string(),
                names(&job.template.spec.init_containers),
                names(&job.template.spec.containers),
            )
        }
    };
    let (mut pods, mut backoff_input) = std::mem::take(&mut w.counted_scratch);
    pods.clear();
    backoff_input.clear();
    let mut out = NewlyFinished {
        pods,
        succeeded: 0,
        failed: 0,
        failed_pending: 0,
        fail_job: None,
    };
    let mut delayed: Vec<PodId> = Vec::new();
    for &pod_id in &queued {
        let pod = w.store.pod_mut(pod_id);
        pod.queued_for_count = false;
        if !pod.tracked {
            continue;
        }
        let pod = w.store.pod(pod_id);
        let fate = match pod.phase {
            PodPhase::Succeeded => Fate::Succeeded,
            PodPhase::Failed => {
                let m = pfp.as_ref().and_then(|p| {
                    pod_failure_policy::match_pod(
                        p,
                        pod,
                        &ContainerNames {
                            init: &names_init,
                            app: &names_app,
                        },
                        &namespace,
                    )
                });
                Fate::Failed {
                    counted: m
                        .as_ref()
                        .is_none_or(|m| m.action != PodFailurePolicyAction::Ignore),
                    action: m.as_ref().map(|m| m.action),
                    rule: m.as_ref().map(|m| m.rule),
                    message: m.map(|m| m.message).unwrap_or_default(),
                }
            }
            _ if pod.deletion_requested.is_some()
                && policy == PodReplacementPolicy::TerminatingOrFailed =>
            {
                Fate::Failed {
                    counted: true,
                    action: None,
                    rule: None,
                    message: String::new(),
                }
            }
            _ => continue, // terminating under `Failed` replacement: counted once terminal
        };
        let finish_time = finish_time(w, pod_id);
        let pod = w.store.pod(pod_id);
        let (index, attempt, annotations, first_look) = (
            pod.index,
            pod.attempt,
            pod.index_failures,
            !pod.failure_recorded,
        );
        match &fate {
            Fate::Succeeded => {
                backoff_input.push(FinishedPod {
                    succeeded: true,
                    finish_time,
                });
                let job = w.store.job_mut(id);
                let counts = match (job.indexes.as_mut(), index) {
                    (None, _) => true,
                    (Some(ix), Some(i)) => ix.mark_succeeded(i),
                    (Some(_), None) => false,
                };
                if counts {
                    out.succeeded += 1;
                }
                w.store.pod_mut(pod_id).why.counted = if counts {
                    Counted::Succeeded
                } else {
                    Counted::No
                };
            }
            Fate::Failed {
                counted,
                action,
                rule,
                message,
            } => {
                if first_look {
                    let pod = w.store.pod_mut(pod_id);
                    pod.failure_recorded = true;
                    pod.failure_ignored = !*counted;
                    pod.why.rule = rule.and_then(|r| u16::try_from(r).ok());
                    if !*counted {
                        pod.why.counted = Counted::No;
                    }
                    backoff_input.push(FinishedPod {
                        succeeded: false,
                        finish_time,
                    });
                    if *action == Some(PodFailurePolicyAction::FailJob) && out.fail_job.is_none() {
                        out.fail_job = Some(message.clone());
                    }
                    if let (Some(limit), Some(i)) = (per_index_limit, index) {
                        let fail_index = *action == Some(PodFailurePolicyAction::FailIndex);
                        let job = w.store.job_mut(id);
                        if let Some(ix) = job.indexes.as_mut() {
                            ix.record_failure(
                                i,
                                annotations,
                                *counted,
                                fail_index,
                                limit,
                                finish_time,
                            );
                        }
                    }
                }
                let job = w.store.job(id);
                let retried = match (per_index_limit, index, job.indexes.as_ref()) {
                    (Some(_), Some(i), Some(ix)) => {
                        !ix.is_failed(i) && !ix.is_succeeded(i) && ix.attempts(i) == attempt
                    }
                    _ => false,
                };
                if retried && !has_finish {
                    // Its finalizer stays until the replacement exists, but it already
                    // counts toward backoffLimit (`newFailedPods` upstream).
                    if *counted {
                        out.failed_pending += 1;
                        w.store.pod_mut(pod_id).why.counted = Counted::Failed;
                    }
                    delayed.push(pod_id);
                    continue;
                }
                // A pod whose index is at or above `completions` is never counted (§6.1).
                let in_range = match (job.indexes.as_ref(), index) {
                    (Some(ix), Some(i)) => i < ix.completions(),
                    (Some(_), None) => false,
                    (None, _) => true,
                };
                if *counted && in_range {
                    out.failed += 1;
                }
                w.store.pod_mut(pod_id).why.counted = if *counted && in_range {
                    Counted::Failed
                } else {
                    Counted::No
                };
            }
        }
        out.pods.push(pod_id);
    }
    if per_index_limit.is_none() {
        w.store.job_mut(id).backoff.update(&backoff_input);
    }
    w.counted_scratch.1 = backoff_input;
    for pod_id in delayed {
        w.store.pod_mut(pod_id).queued_for_count = true;
        w.store.job_mut(id).uncounted.push(pod_id);
    }
    // The drained list goes back as the Job's queue, so its capacity is reused from sync
    // to sync instead of growing a fresh vector each time.
    let job = w.store.job_mut(id);
    queued.clear();
    queued.append(&mut job.uncounted);
    job.uncounted = queued;
    out
}

/// Once the Job has a failure condition, every pod still holding the finalizer that did
/// not succeed counts as failed, the pods deleted in this sync included (§6.2, §6.3).
fn count_remaining_as_failed(w: &mut World<'_>, id: JobId) -> i32 {
    let job = w.store.job(id);
    let candidates: Vec<PodId> = if job.terminating > 0 || !job.uncounted.is_empty() {
        job.pods.clone()
    } else {
        job.active.iter().copied().collect()
    };
    let mut n = 0;
    for p in candidates {
        let Some(pod) = w.store.pods.get_mut(p.0) else {
            continue;
        };
        if pod.tracked && pod.phase != PodPhase::Succeeded {
            pod.tracked = false;
            w.retiring.push(p);
            // A failure an `Ignore` rule matched stays uncounted (§11).
            if !pod.failure_ignored {
                n += 1;
                pod.why.counted = Counted::Failed;
            } else {
                pod.why.counted = Counted::No;
            }
        }
    }
    let pods = &w.store.pods;
    let job = w.store.jobs.get_mut(id.0).expect("job exists");
    job.uncounted
        .retain(|p| pods.get(p.0).is_some_and(|pod| pod.tracked));
    n
}

/// Counts the failed pods still queued (kept for their per-index replacement) and takes
/// their finalizers off; `Ignore`-matched ones stay uncounted.
fn count_kept_failures(w: &mut World<'_>, id: JobId) -> i32 {
    let kept = std::mem::take(&mut w.store.job_mut(id).uncounted);
    let mut n = 0;
    for p in kept {
        let pod = w.store.pod_mut(p);
        pod.queued_for_count = false;
        if pod.tracked && pod.phase == PodPhase::Failed {
            pod.tracked = false;
            w.retiring.push(p);
            if !pod.failure_ignored {
                n += 1;
                pod.why.counted = Counted::Failed;
            } else {
                pod.why.counted = Counted::No;
            }
        } else if pod.tracked {
            // not terminal yet: counted when it is
            pod.queued_for_count = true;
            w.store.job_mut(id).uncounted.push(p);
        }
    }
    n
}

/// `getFinishedTime` (§8.1), truncated to whole seconds as the API stores it.
fn finish_time(w: &World<'_>, pod_id: PodId) -> SimTime {
    let pod = w.store.pod(pod_id);
    let all_terminated = !pod.containers.is_empty()
        && pod
            .containers
            .iter()
            .all(|c| c.finished_at.is_some() && c.phase == ContainerPhase::Terminated);
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
        return Some(Finish::failure("BackoffLimitExceeded", MSG_BACKOFF_LIMIT));
    }
    if !suspended && past_deadline(&job.spec, &job.status, now) {
        return Some(Finish::failure("DeadlineExceeded", MSG_DEADLINE));
    }
    None
}

/// §4.3 step 6.6 (§12): more failed indexes than `maxFailedIndexes`, or every index
/// resolved with at least one failed.
fn index_failure_condition(w: &World<'_>, id: JobId) -> Option<Finish> {
    let job = w.store.job(id);
    job.spec.backoff_limit_per_index?;
    let ix = job.indexes.as_ref()?;
    let failed = ix.failed_count();
    if job
        .spec
        .max_failed_indexes
        .is_some_and(|max| failed > max.max(0) as usize)
    {
        return Some(Finish::failure(
            "MaxFailedIndexesExceeded",
            MSG_MAX_FAILED_INDEXES,
        ));
    }
    if failed > 0 && failed + ix.succeeded_count() >= ix.completions() as usize {
        return Some(Finish::failure("FailedIndexes", MSG_FAILED_INDEXES));
    }
    None
}

/// §4.3 step 6.7 (§13): the first satisfied success-policy rule.
fn success_policy_condition(w: &World<'_>, id: JobId) -> Option<Finish> {
    let job = w.store.job(id);
    let policy = job.spec.success_policy.as_ref()?;
    let ix = job.indexes.as_ref()?;
    success_policy::matched_rule(policy, |i| ix.is_succeeded(i), ix.succeeded_count())
        .map(|rule| Finish::success("SuccessPolicy", format!("Matched rules at index {rule}")))
}

/// `now − startTime ≥ activeDeadlineSeconds` (§9).
fn past_deadline(spec: &JobSpec, status: &Status, now: SimTime) -> bool {
    match (spec.active_deadline_seconds, status.start_time) {
        (Some(ads), Some(start)) => {
            now.saturating_sub(start) >= (ads.max(0) as u64).saturating_mul(SECOND)
        }
        _ => false,
    }
}

/// Every sync of a running, unsuspended Job with a deadline re-enqueues at the deadline.
fn schedule_deadline(w: &mut World<'_>, id: JobId, now: SimTime) {
    let job = w.store.job(id);
    if let (Some(ads), Some(start)) = (job.spec.active_deadline_seconds, job.status.start_time) {
        let at = start.saturating_add((ads.max(0) as u64).saturating_mul(SECOND));
        if at > now {
            requeue_after(w, id, at - now);
        }
    }
}
