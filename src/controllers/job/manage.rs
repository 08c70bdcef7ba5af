//! `manageJob` (reference job-semantics §5): how many pods a sync deletes or creates, and
//! which. A sync either deletes or creates, never both; creation waits out the recreation
//! backoff (§8.1, or per index §8.2); at most 500 of either per sync.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::naming;
use super::{MAX_POD_CREATE_DELETE_PER_SYNC, MIN_REQUEUE, enqueue_batched, requeue_after};
use crate::api::PodReplacementPolicy;
use crate::record::Reason;
use crate::time::SimTime;
use crate::world::store::JobState;
use crate::world::store::why::{Counted, CreatedFor, EndedBy};
use crate::world::{Event, JobId, ObjectId, Pod, PodId, PodPhase, Source, World};

/// Runs `manageJob` with `succeeded` already including this sync's new successes.
/// Deleted pods are appended to `deleted_now`.
pub(super) fn manage_job(
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
            delete_pod(w, id, pod, true, EndedBy::DeletedSuspend);
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
    // Surplus pods, and for Indexed Jobs every duplicated or out-of-range index whatever
    // the surplus (`activePodsForRemoval`).
    let surplus = (active - want).max(0) as usize;
    let to_delete = pods_to_delete(w, id, surplus);
    if !to_delete.is_empty() {
        for pod in to_delete {
            delete_pod(w, id, pod, true, EndedBy::DeletedSurplus);
            deleted_now.push(pod);
        }
        return;
    }
    let job = w.store.job(id);
    // Under `Failed` replacement, terminating pods still hold their place (§5, §14).
    let terminating_hold = if job.spec.replacement_policy() == PodReplacementPolicy::Failed {
        i64::from(job.terminating)
    } else {
        0
    };
    let diff = want - active - terminating_hold;
    if diff <= 0 {
        return;
    }
    let diff = (diff as usize).min(MAX_POD_CREATE_DELETE_PER_SYNC);
    let per_index = job.spec.backoff_limit_per_index.is_some();
    if !per_index {
        let remaining = job.backoff.remaining(now);
        if remaining > 0 {
            requeue_after(w, id, remaining.max(MIN_REQUEUE));
            return;
        }
    }
    match &job.indexes {
        Some(ix) => {
            // The `diff` lowest pending indexes, including those still in their per-index
            // backoff: an index in backoff keeps its slot (reference, top note).
            let pending = ix.lowest_free(diff);
            let mut wait: Option<u64> = None;
            let mut ready = Vec::with_capacity(pending.len());
            for i in pending {
                let remaining = if per_index {
                    ix.backoff_remaining(i, now)
                } else {
                    0
                };
                if remaining == 0 {
                    ready.push(i);
                } else {
                    wait = Some(wait.map_or(remaining, |w: u64| w.min(remaining)));
                }
            }
            for i in ready {
                create_pod(w, id, Some(i));
            }
            if let Some(remaining) = wait {
                requeue_after(w, id, remaining.max(MIN_REQUEUE));
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
fn pods_to_delete(w: &mut World<'_>, id: JobId, n: usize) -> Vec<PodId> {
    let job = w.store.job(id);
    let mut first: Vec<PodId> = Vec::new();
    if let Some(ix) = job.indexes.as_ref().filter(|ix| ix.may_need_cleanup()) {
        // Out-of-range pods go; of a duplicated index, all but the most progressed pod.
        let mut by_index: BTreeMap<u32, Vec<PodId>> = BTreeMap::new();
        for &p in &job.active {
            match w.store.pod(p).index {
                Some(i) if i < ix.completions() => by_index.entry(i).or_default().push(p),
                _ => first.push(p),
            }
        }
        for pods in by_index.values_mut().filter(|pods| pods.len() > 1) {
            pods.sort_by(|&a, &b| least_progressed_first((w.store.pod(a), a), (w.store.pod(b), b)));
            pods.pop();
            first.append(pods);
        }
        let out_of_range = job
            .active
            .iter()
            .any(|&p| w.store.pod(p).index.is_none_or(|i| i >= ix.completions()));
        if !out_of_range && let Some(ix) = w.store.job_mut(id).indexes.as_mut() {
            ix.cleanup_done();
        }
    }
    if first.is_empty() && n == 0 {
        return Vec::new();
    }
    let job = w.store.job(id);
    let mut rest: Vec<PodId> = job
        .active
        .iter()
        .copied()
        .filter(|p| !first.contains(p))
        .collect();
    rest.sort_by(|&a, &b| least_progressed_first((w.store.pod(a), a), (w.store.pod(b), b)));
    let take = n.max(first.len()).min(MAX_POD_CREATE_DELETE_PER_SYNC);
    first.into_iter().chain(rest).take(take).collect()
}

/// `controller.ActivePods` order, least progressed first: unscheduled before scheduled,
/// Pending before Running, not ready before ready, of two ready pods the one ready for the
/// shorter time, more container restarts (the most of any container) first, newer first.
fn least_progressed_first((a, a_id): (&Pod, PodId), (b, b_id): (&Pod, PodId)) -> Ordering {
    let phase_rank = |p: &Pod| match p.phase {
        PodPhase::Pending => 0,
        _ => 2,
    };
    let max_restarts = |p: &Pod| {
        p.containers
            .iter()
            .map(|c| c.restart_count)
            .max()
            .unwrap_or(0)
    };
    a.node
        .is_some()
        .cmp(&b.node.is_some())
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(a.ready.cmp(&b.ready))
        .then_with(|| {
            if a.ready && b.ready {
                b.ready_since.cmp(&a.ready_since)
            } else {
                Ordering::Equal
            }
        })
        .then(max_restarts(b).cmp(&max_restarts(a)))
        .then(b.created.cmp(&a.created))
        .then(b_id.cmp(&a_id))
}

/// Creates one pod and hands it to the scheduler after the scheduling latency.
pub(super) fn create_pod(w: &mut World<'_>, id: JobId, index: Option<u32>) {
    let now = w.now();
    let pod_id = PodId(w.store.pods.next_id());
    let job = w.store.jobs.get_mut(id.0).expect("job exists");
    let (created_for, replaces) = why_created(job, index, now);
    let (attempt, index_failures) = match (job.indexes.as_mut(), index) {
        (Some(ix), Some(i)) => {
            let counts = ix.next_counts(i);
            (ix.pod_created(i), counts)
        }
        _ => (job.created_pods + 1, (0, 0)),
    };
    job.created_pods += 1;
    // The name is built once, in place: prefix, then a fresh suffix until it is unique.
    let mut name = String::with_capacity(job.metadata.name.len().min(58) + 16);
    naming::push_pod_name_prefix(&mut name, &job.metadata.name, index);
    let prefix_len = name.len();
    loop {
        naming::push_random_suffix(&mut name, &mut job.name_rng);
        if !w.store.pod_names.contains_key(&name) {
            break;
        }
        name.truncate(prefix_len);
    }
    let mut pod = Pod::new(name, id, index, attempt, now, &job.template);
    pod.index_failures = index_failures;
    pod.why.created_for = created_for;
    pod.why.replaces = replaces;
    job.pods.push(pod_id);
    job.active.insert(pod_id);
    w.store.pod_names.insert(pod.name.clone(), pod_id);
    w.store.pods.push(pod);
    w.emit_about(
        Source::JobController,
        ObjectId::Job(id),
        Reason::SuccessfulCreate,
        |store, message| {
            message.push_str("Created pod: ");
            message.push_str(&store.pod(pod_id).name);
        },
    );
    let mut rng = w.rng.stream("scheduling", u64::from(pod_id.0));
    let latency = w.timing.scheduling.sample(&mut rng);
    w.schedule(now + latency, Event::Schedule(pod_id));
    // The informer sees the new pod: a batched sync follows (§4.1).
    enqueue_batched(w, id);
}

/// Deletes a pod through the API. `remove_finalizer` is the path for surplus, suspended
/// and success-policy pods: they are never counted as failed or succeeded (§5).
pub(super) fn delete_pod(
    w: &mut World<'_>,
    id: JobId,
    pod_id: PodId,
    remove_finalizer: bool,
    cause: EndedBy,
) {
    let pod = w.store.pod_mut(pod_id);
    if remove_finalizer {
        pod.tracked = false;
        pod.why.counted = Counted::No;
    }
    pod.why.end(cause);
    if remove_finalizer {
        w.retiring.push(pod_id);
    }
    w.emit_about(
        Source::JobController,
        ObjectId::Job(id),
        Reason::SuccessfulDelete,
        |store, message| {
            message.push_str("Deleted pod: ");
            message.push_str(&store.pod(pod_id).name);
        },
    );
    w.delete_pod(pod_id);
}

/// Why a pod about to be created for `index` exists: it replaces the oldest pod that
/// stopped without succeeding (of the same index, for Indexed Jobs), or it belongs to the
/// first wave, or it fills a completion or index that is still missing.
fn why_created(
    job: &mut JobState,
    index: Option<u32>,
    now: SimTime,
) -> (CreatedFor, Option<Box<str>>) {
    let first_wave = *job.why.first_wave.get_or_insert(now);
    let unreplaced = &mut job.why.unreplaced;
    let position = match index {
        Some(i) => unreplaced.iter().position(|u| u.index == Some(i)),
        None => (!unreplaced.is_empty()).then_some(0),
    };
    if let Some(replaced) = position.and_then(|at| unreplaced.remove(at)) {
        return (replaced.kind, Some(replaced.name));
    }
    let kind = if first_wave == now {
        CreatedFor::Initial
    } else if index.is_some() {
        CreatedFor::FreeIndex
    } else if job.status.succeeded > 0 {
        CreatedFor::NextCompletion
    } else {
        CreatedFor::ScaleUp
    };
    (kind, None)
}
