//! Which finished Jobs the history limits delete (`cleanupFinishedJobs`, reference
//! cronjob-semantics §6): a pure function over a snapshot of the owned Jobs. The controller
//! deletes what it returns and emits the events; this file must not touch the store.
//!
//! Successful Jobs (the first `Complete`/`Failed` condition that is True is `Complete`) and
//! failed Jobs are limited independently. When a group is over its limit, it is sorted by
//! `status.startTime` ascending — Jobs without a `startTime` after all others, ties broken
//! by name — and the first `count − limit` are deleted: successful ones first, then failed.

use crate::time::SimTime;
use crate::world::JobId;

/// How an owned Job finished, from its first True `Complete`/`Failed` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    Complete,
    Failed,
}

/// What the cleanup needs to know of one owned Job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryEntry<'a> {
    pub id: JobId,
    pub name: &'a str,
    pub finished: Option<Finished>,
    pub start_time: Option<SimTime>,
}

/// The Jobs to delete, in deletion order. A limit of `None` leaves that group alone; a
/// negative limit (rejected by validation) counts as 0.
pub fn jobs_to_delete(
    jobs: &[HistoryEntry<'_>],
    successful_limit: Option<i32>,
    failed_limit: Option<i32>,
) -> Vec<JobId> {
    let mut out = Vec::new();
    for (kind, limit) in [
        (Finished::Complete, successful_limit),
        (Finished::Failed, failed_limit),
    ] {
        let Some(limit) = limit else { continue };
        let mut group: Vec<&HistoryEntry<'_>> =
            jobs.iter().filter(|j| j.finished == Some(kind)).collect();
        let excess = group.len().saturating_sub(limit.max(0) as usize);
        if excess == 0 {
            continue;
        }
        // byJobStartTime: nil startTime sorts last; equal times (nil included) by name.
        group.sort_by(|a, b| {
            let key = |j: &HistoryEntry<'_>| (j.start_time.is_none(), j.start_time.unwrap_or(0));
            key(a).cmp(&key(b)).then_with(|| a.name.cmp(b.name))
        });
        out.extend(group.iter().take(excess).map(|j| j.id));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        id: u32,
        name: &str,
        finished: Option<Finished>,
        start: Option<u64>,
    ) -> HistoryEntry<'_> {
        HistoryEntry {
            id: JobId(id),
            name,
            finished,
            start_time: start,
        }
    }

    #[test]
    fn oldest_start_time_is_deleted_first() {
        let jobs = [
            entry(0, "c", Some(Finished::Complete), Some(3_000)),
            entry(1, "a", Some(Finished::Complete), Some(1_000)),
            entry(2, "b", Some(Finished::Complete), Some(2_000)),
        ];
        assert_eq!(
            jobs_to_delete(&jobs, Some(1), Some(1)),
            vec![JobId(1), JobId(2)]
        );
    }

    #[test]
    fn jobs_without_start_time_count_as_newest() {
        let jobs = [
            entry(0, "a", Some(Finished::Failed), None),
            entry(1, "b", Some(Finished::Failed), Some(5_000)),
        ];
        assert_eq!(jobs_to_delete(&jobs, Some(3), Some(1)), vec![JobId(1)]);
    }

    #[test]
    fn equal_start_times_are_ordered_by_name() {
        let jobs = [
            entry(0, "job-b", Some(Finished::Complete), Some(1_000)),
            entry(1, "job-a", Some(Finished::Complete), Some(1_000)),
            entry(2, "job-c", Some(Finished::Complete), None),
            entry(3, "job-0", Some(Finished::Complete), None),
        ];
        assert_eq!(
            jobs_to_delete(&jobs, Some(1), None),
            vec![JobId(1), JobId(0), JobId(3)]
        );
    }

    #[test]
    fn unfinished_jobs_are_never_deleted() {
        let jobs = [
            entry(0, "a", None, Some(1_000)),
            entry(1, "b", None, Some(2_000)),
        ];
        assert!(jobs_to_delete(&jobs, Some(0), Some(0)).is_empty());
    }

    #[test]
    fn groups_are_limited_independently_successful_first() {
        let jobs = [
            entry(0, "f1", Some(Finished::Failed), Some(1_000)),
            entry(1, "s1", Some(Finished::Complete), Some(2_000)),
            entry(2, "f2", Some(Finished::Failed), Some(3_000)),
            entry(3, "s2", Some(Finished::Complete), Some(4_000)),
        ];
        assert_eq!(
            jobs_to_delete(&jobs, Some(1), Some(1)),
            vec![JobId(1), JobId(0)]
        );
        assert_eq!(
            jobs_to_delete(&jobs, Some(0), None),
            vec![JobId(1), JobId(3)]
        );
        assert!(jobs_to_delete(&jobs, None, None).is_empty());
    }
}
