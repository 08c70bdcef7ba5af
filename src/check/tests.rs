use std::path::Path;

use super::*;
use crate::record::MemorySink;
use crate::scenario::{LoadError, load_scenario_str};

fn scenario(expect: &str) -> String {
    format!(
        r#"apiVersion: jobsim/v1
kind: Scenario
metadata: {{name: t}}
spec:
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {{name: pi}}
        spec:
          completions: 6
          parallelism: 3
          template:
            spec:
              restartPolicy: Never
              containers: [{{name: pi, image: perl, command: ["sleep", "5"]}}]
  expect:
{expect}"#
    )
}

fn verdicts(expect: &str) -> Vec<Verdict> {
    let (s, _) = load_scenario_str(&scenario(expect), Path::new("t.yaml")).expect("loads");
    let mut mem = MemorySink::default();
    let mut sink = ExpectSink::new(&mut mem, &s.expect);
    let r = crate::world::simulate(&s, &mut sink, None).expect("a memory sink never fails");
    let seen = sink.into_observed();
    evaluate(&s.expect, &r, &seen)
}

#[test]
fn a_job_that_completes_in_time_passes_and_one_too_slow_fails_with_its_time() {
    let v = verdicts(
        "    - {job: pi, condition: Complete, within: 1m}\n    - {job: pi, condition: Complete, within: 5s}\n",
    );
    assert!(v[0].pass, "{}", v[0]);
    assert!(!v[1].pass);
    assert_eq!(
        v[1].to_string(),
        "FAIL job/pi Complete within 5s: completed at 14.040s"
    );
}

#[test]
fn counts_waves_and_pods_at_once_are_measured() {
    let v = verdicts(
        "    - {job: pi, succeeded: 6}\n    - {job: pi, maxRunning: {atMost: 3}}\n    - {job: pi, waves: 2}\n    - {job: pi, pods: {atLeast: 7}}\n",
    );
    assert!(v[0].pass && v[1].pass && v[2].pass, "{v:?}");
    assert_eq!(v[3].to_string(), "FAIL job/pi pods at least 7: pods 6");
}

#[test]
fn events_and_metrics_are_judged() {
    let v = verdicts(
        "    - {event: SuccessfulCreate, object: job/pi, times: 6}\n    - {event: BackoffLimitExceeded, never: true}\n    - {event: Scheduled, object: \"pod/pi-*\", times: {atLeast: 6}}\n    - {metric: makespan, lessThan: 10s}\n    - {metric: podsSucceeded, equals: 6}\n",
    );
    assert!(v[0].pass && v[1].pass && v[2].pass && v[4].pass, "{v:?}");
    assert_eq!(
        v[3].to_string(),
        "FAIL makespan less than 10s: makespan 14.040s"
    );
}

#[test]
fn an_expectation_naming_a_missing_job_is_a_load_error_at_its_line() {
    let text = scenario("    - {job: pi, succeeded: 6}\n    - {job: nope, succeeded: 6}\n");
    let err = load_scenario_str(&text, Path::new("t.yaml")).unwrap_err();
    let LoadError::Invalid { line, message, .. } = err else {
        panic!("{err}")
    };
    assert_eq!(line, 19, "{message}");
    assert!(
        message.contains("spec.expect[1].job: Not found: \"nope\""),
        "{message}"
    );
}

#[test]
fn an_unknown_expectation_field_is_refused() {
    let text = scenario("    - {job: pi, succeded: 6}\n");
    assert!(load_scenario_str(&text, Path::new("t.yaml")).is_err());
}

#[test]
fn glob_patterns_match_any_run_of_characters() {
    assert!(glob_match("pod/etl-*", "pod/etl-abc"));
    assert!(glob_match("*-x", "a-x"));
    assert!(glob_match("a*b*c", "aXbYc"));
    assert!(!glob_match("a*b*c", "aXcYb"));
    assert!(!glob_match("pod/etl-*", "job/etl-1"));
}
