//! podReplacementPolicy and graceful termination (reference job-semantics §14, §16.2,
//! §6.1, §8.1 rule 3, §18.4): under `TerminatingOrFailed` a deleted pod counts as failed
//! at once and is replaced after the recreation backoff while it still terminates; under
//! `Failed` nothing happens until it is terminal; `status.terminating` shows it meanwhile;
//! terminating pods hold back `Complete`/`Failed`; a container slower to stop than
//! `terminationGracePeriodSeconds` is killed (exit 137).
//!
//! Timing: a pod created at `c` starts at `c + 1.020`; the Job controller syncs 1 s after
//! a pod change. `behavior.shutdown: 20s` = the container exits (143) 20 s after SIGTERM.

use std::path::Path;

use crate::common::{Run, rfc, run, run_file, run_until};
use crate::scenario_text::{NEVER, one_job};

/// The teaching scenario: Jobs `eager` (default policy) and `patient` (`Failed`), two
/// pods each running 60 s, one pod of each deleted at 10 s and stopping at 30 s.
fn teaching(horizon: Option<u64>) -> Run {
    run_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/teaching/replacement-policy.yaml"),
        horizon,
    )
}

fn counts(r: &Run, job: &str) -> (i64, i64, i64) {
    (
        r.status_count(job, "active"),
        r.status_count(job, "failed"),
        r.status_count(job, "terminating"),
    )
}

#[test]
fn terminating_or_failed_counts_a_deleted_pod_as_failed_at_once() {
    // Sync 11.000 (1 s after the delete): the terminating pod is failed (§6.1) and
    // terminating; its replacement waits for the backoff (20.000). (active, failed,
    // terminating) at 15 s = (1, 1, 1).
    let r = teaching(Some(15_000));
    assert_eq!(counts(&r, "eager"), (1, 1, 1));
}

#[test]
fn terminating_or_failed_replaces_while_the_old_pod_still_terminates() {
    // Backoff from the deletion (§8.1 rule 3: deletionTimestamp − grace period = 10):
    // replacement at 20.000, old pod gone at 30.000. At 25 s: (2, 1, 1) — three pods.
    let r = teaching(Some(25_000));
    assert_eq!(r.creations("eager"), vec![0, 0, 20_000]);
    assert_eq!(counts(&r, "eager"), (2, 1, 1));
}

#[test]
fn failed_policy_waits_for_the_terminal_phase() {
    // Until the pod stops at 30.000 it is neither active nor failed (§14, `Failed` row).
    let r = teaching(Some(25_000));
    assert_eq!(counts(&r, "patient"), (1, 0, 1));
    assert_eq!(r.creations("patient"), vec![0, 0]);
}

#[test]
fn failed_policy_counts_then_replaces_after_the_backoff() {
    // Terminal at 30.000 (sync 31.000: counted); backoff from finishedAt second 30 →
    // replacement at 40.000. At 35 s: (1, 1, 0).
    let r = teaching(Some(35_000));
    assert_eq!(counts(&r, "patient"), (1, 1, 0));
    let r = teaching(None);
    assert_eq!(r.creations("patient"), vec![0, 0, 40_000]);
}

#[test]
fn both_policies_end_complete_with_one_failure() {
    // eager: the replacement runs 21.020 + 60 = 81.020 → Complete at 82.020.
    // patient: 41.020 + 60 = 101.020 → Complete at 102.020.
    let r = teaching(None);
    for (job, done) in [("eager", 82), ("patient", 102)] {
        let j = r.job(job);
        assert_eq!(
            (j.outcome, j.succeeded, j.failed),
            ("Complete", 2, 1),
            "{job}"
        );
        assert_eq!(
            r.condition(job, "Complete").expect("Complete").time,
            rfc(done),
            "{job}"
        );
    }
    let pods = r.pods_of("eager");
    assert_eq!(
        (pods[0].finished, pods[0].exit_code),
        (Some(30_000), Some(143))
    );
}

#[test]
fn a_terminating_pod_holds_back_complete() {
    // Indexed, 2 indexes, default policy, work 60 s unless scripted. Index 0's pod is
    // deleted at 10 s and stops at 30.000. Counted failed at 11.000; its replacement
    // (attempt 2, backoff from 10 → 20.000) succeeds at 21.020 + 2 = 23.020. Index 1
    // succeeds at 1.020 + 25 = 26.020 (after the replacement exists, so its reset of the
    // backoff changes nothing). Sync 27.020: completions reached → SuccessCriteriaMet, but
    // the old pod still terminates; Complete only at the sync after it ends (31.000), and
    // completionTime with it.
    let yaml = one_job(
        "held",
        &format!("completions: 2, parallelism: 2, completionMode: Indexed, {NEVER}"),
        "{duration: 60s, shutdown: 20s, outcomes: [{index: 0, attempt: 2, exitCode: 0, after: 2s}, {index: 1, exitCode: 0, after: 25s}]}",
        "[{at: 10s, delete: pod/held-0}]",
    );
    let r = run(&yaml);
    assert_eq!(r.creations("held"), vec![0, 0, 20_000]);
    assert_eq!(
        r.condition("held", "SuccessCriteriaMet")
            .expect("SuccessCriteriaMet")
            .time,
        rfc(27)
    );
    assert_eq!(
        r.condition("held", "Complete").expect("Complete").time,
        rfc(31)
    );
    assert_eq!(r.obj("held")["status"]["completionTime"], rfc(31).as_str());
    let job = r.job("held");
    assert_eq!((job.succeeded, job.failed), (2, 1));
    let mid = run_until(&yaml, 28_500);
    assert_eq!(mid.condition_types("held"), vec!["SuccessCriteriaMet"]);
    assert_eq!(mid.status_count("held", "terminating"), 1);
}

#[test]
fn a_deleted_pod_that_then_succeeds_is_not_counted_as_a_success() {
    // §6.1: under the default policy a deleted pod is failed as soon as it is marked
    // (sync 11.000, failed 1), even if it then ends Succeeded: here its work ends at
    // 1.020 + 12 = 13.020, before its 20 s shutdown. Index 1 succeeds at the same time;
    // that success resets the backoff (§8.1), so index 0 is re-created at the sync 14.020.
    // At 14.5 s completedIndexes is "1" only.
    let yaml = one_job(
        "late",
        &format!("completions: 2, parallelism: 2, completionMode: Indexed, {NEVER}"),
        "{duration: 12s, shutdown: 20s, outcomes: [{index: 0, attempt: 2, exitCode: 0, after: 2s}]}",
        "[{at: 10s, delete: pod/late-0}]",
    );
    let mid = run_until(&yaml, 14_500);
    assert_eq!(mid.obj("late")["status"]["completedIndexes"], "1");
    assert_eq!(mid.status_count("late", "failed"), 1);
    assert_eq!(mid.creations("late"), vec![0, 0, 14_020]);
}

#[test]
fn a_terminating_pod_holds_back_failed() {
    // activeDeadlineSeconds 5: the sync at 5.000 writes FailureTarget(DeadlineExceeded)
    // and deletes the pod, which needs 20 s to stop (25.000). Failed at the sync 26.000.
    let r = run(&one_job(
        "dl",
        &format!("activeDeadlineSeconds: 5, {NEVER}"),
        "{duration: 60s, shutdown: 20s}",
        "",
    ));
    assert_eq!(
        r.condition("dl", "FailureTarget")
            .expect("FailureTarget")
            .time,
        rfc(5)
    );
    assert_eq!(r.condition("dl", "Failed").expect("Failed").time, rfc(26));
    assert_eq!(r.pods_of("dl")[0].finished, Some(25_000));
}

#[test]
fn a_shutdown_longer_than_the_grace_period_is_killed_with_137() {
    // terminationGracePeriodSeconds 5 < shutdown 20 s: SIGKILL at 10 + 5 = 15.000, exit
    // 137. Counted failed (default policy); replaced at 20.000 (backoff from the deletion).
    let r = run(&one_job(
        "kill",
        "template: {spec: {restartPolicy: Never, terminationGracePeriodSeconds: 5, containers: [{name: main, image: busybox}]}}",
        "{duration: 60s, shutdown: 20s}",
        "[{at: 10s, delete: pod/kill}]",
    ));
    let pods = r.pods_of("kill");
    assert_eq!(
        (pods[0].finished, pods[0].exit_code),
        (Some(15_000), Some(137))
    );
    assert_eq!(pods[0].phase, "Failed");
    assert_eq!(r.creations("kill"), vec![0, 20_000]);
    assert_eq!(r.job("kill").failed, 1);
}

#[test]
fn a_shutdown_within_the_grace_period_exits_143() {
    // Default grace 30 s ≥ 20 s: the container exits on SIGTERM at 30.000 with 143.
    let r = run(&one_job(
        "term",
        NEVER,
        "{duration: 60s, shutdown: 20s}",
        "[{at: 10s, delete: pod/term}]",
    ));
    let p = &r.pods_of("term")[0];
    assert_eq!((p.finished, p.exit_code), (Some(30_000), Some(143)));
}
