//! backoffLimitPerIndex and maxFailedIndexes (reference job-semantics §8.2, §12, and the
//! v1.36 note at its top): per-index retry budgets and per-index recreation backoff
//! (10 s, then 20 s, independent across indexes); an index still in backoff keeps its
//! parallelism slot; `failedIndexes` ("" while nothing failed); FailedIndexes once every
//! index is succeeded or failed; MaxFailedIndexesExceeded as soon as the count exceeds the
//! maximum; FailIndex; the global backoffLimit still applies; `status.failed` counts a
//! failed pod only once its replacement exists.
//!
//! Timing: a pod created at `c` starts at `c + 1.020`; the Job controller syncs 1 s after
//! a pod change, and at a retry's backoff expiry.

use std::path::Path;

use crate::common::{Run, rfc, run, run_file, run_until};
use crate::scenario_text::{NEVER, one_job};

const DOCS_JOB: &str = "job-backoff-limit-per-index-example";

fn docs_example() -> Run {
    run_file(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/teaching/backoff-limit-per-index.yaml"),
        None,
    )
}

#[test]
fn docs_example_ends_with_the_documented_status() {
    // §12 table: odd indexes succeed, even ones fail twice (backoffLimitPerIndex 1) and are
    // marked failed; 5 failed indexes do not exceed maxFailedIndexes 5.
    let r = docs_example();
    let st = &r.obj(DOCS_JOB)["status"];
    assert_eq!(st["completedIndexes"], "1,3,5,7,9");
    assert_eq!(st["failedIndexes"], "0,2,4,6,8");
    assert_eq!(st["succeeded"], 5);
    assert_eq!(st["failed"], 10);
    let conds: Vec<(String, String, String)> = r
        .conditions(DOCS_JOB)
        .into_iter()
        .map(|c| (c.kind, c.reason, c.message))
        .collect();
    let msg = "Job has failed indexes".to_string();
    assert_eq!(
        conds,
        vec![
            ("FailureTarget".into(), "FailedIndexes".into(), msg.clone()),
            ("Failed".into(), "FailedIndexes".into(), msg),
        ]
    );
    assert_eq!(r.pods_of(DOCS_JOB).len(), 15);
}

#[test]
fn docs_example_an_index_in_backoff_keeps_its_parallelism_slot() {
    // Each pod runs 3 s: created c, ends c + 4.020.
    //  0.000  indexes 0, 1, 2 (attempt 1). End 4.020: 1 succeeds, 0 and 2 fail (second 4,
    //         backoff until 14.000).
    //  5.020  sync: want 3, the 3 lowest pending are 0, 2 (in backoff) and 3 → only 3.
    // 10.040  3 succeeded at 9.040: lowest pending 0, 2 (backoff), 4 → only 4.
    // 14.000  backoff over; active 1 (index 4) → 0 and 2 (attempt 2).
    //         4 fails at 14.060 (backoff until 24.000); 0 and 2 fail again at 18.020 →
    // 19.020  failed indexes; lowest pending 4 (backoff), 5, 6 → 5 and 6.
    //         5 succeeds, 6 fails at 23.040 (backoff until 33.000).
    // 24.000  backoff expiry of 4 (the sync also sees 5 and 6): pending 4, 6 (backoff), 7
    //         → 4 (attempt 2) and 7. Both end 28.020: 4 failed for good, 7 succeeded.
    // 29.020  pending 6 (backoff), 8, 9 → 8 and 9. End 33.040: 8 fails (backoff 43.000).
    // 33.000  6 (attempt 2), fails 37.020 → failed index.
    // 43.000  8 (attempt 2), fails 47.020 → failed index; every index decided:
    // 48.020  FailureTarget and Failed (FailedIndexes).
    let r = docs_example();
    let got: Vec<(u32, u32, u64)> = r
        .pods_of(DOCS_JOB)
        .iter()
        .map(|p| (p.index.expect("index"), p.attempt, p.created))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, 1, 0),
            (1, 1, 0),
            (2, 1, 0),
            (3, 1, 5_020),
            (4, 1, 10_040),
            (0, 2, 14_000),
            (2, 2, 14_000),
            (5, 1, 19_020),
            (6, 1, 19_020),
            (4, 2, 24_000),
            (7, 1, 24_000),
            (8, 1, 29_020),
            (9, 1, 29_020),
            (6, 2, 33_000),
            (8, 2, 43_000),
        ]
    );
    assert_eq!(
        r.condition(DOCS_JOB, "Failed").expect("Failed").time,
        rfc(48)
    );
}

/// An Indexed Job with `completions` = `parallelism` = `n` and the extra spec fields.
fn indexed(n: u32, extra: &str, behavior: &str) -> Run {
    run(&one_job(
        "ix",
        &format!("completions: {n}, parallelism: {n}, completionMode: Indexed, {extra}, {NEVER}"),
        behavior,
        "",
    ))
}

#[test]
fn failed_indexes_is_empty_not_absent_when_nothing_failed() {
    let r = indexed(2, "backoffLimitPerIndex: 1", "{duration: 2s}");
    let st = &r.obj("ix")["status"];
    assert_eq!(st["failedIndexes"], "");
    assert_eq!(st["completedIndexes"], "0,1");
    assert_eq!(r.job("ix").outcome, "Complete");
}

#[test]
fn failed_indexes_is_absent_without_backoff_limit_per_index() {
    let r = indexed(2, "backoffLimit: 6", "{duration: 2s}");
    let st = &r.obj("ix")["status"];
    assert!(st.get("failedIndexes").is_none(), "status: {st}");
    assert_eq!(r.job("ix").failed_indexes, None);
}

#[test]
fn backoff_limit_defaults_to_max_int32_with_backoff_limit_per_index() {
    let r = indexed(2, "backoffLimitPerIndex: 1", "{duration: 2s}");
    assert_eq!(r.obj("ix")["spec"]["backoffLimit"], 2_147_483_647);
}

#[test]
fn exceeding_max_failed_indexes_fails_the_job_and_counts_the_killed_pods() {
    // 4 indexes at once; 0 and 1 exit 1 after 2 s (3.020), 2 and 3 would run 30 s.
    // backoffLimitPerIndex 0: each first failure fails its index. Sync 4.020: 2 failed
    // indexes > maxFailedIndexes 1 → FailureTarget(MaxFailedIndexesExceeded); 2 and 3 are
    // deleted (end at once, 4.020) and counted failed; sync 5.020: Failed.
    let r = indexed(
        4,
        "backoffLimitPerIndex: 0, maxFailedIndexes: 1",
        "{duration: 30s, outcomes: [{index: 0, exitCode: 1, after: 2s}, {index: 1, exitCode: 1, after: 2s}]}",
    );
    let job = r.job("ix");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.message.as_str()),
        (
            "Failed",
            "MaxFailedIndexesExceeded",
            "Job has exceeded the specified maximal number of failed indexes"
        )
    );
    assert_eq!((job.failed, job.pods), (4, 4));
    assert_eq!(r.obj("ix")["status"]["failedIndexes"], "0,1");
    assert_eq!(
        r.condition("ix", "FailureTarget")
            .expect("FailureTarget")
            .time,
        rfc(4)
    );
    assert_eq!(r.condition("ix", "Failed").expect("Failed").time, rfc(5));
    let pods = r.pods_of("ix");
    assert_eq!(pods[2].finished, Some(4_020));
    assert_eq!(pods[3].finished, Some(4_020));
}

#[test]
fn per_index_backoff_is_ten_then_twenty_seconds_and_independent_across_indexes() {
    // Index 0: attempt 1 fails 3.020 (second 3) → attempt 2 at 13.000, fails 14.020 + 2
    // = 16.020 (second 16), its second failure → 20 s → attempt 3 at 36.000.
    // Index 1: attempt 1 fails 1.020 + 7 = 8.020 → attempt 2 at 18.000: its own first
    // failure (10 s), whatever index 0 did. No Job-wide pause either.
    let r = indexed(
        2,
        "backoffLimitPerIndex: 3",
        "{duration: 5s, outcomes: [{index: 0, attempt: 1, exitCode: 1, after: 2s}, {index: 0, attempt: 2, exitCode: 1, after: 2s}, {index: 1, attempt: 1, exitCode: 1, after: 7s}]}",
    );
    let created = |index: u32| -> Vec<u64> {
        r.pods_of("ix")
            .iter()
            .filter(|p| p.index == Some(index))
            .map(|p| p.created)
            .collect()
    };
    assert_eq!(created(0), vec![0, 13_000, 36_000]);
    assert_eq!(created(1), vec![0, 18_000]);
    // Index 0's attempt 3 succeeds at 37.020 + 5 = 42.020: Complete at 43.020, failed 3.
    let job = r.job("ix");
    assert_eq!((job.outcome, job.failed, job.succeeded), ("Complete", 3, 2));
    assert_eq!(
        r.condition("ix", "Complete").expect("Complete").time,
        rfc(43)
    );
}

#[test]
fn fail_index_action_fails_the_index_at_once() {
    // backoffLimitPerIndex 5 would allow retries; FailIndex on exit 42 marks index 1 failed
    // at its first failure (3.020, sync 4.020), never retried. 0 and 2 succeed at 6.020;
    // the sync at 7.020 sees every index decided → FailedIndexes.
    let r = indexed(
        3,
        "backoffLimitPerIndex: 5, podFailurePolicy: {rules: [{action: FailIndex, onExitCodes: {operator: In, values: [42]}}]}",
        "{duration: 5s, outcomes: [{index: 1, exitCode: 42, after: 2s}]}",
    );
    let job = r.job("ix");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed, job.pods),
        ("Failed", "FailedIndexes", 1, 3)
    );
    let st = &r.obj("ix")["status"];
    assert_eq!(st["failedIndexes"], "1");
    assert_eq!(st["completedIndexes"], "0,2");
    assert_eq!(r.condition("ix", "Failed").expect("Failed").time, rfc(7));
}

#[test]
fn global_backoff_limit_still_applies_with_backoff_limit_per_index() {
    // backoffLimitPerIndex 1 lets each index retry, but backoffLimit 1 allows one failed
    // pod in all: 0 and 1 fail at 3.020, the sync at 4.020 sees failed 2 > 1 →
    // BackoffLimitExceeded before any retry; 2 and 3 are deleted and counted (failed 4).
    let r = indexed(
        4,
        "backoffLimitPerIndex: 1, backoffLimit: 1",
        "{duration: 30s, outcomes: [{index: 0, exitCode: 1, after: 2s}, {index: 1, exitCode: 1, after: 2s}]}",
    );
    let job = r.job("ix");
    assert_eq!(
        (job.outcome, job.reason.as_str(), job.failed, job.pods),
        ("Failed", "BackoffLimitExceeded", 4, 4)
    );
    assert_eq!(
        r.condition("ix", "FailureTarget")
            .expect("FailureTarget")
            .time,
        rfc(4)
    );
}

fn one_retry_yaml() -> String {
    // One index; attempt 1 fails at 1.020 + 2 = 3.020 (second 3), retried at 13.000.
    one_job(
        "lag",
        &format!("completions: 1, completionMode: Indexed, backoffLimitPerIndex: 1, {NEVER}"),
        "{duration: 5s, outcomes: [{attempt: 1, exitCode: 1, after: 2s}]}",
        "",
    )
}

#[test]
fn a_failed_pod_is_not_counted_before_its_replacement_exists() {
    // §6.3 step 5: the sync at 4.020 sees the failure, but the replacement waits for the
    // backoff (13.000), so at 10 s `failed` is still 0.
    let r = run_until(&one_retry_yaml(), 10_000);
    assert_eq!(r.status_count("lag", "failed"), 0);
    assert_eq!(r.creations("lag"), vec![0]);
}

#[test]
fn a_failed_pod_is_counted_once_its_replacement_exists() {
    let r = run_until(&one_retry_yaml(), 15_000);
    assert_eq!(r.creations("lag"), vec![0, 13_000]);
    assert_eq!(r.status_count("lag", "failed"), 1);
    let full = run(&one_retry_yaml());
    let job = full.job("lag");
    assert_eq!((job.outcome, job.failed, job.succeeded), ("Complete", 1, 1));
}

#[test]
fn an_ignored_failure_lengthens_the_per_index_backoff_but_not_the_budget() {
    // backoffLimitPerIndex 1, Ignore on exit 3. Index 0: attempt 1 exits 3 at 3.020
    // (ignored; n = 0 + 0 + 1 → 10 s → 13.000); attempt 2 exits 1 at 14.020 + 2 = 16.020
    // (counted, failure-count 0 < 1: index not failed; its pod carries 1 ignored failure,
    // so n = 0 + 1 + 1 → 20 s → 36.000); attempt 3 succeeds. failed 1 (§8.2, §11).
    let r = indexed(
        1,
        "backoffLimitPerIndex: 1, podFailurePolicy: {rules: [{action: Ignore, onExitCodes: {operator: In, values: [3]}}]}",
        "{duration: 5s, outcomes: [{attempt: 1, exitCode: 3, after: 2s}, {attempt: 2, exitCode: 1, after: 2s}]}",
    );
    assert_eq!(r.creations("ix"), vec![0, 13_000, 36_000]);
    let job = r.job("ix");
    assert_eq!((job.outcome, job.failed, job.succeeded), ("Complete", 1, 1));
    assert_eq!(r.obj("ix")["status"]["failedIndexes"], "");
}

#[test]
fn an_ignored_failure_awaiting_its_replacement_stays_uncounted_when_the_job_fails() {
    // Both pods fail at 4.020. Index 0 exits 3, which the Ignore rule matches: not counted
    // (§11), and kept for its replacement. Index 1 exits 1: counted, and with
    // backoffLimitPerIndex 0 its index fails at once; one failed index exceeds
    // maxFailedIndexes 0, so the sync at 5.020 fails the Job (MaxFailedIndexesExceeded).
    // Only index 1's pod counts: failed 1.
    let r = run(r#"
apiVersion: jobsim/v1
kind: Scenario
spec:
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: mix}
        spec:
          completions: 2
          parallelism: 2
          completionMode: Indexed
          backoffLimitPerIndex: 0
          maxFailedIndexes: 0
          podFailurePolicy:
            rules:
              - action: Ignore
                onExitCodes: {operator: In, values: [3]}
          template:
            spec:
              restartPolicy: Never
              containers: [{name: main, image: busybox}]
      behavior:
        duration: 3s
        outcomes:
          - {index: 0, exitCode: 3}
          - {index: 1, exitCode: 1}
"#);
    let job = r.job("mix");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Failed", "MaxFailedIndexesExceeded")
    );
    assert_eq!(job.failed, 1);
    assert_eq!(job.finished, Some(5_020));
}
