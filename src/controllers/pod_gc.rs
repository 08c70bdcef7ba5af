//! PodGC (reference job-semantics §20 step 3, `pkg/controller/podgc`): once a Node object
//! is deleted, the pods still bound to it are orphans. After a 40 s quarantine, at one of
//! its 20-second passes, PodGC marks each `Failed` with `DisruptionTarget`
//! (`DeletionByPodGC`, "PodGC: node no longer exists") and force-deletes it.

use crate::record::ObjectRef;
use crate::time::{SECOND, SimDuration};
use crate::world::{Event, NodeId, PodId, PodPhase, Source, World};

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
    n.down = true;
    n.tainted = true;
    n.epoch += 1;
    let name = n.name.clone();
    w.emit(
        Source::NodeController,
        ObjectRef::Node(&name),
        "RemovingNode",
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
