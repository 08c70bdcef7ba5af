//! The pod template's own `activeDeadlineSeconds` (reference job-semantics §9, last
//! bullet; §7 for OnFailure): enforced per pod by the kubelet, measured from the pod's
//! `status.startTime` (when the kubelet takes the pod, i.e. when it is bound — before the
//! containers start); the pod ends Failed with reason `DeadlineExceeded`, and the Job
//! counts it as an ordinary pod failure (not a Job-level `DeadlineExceeded`).
//!
//! Timing: a pod created at `c` is bound at `c + 0.020` and starts at `c + 1.020`; the Job
//! controller syncs 1 s after a pod change.

use crate::common::{Run, rfc, run};
use crate::scenario_text::one_job;

fn with_pod_deadline(restart: &str, backoff_limit: u32) -> Run {
    run(&one_job(
        "pd",
        &format!(
            "backoffLimit: {backoff_limit}, template: {{spec: {{restartPolicy: {restart}, activeDeadlineSeconds: 10, containers: [{{name: main, image: busybox}}]}}}}"
        ),
        "{duration: 60s}",
        "",
    ))
}

#[test]
fn a_pod_past_its_deadline_fails_with_reason_deadline_exceeded() {
    // Bound at 0.020 → deadline at 10.020, long before the 60 s of work.
    let r = with_pod_deadline("Never", 0);
    let p = &r.pods_of("pd")[0];
    assert_eq!(
        (p.phase.as_str(), p.reason.as_str(), p.finished),
        ("Failed", "DeadlineExceeded", Some(10_020))
    );
}

#[test]
fn a_pod_deadline_failure_counts_like_any_pod_failure() {
    // backoffLimit 1: pod 1 fails 10.020 (second 10) → pod 2 at 20.000, bound 20.020,
    // fails 30.020 → failed 2 > 1 at the sync 31.020: BackoffLimitExceeded, not the
    // Job-level DeadlineExceeded.
    let r = with_pod_deadline("Never", 1);
    assert_eq!(r.creations("pd"), vec![0, 20_000]);
    let job = r.job("pd");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed),
        ("Failed", "BackoffLimitExceeded", 2)
    );
    assert_eq!(r.condition("pd", "Failed").expect("Failed").time, rfc(31));
}

#[test]
fn with_on_failure_a_pod_deadline_ends_the_pod_and_counts_it() {
    // OnFailure restarts containers in place, but a pod-level deadline makes the pod
    // Failed (§7): failed 1 > backoffLimit 0 at the sync 11.020.
    let r = with_pod_deadline("OnFailure", 0);
    let p = &r.pods_of("pd")[0];
    assert_eq!(
        (p.phase.as_str(), p.reason.as_str()),
        ("Failed", "DeadlineExceeded")
    );
    let job = r.job("pd");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed, job.pods),
        ("Failed", "BackoffLimitExceeded", 1, 1)
    );
    assert_eq!(r.condition("pd", "Failed").expect("Failed").time, rfc(11));
}
