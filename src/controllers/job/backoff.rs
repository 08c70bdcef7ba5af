//! The Job controller's pod-recreation backoff (reference job-semantics §8.1,
//! `pkg/controller/job/backoff_utils.go`).
//!
//! An in-memory record per Job: failures since the last success and the latest failure's
//! finish time. Any new success resets it; ignored failures still lengthen it. The delay for
//! n failures is `min(10 s · 2^(n−1), 600 s)`, measured from the latest failed pod's
//! whole-second finish time. While it runs, the Job creates no pod at all.

use crate::time::{SECOND, SimDuration, SimTime};
pub use crate::world::store::job::BackoffRecord;

/// `DefaultJobPodFailureBackOff` in `job_controller.go`.
pub const DEFAULT_POD_FAILURE_BACKOFF: SimDuration = 10 * SECOND;
/// `MaxJobPodFailureBackOff` in `job_controller.go` (the docs' "six minutes" is outdated).
pub const MAX_POD_FAILURE_BACKOFF: SimDuration = 600 * SECOND;

/// A pod that finished since the last count, as the backoff sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinishedPod {
    pub succeeded: bool,
    /// Whole-second finish time (`getFinishedTime`).
    pub finish_time: SimTime,
}

impl BackoffRecord {
    /// Folds the pods newly finished since the last sync into the record.
    pub fn update(&mut self, newly_finished: &[FinishedPod]) {
        let last_success = newly_finished
            .iter()
            .filter(|p| p.succeeded)
            .map(|p| p.finish_time)
            .max();
        let failures = newly_finished.iter().filter(|p| !p.succeeded);
        match last_success {
            None => {
                // n grows by the new failures; lastFailureTime becomes the latest of *them*,
                // even when an earlier record was later (§8.1).
                let mut n = 0;
                let mut latest: Option<SimTime> = None;
                for f in failures {
                    n += 1;
                    latest = Some(latest.map_or(f.finish_time, |t| t.max(f.finish_time)));
                }
                if n > 0 {
                    self.failures_after_last_success += n;
                    self.last_failure_time = latest;
                }
            }
            Some(success) => {
                // A success resets the record; only failures strictly after it count.
                let mut n = 0;
                let mut latest: Option<SimTime> = None;
                for t in failures.map(|f| f.finish_time).filter(|&t| t > success) {
                    n += 1;
                    latest = Some(latest.map_or(t, |l| l.max(t)));
                }
                self.failures_after_last_success = n;
                self.last_failure_time = latest;
            }
        }
    }

    /// The delay for the current number of failures, or zero when there are none.
    pub fn delay(&self) -> SimDuration {
        backoff_delay(self.failures_after_last_success)
    }

    /// Time left before the Job may create pods again, at `now`.
    pub fn remaining(&self, now: SimTime) -> SimDuration {
        match self.last_failure_time {
            Some(last) if self.failures_after_last_success > 0 => {
                self.delay().saturating_sub(now.saturating_sub(last))
            }
            _ => 0,
        }
    }
}

/// `min(10 s · 2^(n−1), 600 s)` for n ≥ 1, zero for n = 0.
pub fn backoff_delay(n: u32) -> SimDuration {
    if n == 0 {
        return 0;
    }
    let shift = (n - 1).min(16);
    (DEFAULT_POD_FAILURE_BACKOFF << shift).min(MAX_POD_FAILURE_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(t: u64) -> FinishedPod {
        FinishedPod {
            succeeded: false,
            finish_time: t * SECOND,
        }
    }
    fn succeeded(t: u64) -> FinishedPod {
        FinishedPod {
            succeeded: true,
            finish_time: t * SECOND,
        }
    }

    #[test]
    fn backoff_doubles_from_ten_seconds_and_caps_at_ten_minutes() {
        let secs: Vec<u64> = (1..=9).map(|n| backoff_delay(n) / SECOND).collect();
        assert_eq!(secs, vec![10, 20, 40, 80, 160, 320, 600, 600, 600]);
        assert_eq!(backoff_delay(0), 0);
        assert_eq!(backoff_delay(1000), MAX_POD_FAILURE_BACKOFF);
    }

    #[test]
    fn failures_accumulate_and_latest_finish_time_wins() {
        let mut r = BackoffRecord::default();
        r.update(&[failed(5), failed(3)]);
        assert_eq!(r.failures_after_last_success, 2);
        assert_eq!(r.last_failure_time, Some(5 * SECOND));
        assert_eq!(r.remaining(6 * SECOND), 19 * SECOND);
        assert_eq!(r.remaining(30 * SECOND), 0);
    }

    #[test]
    fn last_failure_time_is_the_latest_of_the_new_failures_only() {
        let mut r = BackoffRecord::default();
        r.update(&[failed(9)]);
        // a failure observed later but finished earlier (e.g. a deleted pod) replaces it
        r.update(&[failed(4)]);
        assert_eq!(r.failures_after_last_success, 2);
        assert_eq!(r.last_failure_time, Some(4 * SECOND));
        // a sync with nothing new leaves the record alone
        r.update(&[]);
        assert_eq!(r.last_failure_time, Some(4 * SECOND));
    }

    #[test]
    fn a_success_resets_the_backoff() {
        let mut r = BackoffRecord::default();
        r.update(&[failed(1), failed(2), failed(3)]);
        r.update(&[succeeded(4)]);
        assert_eq!(r, BackoffRecord::default());
        assert_eq!(r.remaining(4 * SECOND), 0);
    }

    #[test]
    fn failure_in_the_same_second_as_a_success_gives_no_delay() {
        let mut r = BackoffRecord::default();
        r.update(&[failed(7), succeeded(7)]);
        assert_eq!(r.failures_after_last_success, 0);
        r.update(&[succeeded(8), failed(9)]);
        assert_eq!(r.failures_after_last_success, 1);
        assert_eq!(r.last_failure_time, Some(9 * SECOND));
    }
}
