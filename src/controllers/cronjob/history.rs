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

pub use crate::world::store::cronjob::Finished;

/// What the cleanup needs to know of one owned Job (its name, the last tie-break, is
/// asked for only when two start times are equal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryEntry {
    pub id: JobId,
    pub finished: Option<Finished>,
    pub start_time: Option<SimTime>,
}

/// Over this many deletions in one group, the group is sorted; at most this many, the
/// oldest is picked again and again, which allocates nothing (the usual case deletes one).
const PICK_AT_MOST: usize = 8;

/// Appends the Jobs to delete to `out`, in deletion order. `entry` reads one of `jobs`,
/// `name` gives a Job's name. A limit of `None` leaves that group alone; a negative limit
/// (rejected by validation) counts as 0.
pub fn jobs_to_delete<'n, T>(
    jobs: &[T],
    entry: impl Fn(&T) -> HistoryEntry,
    name: impl Fn(JobId) -> &'n str,
    successful_limit: Option<i32>,
    failed_limit: Option<i32>,
    out: &mut Vec<JobId>,
) {
    // byJobStartTime: nil startTime sorts last; equal times (nil included) by name.
    let before = |a: &HistoryEntry, b: &HistoryEntry| {
        let key = |j: &HistoryEntry| (j.start_time.is_none(), j.start_time.unwrap_or(0));
        key(a).cmp(&key(b)).then_with(|| name(a.id).cmp(name(b.id)))
    };
    for (kind, limit) in [
        (Finished::Complete, successful_limit),
        (Finished::Failed, failed_limit),
    ] {
        let Some(limit) = limit else { continue };
        let in_group = |j: &HistoryEntry| j.finished == Some(kind);
        let count = jobs.iter().filter(|j| in_group(&entry(j))).count();
        let excess = count.saturating_sub(limit.max(0) as usize);
        if excess == 0 {
            continue;
        }
        let first = out.len();
        if excess > PICK_AT_MOST {
            let mut group: Vec<HistoryEntry> =
                jobs.iter().map(&entry).filter(|j| in_group(j)).collect();
            // Stable, as upstream's sort.Sort on a list with distinct names needs no more.
            group.sort_by(|a, b| before(a, b));
            out.extend(group.iter().take(excess).map(|j| j.id));
            continue;
        }
        // The first of the oldest not yet picked, `excess` times: what a stable sort
        // puts first, in its order.
        for _ in 0..excess {
            let mut oldest: Option<HistoryEntry> = None;
            for j in jobs.iter().map(&entry) {
                if !in_group(&j) || out[first..].contains(&j.id) {
                    continue;
                }
                if oldest.is_none_or(|o| before(&j, &o).is_lt()) {
                    oldest = Some(j);
                }
            }
            out.extend(oldest.map(|o| o.id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An owned Job with its name, as the tests write them.
    #[derive(Debug, Clone, Copy)]
    struct Named<'a> {
        entry: HistoryEntry,
        name: &'a str,
    }

    fn entry(id: u32, name: &str, finished: Option<Finished>, start: Option<u64>) -> Named<'_> {
        Named {
            entry: HistoryEntry {
                id: JobId(id),
                finished,
                start_time: start,
            },
            name,
        }
    }

    /// [`super::jobs_to_delete`] over named entries, into a new list.
    fn jobs_to_delete(
        jobs: &[Named<'_>],
        successful_limit: Option<i32>,
        failed_limit: Option<i32>,
    ) -> Vec<JobId> {
        let mut out = Vec::new();
        super::jobs_to_delete(
            jobs,
            |j| j.entry,
            |id| {
                jobs.iter()
                    .find(|j| j.entry.id == id)
                    .map_or("", |j| j.name)
            },
            successful_limit,
            failed_limit,
            &mut out,
        );
        out
    }

    /// The rule as upstream writes it: each group sorted (stably) by start time, then
    /// name, and its first `count − limit` deleted.
    fn sorted_answer(jobs: &[Named<'_>], limits: [Option<i32>; 2]) -> Vec<JobId> {
        let mut out = Vec::new();
        for (kind, limit) in [Finished::Complete, Finished::Failed]
            .into_iter()
            .zip(limits)
        {
            let Some(limit) = limit else { continue };
            let mut group: Vec<&Named<'_>> = jobs
                .iter()
                .filter(|j| j.entry.finished == Some(kind))
                .collect();
            let excess = group.len().saturating_sub(limit.max(0) as usize);
            group.sort_by(|a, b| {
                let key = |j: &Named<'_>| {
                    let t = j.entry.start_time;
                    (t.is_none(), t.unwrap_or(0))
                };
                key(a).cmp(&key(b)).then_with(|| a.name.cmp(b.name))
            });
            out.extend(group.iter().take(excess).map(|j| j.entry.id));
        }
        out
    }

    #[test]
    fn picking_the_oldest_again_and_again_deletes_what_sorting_the_group_deletes() {
        // Few distinct start times, names and limits, so ties and both paths (at most
        // eight deletions picked, more sorted) come up often.
        let names: Vec<String> = (0..40).map(|i| format!("job-{i}")).collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..2_000 {
            let len = next(30) as usize;
            let jobs: Vec<Named<'_>> = (0..len)
                .map(|i| {
                    let finished =
                        [None, Some(Finished::Complete), Some(Finished::Failed)][next(3) as usize];
                    let start = (next(4) > 0).then(|| next(5) * 1_000);
                    // Names distinct within one list, as the API's are.
                    entry(
                        i as u32,
                        &names[(i * 7 + len) % names.len()],
                        finished,
                        start,
                    )
                })
                .collect();
            let limit = |n: u64| (n < 12).then_some(n as i32 - 1);
            let limits = [limit(next(13)), limit(next(13))];
            assert_eq!(
                jobs_to_delete(&jobs, limits[0], limits[1]),
                sorted_answer(&jobs, limits),
                "{jobs:?} {limits:?}"
            );
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
