//! The lesson scenarios of `scenarios/teaching/` that answer the questions Kubernetes users
//! keep asking (issue 13 item 8). Their `spec.expect` pins the lesson for `jobsim check`;
//! these tests pin the details a header promises that the expectation language cannot say
//! (restart counts, the sync an event comes from, Job names). Times are in milliseconds.

use std::path::Path;

use crate::common::{Run, run_file};

fn lesson(name: &str) -> Run {
    run_file(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/teaching")
            .join(format!("{name}.yaml")),
        None,
    )
}

#[test]
fn under_on_failure_the_second_in_place_restart_reaches_a_backoff_limit_of_two() {
    let r = lesson("backoff-limit-onfailure-vs-never");
    // Never: failed 2 is not more than backoffLimit 2, so a third pod runs and succeeds.
    assert_eq!(r.job("never").outcome, "Complete");
    assert_eq!(r.pods_of("never").len(), 3);
    // OnFailure: one pod, restarted twice in place; restarts 2 >= 2 fails the Job, and
    // the deleted pod is the one failure counted.
    let pods = r.pods_of("on-failure");
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].restarts, 2, "{:?}", pods[0]);
    assert_eq!(pods[0].phase, "Failed");
    let job = r.job("on-failure");
    assert_eq!(
        (job.outcome, job.reason.as_str()),
        ("Failed", "BackoffLimitExceeded")
    );
    assert_eq!(job.failed, 1);
}

#[test]
fn a_deadline_and_a_backoff_limit_reached_in_one_sync_fail_the_job_as_backoff_limit_exceeded() {
    let r = lesson("deadline-vs-backoff-limit");
    // The only pod fails at 9.92 s; the pod-change sync would come 1 s later, but the
    // deadline's own sync at startTime + 10 s sees the failure first, and backoffLimit is
    // checked before the deadline.
    let pod = &r.pods_of("same-sync")[0];
    assert_eq!(pod.finished, Some(9_920));
    let failed: Vec<(u64, String)> = r
        .events_of("job/same-sync")
        .into_iter()
        .filter(|e| e.reason != "SuccessfulCreate")
        .map(|e| (e.time, e.reason))
        .collect();
    assert_eq!(failed, [(10_000, "BackoffLimitExceeded".to_string())]);
    // With retries left, the deadline ends the Job and its running pod counts as failed.
    let deadline_first = r.pods_of("deadline-first");
    assert_eq!(deadline_first.len(), 3);
    assert_eq!(deadline_first[2].finished, Some(60_000));
    assert_eq!(r.job("deadline-first").reason, "DeadlineExceeded");
    assert_eq!(r.job("deadline-first").failed, 3);
}

#[test]
fn recreation_delays_double_from_ten_seconds_and_stop_at_ten_minutes() {
    let r = lesson("retry-timing");
    let pods = r.pods_of("crash-early");
    // Each pod is created d after the previous one's finish, taken in whole seconds.
    let delays: Vec<u64> = pods
        .windows(2)
        .map(|w| w[1].created - w[0].finished.unwrap() / 1000 * 1000)
        .collect();
    assert_eq!(
        delays,
        [10, 20, 40, 80, 160, 320, 600, 600].map(|s| s * 1000)
    );
}

#[test]
fn a_cronjob_runs_twice_in_the_repeated_hour_of_the_fall_back_night() {
    let r = lesson("cronjob-dst-fall-back");
    let names: Vec<String> = r
        .sink
        .jobs
        .iter()
        .filter(|j| j.owner.as_deref() == Some("cronjob/at-1-30"))
        .map(|j| j.job.clone())
        .collect();
    // 01:30 EDT = 2026-11-01T05:30Z and 01:30 EST = 06:30Z, as Unix minutes in the name.
    let minute = |rfc: &str| rfc.parse::<jiff::Timestamp>().unwrap().as_second() / 60;
    let edt = format!("at-1-30-{}", minute("2026-11-01T05:30:00Z"));
    let est = format!("at-1-30-{}", minute("2026-11-01T06:30:00Z"));
    assert!(names.contains(&edt), "{names:?}");
    assert!(names.contains(&est), "{names:?}");
    assert_eq!(names.len(), 4, "{names:?}");
}

#[test]
fn too_many_missed_start_times_is_a_warning_above_one_hundred_and_the_job_still_starts() {
    let r = lesson("cronjob-too-many-missed");
    let warned: Vec<(u64, String)> = r
        .events()
        .into_iter()
        .filter(|e| e.reason == "TooManyMissedTimes")
        .map(|e| (e.time, e.object))
        .collect();
    // Only the CronJob resumed after 101 missed times warns, at its resume (1h51m30s).
    assert_eq!(
        warned,
        [(6_690_000, "cronjob/hundred-and-one-missed".to_string())]
    );
    // ... and it still creates the Job for 01:51 in that same sync.
    let created: Vec<u64> = r
        .sink
        .jobs
        .iter()
        .filter(|j| j.owner.as_deref() == Some("cronjob/hundred-and-one-missed"))
        .map(|j| j.created)
        .filter(|&t| t >= 6_690_000)
        .collect();
    assert_eq!(created.first(), Some(&6_690_000));
}
