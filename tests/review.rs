//! A last independent review of the Job controller and kubelet against the reference
//! (`job-semantics.md`, v1.36 defaults). Each test is named after the rule it pins; the
//! expected values are derived in comments from the reference. A test the simulator does
//!
//! Timing used below (default cluster): a pod created at `c` is bound at `c + 0.020` and
//! its containers start at `c + 1.020`; a Job add or spec change syncs at once; pod
//! changes sync the Job 1 s later (§4.1).

use crate::common::{Run, rfc, run, run_until};
use crate::scenario_text::{NEVER, ON_FAILURE, one_job};

fn deletes(r: &Run, job: &str) -> Vec<(u64, String)> {
    r.events_of(&format!("job/{job}"))
        .into_iter()
        .filter(|e| e.reason == "SuccessfulDelete")
        .map(|e| (e.time, e.message))
        .collect()
}

// ---- §4.3 ordering ----------------------------------------------------------------------

#[test]
fn start_time_is_set_even_when_the_job_fails_in_its_first_sync() {
    // activeDeadlineSeconds 0 (validation only rejects negatives, §1.3). The first sync at
    // 0 s sets startTime = 0 (step 4) before deciding the finished condition; now − start =
    // 0 ≥ 0 → DeadlineExceeded (§9). No pod exists, so nothing terminates: FailureTarget and
    // Failed are both written in that sync (§16.2), and manageJob never runs: no pod.
    let r = run(&one_job(
        "instant",
        &format!("activeDeadlineSeconds: 0, {NEVER}"),
        "",
        "",
    ));
    let st = &r.obj("instant")["status"];
    assert_eq!(st["startTime"], rfc(0), "status {st}");
    let conds: Vec<(String, String, String)> = r
        .conditions("instant")
        .into_iter()
        .map(|c| (c.kind, c.reason, c.time))
        .collect();
    assert_eq!(
        conds,
        vec![
            ("FailureTarget".into(), "DeadlineExceeded".into(), rfc(0)),
            ("Failed".into(), "DeadlineExceeded".into(), rfc(0)),
        ]
    );
    assert!(st.get("completionTime").is_none());
    assert_eq!(r.job("instant").pods, 0);
    assert_eq!(r.status_count("instant", "failed"), 0);
}

#[test]
fn suspended_job_with_completions_zero_completes_without_start_time() {
    // §3: completions 0 is complete at once, also while suspended. §4.3 step 4 sets
    // startTime only when not suspended, so it stays null (§15.1 names this as the one
    // finished Job without startTime). Complete, not suspended: no Suspended condition
    // (step 8 maintains it only when not complete). completionTime = Complete's time = 0.
    let r = run_until(
        &one_job(
            "nothing",
            &format!("completions: 0, suspend: true, {NEVER}"),
            "",
            "",
        ),
        60_000,
    );
    let st = &r.obj("nothing")["status"];
    assert!(st.get("startTime").is_none(), "status {st}");
    assert_eq!(
        r.condition_types("nothing"),
        vec!["SuccessCriteriaMet", "Complete"]
    );
    assert_eq!(st["completionTime"], rfc(0));
    assert_eq!(
        r.condition("nothing", "Complete").expect("Complete").reason,
        "CompletionsReached"
    );
}

#[test]
fn job_managed_by_another_controller_is_left_with_an_empty_status() {
    // §4.3 step 2 / §23: spec.managedBy naming another controller → the Job controller does
    // nothing at all: no pods, and no status write, so `kubectl get job -o json` shows
    // `status: {}` (no ready/terminating/uncountedTerminatedPods, which only the Job
    // controller's own writes add).
    let r = run_until(
        &one_job(
            "external",
            &format!("managedBy: example.com/queue, {NEVER}"),
            "",
            "",
        ),
        30_000,
    );
    assert_eq!(r.job("external").pods, 0);
    let st = &r.obj("external")["status"];
    assert_eq!(st, &serde_json::json!({}), "status {st}");
}

// ---- §5 manageJob ----------------------------------------------------------------------

#[test]
fn indexed_out_of_range_pods_are_deleted_even_without_surplus() {
    // §5 "Too many": for Indexed Jobs the pods with index ≥ completions (and duplicates)
    // are removed first — upstream `activePodsForRemoval` puts *all* of them in the delete
    // list whatever rmAtLeast is, and any delete list ends the sync.
    // c = p = 4. Index 0 fails at 1.020 + 2 = 3.020 (sync 4.020: failed 1, backoff 10 s from
    // second 3 → index 0 may be recreated from 13 s). At 5 s the elastic scale to c = p = 3
    // syncs at once: active = indexes 1, 2, 3 → 3; want = min(3 − 0, 3) = 3; rmAtLeast 0,
    // but index 3 ≥ completions → its pod is deleted at 5.000, uncounted.
    let r = run(&one_job(
        "el",
        &format!("completions: 4, parallelism: 4, completionMode: Indexed, {NEVER}"),
        "{duration: 60s, outcomes: [{index: 0, attempt: 1, exitCode: 1, after: 2s}]}",
        "[{at: 5s, scale: job/el, parallelism: 3, completions: 3}]",
    ));
    let idx3: Vec<_> = r
        .pods_of("el")
        .into_iter()
        .filter(|p| p.index == Some(3))
        .collect();
    assert_eq!(idx3.len(), 1);
    assert_eq!(idx3[0].finished, Some(5_000), "pod {:?}", idx3[0]);
    assert_eq!(
        deletes(&r, "el"),
        vec![(5_000, format!("Deleted pod: {}", idx3[0].pod))]
    );
    // Index 3 is out of range: never counted; indexes 0–2 complete.
    let job = r.job("el");
    assert_eq!((job.outcome, job.succeeded, job.failed), ("Complete", 3, 1));
}

#[test]
fn surplus_ready_pods_go_most_recently_ready_first() {
    // §5 order (controller.ActivePods): both pods scheduled, Running and ready, so rule 4
    // decides: "ready for a shorter time first" — the PodReady lastTransitionTime.
    // OnFailure, completions 10, parallelism 1. Pod A (attempt 1) starts 1.020; its first run
    // exits 1 at 16.020 and is restarted at once (first exit, §18.3), ready again at 16.020.
    // At 10 s parallelism 2 creates pod B at 10.000, running and ready from 11.020.
    // At 20 s parallelism 1: one pod must go. A has been ready since 16 s, B since 11 s,
    // so A goes (rule 4 comes before restart counts and creation time).
    let r = run(&one_job(
        "order",
        &format!("completions: 10, parallelism: 1, {ON_FAILURE}"),
        "{duration: 100s, outcomes: [{attempt: 1, run: 1, exitCode: 1, after: 15s}]}",
        "[{at: 10s, scale: job/order, parallelism: 2}, {at: 20s, scale: job/order, parallelism: 1}]",
    ));
    let gone: Vec<u32> = r
        .pods_of("order")
        .iter()
        .filter(|p| p.finished == Some(20_000))
        .map(|p| p.attempt)
        .collect();
    assert_eq!(gone, vec![1], "pods {:?}", r.pods_of("order"));
}

#[test]
fn a_surplus_deletion_sync_reports_ready_minus_and_terminating_plus_the_deleted_pods() {
    // §6.2: status.ready = ready active pods minus the ready pods deleted this sync;
    // status.terminating = terminating pods plus the pods deleted this sync. Three pods run
    // and are ready from 1.020; at 10 s parallelism 1 deletes 2 of them in the spec-change
    // sync: active 1, ready 1, terminating 2 as written by that sync.
    let r = run_until(
        &one_job(
            "three",
            &format!("completions: 3, parallelism: 3, {NEVER}"),
            "{duration: 30s, shutdown: 5s}",
            "[{at: 10s, scale: job/three, parallelism: 1}]",
        ),
        10_000,
    );
    assert_eq!(r.status_count("three", "active"), 1);
    assert_eq!(r.status_count("three", "ready"), 1);
    assert_eq!(r.status_count("three", "terminating"), 2);
    assert_eq!(r.status_count("three", "failed"), 0);
}

// ---- §8.1 finish time ------------------------------------------------------------------

#[test]
fn finish_time_of_a_pod_deleted_in_its_init_container_is_its_pod_ready_false_time() {
    // §8.1 getFinishedTime: rule 1 needs every container terminated with a finishedAt; the
    // app container never started (Waiting/PodInitializing), so rule 1 fails. Rule 2: the
    // kubelet wrote PodReady=False (ContainersNotReady) with its first status of the pod,
    // right after binding (0.020 → second 0); the condition stays False through termination,
    // so its lastTransitionTime stays second 0. Rule 3 (deletion time) is never reached.
    // The pod is deleted at 50 s while its init container (sleep 100) runs; under the
    // default TerminatingOrFailed it counts as failed in the sync at 51.000 (n = 1 → 10 s
    // delay from second 0, long over), so the replacement is created at 51.000, not 60.000.
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
                        - {name: fetch, image: busybox, command: ["sh", "-c", "sleep 100"]}
                      containers:
                        - {name: main, image: busybox, command: ["sh", "-c", "sleep 5"]}
          actions:
            - {at: 50s, delete: pod/staged}
    "#);
    assert_eq!(r.creations("staged"), vec![0, 51_000]);
    assert_eq!(r.job("staged").failed, 1);
}

#[test]
fn finish_time_of_a_ready_pod_deleted_before_its_containers_stop_is_the_deletion_time() {
    // §8.1: rule 1 fails while the container still runs, rule 2 finds no PodReady=False (the
    // pod is still ready when the informer sees the deletion), rule 3 gives
    // deletionTimestamp − grace = the DELETE time. Pod ready from 1.020, deleted at 20 s with
    // a 25 s shutdown (grace 30 s): counted failed in the sync at 21.000, delay 10 s from
    // second 20 → the replacement is created at the re-enqueued sync at 30.000.
    let r = run(&one_job(
        "slow",
        NEVER,
        "{duration: 60s, shutdown: 25s}",
        "[{at: 20s, delete: pod/slow}]",
    ));
    assert_eq!(r.creations("slow"), vec![0, 30_000]);
}

#[test]
fn creations_are_capped_at_500_per_sync() {
    // §5: diff is capped at MaxPodCreateDeletePerSync = 500. c = p = 600, fresh: the first
    // sync (0 s) creates 500; their add events bring the next sync at 1.000, which creates
    // the other 100.
    let r = run_until(
        &one_job(
            "wide",
            &format!("completions: 600, parallelism: 600, {NEVER}"),
            "{duration: 60s}",
            "",
        ),
        2_000,
    );
    let c = r.creations("wide");
    assert_eq!(c.iter().filter(|&&t| t == 0).count(), 500);
    assert_eq!(c.iter().filter(|&&t| t == 1_000).count(), 100);
    assert_eq!(c.len(), 600);
}

#[test]
fn deletions_are_capped_at_500_per_sync() {
    // §5: at most 500 deletions per sync. c = p = 600 (500 at 0 s, 100 at 1 s); at 10 s
    // parallelism 0 wants no pod: the spec-change sync deletes 500, and the deletions' pod
    // events bring the next sync at 11.000, which deletes the other 100.
    let r = run_until(
        &one_job(
            "wide",
            &format!("completions: 600, parallelism: 600, {NEVER}"),
            "{duration: 60s}",
            "[{at: 10s, scale: job/wide, parallelism: 0}]",
        ),
        12_000,
    );
    let d: Vec<u64> = deletes(&r, "wide").into_iter().map(|(t, _)| t).collect();
    assert_eq!(d.iter().filter(|&&t| t == 10_000).count(), 500);
    assert_eq!(d.iter().filter(|&&t| t == 11_000).count(), 100);
    assert_eq!(d.len(), 600);
    assert_eq!(r.status_count("wide", "failed"), 0);
}

// ---- §6 counting -----------------------------------------------------------------------

#[test]
fn a_failed_pod_with_an_index_beyond_completions_is_never_counted() {
    // §6.1: Indexed pods whose index is ≥ completions are never counted (upstream
    // trackJobStatusAndRemoveFinalizers counts a failed pod only when ix < completions).
    // c = p = 4, pods run 30 s; index 3 fails at 1.020 + 8.5 = 9.520. At 10 s the elastic
    // scale to c = p = 2 syncs at once: the failed index-3 pod is now out of range, so it is
    // not counted; index 2 (out of range, active 3 > want 2) is deleted uncounted. Indexes 0
    // and 1 succeed at 31.020 → Complete with succeeded 2, failed 0.
    let r = run(&one_job(
        "el",
        &format!("completions: 4, parallelism: 4, completionMode: Indexed, {NEVER}"),
        "{duration: 30s, outcomes: [{index: 3, exitCode: 1, after: 8500ms}]}",
        "[{at: 10s, scale: job/el, parallelism: 2, completions: 2}]",
    ));
    let job = r.job("el");
    assert_eq!((job.outcome, job.succeeded, job.failed), ("Complete", 2, 0));
    assert_eq!(r.obj("el")["status"]["completedIndexes"], "0,1");
}

#[test]
fn surplus_not_ready_pods_with_more_restarts_go_first() {
    // §5 order (controller.ActivePods): rule 4 (ready time) applies only when *both* pods
    // are ready; for two not-ready Running pods rule 5 decides: more container restarts
    // first, before creation time (rule 6).
    // OnFailure, two containers: `helper` (sleep 5, exits 0, never restarted) and `main`.
    // Pod A (attempt 1) starts 1.020; its main fails every 3 s: exit 4.020 → restarted at once
    // (restartCount 1), exit 7.020 → restarted after 10 s at 17.020 (restartCount 2). Its
    // helper exits 0 at 6.020, so A is not ready from then on.
    // At 10 s parallelism 2 creates pod B (attempt 2): starts 11.020, helper exits 16.020 →
    // not ready; main runs on, 0 restarts.
    // At 20 s parallelism 1: both Running and not ready; A has 2 restarts, B 0 → A goes,
    // although A is the older pod.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: order}
                spec:
                  completions: 10
                  parallelism: 1
                  backoffLimit: 100
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers:
                        - {name: main, image: busybox}
                        - {name: helper, image: busybox, command: ["sh", "-c", "sleep 5"]}
              behavior:
                container: main
                duration: 100s
                outcomes: [{attempt: 1, exitCode: 1, after: 3s}]
          actions:
            - {at: 10s, scale: job/order, parallelism: 2}
            - {at: 20s, scale: job/order, parallelism: 1}
    "#);
    let gone: Vec<(u32, u32)> = r
        .pods_of("order")
        .iter()
        .filter(|p| p.finished == Some(20_000))
        .map(|p| (p.attempt, p.restarts))
        .collect();
    assert_eq!(gone, vec![(1, 2)], "pods {:?}", r.pods_of("order"));
}

// ---- §6.3 / §13 / §16.2 two-phase finish -------------------------------------------------

#[test]
fn success_policy_sync_counts_a_failure_kept_for_its_replacement_and_completes_at_once() {
    // §13: in the sync that sets SuccessCriteriaMet, canRemoveFinalizer is true for every pod
    // because a finished condition exists — including a failed pod whose finalizer §6.3
    // step 5 would otherwise keep until its replacement exists. So that sync counts it
    // (failed 1), leaves uncountedTerminatedPods empty, and with nothing terminating writes
    // Complete in the same sync (§16.2).
    // Index 0 fails at 1.020 + 3 = 4.020 (sync 5.020: kept, per-index backoff until 14 s);
    // index 1 succeeds at 6.020; the sync at 7.020 meets rule {succeededIndexes: "1"}:
    // SuccessCriteriaMet and Complete both at second 7, finished at 7.020, failed 1.
    // (tests/success_policy.rs `success_with_a_failure_awaiting_its_replacement_still_completes`
    // pins 8.020 instead.)
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: sp}
                spec:
                  completions: 2
                  parallelism: 2
                  completionMode: Indexed
                  backoffLimitPerIndex: 1
                  successPolicy:
                    rules: [{succeededIndexes: "1"}]
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 5s
                outcomes:
                  - {index: 0, exitCode: 1, after: 3s}
    "#);
    let conds: Vec<(String, String)> = r
        .conditions("sp")
        .into_iter()
        .map(|c| (c.kind, c.time))
        .collect();
    assert_eq!(
        conds,
        vec![
            ("SuccessCriteriaMet".into(), rfc(7)),
            ("Complete".into(), rfc(7))
        ]
    );
    let job = r.job("sp");
    assert_eq!(job.finished, Some(7_020));
    assert_eq!(job.failed, 1);
    assert_eq!(r.obj("sp")["status"]["completionTime"], rfc(7));
}

#[test]
fn pod_gc_failure_backs_off_from_the_pod_ready_false_time_not_the_gc_time() {
    // §20 step 3: PodGC only patches phase Failed and adds DisruptionTarget (server-side
    // apply of those two fields); the dead kubelet never reported the container as
    // terminated, so it is still `running` in the pod status. §8.1 getFinishedTime: rule 1
    // fails (a container not terminated); rule 2: PodReady=False, set by the node
    // controller when big-0 went NotReady (§20 step 1, ≈ 110–125 s) — long before the GC
    // pass in (640, 660]. The 10 s delay from then has expired, so the replacement is
    // created by the sync 1 s after the pod turned Failed.
    // (tests/node_failure.rs `pod_gc_fails_the_pods_of_a_deleted_node_after_its_quarantine`
    // pins whole-second GC time + 10 s instead.)
    let r = run(r#"
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
"#);
    let pods = r.pods_of("tolerant");
    assert_eq!(pods.len(), 2, "{pods:?}");
    assert_eq!(pods[0].node.as_deref(), Some("big-0"));
    let gone = pods[0].finished.expect("collected");
    assert!((640_000..=660_000).contains(&gone), "collected at {gone}");
    assert_eq!(pods[1].created, gone + 1_000);
    assert_eq!(r.job("tolerant").failed, 0);
}
