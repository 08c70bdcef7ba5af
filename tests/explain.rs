//! `jobsim explain` as the binary runs it: the backoff lesson's three creation times with
//! the rule and arithmetic behind each, and exit code 2 listing what exists for an unknown
//! object or a malformed one.

use crate::binary::{run, run_to, stderr, stdout};

#[test]
fn explain_gives_the_backoff_lessons_three_creation_times_with_their_arithmetic() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/teaching/backoff-limit-exceeded.yaml",
        dir.path(),
        &[],
    );
    let out_dir = dir.path().to_string_lossy().into_owned();
    let o = run(&["explain", &out_dir, "job/always-fails"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let created: Vec<&str> = text
        .lines()
        // The pods' chains are indented under the Job's own lines.
        .filter_map(|l| l.strip_prefix("  - created at "))
        .collect();
    assert_eq!(created.len(), 3, "{text}");
    assert!(
        created[0].starts_with("0.000 s: the Job's first pods"),
        "{text}"
    );
    assert!(
        created[1].starts_with("16.000 s: replaces pod")
            && created[1]
                .contains("(finished 6 s, whole second) set a 10 s backoff (10 s × 2^(1−1))")
            && created[1].contains("backoffLimit 2 not yet exceeded (failed 1 ≤ 2)"),
        "{text}"
    );
    assert!(
        created[2].starts_with("42.000 s: replaces pod")
            && created[2]
                .contains("(finished 22 s, whole second) set a 20 s backoff (10 s × 2^(2−1))")
            && created[2].contains("backoffLimit 2 not yet exceeded (failed 2 ≤ 2)"),
        "{text}"
    );
    assert!(text.contains("https://kubernetes.io/docs/concepts/workloads/controllers/job/"));
}

#[test]
fn explain_of_an_unknown_object_exits_2_listing_what_exists() {
    let dir = tempfile::tempdir().unwrap();
    run_to("scenarios/teaching/suspend-resume.yaml", dir.path(), &[]);
    let out_dir = dir.path().to_string_lossy().into_owned();
    let o = run(&["explain", &out_dir, "job/nope"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("job/nope is not in these records"), "{err}");
    assert!(
        err.contains("job/pausable") && err.contains("pod/pausable-"),
        "{err}"
    );
    let o = run(&["explain", &out_dir, "pausable"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("job/NAME, pod/NAME or cronjob/NAME"));
}

/// `jobsim explain OUTDIR cronjob/NAME` on a fresh run of `lesson`.
fn explain_cronjob(lesson: &str, cronjob: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        &format!("scenarios/teaching/{lesson}.yaml"),
        dir.path(),
        &[],
    );
    let out_dir = dir.path().to_string_lossy().into_owned();
    let o = run(&["explain", &out_dir, &format!("cronjob/{cronjob}")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

/// The line about one scheduled time (`- 00:10 (600.000 s) …`).
fn time_line<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(&format!("- {label} ")))
        .unwrap_or_else(|| panic!("no line for {label}:\n{text}"))
}

#[test]
fn explain_cronjob_says_a_forbid_skip_past_the_starting_deadline_was_missed_with_its_numbers() {
    // */5 with 7-minute Jobs and startingDeadlineSeconds 60: the 00:05 Job runs
    // 300.1 s – 722.12 s, so at 00:10:00.1 it is still active (Forbid: JobAlreadyActive);
    // when it finishes at 722.12 s the 00:10 time is 122.12 s old, more than 60 s.
    let text = explain_cronjob("cronjob-forbid-starting-deadline", "on-time-or-never");
    let line = time_line(&text, "00:10 (600.000 s)");
    assert!(
        line.contains("skipped: concurrencyPolicy Forbid and job on-time-or-never-29453765 still active at 00:10:00.1")
            && line.contains("startingDeadlineSeconds 60: the controller woke at 00:12:02.12 (722.120 s)")
            && line.contains("122.12 s after this time, later than 60 s → missed")
            && line.contains("§5.5"),
        "{line}"
    );
    assert!(
        time_line(&text, "00:15 (900.000 s)").contains("on time"),
        "{text}"
    );
    // Five such skips, as summary.json counts them; 01:00 is the run's end.
    assert!(
        text.contains("In all: not yet handled 1, on time 6, skipped (Forbid) 5.")
            && text.contains("skipped 5"),
        "{text}"
    );
}

#[test]
fn explain_cronjob_says_a_forbid_block_without_deadline_ran_late_when_the_active_job_finished() {
    let text = explain_cronjob("cronjob-forbid-starting-deadline", "late-catch-up");
    let line = time_line(&text, "00:10 (600.000 s)");
    assert!(
        line.contains(
            "delayed: concurrencyPolicy Forbid and job late-catch-up-29453765 still active"
        ) && line.contains("finished at 00:12:02.12 (722.120 s)")
            && line.contains("lastScheduleTime 00:05 (300.000 s)")
            && line.contains("job late-catch-up-29453770 created then, 122.12 s late"),
        "{line}"
    );
    // 00:20 was still blocked when 00:25 came due: only the newest unmet time runs.
    let line = time_line(&text, "00:20 (1200.000 s)");
    assert!(
        line.contains("skipped") && line.contains("a newer time 00:25 (1500.000 s) had come due"),
        "{line}"
    );
    assert!(text.contains("delayed (Forbid) 7"), "{text}");
}

#[test]
fn explain_cronjob_gives_the_missed_time_estimate_on_each_side_of_one_hundred() {
    // Suspended at 00:10:30 after the 00:10 Job; resumed at 01:50:30 or 01:51:30.
    // t1 = 00:11 (660 s); n = ⌊(6630 − 660) / 60⌋ + 1 = 100, ⌊(6690 − 660) / 60⌋ + 1 = 101.
    let text = explain_cronjob("cronjob-too-many-missed", "hundred-missed");
    assert!(
        text.contains("- 00:11 (660.000 s) … 01:49 (6540.000 s) (99 times) missed: suspended from 00:10:30 (630.000 s) to 01:50:30 (6630.000 s)"),
        "{text}"
    );
    assert!(
        text.contains("⌊5970 s / 60 s⌋ + 1 = 100 ≤ 100: no warning"),
        "{text}"
    );
    let text = explain_cronjob("cronjob-too-many-missed", "hundred-and-one-missed");
    assert!(
        text.contains("⌊6030 s / 60 s⌋ + 1 = 101 > 100 → Warning TooManyMissedTimes")
            && text.contains("the Job is still created"),
        "{text}"
    );
    assert!(
        time_line(&text, "01:51 (6660.000 s)")
            .contains("job hundred-and-one-missed-29453871 at 01:51:30 (6690.000 s), 30 s late"),
        "{text}"
    );
    // With startingDeadlineSeconds 600 the count starts at now − 600 s = 01:41:30.
    let text = explain_cronjob("cronjob-too-many-missed", "with-deadline");
    assert!(
        text.contains("(91 times) missed, past the deadline")
            && text.contains("now − startingDeadlineSeconds 600 = 01:41:30 (6090.000 s)")
            && text.contains("⌊570 s / 60 s⌋ + 1 = 10 ≤ 100: no warning"),
        "{text}"
    );
}

#[test]
fn explain_cronjob_shows_two_runs_at_the_repeated_local_hour_when_the_clocks_go_back() {
    let text = explain_cronjob("cronjob-dst-fall-back", "at-1-30");
    assert!(
        text.contains("the clocks went back from 02:00 to 01:00")
            && text.contains("Sun 2026-11-01 01:30 EDT (106200.000 s) and Sun 2026-11-01 01:30 EST (109800.000 s) are the same local time 01:30")
            && text.contains("§2.3"),
        "{text}"
    );
    assert!(text.contains("In all: on time 4."), "{text}");
}

#[test]
fn explain_cronjob_names_the_time_the_clocks_skipped_when_they_go_forward() {
    let text = explain_cronjob("cronjob-dst", "at-2-30");
    assert!(
        text.contains("the clocks went forward from 02:00 to 03:00")
            && text
                .contains("the schedule would have matched 2026-03-08 02:30, which did not exist"),
        "{text}"
    );
}

#[test]
fn explain_job_under_onfailure_counts_restarts_against_backoff_limit_with_greater_or_equal() {
    // backoffLimit 2, two in-place failures: restarts 2 ≥ 2 fails the Job while failed is 1.
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/teaching/backoff-limit-onfailure-vs-never.yaml",
        dir.path(),
        &["--no-charts"],
    );
    let out_dir = dir.path().to_string_lossy().into_owned();
    let o = run(&["explain", &out_dir, "job/on-failure"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("restarts 2 ≥ 2"), "{text}");
    assert!(!text.contains("failed 1 > 2"), "{text}");
}
