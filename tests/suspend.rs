//! suspend / resume (reference job-semantics §10 and the v1.36 note at its top):
//! suspending deletes the active pods without counting them and, in v1.36, clears
//! `startTime`; resuming sets `startTime` to the resume time; the events and conditions
//! follow the documented order.

use crate::common::{Run, rfc, run, run_until};

/// The suspend-resume teaching scenario: 2 pods of 30 s, suspended at 10 s, resumed at 60 s.
const PAUSABLE: &str = r#"
    apiVersion: jobsim/v1
    kind: Scenario
    spec:
      workloads:
        - object:
            apiVersion: batch/v1
            kind: Job
            metadata: {name: pausable}
            spec:
              completions: 2
              parallelism: 2
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - {name: main, image: busybox, command: ["sh", "-c", "sleep 30"]}
      actions:
        - {at: 10s, suspend: job/pausable}
        - {at: 60s, resume: job/pausable}
"#;

fn pausable() -> Run {
    run(PAUSABLE)
}

#[test]
fn suspend_deletes_active_pods_without_counting_them() {
    let r = pausable();
    let pods = r.pods_of("pausable");
    assert_eq!(pods.len(), 4);
    // The spec change syncs at once: both running pods are deleted at 10.000.
    let deletions: Vec<u64> = r
        .events_of("job/pausable")
        .into_iter()
        .filter(|e| e.reason == "SuccessfulDelete")
        .map(|e| e.time)
        .collect();
    assert_eq!(deletions, vec![10_000, 10_000]);
    let job = r.job("pausable");
    assert_eq!((job.succeeded, job.failed), (2, 0));
}

#[test]
fn suspended_job_has_no_active_pods_and_a_suspended_condition() {
    let r = run_until(PAUSABLE, 30_000);
    assert_eq!(r.job("pausable").outcome, "Suspended");
    assert_eq!(r.status_count("pausable", "active"), 0);
    assert_eq!(r.status_count("pausable", "failed"), 0);
    let c = r.condition("pausable", "Suspended").expect("Suspended");
    assert_eq!(
        (c.status.as_str(), c.reason.as_str(), c.message.as_str()),
        ("True", "JobSuspended", "Job suspended")
    );
    assert_eq!(c.time, rfc(10));
}

#[test]
fn suspending_a_running_job_clears_start_time_in_v1_36() {
    let r = run_until(PAUSABLE, 30_000);
    assert!(
        r.obj("pausable")["status"].get("startTime").is_none(),
        "startTime: {}",
        r.obj("pausable")["status"]["startTime"]
    );
}

#[test]
fn resume_sets_start_time_to_the_resume_time() {
    let r = pausable();
    assert_eq!(r.obj("pausable")["status"]["startTime"], rfc(60));
}

#[test]
fn resume_creates_pods_at_once() {
    let r = pausable();
    assert_eq!(r.creations("pausable"), vec![0, 0, 60_000, 60_000]);
    // The new pods start 61.020, end 91.020; the sync at 92.020 completes the Job.
    assert_eq!(r.job("pausable").finished, Some(92_020));
}

#[test]
fn suspend_resume_events_follow_the_documented_order() {
    // SuccessfulCreate → SuccessfulDelete → Suspended → SuccessfulCreate → Resumed, then
    // Completed (consecutive repeats for the two pods collapsed).
    let r = pausable();
    let mut reasons: Vec<String> = r
        .events_of("job/pausable")
        .into_iter()
        .map(|e| e.reason)
        .collect();
    reasons.dedup();
    assert_eq!(
        reasons,
        vec![
            "SuccessfulCreate",
            "SuccessfulDelete",
            "Suspended",
            "SuccessfulCreate",
            "Resumed",
            "Completed"
        ]
    );
    let resumed: Vec<_> = r
        .events_of("job/pausable")
        .into_iter()
        .filter(|e| e.reason == "Resumed" || e.reason == "Suspended")
        .map(|e| (e.time, e.message))
        .collect();
    assert_eq!(
        resumed,
        vec![
            (10_000, "Job suspended".to_string()),
            (60_000, "Job resumed".to_string())
        ]
    );
}

#[test]
fn resumed_job_ends_with_suspended_false_then_success_conditions() {
    let r = pausable();
    let conds = r.conditions("pausable");
    let summary: Vec<(&str, &str, &str)> = conds
        .iter()
        .map(|c| (c.kind.as_str(), c.status.as_str(), c.reason.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Suspended", "False", "JobResumed"),
            ("SuccessCriteriaMet", "True", "CompletionsReached"),
            ("Complete", "True", "CompletionsReached"),
        ]
    );
    assert_eq!(conds[0].message, "Job resumed");
    assert_eq!(conds[0].time, rfc(60));
}

#[test]
fn job_created_suspended_creates_no_pods_and_has_no_start_time() {
    let r = run_until(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: held}
                spec:
                  suspend: true
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
    "#,
        120_000,
    );
    assert_eq!(r.job("held").pods, 0);
    assert_eq!(r.job("held").outcome, "Suspended");
    assert!(r.obj("held")["status"].get("startTime").is_none());
    let c = r.condition("held", "Suspended").expect("Suspended");
    assert_eq!(
        (c.status.as_str(), c.reason.as_str()),
        ("True", "JobSuspended")
    );
}

#[test]
fn backoff_record_survives_suspension() {
    // §10: suspension does not reset the backoff record. Pod 1 fails at 6.020 (second 6);
    // suspended at 7.5 s and resumed at 8 s, the Job still waits until 6 + 10 = 16.000.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: flaky}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 5s
                outcomes: [{attempt: 1, exitCode: 1}]
          actions:
            - {at: 7500ms, suspend: job/flaky}
            - {at: 8s, resume: job/flaky}
    "#);
    assert_eq!(r.creations("flaky"), vec![0, 16_000]);
}

#[test]
fn pods_deleted_on_suspend_are_reported_terminating_until_gone() {
    // Observed at 10.5 s, after the 10.000 sync that deleted both pods.
    let r = run_until(PAUSABLE, 10_500);
    assert_eq!(r.status_count("pausable", "active"), 0);
    assert_eq!(r.status_count("pausable", "terminating"), 2);
    assert_eq!(r.status_count("pausable", "failed"), 0);
    // The next sync (11.000) sees them gone.
    let r = run_until(PAUSABLE, 12_000);
    assert_eq!(r.status_count("pausable", "terminating"), 0);
}

#[test]
fn pod_events_name_the_pod_created_or_deleted() {
    let r = pausable();
    let pods = r.pods_of("pausable");
    let ev = r.events_of("job/pausable");
    let created: Vec<&str> = ev
        .iter()
        .filter(|e| e.reason == "SuccessfulCreate")
        .map(|e| e.message.as_str())
        .collect();
    let expected: Vec<String> = pods
        .iter()
        .map(|p| format!("Created pod: {}", p.pod))
        .collect();
    assert_eq!(created, expected);
    let deleted: Vec<&str> = ev
        .iter()
        .filter(|e| e.reason == "SuccessfulDelete")
        .map(|e| e.message.as_str())
        .collect();
    let expected: Vec<String> = pods[..2]
        .iter()
        .map(|p| format!("Deleted pod: {}", p.pod))
        .collect();
    assert_eq!(deleted, expected);
}
