//! The reasons of the Kubernetes events jobsim records, as one small enum: an event carries
//! a one-byte [`Reason`] through the recorders and the correlator, and only a writer turns
//! it into text ([`Reason::as_str`]). Each reason's `type` (Normal or Warning) comes from
//! one table, the one the README's list of events follows.

use std::fmt;

use super::EventType;

macro_rules! reasons {
    ($($(#[doc = $doc:literal])* $name:ident: $kind:ident,)*) => {
        /// An event's `reason`, one of those the modelled components record.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Reason {
            $($(#[doc = $doc])* $name,)*
        }

        impl Reason {
            /// Every reason, in declaration order.
            pub const ALL: &'static [Reason] = &[$(Reason::$name),*];
            const NAMES: [&'static str; Reason::ALL.len()] = [$(stringify!($name)),*];
            const TYPES: [EventType; Reason::ALL.len()] = [$(EventType::$kind),*];
        }
    };
}

reasons! {
    // job-controller
    /// A pod was created (`Created pod: POD`); the CronJob controller's Job too.
    SuccessfulCreate: Normal,
    /// A pod (or a CronJob's Job) was deleted.
    SuccessfulDelete: Normal,
    /// The Job completed.
    Completed: Normal,
    /// More pods succeeded than `completions`.
    TooManySucceededPods: Warning,
    /// The Job failed: `backoffLimit` exceeded.
    BackoffLimitExceeded: Warning,
    /// The Job failed: `activeDeadlineSeconds` passed.
    DeadlineExceeded: Warning,
    /// The Job failed: a `podFailurePolicy` rule.
    PodFailurePolicy: Warning,
    /// The Job failed: `maxFailedIndexes` exceeded.
    MaxFailedIndexesExceeded: Warning,
    /// The Job failed: some indexes failed.
    FailedIndexes: Warning,
    /// The Job was suspended.
    Suspended: Normal,
    /// The Job was resumed.
    Resumed: Normal,
    // cronjob-controller
    /// A finished Job was seen.
    SawCompletedJob: Normal,
    /// The due run is blocked by an active Job (`Forbid`).
    JobAlreadyActive: Normal,
    /// An active Job is gone.
    MissingJob: Normal,
    /// A Job the CronJob did not expect.
    UnexpectedJob: Warning,
    /// More than 100 missed start times.
    TooManyMissedTimes: Warning,
    /// A start time was missed (`startingDeadlineSeconds`).
    MissSchedule: Warning,
    /// The schedule yields no time.
    InvalidSchedule: Warning,
    /// The schedule does not parse (sync).
    UnparseableSchedule: Warning,
    /// The schedule does not parse (update).
    UnParseableCronJobSchedule: Warning,
    /// The schedule sets `TZ=`/`CRON_TZ=`.
    UnsupportedSchedule: Warning,
    /// The time zone is not known.
    UnknownTimeZone: Warning,
    // default-scheduler
    /// The pod was bound to a node.
    Scheduled: Normal,
    /// No node fits the pod.
    FailedScheduling: Warning,
    // kubelet
    /// The container's image is there.
    Pulled: Normal,
    /// The container was created.
    Created: Normal,
    /// The container was started.
    Started: Normal,
    /// The container waits in CrashLoopBackOff.
    BackOff: Warning,
    /// The container is being stopped.
    Killing: Normal,
    // node-controller, taint-eviction-controller
    /// The node stopped reporting.
    NodeNotReady: Normal,
    /// The node is back.
    NodeReady: Normal,
    /// The node was removed.
    RemovingNode: Normal,
    /// The pod's toleration of the `unreachable` taint ran out.
    TaintManagerEviction: Normal,
    // jobsim's own notes
    /// A scripted change was refused.
    FailedUpdate: Warning,
    /// A scripted action found no such object.
    NotFound: Warning,
    /// A node went down (a scripted action or a fault).
    NodeDown: Warning,
}

impl Reason {
    /// The reason as Kubernetes writes it (`SuccessfulCreate`).
    pub const fn as_str(self) -> &'static str {
        Reason::NAMES[self as usize]
    }

    /// Kubernetes' `type` of the event: `Warning` for the reasons upstream records as
    /// warnings, `Normal` for the rest.
    pub const fn event_type(self) -> EventType {
        Reason::TYPES[self as usize]
    }

    /// The reason spelled `name`, if jobsim records one so spelled.
    pub fn from_name(name: &str) -> Option<Reason> {
        Reason::ALL.iter().copied().find(|r| r.as_str() == name)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_is_spelled_as_its_variant_and_found_by_name() {
        for &r in Reason::ALL {
            assert_eq!(format!("{r:?}"), r.as_str());
            assert_eq!(Reason::from_name(r.as_str()), Some(r));
        }
        assert_eq!(Reason::from_name("CompletionsReached"), None);
    }

    #[test]
    fn warnings_are_the_reasons_upstream_records_as_warnings() {
        let warnings: Vec<&str> = Reason::ALL
            .iter()
            .filter(|r| r.event_type() == EventType::Warning)
            .map(|r| r.as_str())
            .collect();
        assert_eq!(
            warnings,
            [
                "TooManySucceededPods",
                "BackoffLimitExceeded",
                "DeadlineExceeded",
                "PodFailurePolicy",
                "MaxFailedIndexesExceeded",
                "FailedIndexes",
                "UnexpectedJob",
                "TooManyMissedTimes",
                "MissSchedule",
                "InvalidSchedule",
                "UnparseableSchedule",
                "UnParseableCronJobSchedule",
                "UnsupportedSchedule",
                "UnknownTimeZone",
                "FailedScheduling",
                "BackOff",
                "FailedUpdate",
                "NotFound",
                "NodeDown",
            ]
        );
    }
}
