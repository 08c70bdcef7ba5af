//! Shared helpers of the integration tests: run a scenario written as YAML through the
//! library, and read its records (pods.csv, events.csv, jobs.csv rows — the schema's typed
//! rows — and objects.json). Helpers only read what a run produced; they assert nothing themselves
//! beyond "the row exists".

#![allow(dead_code)]

use std::path::Path;

use jobsim::record::MemorySink;
pub use jobsim::record::schema::{EventRow, JobObject, JobRow, Object, PodRow};
use jobsim::{JobResult, RunResult};
use serde_json::Value;

/// One finished run: its result and every record it reported.
pub struct Run {
    pub result: RunResult,
    pub sink: MemorySink,
    /// `objects.json` as the file holds it (the typed `result.objects`, serialised).
    pub objects: Value,
}

/// Runs a scenario given as YAML until nothing is left to do.
pub fn run(yaml: &str) -> Run {
    run_with_horizon(yaml, None)
}

/// Runs a scenario given as YAML, stopping at `horizon_ms` at the latest.
pub fn run_until(yaml: &str, horizon_ms: u64) -> Run {
    run_with_horizon(yaml, Some(horizon_ms))
}

fn run_with_horizon(yaml: &str, horizon: Option<u64>) -> Run {
    let (scenario, _warnings) = jobsim::load_str(
        yaml,
        Path::new("test.yaml"),
        &jobsim::LoadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("test scenario does not load: {e}"));
    let mut sink = MemorySink::all_events();
    let result =
        jobsim::simulate(&scenario, &mut sink, horizon).expect("a memory sink never fails");
    Run::new(result, sink)
}

/// Runs a file (scenario or bare manifest) as `jobsim run FILE` would.
pub fn run_file(path: &Path, horizon: Option<u64>) -> Run {
    let (mut scenarios, _warnings) =
        jobsim::load_files(&[path.to_path_buf()], &jobsim::LoadOptions::default())
            .unwrap_or_else(|e| panic!("{} does not load: {e}", path.display()));
    assert_eq!(scenarios.len(), 1, "one scenario per file");
    let scenario = scenarios.remove(0);
    let mut sink = MemorySink::all_events();
    let result =
        jobsim::simulate(&scenario, &mut sink, horizon).expect("a memory sink never fails");
    Run::new(result, sink)
}

/// A Job condition from objects.json.
#[derive(Debug, Clone, PartialEq)]
pub struct Cond {
    pub kind: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub time: String,
}

/// The RFC 3339 instant `secs` whole seconds after the default scenario start
/// (2026-01-01T00:00:00Z), as objects.json writes times.
pub fn rfc(secs: u64) -> String {
    format!(
        "2026-01-01T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

impl Run {
    fn new(result: RunResult, sink: MemorySink) -> Run {
        let objects = serde_json::to_value(&result.objects).expect("objects.json serialises");
        Run {
            result,
            sink,
            objects,
        }
    }

    /// The result of the Job called `name`.
    pub fn job(&self, name: &str) -> &JobResult {
        self.result
            .jobs
            .iter()
            .find(|j| j.name == name)
            .unwrap_or_else(|| panic!("no Job {name} in the result"))
    }

    /// Every pod row, in creation order.
    pub fn pods(&self) -> Vec<PodRow> {
        self.sink.pods.clone()
    }

    /// The pod rows of one Job, in creation order.
    pub fn pods_of(&self, job: &str) -> Vec<PodRow> {
        self.pods().into_iter().filter(|p| p.job == job).collect()
    }

    /// Every event row, in time order.
    pub fn events(&self) -> Vec<EventRow> {
        self.sink.events.clone()
    }

    /// The events about `object` (`job/NAME`, `pod/NAME`).
    pub fn events_of(&self, object: &str) -> Vec<EventRow> {
        self.events()
            .into_iter()
            .filter(|e| e.object == object)
            .collect()
    }

    /// The times of the `SuccessfulCreate` events of a Job.
    pub fn creations(&self, job: &str) -> Vec<u64> {
        self.events_of(&format!("job/{job}"))
            .into_iter()
            .filter(|e| e.reason == "SuccessfulCreate")
            .map(|e| e.time)
            .collect()
    }

    /// The `jobs.csv` row of a Job.
    pub fn job_row(&self, name: &str) -> &JobRow {
        self.sink
            .jobs
            .iter()
            .find(|r| r.job == name)
            .unwrap_or_else(|| panic!("no jobs.csv row for {name}"))
    }

    /// The Job object in objects.json, if it still exists at the end.
    pub fn object(&self, name: &str) -> Option<&Value> {
        self.objects["items"]
            .as_array()
            .expect("objects.json items")
            .iter()
            .find(|o| o["metadata"]["name"] == name)
    }

    /// The Job object in objects.json; the test fails when it is gone.
    pub fn obj(&self, name: &str) -> &Value {
        self.object(name)
            .unwrap_or_else(|| panic!("Job {name} missing from objects.json"))
    }

    /// The Job in objects.json, read as the schema's typed Job; the test fails when it is
    /// gone or does not read as a Job.
    pub fn job_object(&self, name: &str) -> JobObject {
        match serde_json::from_value(self.obj(name).clone()) {
            Ok(Object::Job(job)) => job,
            Ok(other) => panic!("{name} is not a Job in objects.json: {other:?}"),
            Err(e) => panic!("{name} does not read as an objects.json item: {e}"),
        }
    }

    /// `status.conditions` of a Job, in order.
    pub fn conditions(&self, name: &str) -> Vec<Cond> {
        self.job_object(name)
            .status
            .conditions
            .into_iter()
            .map(|c| Cond {
                kind: c.condition_type,
                status: c.status,
                reason: c.reason,
                message: c.message,
                time: c.last_transition_time,
            })
            .collect()
    }

    /// The condition of a type, if present.
    pub fn condition(&self, name: &str, kind: &str) -> Option<Cond> {
        self.conditions(name).into_iter().find(|c| c.kind == kind)
    }

    /// The condition types of a Job, in order.
    pub fn condition_types(&self, name: &str) -> Vec<String> {
        self.conditions(name).into_iter().map(|c| c.kind).collect()
    }

    /// A status field of a Job; a counter the API omits when zero reads as 0.
    pub fn status_count(&self, name: &str, field: &str) -> i64 {
        self.obj(name)["status"][field].as_i64().unwrap_or(0)
    }
}

/// Pod names for NonIndexed Jobs are `<job>-<5 chars>`, for Indexed `<job>-<index>-<5 chars>`,
/// the suffix drawn from the API server's alphabet (no vowels, no look-alikes).
pub fn is_generated_suffix(s: &str) -> bool {
    s.len() == 5 && s.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c))
}
