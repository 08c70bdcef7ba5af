//! Manifests as the API server takes them (reference job-semantics §1.1–§1.3): defaulting
//! visible in objects.json, the generated selector and template labels, a few validation
//! rules, and the seed manifests under `scenarios/seed` running unchanged to `Complete`.

use std::path::{Path, PathBuf};

use crate::common::{run, run_file, run_until};
use serde_json::Value;

/// The defaulted spec of a Job in objects.json, given its `spec` fields (one YAML
/// `key: value` each, the template apart).
fn defaulted_spec(fields: &[&str]) -> Value {
    let spec_fields = fields.join("\n                  ");
    let r = run_until(
        &format!(
            r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {{name: d}}
                spec:
                  {spec_fields}
                  template:
                    metadata: {{labels: {{app: demo}}}}
                    spec:
                      restartPolicy: Never
                      containers: [{{name: main, image: busybox}}]
        "#
        ),
        1_000,
    );
    r.obj("d")["spec"].clone()
}

#[test]
fn completions_and_parallelism_both_unset_default_to_one() {
    let spec = defaulted_spec(&[]);
    assert_eq!(spec["completions"], 1);
    assert_eq!(spec["parallelism"], 1);
}

#[test]
fn parallelism_defaults_to_one_when_only_completions_is_set() {
    let spec = defaulted_spec(&["completions: 5"]);
    assert_eq!(spec["completions"], 5);
    assert_eq!(spec["parallelism"], 1);
}

#[test]
fn work_queue_keeps_completions_null() {
    let spec = defaulted_spec(&["parallelism: 3"]);
    assert_eq!(spec["parallelism"], 3);
    assert!(
        spec.get("completions").is_none_or(Value::is_null),
        "completions: {}",
        spec["completions"]
    );
}

#[test]
fn backoff_limit_defaults_to_six() {
    assert_eq!(defaulted_spec(&[])["backoffLimit"], 6);
}

#[test]
fn backoff_limit_defaults_to_max_int32_with_backoff_limit_per_index() {
    let spec = defaulted_spec(&[
        "completions: 3",
        "completionMode: Indexed",
        "backoffLimitPerIndex: 1",
    ]);
    assert_eq!(spec["backoffLimit"], 2_147_483_647);
}

#[test]
fn other_spec_fields_get_their_kubernetes_defaults() {
    let spec = defaulted_spec(&[]);
    assert_eq!(spec["completionMode"], "NonIndexed");
    assert_eq!(spec["suspend"], false);
    assert_eq!(spec["manualSelector"], false);
    assert_eq!(spec["podReplacementPolicy"], "TerminatingOrFailed");
    for unset in [
        "activeDeadlineSeconds",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
        "successPolicy",
    ] {
        assert!(
            spec.get(unset).is_none_or(Value::is_null),
            "{unset} defaulted"
        );
    }
}

#[test]
fn pod_replacement_policy_defaults_to_failed_with_a_pod_failure_policy() {
    let spec = defaulted_spec(&[
        "podFailurePolicy: {rules: [{action: FailJob, onExitCodes: {operator: In, values: [42]}}]}",
    ]);
    assert_eq!(spec["podReplacementPolicy"], "Failed");
}

#[test]
fn explicit_values_are_kept() {
    let spec = defaulted_spec(&["backoffLimit: 0", "podReplacementPolicy: Failed"]);
    assert_eq!(spec["backoffLimit"], 0);
    assert_eq!(spec["podReplacementPolicy"], "Failed");
}

#[test]
fn selector_and_template_labels_are_generated_from_the_job_uid() {
    let spec = defaulted_spec(&[]);
    let uid = spec["selector"]["matchLabels"]["batch.kubernetes.io/controller-uid"]
        .as_str()
        .expect("generated selector")
        .to_string();
    let labels = &spec["template"]["metadata"]["labels"];
    assert_eq!(labels["batch.kubernetes.io/controller-uid"], uid.as_str());
    assert_eq!(labels["controller-uid"], uid.as_str());
    assert_eq!(labels["batch.kubernetes.io/job-name"], "d");
    assert_eq!(labels["job-name"], "d");
    assert_eq!(labels["app"], "demo");
}

#[test]
fn job_without_labels_copies_the_template_labels() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: d}
                spec:
                  template:
                    metadata: {labels: {app: demo}}
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 1s}
    "#);
    assert_eq!(r.obj("d")["metadata"]["labels"]["app"], "demo");
}

fn load_error(job_spec: &str) -> Option<String> {
    let text = format!(
        r#"
apiVersion: batch/v1
kind: Job
metadata: {{name: bad}}
spec:
  {job_spec}
"#
    );
    jobsim::load_str(
        &text,
        Path::new("bad.yaml"),
        &jobsim::LoadOptions::default(),
    )
    .err()
    .map(|e| e.to_string())
}

#[test]
fn negative_backoff_limit_is_rejected() {
    let err = load_error(
        "backoffLimit: -1\n  template: {spec: {restartPolicy: Never, containers: [{name: m, image: busybox}]}}",
    )
    .expect("rejected");
    assert!(err.contains("spec.backoffLimit"), "{err}");
}

#[test]
fn restart_policy_always_is_rejected() {
    let err = load_error(
        "template: {spec: {restartPolicy: Always, containers: [{name: m, image: busybox}]}}",
    )
    .expect("rejected");
    assert!(err.contains("restartPolicy"), "{err}");
}

#[test]
fn missing_restart_policy_is_rejected() {
    let err = load_error("template: {spec: {containers: [{name: m, image: busybox}]}}")
        .expect("rejected");
    assert!(err.contains("restartPolicy"), "{err}");
}

#[test]
fn indexed_without_completions_is_rejected() {
    let err = load_error(
        "completionMode: Indexed\n  parallelism: 2\n  template: {spec: {restartPolicy: Never, containers: [{name: m, image: busybox}]}}",
    )
    .expect("rejected");
    assert!(err.contains("completions"), "{err}");
}

fn seed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/seed")
        .join(name)
}

#[test]
fn seed_non_parallel_job_runs_unchanged_and_completes() {
    // OnFailure, `sleep 5`: one pod, 1.020–6.020, Complete at the 7.020 sync.
    let r = run_file(&seed("non-parallel-job.yaml"), None);
    let job = r.job("non-parallel-job");
    assert_eq!((job.outcome, job.succeeded, job.pods), ("Complete", 1, 1));
    assert_eq!(job.finished, Some(7_020));
}

#[test]
fn seed_parallel_fixed_completions_runs_unchanged_and_completes() {
    let r = run_file(&seed("parallel-fixed-completions.yaml"), None);
    let job = r.job("parallel-fixed-completions");
    assert_eq!((job.outcome, job.succeeded, job.pods), ("Complete", 6, 6));
}

#[test]
fn seed_indexed_parallel_job_runs_unchanged_and_completes() {
    let r = run_file(&seed("indexed-parallel-job.yaml"), None);
    let job = r.job("indexed-parallel-job");
    assert_eq!((job.outcome, job.succeeded, job.pods), ("Complete", 5, 5));
    assert_eq!(job.completed_indexes.as_deref(), Some("0-4"));
}

#[test]
fn seed_cron_sample_job_runs_unchanged_and_its_jobs_complete() {
    // "*/5 * * * *" from 00:00: Jobs at 00:05 and 00:10 within 11 minutes, each one pod
    // of `sleep 5` that completes.
    // Job names are `<cronjob>-<scheduled unix minutes>`: 2026-01-01T00:05Z is minute
    // 29,453,765 (1,767,225,900 s / 60) of the Unix epoch. jobs.csv lists them with owner `cronjob/NAME`.
    let r = run_file(&seed("cron-sample-job.yaml"), Some(11 * 60_000));
    let jobs: Vec<_> = r
        .sink
        .jobs
        .iter()
        .filter(|row| row.owner.as_deref() == Some("cronjob/cron-sample-job"))
        .collect();
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    assert_eq!(jobs[0].job, "cron-sample-job-29453765");
    assert_eq!(jobs[1].job, "cron-sample-job-29453770");
    assert!(jobs.iter().all(|row| row.outcome == "Complete"), "{jobs:?}");
}

#[test]
fn job_without_labels_reads_back_with_the_generated_template_labels() {
    // §1.1 (copy the template's labels) applied again when the stored Job is read, after
    // §1.2 added the controller-uid and job-name labels to the template.
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: plain}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 1s}
    "#);
    let job = r.obj("plain");
    let labels = &job["metadata"]["labels"];
    let uid = job["metadata"]["uid"].as_str().unwrap();
    assert_eq!(labels["batch.kubernetes.io/job-name"], "plain");
    assert_eq!(labels["job-name"], "plain");
    assert_eq!(labels["batch.kubernetes.io/controller-uid"], uid);
    assert_eq!(labels["controller-uid"], uid);
}

#[test]
fn job_with_its_own_labels_keeps_only_them() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: own, labels: {team: data}}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 1s}
    "#);
    let labels = r.obj("own")["metadata"]["labels"]
        .as_object()
        .unwrap()
        .clone();
    assert_eq!(labels.len(), 1, "{labels:?}");
    assert_eq!(labels["team"], "data");
}

#[test]
fn cronjob_template_keeps_job_fields_unset_while_its_jobs_are_defaulted() {
    // `SetDefaults_Job` applies to Job objects only: the seed CronJob reads back without
    // parallelism/completions/backoffLimit in its jobTemplate, its Jobs with them.
    let r = run_file(&seed("cron-sample-job.yaml"), Some(6 * 60_000));
    let cronjob = r.obj("cron-sample-job");
    assert_eq!(cronjob["kind"], "CronJob");
    let template = &cronjob["spec"]["jobTemplate"]["spec"];
    for field in [
        "parallelism",
        "completions",
        "backoffLimit",
        "completionMode",
    ] {
        assert!(template.get(field).is_none(), "{field} in {template}");
    }
    let job = r.obj("cron-sample-job-29453765");
    assert_eq!(job["spec"]["backoffLimit"], 6);
    assert_eq!(job["spec"]["completions"], 1);
    assert_eq!(job["spec"]["parallelism"], 1);
}
