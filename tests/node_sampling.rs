//! kube-scheduler's `percentageOfNodesToScore` (adaptive by default) and its rotating
//! `nextStartNodeIndex` (`pkg/scheduler/schedule_one.go`, `numFeasibleNodesToFind` and
//! `findNodesThatPassFilters`): in a cluster of more than 100 nodes, a search stops once it
//! has found enough feasible nodes, and the next search starts after the last node looked
//! at. Clusters of up to 100 nodes are searched whole.

use crate::common::run;

fn cluster(nodes: u32, pods: u32) -> String {
    format!(
        r#"apiVersion: jobsim/v1
kind: Scenario
metadata:
  name: sampling
spec:
  cluster:
    nodePools:
      - name: n
        count: {nodes}
        capacity: {{cpu: "4", memory: 16Gi, pods: 110}}
    timing:
      scheduling: 10ms
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: spread
        spec:
          completions: {pods}
          parallelism: {pods}
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
                  resources:
                    requests: {{cpu: "1", memory: 1Gi}}
      behavior:
        duration: 60s
"#
    )
}

/// The node numbers the pods were bound to, in the order they were bound.
fn placements(nodes: u32, pods: u32) -> Vec<u32> {
    let r = run(&cluster(nodes, pods));
    let mut rows = r.pods_of("spread");
    rows.sort_by_key(|p| (p.scheduled, p.attempt));
    rows.iter()
        .map(|p| {
            let node = p.node.as_deref().expect("bound");
            node.trim_start_matches("n-").parse().expect("node number")
        })
        .collect()
}

#[test]
fn a_search_in_a_big_cluster_stops_after_100_feasible_nodes_and_the_next_starts_after_them() {
    // 250 empty nodes: 50 − 250/125 = 48 % is 120 nodes to find. Every node is feasible
    // and equally empty, so the first pod lands among nodes 0–119, the second among
    // 120–239, the third among 240–249 and 0–109 (the index wraps around).
    let at = placements(250, 3);
    assert!(at[0] < 120, "{at:?}");
    assert!((120..240).contains(&at[1]), "{at:?}");
    assert!(at[2] >= 240 || at[2] < 110, "{at:?}");
}

#[test]
fn a_cluster_of_100_nodes_is_searched_whole_for_every_pod() {
    // With every node searched, the emptiest node wins: no pod shares a node while an
    // empty one is left, wherever the search would have started.
    let at = placements(100, 100);
    let mut seen = at.clone();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 100, "{at:?}");
}
