//! Events as a v1.36 API server keeps them: client-go's event correlator for the legacy
//! recorders (aggregation, counting, the spam filter), the scheduler's uncorrelated events,
//! the kubelet's events, and `--events all` (reference job-semantics §16.4).

use std::path::Path;

use jobsim::record::schema::EventRow;
use jobsim::record::{EventType, MemorySink};

fn run(yaml: &str, sink: &mut MemorySink) {
    let (scenario, _) =
        jobsim::load_str(yaml, Path::new("t.yaml"), &jobsim::LoadOptions::default()).unwrap();
    jobsim::simulate(&scenario, sink, None).unwrap();
}

/// One Job of `completions` pods, `parallelism` at a time, each running `seconds`, on a
/// cluster with room for all of them.
fn job(completions: u32, parallelism: u32, seconds: u32) -> String {
    format!(
        r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {{name: ev}}
spec:
  cluster:
    nodePools:
      - {{name: n, count: 10, capacity: {{cpu: "64", memory: 64Gi, pods: 110}}}}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {{name: big}}
        spec:
          completions: {completions}
          parallelism: {parallelism}
          template:
            spec:
              restartPolicy: Never
              containers: [{{name: c, image: busybox, command: [sleep, "{seconds}"]}}]
"#
    )
}

fn of<'a>(rows: &'a [EventRow], object: &str) -> Vec<&'a EventRow> {
    rows.iter().filter(|e| e.object == object).collect()
}

#[test]
fn a_job_creating_60_pods_30_at_a_time_keeps_9_creations_one_combined_row_of_16_and_no_completed() {
    let mut sink = MemorySink::default();
    run(&job(60, 30, 20), &mut sink);
    let rows = of(&sink.events, "job/big");
    let creates: Vec<_> = rows
        .iter()
        .filter(|e| e.reason == "SuccessfulCreate")
        .collect();
    assert_eq!(creates.len(), 10, "{rows:#?}");
    assert!(
        creates[..9]
            .iter()
            .all(|e| e.count == 1 && e.message.starts_with("Created pod: big-"))
    );
    let combined = creates[9];
    assert_eq!(combined.count, 16);
    assert!(
        combined
            .message
            .starts_with("(combined from similar events): Created pod: big-"),
        "{}",
        combined.message
    );
    // All 25 written in the first sync (jobsim does not model the client's request rate).
    assert!(combined.first_time <= combined.last_time);
    assert!(!rows.iter().any(|e| e.reason == "Completed"), "{rows:#?}");
    // The scheduler's events are about distinct pods and all kept: 60 `Scheduled`.
    let scheduled = sink
        .events
        .iter()
        .filter(|e| e.reason == "Scheduled")
        .count();
    assert_eq!(scheduled, 60);
}

#[test]
fn a_job_creating_8_pods_keeps_every_event_completed_included() {
    let mut sink = MemorySink::default();
    run(&job(8, 8, 5), &mut sink);
    let rows = of(&sink.events, "job/big");
    assert_eq!(
        rows.iter()
            .filter(|e| e.reason == "SuccessfulCreate" && e.count == 1)
            .count(),
        8
    );
    assert!(rows.iter().any(|e| e.reason == "Completed"));
}

#[test]
fn events_all_writes_every_event_once_with_count_one() {
    let mut sink = MemorySink::all_events();
    run(&job(60, 30, 20), &mut sink);
    let rows = of(&sink.events, "job/big");
    assert_eq!(
        rows.iter()
            .filter(|e| e.reason == "SuccessfulCreate")
            .count(),
        60
    );
    assert!(rows.iter().any(|e| e.reason == "Completed"));
    assert!(
        sink.events
            .iter()
            .all(|e| e.count == 1 && e.first_time == Some(e.time) && e.last_time == Some(e.time))
    );
    assert!(sink.events.windows(2).all(|w| w[0].time <= w[1].time));
}

#[test]
fn a_long_running_job_keeps_a_handful_of_rows_whose_combined_count_is_written_every_five_minutes() {
    // A small W1: pods created steadily for about an hour.
    let mut sink = MemorySink::default();
    run(&job(400, 10, 90), &mut sink);
    let rows = of(&sink.events, "job/big");
    assert!(rows.len() <= 12, "{rows:#?}");
    let combined = rows
        .iter()
        .find(|e| e.message.starts_with("(combined"))
        .unwrap();
    // 25 tokens, then one per 300 s: the last write is on the 5-minute grid after the
    // burst ran dry, and it carries every creation the correlator counted until then,
    // including those the spam filter did not write.
    let all = MemorySink::all_events();
    let mut all = all;
    run(&job(400, 10, 90), &mut all);
    let creations: Vec<u64> = of(&all.events, "job/big")
        .iter()
        .filter(|e| e.reason == "SuccessfulCreate")
        .map(|e| e.time)
        .collect();
    // The write is the first creation of its sync; the rest of that sync's batch is
    // counted too but not written.
    let counted_by_then = creations.iter().filter(|&&t| t < combined.time).count() as u32 + 1;
    assert_eq!(combined.count, counted_by_then - 9);
    assert!(combined.count > 16);
    let last_of_burst = creations[24];
    let since = combined.time - last_of_burst;
    assert!(since >= 250_000, "{since}");
}

#[test]
fn every_event_has_a_type_and_warnings_are_the_warning_reasons() {
    let mut sink = MemorySink::all_events();
    run(
        r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {name: ev}
spec:
  cluster:
    nodePools:
      - {name: n, count: 2, capacity: {cpu: "1", memory: 4Gi, pods: 110}}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          completions: 3
          parallelism: 3
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
                  command: [sleep, "10"]
                  resources: {requests: {cpu: "1"}}
"#,
        &mut sink,
    );
    let failed: Vec<_> = sink
        .events
        .iter()
        .filter(|e| e.reason == "FailedScheduling")
        .collect();
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|e| e.event_type == EventType::Warning));
    assert_eq!(
        failed[0].message,
        "0/2 nodes are available: 2 Insufficient cpu. no new claims to deallocate, preemption: \
         0/2 nodes are available: 2 No preemption victims found for incoming pod."
    );
    // The third pod fails at creation, and again when a slot frees and it wins it: here
    // the retry binds it, so one attempt failed.
    assert_eq!(failed.len(), 1);
    assert!(
        sink.events
            .iter()
            .filter(|e| e.reason == "Scheduled" || e.reason == "Started")
            .all(|e| e.event_type == EventType::Normal)
    );
}

#[test]
fn failed_scheduling_is_written_again_for_every_pod_that_loses_a_retry() {
    let mut sink = MemorySink::all_events();
    run(
        r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {name: ev}
spec:
  cluster:
    nodePools:
      - {name: n, count: 1, capacity: {cpu: "1", memory: 4Gi, pods: 110}}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          completions: 3
          parallelism: 3
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: c
                  image: busybox
                  command: [sleep, "10"]
                  resources: {requests: {cpu: "1"}}
"#,
        &mut sink,
    );
    // One node of one CPU: two pods wait at creation (2 events); when the first pod ends,
    // the retry binds the second and the third fails again (1 more); when the second
    // ends, the third is bound.
    let failed: Vec<&str> = sink
        .events
        .iter()
        .filter(|e| e.reason == "FailedScheduling")
        .map(|e| e.object.as_str())
        .collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert_eq!(failed[1..2], failed[2..3]);
}

/// An `OnFailure` Job whose container fails its first two runs in place.
const CRASH_TWICE: &str = r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {name: ev}
spec:
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: crash}
        spec:
          backoffLimit: 2
          template:
            spec:
              restartPolicy: OnFailure
              containers: [{name: app, image: "busybox:1.36", command: [sleep, "3"]}]
      behavior:
        outcomes:
          - {run: 1, exitCode: 1}
          - {run: 2, exitCode: 1}
"#;

#[test]
fn the_kubelet_records_pulled_created_started_for_each_run_and_back_off_between_restarts() {
    let mut sink = MemorySink::all_events();
    run(CRASH_TWICE, &mut sink);
    let pod_events: Vec<_> = sink
        .events
        .iter()
        .filter(|e| e.object.starts_with("pod/crash-"))
        .collect();
    let reasons: Vec<&str> = pod_events.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "Scheduled",
            "Pulled",
            "Created",
            "Started",
            "Pulled",
            "Created",
            "Started",
            "BackOff",
            "Pulled",
            "Created",
            "Started",
            "Killing"
        ],
        "{pod_events:#?}"
    );
    let pulled = pod_events.iter().find(|e| e.reason == "Pulled").unwrap();
    assert_eq!(
        pulled.message,
        "Container image \"busybox:1.36\" already present on machine and can be accessed by the pod"
    );
    let backoff = pod_events.iter().find(|e| e.reason == "BackOff").unwrap();
    assert_eq!(backoff.event_type, EventType::Warning);
    assert!(
        backoff
            .message
            .starts_with("Back-off restarting failed container app in pod crash-"),
        "{}",
        backoff.message
    );
    // As the API server keeps them: one Event object per reason and container, counted.
    let mut kept = MemorySink::default();
    run(CRASH_TWICE, &mut kept);
    let started: Vec<_> = kept
        .events
        .iter()
        .filter(|e| e.object.starts_with("pod/crash-") && e.reason == "Started")
        .collect();
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].count, 3);
}
