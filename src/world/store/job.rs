//! What the store keeps for each Job: its defaulted spec, its status as the controller
//! writes it, and the Job controller's own in-memory bookkeeping (the informer's view of
//! the Job's pods, the backoff record, pending syncs). The bookkeeping's data types live
//! here too, so the store needs nothing from the controllers; the rules that change them
//! (`impl`s and free functions) stay in `controllers::job`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{CronJobId, PodId, PodTemplateInfo};
use crate::api::JobSpec;
use crate::api::ObjectMeta;
use crate::time::SimTime;

/// A Job condition (job-semantics §16.1). `time` is whole-second, as Kubernetes stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub kind: ConditionType,
    pub status: bool,
    pub reason: &'static str,
    pub message: std::borrow::Cow<'static, str>,
    pub time: SimTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionType {
    Suspended,
    FailureTarget,
    Failed,
    SuccessCriteriaMet,
    Complete,
}

impl ConditionType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionType::Suspended => "Suspended",
            ConditionType::FailureTarget => "FailureTarget",
            ConditionType::Failed => "Failed",
            ConditionType::SuccessCriteriaMet => "SuccessCriteriaMet",
            ConditionType::Complete => "Complete",
        }
    }
}

/// `status` of a Job, in simulated time.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub start_time: Option<SimTime>,
    pub completion_time: Option<SimTime>,
    pub active: i32,
    pub ready: i32,
    pub succeeded: i32,
    pub failed: i32,
    pub terminating: i32,
    pub conditions: Vec<Condition>,
}

impl Status {
    pub fn condition(&self, kind: ConditionType) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == kind && c.status)
    }
    pub fn has(&self, kind: ConditionType) -> bool {
        self.condition(kind).is_some()
    }
    /// `Complete` or `Failed` is True: the controller leaves the Job alone.
    pub fn is_finished(&self) -> bool {
        self.has(ConditionType::Complete) || self.has(ConditionType::Failed)
    }
}

/// `batch.kubernetes.io/cronjob-scheduled-timestamp` (`CronJobScheduledTimestampAnnotation`,
/// GA in 1.32): the scheduled instant in RFC 3339 in the CronJob's zone (UTC without one).
pub const SCHEDULED_TIMESTAMP_ANNOTATION: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// The controller owner of a Job a CronJob created: the one record of who owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRef {
    pub cronjob: CronJobId,
    /// `cronjob/NAME`, as the records print the owner (one copy per CronJob).
    pub reference: Arc<str>,
    /// The value of the Job's [`SCHEDULED_TIMESTAMP_ANNOTATION`]. Kept here, not in
    /// `metadata.annotations`, which the Job's object in `objects.json` merges it into:
    /// nothing else reads it, and a map entry per Job (two keys' worth of strings and a
    /// tree node, made and dropped) cost a year of minutely Jobs ≈ 800 instructions each.
    pub scheduled: String,
}

/// One Job in the store.
#[derive(Debug, Clone)]
pub struct JobState {
    pub metadata: ObjectMeta,
    pub uid: u64,
    /// The defaulted spec, shared with the Jobs made from the same template until a scale
    /// or suspend changes it (`Arc::make_mut`).
    pub spec: Arc<JobSpec>,
    /// The pod template, shared likewise (nothing changes it).
    pub template: Arc<PodTemplateInfo>,
    /// The controlling CronJob, when a CronJob created it (its `ownerReferences`).
    pub owner: Option<OwnerRef>,
    pub created: SimTime,
    /// When `startTime` was first set (simulated, not truncated).
    pub first_started: Option<SimTime>,
    /// When the first of its pods had its containers running.
    pub first_pod_running: Option<SimTime>,
    pub status: Status,
    /// When `Complete`/`Failed` was set (simulated, not truncated).
    pub finished_at: Option<SimTime>,
    pub deleted_at: Option<SimTime>,

    /// Something may delete this Job during the run (a CronJob owns it, it has
    /// `ttlSecondsAfterFinished`, or a scenario action deletes a Job of its name): its pods
    /// stay in the store until the Job goes, and are recorded then.
    pub may_be_deleted: bool,

    // ---- controller bookkeeping (the informer cache and in-memory records) ----
    /// The pods of this Job still in the store, in creation order. Counted, terminal pods
    /// of a Job that nothing deletes leave the store as they are recorded; the list drops
    /// them now and then ([`JobState::pods_gone`] counts those not yet dropped).
    pub pods: Vec<PodId>,
    /// Pods in [`JobState::pods`] that already left the store.
    pub pods_gone: u32,
    /// Pods that are neither terminal nor being deleted.
    pub active: BTreeSet<PodId>,
    /// Pods still holding the tracking finalizer that finished (or, under
    /// `TerminatingOrFailed`, were marked for deletion) since the last sync.
    pub uncounted: Vec<PodId>,
    /// Pods marked for deletion that have not reached a terminal phase.
    pub terminating: i32,
    /// Active pods whose PodReady is True.
    pub ready: i32,
    /// Sum of container restarts over the Job's Pending/Running pods (OnFailure limit).
    pub restart_sum: u64,
    pub backoff: BackoffRecord,
    pub indexes: Option<IndexState>,
    /// Pods created so far (NonIndexed attempt numbers).
    pub created_pods: u32,
    /// A batched sync (1 s after a pod change) is already queued.
    pub batch_sync_queued: bool,
    /// Times of queued delayed syncs (backoff, deadline), to avoid duplicates.
    pub timers: BTreeSet<SimTime>,
    /// The seeded stream of generated pod-name suffixes.
    pub name_rng: rand_chacha::ChaCha8Rng,
    /// What the records say about why its pods exist.
    pub why: super::why::JobWhy,
}

impl JobState {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }
}

/// The Job controller's pod-recreation backoff record (job-semantics §8.1); the rules
/// that update it live in `controllers::job::backoff`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackoffRecord {
    pub failures_after_last_success: u32,
    pub last_failure_time: Option<SimTime>,
}

/// Per-index bookkeeping of an Indexed Job.
#[derive(Debug, Clone, Default)]
pub struct IndexState {
    pub(crate) succeeded: Vec<bool>,
    pub(crate) succeeded_count: usize,
    pub(crate) active: Vec<u16>,
    /// Pods created so far per index (the next pod's `attempt` is this + 1). Never
    /// shrinks: an index dropped by a scale-down and re-run after a scale-up keeps
    /// counting its earlier pods (DESIGN §5: the Nth pod created for the index).
    pub(crate) attempts: Vec<u32>,
    /// Indexes neither succeeded, failed nor held by a pod.
    pub(crate) free: FreeIndexes,
    pub(crate) failed: Vec<bool>,
    pub(crate) failed_count: usize,
    /// Failure history of the indexes that failed at least once (few, so kept sparse).
    pub(crate) failures: BTreeMap<u32, IndexFailures>,
    /// Indexes held by more than one active pod.
    pub(crate) crowded: usize,
    /// `completions` shrank and pods above it may still run.
    pub(crate) shrunk: bool,
}

/// What the next pod of an index inherits from its failed predecessor (job-semantics §2,
/// §8.2).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct IndexFailures {
    /// `job-index-failure-count` and `job-index-ignored-failure-count` for the next pod.
    pub(crate) next_failure_count: u32,
    pub(crate) next_ignored_count: u32,
    /// Per-index backoff: failures counted for the delay and the last failure's time.
    pub(crate) backoff: Option<(u32, SimTime)>,
}

/// The free indexes, stored so that memory grows with the indexes that were started and
/// came back, not with `completions`: every index from `fresh` to `end` was never started;
/// `returned` holds the lower ones that are free again.
#[derive(Debug, Clone, Default)]
pub(crate) struct FreeIndexes {
    pub(crate) fresh: u32,
    pub(crate) end: u32,
    pub(crate) returned: BTreeSet<u32>,
}
