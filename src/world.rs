//! The simulation: the event enum, the [`World`] of one run, the run loop and the single
//! dispatch that hands each event to its controller.
//!
//! Beside it, in files of their own: the object store ([`store`], data only), the API
//! server's writes and informer notifications ([`api_server`]), and the scenario's actions
//! ([`actions`]). Controllers act on the store and schedule events; they never call each
//! other. This file holds routing only: the rules live in `controllers/`, result
//! collection in `record::collect`.

pub mod actions;
pub mod api_server;
pub mod recorder;
mod retire;
pub mod simulation;
pub mod store;

use std::ops::ControlFlow;

use crate::controllers::{cronjob, kubelet, node_lifecycle, pod_gc, scheduler, ttl};
use rand::RngExt;

use crate::engine::{EventQueue, RngStreams};
use crate::record::collect::Collector;
use crate::record::result::RunResult;
use crate::record::{EventsMode, Reason, Sink, SinkError};
use crate::scenario::{Scenario, Timing};
use crate::time::{Clock, SimTime};
pub use recorder::{ObjectId, Source};

#[allow(unused_imports)] // the store vocabulary, for the crate
pub use store::{
    Condition, ConditionType, ContainerPhase, ContainerStatus, CronJobId, CronJobState, JobId,
    JobState, Node, NodeId, OwnerRef, Pod, PodId, PodPhase, PodTemplateInfo, Resources, SeenByJob,
    Status, Store, template_info,
};

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
    /// PodGC's pass over the terminated pods, queued when there are more than its
    /// threshold.
    PodGcTerminated,
    /// The CronJob controller's workqueue hands out a CronJob's key.
    CronJobSync(CronJobId),
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
    /// What the run reports to its sink, and the statistics kept on the way.
    records: Collector<'s>,
    /// The legacy event recorders' correlators (what the API server keeps of events).
    correlator: recorder::Correlator,
    /// Which events become rows.
    events_mode: EventsMode,
    next_uid: u64,
    /// Time of the last change to an object or the last record: stale timers that fire
    /// later (a killed container's planned exit, a spent backoff timer) do not extend
    /// the run.
    last_activity: SimTime,
    /// Workloads not yet submitted.
    submits_left: usize,
    /// Scripted actions not yet carried out.
    actions_left: usize,
    /// Offset of the node controller's 5-second monitor rhythm.
    pub node_monitor_phase: SimTime,
    /// Offset of PodGC's 20-second rhythm.
    pub pod_gc_phase: SimTime,
    /// A PodGC pass over the terminated pods is queued.
    pub pod_gc_terminated_queued: bool,
    /// Pods that may have become counted and terminal in the event being handled; after
    /// it, those that are leave the store ([`World::retire_pods`]).
    pub retiring: Vec<PodId>,
    /// The Job controller's buffers for the pods a sync counts, kept between syncs so that
    /// counting allocates nothing once they have grown.
    pub counted_scratch: (
        Vec<PodId>,
        Vec<crate::controllers::job::backoff::FinishedPod>,
    ),
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
                        cpu_m: store::saturating_i64(pool.cpu.milli()),
                        memory: store::saturating_i64(pool.memory.value()),
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
                    deleted_at: None,
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
        let events_mode = sink.events_mode();
        let mut world = World {
            store,
            queue,
            clock: Clock::new(scenario.start),
            rng: RngStreams::new(scenario.seed),
            timing: scenario.timing.clone(),
            scheduler: scheduler::SchedulerQueue::default(),
            scenario,
            records: Collector::new(sink, scenario),
            correlator: recorder::Correlator::default(),
            events_mode,
            next_uid: 1,
            last_activity: 0,
            submits_left: scenario.workloads.len(),
            actions_left: scenario.actions.len(),
            node_monitor_phase: 0,
            pod_gc_phase: 0,
            pod_gc_terminated_queued: false,
            retiring: Vec::new(),
            counted_scratch: (Vec::new(), Vec::new()),
        };
        // Rows of pods that leave the store early can be written at once only when no
        // Job of the run can be deleted (its rows would come first).
        let jobs_deletable = scenario.workloads.iter().any(|w| match &w.manifest {
            crate::api::Manifest::CronJob(_) => true,
            crate::api::Manifest::Job(j) => j.spec.ttl_seconds_after_finished.is_some(),
        }) || scenario
            .actions
            .iter()
            .any(|a| matches!(a.kind, crate::scenario::ActionKind::DeleteJob(_)));
        world.records.set_streaming(!jobs_deletable);
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

    /// Records a Kubernetes event about an object of the store, as `source` records it
    /// (see [`recorder`]).
    pub fn emit(&mut self, source: Source, object: ObjectId, reason: Reason, message: &str) {
        self.record_event(source, object, 0, reason, message);
    }

    /// Runs until nothing is left to do or the horizon is reached (or the sink fails).
    #[allow(dead_code)] // kept beside `run_observed` for crate callers
    pub fn run(&mut self, horizon: Option<SimTime>) -> RunOutcome {
        self.run_observed(horizon, &mut |_| ControlFlow::Continue(()))
            .unwrap_or_else(|end| RunOutcome {
                end,
                events_processed: self.queue.processed(),
                horizon_reached: false,
            })
    }

    /// [`World::run`], calling `progress` every [`PROGRESS_EVERY`] events (for a progress
    /// bar and for the caller's limits and signals; it cannot change the run, only stop
    /// it). Stops at once when the sink fails or `progress` breaks; `Err` holds the
    /// simulated time it stopped at.
    pub fn run_observed(
        &mut self,
        horizon: Option<SimTime>,
        progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
    ) -> Result<RunOutcome, SimTime> {
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
            if self.records.failed() {
                return Err(now);
            }
            if self.queue.processed().is_multiple_of(PROGRESS_EVERY) {
                let seen = Progress {
                    now,
                    events: self.queue.processed(),
                    pods_created: u64::from(self.store.pods.next_id()),
                };
                if progress(&seen).is_break() {
                    return Err(now);
                }
            }
        }
        let end = match horizon {
            Some(h) if horizon_reached => h,
            _ => self.last_activity,
        };
        Ok(RunOutcome {
            end,
            events_processed: self.queue.processed(),
            horizon_reached,
        })
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
            | Event::PodGc(_)
            | Event::PodGcTerminated => true,
        }
    }

    fn dispatch(&mut self, event: Event) {
        if !self.is_live(&event) {
            return;
        }
        match event {
            Event::Submit(i) => self.submit(i as usize),
            Event::Action(i) => self.action(i as usize),
            Event::JobSync(id) => self.sync_job(id),
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
            Event::PodGcTerminated => pod_gc::collect_terminated(self),
            Event::CronJobSync(id) => cronjob::workqueue::on_event(self, id),
        }
        if !self.retiring.is_empty() {
            self.retire_pods();
        }
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

/// Runs a scenario to its end (or `horizon`), reports every pod and Job record to `sink`
/// and returns the final state. The one entry point of a simulation.
/// Without `horizon`, the scenario's own (or its default,
/// [`Scenario::effective_horizon`]). Stops at the sink's first error and returns it.
pub fn simulate(
    scenario: &Scenario,
    sink: &mut dyn Sink,
    horizon: Option<SimTime>,
) -> Result<RunResult, SimulateError> {
    simulate_observed(scenario, sink, horizon, &mut |_| ControlFlow::Continue(()))
}

/// How often (in events) a run reports its progress.
/// Often enough for limits and signals to stop a run within a millisecond or so.
pub const PROGRESS_EVERY: u64 = 1 << 12;

/// What a run reports to its progress callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Simulated time of the event just processed.
    pub now: SimTime,
    /// Events processed so far.
    pub events: u64,
    /// Pods created so far.
    pub pods_created: u64,
}

/// Why a simulation stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// The sink could not take a record; the run stopped at it.
    #[error(transparent)]
    Sink(#[from] SinkError),
    /// The progress callback asked the run to stop (a limit, a signal).
    #[error("the run was stopped at {} of simulated time", crate::time::format_duration(*.0))]
    Stopped(SimTime),
}

/// [`simulate`] with a progress callback, called every [`PROGRESS_EVERY`] events; the run
/// stops when it returns [`ControlFlow::Break`].
pub fn simulate_observed(
    scenario: &Scenario,
    sink: &mut dyn Sink,
    horizon: Option<SimTime>,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<RunResult, SimulateError> {
    let mut w = World::new(scenario, sink);
    let outcome = w.run_observed(horizon.or(scenario.effective_horizon()), progress);
    finish_run(w, outcome)
}

/// Ends a run that stopped: the last records, the end-of-run accounting, the result; or
/// why it stopped early (the sink failed, or the caller broke it off at that time).
fn finish_run(
    mut w: World<'_>,
    outcome: Result<RunOutcome, SimTime>,
) -> Result<RunResult, SimulateError> {
    if let Some(e) = w.records.take_error() {
        return Err(e.into());
    }
    let outcome = outcome.map_err(SimulateError::Stopped)?;
    let records = &mut w.records;
    w.correlator.close_all(&mut |r| records.event(r));
    w.records.flush(&w.store, outcome.end);
    if let Some(e) = w.records.take_error() {
        return Err(e.into());
    }
    // The CronJob controller's own statistics settle the schedule times still open.
    let cronjobs: Vec<CronJobId> = w.store.cronjobs.iter().map(|(i, _)| CronJobId(i)).collect();
    for id in cronjobs {
        cronjob::accounting::finish_accounting(&mut w, id, outcome.end);
    }
    Ok(w.records.result(&w.store, w.scenario, &w.clock, outcome))
}
