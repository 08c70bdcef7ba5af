//! The Job modes and when each is complete (reference job-semantics §3, §5, §15.2):
//! non-parallel, fixed completion count (NonIndexed and Indexed), work queue, and the
//! `parallelism: 0` / `completions: 0` edge cases.
//!
//! Timing used throughout (default cluster): a pod created at `c` is bound at `c + 0.020`
//! (scheduling 20 ms), its containers start at `c + 1.020` (start-up 1 s) and end after the
//! behaviour's duration; the Job controller syncs 1 s after the first pod change (§4.1).

use crate::common::{is_generated_suffix, rfc, run, run_until};

#[test]
fn non_parallel_job_runs_one_pod_and_completes() {
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
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior: {duration: 5s}
    "#);
    let job = r.job("once");
    assert_eq!(job.outcome, "Complete");
    assert_eq!(job.reason, "CompletionsReached");
    assert_eq!((job.succeeded, job.failed, job.pods), (1, 0, 1));
    // Pod created 0, started 1.020, succeeded 6.020; the batched sync at 7.020 sees it.
    let pods = r.pods_of("once");
    assert_eq!(pods[0].finished, Some(6_020));
    assert_eq!(pods[0].phase, "Succeeded");
    assert_eq!(job.finished, Some(7_020));
}

const FIXED_2_OF_5: &str = r#"
    apiVersion: jobsim/v1
    kind: Scenario
    spec:
      workloads:
        - object:
            apiVersion: batch/v1
            kind: Job
            metadata: {name: fixed}
            spec:
              completions: 5
              parallelism: 2
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: busybox}]
          behavior: {duration: 5s}
"#;

#[test]
fn fixed_completions_creates_min_of_parallelism_and_remaining_pods_per_sync() {
    let r = run(FIXED_2_OF_5);
    // t=0: want min(2, 5-0) = 2. Both end 6.020; sync 7.020: succeeded 2, want
    // min(2, 3) = 2. Those start 8.040 and end 13.040; sync 14.040: want min(2, 1) = 1.
    assert_eq!(r.creations("fixed"), vec![0, 0, 7_020, 7_020, 14_040]);
}

#[test]
fn fixed_completions_never_runs_more_than_parallelism_pods_at_once() {
    let r = run(FIXED_2_OF_5);
    let pods = r.pods_of("fixed");
    for p in &pods {
        let t = p.created;
        let alive = pods
            .iter()
            .filter(|q| q.created <= t && q.finished.is_none_or(|f| f > t))
            .count();
        assert!(alive <= 2, "{alive} pods alive at {t} ms");
    }
}

#[test]
fn fixed_completions_complete_when_succeeded_reaches_completions() {
    let r = run(FIXED_2_OF_5);
    let job = r.job("fixed");
    assert_eq!(job.outcome, "Complete");
    assert_eq!((job.succeeded, job.failed, job.pods), (5, 0, 5));
    // The fifth pod, created 14.040, ends 20.060; the sync at 21.060 completes the Job.
    assert_eq!(job.finished, Some(21_060));
    assert_eq!(r.status_count("fixed", "succeeded"), 5);
    assert_eq!(r.status_count("fixed", "active"), 0);
}

#[test]
fn status_counts_active_and_ready_pods_while_running() {
    // At 5 s both pods run (started 1.020, ready); the sync at 2.020 wrote the counts.
    let r = run_until(FIXED_2_OF_5, 5_000);
    assert_eq!(r.job("fixed").outcome, "Running");
    assert_eq!(r.status_count("fixed", "active"), 2);
    assert_eq!(r.status_count("fixed", "ready"), 2);
    assert_eq!(r.status_count("fixed", "succeeded"), 0);
    assert_eq!(r.obj("fixed")["status"]["startTime"], rfc(0));
}

const INDEXED_3: &str = r#"
    apiVersion: jobsim/v1
    kind: Scenario
    spec:
      workloads:
        - object:
            apiVersion: batch/v1
            kind: Job
            metadata: {name: shards}
            spec:
              completions: 3
              parallelism: 3
              completionMode: Indexed
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: busybox}]
          behavior: {duration: 5s}
"#;

#[test]
fn indexed_pod_names_are_job_index_suffix() {
    let r = run(INDEXED_3);
    let pods = r.pods_of("shards");
    assert_eq!(pods.len(), 3);
    let mut indexes: Vec<u32> = pods.iter().map(|p| p.index.expect("index")).collect();
    indexes.sort();
    assert_eq!(indexes, vec![0, 1, 2]);
    for p in &pods {
        let prefix = format!("shards-{}-", p.index.unwrap());
        let suffix = p
            .pod
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{} does not start with {prefix}", p.pod));
        assert!(is_generated_suffix(suffix), "bad suffix in {}", p.pod);
    }
}

#[test]
fn non_indexed_pod_names_are_job_suffix() {
    let r = run(FIXED_2_OF_5);
    for p in r.pods_of("fixed") {
        assert_eq!(p.index, None);
        let suffix = p.pod.strip_prefix("fixed-").expect("prefix fixed-");
        assert!(is_generated_suffix(suffix), "bad suffix in {}", p.pod);
    }
}

#[test]
fn indexed_job_completes_when_every_index_succeeded() {
    let r = run(INDEXED_3);
    let job = r.job("shards");
    assert_eq!(job.outcome, "Complete");
    assert_eq!(job.succeeded, 3);
    assert_eq!(job.completed_indexes.as_deref(), Some("0-2"));
    assert_eq!(r.obj("shards")["status"]["completedIndexes"], "0-2");
}

#[test]
fn indexed_retry_keeps_the_failed_index() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: shards}
                spec:
                  completions: 3
                  parallelism: 3
                  completionMode: Indexed
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 5s
                outcomes: [{index: 1, attempt: 1, exitCode: 1}]
    "#);
    let pods = r.pods_of("shards");
    assert_eq!(pods.len(), 4);
    let retry = &pods[3];
    assert_eq!((retry.index, retry.attempt), (Some(1), 2));
    assert!(retry.pod.starts_with("shards-1-"), "{}", retry.pod);
    let job = r.job("shards");
    assert_eq!((job.outcome, job.succeeded, job.failed), ("Complete", 3, 1));
    assert_eq!(job.completed_indexes.as_deref(), Some("0-2"));
}

/// An Indexed Job of `completions` pods where the indexes in `slow` run 1000 s and the
/// others 5 s, observed at 60 s.
fn indexed_partial(completions: u32, slow: &[u32]) -> crate::common::Run {
    let outcomes: Vec<String> = slow
        .iter()
        .map(|i| format!("{{index: {i}, exitCode: 0, after: 1000s}}"))
        .collect();
    let yaml = format!(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {{name: part}}
                spec:
                  completions: {completions}
                  parallelism: {completions}
                  completionMode: Indexed
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{{name: main, image: busybox}}]
              behavior:
                duration: 5s
                outcomes: [{}]
        "#,
        outcomes.join(", ")
    );
    run_until(&yaml, 60_000)
}

#[test]
fn completed_indexes_write_two_consecutive_indexes_as_a_pair() {
    // {0,1} → "0,1" (§15.2: two consecutive indexes are not a range).
    let r = indexed_partial(3, &[2]);
    assert_eq!(r.obj("part")["status"]["completedIndexes"], "0,1");
    assert_eq!(r.status_count("part", "succeeded"), 2);
}

#[test]
fn completed_indexes_write_three_or_more_consecutive_indexes_as_a_range() {
    // {0,1,3,4,5} → "0,1,3-5".
    let r = indexed_partial(6, &[2]);
    assert_eq!(r.obj("part")["status"]["completedIndexes"], "0,1,3-5");
    // {1,3,4,5} → "1,3-5" (the reference's own example).
    let r = indexed_partial(6, &[0, 2]);
    assert_eq!(r.obj("part")["status"]["completedIndexes"], "1,3-5");
}

#[test]
fn non_indexed_job_has_no_completed_indexes() {
    let r = run(FIXED_2_OF_5);
    assert!(r.obj("fixed")["status"].get("completedIndexes").is_none());
}

const WORK_QUEUE: &str = r#"
    apiVersion: jobsim/v1
    kind: Scenario
    spec:
      workloads:
        - object:
            apiVersion: batch/v1
            kind: Job
            metadata: {name: queue}
            spec:
              parallelism: 3
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: busybox}]
          behavior:
            duration: 20s
            outcomes:
              - {attempt: 1, exitCode: 0, after: 5s}
              - {attempt: 2, exitCode: 1, after: 10s}
"#;

#[test]
fn work_queue_creates_no_pods_after_the_first_success() {
    // Pod 1 succeeds at 6.020, pod 2 fails at 11.020, pod 3 succeeds at 21.020. After the
    // first success the target is "whatever is active": the failed pod is not replaced.
    let r = run(WORK_QUEUE);
    assert_eq!(r.creations("queue"), vec![0, 0, 0]);
    let job = r.job("queue");
    assert_eq!((job.pods, job.succeeded, job.failed), (3, 2, 1));
}

#[test]
fn work_queue_completes_only_when_all_active_pods_have_finished() {
    // Not at the first success (6.020) but at the sync after the last pod ends: 22.020.
    let r = run(WORK_QUEUE);
    let job = r.job("queue");
    assert_eq!(job.outcome, "Complete");
    assert_eq!(job.finished, Some(22_020));
    assert_eq!(
        r.condition("queue", "Complete").expect("Complete").time,
        rfc(22)
    );
}

#[test]
fn work_queue_pods_failing_before_any_success_are_replaced() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: queue}
                spec:
                  parallelism: 2
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
              behavior:
                duration: 30s
                outcomes: [{attempt: 1, exitCode: 1, after: 2s}]
    "#);
    // Pod 1 fails at 3.020 (whole second 3), no success yet: the Job still wants 2 pods and
    // creates the replacement after the 10 s backoff, at 13.000.
    assert_eq!(r.creations("queue"), vec![0, 0, 13_000]);
    assert_eq!(r.job("queue").outcome, "Complete");
}

#[test]
fn parallelism_zero_creates_no_pods() {
    let r = run_until(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: paused}
                spec:
                  parallelism: 0
                  completions: 3
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
    "#,
        60_000,
    );
    assert_eq!(r.job("paused").pods, 0);
    assert_eq!(r.job("paused").outcome, "Running");
}

#[test]
fn completions_zero_is_complete_immediately() {
    let r = run(r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: nothing}
                spec:
                  completions: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
    "#);
    let job = r.job("nothing");
    assert_eq!((job.outcome, job.pods), ("Complete", 0));
    assert_eq!(
        r.condition_types("nothing"),
        vec!["SuccessCriteriaMet", "Complete"]
    );
    assert_eq!(r.obj("nothing")["status"]["completionTime"], rfc(0));
}

#[test]
fn completions_zero_is_complete_even_while_suspended() {
    let r = run_until(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {name: nothing}
                spec:
                  completions: 0
                  suspend: true
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: busybox}]
    "#,
        60_000,
    );
    assert_eq!(r.job("nothing").outcome, "Complete");
}

#[test]
fn long_job_names_are_truncated_so_pod_names_fit_63_characters() {
    // NonIndexed: generateName `<job>-` cut to 58 characters, plus the 5-character suffix.
    // Indexed: the Job name is cut so that `<job>-<index>-` fits 58 characters.
    let long = "a".repeat(60);
    let yaml = format!(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {{name: {long}}}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{{name: main, image: busybox}}]
              behavior: {{duration: 1s}}
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {{name: {indexed}}}
                spec:
                  completions: 2
                  parallelism: 2
                  completionMode: Indexed
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{{name: main, image: busybox}}]
              behavior: {{duration: 1s}}
        "#,
        indexed = "b".repeat(60)
    );
    let r = run(&yaml);
    let p = &r.pods_of(&long)[0];
    assert_eq!(p.pod.len(), 63);
    assert!(p.pod.starts_with(&"a".repeat(58)));
    assert!(is_generated_suffix(&p.pod[58..]));
    for p in r.pods_of(&"b".repeat(60)) {
        let i = p.index.expect("index");
        let prefix = format!("{}-{i}-", "b".repeat(55));
        assert!(p.pod.starts_with(&prefix), "{}", p.pod);
        assert_eq!(p.pod.len(), 63);
    }
}
