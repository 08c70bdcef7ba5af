//! Completion indexes of Indexed Jobs: which are succeeded or failed, which are held by
//! a pod, which are free to start (lowest first), the per-index failure counts and backoff
//! of `backoffLimitPerIndex`, and the interval format of `status.completedIndexes` and
//! `status.failedIndexes` (reference job-semantics §5, §8.2, §12, §15.2).

use std::collections::{BTreeMap, BTreeSet};

use super::backoff::backoff_delay;
use crate::time::{SimDuration, SimTime};
pub use crate::world::store::job::IndexState;
use crate::world::store::job::{FreeIndexes, IndexFailures};

impl IndexState {
    pub fn new(completions: u32) -> Self {
        IndexState {
            succeeded: vec![false; completions as usize],
            succeeded_count: 0,
            active: vec![0; completions as usize],
            attempts: vec![0; completions as usize],
            free: FreeIndexes::new(completions),
            failed: vec![false; completions as usize],
            failed_count: 0,
            failures: BTreeMap::new(),
            crowded: 0,
            shrunk: false,
        }
    }

    /// Changes `completions` (elastic Indexed Jobs, §6.2): indexes at or above the new
    /// value stop counting; their successes are dropped from `completedIndexes`.
    pub fn resize(&mut self, completions: u32) {
        let n = completions as usize;
        self.shrunk |= n < self.active.len();
        self.succeeded.resize(n, false);
        self.active.resize(n, 0);
        if n > self.attempts.len() {
            self.attempts.resize(n, 0);
        }
        self.failed.resize(n, false);
        self.failures.retain(|&i, _| i < completions);
        self.succeeded_count = self.succeeded.iter().filter(|s| **s).count();
        self.failed_count = self.failed.iter().filter(|s| **s).count();
        self.crowded = self.active.iter().filter(|&&a| a > 1).count();
        self.free.resize(completions);
    }

    /// Whether active pods may hold a duplicated or out-of-range index, which manageJob
    /// deletes whatever the surplus (§5). Cheap, so a sync only scans when it says so.
    pub fn may_need_cleanup(&self) -> bool {
        self.crowded > 0 || self.shrunk
    }

    /// A scan found no active pod above `completions` any more.
    pub fn cleanup_done(&mut self) {
        self.shrunk = false;
    }

    pub fn is_failed(&self, index: u32) -> bool {
        self.failed.get(index as usize).copied().unwrap_or(false)
    }

    pub fn failed_count(&self) -> usize {
        self.failed_count
    }

    /// Pods created so far for `index`.
    pub fn attempts(&self, index: u32) -> u32 {
        self.attempts.get(index as usize).copied().unwrap_or(0)
    }

    /// The failure-count annotations the next pod of `index` carries.
    pub fn next_counts(&self, index: u32) -> (u32, u32) {
        self.failures
            .get(&index)
            .map_or((0, 0), |f| (f.next_failure_count, f.next_ignored_count))
    }

    /// A pod of `index` with annotations `(failures, ignored)` failed at `finish_time`.
    /// `counted` is false for failures an `Ignore` rule matched. Returns true when the
    /// index is now failed: a counted failure whose count already reached the limit, or
    /// `fail_index` (a `FailIndex` rule).
    pub fn record_failure(
        &mut self,
        index: u32,
        (failures, ignored): (u32, u32),
        counted: bool,
        fail_index: bool,
        limit: u32,
        finish_time: SimTime,
    ) -> bool {
        let i = index as usize;
        if i >= self.failed.len() || self.succeeded[i] {
            return false;
        }
        let newly_failed = !self.failed[i] && counted && (fail_index || failures >= limit);
        if newly_failed {
            self.failed[i] = true;
            self.failed_count += 1;
            self.free.remove(index);
        }
        let (next_f, next_i) = if counted {
            (failures + 1, ignored)
        } else {
            (failures, ignored + 1)
        };
        self.failures.insert(
            index,
            IndexFailures {
                next_failure_count: next_f,
                next_ignored_count: next_i,
                // §8.2: n = failure count + ignored count of the failed pod, + 1.
                backoff: Some((failures + ignored + 1, finish_time)),
            },
        );
        newly_failed
    }

    /// Per-index backoff left for `index` at `now` (§8.2).
    pub fn backoff_remaining(&self, index: u32, now: SimTime) -> SimDuration {
        match self.failures.get(&index).and_then(|f| f.backoff) {
            Some((n, last)) => backoff_delay(n).saturating_sub(now.saturating_sub(last)),
            None => 0,
        }
    }

    /// `status.failedIndexes`.
    pub fn failed_indexes(&self) -> String {
        format_intervals(
            self.failed
                .iter()
                .enumerate()
                .filter(|(_, f)| **f)
                .map(|(i, _)| i as u32),
        )
    }

    pub fn completions(&self) -> u32 {
        self.succeeded.len() as u32
    }

    pub fn succeeded_count(&self) -> usize {
        self.succeeded_count
    }

    pub fn is_succeeded(&self, index: u32) -> bool {
        self.succeeded.get(index as usize).copied().unwrap_or(false)
    }

    /// The `n` lowest indexes that are not succeeded and not held by an active pod.
    pub fn lowest_free(&self, n: usize) -> Vec<u32> {
        self.free.lowest(n)
    }

    /// A pod for `index` was created; returns its attempt number (from 1).
    pub fn pod_created(&mut self, index: u32) -> u32 {
        let i = index as usize;
        if i < self.active.len() {
            self.active[i] = self.active[i].saturating_add(1);
            if self.active[i] == 2 {
                self.crowded += 1;
            }
            self.attempts[i] += 1;
            self.free.remove(index);
            self.attempts[i]
        } else {
            1
        }
    }

    /// A pod of `index` stopped being active.
    pub fn pod_inactive(&mut self, index: u32) {
        let i = index as usize;
        if i < self.active.len() {
            if self.active[i] == 2 {
                self.crowded -= 1;
            }
            self.active[i] = self.active[i].saturating_sub(1);
            if self.active[i] == 0 && !self.succeeded[i] && !self.failed[i] {
                self.free.insert(index);
            }
        }
    }

    /// Records a success; returns false when the index was already succeeded or is out of
    /// range (not counted again, reference §6.2).
    pub fn mark_succeeded(&mut self, index: u32) -> bool {
        let i = index as usize;
        if i >= self.succeeded.len() || self.succeeded[i] {
            return false;
        }
        if self.failed[i] {
            // An index marked failed never turns succeeded (§15.1: the lists never overlap).
            return false;
        }
        self.succeeded[i] = true;
        self.succeeded_count += 1;
        self.free.remove(index);
        true
    }

    /// `status.completedIndexes`.
    pub fn completed_indexes(&self) -> String {
        format_intervals(
            self.succeeded
                .iter()
                .enumerate()
                .filter(|(_, s)| **s)
                .map(|(i, _)| i as u32),
        )
    }
}

impl FreeIndexes {
    fn new(end: u32) -> Self {
        FreeIndexes {
            fresh: 0,
            end,
            returned: BTreeSet::new(),
        }
    }

    /// The `n` lowest free indexes, ascending (every returned index is below `fresh`).
    fn lowest(&self, n: usize) -> Vec<u32> {
        self.returned
            .iter()
            .copied()
            .chain(self.fresh..self.end)
            .take(n)
            .collect()
    }

    fn remove(&mut self, i: u32) {
        if self.returned.remove(&i) || i < self.fresh || i >= self.end {
            return;
        }
        // Indexes skipped over stay free.
        self.returned.extend(self.fresh..i);
        self.fresh = i + 1;
    }

    fn insert(&mut self, i: u32) {
        if i < self.fresh {
            self.returned.insert(i);
        }
    }

    fn resize(&mut self, end: u32) {
        self.returned.retain(|&i| i < end);
        self.fresh = self.fresh.min(end);
        self.end = end;
    }
}

/// Formats ascending indexes as Kubernetes does: single numbers as themselves, two
/// consecutive numbers as `a,b`, three or more as `a-b` (`orderedIntervals.String`).
pub fn format_intervals(indexes: impl IntoIterator<Item = u32>) -> String {
    let mut out = String::new();
    let mut run: Option<(u32, u32)> = None;
    let flush = |out: &mut String, (a, b): (u32, u32)| {
        if !out.is_empty() {
            out.push(',');
        }
        match b - a {
            0 => out.push_str(&a.to_string()),
            1 => out.push_str(&format!("{a},{b}")),
            _ => out.push_str(&format!("{a}-{b}")),
        }
    };
    for i in indexes {
        run = match run {
            Some((a, b)) if i == b + 1 => Some((a, i)),
            Some(r) => {
                flush(&mut out, r);
                Some((i, i))
            }
            None => Some((i, i)),
        };
    }
    if let Some(r) = run {
        flush(&mut out, r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_format_matches_kubernetes() {
        assert_eq!(format_intervals([1, 3, 4, 5]), "1,3-5");
        assert_eq!(format_intervals([0, 1]), "0,1");
        assert_eq!(format_intervals([0, 1, 2]), "0-2");
        assert_eq!(format_intervals([2, 4, 5, 7, 8, 9]), "2,4,5,7-9");
        assert_eq!(format_intervals([]), "");
        assert_eq!(format_intervals([0, 1, 2, 3, 4]), "0-4");
    }

    #[test]
    fn index_fails_when_its_counted_failures_reach_the_per_index_limit() {
        let mut s = IndexState::new(3);
        s.pod_created(0);
        s.pod_inactive(0);
        // backoffLimitPerIndex 1: the first failure (count 0) is retried...
        assert!(!s.record_failure(0, s.next_counts(0), true, false, 1, 5_000));
        assert_eq!(s.next_counts(0), (1, 0));
        assert_eq!(s.backoff_remaining(0, 6_000), 9_000);
        // ...an ignored failure does not count but still backs off: that pod carried
        // counts (1, 0), so n = 1 + 0 + 1 = 2 and the delay is 20 s (§8.2)
        assert!(!s.record_failure(0, s.next_counts(0), false, false, 1, 20_000));
        assert_eq!(s.next_counts(0), (1, 1));
        assert_eq!(s.backoff_remaining(0, 20_000), 20_000);
        // ...and the second counted failure fails the index
        assert!(s.record_failure(0, s.next_counts(0), true, false, 1, 70_000));
        assert!(s.is_failed(0));
        assert_eq!(s.lowest_free(3), vec![1, 2]);
        assert_eq!(s.failed_indexes(), "0");
    }

    #[test]
    fn free_indexes_cost_memory_only_for_indexes_that_came_back() {
        let mut s = IndexState::new(1_000_000);
        assert_eq!(s.lowest_free(3), vec![0, 1, 2]);
        for i in 0..3 {
            s.pod_created(i);
        }
        s.pod_inactive(1); // index 1 failed and is free again, lowest first
        assert_eq!(s.lowest_free(3), vec![1, 3, 4]);
        assert_eq!(s.free.returned.len(), 1);
        // creating a later index leaves the skipped ones free
        s.pod_created(5);
        assert_eq!(s.lowest_free(4), vec![1, 3, 4, 6]);
    }

    #[test]
    fn fail_index_fails_at_once() {
        let mut s = IndexState::new(2);
        assert!(s.record_failure(1, (0, 0), true, true, 5, 0));
        assert_eq!(s.failed_indexes(), "1");
        assert!(!s.mark_succeeded(1));
    }

    #[test]
    fn shrinking_completions_drops_successes_above_the_new_count() {
        // §6.2: completions 2, old completedIndexes "3" -> "" and succeeded 0
        let mut s = IndexState::new(4);
        s.mark_succeeded(3);
        s.resize(2);
        assert_eq!(s.completed_indexes(), "");
        assert_eq!(s.succeeded_count(), 0);
        s.resize(5);
        assert_eq!(s.lowest_free(5), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn lowest_free_indexes_come_first_and_failed_ones_return() {
        let mut s = IndexState::new(5);
        assert_eq!(s.lowest_free(2), vec![0, 1]);
        assert_eq!(s.pod_created(0), 1);
        assert_eq!(s.pod_created(1), 1);
        assert_eq!(s.lowest_free(2), vec![2, 3]);
        // index 0 fails: free again, lowest first; its next pod is attempt 2
        s.pod_inactive(0);
        assert_eq!(s.lowest_free(2), vec![0, 2]);
        assert_eq!(s.pod_created(0), 2);
        // index 1 succeeds: never free again
        s.pod_inactive(1);
        assert!(s.mark_succeeded(1));
        assert!(!s.mark_succeeded(1));
        assert_eq!(s.lowest_free(5), vec![2, 3, 4]);
        assert_eq!(s.completed_indexes(), "1");
    }
}
