//! Completion indexes of Indexed Jobs: which are succeeded, which are held by an active
//! pod, which are free to start (lowest first), and the interval format of
//! `status.completedIndexes` (reference job-semantics §5, §15.2).

use std::collections::BTreeSet;

/// Per-index bookkeeping of an Indexed Job.
#[derive(Debug, Clone, Default)]
pub struct IndexState {
    succeeded: Vec<bool>,
    succeeded_count: usize,
    active: Vec<u32>,
    /// Pods created so far per index (the next pod's `attempt` is this + 1).
    attempts: Vec<u32>,
    /// Indexes neither succeeded nor held by an active pod, lowest first.
    free: BTreeSet<u32>,
}

impl IndexState {
    pub fn new(completions: u32) -> Self {
        IndexState {
            succeeded: vec![false; completions as usize],
            succeeded_count: 0,
            active: vec![0; completions as usize],
            attempts: vec![0; completions as usize],
            free: (0..completions).collect(),
        }
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

    /// Active pods holding `index` (more than one only transiently).
    pub fn active_count(&self, index: u32) -> u32 {
        self.active.get(index as usize).copied().unwrap_or(0)
    }

    /// The `n` lowest indexes that are not succeeded and not held by an active pod.
    pub fn lowest_free(&self, n: usize) -> Vec<u32> {
        self.free.iter().take(n).copied().collect()
    }

    /// A pod for `index` was created; returns its attempt number (from 1).
    pub fn pod_created(&mut self, index: u32) -> u32 {
        let i = index as usize;
        if i < self.active.len() {
            self.active[i] += 1;
            self.attempts[i] += 1;
            self.free.remove(&index);
            self.attempts[i]
        } else {
            1
        }
    }

    /// A pod of `index` stopped being active.
    pub fn pod_inactive(&mut self, index: u32) {
        let i = index as usize;
        if i < self.active.len() {
            self.active[i] = self.active[i].saturating_sub(1);
            if self.active[i] == 0 && !self.succeeded[i] {
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
        self.succeeded[i] = true;
        self.succeeded_count += 1;
        self.free.remove(&index);
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
