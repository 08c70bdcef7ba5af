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

pub mod api;
pub mod cli;
pub mod controllers;
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
