//! PodGC (reference job-semantics §20 step 3, `pkg/controller/podgc`): once a Node object
//! is deleted, the pods still bound to it are orphans. After a 40 s quarantine, at one of
//! its 20-second passes, PodGC marks each `Failed` with `DisruptionTarget`
//! (`DeletionByPodGC`, "PodGC: node no longer exists") and force-deletes it.

use crate::record::ObjectRef;
use crate::time::{SECOND, SimDuration};
use crate::world::{Event, NodeId, PodId, World};

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

/// PodGC's pass over the pods of a deleted node.
pub fn collect(w: &mut World<'_>, node: NodeId) {
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
        p.deletion_requested.get_or_insert(w.queue.now());
        p.kill_reason = Some("NodeLost");
        p.kill_code = crate::controllers::kubelet::EXIT_SIGKILL;
        crate::controllers::kubelet::pod_killed(w, pod);
    }
}
