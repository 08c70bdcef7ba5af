//! The object store, the event enum and the single dispatch that hands each event to its
//! controller.
//!
//! The store holds nodes, pods and Jobs in arenas indexed by typed ids, the way the API
//! server holds objects. Controllers act on the store and schedule events; they never call
//! each other. This file holds data and routing only: the rules live in `controllers/`.

use std::collections::BTreeMap;

use crate::api::{Manifest, PodSpec, RestartPolicy};
use crate::controllers::cronjob::{self, CronJobState};
use crate::controllers::job::JobState;
use crate::controllers::{job, kubelet, node_lifecycle, pod_gc, scheduler, ttl};
use rand::RngExt;

use crate::engine::{Arena, EventQueue, RngStreams};
use crate::record::result::{self, NodeResult, RunResult};
use crate::record::{EventRecord, ObjectRef, PodRecord, Sink};
use crate::scenario::{ActionKind, Behavior, Scenario, Timing};
use crate::time::{Clock, SimTime};

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

/// Everything that can happen. Same-time events run in the order they were scheduled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A workload's manifest is submitted to the API server.
    Submit(u32),
    /// A scripted scenario action.
    Action(u32),
    /// The Job controller syncs a Job.
    JobSync(JobId),
    /// The scheduler takes a newly created pod from its active queue.
    Schedule(PodId),
    /// The scheduler retries unschedulable pods after capacity was freed.
    SchedulerRetry,
    /// The kubelet has the pod's sandbox ready and starts its (init) containers.
    PodStart(PodId),
    /// A container run ends by itself.
    ContainerExit {
        pod: PodId,
        container: u16,
        run: u32,
    },
    /// The kubelet restarts a container after its crash-loop backoff.
    ContainerRestart { pod: PodId, container: u16 },
    /// A deleted pod's containers have stopped; the kubelet reports the terminal phase.
    PodKilled(PodId),
    /// The pod's own `activeDeadlineSeconds` has passed since the kubelet started it.
    PodDeadline(PodId),
    /// The TTL-after-finished controller deletes a finished Job.
    TtlExpire(JobId),
    /// The node controller finds a silent node past its grace period.
    NodeNotReady { node: NodeId, epoch: u32 },
    /// A node comes back after an outage.
    NodeUp { node: NodeId, epoch: u32 },
    /// The taint manager's eviction clock for a pod on an unreachable node runs out.
    TaintEvict { pod: PodId, epoch: u32 },
    /// A random node fault fires.
    NodeFault(NodeId),
    /// PodGC collects the pods of a deleted node.
    PodGc(NodeId),
    /// The CronJob controller's workqueue hands out a CronJob's key.
    CronJobSync(CronJobId),
}

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
}

/// CPU in millicores and memory in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_m: i64,
    pub memory: i64,
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
    /// find pods by name. Never iterated.
    pub pod_names: std::collections::HashMap<String, PodId>,
    pub cronjobs: Arena<CronJobState>,
    /// CronJob names (namespace/name) to ids.
    pub cronjob_names: BTreeMap<String, CronJobId>,
    /// The controlling CronJob of each Job a CronJob created and that is not deleted (the
    /// informer's ownerReference index). Never iterated.
    pub job_owners: std::collections::HashMap<JobId, CronJobId>,
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

/// A simulation run: the store, the clock and queue, the random streams and the sink.
pub struct World<'s> {
    pub store: Store,
    pub queue: EventQueue<Event>,
    pub clock: Clock,
    pub rng: RngStreams,
    pub timing: Timing,
    pub scheduler: scheduler::SchedulerQueue,
    pub scenario: &'s Scenario,
    sink: &'s mut dyn Sink,
    next_uid: u64,
    /// Time of the last change to an object or the last record: stale timers that fire
    /// later (a killed container's planned exit, a spent backoff timer) do not extend
    /// the run.
    last_activity: SimTime,
    pod_stats: result::PodStats,
    /// Workloads not yet submitted.
    submits_left: usize,
    /// Scripted actions not yet carried out.
    actions_left: usize,
    /// Offset of the node controller's 5-second monitor rhythm.
    pub node_monitor_phase: SimTime,
    /// Offset of PodGC's 20-second rhythm.
    pub pod_gc_phase: SimTime,
    /// Results of standalone Jobs, kept as they are recorded (deleted ones included).
    job_results: Vec<(JobId, result::JobResult)>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOutcome {
    /// Simulated time of the last event (or the horizon, if it cut the run).
    pub end: SimTime,
    pub events_processed: u64,
    pub horizon_reached: bool,
}

impl<'s> World<'s> {
    pub fn new(scenario: &'s Scenario, sink: &'s mut dyn Sink) -> World<'s> {
        let mut store = Store::default();
        for (pool_idx, pool) in scenario.pools.iter().enumerate() {
            for n in 0..pool.count {
                store.nodes.push(Node {
                    name: format!("{}-{n}", pool.name),
                    pool: pool_idx,
                    labels: pool.labels.clone(),
                    alloc: Resources {
                        cpu_m: saturating_i64(pool.cpu.milli()),
                        memory: saturating_i64(pool.memory.value()),
                    },
                    max_pods: pool.pods,
                    requested: Resources::default(),
                    requested_nonzero: Resources::default(),
                    pod_count: 0,
                    down: false,
                    tainted: false,
                    epoch: 0,
                    heartbeat_phase: 0,
                    faults_seen: 0,
                    deleted: false,
                });
            }
        }
        let mut queue = EventQueue::new();
        for (i, w) in scenario.workloads.iter().enumerate() {
            queue.schedule(w.at, Event::Submit(i as u32));
        }
        for (i, a) in scenario.actions.iter().enumerate() {
            queue.schedule(a.at, Event::Action(i as u32));
        }
        let mut world = World {
            store,
            queue,
            clock: Clock::new(scenario.start),
            rng: RngStreams::new(scenario.seed),
            timing: scenario.timing.clone(),
            scheduler: scheduler::SchedulerQueue::default(),
            scenario,
            sink,
            next_uid: 1,
            last_activity: 0,
            pod_stats: result::PodStats::default(),
            submits_left: scenario.workloads.len(),
            actions_left: scenario.actions.len(),
            node_monitor_phase: 0,
            pod_gc_phase: 0,
            job_results: Vec::new(),
        };
        // The kubelets' heartbeats and the node controller's checks run on their own
        // rhythms; their phases are drawn once per run.
        let streams = world.rng;
        world.node_monitor_phase = streams
            .stream("node-monitor", 0)
            .random_range(0..node_lifecycle::NODE_MONITOR_PERIOD);
        world.pod_gc_phase = streams
            .stream("pod-gc", 0)
            .random_range(0..pod_gc::POD_GC_PERIOD);
        for (i, node) in world.store.nodes.iter_mut().enumerate() {
            node.heartbeat_phase = streams
                .stream("heartbeat", i as u64)
                .random_range(0..node_lifecycle::HEARTBEAT_PERIOD);
        }
        node_lifecycle::arm_faults(&mut world);
        world
    }

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    pub fn schedule(&mut self, at: SimTime, event: Event) {
        self.queue.schedule(at, event);
    }

    /// A fresh object number (stands in for a UID; also keys random streams).
    pub fn next_uid(&mut self) -> u64 {
        let uid = self.next_uid;
        self.next_uid += 1;
        uid
    }

    /// Records a Kubernetes-style event.
    pub fn emit(&mut self, object: ObjectRef<'_>, reason: &str, message: &str) {
        self.last_activity = self.now();
        let record = EventRecord {
            time: self.now(),
            object,
            reason,
            message,
        };
        self.sink.event(&record);
    }

    /// The API server saw a pod change: the Job controller's informer is told.
    pub fn pod_changed(&mut self, pod: PodId) {
        self.last_activity = self.now();
        let job = self.store.pod(pod).job;
        if self.store.job(job).deleted_at.is_some() {
            self.reap_job(job);
        } else {
            job::pod_updated(self, pod);
        }
    }

    /// The API server marks a pod for deletion (a plain DELETE, no disruption condition);
    /// its kubelet will stop it within the grace period.
    pub fn delete_pod(&mut self, pod: PodId) {
        kubelet::delete_pod(self, pod, None);
    }

    /// A disruption deletes the pod: `DisruptionTarget=True` with `reason` first, then
    /// DELETE (eviction API, taint manager, PodGC; reference §19).
    pub fn disrupt_pod(&mut self, pod: PodId, reason: &'static str) {
        kubelet::delete_pod(self, pod, Some(reason));
    }

    /// Runs until nothing is left to do or the horizon is reached.
    pub fn run(&mut self, horizon: Option<SimTime>) -> RunOutcome {
        self.run_observed(horizon, &mut |_| {})
    }

    /// [`World::run`], calling `progress` with the simulated time every
    /// [`PROGRESS_EVERY`] events (for a progress bar; it cannot affect the run).
    pub fn run_observed(
        &mut self,
        horizon: Option<SimTime>,
        progress: &mut dyn FnMut(SimTime),
    ) -> RunOutcome {
        let mut horizon_reached = false;
        while let Some(next) = self.queue.peek_time() {
            if horizon.is_some_and(|h| next > h) {
                horizon_reached = true;
                break;
            }
            let Some((now, event)) = self.queue.pop() else {
                break;
            };
            self.dispatch(event);
            if self.queue.processed().is_multiple_of(PROGRESS_EVERY) {
                progress(now);
            }
        }
        let end = match horizon {
            Some(h) if horizon_reached => h,
            _ => self.last_activity,
        };
        RunOutcome {
            end,
            events_processed: self.queue.processed(),
            horizon_reached,
        }
    }

    /// False for events about objects that no longer exist (their timers outlive them).
    fn is_live(&self, event: &Event) -> bool {
        match *event {
            Event::JobSync(id) | Event::TtlExpire(id) => self.store.has_job(id),
            Event::Schedule(p)
            | Event::PodStart(p)
            | Event::PodKilled(p)
            | Event::PodDeadline(p)
            | Event::ContainerExit { pod: p, .. }
            | Event::ContainerRestart { pod: p, .. }
            | Event::TaintEvict { pod: p, .. } => self.store.has_pod(p),
            Event::CronJobSync(id) => self.store.cronjobs.contains(id.0),
            Event::Submit(_)
            | Event::Action(_)
            | Event::SchedulerRetry
            | Event::NodeNotReady { .. }
            | Event::NodeUp { .. }
            | Event::NodeFault(_)
            | Event::PodGc(_) => true,
        }
    }

    fn dispatch(&mut self, event: Event) {
        if !self.is_live(&event) {
            return;
        }
        match event {
            Event::Submit(i) => self.submit(i as usize),
            Event::Action(i) => self.action(i as usize),
            Event::JobSync(id) => self.job_sync(id),
            Event::Schedule(pod) => scheduler::schedule_new(self, pod),
            Event::SchedulerRetry => scheduler::retry(self),
            Event::PodStart(pod) => kubelet::pod_start(self, pod),
            Event::ContainerExit {
                pod,
                container,
                run,
            } => kubelet::container_exit(self, pod, container, run),
            Event::ContainerRestart { pod, container } => {
                kubelet::container_restart(self, pod, container)
            }
            Event::PodKilled(pod) => kubelet::pod_killed(self, pod),
            Event::PodDeadline(pod) => kubelet::pod_deadline(self, pod),
            Event::TtlExpire(id) => ttl::expire(self, id),
            Event::NodeNotReady { node, epoch } => {
                node_lifecycle::node_not_ready(self, node, epoch)
            }
            Event::NodeUp { node, epoch } => node_lifecycle::node_up(self, node, epoch),
            Event::TaintEvict { pod, epoch } => node_lifecycle::taint_evict(self, pod, epoch),
            Event::NodeFault(node) => node_lifecycle::node_fault(self, node),
            Event::PodGc(node) => pod_gc::collect(self, node),
            Event::CronJobSync(id) => cronjob::controller::on_event(self, id),
        }
    }

    /// A Job sync; a status change of a Job a CronJob owns reaches the CronJob
    /// controller's informer as an update event.
    fn job_sync(&mut self, id: JobId) {
        let owner = match self.store.job(id).owner {
            Some(_) => self.store.job_owners.get(&id).copied(),
            None => None,
        };
        let Some(cj) = owner else {
            job::sync(self, id);
            return;
        };
        let before = cronjob::JobStatusView::of(self.store.job(id));
        job::sync(self, id);
        cronjob::controller::job_synced(self, cj, id, before);
    }

    fn submit(&mut self, i: usize) {
        self.submits_left -= 1;
        let scenario = self.scenario;
        let workload = &scenario.workloads[i];
        match &workload.manifest {
            Manifest::Job(job) => {
                job::create(self, job, &workload.behavior, None);
            }
            Manifest::CronJob(cj) => {
                cronjob::controller::create(self, cj, &workload.behavior);
            }
        }
    }

    fn action(&mut self, i: usize) {
        self.actions_left -= 1;
        let scenario = self.scenario;
        match &scenario.actions[i].kind {
            ActionKind::SuspendJob(name) => job::set_suspend(self, name, true),
            ActionKind::ResumeJob(name) => job::set_suspend(self, name, false),
            ActionKind::Scale {
                job: name,
                parallelism,
                completions,
            } => job::scale(self, name, *parallelism, *completions),
            ActionKind::DeleteJob(name) => {
                if let Some(id) = job::find(self, name) {
                    self.delete_job(id);
                }
            }
            ActionKind::DeletePod(target) => {
                if let Some(pod) = self.find_pod(target) {
                    self.delete_pod(pod);
                }
            }
            ActionKind::EvictPod(target) => {
                if let Some(pod) = self.find_pod(target) {
                    self.disrupt_pod(pod, "EvictionByEvictionAPI");
                }
            }
            ActionKind::DeleteNode(node) => {
                if let Some(i) = self.store.nodes.iter().position(|n| &n.name == node) {
                    pod_gc::node_deleted(self, NodeId(i as u32));
                }
            }
            ActionKind::NodeDown { node, duration } => {
                if let Some(i) = self.store.nodes.iter().position(|n| &n.name == node) {
                    node_lifecycle::node_down(self, NodeId(i as u32), *duration);
                }
            }
            ActionKind::SuspendCronJob(name) => cronjob::controller::set_suspend(self, name, true),
            ActionKind::ResumeCronJob(name) => cronjob::controller::set_suspend(self, name, false),
            ActionKind::ScheduleCronJob { name, to } => {
                cronjob::controller::set_schedule(self, name, to)
            }
        }
    }

    /// A pod named by an action: its exact name, else the oldest active pod of the Job of
    /// that name, else of `<job>-<index>`. An action that finds no pod leaves an event.
    fn find_pod(&mut self, target: &str) -> Option<PodId> {
        let found = self.store.pod_names.get(target).copied().or_else(|| {
            let by_job = |w: &World<'_>, job: &str, index: Option<u32>| {
                let id = job::find(w, job)?;
                w.store
                    .job(id)
                    .active
                    .iter()
                    .copied()
                    .find(|&p| index.is_none() || w.store.pod(p).index == index)
            };
            by_job(self, target, None).or_else(|| {
                let (job, index) = target.rsplit_once('-')?;
                by_job(self, job, Some(index.parse().ok()?))
            })
        });
        if found.is_none() {
            self.emit(
                ObjectRef::Pod(target),
                "NotFound",
                "jobsim action: no such pod exists at this time",
            );
        }
        found
    }

    /// False once nothing can change any more: every Job is finished or gone, no
    /// workload or action waits its turn and no CronJob will create more Jobs. Random node
    /// faults stop then, so runs end.
    pub fn work_left(&self) -> bool {
        self.submits_left > 0
            || self.actions_left > 0
            || self
                .store
                .cronjobs
                .iter()
                .any(|(_, c)| c.spec.suspend != Some(true))
            || self
                .store
                .jobs
                .iter()
                .any(|(_, j)| j.deleted_at.is_none() && !j.status.is_finished())
    }
}

fn saturating_i64(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// The pod-template information the kubelet and scheduler need, computed once per Job.
pub fn template_info(spec: &PodSpec, behavior: &Behavior) -> PodTemplateInfo {
    let sum = |list: &[crate::api::Container]| {
        list.iter().fold(Resources::default(), |acc, c| {
            let r = container_request(c);
            Resources {
                cpu_m: acc.cpu_m + r.cpu_m,
                memory: acc.memory + r.memory,
            }
        })
    };
    // Effective request (reference §18.4): max(largest init container, sum of app containers).
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
        }
    }
}

/// Runs a scenario to its end (or `horizon`), reports every pod and Job record to `sink`
/// and returns the final state. The one entry point of a simulation.
/// Without `horizon`, the scenario's own (or the default for scenarios with CronJobs).
pub fn simulate(scenario: &Scenario, sink: &mut dyn Sink, horizon: Option<SimTime>) -> RunResult {
    simulate_observed(scenario, sink, horizon, &mut |_| {})
}

/// How often (in events) a run reports its progress.
pub const PROGRESS_EVERY: u64 = 1 << 16;

/// [`simulate`] with a progress callback (simulated time, every [`PROGRESS_EVERY`] events).
pub fn simulate_observed(
    scenario: &Scenario,
    sink: &mut dyn Sink,
    horizon: Option<SimTime>,
    progress: &mut dyn FnMut(SimTime),
) -> RunResult {
    let mut w = World::new(scenario, sink);
    let outcome = w.run_observed(horizon.or(scenario.effective_horizon()), progress);
    w.flush_records(outcome.end);
    w.result(outcome)
}

impl World<'_> {
    /// Reports a pod to the sink and folds it into the run's statistics.
    fn record_pod(&mut self, id: PodId, end: SimTime) {
        let store = &self.store;
        let pod = store.pod(id);
        let job = store.job(pod.job);
        self.pod_stats.add(pod, end);
        self.sink.pod(&PodRecord {
            pod: &pod.name,
            job: &job.metadata.name,
            index: pod.index,
            attempt: pod.attempt,
            node: pod.node.map(|n| store.nodes[n.0 as usize].name.as_str()),
            created: pod.created,
            scheduled: pod.scheduled,
            started: pod.started,
            finished: pod.finished,
            phase: pod.phase.as_str(),
            reason: pod.reason,
            exit_code: pod.exit_code,
            restarts: pod.restarts(),
        });
    }

    /// Reports a Job to the sink; standalone Jobs are also kept for the summary.
    fn record_job(&mut self, id: JobId) {
        let job = self.store.job(id);
        self.sink.job(&result::job_record(job));
        if job.owner.is_none() {
            self.job_results.push((id, result::job_result(job)));
        }
    }

    /// The API deletes a Job with propagation: its active pods are deleted, and the Job and
    /// its pods leave the store once every pod is terminal (their records are written
    /// then). Foreground and background propagation look the same here, because pods stop
    /// at once.
    pub fn delete_job(&mut self, id: JobId) {
        let now = self.now();
        let job = self.store.job_mut(id);
        if job.deleted_at.is_some() {
            return;
        }
        job.deleted_at = Some(now);
        self.last_activity = now;
        let active: Vec<PodId> = job.active.iter().copied().collect();
        for pod in active {
            self.delete_pod(pod);
        }
        self.reap_job(id);
        if let Some(cj) = self.store.job_owners.remove(&id) {
            cronjob::controller::job_deleted(self, cj, id);
        }
    }

    /// Removes a deleted Job whose pods are all terminal, with its pods.
    fn reap_job(&mut self, id: JobId) {
        let job = self.store.job(id);
        if job.deleted_at.is_none() {
            return;
        }
        let pods = job.pods.clone();
        if pods.iter().any(|&p| !self.store.pod(p).phase.is_terminal()) {
            return;
        }
        let now = self.now();
        for &p in &pods {
            self.record_pod(p, now);
            if let Some(pod) = self.store.pods.remove(p.0) {
                self.store.pod_names.remove(&pod.name);
            }
        }
        self.record_job(id);
        if let Some(job) = self.store.jobs.remove(id.0) {
            let key = format!("{}/{}", job.metadata.namespace(), job.metadata.name);
            if self.store.job_names.get(&key) == Some(&id) {
                self.store.job_names.remove(&key);
            }
        }
    }

    /// Reports every pod and Job still in the store, in creation order.
    fn flush_records(&mut self, end: SimTime) {
        let pods: Vec<PodId> = self.store.pods.iter().map(|(i, _)| PodId(i)).collect();
        for p in pods {
            self.record_pod(p, end);
        }
        let jobs: Vec<JobId> = self.store.jobs.iter().map(|(i, _)| JobId(i)).collect();
        for j in jobs {
            self.record_job(j);
        }
    }

    fn result(&mut self, outcome: RunOutcome) -> RunResult {
        let mut jobs = std::mem::take(&mut self.job_results);
        jobs.sort_by_key(|(id, _)| *id);
        let cronjob_ids: Vec<CronJobId> = self
            .store
            .cronjobs
            .iter()
            .map(|(i, _)| CronJobId(i))
            .collect();
        for &id in &cronjob_ids {
            cronjob::controller::finish_accounting(self, id, outcome.end);
        }
        let seed = self.scenario.seed;
        let mut items: Vec<serde_json::Value> = self
            .store
            .jobs
            .iter()
            .filter(|(_, j)| j.deleted_at.is_none())
            .map(|(i, j)| {
                let mut object = result::job_object(j, &self.clock, seed);
                if let Some(cj) = self.store.job_owners.get(&JobId(i)) {
                    cronjob::output::add_owner_reference(
                        &mut object,
                        self.store.cronjob(*cj),
                        seed,
                    );
                }
                object
            })
            .collect();
        let cronjobs = cronjob_ids
            .iter()
            .map(|&id| cronjob::output::cronjob_result(self.store.cronjob(id), &self.clock))
            .collect();
        items.extend(
            cronjob_ids.iter().map(|&id| {
                cronjob::output::cronjob_object(self.store.cronjob(id), &self.clock, seed)
            }),
        );
        let nodes = self
            .store
            .nodes
            .iter()
            .map(|n| NodeResult {
                name: n.name.clone(),
                pool: self.scenario.pools[n.pool].name.clone(),
                alloc: n.alloc,
                pods: n.max_pods,
            })
            .collect();
        let jobs: Vec<_> = jobs.into_iter().map(|(_, r)| r).collect();
        let metrics = self
            .pod_stats
            .metrics(&self.store.nodes, &jobs, outcome.end);
        RunResult {
            scenario: self.scenario.name.clone(),
            seed: self.scenario.seed,
            start: self.scenario.start,
            end: outcome.end,
            events_processed: outcome.events_processed,
            horizon_reached: outcome.horizon_reached,
            metrics,
            jobs,
            cronjobs,
            nodes,
            objects: serde_json::json!({
                "apiVersion": "v1",
                "kind": "List",
                "metadata": {"resourceVersion": ""},
                "items": items,
            }),
        }
    }
}
