//! The library's face: loading from text and parsed values, overrides by path, and the
//! step-by-step `Simulation`.

use std::path::Path;

use jobsim::record::MemorySink;
use jobsim::{LoadOptions, Override, SECOND, Simulation};

/// Three pods one after another, each sleeping 5 s; pods start 1 s after creation.
const SERIAL: &str = r#"
apiVersion: jobsim/v1
kind: Scenario
metadata: {name: serial}
spec:
  workloads:
    - object:
        apiVersion: batch/v1
        kind: Job
        metadata: {name: pi}
        spec:
          completions: 3
          parallelism: 1
          template:
            spec:
              restartPolicy: Never
              containers: [{name: pi, image: perl, command: ["sleep", "5"]}]
      behavior:
        failure: {probability: 0}
"#;

fn load(yaml: &str, settings: &[&str]) -> Result<jobsim::Scenario, jobsim::LoadError> {
    let overrides: Vec<Override> = settings.iter().map(|s| s.parse().unwrap()).collect();
    let options = LoadOptions::with_overrides(overrides);
    jobsim::load_str(yaml, Path::new("serial.yaml"), &options).map(|(s, _)| s)
}

#[test]
fn a_stepped_run_reports_exactly_what_a_whole_run_reports() {
    let scenario = load(SERIAL, &[]).unwrap();
    let mut whole_sink = MemorySink::default();
    let whole = jobsim::simulate(&scenario, &mut whole_sink, None).unwrap();

    let mut sink = MemorySink::default();
    let mut sim = Simulation::new(&scenario, &mut sink);
    let mut steps = 0u64;
    let mut last = 0;
    while let Some(t) = sim.step() {
        assert!(t >= last, "time never goes back");
        assert_eq!(sim.now(), t);
        last = t;
        steps += 1;
    }
    let stepped = sim.finish().unwrap();
    assert_eq!(steps, stepped.events_processed);
    assert_eq!(stepped.jobs, whole.jobs);
    assert_eq!(stepped.end, whole.end);
    assert_eq!(stepped.objects, whole.objects);
    assert_eq!(sink, whole_sink);
}

#[test]
fn a_stepped_run_sees_succeeded_counted_at_the_batched_sync_one_second_after_the_pod_ends() {
    let scenario = load(SERIAL, &[]).unwrap();
    let mut sink = MemorySink::default();
    let mut sim = Simulation::new(&scenario, &mut sink);
    let mut counted_at = None;
    while let Some(t) = sim.step() {
        let pi = sim.job("pi").expect("submitted at 0");
        if pi.succeeded == 1 {
            counted_at = Some(t);
            assert_eq!(pi.active, 1, "the next pod is created in the same sync");
            assert_eq!(pi.conditions, Vec::<&str>::new());
            break;
        }
    }
    let counted_at = counted_at.expect("the first pod succeeds");
    drop(sim.finish().unwrap());
    let first = &sink.pods[0];
    // The kubelet reports the pod at `finished`; the Job controller's sync for it is
    // batched 1 s later (job-semantics §4.1) and counts it.
    assert_eq!(counted_at, first.finished.unwrap() + SECOND);
}

#[test]
fn run_until_stops_before_later_events_and_the_job_view_shows_that_moment() {
    let scenario = load(SERIAL, &[]).unwrap();
    let mut sink = MemorySink::default();
    let mut sim = Simulation::new(&scenario, &mut sink);
    sim.run_until(2 * SECOND);
    assert!(sim.now() <= 2 * SECOND);
    assert!(sim.next_time().is_some_and(|t| t > 2 * SECOND));
    let pi = sim.job("pi").unwrap();
    assert_eq!((pi.active, pi.succeeded, pi.pods_created), (1, 0, 1));
    assert_eq!(pi.start_time, Some(0));
    let object = sim.job_object("pi").unwrap();
    assert_eq!(object.status.active, Some(1));
    assert!(sim.job("nope").is_none());
}

#[test]
fn overrides_reach_workloads_behaviour_and_the_cluster_of_a_scenario() {
    let scenario = load(
        SERIAL,
        &[
            "job/pi.spec.parallelism=3",
            "job/pi.behavior.failure.probability=1",
            "job/pi.spec.backoffLimit=0",
            "cluster.nodePools.worker.count=5",
            "horizon=1h",
            "seed=9",
        ],
    )
    .unwrap();
    assert_eq!((scenario.seed, scenario.horizon), (9, Some(3_600 * SECOND)));
    let result = jobsim::simulate(&scenario, &mut jobsim::record::NullSink, None).unwrap();
    assert_eq!(result.nodes.len(), 5);
    let pi = &result.jobs[0];
    assert_eq!(pi.parallelism, 3);
    assert_eq!(
        (pi.outcome, pi.reason.as_str()),
        ("Failed", "BackoffLimitExceeded")
    );
}

#[test]
fn an_override_the_scenario_refuses_is_an_error_naming_it_and_pointing_at_the_field() {
    let err = load(SERIAL, &["job/pi.spec.completions=-3"])
        .unwrap_err()
        .to_string();
    // `completions: 3` is on line 12 of SERIAL.
    assert!(
        err.starts_with("override job/pi.spec.completions=-3: serial.yaml:12:"),
        "{err}"
    );
    let err = load(SERIAL, &["cluster.nodePools.worker.cpus=4"])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("override cluster.nodePools.worker.cpus=4: "),
        "{err}"
    );
    // An input that is wrong by itself keeps its own error.
    let broken = SERIAL.replace("completions: 3", "completions: -1");
    let err = load(&broken, &["seed=3"]).unwrap_err().to_string();
    assert!(err.starts_with("serial.yaml:12:"), "{err}");
}

#[test]
fn a_bare_manifest_has_no_behaviour_to_override() {
    let manifest = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: pi}\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: pi, image: perl}]\n";
    let err = load(manifest, &["job/pi.behavior.failure.probability=1"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("bare manifests have no `behavior`"), "{err}");
}

#[test]
fn a_parsed_scenario_value_loads_as_its_text_does() {
    let value: yaml_serde::Value = yaml_serde::from_str(SERIAL).unwrap();
    let options = LoadOptions::with_overrides(["seed=4".parse().unwrap()]);
    let (from_value, _) = jobsim::load_value(&value, Path::new("serial.yaml"), &options).unwrap();
    let from_text = load(SERIAL, &["seed=4"]).unwrap();
    let run = |s: &jobsim::Scenario| {
        let mut sink = MemorySink::default();
        let result = jobsim::simulate(s, &mut sink, None).unwrap();
        (result.jobs, sink)
    };
    assert_eq!(run(&from_value), run(&from_text));
}
