//! The final state of a run, extracted from the store once the engine stops: per-Job
//! results, nodes and the Kubernetes objects as they stand. Owned data, so the report
//! layer can work after the simulation is gone.

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::JobRecord;
use super::schema::{
    JobKind, JobObject, JobObjectStatus, ObjectList, ServerMeta, UncountedTerminatedPods,
};
use crate::api::job::JobCondition;
use crate::time::{Clock, SimTime};
use crate::world::store::job::SCHEDULED_TIMESTAMP_ANNOTATION;
use crate::world::store::{Condition, ConditionType, JobState, Node, Pod, PodPhase, Resources};

/// The result of one Job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobResult {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `cronjob/NAME` when a CronJob created it.
    pub owner: Option<String>,
    /// `NonIndexed` or `Indexed`.
    pub completion_mode: &'static str,
    /// `spec.parallelism`.
    pub parallelism: i32,
    /// `spec.completions`, if set.
    pub completions: Option<i32>,
    /// `Complete`, `Failed`, `Suspended` or `Running`.
    pub outcome: &'static str,
    /// The reason of the condition behind the outcome.
    pub reason: String,
    /// The message of that condition.
    pub message: String,
    /// `status.succeeded`.
    pub succeeded: i32,
    /// `status.failed`.
    pub failed: i32,
    /// Pods created for it.
    pub pods: u32,
    /// When it was created.
    pub created: SimTime,
    /// When `status.startTime` was set.
    pub started: Option<SimTime>,
    /// When `Complete` or `Failed` was set.
    pub finished: Option<SimTime>,
    /// When it was deleted, if it was.
    pub deleted: Option<SimTime>,
    /// `status.completedIndexes` of an Indexed Job.
    pub completed_indexes: Option<String>,
    /// `status.failedIndexes`, only with `backoffLimitPerIndex`.
    pub failed_indexes: Option<String>,
    /// What one pod of its template requests.
    pub pod_requests: Resources,
    /// The cost charged to its pods by their requests × run time, when the pools are
    /// priced (see [`super::cost`]).
    pub cost: Option<f64>,
}

impl JobResult {
    /// From creation to finish, if it finished.
    pub fn makespan(&self) -> Option<SimTime> {
        self.finished.map(|f| f - self.created)
    }
}

/// What became of a CronJob's schedule times and Jobs. Each due time is counted once, when
/// its fate is known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScheduleCounts {
    pub jobs_created: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// Due times reported `JobAlreadyActive` under Forbid that never got a Job.
    pub skipped: u64,
    /// Due times reported `JobAlreadyActive` that got their Job later, once the active Job
    /// finished.
    pub delayed: u64,
    /// Active Jobs deleted by `Replace`.
    pub replaced: u64,
    /// Times older than `now − startingDeadlineSeconds` when the controller looked.
    pub missed_deadline: u64,
    /// Other times that never got a Job: suspended, superseded by a later time in the same
    /// catch-up sync, or passed over by the controller's missed-time estimate.
    pub missed: u64,
}

/// The result of one CronJob: what became of its schedule times and its Jobs.
#[derive(Debug, Clone, PartialEq)]
pub struct CronJobResult {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `spec.schedule`.
    pub schedule: String,
    /// `spec.timeZone`, if set.
    pub time_zone: Option<String>,
    /// `Allow`, `Forbid` or `Replace`.
    pub concurrency_policy: &'static str,
    /// `spec.suspend` at the end.
    pub suspend: bool,
    /// `(from, to)` of each time `spec.suspend` was true during the run (`to` open at the
    /// end); empty when it never was, or was from creation to the end.
    pub suspensions: Vec<(SimTime, Option<SimTime>)>,
    /// What became of its schedule times and Jobs.
    pub counts: ScheduleCounts,
    /// Jobs in `status.active` at the end.
    pub active: usize,
    /// `status.lastScheduleTime` (RFC 3339, UTC).
    pub last_schedule_time: Option<String>,
    /// `status.lastSuccessfulTime` (RFC 3339).
    pub last_successful_time: Option<String>,
    /// Created − scheduled, milliseconds: p50, p99, max (`None` without Jobs).
    pub create_lag_ms: Option<[u64; 3]>,
    /// First pod running − scheduled, milliseconds: p50, p99, max.
    pub start_lag_ms: Option<[u64; 3]>,
    /// Effective requests of one pod of its Job template.
    pub pod_requests: Resources,
    /// `status.lastSuccessfulTime` in simulated time.
    pub last_successful: Option<SimTime>,
    /// The cost charged to the pods of its Jobs, when the pools are priced.
    pub cost: Option<f64>,
}

/// One node's allocatable capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeResult {
    /// The node's name (`POOL-N`).
    pub name: String,
    /// The pool it belongs to.
    pub pool: String,
    /// Allocatable CPU (millicores) and memory (bytes).
    pub alloc: Resources,
    /// Pods it can hold.
    pub pods: i64,
}

/// Aggregates over all pods of the run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    /// Pods created.
    pub pods_created: u64,
    /// Pods that succeeded.
    pub pods_succeeded: u64,
    /// Pods that failed.
    pub pods_failed: u64,
    /// Earliest creation to latest finish of the standalone Jobs, when every one of them
    /// finished, either way (`Complete` or `Failed`): the time until all of them were done.
    /// `None` when one was still running, suspended or deleted unfinished at the end.
    pub makespan: Option<SimTime>,
    /// Every Job of the run ended `Complete` (standalone Jobs, and every Job a CronJob
    /// created). A makespan says when the Jobs ended; this says whether they succeeded.
    pub all_complete: bool,
    /// Hours the nodes existed, summed over nodes (from the start, or until a node was
    /// deleted; a NotReady node counts).
    pub node_hours: f64,
    /// What the nodes cost by their pools' prices and billing rules; `None` without prices.
    pub cost: Option<f64>,
    /// The share of `cost` no pod's requests were charged for; `None` without prices.
    pub idle_share: Option<f64>,
    /// Succeeded pods per hour of simulated time.
    pub throughput_per_hour: f64,
    /// Requested CPU-seconds of running pods over allocatable CPU-seconds.
    pub cpu_utilisation: f64,
    /// CPU-seconds requested by pod runs that did not succeed.
    pub wasted_cpu_seconds: f64,
    /// Pod wait (created → started) percentiles in milliseconds: p50, p90, p99, max.
    pub wait_ms: [u64; 4],
}

/// Everything the outputs need once the run is over.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The scenario's name.
    pub scenario: String,
    /// The seed of the random streams.
    pub seed: u64,
    /// The instant simulated time 0 stands for.
    pub start: Timestamp,
    /// Simulated time the run ended at.
    pub end: SimTime,
    /// Events the engine handled.
    pub events_processed: u64,
    /// The run was cut by its horizon.
    pub horizon_reached: bool,
    /// Standalone Jobs (not created by a CronJob), in creation order.
    pub jobs: Vec<JobResult>,
    /// One per CronJob, in creation order.
    pub cronjobs: Vec<CronJobResult>,
    /// Every node, in name order of creation.
    pub nodes: Vec<NodeResult>,
    /// Run-wide metrics.
    pub metrics: Metrics,
    /// Node-hours and cost of each node pool, in pool order.
    pub pools: Vec<super::cost::PoolUsage>,
    /// The currency of the prices (`spec.currency`), when the pools are priced.
    pub currency: Option<String>,
    /// `objects.json`: a Kubernetes `List` of the Jobs and CronJobs that exist at the end.
    pub objects: ObjectList,
}

/// A Job's outcome (`Complete`, `Failed`, `Suspended` or `Running`) and the condition
/// that says why.
fn outcome(job: &JobState) -> (&'static str, Option<&Condition>) {
    let status = &job.status;
    if let Some(c) = status.condition(ConditionType::Complete) {
        ("Complete", Some(c))
    } else if let Some(c) = status.condition(ConditionType::Failed) {
        ("Failed", Some(c))
    } else if let Some(c) = status.condition(ConditionType::Suspended) {
        ("Suspended", Some(c))
    } else {
        (
            "Running",
            status
                .condition(ConditionType::FailureTarget)
                .or(status.condition(ConditionType::SuccessCriteriaMet)),
        )
    }
}

/// The `jobs.csv` row of a Job, borrowed from the store (no copies on the record path).
pub(crate) fn job_record(job: &JobState) -> JobRecord<'_> {
    let (outcome, cond) = outcome(job);
    JobRecord {
        job: &job.metadata.name,
        owner: job.owner.as_ref().map(|o| &*o.reference),
        created: job.created,
        started: job.first_started,
        finished: job.finished_at,
        outcome,
        reason: cond.map_or("", |c| c.reason),
        succeeded: job.status.succeeded,
        failed: job.status.failed,
        pods: job.created_pods,
        deleted: job.deleted_at,
    }
}

pub(crate) fn job_result(job: &JobState) -> JobResult {
    let (outcome, cond) = outcome(job);
    JobResult {
        name: job.metadata.name.clone(),
        namespace: job.metadata.namespace().to_string(),
        owner: job.owner.as_ref().map(|o| o.reference.to_string()),
        completion_mode: if job.spec.is_indexed() {
            "Indexed"
        } else {
            "NonIndexed"
        },
        parallelism: job.spec.parallelism(),
        completions: job.spec.completions,
        outcome,
        reason: cond.map(|c| c.reason.to_string()).unwrap_or_default(),
        message: cond.map(|c| c.message.to_string()).unwrap_or_default(),
        succeeded: job.status.succeeded,
        failed: job.status.failed,
        pods: job.created_pods,
        created: job.created,
        started: job.first_started,
        finished: job.finished_at,
        deleted: job.deleted_at,
        completed_indexes: job.indexes.as_ref().map(|ix| ix.completed_indexes()),
        failed_indexes: job
            .indexes
            .as_ref()
            .filter(|_| job.spec.backoff_limit_per_index.is_some())
            .map(|ix| ix.failed_indexes()),
        pod_requests: job.template.request,
        cost: None,
    }
}

/// What the run's statistics read of a pod: its phase, times and CPU request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodTimes {
    pub phase: PodPhase,
    pub created: SimTime,
    pub scheduled: Option<SimTime>,
    pub started: Option<SimTime>,
    pub finished: Option<SimTime>,
    pub cpu_m: i64,
}

impl PodTimes {
    pub fn of(pod: &Pod) -> PodTimes {
        PodTimes {
            phase: pod.phase,
            created: pod.created,
            scheduled: pod.scheduled,
            started: pod.started,
            finished: pod.finished,
            cpu_m: pod.request.cpu_m,
        }
    }
}

/// Statistics folded over every pod as it is recorded, so they survive pods that leave
/// the store during the run.
#[derive(Debug, Clone, Default)]
pub struct PodStats {
    created: u64,
    succeeded: u64,
    failed: u64,
    /// Start − creation per started pod, kept as counts per value so that a year of
    /// CronJob pods does not grow memory (the percentiles are the same).
    waits: crate::world::store::cronjob::Samples,
    cpu_seconds: f64,
    wasted_cpu_seconds: f64,
}

impl PodStats {
    /// Adds one pod; a pod still running is counted up to `end`.
    pub fn add(&mut self, pod: &Pod, end: SimTime) {
        self.add_times(&PodTimes::of(pod), end);
    }

    /// Adds one pod from what the statistics read of it.
    pub fn add_times(&mut self, pod: &PodTimes, end: SimTime) {
        self.created += 1;
        match pod.phase {
            PodPhase::Succeeded => self.succeeded += 1,
            PodPhase::Failed => self.failed += 1,
            _ => {}
        }
        if let Some(s) = pod.started {
            self.waits.push(s - pod.created);
        }
        if let Some(sched) = pod.scheduled {
            let held_ms = pod.finished.unwrap_or(end).saturating_sub(sched) as f64;
            let cpu_s = pod.cpu_m as f64 / 1000.0 * held_ms / 1000.0;
            self.cpu_seconds += cpu_s;
            if pod.phase != PodPhase::Succeeded {
                self.wasted_cpu_seconds += cpu_s;
            }
        }
    }

    pub fn metrics(&mut self, nodes: &[Node], jobs: &[JobResult], end: SimTime) -> Metrics {
        let waits = &self.waits;
        let pct = |p: u64| {
            if waits.is_empty() {
                0
            } else {
                waits.nth(((waits.len() - 1) * p) / 100).unwrap_or(0)
            }
        };
        let mut m = Metrics {
            pods_created: self.created,
            pods_succeeded: self.succeeded,
            pods_failed: self.failed,
            wasted_cpu_seconds: self.wasted_cpu_seconds,
            wait_ms: [
                pct(50),
                pct(90),
                pct(99),
                waits
                    .len()
                    .checked_sub(1)
                    .and_then(|last| waits.nth(last))
                    .unwrap_or(0),
            ],
            ..Metrics::default()
        };
        if !jobs.is_empty() && jobs.iter().all(|j| j.finished.is_some()) {
            let first = jobs.iter().map(|j| j.created).min().unwrap_or(0);
            let last = jobs.iter().filter_map(|j| j.finished).max().unwrap_or(0);
            m.makespan = Some(last - first);
        }
        if end > 0 {
            m.throughput_per_hour = self.succeeded as f64 * 3_600_000.0 / end as f64;
            let alloc_cpu_s: f64 = nodes
                .iter()
                .map(|n| n.alloc.cpu_m as f64 / 1000.0 * end as f64 / 1000.0)
                .sum();
            if alloc_cpu_s > 0.0 {
                m.cpu_utilisation = self.cpu_seconds / alloc_cpu_s;
            }
        }
        m
    }
}

/// A deterministic stand-in for a UID, shaped like one.
pub fn uid_string(seed: u64, uid: u64) -> String {
    format!(
        "{:08x}-{:04x}-4000-8000-{:012x}",
        (seed & 0xffff_ffff) as u32,
        (seed >> 32) as u16,
        uid
    )
}

/// A Job as `kubectl get job -o json` would show it at the end of the run.
pub(crate) fn job_object(job: &JobState, clock: &Clock, seed: u64) -> JobObject {
    let uid = uid_string(seed, job.uid);
    let mut spec = serde_json::to_value(&*job.spec).unwrap_or(Value::Null);
    // The API server's selector and template labels (job-semantics §1.2).
    if let Some(obj) = spec.as_object_mut() {
        obj.insert(
            "selector".into(),
            json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}),
        );
        if let Some(labels) = obj
            .get_mut("template")
            .and_then(|t| t.as_object_mut())
            .map(|t| t.entry("metadata").or_insert_with(|| json!({})))
            .and_then(|m| m.as_object_mut())
            .map(|m| m.entry("labels").or_insert_with(|| json!({})))
            .and_then(|l| l.as_object_mut())
        {
            labels.insert("batch.kubernetes.io/controller-uid".into(), json!(uid));
            labels.insert(
                "batch.kubernetes.io/job-name".into(),
                json!(job.metadata.name),
            );
            labels.insert("controller-uid".into(), json!(uid));
            labels.insert("job-name".into(), json!(job.metadata.name));
        }
    }
    let mut metadata = ServerMeta {
        name: job.metadata.name.clone(),
        namespace: job.metadata.namespace().to_string(),
        uid: Some(uid),
        creation_timestamp: Some(clock.rfc3339(job.created)),
        labels: None,
        annotations: None,
        owner_references: None,
    };
    if !job.metadata.labels.is_empty() {
        metadata.labels = Some(string_map(&job.metadata.labels));
    } else if let Some(Value::Object(template_labels)) = spec.pointer("/template/metadata/labels") {
        // A Job created without labels reads back with its template's labels, the
        // generated ones included: defaulting (job-semantics §1.1) runs again when the API
        // server decodes the stored object, after job-semantics §1.2 added them to the template.
        metadata.labels = Some(template_labels.clone());
    }
    if let Some(owner) = &job.owner {
        // A CronJob's Job: its scheduled-timestamp annotation is kept with the owner.
        let mut annotations = job.metadata.annotations.clone();
        annotations.insert(
            SCHEDULED_TIMESTAMP_ANNOTATION.to_string(),
            owner.scheduled.clone(),
        );
        metadata.annotations = Some(string_map(&annotations));
    } else if !job.metadata.annotations.is_empty() {
        metadata.annotations = Some(string_map(&job.metadata.annotations));
    }
    let object = |status| JobObject {
        api_version: "batch/v1".into(),
        kind: JobKind::Job,
        metadata,
        spec,
        status,
    };
    let s = &job.status;
    if job
        .spec
        .managed_by
        .as_deref()
        .is_some_and(|m| m != "kubernetes.io/job-controller")
    {
        // The Job controller never writes a Job another controller manages (job-semantics
        // §4.3 step 2).
        return object(JobObjectStatus::default());
    }
    let nonzero = |v: i32| (v != 0).then_some(v);
    let mut status = JobObjectStatus {
        conditions: s
            .conditions
            .iter()
            .map(|c| JobCondition {
                condition_type: c.kind.as_str().to_string(),
                status: if c.status { "True" } else { "False" }.to_string(),
                last_probe_time: clock.rfc3339(c.time),
                last_transition_time: clock.rfc3339(c.time),
                reason: c.reason.to_string(),
                message: c.message.to_string(),
            })
            .collect(),
        start_time: s.start_time.map(|t| clock.rfc3339(t)),
        completion_time: s.completion_time.map(|t| clock.rfc3339(t)),
        active: nonzero(s.active),
        succeeded: nonzero(s.succeeded),
        failed: nonzero(s.failed),
        ready: Some(s.ready),
        terminating: Some(s.terminating),
        completed_indexes: None,
        failed_indexes: None,
        uncounted_terminated_pods: Some(UncountedTerminatedPods::default()),
    };
    if let Some(ix) = &job.indexes {
        let completed = ix.completed_indexes();
        if !completed.is_empty() {
            status.completed_indexes = Some(completed);
        }
        // `""` rather than absent while backoffLimitPerIndex is set (job-semantics §12).
        if job.spec.backoff_limit_per_index.is_some() {
            status.failed_indexes = Some(ix.failed_indexes());
        }
    }
    object(status)
}

/// Labels or annotations as the objects print them (string values, in key order).
pub(crate) fn string_map(map: &std::collections::BTreeMap<String, String>) -> Map<String, Value> {
    map.iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}
