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
//!
//! The search reads, per request (most pods of a run share a few templates), a table of
//! one byte per node: 0 when the node cannot take such a pod, else its score plus one
//! ([`RankTable`]). The table follows the nodes that changed since the last search
//! ([`crate::world::Store::node_fit_changed`]) and is filled lazily block by block, so a
//! search is two passes of byte compares over the stretch it visits: one that finds where
//! the search stops and the best score, one that counts the nodes of that score and picks
//! the tie-break's. Which nodes are visited, found feasible and scored, and the random
//! draws, are those of a search that looks at the nodes one by one.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use rand::RngExt;

use crate::engine::RngStreams;
use crate::record::Reason;
#[allow(unused_imports)] // the defaults, named where scheduling is read
pub use crate::world::store::{NONZERO_DEFAULT_CPU_M, NONZERO_DEFAULT_MEMORY};
use crate::world::store::{NodeFit, nonzero};
use crate::world::{
    Event, JobId, Node, NodeId, ObjectId, PodId, PodPhase, Resources, Source, Store, World,
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
    /// Scratch list of the best-scored nodes of a pod with a `nodeSelector`.
    best: Vec<NodeId>,
    /// The nodes of the scheduler's snapshot (those not deleted), in creation order;
    /// rebuilt after a node is deleted (with the store's filter view of them).
    live: Option<Vec<NodeId>>,
    /// `nextStartNodeIndex`: where the next search starts in [`SchedulerQueue::live`].
    next_start: usize,
    /// The rank tables of the requests searched for most recently, over
    /// [`SchedulerQueue::live`]; rebuilt with it.
    ranks: Ranks,
}

/// How many requests keep a [`RankTable`] at once; a search for another one takes the
/// table of the least recently searched (and fills it again as it goes).
const RANK_TABLES: usize = 4;
/// Positions per block of a [`RankTable`]: the unit it is filled in.
const BLOCK: usize = 64;

/// The rank tables and what they need to follow the nodes.
#[derive(Debug, Default)]
struct Ranks {
    tables: Vec<RankTable>,
    /// A node's position in the live list, by node id (`u32::MAX`: not live).
    position: Vec<u32>,
    /// Searches so far, to find the least recently used table.
    clock: u64,
}

/// For one pod request, each live node's rank, by position in the live list: 0 if the
/// resource and pod-count filters reject the node (a tainted or deleted node has no room
/// in its [`NodeFit`]), else its `LeastAllocated` score for the request, plus one. A rank
/// is current in each block marked fresh; a block is filled when a search first reaches
/// it, and a node's rank is computed again when its [`NodeFit`] changes.
#[derive(Debug)]
struct RankTable {
    request: Resources,
    need: Need,
    nz: Resources,
    last_used: u64,
    rank: Vec<u8>,
    /// Per block of [`BLOCK`] positions.
    blocks: Vec<Block>,
}

/// What a search needs to know of a whole block of a [`RankTable`] to pass over it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Block {
    /// The block's ranks are current (and so are the two counts below).
    fresh: bool,
    /// How many of its nodes are feasible (rank not 0).
    feasible: u8,
    /// Its best rank (0: none feasible).
    best: u8,
    /// How many of its nodes have that rank.
    at_best: u8,
}

/// What a search reads of the cluster.
struct View<'a> {
    live: &'a [NodeId],
    fit: &'a [NodeFit],
    nodes: &'a [Node],
}

impl Ranks {
    /// The live list was built anew: no table is valid, positions follow the list.
    fn reset(&mut self, live: &[NodeId], nodes: usize) {
        self.tables.clear();
        self.position.clear();
        self.position.resize(nodes, u32::MAX);
        for (pos, id) in live.iter().enumerate() {
            self.position[id.0 as usize] = pos as u32;
        }
    }

    /// A node's [`NodeFit`] changed: its rank follows in every table that holds it.
    fn node_changed(&mut self, id: NodeId, view: &View<'_>) {
        let Some(&pos) = self.position.get(id.0 as usize) else {
            return;
        };
        if pos == u32::MAX {
            return;
        }
        let pos = pos as usize;
        let b = pos / BLOCK;
        for t in &mut self.tables {
            let block = &mut t.blocks[b];
            if !block.fresh {
                continue;
            }
            let (old, new) = (t.rank[pos], rank_of(view, id, t.need, t.nz));
            t.rank[pos] = new;
            block.feasible = block.feasible - u8::from(old != 0) + u8::from(new != 0);
            if new > block.best {
                (block.best, block.at_best) = (new, 1);
            } else if new == block.best {
                block.at_best += u8::from(old != new);
            } else if old == block.best {
                block.at_best -= 1;
                if block.at_best == 0 {
                    let end = ((b + 1) * BLOCK).min(t.rank.len());
                    *block = Block::of(&t.rank[b * BLOCK..end]);
                }
            }
        }
    }

    /// The table of `request`, made (or taken from the least recently used request) when
    /// there is none.
    fn table(&mut self, request: Resources, n: usize) -> &mut RankTable {
        self.clock += 1;
        let clock = self.clock;
        let i = match self.tables.iter().position(|t| t.request == request) {
            Some(i) => i,
            None => {
                let table = RankTable {
                    request,
                    need: Need::of(request),
                    nz: nonzero(request),
                    last_used: 0,
                    rank: vec![0; n],
                    blocks: vec![Block::default(); n.div_ceil(BLOCK)],
                };
                if self.tables.len() < RANK_TABLES {
                    self.tables.push(table);
                    self.tables.len() - 1
                } else {
                    let (i, _) = self
                        .tables
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, t)| t.last_used)
                        .expect("RANK_TABLES > 0");
                    self.tables[i] = table;
                    i
                }
            }
        };
        let t = &mut self.tables[i];
        t.last_used = clock;
        t
    }
}

/// A node's rank for a request (see [`RankTable`]).
#[inline(always)]
fn rank_of(view: &View<'_>, id: NodeId, need: Need, nz: Resources) -> u8 {
    if !fit_room(&view.fit[id.0 as usize], need) {
        return 0;
    }
    // `LeastAllocated` scores lie in 0..=MAX_NODE_SCORE: requests are never negative
    // (validation rejects them), so `used` is at least 0 and `alloc − used` at most
    // `alloc`. The clamp only keeps the byte in range.
    let score = least_allocated_score(&view.nodes[id.0 as usize], nz);
    score.clamp(0, MAX_NODE_SCORE) as u8 + 1
}

impl Block {
    /// The summary of a block's current ranks.
    fn of(ranks: &[u8]) -> Block {
        let (feasible, best) = count_and_max(ranks);
        Block {
            fresh: true,
            feasible: feasible as u8,
            best,
            at_best: count_equal(ranks, best) as u8,
        }
    }
}

/// How far a search went: positions visited, the best rank among the feasible nodes it
/// found (0: none), and how many of them have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reach {
    processed: usize,
    top: u8,
    ties: usize,
}

/// The circular stretch of `len` positions from `start` among `n`, as `(from, to)`
/// ranges in visiting order, cut at the end of the list and at block bounds.
fn segments(start: usize, len: usize, n: usize) -> impl Iterator<Item = (usize, usize)> {
    let (mut pos, mut left) = (start, len);
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let end = ((pos / BLOCK + 1) * BLOCK).min(n).min(pos + left);
        let segment = (pos, end);
        left -= end - pos;
        pos = if end == n { 0 } else { end };
        Some(segment)
    })
}

impl RankTable {
    /// Makes the ranks of the block holding `pos` current.
    #[inline(always)]
    fn fill(&mut self, pos: usize, view: &View<'_>) {
        if !self.blocks[pos / BLOCK].fresh {
            self.fill_block(pos / BLOCK, view);
        }
    }

    #[inline(never)]
    fn fill_block(&mut self, b: usize, view: &View<'_>) {
        let end = ((b + 1) * BLOCK).min(self.rank.len());
        for p in b * BLOCK..end {
            self.rank[p] = rank_of(view, view.live[p], self.need, self.nz);
        }
        self.blocks[b] = Block::of(&self.rank[b * BLOCK..end]);
    }

    /// The block summary of the range `from..to` when it is a whole block.
    #[inline(always)]
    fn whole_block(&self, from: usize, to: usize) -> Option<Block> {
        (from.is_multiple_of(BLOCK) && (to - from == BLOCK || to == self.rank.len()))
            .then(|| self.blocks[from / BLOCK])
    }

    /// The first pass of a search without a `nodeSelector`: visits the positions from
    /// `start` on, wrapping around, until `to_find` feasible nodes were seen (0: no
    /// limit), a block at a time while the block cannot hold the stopping point.
    fn reach(&mut self, start: usize, to_find: usize, view: &View<'_>) -> Reach {
        let n = self.rank.len();
        let to_find = if to_find == 0 { usize::MAX } else { to_find };
        let (mut processed, mut found, mut top, mut ties) = (0, 0, 0u8, 0);
        for (from, to) in segments(start, n, n) {
            self.fill(from, view);
            let whole = self.whole_block(from, to);
            let (count, best) = match whole {
                Some(block) => (usize::from(block.feasible), block.best),
                None => count_and_max(&self.rank[from..to]),
            };
            let (to, best) = if found + count < to_find {
                found += count;
                if let Some(block) = whole.filter(|b| b.best >= top && b.best != 0) {
                    // A whole block passed: its summary says all.
                    if block.best > top {
                        (top, ties) = (block.best, 0);
                    }
                    ties += usize::from(block.at_best);
                    processed += to - from;
                    continue;
                }
                (to, best)
            } else {
                // The search stops in this stretch, at its (to_find − found)-th feasible
                // node.
                let at = nth_nonzero(&self.rank[from..to], to_find - found - 1)
                    .expect("the stretch holds that many");
                found = to_find;
                (
                    from + at + 1,
                    count_and_max(&self.rank[from..from + at + 1]).1,
                )
            };
            if best > top {
                top = best;
                ties = count_equal(&self.rank[from..to], top);
            } else if best == top && top != 0 {
                ties += count_equal(&self.rank[from..to], top);
            }
            processed += to - from;
            if found == to_find {
                break;
            }
        }
        Reach {
            processed,
            top,
            ties,
        }
    }

    /// The position of the `k`-th (from 0) visited node of rank `top`, in visiting order.
    fn nth_tie(&self, start: usize, processed: usize, top: u8, mut k: usize) -> Option<usize> {
        for (from, to) in segments(start, processed, self.rank.len()) {
            match self.whole_block(from, to) {
                Some(b) if b.best < top => continue,
                Some(b) if b.best == top && usize::from(b.at_best) <= k => {
                    k -= usize::from(b.at_best);
                    continue;
                }
                _ => {}
            }
            let s = &self.rank[from..to];
            let here = count_equal(s, top);
            if k >= here {
                k -= here;
                continue;
            }
            return Some(from + nth_equal(s, top, k)?);
        }
        None
    }
}

/// `0x80` in each byte of `word` that equals `v`, 0 in the others (exact: the sum that
/// finds the zero bytes of `word ^ v·0x01…01` cannot carry from one byte into the next).
#[inline(always)]
fn equal_bytes(word: u64, v: u8) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ (u64::from(v) * 0x0101_0101_0101_0101);
    !(((x & LOW7) + LOW7) | x) & !LOW7
}

/// The index of the `k`-th (from 0) byte of `s` that `is` accepts, eight bytes at a time
/// (`marks` gives `0x80` in each byte of a word that `is` accepts, 0 in the others).
#[inline(always)]
fn nth_marked(
    s: &[u8],
    mut k: usize,
    marks: impl Fn(u64) -> u64,
    is: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut words = s.chunks_exact(8);
    for (w, bytes) in words.by_ref().enumerate() {
        let mut m = marks(u64::from_le_bytes(bytes.try_into().ok()?));
        // The marks are one bit per byte: their count is the sum of the bytes of
        // `m >> 7`, which one multiplication gathers in the top byte (no `popcnt` in the
        // x86-64 baseline).
        let here = (((m >> 7).wrapping_mul(0x0101_0101_0101_0101)) >> 56) as usize;
        if k >= here {
            k -= here;
            continue;
        }
        for _ in 0..k {
            m &= m - 1;
        }
        return Some(w * 8 + m.trailing_zeros() as usize / 8);
    }
    let rest = words.remainder();
    let i = rest.iter().enumerate().filter(|&(_, &r)| is(r)).nth(k)?.0;
    Some(s.len() - rest.len() + i)
}

/// The index of the `k`-th (from 0) byte of `s` equal to `v`.
fn nth_equal(s: &[u8], v: u8, k: usize) -> Option<usize> {
    nth_marked(s, k, |w| equal_bytes(w, v), |r| r == v)
}

/// The index of the `k`-th (from 0) byte of `s` that is not 0.
fn nth_nonzero(s: &[u8], k: usize) -> Option<usize> {
    nth_marked(
        s,
        k,
        |w| equal_bytes(w, 0) ^ 0x8080_8080_8080_8080,
        |r| r != 0,
    )
}

/// The feasible nodes (rank not 0) among `s` and their best rank; `s` holds at most
/// [`BLOCK`] ranks, so the byte counters cannot overflow, and the loop compiles to
/// vector compares.
#[inline(always)]
fn count_and_max(s: &[u8]) -> (usize, u8) {
    let (mut count, mut max) = (0u8, 0u8);
    for &r in s {
        count += u8::from(r != 0);
        max = max.max(r);
    }
    (usize::from(count), max)
}

/// How many of `s` equal `v`, counted a block at a time in byte counters.
#[inline]
fn count_equal(s: &[u8], v: u8) -> usize {
    s.chunks(BLOCK)
        .map(|chunk| {
            let mut c = 0u8;
            for &r in chunk {
                c += u8::from(r == v);
            }
            usize::from(c)
        })
        .sum()
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

/// [`feasible`] without the reasons, as the search applies it (the resource checks in
/// [`rank_of`], the selector in [`search_selecting`]): the same checks, on the node's
/// [`NodeFit`] (a tainted or deleted node has no room for pods there), with the request
/// in the form [`Need::of`] gives it.
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

/// Filter then score; the error is the `FailedScheduling` message. The search keeps no
/// per-node reasons: they are counted in a second pass only when no node fits, so a pod
/// that fits costs two passes over the [`RankTable`] stretch it visits and no allocation.
fn find_node(
    store: &Store,
    rng: &RngStreams,
    pod_id: PodId,
    q: &mut SchedulerQueue,
) -> Result<NodeId, String> {
    let pod = store.pod(pod_id);
    let selector = &store.job(pod.job).template.spec.node_selector;
    let req = pod.request;
    // The nodes are searched from `nextStartNodeIndex` on, until enough are feasible; a
    // search that looks at every node (small clusters, or too few feasible) starts at the
    // first, which visits them in the same order and leaves the index where it was.
    let live = q.live.as_deref().unwrap_or(&[]);
    let n = live.len();
    let to_find = num_feasible_nodes_to_find(n);
    let start = if to_find >= n { 0 } else { q.next_start % n };
    let view = View {
        live,
        fit: &store.node_fit,
        nodes: &store.nodes,
    };
    let table = q.ranks.table(req, n);
    let tie_break = |ties: usize| {
        let mut rng = rng.stream("scheduler-tie", u64::from(pod_id.0));
        rng.random_range(0..ties)
    };
    let (processed, chosen) = if selector.is_empty() {
        search(table, start, to_find, &view, tie_break)
    } else {
        search_selecting(
            table,
            start,
            to_find,
            &view,
            selector,
            &mut q.best,
            tie_break,
        )
    };
    if to_find < n {
        q.next_start = (start + processed) % n;
    }
    match chosen {
        Some(pos) => Ok(live[pos]),
        None => Err(nowhere(store, selector, req)),
    }
}

/// A search for a pod without a `nodeSelector`: how many positions it visited and the
/// position it chose. `tie_break(ties)` draws which of `ties ≥ 2` equally scored nodes
/// (in visiting order) gets the pod.
fn search(
    table: &mut RankTable,
    start: usize,
    to_find: usize,
    view: &View<'_>,
    tie_break: impl FnOnce(usize) -> usize,
) -> (usize, Option<usize>) {
    let Reach {
        processed,
        top,
        ties,
    } = table.reach(start, to_find, view);
    if top == 0 {
        return (processed, None);
    }
    let k = match ties {
        0 | 1 => 0,
        ties => tie_break(ties),
    };
    (processed, table.nth_tie(start, processed, top, k))
}

/// [`search`] for a pod with a `nodeSelector`: node by node, the selector checked on the
/// nodes the resource filters let through, the best-scored collected in `best`.
fn search_selecting(
    table: &mut RankTable,
    start: usize,
    to_find: usize,
    view: &View<'_>,
    selector: &BTreeMap<String, String>,
    best: &mut Vec<NodeId>,
    tie_break: impl FnOnce(usize) -> usize,
) -> (usize, Option<usize>) {
    let n = table.rank.len();
    best.clear();
    let (mut found, mut processed, mut pos, mut top) = (0, 0, start, 0u8);
    let mut best_pos = Vec::new();
    while processed < n {
        table.fill(pos, view);
        let r = table.rank[pos];
        let here = pos;
        pos += 1;
        if pos == n {
            pos = 0;
        }
        processed += 1;
        if r == 0 || !selector_matches(&view.nodes[view.live[here].0 as usize], selector) {
            continue;
        }
        if r > top {
            top = r;
            best_pos.clear();
        }
        if r == top {
            best_pos.push(here);
        }
        found += 1;
        if found == to_find {
            break;
        }
    }
    best.extend(best_pos.iter().map(|&p| view.live[p]));
    let chosen = match best_pos.len() {
        0 => None,
        1 => Some(best_pos[0]),
        ties => Some(best_pos[tie_break(ties)]),
    };
    (processed, chosen)
}

/// The `FailedScheduling` message of a pod no live node takes: every node's reasons,
/// counted only now.
#[cold]
#[inline(never)]
fn nowhere(store: &Store, selector: &BTreeMap<String, String>, req: Resources) -> String {
    let mut reasons: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut live = 0;
    for node in store.nodes.iter().filter(|n| !n.deleted) {
        live += 1;
        feasible(node, selector, req, |r| *reasons.entry(r).or_default() += 1);
    }
    failed_scheduling(live, &reasons)
}

/// [`find_node`] with the queue's scratch state and the store's filter view, reused from
/// pod to pod.
fn find_node_reusing(w: &mut World<'_>, pod_id: PodId) -> Result<NodeId, String> {
    sync(&mut w.store, &mut w.scheduler);
    find_node(&w.store, &w.rng, pod_id, &mut w.scheduler)
}

/// Brings the scheduler's view up to date before a search: the live list and the filter
/// view built anew after a node was deleted, else the rank tables following the nodes
/// whose [`NodeFit`] changed since the last search.
fn sync(store: &mut Store, q: &mut SchedulerQueue) {
    if q.live.is_none() {
        let nodes = &store.nodes;
        let live: Vec<NodeId> = (0..nodes.len() as u32)
            .map(NodeId)
            .filter(|id| !nodes[id.0 as usize].deleted)
            .collect();
        q.ranks.reset(&live, nodes.len());
        q.live = Some(live);
        store.rebuild_node_fit();
    }
    if !store.node_fit_changed.is_empty() {
        let view = View {
            live: q.live.as_deref().unwrap_or(&[]),
            fit: &store.node_fit,
            nodes: &store.nodes,
        };
        for &id in &store.node_fit_changed {
            q.ranks.node_changed(id, &view);
        }
        for id in store.node_fit_changed.drain(..) {
            store.node_fit[id.0 as usize].changed = false;
        }
    }
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

    /// A node of `cpu_m` millicores, `memory` bytes and room for `pods` pods, empty.
    fn test_node(i: usize, cpu_m: i64, memory: i64, pods: i64) -> Node {
        let mut labels = BTreeMap::new();
        labels.insert("disk".to_string(), ["ssd", "hdd"][i % 2].to_string());
        Node {
            name: format!("n-{i}"),
            pool: 0,
            labels,
            alloc: Resources { cpu_m, memory },
            max_pods: pods,
            requested: Resources::default(),
            requested_nonzero: Resources::default(),
            pod_count: 0,
            down: false,
            tainted: false,
            epoch: 0,
            heartbeat_phase: 0,
            faults_seen: 0,
            deleted: false,
            deleted_at: None,
        }
    }

    /// Requests the tests place, more of them than [`RANK_TABLES`], with empty ones (which
    /// fit on any node with pod room and score with the non-zero defaults).
    const REQUESTS: [Resources; 6] = [
        Resources {
            cpu_m: 1000,
            memory: 1 << 30,
        },
        Resources {
            cpu_m: 500,
            memory: 0,
        },
        Resources {
            cpu_m: 0,
            memory: 0,
        },
        Resources {
            cpu_m: 2000,
            memory: 3 << 30,
        },
        Resources {
            cpu_m: 0,
            memory: 512 << 20,
        },
        Resources {
            cpu_m: 250,
            memory: 256 << 20,
        },
    ];

    /// A cluster of `n` nodes in random states: varied sizes, some partly or wholly
    /// used, some tainted, some deleted.
    fn random_cluster(rng: &mut rand_chacha::ChaCha8Rng, n: usize) -> Store {
        let mut store = Store::default();
        for i in 0..n {
            let cpu = [1000, 2000, 4000][rng.random_range(0..3)];
            let mut node = test_node(i, cpu, i64::from(rng.random_range(1..9u32)) << 30, 4);
            let used = rng.random_range(0..=4);
            for _ in 0..used {
                let r = REQUESTS[rng.random_range(0..REQUESTS.len())];
                place(&mut node, r, 1);
            }
            node.tainted = rng.random_bool(0.05);
            node.deleted = rng.random_bool(0.03);
            store.nodes.push(node);
        }
        store
    }

    /// The API server's accounting of a bind (`sign` 1) or release (`sign` -1).
    fn place(node: &mut Node, r: Resources, sign: i64) {
        let nz = nonzero(r);
        node.requested.cpu_m += sign * r.cpu_m;
        node.requested.memory += sign * r.memory;
        node.requested_nonzero.cpu_m += sign * nz.cpu_m;
        node.requested_nonzero.memory += sign * nz.memory;
        node.pod_count += sign;
    }

    /// The rank a node should have, from the node itself: the filter that counts reasons,
    /// then the score.
    fn naive_rank(node: &Node, request: Resources) -> u8 {
        if node.deleted || !feasible(node, &BTreeMap::new(), request, |_| {}) {
            return 0;
        }
        least_allocated_score(node, nonzero(request)) as u8 + 1
    }

    /// Every rank a table holds as current equals the naive rank, except for nodes changed
    /// since the last [`sync`] (the tables follow them at the next one); the live list is
    /// the nodes not deleted.
    fn check_rank_tables(store: &Store, q: &SchedulerQueue) -> usize {
        let Some(live) = q.live.as_deref() else {
            return 0;
        };
        let expected: Vec<NodeId> = (0..store.nodes.len() as u32)
            .map(NodeId)
            .filter(|id| !store.nodes[id.0 as usize].deleted)
            .collect();
        assert_eq!(live, &expected[..], "the live list");
        let mut checked = 0;
        for t in &q.ranks.tables {
            assert_eq!(t.rank.len(), live.len());
            // A fresh block's summary counts its ranks (when none of its nodes awaits the
            // next sync).
            for (b, block) in t.blocks.iter().enumerate() {
                let positions = b * BLOCK..((b + 1) * BLOCK).min(live.len());
                if !block.fresh
                    || positions
                        .clone()
                        .any(|p| store.node_fit[live[p].0 as usize].changed)
                {
                    continue;
                }
                let ranks: Vec<u8> = positions
                    .map(|p| naive_rank(&store.nodes[live[p].0 as usize], t.request))
                    .collect();
                let feasible = ranks.iter().filter(|&&r| r != 0).count();
                let best = ranks.iter().copied().max().unwrap_or(0);
                let at_best = ranks.iter().filter(|&&r| r == best).count();
                assert_eq!(
                    (
                        usize::from(block.feasible),
                        block.best,
                        usize::from(block.at_best)
                    ),
                    (feasible, best, at_best)
                );
            }
            for (pos, &id) in live.iter().enumerate() {
                if !t.blocks[pos / BLOCK].fresh || store.node_fit[id.0 as usize].changed {
                    continue;
                }
                let node = &store.nodes[id.0 as usize];
                assert_eq!(
                    t.rank[pos],
                    naive_rank(node, t.request),
                    "node {} for {:?}",
                    node.name,
                    t.request
                );
                checked += 1;
            }
        }
        checked
    }

    #[test]
    fn rank_tables_agree_with_the_naive_filter_and_score_over_random_binds_releases_and_taints() {
        let streams = crate::engine::RngStreams::new(7);
        let mut checked = 0;
        for round in 0..6u64 {
            let mut rng = streams.stream("rank-tables", round);
            let n = [1, 63, 64, 130, 300, 1000][round as usize];
            let mut store = random_cluster(&mut rng, n);
            for node in &mut store.nodes {
                node.deleted = false;
            }
            let mut q = SchedulerQueue::default();
            let mut bound: Vec<(NodeId, Resources)> = Vec::new();
            for step in 0..3000 {
                let id = NodeId(rng.random_range(0..n as u32));
                let node = &mut store.nodes[id.0 as usize];
                match rng.random_range(0..100) {
                    0..45 if !node.deleted && !node.tainted => {
                        let r = REQUESTS[rng.random_range(0..REQUESTS.len())];
                        if feasible(node, &BTreeMap::new(), r, |_| {}) {
                            place(node, r, 1);
                            bound.push((id, r));
                            store.refresh_node_fit(id);
                        }
                    }
                    45..90 if !bound.is_empty() => {
                        let (id, r) = bound.swap_remove(rng.random_range(0..bound.len()));
                        place(&mut store.nodes[id.0 as usize], r, -1);
                        store.refresh_node_fit(id);
                    }
                    90..99 if !node.deleted => {
                        node.tainted = !node.tainted;
                        store.refresh_node_fit(id);
                    }
                    99 if !node.deleted && step % 7 == 0 => {
                        // A Node object deleted: `nodes_changed`.
                        node.deleted = true;
                        node.tainted = true;
                        q.live = None;
                        store.rebuild_node_fit();
                    }
                    _ => {}
                }
                checked += check_rank_tables(&store, &q);
                if rng.random_bool(0.3) {
                    // A search: the tables follow the changes, then one of them fills
                    // what the search reaches.
                    sync(&mut store, &mut q);
                    let live = q.live.as_deref().unwrap_or(&[]);
                    let view = View {
                        live,
                        fit: &store.node_fit,
                        nodes: &store.nodes,
                    };
                    let r = REQUESTS[rng.random_range(0..REQUESTS.len())];
                    let len = live.len();
                    let table = q.ranks.table(r, len);
                    if len > 0 {
                        let start = rng.random_range(0..len);
                        let to_find = rng.random_range(1..=len);
                        table.reach(start, to_find, &view);
                    }
                    assert!(q.ranks.tables.len() <= RANK_TABLES);
                    checked += check_rank_tables(&store, &q);
                }
            }
        }
        assert!(checked > 100_000, "{checked} ranks checked");
    }

    #[test]
    fn rank_tables_follow_a_run_with_an_outage_and_a_deleted_node() {
        const SCENARIO: &str = r#"apiVersion: jobsim/v1
kind: Scenario
metadata:
  name: outage
spec:
  cluster:
    nodePools:
      - name: n
        count: 150
        capacity: {cpu: "2", memory: 8Gi, pods: 3}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: work
        spec:
          completions: 2000
          parallelism: 400
          backoffLimit: 100000
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
                  resources:
                    requests: {cpu: "1", memory: 1Gi}
      behavior:
        duration: {uniform: [10s, 90s]}
        failure: {probability: 0.2, exitCode: 1}
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: small
        spec:
          completions: 600
          parallelism: 50
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
      behavior:
        duration: {uniform: [10s, 60s]}
  actions:
    - {at: 30s, nodeDown: n-1, for: 3m}
    - {at: 5m, delete: node/n-2}
"#;
        let (scenario, _) = crate::load_str(
            SCENARIO,
            std::path::Path::new("t.yaml"),
            &Default::default(),
        )
        .expect("loads");
        let mut sink = crate::record::MemorySink::default();
        let mut w = World::new(&scenario, &mut sink);
        let (mut second, mut checked) = (0, 0);
        while w.work_left() {
            second += 1;
            w.run(Some(second * 1000));
            checked += check_rank_tables(&w.store, &w.scheduler);
        }
        assert!(w.store.nodes[2].deleted, "the node was deleted");
        assert!(checked > 100_000, "{checked} ranks checked");
    }

    /// kube-scheduler's search written out node by node, as jobsim searched before the
    /// rank tables: the nodes visited from `start` until `to_find` are feasible, the best
    /// scored of them in visiting order.
    fn scan_node_by_node(
        store: &Store,
        live: &[NodeId],
        start: usize,
        to_find: usize,
        request: Resources,
        selector: &BTreeMap<String, String>,
    ) -> (usize, Vec<usize>) {
        let n = live.len();
        let (mut processed, mut found, mut best, mut best_score) = (0, 0, Vec::new(), -1);
        let mut pos = start;
        while processed < n {
            let here = pos;
            pos = (pos + 1) % n;
            processed += 1;
            let node = &store.nodes[live[here].0 as usize];
            if !feasible(node, selector, request, |_| {}) {
                continue;
            }
            let score = least_allocated_score(node, nonzero(request));
            if score > best_score {
                best_score = score;
                best.clear();
            }
            if score == best_score {
                best.push(here);
            }
            found += 1;
            if found == to_find {
                break;
            }
        }
        (processed, best)
    }

    #[test]
    fn the_fast_search_picks_the_node_and_next_start_of_a_node_by_node_scan() {
        let streams = crate::engine::RngStreams::new(11);
        let mut searched = 0;
        for cluster in 0..400u64 {
            let mut rng = streams.stream("fast-search", cluster);
            let n = [0, 1, 5, 64, 99, 100, 101, 127, 128, 129, 700][(cluster % 11) as usize]
                + rng.random_range(0..3);
            let mut store = random_cluster(&mut rng, n);
            let mut q = SchedulerQueue::default();
            sync(&mut store, &mut q);
            let live = q.live.clone().unwrap_or_default();
            let len = live.len();
            for _ in 0..20 {
                let request = REQUESTS[rng.random_range(0..REQUESTS.len())];
                let mut selector = BTreeMap::new();
                if rng.random_bool(0.3) {
                    selector.insert("disk".to_string(), "ssd".to_string());
                }
                // The adaptive number, or any other, from any start.
                let (start, to_find) = if len == 0 {
                    (0, 0)
                } else if rng.random_bool(0.5) {
                    let to_find = num_feasible_nodes_to_find(len);
                    let start = if to_find >= len {
                        0
                    } else {
                        rng.random_range(0..len)
                    };
                    (start, to_find)
                } else {
                    (rng.random_range(0..len), rng.random_range(1..=len))
                };
                let (want_processed, best) =
                    scan_node_by_node(&store, &live, start, to_find, request, &selector);
                let view = View {
                    live: &live,
                    fit: &store.node_fit,
                    nodes: &store.nodes,
                };
                let table = q.ranks.table(request, len);
                let draw = rng.random_range(0..1000usize);
                let mut drawn_from = None;
                let tie_break = |ties: usize| {
                    drawn_from = Some(ties);
                    draw % ties
                };
                let (processed, chosen) = if selector.is_empty() {
                    search(table, start, to_find, &view, tie_break)
                } else {
                    search_selecting(
                        table,
                        start,
                        to_find,
                        &view,
                        &selector,
                        &mut q.best,
                        tie_break,
                    )
                };
                assert_eq!(processed, want_processed, "{n} nodes from {start}");
                // A draw exactly when the scan has a tie, among as many nodes.
                let want_drawn = (best.len() > 1).then_some(best.len());
                assert_eq!(drawn_from, want_drawn, "{n} nodes from {start}");
                let want = match best.len() {
                    0 => None,
                    1 => Some(best[0]),
                    ties => Some(best[draw % ties]),
                };
                assert_eq!(chosen, want, "{n} nodes from {start}");
                searched += 1;
                // Some nodes change between searches, as binds and releases change them.
                for _ in 0..rng.random_range(0..4) {
                    if len == 0 {
                        break;
                    }
                    let id = live[rng.random_range(0..len)];
                    let node = &mut store.nodes[id.0 as usize];
                    if node.pod_count > 0 && rng.random_bool(0.5) {
                        place(node, nonzero(Resources::default()), -1);
                    } else {
                        place(node, REQUESTS[rng.random_range(0..REQUESTS.len())], 1);
                    }
                    store.refresh_node_fit(id);
                }
                sync(&mut store, &mut q);
            }
        }
        assert_eq!(searched, 8000);
    }

    #[test]
    fn byte_masks_find_exactly_the_equal_bytes() {
        let streams = crate::engine::RngStreams::new(3);
        let mut rng = streams.stream("bytes", 0);
        for _ in 0..2000 {
            let len = rng.random_range(0..=BLOCK);
            let s: Vec<u8> = (0..len).map(|_| rng.random_range(0..4u8) * 85).collect();
            let v = [0, 85, 170, 255, 1][rng.random_range(0..5)];
            let at: Vec<usize> = (0..len).filter(|&i| s[i] == v).collect();
            assert_eq!(count_equal(&s, v), at.len());
            for (k, &i) in at.iter().enumerate() {
                assert_eq!(nth_equal(&s, v, k), Some(i));
            }
            assert_eq!(nth_equal(&s, v, at.len()), None);
            let set: Vec<usize> = (0..len).filter(|&i| s[i] != 0).collect();
            for (k, &i) in set.iter().enumerate() {
                assert_eq!(nth_nonzero(&s, k), Some(i));
            }
            assert_eq!(nth_nonzero(&s, set.len()), None);
            let (count, max) = count_and_max(&s);
            assert_eq!(count, s.iter().filter(|&&r| r != 0).count());
            assert_eq!(max, s.iter().copied().max().unwrap_or(0));
        }
    }
}
