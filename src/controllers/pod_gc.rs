//! PodGC (reference job-semantics §20 step 3, `pkg/controller/podgc`): once a Node object
//! is deleted, the pods still bound to it are orphans. After a 40 s quarantine, at one of
//! its 20-second passes, PodGC marks each `Failed` with `DisruptionTarget`
//! (`DeletionByPodGC`, "PodGC: node no longer exists") and force-deletes it.
//!
//! Its terminated-pod collection (`gcTerminated`): at a pass that finds more terminated
//! pods (phase Succeeded or Failed) than `--terminated-pod-gc-threshold` (12,500 by
//! default), it deletes the excess — evicted pods first, then the oldest by whole-second
//! creation time, ties by name. No event is recorded. A deleted pod's name is free again
//! (a pod still holding the Job's tracking finalizer keeps it until the Job controller has
//! counted it); its `pods.csv` row stays, and the Job's counts do not move: every
//! terminated pod is counted whether or not PodGC deletes it. A pass is queued only while
//! the threshold is passed, so runs below it have no such event.

use crate::record::Reason;
use crate::time::{Clock, SECOND, SimDuration, SimTime};
use crate::world::store::TerminatedKey;
use crate::world::store::why::EndedBy;
use crate::world::{Event, NodeId, ObjectId, Pod, PodId, PodPhase, Source, Store, World};

/// `--terminated-pod-gc-threshold`: kube-controller-manager's default
/// (`TerminatedPodGCThreshold` in `pkg/controller/podgc/config/v1alpha1/defaults.go`).
pub const TERMINATED_POD_GC_THRESHOLD: usize = 12_500;

/// How often PodGC runs (`gcCheckPeriod`).
pub const POD_GC_PERIOD: SimDuration = 20 * SECOND;
/// How long a missing node must stay missing before its pods are collected.
pub const QUARANTINE: SimDuration = 40 * SECOND;

/// The Node object is deleted: the node is gone for good; PodGC will collect its pods.
pub fn node_deleted(w: &mut World<'_>, node: NodeId) {
    let now = w.now();
    let n = &mut w.store.nodes[node.0 as usize];
    if n.deleted {
        return;
    }
    n.deleted = true;
    n.deleted_at = Some(now);
    n.down = true;
    n.tainted = true;
    n.epoch += 1;
    let name = n.name.clone();
    crate::controllers::scheduler::nodes_changed(w);
    w.emit(
        Source::NodeController,
        ObjectId::Node(node),
        Reason::RemovingNode,
        &format!("Node {name} event: Removing Node {name} from Controller"),
    );
    // The first PodGC pass after the quarantine, on PodGC's own 20-second rhythm.
    let due = now + QUARANTINE;
    let phase = w.pod_gc_phase;
    let pass = if due <= phase {
        phase
    } else {
        due + (POD_GC_PERIOD - (due - phase) % POD_GC_PERIOD) % POD_GC_PERIOD
    };
    w.schedule(pass, Event::PodGc(node));
}

/// PodGC's pass over the pods of a deleted node: it patches each orphan's phase to
/// `Failed` with `DisruptionTarget` and force-deletes it. Nothing reports its containers
/// (their kubelet is gone), so they keep no `finishedAt` and the Job's finish-time rule
/// falls back to the PodReady=False time (§8.1).
pub fn collect(w: &mut World<'_>, node: NodeId) {
    let now = w.now();
    let orphans: Vec<PodId> = w
        .store
        .pods
        .iter()
        .filter(|(_, p)| p.node == Some(node) && !p.phase.is_terminal())
        .map(|(i, _)| PodId(i))
        .collect();
    for pod in orphans {
        let p = w.store.pod_mut(pod);
        if p.disruption.is_none() {
            p.disruption = Some("DeletionByPodGC");
        }
        p.deletion_requested.get_or_insert(now);
        p.why.end(EndedBy::NodeLost);
        p.phase = PodPhase::Failed;
        p.reason = "NodeLost";
        p.finished = Some(now);
        if p.ready {
            p.ready = false;
            p.unready_at = Some(now);
        }
        w.release_pod(pod);
        w.pod_changed(pod);
    }
}

/// Where a terminated pod sorts in PodGC's deletion order (`byEvictionAndCreationTimestamp`).
fn terminated_key(pod: &Pod, clock: &Clock) -> TerminatedKey {
    let evicted = pod.phase == PodPhase::Failed && pod.reason == "Evicted";
    TerminatedKey::new(evicted, clock.truncate(pod.created), &pod.name)
}

/// The first PodGC pass strictly after `now`, on its 20-second rhythm.
fn next_pass(now: SimTime, phase: SimTime) -> SimTime {
    if now < phase {
        phase
    } else {
        now + POD_GC_PERIOD - (now - phase) % POD_GC_PERIOD
    }
}

/// A pod reached a terminal phase: PodGC's informer lists it, and a pass is queued if
/// there are now more terminated pods than the threshold.
pub fn pod_terminated(w: &mut World<'_>, pod: PodId) {
    let p = w.store.pod(pod);
    if p.gc_listed {
        return;
    }
    let key = terminated_key(p, &w.clock);
    w.store.pod_mut(pod).gc_listed = true;
    w.store.terminated.insert(key, pod);
    if w.store.terminated.len() > TERMINATED_POD_GC_THRESHOLD && !w.pod_gc_terminated_queued {
        w.pod_gc_terminated_queued = true;
        let at = next_pass(w.now(), w.pod_gc_phase);
        w.schedule(at, Event::PodGcTerminated);
    }
}

/// A pod leaves the API with its Job: PodGC forgets it, the API its name.
pub fn pod_deleted(store: &mut Store, id: PodId, pod: &Pod) {
    if pod.gc_listed {
        store.terminated.remove(id);
    }
    store.free_pod_name(&pod.name, id);
}

/// PodGC's pass over the terminated pods: deletes the oldest beyond the threshold.
pub fn collect_terminated(w: &mut World<'_>) {
    w.pod_gc_terminated_queued = false;
    let excess = w
        .store
        .terminated
        .len()
        .saturating_sub(TERMINATED_POD_GC_THRESHOLD);
    let mut buf = Vec::new();
    for _ in 0..excess {
        let Some((key, id)) = w.store.terminated.pop_oldest() else {
            break;
        };
        let name = key.name(&mut buf);
        match w.store.pods.get_mut(id.0) {
            Some(pod) => {
                pod.gc_listed = false;
                if pod.tracked {
                    // The finalizer holds the object until the Job controller counts it.
                    pod.gc_deleted = true;
                } else {
                    w.store.free_pod_name(name, id);
                }
            }
            None => w.store.free_pod_name(name, id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names that meet at every interesting length: around the 16-byte words kept in the
    /// key's integers, prefixes of one another, and shared prefixes with a different tail.
    fn names() -> Vec<String> {
        let mut names = Vec::new();
        for base in [
            "a",
            "big-x",
            "every-minute-2912",
            "every-minute-29123456-abcde",
        ] {
            for len in 1..=base.len() {
                names.push(base[..len].to_string());
            }
        }
        for fill in ["", "0", "z", "-", "az9"] {
            // Around each 16-byte word of the key, and past both.
            for cut in [15, 16, 31, 32] {
                let stem = &"0123456789abcdef0123456789abcdef"[..cut];
                names.push(format!("{stem}{fill}"));
            }
        }
        names.sort();
        names.dedup();
        names
    }

    #[test]
    fn terminated_keys_sort_as_eviction_then_creation_second_then_name() {
        let names = names();
        let mut keys = Vec::new();
        for evicted in [false, true] {
            for second in [0, 1_000, 86_400_000] {
                for name in &names {
                    keys.push(((!evicted, second, name.clone()), evicted));
                }
            }
        }
        for (a, a_evicted) in &keys {
            for (b, b_evicted) in &keys {
                let ka = TerminatedKey::new(*a_evicted, a.1, &a.2);
                let kb = TerminatedKey::new(*b_evicted, b.1, &b.2);
                assert_eq!(ka.cmp(&kb), a.cmp(b), "{a:?} against {b:?}");
            }
        }
    }

    #[test]
    fn a_terminated_key_gives_back_its_pod_name() {
        let mut buf = Vec::new();
        for name in names() {
            let key = TerminatedKey::new(false, 5_000, &name);
            assert_eq!(key.name(&mut buf), name);
        }
    }

    #[test]
    fn the_terminated_list_gives_the_oldest_first_and_forgets_deleted_pods() {
        use crate::world::store::TerminatedPods;
        use std::collections::BTreeMap;
        // Random listings, deletions and collections against a sorted map of the same.
        let mut next = crate::engine::rng::xorshift(0x853c_49e6_748f_ea9b_u64);
        let mut list = TerminatedPods::default();
        let mut model: BTreeMap<TerminatedKey, PodId> = BTreeMap::new();
        let mut ids: BTreeMap<PodId, TerminatedKey> = BTreeMap::new();
        for n in 0..20_000u32 {
            match next() % 10 {
                0..=5 => {
                    let key = TerminatedKey::new(
                        next().is_multiple_of(50),
                        (next() % 300) * 1_000,
                        &format!("job-{:05}", next() % 100_000),
                    );
                    if model.contains_key(&key) {
                        continue; // names are unique among listed pods
                    }
                    list.insert(key.clone(), PodId(n));
                    model.insert(key.clone(), PodId(n));
                    ids.insert(PodId(n), key);
                }
                6..=7 => {
                    // A listed pod leaves with its Job.
                    let Some(&id) = ids.keys().nth((next() % 7) as usize) else {
                        continue;
                    };
                    let key = ids.remove(&id).unwrap();
                    model.remove(&key);
                    list.remove(id);
                }
                _ => {
                    let want = model.pop_first();
                    if let Some((_, id)) = want {
                        ids.remove(&id);
                    }
                    assert_eq!(list.pop_oldest(), want);
                }
            }
            assert_eq!(list.len(), model.len());
        }
    }
}
