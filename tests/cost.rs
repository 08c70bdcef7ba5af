//! Node-hours and cost (issue: capacity planning, item 4), `allComplete` (item 3) and the
//! expectations over them (issue: regression gates, item 1): what summary.json and the
//! RunResult say about what the nodes cost, derived here from the pods' own times.

use std::path::Path;

use jobsim::check::{Verdict, simulate_and_judge};
use jobsim::record::NullSink;
use jobsim::record::schema::Summary;
use jobsim::{HOUR, LoadError, LoadOptions, MINUTE};

use crate::common::run;

/// Two nodes of 4 CPU and 16Gi; a Job of two pods, each requesting half a node (2 CPU and
/// 8Gi), running an hour. `price` and `actions` are spliced in.
fn scenario(price: &str, actions: &str, failing: bool) -> String {
    let behavior = if failing {
        "behavior: {failure: {probability: 1, exitCode: 1}}"
    } else {
        ""
    };
    format!(
        r#"apiVersion: jobsim/v1
kind: Scenario
metadata: {{name: priced}}
spec:
  currency: EUR
  cluster:
    nodePools:
      - name: batch
        count: 2
        capacity: {{cpu: "4", memory: 16Gi}}
        {price}
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {{name: etl}}
        spec:
          completions: 2
          parallelism: 2
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: etl
                  image: busybox
                  command: ["sleep", "3600"]
                  resources: {{requests: {{cpu: "2", memory: 8Gi}}}}
      {behavior}
  actions: {actions}
"#
    )
}

fn hours(ms: u64) -> f64 {
    ms as f64 / HOUR as f64
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn a_priced_cluster_costs_its_node_hours_at_the_pool_price_and_charges_pods_by_their_requests() {
    let r = run(&scenario("price: {perHour: 0.36}", "[]", false));
    let m = &r.result.metrics;
    // Both nodes exist from the start to the end of the run.
    let node_hours = 2.0 * hours(r.result.end);
    assert!(close(m.node_hours, node_hours), "{}", m.node_hours);
    assert!(close(m.cost.unwrap(), 0.36 * node_hours));
    // Each pod holds half a node (2 of 4 CPU, 8Gi of 16Gi) from binding to its end.
    let charged: f64 = r
        .sink
        .pods
        .iter()
        .map(|p| 0.36 * 0.5 * hours(p.finished.unwrap() - p.scheduled.unwrap()))
        .sum();
    let job_cost = r.result.jobs[0].cost.unwrap();
    assert!(close(job_cost, charged), "{job_cost} vs {charged}");
    let idle = m.idle_share.unwrap();
    assert!(close(idle, 1.0 - charged / m.cost.unwrap()), "{idle}");
    assert!(
        idle > 0.49 && idle < 0.51,
        "half of each node is idle: {idle}"
    );
    assert_eq!(r.result.currency.as_deref(), Some("EUR"));
    let pool = &r.result.pools[0];
    assert_eq!((pool.name.as_str(), pool.nodes), ("batch", 2));
    assert_eq!(pool.per_hour, Some(0.36));
    assert!(close(pool.attributed_cost.unwrap(), charged));
}

#[test]
fn the_billing_rule_rounds_each_node_up_to_its_granularity_and_minimum() {
    // The run ends just after an hour: with hourly granularity each node bills 2 hours.
    let r = run(&scenario(
        "price: {perHour: 0.36, granularity: 1h}",
        "[]",
        false,
    ));
    assert!(r.result.end > HOUR && r.result.end < HOUR + MINUTE);
    let pool = &r.result.pools[0];
    assert!(close(pool.billed_hours.unwrap(), 4.0));
    assert!(close(r.result.metrics.cost.unwrap(), 4.0 * 0.36));
    // Node-hours stay the time the nodes existed.
    assert!(close(
        r.result.metrics.node_hours,
        2.0 * hours(r.result.end)
    ));
    let r = run(&scenario(
        "price: {perHour: 0.36, minimum: 3h}",
        "[]",
        false,
    ));
    assert!(close(r.result.metrics.cost.unwrap(), 6.0 * 0.36));
}

#[test]
fn a_notready_node_is_still_billed_and_a_deleted_node_stops_at_its_deletion() {
    let down = run(&scenario(
        "price: {perHour: 1}",
        "[{at: 10m, nodeDown: batch-1, for: 5m}]",
        false,
    ));
    let m = &down.result.metrics;
    assert!(close(m.node_hours, 2.0 * hours(down.result.end)));
    let deleted = run(&scenario(
        "price: {perHour: 1}",
        "[{at: 10m, delete: node/batch-1}]",
        false,
    ));
    let m = &deleted.result.metrics;
    let expected = hours(deleted.result.end) + hours(10 * MINUTE);
    assert!(
        close(m.node_hours, expected),
        "{} vs {expected}",
        m.node_hours
    );
    assert!(close(m.cost.unwrap(), expected));
}

#[test]
fn without_prices_node_hours_appear_and_cost_is_absent() {
    let r = run(&scenario("", "[]", false));
    assert!(close(
        r.result.metrics.node_hours,
        2.0 * hours(r.result.end)
    ));
    assert_eq!(r.result.metrics.cost, None);
    assert_eq!(r.result.jobs[0].cost, None);
    let json = serde_json::to_value(Summary::from(&r.result)).unwrap();
    let metrics = json["metrics"].as_object().unwrap();
    assert!(metrics.contains_key("nodeHours"));
    assert!(!metrics.contains_key("cost") && !metrics.contains_key("idleShare"));
    assert!(json.get("currency").is_none());
    assert_eq!(json["pools"][0]["nodes"], 2);
    assert!(json["pools"][0].get("cost").is_none());
    assert_eq!(json["allComplete"], true);
}

#[test]
fn a_failed_job_finishes_the_makespan_but_the_run_is_not_all_complete() {
    let r = run(&scenario("", "[]", true));
    assert_eq!(r.result.jobs[0].outcome, "Failed");
    // The makespan is the time until every Job finished, either way...
    assert!(r.result.metrics.makespan.is_some());
    // ...and allComplete says it did not succeed.
    assert!(!r.result.metrics.all_complete);
    let json = serde_json::to_value(Summary::from(&r.result)).unwrap();
    assert_eq!(json["allComplete"], false);
}

fn load_err(yaml: &str) -> LoadError {
    jobsim::load_str(yaml, Path::new("c.yaml"), &LoadOptions::default()).unwrap_err()
}

#[test]
fn bad_prices_are_refused_with_file_line_column_and_field() {
    let err = load_err(&scenario("price: {perHour: -0.5}", "[]", false)).to_string();
    assert!(
        err.starts_with("c.yaml:11:") && err.contains("spec.cluster.nodePools[0].price.perHour"),
        "{err}"
    );
    let err = load_err(&scenario(
        "price: {perHour: 1, granularity: often}",
        "[]",
        false,
    ))
    .to_string();
    assert!(
        err.contains("spec.cluster.nodePools[0].price.granularity"),
        "{err}"
    );
    let err =
        load_err(&scenario("price: {perHour: 1}", "[]", false).replace("EUR", "euro")).to_string();
    assert!(
        err.starts_with("c.yaml:5:") && err.contains("spec.currency"),
        "{err}"
    );
}

#[test]
fn a_cluster_priced_in_part_is_refused() {
    let yaml = scenario("price: {perHour: 1}", "[]", false).replace(
        "  workloads:",
        "      - name: spare\n        capacity: {cpu: \"1\", memory: 1Gi}\n  workloads:",
    );
    let err = load_err(&yaml).to_string();
    assert!(
        err.contains("spec.cluster.nodePools[1].price: Required value"),
        "{err}"
    );
}

fn verdicts(yaml: &str) -> Vec<Verdict> {
    let (s, _) = jobsim::load_str(yaml, Path::new("c.yaml"), &LoadOptions::default()).unwrap();
    let (result, verdicts) = simulate_and_judge(&s, &mut NullSink, None, None, &mut |_| {
        std::ops::ControlFlow::Continue(())
    });
    result.unwrap();
    verdicts
}

#[test]
fn cost_expectations_compare_the_cost_and_need_prices() {
    let priced = scenario("price: {perHour: 0.36}", "[]", false)
        + "  expect:\n    - {metric: cost, lessThan: 1}\n    - {metric: cost, greaterThan: 1}\n    - {metric: nodeHours, lessThan: 2.1}\n";
    let v = verdicts(&priced);
    assert!(v[0].pass && !v[1].pass && v[2].pass, "{v:?}");
    assert!(
        v[1].to_string()
            .starts_with("FAIL cost greater than 1: cost 0.72"),
        "{}",
        v[1]
    );
    // On a cluster without prices a cost expectation is bad input, at its line.
    let unpriced = scenario("", "[]", false) + "  expect:\n    - {metric: cost, lessThan: 1}\n";
    let line = unpriced
        .lines()
        .position(|l| l.contains("metric: cost"))
        .unwrap()
        + 1;
    let err = load_err(&unpriced).to_string();
    assert!(err.starts_with(&format!("c.yaml:{line}:")), "{err}");
    assert!(err.contains("node pools have no price"), "{err}");
}

/// A CronJob every 10 minutes whose Jobs take 5 s: the 00:10 and 00:20 runs succeed
/// before the 25-minute horizon, so the last success is at 00:20 plus its run.
fn cron_scenario(expect: &str) -> String {
    format!(
        r#"apiVersion: jobsim/v1
kind: Scenario
metadata: {{name: cron}}
spec:
  horizon: 25m
  workloads:
    - object:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {{name: report}}
        spec:
          schedule: "*/10 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers: [{{name: r, image: busybox, command: ["sleep", "5"]}}]
  expect:
{expect}"#
    )
}

#[test]
fn last_successful_is_judged_against_a_time_since_start_or_an_instant() {
    let v = verdicts(&cron_scenario(
        "    - {cronjob: report, lastSuccessful: {before: 21m}}\n    - {cronjob: report, lastSuccessful: {after: 20m, before: \"2026-01-01T00:21:00Z\"}}\n    - {cronjob: report, lastSuccessful: {before: 20m}}\n",
    ));
    assert!(v[0].pass && v[1].pass, "{v:?}");
    assert!(!v[2].pass);
    assert!(
        v[2].to_string().starts_with(
            "FAIL cronjob/report last successful before 20m00s: last successful at 20m"
        ),
        "{}",
        v[2]
    );
}

#[test]
fn a_cronjob_is_charged_for_the_pods_of_all_its_jobs() {
    // The default pool (3 nodes of 4 CPU, 16Gi) priced by an override; each pod requests
    // 1 CPU and 4Gi, a quarter of a node on both counts.
    let yaml = r#"apiVersion: jobsim/v1
kind: Scenario
metadata: {name: cron-cost}
spec:
  horizon: 25m
  workloads:
    - object:
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: report}
        spec:
          schedule: "*/10 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: r
                      image: busybox
                      command: ["sleep", "5"]
                      resources: {requests: {cpu: "1", memory: 4Gi}}
"#;
    let options =
        LoadOptions::with_overrides(["cluster.nodePools.worker.price.perHour=2".parse().unwrap()]);
    let (s, _) = jobsim::load_str(yaml, Path::new("c.yaml"), &options).unwrap();
    let mut sink = jobsim::record::MemorySink::default();
    let r = jobsim::simulate(&s, &mut sink, None).unwrap();
    assert_eq!(sink.pods.len(), 2, "the 00:10 and 00:20 runs");
    let charged: f64 = sink
        .pods
        .iter()
        .map(|p| 2.0 * 0.25 * hours(p.finished.unwrap() - p.scheduled.unwrap()))
        .sum();
    let cost = r.cronjobs[0].cost.unwrap();
    assert!(close(cost, charged), "{cost} vs {charged}");
    // Three nodes for the 25 minutes of the run.
    assert!(close(
        r.metrics.cost.unwrap(),
        3.0 * 2.0 * hours(25 * MINUTE)
    ));
    assert_eq!(r.currency.as_deref(), Some("USD"));
}
