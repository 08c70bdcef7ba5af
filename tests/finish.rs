//! How a Job finishes (reference job-semantics §6.2, §15.1, §16): the two-phase finish —
//! `SuccessCriteriaMet`/`FailureTarget` first, `Complete`/`Failed` once nothing is
//! terminating — `completionTime` only on success and equal to `Complete`'s time, the
//! terminal events, and `failed` counting the active pods killed when the Job fails.

use crate::common::{Run, rfc, run};
use jobsim::SECOND;
use jobsim::timing::STOP_LATENCY;

fn one_pod(restart_policy: &str, exit_code: u8) -> Run {
    run(&format!(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {{name: one}}
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: {restart_policy}
                      containers: [{{name: main, image: busybox}}]
              behavior:
                duration: 5s
                outcomes: [{{exitCode: {exit_code}}}]
        "#
    ))
}

#[test]
fn successful_job_conditions_are_success_criteria_met_then_complete() {
    // Pod ends 6.020; sync 7.020: nothing terminates, both conditions in the same sync.
    let r = one_pod("Never", 0);
    let conds = r.conditions("one");
    let kinds: Vec<&str> = conds.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, vec!["SuccessCriteriaMet", "Complete"]);
    for c in &conds {
        assert_eq!(c.status, "True");
        assert_eq!(c.reason, "CompletionsReached");
        assert_eq!(c.message, "Reached expected number of succeeded pods");
        assert_eq!(c.time, rfc(7));
    }
}

#[test]
fn completion_time_equals_the_complete_condition_time() {
    let r = one_pod("Never", 0);
    let status = &r.obj("one")["status"];
    let complete = r.condition("one", "Complete").expect("Complete");
    assert_eq!(status["completionTime"], complete.time.as_str());
    assert_eq!(status["completionTime"], rfc(7));
    assert_eq!(status["startTime"], rfc(0));
}

#[test]
fn failed_job_conditions_are_failure_target_then_failed_with_the_same_reason() {
    let r = one_pod("Never", 1);
    let conds = r.conditions("one");
    let kinds: Vec<&str> = conds.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!(kinds, vec!["FailureTarget", "Failed"]);
    for c in &conds {
        assert_eq!(c.status, "True");
        assert_eq!(c.reason, "BackoffLimitExceeded");
        assert_eq!(c.message, "Job has reached the specified backoff limit");
    }
}

#[test]
fn failed_job_has_no_completion_time() {
    let r = one_pod("Never", 1);
    assert!(r.obj("one")["status"].get("completionTime").is_none());
    assert_eq!(r.obj("one")["status"]["startTime"], rfc(0));
}

#[test]
fn finished_job_has_no_active_or_terminating_pods() {
    for exit in [0, 1] {
        let r = one_pod("Never", exit);
        assert_eq!(r.status_count("one", "active"), 0);
        assert_eq!(r.status_count("one", "terminating"), 0);
        assert_eq!(r.status_count("one", "ready"), 0);
    }
}

#[test]
fn completed_event_says_job_completed_when_complete_is_set() {
    let r = one_pod("Never", 0);
    let ev: Vec<_> = r
        .events_of("job/one")
        .into_iter()
        .filter(|e| e.reason == "Completed")
        .collect();
    assert_eq!(ev.len(), 1);
    assert_eq!(
        (ev[0].time, ev[0].message.as_str()),
        (7_020, "Job completed")
    );
}

#[test]
fn backoff_limit_exceeded_event_is_emitted_once_when_failed_is_set() {
    let r = one_pod("Never", 1);
    let ev: Vec<_> = r
        .events_of("job/one")
        .into_iter()
        .filter(|e| e.reason == "BackoffLimitExceeded")
        .collect();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].message, "Job has reached the specified backoff limit");
    assert_eq!(ev[0].time, 7_020);
    // No success event for a failed Job.
    assert!(
        r.events_of("job/one")
            .iter()
            .all(|e| e.reason != "Completed")
    );
}

/// parallelism 3, backoffLimit 0: the first pod fails after 2 s, the two others would run
/// 60 s.
fn one_fails_two_running() -> Run {
    run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: trio}
                spec:
                  parallelism: 3
                  completions: 3
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 60s
                outcomes: [{attempt: 1, exitCode: 1, after: 2s}]
    "#)
}

#[test]
fn failed_counts_the_active_pods_killed_when_the_job_fails() {
    // 1 failed + 2 running → failed 3 (TestControllerSyncJob "count ready pods when job
    // fails").
    let r = one_fails_two_running();
    let job = r.job("trio");
    assert_eq!((job.outcome, job.failed, job.succeeded), ("Failed", 3, 0));
    let phases: Vec<String> = r.pods_of("trio").into_iter().map(|p| p.phase).collect();
    assert_eq!(phases, vec!["Failed", "Failed", "Failed"]);
}

#[test]
fn failed_is_written_only_after_the_killed_pods_are_gone() {
    // Pod 1 fails at 3.020; the sync at 4.020 writes FailureTarget and deletes the two
    // running pods. They stop STOP_LATENCY later; the sync that sees them gone (1 s after
    // that change) writes Failed.
    let r = one_fails_two_running();
    let target = r.condition("trio", "FailureTarget").expect("FailureTarget");
    let failed = r.condition("trio", "Failed").expect("Failed");
    assert_eq!(target.time, rfc(4));
    let failed_at = 4_020 + STOP_LATENCY + SECOND;
    assert_eq!(failed.time, rfc(failed_at / 1000));
    assert_eq!(r.job("trio").finished, Some(failed_at));
    // The killed pods ended (Failed) before the terminal condition.
    for p in r.pods_of("trio").iter().skip(1) {
        assert_eq!(p.finished, Some(4_020 + STOP_LATENCY));
    }
}

#[test]
fn pod_deletions_for_a_failing_job_are_reported() {
    let r = one_fails_two_running();
    let deletes: Vec<u64> = r
        .events_of("job/trio")
        .into_iter()
        .filter(|e| e.reason == "SuccessfulDelete")
        .map(|e| e.time)
        .collect();
    assert_eq!(deletes, vec![4_020, 4_020]);
}

#[test]
fn failure_beats_success_in_the_same_sync() {
    // Work queue, parallelism 2, backoffLimit 0: pod 1 succeeds at 6.020 and pod 2 fails
    // at 6.520; the sync at 7.020 sees both. "succeeded > 0 and active == 0" holds, and
    // so does "failed 1 > backoffLimit 0": the Job fails.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: race}
                spec:
                  parallelism: 2
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 5s
                outcomes: [{attempt: 2, exitCode: 1, after: 5500ms}]
    "#);
    let job = r.job("race");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Failed", "BackoffLimitExceeded")
    );
    assert_eq!(r.condition_types("race"), vec!["FailureTarget", "Failed"]);
    assert!(r.obj("race")["status"].get("completionTime").is_none());
}

#[test]
fn interim_status_counts_killed_pods_as_terminating_not_active() {
    // Observed at 4.5 s, after the 4.020 sync that wrote FailureTarget and deleted the
    // two running pods: active 0, ready 0, terminating 2 (pods deleted this sync), failed
    // 3, and no terminal condition yet.
    let yaml = r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: trio}
                spec:
                  parallelism: 3
                  completions: 3
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 60s
                outcomes: [{attempt: 1, exitCode: 1, after: 2s}]
    "#;
    let r = crate::common::run_until(yaml, 4_500);
    assert_eq!(r.condition_types("trio"), vec!["FailureTarget"]);
    assert_eq!(r.status_count("trio", "active"), 0);
    assert_eq!(r.status_count("trio", "ready"), 0);
    assert_eq!(r.status_count("trio", "terminating"), 2);
    assert_eq!(r.status_count("trio", "failed"), 3);
    assert_eq!(r.job("trio").outcome, "Running");
}

#[test]
fn every_condition_has_last_probe_time_equal_to_last_transition_time() {
    let r = one_fails_two_running();
    for c in r.obj("trio")["status"]["conditions"]
        .as_array()
        .expect("conditions")
    {
        assert_eq!(c["lastProbeTime"], c["lastTransitionTime"]);
    }
}
