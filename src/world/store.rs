//! The objects of one run, as the API server holds them: nodes, pods, Jobs and CronJobs in
//! arenas indexed by typed ids, with the name indexes actions and controllers look them up
//! by. Data only — no rules, no clock, no events: the controllers change it, the API
//! server file ([`super::api_server`]) fans its changes out.
//!
//! The Job and CronJob entries ([`job`], [`cronjob`]) carry each controller's in-memory
//! bookkeeping next to the object, so the types controllers read of each other's objects
//! live here and no controller imports another.

pub mod cronjob;
pub mod job;
pub mod why;

use std::collections::BTreeMap;

use crate::api::{PodSpec, RestartPolicy};
use crate::engine::Arena;
use crate::scenario::Behavior;
use crate::time::SimTime;

pub use cronjob::CronJobState;
pub use job::{Condition, ConditionType, JobState, OwnerRef, Status};

/// Index of a node in [`Store::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);
/// Index of a pod in [`Store::pods`]; ids grow with creation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PodId(pub u32);
/// Index of a Job in [`Store::jobs`]; ids grow with creation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JobId(pub u32);

/// Index of a CronJob in [`Store::cronjobs`]; ids grow with creation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CronJobId(pub u32);

/// A node: allocatable capacity and what the scheduler has placed on it.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub pool: usize,
    pub labels: BTreeMap<String, String>,
    pub alloc: Resources,
    pub max_pods: i64,
    /// Sum of the requests of the non-terminal pods bound here (filtering).
    pub requested: Resources,
    /// The same with the scheduler's non-zero defaults for empty requests (scoring).
    pub requested_nonzero: Resources,
    pub pod_count: i64,
    /// The node is down (kubelet and containers gone) — set by node faults.
    pub down: bool,
    /// The node controller sees it as not ready and has tainted it: the scheduler skips it.
    pub tainted: bool,
    /// Bumped at every outage and return, so that timers of an earlier outage are ignored.
    pub epoch: u32,
    /// Offset of the kubelet's 10-second heartbeat rhythm (seeded per node).
    pub heartbeat_phase: SimTime,
    /// Random faults drawn so far (keys the fault streams).
    pub faults_seen: u32,
    /// The Node object was deleted: gone for good.
    pub deleted: bool,
    /// When it was deleted (its billing ends there).
    pub deleted_at: Option<SimTime>,
}

/// What the scheduler's filter reads of one node, as plain integers in one small record,
/// so that the scheduler can judge a node without its [`Node`] struct: the room left for
/// CPU, memory and pods (see `controllers::scheduler`, which keeps per-request rank tables
/// derived from these). Kept in step with its node by [`Store::refresh_node_fit`] at every
/// bind, release and node condition change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeFit {
    /// `alloc − requested` CPU (millicores), clamped into `i64`: a request `r > 0` fits
    /// exactly when `r <= free_cpu_m`, as `requested + r <= alloc` in exact arithmetic.
    pub free_cpu_m: i64,
    /// The same for memory (bytes).
    pub free_memory: i64,
    /// Pods the node can still take (`max_pods − pod_count`, clamped); 0 for a node the
    /// scheduler must skip whatever the pod (tainted, or deleted).
    pub free_pods: i64,
    /// Listed in [`Store::node_fit_changed`] since the scheduler last read that list.
    pub changed: bool,
}

impl NodeFit {
    /// The filter's view of `node`, not listed as changed.
    pub fn of(node: &Node) -> NodeFit {
        let room = |alloc: i64, used: i64| saturating_i64(i128::from(alloc) - i128::from(used));
        NodeFit {
            free_cpu_m: room(node.alloc.cpu_m, node.requested.cpu_m),
            free_memory: room(node.alloc.memory, node.requested.memory),
            free_pods: if node.tainted || node.deleted {
                0
            } else {
                room(node.max_pods, node.pod_count)
            },
            changed: false,
        }
    }
}

/// CPU in millicores and memory in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_m: i64,
    pub memory: i64,
}

/// `DefaultMilliCPURequest`: scoring counts a container without a CPU request as this.
pub const NONZERO_DEFAULT_CPU_M: i64 = 100;
/// `DefaultMemoryRequest`: scoring counts a container without a memory request as this.
pub const NONZERO_DEFAULT_MEMORY: i64 = 200 * 1024 * 1024;

/// A request as kube-scheduler's scoring counts it: an empty CPU or memory request counts
/// as the non-zero default.
pub fn nonzero(r: Resources) -> Resources {
    Resources {
        cpu_m: if r.cpu_m == 0 {
            NONZERO_DEFAULT_CPU_M
        } else {
            r.cpu_m
        },
        memory: if r.memory == 0 {
            NONZERO_DEFAULT_MEMORY
        } else {
            r.memory
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodPhase {
    Pending,
    Running,
    Succeeded,
    Failed,
}

impl PodPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            PodPhase::Pending => "Pending",
            PodPhase::Running => "Running",
            PodPhase::Succeeded => "Succeeded",
            PodPhase::Failed => "Failed",
        }
    }
    pub fn is_terminal(self) -> bool {
        matches!(self, PodPhase::Succeeded | PodPhase::Failed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerPhase {
    Waiting,
    Running,
    Terminated,
}

/// The kubelet's view of one container.
#[derive(Debug, Clone)]
pub struct ContainerStatus {
    pub phase: ContainerPhase,
    /// Runs started so far (1 for the first run).
    pub runs: u32,
    pub restart_count: u32,
    pub exit_code: Option<i32>,
    pub finished_at: Option<SimTime>,
    /// Crash-loop backoff entry: current delay (ms) and when it was last used.
    pub backoff_delay: Option<u64>,
    pub backoff_last_update: SimTime,
    /// How the current run will end: exit code and terminated reason.
    pub planned_exit: (i32, &'static str),
    /// The terminated reason of the last run (`Completed`, `Error`, `OOMKilled`).
    pub reason: &'static str,
}

impl Default for ContainerStatus {
    fn default() -> Self {
        Self::new()
    }
}

impl ContainerStatus {
    pub fn new() -> Self {
        ContainerStatus {
            phase: ContainerPhase::Waiting,
            runs: 0,
            restart_count: 0,
            exit_code: None,
            finished_at: None,
            backoff_delay: None,
            backoff_last_update: 0,
            planned_exit: (0, "Completed"),
            reason: "",
        }
    }
}

/// A pod of a Job.
#[derive(Debug, Clone)]
pub struct Pod {
    pub name: String,
    pub job: JobId,
    pub index: Option<u32>,
    /// 1 for the first pod of an index (Indexed) or of the Job (NonIndexed).
    pub attempt: u32,
    pub node: Option<NodeId>,
    pub phase: PodPhase,
    pub created: SimTime,
    pub scheduled: Option<SimTime>,
    pub started: Option<SimTime>,
    pub finished: Option<SimTime>,
    /// When deletion was requested (`deletionTimestamp − grace period`).
    pub deletion_requested: Option<SimTime>,
    pub ready: bool,
    /// Last transition of PodReady to False, for the controller's finish-time rule; `None`
    /// while PodReady is True or before the kubelet reported the pod.
    pub unready_at: Option<SimTime>,
    /// Last transition of PodReady to True.
    pub ready_since: Option<SimTime>,
    /// Init containers first, then app containers.
    pub containers: Vec<ContainerStatus>,
    pub init_count: u16,
    /// How many init containers have completed.
    pub init_done: u16,
    pub request: Resources,
    pub reason: &'static str,
    pub exit_code: Option<i32>,
    /// Holds the `batch.kubernetes.io/job-tracking` finalizer: not yet counted by the Job.
    pub tracked: bool,
    /// Queued in the Job's list of pods to count at the next sync.
    pub queued_for_count: bool,
    /// Unschedulable: waiting in the scheduler's queue for capacity.
    pub unschedulable: bool,
    /// What the Job controller last saw of this pod (for incremental counters).
    pub seen: SeenByJob,
    /// `batch.kubernetes.io/job-index-failure-count` and `…-ignored-failure-count`
    /// (backoffLimitPerIndex).
    pub index_failures: (u32, u32),
    /// Still counted as holding its completion index (released when it stops being active,
    /// or, under `podReplacementPolicy: Failed`, when it is terminal).
    pub holds_index: bool,
    /// The Job has already processed this pod's failure (backoff, per-index counts).
    pub failure_recorded: bool,
    /// A podFailurePolicy `Ignore` rule matched this pod's failure: it never counts.
    pub failure_ignored: bool,
    /// Reason of the `DisruptionTarget=True` condition, when one was added.
    pub disruption: Option<&'static str>,
    /// Exit code the containers get when the kubelet stops them (143 SIGTERM, 137 SIGKILL).
    pub kill_code: i32,
    /// Why the kubelet stopped the pod, when it did (`DeadlineExceeded`, `Evicted`, …).
    pub kill_reason: Option<&'static str>,
    /// Why it was created and how it ended, for the records.
    pub why: why::PodWhy,
    /// Listed in [`Store::terminated`], PodGC's view of the terminated pods.
    pub gc_listed: bool,
    /// PodGC deleted it while it still held the Job's tracking finalizer: its name stays
    /// taken until the Job controller has counted it.
    pub gc_deleted: bool,
}

/// The pod state the Job's incremental counters were last updated with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeenByJob {
    pub ready: bool,
    pub terminating: bool,
    pub restarts: u32,
}

impl Pod {
    pub fn is_active(&self) -> bool {
        !self.phase.is_terminal() && self.deletion_requested.is_none()
    }
    pub fn is_terminating(&self) -> bool {
        !self.phase.is_terminal() && self.deletion_requested.is_some()
    }
    pub fn restarts(&self) -> u32 {
        self.containers.iter().map(|c| c.restart_count).sum()
    }

    /// The status of a pod condition as `podFailurePolicy.onPodConditions` reads it.
    pub fn condition_status(&self, kind: &str) -> Option<&'static str> {
        let b = |v: bool| Some(if v { "True" } else { "False" });
        match kind {
            "DisruptionTarget" => self.disruption.map(|_| "True"),
            "Ready" | "ContainersReady" => b(self.ready),
            "PodScheduled" => b(self.node.is_some()),
            "Initialized" => b(self.init_done >= self.init_count && self.started.is_some()),
            _ => None,
        }
    }
}

/// The objects of one run.
#[derive(Debug, Default)]
pub struct Store {
    pub nodes: Vec<Node>,
    pub pods: Arena<Pod>,
    pub jobs: Arena<JobState>,
    /// Job names (namespace/name) to ids, for actions and uniqueness.
    pub job_names: BTreeMap<String, JobId>,
    /// Names of the pods in the store, so generated names never collide and actions can
    /// find pods by name. Never iterated, so its order cannot reach an output; hashed with
    /// foldhash (fixed seed), which mixes the shared `<job>-` prefix of pod names well
    /// at a fraction of SipHash's cost.
    pub pod_names: std::collections::HashMap<String, PodId, foldhash::fast::FixedState>,
    pub cronjobs: Arena<CronJobState>,
    /// CronJob names (namespace/name) to ids.
    pub cronjob_names: BTreeMap<String, CronJobId>,
    /// The terminated pods (phase Succeeded or Failed) that still exist in the API, in the
    /// order PodGC deletes them when there are too many: evicted ones first, then by
    /// whole-second creation time, then by name. A pod that left [`Store::pods`] (counted
    /// and recorded) stays listed here, by name, until PodGC or its Job's deletion takes it.
    pub terminated: TerminatedPods,
    /// The scheduler's filter view of [`Store::nodes`], by node id; empty until the
    /// scheduler first builds it (then [`Store::refresh_node_fit`] keeps it current).
    pub node_fit: Vec<NodeFit>,
    /// The nodes whose [`NodeFit`] was refreshed since the scheduler last read this list,
    /// each once (its [`NodeFit::changed`]), so that the scheduler's derived tables follow
    /// the nodes that changed and only those; at most one entry per node.
    pub node_fit_changed: Vec<NodeId>,
}

/// PodGC's list of terminated pods, oldest (in its order, [`TerminatedKey`]) out first: a
/// binary min-heap. A new entry is almost always younger than most (pods finish minutes
/// after they are created, the list spans PodGC's 12,500), so it settles near the leaves;
/// taking the oldest costs one pass down. A pod deleted while listed (its Job went) is
/// only noted and skipped when it reaches the top; when the noted ones outnumber the rest,
/// the heap is rebuilt without them, so its size stays within twice the pods listed.
#[derive(Debug, Default)]
pub struct TerminatedPods {
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(TerminatedKey, PodId)>>,
    /// Entries of pods deleted while listed, still in the heap.
    gone: std::collections::HashSet<PodId, foldhash::fast::FixedState>,
}

impl TerminatedPods {
    /// Pods listed (deleted ones not counted).
    pub fn len(&self) -> usize {
        self.heap.len().saturating_sub(self.gone.len())
    }

    /// True when no pod is listed.
    #[allow(dead_code)] // the pair of len
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Lists a pod that reached a terminal phase.
    pub fn insert(&mut self, key: TerminatedKey, pod: PodId) {
        self.heap.push(std::cmp::Reverse((key, pod)));
    }

    /// A listed pod left the API another way: it will not be collected.
    pub fn remove(&mut self, pod: PodId) {
        self.gone.insert(pod);
        if self.gone.len() > self.heap.len() / 2 {
            let gone = std::mem::take(&mut self.gone);
            self.heap
                .retain(|std::cmp::Reverse((_, p))| !gone.contains(p));
        }
    }

    /// Takes the oldest listed pod out.
    pub fn pop_oldest(&mut self) -> Option<(TerminatedKey, PodId)> {
        while let Some(std::cmp::Reverse((key, pod))) = self.heap.pop() {
            if self.gone.is_empty() || !self.gone.remove(&pod) {
                return Some((key, pod));
            }
        }
        None
    }
}

/// Where a terminated pod sorts in PodGC's collection order (`byEvictionAndCreationTimestamp`):
/// evicted before not evicted, then by creation second, then by name, bytewise. The name is
/// held as its first 32 bytes in two integers (big-endian, zero-padded) and the rest, if
/// any, apart: keys compare as integers, and names of up to 32 bytes (Job pod names up to
/// a 26-character Job name, CronJob pod names up to a 13-character CronJob name) need no
/// allocation. Zero padding keeps byte order because names hold no NUL byte (they are DNS
/// labels, checked when the Job is loaded).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TerminatedKey {
    /// Not evicted in the top bit, then the creation second (in milliseconds).
    rank: u64,
    /// The name's first 32 bytes.
    head: [u128; 2],
    /// The name past its first 32 bytes; `None` when there is nothing past them.
    tail: Option<Box<[u8]>>,
}

impl TerminatedKey {
    /// Name bytes held in [`TerminatedKey::head`].
    const HEAD: usize = 32;

    /// The key of a pod (evicted or not) created in the second `created_second` (whole
    /// seconds, in milliseconds) with this name.
    pub fn new(evicted: bool, created_second: SimTime, name: &str) -> TerminatedKey {
        debug_assert!(!name.as_bytes().contains(&0), "pod names hold no NUL byte");
        let bytes = name.as_bytes();
        let split = bytes.len().min(Self::HEAD);
        let mut head = [0u8; Self::HEAD];
        head[..split].copy_from_slice(&bytes[..split]);
        let (high, low) = head.split_at(16);
        let word = |half: &[u8]| u128::from_be_bytes(half.try_into().unwrap_or_default());
        TerminatedKey {
            rank: (u64::from(!evicted) << 63) | created_second.min(u64::MAX >> 1),
            head: [word(high), word(low)],
            tail: (bytes.len() > Self::HEAD).then(|| bytes[Self::HEAD..].into()),
        }
    }

    /// The pod's name, written into `buf` (cleared first): its parts joined again.
    pub fn name<'b>(&self, buf: &'b mut Vec<u8>) -> &'b str {
        buf.clear();
        buf.extend_from_slice(&self.head[0].to_be_bytes());
        buf.extend_from_slice(&self.head[1].to_be_bytes());
        let len = buf.iter().position(|&b| b == 0).unwrap_or(Self::HEAD);
        buf.truncate(len);
        if let Some(tail) = &self.tail {
            buf.extend_from_slice(tail);
        }
        // The bytes of a `str` split and joined again: always UTF-8.
        std::str::from_utf8(buf).unwrap_or_default()
    }
}

impl Store {
    /// A pod that exists. Events about removed pods are dropped before they reach a
    /// controller, so a missing pod here is a bug.
    pub fn pod(&self, id: PodId) -> &Pod {
        self.pods.get(id.0).expect("pod exists")
    }
    pub fn pod_mut(&mut self, id: PodId) -> &mut Pod {
        self.pods.get_mut(id.0).expect("pod exists")
    }
    pub fn job(&self, id: JobId) -> &JobState {
        self.jobs.get(id.0).expect("job exists")
    }
    pub fn job_mut(&mut self, id: JobId) -> &mut JobState {
        self.jobs.get_mut(id.0).expect("job exists")
    }
    /// A node's requests, pod count, taint or deletion changed: its [`NodeFit`] follows
    /// (and the node is listed in [`Store::node_fit_changed`]).
    pub fn refresh_node_fit(&mut self, id: NodeId) {
        if let Some(fit) = self.node_fit.get_mut(id.0 as usize) {
            let listed = fit.changed;
            *fit = NodeFit::of(&self.nodes[id.0 as usize]);
            fit.changed = true;
            if !listed {
                self.node_fit_changed.push(id);
            }
        }
    }
    /// Builds [`Store::node_fit`] from the nodes, whole, with no node listed as changed
    /// (whoever rebuilds it rebuilds what derives from it).
    pub fn rebuild_node_fit(&mut self) {
        self.node_fit.clear();
        self.node_fit.extend(self.nodes.iter().map(NodeFit::of));
        self.node_fit_changed.clear();
    }
    /// The API forgets a deleted pod's name (unless a newer pod already took it).
    pub fn free_pod_name(&mut self, name: &str, id: PodId) {
        // One hash and probe in the usual case (the name is the pod's own); the rare entry
        // of a newer pod of the same name goes back in.
        if let Some((key, holder)) = self.pod_names.remove_entry(name)
            && holder != id
        {
            self.pod_names.insert(key, holder);
        }
    }
    pub fn has_pod(&self, id: PodId) -> bool {
        self.pods.contains(id.0)
    }
    pub fn has_job(&self, id: JobId) -> bool {
        self.jobs.contains(id.0)
    }
    pub fn cronjob(&self, id: CronJobId) -> &CronJobState {
        self.cronjobs.get(id.0).expect("cronjob exists")
    }
    pub fn cronjob_mut(&mut self, id: CronJobId) -> &mut CronJobState {
        self.cronjobs.get_mut(id.0).expect("cronjob exists")
    }
}

/// What a workload's pods look like to the kubelet and scheduler, resolved once per Job.
#[derive(Debug, Clone)]
pub struct PodTemplateInfo {
    pub spec: PodSpec,
    pub restart_policy: RestartPolicy,
    pub request: Resources,
    pub behavior: Behavior,
}

impl Store {
    /// Pods bound to `node` that are not terminal, in id order.
    pub fn pods_on(&self, node: NodeId) -> Vec<PodId> {
        self.pods
            .iter()
            .filter(|(_, p)| p.node == Some(node) && !p.phase.is_terminal())
            .map(|(i, _)| PodId(i))
            .collect()
    }
}

/// An `i128` quantity clamped into `i64`.
pub fn saturating_i64(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// The pod-template information the kubelet and scheduler need, computed once per Job.
pub fn template_info(spec: &PodSpec, behavior: &Behavior) -> PodTemplateInfo {
    let sum = |list: &[crate::api::Container]| {
        list.iter().fold(Resources::default(), |acc, c| {
            let r = container_request(c);
            Resources {
                cpu_m: acc.cpu_m.saturating_add(r.cpu_m),
                memory: acc.memory.saturating_add(r.memory),
            }
        })
    };
    // Effective request (job-semantics §18.4): max(largest init container, sum of app containers).
    let apps = sum(&spec.containers);
    let init_max =
        spec.init_containers
            .iter()
            .map(container_request)
            .fold(Resources::default(), |acc, r| Resources {
                cpu_m: acc.cpu_m.max(r.cpu_m),
                memory: acc.memory.max(r.memory),
            });
    PodTemplateInfo {
        spec: spec.clone(),
        restart_policy: spec.restart_policy.unwrap_or(RestartPolicy::Never),
        request: Resources {
            cpu_m: apps.cpu_m.max(init_max.cpu_m),
            memory: apps.memory.max(init_max.memory),
        },
        behavior: behavior.clone(),
    }
}

/// A container's requests; a resource with only a limit requests its limit.
fn container_request(c: &crate::api::Container) -> Resources {
    let get = |name: &str, f: fn(&crate::api::Quantity) -> i128| {
        c.resources
            .requests
            .get(name)
            .or_else(|| c.resources.limits.get(name))
            .map(f)
            .map(saturating_i64)
            .unwrap_or(0)
    };
    Resources {
        cpu_m: get("cpu", crate::api::Quantity::milli),
        memory: get("memory", crate::api::Quantity::value),
    }
}

impl Pod {
    /// A new pod of `job`, not yet scheduled.
    pub fn new(
        name: String,
        job: JobId,
        index: Option<u32>,
        attempt: u32,
        created: SimTime,
        template: &PodTemplateInfo,
    ) -> Pod {
        let n = template.spec.init_containers.len() + template.spec.containers.len();
        Pod {
            name,
            job,
            index,
            attempt,
            node: None,
            phase: PodPhase::Pending,
            created,
            scheduled: None,
            started: None,
            finished: None,
            deletion_requested: None,
            ready: false,
            unready_at: None,
            ready_since: None,
            containers: (0..n).map(|_| ContainerStatus::new()).collect(),
            init_count: template.spec.init_containers.len() as u16,
            init_done: 0,
            request: template.request,
            reason: "",
            exit_code: None,
            tracked: true,
            queued_for_count: false,
            unschedulable: false,
            seen: SeenByJob::default(),
            index_failures: (0, 0),
            holds_index: index.is_some(),
            failure_recorded: false,
            failure_ignored: false,
            disruption: None,
            kill_code: 143,
            kill_reason: None,
            why: why::PodWhy::default(),
            gc_listed: false,
            gc_deleted: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NodeFit;
    use crate::world::World;

    const OUTAGE: &str = r#"apiVersion: jobsim/v1
kind: Scenario
metadata:
  name: outage
spec:
  cluster:
    nodePools:
      - name: n
        count: 3
        capacity: {cpu: "2", memory: 8Gi, pods: 3}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: work
        spec:
          completions: 40
          parallelism: 8
          backoffLimit: 1000
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
  actions:
    - {at: 30s, nodeDown: n-1, for: 3m}
    - {at: 5m, delete: node/n-2}
"#;

    #[test]
    fn the_filter_view_follows_every_bind_release_taint_and_return() {
        let (scenario, _) =
            crate::load_str(OUTAGE, std::path::Path::new("t.yaml"), &Default::default())
                .expect("loads");
        let mut sink = crate::record::MemorySink::default();
        let mut w = World::new(&scenario, &mut sink);
        let (mut checked, mut tainted_seen, mut deleted_seen) = (0, false, false);
        while let Some((_, event)) = w.queue.pop() {
            w.dispatch(event);
            if w.store.node_fit.is_empty() {
                continue;
            }
            for (node, fit) in w.store.nodes.iter().zip(&w.store.node_fit) {
                let now = NodeFit::of(node);
                let view = (fit.free_cpu_m, fit.free_memory, fit.free_pods);
                assert_eq!(view, (now.free_cpu_m, now.free_memory, now.free_pods));
                tainted_seen |= node.tainted && !node.deleted;
                deleted_seen |= node.deleted;
            }
            checked += 1;
        }
        assert!(checked > 100, "{checked} events checked");
        assert!(tainted_seen, "the outage tainted a node");
        assert!(deleted_seen, "a node was deleted");
    }
}
