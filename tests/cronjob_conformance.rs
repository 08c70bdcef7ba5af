//! An independent conformance review of the CronJob controller against
//! `cronjob-semantics.md` §2–§10 (target Kubernetes v1.36): each test pins one rule that
//! `cronjob.rs` leaves open, on a small inline scenario. Expected times and names are
//! derived in comments from the reference, never copied from a run.
//!
//! Conventions: the default start is 2026-01-01T00:00:00Z (Unix minute 29,453,760); times
//! in the sink are seconds since the start. A requeue-triggered sync runs at the scheduled
//! instant + 100 ms (§4, §5.11); a CronJob action (suspend, resume, schedule) syncs at the
//! action's instant. With the default cluster a Job created at T has its pod running at
//! T + 1.02 s, and the Job's batched sync counts a pod that exits at E at E + 1 s.

use crate::common::{EventRow, Run, run};
use serde_json::Value;

const MINUTE_0: u64 = 29_453_760;
const INVALID: &str =
    "invalid schedule: 0 0 30 2 * : time difference between two schedules is less than 1 second";
const TOO_MANY: &str = "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew";
const ALREADY_ACTIVE: &str =
    "Not starting job because prior execution is running and concurrency policy is Forbid";

/// A scenario with one CronJob `c`: `spec` lines go under the CronJob's spec (indented
/// 10), `extra` under the scenario's spec (indented 2), `job_spec` under the Job
/// template's spec (indented 14).
fn scenario(spec: &str, container: &str, behavior: &str, extra: &str, job_spec: &str) -> String {
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
{job_spec}
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - {{name: main, image: busybox, command: [\"sh\", \"-c\", \"{container}\"]}}
      behavior: {behavior}
"
    )
}

/// `c-<Unix minute>` for the minute `m` minutes after the default start.
fn job(m: u64) -> String {
    format!("c-{}", MINUTE_0 + m)
}

/// The events of `cronjob/c`.
fn cron(r: &Run) -> Vec<EventRow> {
    r.events_of("cronjob/c")
}

/// `(time, reason)` of the events of `cronjob/c`.
fn reasons(r: &Run) -> Vec<(u64, String)> {
    cron(r).into_iter().map(|e| (e.time, e.reason)).collect()
}

/// `(time, message)` of the events of `cronjob/c` with this reason.
fn with_reason(r: &Run, reason: &str) -> Vec<(u64, String)> {
    cron(r)
        .into_iter()
        .filter(|e| e.reason == reason)
        .map(|e| (e.time, e.message))
        .collect()
}

/// `(time, job name)` of the `SuccessfulCreate` events of `cronjob/c`.
fn created(r: &Run) -> Vec<(u64, String)> {
    with_reason(r, "SuccessfulCreate")
        .into_iter()
        .map(|(t, m)| (t, m.trim_start_matches("Created job ").to_string()))
        .collect()
}

/// `(reason, message)` of the events of `cronjob/c` at one instant, in order.
fn at(r: &Run, time: u64) -> Vec<(String, String)> {
    cron(r)
        .into_iter()
        .filter(|e| e.time == time)
        .map(|e| (e.reason, e.message))
        .collect()
}

fn ev(reason: &str, message: &str) -> (String, String) {
    (reason.to_string(), message.to_string())
}

fn items<'a>(r: &'a Run, kind: &str) -> Vec<&'a Value> {
    r.objects["items"]
        .as_array()
        .expect("objects.json items")
        .iter()
        .filter(|o| o["kind"] == kind)
        .collect()
}

fn cronjob_status(r: &Run) -> &Value {
    &items(r, "CronJob")[0]["status"]
}

// ---- §5.4 / §2.4 / §5.8: never-firing schedules and the order of checks ---------------

#[test]
fn never_firing_schedule_emits_invalid_schedule_once_and_is_not_requeued() {
    // §1.8: `0 0 30 2 *` passes validation. §5.4: at the creation sync t1 = t2 = zero
    // time, `now ≥ t2`, the interval rounds to 0 s < 1 s → error → §5.4/§7
    // `InvalidSchedule` "invalid schedule: <s> : <err>", return, **no requeue**. No status
    // change, so no extra sync: exactly one event in the hour.
    let r = run(&scenario(
        "          schedule: \"0 0 30 2 *\"",
        "sleep 5",
        "{}",
        "  horizon: 1h",
        "",
    ));
    assert_eq!(
        with_reason(&r, "InvalidSchedule"),
        vec![(0, INVALID.to_string())]
    );
    assert_eq!(cron(&r).len(), 1);
}

#[test]
fn suspend_is_checked_before_the_schedule_is_evaluated() {
    // §5.8: suspend (step 4) comes before picking the time (step 6, `InvalidSchedule`), and
    // a suspended sync returns with no event and no requeue (§5.3). Resuming at 10 m is an
    // update → immediate sync (§8) → the never-firing schedule reports once, at 600.000.
    let r = run(&scenario(
        "          schedule: \"0 0 30 2 *\"\n          suspend: true",
        "sleep 5",
        "{}",
        "  horizon: 1h\n  actions:\n    - {at: 10m, resume: cronjob/c}",
        "",
    ));
    assert_eq!(
        with_reason(&r, "InvalidSchedule"),
        vec![(600_000, INVALID.to_string())]
    );
    assert_eq!(cron(&r).len(), 1);
}

#[test]
fn schedule_edit_to_a_never_firing_schedule_syncs_at_once_and_keeps_the_old_wakeup() {
    // §8: the update handler parses `0 0 30 2 *` (fine) and calls AddAfter with
    // `nextScheduleTimeDuration`; §5.11: its error makes base = now, Next(now) is the zero
    // time, so the delay is hugely negative → the key is added at once (600.000) →
    // `InvalidSchedule`. §4/§8: the wake-up already queued for 01:00:00.1 (hourly schedule,
    // created at 00:00) stays queued → a second sync and a second `InvalidSchedule`.
    let r = run(&scenario(
        "          schedule: \"0 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 2h\n  actions:\n    - {at: 10m, schedule: cronjob/c, to: \"0 0 30 2 *\"}",
        "",
    ));
    assert_eq!(
        with_reason(&r, "InvalidSchedule"),
        vec![
            (600_000, INVALID.to_string()),
            (3_600_100, INVALID.to_string())
        ]
    );
    assert!(created(&r).is_empty());
}

#[test]
fn too_many_missed_times_comes_before_the_forbid_check_and_repeats_every_blocked_sync() {
    // `* * * * *`, Forbid, each Job runs 3 h. Job 00:01 is created at 60.100, its pod runs
    // 61.12 → 10861.12 and the Job is Complete at 10862.12 (03:01:02.12). Suspended at
    // 90 s, resumed at 2 h: lastScheduleTime 00:01, t1 = 00:02, elapsed 7080 s / 60 + 1 =
    // 119 > 100 → `TooManyMissedTimes` (§5.4 picking step, §5.8 step 6) and then, Job
    // 00:01 being active, `JobAlreadyActive` (step 10) — in that order, with no creation.
    let r = run(&scenario(
        "          schedule: \"* * * * *\"\n          concurrencyPolicy: Forbid",
        "work",
        "{duration: 3h}",
        "  horizon: 3h2m\n  actions:\n    - {at: 90s, suspend: cronjob/c}\n    - {at: 2h, resume: cronjob/c}",
        "",
    ));
    let blocked = vec![
        ev("TooManyMissedTimes", TOO_MANY),
        ev("JobAlreadyActive", ALREADY_ACTIVE),
    ];
    assert_eq!(at(&r, 7_200_000), blocked);
    // §5.7: requeue to Next(02:00) + 100 ms; lastScheduleTime is not updated, so every
    // minute's sync is again "many missed" and blocked (§7: both every sync).
    assert_eq!(at(&r, 7_260_100), blocked);
    assert_eq!(at(&r, 10_860_100), blocked);
    // 02:00:00 plus the syncs at 02:01:00.1 … 03:01:00.1 (61): 62 blocked syncs in all.
    assert_eq!(with_reason(&r, "JobAlreadyActive").len(), 62);
    // 03:01:02.12: step 1 sees the Job finished (`SawCompletedJob`), step 6 still estimates
    // (10742 s / 60 = 179) + 1 = 180 missed, the walk from 00:02 + 178 min = 03:00 finds
    // 03:01, and step 12 creates it.
    assert_eq!(
        at(&r, 10_862_120),
        vec![
            ev(
                "SawCompletedJob",
                &format!("Saw completed job: {}, condition: Complete", job(1))
            ),
            ev("TooManyMissedTimes", TOO_MANY),
            ev("SuccessfulCreate", &format!("Created job {}", job(181))),
        ]
    );
}

// ---- §5.4: the missed-time estimate ----------------------------------------------------

#[test]
fn too_many_missed_threshold_is_more_than_one_hundred_estimated() {
    // `*/10`, lastScheduleTime 00:50 (suspended at 55 m), t1 = 01:00, interval 600 s.
    // Resumed at 17:39: (16 h 39 m = 59940 s) / 600 = 99, + 1 = 100 → few, no warning, Job
    // 17:30. Resumed at 17:40: 60000 / 600 + 1 = 101 > 100 → `TooManyMissedTimes`, Job 17:40.
    let resume = |at: &str| {
        run(&scenario(
            "          schedule: \"*/10 * * * *\"",
            "sleep 30",
            "{}",
            &format!(
                "  horizon: 17h45m\n  actions:\n    - {{at: 55m, suspend: cronjob/c}}\n    - {{at: {at}, resume: cronjob/c}}"
            ),
            "",
        ))
    };
    let hundred = resume("17h39m");
    assert!(with_reason(&hundred, "TooManyMissedTimes").is_empty());
    assert_eq!(
        at(&hundred, 63_540_000),
        vec![ev(
            "SuccessfulCreate",
            &format!("Created job {}", job(17 * 60 + 30))
        )]
    );
    let hundred_and_one = resume("17h40m");
    assert_eq!(
        at(&hundred_and_one, 63_600_000),
        vec![
            ev("TooManyMissedTimes", TOO_MANY),
            ev(
                "SuccessfulCreate",
                &format!("Created job {}", job(17 * 60 + 40))
            ),
        ]
    );
}

#[test]
fn uneven_schedule_estimate_skips_real_missed_times() {
    // §5.4 "another complex schedule": `30 10,11,12 * * 1-5`, start Thu 2016-05-19T10:00Z.
    // Job Thu 10:30 at 1800.100, suspended 10:31, resumed Fri 16:30 (30 h 30 m). Then
    // t1 = Thu 11:30, t2 = Thu 12:30, interval 1 h, n = 29 h / 1 h + 1 = 30, the walk starts
    // at t1 + 28 h = Fri 15:30 and finds nothing before Mon 10:30 → nil, missed = few:
    // Friday's 10:30, 11:30, 12:30 are never run and nothing happens at the resume.
    // §5.11: base = now → requeue at Mon 10:30 + 100 ms = 96 h 30 m 0.1 s after the start.
    // Thu 10:30Z is Unix minute 24,394,230; Mon 10:30Z is 4 days later (+5760).
    let r = run(&scenario(
        "          schedule: \"30 10,11,12 * * 1-5\"",
        "sleep 5",
        "{}",
        "  start: \"2016-05-19T10:00:00Z\"\n  horizon: 96h31m\n  actions:\n    - {at: 31m, suspend: cronjob/c}\n    - {at: 30h30m, resume: cronjob/c}",
        "",
    ));
    assert_eq!(
        created(&r),
        vec![
            (1_800_100, "c-24394230".to_string()),
            (347_400_100, "c-24399990".to_string()),
        ]
    );
    assert!(at(&r, 109_800_000).is_empty());
}

// ---- §5.5: startingDeadlineSeconds ----------------------------------------------------

#[test]
fn starting_deadline_admits_a_late_run_within_the_deadline() {
    // Hourly, SDS 900, suspended 01:30 → resumed 04:10. earliest = max(01:00, 04:10 − 15 m
    // = 03:55) = 03:55, t1 = 04:00 ≤ now < t2 = 05:00 → Job 04:00 created at the resume
    // (15000.000), 10 minutes late. §5.9: lastScheduleTime is the scheduled instant 04:00,
    // not now. §5.11: requeue Next(04:00) + 100 ms − now = 50 m 0.1 s → Job 05:00 at
    // 18000.100.
    let r = run(&scenario(
        "          schedule: \"0 * * * *\"\n          startingDeadlineSeconds: 900",
        "sleep 60",
        "{}",
        "  horizon: 5h30m\n  actions:\n    - {at: 1h30m, suspend: cronjob/c}\n    - {at: 4h10m, resume: cronjob/c}",
        "",
    ));
    assert_eq!(
        created(&r),
        vec![
            (3_600_100, job(60)),
            (15_000_000, job(240)),
            (18_000_100, job(300)),
        ]
    );
    assert_eq!(
        cronjob_status(&r)["lastScheduleTime"],
        "2026-01-01T05:00:00Z"
    );
}

#[test]
fn last_schedule_time_is_the_scheduled_instant_of_a_late_run() {
    // §5.9/§5.10: after the catch-up at 04:10 (no SDS), lastScheduleTime = 04:00:00Z.
    let r = run(&scenario(
        "          schedule: \"0 * * * *\"",
        "sleep 60",
        "{}",
        "  horizon: 4h30m\n  actions:\n    - {at: 1h30m, suspend: cronjob/c}\n    - {at: 4h10m, resume: cronjob/c}",
        "",
    ));
    assert_eq!(created(&r)[1], (15_000_000, job(240)));
    assert_eq!(
        cronjob_status(&r)["lastScheduleTime"],
        "2026-01-01T04:00:00Z"
    );
}

#[test]
fn starting_deadline_boundary_is_exclusive() {
    // §5.4 steps 2–3: earliest = now − SDS and t1 = Next(earliest) is *strictly* after it.
    // SDS 600, resumed at 04:10:00.000 exactly: earliest = 04:00, t1 = 05:00 > now → the
    // 04:00 run, exactly SDS late, is lost (silently, §5.5). With SDS 601 it runs.
    let resume = |sds: u32| {
        run(&scenario(
            &format!("          schedule: \"0 * * * *\"\n          startingDeadlineSeconds: {sds}"),
            "sleep 60",
            "{}",
            "  horizon: 5h30m\n  actions:\n    - {at: 1h30m, suspend: cronjob/c}\n    - {at: 4h10m, resume: cronjob/c}",
            "",
        ))
    };
    let exact = resume(600);
    assert_eq!(
        created(&exact),
        vec![(3_600_100, job(60)), (18_000_100, job(300))]
    );
    assert!(at(&exact, 15_000_000).is_empty());
    let one_more = resume(601);
    assert_eq!(created(&one_more)[1], (15_000_000, job(240)));
}

// ---- §5.6 and §5.9: names, the "already handled" check and AlreadyExists ---------------

#[test]
fn every_schedule_is_anchored_to_creation_and_named_by_unix_minute() {
    // §1.5: `@every 90s` runs at creation + 90 s, + 180 s, … (from lastScheduleTime). §5.9:
    // the name is floor(unix seconds / 60): 00:01:30 → +1, 00:03:00 → +3, 00:04:30 → +4.
    let r = run(&scenario(
        "          schedule: \"@every 90s\"",
        "sleep 5",
        "{}",
        "  horizon: 5m",
        "",
    ));
    assert_eq!(
        created(&r),
        vec![(90_100, job(1)), (180_100, job(3)), (270_100, job(4))]
    );
    let annotation: Vec<&str> = items(&r, "Job")
        .iter()
        .map(|j| {
            j["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        annotation,
        vec![
            "2026-01-01T00:01:30Z",
            "2026-01-01T00:03:00Z",
            "2026-01-01T00:04:30Z"
        ]
    );
}

#[test]
fn same_minute_activation_adopts_the_finished_job_without_successful_create() {
    // `@every 20s`, 5-second Jobs. 00:00:20 → Job c-<minute 0> at 20.100, Complete and seen
    // at 27.120. At 40.100 the due time 00:00:40 has the same name: not in status.active
    // and lastScheduleTime (00:00:20) differs, so §5.9 creates → AlreadyExists, controlled
    // by this CronJob and not active → adopted: appended to status.active, lastScheduleTime
    // = 00:00:40, no `SuccessfulCreate`. The status write's sync (§4) then sees it finished
    // and in status.active → a second `SawCompletedJob` for the same Job. 00:01:00 → new
    // name, created at 60.100.
    let r = run(&scenario(
        "          schedule: \"@every 20s\"",
        "sleep 5",
        "{}",
        "  horizon: 65s",
        "",
    ));
    let seen = format!("Saw completed job: {}, condition: Complete", job(0));
    assert_eq!(
        cron(&r)
            .into_iter()
            .map(|e| (e.time, e.reason, e.message))
            .collect::<Vec<_>>(),
        vec![
            (
                20_100,
                "SuccessfulCreate".into(),
                format!("Created job {}", job(0))
            ),
            (27_120, "SawCompletedJob".into(), seen.clone()),
            (40_100, "SawCompletedJob".into(), seen),
            (
                60_100,
                "SuccessfulCreate".into(),
                format!("Created job {}", job(1))
            ),
        ]
    );
}

#[test]
fn same_minute_activation_with_the_job_still_active_is_already_handled() {
    // `@every 20s`, Jobs that run 10 minutes. At 40.100 the due time 00:00:40 maps to the
    // name of the active Job 00:00:20 → §5.6: nothing, no event, requeue from the unchanged
    // lastScheduleTime: Next(00:00:40) + 100 ms = 60.100 → Job c-<minute 1>. At 80.100 and
    // 100.100 the same happens with c-<minute 1>; 120.100 → c-<minute 2>.
    let r = run(&scenario(
        "          schedule: \"@every 20s\"",
        "sleep 600",
        "{}",
        "  horizon: 130s",
        "",
    ));
    assert_eq!(
        reasons(&r),
        vec![
            (20_100, "SuccessfulCreate".into()),
            (60_100, "SuccessfulCreate".into()),
            (120_100, "SuccessfulCreate".into()),
        ]
    );
    assert_eq!(
        created(&r),
        vec![(20_100, job(0)), (60_100, job(1)), (120_100, job(2))]
    );
    let status = cronjob_status(&r);
    assert_eq!(status["active"].as_array().unwrap().len(), 3);
    assert_eq!(status["lastScheduleTime"], "2026-01-01T00:02:00Z");
}

#[test]
fn job_name_taken_by_a_job_of_another_owner_stops_the_cronjob() {
    // §5.9 AlreadyExists, not controlled by this CronJob → return with **no requeue** and
    // no status change, no event. A standalone Job already holds the name of the 00:05 run
    // (c-<minute 5>); nothing else enqueues the CronJob (no owned Jobs, no update), so it
    // never syncs again: no Job at 00:05, 00:10 or 00:15.
    let yaml = format!(
        "apiVersion: jobsim/v1
kind: Scenario
metadata: {{name: t}}
spec:
  horizon: 20m
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {{name: {taken}}}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - {{name: main, image: busybox, command: [\"sh\", \"-c\", \"sleep 60\"]}}
      behavior: {{}}
    - object:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {{name: c}}
        spec:
          schedule: \"*/5 * * * *\"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - {{name: main, image: busybox, command: [\"sh\", \"-c\", \"sleep 5\"]}}
      behavior: {{}}
",
        taken = job(5)
    );
    let r = run(&yaml);
    assert!(cron(&r).is_empty(), "{:?}", cron(&r));
    assert_eq!(r.sink.jobs.len(), 1);
    assert_eq!(r.result.cronjobs[0].counts.jobs_created, 0);
    assert!(cronjob_status(&r).get("lastScheduleTime").is_none());
}

#[test]
fn created_job_copies_template_metadata_into_the_cronjob_namespace() {
    // §5.9: namespace = the CronJob's; labels = exactly the template's (the CronJob's own
    // labels are not copied); annotations = the template's plus the scheduled timestamp in
    // the CronJob's timeZone (Europe/Rome is +01:00 in January); one controller owner
    // reference to the CronJob; creationTimestamp = the sync's now (00:05:00.1 → second
    // precision). §5.10: status.active holds an ObjectReference with the Job's namespace
    // and uid.
    let yaml = "apiVersion: jobsim/v1
kind: Scenario
metadata: {name: t}
spec:
  horizon: 6m
  workloads:
    - object:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: c, namespace: nightly, labels: {owner: cj}}
        spec:
          schedule: \"*/5 * * * *\"
          timeZone: Europe/Rome
          jobTemplate:
            metadata:
              labels: {team: data}
              annotations: {note: hello}
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - {name: main, image: busybox, command: [\"sh\", \"-c\", \"sleep 600\"]}
      behavior: {}
";
    let r = run(yaml);
    let jobs = items(&r, "Job");
    assert_eq!(jobs.len(), 1);
    let meta = &jobs[0]["metadata"];
    let cj = items(&r, "CronJob")[0];
    assert_eq!(meta["name"], job(5).as_str());
    assert_eq!(meta["namespace"], "nightly");
    assert_eq!(meta["creationTimestamp"], "2026-01-01T00:05:00Z");
    assert_eq!(meta["labels"], serde_json::json!({"team": "data"}));
    assert_eq!(
        meta["annotations"],
        serde_json::json!({
            "note": "hello",
            "batch.kubernetes.io/cronjob-scheduled-timestamp": "2026-01-01T01:05:00+01:00",
        })
    );
    assert_eq!(
        meta["ownerReferences"],
        serde_json::json!([{
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "name": "c",
            "uid": cj["metadata"]["uid"],
            "controller": true,
            "blockOwnerDeletion": true,
        }])
    );
    let active = &cj["status"]["active"][0];
    assert_eq!(active["kind"], "Job");
    assert_eq!(active["apiVersion"], "batch/v1");
    assert_eq!(active["namespace"], "nightly");
    assert_eq!(active["name"], job(5).as_str());
    assert_eq!(active["uid"], meta["uid"]);
    assert_eq!(
        with_reason(&r, "SuccessfulCreate"),
        vec![(300_100, format!("Created job {}", job(5)))]
    );
}

// ---- §5.7: concurrency policy -----------------------------------------------------------

#[test]
fn forbid_reports_job_already_active_on_every_sync_while_blocked() {
    // §5.7/§7: `JobAlreadyActive` on every sync that hits the Forbid branch, and a Job
    // status update is a sync (§4). Job 00:05 (completions 2, one pod at a time, 6 minutes
    // each): pod 1 runs 301.12 → 661.12, counted by the Job's sync at 662.12 — a status
    // update while 00:10 is due and blocked → a second `JobAlreadyActive` for the same time,
    // with no creation.
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"\n          concurrencyPolicy: Forbid",
        "work",
        "{duration: 6m}",
        "  horizon: 14m",
        "              completions: 2",
    ));
    let blocked: Vec<u64> = with_reason(&r, "JobAlreadyActive")
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(blocked[..2], [600_100, 662_120]);
    assert!(blocked.iter().all(|&t| t < 720_000));
    assert_eq!(created(&r), vec![(300_100, job(5))]);
}

#[test]
fn forbid_releases_the_blocked_run_when_the_active_job_fails() {
    // §5.1: a Failed Job is finished too: it leaves status.active (`SawCompletedJob` …
    // `condition: Failed`) and the most recent blocked time (00:10) is created in the same
    // sync (§5.7). Pod runs 301.12 → 721.12 and exits 1; backoffLimit 0 → Failed at 722.12.
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"\n          concurrencyPolicy: Forbid",
        "work",
        "{duration: 7m, failure: {probability: 1.0, exitCode: 1}}",
        "  horizon: 13m",
        "",
    ));
    assert_eq!(
        at(&r, 722_120),
        vec![
            ev(
                "SawCompletedJob",
                &format!("Saw completed job: {}, condition: Failed", job(5))
            ),
            ev("SuccessfulCreate", &format!("Created job {}", job(10))),
        ]
    );
}

#[test]
fn replace_leaves_finished_jobs_alone() {
    // §5.7 Replace deletes only the Jobs in status.active; a Job that finished was removed
    // from it by §5.1 first. 5-second Jobs every 2 minutes: no `SuccessfulDelete` (three
    // successful Jobs are within the default history limit of 3).
    let r = run(&scenario(
        "          schedule: \"*/2 * * * *\"\n          concurrencyPolicy: Replace",
        "sleep 5",
        "{}",
        "  horizon: 7m",
        "",
    ));
    assert!(with_reason(&r, "SuccessfulDelete").is_empty());
    assert_eq!(created(&r).len(), 3);
    assert_eq!(r.result.cronjobs[0].counts.replaced, 0);
}

// ---- §6: history cleanup ------------------------------------------------------------

#[test]
fn history_limit_zero_deletes_the_finished_job_before_it_is_seen_completed() {
    // §6: cleanup runs before syncCronJob and removes a deleted Job from status.active, so
    // §5.1 never emits `SawCompletedJob` for it; §5.1/§5.10 still move lastSuccessfulTime
    // from the (stale) list, which includes the Job. Job 00:10 completes at 00:10:07.
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"\n          successfulJobsHistoryLimit: 0",
        "sleep 5",
        "{}",
        "  horizon: 11m",
        "",
    ));
    assert_eq!(
        cron(&r)
            .into_iter()
            .map(|e| (e.time, e.reason, e.message))
            .collect::<Vec<_>>(),
        vec![
            (
                300_100,
                "SuccessfulCreate".into(),
                format!("Created job {}", job(5))
            ),
            (
                307_120,
                "SuccessfulDelete".into(),
                format!("Deleted job {}", job(5))
            ),
            (
                600_100,
                "SuccessfulCreate".into(),
                format!("Created job {}", job(10))
            ),
            (
                607_120,
                "SuccessfulDelete".into(),
                format!("Deleted job {}", job(10))
            ),
        ]
    );
    let status = cronjob_status(&r);
    assert_eq!(status["lastSuccessfulTime"], "2026-01-01T00:10:07Z");
    assert!(status.get("active").is_none());
    assert!(items(&r, "Job").is_empty());
}

#[test]
fn history_cleanup_runs_while_suspended() {
    // §6: cleanup runs on every sync, before the suspend check. `* * * * *`, 90-second Jobs,
    // successfulJobsHistoryLimit 1, suspended at 190 s (after Job 00:03 at 180.100). Job
    // 00:02 completes at 120.1 + 1.02 + 90 + 1 = 212.12: two successful Jobs → the oldest
    // (00:01) is deleted, then 00:02 is seen completed. Same at 272.12 for 00:02 / 00:03.
    let r = run(&scenario(
        "          schedule: \"* * * * *\"\n          successfulJobsHistoryLimit: 1",
        "sleep 90",
        "{}",
        "  horizon: 6m\n  actions:\n    - {at: 190s, suspend: cronjob/c}",
        "",
    ));
    assert_eq!(
        at(&r, 212_120),
        vec![
            ev("SuccessfulDelete", &format!("Deleted job {}", job(1))),
            ev(
                "SawCompletedJob",
                &format!("Saw completed job: {}, condition: Complete", job(2))
            ),
        ]
    );
    assert_eq!(
        at(&r, 272_120)[0],
        ev("SuccessfulDelete", &format!("Deleted job {}", job(2)))
    );
    assert_eq!(created(&r).len(), 3);
}

// ---- §8: schedule edits ---------------------------------------------------------------

#[test]
fn schedule_edit_catch_up_runs_a_new_schedule_time_on_an_earlier_sync() {
    // §8: hourly, Job 01:00 runs 25 minutes (pod 3601.12 → 5101.12, Complete 5102.12).
    // Edited at 01:20 to `*/15`: the handler requeues for Next(01:15) + 100 ms = 01:30:00.1.
    // But the Job's completion syncs first, at 01:25:02.12: earliest = lastScheduleTime
    // 01:00, t1 = 01:15 ≤ now < t2 = 01:30 → the new schedule's 01:15 is created late, then
    // 01:30 at 5400.100.
    let r = run(&scenario(
        "          schedule: \"0 * * * *\"",
        "work",
        "{duration: 25m}",
        "  horizon: 1h31m\n  actions:\n    - {at: 1h20m, schedule: cronjob/c, to: \"*/15 * * * *\"}",
        "",
    ));
    assert_eq!(
        created(&r),
        vec![
            (3_600_100, job(60)),
            (5_102_120, job(75)),
            (5_400_100, job(90)),
        ]
    );
}

#[test]
fn schedule_edit_without_an_intervening_sync_loses_the_catch_up_time() {
    // Same edit, 5-second Job: no sync between 01:20 and the requeue at 01:30:00.1, where
    // t1 = 01:15, t2 = 01:30 ≤ now, n = 900 s / 900 + 1 = 2, the walk from 01:15 finds
    // 01:30 → only 01:30 runs; 01:15 never does (§5.4: one Job per sync).
    let r = run(&scenario(
        "          schedule: \"0 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 1h31m\n  actions:\n    - {at: 1h20m, schedule: cronjob/c, to: \"*/15 * * * *\"}",
        "",
    ));
    assert_eq!(
        created(&r),
        vec![(3_600_100, job(60)), (5_400_100, job(90))]
    );
}

#[test]
fn schedule_edit_can_trigger_too_many_missed_times() {
    // §8: `0 1 * * *` ran 01:00; at 03:00 edited to `* * * * *`. Handler: earliest 01:00,
    // t1 = 01:01, (7140 s / 60) + 1 = 120 missed, walk finds 03:00 → base 03:00 → requeue
    // at 03:01:00.1. That sync: (7200 s / 60) + 1 = 121 > 100 → `TooManyMissedTimes` and
    // Job 03:01 (minute 181); then 03:02 normally.
    let r = run(&scenario(
        "          schedule: \"0 1 * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 3h2m30s\n  actions:\n    - {at: 3h, schedule: cronjob/c, to: \"* * * * *\"}",
        "",
    ));
    assert_eq!(
        at(&r, 10_860_100),
        vec![
            ev("TooManyMissedTimes", TOO_MANY),
            ev("SuccessfulCreate", &format!("Created job {}", job(181))),
        ]
    );
    assert_eq!(
        created(&r),
        vec![
            (3_600_100, job(60)),
            (10_860_100, job(181)),
            (10_920_100, job(182)),
        ]
    );
}

// ---- §2.3 / §3: time zones ------------------------------------------------------------

#[test]
fn time_zone_field_overrides_the_controller_time_zone() {
    // §3: `timeZone` set → `TZ=<timeZone> <schedule>`; the controller's zone only applies to
    // CronJobs without one. `0 6 * * *` in UTC with the controller in Asia/Kolkata runs at
    // 06:00Z (21600.100), not 00:30Z.
    let r = run(&scenario(
        "          schedule: \"0 6 * * *\"\n          timeZone: UTC",
        "sleep 5",
        "{}",
        "  horizon: 7h\n  cluster: {controllerTimeZone: Asia/Kolkata}",
        "",
    ));
    assert_eq!(created(&r), vec![(21_600_100, job(360))]);
}

#[test]
fn repeated_hour_at_fall_back_fires_twice_with_distinct_names() {
    // §2.3: 2026-11-01 New York falls back 02:00 EDT → 01:00 EST; `0 1 * * *` matches both
    // 01:00-04:00 (05:00Z) and 01:00-05:00 (06:00Z); then 11-02 01:00-05:00 (06:00Z next
    // day). Start 2026-10-31T12:00Z: +17 h, +18 h, +42 h. Names use UTC minutes (§5.9):
    // 2026-11-01T00:00Z is minute 29,453,760 + 304 × 1440 = 29,891,520.
    let r = run(&scenario(
        "          schedule: \"0 1 * * *\"\n          timeZone: America/New_York",
        "sleep 5",
        "{}",
        "  start: \"2026-10-31T12:00:00Z\"\n  horizon: 2d",
        "",
    ));
    assert_eq!(
        created(&r),
        vec![
            (61_200_100, "c-29891820".to_string()),
            (64_800_100, "c-29891880".to_string()),
            (151_200_100, "c-29893320".to_string()),
        ]
    );
    let mut stamps: Vec<&str> = items(&r, "Job")
        .iter()
        .map(|j| {
            j["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
                .as_str()
                .unwrap()
        })
        .collect();
    stamps.sort_unstable();
    assert_eq!(
        stamps,
        vec![
            "2026-11-01T01:00:00-04:00",
            "2026-11-01T01:00:00-05:00",
            "2026-11-02T01:00:00-05:00"
        ]
    );
}

// ---- §5.1: reconciling status.active --------------------------------------------------

#[test]
fn ttl_zero_job_is_still_seen_completed() {
    // §4: the Job's Complete update enqueues the CronJob at once; the TTL controller deletes
    // with foreground propagation (job-semantics §17), so the Job stays listed (with a
    // deletionTimestamp) until the GC has removed its pods. The sync at 307.12 therefore
    // lists the Job finished and in status.active → §5.1 `SawCompletedJob` and
    // lastSuccessfulTime 00:05:07; `MissingJob` is only for a Get that returns NotFound.
    let r = run(&scenario(
        "          schedule: \"*/5 * * * *\"",
        "sleep 5",
        "{}",
        "  horizon: 6m",
        "              ttlSecondsAfterFinished: 0",
    ));
    assert!(with_reason(&r, "MissingJob").is_empty());
    assert_eq!(
        with_reason(&r, "SawCompletedJob"),
        vec![(
            307_120,
            format!("Saw completed job: {}, condition: Complete", job(5))
        )]
    );
    assert_eq!(
        cronjob_status(&r)["lastSuccessfulTime"],
        "2026-01-01T00:05:07Z"
    );
}
