//! The scheduler: filters nodes on resource requests, pod count and `nodeSelector`,
//! scores the feasible ones least-allocated (with the non-zero request defaults
//! kube-scheduler uses for scoring), breaks ties with the seeded stream, and binds. Pods
//! that fit nowhere get a `FailedScheduling` event worded as Kubernetes words it and wait
//! in the unschedulable queue until capacity frees.
//!
//! Waiting pods sit here, not in the event queue; they are grouped by Job (same template,
//! same requests), so a retry pass costs one fit test per Job that is still blocked, not
//! one per waiting pod.
//!
//! In clusters of more than 100 nodes the search stops, as kube-scheduler's does, once it
//! has found `percentageOfNodesToScore` of them feasible (adaptive by default: 50 % minus
//! one point per 125 nodes, at least 5 % and at least 100 nodes), starting where the last
//! search stopped (`nextStartNodeIndex`); only those are scored. See
//! `docs/scheduling.md`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rand::RngExt;

use crate::record::Reason;
#[allow(unused_imports)] // the defaults, named where scheduling is read
pub use crate::world::store::{NONZERO_DEFAULT_CPU_M, NONZERO_DEFAULT_MEMORY};
use crate::world::store::{NodeFit, nonzero};
use crate::world::{
    Event, JobId, Node, NodeId, ObjectId, PodId, PodPhase, Resources, Source, World,
};

/// `MaxNodeScore`.
const MAX_NODE_SCORE: i64 = 100;
/// `minFeasibleNodesToFind`: clusters smaller than this are searched whole, and no search
/// stops before finding this many feasible nodes.
const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
/// `minFeasibleNodesPercentageToFind`: the adaptive percentage never goes below this.
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: i64 = 5;
/// The adaptive `percentageOfNodesToScore` starts here and drops one point per
/// [`ADAPTIVE_NODES_PER_POINT`] nodes (`basePercentageOfNodesToScore`).
const BASE_PERCENTAGE_OF_NODES_TO_SCORE: i64 = 50;
const ADAPTIVE_NODES_PER_POINT: i64 = 125;

/// Pods that fit nowhere, in creation order per Job.
#[derive(Debug, Default)]
pub struct SchedulerQueue {
    waiting: BTreeMap<JobId, VecDeque<PodId>>,
    retry_queued: bool,
    /// Scratch list of the best-scored nodes of the pod being placed.
    best: Vec<NodeId>,
    /// The nodes of the scheduler's snapshot (those not deleted), in creation order;
    /// rebuilt after a node is deleted (with the store's filter view of them).
    live: Option<Vec<NodeId>>,
    /// `nextStartNodeIndex`: where the next search starts in [`SchedulerQueue::live`].
    next_start: usize,
    /// The request (with the scoring defaults) that the score memos of generation
    /// [`SchedulerQueue::memo_gen`] in [`NodeFit`] were computed for: a node whose
    /// requests did not change since is not scored again for a pod of the same requests
    /// (most pods of a run share a few templates).
    memo_pod: Resources,
    /// Generation of the memos valid for [`SchedulerQueue::memo_pod`]; never 0 once a
    /// search ran (0 marks a node whose memo is gone).
    memo_gen: u32,
}

/// `numFeasibleNodesToFind` with the default (adaptive) `percentageOfNodesToScore`: how
/// many feasible nodes a search looks for before it stops.
pub fn num_feasible_nodes_to_find(nodes: usize) -> usize {
    if nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return nodes;
    }
    let n = nodes as i64;
    let percentage = (BASE_PERCENTAGE_OF_NODES_TO_SCORE - n / ADAPTIVE_NODES_PER_POINT)
        .max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    ((n.saturating_mul(percentage) / 100) as usize).max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// A Node object was deleted: the next search lists the nodes again.
pub fn nodes_changed(w: &mut World<'_>) {
    w.scheduler.live = None;
    if !w.store.node_fit.is_empty() {
        w.store.rebuild_node_fit();
    }
}

/// The scheduling latency has passed for a newly created pod: try to bind it.
pub fn schedule_new(w: &mut World<'_>, pod_id: PodId) {
    let pod = w.store.pod(pod_id);
    if pod.deletion_requested.is_some() || pod.phase != PodPhase::Pending || pod.node.is_some() {
        return;
    }
    let job = pod.job;
    match find_node_reusing(w, pod_id) {
        Ok(node) => bind(w, pod_id, node),
        Err(message) => {
            w.store.pod_mut(pod_id).unschedulable = true;
            w.scheduler
                .waiting
                .entry(job)
                .or_default()
                .push_back(pod_id);
            w.emit_about(
                Source::Scheduler,
                ObjectId::Pod(pod_id),
                Reason::FailedScheduling,
                |_, buf| buf.push_str(&message),
            );
        }
    }
}

/// Capacity was freed: bind waiting pods, oldest first, while they fit.
pub fn retry(w: &mut World<'_>) {
    w.scheduler.retry_queued = false;
    let mut blocked: BTreeSet<JobId> = BTreeSet::new();
    loop {
        // The oldest waiting pod among Jobs not yet found blocked in this pass.
        let next = w
            .scheduler
            .waiting
            .iter_mut()
            .filter(|(job, _)| !blocked.contains(job))
            .filter_map(|(job, q)| {
                while let Some(&p) = q.front() {
                    if w.store.pods.get(p.0).is_some_and(|p| p.unschedulable) {
                        return Some((p, *job));
                    }
                    q.pop_front(); // deleted while waiting
                }
                None
            })
            .min();
        let Some((pod_id, job)) = next else { break };
        match find_node_reusing(w, pod_id) {
            Ok(node) => {
                if let Some(q) = w.scheduler.waiting.get_mut(&job) {
                    q.pop_front();
                }
                w.store.pod_mut(pod_id).unschedulable = false;
                bind(w, pod_id, node);
            }
            Err(message) => {
                // Every waiting pod of the Job was retried and failed again (they share
                // one template): one FailedScheduling per pod and attempt.
                blocked.insert(job);
                let waiting: Vec<PodId> = w.scheduler.waiting[&job]
                    .iter()
                    .copied()
                    .filter(|&p| w.store.pods.get(p.0).is_some_and(|p| p.unschedulable))
                    .collect();
                for p in waiting {
                    w.emit_about(
                        Source::Scheduler,
                        ObjectId::Pod(p),
                        Reason::FailedScheduling,
                        |_, buf| buf.push_str(&message),
                    );
                }
            }
        }
    }
    w.scheduler.waiting.retain(|_, q| !q.is_empty());
}

/// The API server reports that capacity may have appeared (a pod released its requests, a
/// node returned): retry the waiting pods in a pass of their own, queued now.
pub fn capacity_changed(w: &mut World<'_>) {
    if !w.scheduler.waiting.is_empty() && !w.scheduler.retry_queued {
        w.scheduler.retry_queued = true;
        let now = w.now();
        w.schedule(now, Event::SchedulerRetry);
    }
}

/// Node labels every node carries implicitly, besides its pool's labels.
fn well_known_label<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    match key {
        "kubernetes.io/hostname" => Some(&node.name),
        "kubernetes.io/os" => Some("linux"),
        "kubernetes.io/arch" => Some("amd64"),
        _ => None,
    }
}

/// The `nodeSelector` against the node's labels and the well-known ones.
#[inline(always)]
fn selector_matches(node: &Node, selector: &BTreeMap<String, String>) -> bool {
    selector.is_empty()
        || selector.iter().all(|(k, v)| {
            node.labels
                .get(k)
                .map(String::as_str)
                .or_else(|| well_known_label(node, k))
                == Some(v.as_str())
        })
}

/// The filter plugins on one live node: whether the pod fits, each failing check reported
/// to `reject` with kube-scheduler's reason (the per-node statuses a `FitError` counts).
#[inline(always)]
fn feasible(
    node: &Node,
    selector: &BTreeMap<String, String>,
    req: Resources,
    mut reject: impl FnMut(&'static str),
) -> bool {
    if node.tainted {
        // The node controller's `unreachable:NoSchedule` taint, which pods do not
        // tolerate by default.
        reject("node(s) had untolerated taint {node.kubernetes.io/unreachable: }");
        return false;
    }
    if !selector_matches(node, selector) {
        reject("node(s) didn't match Pod's node affinity/selector");
        return false;
    }
    let mut fits = true;
    if node.pod_count + 1 > node.max_pods {
        reject("Too many pods");
        fits = false;
    }
    // In 128 bits: a pool's capacity may be near i64::MAX (the API bounds no quantity).
    if req.cpu_m > 0
        && i128::from(node.requested.cpu_m) + i128::from(req.cpu_m) > i128::from(node.alloc.cpu_m)
    {
        reject("Insufficient cpu");
        fits = false;
    }
    if req.memory > 0
        && i128::from(node.requested.memory) + i128::from(req.memory)
            > i128::from(node.alloc.memory)
    {
        reject("Insufficient memory");
        fits = false;
    }
    fits
}

/// [`feasible`] without the reasons, as the search applies it ([`Search::scan`]): the
/// same checks, on the node's [`NodeFit`] (a tainted or deleted node has no room for
/// pods there), with the request in the form [`Need::of`] gives it.
#[cfg(test)]
fn fits(fit: &NodeFit, node: &Node, selector: &BTreeMap<String, String>, need: Need) -> bool {
    fit_room(fit, need) && (selector.is_empty() || selector_matches(node, selector))
}

/// A pod's request as the search compares it with a [`NodeFit`]: a resource it does not
/// request (zero or less) always fits, which `i64::MIN` expresses.
#[derive(Debug, Clone, Copy)]
struct Need {
    cpu_m: i64,
    memory: i64,
}

impl Need {
    fn of(req: Resources) -> Need {
        let need = |r: i64| if r <= 0 { i64::MIN } else { r };
        Need {
            cpu_m: need(req.cpu_m),
            memory: need(req.memory),
        }
    }
}

/// The resource and pod-count filters on a node's [`NodeFit`].
#[inline(always)]
fn fit_room(fit: &NodeFit, need: Need) -> bool {
    (fit.free_pods > 0) & (need.cpu_m <= fit.free_cpu_m) & (need.memory <= fit.free_memory)
}

/// Filter then score, with `best` as scratch space for the best-scored nodes; the error
/// is the `FailedScheduling` message. The search keeps no per-node reasons: they are
/// counted in a second pass only when no node fits, so a pod that fits costs one scan of
/// the dense [`NodeFit`] array and no allocation.
fn find_node(
    w: &World<'_>,
    pod_id: PodId,
    q: &mut SchedulerQueue,
    fit: &mut [NodeFit],
) -> Result<NodeId, String> {
    let pod = w.store.pod(pod_id);
    let selector = &w.store.job(pod.job).template.spec.node_selector;
    let req = pod.request;
    let need = Need::of(req);
    let nz = nonzero(req);
    if nz != q.memo_pod || q.memo_gen == 0 {
        q.memo_pod = nz;
        q.memo_gen = q.memo_gen.wrapping_add(1);
        if q.memo_gen == 0 {
            // Generations wrapped: no memo of an earlier round may pass for current.
            fit.iter_mut().for_each(|f| f.score_gen = 0);
            q.memo_gen = 1;
        }
    }
    let generation = q.memo_gen;
    // The nodes are searched from `nextStartNodeIndex` on, until enough are feasible; a
    // search that looks at every node (small clusters, or too few feasible) starts at the
    // first, which visits them in the same order and leaves the index where it was.
    let live = q.live.as_deref().unwrap_or(&[]);
    let n = live.len();
    let to_find = num_feasible_nodes_to_find(n);
    let start = if to_find >= n { 0 } else { q.next_start % n };
    let search = Search {
        live,
        start,
        to_find,
        need,
        nz,
        generation,
        nodes: &w.store.nodes,
        selector,
    };
    let best = &mut q.best;
    // Most pods select no labels: that search never reads a node struct unless it scores.
    let processed = if selector.is_empty() {
        search.scan::<false>(fit, best)
    } else {
        search.scan::<true>(fit, best)
    };
    if to_find < n {
        q.next_start = (start + processed) % n;
    }
    match best.len() {
        0 => Err(nowhere(w, selector, req)),
        1 => Ok(best[0]),
        n => {
            let mut rng = w.rng.stream("scheduler-tie", u64::from(pod_id.0));
            Ok(best[rng.random_range(0..n)])
        }
    }
}

/// One search of [`find_node`]: what it looks for and where.
struct Search<'a> {
    live: &'a [NodeId],
    start: usize,
    to_find: usize,
    need: Need,
    nz: Resources,
    generation: u32,
    nodes: &'a [Node],
    selector: &'a BTreeMap<String, String>,
}

impl Search<'_> {
    /// Visits the live nodes from `start` on, wrapping around, until `to_find` feasible
    /// ones were seen; leaves the best-scored of them in `best`, in visiting order, and
    /// returns how many nodes it looked at. `SELECT`: the pod has a `nodeSelector`.
    #[inline(always)]
    fn scan<const SELECT: bool>(&self, fit: &mut [NodeFit], best: &mut Vec<NodeId>) -> usize {
        let (live, n) = (self.live, self.live.len());
        best.clear();
        let mut best_score = -1;
        let (mut found, mut processed, mut i) = (0, 0, self.start);
        while processed < n {
            let id = live[i];
            i += 1;
            if i == n {
                i = 0;
            }
            processed += 1;
            let slot = &mut fit[id.0 as usize];
            if !fit_room(slot, self.need) {
                continue;
            }
            if SELECT && !selector_matches(&self.nodes[id.0 as usize], self.selector) {
                continue;
            }
            if slot.score_gen != self.generation {
                slot.score = least_allocated_score(&self.nodes[id.0 as usize], self.nz) as i32;
                slot.score_gen = self.generation;
            }
            let score = slot.score;
            if score > best_score {
                best_score = score;
                best.clear();
            }
            if score == best_score {
                best.push(id);
            }
            found += 1;
            if found == self.to_find {
                break;
            }
        }
        processed
    }
}

/// The `FailedScheduling` message of a pod no live node takes: every node's reasons,
/// counted only now.
#[cold]
#[inline(never)]
fn nowhere(w: &World<'_>, selector: &BTreeMap<String, String>, req: Resources) -> String {
    let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut live = 0;
    for node in w.store.nodes.iter().filter(|n| !n.deleted) {
        live += 1;
        feasible(node, selector, req, |r| *reasons.entry(r).or_default() += 1);
    }
    failed_scheduling(live, &reasons)
}

/// [`find_node`] with the queue's scratch state and the store's filter view, reused from
/// pod to pod.
fn find_node_reusing(w: &mut World<'_>, pod_id: PodId) -> Result<NodeId, String> {
    if w.scheduler.live.is_none() {
        let nodes = &w.store.nodes;
        w.scheduler.live = Some(
            (0..nodes.len() as u32)
                .map(NodeId)
                .filter(|id| !nodes[id.0 as usize].deleted)
                .collect(),
        );
        w.store.rebuild_node_fit();
    }
    let mut q = std::mem::take(&mut w.scheduler);
    let mut fit = std::mem::take(&mut w.store.node_fit);
    let found = find_node(w, pod_id, &mut q, &mut fit);
    w.store.node_fit = fit;
    w.scheduler = q;
    found
}

/// `LeastAllocated`: per resource `(allocatable − requested) · 100 / allocatable`,
/// averaged over CPU and memory with equal weights, in integer arithmetic.
fn least_allocated_score(node: &Node, pod: Resources) -> i64 {
    let one = |alloc: i64, used: i64| {
        if alloc <= 0 || used > alloc {
            0
        } else if alloc <= i64::MAX / MAX_NODE_SCORE {
            // The same quotient in 64 bits, when the product cannot overflow them.
            (alloc - used) * MAX_NODE_SCORE / alloc
        } else {
            // In 128 bits: a node of more than 9.2e16 millicores or bytes would overflow.
            (i128::from(alloc - used) * i128::from(MAX_NODE_SCORE) / i128::from(alloc)) as i64
        }
    };
    let cpu = one(
        node.alloc.cpu_m,
        node.requested_nonzero.cpu_m.saturating_add(pod.cpu_m),
    );
    let mem = one(
        node.alloc.memory,
        node.requested_nonzero.memory.saturating_add(pod.memory),
    );
    (cpu + mem) / 2
}

/// `0/3 nodes are available: 3 Insufficient cpu.` — reasons counted per node, each entry
/// written `<count> <reason>`, sorted, joined with ", " (kube-scheduler's `FitError`).
fn fit_error(nodes: usize, reasons: &BTreeMap<&'static str, usize>) -> String {
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    format!("0/{nodes} nodes are available: {}.", parts.join(", "))
}

/// Pods that never fit anywhere: the taint and node-selector filters reject a node in a
/// way preemption cannot change (`UnschedulableAndUnresolvable`).
const UNRESOLVABLE: [&str; 2] = [
    "node(s) had untolerated taint {node.kubernetes.io/unreachable: }",
    "node(s) didn't match Pod's node affinity/selector",
];

/// The whole `FailedScheduling` message of kube-scheduler v1.36: the [`fit_error`], then
/// what the post-filter plugins found — dynamic resource allocation has no claims to
/// free, and preemption finds no victims (every pod here has the same priority) on the
/// nodes it could help with, and is not helpful on the others. As recorded on a v1.36.2
/// control plane: "0/2 nodes are available: 2 Insufficient cpu. no new claims to
/// deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for
/// incoming pod."
fn failed_scheduling(nodes: usize, reasons: &BTreeMap<&'static str, usize>) -> String {
    let unhelpful: usize = UNRESOLVABLE
        .iter()
        .filter_map(|r| reasons.get(r))
        .sum::<usize>()
        .min(nodes);
    let mut preemption = BTreeMap::new();
    if nodes > unhelpful {
        preemption.insert(
            "No preemption victims found for incoming pod",
            nodes - unhelpful,
        );
    }
    if unhelpful > 0 {
        preemption.insert("Preemption is not helpful for scheduling", unhelpful);
    }
    let post = fit_error(nodes, &preemption);
    format!(
        "{} no new claims to deallocate, preemption: {}",
        fit_error(nodes, reasons),
        post
    )
}

/// Binds the pod: the `Scheduled` event, then the API server's write of `spec.nodeName`.
fn bind(w: &mut World<'_>, pod_id: PodId, node_id: NodeId) {
    w.emit_about(
        Source::Scheduler,
        ObjectId::Pod(pod_id),
        Reason::Scheduled,
        |store, message| {
            let pod = store.pod(pod_id);
            message.push_str("Successfully assigned ");
            message.push_str(store.job(pod.job).metadata.namespace());
            message.push('/');
            message.push_str(&pod.name);
            message.push_str(" to ");
            message.push_str(&store.nodes[node_id.0 as usize].name);
        },
    );
    w.bind_pod(pod_id, node_id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_to_find_follow_the_adaptive_percentage_of_nodes_to_score() {
        // Below 100 nodes every node; then 50 % minus one point per 125 nodes, at least
        // 5 % and at least 100 nodes.
        for (nodes, find) in [
            (0, 0),
            (50, 50),
            (99, 99),
            (100, 100),
            (200, 100),
            (500, 230),
            (1_000, 420),
            (5_000, 500),
            (6_000, 300),
            (10_000, 500),
            (20_000, 1_000),
        ] {
            assert_eq!(num_feasible_nodes_to_find(nodes), find, "{nodes} nodes");
        }
    }

    #[test]
    fn failed_scheduling_is_worded_as_v1_36_2_wrote_it_on_two_one_cpu_nodes() {
        let mut r = BTreeMap::new();
        r.insert("Insufficient cpu", 2);
        assert_eq!(
            failed_scheduling(2, &r),
            "0/2 nodes are available: 2 Insufficient cpu. no new claims to deallocate, \
             preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
        );
        r.insert("node(s) didn't match Pod's node affinity/selector", 1);
        assert!(failed_scheduling(3, &r).ends_with(
            "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, \
             2 No preemption victims found for incoming pod."
        ));
    }

    #[test]
    fn fit_error_is_worded_as_kubernetes_words_it() {
        let mut r = BTreeMap::new();
        r.insert("Insufficient cpu", 3);
        assert_eq!(
            fit_error(3, &r),
            "0/3 nodes are available: 3 Insufficient cpu."
        );
        r.insert("Insufficient memory", 2);
        r.insert("node(s) didn't match Pod's node affinity/selector", 1);
        assert_eq!(
            fit_error(3, &r),
            "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient memory, 3 Insufficient cpu."
        );
    }

    #[test]
    fn a_tainted_node_reports_only_its_taint_and_a_full_node_every_shortage() {
        let mut node = Node {
            name: "n".into(),
            pool: 0,
            labels: Default::default(),
            alloc: Resources {
                cpu_m: 1000,
                memory: 1 << 30,
            },
            max_pods: 1,
            requested: Resources {
                cpu_m: 1000,
                memory: 1 << 30,
            },
            requested_nonzero: Resources::default(),
            pod_count: 1,
            down: false,
            tainted: false,
            epoch: 0,
            heartbeat_phase: 0,
            faults_seen: 0,
            deleted: false,
            deleted_at: None,
        };
        let req = Resources {
            cpu_m: 1,
            memory: 1,
        };
        let none = BTreeMap::new();
        let mut seen = Vec::new();
        assert!(!feasible(&node, &none, req, |r| seen.push(r)));
        assert_eq!(
            seen,
            ["Too many pods", "Insufficient cpu", "Insufficient memory"]
        );
        node.tainted = true;
        seen.clear();
        assert!(!feasible(&node, &none, req, |r| seen.push(r)));
        assert_eq!(
            seen,
            ["node(s) had untolerated taint {node.kubernetes.io/unreachable: }"]
        );
        let (node, mut seen) = (
            Node {
                tainted: false,
                pod_count: 0,
                requested: Resources::default(),
                ..node
            },
            Vec::new(),
        );
        assert!(feasible(&node, &none, req, |r| seen.push(r)));
        assert!(seen.is_empty());
    }

    #[test]
    fn the_search_filter_agrees_with_the_filter_that_counts_reasons() {
        let values = [0, 1, 999, 1000, 1001, i64::MAX - 1, i64::MAX];
        let mut selector = BTreeMap::new();
        for (tainted, pods, with_selector) in [
            (false, 0, false),
            (true, 0, false),
            (false, 110, false),
            (false, 0, true),
        ] {
            for &alloc in &values {
                for &used in &values {
                    for &ask in &values {
                        let node = Node {
                            name: "n".into(),
                            pool: 0,
                            labels: Default::default(),
                            alloc: Resources {
                                cpu_m: alloc,
                                memory: alloc,
                            },
                            max_pods: 110,
                            requested: Resources {
                                cpu_m: used,
                                memory: 0,
                            },
                            requested_nonzero: Resources::default(),
                            pod_count: pods,
                            down: false,
                            tainted,
                            epoch: 0,
                            heartbeat_phase: 0,
                            faults_seen: 0,
                            deleted: false,
                            deleted_at: None,
                        };
                        selector.clear();
                        if with_selector {
                            selector.insert("pool".to_string(), "gpu".to_string());
                        }
                        let req = Resources {
                            cpu_m: ask,
                            memory: ask,
                        };
                        assert_eq!(
                            fits(&NodeFit::of(&node), &node, &selector, Need::of(req)),
                            feasible(&node, &selector, req, |_| {}),
                            "alloc {alloc} used {used} ask {ask}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn least_allocated_prefers_the_emptier_node() {
        let node = |cpu_used| Node {
            name: "n".into(),
            pool: 0,
            labels: Default::default(),
            alloc: Resources {
                cpu_m: 4000,
                memory: 16 << 30,
            },
            max_pods: 110,
            requested: Resources::default(),
            requested_nonzero: Resources {
                cpu_m: cpu_used,
                memory: 0,
            },
            pod_count: 0,
            down: false,
            tainted: false,
            epoch: 0,
            heartbeat_phase: 0,
            faults_seen: 0,
            deleted: false,
            deleted_at: None,
        };
        let pod = nonzero(Resources::default());
        assert!(least_allocated_score(&node(0), pod) > least_allocated_score(&node(1000), pod));
    }
}
