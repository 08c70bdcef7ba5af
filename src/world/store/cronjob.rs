//! What the store keeps for each CronJob: its defaulted spec, its status as the controller
//! writes it (`active`, `lastScheduleTime`, `lastSuccessfulTime`), and the controller's own
//! in-memory bookkeeping — the informer's index of owned Jobs, the workqueue entry of this
//! key, the parsed schedule and the per-CronJob statistics of the run.
//!
//! Data only: the rules that change it live in `controllers::cronjob`. Nothing here reads
//! the clock or emits events.

use std::sync::Arc;

use jiff::Timestamp;

use super::{JobId, PodTemplateInfo};
use crate::api::{CronJobSpec, Job, JobSpec, ObjectMeta};
use crate::cron::schedule::Schedule;
use crate::record::result::ScheduleCounts;
use crate::scenario::Behavior;
use crate::time::SimTime;

/// How an owned Job finished, from its first True `Complete`/`Failed` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    Complete,
    Failed,
}

/// What the CronJob controller's Job lister holds of one owned Job: the fields a sync
/// reads, as its informer last saw them. Only a Job controller sync writes them, and the
/// informer refreshes the entry after each (`controllers::cronjob::informer::job_synced`),
/// so a sync reads them here without touching the Job (which the records' buffers have
/// usually pushed out of the cache since).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnedJob {
    pub id: JobId,
    pub uid: u64,
    pub finished: Option<Finished>,
    pub start_time: Option<SimTime>,
    pub completion_time: Option<SimTime>,
}

/// An entry of `status.active`: an `ObjectReference` to a Job this controller created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveJob {
    pub id: JobId,
    pub uid: u64,
    pub name: String,
}

/// `status` of a CronJob.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CronJobStatus {
    pub active: Vec<ActiveJob>,
    /// The scheduled instant of the last Job created (whole seconds).
    pub last_schedule_time: Option<Timestamp>,
    /// The latest `completionTime` of a `Complete` owned Job (simulated, whole-second).
    pub last_successful_time: Option<SimTime>,
}

impl CronJobStatus {
    pub fn is_active(&self, uid: u64) -> bool {
        self.active.iter().any(|a| a.uid == uid)
    }

    /// Removes every entry of `uid`, as [`remove_active`](Self::remove_active) does, and
    /// hands back the first.
    pub fn take_active(&mut self, uid: u64) -> Option<ActiveJob> {
        let i = self.active.iter().position(|a| a.uid == uid)?;
        let entry = self.active.remove(i);
        // Any later entry of the same Job goes too (there is none unless a status was
        // written twice; `remove_active` would drop them all).
        self.remove_active(uid);
        Some(entry)
    }

    /// Removes the entry of `uid`; true if there was one.
    pub fn remove_active(&mut self, uid: u64) -> bool {
        let before = self.active.len();
        self.active.retain(|a| a.uid != uid);
        self.active.len() != before
    }
}

/// The schedule as the controller parses it on each sync (`formatSchedule` then
/// `ParseStandard`), kept until the schedule is edited.
#[derive(Debug, Clone)]
pub struct ParsedSchedule {
    /// The parsed schedule, or robfig's error text.
    pub schedule: Result<Arc<Schedule>, String>,
    /// The schedule itself contains `TZ`: `UnsupportedSchedule` on every sync.
    pub tz_in_schedule: bool,
    /// `spec.timeZone` does not load (`UnknownTimeZone`): Go's error text.
    pub time_zone_error: Option<String>,
    /// `Next` of the last two instants asked, remembered because every sync between two
    /// runs asks for them again (`Next` is a pure function of its argument).
    pub next_after: [Option<(Timestamp, Option<Timestamp>)>; 2],
}

/// Samples kept as counts per value: a year of a minutely CronJob is 525,600 lags of a few
/// hundred distinct values, so memory stays flat over simulated time while the percentiles
/// stay exact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Samples {
    counts: std::collections::BTreeMap<u64, u64>,
    len: u64,
}

impl Samples {
    pub fn push(&mut self, value: u64) {
        *self.counts.entry(value).or_default() += 1;
        self.len += 1;
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `rank`-th smallest sample (from 0), if there are that many.
    pub fn nth(&self, rank: u64) -> Option<u64> {
        let mut seen = 0;
        for (&value, &count) in &self.counts {
            seen += count;
            if rank < seen {
                return Some(value);
            }
        }
        None
    }
}

/// What became of the CronJob's schedule times, for the summary, and the bookkeeping that
/// decides it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CronJobStats {
    pub counts: ScheduleCounts,
    /// Created − scheduled, per Job, in milliseconds.
    pub create_lag_ms: Samples,
    /// First pod running − scheduled, per Job, in milliseconds.
    pub start_lag_ms: Samples,
    /// Every schedule time up to here has been counted above.
    pub accounted_until: Option<Timestamp>,
    /// Due times reported `JobAlreadyActive` since `accounted_until`, ascending.
    pub blocked: Vec<Timestamp>,
    /// Times up to here are past the starting deadline (the latest `now − SDS` seen).
    pub deadline_until: Option<Timestamp>,
    /// When `spec.suspend` was changed during the run: `(from, to)` of each suspension,
    /// `to` open while it lasts (a CronJob created suspended starts at its creation).
    pub suspensions: Vec<(SimTime, Option<SimTime>)>,
}

/// What a creation submits: the Job built from `spec.jobTemplate` and the workload's
/// behaviour for its pods.
#[derive(Debug, Clone)]
pub struct JobRequest {
    pub job: Job,
    pub behavior: Behavior,
    /// `job.spec` and the pod template built from it with `behavior`, built once and
    /// shared by every Job this CronJob creates.
    pub spec: Arc<JobSpec>,
    pub template: Arc<PodTemplateInfo>,
    /// `cronjob/NAME`, the owner every created Job names.
    pub owner_reference: Arc<str>,
}

/// One CronJob in the store.
#[derive(Debug, Clone)]
pub struct CronJobState {
    pub metadata: ObjectMeta,
    pub uid: u64,
    /// The defaulted spec (history limits, policy and suspend are always set).
    pub spec: CronJobSpec,
    /// `metadata.creationTimestamp` (simulated, whole-second).
    pub created: SimTime,
    /// The same as a wall-clock instant, which every sync reads.
    pub created_at: Timestamp,
    pub status: CronJobStatus,

    // ---- controller bookkeeping (informer index, workqueue, caches) ----
    /// Jobs whose controller owner is this CronJob and that are not deleted, in creation
    /// order (the lister's answer to "Jobs owned by this CronJob").
    pub owned: Vec<OwnedJob>,
    /// An immediate sync is queued and not yet processed (the workqueue's dirty set).
    pub sync_queued: bool,
    /// The delaying queue's ready time for this key (`AddAfter` keeps the earliest).
    pub waiting: Option<SimTime>,
    pub parsed: ParsedSchedule,
    /// The Job the next creation submits (its name is set per creation; the
    /// scheduled-timestamp annotation goes with the owner reference) and the behaviour of
    /// its pods.
    pub job_request: Option<JobRequest>,
    /// The scheduled time of each owned Job that has not started yet (for the lag).
    pub unstarted: Vec<(JobId, Timestamp)>,
    pub stats: CronJobStats,
}

impl CronJobState {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }
    pub fn suspended(&self) -> bool {
        self.spec.suspend == Some(true)
    }
}
