//! The CronJob controller, driven through the library: each test pins one rule of the
//! reference (cronjob-semantics §4–§10) on a small inline scenario. Times in the sink are
//! seconds since the scenario start (2026-01-01T00:00:00Z unless a test sets `start`;
//! 2026-01-01T00:00:00Z is Unix minute 29,453,760).

use std::path::Path;

use jobsim::RunResult;
use jobsim::record::MemorySink;
use jobsim::record::schema::JobRow;
use jobsim::seconds_str;

struct Run {
    sink: MemorySink,
    result: RunResult,
    /// `objects.json` as the file holds it.
    objects: serde_json::Value,
}

fn run(yaml: &str) -> Run {
    let (scenario, _) =
        jobsim::load_str(yaml, Path::new("t.yaml"), &jobsim::LoadOptions::default()).unwrap();
    let mut sink = MemorySink::all_events();
    let result = jobsim::simulate(&scenario, &mut sink, None).unwrap();
    let objects = serde_json::to_value(&result.objects).unwrap();
    Run {
        sink,
        result,
        objects,
    }
}

impl Run {
    /// `(time, reason, message)` of the events of `cronjob/NAME`.
    fn cron_events(&self, name: &str) -> Vec<(String, String, String)> {
        let object = format!("cronjob/{name}");
        self.sink
            .events
            .iter()
            .filter(|e| e.object == object)
            .map(|e| (seconds_str(e.time), e.reason.clone(), e.message.clone()))
            .collect()
    }

    /// `(time, message)` of the events with `reason` of `cronjob/NAME`.
    fn reason(&self, name: &str, reason: &str) -> Vec<(String, String)> {
        self.cron_events(name)
            .into_iter()
            .filter(|e| e.1 == reason)
            .map(|e| (e.0, e.2))
            .collect()
    }

    fn created(&self, name: &str) -> Vec<(String, String)> {
        self.reason(name, "SuccessfulCreate")
    }

    fn job_row(&self, job: &str) -> &JobRow {
        self.sink
            .jobs
            .iter()
            .find(|r| r.job == job)
            .unwrap_or_else(|| panic!("no row for {job}"))
    }

    fn objects(&self, kind: &str) -> Vec<&serde_json::Value> {
        self.objects["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["kind"] == kind)
            .collect()
    }
}

fn created_msg(job: &str) -> String {
    format!("Created job {job}")
}

/// A scenario with one CronJob `c`: `spec` lines go under the CronJob's spec (indented 10),
/// `extra` under the scenario's spec (indented 2).
fn scenario(spec: &str, container: &str, behavior: &str, extra: &str) -> String {
    format!(
        "apiVersion: jobsim/v1
kind: Scenario
metadata: {{name: t}}
spec:
{extra}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {{name: c}}
        spec:
{spec}
          jobTemplate:
            metadata:
              labels: {{team: data}}
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - {{name: main, image: busybox, command: [\"sh\", \"-c\", \"{container}\"]}}
      behavior: {behavior}
"
    )
}

#[test]
fn job_name_is_cronjob_name_dash_unix_minutes() {
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 11m",
    ));
    let created: Vec<String> = r.created("c").into_iter().map(|c| c.1).collect();
    // 00:05 and 00:10 UTC are Unix minutes 29,453,765 and 29,453,770.
    assert_eq!(
        created,
        vec![created_msg("c-29453765"), created_msg("c-29453770")]
    );
    assert_eq!(r.job_row("c-29453765").owner.as_deref(), Some("cronjob/c"));
}

#[test]
fn created_job_carries_template_labels_scheduled_annotation_and_owner_reference() {
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 6m",
    ));
    let jobs = r.objects("Job");
    assert_eq!(jobs.len(), 1);
    let meta = &jobs[0]["metadata"];
    assert_eq!(meta["name"], "c-29453765");
    assert_eq!(meta["labels"]["team"], "data");
    assert_eq!(
        meta["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2026-01-01T00:05:00Z"
    );
    let owner = &meta["ownerReferences"][0];
    let cronjob = r.objects("CronJob")[0];
    assert_eq!(owner["kind"], "CronJob");
    assert_eq!(owner["name"], "c");
    assert_eq!(owner["uid"], cronjob["metadata"]["uid"]);
    assert_eq!(owner["controller"], true);
    assert_eq!(owner["blockOwnerDeletion"], true);
}

#[test]
fn requeue_at_next_time_plus_100ms() {
    let r = run(&scenario(
        "          schedule: \"0 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 3h1s",
    ));
    let times: Vec<String> = r.created("c").into_iter().map(|c| c.0).collect();
    assert_eq!(times, vec!["3600.100", "7200.100", "10800.100"]);
}

#[test]
fn a_schedule_time_equal_to_the_creation_instant_is_not_due() {
    let yaml = scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 11m",
    )
    .replace("      behavior: {}", "      at: 5m\n      behavior: {}");
    let r = run(&yaml);
    let created = r.created("c");
    assert_eq!(created, vec![("600.100".into(), created_msg("c-29453770"))]);
}

#[test]
fn status_records_last_schedule_and_last_successful_time() {
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 11m",
    ));
    let status = &r.objects("CronJob")[0]["status"];
    assert_eq!(status["lastScheduleTime"], "2026-01-01T00:10:00Z");
    // Created 00:10:00.1, pod running at 00:10:01.12, exits 5 s later, the Job's batched
    // sync one second after that marks it Complete at 00:10:07.
    assert_eq!(status["lastSuccessfulTime"], "2026-01-01T00:10:07Z");
    assert!(status.get("active").is_none());
    let c = &r.result.cronjobs[0];
    assert_eq!(
        (c.counts.jobs_created, c.counts.succeeded, c.counts.failed),
        (2, 2, 0)
    );
}

#[test]
fn an_active_job_is_listed_in_status_active() {
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 600",
        "{}",
        "  horizon: 6m",
    ));
    let active = &r.objects("CronJob")[0]["status"]["active"];
    assert_eq!(active[0]["name"], "c-29453765");
    assert_eq!(active[0]["kind"], "Job");
}

#[test]
fn finished_job_is_seen_completed_once() {
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 6m",
    ));
    assert_eq!(
        r.reason("c", "SawCompletedJob"),
        vec![(
            "307.120".to_string(),
            "Saw completed job: c-29453765, condition: Complete".to_string()
        )]
    );
}

#[test]
fn failed_job_is_seen_with_condition_failed() {
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 5",
        "{failure: {probability: 1.0, exitCode: 1}}",
        "  horizon: 6m",
    ));
    let seen = r.reason("c", "SawCompletedJob");
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].1,
        "Saw completed job: c-29453765, condition: Failed"
    );
    assert_eq!(r.result.cronjobs[0].counts.failed, 1);
    assert!(
        r.objects("CronJob")[0]["status"]
            .get("lastSuccessfulTime")
            .is_none()
    );
}

#[test]
fn forbid_skips_while_active_and_runs_latest_after() {
    // Every 5 minutes, each Job runs 12 minutes (reference, top note and §5.7).
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"\n          concurrencyPolicy: Forbid",
        "work",
        "{duration: 12m}",
        "  horizon: 30m",
    ));
    let events: Vec<(String, String)> =
        r.cron_events("c").into_iter().map(|e| (e.0, e.1)).collect();
    let expect = |t: &str, reason: &str| (t.to_string(), reason.to_string());
    assert_eq!(
        events[..5],
        [
            expect("300.100", "SuccessfulCreate"),
            // 00:10 and 00:15 come due while the first Job runs.
            expect("600.100", "JobAlreadyActive"),
            expect("900.100", "JobAlreadyActive"),
            // The first Job finishes at 00:17:02.12 (created 00:05:00.1, running from
            // 00:05:01.12 for 12 minutes, counted by the Job's sync 1 s later)...
            expect("1022.120", "SawCompletedJob"),
            // ...and the most recent missed time, 00:15, starts at once.
            expect("1022.120", "SuccessfulCreate"),
        ]
    );
    assert_eq!(r.created("c")[1].1, created_msg("c-29453775"));
    assert_eq!(
        r.reason("c", "JobAlreadyActive")[0].1,
        "Not starting job because prior execution is running and concurrency policy is Forbid"
    );
    // No two Jobs of the CronJob ever overlap.
    let mut spans: Vec<(u64, u64)> = r
        .sink
        .jobs
        .iter()
        .map(|j| (j.created, j.finished.unwrap_or(u64::MAX)))
        .collect();
    spans.sort_by_key(|s| s.0);
    assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "{spans:?}");
    let c = &r.result.cronjobs[0];
    // 00:10 and 00:20 were lost (superseded); 00:15 and 00:25 ran late (the second Job
    // finishes at 00:29:04.14).
    assert_eq!((c.counts.skipped, c.counts.delayed), (2, 2));
    assert_eq!(
        r.created("c")[2],
        ("1744.140".into(), created_msg("c-29453785"))
    );
}

#[test]
fn forbid_late_run_still_honours_the_starting_deadline() {
    // §5.7: with a deadline shorter than the wait, the blocked run is lost, silently.
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"\n          concurrencyPolicy: Forbid\n          startingDeadlineSeconds: 60",
        "work",
        "{duration: 7m}",
        "  horizon: 14m",
    ));
    // First Job 00:05:00.1 → finishes 00:12:02.12; the 00:10 run is then 2 minutes late.
    let created: Vec<String> = r.created("c").into_iter().map(|c| c.1).collect();
    assert_eq!(created, vec![created_msg("c-29453765")]);
    assert_eq!(r.reason("c", "JobAlreadyActive").len(), 1);
    assert!(r.reason("c", "MissSchedule").is_empty());
    assert_eq!(r.result.cronjobs[0].counts.skipped, 1);
}

#[test]
fn allow_runs_jobs_concurrently() {
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"",
        "work",
        "{duration: 12m}",
        "  horizon: 16m",
    ));
    assert_eq!(r.created("c").len(), 3);
    assert_eq!(
        r.objects("CronJob")[0]["status"]["active"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn replace_deletes_running_job() {
    let r = run(&scenario(
        "          schedule: \"*/2 * * * *\"\n          concurrencyPolicy: Replace",
        "work",
        "{duration: 3m}",
        "  horizon: 5m",
    ));
    let events: Vec<(String, String, String)> = r.cron_events("c");
    assert_eq!(
        events,
        vec![
            (
                "120.100".into(),
                "SuccessfulCreate".into(),
                created_msg("c-29453762")
            ),
            (
                "240.100".into(),
                "SuccessfulDelete".into(),
                "Deleted job c-29453762".into()
            ),
            (
                "240.100".into(),
                "SuccessfulCreate".into(),
                created_msg("c-29453764")
            ),
        ]
    );
    // The replaced Job's pod is killed: Failed, reason Deleted, exit code 143.
    let pod = r.sink.pods.iter().find(|p| p.job == "c-29453762").unwrap();
    assert_eq!(
        (
            pod.finished,
            pod.phase.as_str(),
            pod.reason.as_str(),
            pod.exit_code
        ),
        (Some(240_100), "Failed", "Deleted", Some(143))
    );
    assert_eq!(r.job_row("c-29453762").deleted, Some(240_100));
    assert_eq!(r.result.cronjobs[0].counts.replaced, 1);
    assert_eq!(r.objects("Job").len(), 1);
}

#[test]
fn history_limits_delete_oldest_first() {
    let r = run(&scenario(
        "          schedule: \"* * * * *\"\n          successfulJobsHistoryLimit: 2",
        "sleep 5",
        "{}",
        "  horizon: 5m30s",
    ));
    let deleted: Vec<(String, String)> = r.reason("c", "SuccessfulDelete");
    assert_eq!(
        deleted,
        vec![
            // The third Job completes at 3m07.12: the first goes, then the second.
            ("187.120".into(), "Deleted job c-29453761".into()),
            ("247.120".into(), "Deleted job c-29453762".into()),
            ("307.120".into(), "Deleted job c-29453763".into()),
        ]
    );
    // Cleanup runs before the active list is reconciled in the same sync.
    let at_187: Vec<String> = r
        .cron_events("c")
        .into_iter()
        .filter(|e| e.0 == "187.120")
        .map(|e| e.1)
        .collect();
    assert_eq!(at_187, vec!["SuccessfulDelete", "SawCompletedJob"]);
    let left: Vec<&str> = r
        .objects("Job")
        .iter()
        .map(|j| j["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(left, vec!["c-29453764", "c-29453765"]);
    // Deleted Jobs stay in jobs.csv, with the deletion time.
    assert_eq!(r.job_row("c-29453761").deleted, Some(187_120));
}

#[test]
fn failed_jobs_history_limit_keeps_one_failed_job_by_default() {
    let r = run(&scenario(
        "          schedule: \"* * * * *\"",
        "sleep 5",
        "{failure: {probability: 1.0, exitCode: 1}}",
        "  horizon: 3m30s",
    ));
    let deleted: Vec<String> = r
        .reason("c", "SuccessfulDelete")
        .into_iter()
        .map(|d| d.1)
        .collect();
    assert_eq!(
        deleted,
        vec!["Deleted job c-29453761", "Deleted job c-29453762"]
    );
    assert_eq!(r.objects("Job").len(), 1);
}

#[test]
fn starting_deadline_drops_late_runs() {
    let yaml = scenario(
        "          schedule: \"0 * * * *\"\n          startingDeadlineSeconds: 300",
        "sleep 60",
        "{}",
        "  horizon: 6h
  actions:
    - {at: 1h30m, suspend: cronjob/c}
    - {at: 4h10m, resume: cronjob/c}",
    );
    let r = run(&yaml);
    let created: Vec<(String, String)> = r.created("c");
    // 4:00 is 10 minutes late at the resume: dropped, without any event; next is 5:00.
    assert_eq!(
        created,
        vec![
            ("3600.100".into(), created_msg("c-29453820")),
            ("18000.100".into(), created_msg("c-29454060")),
        ]
    );
    assert!(r.cron_events("c").iter().all(|e| e.0 != "15000.000"));
    assert_eq!(r.result.cronjobs[0].counts.missed_deadline, 3);
}

#[test]
fn resume_without_deadline_runs_only_the_most_recent_missed_time() {
    let yaml = scenario(
        "          schedule: \"0 * * * *\"",
        "sleep 60",
        "{}",
        "  horizon: 5h
  actions:
    - {at: 1h30m, suspend: cronjob/c}
    - {at: 4h10m, resume: cronjob/c}",
    );
    let r = run(&yaml);
    let created: Vec<(String, String)> = r.created("c");
    assert_eq!(created[1], ("15000.000".into(), created_msg("c-29454000")));
    assert_eq!(r.result.cronjobs[0].counts.missed, 2); // 2:00 and 3:00
}

#[test]
fn starting_deadline_zero_never_starts_a_job() {
    let r = run(&scenario(
        "          schedule: \"* * * * *\"\n          startingDeadlineSeconds: 0",
        "sleep 5",
        "{}",
        "  horizon: 10m",
    ));
    assert!(r.created("c").is_empty());
    assert!(r.cron_events("c").is_empty());
}

#[test]
fn too_many_missed_times_warns_and_still_creates() {
    let yaml = scenario(
        "          schedule: \"*/10 * * * *\"",
        "sleep 30",
        "{}",
        "  horizon: 25h10m
  actions:
    - {at: 1h, suspend: cronjob/c}
    - {at: 25h5m, resume: cronjob/c}",
    );
    let r = run(&yaml);
    let at_resume: Vec<(String, String)> = r
        .cron_events("c")
        .into_iter()
        .filter(|e| e.0 == "90300.000")
        .map(|e| (e.1, e.2))
        .collect();
    assert_eq!(
        at_resume,
        vec![
            (
                "TooManyMissedTimes".into(),
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into()
            ),
            // 25:00 is Unix minute 29,453,760 + 1,500.
            ("SuccessfulCreate".into(), created_msg("c-29455260")),
        ]
    );
    assert_eq!(r.result.cronjobs[0].counts.missed, 144);
}

#[test]
fn a_hundred_missed_times_or_fewer_do_not_warn() {
    // Suspended 00:50 → 10:55 of a 10-minute schedule: 60 estimated missed times.
    let yaml = scenario(
        "          schedule: \"*/10 * * * *\"",
        "sleep 30",
        "{}",
        "  horizon: 11h
  actions:
    - {at: 55m, suspend: cronjob/c}
    - {at: 10h55m, resume: cronjob/c}",
    );
    let r = run(&yaml);
    assert!(r.reason("c", "TooManyMissedTimes").is_empty());
    assert!(r.created("c").iter().any(|c| c.0 == "39300.000"));
}

#[test]
fn suspend_stops_new_jobs() {
    let yaml = scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 240",
        "{}",
        "  horizon: 43m
  actions:
    - {at: 11m, suspend: cronjob/c}
    - {at: 42m, resume: cronjob/c}",
    );
    let r = run(&yaml);
    let created: Vec<(String, String)> = r.created("c");
    let times: Vec<&str> = created.iter().map(|c| c.0.as_str()).collect();
    // Nothing between the suspension and the resume, which catches up on 00:40 at once.
    assert_eq!(times, vec!["300.100", "600.100", "2520.000"]);
    assert_eq!(created[2].1, created_msg("c-29453800"));
    // The Job running at the suspension is left alone and completes.
    assert_eq!(r.job_row("c-29453770").outcome, "Complete");
    assert_eq!(r.result.cronjobs[0].counts.missed, 5); // 00:15 … 00:35
}

#[test]
fn suspended_cronjob_created_suspended_never_runs() {
    let r = run(&scenario(
        "          schedule: \"* * * * *\"\n          suspend: true",
        "sleep 5",
        "{}",
        "  horizon: 10m",
    ));
    assert!(r.created("c").is_empty());
}

#[test]
fn schedule_edit_requeues_with_the_new_schedule() {
    // Hourly, edited at 10m to every 15 minutes: the update handler requeues for 00:15
    // (computed from the creation time with the new schedule).
    let yaml = scenario(
        "          schedule: \"0 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 50m
  actions:
    - {at: 10m, schedule: cronjob/c, to: \"*/15 * * * *\"}",
    );
    let r = run(&yaml);
    let created: Vec<String> = r.created("c").into_iter().map(|c| c.0).collect();
    assert_eq!(created, vec!["900.100", "1800.100", "2700.100"]);
    assert_eq!(r.objects("CronJob")[0]["spec"]["schedule"], "*/15 * * * *");
}

#[test]
fn schedule_edit_to_an_invalid_schedule_is_rejected_at_load() {
    let yaml = scenario(
        "          schedule: \"0 * * * *\"",
        "sleep 5",
        "{}",
        "  actions:
    - {at: 10m, schedule: cronjob/c, to: \"0 0 * * 7\"}",
    );
    let err = jobsim::load_str(&yaml, Path::new("t.yaml"), &jobsim::LoadOptions::default())
        .expect_err("rejected")
        .to_string();
    assert!(err.contains("spec.actions[0].to"), "{err}");
    assert!(err.contains("end of range (7) above maximum (6)"), "{err}");
}

#[test]
fn cronjob_actions_name_existing_cronjobs() {
    let yaml = scenario(
        "          schedule: \"0 * * * *\"",
        "sleep 5",
        "{}",
        "  actions:
    - {at: 10m, suspend: cronjob/nope}",
    );
    let err = jobsim::load_str(&yaml, Path::new("t.yaml"), &jobsim::LoadOptions::default())
        .expect_err("rejected")
        .to_string();
    assert!(err.contains("no CronJob named \"nope\""), "{err}");
}

#[test]
fn controller_time_zone_reads_schedules_without_time_zone() {
    // Asia/Kolkata is UTC+05:30: 06:00 there is 00:30 UTC. The annotation stays UTC.
    let r = run(&scenario(
        "          schedule: \"0 6 * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 1h\n  cluster: {controllerTimeZone: Asia/Kolkata}",
    ));
    assert_eq!(
        r.created("c"),
        vec![("1800.100".into(), created_msg("c-29453790"))]
    );
    assert_eq!(
        r.objects("Job")[0]["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2026-01-01T00:30:00Z"
    );
}

#[test]
fn time_zone_dst_gap_skips_the_missing_time() {
    // 8 March 2026: New York skips 02:00–03:00 local.
    let r = run(&scenario(
        "          schedule: \"30 2 * * *\"\n          timeZone: America/New_York",
        "sleep 5",
        "{}",
        "  start: \"2026-03-06T00:00:00Z\"\n  horizon: 4d",
    ));
    let created: Vec<String> = r.created("c").into_iter().map(|c| c.0).collect();
    // 3/6 07:30Z, 3/7 07:30Z, (3/8 skipped), 3/9 06:30Z (EDT).
    assert_eq!(created, vec!["27000.100", "113400.100", "282600.100"]);
    let annotations: Vec<String> = r
        .objects("Job")
        .iter()
        .map(|j| {
            j["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(annotations.contains(&"2026-03-09T02:30:00-04:00".to_string()));
    assert!(annotations.contains(&"2026-03-06T02:30:00-05:00".to_string()));
}

#[test]
fn scenarios_with_cronjobs_default_to_a_24h_horizon() {
    let r = run(&scenario(
        "          schedule: \"0 */6 * * *\"",
        "sleep 5",
        "{}",
        "",
    ));
    assert_eq!(r.result.end, 24 * 3_600_000);
    assert!(r.result.horizon_reached);
    assert_eq!(r.created("c").len(), 3); // 06:00, 12:00, 18:00 (24:00 is at +100 ms)
    assert_eq!(jobsim::DEFAULT_CRONJOB_HORIZON, 24 * 3_600_000);
}

#[test]
fn owned_jobs_are_summarised_per_cronjob_only() {
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 11m",
    ));
    assert!(r.result.jobs.is_empty());
    let c = &r.result.cronjobs[0];
    assert_eq!((c.name.as_str(), c.schedule.as_str()), ("c", "*/5 * * * *"));
    assert_eq!(c.create_lag_ms, Some([100, 100, 100]));
    // Started lag: the first pod running − the scheduled time: created at +100 ms,
    // scheduled 20 ms later, running after the 1 s start-up → 1.120 s (p50, p99, max).
    assert_eq!(c.start_lag_ms, Some([1_120, 1_120, 1_120]));
    assert_eq!(r.sink.jobs.len(), 2);
    assert!(
        r.sink
            .jobs
            .iter()
            .all(|j| j.owner.as_deref() == Some("cronjob/c"))
    );
}

#[test]
fn history_limits_keep_memory_bounded_over_many_runs() {
    // A week of minutes: only the Jobs within the history limits remain as objects.
    let r = run(&scenario(
        "          schedule: \"* * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 7d",
    ));
    assert_eq!(r.result.cronjobs[0].counts.jobs_created, 7 * 24 * 60 - 1);
    assert_eq!(r.objects("Job").len(), 3);
    assert_eq!(r.sink.jobs.len(), 7 * 24 * 60 - 1);
}

#[test]
fn cronjob_runs_are_deterministic() {
    let yaml = scenario(
        "          schedule: \"*/3 * * * *\"\n          concurrencyPolicy: Forbid",
        "work",
        "{duration: {uniform: [1m, 8m]}, failure: {probability: 0.3, exitCode: 2}}",
        "  horizon: 3h",
    );
    let a = run(&yaml);
    let b = run(&yaml);
    assert_eq!(a.sink, b.sink);
    assert_eq!(a.result.objects, b.result.objects);
}
