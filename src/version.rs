//! The versions a run's outputs name: jobsim's own and the Kubernetes release it models. A
//! module of its own so that the records and reports that print them depend on nothing else.

/// The jobsim version, from Cargo.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The Kubernetes release whose controller behaviour is modelled (default feature gates).
pub const KUBERNETES_VERSION: &str = "v1.36";
