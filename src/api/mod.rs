//! The Kubernetes objects as jobsim reads and stores them: `batch/v1` Job and CronJob
//! manifests, the pod template they carry, and exact resource quantities.
//!
//! This module parses, defaults and validates manifests the way the API server does
//! (reference job-semantics §1, cronjob-semantics §1.8–§1.9). It knows nothing about
//! simulated time or events: the controllers own the runtime state.

pub mod cronjob;
pub mod defaults;
pub mod job;
pub mod lenient;
pub mod load;
pub mod meta;
pub mod pod;
pub mod position;
pub mod quantity;
pub mod validation;

#[allow(unused_imports)] // the module's vocabulary for the crate, used or not
pub use cronjob::{ConcurrencyPolicy, CronJob, CronJobSpec, JobTemplateSpec};
#[allow(unused_imports)] // the module's vocabulary for the crate, used or not
pub use job::{CompletionMode, Job, JobSpec, PodReplacementPolicy};
#[allow(unused_imports)] // the module's vocabulary for the crate, used or not
pub use load::{
    FieldValidation, Manifest, ManifestError, Problem, Warning, is_scenario_text, load_manifests,
    load_manifests_located, load_manifests_str, load_manifests_with, manifest_from_value,
    manifest_in_document, manifest_in_document_with,
};
pub use meta::ObjectMeta;
#[allow(unused_imports)] // the module's vocabulary for the crate, used or not
pub use pod::{Container, PodSpec, PodTemplateSpec, ResourceRequirements, RestartPolicy};
#[allow(unused_imports)] // the module's vocabulary for the crate, used or not
pub use position::{FieldPath, PathSeg};
pub use quantity::Quantity;
#[allow(unused_imports)] // the module's vocabulary for the crate, used or not
pub use validation::FieldError;
