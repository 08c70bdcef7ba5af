//! `jobsim get`: the tables `kubectl get` would print at a simulated moment of a run, read
//! back from its output folder, and `--watch` replaying the changes.

use crate::binary::{run, run_to, stderr, stdout};

fn get(dir: &std::path::Path, args: &[&str]) -> String {
    let out = dir.to_string_lossy().into_owned();
    let mut all = vec!["get", &out];
    all.extend_from_slice(args);
    let o = run(&all);
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    stdout(&o)
}

/// The STATUS column of each row.
fn statuses(table: &str) -> Vec<String> {
    table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(2).unwrap_or_default().to_string())
        .collect()
}

fn count(statuses: &[String], status: &str) -> usize {
    statuses.iter().filter(|s| *s == status).count()
}

#[test]
fn seed_job_pods_show_three_running_then_three_completed_and_three_running_then_six_completed() {
    // parallelism 3, completions 6, `sleep 5`: the first wave runs 1.02–6.02 s, the second
    // is created by the sync 1 s after the first wave ends and runs 8.04–13.04 s.
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/seed/parallel-fixed-completions.yaml",
        dir.path(),
        &["--no-charts"],
    );
    let at_3s = statuses(&get(dir.path(), &["pods", "--at", "3s"]));
    assert_eq!((at_3s.len(), count(&at_3s, "Running")), (3, 3), "{at_3s:?}");
    let at_10s = statuses(&get(dir.path(), &["pods", "--at", "10s"]));
    assert_eq!(
        (
            count(&at_10s, "Completed"),
            count(&at_10s, "Running"),
            at_10s.len()
        ),
        (3, 3, 6),
        "{at_10s:?}"
    );
    let at_14s = statuses(&get(dir.path(), &["pods", "--at", "14s"]));
    assert_eq!(
        (count(&at_14s, "Completed"), at_14s.len()),
        (6, 6),
        "{at_14s:?}"
    );
}

#[test]
fn job_table_has_kubectls_columns_and_completions_as_succeeded_over_completions() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/seed/parallel-fixed-completions.yaml",
        dir.path(),
        &["--no-charts"],
    );
    let table = get(dir.path(), &["jobs", "--at", "10s"]);
    let mut lines = table.lines();
    assert_eq!(
        lines.next().unwrap().split_whitespace().collect::<Vec<_>>(),
        ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    );
    assert_eq!(
        lines.next().unwrap().split_whitespace().collect::<Vec<_>>(),
        ["parallel-fixed-completions", "Running", "3/6", "10s", "10s"]
    );
    // Complete at 14.04 s: the duration stops at completionTime (whole seconds).
    let end = get(dir.path(), &["jobs"]);
    assert!(end.contains("Complete   6/6           14s"), "{end}");
}

#[test]
fn watch_replays_each_pod_change_once_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/seed/parallel-fixed-completions.yaml",
        dir.path(),
        &["--no-charts"],
    );
    let text = get(dir.path(), &["pods", "--watch", "--output-watch-events"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("EVENT"), "{text}");
    // Each of the 6 pods is added and goes ContainerCreating, Running, Completed.
    let with = |word: &str| lines.iter().filter(|l| l.contains(word)).count();
    assert_eq!(with("ADDED"), 6, "{text}");
    assert_eq!(with("ContainerCreating"), 6, "{text}");
    assert_eq!(with("Running"), 6, "{text}");
    assert_eq!(with("Completed"), 6, "{text}");
    let first_completed = lines.iter().position(|l| l.contains("Completed")).unwrap();
    let last_added = lines.iter().rposition(|l| l.contains("ADDED")).unwrap();
    assert!(
        first_completed < last_added,
        "the second wave follows the first"
    );
}

#[test]
fn pods_deleted_on_suspend_are_terminating_and_then_gone() {
    // suspend at 10 s deletes both running pods (`Deleted pod: …`); resumed at 60 s.
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/teaching/suspend-resume.yaml",
        dir.path(),
        &["--no-charts"],
    );
    let jobs = get(dir.path(), &["jobs", "--at", "30s"]);
    assert!(jobs.contains("Suspended"), "{jobs}");
    let o = run(&["get", &dir.path().to_string_lossy(), "pods", "--at", "30s"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("No resources found"), "{}", stderr(&o));
    let watch = get(dir.path(), &["pods", "--watch", "--output-watch-events"]);
    assert!(
        watch
            .lines()
            .any(|l| l.starts_with("DELETED") && l.contains("Terminating")),
        "{watch}"
    );
}

#[test]
fn cronjob_table_shows_schedule_time_zone_active_and_last_schedule() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/teaching/cronjob-dst.yaml",
        dir.path(),
        &["--no-charts"],
    );
    let table = get(dir.path(), &["cronjobs"]);
    let header: Vec<&str> = table
        .lines()
        .next()
        .unwrap()
        .split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "NAME",
            "SCHEDULE",
            "TIMEZONE",
            "SUSPEND",
            "ACTIVE",
            "LAST SCHEDULE",
            "AGE"
        ]
    );
    assert!(table.contains("America/New_York"), "{table}");
    let events = get(dir.path(), &["events", "--at", "1d"]);
    assert!(events.starts_with("LAST SEEN   TYPE"), "{events}");
}

#[test]
fn get_refuses_an_unknown_resource_and_a_bad_time_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/seed/non-parallel-job.yaml",
        dir.path(),
        &["--no-charts"],
    );
    let d = dir.path().to_string_lossy().into_owned();
    assert_eq!(run(&["get", &d, "deployments"]).status.code(), Some(2));
    let o = run(&["get", &d, "pods", "--at", "soon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--at"), "{}", stderr(&o));
}

#[test]
fn cronjob_suspend_column_shows_the_value_at_the_moment_asked_not_the_final_one() {
    // All three CronJobs are suspended at 10m30s; hundred-missed is resumed at 1h50m30s,
    // the other two at 1h51m30s. At the end none is suspended.
    let dir = tempfile::tempdir().unwrap();
    run_to(
        "scenarios/teaching/cronjob-too-many-missed.yaml",
        dir.path(),
        &["--no-charts"],
    );
    // NAME SCHEDULE TIMEZONE SUSPEND …: the schedule `* * * * *` is five cells.
    let suspend = |at: &str| -> Vec<(String, String)> {
        get(dir.path(), &["cronjobs", "--at", at])
            .lines()
            .skip(1)
            .map(|l| {
                let cells: Vec<&str> = l.split_whitespace().collect();
                (cells[0].to_string(), cells[7].to_string())
            })
            .collect()
    };
    let all = |v: &str| {
        ["hundred-missed", "hundred-and-one-missed", "with-deadline"]
            .iter()
            .map(|n| (n.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(suspend("5m"), all("False"));
    assert_eq!(suspend("30m"), all("True"));
    let at_1h51m = suspend("1h51m");
    assert_eq!(
        at_1h51m,
        vec![
            ("hundred-missed".to_string(), "False".to_string()),
            ("hundred-and-one-missed".to_string(), "True".to_string()),
            ("with-deadline".to_string(), "True".to_string()),
        ]
    );
    assert_eq!(suspend("2h"), all("False"));
}
