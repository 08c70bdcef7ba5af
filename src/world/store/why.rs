//! Why a pod exists and how it ended, as the controllers decided it (issue 13's `pods.csv`
//! columns `created_for`, `replaces`, `ended_by`, `counted`, `rule`, `restart_times`).
//! Small enums set where the decision is taken — the Job controller, the kubelet, the
//! taint manager, PodGC, the CronJob controller, scripted actions — and written out as text
//! only when the pod is recorded. Data only: the rules stay in the controllers.

use crate::time::SimTime;

/// Why the Job controller created a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CreatedFor {
    /// The Job's first pods (the first sync that created any).
    #[default]
    Initial,
    /// Replaces a pod that failed (counted or not).
    ReplacesFailed,
    /// Replaces a pod a disruption ended: eviction, node loss, PodGC.
    ReplacesDisrupted,
    /// Replaces a pod that was deleted (by the controller on suspend, by a scripted delete).
    ReplacesDeleted,
    /// NonIndexed: more completions are needed after a success.
    NextCompletion,
    /// Indexed: the first pod of a completion index that was free.
    FreeIndex,
    /// More pods than before are wanted: `parallelism` grew (or a resume started the
    /// first pods).
    ScaleUp,
}

impl CreatedFor {
    /// The `created_for` column's text.
    pub fn as_str(self) -> &'static str {
        match self {
            CreatedFor::Initial => "initial",
            CreatedFor::ReplacesFailed => "replaces-failed",
            CreatedFor::ReplacesDisrupted => "replaces-disrupted",
            CreatedFor::ReplacesDeleted => "replaces-deleted",
            CreatedFor::NextCompletion => "next-completion",
            CreatedFor::FreeIndex => "free-index",
            CreatedFor::ScaleUp => "scale-up",
        }
    }
}

/// What ended a pod (the first cause wins: a pod the controller deleted stays "deleted"
/// even though its containers are then killed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndedBy {
    /// Every container exited 0.
    Succeeded,
    /// A container failed (exit code ≠ 0).
    Failed,
    /// A container was OOMKilled.
    OomKilled,
    /// The pod's own `activeDeadlineSeconds` ran out (the kubelet killed it).
    PodDeadline,
    /// Evicted through the Eviction API.
    Evicted,
    /// Its node was lost: the taint manager evicted it, or PodGC failed it.
    NodeLost,
    /// The Job controller deleted it because the Job was suspended.
    DeletedSuspend,
    /// The Job controller deleted it because a `successPolicy` was met.
    DeletedSuccessPolicy,
    /// The Job controller deleted it because the Job failed (backoffLimit, podFailurePolicy
    /// `FailJob`, failed indexes).
    DeletedJobFailed,
    /// The Job controller deleted it because the Job's `activeDeadlineSeconds` passed.
    DeletedJobDeadline,
    /// The Job controller deleted it as surplus (parallelism lowered, duplicate index).
    DeletedSurplus,
    /// Its Job was deleted by the CronJob controller (`concurrencyPolicy: Replace`).
    DeletedCronJobReplace,
    /// Deleted by a scripted action, or with its Job (TTL, history limit, an action).
    Deleted,
}

impl EndedBy {
    /// The `ended_by` column's text.
    pub fn as_str(self) -> &'static str {
        match self {
            EndedBy::Succeeded => "succeeded",
            EndedBy::Failed => "failed",
            EndedBy::OomKilled => "oom-killed",
            EndedBy::PodDeadline => "pod-deadline",
            EndedBy::Evicted => "evicted",
            EndedBy::NodeLost => "node-lost",
            EndedBy::DeletedSuspend => "deleted-suspend",
            EndedBy::DeletedSuccessPolicy => "deleted-success-policy",
            EndedBy::DeletedJobFailed => "deleted-job-failed",
            EndedBy::DeletedJobDeadline => "deleted-job-deadline",
            EndedBy::DeletedSurplus => "deleted-surplus",
            EndedBy::DeletedCronJobReplace => "deleted-cronjob-replace",
            EndedBy::Deleted => "deleted",
        }
    }

    /// The cause a disruption reason (`DisruptionTarget`) stands for.
    pub fn of_disruption(reason: &str) -> EndedBy {
        match reason {
            "EvictionByEvictionAPI" => EndedBy::Evicted,
            _ => EndedBy::NodeLost,
        }
    }
}

/// How the Job counted the pod in `status.succeeded` / `status.failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Counted {
    /// Not decided yet (the pod runs, or the run ended before the Job counted it).
    #[default]
    Undecided,
    /// Counted in `status.succeeded`.
    Succeeded,
    /// Counted in `status.failed`.
    Failed,
    /// Never counted (its finalizer came off uncounted, or an `Ignore` rule matched).
    No,
}

impl Counted {
    /// The `counted` column's text (empty while undecided).
    pub fn as_str(self) -> &'static str {
        match self {
            Counted::Undecided => "",
            Counted::Succeeded => "succeeded",
            Counted::Failed => "failed",
            Counted::No => "no",
        }
    }
}

/// One in-place restart of an `OnFailure` pod's container: the exit that caused it, when
/// the container exited, and when the kubelet started it again (after the crash-loop wait).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restart {
    pub exit_code: i32,
    pub exited: SimTime,
    pub restarted: SimTime,
}

/// The why-record of one pod.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodWhy {
    pub created_for: CreatedFor,
    /// The name of the pod this one replaces (copied once, only for replacements).
    pub replaces: Option<Box<str>>,
    pub ended_by: Option<EndedBy>,
    pub counted: Counted,
    /// The index of the `podFailurePolicy` rule that matched its failure.
    pub rule: Option<u16>,
    /// In-place restarts, in order (empty for most pods: no allocation).
    pub restarts: Vec<Restart>,
}

impl PodWhy {
    /// Records the cause that ended the pod, unless one is already recorded.
    pub fn end(&mut self, cause: EndedBy) {
        self.ended_by.get_or_insert(cause);
    }
}

/// `restart_times`: `EXIT@EXITED>RESTARTED` per restart, `;`-separated, times in seconds
/// with milliseconds (`1@6.020>6.020;1@11.020>21.020`).
pub fn push_restart_times(out: &mut String, restarts: &[Restart]) {
    use std::fmt::Write;
    for (i, r) in restarts.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        let _ = write!(
            out,
            "{}@{}>{}",
            r.exit_code,
            crate::time::seconds_str(r.exited),
            crate::time::seconds_str(r.restarted)
        );
    }
}

/// A pod that stopped without succeeding and may be replaced: what a replacement needs to
/// know of it, kept here so that it survives the pod leaving the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreplaced {
    pub index: Option<u32>,
    /// What its replacement will be created for.
    pub kind: CreatedFor,
    pub name: Box<str>,
}

impl Unreplaced {
    /// The entry for a pod that ended by `cause`, or `None` when no replacement can follow
    /// (a success, or a deletion that ends the Job's need for it).
    pub fn of(index: Option<u32>, cause: Option<EndedBy>, name: &str) -> Option<Unreplaced> {
        let kind = match cause? {
            EndedBy::Failed | EndedBy::OomKilled | EndedBy::PodDeadline => {
                CreatedFor::ReplacesFailed
            }
            EndedBy::Evicted | EndedBy::NodeLost => CreatedFor::ReplacesDisrupted,
            EndedBy::DeletedSuspend | EndedBy::Deleted => CreatedFor::ReplacesDeleted,
            EndedBy::Succeeded
            | EndedBy::DeletedSuccessPolicy
            | EndedBy::DeletedJobFailed
            | EndedBy::DeletedJobDeadline
            | EndedBy::DeletedSurplus
            | EndedBy::DeletedCronJobReplace => return None,
        };
        Some(Unreplaced {
            index,
            kind,
            name: name.into(),
        })
    }
}

/// The Job controller's memory for [`CreatedFor`]: which ended pods still wait for a
/// replacement, and when the first wave was created.
#[derive(Debug, Clone, Default)]
pub struct JobWhy {
    /// Pods that stopped being active without succeeding and have no replacement yet, in
    /// the order they stopped.
    pub unreplaced: std::collections::VecDeque<Unreplaced>,
    /// When the Job's first pods were created (pods created at that instant are the first
    /// wave).
    pub first_wave: Option<SimTime>,
}
