//! PodGC's terminated-pod threshold (kube-controller-manager `--terminated-pod-gc-threshold`,
//! 12,500 by default; `gcTerminated` in `pkg/controller/podgc`): at a 20-second pass that
//! finds more terminated pods than that, the oldest-created are deleted. Their names are
//! free again; their records and the Job's counts do not change.

use crate::common::run;

/// One Job of `n` one-second pods, 1,000 at a time, on nodes that hold them all.
fn many_pods(n: u32, actions: &str) -> String {
    format!(
        r#"apiVersion: jobsim/v1
kind: Scenario
metadata:
  name: many
spec:
  cluster:
    nodePools:
      - name: n
        count: 10
        capacity: {{cpu: "100", memory: 400Gi, pods: 110}}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: many
        spec:
          completions: {n}
          parallelism: 1000
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
                  resources:
                    requests: {{cpu: 100m, memory: 100Mi}}
      behavior:
        duration: 1s
{actions}"#
    )
}

fn not_found(r: &crate::common::Run, name: &str) -> bool {
    r.events_of(&format!("pod/{name}"))
        .iter()
        .any(|e| e.reason == "NotFound")
}

#[test]
fn podgc_deletes_the_oldest_terminated_pods_beyond_12500_and_frees_their_names() {
    let n = 13_000;
    let base = run(&many_pods(n, ""));
    let pods = base.pods_of("many");
    assert_eq!(pods.len(), n as usize);
    let (oldest, newest) = (pods[0].pod.clone(), pods[n as usize - 1].pod.clone());
    // Long after every pod finished: 500 pods over the threshold, the oldest first, are
    // gone from the API, so a delete action finds no such pod; the newest still exists.
    let actions = format!(
        "  actions:\n    - {{at: 2h, delete: pod/{oldest}}}\n    - {{at: 2h, delete: pod/{newest}}}\n"
    );
    let r = run(&many_pods(n, &actions));
    assert!(not_found(&r, &oldest), "{oldest} should be gone");
    assert!(!not_found(&r, &newest), "{newest} should still exist");
}

#[test]
fn podgc_of_terminated_pods_changes_no_job_count_and_no_pod_record() {
    let n = 13_000;
    let r = run(&many_pods(n, ""));
    let job = r.job_row("many");
    assert_eq!((job.succeeded, job.failed, job.pods), (n as i32, 0, n));
    let pods = r.pods_of("many");
    assert_eq!(pods.len(), n as usize);
    assert!(pods.iter().all(|p| p.phase == "Succeeded"));
    // Rows stay in creation order (attempt numbers count the Job's pods from 1).
    assert!(pods.iter().zip(1..).all(|(p, a)| p.attempt == a));
}

#[test]
fn below_the_threshold_no_terminated_pod_is_deleted() {
    let n = 2_000;
    let base = run(&many_pods(n, ""));
    let oldest = base.pods_of("many")[0].pod.clone();
    let actions = format!("  actions:\n    - {{at: 2h, delete: pod/{oldest}}}\n");
    let r = run(&many_pods(n, &actions));
    assert!(!not_found(&r, &oldest));
    assert_eq!(r.result.events_processed, base.result.events_processed + 1);
}
