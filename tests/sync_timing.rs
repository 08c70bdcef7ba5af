//! When the Job controller syncs (reference job-semantics §4.1, §4.3 step 4): at once on
//! Job creation and spec changes; pod changes batched into one sync 1 s after the first;
//! `startTime` is the first unsuspended sync's time (whole seconds), not the pod start.

use crate::common::{Run, rfc, run};

fn three_pods(after: [&str; 3]) -> Run {
    run(&format!(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {{name: trio}}
                spec:
                  completions: 3
                  parallelism: 3
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{{name: main, image: busybox}}]
              behavior:
                outcomes:
                  - {{attempt: 1, exitCode: 0, after: {}}}
                  - {{attempt: 2, exitCode: 0, after: {}}}
                  - {{attempt: 3, exitCode: 0, after: {}}}
        "#,
        after[0], after[1], after[2]
    ))
}

#[test]
fn job_creation_syncs_at_once_and_creates_pods_at_submission() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - at: 5s
              object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: later}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 5s}
    "#);
    assert_eq!(r.creations("later"), vec![5_000]);
    assert_eq!(r.pods_of("later")[0].created, 5_000);
    assert_eq!(r.job("later").created, 5_000);
}

#[test]
fn pod_changes_are_batched_into_one_sync_one_second_after_the_first() {
    // Pods end at 6.020, 6.300 and 6.700. One sync, 1 s after the first change (7.020),
    // sees all three and completes the Job — not 1 s after the last change (7.700).
    let r = three_pods(["5s", "5280ms", "5680ms"]);
    assert_eq!(r.job("trio").finished, Some(7_020));
    assert_eq!(
        r.condition("trio", "Complete").expect("Complete").time,
        rfc(7)
    );
}

#[test]
fn a_pod_change_after_the_batched_sync_gets_its_own_sync_a_second_later() {
    // Pods end at 6.020, 6.520 and 7.520. The sync at 7.020 sees two successes; the third
    // pod's end (7.520) queues a new sync at 8.520, which completes the Job.
    let r = three_pods(["5s", "5500ms", "6500ms"]);
    assert_eq!(r.job("trio").finished, Some(8_520));
    assert_eq!(
        r.condition("trio", "Complete").expect("Complete").time,
        rfc(8)
    );
}

#[test]
fn start_time_is_the_first_sync_time_truncated_to_seconds_not_the_pod_start() {
    // Submitted at 2.500: the first sync sets startTime 2.5 s → "…:02Z". The pod only
    // starts at 3.520.
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
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 5s}
    "#);
    assert_eq!(r.obj("late")["status"]["startTime"], rfc(2));
    assert_eq!(r.pods_of("late")[0].started, Some(3_520));
    assert_eq!(r.obj("late")["metadata"]["creationTimestamp"], rfc(2));
}

#[test]
fn failed_pod_replacement_is_never_sooner_than_the_sync_that_sees_it() {
    // backoffLimit 6 but the replacement delay (10 s from second 6) dominates; the
    // batched sync at 7.020 observes the failure and must not create anything yet.
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
    "#);
    assert_eq!(r.creations("flaky"), vec![0, 16_000]);
    assert_eq!(r.job("flaky").outcome, "Complete");
}
