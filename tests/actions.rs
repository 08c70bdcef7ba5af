//! Scripted actions against the Job controller's rules (reference job-semantics §5, §6.2,
//! §1.3, §19): `scale` (parallelism up and down — surplus pods deleted least progressed
//! first and never counted — and elastic Indexed completions, which recompute
//! completedIndexes and succeeded), a rejected completions change (`FailedUpdate`),
//! `delete: job/…` (the Job and its pods go), `delete: pod/…` (no DisruptionTarget) and
//! `evict: pod/…` (DisruptionTarget), and the three ways to name a target pod.
//!
//! Timing: a pod created at `c` is bound at `c + 0.020` and starts at `c + 1.020`; a spec
//! change syncs the Job at once; pod changes sync it 1 s later.

use crate::common::{Run, run, run_until};
use crate::scenario_text::{NEVER, Wl, one_job, scenario_on};

fn deletes(r: &Run, job: &str) -> Vec<u64> {
    r.events_of(&format!("job/{job}"))
        .into_iter()
        .filter(|e| e.reason == "SuccessfulDelete")
        .map(|e| e.time)
        .collect()
}

#[test]
fn scaling_parallelism_up_creates_pods_at_once() {
    // completions 4, parallelism 1 → 3 at 10 s: the spec change syncs at once and creates
    // min(4 − 0, 3) − 1 = 2 pods at 10.000.
    let r = run(&one_job(
        "up",
        &format!("completions: 4, {NEVER}"),
        "{duration: 30s}",
        "[{at: 10s, scale: job/up, parallelism: 3}]",
    ));
    assert_eq!(r.creations("up")[..3], [0, 10_000, 10_000]);
    assert_eq!(r.obj("up")["spec"]["parallelism"], 3);
    assert_eq!(r.job("up").outcome, "Complete");
}

fn two_cpu_node(job_spec: &str, actions: &str) -> String {
    // One node with 2 CPU; each pod requests 1 CPU, so a third pod stays Pending.
    scenario_on(
        "  cluster: {nodePools: [{name: solo, count: 1, capacity: {cpu: '2', memory: 16Gi}}]}\n",
        &[Wl {
            name: "down",
            spec: job_spec,
            behavior: "{duration: 30s}",
        }],
        actions,
    )
}

const ONE_CPU: &str = "template: {spec: {restartPolicy: Never, containers: [{name: main, image: busybox, resources: {requests: {cpu: '1'}}}]}}";

#[test]
fn scaling_parallelism_down_deletes_the_least_progressed_pod_first_uncounted() {
    // parallelism 3 on room for 2: two pods run, one is Pending (unscheduled). Scaled to 2
    // at 10 s: one pod must go, and an unscheduled pod goes before scheduled ones (§5).
    // Excess deletions are never counted: failed stays 0 and the Job completes.
    let r = run(&two_cpu_node(
        &format!("completions: 3, parallelism: 3, {ONE_CPU}"),
        "[{at: 10s, scale: job/down, parallelism: 2}]",
    ));
    assert_eq!(deletes(&r, "down"), vec![10_000]);
    let pods = r.pods_of("down");
    let deleted: Vec<_> = pods.iter().filter(|p| p.finished == Some(10_000)).collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].scheduled, None, "the Pending pod is deleted");
    let job = r.job("down");
    assert_eq!((job.outcome, job.failed, job.succeeded), ("Complete", 0, 3));
}

#[test]
fn surplus_pods_deleted_by_a_scale_down_are_never_counted_as_failed() {
    // All three running (3 nodes), scaled to 1 at 10 s: 2 deleted at 10.000, not counted.
    let yaml = one_job(
        "three",
        &format!("completions: 3, parallelism: 3, {NEVER}"),
        "{duration: 30s}",
        "[{at: 10s, scale: job/three, parallelism: 1}]",
    );
    let mid = run_until(&yaml, 12_000);
    assert_eq!(mid.status_count("three", "failed"), 0);
    assert_eq!(mid.status_count("three", "active"), 1);
    let r = run(&yaml);
    assert_eq!(deletes(&r, "three"), vec![10_000, 10_000]);
    assert_eq!(r.job("three").failed, 0);
}

fn elastic(n: u32, behavior: &str, actions: &str) -> String {
    one_job(
        "el",
        &format!("completions: {n}, parallelism: {n}, completionMode: Indexed, {NEVER}"),
        behavior,
        actions,
    )
}

#[test]
fn elastic_indexed_scale_down_deletes_indexes_beyond_completions() {
    // 4 → 2 at 10 s: pods of indexes 2 and 3 (index ≥ completions) are deleted uncounted;
    // 0 and 1 finish at 31.020 → Complete, completedIndexes "0,1".
    let r = run(&elastic(
        4,
        "{duration: 30s}",
        "[{at: 10s, scale: job/el, parallelism: 2, completions: 2}]",
    ));
    let gone: Vec<u32> = r
        .pods_of("el")
        .iter()
        .filter(|p| p.finished == Some(10_000))
        .map(|p| p.index.expect("index"))
        .collect();
    assert_eq!(gone, vec![2, 3]);
    let job = r.job("el");
    assert_eq!((job.outcome, job.succeeded, job.failed), ("Complete", 2, 0));
    assert_eq!(r.obj("el")["status"]["completedIndexes"], "0,1");
}

#[test]
fn elastic_scale_down_drops_completed_indexes_above_the_new_completions() {
    // Index 3 succeeds at 1.020 + 2 = 3.020 (succeeded 1, completedIndexes "3"). Scaled
    // to 2 at 10 s: §6.2 recomputes completedIndexes from indexes < 2 → "", succeeded 0.
    let r = run_until(
        &elastic(
            4,
            "{duration: 30s, outcomes: [{index: 3, exitCode: 0, after: 2s}]}",
            "[{at: 10s, scale: job/el, parallelism: 2, completions: 2}]",
        ),
        10_500,
    );
    let st = &r.obj("el")["status"];
    assert_eq!(
        st["completedIndexes"].as_str().unwrap_or(""),
        "",
        "status {st}"
    );
    assert_eq!(r.status_count("el", "succeeded"), 0);
}

#[test]
fn elastic_scale_up_creates_the_new_indexes() {
    // 2 → 3 at 10 s: index 2 is created at 10.000.
    let r = run(&elastic(
        2,
        "{duration: 30s}",
        "[{at: 10s, scale: job/el, parallelism: 3, completions: 3}]",
    ));
    let created: Vec<(u32, u64)> = r
        .pods_of("el")
        .iter()
        .map(|p| (p.index.expect("index"), p.created))
        .collect();
    assert_eq!(created, vec![(0, 0), (1, 0), (2, 10_000)]);
    assert_eq!(r.obj("el")["status"]["completedIndexes"], "0-2");
}

#[test]
fn an_index_re_run_after_a_scale_down_and_up_counts_its_earlier_pods_in_attempt() {
    // Index 2 succeeds at 1.020 + 2 = 3.020 (attempt 1). Scaled 3 → 2 at 10 s: its success
    // is dropped. Scaled back to 3 at 20 s: index 2 runs again in a new pod, the second the
    // controller created for it, so attempt 2 (DESIGN §5) — and the outcome for attempt 2
    // (exit 1) is the one that matches it; the third pod (attempt 3) succeeds.
    let r = run(&elastic(
        3,
        "{duration: 30s, outcomes: [{index: 2, attempt: 2, exitCode: 1, after: 2s}, \
         {index: 2, exitCode: 0, after: 2s}]}",
        "[{at: 10s, scale: job/el, parallelism: 2, completions: 2}, \
         {at: 20s, scale: job/el, parallelism: 3, completions: 3}]",
    ));
    let index_2: Vec<(u32, u64, Option<i32>)> = r
        .pods_of("el")
        .iter()
        .filter(|p| p.index == Some(2))
        .map(|p| (p.attempt, p.created, p.exit_code))
        .collect();
    assert_eq!(index_2.len(), 3, "index 2 pods {index_2:?}");
    assert_eq!(index_2[0], (1, 0, Some(0)));
    assert_eq!((index_2[1].0, index_2[1].1), (2, 20_000));
    assert_eq!(index_2[1].2, Some(1), "the attempt-2 outcome matched it");
    assert_eq!((index_2[2].0, index_2[2].2), (3, Some(0)));
    let job = r.job("el");
    assert_eq!((job.outcome, job.failed), ("Complete", 1));
    assert_eq!(r.obj("el")["status"]["completedIndexes"], "0-2");
}

#[test]
fn a_completions_change_the_api_server_rejects_leaves_a_failed_update_event() {
    // NonIndexed completions are immutable (§1.3): the change is refused, spec unchanged.
    let r = run(&one_job(
        "fixed",
        &format!("completions: 2, parallelism: 2, {NEVER}"),
        "{duration: 30s}",
        "[{at: 10s, scale: job/fixed, completions: 5}]",
    ));
    let failed: Vec<_> = r
        .events_of("job/fixed")
        .into_iter()
        .filter(|e| e.reason == "FailedUpdate")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].time, 10_000);
    assert_eq!(r.obj("fixed")["spec"]["completions"], 2);
    assert_eq!(r.job("fixed").pods, 2);
}

#[test]
fn an_indexed_completions_change_without_equal_parallelism_is_rejected() {
    // Indexed, 2/2 → completions 3 with parallelism 2: not the elastic case.
    let r = run(&elastic(
        2,
        "{duration: 30s}",
        "[{at: 10s, scale: job/el, completions: 3}]",
    ));
    assert!(
        r.events_of("job/el")
            .iter()
            .any(|e| e.reason == "FailedUpdate")
    );
    assert_eq!(r.obj("el")["spec"]["completions"], 2);
}

#[test]
fn deleting_a_job_removes_it_and_its_pods() {
    let r = run(&one_job(
        "gone",
        &format!("completions: 2, parallelism: 2, {NEVER}"),
        "{duration: 60s}",
        "[{at: 10s, delete: job/gone}]",
    ));
    assert!(
        r.object("gone").is_none(),
        "the Job is still in objects.json"
    );
    assert_eq!(r.job_row("gone").deleted, Some(10_000));
    let pods = r.pods_of("gone");
    assert_eq!(pods.len(), 2);
    assert!(
        pods.iter().all(|p| p.finished.is_some_and(|f| f <= 11_000)),
        "pods: {pods:?}"
    );
}

/// A Job whose podFailurePolicy ignores DisruptionTarget, backoffLimit 0, one pod of 30 s.
fn ignoring_disruptions(actions: &str) -> Run {
    run(&one_job(
        "dis",
        &format!(
            "backoffLimit: 0, podFailurePolicy: {{rules: [{{action: Ignore, onPodConditions: [{{type: DisruptionTarget}}]}}]}}, {NEVER}"
        ),
        "{duration: 30s}",
        actions,
    ))
}

#[test]
fn deleting_a_pod_sets_no_disruption_target() {
    // A plain DELETE (§19): the Ignore rule does not match, failed 1 > 0.
    let r = ignoring_disruptions("[{at: 10s, delete: pod/dis}]");
    let job = r.job("dis");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed),
        ("Failed", "BackoffLimitExceeded", 1)
    );
}

#[test]
fn evicting_a_pod_sets_disruption_target_and_the_ignore_rule_matches() {
    // EvictionByEvictionAPI: ignored; the replacement (10 s backoff from second 10 →
    // 20.000) succeeds.
    let r = ignoring_disruptions("[{at: 10s, evict: pod/dis}]");
    assert_eq!(r.creations("dis"), vec![0, 20_000]);
    let job = r.job("dis");
    assert_eq!((job.outcome, job.failed), ("Complete", 0));
}

#[test]
fn a_job_name_target_picks_its_oldest_active_pod() {
    // completions 3, parallelism 2: attempt 1 ends at 1.020 + 5 = 6.020, so attempt 3 is
    // created at the sync 7.020. At 10 s the active pods are attempt 2 (created 0) and
    // attempt 3 (7.020): the oldest, attempt 2, is deleted.
    let r = run(&one_job(
        "pick",
        &format!("completions: 3, parallelism: 2, {NEVER}"),
        "{duration: 60s, outcomes: [{attempt: 1, exitCode: 0, after: 5s}]}",
        "[{at: 10s, delete: pod/pick}]",
    ));
    let pods = r.pods_of("pick");
    assert_eq!(pods[2].created, 7_020);
    assert_eq!((pods[1].attempt, pods[1].finished), (2, Some(10_000)));
    assert_ne!(pods[2].finished, Some(10_000));
}

#[test]
fn a_job_index_target_picks_that_index() {
    let r = run(&elastic(
        3,
        "{duration: 30s}",
        "[{at: 10s, delete: pod/el-1}]",
    ));
    let ended: Vec<u32> = r
        .pods_of("el")
        .iter()
        .filter(|p| p.finished == Some(10_000))
        .map(|p| p.index.expect("index"))
        .collect();
    assert_eq!(ended, vec![1]);
}

#[test]
fn an_exact_pod_name_target_picks_that_pod() {
    // Learn the generated names from a short run of the same scenario (same seed), then
    // target the second pod by its exact name.
    let base = one_job(
        "exact",
        &format!("completions: 2, parallelism: 2, {NEVER}"),
        "{duration: 30s}",
        "",
    );
    let name = run_until(&base, 1_000).pods_of("exact")[1].pod.clone();
    let r = run(&format!(
        "{base}  actions: [{{at: 10s, delete: pod/{name}}}]\n"
    ));
    let pods = r.pods_of("exact");
    assert_eq!(pods[1].pod, name);
    assert_eq!(pods[1].finished, Some(10_000));
    assert_ne!(pods[0].finished, Some(10_000));
}
