//! Integration tests of jobsim, one binary (DESIGN §8). Each module pins the behaviour
//! named in its file name against the reference (`job-semantics.md`), driving the library
//! (a scenario written as YAML is loaded, simulated, and its records are checked) or the
//! built binary (`cli`, `determinism`). Expected times are derived in comments from the
//! rules, never copied from a run. A test whose expectation the simulator does not meet
//! yet is `#[ignore = "BUG: …"]`, not loosened.

mod binary;
mod common;

mod actions;
mod backoff;
mod backoff_limit_per_index;
mod browser;
mod check;
mod cli;
mod cost;
mod cronjob;
mod cronjob_conformance;
mod deadline;
mod deploy;
mod determinism;
mod docs;
mod errors;
mod events;
mod examples;
mod explain;
mod face;
mod finish;
mod fuzz;
mod get;
mod hints;
mod job_modes;
mod kubelet;
mod lessons;
mod manifests;
mod node_failure;
mod node_sampling;
mod oom;
mod plan;
mod pod_deadline;
mod pod_failure_policy;
mod pod_gc;
mod properties;
mod record_schema;
mod replacement_policy;
mod report;
mod review;
mod robustness;
mod scenario_text;
mod scheduling;
mod success_policy;
mod suspend;
mod sweep;
mod sync_timing;
mod ttl;
mod whole_outputs;
mod why_columns;
