//! # jobsim
//!
//! A deterministic discrete-event simulator of Kubernetes batch workloads. It reads real
//! `batch/v1` Job and CronJob manifests and replays them through the Kubernetes controller
//! semantics (v1.36, default feature gates) on a simulated cluster, in virtual time.
//!
//! Data flows one way: **input → model → simulation → records → reports**.
//!
//! ```text
//!  scenario.yaml / job.yaml ─► scenario::load ─► world::World ─► engine loop ─► record::Sink
//!                              (validate,         (store, event    (controllers)   (CSV, JSON,
//!                               default)           dispatch)                        summary)
//! ```
//!
//! The simulation never does I/O; the report layer never changes the simulation. Same
//! inputs and seed give byte-identical outputs.
//!
//! ## Using it as a library
//!
//! Load a scenario (or bare manifests with [`scenario::load_inputs`]), simulate it into a
//! [`record::Sink`], and read the result:
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
//! let (scenario, _warnings) = jobsim::scenario::load_scenario_str(yaml, Path::new("doc.yaml"))?;
//! let mut sink = MemorySink::default();
//! let result = jobsim::world::simulate(&scenario, &mut sink, None);
//! let job = &result.jobs[0];
//! assert_eq!((job.outcome, job.reason.as_str()), ("Complete", "CompletionsReached"));
//! assert_eq!(job.succeeded, 4);
//! assert_eq!(sink.pods.len(), 4); // one pods.csv row per pod
//! # Ok::<(), jobsim::scenario::LoadError>(())
//! ```

pub mod api;
pub mod check;
pub mod controllers;
pub mod cron;
pub mod engine;
pub mod record;
pub mod report;
pub mod scenario;
pub mod time;
pub mod world;

/// The jobsim version, from Cargo.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The Kubernetes release whose controller behaviour is modelled (default feature gates).
pub const KUBERNETES_VERSION: &str = "v1.36";
