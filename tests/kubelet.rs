//! The kubelet behaviour a Job depends on (reference job-semantics §18.1, §18.3): in-place
//! restarts under `OnFailure` with the crash-loop backoff (gaps 0, 10, 20, 40 s …, reset
//! after 10 quiet minutes), `restartCount` in pods.csv, and the pod phase of multi- and
//! init-container pods.

use crate::common::{rfc, run};

#[test]
fn onfailure_crash_loop_gaps_are_0_10_20_40_seconds() {
    // Runs 1–4 fail after 5 s, run 5 succeeds. Run 1: 1.020–6.020, restart at once;
    // run 2: 6.020–11.020, wait 10 s; run 3: 21.020–26.020, wait 20 s; run 4:
    // 46.020–51.020, wait 40 s; run 5: 91.020–96.020 → Succeeded. Sync 97.020 completes.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: crashy}
                spec:
                  backoffLimit: 10
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 5s
                outcomes:
                  - {run: 1, exitCode: 1}
                  - {run: 2, exitCode: 1}
                  - {run: 3, exitCode: 1}
                  - {run: 4, exitCode: 1}
    "#);
    let pods = r.pods_of("crashy");
    assert_eq!(pods.len(), 1, "OnFailure restarts in place, no new pod");
    let p = &pods[0];
    assert_eq!(p.restarts, 4);
    assert_eq!((p.phase.as_str(), p.exit_code), ("Succeeded", Some(0)));
    assert_eq!(p.finished, Some(96_020));
    let job = r.job("crashy");
    assert_eq!((job.outcome, job.failed), ("Complete", 0));
    assert_eq!(job.finished, Some(97_020));
    assert_eq!(r.obj("crashy")["status"]["completionTime"], rfc(97));
}

#[test]
fn crash_loop_backoff_resets_when_an_exit_comes_ten_minutes_after_the_last_restart() {
    // Run 1 fails at 6.020 → restart at once (decision at 6.020). Run 2 runs 700 s and
    // fails at 706.020, more than 600 s after that decision: the entry expired, restart at
    // once again. Run 3 succeeds after 5 s: 711.020 (with a 10 s wait it would be 721.020).
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: slowcrash}
                spec:
                  backoffLimit: 10
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 5s
                outcomes:
                  - {run: 1, exitCode: 1}
                  - {run: 2, exitCode: 1, after: 700s}
    "#);
    let p = &r.pods_of("slowcrash")[0];
    assert_eq!(p.restarts, 2);
    assert_eq!(p.finished, Some(711_020));
}

#[test]
fn never_pods_are_not_restarted_in_place() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: once}
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 5s
                outcomes: [{exitCode: 3}]
    "#);
    let p = &r.pods_of("once")[0];
    assert_eq!(p.restarts, 0);
    assert_eq!((p.phase.as_str(), p.exit_code), ("Failed", Some(3)));
    assert_eq!(p.finished, Some(6_020));
}

#[test]
fn never_pod_with_two_containers_finishes_when_the_last_one_exits() {
    // Without a duration model each container runs its trailing `sleep N`: 5 s and 10 s.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: pair}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - {name: a, image: busybox, command: ["sh", "-c", "sleep 5"]}
                        - {name: b, image: busybox, command: ["sh", "-c", "sleep 10"]}
    "#);
    let p = &r.pods_of("pair")[0];
    assert_eq!((p.phase.as_str(), p.finished), ("Succeeded", Some(11_020)));
}

#[test]
fn init_containers_run_to_completion_before_the_app_container() {
    // init 3 s, then main 5 s: 1.020 + 3 + 5 = 9.020.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: staged}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      initContainers:
                        - {name: fetch, image: busybox, command: ["sh", "-c", "sleep 3"]}
                      containers:
                        - {name: main, image: busybox, command: ["sh", "-c", "sleep 5"]}
    "#);
    let p = &r.pods_of("staged")[0];
    assert_eq!((p.phase.as_str(), p.finished), ("Succeeded", Some(9_020)));
}

#[test]
fn failed_init_container_fails_a_never_pod() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: staged}
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      initContainers:
                        - {name: fetch, image: busybox, command: ["sh", "-c", "sleep 3"]}
                      containers:
                        - {name: main, image: busybox, command: ["sh", "-c", "sleep 5"]}
              behavior:
                container: fetch
                outcomes: [{exitCode: 2}]
    "#);
    let p = &r.pods_of("staged")[0];
    assert_eq!(p.phase, "Failed");
    assert_eq!(p.exit_code, Some(2));
    assert_eq!(p.finished, Some(4_020));
    assert_eq!(r.job("staged").outcome, "Failed");
}

#[test]
fn crash_looping_pod_is_active_but_not_ready() {
    // Runs fail after 5 s: run 2 exits at 11.020 and waits 10 s (until 21.020). At 15 s
    // the last sync (12.020) saw the pod active and not ready.
    let r = crate::common::run_until(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: crash}
                spec:
                  backoffLimit: 10
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 5s
                failure: {probability: 1.0, exitCode: 1}
    "#,
        15_000,
    );
    assert_eq!(r.status_count("crash", "active"), 1);
    assert_eq!(r.status_count("crash", "ready"), 0);
    assert_eq!(r.status_count("crash", "failed"), 0);
    let p = &r.pods_of("crash")[0];
    assert_eq!((p.phase.as_str(), p.restarts), ("Running", 1));
}
