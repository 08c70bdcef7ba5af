//! ttlSecondsAfterFinished (reference job-semantics §17): the TTL clock starts at the
//! `lastTransitionTime` of `Complete` or `Failed` (whole seconds); the Job is deleted at
//! that time + ttl — at once for ttl 0 — and never without a ttl. jobs.csv keeps the row
//! with its `deleted` time; objects.json no longer lists the Job.

use crate::common::{Run, run};

fn with_ttl(ttl: Option<u32>, exit_code: u8) -> Run {
    let ttl_line = ttl
        .map(|t| format!("ttlSecondsAfterFinished: {t}"))
        .unwrap_or_default();
    run(&format!(
        r#"
        apiVersion: jobsim/v1
        kind: Scenario
        spec:
          workloads:
            - object:
                apiVersion: batch/v1
                kind: Job
                metadata: {{name: short}}
                spec:
                  backoffLimit: 0
                  {ttl_line}
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{{name: main, image: busybox}}]
              behavior:
                duration: 5s
                outcomes: [{{exitCode: {exit_code}}}]
        "#
    ))
}

#[test]
fn ttl_deletes_a_complete_job_at_completion_time_plus_ttl() {
    // Complete at 7.020 → completionTime second 7 → deleted at 7 + 30 = 37.000.
    let r = with_ttl(Some(30), 0);
    assert_eq!(r.job("short").outcome, "Complete");
    assert_eq!(r.job("short").deleted, Some(37_000));
    assert_eq!(r.job_row("short").deleted, Some(37_000));
    assert!(
        r.object("short").is_none(),
        "deleted Job left in objects.json"
    );
}

#[test]
fn ttl_clock_of_a_failed_job_starts_at_the_failed_condition() {
    // Failed at 7.020 (second 7) → deleted at 27.000.
    let r = with_ttl(Some(20), 1);
    assert_eq!(r.job("short").outcome, "Failed");
    assert_eq!(r.job("short").deleted, Some(27_000));
}

#[test]
fn ttl_zero_deletes_the_job_as_soon_as_it_finishes() {
    // completionTime (second 7) + 0 is already past when Complete is written at 7.020, so
    // the TTL controller deletes it as it handles that update: one reaction step
    // (TTL_REACTION, 1 ms) later, after the other watchers saw the Job complete.
    let r = with_ttl(Some(0), 0);
    let job = r.job("short");
    assert_eq!(job.deleted, Some(7_020 + jobsim::timing::TTL_REACTION));
    assert!(job.deleted >= job.finished);
    assert!(r.object("short").is_none());
}

#[test]
fn job_without_ttl_is_never_deleted() {
    let r = with_ttl(None, 0);
    assert_eq!(r.job("short").deleted, None);
    assert_eq!(r.job_row("short").deleted, None);
    assert!(r.object("short").is_some());
}

#[test]
fn jobs_csv_keeps_the_row_of_a_ttl_deleted_job() {
    let r = with_ttl(Some(30), 0);
    let row = r.job_row("short");
    assert_eq!(row.outcome, "Complete");
    assert_eq!(row.succeeded, 1);
    assert_eq!(row.finished, Some(7_020));
}
