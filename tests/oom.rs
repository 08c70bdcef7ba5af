//! Memory limits and OOM kills (reference job-semantics §18.4, with §7 and §11): requests
//! schedule, limits kill; a container whose memory use (`behavior.memory`: a quantity, a
//! distribution, or `{peak, growth: linear}`) exceeds `resources.limits.memory` is
//! OOMKilled with exit code 137 at the modelled moment (instant: as it starts; linear: at
//! duration × limit / peak); `Never` → pod Failed and counted; `OnFailure` → restarted in
//! place with the crash-loop backoff; a FailJob rule on 137 fails the Job.
//!
//! Timing: a pod created at `c` starts at `c + 1.020`; the Job controller syncs 1 s after
//! a pod change. Default nodes: 3 × 16Gi.

use std::path::Path;

use crate::common::{Run, rfc, run, run_file, run_until};
use crate::scenario_text::one_job;

/// One Job, `restartPolicy` as given, container `main` with `resources`, behaviour as given.
fn hog(restart: &str, extra_spec: &str, resources: &str, behavior: &str) -> Run {
    run(&hog_yaml(restart, extra_spec, resources, behavior))
}

fn hog_yaml(restart: &str, extra_spec: &str, resources: &str, behavior: &str) -> String {
    one_job(
        "hog",
        &format!(
            "{extra_spec}template: {{spec: {{restartPolicy: {restart}, containers: [{{name: main, image: busybox, resources: {resources}}}]}}}}"
        ),
        behavior,
        "",
    )
}

const LIMIT_256: &str = "{requests: {memory: 128Mi}, limits: {memory: 256Mi}}";

#[test]
fn instant_use_above_the_limit_is_killed_as_it_starts() {
    // Peak 300Mi > limit 256Mi, reached at start (1.020): OOMKilled, 137, pod Failed.
    let r = hog(
        "Never",
        "backoffLimit: 0, ",
        LIMIT_256,
        "{duration: 30s, memory: 300Mi}",
    );
    let p = &r.pods_of("hog")[0];
    assert_eq!(
        (p.phase.as_str(), p.reason.as_str(), p.exit_code, p.finished),
        ("Failed", "OOMKilled", Some(137), Some(1_020))
    );
    let job = r.job("hog");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed),
        ("Failed", "BackoffLimitExceeded", 1)
    );
}

#[test]
fn use_below_the_limit_runs_to_completion() {
    let r = hog("Never", "", LIMIT_256, "{duration: 30s, memory: 200Mi}");
    let p = &r.pods_of("hog")[0];
    assert_eq!((p.exit_code, p.finished), (Some(0), Some(31_020)));
    assert_eq!(r.job("hog").outcome, "Complete");
}

#[test]
fn linear_growth_is_killed_when_it_crosses_the_limit() {
    // 60 s to a 1Gi peak, limit 768Mi: crossed at 60 × 768 / 1024 = 45 s → 46.020.
    let r = hog(
        "Never",
        "backoffLimit: 0, ",
        "{requests: {memory: 256Mi}, limits: {memory: 768Mi}}",
        "{duration: 60s, memory: {peak: 1Gi, growth: linear}}",
    );
    let p = &r.pods_of("hog")[0];
    assert_eq!(
        (p.reason.as_str(), p.exit_code, p.finished),
        ("OOMKilled", Some(137), Some(46_020))
    );
}

#[test]
fn never_counts_each_oom_killed_pod_as_a_failure() {
    // backoffLimit 1: pod 1 OOM at 1.020 (second 1) → pod 2 at 11.000, OOM at 12.020 →
    // failed 2 > 1 at the sync 13.020.
    let r = hog(
        "Never",
        "backoffLimit: 1, ",
        LIMIT_256,
        "{duration: 30s, memory: 300Mi}",
    );
    assert_eq!(r.creations("hog"), vec![0, 11_000]);
    let job = r.job("hog");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed, job.pods),
        ("Failed", "BackoffLimitExceeded", 2, 2)
    );
    assert_eq!(r.condition("hog", "Failed").expect("Failed").time, rfc(13));
}

#[test]
fn on_failure_restarts_an_oom_killed_container_in_place_with_backoff() {
    // Linear to 1Gi over 20 s, limit 512Mi: each run is killed 10 s in. Run 1 1.020 →
    // 11.020, restarted at once (restartCount 1); run 2 → 21.020, restarted after 10 s at
    // 31.020 (restartCount 2). backoffLimit 2: restart sum 2 ≥ 2 at the sync 32.020 →
    // FailureTarget(BackoffLimitExceeded); the pod is deleted and counted (failed 1).
    let r = hog(
        "OnFailure",
        "backoffLimit: 2, ",
        "{requests: {memory: 256Mi}, limits: {memory: 512Mi}}",
        "{duration: 20s, memory: {peak: 1Gi, growth: linear}}",
    );
    let pods = r.pods_of("hog");
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].restarts, 2);
    let job = r.job("hog");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed),
        ("Failed", "BackoffLimitExceeded", 1)
    );
    assert_eq!(
        r.condition("hog", "FailureTarget")
            .expect("FailureTarget")
            .time,
        rfc(32)
    );
}

#[test]
fn a_memory_distribution_is_compared_with_the_limit_per_run() {
    // Every draw of [300Mi, 400Mi] exceeds 256Mi; every draw of [100Mi, 200Mi] fits.
    let over = hog(
        "Never",
        "completions: 3, parallelism: 3, backoffLimit: 10, ",
        LIMIT_256,
        "{duration: 5s, memory: {uniform: [300Mi, 400Mi]}}",
    );
    assert!(
        over.pods_of("hog")[..3]
            .iter()
            .all(|p| p.reason == "OOMKilled" && p.exit_code == Some(137))
    );
    let under = hog(
        "Never",
        "completions: 3, parallelism: 3, ",
        LIMIT_256,
        "{duration: 5s, memory: {uniform: [100Mi, 200Mi]}}",
    );
    let job = under.job("hog");
    assert_eq!((job.outcome, job.failed, job.pods), ("Complete", 0, 3));
}

#[test]
fn limits_above_node_memory_do_not_stop_scheduling() {
    // Requests 1Gi schedule on a 16Gi node; a 64Gi limit plays no part in scheduling.
    let r = hog(
        "Never",
        "",
        "{requests: {memory: 1Gi}, limits: {memory: 64Gi}}",
        "{duration: 5s, memory: 2Gi}",
    );
    assert_eq!(r.job("hog").outcome, "Complete");
}

#[test]
fn requests_above_every_node_leave_the_pod_pending() {
    let r = run_until(
        &hog_yaml(
            "Never",
            "",
            "{requests: {memory: 20Gi}, limits: {memory: 20Gi}}",
            "{duration: 5s}",
        ),
        60_000,
    );
    let p = &r.pods_of("hog")[0];
    assert_eq!((p.phase.as_str(), p.scheduled), ("Pending", None));
    let msgs: Vec<String> = r
        .events_of(&format!("pod/{}", p.pod))
        .into_iter()
        .filter(|e| e.reason == "FailedScheduling")
        .map(|e| e.message)
        .collect();
    assert_eq!(
        msgs.first().map(String::as_str),
        Some(
            "0/3 nodes are available: 3 Insufficient memory. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
        )
    );
    assert_eq!(r.job("hog").outcome, "Running");
}

#[test]
fn fail_job_rule_on_137_fails_the_job_at_the_first_oom_kill() {
    // Teaching scenario: limit 512Mi, linear to 1Gi over 60 s → killed at 1.020 + 30 =
    // 31.020; the sync at 32.020 matches rule 0 → PodFailurePolicy, no retry.
    let r = run_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/teaching/oom-killed.yaml"),
        None,
    );
    let p = &r.pods_of("memory-hog")[0];
    assert_eq!(
        (p.reason.as_str(), p.exit_code, p.finished),
        ("OOMKilled", Some(137), Some(31_020))
    );
    let job = r.job("memory-hog");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.pods, job.failed),
        ("Failed", "PodFailurePolicy", 1, 1)
    );
    assert_eq!(
        job.message,
        format!(
            "Container main for pod default/{} failed with exit code 137 matching FailJob rule at index 0",
            p.pod
        )
    );
    assert_eq!(
        r.condition("memory-hog", "Failed").expect("Failed").time,
        rfc(32)
    );
}
