//! The scheduler as the Job sees it (reference job-semantics §18.4): requests, not limits,
//! decide where a pod fits (a resource with only a limit requests its limit); pods that
//! fit nowhere get a `FailedScheduling` event worded as Kubernetes words it and wait,
//! oldest first, for capacity; `nodeSelector` filters nodes; the node's pod limit counts.

use crate::common::{Run, run, run_until};

/// Two nodes of 2 CPU; each pod of 10 s requests 1500m: one pod fits per node.
fn crunch(parallelism: u32, completions: u32) -> Run {
    run(&format!(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          cluster:
            nodePools: [{{name: small, count: 2, capacity: {{cpu: "2", memory: 8Gi}}}}]
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {{name: crunch}}
                spec:
                  completions: {completions}
                  parallelism: {parallelism}
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: main
                          image: busybox
                          resources:
                            requests: {{cpu: 1500m, memory: 1Gi}}
                            limits: {{memory: 1Gi}}
              behavior: {{duration: 10s}}
        "#
    ))
}

#[test]
fn unschedulable_pods_get_failed_scheduling_with_the_kubernetes_message() {
    let r = crunch(4, 4);
    let failed: Vec<_> = r
        .events()
        .into_iter()
        .filter(|e| e.reason == "FailedScheduling")
        .collect();
    assert_eq!(failed.len(), 2);
    for e in &failed {
        assert!(e.object.starts_with("pod/crunch-"), "{}", e.object);
        assert_eq!(
            e.message,
            "0/2 nodes are available: 2 Insufficient cpu. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
        );
        assert_eq!(e.time, 20); // after the 20 ms scheduling latency
    }
}

#[test]
fn pending_pods_are_bound_when_capacity_frees() {
    // Pods 1, 2 bind at 0.020, start 1.020, end 11.020 and free their CPU: pods 3, 4 are
    // bound then, start 12.020, end 22.020.
    let r = crunch(4, 4);
    let pods = r.pods_of("crunch");
    let scheduled: Vec<Option<u64>> = pods.iter().map(|p| p.scheduled).collect();
    assert_eq!(
        scheduled,
        vec![Some(20), Some(20), Some(11_020), Some(11_020)]
    );
    assert_eq!(r.job("crunch").outcome, "Complete");
    assert_eq!(r.job("crunch").succeeded, 4);
}

#[test]
fn pending_pods_are_bound_oldest_first() {
    // One node of 2 CPU holds one pod. Parallelism 3: pod 1 runs 1.020–11.020; pods 2 and
    // 3 wait. When pod 1 ends, the older waiting pod (2) is bound at once (11.020); it
    // starts 12.020 and ends 22.020, when pod 3 is bound.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          cluster:
            nodePools: [{name: one, count: 1, capacity: {cpu: "2", memory: 8Gi}}]
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: line}
                spec:
                  completions: 3
                  parallelism: 3
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: main
                          image: busybox
                          resources: {requests: {cpu: 1500m}}
              behavior: {duration: 10s}
    "#);
    let pods = r.pods_of("line");
    let order: Vec<(u32, Option<u64>)> = pods.iter().map(|p| (p.attempt, p.scheduled)).collect();
    assert_eq!(
        order,
        vec![(1, Some(20)), (2, Some(11_020)), (3, Some(22_020))]
    );
}

#[test]
fn requests_not_limits_decide_scheduling() {
    // Requests 500m with a 4-CPU limit: four pods fit one 2-CPU node at once.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          cluster:
            nodePools: [{name: one, count: 1, capacity: {cpu: "2", memory: 8Gi}}]
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: light}
                spec:
                  completions: 4
                  parallelism: 4
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: main
                          image: busybox
                          resources:
                            requests: {cpu: 500m}
                            limits: {cpu: "4"}
              behavior: {duration: 10s}
    "#);
    assert!(r.pods_of("light").iter().all(|p| p.scheduled == Some(20)));
    assert!(r.events().iter().all(|e| e.reason != "FailedScheduling"));
}

#[test]
fn a_limit_without_a_request_acts_as_the_request() {
    // Only limits.cpu 1500m: the request defaults to 1500m, one pod per 2-CPU node.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          cluster:
            nodePools: [{name: one, count: 1, capacity: {cpu: "2", memory: 8Gi}}]
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: limited}
                spec:
                  completions: 2
                  parallelism: 2
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: main
                          image: busybox
                          resources: {limits: {cpu: 1500m}}
              behavior: {duration: 10s}
    "#);
    let scheduled: Vec<Option<u64>> = r.pods_of("limited").iter().map(|p| p.scheduled).collect();
    assert_eq!(scheduled, vec![Some(20), Some(11_020)]);
}

#[test]
fn node_selector_places_pods_only_on_matching_nodes() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          cluster:
            nodePools:
              - {name: cpu, count: 3, capacity: {cpu: "8", memory: 32Gi}, labels: {kind: cpu}}
              - {name: gpu, count: 2, capacity: {cpu: "8", memory: 32Gi}, labels: {kind: gpu}}
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: train}
                spec:
                  completions: 6
                  parallelism: 6
                  template:
                    spec:
                      restartPolicy: Never
                      nodeSelector: {kind: gpu}
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 10s}
    "#);
    let pods = r.pods_of("train");
    assert_eq!(pods.len(), 6);
    for p in &pods {
        let node = p.node.as_deref().expect("bound");
        assert!(node.starts_with("gpu-"), "pod {} on {node}", p.pod);
    }
}

#[test]
fn node_selector_matching_no_node_leaves_the_pod_pending() {
    let r = run_until(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: nowhere}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      nodeSelector: {kind: tpu}
                      containers: [{name: main, image: busybox}]
    "#,
        60_000,
    );
    let pod = &r.pods_of("nowhere")[0];
    assert_eq!((pod.node.as_deref(), pod.phase.as_str()), (None, "Pending"));
    let ev = r.events_of(&format!("pod/{}", pod.pod));
    assert_eq!(ev[0].reason, "FailedScheduling");
    assert_eq!(
        ev[0].message,
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

#[test]
fn node_pod_limit_counts_as_capacity() {
    // One node that holds 2 pods; parallelism 3: the third pod waits ("Too many pods").
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          cluster:
            nodePools: [{name: tiny, count: 1, capacity: {cpu: "8", memory: 8Gi, pods: 2}}]
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: many}
                spec:
                  completions: 3
                  parallelism: 3
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 10s}
    "#);
    let failed: Vec<_> = r
        .events()
        .into_iter()
        .filter(|e| e.reason == "FailedScheduling")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].message,
        "0/1 nodes are available: 1 Too many pods. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
    );
    assert_eq!(r.pods_of("many")[2].scheduled, Some(11_020));
}

#[test]
fn node_selector_on_the_hostname_label_pins_the_node() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: pinned}
                spec:
                  completions: 3
                  parallelism: 3
                  template:
                    spec:
                      restartPolicy: Never
                      nodeSelector: {kubernetes.io/hostname: worker-2}
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 5s}
    "#);
    assert!(
        r.pods_of("pinned")
            .iter()
            .all(|p| p.node.as_deref() == Some("worker-2"))
    );
}

#[test]
fn failed_scheduling_lists_every_reason_sorted_with_its_node_count() {
    // Node 0 lacks CPU, node 1 lacks memory.
    let r = run_until(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          cluster:
            nodePools:
              - {name: thin, count: 1, capacity: {cpu: "1", memory: 16Gi}}
              - {name: small, count: 1, capacity: {cpu: "8", memory: 1Gi}}
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: big}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: main
                          image: busybox
                          resources: {requests: {cpu: "2", memory: 2Gi}}
    "#,
        10_000,
    );
    let ev: Vec<_> = r
        .events()
        .into_iter()
        .filter(|e| e.reason == "FailedScheduling")
        .collect();
    assert_eq!(
        ev[0].message,
        "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
    );
}
