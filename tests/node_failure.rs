//! Node failure (reference job-semantics §20, §19, §14): a node that goes down becomes
//! NotReady about 50 s after its last heartbeat (kubelet heartbeats every 10 s, node
//! controller checks every 5 s), is tainted `node.kubernetes.io/unreachable`, its pods lose
//! Ready; 300 s later (default `tolerationSeconds`, or the pod's own toleration) the taint
//! manager evicts them (DisruptionTarget, DELETE) and, with no kubelet, they stay
//! terminating until the node returns. The default policy counts and replaces the pod at
//! once; with podFailurePolicy Ignore-DisruptionTarget it is replaced only when gone and
//! not counted. The scheduler skips the tainted node. Random node faults are reproducible.

use std::path::Path;

use crate::common::{Run, run, run_file, run_until};
use crate::scenario_text::{Wl, scenario_on};

/// The teaching scenario: node big-0 (both Jobs' pods on it) goes down at 60 s for 20 min.
fn teaching(horizon: Option<u64>) -> Run {
    run_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/teaching/node-loss.yaml"),
        horizon,
    )
}

fn event_times(r: &Run, object: &str, reason: &str) -> Vec<u64> {
    r.events_of(object)
        .into_iter()
        .filter(|e| e.reason == reason)
        .map(|e| e.time)
        .collect()
}

fn not_ready_at(r: &Run) -> u64 {
    let t = event_times(r, "node/big-0", "NodeNotReady");
    assert_eq!(t.len(), 1, "one NodeNotReady event");
    t[0]
}

#[test]
fn node_becomes_not_ready_fifty_to_sixty_five_seconds_after_it_fails() {
    // Last heartbeat in (50, 60]; NotReady once 50 s have passed since it, at the next
    // 5-second check: between 60 + 50 and 60 + 50 + 10 + 5.
    let r = teaching(None);
    let t = not_ready_at(&r);
    assert!((110_000..=125_000).contains(&t), "NotReady at {t}");
}

#[test]
fn pods_on_the_lost_node_lose_ready_but_stay_active() {
    // §20 step 1: MarkPodsNotReady. Shortly after NotReady (the Job syncs 1 s later):
    // ready 0, active 1.
    let t = not_ready_at(&teaching(None));
    let r = teaching(Some(t + 2_000));
    assert_eq!(r.status_count("long-run", "ready"), 0);
    assert_eq!(r.status_count("long-run", "active"), 1);
    assert_eq!(r.status_count("long-run", "failed"), 0);
}

#[test]
fn pods_are_evicted_toleration_seconds_after_not_ready() {
    // Default tolerationSeconds 300 for node.kubernetes.io/unreachable:NoExecute.
    let r = teaching(None);
    let t = not_ready_at(&r);
    for job in ["long-run", "tolerant"] {
        let pod = &r.pods_of(job)[0].pod;
        assert_eq!(
            event_times(&r, &format!("pod/{pod}"), "TaintManagerEviction"),
            vec![t + 300_000],
            "{job}"
        );
    }
}

#[test]
fn default_policy_counts_the_evicted_pod_and_replaces_it_a_second_later() {
    // The evicted pod is terminating → failed under TerminatingOrFailed (§6.1); its
    // backoff runs from the Ready=False transition (≈ NotReady, long past): replacement
    // at the sync 1 s after the eviction, on the other node (big-0 is tainted).
    let r = teaching(None);
    let t = not_ready_at(&r);
    assert_eq!(r.creations("long-run"), vec![0, t + 300_000 + 1_000]);
    let pods = r.pods_of("long-run");
    assert_eq!(pods[1].node.as_deref(), Some("small-0"));
    let job = r.job("long-run");
    assert_eq!((job.outcome, job.failed, job.succeeded), ("Complete", 1, 1));
}

#[test]
fn evicted_pod_stays_terminating_until_the_node_returns() {
    // No kubelet to finish it: at 600 s the pod of `long-run` still terminates (the Job
    // reports it), and it ends when big-0 returns at 60 + 20 min = 1260 s.
    let r = teaching(Some(600_000));
    assert_eq!(r.status_count("long-run", "terminating"), 1);
    assert_eq!(r.status_count("tolerant", "terminating"), 1);
    let full = teaching(None);
    assert_eq!(full.pods_of("long-run")[0].finished, Some(1_260_000));
}

#[test]
fn with_ignore_disruption_target_the_pod_is_replaced_only_when_gone_and_not_counted() {
    // `tolerant` (replacement policy Failed): nothing until the pod is terminal at
    // 1260.000; the Ignore rule matches its DisruptionTarget, so failed stays 0, but the
    // ignored failure still backs off: 1260 + 10 = 1270.000.
    let r = teaching(None);
    assert_eq!(r.creations("tolerant"), vec![0, 1_270_000]);
    let job = r.job("tolerant");
    assert_eq!((job.outcome, job.failed, job.succeeded), ("Complete", 0, 1));
}

#[test]
fn a_pod_toleration_for_unreachable_sets_the_eviction_delay() {
    // tolerationSeconds 60 instead of the default 300.
    let r = run(&scenario_on(
        "  cluster: {nodePools: [{name: solo, count: 2, capacity: {cpu: '4', memory: 16Gi}}]}\n",
        &[Wl {
            name: "tol",
            spec: "template: {spec: {restartPolicy: Never, tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 60}], containers: [{name: main, image: busybox}]}}",
            behavior: "{duration: 15m}",
        }],
        "[{at: 60s, nodeDown: solo-1, for: 20m}, {at: 60s, nodeDown: solo-0, for: 20m}]",
    ));
    let pod = r.pods_of("tol")[0].clone();
    let node = pod.node.expect("scheduled");
    let nr = event_times(&r, &format!("node/{node}"), "NodeNotReady");
    assert_eq!(nr.len(), 1);
    assert_eq!(
        event_times(&r, &format!("pod/{}", pod.pod), "TaintManagerEviction"),
        vec![nr[0] + 60_000]
    );
}

#[test]
fn the_scheduler_skips_a_node_tainted_unreachable() {
    // One node, down from 60 s for 20 min; a Job submitted at 200 s (after NotReady)
    // cannot be placed, with the scheduler's words, until the node returns (1260 s).
    let r = run(&scenario_on(
        "  cluster: {nodePools: [{name: solo, count: 1, capacity: {cpu: '4', memory: 16Gi}}]}\n",
        &[Wl {
            name: "late",
            spec: "template: {spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}",
            behavior: "{duration: 5s}",
        }],
        "[{at: 60s, nodeDown: solo-0, for: 20m}]",
    )
    .replace(
        "      behavior: {duration: 5s}",
        "      at: 200s\n      behavior: {duration: 5s}",
    ));
    let pod = r.pods_of("late")[0].clone();
    let failed: Vec<_> = r
        .events_of(&format!("pod/{}", pod.pod))
        .into_iter()
        .filter(|e| e.reason == "FailedScheduling")
        .collect();
    assert!(!failed.is_empty(), "no FailedScheduling event");
    assert!(
        failed[0].message.starts_with(
            "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        ),
        "message: {}",
        failed[0].message
    );
    assert!(pod.scheduled.expect("scheduled in the end") >= 1_260_000);
}

fn faulty(seed: u64) -> Run {
    run(&scenario_on(
        &format!("  seed: {seed}\n  faults: {{nodes: {{mtbf: 30m, repair: 10m}}}}\n"),
        &[Wl {
            name: "batch",
            spec: "completions: 20, parallelism: 3, template: {spec: {restartPolicy: Never, containers: [{name: main, image: busybox}]}}",
            behavior: "{duration: 10m}",
        }],
        "",
    ))
}

#[test]
fn random_node_faults_are_reproducible_per_seed() {
    let (a, b) = (faulty(3), faulty(3));
    assert_eq!(a.sink.pods, b.sink.pods);
    assert_eq!(a.sink.events, b.sink.events);
    // Faults did happen (mean 30 min per node over hours of work).
    assert!(
        a.events().iter().any(|e| e.reason == "NodeNotReady"),
        "no node fault in the run"
    );
}

#[test]
fn a_run_with_random_faults_still_ends() {
    // Without CronJobs and a horizon the run stops when nothing is left; faults must not
    // keep it alive forever once the Job is finished.
    let r = faulty(5);
    assert!(!r.result.horizon_reached);
    let job = r.job("batch");
    assert!(
        job.outcome == "Complete" || job.outcome == "Failed",
        "outcome {}",
        job.outcome
    );
}

/// A node that goes down for good and whose Node object is then deleted.
const DELETED_NODE: &str = r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {name: gc}
spec:
  cluster:
    nodePools:
      - {name: big, count: 1, capacity: {cpu: "16", memory: 64Gi}}
      - {name: small, count: 1, capacity: {cpu: "4", memory: 16Gi}}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: tolerant}
        spec:
          podFailurePolicy:
            rules:
              - action: Ignore
                onPodConditions: [{type: DisruptionTarget}]
          template:
            spec:
              restartPolicy: Never
              containers: [{name: main, image: busybox, command: ["sh", "-c", "sleep 900"]}]
  actions:
    - {at: 60s, nodeDown: big-0}
    - {at: 10m, delete: node/big-0}
"#;

#[test]
fn pod_gc_fails_the_pods_of_a_deleted_node_after_its_quarantine() {
    // The evicted pod (eviction ≈ 410 s) is stuck terminating on a node that never returns,
    // so under `Failed` replacement nothing replaces it — until the Node object is deleted
    // at 600 s: PodGC's first 20-second pass after the 40 s quarantine (in (640, 660]) marks
    // it Failed with DisruptionTarget DeletionByPodGC, which the Ignore rule matches.
    let r = run(DELETED_NODE);
    let pods = r.pods_of("tolerant");
    assert_eq!(pods.len(), 2, "{pods:?}");
    let gone = pods[0].finished.expect("collected");
    assert!((640_000..=660_000).contains(&gone), "collected at {gone}");
    assert_eq!(pods[0].phase, "Failed");
    assert_eq!(pods[0].reason, "NodeLost");
    // PodGC only patches the phase: its containers get no finishedAt, so the finish time
    // is the PodReady=False time of the NotReady node (≈110 s, §8.1 rule 2), whose 10 s
    // backoff is long over. The sync 1 s after the collection creates the replacement, on
    // small-0, without counting the failure (the Ignore rule matched the PodGC disruption).
    assert_eq!(pods[1].created, gone + 1_000);
    assert_eq!(pods[1].node.as_deref(), Some("small-0"));
    assert_eq!(r.job("tolerant").failed, 0);
    assert_eq!(r.job("tolerant").outcome, "Complete");
}

#[test]
fn a_deleted_node_is_gone_for_the_scheduler() {
    // At 700 s, after big-0's deletion, two 3-CPU pods arrive: only one fits on small-0
    // (4 CPU, already running a pod without requests); the other waits, and the scheduler
    // counts one node, not two.
    let extra = r#"
    - at: 700s
      object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: late}
        spec:
          completions: 2
          parallelism: 2
          template:
            spec:
              restartPolicy: Never
              containers:
                - {name: main, image: busybox, command: ["sleep", "60"], resources: {requests: {cpu: "3"}}}
  actions:"#;
    let r = run(&DELETED_NODE.replacen("\n  actions:", extra, 1));
    let late = r.pods_of("late");
    assert!(
        late.iter().all(|p| p.node.as_deref() != Some("big-0")),
        "{late:?}"
    );
    let waits: Vec<_> = r
        .events()
        .into_iter()
        .filter(|e| e.reason == "FailedScheduling")
        .map(|e| e.message)
        .collect();
    assert_eq!(
        waits,
        vec!["0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.".to_string()]
    );
}

#[test]
fn random_faults_go_on_between_the_runs_of_a_cronjob() {
    // A CronJob's Jobs leave quiet gaps between runs; faults must keep coming as long as the
    // CronJob will create more work (here until the 6 h horizon). 3 nodes, mean time
    // between failures 30 min: about 36 outages in 6 h, so some after the third hour.
    let r = run_until(
        r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {name: cron-faults}
spec:
  seed: 9
  faults:
    nodes: {mtbf: 30m, repair: 1m}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: tick}
        spec:
          schedule: "*/10 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: busybox, command: ["sleep", "60"]}]
"#,
        6 * 3_600_000,
    );
    let downs: Vec<u64> = r
        .events()
        .into_iter()
        .filter(|e| e.reason == "NodeDown")
        .map(|e| e.time)
        .collect();
    assert!(downs.len() >= 10, "{} outages", downs.len());
    assert!(downs.iter().any(|&t| t > 3 * 3_600_000), "{downs:?}");
}
