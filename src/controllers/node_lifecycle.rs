//! Node outages and what they do to pods (reference job-semantics §20): the node
//! lifecycle controller notices a silent node after the monitor grace period, taints it
//! and marks its pods not ready; the taint manager evicts each pod after its
//! `tolerationSeconds`; the evicted pod stays terminating until the node returns, when its
//! kubelet finishes the termination and restarts or fails what died with the node.
//! Random faults per pool (exponential time between failures) come from here too.

use rand::RngExt;

use crate::api::pod::Toleration;
use crate::record::Reason;
use crate::time::{SECOND, SimDuration, SimTime};
use crate::world::{Event, NodeId, ObjectId, PodId, Source, World};

/// `--node-monitor-grace-period` (50 s since v1.32, kubernetes/kubernetes#126287).
pub const NODE_MONITOR_GRACE: SimDuration = 50 * SECOND;
/// `--node-monitor-period`: how often the node controller looks.
pub const NODE_MONITOR_PERIOD: SimDuration = 5 * SECOND;
/// How often the kubelet renews its heartbeat (node lease renew interval).
pub const HEARTBEAT_PERIOD: SimDuration = 10 * SECOND;
/// `tolerationSeconds` the DefaultTolerationSeconds admission plugin gives every pod for
/// the `not-ready` and `unreachable` NoExecute taints.
pub const DEFAULT_TOLERATION: SimDuration = 300 * SECOND;
/// The taint the node controller puts on a node whose kubelet went silent.
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";

/// The node stops: kubelet and containers are gone. Nothing is reported until the node
/// controller notices, after the grace period, at one of its 5-second checks.
pub fn node_down(w: &mut World<'_>, node: NodeId, duration: Option<SimDuration>) {
    let now = w.now();
    let n = &mut w.store.nodes[node.0 as usize];
    if n.down {
        return;
    }
    n.down = true;
    n.epoch += 1;
    let epoch = n.epoch;
    let name = n.name.clone();
    // The last heartbeat before the failure, on the node's own 10-second rhythm.
    let phase = n.heartbeat_phase;
    let last_heartbeat = last_tick(now, phase, HEARTBEAT_PERIOD);
    let monitor = w.node_monitor_phase;
    let noticed = next_tick(
        last_heartbeat + NODE_MONITOR_GRACE,
        monitor,
        NODE_MONITOR_PERIOD,
    );
    w.schedule(noticed, Event::NodeNotReady { node, epoch });
    if let Some(d) = duration {
        w.schedule(now + d, Event::NodeUp { node, epoch });
    }
    w.emit(
        Source::Jobsim,
        ObjectId::Node(node),
        Reason::NodeDown,
        &format!("jobsim: node {name} went down (kubelet and containers stopped)"),
    );
}

/// The latest time `phase + k·period` at or before `t`.
fn last_tick(t: SimTime, phase: SimTime, period: SimDuration) -> SimTime {
    if t < phase {
        return t;
    }
    t - (t - phase) % period
}

/// The first time `phase + k·period` strictly after `t`.
fn next_tick(t: SimTime, phase: SimTime, period: SimDuration) -> SimTime {
    if t < phase {
        return phase;
    }
    t - (t - phase) % period + period
}

/// The node controller sees the node silent for longer than the grace period: Ready
/// becomes Unknown, the `unreachable` taints go on, its pods are marked not ready and the
/// taint manager starts each pod's eviction clock.
pub fn node_not_ready(w: &mut World<'_>, node: NodeId, epoch: u32) {
    let now = w.now();
    let n = &mut w.store.nodes[node.0 as usize];
    if !n.down || n.epoch != epoch {
        return;
    }
    n.tainted = true;
    let name = n.name.clone();
    w.emit(
        Source::NodeController,
        ObjectId::Node(node),
        Reason::NodeNotReady,
        &format!("Node {name} status is now: NodeNotReady"),
    );
    for pod in w.store.pods_on(node) {
        let p = w.store.pod_mut(pod);
        if p.phase.is_terminal() {
            continue;
        }
        if p.ready {
            p.ready = false;
            p.unready_at = Some(now);
        }
        let tolerations = &w.store.job(w.store.pod(pod).job).template.spec.tolerations;
        if let Some(after) = toleration_for_unreachable(tolerations) {
            w.schedule(now + after, Event::TaintEvict { pod, epoch });
        }
        w.pod_changed(pod);
    }
    // The scheduler's filter sees the taint (nothing above schedules a pod).
    w.store.refresh_node_fit(node);
}

/// How long a pod tolerates the `unreachable` NoExecute taint: its own toleration when it
/// has one (`None` = forever), else the admission plugin's 300 s.
fn toleration_for_unreachable(tolerations: &[Toleration]) -> Option<SimDuration> {
    let matching = tolerations.iter().find(|t| {
        let key_ok = match t.key.as_deref() {
            None | Some("") => t.operator.as_deref() == Some("Exists"),
            Some(k) => k == TAINT_UNREACHABLE,
        };
        let effect_ok = matches!(t.effect.as_deref(), None | Some("") | Some("NoExecute"));
        key_ok && effect_ok
    });
    match matching {
        Some(t) => t.toleration_seconds.map(|s| s.max(0) as u64 * SECOND),
        None => Some(DEFAULT_TOLERATION),
    }
}

/// The taint manager evicts a pod whose toleration ran out: `DisruptionTarget`
/// (`DeletionByTaintManager`), then DELETE. With its kubelet gone, it stays terminating.
pub fn taint_evict(w: &mut World<'_>, pod: PodId, epoch: u32) {
    let p = w.store.pod(pod);
    let Some(node) = p.node else { return };
    let n = &w.store.nodes[node.0 as usize];
    if !n.tainted || n.epoch != epoch || p.phase.is_terminal() || p.deletion_requested.is_some() {
        return;
    }
    let namespace = w.store.job(p.job).metadata.namespace().to_string();
    let name = p.name.clone();
    w.emit(
        Source::TaintEviction,
        ObjectId::Pod(pod),
        Reason::TaintManagerEviction,
        &format!("Marking for deletion Pod {namespace}/{name}"),
    );
    w.disrupt_pod(pod, "DeletionByTaintManager");
}

/// The node is back: taints come off, and its kubelet reports what happened while it was
/// gone — terminating pods finish terminating, containers that died with the node are
/// failures (restarted in place under `OnFailure`), pods not yet started start now.
pub fn node_up(w: &mut World<'_>, node: NodeId, epoch: u32) {
    let n = &w.store.nodes[node.0 as usize];
    if !n.down || n.epoch != epoch {
        return;
    }
    let name = n.name.clone();
    w.emit(
        Source::NodeController,
        ObjectId::Node(node),
        Reason::NodeReady,
        &format!("Node {name} status is now: NodeReady"),
    );
    w.node_ready(node);
    schedule_next_fault(w, node);
}

/// Arms the first random fault of every node whose pool has `faults`.
pub fn arm_faults(w: &mut World<'_>) {
    for i in 0..w.store.nodes.len() {
        schedule_next_fault(w, NodeId(i as u32));
    }
}

fn schedule_next_fault(w: &mut World<'_>, node: NodeId) {
    let n = &w.store.nodes[node.0 as usize];
    let Some(faults) = w.scenario.pools[n.pool].faults.as_ref() else {
        return;
    };
    let count = n.faults_seen;
    let mut rng = w
        .rng
        .stream("node-fault", (u64::from(node.0) << 32) | u64::from(count));
    let u: f64 = 1.0 - rng.random::<f64>();
    let gap = (-(faults.mtbf as f64) * u.ln()).round().max(1.0) as u64;
    let now = w.now();
    w.schedule(now + gap, Event::NodeFault(node));
}

/// A random fault fires: the node goes down for a repair time, unless the run has nothing
/// left to do (then faults stop, so that the run can end).
pub fn node_fault(w: &mut World<'_>, node: NodeId) {
    if !w.work_left() {
        return;
    }
    let n = &mut w.store.nodes[node.0 as usize];
    if n.deleted {
        return;
    }
    n.faults_seen += 1;
    if n.down {
        schedule_next_fault(w, node);
        return;
    }
    let count = n.faults_seen;
    let pool = n.pool;
    let Some(faults) = w.scenario.pools[pool].faults.as_ref() else {
        return;
    };
    let mut rng = w
        .rng
        .stream("node-repair", (u64::from(node.0) << 32) | u64::from(count));
    let repair = faults.repair.sample(&mut rng).max(1);
    node_down(w, node, Some(repair));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_the_period_grid() {
        assert_eq!(last_tick(23_000, 3_000, 10_000), 23_000);
        assert_eq!(last_tick(29_999, 3_000, 10_000), 23_000);
        assert_eq!(next_tick(73_000, 1_000, 5_000), 76_000);
        assert_eq!(next_tick(76_000, 1_000, 5_000), 81_000);
    }

    #[test]
    fn default_toleration_is_three_hundred_seconds() {
        assert_eq!(toleration_for_unreachable(&[]), Some(300 * SECOND));
        let own = Toleration {
            key: Some(TAINT_UNREACHABLE.into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            toleration_seconds: Some(60),
            ..Default::default()
        };
        assert_eq!(
            toleration_for_unreachable(std::slice::from_ref(&own)),
            Some(60 * SECOND)
        );
        let forever = Toleration {
            toleration_seconds: None,
            ..own
        };
        assert_eq!(toleration_for_unreachable(&[forever]), None);
    }
}
