//! # jobsim
//!
//! A deterministic discrete-event simulator of Kubernetes batch workloads. It reads real
//! `batch/v1` Job and CronJob manifests and replays them through the Kubernetes controller
//! semantics (v1.36, default feature gates) on a simulated cluster, in virtual time. The same
//! input and seed always give the same result, byte for byte; the simulation does no I/O.
//!
//! Using it as a library has four phases:
//!
//! 1. **Load** a scenario (`kind: Scenario`: cluster, timing, workloads with their behaviour,
//!    actions) or bare Job/CronJob manifests, from YAML text ([`load_str`]), a parsed YAML
//!    value ([`load_value`]) or files ([`load_files`]). Loading defaults and validates as the
//!    API server does; errors name the file, line, column and field.
//! 2. **Override** fields by path before the YAML is read ([`Override`] in [`LoadOptions`]):
//!    `seed=7`, `horizon=2h`, `cluster.nodePools.NAME.count=12`, `job/NAME.spec.parallelism=4`,
//!    `job/NAME.behavior.failure.probability=0.1`, `cronjob/NAME.spec.schedule=…`. The new
//!    value is defaulted and validated like the rest.
//! 3. **Run** it to the end with [`simulate`], reporting records to a [`record::Sink`] of your
//!    choice: [`record::NullSink`] (nothing), [`record::MemorySink`] (typed rows in memory),
//!    [`record::CsvSink`] (the CSV files of `jobsim run`); or step through it event by event
//!    with a [`Simulation`].
//! 4. **Read the results**: the typed [`RunResult`] (metrics, each Job and CronJob, nodes, and
//!    the objects as `kubectl get -o json` would show them, [`record::schema::ObjectList`]),
//!    and the rows the sink kept, typed as the output files' rows ([`record::schema`]).
//!
//! ## Load, run, read
//!
//! ```
//! use std::path::Path;
//! use jobsim::record::MemorySink;
//!
//! let yaml = r#"
//! apiVersion: jobsim/v1
//! kind: Scenario
//! metadata: {name: doc}
//! spec:
//!   workloads:
//!     - object:
//!         apiVersion: batch/v1
//!         kind: Job
//!         metadata: {name: pi}
//!         spec:
//!           completions: 4
//!           parallelism: 2
//!           template:
//!             spec:
//!               restartPolicy: Never
//!               containers: [{name: pi, image: perl, command: ["sleep", "5"]}]
//! "#;
//! let (scenario, _warnings) =
//!     jobsim::load_str(yaml, Path::new("doc.yaml"), &jobsim::LoadOptions::default())?;
//! let mut sink = MemorySink::default();
//! let result = jobsim::simulate(&scenario, &mut sink, None).expect("memory never fails");
//!
//! let job = &result.jobs[0];
//! assert_eq!((job.outcome, job.reason.as_str()), ("Complete", "CompletionsReached"));
//! assert_eq!(job.succeeded, 4);
//! assert_eq!(sink.pods.len(), 4); // one pods.csv row per pod
//! assert!(sink.pods.iter().all(|p| p.phase == "Succeeded"));
//! // The Job as `kubectl get job pi -o json` would show it at the end.
//! let jobsim::record::schema::Object::Job(pi) = &result.objects.items[0] else {
//!     panic!("a Job")
//! };
//! assert_eq!(pi.status.succeeded, Some(4));
//! # Ok::<(), jobsim::LoadError>(())
//! ```
//!
//! ## Overrides, bare manifests and parsed values
//!
//! A bare manifest runs on the default cluster (pool `worker`, 3 nodes). Overrides change the
//! YAML before it is read, so what they set is checked like the file's own fields:
//!
//! ```
//! use std::path::Path;
//! use jobsim::{LoadOptions, Override, record::NullSink};
//!
//! let manifest = r#"
//! apiVersion: batch/v1
//! kind: Job
//! metadata: {name: etl}
//! spec:
//!   completions: 6
//!   parallelism: 2
//!   template:
//!     spec:
//!       restartPolicy: Never
//!       containers: [{name: main, image: busybox, command: ["sleep", "10"]}]
//! "#;
//! let options = LoadOptions::with_overrides([
//!     "job/etl.spec.parallelism=6".parse::<Override>()?,
//!     "cluster.nodePools.worker.count=1".parse()?,
//!     "seed=7".parse()?,
//! ]);
//! let (scenario, _) = jobsim::load_str(manifest, Path::new("etl.yaml"), &options)?;
//! assert_eq!(scenario.seed, 7);
//! let result = jobsim::simulate(&scenario, &mut NullSink, None)?;
//! assert_eq!(result.nodes.len(), 1);
//! assert_eq!(result.jobs[0].parallelism, 6);
//! assert_eq!(result.jobs[0].succeeded, 6);
//!
//! // A value the field refuses is an error that names the override.
//! let bad = LoadOptions::with_overrides(["job/etl.spec.parallelism=-1".parse()?]);
//! let err = jobsim::load_str(manifest, Path::new("etl.yaml"), &bad).unwrap_err();
//! assert!(err.to_string().starts_with("override job/etl.spec.parallelism=-1: etl.yaml:"));
//!
//! // The same manifest, already parsed (e.g. built by a program).
//! let value: yaml_serde::Value = yaml_serde::from_str(manifest)?;
//! let (scenario, _) = jobsim::load_value(&value, Path::new("etl.yaml"), &LoadOptions::default())?;
//! assert_eq!(jobsim::simulate(&scenario, &mut NullSink, None)?.jobs[0].succeeded, 6);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Stopping between events
//!
//! A [`Simulation`] runs one event at a time and shows a Job's status at that moment; its
//! [`finish`](Simulation::finish) gives the same result as [`simulate`]:
//!
//! ```
//! use std::path::Path;
//! use jobsim::{LoadOptions, SECOND, Simulation, record::MemorySink};
//!
//! let manifest = r#"
//! apiVersion: batch/v1
//! kind: Job
//! metadata: {name: pi}
//! spec:
//!   completions: 2
//!   template:
//!     spec:
//!       restartPolicy: Never
//!       containers: [{name: pi, image: perl, command: ["sleep", "30"]}]
//! "#;
//! let (scenario, _) = jobsim::load_str(manifest, Path::new("pi.yaml"), &LoadOptions::default())?;
//! let mut sink = MemorySink::default();
//! let mut sim = Simulation::new(&scenario, &mut sink);
//! sim.run_until(10 * SECOND);
//! let pi = sim.job("pi").expect("submitted at 0");
//! assert_eq!((pi.active, pi.succeeded), (1, 0)); // parallelism 1: one pod at a time
//! assert!(!pi.is_finished());
//! let result = sim.finish()?;
//! assert_eq!(result.jobs[0].succeeded, 2);
//! assert_eq!(sink.pods.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Files
//!
//! `jobsim run` writes the records with a [`record::CsvSink`] and then the JSON files and
//! `nodes.csv` with [`record::write_run_files`]; [`report`] reads such a folder back and draws
//! its charts. Column names and JSON keys are a contract: added to, never renamed.
//!
//! Inside, data flows one way: input → model → simulation → records → reports. The modules
//! behind this face (the API types, the store, the controllers, the engine) are private; the
//! repository's `docs/architecture.md` walks through them.

#![warn(missing_docs)]

mod api;
pub mod check;
mod controllers;
pub mod cron;
mod engine;
mod excerpt;
pub mod record;
pub mod report;
mod scenario;
pub mod sweep;
mod time;
mod version;
mod world;

pub use api::quantity::QuantityError;
pub use api::{FieldValidation, Quantity, Warning, is_scenario_text};
pub use engine::EventQueue;
pub use record::result::{CronJobResult, JobResult, Metrics, NodeResult, RunResult};
pub use scenario::input::{LoadOptions, load_files, load_str, load_value};
pub use scenario::overrides::OverrideSyntaxError;
pub use scenario::{
    DEFAULT_CRONJOB_HORIZON, DEFAULT_RUN_BOUND, LoadError, MAX_HORIZON, Override, Scenario,
    load_expectations_beside, name_from_file,
};
pub use time::{
    DurationError, HOUR, MINUTE, SECOND, SimDuration, SimTime, format_duration, parse_duration,
    seconds_str,
};
pub use world::simulation::{JobStatusView, Simulation};
pub use world::{PROGRESS_EVERY, Progress, SimulateError, simulate, simulate_observed};

/// The event recorders and their correlator, for the benchmarks in `benches/` (not a
/// stable API).
#[doc(hidden)]
pub use world::recorder as event_recorder;

/// Delays of the modelled control plane that tests and tools reason with.
pub mod timing {
    pub use crate::controllers::job::TTL_REACTION;
    pub use crate::controllers::kubelet::STOP_LATENCY;
}

pub use version::{KUBERNETES_VERSION, VERSION};
