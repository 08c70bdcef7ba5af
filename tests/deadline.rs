//! `activeDeadlineSeconds` (reference job-semantics §9): measured from `status.startTime`,
//! hit when `now − startTime ≥ activeDeadlineSeconds`; the active pods are deleted and
//! counted as failed, no pod is created afterwards; BackoffLimitExceeded wins when both
//! hold in one sync; Pending pods consume deadline time; the clock restarts at resume.

use crate::common::{Run, rfc, run};
use jobsim::timing::STOP_LATENCY;

/// The active-deadline teaching scenario: 4 completions one after another, 40 s each,
/// deadline 60 s.
fn slow_batch() -> Run {
    run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: slow-batch}
                spec:
                  completions: 4
                  activeDeadlineSeconds: 60
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - {name: main, image: busybox, command: ["sh", "-c", "sleep 40"]}
    "#)
}

#[test]
fn deadline_is_hit_exactly_at_start_time_plus_active_deadline_seconds() {
    // startTime 0 (first sync). now − startTime ≥ 60 first holds at 60.000 — with `>` the
    // Job would only fail when a later pod change syncs it (84.040).
    let r = slow_batch();
    let target = r
        .condition("slow-batch", "FailureTarget")
        .expect("FailureTarget");
    assert_eq!(target.reason, "DeadlineExceeded");
    assert_eq!(
        target.message,
        "Job was active longer than specified deadline"
    );
    assert_eq!(target.time, rfc(60));
}

#[test]
fn deadline_deletes_active_pods_and_counts_them_failed() {
    // Pod 1 succeeds at 41.020; pod 2 (created 42.020) runs when the deadline hits at 60.
    let r = slow_batch();
    let pods = r.pods_of("slow-batch");
    assert_eq!(pods.len(), 2, "no pod is created after the deadline");
    assert_eq!(pods[1].phase, "Failed");
    assert_eq!(pods[1].finished, Some(60_000 + STOP_LATENCY));
    let job = r.job("slow-batch");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Failed", "DeadlineExceeded")
    );
    assert_eq!((job.succeeded, job.failed), (1, 1));
}

#[test]
fn deadline_failure_event_carries_the_condition_reason_and_message() {
    let r = slow_batch();
    let ev: Vec<_> = r
        .events_of("job/slow-batch")
        .into_iter()
        .filter(|e| e.reason == "DeadlineExceeded")
        .collect();
    assert_eq!(ev.len(), 1);
    assert_eq!(
        ev[0].message,
        "Job was active longer than specified deadline"
    );
}

#[test]
fn backoff_limit_exceeded_wins_when_the_deadline_also_passed() {
    // backoffLimit 0, deadline 10 s. The pod fails at 1.020 + 8.480 = 9.500; its batched
    // sync would be at 10.500, but the deadline sync at 10.000 already sees it: both
    // `failed > backoffLimit` and the deadline hold, and BackoffLimitExceeded wins.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: both}
                spec:
                  backoffLimit: 0
                  activeDeadlineSeconds: 10
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 8480ms
                failure: {probability: 1.0, exitCode: 1}
    "#);
    let target = r.condition("both", "FailureTarget").expect("FailureTarget");
    assert_eq!(target.reason, "BackoffLimitExceeded");
    assert_eq!(target.time, rfc(10));
    assert_eq!(r.job("both").failed, 1);
}

#[test]
fn pending_pods_consume_deadline_time() {
    // The pod requests more CPU than any node has and never starts; the deadline still
    // hits at 30 s and the Pending pod is deleted and counted failed.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          cluster:
            nodePools: [{name: small, count: 1, capacity: {cpu: "1", memory: 4Gi}}]
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: stuck}
                spec:
                  activeDeadlineSeconds: 30
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: main
                          image: busybox
                          resources: {requests: {cpu: "2"}}
    "#);
    let target = r
        .condition("stuck", "FailureTarget")
        .expect("FailureTarget");
    assert_eq!(
        (target.reason.as_str(), target.time),
        ("DeadlineExceeded", rfc(30))
    );
    let job = r.job("stuck");
    assert_eq!((job.outcome, job.failed, job.pods), ("Failed", 1, 1));
    assert_eq!(r.pods_of("stuck")[0].started, None);
}

#[test]
fn deadline_clock_restarts_at_resume() {
    // Created suspended, resumed at 100 s: startTime = 100, so a 20 s deadline hits at
    // 120 s, not at 20 s.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: late}
                spec:
                  suspend: true
                  activeDeadlineSeconds: 20
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 60s}
          actions:
            - {at: 100s, resume: job/late}
    "#);
    assert_eq!(r.creations("late"), vec![100_000]);
    let target = r.condition("late", "FailureTarget").expect("FailureTarget");
    assert_eq!(
        (target.reason.as_str(), target.time),
        ("DeadlineExceeded", rfc(120))
    );
}

#[test]
fn deadline_not_reached_lets_the_job_complete() {
    // One 5 s pod, deadline 60 s: completes at 7.020, no failure condition.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: quick}
                spec:
                  activeDeadlineSeconds: 60
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 5s}
    "#);
    assert_eq!(r.job("quick").outcome, "Complete");
    assert_eq!(
        r.condition_types("quick"),
        vec!["SuccessCriteriaMet", "Complete"]
    );
}

#[test]
fn suspended_job_never_hits_the_deadline_and_the_clock_restarts_at_resume() {
    // Deadline 30 s; running from 0, suspended at 10 s (startTime cleared), resumed at
    // 100 s (startTime 100): nothing happens at 30 s; the deadline hits at 130 s.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: paused}
                spec:
                  activeDeadlineSeconds: 30
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 300s}
          actions:
            - {at: 10s, suspend: job/paused}
            - {at: 100s, resume: job/paused}
    "#);
    let target = r
        .condition("paused", "FailureTarget")
        .expect("FailureTarget");
    assert_eq!(
        (target.reason.as_str(), target.time),
        ("DeadlineExceeded", rfc(130))
    );
    let job = r.job("paused");
    // The pod deleted by suspension is not counted; the one killed by the deadline is.
    assert_eq!((job.pods, job.failed), (2, 1));
}

#[test]
fn deadline_counts_from_the_whole_second_start_time() {
    // Submitted at 2.500: startTime is second 2, so a 10 s deadline hits at 12.000, not
    // 12.500. The running pod is killed then (SIGTERM, exit 143).
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - at: 2500ms
              object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: late}
                spec:
                  activeDeadlineSeconds: 10
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 60s}
    "#);
    let pod = &r.pods_of("late")[0];
    assert_eq!(pod.finished, Some(12_000 + STOP_LATENCY));
    assert_eq!((pod.phase.as_str(), pod.exit_code), ("Failed", Some(143)));
    let target = r.condition("late", "FailureTarget").expect("FailureTarget");
    assert_eq!(target.time, rfc(12));
}

#[test]
fn deadline_beats_a_success_seen_in_the_same_sync() {
    // Deadline 7 s; the only pod succeeds at 6.020, but its batched sync (7.020) comes
    // after the deadline sync at 7.000, which sees the success and the passed deadline:
    // failure wins (§4.3). The succeeded pod stays counted as succeeded.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: close}
                spec:
                  activeDeadlineSeconds: 7
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 5s}
    "#);
    let job = r.job("close");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Failed", "DeadlineExceeded")
    );
    assert_eq!((job.succeeded, job.failed), (1, 0));
    assert!(r.obj("close")["status"].get("completionTime").is_none());
}
